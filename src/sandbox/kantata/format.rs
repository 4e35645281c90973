//! Kantata's wire format, written from its API docs (not from allot's decoder): query
//! parameters, paging, the `count`/`meta`/`results`/keyed-objects envelope, errors, and each
//! object type's fields.

use crate::client::BackendError;
use crate::domain::{Allocation, Id, Person, Project, Request, Resource};
use crate::sandbox::Core;
use crate::sandbox::cache::Snapshot;
use axum::extract::{FromRequestParts, Query};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashSet};

/// Kantata's page size limits (`per_page` ≤ 200, default 20).
pub const MAX_PER_PAGE: usize = 200;
pub const DEFAULT_PER_PAGE: usize = 20;

// ---- errors ---------------------------------------------------------------------------------

/// `{"errors":[{"type","message","field"?}]}` with a status.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub message: String,
    pub field: Option<String>,
}

pub type ApiResult = Result<Response, ApiError>;

impl ApiError {
    /// 422: a missing or invalid field.
    pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            kind: "validation",
            message: message.into(),
            field: Some(field.to_string()),
        }
    }

    /// 404: an id in the path that does not exist.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            kind: "system",
            message: message.into(),
            field: None,
        }
    }

    /// 400: a body that is not JSON, or not the shape asked for.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            kind: "system",
            message: message.into(),
            field: None,
        }
    }

    /// A store refusal, its field renamed to the Kantata field it stands for.
    pub fn backend(e: BackendError, rename: fn(&str) -> &str) -> ApiError {
        match e {
            BackendError::Validation { field, message } => ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                kind: "validation",
                message,
                field: field.map(|f| rename(&f).to_string()),
            },
            BackendError::NotFound(m) => ApiError::not_found(m),
            BackendError::Stale(m) => ApiError {
                status: StatusCode::CONFLICT,
                kind: "system",
                message: m,
                field: None,
            },
            BackendError::Unsupported(m) => ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                kind: "system",
                message: m,
                field: None,
            },
            BackendError::Other(m) | BackendError::Unavailable(m) | BackendError::Unknown(m) => {
                ApiError {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    kind: "system",
                    message: m,
                    field: None,
                }
            }
            // The store's batches are atomic; a partial one is answered as its cause.
            BackendError::Partial { cause, .. } => ApiError::backend(*cause, rename),
        }
    }

    /// In a bulk request, says which item failed.
    pub fn in_item(mut self, list: &str, index: Option<usize>) -> ApiError {
        if let Some(i) = index {
            self.message = format!("{list}[{i}]: {}", self.message);
        }
        self
    }
}

/// Store field names as the Kantata field each stands for.
pub fn kantata_field(store: &str) -> &str {
    match store {
        "person_id" => "user_id",
        "role" => "role_id",
        "project_id" => "workspace_id",
        "amount" => "minutes",
        other => other,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error(self.status, self.kind, &self.message, self.field.as_deref())
    }
}

/// Kantata's error body.
pub fn error(status: StatusCode, kind: &str, message: &str, field: Option<&str>) -> Response {
    let mut e = json!({"type": kind, "message": message});
    if let Some(f) = field {
        e["field"] = Value::String(f.to_string());
    }
    json_response(status, &json!({"errors": [e]}))
}

use crate::sandbox::json_response;

// ---- query parameters -----------------------------------------------------------------------

/// The query string as pairs, in order.
pub struct Params(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map(|Query(pairs)| Params(pairs))
            .map_err(|e| ApiError::bad_request(format!("the query string is malformed: {e}")))
    }
}

/// Parameters that shape a page rather than choose records.
const NOT_FILTERS: [&str; 6] = [
    "page",
    "per_page",
    "limit",
    "offset",
    "include",
    "optional_fields",
];

