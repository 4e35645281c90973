//! The request queue: filters, sort, the impact of a request on a person's load, candidates for
//! an unnamed resource, and resolving requests (approve, reject, cancel, reassign) one by one or
//! in bulk, each shown at once and rolled back alone if the backend refuses it.

use super::command::Command;
use super::effect::Effect;
use super::keys::Mode;
use super::state::{Confirm, OnYes, State, View};
use crate::client::{BackendError, Resolution};
use crate::domain::dates::{add_days, week_start};
use crate::domain::impact::{approval_hardens, impact_span};
use crate::domain::load::{LoadLevel, allocation_daily, load_level};
pub use crate::domain::model::StatusFilter;
use crate::domain::model::fmt_hours;
use crate::domain::{Allocation, DateRange, Id, Request, Resource, RowKey, Workspace};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RequestSort {
    /// Oldest first.
    #[default]
    Age,
    Start,
    Project,
    Percentage,
}

impl RequestSort {
    pub fn label(&self) -> &'static str {
        match self {
            RequestSort::Age => "oldest first",
            RequestSort::Start => "starting soonest",
            RequestSort::Project => "project",
            RequestSort::Percentage => "largest first",
        }
    }

    fn next(&self) -> RequestSort {
        match self {
            RequestSort::Age => RequestSort::Start,
            RequestSort::Start => RequestSort::Project,
            RequestSort::Project => RequestSort::Percentage,
            RequestSort::Percentage => RequestSort::Age,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct RequestsView {
    pub selected: usize,
    /// Only requests where I am an approver (the default) or all I can see.
    pub all: bool,
    pub status: StatusFilter,
    pub sort: RequestSort,
    pub marks: BTreeSet<Id>,
    /// The backend's words for requests whose last action failed.
    pub failures: BTreeMap<Id, String>,
}

/// Picking a person: to staff an unnamed resource on approval, or as a new approver.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonPick {
    pub purpose: PickPurpose,
    pub query: super::line::LineInput,
    /// People in rank order (candidates by free capacity; approvers by name), filtered by query.
    pub options: Vec<Id>,
    ranked: Vec<Id>,
    pub highlight: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PickPurpose {
    /// Approving `request`; `rest` still to decide; `decided` so far; allocations soft if `soft`.
    Approve {
        request: Id,
        rest: Vec<Id>,
        decided: Vec<(Id, Option<Id>)>,
        soft: bool,
    },
    Reassign {
        request: Id,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickInput {
    /// A line-editor key for the search text.
    Edit(crossterm::event::KeyEvent),
    Up,
    Down,
    /// Tab: hard ↔ soft when approving.
    ToggleSoft,
    Choose,
    Cancel,
}

/// Rebuilds the visible queue from filters and sort, keeping the selection on the same request.
pub fn rebuild_queue(state: &mut State) {
    let keep = state.queue.get(state.requests.selected).cloned();
    let me = state.ws.current_user.clone();
    let view = &state.requests;
    let ws = &state.ws;
    let mut rows: Vec<&Request> = ws
        .requests
        .values()
        .filter(|r| view.status.admits(r.status))
        .filter(|r| view.all || me.as_ref().is_none_or(|me| r.approver_ids.contains(me)))
        .collect();
    rows.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    match view.sort {
        RequestSort::Age => {}
        // Requests with no dates at all (nothing to harden, no period) come last.
        RequestSort::Start => rows.sort_by_cached_key(|r| {
            let span = impact_span(ws, r);
            (span.is_none(), span.map(|s| s.start))
        }),
        RequestSort::Project => rows.sort_by_cached_key(|r| project_of(ws, r).to_lowercase()),
        // Kantata's requests state no share; they come after those that do.
        RequestSort::Percentage => rows.sort_by_key(|r| std::cmp::Reverse(r.percentage)),
    }
    state.queue = rows.into_iter().map(|r| r.id.clone()).collect();
    state.requests.selected = keep
        .and_then(|k| state.queue.iter().position(|q| *q == k))
        .unwrap_or(state.requests.selected)
        .min(state.queue.len().saturating_sub(1));
}

pub fn project_of<'a>(ws: &'a Workspace, r: &Request) -> &'a str {
    ws.project_name(
        ws.resources
            .get(&r.resource_id)
            .and_then(|x| x.project_id.as_ref()),
    )
}

/// One week of an impact preview.
#[derive(Clone, Debug, PartialEq)]
pub struct ImpactWeek {
    pub monday: chrono::NaiveDate,
    pub load: u64,
    pub capacity: u64,
    pub level: LoadLevel,
}

/// A person's weekly load over the request's impact span (its period, else the allocations
/// approval hardens) once approved: for an unnamed resource, its allocations moved onto
/// `person` (naming moves them all); for a named one, as it stands (soft and hard count alike
/// in the load, so hardening changes no figure). Empty when there is no span.
pub fn impact(ws: &Workspace, r: &Request, person: &Id) -> Vec<ImpactWeek> {
    let Some(span) = impact_span(ws, r) else {
        return Vec::new();
    };
    let key = RowKey::Person(person.clone());
    let view = ws.row_view(&key);
    let unnamed = ws
        .resources
        .get(&r.resource_id)
        .is_some_and(Resource::is_unnamed);
    let cal = ws.calendar_for(&key);
    let added: Vec<(DateRange, Vec<u32>)> = if unnamed {
        requested_or_all(ws, r)
            .iter()
            .map(|a| (a.range, allocation_daily(a, &cal)))
            .collect()
    } else {
        Vec::new()
    };
    let mut weeks = Vec::new();
    let mut monday = week_start(span.start);
    while monday <= span.end && weeks.len() < 60 {
        let week = DateRange::new(monday, add_days(monday, 6));
        let extra: u64 = added
            .iter()
            .map(|(span, daily)| {
                span.days()
                    .zip(daily)
                    .filter(|(d, _)| week.contains(*d))
                    .map(|(_, m)| *m as u64)
                    .sum::<u64>()
            })
            .sum();
        let load = view.load_in(week) + extra;
        let capacity = view.capacity_in(week);
        weeks.push(ImpactWeek {
            monday,
            load,
            capacity,
            level: load_level(load, capacity),
        });
        monday = add_days(monday, 7);
    }
    weeks
}

/// A person's free minutes (capacity minus load, before the request) over the request's impact
/// span; 0 when it has none.
pub fn free_for(ws: &Workspace, r: &Request, person: &Id) -> i64 {
    let Some(span) = impact_span(ws, r) else {
        return 0;
    };
    let key = RowKey::Person(person.clone());
    let view = ws.row_view(&key);
    view.capacity_in(span) as i64 - view.load_in(span) as i64
}

/// People to staff an unnamed resource with: those with its role first, then everyone, each
/// group by most free capacity over the impact span ([`free_for`]).
pub fn candidates(ws: &Workspace, r: &Request) -> Vec<(Id, i64)> {
    let role = ws
        .resources
        .get(&r.resource_id)
        .map(|x| x.role.to_lowercase())
        .unwrap_or_default();
    let mut people: Vec<(bool, i64, String, Id)> = ws
        .people
        .values()
        .map(|p| {
            let free = free_for(ws, r, &p.id);
            let same_role = !role.is_empty()
                && (p.role.to_lowercase().contains(&role) || role.contains(&p.role.to_lowercase()));
            (!same_role, -free, p.name.to_lowercase(), p.id.clone())
        })
        .collect();
    people.sort();
    people
        .into_iter()
        .map(|(_, free, _, id)| (id, -free))
        .collect()
}

// ---- actions ----

fn targets(state: &State) -> Vec<Id> {
    if !state.requests.marks.is_empty() {
        state.requests.marks.iter().cloned().collect()
    } else {
        state
            .queue
            .get(state.requests.selected)
            .cloned()
            .into_iter()
            .collect()
    }
}

fn describe(ws: &Workspace, id: &Id) -> String {
    let Some(r) = ws.requests.get(id) else {
        return format!("request #{id}");
    };
    let res = ws.resources.get(&r.resource_id);
    let who = match res {
        Some(x) if x.is_unnamed() => format!("unnamed {}", x.role),
        Some(x) => ws.resource_name(x),
        None => "?".into(),
    };
    format!("#{id} {} · {who}", project_of(ws, r))
}

/// Whether the allocations approval is judged on are in: the shown window's are loaded and
/// no read of them is under way. Until then "nothing to harden" would be a guess.
pub fn allocations_known(state: &State) -> bool {
    state.ws.index.window() == Some(state.window)
        && !state
            .pending
            .iter()
            .any(|p| matches!(p, Effect::LoadAllocations(_)))
}

/// What approving `id` does to allocations, for the confirmation: " · makes 2 allocations
/// hard (84h)", or " · changes no allocation" (only those in the loaded window are known).
fn hardens_note(state: &State, id: &Id, soft: bool) -> String {
    let ws = &state.ws;
    let Some(r) = ws.requests.get(id) else {
        return String::new();
    };
    let hardened = approval_hardens(ws, r);
    match hardened.len() {
        _ if soft => String::new(),
        _ if !allocations_known(state) => " · its allocations are still loading".into(),
        0 => " · changes no allocation".into(),
        n => format!(
            " · makes {n} allocation{} hard ({}h)",
            if n == 1 { "" } else { "s" },
            fmt_hours(hardened.iter().map(|h| h.minutes).sum())
        ),
    }
}

/// Refuses requests that are not pending, naming them.
fn pending_only(state: &mut State, ids: Vec<Id>) -> Option<Vec<Id>> {
    if !state.backend.has_requests() {
        state.say(format!(
            "{} has no staffing requests: staff projects in the Gantt (2)",
            state.backend.name()
        ));
        return None;
    }
    if ids.is_empty() {
        state.say("No request selected");
        return None;
    }
    let done: Vec<String> = ids
        .iter()
        .filter_map(|id| {
            state
                .ws
                .requests
                .get(id)
                .filter(|r| !r.status.is_pending())
                .map(|r| format!("#{id} is already {}", r.status.as_str()))
        })
        .collect();
    if !done.is_empty() {
        state.fail(
            "A resolved request cannot be resolved again",
            done.join(", "),
        );
        return None;
    }
    Some(ids)
}

pub fn start_approve(state: &mut State) {
    let ids = targets(state);
    let Some(ids) = pending_only(state, ids) else {
        return;
    };
    next_approval(state, ids, Vec::new(), false);
}

/// Asks for a person for the next unnamed request, or, when all are decided, for y/n.
fn next_approval(
    state: &mut State,
    mut rest: Vec<Id>,
    mut decided: Vec<(Id, Option<Id>)>,
    soft: bool,
) {
    while let Some(id) = rest.first().cloned() {
        let unnamed = state
            .ws
            .requests
            .get(&id)
            .and_then(|r| state.ws.resources.get(&r.resource_id))
            .is_some_and(Resource::is_unnamed);
        if unnamed {
            rest.remove(0);
            let ranked: Vec<Id> = state
                .ws
                .requests
                .get(&id)
                .map(|r| candidates(&state.ws, r))
                .unwrap_or_default()
                .into_iter()
                .map(|(p, _)| p)
                .collect();
            state.pick = Some(PersonPick {
                purpose: PickPurpose::Approve {
                    request: id,
                    rest,
                    decided,
                    soft,
                },
                query: Default::default(),
                options: ranked.clone(),
                ranked,
                highlight: 0,
            });
            return;
        }
        decided.push((rest.remove(0), None));
    }
    let ws = &state.ws;
    let kind = if soft { "soft" } else { "hard" };
    let note = |id: &Id| hardens_note(state, id, soft);
    let parts: Vec<String> = decided
        .iter()
        .map(|(id, user)| match user {
            Some(u) => format!(
                "{} → {} ({kind}){}",
                describe(ws, id),
                ws.person_name(u),
                note(id)
            ),
            None => format!("{}{}", describe(ws, id), note(id)),
        })
        .collect();
    let question = match parts.as_slice() {
        [one] => format!("Approve {one}?"),
        many => format!("Approve {} requests: {}?", many.len(), many.join("; ")),
    };
    state.confirm = Some(Confirm {
        question,
        on_yes: OnYes::Resolve(
            decided
                .into_iter()
                .map(|(id, user)| {
                    (
                        id,
                        Resolution::Approve {
                            user_id: user,
                            soft,
                        },
                    )
                })
                .collect(),
        ),
    });
}

pub fn start_reject_or_cancel(state: &mut State, cancel: bool) {
    let ids = targets(state);
    let Some(ids) = pending_only(state, ids) else {
        return;
    };
    if cancel {
        let me = state.ws.current_user.clone();
        let not_mine: Vec<String> = ids
            .iter()
            .filter(|id| {
                state
                    .ws
                    .requests
                    .get(*id)
                    .is_some_and(|r| Some(&r.creator_id) != me.as_ref())
            })
            .map(|id| format!("#{id}"))
            .collect();
        if !not_mine.is_empty() {
            state.fail(
                "Only the requester can cancel a request",
                format!("{} asked by someone else", not_mine.join(", ")),
            );
            return;
        }
    }
    let verb = if cancel { "Cancel" } else { "Reject" };
    let parts: Vec<String> = ids.iter().map(|id| describe(&state.ws, id)).collect();
    let question = match parts.as_slice() {
        [one] => format!("{verb} {one}?"),
        many => format!("{verb} {} requests: {}?", many.len(), many.join("; ")),
    };
    let how = if cancel {
        Resolution::Cancel
    } else {
        Resolution::Reject
    };
    state.confirm = Some(Confirm {
        question,
        on_yes: OnYes::Resolve(ids.into_iter().map(|id| (id, how.clone())).collect()),
    });
}

pub fn start_reassign(state: &mut State) {
    let ids = targets(state);
    let Some(ids) = pending_only(state, ids) else {
        return;
    };
    let [id] = ids.as_slice() else {
        state.say(format!(
            "Reassign one request at a time: unmark the others ({})",
            state.key(Mode::Requests, Command::Back)
        ));
        return;
    };
    let mut people: Vec<(String, Id)> = state
        .ws
        .people
        .values()
        .map(|p| (p.name.to_lowercase(), p.id.clone()))
        .collect();
    people.sort();
    let ranked: Vec<Id> = people.into_iter().map(|(_, id)| id).collect();
    state.pick = Some(PersonPick {
        purpose: PickPurpose::Reassign {
            request: id.clone(),
        },
        query: Default::default(),
        options: ranked.clone(),
        ranked,
        highlight: 0,
    });
}

pub fn pick_input(state: &mut State, key: PickInput) {
    let Some(mut pick) = state.pick.take() else {
        return;
    };
    match key {
        PickInput::Cancel => {
            state.say("Cancelled: nothing was changed");
            return;
        }
        PickInput::Edit(k) => {
            if super::line::edit(&mut pick.query, k) {
                refilter(&state.ws, &mut pick);
            }
        }
        PickInput::Up => pick.highlight = pick.highlight.saturating_sub(1),
        PickInput::Down => {
            pick.highlight = (pick.highlight + 1).min(pick.options.len().saturating_sub(1))
        }
        PickInput::ToggleSoft => {
            if let PickPurpose::Approve { soft, .. } = &mut pick.purpose {
                *soft = !*soft;
            }
        }
        PickInput::Choose => {
            let Some(person) = pick.options.get(pick.highlight).cloned() else {
                state.pick = Some(pick);
                return;
            };
            match pick.purpose {
                PickPurpose::Approve {
                    request,
                    rest,
                    mut decided,
                    soft,
                } => {
                    decided.push((request, Some(person)));
                    next_approval(state, rest, decided, soft);
                }
                PickPurpose::Reassign { request } => {
                    let from = state
                        .ws
                        .requests
                        .get(&request)
                        .map(|r| {
                            r.approver_ids
                                .iter()
                                .map(|a| state.ws.person_name(a).to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_default();
                    let question = format!(
                        "Reassign {} from {from} to {}?",
                        describe(&state.ws, &request),
                        state.ws.person_name(&person)
                    );
                    state.confirm = Some(Confirm {
                        question,
                        on_yes: OnYes::Reassign(request, person),
                    });
                }
            }
            return;
        }
    }
    state.pick = Some(pick);
}

fn refilter(ws: &Workspace, pick: &mut PersonPick) {
    pick.highlight = 0;
    if pick.query.trim().is_empty() {
        pick.options = pick.ranked.clone();
        return;
    }
    let pattern = Pattern::parse(&pick.query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    pick.options = pick
        .ranked
        .iter()
        .filter(|id| {
            let p = ws.people.get(*id);
            let text = p
                .map(|p| format!("{} {}", p.name, p.role))
                .unwrap_or_default();
            pattern
                .score(Utf32Str::new(&text, &mut buf), &mut matcher)
                .is_some()
        })
        .cloned()
        .collect();
}

/// What to put back if the backend refuses a resolution.
#[derive(Clone, Debug, PartialEq)]
pub struct Before {
    request: Request,
    resource: Option<Resource>,
    allocations: Vec<Allocation>,
}

/// Applies resolutions on screen at once and sends each on its own.
pub fn resolve(state: &mut State, items: Vec<(Id, Resolution)>) -> Vec<Effect> {
    let mut effects = Vec::new();
    for (id, how) in items {
        let Some(request) = state.ws.requests.get(&id).cloned() else {
            continue;
        };
        let resource = state.ws.resources.get(&request.resource_id).cloned();
        let allocations: Vec<Allocation> = requested_or_all(&state.ws, &request)
            .into_iter()
            .cloned()
            .collect();
        state.before.insert(
            id.clone(),
            Before {
                request: request.clone(),
                resource: resource.clone(),
                allocations: allocations.clone(),
            },
        );
        if let Some(r) = state.ws.requests.get_mut(&id) {
            r.status = how.status();
        }
        // Shown as the backend will store it: naming moves the allocations and sets them
        // hard or soft; approving a named resource's request hardens its soft ones
        // (`domain::impact`).
        match (&how, &resource) {
            (
                Resolution::Approve {
                    user_id: Some(user),
                    soft,
                },
                Some(res),
            ) => name_resource(state, &res.id, Some(user.clone()), Some(!*soft)),
            (
                Resolution::Approve {
                    user_id: None,
                    soft: false,
                },
                Some(res),
            ) => name_resource(state, &res.id, res.person_id.clone(), Some(true)),
            _ => {}
        }
        state.requests.failures.remove(&id);
        effects.push(state.start(Effect::Resolve { id, how }));
    }
    after_change(state);
    effects
}

/// All allocations of the request's resource (naming moves them all).
fn requested_or_all<'a>(ws: &'a Workspace, r: &Request) -> Vec<&'a Allocation> {
    let Some(key) = ws.row_key(&r.resource_id) else {
        return Vec::new();
    };
    ws.allocations_of(&key)
        .into_iter()
        .filter(|a| a.resource_id == r.resource_id)
        .collect()
}

/// Names (or un-names) a resource, moving its allocations to the new row and, if `hard` is
/// given, making them hard or soft.
pub fn name_resource(state: &mut State, resource: &Id, person: Option<Id>, hard: Option<bool>) {
    let Some(mut r) = state.ws.resources.get(resource).cloned() else {
        return;
    };
    r.person_id = person;
    state.ws.put_resource(r);
    if let (Some(h), Some(key)) = (hard, state.ws.row_key(resource)) {
        let changed: Vec<Allocation> = state
            .ws
            .allocations_of(&key)
            .into_iter()
            .filter(|a| &a.resource_id == resource && a.hard != h)
            .map(|a| Allocation {
                hard: h,
                ..a.clone()
            })
            .collect();
        for a in changed {
            state.ws.put_allocation(a);
        }
    }
}

fn after_change(state: &mut State) {
    super::update::rebuild_rows_pub(state);
    rebuild_queue(state);
}

/// The backend's answer to one resolution.
pub fn resolved(state: &mut State, id: Id, result: Result<Request, BackendError>, what: &str) {
    if let Some(i) = state.pending.iter().position(
        |p| matches!(p, Effect::Resolve { id: x, .. } | Effect::Reassign { id: x, .. } if *x == id),
    ) {
        state.pending.remove(i);
    }
    let before = state.before.remove(&id);
    match result {
        Ok(request) => {
            state.requests.marks.remove(&id);
            let status = request.status;
            state.ws.requests.insert(id.clone(), request);
            state.done(format!(
                "Request #{id} {}",
                if what == "reassign" {
                    "reassigned".to_string()
                } else {
                    status.as_str().to_string()
                }
            ));
        }
        Err(e) => {
            if let Some(b) = before {
                state.ws.requests.insert(id.clone(), b.request);
                if let Some(res) = b.resource {
                    name_resource(state, &res.id, res.person_id.clone(), None);
                    for a in b.allocations {
                        state.ws.put_allocation(a);
                    }
                }
            }
            state.requests.marks.insert(id.clone());
            state.requests.failures.insert(id.clone(), e.to_string());
            state.fail(
                e,
                format!("could not {what} request #{id}. It stays marked; nothing else changed."),
            );
        }
    }
    after_change(state);
}

/// Reassigning: shown at once, sent, rolled back if refused.
pub fn reassign(state: &mut State, id: Id, person: Id) -> Vec<Effect> {
    let Some(request) = state.ws.requests.get(&id).cloned() else {
        return Vec::new();
    };
    state.before.insert(
        id.clone(),
        Before {
            request,
            resource: None,
            allocations: Vec::new(),
        },
    );
    if let Some(r) = state.ws.requests.get_mut(&id) {
        r.approver_ids = vec![person.clone()];
    }
    let effect = state.start(Effect::Reassign {
        id,
        approvers: vec![person],
    });
    rebuild_queue(state);
    vec![effect]
}

pub fn toggle_mark(state: &mut State) {
    if let Some(id) = state.queue.get(state.requests.selected).cloned() {
        if !state.requests.marks.remove(&id) {
            state.requests.marks.insert(id);
        }
        state.say(format!(
            "{} marked: {} approves, {} rejects them all; {} clears",
            state.requests.marks.len(),
            state.key(Mode::Requests, Command::Approve),
            state.key(Mode::Requests, Command::Reject),
            state.key(Mode::Requests, Command::Back)
        ));
    }
}

pub fn cycle_status(state: &mut State) {
    state.requests.status = state.requests.status.next();
    rebuild_queue(state);
}

pub fn cycle_sort(state: &mut State) {
    state.requests.sort = state.requests.sort.next();
    rebuild_queue(state);
}

pub fn toggle_mine(state: &mut State) {
    state.requests.all = !state.requests.all;
    rebuild_queue(state);
}

pub fn is_requests(state: &State) -> bool {
    state.view == View::Requests
}

/// The backend's answer to a new request: shown in the queue and the Gantt, or the form back
/// with the backend's words.
pub fn created(state: &mut State, result: Result<crate::client::RequestCreated, BackendError>) {
    if let Some(i) = state
        .pending
        .iter()
        .position(|p| matches!(p, Effect::CreateRequest(_)))
    {
        state.pending.remove(i);
    }
    let form = state.request_form_sent.take();
    match result {
        Ok(made) => {
            if let Some(r) = made.resource {
                state.ws.resources.insert(r.id.clone(), r);
                state.ws.reindex_resources();
            }
            for a in made.allocations {
                state.ws.put_allocation(a);
            }
            let id = made.request.id.clone();
            let approvers: Vec<&str> = made
                .request
                .approver_ids
                .iter()
                .map(|a| state.ws.person_name(a))
                .collect();
            state.done(format!(
                "Request #{id} created; it waits for {}",
                approvers.join(", ")
            ));
            state.ws.requests.insert(id, made.request);
            after_change(state);
        }
        Err(e) => {
            use super::request_form::RqField;
            let field = match &e {
                BackendError::Validation { field: Some(f), .. } => match f.as_str() {
                    "approver_ids" => Some(RqField::Approvers),
                    "role" => Some(RqField::Role),
                    "percentage" => Some(RqField::Percent),
                    "start_date" => Some(RqField::Start),
                    "end_date" => Some(RqField::End),
                    _ => None,
                },
                _ => None,
            };
            if let Some(mut form) = form {
                if let Some(f) = field {
                    form.errors.insert(f, e.to_string());
                    form.focus = f;
                }
                state.request_form = Some(form);
            }
            state.fail(
                e,
                "could not create the request. The form is as you left it.",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    //! Approving where the backend keeps no period (Kantata): what the reducer shows and sends.

    use super::*;
    use crate::app::{Command, Msg, update};
    use crate::client::BackendKind;
    use crate::domain::RequestStatus;
    use crate::domain::dates::parse_date;
    use crate::domain::{Amount, Person, Project, Roster, WeeklyCapacity};
    use chrono::{NaiveDate, TimeZone, Utc};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn alloc(id: &str, start: &str, end: &str, minutes: u32, hard: bool) -> Allocation {
        Allocation {
            id: Id::new(id),
            resource_id: Id::new("r1"),
            project_id: Some(Id::new("p1")),
            range: DateRange::new(d(start), d(end)),
            amount: Amount::TotalMinutes(minutes),
            hard,
            notes: String::new(),
            read_only: false,
            allocate_on_time_off: false,
            server_total_minutes: Some(minutes),
            version: 1,
        }
    }

    /// A Kantata-shaped workspace: Chloé (named resource r1) with booked work and penciled-in
    /// work, and her request #q5 with no period, waiting for me.
    fn kantata_queue() -> State {
        let mut s = State::new(
            d("2026-11-23"),
            BackendKind::Kantata,
            "http://127.0.0.1/api/v1",
        );
        update(&mut s, Msg::Start);
        let window = s.window;
        let person = |id: &str, name: &str| Person {
            id: Id::new(id),
            name: name.into(),
            email: String::new(),
            role: "Designer".into(),
            weekly: WeeklyCapacity::STANDARD,
            time_off: vec![],
        };
        update(
            &mut s,
            Msg::RosterLoaded(Ok(Roster {
                name: "Test".into(),
                current_user: Some(Id::new("1")),
                people: vec![person("1", "Morgan"), person("2", "Chloé")],
                projects: vec![Project {
                    id: Id::new("p1"),
                    name: "Evergreen".into(),
                    client: String::new(),
                    roles: None,
                }],
                resources: vec![Resource {
                    id: Id::new("r1"),
                    project_id: Some(Id::new("p1")),
                    person_id: Some(Id::new("2")),
                    role: "Designer".into(),
                    label: "Designer".into(),
                }],
                ..Default::default()
            })),
        );
        update(
            &mut s,
            Msg::AllocationsLoaded {
                window,
                result: Ok(vec![
                    alloc("booked", "2026-11-30", "2026-12-11", 4800, true),
                    alloc("pencil", "2027-01-25", "2027-02-05", 2400, false),
                ]),
            },
        );
        update(
            &mut s,
            Msg::RequestsLoaded(Ok(vec![Request {
                id: Id::new("q5"),
                resource_id: Id::new("r1"),
                status: RequestStatus::New,
                approver_ids: vec![Id::new("1")],
                creator_id: Id::new("2"),
                created_at: Utc.with_ymd_and_hms(2026, 11, 17, 12, 29, 0).unwrap(),
                period: None,
                percentage: None,
                notes: String::new(),
            }])),
        );
        update(
            &mut s,
            Msg::ScheduledLoaded {
                window,
                result: Ok(vec![]),
            },
        );
        update(&mut s, Msg::Resize(80, 24));
        update(&mut s, Command::ShowRequests);
        s
    }

    fn approve(s: &mut State) -> Vec<Effect> {
        update(s, Command::Approve);
        assert!(s.pick.is_none(), "a named resource needs nobody picked");
        let q = s.confirm.clone().expect("y/n").question;
        assert_eq!(
            q,
            "Approve #q5 Evergreen · Chloé · makes 1 allocation hard (40h)?"
        );
        update(s, Command::Yes)
    }

    #[test]
    fn approving_a_request_without_a_period_hardens_its_soft_allocations_at_once() {
        let mut s = kantata_queue();
        assert_eq!(s.queue, vec![Id::new("q5")]);
        let effects = approve(&mut s);
        assert_eq!(
            effects,
            vec![Effect::Resolve {
                id: Id::new("q5"),
                how: Resolution::Approve {
                    user_id: None,
                    soft: false
                }
            }]
        );
        // Shown as Kantata will store it: the penciled-in work hard, the booked work as it was.
        assert!(s.ws.allocations[&Id::new("pencil")].hard);
        assert_eq!(s.ws.allocations[&Id::new("booked")].version, 1);
        assert_eq!(
            s.ws.requests[&Id::new("q5")].status,
            RequestStatus::Approved
        );
        assert!(s.queue.is_empty(), "no longer pending");
        let mut answer = s.ws.requests[&Id::new("q5")].clone();
        answer.status = RequestStatus::Approved;
        update(
            &mut s,
            Msg::Resolved {
                id: Id::new("q5"),
                result: Ok(answer),
            },
        );
        assert_eq!(s.notice.as_deref(), Some("Request #q5 approved"));
        assert!(s.ws.allocations[&Id::new("pencil")].hard);
        assert!(s.pending.is_empty());
    }

    #[test]
    fn a_refused_approval_puts_the_soft_allocations_back() {
        let mut s = kantata_queue();
        let before = s.ws.allocations[&Id::new("pencil")].clone();
        approve(&mut s);
        update(
            &mut s,
            Msg::Resolved {
                id: Id::new("q5"),
                result: Err(BackendError::Other(
                    "Kantata refused: not an approver".into(),
                )),
            },
        );
        assert_eq!(s.ws.allocations[&Id::new("pencil")], before, "soft again");
        assert!(s.ws.requests[&Id::new("q5")].status.is_pending());
        assert_eq!(s.queue, vec![Id::new("q5")]);
        assert!(s.requests.marks.contains(&Id::new("q5")));
        assert!(
            s.error
                .as_deref()
                .is_some_and(|e| e.contains("could not resolve request #q5. It stays marked")),
            "{:?}",
            s.error
        );
    }

    #[test]
    fn a_request_with_nothing_to_harden_says_so_and_sorts_last_by_start() {
        let mut s = kantata_queue();
        s.ws.remove_allocation(&Id::new("pencil"));
        let mut other = s.ws.requests[&Id::new("q5")].clone();
        other.id = Id::new("q6");
        other.period = Some(DateRange::new(d("2027-03-01"), d("2027-03-05")));
        s.ws.requests.insert(other.id.clone(), other);
        update(&mut s, Command::SortRequests); // starting soonest
        assert_eq!(s.requests.sort, RequestSort::Start);
        assert_eq!(
            s.queue,
            vec![Id::new("q6"), Id::new("q5")],
            "no dates, last"
        );
        let at = s.queue.iter().position(|q| q.as_str() == "q5").unwrap();
        s.requests.selected = at;
        update(&mut s, Command::Approve);
        let q = s.confirm.clone().unwrap().question;
        assert_eq!(q, "Approve #q5 Evergreen · Chloé · changes no allocation?");
        assert!(impact(&s.ws, &s.ws.requests[&Id::new("q5")], &Id::new("2")).is_empty());
    }

    #[test]
    fn before_the_allocations_are_in_nothing_is_claimed_about_what_approving_hardens() {
        let mut s = State::new(
            d("2026-11-23"),
            BackendKind::Kantata,
            "http://127.0.0.1/api/v1",
        );
        update(&mut s, Msg::Start);
        let window = s.window;
        let ready = kantata_queue();
        // Roster and requests are in; the allocations are still being read.
        update(
            &mut s,
            Msg::RosterLoaded(Ok(Roster {
                name: "Test".into(),
                current_user: ready.ws.current_user.clone(),
                people: ready.ws.people.values().cloned().collect(),
                projects: ready.ws.projects.values().cloned().collect(),
                resources: ready.ws.resources.values().cloned().collect(),
                ..Default::default()
            })),
        );
        update(
            &mut s,
            Msg::RequestsLoaded(Ok(ready.ws.requests.values().cloned().collect())),
        );
        update(&mut s, Command::ShowRequests);
        assert!(!allocations_known(&s));
        update(&mut s, Command::Approve);
        assert_eq!(
            s.confirm.clone().unwrap().question,
            "Approve #q5 Evergreen · Chloé · its allocations are still loading?"
        );
        update(&mut s, Command::No);
        let loaded: Vec<Allocation> = ready.ws.allocations.values().cloned().collect();
        update(
            &mut s,
            Msg::AllocationsLoaded {
                window,
                result: Ok(loaded),
            },
        );
        assert!(allocations_known(&s));
        approve(&mut s);
    }
}
