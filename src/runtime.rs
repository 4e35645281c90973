//! Terminal setup and restore, the event loop, and effect execution.
//!
//! The loop `select!`s over terminal input and effect results; it never awaits IO inline, so the
//! user can move and quit while a load is in flight. It applies every input and result that is
//! ready before it draws, draws only after something changed and at most about 60 times a
//! second ([`Pacer`]), so a burst of keys over a slow link costs one frame, not one per key; and
//! it wraps each frame in synchronized output so slow links never show a half-drawn frame.

use crate::app::{Effect, Input, Msg, State, update};
use crate::client::Backend;
use crate::journal::Journal;
use crate::ui;
use color_eyre::eyre::Result;
use crossterm::event::{Event, EventStream};
use crossterm::terminal::{
    BeginSynchronizedUpdate, Clear, ClearType, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, Stdout};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Runs one effect against the backend and turns its result into a message.
pub async fn execute_effect(backend: &dyn Backend, effect: Effect) -> Msg {
    match effect {
        Effect::LoadRoster => Msg::RosterLoaded(backend.roster().await),
        Effect::LoadAllocations(window) => Msg::AllocationsLoaded {
            window,
            result: backend.allocations(window).await,
        },
        Effect::LoadRequests => Msg::RequestsLoaded(backend.requests().await),
        Effect::LoadScheduled(window) => Msg::ScheduledLoaded {
            window,
            result: backend.scheduled_hours(window).await,
        },
        Effect::Apply { seq, changes } => Msg::Applied {
            seq,
            result: backend.apply(changes).await,
        },
        Effect::CheckChanges => Msg::ChangesChecked(backend.change_token().await),
        Effect::FullCheck => {
            backend.request_full_check();
            Msg::FullCheckAsked
        }
        Effect::Resolve { id, how } => {
            let result = backend.resolve_request(id.clone(), how).await;
            Msg::Resolved { id, result }
        }
        Effect::CreateRequest(new) => Msg::RequestCreated(backend.create_request(new).await),
        Effect::MakeFromScheduled {
            resources,
            hard,
            when,
        } => Msg::MadeFromScheduled(
            backend
                .allocations_from_scheduled(resources, hard, when)
                .await,
        ),
        Effect::ResolveWith { id, bundle } => {
            let result = backend.resolve_with(id.clone(), bundle).await;
            Msg::ResolvedWith { id, result }
        }
        Effect::Reassign { id, approvers } => {
            let result = backend.update_approver(id.clone(), approvers).await;
            Msg::Reassigned { id, result }
        }
    }
}

/// Restores the terminal: raw mode off first, then the main screen and the cursor. Safe to call
/// more than once and from a panic hook.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    mouse_capture(false);
    let _ = execute!(io::stdout(), LeaveAlternateScreen, cursor::Show);
}

/// Mouse reporting on or off (SGR mode, as crossterm asks for it). Off is safe to send to a
/// terminal that never had it on, so every exit path sends it.
fn mouse_capture(on: bool) {
    use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
    let _ = if on {
        execute!(io::stdout(), EnableMouseCapture)
    } else {
        execute!(io::stdout(), DisableMouseCapture)
    };
}

/// A mouse event as the reducer takes it, stamped with the time since the start (the reducer
/// has no clock; double-clicks need one).
fn mouse_msg(event: crossterm::event::MouseEvent, started: Instant) -> Msg {
    Msg::Mouse(crate::app::mouse::Mouse {
        event,
        at_ms: started.elapsed().as_millis() as u64,
    })
}

/// Restores the terminal when dropped, on every exit path including `?` and panics that unwind.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Installs color-eyre's hooks so a panic first restores the terminal, then prints its report.
pub fn install_hooks() -> Result<()> {
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default().into_hooks();
    eyre_hook.install()?;
    let panic_hook = panic_hook.into_panic_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        tracing::error!("panic: {info}");
        panic_hook(info);
    }));
    Ok(())
}

/// How the planner's run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ended {
    /// The user quit.
    Quit,
    /// The terminal's input ended (the terminal went away).
    EndOfInput,
    /// A signal (SIGHUP: a dropped connection; SIGTERM; SIGINT), with the exit status it gives.
    Signal(&'static str, u8),
}

/// The end of a run and what was still unsaved then (kept in the journal for the next start).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub ended: Ended,
    pub kept: Vec<String>,
}

impl Outcome {
    /// The exit status: signals give 128 + their number; input ending with edits kept gives 1.
    pub fn code(&self) -> u8 {
        match &self.ended {
            Ended::Quit => 0,
            Ended::EndOfInput if self.kept.is_empty() => 0,
            Ended::EndOfInput => 1,
            Ended::Signal(_, code) => *code,
        }
    }
}