impl Params {
    /// The last value given for `key` (as Rails reads a repeated parameter).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A boolean filter: `true`, `1`, `yes` or `t` (any case) are true.
    pub fn flag(&self, key: &str) -> bool {
        self.get(key).is_some_and(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "true" | "1" | "yes" | "t"
            )
        })
    }

    /// A comma-separated id list (`None` when the parameter is absent).
    pub fn ids(&self, key: &str) -> Option<HashSet<Id>> {
        self.get(key).map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(Id::new)
                .collect()
        })
    }

    pub fn includes(&self) -> HashSet<String> {
        self.get("include")
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The cache key for `endpoint` with these filters (paging and includes left out).
    pub fn view_key(&self, endpoint: &str) -> String {
        let mut pairs: Vec<&(String, String)> = self
            .0
            .iter()
            .filter(|(k, _)| !NOT_FILTERS.contains(&k.as_str()))
            .collect();
        pairs.sort();
        let mut key = endpoint.to_string();
        for (k, v) in pairs {
            key.push('\u{1}');
            key.push_str(k);
            key.push('=');
            key.push_str(v);
        }
        key
    }
}

/// Whether the demo's archived project `id` stays out of this request's answer: K-ws "By
/// default, archived projects are not returned in the response. Use the `include_archived=true`
/// filter" (and "By default, you will receive a 404 status if you try to retrieve an archived
/// project"); `archived=include|only` lets them through too.
pub fn hides_project(params: &Params, id: &Id) -> bool {
    let archived = crate::client::local::demo::ARCHIVED_PROJECTS.contains(&id.as_str());
    archived
        && !params.flag("include_archived")
        && !matches!(params.get("archived"), Some("include" | "only"))
}

/// Whether the demo's disabled user `id` stays out of this request's answer: K-users
/// `show_disabled` (default false), "Includes users with an inactive account membership and
/// users who have been disabled". The documents do not say whether a disabled user is still
/// included beside other objects; the strictest reading leaves them out there too.
pub fn hides_user(params: &Params, id: &Id) -> bool {
    crate::client::local::demo::DISABLED_PEOPLE.contains(&id.as_str())
        && !params.flag("show_disabled")
}

/// Which slice of a listing a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    pub offset: usize,
    pub per_page: usize,
    pub page: usize,
}

/// Like Rails' `to_i`: leading digits, else nothing.
fn lenient_number(s: &str) -> Option<i64> {
    let s = s.trim();
    let digits: String = s
        .char_indices()
        .take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '-'))
        .map(|(_, c)| c)
        .collect();
    digits.parse().ok()
}

impl Paging {
    /// Kantata's paging, following Brainstem (the framework behind its API): `per_page` is
    /// clamped to 1..=200 (anything below 1 means the default 20, above 200 means 200), `page`
    /// below 1 means 1; `limit` with `offset` overrides both.
    pub fn of(p: &Params) -> Paging {
        let num = |k| p.get(k).and_then(lenient_number);
        if let (Some(limit), Some(offset)) = (num("limit"), num("offset")) {
            let per_page = limit.clamp(1, MAX_PER_PAGE as i64) as usize;
            let offset = offset.max(0) as usize;
            return Paging {
                offset,
                per_page,
                page: offset / per_page + 1,
            };
        }
        let per_page = match num("per_page") {
            Some(n) if n >= 1 => (n as usize).min(MAX_PER_PAGE),
            _ => DEFAULT_PER_PAGE,
        };
        let page = num("page").filter(|&n| n >= 1).unwrap_or(1) as usize;
        Paging {
            offset: (page - 1).saturating_mul(per_page),
            per_page,
            page,
        }
    }

    /// This page of `all`.
    pub fn slice<'a, T>(&self, all: &'a [T]) -> &'a [T] {
        let start = self.offset.min(all.len());
        let end = start.saturating_add(self.per_page).min(all.len());
        &all[start..end]
    }
}

// ---- JSON bodies ----------------------------------------------------------------------------

/// The request body as a JSON object; 400 when it is not one.
pub fn body_object(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "the request body is empty; send a JSON object",
        ));
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request(
            "the request body must be a JSON object",
        )),
        Err(e) => Err(ApiError::bad_request(format!(
            "the request body is not valid JSON: {e}"
        ))),
    }
}

/// An id given as a JSON number or a numeric string.
pub fn id_value(v: &Value) -> Option<Id> {
    match v {
        Value::Number(n) if n.is_u64() => Some(Id::new(n.to_string())),
        Value::String(s)
            if !s.trim().is_empty() && s.trim().bytes().all(|b| b.is_ascii_digit()) =>
        {
            Some(Id::new(s.trim()))
        }
        _ => None,
    }
}

