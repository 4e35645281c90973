//! `allot-sandbox`: a Kantata- and Ruddr-compatible HTTP server over allot's own data
//! model, for tests, benchmarks and trying allot without an account.
//!
//! The sandbox is a thin *dialect* over a [`LocalBackend`] on a temporary SQLite file, seeded
//! with the demo workspace or a synthetic one: each dialect module translates HTTP to
//! [`crate::client::Backend`] calls and encodes the answers in its API's own format, written
//! independently of allot's clients so the two can check each other. What every dialect shares
//! lives here and beside it:
//!
//! - [`Core`]: the store, the token, the fault settings, the request counter and the read cache
//!   (`cache.rs`: one snapshot of the workspace, kept until the next write).
//! - `faults.rs`: latency, 429, 503, dropped connections and truncated bodies, applied to every
//!   request by [`gate`] before the dialect sees it.
//! - [`Sandbox::start`]: binds 127.0.0.1, seeds the store and serves until dropped.

mod cache;
mod faults;
mod kantata;
mod ruddr;
mod skills;

pub use faults::{FaultConfig, Faults, ReadHook};

use crate::client::local::{self, LocalBackend};
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use faults::{ConnTap, Fault, FaultListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Which API the sandbox speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Kantata OX (Mavenlink) API v1, under `/api/v1`.
    Kantata,
    /// Ruddr's workspace API, under `/api/workspace`.
    Ruddr,
}

impl Dialect {
    pub fn label(&self) -> &'static str {
        match self {
            Dialect::Kantata => "kantata",
            Dialect::Ruddr => "ruddr",
        }
    }

    /// Where the API lives on the server.
    fn base_path(&self) -> &'static str {
        match self {
            Dialect::Kantata => "/api/v1",
            Dialect::Ruddr => "/api/workspace",
        }
    }

    /// An error answer in the dialect's own format (`kind` is Kantata's error type, e.g.
    /// `oauth`, `system`, `validation`; Ruddr's body has none, and words 401 and 429 its own
    /// documented way).
    fn error(&self, status: StatusCode, kind: &str, message: &str) -> Response {
        match self {
            Dialect::Kantata => kantata::error(status, kind, message, None),
            Dialect::Ruddr => ruddr::error(status, message),
        }
    }

    fn router(&self) -> Router<Arc<Core>> {
        match self {
            Dialect::Kantata => kantata::router(),
            Dialect::Ruddr => ruddr::router(),
        }
    }
}

/// The workspace the sandbox starts with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seed {
    /// allot's curated demo workspace (`local::demo`).
    Demo,
    /// A generated workspace of about this many resources and exactly this many allocations
    /// (`local::synthetic`).
    Synthetic {
        resources: usize,
        allocations: usize,
    },
}

#[derive(Clone, Debug)]
pub struct SandboxConfig {
    pub dialect: Dialect,
    /// The day the seed's dates are relative to.
    pub today: NaiveDate,
    pub seed: Seed,
    /// The bearer token every request must carry.
    pub token: String,
    pub faults: FaultConfig,
    /// 0 picks any free port.
    pub port: u16,
}

impl SandboxConfig {
    /// The demo workspace in `dialect`, token `sandbox-token`, any port, no faults.
    pub fn new(dialect: Dialect, today: NaiveDate) -> SandboxConfig {
        SandboxConfig {
            dialect,
            today,
            seed: Seed::Demo,
            token: "sandbox-token".into(),
            faults: FaultConfig::none(),
            port: 0,
        }
    }
}

/// What every dialect's handlers share.
pub(crate) struct Core {
    pub backend: LocalBackend,
    pub token: String,
    pub dialect: Dialect,
    pub today: NaiveDate,
    pub faults: Faults,
    pub served: AtomicU64,
    /// Requests being handled right now, and the most there have been at once.
    in_flight: AtomicU64,
    peak_in_flight: AtomicU64,
    pub cache: cache::Cache,
    /// Keeps the store's directory until the sandbox is gone.
    _dir: tempfile::TempDir,
}

impl Core {
    /// Whether `headers` carry `Authorization: Bearer <our token>`.
    pub fn authorized(&self, headers: &HeaderMap) -> bool {
        let Some(value) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        else {
            return false;
        };
        let value = value.trim();
        let Some((scheme, token)) = value.split_once(' ') else {
            return false;
        };
        scheme.eq_ignore_ascii_case("bearer") && same(token.trim(), &self.token)
    }
}

