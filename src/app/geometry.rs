//! Screen geometry that both the reducer (to scroll) and the views (to draw) rely on.

/// Width of the pinned name column in the Gantt, for a terminal `width` wide.
pub fn gantt_name_width(width: u16) -> u16 {
    match width {
        0..=59 => width / 3,
        60..=119 => 20,
        _ => 26,
    }
}

/// Width of one week column in the Gantt.
pub const WEEK_COL: u16 = 6;

/// How many week columns fit beside the name column.
pub fn gantt_weeks(width: u16) -> usize {
    (width.saturating_sub(gantt_name_width(width) + 1) / WEEK_COL).max(1) as usize
}

/// Rows of a list view's body in a terminal `height` tall: tabs, table header, detail area and
/// status bar take the rest.
pub fn list_rows(height: u16) -> usize {
    height.saturating_sub(6).max(1) as usize
}

/// The first visible row so that `selected` is on screen in `visible` rows.
pub fn scroll_offset(selected: usize, visible: usize) -> usize {
    selected.saturating_sub(visible.saturating_sub(1))
}
