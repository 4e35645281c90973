//! allot's Ruddr client against the sandbox's Ruddr dialect (contract tests: the two halves were
//! written independently), and the dialect's rules over raw HTTP: paging, field names, error
//! bodies, refusals.
//!
//! The sandbox's UUIDs are documented (`src/sandbox/ruddr/format.rs`):
//! `0000000K-IIII-4000-8000-NNNNNNNNNNNN`, K the kind, N the store id. The tests build them from
//! that description, not from the sandbox's code.

mod common;

use allot::client::ruddr::decode::{error_from, merge_ranges};
use allot::client::ruddr::{RuddrBackend, RuddrConfig};
use allot::client::{Backend, BackendError, NewAllocation};
use allot::domain::dates::parse_date;
use allot::domain::{
    Allocation, Amount, Calendar, DateRange, Id, Person, WeeklyCapacity, allocation_daily,
};
use allot::sandbox::{Dialect, FaultConfig, Sandbox, SandboxConfig};
use chrono::NaiveDate;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

const MEMBER: u32 = 2;
const PROJECT: u32 = 3;
const PLACEHOLDER: u32 = 4;
const ALLOCATION: u32 = 5;
const TIME_OFF: u32 = 6;

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

fn today() -> NaiveDate {
    d("2026-11-23")
}

fn uuid(kind: u32, id: &Id) -> String {
    format!(
        "{kind:08x}-0000-4000-8000-{:012}",
        id.as_number().expect("a numeric store id")
    )
}

fn uid(kind: u32, id: &str) -> Id {
    Id::new(uuid(kind, &Id::new(id)))
}

/// The store id inside a sandbox UUID.
fn store_id(u: &Id) -> Id {
    let n = u.as_str().rsplit('-').next().unwrap();
    Id::from(n.parse::<u64>().unwrap())
}

fn member_pair(person: &str, project: &str) -> Id {
    Id::new(format!(
        "m:{}|p:{}",
        uid(MEMBER, person),
        uid(PROJECT, project)
    ))
}

async fn sandbox_with(faults: FaultConfig) -> Sandbox {
    let mut config = SandboxConfig::new(Dialect::Ruddr, today());
    config.faults = faults;
    let sb = Sandbox::start(config).await.unwrap();
    assert!(sb.url.starts_with("http://127.0.0.1:"), "{}", sb.url);
    assert!(sb.url.ends_with("/api/workspace"), "{}", sb.url);
    sb
}

/// The client's settings for a sandbox: no waiting on the rate limiter or the backoff.
fn config(sb: &Sandbox) -> RuddrConfig {
    RuddrConfig {
        base_url: sb.url.clone(),
        per_second: 10_000,
        burst: 10_000,
        backoff: vec![Duration::from_millis(1); 10],
        timeout: Duration::from_secs(10),
        ..RuddrConfig::new(sb.token.clone(), today())
    }
}

async fn start() -> (Sandbox, RuddrBackend) {
    let sb = sandbox_with(FaultConfig::none()).await;
    let client = RuddrBackend::new(config(&sb)).unwrap();
    (sb, client)
}

fn ever() -> DateRange {
    DateRange::new(d("1900-01-01"), d("2999-12-31"))
}

/// The client reads the roster over this span.
fn span() -> DateRange {
    DateRange::new(
        allot::domain::dates::add_days(today(), -400),
        allot::domain::dates::add_days(today(), 800),
    )
}

/// What the client should make of a stored amount: Ruddr has no minutes, so total minutes
/// travel as `allocation` hours.
fn as_ruddr(a: Amount) -> Amount {
    match a {
        Amount::TotalMinutes(m) => Amount::TotalHours((m as f64 / 60.0 * 100.0).round() / 100.0),
        other => other,
    }
}

// ---- the client reads what the store holds --------------------------------------------------------

#[tokio::test]
async fn the_roster_through_ruddr_is_the_stores() {
    let (sb, client) = start().await;
    let want = sb.backend().roster().await.unwrap();
    let got = client.roster().await.unwrap();
    assert_eq!(got.name, want.name);
    assert_eq!(
        client.whoami().await.unwrap(),
        format!(
            "workspace {} (00000001-0000-4000-8000-000000000001)",
            want.name
        )
    );

    // Members: every person, their weekly pattern from the availability period, time off
    // from the time-off allocations.
    assert_eq!(want.people.len(), 35);
    let expect: BTreeMap<Id, Person> = want
        .people
        .iter()
        .map(|p| {
            let off = p
                .time_off
                .iter()
                .filter(|r| r.overlaps(&span()))
                .copied()
                .collect();
            let id = uid(MEMBER, p.id.as_str());
            (
                id.clone(),
                Person {
                    id,
                    time_off: merge_ranges(off),
                    ..p.clone()
                },
            )
        })
        .collect();
    let got_people: BTreeMap<Id, Person> = got
        .people
        .iter()
        .map(|p| (p.id.clone(), p.clone()))
        .collect();
    assert_eq!(got_people, expect);
    assert!(
        got.people
            .iter()
            .any(|p| p.weekly == WeeklyCapacity([450, 450, 450, 450, 240, 0, 0])),
        "decimal hours survive (7.5 h days)"
    );
    assert!(got.people.iter().filter(|p| !p.time_off.is_empty()).count() >= 5);

    let projects =
        |ps: &[allot::domain::Project], map: bool| -> BTreeSet<(String, String, String)> {
            ps.iter()
                .map(|p| {
                    let id = if map {
                        uuid(PROJECT, &p.id)
                    } else {
                        p.id.to_string()
                    };
                    (id, p.name.clone(), p.client.clone())
                })
                .collect()
        };
    assert_eq!(
        projects(&got.projects, false),
        projects(&want.projects, true)
    );

    // Resources: each stored resource with allocations in the span is a (member or placeholder,
    // project) pair with its role; an unnamed one comes back as the placeholder of its role.
    let busy: BTreeSet<Id> = sb
        .backend()
        .allocations(span())
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.resource_id)
        .collect();
    let want_pairs: BTreeSet<(String, String, String)> = want
        .resources
        .iter()
        .filter(|r| busy.contains(&r.id))
        .map(|r| {
            let who = match &r.person_id {
                Some(p) => uuid(MEMBER, p),
                None => format!("placeholder {}", r.role),
            };
            let project = uuid(PROJECT, r.project_id.as_ref().unwrap());
            (who, project, r.role.clone())
        })
        .collect();
    let got_pairs: BTreeSet<(String, String, String)> = got
        .resources
        .iter()
        .filter(|r| r.project_id.is_some())
        .map(|r| {
            let who = match &r.person_id {
                Some(p) => p.to_string(),
                None => format!("placeholder {}", r.role),
            };
            (
                who,
                r.project_id.as_ref().unwrap().to_string(),
                r.role.clone(),
            )
        })
        .collect();
    assert_eq!(got_pairs, want_pairs);
    let unnamed = got.resources.iter().filter(|r| r.is_unnamed()).count();
    assert!(unnamed >= 10, "the demo's unnamed resources: {unnamed}");
    for r in got.resources.iter().filter(|r| r.is_unnamed()) {
        assert!(r.id.as_str().starts_with("ph:0000000"), "{}", r.id);
    }
    // Everyone shows: on a project row, or alone.
    for p in &got.people {
        assert!(
            got.resources
                .iter()
                .any(|r| r.person_id.as_ref() == Some(&p.id)),
            "{} has a row",
            p.name
        );
    }
}

