//! The split offered as one approval (issue 15): where nobody fits alone, two people who
//! together fit, one y/n naming both, sent as one unit; on the embedded store `u` takes it all
//! back. The demo's #5027 (○ Designer on Patient Portal) is such a request.

mod common;

use allot::app::requests::SplitPlan;
use allot::app::state::OnYes;
use allot::app::{Command, Effect, Msg, State, ThemeKind, update};
use allot::client::{
    Applied, Backend, BackendError, BackendKind, BundleDone, BundleFailed, Change, Resolution,
};
use allot::domain::model::fmt_hours;
use allot::domain::{Amount, Id, RequestStatus};
use common::demo::{DemoApp, demo_state, draw, with};
use std::sync::OnceLock;

const SPLIT: &str = "5027";

fn demo() -> State {
    static STATE: OnceLock<State> = OnceLock::new();
    STATE.get_or_init(|| demo_state(ThemeKind::Mono)).clone()
}

fn select(s: &mut State, id: &str) {
    let at = s
        .queue
        .iter()
        .position(|q| q.as_str() == id)
        .unwrap_or_else(|| panic!("#{id} in the queue"));
    s.requests.selected = at;
    allot::app::requests::refresh(s);
}

/// The demo at 80x24 on the Requests view with #5027 selected.
fn on_split() -> State {
    let mut s = with(demo(), 80, 24, &[Command::ShowRequests]);
    select(&mut s, SPLIT);
    s
}

fn plan_of(s: &State) -> SplitPlan {
    match s.confirm().map(|c| &c.on_yes) {
        Some(OnYes::Split(plan)) => (**plan).clone(),
        other => panic!("the split's y/n: {other:?}"),
    }
}

fn minutes(a: &Amount) -> u64 {
    match a {
        Amount::TotalMinutes(m) => u64::from(*m),
        other => panic!("a split books total minutes: {other:?}"),
    }
}

/// The minutes the backend holds on `resource`.
fn stored_on(app: &DemoApp, resource: &Id) -> u64 {
    app.stored()
        .iter()
        .filter(|a| &a.resource_id == resource)
        .map(|a| minutes(&a.amount))
        .sum()
}

/// What the backend holds after the split of `plan`: the first person's minutes on the
/// request's `resource` (staffed with them), the second's on their resource of the same
/// project and role, and that resource; every allocation of both hard.
fn booked(app: &DemoApp, resource: &Id, plan: &SplitPlan) -> (u64, u64, Id) {
    let roster = app.rt.block_on(app.backend.roster()).unwrap();
    let staffed = roster.resources.iter().find(|r| &r.id == resource).unwrap();
    assert_eq!(staffed.person_id.as_ref(), Some(&plan.first));
    let theirs = roster
        .resources
        .iter()
        .find(|r| {
            r.person_id.as_ref() == Some(&plan.second)
                && r.project_id == staffed.project_id
                && r.role == staffed.role
        })
        .expect("the second person's resource on the project, in the role");
    for a in app.stored() {
        if &a.resource_id == resource || a.resource_id == theirs.id {
            assert!(a.hard, "booked hard: {a:?}");
        }
    }
    (
        stored_on(app, resource),
        stored_on(app, &theirs.id),
        theirs.id.clone(),
    )
}

