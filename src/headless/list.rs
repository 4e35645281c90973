//! `allot requests list`: the queue as a table or JSON.

use super::table::Col;
use super::{
    Context, Exit, ListOptions, Lookup, StatusFilter, load, load_requests, write_or_report,
};
use crate::client::Backend;
use crate::client::sanitize::clean;
use crate::domain::impact::{Hardened, approval_hardens, asked_minutes, span_of};
use crate::domain::model::fmt_hours;
use crate::domain::{DateRange, Id, Request, Resource, Workspace};
use chrono::{NaiveDate, SecondsFormat};
use serde::Serialize;
use std::io::{self, Write};

/// `allot requests list`: a table (or JSON) of the requests that pass `opts`, oldest first.
pub async fn list(
    backend: &dyn Backend,
    ctx: &Context,
    opts: &ListOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let lookup = match load(backend, ctx, err).await {
        Ok(l) => l,
        Err(exit) => return exit,
    };
    if opts.mine && lookup.me.is_none() {
        let _ = writeln!(
            err,
            "allot: --mine: this workspace has no current user; say who you are with --user (an id, email or name)"
        );
        return Exit::Usage;
    }
    let mut requests = match load_requests(backend, err).await {
        Ok(r) => r,
        Err(exit) => return exit,
    };
    requests.retain(|q| {
        opts.status.admits(q.status)
            && (!opts.mine
                || lookup
                    .me
                    .as_ref()
                    .is_some_and(|me| q.approver_ids.contains(me)))
    });
    requests.sort_by(|a, b| {
        (a.created_at, a.id.as_number(), &a.id).cmp(&(b.created_at, b.id.as_number(), &b.id))
    });
    let ws = match approval_workspace(backend, ctx, &lookup, !requests.is_empty(), err).await {
        Ok(ws) => ws,
        Err(exit) => return exit,
    };
    let approval = Approval {
        ws: &ws,
        window: crate::app::state::initial_window(ctx.today),
    };
    let written = if opts.json {
        write_json(&lookup, &approval, &requests, ctx.today, out)
    } else {
        write_table(&lookup, &approval, &requests, opts, ctx, out)
    };
    write_or_report(written, out, err, "the list")
}

/// The workspace approvals are judged against, and the window its allocations cover.
pub(super) struct Approval<'a> {
    pub ws: &'a Workspace,
    pub window: DateRange,
}

/// The workspace with the allocations of the window the app loads first (what approving
/// changes is read from them: a Kantata request has no period of its own; `domain::impact`).
/// Without `needed` the allocations are not read.
pub(super) async fn approval_workspace(
    backend: &dyn Backend,
    ctx: &Context,
    lookup: &Lookup,
    needed: bool,
    err: &mut dyn Write,
) -> Result<Workspace, Exit> {
    let window = crate::app::state::initial_window(ctx.today);
    let mut ws = Workspace::from_roster(lookup.roster.clone());
    if needed {
        match backend.allocations(window).await {
            Ok(a) => ws.set_allocations(window, a),
            Err(e) => {
                let _ = writeln!(
                    err,
                    "allot: cannot read the allocations approving would change: {}",
                    clean(&e.to_string())
                );
                return Err(Exit::Failed);
            }
        }
    }
    Ok(ws)
}

/// The request's own period, or "-" where the backend keeps none (Kantata).
fn period(q: &Request) -> String {
    q.period
        .map(|p| format!("{}..{}", p.start, p.end))
        .unwrap_or_else(|| "-".into())
}

/// What approving hardens: "2 (83.8h) 2026-12-28..2027-01-22" (how many allocations, their
/// hours, their span), or "none".
fn hardens_text(hardened: &[Hardened]) -> String {
    match span_of(hardened) {
        Some(span) => format!(
            "{} ({}h) {}..{}",
            hardened.len(),
            fmt_hours(hardened.iter().map(|h| h.minutes).sum()),
            span.start,
            span.end
        ),
        None => "none".into(),
    }
}

fn write_table(
    lookup: &Lookup,
    approval: &Approval,
    requests: &[Request],
    opts: &ListOptions,
    ctx: &Context,
    out: &mut dyn Write,
) -> io::Result<()> {
    let today = ctx.today;
    if requests.is_empty() {
        let which = match opts.status {
            StatusFilter::All => "requests".to_string(),
            only => format!("{} requests", only.label()),
        };
        let whose = match (&lookup.me, opts.mine) {
            (Some(me), true) => format!(" for {} to approve", lookup.person_name(me)),
            _ => String::new(),
        };
        return writeln!(out, "No {which}{whose}.");
    }
    const HEADER: [&str; 10] = [
        "ID",
        "AGE",
        "PROJECT",
        "RESOURCE",
        "PERIOD",
        "PCT",
        "HARDENS",
        "REQUESTER",
        "APPROVERS",
        "STATUS",
    ];
    // At any width what the request is (project, resource) stays, cut if it must; numbers and
    // people go first (the full detail is `allot requests show ID`).
    const fn col(right: bool, drop: u8) -> Col {
        Col {
            right,
            drop,
            shrink: false,
        }
    }
    const NAMES: Col = Col {
        right: false,
        drop: 0,
        shrink: true,
    };
    // The status says something only when several are listed: else it goes first.
    let status = match opts.status {
        StatusFilter::All => col(false, 1),
        _ => col(false, 10),
    };
    // Where the backend keeps no period (Kantata), what approving hardens is the only "when".
    let hardens = if requests.iter().any(|q| q.period.is_some()) {
        col(false, 9)
    } else {
        col(false, 2)
    };
    let cols: [Col; 10] = [
        Col::KEEP,
        col(true, 6),
        NAMES,
        NAMES,
        col(false, 2),
        col(true, 3),
        hardens,
        col(false, 7),
        col(false, 8),
        status,
    ];
    let mut rows: Vec<[String; 10]> = Vec::with_capacity(requests.len() + 1);
    rows.push(HEADER.map(String::from));
    for q in requests {
        let r = lookup.resource(&q.resource_id);
        let approvers: Vec<String> = q
            .approver_ids
            .iter()
            .map(|a| lookup.person_name(a))
            .collect();
        rows.push([
            clean(q.id.as_str()),
            format!("{}d", q.age_days(today)),
            lookup
                .project_of(r)
                .map(|p| clean(&p.name))
                .unwrap_or_else(|| "-".into()),
            lookup.resource_name(r, &q.resource_id),
            period(q),
            q.percentage
                .map(|p| format!("{p}%"))
                .unwrap_or_else(|| "-".into()),
            if q.status.is_pending() {
                hardens_text(&approval_hardens(approval.ws, q))
            } else {
                "-".into()
            },
            lookup.person_name(&q.creator_id),
            approvers.join(", "),
            q.status.as_str().to_string(),
        ]);
    }
    super::table::write(out, &rows, &cols, ctx.width)
}