/// Makes the journal equal to what `state` holds unsaved. Called after every dispatch and
/// before the effects it returned are spawned, so an edit is on disk before it is on the wire.
pub fn sync_journal(journal: Option<&mut Journal>, state: &State) -> Option<String> {
    let journal = journal?;
    match journal.sync(state) {
        Ok(_) => None,
        Err(e) => {
            tracing::error!("journal: {e}");
            Some(e)
        }
    }
}

/// One dispatch: the reducer, then the journal, then the effects (handed to `spawn`), in that
/// order, so an edit is on disk before it is on the wire. Returns why the journal failed, if it
/// did (the effects are spawned anyway: the edit is still sent).
pub fn dispatch_journaled(
    state: &mut State,
    input: impl Into<Input>,
    journal: Option<&mut Journal>,
    mut spawn: impl FnMut(Effect),
) -> Option<String> {
    let effects = update(state, input);
    let failed = sync_journal(journal, state);
    for effect in effects {
        spawn(effect);
    }
    failed
}

/// Runs one effect on its own task; its result comes back through `tx`.
fn spawn_one(backend: &Arc<dyn Backend>, tx: &mpsc::UnboundedSender<Msg>, effect: Effect) {
    tracing::debug!(?effect, "effect");
    let (backend, tx) = (backend.clone(), tx.clone());
    tokio::spawn(async move {
        let _ = tx.send(execute_effect(backend.as_ref(), effect).await);
    });
}

/// Spawns what one dispatch asked for, concurrently, except that a change check (or a full
/// check, which the loads must see) asked for together with loads is answered first: the token it reads then predates the data, so a write
/// by another process in between is noticed at the next check instead of taken as seen.
fn spawn_batch(backend: &Arc<dyn Backend>, tx: &mpsc::UnboundedSender<Msg>, batch: Vec<Effect>) {
    let (checks, rest): (Vec<Effect>, Vec<Effect>) = batch
        .into_iter()
        .partition(|e| matches!(e, Effect::CheckChanges | Effect::FullCheck));
    if checks.is_empty() || rest.is_empty() {
        checks
            .into_iter()
            .chain(rest)
            .for_each(|e| spawn_one(backend, tx, e));
        return;
    }
    let (backend, tx) = (backend.clone(), tx.clone());
    tokio::spawn(async move {
        for check in checks {
            let _ = tx.send(execute_effect(backend.as_ref(), check).await);
        }
        rest.into_iter().for_each(|e| spawn_one(&backend, &tx, e));
    });
}

/// The terminal signals that end allot, as one future per wait. Without them (a platform
/// without Unix signals, or one that refused) the future never resolves.
struct Signals {
    #[cfg(unix)]
    streams: Vec<(tokio::signal::unix::Signal, &'static str, u8)>,
}

impl Signals {
    fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let kinds = [
                (SignalKind::hangup(), "SIGHUP", 129),
                (SignalKind::terminate(), "SIGTERM", 143),
                (SignalKind::interrupt(), "SIGINT", 130),
            ];
            let streams = kinds
                .into_iter()
                .filter_map(|(kind, name, code)| match signal(kind) {
                    Ok(s) => Some((s, name, code)),
                    Err(e) => {
                        tracing::warn!("cannot watch {name}: {e}");
                        None
                    }
                })
                .collect();
            Signals { streams }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    async fn next(&mut self) -> (&'static str, u8) {
        #[cfg(unix)]
        {
            let waits = self.streams.iter_mut().map(|(s, name, code)| {
                let (name, code) = (*name, *code);
                Box::pin(async move {
                    s.recv().await;
                    (name, code)
                })
            });
            let waits: Vec<_> = waits.collect();
            if waits.is_empty() {
                return std::future::pending().await;
            }
            futures::future::select_all(waits).await.0
        }
        #[cfg(not(unix))]
        std::future::pending().await
    }
}

/// A replica read at start and its age in words, shown before any answer (issue 17).
pub type Shown = (crate::replica::Cached, String);

pub async fn run(
    backend: Arc<dyn Backend>,
    mut state: State,
    mut journal: Option<Journal>,
    replica: Option<Shown>,
) -> Result<Outcome> {
    enable_raw_mode()?;
    let _guard = TerminalGuard;
    // Clear directly: ratatui's Terminal::clear asks the terminal for the cursor position,
    // which some terminals (and slow links) never answer.
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        cursor::Hide,
        Clear(ClearType::All)
    )?;
    mouse_capture(state.mouse.capture);
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    let started = Instant::now();

    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut events = EventStream::new();
    let mut signals = Signals::new();
    let size = terminal.size()?;
    // The journal failed once already: said once, not after every key.
    let mut journal_failed = false;
    let mut dispatch = |state: &mut State, input: Input| -> Option<String> {
        let mut batch = Vec::new();
        let failed = dispatch_journaled(state, input, journal.as_mut(), |e| batch.push(e));
        spawn_batch(&backend, &tx, batch);
        failed
    };
    let mut step = |state: &mut State, input: Input| {
        if let Some(why) = dispatch(state, input)
            && !std::mem::replace(&mut journal_failed, true)
        {
            dispatch(state, Msg::JournalFailed(why).into());
        }
    };
    step(&mut state, Msg::Resize(size.width, size.height).into());
    step(&mut state, Msg::Start.into());
    // The replica goes on screen before the loop first draws: the first frame has data.
    if let Some((cached, as_of)) = replica {
        step(
            &mut state,
            Msg::ReplicaLoaded {
                cached: Box::new(cached),
                as_of,
            }
            .into(),
        );
    }

