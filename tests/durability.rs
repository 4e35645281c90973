//! Nothing lost: the journal of unsent edits, the quit dialog, and what happens to unsaved edits
//! when allot stops (a quit, a signal, kill -9) and starts again.

mod common;

use allot::app::offer;
use allot::app::{Command, Effect, Msg, State, update};
use allot::client::BackendError;
use allot::journal::{Journal, workspace_key};
use allot::runtime::{dispatch_journaled, execute_effect, sync_journal};
use common::demo::{DemoApp, draw};

/// A loaded demo in the Gantt with the first bar selected.
fn on_a_bar() -> DemoApp {
    let mut app = DemoApp::new();
    app.act(Msg::Resize(120, 40));
    app.act(Command::ShowGantt);
    app.act(Command::MarkBar);
    app.act(Command::Down);
    assert!(app.state.selected_bar().is_some());
    app
}

fn screen(state: &State) -> String {
    let t = draw(state, 100, 30);
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn quit_with_nothing_unsaved_quits_at_once() {
    let mut app = on_a_bar();
    let effects = update(&mut app.state, Command::Quit);
    assert!(effects.is_empty());
    assert!(app.state.quit && !app.state.quit_dialog_open());
}

#[test]
fn quit_with_an_edit_in_flight_asks_counting_it_and_enter_keeps_it() {
    let mut app = on_a_bar();
    let sent = update(&mut app.state, Command::ShiftLater);
    assert!(matches!(sent.as_slice(), [Effect::Apply { .. }]));
    let effects = update(&mut app.state, Command::Quit);
    assert!(effects.is_empty(), "asking sends nothing");
    assert!(!app.state.quit && app.state.quit_dialog_open());
    let s = screen(&app.state);
    assert!(s.contains("1 unsaved edit: still being sent."), "{s}");
    assert!(s.contains("· move the allocation"), "names it:\n{s}");
    assert!(s.contains("Enter  quit, keep them for next start"), "{s}");
    update(&mut app.state, Command::KeepEdits);
    assert!(app.state.quit);
    assert_eq!(app.state.edits.queue.len(), 1, "kept for the journal");
}

#[test]
fn the_quit_dialog_gives_the_backends_reason_and_discard_drops_them() {
    let mut app = on_a_bar();
    let sent = update(&mut app.state, Command::ShiftLater);
    let Some(Effect::Apply { seq, .. }) = sent.first().cloned() else {
        panic!("a write")
    };
    update(
        &mut app.state,
        Msg::Applied {
            seq,
            result: Err(BackendError::Unavailable("could not reach Kantata".into())),
        },
    );
    // A second edit while the first waits; nothing is answered.
    update(&mut app.state, Command::ToggleHard);
    update(&mut app.state, Command::Quit);
    let s = screen(&app.state);
    assert!(
        s.contains("2 unsaved edits: could not reach Kantata."),
        "{s}"
    );
    update(&mut app.state, Command::DiscardEdits);
    assert!(app.state.quit && app.state.edits.queue.is_empty());
}

#[test]
fn the_dialog_quits_by_itself_when_everything_is_saved_while_it_is_open() {
    let mut app = on_a_bar();
    let sent = update(&mut app.state, Command::ShiftLater);
    update(&mut app.state, Command::Quit);
    assert!(app.state.quit_dialog_open() && !app.state.quit);
    // An older message on screen is no reason to stay: only a refusal of these writes is.
    app.state.error = Some("Could not load scheduled hours: busy".into());
    for effect in sent {
        let answer = app.rt.block_on(execute_effect(app.client.as_ref(), effect));
        update(&mut app.state, answer);
    }
    assert!(app.state.quit && !app.state.quit_dialog_open());
}

#[test]
fn wait_stays_and_quits_by_itself_once_saved_and_esc_stays() {
    let mut app = on_a_bar();
    let sent = update(&mut app.state, Command::ShiftLater);
    update(&mut app.state, Command::Quit);
    update(&mut app.state, Command::Back);
    assert!(!app.state.quit && !app.state.quit_dialog_open());
    update(&mut app.state, Command::Quit);
    update(&mut app.state, Command::WaitThenQuit);
    assert!(!app.state.quit && !app.state.quit_dialog_open() && app.state.quit_when_saved);
    for effect in sent {
        let answer = app.rt.block_on(execute_effect(app.client.as_ref(), effect));
        update(&mut app.state, answer);
    }
    assert!(app.state.quit, "saved, so it quit: {:?}", app.state.error);
}

fn journal_in(dir: &std::path::Path) -> Journal {
    Journal::open(
        &dir.join("journal.db"),
        &workspace_key("local", "demo.db", None),
    )
    .unwrap()
}

#[test]
fn an_edit_is_in_the_journal_before_it_is_applied_and_leaves_once_confirmed() {
    let mut app = on_a_bar();
    let jdir = tempfile::tempdir().unwrap();
    let mut journal = journal_in(jdir.path());
    let before = app.stored();
    // The runtime's dispatch: each effect is handed over only once the journal holds the edit.
    let mut effects = Vec::new();
    let watcher = journal_in(jdir.path());
    let failed = dispatch_journaled(
        &mut app.state,
        Command::ShiftLater,
        Some(&mut journal),
        |e| {
            assert_eq!(watcher.count().unwrap(), 1, "journaled before it is sent");
            effects.push(e);
        },
    );
    assert_eq!(failed, None);
    assert!(
        matches!(effects.as_slice(), [Effect::Apply { .. }]),
        "one write to send: {effects:?}"
    );
    assert_eq!(app.stored(), before, "not applied yet");
    // Another allot on the same workspace leaves a live run's edits alone.
    assert!(journal_in(jdir.path()).leftovers().unwrap().is_empty());
    for effect in effects {
        let answer = app.rt.block_on(execute_effect(app.client.as_ref(), effect));
        update(&mut app.state, answer);
        sync_journal(Some(&mut journal), &app.state);
    }
    assert_ne!(app.stored(), before, "applied");
    assert_eq!(journal.count().unwrap(), 0, "confirmed, so gone");
}

/// An edit made in one session, kept in the journal when allot stopped with it in flight.
fn kept_from_a_session(jdir: &std::path::Path, app: &mut DemoApp) -> Vec<Effect> {
    let mut journal = journal_in(jdir);
    let effects = update(&mut app.state, Command::ShiftLater);
    sync_journal(Some(&mut journal), &app.state);
    effects
}

/// A second session on the same store, offered the leftovers, loaded.
fn next_session(jdir: &std::path::Path, app: &DemoApp) -> (DemoApp, Journal) {
    let backend =
        allot::client::local::LocalBackend::open(&app.dir.path().join("demo.db")).unwrap();
    let mut next = DemoApp::with_backend(backend);
    let mut journal = journal_in(jdir);
    let left = journal.leftovers().unwrap();
    offer::offer_leftovers(&mut next.state, left);
    next.act(Msg::Start); // as the runtime starts
    sync_journal(Some(&mut journal), &next.state);
    (next, journal)
}

#[test]
fn a_leftover_that_never_landed_is_sent_once_on_enter() {
    let mut first = on_a_bar();
    let Some(id) = first.state.selected_bar().cloned() else {
        panic!()
    };
    let was = first.stored().into_iter().find(|a| a.id == id).unwrap();
    let jdir = tempfile::tempdir().unwrap();
    let _lost = kept_from_a_session(jdir.path(), &mut first); // never run: allot died
    let (mut next, mut journal) = next_session(jdir.path(), &first);
    let kept = &next.state.offer.as_ref().expect("offered").writes;
    assert!(kept.len() == 1 && kept[0].unknown, "in flight, so unknown");
    let s = screen(&next.state);
    assert!(
        s.contains("1 edit from your last session was not saved: allot stopped while it"),
        "{s}"
    );
    assert_eq!(journal.count().unwrap(), 1, "still kept while offered");
    next.act(Command::SendEdits);
    sync_journal(Some(&mut journal), &next.state);
    let now = next.stored().into_iter().find(|a| a.id == id).unwrap();
    assert_eq!(
        (now.range.start - was.range.start).num_days(),
        7,
        "moved once"
    );
    assert_eq!(journal.count().unwrap(), 0);
    assert!(next.state.offer.is_none() && next.state.error.is_none());
}

#[test]
fn a_leftover_whose_answer_was_lost_but_landed_is_not_sent_again() {
    let mut first = on_a_bar();
    let Some(id) = first.state.selected_bar().cloned() else {
        panic!()
    };
    let was = first.stored().into_iter().find(|a| a.id == id).unwrap();
    let jdir = tempfile::tempdir().unwrap();
    // It reached the store, but allot died before it heard so.
    for effect in kept_from_a_session(jdir.path(), &mut first) {
        first
            .rt
            .block_on(execute_effect(first.client.as_ref(), effect));
    }
    let (mut next, mut journal) = next_session(jdir.path(), &first);
    next.act(Command::SendEdits);
    sync_journal(Some(&mut journal), &next.state);
    let now = next.stored().into_iter().find(|a| a.id == id).unwrap();
    assert_eq!(
        (now.range.start - was.range.start).num_days(),
        7,
        "not twice"
    );
    assert!(
        next.state
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("had already been saved")),
        "{:?}",
        next.state.notice
    );
    assert_eq!(journal.count().unwrap(), 0);
}

