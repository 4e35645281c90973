//! The Gantt view's reducer: its commands, the time cursor and the loaded window, and its rows:
//! grouped by person (expanding into allocations) or by project (expanding into its
//! resources), rebuilt only when data, grouping or expansion change.

use super::bar_edits;
use super::command::Command;
use super::effect::Effect;
use super::geometry::gantt_cols;
use super::keys::Mode;
use super::state::{State, View};
use crate::domain::dates::{DateRange, add_days, add_months, week_start};
use crate::domain::{Id, RowKey, Workspace};
use std::collections::BTreeSet;

/// A command of the Gantt view.
pub fn command(state: &mut State, command: Command) -> Vec<Effect> {
    match command {
        Command::NewAllocation => bar_edits::open_new(state),
        Command::EditAllocation => bar_edits::open_edit(state),
        Command::OpenRow => {
            if matches!(state.selected_gantt_row(), Some(GanttRow::Alloc(_))) {
                bar_edits::open_edit(state)
            } else {
                toggle_expand(state)
            }
        }
        Command::MarkBar => bar_edits::toggle_mark(state),
        Command::DeleteAllocations => bar_edits::ask_delete(state),
        Command::ShiftEarlier => return bar_edits::shift_by(state, -1),
        Command::ShiftLater => return bar_edits::shift_by(state, 1),
        Command::EndEarlier => return bar_edits::stretch_by(state, -1),
        Command::EndLater => return bar_edits::stretch_by(state, 1),
        Command::ToggleHard => return bar_edits::toggle_hard(state),
        Command::Split => return bar_edits::split_at_cursor(state),
        Command::Earlier => return scroll_time(state, -1),
        Command::Later => return scroll_time(state, 1),
        Command::ScreenEarlier => {
            return scroll_time(state, -(gantt_cols(state.size.0, state.gantt.zoom) as i64));
        }
        Command::ScreenLater => {
            return scroll_time(state, gantt_cols(state.size.0, state.gantt.zoom) as i64);
        }
        Command::Today => {
            state.gantt.cursor = state.today;
            center_cursor(state);
            return ensure_window(state);
        }
        Command::ZoomIn | Command::ZoomOut => {
            let z = state.gantt.zoom;
            state.gantt.zoom = if command == Command::ZoomIn {
                z.zoom_in()
            } else {
                z.zoom_out()
            };
            center_cursor(state);
            state.say(format!("Zoom: {}", state.gantt.zoom.label()));
            return ensure_window(state);
        }
        Command::ToggleScheduled => {
            if let Some(why) = &state.no_scheduled {
                let why = why.clone();
                state.say(why);
            } else {
                state.gantt.show_scheduled = !state.gantt.show_scheduled;
                let v = state.keys.label(Mode::Gantt, Command::ToggleScheduled);
                state.say(if state.gantt.show_scheduled {
                    format!(
                        "Showing scheduled hours (≠ where they differ from allocations); {v} for allocations"
                    )
                } else {
                    "Showing allocated hours".to_string()
                });
            }
        }
        Command::ToggleGrouping => toggle_grouping(state),
        _ => {}
    }
    Vec::new()
}

fn toggle_grouping(state: &mut State) {
    state.gantt.grouping = match state.gantt.grouping {
        Grouping::Person => Grouping::Project,
        Grouping::Project => Grouping::Person,
    };
    let here = state.selected_gantt_row().cloned();
    let back = std::mem::replace(&mut state.gantt.away, here.clone());
    // Now: the row to return to is looked for in the new grouping's rows.
    rebuild(state);
    // Where this grouping was left, else what shows the same thing, else the top.
    let counterpart = here.and_then(|r| counterpart(&state.ws, &r));
    let rows = &state.gantt.rows;
    state.gantt.selected = [back, counterpart]
        .into_iter()
        .flatten()
        .find_map(|want| rows.iter().position(|r| *r == want))
        .unwrap_or(0);
}

/// Enter on a parent row: its children shown under it, or folded away.
pub(crate) fn toggle_expand(state: &mut State) {
    let Some(row) = state.selected_gantt_row().cloned() else {
        return;
    };
    if !row.is_parent() {
        return;
    }
    if !state.gantt.expanded.remove(&row) {
        state.gantt.expanded.insert(row);
    }
    state.dirty.gantt = true;
}

/// Rebuilds the Gantt rows, keeping the selection on the same row (or its parent if it went).
pub(crate) fn rebuild(state: &mut State) {
    let keep = state.selected_gantt_row().cloned();
    let rows = build_rows(
        &state.ws,
        &state.rows,
        state.gantt.grouping,
        &state.gantt.expanded,
    );
    state.gantt.rows = rows;
    if let Some(k) = keep {
        let found = state.gantt.rows.iter().position(|r| *r == k).or_else(|| {
            let parent = parent_of(&state.ws, &k)?;
            state.gantt.rows.iter().position(|r| *r == parent)
        });
        if let Some(i) = found {
            state.gantt.selected = i;
        }
    }
    state.gantt.selected = state
        .gantt
        .selected
        .min(state.gantt.rows.len().saturating_sub(1));
}

/// The terminal was resized to `width` columns.
pub(crate) fn resized(state: &mut State, width: u16) -> Vec<Effect> {
    // A resize (a window dragged through narrow sizes on its way) never leaves the cursor at
    // the left edge with no weeks before it: it goes back a quarter in.
    let g = &state.gantt;
    let cols = gantt_cols(width, g.zoom) as i64;
    let at = g.zoom.index_of(g.zoom.bucket_start(g.first), g.cursor);
    if at < cols / 4 || at >= cols {
        center_cursor(state);
    }
    scroll_time(state, 0)
}

