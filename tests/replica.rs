//! The replica of a remote workspace, with the real binary: a second start shows the last state
//! read before the backend answers anything, still readable when the backend does not answer,
//! and `allot cache status | clear` list and remove replicas.

mod common;

use common::sandbox::{planner_on, sandbox};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The first run reads everything and quits; its replica is then on disk.
fn first_run(sb: &allot::sandbox::Sandbox, home: &Path) {
    let mut app = planner_on(sb, home);
    app.wait_for("the roster read and shown", |s| s.contains("Aisha Rahman"));
    app.wait_for("the allocations read", |s| {
        !s.contains("loading") && s.contains("Kantata OX")
    });
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

fn cache(home: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_allot"))
        .args(args)
        .current_dir(home)
        .env("ALLOT_DATA_DIR", home.join("data"))
        .env("ALLOT_CONFIG", home.join("config.toml"))
        .env_remove("ALLOT_PROFILE")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_second_start_shows_the_replica_before_any_answer_then_the_backends_own() {
    let (rt, sb) = sandbox(allot::sandbox::Dialect::Kantata);
    let home = tempfile::tempdir().unwrap();
    first_run(&sb, home.path());

    // Someone renames a person meanwhile; every answer now takes 4 s.
    let db = rusqlite::Connection::open(sb.backend().path()).unwrap();
    let renamed = db
        .execute(
            "UPDATE people SET name = 'Aisha Rahman-Khan' WHERE name = 'Aisha Rahman'",
            [],
        )
        .unwrap();
    assert_eq!(renamed, 1);
    rt.block_on(sb.invalidate());
    sb.faults().set(allot::sandbox::FaultConfig {
        latency: Duration::from_secs(4),
        ..allot::sandbox::FaultConfig::none()
    });
    let app = planner_on(&sb, home.path());
    let screen = app.wait_for("the replica on screen", |s| {
        s.contains("Aisha Rahman") && s.contains("as of")
    });
    assert!(screen.contains("refreshing…"), "{screen}");
    // The backend would say Rahman-Khan, and cannot have answered yet (4 s a request): this is
    // the replica.
    assert!(
        !screen.contains("Rahman-Khan"),
        "the replica, not the backend: {screen}"
    );
    // Then the backend's answers (quick again) replace it and the mark goes.
    sb.faults().set(allot::sandbox::FaultConfig::none());
    let screen = app.wait_for("the backend's answer", |s| {
        s.contains("Rahman-Khan") && !s.contains("as of")
    });
    assert!(screen.contains("Kantata OX"), "{screen}");
}

#[test]
fn offline_the_replica_stays_readable_and_says_it_was_not_refreshed() {
    let (_rt, sb) = sandbox(allot::sandbox::Dialect::Kantata);
    let home = tempfile::tempdir().unwrap();
    first_run(&sb, home.path());
    // Every connection now closes without an answer.
    sb.faults().set(allot::sandbox::FaultConfig {
        drop_rate: 1.0,
        ..allot::sandbox::FaultConfig::none()
    });
    let mut app = planner_on(&sb, home.path());
    let screen = app.wait_for("the replica, not refreshed", |s| {
        s.contains("not refreshed")
    });
    assert!(screen.contains("Aisha Rahman"), "{screen}");
    // Still usable: the Requests view reads from it too.
    app.send("3");
    app.wait_for("the queue from the replica", |s| s.contains("#50"));
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn cache_status_lists_replicas_and_clear_removes_one_profile_or_all() {
    let (_rt, sb) = sandbox(allot::sandbox::Dialect::Kantata);
    let home = tempfile::tempdir().unwrap();
    let (code, out, _) = cache(home.path(), &["cache", "status"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("no replicas in "), "{out}");

    first_run(&sb, home.path());
    let (code, out, _) = cache(home.path(), &["cache", "status"]);
    assert_eq!(code, 0, "{out}");
    let line = out.lines().next().unwrap();
    assert!(line.starts_with(&format!("kantata {}", sb.url)), "{out}");
    assert!(line.contains(" allocations  saved "), "{out}");
    assert!(line.ends_with("  full check under a minute ago"), "{out}");
    assert!(!out.contains(&sb.token), "no token anywhere: {out}");

    // A profile that names another workspace removes nothing; this one's removes it.
    let config = format!(
        "[profiles.other]\nbackend = \"kantata\"\nurl = \"http://127.0.0.1:9/api/v1\"\n\
         [profiles.this]\nbackend = \"kantata\"\nurl = \"{}\"\n",
        sb.url
    );
    std::fs::write(home.path().join("config.toml"), config).unwrap();
    let (code, out, _) = cache(home.path(), &["--profile", "other", "cache", "clear"]);
    assert_eq!((code, out.trim()), (0, "no replica to remove"));
    let (code, out, _) = cache(home.path(), &["--profile", "this", "cache", "clear"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("removed the replica of kantata "), "{out}");
    let (_, out, _) = cache(home.path(), &["cache", "status"]);
    assert!(out.starts_with("no replicas in "), "{out}");
}

/// What the Kantata sandbox holds for `window`, read whole, by id.
async fn whole(
    client: &allot::client::kantata::backend::KantataBackend,
    window: allot::domain::DateRange,
) -> Vec<allot::domain::Allocation> {
    use allot::client::Backend;
    let mut all = client.allocations(window).await.unwrap();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

#[tokio::test]
async fn a_refresh_reads_only_what_changed_and_a_deletion_reads_only_where_counts_differ() {
    use allot::client::Backend;
    let (sb, client) = common::demo::kantata_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let replica = allot::replica::Replica::open(dir.path(), "kantata test -").unwrap();
    let inner: std::sync::Arc<dyn Backend> = std::sync::Arc::new(
        allot::client::kantata::backend::KantataBackend::new(common::demo::http_config(&sb))
            .unwrap(),
    );
    let replicated = allot::replica::Replicated::new(inner, replica);
    let window = allot::app::state::initial_window(common::demo::today());
    let sorted = |mut v: Vec<allot::domain::Allocation>| {
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    };

    let before = sb.requests_served();
    let first = sorted(replicated.allocations(window).await.unwrap());
    let whole_read = sb.requests_served() - before;
    assert!(whole_read >= 2, "{whole_read}");
    assert_eq!(first, whole(&client, window).await);

    // Nothing changed: one request (the window's count and its newest change), whatever the
    // size.
    let before = sb.requests_served();
    let again = sorted(replicated.allocations(window).await.unwrap());
    assert_eq!(sb.requests_served() - before, 1);
    assert_eq!(again, first);

    // Someone else edits one: it comes back changed in two requests (that one, and what
    // changed).
    let mut edited = first[3].clone();
    edited.notes = "changed elsewhere".into();
    let edited = client.update_allocation(edited).await.unwrap();
    let before = sb.requests_served();
    let caught_up = sorted(replicated.allocations(window).await.unwrap());
    assert_eq!(sb.requests_served() - before, 2);
    assert_eq!(caught_up, whole(&client, window).await);
    assert!(caught_up.contains(&edited));

    // Someone deletes one: the count says so, and the demo's window is small enough (a few
    // pages) to be read whole at once.
    client.delete_allocation(first[5].id.clone()).await.unwrap();
    let before = sb.requests_served();
    let after_delete = sorted(replicated.allocations(window).await.unwrap());
    assert_eq!(
        sb.requests_served() - before,
        2 + whole_read,
        "count, changes, the window"
    );
    assert_eq!(after_delete, whole(&client, window).await);
    assert!(!after_delete.iter().any(|a| a.id == first[5].id));

    // Another window than the one held is read whole.
    let later = allot::domain::DateRange::new(
        allot::domain::dates::add_days(window.start, 7),
        allot::domain::dates::add_days(window.end, 7),
    );
    let before = sb.requests_served();
    let moved = sorted(replicated.allocations(later).await.unwrap());
    assert_eq!(moved, whole(&client, later).await);
    assert!(sb.requests_served() - before >= whole_read);
}

#[test]
fn a_replica_from_an_older_schema_is_rebuilt_from_the_backend_never_shown() {
    let (_rt, sb) = sandbox(allot::sandbox::Dialect::Kantata);
    let home = tempfile::tempdir().unwrap();
    first_run(&sb, home.path());
    // The file as an older allot left it: another schema number, and rows whose meaning
    // changed since (here: a person the backend never had).
    let replicas = home.path().join("data").join("replicas");
    let file = std::fs::read_dir(&replicas)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "db"))
        .unwrap();
    let db = rusqlite::Connection::open(&file).unwrap();
    db.execute("UPDATE meta SET value = '0' WHERE key = 'schema'", [])
        .unwrap();
    let changed = db
        .execute(
            "UPDATE roster SET body = replace(body, 'Aisha Rahman', 'Old Schema Person')",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(db);

    // Slow answers: anything on screen before them would be the old file.
    sb.faults().set(allot::sandbox::FaultConfig {
        latency: Duration::from_millis(1500),
        ..allot::sandbox::FaultConfig::none()
    });
    let mut app = planner_on(&sb, home.path());
    let screen = app.wait_for("the start, waiting for Kantata", |s| s.contains("loading"));
    assert!(!screen.contains("as of"), "no replica shown: {screen}");
    assert!(!screen.contains("Old Schema Person"), "{screen}");
    let screen = app.wait_for("the backend's own answer", |s| {
        s.contains("Aisha Rahman") && !s.contains("loading")
    });
    assert!(!screen.contains("Old Schema Person"), "{screen}");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
    // And the file was rebuilt from what the backend said.
    let (code, out, _) = cache(home.path(), &["cache", "status"]);
    assert_eq!(code, 0);
    assert!(out.contains(" allocations  saved "), "{out}");
    let db = rusqlite::Connection::open(&file).unwrap();
    let schema: String = db
        .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(schema, allot::replica::store::SCHEMA.to_string());
    let old: i64 = db
        .query_row(
            "SELECT count(*) FROM roster WHERE body LIKE '%Old Schema Person%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old, 0);
}
