//! The Resources view: people and unnamed resources with capacity, load now and ahead,
//! utilization and a 12-week trend; filtered, sorted, and built only for the visible rows.

use super::pen::Pen;
use super::text::{pad, pad_left, truncate};
use super::theme::Theme;
use crate::app::State;
use crate::app::geometry::keep_in_view;
use crate::app::state::ListRow;
use crate::domain::dates::{add_days, week_of};
use crate::domain::load::allocation_daily;
use crate::domain::model::fmt_hours;
use crate::domain::rows::row_info;
use crate::domain::stats::{TREND_WEEKS, row_stats, sparkline};
use crate::domain::{DateRange, Id, RowKey};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

pub fn render(state: &State, theme: &Theme, f: &mut Frame, area: Rect) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let view = &state.resources;
    let w = area.width as usize;
    let mut lines = Vec::with_capacity(area.height as usize);
    let (filter, cursor) = filter_line(state, theme, w);
    lines.push(filter);
    if let Some(col) = cursor {
        f.set_cursor_position((area.x + col as u16, area.y));
    }
    if view.lines.is_empty() {
        let msg = if !state.loaded {
            super::text::not_loaded(state)
        } else if view.filter.is_empty() {
            "No people or resources in this workspace.".into()
        } else {
            format!(
                "Nothing matches the filter. {} clears it.",
                state.key(crate::app::keys::Mode::Resources, crate::app::Command::Back)
            )
        };
        lines.push(Line::styled(msg, theme.dim()));
        // Wrapped: a failure's full words are longer than a line.
        f.render_widget(
            Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    // Numbers are fixed width; the trend shows from 80 columns; text columns share the rest.
    let trend = if w >= 80 { TREND_WEEKS + 1 } else { 0 };
    let numbers = 7 + 8 + 8 + 6 + trend;
    let text = w.saturating_sub(numbers + 2);
    let name_w = (text * 4 / 10).max(4);
    let role_w = text * 3 / 10;
    let proj_w = text.saturating_sub(name_w + role_w);
    let mut head = format!(
        "  {}{}{}{}{}{}{}",
        pad("Name", name_w),
        pad("Role", role_w),
        pad("Project", proj_w),
        pad_left("Cap/wk", 7),
        pad_left("This wk", 8),
        pad_left("Next 4", 8),
        pad_left("Util", 6)
    );
    if trend > 0 {
        head.push_str(&pad(" 12 weeks", trend));
    }
    lines.push(Line::styled(head, theme.header()));

    f.render_widget(
        Paragraph::new(lines),
        Rect {
            height: area.height.min(2),
            ..area
        },
    );

    let visible = area.height.saturating_sub(2) as usize;
    let offset = keep_in_view(view.offset, view.selected, visible, view.lines.len());
    let buf = f.buffer_mut();
    let mut text = String::with_capacity(16);
    for (line, (i, row)) in view
        .lines
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .enumerate()
    {
        let style = if i == view.selected {
            theme.selected()
        } else {
            theme.text()
        };
        let mut pen = Pen::new(buf, area, 2 + line as u16);
        let key = match row {
            ListRow::Row(key) => key,
            ListRow::Held(id) => {
                held_line(&mut pen, state, id, style, (name_w, role_w, proj_w));
                continue;
            }
        };
        let info = row_info(&state.ws, key);
        let stats = row_stats(&state.ws, key, state.today);
        let style = if i == view.selected {
            theme.selected()
        } else {
            theme.text()
        };
        let marked = matches!(key, RowKey::Person(p) if view.marks.contains(p));
        let open = matches!(key, RowKey::Person(p) if view.expanded.contains(p));
        pen.raw(
            match (info.unnamed, marked, open) {
                (true, _, _) => "○ ",
                (_, true, _) => "◆ ",
                (_, _, true) => "▾ ",
                _ => "● ",
            },
            style,
        );
        pen.cell(&info.name, name_w, style);
        pen.cell(info.role, role_w, style);
        pen.cell(&info.project, proj_w, style);
        for (minutes, width) in [
            (stats.capacity, 7),
            (stats.this_week, 8),
            (stats.next_4_weeks, 8),
        ] {
            text.clear();
            let _ = write!(text, "{}h", fmt_hours(minutes));
            pen.text_right(&text, width, style);
        }
        text.clear();
        text.push(stats.level.glyph());
        match stats.utilization {
            Some(p) => {
                let _ = write!(text, "{p}%");
            }
            None => text.push('—'),
        }
        pen.text_right(&text, 6, theme.level(stats.level));
        if trend > 0 {
            pen.raw(" ", theme.dim());
            pen.raw(&sparkline(&stats.trend), theme.dim());
        }
    }
}

/// A resource a person holds, under them: project, role, label and its own hours.
fn held_line(
    pen: &mut Pen,
    state: &State,
    id: &Id,
    style: ratatui::style::Style,
    widths: (usize, usize, usize),
) {
    let ws = &state.ws;
    let Some(r) = ws.resources.get(id) else {
        return;
    };
    let (name_w, role_w, proj_w) = widths;
    let week = week_of(state.today);
    let ahead = DateRange::new(add_days(week.end, 1), add_days(week.end, 28));
    let (this_week, next) = ws
        .row_key(id)
        .map(|key| {
            let cal = ws.calendar_for(&key);
            let mut sums = (0u64, 0u64);
            for a in ws
                .allocations_of(&key)
                .into_iter()
                .filter(|a| &a.resource_id == id)
            {
                for (d, m) in a.range.days().zip(allocation_daily(a, &cal)) {
                    if week.contains(d) {
                        sums.0 += m as u64;
                    } else if ahead.contains(d) {
                        sums.1 += m as u64;
                    }
                }
            }
            sums
        })
        .unwrap_or_default();
    pen.raw("  ", style);
    pen.cell(
        &format!("└ {}", ws.project_name(r.project_id.as_ref())),
        name_w,
        style,
    );
    pen.cell(&r.role, role_w, style);
    pen.cell(if r.label == r.role { "" } else { &r.label }, proj_w, style);
    pen.text_right("", 7, style);
    pen.text_right(&format!("{}h", fmt_hours(this_week)), 8, style);
    pen.text_right(&format!("{}h", fmt_hours(next)), 8, style);
}

/// "/query  12 of 40 · sort: name ↑ · unnamed shown", or the keys to get there; while typing,
/// the terminal cursor's column in it.
fn filter_line(state: &State, theme: &Theme, width: usize) -> (Line<'static>, Option<usize>) {
    let v = &state.resources;
    let arrow = if v.descending { '↓' } else { '↑' };
    let unnamed = match (v.show_unnamed, v.only_unnamed) {
        (true, true) => "unnamed only",
        (true, false) => "unnamed shown",
        (false, _) => "named only",
    };
    let facts = format!(
        "{} of {} · sort: {} {arrow} · {unnamed}",
        v.visible.len(),
        state.rows.len(),
        v.sort.label()
    );
    let style = if v.editing || !v.filter.is_empty() {
        theme.header()
    } else {
        theme.dim()
    };
    let room = width.saturating_sub(facts.width() + 2);
    let (mut spans, cursor) = if v.editing {
        let (text, col) = super::line::line_spans(&v.filter, true, room.saturating_sub(1), style);
        let spans = std::iter::once(Span::styled("/", style))
            .chain(text)
            .collect();
        (spans, col.map(|c| c + 1))
    } else if v.filter.is_empty() {
        use crate::app::{Command, keys::Mode};
        let k = |c| state.key(Mode::Resources, c);
        let hint = format!(
            "{} filter · {} sort · {} unnamed",
            k(Command::FilterStart),
            k(Command::SortNext),
            k(Command::ToggleUnnamed)
        );
        let hint = truncate(&hint, room);
        (vec![Span::styled(hint, style)], None)
    } else {
        (
            vec![Span::styled(
                truncate(&format!("/{}", v.filter), room),
                style,
            )],
            None,
        )
    };
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let gap = width.saturating_sub(used + facts.width() + 1);
    spans.push(Span::raw(" ".repeat(gap)));
    spans.push(Span::styled(truncate(&facts, width), theme.dim()));
    (Line::from(spans), cursor)
}
