//! Stable paging against the sandbox: records edited (and created) between page reads, while
//! the Kantata client pages through a list, are still each seen exactly once.

use allot::client::Backend;
use allot::client::kantata::backend::KantataBackend;
use allot::client::kantata::http::HttpConfig;
use allot::domain::dates::parse_date;
use allot::domain::{DateRange, Id};
use allot::sandbox::{Dialect, ReadHook, Sandbox, SandboxConfig, Seed};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

fn ever() -> DateRange {
    DateRange::new(
        parse_date("1900-01-01").unwrap(),
        parse_date("2999-12-31").unwrap(),
    )
}

/// 1,000 allocations: five pages of 200.
async fn sandbox() -> (Sandbox, KantataBackend) {
    let mut config = SandboxConfig::new(Dialect::Kantata, parse_date("2026-11-23").unwrap());
    config.seed = Seed::Synthetic {
        resources: 50,
        allocations: 1_000,
    };
    let sb = Sandbox::start(config).await.unwrap();
    let mut http = HttpConfig::new(sb.url.clone(), sb.token.clone());
    http.backoff = Duration::from_millis(5);
    http.max_backoff = Duration::from_millis(20);
    http.timeout = Duration::from_secs(20);
    (sb, KantataBackend::new(http).unwrap())
}

fn raw_client() -> reqwest::Client {
    // reqwest is built without a default TLS provider (only plain HTTP is used here).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// The store's allocation ids in id order.
async fn store_ids(sb: &Sandbox) -> Vec<Id> {
    let mut ids: Vec<Id> = sb
        .backend()
        .allocations(ever())
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    ids.sort_by_key(|id| id.as_number());
    ids
}

/// How many times each id came back.
fn tally(ids: impl IntoIterator<Item = Id>) -> HashMap<Id, usize> {
    let mut seen = HashMap::new();
    for id in ids {
        *seen.entry(id).or_default() += 1;
    }
    seen
}

/// A hook that, the first time page 2 of the allocations is asked for, sends `edit` to the
/// sandbox's own API (so the edit goes through its write path, as another user's would).
fn once_before_page_2(
    sb: &Sandbox,
    edit: impl Fn(reqwest::Client, String, String) -> futures::future::BoxFuture<'static, ()>
    + Send
    + Sync
    + 'static,
) -> (ReadHook, Arc<AtomicBool>) {
    let done = Arc::new(AtomicBool::new(false));
    let (url, token, http) = (sb.url.clone(), sb.token.clone(), raw_client());
    let flag = Arc::clone(&done);
    let edit = Arc::new(edit);
    let hook: ReadHook = Arc::new(move |at: String| {
        let first = at.contains("workspace_allocations")
            && at.split(['?', '&']).any(|kv| kv == "page=2")
            && !flag.swap(true, Ordering::SeqCst);
        let (edit, http, url, token) =
            (Arc::clone(&edit), http.clone(), url.clone(), token.clone());
        Box::pin(async move {
            if first {
                edit(http, url, token).await;
            }
        })
    });
    (hook, done)
}

async fn touch(http: &reqwest::Client, url: &str, token: &str, id: &Id, notes: &str) {
    let r = http
        .put(format!("{url}/workspace_allocations/{id}.json"))
        .bearer_auth(token)
        .json(&serde_json::json!({"workspace_allocation": {"notes": notes}}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_edited_between_page_reads_are_each_seen_once_with_their_edits() {
    let (sb, k) = sandbox().await;
    let ids = store_ids(&sb).await;
    assert_eq!(ids.len(), 1_000);
    // Records at both ends of the id order: under either direction of `updated_at` some of them
    // leave a page already read and the rows behind them shift across a page boundary.
    let touched: Vec<Id> = ids[..5].iter().chain(&ids[995..]).cloned().collect();
    let to_touch = touched.clone();
    let (hook, done) = once_before_page_2(&sb, move |http, url, token| {
        let ids = to_touch.clone();
        Box::pin(async move {
            for id in &ids {
                touch(&http, &url, &token, id, "edited mid-read").await;
            }
        })
    });
    sb.faults().before_reads(Some(hook));
    let got = k.allocations(ever()).await.unwrap();
    sb.faults().before_reads(None);
    assert!(done.load(Ordering::SeqCst), "the edits were made mid-read");

    let seen = tally(got.iter().map(|a| a.id.clone()));
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "read more than once: {twice:?}");
    let missing: Vec<_> = ids.iter().filter(|id| !seen.contains_key(*id)).collect();
    assert!(missing.is_empty(), "never read: {missing:?}");
    assert_eq!(got.len(), ids.len());
    for id in &touched {
        let a = got.iter().find(|a| &a.id == id).unwrap();
        assert_eq!(a.notes, "edited mid-read", "allocation {id} as it is now");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_created_between_page_reads_is_seen_with_all_the_others_once() {
    let (sb, k) = sandbox().await;
    let ids = store_ids(&sb).await;
    let some = sb.backend().allocations(ever()).await.unwrap()[0].clone();
    let resource = some.resource_id.clone();
    let (hook, done) = once_before_page_2(&sb, move |http, url, token| {
        let resource = resource.clone();
        Box::pin(async move {
            let r = http
                .post(format!("{url}/workspace_allocations.json"))
                .bearer_auth(&token)
                .json(&serde_json::json!({"workspace_allocation": {
                    "resource_id": resource.as_str(),
                    "start_date": "2026-11-23",
                    "end_date": "2026-11-27",
                    "minutes": 600,
                }}))
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{}", r.text().await.unwrap());
        })
    });
    sb.faults().before_reads(Some(hook));
    let got = k.allocations(ever()).await.unwrap();
    sb.faults().before_reads(None);
    assert!(done.load(Ordering::SeqCst), "the create was made mid-read");

    let now = store_ids(&sb).await;
    assert_eq!(now.len(), ids.len() + 1);
    let seen = tally(got.iter().map(|a| a.id.clone()));
    assert!(seen.values().all(|n| *n == 1), "nothing read twice");
    let missing: Vec<_> = now.iter().filter(|id| !seen.contains_key(*id)).collect();
    assert!(missing.is_empty(), "never read: {missing:?}");
}

/// The ids of one page of `/workspace_allocations` with `query` added.
async fn listed(http: &reqwest::Client, sb: &Sandbox, query: &str) -> Vec<String> {
    let body: serde_json::Value = http
        .get(format!(
            "{}/workspace_allocations.json?per_page=200{query}",
            sb.url
        ))
        .bearer_auth(&sb.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_sandbox_lists_newest_edits_first_unless_a_documented_order_says_otherwise() {
    let (sb, _) = sandbox().await;
    let http = raw_client();
    let ids = store_ids(&sb).await;
    let first: Vec<String> = ids[..3].iter().map(Id::to_string).collect();
    // Untouched, everything was updated at the same moment: ties go by id, ascending.
    assert_eq!(listed(&http, &sb, "").await[..3], first[..]);
    let edited = &ids[500];
    touch(&http, &sb.url, &sb.token, edited, "just now").await;
    let default = listed(&http, &sb, "").await;
    assert_eq!(default[0], edited.to_string(), "updated_at:desc by default");
    assert_eq!(default[1..3], first[..2]);
    // `id:asc` is not a documented value for this list: ignored, as Brainstem ignores it.
    assert_eq!(listed(&http, &sb, "&order=id:asc").await, default);
    let asc = listed(&http, &sb, "&order=updated_at:asc").await;
    assert_eq!(asc[..3], first[..], "the edit went to the end");
    assert!(!asc.contains(&edited.to_string()), "and off page 1");
}
