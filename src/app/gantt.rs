//! The Gantt view's reducer: its commands, the time cursor and the loaded window, and its rows:
//! grouped by person (expanding into allocations) or by project (expanding into its
//! resources), rebuilt only when data, grouping or expansion change.

use super::bar_edits;
use super::command::Command;
use super::effect::Effect;
use super::geometry::gantt_cols;
use super::jump;
use super::keys::Mode;
use super::state::{Overlay, State, View};
use crate::domain::dates::{add_days, add_months, week_start};
use crate::domain::lanes::{Line, person_lines, resource_line};
use crate::domain::{DateRange, Id, RowKey, Workspace, Zoom};
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent};
use std::collections::BTreeSet;

/// A command of the Gantt view.
pub fn command(state: &mut State, command: Command) -> Vec<Effect> {
    match command {
        Command::NewAllocation => bar_edits::open_new(state),
        Command::EditAllocation => bar_edits::open_edit(state),
        Command::OpenRow => {
            if state.selected_bar().is_some() {
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
        // Find and jump (app::jump).
        Command::FilterStart => state.gantt.find.start(),
        Command::FilterDone => state.gantt.find.editing = false,
        Command::Backspace => {
            jump::edit(state, KeyEvent::from(KeyCode::Backspace));
        }
        Command::PrevBar | Command::NextBar => {
            let by = if command == Command::PrevBar { -1 } else { 1 };
            if step_bar(state, by).is_some() {
                return scroll_time(state, 0);
            }
            return scroll_time(state, by);
        }
        Command::Jump => {
            state.open(Overlay::Jump(jump::Jump::default()));
            state.gantt.find.editing = false;
        }
        Command::NextOver => return jump::over(state, 1),
        Command::PrevOver => return jump::over(state, -1),
        _ => {}
    }
    Vec::new()
}

/// Esc in the Gantt: the filter being typed, or with no marks the filter kept, is cleared;
/// else the marks are. False when there was nothing to clear.
pub fn back(state: &mut State) -> bool {
    let find = &mut state.gantt.find;
    if find.editing || (!find.filter.value().is_empty() && state.marks.is_empty()) {
        find.editing = false;
        find.filter.clear();
        rebuild(state);
        return true;
    }
    bar_edits::clear_marks(state)
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
pub(crate) fn scroll_time(state: &mut State, by: i64) -> Vec<Effect> {
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
pub(crate) fn center_cursor(state: &mut State) {
    let g = &mut state.gantt;
    let cols = gantt_cols(state.size.0, g.zoom) as i64;
    g.first = g.zoom.step(g.cursor, -(cols / 4));
}

/// Allocations are kept for the visible range ± 6 months; nearing the edge loads a new window.
pub(crate) fn ensure_window(state: &mut State) -> Vec<Effect> {
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash, PartialOrd, Ord)]
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
    /// A project's total hours.
    Project(Id),
    /// One sub-lane of a workspace resource's line, under its person (or unnamed resource) or
    /// under its project; sub-lane 0 carries the line's name.
    Lane {
        resource: Id,
        sub: u16,
        under: Grouping,
    },
}

impl GanttRow {
    /// Rows that expand into children.
    pub fn is_parent(&self) -> bool {
        matches!(self, GanttRow::Load(_) | GanttRow::Project(_))
    }
}

/// What a lane row draws: its bars in start order; on sub-lane 0, how many of the line's
/// allocations lie wholly before and after the window.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LaneBars {
    pub bars: Vec<Id>,
    pub before: usize,
    pub after: usize,
}

/// The lanes of the rows, and the window they were packed for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// Parallel to `GanttView::rows` (empty for parent rows).
    pub lanes: Vec<LaneBars>,
    pub packed_for: Option<DateRange>,
}

/// The dates the Gantt shows at `zoom` from `first` in a terminal `width` wide.
pub fn visible_window(first: NaiveDate, zoom: Zoom, width: u16) -> DateRange {
    let cols = gantt_cols(width, zoom) as i64;
    DateRange::new(first, add_days(zoom.step(first, cols), -1))
}

fn push_line(rows: &mut Vec<GanttRow>, lanes: &mut Vec<LaneBars>, line: Line, under: Grouping) {
    for (sub, bars) in line.lanes.into_iter().enumerate() {
        rows.push(GanttRow::Lane {
            resource: line.resource.clone(),
            sub: sub as u16,
            under,
        });
        let edge = |n: usize| if sub == 0 { n } else { 0 };
        lanes.push(LaneBars {
            bars,
            before: edge(line.before),
            after: edge(line.after),
        });
    }
}

