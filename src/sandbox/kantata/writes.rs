//! Kantata writes: allocations (create, bulk create, update, delete, split), workspace
//! resources (create, bulk create, update, delete, allocations from scheduled hours) and resource
//! requests (create, resolve, update approver). Each parses its body strictly (422 naming the
//! field), runs one store call under the cache's write lock (all or nothing), and answers in the
//! listing format with what the write made.

use super::format::{
    ApiError, ApiResult, Envelope, Params, body_object, create_items, date_value, id_list,
    kantata_field, member, opt_bool, opt_count, opt_date, opt_id, opt_text, path_id, req_date,
    req_id,
};
use super::{Shared, snapshot};
use crate::client::{Backend, NewAllocation, NewRequest, NewResource, RequestTarget, Resolution};
use crate::domain::staffing::{When, allocations_from_scheduled};
use crate::domain::{Allocation, Amount, DateRange, Id};
use crate::sandbox::cache::everything;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

fn store_error(e: crate::client::BackendError) -> ApiError {
    ApiError::backend(e, kantata_field)
}

// ---- workspace allocations ---------------------------------------------------------------------

fn new_allocation(o: &Map<String, Value>) -> Result<NewAllocation, ApiError> {
    let resource_id = req_id(o, "resource_id", "the workspace resource to allocate")?;
    let start = req_date(o, "start_date")?;
    let end = req_date(o, "end_date")?;
    let minutes = opt_count(o, "minutes")?.ok_or_else(|| {
        ApiError::invalid(
            "minutes",
            "minutes is required: the total minutes over the date range",
        )
    })?;
    if end < start {
        return Err(ApiError::invalid(
            "end_date",
            format!("the allocation ends on {end} before it starts on {start}"),
        ));
    }
    Ok(NewAllocation {
        resource_id,
        range: DateRange::new(start, end),
        amount: Amount::TotalMinutes(minutes),
        hard: opt_bool(o, "hard")?.unwrap_or(false),
        notes: opt_text(o, "notes")?.unwrap_or_default(),
    })
}

/// POST `/workspace_allocations`: one, or up to 200 in the bulk form, all or nothing.
pub async fn create_allocations(State(core): Shared, params: Params, body: Bytes) -> ApiResult {
    let body = body_object(&body)?;
    let news = create_items(&body, "workspace_allocation", "workspace_allocations")?
        .into_iter()
        .map(|(o, i)| new_allocation(o).map_err(|e| e.in_item("workspace_allocations", i)))
        .collect::<Result<Vec<_>, _>>()?;
    let created = {
        let mut w = core.cache.write().await;
        w.outcome(core.backend.create_allocations(news).await)
            .map_err(store_error)?
    };
    let snap = snapshot(&core).await?;
    let mut env = Envelope::new(&snap, &core, &params);
    for a in &created {
        env.allocation(a);
    }
    Ok(env.finish_all())
}

/// PUT `/workspace_allocations/{id}`: dates, minutes, hard and notes (the resource stays).
pub async fn update_allocation(
    State(core): Shared,
    Path(raw): Path<String>,
    params: Params,
    body: Bytes,
) -> ApiResult {
    let id = path_id(&raw, "workspace allocation")?;
    let body = body_object(&body)?;
    let o = member(&body, "workspace_allocation")?;
    if o.contains_key("resource_id") {
        return Err(ApiError::invalid(
            "resource_id",
            "an allocation's resource cannot be changed; delete it and create one on the other resource",
        ));
    }
    let start = opt_date(o, "start_date")?;
    let end = opt_date(o, "end_date")?;
    let minutes = opt_count(o, "minutes")?;
    let hard = opt_bool(o, "hard")?;
    let notes = opt_text(o, "notes")?;
    let updated = {
        let mut w = core.cache.write().await;
        let before = w.snapshot().await.map_err(store_error)?;
        let mut a: Allocation = before.allocation(&id).cloned().ok_or_else(|| {
            ApiError::not_found(format!("workspace allocation {id} does not exist"))
        })?;
        let (s, e) = (start.unwrap_or(a.range.start), end.unwrap_or(a.range.end));
        if e < s {
            return Err(ApiError::invalid(
                if end.is_some() {
                    "end_date"
                } else {
                    "start_date"
                },
                format!("the allocation would end on {e} before it starts on {s}"),
            ));
        }
        a.range = DateRange::new(s, e);
        if let Some(m) = minutes {
            a.amount = Amount::TotalMinutes(m);
        }
        if let Some(h) = hard {
            a.hard = h;
        }
        if let Some(n) = notes {
            a.notes = n;
        }
        w.outcome(core.backend.update_allocation(a).await)
            .map_err(store_error)?
    };
    let snap = snapshot(&core).await?;
    let mut env = Envelope::new(&snap, &core, &params);
    env.allocation(&updated);
    Ok(env.finish_all())
}

