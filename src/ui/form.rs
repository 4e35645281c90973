//! The allocation form overlay and the y/n confirmation.

use super::text::truncate;
use super::theme::{Theme, level_glyph};
use crate::app::State;
use crate::app::form::{AllocForm, Field, preview, resource_label, week_text};
use crate::domain::model::fmt_hours;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

/// A `width` x `height` rectangle in the middle of `area` (clipped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let (w, h) = (width.min(area.width), height.min(area.height));
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

pub fn render_form(state: &State, form: &AllocForm, theme: &Theme, f: &mut Frame, area: Rect) {
    let width = 76.min(area.width);
    if width < 10 || area.height < 5 {
        return;
    }
    let inner = (width - 2) as usize;
    let label_w = LABEL_W;
    let mut lines: Vec<Line> = Vec::new();
    for field in form.fields() {
        let focused = form.focus == field;
        let value = match field {
            Field::Role => match (form.role_name(), form.roles.as_ref().map(Vec::len)) {
                (_, Some(0)) => "(the project has no active role)".into(),
                (Some(name), Some(n)) => format!("◂ {name} ▸  ({n} roles)"),
                _ => "(choose: ←/→)".into(),
            },
            Field::Resource => {
                let chosen: Vec<String> = form
                    .resources
                    .iter()
                    .map(|r| resource_label(&state.ws, r))
                    .collect();
                if focused && (form.editing.is_none() || !form.query.is_empty()) {
                    format!(
                        "{}▏ {}",
                        form.query,
                        if chosen.is_empty() {
                            String::new()
                        } else {
                            format!("[{}]", chosen.join("; "))
                        }
                    )
                } else if chosen.is_empty() {
                    "(none: type to search)".into()
                } else {
                    chosen.join("; ")
                }
            }
            Field::Start => with_cursor(&form.start, focused),
            Field::End => with_cursor(&form.end, focused),
            Field::Amount => with_cursor(&form.amount, focused),
            Field::Unit => format!("◂ {} ▸", form.unit.label()),
            Field::Kind => {
                if !state.backend.has_soft() {
                    format!(
                        "booked ({} has no tentative allocations)",
                        state.backend.name()
                    )
                } else if form.hard {
                    "hard (booked)  · Space: soft".into()
                } else {
                    "soft (tentative) · Space: hard".into()
                }
            }
            Field::Notes => with_cursor(&form.notes, focused),
        };
        field_lines(
            &mut lines,
            theme,
            field.label(),
            &value,
            focused,
            form.errors.get(&field),
            inner,
        );
        if field == Field::Resource && form.focus == Field::Resource {
            for (i, id) in form
                .options
                .iter()
                .enumerate()
                .skip(form.highlight.saturating_sub(3))
                .take(5)
            {
                let chosen = if form.resources.contains(id) {
                    "✓"
                } else {
                    " "
                };
                let style = if i == form.highlight {
                    theme.selected()
                } else {
                    theme.dim()
                };
                let text = format!("{:label_w$} {chosen} {}", "", resource_label(&state.ws, id));
                lines.push(Line::styled(truncate(&text, inner), style));
            }
        }
    }
    lines.push(Line::raw(""));
    match preview(state, form) {
        Some(p) => {
            let per_day = p.total_minutes / p.working_days.max(1);
            lines.push(Line::styled(
                truncate(
                    &format!(
                        "{}h in total over {} working days ({}h a day)",
                        fmt_hours(p.total_minutes),
                        p.working_days,
                        fmt_hours(per_day)
                    ),
                    inner,
                ),
                theme.header(),
            ));
            let mut spans = vec![Span::styled("Load with it: ", theme.dim())];
            for (monday, load, cap, level) in &p.weeks {
                spans.push(Span::styled(
                    format!(
                        "W{} {}{}",
                        monday.format("%V"),
                        level_glyph(*level),
                        week_text(*load, *cap)
                    ),
                    theme.level(*level),
                ));
                spans.push(Span::raw(" "));
            }
            if p.more_weeks > 0 {
                spans.push(Span::styled(
                    format!("+{} weeks", p.more_weeks),
                    theme.dim(),
                ));
            }
            lines.push(Line::from(spans));
        }
        None => lines.push(Line::styled(
            "Fill in dates and an amount to see the hours and the load.",
            theme.dim(),
        )),
    }
    let title = if form.editing.is_some() {
        " Edit allocation "
    } else {
        " New allocation "
    };
    let hint = if form.focus == Field::Resource {
        " ↑↓ choose · * add another · Tab next · Enter save · Esc cancel "
    } else if form.focus == Field::Role {
        " ←→ role · Tab/↑↓ fields · Enter save · Esc cancel "
    } else {
        " Tab/↑↓ fields · ←→ unit · Enter save · Esc cancel "
    };
    overlay(f, area, width, lines, title, hint, theme);
}