#[test]
fn s_asks_one_y_n_naming_request_project_both_people_their_hours_and_peaks() {
    let mut s = on_split();
    let split = allot::app::requests::ranked(&s, &s.ws.requests[&Id::new(SPLIT)])
        .and_then(|k| k.split.clone())
        .expect("nobody fits #5027 alone: a split");
    let effects = update(&mut s, Command::ApproveSplit);
    assert!(effects.is_empty(), "nothing sent before y: {effects:?}");
    let plan = plan_of(&s);
    assert_eq!(
        (plan.first.clone(), plan.second.clone()),
        (split.first.clone(), split.second.clone())
    );
    assert_eq!(plan.first_minutes(), split.first_minutes);
    assert_eq!(plan.second_minutes(), split.second_minutes);
    let q = s.confirm().unwrap().question.clone();
    for part in [
        "#5027".to_string(),
        "Patient Portal".into(),
        s.ws.person_name(&split.first).to_string(),
        s.ws.person_name(&split.second).to_string(),
        format!("{}h", fmt_hours(split.first_minutes)),
        format!("{}h", fmt_hours(split.second_minutes)),
        "u undoes".into(),
    ] {
        assert!(q.contains(&part), "{part:?} in {q}");
    }
    assert_eq!(q.matches("peak W").count(), 2, "each one's peak week: {q}");
    let a = plan.first_peak.as_ref().expect("a peak");
    assert!(
        a.load <= a.capacity,
        "the first stays within capacity: {a:?}"
    );
    let b = plan.second_peak.as_ref().expect("a peak");
    assert!(b.load <= b.capacity, "the second too: {b:?}");
}

#[test]
fn n_closes_the_split_y_n_and_changes_nothing() {
    let mut s = on_split();
    let id = Id::new(SPLIT);
    let (request, allocations) = (s.ws.requests[&id].clone(), s.ws.allocations.clone());
    update(&mut s, Command::ApproveSplit);
    let effects = update(&mut s, Command::No);
    assert!(effects.is_empty());
    assert!(s.confirm().is_none());
    assert_eq!(s.ws.requests[&id], request);
    assert_eq!(s.ws.allocations, allocations);
    assert!(s.pending.is_empty());
}

#[test]
fn y_sends_the_approval_and_the_rest_as_one_unit_and_shows_it_at_once() {
    let mut s = on_split();
    let r = s.ws.requests[&Id::new(SPLIT)].clone();
    update(&mut s, Command::ApproveSplit);
    let plan = plan_of(&s);
    let effects = update(&mut s, Command::Yes);
    let [Effect::ResolveWith { id, bundle }] = effects.as_slice() else {
        panic!("one unit sent: {effects:?}")
    };
    assert_eq!(id.as_str(), SPLIT);
    assert_eq!(
        bundle.how,
        Resolution::Approve {
            user_id: Some(plan.first.clone()),
            soft: false
        }
    );
    // Before approving: the request's allocation replaced by the first person's share.
    let deleted = bundle
        .before
        .iter()
        .filter(|c| matches!(c, Change::Delete { .. }))
        .count();
    assert_eq!(deleted, 1, "#5027's one allocation goes");
    let first: u64 = bundle
        .before
        .iter()
        .filter_map(|c| match c {
            Change::Create(n) if n.resource_id == r.resource_id => Some(minutes(&n.amount)),
            _ => None,
        })
        .sum();
    assert_eq!(first, plan.first_minutes());
    // After: a resource for the second person on the same project and role, and the rest on it.
    let Some(Change::CreateResource { temp_id, new }) = bundle.after.first() else {
        panic!("a resource for the second person: {:?}", bundle.after)
    };
    let res = &s.ws.resources[&r.resource_id];
    assert_eq!(new.person_id.as_ref(), Some(&plan.second));
    assert_eq!(new.project_id, res.project_id.clone().unwrap());
    assert_eq!(new.role.as_deref(), Some(res.role.as_str()));
    let second: u64 = bundle
        .after
        .iter()
        .filter_map(|c| match c {
            Change::Create(n) if &n.resource_id == temp_id && n.hard => Some(minutes(&n.amount)),
            _ => None,
        })
        .sum();
    assert_eq!(second, plan.second_minutes());
    // Shown at once: approved, staffed with the first person.
    assert_eq!(s.ws.requests[id].status, RequestStatus::Approved);
    assert_eq!(
        s.ws.resources[&r.resource_id].person_id.as_ref(),
        Some(&plan.first)
    );
    assert_eq!(s.writes_in_flight(), 1);
}

