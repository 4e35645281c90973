//! Backends: the async [`Backend`] trait and its implementations (`local`, the embedded SQLite
//! store; `kantata`, Kantata OX API v1; `ruddr`, Ruddr's workspace API), with the HTTP
//! transport they share. Every string a backend returns has passed [`sanitize::clean`].

pub mod kantata;
pub mod local;
pub mod ruddr;
pub mod sanitize;
pub mod transport;

use crate::domain::{
    Allocation, Amount, DateRange, Id, Request, RequestStatus, Resource, Roster, ScheduledWeek,
};
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

    /// The product's name, for sentences.
    pub fn name(&self) -> &'static str {
        match self {
            BackendKind::Local => "The embedded workspace",
            BackendKind::Kantata => "Kantata OX",
            BackendKind::Ruddr => "Ruddr",
        }
    }

    /// Whether the backend makes allocations from scheduled hours itself (Kantata), rather
    /// than allot computing them from the scheduled weeks it read.
    pub fn makes_allocations_from_scheduled(&self) -> bool {
        matches!(self, BackendKind::Kantata)
    }

    /// Whether allocations can be soft (tentative); Ruddr's are all booked.
    pub fn has_soft(&self) -> bool {
        !matches!(self, BackendKind::Ruddr)
    }

    /// Whether the backend has a staffing-request queue (Ruddr has none).
    pub fn has_requests(&self) -> bool {
        !matches!(self, BackendKind::Ruddr)
    }

    /// Whether a split approval can be offered ([`Backend::resolve_with`]): the request's
    /// allocations cut to the first person's share, the request approved with them, and the
    /// rest booked hard on the second person's own resource. The embedded store does it in one
    /// transaction. Kantata's documents allow each write (api-notes A.7: DELETE and bulk POST
    /// `workspace_allocations`, soft on an unnamed resource; A.10: PUT `resource_requests`
    /// approve with `user_id`; A.9: POST `workspace_resources` with `user_id` and `role_id`),
    /// sent one after another: a failure part-way says what went through, and none of it can be
    /// undone there. Ruddr has no requests.
    pub fn can_split(&self) -> bool {
        matches!(self, BackendKind::Local | BackendKind::Kantata)
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
    /// Nothing was done: the backend could not be reached, or said it was too busy (429/503)
    /// after allot's retries. Trying again later is safe.
    Unavailable(String),
    /// A write was sent but no answer came back (the connection dropped, or it timed out), so
    /// whether it was saved is unknown; reading the backend again tells.
    Unknown(String),
    /// Anything else: storage, network, decoding.
    Other(String),
    /// A batch sent change by change stopped part-way: `done` went through (one per change, in
    /// order), the next change failed with `cause`, and the ones after it were not sent.
    Partial {
        done: Vec<Applied>,
        cause: Box<BackendError>,
    },
}

impl BackendError {
    /// The failure itself, under any partial batch it ended.
    pub fn cause(&self) -> &BackendError {
        match self {
            BackendError::Partial { cause, .. } => cause.cause(),
            other => other,
        }
    }
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
            | BackendError::Unavailable(m)
            | BackendError::Unknown(m)
            | BackendError::Other(m) => f.write_str(m),
            BackendError::Partial { cause, .. } => cause.fmt(f),
        }
    }
}

impl std::error::Error for BackendError {}

pub type BackendResult<T> = Result<T, BackendError>;

/// A workspace resource's version: a fingerprint of its fields, so a resource changed by
/// someone else since it was read (renamed, named, un-named) is told apart without a column
/// for it (existing workspace files need no migration).
pub fn resource_version(r: &Resource) -> i64 {
    fingerprint(&format!(
        "{:?}|{:?}|{}|{}",
        r.project_id, r.person_id, r.role, r.label
    ))
}

/// A version for a record whose backend keeps none: FNV-1a of `s` (the fields that matter),
/// 63 bits, stable across processes and builds (std's hasher is not).
pub fn fingerprint(s: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h >> 1) as i64
}

/// A new allocation, before the backend gives it an id.
#[derive(Clone, Debug, PartialEq)]
pub struct NewAllocation {
    pub resource_id: Id,
    pub range: DateRange,
    pub amount: Amount,
    pub hard: bool,
    pub notes: String,
}

/// The most allocations one bulk create may carry (Kantata's limit).
pub const BULK_LIMIT: usize = 200;