/// DELETE `/workspace_allocations/{id}`: 204 with no body.
pub async fn delete_allocation(State(core): Shared, Path(raw): Path<String>) -> ApiResult {
    let id = path_id(&raw, "workspace allocation")?;
    let mut w = core.cache.write().await;
    w.outcome(core.backend.delete_allocation(id).await)
        .map_err(store_error)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// PUT `/workspace_allocations/split?workspace_allocation_id=ID&split_date=YYYY-MM-DD`: both
/// parts, the first keeping the id and ending the day before `split_date`.
pub async fn split_allocation(State(core): Shared, params: Params) -> ApiResult {
    let id = match params.get("workspace_allocation_id") {
        None => {
            return Err(ApiError::invalid(
                "workspace_allocation_id",
                "workspace_allocation_id is required: the allocation to split",
            ));
        }
        Some(v) => super::format::id_value(&Value::String(v.to_string())).ok_or_else(|| {
            ApiError::invalid(
                "workspace_allocation_id",
                format!("workspace_allocation_id must be an id, not '{v}'"),
            )
        })?,
    };
    let date = match params.get("split_date") {
        None => {
            return Err(ApiError::invalid(
                "split_date",
                "split_date is required (YYYY-MM-DD): the day the second part starts",
            ));
        }
        Some(v) => date_value(&Value::String(v.to_string())).ok_or_else(|| {
            ApiError::invalid(
                "split_date",
                format!("split_date must be a date like 2025-03-03, not '{v}'"),
            )
        })?,
    };
    let (a, b) = {
        let mut w = core.cache.write().await;
        w.outcome(core.backend.split_allocation(id, date).await)
            .map_err(store_error)?
    };
    let snap = snapshot(&core).await?;
    let mut env = Envelope::new(&snap, &core, &params);
    env.allocation(&a);
    env.allocation(&b);
    Ok(env.finish_all())
}

// ---- workspace resources -----------------------------------------------------------------------

/// POST `/workspace_resources`: one, or up to 200 in the bulk form, all or nothing. An unnamed
/// resource (`user_id` null or absent) needs `role_id`.
pub async fn create_resources(State(core): Shared, params: Params, body: Bytes) -> ApiResult {
    let body = body_object(&body)?;
    let items = create_items(&body, "workspace_resource", "workspace_resources")?;
    let created = {
        let mut w = core.cache.write().await;
        let before = w.snapshot().await.map_err(store_error)?;
        let mut news = Vec::with_capacity(items.len());
        for (o, i) in items {
            let item = |e: ApiError| e.in_item("workspace_resources", i);
            let project = req_id(o, "workspace_id", "the workspace (project)").map_err(item)?;
            if before.project(&project).is_none() {
                return Err(item(ApiError::invalid(
                    "workspace_id",
                    format!("workspace {project} does not exist"),
                )));
            }
            let person = opt_id(o, "user_id").map_err(item)?.flatten();
            let role = match opt_id(o, "role_id").map_err(item)?.flatten() {
                Some(r) => Some(
                    before
                        .role_name(&r)
                        .ok_or_else(|| {
                            item(ApiError::invalid(
                                "role_id",
                                format!("role {r} does not exist"),
                            ))
                        })?
                        .to_string(),
                ),
                None if person.is_none() => {
                    return Err(item(ApiError::invalid(
                        "role_id",
                        "role_id is required for an unnamed resource (no user_id)",
                    )));
                }
                None => None,
            };
            let label = opt_text(o, "label")
                .map_err(item)?
                .filter(|l| !l.trim().is_empty());
            news.push(NewResource {
                project_id: project,
                person_id: person,
                role,
                label,
            });
        }
        w.outcome(core.backend.create_resources(news).await)
            .map_err(store_error)?
    };
    let snap = snapshot(&core).await?;
    let mut env = Envelope::new(&snap, &core, &params);
    for r in &created {
        env.resource(r);
    }
    Ok(env.finish_all())
}

/// PUT `/workspace_resources/{id}`: `label`, `user_id` (null un-names), `role_id`.
pub async fn update_resource(
    State(core): Shared,
    Path(raw): Path<String>,
    params: Params,
    body: Bytes,
) -> ApiResult {
    let id = path_id(&raw, "workspace resource")?;
    let body = body_object(&body)?;
    let o = member(&body, "workspace_resource")?;
    let label = opt_text(o, "label")?;
    let person = opt_id(o, "user_id")?;
    let role = opt_id(o, "role_id")?;
    let saved = {
        let mut w = core.cache.write().await;
        let before = w.snapshot().await.map_err(store_error)?;
        let mut r = before.resource(&id).cloned().ok_or_else(|| {
            ApiError::not_found(format!("workspace resource {id} does not exist"))
        })?;
        if let Some(l) = label {
            r.label = l;
        }
        if let Some(p) = person {
            r.person_id = p;
        }
        match role {
            Some(Some(role_id)) => {
                r.role = before
                    .role_name(&role_id)
                    .ok_or_else(|| {
                        ApiError::invalid("role_id", format!("role {role_id} does not exist"))
                    })?
                    .to_string();
            }
            Some(None) => {
                return Err(ApiError::invalid(
                    "role_id",
                    "role_id cannot be null; a resource always has a role",
                ));
            }
            None => {}
        }
        w.outcome(core.backend.update_resource(r).await)
            .map_err(store_error)?
    };
    let snap = snapshot(&core).await?;
    let mut env = Envelope::new(&snap, &core, &params);
    env.resource(&saved);
    Ok(env.finish_all())
}

/// DELETE `/workspace_resources/{id}`: 204, or 422 with the store's reason (a person's last
/// resource in their primary role stays; so does a resource with requests).
pub async fn delete_resource(State(core): Shared, Path(raw): Path<String>) -> ApiResult {
    let id = path_id(&raw, "workspace resource")?;
    let mut w = core.cache.write().await;
    w.outcome(core.backend.delete_resource(id).await)
        .map_err(store_error)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// One entry of a scheduled-hours body: which resources, hard or soft, and when.
struct FromScheduled {
    resources: Vec<Id>,
    hard: bool,
    when: When,
}

fn occurrence(o: &Map<String, Value>) -> Result<When, ApiError> {
    let occ = member(o, "occurrence")?;
    let date = |field: &str, kind: &str| {
        opt_date(occ, field)
            .map_err(|e| ApiError {
                field: Some(format!("occurrence.{field}")),
                ..e
            })?
            .ok_or_else(|| {
                ApiError::invalid(
                    &format!("occurrence.{field}"),
                    format!("occurrence.{field} is required when the type is {kind}"),
                )
            })
    };
    match occ.get("type").and_then(Value::as_str) {
        Some("anytime") => Ok(When::Any),
        Some("after") => Ok(When::After(date("after_date", "after")?)),
        Some("before") => Ok(When::Before(date("before_date", "before")?)),
        Some("between") => {
            let (a, b) = (date("start_date", "between")?, date("end_date", "between")?);
            if b < a {
                return Err(ApiError::invalid(
                    "occurrence.end_date",
                    format!("occurrence.end_date {b} is before occurrence.start_date {a}"),
                ));
            }
            Ok(When::Between(a, b))
        }
        other => Err(ApiError::invalid(
            "occurrence.type",
            format!(
                "occurrence.type is anytime, after, before or between, not {}",
                other.map_or_else(|| "missing".to_string(), |t| format!("'{t}'"))
            ),
        )),
    }
}

fn scheduled_entries(
    body: &Map<String, Value>,
    path_resource: Option<&Id>,
) -> Result<Vec<FromScheduled>, ApiError> {
    let data = match body.get("data") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(Value::Array(_)) => return Err(ApiError::invalid("data", "data is empty")),
        Some(_) => return Err(ApiError::invalid("data", "data must be a list")),
        None => {
            return Err(ApiError::invalid(
                "data",
                "the body needs a data list of {resource_ids, hard, occurrence}",
            ));
        }
    };
    data.iter()
        .enumerate()
        .map(|(i, v)| {
            let at = |e: ApiError| e.in_item("data", Some(i));
            let Value::Object(o) = v else {
                return Err(at(ApiError::invalid(
                    "data",
                    "each entry must be an object",
                )));
            };
            let resources = match path_resource {
                // The by-id route acts on its own resource; resource_ids is for the bulk route.
                Some(id) => vec![id.clone()],
                None => id_list(o, "resource_ids")
                    .map_err(at)?
                    .filter(|l| !l.is_empty())
                    .ok_or_else(|| {
                        at(ApiError::invalid(
                            "resource_ids",
                            "resource_ids is required: the workspace resources to allocate",
                        ))
                    })?,
            };
            let hard = opt_bool(o, "hard").map_err(at)?.ok_or_else(|| {
                at(ApiError::invalid(
                    "hard",
                    "hard is required (true or false)",
                ))
            })?;
            let when = occurrence(o).map_err(at)?;
            Ok(FromScheduled {
                resources,
                hard,
                when,
            })
        })
        .collect()
}

/// POST `/workspace_resources/allocations_matching_scheduled_hours`.
pub async fn from_scheduled_hours(
    State(core): Shared,
    params: Params,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = body_object(&body)?;
    let entries = scheduled_entries(&body, None)?;
    allocate_scheduled(&core, &params, entries).await
}

/// POST `/workspace_resources/{id}/allocations_matching_scheduled_hours`.
pub async fn from_scheduled_hours_of(
    State(core): Shared,
    Path(raw): Path<String>,
    params: Params,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = path_id(&raw, "workspace resource")?;
    let body = body_object(&body)?;
    let entries = scheduled_entries(&body, Some(&id))?;
    {
        let snap = snapshot(&core).await?;
        if snap.resource(&id).is_none() {
            return Err(ApiError::not_found(format!(
                "workspace resource {id} does not exist"
            )));
        }
    }
    allocate_scheduled(&core, &params, entries).await
}

/// One allocation per week of scheduled hours, equal consecutive weeks merged (the domain's
/// rule), created in one transaction.
///
/// K-wr documents two answers for this endpoint: the 200 schema `{"success": true}` ("Indicates
/// if workspace allocations were created"; seed kantata-workspace-resources.txt), and the
/// description "This endpoint returns structured Workspace Resource objects … indexed by ID in
/// the `workspace_resources` top-level JSON key", with an `include` parameter for their
/// associations. The documents do not say which comes when; since associations can only be
/// included beside objects, a request naming `include` gets the resources in the listing
/// format, and one without gets the schema's `{"success": true}`.
async fn allocate_scheduled(
    core: &crate::sandbox::Core,
    params: &Params,
    entries: Vec<FromScheduled>,
) -> Result<Response, ApiError> {
    let mut w = core.cache.write().await;
    let before = w.snapshot().await.map_err(store_error)?;
    for e in &entries {
        for r in &e.resources {
            let res = before.resource(r).ok_or_else(|| {
                ApiError::invalid(
                    "resource_ids",
                    format!("workspace resource {r} does not exist"),
                )
            })?;
            if e.hard && res.is_unnamed() {
                return Err(ApiError::invalid(
                    "hard",
                    format!(
                        "workspace resource {r} is unnamed ({}) and can only be soft allocated; hard must be false when any resource is unnamed",
                        res.role
                    ),
                ));
            }
        }
    }
    let mut weeks: HashMap<Id, Vec<(chrono::NaiveDate, u32)>> = HashMap::new();
    for w in core
        .backend
        .scheduled_hours(everything())
        .await
        .map_err(store_error)?
    {
        weeks
            .entry(w.resource_id)
            .or_default()
            .push((w.monday, w.minutes));
    }
    let mut news = Vec::new();
    for e in &entries {
        for r in &e.resources {
            let of = weeks.get(r).map(Vec::as_slice).unwrap_or_default();
            for (range, minutes) in allocations_from_scheduled(of, e.when) {
                news.push(NewAllocation {
                    resource_id: r.clone(),
                    range,
                    amount: Amount::TotalMinutes(minutes),
                    hard: e.hard,
                    notes: String::new(),
                });
            }
        }
    }
    if !news.is_empty() {
        w.outcome(core.backend.create_allocations(news).await)
            .map_err(store_error)?;
    }
    drop(w);
    if params.get("include").is_some() {
        let snap = snapshot(core).await?;
        let mut env = Envelope::new(&snap, core, params);
        let mut seen = std::collections::HashSet::new();
        for r in entries.iter().flat_map(|e| &e.resources) {
            if seen.insert(r)
                && let Some(res) = snap.resource(r)
            {
                env.resource(&res.clone());
            }
        }
        return Ok(env.finish_all());
    }
    Ok(crate::sandbox::json_response(
        StatusCode::OK,
        &json!({"success": true}),
    ))
}

// ---- resource requests -------------------------------------------------------------------------

fn request_field(store: &str) -> &str {
    match store {
        "end_date" => "workspace_allocation_end_date",
        "start_date" => "workspace_allocation_start_date",
        "percentage" => "workspace_allocation_percentage",
        "role" => "resource_role_id",
        "person_id" => "user_id",
        other => other,
    }
}

/// POST `/resource_requests`: for `resource_id`, or for a new unnamed resource
/// (`resource_workspace_id` + `resource_role_id`); the dates and percentage become a soft
/// allocation on the resource.
pub async fn create_request(State(core): Shared, params: Params, body: Bytes) -> ApiResult {
    let body = body_object(&body)?;
    let o = member(&body, "resource_request")?;
    let approvers = id_list(o, "approver_ids")?
        .filter(|l| !l.is_empty())
        .ok_or_else(|| {
            ApiError::invalid(
                "approver_ids",
                "approver_ids is required: at least one approver",
            )
        })?;
    let start = req_date(o, "workspace_allocation_start_date")?;
    let end = req_date(o, "workspace_allocation_end_date")?;
    let percentage = opt_count(o, "workspace_allocation_percentage")?.ok_or_else(|| {
        ApiError::invalid(
            "workspace_allocation_percentage",
            "workspace_allocation_percentage is required: the share of capacity to request",
        )
    })?;
    if end < start {
        return Err(ApiError::invalid(
            "workspace_allocation_end_date",
            format!("the request ends on {end} before it starts on {start}"),
        ));
    }
    let created = {
        let mut w = core.cache.write().await;
        let before = w.snapshot().await.map_err(store_error)?;
        let target = match opt_id(o, "resource_id")?.flatten() {
            Some(r) => {
                if before.resource(&r).is_none() {
                    return Err(ApiError::invalid(
                        "resource_id",
                        format!("workspace resource {r} does not exist"),
                    ));
                }
                RequestTarget::Resource(r)
            }
            None => {
                let workspace = opt_id(o, "resource_workspace_id")?.flatten();
                let role = opt_id(o, "resource_role_id")?.flatten();
                match (workspace, role) {
                    (None, None) => {
                        return Err(ApiError::invalid(
                            "resource_id",
                            "send resource_id, or resource_workspace_id and resource_role_id for a new unnamed resource",
                        ));
                    }
                    (None, Some(_)) => {
                        return Err(ApiError::invalid(
                            "resource_workspace_id",
                            "resource_workspace_id is required with resource_role_id",
                        ));
                    }
                    (Some(_), None) => {
                        return Err(ApiError::invalid(
                            "resource_role_id",
                            "resource_role_id is required with resource_workspace_id",
                        ));
                    }
                    (Some(p), Some(role)) => {
                        if before.project(&p).is_none() {
                            return Err(ApiError::invalid(
                                "resource_workspace_id",
                                format!("workspace {p} does not exist"),
                            ));
                        }
                        let role = before
                            .role_name(&role)
                            .ok_or_else(|| {
                                ApiError::invalid(
                                    "resource_role_id",
                                    format!("role {role} does not exist"),
                                )
                            })?
                            .to_string();
                        RequestTarget::NewUnnamed {
                            project_id: p,
                            role,
                        }
                    }
                }
            }
        };
        w.outcome(
            core.backend
                .create_request(NewRequest {
                    target,
                    approver_ids: approvers,
                    period: DateRange::new(start, end),
                    percentage,
                    notes: String::new(),
                })
                .await,
        )
        .map_err(|e| ApiError::backend(e, request_field))?
    };
    let snap = snapshot(&core).await?;
    let mut env = Envelope::new(&snap, &core, &params);
    env.request(&created.request);
    Ok(env.finish_all())
}

/// PUT `/resource_requests/{id}`: approve (naming `user_id` on an unnamed resource; its
/// allocations hard unless `allocations_state` is false), reject or cancel. Only once.
pub async fn resolve_request(
    State(core): Shared,
    Path(raw): Path<String>,
    params: Params,
    body: Bytes,
) -> ApiResult {
    let id = path_id(&raw, "resource request")?;
    let body = body_object(&body)?;
    let o = member(&body, "resource_request")?;
    let how = match o.get("request_resolution_status").and_then(Value::as_str) {
        Some("approve") => Resolution::Approve {
            user_id: opt_id(o, "user_id")?.flatten(),
            soft: opt_bool(o, "allocations_state")? == Some(false),
        },
        Some("reject") => Resolution::Reject,
        Some("cancel") => Resolution::Cancel,
        Some(other) => {
            return Err(ApiError::invalid(
                "request_resolution_status",
                format!("request_resolution_status is approve, reject or cancel, not '{other}'"),
            ));
        }
        None => {
            return Err(ApiError::invalid(
                "request_resolution_status",
                "request_resolution_status is required: approve, reject or cancel",
            ));
        }
    };
    let resolved = {
        let mut w = core.cache.write().await;
        w.outcome(core.backend.resolve_request(id, how).await)
            .map_err(|e| ApiError::backend(e, request_field))?
    };
    let snap = snapshot(&core).await?;
    let mut env = Envelope::new(&snap, &core, &params);
    env.request(&resolved);
    Ok(env.finish_all())
}

/// PUT `/resource_requests/{id}/update_approver`: replaces a pending request's approvers.
pub async fn update_approver(
    State(core): Shared,
    Path(raw): Path<String>,
    params: Params,
    body: Bytes,
) -> ApiResult {
    let id = path_id(&raw, "resource request")?;
    let body = body_object(&body)?;
    let o = member(&body, "resource_request")?;
    let approvers = id_list(o, "new_approver_id")?
        .filter(|l| !l.is_empty())
        .ok_or_else(|| {
            ApiError::invalid(
                "new_approver_id",
                "new_approver_id is required: the ids of the new approvers",
            )
        })?;
    let updated = {
        let mut w = core.cache.write().await;
        w.outcome(core.backend.update_approver(id, approvers).await)
            .map_err(|e| {
                ApiError::backend(e, |f| {
                    if f == "approver_ids" {
                        "new_approver_id"
                    } else {
                        f
                    }
                })
            })?
    };
    let snap = snapshot(&core).await?;
    let mut env = Envelope::new(&snap, &core, &params);
    env.request(&updated);
    Ok(env.finish_all())
}
