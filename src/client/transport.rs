//! The HTTP transport every remote backend shares: one `reqwest::Client`, the bearer token, plain
//! HTTP refused off loopback, a bound on requests in flight, an optional rate limiter, and retries
//! on 429/503 (and, for idempotent requests, dropped connections) with `Retry-After` honoured.
//! The retry loop and its schedules are the `backon` crate's, sleeping on this transport's
//! [`Clock`]; the note the status bar shows is put up from backon's `notify`.
//!
//! What differs between APIs is a [`Dialect`] (product name, URL suffix, error mapping) and a
//! [`Backoff`] schedule. While a retry wait is under way, [`Transport::activity`] says so in words
//! the status bar can show.

use crate::client::BackendError;
use crate::client::sanitize::clean;
use crate::config::Secret;
use async_trait::async_trait;
use backon::{BackoffBuilder, ExponentialBuilder, Retryable, Sleeper};
use reqwest::StatusCode;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::Instant;

/// The most pages one list may take: a server that keeps saying "more" (or claims a billion
/// pages) is stopped rather than followed (10,000 pages is a million records or more).
pub const MAX_PAGES: usize = 10_000;

/// What one API does differently from another.
#[derive(Clone, Copy, Debug)]
pub struct Dialect {
    /// "Kantata" or "Ruddr", for messages.
    pub product: &'static str,
    /// Appended to every path (Kantata: `.json`).
    pub suffix: &'static str,
    /// Turns a failed answer (status, body) into the backend's own words.
    pub error_from: fn(u16, &str) -> BackendError,
}

/// How long to wait before each retry. The schedules themselves are backon's: an
/// [`ExponentialBuilder`] with jitter, or the API's own list of waits (any iterator of
/// durations is a backon backoff).
#[derive(Clone, Debug, PartialEq)]
pub enum Backoff {
    /// `first` × 2^(n-1) plus backon's jitter (a random 0-100 % of the wait, so clients that
    /// failed together do not retry together), at most `max`, for up to `retries` retries.
    Exponential {
        first: Duration,
        max: Duration,
        retries: u32,
    },
    /// One fixed wait per retry, as an API documents it (Ruddr: 1, 2, 4, 8 s).
    Schedule { waits: Vec<Duration>, max: Duration },
}

impl Backoff {
    pub fn retries(&self) -> u32 {
        match self {
            Backoff::Exponential { retries, .. } => *retries,
            Backoff::Schedule { waits, .. } => waits.len() as u32,
        }
    }

    /// The longest wait, the server's `Retry-After` included: a hostile header cannot stall us.
    fn max(&self) -> Duration {
        match self {
            Backoff::Exponential { max, .. } | Backoff::Schedule { max, .. } => *max,
        }
    }

    /// backon's schedule for one request's retries.
    fn schedule(&self) -> Box<dyn backon::Backoff> {
        match self {
            Backoff::Exponential {
                first,
                max,
                retries,
            } => Box::new(
                ExponentialBuilder::default()
                    .with_min_delay(*first)
                    .with_max_delay(*max)
                    .with_max_times(*retries as usize)
                    .with_jitter()
                    .build(),
            ),
            Backoff::Schedule { waits, .. } => Box::new(waits.clone().into_iter()),
        }
    }

    /// The wait before the next retry: the schedule's (`planned`, `None` once it is spent),
    /// replaced by the server's `Retry-After` when it sent one, and capped at `max` either way
    /// (backon adds its jitter after its own cap).
    fn adjust(&self, planned: Option<Duration>, hint: Option<Duration>) -> Option<Duration> {
        planned.map(|wait| hint.unwrap_or(wait).min(self.max()))
    }
}

#[derive(Clone, Debug)]
pub struct TransportConfig {
    pub base_url: String,
    /// Never shown by `Debug` (see [`Secret`]).
    pub token: Secret,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Per request.
    pub timeout: Duration,
    pub backoff: Backoff,
}

