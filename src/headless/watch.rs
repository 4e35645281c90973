//! `allot requests watch`: each new pending request for me, printed as it arrives (for a tmux
//! status line or a notifier), until Ctrl-c or SIGTERM.
//!
//! Polling, politely: one read of the request list per interval (30 s unless `--interval`
//! says otherwise, never under 5 s). Neither vendor publishes a polling rule: Kantata's general
//! rate limits have no public numbers and it asks to "retry after a small delay" on 429 (which
//! the client's transport does); Ruddr allows 20 requests a second per workspace but keeps no
//! staffing requests. Two list reads a minute, and the roster only when a request names
//! someone or something not seen yet, stay far inside either. After a failed poll the wait
//! doubles, up to 5 minutes, and the failure is said once until a poll works again.

use super::list::{Approval, approval_workspace, json_request};
use super::{Context, Exit, Lookup, load, load_requests};
use crate::client::Backend;
use crate::client::sanitize::clean;
use crate::domain::{Id, Request, Workspace};
use std::collections::HashSet;
use std::io::Write;
use std::time::Duration;

/// The default wait between polls.
pub const INTERVAL: Duration = Duration::from_secs(30);
/// The shortest wait allowed.
pub const MIN_INTERVAL: Duration = Duration::from_secs(5);
/// The longest wait after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

pub struct WatchOptions {
    pub interval: Duration,
    pub json: bool,
}

/// Runs until `stop` resolves (a signal in the binary); prints nothing for the requests already
/// pending when it starts.
pub async fn watch(
    backend: &dyn Backend,
    ctx: &Context,
    opts: &WatchOptions,
    stop: impl std::future::Future<Output = ()>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let mut lookup = match load(backend, ctx, err).await {
        Ok(l) => l,
        Err(exit) => return exit,
    };
    let Some(me) = lookup.me.clone() else {
        let _ = writeln!(
            err,
            "allot: watch: this workspace has no current user; say who you are with --user (an id, email or name)"
        );
        return Exit::Usage;
    };
    let mut seen: HashSet<Id> = match load_requests(backend, err).await {
        Ok(r) => r.into_iter().map(|q| q.id).collect(),
        Err(exit) => return exit,
    };
    let _ = writeln!(
        err,
        "allot: watching for new pending requests for {} (every {} s; Ctrl-c ends)",
        lookup.person_name(&me),
        opts.interval.as_secs()
    );
    let mut wait = opts.interval;
    let mut failing = false;
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => return Exit::Success,
            _ = tokio::time::sleep(wait) => {}
        }
        let requests = match backend.requests().await {
            Ok(r) => r,
            Err(e) => {
                if !std::mem::replace(&mut failing, true) {
                    let _ = writeln!(
                        err,
                        "allot: cannot read the requests (trying again, less often): {}",
                        clean(&e.to_string())
                    );
                }
                wait = (wait * 2).min(MAX_BACKOFF.max(opts.interval));
                continue;
            }
        };
        if std::mem::take(&mut failing) {
            let _ = writeln!(err, "allot: reading the requests again");
        }
        wait = opts.interval;
        let new: Vec<Request> = requests
            .into_iter()
            .filter(|q| seen.insert(q.id.clone()))
            .filter(|q| q.status.is_pending() && q.approver_ids.contains(&me))
            .collect();
        if new.is_empty() {
            continue;
        }
        // A new request may name a resource (or person) created with it.
        if new
            .iter()
            .any(|q| lookup.resource(&q.resource_id).is_none())
            && let Ok(l) = load(backend, ctx, &mut std::io::sink()).await
        {
            lookup = l;
        }
        // JSON says what approving hardens: that needs the allocations (text does not).
        let ws = if opts.json {
            match approval_workspace(backend, ctx, &lookup, true, err).await {
                Ok(ws) => ws,
                Err(_) => Workspace::from_roster(lookup.roster.clone()),
            }
        } else {
            Workspace::from_roster(lookup.roster.clone())
        };
        let approval = Approval {
            ws: &ws,
            window: crate::app::state::initial_window(ctx.today),
        };
        for q in &new {
            let line = if opts.json {
                serde_json::to_string(&json_request(&lookup, &approval, q, ctx.today))
                    .unwrap_or_default()
            } else {
                line(&lookup, q)
            };
            if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
                // Whoever read it went away (a closed pipe): nothing more to say to anyone.
                return Exit::Success;
            }
        }
    }
}

/// "5021 Atlas Mobile App · ○ Engineer · 2026-12-07..2026-12-18 at 100% · from Marcus Bell".
fn line(lookup: &Lookup, q: &Request) -> String {
    let r = lookup.resource(&q.resource_id);
    let project = lookup
        .project_of(r)
        .map(|p| clean(&p.name))
        .unwrap_or_else(|| "-".into());
    let when = match (q.period, q.percentage) {
        (Some(p), Some(pct)) => format!(" · {}..{} at {pct}%", p.start, p.end),
        _ => String::new(),
    };
    format!(
        "{} {project} · {}{when} · from {}",
        clean(q.id.as_str()),
        lookup.resource_name(r, &q.resource_id),
        lookup.person_name(&q.creator_id)
    )
}
