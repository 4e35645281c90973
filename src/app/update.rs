//! The reducer: `update(&mut State, Input) -> Vec<Effect>`, an input being a user command, typed
//! text or a message. Pure: no IO, no clock, no terminal. Global commands and messages are
//! handled here; a view's commands by its own reducer (`resources`, `gantt`, `requests`), a
//! dialog's by `dialogs`. Handlers mark what they changed in `State::dirty`, and the derived
//! lists are rebuilt once, at the end ([`settle`]).

use super::command::Command;
use super::effect::Effect;
use super::keys::Mode;
use super::msg::{Input, Msg};
use super::state::{Overlay, State, View};
use super::{edit, gantt, request_form, requests, resources, scheduled};
use crate::domain::Workspace;
use crossterm::event::{KeyCode, KeyEvent};

pub fn update(state: &mut State, input: impl Into<Input>) -> Vec<Effect> {
    let effects = match input.into() {
        Input::Command(command) => match super::dialogs::command(state, command) {
            Some(effects) => effects,
            None => on_command(state, command),
        },
        Input::Text(c) => super::dialogs::edit(state, KeyEvent::from(KeyCode::Char(c))),
        Input::Edit(key) => super::dialogs::edit(state, key),
        Input::Msg(msg) => on_msg(state, msg),
    };
    settle(state);
    // Lanes follow the window (packed for what is on screen).
    gantt::settle(state);
    // What the Requests view draws is worked out here, once per change, never while drawing.
    requests::refresh(state);
    super::geometry::scroll_into_view(state);
    effects
}

/// A command for the views (a dialog took it first if one is open): the global ones here, the
/// rest by the reducer of the view shown.
fn on_command(state: &mut State, command: Command) -> Vec<Effect> {
    match command {
        Command::Refresh | Command::FullCheck if state.edits.is_saving() => {
            let r = state.keys.label(Mode::Global, command);
            state.say(format!(
                "Saving your edits first; press {r} again in a moment"
            ));
        }
        Command::Refresh => {
            state.clear_error();
            return super::replica::refresh(state);
        }
        Command::FullCheck => {
            state.clear_error();
            return super::replica::full_check(state);
        }
        Command::Quit => super::offer::quit(state),
        // With no dialog open (help and the log close themselves in `dialogs`).
        Command::ToggleHelp => state.open(Overlay::Help { scroll: 0 }),
        Command::ToggleLog => state.open(Overlay::Log { scroll: 0 }),
        Command::Back => {
            let took = match state.view {
                View::Resources => resources::back(state),
                View::Gantt => gantt::back(state),
                View::Requests => requests::back(state),
            };
            if !took {
                state.dismiss();
            }
        }
        Command::ShowResources => state.view = View::Resources,
        Command::ShowGantt => state.view = View::Gantt,
        Command::ShowRequests => state.view = View::Requests,
        Command::NextView => state.view = View::ALL[(state.view.index() + 1) % View::ALL.len()],
        Command::PrevView => {
            state.view = View::ALL[(state.view.index() + View::ALL.len() - 1) % View::ALL.len()]
        }
        Command::Up => move_selection(state, -1),
        Command::Down => move_selection(state, 1),
        Command::PageUp => move_selection(state, -(page(state) as i64)),
        Command::PageDown => move_selection(state, page(state) as i64),
        Command::HalfPageUp => move_selection(state, -((page(state) / 2).max(1) as i64)),
        Command::HalfPageDown => move_selection(state, (page(state) / 2).max(1) as i64),
        Command::Top => move_selection(state, i64::MIN / 2),
        Command::Bottom => move_selection(state, i64::MAX / 2),
        Command::NewRequest => {
            if state.backend.has_requests() {
                request_form::open(state);
            } else {
                let gantt = state.keys.label(Mode::Global, Command::ShowGantt);
                state.say(format!(
                    "{} has no staffing requests: staff projects in the Gantt ({gantt})",
                    state.backend.name()
                ));
            }
        }
        Command::AllocateFromScheduled => scheduled::open(state),
        Command::Undo if requests::can_undo(state) => return requests::undo(state),
        Command::Undo => {
            state.dirty.allocations = true;
            return edit::undo(state);
        }
        Command::Redo => {
            state.dirty.allocations = true;
            return edit::redo(state);
        }
        _ => {
            return match state.view {
                View::Resources => resources::command(state, command),
                View::Gantt => gantt::command(state, command),
                View::Requests => requests::command(state, command),
            };
        }
    }
    Vec::new()
}

