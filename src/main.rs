use allot::app::{State, ThemeKind};
use allot::cli::{Cli, Command, DemoSize, ThemeArg};
use allot::client::local::{LocalBackend, demo};
use allot::client::{Backend, BackendKind};
use allot::domain::Id;
use allot::{headless, paths, runtime};
use chrono::NaiveDate;
use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Some(command) => run_headless(&cli, command),
        None => run_tui(&cli),
    }
}

/// `allot requests …`: no terminal setup, no panic hook that restores a terminal; data on stdout,
/// problems on stderr, logs in the log file as always.
fn run_headless(cli: &Cli, command: &Command) -> ExitCode {
    let _log = init_logging();
    let today = today(cli);
    let opened = match open_workspace(cli, today) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("allot: {msg}");
            return ExitCode::from(2);
        }
    };
    if let Some(notice) = &opened.notice {
        eprintln!("allot: {notice}");
    }
    let user = acting_user(cli);
    opened.backend.act_as(user.clone());
    let tokio = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("allot: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let ctx = headless::Context { today, user };
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    let exit = tokio.block_on(headless::run(
        &opened.backend,
        &ctx,
        command,
        &mut out,
        &mut err,
    ));
    drop(opened.temp);
    ExitCode::from(exit.code())
}

fn run_tui(cli: &Cli) -> ExitCode {
    if let Err(e) = runtime::install_hooks() {
        eprintln!("allot: {e}");
        return ExitCode::FAILURE;
    }
    let _log = init_logging();
    let today = today(cli);
    if cli.backend == allot::cli::BackendArg::Kantata {
        return run_kantata(cli, today);
    }
    let opened = match open_workspace(cli, today) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("allot: {msg}");
            return ExitCode::from(2);
        }
    };
    let mut state = State::new(today, BackendKind::Local, opened.path.display().to_string());
    state.theme = theme(cli);
    state.notice = opened.notice;
    let tokio = match planner_runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    if let Some(user) = acting_user(cli) {
        if let Err(msg) = tokio.block_on(headless::check_user(&opened.backend, &user)) {
            eprintln!("allot: {msg}");
            return ExitCode::from(2);
        }
        opened.backend.act_as(Some(user));
    }
    let backend: Arc<dyn Backend> = Arc::new(opened.backend);
    let result = tokio.block_on(runtime::run(backend, state));
    drop(opened.temp);
    exit_code(result)
}

/// The multi-threaded runtime the planner runs on.
fn planner_runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("allot: could not start the async runtime: {e}");
            ExitCode::FAILURE
        })
}

/// How the planner's run ends, as an exit status (the error reported after the terminal is back).
fn exit_code(result: color_eyre::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("allot: {e:?}");
            ExitCode::FAILURE
        }
    }
}

/// `--backend kantata`: the planner over Kantata OX (reads today; edits come with issue 7).
fn run_kantata(cli: &Cli, today: NaiveDate) -> ExitCode {
    let url = cli
        .url
        .clone()
        .unwrap_or_else(|| "https://api.mavenlink.com/api/v1".into());
    // The token is read from the environment and never printed or logged.
    let Some(token) = std::env::var("KANTATA_ACCESS_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
    else {
        eprintln!("allot: --backend kantata needs an API token in KANTATA_ACCESS_TOKEN");
        return ExitCode::from(2);
    };
    let backend = match allot::client::kantata::backend::KantataBackend::new(
        allot::client::kantata::http::HttpConfig::new(url.clone(), token),
    ) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("allot: {e}");
            return ExitCode::from(2);
        }
    };
    let mut state = State::new(today, BackendKind::Kantata, url);
    state.theme = theme(cli);
    let tokio = match planner_runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    exit_code(tokio.block_on(runtime::run(Arc::new(backend), state)))
}

fn today(cli: &Cli) -> NaiveDate {
    cli.today
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// `--user`: who allot acts as instead of the workspace's current user.
fn acting_user(cli: &Cli) -> Option<Id> {
    cli.user
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(Id::new)
}

fn theme(cli: &Cli) -> ThemeKind {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return ThemeKind::Mono;
    }
    match cli.theme {
        ThemeArg::Dark => ThemeKind::Dark,
        ThemeArg::Light => ThemeKind::Light,
    }
}

struct Opened {
    backend: LocalBackend,
    path: PathBuf,
    notice: Option<String>,
    /// Keeps a demo's temporary directory alive until allot exits.
    temp: Option<tempfile::TempDir>,
}

/// Opens (or creates and seeds) the embedded workspace; an error is one line naming the path.
fn open_workspace(cli: &Cli, today: NaiveDate) -> Result<Opened, String> {
    let (path, temp) = match (&cli.db, cli.demo) {
        (Some(p), _) => (p.clone(), None),
        (None, true) => {
            let dir = tempfile::Builder::new()
                .prefix("allot-demo-")
                .tempdir()
                .map_err(|e| format!("cannot create a temporary directory for the demo: {e}"))?;
            (dir.path().join("demo.db"), Some(dir))
        }
        (None, false) => {
            let p = paths::default_db();
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: cannot create directory: {e}", parent.display()))?;
            }
            (p, None)
        }
    };
    let fresh = is_missing_or_empty(&path);
    let backend = LocalBackend::open(&path).map_err(|e| e.to_string())?;
    let mut notice = None;
    let empty = backend
        .is_empty()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if empty && (cli.demo || fresh) {
        let data = match cli.demo_size {
            DemoSize::Small => demo::demo(today),
            DemoSize::Large => demo::synthetic(today, 2_000, 100_000),
        };
        backend
            .seed(&data)
            .map_err(|e| format!("{}: cannot write the demo workspace: {e}", path.display()))?;
        if !cli.demo {
            notice = Some(format!(
                "No workspace yet: created a demo workspace at {}",
                path.display()
            ));
        }
    }
    Ok(Opened {
        backend,
        path,
        notice,
        temp,
    })
}

fn is_missing_or_empty(path: &Path) -> bool {
    std::fs::metadata(path)
        .map(|m| m.len() == 0)
        .unwrap_or(true)
}

/// Logs go to a daily file under the data directory, never to the terminal. Without a writable
/// directory allot runs without logs rather than failing.
fn init_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = paths::log_dir();
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("allot")
        .filename_suffix("log")
        .max_log_files(7)
        .build(&dir)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("ALLOT_LOG").unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}
