//! Frame and index benchmarks on the synthetic workspace (2,000 resources, 100,000 allocations
//! over two years), against DESIGN.md's budget:
//! Gantt frame at 200x60 ≤ 1 ms, Resources frame ≤ 0.5 ms, load index from scratch ≤ 200 ms;
//! and seeding that workspace into a fresh store.
//!
//! `cargo bench --bench frames`

use allot::app::{Command, Msg, State, update};
use allot::client::BackendKind;
use allot::client::local::demo::synthetic;
use allot::domain::dates::parse_date;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;

fn large_state() -> State {
    let today = parse_date("2026-11-23").unwrap();
    let data = synthetic(today, 2_000, 100_000);
    let mut state = State::new(today, BackendKind::Local, "bench");
    update(&mut state, Msg::Resize(200, 60));
    update(&mut state, Msg::Start);
    let window = state.window;
    update(&mut state, Msg::RosterLoaded(Ok(data.roster)));
    update(
        &mut state,
        Msg::AllocationsLoaded {
            window,
            result: Ok(data.allocations),
        },
    );
    update(&mut state, Msg::RequestsLoaded(Ok(data.requests)));
    assert!(state.error.is_none());
    state
}

/// One frame: render into the back buffer, diff against the last frame, flush to the backend.
/// Alternating the selection makes every frame differ, as moving through the list does.
fn frame_bench(c: &mut Criterion, name: &str, mut state: State, w: u16, h: u16) {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| allot::ui::render(&state, f)).unwrap();
    let mut down = true;
    c.bench_function(name, |b| {
        b.iter(|| {
            update(&mut state, if down { Command::Down } else { Command::Up });
            down = !down;
            terminal
                .draw(|f| allot::ui::render(black_box(&state), f))
                .unwrap();
        })
    });
}

/// Render and diff only: `states` drawn in turn, so every frame differs and no reducer runs.
fn draw_bench(c: &mut Criterion, name: &str, states: [State; 2], w: u16, h: u16) {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut i = 0;
    c.bench_function(name, |b| {
        b.iter(|| {
            i = 1 - i;
            terminal
                .draw(|f| allot::ui::render(black_box(&states[i]), f))
                .unwrap();
        })
    });
}

fn frames(c: &mut Criterion) {
    let state = large_state();
    let mut gantt = state.clone();
    update(&mut gantt, Command::ShowGantt);
    frame_bench(c, "gantt_frame_200x60_week", gantt.clone(), 200, 60);
    update(&mut gantt, Command::ZoomOut);
    frame_bench(c, "gantt_frame_200x60_month", gantt.clone(), 200, 60);
    update(&mut gantt, Command::ZoomIn);
    update(&mut gantt, Command::ZoomIn);
    frame_bench(c, "gantt_frame_200x60_day", gantt, 200, 60);
    let mut resources = state.clone();
    update(&mut resources, Command::ShowResources);
    frame_bench(c, "resources_frame_200x60", resources, 200, 60);
    // The queue with the selected request's impact and ranked candidates in the pane.
    let mut requests = state.clone();
    update(&mut requests, Command::ShowRequests);
    frame_bench(c, "requests_frame_200x60", requests.clone(), 200, 60);
    // The frame alone: two selections worked out by the reducer beforehand, drawn in turn.
    let mut next = requests.clone();
    update(&mut next, Command::Down);
    draw_bench(c, "requests_draw_200x60", [requests, next], 200, 60);

    let window = state.window;
    let mut ws = state.ws.clone();
    let mut group = c.benchmark_group("index");
    group.sample_size(10);
    group.bench_function("load_index_from_scratch_100k", |b| {
        b.iter(|| ws.rebuild_index(black_box(window)))
    });
    group.finish();
}

/// One edit through `update()`: the optimistic change, the incremental load-index update, the
/// history, and the backend's confirmation. Budget: ≤ 200 µs at 100,000 allocations.
/// The large workspace in the Gantt with the first person's first bar selected.
fn on_a_bar() -> (State, allot::domain::Id) {
    let mut state = large_state();
    update(&mut state, Command::ShowGantt);
    update(&mut state, Command::MarkBar);
    update(&mut state, Command::Down);
    let Some(id) = state.selected_bar().cloned() else {
        panic!("a bar to edit")
    };
    (state, id)
}

fn edits(c: &mut Criterion) {
    use allot::app::Effect;
    use allot::client::Applied;
    let (mut state, id) = on_a_bar();
    let mut right = true;
    c.bench_function("edit_shift_through_update_100k", |b| {
        b.iter(|| {
            let effects = update(&mut state, shift(right));
            right = !right;
            let Some(Effect::Apply { seq, .. }) = effects.first() else {
                panic!("a write")
            };
            let mut confirmed = state.ws.allocations[&id].clone();
            confirmed.version += 1;
            update(
                &mut state,
                Msg::Applied {
                    seq: *seq,
                    result: Ok(vec![Applied::Updated(confirmed)]),
                },
            );
        })
    });
}