/// A required id field.
pub fn req_id(o: &Map<String, Value>, field: &str, what: &str) -> Result<Id, ApiError> {
    match o.get(field) {
        None | Some(Value::Null) => Err(ApiError::invalid(
            field,
            format!("{field} is required: the id of {what}"),
        )),
        Some(v) => id_value(v)
            .ok_or_else(|| ApiError::invalid(field, format!("{field} must be an id, not {v}"))),
    }
}

/// An optional id field: `Ok(None)` absent, `Ok(Some(None))` null.
pub fn opt_id(o: &Map<String, Value>, field: &str) -> Result<Option<Option<Id>>, ApiError> {
    match o.get(field) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(v) => id_value(v)
            .map(|id| Some(Some(id)))
            .ok_or_else(|| ApiError::invalid(field, format!("{field} must be an id, not {v}"))),
    }
}

/// A list of ids (a single id counts as a list of one).
pub fn id_list(o: &Map<String, Value>, field: &str) -> Result<Option<Vec<Id>>, ApiError> {
    let bad =
        |v: &Value| ApiError::invalid(field, format!("{field} must be a list of ids, not {v}"));
    match o.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| id_value(v).ok_or_else(|| bad(v)))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(v) => id_value(v).map(|id| Some(vec![id])).ok_or_else(|| bad(v)),
    }
}

/// A date given as `YYYY-MM-DD` (an ISO 8601 date-time counts by its date).
pub fn date_value(v: &Value) -> Option<NaiveDate> {
    let s = v.as_str()?.trim();
    let day = s.get(..10).unwrap_or(s);
    if s.len() > 10 && !s[10..].starts_with(['T', 't', ' ']) {
        return None;
    }
    // Strictly YYYY-MM-DD (chrono alone would take 2025-3-3).
    let b = day.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

pub fn opt_date(o: &Map<String, Value>, field: &str) -> Result<Option<NaiveDate>, ApiError> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => date_value(v).map(Some).ok_or_else(|| {
            ApiError::invalid(
                field,
                format!("{field} must be an ISO 8601 date like 2025-03-03, not {v}"),
            )
        }),
    }
}

pub fn req_date(o: &Map<String, Value>, field: &str) -> Result<NaiveDate, ApiError> {
    opt_date(o, field)?.ok_or_else(|| {
        ApiError::invalid(
            field,
            format!("{field} is required (an ISO 8601 date like 2025-03-03)"),
        )
    })
}

/// A whole number of zero or more (a JSON number or numeric string).
pub fn opt_count(o: &Map<String, Value>, field: &str) -> Result<Option<u32>, ApiError> {
    let v = match o.get(field) {
        None | Some(Value::Null) => return Ok(None),
        Some(v) => v,
    };
    let n = match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    n.and_then(|n| u32::try_from(n).ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::invalid(
                field,
                format!("{field} must be a whole number of zero or more, not {v}"),
            )
        })
}

pub fn opt_bool(o: &Map<String, Value>, field: &str) -> Result<Option<bool>, ApiError> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s == "true" || s == "1" => Ok(Some(true)),
        Some(Value::String(s)) if s == "false" || s == "0" => Ok(Some(false)),
        Some(Value::Number(n)) if n.as_u64() == Some(1) => Ok(Some(true)),
        Some(Value::Number(n)) if n.as_u64() == Some(0) => Ok(Some(false)),
        Some(v) => Err(ApiError::invalid(
            field,
            format!("{field} must be true or false, not {v}"),
        )),
    }
}

pub fn opt_text(o: &Map<String, Value>, field: &str) -> Result<Option<String>, ApiError> {
    match o.get(field) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(String::new())),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(ApiError::invalid(
            field,
            format!("{field} must be text, not {v}"),
        )),
    }
}

/// The object under `key` (422 naming it when missing or not an object).
pub fn member<'a>(
    o: &'a Map<String, Value>,
    key: &str,
) -> Result<&'a Map<String, Value>, ApiError> {
    match o.get(key) {
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(ApiError::invalid(key, format!("{key} must be an object"))),
        None => Err(ApiError::invalid(
            key,
            format!("the body needs a {key} object"),
        )),
    }
}