#[test]
fn a_stale_leftover_is_refused_by_the_backend_instead_of_overwriting() {
    let mut first = on_a_bar();
    let Some(id) = first.state.selected_bar().cloned() else {
        panic!()
    };
    let jdir = tempfile::tempdir().unwrap();
    let _lost = kept_from_a_session(jdir.path(), &mut first);
    // Meanwhile someone else changes the same allocation.
    let backend =
        allot::client::local::LocalBackend::open(&first.dir.path().join("demo.db")).unwrap();
    let mut other = DemoApp::with_backend(backend);
    other.act(Msg::Resize(120, 40));
    other.act(Command::ShowGantt);
    other.act(Command::MarkBar);
    other.act(Command::Down);
    other.act(Command::ToggleHard);
    assert!(other.state.error.is_none());
    let theirs = other.stored().into_iter().find(|a| a.id == id).unwrap();
    let (mut next, _journal) = next_session(jdir.path(), &first);
    next.act(Command::SendEdits);
    let e = next.state.error.clone().expect("refused");
    assert!(e.contains("changed elsewhere"), "{e}");
    let now = next.stored().into_iter().find(|a| a.id == id).unwrap();
    assert_eq!(now, theirs, "their change stands");
}

#[test]
fn discarding_leftovers_is_explicit_and_names_them() {
    let mut first = on_a_bar();
    let jdir = tempfile::tempdir().unwrap();
    let _lost = kept_from_a_session(jdir.path(), &mut first);
    let (mut next, mut journal) = next_session(jdir.path(), &first);
    next.act(Command::DiscardEdits);
    sync_journal(Some(&mut journal), &next.state);
    let n = next.state.notice.clone().unwrap_or_default();
    assert!(
        n.starts_with("Discarded 1 edit: move the allocation"),
        "{n}"
    );
    assert_eq!(journal.count().unwrap(), 0);
}

