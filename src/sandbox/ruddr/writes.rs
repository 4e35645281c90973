//! Ruddr writes: `POST /allocations`, `PATCH /allocations/{id}`, `DELETE /allocations/{id}`.
//!
//! A body is checked field by field and refused at the first problem, 400 with one
//! `'field' ...` line in `errors` (the create reference's rules: `unit`, `start`, `end`,
//! `resourceTypeId`, `assignmentTypeId` required; `memberId` or `resourcePlaceholderId` as the
//! resource type says, never both; `projectId` for project assignments, `timeOffTypeId` for time
//! off; the unit's own field required, the others refused, each in its range and decimals;
//! `projectRoleId` on a project that uses roles, one of its own). A PATCH is the stored
//! allocation with the body laid over it, checked by the same rules: Ruddr documents no PATCH
//! for allocations, its other PATCH bodies are all-optional, and on writes null unsets a field
//! and an empty string is null (capacity-apis §9, docs.ruddr.io/guides/conventions), so a field
//! left out keeps its value and a null one is unset (refused where it is required).
//!
//! Ruddr has no workspace resources, so a write picks the store resource for its
//! (member or placeholder, project, role) and makes one when there is none, in the same
//! transaction as the allocation. Read-only allocations (members' time off) are a 409.
//! Time off cannot be created: the store keeps it on the person (403, as for a feature the
//! workspace lacks).

use super::format::{
    ApiError, ApiResult, Kind, UNIT_FIELDS, Uuid, id_of, parse_uuid, store_uuid, strict_date,
    unit_of,
};
use super::roles::{find_role, project_roles, role_uuid};
use super::{Shared, find_time_off, one_allocation, placeholder_roles, snapshot};
use crate::client::{Applied, Backend, Change, NewAllocation, NewResource};
use crate::domain::{Allocation, Amount, DateRange, Id, Resource};
use crate::sandbox::cache::{Snapshot, id_order};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Map, Value, json};

type Body = Map<String, Value>;

/// Who an allocation is for.
#[derive(Clone, Debug, PartialEq)]
enum Who {
    Member(Id),
    /// A placeholder, by its role name.
    Placeholder(String),
}

/// A checked body: what the store needs to know.
#[derive(Debug)]
struct Plan {
    who: Who,
    project: Id,
    /// From `projectRoleId`; `None` keeps the pair's role (or the member's primary one).
    role: Option<String>,
    range: DateRange,
    /// The unit and its value as sent.
    unit: &'static str,
    value: f64,
    allocate_on_time_off: bool,
    notes: String,
}

fn body_object(bytes: &[u8]) -> Result<Body, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "The request body is empty; send a JSON object.",
        ));
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request(
            "The request body must be a JSON object.",
        )),
        Err(e) => Err(ApiError::bad_request(format!(
            "The request body is not valid JSON: {e}"
        ))),
    }
}

/// A field's value; null counts as absent ("setting a property to null unsets it").
fn present<'a>(o: &'a Body, field: &str) -> Option<&'a Value> {
    o.get(field).filter(|v| !v.is_null())
}

fn req_str<'a>(o: &'a Body, field: &str, missing: &str) -> Result<&'a str, ApiError> {
    match present(o, field) {
        None => Err(ApiError::invalid(field, missing)),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim()),
        Some(Value::String(_)) => Err(ApiError::invalid(field, missing)),
        Some(_) => Err(ApiError::invalid(field, "must be a string")),
    }
}

