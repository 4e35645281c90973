//! Ruddr's workspace API (issue 8): `allot --backend ruddr`.
//!
//! Ruddr has no workspace resources: an allocation names a member or a placeholder and a project.
//! allot's [`Resource`](crate::domain::Resource) is that pair, with an id it can decode back on
//! writes (see [`decode::resource_id`]).

pub mod backend;
pub mod decode;
#[cfg(test)]
mod fake;
pub mod http;
pub mod limiter;

pub use backend::RuddrBackend;

use crate::config::Secret;
use chrono::NaiveDate;
use std::time::Duration;

pub const DEFAULT_BASE_URL: &str = "https://www.ruddr.io/api/workspace";

#[derive(Clone, Debug)]
pub struct RuddrConfig {
    /// `https://www.ruddr.io/api/workspace` unless pointed elsewhere (a sandbox on loopback).
    pub base_url: String,
    /// Workspace-wide bearer key (Settings → API Keys); its `Debug` hides it.
    pub api_key: Secret,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Per request.
    pub timeout: Duration,
    /// Ruddr's documented limit: 20 requests a second with bursts of 60, per workspace.
    pub per_second: u32,
    pub burst: u32,
    /// Waits before each retry on 429/503 (Ruddr recommends 1, 2, 4, 8 s).
    pub backoff: Vec<Duration>,
    /// The most a server's `Retry-After` may make us wait.
    pub max_retry_after: Duration,
    /// "Today", for choosing each member's capacity period and the span the roster reads.
    pub today: NaiveDate,
    /// The roster reads allocations this many days either side of `today`, to find every
    /// (assignee, project) pair and each member's time off.
    pub days_back: u32,
    pub days_ahead: u32,
}

impl RuddrConfig {
    pub fn new(api_key: impl Into<Secret>, today: NaiveDate) -> Self {
        RuddrConfig {
            base_url: DEFAULT_BASE_URL.into(),
            api_key: api_key.into(),
            concurrency: 4,
            timeout: Duration::from_secs(30),
            per_second: 20,
            burst: 60,
            backoff: [1, 2, 4, 8].map(Duration::from_secs).to_vec(),
            max_retry_after: Duration::from_secs(30),
            today,
            days_back: 400,
            days_ahead: 800,
        }
    }
}
