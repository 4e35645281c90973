//! Ruddr's workspace API dialect: reads here, writes in `writes.rs`, the wire format in
//! `format.rs`.
//!
//! How allot's store looks through it:
//!
//! - **ids** are UUIDs made from the store's numeric ids (see [`format::Kind`]): a UUID that is
//!   not one is a 400 ("Parameter 'id' is not a valid UUID."), one that names nothing a 404.
//! - **members** are the people; each has one open-ended **availability period** with their
//!   weekly pattern (`hoursPerDay[7]`, Monday first), served by `/availability-periods`
//!   (not embedded in the member, as in the current docs).
//! - **project roles** are the role names a project's resources carry (`/project-roles`); a
//!   project with any uses roles, and then every allocation on it names one (see `roles.rs`).
//! - **resource placeholders** are the roles that unnamed resources carry, one per distinct role
//!   name; an unnamed resource's allocations come back as that placeholder on its project.
//! - **allocations** are the store's (all `assignmentTypeId: project`, `entity: allocation`),
//!   each unit in its own field, Kantata-style total minutes as unit `allocation`; `totalHours`
//!   is allot's own per-day math over the assignee's calendar. Each member's time off is served
//!   too, as read-only time-off allocations (`entity: time_entry`, ratio 1 of capacity), and
//!   each store holiday as a one-day read-only row per member (`entity: holiday`). The store
//!   holds one weekly pattern and whole days off per person, so one open-ended period each and
//!   no partial days are served.
//! - **lists** are cursor-paged (`limit` 1..=100, default 10, out of range refused;
//!   `startingAfter` / `endingBefore`), newest `createdAt` first, ties by id descending, so a
//!   walk is stable; a cursor naming a deleted allocation keeps its place.

mod format;
mod roles;
mod writes;

pub(super) use format::error;

use super::Core;
use super::cache::Snapshot;
use crate::domain::{DateRange, Id, Person};
use crate::sandbox::json_response;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use format::{
    ApiError, ApiResult, Encoder, Kind, Paging, Params, Uuid, id_of, page, parse_uuid, store_uuid,
    uuid_at,
};
use serde_json::Value;
use std::sync::Arc;

type Shared = State<Arc<Core>>;

/// The API under `/api/workspace`.
pub(super) fn router() -> Router<Arc<Core>> {
    Router::new()
        .route("/", get(workspace))
        .route("/members", get(members))
        .route("/members/{id}", get(member))
        .route("/availability-periods", get(periods))
        .route("/availability-periods/{id}", get(period))
        .route("/projects", get(projects))
        .route("/projects/{id}", get(project))
        .route("/project-roles", get(roles::list))
        .route("/project-roles/{id}", get(roles::one))
        .route("/resource-placeholders", get(placeholders))
        .route("/resource-placeholders/{id}", get(placeholder))
        .route(
            "/allocations",
            get(allocations).post(writes::create_allocation),
        )
        .route(
            "/allocations/{id}",
            get(allocation)
                .patch(writes::update_allocation)
                .delete(writes::delete_allocation),
        )
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed.")
        })
}

async fn snapshot(core: &Core) -> Result<Arc<Snapshot>, ApiError> {
    core.cache.read().await.map_err(ApiError::backend)
}

/// The store id a path UUID names, for `kind`; 400 when it is no UUID, 404 when it names
/// nothing of that kind.
fn path_id(raw: &str, kind: Kind, what: &str) -> Result<Id, ApiError> {
    match id_of(raw, kind) {
        Err(()) => Err(ApiError::not_uuid("id")),
        Ok(None) => Err(ApiError::not_found(what)),
        Ok(Some(id)) => Ok(id),
    }
}

/// One page of a list whose records all date from the start (members, projects, ...): by id,
/// descending. `items` are (UUID, record).
fn simple_page<T>(
    params: &Params,
    mut items: Vec<(String, T)>,
    encode: impl Fn(&T) -> Value,
) -> ApiResult {
    let paging = Paging::of(params)?;
    items.sort_by(|a, b| b.0.cmp(&a.0));
    let cursor = paging.cursor_id().map(str::to_string);
    let (range, more) = paging.window(items.len(), |i| items[i].0.clone(), cursor);
    let results = items[range].iter().map(|(_, t)| encode(t)).collect();
    Ok(page(results, more))
}

