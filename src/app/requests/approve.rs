//! Starting a resolution: approve (with the people picked), reject, cancel, reassign, each
//! behind a y/n that names what it acts on.

use super::*;

/// What `a`, `r` and the rest act on: the marked requests in list order (marks filtered out of
/// view after, by id), else the selected one.
pub(super) fn targets(state: &State) -> Vec<Id> {
    let marks = &state.requests.marks;
    if marks.is_empty() {
        return state
            .queue
            .get(state.requests.selected)
            .cloned()
            .into_iter()
            .collect();
    }
    let mut out: Vec<Id> = state
        .queue
        .iter()
        .filter(|id| marks.contains(*id))
        .cloned()
        .collect();
    let hidden: Vec<Id> = marks.iter().filter(|m| !out.contains(m)).cloned().collect();
    out.extend(hidden);
    out
}

/// "#5001 Atlas 2.0 · ○ iOS Engineer": the request as the queue labels it.
pub(super) fn describe(ws: &Workspace, id: &Id) -> String {
    let Some(r) = ws.requests.get(id) else {
        return format!("request #{id}");
    };
    let who = match ws.resources.get(&r.resource_id) {
        Some(x) if x.is_unnamed() => format!("○ {}", x.role),
        Some(x) => ws.resource_name(x),
        None => "(unknown resource)".into(),
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
pub(super) fn hardens_note(state: &State, id: &Id, soft: bool) -> String {
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
pub(super) fn pending_only(state: &mut State, ids: Vec<Id>) -> Option<Vec<Id>> {
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

/// A step that waits on a y/n before it goes on: acting on requests I am not an approver of is
/// asked once more, explicitly, before the usual confirmation.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Approve `ids`; with the top candidate for each unnamed one when `top`.
    Approve { ids: Vec<Id>, top: bool },
    /// Reject (ask for a reason first) or cancel `ids`.
    Reject { ids: Vec<Id>, cancel: bool },
    /// Approve `id` split between two people.
    Split { id: Id },
}

/// The requests among `ids` I am not an approver of, with who is: "#5009 (Priya Shah)".
fn not_mine(state: &State, ids: &[Id]) -> Vec<String> {
    let Some(me) = state.ws.current_user.as_ref() else {
        return Vec::new();
    };
    ids.iter()
        .filter_map(|id| state.ws.requests.get(id))
        .filter(|r| !r.approver_ids.contains(me))
        .map(|r| {
            let who: Vec<&str> = r
                .approver_ids
                .iter()
                .map(|a| state.ws.person_name(a))
                .collect();
            format!("#{} ({})", r.id, who.join(", "))
        })
        .collect()
}

/// Asks first where I am not an approver of some of `step`'s requests; else goes straight on.
pub(super) fn ask_if_not_mine(state: &mut State, step: Step) {
    let (ids, verb) = match &step {
        Step::Approve { ids, .. } => (ids.clone(), "approve"),
        Step::Reject { ids, cancel: false } => (ids.clone(), "reject"),
        Step::Reject { ids, cancel: true } => (ids.clone(), "cancel"),
        Step::Split { id } => (vec![id.clone()], "approve"),
    };
    let others = not_mine(state, &ids);
    if others.is_empty() {
        go_on(state, step);
        return;
    }
    state.open(Overlay::Confirm(Confirm {
        question: format!(
            "You are not an approver of {}: their approvers decide. {} anyway? (the next question shows what it does)",
            others.join(", "),
            crate::app::messages::capitalized(verb)
        ),
        on_yes: OnYes::Requests(step),
        scroll: 0,
    }));
}

/// The step after its extra question was answered yes.
pub fn go_on(state: &mut State, step: Step) {
    match step {
        Step::Approve { ids, top: true } => confirm_plan(state, ids, Vec::new(), false),
        Step::Approve { ids, top: false } => next_approval(state, ids, Vec::new(), false),
        Step::Reject { ids, cancel: false } => super::reason::open(state, ids),
        Step::Reject { ids, cancel: true } => confirm_reject(state, ids, Resolution::Cancel),
        Step::Split { id } => super::split::confirm_split(state, id),
    }
}

/// `a`: approve the marked (or selected) requests, picking a person for each unnamed one in
/// list order.
pub fn start_approve(state: &mut State) {
    let ids = targets(state);
    let Some(ids) = pending_only(state, ids) else {
        return;
    };
    ask_if_not_mine(state, Step::Approve { ids, top: false });
}

/// `b`: approve the marked (or selected) requests with the top candidate for each unnamed one,
/// planned together, behind one y/n that lists every pick.
pub fn start_approve_top(state: &mut State) {
    let ids = targets(state);
    let Some(ids) = pending_only(state, ids) else {
        return;
    };
    ask_if_not_mine(state, Step::Approve { ids, top: true });
}

/// The load of the picks made so far in this approval, for ranking the next.
pub fn planned_for(ws: &Workspace, decided: &[(Id, Option<Id>)]) -> Planned {
    let picks: Vec<(&Request, &Id)> = decided
        .iter()
        .filter_map(|(id, p)| Some((ws.requests.get(id)?, p.as_ref()?)))
        .collect();
    planned_load(ws, &picks)
}

/// Asks for a person for the next unnamed request (ranked with the picks before it), or, when
/// all are decided, for y/n.
pub(super) fn next_approval(
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
            let planned = planned_for(&state.ws, &decided);
            let facts = state
                .ws
                .requests
                .get(&id)
                .map(|r| rank(&state.ws, r, &planned))
                .unwrap_or_default();
            let ranked: Vec<Id> = facts.iter().map(|c| c.person.clone()).collect();
            state.open(Overlay::Pick(PersonPick {
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
                facts,
                generation: state.ws.generation(),
            }));
            return;
        }
        decided.push((rest.remove(0), None));
    }
    let ids = decided.iter().map(|(id, _)| id.clone()).collect();
    let picks = decided.into_iter().map(|(_, p)| p).collect();
    confirm_plan(state, ids, picks, soft);
}

/// " · 12-28 → 02-21 · 60% · 84h": the request's dates, share and hours as the list shows them.
pub(super) fn asks_note(ws: &Workspace, r: &Request) -> String {
    match (r.period, r.percentage, asked_minutes(ws, r)) {
        (Some(p), Some(pct), Some(m)) => format!(
            " · {} → {} · {pct}% · {}h",
            p.start.format("%m-%d"),
            p.end.format("%m-%d"),
            fmt_hours(m)
        ),
        _ => String::new(),
    }
}

/// "W03 ▲110%": a week and its share.
pub fn week_text(w: &ImpactWeek) -> String {
    format!(
        "W{} {}{}",
        w.monday.format("%V"),
        w.level.glyph(),
        w.percent()
            .map(|p| format!("{p}%"))
            .unwrap_or_else(|| "off".into())
    )
}

/// What the backend can take back: the embedded store's `u`, or nothing.
pub(super) fn undo_note(state: &State) -> String {
    match state.backend {
        crate::client::BackendKind::Local => {
            format!("{} undoes", state.key(Mode::Global, Command::Undo))
        }
        _ => format!("cannot be undone in {}", state.backend.name()),
    }
}

/// The y/n for approving `ids` with `picks` (None: the named person, or the top candidate
/// planned with the others): every request → person with their resulting peak, over capacity
/// flagged, the impact of a single one in one line, and whether it can be undone.
pub(super) fn confirm_plan(state: &mut State, ids: Vec<Id>, picks: Vec<Option<Id>>, soft: bool) {
    let ws = &state.ws;
    let items: Vec<(&Request, Option<Id>)> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| Some((ws.requests.get(id)?, picks.get(i).cloned().flatten())))
        .collect();
    let planned = plan(ws, &items);
    let kind = if soft { "soft" } else { "hard" };
    // `said_below`: the plain over-capacity sentence under a single approval says the peak.
    let line = |item: &PlanItem, said_below: bool| {
        let Some(r) = ws.requests.get(&item.request) else {
            return String::new();
        };
        let named = ws
            .resources
            .get(&r.resource_id)
            .is_some_and(|x| !x.is_unnamed());
        let who = match (&item.person, named) {
            (_, true) => String::new(),
            (Some(p), false) => format!(" → {}", ws.person_name(p)),
            (None, false) => " → nobody to staff it".into(),
        };
        let peak = match &item.peak {
            Some(_) if said_below => String::new(),
            Some(w) if item.over => {
                format!(" · {} over by {}h", week_text(w), fmt_hours(item.over_by))
            }
            Some(w) => format!(" · {}", week_text(w)),
            None => String::new(),
        };
        format!("{}{who}{peak}", describe(ws, &item.request))
    };
    // A bulk line fits the dialog at 80 columns: the project gives way first.
    let short = |item: &PlanItem| {
        let full = line(item, false);
        let over = full.chars().count().saturating_sub(68);
        let Some(r) = ws.requests.get(&item.request) else {
            return full;
        };
        let project = project_of(ws, r);
        if over == 0 || project.is_empty() {
            return full;
        }
        let keep = project.chars().count().saturating_sub(over + 1).max(6);
        let cut: String = project.chars().take(keep).collect();
        full.replacen(project, &format!("{cut}…"), 1)
    };
    let over = planned.iter().filter(|p| p.over).count();
    let undo = undo_note(state);
    let question = match planned.as_slice() {
        [one] => {
            let r = ws.requests.get(&one.request);
            let asks = r.map(|r| asks_note(ws, r)).unwrap_or_default();
            // The impact in one line: what it asks, what approving hardens, whether it can be
            // taken back.
            let impact = format!("{asks}{} · {undo}", hardens_note(state, &one.request, soft));
            // Said plainly before anyone is booked over capacity, and by how much; the
            // headline then leaves the peak to it.
            let plainly = match (one.over, &one.person, &one.peak) {
                (true, Some(p), Some(w)) => Some(format!(
                    "\nThis books {} over capacity: peak {}, {}h over in {} week{}",
                    ws.person_name(p),
                    week_text(w),
                    fmt_hours(one.over_by),
                    one.weeks_over,
                    if one.weeks_over == 1 { "" } else { "s" }
                )),
                _ => None,
            };
            let mut q = format!(
                "Approve {} ({kind})?\n{}{}",
                line(one, plainly.is_some()),
                impact.trim_start_matches(" · "),
                plainly.unwrap_or_default()
            );
            if let (true, Some(split)) = (one.over, &one.split) {
                q.push_str(&format!(
                    "\nNobody fits alone; {} and {} would together",
                    ws.person_name(&split.first),
                    ws.person_name(&split.second)
                ));
                if state.backend.can_split() {
                    q.push_str(&format!(
                        " ({} books that in one y/n)",
                        state.key(Mode::Requests, Command::ApproveSplit)
                    ));
                }
            }
            q
        }
        many => {
            let flagged = if over > 0 {
                format!("; {over} go over capacity ▲")
            } else {
                "; all within capacity".into()
            };
            let mut q = format!(
                "Approve {} requests ({kind}{flagged}) · {undo}:",
                many.len()
            );
            for item in many {
                q.push('\n');
                q.push_str(&short(item));
            }
            q
        }
    };
    let resolutions = planned
        .into_iter()
        .map(|item| {
            let named = ws
                .requests
                .get(&item.request)
                .and_then(|r| ws.resources.get(&r.resource_id))
                .is_some_and(|x| !x.is_unnamed());
            (
                item.request,
                Resolution::Approve {
                    user_id: if named { None } else { item.person },
                    soft,
                },
            )
        })
        .collect();
    state.open(Overlay::Confirm(Confirm {
        question,
        on_yes: OnYes::Resolve(resolutions),
        scroll: 0,
    }));
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
        // The requester cancels their own request; being its approver is not asked.
        confirm_reject(state, ids, Resolution::Cancel);
        return;
    }
    ask_if_not_mine(state, Step::Reject { ids, cancel });
}

