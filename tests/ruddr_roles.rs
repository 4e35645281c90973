//! Ruddr project roles and partial PATCHes (issue 13 item 7), contract tests: allot's Ruddr
//! client against the sandbox's Ruddr dialect, with a recording proxy on loopback in between so
//! each test sees exactly what the client sent; and the dialect's role rules over raw HTTP.
//!
//! The sandbox's UUIDs are documented in `src/sandbox/ruddr/format.rs` and `roles.rs`
//! (`0000000K-IIII-4000-8000-NNNNNNNNNNNN`; a project role's `IIII` is the role, `N` its project).

use allot::client::ruddr::{RuddrBackend, RuddrConfig};
use allot::client::{Backend, BackendError, NewAllocation};
use allot::domain::dates::{add_days, parse_date};
use allot::domain::{Amount, DateRange, Id, Resource};
use allot::sandbox::{Dialect, Sandbox, SandboxConfig};
use axum::Router;
use axum::body::Body;
use axum::http::Request;
use chrono::NaiveDate;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const MEMBER: u32 = 2;
const PROJECT: u32 = 3;

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

fn today() -> NaiveDate {
    d("2026-11-23")
}

fn uuid(kind: u32, id: &str) -> String {
    format!(
        "{kind:08x}-0000-4000-8000-{:012}",
        id.parse::<u64>().unwrap()
    )
}

fn member_pair(person: &str, project: &str) -> Id {
    Id::new(format!(
        "m:{}|p:{}",
        uuid(MEMBER, person),
        uuid(PROJECT, project)
    ))
}

/// One request as the sandbox received it.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    query: BTreeMap<String, String>,
    body: Option<Value>,
}

/// The sandbox behind a recording proxy, and a client pointed at the proxy.
struct Setup {
    sb: Sandbox,
    client: RuddrBackend,
    seen: Arc<Mutex<Vec<Seen>>>,
    http: reqwest::Client,
}

impl Setup {
    async fn start() -> Setup {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let sb = Sandbox::start(SandboxConfig::new(Dialect::Ruddr, today()))
            .await
            .unwrap();
        let origin = sb.url.trim_end_matches("/api/workspace").to_string();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let (log, fwd) = (seen.clone(), http.clone());
        let app = Router::new().fallback(move |req: Request<Body>| {
            let (log, fwd, origin) = (log.clone(), fwd.clone(), origin.clone());
            async move {
                let (parts, body) = req.into_parts();
                let bytes = axum::body::to_bytes(body, 1 << 24).await.unwrap();
                let query = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
                    .map(|q| q.0.into_iter().collect())
                    .unwrap_or_default();
                log.lock().unwrap().push(Seen {
                    method: parts.method.to_string(),
                    path: parts
                        .uri
                        .path()
                        .trim_start_matches("/api/workspace")
                        .to_string(),
                    query,
                    body: serde_json::from_slice(&bytes).ok(),
                });
                let target = format!(
                    "{origin}{}",
                    parts.uri.path_and_query().map_or("", |p| p.as_str())
                );
                let method = Method::from_bytes(parts.method.as_str().as_bytes()).unwrap();
                let mut out = fwd.request(method, target).body(bytes.to_vec());
                for (k, v) in &parts.headers {
                    if k == "authorization" || k == "content-type" {
                        out = out.header(k.as_str(), v.as_bytes());
                    }
                }
                let answer = out.send().await.unwrap();
                let status = answer.status().as_u16();
                let body = answer.bytes().await.unwrap();
                axum::response::Response::builder()
                    .status(status)
                    .header("content-type", "application/json")
                    .body(Body::from(body))
                    .unwrap()
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let client = RuddrBackend::new(RuddrConfig {
            base_url: format!("http://127.0.0.1:{port}/api/workspace"),
            per_second: 10_000,
            burst: 10_000,
            backoff: vec![Duration::from_millis(1); 10],
            timeout: Duration::from_secs(10),
            ..RuddrConfig::new(sb.token.clone(), today())
        })
        .unwrap();
        Setup {
            sb,
            client,
            seen,
            http,
        }
    }

    fn seen(&self, method: &str, path_start: &str) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.method == method && s.path.starts_with(path_start))
            .cloned()
            .collect()
    }

    fn forget(&self) {
        self.seen.lock().unwrap().clear();
    }

    /// A raw request to the sandbox itself (not through the proxy).
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.sb.url))
            .bearer_auth(&self.sb.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Every page of a list, walked with `startingAfter` at `limit` per page.
    async fn walk(&self, path: &str, limit: usize) -> Vec<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut all = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut p = format!("{path}{sep}limit={limit}");
            if let Some(a) = &after {
                p.push_str(&format!("&startingAfter={a}"));
            }
            let (status, page) = self.call(Method::GET, &p, None).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            let results = page["results"].as_array().unwrap().clone();
            after = results
                .last()
                .map(|r| r["id"].as_str().unwrap().to_string());
            all.extend(results);
            if page["hasMore"] != true {
                return all;
            }
        }
    }
}

