//! End to end: the built binary in a pseudo-terminal, read through a terminal emulator.

mod common;

use common::PtyApp;
use common::sandbox::{planner_on, sandbox};

#[test]
fn demo_opens_shows_three_views_with_data_and_quits_cleanly() {
    let home = tempfile::tempdir().unwrap();
    let mut app = PtyApp::demo(home.path(), 80, 24, &[]);

    // Resources: people with this week's hours, and the status bar names the backend and today.
    let screen = app.wait_for("the resource list", |s| {
        s.contains("This wk") && s.contains("● Aisha Rahman")
    });
    assert!(
        screen.contains("local · "),
        "status bar shows the backend:\n{screen}"
    );
    assert!(
        screen.contains("2026-11-23"),
        "status bar shows today:\n{screen}"
    );

    app.send("2");
    let screen = app.wait_for("the gantt", |s| {
        s.contains("Resource") && s.contains("week 48 (2026-11-23)")
    });
    assert!(
        screen.contains("Nov 2026") && screen.contains("▼W48"),
        "month and ISO week header with today marked:\n{screen}"
    );
    // A person's row holds load cells in hours ("28h", "•36h", "▲44h"), not only "·".
    let hours_cell = |w: &str| {
        w.trim_start_matches(['•', '▲', '≠'])
            .strip_suffix('h')
            .is_some_and(|n| n.parse::<f64>().is_ok())
    };
    assert!(
        screen.lines().filter(|l| l.starts_with('▸')).any(|l| l
            .split('│')
            .nth(1)
            .is_some_and(|cells| cells.split_whitespace().any(hours_cell))),
        "load cells with hours:\n{screen}"
    );

    app.send("3");
    let screen = app.wait_for("the request queue", |s| {
        s.contains("Requester") && s.contains("Request #")
    });
    assert!(
        screen.contains("3 Requests ("),
        "tab shows the queue size:\n{screen}"
    );

    app.send("?");
    app.wait_for_text("Requests   a               approve the request(s)");
    app.send("?");
    app.wait_for("help to close", |s| !s.contains("approve the request(s)"));

    app.send("q");
    assert_eq!(app.wait_exit(), 0);
    assert!(
        home.path().join("demo.db").exists(),
        "the demo database was written where --db said"
    );
}

#[test]
fn a_bad_today_is_refused_with_exit_status_2() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_allot"))
        .args(["--today", "2026-02-30"])
        .env_remove("ALLOT_TODAY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("'2026-02-30' is not a date"), "{err}");
}

