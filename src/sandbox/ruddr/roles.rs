//! Ruddr project roles: `GET /project-roles?projectId=` and `GET /project-roles/{id}`
//! (capacity-apis §11, docs.ruddr.io/api-reference/project-roles/list-project-roles), and which
//! projects use them.
//!
//! The store has no project roles of its own, so a project's roles are the distinct role names
//! its resources carry (named and unnamed alike), and **a project uses roles (`useRoles`) when it
//! has at least one**. The documents say only that `useRoles` is a project flag (R-docs/
//! list-projects L33) and that `projectRoleId` "may be required depending on the project
//! configuration" (R-seed-create L180–183); the sandbox takes the strictest reading: on a
//! project that uses roles every allocation names one of that project's roles.
//!
//! A project role's UUID carries both the store's role id and the project
//! (`00000009-RRRR-4000-8000-PPPPPPPPPPPP`), so a role of another project is told apart.

use super::format::{ApiError, ApiResult, Encoder, Kind, Params, Uuid, parse_uuid, uuid_at};
use super::{Shared, simple_page, snapshot};
use crate::domain::{Id, Project};
use crate::sandbox::cache::Snapshot;
use crate::sandbox::json_response;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Every project's roles, as (store role id, name) by name; projects with none are left out.
/// One pass over the resources (an answer encodes many allocations).
pub(super) fn by_project(snap: &Snapshot) -> HashMap<Id, Vec<(Id, String)>> {
    let mut all: HashMap<Id, Vec<(Id, String)>> = HashMap::new();
    for r in &snap.roster.resources {
        let (Some(project), Some(id)) = (&r.project_id, snap.role_id(&r.role)) else {
            continue;
        };
        let roles = all.entry(project.clone()).or_default();
        if !roles.iter().any(|(k, _)| k == id) {
            roles.push((id.clone(), r.role.trim().to_string()));
        }
    }
    for roles in all.values_mut() {
        roles.sort_by_key(|(_, n)| n.to_lowercase());
    }
    all
}

/// The roles of `project`, as (store role id, name), by name.
pub(super) fn project_roles(snap: &Snapshot, project: &Id) -> Vec<(Id, String)> {
    by_project(snap).remove(project).unwrap_or_default()
}

/// The UUID of role `role` on `project` (`None` when the ids don't fit the scheme).
pub(super) fn role_uuid(role: &Id, project: &Id) -> Option<String> {
    let index = u16::try_from(role.as_number()?).ok()?;
    let n = project.as_number().filter(|n| *n < 1_000_000_000_000)?;
    Some(uuid_at(Kind::Role, index, n))
}

/// What a project-role UUID names: `Err` when it is not a UUID, `Ok(None)` when it names no
/// project role, else (role id, project id, role name).
pub(super) fn find_role(snap: &Snapshot, raw: &str) -> Result<Option<(Id, Id, String)>, ()> {
    match parse_uuid(raw) {
        None => Err(()),
        Some(Uuid::Ours(Kind::Role, index, n)) if index > 0 => {
            let (role, project) = (Id::from(u64::from(index)), Id::from(n));
            Ok(project_roles(snap, &project)
                .into_iter()
                .find(|(r, _)| *r == role)
                .map(|(r, name)| (r, project, name)))
        }
        Some(_) => Ok(None),
    }
}

/// The role as the allocation object's `role` simple object: `{id, name}`.
pub(super) fn role_ref(role: &Id, project: &Id, name: &str) -> Value {
    match role_uuid(role, project) {
        Some(id) => json!({"id": id, "name": name.trim()}),
        None => Value::Null,
    }
}

/// A project role with the fields the list-project-roles reference gives (capacity-apis §11);
/// the sandbox has no rates or budgets, so those are null or zero.
fn encode(enc: &Encoder<'_>, p: &Project, role: &Id, name: &str) -> Value {
    json!({
        "id": role_uuid(role, &p.id),
        "name": name,
        "isActive": true,
        "isBillable": true,
        "rate": Value::Null,
        "createdAt": super::format::time(enc.core.cache.stamps.start()),
        "project": enc.project_ref(p),
        "discipline": Value::Null,
        "practice": Value::Null,
        "location": Value::Null,
        "budget": {"billableHours": 0, "nonBillableHours": 0},
        "monthlyBudget": {"billableHours": 0, "nonBillableHours": 0},
    })
}

/// `GET /project-roles`, filter `projectId`, cursor-paged like every Ruddr list.
pub(super) async fn list(State(core): Shared, params: Params) -> ApiResult {
    let project = params.id("projectId", Kind::Project)?;
    let snap = snapshot(&core).await?;
    let enc = Encoder::new(&snap, &core);
    let items: Vec<(String, (&Project, Id, String))> = snap
        .roster
        .projects
        .iter()
        .filter(|p| {
            project
                .as_ref()
                .is_none_or(|want| want.as_ref() == Some(&p.id))
        })
        .flat_map(|p| {
            enc.roles_of(&p.id).iter().filter_map(move |(r, name)| {
                Some((role_uuid(r, &p.id)?, (p, r.clone(), name.clone())))
            })
        })
        .collect();
    simple_page(&params, items, |(p, r, name)| encode(&enc, p, r, name))
}

/// `GET /project-roles/{id}`.
pub(super) async fn one(State(core): Shared, Path(raw): Path<String>) -> ApiResult {
    let snap = snapshot(&core).await?;
    let found = find_role(&snap, &raw).map_err(|()| ApiError::not_uuid("id"))?;
    let (role, project, name) = found.ok_or_else(|| ApiError::not_found("Project role"))?;
    let p = snap
        .project(&project)
        .ok_or_else(|| ApiError::not_found("Project role"))?;
    Ok(json_response(
        StatusCode::OK,
        &encode(&Encoder::new(&snap, &core), p, &role, &name),
    ))
}