/// The role names the store's resources carry on each project: the sandbox's documented rule
/// for which projects use roles and what their roles are.
async fn store_roles(sb: &Sandbox) -> BTreeMap<Id, BTreeSet<String>> {
    let roster = sb.backend().roster().await.unwrap();
    let mut out: BTreeMap<Id, BTreeSet<String>> = BTreeMap::new();
    for r in &roster.resources {
        if let Some(p) = &r.project_id
            && !r.role.trim().is_empty()
        {
            out.entry(p.clone())
                .or_default()
                .insert(r.role.trim().to_string());
        }
    }
    out
}

fn new_on(resource: &Id, day: &str) -> NewAllocation {
    NewAllocation {
        resource_id: resource.clone(),
        range: DateRange::new(d(day), add_days(d(day), 4)),
        amount: Amount::HoursPerDay(2.0),
        hard: true,
        notes: String::new(),
    }
}

#[tokio::test]
async fn projects_that_use_roles_come_with_their_active_roles_read_once_each() {
    let s = Setup::start().await;
    let roster = s.client.roster().await.unwrap();
    let want = store_roles(&s.sb).await;
    let mut using = 0;
    for p in &roster.projects {
        let store_id = Id::new(
            p.id.as_str()
                .rsplit('-')
                .next()
                .unwrap()
                .trim_start_matches('0'),
        );
        match want.get(&store_id) {
            Some(names) => {
                using += 1;
                let got: BTreeSet<String> = p
                    .roles
                    .as_ref()
                    .unwrap_or_else(|| panic!("{} uses roles", p.name))
                    .iter()
                    .map(|(_, n)| n.clone())
                    .collect();
                assert_eq!(&got, names, "{}", p.name);
            }
            None => assert_eq!(p.roles, None, "{} uses no roles", p.name),
        }
    }
    assert!(using > 0, "the demo has projects that use roles");
    // One request per project that uses roles, filtered by it; none for the others.
    let asked = s.seen("GET", "/project-roles");
    assert_eq!(asked.len(), using, "{asked:?}");
    let filters: BTreeSet<&str> = asked
        .iter()
        .map(|a| a.query["projectId"].as_str())
        .collect();
    assert_eq!(filters.len(), using);
    assert!(asked.iter().all(|a| a.query["limit"] == "100"));
}

