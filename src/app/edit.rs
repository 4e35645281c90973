//! Optimistic edits with undo and redo.
//!
//! An edit is a list of [`LocalChange`]s. It is applied to the screen at once, recorded in the
//! history with its inverse, and queued as a write. Writes go to the backend one at a time, in
//! order, each as one batch. A confirmed write teaches the app the ids and versions the
//! backend gave; a refused one rolls back itself and every write queued after it — screen and
//! history both — so the screen, the history and the store always agree. A remote backend may
//! refuse a write part-way ([`BackendError::Partial`]): what went through then stays, on screen
//! and in the history, the rest is rolled back, and what it touched is read again.

use super::command::Command;
use super::effect::Effect;
use super::keys::Mode;
use super::state::State;
use crate::client::{Applied, BackendError, Change, NewAllocation, NewResource, resource_version};
use crate::domain::{Allocation, Id, Resource, Workspace};
use std::collections::{HashMap, VecDeque};

/// Serializable so the journal can keep unsent changes across a restart.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum LocalChange {
    Create(Allocation),
    Update {
        from: Allocation,
        to: Allocation,
    },
    Delete(Allocation),
    /// `first` keeps the original's id; `second` is new.
    Split {
        original: Allocation,
        first: Allocation,
        second: Allocation,
    },
    /// A workspace resource (with a temporary id until the backend names it).
    CreateResource(Resource),
    UpdateResource {
        from: Resource,
        to: Resource,
    },
    DeleteResource(Resource),
}

impl LocalChange {
    fn inverse(&self) -> Vec<LocalChange> {
        match self {
            LocalChange::Create(a) => vec![LocalChange::Delete(a.clone())],
            LocalChange::Delete(a) => vec![LocalChange::Create(a.clone())],
            LocalChange::Update { from, to } => vec![LocalChange::Update {
                from: to.clone(),
                to: from.clone(),
            }],
            LocalChange::Split {
                original,
                first,
                second,
            } => vec![
                // The merge first: if the delete then fails, both halves are still there
                // (the second overlapping), never the first alone.
                LocalChange::Update {
                    from: first.clone(),
                    to: original.clone(),
                },
                LocalChange::Delete(second.clone()),
            ],
            LocalChange::CreateResource(r) => vec![LocalChange::DeleteResource(r.clone())],
            LocalChange::DeleteResource(r) => vec![LocalChange::CreateResource(r.clone())],
            LocalChange::UpdateResource { from, to } => {
                vec![LocalChange::UpdateResource {
                    from: to.clone(),
                    to: from.clone(),
                }]
            }
        }
    }

    fn allocations_mut(&mut self) -> Vec<&mut Allocation> {
        match self {
            LocalChange::Create(a) | LocalChange::Delete(a) => vec![a],
            LocalChange::Update { from, to } => vec![from, to],
            LocalChange::Split {
                original,
                first,
                second,
            } => vec![original, first, second],
            _ => vec![],
        }
    }

    fn resources_mut(&mut self) -> Vec<&mut Resource> {
        match self {
            LocalChange::CreateResource(r) | LocalChange::DeleteResource(r) => vec![r],
            LocalChange::UpdateResource { from, to } => vec![from, to],
            _ => vec![],
        }
    }

    /// The allocation this change is about, if it is about one (for messages).
    pub fn subject(&self) -> Option<&Allocation> {
        match self {
            LocalChange::Create(a) | LocalChange::Delete(a) => Some(a),
            LocalChange::Update { to, .. } => Some(to),
            LocalChange::Split { original, .. } => Some(original),
            _ => None,
        }
    }
}

/// The inverse of a list of changes: each inverted, in reverse order.
pub fn inverse_all(changes: &[LocalChange]) -> Vec<LocalChange> {
    changes
        .iter()
        .rev()
        .flat_map(LocalChange::inverse)
        .collect()
}

/// One step of the history.
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    pub label: String,
    pub forward: Vec<LocalChange>,
    pub backward: Vec<LocalChange>,
}

