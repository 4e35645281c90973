//! One demo workspace, three backends, one set of figures: for the demo served through each
//! dialect of the sandbox, every person's capacity on every day of the loaded window and their
//! load in every week equal what the embedded store shows. The demo carries part-timers, a
//! 7.5 h week, a pattern that changes inside the window, holidays, whole days and partial days
//! off, so each of those has to come through the vendor's own shapes to pass.

mod common;

use allot::domain::dates::{DateRange, add_days, week_start};
use allot::domain::{Allocation, Amount, Id, RowKey, Workspace, allocation_daily};
use common::demo::DemoApp;
use std::collections::BTreeMap;

/// Person ids by name (names are unique in the demo; ids differ per backend).
fn people(app: &DemoApp) -> BTreeMap<String, Id> {
    app.state
        .ws
        .people
        .values()
        .map(|p| (p.name.clone(), p.id.clone()))
        .collect()
}

/// The store's workspace as a backend that keeps every allocation as minutes over its range
/// (Kantata) holds it: each allocation's total, spread over the days by capacity. A store
/// allocation in hours per week over a change of pattern keeps its hours each week in the
/// store, and spreads by capacity on Kantata: the README's "what differs" says so.
fn as_minutes(ws: &Workspace) -> Workspace {
    let mut out = ws.clone();
    let converted = ws
        .allocations
        .values()
        .map(|a| {
            let key = ws.row_key(&a.resource_id).expect("a known resource");
            let total: u64 = allocation_daily(a, &ws.calendar_for(&key))
                .iter()
                .map(|m| u64::from(*m))
                .sum();
            Allocation {
                amount: Amount::TotalMinutes(u32::try_from(total).unwrap()),
                ..a.clone()
            }
        })
        .collect();
    out.set_allocations(ws.index.window().unwrap(), converted);
    out
}

/// Every difference between `other` and the embedded store, as lines a reader can act on.
fn differences(local: &DemoApp, other: &DemoApp) -> Vec<String> {
    differences_from(&local.state.ws, local, other)
}

/// The same, against `store` (the embedded store's workspace as the other backend keeps it).
fn differences_from(store: &Workspace, local: &DemoApp, other: &DemoApp) -> Vec<String> {
    let (want, got) = (people(local), people(other));
    assert_eq!(
        want.keys().collect::<Vec<_>>(),
        got.keys().collect::<Vec<_>>(),
        "the same people"
    );
    let window = local.state.window;
    assert_eq!(other.state.window, window, "the same loaded window");
    let mut out = Vec::new();
    for (name, id) in &want {
        let (a, b) = (
            RowKey::Person(id.clone()),
            RowKey::Person(got[name].clone()),
        );
        for d in window.days() {
            let day = DateRange::day(d);
            let (x, y) = (
                store.capacity_in(&a, day),
                other.state.ws.capacity_in(&b, day),
            );
            if x != y {
                out.push(format!(
                    "{name}: capacity on {d}: store {x} min, got {y} min"
                ));
            }
        }
        let mut monday = week_start(window.start);
        while monday <= window.end {
            let week = DateRange::new(monday, add_days(monday, 6));
            let (x, y) = (store.load_in(&a, week), other.state.ws.load_in(&b, week));
            if x != y {
                out.push(format!(
                    "{name}: load in week of {monday}: store {x} min, got {y} min"
                ));
            }
            monday = add_days(monday, 7);
        }
    }
    out
}

#[test]
fn ruddr_shows_the_stores_capacity_and_load() {
    let local = DemoApp::new();
    let ruddr = DemoApp::ruddr();
    let diff = differences(&local, &ruddr);
    assert!(
        diff.is_empty(),
        "{} differences:\n{}",
        diff.len(),
        diff.join("\n")
    );
}

#[test]
fn kantata_shows_the_stores_capacity_and_load() {
    let local = DemoApp::new();
    let kantata = DemoApp::kantata();
    // Every allocation's total is the store's; so is every week's load once the store's
    // allocations are held as Kantata holds them (minutes over a range).
    for (id, a) in &local.state.ws.allocations {
        let k = &kantata.state.ws.allocations[id];
        let total = |ws: &Workspace, a: &Allocation| -> u64 {
            let key = ws.row_key(&a.resource_id).unwrap();
            allocation_daily(a, &ws.calendar_for(&key))
                .iter()
                .map(|m| u64::from(*m))
                .sum()
        };
        assert_eq!(
            total(&local.state.ws, a),
            total(&kantata.state.ws, k),
            "allocation {id}"
        );
    }
    let diff = differences_from(&as_minutes(&local.state.ws), &local, &kantata);
    assert!(
        diff.is_empty(),
        "{} differences:\n{}",
        diff.len(),
        diff.join("\n")
    );
}
