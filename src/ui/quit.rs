//! The quit dialog (edits unsaved) and the offer of kept edits (from the last session, or whose
//! answer was lost). Both name what they act on.

use super::form::centered;
use super::theme::Theme;
use crate::app::Command;
use crate::app::State;
use crate::app::keys::Mode;
use crate::app::offer::Offer;
use crate::app::offer::{count, reason, unsaved, unsaved_labels};
use crate::client::sanitize::clean;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

/// How many labels a dialog lists before "and N more".
const LISTED: usize = 6;

fn listed(labels: &[String]) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = labels
        .iter()
        .take(LISTED)
        .map(|l| Line::raw(format!("  · {}", clean(l))))
        .collect();
    if labels.len() > LISTED {
        lines.push(Line::raw(format!("  … and {} more", labels.len() - LISTED)));
    }
    lines
}

fn key(
    state: &State,
    mode: Mode,
    c: Command,
    what: &'static str,
    theme: &Theme,
) -> Vec<Span<'static>> {
    let k = state.key(mode, c);
    vec![
        Span::styled(format!(" {k} "), theme.tab(true)),
        Span::raw(format!(" {what}  ")),
    ]
}

fn draw(title: &str, lines: Vec<Line<'static>>, theme: &Theme, f: &mut Frame, area: Rect) {
    let width = 72.min(area.width);
    let inner = width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let rect = centered(area, width, rows as u16 + 2);
    if rect.width < 6 || rect.height < 3 {
        return;
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(format!(" {title} "), theme.error()));
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}

pub fn render_quit(state: &State, theme: &Theme, f: &mut Frame, area: Rect) {
    let n = unsaved(state);
    let mut lines = if n == 0 {
        vec![Line::raw("Everything is saved now.")]
    } else {
        vec![
            Line::raw(format!("{}: {}.", count(n), clean(&reason(state)))),
            Line::raw("Discarding drops:"),
        ]
    };
    lines.extend(listed(&unsaved_labels(state)));
    lines.push(Line::raw(""));
    let m = Mode::QuitDialog;
    let mut keys = key(
        state,
        m,
        Command::KeepEdits,
        "quit, keep them for next start",
        theme,
    );
    keys.extend(key(state, m, Command::WaitThenQuit, "wait", theme));
    lines.push(Line::from(keys));
    let mut keys = key(
        state,
        m,
        Command::DiscardEdits,
        "discard them and quit",
        theme,
    );
    keys.extend(key(state, m, Command::Back, "stay", theme));
    lines.push(Line::from(keys));
    draw("Quit?", lines, theme, f, area);
}

pub fn render_offer(state: &State, offer: &Offer, theme: &Theme, f: &mut Frame, area: Rect) {
    let n = offer.writes.len();
    let (what, were) = if n == 1 {
        ("1 edit".to_string(), "was")
    } else {
        (format!("{n} edits"), "were")
    };
    let why = offer
        .writes
        .iter()
        .find_map(|k| k.reason.clone())
        .unwrap_or_else(|| {
            let it = if n == 1 { "it was" } else { "they were" };
            format!("allot stopped while {it} being sent")
        });
    let head = if offer.from_last_session {
        format!(
            "{what} from your last session {were} not saved: {}.",
            clean(&why)
        )
    } else {
        format!("{what} may not have been saved: {}.", clean(&why))
    };
    let labels: Vec<String> = offer.writes.iter().map(|k| k.label.clone()).collect();
    let mut lines = vec![Line::raw(head)];
    lines.extend(listed(&labels));
    if offer.writes.iter().any(|k| k.unknown) {
        lines.push(Line::raw(
            "What already landed is checked first and not sent twice.",
        ));
    }
    if offer.send && !offer.ready {
        lines.push(Line::raw(format!(
            "Waiting for {} to answer…",
            state.backend.name()
        )));
    }
    lines.push(Line::raw(""));
    let m = Mode::Offer;
    let mut keys = key(state, m, Command::SendEdits, "send them", theme);
    keys.extend(key(state, m, Command::DiscardEdits, "discard them", theme));
    keys.extend(key(state, m, Command::Quit, "quit, keep them", theme));
    lines.push(Line::from(keys));
    draw("Unsaved edits", lines, theme, f, area);
}
