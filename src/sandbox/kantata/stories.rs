//! Daily Scheduled Hours (story allocation days) in Kantata's shape, from the store's scheduled
//! hours.
//!
//! Documents (repo `api-evangelist/mavenlink`, folder `openapi/`, commit 9ac9ec8):
//! - SAD = `mavenlink-daily-scheduled-hours-story-allocation-days-api-openapi.yml`: `GET
//!   /story_allocation_days` and `/story_allocation_days/{id}`, their parameters, and the
//!   `StoryAllocationDay`, `Assignment` and `Story` schemas;
//! - AS = `mavenlink-assignments-api-openapi.yml`; ST = `mavenlink-stories-api-openapi.yml`.
//!
//! The store keeps minutes per resource and week; Kantata keeps them per day on an assignment
//! ("An Assignment represents the relationship of a resource to a task. It owns Story
//! Allocation Days", SAD `Assignment`). So each resource with scheduled hours has one task
//! (story) in its workspace and one active assignment on it, and a week's minutes are spread
//! over the days the resource works that week (whole minutes, the remainder on the first
//! days), or on its Monday when it works none. Summed per resource and week the days are
//! exactly the store's weeks.
//!
//! "The response includes Daily Scheduled Hours that are part of inactive Assignments, by
//! default" (SAD GET). The store has no such days, so every fifth resource with scheduled hours
//! also has a former (inactive) assignment holding an hour on the Tuesday of each of its weeks:
//! days that count for nobody's scheduled hours, there so a client that leaves out `current`
//! reads too much.
//!
//! Days are never edited here (the store's scheduled hours have no writes), so their
//! `created_at`/`updated_at` are invented once: spread over the month before the sandbox
//! started, by id, so the default order `updated_at:desc` is not the id order.

use super::format::{
    self, ApiError, ApiResult, Envelope, MAX_PER_PAGE, Paging, Params, day, int_id, path_id, time,
};
use super::{Shared, snapshot};
use crate::client::Backend;
use crate::domain::dates::add_days;
use crate::domain::{Id, Resource};
use crate::sandbox::Core;
use crate::sandbox::cache::{Snapshot, everything};
use axum::extract::{Path, State};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex, PoisonError, Weak};

const KEY: &str = "story_allocation_days";

/// One assignment of a resource to its scheduled-work task.
struct Assignment {
    id: Id,
    story: Id,
    resource: Resource,
    current: bool,
    /// "The calculated sum of the assignment's Story Allocation Day minutes" (SAD `Assignment`).
    allocated: u64,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
}

struct StoryDay {
    id: Id,
    /// Index into [`Days::assignments`].
    assignment: usize,
    date: NaiveDate,
    minutes: u32,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
}

/// Every day and assignment, in id order.
struct Days {
    assignments: Vec<Assignment>,
    days: Vec<StoryDay>,
}

/// Ids: the resource's number with a digit for the assignment (1 active, 2 former) and its
/// task (3, 4); a day's is its assignment's followed by its date (six digits of days from the
/// Common Era). A resource id that is not a number below 10⁹ gets a stable number from its
/// text (so a day's id stays within a u64).
fn number_of(resource: &Id) -> u64 {
    resource
        .as_number()
        .filter(|&n| n < 1_000_000_000)
        .unwrap_or_else(|| {
            crate::client::fingerprint(resource.as_str()).rem_euclid(1_000_000_000) as u64
        })
}

fn day_id(assignment: u64, date: NaiveDate) -> u64 {
    assignment * 1_000_000 + (date.num_days_from_ce().max(0) as u64 % 1_000_000)
}

/// `minutes` spread over `days` in whole minutes, the remainder on the first ones.
fn spread(minutes: u32, days: usize) -> Vec<u32> {
    let n = days.max(1) as u32;
    (0..n)
        .map(|i| minutes / n + u32::from(i < minutes % n))
        .collect()
}