/// Time as the transport sees it: tokio's clock normally; tests substitute a manual one so
/// backoffs and rate limits are checked without real sleeps.
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;
    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// The real clock.
pub struct TokioClock;

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(tokio::time::sleep_until(deadline))
    }
}

/// A client-side rate limiter the transport asks before every attempt.
#[async_trait]
pub trait Throttle: Send + Sync {
    async fn acquire(&self);
}

/// Query pairs as the transport takes them.
pub fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// `url` as it may appear in any message: no userinfo (`user:password@`), no query (`?api_key=`)
/// and no fragment, control characters cleaned. Text that is not a URL is cut at the first `?`
/// or `#` and loses anything before an `@` in its authority all the same.
pub fn redact_url(url: &str) -> String {
    if let Ok(mut u) = reqwest::Url::parse(url)
        && u.has_host()
    {
        let _ = u.set_username("");
        let _ = u.set_password(None);
        u.set_query(None);
        u.set_fragment(None);
        return clean(u.as_str());
    }
    let cut = url.split(['?', '#']).next().unwrap_or("");
    let (scheme, rest) = match cut.split_once("://") {
        Some((s, r)) => (format!("{s}://"), r),
        None => (String::new(), cut),
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = authority.rsplit('@').next().unwrap_or("");
    clean(&format!("{scheme}{host}{path}"))
}

/// Whether `url` can be a base URL: a URL of nothing but scheme, host, port and path (paths are
/// joined onto it, and a secret in userinfo or a query would be sent, and shown, with every
/// request). Checked when settings are resolved; [`check_url`] adds the scheme rule.
pub fn check_base_url(url: &str) -> Result<reqwest::Url, BackendError> {
    let shown = redact_url(url);
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| BackendError::Other(format!("'{shown}' is not a URL: {e}")))?;
    let extra = if !parsed.username().is_empty() || parsed.password().is_some() {
        Some("a user name or password (give the token in the config instead)")
    } else if parsed.query().is_some() {
        Some("a query (?…): request paths are joined onto the base URL")
    } else if parsed.fragment().is_some() {
        Some("a fragment (#…)")
    } else {
        None
    };
    if let Some(what) = extra {
        return Err(BackendError::Other(format!(
            "the base URL '{shown}' must not hold {what}"
        )));
    }
    Ok(parsed)
}

/// Whether `url` may carry a token: a base URL ([`check_base_url`]) over HTTPS anywhere, plain
/// HTTP only to this machine.
pub fn check_url(url: &str) -> Result<reqwest::Url, BackendError> {
    let shown = redact_url(url);
    let parsed = check_base_url(url)?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" => {
            let host = parsed.host_str().unwrap_or("").trim_matches(['[', ']']);
            let loopback = host == "localhost"
                || host
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            if loopback {
                Ok(parsed)
            } else {
                Err(BackendError::Other(format!(
                    "refusing to send the API token over plain http to {}: use https (plain http is allowed only to this machine)",
                    clean(parsed.host_str().unwrap_or("?"))
                )))
            }
        }
        other => Err(BackendError::Other(format!(
            "'{shown}': the {} scheme is not supported; use https",
            clean(other)
        ))),
    }
}

/// The retry wait under way, for [`Transport::activity`].
struct Note {
    seq: u64,
    /// Why ("Kantata is busy (429)").
    text: String,
    /// Which request, last: a narrow status bar cuts it off first.
    path: String,
    until: Instant,
    retry: u32,
    of: u32,
}

pub struct Transport {
    client: reqwest::Client,
    base: String,
    dialect: Dialect,
    config: TransportConfig,
    slots: Semaphore,
    limiter: Option<Arc<dyn Throttle>>,
    clock: Arc<dyn Clock>,
    note: Mutex<Option<Note>>,
    notes: AtomicU64,
    /// Requests sent, retries included (for the status bar and tests).
    pub sent: AtomicU64,
    pub retried: AtomicU64,
}

