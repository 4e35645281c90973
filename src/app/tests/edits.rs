//! Editing allocations: bar edits, the form, the write queue, rollbacks, undo and redo.

use super::*;

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
    assert_eq!(s.selected_bar(), Some(&temp), "the new bar is selected");
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
    assert_eq!(s.selected_bar(), Some(&Id::new("900")));
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
    // Redo sends the undone shift again: one write, moving the bar back a week later.
    let (_, changes) = only_apply(&update(&mut s, Command::Redo));
    assert!(matches!(&changes[..], [Change::Update(_)]), "{changes:?}");
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
    form.focus = crate::app::form::Field::Kind;
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
