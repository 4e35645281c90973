//! The split offered as one approval (issue 15): where nobody fits alone, the two people who
//! together fit ([`best_split`]) behind one y/n, sent as one unit: the request approved with the
//! first person, its allocations cut to their share first (so what is booked is what the y/n
//! said), and the rest booked hard on the second person's resource on the same project and role.
//! The embedded store takes it in one transaction and `u` takes it all back.

use super::*;
use crate::client::{
    Applied, Bundle, BundleDone, BundleFailed, Change, NewAllocation, NewResource,
};
use crate::domain::candidates::{ImpactWeek, Split, added_daily, peak, rank_top, role_asked};
use crate::domain::dates::{add_days, week_start};
use crate::domain::impact::impact_span;
use crate::domain::{Amount, DateRange, RowKey, RowView, load_level};
use chrono::NaiveDate;

/// One week of a split: the days the request books in it, and each person's minutes there.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareWeek {
    pub range: DateRange,
    pub first: u64,
    pub second: u64,
}

/// A split as the y/n states it and as it is sent.
#[derive(Clone, Debug, PartialEq)]
pub struct SplitPlan {
    pub request: Id,
    pub first: Id,
    pub second: Id,
    pub weeks: Vec<ShareWeek>,
    /// The second person's resource in the role on the project, where they have one (a person
    /// holds a role once per project); else the split makes one.
    pub second_resource: Option<Id>,
    pub first_peak: Option<ImpactWeek>,
    pub second_peak: Option<ImpactWeek>,
}

impl SplitPlan {
    pub fn first_minutes(&self) -> u64 {
        self.weeks.iter().map(|w| w.first).sum()
    }

    pub fn second_minutes(&self) -> u64 {
        self.weeks.iter().map(|w| w.second).sum()
    }
}

/// What a split (or its undo) sent, kept until the backend answers.
#[derive(Clone, Debug, PartialEq)]
pub struct SplitSent {
    /// `None`: the undo of a split.
    pub plan: Option<SplitPlan>,
    pub bundle: Bundle,
    /// Undoing: the second person and the resource the split made them, which stays.
    pub kept: Option<(Id, Id)>,
}

/// What `u` needs to take a split back: the second person's allocations, the first person's
/// share, and the request's allocations as they were. A resource the split made for the second
/// person stays, empty: the store (as Kantata) keeps a person's last resource in their primary
/// role on a project, and the participation it records stays as approving's does.
#[derive(Clone, Debug, PartialEq)]
pub struct SplitUndo {
    pub second: Id,
    pub second_allocations: Vec<(Id, i64)>,
    /// The resource the split made for the second person, if it made one.
    pub second_resource: Option<Id>,
    pub first_allocations: Vec<(Id, i64)>,
    pub originals: Vec<Allocation>,
}

/// `split` week by week, as [`best_split`] works it out: each week the first person takes what
/// fits under their capacity, the second the rest. `None` when it no longer adds up to the
/// split shown (the workspace changed under it) or the request has no project.
pub fn plan_split(ws: &Workspace, r: &Request, split: &Split) -> Option<SplitPlan> {
    let span = impact_span(ws, r)?;
    let res = ws.resources.get(&r.resource_id)?;
    let project = res.project_id.as_ref()?;
    let need = added_daily(ws, r, &split.first);
    let (first_key, second_key) = (
        RowKey::Person(split.first.clone()),
        RowKey::Person(split.second.clone()),
    );
    let (a, b) = (ws.row_view(&first_key), ws.row_view(&second_key));
    let mut weeks = Vec::new();
    let (mut first_weeks, mut second_weeks) = (Vec::new(), Vec::new());
    let mut monday = week_start(span.start);
    // The same weeks as `best_split` (at most 60).
    while monday <= span.end && first_weeks.len() < 60 {
        let week = DateRange::new(monday, add_days(monday, 6));
        let days: Vec<NaiveDate> = need
            .range(week.start..=week.end)
            .filter(|(_, m)| **m > 0)
            .map(|(d, _)| *d)
            .collect();
        let asked: u64 = need.range(week.start..=week.end).map(|(_, m)| *m).sum();
        let take = asked.min(a.capacity_in(week).saturating_sub(a.load_in(week)));
        let rest = asked - take;
        let with = |view: &RowView, added: u64| {
            let (load, capacity) = (view.load_in(week) + added, view.capacity_in(week));
            ImpactWeek {
                monday,
                load,
                capacity,
                level: load_level(load, capacity),
            }
        };
        first_weeks.push(with(&a, take));
        second_weeks.push(with(&b, rest));
        if let (Some(s), Some(e)) = (days.first(), days.last()) {
            weeks.push(ShareWeek {
                range: DateRange::new(*s, *e),
                first: take,
                second: rest,
            });
        }
        monday = add_days(monday, 7);
    }
    let plan = SplitPlan {
        request: r.id.clone(),
        first: split.first.clone(),
        second: split.second.clone(),
        weeks,
        second_resource: ws
            .resources
            .values()
            .find(|x| {
                x.project_id.as_ref() == Some(project)
                    && x.person_id.as_ref() == Some(&split.second)
                    && x.role.trim().eq_ignore_ascii_case(res.role.trim())
            })
            .map(|x| x.id.clone()),
        first_peak: peak(&first_weeks).cloned(),
        second_peak: peak(&second_weeks).cloned(),
    };
    (plan.first_minutes() == split.first_minutes && plan.second_minutes() == split.second_minutes)
        .then_some(plan)
}