#[test]
fn the_journal_key_never_holds_a_password_or_query() {
    let key = workspace_key(
        "kantata",
        "https://me:hunter2@api.example.com/api/v1?api_key=s3cret#x",
        Some("42"),
    );
    assert_eq!(key, "kantata https://api.example.com/api/v1 42");
}

// ---- End to end: the real binary in a PTY against the in-process sandbox. ----

use allot::domain::Allocation;
use allot::sandbox::{Dialect, FaultConfig, Sandbox};
use common::PtyApp;
use common::sandbox::{planner_on, sandbox, stored, wait_until};
use std::time::Duration;

/// Waits (with a deadline) until the server's records satisfy `pred`.
fn wait_server(
    rt: &tokio::runtime::Runtime,
    sandbox: &Sandbox,
    what: &str,
    pred: impl Fn(&[Allocation]) -> bool,
) -> Vec<Allocation> {
    wait_until(what, || pred(&stored(rt, sandbox)));
    stored(rt, sandbox)
}

/// How far (in days) each allocation that changed moved, against `before`.
fn moves(before: &[Allocation], after: &[Allocation]) -> Vec<i64> {
    after
        .iter()
        .filter(|a| !before.contains(a))
        .map(|a| {
            let old = before.iter().find(|b| b.id == a.id).expect("same id");
            (a.range.start - old.range.start).num_days()
        })
        .collect()
}

/// Opens the Gantt on Liam's first bar (the detail line names it).
fn select_a_bar(app: &mut PtyApp) {
    app.wait_for("the people and the backend", |s| {
        s.contains("● Liam O'Connor") && s.contains("kantata · Kantata OX")
    });
    // Every first load over (scheduled hours take a few pages), so the status bar shows the
    // write the test sends, not a load still under way.
    app.wait_for("the first loads to finish", |s| !s.contains("⟳ loading"));
    app.send("/liam\rl");
    app.wait_for_text("Liam O'Connor · week 48");
    app.send(" ");
    app.wait_for_text("▾Liam O'Connor");
    app.send("j");
    // The detail line: above the hint bar and the status bar.
    let detail = |screen: &str| screen.lines().rev().nth(2).unwrap_or("").to_string();
    app.wait_for("a bar to be selected", |s| detail(s).contains("h/day"));
}

