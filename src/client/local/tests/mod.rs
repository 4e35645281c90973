//! The local store's tests, a file per feature; the fixtures they share are here.

use super::*;
use crate::client::RequestTarget;
use crate::client::sanitize::is_clean;
use crate::domain::dates::{add_days, month_of, parse_date};
use crate::domain::{
    Amount, Calendar, Participation, Person, Project, RequestStatus, RowKey, WeeklyCapacity,
    Workspace,
};
use chrono::TimeZone;
use std::collections::BTreeSet;

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

const TODAY: &str = "2026-03-10";

fn fresh() -> (tempfile::TempDir, LocalBackend) {
    let dir = tempfile::tempdir().unwrap();
    let b = LocalBackend::open(&dir.path().join("allot.db")).unwrap();
    (dir, b)
}

fn seeded() -> (tempfile::TempDir, LocalBackend, DemoData) {
    let (dir, b) = fresh();
    let data = demo(d(TODAY));
    b.seed(&data).unwrap();
    (dir, b, data)
}

fn everything() -> DateRange {
    DateRange::new(d("1900-01-01"), d("2999-12-31"))
}

/// A tiny hand-made workspace: one person (Mon–Fri 8 h), one holiday, one project with a
/// named and an unnamed resource, a pending and an approved request.
fn small() -> DemoData {
    let holidays: BTreeSet<NaiveDate> = [d("2025-03-05")].into_iter().collect();
    let alloc = |id: &str, res: &str, a: &str, b: &str, amount, hard| Allocation {
        id: Id::new(id),
        resource_id: Id::new(res),
        project_id: Some(Id::new("20")),
        range: DateRange::new(d(a), d(b)),
        amount,
        hard,
        notes: String::new(),
        read_only: false,
        allocate_on_time_off: false,
        server_total_minutes: None,
        version: 1,
    };
    let request = |id: &str, status| Request {
        id: Id::new(id),
        resource_id: Id::new("31"),
        status,
        approver_ids: vec![Id::new("1"), Id::new("2")],
        creator_id: Id::new("2"),
        created_at: chrono::Utc.with_ymd_and_hms(2025, 2, 20, 9, 30, 0).unwrap(),
        period: Some(DateRange::new(d("2025-03-03"), d("2025-03-28"))),
        percentage: Some(50),
        notes: "needs a designer".into(),
    };
    DemoData {
        roster: Roster {
            unnamed_calendar: None,
            calendars: Default::default(),
            skills: Default::default(),
            name: "Small".into(),
            current_user: Some(Id::new("1")),
            people: vec![
                Person {
                    id: Id::new("1"),
                    name: "Morgan Lee".into(),
                    email: "m@x.example".into(),
                    role: "Resource Manager".into(),
                    weekly: WeeklyCapacity::STANDARD,
                    time_off: vec![DateRange::new(d("2025-03-12"), d("2025-03-13"))],
                },
                Person {
                    id: Id::new("2"),
                    name: "Zoë Øster".into(),
                    email: "z@x.example".into(),
                    role: "Designer".into(),
                    weekly: WeeklyCapacity([480, 480, 480, 480, 0, 0, 0]),
                    time_off: vec![],
                },
            ],
            projects: vec![Project {
                id: Id::new("20"),
                name: "Atlas".into(),
                client: "Contoso".into(),
                roles: None,
            }],
            resources: vec![
                Resource {
                    id: Id::new("30"),
                    project_id: Some(Id::new("20")),
                    person_id: Some(Id::new("1")),
                    role: "Engineer".into(),
                    label: String::new(),
                },
                Resource {
                    id: Id::new("31"),
                    project_id: Some(Id::new("20")),
                    person_id: None,
                    role: "Designer".into(),
                    label: "Visual designer".into(),
                },
            ],
            holidays: Arc::new(holidays),
            // Morgan is on Atlas as an Engineer (not their default role); Zoë is on no project.
            participations: vec![Participation {
                person_id: Id::new("1"),
                project_id: Id::new("20"),
                role: Some("Engineer".into()),
            }],
        },
        allocations: vec![
            // Mon 3 – Fri 14 March 2025: 10 weekdays, one holiday, two days off = 7 working.
            alloc(
                "40",
                "30",
                "2025-03-03",
                "2025-03-14",
                Amount::TotalMinutes(2100),
                true,
            ),
            alloc(
                "41",
                "31",
                "2025-03-03",
                "2025-03-28",
                Amount::TotalMinutes(4800),
                false,
            ),
            alloc(
                "42",
                "30",
                "2025-04-01",
                "2025-04-30",
                Amount::HoursPerDay(6.5),
                true,
            ),
        ],
        requests: vec![
            request("50", RequestStatus::New),
            request("51", RequestStatus::Approved),
        ],
        holiday_names: vec![(d("2025-03-05"), "Founders' Day".into())],
        scheduled: vec![
            week("30", "2025-03-03", 1200),
            week("30", "2025-03-10", 900),
            week("30", "2025-03-24", 300),
            week("31", "2025-03-03", 1200),
        ],
    }
}

fn week(resource: &str, monday: &str, minutes: u32) -> ScheduledWeek {
    ScheduledWeek {
        resource_id: Id::new(resource),
        monday: d(monday),
        minutes,
    }
}

fn small_backend() -> (tempfile::TempDir, LocalBackend, DemoData) {
    let (dir, b) = fresh();
    let data = small();
    b.seed(&data).unwrap();
    (dir, b, data)
}

async fn get(b: &LocalBackend, id: &str) -> Option<Allocation> {
    b.allocations(everything())
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.id.as_str() == id)
}

fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

/// A change of resource `r`, naming the version the store holds now.
async fn update_of(b: &LocalBackend, r: Resource) -> Change {
    let read = resource_of(b, r.id.as_str()).await.expect("stored");
    Change::UpdateResource {
        version: crate::client::resource_version(&read),
        resource: r,
    }
}

async fn resource_of(b: &LocalBackend, id: &str) -> Option<Resource> {
    b.roster()
        .await
        .unwrap()
        .resources
        .into_iter()
        .find(|r| r.id.as_str() == id)
}

mod migrations;
mod opening;
mod reads;
mod requests;
mod resources;
mod scheduled;
mod writes;