fn build(snap: &Snapshot, start: DateTime<Utc>, weeks: Vec<crate::domain::ScheduledWeek>) -> Days {
    let stamp = |id: u64| {
        let back = crate::client::fingerprint(&id.to_string()).rem_euclid(30 * 24 * 60);
        let updated = start - TimeDelta::minutes(back);
        (updated - TimeDelta::days(1), updated)
    };
    let mut assignments: Vec<Assignment> = Vec::new();
    let mut days = Vec::new();
    let mut of_resource: std::collections::HashMap<Id, (usize, Option<usize>)> =
        std::collections::HashMap::new();
    for w in weeks {
        let Some(resource) = snap.resource(&w.resource_id) else {
            continue;
        };
        let n = number_of(&resource.id);
        let &mut (active, former) = of_resource.entry(resource.id.clone()).or_insert_with(|| {
            let mut add = |digit: u64, current: bool| {
                let id = n * 10 + digit;
                let (created, updated) = stamp(id);
                assignments.push(Assignment {
                    id: Id::from(id),
                    story: Id::from(id + 2),
                    resource: resource.clone(),
                    current,
                    allocated: 0,
                    created,
                    updated,
                });
                assignments.len() - 1
            };
            let active = add(1, true);
            let former = n.is_multiple_of(5).then(|| add(2, false));
            (active, former)
        });
        let calendar = snap.calendar_of(&resource.id);
        let mut working: Vec<NaiveDate> = (0..7)
            .map(|i| add_days(w.monday, i))
            .filter(|d| calendar.capacity(*d) > 0)
            .collect();
        if working.is_empty() {
            working.push(w.monday);
        }
        let mut put = |a: usize, date: NaiveDate, minutes: u32| {
            if minutes == 0 {
                return;
            }
            let number = assignments[a].id.as_number().unwrap_or(0);
            let id = day_id(number, date);
            let (created, updated) = stamp(id);
            assignments[a].allocated += u64::from(minutes);
            days.push(StoryDay {
                id: Id::from(id),
                assignment: a,
                date,
                minutes,
                created,
                updated,
            });
        };
        for (date, m) in working.iter().zip(spread(w.minutes, working.len())) {
            put(active, *date, m);
        }
        if let Some(f) = former {
            put(f, add_days(w.monday, 1), 60);
        }
    }
    days.sort_by_key(|d| d.id.as_number());
    Days { assignments, days }
}

/// The days built for each live snapshot: building them reads the store and walks every week
/// (most of a page's cost), and a client pages through one listing of one snapshot. A
/// snapshot's days never change (the store's scheduled hours have no writes); a dead
/// snapshot's entry goes with the next build.
static BUILT: Mutex<Vec<(Weak<Snapshot>, Arc<Days>)>> = Mutex::new(Vec::new());

async fn days_of(core: &Core, snap: &Arc<Snapshot>) -> Result<Arc<Days>, ApiError> {
    let lock = || BUILT.lock().unwrap_or_else(PoisonError::into_inner);
    let of = |built: &[(Weak<Snapshot>, Arc<Days>)]| {
        built
            .iter()
            .find(|(w, _)| w.upgrade().is_some_and(|s| Arc::ptr_eq(&s, snap)))
            .map(|(_, d)| Arc::clone(d))
    };
    if let Some(days) = of(&lock()) {
        return Ok(days);
    }
    let weeks = core
        .backend
        .scheduled_hours(everything())
        .await
        .map_err(|e| ApiError::backend(e, format::kantata_field))?;
    let days = Arc::new(build(snap, core.cache.stamps.start(), weeks));
    let mut built = lock();
    built.retain(|(w, _)| w.strong_count() > 0);
    built.push((Arc::downgrade(snap), Arc::clone(&days)));
    Ok(days)
}

// ---- filters ----------------------------------------------------------------------------------

/// `date_between`: "Requires a colon separated pair of dates in YYYY-MM-DD format. Results are
/// inclusive of the endpoints. If a date is not passed in, it is interpreted as negative or
/// positive infinity" (SAD). SAD does not say how a malformed value is answered; strictest
/// plausible: a 422 naming the parameter.
fn date_between(v: &str) -> Result<(Option<NaiveDate>, Option<NaiveDate>), ApiError> {
    let bad = || {
        ApiError::invalid(
            "date_between",
            format!(
                "date_between takes two dates separated by a colon, like 2026-11-01:2026-11-30 (either may be left out), not '{v}'"
            ),
        )
    };
    let (a, b) = v.split_once(':').ok_or_else(bad)?;
    let side = |s: &str| -> Result<Option<NaiveDate>, ApiError> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        // A date only: the value is a pair of `YYYY-MM-DD`, not datetimes.
        if s.len() != 10 {
            return Err(bad());
        }
        format::date_value(&Value::String(s.to_string()))
            .map(Some)
            .ok_or_else(bad)
    };
    Ok((side(a)?, side(b)?))
}

/// An integer filter (`assignee_id`, `assignment_id`, `story_id`, `workspace_id`: "type:
/// integer", SAD). A value that is not one matches nothing: strictest plausible, as SAD is
/// silent.
fn one_id(params: &Params, key: &str) -> Option<Id> {
    params.get(key).map(|v| Id::new(v.trim()))
}

/// A boolean filter with a documented default (`include_unnamed` false, `in_unarchived_*` true).
fn flag_or(params: &Params, key: &str, default: bool) -> bool {
    match params.get(key) {
        None => default,
        Some(_) => params.flag(key),
    }
}

