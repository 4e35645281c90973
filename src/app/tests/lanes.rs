//! Reducer tests for the Gantt's lanes, find and jump, and the mouse (issue 16).

use super::{allocation, lane, loaded, on_bar, only_apply, sizes};
use crate::app::gantt::{GanttRow, Grouping};
use crate::app::mouse::Mouse;
use crate::app::{Command, Effect, Input, Msg, State, View, update};
use crate::client::Change;
use crate::domain::dates::parse_date;
use crate::domain::{Id, RowKey};
use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

fn d(s: &str) -> chrono::NaiveDate {
    parse_date(s).unwrap()
}

/// zed's row expanded, with a second bar overlapping a1 and a third on a later week.
fn overlapping() -> State {
    let mut s = loaded();
    sizes(&mut s);
    for a in [
        allocation("a3", "r1", "2026-11-25", "2026-12-02", 600),
        allocation("a4", "r1", "2026-12-07", "2026-12-09", 600),
        // Long before the window: counted, not laid out.
        allocation("old", "r1", "2026-06-01", "2026-06-05", 600),
    ] {
        s.ws.put_allocation(a);
    }
    update(&mut s, Command::ShowGantt);
    update(&mut s, Command::Down);
    update(&mut s, Command::OpenRow);
    s
}

#[test]
fn overlapping_bars_take_sub_lanes_and_off_window_ones_are_counted() {
    let s = overlapping();
    assert_eq!(
        s.gantt.rows,
        vec![
            GanttRow::Load(RowKey::Person(Id::new("2"))),
            GanttRow::Load(RowKey::Person(Id::new("1"))),
            lane("r1", 0, Grouping::Person),
            lane("r1", 1, Grouping::Person),
            GanttRow::Load(RowKey::Unnamed(Id::new("r2"))),
        ]
    );
    let lanes = &s.gantt.layout.lanes;
    assert_eq!(lanes[2].bars, vec![Id::new("a1"), Id::new("a4")]);
    assert_eq!(lanes[3].bars, vec![Id::new("a3")]);
    assert_eq!((lanes[2].before, lanes[2].after), (1, 0));
}

#[test]
fn h_and_l_walk_the_bars_of_a_line_across_its_sub_lanes() {
    let mut s = overlapping();
    update(&mut s, Command::Down);
    assert_eq!(
        s.selected_bar(),
        Some(&Id::new("a1")),
        "the bar at the cursor"
    );
    update(&mut s, Command::NextBar);
    assert_eq!(s.selected_bar(), Some(&Id::new("a3")));
    assert_eq!(s.gantt.selected, 3, "a3's sub-lane");
    assert!(
        s.gantt
            .zoom
            .bucket(s.gantt.cursor)
            .contains(d("2026-11-25")),
        "the cursor on the bar"
    );
    update(&mut s, Command::NextBar);
    assert_eq!(s.selected_bar(), Some(&Id::new("a4")));
    assert_eq!(s.gantt.selected, 2);
    // Past the last bar: the time cursor moves on instead.
    let at = s.gantt.cursor;
    update(&mut s, Command::NextBar);
    assert_eq!(s.selected_bar(), Some(&Id::new("a4")));
    assert_eq!(s.gantt.cursor, s.gantt.zoom.step(at, 1));
    update(&mut s, Command::PrevBar);
    assert_eq!(s.selected_bar(), Some(&Id::new("a3")));
    update(&mut s, Command::PrevBar);
    assert_eq!(s.selected_bar(), Some(&Id::new("a1")));
    assert_eq!(s.gantt.selected, 2);
}

#[test]
fn an_edit_key_acts_on_the_selected_bar_and_keeps_it_selected() {
    let mut s = overlapping();
    update(&mut s, Command::Down);
    update(&mut s, Command::NextBar);
    let (_, changes) = only_apply(&update(&mut s, Command::ShiftLater));
    let [Change::Update(to)] = changes.as_slice() else {
        panic!("{changes:?}")
    };
    assert_eq!(to.id, Id::new("a3"));
    assert_eq!(to.range.start, d("2026-12-02"));
    assert_eq!(
        s.selected_bar(),
        Some(&Id::new("a3")),
        "still selected after repacking"
    );
    update(&mut s, Command::EditAllocation);
    assert_eq!(
        s.form().and_then(|f| f.editing.clone()),
        Some(Id::new("a3"))
    );
}