fn req_choice(o: &Body, field: &str, allowed: &[&'static str]) -> Result<&'static str, ApiError> {
    let v = req_str(o, field, "is required")?;
    allowed
        .iter()
        .find(|a| **a == v)
        .copied()
        .ok_or_else(|| ApiError::invalid(field, format!("must be one of: {}", allowed.join(", "))))
}

fn req_date(o: &Body, field: &str) -> Result<chrono::NaiveDate, ApiError> {
    let v = req_str(o, field, "is required")?;
    strict_date(v).ok_or_else(|| ApiError::invalid(field, "must be a date in the form YYYY-MM-DD"))
}

/// A UUID field naming a record of `kind` (the store id, or `None` for a UUID naming nothing).
fn uuid_field(o: &Body, field: &str, kind: Kind, missing: &str) -> Result<Option<Id>, ApiError> {
    let v = req_str(o, field, missing)?;
    id_of(v, kind).map_err(|()| ApiError::invalid(field, "is not a valid UUID"))
}

fn refuse_if_given(o: &Body, field: &str, why: &str) -> Result<(), ApiError> {
    match present(o, field) {
        Some(_) => Err(ApiError::invalid(field, why)),
        None => Ok(()),
    }
}

/// Each unit's largest value and decimal places (the create reference).
fn unit_limits(unit: &str) -> (f64, i32) {
    match unit {
        "day" => (24.0, 2),
        "week" => (168.0, 2),
        "month" => (744.0, 2),
        "allocation" => (99_999.0, 2),
        _ => (1.0, 4),
    }
}

fn amount(unit: &str, v: f64) -> Amount {
    match unit {
        "day" => Amount::HoursPerDay(v),
        "week" => Amount::HoursPerWeek(v),
        "month" => Amount::HoursPerMonth(v),
        "allocation" => Amount::TotalHours(v),
        _ => Amount::RatioOfCapacity(v),
    }
}

/// Checks a whole allocation body against the snapshot; the first problem is the answer.
fn check(o: &Body, snap: &Snapshot) -> Result<Plan, ApiError> {
    let units: Vec<&str> = UNIT_FIELDS.iter().map(|(u, _)| *u).collect();
    let unit_text = req_str(o, "unit", "is required")?;
    let (unit, unit_field) = UNIT_FIELDS
        .iter()
        .find(|(u, _)| *u == unit_text)
        .copied()
        .ok_or_else(|| {
            ApiError::invalid("unit", format!("must be one of: {}", units.join(", ")))
        })?;
    let start = req_date(o, "start")?;
    let end = req_date(o, "end")?;
    if end < start {
        return Err(ApiError::invalid(
            "end",
            "must come on or after the start date",
        ));
    }
    let resource_type = req_choice(o, "resourceTypeId", &["member", "placeholder"])?;
    let assignment = req_choice(o, "assignmentTypeId", &["project", "time_off"])?;

    let who = if resource_type == "member" {
        refuse_if_given(
            o,
            "resourcePlaceholderId",
            "is not allowed when resourceTypeId is member",
        )?;
        let id = uuid_field(
            o,
            "memberId",
            Kind::Member,
            "is required when resourceTypeId is member",
        )?
        .filter(|id| snap.person(id).is_some())
        .ok_or_else(|| ApiError::invalid("memberId", "does not match a member"))?;
        Who::Member(id)
    } else {
        refuse_if_given(
            o,
            "memberId",
            "is not allowed when resourceTypeId is placeholder",
        )?;
        let id = uuid_field(
            o,
            "resourcePlaceholderId",
            Kind::Placeholder,
            "is required when resourceTypeId is placeholder",
        )?;
        let name = id
            .and_then(|id| placeholder_roles(snap).into_iter().find(|(r, _)| *r == id))
            .map(|(_, name)| name)
            .ok_or_else(|| {
                ApiError::invalid(
                    "resourcePlaceholderId",
                    "does not match a resource placeholder",
                )
            })?;
        Who::Placeholder(name)
    };

    let project = if assignment == "project" {
        refuse_if_given(
            o,
            "timeOffTypeId",
            "is not allowed when assignmentTypeId is project",
        )?;
        Some(
            uuid_field(
                o,
                "projectId",
                Kind::Project,
                "is required when assignmentTypeId is project",
            )?
            .filter(|id| snap.project(id).is_some())
            .ok_or_else(|| ApiError::invalid("projectId", "does not match a project"))?,
        )
    } else {
        for field in ["projectId", "projectRoleId", "projectTaskId"] {
            refuse_if_given(o, field, "is not allowed when assignmentTypeId is time_off")?;
        }
        if resource_type != "member" {
            return Err(ApiError::invalid(
                "resourceTypeId",
                "must be member when assignmentTypeId is time_off",
            ));
        }
        uuid_field(
            o,
            "timeOffTypeId",
            Kind::TimeOffType,
            "is required when assignmentTypeId is time_off",
        )?
        .filter(|id| id.as_number() == Some(1))
        .ok_or_else(|| ApiError::invalid("timeOffTypeId", "does not match a time-off type"))?;
        None
    };

    for (u, field) in UNIT_FIELDS {
        if u != unit {
            refuse_if_given(o, field, &format!("is only allowed when unit is {u}"))?;
        }
    }
    let value = match present(o, unit_field) {
        None => {
            return Err(ApiError::invalid(
                unit_field,
                format!("is required when unit is {unit}"),
            ));
        }
        Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
        Some(_) => return Err(ApiError::invalid(unit_field, "must be a number")),
    };
    let (max, places) = unit_limits(unit);
    if !(0.0..=max).contains(&value) {
        return Err(ApiError::invalid(
            unit_field,
            format!("must be between 0 and {max}"),
        ));
    }
    let scaled = value * 10f64.powi(places);
    if (scaled - scaled.round()).abs() > 1e-6 {
        return Err(ApiError::invalid(
            unit_field,
            format!("must have at most {places} decimal places"),
        ));
    }

    // "May be required depending on the project configuration" (R-seed-create L180–183): the
    // strictest reading, required on every project that uses roles (see `roles.rs`), and only
    // one of that project's own roles. An unnamed resource keeps its placeholder's role in the
    // store (it holds one role per unnamed resource).
    let uses_roles = project
        .as_ref()
        .is_some_and(|p| !project_roles(snap, p).is_empty());
    let role = match present(o, "projectRoleId") {
        None if uses_roles => {
            return Err(ApiError::invalid(
                "projectRoleId",
                "is required because the project uses roles",
            ));
        }
        None => None,
        Some(_) => {
            let raw = req_str(o, "projectRoleId", "is required")?;
            match find_role(snap, raw) {
                Err(()) => return Err(ApiError::invalid("projectRoleId", "is not a valid UUID")),
                Ok(Some((_, of, name))) if project.as_ref() == Some(&of) => Some(name),
                Ok(Some(_)) => {
                    return Err(ApiError::invalid(
                        "projectRoleId",
                        "is a role of another project",
                    ));
                }
                Ok(None) => {
                    return Err(ApiError::invalid(
                        "projectRoleId",
                        "does not match a project role",
                    ));
                }
            }
        }
    };
    if present(o, "projectTaskId").is_some() {
        return Err(ApiError::invalid(
            "projectTaskId",
            "does not match a task of the project",
        ));
    }
    let allocate_on_time_off = match present(o, "allocateOnTimeOffDays") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(ApiError::invalid(
                "allocateOnTimeOffDays",
                "must be true or false",
            ));
        }
    };
    let notes = match present(o, "notes") {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(ApiError::invalid("notes", "must be a string")),
    };

    let allocate_on_time_off = allocate_on_time_off && matches!(who, Who::Member(_));
    let Some(project) = project else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Time-off allocations can't be created in allot-sandbox: its store keeps time off on the member.",
        ));
    };
    Ok(Plan {
        who,
        project,
        role,
        range: DateRange::new(start, end),
        unit,
        value,
        allocate_on_time_off,
        notes,
    })
}

