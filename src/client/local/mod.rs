//! The embedded SQLite backend: allot's default workspace, no account needed.
//!
//! One connection behind a mutex; every [`Backend`] call runs its SQL on the blocking pool
//! (`spawn_blocking`) and every write is one transaction. Strings read from the file pass
//! [`crate::client::sanitize::clean`] before they leave this module. Ids are numeric strings,
//! as Kantata's are.
//!
//! Workspace resources follow Kantata's rules (see `store::create_resource`,
//! `store::update_resource_unchecked`, `store::delete_resource`): a named resource with no role
//! takes the person's primary role on the project, a person holds each role once per project,
//! and their last resource in their primary role stays. Resources carry no version.

pub mod demo;
mod schema;
mod store;

pub use demo::{DemoData, Rng, demo, synthetic};
pub use schema::{APPLICATION_ID, OpenError, OpenProblem, SCHEMA_VERSION};

use crate::client::{
    Applied, Backend, BackendError, BackendKind, BackendResult, Bundle, BundleDone, BundleFailed,
    Change, NewAllocation, NewRequest, NewResource, RequestCreated, Resolution,
};
use crate::domain::{Allocation, DateRange, Id, Request, Resource, Roster, ScheduledWeek};
use async_trait::async_trait;
use chrono::NaiveDate;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// A workspace in an SQLite file.
#[derive(Clone)]
pub struct LocalBackend {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
    current_user: Arc<RwLock<Option<Id>>>,
    /// Who this process acts as instead of the workspace's current user (`allot --user`).
    acting_as: Arc<RwLock<Option<Id>>>,
}

impl fmt::Debug for LocalBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalBackend")
            .field("path", &self.path)
            .field("current_user", &self.current_user())
            .finish_non_exhaustive()
    }
}