/// How a queued write moved the history, so a refusal can move it back.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// A new edit; it cleared these redoable edits.
    Do {
        cleared_redo: Vec<Edit>,
    },
    Undo,
    Redo,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Write {
    pub seq: u64,
    pub label: String,
    pub step: Step,
    /// What is left to send.
    pub changes: Vec<LocalChange>,
    /// The first changes of the edit, already on the backend: a batch that stopped part-way
    /// keeps them here while the rest waits (they are not sent again).
    pub sent: Vec<LocalChange>,
    /// The notice shown when it was made (its log number), and what replaces it once the
    /// backend has it: "Saved: …" is said only when it is true.
    pub said: (u64, String),
}

/// The history and the write queue.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Edits {
    pub undo: Vec<Edit>,
    pub redo: Vec<Edit>,
    pub queue: VecDeque<Write>,
    /// The write the backend is working on (always the queue's front).
    pub in_flight: Option<u64>,
    pub next_seq: u64,
    pub next_temp: u64,
    /// The version last known from the backend (confirmed by a write, or read by a load),
    /// looked up when a write is sent: an allocation deleted on screen or scrolled out of the
    /// window is no longer in the workspace to ask.
    pub versions: HashMap<Id, i64>,
    /// The same for workspace resources ([`resource_version`] of the resource last read or
    /// confirmed), so an undo names what the backend holds, not what the edit asked for.
    pub resource_versions: HashMap<Id, i64>,
    /// The backend could not be reached (or was too busy): the queue is kept as it is and sent
    /// again on the next tick.
    pub stalled: bool,
    /// Why the queue is not saved yet, in the backend's words (for the quit dialog and the
    /// journal); `None` while it is simply being sent.
    pub failure: Option<String>,
}

impl Edits {
    /// An id for an allocation the backend has not named yet.
    pub fn temp_id(&mut self) -> Id {
        self.next_temp += 1;
        Id::new(format!("new-{}", self.next_temp))
    }

    pub fn is_saving(&self) -> bool {
        !self.queue.is_empty()
    }
}

/// Applies changes to the workspace as the screen shows it. Versions stay those the backend last
/// confirmed, so a queued write always names the version the store has.
pub fn apply_local(ws: &mut Workspace, changes: &[LocalChange]) {
    let keep_version = |ws: &Workspace, a: &Allocation| {
        let mut a = a.clone();
        if let Some(old) = ws.allocations.get(&a.id) {
            a.version = old.version;
        }
        a
    };
    for c in changes {
        match c {
            LocalChange::Create(a) => ws.put_allocation(a.clone()),
            LocalChange::Update { to, .. } => {
                let a = keep_version(ws, to);
                ws.put_allocation(a);
            }
            LocalChange::Delete(a) => {
                ws.remove_allocation(&a.id);
            }
            LocalChange::Split { first, second, .. } => {
                let a = keep_version(ws, first);
                ws.put_allocation(a);
                ws.put_allocation(second.clone());
            }
            LocalChange::CreateResource(r) | LocalChange::UpdateResource { to: r, .. } => {
                ws.put_resource(r.clone())
            }
            LocalChange::DeleteResource(r) => {
                ws.remove_resource(&r.id);
            }
        }
    }
}

/// Records a new edit, shows it, and queues it.
pub fn commit(state: &mut State, label: String, forward: Vec<LocalChange>) -> Vec<Effect> {
    if forward.is_empty() {
        return Vec::new();
    }
    let backward = inverse_all(&forward);
    apply_local(&mut state.ws, &forward);
    let u = state.key(Mode::Global, Command::Undo);
    // On screen at once, beside "⟳ saving…"; "Saved" once the backend has it.
    state.done(format!(
        "{} ({u} undoes)",
        super::messages::capitalized(&label)
    ));
    let said = format!("Saved: {label} ({u} undoes)");
    let cleared_redo = std::mem::take(&mut state.edits.redo);
    state.edits.undo.push(Edit {
        label: label.clone(),
        forward: forward.clone(),
        backward,
    });
    enqueue(state, label, Step::Do { cleared_redo }, forward, said)
}

pub fn undo(state: &mut State) -> Vec<Effect> {
    let Some(edit) = state.edits.undo.pop() else {
        state.say("Nothing to undo");
        return Vec::new();
    };
    apply_local(&mut state.ws, &edit.backward);
    let (label, changes) = (format!("undo {}", edit.label), edit.backward.clone());
    state.done(format!("Undoing: {}", edit.label));
    let said = format!("Undid: {}", edit.label);
    state.edits.redo.push(edit);
    enqueue(state, label, Step::Undo, changes, said)
}

