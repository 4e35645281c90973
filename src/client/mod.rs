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

/// One write in a batch sent by [`Backend::apply`].
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Create(NewAllocation),
    /// Writes the allocation over the stored one; its `version` is the one the edit was made to.
    Update(Allocation),
    Delete {
        id: Id,
        version: i64,
    },
    /// Splits at `date` (the second part starts on it).
    Split {
        id: Id,
        version: i64,
        date: NaiveDate,
    },
}

/// What a [`Change`] became, in the same order.
#[derive(Clone, Debug, PartialEq)]
pub enum Applied {
    Created(Allocation),
    Updated(Allocation),
    Deleted(Id),
    Split(Allocation, Allocation),
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

    /// Applies `changes` in order. Backends that can (the embedded store) do it all or nothing;
    /// this default runs them one by one and, when one fails, undoes the ones already done so
    /// the store is left as it was.
    async fn apply(&self, changes: Vec<Change>) -> BackendResult<Vec<Applied>> {
        let mut done: Vec<Applied> = Vec::with_capacity(changes.len());
        for change in changes {
            let result = match change {
                Change::Create(n) => self.create_allocations(vec![n]).await.and_then(|mut v| {
                    v.pop()
                        .map(Applied::Created)
                        .ok_or_else(|| BackendError::Other("the backend created nothing".into()))
                }),
                Change::Update(a) => self.update_allocation(a).await.map(Applied::Updated),
                Change::Delete { id, .. } => self
                    .delete_allocation(id.clone())
                    .await
                    .map(|_| Applied::Deleted(id)),
                Change::Split { id, date, .. } => self
                    .split_allocation(id, date)
                    .await
                    .map(|(a, b)| Applied::Split(a, b)),
            };
            match result {
                Ok(applied) => done.push(applied),
                Err(e) => {
                    self.compensate(done).await;
                    return Err(e);
                }
            }
        }
        Ok(done)
    }

    /// Best-effort undo of changes already applied when a later one in the batch failed.
    async fn compensate(&self, done: Vec<Applied>) {
        for applied in done.into_iter().rev() {
            let undone = match applied {
                Applied::Created(a) => self.delete_allocation(a.id).await,
                Applied::Split(_, second) => self.delete_allocation(second.id).await,
                // Updates and deletes cannot be reversed without the old record; the caller
                // rolls its screen back and reloads.
                Applied::Updated(_) | Applied::Deleted(_) => Ok(()),
            };
            if let Err(e) = undone {
                tracing::warn!("could not undo part of a failed batch: {e}");
            }
        }
    }

    /// A token that changes when someone else changes the store, for cheap polling; `None`
    /// where the backend has no such thing (then allot refreshes only when asked).
    async fn change_token(&self) -> BackendResult<Option<i64>> {
        Ok(None)
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
