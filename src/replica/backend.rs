//! A remote backend with its replica: every read that succeeds is also saved to the replica,
//! in the background, so the next start can show it at once. Writes go to the remote only:
//! the replica follows at the next read, so it never holds an edit the backend did not take.

use super::store::{Cached, HeldRoster, PARTS, Replica};
use crate::client::{
    Applied, Backend, BackendKind, BackendResult, Change, NewAllocation, NewRequest, NewResource,
    RequestCreated, Resolution,
};
use crate::domain::{Allocation, DateRange, Id, Request, Resource, Roster, ScheduledWeek};
use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, PoisonError};

/// How far before the last read a refresh asks from: a clock a minute off, or a change landing
/// while that read ran, is read again rather than missed (a change read twice is kept once, by
/// id).
const SKEW: TimeDelta = TimeDelta::minutes(1);

/// How often each part is read whole and compared with what is held, whatever is asked.
pub const FULL_CHECK_EVERY: TimeDelta = TimeDelta::hours(24);

/// `held` with `changed` over it, by id, in id order (numeric ids by value) as backends list.
fn merge_requests(held: Vec<Request>, changed: Vec<Request>) -> Vec<Request> {
    let mut by_id: BTreeMap<Id, Request> = held.into_iter().map(|r| (r.id.clone(), r)).collect();
    for r in changed {
        by_id.insert(r.id.clone(), r);
    }
    let mut out: Vec<Request> = by_id.into_values().collect();
    out.sort_by_cached_key(|r| (r.id.as_number(), r.id.clone()));
    out
}

/// How many records differ between what was held and what a whole read found, by id and
/// content (a full check's findings).
fn differences<T: PartialEq>(held: &[T], read: &[T], id: impl Fn(&T) -> &Id) -> usize {
    let held: BTreeMap<&Id, &T> = held.iter().map(|t| (id(t), t)).collect();
    let read: BTreeMap<&Id, &T> = read.iter().map(|t| (id(t), t)).collect();
    let changed_or_gone = held
        .iter()
        .filter(|(k, v)| read.get(*k) != Some(*v))
        .count();
    let new = read.keys().filter(|k| !held.contains_key(*k)).count();
    changed_or_gone + new
}

pub struct Replicated {
    inner: Arc<dyn Backend>,
    replica: Arc<Mutex<Replica>>,
    /// Parts whose next read is whole and compared, as asked (`R R`, `--full-check`).
    full_asked: Mutex<BTreeSet<&'static str>>,
}

impl Replicated {
    pub fn new(inner: Arc<dyn Backend>, replica: Replica) -> Replicated {
        Replicated {
            inner,
            replica: Arc::new(Mutex::new(replica)),
            full_asked: Mutex::new(BTreeSet::new()),
        }
    }

    /// What the replica holds now, its allocations those that touch `window` (the start shows
    /// it before any answer).
    pub fn cached(&self, window: DateRange) -> Result<Option<Cached>, String> {
        self.replica
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .load(window)
    }

    /// Reads the replica off the async threads; a replica that cannot be read is as good as
    /// empty (the backend is read whole).
    async fn read<T: Send + 'static>(
        &self,
        what: impl FnOnce(&Replica) -> Result<Option<T>, String> + Send + 'static,
    ) -> Option<T> {
        let replica = self.replica.clone();
        let got = tokio::task::spawn_blocking(move || {
            what(&replica.lock().unwrap_or_else(PoisonError::into_inner))
        })
        .await;
        match got {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => {
                tracing::warn!("replica not read: {e}");
                None
            }
            Err(e) => {
                tracing::warn!("replica not read: {e}");
                None
            }
        }
    }

    /// Whether `part`'s read now is whole and compared: asked for, or a day since the last.
    async fn full_due(&self, part: &'static str) -> bool {
        let asked = self
            .full_asked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(part);
        let last = self.read(move |r| r.full_checked(part)).await;
        asked || last.is_none_or(|t| Utc::now() - t >= FULL_CHECK_EVERY)
    }

    /// The replica's allocations of `window` brought up to date from what changed since its
    /// read, or `None` when that cannot be done: another window, or no incremental read on
    /// this backend.
    async fn catch_up(&self, window: DateRange) -> BackendResult<Option<Vec<Allocation>>> {
        let Some((held_window, held, read_at)) = self.read(|r| r.allocations()).await else {
            return Ok(None);
        };
        if held_window != window {
            return Ok(None);
        }
        self.inner
            .allocations_caught_up(window, read_at - SKEW, held)
            .await
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

    /// A whole read of `part` at `at` is a full check of it: the replica now equals the
    /// backend there. What it repaired (`differences`, when something was held) is logged.
    async fn checked(&self, part: &'static str, at: DateTime<Utc>, differences: Option<usize>) {
        match differences {
            Some(0) => tracing::info!(part, "full check: the replica was the backend's"),
            Some(n) => tracing::warn!(
                part,
                n,
                "full check: repaired records the replica had wrong"
            ),
            None => {}
        }
        self.save("full check", move |r| r.set_full_checked(part, at))
            .await;
    }
}

#[async_trait]
impl Backend for Replicated {
    fn kind(&self) -> BackendKind {
        self.inner.kind()
    }

