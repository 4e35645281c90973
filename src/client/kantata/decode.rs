//! Decoding Kantata OX (Mavenlink) API v1 responses into allot's domain types.
//!
//! Every Kantata response has the same shape:
//!
//! ```json
//! { "count": 2, "meta": {"count": 2, "page_count": 1, "page_number": 1, "page_size": 20},
//!   "results": [{"key": "workspaces", "id": "10"}, {"key": "workspaces", "id": "11"}],
//!   "workspaces": {"11": {...}, "10": {...}},
//!   "users": {"2": {...}} }
//! ```
//!
//! The canonical answer is the `results` list, in its order; the maps under each key are indexed
//! by id and also hold included associations of the same type, so [`Page::canonical`] walks
//! `results` and [`Page::get`] looks up included objects. Ids may be strings or numbers anywhere.
//!
//! Every string taken from a response passes [`clean`]: the whole JSON tree is cleaned when a
//! [`Page`] is parsed, and the mappers clean again (it is idempotent) so wire structs decoded any
//! other way are safe too.

use crate::client::BackendError;
use crate::domain::{
    Allocation, Amount, DateRange, Id, Person, Project, Request, RequestStatus, Resource,
    WeeklyCapacity,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::collections::HashMap;

// Every outside string passes through these.
use crate::client::sanitize::{clean, clean_json, is_clean};

// ---------------------------------------------------------------------------------------------
// The generic response format
// ---------------------------------------------------------------------------------------------

/// Kantata's paging block. Missing numbers read as 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    pub count: u64,
    pub page_count: u64,
    pub page_number: u64,
    pub page_size: u64,
}

impl Meta {
    /// Whether a later page exists (`page_number < page_count`).
    pub fn has_more(&self) -> bool {
        self.page_number < self.page_count
    }
}

/// One decoded response: the canonical `results` (in order), the paging block, and every object
/// map by key and id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// Top-level `count`: objects matched by the whole query (all pages).
    pub count: u64,
    pub meta: Meta,
    /// `(key, id)` pairs in the server's order.
    pub results: Vec<(String, Id)>,
    objects: HashMap<String, HashMap<Id, Value>>,
}

impl Page {
    /// Parses a response body. Malformed or truncated JSON, a body that is not an object, or one
    /// without a `results` list is [`BackendError::Other`]; a body carrying Kantata's `errors`
    /// list instead of results becomes the error it describes.
    pub fn parse(body: &str) -> Result<Page, BackendError> {
        let mut root: Value = serde_json::from_str(body).map_err(|e| {
            BackendError::Other(format!("the Kantata response was not valid JSON ({e})"))
        })?;
        clean_json(&mut root);
        let Value::Object(mut top) = root else {
            return Err(BackendError::Other(
                "the Kantata response was not a JSON object".into(),
            ));
        };
        let results = match top.remove("results") {
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    let key = item.get("key").and_then(Value::as_str).map(str::to_string);
                    let id = item.get("id").and_then(id_of);
                    match (key, id) {
                        (Some(k), Some(id)) => Ok((k, id)),
                        _ => Err(BackendError::Other(format!(
                            "the Kantata response's results[{i}] has no key and id"
                        ))),
                    }
                })
                .collect::<Result<Vec<_>, _>>()?,
            Some(_) => {
                return Err(BackendError::Other(
                    "the Kantata response's results is not a list".into(),
                ));
            }
            None => {
                if let Some(errors) = top.get("errors") {
                    return Err(errors_to_backend(200, errors));
                }
                return Err(BackendError::Other(
                    "the Kantata response has no results list".into(),
                ));
            }
        };
        let count = top.remove("count").as_ref().and_then(num_u64).unwrap_or(0);
        let meta = match top.remove("meta") {
            Some(m) => Meta {
                count: m.get("count").and_then(num_u64).unwrap_or(0),
                page_count: m.get("page_count").and_then(num_u64).unwrap_or(0),
                page_number: m.get("page_number").and_then(num_u64).unwrap_or(0),
                page_size: m.get("page_size").and_then(num_u64).unwrap_or(0),
            },
            None => Meta::default(),
        };
        let mut objects = HashMap::new();
        for (key, value) in top {
            let Value::Object(map) = value else { continue };
            let by_id: HashMap<Id, Value> = map
                .into_iter()
                .filter(|(_, v)| v.is_object())
                .map(|(id, mut v)| {
                    // Some objects omit their own id; the map key names it.
                    if let Value::Object(o) = &mut v {
                        o.entry("id").or_insert_with(|| Value::String(id.clone()));
                    }
                    (Id::new(id), v)
                })
                .collect();
            objects.insert(key, by_id);
        }
        Ok(Page {
            count,
            meta,
            results,
            objects,
        })
    }

    /// The objects `results` names under `key`, in `results` order. A result whose object is
    /// missing, or does not decode as `T`, is an error naming the key and id.
    pub fn canonical<T: DeserializeOwned>(&self, key: &str) -> Result<Vec<T>, BackendError> {
        self.results
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(k, id)| {
                let v = self.raw(k, id).ok_or_else(|| {
                    BackendError::Other(format!(
                        "the Kantata response lists {k} {id} in its results but does not hold it"
                    ))
                })?;
                decode_one(k, id, v)
            })
            .collect()
    }

    /// An object (canonical or included) by key and id; `Ok(None)` when absent.
    pub fn get<T: DeserializeOwned>(&self, key: &str, id: &Id) -> Result<Option<T>, BackendError> {
        self.raw(key, id)
            .map(|v| decode_one(key, id, v))
            .transpose()
    }

    /// Every object under `key` (canonical and included), ordered by id (numeric ids by value).
    pub fn all<T: DeserializeOwned>(&self, key: &str) -> Result<Vec<T>, BackendError> {
        let Some(map) = self.objects.get(key) else {
            return Ok(vec![]);
        };
        let mut ids: Vec<&Id> = map.keys().collect();
        ids.sort_by_key(|id| (id.as_number(), (*id).clone()));
        ids.into_iter()
            .map(|id| decode_one(key, id, &map[id]))
            .collect()
    }

    /// The undecoded (already cleaned) JSON of one object.
    pub fn raw(&self, key: &str, id: &Id) -> Option<&Value> {
        self.objects.get(key).and_then(|m| m.get(id))
    }

    /// The ids `results` names under `key`, in order.
    pub fn result_ids(&self, key: &str) -> Vec<Id> {
        self.results
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, id)| id.clone())
            .collect()
    }
}

