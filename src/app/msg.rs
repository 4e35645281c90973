//! What the reducer is given: a user [`Command`], typed text, or a [`Msg`] (IO results, time,
//! the terminal's size).

use super::command::Command;
use crate::client::{Applied, BackendResult, RequestCreated};
use crate::domain::Id;
use crate::domain::{Allocation, DateRange, Request, Roster};

/// One input to `update()`.
// Moved once into update() and dropped: boxing the large message would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A key bound in the key table.
    Command(Command),
    /// A printable key no binding took, in a mode that types (filter, form, picker).
    Text(char),
    /// Any other key a text field's line editor takes there (cursor moves, Ctrl-u/w/k, …;
    /// see `app::line`), in a mode that types.
    Edit(crossterm::event::KeyEvent),
    Msg(Msg),
}

impl From<Command> for Input {
    fn from(c: Command) -> Self {
        Input::Command(c)
    }
}

impl From<Msg> for Input {
    fn from(m: Msg) -> Self {
        Input::Msg(m)
    }
}

/// Not from the user: the start, time passing, the terminal's size and IO results.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// First message: ask for the data.
    Start,
    /// The journal could not be written: say so (once).
    JournalFailed(String),
    /// The terminal's size, so scrolling knows how much is visible.
    Resize(u16, u16),
    /// A mouse event (app::mouse).
    Mouse(super::mouse::Mouse),
    /// A few seconds passed: look for changes made elsewhere.
    Tick,
    /// What the backend is waiting on (a retry), or `None` once it is not.
    Activity(Option<String>),
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
    /// The answer to [`Effect::ResolveWith`](super::effect::Effect::ResolveWith).
    ResolvedWith {
        id: Id,
        result: Result<crate::client::BundleDone, crate::client::BundleFailed>,
    },
    /// The backend made allocations from scheduled hours itself (Kantata).
    MadeFromScheduled(BackendResult<()>),
    /// The backend's answer to write `seq`.
    Applied {
        seq: u64,
        result: BackendResult<Vec<Applied>>,
    },
    ChangesChecked(BackendResult<Option<i64>>),
    /// The replica of the remote workspace, read at start before any answer (issue 17).
    ReplicaLoaded {
        cached: Box<crate::replica::Cached>,
        as_of: String,
    },
    /// The backend will read everything whole at the loads that follow (a full check).
    FullCheckAsked,
    RosterLoaded(BackendResult<Roster>),
    AllocationsLoaded {
        window: DateRange,
        result: BackendResult<Vec<Allocation>>,
    },
    RequestsLoaded(BackendResult<Vec<Request>>),
}
