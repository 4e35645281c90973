#![allow(dead_code)]

//! A State loaded from the demo workspace through the real SQLite backend and effect runner,
//! directly or over HTTP through the Kantata sandbox.

use allot::app::{Command, Effect, Input, Msg, State, ThemeKind, update};
use allot::client::kantata::backend::KantataBackend;
use allot::client::kantata::http::HttpConfig;
use allot::client::local::{LocalBackend, demo};
use allot::client::ruddr::{RuddrBackend, RuddrConfig};
use allot::client::{Backend, BackendKind, Change};
use allot::domain::dates::parse_date;
use allot::domain::{Allocation, DateRange, Id};
use allot::runtime::execute_effect;
use allot::sandbox::{Dialect, Sandbox, SandboxConfig};
use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use std::time::Duration;

pub const TODAY: &str = "2026-11-23";

pub fn today() -> NaiveDate {
    parse_date(TODAY).unwrap()
}

/// The demo workspace seeded into a temporary database, loaded as the app would load it.
pub fn demo_state(theme: ThemeKind) -> State {
    let mut app = DemoApp::new();
    app.state.theme = theme;
    app.state
}

/// The app's state wired to a real store: actions go through `update`, and every effect is run
/// against the backend until nothing is left, as the runtime would.
pub struct DemoApp {
    pub dir: tempfile::TempDir,
    /// The store: what is really saved.
    pub backend: LocalBackend,
    /// What the app talks to: the store itself, or a Kantata client of the sandbox over it.
    pub client: Arc<dyn Backend>,
    pub sandbox: Option<Sandbox>,
    pub state: State,
    pub rt: tokio::runtime::Runtime,
}

impl DemoApp {
    pub fn new() -> DemoApp {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::open(&dir.path().join("demo.db")).unwrap();
        backend.seed(&demo::demo(today())).unwrap();
        let app = DemoApp::started(dir, backend);
        assert!(
            app.state.error.is_none(),
            "demo loads cleanly: {:?}",
            app.state.error
        );
        app
    }

    /// An app on an existing store (a second process on the same file).
    pub fn with_backend(backend: LocalBackend) -> DemoApp {
        DemoApp::started(tempfile::tempdir().unwrap(), backend)
    }

    fn started(dir: tempfile::TempDir, backend: LocalBackend) -> DemoApp {
        let rt = runtime();
        let state = State::new(today(), BackendKind::Local, "demo.db");
        let mut app = DemoApp {
            dir,
            client: Arc::new(backend.clone()),
            backend,
            sandbox: None,
            state,
            rt,
        };
        app.act(Msg::Start);
        app
    }

    /// The demo workspace served by the Kantata sandbox, the app talking to it over HTTP.
    pub fn kantata() -> DemoApp {
        let rt = runtime();
        let sandbox = rt
            .block_on(Sandbox::start(SandboxConfig::new(
                Dialect::Kantata,
                today(),
            )))
            .unwrap();
        let mut client = KantataBackend::new(http_config(&sandbox)).unwrap();
        client.set_today(today());
        DemoApp::served(rt, sandbox, Arc::new(client), BackendKind::Kantata)
    }

    /// The demo workspace served by the Ruddr sandbox, the app talking to it over HTTP.
    pub fn ruddr() -> DemoApp {
        let rt = runtime();
        let sandbox = rt
            .block_on(Sandbox::start(SandboxConfig::new(Dialect::Ruddr, today())))
            .unwrap();
        let config = RuddrConfig {
            base_url: sandbox.url.clone(),
            per_second: 10_000,
            burst: 10_000,
            backoff: vec![Duration::from_millis(1); 10],
            timeout: Duration::from_secs(10),
            ..RuddrConfig::new(sandbox.token.clone(), today())
        };
        let client = Arc::new(RuddrBackend::new(config).unwrap());
        DemoApp::served(rt, sandbox, client, BackendKind::Ruddr)
    }

    /// The app on `client`, a client of `sandbox`, started and loaded.
    fn served(
        rt: tokio::runtime::Runtime,
        sandbox: Sandbox,
        client: Arc<dyn Backend>,
        kind: BackendKind,
    ) -> DemoApp {
        let state = State::new(today(), kind, sandbox.url.clone());
        let mut app = DemoApp {
            dir: tempfile::tempdir().unwrap(),
            backend: sandbox.backend().clone(),
            client,
            sandbox: Some(sandbox),
            state,
            rt,
        };
        app.act(Msg::Start);
        assert!(
            app.state.error.is_none(),
            "the sandbox loads cleanly: {:?}",
            app.state.error
        );
        app
    }