/// The id the new resource goes by within the bundle, until the backend gives it one.
fn temp_resource(request: &Id) -> Id {
    Id::new(format!("split-{request}"))
}

fn minutes(m: u64) -> Amount {
    Amount::TotalMinutes(u32::try_from(m).unwrap_or(u32::MAX))
}

/// The writes of `plan`: the request's allocations replaced by the first person's share (soft
/// until approving hardens them, as on an unnamed resource they must be), the approval, then
/// the rest, hard, on the second person's resource (made if they have none).
pub fn split_bundle(ws: &Workspace, r: &Request, plan: &SplitPlan) -> Option<Bundle> {
    let res = ws.resources.get(&r.resource_id)?;
    let project = res.project_id.clone()?;
    let originals = requested_or_all(ws, r);
    let notes = originals
        .first()
        .map(|a| a.notes.clone())
        .unwrap_or_default();
    let mut before: Vec<Change> = originals
        .iter()
        .map(|a| Change::Delete {
            id: a.id.clone(),
            version: a.version,
        })
        .collect();
    before.extend(plan.weeks.iter().filter(|w| w.first > 0).map(|w| {
        Change::Create(NewAllocation {
            resource_id: r.resource_id.clone(),
            range: w.range,
            amount: minutes(w.first),
            hard: false,
            notes: notes.clone(),
        })
    }));
    let mut after = Vec::new();
    let second_resource = match &plan.second_resource {
        Some(id) => id.clone(),
        None => {
            let temp = temp_resource(&r.id);
            after.push(Change::CreateResource {
                temp_id: temp.clone(),
                new: NewResource {
                    project_id: project,
                    person_id: Some(plan.second.clone()),
                    role: Some(res.role.clone()),
                    label: None,
                },
            });
            temp
        }
    };
    after.extend(plan.weeks.iter().filter(|w| w.second > 0).map(|w| {
        Change::Create(NewAllocation {
            resource_id: second_resource.clone(),
            range: w.range,
            amount: minutes(w.second),
            hard: true,
            notes: notes.clone(),
        })
    }));
    Some(Bundle {
        before,
        how: Resolution::Approve {
            user_id: Some(plan.first.clone()),
            soft: false,
        },
        after,
    })
}

/// `S`: the split of the selected request, behind one y/n (asked first where I am not its
/// approver).
pub fn start_split(state: &mut State) {
    let ids = targets(state);
    let Some(ids) = pending_only(state, ids) else {
        return;
    };
    if !state.backend.can_split() {
        state.say(format!(
            "{} cannot book a split in one approval: the closest are listed first; {} approves one",
            state.backend.name(),
            state.key(Mode::Requests, Command::Approve)
        ));
        return;
    }
    let [id] = ids.as_slice() else {
        state.say(format!(
            "Split one request at a time: unmark the others ({})",
            state.key(Mode::Requests, Command::Back)
        ));
        return;
    };
    // Said before any question about whose request it is.
    if let Err(why) = split_of(state, id) {
        state.say(why);
        return;
    }
    super::approve::ask_if_not_mine(state, Step::Split { id: id.clone() });
}

