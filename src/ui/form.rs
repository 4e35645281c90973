//! The allocation form overlay and the y/n confirmation.

use super::hints;
use super::line::line_spans;
use super::text::truncate;
use super::theme::Theme;
use crate::app::Command as C;
use crate::app::State;
use crate::app::form::{AllocForm, Field, preview, resource_label, week_text};
use crate::app::keys::Mode;
use crate::app::line::LineInput;
use crate::domain::model::fmt_hours;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

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

/// Draws the form; returns where the terminal cursor goes (the focused text field's insertion
/// point).
pub fn render_form(
    state: &State,
    form: &AllocForm,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let width = 76.min(area.width);
    if width < 10 || area.height < 5 {
        return None;
    }
    let inner = (width - 2) as usize;
    let label_w = LABEL_W;
    let mut lines: Vec<Line> = Vec::new();
    let mut cursor = None;
    for field in form.fields() {
        let focused = form.focus == field;
        let value: Shown = match field {
            Field::Role => Shown::Plain(
                match (form.role_name(), form.roles.as_ref().map(Vec::len)) {
                    (_, Some(0)) => "(the project has no active role)".into(),
                    (Some(name), Some(n)) => format!("◂ {name} ▸  ({n} roles)"),
                    _ => "(choose: ←/→)".into(),
                },
            ),
            Field::Resource => {
                let chosen: Vec<String> = form
                    .resources
                    .iter()
                    .map(|r| resource_label(&state.ws, r))
                    .collect();
                if focused && (form.editing.is_none() || !form.query.is_empty()) {
                    Shown::Text(&form.query, chosen_suffix(&chosen.join("; ")))
                } else if chosen.is_empty() {
                    Shown::Plain("(none: type to search)".into())
                } else {
                    Shown::Plain(chosen.join("; "))
                }
            }
            Field::Start => Shown::Text(&form.start, String::new()),
            Field::End => Shown::Text(&form.end, String::new()),
            Field::Amount => Shown::Text(&form.amount, String::new()),
            Field::Unit => Shown::Plain(format!("◂ {} ▸", form.unit.label())),
            Field::Kind => Shown::Plain(if !state.backend.has_soft() {
                format!(
                    "booked ({} has no tentative allocations)",
                    state.backend.name()
                )
            } else if form.hard {
                "hard (booked)  · Space: soft".into()
            } else {
                "soft (tentative) · Space: hard".into()
            }),
            Field::Notes => Shown::Text(&form.notes, String::new()),
        };
        cursor = field_lines(
            &mut lines,
            theme,
            field.label(),
            value,
            focused,
            form.errors.get(&field),
            inner,
        )
        .or(cursor);
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
                        level.glyph(),
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
        hints::line(
            state,
            Mode::FormSearch,
            &[
                (C::Down, "choose"),
                (C::ToggleChoice, "add another"),
                (C::NextField, "next"),
                (C::Submit, "save"),
                (C::Cancel, "cancel"),
            ],
        )
    } else {
        let choice = if form.focus == Field::Role {
            "role"
        } else {
            "unit"
        };
        hints::line(
            state,
            Mode::Form,
            &[
                (C::NextField, "fields"),
                (C::ChoiceNext, choice),
                (C::Submit, "save"),
                (C::Cancel, "cancel"),
            ],
        )
    };
    overlay(f, area, width, lines, title, &hint, theme, cursor)
}

const LABEL_W: usize = 10;
/// Room for a date being typed in the `M` dialog.
const DATE_W: usize = 12;

/// What a field shows: a text, or a text field's line followed by (for a chooser) what is
/// chosen.
enum Shown<'a> {
    Plain(String),
    Text(&'a LineInput, String),
}

impl From<&str> for Shown<'_> {
    fn from(s: &str) -> Self {
        Shown::Plain(s.to_string())
    }
}

/// " [Ada; Bo]" after a chooser's search text, or nothing.
fn chosen_suffix(chosen: &str) -> String {
    if chosen.is_empty() {
        String::new()
    } else {
        format!(" [{chosen}]")
    }
}

