//! `allot --backend kantata`: the [`Backend`] over Kantata OX API v1, reads and writes.
//!
//! Kantata keeps no version on an allocation, so `updated_at` stands in for one: every write
//! (change, delete, split) first reads the allocation back and refuses, as "changed elsewhere",
//! if it moved on since allot read it; a resource's write compares its fields the same way. Roles are names in allot and ids in Kantata; the roster keeps the map.

use super::capacity::{self, Capacity};
use super::decode::{self, Page, WireResource, WireResourceRequest};
use super::encode::{self, RequestResource};
use super::http::{Http, HttpConfig};
use super::scheduled;
use super::skills;
use crate::client::transport;
use crate::client::{
    Backend, BackendError, BackendKind, BackendResult, NewAllocation, NewRequest, NewResource,
    RequestCreated, RequestTarget, Resolution,
};
use crate::domain::skills::Skills;
use crate::domain::staffing::When;
use crate::domain::{Allocation, DateRange, Id, Request, Resource, Roster};
use async_trait::async_trait;

mod changes;
use chrono::NaiveDate;
use reqwest::Method;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

const ALLOCATION_INCLUDES: &str = "workspace";
const RESOURCE_INCLUDES: &str = "user,role,workspace";
const REQUEST_INCLUDES: &str = "approvers,creator,resource";
/// A user's account role comes only as `include=role` (K-users `include`); `headline` is free text.
const USER_INCLUDES: &str = "role";
/// The client company is the project's primary workspace group (K-ws `include`:
/// `primary_workspace_group`), not `client_role_name` (the client team).
const WORKSPACE_INCLUDES: &str = "primary_workspace_group";

pub struct KantataBackend {
    http: Arc<Http>,
    /// Role ids by lower-cased name, from the last roster read.
    roles: Mutex<HashMap<String, Id>>,
    /// Who "I" am instead of the token's user (a profile's `user`, `--user`).
    acting_as: Option<Id>,
    /// The day requests resolved in the last [`RESOLVED_DAYS`] count back from.
    today: NaiveDate,
    /// The window the last allocations read covered: time off is read inside it.
    window: Mutex<Option<DateRange>>,
}

/// Resolved requests older than this (by `updated_at`) are history, not read.
const RESOLVED_DAYS: i64 = 90;

impl KantataBackend {
    pub fn new(config: HttpConfig) -> BackendResult<KantataBackend> {
        Ok(KantataBackend {
            http: Arc::new(Http::new(config)?),
            roles: Mutex::new(HashMap::new()),
            acting_as: None,
            today: chrono::Utc::now().date_naive(),
            window: Mutex::new(None),
        })
    }

