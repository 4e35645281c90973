//! The Kantata sandbox's incremental reads, as the documents describe them (capacity-apis.md
//! §6): every list that documents `updated_after` answers, after a full read, only what changed
//! since; a deletion leaves no tombstone, only a smaller `meta.count`; the lists that do not
//! document the filter ignore it (Brainstem); a bad datetime is a 422 naming the parameter.

mod common;

use allot::client::Backend;
use allot::domain::dates::add_days;
use allot::domain::{DateRange, Id, RowKey, Workspace};
use allot::sandbox::{Dialect, Sandbox, SandboxConfig};
use chrono::{SecondsFormat, Utc};
use common::demo::today;
use serde_json::{Value, json};

/// The lists that document `updated_after`, each with what makes it list everything.
const LISTS: [(&str, &str); 9] = [
    ("workspace_allocations", ""),
    ("workspace_resources", "include_unnamed=true"),
    ("resource_requests", ""),
    ("users", ""),
    ("workspaces", ""),
    ("workweeks", ""),
    ("workweek_memberships", ""),
    ("holiday_calendar_memberships", ""),
    ("time_off_entries", ""),
];

struct Api {
    sb: Sandbox,
    http: reqwest::Client,
}

impl Api {
    async fn start() -> Api {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let sb = Sandbox::start(SandboxConfig::new(Dialect::Kantata, today()))
            .await
            .unwrap();
        Api {
            sb,
            http: reqwest::Client::new(),
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}/{path}", self.sb.url))
            .bearer_auth(&self.sb.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let answer = req.send().await.unwrap();
        let status = answer.status().as_u16();
        let text = answer.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// `list` with `query`, its first page of 200: (meta.count, the ids on it).
    async fn list(&self, list: &str, query: &str) -> (u64, Vec<String>) {
        let (status, v) = self
            .send(
                reqwest::Method::GET,
                &format!("{list}.json?per_page=200&{query}"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{list}?{query}: {v}");
        let ids = v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect();
        (v["meta"]["count"].as_u64().unwrap(), ids)
    }

    /// What changed on `list` since `since` (its whole count).
    async fn changed(&self, list: &str, base: &str, since: &str) -> (u64, Vec<String>) {
        let q = format!("{base}&updated_after={}", urlencode(since));
        self.list(list, &q).await
    }
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[tokio::test]
async fn after_a_full_read_each_documented_list_answers_only_what_changed_since() {
    let api = Api::start().await;
    for (list, base) in LISTS {
        let (count, _) = api.list(list, base).await;
        assert!(count > 0, "{list} has something to change");
    }
    let since = now();
    for (list, base) in LISTS {
        assert_eq!(
            api.changed(list, base, &since).await,
            (0, vec![]),
            "{list}: nothing changed since the full read"
        );
    }

    // An edit to one allocation, a resource named, a request rejected, a person's time off.
    let (_, allocs) = api.list("workspace_allocations", "").await;
    let edited = allocs[0].clone();
    let (status, v) = api
        .send(
            reqwest::Method::PUT,
            &format!("workspace_allocations/{edited}.json"),
            Some(json!({"workspace_allocation": {"minutes": 123}})),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let (_, pending) = api
        .list("resource_requests", "pending_requests_only=true")
        .await;
    let rejected = pending[0].clone();
    let (status, v) = api
        .send(
            reqwest::Method::PUT,
            &format!("resource_requests/{rejected}.json"),
            Some(json!({"resource_request": {"request_resolution_status": "reject"}})),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let store = Workspace::from_roster(api.sb.backend().roster().await.unwrap());
    let zoe = Id::new("1004");
    let mut cal = store.calendar_for(&RowKey::Person(zoe.clone()));
    let day = add_days(today(), 1);
    let free_day = (0..14)
        .map(|n| add_days(day, n))
        .find(|d| cal.capacity(*d) > 0 && !cal.time_off.iter().any(|r| r.contains(*d)))
        .unwrap();
    cal.time_off.push(DateRange::new(free_day, free_day));
    api.sb.set_calendar(zoe.clone(), cal).await;

    assert_eq!(
        api.changed("workspace_allocations", "", &since).await,
        (1, vec![edited.clone()]),
        "only the edited allocation"
    );
    let (n, ids) = api.changed("resource_requests", "", &since).await;
    assert!(n >= 1 && ids.contains(&rejected), "{ids:?}");
    let (n, ids) = api
        .changed("time_off_entries", "include=user", &since)
        .await;
    assert_eq!(n, 1, "the one new day off: {ids:?}");
    let (_, v) = api
        .send(
            reqwest::Method::GET,
            &format!(
                "time_off_entries.json?include=user&updated_after={}",
                urlencode(&since)
            ),
            None,
        )
        .await;
    let entry = &v["time_off_entries"][&ids[0]];
    assert_eq!(entry["requested_date"], free_day.to_string());
    assert_eq!(entry["user_id"], 1004);
    for list in ["users", "workspaces", "workweeks", "workweek_memberships"] {
        assert_eq!(
            api.changed(list, "", &since).await.0,
            0,
            "{list}: untouched"
        );
    }

    // A deletion: gone from the changes (no tombstones) and from the count.
    let since = now();
    let (before, _) = api.list("workspace_allocations", "").await;
    let (status, _) = api
        .send(
            reqwest::Method::DELETE,
            &format!("workspace_allocations/{edited}.json"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(api.changed("workspace_allocations", "", &since).await.0, 0);
    assert_eq!(api.list("workspace_allocations", "").await.0, before - 1);
}

#[tokio::test]
async fn a_bad_datetime_is_refused_and_undocumented_lists_ignore_the_filter() {
    let api = Api::start().await;
    for (list, base) in LISTS {
        let (status, v) = api
            .send(
                reqwest::Method::GET,
                &format!("{list}.json?{base}&updated_after=yesterday"),
                None,
            )
            .await;
        assert_eq!(status, 422, "{list}: {v}");
        assert_eq!(v["errors"][0]["field"], "updated_after", "{list}: {v}");
        assert!(
            v["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("'yesterday'"),
            "{v}"
        );
    }
    // No `updated_after` on these (AE files): the whole list whatever is asked.
    let future = "2999-01-01T00:00:00Z";
    for list in [
        "holidays",
        "holiday_calendars",
        "holiday_calendar_associations",
    ] {
        let (all, _) = api.list(list, "").await;
        let (filtered, _) = api.changed(list, "", future).await;
        assert!(all > 0);
        assert_eq!(filtered, all, "{list} ignores updated_after");
    }
}