/// A stored allocation as the body that would make it (the base a PATCH is laid over).
fn as_body(snap: &Snapshot, a: &Allocation) -> Body {
    let mut o = Body::new();
    let (unit, value) = unit_of(a.amount);
    o.insert("unit".into(), json!(unit));
    if let Some((_, field)) = UNIT_FIELDS.iter().find(|(u, _)| *u == unit) {
        o.insert((*field).into(), json!(value));
    }
    o.insert("start".into(), json!(super::format::day(a.range.start)));
    o.insert("end".into(), json!(super::format::day(a.range.end)));
    o.insert("assignmentTypeId".into(), json!("project"));
    let resource = snap.resource(&a.resource_id);
    match resource.and_then(|r| r.person_id.as_ref()) {
        Some(p) => {
            o.insert("resourceTypeId".into(), json!("member"));
            o.insert("memberId".into(), json!(store_uuid(Kind::Member, p)));
            o.insert(
                "allocateOnTimeOffDays".into(),
                json!(a.allocate_on_time_off),
            );
        }
        None => {
            o.insert("resourceTypeId".into(), json!("placeholder"));
            if let Some(role) = resource.and_then(|r| snap.role_id(&r.role)) {
                o.insert(
                    "resourcePlaceholderId".into(),
                    json!(store_uuid(Kind::Placeholder, role)),
                );
            }
        }
    }
    if let Some(p) = &a.project_id {
        o.insert("projectId".into(), json!(store_uuid(Kind::Project, p)));
        // Its role, on a project that uses roles (what the allocation object's `role` says).
        let role = resource
            .and_then(|r| snap.role_id(&r.role))
            .filter(|_| !project_roles(snap, p).is_empty())
            .and_then(|id| role_uuid(id, p));
        if let Some(role) = role {
            o.insert("projectRoleId".into(), json!(role));
        }
    }
    o.insert("notes".into(), json!(a.notes));
    o
}