/// A new workspace resource. With no role, a named resource takes the person's primary role on
/// the project (Kantata's rule); its label is generated from the role when not given.
#[derive(Clone, Debug, PartialEq)]
pub struct NewResource {
    pub project_id: Id,
    pub person_id: Option<Id>,
    pub role: Option<String>,
    pub label: Option<String>,
}

/// One write in a batch sent by [`Backend::apply`].
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// A new resource; later changes in the same batch may name it by `temp_id` (as an
    /// allocation's `resource_id`), and the backend puts the real id in their place.
    CreateResource {
        temp_id: Id,
        new: NewResource,
    },
    /// Label, role or person of a resource (naming or un-naming it); `version` is
    /// [`resource_version`] of the resource as read (not checked for one made in the batch).
    UpdateResource {
        resource: Resource,
        version: i64,
    },
    /// Deletes a resource; its allocations must have been deleted earlier in the batch.
    DeleteResource {
        id: Id,
        version: i64,
    },
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
    ResourceCreated { temp_id: Id, resource: Resource },
    ResourceUpdated(Resource),
    ResourceDeleted(Id),
    Created(Allocation),
    Updated(Allocation),
    Deleted(Id),
    Split(Allocation, Allocation),
}

/// What a new staffing request asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum RequestTarget {
    /// An existing workspace resource.
    Resource(Id),
    /// A new unnamed resource with this role on this project (Kantata creates it with the request).
    NewUnnamed { project_id: Id, role: String },
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewRequest {
    pub target: RequestTarget,
    /// At least one.
    pub approver_ids: Vec<Id>,
    pub period: DateRange,
    /// Percentage of capacity over the period (becomes a soft allocation on the resource).
    pub percentage: u32,
    pub notes: String,
}

/// What creating a request made: the request, the resource if one was created, and the
/// allocation that holds the requested dates.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestCreated {
    pub request: Request,
    pub resource: Option<Resource>,
    pub allocations: Vec<Allocation>,
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
    /// Reject with the approver's reason. Only the embedded store keeps it (in the request's
    /// notes); Kantata's update body has no field for one (request_resolution_status, user_id,
    /// allocations_state: mavenlink-resource-requests-api-openapi.yml), so it rejects and the
    /// reason is dropped, as the confirmation says before sending.
    RejectWith(String),
    Cancel,
    /// Put a resolved request back to pending, undoing what approving did: the resource named
    /// back to `person` (None: unnamed again) and the allocations `soft` soft again. Only the
    /// embedded store can; Kantata has no way back from a resolution.
    Reopen {
        person: Option<Id>,
        soft: Vec<Id>,
    },
}

impl Resolution {
    pub fn status(&self) -> RequestStatus {
        match self {
            Resolution::Approve { .. } => RequestStatus::Approved,
            Resolution::Reject | Resolution::RejectWith(_) => RequestStatus::Rejected,
            Resolution::Cancel => RequestStatus::Cancelled,
            Resolution::Reopen { .. } => RequestStatus::New,
        }
    }
}

/// A resolution with the writes that go with it, sent as one unit: `before` (a split's reduced
/// allocations on the request's resource), the resolution, then `after` (the rest booked on
/// another person's resource).
#[derive(Clone, Debug, PartialEq)]
pub struct Bundle {
    pub before: Vec<Change>,
    pub how: Resolution,
    pub after: Vec<Change>,
}

/// What of a [`Bundle`] went through, in order: the request is `None` until it is resolved.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct BundleDone {
    pub before: Vec<Applied>,
    pub request: Option<Request>,
    pub after: Vec<Applied>,
}

/// A bundle that stopped part-way: what went through, and the backend's words for the step
/// that failed (nothing after it was sent).
#[derive(Clone, Debug, PartialEq)]
pub struct BundleFailed {
    pub done: BundleDone,
    pub cause: BackendError,
}

/// A failed batch's changes that went through, and the cause.
fn went_through(e: BackendError) -> (Vec<Applied>, BackendError) {
    match e {
        BackendError::Partial { done, cause } => (done, *cause),
        e => (Vec::new(), e),
    }
}