/// Indices of the days `params` selects (between `from` and `to`, its `date_between`), in the
/// order asked for.
fn select(
    days: &Days,
    params: &Params,
    (from, to): (Option<NaiveDate>, Option<NaiveDate>),
) -> Vec<usize> {
    let only = params.ids("only");
    let (assignee, assignment, story, workspace) = (
        one_id(params, "assignee_id"),
        one_id(params, "assignment_id"),
        one_id(params, "story_id"),
        one_id(params, "workspace_id"),
    );
    // `current`: "Returns Daily Scheduled Hours that belong to active Assignments";
    // `uncurrent`: "… inactive Assignments" (SAD). Only a true value filters (a false one asks
    // for no filter); both true leaves nothing, as each filter applies.
    let (current, uncurrent) = (params.flag("current"), params.flag("uncurrent"));
    // `include_unnamed`: "Includes Daily Scheduled Hours from Assignments with unnamed
    // resources … Set to `False` by default" (SAD).
    let with_unnamed = flag_or(params, "include_unnamed", false);
    // `in_unarchived_workspaces`: "Returns Daily Scheduled Hours that belong to active (not
    // archived) Workspaces", default true (SAD). `in_unarchived_stories` (default true) has
    // nothing to hide: the sandbox's tasks are never archived.
    let unarchived_only = flag_or(params, "in_unarchived_workspaces", true);
    let mut view: Vec<usize> = days
        .days
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            let a = &days.assignments[d.assignment];
            let r = &a.resource;
            let archived = r.project_id.as_ref().is_some_and(|p| {
                crate::client::local::demo::ARCHIVED_PROJECTS.contains(&p.as_str())
            });
            only.as_ref().is_none_or(|o| o.contains(&d.id))
                && from.is_none_or(|f| d.date >= f)
                && to.is_none_or(|t| d.date <= t)
                && (!current || a.current)
                && (!uncurrent || !a.current)
                && (with_unnamed || !r.is_unnamed())
                && (!unarchived_only || !archived)
                && assignee
                    .as_ref()
                    .is_none_or(|u| r.person_id.as_ref() == Some(u))
                && assignment.as_ref().is_none_or(|x| *x == a.id)
                && story.as_ref().is_none_or(|s| *s == a.story)
                && workspace
                    .as_ref()
                    .is_none_or(|w| r.project_id.as_ref() == Some(w))
        })
        .map(|(i, _)| i)
        .collect();
    sort(&mut view, &days.days, pick_order(params));
    view
}

// ---- order ------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum By {
    CreatedAt,
    Date,
    Id,
    UpdatedAt,
}

/// `order`: "Valid values: `created_at:asc`, `created_at:desc`, `date:asc`, `date:desc`,
/// `id:asc`, `id:desc`, `updated_at:asc`, and `updated_at:desc`", default `updated_at:desc`
/// (SAD). An order not in that list means the default, and ties go by id ascending, as
/// Brainstem does (order.rs, capacity-apis.md §7). `order.rs` keys records by times and names
/// only; this is the one list also sorted by a date and by id, so it sorts here.
const ORDERS: [(&str, By, bool); 8] = [
    ("created_at:asc", By::CreatedAt, false),
    ("created_at:desc", By::CreatedAt, true),
    ("date:asc", By::Date, false),
    ("date:desc", By::Date, true),
    ("id:asc", By::Id, false),
    ("id:desc", By::Id, true),
    ("updated_at:asc", By::UpdatedAt, false),
    ("updated_at:desc", By::UpdatedAt, true),
];

fn pick_order(params: &Params) -> (By, bool) {
    params
        .get("order")
        .and_then(|o| ORDERS.iter().find(|(name, _, _)| *name == o.trim()))
        .map_or((By::UpdatedAt, true), |&(_, by, down)| (by, down))
}

fn sort(view: &mut [usize], days: &[StoryDay], (by, down): (By, bool)) {
    view.sort_by_cached_key(|&i| {
        let d = &days[i];
        let id = d.id.as_number().unwrap_or(u64::MAX);
        let primary = match by {
            By::CreatedAt => d.created.timestamp(),
            By::UpdatedAt => d.updated.timestamp(),
            By::Date => i64::from(d.date.num_days_from_ce()),
            By::Id => id as i64,
        };
        (if down { -primary } else { primary }, id)
    });
}

// ---- the answer -------------------------------------------------------------------------------

