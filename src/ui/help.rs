//! The `?` overlay, from the key table: the current view's keys first, then those that work
//! everywhere, then the dialogs'; a "where" column says which is which. It scrolls (j k PgUp
//! PgDn inside it) when the terminal is too short to show it all.

use super::text::{pad, truncate};
use super::theme::Theme;
use crate::app::State;
use crate::app::command::Command;
use crate::app::keys::{Mode, help::help_page, help_rows};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

const WHERE_W: usize = 12;
const KEY_W: usize = 16;
const WHAT_W: usize = 46;

pub fn render(state: &State, theme: &Theme, f: &mut Frame, area: Rect) {
    let view = Mode::of_view(state.view);
    let rows = help_rows(&state.keys, view);
    let width = ((WHERE_W + KEY_W + WHAT_W + 2) as u16).min(area.width);
    let page = help_page(area.height);
    let height = (rows.len().min(page) as u16 + 4).min(area.height);
    if width < 4 || height < 3 {
        return;
    }
    let rect = super::form::centered(area, width, height);
    let inner = rect.width.saturating_sub(2) as usize;
    let top = state.help_scroll.min(rows.len().saturating_sub(page));
    let mut lines = vec![Line::styled(
        truncate(
            &format!(" {}{}what", pad("where", WHERE_W - 1), pad("keys", KEY_W)),
            inner,
        ),
        theme.dim(),
    )];
    let mut last = None;
    for r in rows.iter().skip(top).take(page) {
        // The mode is named on its first line only (and at the top of a scrolled page).
        let shown = if last == Some(r.mode) { "" } else { r.mode.title() };
        last = Some(r.mode);
        let line = vec![
            Span::styled(pad(&format!(" {shown}"), WHERE_W), theme.dim()),
            Span::styled(pad(&r.keys, KEY_W), theme.header()),
            Span::raw(r.command.help()),
        ];
        lines.push(Line::from(line));
    }
    let label = |c| state.keys.label(Mode::Help, c);
    let footer = format!(
        " {} closes · {} {} {} {} scroll · {}–{} of {}",
        label(Command::Back),
        label(Command::Down),
        label(Command::Up),
        label(Command::PageDown),
        label(Command::PageUp),
        (top + 1).min(rows.len()),
        (top + page).min(rows.len()),
        rows.len()
    );
    lines.push(Line::styled(truncate(&footer, inner), theme.dim()));
    let block = Block::default().borders(Borders::ALL).title(" Keys ");
    f.render_widget(Clear, rect);
    f.render_widget(Paragraph::new(lines).block(block), rect);
}
