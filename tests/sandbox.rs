//! The Kantata sandbox over raw HTTP (reqwest, not allot's client): auth, paging, filters,
//! includes, every write endpoint and its refusals, and each injected fault as a client sees it.

use allot::client::Backend;
use allot::sandbox::{Dialect, FaultConfig, Sandbox, SandboxConfig, Seed};
use chrono::NaiveDate;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 3).unwrap()
}

struct Api {
    sb: Sandbox,
    http: reqwest::Client,
}

struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// The `(type, field)` of the only error.
    fn error(&self) -> (String, Option<String>) {
        let v = self.json();
        let errors = v["errors"].as_array().expect("an errors list");
        assert_eq!(errors.len(), 1, "{v}");
        (
            errors[0]["type"].as_str().unwrap_or_default().to_string(),
            errors[0]["field"].as_str().map(str::to_string),
        )
    }

    /// The canonical objects, in `results` order.
    fn results(&self, key: &str) -> Vec<Value> {
        let v = self.json();
        v["results"]
            .as_array()
            .expect("a results list")
            .iter()
            .map(|r| {
                assert_eq!(r["key"], key, "{v}");
                let id = r["id"].as_str().expect("string ids");
                v[key][id].clone()
            })
            .collect()
    }
}

fn client() -> reqwest::Client {
    // reqwest is built without a default TLS provider (only plain HTTP is used here).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

impl Api {
    async fn start(seed: Seed) -> Api {
        let mut config = SandboxConfig::new(Dialect::Kantata, today());
        config.seed = seed;
        config.token = "secret-token".into();
        let sb = Sandbox::start(config).await.unwrap();
        assert!(sb.url.starts_with("http://127.0.0.1:"), "{}", sb.url);
        assert!(sb.url.ends_with("/api/v1"));
        Api { sb, http: client() }
    }

    async fn demo() -> Api {
        Api::start(Seed::Demo).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{}", self.sb.url, path.trim_start_matches('/'))
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut req = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.sb.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        Answer {
            status: resp.status(),
            headers: resp.headers().clone(),
            text: resp.text().await.unwrap(),
        }
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    async fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let a = self.send(method, path, body).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text);
        a
    }

    /// Every page of a listing at 200 per page.
    async fn all(&self, path: &str, key: &str) -> Vec<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let first = self
            .ok(Method::GET, &format!("{path}{sep}per_page=200"), None)
            .await;
        let pages = first.json()["meta"]["page_count"].as_u64().unwrap();
        let mut out = first.results(key);
        for p in 2..=pages {
            let a = self
                .ok(
                    Method::GET,
                    &format!("{path}{sep}per_page=200&page={p}"),
                    None,
                )
                .await;
            out.extend(a.results(key));
        }
        out
    }

    /// A named and an unnamed resource of the demo (id, workspace id).
    async fn some_resources(&self) -> (Value, Value) {
        let rs = self
            .all(
                "workspace_resources.json?include_unnamed=true&include=user,role",
                "workspace_resources",
            )
            .await;
        let named = rs.iter().find(|r| !r["user_id"].is_null()).unwrap().clone();
        let unnamed = rs.iter().find(|r| r["user_id"].is_null()).unwrap().clone();
        (named, unnamed)
    }
}

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

// ---- auth and format ---------------------------------------------------------------------------

#[tokio::test]
async fn requests_without_the_token_are_refused_in_kantata_words() {
    let api = Api::demo().await;
    for auth in [
        None,
        Some("Bearer wrong"),
        Some("secret-token"),
        Some("Basic secret-token"),
    ] {
        let mut req = api.http.get(api.url("users/me.json"));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{auth:?}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(
            body,
            json!({"errors":[{"type":"oauth","message":"Invalid OAuth 2 Request"}]})
        );
    }
    let me = api.ok(Method::GET, "users/me.json", None).await;
    let users = me.results("users");
    assert_eq!(users.len(), 1);
    assert_eq!(
        s(&users[0]["id"]),
        api.sb.backend().current_user().unwrap().to_string()
    );
    assert!(users[0]["full_name"].is_string());
    assert_eq!(api.sb.requests_served(), 5, "refused requests count too");
}

#[tokio::test]
async fn paths_work_with_and_without_json_and_unknown_ones_are_404() {
    let api = Api::demo().await;
    let a = api.ok(Method::GET, "workspaces.json", None).await;
    let kind = a.headers["content-type"].to_str().unwrap();
    assert!(kind.starts_with("application/json"), "{kind}");
    let b = api.ok(Method::GET, "workspaces", None).await;
    assert_eq!(a.json(), b.json());
    let ws = a.results("workspaces");
    assert!(!ws.is_empty());
    assert!(ws[0]["title"].is_string());
    let id = s(&ws[0]["id"]);
    let one = api
        .ok(Method::GET, &format!("workspaces/{id}.json"), None)
        .await;
    assert_eq!(one.results("workspaces")[0]["id"], ws[0]["id"]);
    let missing = api.get("workspaces/999999.json").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error().0, "system");
    let nowhere = api.get("no_such_things.json").await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert_eq!(nowhere.error().0, "system");
}

#[tokio::test]
async fn users_and_roles_list_with_their_fields() {
    let api = Api::demo().await;
    let users = api.all("users.json?include=role", "users").await;
    assert!(users.len() > 3);
    let roles = api.all("roles.json", "roles").await;
    let role_ids: BTreeSet<String> = roles.iter().map(|r| s(&r["id"])).collect();
    for u in &users {
        for f in ["id", "full_name", "email_address", "headline"] {
            assert!(u[f].is_string(), "{f} in {u}");
        }
        assert!(role_ids.contains(&s(&u["role_id"])), "{u}");
    }
    let names: BTreeSet<&str> = roles.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), roles.len(), "one id per role name");
}

// ---- paging, filters and includes --------------------------------------------------------------