/// Results of IO, time passing and the terminal's size.
fn on_msg(state: &mut State, msg: Msg) -> Vec<Effect> {
    if matches!(msg, Msg::Tick) {
        state.refreshed_since_tick = false;
    }
    match msg {
        Msg::Start => {
            state.clear_error();
            return reload(state);
        }
        Msg::JournalFailed(why) => state.fail(
            why,
            "edits are still sent, but not kept if allot stops before they are saved",
        ),
        Msg::Mouse(m) => return super::mouse::on_mouse(state, m),
        Msg::Resize(w, h) => {
            state.size = (w, h);
            return gantt::resized(state, w);
        }
        Msg::RequestCreated(result) => {
            let refused = result.is_err();
            requests::created(state, result);
            quit_if_saved(state, refused);
        }
        Msg::Resolved { id, result } => {
            let refused = result.is_err();
            requests::resolved(state, id, result, "resolve");
            quit_if_saved(state, refused);
        }
        Msg::ResolvedWith { id, result } => {
            let refused = result.is_err();
            requests::resolved_with(state, id, result);
            quit_if_saved(state, refused);
        }
        Msg::Reassigned { id, result } => {
            let refused = result.is_err();
            requests::resolved(state, id, result, "reassign");
            quit_if_saved(state, refused);
        }
        Msg::MadeFromScheduled(result) => {
            if let Some(i) = state
                .pending
                .iter()
                .position(|e| matches!(e, Effect::MakeFromScheduled { .. }))
            {
                state.pending.remove(i);
            }
            match result {
                Ok(()) => {
                    let u = state.key(Mode::Global, Command::Undo);
                    let d = state.key(Mode::Gantt, Command::DeleteAllocations);
                    state.done(format!(
                        "Allocated from scheduled hours. The backend made them, so {u} cannot undo this; {d} deletes one"
                    ));
                    return vec![state.start(Effect::LoadAllocations(state.window))];
                }
                Err(e) => state.fail(
                    e,
                    "could not allocate from scheduled hours. Nothing was changed.",
                ),
            }
        }
        Msg::Activity(what) => state.activity = what,
        Msg::ScheduledLoaded { window, result } => {
            finish(state, &Effect::LoadScheduled(window));
            match result {
                Ok(weeks) if window == state.window => scheduled::set(&mut state.ws, weeks),
                Ok(_) => {}
                // A backend without scheduled hours has none to show; `v` says why.
                Err(crate::client::BackendError::Unsupported(why)) => {
                    state.no_scheduled = Some(why)
                }
                Err(e) => state.fail(e, "could not load scheduled hours"),
            }
        }
        Msg::Applied { seq, result } => {
            let saved_after_stall = result.is_ok() && state.error_is_held();
            let refused = result.is_err();
            let effects = edit::applied(state, seq, result);
            settle_messages(state, saved_after_stall);
            state.dirty.allocations = true;
            quit_if_saved(state, refused);
            return effects;
        }
        Msg::Tick if state.edits.stalled => return edit::resume(state),
        Msg::Tick if state.offer.is_some() => {
            return super::offer::retry_load(state).unwrap_or_default();
        }
        Msg::Tick if state.replica.is_some() => return super::replica::retry(state),
        Msg::Tick => {
            state.quiet = true;
            if !state.edits.is_saving() && state.pending.is_empty() && state.form().is_none() {
                return vec![Effect::CheckChanges];
            }
        }
        Msg::ChangesChecked(result) => match result {
            Ok(Some(token)) if state.sync_token.is_some_and(|t| t != token) => {
                state.sync_token = Some(token);
                state.say("Changed elsewhere: reloaded");
                return reload(state);
            }
            Ok(token) => {
                state.sync_token = token;
                state.quiet = true;
            }
            Err(e) => {
                tracing::debug!("change check failed: {e}");
                state.quiet = true;
            }
        },
        Msg::ReplicaLoaded { cached, as_of } => super::replica::show(state, *cached, as_of),
        Msg::FullCheckAsked => {}
        Msg::RosterLoaded(result) => {
            finish(state, &Effect::LoadRoster);
            match result {
                Ok(roster) => {
                    state.edits.resource_versions = roster
                        .resources
                        .iter()
                        .map(|r| (r.id.clone(), crate::client::resource_version(r)))
                        .collect();
                    let allocations = std::mem::take(&mut state.ws.allocations);
                    let requests = std::mem::take(&mut state.ws.requests);
                    // Scheduled hours may have come first (the loads run at once).
                    let scheduled = std::mem::take(&mut state.ws.scheduled);
                    state.ws = Workspace::from_roster(roster);
                    state.ws.requests = requests;
                    state.ws.scheduled = scheduled;
                    state
                        .ws
                        .set_allocations(state.window, allocations.into_values().collect());
                    state.loaded = true;
                    state.dirty.rows = true;
                    // Requests may have come first, before we knew who "I" am.
                    state.dirty.queue = true;
                    super::replica::landed(state, super::replica::Part::Roster);
                    return super::offer::loaded(state);
                }
                Err(e) => state.fail(e, "could not load people"),
            }
        }
        Msg::AllocationsLoaded { window, result } => {
            finish(state, &Effect::LoadAllocations(window));
            // A window the user has scrolled away from since is dropped; a newer load is coming.
            // So is a load that raced a save: it may predate the save. Force a recheck.
            if state.edits.is_saving() {
                state.sync_token = Some(i64::MIN);
            } else if window == state.window {
                match result {
                    Ok(allocations) => {
                        // What was read is newer than any version confirmed before (and
                        // outlives the window, for edits in the history).
                        for a in &allocations {
                            state.edits.versions.insert(a.id.clone(), a.version);
                        }
                        state.ws.set_allocations(window, allocations);
                        state
                            .marks
                            .retain(|id| state.ws.allocations.contains_key(id));
                        state.dirty.resources = true;
                        state.dirty.gantt = true;
                        super::replica::landed(state, super::replica::Part::Allocations);
                        return super::offer::loaded(state);
                    }
                    Err(e) => state.fail(e, "could not load allocations"),
                }
            }
        }
        Msg::RequestsLoaded(result) => {
            finish(state, &Effect::LoadRequests);
            match result {
                Ok(requests) => {
                    state.ws.requests = requests.into_iter().map(|r| (r.id.clone(), r)).collect();
                    state.dirty.queue = true;
                }
                Err(e) => state.fail(e, "could not load requests"),
            }
        }
    }
    Vec::new()
}