/// The split of request `id` week by week, or why there is none to offer.
fn split_of(state: &State, id: &Id) -> Result<SplitPlan, String> {
    if !allocations_known(state) {
        return Err("The request's allocations are still loading: try again in a moment".into());
    }
    let ws = &state.ws;
    let r = ws
        .requests
        .get(id)
        .ok_or_else(|| format!("Request #{id} is gone"))?;
    // The split the pane shows; worked out here if the pane has not (a marked request).
    let split = match ranked(state, r) {
        Some(k) => k.split.clone(),
        None => rank_top(ws, r, &Planned::new(), 0).split,
    }
    .ok_or_else(|| {
        format!(
            "No split for {}: someone fits alone, or no two people fit together",
            describe(ws, id)
        )
    })?;
    plan_split(ws, r, &split).ok_or_else(|| {
        format!(
            "The split of {} no longer adds up: look again",
            describe(ws, id)
        )
    })
}

/// The y/n for splitting `id`: request, project, both people, each one's hours and resulting
/// peak week, and whether it can be taken back.
pub(super) fn confirm_split(state: &mut State, id: Id) {
    let plan = match split_of(state, &id) {
        Ok(plan) => plan,
        Err(why) => {
            state.say(why);
            return;
        }
    };
    let ws = &state.ws;
    let Some(r) = ws.requests.get(&id) else {
        return;
    };
    let role = role_asked(ws, r);
    let peak = |w: &Option<ImpactWeek>| {
        w.as_ref()
            .map(|w| format!(" · peak {}", week_text(w)))
            .unwrap_or_default()
    };
    let where_second = match &plan.second_resource {
        Some(_) => format!("on their {role} resource"),
        None => format!("on a new {role} resource"),
    };
    let total = plan.first_minutes() + plan.second_minutes();
    let question = format!(
        "Split {} between two?\n{}: {}h hard on the request's resource{}\n{}: {}h hard {where_second}{}\nTogether {}h{} · {}",
        describe(ws, &id),
        ws.person_name(&plan.first),
        fmt_hours(plan.first_minutes()),
        peak(&plan.first_peak),
        ws.person_name(&plan.second),
        fmt_hours(plan.second_minutes()),
        peak(&plan.second_peak),
        fmt_hours(total),
        asks_note(ws, r).replacen(" · ", "; it asks ", 1),
        undo_note(state),
    );
    state.open(Overlay::Confirm(Confirm {
        question,
        on_yes: OnYes::Split(Box::new(plan)),
        scroll: 0,
    }));
}

/// `y` on the split: shown at once (the request approved, its resource staffed) and sent.
pub fn send_split(state: &mut State, plan: SplitPlan) -> Vec<Effect> {
    let id = plan.request.clone();
    let Some(r) = state.ws.requests.get(&id).cloned() else {
        return Vec::new();
    };
    let Some(bundle) = split_bundle(&state.ws, &r, &plan) else {
        state.say(format!(
            "{} has no project to book the rest on",
            describe(&state.ws, &id)
        ));
        return Vec::new();
    };
    keep_before(state, &r);
    if let Some(x) = state.ws.requests.get_mut(&id) {
        x.status = RequestStatus::Approved;
    }
    name_resource(state, &r.resource_id, Some(plan.first.clone()), Some(true));
    let sent = SplitSent {
        plan: Some(plan),
        bundle,
        kept: None,
    };
    send(state, id, sent)
}

/// Keeps what to put back if the backend refuses.
fn keep_before(state: &mut State, r: &Request) {
    let resource = state.ws.resources.get(&r.resource_id).cloned();
    let allocations = requested_or_all(&state.ws, r)
        .into_iter()
        .cloned()
        .collect();
    state.before.insert(
        r.id.clone(),
        Before {
            request: r.clone(),
            resource,
            allocations,
        },
    );
}

fn send(state: &mut State, id: Id, sent: SplitSent) -> Vec<Effect> {
    state.requests.failures.remove(&id);
    let bundle = sent.bundle.clone();
    state.requests.sent.insert(id.clone(), sent);
    after_change(state);
    vec![state.start(Effect::ResolveWith { id, bundle })]
}

