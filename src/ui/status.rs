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

/// Backend, workspace and today on the left; work in flight, then the error and the notice.
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
    spans.extend(messages(state, theme, width.saturating_sub(used)));
    f.render_widget(
        Paragraph::new(Line::from(spans)).style(theme.status_bar()),
        area,
    );
}

/// What the bar says when a message did not fit: the log has it in full.
const CUT: &str = " (L log)";

/// The error and the notice on screen, both: a held notice (what allot is about to do) first,
/// else the newer first. Whatever is cut or left out ends in "(L log)".
fn messages(state: &State, theme: &Theme, room: usize) -> Vec<Span<'static>> {
    let mut shown: Vec<(u64, bool, String, ratatui::style::Style)> = Vec::new();
    if let Some(e) = &state.error {
        shown.push((
            state.error_shown.seq,
            false,
            format!("✗ {e}"),
            theme.error(),
        ));
    }
    if let Some(n) = &state.notice {
        let held = state.notice_shown.held;
        shown.push((state.notice_shown.seq, held, n.clone(), theme.notice()));
    }
    shown.sort_by_key(|(seq, held, ..)| std::cmp::Reverse((*held, *seq)));
    const SEP: &str = "  ";
    let whole: usize = shown.iter().map(|m| m.2.width()).sum::<usize>()
        + SEP.len() * shown.len().saturating_sub(1);
    let mut spans = Vec::new();
    if whole <= room {
        for (i, (_, _, text, style)) in shown.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::raw(SEP));
            }
            spans.push(Span::styled(text, style));
        }
        return spans;
    }
    if room <= CUT.len() + 1 {
        // Too narrow for the pointer to the log: the start of the first message, if anything.
        if let Some((_, _, text, style)) = shown.into_iter().next() {
            spans.push(Span::styled(truncate(&text, room), style));
        }
        return spans;
    }
    let mut left = room - CUT.len();
    let mut last_style = theme.notice();
    for (i, (_, _, text, style)) in shown.into_iter().enumerate() {
        // A second message gets a place only if a readable start of it fits.
        let lead = if i > 0 { SEP.len() } else { 0 };
        if i > 0 && left < lead + 12 {
            break;
        }
        if i > 0 {
            spans.push(Span::raw(SEP));
        }
        let t = truncate(&text, left - lead);
        left -= lead + t.width();
        spans.push(Span::styled(t, style));
        last_style = style;
    }
    spans.push(Span::styled(CUT, last_style));
    spans
}
