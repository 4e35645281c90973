//! Everything the screen shows, and nothing the screen does not need.

use super::edit::Edits;
use super::effect::Effect;
use super::form::AllocForm;
use super::gantt::{GanttRow, Grouping};
use crate::client::BackendKind;
use crate::domain::dates::{add_days, add_months, week_start};
use crate::domain::{DateRange, Id, RowKey, Workspace, Zoom};
use chrono::NaiveDate;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Resources,
    Gantt,
    Requests,
}

impl View {
    pub const ALL: [View; 3] = [View::Resources, View::Gantt, View::Requests];

    pub fn title(&self) -> &'static str {
        match self {
            View::Resources => "Resources",
            View::Gantt => "Gantt",
            View::Requests => "Requests",
        }
    }

    pub fn index(&self) -> usize {
        View::ALL.iter().position(|v| v == self).unwrap_or(0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ThemeKind {
    #[default]
    Dark,
    Light,
    /// NO_COLOR: state is carried by glyphs and modifiers only.
    Mono,
}

/// The Resources view's sort columns, in the order `s` cycles through them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    Name,
    Role,
    Project,
    Capacity,
    ThisWeek,
    NextWeeks,
    Utilization,
}

impl SortBy {
    pub const ALL: [SortBy; 7] = [
        SortBy::Name,
        SortBy::Role,
        SortBy::Project,
        SortBy::Capacity,
        SortBy::ThisWeek,
        SortBy::NextWeeks,
        SortBy::Utilization,
    ];

    pub fn label(&self) -> &'static str {
        match self {
            SortBy::Name => "name",
            SortBy::Role => "role",
            SortBy::Project => "project",
            SortBy::Capacity => "capacity",
            SortBy::ThisWeek => "this week",
            SortBy::NextWeeks => "next 4 weeks",
            SortBy::Utilization => "utilization",
        }
    }

    pub fn next(&self) -> SortBy {
        SortBy::ALL
            [(SortBy::ALL.iter().position(|s| s == self).unwrap_or(0) + 1) % SortBy::ALL.len()]
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourcesView {
    /// Index into `visible`.
    pub selected: usize,
    pub filter: crate::app::line::LineInput,
    /// Typing goes into the filter.
    pub editing: bool,
    pub sort: SortBy,
    pub descending: bool,
    pub show_unnamed: bool,
    /// `U` cycles: everyone, named only, unnamed only.
    pub only_unnamed: bool,
    /// The top-level rows shown: filtered and sorted from `State::rows`.
    pub visible: Vec<RowKey>,
    /// People whose workspace resources are listed under them.
    pub expanded: BTreeSet<Id>,
    /// What is drawn, in order: `visible` with expanded people's resources under them.
    /// `selected` indexes this.
    pub lines: Vec<ListRow>,
    /// People marked (Space) to add to a project together.
    pub marks: BTreeSet<Id>,
}

/// One line of the Resources view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListRow {
    Row(RowKey),
    /// A workspace resource a person holds, listed under them.
    Held(Id),
}

impl Default for ResourcesView {
    fn default() -> Self {
        ResourcesView {
            selected: 0,
            filter: Default::default(),
            editing: false,
            sort: SortBy::Name,
            descending: false,
            show_unnamed: true,
            only_unnamed: false,
            visible: Vec::new(),
            expanded: BTreeSet::new(),
            lines: Vec::new(),
            marks: BTreeSet::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GanttView {
    pub zoom: Zoom,
    /// The day the time cursor is on; its bucket is highlighted.
    pub cursor: NaiveDate,
    /// The start of the first visible bucket.
    pub first: NaiveDate,
    pub grouping: Grouping,
    pub expanded: BTreeSet<GanttRow>,
    /// The rows shown, rebuilt when data, grouping or expansion change.
    pub rows: Vec<GanttRow>,
    pub selected: usize,
    /// The row that was selected in the other grouping, so `p` and back returns to it.
    pub away: Option<GanttRow>,
    /// `v`: cells show scheduled hours against allocated ones.
    pub show_scheduled: bool,
}

pub use super::requests::RequestsView;

/// Everything the app knows. `update()` changes it; `ui::render()` reads it.
#[derive(Clone, Debug)]
pub struct State {
    pub today: NaiveDate,
    pub backend: BackendKind,
    /// Where the data comes from (a database path, a URL), for the status bar.
    pub source: String,
    pub theme: ThemeKind,
    pub view: View,
    pub help: bool,
    /// The first help line shown (help scrolls at small sizes).
    pub help_scroll: usize,
    /// The key table in effect (defaults, or rebound by the config file).
    pub keys: std::sync::Arc<super::keys::Keymap>,
    pub quit: bool,
    pub size: (u16, u16),
    pub ws: Workspace,
    /// Rows of the Resources and Gantt views: people by name, then unnamed resources.
    pub rows: Vec<RowKey>,
    /// Pending requests, oldest first.
    pub queue: Vec<Id>,
    /// The window of allocations loaded (or being loaded).
    pub window: DateRange,
    pub loaded: bool,
    /// IO in flight, for the status bar.
    pub pending: Vec<Effect>,
    pub notice: Option<String>,
    /// What the backend is waiting on right now (a retry after the server said it was busy).
    pub activity: Option<String>,
    pub error: Option<String>,
    pub resources: ResourcesView,
    pub gantt: GanttView,
    pub requests: RequestsView,
    /// History and the queue of writes to the backend.
    pub edits: Edits,
    /// Allocations marked with Space for bulk edits.
    pub marks: BTreeSet<Id>,
    /// A y/n question waiting for an answer.
    pub confirm: Option<Confirm>,
    pub form: Option<AllocForm>,
    /// `N`: a new request being filled in, and one sent and waiting for the backend.
    pub request_form: Option<super::request_form::RequestForm>,
    pub request_form_sent: Option<super::request_form::RequestForm>,
    /// `n`/`e` in the Resources view: a workspace resource being added or edited.
    pub resource_form: Option<super::staffing::ResourceForm>,
    /// `M`: allocations from scheduled hours, being set up.
    pub from_scheduled: Option<super::scheduled::FromScheduled>,
    /// Why the backend has no scheduled hours to show (`v` says so instead of showing none).
    pub no_scheduled: Option<String>,
    /// A person being picked (to staff an unnamed resource, or as a new approver).
    pub pick: Option<super::requests::PersonPick>,
    /// Requests as they were before a resolution still in flight, to put back if refused.
    pub before: std::collections::BTreeMap<Id, super::requests::Before>,
    /// The backend's change token when last seen (for refreshing when someone else writes).
    pub sync_token: Option<i64>,
    /// Set by `update` when an action changed nothing visible, so the runtime need not draw.
    pub quiet: bool,
    /// `q` while edits were still being saved: quit once they are.
    pub quit_when_saved: bool,
    /// Every message of the session; `notice` and `error` are what the status bar shows of it.
    /// Set through `say`/`done`/`fail` (app/messages.rs), never directly.
    pub log: super::messages::MessageLog,
    pub notice_shown: super::messages::Shown,
    pub error_shown: super::messages::Shown,
    /// `L`: the message log overlay, scrolled this many lines from its top (newest) line.
    pub log_view: Option<usize>,
    /// `q` with edits unsaved: the dialog asking whether to wait, keep or discard them.
    pub quit_dialog: bool,
    /// Edits kept in hand (from the last session, or whose answer was lost), offered back.
    pub offer: Option<crate::app::offer::Offer>,
    /// The replica on screen until the backend's answers replace it (issue 17).
    pub replica: Option<super::replica::Shown>,
    /// `R` was pressed since the last tick: another `R` now is `R R`, a full check.
    pub refreshed_since_tick: bool,
}

/// A destructive action waiting for y/n.
#[derive(Clone, Debug, PartialEq)]
pub struct Confirm {
    /// The question, naming what the action acts on.
    pub question: String,
    pub on_yes: OnYes,
}

#[derive(Clone, Debug, PartialEq)]
pub enum OnYes {
    DeleteAllocations(Vec<Id>),
    Resolve(Vec<(Id, crate::client::Resolution)>),
    Reassign(Id, Id),
    DeleteResource(Id),
    /// A request step asked about first (acting where I am not an approver).
    Requests(crate::app::requests::Step),
}

impl State {
    pub fn new(today: NaiveDate, backend: BackendKind, source: impl Into<String>) -> Self {
        let week = week_start(today);
        State {
            today,
            backend,
            source: source.into(),
            theme: ThemeKind::Dark,
            view: View::Resources,
            help: false,
            help_scroll: 0,
            keys: super::keys::Keymap::defaults(),
            quit: false,
            size: (80, 24),
            ws: Workspace::default(),
            rows: Vec::new(),
            queue: Vec::new(),
            window: initial_window(today),
            loaded: false,
            pending: Vec::new(),
            no_scheduled: None,
            activity: None,
            notice: None,
            error: None,
            resources: ResourcesView::default(),
            gantt: GanttView {
                zoom: Zoom::Week,
                cursor: today,
                first: add_days(week, -14),
                grouping: Grouping::Person,
                expanded: BTreeSet::new(),
                rows: Vec::new(),
                selected: 0,
                away: None,
                show_scheduled: false,
            },
            requests: RequestsView::default(),
            edits: Edits::default(),
            marks: BTreeSet::new(),
            confirm: None,
            form: None,
            pick: None,
            from_scheduled: None,
            resource_form: None,
            request_form: None,
            request_form_sent: None,
            before: Default::default(),
            sync_token: None,
            quiet: false,
            quit_when_saved: false,
            log: Default::default(),
            notice_shown: Default::default(),
            error_shown: Default::default(),
            log_view: None,
            quit_dialog: false,
            replica: None,
            refreshed_since_tick: false,
            offer: None,
        }
    }

    pub fn is_busy(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Records `effect` as under way (the status bar shows it) and hands it back to return.
    pub fn start(&mut self, effect: Effect) -> Effect {
        self.pending.push(effect.clone());
        effect
    }

    /// Writes the backend has not answered yet (edits, resolutions, new requests).
    pub fn writes_in_flight(&self) -> usize {
        let others = self
            .pending
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Effect::Resolve { .. }
                        | Effect::Reassign { .. }
                        | Effect::CreateRequest(_)
                        | Effect::MakeFromScheduled { .. }
                )
            })
            .count();
        self.edits.queue.len() + others
    }

    pub fn selected_resource(&self) -> Option<&RowKey> {
        match self.resources.lines.get(self.resources.selected)? {
            ListRow::Row(key) => Some(key),
            ListRow::Held(id) => {
                let line = self.resources.lines[..self.resources.selected]
                    .iter()
                    .rev()
                    .find_map(|l| {
                        if let ListRow::Row(k) = l {
                            Some(k)
                        } else {
                            None
                        }
                    });
                let _ = id;
                line
            }
        }
    }

    pub fn selected_gantt_row(&self) -> Option<&GanttRow> {
        self.gantt.rows.get(self.gantt.selected)
    }
}

/// Allocations are loaded for today ± 6 months, from the Monday before to the Sunday after.
pub fn initial_window(today: NaiveDate) -> DateRange {
    let start = week_start(add_months(today, -6));
    let end = add_days(week_start(add_months(today, 6)), 6);
    DateRange::new(start, end)
}
