//! The reducer's side of the journal (`crate::journal` holds the file): edits kept in hand (from the last session, or whose answer
//! was lost) offered back, and the quit dialog that never drops an edit silently. Pure.

use super::command::Command;
use super::keys::Mode;
use crate::app::edit;
use crate::app::effect::Effect;
use crate::app::state::{Overlay, State};
use crate::journal::kept::{self, Kept};
use std::collections::HashSet;

/// Edits kept in hand, offered back once the backend has answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    pub writes: Vec<Kept>,
    /// From an earlier run of allot (else from this one: a write whose answer was lost).
    pub from_last_session: bool,
    /// The backend's data was loaded since they were kept, so what landed can be told.
    pub ready: bool,
    /// Enter was pressed before that: they are sent once it is.
    pub send: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferChoice {
    /// Enter: check what landed, send the rest.
    Send,
    /// `d`: drop them for good.
    Discard,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuitChoice {
    /// `w`: stay, and quit by itself once everything is saved.
    Wait,
    /// Enter (or `q` again): quit now; the journal keeps them for the next start.
    Keep,
    /// `d`: quit and drop them.
    Discard,
    /// Esc: stay.
    Back,
}

/// Offers edits left over from the last session (the runtime read them from the journal).
pub fn offer_leftovers(state: &mut State, writes: Vec<Kept>) {
    if writes.is_empty() {
        return;
    }
    state.offer = Some(Offer {
        writes,
        from_last_session: true,
        ready: false,
        send: false,
    });
}

/// A write's answer was lost: before the rollback takes the queue back, keep it (and the writes
/// after it) in hand, the first marked unknown.
pub fn hold_unknown(state: &mut State, why: &str) {
    let held: Vec<Kept> = state
        .edits
        .queue
        .iter()
        .enumerate()
        .map(|(i, w)| Kept {
            label: w.label.clone(),
            changes: kept::stamped(state, &w.changes),
            at: None,
            reason: Some(why.to_string()),
            unknown: i == 0,
            alike_before: kept::baselines(&state.ws, &w.changes),
        })
        .collect();
    if held.is_empty() {
        return;
    }
    let offer = state.offer.get_or_insert(Offer {
        writes: Vec::new(),
        from_last_session: false,
        ready: false,
        send: false,
    });
    offer.writes.extend(held);
    offer.ready = false;
}

/// Unsaved edits: the queue, those kept in hand, and other writes still in flight.
pub fn unsaved(state: &State) -> usize {
    state.writes_in_flight() + state.offer.as_ref().map_or(0, |o| o.writes.len())
}

/// The labels of every unsaved edit, queue first (what discarding would drop).
pub fn unsaved_labels(state: &State) -> Vec<String> {
    let queued = state.edits.queue.iter().map(|w| w.label.clone());
    let held = state
        .offer
        .iter()
        .flat_map(|o| o.writes.iter().map(|k| k.label.clone()));
    queued.chain(held).collect()
}

/// Why they are not saved yet, in the backend's words.
pub fn reason(state: &State) -> String {
    state
        .edits
        .failure
        .clone()
        .or_else(|| {
            state
                .offer
                .as_ref()
                .and_then(|o| o.writes.iter().find_map(|k| k.reason.clone()))
        })
        .unwrap_or_else(|| "still being sent".into())
}

/// `q` (or Ctrl-c): quit at once when nothing is unsaved, else ask. In the dialog, `q` again
/// quits keeping them.
pub fn quit(state: &mut State) {
    if state.quit_dialog_open() {
        return choose_quit(state, QuitChoice::Keep);
    }
    // Edits only offered back are in the journal already, and their dialog says q keeps them.
    if state.writes_in_flight() == 0 {
        state.quit = true;
    } else {
        // Help closes; any other dialog waits under this one.
        let under = state
            .overlay
            .take()
            .filter(|o| !matches!(o, Overlay::Help { .. }))
            .map(Box::new);
        state.open(Overlay::Quit { under });
    }
}

pub fn choose_quit(state: &mut State, choice: QuitChoice) {
    if !state.quit_dialog_open() {
        return;
    }
    state.close_quit_dialog();
    match choice {
        QuitChoice::Wait => {
            state.quit_when_saved = true;
            state.say_held(format!(
                "Waiting for {} to be saved, then quitting ({} asks again)",
                count(state.writes_in_flight()),
                state.key(Mode::Global, Command::Quit)
            ));
        }
        QuitChoice::Keep => state.quit = true,
        QuitChoice::Discard => {
            state.edits.queue.clear();
            state.edits.in_flight = None;
            state.edits.stalled = false;
            state.offer = None;
            state.quit = true;
        }
        QuitChoice::Back => state.say("Not quitting: your edits stay queued"),
    }
}

/// "1 unsaved edit", "2 unsaved edits".
pub fn count(n: usize) -> String {
    if n == 1 {
        "1 unsaved edit".into()
    } else {
        format!("{n} unsaved edits")
    }
}

/// After a load: once the roster and the window are in, what was kept can be checked.
pub fn loaded(state: &mut State) -> Vec<Effect> {
    let waiting = state
        .pending
        .iter()
        .any(|e| matches!(e, Effect::LoadRoster | Effect::LoadAllocations(_)));
    let Some(offer) = state.offer.as_mut() else {
        return Vec::new();
    };
    if !state.loaded || waiting {
        return Vec::new();
    }
    offer.ready = true;
    if offer.send {
        return adopt(state);
    }
    Vec::new()
}

/// Kept edits wait for data that did not load: ask again (on the tick) until it does.
pub fn retry_load(state: &mut State) -> Option<Vec<Effect>> {
    let loading = state
        .pending
        .iter()
        .any(|e| matches!(e, Effect::LoadRoster | Effect::LoadAllocations(_)));
    if state.offer.as_ref()?.ready || loading {
        return None;
    }
    let mut effects = Vec::new();
    if !state.loaded {
        effects.push(state.start(Effect::LoadRoster));
    }
    effects.push(state.start(Effect::LoadAllocations(state.window)));
    Some(effects)
}

pub fn choose(state: &mut State, choice: OfferChoice) -> Vec<Effect> {
    let Some(offer) = state.offer.as_mut() else {
        return Vec::new();
    };
    match choice {
        OfferChoice::Discard => {
            let labels: Vec<String> = offer.writes.iter().map(|k| k.label.clone()).collect();
            state.offer = None;
            state.say(format!(
                "Discarded {}: {}",
                plural(labels.len()),
                labels.join(", ")
            ));
            Vec::new()
        }
        OfferChoice::Send if !offer.ready => {
            offer.send = true;
            state.say(format!(
                "They are sent once {} has answered",
                state.backend.name()
            ));
            Vec::new()
        }
        OfferChoice::Send => adopt(state),
    }
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 edit".into()
    } else {
        format!("{n} edits")
    }
}

