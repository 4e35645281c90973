//! What the Kantata benches share: a large synthetic workspace served by the sandbox over HTTP
//! with 50 ms on every request (a small one under `cargo test`, criterion's test mode, so the
//! suite checks the benches run without spending minutes on them).

// Each bench is its own crate and reads only the fields it needs.
#![allow(dead_code)]

use allot::domain::DateRange;
use allot::domain::dates::parse_date;
use allot::sandbox::{Dialect, FaultConfig, Sandbox, SandboxConfig, Seed};
use chrono::NaiveDate;
use std::time::Duration;

/// The slow sandbox and what it holds.
pub struct SlowKantata {
    pub rt: tokio::runtime::Runtime,
    pub sandbox: Sandbox,
    pub today: NaiveDate,
    pub resources: usize,
    pub allocations: usize,
    /// A range holding every allocation of the synthetic workspace.
    pub everything: DateRange,
}

/// 5,000 resources and 50,000 allocations when benching, 200 and 1,000 under `cargo test`.
pub fn slow_kantata() -> SlowKantata {
    let benching = std::env::args().any(|a| a == "--bench");
    let (resources, allocations) = if benching {
        (5_000, 50_000)
    } else {
        (200, 1_000)
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let today = parse_date("2026-11-23").unwrap();
    let mut config = SandboxConfig::new(Dialect::Kantata, today);
    config.seed = Seed::Synthetic {
        resources,
        allocations,
    };
    config.faults = FaultConfig {
        latency: Duration::from_millis(50),
        ..FaultConfig::none()
    };
    let sandbox = rt.block_on(Sandbox::start(config)).unwrap();
    let everything = DateRange::new(
        parse_date("2000-01-01").unwrap(),
        parse_date("2099-12-31").unwrap(),
    );
    SlowKantata {
        rt,
        sandbox,
        today,
        resources,
        allocations,
        everything,
    }
}