/// One day, with what `include` asks for: "`assignment_id` / `story_id` / `workspace_id` will
/// only be included in the response if `assignment` / `story` / `workspace` is in the list of
/// included associations" (SAD `StoryAllocationDay`), the objects under `assignments`,
/// `stories` and `workspaces` (SAD GET 200 schema).
fn put(env: &mut Envelope<'_>, snap: &Snapshot, days: &Days, d: &StoryDay) {
    let a = &days.assignments[d.assignment];
    let mut v = json!({
        "id": d.id.as_str(),
        "date": day(d.date),
        "minutes": d.minutes,
        "current": a.current,
        "created_at": time(d.created),
        "updated_at": time(d.updated),
    });
    if env.wants("assignment") {
        v["assignment_id"] = json!(a.id.as_str());
        let object = json!({
            "id": a.id.as_str(),
            "resource_id": int_id(&a.resource.id),
            "current": a.current,
            "allocated_minutes": a.allocated,
            "created_at": time(a.created),
            "updated_at": time(a.updated),
        });
        env.include("assignments", &a.id, |_| object);
    }
    if env.wants("story") {
        v["story_id"] = json!(a.story.as_str());
        let who = if a.resource.label.trim().is_empty() {
            a.resource.role.as_str()
        } else {
            a.resource.label.as_str()
        };
        let object = json!({
            "id": a.story.as_str(),
            "title": format!("Scheduled work: {who}"),
            "story_type": "task",
            "state": if a.current { "started" } else { "not started" },
            "archived": false,
        });
        env.include("stories", &a.story, |_| object);
    }
    if env.wants("workspace")
        && let Some(p) = a.resource.project_id.as_ref().and_then(|p| snap.project(p))
    {
        v["workspace_id"] = json!(p.id.as_str());
        let object = format::workspace_object(p);
        env.include("workspaces", &p.id, |_| object);
    }
    env.result(KEY, &d.id, v);
}

/// GET `/story_allocation_days`: paged at `per_page` ≤ 200 (SAD `per_page`, default 20,
/// maximum 200; [`Paging`]).
pub(super) async fn list(State(core): Shared, params: Params) -> ApiResult {
    let between = match params.get("date_between") {
        Some(v) => date_between(v)?,
        None => (None, None),
    };
    let snap = snapshot(&core).await?;
    let days = days_of(&core, &snap).await?;
    let view = snap.view(params.view_key(KEY), |_| select(&days, &params, between));
    let paging = Paging::of(&params);
    debug_assert!(paging.per_page <= MAX_PER_PAGE);
    let mut env = Envelope::new(&snap, &core, &params);
    for &i in paging.slice(&view) {
        put(&mut env, &snap, &days, &days.days[i]);
    }
    Ok(env.finish(view.len(), paging))
}

/// GET `/story_allocation_days/{id}` (SAD "Fetching a single …"): any day by id, active or not;
/// 404 when there is none.
pub(super) async fn one(State(core): Shared, Path(raw): Path<String>, params: Params) -> ApiResult {
    let id = path_id(&raw, "story allocation day")?;
    let snap = snapshot(&core).await?;
    let days = days_of(&core, &snap).await?;
    let Some(d) = days.days.iter().find(|d| d.id == id) else {
        return Err(ApiError::not_found(format!(
            "story allocation day {id} does not exist"
        )));
    };
    let mut env = Envelope::new(&snap, &core, &params);
    put(&mut env, &snap, &days, d);
    Ok(env.finish_all())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str) -> Params {
        Params(
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_week_spreads_in_whole_minutes_and_sums_back() {
        assert_eq!(spread(2415, 5), [483, 483, 483, 483, 483]);
        assert_eq!(spread(7, 3), [3, 2, 2]);
        assert_eq!(spread(90, 0), [90], "no working day: all on one");
        for (m, n) in [(0, 5), (1, 5), (2401, 4), (u32::MAX, 7)] {
            assert_eq!(
                spread(m, n).iter().map(|&x| u64::from(x)).sum::<u64>(),
                u64::from(m)
            );
        }
    }

    #[test]
    fn date_between_takes_open_ends_and_refuses_anything_else() {
        let d = |s| crate::domain::dates::parse_date(s).unwrap();
        assert_eq!(
            date_between("2026-11-01:2026-11-30").unwrap(),
            (Some(d("2026-11-01")), Some(d("2026-11-30")))
        );
        assert_eq!(
            date_between(":2026-11-30").unwrap(),
            (None, Some(d("2026-11-30")))
        );
        assert_eq!(
            date_between("2026-11-01:").unwrap(),
            (Some(d("2026-11-01")), None)
        );
        for bad in [
            "2026-11-01",
            "2026-11-1:2026-11-30",
            "x:y",
            "2026-11-01T00:00:00Z:",
        ] {
            let e = date_between(bad).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("date_between"), "{bad}");
        }
    }

    #[test]
    fn the_default_order_is_updated_at_desc_and_unknown_orders_mean_it() {
        assert_eq!(pick_order(&params("")), (By::UpdatedAt, true));
        assert_eq!(
            pick_order(&params("order=alphabetical")),
            (By::UpdatedAt, true)
        );
        assert_eq!(pick_order(&params("order=date:asc")), (By::Date, false));
        assert_eq!(pick_order(&params("order=id:desc")), (By::Id, true));
    }
}