pub fn redo(state: &mut State) -> Vec<Effect> {
    let Some(edit) = state.edits.redo.pop() else {
        state.say("Nothing to redo");
        return Vec::new();
    };
    apply_local(&mut state.ws, &edit.forward);
    let (label, changes) = (format!("redo {}", edit.label), edit.forward.clone());
    state.done(format!("Redoing: {}", edit.label));
    let said = format!("Redid: {}", edit.label);
    state.edits.undo.push(edit);
    enqueue(state, label, Step::Redo, changes, said)
}

/// Queues an edit whose notice was just shown; `landed` replaces that notice once the backend
/// has the edit, unless something else has been said since.
fn enqueue(
    state: &mut State,
    label: String,
    step: Step,
    changes: Vec<LocalChange>,
    landed: String,
) -> Vec<Effect> {
    state.edits.next_seq += 1;
    let seq = state.edits.next_seq;
    state.edits.queue.push_back(Write {
        seq,
        label,
        step,
        changes,
        sent: Vec::new(),
        said: (state.notice_shown.seq, landed),
    });
    send_next(state)
}

/// The notice just shown speaks for every edit queued so far: once the last of them lands,
/// `text` replaces it (unless something else has been said since), as each edit's own notice
/// is replaced by "Saved: …".
pub fn say_when_saved(state: &mut State, text: String) {
    let seq = state.notice_shown.seq;
    if let Some(last) = state.edits.queue.back_mut() {
        last.said = (seq, text);
    }
}

/// Sends the front of the queue if nothing is in flight.
/// Sends the kept queue again after the backend was unavailable.
pub fn resume(state: &mut State) -> Vec<Effect> {
    if !state.edits.stalled {
        return Vec::new();
    }
    state.edits.stalled = false;
    send_next(state)
}

fn send_next(state: &mut State) -> Vec<Effect> {
    if state.edits.in_flight.is_some() {
        return Vec::new();
    }
    let Some(front) = state.edits.queue.front() else {
        return Vec::new();
    };
    let changes = front
        .changes
        .iter()
        .map(|c| to_backend(&state.ws, &state.edits, c))
        .collect();
    let effect = Effect::Apply {
        seq: front.seq,
        changes,
    };
    state.edits.in_flight = Some(front.seq);
    vec![state.start(effect)]
}

/// The version the backend last confirmed for `a` (what a stale check compares against).
pub(crate) fn version_of(ws: &Workspace, versions: &HashMap<Id, i64>, a: &Allocation) -> i64 {
    versions
        .get(&a.id)
        .copied()
        .or_else(|| ws.allocations.get(&a.id).map(|x| x.version))
        .unwrap_or(a.version)
}

fn to_backend(ws: &Workspace, edits: &Edits, c: &LocalChange) -> Change {
    let versions = &edits.versions;
    let resource_version_of = |r: &Resource| {
        edits
            .resource_versions
            .get(&r.id)
            .copied()
            .unwrap_or_else(|| resource_version(r))
    };
    match c {
        LocalChange::Create(a) => Change::Create(NewAllocation {
            resource_id: a.resource_id.clone(),
            range: a.range,
            amount: a.amount,
            hard: a.hard,
            notes: a.notes.clone(),
        }),
        LocalChange::Update { to, .. } => Change::Update(Allocation {
            version: version_of(ws, versions, to),
            ..to.clone()
        }),
        LocalChange::Delete(a) => Change::Delete {
            id: a.id.clone(),
            version: version_of(ws, versions, a),
        },
        LocalChange::Split {
            original, second, ..
        } => Change::Split {
            id: original.id.clone(),
            version: version_of(ws, versions, original),
            date: second.range.start,
        },
        LocalChange::CreateResource(r) => Change::CreateResource {
            temp_id: r.id.clone(),
            new: NewResource {
                project_id: r.project_id.clone().unwrap_or_else(|| Id::new("")),
                person_id: r.person_id.clone(),
                role: Some(r.role.clone()),
                label: Some(r.label.clone()),
            },
        },
        LocalChange::UpdateResource { from, to } => Change::UpdateResource {
            resource: to.clone(),
            version: resource_version_of(from),
        },
        LocalChange::DeleteResource(r) => Change::DeleteResource {
            id: r.id.clone(),
            version: resource_version_of(r),
        },
    }
}

