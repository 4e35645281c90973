//! Allocation writes: create, update, delete, split, approve; versions, batches, other processes.

use super::*;

// ---- writes ----

#[tokio::test]
async fn creating_allocations_gives_fresh_numeric_ids() {
    let (_dir, b, _) = small_backend();
    let new = |res: &str, hard| NewAllocation {
        resource_id: Id::new(res),
        range: DateRange::new(d("2025-06-02"), d("2025-06-06")),
        amount: Amount::TotalMinutes(1200),
        hard,
        notes: "new work".into(),
    };
    let made = b
        .create_allocations(vec![new("30", true), new("31", false)])
        .await
        .unwrap();
    assert_eq!(made.len(), 2);
    assert_eq!(made[0].id.as_str(), "43");
    assert_eq!(made[1].id.as_str(), "44");
    assert_eq!(made[0].project_id, Some(Id::new("20")));
    assert_eq!(made[0].version, 1);
    assert_eq!(get(&b, "44").await.unwrap(), made[1]);

    // Ids are never reused, even after a delete.
    b.delete_allocation(Id::new("44")).await.unwrap();
    let again = b.create_allocations(vec![new("30", false)]).await.unwrap();
    assert_eq!(again[0].id.as_str(), "45");

    // All or nothing: one bad item stores none.
    let before = b.allocations(everything()).await.unwrap().len();
    let e = b
        .create_allocations(vec![new("30", true), new("31", true)])
        .await
        .unwrap_err();
    match e {
        BackendError::Validation { field, message } => {
            assert_eq!(field.as_deref(), Some("hard"));
            assert!(
                message.contains("2 of 2") && message.contains("soft"),
                "{message}"
            );
        }
        e => panic!("{e:?}"),
    }
    let e = b
        .create_allocations(vec![new("999", false)])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("999"), "{e}");
    assert_eq!(b.allocations(everything()).await.unwrap().len(), before);
}

#[tokio::test]
async fn updates_bump_the_version_and_refuse_stale_edits() {
    let (_dir, b, _) = small_backend();
    let mut a = get(&b, "40").await.unwrap();
    a.amount = Amount::TotalMinutes(1800);
    a.notes = "trimmed".into();
    a.range.end = d("2025-03-13");
    let saved = b.update_allocation(a.clone()).await.unwrap();
    assert_eq!(saved.version, 2);
    assert_eq!(saved.amount, Amount::TotalMinutes(1800));
    assert_eq!(saved.notes, "trimmed");
    assert_eq!(saved.range.end, d("2025-03-13"));
    assert_eq!(get(&b, "40").await.unwrap(), saved);

    // `a` still says version 1: someone else's edit happened since.
    let e = b.update_allocation(a.clone()).await.unwrap_err();
    match &e {
        BackendError::Stale(m) => {
            assert!(m.contains("changed elsewhere") && m.contains("40"), "{m}")
        }
        e => panic!("{e:?}"),
    }
    assert_eq!(get(&b, "40").await.unwrap(), saved, "nothing overwritten");

    let mut gone = saved.clone();
    gone.id = Id::new("777");
    assert_eq!(
        b.update_allocation(gone).await.unwrap_err(),
        BackendError::NotFound("allocation 777 does not exist (it may have been deleted)".into())
    );

    let mut hard_unnamed = get(&b, "41").await.unwrap();
    hard_unnamed.hard = true;
    assert!(matches!(
        b.update_allocation(hard_unnamed).await.unwrap_err(),
        BackendError::Validation { field: Some(f), .. } if f == "hard"
    ));

    let mut backwards = saved.clone();
    backwards.range = DateRange {
        start: d("2025-03-10"),
        end: d("2025-03-01"),
    };
    assert!(matches!(
        b.update_allocation(backwards).await.unwrap_err(),
        BackendError::Validation { field: Some(f), .. } if f == "end_date"
    ));
}

#[tokio::test]
async fn read_only_allocations_cannot_be_changed() {
    let (_dir, b, _) = small_backend();
    b.lock()
        .execute("UPDATE allocations SET read_only = 1 WHERE id = '42'", [])
        .unwrap();
    let a = get(&b, "42").await.unwrap();
    assert!(a.read_only);
    for e in [
        b.update_allocation(a.clone()).await.unwrap_err(),
        b.delete_allocation(a.id.clone()).await.unwrap_err(),
        b.split_allocation(a.id.clone(), d("2025-04-10"))
            .await
            .unwrap_err(),
    ] {
        assert!(e.to_string().contains("read-only"), "{e}");
    }
}