#[tokio::test]
async fn pages_of_200_walk_every_allocation_once_in_a_stable_order_from_one_store_read() {
    let api = Api::start(Seed::Synthetic {
        resources: 60,
        allocations: 950,
    })
    .await;
    let reads = api.sb.store_reads();
    let first = api
        .ok(Method::GET, "workspace_allocations.json?per_page=200", None)
        .await;
    let meta = &first.json()["meta"];
    assert_eq!(meta["count"], 950);
    assert_eq!(meta["page_count"], 5);
    assert_eq!(meta["page_size"], 200);
    assert_eq!(first.json()["count"], 950);
    let all = api
        .all("workspace_allocations.json", "workspace_allocations")
        .await;
    let ids: Vec<u64> = all.iter().map(|a| s(&a["id"]).parse().unwrap()).collect();
    assert_eq!(ids.len(), 950);
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "ascending ids, no repeats across pages");
    let last = api
        .ok(
            Method::GET,
            "workspace_allocations.json?per_page=200&page=5",
            None,
        )
        .await;
    assert_eq!(last.results("workspace_allocations").len(), 150);
    assert_eq!(last.json()["meta"]["page_number"], 5);
    let beyond = api
        .ok(
            Method::GET,
            "workspace_allocations.json?per_page=200&page=6",
            None,
        )
        .await;
    assert!(beyond.results("workspace_allocations").is_empty());
    let default = api
        .ok(Method::GET, "workspace_allocations.json", None)
        .await;
    assert_eq!(
        default.results("workspace_allocations").len(),
        20,
        "default 20"
    );
    let clamped = api
        .ok(
            Method::GET,
            "workspace_allocations.json?per_page=1000",
            None,
        )
        .await;
    assert_eq!(clamped.json()["meta"]["page_size"], 200, "clamped to 200");
    assert_eq!(clamped.results("workspace_allocations").len(), 200);
    assert_eq!(api.sb.store_reads(), reads, "all of it from the cache");

    // A cached page of 200 (a timing to read, not a flaky assertion).
    let t = Instant::now();
    api.ok(
        Method::GET,
        "workspace_allocations.json?per_page=200&page=3",
        None,
    )
    .await;
    eprintln!(
        "a cached page of 200 allocations: {:?} round trip",
        t.elapsed()
    );
}

#[tokio::test]
async fn only_picks_ids_and_date_ranges_pick_overlapping_allocations() {
    let api = Api::demo().await;
    let all = api
        .all("workspace_allocations.json", "workspace_allocations")
        .await;
    let pick: Vec<String> = [0, 3, 7].iter().map(|&i| s(&all[i]["id"])).collect();
    let only = api
        .ok(
            Method::GET,
            &format!("workspace_allocations.json?only={}", pick.join(",")),
            None,
        )
        .await;
    let got: Vec<String> = only
        .results("workspace_allocations")
        .iter()
        .map(|a| s(&a["id"]))
        .collect();
    assert_eq!(got, pick);

    let range = "2025-03-10:2025-03-16";
    let within = api
        .all(
            &format!("workspace_allocations.json?overlaps_with_date_range={range}"),
            "workspace_allocations",
        )
        .await;
    let overlaps = |a: &Value| {
        a["start_date"].as_str().unwrap() <= "2025-03-16"
            && a["end_date"].as_str().unwrap() >= "2025-03-10"
    };
    assert!(!within.is_empty());
    assert!(within.iter().all(overlaps));
    assert_eq!(within.len(), all.iter().filter(|a| overlaps(a)).count());

    for bad in ["2025-03-10", "2025-03-16:2025-03-10", "soon:later"] {
        let a = api
            .get(&format!(
                "workspace_allocations.json?overlaps_with_date_range={bad}"
            ))
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(
            a.error(),
            ("validation".into(), Some("overlaps_with_date_range".into()))
        );
    }

    let (named, _) = api.some_resources().await;
    let rid = s(&named["id"]);
    let of = api
        .all(
            &format!("workspace_allocations.json?workspace_resource_ids={rid}"),
            "workspace_allocations",
        )
        .await;
    assert!(of.iter().all(|a| s(&a["workspace_resource_id"]) == rid));
    let user = s(&named["user_id"]);
    let of_user = api
        .all(
            &format!("workspace_allocations.json?user_ids={user}&include=workspace_resource"),
            "workspace_allocations",
        )
        .await;
    assert!(of_user.len() >= of.len());
}

