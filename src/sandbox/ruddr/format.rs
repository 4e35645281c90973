//! Ruddr's wire format, written from its docs (api-notes B, the allocation seeds, the docs pages
//! for members, availability periods, projects and placeholders), not from allot's decoder:
//! UUID ids, the `{status, message, errors?}` error body, cursor pages `{results, hasMore}`,
//! query parameters, and each object's fields (camelCase, decimal hours, null where a field does
//! not apply).

use super::Off;
use crate::client::BackendError;
use crate::domain::WeeklyCapacity;
use crate::domain::{Allocation, Amount, DateRange, Id, Person, Project};
use crate::sandbox::Core;
use crate::sandbox::cache::Snapshot;
use axum::extract::{FromRequestParts, Query};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};

/// Ruddr's page sizes: `limit` is 1 to 100, 10 when not given.
pub const MAX_LIMIT: usize = 100;
pub const DEFAULT_LIMIT: usize = 10;

/// The documented answer to a missing or wrong key.
pub const UNAUTHORIZED: &str = "The provided bearer token is missing or invalid.";
/// The documented answer to too many requests.
pub const TOO_MANY: &str = "Too many requests";

// ---- ids ----------------------------------------------------------------------------------------

/// What a sandbox UUID names. Ruddr ids are UUID v4 strings; the sandbox's are made from the
/// store's numeric ids as `0000000K-IIII-4000-8000-NNNNNNNNNNNN`: `K` the kind (hex), `IIII` a
/// sub-index (hex; the n-th time off of a member), `N` the store id in 12 decimal digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Workspace = 1,
    Member = 2,
    Project = 3,
    /// A role name that unnamed resources carry (by the sandbox's role id).
    Placeholder = 4,
    Allocation = 5,
    /// A member's time off, served as a read-only time-off allocation (index: which range).
    TimeOff = 6,
    /// A member's one availability period (by person id).
    Period = 7,
    /// A member's job title (by role id).
    JobTitle = 8,
    /// A project role: the sub-index is the store's role id, N the project (see `roles.rs`).
    Role = 9,
    /// A client (by its place among the workspace's client names).
    Client = 10,
    TimeOffType = 11,
}

impl Kind {
    fn from_code(code: u32) -> Option<Kind> {
        use Kind::*;
        [
            Workspace,
            Member,
            Project,
            Placeholder,
            Allocation,
            TimeOff,
            Period,
            JobTitle,
            Role,
            Client,
            TimeOffType,
        ]
        .into_iter()
        .find(|k| *k as u32 == code)
    }
}

/// The UUID of record `n` of `kind`.
pub fn uuid(kind: Kind, n: u64) -> String {
    uuid_at(kind, 0, n)
}

pub fn uuid_at(kind: Kind, index: u16, n: u64) -> String {
    format!("{:08x}-{index:04x}-4000-8000-{n:012}", kind as u32)
}

/// The UUID of a store record (store ids are numbers; anything else gets an id that parses
/// back to nothing, so it is listed but cannot be fetched).
pub fn store_uuid(kind: Kind, id: &Id) -> String {
    match id.as_number().filter(|n| *n < 1_000_000_000_000) {
        Some(n) => uuid(kind, n),
        None => format!("{:08x}-0000-4000-8000-{}", kind as u32, id.as_str()),
    }
}

/// A UUID-shaped string, parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uuid {
    /// One of the sandbox's: (kind, sub-index, store id).
    Ours(Kind, u16, u64),
    /// A well-formed UUID the sandbox never made.
    Foreign,
}

/// `None` when `s` is not a UUID at all (8-4-4-4-12 hex digits).
pub fn parse_uuid(s: &str) -> Option<Uuid> {
    let s = s.trim();
    if !Id::new(s).is_uuid() {
        return None;
    }
    let parts: Vec<&str> = s.split('-').collect();
    let ours = (|| {
        let kind = Kind::from_code(u32::from_str_radix(parts[0], 16).ok()?)?;
        let index = u16::from_str_radix(parts[1], 16).ok()?;
        if parts[2] != "4000" || parts[3] != "8000" || !parts[4].bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        Some(Uuid::Ours(kind, index, parts[4].parse().ok()?))
    })();
    Some(ours.unwrap_or(Uuid::Foreign))
}