/// Every person's capacity, week by week over the span the client reads, is the embedded
/// store's: weekly pattern (part-timers and 7.5 h days), time off and holidays, all read from
/// availability periods and holiday and time-off rows.
#[tokio::test]
async fn every_persons_weekly_capacity_through_ruddr_is_the_stores() {
    use allot::domain::{RowKey, Workspace};
    let (sb, client) = start().await;
    let want = Workspace::from_roster(sb.backend().roster().await.unwrap());
    let got = Workspace::from_roster(client.roster().await.unwrap());
    assert!(!want.holidays.is_empty(), "the demo has holidays");
    let first = allot::domain::dates::add_days(span().start, 7);
    let monday = allot::domain::dates::add_days(
        first,
        -i64::from(chrono::Datelike::weekday(&first).num_days_from_monday()),
    );
    let mut weeks = 0;
    let mut holiday_weeks = 0;
    let mut m = monday;
    while allot::domain::dates::add_days(m, 6) < span().end {
        let week = DateRange::new(m, allot::domain::dates::add_days(m, 6));
        if want.holidays.iter().any(|d| week.contains(*d)) {
            holiday_weeks += 1;
        }
        for p in want.people.values() {
            let ours = want.capacity_in(&RowKey::Person(p.id.clone()), week);
            let theirs = got.capacity_in(&RowKey::Person(uid(MEMBER, p.id.as_str())), week);
            assert_eq!(theirs, ours, "{} in the week of {m}", p.name);
        }
        weeks += 1;
        m = allot::domain::dates::add_days(m, 7);
    }
    assert!(
        weeks > 100 && holiday_weeks > 5,
        "{weeks} weeks, {holiday_weeks} with holidays"
    );
}

#[tokio::test]
async fn allocations_over_a_window_are_the_stores_with_amounts_per_unit_and_allots_totals() {
    let (sb, client) = start().await;
    let roster = sb.backend().roster().await.unwrap();
    let window = DateRange::new(d("2026-10-15"), d("2027-01-31"));
    let want = sb.backend().allocations(window).await.unwrap();
    let got = client.allocations(window).await.unwrap();
    assert!(want.len() > 100, "{}", want.len());
    assert_eq!(got.len(), want.len());
    let got: HashMap<Id, &Allocation> = got.iter().map(|a| (store_id(&a.id), a)).collect();
    let resources: HashMap<&Id, &allot::domain::Resource> =
        roster.resources.iter().map(|r| (&r.id, r)).collect();
    let people: HashMap<&Id, &Person> = roster.people.iter().map(|p| (&p.id, p)).collect();
    let mut units = BTreeSet::new();
    for w in &want {
        let g = got.get(&w.id).unwrap_or_else(|| panic!("{} missing", w.id));
        assert_eq!(g.id.as_str(), uuid(ALLOCATION, &w.id));
        let r = resources[&w.resource_id];
        let pair = match &r.person_id {
            Some(p) => member_pair(p.as_str(), r.project_id.as_ref().unwrap().as_str()),
            None => {
                let (head, project) = g.resource_id.as_str().split_once('|').unwrap();
                assert!(
                    head.starts_with(&format!("ph:{PLACEHOLDER:08x}-")),
                    "{}",
                    g.resource_id
                );
                assert_eq!(
                    project,
                    format!(
                        "p:{}",
                        uid(PROJECT, r.project_id.as_ref().unwrap().as_str())
                    )
                );
                g.resource_id.clone()
            }
        };
        assert_eq!(g.resource_id, pair);
        assert_eq!(
            g.project_id.as_ref().map(Id::to_string),
            w.project_id.as_ref().map(|p| uuid(PROJECT, p))
        );
        assert_eq!(g.range, w.range);
        assert_eq!(g.amount, as_ruddr(w.amount), "{}", w.id);
        units.insert(format!("{:?}", std::mem::discriminant(&g.amount)));
        assert!(
            g.hard,
            "Ruddr has no soft allocations; the client reads all as booked"
        );
        assert_eq!(g.notes, w.notes);
        assert!(!g.read_only);
        assert_eq!(g.allocate_on_time_off, w.allocate_on_time_off);
        // totalHours is allot's own per-day math over the assignee's calendar.
        let cal = match &r.person_id {
            Some(p) => {
                let p = people[p];
                Calendar::new(p.weekly, roster.holidays.clone(), p.time_off.clone())
            }
            None => Calendar::new(WeeklyCapacity::STANDARD, roster.holidays.clone(), vec![]),
        };
        let total: u32 = allocation_daily(w, &cal).iter().sum();
        assert_eq!(g.server_total_minutes, Some(total), "{}", w.id);
    }
    assert!(
        units.len() >= 4,
        "the demo's Ruddr-style units come through: {units:?}"
    );
}

#[tokio::test]
async fn pages_of_100_give_every_allocation_exactly_once() {
    let (sb, client) = start().await;
    let want = sb.backend().allocations(ever()).await.unwrap();
    assert!(want.len() > 400, "several pages: {}", want.len());
    let before = sb.requests_served();
    let got = client.allocations(ever()).await.unwrap();
    let pages = sb.requests_served() - before;
    assert_eq!(pages as usize, want.len().div_ceil(100), "limit=100 pages");
    let ids: BTreeSet<Id> = got.iter().map(|a| store_id(&a.id)).collect();
    assert_eq!(ids.len(), got.len(), "no allocation twice");
    assert_eq!(ids, want.iter().map(|a| a.id.clone()).collect());
}

// ---- writes -----------------------------------------------------------------------------------------