fn decode_one<T: DeserializeOwned>(key: &str, id: &Id, v: &Value) -> Result<T, BackendError> {
    T::deserialize(v)
        .map_err(|e| BackendError::Other(format!("could not read {key} {id} from Kantata: {e}")))
}

fn id_of(v: &Value) -> Option<Id> {
    match v {
        Value::String(s) => Some(Id::new(s)),
        Value::Number(n) => Some(Id::new(n.to_string())),
        _ => None,
    }
}

fn num_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn cid(id: &Id) -> Id {
    if is_clean(id.as_str()) {
        id.clone()
    } else {
        Id::new(clean(id.as_str()))
    }
}

fn cstr(s: &Option<String>) -> String {
    s.as_deref().map(clean).unwrap_or_default()
}

/// A number that may arrive as a JSON number, a numeric string or null (Kantata's floats do
/// both).
pub(super) fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        N(f64),
        S(String),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        Some(Raw::N(n)) => Some(n),
        Some(Raw::S(s)) => s.trim().parse().ok(),
        None => None,
    })
}

// ---------------------------------------------------------------------------------------------
// Wire structs (unknown fields are ignored; include-only fields are optional)
// ---------------------------------------------------------------------------------------------

/// A `workspace_allocations` object.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireAllocation {
    pub id: Id,
    pub workspace_resource_id: Id,
    /// Only with `include=workspace`.
    #[serde(default)]
    pub workspace_id: Option<Id>,
    #[serde(deserialize_with = "crate::domain::dates::de_supported")]
    pub start_date: NaiveDate,
    #[serde(deserialize_with = "crate::domain::dates::de_supported")]
    pub end_date: NaiveDate,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub minutes: Option<f64>,
    #[serde(default)]
    pub hard: Option<bool>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub percentage: Option<f64>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub creator_id: Option<Id>,
}

impl WireAllocation {
    /// `minutes` as a whole, non-negative count.
    pub fn minutes_u32(&self) -> u32 {
        self.minutes
            .map(|m| m.round().clamp(0.0, u32::MAX as f64) as u32)
            .unwrap_or(0)
    }
}

/// A `workspace_resources` object.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireResource {
    pub id: Id,
    #[serde(default)]
    pub workspace_id: Option<Id>,
    /// Only with `include=user`; `null` for an unnamed resource.
    #[serde(default)]
    pub user_id: Option<Id>,
    /// Only with `include=role`.
    #[serde(default)]
    pub role_id: Option<Id>,
    #[serde(default)]
    pub role_name: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub display_label: Option<String>,
    #[serde(default)]
    pub full_name: Option<String>,
}

/// A `users` object.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireUser {
    pub id: Id,
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub email_address: Option<String>,
    /// Only with `include=role` (the account role, K-users `include`: "Retrieves the user's
    /// account role ... `role_id`, which references the data in the `roles` top-level key").
    /// `headline` is free text the user writes about themselves, so it is not read.
    #[serde(default)]
    pub role_id: Option<Id>,
}

/// A `roles` object.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireRole {
    pub id: Id,
    #[serde(default)]
    pub name: Option<String>,
}

/// A `workspaces` object.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireWorkspace {
    pub id: Id,
    #[serde(default)]
    pub title: Option<String>,
    /// Only with `include=primary_workspace_group` (K-ws `include`: "Retrieves the primary group
    /// associated with the project ... `primary_workspace_group_id`, which references the data
    /// in the `workspace_groups` top-level key"). `client_role_name` is the client *team*'s
    /// name, not the company, so it is not read.
    #[serde(default)]
    pub primary_workspace_group_id: Option<Id>,
    #[serde(default)]
    pub archived: Option<bool>,
}

/// A `workspace_groups` object (a group that may stand for a client company).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireWorkspaceGroup {
    pub id: Id,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub company: Option<bool>,
}

/// A `resource_requests` object. Kantata keeps no dates, percentage or notes on the request.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireResourceRequest {
    pub id: Id,
    pub status: String,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    /// Only with `include=approvers`.
    #[serde(default)]
    pub approver_ids: Option<Vec<Id>>,
    /// Only with `include=creator`.
    #[serde(default)]
    pub creator_id: Option<Id>,
    /// Only with `include=resource`.
    #[serde(default)]
    pub resource_id: Option<Id>,
}

// ---------------------------------------------------------------------------------------------
// Mappers into domain types
// ---------------------------------------------------------------------------------------------

