//! The Resources view's reducer: its commands, and its list (filtered, sorted, with expanded
//! people's resources under them) rebuilt from `State::rows`.

use super::command::Command;
use super::effect::Effect;
use super::gantt::{GanttRow, Grouping};
use super::staffing;
use super::state::{ListRow, SortBy, State, View};
use crate::domain::rows::row_info;
use crate::domain::stats::row_stats;
use crate::domain::{RowKey, Workspace};
use crossterm::event::{KeyCode, KeyEvent};

/// A command of the Resources view (bound in its mode or the filter's).
pub fn command(state: &mut State, command: Command) -> Vec<Effect> {
    match command {
        Command::ExpandPerson => expand_or_open(state),
        Command::OpenInGantt => open_in_gantt(state),
        Command::MarkResource => staffing::toggle_mark(state),
        Command::AddToProject => staffing::open_new(state),
        Command::EditResource => staffing::open_edit(state),
        Command::DeleteResource => staffing::ask_delete(state),
        Command::FilterStart => {
            state.resources.editing = true;
            // A filter already there is selected: typing replaces it.
            state.resources.filter.focus();
        }
        Command::Backspace if state.resources.editing => {
            filter_edit(state, KeyEvent::from(KeyCode::Backspace));
        }
        Command::FilterDone => state.resources.editing = false,
        Command::SortNext => {
            state.resources.sort = state.resources.sort.next();
            state.dirty.resources = true;
        }
        Command::SortReverse => {
            state.resources.descending = !state.resources.descending;
            state.dirty.resources = true;
        }
        Command::ToggleUnnamed => {
            let v = &mut state.resources;
            (v.show_unnamed, v.only_unnamed) = match (v.show_unnamed, v.only_unnamed) {
                (true, false) => (false, false),
                (false, _) => (true, true),
                (true, true) => (true, false),
            };
            state.dirty.resources = true;
        }
        _ => {}
    }
    Vec::new()
}

/// Esc, before the global meaning: marks cleared, then the filter. `false` if it took nothing.
pub fn back(state: &mut State) -> bool {
    if !state.resources.marks.is_empty() {
        state.resources.marks.clear();
        state.say("Marks cleared");
        return true;
    }
    if super::bar_edits::clear_marks(state) {
        return true;
    }
    if !state.resources.editing && state.resources.filter.is_empty() {
        return false;
    }
    state.resources.editing = false;
    state.resources.filter.clear();
    state.dirty.resources = true;
    true
}

/// Enter: a person's resources listed under them (or folded away); any other row opens in
/// the Gantt.
fn expand_or_open(state: &mut State) {
    if !toggle_person(state) {
        open_in_gantt(state)
    }
}

/// A key the line editor takes, in the Resources filter.
pub(crate) fn filter_edit(state: &mut State, key: KeyEvent) {
    // The Gantt's filter and the jump prompt type here too.
    if super::jump::edit(state, key) {
        return;
    }
    if super::line::edit(&mut state.resources.filter, key) {
        state.dirty.resources = true;
    }
}

/// Enter on a resource: the Gantt, grouped by person, on that resource's row.
fn open_in_gantt(state: &mut State) {
    let Some(key) = state.selected_resource().cloned() else {
        return;
    };
    state.view = View::Gantt;
    if state.gantt.grouping != Grouping::Person {
        state.gantt.grouping = Grouping::Person;
        // Now: the row to select is looked for in the rows of this grouping.
        super::gantt::rebuild(state);
    }
    if let Some(i) = state
        .gantt
        .rows
        .iter()
        .position(|r| *r == GanttRow::Load(key.clone()))
    {
        state.gantt.selected = i;
    }
}

/// Enter on a person: list their resources under them (or fold them away).
fn toggle_person(state: &mut State) -> bool {
    let Some(ListRow::Row(RowKey::Person(p))) =
        state.resources.lines.get(state.resources.selected).cloned()
    else {
        return false;
    };
    if !state.resources.expanded.remove(&p) {
        state.resources.expanded.insert(p);
    }
    rebuild_lines(state);
    true
}

/// Re-applies filter, unnamed toggle and sort, keeping the selection on the same row.
pub(crate) fn refresh(state: &mut State) {
    let keep = state.resources.lines.get(state.resources.selected).cloned();
    let view = &state.resources;
    let ws = &state.ws;
    let mut rows: Vec<RowKey> = state
        .rows
        .iter()
        .filter(|k| view.show_unnamed || !matches!(k, RowKey::Unnamed(_)))
        .filter(|k| !view.only_unnamed || matches!(k, RowKey::Unnamed(_)))
        .cloned()
        .collect();
    super::row_filter::retain(ws, view.filter.value(), &mut rows);
    sort_rows(ws, state.today, view.sort, &mut rows);
    if view.descending {
        rows.reverse();
    }
    state.resources.visible = rows;
    rebuild_lines(state);
    state.resources.selected = keep
        .and_then(|k| state.resources.lines.iter().position(|r| *r == k))
        .unwrap_or(state.resources.selected)
        .min(state.resources.lines.len().saturating_sub(1));
}

/// Whether the order depends on allocations (a load column), so it changes when they do.
pub(crate) fn sorted_by_load(state: &State) -> bool {
    !matches!(
        state.resources.sort,
        SortBy::Name | SortBy::Role | SortBy::Project
    )
}

/// `visible` with each expanded person's resources under them, by project.
fn rebuild_lines(state: &mut State) {
    let ws = &state.ws;
    let mut lines = Vec::with_capacity(state.resources.visible.len());
    for key in &state.resources.visible {
        lines.push(ListRow::Row(key.clone()));
        if let RowKey::Person(p) = key
            && state.resources.expanded.contains(p)
        {
            let mut held: Vec<&crate::domain::Resource> = ws.resources_of(p).collect();
            held.sort_by_cached_key(|r| {
                (
                    ws.project_name(r.project_id.as_ref()).to_lowercase(),
                    r.role.clone(),
                )
            });
            lines.extend(held.into_iter().map(|r| ListRow::Held(r.id.clone())));
        }
    }
    state.resources.lines = lines;
}

/// Stable sort of rows (already in name order) by a column.
fn sort_rows(ws: &Workspace, today: chrono::NaiveDate, by: SortBy, rows: &mut [RowKey]) {
    match by {
        SortBy::Name => {}
        SortBy::Role => rows.sort_by_cached_key(|k| row_info(ws, k).role.to_lowercase()),
        SortBy::Project => rows.sort_by_cached_key(|k| row_info(ws, k).project.to_lowercase()),
        SortBy::Capacity => rows.sort_by_cached_key(|k| row_stats(ws, k, today).capacity),
        SortBy::ThisWeek => rows.sort_by_cached_key(|k| row_stats(ws, k, today).this_week),
        SortBy::NextWeeks => rows.sort_by_cached_key(|k| row_stats(ws, k, today).next_4_weeks),
        SortBy::Utilization => rows.sort_by_cached_key(|k| {
            let s = row_stats(ws, k, today);
            // No capacity but some load sorts as the most loaded.
            s.utilization
                .unwrap_or(if s.this_week > 0 { u64::MAX } else { 0 })
        }),
    }
}
