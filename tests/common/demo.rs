#![allow(dead_code)]

//! A State loaded from the demo workspace through the real SQLite backend and effect runner.

use allot::app::{Action, State, ThemeKind, update};
use allot::client::BackendKind;
use allot::client::local::{LocalBackend, demo};
use allot::domain::dates::parse_date;
use allot::runtime::execute_effect;
use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub const TODAY: &str = "2026-11-23";

pub fn today() -> NaiveDate {
    parse_date(TODAY).unwrap()
}

/// The demo workspace seeded into a temporary database, loaded as the app would load it.
pub fn demo_state(theme: ThemeKind) -> State {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::open(&dir.path().join("demo.db")).unwrap();
    backend.seed(&demo::demo(today())).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut state = State::new(today(), BackendKind::Local, "demo.db");
    state.theme = theme;
    let mut queue = update(&mut state, Action::Start);
    while let Some(effect) = queue.pop() {
        let action = rt.block_on(execute_effect(&backend, effect));
        queue.extend(update(&mut state, action));
    }
    assert!(
        state.pending.is_empty() && state.error.is_none(),
        "demo loads cleanly: {:?}",
        state.error
    );
    state
}

pub fn draw(state: &State, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| allot::ui::render(state, f)).unwrap();
    terminal
}

/// Sizes the state's viewport and applies actions, as the runtime would.
pub fn with(mut state: State, width: u16, height: u16, actions: &[Action]) -> State {
    update(&mut state, Action::Resize(width, height));
    for a in actions {
        update(&mut state, a.clone());
    }
    state
}