#[tokio::test]
async fn the_first_allocation_on_a_role_project_needs_a_role_and_sends_the_chosen_one() {
    let s = Setup::start().await;
    let roster = s.client.roster().await.unwrap();
    // José (1003) has no resource on Kite Loyalty Program (2011), which uses roles.
    let kite = roster
        .projects
        .iter()
        .find(|p| p.id.as_str() == uuid(PROJECT, "2011"))
        .unwrap();
    let roles = kite.roles.clone().expect("Kite uses roles");
    let (role_id, role_name) = roles.last().unwrap().clone();
    let pair = member_pair("1003", "2011");
    s.forget();
    let e = s
        .client
        .create_allocations(vec![new_on(&pair, "2027-02-01")])
        .await
        .unwrap_err();
    assert!(
        matches!(&e, BackendError::Validation { field: Some(f), message } if f == "role" && message.contains("uses roles")),
        "{e:?}"
    );
    assert!(s.seen("POST", "/allocations").is_empty(), "nothing sent");

    // The form sets the pair's role first (the resource's role), then creates.
    let resource = Resource {
        id: pair.clone(),
        project_id: Some(kite.id.clone()),
        person_id: Some(Id::new(uuid(MEMBER, "1003"))),
        role: role_name.to_lowercase(),
        label: role_name.to_lowercase(),
    };
    s.client.update_resource(resource.clone()).await.unwrap();
    let made = s
        .client
        .create_allocations(vec![new_on(&pair, "2027-02-01")])
        .await
        .unwrap();
    assert_eq!(made[0].resource_id, pair);
    let posted = s.seen("POST", "/allocations");
    assert_eq!(posted.len(), 1);
    assert_eq!(
        posted[0].body.as_ref().unwrap()["projectRoleId"],
        role_id.as_str()
    );
    // The store put it on José's resource with that role.
    let store = s.sb.backend().roster().await.unwrap();
    assert!(
        store
            .resources
            .iter()
            .any(|r| r.person_id == Some(Id::new("1003"))
                && r.project_id == Some(Id::new("2011"))
                && r.role == role_name),
        "a resource for José as {role_name} on Kite"
    );

    // A role the project lacks is refused by name, without a request.
    let before = s.seen.lock().unwrap().len();
    let e = s
        .client
        .update_resource(Resource {
            role: "Astronaut".into(),
            label: "Astronaut".into(),
            ..resource.clone()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&e, BackendError::Validation { field: Some(f), message } if f == "role" && message.contains("no active role named 'Astronaut'")),
        "{e:?}"
    );
    // A label of its own would be lost on the next read: refused.
    let e = s
        .client
        .update_resource(Resource {
            label: "Lead".into(),
            ..resource.clone()
        })
        .await
        .unwrap_err();
    assert!(matches!(e, BackendError::Unsupported(_)), "{e:?}");
    assert_eq!(s.seen.lock().unwrap().len(), before);

    // Undoing the choice puts back what the pair showed before, its member's job title (José's
    // is one of Kite's roles, so that role is kept for him).
    s.client
        .update_resource(Resource {
            role: "Engineer".into(),
            label: "Engineer".into(),
            ..resource.clone()
        })
        .await
        .unwrap();
    // A member whose title is no role of the project has no role again after the undo, and a
    // new allocation there needs one.
    let (member, project) = roster
        .projects
        .iter()
        .filter_map(|p| Some((p, p.roles.as_ref()?)))
        .find_map(|(p, roles)| {
            let person = roster.people.iter().find(|m| {
                !roles.iter().any(|(_, n)| n.eq_ignore_ascii_case(&m.role))
                    && !roster.resources.iter().any(|r| {
                        r.person_id.as_ref() == Some(&m.id) && r.project_id.as_ref() == Some(&p.id)
                    })
            })?;
            Some((person, p))
        })
        .expect("a member whose job title is no role of some project they are not on");
    let roles = project.roles.clone().unwrap();
    let pair = Id::new(format!("m:{}|p:{}", member.id, project.id));
    let theirs = Resource {
        id: pair.clone(),
        project_id: Some(project.id.clone()),
        person_id: Some(member.id.clone()),
        role: roles[0].1.clone(),
        label: roles[0].1.clone(),
    };
    s.client.update_resource(theirs.clone()).await.unwrap();
    s.client
        .update_resource(Resource {
            role: member.role.clone(),
            label: member.role.clone(),
            ..theirs
        })
        .await
        .unwrap();
    s.forget();
    let e = s
        .client
        .create_allocations(vec![new_on(&pair, "2027-03-01")])
        .await
        .unwrap_err();
    assert!(
        matches!(&e, BackendError::Validation { field: Some(f), .. } if f == "role"),
        "{e:?}"
    );
    assert!(s.seen("POST", "/allocations").is_empty(), "nothing sent");
}

