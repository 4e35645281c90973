//! Seeding (the demo, synthetic workspaces) and reading back what was written.

use super::*;

// ---- seeding and reads ----

#[tokio::test]
async fn seeding_the_demo_gives_the_promised_workspace() {
    let (_dir, b, data) = seeded();
    assert!(!b.is_empty().unwrap());
    let roster = b.roster().await.unwrap();
    assert!(roster.people.len() >= 30);
    assert!(roster.projects.len() >= 8);
    let clients: BTreeSet<_> = roster.projects.iter().map(|p| p.client.clone()).collect();
    assert!(clients.len() >= 4);
    let me = b.current_user().expect("the demo names its user");
    assert_eq!(roster.current_user.as_ref(), Some(&me));
    assert_eq!(
        roster.people.iter().find(|p| p.id == me).unwrap().name,
        "Morgan Lee"
    );

    let all = b.allocations(everything()).await.unwrap();
    assert_eq!(all.len(), data.allocations.len());
    assert!(all.len() >= 200);
    let requests = b.requests().await.unwrap();
    assert!(requests.iter().filter(|q| q.status.is_pending()).count() >= 12);

    let month = month_of(d(TODAY));
    let mut ws = Workspace::from_roster(roster);
    ws.set_allocations(month, b.allocations(month).await.unwrap());
    let over = ws
        .people
        .keys()
        .filter(|id| {
            let key = RowKey::Person((*id).clone());
            ws.load_in(&key, month) > ws.calendar_for(&key).capacity_in(month)
        })
        .count();
    assert!(over >= 1, "someone is over-allocated this month");

    assert!(
        b.seed(&data).is_err(),
        "seeding twice is refused rather than mixed"
    );
}

#[tokio::test]
async fn reads_round_trip_what_was_written() {
    let (_dir, b, data) = small_backend();
    let roster = b.roster().await.unwrap();
    assert_eq!(roster, data.roster);
    let mut all = b.allocations(everything()).await.unwrap();
    all.sort_by(|x, y| x.id.cmp(&y.id));
    assert_eq!(all, data.allocations);
    assert_eq!(b.requests().await.unwrap(), data.requests);
    assert_eq!(
        b.scheduled_hours(everything()).await.unwrap(),
        data.scheduled
    );

    // The demo, too (its text holds an escape sequence, so compare cleaned).
    let (_dir, b, data) = seeded();
    let roster = b.roster().await.unwrap();
    assert_eq!(roster.participations, data.roster.participations);
    assert_eq!(
        b.scheduled_hours(everything()).await.unwrap(),
        data.scheduled
    );
    assert_eq!(roster.people, data.roster.people);
    assert_eq!(roster.resources, data.roster.resources);
    assert_eq!(roster.holidays, data.roster.holidays);
    let stored = b.requests().await.unwrap();
    assert_eq!(stored, data.requests);
    let mut all = b.allocations(everything()).await.unwrap();
    all.sort_by_key(|a| a.id.as_number());
    let mut want = data.allocations.clone();
    for a in &mut want {
        a.notes = crate::client::sanitize::clean(&a.notes);
    }
    assert_eq!(all, want);
}

#[tokio::test]
async fn allocations_are_those_overlapping_the_window() {
    let (_dir, b, _) = small_backend();
    let ids = |v: Vec<Allocation>| v.into_iter().map(|a| a.id.to_string()).collect::<Vec<_>>();
    let w = |a, z| DateRange::new(d(a), d(z));
    assert_eq!(
        ids(b.allocations(w("2025-03-14", "2025-03-14")).await.unwrap()),
        ["40", "41"]
    );
    assert_eq!(
        ids(b.allocations(w("2025-03-15", "2025-03-31")).await.unwrap()),
        ["41"]
    );
    assert_eq!(
        ids(b.allocations(w("2025-03-29", "2025-04-01")).await.unwrap()),
        ["42"]
    );
    assert!(
        b.allocations(w("2025-05-01", "2025-06-01"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        ids(b.allocations(w("2025-01-01", "2025-12-31")).await.unwrap()).len(),
        3
    );
}

#[tokio::test]
async fn stored_escape_sequences_come_back_defused() {
    let (_dir, b, data) = seeded();
    let raw = data
        .allocations
        .iter()
        .find(|a| a.notes.contains('\u{1b}'))
        .unwrap();
    let back = get(&b, raw.id.as_str()).await.unwrap();
    assert!(is_clean(&back.notes));
    assert!(back.notes.contains("\u{FFFD}[31mURGENT"), "{}", back.notes);

    // Anything written into the file behind allot's back is cleaned too.
    {
        let conn = b.lock();
        conn.execute(
            "UPDATE people SET name = 'Eve \u{1b}]0;pwned\u{7}' WHERE id = '1002'",
            [],
        )
        .unwrap();
        conn.execute(
            "UPDATE projects SET client = 'Evil \u{202E}corp' WHERE id = '2001'",
            [],
        )
        .unwrap();
        conn.execute(
            "UPDATE requests SET notes = 'x\u{9b}2J' WHERE id = '5001'",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('workspace_name', 'W\u{1b}[2J')
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [],
        )
        .unwrap();
    }
    let roster = b.roster().await.unwrap();
    assert!(is_clean(&roster.name));
    for p in &roster.people {
        assert!(is_clean(&p.name) && is_clean(&p.email) && is_clean(&p.role));
    }
    assert_eq!(
        roster
            .people
            .iter()
            .find(|p| p.id.as_str() == "1002")
            .unwrap()
            .name,
        "Eve \u{FFFD}]0;pwned\u{FFFD}"
    );
    assert!(
        roster
            .projects
            .iter()
            .all(|p| is_clean(&p.client) && is_clean(&p.name))
    );
    assert!(
        b.requests()
            .await
            .unwrap()
            .iter()
            .all(|q| is_clean(&q.notes))
    );
}

#[tokio::test]
async fn the_large_synthetic_workspace_seeds_whole() {
    // How long it takes is a benchmark (`cargo bench --bench frames -- store`).
    let (_dir, b) = fresh();
    let data = synthetic(d(TODAY), 2_000, 100_000);
    b.seed(&data).unwrap();
    let roster = b.roster().await.unwrap();
    assert_eq!(roster.resources.len(), 2_000);
    assert_eq!(roster.participations, data.roster.participations);
    assert_eq!(b.allocations(everything()).await.unwrap().len(), 100_000);
}