/// The y/n for rejecting (with `how` carrying the reason) or cancelling `ids`.
pub(super) fn confirm_reject(state: &mut State, ids: Vec<Id>, how: Resolution) {
    let verb = if how == Resolution::Cancel {
        "Cancel"
    } else {
        "Reject"
    };
    let parts: Vec<String> = ids.iter().map(|id| describe(&state.ws, id)).collect();
    let mut question = match parts.as_slice() {
        [one] => format!("{verb} {one}?"),
        many => format!("{verb} {} requests\n{}", many.len(), many.join("\n")),
    };
    if let Resolution::RejectWith(reason) = &how {
        question.push_str(&format!(
            "\nReason \"{reason}\": {}",
            super::reason::where_it_goes(state)
        ));
    }
    let undo = undo_note(state);
    question = match question.split_once('\n') {
        Some((head, rest)) => format!("{head} · {undo}\n{rest}"),
        None => format!("{question} · {undo}"),
    };
    state.open(Overlay::Confirm(Confirm {
        question,
        on_yes: OnYes::Resolve(ids.into_iter().map(|id| (id, how.clone())).collect()),
        scroll: 0,
    }));
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
    state.open(Overlay::Pick(PersonPick {
        purpose: PickPurpose::Reassign {
            request: id.clone(),
        },
        query: Default::default(),
        options: ranked.clone(),
        ranked,
        highlight: 0,
        facts: Vec::new(),
        generation: state.ws.generation(),
    }));
}