#[test]
fn lanes_follow_the_window_when_time_scrolls() {
    let mut s = overlapping();
    // A screen later: a1 and a3 leave the window and are counted before it.
    for _ in 0..3 {
        update(&mut s, Command::ScreenLater);
    }
    let lanes = &s.gantt.layout.lanes;
    let line: Vec<_> = s
        .gantt
        .rows
        .iter()
        .zip(lanes)
        .filter(|(r, _)| matches!(r, GanttRow::Lane { .. }))
        .collect();
    assert_eq!(line.len(), 1, "one empty lane: nothing overlaps on screen");
    assert_eq!(line[0].1.before, 4);
    assert!(line[0].1.bars.is_empty());
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        update(&mut *s, Input::Text(c));
    }
}

#[test]
fn slash_filters_the_gantt_with_the_resources_filter_and_esc_clears_it() {
    let mut s = loaded();
    sizes(&mut s);
    update(&mut s, Command::ShowGantt);
    update(&mut s, Command::FilterStart);
    assert_eq!(super::keys::Mode::of(&s), super::keys::Mode::Filter);
    typed(&mut s, "person:zed");
    assert_eq!(
        s.gantt.rows,
        vec![GanttRow::Load(RowKey::Person(Id::new("1")))]
    );
    update(&mut s, Command::FilterDone);
    assert_eq!(super::keys::Mode::of(&s), super::keys::Mode::Gantt);
    // Grouped by project: the projects the kept rows work on.
    update(&mut s, Command::ToggleGrouping);
    assert_eq!(s.gantt.rows, vec![GanttRow::Project(Id::new("p1"))]);
    update(&mut s, Command::ToggleGrouping);
    update(&mut s, Command::Back);
    assert_eq!(s.gantt.rows.len(), 3, "everyone again");
    assert!(
        s.resources.filter.value().is_empty(),
        "the Resources filter is its own"
    );
}

fn jump(s: &mut State, text: &str) -> Vec<Effect> {
    update(&mut *s, Command::Jump);
    typed(s, text);
    update(&mut *s, Command::FilterDone)
}

#[test]
fn the_jump_prompt_goes_to_a_month_a_step_a_person_or_a_project() {
    let mut s = loaded();
    sizes(&mut s);
    update(&mut s, Command::ShowGantt);
    let effects = jump(&mut s, "2027-09");
    assert!(s.jump().is_none());
    assert_eq!(s.gantt.cursor, d("2027-09-01"));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadAllocations(w) if w.contains(d("2027-09-01")))),
        "far from what is loaded: {effects:?}"
    );
    jump(&mut s, "+6w");
    assert_eq!(s.gantt.cursor, d("2027-01-04"), "six weeks from today");
    jump(&mut s, "zed");
    assert_eq!(
        s.selected_gantt_row(),
        Some(&GanttRow::Load(RowKey::Person(Id::new("1"))))
    );
    jump(&mut s, "apol");
    assert_eq!(s.gantt.grouping, Grouping::Project);
    assert_eq!(
        s.selected_gantt_row(),
        Some(&GanttRow::Project(Id::new("p1")))
    );
}

#[test]
fn a_jump_nowhere_says_why_and_keeps_the_text() {
    let mut s = loaded();
    sizes(&mut s);
    update(&mut s, Command::ShowGantt);
    jump(&mut s, "2027-13");
    assert!(
        s.notice.as_deref().unwrap_or("").contains("not a month"),
        "{:?}",
        s.notice
    );
    assert_eq!(s.jump().map(|j| j.text.value()), Some("2027-13"));
    update(&mut s, Command::Back);
    jump(&mut s, "qqqqxyz");
    assert!(
        s.notice
            .as_deref()
            .unwrap_or("")
            .contains("No person or project matches")
    );
    update(&mut s, Command::Back);
    assert!(s.jump().is_none());
}