/// The backend's answer to write `seq`.
pub fn applied(
    state: &mut State,
    seq: u64,
    result: Result<Vec<Applied>, BackendError>,
) -> Vec<Effect> {
    if let Some(i) = state
        .pending
        .iter()
        .position(|p| matches!(p, Effect::Apply { seq: s, .. } if *s == seq))
    {
        state.pending.remove(i);
    }
    if state.edits.in_flight != Some(seq) {
        return Vec::new();
    }
    state.edits.in_flight = None;
    let result = match result {
        Err(BackendError::Partial { done, cause }) => {
            keep_sent(state, done);
            Err(*cause)
        }
        other => other,
    };
    match result {
        Ok(results) => {
            state.edits.failure = None;
            let Some(write) = state.edits.queue.pop_front() else {
                return Vec::new();
            };
            for (change, result) in write.changes.iter().zip(results) {
                learn(state, change, result);
            }
            let (shown, landed) = write.said;
            if state.notice_shown.seq == shown && state.notice.is_some() {
                state.done(landed);
            }
        }
        // Nothing (more) reached the backend: keep every edit and try again shortly.
        Err(BackendError::Unavailable(why)) => {
            state.edits.stalled = true;
            state.edits.failure = Some(why.clone());
            let n = state.edits.queue.len();
            state.fail_held(
                why,
                format!(
                    "{} kept on screen and sent again in a few seconds.",
                    if n == 1 {
                        "the edit is".to_string()
                    } else {
                        format!("all {n} edits are")
                    }
                ),
            );
            return Vec::new();
        }
        Err(e) => {
            if matches!(e, BackendError::Unknown(_)) {
                // Kept in hand, marked unknown: once reloaded, what landed is told from what
                // did not (only the changes not known to have gone through are held).
                crate::app::offer::hold_unknown(state, &e.to_string());
            }
            let touched = rollback(state, e);
            return reload_touched(state, touched);
        }
    }
    send_next(state)
}

/// A batch stopped part-way: the changes that went through leave the front write for its
/// `sent`, teaching the app their ids and versions; the rest stays to be sent or taken back.
fn keep_sent(state: &mut State, done: Vec<Applied>) {
    let Some(front) = state.edits.queue.front_mut() else {
        return;
    };
    let k = done.len().min(front.changes.len());
    let rest = front.changes.split_off(k);
    let went = std::mem::replace(&mut front.changes, rest);
    front.sent.extend(went.iter().cloned());
    for (change, result) in went.iter().zip(done) {
        learn(state, change, result);
    }
}

/// What a refusal leaves to read again so the screen equals the backend.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Touched {
    allocations: bool,
    resources: bool,
}

fn reload_touched(state: &mut State, touched: Touched) -> Vec<Effect> {
    let mut effects = Vec::new();
    if touched.resources {
        effects.push(state.start(Effect::LoadRoster));
    }
    if touched.allocations || touched.resources {
        effects.push(state.start(Effect::LoadAllocations(state.window)));
    }
    effects
}

/// Takes the ids and versions the backend gave.
fn learn(state: &mut State, change: &LocalChange, result: Applied) {
    let confirm = |state: &mut State, a: &Allocation| {
        if let Some(x) = state.ws.allocation_mut(&a.id) {
            x.version = a.version;
            x.server_total_minutes = a.server_total_minutes;
        }
        state.edits.versions.insert(a.id.clone(), a.version);
    };
    match (change, result) {
        (LocalChange::Create(local), Applied::Created(real)) => {
            rename(state, &local.id, &real.id);
            confirm(state, &real);
        }
        (LocalChange::Split { second, .. }, Applied::Split(first, real_second)) => {
            rename(state, &second.id, &real_second.id);
            confirm(state, &first);
            confirm(state, &real_second);
        }
        (_, Applied::Updated(real)) => confirm(state, &real),
        (LocalChange::CreateResource(local), Applied::ResourceCreated { resource, .. }) => {
            rename_resource(state, &local.id, &resource.id);
            // The backend's label and role (e.g. a generated label) replace the guess.
            confirm_resource(state, resource);
        }
        (_, Applied::ResourceUpdated(resource)) => confirm_resource(state, resource),
        _ => {}
    }
}

