//! The mouse end to end: the built binary in a pseudo-terminal receives real SGR mouse
//! sequences (press, drag, release) and a bar moves in the store (issue 16).

mod common;

use allot::client::Backend;
use allot::domain::dates::{add_days, parse_date};
use allot::domain::{Allocation, DateRange};
use common::PtyApp;

fn stored(db: &std::path::Path) -> Vec<Allocation> {
    let backend = allot::client::local::LocalBackend::open(db).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let all = DateRange::new(
        parse_date("2000-01-01").unwrap(),
        parse_date("2100-01-01").unwrap(),
    );
    rt.block_on(backend.allocations(all)).unwrap()
}

/// SGR mouse report (1-based column and row): `M` presses or drags, `m` releases.
fn sgr(button: u8, x: usize, y: usize, end: char) -> String {
    format!("\x1b[<{button};{};{}{end}", x + 1, y + 1)
}

/// The first "start → end" on the detail line (the line above the hint bar).
fn detail_start(screen: &str) -> Option<String> {
    let lines: Vec<&str> = screen.lines().collect();
    let detail = lines.get(lines.len().checked_sub(3)?)?;
    let at = detail.find(" → ")?;
    detail.get(at.checked_sub(10)?..at).map(str::to_string)
}

#[test]
fn dragging_a_bar_with_the_mouse_moves_it_in_the_store() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("demo.db");
    let mut app = PtyApp::demo(home.path(), 80, 24, &[]);
    app.wait_for_text("● Aisha Rahman");
    // The second person expanded into their lines of bars.
    app.send("2");
    app.wait_for_text("week 48 (2026-11-23)");
    app.send("j\r");
    let screen = app.wait_for("a lane", |s| {
        s.lines()
            .nth(5)
            .is_some_and(|l| l.starts_with("  ") && l.contains('█'))
    });
    let before = stored(&db);
    // A solid cell with another after it (the last cell would drag the bar's end instead).
    let lane: Vec<char> = screen.lines().nth(5).unwrap().chars().collect();
    let x = (21..lane.len() - 1)
        .find(|&i| lane[i] == '█' && lane[i + 1] == '█')
        .expect("a bar on the lane");
    app.send(&sgr(0, x, 5, 'M'));
    app.send(&sgr(0, x, 5, 'm'));
    let screen = app.wait_for("the clicked bar in the detail line", |s| {
        detail_start(s).is_some()
    });
    let from = parse_date(&detail_start(&screen).unwrap()).unwrap();
    // A click on the header between, so the next press is not a double-click (which edits).
    app.send(&sgr(0, x, 2, 'M'));
    app.send(&sgr(0, x, 2, 'm'));
    // Press, drag a week (6 columns) later, release: one move.
    app.send(&sgr(0, x, 5, 'M'));
    app.send(&sgr(32, x + 3, 5, 'M'));
    app.send(&sgr(32, x + 6, 5, 'M'));
    app.send(&sgr(0, x + 6, 5, 'm'));
    let to = add_days(from, 7).format("%Y-%m-%d").to_string();
    app.wait_for("the bar a week later", |s| {
        detail_start(s).as_deref() == Some(to.as_str())
    });
    app.wait_for("the move saved", |s| !s.contains("saving"));
    app.send("q");
    assert_eq!(app.wait_exit(), 0);

    let after = stored(&db);
    let moved: Vec<(&Allocation, &Allocation)> = before
        .iter()
        .filter_map(|b| after.iter().find(|a| a.id == b.id).map(|a| (b, a)))
        .filter(|(b, a)| b.range != a.range)
        .collect();
    assert_eq!(moved.len(), 1, "one bar moved: {moved:?}");
    let (b, a) = moved[0];
    assert_eq!(b.range.start, from);
    assert_eq!(a.range.start, add_days(from, 7));
    assert_eq!(before.len(), after.len());
}

/// Whether the app asked the terminal for mouse reports (and, on quitting, stopped them).
fn asks_for_mouse(extra: &[&str]) -> (bool, bool) {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("demo.db");
    let mut args = vec![
        "--demo",
        "--today",
        "2026-11-23",
        "--db",
        db.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let mut app = PtyApp::spawn(&args, 80, 24, home.path(), &[]);
    app.wait_for_text("● Aisha Rahman");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
    let out = String::from_utf8_lossy(&app.output()).to_string();
    let on = out.find("\x1b[?1000h");
    let off = out.rfind("\x1b[?1000l");
    (on.is_some(), on.zip(off).is_some_and(|(a, b)| b > a))
}

#[test]
fn the_mouse_is_captured_by_default_released_on_exit_and_off_with_no_mouse() {
    assert_eq!(asks_for_mouse(&[]), (true, true));
    assert!(
        !asks_for_mouse(&["--no-mouse"]).0,
        "no mouse reports asked for"
    );
}
