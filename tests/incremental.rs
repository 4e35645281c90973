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

/// The Kantata client over a replica in `dir`, as a fresh start makes it.
fn replicated(sb: &Sandbox, dir: &std::path::Path) -> std::sync::Arc<allot::replica::Replicated> {
    let mut inner =
        allot::client::kantata::backend::KantataBackend::new(common::demo::http_config(sb))
            .unwrap();
    inner.set_today(today());
    let replica = allot::replica::Replica::open(dir, "kantata sandbox -").unwrap();
    std::sync::Arc::new(allot::replica::Replicated::new(
        std::sync::Arc::new(inner),
        replica,
    ))
}

/// What the app reads at a start or `R`: the reload's effects, run as the runtime runs them,
/// and what they answered.
struct Loaded {
    roster: allot::domain::Roster,
    allocations: Vec<allot::domain::Allocation>,
    requests: Vec<allot::domain::Request>,
}

async fn reload(backend: &dyn Backend) -> Loaded {
    use allot::app::{Msg, State, update};
    let mut state = State::new(today(), allot::client::BackendKind::Kantata, "sandbox");
    let effects = update(&mut state, Msg::Start);
    let (mut roster, mut allocations, mut requests) = (None, None, None);
    for effect in effects {
        match allot::runtime::execute_effect(backend, effect).await {
            Msg::RosterLoaded(r) => roster = Some(r.unwrap()),
            Msg::AllocationsLoaded { result, .. } => allocations = Some(sorted(result.unwrap())),
            Msg::RequestsLoaded(r) => requests = Some(r.unwrap()),
            Msg::ChangesChecked(r) => assert!(r.is_ok()),
            Msg::ScheduledLoaded { result, .. } => assert!(result.is_ok()),
            other => panic!("a reload answered {other:?}"),
        }
    }
    Loaded {
        roster: roster.unwrap(),
        allocations: allocations.unwrap(),
        requests: requests.unwrap(),
    }
}

fn sorted(mut v: Vec<allot::domain::Allocation>) -> Vec<allot::domain::Allocation> {
    v.sort_by(|a, b| a.id.cmp(&b.id));
    v
}

/// The sandbox read whole by a client without a replica.
async fn truth(sb: &Sandbox) -> Loaded {
    let mut plain =
        allot::client::kantata::backend::KantataBackend::new(common::demo::http_config(sb))
            .unwrap();
    plain.set_today(today());
    reload(&plain).await
}

#[tokio::test]
async fn a_warm_start_with_nothing_changed_sends_at_most_ten_requests_and_changes_appear_after_one_refresh()
 {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sb = Sandbox::start(SandboxConfig::new(Dialect::Kantata, today()))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let before = sb.requests_served();
    let cold = reload(replicated(&sb, dir.path()).as_ref()).await;
    let cold_requests = sb.requests_served() - before;

    // A second start, nothing changed: a few small requests, and what they give is the same.
    let before = sb.requests_served();
    let warm_backend = replicated(&sb, dir.path());
    let warm = reload(warm_backend.as_ref()).await;
    let warm_requests = sb.requests_served() - before;
    assert!(
        warm_requests <= 10,
        "{warm_requests} requests (a whole read took {cold_requests})"
    );
    assert!(warm_requests < cold_requests);
    assert_eq!(warm.roster, cold.roster);
    assert_eq!(warm.allocations, cold.allocations);
    assert_eq!(warm.requests, cold.requests);
    // `R` in the same run: fewer still (roles are known by then).
    let before = sb.requests_served();
    reload(warm_backend.as_ref()).await;
    assert!(sb.requests_served() - before <= warm_requests);

    // Someone else creates, edits and deletes allocations, resolves a request and renames a
    // person.
    let client = common::demo::kantata_sandbox_client(&sb);
    let window = allot::app::state::initial_window(today());
    let first = &cold.allocations;
    let made = client
        .create_allocations(vec![allot::client::NewAllocation {
            resource_id: first[0].resource_id.clone(),
            range: DateRange::new(add_days(window.start, 10), add_days(window.start, 12)),
            amount: allot::domain::Amount::TotalMinutes(240),
            hard: false,
            notes: "made elsewhere".into(),
        }])
        .await
        .unwrap();
    let mut edited = first[3].clone();
    edited.notes = "changed elsewhere".into();
    client.update_allocation(edited).await.unwrap();
    let gone = first[5].id.clone();
    client.delete_allocation(gone.clone()).await.unwrap();
    let pending = cold
        .requests
        .iter()
        .find(|r| r.status == allot::domain::RequestStatus::New)
        .unwrap()
        .id
        .clone();
    client
        .resolve_request(pending.clone(), allot::client::Resolution::Reject)
        .await
        .unwrap();
    let db = rusqlite::Connection::open(sb.backend().path()).unwrap();
    let renamed = db
        .execute(
            "UPDATE people SET name = 'Aisha Rahman-Khan' WHERE name = 'Aisha Rahman'",
            [],
        )
        .unwrap();
    assert_eq!(renamed, 1);
    sb.invalidate().await;

    // One refresh, and the replica is the backend.
    let before = sb.requests_served();
    let after = reload(warm_backend.as_ref()).await;
    let changed_requests = sb.requests_served() - before;
    let truth = truth(&sb).await;
    assert_eq!(after.allocations, truth.allocations);
    assert!(after.allocations.iter().any(|a| a.id == made[0].id));
    assert!(!after.allocations.iter().any(|a| a.id == gone));
    assert_eq!(after.requests, truth.requests);
    assert!(
        after
            .requests
            .iter()
            .any(|r| r.id == pending && r.status == allot::domain::RequestStatus::Rejected)
    );
    assert_eq!(after.roster, truth.roster);
    assert!(
        after
            .roster
            .people
            .iter()
            .any(|p| p.name == "Aisha Rahman-Khan")
    );
    assert!(changed_requests < cold_requests + 10, "{changed_requests}");

    // And the next start holds it: a warm start shows what the refresh found.
    let cached = replicated(&sb, dir.path()).cached(window).unwrap().unwrap();
    assert_eq!(sorted(cached.allocations), truth.allocations);
}

