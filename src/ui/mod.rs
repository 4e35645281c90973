//! Rendering: pure functions of `&State` into a ratatui `Frame`. Builds only what is visible.

pub mod form;
pub mod gantt;
pub mod help;
pub mod hints;
pub mod line;
pub mod log;
pub mod pen;
pub mod quit;
pub mod requests;
pub mod resources;
pub mod status;
pub mod text;
pub mod theme;

use crate::app::state::Overlay;
use crate::app::{State, View};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use theme::Theme;

pub fn render(state: &State, f: &mut Frame) {
    let area = f.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    let theme = Theme::new(state.theme);
    if area.height < 3 {
        status::render_status(state, &theme, f, Rect { height: 1, ..area });
        return;
    }
    let tabs = Rect { height: 1, ..area };
    // The hint bar sits above the status bar when there is room for a body too.
    let hint_rows = u16::from(area.height >= 4);
    let body = Rect {
        y: area.y + 1,
        height: area.height - 2 - hint_rows,
        ..area
    };
    let hints_row = Rect {
        y: area.y + area.height - 2,
        height: hint_rows,
        ..area
    };
    let bar = Rect {
        y: area.y + area.height - 1,
        height: 1,
        ..area
    };
    status::render_tabs(state, &theme, f, tabs);
    match state.view {
        View::Resources => resources::render(state, &theme, f, body),
        View::Gantt => gantt::render(state, &theme, f, body),
        View::Requests => requests::render(state, &theme, f, body),
    }
    hints::render(state, &theme, f, hints_row);
    status::render_status(state, &theme, f, bar);
    // The terminal cursor goes to the insertion point of the text being typed, if any.
    // The quit dialog goes over everything, kept edits offered back over any other dialog.
    let (open, quitting) = match &state.overlay {
        Some(Overlay::Quit { under }) => (under.as_deref(), true),
        other => (other.as_ref(), false),
    };
    let cursor = open.and_then(|o| render_overlay(state, o, &theme, f, area));
    if let Some(offer) = &state.offer {
        quit::render_offer(state, offer, &theme, f, area);
    }
    if quitting {
        quit::render_quit(state, &theme, f, area);
    }
    // Not under a dialog drawn over the field.
    if let Some(p) = cursor.filter(|_| state.offer.is_none() && !quitting) {
        f.set_cursor_position(p);
    }
}

/// Draws the open dialog; the text cursor's place if it has a text field with focus.
fn render_overlay(
    state: &State,
    overlay: &Overlay,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) -> Option<Position> {
    match overlay {
        Overlay::Form(form) => form::render_form(state, form, theme, f, area),
        Overlay::FromScheduled(fs) => form::render_from_scheduled(state, fs, theme, f, area),
        Overlay::ResourceForm(rf) => form::render_resource_form(state, rf, theme, f, area),
        Overlay::RequestForm(rf) => form::render_request_form(state, rf, theme, f, area),
        Overlay::Pick(pick) => {
            requests::render_pick(state, pick, theme, f, area);
            None
        }
        Overlay::Confirm(c) => {
            form::render_confirm(state, c, theme, f, area);
            None
        }
        Overlay::Help { scroll } => {
            help::render(state, *scroll, theme, f, area);
            None
        }
        Overlay::Log { scroll } => {
            log::render(state, *scroll, theme, f, area);
            None
        }
        // On the Gantt's detail line, with the cursor (ui::gantt).
        Overlay::Jump(_) => None,
        Overlay::Quit { .. } => {
            quit::render_quit(state, theme, f, area);
            None
        }
    }
}