/// Compares without stopping at the first difference (the token is a secret, even here).
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A running sandbox. Dropping it stops the server and deletes its store.
pub struct Sandbox {
    /// The API base, e.g. `http://127.0.0.1:PORT/api/v1`.
    pub url: String,
    pub token: String,
    core: Arc<Core>,
    server: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("url", &self.url)
            .field("dialect", &self.core.dialect)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Seeds a fresh store, binds 127.0.0.1 (only) and serves on the current tokio runtime.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, String> {
        config.faults.validate()?;
        if config.token.trim().is_empty() {
            return Err("the sandbox needs a non-empty token".into());
        }
        let dir = tempfile::Builder::new()
            .prefix("allot-sandbox-")
            .tempdir()
            .map_err(|e| format!("could not make a temporary directory for the store: {e}"))?;
        let path = dir.path().join("sandbox.db");
        let (today, seed) = (config.today, config.seed.clone());
        let backend = tokio::task::spawn_blocking(move || -> Result<LocalBackend, String> {
            let backend = LocalBackend::open(&path).map_err(|e| e.to_string())?;
            let data = match seed {
                Seed::Demo => local::demo(today),
                Seed::Synthetic {
                    resources,
                    allocations,
                } => local::synthetic(today, resources, allocations),
            };
            backend
                .seed(&data)
                .map_err(|e| format!("could not seed the sandbox store: {e}"))?;
            Ok(backend)
        })
        .await
        .map_err(|e| format!("seeding the sandbox failed: {e}"))??;

        let core = Arc::new(Core {
            // The seed is older than the sandbox: its records date from a day before the start,
            // further back than any client's margin for clock skew, so the first "what changed
            // since my read" finds none of them.
            cache: cache::Cache::new(backend.clone(), Utc::now() - chrono::TimeDelta::days(1)),
            backend,
            token: config.token.clone(),
            dialect: config.dialect,
            today: config.today,
            faults: Faults::new(config.faults.clone()),
            served: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            peak_in_flight: AtomicU64::new(0),
            _dir: dir,
        });
        // Read once now: seeded records date from the start, and the first request is quick.
        let first = core
            .cache
            .read()
            .await
            .map_err(|e| format!("could not read the seeded store: {e}"))?;
        core.cache.stamps.adopt(&first);
        if config.dialect == Dialect::Kantata {
            kantata::adopt(&core, &first);
        }

        let api = config.dialect.router();
        let app = Router::new()
            .nest(config.dialect.base_path(), api)
            .fallback(not_found)
            .layer(axum::middleware::from_fn_with_state(
                Arc::clone(&core),
                reuse_reads,
            ))
            .layer(axum::middleware::from_fn_with_state(
                Arc::clone(&core),
                gate,
            ))
            .with_state(Arc::clone(&core));

        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port))
            .await
            .map_err(|e| format!("could not listen on 127.0.0.1:{}: {e}", config.port))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("could not read the listening address: {e}"))?;
        let server = tokio::spawn(async move {
            let make = app.into_make_service_with_connect_info::<ConnTap>();
            if let Err(e) = axum::serve(FaultListener(listener), make).await {
                tracing::error!("allot-sandbox stopped serving: {e}");
            }
        });
        Ok(Sandbox {
            url: format!("http://{addr}{}", config.dialect.base_path()),
            token: config.token,
            core,
            server,
        })
    }

    /// The fault settings, changeable while the sandbox runs.
    pub fn faults(&self) -> &Faults {
        &self.core.faults
    }

    /// The store behind the API, for tests to inspect or change (changes made here bypass the
    /// read cache: call [`Sandbox::invalidate`] after them).
    pub fn backend(&self) -> &LocalBackend {
        &self.core.backend
    }

    /// Forgets cached reads (after writing to [`Sandbox::backend`] directly).
    pub async fn invalidate(&self) {
        self.core.cache.write().await.discard();
    }

    /// Serves `calendar` as `person`'s from now on, in place of the store's (for what the
    /// store cannot hold, such as partial days off).
    pub async fn set_calendar(&self, person: crate::domain::Id, calendar: crate::domain::Calendar) {
        self.core
            .cache
            .overrides
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(person, calendar);
        self.invalidate().await;
    }

    /// Serves `skills` as `person`'s from now on in place of the seeded ones (none when
    /// empty), as if someone edited them in Kantata.
    pub async fn set_skills(
        &self,
        person: crate::domain::Id,
        skills: Vec<crate::domain::skills::Skill>,
    ) {
        self.core
            .cache
            .skill_overrides
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(person, skills);
        self.invalidate().await;
    }

    /// HTTP requests handled so far, faulted and refused ones included.
    pub fn requests_served(&self) -> u64 {
        self.core.served.load(Ordering::Relaxed)
    }

    /// The most requests that were being handled at the same time, so a test can check how
    /// concurrent a client really is.
    pub fn peak_in_flight(&self) -> u64 {
        self.core.peak_in_flight.load(Ordering::Relaxed)
    }

    /// How many times the sandbox has read the whole store (once at start, then once after
    /// each write that is followed by a read); paging through a listing does not add any.
    pub fn store_reads(&self) -> u64 {
        self.core.cache.builds.load(Ordering::Relaxed)
    }

    pub fn dialect(&self) -> Dialect {
        self.core.dialect
    }

    /// The day the seed's dates are relative to.
    pub fn today(&self) -> NaiveDate {
        self.core.today
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Both dialects answer in JSON; a replayed answer carries the same type as the first.
const JSON: &str = "application/json; charset=utf-8";

/// A JSON answer.
pub(crate) fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))],
        body.to_string(),
    )
        .into_response()
}