#[derive(Serialize)]
pub(super) struct JsonRequest {
    id: String,
    status: &'static str,
    created_at: String,
    age_days: i64,
    project: Option<JsonProject>,
    resource: JsonResource,
    /// `null` where the backend keeps no period (Kantata).
    period: Option<JsonPeriod>,
    /// `null` where the backend keeps no share (Kantata).
    percentage: Option<u32>,
    /// The hours asked: `percentage` of the resource's capacity over `period`, as the
    /// Requests view shows them (`null` where the backend keeps neither).
    hours: Option<f64>,
    /// The requester's notes ("" when there are none).
    notes: String,
    /// What approving changes: the resource's soft allocations that become hard, among those
    /// in `approval_hardens_within` (empty for a resolved request).
    approval_hardens: Vec<JsonHardened>,
    approval_hardens_within: JsonPeriod,
    requester: JsonPerson,
    approvers: Vec<JsonPerson>,
}

#[derive(Serialize)]
struct JsonProject {
    id: String,
    name: String,
    client: String,
}

#[derive(Serialize)]
struct JsonResource {
    id: String,
    /// The person's name, or "○ Role" for an unnamed resource (as the Requests view).
    name: String,
    role: String,
    unnamed: bool,
}

#[derive(Serialize)]
struct JsonPeriod {
    start: String,
    end: String,
}

#[derive(Serialize)]
struct JsonHardened {
    allocation_id: String,
    start: String,
    end: String,
    hours: f64,
}

#[derive(Serialize)]
struct JsonPerson {
    id: String,
    name: String,
}

fn write_json(
    lookup: &Lookup,
    approval: &Approval,
    requests: &[Request],
    today: NaiveDate,
    out: &mut dyn Write,
) -> io::Result<()> {
    let items: Vec<JsonRequest> = requests
        .iter()
        .map(|q| json_request(lookup, approval, q, today))
        .collect();
    let text = serde_json::to_string_pretty(&items).map_err(io::Error::other)?;
    writeln!(out, "{text}")
}

/// One request as `list --json` and `show --json` print it.
pub(super) fn json_request(
    lookup: &Lookup,
    approval: &Approval,
    q: &Request,
    today: NaiveDate,
) -> JsonRequest {
    let person = |id: &Id| JsonPerson {
        id: clean(id.as_str()),
        name: lookup.person_name(id),
    };
    let r = lookup.resource(&q.resource_id);
    JsonRequest {
        id: clean(q.id.as_str()),
        status: q.status.as_str(),
        created_at: q.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        age_days: q.age_days(today),
        project: lookup.project_of(r).map(|p| JsonProject {
            id: clean(p.id.as_str()),
            name: clean(&p.name),
            client: clean(&p.client),
        }),
        resource: JsonResource {
            id: clean(q.resource_id.as_str()),
            name: lookup.resource_name(r, &q.resource_id),
            role: r.map(|r| clean(&r.role)).unwrap_or_default(),
            unnamed: r.is_some_and(Resource::is_unnamed),
        },
        period: q.period.map(|p| JsonPeriod {
            start: p.start.to_string(),
            end: p.end.to_string(),
        }),
        percentage: q.percentage,
        hours: asked_minutes(approval.ws, q).map(hours),
        notes: clean(&q.notes),
        approval_hardens: if q.status.is_pending() {
            approval_hardens(approval.ws, q)
                .iter()
                .map(|h| JsonHardened {
                    allocation_id: clean(h.allocation.id.as_str()),
                    start: h.allocation.range.start.to_string(),
                    end: h.allocation.range.end.to_string(),
                    hours: hours(h.minutes),
                })
                .collect()
        } else {
            Vec::new()
        },
        approval_hardens_within: JsonPeriod {
            start: approval.window.start.to_string(),
            end: approval.window.end.to_string(),
        },
        requester: person(&q.creator_id),
        approvers: q.approver_ids.iter().map(person).collect(),
    }
}

/// Hours to two decimals (minutes are whole).
pub(super) fn hours(minutes: u64) -> f64 {
    (minutes as f64 / 60.0 * 100.0).round() / 100.0
}
