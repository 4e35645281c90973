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
    /// The first row shown (`geometry::scroll_into_view` moves it).
    pub offset: usize,
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
            offset: 0,
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
    /// The first row shown (`geometry::scroll_into_view` moves it).
    pub offset: usize,
    /// The row that was selected in the other grouping, so `p` and back returns to it.
    pub away: Option<GanttRow>,
    /// `v`: cells show scheduled hours against allocated ones.
    pub show_scheduled: bool,
    /// The bar selected on the selected lane (`h`/`l`, a click); edits act on it.
    pub bar: Option<Id>,
    /// The bars of each lane row, packed for the window on screen.
    pub layout: super::gantt::Layout,
    /// `/` in the Gantt: its rows filter.
    pub find: super::jump::Find,
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
    /// The one dialog open over the view, if any ([`Overlay`]).
    pub overlay: Option<Overlay>,
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
    /// A request form sent and waiting for the backend. Not an overlay: the form is closed
    /// while it is sent, and this copy outlives it so a refusal can give it back as it was.
    pub request_form_sent: Option<super::request_form::RequestForm>,
    /// A refused request's form that could not be given back because another dialog was open
    /// (`request_form::give_back`); `N` opens it.
    pub request_form_kept: Option<super::request_form::RequestForm>,
    /// Why the backend has no scheduled hours to show (`v` says so instead of showing none).
    pub no_scheduled: Option<String>,
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
    /// Edits kept in hand (from the last session, or whose answer was lost), offered back.
    /// Not an overlay: it holds unsaved edits, which another dialog opening must not replace.
    /// Its dialog is drawn over whatever overlay is open and takes the keys first.
    pub offer: Option<crate::app::offer::Offer>,
    /// The replica on screen until the backend's answers replace it (issue 17).
    pub replica: Option<super::replica::Shown>,
    /// Mouse capture (on unless `--no-mouse` or `mouse = false`), the last press and a drag.
    pub mouse: super::mouse::MouseState,
    /// What the input being handled changed that derived lists are built from.
    pub dirty: Dirty,
    /// `R` was pressed since the last tick: another `R` now is `R R`, a full check.
    pub refreshed_since_tick: bool,
}

/// What a handler changed that the derived lists (`rows`, the Resources list, the Gantt rows,
/// the request queue) are built from. Handlers mark it; `update()` rebuilds each list at most
/// once, at the end, so no handler rebuilds by hand or calls back into `update`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dirty {
    /// People or resources came, went or were named: `State::rows`, so both views' lists.
    pub rows: bool,
    /// Allocations changed: the lists that show them (the Gantt's open rows, a load sort), or
    /// the rows if a resource came or went with them.
    pub allocations: bool,
    /// The Resources list's filter, sort or unnamed toggle.
    pub resources: bool,
    /// The Gantt's grouping or expansion.
    pub gantt: bool,
    /// The requests, or the queue's filter or sort.
    pub queue: bool,
    /// The Gantt bar to select once the rows are rebuilt (a bar just made).
    pub gantt_bar: Option<crate::domain::Id>,
}

/// The dialog open over the view: one at a time, so two can never be open at once, and a new
/// dialog is one variant here that `Mode::of`, `dialogs::command` and `ui::render` each match.
// The forms are large and a question is small, but there is one overlay per State: boxing
// them would cost an allocation per keystroke that takes a form out and puts it back.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Overlay {
    /// A y/n question waiting for an answer.
    Confirm(Confirm),
    /// The allocation form.
    Form(AllocForm),
    /// `n`/`e` in the Resources view: a workspace resource being added or edited.
    ResourceForm(super::staffing::ResourceForm),
    /// `N`: a new request being filled in.
    RequestForm(super::request_form::RequestForm),
    /// `M`: allocations from scheduled hours, being set up.
    FromScheduled(super::scheduled::FromScheduled),
    /// A person being picked (to staff an unnamed resource, or as a new approver).
    Pick(super::requests::PersonPick),
    /// `:` in the Gantt: the jump prompt (drawn on the Gantt's detail line).
    Jump(super::jump::Jump),
    /// The key help, scrolled to this first line (it scrolls at small sizes).
    Help { scroll: usize },
    /// The message log, scrolled this many lines from its top (newest) line.
    Log { scroll: usize },
    /// `q` with edits unsaved: whether to wait, keep or discard them. What was open when `q`
    /// was pressed waits under it (a form keeps what was typed) and comes back on Esc.
    Quit { under: Option<Box<Overlay>> },
}