#[tokio::test]
async fn deleting_removes_and_names_missing_ids() {
    let (_dir, b, _) = small_backend();
    b.delete_allocation(Id::new("42")).await.unwrap();
    assert!(get(&b, "42").await.is_none());
    let e = b.delete_allocation(Id::new("42")).await.unwrap_err();
    assert!(
        matches!(&e, BackendError::NotFound(m) if m.contains("42")),
        "{e:?}"
    );
}

#[tokio::test]
async fn splitting_shares_minutes_by_working_days() {
    let (_dir, b, data) = small_backend();
    // 40: Mon 3 – Fri 14 March, 2100 min. Working days: 3, 4, 6, 7 (5th is a holiday) before
    // the 10th; 10, 11, 14 after (12–13 off) → 4 : 3.
    let (one, two) = b
        .split_allocation(Id::new("40"), d("2025-03-10"))
        .await
        .unwrap();
    assert_eq!(one.id.as_str(), "40");
    assert_eq!(one.range, DateRange::new(d("2025-03-03"), d("2025-03-09")));
    assert_eq!(two.range, DateRange::new(d("2025-03-10"), d("2025-03-14")));
    assert_eq!(one.amount, Amount::TotalMinutes(1200));
    assert_eq!(two.amount, Amount::TotalMinutes(900));
    assert_eq!(one.version, 2);
    assert_eq!(two.version, 1);
    assert!(two.hard && one.hard);
    assert_ne!(two.id, one.id);
    assert_eq!(get(&b, two.id.as_str()).await.unwrap(), two);

    // The load the views draw is unchanged by the split.
    let mut ws = Workspace::from_roster(data.roster.clone());
    let window = DateRange::new(d("2025-03-01"), d("2025-03-31"));
    ws.set_allocations(window, data.allocations.clone());
    let key = RowKey::Person(Id::new("1"));
    let before: Vec<u32> = window.days().map(|x| ws.index.day(&key, x)).collect();
    ws.set_allocations(window, b.allocations(window).await.unwrap());
    let after: Vec<u32> = window.days().map(|x| ws.index.day(&key, x)).collect();
    assert_eq!(before, after);

    // Per-period units keep their value on both sides.
    let (x, y) = b
        .split_allocation(Id::new("42"), d("2025-04-15"))
        .await
        .unwrap();
    assert_eq!(x.amount, Amount::HoursPerDay(6.5));
    assert_eq!(y.amount, Amount::HoursPerDay(6.5));
    assert_eq!(x.range.end, d("2025-04-14"));
    assert_eq!(y.range.start, d("2025-04-15"));
}

#[tokio::test]
async fn splitting_on_the_last_day_works_and_outside_is_refused() {
    let (_dir, b, _) = small_backend();
    // 41: unnamed (standard week), 3–28 March, 4800 min; splitting on Fri 28th leaves 1 of 19
    // working days (the 5th is a holiday) for the second part.
    let (one, two) = b
        .split_allocation(Id::new("41"), d("2025-03-28"))
        .await
        .unwrap();
    assert_eq!(two.range, DateRange::day(d("2025-03-28")));
    assert_eq!(one.amount, Amount::TotalMinutes(4547));
    assert_eq!(two.amount, Amount::TotalMinutes(253));
    assert!(!two.hard);

    for bad in ["2025-03-03", "2025-03-02", "2025-03-28", "2025-04-02"] {
        let e = b.split_allocation(Id::new("41"), d(bad)).await.unwrap_err();
        match e {
            BackendError::Validation { field, message } => {
                assert_eq!(field.as_deref(), Some("split_date"));
                assert!(message.contains(bad), "{message}");
            }
            e => panic!("{bad}: {e:?}"),
        }
    }
    let e = b
        .split_allocation(Id::new("404"), d("2025-03-10"))
        .await
        .unwrap_err();
    assert!(matches!(&e, BackendError::NotFound(m) if m.contains("404")));
    assert_eq!(b.allocations(everything()).await.unwrap().len(), 4);
}

#[tokio::test]
async fn total_hours_are_shared_too() {
    let (_dir, b, _) = small_backend();
    let a = b
        .create_allocations(vec![NewAllocation {
            resource_id: Id::new("31"),
            range: DateRange::new(d("2025-06-02"), d("2025-06-13")),
            amount: Amount::TotalHours(25.0),
            hard: false,
            notes: String::new(),
        }])
        .await
        .unwrap()
        .remove(0);
    let (one, two) = b.split_allocation(a.id, d("2025-06-09")).await.unwrap();
    assert_eq!(one.amount, Amount::TotalHours(12.5));
    assert_eq!(two.amount, Amount::TotalHours(12.5));
}

