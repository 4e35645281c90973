//! The tab line at the top and the status bar at the bottom.

use super::text::truncate;
use super::theme::Theme;
use crate::app::{State, View};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub fn render_tabs(state: &State, theme: &Theme, f: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    for (i, v) in View::ALL.iter().enumerate() {
        let count = match v {
            View::Requests if state.backend.has_requests() => format!(" ({})", state.queue.len()),
            _ => String::new(),
        };
        spans.push(Span::styled(
            format!(" {} {}{} ", i + 1, v.title(), count),
            theme.tab(*v == state.view),
        ));
        spans.push(Span::raw(" "));
    }
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    let hint = "? help  q quit ";
    if (area.width as usize) > used + hint.len() {
        spans.push(Span::raw(
            " ".repeat(area.width as usize - used - hint.len()),
        ));
        spans.push(Span::styled(hint, theme.dim()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Backend, workspace and today on the left; work in flight, then the last error or notice.
pub fn render_status(state: &State, theme: &Theme, f: &mut Frame, area: Rect) {
    let width = area.width as usize;
    let name = if state.ws.name.is_empty() {
        "…"
    } else {
        state.ws.name.as_str()
    };
    let left = format!(
        " {} · {} · {} ",
        state.backend.label(),
        name,
        state.today.format("%Y-%m-%d")
    );
    let mut spans = vec![Span::styled(truncate(&left, width), theme.status_bar())];
    let mut used = left.width();
    if let Some(a) = &state.activity {
        // A retry under way says what it waits for, not just that something is loading; it
        // matters more than the last notice, so it may take the whole line.
        let s = format!("⟳ {} ", truncate(a, width.saturating_sub(used + 3)));
        used += s.width();
        spans.push(Span::styled(s, theme.notice()));
    } else if let Some(p) = state.pending.first() {
        let more = if state.pending.len() > 1 {
            format!(" +{}", state.pending.len() - 1)
        } else {
            String::new()
        };
        let s = format!("⟳ {}{more}… ", p.label());
        used += s.width();
        spans.push(Span::styled(s, theme.notice()));
    }
    let rest = width.saturating_sub(used);
    if let Some(e) = &state.error {
        spans.push(Span::styled(
            truncate(&format!("✗ {e}"), rest),
            theme.error(),
        ));
    } else if let Some(n) = &state.notice {
        spans.push(Span::styled(truncate(n, rest), theme.notice()));
    }
    f.render_widget(
        Paragraph::new(Line::from(spans)).style(theme.status_bar()),
        area,
    );
}
