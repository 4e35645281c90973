//! Contract tests: the Kantata and Ruddr clients riding out the sandbox's 429s, which carry no
//! `Retry-After` (neither vendor documents one), on their own backoff schedules. Time is a
//! manual clock, so the schedules are checked exactly and nothing really sleeps.

use allot::client::BackendError;
use allot::client::kantata::http::{Http as KantataHttp, HttpConfig};
use allot::client::ruddr::RuddrConfig;
use allot::client::ruddr::http::Http as RuddrHttp;
use allot::client::transport::manual::ManualClock;
use allot::sandbox::{Dialect, FaultConfig, Sandbox, SandboxConfig};
use chrono::NaiveDate;
use std::sync::atomic::Ordering;
use std::time::Duration;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

async fn busy_sandbox(dialect: Dialect) -> Sandbox {
    let mut config = SandboxConfig::new(dialect, today());
    config.faults = FaultConfig {
        rate_429: 1.0,
        ..FaultConfig::none()
    };
    Sandbox::start(config).await.unwrap()
}

#[tokio::test]
async fn kantata_backs_off_exponentially_when_429s_name_no_wait() {
    let sb = busy_sandbox(Dialect::Kantata).await;
    let clock = ManualClock::new();
    let config = HttpConfig {
        retries: 3,
        backoff: Duration::from_secs(1),
        max_backoff: Duration::from_secs(8),
        ..HttpConfig::new(sb.url.clone(), sb.token.clone())
    };
    let http = KantataHttp::with_clock(config, clock.clone()).unwrap();
    let err = http.get("workspaces", &[]).await.unwrap_err();
    let BackendError::Unavailable(m) = &err else {
        panic!("{err:?}")
    };
    assert!(m.starts_with("Kantata is rate limiting (429)"), "{m}");
    assert_eq!(
        http.sent.load(Ordering::Relaxed),
        4,
        "1 attempt + 3 retries"
    );
    assert_eq!(sb.requests_served(), 4);
    // 1 s doubling, each plus up to 100 % jitter: a `Retry-After: 0` would have made these 0.
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 3, "{sleeps:?}");
    for (n, wait) in sleeps.iter().enumerate() {
        let base = Duration::from_secs(1 << n);
        assert!(
            *wait >= base && *wait < base * 2,
            "retry {}: {wait:?}",
            n + 1
        );
    }
    // Once the storm passes, the same client reads normally.
    sb.faults().clear();
    assert!(http.get("workspaces", &[]).await.is_ok());
}

#[tokio::test]
async fn ruddr_follows_its_documented_1_2_4_8_second_schedule() {
    let sb = busy_sandbox(Dialect::Ruddr).await;
    let clock = ManualClock::new();
    let config = RuddrConfig {
        base_url: sb.url.clone(),
        ..RuddrConfig::new(sb.token.clone(), today())
    };
    let http = RuddrHttp::with_clock(&config, clock.clone()).unwrap();
    let err = http.get("members", &[]).await.unwrap_err();
    assert!(err.to_string().contains("429"), "{err}");
    assert_eq!(
        http.sent.load(Ordering::Relaxed),
        5,
        "1 attempt + 4 retries"
    );
    assert_eq!(
        clock.sleeps(),
        [1, 2, 4, 8].map(Duration::from_secs).to_vec(),
        "the documented waits exactly (the limiter had no reason to wait)"
    );
}
