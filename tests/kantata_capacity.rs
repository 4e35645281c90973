//! True capacity over Kantata: allot's Kantata client reads workweeks, holiday calendars and
//! time off from the sandbox, and every person's daily capacity equals what the embedded store
//! gives the same person on the same day (part-timers, holidays, time off, partial days and
//! dated pattern changes). Percentages written to Kantata come from that calendar.

mod common;

use allot::client::{Backend, NewAllocation};
use allot::domain::dates::add_days;
use allot::domain::edit::AmountUnit;
use allot::domain::{Amount, Calendar, DateRange, Id, Roster, RowKey, WeeklyCapacity, Workspace};
use allot::sandbox::Sandbox;
use chrono::{Datelike, NaiveDate, Weekday};
use common::demo::{kantata_sandbox, today};

/// The window the app loads first (and the Kantata client reads time off for).
fn window() -> DateRange {
    allot::app::state::initial_window(today())
}

/// Each person's calendar as the embedded store behind the sandbox gives it.
async fn embedded(sb: &Sandbox) -> Workspace {
    Workspace::from_roster(sb.backend().roster().await.unwrap())
}

fn over_kantata(roster: Roster) -> Workspace {
    Workspace::from_roster(roster)
}

fn person(id: &str) -> RowKey {
    RowKey::Person(Id::new(id))
}

/// Every day of `window()` where the two calendars of `id` differ, as "date: kantata ≠ store".
fn differences(kantata: &Calendar, store: &Calendar) -> Vec<String> {
    window()
        .days()
        .filter(|x| kantata.capacity(*x) != store.capacity(*x))
        .map(|x| format!("{x}: {} ≠ {}", kantata.capacity(x), store.capacity(x)))
        .collect()
}

fn first_weekday_from(from: NaiveDate, day: Weekday) -> NaiveDate {
    (0..7)
        .map(|k| add_days(from, k))
        .find(|x| x.weekday() == day)
        .unwrap()
}

#[tokio::test]
async fn every_persons_daily_capacity_equals_the_embedded_store() {
    let (sb, client) = kantata_sandbox().await;
    let store = embedded(&sb).await;
    let ws = over_kantata(client.roster().await.unwrap());
    assert!(!store.people.is_empty());
    for id in store.people.keys() {
        let key = RowKey::Person(id.clone());
        let diff = differences(&ws.calendar_for(&key), &store.calendar_for(&key));
        assert!(diff.is_empty(), "person {id}: {diff:?}");
    }

    // The cases by name. Zoë Lindqvist works Monday to Thursday, 8 h.
    let zoe = ws.calendar_for(&person("1004"));
    let friday = first_weekday_from(today(), Weekday::Fri);
    assert_eq!(zoe.capacity(friday), 0, "Zoë's Friday");
    let thursday = first_weekday_from(add_days(today(), 21), Weekday::Thu);
    assert_eq!(zoe.capacity(thursday), 480);
    // Chloé Dubois works 6 h days.
    let chloe = ws.calendar_for(&person("1010"));
    let monday = first_weekday_from(add_days(today(), 21), Weekday::Mon);
    assert_eq!(chloe.capacity(monday), 360, "Chloé's 6 h day");
    // A holiday: a weekday the store counts as one is 0 in Kantata too.
    let holiday = store
        .holidays
        .iter()
        .copied()
        .find(|h| window().contains(*h) && h.weekday().num_days_from_monday() < 4)
        .expect("the demo has a weekday holiday in the window");
    assert_eq!(chloe.capacity(holiday), 0, "{holiday} is a holiday");
    assert!(chloe.is_holiday(holiday));
    // Zoë's time off (days 10 to 14 from today): whole days off.
    let off = store.calendar_for(&person("1004")).time_off;
    assert!(!off.is_empty(), "the demo gives Zoë time off");
    for r in &off {
        for x in r.days().filter(|x| window().contains(*x)) {
            assert_eq!(zoe.capacity(x), 0, "{x} is Zoë's time off");
        }
    }
    assert_eq!(
        ws.people[&Id::new("1004")].weekly,
        WeeklyCapacity([480, 480, 480, 480, 0, 0, 0]),
        "the person's pattern is their workweek"
    );
}