/// The store id a UUID of `kind` (sub-index 0) names; `Ok(None)` for a UUID that names nothing
/// of that kind, `Err` when it is not a UUID.
pub fn id_of(s: &str, kind: Kind) -> Result<Option<Id>, ()> {
    match parse_uuid(s) {
        None => Err(()),
        Some(Uuid::Ours(k, 0, n)) if k == kind => Ok(Some(Id::from(n))),
        Some(_) => Ok(None),
    }
}

// ---- errors -------------------------------------------------------------------------------------

/// `{"status": N, "message": "...", "errors"?: ["'field' ..."]}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub errors: Vec<String>,
}

pub type ApiResult = Result<Response, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            errors: vec![],
        }
    }

    /// 400 naming a body field: `'field' <text>` in `errors`, as Ruddr's validation errors do.
    pub fn invalid(field: &str, text: impl AsRef<str>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: "Validation failed.".into(),
            errors: vec![format!("'{field}' {}", text.as_ref())],
        }
    }

    /// 400 about a query or path parameter (Ruddr's documented form: "Parameter 'id' is not a
    /// valid UUID.").
    pub fn parameter(name: &str, text: &str) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("Parameter '{name}' {text}."),
        )
    }

    pub fn not_uuid(name: &str) -> ApiError {
        ApiError::parameter(name, "is not a valid UUID")
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, format!("{what} not found."))
    }

    /// A store refusal, its field renamed to the Ruddr field it stands for.
    pub fn backend(e: BackendError) -> ApiError {
        match e {
            BackendError::Validation { field, message } => match field {
                Some(f) => ApiError::invalid(ruddr_field(&f), message),
                None => ApiError {
                    status: StatusCode::BAD_REQUEST,
                    message: "Validation failed.".into(),
                    errors: vec![message],
                },
            },
            BackendError::NotFound(m) => ApiError::new(StatusCode::NOT_FOUND, m),
            BackendError::Stale(m) => ApiError::new(StatusCode::CONFLICT, m),
            BackendError::Unsupported(m) => ApiError::new(StatusCode::FORBIDDEN, m),
            BackendError::Other(m) | BackendError::Unavailable(m) | BackendError::Unknown(m) => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, m)
            }
            // The store's batches are atomic; a partial one is answered as its cause.
            BackendError::Partial { cause, .. } => ApiError::backend(*cause),
        }
    }
}

/// Store field names as the Ruddr field each stands for.
fn ruddr_field(store: &str) -> &str {
    match store {
        "start_date" => "start",
        "end_date" => "end",
        "person_id" => "memberId",
        "project_id" => "projectId",
        "role" => "projectRoleId",
        "amount" => "unit",
        other => other,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({"status": self.status.as_u16(), "message": self.message});
        if !self.errors.is_empty() {
            body["errors"] = json!(self.errors);
        }
        json_response(self.status, &body)
    }
}

/// Ruddr's error body. A refused key and a rate limit get the documented wording whatever
/// `message` says (the shared gate words them for Kantata).
pub fn error(status: StatusCode, message: &str) -> Response {
    let message = match status {
        StatusCode::UNAUTHORIZED => UNAUTHORIZED,
        StatusCode::TOO_MANY_REQUESTS => TOO_MANY,
        _ => message,
    };
    ApiError::new(status, message).into_response()
}

use crate::sandbox::json_response;

// ---- query parameters and paging ----------------------------------------------------------------

/// The query string as pairs, in order (a malformed one is a 400 in Ruddr's format).
pub struct Params(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map(|Query(pairs)| Params(pairs))
            .map_err(|e| ApiError::bad_request(format!("The query string is malformed: {e}")))
    }
}

/// Parameters that choose a page rather than records.
const PAGING: [&str; 3] = ["limit", "startingAfter", "endingBefore"];

