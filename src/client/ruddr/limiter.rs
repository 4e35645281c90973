//! Ruddr's documented limit as a client-side token bucket: 20 requests a second, bursts of 60,
//! shared by every request this client sends (retries included), so allot stays under the limit
//! instead of learning it from 429s.
//!
//! Kept as a reservation schedule (GCRA): each caller is given the instant it may go and sleeps
//! until then, so concurrent callers never race for the same token.

use crate::client::transport::{Clock, Throttle};
use async_trait::async_trait;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

pub struct Limiter {
    /// Time one token takes to come back (50 ms at 20/s).
    interval: Duration,
    /// How far ahead of the steady rate a burst may run: (burst - 1) intervals.
    tolerance: Duration,
    /// When the next request would go if the bucket were always empty ("theoretical arrival").
    next: Mutex<Option<Instant>>,
    clock: Arc<dyn Clock>,
}

impl Limiter {
    pub fn new(per_second: u32, burst: u32, clock: Arc<dyn Clock>) -> Limiter {
        let interval = Duration::from_secs(1) / per_second.max(1);
        Limiter {
            interval,
            tolerance: interval * burst.max(1).saturating_sub(1),
            next: Mutex::new(None),
            clock,
        }
    }

    /// Books the next slot for a request asking at `now` and returns when it may go.
    pub fn reserve(&self, now: Instant) -> Instant {
        let mut next = match self.next.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let tat = next.map_or(now, |t| t.max(now));
        let go = tat.checked_sub(self.tolerance).map_or(now, |t| t.max(now));
        *next = Some(tat + self.interval);
        go
    }
}

#[async_trait]
impl Throttle for Limiter {
    async fn acquire(&self) {
        let go = self.reserve(self.clock.now());
        if go > self.clock.now() {
            self.clock.sleep_until(go).await;
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
    async fn concurrent_callers_get_distinct_slots() {
        let clock = ManualClock::new();
        let limiter = Limiter::new(20, 60, clock.clone());
        let now = clock.now();
        let mut slots: Vec<Duration> = (0..100)
            .map(|_| limiter.reserve(now).duration_since(now))
            .collect();
        slots.sort();
        assert_eq!(slots.iter().filter(|s| s.is_zero()).count(), 60);
        assert_eq!(slots[99], Duration::from_millis(40 * 50));
        slots.dedup();
        assert_eq!(slots.len(), 41, "one instant for the burst, then one each");
    }
}
