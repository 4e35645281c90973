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
        spans.push(Span::styled(
            crate::app::geometry::tab_label(state, i, *v),
            theme.tab(*v == state.view),
        ));
        spans.push(Span::raw(" "));
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
    if let Some(r) = crate::app::replica::status(state) {
        // The replica on screen: how old it is matters more than what is loading.
        let s = format!("{} ", truncate(&r, width.saturating_sub(used + 1)));
        used += s.width();
        spans.push(Span::styled(s, theme.notice()));
    }
    if let Some(a) = &state.activity {
        // A retry under way says what it waits for, not just that something is loading; it
        // matters more than the last notice, so it may take the whole line, but an error (an
        // edit kept to send again, a refusal) keeps half of it.
        let rest = width.saturating_sub(used + 3);
        let room = if state.error.is_some() {
            rest / 2
        } else {
            rest
        };
        let s = format!("⟳ {} ", truncate(a, room));
        used += s.width();
        spans.push(Span::styled(s, theme.notice()));
    } else if let Some(p) = state.pending.first().filter(|_| state.replica.is_none()) {
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

/// What the bar says when a message did not fit: the log has it in full (" (L log)").
fn cut(state: &State) -> String {
    use crate::app::{Command, keys::Mode};
    format!(" ({} log)", state.key(Mode::Global, Command::ToggleLog))
}

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
    let cut = cut(state);
    if whole <= room {
        for (i, (_, _, text, style)) in shown.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::raw(SEP));
            }
            spans.push(Span::styled(text, style));
        }
        return spans;
    }
    if room <= cut.width() + 1 {
        // Too narrow for the pointer to the log: the start of the first message, if anything.
        if let Some((_, _, text, style)) = shown.into_iter().next() {
            spans.push(Span::styled(truncate(&text, room), style));
        }
        return spans;
    }
    // Two messages share the room: each gets half, or what the other leaves if it is short,
    // so the start of both (their reasons) shows. Too narrow for two readable starts: one.
    let avail = room - cut.width();
    let mut widths: Vec<usize> = shown.iter().map(|m| m.2.width()).collect();
    if widths.len() == 2 && avail >= SEP.len() + 24 {
        let avail = avail - SEP.len();
        let half = avail / 2;
        widths = match (widths[0], widths[1]) {
            (a, _) if a <= half => vec![a, avail - a],
            (_, b) if b <= half => vec![avail - b, b],
            _ => vec![half, avail - half],
        };
    } else {
        widths = vec![avail];
    }
    let mut last_style = theme.notice();
    for (i, ((_, _, text, style), w)) in shown.into_iter().zip(widths).enumerate() {
        if i > 0 {
            spans.push(Span::raw(SEP));
        }
        spans.push(Span::styled(truncate(&text, w), style));
        last_style = style;
    }
    spans.push(Span::styled(cut, last_style));
    spans
}

#[cfg(test)]
mod tests {
    use crate::app::{Msg, State, ThemeKind, update};
    use crate::client::BackendKind;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn state() -> State {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");
        let mut s = State::new(today, BackendKind::Kantata, "https://acme.mavenlink.com");
        s.ws.name = "Acme".into();
        s
    }

    fn bar(state: &State, width: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(width, 1)).expect("a test terminal");
        t.draw(|f| {
            let theme = super::Theme::new(state.theme);
            super::render_status(state, &theme, f, f.area())
        })
        .expect("drawn");
        format!("{}", t.backend())
    }

    const WHY: &str = "Changed in Kantata since it was read";

    #[test]
    fn a_long_error_at_80_columns_keeps_its_reason_and_points_to_the_log() {
        let mut s = state();
        s.fail(
            WHY,
            "could not move Ana Lima on Apollo (Designer), 2026-11-23 → 2026-12-04, 64h. \
             Nothing was changed.",
        );
        let text = bar(&s, 80);
        assert!(text.contains(WHY), "{text}");
        assert!(text.contains("(L log)"), "{text}");
        insta::assert_snapshot!("status_long_error_80", text);
        // The pointer names the log's key as bound.
        s.keys = std::sync::Arc::new(
            crate::app::keys::defaults_with("[keys.global]\nmessage_log = \"ctrl-l\"\n")
                .expect("rebound"),
        );
        let text = bar(&s, 80);
        assert!(
            text.contains("(Ctrl-l log)") && !text.contains("(L log)"),
            "{text}"
        );
    }

    #[test]
    fn a_retry_under_way_leaves_room_for_the_error_of_a_kept_edit() {
        let mut s = state();
        s.fail_held(
            "Kantata OX is busy (503)",
            "the edit is kept on screen and sent again in a few seconds.",
        );
        s.activity =
            Some("Kantata is busy (503): retry 2 of 4 in 2s (GET workspace_allocations)".into());
        let text = bar(&s, 80);
        assert!(text.contains("⟳ Kantata is busy"), "{text}");
        assert!(
            text.contains("✗ Kantata") && text.contains("(L log)"),
            "{text}"
        );
        insta::assert_snapshot!("status_retry_beside_error_80", text);
        // With no error the retry may take the line.
        s.clear_error();
        let text = bar(&s, 80);
        assert!(text.contains("retry 2 of 4"), "{text}");
    }

    #[test]
    fn a_held_notice_is_shown_beside_a_later_error() {
        let mut s = state();
        s.say_held("Saving 1 edit(s), then quitting… (q again quits without waiting)");
        s.fail_held(
            "Kantata OX could not be reached (connection refused)",
            "the edit is kept on screen and sent again in a few seconds.",
        );
        let text = bar(&s, 80);
        assert!(text.contains("Saving 1 edit(s)"), "{text}");
        assert!(text.contains("✗ Kantata OX could"), "{text}");
        insta::assert_snapshot!("status_notice_beside_error_80", text);
        // Wide enough, both in full and no pointer to the log.
        let wide = bar(&s, 300);
        assert!(wide.contains("in a few seconds.") && !wide.contains("(L log)"));
    }

    #[test]
    fn the_newer_message_comes_first_and_every_width_draws() {
        let mut s = state();
        s.theme = ThemeKind::Mono;
        s.fail("Refused", "could not split");
        s.say("Zoom: day");
        let text = bar(&s, 120);
        let (notice, error) = (text.find("Zoom: day"), text.find("✗ Refused"));
        assert!(
            notice.is_some() && error.is_some() && notice < error,
            "{text}"
        );
        update(&mut s, Msg::Resize(1, 1));
        // (A 0-wide test terminal cannot be printed; drawing into it is guarded in ui::render.)
        for w in 1..90 {
            bar(&s, w);
        }
    }
}