impl Transport {
    pub fn new(config: TransportConfig, dialect: Dialect) -> Result<Transport, BackendError> {
        check_url(&config.base_url)?;
        // reqwest is built without a default TLS provider; rustls' ring one is ours.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("allot/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| BackendError::Other(format!("could not set up the HTTP client: {e}")))?;
        Ok(Transport {
            client,
            base: config.base_url.trim_end_matches('/').to_string(),
            dialect,
            slots: Semaphore::new(config.concurrency.max(1)),
            config,
            limiter: None,
            clock: Arc::new(TokioClock),
            note: Mutex::new(None),
            // Note numbers start at 1: 0 means "no note" in `send`.
            notes: AtomicU64::new(1),
            sent: AtomicU64::new(0),
            retried: AtomicU64::new(0),
        })
    }

    /// Asks `limiter` before every attempt, retries included.
    pub fn with_limiter(mut self, limiter: Arc<dyn Throttle>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// `base/path` plus the dialect's suffix; an empty path is the base itself (Ruddr's
    /// workspace, the key check).
    fn url(&self, path: &str) -> String {
        let path = path.trim_start_matches('/');
        if path.is_empty() {
            format!("{}{}", self.base, self.dialect.suffix)
        } else {
            format!("{}/{path}{}", self.base, self.dialect.suffix)
        }
    }

    /// What the transport is waiting on, e.g. "Kantata is busy (429): retry 2 of 4 in 2s
    /// (workspace_allocations)"; `None` when no retry wait is under way.
    pub fn activity(&self) -> Option<String> {
        let note = self.note.lock().ok()?;
        let n = note.as_ref()?;
        let left = n.until.saturating_duration_since(self.clock.now());
        // Rounded up: "in 0s" would read as "now" while we are still waiting.
        let secs = left.as_millis().div_ceil(1000);
        Some(format!(
            "{}: retry {} of {} in {secs}s ({})",
            n.text, n.retry, n.of, n.path
        ))
    }

    /// Sends a request with the token; returns the body of a 2xx answer. 429 and 503 are
    /// retried on the [`Backoff`] schedule (through backon, sleeping on this transport's
    /// [`Clock`]); non-idempotent requests are not retried after a dropped connection (they may
    /// have landed).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(String, String)],
        json: Option<&serde_json::Value>,
        idempotent: bool,
    ) -> Result<String, BackendError> {
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| BackendError::Other("the client is shutting down".into()))?;
        let backoff = &self.config.backoff;
        let of = backoff.retries();
        // The note this request put up (0: none) and the retries made so far.
        let (mine, done) = (&AtomicU64::new(0), &AtomicU32::new(0));
        let method = &method;
        let result = (move || async move {
            self.clear_note(mine.load(Ordering::Relaxed));
            self.attempt(method, path, query, json, idempotent).await
        })
        .retry(backoff.schedule())
        .sleep(ClockSleeper(self.clock.clone()))
        .when(|f: &Failed| f.retry.is_some())
        .adjust(|f, planned| backoff.adjust(planned, f.retry.as_ref().and_then(|r| r.1)))
        .notify(|f, wait| {
            let retry = done.fetch_add(1, Ordering::Relaxed) + 1;
            self.retried.fetch_add(1, Ordering::Relaxed);
            tracing::info!(path, attempt = retry, ?wait, "retrying");
            let why = f.retry.as_ref().map_or_else(String::new, |r| r.0.clone());
            let seq = self.show_note(why, clean(path), wait, retry, of);
            mine.store(seq, Ordering::Relaxed);
        })
        .await;
        self.clear_note(mine.load(Ordering::Relaxed));
        result.map_err(|f| f.error)
    }

    /// One attempt: the limiter asked, the request sent, the answer read.
    async fn attempt(
        &self,
        method: &reqwest::Method,
        path: &str,
        query: &[(String, String)],
        json: Option<&serde_json::Value>,
        idempotent: bool,
    ) -> Result<String, Failed> {
        let product = self.dialect.product;
        if let Some(limiter) = &self.limiter {
            limiter.acquire().await;
        }
        self.sent.fetch_add(1, Ordering::Relaxed);
        let mut req = self
            .client
            .request(method.clone(), self.url(path))
            .bearer_auth(self.config.token.expose())
            .query(query);
        if let Some(body) = json {
            req = req.json(body);
        }
        match req.send().await {
            Ok(resp) => {
                let status = resp.status();
                let retry = (status == StatusCode::TOO_MANY_REQUESTS
                    || status == StatusCode::SERVICE_UNAVAILABLE)
                    .then(|| {
                        (
                            format!("{product} is busy ({})", status.as_u16()),
                            retry_after(&resp),
                        )
                    });
                let body = resp.text().await.map_err(|e| {
                    // Without the URL: it may hold a query the caller passed.
                    let e = e.without_url();
                    let text = format!("the {product} response was cut off ({path}): {e}");
                    Failed {
                        error: if idempotent {
                            BackendError::Unavailable(text)
                        } else {
                            BackendError::Unknown(text)
                        },
                        retry: retry.clone(),
                    }
                })?;
                if status.is_success() {
                    Ok(body)
                } else {
                    Err(Failed {
                        error: (self.dialect.error_from)(status.as_u16(), &body),
                        retry,
                    })
                }
            }
            Err(e) => {
                let retry = (idempotent && (e.is_connect() || e.is_timeout() || e.is_request()))
                    .then(|| (format!("{product} did not answer"), None));
                // Unavailable means "safe to send again": the request never arrived, or sending
                // it twice does no harm. A create that may have landed is not retried blindly.
                let error = if e.is_timeout() {
                    let text = format!(
                        "{product} did not answer within {}s ({path})",
                        self.config.timeout.as_secs_f64()
                    );
                    if idempotent {
                        BackendError::Unavailable(text)
                    } else {
                        BackendError::Unknown(text)
                    }
                } else {
                    let connect = e.is_connect();
                    // Without the URL: it may hold a query the caller passed.
                    let e = e.without_url();
                    let text = format!("could not reach {product} ({path}): {e}");
                    if idempotent || connect {
                        BackendError::Unavailable(text)
                    } else {
                        BackendError::Unknown(text)
                    }
                };
                Err(Failed { error, retry })
            }
        }
    }

    /// Puts up the note for a retry wait of `wait`, for [`Transport::activity`]; returns its
    /// number for [`Transport::clear_note`].
    fn show_note(&self, text: String, path: String, wait: Duration, retry: u32, of: u32) -> u64 {
        let seq = self.notes.fetch_add(1, Ordering::Relaxed);
        let until = self.clock.now() + wait;
        if let Ok(mut note) = self.note.lock() {
            *note = Some(Note {
                seq,
                text,
                path,
                until,
                retry,
                of,
            });
        }
        seq
    }

    /// Takes note `seq` down once its wait is over; another request's newer note stays up.
    fn clear_note(&self, seq: u64) {
        if seq == 0 {
            return;
        }
        if let Ok(mut note) = self.note.lock()
            && note.as_ref().is_some_and(|n| n.seq == seq)
        {
            *note = None;
        }
    }
}