// ---- the workspace, members, periods, projects, placeholders ----------------------------------------

/// `GET /api/workspace`: `{id, name}` (the key check in Ruddr's quick start).
async fn workspace(State(core): Shared) -> ApiResult {
    let snap = snapshot(&core).await?;
    Ok(json_response(
        StatusCode::OK,
        &Encoder::new(&snap, &core).workspace(),
    ))
}

async fn members(State(core): Shared, params: Params) -> ApiResult {
    let snap = snapshot(&core).await?;
    let enc = Encoder::new(&snap, &core);
    let items = snap
        .roster
        .people
        .iter()
        .map(|p| (store_uuid(Kind::Member, &p.id), p))
        .collect();
    simple_page(&params, items, |p| enc.member(p))
}

async fn member(State(core): Shared, Path(raw): Path<String>) -> ApiResult {
    let id = path_id(&raw, Kind::Member, "Member")?;
    let snap = snapshot(&core).await?;
    let p = snap
        .person(&id)
        .ok_or_else(|| ApiError::not_found("Member"))?;
    Ok(json_response(
        StatusCode::OK,
        &Encoder::new(&snap, &core).member(p),
    ))
}

/// Filter: `memberId`.
async fn periods(State(core): Shared, params: Params) -> ApiResult {
    let member = params.id("memberId", Kind::Member)?;
    let snap = snapshot(&core).await?;
    let enc = Encoder::new(&snap, &core);
    let items = snap
        .roster
        .people
        .iter()
        .filter(|p| member.as_ref().is_none_or(|m| m.as_ref() == Some(&p.id)))
        .flat_map(|p| {
            let n = p.id.as_number().unwrap_or(0);
            enc.periods(p)
                .into_iter()
                .enumerate()
                .filter_map(move |(i, period)| {
                    let i = u16::try_from(i).ok()?;
                    Some((uuid_at(Kind::Period, i, n), period))
                })
        })
        .collect();
    simple_page(&params, items, |v| v.clone())
}

async fn period(State(core): Shared, Path(raw): Path<String>) -> ApiResult {
    let (index, person) = match parse_uuid(&raw) {
        None => return Err(ApiError::not_uuid("id")),
        Some(Uuid::Ours(Kind::Period, i, n)) => (usize::from(i), n),
        Some(_) => return Err(ApiError::not_found("Availability period")),
    };
    let snap = snapshot(&core).await?;
    let found = snap
        .person(&Id::from(person))
        .and_then(|p| Encoder::new(&snap, &core).periods(p).into_iter().nth(index));
    let v = found.ok_or_else(|| ApiError::not_found("Availability period"))?;
    Ok(json_response(StatusCode::OK, &v))
}

async fn projects(State(core): Shared, params: Params) -> ApiResult {
    let snap = snapshot(&core).await?;
    let enc = Encoder::new(&snap, &core);
    let items = snap
        .roster
        .projects
        .iter()
        .map(|p| (store_uuid(Kind::Project, &p.id), p))
        .collect();
    simple_page(&params, items, |p| enc.project(p))
}

async fn project(State(core): Shared, Path(raw): Path<String>) -> ApiResult {
    let id = path_id(&raw, Kind::Project, "Project")?;
    let snap = snapshot(&core).await?;
    let p = snap
        .project(&id)
        .ok_or_else(|| ApiError::not_found("Project"))?;
    Ok(json_response(
        StatusCode::OK,
        &Encoder::new(&snap, &core).project(p),
    ))
}

/// The placeholders: one per distinct role name among unnamed resources, as (role id, name).
pub(super) fn placeholder_roles(snap: &Snapshot) -> Vec<(Id, String)> {
    snap.roles
        .iter()
        .filter(|(_, name)| {
            snap.roster
                .resources
                .iter()
                .any(|r| r.is_unnamed() && r.role.trim().eq_ignore_ascii_case(name))
        })
        .cloned()
        .collect()
}

