//! The `?` overlay, from the key table: the current view's keys first, then those that work
//! everywhere, then the dialogs'; a "where" column says which is which (below
//! [`NARROW`] columns, a heading line does). It scrolls (j k PgUp PgDn inside it) when the
//! terminal is too short to show it all.

use super::text::{pad, truncate};
use super::theme::Theme;
use crate::app::State;
use crate::app::command::Command;
use crate::app::keys::help::{NARROW, help_page};
use crate::app::keys::{Mode, help_rows};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

const WHERE_W: usize = 12;
const KEY_W: usize = 16;
const WHAT_W: usize = 46;
const NARROW_KEY_W: usize = 12;

/// The help overlay, scrolled to its `scroll`th line.
pub fn render(state: &State, scroll: usize, theme: &Theme, f: &mut Frame, area: Rect) {
    let view = Mode::of_view(state.view);
    let narrow = area.width < NARROW;
    // Every line the overlay scrolls through (the reducer counts the same, help_lines).
    let mut all: Vec<Line> = Vec::new();
    let mut last = None;
    for r in help_rows(&state.keys, view) {
        let first_of_mode = last != Some(r.mode);
        last = Some(r.mode);
        if narrow {
            if first_of_mode {
                all.push(Line::styled(format!(" {}", r.mode.title()), theme.dim()));
            }
            all.push(Line::from(vec![
                Span::styled(pad(&format!("  {} ", r.keys), NARROW_KEY_W), theme.header()),
                Span::raw(r.what()),
            ]));
        } else {
            // The mode is named on its first line only.
            let shown = if first_of_mode { r.mode.title() } else { "" };
            all.push(Line::from(vec![
                Span::styled(pad(&format!(" {shown}"), WHERE_W), theme.dim()),
                Span::styled(pad(&r.keys, KEY_W), theme.header()),
                Span::raw(r.what()),
            ]));
        }
    }
    let width = ((WHERE_W + KEY_W + WHAT_W + 2) as u16).min(area.width);
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
