//! Starting a resolution: approve (with the people picked), reject, cancel, reassign, each
//! behind a y/n that names what it acts on.

use super::*;


pub(super) fn targets(state: &State) -> Vec<Id> {
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

pub(super) fn describe(ws: &Workspace, id: &Id) -> String {
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

pub fn start_approve(state: &mut State) {
    let ids = targets(state);
    let Some(ids) = pending_only(state, ids) else {
        return;
    };
    next_approval(state, ids, Vec::new(), false);
}

/// Asks for a person for the next unnamed request, or, when all are decided, for y/n.
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
                query: String::new(),
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
        state.say("Reassign one request at a time: unmark the others (Esc)");
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
        query: String::new(),
        options: ranked.clone(),
        ranked,
        highlight: 0,
    });
}