#[test]
fn a_db_that_is_not_an_allot_database_is_refused_and_left_untouched() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("notes.txt");
    std::fs::write(&path, "just some notes, not a database\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_allot"))
        .args(["--db", path.to_str().unwrap()])
        .env("ALLOT_DATA_DIR", home.path().join("data"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one clear line: {err}");
    assert!(
        err.contains(path.to_str().unwrap()),
        "names the path: {err}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "just some notes, not a database\n"
    );
}

#[test]
fn an_unwritable_db_location_is_refused_with_exit_status_2() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("no-such-dir").join("w.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_allot"))
        .args(["--db", path.to_str().unwrap()])
        .env("ALLOT_DATA_DIR", home.path().join("data"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such-dir"), "names the path: {err}");
    assert!(!path.exists());
}

#[test]
fn a_planner_filters_opens_the_gantt_zooms_and_expands_a_row() {
    let home = tempfile::tempdir().unwrap();
    let mut app = PtyApp::demo(home.path(), 100, 30, &[("NO_COLOR", "1")]);
    app.wait_for_text("● Aisha Rahman");
    app.send("/liam");
    let screen = app.wait_for("the filter to narrow the list", |s| s.contains(" 1 of 59"));
    assert!(screen.contains("Liam O'Connor"), "{screen}");
    app.send("\r"); // keep the filter
    app.send("l"); // open in the Gantt
    let screen = app.wait_for("the Gantt on Liam", |s| {
        s.contains("Liam O'Connor · week 48")
    });
    assert!(
        screen.contains("▲"),
        "an over-allocated week is marked without colour:\n{screen}"
    );
    app.send("z");
    app.wait_for_text("Liam O'Connor · Mon 2026-11-23");
    app.send("ZZ");
    app.wait_for_text("Liam O'Connor · November 2026");
    app.send(" ");
    let screen = app.wait_for("Liam's row to expand", |s| s.contains("▾Liam O'Connor"));
    assert!(
        screen.contains('█') || screen.contains('▒'),
        "allocation bars:\n{screen}"
    );
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn with_no_workspace_at_all_a_demo_is_created_and_the_status_bar_says_so() {
    let home = tempfile::tempdir().unwrap();
    let mut app = PtyApp::spawn(&["--today", "2026-11-23"], 120, 30, home.path(), &[]);
    app.wait_for("the notice and the demo data", |s| {
        s.contains("No workspace yet: created a demo workspace at") && s.contains("● Aisha Rahman")
    });
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
    let db = home.path().join("data").join("workspace.db");
    assert!(db.exists(), "the workspace lives in the data directory");
    let logs = std::fs::read_dir(home.path().join("data").join("logs"))
        .unwrap()
        .count();
    assert!(logs > 0, "logs go to a file in the data directory");

    // The second start opens the same workspace quietly.
    let mut again = PtyApp::spawn(&["--today", "2026-11-23"], 120, 30, home.path(), &[]);
    let screen = again.wait_for_text("● Aisha Rahman");
    assert!(!screen.contains("No workspace yet"), "{screen}");
    again.send("q");
    assert_eq!(again.wait_exit(), 0);
}

#[test]
fn the_screen_follows_a_resize_down_to_tiny_and_back() {
    let home = tempfile::tempdir().unwrap();
    let mut app = PtyApp::demo(home.path(), 80, 24, &[]);
    app.wait_for_text("● Aisha Rahman");
    app.send("2");
    app.wait_for_text("▼W48");
    app.resize(3, 2);
    app.resize(130, 40);
    // Weeks as far as February fit only at the new width (80 columns end in W01).
    let screen = app.wait_for("a redraw at the new size", |s| {
        s.lines().nth(2).is_some_and(|l| l.contains("W05"))
    });
    assert!(screen.contains("▼W48"), "{screen}");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_planner_creates_an_allocation_shifts_it_and_undoes_both() {
    use allot::client::Backend;
    let home = tempfile::tempdir().unwrap();
    let mut app = PtyApp::demo(home.path(), 160, 40, &[("NO_COLOR", "1")]);
    app.wait_for_text("● Aisha Rahman");
    app.send("/hiroshi\rl"); // filter, keep it, open the Gantt on Hiroshi Sato
    app.wait_for_text("Hiroshi Sato · week 48");
    app.send("n");
    app.wait_for_text("New allocation");
    app.send("\t\t\t"); // Amount → Unit → Type → Notes
    app.send("pairing e2e\r");
    let screen = app.wait_for("the new bar", |s| {
        s.contains("2026-11-23 → 2026-11-29 · 6h/day · 18h total · hard · pairing e2e")
    });
    assert!(
        !screen.contains("New allocation"),
        "the form closed:\n{screen}"
    );
    app.send(">");
    // Three working days (Thanksgiving took two), a week later.
    app.wait_for("the shift", |s| {
        s.contains("2026-11-30 → 2026-12-02 · 6h/day · 18h total · hard · pairing e2e")
    });
    app.send("u");
    app.wait_for("the first undo", |s| {
        s.contains("Undid: move") && s.contains("2026-11-23 → 2026-11-29 · 6h/day")
    });
    app.send("u");
    let screen = app.wait_for("the second undo", |s| s.contains("Undid: create"));
    assert!(!screen.contains("pairing e2e"), "{screen}");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);

    // The store agrees: no allocation with that note.
    let backend = allot::client::local::LocalBackend::open(&home.path().join("demo.db")).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let all = allot::domain::DateRange::new(
        allot::domain::dates::parse_date("2000-01-01").unwrap(),
        allot::domain::dates::parse_date("2100-01-01").unwrap(),
    );
    let stored = rt.block_on(backend.allocations(all)).unwrap();
    assert!(stored.iter().all(|a| a.notes != "pairing e2e"));
}

#[test]
fn an_approver_staffs_an_unnamed_request_and_sees_it_in_the_gantt() {
    let home = tempfile::tempdir().unwrap();
    let mut app = PtyApp::demo_over_ssh(home.path());
    app.send("3");
    app.wait_for_text("Request #5008");
    // The pane lists what approving hardens once the allocations are in.
    app.wait_for_text("soft → hard · Requested in #5008");
    app.send("a");
    app.wait_for_text("Who staffs it?");
    app.send("sofia");
    // Inside the picker's box (the pane behind it lists candidates too).
    app.wait_for("the search to narrow", |s| {
        s.contains("│  Sofia Hernández (Analyst)") && !s.contains("│  Aisha Rahman (Analyst)")
    });
    app.send("\r");
    app.wait_for("a y/n naming request, person and project", |s| {
        s.contains("Approve #5008 Grid Forecasting · ○ Analyst → Sofia Hernández")
            && s.contains("12-07 → 02-05 · 40% · 131.2h · makes 1 allocation hard (131.2h)")
    });
    app.send("y");
    let screen = app.wait_for("the request to leave the queue", |s| {
        s.contains("Request #5008 approved")
    });
    assert!(screen.contains("3 Requests (21)"), "{screen}");
    assert!(!screen.contains("Request #5008 ─"), "{screen}");

    // In the Gantt, Sofia's row holds the Grid Forecasting allocation from 2026-12-07.
    app.send("1/sofia\rl");
    app.wait_for_text("Sofia Hernández · week 48");
    app.send(" ");
    app.wait_for_text("▾Sofia Hernández");
    // Step down through her bars until the approved one is selected; each step waits for the
    // detail line (the one above the status bar) to change.
    // The detail line: above the hint bar and the status bar.
    let detail = |screen: &str| screen.lines().rev().nth(2).unwrap_or("").to_string();
    let mut found = false;
    let mut last = detail(&app.screen());
    for _ in 0..20 {
        app.send("j");
        last = detail(&app.wait_for("the selection to move", |s| detail(s) != last));
        if last.starts_with("Grid Forecasting (Lumen Energy) · Analyst · 2026-12-07") {
            found = true;
            break;
        }
    }
    assert!(
        found,
        "the approved allocation is under Sofia:\n{}",
        app.screen()
    );
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_planner_names_an_unnamed_resource_and_its_row_moves_under_the_person() {
    use allot::client::Backend;
    let home = tempfile::tempdir().unwrap();
    let mut app = PtyApp::demo(home.path(), 120, 40, &[("NO_COLOR", "1")]);
    app.wait_for_text("● Aisha Rahman");
    // The unnamed iOS engineer on Atlas Mobile App (resource 3101).
    app.send("/ios engineer\r");
    let screen = app.wait_for("the unnamed resource alone", |s| {
        s.contains(" 1 of ") && s.contains("○ Unnamed")
    });
    assert!(screen.contains("Atlas Mobile App"), "{screen}");
    app.send("e");
    app.wait_for_text("Edit workspace resource");
    app.send("ben carter\r");
    // The unnamed row is gone (58 rows, not 59) and the filter now finds Ben, who holds it.
    let screen = app.wait_for("the naming to apply", |s| {
        s.contains("Saved: name the Engineer resource Ben Carter") && s.contains("1 of 58")
    });
    assert!(
        screen.contains("● Ben Carter") && !screen.contains("○ Unnamed"),
        "{screen}"
    );
    app.send("\r"); // Enter lists Ben's resources under him
    let screen = app.wait_for("Ben's resources", |s| {
        s.contains("▾ Ben Carter") && s.contains("└ Atlas Mobile App")
    });
    assert!(
        screen.contains("iOS engineer"),
        "the label shows:\n{screen}"
    );
    app.send("q");
    assert_eq!(app.wait_exit(), 0);

    let backend = allot::client::local::LocalBackend::open(&home.path().join("demo.db")).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let roster = rt.block_on(backend.roster()).unwrap();
    let r = roster
        .resources
        .iter()
        .find(|r| r.id.as_str() == "3101")
        .unwrap();
    let ben = roster
        .people
        .iter()
        .find(|p| p.name == "Ben Carter")
        .unwrap();
    assert_eq!(r.person_id.as_ref(), Some(&ben.id), "stored named");
}

#[test]
fn remote_backends_need_a_token_and_never_send_it_over_plain_http() {
    let home = tempfile::tempdir().unwrap();
    // For each backend: no key is refused naming the variable; a key is never sent over plain
    // http off this machine, and never printed.
    for (backend, var, https, http) in [
        (
            "kantata",
            "KANTATA_ACCESS_TOKEN",
            "https://api.mavenlink.com/api/v1",
            "http://api.example.com/api/v1",
        ),
        (
            "ruddr",
            "RUDDR_API_KEY",
            "https://www.ruddr.io/api/workspace",
            "http://ruddr.example.com/api/workspace",
        ),
    ] {
        let run = |key: Option<&str>, url: &str| {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_allot"));
            cmd.args(["--backend", backend, "--url", url])
                .env("ALLOT_DATA_DIR", home.path().join("data"))
                .env("ALLOT_CONFIG", home.path().join("config.toml"))
                .env_remove("KANTATA_ACCESS_TOKEN")
                .env_remove("RUDDR_API_KEY");
            if let Some(k) = key {
                cmd.env(var, k);
            }
            cmd.output().unwrap()
        };
        let out = run(None, https);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("needs an API token: set {var}")),
            "{err}"
        );
        let out = run(Some("s3cret-key"), http);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("refusing to send the API token over plain http"),
            "{err}"
        );
        assert!(!err.contains("s3cret-key"), "the key is never printed");
    }
}

