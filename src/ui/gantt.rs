//! The Gantt view: load rows (people, unnamed resources, projects) with bucket totals against
//! capacity, and bar rows (allocations) drawn at sub-cell precision. Only the visible rows and
//! the visible buckets are built.

use super::pen::Pen;
use super::text::{pad, truncate};
use super::theme::Theme;
use crate::app::State;
use crate::app::gantt::{GanttRow, Grouping, LaneBars};
use crate::app::geometry::{gantt_cols, gantt_name_width, keep_in_view};
use crate::app::scheduled;
use crate::domain::dates::add_days;
use crate::domain::load::{allocation_daily, load_level, utilization_pct};
use crate::domain::model::fmt_hours;
use crate::domain::rows::row_info;
use crate::domain::{Allocation, DateRange, RowKey, Workspace, Zoom};
use chrono::{Datelike, NaiveDate};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::fmt::Write;

/// Left-aligned eighth blocks, index = eighths covered.
const EIGHTHS: [char; 9] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];

pub fn render(state: &State, theme: &Theme, f: &mut Frame, area: Rect) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let g = &state.gantt;
    if g.rows.is_empty() {
        let msg = if !g.find.filter.value().is_empty() {
            format!(
                "Nothing matches the filter /{}. {} clears it.",
                g.find.filter,
                state.key(crate::app::keys::Mode::Gantt, crate::app::Command::Back)
            )
        } else if state.loaded {
            "No people or resources in this workspace.".into()
        } else {
            super::text::not_loaded(state)
        };
        f.render_widget(
            Paragraph::new(msg)
                .style(theme.dim())
                .wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let name_w = gantt_name_width(area.width) as usize;
    let zoom = g.zoom;
    let buckets: Vec<DateRange> = (0..gantt_cols(area.width, zoom))
        .map(|i| zoom.bucket(zoom.step(g.first, i as i64)))
        .collect();

    f.render_widget(
        Paragraph::new(header(state, theme, name_w, &buckets).to_vec()),
        Rect {
            height: area.height.min(2),
            ..area
        },
    );
    let body = area.height.saturating_sub(3) as usize;
    let offset = keep_in_view(g.offset, g.selected, body, g.rows.len());
    let buf = f.buffer_mut();
    for (line, (i, row)) in g
        .rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(body)
        .enumerate()
    {
        let mut pen = Pen::new(buf, area, 2 + line as u16);
        draw_row(&mut pen, state, theme, row, i, name_w, &buckets);
    }
    let detail_y = area.height.saturating_sub(1);
    if detail_y >= 2
        && prompt(
            state,
            theme,
            f,
            Rect {
                y: area.y + detail_y,
                height: 1,
                ..area
            },
        )
    {
        return;
    }
    if detail_y >= 2 {
        let line = Line::raw(truncate(&detail(state), area.width as usize));
        f.render_widget(
            Paragraph::new(line),
            Rect {
                y: area.y + detail_y,
                height: 1,
                ..area
            },
        );
    }
}

/// The jump prompt or the filter being typed, on the detail line with the terminal cursor in
/// it; false when neither is open.
fn prompt(state: &State, theme: &Theme, f: &mut Frame, area: Rect) -> bool {
    let (label, line, hint) = if let Some(j) = state.jump() {
        // What it takes is on the hint bar below (`app::jump::TAKES`).
        ("Jump to: ", &j.text, "")
    } else if state.gantt.find.editing {
        (
            "/",
            &state.gantt.find.filter,
            "  project: role: person: narrow it",
        )
    } else {
        return false;
    };
    let w = area.width as usize;
    let room = w.saturating_sub(label.chars().count() + 1);
    let scroll = line.scroll(room);
    let shown: String = line.value().chars().skip(scroll).collect();
    let mut spans = vec![
        Span::styled(label, theme.header()),
        Span::raw(truncate(&shown, room)),
    ];
    if line.value().is_empty() {
        spans.push(Span::styled(hint, theme.dim()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
    let x = label.chars().count() + line.cursor_column().saturating_sub(scroll);
    f.set_cursor_position((area.x + x.min(w.saturating_sub(1)) as u16, area.y));
    true
}

/// Two header lines: months (or years at month zoom) where they change, then day numbers, ISO
/// weeks or month names, with ▼ on today's bucket and the cursor's bucket underlined.
fn header(
    state: &State,
    theme: &Theme,
    name_w: usize,
    buckets: &[DateRange],
) -> [Line<'static>; 2] {
    let zoom = state.gantt.zoom;
    let cw = zoom.col_width() as usize;
    let title = match state.gantt.grouping {
        Grouping::Person => " Resource",
        Grouping::Project => " Project",
    };
    let filter = state.gantt.find.filter.value();
    let corner = if filter.is_empty() {
        format!(" [{}]", zoom.label())
    } else {
        format!(" [{}] /{filter}", zoom.label())
    };
    let mut top = vec![Span::styled(
        pad(&truncate(&corner, name_w), name_w + 1),
        theme.dim(),
    )];
    let mut bottom = vec![
        Span::styled(pad(title, name_w), theme.header()),
        Span::raw("│"),
    ];
    top.extend(
        month_labels(zoom, buckets)
            .into_iter()
            .map(|(text, width)| match text {
                Some(l) => Span::styled(pad(&l, width), theme.header()),
                None => Span::raw(" ".repeat(width)),
            }),
    );
    for b in buckets {
        let s = b.start;
        let text = match zoom {
            Zoom::Day => format!("{:>2}", s.day()),
            Zoom::Week => format!("W{:02}", s.iso_week().week()),
            Zoom::Month => s.format("%b").to_string(),
        };
        let today = b.contains(state.today);
        let text = if today {
            format!("▼{text}")
        } else {
            format!(" {text}")
        };
        let mut style = if zoom == Zoom::Day && crate::domain::dates::is_weekend(s) {
            theme.off_day()
        } else {
            theme.dim()
        };
        if today {
            style = theme.header();
        }
        if b.contains(state.gantt.cursor) {
            style = style.patch(theme.cursor());
        }
        bottom.push(Span::styled(pad(&text, cw), style));
    }
    [Line::from(top), Line::from(bottom)]
}

/// The top header line as (label, columns) runs: a label where the month (the year at month
/// zoom) changes, each cut to the columns before the next one, so a later month's name is never
/// dropped for an earlier one's (a week belongs to the month of its Thursday, as ISO weeks do).
fn month_labels(zoom: Zoom, buckets: &[DateRange]) -> Vec<(Option<String>, usize)> {
    let cw = zoom.col_width() as usize;
    let month_of = |b: &DateRange| match zoom {
        Zoom::Week => add_days(b.start, 3),
        Zoom::Day | Zoom::Month => b.start,
    };
    let starts: Vec<(usize, String)> = buckets
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            let m = month_of(b);
            let changed = |prev: &DateRange| match zoom {
                Zoom::Month => month_of(prev).year() != m.year(),
                _ => month_of(prev).month() != m.month(),
            };
            let new = i == 0 || changed(&buckets[i - 1]);
            new.then(|| match zoom {
                Zoom::Month => m.format("%Y").to_string(),
                _ => m.format("%b %Y").to_string(),
            })
            .map(|l| (i, l))
        })
        .collect();
    let mut out = Vec::new();
    if let Some((first, _)) = starts.first() {
        out.push((None, first * cw));
    }
    for (k, (i, label)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(buckets.len(), |(j, _)| *j);
        let width = (end - i) * cw;
        let fits = if label.chars().count() < width {
            Some(label.clone())
        } else {
            // "Nov 2026" cut to "Nov" before the next month starts; nothing if even that won't fit.
            let short: String = label.chars().take(3).collect();
            (short.chars().count() < width).then_some(short)
        };
        out.push((fits, width));
    }
    out
}

/// Row `index` (`row`) of the Gantt.
fn draw_row(
    pen: &mut Pen,
    state: &State,
    theme: &Theme,
    row: &GanttRow,
    index: usize,
    name_w: usize,
    buckets: &[DateRange],
) {
    let selected = index == state.gantt.selected;
    let ws = &state.ws;
    let name = row_name(ws, row, state.gantt.expanded.contains(row));
    pen.text(
        &name,
        name_w,
        if selected {
            theme.selected()
        } else {
            theme.text()
        },
    );
    pen.raw("│", theme.text());
    let cursor = selected
        .then(|| buckets.iter().position(|b| b.contains(state.gantt.cursor)))
        .flatten();
    match row {
        GanttRow::Load(key) => load_cells(pen, state, theme, key, buckets, true, cursor),
        GanttRow::Project(id) => load_cells(
            pen,
            state,
            theme,
            &RowKey::Project(id.clone()),
            buckets,
            false,
            cursor,
        ),
        GanttRow::Lane { .. } => {
            let empty = LaneBars::default();
            let lane = state.gantt.layout.lanes.get(index).unwrap_or(&empty);
            bar_cells(pen, state, theme, lane, selected, buckets, cursor);
        }
    }
}

fn row_name(ws: &Workspace, row: &GanttRow, expanded: bool) -> String {
    let fold = if expanded { '▾' } else { '▸' };
    match row {
        GanttRow::Load(key) => {
            let info = row_info(ws, key);
            let has_children = ws.by_row.get(key).is_some_and(|v| !v.is_empty());
            let fold = if has_children { fold } else { ' ' };
            if info.unnamed {
                // Two unnamed Engineers are told apart by their project (issue 16).
                let role = if info.role.trim().is_empty() {
                    "Unnamed"
                } else {
                    info.role
                };
                return format!("{fold}○ {role} · {}", info.project);
            }
            format!("{fold}{}", info.name)
        }
        GanttRow::Project(id) => {
            let p = ws.projects.get(id);
            format!(
                "{fold}{}",
                p.map(|p| p.name.as_str()).unwrap_or("(unknown project)")
            )
        }
        // Further sub-lanes of a line carry no name: the bars below the first are its overlaps.
        GanttRow::Lane { sub: 1.., .. } => "   ┊".into(),
        GanttRow::Lane {
            resource: id,
            under: Grouping::Person,
            ..
        } => match ws.resources.get(id) {
            Some(r) => format!("  {} · {}", ws.project_name(r.project_id.as_ref()), r.role),
            None => "  (gone)".into(),
        },
        GanttRow::Lane { resource: id, .. } => match ws.resources.get(id) {
            Some(r) => {
                let (marker, who) = if r.is_unnamed() {
                    ("○ ", "Unnamed".to_string())
                } else {
                    ("", ws.resource_name(r))
                };
                format!("  {marker}{who} · {}", r.role)
            }
            None => "  (gone)".into(),
        },
    }
}

/// Bucket totals of a row; with capacity they are coloured and marked by level, and buckets
/// nobody works (weekends, holidays, time off) are shaded.
fn load_cells(
    pen: &mut Pen,
    state: &State,
    theme: &Theme,
    key: &RowKey,
    buckets: &[DateRange],
    with_capacity: bool,
    cursor: Option<usize>,
) {
    let zoom = state.gantt.zoom;
    let cw = zoom.col_width() as usize;
    let view = state.ws.row_view(key);
    let unit = if zoom == Zoom::Day { "" } else { "h" };
    let mut text = String::with_capacity(16);
    // Outside the loaded window nothing is known: "?", never a free "·".
    let loaded = state.ws.index.window();
    let known = |b: &DateRange| loaded.is_some_and(|w| w.start <= b.start && b.end <= w.end);
    for (i, b) in buckets.iter().enumerate() {
        if !known(b) {
            let style = if cursor == Some(i) {
                theme.dim().patch(theme.cursor())
            } else {
                theme.dim()
            };
            pen.text_right("?", cw - 1, style);
            pen.repeat(' ', 1, style);
            continue;
        }
        let load = view.load_in(*b);
        if state.gantt.show_scheduled && with_capacity && zoom != Zoom::Day {
            // Scheduled hours in place of allocated ones, ≠ where the two differ by over an hour.
            let sched = scheduled::row_minutes(&state.ws, key, *b);
            text.clear();
            let differs = sched.abs_diff(load) > 60;
            let _ = write!(
                text,
                "{}{}h",
                if differs { '≠' } else { ' ' },
                short_hours(sched, cw)
            );
            let style = if differs { theme.header() } else { theme.dim() };
            let style = if cursor == Some(i) {
                style.patch(theme.cursor())
            } else {
                style
            };
            pen.text_right(&text, cw - 1, style);
            pen.repeat(' ', 1, style);
            continue;
        }
        let cap = if with_capacity {
            view.capacity_in(*b)
        } else {
            1
        };
        text.clear();
        let (shaded, style) = if load == 0 && cap == 0 {
            (true, theme.off_day())
        } else if load == 0 {
            text.push('·');
            (false, theme.dim())
        } else if with_capacity {
            let level = load_level(load, cap);
            let _ = write!(text, "{}{}{unit}", level.glyph(), short_hours(load, cw));
            (false, theme.level(level))
        } else {
            let _ = write!(text, "{}{unit}", short_hours(load, cw));
            (false, theme.text())
        };
        let style = if cursor == Some(i) {
            style.patch(theme.cursor())
        } else {
            style
        };
        if shaded {
            pen.repeat('░', cw - 1, style);
        } else if text.chars().count() == cw {
            // "▲10" in a 3-column day cell: the spacer column is used rather than cutting the
            // figure to "▲…" (the glyph carries the level where there is no colour).
            pen.text_right(&text, cw, style);
            continue;
        } else {
            pen.text_right(&text, cw - 1, style);
        }
        pen.repeat(' ', 1, style);
    }
}

/// Hours short enough for a cell: whole hours in narrow cells, one decimal otherwise.
fn short_hours(minutes: u64, cw: usize) -> String {
    if cw <= 3 || minutes >= 600 {
        format!("{}", (minutes + 30) / 60).max("1".into())
    } else {
        fmt_hours(minutes)
    }
}

/// One character cell per screen column, holding a lane's bars; the selected bar is bracketed
/// and marked bars carry a ◆ where there is room beside them, and allocations off screen are
/// counted at the edges (`◂ 3`, `2 ▸`).
fn bar_cells(
    pen: &mut Pen,
    state: &State,
    theme: &Theme,
    lane: &LaneBars,
    selected: bool,
    buckets: &[DateRange],
    cursor: Option<usize>,
) {
    let allocs: Vec<&Allocation> = lane
        .bars
        .iter()
        .filter_map(|id| state.ws.allocations.get(id))
        .collect();
    let mut cells = bar_glyphs(state, theme, &allocs, buckets);
    let zoom = state.gantt.zoom;
    let bar = state.gantt.bar.as_ref().filter(|_| selected);
    if let Some(first) = buckets.first().map(|b| b.start) {
        let width = cells.len() as i64;
        for a in &allocs {
            let chosen = bar == Some(&a.id);
            let marked = state.marks.contains(&a.id);
            if !chosen && !marked {
                continue;
            }
            let range = crate::app::mouse::dragged(state, a).unwrap_or(a.range);
            let (l, r) = crate::app::mouse::cells_of(zoom, first, range);
            let blank = |cells: &[(char, Style)], x: i64| {
                (0..width).contains(&x) && cells[x as usize].0 == ' '
            };
            let style = theme.header();
            if blank(&cells, l - 1) {
                cells[(l - 1) as usize] = (if marked { '◆' } else { '[' }, style);
            }
            if chosen && blank(&cells, r) {
                cells[r as usize] = (']', style);
            }
            if chosen {
                let (from, to) = (l.max(0), r.min(width));
                for c in cells
                    .iter_mut()
                    .take(to.max(0) as usize)
                    .skip(from as usize)
                {
                    c.1 = c.1.add_modifier(Modifier::BOLD);
                }
            }
        }
    }
    edge_counts(&mut cells, lane, theme.dim());
    let cw = zoom.col_width() as usize;
    for (x, (c, style)) in cells.into_iter().enumerate() {
        let style = if cursor == Some(x / cw) {
            style.patch(theme.cursor())
        } else {
            style
        };
        pen.repeat(c, 1, style);
    }
}

/// `◂ 3` at the left edge and `2 ▸` at the right, with a blank cell between them and the bars
/// (over a bar reaching the edge: the count matters more than its first cells).
fn edge_counts(cells: &mut [(char, Style)], lane: &LaneBars, style: Style) {
    let blank = (' ', style);
    // The end of a bar the count covered, a part-cell glyph left alone past the gap
    // (`◂ 7 ▎`): it reads as a bar of its own, so it goes too.
    let sliver = |c: &(char, Style), reversed: bool| {
        EIGHTHS[1..8].contains(&c.0) && c.1.add_modifier.contains(Modifier::REVERSED) == reversed
    };
    if lane.before > 0 {
        let label = format!("◂ {}", lane.before);
        let n = label.chars().count();
        let covered = cells.get(n).is_some_and(|c| c.0 != ' ');
        put_text(cells, 0, &label, style);
        if let Some(c) = cells.get_mut(n) {
            *c = blank;
        }
        if covered && cells.get(n + 1).is_some_and(|c| sliver(c, false)) {
            cells[n + 1] = blank;
        }
    }
    if lane.after > 0 {
        let label = format!("{} ▸", lane.after);
        let n = label.chars().count();
        let at = cells.len().saturating_sub(n);
        let covered = at > 0 && cells[at - 1].0 != ' ';
        put_text(cells, at, &label, style);
        if at > 0 {
            cells[at - 1] = blank;
        }
        if covered && at > 1 && sliver(&cells[at - 2], true) {
            cells[at - 2] = blank;
        }
    }
}

fn bar_glyphs(
    state: &State,
    theme: &Theme,
    allocs: &[&Allocation],
    buckets: &[DateRange],
) -> Vec<(char, Style)> {
    let zoom = state.gantt.zoom;
    let width = buckets.len() * zoom.col_width() as usize;
    let mut cells: Vec<(char, Style)> = vec![(' ', theme.text()); width];
    let Some(first) = buckets.first().map(|b| b.start) else {
        return cells;
    };
    let w8 = width as i64 * 8;
    for a in allocs {
        // A bar being dragged is drawn where it would land.
        let range = crate::app::mouse::dragged(state, a).unwrap_or(a.range);
        let l = zoom.eighths(first, range.start).max(0);
        let r = zoom.eighths(first, add_days(range.end, 1)).min(w8);
        if r <= l {
            continue;
        }
        let style = theme.bar(a.hard, a.read_only);
        for x in (l / 8)..=((r - 1) / 8) {
            let (cs, ce) = (x * 8, x * 8 + 8);
            let (a0, a1) = (l.max(cs), r.min(ce));
            let cover = (a1 - a0) as usize;
            let (glyph, reversed) = if !a.hard || a.read_only {
                let fill = if a.read_only { '▓' } else { '▒' };
                (
                    if cover >= 4 || l / 8 == (r - 1) / 8 {
                        fill
                    } else {
                        ' '
                    },
                    false,
                )
            } else if cover == 8 {
                ('█', false)
            } else if a0 == cs || a1 != ce {
                (EIGHTHS[cover.max(1)], false)
            } else {
                // Starts mid-cell: the complementary left block, reversed, reads as a right block.
                (EIGHTHS[8 - cover], true)
            };
            if glyph == ' ' {
                continue;
            }
            let s = if reversed {
                style.add_modifier(Modifier::REVERSED)
            } else {
                style
            };
            cells[x as usize] = (glyph, s);
        }
    }
    cells
}

/// Writes `text` into cells from `at`, one char per cell, clipped to the row.
fn put_text(cells: &mut [(char, Style)], at: usize, text: &str, style: Style) {
    for (cell, c) in cells.iter_mut().skip(at).zip(text.chars()) {
        *cell = (c, style);
    }
}

fn bucket_label(zoom: Zoom, d: NaiveDate) -> String {
    let b = zoom.bucket(d);
    match zoom {
        Zoom::Day => d.format("%a %Y-%m-%d").to_string(),
        Zoom::Week => format!(
            "week {} ({})",
            b.start.iso_week().week(),
            b.start.format("%Y-%m-%d")
        ),
        Zoom::Month => d.format("%B %Y").to_string(),
    }
}

/// The detail line for the selected row at the cursor.
fn detail(state: &State) -> String {
    let ws = &state.ws;
    let zoom = state.gantt.zoom;
    let bucket = zoom.bucket(state.gantt.cursor);
    let when = bucket_label(zoom, state.gantt.cursor);
    let Some(row) = state.selected_gantt_row() else {
        return String::new();
    };
    match row {
        GanttRow::Load(key) => {
            let info = row_info(ws, key);
            let load = ws.load_in(key, bucket);
            let cap = ws.capacity_in(key, bucket);
            let util = utilization_pct(load, cap)
                .map(|p| format!(" ({p}%)"))
                .unwrap_or_default();
            let parts: Vec<String> = ws
                .allocations_of(key)
                .into_iter()
                .filter(|a| a.range.overlaps(&bucket))
                .map(|a| {
                    let soft = if a.hard { "" } else { " soft" };
                    format!(
                        "{} {}h{soft}",
                        ws.project_name(a.project_id.as_ref()),
                        fmt_hours(minutes_in(ws, a, bucket))
                    )
                })
                .collect();
            let sep = if parts.is_empty() { "" } else { " · " };
            let sched = if state.gantt.show_scheduled {
                format!(
                    " · scheduled {}h",
                    fmt_hours(scheduled::row_minutes(ws, key, bucket))
                )
            } else {
                String::new()
            };
            format!(
                "{} · {when} · {}h of {}h{util}{sched}{sep}{}",
                info.name,
                fmt_hours(load),
                fmt_hours(cap),
                parts.join(", ")
            )
        }
        GanttRow::Project(id) => {
            let p = ws.projects.get(id);
            let load = ws.load_in(&RowKey::Project(id.clone()), bucket);
            let n = ws
                .resources
                .values()
                .filter(|r| r.project_id.as_ref() == Some(id))
                .count();
            format!(
                "{} ({}) · {when} · {}h allocated · {n} resources",
                p.map(|p| p.name.as_str()).unwrap_or("?"),
                p.map(|p| p.client.as_str()).unwrap_or(""),
                fmt_hours(load)
            )
        }
        GanttRow::Lane { resource: id, .. } => {
            if let Some(a) = state.selected_bar().and_then(|b| ws.allocations.get(b)) {
                return allocation_detail(ws, a);
            }
            let Some(r) = ws.resources.get(id) else {
                return String::new();
            };
            let hours: u64 = resource_allocations(ws, id)
                .into_iter()
                .map(|a| minutes_in(ws, a, bucket))
                .sum();
            format!(
                "{} · {} on {} · {when}: {}h",
                ws.resource_name(r),
                r.role,
                ws.project_name(r.project_id.as_ref()),
                fmt_hours(hours)
            )
        }
    }
}

/// The allocations of one workspace resource, found through its row's list.
fn resource_allocations<'a>(ws: &'a Workspace, id: &crate::domain::Id) -> Vec<&'a Allocation> {
    let Some(key) = ws.row_key(id) else {
        return Vec::new();
    };
    ws.allocations_of(&key)
        .into_iter()
        .filter(|a| &a.resource_id == id)
        .collect()
}