async fn not_found(State(core): State<Arc<Core>>) -> Response {
    core.dialect
        .error(StatusCode::NOT_FOUND, "system", "no such endpoint")
}

/// Answers a GET the current snapshot has answered before with the same bytes (after the gate:
/// latency, faults and the token check still apply to every request).
async fn reuse_reads(State(core): State<Arc<Core>>, req: Request, next: Next) -> Response {
    if req.method() != axum::http::Method::GET {
        return next.run(req).await;
    }
    let Ok(snap) = core.cache.read().await else {
        return next.run(req).await;
    };
    let uri = req.uri().to_string();
    if let Some(body) = snap.answer(&uri) {
        return (
            [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))],
            body,
        )
            .into_response();
    }
    let resp = next.run(req).await;
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            snap.keep_answer(uri, bytes.clone());
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Every request passes here first: counted, delayed, perhaps faulted, then the token checked.
/// Faults come before the token check, as a rate limiter in front of the API would; 429, 503
/// and dropped connections happen before the request is handled (nothing is written), while a
/// truncated answer is cut after the request was handled (a write did land).
/// Counts a request in flight for as long as it lives.
struct InFlight<'a>(&'a Core);

impl<'a> InFlight<'a> {
    fn enter(core: &'a Core) -> Self {
        let now = core.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        core.peak_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(core)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn gate(State(core): State<Arc<Core>>, req: Request, next: Next) -> Response {
    core.served.fetch_add(1, Ordering::Relaxed);
    let _counted = InFlight::enter(&core);
    let tap = req
        .extensions()
        .get::<ConnectInfo<ConnTap>>()
        .map(|c| c.0.clone());
    let (latency, fault) = core.faults.draw();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fault {
        Some(Fault::TooManyRequests) => {
            // No `Retry-After` in either dialect: neither vendor documents one (see faults.rs).
            return core.dialect.error(
                StatusCode::TOO_MANY_REQUESTS,
                "system",
                "Too many requests; retry after a short delay (injected by allot-sandbox)",
            );
        }
        Some(Fault::Unavailable) => {
            return core.dialect.error(
                StatusCode::SERVICE_UNAVAILABLE,
                "system",
                "Service is unavailable (injected by allot-sandbox)",
            );
        }
        Some(Fault::Drop) => {
            if let Some(tap) = &tap {
                tap.kill();
            }
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Some(Fault::Truncate) | None => {}
    }
    if !core.authorized(req.headers()) {
        return core
            .dialect
            .error(StatusCode::UNAUTHORIZED, "oauth", "Invalid OAuth 2 Request");
    }
    if let Some(status) = core.faults.refusal(req.uri().path()) {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return core
            .dialect
            .error(status, "system", "refused by allot-sandbox for a test");
    }
    // A test's read hook (faults.rs), held until this read is answered.
    let hooked = if req.method() == axum::http::Method::GET {
        let at = req
            .uri()
            .path_and_query()
            .map_or("", |p| p.as_str())
            .to_string();
        core.faults.hook_read(&at).await
    } else {
        None
    };
    let resp = next.run(req).await;
    drop(hooked);
    match (fault, tap) {
        (Some(Fault::Truncate), Some(tap)) => truncate(resp, &tap).await,
        _ => resp,
    }
}

/// Buffers the answer and tells the connection to stop halfway through its body. The headers
/// still announce the full length, so the client sees the connection close mid-body.
async fn truncate(resp: Response, tap: &ConnTap) -> Response {
    let (parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        tap.kill();
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if !bytes.is_empty() {
        tap.cut_body_after(bytes.len() / 2);
    }
    Response::from_parts(parts, Body::from(bytes))
}