/// Typed access to the overlay, one dialog kind each: `x()` reads it, `x_mut()` changes it in
/// place, `take_x()` takes it out (leaving any other dialog where it is).
macro_rules! overlay_access {
    ($($variant:ident: $ty:ty => $get:ident, $get_mut:ident, $take:ident;)*) => {
        impl State {
            $(
                pub fn $get(&self) -> Option<&$ty> {
                    match &self.overlay {
                        Some(Overlay::$variant(x)) => Some(x),
                        _ => None,
                    }
                }

                pub fn $get_mut(&mut self) -> Option<&mut $ty> {
                    match &mut self.overlay {
                        Some(Overlay::$variant(x)) => Some(x),
                        _ => None,
                    }
                }

                pub fn $take(&mut self) -> Option<$ty> {
                    let Some(Overlay::$variant(x)) = self
                        .overlay
                        .take_if(|o| matches!(o, Overlay::$variant(_)))
                    else {
                        return None;
                    };
                    Some(x)
                }
            )*
        }
    };
}

overlay_access! {
    Confirm: Confirm => confirm, confirm_mut, take_confirm;
    Form: AllocForm => form, form_mut, take_form;
    ResourceForm: super::staffing::ResourceForm => resource_form, resource_form_mut, take_resource_form;
    RequestForm: super::request_form::RequestForm => request_form, request_form_mut, take_request_form;
    FromScheduled: super::scheduled::FromScheduled => from_scheduled, from_scheduled_mut, take_from_scheduled;
    Pick: super::requests::PersonPick => pick, pick_mut, take_pick;
    Jump: super::jump::Jump => jump, jump_mut, take_jump;
}

impl State {
    /// Opens `overlay` over the view, in place of any other (commands only reach the view,
    /// and so open a dialog, when none is open).
    pub fn open(&mut self, overlay: Overlay) {
        self.overlay = Some(overlay);
    }

    /// Opens `overlay` for something that happened by itself (a refused request gives its form
    /// back): into a free slot, or under the quit dialog. It is handed back when another
    /// dialog is open, so the caller keeps it rather than replacing what the user is doing.
    pub fn reopen(&mut self, overlay: Overlay) -> Option<Overlay> {
        match &mut self.overlay {
            None => self.overlay = Some(overlay),
            Some(Overlay::Quit { under }) if under.is_none() => *under = Some(Box::new(overlay)),
            Some(_) => return Some(overlay),
        }
        None
    }

    pub fn help_open(&self) -> bool {
        matches!(self.overlay, Some(Overlay::Help { .. }))
    }

    /// The message log's scroll, when it is open.
    pub fn log_scroll(&self) -> Option<usize> {
        match self.overlay {
            Some(Overlay::Log { scroll }) => Some(scroll),
            _ => None,
        }
    }

    pub fn quit_dialog_open(&self) -> bool {
        matches!(self.overlay, Some(Overlay::Quit { .. }))
    }

    /// Closes the quit dialog, putting back what was open under it.
    pub fn close_quit_dialog(&mut self) {
        if let Some(Overlay::Quit { under }) =
            self.overlay.take_if(|o| matches!(o, Overlay::Quit { .. }))
        {
            self.overlay = under.map(|b| *b);
        }
    }
}

/// A destructive action waiting for y/n.
#[derive(Clone, Debug, PartialEq)]
pub struct Confirm {
    /// The question, naming what the action acts on.
    pub question: String,
    pub on_yes: OnYes,
    /// The first row shown of the question after its first line (a long one scrolls).
    pub scroll: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum OnYes {
    DeleteAllocations(Vec<Id>),
    Resolve(Vec<(Id, crate::client::Resolution)>),
    Reassign(Id, Id),
    DeleteResource(Id),
    /// A request step asked about first (acting where I am not an approver).
    Requests(crate::app::requests::Step),
    /// Approve a request split between two people ([`crate::app::requests::SplitPlan`]).
    Split(Box<crate::app::requests::SplitPlan>),
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
            overlay: None,
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
                offset: 0,
                away: None,
                show_scheduled: false,
                bar: None,
                layout: Default::default(),
                find: Default::default(),
            },
            requests: RequestsView::default(),
            edits: Edits::default(),
            marks: BTreeSet::new(),
            request_form_sent: None,
            request_form_kept: None,
            before: Default::default(),
            sync_token: None,
            quiet: false,
            quit_when_saved: false,
            log: Default::default(),
            notice_shown: Default::default(),
            error_shown: Default::default(),
            replica: None,
            refreshed_since_tick: false,
            offer: None,
            mouse: super::mouse::MouseState {
                capture: true,
                ..Default::default()
            },
            dirty: Dirty::default(),
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
                        | Effect::ResolveWith { .. }
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
