//! The `?` overlay, from the key table: the current view's keys first, then those that work
//! everywhere, then the dialogs'; a "where" column says which is which (below
//! [`NARROW`] columns, a heading line does). It scrolls (j k PgUp PgDn inside it) when the
//! terminal is too short to show it all.

use super::text::{pad, truncate};
use super::theme::Theme;
use crate::app::State;
use crate::app::command::Command;
use crate::app::keys::Mode;
use crate::app::keys::help::{
    HelpLine, KEY_W, NARROW, NARROW_KEY_W, WHERE_W, help_layout, help_page, help_width,
};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// The help overlay, scrolled to its `scroll`th line.
pub fn render(state: &State, scroll: usize, theme: &Theme, f: &mut Frame, area: Rect) {
    let view = Mode::of_view(state.view);
    let narrow = area.width < NARROW;
    let key_w = if narrow {
        NARROW_KEY_W
    } else {
        WHERE_W + KEY_W
    };
    // Every line the overlay scrolls through (the reducer counts the same, help_lines).
    let all: Vec<Line> = help_layout(&state.keys, view, area.width)
        .into_iter()
        .map(|l| match l {
            HelpLine::Mode(title) => Line::styled(format!(" {title}"), theme.dim()),
            HelpLine::Keys { keys, what, .. } if narrow => Line::from(vec![
                Span::styled(pad(&format!("  {keys} "), NARROW_KEY_W), theme.header()),
                Span::raw(what),
            ]),
            HelpLine::Keys { mode, keys, what } => Line::from(vec![
                Span::styled(pad(&format!(" {mode}"), WHERE_W), theme.dim()),
                Span::styled(pad(&keys, KEY_W), theme.header()),
                Span::raw(what),
            ]),
            HelpLine::More(what) => Line::raw(format!("{}{what}", " ".repeat(key_w))),
        })
        .collect();
    let width = help_width(area.width);
    let page = help_page(area.height);
    let height = (all.len().min(page) as u16 + 4).min(area.height);
    if width < 4 || height < 3 {
        return;
    }
    let rect = super::form::centered(area, width, height);
    let inner = rect.width.saturating_sub(2) as usize;
    let total = all.len();
    let top = scroll.min(total.saturating_sub(page));
    let header = if narrow {
        format!(" {}what", pad("keys", NARROW_KEY_W - 1))
    } else {
        format!(" {}{}what", pad("where", WHERE_W - 1), pad("keys", KEY_W))
    };
    let mut lines = vec![Line::styled(truncate(&header, inner), theme.dim())];
    lines.extend(all.into_iter().skip(top).take(page));
    let label = |c| state.keys.label(Mode::Help, c);
    let footer = format!(
        " {} closes · {} {} {} {} scroll · {}–{} of {}",
        label(Command::Back),
        label(Command::Down),
        label(Command::Up),
        label(Command::PageDown),
        label(Command::PageUp),
        (top + 1).min(total),
        (top + page).min(total),
        total
    );
    lines.push(Line::styled(truncate(&footer, inner), theme.dim()));
    let block = Block::default().borders(Borders::ALL).title(" Keys ");
    f.render_widget(Clear, rect);
    f.render_widget(Paragraph::new(lines).block(block), rect);
}
