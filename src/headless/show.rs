//! `allot requests show ID [--json]`: one request in full, and for an unnamed resource the
//! people best placed to staff it.

use super::list::{Approval, JsonRequest, approval_workspace, json_request};
use super::table::Col;
use super::{Context, Exit, Lookup, load, load_requests, write_or_report};
use crate::client::Backend;
use crate::client::sanitize::clean;
use crate::domain::impact::asked_minutes;
use crate::domain::model::fmt_hours;
use crate::domain::skills;
use crate::domain::{Id, Request, Workspace};
use serde::Serialize;
use std::io::{self, Write};

/// How many candidates the text shows (the JSON has everyone, in rank order).
const SHOWN: usize = 5;

#[derive(Serialize)]
struct Shown {
    #[serde(flatten)]
    request: JsonRequest,
    /// For a pending request on an unnamed resource: everyone, best placed first.
    #[serde(skip_serializing_if = "Option::is_none")]
    candidates: Option<Vec<Candidate>>,
    /// Where nobody fits alone: two people who together fit, the first taking what fits under
    /// their capacity each week and the second the rest, as the Requests view offers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    split: Option<[SplitShare; 2]>,
}

/// One person's share of a split.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SplitShare {
    pub id: String,
    pub name: String,
    pub hours: f64,
}

/// A person who could staff an unnamed resource.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub role: String,
    /// Capacity minus load over the request's dates, before it (negative: already over).
    pub free_hours: f64,
    /// Their busiest week over the request's dates with it, in percent of that week's capacity
    /// (`null` when no week has capacity).
    pub peak_percent: Option<u64>,
    /// Whether every week with the request stays within their capacity.
    pub fits: bool,
    /// Their skill matching the role asked for (`domain::skills`), which breaks ties between
    /// people placed alike; `null` where they have none or the backend keeps no skills.
    pub skill: Option<JsonSkill>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JsonSkill {
    pub name: String,
    /// 1 to 5; 0 for a skill without a level.
    pub level: u8,
}

/// The people to staff `q`'s unnamed resource with, in the Requests view's order
/// (`domain::candidates`: exact role, then related roles; who fits first; then the matching
/// skill's level, then free hours),
/// each with their free hours, peak week and whether they fit, and the split where nobody fits
/// alone; names cleaned for the terminal.
pub fn ranked(ws: &Workspace, q: &Request) -> (Vec<Candidate>, Option<[SplitShare; 2]>) {
    let want = ws
        .resources
        .get(&q.resource_id)
        .map(|r| r.role.as_str())
        .unwrap_or("");
    let (facts, split) = crate::domain::candidates::candidate_facts(ws, q);
    let share = |id: &Id, minutes: u64| SplitShare {
        id: clean(id.as_str()),
        name: clean(ws.person_name(id)),
        hours: (minutes as f64 / 60.0 * 100.0).round() / 100.0,
    };
    let split = split.map(|s| {
        [
            share(&s.first, s.first_minutes),
            share(&s.second, s.second_minutes),
        ]
    });
    let candidates = facts
        .into_iter()
        .map(|c| Candidate {
            skill: skills::for_role(ws, &Id::new(&c.id), want).map(|(name, level)| JsonSkill {
                name: clean(&name),
                level,
            }),
            id: clean(&c.id),
            name: clean(&c.name),
            role: clean(&c.role),
            free_hours: c.free_hours,
            peak_percent: c.peak_percent,
            fits: c.fits,
        })
        .collect();
    (candidates, split)
}