    /// The day "recently resolved" counts back from (`--today`; the clock's day by default).
    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = today;
    }

    /// The allocations window last loaded, else the app's first.
    fn loaded_window(&self) -> DateRange {
        self.window
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .unwrap_or_else(|| crate::app::state::initial_window(self.today))
    }

    /// Names "I" (for "mine" in the queue) instead of the token's own user.
    pub fn act_as(&mut self, user: Option<Id>) {
        self.acting_as = user;
    }

    /// Every page's canonical results, mapped.
    async fn all<T>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        map: fn(&Page) -> BackendResult<Vec<T>>,
    ) -> BackendResult<Vec<T>>
    where
        T: Send + 'static,
    {
        let pages = self
            .http
            .get_all_with(path, &transport::query(query), move |p| map(&p))
            .await?;
        Ok(pages.into_iter().flatten().collect())
    }

    /// Sends a write and reads the answer as a page (`None` for an empty 204).
    /// `again`: whether the write may be sent again after a lost answer (a PUT that sets
    /// fields, a DELETE). Creates, splits and resolutions may not: they would not do the same
    /// thing twice.
    async fn write(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
        again: bool,
    ) -> BackendResult<Option<Page>> {
        let idempotent = again && method != Method::POST;
        let text = self
            .http
            .send(method, path, &transport::query(query), body, idempotent)
            .await?;
        if text.trim().is_empty() {
            Ok(None)
        } else {
            Page::parse(&text).map(Some)
        }
    }

    async fn write_page(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: &Value,
        again: bool,
    ) -> BackendResult<Page> {
        self.write(method, path, query, Some(body), again)
            .await?
            .ok_or_else(|| BackendError::Other(format!("Kantata sent an empty answer to {path}")))
    }

    fn role_id(&self, role: &str) -> BackendResult<Id> {
        let roles = self.roles.lock().unwrap_or_else(PoisonError::into_inner);
        roles
            .get(&role.trim().to_lowercase())
            .cloned()
            .ok_or_else(|| BackendError::Validation {
                field: Some("role".into()),
                message: format!("Kantata has no role named '{role}'"),
            })
    }

    /// Records that something refers to but the default listing left out (archived projects:
    /// K-ws "By default, archived projects are not returned … Use the `include_archived=true`
    /// filter"; disabled users: K-users `show_disabled`, "Includes users with an inactive
    /// account membership and users who have been disabled"), read by id with `only` and the
    /// parameter that lets them through, in one bounded request.
    async fn missing_by_id<T>(
        &self,
        path: &str,
        mut ids: Vec<Id>,
        params: &[(&str, &str)],
        map: fn(&Page) -> BackendResult<Vec<T>>,
    ) -> BackendResult<Vec<T>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        if ids.len() > BY_ID_MAX {
            tracing::warn!(
                path,
                missing = ids.len(),
                "more referred records than one page; the rest stay unnamed"
            );
            ids.truncate(BY_ID_MAX);
        }
        let only = ids.iter().map(Id::as_str).collect::<Vec<_>>().join(",");
        let per_page = BY_ID_MAX.to_string();
        let mut query = vec![("only", only.as_str()), ("per_page", per_page.as_str())];
        query.extend_from_slice(params);
        let page = self.http.get(path, &transport::query(&query)).await?;
        map(&page)
    }

    /// Workweeks, holiday calendars and time off (see `capacity.rs`): each list once, paged,
    /// all at once under the same in-flight bound as every other read. Holiday calendar memberships
    /// (one per member) are read only when the account has more than its default calendar.
    async fn capacity(&self, window: DateRange) -> BackendResult<Capacity> {
        let (from, to) = capacity::time_off_bounds(window);
        let (from, to) = (from.as_str(), to.as_str());
        // The account's lists whole, not by `user_ids` batches: the roster reads every account
        // user anyway, and one paged list is the fewest requests (a batch costs a part-filled
        // page each). Entries of users allot does not show are ignored when calendars are built.
        let weeks = self.all(
            "workweek_memberships",
            &[("include", "workweek")],
            capacity::workweek_memberships,
        );
        let off_query = [("start_date", from), ("end_date", to), ("include", "user")];
        let off = self.all("time_off_entries", &off_query, capacity::time_off);
        let (defaults, weeks, holiday_memberships, holidays, off) = futures::try_join!(
            self.all("workweeks", &[], capacity::default_workweeks),
            weeks,
            async {
                let calendars = self
                    .all("holiday_calendars", &[], capacity::holiday_calendars)
                    .await?;
                if capacity::only_the_default(&calendars) {
                    return Ok(vec![]);
                }
                self.all(
                    "holiday_calendar_memberships",
                    &[("include", "holiday_calendar")],
                    capacity::holiday_memberships,
                )
                .await
            },
            self.all(
                "holiday_calendar_associations",
                &[("include", "holiday,holiday_calendar")],
                capacity::holiday_associations
            ),
            off,
        )?;
        Ok(Capacity {
            defaults,
            workweeks: weeks,
            holiday_memberships,
            holidays,
            time_off: off,
        })
    }

    /// The skills of `users` (see `skills.rs`), [`skills::BATCH`] users a request, paged, all
    /// at once under the same in-flight bound as every other read. Skills only break ties, so
    /// a failure leaves the roster without them rather than failing it.
    async fn skills(&self, users: &[Id]) -> Skills {
        let reads = skills::batches(users).into_iter().map(|ids| async move {
            self.all(
                skills::PATH,
                &[("user_ids", ids.as_str()), ("include", skills::INCLUDES)],
                skills::memberships,
            )
            .await
        });
        match futures::future::try_join_all(reads).await {
            Ok(rows) => skills::by_person(rows.into_iter().flatten()),
            Err(e) => {
                tracing::warn!(error = %e, "could not read skills; ranking without them");
                Skills::new()
            }
        }
    }

    /// One allocation as Kantata has it now.
    async fn fetch_allocation(&self, id: &Id) -> BackendResult<Allocation> {
        let page = self
            .http
            .get(
                "workspace_allocations",
                &transport::query(&[("only", id.as_str()), ("include", ALLOCATION_INCLUDES)]),
            )
            .await?;
        decode::allocations(&page)?
            .into_iter()
            .next()
            .ok_or_else(|| BackendError::NotFound(format!("allocation {id} is gone from Kantata")))
    }

    /// Refuses to write over an allocation that changed since `a.version` was read. `Some` when
    /// Kantata already holds exactly `a` (a resend of a write whose answer was lost).
    async fn check_fresh(&self, a: &Allocation) -> BackendResult<Option<Allocation>> {
        let now = self.fetch_allocation(&a.id).await?;
        let same = now.range == a.range
            && now.amount == a.amount
            && now.hard == a.hard
            && now.notes == a.notes;
        if same {
            return Ok(Some(now));
        }
        refuse_if_moved(&now, a.version)?;
        Ok(None)
    }

    async fn fetch_resource(&self, id: &Id) -> BackendResult<Resource> {
        let page = self
            .http
            .get(
                "workspace_resources",
                &transport::query(&[
                    ("only", id.as_str()),
                    ("include_unnamed", "true"),
                    ("include", RESOURCE_INCLUDES),
                ]),
            )
            .await?;
        decode::resources(&page)?
            .into_iter()
            .next()
            .ok_or_else(|| BackendError::NotFound(format!("resource {id} is gone from Kantata")))
    }

    /// One listing of requests with `filter` (each page's canonical results).
    async fn requests_where(
        &self,
        filter: (&str, &str),
    ) -> BackendResult<Vec<WireResourceRequest>> {
        let pages = self
            .http
            .get_all(
                "resource_requests",
                &transport::query(&[filter, ("include", REQUEST_INCLUDES)]),
            )
            .await?;
        let mut wires = Vec::new();
        for p in &pages {
            wires.extend(p.canonical::<WireResourceRequest>("resource_requests")?);
        }
        Ok(wires)
    }

    /// The one request a write answered with.
    fn request_from(page: &Page, id: &Id) -> BackendResult<Request> {
        let wires = page.canonical::<WireResourceRequest>("resource_requests")?;
        wires
            .iter()
            .find(|w| &w.id == id)
            .map(decode::request_from_wire)
            .ok_or_else(|| BackendError::Other(format!("Kantata did not send request {id} back")))
    }
}

