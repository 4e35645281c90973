//! The hint bar: the few keys that matter where the user is (the view, or the dialog on top),
//! from the key table. What does not fit is left out from the end; help's key stays last.

use super::theme::Theme;
use crate::app::State;
use crate::app::keys::{Mode, help::hints};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

const SEP: &str = "  ";

/// The items that fit in `width` columns, as (key, words).
pub fn fitted(state: &State, width: usize) -> Vec<(String, &'static str)> {
    let mode = Mode::of(state);
    let mut items = hints(&state.keys, mode);
    let help = (mode.falls_back() && !mode.types())
        .then(|| items.pop())
        .flatten();
    let len = |items: &[(String, &str)]| -> usize {
        items
            .iter()
            .map(|(k, w)| k.width() + usize::from(!k.is_empty()) + w.width())
            .sum::<usize>()
            + SEP.len() * items.len().saturating_sub(1)
            + 1
    };
    loop {
        let mut all = items.clone();
        all.extend(help.clone());
        if len(&all) <= width || all.is_empty() {
            return all;
        }
        if items.pop().is_none() {
            // Not even help fits: nothing.
            return Vec::new();
        }
    }
}

pub fn render(state: &State, theme: &Theme, f: &mut Frame, area: Rect) {
    let mut spans = vec![Span::raw(" ")];
    for (i, (key, words)) in fitted(state, area.width as usize).into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(SEP));
        }
        // An item with no key (what the jump prompt takes) is words alone.
        if key.is_empty() {
            spans.push(Span::styled(words, theme.dim()));
            continue;
        }
        spans.push(Span::styled(key, theme.header()));
        spans.push(Span::styled(format!(" {words}"), theme.dim()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A dialog's own hint line: " key words · key words ", its keys from the table for `mode`.
pub fn line(state: &State, mode: Mode, items: &[(crate::app::Command, &str)]) -> String {
    let parts: Vec<String> = items
        .iter()
        .map(|(c, words)| format!("{} {words}", state.key(mode, *c)))
        .collect();
    format!(" {} ", parts.join(" · "))
}
