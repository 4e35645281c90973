//! The Gantt view: one row per person and unnamed resource, weekly load cells against capacity.

use super::rows::{row_info, week_load};
use super::text::{pad, pad_left, truncate};
use super::theme::{Theme, level_glyph};
use crate::app::State;
use crate::app::geometry::{WEEK_COL, gantt_name_width, gantt_weeks, scroll_offset};
use crate::domain::dates::{add_days, week_of, week_start};
use crate::domain::load::{load_level, utilization_pct};
use crate::domain::model::fmt_hours;
use crate::domain::{RowKey, Workspace};
use chrono::{Datelike, NaiveDate};
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
    let name_w = gantt_name_width(area.width) as usize;
    let weeks = gantt_weeks(area.width);
    let cols: Vec<NaiveDate> = (0..weeks)
        .map(|i| add_days(state.gantt.first, 7 * i as i64))
        .collect();
    let this_week = week_start(state.today);
    let cell_w = WEEK_COL as usize;

    let mut lines = Vec::with_capacity(area.height as usize);
    // Header: month labels where a month begins, then each week's Monday and today's marker.
    let mut months = vec![Span::raw(" ".repeat(name_w + 1))];
    let mut days = vec![Span::styled(pad(" Resource", name_w + 1), theme.header())];
    let mut prev_month = None;
    for &monday in &cols {
        let label = if prev_month != Some(monday.month()) {
            prev_month = Some(monday.month());
            monday.format("%b %y").to_string()
        } else {
            String::new()
        };
        months.push(Span::styled(pad(&label, cell_w), theme.header()));
        let mut style = if monday == state.gantt.cursor {
            theme.cursor()
        } else {
            theme.dim()
        };
        let text = if monday == this_week {
            style = style.patch(theme.header());
            format!("▼{:>2}", monday.day())
        } else {
            format!("{:>3}", monday.day())
        };
        days.push(Span::styled(pad(&text, cell_w), style));
    }
    lines.push(Line::from(months));
    lines.push(Line::from(days));

    let body = area.height.saturating_sub(3) as usize;
    let offset = scroll_offset(state.gantt.selected, body);
    for (i, key) in state.rows.iter().enumerate().skip(offset).take(body) {
        let info = row_info(&state.ws, key);
        let selected = i == state.gantt.selected;
        let marker = if info.unnamed { '○' } else { ' ' };
        let name_style = if selected {
            theme.selected()
        } else {
            theme.text()
        };
        let mut spans = vec![
            Span::styled(
                format!("{marker}{}", pad(&info.name, name_w.saturating_sub(1))),
                name_style,
            ),
            Span::raw("│"),
        ];
        for &monday in &cols {
            let (load, cap) = week_load(&state.ws, key, &info.calendar, monday);
            let level = load_level(load, cap);
            let text = if load == 0 {
                if cap == 0 {
                    pad_left("░ ", cell_w)
                } else {
                    pad_left("· ", cell_w)
                }
            } else {
                pad_left(
                    &format!("{}{}h ", level_glyph(level), fmt_hours(load)),
                    cell_w,
                )
            };
            let mut style = if load == 0 && cap == 0 {
                theme.off_day()
            } else {
                theme.level(level)
            };
            if selected && monday == state.gantt.cursor {
                style = style.patch(theme.cursor());
            }
            spans.push(Span::styled(text, style));
        }
        lines.push(Line::from(spans));
    }
    let detail_y = area.height.saturating_sub(1);
    f.render_widget(
        Paragraph::new(lines),
        Rect {
            height: detail_y,
            ..area
        },
    );
    if detail_y > 0 {
        let detail = detail_line(state, area.width as usize);
        f.render_widget(
            Paragraph::new(detail),
            Rect {
                y: area.y + detail_y,
                height: 1,
                ..area
            },
        );
    }
}

/// The selected row's week under the cursor: load against capacity and what makes it up.
fn detail_line(state: &State, width: usize) -> Line<'static> {
    let Some(key) = state.rows.get(state.gantt.selected) else {
        return Line::default();
    };
    let info = row_info(&state.ws, key);
    let week = week_of(state.gantt.cursor);
    let (load, cap) = week_load(&state.ws, key, &info.calendar, state.gantt.cursor);
    let util = utilization_pct(load, cap)
        .map(|p| format!(" ({p}%)"))
        .unwrap_or_default();
    let parts = week_breakdown(&state.ws, key, week);
    let text = format!(
        "{} · week of {} · {}h of {}h{}{}{}",
        info.name,
        week.start.format("%Y-%m-%d"),
        fmt_hours(load),
        fmt_hours(cap),
        util,
        if parts.is_empty() { "" } else { " · " },
        parts.join(", ")
    );
    Line::raw(truncate(&text, width))
}

/// "Project 20h (soft)" for each allocation of the row that touches `week`.
fn week_breakdown(ws: &Workspace, key: &RowKey, week: crate::domain::DateRange) -> Vec<String> {
    let cal = ws.calendar_for(key);
    ws.allocations_of(key)
        .into_iter()
        .filter(|a| a.range.overlaps(&week))
        .map(|a| {
            let daily = crate::domain::allocation_daily(a, &cal);
            let minutes: u64 = a
                .range
                .days()
                .zip(daily)
                .filter(|(d, _)| week.contains(*d))
                .map(|(_, m)| m as u64)
                .sum();
            let soft = if a.hard { "" } else { " soft" };
            format!(
                "{} {}h{soft}",
                ws.project_name(a.project_id.as_ref()),
                fmt_hours(minutes)
            )
        })
        .collect()
}
