//! The mouse, as data for the reducer: the runtime turns crossterm's events into
//! [`Msg::Mouse`](super::Msg) with the time they came (for double-clicks; the reducer has no
//! clock), and hit-testing reads the geometry the views draw with (app::geometry).
//!
//! Wheel: rows; Shift-wheel or a horizontal wheel: time. A click selects a row, a bucket and a
//! bar; a double-click opens a bar's edit form (or folds a row); dragging a bar moves it by
//! whole buckets and dragging its last cell moves its end, shown as it goes and made one
//! undoable edit on release, through the same code the keys use.

use super::bar_edits;
use super::effect::Effect;
use super::gantt::GanttRow;
use super::gantt::{scroll_time, toggle_expand};
use super::geometry::{
    GANTT_HEADER, LIST_HEADER, TABS, gantt_name_width, gantt_rows, keep_in_view, list_rows, tab_at,
};
use super::keys::Mode;
use super::state::{State, View};
use super::update::move_selection;
use crate::domain::{Allocation, DateRange, Id};
use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

/// Two presses on one cell within this many milliseconds are a double-click.
const DOUBLE_CLICK_MS: u64 = 400;
/// Rows one wheel notch scrolls.
const WHEEL_ROWS: i64 = 3;

/// One mouse event and when it came (milliseconds on any steady clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mouse {
    pub event: MouseEvent,
    pub at_ms: u64,
}

/// What a drag does to the bar it started on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DragKind {
    /// The whole bar, by whole buckets.
    Move,
    /// Its end.
    End,
}

/// A bar being dragged: shown moved by `by` buckets until the button is released.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drag {
    pub bar: Id,
    pub kind: DragKind,
    /// The bucket (column index) the press was in.
    pub from: i64,
    pub by: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MouseState {
    /// The runtime asks the terminal for mouse events.
    pub capture: bool,
    /// The last press: column, row, time.
    pub last_press: Option<(u16, u16, u64)>,
    pub drag: Option<Drag>,
}

/// Mouse events; only the views take them (a dialog open ignores the mouse).
pub fn on_mouse(state: &mut State, m: Mouse) -> Vec<Effect> {
    let mode = Mode::of(state);
    if !matches!(mode, Mode::Resources | Mode::Gantt | Mode::Requests) {
        return Vec::new();
    }
    let MouseEvent {
        kind,
        column: x,
        row: y,
        modifiers,
    } = m.event;
    let shift = modifiers.contains(KeyModifiers::SHIFT);
    match kind {
        MouseEventKind::ScrollDown if shift => time(state, 1),
        MouseEventKind::ScrollUp if shift => time(state, -1),
        MouseEventKind::ScrollRight => time(state, 1),
        MouseEventKind::ScrollLeft => time(state, -1),
        MouseEventKind::ScrollDown => rows(state, WHEEL_ROWS),
        MouseEventKind::ScrollUp => rows(state, -WHEEL_ROWS),
        MouseEventKind::Down(MouseButton::Left) => {
            let double = state.mouse.last_press.is_some_and(|(px, py, at)| {
                px == x && py == y && m.at_ms.saturating_sub(at) <= DOUBLE_CLICK_MS
            });
            // A double-click is not the first click of the next one.
            state.mouse.last_press = (!double).then_some((x, y, m.at_ms));
            press(state, x, y, double)
        }
        MouseEventKind::Drag(MouseButton::Left) => {
            drag_to(state, x);
            Vec::new()
        }
        MouseEventKind::Up(MouseButton::Left) => release(state),
        _ => Vec::new(),
    }
}

fn time(state: &mut State, by: i64) -> Vec<Effect> {
    if state.view != View::Gantt {
        return Vec::new();
    }
    let g = &mut state.gantt;
    g.first = g.zoom.step(g.first, by);
    scroll_time(state, by)
}

fn rows(state: &mut State, by: i64) -> Vec<Effect> {
    move_selection(state, by);
    Vec::new()
}

/// The row index under screen row `y` of a list showing `visible` rows from `top`, scrolled
/// to `offset` with `selected` of `len` selected (the offset as the view draws it).
fn row_at(y: u16, top: u16, visible: usize, at: (usize, usize), len: usize) -> Option<usize> {
    let (offset, selected) = at;
    let line = y.checked_sub(top)? as usize;
    let i = keep_in_view(offset, selected, visible, len) + line;
    (line < visible && i < len).then_some(i)
}

