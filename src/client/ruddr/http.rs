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
    pub async fn list(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Vec<Value>, BackendError> {
        let mut out = Vec::new();
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
            out.extend(page.results);
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