/// Minutes of `a` that fall inside `range`.
fn minutes_in(ws: &Workspace, a: &Allocation, range: DateRange) -> u64 {
    let Some(key) = ws.row_key(&a.resource_id) else {
        return 0;
    };
    let daily = allocation_daily(a, &ws.calendar_for(&key));
    a.range
        .days()
        .zip(daily)
        .filter(|(d, _)| range.contains(*d))
        .map(|(_, m)| m as u64)
        .sum()
}

/// Project, client, role, dates, hours per day and in total, hard or soft, notes.
pub fn allocation_detail(ws: &Workspace, a: &Allocation) -> String {
    let project = a.project_id.as_ref().and_then(|p| ws.projects.get(p));
    let role = ws
        .resources
        .get(&a.resource_id)
        .map(|r| r.role.as_str())
        .unwrap_or("");
    let key = ws.row_key(&a.resource_id);
    let daily = key
        .map(|k| allocation_daily(a, &ws.calendar_for(&k)))
        .unwrap_or_default();
    let spread: u64 = daily.iter().map(|m| *m as u64).sum();
    // The backend's own total where it gives one (DESIGN.md); Ruddr's need not follow allot's
    // calendar (it counts holidays as workdays), so a difference is shown, not hidden.
    let total: u64 = a.server_total_minutes.map(u64::from).unwrap_or(spread);
    let differs = (total != spread).then(|| format!(" (allot's calendar: {}h)", fmt_hours(spread)));
    let days = daily.iter().filter(|m| **m > 0).count().max(1) as u64;
    // Rates are worth showing as entered; a total is already the total.
    let entered = match a.amount {
        crate::domain::Amount::TotalMinutes(_) | crate::domain::Amount::TotalHours(_) => {
            String::new()
        }
        other => format!(" ({})", other.describe()),
    };
    let mut s = format!(
        "{} ({}) · {role} · {} → {} · {}h/day · {}h total{}{entered} · {}",
        project.map(|p| p.name.as_str()).unwrap_or("—"),
        project.map(|p| p.client.as_str()).unwrap_or(""),
        a.range.start.format("%Y-%m-%d"),
        a.range.end.format("%Y-%m-%d"),
        fmt_hours(total / days),
        fmt_hours(total),
        differs.unwrap_or_default(),
        if a.hard { "hard" } else { "soft" },
    );
    if a.read_only {
        s.push_str(" · read-only");
    }
    if !a.notes.is_empty() {
        s.push_str(" · ");
        s.push_str(&a.notes);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::{
        Amount, DateRange, Id, Person, Resource, Roster, RowKey, WeeklyCapacity, Zoom,
    };

    fn one_allocation(server_total_minutes: Option<u32>) -> String {
        let d = |s: &str| parse_date(s).unwrap();
        let ws = Workspace::from_roster(Roster {
            people: vec![Person {
                id: Id::new("u"),
                name: "Ada".into(),
                email: String::new(),
                role: "Engineer".into(),
                weekly: WeeklyCapacity::STANDARD,
                time_off: vec![],
            }],
            resources: vec![Resource {
                id: Id::new("r"),
                project_id: None,
                person_id: Some(Id::new("u")),
                role: "Engineer".into(),
                label: String::new(),
            }],
            holidays: std::sync::Arc::new([d("2022-07-04")].into()),
            ..Default::default()
        });
        let a = Allocation {
            id: Id::new("a"),
            resource_id: Id::new("r"),
            project_id: None,
            range: DateRange::new(d("2022-07-04"), d("2022-07-08")),
            amount: Amount::HoursPerDay(8.0),
            hard: true,
            notes: String::new(),
            read_only: false,
            allocate_on_time_off: false,
            server_total_minutes,
            version: 1,
        };
        allocation_detail(&ws, &a)
    }

    fn buckets(zoom: Zoom, from: &str, n: usize) -> Vec<DateRange> {
        let mut b = zoom.bucket(parse_date(from).unwrap());
        let mut out = vec![];
        for _ in 0..n {
            out.push(b);
            b = zoom.bucket(crate::domain::dates::add_days(b.end, 1));
        }
        out
    }

    #[test]
    fn an_edge_count_over_a_bar_leaves_no_sliver_of_it() {
        let bar = Style::default();
        let rev = bar.add_modifier(Modifier::REVERSED);
        let lane = |before, after| LaneBars {
            bars: vec![],
            before,
            after,
        };
        let text = |cells: &[(char, Style)]| cells.iter().map(|c| c.0).collect::<String>();
        // A bar from the left edge ending two eighths into cell 4, under `◂ 7`.
        let mut cells = vec![('█', bar); 4];
        cells.push(('▎', bar));
        cells.extend(vec![(' ', bar); 5]);
        edge_counts(&mut cells, &lane(7, 0), bar);
        assert_eq!(text(&cells), "◂ 7       ");
        // A bar starting mid-cell 5 and running off the right edge, under `2 ▸`.
        let mut cells = vec![(' ', bar); 5];
        cells.push(('▎', rev));
        cells.extend(vec![('█', bar); 4]);
        edge_counts(&mut cells, &lane(0, 2), bar);
        assert_eq!(text(&cells), "       2 ▸");
        // A bar of its own past the gap stays: the count covered nothing of it.
        let mut cells = vec![(' ', bar); 4];
        cells.push(('▎', bar));
        cells.extend(vec![(' ', bar); 5]);
        edge_counts(&mut cells, &lane(7, 0), bar);
        assert_eq!(text(&cells), "◂ 7 ▎     ");
    }

    #[test]
    fn every_month_that_starts_on_screen_is_named() {
        // W49 (Nov 30 – Dec 6) is December's by its Thursday; W50–W53 were under "Nov 2026".
        let got = month_labels(Zoom::Week, &buckets(Zoom::Week, "2026-11-30", 8));
        assert_eq!(
            got,
            [
                (None, 0),
                (Some("Dec 2026".to_string()), 5 * 6),
                (Some("Jan 2027".to_string()), 3 * 6)
            ]
        );
        // A month with one week on screen keeps its short name; the next is not dropped.
        let got = month_labels(Zoom::Week, &buckets(Zoom::Week, "2026-11-23", 3));
        assert_eq!(got[1], (Some("Nov".to_string()), 6));
        assert_eq!(got[2], (Some("Dec 2026".to_string()), 12));
        // Day zoom: two days of November, then December.
        let got = month_labels(Zoom::Day, &buckets(Zoom::Day, "2026-11-29", 10));
        assert_eq!(got[1], (Some("Nov".to_string()), 6));
        assert_eq!(got[2], (Some("Dec 2026".to_string()), 24));
        // One day is too narrow for even "Nov": blank, and December still named.
        let got = month_labels(Zoom::Day, &buckets(Zoom::Day, "2026-11-30", 10));
        assert_eq!(got[1], (None, 3));
        assert_eq!(got[2].0.as_deref(), Some("Dec 2026"));
        // Month zoom names years.
        let got = month_labels(Zoom::Month, &buckets(Zoom::Month, "2026-11-01", 4));
        assert_eq!(got[1], (Some("2026".to_string()), 16));
        assert_eq!(got[2], (Some("2027".to_string()), 16));
    }

    #[test]
    fn unnamed_rows_name_their_role_and_project() {
        let resource = |id: &str, project: &str| Resource {
            id: Id::new(id),
            project_id: Some(Id::new(project)),
            person_id: None,
            role: "Engineer".into(),
            label: String::new(),
        };
        let project = |id: &str, name: &str| crate::domain::Project {
            id: Id::new(id),
            name: name.into(),
            client: String::new(),
            roles: None,
        };
        let ws = Workspace::from_roster(Roster {
            projects: vec![project("p1", "Atlas"), project("p2", "Borealis")],
            resources: vec![resource("r1", "p1"), resource("r2", "p2")],
            ..Default::default()
        });
        let name = |id: &str| row_name(&ws, &GanttRow::Load(RowKey::Unnamed(Id::new(id))), false);
        assert_eq!(name("r1").trim(), "○ Engineer · Atlas");
        assert_eq!(name("r2").trim(), "○ Engineer · Borealis");
    }

    #[test]
    fn the_backends_total_is_shown_and_a_different_spread_is_marked() {
        // Ruddr counts 4 July as a workday (the seed's 528 h for 66 weekdays); allot does not.
        let s = one_allocation(Some(40 * 60));
        assert!(s.contains("40h total (allot's calendar: 32h)"), "{s}");
        let s = one_allocation(Some(32 * 60));
        assert!(
            s.contains("32h total (8h/day)") || s.contains("32h total ·"),
            "{s}"
        );
        assert!(!s.contains("allot's calendar"), "{s}");
        let s = one_allocation(None);
        assert!(!s.contains("allot's calendar"), "{s}");
    }
}
