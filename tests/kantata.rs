//! allot's Kantata client against the Kantata sandbox: every endpoint allot uses, the app's
//! edits over HTTP, and faults (429 storms, 503, timeouts, truncated JSON).

mod common;

use allot::app::{Command, Msg};
use allot::client::kantata::backend::KantataBackend;
use allot::client::{
    Applied, Backend, BackendError, Change, NewAllocation, NewRequest, NewResource, RequestTarget,
    Resolution,
};
use allot::domain::dates::parse_date;
use allot::domain::staffing::When;
use allot::domain::{Allocation, Amount, DateRange, Id, RequestStatus};
use allot::sandbox::{FaultConfig, Sandbox};
use chrono::NaiveDate;
use common::demo::{DemoApp, http_config, kantata_sandbox, today};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

fn ever() -> DateRange {
    DateRange::new(d("1900-01-01"), d("2999-12-31"))
}

/// A front for the sandbox that notes every method, path and (decoded) query allot sends, then
/// forwards it as it came.
struct Recorder {
    url: String,
    asked: Arc<Mutex<Vec<Asked>>>,
}

#[derive(Clone, Debug)]
struct Asked {
    method: String,
    path: String,
    query: Vec<(String, String)>,
}

impl Asked {
    fn get(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl Recorder {
    async fn start(sb: &Sandbox) -> Recorder {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let origin = sb.url.strip_suffix("/api/v1").unwrap().to_string();
        let asked: Arc<Mutex<Vec<Asked>>> = Arc::default();
        let log = Arc::clone(&asked);
        let client = reqwest::Client::new();
        let app = axum::Router::new().fallback(
            move |method: axum::http::Method,
                  headers: axum::http::HeaderMap,
                  uri: axum::http::Uri,
                  body: axum::body::Bytes| {
                let (client, origin, log) = (client.clone(), origin.clone(), Arc::clone(&log));
                async move {
                    let pq = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                    let url = reqwest::Url::parse(&format!("{origin}{pq}")).unwrap();
                    log.lock().unwrap().push(Asked {
                        method: method.to_string(),
                        path: url.path().to_string(),
                        query: url
                            .query_pairs()
                            .map(|(k, v)| (k.into(), v.into()))
                            .collect(),
                    });
                    let mut req = client.request(method, url).body(body);
                    for (k, v) in headers.iter().filter(|(k, _)| *k != "host") {
                        req = req.header(k, v);
                    }
                    let answer = req.send().await.unwrap();
                    let status = answer.status();
                    (status, answer.bytes().await.unwrap())
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Recorder {
            url: format!("http://{addr}/api/v1"),
            asked,
        }
    }

    /// What was asked since the last call.
    fn take(&self) -> Vec<Asked> {
        std::mem::take(&mut *self.asked.lock().unwrap())
    }
}

/// A client that goes through `rec`, counting "recently resolved" back from `today`.
fn recorded_client(sb: &Sandbox, rec: &Recorder, today: NaiveDate) -> KantataBackend {
    let mut config = http_config(sb);
    config.base_url = rec.url.clone();
    let mut client = KantataBackend::new(config).unwrap();
    client.set_today(today);
    client
}

fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

#[tokio::test]
async fn the_planner_sees_through_kantata_what_the_store_holds() {
    let (sb, k) = kantata_sandbox().await;
    let store = sb.backend();
    let (want, got) = (store.roster().await.unwrap(), k.roster().await.unwrap());
    assert_eq!(got.current_user, want.current_user);
    let people = |r: &allot::domain::Roster| {
        sorted(
            r.people
                .iter()
                .map(|p| format!("{}|{}|{}|{}", p.id, p.name, p.email, p.role))
                .collect(),
        )
    };
    // The role is the account role, served only through `include=role`.
    assert_eq!(people(&got), people(&want));
    assert!(want.people.iter().any(|p| !p.role.is_empty()));
    let projects = |r: &allot::domain::Roster| {
        sorted(
            r.projects
                .iter()
                .map(|p| format!("{}|{}|{}", p.id, p.name, p.client))
                .collect(),
        )
    };
    // The client company is the primary workspace group, not `client_role_name`.
    assert_eq!(projects(&got), projects(&want));
    assert!(want.projects.iter().any(|p| !p.client.is_empty()));
    let resources = |r: &allot::domain::Roster| {
        sorted(
            r.resources
                .iter()
                .map(|x| {
                    // Kantata always has a label; the store leaves the default one empty.
                    let label = if x.label.is_empty() {
                        &x.role
                    } else {
                        &x.label
                    };
                    format!(
                        "{}|{:?}|{:?}|{}|{label}",
                        x.id, x.project_id, x.person_id, x.role
                    )
                })
                .collect(),
        )
    };
    assert_eq!(resources(&got), resources(&want), "named and unnamed");

    let window = DateRange::new(d("2026-10-01"), d("2027-03-31"));
    let (w, g) = (
        store.allocations(window).await.unwrap(),
        k.allocations(window).await.unwrap(),
    );
    // Kantata keeps minutes only: the demo's few Ruddr-style amounts arrive as their totals
    // (the sandbox's arithmetic, checked in its own tests), so only their presence is compared.
    let converted: std::collections::HashSet<Id> = w
        .iter()
        .filter(|a| !matches!(a.amount, Amount::TotalMinutes(_)))
        .map(|a| a.id.clone())
        .collect();
    assert!(converted.len() < w.len() / 10);
    let allocs = |v: Vec<Allocation>| {
        sorted(
            v.into_iter()
                .map(|a| {
                    let amount = match a.amount {
                        _ if converted.contains(&a.id) => "converted".to_string(),
                        other => format!("{other:?}"),
                    };
                    format!(
                        "{}|{}|{:?}|{:?}|{amount}|{}",
                        a.id, a.resource_id, a.project_id, a.range, a.hard
                    )
                })
                .collect(),
        )
    };
    assert!(w.len() > 200, "more than one page: {}", w.len());
    let (g, w) = (allocs(g), allocs(w));
    let only = |x: &[String], y: &[String]| -> Vec<String> {
        x.iter()
            .filter(|s| !y.contains(s))
            .take(3)
            .cloned()
            .collect()
    };
    assert!(
        g == w,
        "only through Kantata: {:?}\nonly in the store: {:?}",
        only(&g, &w),
        only(&w, &g)
    );

    // Kantata keeps no dates or share on a request, so those are not compared here; what
    // approving changes is (tests/kantata_requests.rs).
    let requests = |v: Vec<allot::domain::Request>| {
        sorted(
            v.into_iter()
                .map(|r| {
                    format!(
                        "{}|{}|{:?}|{:?}|{}",
                        r.id, r.resource_id, r.status, r.approver_ids, r.creator_id
                    )
                })
                .collect(),
        )
    };
    assert_eq!(
        requests(k.requests().await.unwrap()),
        requests(store.requests().await.unwrap())
    );
    assert_eq!(
        k.whoami().await.unwrap(),
        "Morgan Lee (1001)",
        "config check's call"
    );
}

fn new_alloc(resource: &str, from: &str, to: &str, minutes: u32) -> NewAllocation {
    NewAllocation {
        resource_id: Id::new(resource),
        range: DateRange::new(d(from), d(to)),
        amount: Amount::TotalMinutes(minutes),
        hard: false,
        notes: "contract".into(),
    }
}

/// A named resource of the demo and an unnamed one.
async fn named_and_unnamed(k: &KantataBackend) -> (Id, Id) {
    let roster = k.roster().await.unwrap();
    let named = roster
        .resources
        .iter()
        .find(|r| !r.is_unnamed())
        .unwrap()
        .id
        .clone();
    (named, Id::new("3101"))
}

#[tokio::test]
async fn allocations_are_created_one_or_in_bulk_changed_split_and_deleted() {
    let (sb, k) = kantata_sandbox().await;
    let (named, unnamed) = named_and_unnamed(&k).await;
    let before = sb.backend().allocations(ever()).await.unwrap().len();

    // One, then 450 through apply: bulk requests of at most 200.
    let one = k
        .create_allocations(vec![new_alloc(
            named.as_str(),
            "2027-01-04",
            "2027-01-08",
            2100,
        )])
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].amount, Amount::TotalMinutes(2100));
    assert!(one[0].project_id.is_some(), "include=workspace");
    let many: Vec<Change> = (0..450)
        .map(|i| {
            let day = allot::domain::dates::add_days(d("2027-02-01"), i % 300);
            Change::Create(new_alloc(
                named.as_str(),
                &day.to_string(),
                &day.to_string(),
                60 + i as u32,
            ))
        })
        .collect();
    let applied = k.apply(many).await.unwrap();
    assert_eq!(applied.len(), 450);
    assert!(
        matches!(&applied[449], Applied::Created(a) if a.amount == Amount::TotalMinutes(509)),
        "answers matched back to the order asked"
    );
    assert_eq!(
        sb.backend().allocations(ever()).await.unwrap().len(),
        before + 451
    );

    // Change it; a second change from the old version is refused as stale.
    let a = one[0].clone();
    let moved = Allocation {
        range: DateRange::new(d("2027-01-11"), d("2027-01-15")),
        hard: true,
        ..a.clone()
    };
    let saved = k.update_allocation(moved.clone()).await.unwrap();
    assert_eq!(saved.range, moved.range);
    assert!(saved.hard);
    let stale = k.update_allocation(a.clone()).await.unwrap_err();
    assert!(matches!(stale, BackendError::Stale(_)), "{stale:?}");

    // Split in two at a date.
    let (first, second) = k
        .split_allocation(a.id.clone(), d("2027-01-13"))
        .await
        .unwrap();
    assert_eq!(
        first.range,
        DateRange::new(d("2027-01-11"), d("2027-01-12"))
    );
    assert_eq!(second.range.start, d("2027-01-13"));

    // Delete: gone, and deleting again is "not found".
    k.delete_allocation(second.id.clone()).await.unwrap();
    let again = k.delete_allocation(second.id.clone()).await.unwrap_err();
    assert!(matches!(again, BackendError::NotFound(_)), "{again:?}");

    // Kantata's rules come back as field errors.
    let mut hard = new_alloc(unnamed.as_str(), "2027-01-04", "2027-01-08", 600);
    hard.hard = true;
    let e = k.create_allocations(vec![hard]).await.unwrap_err();
    assert!(
        matches!(&e, BackendError::Validation { field: Some(f), .. } if f == "hard"),
        "unnamed resources are soft only: {e:?}"
    );
    let e = k
        .create_allocations(vec![new_alloc("999999", "2027-01-04", "2027-01-08", 600)])
        .await
        .unwrap_err();
    assert!(
        matches!(&e, BackendError::Validation { field: Some(f), message }
            if f == "resource_id" && message.contains("999999")),
        "an unknown resource is refused naming the field and the id: {e:?}"
    );
}

#[tokio::test]
async fn resources_are_added_named_and_removed() {
    let (sb, k) = kantata_sandbox().await;
    let roster = k.roster().await.unwrap();
    let project = roster.projects[0].id.clone();
    let role = roster
        .resources
        .iter()
        .find(|r| r.is_unnamed())
        .unwrap()
        .role
        .clone();
    let made = k
        .create_resources(vec![NewResource {
            project_id: project.clone(),
            person_id: None,
            role: Some(role.clone()),
            label: Some("Second opinion".into()),
        }])
        .await
        .unwrap();
    let r = made[0].clone();
    assert!(r.is_unnamed());
    assert_eq!(r.role, role);
    assert_eq!(r.label, "Second opinion", "allot's label, set after create");

    // Name it, then un-name it.
    let person = roster.people[3].id.clone();
    let named = k
        .update_resource(allot::domain::Resource {
            person_id: Some(person.clone()),
            ..r.clone()
        })
        .await
        .unwrap();
    assert_eq!(named.person_id, Some(person));
    let stored = sb.backend().roster().await.unwrap();
    assert!(stored.resources.iter().any(|x| x == &named), "in the store");
    let unnamed = k
        .update_resource(allot::domain::Resource {
            person_id: None,
            ..named.clone()
        })
        .await
        .unwrap();
    assert!(unnamed.is_unnamed(), "{unnamed:?}");
    assert_eq!(unnamed.role, role, "the role stays");
    let stored = sb.backend().roster().await.unwrap();
    assert!(
        stored
            .resources
            .iter()
            .any(|x| x.id == named.id && x.is_unnamed()),
        "un-named in the store"
    );

    let unknown = k
        .create_resources(vec![NewResource {
            project_id: project,
            person_id: None,
            role: Some("Astronaut".into()),
            label: None,
        }])
        .await
        .unwrap_err();
    assert!(
        matches!(&unknown, BackendError::Validation { field: Some(f), .. } if f == "role"),
        "{unknown:?}"
    );

    k.delete_resource(named.id.clone()).await.unwrap();
    let stored = sb.backend().roster().await.unwrap();
    assert!(!stored.resources.iter().any(|x| x.id == named.id));
}

#[tokio::test]
async fn requests_are_created_reassigned_and_resolved_once() {
    let (sb, k) = kantata_sandbox().await;
    let roster = k.roster().await.unwrap();
    let me = roster.current_user.clone().unwrap();
    let project = roster.projects[1].id.clone();
    let role = roster
        .resources
        .iter()
        .find(|r| r.is_unnamed())
        .unwrap()
        .role
        .clone();
    let period = DateRange::new(d("2027-01-04"), d("2027-01-29"));
    let made = k
        .create_request(NewRequest {
            target: RequestTarget::NewUnnamed {
                project_id: project.clone(),
                role: role.clone(),
            },
            approver_ids: vec![me.clone()],
            period,
            percentage: 50,
            notes: String::new(),
        })
        .await
        .unwrap();
    assert_eq!(made.request.status, RequestStatus::New);
    assert_eq!(made.request.period, None, "a Kantata request has no period");
    assert!(
        made.allocations.iter().any(|a| a.range == period),
        "the dates asked for are on the soft allocation Kantata made"
    );
    let resource = made.resource.clone().expect("a new unnamed resource");
    assert!(resource.is_unnamed() && resource.project_id == Some(project));
    assert!(!made.allocations.is_empty() && made.allocations.iter().all(|a| !a.hard));

    let other = roster
        .people
        .iter()
        .find(|p| p.id != me)
        .unwrap()
        .id
        .clone();
    let moved = k
        .update_approver(made.request.id.clone(), vec![other.clone()])
        .await
        .unwrap();
    assert_eq!(moved.approver_ids, vec![other]);

    let staff = roster.people[5].id.clone();
    let approved = k
        .resolve_request(
            made.request.id.clone(),
            Resolution::Approve {
                user_id: Some(staff.clone()),
                soft: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(approved.status, RequestStatus::Approved);
    let stored = sb.backend().roster().await.unwrap();
    let named = stored
        .resources
        .iter()
        .find(|r| r.id == resource.id)
        .unwrap();
    assert_eq!(
        named.person_id,
        Some(staff),
        "the unnamed resource is staffed"
    );
    let allocs = sb.backend().allocations(period).await.unwrap();
    assert!(
        allocs
            .iter()
            .filter(|a| a.resource_id == resource.id)
            .all(|a| a.hard),
        "hard unless asked soft"
    );

    let twice = k
        .resolve_request(made.request.id.clone(), Resolution::Reject)
        .await
        .unwrap_err();
    assert!(
        matches!(twice, BackendError::Validation { .. }),
        "resolved only once: {twice:?}"
    );

    // An existing resource's request, rejected.
    let pending = k
        .requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.status.is_pending())
        .unwrap();
    let rejected = k
        .resolve_request(pending.id.clone(), Resolution::Reject)
        .await
        .unwrap();
    assert_eq!(rejected.status, RequestStatus::Rejected);
}

#[tokio::test]
async fn kantata_makes_allocations_from_scheduled_hours() {
    let (sb, k) = kantata_sandbox().await;
    let store = sb.backend();
    let weeks = store.scheduled_hours(ever()).await.unwrap();
    let resource = weeks
        .first()
        .expect("the demo has scheduled hours")
        .resource_id
        .clone();
    let count = |v: &[Allocation]| v.iter().filter(|a| a.resource_id == resource).count();
    let before = count(&store.allocations(ever()).await.unwrap());
    k.allocations_from_scheduled(vec![resource.clone()], false, When::Any)
        .await
        .unwrap();
    let after = count(&store.allocations(ever()).await.unwrap());
    assert!(after > before, "{before} → {after}");
    let unnamed = Id::new("3101");
    let e = k
        .allocations_from_scheduled(vec![unnamed], true, When::Any)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("hard"), "{e}");
}

/// Kantata's listings leave out archived projects and disabled users; the demo's archived project
/// and disabled user are still referred to by resources and allocations, and show their names.
#[tokio::test]
async fn an_archived_project_and_a_disabled_user_that_allocations_refer_to_show_their_names() {
    use allot::client::local::demo::{ARCHIVED_PROJECTS, DISABLED_PEOPLE};
    let (sb, k) = kantata_sandbox().await;
    let (project, person) = (Id::new(ARCHIVED_PROJECTS[0]), Id::new(DISABLED_PEOPLE[0]));
    let http = reqwest::Client::new();
    let ids = |path: &'static str, query: Vec<(&'static str, &'static str)>| {
        let req = http
            .get(format!("{}/{path}.json", sb.url))
            .bearer_auth(&sb.token)
            .query(&[("per_page", "200")])
            .query(&query);
        async move {
            let v: serde_json::Value = req.send().await.unwrap().json().await.unwrap();
            v["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| Id::new(r["id"].as_str().unwrap()))
                .collect::<Vec<_>>()
        }
    };
    assert!(
        !ids("workspaces", vec![]).await.contains(&project),
        "hidden by default"
    );
    assert!(
        ids("workspaces", vec![("include_archived", "true")])
            .await
            .contains(&project)
    );
    assert!(
        !ids("users", vec![]).await.contains(&person),
        "hidden by default"
    );
    assert!(
        ids("users", vec![("show_disabled", "true")])
            .await
            .contains(&person)
    );

    let store = sb.backend();
    let want = store.roster().await.unwrap();
    let got = k.roster().await.unwrap();
    let name_of = |r: &allot::domain::Roster| {
        let p = r
            .projects
            .iter()
            .find(|p| p.id == project)
            .map(|p| (p.name.clone(), p.client.clone()));
        let u = r
            .people
            .iter()
            .find(|u| u.id == person)
            .map(|u| (u.name.clone(), u.role.clone()));
        (p, u)
    };
    assert!(name_of(&want).0.is_some() && name_of(&want).1.is_some());
    assert_eq!(name_of(&got), name_of(&want));
    let allocations = k.allocations(ever()).await.unwrap();
    let on_archived = allocations
        .iter()
        .filter(|a| a.project_id.as_ref() == Some(&project))
        .count();
    assert!(
        on_archived > 0,
        "allocations still refer to the archived project"
    );
    let of_disabled: Vec<&Id> = got
        .resources
        .iter()
        .filter(|r| r.person_id.as_ref() == Some(&person))
        .map(|r| &r.id)
        .collect();
    assert!(
        allocations
            .iter()
            .any(|a| of_disabled.contains(&&a.resource_id))
    );
}

/// The sandbox answers the scheduled-hours POST in each documented shape (`{"success": true}`,
/// or Workspace Resource objects when `include` is asked for); the client's reader takes both.
#[tokio::test]
async fn both_documented_answers_to_allocations_from_scheduled_hours_are_read() {
    let (sb, _) = kantata_sandbox().await;
    let weeks = sb.backend().scheduled_hours(ever()).await.unwrap();
    let resource = weeks.first().expect("scheduled hours").resource_id.clone();
    let http = reqwest::Client::new();
    let body = serde_json::json!({"data": [{"resource_ids": [resource.as_str()], "hard": false,
        "occurrence": {"type": "anytime"}}]});
    let mut shapes = Vec::new();
    for query in [vec![], vec![("include", "role")]] {
        let url = format!(
            "{}/workspace_resources/{resource}/allocations_matching_scheduled_hours",
            sb.url
        );
        let resp = http
            .post(url)
            .bearer_auth(&sb.token)
            .query(&query)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
        let text = resp.text().await.unwrap();
        allot::client::kantata::decode::scheduled_answer(&text)
            .unwrap_or_else(|e| panic!("{e}: {text}"));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        shapes.push(if v.get("success").is_some() {
            "success".to_string()
        } else {
            let ids: Vec<&str> = v["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap())
                .collect();
            format!("resources {ids:?}")
        });
    }
    assert_eq!(
        shapes,
        [
            "success".to_string(),
            format!("resources [{:?}]", resource.as_str())
        ]
    );
}

#[tokio::test]
async fn a_wrong_token_is_refused_in_plain_words() {
    let (sb, _) = kantata_sandbox().await;
    let mut c = http_config(&sb);
    c.token = "not-the-token".into();
    let k = KantataBackend::new(c).unwrap();
    let e = k.whoami().await.unwrap_err().to_string();
    assert!(e.contains("refused the token (401)"), "{e}");
    assert!(!e.contains("not-the-token"));
}

// ---------------------------------------------------------------------------------------------
// The app over HTTP
// ---------------------------------------------------------------------------------------------

/// Opens the Gantt with the first person expanded, the cursor on their first bar.
fn on_a_bar(app: &mut DemoApp) -> Id {
    app.act(Msg::Resize(120, 40));
    app.act(Command::ShowGantt);
    loop {
        app.act(Command::MarkBar);
        app.act(Command::Down);
        if let Some(id) = app.state.selected_bar() {
            return id.clone();
        }
    }
}

#[test]
fn an_edit_and_its_undo_reach_kantata() {
    let mut app = DemoApp::kantata();
    let id = on_a_bar(&mut app);
    let stored = |app: &DemoApp| {
        app.rt
            .block_on(app.backend.allocations(ever()))
            .unwrap()
            .into_iter()
            .find(|a| a.id == id)
            .unwrap()
    };
    let before = stored(&app);
    app.act(Command::ShiftLater);
    assert!(app.state.error.is_none(), "{:?}", app.state.error);
    assert_ne!(stored(&app).range, before.range, "saved over HTTP");
    app.act(Command::Undo);
    assert!(app.state.error.is_none(), "{:?}", app.state.error);
    assert_eq!(stored(&app).range, before.range, "undone over HTTP");
}

#[test]
fn while_kantata_is_down_edits_are_kept_and_land_once_it_is_back() {
    let mut app = DemoApp::kantata();
    let id = on_a_bar(&mut app);
    let before = app.state.ws.allocations[&id].clone();
    app.sandbox().faults().set(FaultConfig {
        rate_503: 1.0,
        ..FaultConfig::none()
    });
    app.act(Command::ShiftLater);
    let shown = app.state.ws.allocations[&id].clone();
    assert_ne!(shown.range, before.range, "still on screen");
    let e = app.state.error.clone().unwrap();
    assert!(e.contains("503") && e.contains("kept"), "{e}");
    assert_eq!(app.state.edits.queue.len(), 1);
    // A tick while it is still down: kept again.
    app.act(Msg::Tick);
    assert_eq!(app.state.edits.queue.len(), 1);

    app.sandbox().faults().clear();
    app.act(Msg::Tick);
    assert!(app.state.edits.queue.is_empty());
    let stored = app
        .rt
        .block_on(app.backend.allocations(ever()))
        .unwrap()
        .into_iter()
        .find(|a| a.id == id)
        .unwrap();
    assert_eq!(stored.range, shown.range, "landed");
}

#[test]
fn a_429_storm_and_dropped_connections_are_ridden_out_by_retries() {
    let mut app = DemoApp::kantata();
    let mut c = http_config(app.sandbox());
    c.retries = 8;
    app.client = std::sync::Arc::new(KantataBackend::new(c).unwrap());
    // Requests the sandbox answered for one refresh under `faults`; the load must still succeed.
    let refresh_under = |app: &mut DemoApp, faults: FaultConfig| {
        app.sandbox().faults().set(faults);
        let start = app.sandbox().requests_served();
        app.act(Command::Refresh);
        assert!(app.state.error.is_none(), "{:?}", app.state.error);
        assert_eq!(app.state.ws.people.len(), 35);
        app.sandbox().requests_served() - start
    };
    let calm = refresh_under(&mut app, FaultConfig::none());
    // About a third of the answers are 429, then a third of the connections drop: every one
    // is retried.
    let stormy = refresh_under(
        &mut app,
        FaultConfig {
            rate_429: 0.3,
            seed: 7,
            ..FaultConfig::none()
        },
    );
    assert!(stormy > calm, "retried: {stormy} requests against {calm}");
    let dropped = refresh_under(
        &mut app,
        FaultConfig {
            drop_rate: 0.3,
            seed: 11,
            ..FaultConfig::none()
        },
    );
    assert!(dropped > calm, "retried: {dropped} requests against {calm}");
}

#[test]
fn a_truncated_answer_or_a_timeout_is_reported_and_the_screen_keeps_what_it_had() {
    let mut app = DemoApp::kantata();
    let people = app.state.ws.people.len();
    let allocations = app.state.ws.allocations.len();
    app.sandbox().faults().set(FaultConfig {
        truncate_rate: 1.0,
        ..FaultConfig::none()
    });
    app.act(Command::Refresh);
    let e = app.state.error.clone().unwrap();
    assert!(e.contains("Kantata"), "names the backend: {e}");
    assert_eq!(app.state.ws.people.len(), people);
    assert_eq!(app.state.ws.allocations.len(), allocations);

    // A server slower than the client's timeout.
    app.sandbox().faults().set(FaultConfig {
        latency: Duration::from_millis(400),
        ..FaultConfig::none()
    });
    let mut c = http_config(app.sandbox());
    c.timeout = Duration::from_millis(100);
    c.retries = 1;
    app.client = std::sync::Arc::new(KantataBackend::new(c).unwrap());
    app.act(Command::Refresh);
    let e = app.state.error.clone().unwrap();
    assert!(e.contains("did not answer"), "{e}");
    assert_eq!(app.state.ws.allocations.len(), allocations);
}

// ---------------------------------------------------------------------------------------------
// The binary against the sandbox
// ---------------------------------------------------------------------------------------------

/// Runs `allot <args>` against `sb` ([`common::sandbox::allot_cli`]) while this runtime serves.
async fn allot(sb: &Sandbox, args: &[&str]) -> std::process::Output {
    let (url, token) = (sb.url.clone(), sb.token.clone());
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::sandbox::allot_cli(&url, &token, &args, &[])
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_check_and_the_headless_queue_work_against_kantata() {
    let (sb, _) = kantata_sandbox().await;
    let out = allot(&sb, &["config", "check"]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("backend:     kantata"), "{stdout}");
    assert!(
        stdout.contains("from KANTATA_ACCESS_TOKEN"),
        "says where the token came from: {stdout}"
    );
    assert!(
        stdout.contains("check:       ok, signed in as Morgan Lee (1001)"),
        "{stdout}"
    );
    assert!(!stdout.contains(&sb.token), "never the token");

    let out = allot(&sb, &["requests", "list", "--mine", "--json"]).await;
    assert_eq!(out.status.code(), Some(0));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = listed.as_array().unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let out = allot(&sb, &["requests", "reject", &first]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stored = sb.backend().requests().await.unwrap();
    let r = stored.iter().find(|r| r.id.as_str() == first).unwrap();
    assert_eq!(r.status, RequestStatus::Rejected, "rejected over HTTP");
}

#[test]
fn a_cut_off_answer_to_a_write_ends_with_what_kantata_really_has() {
    let mut app = DemoApp::kantata();
    let id = on_a_bar(&mut app);
    let stored = |app: &DemoApp, id: &Id| {
        app.rt
            .block_on(app.backend.allocations(ever()))
            .unwrap()
            .into_iter()
            .find(|a| &a.id == id)
    };
    let cut = FaultConfig {
        truncate_rate: 1.0,
        ..FaultConfig::none()
    };

    // A change (PUT, after a GET to check it is fresh) gets cut-off answers: it is kept, and
    // sent again on the next tick.
    app.sandbox().faults().set(cut.clone());
    app.act(Command::ShiftLater);
    let shown = app.state.ws.allocations[&id].clone();
    assert_eq!(app.state.edits.queue.len(), 1, "{:?}", app.state.error);
    app.sandbox().faults().clear();
    app.act(Msg::Tick);
    assert!(app.state.edits.queue.is_empty());
    assert!(
        !app.state.error.as_deref().unwrap_or("").contains("changed"),
        "{:?}",
        app.state.error
    );
    assert_eq!(app.state.ws.allocations[&id].range, shown.range);
    assert_eq!(stored(&app, &id).unwrap().range, shown.range, "saved");

    // A new allocation (POST): with its answer lost it can't safely be sent again, so the
    // screen is reloaded from Kantata, which shows what was really saved.
    let before = app.state.ws.allocations.len();
    app.sandbox().faults().set(cut);
    app.act(Command::NewAllocation);
    app.act(Command::Submit);
    app.sandbox().faults().clear();
    // (The reload it asked for was cut off too, and says so.)
    let e = app.state.error.clone().unwrap_or_default();
    assert!(e.contains("cut off"), "{e}");
    assert!(app.state.edits.queue.is_empty(), "not sent again blindly");
    // Its dialog is open and takes only its own keys (R does nothing there): a reload from
    // the start, as the next run of allot would do.
    assert!(app.state.offer.is_some(), "the lost write is offered back");
    app.act(Msg::Start);
    assert!(app.state.error.is_none(), "{:?}", app.state.error);
    let saved = app
        .rt
        .block_on(app.backend.allocations(app.state.window))
        .unwrap();
    assert_eq!(
        app.state.ws.allocations.len(),
        saved.len(),
        "the screen matches Kantata"
    );
    assert_eq!(saved.len(), before + 1, "the create had landed, once");
}

#[tokio::test]
async fn resending_a_change_kantata_already_holds_is_not_a_conflict() {
    let (sb, k) = kantata_sandbox().await;
    let window = DateRange::new(d("2026-11-01"), d("2026-12-31"));
    // The lowest id: a named resource's, so it may be hard (the list's order is Kantata's).
    let mut all = k.allocations(window).await.unwrap();
    all.sort_by_key(|a| a.id.as_number());
    let a = all.remove(0);
    let wanted = Allocation {
        hard: !a.hard,
        notes: "moved".into(),
        ..a.clone()
    };
    // The first send landed, its answer was lost...
    k.update_allocation(wanted.clone()).await.unwrap();
    // ...so the same write comes again, naming the version it was made to.
    let again = k.update_allocation(wanted.clone()).await.unwrap();
    assert_eq!((again.hard, again.notes.as_str()), (wanted.hard, "moved"));
    // A different change from that old version is still refused.
    let other = Allocation {
        notes: "something else".into(),
        ..a.clone()
    };
    let e = k.update_allocation(other).await.unwrap_err();
    assert!(matches!(e, BackendError::Stale(_)), "{e:?}");
    drop(sb);
}

#[tokio::test]
async fn a_split_or_a_resolution_whose_answer_was_lost_is_not_sent_twice() {
    let (sb, k) = kantata_sandbox().await;
    let window = DateRange::new(d("2026-11-01"), d("2026-12-31"));
    let a = k
        .allocations(window)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.range.len_days() > 2)
        .unwrap();
    let pending = k
        .requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.status.is_pending())
        .unwrap();
    sb.faults().set(FaultConfig {
        drop_rate: 1.0,
        ..FaultConfig::none()
    });
    let before = sb.requests_served();
    let split = allot::domain::dates::add_days(a.range.start, 1);
    let e = k.split_allocation(a.id.clone(), split).await.unwrap_err();
    assert!(matches!(e, BackendError::Unknown(_)), "{e:?}");
    let e = k
        .resolve_request(pending.id.clone(), Resolution::Reject)
        .await
        .unwrap_err();
    assert!(matches!(e, BackendError::Unknown(_)), "{e:?}");
    assert_eq!(sb.requests_served() - before, 2, "one try each");
}

// ---------------------------------------------------------------------------------------------
// Partial batches and staleness
// ---------------------------------------------------------------------------------------------

#[test]
fn a_batch_failing_part_way_in_kantata_says_what_went_through_and_the_screen_equals_kantata() {
    let mut app = DemoApp::kantata();
    common::demo::two_marked(&mut app);
    let stored = |app: &DemoApp, id: &Id| {
        app.rt
            .block_on(app.backend.allocations(ever()))
            .unwrap()
            .into_iter()
            .find(|a| &a.id == id)
            .unwrap()
    };
    let effects = allot::app::update(&mut app.state, Command::ShiftLater);
    let changes = common::demo::batch(&effects);
    let [Change::Update(went), Change::Update(last)] = &changes[..] else {
        panic!("two updates: {changes:?}")
    };
    let before = stored(&app, &went.id);
    // Someone changes the second bar in Kantata between allot's read and its write.
    let theirs = stored(&app, &last.id);
    app.rt
        .block_on(app.backend.update_allocation(Allocation {
            notes: "changed in Kantata".into(),
            ..theirs.clone()
        }))
        .unwrap();
    app.rt.block_on(app.sandbox().invalidate());
    app.run(effects);

    assert_eq!(
        stored(&app, &went.id).range,
        went.range,
        "the first went through"
    );
    let kept = stored(&app, &last.id);
    assert_eq!(
        (kept.range, kept.notes.as_str()),
        (theirs.range, "changed in Kantata"),
        "theirs is not overwritten"
    );
    let e = app.state.error.clone().expect("said");
    assert!(
        e.starts_with(&format!(
            "allocation {} was changed in Kantata since allot read it",
            last.id
        )),
        "why first: {e}"
    );
    assert!(e.contains("1 of 2 changes to 'move 2 allocations"), "{e}");
    assert!(e.contains("was not changed"), "{e}");
    assert!(!e.contains("Nothing was changed"), "{e}");
    // Reloaded: the screen shows what Kantata holds, their change included.
    let window = app.state.window;
    let server = app.rt.block_on(app.client.allocations(window)).unwrap();
    assert_eq!(
        common::demo::shown(app.state.ws.allocations.values().cloned(), window),
        common::demo::shown(server, window)
    );
    assert_eq!(
        app.state.ws.allocations[&last.id].notes,
        "changed in Kantata"
    );
    // The history holds the one that went through: undo puts it back, and only it.
    assert_eq!(app.state.edits.undo.len(), 1);
    app.state.error = None;
    app.act(Command::Undo);
    assert!(app.state.error.is_none(), "{:?}", app.state.error);
    assert_eq!(
        stored(&app, &went.id).range,
        before.range,
        "undone in Kantata"
    );
    assert_eq!(stored(&app, &last.id).notes, "changed in Kantata");
}

#[tokio::test]
async fn a_stale_delete_or_split_is_refused_by_kantata_and_nothing_is_lost() {
    let (sb, k) = kantata_sandbox().await;
    let window = DateRange::new(d("2026-11-01"), d("2026-12-31"));
    let mut read = k
        .allocations(window)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.range.len_days() > 2);
    let (one, two) = (read.next().unwrap(), read.next().unwrap());
    // Both change in Kantata after allot read them.
    for a in [&one, &two] {
        let now = sb
            .backend()
            .allocations(ever())
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.id == a.id)
            .unwrap();
        sb.backend()
            .update_allocation(Allocation {
                notes: "theirs".into(),
                ..now
            })
            .await
            .unwrap();
    }
    sb.invalidate().await;
    let e = k
        .apply(vec![Change::Delete {
            id: one.id.clone(),
            version: one.version,
        }])
        .await
        .unwrap_err();
    assert!(matches!(e, BackendError::Stale(_)), "{e:?}");
    let e = k
        .apply(vec![Change::Split {
            id: two.id.clone(),
            version: two.version,
            date: allot::domain::dates::add_days(two.range.start, 1),
        }])
        .await
        .unwrap_err();
    assert!(matches!(e, BackendError::Stale(_)), "{e:?}");
    assert!(
        e.to_string()
            .contains("changed in Kantata since allot read it"),
        "{e}"
    );
    let now = sb.backend().allocations(ever()).await.unwrap();
    for a in [&one, &two] {
        let x = now.iter().find(|x| x.id == a.id).expect("not deleted");
        assert_eq!(
            (x.range, x.notes.as_str()),
            (a.range, "theirs"),
            "not split"
        );
    }
    // Read again, the same delete goes through.
    let fresh = k.allocations(window).await.unwrap();
    let one = fresh.iter().find(|a| a.id == one.id).unwrap();
    k.apply(vec![Change::Delete {
        id: one.id.clone(),
        version: one.version,
    }])
    .await
    .unwrap();
}

#[tokio::test]
async fn a_resource_renamed_in_kantata_since_it_was_read_is_not_overwritten() {
    let (sb, k) = kantata_sandbox().await;
    let read = k
        .roster()
        .await
        .unwrap()
        .resources
        .into_iter()
        .find(|r| !r.is_unnamed())
        .unwrap();
    let version = allot::client::resource_version(&read);
    // Someone renames it in Kantata.
    let stored = sb
        .backend()
        .roster()
        .await
        .unwrap()
        .resources
        .into_iter()
        .find(|r| r.id == read.id)
        .unwrap();
    sb.backend()
        .update_resource(allot::domain::Resource {
            label: "Theirs".into(),
            ..stored
        })
        .await
        .unwrap();
    sb.invalidate().await;
    let mine = allot::domain::Resource {
        label: "Mine".into(),
        ..read.clone()
    };
    let e = k
        .apply(vec![Change::UpdateResource {
            resource: mine.clone(),
            version,
        }])
        .await
        .unwrap_err();
    assert!(matches!(e, BackendError::Stale(_)), "{e:?}");
    assert!(
        e.to_string()
            .contains("changed in Kantata since allot read it"),
        "{e}"
    );
    let e = k
        .apply(vec![Change::DeleteResource {
            id: read.id.clone(),
            version,
        }])
        .await
        .unwrap_err();
    assert!(matches!(e, BackendError::Stale(_)), "{e:?}");
    let now = k.roster().await.unwrap();
    let now = now.resources.iter().find(|r| r.id == read.id).unwrap();
    assert_eq!(now.label, "Theirs");
    // From what is there now, the rename goes through.
    k.apply(vec![Change::UpdateResource {
        resource: mine,
        version: allot::client::resource_version(now),
    }])
    .await
    .unwrap();
}

#[tokio::test]
async fn requests_read_the_pending_queue_and_recent_resolutions_only() {
    let (sb, _) = kantata_sandbox().await;
    let rec = Recorder::start(&sb).await;
    // 75 days on, "recent" starts 15 days before the demo's today: every seeded resolution
    // (20 to 60 days old) is history, and five pending requests were last touched before it.
    let later = today() + chrono::Days::new(75);
    let k = recorded_client(&sb, &rec, later);
    let store = sb.backend().requests().await.unwrap();
    let ids = |v: &[allot::domain::Request], pending: bool| {
        sorted(
            v.iter()
                .filter(|r| r.status.is_pending() == pending)
                .map(|r| r.id.to_string())
                .collect::<Vec<_>>(),
        )
    };
    let queue = ids(&store, true);
    assert_eq!(queue.len(), 25, "the demo's pending queue");
    let got = k.requests().await.unwrap();
    assert_eq!(ids(&got, true), queue, "every pending request, however old");
    assert!(ids(&got, false).is_empty(), "old resolutions are not read");

    let asked = rec.take();
    let listings: Vec<&Asked> = asked
        .iter()
        .filter(|a| {
            a.path.ends_with("/resource_requests") || a.path.ends_with("/resource_requests.json")
        })
        .collect();
    assert_eq!(
        listings.len(),
        2,
        "two listings of one page each: {listings:?}"
    );
    assert!(
        listings
            .iter()
            .all(|a| a.get("pending_requests_only") == Some("true")
                || a.get("updated_after") == Some("2026-11-08T00:00:00Z")),
        "each listing is filtered: {listings:?}"
    );
    // A request carries no period, so none is guessed from its resource's allocations: what
    // approving changes comes from the allocations the planner already loaded.
    assert!(
        !asked
            .iter()
            .any(|a| a.path.contains("/workspace_allocations")),
        "no allocation is read for requests: {asked:?}"
    );
    assert_eq!(
        asked.len(),
        listings.len(),
        "nothing else is read: {asked:?}"
    );

    // A request resolved now is recent: it is read with its new status.
    let first = &queue[0];
    k.resolve_request(Id::new(first), Resolution::Reject)
        .await
        .unwrap();
    let got = k.requests().await.unwrap();
    assert_eq!(
        ids(&got, false),
        vec![first.clone()],
        "the one just resolved"
    );
    assert_eq!(ids(&got, true), queue[1..].to_vec());
    let resolved = got.iter().find(|r| &r.id.to_string() == first).unwrap();
    assert_eq!(resolved.status, RequestStatus::Rejected);
}

#[tokio::test]
async fn requests_read_no_allocations_of_their_own() {
    let (sb, _) = kantata_sandbox().await;
    let rec = Recorder::start(&sb).await;
    let k = recorded_client(&sb, &rec, today());
    let window = DateRange::new(d("2026-11-02"), d("2026-11-29"));
    k.allocations(window).await.unwrap();
    rec.take();
    let requests = k.requests().await.unwrap();
    assert!(!requests.is_empty());
    let asked = rec.take();
    assert!(
        asked
            .iter()
            .all(|a| a.method == "GET" && a.path.contains("/resource_requests")),
        "only the request listings: {asked:?}"
    );
}

#[test]
fn the_requests_view_shows_the_same_pending_queue_through_kantata_as_the_store() {
    let queue_of = |mut app: DemoApp| {
        app.act(Msg::Resize(120, 40));
        app.act(Command::ShowRequests);
        let screen: String = common::demo::draw(&app.state, 120, 40)
            .backend()
            .buffer()
            .content()
            .chunks(120)
            .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
            .collect();
        // The queue's rows as the screen lists them, top to bottom, without the period and
        // hours: Kantata keeps no period on a request (tests/kantata_requests.rs shows what
        // stands in its place); this is about which requests are read.
        let lines: Vec<&str> = screen.lines().collect();
        let header = lines.iter().position(|l| l.contains("Requester")).unwrap();
        let cols: Vec<char> = lines[header].chars().collect();
        let find = |word: &str| {
            (0..cols.len())
                .find(|&i| cols[i..].iter().collect::<String>().starts_with(word))
                .unwrap()
        };
        let (period, requester) = (find("Period"), find("Requester"));
        let shown: Vec<String> = lines[header + 1..]
            .iter()
            .take_while(|l| l.contains("pending"))
            .map(|l| {
                let c: Vec<char> = l.chars().collect();
                let keep: String = c[..period].iter().chain(&c[requester..]).collect();
                keep.trim_end().to_string()
            })
            .collect();
        (app.state.queue.clone(), shown, screen)
    };
    let (want, want_shown, want_screen) = queue_of(DemoApp::new());
    let (got, got_shown, got_screen) = queue_of(DemoApp::kantata());
    assert!(!want.is_empty(), "{want_screen}");
    assert_eq!(got, want, "the queue");
    assert!(!want_shown.is_empty(), "{want_screen}");
    assert_eq!(
        got_shown, want_shown,
        "on screen:\n{got_screen}\nthe store's:\n{want_screen}"
    );
}