/// Moves the time cursor `by` buckets (0 just re-checks), scrolling to keep it visible and
/// asking for more allocations when the view nears the edge of what is loaded.
fn scroll_time(state: &mut State, by: i64) -> Vec<Effect> {
    if by != 0 && state.view != View::Gantt {
        return Vec::new();
    }
    let g = &mut state.gantt;
    g.cursor = g.zoom.step(g.cursor, by);
    g.first = g.zoom.bucket_start(g.first);
    let cols = gantt_cols(state.size.0, g.zoom) as i64;
    let at = g.zoom.index_of(g.first, g.cursor);
    if at < 0 {
        g.first = g.zoom.bucket_start(g.cursor);
    } else if at >= cols {
        g.first = g.zoom.step(g.cursor, -(cols - 1));
    }
    ensure_window(state)
}

/// Puts the cursor a quarter of the way into the visible columns.
fn center_cursor(state: &mut State) {
    let g = &mut state.gantt;
    let cols = gantt_cols(state.size.0, g.zoom) as i64;
    g.first = g.zoom.step(g.cursor, -(cols / 4));
}

/// Allocations are kept for the visible range ± 6 months; nearing the edge loads a new window.
fn ensure_window(state: &mut State) -> Vec<Effect> {
    let g = &state.gantt;
    let cols = gantt_cols(state.size.0, g.zoom) as i64;
    let visible = DateRange::new(g.first, add_days(g.zoom.step(g.first, cols), -1));
    let margin = 28;
    let inside = add_days(visible.start, -margin) >= state.window.start
        && add_days(visible.end, margin) <= state.window.end;
    if inside {
        return Vec::new();
    }
    let window = DateRange::new(
        week_start(add_months(visible.start, -6)),
        add_days(week_start(add_months(visible.end, 6)), 6),
    );
    state.window = window;
    let effects = vec![
        Effect::LoadAllocations(window),
        Effect::LoadScheduled(window),
    ];
    state.pending.extend(effects.iter().cloned());
    effects
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    Person,
    Project,
}

/// One line of the Gantt.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GanttRow {
    /// A person's or unnamed resource's total load against capacity.
    Load(RowKey),
    /// One allocation's bar, under its person or unnamed resource.
    Alloc(Id),
    /// A project's total hours.
    Project(Id),
    /// One resource of a project, with the bars of its allocations.
    Resource(Id),
}

impl GanttRow {
    /// Rows that expand into children.
    pub fn is_parent(&self) -> bool {
        matches!(self, GanttRow::Load(_) | GanttRow::Project(_))
    }
}

/// Builds the rows for `top` (people then unnamed resources, in the Resources order) or projects.
pub fn build_rows(
    ws: &Workspace,
    top: &[RowKey],
    grouping: Grouping,
    expanded: &BTreeSet<GanttRow>,
) -> Vec<GanttRow> {
    let mut rows = Vec::new();
    match grouping {
        Grouping::Person => {
            for key in top {
                let parent = GanttRow::Load(key.clone());
                let open = expanded.contains(&parent);
                rows.push(parent);
                if open {
                    rows.extend(
                        ws.allocations_of(key)
                            .into_iter()
                            .map(|a| GanttRow::Alloc(a.id.clone())),
                    );
                }
            }
        }
        Grouping::Project => {
            let mut projects: Vec<_> = ws.projects.values().collect();
            projects.sort_by(|a, b| {
                a.name
                    .to_lowercase()
                    .cmp(&b.name.to_lowercase())
                    .then(a.id.cmp(&b.id))
            });
            for p in projects {
                let parent = GanttRow::Project(p.id.clone());
                let open = expanded.contains(&parent);
                rows.push(parent);
                if open {
                    let mut resources: Vec<_> = ws
                        .resources
                        .values()
                        .filter(|r| r.project_id.as_ref() == Some(&p.id))
                        .collect();
                    resources.sort_by_cached_key(|r| {
                        (
                            r.is_unnamed(),
                            ws.resource_name(r).to_lowercase(),
                            r.id.clone(),
                        )
                    });
                    rows.extend(
                        resources
                            .into_iter()
                            .map(|r| GanttRow::Resource(r.id.clone())),
                    );
                }
            }
        }
    }
    rows
}

/// The row of the other grouping that shows the same thing as `row`: a bar's project, or a
/// project resource's person (or unnamed resource).
pub fn counterpart(ws: &Workspace, row: &GanttRow) -> Option<GanttRow> {
    match row {
        GanttRow::Alloc(id) => ws
            .allocations
            .get(id)?
            .project_id
            .clone()
            .map(GanttRow::Project),
        GanttRow::Resource(id) => ws.row_key(id).map(GanttRow::Load),
        GanttRow::Load(_) | GanttRow::Project(_) => None,
    }
}

/// The parent row of `row`, if it is a child.
pub fn parent_of(ws: &Workspace, row: &GanttRow) -> Option<GanttRow> {
    match row {
        GanttRow::Alloc(id) => {
            let a = ws.allocations.get(id)?;
            ws.row_key(&a.resource_id).map(GanttRow::Load)
        }
        GanttRow::Resource(id) => ws
            .resources
            .get(id)?
            .project_id
            .clone()
            .map(GanttRow::Project),
        _ => None,
    }
}