async fn placeholders(State(core): Shared, params: Params) -> ApiResult {
    let snap = snapshot(&core).await?;
    let enc = Encoder::new(&snap, &core);
    let items = placeholder_roles(&snap)
        .into_iter()
        .map(|(id, name)| (store_uuid(Kind::Placeholder, &id), (id, name)))
        .collect();
    simple_page(&params, items, |(id, name)| enc.placeholder(id, name))
}

async fn placeholder(State(core): Shared, Path(raw): Path<String>) -> ApiResult {
    let id = path_id(&raw, Kind::Placeholder, "Resource placeholder")?;
    let snap = snapshot(&core).await?;
    let (id, name) = placeholder_roles(&snap)
        .into_iter()
        .find(|(r, _)| *r == id)
        .ok_or_else(|| ApiError::not_found("Resource placeholder"))?;
    Ok(json_response(
        StatusCode::OK,
        &Encoder::new(&snap, &core).placeholder(&id, &name),
    ))
}

// ---- allocations -----------------------------------------------------------------------------------

/// A member's time off as a time-off allocation: the person, which of their ranges, the range.
pub(super) struct TimeOff {
    pub person: usize,
    pub index: u16,
    pub range: DateRange,
    pub off: Off,
}

/// What a member's time-off row stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Off {
    /// Whole days off (a `time_entry` row, the day's capacity).
    Whole,
    /// A partial day: this many minutes off (`hoursPerDay` below the day's capacity, which
    /// takes those hours off that day: Ruddr help "Time Off and Resource Allocations",
    /// capacity-apis §13).
    Partial(u32),
    /// A workspace holiday (`entity: "holiday"`).
    Holiday,
}

/// Every member's time off, then their holidays, in roster order. A holiday is a read-only
/// one-day row per member with `entity: "holiday"` (R-seed-obj L67–68; capacity-apis §12:
/// per-member holiday days come as allocation rows, no holiday-schedule endpoint is
/// documented). Its index follows the member's time-off rows.
pub(super) fn time_offs(snap: &Snapshot) -> Vec<TimeOff> {
    snap.roster
        .people
        .iter()
        .enumerate()
        .flat_map(|(person, p)| {
            days_off(snap, p)
                .into_iter()
                .enumerate()
                .filter_map(move |(i, (range, off))| {
                    Some(TimeOff {
                        person,
                        index: u16::try_from(i).ok()?,
                        range,
                        off,
                    })
                })
        })
        .collect()
}

/// A member's whole days off, then their partial days (one row a day), then each workspace
/// holiday as a one-day range, from the store's calendar of them.
fn days_off(snap: &Snapshot, p: &Person) -> Vec<(DateRange, Off)> {
    let partial: Vec<(NaiveDate, u32)> = snap
        .calendar_of_person(&p.id)
        .map(|c| c.minutes_off.iter().map(|(d, m)| (*d, *m)).collect())
        .unwrap_or_default();
    p.time_off
        .iter()
        .map(|r| (*r, Off::Whole))
        .chain(
            partial
                .into_iter()
                .map(|(d, m)| (DateRange::day(d), Off::Partial(m))),
        )
        .chain(
            snap.roster
                .holidays
                .iter()
                .map(|d| (DateRange::day(*d), Off::Holiday)),
        )
        .collect()
}

/// The time-off (or holiday) allocation a UUID names.
pub(super) fn find_time_off(
    snap: &Snapshot,
    index: u16,
    person: u64,
) -> Option<(&Person, DateRange, Off)> {
    let p = snap.person(&Id::from(person))?;
    let (range, off) = days_off(snap, p).into_iter().nth(usize::from(index))?;
    Some((p, range, off))
}

/// One date field's filters, by Ruddr's convention: `field`, `fieldBefore`, `fieldOnBefore`,
/// `fieldAfter`, `fieldOnAfter`.
#[derive(Default)]
struct DateFilter {
    on: Option<NaiveDate>,
    before: Option<NaiveDate>,
    on_before: Option<NaiveDate>,
    after: Option<NaiveDate>,
    on_after: Option<NaiveDate>,
}

impl DateFilter {
    fn of(params: &Params, field: &str) -> Result<DateFilter, ApiError> {
        Ok(DateFilter {
            on: params.date(field)?,
            before: params.date(&format!("{field}Before"))?,
            on_before: params.date(&format!("{field}OnBefore"))?,
            after: params.date(&format!("{field}After"))?,
            on_after: params.date(&format!("{field}OnAfter"))?,
        })
    }