/// One failed attempt: what to report if it is the last, and, when a retry is worth it, why
/// ("Kantata is busy (429)") with the server's `Retry-After` if it gave one.
struct Failed {
    error: BackendError,
    retry: Option<(String, Option<Duration>)>,
}

/// backon's sleeper on the transport's [`Clock`], so tests drive retry waits by hand.
struct ClockSleeper(Arc<dyn Clock>);

impl Sleeper for ClockSleeper {
    type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

    fn sleep(&self, wait: Duration) -> Self::Sleep {
        let clock = self.0.clone();
        Box::pin(async move {
            let until = clock.now() + wait;
            clock.sleep_until(until).await;
        })
    }
}

/// The `Retry-After` header in seconds, if given.
fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    resp.headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// A failed answer's body quoted for a message: trimmed, at most 200 characters, cleaned.
pub fn quote_body(body: &str) -> String {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return "the body was empty".into();
    }
    let mut snippet: String = trimmed.chars().take(200).collect();
    if trimmed.chars().nth(200).is_some() {
        snippet.push('…');
    }
    format!("the body was not understood: {}", clean(&snippet))
}

/// A clock tests move by hand: `sleep_until` jumps time forward at once and records the wait.
/// Public so the contract tests in `tests/` use the same one as the unit tests.
pub mod manual {
    use super::*;

