//! Reducer tests: each drives `update()` and checks both the new state and the effects.

use super::*;
use crate::client::{BackendError, BackendKind};
use crate::domain::dates::{add_days, parse_date, week_start};
use crate::domain::{
    Allocation, Amount, DateRange, Id, Person, Project, Request, RequestStatus, Resource, Roster,
    RowKey, WeeklyCapacity,
};
use chrono::{NaiveDate, TimeZone, Utc};

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
        name: "Test".into(),
        current_user: Some(Id::new("1")),
        people: vec![person("1", "zed Last"), person("2", "Amy First")],
        projects: vec![Project {
            id: Id::new("p1"),
            name: "Apollo".into(),
            client: "ACME".into(),
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
    }
}

fn allocation(id: &str, resource: &str, start: &str, end: &str, minutes: u32) -> Allocation {
    Allocation {
        id: Id::new(id),
        resource_id: Id::new(resource),
        project_id: Some(Id::new("p1")),
        range: DateRange::new(d(start), d(end)),
        amount: Amount::TotalMinutes(minutes),
        hard: true,
        notes: String::new(),
        read_only: false,
        allocate_on_time_off: false,
        server_total_minutes: None,
        version: 1,
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
        period: DateRange::new(d("2026-12-01"), d("2026-12-31")),
        percentage: 50,
        notes: String::new(),
    }
}

fn new_state() -> State {
    State::new(d(TODAY), BackendKind::Local, "test.db")
}

/// A state after start-up with every load answered.
fn loaded() -> State {
    let mut s = new_state();
    update(&mut s, Action::Start);
    let window = s.window;
    update(&mut s, Action::RosterLoaded(Ok(roster())));
    update(
        &mut s,
        Action::AllocationsLoaded {
            window,
            result: Ok(vec![
                allocation("a1", "r1", "2026-11-23", "2026-11-27", 2100),
                allocation("a2", "r2", "2026-11-23", "2026-11-24", 600),
            ]),
        },
    );
    update(
        &mut s,
        Action::RequestsLoaded(Ok(vec![
            request("q2", "2026-11-20", RequestStatus::New),
            request("q1", "2026-11-02", RequestStatus::New),
            request("q3", "2026-11-01", RequestStatus::Approved),
        ])),
    );
    s
}

#[test]
fn start_asks_for_everything_and_shows_it_pending() {
    let mut s = new_state();
    let effects = update(&mut s, Action::Start);
    assert_eq!(
        effects,
        vec![
            Effect::LoadRoster,
            Effect::LoadAllocations(s.window),
            Effect::LoadRequests
        ]
    );
    assert_eq!(s.pending, effects);
    assert!(s.window.contains(d(TODAY)));
    assert!(s.window.start <= add_days(d(TODAY), -180) && s.window.end >= add_days(d(TODAY), 180));
}

#[test]
fn loads_fill_rows_queue_and_index_and_clear_pending() {
    let s = loaded();
    assert!(s.pending.is_empty());
    assert!(s.loaded);
    assert_eq!(
        s.rows,
        vec![
            RowKey::Person(Id::new("2")),
            RowKey::Person(Id::new("1")),
            RowKey::Unnamed(Id::new("r2"))
        ],
        "people by name (case-insensitive), then unnamed resources"
    );
    assert_eq!(
        s.queue,
        vec![Id::new("q1"), Id::new("q2")],
        "pending only, oldest first"
    );
    let week = DateRange::new(d("2026-11-23"), d("2026-11-29"));
    assert_eq!(s.ws.load_in(&RowKey::Person(Id::new("1")), week), 2100);
    assert_eq!(s.ws.load_in(&RowKey::Unnamed(Id::new("r2")), week), 600);
}

#[test]
fn allocations_arriving_before_people_are_indexed_once_people_arrive() {
    let mut s = new_state();
    update(&mut s, Action::Start);
    let window = s.window;
    update(
        &mut s,
        Action::AllocationsLoaded {
            window,
            result: Ok(vec![allocation(
                "a1",
                "r1",
                "2026-11-23",
                "2026-11-27",
                2100,
            )]),
        },
    );
    assert_eq!(
        s.ws.load_in(&RowKey::Person(Id::new("1")), window),
        0,
        "no resources known yet"
    );
    update(&mut s, Action::RosterLoaded(Ok(roster())));
    assert_eq!(s.ws.load_in(&RowKey::Person(Id::new("1")), window), 2100);
}