/// Sends the kept edits again, each as a new edit (in the history, so u undoes it), against the
/// versions it was made against. One whose answer was lost is first checked against the data
/// just loaded: what already landed is not sent twice.
fn adopt(state: &mut State) -> Vec<Effect> {
    let Some(offer) = state.offer.take() else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    let (mut sent, mut landed) = (0, 0);
    let mut seen = HashSet::new();
    for k in offer.writes {
        let mut changes = Vec::new();
        for (i, c) in k.changes.into_iter().enumerate() {
            let before = k.alike_before.get(i).copied().unwrap_or(0);
            let done = k.unknown && kept::landed(&state.ws, state.window, &c, before);
            for a in kept::allocations(&c) {
                if seen.insert(a.id.clone()) {
                    // Landed: the backend's version now; else the one it was made against.
                    let version = match state.ws.allocations.get(&a.id) {
                        Some(x) if done => x.version,
                        _ => a.version,
                    };
                    state.edits.versions.insert(a.id.clone(), version);
                }
            }
            bump_temp(state, &c);
            if done {
                landed += 1;
            } else {
                changes.push(c);
            }
        }
        if !changes.is_empty() {
            sent += 1;
            effects.extend(edit::commit(state, k.label, changes));
        }
    }
    state.dirty.allocations = true;
    let from = if offer.from_last_session {
        " from your last session"
    } else {
        ""
    };
    state.say(match (sent, landed) {
        (0, _) => format!("The kept edits{from} had already been saved: nothing sent again"),
        (n, 0) => format!("Sending {}{from} again", plural(n)),
        (n, l) => format!(
            "Sending {}{from} again ({l} change(s) had already been saved)",
            plural(n)
        ),
    });
    if sent > 0 {
        edit::say_when_saved(state, format!("Saved: {}{from}", plural(sent)));
    }
    effects
}

/// Temporary ids kept from the last session must not be handed out again.
fn bump_temp(state: &mut State, c: &edit::LocalChange) {
    let ids = match c {
        edit::LocalChange::Create(a) => vec![a.id.as_str().to_string()],
        edit::LocalChange::Split { second, .. } => vec![second.id.as_str().to_string()],
        edit::LocalChange::CreateResource(r) => vec![r.id.as_str().to_string()],
        _ => vec![],
    };
    for id in ids {
        if let Some(n) = id.strip_prefix("new-").and_then(|n| n.parse::<u64>().ok()) {
            state.edits.next_temp = state.edits.next_temp.max(n);
        }
    }
}
