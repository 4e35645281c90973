//! Reducer tests: each drives `update()` and checks both the new state and the effects.

use super::state::SortBy;
use super::*;
use crate::client::{BackendError, BackendKind};
use crate::domain::dates::{add_days, parse_date, week_start};
use crate::domain::{
    Allocation, Amount, DateRange, Id, Person, Project, Request, RequestStatus, Resource, Roster,
    RowKey, WeeklyCapacity,
};
use chrono::{NaiveDate, TimeZone, Utc};
use crossterm::event::KeyCode;

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
        period: Some(DateRange::new(d("2026-12-01"), d("2026-12-31"))),
        percentage: Some(50),
        notes: String::new(),
    }
}

fn new_state() -> State {
    State::new(d(TODAY), BackendKind::Local, "test.db")
}

/// A state after start-up with every load answered.
fn loaded() -> State {
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

#[test]
fn start_asks_for_everything_and_shows_it_pending() {
    let mut s = new_state();
    let effects = update(&mut s, Msg::Start);
    assert_eq!(
        effects,
        vec![
            Effect::CheckChanges,
            Effect::LoadRoster,
            Effect::LoadAllocations(s.window),
            Effect::LoadRequests,
            Effect::LoadScheduled(s.window)
        ],
        "the change token first, with the loads"
    );
    assert_eq!(
        s.pending,
        effects[1..],
        "the quiet check is not shown as pending"
    );
    // The token comes back: the next idle check compares against it.
    update(&mut s, Msg::ChangesChecked(Ok(Some(5))));
    assert_eq!(s.sync_token, Some(5));
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
    update(&mut s, Msg::Start);
    let window = s.window;
    update(
        &mut s,
        Msg::AllocationsLoaded {
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
    update(&mut s, Msg::RosterLoaded(Ok(roster())));
    assert_eq!(s.ws.load_in(&RowKey::Person(Id::new("1")), window), 2100);
}

#[test]
fn a_failed_load_shows_the_backends_words_and_stops_pending() {
    let mut s = new_state();
    update(&mut s, Msg::Start);
    let effects = update(
        &mut s,
        Msg::RequestsLoaded(Err(BackendError::Other("database is locked".into()))),
    );
    assert!(effects.is_empty());
    assert_eq!(
        s.error.as_deref(),
        Some("database is locked: could not load requests")
    );
    assert!(!s.pending.contains(&Effect::LoadRequests));
    assert_eq!(s.pending.len(), 3);
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

#[test]
fn refresh_reloads_and_clears_the_last_error() {
    let mut s = loaded();
    s.error = Some("old".into());
    let effects = update(&mut s, Command::Refresh);
    let w = s.window;
    assert_eq!(effects, reload(w), "the change token, then the four loads");
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
    update(&mut s, Command::ShowRequests);
    assert_eq!(s.view, View::Requests);
    update(&mut s, Command::NextView);
    assert_eq!(s.view, View::Resources);
    update(&mut s, Command::PrevView);
    assert_eq!(s.view, View::Requests);
}

#[test]
fn selection_moves_within_bounds_per_view() {
    let mut s = loaded();
    update(&mut s, Command::Up);
    assert_eq!(s.resources.selected, 0);
    update(&mut s, Command::Bottom);
    assert_eq!(s.resources.selected, 2);
    update(&mut s, Command::Down);
    assert_eq!(s.resources.selected, 2);
    update(&mut s, Command::Top);
    assert_eq!(s.resources.selected, 0);
    update(&mut s, Command::ShowRequests);
    update(&mut s, Command::PageDown);
    assert_eq!(s.requests.selected, 1, "two pending requests");
    assert_eq!(s.resources.selected, 0, "each view keeps its own selection");
}

#[test]
fn the_gantt_cursor_moves_by_week_and_scrolls_to_stay_visible() {
    let mut s = loaded();
    update(&mut s, Msg::Resize(80, 24));
    update(&mut s, Command::ShowGantt);
    let start = s.gantt.cursor;
    assert_eq!(week_start(start), week_start(d(TODAY)));
    let weeks = geometry::gantt_cols(80, crate::domain::Zoom::Week) as i64;
    for _ in 0..weeks {
        update(&mut s, Command::Later);
    }
    assert_eq!(s.gantt.cursor, add_days(start, 7 * weeks));
    assert!(
        s.gantt.cursor < add_days(s.gantt.first, 7 * weeks),
        "cursor stays on screen"
    );
    assert!(s.gantt.cursor >= s.gantt.first);
    update(&mut s, Command::Today);
    assert_eq!(s.gantt.cursor, start);
    assert!(s.gantt.first <= start);
}

#[test]
fn time_keys_do_nothing_outside_the_gantt() {
    let mut s = loaded();
    let before = s.gantt.clone();
    update(&mut s, Command::Later);
    assert_eq!(s.gantt, before);
}

#[test]
fn esc_closes_help_first_then_clears_messages() {
    let mut s = loaded();
    s.fail("Boom", "could not do it");
    update(&mut s, Command::ToggleHelp);
    assert!(s.help_open());
    update(&mut s, Command::Back);
    assert!(!s.help_open());
    assert_eq!(s.error.as_deref(), Some("Boom: could not do it"));
    update(&mut s, Command::Back);
    assert_eq!(s.error, None);
}

#[test]
fn quit_sets_the_flag_and_asks_for_no_io() {
    let mut s = loaded();
    assert!(update(&mut s, Command::Quit).is_empty());
    assert!(s.quit);
}

#[test]
fn a_shrinking_queue_keeps_the_selection_in_range() {
    let mut s = loaded();
    update(&mut s, Command::ShowRequests);
    update(&mut s, Command::Bottom);
    update(
        &mut s,
        Msg::RequestsLoaded(Ok(vec![request("q9", "2026-11-10", RequestStatus::New)])),
    );
    assert_eq!(s.requests.selected, 0);
}

use super::gantt::{GanttRow, Grouping};
use crate::domain::Zoom;

fn sizes(s: &mut State) {
    update(s, Msg::Resize(80, 24));
}

#[test]
fn the_filter_narrows_rows_fuzzily_and_keeps_the_selection() {
    let mut s = loaded();
    sizes(&mut s);
    update(&mut s, Command::Down); // zed Last
    assert_eq!(s.selected_resource(), Some(&RowKey::Person(Id::new("1"))));
    update(&mut s, Command::FilterStart);
    assert!(s.resources.editing);
    for c in "zd".chars() {
        update(&mut s, Input::Text(c));
    }
    assert_eq!(s.resources.visible, vec![RowKey::Person(Id::new("1"))]);
    assert_eq!(s.selected_resource(), Some(&RowKey::Person(Id::new("1"))));
    update(&mut s, Command::Backspace);
    update(&mut s, Command::Backspace);
    for c in "design".chars() {
        update(&mut s, Input::Text(c));
    }
    assert_eq!(
        s.resources.visible,
        vec![RowKey::Unnamed(Id::new("r2"))],
        "matches the role"
    );
    update(&mut s, Command::FilterDone);
    assert!(!s.resources.editing);
    assert_eq!(s.resources.filter, "design");
    update(&mut s, Command::Back);
    assert_eq!(s.resources.filter, "");
    assert_eq!(s.resources.visible.len(), 3);
    assert_eq!(
        s.selected_resource(),
        Some(&RowKey::Unnamed(Id::new("r2"))),
        "selection stays on the row it was on"
    );
}

#[test]
fn a_project_name_matches_its_people() {
    let mut s = loaded();
    update(&mut s, Command::FilterStart);
    for c in "apollo".chars() {
        update(&mut s, Input::Text(c));
    }
    assert_eq!(
        s.resources.visible,
        vec![RowKey::Person(Id::new("1")), RowKey::Unnamed(Id::new("r2"))]
    );
}

#[test]
fn sorting_cycles_columns_reverses_and_follows_the_selected_row() {
    let mut s = loaded();
    assert_eq!(s.resources.sort, SortBy::Name);
    update(&mut s, Command::SortReverse);
    assert_eq!(
        s.resources.visible.first(),
        Some(&RowKey::Unnamed(Id::new("r2")))
    );
    assert_eq!(
        s.selected_resource(),
        Some(&RowKey::Person(Id::new("2"))),
        "Amy stays selected"
    );
    assert_eq!(s.resources.selected, 2);
    update(&mut s, Command::SortReverse);
    for _ in 0..4 {
        update(&mut s, Command::SortNext);
    }
    assert_eq!(s.resources.sort, SortBy::ThisWeek);
    // This week: Amy 0, Designer 600, zed 2100.
    assert_eq!(
        s.resources.visible,
        vec![
            RowKey::Person(Id::new("2")),
            RowKey::Unnamed(Id::new("r2")),
            RowKey::Person(Id::new("1"))
        ]
    );
    for _ in 0..3 {
        update(&mut s, Command::SortNext);
    }
    assert_eq!(s.resources.sort, SortBy::Name, "wraps around");
}

#[test]
fn unnamed_resources_can_be_hidden_or_shown_alone() {
    let mut s = loaded();
    update(&mut s, Command::ToggleUnnamed);
    assert_eq!(s.resources.visible.len(), 2, "named only");
    assert!(
        s.resources
            .visible
            .iter()
            .all(|k| matches!(k, RowKey::Person(_)))
    );
    update(&mut s, Command::ToggleUnnamed);
    assert_eq!(
        s.resources.visible,
        vec![RowKey::Unnamed(Id::new("r2"))],
        "unnamed only"
    );
    update(&mut s, Command::ToggleUnnamed);
    assert_eq!(s.resources.visible.len(), 3, "everyone again");
}

#[test]
fn filter_words_can_name_the_field_they_match() {
    let mut s = loaded();
    let filter = |s: &mut State, text: &str| {
        update(s, Command::Back);
        update(s, Command::FilterStart);
        for c in text.chars() {
            update(s, Input::Text(c));
        }
        s.resources.visible.clone()
    };
    assert_eq!(
        filter(&mut s, "role:design"),
        vec![RowKey::Unnamed(Id::new("r2"))]
    );
    assert_eq!(
        filter(&mut s, "project:apollo role:eng"),
        vec![RowKey::Person(Id::new("1"))],
        "Amy holds nothing on Apollo"
    );
    assert_eq!(
        filter(&mut s, "role:eng"),
        vec![RowKey::Person(Id::new("2")), RowKey::Person(Id::new("1"))]
    );
    assert_eq!(
        filter(&mut s, "person:amy"),
        vec![RowKey::Person(Id::new("2"))]
    );
    assert_eq!(
        filter(&mut s, "project:apollo person:zed"),
        vec![RowKey::Person(Id::new("1"))]
    );
    assert!(filter(&mut s, "project:nowhere").is_empty());
}

#[test]
fn enter_on_a_resource_opens_the_gantt_on_its_row() {
    let mut s = loaded();
    update(&mut s, Command::Bottom);
    update(&mut s, Command::ExpandPerson);
    assert_eq!(s.view, View::Gantt);
    assert_eq!(
        s.selected_gantt_row(),
        Some(&GanttRow::Load(RowKey::Unnamed(Id::new("r2"))))
    );
}

#[test]
fn gantt_rows_expand_into_allocations_and_collapse() {
    let mut s = loaded();
    sizes(&mut s);
    update(&mut s, Command::ShowGantt);
    update(&mut s, Command::Down); // zed Last
    update(&mut s, Command::MarkBar);
    assert_eq!(
        s.gantt.rows,
        vec![
            GanttRow::Load(RowKey::Person(Id::new("2"))),
            GanttRow::Load(RowKey::Person(Id::new("1"))),
            GanttRow::Alloc(Id::new("a1")),
            GanttRow::Load(RowKey::Unnamed(Id::new("r2"))),
        ]
    );
    update(&mut s, Command::Down);
    assert_eq!(
        s.selected_gantt_row(),
        Some(&GanttRow::Alloc(Id::new("a1")))
    );
    update(&mut s, Command::OpenRow);
    assert_eq!(s.gantt.rows.len(), 4, "Enter on a bar does not collapse");
    assert!(s.form().is_some(), "Enter on a bar edits it");
    update(&mut s, Command::Cancel);
    update(&mut s, Command::Up);
    update(&mut s, Command::OpenRow);
    assert_eq!(s.gantt.rows.len(), 3);
}

#[test]
fn grouping_by_project_lists_projects_that_expand_into_resources() {
    let mut s = loaded();
    update(&mut s, Command::ShowGantt);
    update(&mut s, Command::ToggleGrouping);
    assert_eq!(s.gantt.grouping, Grouping::Project);
    assert_eq!(s.gantt.rows, vec![GanttRow::Project(Id::new("p1"))]);
    update(&mut s, Command::OpenRow);
    assert_eq!(
        s.gantt.rows,
        vec![
            GanttRow::Project(Id::new("p1")),
            GanttRow::Resource(Id::new("r1")),
            GanttRow::Resource(Id::new("r2"))
        ],
        "named resources first, then unnamed"
    );
    let week = DateRange::new(d("2026-11-23"), d("2026-11-29"));
    assert_eq!(s.ws.load_in(&RowKey::Project(Id::new("p1")), week), 2700);
}

#[test]
fn grouping_and_back_returns_to_the_row_and_a_bar_leads_to_its_project() {
    let mut s = loaded();
    update(&mut s, Command::ShowGantt);
    update(&mut s, Command::Down);
    update(&mut s, Command::OpenRow);
    update(&mut s, Command::Down);
    let bar = s.selected_gantt_row().cloned();
    assert!(matches!(bar, Some(GanttRow::Alloc(_))), "{bar:?}");
    let at = s.gantt.selected;
    assert!(at > 0);
    update(&mut s, Command::ToggleGrouping);
    assert_eq!(
        s.selected_gantt_row(),
        Some(&GanttRow::Project(Id::new("p1"))),
        "the bar's project"
    );
    update(&mut s, Command::ToggleGrouping);
    assert_eq!(s.gantt.selected, at, "back where it was, not the top");
    assert_eq!(s.selected_gantt_row().cloned(), bar);
}

#[test]
fn a_resize_through_a_narrow_size_keeps_weeks_before_the_cursor() {
    let mut s = loaded();
    sizes(&mut s);
    update(&mut s, Command::ShowGantt);
    let (first, cursor) = (s.gantt.first, s.gantt.cursor);
    assert!(first < cursor, "the demo opens with weeks before today");
    update(&mut s, Msg::Resize(30, 24));
    update(&mut s, Msg::Resize(80, 24));
    assert_eq!(s.gantt.cursor, cursor);
    assert_eq!(
        s.gantt.first, first,
        "the same context as before the resize"
    );
    update(&mut s, Msg::Resize(160, 48));
    let cols = geometry::gantt_cols(160, s.gantt.zoom) as i64;
    assert_eq!(
        s.gantt.zoom.index_of(s.gantt.first, s.gantt.cursor),
        cols / 4,
        "a quarter in at the new width"
    );
}

#[test]
fn zoom_steps_through_day_week_month_and_keeps_the_cursor_on_screen() {
    let mut s = loaded();
    sizes(&mut s);
    update(&mut s, Command::ShowGantt);
    update(&mut s, Command::ZoomIn);
    assert_eq!(s.gantt.zoom, Zoom::Day);
    update(&mut s, Command::ZoomIn);
    assert_eq!(s.gantt.zoom, Zoom::Day, "day is the closest");
    update(&mut s, Command::ZoomOut);
    update(&mut s, Command::ZoomOut);
    assert_eq!(s.gantt.zoom, Zoom::Month);
    let cols = geometry::gantt_cols(80, Zoom::Month) as i64;
    let at = Zoom::Month.index_of(s.gantt.first, s.gantt.cursor);
    assert!((0..cols).contains(&at), "cursor column {at} of {cols}");
}

#[test]
fn scrolling_past_the_loaded_window_asks_for_more_and_drops_stale_answers() {
    let mut s = loaded();
    sizes(&mut s);
    update(&mut s, Command::ShowGantt);
    let first_window = s.window;
    let mut effects = Vec::new();
    for _ in 0..8 {
        effects.extend(update(&mut s, Command::ScreenLater));
    }
    let Some(Effect::LoadAllocations(w)) = effects
        .iter()
        .rev()
        .find(|e| matches!(e, Effect::LoadAllocations(_)))
        .cloned()
    else {
        panic!("expected a load, got {effects:?}")
    };
    assert_eq!(w, s.window, "the newest load is the window now wanted");
    assert_ne!(w, first_window);
    assert!(w.contains(s.gantt.cursor));
    assert!(s.pending.contains(&Effect::LoadAllocations(w)));
    assert_eq!(s.rows.len(), 3, "the old rows stay while loading");
    // An answer for the window we left is dropped; the one asked for is taken.
    let last = s.window;
    update(
        &mut s,
        Msg::AllocationsLoaded {
            window: first_window,
            result: Ok(vec![]),
        },
    );
    assert_eq!(s.ws.allocations.len(), 2);
    update(
        &mut s,
        Msg::AllocationsLoaded {
            window: last,
            result: Ok(vec![allocation(
                "a9",
                "r1",
                "2027-09-01",
                "2027-09-03",
                600,
            )]),
        },
    );
    assert_eq!(s.ws.allocations.len(), 1);
    assert_eq!(s.ws.index.window(), Some(last));
}

#[test]
fn half_pages_and_screens_move_by_the_visible_amount() {
    let mut s = loaded();
    update(&mut s, Msg::Resize(120, 40));
    update(&mut s, Command::ShowGantt);
    let before = s.gantt.cursor;
    update(&mut s, Command::ScreenLater);
    let cols = geometry::gantt_cols(120, Zoom::Week) as i64;
    assert_eq!(s.gantt.cursor, add_days(before, 7 * cols));
    update(&mut s, Command::ScreenEarlier);
    assert_eq!(s.gantt.cursor, before);
    update(&mut s, Command::HalfPageDown);
    assert_eq!(s.gantt.selected, 2, "clamped to the last of three rows");
}

#[test]
fn a_refresh_keeps_the_selection_on_the_same_rows() {
    let mut s = loaded();
    update(&mut s, Command::Down); // zed Last in Resources
    update(&mut s, Command::ShowGantt);
    update(&mut s, Command::Bottom); // the unnamed Designer
    update(&mut s, Command::Refresh);
    // The refreshed roster lists a new person who sorts first.
    let mut r = roster();
    r.people.push(person("3", "Aaron New"));
    update(&mut s, Msg::RosterLoaded(Ok(r)));
    assert_eq!(s.selected_resource(), Some(&RowKey::Person(Id::new("1"))));
    assert_eq!(
        s.selected_gantt_row(),
        Some(&GanttRow::Load(RowKey::Unnamed(Id::new("r2"))))
    );
}

// ---- editing (issue 4) ----

use super::form::Field;
use crate::client::{Applied, Change};

/// The Gantt with zed's row expanded and his bar a1 selected.
pub(super) fn on_bar() -> State {
    let mut s = loaded();
    sizes(&mut s);
    update(&mut s, Command::ShowGantt);
    update(&mut s, Command::Down);
    update(&mut s, Command::MarkBar);
    update(&mut s, Command::Down);
    assert_eq!(
        s.selected_gantt_row(),
        Some(&GanttRow::Alloc(Id::new("a1")))
    );
    s
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

#[test]
fn shifting_a_bar_shows_at_once_and_sends_one_versioned_write() {
    let mut s = on_bar();
    let before = a1(&s);
    let (seq, changes) = only_apply(&update(&mut s, Command::ShiftLater));
    let moved = a1(&s);
    assert_eq!(
        moved.range,
        DateRange::new(d("2026-11-30"), d("2026-12-04"))
    );
    assert_eq!(
        changes,
        vec![Change::Update(Allocation {
            version: 1,
            ..moved.clone()
        })]
    );
    assert!(
        s.pending.iter().any(|p| matches!(p, Effect::Apply { .. })),
        "the status bar says saving"
    );
    let week = DateRange::new(d("2026-11-30"), d("2026-12-06"));
    assert_eq!(
        s.ws.load_in(&RowKey::Person(Id::new("1")), week),
        2100,
        "the index moved with it"
    );
    // The store confirms at version 2.
    let effects = update(
        &mut s,
        Msg::Applied {
            seq,
            result: Ok(vec![Applied::Updated(Allocation {
                version: 2,
                ..moved.clone()
            })]),
        },
    );
    assert!(effects.is_empty());
    assert_eq!(a1(&s).version, 2);
    assert!(!s.edits.is_saving());
    // Undo sends the inverse, naming the version the store now has.
    let (_, changes) = only_apply(&update(&mut s, Command::Undo));
    assert_eq!(
        changes,
        vec![Change::Update(Allocation {
            version: 2,
            ..before.clone()
        })]
    );
    assert_eq!(a1(&s).range, before.range);
    assert_eq!(s.edits.redo.len(), 1);
}

#[test]
fn a_refused_write_rolls_back_the_screen_and_the_history_with_the_backends_words() {
    let mut s = on_bar();
    let before = a1(&s);
    let (seq, _) = only_apply(&update(&mut s, Command::ShiftLater));
    let err = BackendError::Validation {
        field: Some("start_date".into()),
        message: "is in a locked period".into(),
    };
    update(
        &mut s,
        Msg::Applied {
            seq,
            result: Err(err),
        },
    );
    assert_eq!(a1(&s), before);
    assert!(s.edits.undo.is_empty() && s.edits.queue.is_empty());
    let e = s.error.clone().unwrap();
    assert!(
        e.contains("start_date: is in a locked period") && e.contains("Nothing was changed"),
        "{e}"
    );
    let week = DateRange::new(d("2026-11-23"), d("2026-11-29"));
    assert_eq!(s.ws.load_in(&RowKey::Person(Id::new("1")), week), 2100);
}

#[test]
fn an_unreachable_backend_keeps_every_edit_and_sends_them_again_on_the_next_tick() {
    let mut s = on_bar();
    let before = a1(&s);
    let (seq1, changes) = only_apply(&update(&mut s, Command::ShiftLater));
    update(&mut s, Command::ToggleHard); // queued behind it
    let shown = a1(&s);
    update(
        &mut s,
        Msg::Applied {
            seq: seq1,
            result: Err(BackendError::Unavailable(
                "Kantata is unavailable (503): down for maintenance".into(),
            )),
        },
    );
    assert_eq!(a1(&s), shown, "the screen keeps both edits");
    assert_ne!(a1(&s), before);
    assert_eq!(s.edits.queue.len(), 2);
    assert_eq!(s.edits.undo.len(), 2, "and the history");
    assert_eq!(s.writes_in_flight(), 2, "quit still waits for them");
    let e = s.error.clone().unwrap();
    assert!(
        e.starts_with("Kantata is unavailable (503): down for maintenance: all 2 edits are kept"),
        "{e}"
    );
    // The next tick sends the same write again; nothing else goes out meanwhile.
    let (seq, again) = only_apply(&update(&mut s, Msg::Tick));
    assert_eq!((seq, again), (seq1, changes));
    assert!(
        update(&mut s, Msg::Tick).is_empty(),
        "one write in flight at a time"
    );
    assert_eq!(s.edits.in_flight, Some(seq1));
}

#[test]
fn a_write_whose_answer_was_lost_is_taken_back_and_the_truth_reloaded() {
    let mut s = on_bar();
    let before = a1(&s);
    let (seq, _) = only_apply(&update(&mut s, Command::ShiftLater));
    let effects = update(
        &mut s,
        Msg::Applied {
            seq,
            result: Err(BackendError::Unknown(
                "could not reach Kantata (workspace_allocations): connection closed".into(),
            )),
        },
    );
    assert_eq!(
        a1(&s),
        before,
        "taken back until the backend says otherwise"
    );
    assert_eq!(effects, vec![Effect::LoadAllocations(s.window)]);
    let e = s.error.clone().unwrap();
    assert!(
        e.contains("connection closed") && e.contains("may have been saved: reloading"),
        "{e}"
    );
    assert!(!e.contains("Nothing was changed"), "{e}");
}

#[test]
fn writes_go_one_at_a_time_and_a_refusal_takes_back_the_later_ones_too() {
    let mut s = on_bar();
    let before = a1(&s);
    let (seq1, _) = only_apply(&update(&mut s, Command::ShiftLater));
    assert!(
        update(&mut s, Command::ToggleHard).is_empty(),
        "queued behind the first"
    );
    assert!(!a1(&s).hard, "but shown at once");
    assert_eq!(s.edits.queue.len(), 2);
    // The first is confirmed: the second goes out with the version the store now has.
    let moved = Allocation {
        version: 2,
        ..a1(&s)
    };
    let (seq2, changes) = only_apply(&update(
        &mut s,
        Msg::Applied {
            seq: seq1,
            result: Ok(vec![Applied::Updated(Allocation {
                hard: true,
                ..moved
            })]),
        },
    ));
    assert!(matches!(&changes[0], Change::Update(a) if a.version == 2 && !a.hard));
    update(
        &mut s,
        Msg::Applied {
            seq: seq2,
            result: Err(BackendError::Stale("changed elsewhere".into())),
        },
    );
    assert!(
        a1(&s).hard && a1(&s).range != before.range,
        "only the refused edit was taken back"
    );
    assert_eq!(s.edits.undo.len(), 1);

    // Two queued, the first refused: both are taken back.
    let mut s = on_bar();
    let (seq1, _) = only_apply(&update(&mut s, Command::ShiftLater));
    update(&mut s, Command::ShiftLater);
    update(
        &mut s,
        Msg::Applied {
            seq: seq1,
            result: Err(BackendError::Other("disk full".into())),
        },
    );
    assert_eq!(a1(&s), before);
    assert!(s.edits.undo.is_empty());
    assert!(
        s.error
            .as_deref()
            .unwrap()
            .contains("the edit made after it was taken back too")
    );
}

#[test]
fn the_form_creates_an_allocation_and_learns_its_real_id() {
    let mut s = on_bar();
    update(&mut s, Command::Up); // zed's row
    update(&mut s, Command::NewAllocation);
    let form = s.form().cloned().expect("form open");
    assert_eq!(
        form.resources,
        vec![Id::new("r1")],
        "prefilled from the row"
    );
    assert_eq!(form.start, "2026-11-23");
    assert_eq!(form.end, "2026-11-29");
    for _ in 0..form.amount.len() {
        update(&mut s, Command::Backspace);
    }
    update(&mut s, Input::Text('8'));
    let (seq, changes) = only_apply(&update(&mut s, Command::Submit));
    assert!(s.form().is_none());
    let Change::Create(n) = &changes[0] else {
        panic!("{changes:?}")
    };
    assert_eq!(n.amount, Amount::TotalMinutes(480));
    assert!(n.hard);
    let temp = s.edits.undo[0].forward[0].subject().unwrap().id.clone();
    assert!(s.ws.allocations.contains_key(&temp));
    assert_eq!(
        s.selected_gantt_row(),
        Some(&GanttRow::Alloc(temp.clone())),
        "the new bar is selected"
    );
    let mut real = s.ws.allocations[&temp].clone();
    real.id = Id::new("900");
    real.version = 1;
    update(
        &mut s,
        Msg::Applied {
            seq,
            result: Ok(vec![Applied::Created(real)]),
        },
    );
    assert!(!s.ws.allocations.contains_key(&temp));
    assert!(s.ws.allocations.contains_key(&Id::new("900")));
    assert_eq!(
        s.selected_gantt_row(),
        Some(&GanttRow::Alloc(Id::new("900")))
    );
    let (_, changes) = only_apply(&update(&mut s, Command::Undo));
    assert_eq!(
        changes,
        vec![Change::Delete {
            id: Id::new("900"),
            version: 1
        }]
    );
}

#[test]
fn the_form_refuses_bad_input_naming_the_field_and_sends_nothing() {
    let mut s = on_bar();
    update(&mut s, Command::EditAllocation);
    assert_eq!(s.form().unwrap().editing, Some(Id::new("a1")));
    let type_into = |s: &mut State, field: Field, text: &str| {
        s.form_mut().unwrap().focus = field;
        for _ in 0..40 {
            update(s, Command::Backspace);
        }
        for c in text.chars() {
            update(s, Input::Text(c));
        }
    };
    type_into(&mut s, Field::End, "2026-11-20");
    assert!(update(&mut s, Command::Submit).is_empty());
    let form = s.form().cloned().unwrap();
    assert_eq!(
        form.errors.get(&Field::End).map(String::as_str),
        Some("must be on or after the start (2026-11-23)")
    );
    assert_eq!(form.focus, Field::End, "focus goes to the first bad field");
    type_into(&mut s, Field::End, "+1w");
    type_into(&mut s, Field::Start, "soon");
    type_into(&mut s, Field::Amount, "100000");
    assert!(update(&mut s, Command::Submit).is_empty());
    let errors = s.form().cloned().unwrap().errors;
    assert!(errors[&Field::Start].contains("'soon' is not a date"));
    assert!(errors[&Field::Amount].contains("between 0 and 99999"));
    assert_eq!(a1(&s).range.end, d("2026-11-27"), "nothing changed");
    update(&mut s, Command::Cancel);
    assert!(s.form().is_none() && s.edits.undo.is_empty());
}

#[test]
fn unnamed_resources_are_soft_only_and_read_only_bars_cannot_change() {
    let mut s = loaded();
    sizes(&mut s);
    update(&mut s, Command::ShowGantt);
    update(&mut s, Command::Bottom); // the unnamed Designer
    update(&mut s, Command::NewAllocation);
    assert!(!s.form().unwrap().hard, "an unnamed resource starts soft");
    s.form_mut().unwrap().focus = Field::Kind;
    update(&mut s, Command::ToggleChoice);
    update(&mut s, Command::Submit);
    let errors = s.form().cloned().unwrap().errors;
    assert!(
        errors[&Field::Kind].contains("only be soft-allocated"),
        "{errors:?}"
    );
    update(&mut s, Command::Cancel);

    let mut s = on_bar();
    s.ws.allocations.get_mut(&Id::new("a1")).unwrap().read_only = true;
    assert!(update(&mut s, Command::ShiftLater).is_empty());
    assert!(s.error.as_deref().unwrap().starts_with("Read-only"));
    update(&mut s, Command::EditAllocation);
    assert!(s.form().is_none());
}

#[test]
fn delete_asks_first_naming_the_allocation() {
    let mut s = on_bar();
    assert!(update(&mut s, Command::DeleteAllocations).is_empty());
    let q = s.confirm().cloned().unwrap().question;
    assert!(
        q.contains("zed Last on Apollo (Engineer), 2026-11-23 → 2026-11-27, 35h"),
        "{q}"
    );
    update(&mut s, Command::No);
    assert!(s.confirm().is_none() && s.ws.allocations.contains_key(&Id::new("a1")));
    update(&mut s, Command::DeleteAllocations);
    let (_, changes) = only_apply(&update(&mut s, Command::Yes));
    assert_eq!(
        changes,
        vec![Change::Delete {
            id: Id::new("a1"),
            version: 1
        }]
    );
    assert!(!s.ws.allocations.contains_key(&Id::new("a1")));
}

#[test]
fn split_at_the_cursor_and_learn_the_second_parts_id() {
    let mut s = on_bar();
    update(&mut s, Command::ZoomIn); // day zoom, cursor on Monday 23rd
    update(&mut s, Command::Later);
    update(&mut s, Command::Later); // Wednesday 25th
    let (seq, changes) = only_apply(&update(&mut s, Command::Split));
    assert_eq!(
        changes,
        vec![Change::Split {
            id: Id::new("a1"),
            version: 1,
            date: d("2026-11-25")
        }]
    );
    assert_eq!(a1(&s).range.end, d("2026-11-24"));
    assert_eq!(a1(&s).amount, Amount::TotalMinutes(840));
    let second =
        s.ws.allocations
            .values()
            .find(|a| a.range.start == d("2026-11-25"))
            .unwrap()
            .clone();
    let real_second = Allocation {
        id: Id::new("901"),
        ..second.clone()
    };
    let first = Allocation {
        version: 2,
        ..a1(&s)
    };
    update(
        &mut s,
        Msg::Applied {
            seq,
            result: Ok(vec![Applied::Split(first, real_second)]),
        },
    );
    assert!(s.ws.allocations.contains_key(&Id::new("901")));
    // The undo merges back first and deletes the second part only then, so a failure half-way
    // never leaves the first part alone.
    let (_, undo) = only_apply(&update(&mut s, Command::Undo));
    assert!(
        matches!(&undo[0], Change::Update(a) if a.id == Id::new("a1") && a.version == 2 && a.range.end == d("2026-11-27"))
    );
    assert_eq!(
        undo[1],
        Change::Delete {
            id: Id::new("901"),
            version: 1
        }
    );
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

#[test]
fn a_batch_that_fails_part_way_keeps_what_went_through_reloads_and_says_which() {
    let mut s = loaded();
    sizes(&mut s);
    let before: Vec<Allocation> = ["a1", "a2"]
        .iter()
        .map(|id| s.ws.allocations[&Id::new(*id)].clone())
        .collect();
    let (seq, changes) = two_marked_and_moved(&mut s);
    let [Change::Update(went), Change::Update(refused)] = &changes[..] else {
        panic!("{changes:?}")
    };
    let effects = update(
        &mut s,
        Msg::Applied {
            seq,
            result: Err(BackendError::Partial {
                done: vec![Applied::Updated(Allocation {
                    version: 7,
                    ..went.clone()
                })],
                cause: Box::new(BackendError::Stale(
                    "allocation a2 was changed in Kantata since allot read it".into(),
                )),
            }),
        },
    );
    // What went through stays, the rest is taken back, and the truth is read again.
    assert_eq!(effects, vec![Effect::LoadAllocations(s.window)]);
    assert_eq!(s.pending, effects);
    assert_eq!(s.ws.allocations[&went.id].range, went.range);
    assert_eq!(s.ws.allocations[&went.id].version, 7, "learned");
    let was = before.iter().find(|a| a.id == refused.id).unwrap();
    assert_eq!(&s.ws.allocations[&refused.id], was, "taken back");
    assert!(s.edits.queue.is_empty() && s.edits.in_flight.is_none());
    let e = s.error.clone().unwrap();
    assert!(
        e.starts_with("allocation a2 was changed in Kantata since allot read it: 1 of 2 changes"),
        "why first: {e}"
    );
    assert!(
        e.contains("went through (zed Last · Apollo 11-16 → 11-20)"),
        "{e}"
    );
    assert!(
        e.contains("Unnamed Designer · Apollo 11-23 → 11-24 was not changed"),
        "{e}"
    );
    assert!(!e.contains("Nothing was changed"), "{e}");
    // The history holds what the backend holds: undo takes back the one that went through.
    assert_eq!(s.edits.undo.len(), 1);
    assert_eq!(s.edits.undo[0].forward.len(), 1);
    let (_, undo) = only_apply(&update(&mut s, Command::Undo));
    assert!(
        matches!(&undo[..], [Change::Update(a)] if a.id == went.id && a.version == 7 && a.range == before.iter().find(|b| b.id == went.id).unwrap().range),
        "{undo:?}"
    );
}

#[test]
fn after_a_reload_an_edit_names_the_version_read_not_one_confirmed_before() {
    let mut s = on_bar();
    let (seq, _) = only_apply(&update(&mut s, Command::ShiftLater));
    let confirmed = Allocation {
        version: 2,
        ..a1(&s)
    };
    update(
        &mut s,
        Msg::Applied {
            seq,
            result: Ok(vec![Applied::Updated(confirmed)]),
        },
    );
    // Someone else changed it since (version 5); a reload shows theirs.
    let window = s.window;
    let theirs = Allocation {
        version: 5,
        notes: "theirs".into(),
        ..a1(&s)
    };
    update(
        &mut s,
        Msg::AllocationsLoaded {
            window,
            result: Ok(vec![theirs]),
        },
    );
    let (_, changes) = only_apply(&update(&mut s, Command::ToggleHard));
    assert!(
        matches!(&changes[..], [Change::Update(a)] if a.version == 5),
        "{changes:?}"
    );
}

#[test]
fn a_batch_whose_answer_was_lost_part_way_says_which_one_is_in_doubt_and_reloads() {
    let mut s = loaded();
    sizes(&mut s);
    let (seq, changes) = two_marked_and_moved(&mut s);
    let Change::Update(went) = &changes[0] else {
        panic!("{changes:?}")
    };
    let effects = update(
        &mut s,
        Msg::Applied {
            seq,
            result: Err(BackendError::Partial {
                done: vec![Applied::Updated(went.clone())],
                cause: Box::new(BackendError::Unknown("connection closed".into())),
            }),
        },
    );
    assert_eq!(effects, vec![Effect::LoadAllocations(s.window)]);
    let e = s.error.clone().unwrap();
    assert!(e.starts_with("connection closed: 1 of 2 changes"), "{e}");
    assert!(
        e.contains("whether Unnamed Designer · Apollo 11-23 → 11-24 was saved is not known"),
        "{e}"
    );
}

#[test]
fn a_batch_cut_off_part_way_by_an_outage_keeps_the_rest_and_sends_only_the_rest() {
    let mut s = loaded();
    sizes(&mut s);
    let (seq, changes) = two_marked_and_moved(&mut s);
    let shown: Vec<Allocation> = s.ws.allocations.values().cloned().collect();
    let Change::Update(went) = &changes[0] else {
        panic!("{changes:?}")
    };
    update(
        &mut s,
        Msg::Applied {
            seq,
            result: Err(BackendError::Partial {
                done: vec![Applied::Updated(Allocation {
                    version: 7,
                    ..went.clone()
                })],
                cause: Box::new(BackendError::Unavailable(
                    "Kantata is unavailable (503)".into(),
                )),
            }),
        },
    );
    assert!(s.edits.stalled);
    let mut now: Vec<Allocation> = s.ws.allocations.values().cloned().collect();
    now.iter_mut().for_each(|a| a.version = 1);
    let mut shown = shown;
    shown.iter_mut().for_each(|a| a.version = 1);
    now.sort_by(|a, b| a.id.cmp(&b.id));
    shown.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(now, shown, "both still on screen");
    let (again, rest) = only_apply(&update(&mut s, Msg::Tick));
    assert_eq!(again, seq);
    assert_eq!(
        rest,
        changes[1..].to_vec(),
        "the one that went through is not sent twice"
    );
    // The rest is refused later: what went through stays in the history.
    update(
        &mut s,
        Msg::Applied {
            seq,
            result: Err(BackendError::Stale("changed elsewhere".into())),
        },
    );
    assert_eq!(s.edits.undo.len(), 1);
    assert_eq!(s.edits.undo[0].forward.len(), 1);
    assert_eq!(s.ws.allocations[&went.id].range, went.range);
    assert!(s.error.clone().unwrap().contains("1 of 2 changes"));
}

#[test]
fn undoing_a_split_that_fails_half_way_loses_neither_half() {
    let mut s = on_bar();
    update(&mut s, Command::ZoomIn);
    update(&mut s, Command::Later);
    update(&mut s, Command::Later);
    let original = a1(&s);
    let (seq, _) = only_apply(&update(&mut s, Command::Split));
    let second =
        s.ws.allocations
            .values()
            .find(|a| a.range.start == d("2026-11-25"))
            .unwrap()
            .clone();
    let real_second = Allocation {
        id: Id::new("901"),
        ..second
    };
    let first = Allocation {
        version: 2,
        ..a1(&s)
    };
    update(
        &mut s,
        Msg::Applied {
            seq,
            result: Ok(vec![Applied::Split(first, real_second.clone())]),
        },
    );
    let (seq, undo) = only_apply(&update(&mut s, Command::Undo));
    let Change::Update(merged) = &undo[0] else {
        panic!("{undo:?}")
    };
    // The merge lands; the delete of the second half fails.
    let effects = update(
        &mut s,
        Msg::Applied {
            seq,
            result: Err(BackendError::Partial {
                done: vec![Applied::Updated(Allocation {
                    version: 3,
                    ..merged.clone()
                })],
                cause: Box::new(BackendError::Other("database is locked".into())),
            }),
        },
    );
    assert_eq!(effects, vec![Effect::LoadAllocations(s.window)]);
    assert_eq!(a1(&s).range, original.range, "merged back");
    assert!(
        s.ws.allocations.contains_key(&Id::new("901")),
        "the second half is still there"
    );
    let e = s.error.clone().unwrap();
    assert!(e.starts_with("database is locked: 1 of 2 changes"), "{e}");
    // What is left of the undo is still to undo, and undo sends just that.
    assert!(s.edits.redo.is_empty());
    let (_, rest) = only_apply(&update(&mut s, Command::Undo));
    assert_eq!(
        rest,
        vec![Change::Delete {
            id: Id::new("901"),
            version: 1
        }]
    );
}

#[test]
fn marked_bars_move_together_in_one_batch() {
    let mut s = loaded();
    sizes(&mut s);
    update(&mut s, Command::ShowGantt);
    update(&mut s, Command::Down);
    update(&mut s, Command::MarkBar);
    update(&mut s, Command::Bottom);
    update(&mut s, Command::MarkBar); // expand the Designer
    update(&mut s, Command::Down);
    update(&mut s, Command::MarkBar);
    update(&mut s, Command::Top);
    update(&mut s, Command::Down);
    update(&mut s, Command::Down);
    update(&mut s, Command::MarkBar);
    assert_eq!(s.marks.len(), 2);
    let (_, changes) = only_apply(&update(&mut s, Command::ShiftEarlier));
    assert_eq!(changes.len(), 2);
    assert_eq!(
        s.edits.undo.last().unwrap().label,
        "move 2 allocations a week earlier"
    );
    update(&mut s, Command::Back);
    assert!(s.marks.is_empty());
}

#[test]
fn redo_replays_and_a_new_edit_clears_redo_unless_it_is_refused() {
    let mut s = on_bar();
    let (seq, _) = only_apply(&update(&mut s, Command::ShiftLater));
    let confirm = |s: &mut State, seq: u64, v: i64| {
        let a = Allocation {
            version: v,
            ..a1(s)
        };
        update(
            s,
            Msg::Applied {
                seq,
                result: Ok(vec![Applied::Updated(a)]),
            },
        )
    };
    confirm(&mut s, seq, 2);
    let (seq, _) = only_apply(&update(&mut s, Command::Undo));
    confirm(&mut s, seq, 3);
    let (seq, changes) = only_apply(&update(&mut s, Command::Redo));
    assert!(
        matches!(&changes[0], Change::Update(a) if a.version == 3 && a.range.start == d("2026-11-30"))
    );
    confirm(&mut s, seq, 4);
    let (seq, _) = only_apply(&update(&mut s, Command::Undo));
    confirm(&mut s, seq, 5);
    assert_eq!(s.edits.redo.len(), 1);
    let (seq, _) = only_apply(&update(&mut s, Command::ToggleHard));
    assert!(s.edits.redo.is_empty(), "a new edit clears redo");
    update(
        &mut s,
        Msg::Applied {
            seq,
            result: Err(BackendError::Other("offline".into())),
        },
    );
    assert_eq!(s.edits.redo.len(), 1, "a refused edit gives redo back");
    assert_eq!(update(&mut s, Command::Redo).len(), 1);
}

#[test]
fn idle_ticks_check_quietly_and_reload_when_someone_else_wrote() {
    let mut s = loaded();
    assert_eq!(update(&mut s, Msg::Tick), vec![Effect::CheckChanges]);
    assert!(s.quiet, "a check is no reason to redraw");
    s.quiet = false;
    assert!(update(&mut s, Msg::ChangesChecked(Ok(Some(7)))).is_empty());
    assert!(s.quiet);
    assert!(update(&mut s, Msg::ChangesChecked(Ok(Some(7)))).is_empty());
    let effects = update(&mut s, Msg::ChangesChecked(Ok(Some(8))));
    let w = s.window;
    assert_eq!(effects, reload(w), "the token is taken again with the load");
    assert_eq!(s.notice.as_deref(), Some("Changed elsewhere: reloaded"));
    // No checks while saving.
    let mut s = on_bar();
    update(&mut s, Command::ShiftLater);
    assert!(update(&mut s, Msg::Tick).is_empty());
}

// ---- requests (issue 5) ----

use super::requests::StatusFilter;
use crate::client::Resolution;

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

#[test]
fn the_queue_filters_mine_and_by_status() {
    let mut s = queue_view();
    assert_eq!(
        s.queue,
        vec![Id::new("q1"), Id::new("q2")],
        "mine, pending, oldest first"
    );
    s.ws.requests.get_mut(&Id::new("q2")).unwrap().approver_ids = vec![Id::new("2")];
    update(&mut s, Command::ToggleMine); // all
    update(&mut s, Command::ToggleMine); // mine again, rebuilt
    assert_eq!(s.queue, vec![Id::new("q1")]);
    update(&mut s, Command::ToggleMine);
    assert_eq!(s.queue.len(), 2);
    update(&mut s, Command::NextStatus);
    assert_eq!(s.requests.status, StatusFilter::Approved);
    assert_eq!(s.queue, vec![Id::new("q3")]);
    for _ in 0..3 {
        update(&mut s, Command::NextStatus);
    }
    assert_eq!(s.requests.status, StatusFilter::All);
    assert_eq!(s.queue.len(), 3);
}

#[test]
fn approving_an_unnamed_request_picks_a_person_confirms_and_names_the_resource() {
    let mut s = queue_view();
    update(&mut s, Command::Approve);
    let pick = s.pick().cloned().expect("a person to pick");
    assert_eq!(pick.options.len(), 2, "everyone is a candidate");
    // Type to find Amy.
    for c in "amy".chars() {
        update(&mut s, Input::Text(c));
    }
    assert_eq!(s.pick().unwrap().options, vec![Id::new("2")]);
    update(&mut s, Command::ToggleSoft);
    update(&mut s, Command::Submit);
    let q = s.confirm().cloned().expect("y/n").question;
    assert_eq!(
        q,
        "Approve #q1 Apollo · ○ Designer → Amy First · W53 ·0% (soft)?\n12-01 → 12-31 · 50% · 92h · u undoes"
    );
    let effects = update(&mut s, Command::Yes);
    assert_eq!(
        resolve_effects(&effects),
        vec![(
            Id::new("q1"),
            Resolution::Approve {
                user_id: Some(Id::new("2")),
                soft: true
            }
        )]
    );
    // Shown at once: the request is approved, the resource named, its allocation soft and on Amy's row.
    assert_eq!(
        s.ws.requests[&Id::new("q1")].status,
        RequestStatus::Approved
    );
    assert_eq!(s.ws.resources[&Id::new("r2")].person_id, Some(Id::new("2")));
    assert!(!s.ws.allocations[&Id::new("a2")].hard);
    let week = DateRange::new(d("2026-11-23"), d("2026-11-29"));
    assert_eq!(s.ws.load_in(&RowKey::Person(Id::new("2")), week), 600);
    assert!(
        !s.rows.contains(&RowKey::Unnamed(Id::new("r2"))),
        "no longer an unnamed row"
    );
    assert_eq!(s.queue, vec![Id::new("q2")]);
    let mut approved = s.ws.requests[&Id::new("q1")].clone();
    approved.status = RequestStatus::Approved;
    update(
        &mut s,
        Msg::Resolved {
            id: Id::new("q1"),
            result: Ok(approved),
        },
    );
    assert_eq!(
        s.notice.as_deref(),
        Some("Request #q1 approved: Amy First staffs Designer on Apollo")
    );
    assert!(s.pending.is_empty());
}

#[test]
fn a_refused_approval_puts_everything_back_and_stays_marked_with_the_reason() {
    let mut s = queue_view();
    let before_alloc = s.ws.allocations[&Id::new("a2")].clone();
    update(&mut s, Command::Approve);
    update(&mut s, Command::Submit);
    update(&mut s, Command::Yes);
    let err = BackendError::Validation {
        field: Some("user_id".into()),
        message: "is not a member of the project".into(),
    };
    update(
        &mut s,
        Msg::Resolved {
            id: Id::new("q1"),
            result: Err(err),
        },
    );
    assert!(s.ws.requests[&Id::new("q1")].status.is_pending());
    assert_eq!(s.ws.resources[&Id::new("r2")].person_id, None);
    assert_eq!(s.ws.allocations[&Id::new("a2")], before_alloc);
    assert!(s.rows.contains(&RowKey::Unnamed(Id::new("r2"))));
    assert!(s.requests.marks.contains(&Id::new("q1")));
    assert_eq!(
        s.requests.failures[&Id::new("q1")],
        "user_id: is not a member of the project"
    );
    assert!(s.queue.contains(&Id::new("q1")));
}

#[test]
fn bulk_reject_with_a_partial_failure_keeps_the_failure_marked() {
    let mut s = queue_view();
    // Space marks and moves down.
    update(&mut s, Command::MarkRequest);
    update(&mut s, Command::MarkRequest);
    update(&mut s, Command::Reject);
    // No reason given: Enter goes on to the y/n.
    update(&mut s, Command::Submit);
    let q = s.confirm().cloned().unwrap().question;
    assert!(
        q.starts_with("Reject 2 requests · u undoes\n#q1 Apollo · ○ Designer\n#q2"),
        "{q}"
    );
    let effects = update(&mut s, Command::Yes);
    assert_eq!(resolve_effects(&effects).len(), 2);
    let mut ok = s.ws.requests[&Id::new("q1")].clone();
    ok.status = RequestStatus::Rejected;
    update(
        &mut s,
        Msg::Resolved {
            id: Id::new("q1"),
            result: Ok(ok),
        },
    );
    update(
        &mut s,
        Msg::Resolved {
            id: Id::new("q2"),
            result: Err(BackendError::Other("timed out".into())),
        },
    );
    assert_eq!(
        s.queue,
        vec![Id::new("q2")],
        "the success left the queue, the failure stayed"
    );
    assert_eq!(
        s.requests.marks.iter().cloned().collect::<Vec<_>>(),
        vec![Id::new("q2")]
    );
    // Per item: the summary once both answered, each answer in full in the log.
    assert_eq!(
        s.error.as_deref(),
        Some("1 of 2 went through: #q2: timed out (L lists each)")
    );
    assert!(s.log.newest_first().any(|m| {
        m.text
            .starts_with("timed out: could not resolve request #q2")
    }));
}

#[test]
fn only_the_requester_cancels_and_resolved_requests_stay_resolved() {
    let mut s = queue_view();
    update(&mut s, Command::CancelRequest);
    assert!(s.confirm().is_none());
    assert!(
        s.error
            .as_deref()
            .unwrap()
            .contains("Only the requester can cancel")
    );
    s.ws.current_user = Some(Id::new("2")); // Amy asked for both
    s.ws.requests
        .get_mut(&Id::new("q1"))
        .unwrap()
        .approver_ids
        .push(Id::new("2"));
    update(&mut s, Command::CancelRequest);
    assert!(s.confirm().unwrap().question.starts_with("Cancel #q1"));
    update(&mut s, Command::No);

    let mut s = queue_view();
    update(&mut s, Command::ToggleMine);
    update(&mut s, Command::NextStatus); // approved
    update(&mut s, Command::Approve);
    assert!(s.pick().is_none() && s.confirm().is_none());
    assert!(
        s.error
            .as_deref()
            .unwrap()
            .starts_with("A resolved request cannot be resolved again: #q3 is already approved")
    );
}

#[test]
fn reassigning_picks_an_approver_and_the_request_leaves_my_queue() {
    let mut s = queue_view();
    update(&mut s, Command::Reassign);
    for c in "amy".chars() {
        update(&mut s, Input::Text(c));
    }
    update(&mut s, Command::Submit);
    assert_eq!(
        s.confirm().unwrap().question,
        "Reassign #q1 Apollo · ○ Designer from zed Last to Amy First?"
    );
    let effects = update(&mut s, Command::Yes);
    assert_eq!(
        effects,
        vec![Effect::Reassign {
            id: Id::new("q1"),
            approvers: vec![Id::new("2")]
        }]
    );
    assert_eq!(s.queue, vec![Id::new("q2")]);
    update(
        &mut s,
        Msg::Reassigned {
            id: Id::new("q1"),
            result: Err(BackendError::NotFound("no such user".into())),
        },
    );
    assert_eq!(
        s.ws.requests[&Id::new("q1")].approver_ids,
        vec![Id::new("1")],
        "rolled back"
    );
    assert!(s.queue.contains(&Id::new("q1")));
}

#[test]
fn a_backend_without_requests_says_so() {
    let mut s = queue_view();
    s.backend = crate::client::BackendKind::Ruddr;
    update(&mut s, Command::Approve);
    assert_eq!(
        s.notice.as_deref(),
        Some("Ruddr has no staffing requests: staff projects in the Gantt (2)")
    );
    assert!(s.pick().is_none());
}

#[test]
fn a_new_request_for_a_role_is_sent_and_a_refusal_gives_the_form_back() {
    use super::request_form::RqField;
    use crate::client::{NewRequest, RequestCreated, RequestTarget};
    let mut s = loaded();
    update(&mut s, Command::NewRequest);
    let typed = |s: &mut State, text: &str| {
        for c in text.chars() {
            update(s, Input::Text(c));
        }
    };
    assert_eq!(s.request_form().unwrap().focus, RqField::Project);
    // Sending at once names every missing field.
    update(&mut s, Command::Submit);
    let errors = s.request_form().unwrap().errors.clone();
    assert!(
        errors.contains_key(&RqField::Project)
            && errors.contains_key(&RqField::Role)
            && errors.contains_key(&RqField::Approvers)
    );
    s.request_form_mut().unwrap().focus = RqField::Project;
    typed(&mut s, "apol");
    update(&mut s, Command::NextField); // picks Apollo
    typed(&mut s, "QA Engineer");
    update(&mut s, Command::NextField);
    typed(&mut s, "amy");
    update(&mut s, Command::ToggleChoice);
    let effects = update(&mut s, Command::Submit);
    let new = NewRequest {
        target: RequestTarget::NewUnnamed {
            project_id: Id::new("p1"),
            role: "QA Engineer".into(),
        },
        approver_ids: vec![Id::new("2")],
        period: DateRange::new(d("2026-11-30"), d("2026-12-27")),
        percentage: 100,
        notes: String::new(),
    };
    assert_eq!(effects, vec![Effect::CreateRequest(new)]);
    assert!(s.request_form().is_none());
    // Refused: the form comes back as it was, with the backend's words on the field.
    let err = BackendError::Validation {
        field: Some("approver_ids".into()),
        message: "person 2 cannot approve".into(),
    };
    update(&mut s, Msg::RequestCreated(Err(err)));
    let form = s.request_form().cloned().expect("the form is back");
    assert_eq!(form.role, "QA Engineer");
    assert_eq!(form.focus, RqField::Approvers);
    assert!(form.errors[&RqField::Approvers].contains("person 2 cannot approve"));
    // Accepted: the request, its resource and allocation are shown without a reload.
    update(&mut s, Command::Submit);
    let made = RequestCreated {
        request: Request {
            id: Id::new("q9"),
            resource_id: Id::new("r9"),
            approver_ids: vec![Id::new("1")],
            ..request("q9", "2026-11-23", RequestStatus::New)
        },
        resource: Some(Resource {
            id: Id::new("r9"),
            project_id: Some(Id::new("p1")),
            person_id: None,
            role: "QA Engineer".into(),
            label: "QA Engineer".into(),
        }),
        allocations: vec![Allocation {
            hard: false,
            ..allocation("a9", "r9", "2026-11-30", "2026-12-04", 2400)
        }],
    };
    update(&mut s, Msg::RequestCreated(Ok(made)));
    assert!(s.queue.contains(&Id::new("q9")));
    assert!(s.rows.contains(&RowKey::Unnamed(Id::new("r9"))));
    assert_eq!(
        s.ws.load_in(
            &RowKey::Unnamed(Id::new("r9")),
            DateRange::new(d("2026-11-30"), d("2026-12-06"))
        ),
        2400
    );
    assert!(
        s.notice
            .as_deref()
            .unwrap()
            .starts_with("Request #q9 created")
    );
}

// ---- staffing (issue 6) ----

use super::state::ListRow;
use crate::client::NewResource;

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

#[test]
fn adding_a_person_to_a_project_takes_their_primary_role_and_learns_the_real_id() {
    let mut s = res_view(); // Amy selected
    update(&mut s, Command::AddToProject); // `n` in the Resources view
    let form = s.resource_form().cloned().expect("form");
    assert_eq!(
        form.person.chosen,
        vec![Id::new("2")],
        "prefilled with the selected person"
    );
    res_type(&mut s, "apol");
    let effects = update(&mut s, Command::Submit);
    let (seq, changes) = only_apply(&effects);
    let Change::CreateResource { temp_id, new } = &changes[0] else {
        panic!("{changes:?}")
    };
    assert_eq!(
        new,
        &NewResource {
            project_id: Id::new("p1"),
            person_id: Some(Id::new("2")),
            role: Some("Engineer".into()),
            label: Some("Engineer".into())
        }
    );
    assert!(s.ws.resources.contains_key(temp_id), "shown at once");
    assert_eq!(
        s.edits.undo.last().unwrap().label,
        "add Amy First to Apollo as Engineer"
    );
    let real = Resource {
        id: Id::new("r9"),
        project_id: Some(Id::new("p1")),
        person_id: Some(Id::new("2")),
        role: "Engineer".into(),
        label: "Engineer".into(),
    };
    update(
        &mut s,
        Msg::Applied {
            seq,
            result: Ok(vec![Applied::ResourceCreated {
                temp_id: temp_id.clone(),
                resource: real.clone(),
            }]),
        },
    );
    assert!(s.ws.resources.contains_key(&Id::new("r9")) && !s.ws.resources.contains_key(temp_id));
    let (_, undo) = only_apply(&update(&mut s, Command::Undo));
    assert_eq!(
        undo,
        vec![Change::DeleteResource {
            id: Id::new("r9"),
            version: crate::client::resource_version(&real)
        }],
        "naming the resource as the backend made it"
    );
}

#[test]
fn staffing_rules_are_refused_in_the_form_naming_the_field() {
    use super::staffing::ResField;
    let mut s = res_view();
    update(&mut s, Command::Down); // zed, already an Engineer on Apollo
    update(&mut s, Command::AddToProject);
    res_type(&mut s, "apol");
    assert!(update(&mut s, Command::Submit).is_empty());
    let e = s.resource_form().unwrap().errors[&ResField::Role].clone();
    assert_eq!(e, "zed Last already is a Engineer on this project");
    // Nobody chosen: an unnamed resource needs a role.
    s.resource_form_mut().unwrap().focus = ResField::Person;
    update(&mut s, Command::Backspace);
    assert!(s.resource_form().unwrap().person.chosen.is_empty());
    update(&mut s, Command::Submit);
    assert_eq!(
        s.resource_form().unwrap().errors[&ResField::Role],
        "an unnamed resource needs a role"
    );
    update(&mut s, Command::Cancel);
    assert!(s.edits.undo.is_empty());
}

#[test]
fn marked_people_are_added_to_a_project_in_one_step() {
    let mut s = res_view();
    update(&mut s, Command::MarkResource);
    update(&mut s, Command::Down);
    update(&mut s, Command::MarkResource);
    update(&mut s, Command::AddToProject);
    assert_eq!(s.resource_form().unwrap().bulk.len(), 2);
    res_type(&mut s, "apol");
    update(&mut s, Command::NextField);
    res_type(&mut s, "QA");
    let (_, changes) = only_apply(&update(&mut s, Command::Submit));
    assert_eq!(changes.len(), 2);
    assert!(changes.iter().all(
        |c| matches!(c, Change::CreateResource { new, .. } if new.role.as_deref() == Some("QA"))
    ));
    assert!(s.resources.marks.is_empty());
    assert_eq!(s.edits.undo.last().unwrap().label, "add 2 people to Apollo");
}

#[test]
fn naming_an_unnamed_resource_moves_its_row_under_the_person_and_undo_moves_it_back() {
    let mut s = res_view();
    s.ws.allocations.get_mut(&Id::new("a2")).unwrap().hard = false;
    update(&mut s, Command::Bottom); // the unnamed Designer
    update(&mut s, Command::EditResource); // `e`
    res_type(&mut s, "amy");
    let (_, changes) = only_apply(&update(&mut s, Command::Submit));
    assert!(
        matches!(&changes[0], Change::UpdateResource { resource: r, .. } if r.person_id == Some(Id::new("2")))
    );
    assert!(
        matches!(&changes[1], Change::Update(a) if a.id == Id::new("a2") && a.hard),
        "its allocations become hard"
    );
    assert!(!s.rows.contains(&RowKey::Unnamed(Id::new("r2"))));
    let week = DateRange::new(d("2026-11-23"), d("2026-11-29"));
    assert_eq!(s.ws.load_in(&RowKey::Person(Id::new("2")), week), 600);
    assert_eq!(
        s.edits.undo.last().unwrap().label,
        "name the Designer resource Amy First"
    );
    update(&mut s, Command::Undo);
    assert!(s.rows.contains(&RowKey::Unnamed(Id::new("r2"))));
    assert_eq!(s.ws.load_in(&RowKey::Person(Id::new("2")), week), 0);
    assert!(!s.ws.allocations[&Id::new("a2")].hard);
}

#[test]
fn deleting_asks_with_the_allocation_count_and_keeps_the_last_primary_role() {
    let mut s = res_view();
    // zed's only resource is his primary role (Engineer) on Apollo.
    update(&mut s, Command::Down);
    update(&mut s, Command::ExpandPerson); // expand zed
    assert_eq!(s.resources.lines[2], ListRow::Held(Id::new("r1")));
    update(&mut s, Command::Down);
    update(&mut s, Command::DeleteResource);
    assert!(s.confirm().is_none());
    assert!(
        s.error
            .as_deref()
            .unwrap()
            .contains("zed Last's Engineer resource is their last in their primary role on Apollo")
    );
    // A second resource in another role may go, with its allocation.
    let r3 = Resource {
        id: Id::new("r3"),
        project_id: Some(Id::new("p1")),
        person_id: Some(Id::new("1")),
        role: "Designer".into(),
        label: "Designer".into(),
    };
    let r3_version = crate::client::resource_version(&r3);
    s.ws.put_resource(r3);
    s.ws.put_allocation(allocation("a3", "r3", "2026-12-01", "2026-12-04", 600));
    update(&mut s, Command::Refresh);
    let resources = s.ws.resources.values().cloned().collect();
    update(
        &mut s,
        Msg::RosterLoaded(Ok(Roster {
            calendars: Default::default(),
            resources,
            ..roster()
        })),
    );
    let at = s
        .resources
        .lines
        .iter()
        .position(|l| *l == ListRow::Held(Id::new("r3")))
        .expect("listed under zed");
    s.resources.selected = at;
    update(&mut s, Command::DeleteResource);
    assert_eq!(
        s.confirm().unwrap().question,
        "Delete zed Last's Designer resource on Apollo and its 1 allocation?"
    );
    let (_, changes) = only_apply(&update(&mut s, Command::Yes));
    assert_eq!(
        changes,
        vec![
            Change::Delete {
                id: Id::new("a3"),
                version: 1
            },
            Change::DeleteResource {
                id: Id::new("r3"),
                version: r3_version
            }
        ]
    );
    // The unnamed Designer has pending requests: refused, naming why.
    update(&mut s, Command::Bottom);
    update(&mut s, Command::DeleteResource);
    assert!(
        s.error
            .as_deref()
            .unwrap()
            .starts_with("Request #q1 (pending) is for it"),
        "{:?}",
        s.error
    );
}

#[test]
fn allocating_from_scheduled_hours_previews_merged_weeks_and_applies_as_one_undoable_step() {
    use crate::domain::ScheduledWeek;
    let mut s = res_view();
    let week = |m: &str, minutes| ScheduledWeek {
        resource_id: Id::new("r1"),
        monday: d(m),
        minutes,
    };
    let window = s.window;
    update(
        &mut s,
        Msg::ScheduledLoaded {
            window,
            result: Ok(vec![
                week("2026-11-30", 600),
                week("2026-12-07", 600),
                week("2026-12-14", 900),
                week("2026-11-16", 300),
            ]),
        },
    );
    update(&mut s, Command::Down); // zed, whose one resource is r1
    update(&mut s, Command::AllocateFromScheduled);
    let fs = s.from_scheduled().cloned().expect("dialog");
    assert_eq!(fs.resources, vec![Id::new("r1")]);
    assert!(fs.hard, "a named resource may be booked hard");
    // Default: after this week's Monday, so the week of 11-16 is left out.
    let made = super::scheduled::preview(&s.ws, &fs).unwrap();
    assert_eq!(
        made,
        vec![
            (
                Id::new("r1"),
                DateRange::new(d("2026-11-30"), d("2026-12-13")),
                1200
            ),
            (
                Id::new("r1"),
                DateRange::new(d("2026-12-14"), d("2026-12-20")),
                900
            ),
        ]
    );
    update(&mut s, Command::NextWhen); // before
    update(&mut s, Command::NextWhen); // between
    update(&mut s, Command::NextWhen); // any time
    let (_, changes) = only_apply(&update(&mut s, Command::Submit));
    assert_eq!(changes.len(), 3);
    assert_eq!(
        s.edits.undo.last().unwrap().label,
        "allocate 3 allocations from scheduled hours"
    );
    assert!(
        update(&mut s, Command::Undo).is_empty(),
        "queued behind the write in flight"
    );
    let undo = &s.edits.queue.back().unwrap().changes;
    assert_eq!(undo.len(), 3, "one step undoes them all");
    assert!(
        undo.iter()
            .all(|c| matches!(c, super::edit::LocalChange::Delete(_)))
    );
}

#[test]
fn unnamed_resources_get_soft_allocations_from_scheduled_hours_only() {
    let mut s = res_view();
    update(&mut s, Command::Bottom); // the unnamed Designer
    update(&mut s, Command::AllocateFromScheduled);
    assert!(!s.from_scheduled().unwrap().hard);
    update(&mut s, Command::ToggleHard);
    let f = s.from_scheduled().cloned().unwrap();
    assert!(!f.hard);
    assert!(f.error.unwrap().contains("only be soft-allocated"));
    update(&mut s, Command::Submit);
    assert!(
        s.from_scheduled()
            .cloned()
            .unwrap()
            .error
            .unwrap()
            .contains("No scheduled hours"),
        "nothing to allocate, nothing sent"
    );
}

#[test]
fn on_kantata_m_asks_the_backend_and_reloads_what_it_made() {
    use crate::client::BackendKind;
    use crate::domain::staffing::When;
    let mut s = res_view();
    s.backend = BackendKind::Kantata;
    update(&mut s, Command::Down); // zed, whose one resource is r1
    update(&mut s, Command::AllocateFromScheduled);
    for _ in 0..3 {
        update(&mut s, Command::NextWhen); // → any time
    }
    let effects = update(&mut s, Command::Submit);
    let asked = Effect::MakeFromScheduled {
        resources: vec![Id::new("r1")],
        hard: true,
        when: When::Any,
    };
    assert_eq!(
        effects,
        vec![asked.clone()],
        "no scheduled weeks needed locally"
    );
    assert!(s.from_scheduled().is_none());
    assert!(s.pending.contains(&asked));
    assert_eq!(s.writes_in_flight(), 1, "quit waits for it");
    assert!(s.edits.undo.is_empty(), "not an undoable local edit");

    let effects = update(&mut s, Msg::MadeFromScheduled(Ok(())));
    assert_eq!(effects, vec![Effect::LoadAllocations(s.window)]);
    assert!(!s.pending.contains(&asked));
    assert!(s.notice.as_deref().unwrap().contains("cannot undo"));

    // A refusal is reported in the backend's words; nothing is reloaded.
    update(&mut s, Command::AllocateFromScheduled);
    update(&mut s, Command::Submit);
    let effects = update(
        &mut s,
        Msg::MadeFromScheduled(Err(crate::client::BackendError::Validation {
            field: Some("hard".into()),
            message: "must be false for unnamed resources".into(),
        })),
    );
    assert!(effects.is_empty());
    assert_eq!(s.writes_in_flight(), 0);
    let e = s.error.clone().unwrap();
    assert!(
        e.contains("hard: must be false") && e.contains("Nothing was changed"),
        "{e}"
    );
}

#[test]
fn a_retry_under_way_shows_until_it_is_over() {
    let mut s = loaded();
    update(
        &mut s,
        Msg::Activity(Some("Kantata is busy (429); retrying in 2s".into())),
    );
    assert_eq!(
        s.activity.as_deref(),
        Some("Kantata is busy (429); retrying in 2s")
    );
    update(&mut s, Msg::Activity(None));
    assert_eq!(s.activity, None);
}

#[test]
fn v_shows_scheduled_hours_in_the_gantt() {
    let mut s = loaded();
    update(&mut s, Command::ShowGantt);
    update(&mut s, Command::ToggleScheduled);
    assert!(s.gantt.show_scheduled);
    assert!(s.notice.as_deref().unwrap().contains("≠"));
    update(&mut s, Command::ToggleScheduled);
    assert!(!s.gantt.show_scheduled);
    // A backend without scheduled hours is no error; `v` then says why there are none.
    let window = s.window;
    update(
        &mut s,
        Msg::ScheduledLoaded {
            window,
            result: Err(BackendError::Unsupported(
                "Ruddr does not offer scheduled hours to allot".into(),
            )),
        },
    );
    assert!(s.error.is_none());
    update(&mut s, Command::ToggleScheduled);
    assert!(!s.gantt.show_scheduled);
    assert!(
        s.notice
            .as_deref()
            .unwrap()
            .contains("Ruddr does not offer scheduled hours to allot")
    );
}

#[test]
fn a_refused_resource_change_is_rolled_back_with_the_backends_words() {
    let mut s = res_view();
    update(&mut s, Command::Bottom);
    update(&mut s, Command::EditResource);
    res_type(&mut s, "amy");
    let (seq, _) = only_apply(&update(&mut s, Command::Submit));
    assert!(!s.rows.contains(&RowKey::Unnamed(Id::new("r2"))));
    let err = BackendError::Validation {
        field: Some("role".into()),
        message: "Amy First already is the Designer on Apollo".into(),
    };
    update(
        &mut s,
        Msg::Applied {
            seq,
            result: Err(err),
        },
    );
    assert_eq!(
        s.ws.resources[&Id::new("r2")].person_id,
        None,
        "un-named again"
    );
    assert!(
        s.rows.contains(&RowKey::Unnamed(Id::new("r2"))),
        "its row is back"
    );
    assert!(s.edits.undo.is_empty());
    assert!(
        s.error
            .as_deref()
            .unwrap()
            .contains("role: Amy First already is the Designer on Apollo")
    );
}

#[test]
fn quitting_while_saving_asks_and_wait_quits_once_saved_and_q_again_keeps() {
    let mut s = on_bar();
    let (seq, _) = only_apply(&update(&mut s, Command::ShiftLater));
    update(&mut s, Command::Quit);
    assert!(
        !s.quit && s.quit_dialog_open(),
        "the write in flight is asked about"
    );
    update(&mut s, Command::WaitThenQuit);
    assert!(
        s.notice
            .as_deref()
            .unwrap()
            .starts_with("Waiting for 1 unsaved edit to be saved, then quitting")
    );
    let confirmed = Allocation {
        version: 2,
        ..a1(&s)
    };
    update(
        &mut s,
        Msg::Applied {
            seq,
            result: Ok(vec![Applied::Updated(confirmed)]),
        },
    );
    assert!(s.quit, "saved, so it quits");

    let mut s = on_bar();
    update(&mut s, Command::ShiftLater);
    update(&mut s, Command::Quit);
    update(&mut s, Command::Quit);
    assert!(s.quit, "q twice does not wait: the journal keeps the edit");
    assert_eq!(s.edits.queue.len(), 1);

    let mut s = on_bar();
    let (seq, _) = only_apply(&update(&mut s, Command::ShiftLater));
    update(&mut s, Command::Quit);
    update(&mut s, Command::WaitThenQuit);
    update(
        &mut s,
        Msg::Applied {
            seq,
            result: Err(BackendError::Other("disk full".into())),
        },
    );
    assert!(!s.quit, "a refused write stays on screen to be read");
}

#[test]
fn quitting_waits_for_a_resolution_in_flight_too() {
    let mut s = queue_view();
    update(&mut s, Command::Reject);
    update(&mut s, Command::Submit);
    update(&mut s, Command::Yes);
    update(&mut s, Command::Quit);
    assert!(!s.quit && s.quit_dialog_open());
    update(&mut s, Command::WaitThenQuit);
    let mut rejected = s.ws.requests[&Id::new("q1")].clone();
    rejected.status = RequestStatus::Rejected;
    update(
        &mut s,
        Msg::Resolved {
            id: Id::new("q1"),
            result: Ok(rejected),
        },
    );
    assert!(s.quit);
}

#[test]
fn requests_arriving_before_the_roster_are_filtered_once_i_am_known() {
    let mut s = new_state();
    update(&mut s, Msg::Start);
    let mut other = request("q5", "2026-11-01", RequestStatus::New);
    other.approver_ids = vec![Id::new("2")];
    update(
        &mut s,
        Msg::RequestsLoaded(Ok(vec![
            request("q1", "2026-11-02", RequestStatus::New),
            other,
        ])),
    );
    assert_eq!(s.queue.len(), 2, "nobody is known yet");
    update(&mut s, Msg::RosterLoaded(Ok(roster()))); // I am person 1
    assert_eq!(s.queue, vec![Id::new("q1")], "only mine once I am known");
}

#[test]
fn on_ruddr_every_allocation_is_booked() {
    let mut s = on_bar();
    s.backend = crate::client::BackendKind::Ruddr;
    let before = a1(&s);
    assert!(update(&mut s, Command::ToggleHard).is_empty());
    assert_eq!(a1(&s), before);
    assert!(
        s.notice
            .as_deref()
            .unwrap()
            .contains("no tentative allocations")
    );
    update(&mut s, Command::EditAllocation);
    let form = s.form_mut().expect("the form");
    form.focus = super::form::Field::Kind;
    let hard = form.hard;
    update(&mut s, Command::ToggleChoice);
    assert_eq!(s.form().unwrap().hard, hard, "Space does not make it soft");
}

#[test]
fn moving_a_bar_past_the_last_supported_day_is_refused_by_name_and_sends_nothing() {
    let mut s = on_bar();
    // a1 as if it ended on 2199-12-31: a week later would be outside the supported dates.
    let mut edge = a1(&s);
    edge.range = DateRange::new(d("2199-12-21"), d("2199-12-31"));
    s.ws.put_allocation(edge.clone());
    assert!(update(&mut s, Command::ShiftLater).is_empty());
    assert_eq!(a1(&s), edge, "nothing moved on screen");
    assert!(s.edits.undo.is_empty(), "nothing to undo");
    let e = s.error.clone().unwrap_or_default();
    assert!(
        e.contains("outside the supported dates (1900-01-01 to 2199-12-31)")
            && e.contains("could not move"),
        "{e}"
    );
}

#[test]
fn typing_into_a_prefilled_field_replaces_it() {
    let mut s = on_bar();
    update(&mut s, Command::EditAllocation);
    let form = s.form().unwrap();
    assert_eq!((form.focus, form.amount.value()), (Field::Amount, "35"));
    assert!(form.amount.is_selected());
    let end = format!("{}", a1(&s).range.end.format("%Y-%m-%d"));
    let new_end = format!("{}8", &end[..9]);
    for c in "12".chars() {
        update(&mut s, Input::Text(c));
    }
    assert_eq!(s.form().unwrap().amount, "12", "not 3512");
    // A move keeps the text and types after it.
    update(&mut s, Command::PrevField);
    update(&mut s, Input::Edit(KeyCode::End.into()));
    update(&mut s, Command::Backspace);
    update(&mut s, Input::Text('8'));
    assert_eq!(s.form().unwrap().end, new_end.as_str());
    let (_, changes) = only_apply(&update(&mut s, Command::Submit));
    match &changes[..] {
        [Change::Update(to)] => {
            assert_eq!(to.amount, Amount::TotalMinutes(720));
            assert_eq!(to.range.end, d(&new_end));
        }
        other => panic!("{other:?}"),
    }

    // The request form's prefilled percentage too.
    let mut s = loaded();
    update(&mut s, Command::NewRequest);
    let percent_at = s.request_form().unwrap().fields().len() - 2;
    let at = |s: &State| {
        let f = s.request_form().unwrap();
        f.fields().iter().position(|x| *x == f.focus).unwrap()
    };
    while at(&s) != percent_at {
        update(&mut s, Command::NextField);
    }
    for c in "50".chars() {
        update(&mut s, Input::Text(c));
    }
    assert_eq!(s.request_form().unwrap().percent, "50", "not 10050");
}

#[test]
fn ctrl_u_in_the_filter_clears_it() {
    use crossterm::event::{KeyEvent, KeyModifiers};
    let mut s = loaded();
    sizes(&mut s);
    update(&mut s, Command::FilterStart);
    for c in "zd".chars() {
        update(&mut s, Input::Text(c));
    }
    assert_eq!(s.resources.visible.len(), 1);
    let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert_eq!(
        super::keys::input_for(&s, ctrl_u),
        Some(Input::Edit(ctrl_u)),
        "the filter's, not half a page up"
    );
    update(&mut s, Input::Edit(ctrl_u));
    assert_eq!(s.resources.filter, "");
    assert!(s.resources.editing, "still typing");
    assert_eq!(s.resources.visible.len(), 3, "every row again");
    // Out of the filter, Ctrl-u pages again.
    for c in "zd".chars() {
        update(&mut s, Input::Text(c));
    }
    update(&mut s, Command::FilterDone);
    assert_eq!(
        super::keys::input_for(&s, ctrl_u),
        Some(Input::Command(Command::HalfPageUp))
    );
    // `/` again selects the filter there: typing replaces it.
    update(&mut s, Command::FilterStart);
    update(&mut s, Input::Text('a'));
    assert_eq!(s.resources.filter, "a", "not zda");
}

#[test]
fn the_scheduled_hours_dates_edit_like_any_text_field() {
    use super::scheduled::FromScheduledInput as FsInput;
    use crossterm::event::{KeyEvent, KeyModifiers};
    let mut s = res_view();
    update(&mut s, Command::Down);
    update(&mut s, Command::AllocateFromScheduled);
    let key = |s: &mut State, k: FsInput| {
        update(
            s,
            match k {
                FsInput::CycleWhen => Input::Command(Command::NextWhen),
                FsInput::OtherDate => Input::Command(Command::OtherDate),
                FsInput::Edit(e) => Input::Edit(e),
                other => panic!("not used here: {other:?}"),
            },
        )
    };
    let typed = |s: &mut State, text: &str| {
        for c in text.chars() {
            update(s, Input::Text(c));
        }
    };
    // The prefilled date is selected: typing replaces it.
    typed(&mut s, "2026-12-01");
    assert_eq!(s.from_scheduled().unwrap().from, "2026-12-01");
    // Between: Space goes to the other date, selected too; Ctrl-w takes its day back.
    key(&mut s, FsInput::CycleWhen);
    key(&mut s, FsInput::CycleWhen);
    key(&mut s, FsInput::OtherDate);
    assert!(s.from_scheduled().unwrap().to.is_selected());
    key(&mut s, FsInput::Edit(KeyCode::Left.into()));
    let ctrl_w = KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL);
    key(&mut s, FsInput::Edit(KeyCode::End.into()));
    key(&mut s, FsInput::Edit(ctrl_w));
    typed(&mut s, "31");
    let fs = s.from_scheduled().cloned().unwrap();
    assert_eq!(
        (fs.from.value(), fs.to.value()),
        ("2026-12-01", "2027-02-31")
    );
    assert!(
        super::scheduled::preview(&s.ws, &fs).is_err(),
        "no 31 February"
    );
    key(&mut s, FsInput::Edit(KeyCode::Backspace.into()));
    key(&mut s, FsInput::Edit(KeyCode::Backspace.into()));
    typed(&mut s, "28");
    let fs = s.from_scheduled().cloned().unwrap();
    assert_eq!(fs.to, "2027-02-28");
    assert!(super::scheduled::preview(&s.ws, &fs).is_ok(), "{fs:?}");
}
