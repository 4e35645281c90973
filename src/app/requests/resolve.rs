//! Resolutions shown at once, sent one by one, and rolled back alone when refused; new
//! requests as the backend answers them.

use super::*;

/// What to put back if the backend refuses a resolution.
#[derive(Clone, Debug, PartialEq)]
pub struct Before {
    pub(super) request: Request,
    pub(super) resource: Option<Resource>,
    pub(super) allocations: Vec<Allocation>,
}

/// Applies resolutions on screen at once and sends each on its own.
pub fn resolve(state: &mut State, items: Vec<(Id, Resolution)>) -> Vec<Effect> {
    let mut effects = Vec::new();
    state.requests.batch = Batch {
        ids: items.iter().map(|(id, _)| id.clone()).collect(),
        results: BTreeMap::new(),
    };
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
            (Resolution::Reopen { person, soft }, Some(res)) => {
                name_resource(state, &res.id, person.clone(), None);
                let back: Vec<Allocation> = soft
                    .iter()
                    .filter_map(|a| state.ws.allocations.get(a))
                    .map(|a| Allocation {
                        hard: false,
                        ..a.clone()
                    })
                    .collect();
                for a in back {
                    state.ws.put_allocation(a);
                }
            }
            _ => {}
        }
        state.requests.failures.remove(&id);
        effects.push(state.start(Effect::Resolve { id, how }));
    }
    after_change(state);
    effects
}

/// All allocations of the request's resource (naming moves them all).
pub(super) fn requested_or_all<'a>(ws: &'a Workspace, r: &Request) -> Vec<&'a Allocation> {
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

pub(super) fn after_change(state: &mut State) {
    state.dirty.rows = true;
    state.dirty.queue = true;
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
            let reopened = status.is_pending() && what == "resolve";
            state.ws.requests.insert(id.clone(), request);
            let words = match what {
                "reassign" => format!("Request #{id} reassigned"),
                _ if reopened => format!(
                    "Undid the resolution: {} is pending again",
                    describe(&state.ws, &id)
                ),
                _ => resolved_words(&state.ws, &id, status),
            };
            if let (Some(b), false, crate::client::BackendKind::Local) =
                (&before, reopened || what == "reassign", state.backend)
            {
                state.requests.undo.push(Undoable {
                    split: None,
                    request: id.clone(),
                    person: b.resource.as_ref().and_then(|r| r.person_id.clone()),
                    soft: b
                        .allocations
                        .iter()
                        .filter(|a| !a.hard)
                        .map(|a| a.id.clone())
                        .collect(),
                });
            }
            state.done(words.clone());
            batch_answer(state, &id, Ok(words));
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
            let words = format!("#{id}: {e}");
            state.fail(
                e,
                format!("could not {what} request #{id}. It stays marked; nothing else changed."),
            );
            batch_answer(state, &id, Err(words));
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
            use crate::app::request_form::RqField;
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
                crate::app::request_form::give_back(state, form);
            }
            state.fail(
                e,
                "could not create the request. The form is as you left it.",
            );
        }
    }
}

/// "Request #5008 approved: Ben Carter staffs ○ BI Analyst on Gridwise": what a resolution did,
/// naming request, person and project.
fn resolved_words(ws: &Workspace, id: &Id, status: RequestStatus) -> String {
    let Some(r) = ws.requests.get(id) else {
        return format!("Request #{id} {}", status.as_str());
    };
    let project = project_of(ws, r);
    let res = ws.resources.get(&r.resource_id);
    let role = res.map(|x| x.role.as_str()).unwrap_or("");
    match (status, res.and_then(|x| x.person_id.as_ref())) {
        (RequestStatus::Approved, Some(p)) => format!(
            "Request #{id} approved: {} staffs {role} on {project}",
            ws.person_name(p)
        ),
        (s, _) => format!("Request #{id} {}: {role} on {project}", s.as_str()),
    }
}

/// The requests of one y/n and their answers so far.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Batch {
    pub ids: Vec<Id>,
    pub results: BTreeMap<Id, Result<String, String>>,
}

/// Notes one answer of a bulk resolution; once all are in, says how each went.
fn batch_answer(state: &mut State, id: &Id, result: Result<String, String>) {
    let b = &mut state.requests.batch;
    if b.ids.len() < 2 || !b.ids.contains(id) {
        return;
    }
    b.results.insert(id.clone(), result);
    if b.results.len() < b.ids.len() {
        return;
    }
    let b = std::mem::take(&mut state.requests.batch);
    let ok = b.results.values().filter(|r| r.is_ok()).count();
    let failed: Vec<&str> = b
        .results
        .values()
        .filter_map(|r| r.as_ref().err().map(String::as_str))
        .collect();
    // Each answer is in the message log already, in full.
    let log = state.key(Mode::Global, Command::ToggleLog);
    if failed.is_empty() {
        state.done(format!("All {ok} went through ({log} lists each)"));
    } else {
        state.fail(
            format!("{ok} of {} went through", b.ids.len()),
            format!("{} ({log} lists each)", failed.join("; ")),
        );
    }
}

/// A resolution `u` can take back on the embedded store: the request, who its resource named
/// before, and the allocations that were soft.
#[derive(Clone, Debug, PartialEq)]
pub struct Undoable {
    pub request: Id,
    pub person: Option<Id>,
    pub soft: Vec<Id>,
    /// A split approval: what else it booked, taken back with it as one step.
    pub split: Option<SplitUndo>,
}

/// Whether `u` in this view takes back a resolution (else it undoes edits as everywhere).
pub fn can_undo(state: &State) -> bool {
    state.view == View::Requests && !state.requests.undo.is_empty()
}

/// `u` in the Requests view: the last resolution put back to pending, on screen at once and
/// sent; the embedded store only (elsewhere the confirm said it cannot be undone).
pub fn undo(state: &mut State) -> Vec<Effect> {
    let Some(u) = state.requests.undo.pop() else {
        return Vec::new();
    };
    if let Some(split) = u.split {
        return super::split::undo_split(state, u.request, u.person, split);
    }
    let how = Resolution::Reopen {
        person: u.person,
        soft: u.soft,
    };
    state.say(format!(
        "Undoing: {} back to pending…",
        describe(&state.ws, &u.request)
    ));
    resolve(state, vec![(u.request, how)])
}