/// `patch` laid over `base`: a changed unit, resource type or assignment type drops the base's
/// fields that belonged to the old one.
fn merge(mut base: Body, patch: &Body) -> Body {
    let changed = |base: &Body, k: &str| {
        patch
            .get(k)
            .is_some_and(|v| !v.is_null() && Some(v) != base.get(k))
    };
    if changed(&base, "unit") {
        for (_, field) in UNIT_FIELDS {
            base.remove(field);
        }
    }
    if changed(&base, "resourceTypeId") {
        base.remove("memberId");
        base.remove("resourcePlaceholderId");
        base.remove("allocateOnTimeOffDays");
    }
    if changed(&base, "assignmentTypeId") {
        base.remove("projectId");
    }
    for (k, v) in patch {
        base.insert(k.clone(), v.clone());
    }
    base
}

/// The store resource for a plan: `current` when it still fits, else the first that does, else
/// a new one to make.
enum Target {
    Existing(Id),
    New(NewResource),
}

fn fits(r: &Resource, who: &Who, project: &Id, role: Option<&str>) -> bool {
    let role_ok = |name: &str| r.role.trim().eq_ignore_ascii_case(name.trim());
    r.project_id.as_ref() == Some(project)
        && match who {
            Who::Member(p) => r.person_id.as_ref() == Some(p) && role.is_none_or(role_ok),
            Who::Placeholder(name) => r.is_unnamed() && role_ok(name),
        }
}

fn target(snap: &Snapshot, plan: &Plan, current: Option<&Resource>) -> Target {
    let role = plan.role.as_deref();
    if let Some(r) = current.filter(|r| fits(r, &plan.who, &plan.project, role)) {
        return Target::Existing(r.id.clone());
    }
    let found = snap
        .roster
        .resources
        .iter()
        .filter(|r| fits(r, &plan.who, &plan.project, role))
        .min_by_key(|r| id_order(&r.id));
    match found {
        Some(r) => Target::Existing(r.id.clone()),
        None => Target::New(match &plan.who {
            Who::Member(p) => NewResource {
                project_id: plan.project.clone(),
                person_id: Some(p.clone()),
                role: plan.role.clone(),
                label: None,
            },
            Who::Placeholder(name) => NewResource {
                project_id: plan.project.clone(),
                person_id: None,
                role: Some(name.clone()),
                label: None,
            },
        }),
    }
}

const NEW_RESOURCE: &str = "ruddr-sandbox-new-resource";

/// The resource id to write to, with the change that makes it first when it is new.
fn resource_changes(t: Target) -> (Id, Vec<Change>) {
    match t {
        Target::Existing(id) => (id, vec![]),
        Target::New(new) => {
            let temp = Id::new(NEW_RESOURCE);
            (
                temp.clone(),
                vec![Change::CreateResource { temp_id: temp, new }],
            )
        }
    }
}

fn read_only() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "The allocation is read-only: it comes from a time entry or holiday and can't be changed or deleted.",
    )
}

/// The store allocation a write's path names: 400 when no UUID, 409 for a member's time off
/// (read-only), 404 when it names nothing.
fn write_target(raw: &str, snap: &Snapshot) -> Result<Allocation, ApiError> {
    let found = match parse_uuid(raw) {
        None => return Err(ApiError::not_uuid("id")),
        Some(Uuid::Ours(Kind::Allocation, 0, n)) => snap.allocation(&Id::from(n)).cloned(),
        Some(Uuid::Ours(Kind::TimeOff, index, person)) => {
            if find_time_off(snap, index, person).is_some() {
                return Err(read_only());
            }
            None
        }
        Some(_) => None,
    };
    let a = found.ok_or_else(|| ApiError::not_found("Allocation"))?;
    if a.read_only {
        return Err(read_only());
    }
    Ok(a)
}