/// Builds the rows for `top` (people then unnamed resources, in the Resources order) or the
/// projects any of `top` works on, with the lanes of expanded rows packed for `window`.
pub fn build_rows(
    ws: &Workspace,
    top: &[RowKey],
    grouping: Grouping,
    expanded: &BTreeSet<GanttRow>,
    window: DateRange,
    narrowed: bool,
) -> (Vec<GanttRow>, Vec<LaneBars>) {
    let mut rows = Vec::new();
    let mut lanes = Vec::new();
    match grouping {
        Grouping::Person => {
            for key in top {
                let parent = GanttRow::Load(key.clone());
                let open = expanded.contains(&parent);
                rows.push(parent);
                lanes.push(LaneBars::default());
                if open {
                    for line in person_lines(ws, key, window) {
                        push_line(&mut rows, &mut lanes, line, grouping);
                    }
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
            // A filter narrows projects to those its rows work on.
            let wanted: BTreeSet<&Id> = if !narrowed {
                BTreeSet::new()
            } else {
                top.iter()
                    .flat_map(|k| -> Vec<&Id> {
                        match k {
                            RowKey::Person(p) => ws
                                .resources_of(p)
                                .filter_map(|r| r.project_id.as_ref())
                                .collect(),
                            RowKey::Unnamed(r) | RowKey::Project(r) => ws
                                .resources
                                .get(r)
                                .and_then(|r| r.project_id.as_ref())
                                .into_iter()
                                .collect(),
                        }
                    })
                    .collect()
            };
            for p in projects {
                if narrowed && !wanted.contains(&p.id) {
                    continue;
                }
                let parent = GanttRow::Project(p.id.clone());
                let open = expanded.contains(&parent);
                rows.push(parent);
                lanes.push(LaneBars::default());
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
                    for r in resources {
                        push_line(
                            &mut rows,
                            &mut lanes,
                            resource_line(ws, &r.id, window),
                            grouping,
                        );
                    }
                }
            }
        }
    }
    (rows, lanes)
}

/// The row of the other grouping that shows the same thing as `row`: a person's line leads to
/// its project, a project's line to its person (or unnamed resource).
pub fn counterpart(ws: &Workspace, row: &GanttRow) -> Option<GanttRow> {
    match row {
        GanttRow::Lane {
            resource,
            under: Grouping::Person,
            ..
        } => ws
            .resources
            .get(resource)?
            .project_id
            .clone()
            .map(GanttRow::Project),
        GanttRow::Lane {
            resource,
            under: Grouping::Project,
            ..
        } => ws.row_key(resource).map(GanttRow::Load),
        GanttRow::Load(_) | GanttRow::Project(_) => None,
    }
}

/// The parent row of `row`, if it is a child.
pub fn parent_of(ws: &Workspace, row: &GanttRow) -> Option<GanttRow> {
    match row {
        GanttRow::Lane {
            resource,
            under: Grouping::Person,
            ..
        } => ws.row_key(resource).map(GanttRow::Load),
        GanttRow::Lane {
            resource,
            under: Grouping::Project,
            ..
        } => ws
            .resources
            .get(resource)?
            .project_id
            .clone()
            .map(GanttRow::Project),
        _ => None,
    }
}

impl State {
    /// The bar edits act on: the selected bar on the selected lane.
    pub fn selected_bar(&self) -> Option<&Id> {
        let bar = self.gantt.bar.as_ref()?;
        self.gantt
            .layout
            .lanes
            .get(self.gantt.selected)?
            .bars
            .contains(bar)
            .then_some(bar)
    }

    /// The dates on screen in the Gantt.
    pub fn gantt_window(&self) -> DateRange {
        visible_window(self.gantt.first, self.gantt.zoom, self.size.0)
    }
}

/// The top rows the Gantt shows: every row, or those the Gantt's filter keeps.
fn top_rows(state: &State) -> Vec<RowKey> {
    let mut rows = state.rows.clone();
    super::row_filter::retain(&state.ws, state.gantt.find.filter.value(), &mut rows);
    rows
}

/// Rebuilds the rows, keeping the selection on the same bar, else the same row (or the nearest
/// sub-lane of its line, or its parent if it went).
pub fn rebuild(state: &mut State) {
    let keep = state.selected_gantt_row().cloned();
    let bar = state.selected_bar().cloned();
    let window = state.gantt_window();
    let top = top_rows(state);
    let narrowed = top.len() < state.rows.len();
    let g = &mut state.gantt;
    let (rows, lanes) = build_rows(&state.ws, &top, g.grouping, &g.expanded, window, narrowed);
    g.rows = rows;
    g.layout = Layout {
        lanes,
        packed_for: Some(window),
    };
    let on_bar = bar
        .as_ref()
        .and_then(|b| g.layout.lanes.iter().position(|l| l.bars.contains(b)));
    let found = on_bar.or_else(|| {
        let k = keep?;
        g.rows.iter().position(|r| *r == k).or_else(|| {
            if let GanttRow::Lane { resource, .. } = &k {
                let last = g.rows.iter().rposition(
                    |r| matches!(r, GanttRow::Lane { resource: x, .. } if x == resource),
                );
                if last.is_some() {
                    return last;
                }
            }
            let parent = parent_of(&state.ws, &k)?;
            g.rows.iter().position(|r| *r == parent)
        })
    });
    if let Some(i) = found {
        g.selected = i;
    }
    g.selected = g.selected.min(g.rows.len().saturating_sub(1));
    pick_bar(state);
}

/// After every input: lanes follow the window (they are packed for what is on screen), and the
/// selected lane has a selected bar if it has bars.
pub fn settle(state: &mut State) {
    let g = &state.gantt;
    if !g.expanded.is_empty() && g.layout.packed_for != Some(state.gantt_window()) {
        rebuild(state);
    } else {
        pick_bar(state);
    }
}

/// Keeps the selected bar if it is on the selected lane, else takes the bar under the time
/// cursor, else the nearest one to it.
fn pick_bar(state: &mut State) {
    let g = &state.gantt;
    let Some(lane) = g.layout.lanes.get(g.selected) else {
        state.gantt.bar = None;
        return;
    };
    if g.bar.as_ref().is_some_and(|b| lane.bars.contains(b)) {
        return;
    }
    let cursor = g.cursor;
    let distance = |r: DateRange| {
        if r.contains(cursor) {
            0
        } else if cursor < r.start {
            (r.start - cursor).num_days()
        } else {
            (cursor - r.end).num_days()
        }
    };
    let best = lane
        .bars
        .iter()
        .filter_map(|id| state.ws.allocations.get(id))
        .min_by_key(|a| distance(a.range))
        .map(|a| a.id.clone());
    state.gantt.bar = best;
}

/// `h`/`l` on a lane: the previous or next bar of the line (across its sub-lanes, by start),
/// with the time cursor on it; elsewhere, or past the line's last bar, the time cursor moves.
pub fn step_bar(state: &mut State, by: i64) -> Option<()> {
    if state.view != View::Gantt {
        return None;
    }
    let g = &state.gantt;
    let GanttRow::Lane {
        resource, under, ..
    } = g.rows.get(g.selected)?
    else {
        return None;
    };
    let line: Vec<(usize, &Id)> = g
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r, GanttRow::Lane { resource: x, under: u, .. } if x == resource && u == under))
        .flat_map(|(i, _)| g.layout.lanes[i].bars.iter().map(move |b| (i, b)))
        .collect();
    let mut bars: Vec<(usize, &crate::domain::Allocation)> = line
        .into_iter()
        .filter_map(|(i, b)| state.ws.allocations.get(b).map(|a| (i, a)))
        .collect();
    bars.sort_by(|(_, a), (_, b)| a.range.start.cmp(&b.range.start).then(a.id.cmp(&b.id)));
    let at = g
        .bar
        .as_ref()
        .and_then(|b| bars.iter().position(|(_, a)| &a.id == b));
    let to = match at {
        Some(at) => at as i64 + by,
        // No bar selected: the first bar on the side of the cursor we move to.
        None if by > 0 => bars.iter().position(|(_, a)| a.range.start > g.cursor)? as i64,
        None => bars.iter().rposition(|(_, a)| a.range.end < g.cursor)? as i64,
    };
    let (row, a) = bars.get(usize::try_from(to).ok()?)?;
    let (row, id, start, end) = (*row, a.id.clone(), a.range.start, a.range.end);
    let window = state.gantt_window();
    let g = &mut state.gantt;
    g.selected = row;
    g.bar = Some(id);
    // The cursor on the bar, inside what is on screen where the bar is partly off it.
    g.cursor = start.max(window.start).min(end);
    Some(())
}