fn down() -> FaultConfig {
    // Every connection closed unanswered and nothing handled: as good as gone.
    FaultConfig {
        drop_rate: 1.0,
        ..FaultConfig::none()
    }
}

/// Starts allot again on the same store: the edit is offered back, Enter sends it, and allot
/// quits at once afterwards (nothing unsaved).
fn restart_and_send(
    rt: &tokio::runtime::Runtime,
    sandbox: &Sandbox,
    home: &std::path::Path,
    before: &[Allocation],
) {
    let mut again = planner_on(sandbox, home);
    again.wait_for_text("1 edit from your last session was not saved");
    again.send("\r");
    wait_server(rt, sandbox, "the edit to land", |now| {
        !moves(before, now).is_empty()
    });
    again.wait_for("the offer to close", |s| !s.contains("Unsaved edits"));
    // "Sending … again" gives way to saying it is saved, once it is.
    again.wait_for_text("Saved: 1 edit from your last session");
    again.send("q");
    assert_eq!(again.wait_exit(), 0, "{}", again.screen());
    assert_eq!(moves(before, &stored(rt, sandbox)), vec![7], "landed once");
}

#[test]
fn with_the_sandbox_down_quit_asks_keep_keeps_and_the_next_start_lands_it_once() {
    let (rt, sandbox) = sandbox(Dialect::Kantata);
    let before = stored(&rt, &sandbox);
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let mut app = planner_on(&sandbox, home);
    select_a_bar(&mut app);
    sandbox.faults().set(down());
    // The detail line: above the hint bar and the status bar.
    let detail = |screen: &str| screen.lines().rev().nth(2).unwrap_or("").to_string();
    let was = detail(&app.screen());
    app.send(">");
    // The bar moved on screen (the status bar may be showing the retries instead of a notice).
    app.wait_for("the bar to move", |s| detail(s) != was);
    app.send("q");
    let screen = app.wait_for_text("1 unsaved edit:");
    assert!(screen.contains("· move the allocation on"), "{screen}");
    app.send("\r");
    assert_eq!(app.wait_exit(), 0);
    assert_eq!(stored(&rt, &sandbox), before, "nothing reached the server");

    sandbox.faults().clear();
    restart_and_send(&rt, &sandbox, home, &before);
}

#[test]
fn sighup_sigterm_or_kill_9_with_a_write_in_flight_keeps_it_and_the_next_start_lands_it_once() {
    for (signal, code) in [("HUP", Some(129)), ("TERM", Some(143)), ("KILL", None)] {
        let (rt, sandbox) = sandbox(Dialect::Kantata);
        let before = stored(&rt, &sandbox);
        let home = tempfile::tempdir().unwrap();
        let mut app = planner_on(&sandbox, home.path());
        select_a_bar(&mut app);
        sandbox.faults().set(FaultConfig {
            latency: Duration::from_secs(5),
            ..FaultConfig::none()
        });
        app.send(">");
        app.wait_for_text("⟳ saving");
        app.signal(signal);
        let exit = app.wait_exit();
        if let Some(code) = code {
            assert_eq!(exit, code, "SIG{signal} exits non-zero");
        }
        sandbox.faults().clear();
        // The write may or may not have landed after allot went: the next start tells.
        let landed = moves(&before, &stored(&rt, &sandbox));
        restart_and_send_or_skip(&rt, &sandbox, home.path(), &before, landed.is_empty());
    }
}

/// Like [`restart_and_send`], but when the write already landed the offer must say so and
/// send nothing (the server keeps exactly one move).
fn restart_and_send_or_skip(
    rt: &tokio::runtime::Runtime,
    sandbox: &Sandbox,
    home: &std::path::Path,
    before: &[Allocation],
    not_landed: bool,
) {
    if not_landed {
        return restart_and_send(rt, sandbox, home, before);
    }
    let mut again = planner_on(sandbox, home);
    again.wait_for_text("1 edit from your last session was not saved");
    again.send("\r");
    again.wait_for_text("had already been saved");
    again.send("q");
    assert_eq!(again.wait_exit(), 0, "{}", again.screen());
    assert_eq!(moves(before, &stored(rt, sandbox)), vec![7], "landed once");
}

