//! The replica shown at start (issue 17): the last state read from the remote workspace, put on
//! screen before any answer and marked with its age until the backend's own answers replace it.

use super::{Effect, State};
use crate::domain::Workspace;
use crate::replica::Cached;

/// The replica on screen: since when, and which of the backend's answers have replaced it.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// When it was saved, as the status bar says it ("14:02", "Nov 30 14:02").
    pub as_of: String,
    pub roster: bool,
    pub allocations: bool,
    /// Reloads asked for by the tick since the backend last did not answer.
    pub retries: u32,
    /// Ticks to wait before the next one.
    pub wait: u32,
}

/// The most ticks (3 s each) between two reloads while the backend does not answer.
const MOST_TICKS_BETWEEN: u32 = 20;

/// The parts a backend answer replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Roster,
    Allocations,
}

/// Puts the replica on screen, unless the backend answered first (then it is older than what
/// is shown). Nothing in flight is marked done: the loads under way still land over it, and
/// kept edits wait for them (`offer::loaded` checks `pending`).
pub fn show(state: &mut State, cached: Cached, as_of: String) {
    if state.loaded {
        return;
    }
    state.edits.resource_versions = cached
        .roster
        .resources
        .iter()
        .map(|r| (r.id.clone(), crate::client::resource_version(r)))
        .collect();
    state.ws = Workspace::from_roster(cached.roster);
    let window = state.window;
    let allocations: Vec<_> = cached
        .allocations
        .into_iter()
        .filter(|a| a.range.overlaps(&window))
        .collect();
    for a in &allocations {
        state.edits.versions.insert(a.id.clone(), a.version);
    }
    state.ws.set_allocations(window, allocations);
    if let Some(requests) = cached.requests {
        state.ws.requests = requests.into_iter().map(|r| (r.id.clone(), r)).collect();
    }
    state.loaded = true;
    state.replica = Some(Shown {
        as_of,
        roster: false,
        allocations: false,
        retries: 0,
        wait: 0,
    });
    state.dirty.rows = true;
    state.dirty.queue = true;
}

/// A tick while the replica is on screen: when the backend did not answer, ask again, after 1,
/// 2, 4 … ticks, at most a minute apart, so the screen becomes the backend's by itself when it
/// comes back. Nothing while a load is still under way.
pub fn retry(state: &mut State) -> Vec<Effect> {
    let asking = state.pending.iter().any(|e| {
        matches!(
            e,
            Effect::LoadRoster | Effect::LoadAllocations(_) | Effect::LoadRequests
        )
    });
    let Some(shown) = state.replica.as_mut() else {
        return Vec::new();
    };
    state.quiet = true;
    if asking {
        return Vec::new();
    }
    if shown.wait > 0 {
        shown.wait -= 1;
        return Vec::new();
    }
    shown.retries += 1;
    shown.wait = (1u32 << shown.retries.min(5)).min(MOST_TICKS_BETWEEN) - 1;
    tracing::info!(
        retry = shown.retries,
        "the backend did not answer: asking again"
    );
    super::update::reload(state)
}

/// `R`: a reload, read incrementally where the backend can; a second `R` before the next tick
/// (a few seconds) is `R R`, a full check.
pub fn refresh(state: &mut State) -> Vec<Effect> {
    if std::mem::replace(&mut state.refreshed_since_tick, true) {
        return full_check(state);
    }
    super::update::reload(state)
}

/// A reload that reads everything whole and repairs what the replica had wrong.
pub fn full_check(state: &mut State) -> Vec<Effect> {
    state.refreshed_since_tick = false;
    state.say("Full check: reading everything whole and comparing it with the replica");
    std::iter::once(Effect::FullCheck)
        .chain(super::update::reload(state))
        .collect()
}

/// A backend answer landed: once people and allocations both have, the screen is the
/// backend's and the replica's mark goes.
pub fn landed(state: &mut State, part: Part) {
    let Some(shown) = state.replica.as_mut() else {
        return;
    };
    match part {
        Part::Roster => shown.roster = true,
        Part::Allocations => shown.allocations = true,
    }
    if shown.roster && shown.allocations {
        state.replica = None;
    }
}