    // Someone else may write to the same workspace: look for their changes every few seconds.
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Retries under way (429/503) are shown as they happen, not only when a call ends.
    let mut watch = tokio::time::interval(std::time::Duration::from_millis(250));
    watch.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut pacer = Pacer::default();
    pacer.changed();
    let ended = loop {
        // Draw once everything ready is applied, at most once a frame: over a slow link a
        // burst of keys costs one frame, not one per key.
        if pacer.draw_now(Instant::now()) {
            draw(&mut terminal, &state)?;
        }
        if state.quit {
            break Ended::Quit;
        }
        let wake = pacer.wake();
        // The first thing to happen is waited for; then everything else already there is
        // taken without waiting (`ready` below).
        let mut waiting = true;
        let stop = loop {
            let step_of = tokio::select! {
                biased;
                (name, code) = signals.next() => break Some(Ended::Signal(name, code)),
                event = events.next() => Wake::Event(event),
                Some(msg) = rx.recv() => Wake::Msg(msg),
                _ = tick.tick(), if waiting => Wake::Msg(Msg::Tick),
                _ = watch.tick(), if waiting => Wake::Watch,
                _ = frame_wait(wake), if waiting && wake.is_some() => break None,
                _ = std::future::ready(()), if !waiting => break None,
            };
            waiting = false;
            let input: Option<Input> = match step_of {
                Wake::Event(event) => match event {
                    Some(Ok(Event::Key(key))) => crate::app::keys::input_for(&state, key),
                    Some(Ok(Event::Resize(w, h))) => Some(Msg::Resize(w, h).into()),
                    Some(Ok(Event::Mouse(event))) => Some(mouse_msg(event, started).into()),
                    Some(Ok(_)) => None,
                    Some(Err(e)) => {
                        tracing::error!("terminal input failed: {e}");
                        log_kept(&state, "terminal input failed");
                        return Err(e.into());
                    }
                    None => break Some(Ended::EndOfInput),
                },
                Wake::Msg(msg) => Some(msg.into()),
                Wake::Watch => {
                    let now = backend.activity();
                    (now != state.activity).then_some(Msg::Activity(now).into())
                }
            };
            if let Some(input) = input {
                step(&mut state, input);
                // An input that changed nothing visible (a quiet check) does not redraw.
                if !std::mem::take(&mut state.quiet) {
                    pacer.changed();
                }
            }
            if state.quit {
                break None;
            }
        };
        if let Some(ended) = stop {
            break ended;
        }
    };
    let how = match &ended {
        Ended::Quit => "quit",
        Ended::EndOfInput => "the terminal's input ended",
        Ended::Signal(name, _) => name,
    };
    Ok(Outcome {
        kept: log_kept(&state, how),
        ended,
    })
}

/// What the loop waits for, taken one at a time (moved straight out of the match, never
/// stored: the size of the action does not matter).
#[allow(clippy::large_enum_variant)]
enum Wake {
    Event(Option<std::io::Result<Event>>),
    Msg(Msg),
    /// Time to look at the backend's retry activity.
    Watch,
}

/// The shortest time between two frames: about 60 a second.
pub const FRAME: Duration = Duration::from_millis(16);

/// When to draw: after something visible changed, and no sooner than [`FRAME`] after the last
/// frame, so changes arriving together (a burst of keys, a reply with them) share one frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pacer {
    dirty: bool,
    last: Option<Instant>,
}

