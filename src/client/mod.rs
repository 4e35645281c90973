//! Backends: the async [`Backend`] trait and its implementations (`local` SQLite today; Kantata
//! and Ruddr later). Every string a backend returns has passed [`sanitize::clean`].

pub mod local;
pub mod sanitize;

use crate::domain::{Allocation, Amount, DateRange, Id, Request, RequestStatus, Roster};
use async_trait::async_trait;
use chrono::NaiveDate;
use std::fmt;

/// Which kind of backend a workspace lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendKind {
    Local,
    Kantata,
    Ruddr,
}

impl BackendKind {
    pub fn label(&self) -> &'static str {
        match self {
            BackendKind::Local => "local",
            BackendKind::Kantata => "kantata",
            BackendKind::Ruddr => "ruddr",
        }
    }

    /// Whether the backend has a staffing-request queue (Ruddr has none).
    pub fn has_requests(&self) -> bool {
        !matches!(self, BackendKind::Ruddr)
    }
}

/// A backend failure, with the backend's own words where it gave any.
#[derive(Clone, Debug, PartialEq)]
pub enum BackendError {
    /// The backend refused the input; `field` names the field when it said which.
    Validation {
        field: Option<String>,
        message: String,
    },
    NotFound(String),
    /// The record changed since it was read; nothing was overwritten.
    Stale(String),
    /// The operation is not available on this backend.
    Unsupported(String),
    /// Anything else: storage, network, decoding.
    Other(String),
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackendError::Validation {
                field: Some(field),
                message,
            } => write!(f, "{field}: {message}"),
            BackendError::Validation {
                field: None,
                message,
            } => f.write_str(message),
            BackendError::NotFound(m)
            | BackendError::Stale(m)
            | BackendError::Unsupported(m)
            | BackendError::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for BackendError {}

pub type BackendResult<T> = Result<T, BackendError>;

/// A new allocation, before the backend gives it an id.
#[derive(Clone, Debug, PartialEq)]
pub struct NewAllocation {
    pub resource_id: Id,
    pub range: DateRange,
    pub amount: Amount,
    pub hard: bool,
    pub notes: String,
}

/// How an approver resolves a request.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolution {
    /// Approve, naming `user_id` on an unnamed resource; allocations hard unless `soft`.
    Approve {
        user_id: Option<Id>,
        soft: bool,
    },
    Reject,
    Cancel,
}

impl Resolution {
    pub fn status(&self) -> RequestStatus {
        match self {
            Resolution::Approve { .. } => RequestStatus::Approved,
            Resolution::Reject => RequestStatus::Rejected,
            Resolution::Cancel => RequestStatus::Cancelled,
        }
    }
}

/// The async interface every backend implements. Reads come first; writes are named here so each
/// backend grows into the same shape, and default to `Unsupported` until a backend implements them.
#[async_trait]
pub trait Backend: Send + Sync {
    fn kind(&self) -> BackendKind;

    /// People, projects, resources, holidays and who "I" am.
    async fn roster(&self) -> BackendResult<Roster>;

    /// Allocations overlapping `window`.
    async fn allocations(&self, window: DateRange) -> BackendResult<Vec<Allocation>>;

    /// Every staffing request the signed-in user can see.
    async fn requests(&self) -> BackendResult<Vec<Request>>;

    async fn create_allocations(&self, _new: Vec<NewAllocation>) -> BackendResult<Vec<Allocation>> {
        Err(self.unsupported("creating allocations"))
    }

    /// Writes `a` over the stored allocation of the same id, refusing if its version is stale.
    async fn update_allocation(&self, _a: Allocation) -> BackendResult<Allocation> {
        Err(self.unsupported("changing allocations"))
    }

    async fn delete_allocation(&self, _id: Id) -> BackendResult<()> {
        Err(self.unsupported("deleting allocations"))
    }

    /// Splits an allocation at `date` into two (the second starting on `date`).
    async fn split_allocation(
        &self,
        _id: Id,
        _date: NaiveDate,
    ) -> BackendResult<(Allocation, Allocation)> {
        Err(self.unsupported("splitting allocations"))
    }

    async fn resolve_request(&self, _id: Id, _how: Resolution) -> BackendResult<Request> {
        Err(self.unsupported("resolving requests"))
    }

    fn unsupported(&self, what: &str) -> BackendError {
        BackendError::Unsupported(format!(
            "the {} backend does not support {what} yet",
            self.kind().label()
        ))
    }
}