/// One object of a create body, with its index in the bulk form.
pub type Item<'a> = (&'a Map<String, Value>, Option<usize>);

/// A create body: `{"<one>": {...}}`, or the bulk form `{"<many>": [{...}, ...]}` of at most
/// 200. Each object comes with its index when the bulk form was used.
pub fn create_items<'a>(
    body: &'a Map<String, Value>,
    one: &str,
    many: &str,
) -> Result<Vec<Item<'a>>, ApiError> {
    match (body.get(many), body.get(one)) {
        (Some(Value::Array(items)), _) => {
            if items.is_empty() {
                return Err(ApiError::invalid(many, format!("{many} is empty")));
            }
            if items.len() > MAX_PER_PAGE {
                return Err(ApiError::invalid(
                    many,
                    format!(
                        "at most {MAX_PER_PAGE} {many} can be created per request; this one has {}",
                        items.len()
                    ),
                ));
            }
            items
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Value::Object(m) => Ok((m, Some(i))),
                    _ => Err(ApiError::invalid(
                        many,
                        format!("{many}[{i}] must be an object"),
                    )),
                })
                .collect()
        }
        (Some(_), _) => Err(ApiError::invalid(
            many,
            format!("{many} must be a list of objects"),
        )),
        (None, Some(Value::Object(m))) => Ok(vec![(m, None)]),
        (None, Some(_)) => Err(ApiError::invalid(one, format!("{one} must be an object"))),
        (None, None) => Err(ApiError::invalid(
            one,
            format!("the body needs a {one} object (or a {many} list)"),
        )),
    }
}

/// A path id: digits, optionally followed by `.json`.
pub fn path_id(raw: &str, what: &str) -> Result<Id, ApiError> {
    let s = raw.strip_suffix(".json").unwrap_or(raw);
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Id::new(s))
    } else {
        Err(ApiError::not_found(format!("{what} {raw} does not exist")))
    }
}

// ---- the envelope and the objects -----------------------------------------------------------

pub(super) fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(super) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// An id Kantata types as an integer (`workspace_id` on a workspace resource).
pub(super) fn int_id(id: &Id) -> Value {
    id.as_number()
        .map(Value::from)
        .unwrap_or_else(|| Value::String(id.to_string()))
}

/// Builds one answer: canonical results in order, every object under its key by id, and the
/// included associations beside them.
pub struct Envelope<'a> {
    pub(super) snap: &'a Snapshot,
    core: &'a Core,
    includes: HashSet<String>,
    results: Vec<Value>,
    objects: BTreeMap<&'static str, Map<String, Value>>,
}

