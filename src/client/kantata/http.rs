//! The HTTP side of the Kantata client: the shared [`Transport`] in Kantata's dialect (`.json`
//! paths, Kantata's error bodies, exponential backoff with jitter), plus Kantata's page-numbered
//! lists fetched concurrently (bounded) and returned in order.

use super::decode::{Page, error_from};
use crate::client::BackendError;
use crate::client::transport::{Backoff, Clock, Dialect, TokioClock, Transport, TransportConfig};
use crate::config::Secret;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

/// Kantata's documented maximum page size.
pub const PER_PAGE: u32 = 200;

const KANTATA: Dialect = Dialect {
    product: "Kantata",
    suffix: ".json",
    error_from,
};

/// "All API requests will timeout after 3 minutes." (K-spec "Timeouts", api-notes.md A.5.)
pub const KANTATA_TIMEOUT: Duration = Duration::from_secs(180);

#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// e.g. `https://api.mavenlink.com/api/v1`
    pub base_url: String,
    /// Never shown by `Debug`.
    pub token: Secret,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Per request, reads and writes alike: at least [`KANTATA_TIMEOUT`], so a write Kantata
    /// is still carrying out (a 200-item bulk create) is never reported lost and sent again.
    /// One transport carries one timeout, so reads wait as long; Kantata may be serving them too.
    pub timeout: Duration,
    /// Retries after the first attempt, for 429/503 and (for reads) dropped connections.
    pub retries: u32,
    /// The first backoff; it doubles each retry, with jitter, up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
}

impl HttpConfig {
    pub fn new(base_url: impl Into<String>, token: impl Into<Secret>) -> Self {
        HttpConfig {
            base_url: base_url.into(),
            token: token.into(),
            concurrency: 4,
            timeout: KANTATA_TIMEOUT + Duration::from_secs(10),
            retries: 4,
            backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
        }
    }
}

/// The Kantata transport. It derefs to [`Transport`] for `send`'s siblings and the `sent` and
/// `retried` counters.
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
    pub fn new(config: HttpConfig) -> Result<Http, BackendError> {
        Http::with_clock(config, Arc::new(TokioClock))
    }

    /// With `clock` for the backoff (tests use a manual one).
    pub fn with_clock(config: HttpConfig, clock: Arc<dyn Clock>) -> Result<Http, BackendError> {
        let transport = Transport::new(
            TransportConfig {
                base_url: config.base_url,
                token: config.token,
                concurrency: config.concurrency,
                timeout: config.timeout,
                backoff: Backoff::Exponential {
                    first: config.backoff,
                    max: config.max_backoff,
                    retries: config.retries,
                },
            },
            KANTATA,
        )?
        .with_clock(clock);
        Ok(Http { transport })
    }

    /// GETs one page, retrying what is worth retrying.
    pub async fn get(&self, path: &str, query: &[(String, String)]) -> Result<Page, BackendError> {
        let body = self
            .send(reqwest::Method::GET, path, query, None, true)
            .await?;
        Page::parse(&body)
    }

    /// Every page of a list, `per_page=200`: page 1 first for `page_count`, then the rest
    /// concurrently (bounded by the configured concurrency), returned in page order.
    pub async fn get_all(
        self: &Arc<Self>,
        path: &str,
        query: &[(String, String)],
    ) -> Result<Vec<Page>, BackendError> {
        self.get_all_with(path, query, Ok).await
    }

    /// [`Http::get_all`], each page turned into a `T` by `map` as soon as it arrives. Each page
    /// is its own task and is decoded on the blocking pool, so decoding never holds up sending
    /// the next request (one task decoding 250 pages in turn cost a tenth of the load time).
    pub async fn get_all_with<T, F>(
        self: &Arc<Self>,
        path: &str,
        query: &[(String, String)],
        map: F,
    ) -> Result<Vec<T>, BackendError>
    where
        T: Send + 'static,
        F: Fn(Page) -> Result<T, BackendError> + Send + Sync + 'static,
    {
        let with_page = |n: u64| {
            let mut q = query.to_vec();
            q.push(("per_page".into(), PER_PAGE.to_string()));
            q.push(("page".into(), n.to_string()));
            q
        };
        let first = self.get(path, &with_page(1)).await?;
        let count = first.meta.page_count.max(1);
        if count > crate::client::transport::MAX_PAGES as u64 {
            return Err(BackendError::Other(format!(
                "Kantata claims {path} has {count} pages; stopped rather than ask for them all"
            )));
        }
        let first = map(first)?;
        let map = Arc::new(map);
        let tasks: Vec<_> = (2..=count)
            .map(|n| {
                let (http, map, path, q) = (
                    Arc::clone(self),
                    Arc::clone(&map),
                    path.to_string(),
                    with_page(n),
                );
                tokio::spawn(async move {
                    let body = http
                        .send(reqwest::Method::GET, &path, &q, None, true)
                        .await?;
                    // Decoding is CPU work: off the async workers, which keep sending.
                    tokio::task::spawn_blocking(move || map(Page::parse(&body)?))
                        .await
                        .map_err(|e| BackendError::Other(format!("decoding a page failed: {e}")))?
                })
            })
            .collect();
        // Dropping this future (the user moved on) must not leave the pages loading.
        let guard = AbortOnDrop(tasks.iter().map(|t| t.abort_handle()).collect());
        let mut out = Vec::with_capacity(count as usize);
        out.push(first);
        for task in tasks {
            out.push(task.await.map_err(|e| {
                BackendError::Other(format!("reading page of {path} failed: {e}"))
            })??);
        }
        drop(guard);
        Ok(out)
    }
}

