//! The headless subcommands, run as the real binary: `allot requests list|approve|reject|cancel`
//! and `allot config check`.

use allot::client::local::{LocalBackend, demo};
use allot::client::{Backend, NewRequest, RequestTarget};
use allot::domain::dates::parse_date;
use allot::domain::{DateRange, Id};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const TODAY: &str = "2026-11-23";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    fn json(&self) -> Vec<Value> {
        match serde_json::from_str(&self.stdout) {
            Ok(Value::Array(items)) => items,
            other => panic!("not a JSON array: {other:?}\n{}", self.stdout),
        }
    }
}

/// A workspace in a temporary directory (the data directory, for the logs, is inside it too).
struct Workspace {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Workspace {
    /// The demo workspace, seeded through the library as allot would seed it.
    fn demo() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db");
        let backend = LocalBackend::open(&db).unwrap();
        backend
            .seed(&demo::demo(parse_date(TODAY).unwrap()))
            .unwrap();
        Workspace { dir, db }
    }

    /// An empty directory: `--demo` seeds the database on first use.
    fn empty() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db");
        Workspace { dir, db }
    }

    fn backend(&self) -> LocalBackend {
        LocalBackend::open(&self.db).unwrap()
    }

    /// `allot --db <db> --today 2026-11-23 <args>`.
    fn run(&self, args: &[&str]) -> Run {
        let mut all = vec!["--db", self.db.to_str().unwrap(), "--today", TODAY];
        all.extend_from_slice(args);
        run_in(self.dir.path(), &all)
    }
}

fn run_in(home: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_allot"))
        .args(args)
        .current_dir(home)
        .env("ALLOT_DATA_DIR", home.join("data"))
        .env("ALLOT_CONFIG", home.join("config.toml"))
        .env_remove("ALLOT_PROFILE")
        .env_remove("ALLOT_TODAY")
        .env_remove("ALLOT_LOG")
        .output()
        .expect("run allot");
    let run = Run {
        code: out.status.code().expect("allot exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    };
    // Headless output never drives the terminal: no escapes, no alternate screen.
    for text in [&run.stdout, &run.stderr] {
        assert!(
            text.chars().all(|c| c == '\n' || !c.is_control()),
            "control characters in {text:?}"
        );
    }
    run
}

fn ids_of(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|q| q["id"].as_str().unwrap().to_string())
        .collect()
}

fn find<'a>(items: &'a [Value], id: &str) -> &'a Value {
    items
        .iter()
        .find(|q| q["id"] == id)
        .unwrap_or_else(|| panic!("request {id} is not listed"))
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn set<'a>(k: &[&'a str]) -> BTreeSet<&'a str> {
    k.iter().copied().collect()
}