#[tokio::test]
async fn an_edit_patches_only_what_changed_and_the_rest_stays() {
    let s = Setup::start().await;
    s.client.roster().await.unwrap();
    let window = DateRange::new(d("2026-11-01"), d("2027-03-31"));
    let all = s.client.allocations(window).await.unwrap();
    let a = all
        .iter()
        .find(|a| a.resource_id.as_str().starts_with("m:") && !a.read_only)
        .unwrap()
        .clone();
    s.forget();

    // A move: the dates and nothing else.
    let moved = allot::domain::Allocation {
        range: DateRange::new(add_days(a.range.start, 7), add_days(a.range.end, 7)),
        ..a.clone()
    };
    let after_move = s.client.update_allocation(moved.clone()).await.unwrap();
    let patches = s.seen("PATCH", "/allocations/");
    assert_eq!(patches.len(), 1);
    let keys: BTreeSet<&str> = patches[0]
        .body
        .as_ref()
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, BTreeSet::from(["start", "end"]));
    assert_eq!(after_move.range, moved.range);
    assert_eq!(after_move.amount, a.amount, "the amount stays");
    assert_eq!(after_move.notes, a.notes);

    // Notes only.
    s.forget();
    let noted = allot::domain::Allocation {
        notes: "kick-off".into(),
        ..after_move.clone()
    };
    let after_notes = s.client.update_allocation(noted).await.unwrap();
    let patches = s.seen("PATCH", "/allocations/");
    assert_eq!(patches[0].body, Some(json!({"notes": "kick-off"})));
    assert_eq!(after_notes.range, moved.range, "the dates stay");

    // Cleared notes go as null (null unsets); an unchanged edit sends nothing.
    s.forget();
    let cleared = s
        .client
        .update_allocation(allot::domain::Allocation {
            notes: String::new(),
            ..after_notes.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        s.seen("PATCH", "/allocations/")[0].body,
        Some(json!({"notes": null}))
    );
    assert_eq!(cleared.notes, "");
    s.forget();
    s.client.update_allocation(cleared.clone()).await.unwrap();
    assert!(s.seen("PATCH", "/allocations/").is_empty());

    // The staleness check still reads the record before writing.
    assert_eq!(s.seen("GET", "/allocations/").len(), 1);

    // A move to another project that uses roles: the project and the role chosen there (the
    // form sets the new pair's role first), nothing else.
    let roster = s.client.roster().await.unwrap();
    let (_, project) = parse_pair(&cleared.resource_id);
    let other = roster
        .projects
        .iter()
        .find(|p| p.id != project && p.roles.as_ref().is_some_and(|r| !r.is_empty()))
        .unwrap();
    let (role_id, role_name) = other.roles.clone().unwrap()[0].clone();
    let (member, _) = parse_pair(&cleared.resource_id);
    let there = Id::new(format!("{member}|p:{}", other.id));
    s.client
        .update_resource(Resource {
            id: there.clone(),
            project_id: Some(other.id.clone()),
            person_id: Some(Id::new(member.trim_start_matches("m:"))),
            role: role_name.clone(),
            label: role_name.clone(),
        })
        .await
        .unwrap();
    s.forget();
    let moved = s
        .client
        .update_allocation(allot::domain::Allocation {
            resource_id: there.clone(),
            project_id: Some(other.id.clone()),
            ..cleared.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        s.seen("PATCH", "/allocations/")[0].body,
        Some(json!({"projectId": other.id.as_str(), "projectRoleId": role_id.as_str()}))
    );
    assert_eq!(moved.resource_id, there);
    assert_eq!((moved.range, moved.amount), (cleared.range, cleared.amount));
}

/// (`m:<member>`, project) of a pair id.
fn parse_pair(id: &Id) -> (String, Id) {
    let (m, p) = id.as_str().split_once("|p:").unwrap();
    (m.to_string(), Id::new(p))
}

#[tokio::test]
async fn the_sandbox_requires_a_projects_own_role_and_serves_roles_in_pages() {
    let s = Setup::start().await;
    let atlas = uuid(PROJECT, "2001");
    let roles = s
        .walk(&format!("/project-roles?projectId={atlas}"), 1)
        .await;
    let store = store_roles(&s.sb).await;
    let names: BTreeSet<String> = roles
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        &names,
        &store[&Id::new("2001")],
        "a walk of one per page sees each once"
    );
    assert_eq!(roles.len(), names.len());
    for r in &roles {
        assert_eq!(r["project"]["id"], atlas.as_str());
        assert_eq!(r["isActive"], true);
        for field in [
            "id",
            "name",
            "createdAt",
            "isBillable",
            "rate",
            "budget",
            "monthlyBudget",
        ] {
            assert!(r.get(field).is_some(), "{field} in {r}");
        }
        assert!(r.get("updatedAt").is_none());
    }
    let one = &roles[0];
    let (status, got) = s
        .call(
            Method::GET,
            &format!("/project-roles/{}", one["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!((status, &got), (StatusCode::OK, one));

    let (_, project) = s
        .call(Method::GET, &format!("/projects/{atlas}"), None)
        .await;
    assert_eq!(project["useRoles"], true);
    assert!(project.get("updatedAt").is_none());

    let engineer = roles.iter().find(|r| r["name"] == "Engineer").unwrap()["id"].clone();
    let kite_role = s
        .walk(
            &format!("/project-roles?projectId={}", uuid(PROJECT, "2011")),
            100,
        )
        .await[0]["id"]
        .clone();
    let body = |role: Option<&Value>| {
        let mut b = json!({"unit": "day", "hoursPerDay": 4, "start": "2027-01-04",
                           "end": "2027-01-08", "resourceTypeId": "member",
                           "assignmentTypeId": "project", "memberId": uuid(MEMBER, "1003"),
                           "projectId": atlas});
        if let Some(r) = role {
            b["projectRoleId"] = r.clone();
        }
        b
    };
    let n =
        s.sb.backend()
            .allocations(DateRange::new(d("1900-01-01"), d("2999-12-31")))
            .await
            .unwrap()
            .len();
    let (status, e) = s.call(Method::POST, "/allocations", Some(body(None))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        e["errors"],
        json!(["'projectRoleId' is required because the project uses roles"])
    );
    let (status, e) = s
        .call(Method::POST, "/allocations", Some(body(Some(&kite_role))))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        e["errors"],
        json!(["'projectRoleId' is a role of another project"])
    );
    let count =
        s.sb.backend()
            .allocations(DateRange::new(d("1900-01-01"), d("2999-12-31")))
            .await
            .unwrap()
            .len();
    assert_eq!(count, n, "nothing written");

    let (status, made) = s
        .call(Method::POST, "/allocations", Some(body(Some(&engineer))))
        .await;
    assert_eq!(status, StatusCode::OK, "{made}");
    assert_eq!(made["role"]["id"], engineer);
    assert!(made.get("updatedAt").is_none(), "{made}");

    // A PATCH keeps what it leaves out (the role too) and null unsets the notes.
    let path = format!("/allocations/{}", made["id"].as_str().unwrap());
    let (status, noted) = s
        .call(Method::PATCH, &path, Some(json!({"notes": "kick-off"})))
        .await;
    assert_eq!(status, StatusCode::OK, "{noted}");
    assert_eq!(
        (noted["notes"].as_str(), &noted["role"]["id"]),
        (Some("kick-off"), &engineer)
    );
    assert_eq!(
        (noted["start"].as_str(), noted["hoursPerDay"].as_f64()),
        (Some("2027-01-04"), Some(4.0))
    );
    let (_, unset) = s
        .call(Method::PATCH, &path, Some(json!({"notes": null})))
        .await;
    assert_eq!(unset["notes"], Value::Null);
    assert_eq!(unset["end"], "2027-01-08");
    let (status, e) = s
        .call(
            Method::PATCH,
            &path,
            Some(json!({"projectRoleId": kite_role})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    let (status, e) = s
        .call(Method::PATCH, &path, Some(json!({"projectRoleId": null})))
        .await;
    assert_eq!(
        (status, &e["errors"]),
        (
            StatusCode::BAD_REQUEST,
            &json!(["'projectRoleId' is required because the project uses roles"])
        )
    );
}
