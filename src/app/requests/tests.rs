//! Approving where the backend keeps no period (Kantata): what the reducer shows and sends.

use super::*;
use crate::app::{Command, Msg, update};
use crate::client::BackendKind;
use crate::domain::dates::parse_date;
use crate::domain::{Amount, DateRange, Person, Project, Roster, WeeklyCapacity};
use chrono::{NaiveDate, TimeZone, Utc};

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

fn alloc(id: &str, start: &str, end: &str, minutes: u32, hard: bool) -> Allocation {
    Allocation {
        id: Id::new(id),
        resource_id: Id::new("r1"),
        project_id: Some(Id::new("p1")),
        range: DateRange::new(d(start), d(end)),
        amount: Amount::TotalMinutes(minutes),
        hard,
        notes: String::new(),
        read_only: false,
        allocate_on_time_off: false,
        server_total_minutes: Some(minutes),
        version: 1,
    }
}

/// A Kantata-shaped workspace: Chloé (named resource r1) with booked work and penciled-in
/// work, and her request #q5 with no period, waiting for me.
fn kantata_queue() -> State {
    let mut s = State::new(
        d("2026-11-23"),
        BackendKind::Kantata,
        "http://127.0.0.1/api/v1",
    );
    update(&mut s, Msg::Start);
    let window = s.window;
    let person = |id: &str, name: &str| Person {
        id: Id::new(id),
        name: name.into(),
        email: String::new(),
        role: "Designer".into(),
        weekly: WeeklyCapacity::STANDARD,
        time_off: vec![],
    };
    update(
        &mut s,
        Msg::RosterLoaded(Ok(Roster {
            name: "Test".into(),
            current_user: Some(Id::new("1")),
            people: vec![person("1", "Morgan"), person("2", "Chloé")],
            projects: vec![Project {
                id: Id::new("p1"),
                name: "Evergreen".into(),
                client: String::new(),
                roles: None,
            }],
            resources: vec![Resource {
                id: Id::new("r1"),
                project_id: Some(Id::new("p1")),
                person_id: Some(Id::new("2")),
                role: "Designer".into(),
                label: "Designer".into(),
            }],
            ..Default::default()
        })),
    );
    update(
        &mut s,
        Msg::AllocationsLoaded {
            window,
            result: Ok(vec![
                alloc("booked", "2026-11-30", "2026-12-11", 4800, true),
                alloc("pencil", "2027-01-25", "2027-02-05", 2400, false),
            ]),
        },
    );
    update(
        &mut s,
        Msg::RequestsLoaded(Ok(vec![Request {
            id: Id::new("q5"),
            resource_id: Id::new("r1"),
            status: RequestStatus::New,
            approver_ids: vec![Id::new("1")],
            creator_id: Id::new("2"),
            created_at: Utc.with_ymd_and_hms(2026, 11, 17, 12, 29, 0).unwrap(),
            period: None,
            percentage: None,
            notes: String::new(),
        }])),
    );
    update(
        &mut s,
        Msg::ScheduledLoaded {
            window,
            result: Ok(vec![]),
        },
    );
    update(&mut s, Msg::Resize(80, 24));
    update(&mut s, Command::ShowRequests);
    s
}

fn approve(s: &mut State) -> Vec<Effect> {
    update(s, Command::Approve);
    assert!(s.pick().is_none(), "a named resource needs nobody picked");
    let q = s.confirm().cloned().expect("y/n").question;
    assert_eq!(
        q,
        "Approve #q5 Evergreen · Chloé · W05  50% (hard)?\nmakes 1 allocation hard (40h) · cannot be undone in Kantata OX"
    );
    update(s, Command::Yes)
}

