//! A remote backend with its replica: every read that succeeds is also saved to the replica,
//! in the background, so the next start can show it at once. Writes go to the remote only:
//! the replica follows at the next read, so it never holds an edit the backend did not take.

use super::store::{Cached, Replica};
use crate::client::{
    Applied, Backend, BackendKind, BackendResult, Change, NewAllocation, NewRequest, NewResource,
    RequestCreated, Resolution,
};
use crate::domain::{Allocation, DateRange, Id, Request, Resource, Roster, ScheduledWeek};
use async_trait::async_trait;
use std::sync::{Arc, Mutex, PoisonError};

/// How far before the last read a refresh asks from.
const SKEW: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

/// `held` with `changed` over it, by id; a changed allocation that left `window` goes.
fn merge(held: Vec<Allocation>, changed: Vec<Allocation>, window: DateRange) -> Vec<Allocation> {
    let mut by_id: std::collections::BTreeMap<Id, Allocation> =
        held.into_iter().map(|a| (a.id.clone(), a)).collect();
    for a in changed {
        if a.range.overlaps(&window) {
            by_id.insert(a.id.clone(), a);
        } else {
            by_id.remove(&a.id);
        }
    }
    by_id.into_values().collect()
}

pub struct Replicated {
    inner: Arc<dyn Backend>,
    replica: Arc<Mutex<Replica>>,
}

impl Replicated {
    pub fn new(inner: Arc<dyn Backend>, replica: Replica) -> Replicated {
        Replicated {
            inner,
            replica: Arc::new(Mutex::new(replica)),
        }
    }

    /// What the replica holds now (the start shows it before any answer).
    pub fn cached(&self) -> Result<Option<Cached>, String> {
        self.replica
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .load()
    }

    /// The replica's allocations of `window` brought up to date from what changed since its
    /// read, or `None` when that cannot be done: another window, no incremental read on this
    /// backend, or a count that shows some were deleted (no tombstones to say which).
    async fn catch_up(&self, window: DateRange) -> BackendResult<Option<Vec<Allocation>>> {
        let replica = self.replica.clone();
        let held = tokio::task::spawn_blocking(move || {
            replica
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .allocations()
        })
        .await;
        let Ok(Ok(Some((held_window, held, read_at)))) = held else {
            return Ok(None);
        };
        if held_window != window {
            return Ok(None);
        }
        // From a little before the last read began: a clock a minute off, or a change landing
        // while that read ran, is read again rather than missed (a change read twice is kept
        // once, by id).
        let since = read_at - SKEW;
        let Some(changed) = self.inner.allocations_changed(window, since).await? else {
            return Ok(None);
        };
        let merged = merge(held, changed.allocations, window);
        if merged.len() as u64 != changed.count {
            tracing::info!(
                held = merged.len(),
                now = changed.count,
                "allocations were deleted since the last read: reading the window whole"
            );
            return Ok(None);
        }
        Ok(Some(merged))
    }

    /// Saves off the async threads; a replica that cannot be written is logged, never fatal:
    /// it only makes the next start slower.
    async fn save(
        &self,
        what: &'static str,
        write: impl FnOnce(&mut Replica) -> Result<(), String> + Send + 'static,
    ) {
        let replica = self.replica.clone();
        let done = tokio::task::spawn_blocking(move || {
            write(&mut replica.lock().unwrap_or_else(PoisonError::into_inner))
        })
        .await;
        match done {
            Ok(Ok(())) => tracing::debug!(what, "replica saved"),
            Ok(Err(e)) => tracing::warn!(what, "replica not saved: {e}"),
            Err(e) => tracing::warn!(what, "replica not saved: {e}"),
        }
    }
}

#[async_trait]
impl Backend for Replicated {
    fn kind(&self) -> BackendKind {
        self.inner.kind()
    }

    async fn roster(&self) -> BackendResult<Roster> {
        let roster = self.inner.roster().await?;
        let (copy, at) = (roster.clone(), chrono::Utc::now());
        self.save("roster", move |r| r.save_roster(&copy, at)).await;
        Ok(roster)
    }