/// What [`Backend::roster_probe`] found: how many records each list the roster is made from
/// holds now (or a fingerprint of a small list read whole), and which lists had a record
/// changed after the time asked. Two probes with the same counts and no change since the first
/// mean the roster read just after the first is still the backend's (issue 17).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Probe {
    pub counts: std::collections::BTreeMap<String, u64>,
    pub changed: Vec<String>,
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

    /// `held`, the allocations overlapping `window` as read at `since`, brought up to date by
    /// reading only what changed after it and finding what went without reading the window
    /// whole (issue 17). `None` where the backend offers no such read: then it is read whole.
    async fn allocations_caught_up(
        &self,
        _window: DateRange,
        _since: chrono::DateTime<chrono::Utc>,
        _held: Vec<Allocation>,
    ) -> BackendResult<Option<Vec<Allocation>>> {
        Ok(None)
    }

    /// How the lists the roster is made from stand now, and which changed after `since`, in a
    /// few small requests (see [`Probe`]). `None` where the backend has no such read: then the
    /// roster is read whole every time.
    async fn roster_probe(
        &self,
        _since: chrono::DateTime<chrono::Utc>,
    ) -> BackendResult<Option<Probe>> {
        Ok(None)
    }

    /// The task-level scheduled hours of `window` probed as [`Backend::roster_probe`] probes
    /// the roster: a count, and whether any changed after `since`. `None` where the backend has
    /// no such read: then they are read whole every time.
    async fn scheduled_probe(
        &self,
        _window: DateRange,
        _since: chrono::DateTime<chrono::Utc>,
    ) -> BackendResult<Option<Probe>> {
        Ok(None)
    }

    /// The requests made or changed after `since` (to merge, by id, over those held). `None`
    /// where the backend has no such read: then they are read whole.
    async fn requests_changed(
        &self,
        _since: chrono::DateTime<chrono::Utc>,
    ) -> BackendResult<Option<Vec<Request>>> {
        Ok(None)
    }

    /// Asks that the next reads of everything be whole, not incremental, and compared with
    /// what is held (the replica's full check, issue 17). Only a replicated backend does
    /// anything.
    fn request_full_check(&self) {}

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
    /// this default runs them one by one and, when one fails after others went through, says
    /// which with [`BackendError::Partial`]. Nothing is undone behind the caller's back: an
    /// undo can fail too (or overwrite someone else's change), so the caller keeps what went
    /// through and reads the backend again.
    async fn apply(&self, changes: Vec<Change>) -> BackendResult<Vec<Applied>> {
        let mut done: Vec<Applied> = Vec::with_capacity(changes.len());
        // Resources created in this batch, by the temporary id later changes use.
        let mut made: Vec<(Id, Id)> = Vec::new();
        let real = |made: &[(Id, Id)], id: Id| {
            made.iter()
                .find(|(t, _)| *t == id)
                .map(|(_, r)| r.clone())
                .unwrap_or(id)
        };
        let mut changes = changes.into_iter().peekable();
        while let Some(change) = changes.next() {
            let change = match change {
                Change::Create(mut n) => {
                    n.resource_id = real(&made, n.resource_id);
                    Change::Create(n)
                }
                Change::Update(mut a) => {
                    a.resource_id = real(&made, a.resource_id);
                    Change::Update(a)
                }
                Change::UpdateResource {
                    mut resource,
                    version,
                } => {
                    resource.id = real(&made, resource.id);
                    Change::UpdateResource { resource, version }
                }
                Change::DeleteResource { id, version } => Change::DeleteResource {
                    id: real(&made, id),
                    version,
                },
                other => other,
            };
            let result = match change {
                Change::CreateResource { temp_id, new } => self
                    .create_resources(vec![new])
                    .await
                    .and_then(|mut v| match v.pop() {
                        Some(resource) => {
                            made.push((temp_id.clone(), resource.id.clone()));
                            Ok(vec![Applied::ResourceCreated { temp_id, resource }])
                        }
                        None => Err(BackendError::Other(
                            "the backend created no resource".into(),
                        )),
                    }),
                Change::UpdateResource { resource, version } => {
                    let fresh = made.iter().any(|(_, r)| *r == resource.id);
                    match self
                        .check_resource_unchanged(&resource.id, version, fresh)
                        .await
                    {
                        Ok(()) => self
                            .update_resource(resource)
                            .await
                            .map(|r| vec![Applied::ResourceUpdated(r)]),
                        Err(e) => Err(e),
                    }
                }
                Change::DeleteResource { id, version } => {
                    let fresh = made.iter().any(|(_, r)| *r == id);
                    match self.check_resource_unchanged(&id, version, fresh).await {
                        Ok(()) => self
                            .delete_resource(id.clone())
                            .await
                            .map(|_| vec![Applied::ResourceDeleted(id)]),
                        Err(e) => Err(e),
                    }
                }
                // Consecutive creates go as bulk requests of at most BULK_LIMIT.
                Change::Create(first) => {
                    let mut batch = vec![first];
                    while batch.len() < BULK_LIMIT
                        && let Some(Change::Create(_)) = changes.peek()
                    {
                        if let Some(Change::Create(mut n)) = changes.next() {
                            n.resource_id = real(&made, n.resource_id);
                            batch.push(n);
                        }
                    }
                    let asked = batch.len();
                    self.create_allocations(batch).await.and_then(|created| {
                        if created.len() == asked {
                            Ok(created.into_iter().map(Applied::Created).collect())
                        } else {
                            Err(BackendError::Other(format!(
                                "asked to create {asked} allocations, the backend created {}",
                                created.len()
                            )))
                        }
                    })
                }
                Change::Update(a) => self
                    .update_allocation(a)
                    .await
                    .map(|a| vec![Applied::Updated(a)]),
                Change::Delete { id, version } => match self.check_unchanged(&id, version).await {
                    Ok(()) => self
                        .delete_allocation(id.clone())
                        .await
                        .map(|_| vec![Applied::Deleted(id)]),
                    Err(e) => Err(e),
                },
                Change::Split { id, version, date } => {
                    match self.check_unchanged(&id, version).await {
                        Ok(()) => self
                            .split_allocation(id, date)
                            .await
                            .map(|(a, b)| vec![Applied::Split(a, b)]),
                        Err(e) => Err(e),
                    }
                }
            };
            match result {
                Ok(applied) => done.extend(applied),
                // A step that itself went part-way (a bulk create) adds what it did.
                Err(BackendError::Partial { done: more, cause }) => {
                    done.extend(more);
                    return Err(BackendError::Partial { done, cause });
                }
                Err(e) if done.is_empty() => return Err(e),
                Err(e) => {
                    return Err(BackendError::Partial {
                        done,
                        cause: Box::new(e),
                    });
                }
            }
        }
        Ok(done)
    }

    /// Refuses, as [`BackendError::Stale`], when allocation `id` changed since `version` was
    /// read. The default trusts the caller: backends whose delete and split can't check for
    /// themselves (Kantata, Ruddr) read the record here first.
    async fn check_unchanged(&self, _id: &Id, _version: i64) -> BackendResult<()> {
        Ok(())
    }

    /// The same for workspace resource `id` against its [`resource_version`]; `fresh` when the
    /// batch made it (nothing to compare). The default trusts the caller.
    async fn check_resource_unchanged(
        &self,
        _id: &Id,
        _version: i64,
        _fresh: bool,
    ) -> BackendResult<()> {
        Ok(())
    }

    /// Creates workspace resources (Kantata: bulk, at most [`BULK_LIMIT`] per request).
    async fn create_resources(&self, _new: Vec<NewResource>) -> BackendResult<Vec<Resource>> {
        Err(self.unsupported("creating workspace resources"))
    }

    async fn update_resource(&self, _r: Resource) -> BackendResult<Resource> {
        Err(self.unsupported("changing workspace resources"))
    }

    async fn delete_resource(&self, _id: Id) -> BackendResult<()> {
        Err(self.unsupported("deleting workspace resources"))
    }

    /// Task-level scheduled hours per resource and week, for weeks starting in `window`.
    async fn scheduled_hours(&self, _window: DateRange) -> BackendResult<Vec<ScheduledWeek>> {
        Err(self.unsupported("scheduled hours"))
    }

    /// Asks the backend to make allocations from the resources' task-level scheduled hours in
    /// `when` (Kantata does this server-side). Backends that can't say so; the embedded store
    /// has allot compute them instead (see `app::scheduled`).
    async fn allocations_from_scheduled(
        &self,
        _resources: Vec<Id>,
        _hard: bool,
        _when: crate::domain::staffing::When,
    ) -> BackendResult<()> {
        Err(self.unsupported("making allocations from scheduled hours"))
    }

    /// Who "I" am, in words ("Morgan Lee (1001)"), for `allot config check`: a cheap call that
    /// proves the token works. The default reads the roster.
    async fn whoami(&self) -> BackendResult<String> {
        let roster = self.roster().await?;
        let me = roster.current_user.as_ref().and_then(|id| {
            roster
                .people
                .iter()
                .find(|p| &p.id == id)
                .map(|p| format!("{} ({id})", p.name))
        });
        Ok(me.unwrap_or_else(|| "nobody in particular".into()))
    }

    /// What the backend is waiting on that the user should see, such as a retry after the
    /// server said it was busy; `None` when nothing is.
    fn activity(&self) -> Option<String> {
        None
    }

    /// A token that changes when someone else changes the store, for cheap polling; `None`
    /// where the backend has no such thing (then allot refreshes only when asked).
    async fn change_token(&self) -> BackendResult<Option<i64>> {
        Ok(None)
    }

    /// Creates a staffing request (and, for a new unnamed resource, the resource), holding the
    /// requested dates as a soft allocation on the resource, as Kantata does.
    async fn create_request(&self, _new: NewRequest) -> BackendResult<RequestCreated> {
        Err(self.unsupported("creating resource requests"))
    }

    /// Replaces a pending request's approvers (Kantata's `update_approver`).
    async fn update_approver(&self, _id: Id, _approver_ids: Vec<Id>) -> BackendResult<Request> {
        Err(self.unsupported("reassigning requests"))
    }

    /// Resolves a pending request. Approving an unnamed resource names it with `user_id` and
    /// makes its allocations hard unless `soft`; resolving a request twice is refused.
    async fn resolve_request(&self, _id: Id, _how: Resolution) -> BackendResult<Request> {
        Err(self.unsupported("resolving requests"))
    }

    /// Sends `bundle` for request `id`. This default sends its parts one after another and stops
    /// at the first refusal, saying what went through ([`BundleFailed`]); nothing is undone
    /// behind the caller's back. The embedded store does it all or nothing.
    async fn resolve_with(&self, id: Id, bundle: Bundle) -> Result<BundleDone, BundleFailed> {
        let mut done = BundleDone::default();
        match self.apply(bundle.before).await.map_err(went_through) {
            Ok(v) => done.before = v,
            Err((part, cause)) => {
                done.before = part;
                return Err(BundleFailed { done, cause });
            }
        }
        match self.resolve_request(id, bundle.how).await {
            Ok(r) => done.request = Some(r),
            Err(cause) => return Err(BundleFailed { done, cause }),
        }
        match self.apply(bundle.after).await.map_err(went_through) {
            Ok(v) => done.after = v,
            Err((part, cause)) => {
                done.after = part;
                return Err(BundleFailed { done, cause });
            }
        }
        Ok(done)
    }

    fn unsupported(&self, what: &str) -> BackendError {
        BackendError::Unsupported(format!(
            "{} does not offer {what} to allot",
            self.kind().name()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use std::sync::Mutex;

    /// A backend that records its calls and creates whatever it is asked to.
    #[derive(Default)]
    struct Recorder {
        creates: Mutex<Vec<usize>>,
        fail_on_update: bool,
        deleted: Mutex<Vec<Id>>,
        /// An allocation that changed since it was read.
        stale: Option<Id>,
    }

    #[async_trait]
    impl Backend for Recorder {
        fn kind(&self) -> BackendKind {
            BackendKind::Kantata
        }
        async fn roster(&self) -> BackendResult<Roster> {
            Ok(Roster::default())
        }
        async fn allocations(&self, _: DateRange) -> BackendResult<Vec<Allocation>> {
            Ok(vec![])
        }
        async fn requests(&self) -> BackendResult<Vec<Request>> {
            Ok(vec![])
        }
        async fn create_allocations(
            &self,
            new: Vec<NewAllocation>,
        ) -> BackendResult<Vec<Allocation>> {
            let mut creates = self.creates.lock().unwrap();
            let base = creates.iter().sum::<usize>();
            creates.push(new.len());
            Ok(new
                .into_iter()
                .enumerate()
                .map(|(i, n)| Allocation {
                    id: Id::from((base + i) as u64),
                    resource_id: n.resource_id,
                    project_id: None,
                    range: n.range,
                    amount: n.amount,
                    hard: n.hard,
                    notes: n.notes,
                    read_only: false,
                    allocate_on_time_off: false,
                    server_total_minutes: None,
                    version: 1,
                })
                .collect())
        }
        async fn update_allocation(&self, a: Allocation) -> BackendResult<Allocation> {
            if self.fail_on_update {
                return Err(BackendError::Validation {
                    field: Some("start_date".into()),
                    message: "is locked".into(),
                });
            }
            Ok(a)
        }
        async fn delete_allocation(&self, id: Id) -> BackendResult<()> {
            self.deleted.lock().unwrap().push(id);
            Ok(())
        }
        async fn check_unchanged(&self, id: &Id, _version: i64) -> BackendResult<()> {
            match &self.stale {
                Some(s) if s == id => Err(BackendError::Stale(format!("{id} changed"))),
                _ => Ok(()),
            }
        }
    }

    fn new(i: u64) -> Change {
        let d = parse_date("2026-11-23").unwrap();
        Change::Create(NewAllocation {
            resource_id: Id::from(i),
            range: DateRange::day(d),
            amount: Amount::TotalMinutes(60),
            hard: false,
            notes: String::new(),
        })
    }

    #[tokio::test]
    async fn creates_go_in_bulk_requests_of_at_most_200() {
        let b = Recorder::default();
        let applied = b.apply((0..450).map(new).collect()).await.unwrap();
        assert_eq!(applied.len(), 450);
        assert_eq!(*b.creates.lock().unwrap(), vec![200, 200, 50]);
        assert!(matches!(&applied[449], Applied::Created(a) if a.resource_id == Id::from(449)));
    }

    #[tokio::test]
    async fn a_failure_midway_says_what_went_through_and_undoes_nothing() {
        let b = Recorder {
            fail_on_update: true,
            ..Default::default()
        };
        let d = parse_date("2026-11-23").unwrap();
        let a = Allocation {
            id: Id::new("7"),
            resource_id: Id::new("1"),
            project_id: None,
            range: DateRange::day(d),
            amount: Amount::TotalMinutes(60),
            hard: true,
            notes: String::new(),
            read_only: false,
            allocate_on_time_off: false,
            server_total_minutes: None,
            version: 1,
        };
        let err = b
            .apply(vec![new(1), new(2), Change::Update(a.clone()), new(3)])
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "start_date: is locked",
            "the cause's words"
        );
        let BackendError::Partial { done, cause } = &err else {
            panic!("a partial failure: {err:?}")
        };
        assert_eq!(done.len(), 2, "the two creates went through");
        assert!(matches!(&done[1], Applied::Created(x) if x.resource_id == Id::from(2)));
        assert!(matches!(**cause, BackendError::Validation { .. }));
        assert_eq!(err.cause(), &**cause);
        assert!(
            b.deleted.lock().unwrap().is_empty(),
            "nothing undone behind the caller"
        );
        assert_eq!(
            *b.creates.lock().unwrap(),
            vec![2],
            "nothing sent after the failure"
        );

        // Failing at the first change is a plain failure: nothing went through.
        let err = b.apply(vec![Change::Update(a), new(4)]).await.unwrap_err();
        assert!(matches!(err, BackendError::Validation { .. }), "{err:?}");
    }

    #[tokio::test]
    async fn deletes_and_splits_are_checked_before_they_are_sent() {
        let b = Recorder {
            stale: Some(Id::new("9")),
            ..Default::default()
        };
        let d = parse_date("2026-11-23").unwrap();
        let err = b
            .apply(vec![
                Change::Delete {
                    id: Id::new("8"),
                    version: 3,
                },
                Change::Split {
                    id: Id::new("9"),
                    version: 3,
                    date: d,
                },
            ])
            .await
            .unwrap_err();
        let BackendError::Partial { done, cause } = err else {
            panic!("partial")
        };
        assert_eq!(done, vec![Applied::Deleted(Id::new("8"))]);
        assert!(matches!(*cause, BackendError::Stale(_)));
        let err = b
            .apply(vec![Change::Delete {
                id: Id::new("9"),
                version: 3,
            }])
            .await
            .unwrap_err();
        assert!(matches!(err, BackendError::Stale(_)));
        assert_eq!(
            *b.deleted.lock().unwrap(),
            vec![Id::new("8")],
            "9 never deleted"
        );
    }
}
