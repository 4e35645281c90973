//! The HTTP side of the Kantata client: the shared [`Transport`] in Kantata's dialect (`.json`
//! paths, Kantata's error bodies, exponential backoff with jitter), plus Kantata's page-numbered
//! lists fetched concurrently (bounded) and returned in order.

use super::decode::{Page, error_from};
use crate::client::BackendError;
use crate::client::transport::{Backoff, Clock, Dialect, TokioClock, Transport, TransportConfig};
use crate::config::Secret;
use crate::domain::Id;
use std::collections::HashSet;
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

/// Requests in flight at once unless the profile says otherwise. Kantata publishes no number
/// for its general rate limit (K-spec "Rate Limits"; api-notes.md A.6) and asks that a 429 be
/// retried after a small delay, which the transport does. Five stays under the six connections
/// a browser opens to one host, so it asks no more of Kantata than its own web app in a tab
/// does; four could not load a 5,000-resource account with its capacity in 4 s at 50 ms a
/// request (318 requests ÷ 4 × 50 ms = 3.98 s before any work; `benches/kantata_load.rs`).
pub const DEFAULT_CONCURRENCY: usize = 5;

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
            concurrency: DEFAULT_CONCURRENCY,
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

    /// [`Http::get_all`], each page turned into a `T` by `map` once its results are known to be
    /// new. Each page is its own task and is parsed on the blocking pool, so parsing never holds
    /// up sending the next request (one task decoding 250 pages in turn cost a tenth of the load
    /// time); `map` runs on the blocking pool too, page by page in order.
    ///
    /// Pages are read concurrently while other people may be editing, and Kantata orders most
    /// lists by `updated_at:desc` (api-notes.md A.7, A.9): an edit moves a row between pages, so
    /// one row can be read twice and another never. So the list is asked for in the order
    /// edits disturb least where one is documented ([`stable_order`]), every result already
    /// seen on an earlier page is dropped, and the distinct total is checked against the count
    /// page 1 reported. When they disagree the whole page set is read again, up to
    /// [`READS`] times; after that what was read (de-duplicated) is used and the gap is logged.
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
        let query = with_stable_order(path, query);
        let map = Arc::new(map);
        let mut read = 0;
        loop {
            read += 1;
            let (out, tally) = self.read_pages(path, &query, &map).await?;
            match tally.problem() {
                None => return Ok(out),
                Some(problem) if read < READS => {
                    tracing::info!(path, read, %problem, "the pages disagree; reading them again");
                }
                Some(problem) => {
                    tracing::warn!(
                        path,
                        read,
                        %problem,
                        "the pages still disagree; using the distinct records read"
                    );
                    return Ok(out);
                }
            }
        }
    }

    /// One read of the whole page set: page 1 first for `page_count`, then the rest
    /// concurrently, each page's results cut to those not seen before, then mapped.
    async fn read_pages<T, F>(
        self: &Arc<Self>,
        path: &str,
        query: &[(String, String)],
        map: &Arc<F>,
    ) -> Result<(Vec<T>, Tally), BackendError>
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
        let tasks: Vec<_> = (2..=count)
            .map(|n| {
                let (http, path, q) = (Arc::clone(self), path.to_string(), with_page(n));
                tokio::spawn(async move {
                    let body = http
                        .send(reqwest::Method::GET, &path, &q, None, true)
                        .await?;
                    // Parsing is CPU work: off the async workers, which keep sending.
                    tokio::task::spawn_blocking(move || Page::parse(&body))
                        .await
                        .map_err(|e| BackendError::Other(format!("decoding a page failed: {e}")))?
                })
            })
            .collect();
        // Dropping this future (the user moved on) must not leave the pages loading.
        let mut guard = AbortOnDrop(tasks.iter().map(|t| t.abort_handle()).collect());
        let mut tally = Tally::new(&first);
        let mut mapped = Vec::with_capacity(count as usize);
        let mut keep = |mut page: Page, guard: &mut AbortOnDrop| {
            tally.add(&mut page);
            let map = Arc::clone(map);
            let task = tokio::task::spawn_blocking(move || map(page));
            guard.0.push(task.abort_handle());
            mapped.push(task);
        };
        keep(first, &mut guard);
        for task in tasks {
            let page = task.await.map_err(|e| {
                BackendError::Other(format!("reading page of {path} failed: {e}"))
            })??;
            keep(page, &mut guard);
        }
        let mut out = Vec::with_capacity(mapped.len());
        for task in mapped {
            out.push(
                task.await
                    .map_err(|e| BackendError::Other(format!("decoding a page failed: {e}")))??,
            );
        }
        drop(guard);
        Ok((out, tally))
    }
}

/// How many times one list's page set is read before its disagreements are accepted.
pub const READS: usize = 3;

