//! Reducer tests: each drives `update()` and checks both the new state and the effects. One
//! file per feature; the fixtures every file shares are here.

use super::form::Field;
use super::gantt::{GanttRow, Grouping};
use super::requests::StatusFilter;
use super::state::ListRow;
use super::state::SortBy;
use super::*;
use crate::client::NewResource;
use crate::client::Resolution;
use crate::client::{Applied, Change};
use crate::client::{BackendError, BackendKind};
use crate::domain::Zoom;
use crate::domain::dates::{add_days, parse_date, week_start};
use crate::domain::{
    Allocation, Amount, DateRange, Id, Person, Project, Request, RequestStatus, Resource, Roster,
    RowKey, WeeklyCapacity,
};
use chrono::{NaiveDate, TimeZone, Utc};
use crossterm::event::KeyCode;

mod edits;
mod gantt;
mod lanes;
mod loading;
mod navigation;
mod quitting;
mod requests;
mod resources;
mod scheduled;
mod staffing;

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

const TODAY: &str = "2026-11-23";

fn person(id: &str, name: &str) -> Person {
    Person {
        id: Id::new(id),
        name: name.into(),
        email: format!("{id}@example.com"),
        role: "Engineer".into(),
        weekly: WeeklyCapacity::STANDARD,
        time_off: vec![],
    }
}

fn roster() -> Roster {
    Roster {
        unnamed_calendar: None,
        calendars: Default::default(),
        skills: Default::default(),
        name: "Test".into(),
        current_user: Some(Id::new("1")),
        people: vec![person("1", "zed Last"), person("2", "Amy First")],
        projects: vec![Project {
            id: Id::new("p1"),
            name: "Apollo".into(),
            client: "ACME".into(),
            roles: None,
        }],
        resources: vec![
            Resource {
                id: Id::new("r1"),
                project_id: Some(Id::new("p1")),
                person_id: Some(Id::new("1")),
                role: "Engineer".into(),
                label: "Engineer".into(),
            },
            Resource {
                id: Id::new("r2"),
                project_id: Some(Id::new("p1")),
                person_id: None,
                role: "Designer".into(),
                label: "Designer".into(),
            },
        ],
        holidays: Default::default(),
        participations: Vec::new(),
    }
}

pub(super) fn allocation(
    id: &str,
    resource: &str,
    start: &str,
    end: &str,
    minutes: u32,
) -> Allocation {
    Allocation {
        project_id: Some(Id::new("p1")),
        ..Allocation::sample(
            id,
            resource,
            DateRange::new(d(start), d(end)),
            Amount::TotalMinutes(minutes),
        )
    }
}

fn request(id: &str, created: &str, status: RequestStatus) -> Request {
    let c = d(created).and_hms_opt(9, 0, 0).unwrap();
    Request {
        id: Id::new(id),
        resource_id: Id::new("r2"),
        status,
        approver_ids: vec![Id::new("1")],
        creator_id: Id::new("2"),
        created_at: Utc.from_utc_datetime(&c),
        period: Some(DateRange::new(d("2026-12-01"), d("2026-12-31"))),
        percentage: Some(50),
        notes: String::new(),
    }
}

fn new_state() -> State {
    State::new(d(TODAY), BackendKind::Local, "test.db")
}

/// A state after start-up with every load answered.
pub(super) fn loaded() -> State {
    let mut s = new_state();
    update(&mut s, Msg::Start);
    let window = s.window;
    update(&mut s, Msg::RosterLoaded(Ok(roster())));
    update(
        &mut s,
        Msg::AllocationsLoaded {
            window,
            result: Ok(vec![
                allocation("a1", "r1", "2026-11-23", "2026-11-27", 2100),
                allocation("a2", "r2", "2026-11-23", "2026-11-24", 600),
            ]),
        },
    );
    update(
        &mut s,
        Msg::RequestsLoaded(Ok(vec![
            request("q2", "2026-11-20", RequestStatus::New),
            request("q1", "2026-11-02", RequestStatus::New),
            request("q3", "2026-11-01", RequestStatus::Approved),
        ])),
    );
    update(
        &mut s,
        Msg::ScheduledLoaded {
            window,
            result: Ok(vec![]),
        },
    );
    s
}

/// What a reload sends: the change token first, then the four loads over window `w`.
fn reload(w: DateRange) -> Vec<Effect> {
    vec![
        Effect::CheckChanges,
        Effect::LoadRoster,
        Effect::LoadAllocations(w),
        Effect::LoadRequests,
        Effect::LoadScheduled(w),
    ]
}

pub(super) fn sizes(s: &mut State) {
    update(s, Msg::Resize(80, 24));
}

/// The Gantt with zed's row expanded and his bar a1 selected.
pub(super) fn on_bar() -> State {
    let mut s = loaded();
    sizes(&mut s);
    update(&mut s, Command::ShowGantt);
    update(&mut s, Command::Down);
    update(&mut s, Command::MarkBar);
    update(&mut s, Command::Down);
    assert_eq!(s.selected_bar(), Some(&Id::new("a1")));
    s
}

/// A lane row of resource `r`.
pub(super) fn lane(r: &str, sub: u16, under: Grouping) -> GanttRow {
    GanttRow::Lane {
        resource: Id::new(r),
        sub,
        under,
    }
}

pub(super) fn a1(s: &State) -> Allocation {
    s.ws.allocations.get(&Id::new("a1")).cloned().expect("a1")
}

pub(super) fn only_apply(effects: &[Effect]) -> (u64, Vec<Change>) {
    match effects {
        [Effect::Apply { seq, changes }] => (*seq, changes.clone()),
        other => panic!("expected one write, got {other:?}"),
    }
}

/// Both bars marked (a2 on the Designer, then a1), moved a week earlier as one batch.
fn two_marked_and_moved(s: &mut State) -> (u64, Vec<Change>) {
    update(s, Command::ShowGantt);
    update(s, Command::Down);
    update(s, Command::MarkBar);
    update(s, Command::Bottom);
    update(s, Command::MarkBar);
    update(s, Command::Down);
    update(s, Command::MarkBar);
    update(s, Command::Top);
    update(s, Command::Down);
    update(s, Command::Down);
    update(s, Command::MarkBar);
    only_apply(&update(s, Command::ShiftEarlier))
}

fn queue_view() -> State {
    let mut s = loaded();
    sizes(&mut s);
    update(&mut s, Command::ShowRequests);
    s
}

fn resolve_effects(effects: &[Effect]) -> Vec<(Id, Resolution)> {
    effects
        .iter()
        .map(|e| match e {
            Effect::Resolve { id, how } => (id.clone(), how.clone()),
            other => panic!("expected resolutions, got {other:?}"),
        })
        .collect()
}

fn res_view() -> State {
    let mut s = loaded();
    sizes(&mut s);
    s
}

fn res_type(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, Input::Text(c));
    }
}