/// POST `/allocations`: 200 with the allocation made.
pub async fn create_allocation(State(core): Shared, body: Bytes) -> ApiResult {
    let body = body_object(&body)?;
    let id = {
        let mut w = core.cache.write().await;
        let before = w.snapshot().await.map_err(ApiError::backend)?;
        let plan = check(&body, &before)?;
        let (resource_id, mut changes) = resource_changes(target(&before, &plan, None));
        changes.push(Change::Create(NewAllocation {
            resource_id,
            range: plan.range,
            amount: amount(plan.unit, plan.value),
            // Ruddr has no soft allocations; the store allows placeholders soft ones only.
            hard: matches!(plan.who, Who::Member(_)),
            notes: plan.notes.clone(),
        }));
        let applied = w
            .outcome(core.backend.apply(changes).await)
            .map_err(ApiError::backend)?;
        let made = applied
            .into_iter()
            .find_map(|a| match a {
                Applied::Created(a) => Some(a),
                _ => None,
            })
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "The store made no allocation.",
                )
            })?;
        // A new allocation never allocates on time off in the store; set it after.
        if plan.allocate_on_time_off {
            let set = core
                .backend
                .update_allocation(Allocation {
                    allocate_on_time_off: true,
                    ..made.clone()
                })
                .await;
            if let Err(e) = set {
                if let Err(undo) = core.backend.delete_allocation(made.id.clone()).await {
                    tracing::warn!("could not undo a half-made allocation: {undo}");
                }
                return Err(ApiError::backend(e));
            }
        }
        made.id
    };
    let snap = snapshot(&core).await?;
    one_allocation(&snap, &core, &id)
}

/// PATCH `/allocations/{id}`: the body over the stored allocation; 200 with the result.
pub async fn update_allocation(
    State(core): Shared,
    Path(raw): Path<String>,
    body: Bytes,
) -> ApiResult {
    let body = body_object(&body)?;
    let id = {
        let mut w = core.cache.write().await;
        let before = w.snapshot().await.map_err(ApiError::backend)?;
        let a = write_target(&raw, &before)?;
        let plan = check(&merge(as_body(&before, &a), &body), &before)?;
        let current = before.resource(&a.resource_id).cloned();
        let was_named = current.as_ref().is_some_and(|r| !r.is_unnamed());
        let (resource_id, mut changes) = resource_changes(target(&before, &plan, current.as_ref()));
        // An amount sent back as it reads keeps its stored form (total minutes stay minutes).
        let amount = if unit_of(a.amount) == (plan.unit, plan.value) {
            a.amount
        } else {
            amount(plan.unit, plan.value)
        };
        let hard = match plan.who {
            Who::Placeholder(_) => false,
            Who::Member(_) => !was_named || a.hard,
        };
        changes.push(Change::Update(Allocation {
            resource_id,
            project_id: Some(plan.project.clone()),
            range: plan.range,
            amount,
            hard,
            notes: plan.notes.clone(),
            allocate_on_time_off: plan.allocate_on_time_off,
            ..a.clone()
        }));
        w.outcome(core.backend.apply(changes).await)
            .map_err(ApiError::backend)?;
        a.id
    };
    let snap = snapshot(&core).await?;
    one_allocation(&snap, &core, &id)
}

/// DELETE `/allocations/{id}`: 204 with no body.
pub async fn delete_allocation(State(core): Shared, Path(raw): Path<String>) -> ApiResult {
    let mut w = core.cache.write().await;
    let before = w.snapshot().await.map_err(ApiError::backend)?;
    let a = write_target(&raw, &before)?;
    w.outcome(core.backend.delete_allocation(a.id).await)
        .map_err(ApiError::backend)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_drops_what_belonged_to_the_old_unit_and_resource_type() {
        let base: Body = serde_json::from_value(json!({
            "unit": "day", "hoursPerDay": 8.0, "resourceTypeId": "member", "memberId": "m",
            "allocateOnTimeOffDays": false, "notes": "x"
        }))
        .unwrap();
        let patch: Body =
            serde_json::from_value(json!({"unit": "week", "hoursPerWeek": 20})).unwrap();
        let m = merge(base.clone(), &patch);
        assert!(!m.contains_key("hoursPerDay"));
        assert_eq!(m["hoursPerWeek"], 20);
        assert_eq!(m["memberId"], "m");
        let patch: Body =
            serde_json::from_value(json!({"resourceTypeId": "placeholder", "notes": null}))
                .unwrap();
        let m = merge(base.clone(), &patch);
        assert!(!m.contains_key("memberId"));
        assert!(m["notes"].is_null(), "null unsets");
        let same: Body = serde_json::from_value(json!({"unit": "day"})).unwrap();
        assert_eq!(merge(base.clone(), &same)["hoursPerDay"], 8.0);
    }
}
