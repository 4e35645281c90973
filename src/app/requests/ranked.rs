//! What the Requests view shows that takes work to find, worked out in the reducer and only
//! read by rendering: the selected request's candidates ranked (and the split where nobody fits
//! alone), and, for each queued request, what approving hardens. Ranking walks every person, so
//! doing it on every frame made the view 51 ms a frame on the large workspace.
//!
//! Each entry keeps the request as it was when worked out and the workspace's generation then
//! ([`Workspace::generation`]); [`refresh`] runs after every input and redoes any entry whose
//! request or workspace has changed since, so what is drawn is never stale. Away from the
//! Requests view nothing is worked out (an edit in the Gantt pays nothing for it).

use super::*;
use crate::domain::DateRange;
use crate::domain::candidates::{Candidate, Split, best_split};
use crate::domain::impact::span_of;

/// The selected request's candidates, best first, with the split where nobody fits alone.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    request: Request,
    generation: u64,
    pub candidates: Vec<Candidate>,
    pub split: Option<Split>,
}

/// What approving a queued request hardens, and the hours it asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct RowFacts {
    request: Request,
    generation: u64,
    /// The soft allocations approving makes hard: how many, their minutes, their first start
    /// to last end.
    pub hardens: usize,
    pub hardened_minutes: u64,
    pub hardened_span: Option<DateRange>,
    /// [`asked_minutes`]: the share of the resource's capacity the request states, if it does.
    pub asked_minutes: Option<u64>,
}

/// The worked-out facts of the view, each for the request and workspace it was worked out on.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Worked {
    ranked: Option<Ranked>,
    rows: BTreeMap<Id, RowFacts>,
}

/// The ranking of `r` on this workspace, if it is the one worked out (it is, for the selected
/// pending unnamed request, after every input).
pub fn ranked<'a>(state: &'a State, r: &Request) -> Option<&'a Ranked> {
    state
        .requests
        .worked
        .ranked
        .as_ref()
        .filter(|k| k.generation == state.ws.generation() && k.request == *r)
}

/// The queue row facts of `r` on this workspace, if worked out (every queued request's are).
pub fn row_facts<'a>(state: &'a State, r: &Request) -> Option<&'a RowFacts> {
    state
        .requests
        .worked
        .rows
        .get(&r.id)
        .filter(|f| f.generation == state.ws.generation() && f.request == *r)
}

/// Works out what the Requests view will draw and is not worked out yet (or has changed).
pub fn refresh(state: &mut State) {
    if state.view != View::Requests || !state.backend.has_requests() {
        return;
    }
    let generation = state.ws.generation();
    let ws = &state.ws;
    // The picker's facts, re-ranked on a changed workspace; its order stays as shown.
    // The overlay field, not `pick_mut()`, so `ws` can stay borrowed beside it.
    if let Some(crate::app::state::Overlay::Pick(pick)) = state.overlay.as_mut()
        && let PickPurpose::Approve {
            request, decided, ..
        } = &pick.purpose
        && pick.generation != generation
    {
        pick.facts = ws
            .requests
            .get(request)
            .map(|r| rank(ws, r, &planned_for(ws, decided)))
            .unwrap_or_default();
        pick.generation = generation;
    }
    let worked = &mut state.requests.worked;
    worked
        .rows
        .retain(|id, f| f.generation == generation && ws.requests.get(id) == Some(&f.request));
    for id in &state.queue {
        let Some(r) = ws.requests.get(id) else {
            continue;
        };
        if worked.rows.contains_key(id) {
            continue;
        }
        let hardened = approval_hardens(ws, r);
        worked.rows.insert(
            id.clone(),
            RowFacts {
                request: r.clone(),
                generation,
                hardens: hardened.len(),
                hardened_minutes: hardened.iter().map(|h| h.minutes).sum(),
                hardened_span: span_of(&hardened),
                asked_minutes: asked_minutes(ws, r),
            },
        );
    }
    let selected = state
        .queue
        .get(state.requests.selected)
        .and_then(|id| ws.requests.get(id))
        .filter(|r| r.status.is_pending())
        .filter(|r| {
            ws.resources
                .get(&r.resource_id)
                .is_some_and(Resource::is_unnamed)
        });
    let Some(r) = selected else {
        worked.ranked = None;
        return;
    };
    let fresh = worked
        .ranked
        .as_ref()
        .is_some_and(|k| k.generation == generation && k.request == *r);
    if !fresh {
        let candidates = rank(ws, r, &Planned::new());
        let split = best_split(ws, r, &candidates);
        worked.ranked = Some(Ranked {
            request: r.clone(),
            generation,
            candidates,
            split,
        });
    }
}
