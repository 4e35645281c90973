//! The `L` overlay: every message of the session in full, wrapped, newest first, scrollable.

use super::text::truncate;
use super::theme::Theme;
use crate::app::State;
use crate::app::log_layout::{layout, lines};
use crate::app::messages::Kind;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

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
