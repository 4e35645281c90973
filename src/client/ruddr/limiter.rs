//! Ruddr's documented limit as a client-side rate limiter: 20 requests a second, bursts of 60,
//! shared by every request this client sends (retries included), so allot stays under the limit
//! instead of learning it from 429s.
//!
//! The bookkeeping is governor's (GCRA, decided atomically, so concurrent callers never both
//! take the last cell). Its own waiting (`until_ready`) sleeps on real time, so a caller that is
//! refused sleeps on the transport's [`Clock`] until the instant governor names and asks again;
//! governor reads the same clock through [`Ticks`], and tests move it by hand.

use crate::client::transport::{Clock, Throttle};
use async_trait::async_trait;
use governor::clock::Clock as GovernorClock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// The transport's clock as governor sees it: time since the limiter was made.
#[derive(Clone)]
struct Ticks {
    clock: Arc<dyn Clock>,
    start: Instant,
}

impl GovernorClock for Ticks {
    type Instant = Duration;

    fn now(&self) -> Duration {
        self.clock.now().saturating_duration_since(self.start)
    }
}

pub struct Limiter {
    cells: RateLimiter<NotKeyed, InMemoryState, Ticks, NoOpMiddleware<Duration>>,
    ticks: Ticks,
}

impl Limiter {
    /// `per_second` requests a second on average, `burst` at once (both at least 1).
    pub fn new(per_second: u32, burst: u32, clock: Arc<dyn Clock>) -> Limiter {
        let quota = Quota::per_second(NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
        let ticks = Ticks {
            start: clock.now(),
            clock,
        };
        Limiter {
            cells: RateLimiter::direct_with_clock(quota, ticks.clone()),
            ticks,
        }
    }
}

#[async_trait]
impl Throttle for Limiter {
    async fn acquire(&self) {
        while let Err(not_until) = self.cells.check() {
            let wait = not_until.wait_time_from(self.ticks.now());
            let clock = &self.ticks.clock;
            clock.sleep_until(clock.now() + wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::transport::manual::ManualClock;

    /// Most requests that went in any window of `len` starting at one of them.
    fn busiest(times: &[Duration], len: Duration) -> usize {
        times
            .iter()
            .map(|t| times.iter().filter(|u| **u >= *t && **u < *t + len).count())
            .max()
            .unwrap_or(0)
    }

    #[tokio::test]
    async fn never_more_than_a_burst_of_60_then_20_a_second() {
        let clock = ManualClock::new();
        let limiter = Limiter::new(20, 60, clock.clone());
        let mut went = Vec::new();
        for _ in 0..300 {
            limiter.acquire().await;
            went.push(clock.elapsed());
        }
        assert!(
            went[..60].iter().all(|t| t.is_zero()),
            "the burst goes at once"
        );
        assert_eq!(went[60], Duration::from_millis(50), "then one every 50 ms");
        assert_eq!(busiest(&went, Duration::from_millis(1)), 60, "burst 60");
        assert!(
            busiest(&went, Duration::from_secs(1)) <= 60 + 20,
            "at most the burst plus a second's refill in any second"
        );
        // Once the burst is spent, any second after it holds 20.
        let steady: Vec<Duration> = went[60..].to_vec();
        assert_eq!(busiest(&steady, Duration::from_secs(1)), 20);
        // 300 requests: 60 at once and 240 more at 20/s.
        assert_eq!(*went.last().unwrap(), Duration::from_millis(240 * 50));
    }

    #[tokio::test]
    async fn an_idle_bucket_refills_to_the_burst_and_no_further() {
        let clock = ManualClock::new();
        let limiter = Limiter::new(20, 60, clock.clone());
        for _ in 0..60 {
            limiter.acquire().await;
        }
        clock.advance(Duration::from_secs(60));
        let before = clock.elapsed();
        let mut went = Vec::new();
        for _ in 0..61 {
            limiter.acquire().await;
            went.push(clock.elapsed() - before);
        }
        assert!(went[..60].iter().all(|t| t.is_zero()));
        assert_eq!(
            went[60],
            Duration::from_millis(50),
            "a minute idle is still 60"
        );
    }

    #[tokio::test]
    async fn concurrent_callers_share_the_limit() {
        let clock = ManualClock::new();
        let limiter = Arc::new(Limiter::new(20, 60, clock.clone()));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..100 {
            let (limiter, clock) = (limiter.clone(), clock.clone());
            tasks.spawn(async move {
                limiter.acquire().await;
                clock.elapsed()
            });
        }
        let mut went = tasks.join_all().await;
        went.sort();
        assert_eq!(went.iter().filter(|t| t.is_zero()).count(), 60);
        assert_eq!(busiest(&went, Duration::from_millis(1)), 60, "burst 60");
        let steady: Vec<Duration> = went[60..].to_vec();
        assert_eq!(
            busiest(&steady, Duration::from_millis(50)),
            1,
            "one each 50 ms"
        );
        assert_eq!(went[99], Duration::from_millis(40 * 50));
    }
}