impl Pacer {
    /// Something visible changed.
    pub fn changed(&mut self) {
        self.dirty = true;
    }

    /// Whether to draw at `now`; when it says yes, the frame counts as drawn.
    pub fn draw_now(&mut self, now: Instant) -> bool {
        let due = self.last.is_none_or(|t| now >= t + FRAME);
        if self.dirty && due {
            self.dirty = false;
            self.last = Some(now);
            return true;
        }
        false
    }

    /// When the loop must wake to draw what changed, if anything did.
    pub fn wake(&self) -> Option<Instant> {
        self.dirty.then(|| self.last.map(|t| t + FRAME)).flatten()
    }
}

/// Resolves at `at` (never, without one).
async fn frame_wait(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

/// Logs which edits the journal keeps for the next start (the journal is already written).
fn log_kept(state: &State, how: &str) -> Vec<String> {
    let kept = crate::app::offer::unsaved_labels(state);
    if kept.is_empty() {
        tracing::info!("stopping ({how}); nothing unsaved");
    } else {
        tracing::warn!(
            "stopping ({how}); {} kept in the journal for the next start: {}",
            crate::app::offer::count(kept.len()),
            kept.join("; ")
        );
    }
    kept
}

fn draw(terminal: &mut Terminal<CrosstermBackend<Stdout>>, state: &State) -> Result<()> {
    execute!(io::stdout(), BeginSynchronizedUpdate)?;
    let drawn = terminal.draw(|f| ui::render(state, f));
    execute!(io::stdout(), EndSynchronizedUpdate)?;
    drawn?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{BackendKind, BackendResult};
    use crate::domain::{Allocation, DateRange, Request, Roster};
    use async_trait::async_trait;
    use std::sync::Mutex;

    /// Records when each call starts and ends; the change check yields midway, so anything
    /// running beside it would start in between.
    #[derive(Default)]
    struct Order(Mutex<Vec<&'static str>>);

    impl Order {
        fn push(&self, what: &'static str) {
            self.0.lock().unwrap().push(what);
        }
    }

    #[async_trait]
    impl Backend for Order {
        fn kind(&self) -> BackendKind {
            BackendKind::Local
        }
        async fn roster(&self) -> BackendResult<Roster> {
            self.push("roster");
            Ok(Roster::default())
        }
        async fn allocations(&self, _: DateRange) -> BackendResult<Vec<Allocation>> {
            self.push("allocations");
            Ok(vec![])
        }
        async fn requests(&self) -> BackendResult<Vec<Request>> {
            Ok(vec![])
        }
        async fn change_token(&self) -> BackendResult<Option<i64>> {
            self.push("token asked");
            for _ in 0..10 {
                tokio::task::yield_now().await;
            }
            self.push("token read");
            Ok(Some(1))
        }
    }

    #[test]
    fn changes_within_a_frame_share_one_and_none_is_lost() {
        let t0 = Instant::now();
        let mut p = Pacer::default();
        assert!(!p.draw_now(t0), "nothing changed");
        p.changed();
        assert!(p.draw_now(t0));
        // Four keys within the frame: no frame until it has passed, then one for all four.
        for i in 1..=4 {
            p.changed();
            assert!(!p.draw_now(t0 + Duration::from_millis(i)));
        }
        assert_eq!(p.wake(), Some(t0 + FRAME));
        assert!(p.draw_now(t0 + FRAME));
        assert!(!p.draw_now(t0 + FRAME * 3), "drawn already");
        assert_eq!(p.wake(), None);
        // After a quiet spell a change is drawn at once.
        p.changed();
        assert!(p.draw_now(t0 + FRAME * 3));
    }

    #[tokio::test]
    async fn a_change_check_sent_with_loads_is_answered_before_the_loads_begin() {
        let order = Arc::new(Order::default());
        let backend: Arc<dyn Backend> = order.clone();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let window = crate::app::state::initial_window(
            crate::domain::dates::parse_date("2026-11-23").unwrap(),
        );
        spawn_batch(
            &backend,
            &tx,
            vec![
                Effect::CheckChanges,
                Effect::LoadRoster,
                Effect::LoadAllocations(window),
            ],
        );
        let first = rx.recv().await;
        assert!(
            matches!(first, Some(Msg::ChangesChecked(Ok(Some(1))))),
            "{first:?}"
        );
        for _ in 0..2 {
            rx.recv().await;
        }
        let seen = order.0.lock().unwrap().clone();
        assert_eq!(&seen[..2], ["token asked", "token read"], "{seen:?}");
        assert_eq!(seen.len(), 4, "{seen:?}");
    }
}