fn press(state: &mut State, x: u16, y: u16, double: bool) -> Vec<Effect> {
    if y < TABS {
        if let Some(v) = tab_at(state, x) {
            state.view = v;
        }
        return Vec::new();
    }
    let (w, h) = state.size;
    match state.view {
        View::Resources => {
            let len = state.resources.lines.len();
            let visible = list_rows(h);
            if let Some(i) = row_at(
                y,
                TABS + LIST_HEADER,
                visible,
                (state.resources.offset, state.resources.selected),
                len,
            ) {
                state.resources.selected = i;
            }
        }
        View::Requests => {
            let visible = super::geometry::requests_list_rows(h, state.requests.detail);
            let len = state.queue.len();
            let at = (state.requests.offset, state.requests.selected);
            if let Some(i) = row_at(y, TABS + LIST_HEADER, visible, at, len) {
                state.requests.selected = i;
            }
        }
        View::Gantt => {
            let g = &state.gantt;
            let Some(i) = row_at(
                y,
                TABS + GANTT_HEADER,
                gantt_rows(h),
                (g.offset, g.selected),
                g.rows.len(),
            ) else {
                return Vec::new();
            };
            state.gantt.selected = i;
            let name_w = gantt_name_width(w);
            let Some(col) = x.checked_sub(name_w + 1) else {
                // On the name: a double-click folds or unfolds.
                if double {
                    toggle_expand(state);
                }
                return Vec::new();
            };
            let g = &mut state.gantt;
            let cw = g.zoom.col_width();
            let bucket = i64::from(col / cw);
            g.cursor = g.zoom.step(g.zoom.bucket_start(g.first), bucket);
            let Some((bar, last_cell)) = bar_at(state, i, col) else {
                if double && state.gantt.rows[i].is_parent() {
                    toggle_expand(state);
                }
                return scroll_time(state, 0);
            };
            state.gantt.bar = Some(bar.clone());
            if double {
                state.mouse.drag = None;
                bar_edits::open_edit(state);
                return Vec::new();
            }
            state.mouse.drag = Some(Drag {
                bar,
                kind: if last_cell {
                    DragKind::End
                } else {
                    DragKind::Move
                },
                from: bucket,
                by: 0,
            });
            return scroll_time(state, 0);
        }
    }
    Vec::new()
}

/// The bar on lane row `i` covering screen column `col` of the bars (cells as the renderer
/// draws them), and whether `col` is its last cell.
fn bar_at(state: &State, i: usize, col: u16) -> Option<(Id, bool)> {
    if !matches!(state.gantt.rows.get(i), Some(GanttRow::Lane { .. })) {
        return None;
    }
    let g = &state.gantt;
    let first = g.zoom.bucket_start(g.first);
    let col = i64::from(col);
    g.layout.lanes.get(i)?.bars.iter().find_map(|id| {
        let a = state.ws.allocations.get(id)?;
        let (l, r) = cells_of(g.zoom, first, a.range);
        (l <= col && col < r).then(|| (id.clone(), col == r - 1 && r - l > 1))
    })
}

/// The cells a bar covers from the left edge at `first`: [left, right).
pub fn cells_of(zoom: crate::domain::Zoom, first: chrono::NaiveDate, r: DateRange) -> (i64, i64) {
    let l = zoom.eighths(first, r.start) / 8;
    let end = zoom.eighths(first, crate::domain::dates::add_days(r.end, 1));
    (l, (end + 7) / 8)
}

fn drag_to(state: &mut State, x: u16) {
    let name_w = gantt_name_width(state.size.0);
    let cw = state.gantt.zoom.col_width();
    let Some(drag) = &mut state.mouse.drag else {
        return;
    };
    let col = i64::from(x.saturating_sub(name_w + 1) / cw);
    drag.by = col - drag.from;
}

/// The button up: a drag that moved is one edit, as the keys make it.
fn release(state: &mut State) -> Vec<Effect> {
    let Some(drag) = state.mouse.drag.take() else {
        return Vec::new();
    };
    if drag.by == 0 || state.selected_bar() != Some(&drag.bar) {
        return Vec::new();
    }
    match drag.kind {
        DragKind::Move => bar_edits::shift_by(state, drag.by),
        DragKind::End => bar_edits::stretch_by(state, drag.by),
    }
}

/// Where the renderer draws `a` while it is dragged (as it will be if released now).
pub fn dragged(state: &State, a: &Allocation) -> Option<DateRange> {
    let drag = state
        .mouse
        .drag
        .as_ref()
        .filter(|d| d.bar == a.id && d.by != 0)?;
    let cal = state
        .ws
        .row_key(&a.resource_id)
        .map(|k| state.ws.calendar_for(&k))
        .unwrap_or_default();
    let zoom = state.gantt.zoom;
    match drag.kind {
        DragKind::Move => Some(crate::domain::edit::shift(a, zoom, drag.by, &cal).range),
        DragKind::End => crate::domain::edit::stretch(a, zoom, drag.by, &cal)
            .ok()
            .map(|a| a.range),
    }
}
