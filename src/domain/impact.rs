//! What approving a staffing request changes, as pure functions over the loaded workspace.
//!
//! Approving makes the request's resource's soft allocations hard: on Kantata, `PUT
//! /resource_requests/{id}` with `request_resolution_status: approve` and `allocations_state`
//! (hard when absent; mavenlink-resource-requests-api-openapi.yml, "Updating an existing
//! Resource Requests"; seed 003), and the embedded store does the same
//! (`client/local/store/requests.rs`). A Kantata request carries no period or share of its own
//! (its fields are approver_ids, creator_id, resource_id, status and timestamps), so what an
//! approver is shown there is these allocations, never dates guessed from them. The embedded
//! store keeps the period and share the request was made with, and shows them too.

use super::dates::DateRange;
use super::load::allocation_daily;
use super::model::{Allocation, Request};
use super::workspace::Workspace;

/// One allocation approval makes hard, with its hours.
#[derive(Clone, Debug, PartialEq)]
pub struct Hardened<'a> {
    pub allocation: &'a Allocation,
    /// The backend's own total where it sends one (Kantata `minutes`), else the allocation
    /// spread on its row's calendar.
    pub minutes: u64,
}

/// The allocations approving `r` would make hard: its resource's soft ones in the loaded
/// window, in start order. Outside the window allot has not read them (the caller says so).
pub fn approval_hardens<'a>(ws: &'a Workspace, r: &Request) -> Vec<Hardened<'a>> {
    let Some(key) = ws.row_key(&r.resource_id) else {
        return Vec::new();
    };
    let cal = ws.calendar_for(&key);
    ws.allocations_of(&key)
        .into_iter()
        .filter(|a| a.resource_id == r.resource_id && !a.hard)
        .map(|a| Hardened {
            allocation: a,
            minutes: a.server_total_minutes.map(u64::from).unwrap_or_else(|| {
                allocation_daily(a, &cal)
                    .iter()
                    .map(|m| u64::from(*m))
                    .sum()
            }),
        })
        .collect()
}

/// First start to last end of `hardened`; `None` when approval hardens nothing.
pub fn span_of(hardened: &[Hardened]) -> Option<DateRange> {
    let start = hardened.iter().map(|h| h.allocation.range.start).min()?;
    let end = hardened.iter().map(|h| h.allocation.range.end).max()?;
    Some(DateRange::new(start, end))
}

/// The dates a request's impact covers: its own period where the backend keeps one, else the
/// span of the allocations approval hardens. `None` when there is neither.
pub fn impact_span(ws: &Workspace, r: &Request) -> Option<DateRange> {
    r.period.or_else(|| span_of(&approval_hardens(ws, r)))
}

