//! A Kantata request for a named person, and what allot shows for it: no period (Kantata's
//! ResourceRequest has none), and what approving does there, which soft allocations of the
//! request's resource become hard, with their dates and hours. Against the sandbox serving the
//! demo (request #5014: Chloé Dubois on Evergreen Website Relaunch, resource 3017), through
//! the client, the impact function, the screens and the app's approve; the embedded store's own
//! request screens beside it.

mod common;

use allot::app::state::initial_window;
use allot::app::{Command, State, ThemeKind};
use allot::client::{Backend, NewAllocation, Resolution};
use allot::domain::dates::parse_date;
use allot::domain::impact::{approval_hardens, asked_minutes, impact_span};
use allot::domain::{Allocation, Amount, DateRange, Id, RequestStatus};
use chrono::NaiveDate;
use common::demo::{DemoApp, demo_state, draw, kantata_sandbox, loaded, today, with};

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

const REQUEST: &str = "5014";
const RESOURCE: &str = "3017";

/// Work penciled in for Chloé on Evergreen after her booked weeks there (which end 2027-01-22).
fn penciled() -> NewAllocation {
    NewAllocation {
        resource_id: Id::new(RESOURCE),
        range: DateRange::new(d("2027-01-25"), d("2027-02-05")),
        amount: Amount::TotalMinutes(40 * 60),
        hard: false,
        notes: "Phase 3 design".into(),
    }
}

/// (id, range, minutes, hard) of the store's allocations of the request's resource.
fn of_resource(all: &[Allocation]) -> Vec<(Id, DateRange, Amount, bool)> {
    let mut v: Vec<_> = all
        .iter()
        .filter(|a| a.resource_id == Id::new(RESOURCE))
        .map(|a| (a.id.clone(), a.range, a.amount, a.hard))
        .collect();
    v.sort_by_key(|x| x.1.start);
    v
}