#[tokio::test]
async fn includes_fill_foreign_keys_and_sit_beside_the_results() {
    let api = Api::demo().await;
    let a = api
        .ok(
            Method::GET,
            "workspace_allocations.json?per_page=50&include=workspace,workspace_resource",
            None,
        )
        .await;
    let v = a.json();
    for alloc in a.results("workspace_allocations") {
        for f in [
            "id",
            "start_date",
            "end_date",
            "minutes",
            "hard",
            "notes",
            "percentage",
            "workspace_resource_id",
            "created_at",
            "updated_at",
        ] {
            assert!(!alloc[f].is_null(), "{f} in {alloc}");
        }
        let w = s(&alloc["workspace_id"]);
        if allot::client::local::demo::ARCHIVED_PROJECTS.contains(&w.as_str()) {
            // The id stays; the archived workspace itself is not served (format::hides_project).
            assert!(v["workspaces"].get(&w).is_none(), "{w} included");
        } else {
            assert_eq!(s(&v["workspaces"][&w]["id"]), w);
        }
        let r = s(&alloc["workspace_resource_id"]);
        assert_eq!(s(&v["workspace_resources"][&r]["id"]), r);
    }
    let plain = api
        .ok(Method::GET, "workspace_allocations.json?per_page=5", None)
        .await;
    assert!(
        plain
            .results("workspace_allocations")
            .iter()
            .all(|a| a.get("workspace_id").is_none()),
        "workspace_id only with include=workspace"
    );
    assert!(plain.json().get("workspaces").is_none());

    let named_only = api
        .all("workspace_resources.json", "workspace_resources")
        .await;
    let with_unnamed = api
        .all(
            "workspace_resources.json?include_unnamed=true&include=user,role,workspace",
            "workspace_resources",
        )
        .await;
    let only_unnamed = api
        .all(
            "workspace_resources.json?only_unnamed=true&include=user",
            "workspace_resources",
        )
        .await;
    assert!(!only_unnamed.is_empty());
    assert_eq!(
        named_only.len() + only_unnamed.len(),
        with_unnamed.len(),
        "unnamed hidden by default"
    );
    assert!(only_unnamed.iter().all(|r| r["user_id"].is_null()));
    let page = api.ok(Method::GET, "workspace_resources.json?include_unnamed=true&include=user,role,workspace&per_page=200", None).await;
    let v = page.json();
    for r in page.results("workspace_resources") {
        assert!(
            r["workspace_id"].is_u64(),
            "workspace_id is an integer: {r}"
        );
        assert!(r["role_name"].is_string() && r["label"].is_string());
        let role = s(&r["role_id"]);
        assert_eq!(v["roles"][&role]["name"], r["role_name"]);
        // Archived workspaces and disabled users keep their ids but are not included.
        use allot::client::local::demo::{ARCHIVED_PROJECTS, DISABLED_PEOPLE};
        if let Some(u) = r["user_id"].as_str() {
            if DISABLED_PEOPLE.contains(&u) {
                assert!(v["users"].get(u).is_none(), "{u} included");
            } else {
                assert_eq!(v["users"][u]["full_name"], r["full_name"]);
            }
        }
        let w = r["workspace_id"].to_string();
        assert_eq!(
            v["workspaces"][&w].is_object(),
            !ARCHIVED_PROJECTS.contains(&w.as_str())
        );
    }

    let reqs = api
        .ok(
            Method::GET,
            "resource_requests.json?include=approvers,creator,resource",
            None,
        )
        .await;
    let v = reqs.json();
    let list = reqs.results("resource_requests");
    assert!(!list.is_empty());
    for r in &list {
        assert!(
            ["new", "approved", "rejected", "cancelled"].contains(&r["status"].as_str().unwrap())
        );
        for a in r["approver_ids"].as_array().unwrap() {
            assert!(v["users"][s(a)].is_object());
        }
        assert!(v["users"][s(&r["creator_id"])].is_object());
        assert!(v["workspace_resources"][s(&r["resource_id"])].is_object());
    }
    let pending = api
        .all(
            "resource_requests.json?pending_requests_only=true",
            "resource_requests",
        )
        .await;
    assert!(pending.iter().all(|r| r["status"] == "new"));
    assert!(
        pending.len()
            < api
                .all("resource_requests.json", "resource_requests")
                .await
                .len()
    );
}