const LABEL_W: usize = 10;

/// A form field's line, and under it the error that stops it, if any.
fn field_lines(
    lines: &mut Vec<Line<'static>>,
    theme: &Theme,
    label: &str,
    value: &str,
    focused: bool,
    error: Option<&String>,
    inner: usize,
) {
    let value_w = inner.saturating_sub(LABEL_W + 1);
    lines.push(Line::from(vec![
        Span::styled(
            format!("{label:<LABEL_W$} "),
            if focused { theme.header() } else { theme.dim() },
        ),
        Span::styled(
            truncate(value, value_w),
            if focused {
                theme.selected()
            } else {
                theme.text()
            },
        ),
    ]));
    if let Some(e) = error {
        lines.push(Line::styled(
            truncate(&format!("{:LABEL_W$} ✗ {label}: {e}", ""), inner),
            theme.error(),
        ));
    }
}

/// The matches of a chooser under its field: ✓ on the chosen, the highlighted one selected.
fn choice_lines(
    lines: &mut Vec<Line<'static>>,
    theme: &Theme,
    c: &crate::app::request_form::Choice,
    inner: usize,
) {
    for (i, (id, label)) in c
        .options
        .iter()
        .enumerate()
        .skip(c.highlight.saturating_sub(2))
        .take(4)
    {
        let mark = if c.chosen.contains(id) { "✓" } else { " " };
        let style = if i == c.highlight {
            theme.selected()
        } else {
            theme.dim()
        };
        lines.push(Line::styled(
            truncate(&format!("{:LABEL_W$} {mark} {label}", ""), inner),
            style,
        ));
    }
}

/// A bordered overlay sized to its lines and centred in `area`, with a title and a key hint.
fn overlay(
    f: &mut Frame,
    area: Rect,
    width: u16,
    lines: Vec<Line<'static>>,
    title: &str,
    hint: &str,
    theme: &Theme,
) {
    let rect = centered(area, width, lines.len() as u16 + 2);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title.to_string(), theme.header()))
        .title_bottom(Span::styled(hint.to_string(), theme.dim()));
    f.render_widget(Clear, rect);
    f.render_widget(Paragraph::new(lines).block(block), rect);
}

fn with_cursor(s: &str, focused: bool) -> String {
    if focused {
        format!("{s}▏")
    } else {
        s.to_string()
    }
}

pub fn render_confirm(question: &str, theme: &Theme, f: &mut Frame, area: Rect) {
    let width = 70.min(area.width);
    let text_w = width.saturating_sub(2).max(1) as usize;
    // One line per line of the question (a bulk approval lists each request), wrapped.
    let rows: usize = question
        .lines()
        .map(|l| l.chars().count().div_ceil(text_w).max(1))
        .sum();
    let rect = centered(area, width, (rows as u16).saturating_add(4));
    if rect.width < 6 || rect.height < 3 {
        return;
    }
    // Never more than fits above the y/n: the rest is counted, so the answer stays in view.
    let room = (rect.height as usize).saturating_sub(3);
    let mut lines: Vec<Line> = Vec::new();
    let mut used = 0;
    let all: Vec<&str> = question.lines().collect();
    for (i, l) in all.iter().enumerate() {
        let need = l.chars().count().div_ceil(text_w).max(1);
        if used + need > room || (used + need == room && i + 1 < all.len()) {
            lines.push(Line::raw(format!("… and {} more lines", all.len() - i)));
            break;
        }
        used += need;
        lines.push(Line::raw(l.to_string()));
    }
    // Short of room, the gap before y/n goes first.
    if rows + 4 <= rect.height as usize {
        lines.push(Line::raw(""));
    }
    lines.extend([Line::from(vec![
        Span::styled(" y ", theme.tab(true)),
        Span::raw(" yes   "),
        Span::styled(" n ", theme.tab(true)),
        Span::raw(" no (Esc)"),
    ])]);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(" Confirm ", theme.error()));
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        rect,
    );
}

