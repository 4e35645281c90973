//! The Resources view: people and unnamed resources with this week's load.

use super::rows::{row_info, week_load};
use super::text::{pad, pad_left};
use super::theme::{Theme, level_glyph};
use crate::app::State;
use crate::app::geometry::scroll_offset;
use crate::domain::load::{load_level, utilization_pct};
use crate::domain::model::fmt_hours;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(state: &State, theme: &Theme, f: &mut Frame, area: Rect) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    if state.rows.is_empty() {
        let msg = if state.loaded {
            "No people or resources in this workspace."
        } else {
            "Loading…"
        };
        f.render_widget(Paragraph::new(msg).style(theme.dim()), area);
        return;
    }
    let w = area.width as usize;
    // Name, role, project and the numbers; the text columns share what the numbers leave.
    let numbers = 7 + 8 + 6;
    let text = w.saturating_sub(numbers + 2);
    let name_w = (text * 4 / 10).max(4);
    let role_w = text * 3 / 10;
    let proj_w = text.saturating_sub(name_w + role_w);

    let mut lines = Vec::with_capacity(area.height as usize);
    lines.push(Line::styled(
        format!(
            "  {}{}{}{}{}{}",
            pad("Name", name_w),
            pad("Role", role_w),
            pad("Project", proj_w),
            pad_left("Cap/wk", 7),
            pad_left("This wk", 8),
            pad_left("Util", 6)
        ),
        theme.header(),
    ));
    let visible = area.height.saturating_sub(1) as usize;
    let offset = scroll_offset(state.resources.selected, visible);
    for (i, key) in state.rows.iter().enumerate().skip(offset).take(visible) {
        let info = row_info(&state.ws, key);
        let (load, cap) = week_load(&state.ws, key, &info.calendar, state.today);
        let level = load_level(load, cap);
        let util = utilization_pct(load, cap)
            .map(|p| format!("{p}%"))
            .unwrap_or_else(|| "—".into());
        let marker = if info.unnamed { "○ " } else { "● " };
        let row_style = if i == state.resources.selected {
            theme.selected()
        } else {
            theme.text()
        };
        lines.push(Line::from(vec![
            Span::styled(marker, row_style),
            Span::styled(pad(&info.name, name_w), row_style),
            Span::styled(pad(info.role, role_w), row_style),
            Span::styled(pad(&info.project, proj_w), row_style),
            Span::styled(pad_left(&format!("{}h", fmt_hours(cap)), 7), row_style),
            Span::styled(pad_left(&format!("{}h", fmt_hours(load)), 8), row_style),
            Span::styled(
                pad_left(&format!("{}{}", level_glyph(level), util), 6),
                theme.level(level),
            ),
        ]));
    }
    f.render_widget(Paragraph::new(lines), area);
}