    /// The roster held, when a probe of the lists it is made from shows nothing changed or
    /// went since it was read (a few small requests); otherwise it is read whole.
    async fn roster(&self) -> BackendResult<Roster> {
        let read_at = Utc::now();
        let full = self.full_due("roster").await;
        let held: Option<HeldRoster> = self.read(|r| r.roster_held()).await;
        let since = held
            .as_ref()
            .map(|(_, t, _)| *t - SKEW)
            .unwrap_or(DateTime::UNIX_EPOCH);
        // Taken before a whole read, so anything changing during that read shows at the next
        // probe (as a change, or a count unlike this one) instead of being missed.
        let probe = self.inner.roster_probe(since).await?;
        if !full
            && let (Some((roster, _, Some(was))), Some(now)) = (&held, &probe)
            && now.changed.is_empty()
            && now.counts == was.counts
        {
            let now = now.clone();
            self.save("roster", move |r| r.roster_proved(read_at, Some(&now)))
                .await;
            return Ok(roster.clone());
        }
        let roster = self.inner.roster().await?;
        let repaired = match (&held, full) {
            (Some((was, _, _)), true) => Some(usize::from(*was != roster)),
            _ => None,
        };
        let copy = roster.clone();
        self.save("roster", move |r| {
            r.save_roster_read(&copy, read_at, probe.as_ref())
        })
        .await;
        self.checked("roster", read_at, repaired).await;
        Ok(roster)
    }

    /// The window's allocations: when the replica holds this very window, only what changed
    /// since its last read is asked for; otherwise (or at a full check) it is read whole.
    async fn allocations(&self, window: DateRange) -> BackendResult<Vec<Allocation>> {
        let read_at = Utc::now();
        let full = self.full_due("allocations").await;
        if !full && let Some(caught_up) = self.catch_up(window).await? {
            let copy = caught_up.clone();
            self.save("allocations", move |r| {
                r.save_allocations(window, &copy, read_at)
            })
            .await;
            return Ok(caught_up);
        }
        let held = if full {
            self.read(|r| r.allocations()).await
        } else {
            None
        };
        let allocations = self.inner.allocations(window).await?;
        let repaired = held
            .filter(|(w, _, _)| *w == window)
            .map(|(_, held, _)| differences(&held, &allocations, |a| &a.id));
        let copy = allocations.clone();
        self.save("allocations", move |r| {
            r.save_allocations(window, &copy, read_at)
        })
        .await;
        self.checked("allocations", read_at, repaired).await;
        Ok(allocations)
    }

    async fn allocations_caught_up(
        &self,
        window: DateRange,
        since: DateTime<Utc>,
        held: Vec<Allocation>,
    ) -> BackendResult<Option<Vec<Allocation>>> {
        self.inner.allocations_caught_up(window, since, held).await
    }

    /// The requests held with what changed since their read merged over them, where the
    /// backend can say what changed; otherwise (or at a full check) read whole.
    async fn requests(&self) -> BackendResult<Vec<Request>> {
        let read_at = Utc::now();
        let full = self.full_due("requests").await;
        let held = self.read(|r| r.requests_held()).await;
        if !full
            && let Some((held, since)) = &held
            && let Some(changed) = self.inner.requests_changed(*since - SKEW).await?
        {
            let merged = merge_requests(held.clone(), changed);
            let copy = merged.clone();
            self.save("requests", move |r| r.save_requests_read(&copy, read_at))
                .await;
            return Ok(merged);
        }
        let requests = self.inner.requests().await?;
        let repaired = match (&held, full) {
            (Some((held, _)), true) => Some(differences(held, &requests, |r| &r.id)),
            _ => None,
        };
        let copy = requests.clone();
        self.save("requests", move |r| r.save_requests_read(&copy, read_at))
            .await;
        self.checked("requests", read_at, repaired).await;
        Ok(requests)
    }

    fn request_full_check(&self) {
        self.full_asked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(PARTS);
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
    /// The scheduled weeks held, when a probe shows none changed or went since their read;
    /// otherwise (or at a full check) read whole. Without a probe they are the remote's.
    async fn scheduled_hours(&self, window: DateRange) -> BackendResult<Vec<ScheduledWeek>> {
        let read_at = Utc::now();
        let full = self.full_due("scheduled").await;
        let held = self.read(|r| r.scheduled_held()).await;
        let since = held
            .as_ref()
            .map(|(_, _, t, _)| *t - SKEW)
            .unwrap_or(DateTime::UNIX_EPOCH);
        let Some(probe) = self.inner.scheduled_probe(window, since).await? else {
            return self.inner.scheduled_hours(window).await;
        };
        if !full
            && let Some((held_window, weeks, _, was)) = &held
            && *held_window == window
            && probe.changed.is_empty()
            && probe.counts == was.counts
        {
            self.save("scheduled hours", move |r| {
                r.save_scheduled(window, None, read_at, &probe)
            })
            .await;
            return Ok(weeks.clone());
        }
        let weeks = self.inner.scheduled_hours(window).await?;
        let repaired = match (&held, full) {
            (Some((w, was, _, _)), true) if *w == window => {
                let key = |s: &ScheduledWeek| (s.resource_id.clone(), s.monday, s.minutes);
                let was: BTreeSet<_> = was.iter().map(key).collect();
                let now: BTreeSet<_> = weeks.iter().map(key).collect();
                Some(was.symmetric_difference(&now).count())
            }
            _ => None,
        };
        let copy = weeks.clone();
        self.save("scheduled hours", move |r| {
            r.save_scheduled(window, Some(&copy), read_at, &probe)
        })
        .await;
        self.checked("scheduled", read_at, repaired).await;
        Ok(weeks)
    }

    async fn scheduled_probe(
        &self,
        window: DateRange,
        since: DateTime<Utc>,
    ) -> BackendResult<Option<crate::client::Probe>> {
        self.inner.scheduled_probe(window, since).await
    }

    async fn roster_probe(
        &self,
        since: DateTime<Utc>,
    ) -> BackendResult<Option<crate::client::Probe>> {
        self.inner.roster_probe(since).await
    }

    async fn requests_changed(&self, since: DateTime<Utc>) -> BackendResult<Option<Vec<Request>>> {
        self.inner.requests_changed(since).await
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
