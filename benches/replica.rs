//! The replica (issue 17) on a large Kantata workspace over HTTP, 50 ms on every request: 5,000
//! resources and 50,000 allocations. In one run:
//! - cold start: people, allocations, requests and scheduled hours read whole through the
//!   replica (and saved to it), bound ≤ 4 s;
//! - warm start to the first populated frame: the replica opened and read, the planner fed
//!   with it and one 80x24 frame drawn, no network at all, bound ≤ 150 ms;
//! - refresh with nothing changed: bound ≤ 10 requests and ≤ 0.5 s;
//! - refresh with 1 % of the allocations changed elsewhere: bound ≤ 1 s.
//!
//! The replica's size on disk and each refresh's request count are printed before timing.
//!
//! `cargo bench --bench replica`
//!
//! Under `cargo test` (criterion's test mode) it uses a small workspace.

mod common;

use allot::app::{Msg, State, update};
use allot::client::kantata::backend::KantataBackend;
use allot::client::kantata::http::HttpConfig;
use allot::client::{Backend, BackendKind};
use allot::domain::DateRange;
use allot::replica::{Replica, Replicated};
use allot::sandbox::Sandbox;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const KEY: &str = "kantata bench -";

fn replicated(sandbox: &Sandbox, dir: &Path, today: chrono::NaiveDate) -> Replicated {
    let mut client =
        KantataBackend::new(HttpConfig::new(sandbox.url.clone(), sandbox.token.clone())).unwrap();
    client.set_today(today);
    Replicated::new(Arc::new(client), Replica::open(dir, KEY).unwrap())
}

/// What the planner reads at a start or `R`, all at once as it asks.
async fn load(backend: &Replicated, everything: DateRange, window: DateRange) -> usize {
    let (roster, allocations, requests, scheduled) = tokio::join!(
        backend.roster(),
        backend.allocations(everything),
        backend.requests(),
        backend.scheduled_hours(window),
    );
    roster.unwrap();
    requests.unwrap();
    scheduled.unwrap();
    allocations.unwrap().len()
}

/// The replica's file and its write-ahead log.
fn disk(dir: &Path) -> u64 {
    allot::replica::store::list(dir)
        .iter()
        .map(|i| i.bytes)
        .sum()
}

/// A warm start up to its first frame: nothing from the network.
fn first_frame(dir: &Path, today: chrono::NaiveDate) -> usize {
    let replica = Replica::open(dir, KEY).unwrap();
    let cached = replica
        .load(allot::app::state::initial_window(today))
        .unwrap()
        .unwrap();
    let mut state = State::new(today, BackendKind::Kantata, "bench");
    update(&mut state, Msg::Resize(80, 24));
    update(&mut state, Msg::Start);
    update(
        &mut state,
        Msg::ReplicaLoaded {
            cached: Box::new(cached),
            as_of: "14:02".into(),
        },
    );
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| allot::ui::render(&state, f)).unwrap();
    state.rows.len()
}

fn bench(c: &mut Criterion) {
    let common::SlowKantata {
        rt,
        sandbox,
        today,
        resources,
        allocations,
        everything,
    } = common::slow_kantata();
    let window = allot::app::state::initial_window(today);
    let dir = tempfile::tempdir().unwrap();

    // Checked once outside the timing: a cold start fills the replica, and what each kind of
    // refresh costs in requests.
    let backend = replicated(&sandbox, dir.path(), today);
    let (t, served) = (Instant::now(), sandbox.requests_served());
    assert_eq!(rt.block_on(load(&backend, everything, window)), allocations);
    eprintln!(
        "cold start {:.2?}, {} requests; replica on disk {:.1} MB",
        t.elapsed(),
        sandbox.requests_served() - served,
        disk(dir.path()) as f64 / 1_000_000.0
    );
    let t = Instant::now();
    let rows = first_frame(dir.path(), today);
    assert!(rows > 0, "a populated frame");
    eprintln!("warm start to the first frame {:.2?}", t.elapsed());
    let warm = replicated(&sandbox, dir.path(), today);
    // Its start: a new client reads time off for the planner's first window until it has read
    // allocations, and these are read for all time, not that window, so the time off this
    // start probes is for another window than the cold start's and the roster is read whole.
    // In the planner both are the same window. The probe taken before that whole read still
    // counted the first window, so one more `R` reads the roster whole again; `R` after that
    // is what is measured.
    rt.block_on(load(&warm, everything, window));
    rt.block_on(load(&warm, everything, window));
    let (t, served) = (Instant::now(), sandbox.requests_served());
    rt.block_on(load(&warm, everything, window));
    eprintln!(
        "refresh, nothing changed: {:.2?}, {} requests",
        t.elapsed(),
        sandbox.requests_served() - served
    );
    let store = rusqlite::Connection::open(sandbox.backend().path()).unwrap();
    let ids: Vec<String> = {
        let mut stmt = store
            .prepare("SELECT id FROM allocations ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let one_percent = ids.len() / 100;
    let mut round = 0u64;
    // 1 % of the allocations edited elsewhere (their notes, so every one changes).
    let mut change = || {
        round += 1;
        let tx = store.unchecked_transaction().unwrap();
        for id in ids
            .iter()
            .skip((round as usize * 7) % 100)
            .step_by(100)
            .take(one_percent)
        {
            tx.execute(
                "UPDATE allocations SET notes = ?1 WHERE id = ?2",
                (format!("edited elsewhere {round}"), id),
            )
            .unwrap();
        }
        tx.commit().unwrap();
        rt.block_on(sandbox.invalidate());
    };
    change();
    let (t, served) = (Instant::now(), sandbox.requests_served());
    rt.block_on(load(&warm, everything, window));
    eprintln!(
        "refresh, 1 % changed ({one_percent}): {:.2?}, {} requests",
        t.elapsed(),
        sandbox.requests_served() - served
    );

    let mut group = c.benchmark_group("replica_50ms");
    group.sample_size(10);
    // A cold start takes seconds: ten samples are what a run can afford.
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    let name = |what: &str| format!("{what}_{resources}_resources_{allocations}_allocations");
    group.bench_function(name("cold_start"), |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let fresh = tempfile::tempdir().unwrap();
                let backend = replicated(&sandbox, fresh.path(), today);
                let t = Instant::now();
                rt.block_on(load(&backend, everything, window));
                spent += t.elapsed();
            }
            spent
        })
    });
    group.bench_function(name("warm_start_first_frame"), |b| {
        b.iter(|| first_frame(dir.path(), today))
    });
    group.bench_function(name("refresh_nothing_changed"), |b| {
        b.iter(|| rt.block_on(load(&warm, everything, window)))
    });
    group.bench_function(name("refresh_one_percent_changed"), |b| {
        b.iter_batched(
            &mut change,
            |()| rt.block_on(load(&warm, everything, window)),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
