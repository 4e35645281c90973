//! The request queue: filters, sort, the impact of a request on a person's load, candidates for
//! an unnamed resource, and resolving requests (approve, reject, cancel, reassign) one by one or
//! in bulk, each shown at once and rolled back alone if the backend refuses it.

use crate::app::command::Command;
use crate::app::effect::Effect;
use crate::app::keys::Mode;
use crate::app::state::{Confirm, OnYes, Overlay, State, View};
use crate::client::{BackendError, Resolution};
use crate::domain::candidates::{PlanItem, Planned, plan, planned_load, rank};
use crate::domain::impact::{approval_hardens, asked_minutes, impact_span};
use crate::domain::model::fmt_hours;
use crate::domain::{Allocation, Id, Request, RequestStatus, Resource, Workspace};
use crossterm::event::{KeyCode, KeyEvent};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::collections::{BTreeMap, BTreeSet};

mod approve;
mod impact;
mod pick;
mod ranked;
mod reason;
mod resolve;
mod split;
#[cfg(test)]
mod tests;

pub use approve::*;
pub use impact::*;
pub use pick::*;
pub use ranked::*;
pub use reason::*;
pub use resolve::*;
pub use split::*;

pub use crate::domain::model::StatusFilter;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RequestSort {
    /// Oldest first.
    #[default]
    Age,
    Start,
    Project,
    Percentage,
}

