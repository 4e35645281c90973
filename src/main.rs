use allot::app::{State, ThemeKind};
use allot::cli::{CacheCommand, Cli, Command, ConfigCommand, DemoSize, ThemeArg};
use allot::client::kantata::backend::KantataBackend;
use allot::client::kantata::http::HttpConfig;
use allot::client::local::{LocalBackend, demo};
use allot::client::ruddr::{RuddrBackend, RuddrConfig};
use allot::client::sanitize::{clean, clean_lines};
use allot::client::transport::redact_url;
use allot::client::{Backend, BackendKind};
use allot::config::{self, Asked, BackendChoice, Settings};
use allot::domain::dates::{FIRST_SUPPORTED, LAST_SUPPORTED, add_months};
use allot::domain::{DateRange, Id};
use allot::journal::{Journal, workspace_key};
use allot::replica::{Replica, Replicated};
use allot::{headless, paths, runtime};
use chrono::NaiveDate;
use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return flag_error(&e),
    };
    let tui = cli.command.is_none();
    if tui && let Err(e) = runtime::install_hooks() {
        say(&e.to_string());
        return ExitCode::FAILURE;
    }
    let _log = init_logging();
    let (settings, loaded) = match settings(&cli) {
        Ok(s) => s,
        Err(msg) => {
            say(&msg);
            return ExitCode::from(2);
        }
    };
    let warning = loaded.as_ref().and_then(|l| l.warning.clone());
    if let Some(w) = &warning {
        say(&format!("warning: {w}"));
    }
    match &cli.command {
        Some(Command::Config(ConfigCommand::Check)) => config_check(&cli, &settings, loaded),
        Some(Command::Cache(c)) => cache(&cli, &settings, c),
        Some(Command::Keys { json }) => {
            let keys = keymap(loaded.as_ref());
            let listing = if *json {
                allot::app::keys::listing::json(&keys) + "\n"
            } else {
                allot::app::keys::listing::text(&keys)
            };
            print!("{listing}");
            ExitCode::SUCCESS
        }
        Some(command) => run_headless(&cli, &settings, command),
        None => {
            let keys = keymap(loaded.as_ref());
            run_tui(&cli, &settings, warning, keys)
        }
    }
}

/// The key table in effect: the config file's rebinding (checked when it was read), else the
/// defaults.
fn keymap(loaded: Option<&config::Loaded>) -> std::sync::Arc<allot::app::keys::Keymap> {
    loaded
        .and_then(|l| l.file.keymap.clone())
        .unwrap_or_else(allot::app::keys::Keymap::defaults)
}

/// The config file (if any) and the settings flags, profile and environment give together.
fn settings(cli: &Cli) -> Result<(Settings, Option<config::Loaded>), String> {
    let path = cli.config.clone().unwrap_or_else(config::default_path);
    let loaded = config::load(&path)?;
    if cli.config.is_some() && loaded.is_none() {
        return Err(format!("{}: no such config file", path.display()));
    }
    let asked = Asked {
        profile: cli.profile.clone(),
        backend: cli.backend,
        url: cli.url.clone(),
        user: cli.user.clone(),
        db: cli.db.clone(),
    };
    let settings = config::resolve(&asked, loaded.as_ref(), &|k| std::env::var(k).ok())?;
    Ok((settings, loaded))
}