#[tokio::test]
async fn partial_days_and_mid_week_pattern_changes_come_through_exactly() {
    let (sb, client) = kantata_sandbox().await;
    let store = embedded(&sb).await;
    // What the embedded store cannot hold yet: Chloé takes 2.5 h off a 6 h day, from a
    // Wednesday she moves to 7.5 h on Monday to Thursday, and she is on a holiday calendar of
    // her own (the account's holidays but one, and one more day).
    let base = store.calendar_for(&person("1010"));
    let partial = first_weekday_from(add_days(today(), 3), Weekday::Tue);
    let change = first_weekday_from(add_days(today(), 30), Weekday::Wed);
    let dropped = store
        .holidays
        .iter()
        .copied()
        .find(|h| window().contains(*h) && h.weekday().num_days_from_monday() < 4)
        .unwrap();
    let added = first_weekday_from(add_days(today(), 45), Weekday::Mon);
    let mut own: std::collections::BTreeSet<_> = (*store.holidays).clone();
    own.remove(&dropped);
    own.insert(added);
    let cal = Calendar {
        holidays: std::sync::Arc::new(own),
        ..base.clone()
    }
    .with_changes(vec![(
        change,
        WeeklyCapacity([450, 450, 450, 450, 0, 0, 0]),
    )])
    .with_minutes_off([(partial, 150)].into());
    sb.set_calendar(Id::new("1010"), cal.clone()).await;

    let ws = over_kantata(client.roster().await.unwrap());
    let got = ws.calendar_for(&person("1010"));
    assert!(
        !got.is_holiday(dropped) && got.is_holiday(added),
        "her own calendar"
    );
    let zoe = differences(
        &ws.calendar_for(&person("1004")),
        &store.calendar_for(&person("1004")),
    );
    assert!(zoe.is_empty(), "the others stay on the default: {zoe:?}");
    assert_eq!(got.capacity(partial), 210, "2.5 h off a 6 h day");
    assert_eq!(got.minutes_off.get(&partial), Some(&150));
    assert_eq!(
        got.capacity(add_days(change, -1)),
        360,
        "the Tuesday before"
    );
    assert_eq!(got.capacity(change), 450, "the Wednesday of the change");
    assert_eq!(got.capacity(add_days(change, 2)), 0, "Friday after it");
    let diff = differences(&got, &cal);
    assert!(diff.is_empty(), "{diff:?}");
}

#[tokio::test]
async fn percentages_written_for_a_part_timer_come_from_their_kantata_calendar() {
    let (sb, client) = kantata_sandbox().await;
    let ws = over_kantata(client.roster().await.unwrap());
    // Zoë's resource on a project, and a week that holds a Friday and no holiday or time off.
    let resource = ws
        .resources
        .values()
        .find(|r| r.person_id.as_ref() == Some(&Id::new("1004")) && r.project_id.is_some())
        .expect("Zoë is on a project")
        .clone();
    let cal = ws.calendar_for(&person("1004"));
    let week = (6..30)
        .map(|k| first_weekday_from(add_days(today(), k * 7), Weekday::Mon))
        .map(|m| DateRange::new(m, add_days(m, 4)))
        .find(|w| w.days().all(|x| !cal.is_holiday(x) && !cal.is_time_off(x)))
        .unwrap();
    let amount = AmountUnit::PercentOfCapacity.amount(50.0, week, &cal);
    assert_eq!(
        amount,
        Amount::TotalMinutes(960),
        "half of 4 × 8 h, not of the standard 40 h"
    );
    let made = client
        .create_allocations(vec![NewAllocation {
            resource_id: resource.id.clone(),
            range: week,
            amount,
            hard: true,
            notes: String::new(),
        }])
        .await
        .unwrap();
    let stored = sb
        .backend()
        .allocations(week)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.id == made[0].id)
        .expect("the store holds it");
    assert_eq!(
        stored.server_total_minutes.or(match stored.amount {
            Amount::TotalMinutes(m) => Some(m),
            _ => None,
        }),
        Some(960)
    );
}

