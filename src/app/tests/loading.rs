//! Start-up, loads, refreshes and the idle change check.

use super::*;

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