#[tokio::test]
async fn a_deletion_in_a_large_window_is_found_by_counting_halves_not_by_reading_it_whole() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut config = SandboxConfig::new(Dialect::Kantata, today());
    config.seed = allot::sandbox::Seed::Synthetic {
        resources: 100,
        allocations: 5_000,
    };
    let sb = Sandbox::start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let backend = replicated(&sb, dir.path());
    let everything = DateRange::new(
        allot::domain::dates::parse_date("2000-01-01").unwrap(),
        allot::domain::dates::parse_date("2099-12-31").unwrap(),
    );
    let before = sb.requests_served();
    let first = sorted(backend.allocations(everything).await.unwrap());
    let whole = sb.requests_served() - before;
    assert_eq!(first.len(), 5_000);
    assert!(whole >= 25, "{whole} pages");

    let client = common::demo::kantata_sandbox_client(&sb);
    client
        .delete_allocation(first[1234].id.clone())
        .await
        .unwrap();
    let before = sb.requests_served();
    let after = sorted(backend.allocations(everything).await.unwrap());
    let found_in = sb.requests_served() - before;
    let mut want = first.clone();
    want.remove(1234);
    assert_eq!(after, want);
    assert!(
        found_in < whole,
        "{found_in} requests, a whole read is {whole}"
    );
}

#[tokio::test]
async fn a_full_check_finds_and_repairs_what_a_refresh_cannot_see_daily_or_when_asked() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sb = Sandbox::start(SandboxConfig::new(Dialect::Kantata, today()))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let truth = reload(replicated(&sb, dir.path()).as_ref()).await;
    let file = allot::replica::store::file_for(dir.path(), "kantata sandbox -");
    let info = || {
        allot::replica::store::list(dir.path())
            .into_iter()
            .next()
            .unwrap()
    };
    let first_check = info().full_check.expect("a first read is a full check");

    // The replica goes wrong behind the backend's back (a bug, a damaged write): the probes
    // see nothing changed on Kantata, so a refresh keeps it.
    let wrong = truth.allocations[2].clone();
    let tamper = |sql: &str| {
        rusqlite::Connection::open(&file)
            .unwrap()
            .execute(sql, [wrong.id.as_str()])
            .unwrap()
    };
    let set_notes =
        "UPDATE allocations SET body = json_set(body, '$.notes', 'wrong') WHERE id = ?1";
    assert_eq!(tamper(set_notes), 1);
    let backend = replicated(&sb, dir.path());
    let kept = reload(backend.as_ref()).await;
    let notes = |l: &Loaded| {
        l.allocations
            .iter()
            .find(|a| a.id == wrong.id)
            .map(|a| a.notes.clone())
    };
    assert_eq!(
        notes(&kept).as_deref(),
        Some("wrong"),
        "a refresh cannot see it"
    );
    assert_eq!(info().full_check, Some(first_check), "no full check yet");

    // Asked (F, R R, --full-check): everything read whole, and the replica repaired.
    backend.request_full_check();
    let before = sb.requests_served();
    let checked = reload(backend.as_ref()).await;
    assert!(sb.requests_served() - before > 10, "read whole");
    assert_eq!(checked.allocations, truth.allocations);
    assert_eq!(notes(&checked), Some(wrong.notes.clone()));
    let second_check = info().full_check.unwrap();
    assert!(second_check > first_check);

    // A day after the last one, a start checks by itself.
    assert_eq!(tamper(set_notes), 1);
    let day_ago = (chrono::Utc::now() - chrono::TimeDelta::hours(25))
        .to_rfc3339_opts(SecondsFormat::Millis, true);
    let db = rusqlite::Connection::open(&file).unwrap();
    db.execute(
        "UPDATE meta SET value = ?1 WHERE key LIKE 'full_check_%'",
        [&day_ago],
    )
    .unwrap();
    drop(db);
    let daily = reload(replicated(&sb, dir.path()).as_ref()).await;
    assert_eq!(daily.allocations, truth.allocations);
    assert!(info().full_check.unwrap() > second_check);
}