#[test]
fn a_failed_load_shows_the_backends_words_and_stops_pending() {
    let mut s = new_state();
    update(&mut s, Action::Start);
    let effects = update(
        &mut s,
        Action::RequestsLoaded(Err(BackendError::Other("database is locked".into()))),
    );
    assert!(effects.is_empty());
    assert_eq!(
        s.error.as_deref(),
        Some("Could not load requests: database is locked")
    );
    assert!(!s.pending.contains(&Effect::LoadRequests));
    assert_eq!(s.pending.len(), 2);
}

#[test]
fn refresh_reloads_and_clears_the_last_error() {
    let mut s = loaded();
    s.error = Some("old".into());
    let effects = update(&mut s, Action::Refresh);
    assert_eq!(effects.len(), 3);
    assert_eq!(s.error, None);
    assert_eq!(
        s.rows.len(),
        3,
        "keeps showing the old data while reloading"
    );
}

#[test]
fn views_switch_by_number_and_cycle_with_tab() {
    let mut s = loaded();
    update(&mut s, Action::ShowView(View::Requests));
    assert_eq!(s.view, View::Requests);
    update(&mut s, Action::NextView);
    assert_eq!(s.view, View::Resources);
    update(&mut s, Action::PrevView);
    assert_eq!(s.view, View::Requests);
}

#[test]
fn selection_moves_within_bounds_per_view() {
    let mut s = loaded();
    update(&mut s, Action::Up);
    assert_eq!(s.resources.selected, 0);
    update(&mut s, Action::Bottom);
    assert_eq!(s.resources.selected, 2);
    update(&mut s, Action::Down);
    assert_eq!(s.resources.selected, 2);
    update(&mut s, Action::Top);
    assert_eq!(s.resources.selected, 0);
    update(&mut s, Action::ShowView(View::Requests));
    update(&mut s, Action::PageDown);
    assert_eq!(s.requests.selected, 1, "two pending requests");
    assert_eq!(s.resources.selected, 0, "each view keeps its own selection");
}

#[test]
fn the_gantt_cursor_moves_by_week_and_scrolls_to_stay_visible() {
    let mut s = loaded();
    update(&mut s, Action::Resize(80, 24));
    update(&mut s, Action::ShowView(View::Gantt));
    let start = s.gantt.cursor;
    assert_eq!(start, week_start(d(TODAY)));
    let weeks = geometry::gantt_weeks(80) as i64;
    for _ in 0..weeks {
        update(&mut s, Action::Right);
    }
    assert_eq!(s.gantt.cursor, add_days(start, 7 * weeks));
    assert!(
        s.gantt.cursor < add_days(s.gantt.first, 7 * weeks),
        "cursor stays on screen"
    );
    assert!(s.gantt.cursor >= s.gantt.first);
    update(&mut s, Action::Today);
    assert_eq!(s.gantt.cursor, start);
    assert!(s.gantt.first <= start);
}

#[test]
fn time_keys_do_nothing_outside_the_gantt() {
    let mut s = loaded();
    let before = s.gantt.clone();
    update(&mut s, Action::Right);
    assert_eq!(s.gantt, before);
}

#[test]
fn esc_closes_help_first_then_clears_messages() {
    let mut s = loaded();
    s.error = Some("boom".into());
    update(&mut s, Action::ToggleHelp);
    assert!(s.help);
    update(&mut s, Action::Back);
    assert!(!s.help);
    assert_eq!(s.error.as_deref(), Some("boom"));
    update(&mut s, Action::Back);
    assert_eq!(s.error, None);
}

#[test]
fn quit_sets_the_flag_and_asks_for_no_io() {
    let mut s = loaded();
    assert!(update(&mut s, Action::Quit).is_empty());
    assert!(s.quit);
}

#[test]
fn a_shrinking_queue_keeps_the_selection_in_range() {
    let mut s = loaded();
    update(&mut s, Action::ShowView(View::Requests));
    update(&mut s, Action::Bottom);
    update(
        &mut s,
        Action::RequestsLoaded(Ok(vec![request("q9", "2026-11-10", RequestStatus::New)])),
    );
    assert_eq!(s.requests.selected, 0);
}
