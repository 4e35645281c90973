//! Edits from single keys in the Gantt: new/edit forms, shift, stretch, hard/soft, split,
//! delete (after y/n) and marks. Each refusal says why; nothing is sent for it.

use super::command::Command;
use super::edit::{LocalChange, commit};
use super::effect::Effect;
use super::form::AllocForm;
use super::gantt::GanttRow;
use super::keys::Mode;
use super::state::{Confirm, OnYes, Overlay, State, View};
use crate::domain::edit::{shift, split, stretch};
use crate::domain::model::fmt_hours;
use crate::domain::{Allocation, Id, RowKey};

/// The bars an edit acts on: the marked ones, else the selected bar.
fn targets(state: &mut State) -> Option<Vec<Allocation>> {
    if state.view != View::Gantt {
        return None;
    }
    let ids: Vec<Id> = if !state.marks.is_empty() {
        state.marks.iter().cloned().collect()
    } else if let Some(id) = state.selected_bar() {
        vec![id.clone()]
    } else {
        state.say(format!(
            "Select a bar first: {} expands a row into its lines of bars ({} marks several)",
            state.key(Mode::Gantt, Command::OpenRow),
            state.key(Mode::Gantt, Command::MarkBar)
        ));
        return None;
    };
    let found: Vec<Allocation> = ids
        .iter()
        .filter_map(|id| state.ws.allocations.get(id).cloned())
        .collect();
    if let Some(ro) = found.iter().find(|a| a.read_only) {
        state.fail(
            "Read-only (it comes from a time entry or a holiday)",
            format!("{} cannot be changed", describe(state, ro)),
        );
        return None;
    }
    (!found.is_empty()).then_some(found)
}

/// "Amara Nwosu on Kite Loyalty Program (QA Engineer), 2026-12-01 → 2027-01-15, 120h".
pub fn describe(state: &State, a: &Allocation) -> String {
    let ws = &state.ws;
    let (who, role) = match ws.resources.get(&a.resource_id) {
        Some(r) => (ws.resource_name(r), r.role.clone()),
        None => ("?".into(), String::new()),
    };
    let minutes: u64 = ws
        .row_key(&a.resource_id)
        .map(|k| {
            crate::domain::allocation_daily(a, &ws.calendar_for(&k))
                .iter()
                .map(|m| *m as u64)
                .sum()
        })
        .unwrap_or(0);
    format!(
        "{who} on {} ({role}), {} → {}, {}h",
        ws.project_name(a.project_id.as_ref()),
        a.range.start.format("%Y-%m-%d"),
        a.range.end.format("%Y-%m-%d"),
        fmt_hours(minutes)
    )
}

fn what(state: &State, targets: &[Allocation]) -> String {
    match targets {
        [one] => format!(
            "the allocation on {}",
            state.ws.project_name(one.project_id.as_ref())
        ),
        many => format!("{} allocations", many.len()),
    }
}

fn calendar(state: &State, a: &Allocation) -> crate::domain::Calendar {
    state
        .ws
        .row_key(&a.resource_id)
        .map(|k| state.ws.calendar_for(&k))
        .unwrap_or_default()
}

pub fn shift_by(state: &mut State, n: i64) -> Vec<Effect> {
    let Some(targets) = targets(state) else {
        return Vec::new();
    };
    let zoom = state.gantt.zoom;
    let mut changes = Vec::new();
    for a in &targets {
        let to = shift(a, zoom, n, &calendar(state, a));
        // A bar moved past the supported dates would be refused by every backend's next read.
        if let Err(e) = crate::domain::dates::check_supported_range(to.range) {
            state.fail(e, format!("could not move {}", describe(state, a)));
            return Vec::new();
        }
        changes.push(LocalChange::Update {
            from: a.clone(),
            to,
        });
    }
    let dir = if n < 0 { "earlier" } else { "later" };
    let label = format!("move {} a {} {dir}", what(state, &targets), zoom.label());
    after_edit(state, label, changes)
}

pub fn stretch_by(state: &mut State, n: i64) -> Vec<Effect> {
    let Some(targets) = targets(state) else {
        return Vec::new();
    };
    let zoom = state.gantt.zoom;
    let mut changes = Vec::new();
    for a in &targets {
        match stretch(a, zoom, n, &calendar(state, a)) {
            Ok(to) => changes.push(LocalChange::Update {
                from: a.clone(),
                to,
            }),
            Err(e) => {
                state.fail(e, format!("could not change {}", describe(state, a)));
                return Vec::new();
            }
        }
    }
    let how = if n < 0 { "shorten" } else { "lengthen" };
    let label = format!("{how} {} by a {}", what(state, &targets), zoom.label());
    after_edit(state, label, changes)
}

pub fn toggle_hard(state: &mut State) -> Vec<Effect> {
    if !state.backend.has_soft() {
        state.say(format!(
            "{} has no tentative allocations: every allocation is booked",
            state.backend.name()
        ));
        return Vec::new();
    }
    let Some(targets) = targets(state) else {
        return Vec::new();
    };
    let to_hard = targets.iter().any(|a| !a.hard);
    if to_hard {
        let unnamed = targets.iter().find(|a| {
            state
                .ws
                .resources
                .get(&a.resource_id)
                .is_some_and(|r| r.is_unnamed())
        });
        if let Some(a) = unnamed {
            state.fail(
                "An unnamed resource can only be soft-allocated (Kantata's rule)",
                format!("{} stays soft", describe(state, a)),
            );
            return Vec::new();
        }
    }
    let changes = targets
        .iter()
        .filter(|a| a.hard != to_hard)
        .map(|a| LocalChange::Update {
            from: a.clone(),
            to: Allocation {
                hard: to_hard,
                ..a.clone()
            },
        })
        .collect();
    let label = format!(
        "make {} {}",
        what(state, &targets),
        if to_hard { "hard" } else { "soft" }
    );
    after_edit(state, label, changes)
}