fn confirm_resource(state: &mut State, resource: Resource) {
    state
        .edits
        .resource_versions
        .insert(resource.id.clone(), resource_version(&resource));
    state.ws.put_resource(resource);
}

/// Gives every mention of `old` the id the backend chose.
fn rename(state: &mut State, old: &Id, new: &Id) {
    if old == new {
        return;
    }
    if let Some(mut a) = state.ws.remove_allocation(old) {
        a.id = new.clone();
        state.ws.put_allocation(a);
    }
    for_each_allocation(state, |a| {
        if &a.id == old {
            a.id = new.clone();
        }
    });
    if let Some(v) = state.edits.versions.remove(old) {
        state.edits.versions.insert(new.clone(), v);
    }
    if state.marks.remove(old) {
        state.marks.insert(new.clone());
    }
    for bar in state
        .gantt
        .layout
        .lanes
        .iter_mut()
        .flat_map(|l| l.bars.iter_mut())
        .chain(state.gantt.bar.as_mut())
    {
        if bar == old {
            *bar = new.clone();
        }
    }
}

/// Every change in the history and the queue (renames reach them all).
fn for_each_change(state: &mut State, mut f: impl FnMut(&mut LocalChange)) {
    let edits = &mut state.edits;
    for e in edits.undo.iter_mut().chain(edits.redo.iter_mut()) {
        e.forward
            .iter_mut()
            .chain(e.backward.iter_mut())
            .for_each(&mut f);
    }
    for w in edits.queue.iter_mut() {
        w.changes
            .iter_mut()
            .chain(w.sent.iter_mut())
            .for_each(&mut f);
        if let Step::Do { cleared_redo } = &mut w.step {
            for e in cleared_redo {
                e.forward
                    .iter_mut()
                    .chain(e.backward.iter_mut())
                    .for_each(&mut f);
            }
        }
    }
}

fn for_each_allocation(state: &mut State, mut f: impl FnMut(&mut Allocation)) {
    for_each_change(state, |c| c.allocations_mut().into_iter().for_each(&mut f));
}

/// Gives every mention of resource `old` the id the backend chose.
fn rename_resource(state: &mut State, old: &Id, new: &Id) {
    if old == new {
        return;
    }
    state.ws.rename_resource(old, new);
    for_each_change(state, |c| {
        for r in c.resources_mut() {
            if &r.id == old {
                r.id = new.clone();
            }
        }
        for a in c.allocations_mut() {
            if &a.resource_id == old {
                a.resource_id = new.clone();
            }
        }
    });
    state.dirty.rows = true;
}

/// Undoes, on screen and in the history, the refused write and every write queued after it.
/// Of a write that went through part-way, only the rest is undone: what went through stays, on
/// screen and in the history, as the backend holds it. Says what is to be read again: nothing
/// when nothing was changed, else what the backend may hold that the screen does not.
fn rollback(state: &mut State, e: BackendError) -> Touched {
    let writes: Vec<Write> = state.edits.queue.drain(..).collect();
    let Some(first) = writes.first() else {
        return Touched::default();
    };
    let label = first.label.clone();
    let (sent, unsent) = (first.sent.clone(), first.changes.clone());
    let later = writes.len() - 1;
    let unknown = matches!(e, BackendError::Unknown(_));
    // What the backend may hold that the screen will not: what went through, and the change
    // whose answer was lost.
    let lost: &[LocalChange] = if unknown {
        &unsent[..unsent.len().min(1)]
    } else {
        &[]
    };
    let mut touched = Touched::default();
    for c in sent.iter().chain(lost) {
        match c {
            LocalChange::CreateResource(_)
            | LocalChange::UpdateResource { .. }
            | LocalChange::DeleteResource(_) => touched.resources = true,
            _ => touched.allocations = true,
        }
    }
    for w in writes.into_iter().rev() {
        apply_local(&mut state.ws, &inverse_all(&w.changes));
        take_back_history(state, w);
    }
    let also = match later {
        0 => String::new(),
        1 => " (the edit made after it was taken back too)".into(),
        n => format!(" (the {n} edits made after it were taken back too)"),
    };
    let what = if sent.is_empty() {
        match e {
            BackendError::Unknown(_) => {
                format!(
                    "could not confirm {label}. It may have been saved: reloading to see{also}."
                )
            }
            _ => format!("could not {label}. Nothing was changed{also}."),
        }
    } else {
        partial_message(state, &e, &label, &sent, &unsent, &also)
    };
    state.fail(&e, what);
    state
        .marks
        .retain(|id| state.ws.allocations.contains_key(id));
    touched
}

