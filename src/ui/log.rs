//! The `L` overlay: every message of the session in full, wrapped, newest first, scrollable.

use super::text::truncate;
use super::theme::Theme;
use crate::app::State;
use crate::app::messages::{Kind, MessageLog};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Where the overlay draws: the message lines, and the key hint under them when there is room.
/// A border only when the area can hold one with a line inside.
struct Layout {
    bordered: bool,
    body: Rect,
    footer: Option<Rect>,
}

fn layout(area: Rect) -> Layout {
    let bordered = area.width >= 4 && area.height >= 3;
    let inner = if bordered {
        Block::default().borders(Borders::ALL).inner(area)
    } else {
        area
    };
    if inner.height >= 3 {
        Layout {
            bordered,
            body: Rect {
                height: inner.height - 1,
                ..inner
            },
            footer: Some(Rect {
                y: inner.y + inner.height - 1,
                height: 1,
                ..inner
            }),
        }
    } else {
        Layout {
            bordered,
            body: inner,
            footer: None,
        }
    }
}

/// `text` broken into lines of at most `width` columns, at spaces where it can be, inside a
/// word where one is longer than a line.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let w = word.width();
        if used > 0 && used + 1 + w <= width {
            line.push(' ');
            line.push_str(word);
            used += 1 + w;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if used > 0 && used + cw > width {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Every line the log shows at `width`, newest message first: "✗ #12 why: what", continued
/// under its text.
fn lines(log: &MessageLog, width: usize) -> Vec<(Kind, String)> {
    let mut out = Vec::new();
    for m in log.newest_first() {
        let prefix = format!("{} #{} ", m.kind.glyph(), m.seq);
        let indent = if prefix.width() * 2 <= width {
            prefix.width()
        } else {
            0
        };
        let text = if m.repeats > 0 {
            format!("{} (×{})", m.text, m.repeats + 1)
        } else {
            m.text.clone()
        };
        let mut first = true;
        let body = wrap(&text, width.saturating_sub(indent));
        for l in body {
            let lead = if first && indent > 0 {
                prefix.clone()
            } else if first {
                // No room to indent: the prefix takes a line of its own.
                out.push((m.kind, prefix.trim_end().to_string()));
                String::new()
            } else {
                " ".repeat(indent)
            };
            first = false;
            out.push((m.kind, format!("{lead}{l}")));
        }
    }
    out
}

fn area_of(size: (u16, u16)) -> Rect {
    Rect::new(0, 0, size.0, size.1)
}

/// The furthest the log can scroll and one page, at a terminal of `size`.
pub fn scroll_limits(log: &MessageLog, size: (u16, u16)) -> (usize, usize) {
    let l = layout(area_of(size));
    let total = lines(log, l.body.width as usize).len();
    let page = l.body.height as usize;
    (total.saturating_sub(page), page)
}

/// The message log overlay, `scroll` lines down from its newest line.
pub fn render(state: &State, scroll: usize, theme: &Theme, f: &mut Frame, area: Rect) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let l = layout(area);
    f.render_widget(Clear, area);
    if l.bordered {
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" Messages, newest first ");
        f.render_widget(block, area);
    }
    let all = lines(&state.log, l.body.width as usize);
    let page = l.body.height as usize;
    let top = scroll.min(all.len().saturating_sub(page));
    let shown: Vec<Line> = if all.is_empty() {
        vec![Line::styled("Nothing said yet this session.", theme.dim())]
    } else {
        all.iter()
            .skip(top)
            .take(page)
            .map(|(kind, text)| {
                let style = match kind {
                    Kind::Error => theme.error(),
                    Kind::Notice => Style::default(),
                };
                Line::from(Span::styled(text.clone(), style))
            })
            .collect()
    };
    f.render_widget(Paragraph::new(shown), l.body);
    if let Some(footer) = l.footer {
        use crate::app::{Command as C, keys::Mode};
        let k = |c| state.key(Mode::Log, c);
        let hint = format!(
            "{} closes · {} {} {} {} {} {} scroll · lines {}–{} of {}",
            k(C::Back),
            k(C::Down),
            k(C::Up),
            k(C::PageUp),
            k(C::PageDown),
            k(C::Top),
            k(C::Bottom),
            (top + 1).min(all.len()),
            (top + page).min(all.len()),
            all.len()
        );
        f.render_widget(
            Paragraph::new(Line::styled(
                truncate(&hint, footer.width as usize),
                theme.dim(),
            )),
            footer,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

#[cfg(test)]
mod snapshots {
    use crate::app::{Command, Msg, State, ThemeKind, update};
    use crate::client::BackendKind;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    /// A session that said a few things, the log open at `w`×`h`.
    fn session(theme: ThemeKind, w: u16, h: u16) -> State {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");
        let mut s = State::new(today, BackendKind::Kantata, "https://acme.mavenlink.com");
        s.theme = theme;
        update(&mut s, Msg::Resize(w, h));
        s.say("Zoom: day");
        s.done("Done: move the allocation on Apollo a week later (u undoes)");
        s.fail(
            "Changed in Kantata since it was read",
            "could not move Ana Lima on Apollo (Designer), 2026-11-23 → 2026-12-04, 64h. \
             Nothing was changed.",
        );
        for _ in 0..3 {
            s.fail_held(
                "Kantata OX could not be reached (connection refused)",
                "the edit is kept on screen and sent again in a few seconds.",
            );
        }
        s.say("山田太郎 marked: < > { } H d act on all of them; Esc clears");
        update(&mut s, Command::ToggleLog);
        s
    }

    fn draw(state: &State, w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
        t.draw(|f| crate::ui::render(state, f)).expect("drawn");
        format!("{}", t.backend())
    }

    #[test]
    fn the_log_80x24() {
        let s = session(ThemeKind::Dark, 80, 24);
        insta::assert_snapshot!("log_80x24", draw(&s, 80, 24));
    }

    #[test]
    fn the_log_40x12_scrolled() {
        let mut s = session(ThemeKind::Dark, 40, 12);
        insta::assert_snapshot!("log_40x12", draw(&s, 40, 12));
        update(&mut s, Command::Bottom);
        insta::assert_snapshot!("log_40x12_bottom", draw(&s, 40, 12));
    }

    #[test]
    fn without_colour_errors_and_notices_differ_by_glyph() {
        let s = session(ThemeKind::Mono, 80, 24);
        let text = draw(&s, 80, 24);
        assert!(text.contains("✗ #3 Changed in Kantata"), "{text}");
        assert!(text.contains("· #2 Done: move"), "{text}");
        assert!(text.contains("(×3)"), "repeats are counted: {text}");
    }

    #[test]
    fn the_log_draws_at_every_small_size() {
        // (A 0-wide test terminal cannot be printed; drawing into it is guarded in ui::render.)
        for w in 1..30 {
            for h in 1..10 {
                let mut s = session(ThemeKind::Mono, w, h);
                update(&mut s, Command::Bottom);
                draw(&s, w, h);
            }
        }
    }
}
