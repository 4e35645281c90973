//! Injected faults: latency, 429, 503, dropped connections and truncated bodies.
//!
//! Which fault a request gets is drawn from a seeded RNG, one draw per request, so a run with the
//! same seed and the same request order sees the same faults (concurrent requests draw in arrival
//! order). Dropping and truncating need the connection itself, which an axum handler cannot
//! reach: [`FaultListener`] hands out [`FaultIo`] streams, each with a [`ConnTap`] that the
//! request's middleware reaches through `ConnectInfo` to tell the stream to fail its next write
//! (no response at all) or to cut the response off halfway through the body.

use crate::client::local::Rng;
use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// What goes wrong, and how often. Rates are probabilities per request (0.0 ..= 1.0); one draw
/// picks at most one of 429, 503, drop and truncate, in that order of precedence.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultConfig {
    /// Slept (tokio) before every answer, faulted or not.
    pub latency: Duration,
    /// Answer 429 with the dialect's error body and no `Retry-After`, in either dialect, because
    /// neither vendor documents one. Kantata's swagger ("Rate Limits" in `info.description`,
    /// api-notes.md A.6) says only "the API may reply with the HTTP code 429 Too Many Requests.
    /// In that case, simply retry your request after a small delay"; the OpenAPI files in
    /// reference/kantata-openapi/ declare no 429 response or header at all. Ruddr's request-limits
    /// page gives the body `{"status":429,"message":"Too many requests"}` and a 1, 2, 4, 8 s
    /// backoff, and no header (api-notes.md B.4). So clients must cope on their own schedule.
    pub rate_429: f64,
    /// Answer 503 with the dialect's error body.
    pub rate_503: f64,
    /// Close the connection without answering (the request is not handled).
    pub drop_rate: f64,
    /// Handle the request, then send the headers (full `Content-Length`) and only the first half
    /// of the body before closing the connection.
    pub truncate_rate: f64,
    /// Seeds the fault RNG.
    pub seed: u64,
}

impl FaultConfig {
    /// No faults at all.
    pub fn none() -> FaultConfig {
        FaultConfig::default()
    }

    /// Refuses rates outside 0..=1 (or not numbers) and rates adding up to more than 1.
    pub fn validate(&self) -> Result<(), String> {
        let rates = [
            ("rate-429", self.rate_429),
            ("rate-503", self.rate_503),
            ("drop-rate", self.drop_rate),
            ("truncate-rate", self.truncate_rate),
        ];
        for (name, r) in rates {
            if !(0.0..=1.0).contains(&r) {
                return Err(format!("{name} must be between 0 and 1, not {r}"));
            }
        }
        let sum: f64 = rates.iter().map(|(_, r)| r).sum();
        if sum > 1.0 + 1e-9 {
            return Err(format!(
                "the fault rates add up to {sum}; together they must be at most 1"
            ));
        }
        Ok(())
    }
}

/// One request's fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    TooManyRequests,
    Unavailable,
    Drop,
    Truncate,
}

/// A test hook run before a read is handled (see [`Faults::before_reads`]); it gets the
/// request's path and query string.
pub type ReadHook =
    Arc<dyn Fn(String) -> Pin<Box<dyn std::future::Future<Output = ()> + Send>> + Send + Sync>;

/// The running fault settings; change them at any time with [`Faults::set`] or [`Faults::clear`].
#[derive(Debug)]
pub struct Faults {
    state: Mutex<(FaultConfig, Rng)>,
    hook: ReadHooks,
    /// Endpoints answered with a fixed status (see [`Faults::refuse`]).
    refused: Mutex<std::collections::HashMap<String, u16>>,
}

/// The installed [`ReadHook`] and the lock that runs hooked reads one at a time.
#[derive(Default)]
struct ReadHooks {
    hook: Mutex<Option<ReadHook>>,
    one_at_a_time: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for ReadHooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set = self
            .hook
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some();
        f.debug_struct("ReadHooks").field("set", &set).finish()
    }
}

impl Faults {
    pub fn new(config: FaultConfig) -> Faults {
        let rng = Rng::new(config.seed);
        Faults {
            state: Mutex::new((config, rng)),
            hook: ReadHooks::default(),
            refused: Mutex::new(Default::default()),
        }
    }

    /// Answers every request for `endpoint` (a path under the API base, without `.json`, such
    /// as `skill_memberships`) with `status` and the dialect's error body, as an account
    /// without that feature or a failing server would; `None` serves it again.
    pub fn refuse(&self, endpoint: &str, status: Option<u16>) {
        let mut refused = self.refused.lock().unwrap_or_else(PoisonError::into_inner);
        let endpoint = endpoint.trim_matches('/').to_string();
        match status {
            Some(s) => refused.insert(endpoint, s),
            None => refused.remove(&endpoint),
        };
    }