fn new(resource: &Id, amount: Amount) -> NewAllocation {
    NewAllocation {
        resource_id: resource.clone(),
        range: DateRange::new(d("2027-02-01"), d("2027-02-12")),
        amount,
        hard: true,
        notes: "from the contract test".into(),
    }
}

async fn stored(sb: &Sandbox, id: &Id) -> Option<Allocation> {
    sb.backend()
        .allocations(ever())
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.id == store_id(id))
}

#[tokio::test]
async fn every_unit_is_created_updated_and_deleted_through_the_store() {
    let (sb, client) = start().await;
    let roster = client.roster().await.unwrap();
    // Resource 3004 is José (1003) on Atlas Mobile App (2001); 3102 the unnamed QA Engineer
    // there.
    let jose = member_pair("1003", "2001");
    let qa = roster
        .resources
        .iter()
        .find(|r| {
            r.is_unnamed()
                && r.role == "QA Engineer"
                && r.project_id.as_ref() == Some(&uid(PROJECT, "2001"))
        })
        .expect("the QA placeholder on Atlas Mobile App")
        .id
        .clone();
    let amounts = [
        Amount::HoursPerDay(6.5),
        Amount::HoursPerWeek(22.5),
        Amount::HoursPerMonth(80.0),
        Amount::TotalHours(12.75),
        Amount::RatioOfCapacity(0.375),
        Amount::TotalMinutes(90),
    ];
    for amount in amounts {
        for (resource, store_resource, hard) in [(&jose, "3004", true), (&qa, "3102", false)] {
            let made = client
                .create_allocations(vec![new(resource, amount)])
                .await
                .unwrap();
            let a = &made[0];
            assert_eq!(&a.resource_id, resource);
            assert_eq!(a.amount, as_ruddr(amount));
            assert_eq!(a.notes, "from the contract test");
            let s = stored(&sb, &a.id).await.expect("in the store");
            assert_eq!(s.resource_id, Id::new(store_resource));
            assert_eq!(s.amount, as_ruddr(amount), "stored in its own unit");
            assert_eq!(s.range, a.range);
            assert_eq!(s.hard, hard, "placeholders are soft in the store");
            assert!(a.server_total_minutes.is_some_and(|m| m > 0), "{a:?}");
        }
    }

    // Update: dates, unit and notes; then the same again reads back unchanged.
    let made = client
        .create_allocations(vec![new(&jose, Amount::HoursPerDay(4.0))])
        .await
        .unwrap()
        .remove(0);
    let mut changed = made.clone();
    changed.range = DateRange::new(d("2027-03-01"), d("2027-03-19"));
    changed.amount = Amount::RatioOfCapacity(0.5);
    changed.notes = "moved".into();
    let updated = client.update_allocation(changed).await.unwrap();
    assert_eq!(updated.id, made.id);
    assert_eq!(updated.amount, Amount::RatioOfCapacity(0.5));
    assert_eq!(
        updated.range,
        DateRange::new(d("2027-03-01"), d("2027-03-19"))
    );
    let s = stored(&sb, &made.id).await.unwrap();
    assert_eq!(
        (s.amount, s.range, s.notes.as_str()),
        (updated.amount, updated.range, "moved")
    );
    assert_eq!(s.resource_id, Id::new("3004"));

    // A stored total in minutes sent back as read stays minutes.
    let minutes = sb
        .backend()
        .allocations(ever())
        .await
        .unwrap()
        .into_iter()
        .find(|a| matches!(a.amount, Amount::TotalMinutes(_)))
        .unwrap();
    let through = client
        .allocations(minutes.range)
        .await
        .unwrap()
        .into_iter()
        .find(|a| store_id(&a.id) == minutes.id)
        .unwrap();
    let back = client
        .update_allocation(Allocation {
            notes: "touched".into(),
            ..through
        })
        .await
        .unwrap();
    assert_eq!(back.notes, "touched");
    let s = stored(&sb, &back.id).await.unwrap();
    assert_eq!(s.amount, minutes.amount);
    assert_eq!(s.hard, minutes.hard, "hard/soft kept on an edit");

    // Delete, then it's gone (404 → NotFound).
    client.delete_allocation(made.id.clone()).await.unwrap();
    assert!(stored(&sb, &made.id).await.is_none());
    let e = client.delete_allocation(made.id.clone()).await.unwrap_err();
    assert!(matches!(e, BackendError::NotFound(_)), "{e:?}");

    // A pair the store has no resource for gets one: José on Kite Loyalty Program (2011).
    let fresh = member_pair("1003", "2011");
    let before = sb.backend().roster().await.unwrap().resources.len();
    // Kite Loyalty Program uses roles: the new pair takes one of its roles.
    let kite_role = roster
        .projects
        .iter()
        .find(|p| p.id == uid(PROJECT, "2011"))
        .and_then(|p| p.roles.clone())
        .expect("Kite Loyalty Program uses roles")[0]
        .1
        .clone();
    client
        .create_resources(vec![allot::client::NewResource {
            project_id: uid(PROJECT, "2011"),
            person_id: Some(uid(MEMBER, "1003")),
            role: Some(kite_role),
            label: None,
        }])
        .await
        .unwrap();
    let made = client
        .create_allocations(vec![new(&fresh, Amount::HoursPerDay(2.0))])
        .await
        .unwrap()
        .remove(0);
    assert_eq!(made.resource_id, fresh);
    let after = sb.backend().roster().await.unwrap();
    assert_eq!(after.resources.len(), before + 1);
    let s = stored(&sb, &made.id).await.unwrap();
    let r = after
        .resources
        .iter()
        .find(|r| r.id == s.resource_id)
        .unwrap();
    assert_eq!(
        (
            r.person_id.as_ref().map(Id::as_str),
            r.project_id.as_ref().map(Id::as_str)
        ),
        (Some("1003"), Some("2011"))
    );
    // A split patches the first part and posts the second, both on the pair.
    let (first, second) = client
        .split_allocation(made.id.clone(), d("2027-02-08"))
        .await
        .unwrap();
    assert_eq!(first.range.end, d("2027-02-07"));
    assert_eq!(
        second.range,
        DateRange::new(d("2027-02-08"), d("2027-02-12"))
    );
    assert_eq!(second.resource_id, fresh);
    assert_eq!(
        stored(&sb, &second.id).await.unwrap().resource_id,
        s.resource_id
    );
}

