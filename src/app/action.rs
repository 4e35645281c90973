//! What can happen: user intents from the keymap and results of IO from the runtime.

use super::state::View;
use crate::client::BackendResult;
use crate::domain::{Allocation, DateRange, Request, Roster};

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// First action: ask for the data.
    Start,
    Quit,
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
    RosterLoaded(BackendResult<Roster>),
    AllocationsLoaded {
        window: DateRange,
        result: BackendResult<Vec<Allocation>>,
    },
    RequestsLoaded(BackendResult<Vec<Request>>),
}

/// IO for the runtime to perform; each comes back as an [`Action`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    LoadRoster,
    LoadAllocations(DateRange),
    LoadRequests,
}

impl Effect {
    /// What the status bar says while this runs.
    pub fn label(&self) -> &'static str {
        match self {
            Effect::LoadRoster => "loading people",
            Effect::LoadAllocations(_) => "loading allocations",
            Effect::LoadRequests => "loading requests",
        }
    }
}
