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
pub mod rows;
pub mod status;
pub mod text;
pub mod theme;

use crate::app::{State, View};
use ratatui::Frame;
use ratatui::layout::Rect;
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
    let mut cursor = None;
    if let Some(form) = &state.form {
        cursor = form::render_form(state, form, &theme, f, area);
    }
    if let Some(fs) = &state.from_scheduled {
        cursor = form::render_from_scheduled(state, fs, &theme, f, area);
    }
    if let Some(rf) = &state.resource_form {
        cursor = form::render_resource_form(state, rf, &theme, f, area);
    }
    if let Some(rf) = &state.request_form {
        cursor = form::render_request_form(state, rf, &theme, f, area);
    }
    if let Some(pick) = &state.pick {
        requests::render_pick(state, pick, &theme, f, area);
    }
    if let Some(c) = &state.confirm {
        form::render_confirm(state, c, &theme, f, area);
    }
    if state.help {
        help::render(state, &theme, f, area);
    }
    log::render(state, &theme, f, area);
    if let Some(offer) = &state.offer {
        quit::render_offer(state, offer, &theme, f, area);
    }
    if state.quit_dialog {
        quit::render_quit(state, &theme, f, area);
    }
    // Not under a dialog drawn over the field.
    let covered = state.confirm.is_some()
        || state.help
        || state.log_view.is_some()
        || state.offer.is_some()
        || state.quit_dialog;
    if let Some(p) = cursor.filter(|_| !covered) {
        f.set_cursor_position(p);
    }
}