#[tokio::test]
async fn the_capacity_read_takes_five_more_requests_on_the_demo() {
    let (sb, client) = kantata_sandbox().await;
    let before = sb.requests_served();
    client.roster().await.unwrap();
    let taken = sb.requests_served() - before;
    // users/me, users, workspaces, roles, workspace_resources, then archived projects and
    // disabled users by id: 7. Capacity adds workweeks, workweek memberships (one batch),
    // holiday calendars, holiday calendar associations and time off entries (one
    // batch), one page each on the demo; with the default the only holiday calendar, the
    // holiday calendars list stands in for the memberships (one per member). Skills add one
    // batch of skill memberships (issue 15, tests/kantata_skills.rs).
    assert_eq!(taken, 7 + 5 + 1, "requests for the roster");
}

#[tokio::test]
async fn the_sandbox_serves_the_documented_shapes_and_include_rules() {
    let (sb, _) = kantata_sandbox().await;
    let http = reqwest::Client::new();
    let get = |path: &str| {
        let req = http
            .get(format!("{}/{path}", sb.url))
            .bearer_auth(&sb.token)
            .send();
        async move {
            let r = req.await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<serde_json::Value>().await.unwrap())
        }
    };
    // Workweeks in minutes, the account default marked so.
    let (_, ww) = get("workweeks").await;
    let id = ww["results"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(ww["workweeks"][&id]["monday_minutes"], 480);
    assert_eq!(ww["workweeks"][&id]["default"], true);
    // `workweek_id` only with include=workweek.
    let (_, m) = get("workweek_memberships?user_ids=1004").await;
    let mid = m["results"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(m["workweek_memberships"][&mid]["user_id"], 1004);
    assert!(m["workweek_memberships"][&mid].get("workweek_id").is_none());
    assert!(m.get("workweeks").is_none());
    let (_, m) = get("workweek_memberships?user_ids=1004&include=workweek").await;
    let wid = m["workweek_memberships"][&mid]["workweek_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(m["workweeks"][&wid]["friday_minutes"], 0, "Zoë's Friday");
    // `user_id` on time off only with include=user; the bounds are exclusive ("after",
    // "prior to"): Elena Petrova is off days 25 to 38 from today, and a read bounded by days 25
    // (a Friday) and 29 (a Tuesday) holds only the Monday between them.
    let (from, to) = (add_days(today(), 25), add_days(today(), 29));
    let (_, t) = get(&format!(
        "time_off_entries?user_ids=1012&start_date={from}&end_date={to}"
    ))
    .await;
    let entries = t["time_off_entries"]
        .as_object()
        .expect("Elena has a working day off between the bounds");
    assert!(entries.values().all(|e| e.get("user_id").is_none()));
    let days: Vec<&str> = entries
        .values()
        .map(|e| e["requested_date"].as_str().unwrap())
        .collect();
    assert_eq!(days, vec![add_days(today(), 28).to_string()]);
    let (_, t) = get("time_off_entries?user_ids=1004&include=user").await;
    assert!(
        t["time_off_entries"]
            .as_object()
            .unwrap()
            .values()
            .all(|e| e["user_id"] == 1004 && e["hours"] == 8.0)
    );
    // A non-integer user id is refused, naming the parameter.
    let (status, body) = get("time_off_entries?user_ids=zoe").await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("user_ids"), "{body}");
    // Everyone is on the account default holiday calendar.
    let (_, hc) =
        get("holiday_calendar_memberships?by_user_id=1010&include=holiday_calendar").await;
    let hid = hc["results"][0]["id"].as_str().unwrap().to_string();
    let cal = hc["holiday_calendar_memberships"][&hid]["holiday_calendar_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(hc["holiday_calendars"][&cal]["default"], true);
}