    fn ok(&self, d: NaiveDate) -> bool {
        self.on.is_none_or(|x| d == x)
            && self.before.is_none_or(|x| d < x)
            && self.on_before.is_none_or(|x| d <= x)
            && self.after.is_none_or(|x| d > x)
            && self.on_after.is_none_or(|x| d >= x)
    }
}

/// What `/allocations` filters on (`startOnBefore` + `endOnAfter` together pick the allocations
/// overlapping a range). A UUID filter naming nothing matches nothing.
struct Filter {
    start: DateFilter,
    end: DateFilter,
    member: Option<Option<Id>>,
    placeholder: Option<Option<String>>,
    project: Option<Option<Id>>,
    assignment: Option<String>,
    resource_type: Option<String>,
}

impl Filter {
    fn of(params: &Params, snap: &Snapshot) -> Result<Filter, ApiError> {
        let placeholder = params
            .id("resourcePlaceholderId", Kind::Placeholder)?
            .map(|id| id.and_then(|id| snap.role_name(&id).map(str::to_string)));
        Ok(Filter {
            start: DateFilter::of(params, "start")?,
            end: DateFilter::of(params, "end")?,
            member: params.id("memberId", Kind::Member)?,
            placeholder,
            project: params.id("projectId", Kind::Project)?,
            assignment: params.choice("assignmentTypeId", &["project", "time_off"])?,
            resource_type: params.choice("resourceTypeId", &["member", "placeholder"])?,
        })
    }

    fn dates(&self, r: DateRange) -> bool {
        self.start.ok(r.start) && self.end.ok(r.end)
    }

    fn store(&self, snap: &Snapshot, i: usize) -> bool {
        let a = &snap.allocations[i];
        if self.assignment.as_deref() == Some("time_off") || !self.dates(a.range) {
            return false;
        }
        let resource = snap.resource(&a.resource_id);
        let person = resource.and_then(|r| r.person_id.as_ref());
        let unnamed_role = resource.filter(|r| r.is_unnamed()).map(|r| r.role.trim());
        let kind = if person.is_some() {
            "member"
        } else {
            "placeholder"
        };
        self.resource_type.as_deref().is_none_or(|t| t == kind)
            && self
                .member
                .as_ref()
                .is_none_or(|m| m.is_some() && m.as_ref() == person)
            && self.placeholder.as_ref().is_none_or(|p| {
                p.as_deref()
                    .is_some_and(|p| unnamed_role.is_some_and(|r| r.eq_ignore_ascii_case(p)))
            })
            && self
                .project
                .as_ref()
                .is_none_or(|p| p.is_some() && p.as_ref() == a.project_id.as_ref())
    }

    fn time_off(&self, snap: &Snapshot, t: &TimeOff) -> bool {
        let p = &snap.roster.people[t.person];
        self.assignment.as_deref() != Some("project")
            && self.dates(t.range)
            && self.resource_type.as_deref() != Some("placeholder")
            && self.placeholder.is_none()
            && self.project.is_none()
            && self
                .member
                .as_ref()
                .is_none_or(|m| m.as_ref() == Some(&p.id))
    }
}

/// Where an allocation sits in the listing order: newest `createdAt` first, then id.
type OrderKey = (DateTime<Utc>, String);

/// Positions in the allocation "universe" of a snapshot: `0..n` the store's allocations, then
/// the members' time off.
struct Universe<'a> {
    snap: &'a Snapshot,
    core: &'a Core,
    time_offs: Vec<TimeOff>,
}