#[test]
fn a_create_whose_answer_is_lost_lands_exactly_once() {
    // Dropped: the request was never handled. Truncated: handled, the answer cut off.
    for fault in ["drop", "truncate"] {
        let (rt, sandbox) = sandbox(Dialect::Kantata);
        let home = tempfile::tempdir().unwrap();
        let mut app = planner_on(&sandbox, home.path());
        select_a_bar(&mut app);
        let note = format!("lost answer {fault}");
        app.send("n");
        app.wait_for_text("New allocation");
        app.send("\t\t\t");
        app.send(&note);
        sandbox.faults().set(FaultConfig {
            drop_rate: if fault == "drop" { 1.0 } else { 0.0 },
            truncate_rate: if fault == "truncate" { 1.0 } else { 0.0 },
            ..FaultConfig::none()
        });
        app.send("\r");
        app.wait_for_text("1 edit may not have been saved");
        sandbox.faults().clear();
        app.send("\r");
        let count = |now: &[Allocation]| now.iter().filter(|a| a.notes == note).count();
        wait_server(&rt, &sandbox, "the create", |now| count(now) >= 1);
        app.wait_for("the offer to close and the write to be answered", |s| {
            !s.contains("Unsaved edits") && !s.contains("⟳ saving")
        });
        app.send("q");
        assert_eq!(app.wait_exit(), 0, "{}", app.screen());
        assert_eq!(count(&stored(&rt, &sandbox)), 1, "{fault}: exactly once");
    }
}

#[test]
fn q_on_the_offer_quits_at_once_and_keeps_the_leftovers() {
    let mut first = on_a_bar();
    let jdir = tempfile::tempdir().unwrap();
    let _lost = kept_from_a_session(jdir.path(), &mut first);
    let (mut next, mut journal) = next_session(jdir.path(), &first);
    update(&mut next.state, Command::Quit);
    assert!(next.state.quit && !next.state.quit_dialog_open());
    sync_journal(Some(&mut journal), &next.state);
    assert_eq!(journal.count().unwrap(), 1, "kept for the next start");
}

#[test]
fn a_journal_that_cannot_be_opened_names_its_path_and_a_failed_sync_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let path = file.join("journal.db");
    let e = Journal::open(&path, "k").err().expect("refused");
    assert!(e.contains(path.to_str().unwrap()), "{e}");
    let mut s = on_a_bar();
    update(&mut s.state, Msg::JournalFailed(e.clone()));
    let shown = s.state.error.clone().unwrap();
    assert!(
        shown.starts_with(&e) && shown.contains("not kept if allot stops"),
        "{shown}"
    );
}

/// Just the dialog, drawn on an empty 80x24 screen (the views under it have their own tests).
fn dialog(state: &State, offer: bool) -> ratatui::Terminal<ratatui::backend::TestBackend> {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    let theme = allot::ui::theme::Theme::new(allot::app::ThemeKind::Mono);
    t.draw(|f| {
        let area = f.area();
        match (&state.offer, offer) {
            (Some(o), true) => allot::ui::quit::render_offer(state, o, &theme, f, area),
            _ => allot::ui::quit::render_quit(state, &theme, f, area),
        }
    })
    .unwrap();
    t
}

#[test]
fn quit_dialog_80x24() {
    let mut app = on_a_bar();
    let sent = update(&mut app.state, Command::ShiftLater);
    let Some(Effect::Apply { seq, .. }) = sent.first().cloned() else {
        panic!("a write")
    };
    let why = "could not reach Kantata (workspace_allocations): connection refused";
    update(
        &mut app.state,
        Msg::Applied {
            seq,
            result: Err(BackendError::Unavailable(why.into())),
        },
    );
    update(&mut app.state, Command::ToggleHard);
    update(&mut app.state, Command::Quit);
    insta::assert_snapshot!("quit_dialog_80x24", dialog(&app.state, false).backend());
}

#[test]
fn offer_dialog_80x24() {
    let mut first = on_a_bar();
    let jdir = tempfile::tempdir().unwrap();
    let _lost = kept_from_a_session(jdir.path(), &mut first);
    let (next, _journal) = next_session(jdir.path(), &first);
    insta::assert_snapshot!("offer_dialog_80x24", dialog(&next.state, true).backend());
}