/// The y/n answered yes on the demo state, with what was sent.
fn sent() -> (State, SplitPlan, allot::client::Bundle) {
    let mut s = on_split();
    update(&mut s, Command::ApproveSplit);
    let plan = plan_of(&s);
    let effects = update(&mut s, Command::Yes);
    let [Effect::ResolveWith { bundle, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let bundle = bundle.clone();
    (s, plan, bundle)
}

#[test]
fn refused_whole_puts_everything_back_and_says_nothing_changed() {
    let before = on_split();
    let (mut s, _, _) = sent();
    update(
        &mut s,
        Msg::ResolvedWith {
            id: Id::new(SPLIT),
            result: Err(BundleFailed {
                done: BundleDone::default(),
                cause: BackendError::Validation {
                    field: None,
                    message: "the workspace is locked".into(),
                },
            }),
        },
    );
    let id = Id::new(SPLIT);
    assert_eq!(s.ws.requests[&id], before.ws.requests[&id]);
    let res = &before.ws.requests[&id].resource_id;
    assert_eq!(s.ws.resources[res], before.ws.resources[res]);
    assert!(s.pending.is_empty());
    let error = s.error.clone().unwrap_or_default();
    assert!(
        error.contains("the workspace is locked") && error.contains("Nothing changed"),
        "{error}"
    );
    assert!(s.requests.undo.is_empty(), "nothing to undo");
}

#[test]
fn failing_after_the_first_half_landed_says_what_landed_and_what_did_not() {
    let (mut s, plan, bundle) = sent();
    let id = Id::new(SPLIT);
    let r = s.ws.requests[&id].clone();
    // The first half as a backend would answer it; the second person's resource refused.
    let mut n = 9000;
    let before: Vec<Applied> = bundle
        .before
        .iter()
        .map(|c| match c {
            Change::Delete { id, .. } => Applied::Deleted(id.clone()),
            Change::Create(x) => {
                n += 1;
                Applied::Created(allot::domain::Allocation {
                    id: Id::from(n),
                    resource_id: x.resource_id.clone(),
                    project_id: None,
                    range: x.range,
                    amount: x.amount,
                    hard: true,
                    notes: x.notes.clone(),
                    read_only: false,
                    allocate_on_time_off: false,
                    server_total_minutes: None,
                    version: 2,
                })
            }
            other => panic!("{other:?}"),
        })
        .collect();
    let approved = allot::domain::Request {
        status: RequestStatus::Approved,
        ..r.clone()
    };
    update(
        &mut s,
        Msg::ResolvedWith {
            id: id.clone(),
            result: Err(BundleFailed {
                done: BundleDone {
                    before,
                    request: Some(approved),
                    after: Vec::new(),
                },
                cause: BackendError::Validation {
                    field: Some("role_id".into()),
                    message: "is not a role on this account".into(),
                },
            }),
        },
    );
    let error = s.error.clone().unwrap_or_default();
    let first = s.ws.person_name(&plan.first).to_string();
    let second = s.ws.person_name(&plan.second).to_string();
    assert!(
        error.contains("role_id: is not a role on this account"),
        "{error}"
    );
    assert!(
        error.contains(&format!("Done: the request's allocations cut to {first}'s"))
            && error.contains(&format!("#5027 approved with {first}")),
        "{error}"
    );
    assert!(
        error.contains(&format!(
            "Not done: {second}'s {}h booked",
            fmt_hours(plan.second_minutes())
        )),
        "{error}"
    );
    // What landed stays on screen as the backend stored it.
    assert_eq!(s.ws.requests[&id].status, RequestStatus::Approved);
    let on_request: u64 =
        s.ws.allocations
            .values()
            .filter(|a| a.resource_id == r.resource_id)
            .map(|a| minutes(&a.amount))
            .sum();
    assert_eq!(on_request, plan.first_minutes());
    assert!(s.pending.is_empty());
}

/// The split answered yes on a real store: the app, the plan, the request's resource, and the
/// y/n's words.
fn split_on_store() -> (DemoApp, SplitPlan, Id, String) {
    let mut app = DemoApp::new();
    app.act(Msg::Resize(80, 24));
    app.act(Command::ShowRequests);
    select(&mut app.state, SPLIT);
    let resource = app.state.ws.requests[&Id::new(SPLIT)].resource_id.clone();
    app.act(Command::ApproveSplit);
    let plan = plan_of(&app.state);
    let question = app.state.confirm().unwrap().question.clone();
    app.act(Command::Yes);
    (app, plan, resource, question)
}

#[test]
fn on_the_store_both_shares_add_up_to_what_the_request_asked_each_as_the_y_n_said() {
    let app0 = DemoApp::new();
    let asked = stored_on(&app0, &app0.state.ws.requests[&Id::new(SPLIT)].resource_id);
    drop(app0);

    let (app, plan, resource, question) = split_on_store();
    let notice = app.state.notice.clone().unwrap_or_default();
    let first = app.state.ws.person_name(&plan.first).to_string();
    let second = app.state.ws.person_name(&plan.second).to_string();
    assert!(
        notice.starts_with("Request #5027 split: ")
            && notice.contains(&first)
            && notice.contains(&second)
            && notice.contains("Patient Portal"),
        "{notice}"
    );
    let (mine, theirs_minutes, theirs) = booked(&app, &resource, &plan);
    assert_eq!(mine, plan.first_minutes(), "{first}'s share");
    assert_eq!(theirs_minutes, plan.second_minutes(), "{second}'s share");
    assert_eq!(mine + theirs_minutes, asked, "together, what it asked");
    // Each as the y/n said it.
    for (who, m) in [(&first, mine), (&second, theirs_minutes)] {
        let said = format!("{who}: {}h hard", fmt_hours(m));
        assert!(question.contains(&said), "{said:?} in {question}");
    }
    let requests = app.rt.block_on(app.backend.requests()).unwrap();
    let r = requests.iter().find(|r| r.id.as_str() == SPLIT).unwrap();
    assert_eq!(r.status, RequestStatus::Approved);
    // The screen agrees with the store.
    assert_eq!(
        app.state.ws.resources[&resource].person_id.as_ref(),
        Some(&plan.first)
    );
    assert!(app.state.ws.resources.contains_key(&theirs));
}

#[test]
fn u_takes_the_whole_split_back_in_one_step() {
    let before = DemoApp::new();
    let (mut app, plan, resource, _) = split_on_store();
    let resources_before = app.rt.block_on(before.backend.roster()).unwrap().resources;
    let held = |app: &DemoApp| -> Vec<(allot::domain::DateRange, Amount, bool)> {
        app.stored()
            .into_iter()
            .filter(|a| a.resource_id == resource)
            .map(|a| (a.range, a.amount, a.hard))
            .collect()
    };
    let was = held(&before);
    app.act(Command::Undo);
    assert!(app.state.error.is_none(), "{:?}", app.state.error);
    let notice = app.state.notice.clone().unwrap_or_default();
    assert!(notice.starts_with("Undid the split: #5027"), "{notice}");
    let requests = app.rt.block_on(app.backend.requests()).unwrap();
    let r = requests.iter().find(|r| r.id.as_str() == SPLIT).unwrap();
    assert_eq!(r.status, RequestStatus::New);
    let roster = app.rt.block_on(app.backend.roster()).unwrap();
    // The second person's new resource stays, empty: a person keeps their last resource in
    // their primary role on a project (the store's rule, Kantata's).
    assert_eq!(roster.resources.len(), resources_before.len() + 1);
    assert!(
        notice.contains("new Designer resource stays, empty"),
        "{notice}"
    );
    let back = roster.resources.iter().find(|r| r.id == resource).unwrap();
    assert_eq!(back.person_id, None, "unnamed again");
    assert_eq!(held(&app), was, "its allocation as it was, soft");
    let theirs = app
        .stored()
        .into_iter()
        .filter(|a| {
            roster
                .resources
                .iter()
                .any(|r| r.id == a.resource_id && r.person_id.as_ref() == Some(&plan.second))
        })
        .count();
    let theirs_before = before
        .stored()
        .into_iter()
        .filter(|a| {
            resources_before
                .iter()
                .any(|r| r.id == a.resource_id && r.person_id.as_ref() == Some(&plan.second))
        })
        .count();
    assert_eq!(theirs, theirs_before, "nothing left booked for the second");
    assert!(
        app.state.queue.contains(&Id::new(SPLIT)),
        "back in the queue"
    );
    assert!(app.state.requests.undo.is_empty(), "one step took it all");
}

#[test]
fn the_pane_names_the_key_and_s_elsewhere_says_there_is_no_split() {
    let s = on_split();
    let screen = format!("{}", draw(&s, 80, 24).backend());
    assert!(
        screen.contains("S split: "),
        "the key where offered: {screen}"
    );
    // A request someone fits alone has no split to approve.
    let mut s = with(demo(), 80, 24, &[Command::ShowRequests]);
    select(&mut s, "5008");
    let effects = update(&mut s, Command::ApproveSplit);
    assert!(effects.is_empty() && s.confirm().is_none());
    let notice = s.notice.clone().unwrap_or_default();
    assert!(notice.starts_with("No split for #5008"), "{notice}");
    // Ruddr has no requests at all.
    let mut s = demo();
    s.backend = BackendKind::Ruddr;
    let mut s = with(s, 80, 24, &[Command::ShowRequests]);
    update(&mut s, Command::ApproveSplit);
    assert!(s.confirm().is_none());
    let notice = s.notice.clone().unwrap_or_default();
    assert!(notice.contains("has no staffing requests"), "{notice}");
}

#[test]
fn the_split_y_n_at_80x24() {
    let mut s = on_split();
    update(&mut s, Command::ApproveSplit);
    insta::assert_snapshot!("split_confirm_80x24", draw(&s, 80, 24).backend());
}

#[test]
fn on_kantata_the_split_goes_through_its_documented_writes_and_adds_up() {
    let mut app = DemoApp::kantata();
    app.act(Msg::Resize(80, 24));
    app.act(Command::ShowRequests);
    select(&mut app.state, SPLIT);
    let resource = app.state.ws.requests[&Id::new(SPLIT)].resource_id.clone();
    let asked = stored_on(&app, &resource);
    app.act(Command::ApproveSplit);
    let q = app
        .state
        .confirm()
        .cloned()
        .expect("the split's y/n")
        .question;
    assert!(q.contains("cannot be undone in Kantata OX"), "{q}");
    let plan = plan_of(&app.state);
    app.act(Command::Yes);
    assert!(app.state.error.is_none(), "{:?}", app.state.error);
    let notice = app.state.notice.clone().unwrap_or_default();
    assert!(notice.starts_with("Request #5027 split: "), "{notice}");
    // What the sandbox stored (it keeps to Kantata's documents) is what the y/n said.
    let (mine, theirs, _) = booked(&app, &resource, &plan);
    assert_eq!(mine, plan.first_minutes());
    assert_eq!(theirs, plan.second_minutes());
    assert_eq!(mine + theirs, asked);
    assert!(
        app.state.requests.undo.is_empty(),
        "Kantata cannot take it back"
    );
}

#[test]
fn splitting_a_request_i_do_not_approve_asks_first_then_shows_the_split() {
    let mut s = on_split();
    let other =
        s.ws.people
            .keys()
            .find(|p| Some(*p) != s.ws.current_user.as_ref())
            .cloned()
            .unwrap();
    s.ws.requests.get_mut(&Id::new(SPLIT)).unwrap().approver_ids = vec![other];
    update(&mut s, Command::ApproveSplit);
    let q = s.confirm().cloned().expect("the first question").question;
    assert!(q.starts_with("You are not an approver of #5027"), "{q}");
    let effects = update(&mut s, Command::Yes);
    assert!(effects.is_empty(), "nothing sent yet");
    plan_of(&s);
}