#[test]
fn approving_a_request_without_a_period_hardens_its_soft_allocations_at_once() {
    let mut s = kantata_queue();
    assert_eq!(s.queue, vec![Id::new("q5")]);
    let effects = approve(&mut s);
    assert_eq!(
        effects,
        vec![Effect::Resolve {
            id: Id::new("q5"),
            how: Resolution::Approve {
                user_id: None,
                soft: false
            }
        }]
    );
    // Shown as Kantata will store it: the penciled-in work hard, the booked work as it was.
    assert!(s.ws.allocations[&Id::new("pencil")].hard);
    assert_eq!(s.ws.allocations[&Id::new("booked")].version, 1);
    assert_eq!(
        s.ws.requests[&Id::new("q5")].status,
        RequestStatus::Approved
    );
    assert!(s.queue.is_empty(), "no longer pending");
    let mut answer = s.ws.requests[&Id::new("q5")].clone();
    answer.status = RequestStatus::Approved;
    update(
        &mut s,
        Msg::Resolved {
            id: Id::new("q5"),
            result: Ok(answer),
        },
    );
    assert_eq!(
        s.notice.as_deref(),
        Some("Request #q5 approved: Chloé staffs Designer on Evergreen")
    );
    assert!(s.ws.allocations[&Id::new("pencil")].hard);
    assert!(s.pending.is_empty());
}

#[test]
fn a_refused_approval_puts_the_soft_allocations_back() {
    let mut s = kantata_queue();
    let before = s.ws.allocations[&Id::new("pencil")].clone();
    approve(&mut s);
    update(
        &mut s,
        Msg::Resolved {
            id: Id::new("q5"),
            result: Err(BackendError::Other(
                "Kantata refused: not an approver".into(),
            )),
        },
    );
    assert_eq!(s.ws.allocations[&Id::new("pencil")], before, "soft again");
    assert!(s.ws.requests[&Id::new("q5")].status.is_pending());
    assert_eq!(s.queue, vec![Id::new("q5")]);
    assert!(s.requests.marks.contains(&Id::new("q5")));
    assert!(
        s.error
            .as_deref()
            .is_some_and(|e| e.contains("could not resolve request #q5. It stays marked")),
        "{:?}",
        s.error
    );
}

#[test]
fn a_request_with_nothing_to_harden_says_so_and_sorts_last_by_start() {
    let mut s = kantata_queue();
    s.ws.remove_allocation(&Id::new("pencil"));
    let mut other = s.ws.requests[&Id::new("q5")].clone();
    other.id = Id::new("q6");
    other.period = Some(DateRange::new(d("2027-03-01"), d("2027-03-05")));
    s.ws.requests.insert(other.id.clone(), other);
    update(&mut s, Command::SortRequests); // starting soonest
    assert_eq!(s.requests.sort, RequestSort::Start);
    assert_eq!(
        s.queue,
        vec![Id::new("q6"), Id::new("q5")],
        "no dates, last"
    );
    let at = s.queue.iter().position(|q| q.as_str() == "q5").unwrap();
    s.requests.selected = at;
    update(&mut s, Command::Approve);
    let q = s.confirm().cloned().unwrap().question;
    assert_eq!(
        q,
        "Approve #q5 Evergreen · Chloé (hard)?\nchanges no allocation · cannot be undone in Kantata OX"
    );
    assert!(impact(&s.ws, &s.ws.requests[&Id::new("q5")], &Id::new("2")).is_empty());
}

#[test]
fn before_the_allocations_are_in_nothing_is_claimed_about_what_approving_hardens() {
    let mut s = State::new(
        d("2026-11-23"),
        BackendKind::Kantata,
        "http://127.0.0.1/api/v1",
    );
    update(&mut s, Msg::Start);
    let window = s.window;
    let ready = kantata_queue();
    // Roster and requests are in; the allocations are still being read.
    update(
        &mut s,
        Msg::RosterLoaded(Ok(Roster {
            name: "Test".into(),
            current_user: ready.ws.current_user.clone(),
            people: ready.ws.people.values().cloned().collect(),
            projects: ready.ws.projects.values().cloned().collect(),
            resources: ready.ws.resources.values().cloned().collect(),
            ..Default::default()
        })),
    );
    update(
        &mut s,
        Msg::RequestsLoaded(Ok(ready.ws.requests.values().cloned().collect())),
    );
    update(&mut s, Command::ShowRequests);
    assert!(!allocations_known(&s));
    update(&mut s, Command::Approve);
    assert_eq!(
        s.confirm().cloned().unwrap().question,
        "Approve #q5 Evergreen · Chloé (hard)?\nits allocations are still loading · cannot be undone in Kantata OX"
    );
    update(&mut s, Command::No);
    let loaded: Vec<Allocation> = ready.ws.allocations.values().cloned().collect();
    update(
        &mut s,
        Msg::AllocationsLoaded {
            window,
            result: Ok(loaded),
        },
    );
    assert!(allocations_known(&s));
    approve(&mut s);
}