    /// The window's allocations: when the replica holds this very window, only what changed
    /// since its last read is asked for; otherwise (or when some went) the window is read whole.
    async fn allocations(&self, window: DateRange) -> BackendResult<Vec<Allocation>> {
        let read_at = chrono::Utc::now();
        if let Some(caught_up) = self.catch_up(window).await? {
            let copy = caught_up.clone();
            self.save("allocations", move |r| {
                r.save_allocations(window, &copy, read_at)
            })
            .await;
            return Ok(caught_up);
        }
        let allocations = self.inner.allocations(window).await?;
        let copy = allocations.clone();
        self.save("allocations", move |r| {
            r.save_allocations(window, &copy, read_at)
        })
        .await;
        Ok(allocations)
    }

    async fn allocations_changed(
        &self,
        window: DateRange,
        since: chrono::DateTime<chrono::Utc>,
    ) -> BackendResult<Option<crate::client::Changed>> {
        self.inner.allocations_changed(window, since).await
    }

    async fn requests(&self) -> BackendResult<Vec<Request>> {
        let requests = self.inner.requests().await?;
        let copy = requests.clone();
        self.save("requests", move |r| r.save_requests(&copy)).await;
        Ok(requests)
    }

    // Everything else is the remote's, unchanged.

    async fn create_allocations(&self, new: Vec<NewAllocation>) -> BackendResult<Vec<Allocation>> {
        self.inner.create_allocations(new).await
    }
    async fn update_allocation(&self, a: Allocation) -> BackendResult<Allocation> {
        self.inner.update_allocation(a).await
    }
    async fn delete_allocation(&self, id: Id) -> BackendResult<()> {
        self.inner.delete_allocation(id).await
    }
    async fn split_allocation(
        &self,
        id: Id,
        date: chrono::NaiveDate,
    ) -> BackendResult<(Allocation, Allocation)> {
        self.inner.split_allocation(id, date).await
    }
    async fn apply(&self, changes: Vec<Change>) -> BackendResult<Vec<Applied>> {
        self.inner.apply(changes).await
    }
    async fn check_unchanged(&self, id: &Id, version: i64) -> BackendResult<()> {
        self.inner.check_unchanged(id, version).await
    }
    async fn check_resource_unchanged(
        &self,
        id: &Id,
        version: i64,
        fresh: bool,
    ) -> BackendResult<()> {
        self.inner
            .check_resource_unchanged(id, version, fresh)
            .await
    }
    async fn create_resources(&self, new: Vec<NewResource>) -> BackendResult<Vec<Resource>> {
        self.inner.create_resources(new).await
    }
    async fn update_resource(&self, r: Resource) -> BackendResult<Resource> {
        self.inner.update_resource(r).await
    }
    async fn delete_resource(&self, id: Id) -> BackendResult<()> {
        self.inner.delete_resource(id).await
    }
    async fn scheduled_hours(&self, window: DateRange) -> BackendResult<Vec<ScheduledWeek>> {
        self.inner.scheduled_hours(window).await
    }
    async fn allocations_from_scheduled(
        &self,
        resources: Vec<Id>,
        hard: bool,
        when: crate::domain::staffing::When,
    ) -> BackendResult<()> {
        self.inner
            .allocations_from_scheduled(resources, hard, when)
            .await
    }
    async fn whoami(&self) -> BackendResult<String> {
        self.inner.whoami().await
    }
    fn activity(&self) -> Option<String> {
        self.inner.activity()
    }
    async fn change_token(&self) -> BackendResult<Option<i64>> {
        self.inner.change_token().await
    }
    async fn create_request(&self, new: NewRequest) -> BackendResult<RequestCreated> {
        self.inner.create_request(new).await
    }
    async fn update_approver(&self, id: Id, approver_ids: Vec<Id>) -> BackendResult<Request> {
        self.inner.update_approver(id, approver_ids).await
    }
    async fn resolve_request(&self, id: Id, how: Resolution) -> BackendResult<Request> {
        self.inner.resolve_request(id, how).await
    }
}