/// A workspace allocation. Kantata has no version field, so `version` is a fingerprint of
/// `updated_at` and the content allot shows: `updated_at` alone has whole seconds, and two
/// changes within one second must still differ.
pub fn allocation_from_wire(w: &WireAllocation) -> Allocation {
    let minutes = w.minutes_u32();
    let fingerprint = format!(
        "{:?}|{}|{}|{}|{minutes}|{:?}|{}",
        w.updated_at.map(|t| t.timestamp_millis()),
        w.workspace_resource_id,
        w.start_date,
        w.end_date,
        w.hard,
        w.notes.as_deref().unwrap_or("")
    );
    Allocation {
        id: cid(&w.id),
        resource_id: cid(&w.workspace_resource_id),
        project_id: w.workspace_id.as_ref().map(cid),
        range: DateRange::new(w.start_date, w.end_date),
        amount: Amount::TotalMinutes(minutes),
        hard: w.hard.unwrap_or(false),
        notes: cstr(&w.notes),
        read_only: false,
        allocate_on_time_off: false,
        server_total_minutes: Some(minutes),
        version: crate::client::fingerprint(&fingerprint),
    }
}

/// A workspace resource. The role is the included `roles` object's name, else `role_name`,
/// else the bare `role_id`; the label is `label`, else `display_label`, else the role.
pub fn resource_from_wire(w: &WireResource, page: &Page) -> Resource {
    let role = role_name(page, w.role_id.as_ref())
        .or_else(|| non_empty(&w.role_name))
        .or_else(|| w.role_id.as_ref().map(|id| clean(id.as_str())))
        .unwrap_or_default();
    let label = non_empty(&w.label)
        .or_else(|| non_empty(&w.display_label))
        .unwrap_or_else(|| role.clone());
    Resource {
        id: cid(&w.id),
        project_id: w.workspace_id.as_ref().map(cid),
        person_id: w.user_id.as_ref().map(cid),
        role,
        label,
    }
}

/// A user. The default role is the included account role's name, else empty. The weekly
/// pattern and days off are placeholders here: the roster read fills them from the user's
/// workweek and time off (`capacity.rs`).
pub fn person_from_wire(w: &WireUser, page: &Page) -> Person {
    Person {
        id: cid(&w.id),
        name: cstr(&w.full_name),
        email: cstr(&w.email_address),
        role: role_name(page, w.role_id.as_ref()).unwrap_or_default(),
        weekly: WeeklyCapacity::STANDARD,
        time_off: vec![],
    }
}

/// A workspace (project). The client is the included primary group's name when that group is a
/// company (WorkspaceGroup `company`: "Whether the group represents a company"), else empty.
pub fn project_from_wire(w: &WireWorkspace, page: &Page) -> Project {
    let group = w.primary_workspace_group_id.as_ref().and_then(|id| {
        page.get::<WireWorkspaceGroup>("workspace_groups", id)
            .ok()
            .flatten()
    });
    let client = group
        .filter(|g| g.company.unwrap_or(false))
        .and_then(|g| non_empty(&g.name))
        .unwrap_or_default();
    Project {
        id: cid(&w.id),
        name: cstr(&w.title),
        client,
        roles: None,
    }
}

/// Kantata's request status (`new`, `approved`, `rejected`, `cancelled`). An unknown status is
/// read as cancelled so it is never offered for approval.
pub fn request_status(s: &str) -> RequestStatus {
    RequestStatus::parse(s.trim().to_ascii_lowercase().as_str()).unwrap_or_else(|| {
        tracing::warn!("unknown Kantata resource request status {:?}", clean(s));
        RequestStatus::Cancelled
    })
}

/// A resource request. Kantata keeps no period, share or notes on it (ResourceRequest: id,
/// timestamps, status, approver_ids, creator_id, resource_id; K-rr, seed 003): the
/// `workspace_allocation_*` fields on create only seed a new resource's allocation. So the
/// period and percentage are `None`, and what approving changes is read from the resource's
/// allocations by `domain::impact`, never guessed here. A missing `resource_id` or
/// `creator_id` (not included) reads as an empty id.
pub fn request_from_wire(w: &WireResourceRequest) -> Request {
    Request {
        id: cid(&w.id),
        resource_id: w
            .resource_id
            .as_ref()
            .map(cid)
            .unwrap_or_else(|| Id::new("")),
        status: request_status(&w.status),
        approver_ids: w
            .approver_ids
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(cid)
            .collect(),
        creator_id: w
            .creator_id
            .as_ref()
            .map(cid)
            .unwrap_or_else(|| Id::new("")),
        created_at: w.created_at,
        period: None,
        percentage: None,
        notes: String::new(),
    }
}

/// The canonical `workspace_allocations` of a page, mapped.
pub fn allocations(page: &Page) -> Result<Vec<Allocation>, BackendError> {
    Ok(page
        .canonical::<WireAllocation>("workspace_allocations")?
        .iter()
        .map(allocation_from_wire)
        .collect())
}

/// The canonical `workspace_resources` of a page, mapped.
pub fn resources(page: &Page) -> Result<Vec<Resource>, BackendError> {
    Ok(page
        .canonical::<WireResource>("workspace_resources")?
        .iter()
        .map(|w| resource_from_wire(w, page))
        .collect())
}

/// The canonical `users` of a page, mapped.
pub fn people(page: &Page) -> Result<Vec<Person>, BackendError> {
    Ok(page
        .canonical::<WireUser>("users")?
        .iter()
        .map(|w| person_from_wire(w, page))
        .collect())
}

/// The canonical `workspaces` of a page, mapped.
pub fn projects(page: &Page) -> Result<Vec<Project>, BackendError> {
    Ok(page
        .canonical::<WireWorkspace>("workspaces")?
        .iter()
        .map(|w| project_from_wire(w, page))
        .collect())
}

/// The canonical `roles` of a page, as (id, name); roles without a name are left out.
pub fn roles(page: &Page) -> Result<Vec<(Id, String)>, BackendError> {
    Ok(page
        .canonical::<WireRole>("roles")?
        .iter()
        .filter_map(|w| non_empty(&w.name).map(|name| (cid(&w.id), name)))
        .collect())
}

