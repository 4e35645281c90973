//! Task-level scheduled hours on Kantata: Daily Scheduled Hours, also called story allocation
//! days, summed into allot's [`ScheduledWeek`]s per workspace resource.
//!
//! Documents (repo `api-evangelist/mavenlink`, folder `openapi/`, commit 9ac9ec8):
//! - SAD = `mavenlink-daily-scheduled-hours-story-allocation-days-api-openapi.yml`: `GET
//!   /story_allocation_days`, its filters, and the `StoryAllocationDay` and `Assignment` schemas;
//! - AS = `mavenlink-assignments-api-openapi.yml`: `GET /assignments`;
//! - capacity-apis.md §5 (shared/reference) for the mapping to a workspace resource.
//!
//! A day carries no user or resource (SAD `StoryAllocationDay`: `date`, `minutes`, `current`,
//! and `assignment_id` / `story_id` / `workspace_id` "only … if `assignment` / `story` /
//! `workspace` is in the list of included associations"). Its assignment does: Assignment
//! `resource_id`, "The ID of the resource who owns the assignment", which is the workspace
//! resource (capacity-apis.md §5: `POST /assignments` takes it or `assignee_id`, and `GET
//! /assignments` filters by it). So days are read with `include=assignment,workspace` and keyed
//! by their assignment's `resource_id`.
//!
//! Why this list and not the bulk alternative: `GET /assignments?plannable=true&include=
//! story_allocation_days` (AS `include`: "the `plannable` filter must be set to `true`") takes
//! one `workspace_id` per call and has no date filter for the days it includes, so it reads
//! every day ever scheduled in every project. `/story_allocation_days` takes `date_between`
//! ("Results are inclusive of the endpoints") across all projects: one bounded, paged list.

use super::decode::Page;
use crate::client::BackendError;
use crate::domain::dates::{add_days, week_start};
use crate::domain::{DateRange, Id, ScheduledWeek};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const PATH: &str = "story_allocation_days";

/// The assignment gives the resource; the workspace names the project in the log when a day
/// cannot be placed (SAD `include`).
pub const INCLUDES: &str = "assignment,workspace";

/// A `story_allocation_days` object (SAD `StoryAllocationDay`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireStoryDay {
    pub id: Id,
    #[serde(deserialize_with = "crate::domain::dates::de_supported")]
    pub date: NaiveDate,
    /// "The number of minutes allocated for the Story Allocation Day" (int32).
    #[serde(default)]
    pub minutes: Option<i64>,
    /// "Whether or not the Story Allocation Day's Assignment is active."
    #[serde(default)]
    pub current: Option<bool>,
    /// Only with `include=assignment`.
    #[serde(default)]
    pub assignment_id: Option<Id>,
    /// Only with `include=workspace`.
    #[serde(default)]
    pub workspace_id: Option<Id>,
}

/// An `assignments` object as included beside the days (SAD `Assignment`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireAssignment {
    pub id: Id,
    /// "The ID of the resource who owns the assignment" (int32).
    #[serde(default)]
    pub resource_id: Option<Id>,
    /// "Whether the assignment is active."
    #[serde(default)]
    pub current: Option<bool>,
}

/// One day of scheduled minutes of one workspace resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Day {
    pub resource_id: Id,
    pub date: NaiveDate,
    pub minutes: u32,
}

/// The days covering every week whose Monday falls in `window` (the weeks the store's
/// scheduled hours answer for), or `None` when no Monday does.
pub fn span(window: DateRange) -> Option<DateRange> {
    let mut first = week_start(window.start);
    if first < window.start {
        first = add_days(first, 7);
    }
    let last = week_start(window.end);
    (first <= last).then(|| DateRange::new(first, add_days(last, 6)))
}

/// `date_between`: "a colon separated pair of dates in YYYY-MM-DD format" (SAD).
pub fn date_between(span: DateRange) -> String {
    format!(
        "{}:{}",
        span.start.format("%Y-%m-%d"),
        span.end.format("%Y-%m-%d")
    )
}

/// The filters of one read of `span`:
/// - `current=true`: "The response includes Daily Scheduled Hours that are part of inactive
///   Assignments, by default. To filter these out, use the `current` parameter" (SAD GET);
/// - `include_unnamed=true`: days of unnamed resources are left out otherwise ("Set to `False`
///   by default"), and allot plans unnamed resources too;
/// - `in_unarchived_workspaces=false`: days in archived projects are left out otherwise
///   ("default: true"), yet allot reads those projects' resources and allocations (the roster
///   fetches archived projects that resources refer to), so their scheduled hours belong beside
///   them. `in_unarchived_stories` keeps its default: an archived task's hours are not planned;
/// - `order=id:asc`, documented here only among Kantata's lists (SAD `order`; capacity-apis.md
///   §7): an edit during the read does not move a day between pages, a new day lands last.
pub fn query(span: DateRange) -> Vec<(&'static str, String)> {
    vec![
        ("date_between", date_between(span)),
        ("current", "true".into()),
        ("include_unnamed", "true".into()),
        ("in_unarchived_workspaces", "false".into()),
        ("include", INCLUDES.into()),
        ("order", "id:asc".into()),
    ]
}