#[tokio::test]
async fn a_named_persons_request_shows_what_approving_hardens_never_a_guessed_period() {
    let (sb, k) = kantata_sandbox().await;
    let window = initial_window(today());

    // As served: Chloé's work on Evergreen is booked (hard) but for the allocation the request
    // was made with (soft, its dates at 60 %), which is what approving hardens.
    let ws = loaded(&k).await;
    let r = &ws.requests[&Id::new(REQUEST)];
    assert_eq!(r.resource_id, Id::new(RESOURCE));
    assert!(r.status.is_pending());
    assert_eq!(
        (r.period, r.percentage),
        (None, None),
        "Kantata's request has no period or share; the old client read 2026-05-25..2027-01-22 at 75% off her booked work"
    );
    let asked = DateRange::new(d("2026-12-28"), d("2027-02-21"));
    let first = approval_hardens(&ws, r);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].allocation.range, asked);
    assert_eq!(first[0].allocation.notes, "Requested in #5014");
    let requested = first[0].allocation.id.clone();
    assert_eq!(impact_span(&ws, r), Some(asked));
    assert_eq!(asked_minutes(&ws, r), None);
    let booked = of_resource(&sb.backend().allocations(window).await.unwrap());
    assert!(
        booked.len() > 3 && booked.iter().filter(|a| !a.3).count() == 1,
        "{booked:?}"
    );

    // Penciled-in work on the same resource: that too is what approving hardens.
    let made = k.create_allocations(vec![penciled()]).await.unwrap();
    let ws = loaded(&k).await;
    let r = &ws.requests[&Id::new(REQUEST)];
    let hardened: Vec<(Id, DateRange, u64)> = approval_hardens(&ws, r)
        .iter()
        .map(|h| (h.allocation.id.clone(), h.allocation.range, h.minutes))
        .collect();
    assert_eq!(
        hardened.iter().map(|h| h.0.clone()).collect::<Vec<_>>(),
        [requested, made[0].id.clone()],
        "the soft allocations in start order; the booked ones are not listed"
    );
    assert_eq!(hardened[1], (made[0].id.clone(), penciled().range, 40 * 60));
    assert_eq!(impact_span(&ws, r), Some(asked));
    assert_eq!(r.period, None, "still no period of its own");

    // Approving over the API does exactly that: the soft one becomes hard, nothing else moves.
    let before = of_resource(&sb.backend().allocations(window).await.unwrap());
    let done = k
        .resolve_request(
            Id::new(REQUEST),
            Resolution::Approve {
                user_id: None,
                soft: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(done.status, RequestStatus::Approved);
    assert_eq!(done.period, None);
    let after = of_resource(&sb.backend().allocations(window).await.unwrap());
    let expected: Vec<_> = before
        .into_iter()
        .map(|(id, range, amount, hard)| {
            let listed = hardened.iter().any(|h| h.0 == id);
            (id, range, amount, hard || listed)
        })
        .collect();
    assert_eq!(after, expected);
}

#[tokio::test]
async fn an_unnamed_request_hardens_the_allocation_the_store_made_with_its_period() {
    // The embedded store keeps the request's period and made a soft allocation with it; over
    // Kantata the request has no period, and what approving hardens is that allocation.
    let (sb, k) = kantata_sandbox().await;
    let ws = loaded(&k).await;
    let store = loaded(sb.backend()).await;
    let id = Id::new("5001");
    let (kantata, embedded) = (&ws.requests[&id], &store.requests[&id]);
    assert_eq!(kantata.period, None);
    let period = embedded.period.expect("the store keeps its period");
    assert_eq!(embedded.percentage, Some(100));
    let hardened = approval_hardens(&ws, kantata);
    assert_eq!(hardened.len(), 1);
    assert_eq!(hardened[0].allocation.range, period);
    assert!(!hardened[0].allocation.hard);
    // Both backends list the same allocation for approval, and the store's impact span is its
    // own period.
    assert_eq!(
        approval_hardens(&store, embedded)
            .iter()
            .map(|h| (h.allocation.id.clone(), h.minutes))
            .collect::<Vec<_>>(),
        [(hardened[0].allocation.id.clone(), hardened[0].minutes)]
    );
    assert_eq!(impact_span(&store, embedded), Some(period));
}

/// The app on the Kantata sandbox with Chloé's penciled-in work, on the Requests view with
/// #5014 selected, sized `w`×`h`.
fn kantata_app_on_the_request(w: u16, h: u16) -> DemoApp {
    let mut app = DemoApp::kantata();
    let client = app.client.clone();
    app.rt
        .block_on(client.create_allocations(vec![penciled()]))
        .unwrap();
    app.act(Command::Refresh);
    select(&mut app.state, w, h, REQUEST);
    app
}

/// Sizes the screen, shows the Requests view and moves the cursor onto request `id`.
fn select(state: &mut State, w: u16, h: u16, id: &str) {
    let at = state
        .queue
        .iter()
        .position(|q| q.as_str() == id)
        .expect("the request is in my queue");
    let mut actions = vec![Command::ShowRequests];
    actions.extend(std::iter::repeat_n(Command::Down, at));
    *state = with(state.clone(), w, h, &actions);
}

#[test]
fn the_kantata_request_list_and_pane_say_there_is_no_period_and_list_what_approving_hardens() {
    for (w, h) in [(80, 24), (160, 48)] {
        let app = kantata_app_on_the_request(w, h);
        let terminal = draw(&app.state, w, h);
        let screen: String = terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        assert!(
            screen.contains("Kantata OX requests carry no period; approving makes these"),
            "{screen}"
        );
        assert!(
            screen.contains("hardens 12-28→02-21"),
            "the list marks the span as what approval hardens"
        );
        assert!(!screen.contains("2026-05-25"), "never a guessed period");
        insta::assert_snapshot!(format!("kantata_request_5014_{w}x{h}"), terminal.backend());
    }
}

#[test]
fn a_kantata_request_as_served_lists_the_allocation_it_was_made_with() {
    let mut app = DemoApp::kantata();
    select(&mut app.state, 80, 24, REQUEST);
    let terminal = draw(&app.state, 80, 24);
    insta::assert_snapshot!("kantata_request_5014_as_served_80x24", terminal.backend());
}

#[test]
fn the_embedded_stores_request_shows_its_own_period_and_what_approving_hardens() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut state = demo_state(ThemeKind::Mono);
        // Lucas Martin's request (#5015): a named person with penciled-in work on the project.
        select(&mut state, w, h, "5015");
        let terminal = draw(&state, w, h);
        insta::assert_snapshot!(format!("embedded_request_5015_{w}x{h}"), terminal.backend());
    }
}