impl<'a> Envelope<'a> {
    pub fn new(snap: &'a Snapshot, core: &'a Core, params: &Params) -> Envelope<'a> {
        Envelope {
            snap,
            core,
            includes: params.includes(),
            results: Vec::new(),
            objects: BTreeMap::new(),
        }
    }

    pub(super) fn wants(&self, include: &str) -> bool {
        self.includes.contains(include)
    }

    pub(super) fn result(&mut self, key: &'static str, id: &Id, object: Value) {
        self.results.push(json!({"key": key, "id": id.as_str()}));
        self.objects
            .entry(key)
            .or_default()
            .insert(id.to_string(), object);
    }

    /// An included object; a canonical one of the same key and id wins.
    pub(super) fn include(
        &mut self,
        key: &'static str,
        id: &Id,
        make: impl FnOnce(&Self) -> Value,
    ) {
        // Archived projects and disabled users are hidden beside other objects too (see
        // `hides_project`, `hides_user`): the id stays, the object is left out.
        let no_flags = Params(Vec::new());
        let hidden = match key {
            "workspaces" => hides_project(&no_flags, id),
            "users" => hides_user(&no_flags, id),
            _ => false,
        };
        if hidden
            || self
                .objects
                .get(key)
                .is_some_and(|m| m.contains_key(id.as_str()))
        {
            return;
        }
        let v = make(self);
        self.objects
            .entry(key)
            .or_default()
            .insert(id.to_string(), v);
    }

    /// The answer; `count` is the whole listing's size.
    pub fn finish(self, count: usize, paging: Paging) -> Response {
        let page_count = count.div_ceil(paging.per_page.max(1));
        let mut top = Map::new();
        top.insert("count".into(), json!(count));
        top.insert(
            "meta".into(),
            json!({
                "count": count,
                "page_count": page_count,
                "page_number": paging.page,
                "page_size": paging.per_page,
            }),
        );
        top.insert("results".into(), Value::Array(self.results));
        for (k, v) in self.objects {
            top.insert(k.to_string(), Value::Object(v));
        }
        json_response(StatusCode::OK, &Value::Object(top))
    }

    /// A write's answer: everything in one page.
    pub fn finish_all(self) -> Response {
        let n = self.results.len();
        self.finish(
            n,
            Paging {
                offset: 0,
                per_page: n.max(1),
                page: 1,
            },
        )
    }

    // ---- workspace allocations ----

    pub fn allocation(&mut self, a: &Allocation) {
        let mut v = self.allocation_object(a);
        if self.wants("workspace")
            && let Some(p) = a.project_id.as_ref().and_then(|p| self.snap.project(p))
        {
            v["workspace_id"] = json!(p.id.as_str());
            let p = p.clone();
            self.include("workspaces", &p.id, |_| workspace_object(&p));
        }
        if self.wants("workspace_resource")
            && let Some(r) = self.snap.resource(&a.resource_id)
        {
            let r = r.clone();
            self.include("workspace_resources", &r.id, |e| e.resource_object(&r));
        }
        self.result("workspace_allocations", &a.id, v);
    }

    fn allocation_object(&self, a: &Allocation) -> Value {
        let (created, updated) = self.core.cache.stamps.allocation(a);
        let (minutes, capacity) = self.snap.figures_of(a);
        let percentage = if capacity == 0 {
            0.0
        } else {
            (minutes as f64 * 10_000.0 / capacity as f64).round() / 100.0
        };
        json!({
            "id": a.id.as_str(),
            "created_at": time(created),
            "updated_at": time(updated),
            "start_date": day(a.range.start),
            "end_date": day(a.range.end),
            "minutes": minutes,
            "hard": a.hard,
            "notes": a.notes,
            "percentage": percentage,
            "workspace_resource_id": a.resource_id.as_str(),
        })
    }

    // ---- workspace resources ----

    pub fn resource(&mut self, r: &Resource) {
        let mut v = self.resource_object(r);
        if self.wants("user") {
            v["user_id"] = match &r.person_id {
                Some(p) => json!(p.as_str()),
                None => Value::Null,
            };
            if let Some(p) = r.person_id.as_ref().and_then(|p| self.snap.person(p)) {
                let p = p.clone();
                self.include("users", &p.id, |e| e.user_object_plain(&p));
            }
        }
        if self.wants("role")
            && let Some(role_id) = self.snap.role_id(&r.role).cloned()
        {
            v["role_id"] = json!(role_id.as_str());
            let name = self
                .snap
                .role_name(&role_id)
                .unwrap_or_default()
                .to_string();
            self.include("roles", &role_id, |_| role_object(&role_id, &name));
        }
        if self.wants("workspace")
            && let Some(p) = r.project_id.as_ref().and_then(|p| self.snap.project(p))
        {
            let p = p.clone();
            self.include("workspaces", &p.id, |_| workspace_object(&p));
        }
        self.result("workspace_resources", &r.id, v);
    }

    fn resource_object(&self, r: &Resource) -> Value {
        let (created, updated) = self.core.cache.stamps.resource(r);
        let person = r.person_id.as_ref().and_then(|p| self.snap.person(p));
        let project = r.project_id.as_ref().and_then(|p| self.snap.project(p));
        let full_name = person.map_or(r.label.as_str(), |p| p.name.as_str());
        let initials: String = r
            .role
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect();
        json!({
            "id": r.id.as_str(),
            "created_at": time(created),
            "updated_at": time(updated),
            "workspace_id": r.project_id.as_ref().map_or(Value::Null, int_id),
            "workspace_title": project.map(|p| p.name.as_str()),
            "label": r.label,
            "display_label": if r.label.trim().is_empty() { &r.role } else { &r.label },
            "full_name": full_name,
            "role_name": r.role,
            "role_initials": initials,
            "photo_path": Value::Null,
        })
    }

    // ---- users, workspaces, roles ----

    pub fn user(&mut self, p: &Person) {
        let mut v = self.user_object_plain(p);
        if self.wants("role")
            && let Some(role_id) = self.snap.role_id(&p.role).cloned()
        {
            v["role_id"] = json!(role_id.as_str());
            let name = self
                .snap
                .role_name(&role_id)
                .unwrap_or_default()
                .to_string();
            self.include("roles", &role_id, |_| role_object(&role_id, &name));
        }
        self.result("users", &p.id, v);
    }

    /// With `include=primary_workspace_group`, the client company as the project's primary
    /// workspace group (K-ws `include`: "`primary_workspace_group_id`, which references the data
    /// in the `workspace_groups` top-level key"; WorkspaceGroup `company`: "Whether the group
    /// represents a company"). Without it the company is not in the answer at all.
    pub fn workspace(&mut self, p: &Project) {
        let mut v = workspace_object(p);
        // Workspace `created_at`, `updated_at`: "The date that the project was last updated"
        // (K-ws "Workspace" schema L3455, L3805), what `updated_after` compares with.
        let (created, updated) = self.core.cache.stamps.project(p);
        v["created_at"] = json!(time(created));
        v["updated_at"] = json!(time(updated));
        if self.wants("primary_workspace_group") && !p.client.trim().is_empty() {
            let group = company_group_id(&p.client);
            v["primary_workspace_group_id"] = json!(group.as_str());
            let name = p.client.clone();
            self.include(
                "workspace_groups",
                &group,
                |_| json!({"id": group.as_str(), "name": name, "company": true}),
            );
        }
        self.result("workspaces", &p.id, v);
    }

    pub fn role(&mut self, id: &Id, name: &str) {
        self.result("roles", id, role_object(id, name));
    }

    // ---- resource requests ----

    pub fn request(&mut self, r: &Request) {
        let (_, updated) = self.core.cache.stamps.request(r);
        let mut v = json!({
            "id": r.id.as_str(),
            "status": status_word(r),
            "created_at": time(r.created_at),
            "updated_at": time(updated.max(r.created_at)),
        });
        if self.wants("approvers") {
            v["approver_ids"] = json!(r.approver_ids.iter().map(Id::as_str).collect::<Vec<_>>());
            for a in &r.approver_ids {
                if let Some(p) = self.snap.person(a) {
                    let p = p.clone();
                    self.include("users", &p.id, |e| e.user_object_plain(&p));
                }
            }
        }
        if self.wants("creator") {
            v["creator_id"] = json!(r.creator_id.as_str());
            if let Some(p) = self.snap.person(&r.creator_id) {
                let p = p.clone();
                self.include("users", &p.id, |e| e.user_object_plain(&p));
            }
        }
        if self.wants("resource") {
            v["resource_id"] = json!(r.resource_id.as_str());
            if let Some(res) = self.snap.resource(&r.resource_id) {
                let res = res.clone();
                self.include("workspace_resources", &res.id, |e| e.resource_object(&res));
            }
        }
        self.result("resource_requests", &r.id, v);
    }

    pub(super) fn user_object_plain(&self, p: &Person) -> Value {
        json!({
            "id": p.id.as_str(),
            "full_name": p.name,
            "email_address": p.email,
            // "A short description of the user" (K-users): free text, not the account role,
            // which comes only with `include=role`. The documents say nothing of its content;
            // an empty one is what an account that never filled it in has.
            "headline": "",
            "photo_path": Value::Null,
        })
    }
}