#[tokio::test]
async fn each_unit_bound_is_refused_naming_its_field_and_the_bound_itself_is_taken() {
    let (sb, client) = start().await;
    // The roster teaches the client the pair's project role (the project uses roles).
    client.roster().await.unwrap();
    let jose = member_pair("1003", "2001");
    let refused = [
        (
            Amount::HoursPerDay(24.01),
            "hoursPerDay",
            "between 0 and 24",
        ),
        (Amount::HoursPerDay(-0.5), "hoursPerDay", "between 0 and 24"),
        (
            Amount::HoursPerWeek(168.01),
            "hoursPerWeek",
            "between 0 and 168",
        ),
        (
            Amount::HoursPerMonth(744.01),
            "hoursPerMonth",
            "between 0 and 744",
        ),
        (
            Amount::TotalHours(99_999.01),
            "hoursPerAllocation",
            "between 0 and 99999",
        ),
        (
            Amount::RatioOfCapacity(1.0001),
            "hoursRatioOfCapacity",
            "between 0 and 1",
        ),
        (
            Amount::RatioOfCapacity(-0.01),
            "hoursRatioOfCapacity",
            "between 0 and 1",
        ),
    ];
    let count = || async { sb.backend().allocations(ever()).await.unwrap().len() };
    let n = count().await;
    for (amount, field, says) in refused {
        let e = client
            .create_allocations(vec![new(&jose, amount)])
            .await
            .unwrap_err();
        match &e {
            BackendError::Validation {
                field: Some(f),
                message,
            } => {
                assert_eq!(f, field, "{amount:?}");
                assert!(message.contains(says), "{message}");
            }
            other => panic!("{amount:?}: {other:?}"),
        }
    }
    assert_eq!(count().await, n, "nothing written");
    let taken = [
        Amount::HoursPerDay(24.0),
        Amount::HoursPerDay(0.0),
        Amount::HoursPerWeek(168.0),
        Amount::HoursPerMonth(744.0),
        Amount::TotalHours(99_999.0),
        Amount::RatioOfCapacity(1.0),
        Amount::RatioOfCapacity(0.0),
    ];
    for amount in taken {
        let a = client
            .create_allocations(vec![new(&jose, amount)])
            .await
            .unwrap_or_else(|e| panic!("{amount:?}: {e}"));
        assert_eq!(a[0].amount, amount);
    }
    assert_eq!(count().await, n + taken.len());
}

