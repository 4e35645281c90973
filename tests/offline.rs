//! Offline with a replica, end to end with the real binary: allot starts from the replica marked
//! with its age, an edit made while the backend refuses everything is kept in the journal, and
//! once the backend answers again the edit lands exactly once and leaves the journal.

mod common;

use allot::sandbox::{Dialect, FaultConfig, Sandbox};
use common::sandbox::{planner_on, sandbox, stored, wait_until};
use std::path::Path;

/// How many allocations in the sandbox's own store carry `note`.
fn stored_with(rt: &tokio::runtime::Runtime, sb: &Sandbox, note: &str) -> usize {
    stored(rt, sb).iter().filter(|a| a.notes == note).count()
}

/// Rows in the journal of unsent edits (every workspace, every session).
fn journaled(home: &Path) -> i64 {
    let db = rusqlite::Connection::open(home.join("data").join("journal.db")).unwrap();
    db.query_row("SELECT count(*) FROM unsent", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn offline_start_keeps_an_edit_in_the_journal_and_it_lands_exactly_once_when_the_backend_returns() {
    let (rt, sb) = sandbox(Dialect::Kantata);
    let home = tempfile::tempdir().unwrap();
    let home = home.path();

    // A first run reads everything: the replica is on disk.
    let mut app = planner_on(&sb, home);
    app.wait_for("the allocations read", |s| {
        s.contains("Aisha Rahman") && !s.contains("loading") && s.contains("Kantata OX")
    });
    app.send("q");
    assert_eq!(app.wait_exit(), 0);

    // The backend refuses every request (503: not handled, so a write is known not to have
    // landed, unlike a dropped connection).
    sb.faults().set(FaultConfig {
        rate_503: 1.0,
        ..FaultConfig::none()
    });
    let served_offline = sb.requests_served();
    let mut app = planner_on(&sb, home);
    let screen = app.wait_for("the replica, marked with its age", |s| {
        s.contains("Liam O'Connor") && s.contains("as of") && s.contains("not refreshed")
    });
    assert!(screen.contains("Aisha Rahman"), "{screen}");

    // A new allocation on Liam, made offline.
    let note = "made offline";
    app.send("/liam\rl");
    app.wait_for_text("Liam O'Connor · week 48");
    app.send("n");
    app.wait_for_text("New allocation");
    app.send("\t\t\t");
    app.send(note);
    app.send("\r");
    wait_until("the edit in the journal", || journaled(home) == 1);
    // Offline a while: the sandbox refuses a good number of allot's requests (its retries), and
    // the edit stays in the journal, not in the store.
    let after_edit = sb.requests_served();
    wait_until("allot to be refused a few more times", || {
        sb.requests_served() >= after_edit + 8
    });
    assert!(after_edit > served_offline, "allot did try the backend");
    assert_eq!(journaled(home), 1, "still kept");
    assert_eq!(stored_with(&rt, &sb, note), 0, "nothing reached the store");

    // The backend answers again, same data, same port: allot's own retry sends the edit.
    sb.faults().clear();
    wait_until("the edit in the store", || stored_with(&rt, &sb, note) >= 1);
    wait_until("the journal to empty", || journaled(home) == 0);
    app.wait_for("the write answered", |s| {
        !s.contains("⟳ saving") && !s.contains("Unsaved edits")
    });
    app.send("q");
    assert_eq!(app.wait_exit(), 0, "quits at once: nothing unsaved");
    assert_eq!(stored_with(&rt, &sb, note), 1, "landed exactly once");
    assert_eq!(journaled(home), 0);
}