#[test]
fn o_goes_to_the_next_over_capacity_bucket_of_the_row() {
    let mut s = loaded();
    sizes(&mut s);
    // 60 h in the week of 2027-01-11: over zed's 40 h.
    s.ws.put_allocation(allocation("big", "r1", "2027-01-11", "2027-01-15", 3600));
    update(&mut s, Command::ShowGantt);
    update(&mut s, Command::Down);
    update(&mut s, Command::NextOver);
    assert_eq!(s.gantt.zoom.bucket_start(s.gantt.cursor), d("2027-01-11"));
    update(&mut s, Command::NextOver);
    assert!(
        s.notice
            .as_deref()
            .unwrap_or("")
            .contains("No over-capacity")
    );
    update(&mut s, Command::PrevOver);
    assert!(
        s.notice
            .as_deref()
            .unwrap_or("")
            .contains("No over-capacity week before")
    );
}

// ---- the mouse ----

fn mouse(kind: MouseEventKind, x: u16, y: u16, at_ms: u64) -> Msg {
    Msg::Mouse(Mouse {
        event: MouseEvent {
            kind,
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        },
        at_ms,
    })
}

const LEFT: MouseEventKind = MouseEventKind::Down(MouseButton::Left);

/// The screen column of the middle of the cursor's bucket `n` buckets from the left at 80x24.
fn col(s: &State, n: u16) -> u16 {
    21 + n * s.gantt.zoom.col_width() + 2
}

/// The bucket column the date `day` is in.
fn bucket_of(s: &State, day: &str) -> u16 {
    s.gantt.zoom.index_of(s.gantt.first, d(day)) as u16
}

#[test]
fn a_click_selects_the_row_the_bucket_and_the_bar() {
    let mut s = on_bar();
    update(&mut s, Command::Up);
    update(&mut s, Command::Up);
    assert_eq!(s.gantt.selected, 0);
    // The lane is the third body row: screen row 1 (tabs) + 2 (header) + 2.
    let x = col(&s, bucket_of(&s, "2026-11-23"));
    let effects = update(&mut s, mouse(LEFT, x, 5, 0));
    assert!(effects.is_empty());
    assert_eq!(s.gantt.selected, 2);
    assert_eq!(s.selected_bar(), Some(&Id::new("a1")));
    assert_eq!(s.gantt.zoom.bucket_start(s.gantt.cursor), d("2026-11-23"));
    update(
        &mut s,
        mouse(MouseEventKind::Up(MouseButton::Left), x, 5, 10),
    );
    assert!(s.edits.undo.is_empty(), "a click edits nothing");
    // A click a week later, off the bar, moves the cursor there.
    update(&mut s, mouse(LEFT, x + 6, 3, 1000));
    assert_eq!(s.gantt.selected, 0);
    assert_eq!(s.gantt.zoom.bucket_start(s.gantt.cursor), d("2026-11-30"));
}

#[test]
fn dragging_a_bar_shows_it_moving_and_makes_one_undoable_edit() {
    let mut s = on_bar();
    let x = col(&s, bucket_of(&s, "2026-11-23"));
    update(&mut s, mouse(LEFT, x, 5, 0));
    for (i, dx) in [3u16, 6, 9, 12].into_iter().enumerate() {
        let effects = update(
            &mut s,
            mouse(
                MouseEventKind::Drag(MouseButton::Left),
                x + dx,
                5,
                10 + i as u64,
            ),
        );
        assert!(effects.is_empty(), "nothing is written while dragging");
    }
    let a1 = s.ws.allocations[&Id::new("a1")].clone();
    assert_eq!(
        a1.range.start,
        d("2026-11-23"),
        "the store is untouched until release"
    );
    let shown = super::mouse::dragged(&s, &a1).unwrap();
    assert_eq!(shown.start, d("2026-12-07"), "drawn two weeks on");
    let (_, changes) = only_apply(&update(
        &mut s,
        mouse(MouseEventKind::Up(MouseButton::Left), x + 12, 5, 20),
    ));
    let [Change::Update(to)] = changes.as_slice() else {
        panic!("{changes:?}")
    };
    assert_eq!(to.range.start, d("2026-12-07"));
    assert_eq!(s.edits.undo.len(), 1, "one undoable edit");
    assert!(s.mouse.drag.is_none());
    update(&mut s, Command::Undo);
    assert_eq!(
        s.ws.allocations[&Id::new("a1")].range.start,
        d("2026-11-23")
    );
}