#[tokio::test]
async fn requests_are_filtered_by_when_they_were_made_and_last_changed() {
    let api = Api::demo().await;
    let all = api.all("resource_requests.json", "resource_requests").await;
    let at = |r: &Value, field: &str| {
        chrono::DateTime::parse_from_rfc3339(r[field].as_str().unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    let ids =
        |v: &[Value]| -> BTreeSet<String> { v.iter().map(|r| s(&r["id"]).to_string()).collect() };
    // A seeded request was last changed when it was made; the resolved ones are the oldest.
    assert!(
        all.iter()
            .all(|r| at(r, "updated_at") == at(r, "created_at"))
    );
    let resolved: Vec<&Value> = all.iter().filter(|r| r["status"] != "new").collect();
    assert!(!resolved.is_empty());
    let cut = resolved.iter().map(|r| at(r, "updated_at")).max().unwrap();
    let q = cut.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let want = |keep: &dyn Fn(&Value) -> bool| -> BTreeSet<String> {
        all.iter()
            .filter(|r| keep(r))
            .map(|r| s(&r["id"]).to_string())
            .collect()
    };
    for (filter, keep) in [
        (
            "updated_after",
            &(|r: &Value| at(r, "updated_at") > cut) as &dyn Fn(&Value) -> bool,
        ),
        ("updated_before", &|r: &Value| at(r, "updated_at") < cut),
        ("created_after", &|r: &Value| at(r, "created_at") > cut),
        ("created_before", &|r: &Value| at(r, "created_at") < cut),
    ] {
        let got = api
            .all(
                &format!("resource_requests.json?{filter}={q}"),
                "resource_requests",
            )
            .await;
        let expected = want(keep);
        assert_eq!(ids(&got), expected, "{filter}={q}, strictly");
        assert!(
            !expected.is_empty() && expected.len() < all.len(),
            "{filter} splits the list"
        );
        let first = api
            .ok(
                Method::GET,
                &format!("resource_requests.json?{filter}={q}"),
                None,
            )
            .await;
        assert_eq!(
            first.json()["count"],
            expected.len(),
            "count follows the filter"
        );
    }
    // Nothing resolved was changed after the last resolution (it is at the cut, left out).
    let recent = api
        .all(
            &format!("resource_requests.json?updated_after={q}"),
            "resource_requests",
        )
        .await;
    assert!(recent.iter().all(|r| r["status"] == "new"));

    // A resolution made now is recent.
    let pending = all.iter().find(|r| r["status"] == "new").unwrap();
    let id = s(&pending["id"]).to_string();
    let now = chrono::Utc::now() - chrono::TimeDelta::minutes(1);
    api.ok(
        Method::PUT,
        &format!("resource_requests/{id}.json"),
        Some(json!({"resource_request": {"request_resolution_status": "reject"}})),
    )
    .await;
    let since = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let got = api
        .all(
            &format!("resource_requests.json?updated_after={since}"),
            "resource_requests",
        )
        .await;
    assert_eq!(
        ids(&got),
        BTreeSet::from([id.clone()]),
        "only the one just changed"
    );
    assert_eq!(got[0]["status"], "rejected");

    for bad in ["2025-02-01", "yesterday", "2025-02-01T10:00:00"] {
        let a = api
            .get(&format!("resource_requests.json?updated_after={bad}"))
            .await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            a.text
        );
        assert_eq!(
            a.error(),
            ("validation".into(), Some("updated_after".into())),
            "{bad}"
        );
        assert!(
            a.text.contains(bad),
            "the message names the value: {}",
            a.text
        );
    }
}

// ---- allocation writes -------------------------------------------------------------------------

#[tokio::test]
async fn allocations_are_created_one_or_in_bulk_all_or_nothing() {
    let api = Api::demo().await;
    let (named, unnamed) = api.some_resources().await;
    let before = api
        .all("workspace_allocations.json", "workspace_allocations")
        .await
        .len();
    let one = api
        .ok(Method::POST, "workspace_allocations.json?include=workspace", Some(json!({"workspace_allocation": {
            "resource_id": named["id"].as_str().unwrap().parse::<u64>().unwrap(),
            "start_date": "2025-03-03", "end_date": "2025-03-07", "minutes": 600, "hard": true, "notes": "sandbox"
        }})))
        .await;
    let made = one.results("workspace_allocations");
    assert_eq!(made.len(), 1);
    assert_eq!(made[0]["minutes"], 600);
    assert_eq!(made[0]["hard"], true);
    assert_eq!(made[0]["notes"], "sandbox");
    assert_eq!(made[0]["workspace_resource_id"], named["id"]);
    assert_eq!(s(&made[0]["workspace_id"]), s(&named["workspace_id"]));

    let bulk = api
        .ok(Method::POST, "workspace_allocations", Some(json!({"workspace_allocations": [
            {"resource_id": named["id"], "start_date": "2025-04-07", "end_date": "2025-04-11", "minutes": 2100},
            {"resource_id": unnamed["id"], "start_date": "2025-04-07", "end_date": "2025-07-11", "minutes": 2100, "hard": false}
        ]})))
        .await;
    assert_eq!(bulk.results("workspace_allocations").len(), 2);
    let after = api
        .all("workspace_allocations.json", "workspace_allocations")
        .await
        .len();
    assert_eq!(after, before + 3, "the cache saw the writes");

    // Refusals, each naming its field; nothing of a refused bulk request is kept.
    let good = json!({"resource_id": named["id"], "start_date": "2025-04-07", "end_date": "2025-04-11", "minutes": 60});
    let mut cases = vec![];
    for (field, mut broken) in [
        ("resource_id", good.clone()),
        ("start_date", good.clone()),
        ("end_date", good.clone()),
        ("minutes", good.clone()),
    ] {
        broken.as_object_mut().unwrap().remove(field);
        cases.push((field, json!({"workspace_allocation": broken})));
    }
    cases.push(("minutes", json!({"workspace_allocation": {"resource_id": named["id"], "start_date": "2025-04-07", "end_date": "2025-04-11", "minutes": -5}})));
    cases.push(("start_date", json!({"workspace_allocation": {"resource_id": named["id"], "start_date": "7 April", "end_date": "2025-04-11", "minutes": 5}})));
    cases.push(("end_date", json!({"workspace_allocation": {"resource_id": named["id"], "start_date": "2025-04-11", "end_date": "2025-04-07", "minutes": 5}})));
    cases.push(("resource_id", json!({"workspace_allocation": {"resource_id": 987654, "start_date": "2025-04-07", "end_date": "2025-04-11", "minutes": 5}})));
    cases.push(("workspace_allocation", json!({"something_else": {}})));
    cases.push((
        "workspace_allocations",
        json!({"workspace_allocations": (0..201).map(|_| good.clone()).collect::<Vec<_>>()}),
    ));
    cases.push(("resource_id", json!({"workspace_allocations": [good.clone(), {"resource_id": 987654, "start_date": "2025-04-07", "end_date": "2025-04-11", "minutes": 5}]})));
    for (field, body) in cases {
        let a = api
            .send(
                Method::POST,
                "workspace_allocations.json",
                Some(body.clone()),
            )
            .await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            a.text
        );
        assert_eq!(
            a.error(),
            ("validation".to_string(), Some(field.to_string())),
            "{body}"
        );
    }
    assert_eq!(
        api.all("workspace_allocations.json", "workspace_allocations")
            .await
            .len(),
        after,
        "all or nothing"
    );

    let raw = api
        .http
        .post(api.url("workspace_allocations.json"))
        .bearer_auth(&api.sb.token)
        .header("content-type", "application/json")
        .body("{\"workspace_allocation\": {")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    let body: Value = raw.json().await.unwrap();
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not valid JSON")
    );
}