#[test]
fn pending_requests_list_as_an_aligned_table_oldest_first() {
    let ws = Workspace::empty();
    // --demo seeds the new database; the workspace flags may come after the subcommand too.
    let r = run_in(
        ws.dir.path(),
        &[
            "requests",
            "list",
            "--db",
            ws.db.to_str().unwrap(),
            "--demo",
            "--today",
            TODAY,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    let lines = r.lines();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        [
            "ID",
            "AGE",
            "PROJECT",
            "RESOURCE",
            "PERIOD",
            "PCT",
            "HARDENS",
            "REQUESTER",
            "APPROVERS",
            "STATUS"
        ]
    );
    let rows = &lines[1..];
    assert!(rows.len() >= 12, "{}", r.stdout);
    assert!(rows.iter().all(|l| l.ends_with("pending")), "{}", r.stdout);
    let ages: Vec<u32> = rows
        .iter()
        .map(|l| {
            let age = l.split_whitespace().nth(1).unwrap();
            age.trim_end_matches('d').parse().unwrap()
        })
        .collect();
    assert!(
        ages.windows(2).all(|w| w[0] >= w[1]),
        "oldest first: {ages:?}"
    );
    let row = rows.iter().find(|l| l.starts_with("5001 ")).unwrap();
    for part in [
        " 3d ",
        "Atlas Mobile App",
        "(unnamed) iOS engineer",
        "100%",
        "Morgan Lee",
    ] {
        assert!(row.contains(part), "{part:?} in {row}");
    }
    // Columns line up under their headings.
    let at = lines[0].find("STATUS").unwrap();
    for l in rows {
        assert_eq!(&l[l.len() - "pending".len()..], "pending");
        let width = l.chars().count() - "pending".len();
        assert_eq!(width, at, "{l}");
    }
    // A second run reuses the seeded database.
    let again = ws.run(&["requests", "list", "--demo"]);
    assert_eq!(again.stdout, r.stdout);
}

#[test]
fn status_all_lists_every_request_and_one_status_only_its_own() {
    let ws = Workspace::demo();
    let all = ws.run(&["requests", "list", "--status", "all"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert_eq!(all.lines().len(), 1 + 30);
    let statuses: BTreeSet<&str> = all.lines()[1..]
        .iter()
        .map(|l| l.split_whitespace().last().unwrap())
        .collect();
    assert_eq!(
        statuses,
        set(&["approved", "cancelled", "pending", "rejected"])
    );
    let approved = ws.run(&["requests", "list", "--status", "approved", "--json"]);
    let items = approved.json();
    assert_eq!(ids_of(&items), ["5019", "5016"], "oldest first");
    assert!(items.iter().all(|q| q["status"] == "approved"));
}

#[test]
fn mine_narrows_to_the_requests_i_approve() {
    let ws = Workspace::demo();
    let all = ws.run(&["requests", "list", "--json"]).json();
    let mine = ws.run(&["requests", "list", "--mine", "--json"]).json();
    assert!(!mine.is_empty() && mine.len() < all.len());
    assert!(mine.iter().all(|q| {
        q["approvers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == "1001")
    }));
    // --user changes who "I" am.
    let daniel = ws.run(&["--user", "1007", "requests", "list", "--mine"]);
    assert_eq!(daniel.code, 0, "{}", daniel.stderr);
    let ids: Vec<&str> = daniel.lines()[1..]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(ids, ["5013", "5005", "5003"]);

    let nobody = ws.run(&["--user", "9999", "requests", "list", "--mine"]);
    assert_eq!(nobody.code, 2);
    assert_eq!(nobody.stdout, "");
    assert!(nobody.stderr.contains("--user 9999"), "{}", nobody.stderr);
}

#[test]
fn json_is_an_array_of_objects_of_the_documented_shape() {
    let ws = Workspace::demo();
    let r = ws.run(&["requests", "list", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("[\n  {"), "pretty-printed");
    assert!(r.stdout.ends_with("]\n") && !r.stdout.ends_with("\n\n"));
    let items = r.json();
    assert!(items.len() >= 12);
    let q = &items[0];
    assert_eq!(
        keys(q),
        set(&[
            "id",
            "status",
            "created_at",
            "age_days",
            "project",
            "resource",
            "period",
            "percentage",
            "approval_hardens",
            "approval_hardens_within",
            "requester",
            "approvers"
        ])
    );
    assert!(q["id"].is_string());
    assert_eq!(q["status"], "pending");
    let created = q["created_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(created).is_ok(),
        "{created}"
    );
    assert!(q["age_days"].is_i64());
    assert_eq!(keys(&q["project"]), set(&["id", "name", "client"]));
    assert!(
        ["id", "name", "client"]
            .iter()
            .all(|k| q["project"][k].is_string())
    );
    assert_eq!(
        keys(&q["resource"]),
        set(&["id", "name", "role", "unnamed"])
    );
    assert!(
        ["id", "name", "role"]
            .iter()
            .all(|k| q["resource"][k].is_string())
    );
    assert!(q["resource"]["unnamed"].is_boolean());
    assert_eq!(keys(&q["period"]), set(&["start", "end"]));
    for k in ["start", "end"] {
        let day = q["period"][k].as_str().unwrap();
        assert!(parse_date(day).is_ok() && day.len() == 10, "{day}");
    }
    assert!(q["percentage"].is_u64());
    assert_eq!(keys(&q["requester"]), set(&["id", "name"]));
    let approvers = q["approvers"].as_array().unwrap();
    assert!(!approvers.is_empty());
    for a in approvers {
        assert_eq!(keys(a), set(&["id", "name"]));
        assert!(a["id"].is_string() && a["name"].is_string());
    }
    // The ages are counted from --today.
    let first = find(&items, "5001");
    assert_eq!(first["age_days"], 3);
    assert_eq!(first["period"]["start"], "2026-12-07");
    // What approving changes: the unnamed resource's soft allocation, with its dates and hours.
    let hardens = first["approval_hardens"].as_array().unwrap();
    assert_eq!(hardens.len(), 1, "{hardens:?}");
    assert_eq!(
        keys(&hardens[0]),
        set(&["allocation_id", "start", "end", "hours"])
    );
    assert_eq!(hardens[0]["start"], "2026-12-07");
    assert!(hardens[0]["hours"].as_f64().unwrap() > 0.0);
    assert_eq!(
        keys(&first["approval_hardens_within"]),
        set(&["start", "end"])
    );
}

#[test]
fn approving_an_unnamed_request_with_user_staffs_it() {
    let ws = Workspace::demo();
    let r = ws.run(&["requests", "approve", "5001", "--user", "1002"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert_eq!(r.lines().len(), 1);
    let line = r.lines()[0];
    assert!(
        line.starts_with("approved request 5001 (Atlas Mobile App, iOS engineer → "),
        "{line}"
    );

    let pending = ws.run(&["requests", "list", "--json"]).json();
    assert!(!ids_of(&pending).contains(&"5001".to_string()));
    let all = ws
        .run(&["requests", "list", "--status", "all", "--json"])
        .json();
    let q = find(&all, "5001");
    assert_eq!(q["status"], "approved");
    assert_eq!(q["resource"]["id"], "3101");
    assert_eq!(q["resource"]["unnamed"], false);
    let name = q["resource"]["name"].as_str().unwrap();
    assert!(line.ends_with(&format!("→ {name})")), "{line} / {name}");
    assert!(!name.contains("unnamed"));

    // The allocation the request held is now hard.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let held = rt
        .block_on(ws.backend().allocations(DateRange::new(
            parse_date("2026-12-07").unwrap(),
            parse_date("2027-03-03").unwrap(),
        )))
        .unwrap();
    let a = held
        .iter()
        .find(|a| a.resource_id.as_str() == "3101")
        .unwrap();
    assert!(a.hard);
}

#[test]
fn approving_an_unnamed_request_without_user_fails_and_changes_nothing() {
    let ws = Workspace::demo();
    let r = ws.run(&["requests", "approve", "5001"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("allot: request 5001: ") && r.stderr.contains("--user"),
        "{}",
        r.stderr
    );
    let pending = ws.run(&["requests", "list", "--json"]).json();
    assert_eq!(find(&pending, "5001")["resource"]["unnamed"], true);
}

#[test]
fn rejecting_takes_requests_out_of_the_queue() {
    let ws = Workspace::demo();
    let r = ws.run(&["requests", "reject", "5002", "5014"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = r.lines();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with("rejected request 5002 (Atlas Mobile App, (unnamed) Mobile QA"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("rejected request 5014 ("),
        "{}",
        lines[1]
    );
    let all = ws
        .run(&["requests", "list", "--status", "rejected", "--json"])
        .json();
    let ids = ids_of(&all);
    assert!(ids.contains(&"5002".into()) && ids.contains(&"5014".into()));

    // Twice is refused with the backend's words.
    let again = ws.run(&["requests", "reject", "5002"]);
    assert_eq!(again.code, 1);
    assert!(
        again
            .stderr
            .starts_with("allot: request 5002: request 5002 is already rejected"),
        "{}",
        again.stderr
    );
}

#[test]
fn only_the_requester_can_cancel() {
    let ws = Workspace::demo();
    // Morgan Lee (the demo's "me") asked for nobody yet: ask for someone now.
    let made = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(ws.backend().create_request(NewRequest {
            target: RequestTarget::NewUnnamed {
                project_id: Id::new("2001"),
                role: "Android engineer".into(),
            },
            approver_ids: vec![Id::new("1007")],
            period: DateRange::new(
                parse_date("2026-12-07").unwrap(),
                parse_date("2026-12-18").unwrap(),
            ),
            percentage: 100,
            notes: String::new(),
        }))
        .unwrap();
    let mine = made.request.id.to_string();
    assert_eq!(made.request.creator_id.as_str(), "1001");

    let r = ws.run(&["requests", "cancel", "5001"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .starts_with("allot: request 5001: only the requester can cancel request 5001"),
        "{}",
        r.stderr
    );

    let r = ws.run(&["requests", "cancel", &mine]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        format!("cancelled request {mine} (Atlas Mobile App, (unnamed) Android engineer)\n")
    );
    let cancelled = ws
        .run(&["requests", "list", "--status", "cancelled", "--json"])
        .json();
    assert_eq!(find(&cancelled, &mine)["requester"]["name"], "Morgan Lee");

    // The requester of 5001 (Marcus Bell, 1005) may cancel it.
    let r = ws.run(&["--user", "1005", "requests", "cancel", "5001"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("cancelled request 5001 ("));
}

#[test]
fn a_failing_id_fails_alone_and_the_others_are_done() {
    let ws = Workspace::demo();
    let r = ws.run(&["requests", "reject", "5002", "9999", "5004"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "allot: request 9999: request 9999 does not exist\n"
    );
    let done: Vec<&str> = r.lines();
    assert_eq!(done.len(), 2);
    assert!(done[0].starts_with("rejected request 5002 ("));
    assert!(done[1].starts_with("rejected request 5004 ("));
    let pending = ids_of(&ws.run(&["requests", "list", "--json"]).json());
    assert!(!pending.contains(&"5002".into()) && !pending.contains(&"5004".into()));
    assert!(pending.contains(&"5001".into()));
}

#[test]
fn usage_errors_exit_with_status_2() {
    let ws = Workspace::demo();
    let r = ws.run(&["requests", "list", "--status", "open"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("--status"), "{}", r.stderr);
    for args in [
        &["requests", "approve"][..],
        &["requests", "cancel"],
        &["requests"],
    ] {
        let r = ws.run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
}

#[test]
fn a_file_that_is_not_a_workspace_is_refused_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    let text = "not a database, just some text that is long enough to have a header's worth of bytes in it, and more\n";
    std::fs::write(&notes, text).unwrap();
    let r = run_in(
        dir.path(),
        &["requests", "list", "--db", notes.to_str().unwrap()],
    );
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("allot: ") && r.stderr.contains("notes.txt"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), text);
}

#[test]
fn without_db_the_data_directory_workspace_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let first = run_in(dir.path(), &["--today", TODAY, "requests", "list"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains("created a demo workspace"),
        "{}",
        first.stderr
    );
    assert!(dir.path().join("data").join("workspace.db").exists());
    let reject = run_in(dir.path(), &["requests", "reject", "5001"]);
    assert_eq!(reject.code, 0, "{}", reject.stderr);
    assert_eq!(reject.stderr, "", "no notice the second time");
    let after = run_in(dir.path(), &["--today", TODAY, "requests", "list"]);
    assert_eq!(after.lines().len(), first.lines().len() - 1);
}

#[test]
fn config_check_names_the_file_the_profile_and_who_i_am() {
    let ws = Workspace::demo();
    let r = ws.run(&["config", "check"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let cfg = ws.dir.path().join("config.toml");
    assert!(
        r.stdout
            .contains(&format!("config file: {} (not there", cfg.display())),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("profile:     (none)"), "{}", r.stdout);
    assert!(r.stdout.contains("backend:     local"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("check:       ok, signed in as Morgan Lee (1001)"),
        "{}",
        r.stdout
    );

    // A profile acting as someone else.
    std::fs::write(
        &cfg,
        "default_profile = \"me\"\n[profiles.me]\nbackend = \"local\"\nuser = \"1007\"\n",
    )
    .unwrap();
    let r = ws.run(&["config", "check"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("(loaded)"), "{}", r.stdout);
    assert!(r.stdout.contains("profile:     me"), "{}", r.stdout);
    assert!(!r.stdout.contains("Morgan Lee (1001)"), "{}", r.stdout);
}

#[test]
fn a_bad_config_file_is_refused_naming_the_file_and_the_line() {
    let ws = Workspace::demo();
    let cfg = ws.dir.path().join("config.toml");
    std::fs::write(&cfg, "[profiles.work]\nbackend = \"jira\"\n").unwrap();
    let r = ws.run(&["requests", "list"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(&cfg.display().to_string()),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("jira") && r.stderr.contains("line 2"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "", "nothing half done");

    std::fs::write(&cfg, "[profiles.work]\nbackend = \"local\"\n").unwrap();
    let r = ws.run(&["--profile", "home", "requests", "list"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no profile 'home'") && r.stderr.contains("work"));
}

#[cfg(unix)]
#[test]
fn a_token_in_a_config_others_can_read_is_warned_about_and_never_printed() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Workspace::demo();
    let cfg = ws.dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        "[profiles.k]\nbackend = \"kantata\"\nurl = \"http://api.example.com/api/v1\"\ntoken = \"s3cret-token\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = ws.run(&["--profile", "k", "config", "check"]);
    assert_eq!(r.code, 1, "the check fails: plain http off loopback");
    assert!(
        r.stderr.contains("warning") && r.stderr.contains("chmod 600"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains("token:       a token of 12 characters, from profile 'k'"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("refusing to send the API token over plain http"),
        "{}",
        r.stdout
    );
    for text in [&r.stdout, &r.stderr] {
        assert!(!text.contains("s3cret-token"), "{text}");
    }
}

#[test]
fn help_names_the_three_views_and_the_help_key() {
    let home = tempfile::tempdir().unwrap();
    let run = run_in(home.path(), &["--help"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for text in [
        "1 Resources",
        "2 Gantt",
        "3 Requests",
        "? lists the keys",
        "allot --demo",
    ] {
        assert!(
            run.stdout.contains(text),
            "--help says {text:?}:\n{}",
            run.stdout
        );
    }
}
