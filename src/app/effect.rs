//! IO for the runtime to do: the reducer returns these; each comes back as a
//! [`Msg`](super::msg::Msg).

use crate::client::{Bundle, Resolution};
use crate::client::{Change, NewRequest};
use crate::domain::{DateRange, Id};

/// IO for the runtime to perform; each comes back as a [`Msg`](super::msg::Msg).
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
    /// A resolution with the writes that go with it (a split approval, or its undo), as one.
    ResolveWith {
        id: Id,
        bundle: Bundle,
    },
    CreateRequest(NewRequest),
    /// Ask the backend to read the loads that follow whole and compare them with its replica
    /// (a full check, issue 17); answered before those loads are sent.
    FullCheck,
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
            Effect::FullCheck => "starting a full check",
            Effect::Resolve { .. } => "resolving requests",
            Effect::Reassign { .. } => "reassigning",
            Effect::ResolveWith { .. } => "resolving the split",
            Effect::CreateRequest(_) => "creating the request",
            Effect::MakeFromScheduled { .. } => "allocating from scheduled hours",
        }
    }
}