/// `u` on a split: the second person's allocations (and the resource the split made) gone, the
/// request pending and unnamed again, and its allocations as they were.
pub(super) fn undo_split(
    state: &mut State,
    request: Id,
    person: Option<Id>,
    u: SplitUndo,
) -> Vec<Effect> {
    let Some(r) = state.ws.requests.get(&request).cloned() else {
        return Vec::new();
    };
    let before: Vec<Change> = u
        .second_allocations
        .iter()
        .map(|(id, version)| Change::Delete {
            id: id.clone(),
            version: *version,
        })
        .collect();
    let mut after: Vec<Change> = u
        .first_allocations
        .iter()
        .map(|(id, version)| Change::Delete {
            id: id.clone(),
            version: *version,
        })
        .collect();
    after.extend(u.originals.iter().map(|a| {
        Change::Create(NewAllocation {
            resource_id: a.resource_id.clone(),
            range: a.range,
            amount: a.amount,
            hard: a.hard,
            notes: a.notes.clone(),
        })
    }));
    let bundle = Bundle {
        before,
        // Its share is deleted just after, so nothing is made soft first.
        how: Resolution::Reopen {
            person,
            soft: Vec::new(),
        },
        after,
    };
    keep_before(state, &r);
    if let Some(x) = state.ws.requests.get_mut(&request) {
        x.status = RequestStatus::New;
    }
    state.say(format!(
        "Undoing the split: {} back to pending…",
        describe(&state.ws, &request)
    ));
    let sent = SplitSent {
        plan: None,
        bundle,
        kept: u.second_resource.map(|res| (u.second, res)),
    };
    send(state, request, sent)
}

/// Puts what went through of a bundle into the workspace, as the backend stored it.
fn take_in(state: &mut State, applied: &[Applied]) {
    for a in applied {
        match a {
            Applied::Created(x) | Applied::Updated(x) => state.ws.put_allocation(x.clone()),
            Applied::Deleted(id) => {
                state.ws.remove_allocation(id);
            }
            Applied::Split(x, y) => {
                state.ws.put_allocation(x.clone());
                state.ws.put_allocation(y.clone());
            }
            Applied::ResourceCreated { resource, .. } | Applied::ResourceUpdated(resource) => {
                state.ws.put_resource(resource.clone())
            }
            Applied::ResourceDeleted(id) => {
                state.ws.remove_resource(id);
            }
        }
    }
}

/// The backend's answer to a split or its undo: what went through is shown as stored; a
/// refusal puts back what was shown at once; part-way, it says what landed and what did not.
pub fn resolved_with(state: &mut State, id: Id, result: Result<BundleDone, BundleFailed>) {
    if let Some(i) = state
        .pending
        .iter()
        .position(|p| matches!(p, Effect::ResolveWith { id: x, .. } if *x == id))
    {
        state.pending.remove(i);
    }
    let before = state.before.remove(&id);
    let Some(sent) = state.requests.sent.remove(&id) else {
        return;
    };
    let (done, cause) = match result {
        Ok(done) => (done, None),
        Err(f) => (f.done, Some(f.cause)),
    };
    let resource = before
        .as_ref()
        .and_then(|b| b.resource.as_ref())
        .map(|x| x.id.clone());
    if done.request.is_none()
        && let Some(b) = &before
    {
        // The resolution did not land: the request and its resource as they were, and its
        // allocations too unless some of the writes before it went through.
        state.ws.requests.insert(id.clone(), b.request.clone());
        if let Some(res) = &b.resource {
            name_resource(state, &res.id, res.person_id.clone(), None);
            if done.before.is_empty() {
                for a in &b.allocations {
                    state.ws.put_allocation(a.clone());
                }
            }
        }
    }
    take_in(state, &done.before);
    take_in(state, &done.after);
    if let Some(request) = done.request.clone() {
        state.ws.requests.insert(id.clone(), request);
        if let (Some(plan), Some(res)) = (&sent.plan, &resource) {
            name_resource(state, res, Some(plan.first.clone()), Some(true));
        }
        if let (None, Some(res), Some(b)) = (&sent.plan, &resource, &before) {
            let was = b.resource.as_ref().and_then(|x| x.person_id.clone());
            if was.is_some() {
                name_resource(state, res, None, None);
            }
        }
    }
    match (&sent.plan, cause) {
        (Some(plan), None) => {
            let words = split_words(&state.ws, plan, &sent);
            if state.backend == crate::client::BackendKind::Local {
                state.requests.undo.push(Undoable {
                    request: id.clone(),
                    person: None,
                    soft: Vec::new(),
                    split: Some(undo_of(plan, &done, before.map(|b| b.allocations))),
                });
            }
            state.requests.marks.remove(&id);
            state.done(words);
        }
        (None, None) => {
            let mut words = format!(
                "Undid the split: {} is pending again",
                describe(&state.ws, &id)
            );
            if let Some((person, res)) = &sent.kept {
                let role = state.ws.resources.get(res).map(|x| x.role.as_str());
                words.push_str(&format!(
                    "; {}'s new {} resource stays, empty",
                    state.ws.person_name(person),
                    role.unwrap_or("")
                ));
            }
            state.requests.marks.remove(&id);
            state.done(words);
        }
        (plan, Some(e)) => {
            state.requests.failures.insert(id.clone(), e.to_string());
            let what = if plan.is_some() {
                "split"
            } else {
                "undo the split of"
            };
            let nothing = done.before.is_empty() && done.request.is_none();
            if nothing {
                state.requests.marks.insert(id.clone());
                state.fail(
                    e,
                    format!("could not {what} request #{id}. Nothing changed."),
                );
            } else {
                state.fail(
                    e,
                    format!(
                        "the {} of request #{id} stopped part-way. Done: {}. Not done: {}. R reads the backend again",
                        if plan.is_some() { "split" } else { "undo of the split" },
                        landed(&state.ws, &id, plan.as_ref(), &sent.bundle, &done, true),
                        landed(&state.ws, &id, plan.as_ref(), &sent.bundle, &done, false),
                    ),
                );
            }
        }
    }
    after_change(state);
}