impl LocalBackend {
    /// Opens the allot database at `path`, creating it when the file is missing or empty.
    /// Refuses, leaving the file untouched, anything that is not an allot database this build
    /// can read (see [`OpenProblem`]).
    pub fn open(path: &Path) -> Result<LocalBackend, OpenError> {
        let (conn, _fresh) = schema::open_connection(path)?;
        let current_user = store::current_user(&conn).map_err(|e| OpenError {
            path: path.to_path_buf(),
            problem: OpenProblem::Database(e.to_string()),
        })?;
        Ok(LocalBackend {
            conn: Arc::new(Mutex::new(conn)),
            path: path.to_path_buf(),
            current_user: Arc::new(RwLock::new(current_user)),
            acting_as: Arc::new(RwLock::new(None)),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Who "I" am in this workspace (set by [`LocalBackend::seed`]), unless
    /// [`LocalBackend::act_as`] named someone else.
    pub fn current_user(&self) -> Option<Id> {
        self.acting_as().or_else(|| {
            self.current_user
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        })
    }

    /// Acts as `user` instead of the workspace's current user (`None`: the workspace's again):
    /// the roster names them as "I", requests they create are theirs, and resolutions are
    /// recorded as theirs. The stored workspace user is left as it is.
    pub fn act_as(&self, user: Option<Id>) {
        *self
            .acting_as
            .write()
            .unwrap_or_else(PoisonError::into_inner) = user;
    }

    fn acting_as(&self) -> Option<Id> {
        self.acting_as
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// True when the workspace holds no people, projects, resources, allocations or requests.
    /// Blocking (a quick query): call it before the event loop or on the blocking pool.
    pub fn is_empty(&self) -> BackendResult<bool> {
        store::is_empty(&self.lock())
    }

    /// Writes `data` into this (empty) workspace in one transaction. Blocking: 100,000
    /// allocations take about a second; call it before the event loop or on the blocking pool.
    pub fn seed(&self, data: &DemoData) -> BackendResult<()> {
        let mut conn = self.lock();
        write(&mut conn, |tx| store::seed(tx, data))?;
        *self
            .current_user
            .write()
            .unwrap_or_else(PoisonError::into_inner) = data.roster.current_user.clone();
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-done write: transactions roll back
        // when dropped, so the connection is still sound.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` with the connection on the blocking pool.
    async fn run<T, F>(&self, f: F) -> BackendResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> BackendResult<T> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut guard)
        })
        .await
        .map_err(|e| BackendError::Other(format!("the local database task failed: {e}")))?
    }

    /// Runs `f` in one write transaction on the blocking pool: all of it is stored, or none.
    async fn write<T, F>(&self, f: F) -> BackendResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> BackendResult<T> + Send + 'static,
    {
        self.run(move |conn| write(conn, f)).await
    }
}

fn write<T>(
    conn: &mut Connection,
    f: impl FnOnce(&Transaction<'_>) -> BackendResult<T>,
) -> BackendResult<T> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(store::db_err)?;
    let out = f(&tx)?;
    tx.commit().map_err(store::db_err)?;
    Ok(out)
}

#[async_trait]
impl Backend for LocalBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Local
    }

    async fn roster(&self) -> BackendResult<Roster> {
        let mut roster = self.run(|conn| store::roster(conn)).await?;
        *self
            .current_user
            .write()
            .unwrap_or_else(PoisonError::into_inner) = roster.current_user.clone();
        if let Some(me) = self.acting_as() {
            roster.current_user = Some(me);
        }
        Ok(roster)
    }

    async fn allocations(&self, window: DateRange) -> BackendResult<Vec<Allocation>> {
        self.run(move |conn| store::allocations(conn, window)).await
    }

    async fn requests(&self) -> BackendResult<Vec<Request>> {
        self.run(|conn| store::requests(conn, None)).await
    }

    async fn create_allocations(&self, new: Vec<NewAllocation>) -> BackendResult<Vec<Allocation>> {
        self.write(move |tx| store::create_allocations(tx, &new))
            .await
    }

    async fn update_allocation(&self, a: Allocation) -> BackendResult<Allocation> {
        self.write(move |tx| store::update_allocation(tx, &a)).await
    }

    async fn delete_allocation(&self, id: Id) -> BackendResult<()> {
        self.write(move |tx| store::delete_allocation(tx, &id))
            .await
    }

    async fn split_allocation(
        &self,
        id: Id,
        date: NaiveDate,
    ) -> BackendResult<(Allocation, Allocation)> {
        self.write(move |tx| store::split_allocation(tx, &id, date))
            .await
    }

    async fn apply(&self, changes: Vec<Change>) -> BackendResult<Vec<Applied>> {
        self.write(move |tx| store::apply(tx, &changes)).await
    }

    async fn create_resources(&self, new: Vec<NewResource>) -> BackendResult<Vec<Resource>> {
        self.write(move |tx| store::create_resources(tx, &new))
            .await
    }

    async fn update_resource(&self, r: Resource) -> BackendResult<Resource> {
        self.write(move |tx| store::update_resource(tx, &r)).await
    }

    async fn delete_resource(&self, id: Id) -> BackendResult<()> {
        self.write(move |tx| store::delete_resource(tx, &id)).await
    }

    async fn scheduled_hours(&self, window: DateRange) -> BackendResult<Vec<ScheduledWeek>> {
        self.run(move |conn| store::scheduled_hours(conn, window))
            .await
    }

    async fn change_token(&self) -> BackendResult<Option<i64>> {
        self.run(|conn| store::data_version(conn).map(Some)).await
    }

    async fn create_request(&self, new: NewRequest) -> BackendResult<RequestCreated> {
        let creator = self.acting_as();
        self.write(move |tx| store::create_request(tx, &new, creator.as_ref()))
            .await
    }

    async fn update_approver(&self, id: Id, approver_ids: Vec<Id>) -> BackendResult<Request> {
        self.write(move |tx| store::update_approver(tx, &id, &approver_ids))
            .await
    }

    async fn resolve_request(&self, id: Id, how: Resolution) -> BackendResult<Request> {
        let by = self.current_user();
        self.write(move |tx| store::resolve_request(tx, &id, &how, by.as_ref()))
            .await
    }

    /// All of it in one transaction: stored whole, or nothing at all.
    async fn resolve_with(&self, id: Id, bundle: Bundle) -> Result<BundleDone, BundleFailed> {
        let by = self.current_user();
        self.write(move |tx| {
            let before = store::apply(tx, &bundle.before)?;
            let request = store::resolve_request(tx, &id, &bundle.how, by.as_ref())?;
            // Resolving hardens (or softens) what `before` made: report them as stored, so
            // their versions are the ones a later write (the undo) must name.
            let before = before
                .into_iter()
                .map(|a| match a {
                    Applied::Created(made) => store::allocation(tx, &made.id)
                        .map(|now| Applied::Created(now.unwrap_or(made))),
                    other => Ok(other),
                })
                .collect::<BackendResult<Vec<_>>>()?;
            let after = store::apply(tx, &bundle.after)?;
            Ok(BundleDone {
                before,
                request: Some(request),
                after,
            })
        })
        .await
        .map_err(|cause| BundleFailed {
            done: BundleDone::default(),
            cause,
        })
    }
}

#[cfg(test)]
mod tests;