impl RequestSort {
    pub fn label(&self) -> &'static str {
        match self {
            RequestSort::Age => "oldest first",
            RequestSort::Start => "starting soonest",
            RequestSort::Project => "project",
            RequestSort::Percentage => "largest first",
        }
    }

    fn next(&self) -> RequestSort {
        match self {
            RequestSort::Age => RequestSort::Start,
            RequestSort::Start => RequestSort::Project,
            RequestSort::Project => RequestSort::Percentage,
            RequestSort::Percentage => RequestSort::Age,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct RequestsView {
    pub selected: usize,
    /// The first row shown (`geometry::scroll_into_view` moves it).
    pub offset: usize,
    /// Only requests where I am an approver (the default) or all I can see.
    pub all: bool,
    pub status: StatusFilter,
    pub sort: RequestSort,
    pub marks: BTreeSet<Id>,
    /// The backend's words for requests whose last action failed.
    pub failures: BTreeMap<Id, String>,
    /// The reason being typed before a reject, if `r` asked for one.
    pub reason: Option<ReasonInput>,
    /// Resolutions `u` can take back (the embedded store only), latest last.
    pub undo: Vec<Undoable>,
    /// The requests of the last resolution sent, to report per item when all have answered.
    pub batch: Batch,
    /// Enter: the selected request's detail fills the view.
    pub detail: bool,
    /// The ranking and row facts the view draws, worked out in the reducer ([`refresh`]).
    pub worked: Worked,
    /// Splits (and their undos) sent and not answered yet, by request.
    pub sent: BTreeMap<Id, SplitSent>,
    /// `/`: the queue narrowed to requests whose project, resource, role, requester, notes or
    /// number match (`row_filter::fuzzy_any`).
    pub find: crate::app::jump::Find,
}

/// Picking a person: to staff an unnamed resource on approval, or as a new approver.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonPick {
    pub purpose: PickPurpose,
    pub query: crate::app::line::LineInput,
    /// People in rank order (candidates by free capacity; approvers by name), filtered by query.
    pub options: Vec<Id>,
    ranked: Vec<Id>,
    pub highlight: usize,
    /// Why each candidate ranks where they do (approving only), as ranked on the workspace of
    /// `generation`; [`refresh`] re-ranks when it changes, keeping the order on screen.
    facts: Vec<crate::domain::candidates::Candidate>,
    generation: u64,
}

impl PersonPick {
    /// The ranking facts for `person` (approving only).
    pub fn facts(&self, person: &Id) -> Option<&crate::domain::candidates::Candidate> {
        self.facts.iter().find(|c| &c.person == person)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum PickPurpose {
    /// Approving `request`; `rest` still to decide; `decided` so far; allocations soft if `soft`.
    Approve {
        request: Id,
        rest: Vec<Id>,
        decided: Vec<(Id, Option<Id>)>,
        soft: bool,
    },
    Reassign {
        request: Id,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickInput {
    /// A line-editor key for the search text (or the reason).
    Edit(crossterm::event::KeyEvent),
    Up,
    Down,
    /// Tab: hard ↔ soft when approving.
    ToggleSoft,
    Choose,
    Cancel,
}

/// Rebuilds the visible queue from filters and sort, keeping the selection on the same request.
pub fn rebuild_queue(state: &mut State) {
    let keep = state.queue.get(state.requests.selected).cloned();
    let me = state.ws.current_user.clone();
    let view = &state.requests;
    let ws = &state.ws;
    let mut rows: Vec<&Request> = ws
        .requests
        .values()
        .filter(|r| view.status.admits(r.status))
        .filter(|r| view.all || me.as_ref().is_none_or(|me| r.approver_ids.contains(me)))
        .collect();
    crate::app::row_filter::fuzzy_any(view.find.filter.value(), &mut rows, |r| {
        filter_fields(ws, r)
    });
    rows.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    match view.sort {
        RequestSort::Age => {}
        // Requests with no dates at all (nothing to harden, no period) come last.
        RequestSort::Start => rows.sort_by_cached_key(|r| {
            let span = impact_span(ws, r);
            (span.is_none(), span.map(|s| s.start))
        }),
        RequestSort::Project => rows.sort_by_cached_key(|r| project_of(ws, r).to_lowercase()),
        // Kantata's requests state no share; they come after those that do.
        RequestSort::Percentage => rows.sort_by_key(|r| std::cmp::Reverse(r.percentage)),
    }
    state.queue = rows.into_iter().map(|r| r.id.clone()).collect();
    state.requests.selected = keep
        .and_then(|k| state.queue.iter().position(|q| *q == k))
        .unwrap_or(state.requests.selected)
        .min(state.queue.len().saturating_sub(1));
}

/// What `/` in the Requests view matches: what the list shows of a request, and its notes.
fn filter_fields(ws: &Workspace, r: &Request) -> Vec<String> {
    let mut fields = vec![
        r.id.to_string(),
        format!("#{}", r.id),
        project_of(ws, r).to_string(),
        ws.person_name(&r.creator_id).to_string(),
        r.notes.clone(),
    ];
    if let Some(res) = ws.resources.get(&r.resource_id) {
        fields.push(ws.resource_name(res));
        fields.push(res.role.clone());
    }
    fields
}

pub fn project_of<'a>(ws: &'a Workspace, r: &Request) -> &'a str {
    ws.project_name(
        ws.resources
            .get(&r.resource_id)
            .and_then(|x| x.project_id.as_ref()),
    )
}

/// Space: marks (or unmarks) the selected request and moves to the next, so Space Space Space
/// marks three.
pub fn toggle_mark(state: &mut State) {
    if let Some(id) = state.queue.get(state.requests.selected).cloned() {
        if !state.requests.marks.remove(&id) {
            state.requests.marks.insert(id);
        }
        state.requests.selected =
            (state.requests.selected + 1).min(state.queue.len().saturating_sub(1));
        let k = |c| state.key(Mode::Requests, c);
        let said = format!(
            "{} marked: {} approves ({} with top candidates), {} rejects them all; {} clears",
            state.requests.marks.len(),
            k(Command::Approve),
            k(Command::ApproveTop),
            k(Command::Reject),
            k(Command::Back)
        );
        state.say(said);
    }
}

/// Enter: the selected request's detail fills the view (Enter or Esc again: the queue).
pub fn toggle_detail(state: &mut State) {
    state.requests.detail = !state.requests.detail && !state.queue.is_empty();
}

pub fn cycle_status(state: &mut State) {
    state.requests.status = state.requests.status.next();
    rebuild_queue(state);
}

pub fn cycle_sort(state: &mut State) {
    state.requests.sort = state.requests.sort.next();
    rebuild_queue(state);
}

pub fn toggle_mine(state: &mut State) {
    state.requests.all = !state.requests.all;
    rebuild_queue(state);
}

pub fn is_requests(state: &State) -> bool {
    state.view == View::Requests
}

/// A command of the Requests view.
pub fn command(state: &mut State, command: Command) -> Vec<Effect> {
    match command {
        Command::Approve => start_approve(state),
        Command::ApproveTop => start_approve_top(state),
        Command::ApproveSplit => start_split(state),
        Command::OpenRequest => toggle_detail(state),
        Command::Reject => start_reject_or_cancel(state, false),
        Command::CancelRequest => start_reject_or_cancel(state, true),
        Command::Reassign => start_reassign(state),
        Command::MarkRequest => toggle_mark(state),
        Command::ToggleMine => toggle_mine(state),
        Command::NextStatus => cycle_status(state),
        Command::SortRequests => cycle_sort(state),
        Command::FilterStart => state.requests.find.start(),
        Command::FilterDone => state.requests.find.editing = false,
        Command::Backspace if state.requests.find.editing => {
            crate::app::jump::edit(state, KeyEvent::from(KeyCode::Backspace));
        }
        _ => {}
    }
    Vec::new()
}

/// Esc, before the global meaning: the detail closes, then marks are cleared. `false` if it
/// took nothing.
pub fn back(state: &mut State) -> bool {
    if state.requests.detail {
        state.requests.detail = false;
    } else if !state.requests.marks.is_empty() {
        state.requests.marks.clear();
        state.say("Marks cleared");
    } else if state.requests.find.editing || !state.requests.find.filter.is_empty() {
        state.requests.find = Default::default();
        rebuild_queue(state);
    } else {
        return crate::app::bar_edits::clear_marks(state);
    }
    true
}
