//! What the journal keeps of one unsent write, taken from the reducer's state, and how to tell
//! afterwards whether a write whose answer was lost has landed. Pure: no IO.

use crate::app::State;
use crate::app::edit::{LocalChange, version_of};
use crate::domain::{Allocation, DateRange, Id, Resource, Workspace};
use serde::{Deserialize, Serialize};

/// One unsent write. Never holds a token: only the changes, as the screen showed them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Kept {
    pub label: String,
    /// Each allocation carries the version the write was made against, so a resend is still
    /// checked for staleness by the backend instead of overwriting a newer change.
    pub changes: Vec<LocalChange>,
    /// When it was first journaled (RFC 3339); set by the store, `None` until then.
    pub at: Option<String>,
    /// Why it is not saved yet, in the backend's words; `None`: it was still being sent.
    pub reason: Option<String>,
    /// It was sent and no answer came back: it may have landed, so it is checked before any
    /// resend.
    pub unknown: bool,
    /// Per change: how many records with the same content (not counting unsaved ones) were on
    /// screen when the change was made. A create has landed when more are there after a reload.
    pub alike_before: Vec<usize>,
}

/// The queue as the journal keeps it, front first, with each write's sequence number.
/// `baseline` gives a write's [`Kept::alike_before`]; the journal computes it once per write
/// (when first seen) rather than scanning the workspace on every sync.
pub fn queue(
    state: &State,
    mut baseline: impl FnMut(u64, &[LocalChange]) -> Vec<usize>,
) -> Vec<(u64, Kept)> {
    state
        .edits
        .queue
        .iter()
        .map(|w| {
            let kept = Kept {
                label: w.label.clone(),
                changes: stamped(state, &w.changes),
                at: None,
                reason: state.edits.failure.clone(),
                // In flight: if allot stops now, nobody knows whether it landed.
                unknown: state.edits.in_flight == Some(w.seq),
                alike_before: baseline(w.seq, &w.changes),
            };
            (w.seq, kept)
        })
        .collect()
}

/// [`Kept::alike_before`] for `changes`, counted in `ws` now.
pub fn baselines(ws: &Workspace, changes: &[LocalChange]) -> Vec<usize> {
    changes.iter().map(|c| queue_baseline(ws, c)).collect()
}

/// The changes with every allocation's version set to the one the backend would be sent.
pub fn stamped(state: &State, changes: &[LocalChange]) -> Vec<LocalChange> {
    let (ws, versions) = (&state.ws, &state.edits.versions);
    let stamp = |a: &Allocation| Allocation {
        version: version_of(ws, versions, a),
        ..a.clone()
    };
    changes
        .iter()
        .map(|c| match c {
            LocalChange::Create(a) => LocalChange::Create(a.clone()),
            LocalChange::Update { from, to } => LocalChange::Update {
                from: stamp(from),
                to: stamp(to),
            },
            LocalChange::Delete(a) => LocalChange::Delete(stamp(a)),
            LocalChange::Split {
                original,
                first,
                second,
            } => LocalChange::Split {
                original: stamp(original),
                first: stamp(first),
                second: second.clone(),
            },
            other => other.clone(),
        })
        .collect()
}

/// Ids the backend has not named yet (see `Edits::temp_id` and the resource forms).
pub fn is_temp(id: &Id) -> bool {
    id.as_str().starts_with("new-")
}

/// The fields a user edits: what "the same allocation" means when no id can tell.
fn same_allocation(a: &Allocation, b: &Allocation) -> bool {
    a.resource_id == b.resource_id
        && a.range == b.range
        && a.amount == b.amount
        && a.hard == b.hard
        && a.notes == b.notes
}

fn same_resource(a: &Resource, b: &Resource) -> bool {
    a.project_id == b.project_id
        && a.person_id == b.person_id
        && a.role == b.role
        && a.label == b.label
}

fn alike_allocations(ws: &Workspace, like: &Allocation) -> usize {
    ws.allocations
        .values()
        .filter(|x| !is_temp(&x.id) && x.id != like.id && same_allocation(x, like))
        .count()
}

fn alike_resources(ws: &Workspace, like: &Resource) -> usize {
    ws.resources
        .values()
        .filter(|x| !is_temp(&x.id) && x.id != like.id && same_resource(x, like))
        .count()
}

/// The baseline a create is judged against (0 for changes that name their record).
pub fn queue_baseline(ws: &Workspace, c: &LocalChange) -> usize {
    match c {
        LocalChange::Create(a) => alike_allocations(ws, a),
        LocalChange::Split { second, .. } => alike_allocations(ws, second),
        LocalChange::CreateResource(r) => alike_resources(ws, r),
        _ => 0,
    }
}