#[test]
fn an_approver_staffs_a_request_on_kantata_through_the_sandbox() {
    use allot::client::Backend;
    let (rt, sandbox) = sandbox(allot::sandbox::Dialect::Kantata);
    let home = tempfile::tempdir().unwrap();
    let mut app = planner_on(&sandbox, home.path());
    // The whole frame, status bar included (a half-drawn frame can show the rows first).
    app.wait_for("the people and the backend's name", |s| {
        s.contains("● Aisha Rahman") && s.contains("kantata · Kantata OX")
    });
    app.send("3");
    app.wait_for_text("Request #5008");
    app.wait_for_text("soft → hard · Requested in #5008");
    app.send("a");
    app.wait_for_text("Who staffs it?");
    app.send("sofia");
    app.wait_for_text("Sofia Hernández (Analyst)");
    app.send("\r");
    app.wait_for_text("makes 1 allocation hard (131.2h) · cannot be undone in Kantata OX");
    app.send("y");
    app.wait_for_text("Request #5008 approved");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);

    // Saved in the store behind the sandbox: approved, and the resource staffed.
    let requests = rt.block_on(sandbox.backend().requests()).unwrap();
    let r = requests.iter().find(|r| r.id.as_str() == "5008").unwrap();
    assert_eq!(r.status, allot::domain::RequestStatus::Approved);
    let roster = rt.block_on(sandbox.backend().roster()).unwrap();
    let sofia = roster
        .people
        .iter()
        .find(|p| p.name == "Sofia Hernández")
        .unwrap();
    let staffed = roster
        .resources
        .iter()
        .find(|x| x.id == r.resource_id)
        .unwrap();
    assert_eq!(staffed.person_id.as_ref(), Some(&sofia.id));
}