/// The documented order that edits disturb least, for the lists that have one, unless the
/// caller chose an order. `updated_at:asc` is valid on `/workspace_allocations` (K-wa,
/// kantata-openapi/mavenlink-workspace-allocations-api-openapi.yml `order`) and on
/// `/workspace_resources` (K-wr, the resources file's `order`); `id:asc` is on neither
/// (capacity-apis.md §7). Ascending, an edited or new row moves to the end (the page read
/// last) instead of pushing every row down a page, and untouched rows keep their places: with
/// Brainstem's id tie-breaker (capacity-apis.md §7) the order is deterministic.
/// `/skill_memberships` sorts by `created_at` only (`created_at:asc|desc`, `skill_name`,
/// `full_name`; AE:skill-memberships `order`): ascending, a membership added during a read goes
/// to the end; an edited level moves nothing. Other lists (`/resource_requests` documents no
/// `order`) keep the server's default.
pub fn stable_order(path: &str) -> Option<&'static str> {
    match path.trim_start_matches('/').trim_end_matches(".json") {
        "workspace_allocations" | "workspace_resources" => Some("updated_at:asc"),
        "skill_memberships" => Some("created_at:asc"),
        _ => None,
    }
}

fn with_stable_order(path: &str, query: &[(String, String)]) -> Vec<(String, String)> {
    let mut q = query.to_vec();
    if let Some(order) = stable_order(path)
        && !q.iter().any(|(k, _)| k == "order")
    {
        q.push(("order".into(), order.to_string()));
    }
    q
}

/// What one read of a page set saw: the count page 1 reported, the distinct results so far,
/// how many repeats were dropped, and whether any later page reported another count.
#[derive(Debug)]
pub struct Tally {
    expected: u64,
    /// Whether page 1 reported a count at all (a body without one cannot be checked).
    counted: bool,
    seen: HashSet<(String, Id)>,
    repeats: u64,
    recounted: Option<u64>,
}

impl Tally {
    pub fn new(first: &Page) -> Tally {
        let expected = first.meta.count.max(first.count);
        Tally {
            expected,
            counted: expected > 0 || first.meta.page_count > 0,
            seen: HashSet::new(),
            repeats: 0,
            recounted: None,
        }
    }

    /// Drops from `page` the results an earlier page (or this one) already held, and notes them.
    pub fn add(&mut self, page: &mut Page) {
        let count = page.meta.count.max(page.count);
        if self.counted && count != self.expected && self.recounted.is_none() {
            self.recounted = Some(count);
        }
        let before = page.results.len();
        page.results.retain(|r| self.seen.insert(r.clone()));
        self.repeats += (before - page.results.len()) as u64;
    }

    /// Distinct results read.
    pub fn distinct(&self) -> u64 {
        self.seen.len() as u64
    }

