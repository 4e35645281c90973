//! What the Requests view shows that takes work to find, worked out in the reducer and only
//! read by rendering: the selected request's candidates ranked (and the split where nobody fits
//! alone), its detail pane's facts (what approving hardens, the person's weeks with it), and,
//! for each queued request, what approving hardens. Ranking walks every person, so doing it on
//! every frame made the view 51 ms a frame on the large workspace.
//!
//! Each entry keeps the request as it was when worked out and the workspace's generation then
//! ([`Workspace::generation`]); [`refresh`] runs after every input and redoes any entry whose
//! request or workspace has changed since, so what is drawn is never stale. Away from the
//! Requests view nothing is worked out (an edit in the Gantt pays nothing for it).

use super::*;
use crate::domain::DateRange;
use crate::domain::candidates::{Candidate, Split, Top, rank_top};
use crate::domain::impact::span_of;

/// The most candidates the view shows (the full-view detail; the pane below the queue, fewer).
pub const SHOWN: usize = 15;

/// The selected request's first [`SHOWN`] candidates, best first, with the split where nobody
/// fits alone (of the whole ranking, as [`crate::domain::candidates::best_split`] finds it).
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    request: Request,
    generation: u64,
    pub candidates: Vec<Candidate>,
    pub split: Option<Split>,
}

/// The selected request's detail pane: what approving hardens (pending requests) and a named
/// person's weekly load with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Detail {
    request: Request,
    generation: u64,
    /// [`approval_hardens`]: each allocation approving makes hard, with its minutes.
    pub hardened: Vec<(Allocation, u64)>,
    /// [`impact`] for the resource's person; empty for an unnamed one.
    pub weeks: Vec<ImpactWeek>,
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
    detail: Option<Detail>,
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

/// The detail pane's facts of `r` on this workspace, if worked out (the selected request's are,
/// after every input).
pub fn detail<'a>(state: &'a State, r: &Request) -> Option<&'a Detail> {
    state
        .requests
        .worked
        .detail
        .as_ref()
        .filter(|d| d.generation == state.ws.generation() && d.request == *r)
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
        .and_then(|id| ws.requests.get(id));
    let Some(r) = selected else {
        worked.detail = None;
        worked.ranked = None;
        return;
    };
    let fresh = worked
        .detail
        .as_ref()
        .is_some_and(|d| d.generation == generation && d.request == *r);
    if !fresh {
        let hardened = if r.status.is_pending() {
            approval_hardens(ws, r)
                .into_iter()
                .map(|h| (h.allocation.clone(), h.minutes))
                .collect()
        } else {
            Vec::new()
        };
        let person = ws
            .resources
            .get(&r.resource_id)
            .and_then(|x| x.person_id.as_ref());
        worked.detail = Some(Detail {
            request: r.clone(),
            generation,
            hardened,
            weeks: person.map(|p| impact(ws, r, p)).unwrap_or_default(),
        });
    }
    let unnamed = ws
        .resources
        .get(&r.resource_id)
        .is_some_and(Resource::is_unnamed);
    if !(r.status.is_pending() && unnamed) {
        worked.ranked = None;
        return;
    }
    let fresh = worked
        .ranked
        .as_ref()
        .is_some_and(|k| k.generation == generation && k.request == *r);
    if !fresh {
        let Top { candidates, split } = rank_top(ws, r, &Planned::new(), SHOWN);
        worked.ranked = Some(Ranked {
            request: r.clone(),
            generation,
            candidates,
            split,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::tests::{loaded, sizes};
    use crate::app::{Command, Msg, update};
    use crate::domain::candidates::{Planned, rank};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn screen(s: &State) -> String {
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| crate::ui::render(s, f)).unwrap();
        let buf = t.backend().buffer();
        buf.content.iter().map(|c| c.symbol()).collect()
    }

    #[test]
    fn the_selected_requests_facts_are_worked_out_by_update_and_only_read_by_render() {
        let mut s = loaded();
        sizes(&mut s);
        // A named request too, oldest, so first in the queue.
        let mut named = s.ws.requests[&Id::new("q1")].clone();
        named.id = Id::new("q0");
        named.resource_id = Id::new("r1");
        named.created_at -= chrono::Duration::days(30);
        let mut all: Vec<Request> = s.ws.requests.values().cloned().collect();
        all.push(named.clone());
        update(&mut s, Msg::RequestsLoaded(Ok(all)));
        let mut soft = s.ws.allocations[&Id::new("a2")].clone();
        soft.hard = false;
        s.ws.put_allocation(soft);
        assert_eq!(
            s.requests.worked,
            Worked::default(),
            "away from the view: nothing"
        );
        update(&mut s, Command::ShowRequests);
        update(&mut s, Command::Up);
        assert_eq!(s.queue[s.requests.selected], named.id);
        let named = s.ws.requests[&named.id].clone();
        let d = detail(&s, &named).expect("worked out by update()");
        let me = Id::new("1");
        assert_eq!(d.weeks, impact(&s.ws, &named, &me));
        assert!(!d.weeks.is_empty(), "zed's weeks with the request");
        let hardens: Vec<(Allocation, u64)> = approval_hardens(&s.ws, &named)
            .into_iter()
            .map(|h| (h.allocation.clone(), h.minutes))
            .collect();
        assert_eq!(d.hardened, hardens);
        assert!(ranked(&s, &named).is_none(), "a named request ranks nobody");
        // Moving down: the unnamed request's facts, and its candidates ranked.
        update(&mut s, Command::Down);
        let q1 = s.ws.requests[&Id::new("q1")].clone();
        assert!(detail(&s, &named).is_none());
        let d = detail(&s, &q1).expect("worked out by update()");
        assert!(d.weeks.is_empty(), "nobody's load yet");
        assert_eq!(d.hardened.len(), 1, "its soft allocation");
        let k = ranked(&s, &q1).expect("ranked by update()");
        assert_eq!(k.candidates, rank(&s.ws, &q1, &Planned::new()));
        assert!(screen(&s).contains("h free"), "the candidates drawn");
        // A change to the workspace leaves them stale until the next update() redoes them.
        s.ws.remove_allocation(&Id::new("a2"));
        assert!(detail(&s, &q1).is_none() && ranked(&s, &q1).is_none());
        update(&mut s, Msg::Resize(80, 24));
        assert!(detail(&s, &q1).expect("redone").hardened.is_empty());
        // Rendering works nothing out: without the facts it says they are coming.
        let mut unworked = s.clone();
        unworked.requests.worked = Worked::default();
        let text = screen(&unworked);
        assert!(text.contains("Working it out…"), "{text}");
        assert!(!text.contains("h free"), "{text}");
    }
}