#[tokio::test]
async fn unnamed_resources_can_only_be_soft_allocated() {
    let api = Api::demo().await;
    let (_, unnamed) = api.some_resources().await;
    let a = api
        .send(Method::POST, "workspace_allocations.json", Some(json!({"workspace_allocation": {
            "resource_id": unnamed["id"], "start_date": "2025-03-03", "end_date": "2025-03-07", "minutes": 600, "hard": true
        }})))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.error(), ("validation".into(), Some("hard".into())));
    let reads = api.sb.store_reads();
    api.get("workspace_allocations.json").await;
    assert_eq!(
        api.sb.store_reads(),
        reads,
        "a refused write keeps the cache"
    );
    // So does one the sandbox refuses itself while holding the write lock (a change to an
    // allocation that does not exist).
    let missing = api
        .send(
            Method::PUT,
            "workspace_allocations/999999999.json",
            Some(json!({"workspace_allocation": {"minutes": 600}})),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    api.get("workspace_allocations.json").await;
    assert_eq!(
        api.sb.store_reads(),
        reads,
        "a refused request keeps the cache"
    );
    let soft = api
        .ok(Method::POST, "workspace_allocations.json", Some(json!({"workspace_allocation": {
            "resource_id": unnamed["id"], "start_date": "2025-03-03", "end_date": "2025-03-07", "minutes": 600
        }})))
        .await;
    let id = s(&soft.results("workspace_allocations")[0]["id"]);
    let harden = api
        .send(
            Method::PUT,
            &format!("workspace_allocations/{id}.json"),
            Some(json!({"workspace_allocation": {"hard": true}})),
        )
        .await;
    assert_eq!(harden.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(harden.error().1.as_deref(), Some("hard"));
}

#[tokio::test]
async fn an_allocation_is_updated_then_deleted_then_gone() {
    let api = Api::demo().await;
    let all = api
        .all("workspace_allocations.json", "workspace_allocations")
        .await;
    let a = &all[0];
    let id = s(&a["id"]);
    let updated = api
        .ok(
            Method::PUT,
            &format!("workspace_allocations/{id}.json"),
            Some(json!({"workspace_allocation": {
                "minutes": 123, "notes": "changed", "end_date": a["end_date"]
            }})),
        )
        .await;
    let u = &updated.results("workspace_allocations")[0];
    assert_eq!(u["minutes"], 123);
    assert_eq!(u["notes"], "changed");
    assert_eq!(u["start_date"], a["start_date"]);
    assert_eq!(u["workspace_resource_id"], a["workspace_resource_id"]);
    assert!(u["updated_at"].as_str().unwrap() >= a["updated_at"].as_str().unwrap());
    assert_eq!(u["created_at"], a["created_at"]);
    let shown = api
        .ok(Method::GET, &format!("workspace_allocations/{id}"), None)
        .await;
    assert_eq!(shown.results("workspace_allocations")[0]["minutes"], 123);

    let moved = api
        .send(
            Method::PUT,
            &format!("workspace_allocations/{id}.json"),
            Some(json!({"workspace_allocation": {"resource_id": 1}})),
        )
        .await;
    assert_eq!(
        moved.error(),
        ("validation".into(), Some("resource_id".into()))
    );
    let unknown = api
        .send(
            Method::PUT,
            "workspace_allocations/999999.json",
            Some(json!({"workspace_allocation": {"minutes": 1}})),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    let gone = api
        .send(
            Method::DELETE,
            &format!("workspace_allocations/{id}.json"),
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert!(gone.text.is_empty());
    let again = api
        .send(
            Method::DELETE,
            &format!("workspace_allocations/{id}.json"),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(again.error().0, "system");
    assert_eq!(
        api.get(&format!("workspace_allocations/{id}.json"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let left = api
        .all("workspace_allocations.json", "workspace_allocations")
        .await;
    assert_eq!(left.len(), all.len() - 1);
}

#[tokio::test]
async fn a_split_answers_both_parts() {
    let api = Api::demo().await;
    let all = api
        .all("workspace_allocations.json", "workspace_allocations")
        .await;
    let a = all
        .iter()
        .find(|a| {
            let d =
                |f: &str| NaiveDate::parse_from_str(a[f].as_str().unwrap(), "%Y-%m-%d").unwrap();
            (d("end_date") - d("start_date")).num_days() >= 13
        })
        .unwrap();
    let id = s(&a["id"]);
    let start = NaiveDate::parse_from_str(a["start_date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let date = start + chrono::Days::new(7);
    let split = api
        .ok(
            Method::PUT,
            &format!(
                "workspace_allocations/split.json?workspace_allocation_id={id}&split_date={date}"
            ),
            None,
        )
        .await;
    let parts = split.results("workspace_allocations");
    assert_eq!(parts.len(), 2);
    assert_eq!(s(&parts[0]["id"]), id, "the first part keeps the id");
    assert_eq!(parts[0]["start_date"], a["start_date"]);
    assert_eq!(parts[1]["start_date"], date.to_string());
    assert_eq!(parts[1]["end_date"], a["end_date"]);
    let total = parts[0]["minutes"].as_u64().unwrap() + parts[1]["minutes"].as_u64().unwrap();
    assert_eq!(total, a["minutes"].as_u64().unwrap());

    let no_date = api
        .send(
            Method::PUT,
            &format!("workspace_allocations/split?workspace_allocation_id={id}"),
            None,
        )
        .await;
    assert_eq!(
        no_date.error(),
        ("validation".into(), Some("split_date".into()))
    );
    let outside = api
        .send(
            Method::PUT,
            &format!(
                "workspace_allocations/split?workspace_allocation_id={id}&split_date=1999-01-01"
            ),
            None,
        )
        .await;
    assert_eq!(
        outside.error(),
        ("validation".into(), Some("split_date".into()))
    );
    let unknown = api
        .send(
            Method::PUT,
            "workspace_allocations/split?workspace_allocation_id=999999&split_date=2025-03-05",
            None,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

// ---- resource writes ---------------------------------------------------------------------------

#[tokio::test]
async fn resources_are_created_updated_and_deleted_by_kantatas_rules() {
    let api = Api::demo().await;
    let roles = api.all("roles.json", "roles").await;
    let role = |name: &str| s(&roles.iter().find(|r| r["name"] == name).unwrap()["id"]);
    let workspaces = api.all("workspaces.json", "workspaces").await;
    let ws = s(&workspaces[0]["id"]);

    // Unnamed needs a role.
    let no_role = api
        .send(
            Method::POST,
            "workspace_resources.json",
            Some(json!({"workspace_resource": {"workspace_id": ws, "user_id": null}})),
        )
        .await;
    assert_eq!(
        no_role.error(),
        ("validation".into(), Some("role_id".into()))
    );
    let no_ws = api
        .send(
            Method::POST,
            "workspace_resources.json",
            Some(json!({"workspace_resource": {"role_id": role("Designer")}})),
        )
        .await;
    assert_eq!(
        no_ws.error(),
        ("validation".into(), Some("workspace_id".into()))
    );
    let bad_role = api
        .send(
            Method::POST,
            "workspace_resources.json",
            Some(json!({"workspace_resource": {"workspace_id": ws, "role_id": 9999}})),
        )
        .await;
    assert_eq!(
        bad_role.error(),
        ("validation".into(), Some("role_id".into()))
    );

    let made = api
        .ok(Method::POST, "workspace_resources.json?include=user,role", Some(json!({"workspace_resources": [
            {"workspace_id": ws.parse::<u64>().unwrap(), "user_id": null, "role_id": role("Designer")},
            {"workspace_id": ws, "role_id": role("Data Scientist")}
        ]})))
        .await;
    let made = made.results("workspace_resources");
    assert_eq!(made.len(), 2);
    assert!(made.iter().all(|r| r["user_id"].is_null()));
    assert_eq!(made[0]["role_name"], "Designer");
    assert_eq!(s(&made[1]["role_id"]), role("Data Scientist"));

    // Name the first with someone who is not on the project yet, relabel the second.
    let me = s(&api.ok(Method::GET, "users/me", None).await.results("users")[0]["id"]);
    let id0 = s(&made[0]["id"]);
    let named = api
        .ok(
            Method::PUT,
            &format!("workspace_resources/{id0}.json?include=user"),
            Some(json!({"workspace_resource": {"user_id": me}})),
        )
        .await;
    assert_eq!(s(&named.results("workspace_resources")[0]["user_id"]), me);
    let id1 = s(&made[1]["id"]);
    let relabelled = api
        .ok(
            Method::PUT,
            &format!("workspace_resources/{id1}"),
            Some(json!({"workspace_resource": {"label": "Model builder"}})),
        )
        .await;
    assert_eq!(
        relabelled.results("workspace_resources")[0]["label"],
        "Model builder"
    );
    let unknown_user = api
        .send(
            Method::PUT,
            &format!("workspace_resources/{id1}"),
            Some(json!({"workspace_resource": {"user_id": 424242}})),
        )
        .await;
    assert_eq!(
        unknown_user.error(),
        ("validation".into(), Some("user_id".into()))
    );

    // The unnamed one goes; a person's only resource in their primary role stays.
    let gone = api
        .send(
            Method::DELETE,
            &format!("workspace_resources/{id1}.json"),
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert!(gone.text.is_empty());
    assert_eq!(
        api.get(&format!("workspace_resources/{id1}.json"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A workspace `me` is not on yet: their new resource there takes their primary role.
    let mut elsewhere = None;
    for w in &workspaces {
        let w = s(&w["id"]);
        let on = api
            .all(&format!("users.json?participant_in={w}"), "users")
            .await;
        if !on.iter().any(|u| s(&u["id"]) == me) {
            elsewhere = Some(w);
            break;
        }
    }
    let elsewhere = elsewhere.expect("a workspace without the current user");
    let primary = api
        .ok(
            Method::POST,
            "workspace_resources.json",
            Some(json!({"workspace_resource": {"workspace_id": elsewhere, "user_id": me}})),
        )
        .await;
    let pid = s(&primary.results("workspace_resources")[0]["id"]);
    let kept = api
        .send(
            Method::DELETE,
            &format!("workspace_resources/{pid}.json"),
            None,
        )
        .await;
    assert_eq!(
        kept.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        kept.text
    );
    let body = kept.json();
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("primary role"),
        "{body}"
    );
    assert_eq!(
        api.send(Method::DELETE, "workspace_resources/999999", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn scheduled_hours_become_allocations_soft_only_for_unnamed() {
    let api = Api::demo().await;
    let weeks = api
        .sb
        .backend()
        .scheduled_hours(allot::domain::DateRange::new(
            NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2100, 1, 1).unwrap(),
        ))
        .await
        .unwrap();
    let resources = api
        .all(
            "workspace_resources.json?include_unnamed=true&include=user",
            "workspace_resources",
        )
        .await;
    let with_hours = |named: bool| {
        resources
            .iter()
            .find(|r| {
                r["user_id"].is_null() != named
                    && weeks.iter().any(|w| w.resource_id.as_str() == s(&r["id"]))
            })
            .map(|r| s(&r["id"]))
    };
    let named = with_hours(true).expect("a named resource with scheduled hours");
    let before = api
        .all(
            &format!("workspace_allocations.json?workspace_resource_ids={named}"),
            "workspace_allocations",
        )
        .await
        .len();
    let ok = api
        .ok(Method::POST, "workspace_resources/allocations_matching_scheduled_hours.json", Some(json!({"data": [
            {"resource_ids": [named.parse::<u64>().unwrap()], "hard": true, "occurrence": {"type": "anytime"}}
        ]})))
        .await;
    assert_eq!(ok.json(), json!({"success": true}));
    let after = api
        .all(
            &format!("workspace_allocations.json?workspace_resource_ids={named}"),
            "workspace_allocations",
        )
        .await;
    assert!(after.len() > before, "{} -> {}", before, after.len());

    let by_id = api
        .ok(Method::POST, &format!("workspace_resources/{named}/allocations_matching_scheduled_hours.json"), Some(json!({"data": [
            {"hard": false, "occurrence": {"type": "after", "after_date": "2025-03-03T00:00:00Z"}}
        ]})))
        .await;
    assert_eq!(by_id.json()["success"], true);

    if let Some(unnamed) = with_hours(false) {
        let hard = api
            .send(Method::POST, "workspace_resources/allocations_matching_scheduled_hours.json", Some(json!({"data": [
                {"resource_ids": [named, unnamed], "hard": true, "occurrence": {"type": "anytime"}}
            ]})))
            .await;
        assert_eq!(hard.error(), ("validation".into(), Some("hard".into())));
    }
    for (body, field) in [
        (
            json!({"data": [{"resource_ids": [named], "occurrence": {"type": "anytime"}}]}),
            "hard",
        ),
        (
            json!({"data": [{"resource_ids": [named], "hard": false, "occurrence": {"type": "someday"}}]}),
            "occurrence.type",
        ),
        (
            json!({"data": [{"resource_ids": [named], "hard": false, "occurrence": {"type": "between", "start_date": "2025-03-03"}}]}),
            "occurrence.end_date",
        ),
        (
            json!({"data": [{"hard": false, "occurrence": {"type": "anytime"}}]}),
            "resource_ids",
        ),
        (json!({"nothing": []}), "data"),
    ] {
        let a = api
            .send(
                Method::POST,
                "workspace_resources/allocations_matching_scheduled_hours",
                Some(body.clone()),
            )
            .await;
        assert_eq!(
            a.error(),
            ("validation".into(), Some(field.to_string())),
            "{body}"
        );
    }
}

// ---- resource requests -------------------------------------------------------------------------

#[tokio::test]
async fn a_request_is_made_reassigned_and_resolved_once() {
    let api = Api::demo().await;
    let roles = api.all("roles.json", "roles").await;
    let designer = s(&roles.iter().find(|r| r["name"] == "Designer").unwrap()["id"]);
    let ws = s(&api.all("workspaces.json", "workspaces").await[0]["id"]);
    let users = api.all("users.json", "users").await;
    let (me, other) = (s(&users[0]["id"]), s(&users[1]["id"]));

    let missing = api
        .send(Method::POST, "resource_requests.json", Some(json!({"resource_request": {
            "resource_workspace_id": ws, "resource_role_id": designer,
            "workspace_allocation_start_date": "2025-04-07", "workspace_allocation_end_date": "2025-04-18",
            "workspace_allocation_percentage": 50
        }})))
        .await;
    assert_eq!(
        missing.error(),
        ("validation".into(), Some("approver_ids".into()))
    );
    let no_target = api
        .send(Method::POST, "resource_requests.json", Some(json!({"resource_request": {
            "approver_ids": [me],
            "workspace_allocation_start_date": "2025-04-07", "workspace_allocation_end_date": "2025-04-18",
            "workspace_allocation_percentage": 50
        }})))
        .await;
    assert_eq!(
        no_target.error(),
        ("validation".into(), Some("resource_id".into()))
    );

    let made = api
        .ok(Method::POST, "resource_requests.json?include=approvers,creator,resource", Some(json!({"resource_request": {
            "approver_ids": [me.parse::<u64>().unwrap()], "resource_workspace_id": ws, "resource_role_id": designer,
            "workspace_allocation_start_date": "2025-04-07", "workspace_allocation_end_date": "2025-04-18",
            "workspace_allocation_percentage": 50
        }})))
        .await;
    let v = made.json();
    let r = &made.results("resource_requests")[0];
    assert_eq!(r["status"], "new");
    let rid = s(&r["id"]);
    let resource = s(&r["resource_id"]);
    assert_eq!(v["workspace_resources"][&resource]["role_name"], "Designer");
    let held = api
        .all(
            &format!("workspace_allocations.json?workspace_resource_ids={resource}"),
            "workspace_allocations",
        )
        .await;
    assert_eq!(held.len(), 1);
    assert_eq!(held[0]["hard"], false);
    assert_eq!(held[0]["start_date"], "2025-04-07");
    assert!(
        (held[0]["percentage"].as_f64().unwrap() - 50.0).abs() < 0.6,
        "{}",
        held[0]
    );

    let reassigned = api
        .ok(
            Method::PUT,
            &format!("resource_requests/{rid}/update_approver.json?include=approvers"),
            Some(json!({"resource_request": {"new_approver_id": [other]}})),
        )
        .await;
    assert_eq!(
        reassigned.results("resource_requests")[0]["approver_ids"],
        json!([other])
    );
    let nobody = api
        .send(
            Method::PUT,
            &format!("resource_requests/{rid}/update_approver.json"),
            Some(json!({"resource_request": {"new_approver_id": []}})),
        )
        .await;
    assert_eq!(
        nobody.error(),
        ("validation".into(), Some("new_approver_id".into()))
    );

    let bad = api
        .send(
            Method::PUT,
            &format!("resource_requests/{rid}.json"),
            Some(json!({"resource_request": {"request_resolution_status": "maybe"}})),
        )
        .await;
    assert_eq!(
        bad.error(),
        (
            "validation".into(),
            Some("request_resolution_status".into())
        )
    );
    let approved = api
        .ok(
            Method::PUT,
            &format!("resource_requests/{rid}.json"),
            Some(json!({"resource_request": {
                "request_resolution_status": "approve", "user_id": other
            }})),
        )
        .await;
    assert_eq!(
        approved.results("resource_requests")[0]["status"],
        "approved"
    );
    let staffed = api
        .ok(
            Method::GET,
            &format!("workspace_resources/{resource}.json?include=user"),
            None,
        )
        .await;
    assert_eq!(
        s(&staffed.results("workspace_resources")[0]["user_id"]),
        other
    );
    let hardened = api
        .all(
            &format!("workspace_allocations.json?workspace_resource_ids={resource}"),
            "workspace_allocations",
        )
        .await;
    assert_eq!(hardened[0]["hard"], true, "no allocations_state: hard");

    let twice = api
        .send(
            Method::PUT,
            &format!("resource_requests/{rid}.json"),
            Some(json!({"resource_request": {"request_resolution_status": "reject"}})),
        )
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.text.contains("already approved"), "{}", twice.text);
    let unknown = api
        .send(
            Method::PUT,
            "resource_requests/999999.json",
            Some(json!({"resource_request": {"request_resolution_status": "cancel"}})),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

// ---- faults ------------------------------------------------------------------------------------

fn only(f: impl FnOnce(&mut FaultConfig)) -> FaultConfig {
    let mut c = FaultConfig::none();
    f(&mut c);
    c
}

#[tokio::test]
async fn each_fault_reaches_the_client_as_intended() {
    let api = Api::demo().await;
    let url = api.url("workspaces.json");
    let get = || api.http.get(&url).bearer_auth(&api.sb.token).send();

    api.sb.faults().set(only(|c| c.rate_429 = 1.0));
    let r = get().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.headers().get("retry-after").is_none(),
        "Kantata documents no Retry-After (api-notes.md A.6)"
    );
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["type"], "system");

    api.sb.faults().set(only(|c| c.rate_503 = 1.0));
    let r = get().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.json::<Value>().await.unwrap()["errors"].is_array());

    api.sb.faults().set(only(|c| c.drop_rate = 1.0));
    let e = get()
        .await
        .expect_err("a dropped connection is an error, not an answer");
    assert!(!e.is_status() && !e.is_timeout(), "{e:?}");

    api.sb.faults().set(only(|c| c.truncate_rate = 1.0));
    let r = get().await.expect("the headers arrive");
    assert_eq!(r.status(), StatusCode::OK);
    let full = r.content_length();
    match r.text().await {
        Err(e) => assert!(e.is_body() || e.is_decode() || e.is_request(), "{e:?}"),
        Ok(text) => {
            assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
            assert!((text.len() as u64) < full.unwrap_or(u64::MAX));
        }
    }

    api.sb
        .faults()
        .set(only(|c| c.latency = Duration::from_millis(150)));
    let t = Instant::now();
    assert_eq!(get().await.unwrap().status(), StatusCode::OK);
    assert!(
        t.elapsed() >= Duration::from_millis(150),
        "{:?}",
        t.elapsed()
    );

    api.sb.faults().clear();
    let r = get().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.json::<Value>().await.unwrap()["results"].is_array());
    assert_eq!(api.sb.requests_served(), 6, "faulted requests are counted");
}

#[tokio::test]
async fn a_write_dropped_before_handling_changes_nothing_and_truncated_reads_recover() {
    let api = Api::demo().await;
    let (named, _) = api.some_resources().await;
    let before = api
        .all("workspace_allocations.json", "workspace_allocations")
        .await
        .len();
    api.sb.faults().set(only(|c| c.drop_rate = 1.0));
    let body = json!({"workspace_allocation": {"resource_id": named["id"], "start_date": "2025-03-03", "end_date": "2025-03-07", "minutes": 60}});
    let sent = api
        .http
        .post(api.url("workspace_allocations.json"))
        .bearer_auth(&api.sb.token)
        .json(&body)
        .send()
        .await;
    assert!(sent.is_err());
    api.sb.faults().clear();
    assert_eq!(
        api.all("workspace_allocations.json", "workspace_allocations")
            .await
            .len(),
        before
    );
}

#[tokio::test]
async fn latency_is_concurrent_and_faults_are_deterministic_per_seed() {
    let api = Api::demo().await;
    api.sb
        .faults()
        .set(only(|c| c.latency = Duration::from_millis(200)));
    let t = Instant::now();
    let all = futures::future::join_all((0..4).map(|_| api.get("roles.json"))).await;
    assert!(all.iter().all(|a| a.status == StatusCode::OK));
    assert!(
        t.elapsed() >= Duration::from_millis(200),
        "the latency was served"
    );
    // Four requests each held 200 ms by the latency were all being handled at once.
    assert_eq!(
        api.sb.peak_in_flight(),
        4,
        "served concurrently, not one by one"
    );

    let run = |seed| {
        let api = &api;
        async move {
            api.sb.faults().set(only(|c| {
                c.rate_429 = 0.3;
                c.rate_503 = 0.3;
                c.seed = seed;
            }));
            let mut statuses = vec![];
            for _ in 0..20 {
                statuses.push(api.get("roles.json").await.status.as_u16());
            }
            statuses
        }
    };
    let a = run(42).await;
    let b = run(42).await;
    assert_eq!(a, b);
    assert!(
        a.contains(&429) && a.contains(&503) && a.contains(&200),
        "{a:?}"
    );
}

#[tokio::test]
async fn both_dialects_start_and_bad_settings_are_refused_at_start() {
    let mut config = SandboxConfig::new(Dialect::Ruddr, today());
    let ruddr = Sandbox::start(config.clone()).await.unwrap();
    assert!(ruddr.url.ends_with("/api/workspace"), "{}", ruddr.url);
    assert_eq!(ruddr.dialect(), Dialect::Ruddr);
    drop(ruddr);
    config.dialect = Dialect::Kantata;
    config.faults.rate_503 = 2.0;
    assert!(
        Sandbox::start(config.clone())
            .await
            .unwrap_err()
            .contains("rate-503")
    );
    config.faults = FaultConfig::none();
    config.token = " ".into();
    assert!(Sandbox::start(config).await.unwrap_err().contains("token"));
}

/// allot's own Kantata client reads the sandbox like the store it sits on (a smoke test across
/// the two independent halves; the contract tests above use raw HTTP).
#[tokio::test]
async fn allots_kantata_client_reads_what_the_store_holds() {
    use allot::client::kantata::backend::KantataBackend;
    use allot::client::kantata::http::HttpConfig;
    let api = Api::demo().await;
    let mut client =
        KantataBackend::new(HttpConfig::new(api.sb.url.clone(), api.sb.token.clone())).unwrap();
    // Requests resolved in the 90 days before the demo's today are read; all of its are.
    client.set_today(today());
    let store = api.sb.backend();
    let (theirs, ours) = (
        client.roster().await.unwrap(),
        store.roster().await.unwrap(),
    );
    assert_eq!(theirs.current_user, ours.current_user);
    assert_eq!(theirs.people.len(), ours.people.len());
    // Archived projects come from a later by-id read, so the order may differ.
    let by_id = |mut v: Vec<allot::domain::Project>| {
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    };
    assert_eq!(by_id(theirs.projects), by_id(ours.projects));
    let ids = |rs: &[allot::domain::Resource]| {
        rs.iter()
            .map(|r| (r.id.clone(), r.person_id.clone(), r.role.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&theirs.resources), ids(&ours.resources));
    let window = allot::domain::DateRange::new(
        NaiveDate::from_ymd_opt(2025, 2, 1).unwrap(),
        NaiveDate::from_ymd_opt(2025, 5, 31).unwrap(),
    );
    let mut a = client.allocations(window).await.unwrap();
    let mut b = store.allocations(window).await.unwrap();
    a.sort_by(|x, y| x.id.cmp(&y.id));
    b.sort_by(|x, y| x.id.cmp(&y.id));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            (&x.id, &x.resource_id, &x.project_id),
            (&y.id, &y.resource_id, &y.project_id)
        );
        assert_eq!((x.range, x.hard), (y.range, y.hard));
        // Kantata speaks total minutes; the demo also stores other units (sent as their total).
        if let allot::domain::Amount::TotalMinutes(_) = y.amount {
            assert_eq!(x.amount, y.amount);
        } else {
            assert!(matches!(x.amount, allot::domain::Amount::TotalMinutes(_)));
        }
    }
    let theirs = client.requests().await.unwrap();
    let ours = store.requests().await.unwrap();
    assert_eq!(theirs.len(), ours.len());
    for (x, y) in theirs.iter().zip(&ours) {
        assert_eq!(
            (&x.id, x.status, &x.approver_ids, &x.resource_id),
            (&y.id, y.status, &y.approver_ids, &y.resource_id)
        );
    }
}