/// Aborts the page tasks when a list read is dropped before it ends (or fails part-way).
struct AbortOnDrop(Vec<tokio::task::AbortHandle>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        for t in &self.0 {
            t.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::extract::{Query, State};
    use axum::http::{HeaderMap, StatusCode as AxStatus};
    use axum::routing::get;
    use std::collections::HashMap;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A Kantata-shaped list served on loopback: `pages` pages, optional latency, and the first
    /// `fail` requests answered 429 (Retry-After 0) or with `fail_status`.
    #[derive(Clone, Default)]
    struct Server {
        pages: u64,
        latency_ms: u64,
        fail: Arc<AtomicUsize>,
        fail_status: u16,
        in_flight: Arc<AtomicUsize>,
        max_in_flight: Arc<AtomicUsize>,
        tokens: Arc<std::sync::Mutex<Vec<String>>>,
    }

    async fn list(
        State(s): State<Server>,
        headers: HeaderMap,
        Query(q): Query<HashMap<String, String>>,
    ) -> (AxStatus, HeaderMap, String) {
        let now = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        s.max_in_flight.fetch_max(now, Ordering::SeqCst);
        if let Some(auth) = headers.get("authorization").and_then(|v| v.to_str().ok()) {
            s.tokens.lock().unwrap().push(auth.to_string());
        }
        tokio::time::sleep(Duration::from_millis(s.latency_ms)).await;
        s.in_flight.fetch_sub(1, Ordering::SeqCst);
        let mut out = HeaderMap::new();
        if s.fail.load(Ordering::SeqCst) > 0 {
            s.fail.fetch_sub(1, Ordering::SeqCst);
            out.insert("retry-after", "0".parse().unwrap());
            let body = r#"{"errors":[{"type":"system","message":"slow down"}]}"#.to_string();
            return (AxStatus::from_u16(s.fail_status).unwrap(), out, body);
        }
        let page: u64 = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let body = format!(
            r#"{{"count":{n},"meta":{{"count":{n},"page_count":{pages},"page_number":{page},"page_size":200}},
               "results":[{{"key":"workspace_allocations","id":"{page}"}}],
               "workspace_allocations":{{"{page}":{{"id":"{page}","workspace_resource_id":"7","start_date":"2026-11-23","end_date":"2026-11-27","minutes":600,"hard":true}}}}}}"#,
            n = s.pages,
            pages = s.pages,
        );
        (AxStatus::OK, out, body)
    }

    async fn serve(s: Server) -> String {
        let app = Router::new()
            .route("/api/v1/workspace_allocations.json", get(list))
            .with_state(s);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}/api/v1")
    }

    fn config(base: String) -> HttpConfig {
        HttpConfig {
            backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(50),
            ..HttpConfig::new(base, "t0ken")
        }
    }

    #[tokio::test]
    async fn a_server_claiming_too_many_pages_is_not_followed() {
        let server = Server {
            pages: 1_000_000,
            ..Default::default()
        };
        let http = Arc::new(Http::new(config(serve(server.clone()).await)).unwrap());
        let err = http
            .get_all("workspace_allocations", &[])
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("1000000 pages; stopped"), "{err}");
        assert_eq!(
            server.tokens.lock().unwrap().len(),
            1,
            "only the first page was asked for"
        );
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let c = HttpConfig::new("https://api.mavenlink.com/api/v1", "s3cret-token");
        assert!(!format!("{c:?}").contains("s3cret"), "{c:?}");
        let r = crate::client::ruddr::RuddrConfig::new("s3cret-key", chrono::NaiveDate::MIN);
        assert!(!format!("{r:?}").contains("s3cret"), "{r:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pages_come_back_in_order_fetched_concurrently_within_the_bound() {
        let server = Server {
            pages: 9,
            latency_ms: 30,
            fail_status: 429,
            ..Default::default()
        };
        let http = Arc::new(Http::new(config(serve(server.clone()).await)).unwrap());
        let pages = http.get_all("workspace_allocations", &[]).await.unwrap();
        let ids: Vec<String> = pages.iter().map(|p| p.results[0].1.to_string()).collect();
        assert_eq!(ids, (1..=9).map(|n| n.to_string()).collect::<Vec<_>>());
        let peak = server.max_in_flight.load(Ordering::SeqCst);
        assert!(
            peak > 1 && peak <= 4,
            "bounded concurrency, got {peak} at once"
        );
        assert!(
            server
                .tokens
                .lock()
                .unwrap()
                .iter()
                .all(|t| t == "Bearer t0ken")
        );
        assert_eq!(http.sent.load(Ordering::Relaxed), 9);
    }

    #[tokio::test]
    async fn a_429_storm_is_retried_and_a_longer_one_reports_the_backends_words() {
        let server = Server {
            pages: 1,
            fail: Arc::new(AtomicUsize::new(3)),
            fail_status: 429,
            ..Default::default()
        };
        let http = Arc::new(Http::new(config(serve(server.clone()).await)).unwrap());
        let pages = http.get_all("workspace_allocations", &[]).await.unwrap();
        assert_eq!(pages.len(), 1);
        assert_eq!(http.retried.load(Ordering::Relaxed), 3);

        let server = Server {
            pages: 1,
            fail: Arc::new(AtomicUsize::new(10)),
            fail_status: 503,
            ..Default::default()
        };
        let http = Arc::new(
            Http::new(HttpConfig {
                retries: 2,
                ..config(serve(server).await)
            })
            .unwrap(),
        );
        let err = http
            .get_all("workspace_allocations", &[])
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("503") && err.contains("slow down"), "{err}");
        assert_eq!(
            http.sent.load(Ordering::Relaxed),
            3,
            "the first try and two retries"
        );
    }

    #[test]
    fn the_default_timeout_outlasts_kantatas_own() {
        let c = HttpConfig::new("https://api.mavenlink.com/api/v1", "t");
        assert!(c.timeout > KANTATA_TIMEOUT, "{:?}", c.timeout);
    }

    #[tokio::test]
    async fn a_slow_answer_times_out_with_a_clear_message() {
        let server = Server {
            pages: 1,
            latency_ms: 800,
            ..Default::default()
        };
        let http = Arc::new(
            Http::new(HttpConfig {
                timeout: Duration::from_millis(100),
                retries: 0,
                ..config(serve(server).await)
            })
            .unwrap(),
        );
        let err = http
            .get_all("workspace_allocations", &[])
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("did not answer"), "{err}");
    }

    #[tokio::test]
    async fn a_dropped_connection_is_retried_for_reads_then_named() {
        // Nothing listens on this port (bound, then closed).
        let addr = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap();
        let http = Arc::new(
            Http::new(HttpConfig {
                retries: 2,
                ..config(format!("http://{addr}/api/v1"))
            })
            .unwrap(),
        );
        let err = http
            .get_all("workspace_allocations", &[])
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("could not reach Kantata"), "{err}");
        assert_eq!(http.retried.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn tokens_travel_over_https_or_to_this_machine_only() {
        use crate::client::transport::check_url;
        assert!(check_url("https://api.mavenlink.com/api/v1").is_ok());
        assert!(check_url("http://127.0.0.1:8080/api/v1").is_ok());
        assert!(check_url("http://localhost:8080").is_ok());
        assert!(check_url("http://[::1]:8080").is_ok());
        let e = check_url("http://api.mavenlink.com/api/v1")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("refusing to send the API token over plain http"),
            "{e}"
        );
        assert!(check_url("http://10.0.0.5/api").is_err());
        assert!(check_url("ftp://x").is_err());
        assert!(check_url("not a url").is_err());
        assert!(Http::new(HttpConfig::new("http://example.com", "t")).is_err());
    }
}
