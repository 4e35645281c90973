//! Hostile input at every boundary, run as the real binary: dates out of range (flags, the
//! environment, database rows), control characters in flags, paths and config values, and secrets
//! in config files and URLs. Nothing panics, nothing raw reaches the terminal, nothing secret is
//! printed, and each refusal names the problem.

mod common;

use allot::client::Backend;
use allot::client::local::{LocalBackend, demo};
use allot::domain::DateRange;
use allot::domain::dates::parse_date;
use common::PtyApp;
use std::path::Path;
use std::process::Command;

const TODAY: &str = "2026-11-23";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs allot with `args` and extra environment; checks that no control character (but the line
/// break) and no bidi override reached stdout or stderr.
fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_allot"));
    cmd.args(args)
        .current_dir(home)
        .env("ALLOT_DATA_DIR", home.join("data"))
        .env("ALLOT_CONFIG", home.join("config.toml"))
        .env_remove("ALLOT_PROFILE")
        .env_remove("ALLOT_TODAY")
        .env_remove("ALLOT_LOG")
        .env_remove("KANTATA_ACCESS_TOKEN")
        .env_remove("RUDDR_API_KEY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run allot");
    let run = Run {
        code: out.status.code().expect("allot exited, not killed"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    for text in [&run.stdout, &run.stderr] {
        assert!(
            text.chars().all(|c| c == '\n'
                || !(c.is_control()
                    || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))),
            "a raw control character was printed: {text:?}"
        );
        assert!(!text.contains("panicked"), "{text}");
    }
    run
}

fn demo_db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("demo.db");
    LocalBackend::open(&db)
        .unwrap()
        .seed(&demo::demo(parse_date(TODAY).unwrap()))
        .unwrap();
    db
}

// ---- dates --------------------------------------------------------------------------------------

#[test]
fn today_outside_the_supported_dates_is_refused_by_flag_and_by_environment() {
    let home = tempfile::tempdir().unwrap();
    for date in ["9999-12-31", "+262142-12-31", "1899-12-31", "2200-01-01"] {
        let r = run(home.path(), &["--demo", "--today", date], &[]);
        assert_eq!(r.code, 2, "{date}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("outside the supported dates (1900-01-01 to 2199-12-31)")
                || r.stderr.contains("is not a date"),
            "{date}: {}",
            r.stderr
        );
        let r = run(
            home.path(),
            &["--demo", "requests", "list"],
            &[("ALLOT_TODAY", date)],
        );
        assert_eq!(r.code, 2, "ALLOT_TODAY={date}: {}", r.stderr);
        assert!(r.stderr.contains("--today"), "{}", r.stderr);
    }
    let r = run(
        home.path(),
        &["--demo", "--today", "9999-12-31", "requests", "list"],
        &[],
    );
    assert!(
        r.stderr
            .contains("9999-12-31 is outside the supported dates (1900-01-01 to 2199-12-31)"),
        "{}",
        r.stderr
    );
    // The last supported day passes the flag; the demo, which reaches three years past today,
    // says so instead of writing dates it could not read back.
    let r = run(
        home.path(),
        &["--demo", "--today", "2199-12-31", "requests", "list"],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the demo workspace spans three years either side of today: give --today from 1903-01-01 to 2196-12-31"),
        "{}",
        r.stderr
    );
    let r = run(
        home.path(),
        &["--demo", "--today", "2196-12-31", "requests", "list"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Puts an allocation reaching back to year -200000 straight into the database, as a hostile or
/// damaged file would hold it.
fn insert_hostile_allocation(db: &Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    let (resource, project): (String, Option<String>) = c
        .query_row(
            "SELECT resource_id, project_id FROM allocations LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    c.execute(
        "INSERT INTO allocations (id, resource_id, project_id, start_date, end_date, unit, value,
             hard, notes, read_only, allocate_on_time_off, version)
         VALUES ('66666', ?1, ?2, '-200000-01-01', '2026-12-31', 'total_minutes', 6000, 0, '', 0, 0, 1)",
        rusqlite::params![resource, project],
    )
    .unwrap();
}

#[tokio::test]
async fn a_stored_allocation_from_year_minus_200000_is_refused_by_name() {
    let home = tempfile::tempdir().unwrap();
    let db = demo_db(home.path());
    insert_hostile_allocation(&db);
    let backend = LocalBackend::open(&db).unwrap();
    let window = DateRange::new(
        parse_date("2026-11-01").unwrap(),
        parse_date("2027-01-31").unwrap(),
    );
    let e = backend.allocations(window).await.unwrap_err().to_string();
    assert_eq!(
        e,
        "the local database is damaged: allocation 66666 has a start date (-200000-01-01) outside the supported dates 1900-01-01..2199-12-31"
    );
}

#[test]
fn the_planner_opens_such_a_workspace_and_names_the_refused_row() {
    let home = tempfile::tempdir().unwrap();
    let db = demo_db(home.path());
    insert_hostile_allocation(&db);
    // Wide enough for the whole message in the status bar.
    let mut app = PtyApp::spawn(
        &["--db", db.to_str().unwrap(), "--today", TODAY],
        220,
        30,
        home.path(),
        &[],
    );
    app.send("2");
    // The rest of the workspace opens; the status bar says which row was refused and why.
    app.wait_for("the gantt and the reason", |s| {
        s.contains("Aisha Rahman")
            && s.contains(
                "allocation 66666 has a start date (-200000-01-01) outside the supported dates",
            )
    });
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

// ---- control characters -------------------------------------------------------------------------

const EVIL: &str = "x\u{1b}[31mred\u{202E}dlrow\u{7}";

#[test]
fn a_profile_name_with_escapes_is_printed_cleaned() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "[profiles.\"{}\"]\nbackend = \"local\"\n",
            "p\\u001b[31m\\u202e"
        ),
    )
    .unwrap();
    let r = run(home.path(), &["--profile", EVIL, "config", "check"], &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no profile 'x\u{FFFD}[31mred"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("p\u{FFFD}[31m\u{FFFD}"),
        "lists the profiles cleaned: {}",
        r.stderr
    );
    // The same name through the environment, and one the file does hold.
    let r = run(
        home.path(),
        &["config", "check"],
        &[("ALLOT_PROFILE", "p\u{1b}[31m\u{202E}")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("profile:     p\u{FFFD}[31m\u{FFFD}"),
        "{}",
        r.stdout
    );
}

#[test]
fn token_env_and_url_with_escapes_are_printed_cleaned() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "default_profile = \"k\"\n[profiles.k]\nbackend = \"kantata\"\nurl = \"http://127.0.0.1:1/\\u001b]0;pwned\\u0007\"\ntoken_env = \"T\\u001b[2J\"\n",
    )
    .unwrap();
    let r = run(home.path(), &["config", "check"], &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("T\u{FFFD}[2J, which is not set"),
        "{}",
        r.stderr
    );
    let r = run(home.path(), &["config", "check"], &[("T\u{1b}[2J", "tok")]);
    assert!(
        r.stdout
            .contains("token:       a token of 3 characters, from T\u{FFFD}[2J"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("url:         http://127.0.0.1:1/"),
        "{}",
        r.stdout
    );
}

