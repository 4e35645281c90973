//! Editing against the real store: any sequence of edits followed by as many undos leaves the
//! store as it was, and the screen showing just that.

mod common;

use allot::app::{Command, Msg};
use allot::client::Backend;
use allot::domain::{Allocation, Amount, Id};
use common::demo::DemoApp;
use proptest::prelude::*;

/// Allocations as content, ignoring ids and versions (a re-created allocation gets a new id).
fn content(allocs: impl IntoIterator<Item = Allocation>) -> Vec<String> {
    let mut v: Vec<String> = allocs
        .into_iter()
        .map(|a| {
            format!(
                "{}|{:?}|{:?}|{}|{}",
                a.resource_id, a.range, a.amount, a.hard, a.notes
            )
        })
        .collect();
    v.sort();
    v
}

/// What is only in `a`, and what is only in `b`.
fn diff(a: &[String], b: &[String]) -> (Vec<String>, Vec<String>) {
    let only = |x: &[String], y: &[String]| x.iter().filter(|s| !y.contains(s)).cloned().collect();
    (only(a, b), only(b, a))
}

#[derive(Clone, Debug)]
enum Op {
    Shift(i64),
    Stretch(i64),
    ToggleHard,
    Split(usize),
    Delete,
    Create,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        prop_oneof![Just(-1i64), Just(1)].prop_map(Op::Shift),
        prop_oneof![Just(-1i64), Just(1)].prop_map(Op::Stretch),
        Just(Op::ToggleHard),
        (0usize..20).prop_map(Op::Split),
        Just(Op::Delete),
        Just(Op::Create),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn any_edits_then_as_many_undos_restore_screen_and_store(
        ops in prop::collection::vec((op(), 0usize..1000, prop_oneof![Just(Command::ZoomIn), Just(Command::ZoomOut), Just(Command::Later)]), 1..12),
    ) {
        let mut app = DemoApp::new();
        let store_before = content(app.stored());
        app.act(Msg::Resize(120, 40));
        app.act(Command::ShowGantt);
        for _ in 0..6 {
            app.act(Command::MarkBar);
            app.act(Command::Down);
            while app.state.selected_gantt_row().is_some_and(|r| !r.is_parent()) {
                app.act(Command::Down);
            }
        }
        for (op, pick, move_key) in ops {
            app.act(move_key);
            let bars: Vec<(usize, Id)> = app.state.gantt.layout.lanes.iter().enumerate()
                .flat_map(|(i, l)| l.bars.iter().map(move |b| (i, b.clone()))).collect();
            prop_assume!(!bars.is_empty());
            let (row, bar) = bars[pick % bars.len()].clone();
            app.state.gantt.selected = row;
            app.state.gantt.bar = Some(bar);
            match op {
                Op::Shift(n) => app.act(if n < 0 { Command::ShiftEarlier } else { Command::ShiftLater }),
                Op::Stretch(n) => app.act(if n < 0 { Command::EndEarlier } else { Command::EndLater }),
                Op::ToggleHard => app.act(Command::ToggleHard),
                Op::Split(days) => {
                    for _ in 0..days % 5 { app.act(Command::Later); }
                    app.act(Command::Split);
                }
                Op::Delete => { app.act(Command::DeleteAllocations); app.act(Command::Yes); }
                Op::Create => { app.act(Command::NewAllocation); app.act(Command::Submit); }
            }
            prop_assert!(app.state.form().is_none() || app.state.form().is_some_and(|f| !f.errors.is_empty()));
            app.state.overlay = None;
            app.state.error = None;
        }
        // The edits reached the store before they are undone: what it holds is what the
        // screen shows (a pipeline that saved nothing would fail here).
        let window = app.state.window;
        let on_screen = |app: &DemoApp| content(app.state.ws.allocations.values().filter(|a| a.range.overlaps(&window)).cloned());
        let in_store = |app: &DemoApp| content(app.stored().into_iter().filter(|a| a.range.overlaps(&window)));
        prop_assert!(app.state.edits.queue.is_empty(), "every write answered");
        let (screen, store) = (on_screen(&app), in_store(&app));
        prop_assert!(screen == store, "edits not in the store: {:?}", diff(&screen, &store));
        let edits = app.state.edits.undo.len();
        for _ in 0..edits {
            app.act(Command::Undo);
            prop_assert!(app.state.error.is_none(), "undo refused: {:?}", app.state.error);
        }
        let store = content(app.stored());
        prop_assert!(store == store_before, "store differs: {:?}", diff(&store, &store_before));
        // In the loaded window, the screen shows exactly the store's allocations. (A bar moved
        // out of the window stays in memory for the history, but is not drawn.)
        let (screen, expected) = (on_screen(&app), in_store(&app));
        prop_assert!(screen == expected, "screen differs: {:?}", diff(&screen, &expected));
    }
}

