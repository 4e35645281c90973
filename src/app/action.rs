//! What can happen: user intents from the keymap and results of IO from the runtime.

use super::form::FormInput;
use super::requests::PickInput;
use super::state::View;
use crate::client::Resolution;
use crate::client::{Applied, BackendResult, Change, NewRequest, RequestCreated};
use crate::domain::Id;
use crate::domain::{Allocation, DateRange, Request, Roster};

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// First action: ask for the data.
    Start,
    /// `q` / Ctrl-c: quits at once when nothing is unsaved, else opens the quit dialog.
    Quit,
    /// An answer in the quit dialog.
    QuitDialog(crate::app::offer::QuitChoice),
    /// An answer to the offer of kept edits.
    Offer(crate::app::offer::OfferChoice),
    /// The journal could not be written: say so (once).
    JournalFailed(String),
    ShowView(View),
    NextView,
    PrevView,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Move the time cursor back to today.
    Today,
    ZoomIn,
    ZoomOut,
    ToggleHelp,
    /// `L`: the message log (every message of the session in full); keys inside it.
    ToggleLog,
    Log(super::messages::LogInput),
    /// Enter: open the selected row (Resources → Gantt) or expand/collapse it (Gantt).
    Open,
    /// Space: expand/collapse a Gantt row.
    Toggle,
    /// `p`: group the Gantt by person or by project.
    ToggleGrouping,
    /// `[` `]`: one screen earlier / later in time.
    ScreenLeft,
    ScreenRight,
    /// Ctrl-u / Ctrl-d.
    HalfPageUp,
    HalfPageDown,
    /// `/` starts typing a filter; characters and Backspace edit it; Enter keeps it.
    FilterStart,
    FilterInput(char),
    FilterBackspace,
    FilterAccept,
    /// `s` / `S`: next sort column / reverse.
    CycleSort,
    ReverseSort,
    /// `U`: show or hide unnamed resources.
    ToggleUnnamed,
    /// Esc: close what is open, clear what is set.
    Back,
    Refresh,
    /// The terminal's size, so scrolling knows how much is visible.
    Resize(u16, u16),
    /// `n`: a new allocation from the cursor; `e` (or Enter on a bar): edit the selected one.
    NewAllocation,
    EditAllocation,
    /// `<` `>`: move the selected (or marked) bars by a bucket.
    Shift(i64),
    /// `{` `}`: move their end by a bucket.
    Stretch(i64),
    /// `H`: hard ↔ soft.
    ToggleHard,
    /// `s` in the Gantt: split the selected bar at the cursor.
    Split,
    /// `d`: delete the selected (or marked) bars, after a y/n.
    Delete,
    /// Space on a bar: mark it for a bulk edit.
    Mark,
    Undo,
    Redo,
    ConfirmYes,
    ConfirmNo,
    Form(FormInput),
    /// Requests view: `m` mine/all, `f` status filter, `a` `r` `c` approve / reject / cancel,
    /// `A` reassign to another approver.
    ToggleMine,
    CycleStatus,
    Approve,
    Reject,
    CancelRequest,
    Reassign,
    /// Requests view `b`: approve with the top candidate for each unnamed request.
    ApproveTop,
    Pick(PickInput),
    /// `N` from any view: a new staffing request.
    NewRequest,
    RequestForm(FormInput),
    ResourceForm(FormInput),
    /// `v` in the Gantt: scheduled hours against allocations.
    ToggleScheduled,
    /// `M`: allocate from scheduled hours.
    AllocateFromScheduled,
    FromScheduled(super::scheduled::FsInput),
    ScheduledLoaded {
        window: DateRange,
        result: BackendResult<Vec<crate::domain::ScheduledWeek>>,
    },
    RequestCreated(BackendResult<RequestCreated>),
    Resolved {
        id: Id,
        result: BackendResult<Request>,
    },
    Reassigned {
        id: Id,
        result: BackendResult<Request>,
    },
    /// The backend made allocations from scheduled hours itself (Kantata).
    MadeFromScheduled(BackendResult<()>),
    /// What the backend is waiting on (a retry), or `None` once it is not.
    Activity(Option<String>),
    /// The backend's answer to write `seq`.
    Applied {
        seq: u64,
        result: BackendResult<Vec<Applied>>,
    },
    /// A few seconds passed: look for changes made elsewhere.
    Tick,
    ChangesChecked(BackendResult<Option<i64>>),
    RosterLoaded(BackendResult<Roster>),
    AllocationsLoaded {
        window: DateRange,
        result: BackendResult<Vec<Allocation>>,
    },
    RequestsLoaded(BackendResult<Vec<Request>>),
}

/// IO for the runtime to perform; each comes back as an [`Action`].
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    LoadRoster,
    LoadAllocations(DateRange),
    LoadRequests,
    LoadScheduled(DateRange),
    /// Apply one write (a batch, all or nothing).
    Apply {
        seq: u64,
        changes: Vec<Change>,
    },
    /// Ask the backend whether anyone else changed it.
    CheckChanges,
    Resolve {
        id: Id,
        how: Resolution,
    },
    Reassign {
        id: Id,
        approvers: Vec<Id>,
    },
    CreateRequest(NewRequest),
    /// Ask the backend to make allocations from these resources' scheduled hours.
    MakeFromScheduled {
        resources: Vec<Id>,
        hard: bool,
        when: crate::domain::staffing::When,
    },
}

impl Effect {
    /// What the status bar says while this runs.
    pub fn label(&self) -> &'static str {
        match self {
            Effect::LoadRoster => "loading people",
            Effect::LoadAllocations(_) => "loading allocations",
            Effect::LoadRequests => "loading requests",
            Effect::LoadScheduled(_) => "loading scheduled hours",
            Effect::Apply { .. } => "saving",
            Effect::CheckChanges => "checking for changes",
            Effect::Resolve { .. } => "resolving requests",
            Effect::Reassign { .. } => "reassigning",
            Effect::CreateRequest(_) => "creating the request",
            Effect::MakeFromScheduled { .. } => "allocating from scheduled hours",
        }
    }
}