/// `allot requests …`: no terminal setup, no panic hook that restores a terminal; data on stdout,
/// problems on stderr, logs in the log file as always.
fn run_headless(cli: &Cli, settings: &Settings, command: &Command) -> ExitCode {
    let today = today(cli);
    let tokio = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            say(&format!("could not start the async runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let opened = match open(cli, settings, today, &tokio) {
        Ok(o) => o,
        Err(msg) => {
            say(&msg);
            return ExitCode::from(2);
        }
    };
    if let Some(notice) = &opened.notice {
        say(notice);
    }
    let ctx = headless::Context {
        today,
        user: opened.user.clone(),
        width: headless::width_for_stdout(),
    };
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    let exit = tokio.block_on(headless::run(
        opened.backend.as_ref(),
        &ctx,
        command,
        &mut out,
        &mut err,
    ));
    drop(opened.temp);
    ExitCode::from(exit.code())
}

fn run_tui(
    cli: &Cli,
    settings: &Settings,
    warning: Option<String>,
    keys: std::sync::Arc<allot::app::keys::Keymap>,
) -> ExitCode {
    let today = today(cli);
    let tokio = match planner_runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let opened = match open(cli, settings, today, &tokio) {
        Ok(o) => o,
        Err(msg) => {
            say(&msg);
            return ExitCode::from(2);
        }
    };
    let mut state = State::new(today, opened.kind, opened.label.clone());
    state.theme = theme(cli);
    state.keys = keys;
    state.mouse.capture = settings.mouse && !cli.no_mouse;
    if let Some(notice) = warning.or(opened.notice.clone()) {
        state.say(notice);
    }
    let journal = open_journal(&opened, &mut state);
    let (backend, cached) = with_replica(&opened, cli.full_check, state.window);
    let result = tokio.block_on(runtime::run(backend, state, journal, cached));
    // A write still in flight (a signal, keep on quit) is in the journal: do not wait for it.
    tokio.shutdown_timeout(std::time::Duration::from_millis(500));
    drop(opened.temp);
    exit_code(result)
}

/// The journal of unsent edits for this workspace, with what the last session left offered back.
/// A demo in a temporary directory has none (its workspace goes when allot exits). Without a
/// journal allot still runs, and says edits are not kept if it stops.
fn open_journal(opened: &Opened, state: &mut State) -> Option<Journal> {
    if opened.temp.is_some() {
        return None;
    }
    let key = key_of(opened);
    let opened = Journal::open(&paths::journal(), &key).and_then(|mut j| {
        let left = j.leftovers()?;
        Ok((j, left))
    });
    match opened {
        Ok((journal, left)) => {
            if !left.is_empty() {
                tracing::info!("journal: {} edit(s) left from the last session", left.len());
            }
            allot::app::offer::offer_leftovers(state, left);
            Some(journal)
        }
        Err(e) => {
            tracing::error!("{e}");
            state.fail(
                e,
                "edits are still sent, but not kept if allot stops before they are saved",
            );
            None
        }
    }
}

/// Which workspace this is, for the journal and the replica: backend, address, acting user.
fn key_of(opened: &Opened) -> String {
    let user = opened.user.as_ref();
    workspace_key(opened.kind.label(), &opened.label, user.map(|u| u.as_str()))
}

/// `allot cache status | clear`: the replicas in the data directory. Clearing with --profile
/// takes that profile's workspace only (the key `with_replica` uses: backend, address, user).
fn cache(cli: &Cli, settings: &Settings, command: &CacheCommand) -> ExitCode {
    let data = paths::data_dir();
    match command {
        CacheCommand::Status => {
            let all = allot::replica::store::list(&data);
            if all.is_empty() {
                println!("no replicas in {}", clean(&data.display().to_string()));
                return ExitCode::SUCCESS;
            }
            let now = chrono::Utc::now();
            for i in all {
                let age = i.saved_at.map_or_else(
                    || "never filled".to_string(),
                    |t| format!("saved {} ago", allot::replica::store::age(now - t)),
                );
                let checked = i.full_check.map_or_else(
                    || "no full check yet".to_string(),
                    |t| format!("full check {} ago", allot::replica::store::age(now - t)),
                );
                println!(
                    "{}  {:.1} MB  {} allocations  {age}  {checked}",
                    clean(&allot::replica::store::describe(&i.key)),
                    i.bytes as f64 / 1_000_000.0,
                    i.allocations,
                );
            }
            println!("in {}", clean(&data.display().to_string()));
            ExitCode::SUCCESS
        }
        CacheCommand::Clear => {
            let which = match (&cli.profile, settings.backend) {
                (None, _) => None,
                (Some(p), BackendChoice::Local) => {
                    say(&format!(
                        "profile '{p}' is the embedded workspace, which has no replica"
                    ));
                    return ExitCode::from(2);
                }
                (Some(_), backend) => {
                    let kind = match backend {
                        BackendChoice::Kantata => BackendKind::Kantata,
                        _ => BackendKind::Ruddr,
                    };
                    let label = redact_url(settings.url.as_deref().unwrap_or_default());
                    let user = acting_user(settings);
                    Some(workspace_key(kind.label(), &label, user.as_deref()))
                }
            };
            match allot::replica::store::clear(&data, which.as_deref()) {
                Ok(gone) if gone.is_empty() => {
                    println!("no replica to remove");
                    ExitCode::SUCCESS
                }
                Ok(gone) => {
                    for key in gone {
                        let key = allot::replica::store::describe(&key);
                        println!("removed the replica of {}", clean(&key));
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    say(&e);
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// A remote backend with its replica (issue 17), and what the replica held, to show before any
/// answer, its allocations those of the planner's first `window`. The embedded store needs none. A replica that cannot be opened or read is logged and
/// left out: allot then starts as it did without one.
fn with_replica(
    opened: &Opened,
    full_check: bool,
    window: allot::domain::DateRange,
) -> (Arc<dyn Backend>, Option<runtime::Shown>) {
    if opened.kind == BackendKind::Local {
        return (opened.backend.clone(), None);
    }
    let replica = match Replica::open(&paths::data_dir(), &key_of(opened)) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!("{e}");
            return (opened.backend.clone(), None);
        }
    };
    let backend = Replicated::new(opened.backend.clone(), replica);
    if full_check {
        backend.request_full_check();
    }
    let cached = match backend.cached(window) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("{e}; starting without it");
            None
        }
    };
    let shown = cached.map(|c| {
        let as_of = as_of(c.saved_at, chrono::Local::now());
        (c, as_of)
    });
    (Arc::new(backend), shown)
}

/// A replica's age as the status bar gives it: the time today, else the day and the time.
fn as_of(saved: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Local>) -> String {
    let saved = saved.with_timezone(&chrono::Local);
    if saved.date_naive() == now.date_naive() {
        saved.format("%H:%M").to_string()
    } else {
        saved.format("%b %-d %H:%M").to_string()
    }
}

/// `allot config check`: which file and profile apply, and whether the backend answers.
fn config_check(cli: &Cli, settings: &Settings, loaded: Option<config::Loaded>) -> ExitCode {
    let path = cli.config.clone().unwrap_or_else(config::default_path);
    match &loaded {
        Some(l) => println!(
            "config file: {} (loaded)",
            clean(&l.path.display().to_string())
        ),
        None => println!(
            "config file: {} (not there; using flags and the environment)",
            clean(&path.display().to_string())
        ),
    }
    println!(
        "profile:     {}",
        clean(settings.profile.as_deref().unwrap_or("(none)"))
    );
    println!("backend:     {}", settings.backend.label());
    if let Some(url) = settings
        .url
        .as_deref()
        .filter(|_| settings.backend != BackendChoice::Local)
    {
        println!("url:         {}", clean(&redact_url(url)));
    }
    if settings.backend != BackendChoice::Local {
        match (&settings.token, &settings.token_source) {
            (Some(t), Some(src)) => println!("token:       {t}, from {}", clean(src)),
            _ => println!("token:       none"),
        }
    }
    let tokio = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            say(&format!("could not start the async runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let opened = match open(cli, settings, today(cli), &tokio) {
        Ok(o) => o,
        Err(msg) => {
            println!("check:       FAILED: {}", clean(&msg));
            return ExitCode::FAILURE;
        }
    };
    let result = tokio.block_on(opened.backend.whoami());
    drop(opened.temp);
    match result {
        Ok(me) => {
            println!("check:       ok, signed in as {}", clean(&me.to_string()));
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("check:       FAILED: {}", clean(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

/// One line on stderr, cleaned: messages quote flags, config values, paths and server words.
fn say(msg: &str) {
    eprintln!("allot: {}", clean_lines(msg));
}

/// A flag the parser refused (or `--help`/`--version`), printed cleaned: it quotes what was typed.
fn flag_error(e: &clap::Error) -> ExitCode {
    let text = clean_lines(&e.render().to_string());
    if e.use_stderr() {
        eprint!("{text}");
    } else {
        print!("{text}");
    }
    ExitCode::from(e.exit_code().clamp(0, 255) as u8)
}

/// The multi-threaded runtime the planner runs on.
fn planner_runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            say(&format!("could not start the async runtime: {e}"));
            ExitCode::FAILURE
        })
}

/// How the planner's run ends, as an exit status (said after the terminal is back). After a
/// signal or the end of input, stderr may be gone: writing to it is tried, never required.
fn exit_code(result: color_eyre::Result<runtime::Outcome>) -> ExitCode {
    use std::io::Write;
    match result {
        Ok(outcome) => {
            let why = match &outcome.ended {
                runtime::Ended::Quit => None,
                runtime::Ended::EndOfInput => Some("the terminal's input ended".to_string()),
                runtime::Ended::Signal(name, _) => Some(format!("stopped by {name}")),
            };
            if !outcome.kept.is_empty() {
                let labels: Vec<String> = outcome.kept.iter().map(|l| clean(l)).collect();
                let _ = writeln!(
                    std::io::stderr(),
                    "allot: {}{}; kept for the next start: {}",
                    why.map(|w| format!("{w}: ")).unwrap_or_default(),
                    allot::app::offer::count(labels.len()),
                    labels.join("; ")
                );
            }
            ExitCode::from(outcome.code())
        }
        Err(e) => {
            eprintln!("allot: {}", clean_lines(&format!("{e:?}")));
            ExitCode::FAILURE
        }
    }
}

/// A backend ready to use, whichever kind.
struct Opened {
    backend: Arc<dyn Backend>,
    kind: BackendKind,
    /// Where it lives, for the status bar (a file path or a URL; never a token).
    label: String,
    notice: Option<String>,
    /// Keeps a demo's temporary directory alive until allot exits.
    temp: Option<tempfile::TempDir>,
    /// Who `--user` named (an id, email or name), as the id the backend acts as.
    user: Option<Id>,
}

/// Opens the backend the settings name; an error is one line saying what is wrong.
fn open(
    cli: &Cli,
    settings: &Settings,
    today: NaiveDate,
    tokio: &tokio::runtime::Runtime,
) -> Result<Opened, String> {
    let named = |backend: &dyn Backend| -> Result<Option<Id>, String> {
        acting_user(settings)
            .map(|typed| tokio.block_on(headless::people::resolve_user(backend, &typed)))
            .transpose()
    };
    match settings.backend {
        BackendChoice::Local => {
            let w = open_workspace(cli, settings, today)?;
            let user = named(&w.backend)?;
            w.backend.act_as(user.clone());
            Ok(Opened {
                user,
                label: clean(&w.path.display().to_string()),
                backend: Arc::new(w.backend),
                kind: BackendKind::Local,
                notice: w.notice,
                temp: w.temp,
            })
        }
        BackendChoice::Kantata => {
            let url = settings.url.clone().unwrap_or_default();
            let token = settings.require_token()?;
            let mut http = HttpConfig::new(url.clone(), token.clone());
            if let Some(n) = settings.concurrency {
                http.concurrency = n;
            }
            let mut backend = KantataBackend::new(http).map_err(|e| e.to_string())?;
            backend.set_today(today);
            let user = named(&backend)?;
            backend.act_as(user.clone());
            Ok(Opened {
                user,
                backend: Arc::new(backend),
                kind: BackendKind::Kantata,
                label: redact_url(&url),
                notice: None,
                temp: None,
            })
        }
        BackendChoice::Ruddr => {
            let url = settings.url.clone().unwrap_or_default();
            let token = settings.require_token()?;
            let mut config = RuddrConfig::new(token.clone(), today);
            config.base_url = url.clone();
            if let Some(n) = settings.concurrency {
                config.concurrency = n;
            }
            let mut backend = RuddrBackend::new(config).map_err(|e| e.to_string())?;
            let user = named(&backend)?;
            backend.act_as(user.clone());
            Ok(Opened {
                user,
                backend: Arc::new(backend),
                kind: BackendKind::Ruddr,
                label: redact_url(&url),
                notice: None,
                temp: None,
            })
        }
    }
}

fn today(cli: &Cli) -> NaiveDate {
    cli.today
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// `--user` (or the profile's `user`) as typed: who allot acts as instead of the workspace's
/// current user, by id, email or name (found in the roster when the backend opens).
fn acting_user(settings: &Settings) -> Option<String> {
    settings
        .user
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_string)
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

struct Workspace {
    backend: LocalBackend,
    path: PathBuf,
    notice: Option<String>,
    temp: Option<tempfile::TempDir>,
}

/// Opens (or creates and seeds) the embedded workspace; an error is one line naming the path.
fn open_workspace(cli: &Cli, settings: &Settings, today: NaiveDate) -> Result<Workspace, String> {
    let (path, temp) = match (&settings.db, cli.demo) {
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
        // The demo's records reach up to three years either side of today.
        let room = DateRange::new(
            add_months(FIRST_SUPPORTED, 36),
            add_months(LAST_SUPPORTED, -36),
        );
        if !room.contains(today) {
            return Err(format!(
                "the demo workspace spans three years either side of today: give --today from {} to {}",
                room.start, room.end
            ));
        }
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
                clean(&path.display().to_string())
            ));
        }
    }
    Ok(Workspace {
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