/// `overlaps_with_date_range`'s value: "two dates separated by a colon" (K-wa L130).
fn date_range(window: DateRange) -> String {
    format!(
        "{}:{}",
        window.start.format("%Y-%m-%d"),
        window.end.format("%Y-%m-%d")
    )
}

/// Two listings of requests as one, each request once: where both hold it (it changed between
/// the reads) the copy updated last wins. In id order, as the store lists them.
fn merge_requests(
    a: Vec<WireResourceRequest>,
    b: Vec<WireResourceRequest>,
) -> Vec<WireResourceRequest> {
    let mut by_id: HashMap<Id, WireResourceRequest> = HashMap::new();
    for w in a.into_iter().chain(b) {
        match by_id.get(&w.id) {
            Some(kept) if kept.updated_at >= w.updated_at => {}
            _ => {
                by_id.insert(w.id.clone(), w);
            }
        }
    }
    let mut out: Vec<WireResourceRequest> = by_id.into_values().collect();
    out.sort_by_cached_key(|w| (w.id.as_str().parse::<u64>().ok(), w.id.to_string()));
    out
}

/// Ids that `refs` point at through `to` but `have` lacks (sorted, each once).
fn referred<R, T>(
    refs: &[R],
    have: &[T],
    to: impl Fn(&R) -> Option<&Id>,
    id: impl Fn(&T) -> &Id,
) -> Vec<Id> {
    let known: std::collections::HashSet<&Id> = have.iter().map(id).collect();
    let mut missing: Vec<Id> = refs
        .iter()
        .filter_map(to)
        .filter(|i| !known.contains(i))
        .cloned()
        .collect();
    missing.sort();
    missing.dedup();
    missing
}

/// The most ids one by-id read asks for: Kantata's largest page (`per_page` ≤ 200, K-spec
/// "Pagination"), so the read is one request.
const BY_ID_MAX: usize = 200;

/// The one staleness check of every write: Kantata's record `now` against the version read.
fn refuse_if_moved(now: &Allocation, version: i64) -> BackendResult<()> {
    if now.version == version {
        return Ok(());
    }
    Err(BackendError::Stale(format!(
        "allocation {} was changed in Kantata since allot read it",
        now.id
    )))
}