#[test]
fn a_planner_moves_a_bar_on_ruddr_through_the_sandbox() {
    use allot::client::Backend;
    let (rt, sandbox) = sandbox(allot::sandbox::Dialect::Ruddr);
    let everything = allot::domain::DateRange::new(
        allot::domain::dates::parse_date("2000-01-01").unwrap(),
        allot::domain::dates::parse_date("2099-12-31").unwrap(),
    );
    let before = rt
        .block_on(sandbox.backend().allocations(everything))
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut app = planner_on(&sandbox, home.path());
    app.wait_for("the people and the workspace's name", |s| {
        s.contains("● Liam O'Connor") && s.contains("ruddr · Northwind Studio")
    });
    app.send("/liam\rl");
    app.wait_for_text("Liam O'Connor · week 48");
    app.send(" ");
    app.wait_for_text("▾Liam O'Connor");
    // Down onto Liam's first bar: the detail line (above the status bar) describes it.
    // The detail line: above the hint bar and the status bar.
    let detail = |screen: &str| screen.lines().rev().nth(2).unwrap_or("").to_string();
    app.send("j");
    let last = detail(&app.wait_for("a bar to be selected", |s| {
        detail(s).starts_with("Route Optimizer") && detail(s).contains("h/day")
    }));
    app.send(">");
    app.wait_for_text("Saved: move the allocation");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);

    // Saved through Ruddr's API: exactly one allocation moved a week later.
    let after = rt
        .block_on(sandbox.backend().allocations(everything))
        .unwrap();
    let moved: Vec<_> = after
        .iter()
        .filter(|a| !before.contains(a))
        .map(|a| {
            let old = before.iter().find(|b| b.id == a.id).expect("same id");
            (a.range.start - old.range.start).num_days()
        })
        .collect();
    assert_eq!(moved, vec![7], "{last}");
}

