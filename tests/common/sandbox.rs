//! The sandbox served in-process for PTY tests, and `allot` started against it.

use super::PtyApp;

/// `allot --backend <dialect> --url <sandbox>` at 100x30 without colour, its key in the
/// environment.
pub fn planner_on(sandbox: &allot::sandbox::Sandbox, home: &std::path::Path) -> PtyApp {
    let (backend, var) = match sandbox.dialect() {
        allot::sandbox::Dialect::Kantata => ("kantata", "KANTATA_ACCESS_TOKEN"),
        allot::sandbox::Dialect::Ruddr => ("ruddr", "RUDDR_API_KEY"),
    };
    let args = [
        "--backend",
        backend,
        "--url",
        &sandbox.url,
        "--today",
        "2026-11-23",
    ];
    PtyApp::spawn(
        &args,
        100,
        30,
        home,
        &[(var, &sandbox.token), ("NO_COLOR", "1")],
    )
}

/// `allot --backend kantata --url <url> --today 2026-11-23 <args>` run to its end in a fresh
/// home (no config file, no profile), `token` and `env` in its environment. It blocks: the
/// sandbox must serve on another thread (`spawn_blocking` from a tokio test).
pub fn allot_cli(
    url: &str,
    token: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_allot"))
        .args([
            "--backend",
            "kantata",
            "--url",
            url,
            "--today",
            "2026-11-23",
        ])
        .args(args)
        .current_dir(home.path())
        .env("ALLOT_DATA_DIR", home.path().join("data"))
        .env("ALLOT_CONFIG", home.path().join("config.toml"))
        .env("KANTATA_ACCESS_TOKEN", token)
        .envs(env.iter().copied())
        .env_remove("ALLOT_PROFILE")
        .env_remove("ALLOT_TODAY")
        .output()
        .unwrap()
}

/// The demo workspace served by `allot-sandbox` in `dialect`, on a runtime that keeps serving
/// while the binary under test runs.
pub fn sandbox(
    dialect: allot::sandbox::Dialect,
) -> (tokio::runtime::Runtime, allot::sandbox::Sandbox) {
    use allot::sandbox::{Sandbox, SandboxConfig};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let today = allot::domain::dates::parse_date("2026-11-23").unwrap();
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig::new(dialect, today)))
        .unwrap();
    (rt, sandbox)
}

/// Every date a test's allocations can have.
pub fn everything() -> allot::domain::DateRange {
    use allot::domain::dates::parse_date;
    allot::domain::DateRange::new(
        parse_date("2000-01-01").expect("a date"),
        parse_date("2099-12-31").expect("a date"),
    )
}

/// The allocations in the sandbox's own store, read past allot.
pub fn stored(
    rt: &tokio::runtime::Runtime,
    sandbox: &allot::sandbox::Sandbox,
) -> Vec<allot::domain::Allocation> {
    use allot::client::Backend;
    rt.block_on(sandbox.backend().allocations(everything()))
        .expect("the sandbox's store reads")
}

/// Polls `cond` until it holds, failing after a deadline.
pub fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !cond() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
