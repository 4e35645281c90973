//! The headless subcommands, run as the real binary: `allot requests list|approve|reject|cancel`
//! and `allot config check`.

mod common;

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
        self.run_with(args, &[])
    }

    fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut all = vec!["--db", self.db.to_str().unwrap(), "--today", TODAY];
        all.extend_from_slice(args);
        run_in_with(self.dir.path(), &all, env)
    }
}

fn run_in(home: &Path, args: &[&str]) -> Run {
    run_in_with(home, args, &[])
}

/// `run_in` with more environment: tables fit `COLUMNS` when it is set, else 80 (stdout is a
/// pipe here).
fn run_in_with(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_allot"))
        .args(args)
        .env_remove("COLUMNS")
        .envs(env.iter().copied())
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
    // A wide terminal shows every column.
    let wide = [("COLUMNS", "250")];
    let r = run_in_with(
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
        &wide,
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
        "○ Engineer",
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
    let again = ws.run_with(&["requests", "list", "--demo"], &wide);
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
            "hours",
            "notes",
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
    let r = ws.run(&["requests", "approve", "5001", "--staff", "1002"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert_eq!(r.lines().len(), 1);
    let line = r.lines()[0];
    assert!(
        line.starts_with("approved request 5001 (Atlas Mobile App, ○ Engineer → "),
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
        r.stderr.starts_with("allot: request 5001: ") && r.stderr.contains("--staff"),
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
        lines[0].starts_with("rejected request 5002 (Atlas Mobile App, ○ QA Engineer)"),
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

    // Twice is refused, saying the id once.
    let again = ws.run(&["requests", "reject", "5002"]);
    assert_eq!(again.code, 1);
    assert!(
        again
            .stderr
            .starts_with("allot: request 5002: it is already rejected"),
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
            .starts_with("allot: request 5001: only the requester, Marcus Bell, can cancel it"),
        "{}",
        r.stderr
    );

    let r = ws.run(&["requests", "cancel", &mine]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        format!("cancelled request {mine} (Atlas Mobile App, ○ Android engineer)\n")
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
        "allot: request 9999: there is no request with that id\n"
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

// ---- people, and naming them ---------------------------------------------------------------

#[test]
fn people_list_shows_everyone_by_name_and_filters_by_role() {
    let ws = Workspace::demo();
    let all = ws.run(&["people", "list", "--json"]);
    assert_eq!((all.code, all.stderr.as_str()), (0, ""));
    let people = all.json();
    for p in &people {
        assert_eq!(keys(p), set(&["id", "name", "email", "role"]), "{p}");
    }
    let names: Vec<&str> = people.iter().map(|p| p["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted, "by name");
    let morgan = people.iter().find(|p| p["name"] == "Morgan Lee").unwrap();
    assert_eq!(morgan["email"], "morgan.lee@northwind.example");

    // The role filter is the role itself, not a substring of it ("Engineer" is not "QA
    // Engineer"), case aside.
    let qa = ws
        .run(&["people", "list", "--role", "qa engineer", "--json"])
        .json();
    assert!(!qa.is_empty());
    assert!(qa.iter().all(|p| p["role"] == "QA Engineer"), "{qa:?}");
    let qa_in_all = people.iter().filter(|p| p["role"] == "QA Engineer").count();
    assert_eq!(qa.len(), qa_in_all);

    let table = ws.run(&["people", "list", "--role", "QA Engineer"]);
    assert_eq!(table.code, 0);
    let lines = table.lines();
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("EMAIL"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), qa.len() + 1, "{}", table.stdout);
    let at = lines[0].find("ROLE").unwrap();
    assert!(
        lines[1..]
            .iter()
            .all(|l| l[at..].starts_with("QA Engineer")),
        "{}",
        table.stdout
    );

    let none = ws.run(&["people", "list", "--role", "Astronaut"]);
    assert_eq!(none.code, 0);
    assert!(
        none.stdout
            .starts_with("Nobody has the role Astronaut. Roles: ")
            && none.stdout.contains("QA Engineer"),
        "{}",
        none.stdout
    );
}

/// The pending requests Morgan Lee (the demo's current user) approves whose resource is unnamed.
fn unnamed_for_morgan(ws: &Workspace) -> Vec<Value> {
    ws.run(&["requests", "list", "--mine", "--json"])
        .json()
        .into_iter()
        .filter(|q| q["resource"]["unnamed"] == true)
        .collect()
}

#[test]
fn user_takes_an_id_an_email_or_an_unambiguous_name() {
    let ws = Workspace::demo();
    let people = ws.run(&["people", "list", "--json"]).json();
    let daniel = people.iter().find(|p| p["name"] == "Daniel Kim").unwrap();
    let id = daniel["id"].as_str().unwrap();
    let by_id = ws.run(&["--user", id, "requests", "list", "--mine", "--json"]);
    assert_eq!(by_id.code, 0, "{}", by_id.stderr);
    let mine = by_id.json();
    assert!(!mine.is_empty());
    for q in &mine {
        let names: Vec<&Value> = q["approvers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| &a["name"])
            .collect();
        assert!(names.contains(&&Value::from("Daniel Kim")), "{q}");
    }
    for typed in [
        "daniel.kim@northwind.example",
        "Daniel Kim",
        "daniel kim",
        "Kim",
    ] {
        let r = ws.run(&["--user", typed, "requests", "list", "--mine", "--json"]);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{typed}");
        assert_eq!(r.stdout, by_id.stdout, "{typed}");
    }

    // Several people match: each is named, with what tells them apart.
    let r = ws.run(&["--user", "an", "requests", "list", "--mine"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.starts_with("allot: --user an: "), "{}", r.stderr);
    assert!(
        r.stderr.contains("people match: ")
            && r.stderr.contains("Daniel Kim (")
            && r.stderr.contains("morgan.lee@northwind.example"),
        "{}",
        r.stderr
    );
    // Nobody matches: said so, and where to look.
    let r = ws.run(&["--user", "Zed Nobody", "requests", "list"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("--user Zed Nobody: nobody in this workspace has that id, email or name")
            && r.stderr.contains("allot people list"),
        "{}",
        r.stderr
    );
}

#[test]
fn approve_user_names_the_staff_by_name_and_refuses_an_ambiguous_one() {
    let ws = Workspace::demo();
    let unnamed = unnamed_for_morgan(&ws);
    let (first, second) = (&unnamed[0], &unnamed[1]);
    let (a, b) = (
        first["id"].as_str().unwrap(),
        second["id"].as_str().unwrap(),
    );

    let r = ws.run(&["requests", "approve", a, "--staff", "an"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains("approve --staff an: ") && r.stderr.contains("people match"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.ends_with(&format!("allot: not done: {a}\n")),
        "{}",
        r.stderr
    );
    assert!(ids_of(&ws.run(&["requests", "list", "--json"]).json()).contains(&a.to_string()));

    let r = ws.run(&["requests", "approve", a, "--staff", "Priya Raman"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let r = ws.run(&[
        "requests",
        "approve",
        b,
        "--staff",
        "zoe.lindqvist@northwind.example",
    ]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let all = ws
        .run(&["requests", "list", "--status", "all", "--json"])
        .json();
    assert_eq!(find(&all, a)["resource"]["name"], "Priya Raman");
    assert_eq!(find(&all, b)["resource"]["name"], "Zoë Lindqvist");
}

#[test]
fn approve_reject_and_cancel_print_one_json_result_per_id() {
    let ws = Workspace::demo();
    let unnamed = unnamed_for_morgan(&ws);
    let open = unnamed[0]["id"].as_str().unwrap().to_string();
    let named: Vec<Value> = ws
        .run(&["requests", "list", "--mine", "--json"])
        .json()
        .into_iter()
        .filter(|q| q["resource"]["unnamed"] == false)
        .collect();
    let (named_id, named_person) = (
        named[0]["id"].as_str().unwrap().to_string(),
        named[0]["resource"]["name"].as_str().unwrap().to_string(),
    );

    let r = ws.run(&["requests", "approve", &named_id, &open, "404", "--json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr, format!("allot: not done: {open}, 404\n"));
    let results = r.json();
    assert_eq!(ids_of(&results), [named_id.as_str(), open.as_str(), "404"]);
    for d in &results {
        assert_eq!(keys(d), set(&["id", "ok", "message", "person"]), "{d}");
    }
    assert_eq!(results[0]["ok"], true);
    assert_eq!(results[0]["person"]["name"], named_person.as_str());
    assert!(results[0]["person"]["id"].is_string());
    assert!(
        results[0]["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("approved request {named_id} (")),
        "{}",
        results[0]["message"]
    );
    assert_eq!(results[1]["ok"], false);
    assert_eq!(results[1]["person"], Value::Null);
    assert!(
        results[1]["message"].as_str().unwrap().contains("--staff"),
        "{}",
        results[1]
    );
    assert_eq!(results[2]["message"], "there is no request with that id");

    // Reject and cancel have no person; the same id twice is done once, then refused.
    let r = ws.run(&["requests", "reject", &open, &open, "--json"]);
    assert_eq!(r.code, 1);
    let results = r.json();
    assert_eq!(keys(&results[0]), set(&["id", "ok", "message"]));
    assert_eq!(results[0]["ok"], true);
    assert_eq!(
        results[1]["message"],
        "it is already rejected; only pending requests can be resolved"
    );
    let r = ws.run(&["requests", "cancel", &named_id, "--json"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.json()[0]["ok"], false);
    assert_eq!(r.stderr, format!("allot: not done: {named_id}\n"));

    // Everything done: exit 0, nothing on stderr.
    let other = unnamed[1]["id"].as_str().unwrap();
    let r = ws.run(&[
        "requests",
        "approve",
        other,
        "--staff",
        "Priya Raman",
        "--json",
    ]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(r.json()[0]["person"]["name"], "Priya Raman");
}

#[test]
fn user_after_approve_is_refused_saying_which_flag_is_which() {
    let ws = Workspace::demo();
    let before = ws
        .run(&["requests", "list", "--status", "all", "--json"])
        .json();
    let r = ws.run(&["requests", "approve", "5001", "--user", "Priya Raman"]);
    assert_eq!(r.code, 2, "a usage error");
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "allot: approve: --user Priya Raman after the subcommand: say who staffs an unnamed resource with --staff Priya Raman; who you are goes before it (allot --user Priya Raman requests approve …)\n"
    );
    let after = ws
        .run(&["requests", "list", "--status", "all", "--json"])
        .json();
    assert_eq!(before, after, "nothing changed");
}

#[test]
fn messages_say_each_thing_once_and_name_people_not_ids() {
    let ws = Workspace::demo();
    let named: Vec<Value> = ws
        .run(&["requests", "list", "--mine", "--json"])
        .json()
        .into_iter()
        .filter(|q| q["resource"]["unnamed"] == false)
        .collect();
    let id = named[0]["id"].as_str().unwrap();
    let person = named[0]["resource"]["name"].as_str().unwrap();
    // Staffing a named resource with someone else is refused naming who holds it.
    let r = ws.run(&["requests", "approve", id, "--staff", "Priya Raman"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(&format!(
            "is already staffed with {person}; approve it without --staff"
        )),
        "{}",
        r.stderr
    );
    let r = ws.run(&["requests", "reject", id]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = ws.run(&["requests", "approve", id]);
    assert_eq!(
        r.stderr,
        format!(
            "allot: request {id}: it is already rejected; only pending requests can be resolved\n"
        )
    );
    assert_eq!(r.stderr.matches(id).count(), 1, "{}", r.stderr);
}

#[test]
fn show_offers_the_split_where_nobody_fits_alone() {
    // The demo's #5027 (○ Designer on Patient Portal): nobody fits it alone (tests/split.rs).
    let ws = Workspace::demo();
    let shown = ws.run(&["requests", "show", "5027", "--json"]);
    assert_eq!((shown.code, shown.stderr.as_str()), (0, ""));
    let v: Value = serde_json::from_str(&shown.stdout).unwrap();
    let candidates = v["candidates"].as_array().unwrap();
    assert!(candidates.iter().all(|c| c["fits"] == false), "{v}");
    let split = v["split"].as_array().expect("a split where nobody fits");
    assert_eq!(split.len(), 2, "{v}");
    for share in split {
        assert_eq!(keys(share), set(&["id", "name", "hours"]));
        let c = candidates.iter().find(|c| c["id"] == share["id"]).unwrap();
        assert_eq!(c["name"], share["name"]);
        assert!(share["hours"].as_f64().unwrap() > 0.0, "{share}");
    }
    assert_ne!(split[0]["id"], split[1]["id"]);
    // Between them they take every hour the request asks for.
    let total = split[0]["hours"].as_f64().unwrap() + split[1]["hours"].as_f64().unwrap();
    assert!((total - v["hours"].as_f64().unwrap()).abs() < 0.01, "{v}");

    // As text, within 80 columns (not a terminal).
    let text = ws.run(&["requests", "show", "5027"]).stdout;
    assert!(
        text.lines().all(|l| l.chars().count() <= 80),
        "fits 80 columns: {text}"
    );
    let said = format!("Nobody fits alone; {} ", split[0]["name"].as_str().unwrap());
    let from = text
        .find(&said)
        .unwrap_or_else(|| panic!("{said:?} in {text}"));
    let rest = text[from..].replace('\n', " ");
    assert!(
        rest.contains(split[1]["name"].as_str().unwrap()) && rest.contains("fit together"),
        "{rest}"
    );

    // Where someone fits, no split.
    let fits = unnamed_for_morgan(&ws)
        .into_iter()
        .find_map(|q| {
            let id = q["id"].as_str()?.to_string();
            let v: Value =
                serde_json::from_str(&ws.run(&["requests", "show", &id, "--json"]).stdout).ok()?;
            (v["candidates"][0]["fits"] == true).then_some(v)
        })
        .expect("an unnamed request someone fits");
    assert!(fits.get("split").is_none(), "{fits}");
}

#[test]
fn list_json_has_hours_notes_and_role_and_show_adds_ranked_candidates() {
    let ws = Workspace::demo();
    let mine = ws.run(&["requests", "list", "--mine", "--json"]).json();
    for q in &mine {
        assert!(q["notes"].is_string(), "{q}");
        assert!(q["resource"]["role"].is_string(), "{q}");
        // The embedded store keeps a period and share: the hours asked are stated.
        assert!(q["hours"].as_f64().unwrap() > 0.0, "{q}");
    }
    let with_notes = mine
        .iter()
        .find(|q| q["notes"] != "")
        .expect("a request with notes");
    let unnamed = unnamed_for_morgan(&ws);
    let q = &unnamed[0];
    let id = q["id"].as_str().unwrap();

    let shown = ws.run(&["requests", "show", id, "--json"]);
    assert_eq!((shown.code, shown.stderr.as_str()), (0, ""));
    let v: Value = serde_json::from_str(&shown.stdout).unwrap();
    let mut without = v.clone();
    let candidates = without
        .as_object_mut()
        .unwrap()
        .remove("candidates")
        .unwrap();
    without.as_object_mut().unwrap().remove("split");
    assert_eq!(&without, q, "show is the list's object plus candidates");
    let candidates = candidates.as_array().unwrap();
    let people = ws.run(&["people", "list", "--json"]).json();
    assert_eq!(candidates.len(), people.len(), "everyone, ranked");
    for c in candidates {
        assert_eq!(
            keys(c),
            set(&[
                "id",
                "name",
                "role",
                "free_hours",
                "peak_percent",
                "fits",
                "skill"
            ])
        );
        assert!(
            c["skill"].is_null(),
            "the embedded store keeps no skills: {c}"
        );
        let peak = c["peak_percent"].as_u64().unwrap();
        if c["fits"] == true {
            assert!(peak <= 100, "{c}");
        } else {
            assert!(peak > 100, "{c}");
        }
        let p = people.iter().find(|p| p["id"] == c["id"]).unwrap();
        assert_eq!((&p["name"], &p["role"]), (&c["name"], &c["role"]));
    }

    // As text: the request's facts and the best placed, with free hours and peak week.
    let text = ws.run(&["requests", "show", id]);
    assert_eq!(text.code, 0);
    let first = candidates[0]["name"].as_str().unwrap();
    assert!(
        text.stdout
            .starts_with(&format!("Request {id} · pending · ")),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("Best placed to staff it"),
        "{}",
        text.stdout
    );
    assert!(
        text.lines()
            .iter()
            .any(|l| l.starts_with(&format!("  {first} ("))
                && (l.contains("h free") || l.contains("h over"))
                && l.contains("peak ")),
        "{}",
        text.stdout
    );

    // A named resource has no candidates; notes are shown.
    let named = with_notes["id"].as_str().unwrap();
    let v: Value =
        serde_json::from_str(&ws.run(&["requests", "show", named, "--json"]).stdout).unwrap();
    if with_notes["resource"]["unnamed"] == false {
        assert!(v.get("candidates").is_none());
    }
    let text = ws.run(&["requests", "show", named]).stdout;
    assert!(
        text.contains(&format!(
            "Notes      {}",
            with_notes["notes"].as_str().unwrap()
        )),
        "{text}"
    );

    let r = ws.run(&["requests", "show", "404"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "allot: request 404: there is no request with that id\n"
    );
}

#[test]
fn the_table_fits_the_terminal_and_labels_match_the_requests_view() {
    let ws = Workspace::demo();
    // Not a terminal (a pipe here) and COLUMNS=80 alike: 80 columns, project and resource kept.
    for env in [&[][..], &[("COLUMNS", "80")]] {
        let r = ws.run_with(&["requests", "list"], env);
        assert_eq!(r.code, 0);
        for l in r.lines() {
            assert!(l.chars().count() <= 80, "{} wide: {l}", l.chars().count());
        }
        let header: Vec<&str> = r.lines()[0].split_whitespace().collect();
        assert_eq!(&header[..3], ["ID", "PROJECT", "RESOURCE"], "{env:?}");
    }
    let r = ws.run_with(&["requests", "list"], &[("COLUMNS", "40")]);
    let header: Vec<&str> = r.lines()[0].split_whitespace().collect();
    assert_eq!(header, ["ID", "PROJECT", "RESOURCE"]);
    assert!(
        r.lines().iter().all(|l| l.chars().count() <= 40),
        "{}",
        r.stdout
    );

    // An unnamed resource reads as in the Requests view: "○ Role", never "(unnamed) label".
    let json = ws.run(&["requests", "list", "--json"]).json();
    let q = json
        .iter()
        .find(|q| q["resource"]["unnamed"] == true)
        .unwrap();
    let label = format!("○ {}", q["resource"]["role"].as_str().unwrap());
    assert_eq!(q["resource"]["name"], label.as_str());
    let id = q["id"].as_str().unwrap();
    let wide = ws.run_with(&["requests", "list"], &[("COLUMNS", "250")]);
    let row = wide
        .lines()
        .into_iter()
        .find(|l| l.starts_with(&format!("{id} ")))
        .unwrap();
    assert!(row.contains(&label) && !row.contains("(unnamed)"), "{row}");
}

/// Lines a child writes to a pipe, read on a thread so they can be waited for with a deadline.
fn lines_of(pipe: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// The first line from `rx` that satisfies `pred`, waiting at most `secs` seconds in all.
fn wait_line(
    rx: &std::sync::mpsc::Receiver<String>,
    secs: u64,
    pred: impl Fn(&str) -> bool,
) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if pred(&line) => return line,
            Ok(line) => seen.push(line),
            Err(_) => panic!("no such line within {secs} s; saw {seen:?}"),
        }
    }
}

#[test]
fn watch_prints_a_request_made_mid_watch_and_ends_cleanly_on_sigterm() {
    use allot::client::kantata::backend::KantataBackend;
    let (rt, sb) = common::sandbox::sandbox(allot::sandbox::Dialect::Kantata);
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_allot"))
        .args(["--backend", "kantata", "--url", &sb.url, "--today", TODAY])
        .args(["requests", "watch", "--interval", "5"])
        .current_dir(home.path())
        .env("ALLOT_DATA_DIR", home.path().join("data"))
        .env("ALLOT_CONFIG", home.path().join("config.toml"))
        .env("KANTATA_ACCESS_TOKEN", &sb.token)
        .env_remove("ALLOT_PROFILE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let out = lines_of(child.stdout.take().unwrap());
    let err = lines_of(child.stderr.take().unwrap());
    let started = wait_line(&err, 30, |l| {
        l.starts_with("allot: watching for new pending requests for ")
    });
    assert!(started.contains("every 5 s"), "{started}");

    // Someone asks me for a person while it watches.
    let k = KantataBackend::new(common::demo::http_config(&sb)).unwrap();
    let roster = rt.block_on(k.roster()).unwrap();
    let me = roster.current_user.clone().unwrap();
    let resource = roster
        .resources
        .iter()
        .find(|r| r.project_id.is_some() && !r.is_unnamed())
        .unwrap();
    let person = &roster
        .people
        .iter()
        .find(|p| Some(&p.id) == resource.person_id.as_ref())
        .unwrap()
        .name;
    let made = rt
        .block_on(k.create_request(NewRequest {
            target: RequestTarget::Resource(resource.id.clone()),
            approver_ids: vec![me],
            period: DateRange::new(
                parse_date("2027-01-04").unwrap(),
                parse_date("2027-01-29").unwrap(),
            ),
            percentage: 50,
            notes: String::new(),
        }))
        .unwrap();
    let id = made.request.id.to_string();
    // One poll interval and a little: it is printed, once, naming the person, not ids alone.
    let line = wait_line(&out, 30, |l| l.starts_with(&format!("{id} ")));
    assert!(
        line.contains(person.as_str()) && line.contains(" · from "),
        "{line}"
    );

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "watch did not end on SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "ended cleanly, not killed");
    // Nothing else was printed: the requests pending at the start are not news.
    let rest: Vec<String> = out.try_iter().collect();
    assert!(rest.is_empty(), "{rest:?}");
}

// ---- allot keys ---------------------------------------------------------------------------------

#[test]
fn keys_json_is_the_effective_table_with_the_config_s_rebinding() {
    let ws = Workspace::empty();
    std::fs::write(
        ws.dir.path().join("config.toml"),
        "[keys.gantt]\nsplit = [\"x\", \"ctrl-s\"]\n",
    )
    .unwrap();
    let run = run_in(ws.dir.path(), &["keys", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = run.json();
    let has = |mode: &str, key: &str, command: &str| {
        rows.iter()
            .any(|r| r["mode"] == mode && r["key"] == key && r["command"] == command)
    };
    assert!(has("gantt", "x", "split") && has("gantt", "Ctrl-s", "split"));
    assert!(!has("gantt", "s", "split"), "s no longer splits");
    assert!(
        has("resources", "s", "sort_next"),
        "other modes keep theirs"
    );
    assert!(has("global", "?", "help"));
    for r in &rows {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["command", "help", "key", "mode"], "{r}");
        assert!(!r["help"].as_str().unwrap().is_empty(), "{r}");
    }
    let text = run_in(ws.dir.path(), &["keys"]);
    assert_eq!(text.code, 0);
    assert!(
        text.lines()
            .iter()
            .any(|l| l.split_whitespace().take(3).eq(["gantt", "x", "split"])),
        "{}",
        text.stdout
    );
}

#[test]
fn a_bad_rebinding_is_refused_at_start_naming_the_file_and_the_line() {
    let ws = Workspace::empty();
    let config = ws.dir.path().join("config.toml");
    for (text, what) in [
        (
            "[keys.gantt]\n\nsplit = \"d\"\n",
            "line 3: [keys.gantt] d is bound to both split and delete_allocations",
        ),
        (
            "[keys.requests]\napprov = \"a\"\n",
            "line 2: [keys.requests] approv: 'approv' is not a command",
        ),
        (
            "[keys.global]\nquit = \"ctrl-\"\n",
            "line 2: [keys.global] quit: 'ctrl-' is not a key name",
        ),
    ] {
        std::fs::write(&config, text).unwrap();
        // Refused before anything starts, the planner as much as `allot keys`.
        for args in [
            &["keys"][..],
            &["--demo", "--db", ws.db.to_str().unwrap()][..],
        ] {
            let run = run_in(ws.dir.path(), args);
            assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
            assert!(
                run.stderr
                    .contains(&format!("{}: {what}", config.display())),
                "{args:?}: {}",
                run.stderr
            );
        }
    }
}

#[test]
fn the_readme_key_table_is_the_default_table() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = "<!-- keys: generated from the key table; tests/cli.rs checks it -->\n";
    let end = "<!-- /keys -->";
    let from = readme
        .find(start)
        .expect("README has the key table markers")
        + start.len();
    let to = from + readme[from..].find(end).expect("the end marker");
    let expected = allot::app::keys::listing::markdown(&allot::app::keys::Keymap::defaults());
    assert!(
        readme[from..to] == expected,
        "README's key table differs from the key table; put this between the markers:\n{expected}"
    );
}
