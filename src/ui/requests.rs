//! The Requests view: the staffing queue, and a detail pane with the request's impact on the
//! person's load (or, for an unnamed resource, the best-placed people to staff it).

use super::pen::Pen;
use super::text::{cell, pad, pad_left, truncate};
use super::theme::Theme;
use crate::app::Command as C;
use crate::app::State;
use crate::app::geometry::keep_in_view;
use crate::app::keys::Mode;
use crate::app::requests::{
    ImpactWeek, PersonPick, PickPurpose, RowFacts, SHOWN, StatusFilter, allocations_known, detail,
    project_of, ranked, row_facts, week_text,
};
use crate::domain::candidates::Candidate;
use crate::domain::impact::Hardened;
use crate::domain::load::utilization_pct;
use crate::domain::model::fmt_hours;
use crate::domain::{Request, RequestStatus, Workspace};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

pub fn render(state: &State, theme: &Theme, f: &mut Frame, area: Rect) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    if !state.backend.has_requests() {
        let msg = format!(
            "{} has no staffing requests. Staff projects in the Gantt (2): add or edit allocations for a member or a placeholder there.",
            state.backend.name()
        );
        f.render_widget(
            Paragraph::new(msg)
                .style(theme.dim())
                .wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let detail_h = crate::app::geometry::requests_detail_height(area.height, state.requests.detail);
    let [list, detail] = if state.requests.detail {
        [Rect { height: 0, ..area }, area]
    } else {
        Layout::vertical([Constraint::Min(1), Constraint::Length(detail_h)]).areas(area)
    };
    if list.height > 0 {
        render_list(state, theme, f, list);
    }
    let selected = state
        .queue
        .get(state.requests.selected)
        .and_then(|id| state.ws.requests.get(id));
    if let (true, Some(r)) = (detail_h > 0, selected) {
        render_detail(state, theme, r, f, detail);
    }
    if let Some(reason) = &state.requests.reason {
        render_reason(state, reason, theme, f, area);
    }
}

/// The reason box `r` opens, saying where the reason goes before anything is sent.
fn render_reason(
    state: &State,
    reason: &crate::app::requests::ReasonInput,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) {
    let width = 72.min(area.width);
    let height = 7.min(area.height);
    if width < 20 || height < 5 {
        return;
    }
    let rect = super::form::centered(area, width, height);
    let inner = (width - 2) as usize;
    let what = match reason.ids.as_slice() {
        [one] => format!("Rejecting #{one}"),
        many => format!("Rejecting {} requests", many.len()),
    };
    // The reason, scrolled to keep the insertion point in view, and the terminal cursor there.
    let (text, col) = super::line::line_spans(&reason.text, true, inner, theme.header());
    let lines = vec![
        Line::raw(truncate(&format!("{what}. Reason (optional):"), inner)),
        Line::from(text),
        Line::styled(
            truncate(
                &format!("It is {}.", crate::app::requests::where_it_goes(state)),
                inner,
            ),
            theme.dim(),
        ),
    ];
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(" Reject ", theme.header()))
        .title_bottom(Span::styled(
            // The box reads keys as the picker's search does (`Mode::of`).
            format!(
                " {}: on to y/n (empty: no reason) · {} cancel ",
                state.key(Mode::Picker, C::Submit),
                state.key(Mode::Picker, C::Cancel)
            ),
            theme.dim(),
        ));
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: true }),
        rect,
    );
    if let Some(col) = col {
        f.set_cursor_position((rect.x + 1 + col as u16, rect.y + 2));
    }
}

/// Column widths of the queue; 0 drops a column. What a request is (project, resource/role)
/// is kept at any width; numbers go first (requester, age, the period, the share asked), each
/// only while project and resource keep room to be read. The pane below has all of it.
struct Columns {
    age: usize,
    project: usize,
    resource: usize,
    period: usize,
    amount: usize,
    requester: usize,
    approvers: usize,
    status: usize,
}

const AGE: usize = 5;
/// "2026-12-07 → 02-05" or "hardens 12-07→02-05", and a space.
const PERIOD: usize = 20;
const AMOUNT: usize = 10;
/// The least project and resource each keep before another column is shown.
const WHAT_MIN: usize = 14;
/// " Requester" and a gap.
const REQUESTER_MIN: usize = 11;

