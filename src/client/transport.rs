//! The HTTP transport every remote backend shares: one `reqwest::Client`, the bearer token, plain
//! HTTP refused off loopback, a bound on requests in flight, an optional rate limiter, and retries
//! on 429/503 (and, for idempotent requests, dropped connections) with `Retry-After` honoured.
//!
//! What differs between APIs is a [`Dialect`] (product name, URL suffix, error mapping) and a
//! [`Backoff`] schedule. While a retry wait is under way, [`Transport::activity`] says so in words
//! the status bar can show.

use crate::client::BackendError;
use crate::client::sanitize::clean;
use crate::config::Secret;
use async_trait::async_trait;
use reqwest::StatusCode;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
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

/// How long to wait before each retry.
#[derive(Clone, Debug, PartialEq)]
pub enum Backoff {
    /// `first` × 2^(n-1) with ±25 % jitter, at most `max`, for up to `retries` retries.
    Exponential {
        first: Duration,
        max: Duration,
        retries: u32,
    },
    /// One fixed wait per retry, as an API documents it (Ruddr: 1, 2, 4, 8 s). A `Retry-After`
    /// from the server wins but is capped at `max`, so a hostile header cannot stall us.
    Schedule { waits: Vec<Duration>, max: Duration },
}

impl Backoff {
    pub fn retries(&self) -> u32 {
        match self {
            Backoff::Exponential { retries, .. } => *retries,
            Backoff::Schedule { waits, .. } => waits.len() as u32,
        }
    }

    /// The wait before retry `n` (1-based), given the server's `Retry-After` if it sent one.
    pub fn wait(&self, n: u32, hint: Option<Duration>) -> Duration {
        match self {
            Backoff::Exponential { first, max, .. } => hint
                .unwrap_or_else(|| jittered(first.saturating_mul(1 << (n.max(1) - 1).min(10))))
                .min(*max),
            Backoff::Schedule { waits, max } => hint
                .or_else(|| waits.get(n as usize - 1).or(waits.last()).copied())
                .unwrap_or_default()
                .min(*max),
        }
    }
}

/// ±25 % jitter, so clients that failed together do not retry together.
fn jittered(base: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let jitter = (nanos % 500) as f64 / 1000.0 - 0.25; // -0.25 ..= +0.25
    base.mul_f64(1.0 + jitter)
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
            notes: AtomicU64::new(0),
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

    /// Sends a request with the token; returns the body of a 2xx answer. Non-idempotent requests
    /// are not retried after a dropped connection (they may have landed).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(String, String)],
        json: Option<&serde_json::Value>,
        idempotent: bool,
    ) -> Result<String, BackendError> {
        let product = self.dialect.product;
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| BackendError::Other("the client is shutting down".into()))?;
        let retries = self.config.backoff.retries();
        let mut attempt = 0;
        loop {
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
            let outcome = req.send().await;
            // Why a retry is worth it, and the server's hint when it gave one.
            let retry: Option<(String, Option<Duration>)> = match &outcome {
                Ok(resp)
                    if resp.status() == StatusCode::TOO_MANY_REQUESTS
                        || resp.status() == StatusCode::SERVICE_UNAVAILABLE =>
                {
                    Some((
                        format!("{product} is busy ({})", resp.status().as_u16()),
                        retry_after(resp),
                    ))
                }
                Err(e) if idempotent && (e.is_connect() || e.is_timeout() || e.is_request()) => {
                    Some((format!("{product} did not answer"), None))
                }
                _ => None,
            };
            if let (Some((why, hint)), true) = (retry, attempt < retries) {
                attempt += 1;
                self.retried.fetch_add(1, Ordering::Relaxed);
                let wait = self.config.backoff.wait(attempt, hint);
                tracing::info!(path, attempt, ?wait, "retrying");
                self.wait(why, clean(path), wait, attempt, retries).await;
                continue;
            }
            return match outcome {
                Ok(resp) => {
                    let status = resp.status();
                    let body = resp.text().await.map_err(|e| {
                        // Without the URL: it may hold a query the caller passed.
                        let e = e.without_url();
                        let text = format!("the {product} response was cut off ({path}): {e}");
                        if idempotent {
                            BackendError::Unavailable(text)
                        } else {
                            BackendError::Unknown(text)
                        }
                    })?;
                    if status.is_success() {
                        Ok(body)
                    } else {
                        Err((self.dialect.error_from)(status.as_u16(), &body))
                    }
                }
                // Unavailable means "safe to send again": the request never arrived, or sending
                // it twice does no harm. A create that may have landed is not retried blindly.
                Err(e) if e.is_timeout() => {
                    let text = format!(
                        "{product} did not answer within {}s ({path})",
                        self.config.timeout.as_secs_f64()
                    );
                    Err(if idempotent {
                        BackendError::Unavailable(text)
                    } else {
                        BackendError::Unknown(text)
                    })
                }
                Err(e) => {
                    let connect = e.is_connect();
                    let e = e.without_url();
                    let text = format!("could not reach {product} ({path}): {e}");
                    Err(if idempotent || connect {
                        BackendError::Unavailable(text)
                    } else {
                        BackendError::Unknown(text)
                    })
                }
            };
        }
    }

    /// Sleeps `wait`, showing `text` through [`Transport::activity`] meanwhile.
    async fn wait(&self, text: String, path: String, wait: Duration, retry: u32, of: u32) {
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
        self.clock.sleep_until(until).await;
        // Another request's newer note stays up.
        if let Ok(mut note) = self.note.lock()
            && note.as_ref().is_some_and(|n| n.seq == seq)
        {
            *note = None;
        }
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
#[cfg(test)]
pub(crate) mod manual {
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
        let left = Arc::new(AtomicUsize::new(busy));
        let l = left.clone();
        let app = Router::new().route(
            "/things",
            get(move || {
                let l = l.clone();
                async move {
                    if l.load(Ordering::SeqCst) > 0 {
                        l.fetch_sub(1, Ordering::SeqCst);
                        (AxStatus::TOO_MANY_REQUESTS, "slow down")
                    } else {
                        (AxStatus::OK, "ok")
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

    #[test]
    fn backoff_schedules() {
        let s = Backoff::Schedule {
            waits: [1, 2, 4, 8].map(Duration::from_secs).to_vec(),
            max: Duration::from_secs(30),
        };
        assert_eq!(s.retries(), 4);
        assert_eq!(s.wait(3, None), Duration::from_secs(4));
        assert_eq!(
            s.wait(1, Some(Duration::from_secs(5))),
            Duration::from_secs(5)
        );
        assert_eq!(
            s.wait(1, Some(Duration::from_secs(9999))),
            Duration::from_secs(30),
            "Retry-After is capped"
        );
        let e = Backoff::Exponential {
            first: Duration::from_millis(100),
            max: Duration::from_millis(300),
            retries: 4,
        };
        let w = e.wait(2, None);
        assert!(w >= Duration::from_millis(150) && w <= Duration::from_millis(250));
        assert_eq!(e.wait(4, None), Duration::from_millis(300), "capped");
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