/// The same edit through the runtime's dispatch with the journal of unsent edits: the write is
/// committed to disk before it is sent, and removed once confirmed (two SQLite commits with
/// `synchronous=FULL`, so this measures the disk as much as allot).
fn journaled_edits(c: &mut Criterion) {
    use allot::app::Effect;
    use allot::client::Applied;
    use allot::journal::Journal;
    use allot::runtime::dispatch_journaled;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut journal = Journal::open(&dir.path().join("journal.db"), "bench").expect("a journal");
    let (mut state, id) = on_a_bar();
    let mut right = true;
    c.bench_function("edit_shift_journaled_100k", |b| {
        b.iter(|| {
            let mut effects = Vec::new();
            dispatch_journaled(&mut state, shift(right), Some(&mut journal), |e| {
                effects.push(e)
            });
            right = !right;
            let Some(Effect::Apply { seq, .. }) = effects.first() else {
                panic!("a write")
            };
            let mut confirmed = state.ws.allocations[&id].clone();
            confirmed.version += 1;
            let applied = Msg::Applied {
                seq: *seq,
                result: Ok(vec![Applied::Updated(confirmed)]),
            };
            dispatch_journaled(&mut state, applied, Some(&mut journal), |_| {});
        })
    });
    assert_eq!(
        journal.count().ok(),
        Some(0),
        "every confirmed edit left the journal"
    );
}

/// Seeding the large synthetic workspace (`--demo-size large`) into a fresh store file: what a
/// newcomer waits for. A wall-clock bound in the unit suite used to stand in for this.
fn seeding(c: &mut Criterion) {
    use allot::client::local::LocalBackend;
    let today = parse_date("2026-11-23").unwrap();
    let data = synthetic(today, 2_000, 100_000);
    let mut group = c.benchmark_group("store");
    group.sample_size(10);
    group.bench_function("seed_large_2k_100k", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let store = LocalBackend::open(&dir.path().join("large.db")).unwrap();
                (dir, store)
            },
            |(dir, store)| {
                store.seed(black_box(&data)).unwrap();
                drop(store);
                dir
            },
            criterion::BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// The Gantt with every person on screen expanded into their lanes (issue 16).
fn all_expanded(mut state: State) -> State {
    update(&mut state, Command::ShowGantt);
    let visible = allot::app::geometry::gantt_rows(state.size.1);
    while state.gantt.selected + 1 < visible {
        let open = state
            .selected_gantt_row()
            .is_some_and(|r| r.is_parent() && !state.gantt.expanded.contains(r));
        if open {
            update(&mut state, Command::OpenRow);
        }
        update(&mut state, Command::Down);
    }
    update(&mut state, Command::Top);
    state
}

fn lanes(c: &mut Criterion) {
    use allot::app::geometry::{GANTT_HEADER, TABS, gantt_name_width};
    use allot::app::mouse::{Mouse, cells_of};
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let state = all_expanded(large_state());
    assert!(state.gantt.rows.len() > 100, "people expanded into lanes");
    frame_bench(c, "gantt_frame_200x60_expanded", state.clone(), 200, 60);

    // A drag step: one mouse move through update() and a frame, the bar drawn where it lands.
    let mut state = state;
    let (row, bar) = state
        .gantt
        .layout
        .lanes
        .iter()
        .enumerate()
        .find_map(|(i, l)| l.bars.first().map(|b| (i, b.clone())))
        .expect("a lane with a bar");
    let a = state.ws.allocations[&bar].clone();
    let (l, r) = cells_of(state.gantt.zoom, state.gantt.first, a.range);
    let name_w = gantt_name_width(200);
    let x = name_w + 1 + (l.max(0) as u16).min(r.max(1) as u16 - 1);
    let y = TABS + GANTT_HEADER + (row - state.gantt.offset) as u16;
    let at = |kind, x| {
        Msg::Mouse(Mouse {
            event: MouseEvent {
                kind,
                column: x,
                row: y,
                modifiers: KeyModifiers::NONE,
            },
            at_ms: 0,
        })
    };
    update(&mut state, at(MouseEventKind::Down(MouseButton::Left), x));
    assert!(state.mouse.drag.is_some(), "a drag under way");
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let mut right = true;
    c.bench_function("gantt_drag_step_200x60_expanded", |b| {
        b.iter(|| {
            let to = if right { x + 5 } else { x };
            right = !right;
            update(&mut state, at(MouseEventKind::Drag(MouseButton::Left), to));
            terminal
                .draw(|f| allot::ui::render(black_box(&state), f))
                .unwrap();
        })
    });
}

/// `b` on ten marked unnamed requests: the bulk plan, each pick ranked on the load of the picks
/// before it (`domain::candidates::plan`), which the y/n lists.
fn bulk_plan(c: &mut Criterion) {
    use allot::domain::candidates::plan;
    let state = large_state();
    let ws = &state.ws;
    let picks: Vec<(&allot::domain::Request, Option<allot::domain::Id>)> = ws
        .requests
        .values()
        .filter(|r| r.status.is_pending())
        .filter(|r| {
            ws.resources
                .get(&r.resource_id)
                .is_some_and(|x| x.person_id.is_none())
        })
        .take(10)
        .map(|r| (r, None))
        .collect();
    assert_eq!(picks.len(), 10, "ten pending unnamed requests");
    let mut group = c.benchmark_group("requests");
    group.sample_size(10);
    group.bench_function("bulk_plan_10_unnamed_100k", |b| {
        b.iter(|| plan(black_box(ws), black_box(&picks)))
    });
    group.finish();
}

criterion_group!(
    benches,
    frames,
    lanes,
    edits,
    journaled_edits,
    seeding,
    bulk_plan
);
criterion_main!(benches);

/// A bar a bucket later, or back.
fn shift(right: bool) -> Command {
    if right {
        Command::ShiftLater
    } else {
        Command::ShiftEarlier
    }
}