    pub fn sandbox(&self) -> &Sandbox {
        self.sandbox.as_ref().expect("a Kantata app")
    }

    pub fn act(&mut self, input: impl Into<Input>) {
        let effects = update(&mut self.state, input);
        self.run(effects);
    }

    /// Runs `effects` (from an `update` the test made itself) and every effect they lead to.
    pub fn run(&mut self, effects: Vec<Effect>) {
        let mut queue = effects;
        while !queue.is_empty() {
            let effect = queue.remove(0);
            let action = self
                .rt
                .block_on(execute_effect(self.client.as_ref(), effect));
            queue.extend(update(&mut self.state, action));
        }
        assert!(self.state.pending.is_empty());
    }

    pub fn stored(&self) -> Vec<Allocation> {
        let all = DateRange::new(
            parse_date("1900-01-01").unwrap(),
            parse_date("2999-12-31").unwrap(),
        );
        self.rt.block_on(self.backend.allocations(all)).unwrap()
    }
}

/// Opens the Gantt, expands people until the cursor is on a bar, marks it and the next bar
/// down: two bars for one batch.
pub fn two_marked(app: &mut DemoApp) -> (Id, Id) {
    app.act(Msg::Resize(120, 40));
    app.act(Command::ShowGantt);
    let first = loop {
        app.act(Command::MarkBar);
        app.act(Command::Down);
        if let Some(id) = app.state.selected_bar() {
            break id.clone();
        }
    };
    app.act(Command::MarkBar);
    loop {
        app.act(Command::Down);
        if let Some(id) = app.state.selected_bar()
            && *id != first
        {
            let id = id.clone();
            app.act(Command::MarkBar);
            return (first, id);
        }
    }
}

/// The changes of the one write `effects` send.
pub fn batch(effects: &[Effect]) -> Vec<Change> {
    match effects {
        [Effect::Apply { changes, .. }] => changes.clone(),
        other => panic!("one write expected: {other:?}"),
    }
}

/// Allocations in `window` as sorted content with ids, for comparing the screen with a server.
pub fn shown(allocs: impl IntoIterator<Item = Allocation>, window: DateRange) -> Vec<String> {
    let mut v: Vec<String> = allocs
        .into_iter()
        .filter(|a| a.range.overlaps(&window))
        .map(|a| {
            format!(
                "{}|{}|{:?}|{:?}|{}|{}",
                a.id, a.resource_id, a.range, a.amount, a.hard, a.notes
            )
        })
        .collect();
    v.sort();
    v
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The client's settings for a sandbox: quick retries so fault tests don't wait for seconds.
pub fn http_config(sandbox: &Sandbox) -> HttpConfig {
    let mut c = HttpConfig::new(sandbox.url.clone(), sandbox.token.clone());
    c.backoff = Duration::from_millis(5);
    c.max_backoff = Duration::from_millis(20);
    c.timeout = Duration::from_secs(10);
    c
}

/// A Kantata client of `sandbox`, its "recently resolved" counting back from the demo's day.
pub fn kantata_sandbox_client(sandbox: &Sandbox) -> KantataBackend {
    let mut client = KantataBackend::new(http_config(sandbox)).unwrap();
    client.set_today(today());
    client
}

/// The demo served by the Kantata sandbox, and a Kantata client of it whose "recently
/// resolved" counts back from the demo's day, not the clock's.
pub async fn kantata_sandbox() -> (Sandbox, KantataBackend) {
    let sb = Sandbox::start(SandboxConfig::new(Dialect::Kantata, today()))
        .await
        .unwrap();
    let mut client = KantataBackend::new(http_config(&sb)).unwrap();
    client.set_today(today());
    (sb, client)
}

pub fn draw(state: &State, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| allot::ui::render(state, f)).unwrap();
    terminal
}

/// Sizes the state's viewport and applies commands, as the runtime would.
pub fn with(mut state: State, width: u16, height: u16, commands: &[Command]) -> State {
    update(&mut state, Msg::Resize(width, height));
    for c in commands {
        update(&mut state, *c);
    }
    state
}

/// The workspace as the app loads it from `b`: roster, the first window's allocations, requests.
pub async fn loaded(b: &dyn Backend) -> allot::domain::Workspace {
    let window = allot::app::state::initial_window(today());
    let mut ws = allot::domain::Workspace::from_roster(b.roster().await.unwrap());
    ws.set_allocations(window, b.allocations(window).await.unwrap());
    ws.requests = b
        .requests()
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    ws
}