    pub struct ManualClock {
        start: Instant,
        state: Mutex<(Duration, Vec<Duration>)>,
    }

    impl ManualClock {
        pub fn new() -> Arc<ManualClock> {
            Arc::new(ManualClock {
                start: Instant::now(),
                state: Mutex::new((Duration::ZERO, Vec::new())),
            })
        }

        /// Time passed since the clock was made.
        pub fn elapsed(&self) -> Duration {
            self.state.lock().unwrap().0
        }

        /// Every wait asked for that moved time forward, in order.
        pub fn sleeps(&self) -> Vec<Duration> {
            self.state.lock().unwrap().1.clone()
        }

        pub fn advance(&self, d: Duration) {
            self.state.lock().unwrap().0 += d;
        }
    }

    impl Clock for ManualClock {
        fn now(&self) -> Instant {
            self.start + self.elapsed()
        }
        fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
            let mut s = self.state.lock().unwrap();
            let target = deadline.saturating_duration_since(self.start);
            if target > s.0 {
                let step = target - s.0;
                s.1.push(step);
                s.0 = target;
            }
            Box::pin(tokio::task::yield_now())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::manual::ManualClock;
    use super::*;
    use axum::Router;
    use axum::http::StatusCode as AxStatus;
    use axum::routing::get;
    use std::sync::atomic::AtomicUsize;

    fn plain_error(status: u16, body: &str) -> BackendError {
        BackendError::Other(format!("Test answered {status}: {body}"))
    }

    const TEST: Dialect = Dialect {
        product: "Test",
        suffix: "",
        error_from: plain_error,
    };

    /// Answers 429 `busy` times, then 200.
    async fn serve(busy: usize) -> (String, Arc<AtomicUsize>) {
        serve_with(busy, None).await
    }