    /// Why this read cannot be trusted whole, or `None` when it can.
    pub fn problem(&self) -> Option<String> {
        if !self.counted {
            return None;
        }
        if let Some(c) = self.recounted {
            return Some(format!(
                "page 1 counted {} records but a later page counted {c}",
                self.expected
            ));
        }
        (self.distinct() != self.expected).then(|| {
            format!(
                "page 1 counted {} records but the pages held {} distinct ({} repeated)",
                self.expected,
                self.distinct(),
                self.repeats
            )
        })
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
            peak > 1 && peak <= DEFAULT_CONCURRENCY,
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

    /// A list of 6 records, 2 a page (count 6), whose later pages shift during the first
    /// `shifted` reads of the page set, as if record 6 were edited to the front just after page
    /// 1 was served: page 1 holds [1 2], pages 2 and 3 then [2 3] and [4 5], so 2 comes twice
    /// and 6 never.
    #[derive(Clone, Default)]
    struct Shifting {
        shifted: Arc<AtomicUsize>,
        orders: Arc<std::sync::Mutex<Vec<Option<String>>>>,
        reads: Arc<AtomicUsize>,
    }

    async fn shifting(
        State(s): State<Shifting>,
        Query(q): Query<HashMap<String, String>>,
    ) -> String {
        let page: usize = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        if page == 1 {
            s.orders.lock().unwrap().push(q.get("order").cloned());
            s.reads.fetch_add(1, Ordering::SeqCst);
        }
        let shifted = s.reads.load(Ordering::SeqCst) <= s.shifted.load(Ordering::SeqCst);
        // Unshifted: [1 2][3 4][5 6]; shifted, the order is 6 1 2 3 4 5.
        let order: [u32; 6] = if shifted && page > 1 {
            [6, 1, 2, 3, 4, 5]
        } else {
            [1, 2, 3, 4, 5, 6]
        };
        let ids = &order[(page - 1) * 2..page * 2];
        let results: Vec<String> = ids
            .iter()
            .map(|i| format!(r#"{{"key":"workspace_allocations","id":"{i}"}}"#))
            .collect();
        let objects: Vec<String> = ids
            .iter()
            .map(|i| format!(r#""{i}":{{"id":"{i}","workspace_resource_id":"7","start_date":"2026-11-23","end_date":"2026-11-27","minutes":600,"hard":true}}"#))
            .collect();
        format!(
            r#"{{"count":6,"meta":{{"count":6,"page_count":3,"page_number":{page},"page_size":2}},"results":[{}],"workspace_allocations":{{{}}}}}"#,
            results.join(","),
            objects.join(",")
        )
    }

    async fn serve_shifting(s: Shifting) -> String {
        let app = Router::new()
            .route("/api/v1/workspace_allocations.json", get(shifting))
            .with_state(s);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}/api/v1")
    }

    fn ids_of(pages: &[Page]) -> Vec<String> {
        pages
            .iter()
            .flat_map(|p| p.results.iter().map(|(_, id)| id.to_string()))
            .collect()
    }

    #[tokio::test]
    async fn a_page_set_that_shifted_while_read_is_read_again_and_each_record_comes_once() {
        let server = Shifting {
            shifted: Arc::new(AtomicUsize::new(1)),
            ..Default::default()
        };
        let http = Arc::new(Http::new(config(serve_shifting(server.clone()).await)).unwrap());
        let pages = http.get_all("workspace_allocations", &[]).await.unwrap();
        assert_eq!(ids_of(&pages), ["1", "2", "3", "4", "5", "6"]);
        assert_eq!(server.reads.load(Ordering::SeqCst), 2, "read again once");
        assert_eq!(
            server.orders.lock().unwrap()[0].as_deref(),
            Some("updated_at:asc"),
            "the documented order edits disturb least"
        );
    }

    #[tokio::test]
    async fn a_page_set_that_keeps_shifting_is_read_three_times_then_used_without_repeats() {
        let server = Shifting {
            shifted: Arc::new(AtomicUsize::new(usize::MAX)),
            ..Default::default()
        };
        let http = Arc::new(Http::new(config(serve_shifting(server.clone()).await)).unwrap());
        let pages = http.get_all("workspace_allocations", &[]).await.unwrap();
        // 2 came twice, 6 never: what is left is every id read, once.
        assert_eq!(ids_of(&pages), ["1", "2", "3", "4", "5"]);
        assert_eq!(server.reads.load(Ordering::SeqCst), READS);
    }

    #[test]
    fn an_explicit_order_is_kept_and_lists_without_a_documented_one_get_none() {
        let q = with_stable_order(
            "workspace_resources",
            &[("order".into(), "created_at:desc".into())],
        );
        assert_eq!(q, [("order".to_string(), "created_at:desc".to_string())]);
        assert!(with_stable_order("resource_requests", &[]).is_empty());
        assert_eq!(
            stable_order("/workspace_allocations.json"),
            Some("updated_at:asc")
        );
        assert_eq!(stable_order("skill_memberships"), Some("created_at:asc"));
    }

    fn page_of(count: u64, ids: &[&str]) -> Page {
        let results: Vec<String> = ids
            .iter()
            .map(|i| format!(r#"{{"key":"users","id":"{i}"}}"#))
            .collect();
        Page::parse(&format!(
            r#"{{"count":{count},"meta":{{"count":{count},"page_count":2,"page_number":1,"page_size":2}},"results":[{}]}}"#,
            results.join(",")
        ))
        .unwrap()
    }

    #[test]
    fn the_tally_drops_repeats_and_checks_the_distinct_total_against_the_count() {
        let first = page_of(4, &["1", "2"]);
        let mut tally = Tally::new(&first);
        tally.add(&mut first.clone());
        let mut second = page_of(4, &["2", "3"]);
        tally.add(&mut second);
        let kept: Vec<String> = second.results.iter().map(|(_, i)| i.to_string()).collect();
        assert_eq!(kept, ["3"], "2 was on page 1");
        let problem = tally.problem().expect("3 distinct of 4");
        assert!(problem.contains("counted 4") && problem.contains("3 distinct (1 repeated)"));
        tally.add(&mut page_of(4, &["4"]));
        assert_eq!(tally.problem(), None);
        tally.add(&mut page_of(5, &[]));
        let problem = tally.problem().expect("the count changed");
        assert!(problem.contains("later page counted 5"), "{problem}");
    }

    #[test]
    fn a_list_without_a_count_is_not_checked() {
        let first = Page::parse(r#"{"results":[{"key":"users","id":"1"}]}"#).unwrap();
        let mut tally = Tally::new(&first);
        tally.add(&mut first.clone());
        tally.add(&mut first.clone());
        assert_eq!(tally.problem(), None);
        assert_eq!(tally.distinct(), 1);
    }
}