#[tokio::test]
async fn approving_names_the_resource_and_hardens_its_allocations() {
    let (_dir, b, _) = small_backend();
    let e = b
        .resolve_request(
            Id::new("50"),
            Resolution::Approve {
                user_id: None,
                soft: false,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, BackendError::Validation { field: Some(f), .. } if f == "user_id"),
        "{e:?}"
    );
    let e = b
        .resolve_request(
            Id::new("50"),
            Resolution::Approve {
                user_id: Some(Id::new("99")),
                soft: false,
            },
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("99"), "{e}");

    let q = b
        .resolve_request(
            Id::new("50"),
            Resolution::Approve {
                user_id: Some(Id::new("2")),
                soft: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(q.status, RequestStatus::Approved);
    assert_eq!(q.approver_ids, vec![Id::new("1"), Id::new("2")]);
    let roster = b.roster().await.unwrap();
    let r = roster
        .resources
        .iter()
        .find(|r| r.id.as_str() == "31")
        .unwrap();
    assert_eq!(r.person_id, Some(Id::new("2")));
    let a = get(&b, "41").await.unwrap();
    assert!(a.hard);
    assert_eq!(a.version, 2);

    let e = b
        .resolve_request(Id::new("50"), Resolution::Reject)
        .await
        .unwrap_err();
    assert_eq!(
        e,
        BackendError::Validation {
            field: None,
            message: "request 50 is already approved; only pending requests can be resolved".into()
        }
    );
    let e = b
        .resolve_request(Id::new("51"), Resolution::Cancel)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("already approved"), "{e}");
    let e = b
        .resolve_request(Id::new("404"), Resolution::Cancel)
        .await
        .unwrap_err();
    assert_eq!(
        e,
        BackendError::NotFound("request 404 does not exist".into())
    );
}

#[tokio::test]
async fn approving_soft_keeps_allocations_soft_and_rejecting_changes_nothing_else() {
    let (_dir, b, _) = small_backend();
    b.resolve_request(
        Id::new("50"),
        Resolution::Approve {
            user_id: Some(Id::new("2")),
            soft: true,
        },
    )
    .await
    .unwrap();
    assert!(!get(&b, "41").await.unwrap().hard);

    let (_dir, b, data) = seeded();
    let pending = data
        .requests
        .iter()
        .find(|q| q.status.is_pending())
        .unwrap();
    let before = b.roster().await.unwrap();
    let q = b
        .resolve_request(pending.id.clone(), Resolution::Reject)
        .await
        .unwrap();
    assert_eq!(q.status, RequestStatus::Rejected);
    assert_eq!(b.roster().await.unwrap(), before);
    let e = b
        .resolve_request(
            pending.id.clone(),
            Resolution::Approve {
                user_id: None,
                soft: false,
            },
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("already rejected"), "{e}");
    let other = data
        .requests
        .iter()
        .filter(|q| q.status.is_pending())
        .nth(1)
        .unwrap();
    let q = b
        .resolve_request(other.id.clone(), Resolution::Cancel)
        .await
        .unwrap();
    assert_eq!(q.status, RequestStatus::Cancelled);
    assert!(
        b.resolve_request(other.id.clone(), Resolution::Cancel)
            .await
            .unwrap_err()
            .to_string()
            .contains("already cancelled")
    );
}

#[tokio::test]
async fn writes_persist_across_reopening() {
    let (dir, b, _) = small_backend();
    b.delete_allocation(Id::new("42")).await.unwrap();
    let path = b.path().to_path_buf();
    drop(b);
    let b = LocalBackend::open(&path).unwrap();
    assert_eq!(b.current_user(), Some(Id::new("1")));
    assert!(get(&b, "42").await.is_none());
    assert_eq!(b.allocations(everything()).await.unwrap().len(), 2);
    drop(dir);
}

#[tokio::test]
async fn a_synthetic_workspace_seeds_and_reads_back() {
    let (_dir, b) = fresh();
    let today = d(TODAY);
    let data = synthetic(today, 200, 10_000);
    b.seed(&data).unwrap();
    let all = b.allocations(everything()).await.unwrap();
    assert_eq!(all.len(), 10_000);
    let roster = b.roster().await.unwrap();
    assert_eq!(roster.resources.len(), 200);
    assert_eq!(roster.people.len(), data.roster.people.len());
    let month = b.allocations(month_of(today)).await.unwrap();
    assert!(!month.is_empty() && month.len() < all.len());
    assert!(month.iter().all(|a| a.range.overlaps(&month_of(today))));
    // New ids continue after the seeded ones.
    let made = b
        .create_allocations(vec![NewAllocation {
            resource_id: roster.resources[0].id.clone(),
            range: DateRange::day(today),
            amount: Amount::TotalMinutes(60),
            hard: false,
            notes: String::new(),
        }])
        .await
        .unwrap();
    assert_eq!(made[0].id.as_number(), Some(1_000_001 + 10_000));
}

#[test]
fn the_unnamed_calendar_is_the_standard_week() {
    // The split uses the same calendar rule as the load index.
    let ws = Workspace::from_roster(small().roster);
    let cal: Calendar = ws.calendar_for(&RowKey::Unnamed(Id::new("31")));
    assert_eq!(cal.weekly, WeeklyCapacity::STANDARD);
}

#[tokio::test]
async fn a_batch_is_all_or_nothing() {
    let (_dir, b, _) = small_backend();
    let before = b.allocations(everything()).await.unwrap();
    let a40 = get(&b, "40").await.unwrap();
    let moved = Allocation {
        range: DateRange::new(d("2025-03-10"), d("2025-03-21")),
        ..a40.clone()
    };
    let batch = vec![
        Change::Update(moved),
        Change::Create(NewAllocation {
            resource_id: Id::new("31"),
            range: DateRange::new(d("2025-05-01"), d("2025-05-02")),
            amount: Amount::TotalMinutes(60),
            hard: true, // an unnamed resource cannot be hard: the batch fails here
            notes: String::new(),
        }),
    ];
    let err = b.apply(batch).await.unwrap_err();
    assert!(matches!(err, BackendError::Validation { .. }), "{err:?}");
    assert_eq!(
        b.allocations(everything()).await.unwrap(),
        before,
        "the first change was not kept"
    );

    let ok = b
        .apply(vec![
            Change::Split {
                id: Id::new("40"),
                version: a40.version,
                date: d("2025-03-10"),
            },
            Change::Delete {
                id: Id::new("41"),
                version: 1,
            },
        ])
        .await
        .unwrap();
    assert!(
        matches!(&ok[0], Applied::Split(x, y) if x.range.end == d("2025-03-09") && y.range.start == d("2025-03-10"))
    );
    assert_eq!(ok[1], Applied::Deleted(Id::new("41")));
    assert!(get(&b, "41").await.is_none());
}

#[tokio::test]
async fn stale_deletes_and_splits_are_refused() {
    let (_dir, b, _) = small_backend();
    let err = b
        .apply(vec![Change::Delete {
            id: Id::new("40"),
            version: 7,
        }])
        .await
        .unwrap_err();
    assert!(
        matches!(err, BackendError::Stale(ref m) if m.contains("changed elsewhere")),
        "{err:?}"
    );
    let err = b
        .apply(vec![Change::Split {
            id: Id::new("40"),
            version: 7,
            date: d("2025-03-10"),
        }])
        .await
        .unwrap_err();
    assert!(matches!(err, BackendError::Stale(_)));
    assert!(get(&b, "40").await.is_some());
}

#[tokio::test]
async fn two_processes_renaming_one_resource_do_not_overwrite_each_other() {
    let (dir, a, _) = small_backend();
    let b = LocalBackend::open(&dir.path().join("allot.db")).unwrap();
    // Both read resource 31; the first renames it.
    let read = resource_of(&b, "31").await.unwrap();
    let version = crate::client::resource_version(&read);
    let renamed = |label: &str| Resource {
        label: label.into(),
        ..read.clone()
    };
    a.apply(vec![Change::UpdateResource {
        resource: renamed("Mine"),
        version,
    }])
    .await
    .unwrap();
    // The second, from what it read before, is refused: nothing overwritten.
    let e = b
        .apply(vec![Change::UpdateResource {
            resource: renamed("Theirs"),
            version,
        }])
        .await
        .unwrap_err();
    assert!(matches!(e, BackendError::Stale(_)), "{e:?}");
    assert!(
        e.to_string()
            .contains("was changed elsewhere since it was read"),
        "{e}"
    );
    let e = b
        .apply(vec![Change::DeleteResource {
            id: read.id.clone(),
            version,
        }])
        .await
        .unwrap_err();
    assert!(matches!(e, BackendError::Stale(_)), "{e:?}");
    assert_eq!(resource_of(&a, "31").await.unwrap().label, "Mine");
    // Read again, the second's rename goes through.
    let change = update_of(&b, renamed("Theirs")).await;
    b.apply(vec![change]).await.unwrap();
    assert_eq!(resource_of(&a, "31").await.unwrap().label, "Theirs");
}

#[tokio::test]
async fn the_change_token_moves_when_another_process_writes() {
    let (dir, b, _) = small_backend();
    let first = b.change_token().await.unwrap();
    assert_eq!(b.change_token().await.unwrap(), first, "nothing changed");
    let other = LocalBackend::open(&dir.path().join("allot.db")).unwrap();
    other
        .apply(vec![Change::Delete {
            id: Id::new("41"),
            version: 1,
        }])
        .await
        .unwrap();
    assert_ne!(b.change_token().await.unwrap(), first);
}