    /// Answers 429 `busy` times (with `Retry-After: retry_after` when given), then 200.
    async fn serve_with(
        busy: usize,
        retry_after: Option<&'static str>,
    ) -> (String, Arc<AtomicUsize>) {
        let left = Arc::new(AtomicUsize::new(busy));
        let l = left.clone();
        let app = Router::new().route(
            "/things",
            get(move || {
                let l = l.clone();
                async move {
                    let mut headers = axum::http::HeaderMap::new();
                    if l.load(Ordering::SeqCst) > 0 {
                        l.fetch_sub(1, Ordering::SeqCst);
                        if let Some(secs) = retry_after {
                            headers.insert("retry-after", secs.parse().unwrap());
                        }
                        (AxStatus::TOO_MANY_REQUESTS, headers, "slow down")
                    } else {
                        (AxStatus::OK, headers, "ok")
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (format!("http://{addr}"), left)
    }

    fn config(base: String, backoff: Backoff) -> TransportConfig {
        TransportConfig {
            base_url: base,
            token: "t".into(),
            concurrency: 2,
            timeout: Duration::from_secs(5),
            backoff,
        }
    }

    fn kantata_like(first_ms: u64, max_ms: u64, retries: u32) -> Backoff {
        Backoff::Exponential {
            first: Duration::from_millis(first_ms),
            max: Duration::from_millis(max_ms),
            retries,
        }
    }

    #[test]
    fn backoff_schedules() {
        let s = ruddr_like();
        assert_eq!(s.retries(), 4);
        assert_eq!(
            s.schedule().collect::<Vec<_>>(),
            [1, 2, 4, 8].map(Duration::from_secs).to_vec(),
            "Ruddr's documented waits, then no more"
        );
        let secs = |n| Some(Duration::from_secs(n));
        assert_eq!(s.adjust(secs(4), None), secs(4));
        assert_eq!(s.adjust(secs(1), secs(5)), secs(5), "Retry-After wins");
        assert_eq!(s.adjust(secs(1), secs(9999)), secs(30), "but is capped");
        assert_eq!(
            s.adjust(None, secs(5)),
            None,
            "a spent schedule stays spent"
        );
        let e = kantata_like(100, 300, 4);
        let waits: Vec<Duration> = e.schedule().collect();
        assert_eq!(waits.len(), 4);
        // backon's jitter adds up to the whole wait again: [w, 2w).
        let (w0, w1) = (waits[0], waits[1]);
        assert!(
            w0 >= Duration::from_millis(100) && w0 < Duration::from_millis(200),
            "{w0:?}"
        );
        assert!(
            w1 >= Duration::from_millis(200) && w1 < Duration::from_millis(400),
            "{w1:?}"
        );
        for w in waits {
            let capped = e.adjust(Some(w), None).unwrap();
            assert!(
                capped <= Duration::from_millis(300),
                "capped at max: {capped:?}"
            );
        }
    }

    /// A clock whose sleeps wait until the test opens the gate, so a retry can be watched.
    struct GateClock {
        gate: tokio::sync::Notify,
    }

    impl Clock for GateClock {
        fn now(&self) -> Instant {
            Instant::now()
        }
        fn sleep_until(&self, _: Instant) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
            Box::pin(self.gate.notified())
        }
    }

    fn ruddr_like() -> Backoff {
        Backoff::Schedule {
            waits: [1, 2, 4, 8].map(Duration::from_secs).to_vec(),
            max: Duration::from_secs(30),
        }
    }

    #[tokio::test]
    async fn a_network_error_never_echoes_the_query() {
        // A port nobody listens on: bind one, then close it.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        let backoff = Backoff::Schedule {
            waits: vec![],
            max: Duration::ZERO,
        };
        let t = Transport::new(config(base, backoff), TEST).unwrap();
        let query = query(&[("api_key", "SECRET"), ("page", "1")]);
        for idempotent in [true, false] {
            let e = t
                .send(reqwest::Method::GET, "things", &query, None, idempotent)
                .await
                .unwrap_err()
                .to_string();
            assert!(e.contains("could not reach Test (things)"), "{e}");
            assert!(!e.contains("SECRET") && !e.contains("api_key"), "{e}");
        }
    }

    #[tokio::test]
    async fn the_activity_note_names_the_retry_while_it_waits() {
        let (base, _) = serve(1).await;
        let clock = Arc::new(GateClock {
            gate: tokio::sync::Notify::new(),
        });
        let t = Arc::new(
            Transport::new(config(base, ruddr_like()), TEST)
                .unwrap()
                .with_clock(clock.clone()),
        );
        assert_eq!(t.activity(), None);
        let task = tokio::spawn({
            let t = t.clone();
            async move {
                t.send(reqwest::Method::GET, "things", &[], None, true)
                    .await
            }
        });
        let note = loop {
            if let Some(note) = t.activity() {
                break note;
            }
            tokio::task::yield_now().await;
        };
        assert_eq!(note, "Test is busy (429): retry 1 of 4 in 1s (things)");
        clock.gate.notify_one();
        assert_eq!(task.await.unwrap().unwrap(), "ok");
        assert_eq!(t.activity(), None, "cleared once the wait is over");
        assert_eq!(t.retried.load(Ordering::Relaxed), 1);
    }

    #[tokio::test]
    async fn waits_follow_the_schedule_without_real_sleeps() {
        let (base, _) = serve(3).await;
        let clock = ManualClock::new();
        let t = Transport::new(config(base, ruddr_like()), TEST)
            .unwrap()
            .with_clock(clock.clone());
        let body = t
            .send(reqwest::Method::GET, "things", &[], None, true)
            .await
            .unwrap();
        assert_eq!(body, "ok");
        assert_eq!(clock.sleeps(), [1, 2, 4].map(Duration::from_secs).to_vec());
    }

    async fn sleeps_for(
        busy: usize,
        retry_after: Option<&'static str>,
        backoff: Backoff,
    ) -> (Result<String, BackendError>, Vec<Duration>, u64) {
        let (base, _) = serve_with(busy, retry_after).await;
        let clock = ManualClock::new();
        let t = Transport::new(config(base, backoff), TEST)
            .unwrap()
            .with_clock(clock.clone());
        let out = t
            .send(reqwest::Method::GET, "things", &[], None, true)
            .await;
        (out, clock.sleeps(), t.sent.load(Ordering::Relaxed))
    }

    #[tokio::test]
    async fn a_retry_after_replaces_the_schedule_and_is_capped() {
        let secs = |n: u64| Duration::from_secs(n);
        let (out, sleeps, _) = sleeps_for(2, Some("3"), ruddr_like()).await;
        assert_eq!(out.unwrap(), "ok");
        assert_eq!(sleeps, [secs(3), secs(3)]);
        let (out, sleeps, _) = sleeps_for(1, Some("9999"), ruddr_like()).await;
        assert_eq!(out.unwrap(), "ok");
        assert_eq!(sleeps, [secs(30)], "a hostile header cannot stall us");
        // Kantata's schedule, with and without the header it does not document.
        let (out, sleeps, _) = sleeps_for(3, Some("0"), kantata_like(1000, 8000, 4)).await;
        assert_eq!(out.unwrap(), "ok");
        assert!(sleeps.is_empty(), "Retry-After: 0 means now: {sleeps:?}");
        let (out, sleeps, _) = sleeps_for(3, None, kantata_like(1000, 8000, 4)).await;
        assert_eq!(out.unwrap(), "ok");
        assert_eq!(sleeps.len(), 3, "{sleeps:?}");
        for (n, wait) in sleeps.iter().enumerate() {
            let base = secs(1 << n);
            assert!(
                *wait >= base && *wait < base * 2,
                "retry {}: {wait:?}",
                n + 1
            );
        }
    }

    #[tokio::test]
    async fn a_spent_schedule_reports_the_last_answer_in_the_apis_words() {
        let (out, sleeps, sent) = sleeps_for(10, None, kantata_like(100, 300, 2)).await;
        assert_eq!(out.unwrap_err().to_string(), "Test answered 429: slow down");
        assert_eq!(sent, 3, "the first attempt and 2 retries");
        assert_eq!(sleeps.len(), 2);
        assert!(
            sleeps.iter().all(|w| *w <= Duration::from_millis(300)),
            "{sleeps:?}"
        );
    }

    #[tokio::test]
    async fn a_dropped_connection_is_retried_only_when_sending_twice_is_harmless() {
        // Nothing listens on this port once the listener is gone: every connect is refused.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        for (idempotent, sent) in [(true, 5), (false, 1)] {
            let clock = ManualClock::new();
            let t = Transport::new(config(base.clone(), ruddr_like()), TEST)
                .unwrap()
                .with_clock(clock.clone());
            let err = t
                .send(reqwest::Method::POST, "things", &[], None, idempotent)
                .await
                .unwrap_err();
            assert_eq!(
                t.sent.load(Ordering::Relaxed),
                sent,
                "idempotent: {idempotent}"
            );
            // Refused at connect: the request never arrived, so it is safe to send again.
            assert!(matches!(err, BackendError::Unavailable(_)), "{err:?}");
            assert!(
                err.to_string().contains("could not reach Test (things)"),
                "{err}"
            );
        }
    }

    #[tokio::test]
    async fn a_timed_out_read_is_retried_and_unavailable_a_timed_out_create_is_neither() {
        let app = Router::new().route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                "late"
            })
            .post(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                "late"
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let one_retry = Backoff::Schedule {
            waits: vec![Duration::from_secs(1)],
            max: Duration::from_secs(30),
        };
        for (method, idempotent, sent) in [
            (reqwest::Method::GET, true, 2),
            (reqwest::Method::POST, false, 1),
        ] {
            let clock = ManualClock::new();
            let t = Transport::new(
                TransportConfig {
                    timeout: Duration::from_millis(100),
                    ..config(base.clone(), one_retry.clone())
                },
                TEST,
            )
            .unwrap()
            .with_clock(clock.clone());
            let err = t
                .send(method, "slow", &[], None, idempotent)
                .await
                .unwrap_err();
            assert_eq!(
                t.sent.load(Ordering::Relaxed),
                sent,
                "idempotent: {idempotent}"
            );
            assert_eq!(
                matches!(err, BackendError::Unavailable(_)),
                idempotent,
                "a create that may have landed is Unknown: {err:?}"
            );
            assert!(
                err.to_string()
                    .contains("did not answer within 0.1s (slow)"),
                "{err}"
            );
        }
    }

    #[tokio::test]
    async fn the_note_counts_the_retries_and_follows_the_schedule() {
        let (base, _) = serve(2).await;
        let clock = Arc::new(GateClock {
            gate: tokio::sync::Notify::new(),
        });
        let t = Arc::new(
            Transport::new(config(base, ruddr_like()), TEST)
                .unwrap()
                .with_clock(clock.clone()),
        );
        let task = tokio::spawn({
            let t = t.clone();
            async move {
                t.send(reqwest::Method::GET, "things", &[], None, true)
                    .await
            }
        });
        for expected in [
            "Test is busy (429): retry 1 of 4 in 1s (things)",
            "Test is busy (429): retry 2 of 4 in 2s (things)",
        ] {
            let shown = tokio::time::timeout(Duration::from_secs(10), async {
                loop {
                    match t.activity() {
                        Some(note) if note == expected => break,
                        _ => tokio::task::yield_now().await,
                    }
                }
            })
            .await;
            assert!(
                shown.is_ok(),
                "never showed {expected:?}: {:?}",
                t.activity()
            );
            clock.gate.notify_one();
        }
        assert_eq!(task.await.unwrap().unwrap(), "ok");
        assert_eq!(t.activity(), None);
        assert_eq!(t.retried.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn tokens_travel_over_https_or_to_this_machine_only() {
        assert!(check_url("https://www.ruddr.io/api/workspace").is_ok());
        assert!(check_url("http://127.0.0.1:1/x").is_ok());
        assert!(check_url("http://www.ruddr.io/api/workspace").is_err());
        assert!(quote_body("").contains("empty"));
    }

    #[test]
    fn urls_in_messages_drop_userinfo_query_and_fragment() {
        assert_eq!(
            redact_url("http://u:PASSWORD@127.0.0.1:8080/api/v1?api_key=SECRET#x"),
            "http://127.0.0.1:8080/api/v1"
        );
        assert_eq!(
            redact_url("not a url u:PASSWORD@host/x?api_key=SECRET"),
            "host/x"
        );
        assert_eq!(redact_url("ht!tp://u:PW@h/p?k=S"), "ht!tp://h/p");
        assert!(!redact_url("https://h/\x1b[31m").contains('\x1b'));
        for bad in [
            "https://u:PASSWORD@api.example.com/v1",
            "https://api.example.com/v1?api_key=SECRET",
            "https://api.example.com/v1#SECRET",
            "::not a url?api_key=SECRET",
        ] {
            let e = check_url(bad).unwrap_err().to_string();
            assert!(!e.contains("PASSWORD") && !e.contains("SECRET"), "{e}");
        }
        let e = check_url("https://api.example.com/v1?api_key=SECRET")
            .unwrap_err()
            .to_string();
        assert!(e.contains("must not hold a query"), "{e}");
        assert!(quote_body(&"x".repeat(300)).ends_with('…'));
    }
}