#[test]
fn a_message_cut_in_the_status_bar_points_to_the_log_which_shows_it_in_full() {
    let home = tempfile::tempdir().unwrap();
    let mut app = PtyApp::demo(home.path(), 80, 24, &[("NO_COLOR", "1")]);
    app.wait_for_text("● Aisha Rahman");
    // A bar that does not span the cursor's week cannot be split there: a long refusal.
    app.send("2");
    app.wait_for_text("week 48 (2026-11-23)");
    app.send("j\rjs");
    let screen = app.wait_for("the refusal, cut, pointing to the log", |s| {
        s.contains("✗ cannot split on 2026-11-23") && s.contains("(L log)")
    });
    assert!(!screen.contains("move the cursor with h/l"), "{screen}");
    app.send("L");
    let screen = app.wait_for_text("Messages, newest first");
    assert!(
        screen.contains("✗ #") && screen.contains("(move the cursor with h/l)"),
        "the whole refusal, wrapped:\n{screen}"
    );
    app.send("\x1b");
    app.wait_for("the log to close", |s| {
        !s.contains("Messages, newest first")
    });
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_planner_edits_a_prefilled_amount_with_home_and_ctrl_k_and_saves_it() {
    use allot::client::Backend;
    use unicode_width::UnicodeWidthStr;
    let home = tempfile::tempdir().unwrap();
    let mut app = PtyApp::demo(home.path(), 160, 40, &[("NO_COLOR", "1")]);
    app.wait_for_text("● Aisha Rahman");
    app.send("/hiroshi\rl");
    app.wait_for_text("Hiroshi Sato · week 48");
    app.send("n");
    app.wait_for_text("New allocation");
    app.send("\t\t\tline edit e2e\r");
    app.wait_for("the new bar", |s| {
        s.contains("2026-11-23 → 2026-11-29 · 6h/day · 18h total · hard · line edit e2e")
    });
    app.send("e");
    let screen = app.wait_for_text("Edit allocation");
    // The terminal cursor sits after the prefilled amount.
    let (row, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("│Amount"))
        .expect("the amount field");
    let value_col = (line[..line.find("│Amount").unwrap()].width() + 1 + 11) as u16;
    assert_eq!(
        app.cursor(),
        Some((row as u16, value_col + 2)),
        "after the 18:\n{screen}"
    );
    // Home (the selection goes, the cursor to the start), Ctrl-k (the rest goes), then 12.
    app.send("\x1b[H");
    app.wait_for("the cursor at the start", |_| {
        app.cursor() == Some((row as u16, value_col))
    });
    app.send("\x0b12");
    app.wait_for("the amount 12", |s| {
        s.lines().any(|l| l.contains("│Amount     12 "))
    });
    app.send("\r");
    app.wait_for("the edited bar", |s| {
        s.contains("2026-11-23 → 2026-11-29 · 4h/day · 12h total · hard · line edit e2e")
    });
    app.send("q");
    assert_eq!(app.wait_exit(), 0);

    let backend = allot::client::local::LocalBackend::open(&home.path().join("demo.db")).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let all = allot::domain::DateRange::new(
        allot::domain::dates::parse_date("2000-01-01").unwrap(),
        allot::domain::dates::parse_date("2100-01-01").unwrap(),
    );
    let stored = rt.block_on(backend.allocations(all)).unwrap();
    let edited: Vec<_> = stored
        .iter()
        .filter(|a| a.notes == "line edit e2e")
        .collect();
    assert_eq!(edited.len(), 1, "{edited:?}");
    assert_eq!(edited[0].amount, allot::domain::Amount::TotalMinutes(720));
}

#[test]
fn a_key_rebound_in_the_config_file_is_the_key_that_works() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "[keys.resources]\nfilter = \"f\"\n",
    )
    .unwrap();
    let mut app = PtyApp::demo(home.path(), 80, 24, &[]);
    let screen = app.wait_for_text("● Aisha Rahman");
    assert!(
        screen.contains("f filter"),
        "the hint bar names the new key:\n{screen}"
    );
    // `/` no longer starts a filter: had it, the `f` after it would be typed into it and
    // nothing would match "fLiam".
    app.send("/");
    app.send("f");
    app.send("Liam");
    let screen = app.wait_for("the filter to narrow the list", |s| s.contains(" 1 of 59"));
    assert!(screen.contains("Liam O'Connor"), "{screen}");
    app.send("\r");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}
