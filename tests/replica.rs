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
