//! One demo workspace, three backends, one set of figures: for the demo served through each
//! dialect of the sandbox, every person's capacity on every day of the loaded window and their
//! load in every week equal what the embedded store shows. The demo carries part-timers, a
//! 7.5 h week, a pattern that changes inside the window, holidays, whole days and partial days
//! off, so each of those has to come through the vendor's own shapes to pass.

mod common;

use allot::domain::dates::{DateRange, add_days, week_start};
use allot::domain::{Id, RowKey};
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

/// Every difference between `other` and the embedded store, as lines a reader can act on.
fn differences(local: &DemoApp, other: &DemoApp) -> Vec<String> {
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
                local.state.ws.capacity_in(&a, day),
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
            let (x, y) = (
                local.state.ws.load_in(&a, week),
                other.state.ws.load_in(&b, week),
            );
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
