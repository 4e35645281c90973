//! Loading a large Kantata workspace over HTTP from the sandbox with 50 ms of latency on every
//! request: 5,000 resources and 50,000 allocations, about 275 pages of 200, with each person's
//! workweek, holidays and time off (issue 13). Issue 7's target is ≤ 4 s with the default
//! concurrency (`DEFAULT_CONCURRENCY`, 5); the sequential figure (concurrency 1) is measured in the same run for
//! comparison. The check before timing prints how many requests a load takes.
//!
//! `cargo bench --bench kantata_load`
//!
//! Under `cargo test` (criterion's test mode) it loads a small workspace instead, so the suite
//! checks that the benchmark runs without spending a minute on it.

mod common;

use allot::client::Backend;
use allot::client::kantata::backend::KantataBackend;
use allot::client::kantata::http::{DEFAULT_CONCURRENCY, HttpConfig};
use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Instant;

fn load(c: &mut Criterion) {
    let common::SlowKantata {
        rt,
        sandbox,
        today: _,
        resources,
        allocations,
        everything,
    } = common::slow_kantata();

    let mut group = c.benchmark_group("kantata_load_50ms");
    group.sample_size(10);
    for concurrency in [DEFAULT_CONCURRENCY, 1] {
        let mut http = HttpConfig::new(sandbox.url.clone(), sandbox.token.clone());
        http.concurrency = concurrency;
        let client = KantataBackend::new(http).unwrap();
        // Check once, outside the timing, that everything arrives, and say how long each part
        // takes on its own.
        let (roster, allocs) = rt.block_on(async {
            let (t, served) = (Instant::now(), sandbox.requests_served());
            let roster = client.roster().await.unwrap();
            let (r, roster_requests) = (t.elapsed(), sandbox.requests_served() - served);
            let (t, served) = (Instant::now(), sandbox.requests_served());
            let allocs = client.allocations(everything).await.unwrap();
            let allocation_requests = sandbox.requests_served() - served;
            eprintln!(
                "concurrency {concurrency}: people, resources and capacity alone {r:.2?} \
                 ({roster_requests} requests), allocations alone {:.2?} ({allocation_requests} \
                 requests); {} requests in all",
                t.elapsed(),
                roster_requests + allocation_requests
            );
            (roster, allocs)
        });
        assert_eq!(allocs.len(), allocations);
        assert!(roster.resources.len() >= resources * 95 / 100);
        // Capacity, holidays and time off came with the people.
        assert_eq!(roster.calendars.len(), roster.people.len());
        assert!(!roster.holidays.is_empty());
        assert!(roster.calendars.values().any(|c| !c.time_off.is_empty()));
        assert!(
            roster
                .calendars
                .values()
                .any(|c| c.weekly != allot::domain::WeeklyCapacity::STANDARD)
        );
        let name =
            format!("{resources}_resources_{allocations}_allocations_concurrency_{concurrency}");
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    // As the app does at start: people and allocations at once.
                    rt.block_on(async {
                        let (roster, allocs) =
                            tokio::join!(client.roster(), client.allocations(everything));
                        roster.unwrap();
                        allocs.unwrap();
                    });
                }
                start.elapsed()
            })
        });
        // One more load as the app does it, counted: the roster now reads time off for the
        // whole window the allocations read asked for.
        let served = sandbox.requests_served();
        let t = Instant::now();
        rt.block_on(async {
            let (roster, allocs) = tokio::join!(client.roster(), client.allocations(everything));
            roster.unwrap();
            allocs.unwrap();
        });
        eprintln!(
            "concurrency {concurrency}: people and allocations at once {:.2?}, {} requests",
            t.elapsed(),
            sandbox.requests_served() - served
        );
    }
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