/// A form field's line, and under it the error that stops it, if any. Returns, for a focused
/// text field, the cursor's (line, column) in the lines.
fn field_lines(
    lines: &mut Vec<Line<'static>>,
    theme: &Theme,
    label: &str,
    value: Shown,
    focused: bool,
    error: Option<&String>,
    inner: usize,
) -> Option<(usize, usize)> {
    let value_w = inner.saturating_sub(LABEL_W + 1);
    let mut spans = vec![Span::styled(
        format!("{label:<LABEL_W$} "),
        if focused { theme.header() } else { theme.dim() },
    )];
    let mut cursor = None;
    match value {
        Shown::Plain(v) => spans.push(Span::styled(
            truncate(&v, value_w),
            if focused {
                theme.selected()
            } else {
                theme.text()
            },
        )),
        // A text field keeps the text style when focused: the selection is what is reversed.
        Shown::Text(t, after) => {
            let (text, col) = line_spans(t, focused, value_w, theme.text());
            let used: usize = text.iter().map(|s| s.width()).sum();
            spans.extend(text);
            spans.push(Span::styled(
                truncate(&after, value_w.saturating_sub(used + 1)),
                theme.text(),
            ));
            cursor = col.map(|c| (lines.len(), LABEL_W + 1 + c));
        }
    }
    lines.push(Line::from(spans));
    if let Some(e) = error {
        lines.push(Line::styled(
            truncate(&format!("{:LABEL_W$} ✗ {label}: {e}", ""), inner),
            theme.error(),
        ));
    }
    cursor
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
/// Returns the screen position of `cursor` ((line, column) in the lines) where it is inside.
#[allow(clippy::too_many_arguments)]
fn overlay(
    f: &mut Frame,
    area: Rect,
    width: u16,
    lines: Vec<Line<'static>>,
    title: &str,
    hint: &str,
    theme: &Theme,
    cursor: Option<(usize, usize)>,
) -> Option<Position> {
    let rect = centered(area, width, lines.len() as u16 + 2);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title.to_string(), theme.header()))
        .title_bottom(Span::styled(hint.to_string(), theme.dim()));
    f.render_widget(Clear, rect);
    f.render_widget(Paragraph::new(lines).block(block), rect);
    let (line, col) = cursor?;
    let (line, col) = (u16::try_from(line).ok()?, u16::try_from(col).ok()?);
    (line + 2 < rect.height && col + 2 < rect.width).then(|| Position {
        x: rect.x + 1 + col,
        y: rect.y + 1 + line,
    })
}

/// The y/n box: the question's first line on top, the rest scrolled (`Confirm::scroll`) with
/// what is above and below counted where it does not fit, and the y/n always in view.
pub fn render_confirm(
    state: &State,
    confirm: &crate::app::state::Confirm,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) {
    let layout = crate::app::geometry::confirm_layout(&confirm.question, area.width, area.height);
    let rect = centered(area, layout.width, layout.height);
    if rect.width < 6 || rect.height < 3 {
        return;
    }
    let scroll = layout.clamp(confirm.scroll);
    let mut lines: Vec<Line> = layout.head.iter().map(|l| Line::raw(l.clone())).collect();
    lines.extend(
        layout
            .body
            .iter()
            .skip(scroll)
            .take(layout.room)
            .map(|l| Line::raw(l.clone())),
    );
    if layout.scrolls() {
        let below = layout.body.len() - scroll - layout.room.min(layout.body.len() - scroll);
        let keys = format!(
            "{}/{} {}/{}",
            state.key(Mode::Confirm, C::Down),
            state.key(Mode::Confirm, C::Up),
            state.key(Mode::Confirm, C::PageDown),
            state.key(Mode::Confirm, C::PageUp),
        );
        lines.push(Line::styled(
            super::text::truncate(
                &format!("↑ {scroll} above · ↓ {below} more · {keys} scroll"),
                layout.width.saturating_sub(2) as usize,
            ),
            theme.dim(),
        ));
    }
    if layout.gap {
        lines.push(Line::raw(""));
    }
    lines.extend([Line::from(vec![
        Span::styled(
            format!(" {} ", state.key(Mode::Confirm, C::Yes)),
            theme.tab(true),
        ),
        Span::raw(" yes   "),
        Span::styled(
            format!(" {} ", state.key(Mode::Confirm, C::No)),
            theme.tab(true),
        ),
        Span::raw(" no"),
    ])]);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(" Confirm ", theme.error()));
    f.render_widget(Clear, rect);
    f.render_widget(Paragraph::new(lines).block(block), rect);
}