/// What the status bar says of it: its age, and whether the backend is being asked or did not
/// answer.
pub fn status(state: &State) -> Option<String> {
    let shown = state.replica.as_ref()?;
    let asking = state.pending.iter().any(|e| {
        matches!(
            e,
            super::Effect::LoadRoster | super::Effect::LoadAllocations(_)
        )
    });
    Some(if asking {
        format!("as of {} · refreshing…", shown.as_of)
    } else {
        format!("as of {} · not refreshed", shown.as_of)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Effect, Msg, update};
    use crate::client::BackendKind;
    use crate::client::local::demo::demo;
    use crate::domain::dates::parse_date;

    fn started() -> (State, Vec<Effect>, Cached) {
        let today = parse_date("2026-11-23").unwrap();
        let d = demo(today);
        let mut state = State::new(today, BackendKind::Kantata, "https://x");
        let effects = update(&mut state, Msg::Start);
        let cached = Cached {
            roster: d.roster,
            window: Some(state.window),
            allocations: d.allocations,
            requests: Some(d.requests),
            saved_at: chrono::Utc::now(),
        };
        (state, effects, cached)
    }

    fn shown(state: &mut State, cached: &Cached) -> Vec<Effect> {
        update(
            state,
            Msg::ReplicaLoaded {
                cached: Box::new(cached.clone()),
                as_of: "14:02".into(),
            },
        )
    }

    #[test]
    fn the_replica_fills_the_screen_and_leaves_the_loads_under_way() {
        let (mut state, started, cached) = started();
        assert!(started.contains(&Effect::LoadRoster));
        let pending = state.pending.clone();
        assert!(shown(&mut state, &cached).is_empty(), "no IO of its own");
        assert!(state.loaded);
        assert_eq!(
            state.rows.len(),
            state.ws.people.len()
                + state
                    .ws
                    .resources
                    .values()
                    .filter(|r| r.is_unnamed())
                    .count()
        );
        assert!(!state.ws.allocations.is_empty());
        assert!(
            state
                .ws
                .allocations
                .values()
                .all(|a| a.range.overlaps(&state.window)),
            "only the window on screen"
        );
        assert!(!state.queue.is_empty(), "the requests too");
        assert_eq!(state.pending, pending, "the backend is still being asked");
        assert_eq!(status(&state).as_deref(), Some("as of 14:02 · refreshing…"));
    }

    #[test]
    fn the_backends_answers_replace_it_and_its_mark_goes_when_both_landed() {
        let (mut state, _, cached) = started();
        shown(&mut state, &cached);
        let mut fresh = cached.roster.clone();
        fresh.people.retain(|p| p.name != "Aisha Rahman");
        update(&mut state, Msg::RosterLoaded(Ok(fresh)));
        assert!(
            !state.ws.people.values().any(|p| p.name == "Aisha Rahman"),
            "the backend's people, not the replica's"
        );
        assert!(state.replica.is_some(), "allocations still the replica's");
        let window = state.window;
        update(
            &mut state,
            Msg::AllocationsLoaded {
                window,
                result: Ok(vec![]),
            },
        );
        assert!(state.ws.allocations.is_empty(), "the backend's allocations");
        assert_eq!(state.replica, None);
        assert_eq!(status(&state), None);
    }

    #[test]
    fn a_backend_that_does_not_answer_leaves_the_replica_marked_not_refreshed() {
        let (mut state, _, cached) = started();
        shown(&mut state, &cached);
        update(
            &mut state,
            Msg::RosterLoaded(Err(crate::client::BackendError::Unavailable(
                "could not reach Kantata".into(),
            ))),
        );
        let window = state.window;
        update(
            &mut state,
            Msg::AllocationsLoaded {
                window,
                result: Err(crate::client::BackendError::Unavailable("no".into())),
            },
        );
        assert!(!state.ws.people.is_empty(), "still readable");
        assert_eq!(
            status(&state).as_deref(),
            Some("as of 14:02 · not refreshed")
        );
    }

    #[test]
    fn a_replica_read_after_the_backend_answered_is_not_shown() {
        let (mut state, _, cached) = started();
        let mut fresh = cached.roster.clone();
        fresh.name = "Fresh".into();
        update(&mut state, Msg::RosterLoaded(Ok(fresh)));
        shown(&mut state, &cached);
        assert_eq!(state.ws.name, "Fresh");
        assert_eq!(state.replica, None);
    }

    /// Every load a start asks for has answered (the backend's data on screen).
    fn settled(state: &mut State) {
        let window = state.window;
        update(
            &mut *state,
            Msg::RosterLoaded(Ok(crate::domain::Roster::default())),
        );
        update(
            &mut *state,
            Msg::AllocationsLoaded {
                window,
                result: Ok(vec![]),
            },
        );
        update(&mut *state, Msg::RequestsLoaded(Ok(vec![])));
        update(
            &mut *state,
            Msg::ScheduledLoaded {
                window,
                result: Ok(vec![]),
            },
        );
    }

    fn reload_of(state: &State) -> Vec<Effect> {
        vec![
            Effect::CheckChanges,
            Effect::LoadRoster,
            Effect::LoadAllocations(state.window),
            Effect::LoadRequests,
            Effect::LoadScheduled(state.window),
        ]
    }

    #[test]
    fn r_reloads_and_r_again_before_the_next_tick_is_a_full_check() {
        use crate::app::Command;
        let (mut state, _, _) = started();
        settled(&mut state);
        let plain = reload_of(&state);
        assert_eq!(update(&mut state, Command::Refresh), plain);
        settled(&mut state);
        let full: Vec<Effect> = std::iter::once(Effect::FullCheck)
            .chain(plain.clone())
            .collect();
        assert_eq!(update(&mut state, Command::Refresh), full, "R R");
        assert!(
            state
                .notice
                .as_deref()
                .is_some_and(|n| n.starts_with("Full check")),
            "{:?}",
            state.notice
        );
        settled(&mut state);
        // A third R right after is a plain reload again, and so is an R after a tick.
        assert_eq!(update(&mut state, Command::Refresh), plain);
        settled(&mut state);
        update(&mut state, Msg::Tick);
        assert_eq!(
            update(&mut state, Command::Refresh),
            plain,
            "a tick between"
        );
    }

    #[test]
    fn f_is_a_full_check_at_once() {
        use crate::app::Command;
        let (mut state, _, _) = started();
        settled(&mut state);
        let full: Vec<Effect> = std::iter::once(Effect::FullCheck)
            .chain(reload_of(&state))
            .collect();
        assert_eq!(update(&mut state, Command::FullCheck), full);
        assert_eq!(
            state
                .keys
                .label(crate::app::keys::Mode::Global, Command::FullCheck),
            "F"
        );
    }

    #[test]
    fn while_the_backend_does_not_answer_the_tick_asks_again_less_and_less_often() {
        let (mut state, _, cached) = started();
        shown(&mut state, &cached);
        fn unavailable<T>() -> crate::client::BackendResult<T> {
            Err(crate::client::BackendError::Unavailable("no".into()))
        }
        let fail_all = |state: &mut State| {
            let window = state.window;
            update(&mut *state, Msg::RosterLoaded(unavailable()));
            update(
                &mut *state,
                Msg::AllocationsLoaded {
                    window,
                    result: unavailable(),
                },
            );
            update(&mut *state, Msg::RequestsLoaded(unavailable()));
            update(
                &mut *state,
                Msg::ScheduledLoaded {
                    window,
                    result: unavailable(),
                },
            );
        };
        // Still asking: the tick waits for the answers.
        assert!(update(&mut state, Msg::Tick).is_empty());
        fail_all(&mut state);
        let mut asked_at = Vec::new();
        for tick in 0..40 {
            let effects = update(&mut state, Msg::Tick);
            if !effects.is_empty() {
                assert_eq!(effects, reload_of(&state));
                asked_at.push(tick);
                fail_all(&mut state);
            }
        }
        assert_eq!(asked_at, [0, 2, 6, 14, 30], "1, 2, 4, 8, 16 ticks apart");
        assert_eq!(
            status(&state).as_deref(),
            Some("as of 14:02 · not refreshed")
        );

        // It answers again: the screen is the backend's and the ticks stop asking.
        let mut ticks = 0;
        loop {
            let effects = update(&mut state, Msg::Tick);
            if !effects.is_empty() {
                assert_eq!(effects, reload_of(&state));
                break;
            }
            ticks += 1;
        }
        assert!(ticks <= 20, "at most a minute apart: {ticks}");
        settled(&mut state);
        assert_eq!(state.replica, None);
        assert_eq!(update(&mut state, Msg::Tick), vec![Effect::CheckChanges]);
    }
}