pub fn split_at_cursor(state: &mut State) -> Vec<Effect> {
    let Some(targets) = targets(state) else {
        return Vec::new();
    };
    let [a] = targets.as_slice() else {
        state.say(format!(
            "Split works on one bar at a time: unmark the others ({})",
            state.key(Mode::Gantt, Command::Back)
        ));
        return Vec::new();
    };
    let date = state.gantt.zoom.bucket_start(state.gantt.cursor);
    let id = state.edits.temp_id();
    match split(a, date, id, &calendar(state, a)) {
        Ok((first, second)) => {
            let label = format!("split {} on {date}", what(state, &targets));
            after_edit(
                state,
                label,
                vec![LocalChange::Split {
                    original: a.clone(),
                    first,
                    second,
                }],
            )
        }
        Err(e) => {
            state.fail(
                e,
                format!(
                    "could not split {} (move the cursor with h/l)",
                    describe(state, a)
                ),
            );
            Vec::new()
        }
    }
}

pub fn ask_delete(state: &mut State) {
    let Some(targets) = targets(state) else {
        return;
    };
    let question = match targets.as_slice() {
        [one] => format!("Delete {}?", describe(state, one)),
        many => {
            let names: Vec<String> = many.iter().take(3).map(|a| describe(state, a)).collect();
            let more = if many.len() > 3 {
                format!("; and {} more", many.len() - 3)
            } else {
                String::new()
            };
            format!(
                "Delete {} allocations: {}{more}?",
                many.len(),
                names.join("; ")
            )
        }
    };
    state.open(Overlay::Confirm(Confirm {
        question,
        on_yes: OnYes::DeleteAllocations(targets.into_iter().map(|a| a.id).collect()),
        scroll: 0,
    }));
}

pub fn delete(state: &mut State, ids: &[Id]) -> Vec<Effect> {
    let targets: Vec<Allocation> = ids
        .iter()
        .filter_map(|id| state.ws.allocations.get(id).cloned())
        .collect();
    let label = format!("delete {}", what(state, &targets));
    let changes = targets.into_iter().map(LocalChange::Delete).collect();
    state.marks.clear();
    after_edit(state, label, changes)
}

pub fn toggle_mark(state: &mut State) {
    match state.selected_bar().cloned() {
        Some(id) => {
            if !state.marks.remove(&id) {
                state.marks.insert(id);
            }
            let keys: Vec<String> = [
                Command::ShiftEarlier,
                Command::ShiftLater,
                Command::EndEarlier,
                Command::EndLater,
                Command::ToggleHard,
                Command::DeleteAllocations,
            ]
            .into_iter()
            .map(|c| state.key(Mode::Gantt, c))
            .collect();
            state.say(format!(
                "{} marked: {} act on all of them; {} clears",
                state.marks.len(),
                keys.join(" "),
                state.key(Mode::Gantt, Command::Back)
            ));
        }
        _ => super::gantt::toggle_expand(state),
    }
}

/// Esc with bars marked: the marks go. `false` if none were.
pub fn clear_marks(state: &mut State) -> bool {
    if state.marks.is_empty() {
        return false;
    }
    state.marks.clear();
    state.say("Marks cleared");
    true
}

/// `n`: a form for the selected row's resource over the cursor's bucket.
pub fn open_new(state: &mut State) {
    if state.view != View::Gantt {
        return;
    }
    let ws = &state.ws;
    let resource = match state.selected_gantt_row() {
        Some(GanttRow::Lane { resource: id, .. }) | Some(GanttRow::Load(RowKey::Unnamed(id))) => {
            Some(id.clone())
        }
        Some(GanttRow::Load(RowKey::Person(p))) => ws.resources_of(p).next().map(|r| r.id.clone()),
        _ => None,
    };
    let bucket = state.gantt.zoom.bucket(state.gantt.cursor);
    let mut form = AllocForm::new_for(state, resource.clone(), bucket);
    if resource.is_none() {
        form.focus = super::form::Field::Resource;
    }
    state.open(Overlay::Form(form));
}

/// `e` or Enter on a bar: the form for that allocation.
pub fn open_edit(state: &mut State) {
    let Some(id) = state.selected_bar().cloned() else {
        state.say(format!(
            "Select a bar to edit: {} expands a row into its lines of bars",
            state.key(Mode::Gantt, Command::OpenRow)
        ));
        return;
    };
    let Some(a) = state.ws.allocations.get(&id).cloned() else {
        return;
    };
    if a.read_only {
        state.fail(
            "Read-only (it comes from a time entry or a holiday)",
            format!("{} cannot be changed", describe(state, &a)),
        );
        return;
    }
    state.open(Overlay::Form(AllocForm::edit(state, &a)));
}

/// Commits and refreshes what depends on the rows.
pub fn after_edit(state: &mut State, label: String, changes: Vec<LocalChange>) -> Vec<Effect> {
    let created = match changes.first() {
        Some(LocalChange::Create(a)) => Some(a.clone()),
        _ => None,
    };
    let effects = commit(state, label, changes);
    // A new bar is what the user wants to act on next: open its row and select it.
    if let Some(a) = created {
        if let Some(key) = state.ws.row_key(&a.resource_id) {
            state.gantt.grouping = super::gantt::Grouping::Person;
            state.gantt.expanded.insert(GanttRow::Load(key));
            state.dirty.gantt = true;
        }
        state.dirty.gantt_bar = Some(a.id);
    }
    state.dirty.allocations = true;
    effects
}