/// The `N` overlay: a new staffing request. Returns where the terminal cursor goes.
pub fn render_request_form(
    state: &State,
    form: &crate::app::request_form::RequestForm,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) -> Option<Position> {
    use crate::app::request_form::RqField;
    let width = 76.min(area.width);
    if width < 10 || area.height < 5 {
        return None;
    }
    let inner = (width - 2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let mut cursor = None;
    for field in form.fields() {
        let focused = form.focus == field;
        let value = match (field, form.choice(field), form.text(field)) {
            (RqField::Target, _, _) => {
                if form.new_role {
                    "◂ a role on a project (new unnamed resource) ▸".into()
                } else {
                    "◂ an existing resource ▸".into()
                }
            }
            (_, Some(c), _) if focused => Shown::Text(&c.query, chosen_suffix(&c.chosen_text())),
            (_, Some(c), _) => {
                let chosen = c.chosen_text();
                if chosen.is_empty() {
                    "(none: type to search)".into()
                } else {
                    Shown::Plain(chosen)
                }
            }
            (_, _, Some(t)) => Shown::Text(t, String::new()),
            _ => "".into(),
        };
        cursor = field_lines(
            &mut lines,
            theme,
            field.label(),
            value,
            focused,
            form.errors.get(&field),
            inner,
        )
        .or(cursor);
        if let (true, Some(c)) = (focused, form.choice(field)) {
            choice_lines(&mut lines, theme, c, inner);
        }
    }
    let hint = hints::line(
        state,
        Mode::Form,
        &[
            (C::NextField, "fields"),
            (C::ToggleChoice, "picks"),
            (C::Submit, "send"),
            (C::Cancel, "cancel"),
        ],
    );
    overlay(
        f,
        area,
        width,
        lines,
        " New staffing request ",
        &hint,
        theme,
        cursor,
    )
}

/// `n` / `e` in the Resources view: a workspace resource. Returns where the terminal cursor
/// goes.
pub fn render_resource_form(
    state: &State,
    form: &crate::app::staffing::ResourceForm,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) -> Option<Position> {
    use crate::app::staffing::ResField;
    let width = 72.min(area.width);
    if width < 10 || area.height < 5 {
        return None;
    }
    let inner = (width - 2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let mut cursor = None;
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
                    Shown::Text(&c.query, format!(" [{chosen}]"))
                } else {
                    Shown::Plain(chosen)
                }
            }
            (ResField::Role, _) => {
                if form.role.is_empty() && !focused && form.editing.is_none() {
                    "(the person's primary role)".into()
                } else {
                    Shown::Text(&form.role, String::new())
                }
            }
            (ResField::Label, _) => {
                if form.label.is_empty() && !focused {
                    "(from the role)".into()
                } else {
                    Shown::Text(&form.label, String::new())
                }
            }
            (ResField::Hard, _) => {
                if form.make_hard {
                    "◂ make them hard (booked) ▸".into()
                } else {
                    "◂ keep them soft ▸".into()
                }
            }
            _ => "".into(),
        };
        cursor = field_lines(
            &mut lines,
            theme,
            field.label(),
            value,
            focused,
            form.errors.get(&field),
            inner,
        )
        .or(cursor);
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
        hints::line(
            state,
            Mode::Form,
            &[
                (C::NextField, "picks"),
                (C::Backspace, "on empty: nobody"),
                (C::Submit, "save"),
                (C::Cancel, "cancel"),
            ],
        )
    } else {
        hints::line(
            state,
            Mode::Form,
            &[
                (C::NextField, "fields"),
                (C::Submit, "save"),
                (C::Cancel, "cancel"),
            ],
        )
    };
    overlay(f, area, width, lines, title, &hint, theme, cursor)
}

/// `M`: allocations from scheduled hours, with the allocations it would make. Returns where
/// the terminal cursor goes.
pub fn render_from_scheduled(
    state: &State,
    fs: &crate::app::scheduled::FromScheduled,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let width = 72.min(area.width);
    if width < 10 || area.height < 5 {
        return None;
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
    // "When ◂ between: 2026-11-23 to 2027-02-14 ▸", the date being typed with the cursor.
    let mut spans = vec![
        Span::styled(format!("{:<LABEL_W$} ", "When"), theme.header()),
        Span::styled(format!("◂ {}", fs.when_label()), theme.selected()),
    ];
    let mut cursor = None;
    let dates: &[(&str, &LineInput, bool)] = match fs.when % 4 {
        0 => &[],
        3 => &[(": ", &fs.from, !fs.on_to), (" to ", &fs.to, fs.on_to)],
        _ => &[(": ", &fs.from, true)],
    };
    for (before, date, focused) in dates {
        spans.push(Span::styled(*before, theme.selected()));
        let at: usize = spans.iter().map(|s| s.width()).sum();
        let (text, col) = line_spans(date, *focused, DATE_W, theme.selected());
        cursor = col.map(|c| (lines.len(), at + c)).or(cursor);
        spans.extend(text);
    }
    spans.push(Span::styled(" ▸", theme.selected()));
    lines.push(Line::from(spans));
    field_lines(
        &mut lines,
        theme,
        "Type",
        if fs.hard {
            "hard (booked)".into()
        } else {
            "soft (tentative)".into()
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
    let hint = hints::line(
        state,
        Mode::FromScheduled,
        &[
            (C::NextWhen, "when"),
            (C::ToggleHard, "hard/soft"),
            (C::Submit, "apply"),
            (C::Cancel, "cancel"),
        ],
    );
    overlay(
        f,
        area,
        width,
        lines,
        " Allocate from scheduled hours ",
        &hint,
        theme,
        cursor,
    )
}
