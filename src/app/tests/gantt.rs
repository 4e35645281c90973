//! The Gantt: rows, grouping, the time cursor, zoom and the loaded window.

use super::*;

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
            lane("r1", 0, Grouping::Person),
            GanttRow::Load(RowKey::Unnamed(Id::new("r2"))),
        ]
    );
    update(&mut s, Command::Down);
    assert_eq!(
        s.selected_gantt_row(),
        Some(&lane("r1", 0, Grouping::Person))
    );
    assert_eq!(
        s.selected_bar(),
        Some(&Id::new("a1")),
        "the lane's bar is selected"
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
            lane("r1", 0, Grouping::Project),
            lane("r2", 0, Grouping::Project)
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
    assert!(matches!(bar, Some(GanttRow::Lane { .. })), "{bar:?}");
    assert_eq!(s.selected_bar(), Some(&Id::new("a1")));
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