/// Moves the history back for a refused write: all of it when nothing went through; else the
/// history keeps exactly what went through, so undo and redo act on what the backend holds.
fn take_back_history(state: &mut State, w: Write) {
    let edits = &mut state.edits;
    if w.sent.is_empty() {
        match w.step {
            Step::Do { cleared_redo } => {
                edits.undo.pop();
                edits.redo = cleared_redo;
            }
            Step::Undo => {
                if let Some(edit) = edits.redo.pop() {
                    edits.undo.push(edit);
                }
            }
            Step::Redo => {
                if let Some(edit) = edits.undo.pop() {
                    edits.redo.push(edit);
                }
            }
        }
        return;
    }
    let went = |label: String| Edit {
        label,
        backward: inverse_all(&w.sent),
        forward: w.sent.clone(),
    };
    match w.step {
        // The edit (or its redo) is in the history as far as it went.
        Step::Do { .. } | Step::Redo => {
            if let Some(edit) = edits.undo.pop() {
                edits.undo.push(went(edit.label));
            }
        }
        // Part of an undo went through: what is left of it is still to undo.
        Step::Undo => {
            if let Some(edit) = edits.redo.pop() {
                edits.undo.push(Edit {
                    label: edit.label,
                    forward: inverse_all(&w.changes),
                    backward: w.changes,
                });
            }
        }
    }
}

/// "Changed in Kantata since it was read: 1 of 2 changes to 'hard ↔ soft' went through (Ana ·
/// Apollo 11-23 → 12-04); Ben · Apollo 11-30 → 12-11 was not changed. Reloading …": the
/// backend's words first, then exactly what went through and what did not.
fn partial_message(
    state: &State,
    e: &BackendError,
    label: &str,
    sent: &[LocalChange],
    unsent: &[LocalChange],
    also: &str,
) -> String {
    let list = |cs: &[LocalChange], before: bool| {
        cs.iter()
            .map(|c| brief(&state.ws, c, before))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let total = sent.len() + unsent.len();
    let went = format!(
        "{} of {total} changes to '{label}' went through ({})",
        sent.len(),
        list(sent, false)
    );
    let rest = match (e, unsent) {
        (BackendError::Unknown(_), [failed, others @ ..]) => {
            let mut s = format!(
                "whether {} was saved is not known",
                brief(&state.ws, failed, true)
            );
            if !others.is_empty() {
                s.push_str(&format!(
                    " and {} {} not changed",
                    list(others, true),
                    if others.len() == 1 { "was" } else { "were" }
                ));
            }
            s
        }
        _ => format!(
            "{} {} not changed",
            list(unsent, true),
            if unsent.len() == 1 { "was" } else { "were" }
        ),
    };
    format!(
        "{went}; {rest}{also}. Reloading to show what {} holds.",
        state.backend.name()
    )
}

/// "Ana Silva · Apollo 11-23 → 12-04": whose bar a change is about, where and when; `before`
/// describes it as it was, else as the change made it.
fn brief(ws: &Workspace, c: &LocalChange, before: bool) -> String {
    let a = match c {
        LocalChange::Create(a) | LocalChange::Delete(a) => a,
        LocalChange::Update { from, to } => {
            if before {
                from
            } else {
                to
            }
        }
        LocalChange::Split { original, .. } => original,
        LocalChange::CreateResource(r)
        | LocalChange::DeleteResource(r)
        | LocalChange::UpdateResource { to: r, .. } => {
            return format!(
                "resource {} · {}",
                ws.resource_name(r),
                ws.project_name(r.project_id.as_ref())
            );
        }
    };
    let resource = ws.resources.get(&a.resource_id);
    let who = resource.map_or_else(|| "?".to_string(), |r| ws.resource_name(r));
    let project = a
        .project_id
        .as_ref()
        .or(resource.and_then(|r| r.project_id.as_ref()));
    format!(
        "{who} · {} {} → {}",
        ws.project_name(project),
        a.range.start.format("%m-%d"),
        a.range.end.format("%m-%d")
    )
}
