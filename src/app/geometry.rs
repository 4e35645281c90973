//! Screen geometry that both the reducer (to scroll) and the views (to draw) rely on.

use crate::domain::Zoom;

/// Width of the pinned name column in the Gantt, for a terminal `width` wide.
pub fn gantt_name_width(width: u16) -> u16 {
    match width {
        0..=59 => width / 3,
        60..=119 => 20,
        _ => 26,
    }
}

/// How many bucket columns fit beside the name column at `zoom`.
pub fn gantt_cols(width: u16, zoom: Zoom) -> usize {
    (width.saturating_sub(gantt_name_width(width) + 1) / zoom.col_width()).max(1) as usize
}

/// Rows of the Gantt body: tabs, two header lines, the detail line, the hint bar and the status
/// bar take 6.
pub fn gantt_rows(height: u16) -> usize {
    height.saturating_sub(6).max(1) as usize
}

/// Rows of a list view's body in a terminal `height` tall: tabs, filter line, table header, the
/// hint bar and the status bar take the rest.
pub fn list_rows(height: u16) -> usize {
    height.saturating_sub(5).max(1) as usize
}

/// The first visible row so that `selected` is on screen in `visible` rows.
pub fn scroll_offset(selected: usize, visible: usize) -> usize {
    selected.saturating_sub(visible.saturating_sub(1))
}
