//! Allocating from scheduled hours, and showing them.

use super::*;

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
    let made = crate::app::scheduled::preview(&s.ws, &fs).unwrap();
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
            .all(|c| matches!(c, crate::app::edit::LocalChange::Delete(_)))
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
fn the_scheduled_hours_dates_edit_like_any_text_field() {
    use crate::app::scheduled::FromScheduledInput as FsInput;
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
        crate::app::scheduled::preview(&s.ws, &fs).is_err(),
        "no 31 February"
    );
    key(&mut s, FsInput::Edit(KeyCode::Backspace.into()));
    key(&mut s, FsInput::Edit(KeyCode::Backspace.into()));
    typed(&mut s, "28");
    let fs = s.from_scheduled().cloned().unwrap();
    assert_eq!(fs.to, "2027-02-28");
    assert!(crate::app::scheduled::preview(&s.ws, &fs).is_ok(), "{fs:?}");
}
