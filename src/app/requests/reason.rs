//! The optional reason `r` asks for before rejecting, and where it goes on each backend.

use super::*;
use crate::app::line::LineInput;

/// The reason being typed for rejecting `ids`, in the line editor every text field uses.
#[derive(Clone, Debug, PartialEq)]
pub struct ReasonInput {
    pub ids: Vec<Id>,
    pub text: LineInput,
}

/// Longest reason kept: a sentence or two, not a document.
const MAX: usize = 300;

pub(super) fn open(state: &mut State, ids: Vec<Id>) {
    state.requests.reason = Some(ReasonInput {
        ids,
        text: LineInput::default(),
    });
}

/// Where a reason ends up on this backend, said before anything is sent.
pub fn where_it_goes(state: &State) -> String {
    match state.backend {
        crate::client::BackendKind::Local => "kept in the request's notes".into(),
        // The update body carries only request_resolution_status, user_id and
        // allocations_state (mavenlink-resource-requests-api-openapi.yml).
        _ => format!(
            "{} has no field for a reason, so it is dropped; tell the requester yourself",
            state.backend.name()
        ),
    }
}

/// A key while the reason is open: typing, Enter to go on to the y/n, Esc to cancel.
pub fn input(state: &mut State, key: PickInput) {
    let Some(mut r) = state.requests.reason.take() else {
        return;
    };
    match key {
        PickInput::Cancel => {
            state.say("Cancelled: nothing was rejected");
            return;
        }
        // The line editor's keys (shell keys, moves by character); a key that would make the
        // reason longer than a short note leaves it as it was.
        PickInput::Edit(k) => {
            let before = r.text.clone();
            if crate::app::line::edit(&mut r.text, k) && r.text.chars().count() > MAX {
                r.text = before;
            }
        }
        PickInput::Choose => {
            let text = r.text.trim().to_string();
            let how = if text.is_empty() {
                Resolution::Reject
            } else {
                Resolution::RejectWith(text)
            };
            confirm_reject(state, r.ids, how);
            return;
        }
        _ => {}
    }
    state.requests.reason = Some(r);
}