#[test]
fn approving_the_kantata_request_in_the_app_hardens_what_it_showed() {
    let mut app = kantata_app_on_the_request(80, 24);
    let listed: Vec<Id> = {
        let r = &app.state.ws.requests[&Id::new(REQUEST)];
        approval_hardens(&app.state.ws, r)
            .iter()
            .map(|h| h.allocation.id.clone())
            .collect()
    };
    assert_eq!(listed.len(), 2, "the request's own and the penciled-in one");
    app.act(Command::Approve);
    let question = app.state.confirm().cloned().expect("y/n").question;
    assert_eq!(
        question,
        "Approve #5014 Evergreen Website Relaunch · Chloé Dubois (hard)?\nmakes 2 allocations hard (217.6h) · cannot be undone in Kantata OX\nThis books Chloé Dubois over capacity: peak W05 ▲110%, 8h over in 2 weeks"
    );
    app.act(Command::Yes);
    assert_eq!(
        app.state.ws.requests[&Id::new(REQUEST)].status,
        RequestStatus::Approved
    );
    for id in &listed {
        assert!(app.state.ws.allocations[id].hard, "shown hard");
        let stored = app.stored().into_iter().find(|a| &a.id == id).unwrap();
        assert!(stored.hard, "and Kantata (the sandbox) made it hard");
    }
    assert_eq!(
        app.state.notice.as_deref(),
        Some("Request #5014 approved: Chloé Dubois staffs Designer on Evergreen Website Relaunch")
    );
}

#[tokio::test]
async fn headless_lists_a_null_period_and_what_approving_hardens() {
    use allot::domain::model::StatusFilter;
    use allot::headless::{Context, Exit, ListOptions, list};
    let (sb, k) = kantata_sandbox().await;
    let made = k.create_allocations(vec![penciled()]).await.unwrap();
    let requested = sb
        .backend()
        .allocations(initial_window(today()))
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.notes == "Requested in #5014")
        .expect("the allocation #5014 was made with");
    let ctx = Context {
        today: today(),
        user: None,
        width: 80,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let opts = ListOptions {
        status: StatusFilter::Pending,
        mine: false,
        json: true,
    };
    assert_eq!(
        list(&k, &ctx, &opts, &mut out, &mut err).await,
        Exit::Success
    );
    assert_eq!(String::from_utf8_lossy(&err), "");
    let items: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let q = items
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == REQUEST)
        .unwrap();
    assert!(q["period"].is_null() && q["percentage"].is_null(), "{q}");
    assert_eq!(
        q["approval_hardens"],
        serde_json::json!([{"allocation_id": requested.id.as_str(), "start": "2026-12-28",
                            "end": "2027-02-21", "hours": 177.6},
                           {"allocation_id": made[0].id.as_str(), "start": "2027-01-25",
                            "end": "2027-02-05", "hours": 40.0}])
    );
    let window = initial_window(today());
    assert_eq!(
        q["approval_hardens_within"],
        serde_json::json!({"start": window.start.to_string(), "end": window.end.to_string()})
    );

    let mut table = Vec::new();
    let opts = ListOptions {
        json: false,
        ..opts
    };
    assert_eq!(
        list(&k, &ctx, &opts, &mut table, &mut err).await,
        Exit::Success
    );
    let table = String::from_utf8(table).unwrap();
    let row = table.lines().find(|l| l.starts_with("5014 ")).unwrap();
    assert!(row.contains("2 (217.6h) 2026-12-28..2027-02-21"), "{row}");
    assert!(!row.contains("2026-05-25"), "never a guessed period: {row}");
}

fn screen_of(state: &State, w: u16, h: u16) -> String {
    draw(state, w, h)
        .backend()
        .buffer()
        .content()
        .chunks(w as usize)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
        .collect()
}

#[test]
fn the_picker_and_a_resolved_kantata_request_name_no_period_either() {
    let mut app = DemoApp::kantata();
    // The picker for an unnamed request heads with what approving hardens.
    select(&mut app.state, 80, 24, "5008");
    app.act(Command::Approve);
    let screen = screen_of(&app.state, 80, 24);
    assert!(
        screen.contains("#5008 Grid Forecasting · ○ Analyst · hardens 12-07→02-05"),
        "{screen}"
    );
    app.act(Command::Cancel);
    // Approved, it has nothing left to harden and still no period.
    let app = {
        let mut app = kantata_app_on_the_request(80, 24);
        app.act(Command::Approve);
        app.act(Command::Yes);
        app.act(Command::NextStatus); // approved
        app
    };
    let mut state = app.state.clone();
    select(&mut state, 80, 24, REQUEST);
    let screen = screen_of(&state, 80, 24);
    assert!(
        screen.contains("Kantata OX requests carry no period; this one is approved."),
        "{screen}"
    );
    assert!(!screen.contains("2026-05-25"), "{screen}");
}