/// "Request #5011 split: Ava Chen staffs Engineer on Kite Loyalty Program (32h); Ben Carter
/// takes the other 16h on a new Engineer resource".
fn split_words(ws: &Workspace, plan: &SplitPlan, sent: &SplitSent) -> String {
    let Some(r) = ws.requests.get(&plan.request) else {
        return format!("Request #{} split", plan.request);
    };
    let role = role_asked(ws, r);
    let made = sent
        .bundle
        .after
        .iter()
        .any(|c| matches!(c, Change::CreateResource { .. }));
    format!(
        "Request #{} split: {} staffs {role} on {} ({}h); {} takes the other {}h on {} {role} resource",
        plan.request,
        ws.person_name(&plan.first),
        project_of(ws, r),
        fmt_hours(plan.first_minutes()),
        ws.person_name(&plan.second),
        fmt_hours(plan.second_minutes()),
        if made { "a new" } else { "their" },
    )
}

/// What of a part-way bundle went through (`went`) or did not, in words.
fn landed(
    ws: &Workspace,
    id: &Id,
    plan: Option<&SplitPlan>,
    bundle: &Bundle,
    done: &BundleDone,
    went: bool,
) -> String {
    let part = |n: usize, of: usize, what: String| -> Option<String> {
        let k = if went { n } else { of - n.min(of) };
        match (k, of) {
            (0, _) => None,
            (k, of) if k == of => Some(what),
            (k, of) => Some(format!("{k} of the {of} changes to {what}")),
        }
    };
    let (first, second) = match plan {
        Some(p) => (
            format!(
                "the request's allocations cut to {}'s {}h",
                ws.person_name(&p.first),
                fmt_hours(p.first_minutes())
            ),
            format!(
                "{}'s {}h booked",
                ws.person_name(&p.second),
                fmt_hours(p.second_minutes())
            ),
        ),
        None => (
            "the second person's allocations removed".into(),
            "the request's allocations put back".into(),
        ),
    };
    let resolution = match plan {
        Some(p) => format!("#{id} approved with {}", ws.person_name(&p.first)),
        None => format!("#{id} pending again"),
    };
    let resolved = usize::from(done.request.is_some());
    let parts: Vec<String> = [
        part(done.before.len(), bundle.before.len(), first),
        part(resolved, 1, resolution),
        part(done.after.len(), bundle.after.len(), second),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(", ")
    }
}

/// What `u` sends to take `plan` back, from what the backend stored.
fn undo_of(plan: &SplitPlan, done: &BundleDone, originals: Option<Vec<Allocation>>) -> SplitUndo {
    let created = |applied: &[Applied]| -> Vec<(Id, i64)> {
        applied
            .iter()
            .filter_map(|a| match a {
                Applied::Created(x) => Some((x.id.clone(), x.version)),
                _ => None,
            })
            .collect()
    };
    SplitUndo {
        second: plan.second.clone(),
        second_allocations: created(&done.after),
        second_resource: done.after.iter().find_map(|a| match a {
            Applied::ResourceCreated { resource, .. } => Some(resource.id.clone()),
            _ => None,
        }),
        first_allocations: created(&done.before),
        originals: originals.unwrap_or_default(),
    }
}