/// The answer to `allocations_matching_scheduled_hours`, read in both documented shapes: the
/// response schema's `{"success": true}` (K-wr 200, "Indicates if workspace allocations were
/// created"; seed kantata-workspace-resources.txt), and the description's "This endpoint returns
/// structured Workspace Resource objects … indexed by ID in the `workspace_resources`
/// top-level JSON key" (the standard envelope). `success: false`, or anything else, is a refusal.
pub fn scheduled_answer(body: &str) -> Result<(), BackendError> {
    let refused = || {
        BackendError::Other("Kantata did not confirm the allocations from scheduled hours".into())
    };
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return Err(refused());
    };
    if let Some(ok) = v.get("success") {
        return if ok.as_bool() == Some(true) {
            Ok(())
        } else {
            Err(refused())
        };
    }
    if v.get("results").is_some() || v.get("errors").is_some() {
        let page = Page::parse(body)?;
        page.canonical::<WireResource>("workspace_resources")?;
        return Ok(());
    }
    Err(refused())
}

fn role_name(page: &Page, role_id: Option<&Id>) -> Option<String> {
    let id = role_id?;
    page.get::<WireRole>("roles", id)
        .ok()
        .flatten()
        .and_then(|r| non_empty(&r.name))
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(clean)
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Turns a failed response (status and body) into a [`BackendError`].
///
/// Kantata's body is `{"errors":[{"type","message","field"?}]}`. 401 is a refused token, 404
/// not found, 409 stale, 429 rate limiting, 5xx a server failure; otherwise validation errors
/// become [`BackendError::Validation`] (one error keeps its field; several are joined with "; ",
/// each prefixed by its field). A body that is not understood is quoted (at most 200 characters,
/// cleaned) after the status.
pub fn error_from(status: u16, body: &str) -> BackendError {
    match serde_json::from_str::<Value>(body) {
        Ok(v) if v.get("errors").is_some() => errors_to_backend(status, &v["errors"]),
        _ => {
            let detail = crate::client::transport::quote_body(body);
            match status {
                401 => BackendError::Other(format!("Kantata refused the token (401): {detail}")),
                404 => BackendError::NotFound(format!("not found (404): {detail}")),
                409 => BackendError::Stale(format!(
                    "the record changed on Kantata since it was read (409): {detail}"
                )),
                429 => BackendError::Unavailable(format!(
                    "Kantata is rate limiting (429); try again in a moment: {detail}"
                )),
                503 => BackendError::Unavailable(format!("Kantata is unavailable (503): {detail}")),
                _ => BackendError::Other(format!("Kantata answered {status}: {detail}")),
            }
        }
    }
}

struct WireError {
    kind: String,
    message: String,
    field: Option<String>,
}

fn errors_to_backend(status: u16, errors: &Value) -> BackendError {
    let list: Vec<WireError> = match errors {
        Value::Array(items) => items
            .iter()
            .filter_map(|e| match e {
                Value::String(s) => Some(WireError {
                    kind: String::new(),
                    message: clean(s),
                    field: None,
                }),
                Value::Object(o) => {
                    let text = |k: &str| {
                        o.get(k)
                            .and_then(Value::as_str)
                            .map(|s| clean(s.trim()))
                            .filter(|s| !s.is_empty())
                    };
                    Some(WireError {
                        kind: text("type").unwrap_or_default(),
                        message: text("message").unwrap_or_default(),
                        field: text("field"),
                    })
                }
                _ => None,
            })
            .collect(),
        Value::String(s) => vec![WireError {
            kind: String::new(),
            message: clean(s),
            field: None,
        }],
        _ => vec![],
    };
    let joined = |with_fields: bool| {
        list.iter()
            .filter(|e| !e.message.is_empty() || e.field.is_some())
            .map(|e| match (&e.field, with_fields) {
                (Some(f), true) => format!("{f}: {}", e.message),
                _ => e.message.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let message = joined(false);
    let or = |m: &str, fallback: &str| {
        if m.is_empty() {
            fallback.to_string()
        } else {
            m.to_string()
        }
    };
    match status {
        401 => BackendError::Other(format!(
            "Kantata refused the token (401): {}",
            or(&message, "no reason given")
        )),
        404 => BackendError::NotFound(or(&message, "not found")),
        409 => BackendError::Stale(or(
            &message,
            "the record changed on Kantata since it was read",
        )),
        429 => BackendError::Unavailable(format!(
            "Kantata is rate limiting (429); try again in a moment{}",
            if message.is_empty() {
                String::new()
            } else {
                format!(": {message}")
            }
        )),
        503 => BackendError::Unavailable(format!(
            "Kantata is unavailable (503): {}",
            or(&message, "no reason given")
        )),
        500..=599 => BackendError::Other(format!(
            "Kantata failed ({status}): {}",
            or(&message, "no reason given")
        )),
        _ if list.iter().any(|e| e.kind == "validation") || status == 422 => {
            if let [one] = list.as_slice() {
                BackendError::Validation {
                    field: one.field.clone(),
                    message: or(&one.message, "is invalid"),
                }
            } else {
                BackendError::Validation {
                    field: None,
                    message: or(&joined(true), "Kantata refused the input"),
                }
            }
        }
        _ => BackendError::Other(format!(
            "Kantata answered {status}: {}",
            or(&message, "no reason given")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Shaped like the workspace allocations spec example: maps out of order, ids as strings and
    /// numbers, an unknown field, a missing optional `notes`, `workspace` included.
    const ALLOCATIONS: &str = r#"{
      "count": 3,
      "meta": {"count": 3, "page_count": 2, "page_number": 1, "page_size": 3},
      "results": [
        {"key": "workspace_allocations", "id": "30"},
        {"key": "workspace_allocations", "id": 7},
        {"key": "workspace_allocations", "id": "12"}
      ],
      "workspace_allocations": {
        "7": {"id": 7, "created_at": "2025-02-01T10:00:00Z", "updated_at": "2025-02-03T09:30:00-07:00",
              "start_date": "2025-03-03", "end_date": "2025-03-07", "minutes": 2100, "hard": true,
              "notes": "kick-off", "percentage": 87.5, "workspace_resource_id": "123",
              "workspace_id": "55", "brand_new_field": {"nested": [1, 2]}},
        "12": {"id": "12", "start_date": "2025-04-07", "end_date": "2025-07-11", "minutes": 2100,
               "hard": false, "percentage": 10, "workspace_resource_id": 123, "workspace_id": 55},
        "30": {"id": "30", "start_date": "2025-01-06", "end_date": "2025-01-10", "minutes": 600,
               "hard": false, "notes": "", "workspace_resource_id": "124"}
      },
      "workspaces": {"55": {"id": "55", "title": "Apollo"}}
    }"#;

    #[test]
    fn results_order_wins_over_map_order_and_ids_mix_strings_and_numbers() {
        let page = Page::parse(ALLOCATIONS).unwrap();
        assert_eq!(page.count, 3);
        assert_eq!(
            page.meta,
            Meta {
                count: 3,
                page_count: 2,
                page_number: 1,
                page_size: 3
            }
        );
        assert!(page.meta.has_more());
        let ids: Vec<Id> = page.result_ids("workspace_allocations");
        assert_eq!(ids, vec![Id::new("30"), Id::new("7"), Id::new("12")]);

        let all = allocations(&page).unwrap();
        assert_eq!(
            all.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
            ["30", "7", "12"]
        );
        let a = &all[1];
        assert_eq!(a.resource_id, Id::new("123"));
        assert_eq!(a.project_id, Some(Id::new("55")));
        assert_eq!(a.range, DateRange::new(d("2025-03-03"), d("2025-03-07")));
        assert_eq!(a.amount, Amount::TotalMinutes(2100));
        assert_eq!(a.server_total_minutes, Some(2100));
        assert!(a.hard);
        assert_eq!(a.notes, "kick-off");
        assert!(!a.read_only);
        // The version changes with updated_at, and with content changed within one second.
        let mut wire: WireAllocation = page.get("workspace_allocations", &a.id).unwrap().unwrap();
        assert_eq!(allocation_from_wire(&wire).version, a.version, "stable");
        wire.minutes = Some(2160.0);
        assert_ne!(allocation_from_wire(&wire).version, a.version);
        wire.minutes = Some(2100.0);
        wire.updated_at = wire.updated_at.map(|t| t + chrono::Duration::seconds(1));
        assert_ne!(allocation_from_wire(&wire).version, a.version);
        assert!(a.version >= 0);
        // Numeric ids in the object decode to the same ids as strings.
        assert_eq!(all[2].resource_id, Id::new("123"));
        assert_eq!(all[2].project_id, Some(Id::new("55")));
        // Missing optional fields: no notes, no workspace, no updated_at.
        assert_eq!(all[2].notes, "");
        assert_eq!(all[0].project_id, None);
        assert!(!all[0].hard);

        let ws: Option<WireWorkspace> = page.get("workspaces", &Id::from(55)).unwrap();
        assert_eq!(ws.unwrap().title.as_deref(), Some("Apollo"));
        assert_eq!(
            page.get::<WireWorkspace>("workspaces", &Id::new("56"))
                .unwrap(),
            None
        );
    }

    #[test]
    fn a_result_missing_from_its_map_is_a_clear_error() {
        let body = r#"{"count":1,"results":[{"key":"users","id":"9"}],"users":{}}"#;
        let page = Page::parse(body).unwrap();
        let err = page.canonical::<WireUser>("users").unwrap_err();
        assert_eq!(
            err,
            BackendError::Other(
                "the Kantata response lists users 9 in its results but does not hold it".into()
            )
        );
    }

    #[test]
    fn a_missing_required_field_names_the_object() {
        let body = r#"{"count":1,"results":[{"key":"workspace_allocations","id":"4"}],
            "workspace_allocations":{"4":{"id":"4","end_date":"2025-01-01","workspace_resource_id":"1"}}}"#;
        let err = allocations(&Page::parse(body).unwrap()).unwrap_err();
        let BackendError::Other(m) = err else {
            panic!("{err:?}")
        };
        assert!(
            m.starts_with("could not read workspace_allocations 4 from Kantata"),
            "{m}"
        );
        assert!(m.contains("start_date"), "{m}");
    }

    #[test]
    fn an_allocation_outside_the_supported_dates_is_refused_by_name() {
        let body = r#"{"count":1,"results":[{"key":"workspace_allocations","id":"4"}],
            "workspace_allocations":{"4":{"id":"4","start_date":"-200000-01-01",
            "end_date":"2026-11-27","workspace_resource_id":"1","minutes":60}}}"#;
        let e = allocations(&Page::parse(body).unwrap())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("could not read workspace_allocations 4 from Kantata")
                && e.contains("-200000-01-01 is outside the supported dates"),
            "{e}"
        );
    }

    #[test]
    fn a_truncated_body_is_reported_as_invalid_json() {
        let cut = &ALLOCATIONS[..ALLOCATIONS.len() / 2];
        let err = Page::parse(cut).unwrap_err();
        let BackendError::Other(m) = &err else {
            panic!("{err:?}")
        };
        assert!(
            m.starts_with("the Kantata response was not valid JSON (EOF while parsing"),
            "{m}"
        );
        assert!(m.contains("line"), "{m}");
        let err = Page::parse(r#"{"count": 1, "results": [}"#).unwrap_err();
        assert_eq!(
            err,
            BackendError::Other(
                "the Kantata response was not valid JSON (expected value at line 1 column 26)"
                    .into()
            )
        );
        assert!(
            matches!(Page::parse("[]"), Err(BackendError::Other(m)) if m.contains("not a JSON object"))
        );
        assert!(
            matches!(Page::parse("{}"), Err(BackendError::Other(m)) if m.contains("no results"))
        );
    }

    /// Resource requests with approvers, creator and resource included: `users` holds the
    /// approvers and creator, `workspace_resources` the resource.
    const REQUESTS: &str = r#"{
      "count": 2,
      "meta": {"count": 2, "page_count": 1, "page_number": 1, "page_size": 20},
      "results": [
        {"key": "resource_requests", "id": "901"},
        {"key": "resource_requests", "id": 900}
      ],
      "resource_requests": {
        "900": {"id": "900", "created_at": "2025-02-10T08:00:00-05:00", "updated_at": "2025-02-10T08:00:00-05:00",
                "status": "approved", "approver_ids": ["2", 6], "creator_id": 8, "resource_id": "124"},
        "901": {"id": 901, "created_at": "2025-02-12T16:48:48Z", "status": "new",
                "approver_ids": ["6"], "creator_id": "2", "resource_id": "123"}
      },
      "users": {
        "2": {"id": "2", "full_name": "Bob Baker", "email_address": "bob@example.com"},
        "6": {"id": 6, "full_name": "Chaz", "email_address": "chaz@example.com", "headline": "Director"},
        "8": {"id": "8", "full_name": "Jane"}
      },
      "workspace_resources": {
        "123": {"id": "123", "workspace_id": 55, "label": "Designer", "role_name": "Designer", "user_id": null},
        "124": {"id": "124", "workspace_id": 55, "label": "Dev", "role_name": "Developer", "user_id": "8"}
      }
    }"#;

    #[test]
    fn requests_carry_no_period_or_share_only_what_kantata_sends() {
        let page = Page::parse(REQUESTS).unwrap();
        let wire = page
            .canonical::<WireResourceRequest>("resource_requests")
            .unwrap();
        assert_eq!(wire.len(), 2);
        let r = request_from_wire(&wire[0]);
        assert_eq!(r.id, Id::new("901"));
        assert_eq!(r.status, RequestStatus::New);
        assert_eq!(r.approver_ids, vec![Id::new("6")]);
        assert_eq!(r.creator_id, Id::new("2"));
        assert_eq!(r.resource_id, Id::new("123"));
        assert_eq!(
            r.created_at,
            "2025-02-12T16:48:48Z".parse::<DateTime<Utc>>().unwrap()
        );
        // ResourceRequest has no dates or share (K-rr schema): none is made up, neither from
        // the creation day nor from the resource's allocations (that was the fault: a named
        // person's request read as the span of all their work on the project).
        assert_eq!(r.period, None);
        assert_eq!(r.percentage, None);
        assert_eq!(r.notes, "");

        let r = request_from_wire(&wire[1]);
        assert_eq!(r.status, RequestStatus::Approved);
        assert_eq!(r.approver_ids, vec![Id::new("2"), Id::new("6")]);
        assert_eq!(r.creator_id, Id::new("8"));
        assert_eq!(r.created_at.to_rfc3339(), "2025-02-10T13:00:00+00:00");
        assert_eq!((r.period, r.percentage), (None, None));
    }

    /// The schema's own fields and nothing else (mavenlink-resource-requests-api-openapi.yml,
    /// `ResourceRequest`), without the includes: the foreign keys are absent.
    #[test]
    fn a_request_shaped_like_the_schema_without_includes_decodes() {
        let body = r#"{"count": 1, "meta": {"count": 1, "page_count": 1, "page_number": 1, "page_size": 20},
          "results": [{"key": "resource_requests", "id": "7"}],
          "resource_requests": {"7": {"id": "7", "created_at": "2019-08-24T14:15:22Z",
            "updated_at": "2019-08-24T14:15:22Z", "status": "new"}}}"#;
        let page = Page::parse(body).unwrap();
        let wire = page
            .canonical::<WireResourceRequest>("resource_requests")
            .unwrap();
        let r = request_from_wire(&wire[0]);
        assert_eq!(r.resource_id, Id::new(""));
        assert_eq!(r.creator_id, Id::new(""));
        assert!(r.approver_ids.is_empty());
        assert_eq!((r.period, r.percentage), (None, None));
    }

    #[test]
    fn request_statuses_map_from_kantata_words() {
        assert_eq!(request_status("new"), RequestStatus::New);
        assert_eq!(request_status("approved"), RequestStatus::Approved);
        assert_eq!(request_status("rejected"), RequestStatus::Rejected);
        assert_eq!(request_status("cancelled"), RequestStatus::Cancelled);
        assert_eq!(request_status("Canceled"), RequestStatus::Cancelled);
        assert_eq!(request_status("mystery"), RequestStatus::Cancelled);
    }

    #[test]
    fn included_users_sit_beside_canonical_users_under_the_same_key() {
        // A users listing that also includes managers: canonical users are 6 and 2 only.
        let body = r#"{
          "count": 2,
          "meta": {"count": 2, "page_count": 1, "page_number": 1, "page_size": 20},
          "results": [{"key": "users", "id": "6"}, {"key": "users", "id": 2}],
          "users": {
            "2": {"id": "2", "full_name": "Bob Baker", "email_address": "bob@example.com", "role_id": "40", "manager_id": "99"},
            "6": {"id": 6, "full_name": "Chaz", "email_address": "chaz@example.com", "headline": "Director", "manager_id": "99"},
            "99": {"id": "99", "full_name": "The Manager", "email_address": "boss@example.com"}
          },
          "roles": {"40": {"id": "40", "name": "Engineer"}}
        }"#;
        let page = Page::parse(body).unwrap();
        let everyone = people(&page).unwrap();
        assert_eq!(everyone.len(), 2, "the manager is included, not a result");
        assert_eq!(everyone[0].id, Id::new("6"));
        assert_eq!(everyone[0].name, "Chaz");
        assert_eq!(
            everyone[0].role, "",
            "a headline is free text, not the role"
        );
        assert_eq!(everyone[1].id, Id::new("2"));
        assert_eq!(everyone[1].email, "bob@example.com");
        assert_eq!(everyone[1].role, "Engineer", "the included role's name");
        assert_eq!(everyone[1].weekly, WeeklyCapacity::STANDARD);
        assert!(everyone[1].time_off.is_empty());
        let manager: WireUser = page.get("users", &Id::from(99)).unwrap().unwrap();
        assert_eq!(manager.full_name.as_deref(), Some("The Manager"));
        assert_eq!(page.all::<WireUser>("users").unwrap().len(), 3);
        assert_eq!(
            page.all::<WireUser>("users").unwrap()[0].id,
            Id::new("2"),
            "numeric order"
        );

        // The request page's approvers are included users.
        let page = Page::parse(REQUESTS).unwrap();
        assert!(people(&page).unwrap().is_empty());
        let chaz: WireUser = page.get("users", &Id::new("6")).unwrap().unwrap();
        assert_eq!(person_from_wire(&chaz, &page).name, "Chaz");
    }

    #[test]
    fn resources_are_named_or_unnamed_with_their_role() {
        let body = r#"{
          "count": 3,
          "meta": {"count": 3, "page_count": 1, "page_number": 1, "page_size": 20},
          "results": [
            {"key": "workspace_resources", "id": "124"},
            {"key": "workspace_resources", "id": "123"},
            {"key": "workspace_resources", "id": 125}
          ],
          "workspace_resources": {
            "123": {"id": "123", "workspace_id": 55, "label": "Designer", "display_label": "Designer (1)",
                    "role_name": "Designer", "role_id": "41", "user_id": null, "workspace_title": "Apollo"},
            "124": {"id": 124, "workspace_id": "55", "label": "", "display_label": "Dev lead",
                    "role_name": "Developer", "user_id": "8", "full_name": "Jane"},
            "125": {"id": "125", "workspace_id": 56, "role_id": "42"}
          },
          "roles": {"41": {"id": "41", "name": "UX Designer"}}
        }"#;
        let page = Page::parse(body).unwrap();
        let rs = resources(&page).unwrap();
        assert_eq!(
            rs,
            vec![
                Resource {
                    id: Id::new("124"),
                    project_id: Some(Id::new("55")),
                    person_id: Some(Id::new("8")),
                    role: "Developer".into(),
                    label: "Dev lead".into(),
                },
                Resource {
                    id: Id::new("123"),
                    project_id: Some(Id::new("55")),
                    person_id: None,
                    role: "UX Designer".into(),
                    label: "Designer".into(),
                },
                Resource {
                    id: Id::new("125"),
                    project_id: Some(Id::new("56")),
                    person_id: None,
                    role: "42".into(),
                    label: "42".into(),
                },
            ]
        );
        assert!(rs[1].is_unnamed());
    }

    #[test]
    fn projects_take_their_client_from_a_company_group_or_the_client_team() {
        let body = r#"{
          "count": 3,
          "results": [
            {"key": "workspaces", "id": "10"},
            {"key": "workspaces", "id": "11"},
            {"key": "workspaces", "id": "12"}
          ],
          "workspaces": {
            "12": {"id": "12", "title": "Solo"},
            "11": {"id": "11", "title": "another project", "client_role_name": "Globex",
                   "participant_ids": ["2","8"], "primary_counterpart_id": "8"},
            "10": {"id": "10", "title": "some project", "client_role_name": "Client team",
                   "primary_workspace_group_id": 3, "participant_ids": ["2","6"]}
          },
          "workspace_groups": {"3": {"id": 3, "name": "Acme Corp", "company": true}}
        }"#;
        let page = Page::parse(body).unwrap();
        assert_eq!(page.meta, Meta::default(), "no meta reads as zeros");
        let ps = projects(&page).unwrap();
        assert_eq!(
            ps.iter()
                .map(|p| (p.id.as_str(), p.name.as_str(), p.client.as_str()))
                .collect::<Vec<_>>(),
            [
                ("10", "some project", "Acme Corp"),
                ("11", "another project", ""),
                ("12", "Solo", ""),
            ]
        );
    }

    #[test]
    fn the_scheduled_hours_answer_reads_in_both_documented_shapes() {
        // The response schema's example (seed kantata-workspace-resources.txt).
        assert_eq!(scheduled_answer(r#"{ "success": true }"#), Ok(()));
        // The description's shape: Workspace Resource objects in the standard envelope.
        let resources = r#"{"count": 1, "meta": {"count": 1, "page_count": 1, "page_number": 1, "page_size": 20},
          "results": [{"key": "workspace_resources", "id": "6"}],
          "workspace_resources": {"6": {"id": "6", "created_at": "2026-01-05T10:00:00-08:00",
            "updated_at": "2026-01-05T10:00:00-08:00", "display_label": "Developer", "label": "Developer",
            "full_name": "Ada", "photo_path": null, "role_name": "Developer", "role_initials": "D",
            "workspace_id": 12, "workspace_title": "Site"}}}"#;
        assert_eq!(scheduled_answer(resources), Ok(()));
        assert_eq!(
            scheduled_answer(r#"{"count":0,"results":[]}"#),
            Ok(()),
            "no resources needed allocating"
        );
        for refused in [r#"{"success": false}"#, "", "{}", "not json"] {
            assert!(scheduled_answer(refused).is_err(), "{refused:?}");
        }
        let e = scheduled_answer(
            r#"{"errors":[{"type":"validation","message":"hard must be false","field":"hard"}]}"#,
        );
        assert!(matches!(e, Err(BackendError::Validation { .. })), "{e:?}");
    }

    #[test]
    fn escape_sequences_in_names_are_defused() {
        let body = "{\"count\":1,\"results\":[{\"key\":\"users\",\"id\":\"1\"}],\
            \"users\":{\"1\":{\"id\":\"1\",\"full_name\":\"Eve \\u001b]0;pwned\\u0007\\u001b[31mRed\",\
            \"email_address\":\"eve@example.com\\u202e\",\"role_id\":\"4\"}},\
            \"roles\":{\"4\":{\"id\":\"4\",\"name\":\"two\\nlines\"}}}";
        let page = Page::parse(body).unwrap();
        let p = &people(&page).unwrap()[0];
        assert_eq!(p.name, "Eve \u{FFFD}]0;pwned\u{FFFD}\u{FFFD}[31mRed");
        assert_eq!(p.email, "eve@example.com\u{FFFD}");
        assert_eq!(p.role, "two lines");
        // Mappers clean wire structs that did not come through a Page too.
        let w: WireUser = serde_json::from_str(r#"{"id":1,"full_name":"a\u001b[2Jb"}"#).unwrap();
        assert_eq!(person_from_wire(&w, &Page::default()).name, "a\u{FFFD}[2Jb");
    }

    #[test]
    fn a_single_validation_error_keeps_its_field() {
        let body = r#"{"errors":[{"type":"validation","message":"Please give your project a title","field":"title"}]}"#;
        assert_eq!(
            error_from(422, body),
            BackendError::Validation {
                field: Some("title".into()),
                message: "Please give your project a title".into()
            }
        );
        assert_eq!(
            error_from(422, body).to_string(),
            "title: Please give your project a title"
        );
    }

    #[test]
    fn several_errors_are_joined() {
        let body = r#"{"errors":[
            {"type":"validation","message":"Please give your project a title","field":"title"},
            {"type":"validation","message":"Please select a role for this project","field":"creator_role"}]}"#;
        assert_eq!(
            error_from(422, body),
            BackendError::Validation {
                field: None,
                message: "title: Please give your project a title; \
                          creator_role: Please select a role for this project"
                    .into()
            }
        );
        let body = r#"{"errors":[{"type":"system","message":"Your account has been canceled"},
            {"type":"system","message":"Try later"}]}"#;
        assert_eq!(
            error_from(403, body),
            BackendError::Other(
                "Kantata answered 403: Your account has been canceled; Try later".into()
            )
        );
    }

    #[test]
    fn statuses_map_to_their_kinds() {
        let oauth = r#"{"errors":[{"type":"oauth","message":"Invalid OAuth 2 Request"}]}"#;
        assert_eq!(
            error_from(401, oauth),
            BackendError::Other("Kantata refused the token (401): Invalid OAuth 2 Request".into())
        );
        assert_eq!(
            error_from(
                404,
                r#"{"errors":[{"type":"system","message":"Allocation not found"}]}"#
            ),
            BackendError::NotFound("Allocation not found".into())
        );
        assert_eq!(
            error_from(404, r#"{"errors":[]}"#),
            BackendError::NotFound("not found".into())
        );
        assert!(matches!(
            error_from(409, r#"{"errors":[{"type":"system","message":"changed"}]}"#),
            BackendError::Stale(m) if m == "changed"
        ));
        let BackendError::Unavailable(m) = error_from(429, "") else {
            panic!()
        };
        assert!(m.starts_with("Kantata is rate limiting (429)"), "{m}");
        assert_eq!(
            error_from(500, r#"{"errors":[{"type":"system","message":"boom"}]}"#),
            BackendError::Other("Kantata failed (500): boom".into())
        );
        // An errors list inside a 200 answer is not silently empty.
        assert_eq!(
            Page::parse(
                r#"{"errors":[{"type":"validation","message":"is locked","field":"start_date"}]}"#
            ),
            Err(BackendError::Validation {
                field: Some("start_date".into()),
                message: "is locked".into()
            })
        );
    }

    #[test]
    fn a_non_json_body_names_the_status_and_is_quoted_briefly_and_cleaned() {
        let html = format!(
            "<html><title>\x1b[31mService Unavailable</title>{}</html>",
            "x".repeat(400)
        );
        let BackendError::Unavailable(m) = error_from(503, &html) else {
            panic!()
        };
        assert!(m.starts_with("Kantata is unavailable (503): the body was not understood: <html><title>\u{FFFD}[31mService"), "{m}");
        assert!(m.ends_with('…'), "{m}");
        let quoted = m.split_once("understood: ").unwrap().1;
        assert_eq!(
            quoted.chars().count(),
            201,
            "200 characters and an ellipsis"
        );
        assert!(!m.contains('\x1b'));
        assert_eq!(
            error_from(502, ""),
            BackendError::Other("Kantata answered 502: the body was empty".into())
        );
        assert!(matches!(error_from(401, "nope"), BackendError::Other(m)
            if m == "Kantata refused the token (401): the body was not understood: nope"));
        assert!(matches!(
            error_from(404, "<h1>404</h1>"),
            BackendError::NotFound(_)
        ));
    }
}