fn columns(width: usize) -> Columns {
    let mut room = width.saturating_sub(2);
    let mut take = |w: usize, keep: usize| {
        if room >= w + keep {
            room -= w;
            w
        } else {
            0
        }
    };
    let what = 2 * WHAT_MIN;
    let amount = take(AMOUNT, what);
    let period = take(PERIOD, what);
    let age = take(AGE, what);
    let wide = width >= 120;
    let (approvers, status) = if wide {
        (take(18, what), take(10, what))
    } else {
        (0, 0)
    };
    let requester = if room >= what + REQUESTER_MIN {
        (room / 4).max(REQUESTER_MIN)
    } else {
        0
    };
    let flexible = room - requester;
    let project = flexible * 55 / 100;
    Columns {
        age,
        project,
        resource: flexible - project,
        period,
        amount,
        requester,
        approvers,
        status,
    }
}

/// "pending mine to approve · oldest first · 22 shown" and, room allowing, the keys that
/// change it; with a `/` filter typed or kept, "/text" first, and while typing the terminal
/// cursor's column in it.
fn filter_line(state: &State, theme: &Theme, width: usize) -> (Line<'static>, Option<usize>) {
    let v = &state.requests;
    let whose = if v.all {
        "all I can see"
    } else {
        "mine to approve"
    };
    let marks = if v.marks.is_empty() {
        String::new()
    } else {
        format!(" · {} marked", v.marks.len())
    };
    let facts = format!(
        "{} {} · {} · {} shown{marks}",
        v.status.label(),
        whose,
        v.sort.label(),
        state.queue.len()
    );
    let find = &v.find;
    if find.editing || !find.filter.is_empty() {
        // As the Resources filter line: scrolled to the cursor, a selected filter reversed.
        let style = theme.header();
        let room = width.saturating_sub(facts.width() + 3).max(8);
        let (text, cursor) = super::line::line_spans(&find.filter, find.editing, room, style);
        let mut spans = vec![Span::styled("/", style)];
        spans.extend(text);
        spans.push(Span::styled(format!("  {facts}"), theme.dim()));
        return (Line::from(spans), cursor.map(|c| c + 1));
    }
    let k = |c| state.key(Mode::Requests, c);
    let keys = format!(
        "{} filter · {} mine/all · {} status · {} sort · {} approve · {} reject · {} cancel",
        k(C::FilterStart),
        k(C::ToggleMine),
        k(C::NextStatus),
        k(C::SortRequests),
        k(C::Approve),
        k(C::Reject),
        k(C::CancelRequest)
    );
    let line = if facts.width() + keys.width() + 3 <= width {
        format!("{facts}   {keys}")
    } else {
        truncate(&facts, width)
    };
    (Line::styled(line, theme.dim()), None)
}