/// Whether `c` is already in `ws`, freshly loaded for `window`. What this relies on: a create
/// has landed when more records with its exact content are there than before it was made; an
/// update when its record equals the target; a delete when its record is gone. A record outside
/// the loaded window is never judged landed, so it is resent and the backend's own check (a
/// stale version, a missing record) answers instead of a guess.
pub fn landed(ws: &Workspace, window: DateRange, c: &LocalChange, alike_before: usize) -> bool {
    let inside = |a: &Allocation| a.range.start <= window.end && a.range.end >= window.start;
    match c {
        LocalChange::Create(a) => inside(a) && alike_allocations(ws, a) > alike_before,
        LocalChange::Update { to, .. } => ws
            .allocations
            .get(&to.id)
            .is_some_and(|x| same_allocation(x, to)),
        LocalChange::Delete(a) => inside(a) && !ws.allocations.contains_key(&a.id),
        LocalChange::Split { first, second, .. } => {
            ws.allocations
                .get(&first.id)
                .is_some_and(|x| same_allocation(x, first))
                && alike_allocations(ws, second) > alike_before
        }
        LocalChange::CreateResource(r) => alike_resources(ws, r) > alike_before,
        LocalChange::UpdateResource { to, .. } => ws
            .resources
            .get(&to.id)
            .is_some_and(|x| same_resource(x, to)),
        LocalChange::DeleteResource(r) => !ws.resources.contains_key(&r.id),
    }
}

/// The allocation and resource ids a change names, for carrying its versions over.
pub fn allocations(c: &LocalChange) -> Vec<&Allocation> {
    match c {
        LocalChange::Create(a) | LocalChange::Delete(a) => vec![a],
        LocalChange::Update { to, .. } => vec![to],
        LocalChange::Split { original, .. } => vec![original],
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Amount;
    use crate::domain::dates::parse_date;

    fn d(s: &str) -> chrono::NaiveDate {
        parse_date(s).unwrap()
    }

    fn alloc(id: &str, start: &str, end: &str) -> Allocation {
        Allocation {
            id: Id::new(id),
            resource_id: Id::new("r1"),
            project_id: Some(Id::new("p1")),
            range: DateRange::new(d(start), d(end)),
            amount: Amount::TotalMinutes(600),
            hard: true,
            notes: "n".into(),
            read_only: false,
            allocate_on_time_off: false,
            server_total_minutes: None,
            version: 1,
        }
    }

    fn ws(allocs: &[Allocation]) -> Workspace {
        let mut ws = Workspace::default();
        for a in allocs {
            ws.allocations.insert(a.id.clone(), a.clone());
        }
        ws
    }

    fn window() -> DateRange {
        DateRange::new(d("2026-06-01"), d("2027-06-01"))
    }

    #[test]
    fn a_create_has_landed_only_when_one_more_look_alike_is_there() {
        let new = alloc("new-1", "2026-12-01", "2026-12-05");
        let twin = alloc("7", "2026-12-01", "2026-12-05");
        let c = LocalChange::Create(new.clone());
        // One look-alike was there before it was made: a second one means it landed.
        assert_eq!(queue_baseline(&ws(&[twin.clone(), new.clone()]), &c), 1);
        assert!(!landed(&ws(std::slice::from_ref(&twin)), window(), &c, 1));
        let landed_twin = alloc("8", "2026-12-01", "2026-12-05");
        assert!(landed(&ws(&[twin, landed_twin]), window(), &c, 1));
        // Outside the loaded window nothing can be told: never taken as landed.
        let far = LocalChange::Create(alloc("new-2", "2030-01-01", "2030-01-05"));
        assert!(!landed(
            &ws(&[alloc("9", "2030-01-01", "2030-01-05")]),
            window(),
            &far,
            0
        ));
    }

    #[test]
    fn an_update_has_landed_when_the_record_equals_it_and_a_delete_when_it_is_gone() {
        let from = alloc("7", "2026-12-01", "2026-12-05");
        let to = alloc("7", "2026-12-08", "2026-12-12");
        let up = LocalChange::Update {
            from: from.clone(),
            to: to.clone(),
        };
        assert!(!landed(&ws(std::slice::from_ref(&from)), window(), &up, 0));
        assert!(landed(
            &ws(&[Allocation { version: 2, ..to }]),
            window(),
            &up,
            0
        ));
        let del = LocalChange::Delete(from.clone());
        assert!(!landed(&ws(std::slice::from_ref(&from)), window(), &del, 0));
        assert!(landed(&ws(&[]), window(), &del, 0));
    }

    #[test]
    fn a_split_has_landed_when_the_first_part_is_cut_and_the_second_exists() {
        let original = alloc("7", "2026-12-01", "2026-12-12");
        let first = alloc("7", "2026-12-01", "2026-12-05");
        let second = alloc("new-1", "2026-12-08", "2026-12-12");
        let c = LocalChange::Split {
            original: original.clone(),
            first: first.clone(),
            second: second.clone(),
        };
        assert!(!landed(&ws(&[original]), window(), &c, 0));
        assert!(!landed(&ws(std::slice::from_ref(&first)), window(), &c, 0));
        let real_second = Allocation {
            id: Id::new("8"),
            ..second
        };
        assert!(landed(&ws(&[first, real_second]), window(), &c, 0));
    }
}