#[test]
fn two_processes_see_each_others_edits_and_a_stale_edit_is_refused() {
    let mut a = DemoApp::new();
    let path = a.dir.path().join("demo.db");
    // A second app on the same file.
    let backend = allot::client::local::LocalBackend::open(&path).unwrap();
    let mut b = DemoApp::with_backend(backend);
    for app in [&mut a, &mut b] {
        app.act(Msg::Resize(120, 40));
        app.act(Command::ShowGantt);
        app.act(Command::MarkBar);
        app.act(Command::Down);
    }
    let Some(id) = a.state.selected_bar().cloned() else {
        panic!("a bar")
    };
    assert_eq!(b.state.selected_bar(), Some(&id));
    a.act(Command::ShiftLater);
    assert!(a.state.error.is_none());
    // b has not reloaded: its edit of the same bar is stale and refused, nothing overwritten.
    b.act(Command::ToggleHard);
    let e = b.state.error.clone().expect("refused");
    assert!(e.contains("changed elsewhere"), "{e}");
    let moved = a.state.ws.allocations[&id].clone();
    assert_eq!(
        b.stored().into_iter().find(|x| x.id == id).unwrap().range,
        moved.range
    );
    // The next idle check sees the other process's write and reloads.
    b.act(Msg::Tick);
    assert_eq!(b.state.ws.allocations[&id].range, moved.range);
    assert_eq!(
        b.state.notice.as_deref(),
        Some("Changed elsewhere: reloaded")
    );
}

#[test]
fn a_write_by_another_process_right_after_start_up_is_noticed() {
    let a = DemoApp::new();
    let path = a.dir.path().join("demo.db");
    let mut b = DemoApp::with_backend(allot::client::local::LocalBackend::open(&path).unwrap());
    b.act(Msg::Resize(120, 40));
    b.act(Command::ShowGantt);
    b.act(Command::MarkBar);
    b.act(Command::Down);
    let Some(id) = b.state.selected_bar().cloned() else {
        panic!("a bar")
    };
    // Before b's first idle check, the other process changes that bar.
    let mine = a.stored().into_iter().find(|x| x.id == id).unwrap();
    let theirs =
        a.rt.block_on(a.backend.update_allocation(Allocation {
            notes: "written by the other process".into(),
            ..mine
        }))
        .unwrap();
    b.act(Msg::Tick);
    assert_eq!(
        b.state.notice.as_deref(),
        Some("Changed elsewhere: reloaded")
    );
    assert_eq!(b.state.ws.allocations[&id].notes, theirs.notes);
    assert_eq!(b.state.ws.allocations[&id].version, theirs.version);
}

#[test]
fn a_created_allocation_is_stored_with_minutes() {
    let mut app = DemoApp::new();
    app.act(Msg::Resize(120, 40));
    app.act(Command::ShowGantt);
    let before = app.stored().len();
    app.act(Command::NewAllocation);
    app.act(Command::Submit);
    assert!(
        app.state.form().is_none(),
        "{:?}",
        app.state.form().map(|f| &f.errors)
    );
    let stored = app.stored();
    assert_eq!(stored.len(), before + 1);
    let new = stored.iter().max_by_key(|a| a.id.as_number()).unwrap();
    assert!(matches!(new.amount, Amount::TotalMinutes(_)));
    assert!(
        app.state.ws.allocations.contains_key(&new.id),
        "the screen knows the store's id"
    );
}

#[test]
fn two_processes_renaming_one_resource_do_not_overwrite_each_other() {
    use allot::app::edit::{LocalChange, commit};
    let mut a = DemoApp::new();
    let path = a.dir.path().join("demo.db");
    let mut b = DemoApp::with_backend(allot::client::local::LocalBackend::open(&path).unwrap());
    let id = a
        .state
        .ws
        .resources
        .values()
        .filter(|r| !r.is_unnamed())
        .map(|r| r.id.clone())
        .min()
        .unwrap();
    let rename = |app: &mut DemoApp, label: &str| {
        let from = app.state.ws.resources[&id].clone();
        let to = allot::domain::Resource {
            label: label.into(),
            ..from.clone()
        };
        let effects = commit(
            &mut app.state,
            format!("rename to {label}"),
            vec![LocalChange::UpdateResource { from, to }],
        );
        app.run(effects);
    };
    let stored = |app: &DemoApp| {
        app.rt
            .block_on(app.backend.roster())
            .unwrap()
            .resources
            .into_iter()
            .find(|r| r.id == id)
            .unwrap()
            .label
    };
    rename(&mut a, "Mine");
    assert!(a.state.error.is_none(), "{:?}", a.state.error);
    assert_eq!(stored(&a), "Mine");
    // b read the resource before a's rename: its rename is refused, nothing overwritten.
    rename(&mut b, "Theirs");
    let e = b.state.error.clone().expect("refused");
    assert!(e.contains("was changed elsewhere since it was read"), "{e}");
    assert!(e.contains("Nothing was changed"), "{e}");
    assert_eq!(stored(&b), "Mine");
    assert!(b.state.edits.undo.is_empty(), "taken back");
    // Once b has reloaded, its rename goes through; and a's undo is refused in turn.
    b.act(Command::Refresh);
    rename(&mut b, "Theirs");
    assert!(b.state.error.is_none(), "{:?}", b.state.error);
    assert_eq!(stored(&a), "Theirs");
    a.act(Command::Undo);
    assert!(
        a.state.error.is_some(),
        "a's undo would overwrite b's rename"
    );
    assert_eq!(stored(&a), "Theirs");
}