#[async_trait]
impl Backend for KantataBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Kantata
    }

    fn activity(&self) -> Option<String> {
        self.http.activity()
    }

    /// The five lists are independent, so they are read together; the in-flight bound keeps
    /// the total at the configured concurrency.
    async fn roster(&self) -> BackendResult<Roster> {
        let (me, mut people, mut projects, roles, resources) = futures::try_join!(
            self.http.get("users/me", &[]),
            self.all(
                "users",
                &[("on_my_account", "true"), ("include", USER_INCLUDES)],
                decode::people
            ),
            self.all(
                "workspaces",
                &[("include", WORKSPACE_INCLUDES)],
                decode::projects
            ),
            self.all("roles", &[], decode::roles),
            self.all(
                "workspace_resources",
                &[("include_unnamed", "true"), ("include", RESOURCE_INCLUDES)],
                decode::resources,
            ),
        )?;
        let current_user = self
            .acting_as
            .clone()
            .or_else(|| me.results.first().map(|(_, id)| id.clone()));
        let disabled_ids = referred(&resources, &people, |r| r.person_id.as_ref(), |p| &p.id);
        let users: Vec<Id> = people
            .iter()
            .map(|p| p.id.clone())
            .chain(disabled_ids.iter().cloned())
            .collect();
        // Time off is read for the allocations window last loaded (the roster's second round
        // of reads starts after the app has asked for it), else the app's first.
        let window = self.loaded_window();
        let (archived, disabled, capacity, skills) = futures::try_join!(
            self.missing_by_id(
                "workspaces",
                referred(&resources, &projects, |r| r.project_id.as_ref(), |p| &p.id),
                &[
                    ("include_archived", "true"),
                    ("include", WORKSPACE_INCLUDES)
                ],
                decode::projects,
            ),
            self.missing_by_id(
                "users",
                disabled_ids,
                &[("show_disabled", "true"), ("include", USER_INCLUDES)],
                decode::people,
            ),
            self.capacity(window),
            async { Ok(self.skills(&users).await) },
        )?;
        projects.extend(archived);
        people.extend(disabled);
        let calendars = capacity.calendars(&users, window);
        for p in &mut people {
            // The person's one pattern (today's) and whole days off; the calendar keeps the rest.
            if let Some(cal) = calendars.get(&p.id) {
                p.weekly = cal.weekly_on(self.today);
                p.time_off = cal.time_off.clone();
            }
        }
        self.set_roles(roles);
        Ok(Roster {
            holidays: capacity.default_holidays(),
            unnamed_calendar: Some(capacity.account_default()),
            calendars,
            name: "Kantata OX".into(),
            current_user,
            people,
            projects,
            resources,
            participations: Vec::new(),
            skills,
        })
    }

    async fn whoami(&self) -> BackendResult<String> {
        let page = self.http.get("users/me", &[]).await?;
        let me = decode::people(&page)?
            .into_iter()
            .next()
            .ok_or_else(|| BackendError::Other("Kantata's users/me named nobody".into()))?;
        Ok(format!("{} ({})", me.name, me.id))
    }

    async fn allocations_caught_up(
        &self,
        window: DateRange,
        since: chrono::DateTime<chrono::Utc>,
        held: Vec<Allocation>,
    ) -> BackendResult<Option<Vec<Allocation>>> {
        *self.window.lock().unwrap_or_else(PoisonError::into_inner) = Some(window);
        self.caught_up(window, since, held).await.map(Some)
    }

    async fn roster_probe(
        &self,
        since: chrono::DateTime<chrono::Utc>,
    ) -> BackendResult<Option<crate::client::Probe>> {
        self.probe_roster(since).await.map(Some)
    }

    async fn scheduled_probe(
        &self,
        window: DateRange,
        since: chrono::DateTime<chrono::Utc>,
    ) -> BackendResult<Option<crate::client::Probe>> {
        self.probe_scheduled(window, since).await.map(Some)
    }

    async fn requests_changed(
        &self,
        since: chrono::DateTime<chrono::Utc>,
    ) -> BackendResult<Option<Vec<Request>>> {
        self.changed_requests(since).await.map(Some)
    }

    async fn allocations(&self, window: DateRange) -> BackendResult<Vec<Allocation>> {
        *self.window.lock().unwrap_or_else(PoisonError::into_inner) = Some(window);
        let range = date_range(window);
        self.all(
            "workspace_allocations",
            &[
                ("overlaps_with_date_range", &range),
                ("include", ALLOCATION_INCLUDES),
            ],
            decode::allocations,
        )
        .await
    }

    /// The pending queue plus what was resolved in the last [`RESOLVED_DAYS`], never the whole
    /// history: K-rr's `pending_requests_only` and `updated_after` (an ISO 8601 datetime;
    /// mavenlink-resource-requests-api-openapi.yml L82, L99; api-notes.md "ResourceRequest").
    /// Kantata has no "resolved after" filter; resolving a request updates it, so
    /// `updated_after` finds every recent resolution (and some pending ones again, kept once).
    async fn requests(&self) -> BackendResult<Vec<Request>> {
        let since = (self.today - chrono::Days::new(RESOLVED_DAYS as u64))
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_default();
        let (pending, recent) = tokio::try_join!(
            self.requests_where(("pending_requests_only", "true")),
            self.requests_where(("updated_after", &since)),
        )?;
        // A request carries no period: what approving changes is read from the loaded
        // allocations (`domain::impact`), so no allocation is read for requests here.
        Ok(merge_requests(pending, recent)
            .iter()
            .map(decode::request_from_wire)
            .collect())
    }

    /// One POST for all of them (the trait's `apply` keeps batches within [`crate::client::BULK_LIMIT`]).
    /// The answer is matched back to the order asked by resource, dates and minutes.
    async fn create_allocations(&self, new: Vec<NewAllocation>) -> BackendResult<Vec<Allocation>> {
        if new.is_empty() {
            return Ok(vec![]);
        }
        let body = encode::create_allocations(&new)?;
        let page = self
            .write_page(
                Method::POST,
                "workspace_allocations",
                &[("include", ALLOCATION_INCLUDES)],
                &body,
                true,
            )
            .await?;
        let mut created: Vec<Option<Allocation>> =
            decode::allocations(&page)?.into_iter().map(Some).collect();
        new.iter()
            .map(|n| {
                let slot = created.iter_mut().find(|c| {
                    c.as_ref().is_some_and(|a| {
                        a.resource_id == n.resource_id && a.range == n.range && a.amount == n.amount
                    })
                });
                slot.and_then(Option::take).ok_or_else(|| {
                    BackendError::Other(format!(
                        "Kantata's answer is missing the allocation for resource {} from {}",
                        n.resource_id, n.range.start
                    ))
                })
            })
            .collect()
    }

    async fn update_allocation(&self, a: Allocation) -> BackendResult<Allocation> {
        let body = encode::update_allocation(&a)?;
        if let Some(already) = self.check_fresh(&a).await? {
            return Ok(already);
        }
        let page = self
            .write_page(
                Method::PUT,
                &format!("workspace_allocations/{}", a.id),
                &[("include", ALLOCATION_INCLUDES)],
                &body,
                true,
            )
            .await?;
        decode::allocations(&page)?
            .into_iter()
            .find(|x| x.id == a.id)
            .ok_or_else(|| {
                BackendError::Other(format!("Kantata did not send allocation {} back", a.id))
            })
    }

    /// Kantata's delete and split take no version, so the record is read back first, as an
    /// update's is (`apply` calls this before each).
    async fn check_unchanged(&self, id: &Id, version: i64) -> BackendResult<()> {
        refuse_if_moved(&self.fetch_allocation(id).await?, version)
    }

    async fn check_resource_unchanged(
        &self,
        id: &Id,
        version: i64,
        fresh: bool,
    ) -> BackendResult<()> {
        if fresh {
            return Ok(());
        }
        let now = self.fetch_resource(id).await?;
        if crate::client::resource_version(&now) == version {
            return Ok(());
        }
        Err(BackendError::Stale(format!(
            "resource {id} ({}) was changed in Kantata since allot read it",
            now.label
        )))
    }

    async fn delete_allocation(&self, id: Id) -> BackendResult<()> {
        self.write(
            Method::DELETE,
            &format!("workspace_allocations/{id}"),
            &[],
            None,
            true,
        )
        .await
        .map(|_| ())
    }

    async fn split_allocation(
        &self,
        id: Id,
        date: NaiveDate,
    ) -> BackendResult<(Allocation, Allocation)> {
        let day = date.format("%Y-%m-%d").to_string();
        let page = self
            .write(
                Method::PUT,
                "workspace_allocations/split",
                &[
                    ("workspace_allocation_id", id.as_str()),
                    ("split_date", &day),
                    ("include", ALLOCATION_INCLUDES),
                ],
                None,
                false,
            )
            .await?
            .ok_or_else(|| BackendError::Other("Kantata sent an empty answer to a split".into()))?;
        let mut parts = decode::allocations(&page)?;
        parts.sort_by_key(|a| a.range.start);
        match <[Allocation; 2]>::try_from(parts) {
            Ok([a, b]) => Ok((a, b)),
            Err(parts) => Err(BackendError::Other(format!(
                "Kantata split allocation {id} into {} parts, not two",
                parts.len()
            ))),
        }
    }

    async fn create_resources(&self, new: Vec<NewResource>) -> BackendResult<Vec<Resource>> {
        if new.is_empty() {
            return Ok(vec![]);
        }
        let mut items = Vec::with_capacity(new.len());
        for n in &new {
            let role_id = match (&n.role, &n.person_id) {
                (Some(role), _) => Some(self.role_id(role)?),
                (None, None) => {
                    return Err(BackendError::Validation {
                        field: Some("role".into()),
                        message: "an unnamed resource needs a role".into(),
                    });
                }
                (None, Some(_)) => None,
            };
            items.push(encode::new_resource(
                &n.project_id,
                n.person_id.as_ref(),
                role_id.as_ref(),
            ));
        }
        let page = self
            .write_page(
                Method::POST,
                "workspace_resources",
                &[("include", RESOURCE_INCLUDES)],
                &encode::create_resources(items),
                true,
            )
            .await?;
        let mut made = decode::resources(&page)?;
        // A label of allot's choosing goes on afterwards (Kantata generates one on create).
        for (r, n) in made.iter_mut().zip(&new) {
            if let Some(label) = n.label.as_ref().filter(|l| **l != r.label) {
                let mut wanted = r.clone();
                wanted.label = label.clone();
                *r = self.update_resource(wanted).await?;
            }
        }
        Ok(made)
    }

    async fn update_resource(&self, r: Resource) -> BackendResult<Resource> {
        let role_id = if r.role.trim().is_empty() {
            None
        } else {
            Some(self.role_id(&r.role)?)
        };
        let body = encode::update_resource(&r.label, r.person_id.as_ref(), role_id.as_ref());
        let page = self
            .write_page(
                Method::PUT,
                &format!("workspace_resources/{}", r.id),
                &[("include", RESOURCE_INCLUDES)],
                &body,
                true,
            )
            .await?;
        decode::resources(&page)?
            .into_iter()
            .find(|x| x.id == r.id)
            .ok_or_else(|| {
                BackendError::Other(format!("Kantata did not send resource {} back", r.id))
            })
    }

    async fn delete_resource(&self, id: Id) -> BackendResult<()> {
        self.write(
            Method::DELETE,
            &format!("workspace_resources/{id}"),
            &[],
            None,
            true,
        )
        .await
        .map(|_| ())
    }

    /// Story allocation days of the weeks starting in `window`, per workspace resource
    /// (`scheduled.rs`).
    async fn scheduled_hours(
        &self,
        window: DateRange,
    ) -> BackendResult<Vec<crate::domain::ScheduledWeek>> {
        let Some(span) = scheduled::span(window) else {
            return Ok(Vec::new());
        };
        let query = scheduled::query(span);
        let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let days = self.all(scheduled::PATH, &query, scheduled::days).await?;
        Ok(scheduled::weeks(days, window))
    }

    /// Asks Kantata to make allocations from the resources' scheduled hours (weekly, equal
    /// consecutive weeks merged, on Kantata's side). Hard is refused for unnamed resources.
    async fn allocations_from_scheduled(
        &self,
        resources: Vec<Id>,
        hard: bool,
        when: When,
    ) -> BackendResult<()> {
        let body = encode::from_scheduled(&resources, hard, when);
        let path = match resources.as_slice() {
            [one] => format!("workspace_resources/{one}/allocations_matching_scheduled_hours"),
            _ => "workspace_resources/allocations_matching_scheduled_hours".to_string(),
        };
        let text = self
            .http
            .send(Method::POST, &path, &[], Some(&body), false)
            .await?;
        decode::scheduled_answer(&text)
    }

    async fn create_request(&self, new: NewRequest) -> BackendResult<RequestCreated> {
        let role_id;
        let resource = match &new.target {
            RequestTarget::Resource(id) => RequestResource::Existing(id),
            RequestTarget::NewUnnamed { project_id, role } => {
                role_id = self.role_id(role)?;
                RequestResource::New {
                    project: project_id,
                    role_id: &role_id,
                }
            }
        };
        let body = encode::create_request(
            resource,
            &new.approver_ids,
            new.period.start,
            new.period.end,
            new.percentage,
        );
        let page = self
            .write_page(
                Method::POST,
                "resource_requests",
                &[("include", REQUEST_INCLUDES)],
                &body,
                true,
            )
            .await?;
        let wire = page
            .canonical::<WireResourceRequest>("resource_requests")?
            .into_iter()
            .next()
            .ok_or_else(|| {
                BackendError::Other("Kantata did not send the new request back".into())
            })?;
        let resource_id = wire
            .resource_id
            .clone()
            .ok_or_else(|| BackendError::Other("Kantata's new request names no resource".into()))?;
        // The resource may have come along as an include; otherwise ask for it.
        let resource = match page.get::<WireResource>("workspace_resources", &resource_id)? {
            Some(w) if w.workspace_id.is_some() => decode::resource_from_wire(&w, &page),
            _ => self.fetch_resource(&resource_id).await?,
        };
        let request = decode::request_from_wire(&wire);
        // The allocation made with the request spans the requested dates: read those only, not
        // the resource's whole history (K-wa `overlaps_with_date_range`).
        let asked = date_range(new.period);
        let allocations = self
            .all(
                "workspace_allocations",
                &[
                    ("workspace_resource_ids", resource_id.as_str()),
                    ("overlaps_with_date_range", asked.as_str()),
                    ("include", ALLOCATION_INCLUDES),
                ],
                decode::allocations,
            )
            .await?;
        let created_resource = matches!(new.target, RequestTarget::NewUnnamed { .. });
        Ok(RequestCreated {
            request,
            resource: created_resource.then_some(resource),
            allocations,
        })
    }

    async fn update_approver(&self, id: Id, approver_ids: Vec<Id>) -> BackendResult<Request> {
        let page = self
            .write_page(
                Method::PUT,
                &format!("resource_requests/{id}/update_approver"),
                &[("include", REQUEST_INCLUDES)],
                &encode::update_approver(&approver_ids),
                true,
            )
            .await?;
        Self::request_from(&page, &id)
    }

    async fn resolve_request(&self, id: Id, how: Resolution) -> BackendResult<Request> {
        let body = match &how {
            Resolution::Approve { user_id, soft } => {
                encode::resolve_request("approve", user_id.as_ref(), Some(!soft))
            }
            // No field for a reason in the documented body: dropped (the confirm says so).
            Resolution::Reject | Resolution::RejectWith(_) => {
                encode::resolve_request("reject", None, None)
            }
            Resolution::Cancel => encode::resolve_request("cancel", None, None),
            Resolution::Reopen { .. } => {
                return Err(self.unsupported("undoing a resolved request"));
            }
        };
        let page = self
            .write_page(
                Method::PUT,
                &format!("resource_requests/{id}"),
                &[("include", REQUEST_INCLUDES)],
                &body,
                false,
            )
            .await?;
        Self::request_from(&page, &id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use axum::Router;
    use axum::extract::Query;
    use axum::routing::get;
    use std::collections::HashMap as Map;

    fn wire_request(id: &str, status: &str, updated: &str) -> WireResourceRequest {
        serde_json::from_value(serde_json::json!({
            "id": id, "status": status, "created_at": "2026-11-01T09:00:00Z", "updated_at": updated,
        }))
        .unwrap()
    }

    #[test]
    fn two_request_listings_merge_into_each_request_once_as_last_updated() {
        let pending = vec![
            wire_request("12", "new", "2026-11-02T09:00:00Z"),
            wire_request("9", "new", "2026-11-01T09:00:00Z"),
        ];
        // 12 was rejected between the two reads; 30 was resolved recently.
        let recent = vec![
            wire_request("30", "approved", "2026-11-20T09:00:00Z"),
            wire_request("12", "rejected", "2026-11-21T09:00:00Z"),
        ];
        let merged = merge_requests(pending.clone(), recent.clone());
        let got: Vec<(&str, &str)> = merged
            .iter()
            .map(|w| (w.id.as_str(), w.status.as_str()))
            .collect();
        assert_eq!(got, [("9", "new"), ("12", "rejected"), ("30", "approved")]);
        // Whichever listing came first, the later copy wins.
        assert_eq!(merge_requests(recent, pending), merged);
    }

    /// The scheduling lists the roster reads (capacity.rs), empty: everyone on the default
    /// workweek with no holidays or time off.
    fn no_capacity(app: Router) -> Router {
        let empty = || async { r#"{"count":0,"meta":{"count":0,"page_count":0},"results":[]}"# };
        [
            "workweeks",
            "workweek_memberships",
            "holiday_calendars",
            "holiday_calendar_memberships",
            "holiday_calendar_associations",
            "time_off_entries",
        ]
        .into_iter()
        .fold(app, |app, path| {
            app.route(&format!("/api/v1/{path}.json"), get(empty))
        })
    }

    /// Canned spec-shaped answers, one per path, checking the filters allot sends.
    async fn serve() -> String {
        let app = Router::new()
            .route("/api/v1/users/me.json", get(|| async { r#"{"count":1,"meta":{"page_count":1},"results":[{"key":"users","id":"5"}],"users":{"5":{"id":"5","full_name":"Morgan Lee"}}}"# }))
            .route("/api/v1/users.json", get(|| async { r#"{"count":2,"meta":{"page_count":1},"results":[{"key":"users","id":"6"},{"key":"users","id":5}],"users":{"5":{"id":5,"full_name":"Morgan Lee","headline":"Resource Manager"},"6":{"id":"6","full_name":"Ada \u001b[31mLovelace","headline":"Engineer"}}}"# }))
            .route("/api/v1/roles.json", get(|| async { r#"{"count":1,"meta":{"page_count":1},"results":[{"key":"roles","id":"3"}],"roles":{"3":{"id":"3","name":"Designer"}}}"# }))
            .route("/api/v1/workspaces.json", get(|| async { r#"{"count":1,"meta":{"page_count":1},"results":[{"key":"workspaces","id":"10"}],"workspaces":{"10":{"id":"10","title":"Atlas"}}}"# }))
            .route(
                "/api/v1/workspace_resources.json",
                get(|Query(q): Query<Map<String, String>>| async move {
                    assert_eq!(q.get("include_unnamed").map(String::as_str), Some("true"));
                    r#"{"count":2,"meta":{"page_count":1},"results":[{"key":"workspace_resources","id":"30"},{"key":"workspace_resources","id":"31"}],
                        "workspace_resources":{"30":{"id":"30","workspace_id":10,"user_id":"6","role_name":"Engineer","label":"Engineer"},
                                               "31":{"id":"31","workspace_id":"10","user_id":null,"role_name":"Designer","label":"Visual designer"}}}"#
                }),
            )
            .route(
                "/api/v1/workspace_allocations.json",
                get(|Query(q): Query<Map<String, String>>| async move {
                    if let Some(range) = q.get("overlaps_with_date_range") {
                        assert_eq!(range, "2026-11-01:2026-12-31");
                    } else {
                        assert_eq!(q.get("workspace_resource_ids").map(String::as_str), Some("31"));
                    }
                    r#"{"count":1,"meta":{"page_count":1},"results":[{"key":"workspace_allocations","id":"40"}],
                        "workspace_allocations":{"40":{"id":"40","workspace_resource_id":"31","workspace_id":"10","start_date":"2026-12-01","end_date":"2026-12-11","minutes":2400,"hard":false,"percentage":50}}}"#
                }),
            )
            .route("/api/v1/resource_requests.json", get(|| async { r#"{"count":1,"meta":{"page_count":1},"results":[{"key":"resource_requests","id":"50"}],"resource_requests":{"50":{"id":"50","status":"new","created_at":"2026-11-20T10:00:00Z","approver_ids":["5"],"creator_id":"6","resource_id":"31"}}}"# }));
        let app = no_capacity(app);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}/api/v1")
    }

    #[tokio::test]
    async fn the_planner_reads_a_kantata_workspace() {
        let b = KantataBackend::new(HttpConfig::new(serve().await, "t")).unwrap();
        let roster = b.roster().await.unwrap();
        assert_eq!(roster.current_user, Some(Id::new("5")));
        assert_eq!(
            roster
                .people
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>(),
            ["Ada \u{FFFD}[31mLovelace", "Morgan Lee"],
            "results order, cleaned"
        );
        assert_eq!(roster.projects[0].name, "Atlas");
        assert_eq!(roster.resources[1].person_id, None, "unnamed");
        assert_eq!(
            roster.resources[0].project_id,
            Some(Id::new("10")),
            "numeric ids read as text"
        );

        let d = |s| parse_date(s).unwrap();
        let allocs = b
            .allocations(DateRange::new(d("2026-11-01"), d("2026-12-31")))
            .await
            .unwrap();
        assert_eq!(allocs.len(), 1);
        assert_eq!(allocs[0].amount, crate::domain::Amount::TotalMinutes(2400));
        assert!(!allocs[0].hard);

        let requests = b.requests().await.unwrap();
        assert_eq!(
            (requests[0].period, requests[0].percentage),
            (None, None),
            "a Kantata request has no period, and none is guessed from its resource's allocations"
        );
        assert!(requests[0].status.is_pending());
        assert_eq!(requests[0].approver_ids, vec![Id::new("5")]);
    }

    /// Kantata leaves archived projects and disabled users out of its listings by default; a
    /// resource that refers to them gets their names from one by-id read per list.
    #[tokio::test]
    async fn archived_projects_and_disabled_users_that_resources_refer_to_are_read_by_id() {
        let asked = Arc::new(Mutex::new(Vec::<Map<String, String>>::new()));
        let (ws, us) = (Arc::clone(&asked), Arc::clone(&asked));
        let app = Router::new()
            .route("/api/v1/users/me.json", get(|| async { r#"{"count":1,"results":[{"key":"users","id":"6"}],"users":{"6":{"id":"6","full_name":"Ada"}}}"# }))
            .route("/api/v1/users.json", get(move |Query(q): Query<Map<String, String>>| async move {
                us.lock().unwrap().push(q.clone());
                if q.get("show_disabled").map(String::as_str) == Some("true") {
                    assert_eq!(q.get("only").map(String::as_str), Some("7"));
                    r#"{"count":1,"meta":{"count":1,"page_count":1,"page_number":1,"page_size":200},"results":[{"key":"users","id":"7"}],"users":{"7":{"id":"7","full_name":"Former Colleague","role_id":"3"}},"roles":{"3":{"id":"3","name":"Designer"}}}"#
                } else {
                    r#"{"count":1,"meta":{"page_count":1},"results":[{"key":"users","id":"6"}],"users":{"6":{"id":"6","full_name":"Ada"}}}"#
                }
            }))
            .route("/api/v1/roles.json", get(|| async { r#"{"count":0,"results":[]}"# }))
            .route("/api/v1/workspaces.json", get(move |Query(q): Query<Map<String, String>>| async move {
                ws.lock().unwrap().push(q.clone());
                if q.get("include_archived").map(String::as_str) == Some("true") {
                    assert_eq!(q.get("only").map(String::as_str), Some("11"));
                    r#"{"count":1,"meta":{"count":1,"page_count":1,"page_number":1,"page_size":200},"results":[{"key":"workspaces","id":"11"}],"workspaces":{"11":{"id":"11","title":"Old Site","archived":true,"primary_workspace_group_id":"4"}},"workspace_groups":{"4":{"id":"4","name":"Globex","company":true}}}"#
                } else {
                    r#"{"count":1,"meta":{"page_count":1},"results":[{"key":"workspaces","id":"10"}],"workspaces":{"10":{"id":"10","title":"Atlas"}}}"#
                }
            }))
            .route("/api/v1/workspace_resources.json", get(|| async {
                r#"{"count":2,"meta":{"page_count":1},"results":[{"key":"workspace_resources","id":"30"},{"key":"workspace_resources","id":"31"}],
                    "workspace_resources":{"30":{"id":"30","workspace_id":10,"user_id":"6","role_name":"Engineer"},
                                           "31":{"id":"31","workspace_id":11,"user_id":"7","role_name":"Designer"}}}"#
            }));
        let app = no_capacity(app);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let b = KantataBackend::new(HttpConfig::new(format!("http://{addr}/api/v1"), "t")).unwrap();
        let roster = b.roster().await.unwrap();
        let project = roster
            .projects
            .iter()
            .find(|p| p.id == Id::new("11"))
            .expect("archived project");
        assert_eq!(
            (project.name.as_str(), project.client.as_str()),
            ("Old Site", "Globex")
        );
        let person = roster
            .people
            .iter()
            .find(|p| p.id == Id::new("7"))
            .expect("disabled user");
        assert_eq!(
            (person.name.as_str(), person.role.as_str()),
            ("Former Colleague", "Designer")
        );
        assert_eq!(roster.projects.len(), 2);
        assert_eq!(roster.people.len(), 2);
        let by_id = asked
            .lock()
            .unwrap()
            .iter()
            .filter(|q| q.contains_key("only"))
            .count();
        assert_eq!(by_id, 2, "one by-id read per list");
    }
}