impl Params {
    /// The last value given for `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A date parameter (`YYYY-MM-DD`, strictly).
    pub fn date(&self, key: &str) -> Result<Option<NaiveDate>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => strict_date(v)
                .map(Some)
                .ok_or_else(|| ApiError::parameter(key, "must be a date in the form YYYY-MM-DD")),
        }
    }

    /// A UUID parameter naming a record of `kind`: `Ok(Some(None))` for a UUID that names
    /// nothing of that kind (the filter then matches nothing).
    pub fn id(&self, key: &str, kind: Kind) -> Result<Option<Option<Id>>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => id_of(v, kind)
                .map(Some)
                .map_err(|()| ApiError::not_uuid(key)),
        }
    }

    /// One of `allowed`, or a 400 listing them.
    pub fn choice(&self, key: &str, allowed: &[&str]) -> Result<Option<String>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if allowed.contains(&v) => Ok(Some(v.to_string())),
            Some(_) => Err(ApiError::parameter(
                key,
                &format!("must be one of: {}", allowed.join(", ")),
            )),
        }
    }

    /// The cache key for `endpoint` with these filters (paging left out).
    pub fn view_key(&self, endpoint: &str) -> String {
        let mut pairs: Vec<&(String, String)> = self
            .0
            .iter()
            .filter(|(k, _)| !PAGING.contains(&k.as_str()))
            .collect();
        pairs.sort();
        let mut key = format!("ruddr:{endpoint}");
        for (k, v) in pairs {
            key.push('\u{1}');
            key.push_str(k);
            key.push('=');
            key.push_str(v);
        }
        key
    }
}

