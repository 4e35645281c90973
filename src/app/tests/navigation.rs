//! Switching views, moving the selection, Esc.

use super::*;

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
