//! Quitting with edits or resolutions still unsaved.

use super::*;

#[test]
fn quit_sets_the_flag_and_asks_for_no_io() {
    let mut s = loaded();
    assert!(update(&mut s, Command::Quit).is_empty());
    assert!(s.quit);
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
fn the_quit_dialog_over_a_form_gives_the_form_back_as_typed_and_help_does_not_come_back() {
    let mut s = on_bar();
    only_apply(&update(&mut s, Command::ShiftLater));
    update(&mut s, Command::EditAllocation);
    update(&mut s, Input::Text('7'));
    let typed = s.form().cloned().expect("the form is open");
    update(&mut s, Command::Quit);
    assert!(
        s.quit_dialog_open() && !s.quit,
        "the write in flight is asked about"
    );
    assert_eq!(keys::Mode::of(&s), keys::Mode::QuitDialog);
    update(&mut s, Command::Back);
    assert_eq!(s.form(), Some(&typed), "Esc gives the form back as it was");
    assert_eq!(keys::Mode::of(&s), keys::Mode::Form);

    update(&mut s, Command::Cancel);
    update(&mut s, Command::ToggleHelp);
    update(&mut s, Command::Quit);
    update(&mut s, Command::Back);
    assert_eq!(s.overlay, None, "help closes for the quit dialog");
}