pub async fn show(
    backend: &dyn Backend,
    ctx: &Context,
    id: &str,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let lookup = match load(backend, ctx, err).await {
        Ok(l) => l,
        Err(exit) => return exit,
    };
    let requests = match load_requests(backend, err).await {
        Ok(r) => r,
        Err(exit) => return exit,
    };
    let id = Id::new(id.trim());
    let Some(q) = requests.into_iter().find(|q| q.id == id) else {
        let _ = writeln!(
            err,
            "allot: request {}: there is no request with that id",
            clean(id.as_str())
        );
        return Exit::Failed;
    };
    let ws = match approval_workspace(backend, ctx, &lookup, true, err).await {
        Ok(ws) => ws,
        Err(exit) => return exit,
    };
    let approval = Approval {
        ws: &ws,
        window: crate::app::state::initial_window(ctx.today),
    };
    let unnamed = lookup
        .resource(&q.resource_id)
        .is_some_and(|r| r.is_unnamed());
    let (candidates, split) = match (unnamed && q.status.is_pending()).then(|| ranked(&ws, &q)) {
        Some((candidates, split)) => (Some(candidates), split),
        None => (None, None),
    };
    let written = if json {
        let shown = Shown {
            request: json_request(&lookup, &approval, &q, ctx.today),
            candidates,
            split,
        };
        serde_json::to_string_pretty(&shown)
            .map_err(io::Error::other)
            .and_then(|text| writeln!(out, "{text}"))
    } else {
        write_text(
            &lookup,
            &ws,
            &q,
            candidates.as_deref(),
            split.as_ref(),
            ctx,
            out,
        )
    };
    write_or_report(written, out, err, "the request")
}

fn write_text(
    lookup: &Lookup,
    ws: &Workspace,
    q: &Request,
    candidates: Option<&[Candidate]>,
    split: Option<&[SplitShare; 2]>,
    ctx: &Context,
    out: &mut dyn Write,
) -> io::Result<()> {
    let r = lookup.resource(&q.resource_id);
    writeln!(
        out,
        "Request {} · {} · {}d old",
        clean(q.id.as_str()),
        q.status.as_str(),
        q.age_days(ctx.today)
    )?;
    let project = lookup
        .project_of(r)
        .map(|p| format!("{} ({})", clean(&p.name), clean(&p.client)))
        .unwrap_or_else(|| "-".into());
    writeln!(out, "Project    {project}")?;
    writeln!(
        out,
        "Resource   {}",
        lookup.resource_name(r, &q.resource_id)
    )?;
    if let (Some(p), Some(pct)) = (q.period, q.percentage) {
        let asked = asked_minutes(ws, q).unwrap_or(0);
        writeln!(
            out,
            "Asks for   {} to {} at {pct}% · {}h",
            p.start,
            p.end,
            fmt_hours(asked)
        )?;
    }
    writeln!(out, "Requester  {}", lookup.person_name(&q.creator_id))?;
    let approvers: Vec<String> = q
        .approver_ids
        .iter()
        .map(|a| lookup.person_name(a))
        .collect();
    writeln!(out, "Approvers  {}", approvers.join(", "))?;
    if !q.notes.trim().is_empty() {
        writeln!(out, "Notes      {}", clean(q.notes.trim()))?;
    }
    if let Some(candidates) = candidates {
        writeln!(
            out,
            "Best placed to staff it (free hours over its dates, peak week with it):"
        )?;
        let rows: Vec<[String; 3]> = candidates
            .iter()
            .take(SHOWN)
            .map(|c| {
                let free = if c.free_hours >= 0.0 {
                    format!("{}h free", fmt_hours((c.free_hours * 60.0).round() as u64))
                } else {
                    format!("{}h over", fmt_hours((-c.free_hours * 60.0).round() as u64))
                };
                let peak = match (c.peak_percent, c.fits) {
                    (Some(p), true) => format!("peak {p}%, fits"),
                    (Some(p), false) => format!("peak ▲{p}%"),
                    (None, _) => "no capacity then".into(),
                };
                // The skill beside the role, as the Requests view says it.
                let skill = c.skill.as_ref().map(|s| (s.name.clone(), s.level));
                let skill = skills::beside_role(&c.role, skill.as_ref());
                [format!("  {} ({}{skill})", c.name, c.role), free, peak]
            })
            .collect();
        let name = Col {
            shrink: true,
            ..Col::KEEP
        };
        let free = Col {
            right: true,
            ..Col::KEEP
        };
        super::table::write(out, &rows, &[name, free, Col::KEEP], ctx.width)?;
        if candidates.len() > SHOWN {
            writeln!(out, "  … {} more with --json", candidates.len() - SHOWN)?;
        }
        if let Some([a, b]) = split {
            let hours = |s: &SplitShare| fmt_hours((s.hours * 60.0).round() as u64);
            let said = format!(
                "Nobody fits alone; {} {}h + {} {}h fit together (the Requests view books that as one approval)",
                a.name,
                hours(a),
                b.name,
                hours(b)
            );
            for line in crate::app::geometry::wrap(&said, ctx.width) {
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(())
}