/// After a write is answered: a save landing after the backend was unavailable ends that
/// error (and says so).
fn settle_messages(state: &mut State, saved_after_stall: bool) {
    if saved_after_stall {
        state.release();
        let left = state.edits.queue.len();
        state.done(if left == 0 {
            format!(
                "{} answered again: every edit kept on screen is saved",
                state.backend.name()
            )
        } else {
            format!(
                "{} answered again: saving the {left} edit(s) still waiting",
                state.backend.name()
            )
        });
    }
}

/// After a write is answered: quit if the user asked to and everything is saved. A refused
/// write stops the quit so its message can be read (an older message does not).
fn quit_if_saved(state: &mut State, refused: bool) {
    if state.writes_in_flight() == 0 {
        // Messages held while writes waited are no longer true.
        state.release();
    }
    // Asked to quit, and everything got saved while the dialog was open: quit as asked.
    if state.quit_dialog_open() && super::offer::unsaved(state) == 0 {
        state.close_quit_dialog();
        state.quit = !refused;
    }
    if state.quit_when_saved && state.writes_in_flight() == 0 {
        state.quit = !refused;
        state.quit_when_saved = false;
    }
}

/// Everything loaded again: people, the allocation window, requests, scheduled hours. The
/// change token is asked for first, with the loads, and taken as it comes back: a write by
/// someone else after that is seen by the next idle check (one just before it only reloads
/// once more).
pub(super) fn reload(state: &mut State) -> Vec<Effect> {
    state.sync_token = None;
    let effects = vec![
        Effect::LoadRoster,
        Effect::LoadAllocations(state.window),
        Effect::LoadRequests,
        Effect::LoadScheduled(state.window),
    ];
    state.pending.extend(effects.iter().cloned());
    std::iter::once(Effect::CheckChanges)
        .chain(effects)
        .collect()
}

fn finish(state: &mut State, effect: &Effect) {
    if let Some(i) = state.pending.iter().position(|p| p == effect) {
        state.pending.remove(i);
    }
}

fn page(state: &State) -> usize {
    super::geometry::view_rows(state, state.view)
}

/// Rebuilds the derived lists the input changed, each once (see `State::dirty`).
fn settle(state: &mut State) {
    let mut dirty = std::mem::take(&mut state.dirty);
    if dirty.allocations {
        // Creating, deleting or naming a resource (with its allocations) changes the rows.
        if state.rows.len() != crate::domain::rows::count(&state.ws) {
            dirty.rows = true;
        }
        // Expanded rows list bars; a load column sorts by them.
        dirty.gantt |= !state.gantt.expanded.is_empty();
        dirty.resources |= resources::sorted_by_load(state);
    }
    if dirty.rows {
        state.rows = crate::domain::rows::ordered(&state.ws);
        dirty.resources = true;
        dirty.gantt = true;
    }
    if dirty.resources {
        resources::refresh(state);
    }
    if dirty.gantt {
        gantt::rebuild(state);
    }
    if let Some(bar) = dirty.gantt_bar
        && let Some(i) = state
            .gantt
            .layout
            .lanes
            .iter()
            .position(|l| l.bars.contains(&bar))
    {
        state.gantt.selected = i;
        state.gantt.bar = Some(bar);
    }
    if dirty.queue {
        requests::rebuild_queue(state);
    }
}

pub(crate) fn move_selection(state: &mut State, by: i64) {
    let (selected, len) = match state.view {
        View::Resources => (&mut state.resources.selected, state.resources.lines.len()),
        View::Gantt => (&mut state.gantt.selected, state.gantt.rows.len()),
        View::Requests => (&mut state.requests.selected, state.queue.len()),
    };
    let max = len.saturating_sub(1) as i64;
    *selected = (*selected as i64).saturating_add(by).clamp(0, max) as usize;
}
