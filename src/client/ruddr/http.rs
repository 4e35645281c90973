//! The HTTP side of the Ruddr client: the shared [`Transport`] in Ruddr's dialect (no suffix,
//! Ruddr's error bodies, the documented 1-2-4-8 s backoff) behind the client-side [`Limiter`],
//! and cursor-paged lists.

use super::RuddrConfig;
use super::decode::{self, Page, error_from};
use super::limiter::Limiter;
use crate::client::BackendError;
use crate::client::transport::{Backoff, Clock, Dialect, Transport, TransportConfig};
use reqwest::Method;
use serde_json::Value;
use std::collections::HashSet;
use std::ops::Deref;
use std::sync::Arc;

/// Ruddr's largest page.
pub const LIMIT: u32 = 100;

use crate::client::transport::{self, MAX_PAGES};

const RUDDR: Dialect = Dialect {
    product: "Ruddr",
    suffix: "",
    error_from,
};

pub struct Http {
    transport: Transport,
}

impl Deref for Http {
    type Target = Transport;
    fn deref(&self) -> &Transport {
        &self.transport
    }
}

impl Http {
    /// With `clock` for both the limiter and the backoff (tests use a manual one).
    pub fn with_clock(config: &RuddrConfig, clock: Arc<dyn Clock>) -> Result<Http, BackendError> {
        let limiter = Limiter::new(config.per_second, config.burst, clock.clone());
        let transport = Transport::new(
            TransportConfig {
                base_url: config.base_url.clone(),
                token: config.api_key.clone(),
                concurrency: config.concurrency,
                timeout: config.timeout,
                backoff: Backoff::Schedule {
                    waits: config.backoff.clone(),
                    max: config.max_retry_after,
                },
            },
            RUDDR,
        )?
        .with_limiter(Arc::new(limiter))
        .with_clock(clock);
        Ok(Http { transport })
    }

    /// GETs one object (cleaned).
    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Value, BackendError> {
        let body = self
            .transport
            .send(Method::GET, path, &transport::query(query), None, true)
            .await?;
        decode::parse(path, &body)
    }

    /// Sends a write; the answer's object (cleaned), or `None` for an empty answer (204).
    pub async fn write(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Option<Value>, BackendError> {
        // A POST that lost its connection may have landed: it is not retried. PATCH and DELETE
        // name the record, so repeating them is harmless.
        let idempotent = method != Method::POST;
        let text = self
            .transport
            .send(method, path, &[], body, idempotent)
            .await?;
        if text.trim().is_empty() {
            Ok(None)
        } else {
            decode::parse(path, &text).map(Some)
        }
    }

    /// Every result of a list, following `hasMore` with `startingAfter=<last id>`, `limit=100`.
    /// Pages come one after another (each needs the one before) in the server's order,
    /// `createdAt` newest first.
    ///
    /// Ruddr's lists are "always sorted by createdAt descending" with no other order
    /// (api-notes.md B.2, R-pag), and the cursor names a record rather than a position, so an
    /// edit never moves a row and a record created during the read lands before page 1; the
    /// documents promise nothing more (no total count is given, so none can be checked). A
    /// result already read (two records created in the same instant straddling a cursor, a
    /// server that does not keep its word) is still dropped by id, and the repeat logged.
    pub async fn list(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Vec<Value>, BackendError> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut q = transport::query(query);
            q.push(("limit".into(), LIMIT.to_string()));
            if let Some(id) = &after {
                q.push(("startingAfter".into(), id.clone()));
            }
            let body = self
                .transport
                .send(Method::GET, path, &q, None, true)
                .await?;
            let page = Page::parse(path, &body)?;
            let next = page.last_id().map(str::to_string);
            let more = page.has_more;
            out.extend(distinct(path, &mut seen, page.results));
            if !more {
                return Ok(out);
            }
            match next {
                Some(id) if after.as_deref() != Some(id.as_str()) => after = Some(id),
                _ => {
                    return Err(BackendError::Other(format!(
                        "Ruddr said there was more of {path} but its page gave no new cursor"
                    )));
                }
            }
        }
        Err(BackendError::Other(format!(
            "Ruddr kept paging {path} past {MAX_PAGES} pages; stopped"
        )))
    }
}

/// `results` without those whose id is in `seen` (which gains the rest); results without an id
/// are kept, as there is nothing to compare them by.
fn distinct(path: &str, seen: &mut HashSet<String>, results: Vec<Value>) -> Vec<Value> {
    let before = results.len();
    let kept: Vec<Value> = results
        .into_iter()
        .filter(|r| {
            r.get("id")
                .and_then(Value::as_str)
                .is_none_or(|id| seen.insert(id.to_string()))
        })
        .collect();
    if kept.len() < before {
        tracing::warn!(
            path,
            repeats = before - kept.len(),
            "Ruddr returned records already read; dropped"
        );
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::transport::TokioClock;
    use axum::Router;
    use axum::extract::Query;
    use axum::routing::get;
    use std::collections::HashMap;

    /// Two pages whose boundary record comes on both: a after nothing is [a b], after b [b c].
    async fn overlapping(Query(q): Query<HashMap<String, String>>) -> String {
        let row = |id: &str| format!(r#"{{"id":"{id}","createdAt":"2026-11-23T10:00:00.000Z"}}"#);
        match q.get("startingAfter").map(String::as_str) {
            None => format!(
                r#"{{"results":[{},{}],"hasMore":true}}"#,
                row("a"),
                row("b")
            ),
            _ => format!(
                r#"{{"results":[{},{}],"hasMore":false}}"#,
                row("b"),
                row("c")
            ),
        }
    }

    #[tokio::test]
    async fn a_record_on_two_pages_is_kept_once() {
        let app = Router::new().route("/allocations", get(overlapping));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let mut config = RuddrConfig::new("k3y", chrono::NaiveDate::MIN);
        config.base_url = format!("http://{addr}");
        let http = Http::with_clock(&config, Arc::new(TokioClock)).unwrap();
        let got = http.list("/allocations", &[]).await.unwrap();
        let ids: Vec<&str> = got.iter().filter_map(|v| v["id"].as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
    }

    #[test]
    fn results_without_an_id_are_kept() {
        let mut seen = HashSet::new();
        let rows = vec![
            serde_json::json!({"id": "a"}),
            serde_json::json!({"name": "x"}),
            serde_json::json!({"name": "x"}),
            serde_json::json!({"id": "a"}),
        ];
        assert_eq!(distinct("/x", &mut seen, rows).len(), 3);
    }
}