#[test]
fn dragging_a_bars_last_cell_moves_its_end() {
    let mut s = on_bar();
    // a1 runs Mon–Fri of W48: its last cell is the fifth-sixths of the bucket.
    let left = 21 + bucket_of(&s, "2026-11-23") * 6;
    let (_, r) = super::mouse::cells_of(
        s.gantt.zoom,
        s.gantt.first,
        s.ws.allocations[&Id::new("a1")].range,
    );
    let last = 21 + r as u16 - 1;
    assert!(last > left);
    update(&mut s, mouse(LEFT, last, 5, 0));
    assert_eq!(
        s.mouse.drag.as_ref().map(|d| d.kind),
        Some(super::mouse::DragKind::End)
    );
    update(
        &mut s,
        mouse(MouseEventKind::Drag(MouseButton::Left), last + 6, 5, 5),
    );
    let (_, changes) = only_apply(&update(
        &mut s,
        mouse(MouseEventKind::Up(MouseButton::Left), last + 6, 5, 9),
    ));
    let [Change::Update(to)] = changes.as_slice() else {
        panic!("{changes:?}")
    };
    assert_eq!(to.range.start, d("2026-11-23"));
    assert_eq!(to.range.end, d("2026-12-04"), "a week longer");
}

#[test]
fn a_double_click_on_a_bar_opens_its_form() {
    let mut s = on_bar();
    let x = col(&s, bucket_of(&s, "2026-11-23"));
    update(&mut s, mouse(LEFT, x, 5, 100));
    update(
        &mut s,
        mouse(MouseEventKind::Up(MouseButton::Left), x, 5, 150),
    );
    assert!(s.form().is_none());
    update(&mut s, mouse(LEFT, x, 5, 300));
    assert_eq!(
        s.form().and_then(|f| f.editing.clone()),
        Some(Id::new("a1"))
    );
    // While the form is open the mouse does nothing.
    update(&mut s, mouse(MouseEventKind::ScrollDown, x, 5, 400));
    assert_eq!(s.gantt.selected, 2);
}

#[test]
fn the_wheel_scrolls_rows_and_shift_wheel_scrolls_time() {
    let mut s = on_bar();
    update(&mut s, mouse(MouseEventKind::ScrollUp, 30, 5, 0));
    assert_eq!(s.gantt.selected, 0);
    update(&mut s, mouse(MouseEventKind::ScrollDown, 30, 5, 0));
    assert_eq!(s.gantt.selected, 3);
    let (first, cursor) = (s.gantt.first, s.gantt.cursor);
    let mut shifted = mouse(MouseEventKind::ScrollDown, 30, 5, 0);
    if let Msg::Mouse(m) = &mut shifted {
        m.event.modifiers = KeyModifiers::SHIFT;
    }
    update(&mut s, shifted);
    assert_eq!(s.gantt.first, s.gantt.zoom.step(first, 1));
    assert_eq!(s.gantt.cursor, s.gantt.zoom.step(cursor, 1));
    update(&mut s, mouse(MouseEventKind::ScrollLeft, 30, 5, 0));
    assert_eq!(s.gantt.first, first);
}

#[test]
fn clicks_on_the_tabs_switch_views_and_on_list_rows_select_them() {
    let mut s = loaded();
    sizes(&mut s);
    // " 1 Resources " then " 2 Gantt " from column 14.
    update(&mut s, mouse(LEFT, 16, 0, 0));
    assert_eq!(s.view, View::Gantt);
    update(&mut s, mouse(LEFT, 2, 0, 1000));
    assert_eq!(s.view, View::Resources);
    // Rows start under the tabs, the filter line and the header.
    update(&mut s, mouse(LEFT, 5, 4, 2000));
    assert_eq!(s.resources.selected, 1);
    update(&mut s, mouse(LEFT, 30, 0, 3000));
    assert_eq!(s.view, View::Requests);
    update(&mut s, mouse(LEFT, 5, 4, 4000));
    assert_eq!(s.requests.selected, 1);
}