/// `YYYY-MM-DD` with two-digit month and day (chrono alone would take `2025-3-3`).
pub fn strict_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Where a page starts: after one record, before one, or at the top.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cursor {
    First,
    After(String),
    Before(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paging {
    pub limit: usize,
    pub cursor: Cursor,
}

impl Paging {
    /// `limit` 1..=100 (default 10; anything else is refused, as the docs give the range),
    /// `startingAfter` or `endingBefore` (not both), each a UUID.
    pub fn of(p: &Params) -> Result<Paging, ApiError> {
        let limit = match p.get("limit") {
            None => DEFAULT_LIMIT,
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| ApiError::parameter("limit", "must be a number from 1 to 100"))?,
        };
        let uuid = |key: &str| -> Result<Option<String>, ApiError> {
            match p.get(key) {
                None => Ok(None),
                Some(v) if parse_uuid(v).is_some() => Ok(Some(v.trim().to_ascii_lowercase())),
                Some(_) => Err(ApiError::not_uuid(key)),
            }
        };
        let cursor = match (uuid("startingAfter")?, uuid("endingBefore")?) {
            (Some(_), Some(_)) => {
                return Err(ApiError::bad_request(
                    "Parameters 'startingAfter' and 'endingBefore' are mutually exclusive.",
                ));
            }
            (Some(a), None) => Cursor::After(a),
            (None, Some(b)) => Cursor::Before(b),
            (None, None) => Cursor::First,
        };
        Ok(Paging { limit, cursor })
    }

    /// The page of a listing of `n` records sorted newest first by `key` (descending, no two
    /// alike), given the cursor's own key: the range of positions and whether more follow in
    /// the direction of travel.
    pub fn window<K: Ord>(
        &self,
        n: usize,
        key: impl Fn(usize) -> K,
        cursor: Option<K>,
    ) -> (std::ops::Range<usize>, bool) {
        match (&self.cursor, cursor) {
            (Cursor::Before(_), Some(c)) => {
                let stop = partition(n, |i| key(i) > c);
                let start = stop.saturating_sub(self.limit);
                (start..stop, start > 0)
            }
            (Cursor::After(_), Some(c)) => {
                let start = partition(n, |i| key(i) >= c);
                let end = start.saturating_add(self.limit).min(n);
                (start..end, end < n)
            }
            _ => {
                let end = self.limit.min(n);
                (0..end, end < n)
            }
        }
    }

    /// The cursor's UUID, if any.
    pub fn cursor_id(&self) -> Option<&str> {
        match &self.cursor {
            Cursor::First => None,
            Cursor::After(id) | Cursor::Before(id) => Some(id),
        }
    }
}

/// The first position in `0..n` where `pred` is false (`pred` true then false throughout).
fn partition(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// `{"results": [...], "hasMore": bool}`.
pub fn page(results: Vec<Value>, has_more: bool) -> Response {
    json_response(
        StatusCode::OK,
        &json!({"results": results, "hasMore": has_more}),
    )
}

// ---- objects ------------------------------------------------------------------------------------

pub fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn round_to(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

/// Minutes as decimal hours (two places).
pub fn hours(minutes: u64) -> f64 {
    round_to(minutes as f64 / 60.0, 2)
}

/// The five unit fields, in the seed's order.
pub const UNIT_FIELDS: [(&str, &str); 5] = [
    ("day", "hoursPerDay"),
    ("week", "hoursPerWeek"),
    ("month", "hoursPerMonth"),
    ("allocation", "hoursPerAllocation"),
    ("ratio_of_capacity", "hoursRatioOfCapacity"),
];

/// An amount as Ruddr's unit and value. Kantata-style total minutes are `allocation` hours.
pub fn unit_of(a: Amount) -> (&'static str, f64) {
    match a {
        Amount::HoursPerDay(h) => ("day", round_to(h, 2)),
        Amount::HoursPerWeek(h) => ("week", round_to(h, 2)),
        Amount::HoursPerMonth(h) => ("month", round_to(h, 2)),
        Amount::TotalHours(h) => ("allocation", round_to(h, 2)),
        Amount::TotalMinutes(m) => ("allocation", hours(u64::from(m))),
        Amount::RatioOfCapacity(r) => ("ratio_of_capacity", round_to(r, 4)),
    }
}

/// `{id, name}`, Ruddr's simple object.
fn simple(id: String, name: &str) -> Value {
    json!({"id": id, "name": name})
}

/// Turns the store's records into Ruddr objects for one answer.
pub struct Encoder<'a> {
    pub snap: &'a Snapshot,
    pub core: &'a Core,
    /// The workspace's client names, sorted (a client's id is its place here).
    clients: Vec<String>,
    /// Each project's roles (see `roles.rs`).
    roles: HashMap<Id, Vec<(Id, String)>>,
}

impl<'a> Encoder<'a> {
    pub fn new(snap: &'a Snapshot, core: &'a Core) -> Encoder<'a> {
        let clients: BTreeSet<&str> = snap
            .roster
            .projects
            .iter()
            .map(|p| p.client.trim())
            .filter(|c| !c.is_empty())
            .collect();
        Encoder {
            snap,
            core,
            clients: clients.into_iter().map(str::to_string).collect(),
            roles: super::roles::by_project(snap),
        }
    }

    /// The roles of `project` (none when it does not use roles).
    pub fn roles_of(&self, project: &Id) -> &[(Id, String)] {
        self.roles.get(project).map_or(&[], Vec::as_slice)
    }

    /// `useRoles`: the project has roles (the sandbox's rule; see `roles.rs`).
    pub fn uses_roles(&self, project: &Id) -> bool {
        !self.roles_of(project).is_empty()
    }

    fn start(&self) -> String {
        time(self.core.cache.stamps.start())
    }

    fn client(&self, p: &Project) -> Value {
        let name = p.client.trim();
        match self.clients.iter().position(|c| c == name) {
            Some(i) => simple(uuid(Kind::Client, i as u64 + 1), name),
            None => Value::Null,
        }
    }

    fn role_ref(&self, kind: Kind, name: &str) -> Value {
        match self.snap.role_id(name) {
            Some(id) => simple(store_uuid(kind, id), name.trim()),
            None => Value::Null,
        }
    }

    pub fn workspace(&self) -> Value {
        json!({"id": uuid(Kind::Workspace, 1), "name": self.snap.roster.name})
    }

    /// A member (list-members fields allot has; the rest null or a plain default).
    pub fn member(&self, p: &Person) -> Value {
        json!({
            "id": store_uuid(Kind::Member, &p.id),
            "name": p.name,
            "email": if p.email.trim().is_empty() { Value::Null } else { json!(p.email) },
            "isActive": true,
            "isBillable": true,
            "loginEnabled": true,
            "invitationStatusId": "accepted",
            "employmentTypeId": "employee",
            "activeStartDate": Value::Null,
            "activeEndDate": Value::Null,
            "timeOffAllowed": true,
            "internalId": p.id.as_str(),
            "createdAt": self.start(),
            "jobTitle": self.role_ref(Kind::JobTitle, &p.role),
            "level": Value::Null,
            "discipline": Value::Null,
            "practice": Value::Null,
            "location": Value::Null,
            "manager": Value::Null,
            "holidaySchedule": Value::Null,
        })
    }

    /// A member's availability periods, oldest first, from the store's calendar of them: the
    /// first pattern from 2000-01-01, then one period per change, each ending the day before
    /// the next starts and the last open-ended (`end: null` = no end, R-docs/
    /// list-availability-periods L62–65). Ids carry the period's place as the sub-index.
    pub fn periods(&self, p: &Person) -> Vec<Value> {
        let n = p.id.as_number().unwrap_or(0);
        let (first, changes) = match self.snap.calendar_of_person(&p.id) {
            Some(c) => (c.weekly, c.changes.clone()),
            None => (p.weekly, vec![]),
        };
        let first_day = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
        let starts: Vec<(NaiveDate, WeeklyCapacity)> = std::iter::once((first_day, first))
            .chain(changes.into_iter().filter(|(d, _)| *d > first_day))
            .collect();
        starts
            .iter()
            .enumerate()
            .filter_map(|(i, (start, w))| {
                let end = match starts.get(i + 1) {
                    Some((next, _)) => json!(day(next.pred_opt()?)),
                    None => Value::Null,
                };
                let hours: Vec<f64> = w.0.iter().map(|m| hours(u64::from(*m))).collect();
                Some(json!({
                    "id": uuid_at(Kind::Period, u16::try_from(i).ok()?, n),
                    "start": day(*start),
                    "end": end,
                    "hoursPerDay": hours,
                    "isDefault": i == 0,
                    "createdAt": self.start(),
                }))
            })
            .collect()
    }

    /// The allocation object's simple project: `{id, name, client}` (R-seed-obj).
    pub fn project_ref(&self, p: &Project) -> Value {
        json!({"id": store_uuid(Kind::Project, &p.id), "name": p.name, "client": self.client(p)})
    }

    pub fn project(&self, p: &Project) -> Value {
        let key: String = p
            .name
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        json!({
            "id": store_uuid(Kind::Project, &p.id),
            "key": key,
            "name": p.name,
            "statusId": "in_progress",
            "start": Value::Null,
            "end": Value::Null,
            "code": Value::Null,
            "billingTypeId": "tm",
            "isBillable": true,
            // The sandbox's rule for which projects use roles: see `roles.rs`.
            "useRoles": self.uses_roles(&p.id),
            "requiresTasks": false,
            "recordStatusId": "active",
            "createdAt": self.start(),
            "client": self.client(p),
        })
    }

    /// A placeholder: a role some unnamed resource carries (`role_id` is the sandbox's).
    pub fn placeholder(&self, role_id: &Id, name: &str) -> Value {
        json!({
            "id": store_uuid(Kind::Placeholder, role_id),
            "name": name,
            "isActive": true,
            "isBillable": false,
            "rateCurrency": Value::Null,
            "rate": Value::Null,
            "costCurrency": Value::Null,
            "costPerHour": Value::Null,
            "createdAt": self.start(),
            "discipline": Value::Null,
            "location": Value::Null,
            "practice": Value::Null,
            "skills": [],
        })
    }

    /// The unit fields of `amount`: the matching one set, the others null.
    fn unit_fields(o: &mut serde_json::Map<String, Value>, amount: Amount) {
        let (unit, value) = unit_of(amount);
        o.insert("unit".into(), json!(unit));
        for (u, field) in UNIT_FIELDS {
            let v = if u == unit { json!(value) } else { Value::Null };
            o.insert(field.into(), v);
        }
    }

    /// A project allocation from the store.
    pub fn allocation(&self, a: &Allocation) -> Value {
        let (created, _) = self.core.cache.stamps.allocation(a);
        let resource = self.snap.resource(&a.resource_id);
        let person = resource
            .and_then(|r| r.person_id.as_ref())
            .and_then(|p| self.snap.person(p));
        let placeholder = resource
            .filter(|r| r.is_unnamed())
            .map(|r| self.role_ref(Kind::Placeholder, &r.role))
            .unwrap_or(Value::Null);
        let project = a
            .project_id
            .as_ref()
            .or_else(|| resource.and_then(|r| r.project_id.as_ref()))
            .and_then(|p| self.snap.project(p));
        let mut o = serde_json::Map::new();
        o.insert("id".into(), json!(store_uuid(Kind::Allocation, &a.id)));
        o.insert(
            "resourceTypeId".into(),
            json!(if person.is_some() {
                "member"
            } else {
                "placeholder"
            }),
        );
        o.insert("assignmentTypeId".into(), json!("project"));
        o.insert("start".into(), json!(day(a.range.start)));
        o.insert("end".into(), json!(day(a.range.end)));
        Self::unit_fields(&mut o, a.amount);
        o.insert(
            "allocateOnTimeOffDays".into(),
            if person.is_some() {
                json!(a.allocate_on_time_off)
            } else {
                Value::Null
            },
        );
        o.insert("totalHours".into(), json!(hours(self.snap.figures_of(a).0)));
        o.insert("isBillable".into(), json!(true));
        o.insert(
            "notes".into(),
            if a.notes.trim().is_empty() {
                Value::Null
            } else {
                json!(a.notes)
            },
        );
        o.insert("readOnly".into(), json!(a.read_only));
        o.insert(
            "entity".into(),
            json!(if a.read_only {
                "time_entry"
            } else {
                "allocation"
            }),
        );
        // Only `createdAt`: Ruddr documents no `updatedAt` on any object (capacity-apis §15).
        o.insert("createdAt".into(), json!(time(created)));
        o.insert(
            "member".into(),
            person.map_or(Value::Null, |p| {
                simple(store_uuid(Kind::Member, &p.id), &p.name)
            }),
        );
        o.insert("placeholder".into(), placeholder);
        o.insert(
            "project".into(),
            project.map_or(Value::Null, |p| self.project_ref(p)),
        );
        // "Only available if ... the project set is using roles" (R-seed-obj L74).
        let role = match (resource, project) {
            (Some(r), Some(p)) if self.uses_roles(&p.id) => self
                .snap
                .role_id(&r.role)
                .map_or(Value::Null, |id| super::roles::role_ref(id, &p.id, &r.role)),
            _ => Value::Null,
        };
        o.insert("role".into(), role);
        o.insert("task".into(), Value::Null);
        o.insert("timeOffType".into(), Value::Null);
        Value::Object(o)
    }

    /// The `index`-th time off of a member, as Ruddr's read-only time-off allocation. Whole
    /// days are the whole of each working day (ratio 1 of capacity), their total the member's
    /// usual hours on those days; a partial day is `hoursPerDay` of its hours off (R-seed-create
    /// L130–133: 0–24 with two decimals). A holiday is the same row with `entity: "holiday"`
    /// (R-seed-obj L67–68).
    pub fn time_off(&self, p: &Person, index: u16, range: DateRange, off: Off) -> Value {
        let cal = self.snap.calendar_of_person(&p.id);
        let minutes: u64 = match off {
            Off::Partial(m) => u64::from(m),
            _ => cal
                .map(|cal| {
                    range
                        .days()
                        .map(|d| match off {
                            Off::Holiday => u64::from(cal.weekly_on(d).on(d)),
                            _ => u64::from(cal.base_capacity(d)),
                        })
                        .sum()
                })
                .unwrap_or(0),
        };
        let holiday = off == Off::Holiday;
        let amount = match off {
            Off::Partial(m) => Amount::HoursPerDay(f64::from(m) / 60.0),
            _ => Amount::RatioOfCapacity(1.0),
        };
        let mut o = serde_json::Map::new();
        let n = p.id.as_number().unwrap_or(0);
        o.insert("id".into(), json!(uuid_at(Kind::TimeOff, index, n)));
        o.insert("resourceTypeId".into(), json!("member"));
        o.insert("assignmentTypeId".into(), json!("time_off"));
        o.insert("start".into(), json!(day(range.start)));
        o.insert("end".into(), json!(day(range.end)));
        Self::unit_fields(&mut o, amount);
        o.insert("allocateOnTimeOffDays".into(), Value::Null);
        o.insert("totalHours".into(), json!(hours(minutes)));
        o.insert("isBillable".into(), json!(false));
        o.insert("notes".into(), Value::Null);
        o.insert("readOnly".into(), json!(true));
        let entity = if holiday { "holiday" } else { "time_entry" };
        o.insert("entity".into(), json!(entity));
        // No `updatedAt`: Ruddr objects carry only `createdAt` (capacity-apis §15).
        o.insert("createdAt".into(), json!(self.start()));
        o.insert(
            "member".into(),
            simple(store_uuid(Kind::Member, &p.id), &p.name),
        );
        o.insert("placeholder".into(), Value::Null);
        o.insert("project".into(), Value::Null);
        o.insert("role".into(), Value::Null);
        o.insert("task".into(), Value::Null);
        o.insert("timeOffType".into(), time_off_type());
        Value::Object(o)
    }
}

/// The sandbox's one time-off type.
pub fn time_off_type() -> Value {
    simple(uuid(Kind::TimeOffType, 1), "Time Off")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_round_trip_and_strangers_are_told_apart() {
        let s = uuid(Kind::Allocation, 400_001);
        assert_eq!(s, "00000005-0000-4000-8000-000000400001");
        assert!(Id::new(&s).is_uuid());
        assert_eq!(
            parse_uuid(&s),
            Some(Uuid::Ours(Kind::Allocation, 0, 400_001))
        );
        assert_eq!(id_of(&s, Kind::Allocation), Ok(Some(Id::new("400001"))));
        assert_eq!(id_of(&s, Kind::Member), Ok(None), "another kind");
        let t = uuid_at(Kind::TimeOff, 17, 1004);
        assert_eq!(t, "00000006-0011-4000-8000-000000001004");
        assert_eq!(parse_uuid(&t), Some(Uuid::Ours(Kind::TimeOff, 17, 1004)));
        assert_eq!(
            id_of(&t, Kind::TimeOff),
            Ok(None),
            "a sub-index is no store id"
        );
        assert_eq!(
            parse_uuid("3f8a1d2e-7c4b-4e9f-a6d5-1b2c3d4e5f6a"),
            Some(Uuid::Foreign)
        );
        assert_eq!(parse_uuid("400001"), None);
        assert_eq!(id_of("nope", Kind::Member), Err(()));
        assert_eq!(
            store_uuid(Kind::Member, &Id::new("x")),
            "00000002-0000-4000-8000-x"
        );
        assert_eq!(parse_uuid(&store_uuid(Kind::Member, &Id::new("x"))), None);
    }

    fn params(q: &[(&str, &str)]) -> Params {
        Params(
            q.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn limits_are_1_to_100_and_cursors_exclusive() {
        let p = |q: &[(&str, &str)]| Paging::of(&params(q));
        assert_eq!(p(&[]).unwrap().limit, 10);
        assert_eq!(p(&[("limit", "100")]).unwrap().limit, 100);
        for bad in ["0", "101", "-1", "ten", ""] {
            let e = p(&[("limit", bad)]).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST);
            assert!(e.message.contains("'limit'"), "{}", e.message);
        }
        let id = uuid(Kind::Allocation, 1);
        assert_eq!(
            p(&[("startingAfter", &id)]).unwrap().cursor,
            Cursor::After(id.clone())
        );
        assert!(p(&[("startingAfter", &id), ("endingBefore", &id)]).is_err());
        assert!(
            p(&[("startingAfter", "5")])
                .unwrap_err()
                .message
                .contains("is not a valid UUID")
        );
    }

    #[test]
    fn windows_walk_a_descending_list_both_ways() {
        let keys: Vec<u32> = (0..25).rev().collect(); // 24, 23, ..., 0
        let paging = |cursor| Paging { limit: 10, cursor };
        let first = paging(Cursor::First).window(25, |i| keys[i], None);
        assert_eq!(first, (0..10, true));
        let after = paging(Cursor::After("x".into())).window(25, |i| keys[i], Some(keys[9]));
        assert_eq!(after, (10..20, true));
        let last = paging(Cursor::After("x".into())).window(25, |i| keys[i], Some(keys[19]));
        assert_eq!(last, (20..25, false));
        // A cursor that is gone still has its place (key 14.5 would sit between 15 and 14).
        let gone = Paging {
            limit: 3,
            cursor: Cursor::After("x".into()),
        }
        .window(25, |i| keys[i] * 2, Some(29));
        assert_eq!(gone, (10..13, true));
        let before = paging(Cursor::Before("x".into())).window(25, |i| keys[i], Some(keys[20]));
        assert_eq!(before, (10..20, true));
        let top = paging(Cursor::Before("x".into())).window(25, |i| keys[i], Some(keys[5]));
        assert_eq!(top, (0..5, false));
    }

    #[test]
    fn errors_have_ruddrs_shape() {
        let e = ApiError::invalid("unit", "is required");
        assert_eq!(e.errors, ["'unit' is required"]);
        assert_eq!(e.message, "Validation failed.");
        let e = ApiError::backend(BackendError::Validation {
            field: Some("end_date".into()),
            message: "is before start".into(),
        });
        assert_eq!(e.errors, ["'end' is before start"]);
        assert!(strict_date("2025-3-3").is_none());
        assert!(strict_date("2025-03-03").is_some());
        assert!(strict_date("2025-02-30").is_none());
    }
}
