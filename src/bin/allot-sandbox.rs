//! `allot-sandbox`: a Kantata- or Ruddr-compatible API server over allot's demo (or a synthetic)
//! workspace, on 127.0.0.1, for trying allot without an account and for tests. See
//! `allot::sandbox`.

use allot::sandbox::{Dialect, FaultConfig, Sandbox, SandboxConfig, Seed};
use chrono::NaiveDate;
use clap::{Parser, ValueEnum};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Clone, Copy, Debug, ValueEnum)]
enum DialectArg {
    Kantata,
    Ruddr,
}

#[derive(Debug, Parser)]
#[command(
    name = "allot-sandbox",
    version,
    about = "A Kantata- or Ruddr-compatible API server over allot's demo workspace, on 127.0.0.1"
)]
struct Args {
    /// Which API to speak.
    #[arg(long, value_enum, default_value = "kantata")]
    dialect: DialectArg,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The day the seed's dates are relative to (YYYY-MM-DD; default: today).
    #[arg(long, value_parser = parse_day)]
    today: Option<NaiveDate>,
    /// The bearer token clients must send (default: a fresh one).
    #[arg(long)]
    token: Option<String>,
    /// Seed a synthetic workspace of about this many resources (with --allocations).
    #[arg(long, requires = "allocations")]
    resources: Option<usize>,
    /// Seed a synthetic workspace with exactly this many allocations (with --resources).
    #[arg(long, requires = "resources")]
    allocations: Option<usize>,
    /// Delay every answer by this many milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share of requests answered 429 (0..1).
    #[arg(long = "rate-429", default_value_t = 0.0, value_parser = rate)]
    rate_429: f64,
    /// Share of requests answered 503 (0..1).
    #[arg(long = "rate-503", default_value_t = 0.0, value_parser = rate)]
    rate_503: f64,
    /// Share of requests whose connection is closed without an answer (0..1).
    #[arg(long, default_value_t = 0.0, value_parser = rate)]
    drop_rate: f64,
    /// Share of answers cut off halfway through the body (0..1).
    #[arg(long, default_value_t = 0.0, value_parser = rate)]
    truncate_rate: f64,
    /// Seed for which requests get faults.
    #[arg(long, default_value_t = 0)]
    fault_seed: u64,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date like 2025-03-03"))
}

fn rate(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!("'{s}' is not a rate between 0 and 1")),
    }
}

/// Not a secret worth much (the server only listens on loopback), but not guessable either.
fn fresh_token() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut rng =
        allot::client::local::Rng::new(nanos as u64 ^ (u64::from(std::process::id()) << 32));
    format!("sandbox-{:016x}{:016x}", rng.next_u64(), rng.next_u64())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let dialect = match args.dialect {
        DialectArg::Kantata => Dialect::Kantata,
        DialectArg::Ruddr => Dialect::Ruddr,
    };
    let seed = match (args.resources, args.allocations) {
        (Some(resources), Some(allocations)) => Seed::Synthetic {
            resources,
            allocations,
        },
        _ => Seed::Demo,
    };
    let faults = FaultConfig {
        latency: Duration::from_millis(args.latency_ms),
        rate_429: args.rate_429,
        rate_503: args.rate_503,
        drop_rate: args.drop_rate,
        truncate_rate: args.truncate_rate,
        seed: args.fault_seed,
    };
    if let Err(e) = faults.validate() {
        eprintln!("allot-sandbox: {e}");
        return ExitCode::from(2);
    }
    let config = SandboxConfig {
        dialect,
        today: args
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
        seed,
        token: args.token.unwrap_or_else(fresh_token),
        faults,
        port: args.port,
    };
    let sandbox = match Sandbox::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("allot-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "url: {}", sandbox.url);
    let _ = writeln!(out, "token: {}", sandbox.token);
    let (env, backend) = match dialect {
        Dialect::Kantata => ("KANTATA_ACCESS_TOKEN", "kantata"),
        Dialect::Ruddr => ("RUDDR_API_KEY", "ruddr"),
    };
    let _ = writeln!(
        out,
        "try: {env}={} allot --backend {backend} --url {}",
        sandbox.token, sandbox.url
    );
    let _ = out.flush();
    drop(out);
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("allot-sandbox: could not wait for Ctrl-C: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "allot-sandbox: stopping after {} requests",
        sandbox.requests_served()
    );
    ExitCode::SUCCESS
}