#[tokio::test]
async fn time_off_is_read_only_and_a_wrong_key_is_refused() {
    let (sb, client) = start().await;
    // Zoë (1004) has time off; it is her first time-off range, served read-only.
    let off = Id::new(format!("{TIME_OFF:08x}-0000-4000-8000-000000001004"));
    let e = client.delete_allocation(off.clone()).await.unwrap_err();
    match &e {
        BackendError::Validation { message, .. } => {
            assert!(
                message.contains("409") && message.contains("read-only"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
    let e = client
        .update_allocation(Allocation {
            id: off.clone(),
            resource_id: member_pair("1004", "2001"),
            project_id: Some(uid(PROJECT, "2001")),
            range: DateRange::day(d("2026-12-03")),
            amount: Amount::HoursPerDay(1.0),
            hard: true,
            notes: String::new(),
            read_only: false,
            allocate_on_time_off: false,
            server_total_minutes: None,
            version: 1,
        })
        .await
        .unwrap_err();
    assert!(e.to_string().contains("read-only"), "{e}");
    let zoe = sb.backend().roster().await.unwrap();
    let zoe = zoe.people.iter().find(|p| p.id.as_str() == "1004").unwrap();
    assert_eq!(zoe.time_off.len(), 1, "still there");

    let wrong = RuddrBackend::new(RuddrConfig {
        api_key: "not-the-key".into(),
        ..config(&sb)
    })
    .unwrap();
    for e in [
        wrong.roster().await.unwrap_err(),
        wrong.allocations(ever()).await.unwrap_err(),
    ] {
        assert!(
            e.to_string()
                .starts_with("the Ruddr API key was refused (401)"),
            "{e}"
        );
        assert!(e.to_string().contains("missing or invalid"), "{e}");
    }
}

#[tokio::test]
async fn a_429_storm_is_ridden_out_with_the_documented_backoff_and_writes_land_once() {
    let sb = sandbox_with(FaultConfig {
        rate_429: 0.3,
        seed: 11,
        ..FaultConfig::none()
    })
    .await;
    let client = RuddrBackend::new(config(&sb)).unwrap();
    let roster = client.roster().await.unwrap();
    assert_eq!(roster.people.len(), 35);
    let window = DateRange::new(d("2026-10-15"), d("2027-01-31"));
    let stormy = client.allocations(window).await.unwrap();
    let want = sb.backend().allocations(window).await.unwrap();
    assert_eq!(stormy.len(), want.len());
    let n = sb.backend().allocations(ever()).await.unwrap().len();
    let made = client
        .create_allocations(vec![new(
            &member_pair("1003", "2001"),
            Amount::HoursPerDay(3.0),
        )])
        .await
        .unwrap();
    assert_eq!(made.len(), 1);
    assert_eq!(
        sb.backend().allocations(ever()).await.unwrap().len(),
        n + 1,
        "a 429 comes before the write: retrying it makes one allocation"
    );
    let sent = client.sent();
    assert_eq!(sent, sb.requests_served(), "every try reached the sandbox");

    // The same reads without the storm take fewer requests: the difference is the retries.
    sb.faults().clear();
    let calm = RuddrBackend::new(config(&sb)).unwrap();
    calm.roster().await.unwrap();
    assert_eq!(calm.allocations(window).await.unwrap(), stormy);
    assert!(sent > calm.sent() + 5, "retried: {sent} vs {}", calm.sent());
}

// ---- the dialect's rules over raw HTTP -------------------------------------------------------------

struct Raw {
    sb: Sandbox,
    http: reqwest::Client,
}

struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Raw {
    async fn start() -> Raw {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Raw {
            sb: sandbox_with(FaultConfig::none()).await,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut req = self.http.request(method, format!("{}{path}", self.sb.url));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    /// The UUID of `project`'s role named `name` (`GET /project-roles?projectId=`).
    async fn role(&self, project: &str, name: &str) -> Value {
        let path = format!(
            "/project-roles?limit=100&projectId={}",
            uuid(PROJECT, &Id::new(project))
        );
        let list = self.get(&path).await.body;
        list["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("no role {name} on {project}: {list}"))["id"]
            .clone()
    }

    async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, Some(&self.sb.token.clone()), None)
            .await
    }

    async fn send(&self, method: Method, path: &str, body: Value) -> Answer {
        self.call(method, path, Some(&self.sb.token.clone()), Some(body))
            .await
    }
}

impl Answer {
    /// A 400 naming `field` in Ruddr's format, as allot's client reads it.
    fn refuses(&self, field: &str) {
        assert_eq!(self.status, StatusCode::BAD_REQUEST, "{}", self.body);
        assert_eq!(self.body["status"], 400);
        assert!(self.body["message"].is_string());
        let errors = self.body["errors"].as_array().expect("an errors list");
        assert_eq!(errors.len(), 1, "{}", self.body);
        assert!(
            errors[0]
                .as_str()
                .unwrap()
                .starts_with(&format!("'{field}' ")),
            "{}",
            self.body
        );
        match error_from(400, &self.body.to_string()) {
            BackendError::Validation { field: Some(f), .. } => assert_eq!(f, field),
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn the_key_is_checked_in_ruddrs_words_and_429s_carry_no_retry_after() {
    let api = Raw::start().await;
    for token in [None, Some("wrong")] {
        let a = api.call(Method::GET, "/members", token, None).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            a.body,
            json!({"status": 401, "message": "The provided bearer token is missing or invalid."})
        );
    }
    let ws = api.get("").await;
    assert_eq!(ws.status, StatusCode::OK);
    assert_eq!(
        ws.body,
        json!({"id": "00000001-0000-4000-8000-000000000001", "name": "Northwind Studio"})
    );
    api.sb.faults().set(FaultConfig {
        rate_429: 1.0,
        ..FaultConfig::none()
    });
    let busy = api.get("/members").await;
    assert_eq!(busy.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        busy.body,
        json!({"status": 429, "message": "Too many requests"})
    );
    assert!(
        busy.headers.get("retry-after").is_none(),
        "Ruddr documents none"
    );
    api.sb.faults().set(FaultConfig {
        rate_503: 1.0,
        ..FaultConfig::none()
    });
    let down = api.get("/members").await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(down.body["status"], 503);
    api.sb.faults().clear();
    let nowhere = api.get("/nowhere").await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert_eq!(nowhere.body["status"], 404);
    let wrong_method = api.send(Method::PUT, "/allocations", json!({})).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.body["status"], 405);
}

#[tokio::test]
async fn lists_are_cursor_pages_newest_first_and_a_walk_survives_writes() {
    let api = Raw::start().await;
    let first = api.get("/members").await;
    assert_eq!(
        first.body["results"].as_array().unwrap().len(),
        10,
        "default limit"
    );
    assert_eq!(first.body["hasMore"], true);
    for bad in ["0", "101", "x"] {
        let a = api.get(&format!("/members?limit={bad}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            a.body["message"],
            "Parameter 'limit' must be a number from 1 to 100."
        );
    }
    let a = api.get("/allocations?startingAfter=42").await;
    assert_eq!(
        a.body["message"],
        "Parameter 'startingAfter' is not a valid UUID."
    );
    let both = format!(
        "/allocations?startingAfter={0}&endingBefore={0}",
        uuid(ALLOCATION, &Id::new("400001"))
    );
    assert_eq!(api.get(&both).await.status, StatusCode::BAD_REQUEST);

    // Walk every allocation (time off included) 100 at a time; between pages, one is made and
    // the page's cursor deleted: the walk still sees every original exactly once.
    let store = api.sb.backend().allocations(ever()).await.unwrap();
    let roster = api.sb.backend().roster().await.unwrap();
    let holidays = roster.holidays.len();
    // Whole-day ranges, one row per partial day, and every holiday, per member.
    let time_off: usize = roster
        .people
        .iter()
        .map(|p| p.time_off.len() + roster.calendar_of(p).minutes_off.len() + holidays)
        .sum();
    let mut seen: Vec<Value> = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    let mut changed = false;
    loop {
        let q = match &after {
            Some(id) => format!("/allocations?limit=100&startingAfter={id}"),
            None => "/allocations?limit=100".to_string(),
        };
        let page = api.get(&q).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let results = page.body["results"].as_array().unwrap().clone();
        assert!(results.len() <= 100);
        pages += 1;
        let last = results
            .last()
            .map(|r| r["id"].as_str().unwrap().to_string());
        // Time off and holidays are read-only: change things at the first later page that
        // ends on an allocation that can be deleted.
        let deletable = results.last().is_some_and(|r| r["entity"] == "allocation");
        seen.extend(results);
        if page.body["hasMore"] == false {
            break;
        }
        if pages >= 2 && deletable && !changed {
            changed = true;
            let made = api
                .send(
                    Method::POST,
                    "/allocations",
                    json!({"unit": "day", "hoursPerDay": 2, "start": "2027-01-04",
                           "end": "2027-01-08", "resourceTypeId": "member",
                           "assignmentTypeId": "project",
                           "memberId": uuid(MEMBER, &Id::new("1003")),
                           "projectId": uuid(PROJECT, &Id::new("2001")),
                           "projectRoleId": api.role("2001", "Engineer").await}),
                )
                .await;
            assert_eq!(made.status, StatusCode::OK, "{}", made.body);
            let gone = api
                .call(
                    Method::DELETE,
                    &format!("/allocations/{}", last.clone().unwrap()),
                    Some(&api.sb.token.clone()),
                    None,
                )
                .await;
            assert_eq!(gone.status, StatusCode::NO_CONTENT);
        }
        after = last;
    }
    let ids: Vec<&str> = seen.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let distinct: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(distinct.len(), ids.len(), "nothing twice");
    assert!(changed, "the walk was changed under it");
    assert_eq!(ids.len(), store.len() + time_off, "everything once");
    assert_eq!(pages, ids.len().div_ceil(100));
    // Newest first, ties by id descending.
    let keys: Vec<(String, String)> = seen
        .iter()
        .map(|r| {
            (
                r["createdAt"].as_str().unwrap().to_string(),
                r["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(keys.windows(2).all(|w| w[0] > w[1]), "descending");
    // The newest is first on a fresh walk; endingBefore goes back.
    let top = api.get("/allocations?limit=1").await;
    assert_eq!(top.body["results"][0]["start"], "2027-01-04");
    let second = api.get("/allocations?limit=2").await.body["results"][1]["id"].clone();
    let back = api
        .get(&format!(
            "/allocations?limit=5&endingBefore={}",
            second.as_str().unwrap()
        ))
        .await;
    assert_eq!(back.body["results"].as_array().unwrap().len(), 1);
    assert_eq!(back.body["hasMore"], false);
}

#[tokio::test]
async fn allocations_have_the_seeds_fields_and_filters_pick_by_date_member_project_and_type() {
    let api = Raw::start().await;
    let page = api
        .get("/allocations?limit=100&assignmentTypeId=project")
        .await;
    let a = &page.body["results"][0];
    let keys: BTreeSet<&str> = a.as_object().unwrap().keys().map(String::as_str).collect();
    let seed: BTreeSet<&str> = [
        "id",
        "resourceTypeId",
        "assignmentTypeId",
        "start",
        "end",
        "unit",
        "hoursPerDay",
        "hoursPerWeek",
        "hoursPerMonth",
        "hoursPerAllocation",
        "hoursRatioOfCapacity",
        "allocateOnTimeOffDays",
        "totalHours",
        "isBillable",
        "notes",
        "readOnly",
        "entity",
        "createdAt",
        "member",
        "placeholder",
        "project",
        "role",
        "task",
        "timeOffType",
    ]
    .into_iter()
    .collect();
    assert_eq!(
        keys.difference(&seed).copied().collect::<Vec<_>>(),
        Vec::<&str>::new(),
        "no updatedAt: Ruddr documents none (capacity-apis §15)"
    );
    assert!(seed.is_subset(&keys));
    for r in page.body["results"].as_array().unwrap() {
        let unit = r["unit"].as_str().unwrap();
        let set: Vec<&str> = [
            "hoursPerDay",
            "hoursPerWeek",
            "hoursPerMonth",
            "hoursPerAllocation",
            "hoursRatioOfCapacity",
        ]
        .into_iter()
        .filter(|f| !r[*f].is_null())
        .collect();
        assert_eq!(set.len(), 1, "only the unit's own field: {r}");
        assert_eq!(r["assignmentTypeId"], "project");
        assert!(r["project"]["id"].is_string() && r["project"]["client"]["name"].is_string());
        match r["resourceTypeId"].as_str().unwrap() {
            "member" => assert!(r["member"]["name"].is_string() && r["placeholder"].is_null()),
            _ => {
                assert!(r["placeholder"]["name"].is_string() && r["member"].is_null());
                assert!(r["allocateOnTimeOffDays"].is_null(), "members only");
            }
        }
        assert!(["day", "week", "month", "allocation", "ratio_of_capacity"].contains(&unit));
    }

    // Overlap: startOnBefore + endOnAfter; a member's, with their time off; bad values are 400.
    let zoe = uuid(MEMBER, &Id::new("1004"));
    let q = format!(
        "/allocations?limit=100&memberId={zoe}&startOnBefore=2026-12-31&endOnAfter=2026-12-01"
    );
    let hers = api.get(&q).await.body["results"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!hers.is_empty());
    for r in &hers {
        assert_eq!(r["member"]["id"], zoe.as_str());
        assert!(
            r["start"].as_str().unwrap() <= "2026-12-31"
                && r["end"].as_str().unwrap() >= "2026-12-01"
        );
    }
    let (holidays, off): (Vec<&Value>, Vec<&Value>) = hers
        .iter()
        .filter(|r| r["assignmentTypeId"] == "time_off")
        .partition(|r| r["entity"] == "holiday");
    // Her holidays are one read-only row a day, the store's December holidays.
    let want: Vec<String> = api
        .sb
        .backend()
        .roster()
        .await
        .unwrap()
        .holidays
        .iter()
        .filter(|d| d.format("%Y-%m").to_string() == "2026-12")
        .map(|d| d.to_string())
        .collect();
    assert!(!want.is_empty(), "the demo has December holidays");
    let got: Vec<String> = holidays
        .iter()
        .map(|r| {
            assert_eq!(r["start"], r["end"]);
            assert_eq!(r["readOnly"], true);
            assert_eq!(r["project"], Value::Null);
            r["start"].as_str().unwrap().to_string()
        })
        .collect();
    let got: BTreeSet<String> = got.into_iter().collect();
    assert_eq!(got, want.into_iter().collect::<BTreeSet<_>>());
    assert_eq!(off.len(), 1, "Zoë's time off in December");
    assert_eq!(off[0]["readOnly"], true);
    assert_eq!(off[0]["project"], Value::Null);
    assert_eq!(off[0]["timeOffType"]["name"], "Time Off");
    let project = uuid(PROJECT, &Id::new("2001"));
    let theirs = api
        .get(&format!("/allocations?limit=100&projectId={project}"))
        .await;
    assert!(
        theirs.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["project"]["id"] == project.as_str())
    );
    let nobody = api
        .get(&format!(
            "/allocations?memberId={}",
            uuid(MEMBER, &Id::new("999"))
        ))
        .await;
    assert_eq!(nobody.body, json!({"results": [], "hasMore": false}));
    for q in [
        "startOnBefore=2026-13-01",
        "endOnAfter=yesterday",
        "startOnBefore=2026-1-1",
    ] {
        let a = api.get(&format!("/allocations?{q}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{q}");
        assert!(
            a.body["message"].as_str().unwrap().contains("YYYY-MM-DD"),
            "{}",
            a.body
        );
    }
    assert_eq!(
        api.get("/allocations?memberId=1004").await.body["message"],
        "Parameter 'memberId' is not a valid UUID."
    );
    assert_eq!(
        api.get("/allocations?assignmentTypeId=holiday")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );

    // One by id; a stranger is 404, a non-UUID 400.
    let id = a["id"].as_str().unwrap();
    assert_eq!(&api.get(&format!("/allocations/{id}")).await.body, a);
    let unknown = api
        .get("/allocations/3f8a1d2e-7c4b-4e9f-a6d5-1b2c3d4e5f6a")
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body["status"], 404);
    let bad = api.get("/allocations/400001").await;
    assert_eq!(
        bad.body,
        json!({"status": 400, "message": "Parameter 'id' is not a valid UUID."})
    );

    // Members, their period, projects and placeholders by id.
    let m = api.get(&format!("/members/{zoe}")).await.body;
    assert_eq!(
        (m["name"].as_str(), m["isActive"].as_bool()),
        (Some("Zoë Lindqvist"), Some(true))
    );
    assert_eq!(m["jobTitle"]["name"], "Designer");
    let periods = api
        .get(&format!("/availability-periods?memberId={zoe}"))
        .await
        .body;
    assert_eq!(
        periods["results"][0]["hoursPerDay"],
        json!([8.0, 8.0, 8.0, 8.0, 0.0, 0.0, 0.0])
    );
    assert_eq!(periods["results"][0]["end"], Value::Null);
    let p = api.get(&format!("/projects/{project}")).await.body;
    assert_eq!(p["client"]["name"], "Contoso Bank");
    let placeholders = api.get("/resource-placeholders?limit=100").await.body;
    let names: BTreeSet<&str> = placeholders["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains("QA Engineer") && names.contains("Data Scientist"),
        "{names:?}"
    );
    assert!(
        !names.contains("Resource Manager"),
        "only roles unnamed resources carry"
    );
}

#[tokio::test]
async fn writes_are_refused_field_by_field_in_ruddrs_format() {
    let api = Raw::start().await;
    let member = uuid(MEMBER, &Id::new("1003"));
    let project = uuid(PROJECT, &Id::new("2001"));
    let placeholder = {
        let list = api.get("/resource-placeholders?limit=100").await.body;
        list["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "QA Engineer")
            .unwrap()["id"]
            .clone()
    };
    let good = json!({"unit": "day", "hoursPerDay": 4, "start": "2027-01-04", "end": "2027-01-08",
                      "resourceTypeId": "member", "assignmentTypeId": "project",
                      "memberId": member, "projectId": project,
                      "projectRoleId": api.role("2001", "Engineer").await});
    let with = |changes: Value| {
        let mut b = good.clone();
        for (k, v) in changes.as_object().unwrap() {
            if v.is_null() {
                b.as_object_mut().unwrap().remove(k);
            } else {
                b[k] = v.clone();
            }
        }
        b
    };
    let n = api.sb.backend().allocations(ever()).await.unwrap().len();
    let cases = [
        (json!({"unit": null}), "unit"),
        (json!({"unit": "fortnight"}), "unit"),
        (json!({"start": null}), "start"),
        (json!({"end": "2027-01-01"}), "end"),
        (json!({"start": "2027-1-4"}), "start"),
        (json!({"resourceTypeId": null}), "resourceTypeId"),
        (json!({"assignmentTypeId": "meeting"}), "assignmentTypeId"),
        (json!({"memberId": null}), "memberId"),
        (json!({"memberId": "1003"}), "memberId"),
        (
            json!({"memberId": uuid(MEMBER, &Id::new("999"))}),
            "memberId",
        ),
        (
            json!({"resourcePlaceholderId": placeholder}),
            "resourcePlaceholderId",
        ),
        (
            json!({"resourceTypeId": "placeholder", "resourcePlaceholderId": placeholder}),
            "memberId",
        ),
        (json!({"projectId": null}), "projectId"),
        (
            json!({"projectId": uuid(PROJECT, &Id::new("999"))}),
            "projectId",
        ),
        (json!({"hoursPerDay": null}), "hoursPerDay"),
        (json!({"hoursPerDay": "4"}), "hoursPerDay"),
        (json!({"hoursPerDay": 24.5}), "hoursPerDay"),
        (json!({"hoursPerDay": 4.125}), "hoursPerDay"),
        (json!({"hoursPerWeek": 20}), "hoursPerWeek"),
        (
            json!({"unit": "ratio_of_capacity", "hoursPerDay": null, "hoursRatioOfCapacity": 0.12345}),
            "hoursRatioOfCapacity",
        ),
        (
            json!({"projectRoleId": uuid(9, &Id::new("999"))}),
            "projectRoleId",
        ),
        (
            json!({"projectTaskId": "e5f6a7b8-c9d0-4e1f-b2a3-4c5d6e7f8a9b"}),
            "projectTaskId",
        ),
        (
            json!({"allocateOnTimeOffDays": "yes"}),
            "allocateOnTimeOffDays",
        ),
        (json!({"notes": 5}), "notes"),
        (
            json!({"assignmentTypeId": "time_off", "projectId": null, "projectRoleId": null}),
            "timeOffTypeId",
        ),
        (
            json!({"assignmentTypeId": "time_off", "projectRoleId": null}),
            "projectId",
        ),
    ];
    for (change, field) in cases {
        api.send(Method::POST, "/allocations", with(change.clone()))
            .await
            .refuses(field);
    }
    let off = api
        .send(
            Method::POST,
            "/allocations",
            with(
                json!({"assignmentTypeId": "time_off", "projectId": null, "projectRoleId": null,
                        "timeOffTypeId": "0000000b-0000-4000-8000-000000000001"}),
            ),
        )
        .await;
    assert_eq!(off.status, StatusCode::FORBIDDEN, "{}", off.body);
    for body in [json!([1]), json!("x")] {
        let a = api.send(Method::POST, "/allocations", body).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
    }
    assert_eq!(
        api.sb.backend().allocations(ever()).await.unwrap().len(),
        n,
        "nothing written"
    );

    // The good body is taken; a PATCH is checked the same way over what is stored.
    let made = api.send(Method::POST, "/allocations", good.clone()).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert_eq!(made.body["hoursPerDay"], 4.0);
    assert_eq!(made.body["totalHours"], 20.0, "five working days of 4 h");
    assert_eq!(
        made.body["role"]["name"], "Engineer",
        "José's resource on the project"
    );
    let id = made.body["id"].as_str().unwrap().to_string();
    let path = format!("/allocations/{id}");
    api.send(Method::PATCH, &path, json!({"hoursPerWeek": 10}))
        .await
        .refuses("hoursPerWeek");
    api.send(Method::PATCH, &path, json!({"unit": "week"}))
        .await
        .refuses("hoursPerWeek");
    api.send(Method::PATCH, &path, json!({"end": "2027-01-01"}))
        .await
        .refuses("end");
    api.send(
        Method::PATCH,
        &path,
        json!({"resourcePlaceholderId": placeholder}),
    )
    .await
    .refuses("resourcePlaceholderId");
    let week = api
        .send(
            Method::PATCH,
            &path,
            json!({"unit": "week", "hoursPerWeek": 10, "notes": "w"}),
        )
        .await;
    assert_eq!(week.status, StatusCode::OK, "{}", week.body);
    assert_eq!(
        (
            week.body["unit"].as_str(),
            week.body["hoursPerWeek"].as_f64(),
            week.body["hoursPerDay"].as_f64()
        ),
        (Some("week"), Some(10.0), None)
    );
    assert_eq!(week.body["start"], "2027-01-04", "the rest kept");
    // Onto the QA placeholder: the allocation moves to the unnamed resource.
    let moved = api
        .send(
            Method::PATCH,
            &path,
            json!({"resourceTypeId": "placeholder", "resourcePlaceholderId": placeholder}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.body["member"], Value::Null);
    assert_eq!(moved.body["placeholder"]["name"], "QA Engineer");
    let s = api
        .sb
        .backend()
        .allocations(ever())
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.id == store_id(&Id::new(&id)))
        .unwrap();
    assert_eq!((s.resource_id.as_str(), s.hard), ("3102", false));

    // Read-only time off: 409 with the reason; deletes are 204 then 404.
    let zoe_off = format!("/allocations/{TIME_OFF:08x}-0000-4000-8000-000000001004");
    for method in [Method::PATCH, Method::DELETE] {
        let a = api.send(method, &zoe_off, json!({"notes": "x"})).await;
        assert_eq!(a.status, StatusCode::CONFLICT);
        assert!(
            a.body["message"].as_str().unwrap().contains("read-only"),
            "{}",
            a.body
        );
    }
    let token = api.sb.token.clone();
    let gone = api.call(Method::DELETE, &path, Some(&token), None).await;
    assert_eq!(
        (gone.status, &gone.body),
        (StatusCode::NO_CONTENT, &Value::Null)
    );
    assert_eq!(
        api.call(Method::DELETE, &path, Some(&token), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.send(Method::PATCH, &path, json!({})).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn dropped_connections_on_reads_are_retried() {
    let sb = sandbox_with(FaultConfig {
        drop_rate: 0.2,
        seed: 5,
        ..FaultConfig::none()
    })
    .await;
    let client = RuddrBackend::new(config(&sb)).unwrap();
    let window = DateRange::new(d("2026-10-15"), d("2027-01-31"));
    let got = client.allocations(window).await.unwrap();
    let roster = client.roster().await.unwrap();
    assert_eq!(roster.people.len(), 35);
    sb.faults().clear();
    let calm = RuddrBackend::new(config(&sb)).unwrap();
    assert_eq!(calm.allocations(window).await.unwrap(), got);
    assert_eq!(calm.roster().await.unwrap(), roster);
    assert!(
        client.sent() > calm.sent(),
        "retried: {} vs {}",
        client.sent(),
        calm.sent()
    );
}

// ---- staleness: Ruddr keeps no version, so the fields read are the version ----------------------

/// Changes allocation `id` (a client id) in the store behind the sandbox, as Ruddr's own UI
/// would, and returns it as stored.
async fn change_in_ruddr(sb: &Sandbox, id: &Id) -> Allocation {
    let now = stored(sb, id).await.expect("stored");
    let theirs = sb
        .backend()
        .update_allocation(Allocation {
            notes: "changed in Ruddr's UI".into(),
            ..now
        })
        .await
        .unwrap();
    sb.invalidate().await;
    theirs
}

#[tokio::test]
async fn a_record_changed_in_ruddr_since_it_was_read_is_not_overwritten_deleted_or_split() {
    let (sb, client) = start().await;
    let window = DateRange::new(d("2026-11-01"), d("2026-12-31"));
    let read = client.allocations(window).await.unwrap();
    let mut long = read
        .iter()
        .filter(|a| !a.read_only && a.range.len_days() > 2);
    let (one, two, three) = (
        long.next().unwrap().clone(),
        long.next().unwrap().clone(),
        long.next().unwrap().clone(),
    );
    for a in [&one, &two, &three] {
        change_in_ruddr(&sb, &a.id).await;
    }
    let stale = |e: BackendError| {
        assert!(matches!(e, BackendError::Stale(_)), "{e:?}");
        assert!(
            e.to_string().contains("changed in Ruddr since it was read"),
            "{e}"
        );
    };
    stale(
        client
            .update_allocation(Allocation {
                notes: "mine".into(),
                ..one.clone()
            })
            .await
            .unwrap_err(),
    );
    stale(
        client
            .apply(vec![allot::client::Change::Delete {
                id: two.id.clone(),
                version: two.version,
            }])
            .await
            .unwrap_err(),
    );
    stale(
        client
            .apply(vec![allot::client::Change::Split {
                id: three.id.clone(),
                version: three.version,
                date: allot::domain::dates::add_days(three.range.start, 1),
            }])
            .await
            .unwrap_err(),
    );
    for a in [&one, &two, &three] {
        let s = stored(&sb, &a.id).await.expect("not deleted");
        assert_eq!(
            (s.range, s.notes.as_str()),
            (a.range, "changed in Ruddr's UI"),
            "theirs kept, nothing split"
        );
    }
    // Read again, the same edit goes through; sending it again is no conflict (a resend
    // after a lost answer).
    let fresh = client
        .allocations(window)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.id == one.id)
        .unwrap();
    let mine = Allocation {
        notes: "mine".into(),
        ..fresh
    };
    client.update_allocation(mine.clone()).await.unwrap();
    let again = client.update_allocation(mine).await.unwrap();
    assert_eq!(again.notes, "mine");
    assert_eq!(stored(&sb, &one.id).await.unwrap().notes, "mine");
}

#[test]
fn a_batch_failing_part_way_in_ruddr_says_what_went_through_and_the_screen_equals_ruddr() {
    let mut app = common::demo::DemoApp::ruddr();
    common::demo::two_marked(&mut app);
    let effects = allot::app::update(&mut app.state, allot::app::Command::ShiftLater);
    let changes = common::demo::batch(&effects);
    let [
        allot::client::Change::Update(went),
        allot::client::Change::Update(last),
    ] = &changes[..]
    else {
        panic!("two updates: {changes:?}")
    };
    let sb = app.sandbox.take().unwrap();
    let theirs = app.rt.block_on(change_in_ruddr(&sb, &last.id));
    app.sandbox = Some(sb);
    app.run(effects);

    let stored = |app: &common::demo::DemoApp, id: &Id| {
        app.rt.block_on(stored(app.sandbox(), id)).expect("stored")
    };
    assert_eq!(
        stored(&app, &went.id).range,
        went.range,
        "the first went through"
    );
    let kept = stored(&app, &last.id);
    assert_eq!(
        (kept.range, kept.notes.as_str()),
        (theirs.range, "changed in Ruddr's UI")
    );
    let e = app.state.error.clone().expect("said");
    assert!(
        e.starts_with(&format!(
            "allocation {} was changed in Ruddr since it was read",
            last.id
        )),
        "why first: {e}"
    );
    assert!(
        e.contains("1 of 2 changes") && e.contains("was not changed"),
        "{e}"
    );
    assert!(!e.contains("Nothing was changed"), "{e}");
    let window = app.state.window;
    let server = app.rt.block_on(app.client.allocations(window)).unwrap();
    assert_eq!(
        common::demo::shown(app.state.ws.allocations.values().cloned(), window),
        common::demo::shown(server, window)
    );
    assert_eq!(app.state.edits.undo.len(), 1, "only what went through");
}