fn render_list(state: &State, theme: &Theme, f: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let c = columns(w);
    let (top, cursor) = filter_line(state, theme, w);
    if let Some(col) = cursor {
        f.set_cursor_position((area.x + col as u16, area.y));
    }
    let k = |c| state.key(Mode::Requests, c);
    if state.queue.is_empty() {
        let mut lines = vec![top];
        let msg = if !state.loaded {
            super::text::not_loaded(state)
        } else if !state.requests.find.filter.is_empty() {
            format!(
                "Nothing matches /{}. {} clears it.",
                state.requests.find.filter,
                k(C::Back)
            )
        } else if state.requests.status == StatusFilter::Pending && !state.requests.all {
            format!(
                "No pending requests for you: the queue is clear. ({} shows everyone's, {} other statuses)",
                k(C::ToggleMine),
                k(C::NextStatus)
            )
        } else {
            format!(
                "No {} requests. ({} and {} change what is shown)",
                state.requests.status.label(),
                k(C::ToggleMine),
                k(C::NextStatus)
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
    let mut head = format!(
        "  {}{}{}{}{}{}",
        pad("Age", c.age),
        cell("Project", c.project),
        cell("Resource", c.resource),
        pad("Period", c.period),
        pad_left("Asked ", c.amount),
        cell(" Requester", c.requester),
    );
    if c.approvers > 0 {
        head.push_str(&cell("Approvers", c.approvers));
        head.push_str(&pad("Status", c.status));
    }
    // Written straight into the buffer, as the other big lists are (`Pen`): a Paragraph
    // segments every cell of the padded rows into graphemes, most of this frame's work.
    f.render_widget(Paragraph::new(top), Rect { height: 1, ..area });
    let mut rows = vec![(head, theme.header())];
    let visible = area.height.saturating_sub(2) as usize;
    let offset = keep_in_view(
        state.requests.offset,
        state.requests.selected,
        visible,
        state.queue.len(),
    );
    for (i, id) in state.queue.iter().enumerate().skip(offset).take(visible) {
        let Some(r) = state.ws.requests.get(id) else {
            continue;
        };
        let style = if i == state.requests.selected {
            theme.selected()
        } else {
            theme.text()
        };
        let mark = if state.requests.failures.contains_key(id) {
            "✗ "
        } else if state.requests.marks.contains(id) {
            "◆ "
        } else {
            "  "
        };
        let facts = facts(&state.ws, r);
        let worked = row_facts(state, r);
        let mut text = format!(
            "{mark}{}{}{}{}{}{}",
            pad(&format!("{}d", r.age_days(state.today)), c.age),
            cell(&facts.project, c.project),
            cell(&facts.resource, c.resource),
            pad(&period_cell(r, worked), c.period),
            pad_left(&asked_cell(r, worked), c.amount),
            cell(&format!(" {}", facts.requester), c.requester),
        );
        if c.approvers > 0 {
            text.push_str(&cell(&facts.approvers, c.approvers));
            text.push_str(&pad(status_text(r.status), c.status));
        }
        rows.push((text, style));
    }
    let buf = f.buffer_mut();
    // Under the filter line.
    for (y, (text, style)) in rows.iter().enumerate() {
        Pen::new(buf, area, y as u16 + 1).raw(text, *style);
    }
}

fn status_text(s: RequestStatus) -> &'static str {
    s.as_str()
}

/// The request's own period; where it has none (Kantata), the span of the allocations
/// approving hardens, marked as such, else "—". Never a guessed period. "…" until worked out.
fn period_cell(r: &Request, worked: Option<&RowFacts>) -> String {
    match (r.period, worked) {
        (Some(p), _) => format!("{} → {}", p.start.format("%Y-%m-%d"), p.end.format("%m-%d")),
        (None, None) => "…".into(),
        (None, Some(w)) => match w.hardened_span {
            Some(span) => format!(
                "hardens {}→{}",
                span.start.format("%m-%d"),
                span.end.format("%m-%d")
            ),
            None => "—".into(),
        },
    }
}

/// The share and hours asked; where the request states none, the hours approving hardens
/// ("84h hard"), else "—". "…" until worked out.
fn asked_cell(r: &Request, worked: Option<&RowFacts>) -> String {
    let Some(w) = worked else {
        return "… ".into();
    };
    match (r.percentage, w.asked_minutes) {
        (Some(pct), Some(m)) => format!("{pct}% {}h ", (m + 30) / 60),
        _ if w.hardens == 0 => "— ".into(),
        _ => format!("{}h hard ", (w.hardened_minutes + 30) / 60),
    }
}

struct Facts {
    project: String,
    client: String,
    resource: String,
    requester: String,
    approvers: String,
}

fn facts(ws: &Workspace, r: &Request) -> Facts {
    let res = ws.resources.get(&r.resource_id);
    let project = res
        .and_then(|x| x.project_id.as_ref())
        .and_then(|p| ws.projects.get(p));
    Facts {
        project: project_of(ws, r).to_string(),
        client: project.map(|p| p.client.clone()).unwrap_or_default(),
        resource: ws.request_label(&r.resource_id),
        requester: ws.person_name(&r.creator_id).to_string(),
        approvers: r
            .approver_ids
            .iter()
            .map(|a| ws.person_name(a))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// "W49 ▲112%" cells for each week of an impact, wrapped over at most `max_lines` lines.
fn impact_lines(
    weeks: &[ImpactWeek],
    theme: &Theme,
    width: usize,
    max_lines: usize,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for (i, w) in weeks.iter().enumerate() {
        let pct = utilization_pct(w.load, w.capacity)
            .map(|p| format!("{p}%"))
            .unwrap_or_else(|| "off".into());
        let text = format!("W{} {}{pct}", w.monday.format("%V"), w.level.glyph());
        let len = text.chars().count() + 1;
        let last_line = lines.len() + 1 == max_lines;
        // On the last line, room is kept for "+N weeks" while weeks remain after this one.
        let tag = if last_line && i + 1 < weeks.len() {
            10
        } else {
            0
        };
        if used + len + tag > width {
            if last_line {
                spans.push(Span::styled(
                    format!("+{} weeks", weeks.len() - i),
                    theme.dim(),
                ));
                break;
            }
            lines.push(Line::from(std::mem::take(&mut spans)));
            used = 0;
        }
        used += len;
        spans.push(Span::styled(text, theme.level(w.level)));
        spans.push(Span::raw(" "));
    }
    if !spans.is_empty() {
        lines.push(Line::from(spans));
    }
    lines
}

fn render_detail(state: &State, theme: &Theme, r: &Request, f: &mut Frame, area: Rect) {
    let ws = &state.ws;
    let facts = facts(ws, r);
    let w = area.width as usize;
    let height = area.height as usize;
    let label = |s: &'static str| Span::styled(s, theme.dim());
    let asks = match (r.period, r.percentage) {
        (Some(p), Some(pct)) => format!(
            "{} · {} to {} at {pct}% · {}h",
            facts.resource,
            p.start.format("%a %Y-%m-%d"),
            p.end.format("%a %Y-%m-%d"),
            row_facts(state, r)
                .and_then(|f| f.asked_minutes)
                .map_or_else(|| "…".into(), fmt_hours)
        ),
        _ => facts.resource.clone(),
    };
    let mut lines = vec![
        Line::from(vec![
            label("Project   "),
            Span::raw(truncate(
                &format!("{} ({})", facts.project, facts.client),
                w,
            )),
        ]),
        Line::from(vec![
            label(if r.period.is_some() {
                "Asks for  "
            } else {
                "Resource  "
            }),
            Span::raw(truncate(&asks, w.saturating_sub(10))),
        ]),
        Line::from(vec![
            label("Asked by  "),
            Span::raw(truncate(
                &format!(
                    "{} · {} days ago · {} · approvers: {}",
                    facts.requester,
                    r.age_days(state.today),
                    r.status.as_str(),
                    facts.approvers
                ),
                w.saturating_sub(10),
            )),
        ]),
    ];
    if !r.notes.is_empty() {
        lines.push(Line::from(vec![
            label("Notes     "),
            Span::raw(truncate(&r.notes, w.saturating_sub(10))),
        ]));
    }
    if let Some(e) = state.requests.failures.get(&r.id) {
        lines.push(Line::styled(
            truncate(&format!("✗ Last attempt failed: {e}"), w),
            theme.error(),
        ));
    }
    let person = ws
        .resources
        .get(&r.resource_id)
        .and_then(|x| x.person_id.clone());
    // Room left inside the top border, kept for the load (or candidates) below the list.
    let room = |lines: &Vec<Line>| height.saturating_sub(lines.len() + 1);
    if !r.status.is_pending() && r.period.is_none() {
        lines.push(Line::styled(
            truncate(
                &format!(
                    "{} requests carry no period; this one is {}.",
                    state.backend.name(),
                    r.status.as_str()
                ),
                w,
            ),
            theme.dim(),
        ));
    }
    let Some(worked) = detail(state, r) else {
        lines.push(Line::styled(truncate("Working it out…", w), theme.dim()));
        return finish_detail(state, theme, r, f, area, lines);
    };
    if r.status.is_pending() {
        let hardened: Vec<Hardened> = worked
            .hardened
            .iter()
            .map(|(allocation, minutes)| Hardened {
                allocation,
                minutes: *minutes,
            })
            .collect();
        // Keep two lines for the load (or candidates) under the allocations.
        let keep = if hardened.is_empty() { 0 } else { 2 };
        hardens_lines(
            state,
            r,
            &hardened,
            theme,
            w,
            room(&lines).saturating_sub(keep),
        )
        .into_iter()
        .for_each(|l| lines.push(l));
    }
    let weeks = &worked.weeks;
    match person {
        // No weeks: neither a period nor anything to harden, so no load to show.
        Some(_) if weeks.is_empty() => {}
        Some(person) if room(&lines) > 1 => {
            let when = if r.status.is_pending() {
                "after approval"
            } else {
                "with this request"
            };
            lines.push(Line::styled(
                truncate(
                    &format!(
                        "{}'s weekly load {when} (▲ over capacity):",
                        ws.person_name(&person)
                    ),
                    w,
                ),
                theme.dim(),
            ));
            let room = room(&lines).max(1);
            lines.extend(impact_lines(weeks, theme, w, room));
        }
        None if r.status.is_pending() && room(&lines) > 1 => {
            let Some(worked) = ranked(state, r) else {
                lines.push(Line::styled(
                    truncate("Ranking candidates…", w),
                    theme.dim(),
                ));
                return finish_detail(state, theme, r, f, area, lines);
            };
            let ranked = &worked.candidates;
            let nobody = ranked.first().is_some_and(|c| !c.fits);
            let head = if nobody {
                "Nobody in the role fits under capacity; closest first (free hours, peak week):"
            } else {
                "Best placed (free hours over its dates, peak week with it, why):"
            };
            lines.push(Line::styled(truncate(head, w), theme.dim()));
            if nobody
                && room(&lines) > 1
                && let Some(split) = &worked.split
            {
                // One approval where the backend can book both halves (`can_split`); else
                // who comes closest, as the list below ranks them.
                let text = if state.backend.can_split() {
                    format!(
                        "  {} split: {} {}h + {} {}h fit together, one y/n",
                        state.key(Mode::Requests, C::ApproveSplit),
                        ws.person_name(&split.first),
                        fmt_hours(split.first_minutes),
                        ws.person_name(&split.second),
                        fmt_hours(split.second_minutes)
                    )
                } else {
                    format!(
                        "  {} cannot book a split in one approval; {} comes closest",
                        state.backend.name(),
                        ranked
                            .first()
                            .map(|c| ws.person_name(&c.person))
                            .unwrap_or("nobody")
                    )
                };
                lines.push(Line::styled(truncate(&text, w), theme.text()));
            }
            // The full-view detail (Enter) has room for more than the pane below the queue.
            let most = if state.requests.detail { SHOWN } else { 5 };
            for c in ranked.iter().take(room(&lines).min(most)) {
                lines.push(candidate_line(ws, c, theme, w));
            }
        }
        _ => {}
    }
    finish_detail(state, theme, r, f, area, lines);
}

/// The pane's keys in its top border, and the pane drawn.
fn finish_detail(
    state: &State,
    theme: &Theme,
    r: &Request,
    f: &mut Frame,
    area: Rect,
    lines: Vec<Line<'static>>,
) {
    let w = area.width as usize;
    let keys = if r.status.is_pending() {
        super::hints::line(
            state,
            Mode::Requests,
            &[
                (C::Approve, "approve"),
                (C::ApproveTop, "top"),
                (C::Reject, "reject"),
                (C::MarkRequest, "mark"),
                (C::OpenRequest, "detail"),
            ],
        )
    } else {
        super::hints::line(
            state,
            Mode::Requests,
            &[(C::NextStatus, "shows other statuses")],
        )
    };
    // Narrow, the title keeps the request's number and the keys give way.
    let keys = if w >= 60 { keys } else { String::new() };
    let block = Block::default()
        .borders(Borders::TOP)
        .title(Span::styled(format!(" Request #{} ", r.id), theme.header()))
        .title(Line::from(Span::styled(keys, theme.dim())).right_aligned());
    let inner = block.inner(area.intersection(f.area()));
    f.render_widget(block, area);
    // Written with Pen, as the queue is: the same cells a Paragraph draws, at a fraction of it.
    let buf = f.buffer_mut();
    for (y, line) in lines.iter().enumerate() {
        let mut pen = Pen::new(buf, inner, y as u16);
        for span in &line.spans {
            pen.raw(&span.content, line.style.patch(span.style));
        }
    }
}

/// What approving changes, in at most `max` lines: a heading (saying so plainly where the
/// backend keeps no period), then each allocation approving makes hard with its dates and
/// hours, or why there is none. Only the loaded window is known.
fn hardens_lines(
    state: &State,
    r: &Request,
    hardened: &[Hardened],
    theme: &Theme,
    w: usize,
    max: usize,
) -> Vec<Line<'static>> {
    if max == 0 {
        return Vec::new();
    }
    if !allocations_known(state) {
        return vec![Line::styled(
            truncate("Loading the allocations approving would make hard…", w),
            theme.dim(),
        )];
    }
    let window = state
        .ws
        .index
        .window()
        .map(|d| format!("{}..{}", d.start, d.end))
        .unwrap_or_else(|| "the loaded window".into());
    let head = match r.period {
        None => format!(
            "{} requests carry no period; approving makes {} hard:",
            state.backend.name(),
            if hardened.is_empty() {
                "no allocation"
            } else {
                "these allocations"
            }
        ),
        Some(_) if hardened.is_empty() => "Approving makes no allocation hard:".into(),
        Some(_) => "Approving makes these allocations hard:".into(),
    };
    let mut lines = vec![Line::styled(truncate(&head, w), theme.dim())];
    if hardened.is_empty() {
        lines.push(Line::raw(truncate(
            &format!("  none: this resource has no soft allocation in {window}"),
            w,
        )));
    }
    let total: u64 = hardened.iter().map(|h| h.minutes).sum();
    for (i, h) in hardened.iter().enumerate() {
        if lines.len() + 1 == max && i + 1 < hardened.len() {
            let rest = &hardened[i..];
            lines.push(Line::styled(
                truncate(
                    &format!(
                        "  +{} more, {}h ({}h in all)",
                        rest.len(),
                        fmt_hours(rest.iter().map(|h| h.minutes).sum()),
                        fmt_hours(total)
                    ),
                    w,
                ),
                theme.dim(),
            ));
            break;
        }
        let a = h.allocation;
        let notes = if a.notes.is_empty() {
            String::new()
        } else {
            format!(" · {}", a.notes)
        };
        lines.push(Line::raw(truncate(
            &format!(
                "  {} to {} · {}h soft → hard{notes}",
                a.range.start.format("%a %Y-%m-%d"),
                a.range.end.format("%a %Y-%m-%d"),
                fmt_hours(h.minutes)
            ),
            w,
        )));
    }
    lines.truncate(max);
    lines
}

/// "  Ben Carter (QA Engineer)   42h free  peak W03 82%  same role · fits": one candidate with
/// why they rank there; the peak coloured by its level.
fn candidate_line(ws: &Workspace, c: &Candidate, theme: &Theme, width: usize) -> Line<'static> {
    let (peak_text, style) = match &c.peak {
        Some(w) => (week_text(w), theme.level(w.level)),
        None => (String::new(), theme.text()),
    };
    let role = ws
        .people
        .get(&c.person)
        .map(|p| p.role.as_str())
        .unwrap_or("");
    let free_text = if c.free >= 0 {
        format!("{}h free", fmt_hours(c.free as u64))
    } else {
        format!("{}h over", fmt_hours(c.free.unsigned_abs()))
    };
    let why = format!(
        "{} · {}",
        c.role.label(),
        if c.fits { "fits" } else { "over" }
    );
    // Narrow: the name, the peak and whether they fit; wide: all of it.
    let tail = if width >= 64 { 12 + 1 + 10 + 19 } else { 17 };
    // Their matching skill beside the role where it fits; the name and role come first.
    let skill = crate::domain::skills::beside_role(role, c.skill.as_ref());
    let name = format!("  {} ({role}{skill})", ws.person_name(&c.person));
    let name = if name.width() <= width.saturating_sub(tail) {
        name
    } else {
        format!("  {} ({role})", ws.person_name(&c.person))
    };
    let mut spans = vec![Span::raw(pad(&name, width.saturating_sub(tail)))];
    if width < 64 {
        spans.push(Span::raw(" "));
    }
    if width >= 64 {
        spans.push(Span::raw(pad_left(&free_text, 12)));
        spans.push(Span::raw(" "));
        spans.push(Span::styled(pad(&peak_text, 10), style));
        spans.push(Span::raw(pad(&why, 19)));
    } else {
        spans.push(Span::styled(pad(&peak_text, 11), style));
        spans.push(Span::raw(if c.fits { " fits" } else { " over" }));
    }
    Line::from(spans)
}

/// The person picker overlay: candidates to staff an unnamed resource, or approvers.
pub fn render_pick(state: &State, pick: &PersonPick, theme: &Theme, f: &mut Frame, area: Rect) {
    let width = 72.min(area.width);
    let height = 16.min(area.height);
    if width < 20 || height < 6 {
        return;
    }
    let rect = super::form::centered(area, width, height);
    let inner = (width - 2) as usize;
    let ws = &state.ws;
    let (title, request, soft) = match &pick.purpose {
        PickPurpose::Approve { request, soft, .. } => (
            if *soft {
                " Who staffs it? (books soft) "
            } else {
                " Who staffs it? (books hard) "
            },
            request,
            Some(*soft),
        ),
        PickPurpose::Reassign { request } => (" New approver ", request, None),
    };
    let mut lines = Vec::new();
    if let Some(r) = ws.requests.get(request) {
        let f = facts(ws, r);
        lines.push(Line::raw(truncate(
            &format!(
                "#{} {} · {} · {}",
                r.id,
                f.project,
                f.resource,
                period_cell(r, row_facts(state, r))
            ),
            inner,
        )));
    }
    // The search text, and the terminal cursor at its insertion point.
    const SEARCH: &str = "Search: ";
    let (query, col) = super::line::line_spans(
        &pick.query,
        true,
        inner.saturating_sub(SEARCH.len()),
        theme.header(),
    );
    let search_row = lines.len() as u16;
    lines.push(Line::from(
        std::iter::once(Span::styled(SEARCH, theme.header()))
            .chain(query)
            .collect::<Vec<_>>(),
    ));
    let room = (height as usize).saturating_sub(lines.len() + 3);
    let first = pick.highlight.saturating_sub(room.saturating_sub(1));
    // Ranked as the reducer ranked them: with the picks made before this one.
    for (i, person) in pick.options.iter().enumerate().skip(first).take(room) {
        let mut line = match pick.facts(person) {
            Some(c) => candidate_line(ws, c, theme, inner),
            None => Line::raw(format!(
                "  {} ({})",
                ws.person_name(person),
                ws.people.get(person).map(|p| p.role.as_str()).unwrap_or("")
            )),
        };
        if i == pick.highlight {
            line = line.style(theme.selected());
        }
        lines.push(line);
    }
    if pick.options.is_empty() {
        lines.push(Line::styled("  Nobody matches.", theme.dim()));
    }
    use crate::app::Command as C;
    use crate::app::keys::Mode;
    let hint = match soft {
        Some(s) => super::hints::line(
            state,
            Mode::Picker,
            &[
                (C::Down, "choose"),
                (C::Submit, "pick"),
                // What Tab does now; the title says what is chosen.
                (
                    C::ToggleSoft,
                    if s {
                        "book hard instead"
                    } else {
                        "book soft instead"
                    },
                ),
                (C::Cancel, "cancel"),
            ],
        ),
        None => super::hints::line(
            state,
            Mode::Picker,
            &[
                (C::Down, "choose"),
                (C::Submit, "pick"),
                (C::Cancel, "cancel"),
            ],
        ),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title, theme.header()))
        .title_bottom(Span::styled(hint, theme.dim()));
    f.render_widget(Clear, rect);
    f.render_widget(Paragraph::new(lines).block(block), rect);
    if let Some(col) = col {
        f.set_cursor_position((
            rect.x + 1 + (SEARCH.len() + col) as u16,
            rect.y + 1 + search_row,
        ));
    }
}