pub(super) fn workspace_object(p: &Project) -> Value {
    json!({
        "id": p.id.as_str(),
        "title": p.name,
        // "The label for the client team (i.e. the team paying for the service)" (K-ws): a team
        // label, not the company. The documents give no default; "Client" is a plausible one.
        "client_role_name": "Client",
        "archived": crate::client::local::demo::ARCHIVED_PROJECTS.contains(&p.id.as_str()),
    })
}

/// The id of the workspace group standing for client company `name`: the store keeps the
/// company as a name only, so the id is derived from it (stable across snapshots).
fn company_group_id(name: &str) -> Id {
    Id::new(
        crate::client::fingerprint(name.trim())
            .rem_euclid(1_000_000_000)
            .to_string(),
    )
}

fn role_object(id: &Id, name: &str) -> Value {
    json!({"id": id.as_str(), "name": name})
}

/// Kantata's status words.
fn status_word(r: &Request) -> &'static str {
    use crate::domain::RequestStatus::*;
    match r.status {
        New => "new",
        Approved => "approved",
        Rejected => "rejected",
        Cancelled => "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str) -> Params {
        Params(
            q.split('&')
                .filter(|s| !s.is_empty())
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    (k.to_string(), v.to_string())
                })
                .collect(),
        )
    }

    #[test]
    fn paging_follows_brainstem() {
        let p = |q| Paging::of(&params(q));
        assert_eq!(
            p(""),
            Paging {
                offset: 0,
                per_page: 20,
                page: 1
            }
        );
        assert_eq!(p("per_page=200&page=3").offset, 400);
        assert_eq!(p("per_page=500").per_page, 200, "clamped");
        assert_eq!(p("per_page=0").per_page, 20, "below 1 is the default");
        assert_eq!(p("per_page=abc").per_page, 20);
        assert_eq!(p("page=-4").page, 1);
        assert_eq!(
            p("limit=50&offset=120&page=9"),
            Paging {
                offset: 120,
                per_page: 50,
                page: 3
            },
            "limit and offset win"
        );
        let all: Vec<u32> = (0..45).collect();
        assert_eq!(p("per_page=20&page=3").slice(&all), &all[40..]);
        assert!(p("per_page=20&page=4").slice(&all).is_empty());
    }

    #[test]
    fn view_keys_ignore_paging_and_order_of_filters() {
        let a = params("b=2&a=1&page=3&per_page=200&include=workspace");
        let b = params("a=1&b=2");
        assert_eq!(a.view_key("x"), b.view_key("x"));
        assert_ne!(a.view_key("x"), params("a=1").view_key("x"));
        assert_ne!(a.view_key("x"), b.view_key("y"));
    }

    #[test]
    fn field_values_are_read_strictly() {
        let o: Map<String, Value> = serde_json::from_str(
            r#"{"a": 5, "b": "6", "c": "x", "d": "2025-03-03", "e": "2025-03-03T10:00:00Z",
                "f": "2025-3-3", "g": 2.0, "h": -1, "i": [1, "2"], "j": null}"#,
        )
        .unwrap();
        assert_eq!(req_id(&o, "a", "x").unwrap(), Id::new("5"));
        assert_eq!(req_id(&o, "b", "x").unwrap(), Id::new("6"));
        assert_eq!(
            req_id(&o, "c", "x").unwrap_err().field.as_deref(),
            Some("c")
        );
        assert_eq!(
            req_id(&o, "zz", "x").unwrap_err().field.as_deref(),
            Some("zz")
        );
        assert_eq!(opt_id(&o, "j").unwrap(), Some(None));
        assert!(req_date(&o, "d").is_ok());
        assert_eq!(req_date(&o, "e").unwrap(), req_date(&o, "d").unwrap());
        assert!(req_date(&o, "f").is_err());
        assert_eq!(opt_count(&o, "g").unwrap(), Some(2));
        assert!(opt_count(&o, "h").is_err());
        assert_eq!(
            id_list(&o, "i").unwrap(),
            Some(vec![Id::new("1"), Id::new("2")])
        );
        assert!(opt_bool(&o, "c").is_err());
    }

    #[test]
    fn bodies_must_be_json_objects() {
        assert_eq!(
            body_object(b"").unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            body_object(b"{").unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            body_object(b"[]").unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
        assert!(body_object(br#"{"a":1}"#).is_ok());
    }

    #[test]
    fn bulk_bodies_are_limited_to_200() {
        let many: Map<String, Value> = serde_json::from_value(json!({
            "things": (0..201).map(|i| json!({"i": i})).collect::<Vec<_>>()
        }))
        .unwrap();
        let e = create_items(&many, "thing", "things").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("things"));
        assert!(e.message.contains("201"), "{}", e.message);
        let none = Map::new();
        assert_eq!(
            create_items(&none, "thing", "things")
                .unwrap_err()
                .field
                .as_deref(),
            Some("thing")
        );
    }
}
