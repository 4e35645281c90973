//! Screen geometry that both the reducer (to scroll) and the views (to draw) rely on.

use super::state::{State, View};
use crate::domain::Zoom;

/// The tab bar's height, above every view's body.
pub const TABS: u16 = 1;
/// The Gantt's header lines (months, then buckets) above its rows.
pub const GANTT_HEADER: u16 = 2;
/// Lines above a list's rows: the filter line and the table header (Resources), the counts and
/// the table header (Requests).
pub const LIST_HEADER: u16 = 2;

/// A view's tab as the tab bar shows it.
pub fn tab_label(state: &State, i: usize, v: View) -> String {
    let count = match v {
        View::Requests if state.backend.has_requests() => format!(" ({})", state.queue.len()),
        _ => String::new(),
    };
    format!(" {} {}{} ", i + 1, v.title(), count)
}

/// The view whose tab is at column `x` (tabs are a space apart).
pub fn tab_at(state: &State, x: u16) -> Option<View> {
    let mut left = 0usize;
    for (i, v) in View::ALL.iter().enumerate() {
        let w = tab_label(state, i, *v).chars().count();
        if (left..left + w).contains(&(x as usize)) {
            return Some(*v);
        }
        left += w + 1;
    }
    None
}

/// The Requests view's detail pane height in a body `height` tall (all of it with the request
/// shown in full).
pub fn requests_detail_height(height: u16, full: bool) -> u16 {
    if full {
        height
    } else if height >= 18 {
        height / 2
    } else if height >= 10 {
        5
    } else {
        0
    }
}

/// Rows of the Requests list in a terminal `height` tall.
pub fn requests_list_rows(height: u16, full: bool) -> usize {
    let body = height.saturating_sub(3);
    let list = body
        .saturating_sub(requests_detail_height(body, full))
        .max(1);
    list.saturating_sub(LIST_HEADER) as usize
}

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

/// A list's first visible row once `selected` moved: kept while the selection is still in
/// view, else moved just far enough to bring it back (as ratatui's `TableState` does), so
/// going back up moves the cursor up the screen rather than dragging the list along; and never
/// so far that rows stand empty below the last one.
pub fn keep_in_view(offset: usize, selected: usize, visible: usize, len: usize) -> usize {
    let visible = visible.max(1);
    let offset = if selected < offset {
        selected
    } else if selected >= offset + visible {
        selected + 1 - visible
    } else {
        offset
    };
    offset.min(len.saturating_sub(visible))
}

/// Rows of `view`'s list in the terminal the state knows of.
pub fn view_rows(state: &State, view: View) -> usize {
    let h = state.size.1;
    match view {
        View::Resources => list_rows(h),
        View::Gantt => gantt_rows(h),
        View::Requests => requests_list_rows(h, state.requests.detail),
    }
}

/// After every input: each list's offset follows its selection (see [`keep_in_view`]).
pub fn scroll_into_view(state: &mut State) {
    let r = view_rows(state, View::Resources);
    let v = &mut state.resources;
    v.offset = keep_in_view(v.offset, v.selected, r, v.lines.len());
    let r = view_rows(state, View::Gantt);
    let g = &mut state.gantt;
    g.offset = keep_in_view(g.offset, g.selected, r, g.rows.len());
    let r = view_rows(state, View::Requests);
    let q = &mut state.requests;
    q.offset = keep_in_view(q.offset, q.selected, r, state.queue.len());
}

/// `text` wrapped at spaces into rows of at most `width` columns; a word longer than a row is
/// cut where the row ends. An empty text is one empty row.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let width = width.max(1);
    let cols = |s: &str| s.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>();
    let mut rows = Vec::new();
    let mut row = String::new();
    for word in text.split(' ') {
        let gap = usize::from(!row.is_empty());
        if !row.is_empty() && cols(&row) + gap + cols(word) > width {
            rows.push(std::mem::take(&mut row));
        }
        if !row.is_empty() {
            row.push(' ');
        }
        for c in word.chars() {
            if cols(&row) + c.width().unwrap_or(0) > width {
                rows.push(std::mem::take(&mut row));
            }
            row.push(c);
        }
    }
    rows.push(row);
    rows
}

/// The y/n box for `question` in a terminal `width` x `height`: the question wrapped to the
/// box; its first line (what is asked, with how many go over capacity) always on top, the rest
/// scrolled when it does not fit, and the y/n line always in view.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfirmLayout {
    pub width: u16,
    pub height: u16,
    /// The first line of the question, wrapped: never scrolled away.
    pub head: Vec<String>,
    /// The rest of the question, wrapped.
    pub body: Vec<String>,
    /// Rows of `body` shown at once.
    pub room: usize,
    /// A blank row before the y/n (dropped first when short of room).
    pub gap: bool,
}

impl ConfirmLayout {
    /// Whether `body` is longer than the box: a line then says what is above and below.
    pub fn scrolls(&self) -> bool {
        self.room < self.body.len()
    }

    /// The first body row shown for a wanted `scroll`: never past the last page.
    pub fn clamp(&self, scroll: usize) -> usize {
        scroll.min(self.body.len().saturating_sub(self.room))
    }
}

pub fn confirm_layout(question: &str, width: u16, height: u16) -> ConfirmLayout {
    let width = width.min(70);
    let text_w = width.saturating_sub(2).max(1) as usize;
    let mut lines = question.lines();
    let head = wrap(lines.next().unwrap_or(""), text_w);
    let body: Vec<String> = lines.flat_map(|l| wrap(l, text_w)).collect();
    let rows = head.len() + body.len();
    // Borders and the y/n line.
    let fixed = 3;
    let h = height as usize;
    let (room, gap, box_h) = if rows + fixed < h {
        (body.len(), true, rows + fixed + 1)
    } else if rows + fixed <= h {
        (body.len(), false, rows + fixed)
    } else {
        // One row says how many are above and below.
        let room = h.saturating_sub(fixed + head.len() + 1);
        (room, false, h)
    };
    ConfirmLayout {
        width,
        height: box_h as u16,
        head,
        body,
        room,
        gap,
    }
}

#[cfg(test)]
mod tests {
    use super::{keep_in_view, wrap};
    use proptest::prelude::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn wraps_at_spaces_by_display_width_and_breaks_long_words() {
        assert_eq!(wrap("ab cd ef", 5), ["ab cd", "ef"]);
        assert_eq!(wrap("abcdefg", 3), ["abc", "def", "g"]);
        assert_eq!(wrap("山田太郎", 5), ["山田", "太郎"]);
        assert_eq!(wrap("", 5), [""]);
        for l in wrap("Kantata could not be reached: could not move Ana", 10) {
            assert!(l.width() <= 10, "{l:?}");
        }
    }

    proptest! {
        /// Whatever the offset was, the selected row is on screen afterwards, no row stands
        /// empty below the last one, and an offset that already showed it is kept.
        #[test]
        fn the_selection_is_always_in_view(
            offset in 0usize..200, len in 1usize..200, visible in 1usize..60, pick in 0usize..200,
        ) {
            let selected = pick % len;
            let o = keep_in_view(offset, selected, visible, len);
            prop_assert!(o <= selected && selected < o + visible);
            prop_assert!(o <= len.saturating_sub(visible));
            if offset <= selected && selected < offset + visible && offset <= len.saturating_sub(visible) {
                prop_assert_eq!(o, offset);
            }
        }
    }
}