impl Universe<'_> {
    fn key(&self, u: usize) -> OrderKey {
        let n = self.snap.allocations.len();
        if u < n {
            let a = &self.snap.allocations[u];
            let (created, _) = self.core.cache.stamps.allocation(a);
            (created, store_uuid(Kind::Allocation, &a.id))
        } else {
            let t = &self.time_offs[u - n];
            let p = &self.snap.roster.people[t.person];
            (
                self.core.cache.stamps.start(),
                uuid_at(Kind::TimeOff, t.index, p.id.as_number().unwrap_or(0)),
            )
        }
    }

    fn encode(&self, enc: &Encoder<'_>, u: usize) -> Value {
        let n = self.snap.allocations.len();
        if u < n {
            enc.allocation(&self.snap.allocations[u])
        } else {
            let t = &self.time_offs[u - n];
            enc.time_off(&self.snap.roster.people[t.person], t.index, t.range, t.off)
        }
    }

    /// The listing place of the allocation a cursor names, even one since deleted or filtered
    /// out; a cursor naming no allocation the sandbox ever had is a 400.
    fn cursor_key(&self, cursor: &str, param: &str) -> Result<OrderKey, ApiError> {
        let refuse = || ApiError::parameter(param, "does not name an allocation");
        match parse_uuid(cursor) {
            Some(Uuid::Ours(Kind::Allocation, 0, n)) => {
                let id = Id::from(n);
                let created = match self.snap.allocation(&id) {
                    Some(a) => Some(self.core.cache.stamps.allocation(a).0),
                    None => self.core.cache.stamps.created_at("allocation", &id),
                };
                created.map(|c| (c, cursor.to_string())).ok_or_else(refuse)
            }
            Some(Uuid::Ours(Kind::TimeOff, _, _)) => {
                Ok((self.core.cache.stamps.start(), cursor.to_string()))
            }
            _ => Err(refuse()),
        }
    }
}

/// Filters: `startOnBefore`, `endOnAfter` (and the other date forms), `memberId`,
/// `resourcePlaceholderId`, `projectId`, `assignmentTypeId`, `resourceTypeId`.
async fn allocations(State(core): Shared, params: Params) -> ApiResult {
    let paging = Paging::of(&params)?;
    let snap = snapshot(&core).await?;
    let filter = Filter::of(&params, &snap)?;
    let universe = Universe {
        snap: &snap,
        core: &core,
        time_offs: time_offs(&snap),
    };
    let view = snap.view(params.view_key("allocations"), |s| {
        let n = s.allocations.len();
        let mut keep: Vec<usize> = (0..n)
            .filter(|&i| filter.store(s, i))
            .chain(
                universe
                    .time_offs
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| filter.time_off(s, t))
                    .map(|(j, _)| n + j),
            )
            .collect();
        keep.sort_by_cached_key(|&u| std::cmp::Reverse(universe.key(u)));
        keep
    });
    let cursor = match paging.cursor_id() {
        None => None,
        Some(c) => {
            let param = match paging.cursor {
                format::Cursor::Before(_) => "endingBefore",
                _ => "startingAfter",
            };
            Some(universe.cursor_key(c, param)?)
        }
    };
    let (range, more) = paging.window(view.len(), |i| universe.key(view[i]), cursor);
    let enc = Encoder::new(&snap, &core);
    let results = view[range]
        .iter()
        .map(|&u| universe.encode(&enc, u))
        .collect();
    Ok(page(results, more))
}

async fn allocation(State(core): Shared, Path(raw): Path<String>) -> ApiResult {
    let snap = snapshot(&core).await?;
    let enc = Encoder::new(&snap, &core);
    let found = match parse_uuid(&raw) {
        None => return Err(ApiError::not_uuid("id")),
        Some(Uuid::Ours(Kind::Allocation, 0, n)) => {
            snap.allocation(&Id::from(n)).map(|a| enc.allocation(a))
        }
        Some(Uuid::Ours(Kind::TimeOff, index, person)) => {
            find_time_off(&snap, index, person).map(|(p, r, off)| enc.time_off(p, index, r, off))
        }
        Some(_) => None,
    };
    let v = found.ok_or_else(|| ApiError::not_found("Allocation"))?;
    Ok(json_response(StatusCode::OK, &v))
}

/// The answer for one stored allocation (a write's).
pub(super) fn one_allocation(snap: &Snapshot, core: &Core, id: &Id) -> Result<Response, ApiError> {
    let a = snap
        .allocation(id)
        .ok_or_else(|| ApiError::not_found("Allocation"))?;
    Ok(json_response(
        StatusCode::OK,
        &Encoder::new(snap, core).allocation(a),
    ))
}