/// The hours a request asks for where it states a period and share (the embedded store): that
/// share of its resource's capacity over the period, rounded as the store rounds the
/// allocation it makes. `None` where the backend keeps neither (Kantata).
pub fn asked_minutes(ws: &Workspace, r: &Request) -> Option<u64> {
    let (period, pct) = (r.period?, r.percentage?);
    let capacity = ws
        .row_key(&r.resource_id)
        .map(|key| ws.calendar_for(&key).capacity_in(period))
        .unwrap_or(0);
    Some((capacity * u64::from(pct) + 50) / 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::model::{Amount, Person, Project, RequestStatus, Resource};
    use crate::domain::{Id, Roster, WeeklyCapacity};
    use chrono::{NaiveDate, TimeZone, Utc};
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn alloc(id: &str, res: &str, a: &str, z: &str, minutes: u32, hard: bool) -> Allocation {
        Allocation {
            id: Id::new(id),
            resource_id: Id::new(res),
            project_id: Some(Id::new("p")),
            range: DateRange::new(d(a), d(z)),
            amount: Amount::TotalMinutes(minutes),
            hard,
            notes: String::new(),
            read_only: false,
            allocate_on_time_off: false,
            server_total_minutes: None,
            version: 1,
        }
    }

    fn request(res: &str, period: Option<DateRange>, pct: Option<u32>) -> Request {
        Request {
            id: Id::new("9"),
            resource_id: Id::new(res),
            status: RequestStatus::New,
            approver_ids: vec![],
            creator_id: Id::new("u"),
            created_at: Utc.with_ymd_and_hms(2026, 11, 17, 12, 0, 0).unwrap(),
            period,
            percentage: pct,
            notes: String::new(),
        }
    }

    /// Chloé on a project (resource 1) and elsewhere (resource 2); an unnamed resource 3.
    fn workspace(allocations: Vec<Allocation>) -> Workspace {
        let person = Person {
            id: Id::new("u"),
            name: "Chloé".into(),
            email: String::new(),
            role: "Designer".into(),
            weekly: WeeklyCapacity::STANDARD,
            time_off: vec![],
        };
        let res = |id: &str, person: Option<&str>| Resource {
            id: Id::new(id),
            project_id: Some(Id::new("p")),
            person_id: person.map(Id::new),
            role: "Designer".into(),
            label: "Designer".into(),
        };
        let mut ws = Workspace::from_roster(Roster {
            people: vec![person],
            projects: vec![Project {
                id: Id::new("p"),
                name: "Evergreen".into(),
                client: String::new(),
                roles: None,
            }],
            resources: vec![res("1", Some("u")), res("2", Some("u")), res("3", None)],
            ..Default::default()
        });
        ws.set_allocations(
            DateRange::new(d("2026-11-02"), d("2027-03-28")),
            allocations,
        );
        ws
    }

    #[test]
    fn approval_hardens_the_resources_soft_allocations_only() {
        let ws = workspace(vec![
            alloc("b", "1", "2027-01-11", "2027-01-22", 2430, false),
            alloc("a", "1", "2026-12-28", "2027-01-08", 2595, false),
            alloc("h", "1", "2026-11-30", "2026-12-27", 4800, true),
            alloc("o", "2", "2026-12-01", "2026-12-04", 600, false),
        ]);
        let r = request("1", None, None);
        let got: Vec<(&str, u64)> = approval_hardens(&ws, &r)
            .iter()
            .map(|h| (h.allocation.id.as_str(), h.minutes))
            .collect();
        assert_eq!(
            got,
            [("a", 2595), ("b", 2430)],
            "start order; booked work and the person's other resource are not touched"
        );
        assert_eq!(
            impact_span(&ws, &r),
            Some(DateRange::new(d("2026-12-28"), d("2027-01-22")))
        );
        assert_eq!(asked_minutes(&ws, &r), None, "no period, no asked hours");
    }

    #[test]
    fn a_request_with_nothing_soft_hardens_nothing_and_has_no_span() {
        let ws = workspace(vec![alloc(
            "h",
            "1",
            "2026-11-30",
            "2026-12-27",
            4800,
            true,
        )]);
        let r = request("1", None, None);
        assert!(approval_hardens(&ws, &r).is_empty());
        assert_eq!(impact_span(&ws, &r), None, "never a guessed period");
    }

    #[test]
    fn a_stated_period_is_the_span_and_asks_its_share_of_capacity() {
        let ws = workspace(vec![alloc(
            "a",
            "3",
            "2026-12-07",
            "2026-12-18",
            2400,
            false,
        )]);
        // Two weeks of 8 h weekdays at 60%: 0.6 × 80 h = 48 h.
        let period = DateRange::new(d("2026-12-07"), d("2026-12-20"));
        let r = request("3", Some(period), Some(60));
        assert_eq!(impact_span(&ws, &r), Some(period));
        assert_eq!(asked_minutes(&ws, &r), Some(48 * 60));
        assert_eq!(approval_hardens(&ws, &r).len(), 1, "unnamed: its soft one");
    }

    #[test]
    fn the_servers_total_is_the_hours_shown_where_it_sends_one() {
        let mut a = alloc("a", "1", "2026-12-07", "2026-12-11", 2400, false);
        a.server_total_minutes = Some(2390);
        let ws = workspace(vec![a]);
        let h = approval_hardens(&ws, &request("1", None, None));
        assert_eq!(h[0].minutes, 2390);
    }

    proptest! {
        /// Whatever the allocations, approval hardens exactly the request's resource's soft
        /// ones, each once, in start order, and their span is first start to last end.
        #[test]
        fn approval_hardens_exactly_the_soft_allocations_of_the_resource(
            raw in prop::collection::vec((0u8..3, any::<bool>(), 0i64..120, 0i64..40, 1u32..5000), 0..30)
        ) {
            let base = d("2026-11-02");
            let allocations: Vec<Allocation> = raw
                .iter()
                .enumerate()
                .map(|(i, (res, hard, start, len, minutes))| {
                    let a = crate::domain::dates::add_days(base, *start);
                    let z = crate::domain::dates::add_days(a, *len);
                    let mut x = alloc(&format!("a{i}"), &format!("{}", res + 1), "2026-11-02", "2026-11-02", *minutes, *hard);
                    x.range = DateRange::new(a, z);
                    x.server_total_minutes = Some(*minutes);
                    x
                })
                .collect();
            let ws = workspace(allocations.clone());
            let r = request("1", None, None);
            let got = approval_hardens(&ws, &r);
            let mut want: Vec<&Allocation> = allocations
                .iter()
                .filter(|a| a.resource_id.as_str() == "1" && !a.hard)
                .collect();
            want.sort_by(|a, b| a.range.start.cmp(&b.range.start).then(a.id.cmp(&b.id)));
            prop_assert_eq!(got.iter().map(|h| &h.allocation.id).collect::<Vec<_>>(),
                            want.iter().map(|a| &a.id).collect::<Vec<_>>());
            for h in &got {
                prop_assert_eq!(Some(h.minutes), h.allocation.server_total_minutes.map(u64::from));
            }
            match span_of(&got) {
                None => prop_assert!(got.is_empty()),
                Some(span) => {
                    prop_assert!(got.iter().all(|h| span.start <= h.allocation.range.start && h.allocation.range.end <= span.end));
                    prop_assert!(got.iter().any(|h| h.allocation.range.start == span.start));
                    prop_assert!(got.iter().any(|h| h.allocation.range.end == span.end));
                }
            }
            prop_assert_eq!(impact_span(&ws, &r), span_of(&got), "no period: the span of what hardens");
        }
    }
}