#[test]
fn paths_with_escapes_are_printed_cleaned() {
    let home = tempfile::tempdir().unwrap();
    // --db under a file: the directory cannot exist.
    let file = home.path().join("plain.txt");
    std::fs::write(&file, "not a directory").unwrap();
    let db = file.join(format!("{EVIL}.db"));
    let r = run(
        home.path(),
        &[
            "--db",
            db.to_str().unwrap(),
            "--today",
            TODAY,
            "requests",
            "list",
        ],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("x\u{FFFD}[31mred\u{FFFD}dlrow\u{FFFD}.db"),
        "{}",
        r.stderr
    );
    // The data directory, where the default workspace is made.
    let data = file.join(EVIL);
    let r = run(
        home.path(),
        &["--today", TODAY, "requests", "list"],
        &[("ALLOT_DATA_DIR", data.to_str().unwrap())],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("x\u{FFFD}[31mred"), "{}", r.stderr);
    // A value the flag parser refuses is quoted cleaned too.
    let r = run(home.path(), &["--today", EVIL], &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is not a date"), "{}", r.stderr);
}

// ---- secrets ------------------------------------------------------------------------------------

#[test]
fn a_broken_token_line_is_not_quoted() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "[profiles.k]\nbackend = \"kantata\"\ntoken = \"abcSECRETxyz\n",
    )
    .unwrap();
    let r = run(home.path(), &["config", "check"], &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("line 3"),
        "still says where: {}",
        r.stderr
    );
    assert!(!r.stderr.contains("SECRET"), "{}", r.stderr);
}

#[test]
fn config_check_never_prints_userinfo_or_a_query() {
    let home = tempfile::tempdir().unwrap();
    for url in [
        "http://u:PASSWORD@127.0.0.1:1/api/v1",
        "http://127.0.0.1:1/api/v1?api_key=SECRET",
        "http://127.0.0.1:1/api/v1#SECRET",
    ] {
        let r = run(
            home.path(),
            &["--backend", "kantata", "--url", url, "config", "check"],
            &[("KANTATA_ACCESS_TOKEN", "t")],
        );
        assert_eq!(r.code, 2, "{url}: {}", r.stdout);
        assert!(
            r.stderr.starts_with("allot: --url: the base URL"),
            "{}",
            r.stderr
        );
        for text in [&r.stdout, &r.stderr] {
            assert!(
                !text.contains("PASSWORD") && !text.contains("SECRET"),
                "{text}"
            );
        }
    }
}
