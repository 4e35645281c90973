//! The Requests view: the pending staffing queue and a detail pane for the selected request.

use super::text::{cell, pad, pad_left, truncate};
use super::theme::Theme;
use crate::app::State;
use crate::app::geometry::scroll_offset;
use crate::domain::{Request, Workspace};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn render(state: &State, theme: &Theme, f: &mut Frame, area: Rect) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    if !state.backend.has_requests() {
        let msg = format!(
            "The {} backend has no resource requests.",
            state.backend.label()
        );
        f.render_widget(Paragraph::new(msg).style(theme.dim()), area);
        return;
    }
    if state.queue.is_empty() {
        let msg = if state.loaded {
            "No pending requests. The queue is clear."
        } else {
            "Loading…"
        };
        f.render_widget(Paragraph::new(msg).style(theme.dim()), area);
        return;
    }
    let detail_h = if area.height >= 16 {
        8
    } else if area.height >= 10 {
        5
    } else {
        0
    };
    let [list, detail] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(detail_h)]).areas(area);
    render_list(state, theme, f, list);
    let selected = state
        .queue
        .get(state.requests.selected)
        .and_then(|id| state.ws.requests.get(id));
    if let (true, Some(r)) = (detail_h > 0, selected) {
        render_detail(state, theme, r, f, detail);
    }
}

struct Columns {
    project: usize,
    resource: usize,
    requester: usize,
}

fn columns(width: usize) -> Columns {
    // Fixed: age 5, period 23, percentage 5, gaps.
    let flexible = width.saturating_sub(5 + 23 + 5 + 2);
    let project = flexible * 4 / 10;
    let resource = flexible * 3 / 10;
    Columns {
        project,
        resource,
        requester: flexible.saturating_sub(project + resource),
    }
}

fn render_list(state: &State, theme: &Theme, f: &mut Frame, area: Rect) {
    let c = columns(area.width as usize);
    let mut lines = vec![Line::styled(
        format!(
            "  {}{}{}{}{}{}",
            pad("Age", 5),
            pad("Project", c.project),
            pad("Resource", c.resource),
            pad("Period", 23),
            pad_left("%", 4),
            pad(" Requester", c.requester + 1),
        ),
        theme.header(),
    )];
    let visible = area.height.saturating_sub(1) as usize;
    let offset = scroll_offset(state.requests.selected, visible);
    for (i, id) in state.queue.iter().enumerate().skip(offset).take(visible) {
        let Some(r) = state.ws.requests.get(id) else {
            continue;
        };
        let style = if i == state.requests.selected {
            theme.selected()
        } else {
            theme.text()
        };
        let facts = facts(&state.ws, r);
        lines.push(Line::from(vec![Span::styled(
            format!(
                "  {}{}{}{}{}{}",
                pad(&format!("{}d", r.age_days(state.today)), 5),
                cell(&facts.project, c.project),
                cell(&facts.resource, c.resource),
                pad(&period(r), 23),
                pad_left(&format!("{}%", r.percentage), 4),
                pad(&format!(" {}", facts.requester), c.requester + 1),
            ),
            style,
        )]));
    }
    f.render_widget(Paragraph::new(lines), area);
}

fn period(r: &Request) -> String {
    format!(
        "{} → {}",
        r.period.start.format("%Y-%m-%d"),
        r.period.end.format("%m-%d")
    )
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
        project: project
            .map(|p| p.name.clone())
            .unwrap_or_else(|| "—".into()),
        client: project.map(|p| p.client.clone()).unwrap_or_default(),
        resource: res
            .map(|x| ws.resource_name(x))
            .unwrap_or_else(|| "(unknown resource)".into()),
        requester: ws.person_name(&r.creator_id).to_string(),
        approvers: r
            .approver_ids
            .iter()
            .map(|a| ws.person_name(a))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn render_detail(state: &State, theme: &Theme, r: &Request, f: &mut Frame, area: Rect) {
    let facts = facts(&state.ws, r);
    let w = area.width.saturating_sub(2) as usize;
    let label = |s: &'static str| Span::styled(s, theme.dim());
    let mut lines = vec![
        Line::from(vec![
            label("Project   "),
            Span::raw(truncate(
                &format!("{} ({})", facts.project, facts.client),
                w,
            )),
        ]),
        Line::from(vec![
            label("Resource  "),
            Span::raw(truncate(&facts.resource, w)),
        ]),
        Line::from(vec![
            label("Period    "),
            Span::raw(format!(
                "{} to {} at {}%",
                r.period.start.format("%a %Y-%m-%d"),
                r.period.end.format("%a %Y-%m-%d"),
                r.percentage
            )),
        ]),
        Line::from(vec![
            label("Asked by  "),
            Span::raw(format!(
                "{} · {} days ago · {}",
                facts.requester,
                r.age_days(state.today),
                r.status.as_str()
            )),
        ]),
        Line::from(vec![label("Approvers "), Span::raw(facts.approvers)]),
    ];
    if !r.notes.is_empty() {
        lines.push(Line::from(vec![
            label("Notes     "),
            Span::raw(r.notes.clone()),
        ]));
    }
    let block = Block::default()
        .borders(Borders::TOP)
        .title(Span::styled(format!(" Request #{} ", r.id), theme.header()));
    f.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}