/// The `N` overlay: a new staffing request.
pub fn render_request_form(
    form: &crate::app::request_form::RequestForm,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) {
    use crate::app::request_form::RqField;
    let width = 76.min(area.width);
    if width < 10 || area.height < 5 {
        return;
    }
    let inner = (width - 2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    for field in form.fields() {
        let focused = form.focus == field;
        let value = match (field, form.choice(field)) {
            (RqField::Target, _) => {
                if form.new_role {
                    "◂ a role on a project (new unnamed resource) ▸".into()
                } else {
                    "◂ an existing resource ▸".into()
                }
            }
            (_, Some(c)) if focused => {
                let chosen = c.chosen_text();
                format!(
                    "{}▏ {}",
                    c.query,
                    if chosen.is_empty() {
                        String::new()
                    } else {
                        format!("[{chosen}]")
                    }
                )
            }
            (_, Some(c)) => {
                let chosen = c.chosen_text();
                if chosen.is_empty() {
                    "(none: type to search)".into()
                } else {
                    chosen
                }
            }
            (RqField::Role, _) => with_cursor(&form.role, focused),
            (RqField::Start, _) => with_cursor(&form.start, focused),
            (RqField::End, _) => with_cursor(&form.end, focused),
            (RqField::Percent, _) => with_cursor(&form.percent, focused),
            (RqField::Notes, _) => with_cursor(&form.notes, focused),
            _ => String::new(),
        };
        field_lines(
            &mut lines,
            theme,
            field.label(),
            &value,
            focused,
            form.errors.get(&field),
            inner,
        );
        if let (true, Some(c)) = (focused, form.choice(field)) {
            choice_lines(&mut lines, theme, c, inner);
        }
    }
    let hint = " Tab fields · type to search · Space picks · Enter send · Esc cancel ";
    overlay(f, area, width, lines, " New staffing request ", hint, theme);
}

/// `n` / `e` in the Resources view: a workspace resource.
pub fn render_resource_form(
    state: &State,
    form: &crate::app::staffing::ResourceForm,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) {
    use crate::app::staffing::ResField;
    let width = 72.min(area.width);
    if width < 10 || area.height < 5 {
        return;
    }
    let inner = (width - 2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    if !form.bulk.is_empty() {
        let names: Vec<&str> = form.bulk.iter().map(|p| state.ws.person_name(p)).collect();
        lines.push(Line::raw(truncate(
            &format!("Adding {}: {}", names.len(), names.join(", ")),
            inner,
        )));
    }
    for field in form.fields() {
        let focused = form.focus == field;
        let value = match (field, form.choice(field)) {
            (_, Some(c)) => {
                let chosen = c.chosen_text();
                let chosen = if chosen.is_empty() && field == ResField::Person {
                    "nobody: an unnamed resource".to_string()
                } else {
                    chosen
                };
                if focused {
                    format!("{}▏ [{chosen}]", c.query)
                } else {
                    chosen
                }
            }
            (ResField::Role, _) => {
                if form.role.is_empty() && !focused && form.editing.is_none() {
                    "(the person's primary role)".into()
                } else {
                    with_cursor(&form.role, focused)
                }
            }
            (ResField::Label, _) => {
                if form.label.is_empty() && !focused {
                    "(from the role)".into()
                } else {
                    with_cursor(&form.label, focused)
                }
            }
            (ResField::Hard, _) => {
                if form.make_hard {
                    "◂ make them hard (booked) ▸".into()
                } else {
                    "◂ keep them soft ▸".into()
                }
            }
            _ => String::new(),
        };
        field_lines(
            &mut lines,
            theme,
            field.label(),
            &value,
            focused,
            form.errors.get(&field),
            inner,
        );
        if let (true, Some(c)) = (focused, form.choice(field)) {
            choice_lines(&mut lines, theme, c, inner);
        }
    }
    let title = if form.editing.is_some() {
        " Edit workspace resource "
    } else {
        " Add to a project "
    };
    let hint = if form.focus == ResField::Person {
        " type to search · Tab picks · Backspace on empty: nobody · Enter save · Esc "
    } else {
        " Tab fields · type to search · Enter save · Esc cancel "
    };
    overlay(f, area, width, lines, title, hint, theme);
}

/// `M`: allocations from scheduled hours, with the allocations it would make.
pub fn render_from_scheduled(
    state: &State,
    fs: &crate::app::scheduled::FromScheduled,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) {
    let width = 72.min(area.width);
    if width < 10 || area.height < 5 {
        return;
    }
    let inner = (width - 2) as usize;
    let ws = &state.ws;
    let who: Vec<String> = fs
        .resources
        .iter()
        .map(|r| crate::app::form::resource_label(ws, r))
        .collect();
    let mut lines = vec![Line::raw(truncate(
        &format!("For {}", who.join("; ")),
        inner,
    ))];
    let dates = match fs.when % 4 {
        0 => String::new(),
        3 => format!(": {} to {}", fs.from, fs.to),
        _ => format!(": {}", fs.from),
    };
    field_lines(
        &mut lines,
        theme,
        "When",
        &format!("◂ {}{dates} ▸", fs.when_label()),
        true,
        None,
        inner,
    );
    field_lines(
        &mut lines,
        theme,
        "Type",
        if fs.hard {
            "hard (booked)"
        } else {
            "soft (tentative)"
        },
        false,
        None,
        inner,
    );
    if let Some(e) = &fs.error {
        lines.push(Line::styled(
            truncate(&format!("✗ {e}"), inner),
            theme.error(),
        ));
    }
    match crate::app::scheduled::preview(ws, fs) {
        Ok(made) if !made.is_empty() => {
            let total: u64 = made.iter().map(|m| m.2 as u64).sum();
            lines.push(Line::styled(
                format!(
                    "Will create {} allocations, {}h in all:",
                    made.len(),
                    fmt_hours(total)
                ),
                theme.header(),
            ));
            let room = (area.height as usize)
                .saturating_sub(lines.len() + 4)
                .max(1);
            for (r, range, minutes) in made.iter().take(room) {
                let weeks = (range.len_days() / 7).max(1) as u64;
                lines.push(Line::raw(truncate(
                    &format!(
                        "  {} · {} → {} · {}h a week",
                        ws.resources
                            .get(r)
                            .map(|x| ws.resource_name(x))
                            .unwrap_or_default(),
                        range.start.format("%Y-%m-%d"),
                        range.end.format("%m-%d"),
                        fmt_hours(*minutes as u64 / weeks)
                    ),
                    inner,
                )));
            }
            if made.len() > room {
                lines.push(Line::styled(
                    format!("  and {} more", made.len() - room),
                    theme.dim(),
                ));
            }
        }
        Ok(_) => lines.push(Line::styled(
            "No scheduled hours in that range.",
            theme.dim(),
        )),
        Err(e) => lines.push(Line::styled(
            truncate(&format!("Date: {e}"), inner),
            theme.error(),
        )),
    }
    let hint = " Tab when · type dates · h hard/soft · Enter apply · Esc ";
    overlay(
        f,
        area,
        width,
        lines,
        " Allocate from scheduled hours ",
        hint,
        theme,
    );
}