/// One page's days, each tied to its workspace resource through its included assignment. A day
/// that cannot be tied to one (its assignment not included, or naming no resource) or whose
/// assignment is inactive is left out with a note in the log: it is not a resource allot
/// plans, and one stray day must not cost the whole view.
pub fn days(page: &Page) -> Result<Vec<Day>, BackendError> {
    let mut out = Vec::new();
    for w in page.canonical::<WireStoryDay>(PATH)? {
        let assignment = match &w.assignment_id {
            Some(a) => page.get::<WireAssignment>("assignments", a)?,
            None => None,
        };
        let resource = assignment.as_ref().and_then(|a| a.resource_id.clone());
        let inactive =
            w.current == Some(false) || assignment.as_ref().and_then(|a| a.current) == Some(false);
        let Some(resource_id) = resource.filter(|_| !inactive) else {
            tracing::info!(
                day = %w.id,
                date = %w.date,
                assignment = ?w.assignment_id,
                workspace = ?w.workspace_id,
                inactive,
                "a scheduled day allot cannot place on a workspace resource; skipped"
            );
            continue;
        };
        out.push(Day {
            resource_id,
            date: w.date,
            minutes: w.minutes.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32,
        });
    }
    Ok(out)
}

/// The days summed per resource and week, for the weeks whose Monday falls in `window` (a day
/// outside them, if the server sent one, is not counted). Weeks with nothing scheduled have
/// no entry. By resource (numeric ids by value) then week, as the store lists them.
pub fn weeks(days: impl IntoIterator<Item = Day>, window: DateRange) -> Vec<ScheduledWeek> {
    let mut sums: BTreeMap<(Option<u64>, Id, NaiveDate), u64> = BTreeMap::new();
    for d in days {
        let monday = week_start(d.date);
        if !window.contains(monday) || d.minutes == 0 {
            continue;
        }
        let key = (d.resource_id.as_number(), d.resource_id, monday);
        *sums.entry(key).or_default() += u64::from(d.minutes);
    }
    sums.into_iter()
        .map(|((_, resource_id, monday), m)| ScheduledWeek {
            resource_id,
            monday,
            minutes: m.min(u64::from(u32::MAX)) as u32,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    /// Shaped like SAD's GET answer (`count`, `meta`, `results`, `story_allocation_days`,
    /// `assignments`, `workspaces`) with `include=assignment,workspace`: ids as strings, an
    /// Assignment's `resource_id` an int32 as the schema types it, fields allot does not read
    /// (`created_at`, `allocated_minutes`, `estimated_minutes`), maps out of results order.
    const PAGE: &str = r#"{
      "count": 5,
      "meta": {"count": 5, "page_count": 1, "page_number": 1, "page_size": 200},
      "results": [
        {"key": "story_allocation_days", "id": "901"},
        {"key": "story_allocation_days", "id": "902"},
        {"key": "story_allocation_days", "id": "903"},
        {"key": "story_allocation_days", "id": "904"},
        {"key": "story_allocation_days", "id": "905"}
      ],
      "story_allocation_days": {
        "903": {"id": "903", "date": "2026-11-30", "minutes": 90, "current": true,
                "created_at": "2026-11-01T09:00:00Z", "updated_at": "2026-11-02T09:00:00Z",
                "assignment_id": "71", "workspace_id": "55"},
        "901": {"id": "901", "date": "2026-11-23", "minutes": 240, "current": true,
                "created_at": "2026-11-01T09:00:00Z", "updated_at": "2026-11-02T09:00:00Z",
                "assignment_id": "71", "workspace_id": "55"},
        "902": {"id": "902", "date": "2026-11-25", "minutes": 120, "current": true,
                "created_at": "2026-11-01T09:00:00Z", "updated_at": "2026-11-02T09:00:00Z",
                "assignment_id": "72", "workspace_id": "55"},
        "904": {"id": "904", "date": "2026-11-24", "minutes": 60, "current": true,
                "created_at": "2026-11-01T09:00:00Z", "updated_at": "2026-11-02T09:00:00Z",
                "assignment_id": "73", "workspace_id": "55"},
        "905": {"id": "905", "date": "2026-11-26", "minutes": 30, "current": true,
                "created_at": "2026-11-01T09:00:00Z", "updated_at": "2026-11-02T09:00:00Z",
                "assignment_id": "71", "workspace_id": "55"}
      },
      "assignments": {
        "71": {"id": "71", "resource_id": 3023, "current": true, "allocated_minutes": 360,
               "estimated_minutes": 480, "created_at": "2026-11-01T09:00:00Z",
               "updated_at": "2026-11-02T09:00:00Z"},
        "72": {"id": "72", "resource_id": 3114, "current": true, "allocated_minutes": 120,
               "created_at": "2026-11-01T09:00:00Z", "updated_at": "2026-11-02T09:00:00Z"},
        "73": {"id": "73", "current": true, "allocated_minutes": 60}
      },
      "workspaces": {"55": {"id": "55", "title": "Apollo"}}
    }"#;

    #[test]
    fn days_are_placed_on_their_assignments_resource() {
        let page = Page::parse(PAGE).unwrap();
        let got = days(&page).unwrap();
        let day = |r: &str, date: &str, minutes| Day {
            resource_id: Id::new(r),
            date: d(date),
            minutes,
        };
        assert_eq!(
            got,
            [
                day("3023", "2026-11-23", 240),
                day("3114", "2026-11-25", 120),
                day("3023", "2026-11-30", 90),
                day("3023", "2026-11-26", 30),
            ],
            "results order; 904's assignment names no resource, so it is skipped"
        );
    }

    #[test]
    fn a_day_whose_assignment_is_not_included_or_inactive_is_skipped_not_an_error() {
        let body = r#"{"count": 3, "meta": {"count": 3, "page_count": 1},
          "results": [{"key": "story_allocation_days", "id": 1},
                      {"key": "story_allocation_days", "id": 2},
                      {"key": "story_allocation_days", "id": 3}],
          "story_allocation_days": {
            "1": {"id": 1, "date": "2026-11-23", "minutes": 60, "current": true},
            "2": {"id": 2, "date": "2026-11-23", "minutes": 60, "current": false, "assignment_id": "8"},
            "3": {"id": 3, "date": "2026-11-23", "minutes": 60, "current": true, "assignment_id": "9"}},
          "assignments": {"8": {"id": 8, "resource_id": 30, "current": false},
                          "9": {"id": 9, "resource_id": 31, "current": true}}}"#;
        let got = days(&Page::parse(body).unwrap()).unwrap();
        assert_eq!(
            got,
            [Day {
                resource_id: Id::new("31"),
                date: d("2026-11-23"),
                minutes: 60
            }]
        );
    }

    #[test]
    fn a_malformed_day_names_itself() {
        let body = r#"{"count": 1, "results": [{"key": "story_allocation_days", "id": "5"}],
          "story_allocation_days": {"5": {"id": "5", "date": "23/11/2026", "minutes": 60}}}"#;
        let e = days(&Page::parse(body).unwrap()).unwrap_err().to_string();
        assert!(e.contains("story_allocation_days 5"), "{e}");
    }

    #[test]
    fn days_sum_into_the_weeks_whose_monday_is_in_the_window() {
        let page = Page::parse(PAGE).unwrap();
        let window = DateRange::new(d("2026-11-23"), d("2026-11-29"));
        let got = weeks(days(&page).unwrap(), window);
        let week = |r: &str, minutes| ScheduledWeek {
            resource_id: Id::new(r),
            monday: d("2026-11-23"),
            minutes,
        };
        // 3023's day on 11-30 is in the next week, whose Monday is outside the window.
        assert_eq!(got, [week("3023", 270), week("3114", 120)]);
    }

    #[test]
    fn resources_come_in_numeric_id_order() {
        let day = |r: &str| Day {
            resource_id: Id::new(r),
            date: d("2026-11-24"),
            minutes: 60,
        };
        let window = DateRange::new(d("2026-11-01"), d("2026-12-31"));
        let got: Vec<String> = weeks([day("300"), day("31"), day("4")], window)
            .into_iter()
            .map(|w| w.resource_id.to_string())
            .collect();
        assert_eq!(got, ["4", "31", "300"]);
    }

    #[test]
    fn the_span_is_whole_weeks_from_the_first_monday_in_the_window() {
        // Wednesday to Wednesday: the Mondays inside are 11-30 and 12-07.
        let w = DateRange::new(d("2026-11-25"), d("2026-12-09"));
        assert_eq!(
            span(w),
            Some(DateRange::new(d("2026-11-30"), d("2026-12-13")))
        );
        assert_eq!(date_between(span(w).unwrap()), "2026-11-30:2026-12-13");
        // Tuesday to Saturday holds no Monday.
        assert_eq!(span(DateRange::new(d("2026-11-24"), d("2026-11-28"))), None);
        let monday = DateRange::day(d("2026-11-23"));
        assert_eq!(
            span(monday),
            Some(DateRange::new(d("2026-11-23"), d("2026-11-29")))
        );
    }

    #[test]
    fn the_query_asks_for_active_assignments_unnamed_resources_archived_projects_and_the_assignment()
     {
        let q = query(DateRange::new(d("2026-11-23"), d("2026-11-29")));
        let get = |k| q.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("current"), Some("true"));
        assert_eq!(get("include_unnamed"), Some("true"));
        assert_eq!(get("in_unarchived_workspaces"), Some("false"));
        assert_eq!(get("include"), Some("assignment,workspace"));
        assert_eq!(get("date_between"), Some("2026-11-23:2026-11-29"));
        assert_eq!(get("order"), Some("id:asc"));
    }
}