    /// The status [`Faults::refuse`] set for a request of `path` (the full URI path), if any.
    pub(crate) fn refusal(&self, path: &str) -> Option<u16> {
        let refused = self.refused.lock().unwrap_or_else(PoisonError::into_inner);
        if refused.is_empty() {
            return None;
        }
        let path = path.strip_suffix(".json").unwrap_or(path);
        refused
            .iter()
            .find(|(e, _)| path.ends_with(&format!("/{e}")))
            .map(|(_, s)| *s)
    }

    /// Runs `hook` before every GET is handled, one GET at a time, until it is replaced or
    /// removed (`None`): a test can edit records between the pages of a list read (a write the
    /// hook sends is not held up, only reads are). While a hook is set, GETs wait for each
    /// other, so what one hook call changed is in place before the next GET is answered.
    pub fn before_reads(&self, hook: Option<ReadHook>) {
        *self
            .hook
            .hook
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = hook;
    }

    /// Runs the read hook for a GET of `path_and_query`, if one is set; the returned guard
    /// holds other hooked reads back until the read is answered.
    pub(crate) async fn hook_read(
        &self,
        path_and_query: &str,
    ) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        let hook = self
            .hook
            .hook
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()?;
        let held = self.hook.one_at_a_time.lock().await;
        hook(path_and_query.to_string()).await;
        Some(held)
    }

    /// Replaces the settings and reseeds the RNG from `config.seed`. Rates are clamped to
    /// 0..=1 (a NaN rate counts as 0).
    pub fn set(&self, mut config: FaultConfig) {
        for r in [
            &mut config.rate_429,
            &mut config.rate_503,
            &mut config.drop_rate,
            &mut config.truncate_rate,
        ] {
            *r = if r.is_nan() { 0.0 } else { r.clamp(0.0, 1.0) };
        }
        let rng = Rng::new(config.seed);
        *self.lock() = (config, rng);
    }

    /// No more faults or latency.
    pub fn clear(&self) {
        self.set(FaultConfig::none());
    }

    /// The current settings.
    pub fn config(&self) -> FaultConfig {
        self.lock().0.clone()
    }

    /// The latency to sleep and the fault (if any) for one request.
    pub(crate) fn draw(&self) -> (Duration, Option<Fault>) {
        let mut guard = self.lock();
        let (config, rng) = &mut *guard;
        let any = config.rate_429 + config.rate_503 + config.drop_rate + config.truncate_rate;
        if any <= 0.0 {
            return (config.latency, None);
        }
        let u = rng.unit();
        let mut edge = 0.0;
        for (rate, fault) in [
            (config.rate_429, Fault::TooManyRequests),
            (config.rate_503, Fault::Unavailable),
            (config.drop_rate, Fault::Drop),
            (config.truncate_rate, Fault::Truncate),
        ] {
            edge += rate;
            if u < edge {
                return (config.latency, Some(fault));
            }
        }
        (config.latency, None)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (FaultConfig, Rng)> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

// ---------------------------------------------------------------------------------------------
// Connection-level faults
// ---------------------------------------------------------------------------------------------

/// What a connection's next writes do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Pass,
    /// Fail every write: the client gets no response, just a closed connection.
    Kill,
    /// Pass the response head, then `body_left` bytes of body, then fail. `head_match` counts
    /// the bytes of the `\r\n\r\n` that ends the head seen so far.
    Cut {
        head_match: u8,
        in_body: bool,
        body_left: usize,
    },
}

/// A handle on one connection, reachable from a request as `ConnectInfo<ConnTap>`.
#[derive(Clone, Debug)]
pub(crate) struct ConnTap(Arc<Mutex<Mode>>);

impl ConnTap {
    fn new() -> ConnTap {
        ConnTap(Arc::new(Mutex::new(Mode::Pass)))
    }

    fn mode(&self) -> std::sync::MutexGuard<'_, Mode> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The response to the current request is never sent; the connection closes.
    pub(crate) fn kill(&self) {
        *self.mode() = Mode::Kill;
    }

    /// The response to the current request stops after `body_bytes` bytes of its body.
    pub(crate) fn cut_body_after(&self, body_bytes: usize) {
        *self.mode() = Mode::Cut {
            head_match: 0,
            in_body: false,
            body_left: body_bytes,
        };
    }
}

impl Connected<IncomingStream<'_, FaultListener>> for ConnTap {
    fn connect_info(stream: IncomingStream<'_, FaultListener>) -> Self {
        stream.io().tap.clone()
    }
}

/// A TCP listener whose streams can be told to fail (see [`ConnTap`]).
pub(crate) struct FaultListener(pub(crate) TcpListener);

impl Listener for FaultListener {
    type Io = FaultIo;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((stream, addr)) => {
                    // Small answers should not wait for Nagle.
                    let _ = stream.set_nodelay(true);
                    return (
                        FaultIo {
                            inner: stream,
                            tap: ConnTap::new(),
                        },
                        addr,
                    );
                }
                // Out of file descriptors and the like: wait a moment rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// A TCP stream that obeys its [`ConnTap`].
pub(crate) struct FaultIo {
    inner: TcpStream,
    tap: ConnTap,
}

fn refused() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "allot-sandbox: injected fault",
    )
}

/// How many bytes of `buf` a write may pass in `mode`.
fn allowance(mode: Mode, buf: &[u8]) -> usize {
    match mode {
        Mode::Pass => buf.len(),
        Mode::Kill => 0,
        Mode::Cut {
            mut head_match,
            mut in_body,
            body_left,
        } => {
            let mut n = 0;
            while n < buf.len() && !in_body {
                advance_head(&mut head_match, &mut in_body, buf[n]);
                n += 1;
            }
            n + body_left.min(buf.len() - n)
        }
    }
}

fn advance_head(head_match: &mut u8, in_body: &mut bool, byte: u8) {
    const END: &[u8; 4] = b"\r\n\r\n";
    *head_match = if byte == END[*head_match as usize] {
        *head_match + 1
    } else if byte == b'\r' {
        1
    } else {
        0
    };
    if *head_match == 4 {
        *in_body = true;
    }
}

/// Records that `written` bytes passed.
fn consume(mode: &mut Mode, written: &[u8]) {
    if let Mode::Cut {
        head_match,
        in_body,
        body_left,
    } = mode
    {
        for &b in written {
            if *in_body {
                *body_left = body_left.saturating_sub(1);
            } else {
                advance_head(head_match, in_body, b);
            }
        }
    }
}

impl AsyncRead for FaultIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let mode = *self.tap.mode();
        let allowed = allowance(mode, buf);
        if allowed == 0 && !buf.is_empty() {
            return Poll::Ready(Err(refused()));
        }
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_write(cx, &buf[..allowed]) {
            Poll::Ready(Ok(n)) => {
                consume(&mut this.tap.mode(), &buf[..n]);
                Poll::Ready(Ok(n))
            }
            other => other,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_follow_the_rates_and_repeat_with_the_seed() {
        let config = FaultConfig {
            rate_429: 0.25,
            rate_503: 0.25,
            drop_rate: 0.25,
            truncate_rate: 0.25,
            seed: 7,
            ..FaultConfig::none()
        };
        let faults = Faults::new(config.clone());
        let first: Vec<_> = (0..400).map(|_| faults.draw().1).collect();
        assert!(first.iter().all(Option::is_some), "the rates add up to 1");
        for kind in [
            Fault::TooManyRequests,
            Fault::Unavailable,
            Fault::Drop,
            Fault::Truncate,
        ] {
            let n = first.iter().filter(|f| **f == Some(kind)).count();
            assert!((60..=140).contains(&n), "{kind:?} drawn {n} times of 400");
        }
        faults.set(config);
        let again: Vec<_> = (0..400).map(|_| faults.draw().1).collect();
        assert_eq!(first, again, "same seed, same faults");
        faults.clear();
        assert!((0..100).all(|_| faults.draw() == (Duration::ZERO, None)));
    }

    #[test]
    fn rates_are_checked_and_clamped() {
        let bad = FaultConfig {
            rate_429: 1.5,
            ..FaultConfig::none()
        };
        assert!(bad.validate().unwrap_err().contains("rate-429"));
        let too_much = FaultConfig {
            rate_429: 0.6,
            rate_503: 0.6,
            ..FaultConfig::none()
        };
        assert!(too_much.validate().unwrap_err().contains("at most 1"));
        let faults = Faults::new(FaultConfig::none());
        faults.set(bad);
        assert_eq!(faults.config().rate_429, 1.0);
    }

    #[test]
    fn a_cut_passes_the_head_and_half_the_body() {
        let response = b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n0123456789";
        let mut mode = Mode::Cut {
            head_match: 0,
            in_body: false,
            body_left: 5,
        };
        let head_len = response.len() - 10;
        assert_eq!(allowance(mode, response), head_len + 5);
        // Written in two pieces, split inside the head's terminator.
        let (a, b) = response.split_at(head_len - 2);
        assert_eq!(allowance(mode, a), a.len());
        consume(&mut mode, a);
        assert_eq!(allowance(mode, b), 2 + 5);
        consume(&mut mode, &b[..7]);
        assert_eq!(allowance(mode, &b[7..]), 0);
        assert_eq!(allowance(Mode::Kill, response), 0);
        assert_eq!(allowance(Mode::Pass, response), response.len());
    }
}
