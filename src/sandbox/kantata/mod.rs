//! The Kantata OX API v1 dialect: reads here, writes in `writes.rs`, the wire format in
//! `format.rs`.
//!
//! Every path is served with and without the `.json` suffix. Listings come in the documented
//! default order or the documented `order` asked for (`order.rs`), so edits move rows between
//! pages as on a real account; `only`, the documented filters allot uses and the documented includes are
//! honoured; unknown filters and includes are ignored, as Kantata ignores them.

mod calendar;
mod format;
mod order;
mod since;
mod skills;
mod stories;
mod writes;

pub(super) use format::error;

use super::Core;
use super::cache::Snapshot;
use crate::domain::{DateRange, Id};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{MethodRouter, get, post, put};
use format::{ApiError, ApiResult, Envelope, Paging, Params, path_id};
use std::collections::HashSet;
use std::sync::Arc;

type Shared = State<Arc<Core>>;

/// The API under `/api/v1`.
pub(super) fn router() -> Router<Arc<Core>> {
    let routes: Vec<(&str, MethodRouter<Arc<Core>>)> = vec![
        ("/users/me", get(me)),
        ("/users", get(users)),
        ("/users/{id}", get(user)),
        ("/workspaces", get(workspaces)),
        ("/workspaces/{id}", get(workspace)),
        ("/roles", get(roles)),
        ("/roles/{id}", get(role)),
        (
            "/workspace_resources",
            get(resources).post(writes::create_resources),
        ),
        (
            "/workspace_resources/allocations_matching_scheduled_hours",
            post(writes::from_scheduled_hours),
        ),
        (
            "/workspace_resources/{id}",
            get(resource)
                .put(writes::update_resource)
                .delete(writes::delete_resource),
        ),
        (
            "/workspace_resources/{id}/allocations_matching_scheduled_hours",
            post(writes::from_scheduled_hours_of),
        ),
        (
            "/workspace_allocations",
            get(allocations).post(writes::create_allocations),
        ),
        (
            "/workspace_allocations/split",
            put(writes::split_allocation),
        ),
        (
            "/workspace_allocations/{id}",
            get(allocation)
                .put(writes::update_allocation)
                .delete(writes::delete_allocation),
        ),
        (
            "/resource_requests",
            get(requests).post(writes::create_request),
        ),
        (
            "/resource_requests/{id}",
            get(request).put(writes::resolve_request),
        ),
        (
            "/resource_requests/{id}/update_approver",
            put(writes::update_approver),
        ),
        ("/story_allocation_days", get(stories::list)),
        ("/story_allocation_days/{id}", get(stories::one)),
        // Scheduling: workweeks, holiday calendars, time off (calendar.rs).
        ("/workweeks", get(calendar::workweeks)),
        ("/workweek_memberships", get(calendar::workweek_memberships)),
        ("/holiday_calendars", get(calendar::holiday_calendars)),
        ("/holidays", get(calendar::holidays)),
        (
            "/holiday_calendar_memberships",
            get(calendar::holiday_calendar_memberships),
        ),
        (
            "/holiday_calendar_associations",
            get(calendar::holiday_calendar_associations),
        ),
        ("/time_off_entries", get(calendar::time_off_entries)),
        ("/skill_memberships", get(skills::list)),
    ];
    let mut router = Router::new();
    for (path, methods) in routes {
        // `/x/{id}` already takes `/x/5.json` (the id drops the suffix); the rest need both.
        if !path.ends_with('}') {
            router = router.route(&format!("{path}.json"), methods.clone());
        }
        router = router.route(path, methods);
    }
    router.method_not_allowed_fallback(|| async {
        ApiError {
            status: axum::http::StatusCode::METHOD_NOT_ALLOWED,
            kind: "system",
            message: "this endpoint does not take that method".into(),
            field: None,
        }
    })
}

/// Stamps what the seeded workspace derives (calendar lists) as made at the start.
pub(super) fn adopt(core: &Core, first: &Snapshot) {
    calendar::adopt(core, first);
    skills::adopt(core, first);
}

async fn snapshot(core: &Core) -> Result<Arc<Snapshot>, ApiError> {
    core.cache
        .read()
        .await
        .map_err(|e| ApiError::backend(e, format::kantata_field))
}

/// One page of `view` (indices into some list of the snapshot), encoded by `put`.
fn page(
    snap: &Snapshot,
    core: &Core,
    params: &Params,
    view: &[usize],
    mut put: impl FnMut(&mut Envelope<'_>, usize),
) -> Response {
    let paging = Paging::of(params);
    let mut env = Envelope::new(snap, core, params);
    for &i in paging.slice(view) {
        put(&mut env, i);
    }
    env.finish(view.len(), paging)
}

/// A show route: the listing filtered to one id, 404 when empty.
fn one(
    snap: &Snapshot,
    core: &Core,
    params: &Params,
    found: Option<usize>,
    what: &str,
    id: &Id,
    put: impl FnMut(&mut Envelope<'_>, usize),
) -> ApiResult {
    let Some(i) = found else {
        return Err(ApiError::not_found(format!("{what} {id} does not exist")));
    };
    Ok(page(snap, core, params, &[i], put))
}

fn only_ok(only: &Option<HashSet<Id>>, id: &Id) -> bool {
    only.as_ref().is_none_or(|o| o.contains(id))
}

// ---- users -------------------------------------------------------------------------------------

/// The token's user: the seed's current user.
async fn me(State(core): Shared, params: Params) -> ApiResult {
    let snap = snapshot(&core).await?;
    let Some(i) = core
        .backend
        .current_user()
        .and_then(|me| snap.people_by_id.get(&me).copied())
    else {
        return Err(ApiError::not_found(
            "this sandbox's workspace has no current user",
        ));
    };
    Ok(page(&snap, &core, &params, &[i], |e, i| {
        e.user(&snap.roster.people[i])
    }))
}

/// Filters: `only`, `participant_in` (a workspace id), `by_email_address`, and the time bounds
/// of [`since::Since`] (K-users L430). The user object itself carries no `updated_at` (K-users
/// "User" schema), so none is served.
async fn users(State(core): Shared, params: Params) -> ApiResult {
    let since = since::Since::of(&params)?;
    let snap = snapshot(&core).await?;
    let view = snap.view(params.view_key("users"), |s| {
        let only = params.ids("only");
        let email = params.get("by_email_address").map(str::to_lowercase);
        let participants: Option<HashSet<&Id>> = params.get("participant_in").map(|w| {
            let w = Id::new(w.trim());
            s.roster
                .resources
                .iter()
                .filter(|r| r.project_id.as_ref() == Some(&w))
                .filter_map(|r| r.person_id.as_ref())
                .chain(
                    s.roster
                        .participations
                        .iter()
                        .filter(|p| p.project_id == w)
                        .map(|p| &p.person_id),
                )
                .collect()
        });
        s.roster
            .people
            .iter()
            .enumerate()
            .filter(|(_, p)| only_ok(&only, &p.id))
            .filter(|(_, p)| !format::hides_user(&params, &p.id))
            .filter(|(_, p)| email.as_ref().is_none_or(|e| p.email.to_lowercase() == *e))
            .filter(|(_, p)| participants.as_ref().is_none_or(|s| s.contains(&p.id)))
            .filter(|(_, p)| {
                !since.any() || {
                    let (created, updated) = core.cache.stamps.person(p);
                    since.admits(created, updated)
                }
            })
            .map(|(i, _)| i)
            .collect()
    });
    Ok(page(&snap, &core, &params, &view, |e, i| {
        e.user(&snap.roster.people[i])
    }))
}

async fn user(State(core): Shared, Path(raw): Path<String>, params: Params) -> ApiResult {
    let id = path_id(&raw, "user")?;
    let snap = snapshot(&core).await?;
    let found = (!format::hides_user(&params, &id))
        .then(|| snap.people_by_id.get(&id).copied())
        .flatten();
    one(&snap, &core, &params, found, "user", &id, |e, i| {
        e.user(&snap.roster.people[i])
    })
}

// ---- workspaces and roles ------------------------------------------------------------------------

/// Filters: `only`, `include_archived` (see `format::hides_project`) and the time bounds of
/// [`since::Since`] (K-ws L150, L491).
async fn workspaces(State(core): Shared, params: Params) -> ApiResult {
    let since = since::Since::of(&params)?;
    let snap = snapshot(&core).await?;
    let view = snap.view(params.view_key("workspaces"), |s| {
        let only = params.ids("only");
        (0..s.roster.projects.len())
            .filter(|&i| only_ok(&only, &s.roster.projects[i].id))
            .filter(|&i| !format::hides_project(&params, &s.roster.projects[i].id))
            .filter(|&i| {
                !since.any() || {
                    let (created, updated) = core.cache.stamps.project(&s.roster.projects[i]);
                    since.admits(created, updated)
                }
            })
            .collect()
    });
    Ok(page(&snap, &core, &params, &view, |e, i| {
        e.workspace(&snap.roster.projects[i])
    }))
}

async fn workspace(State(core): Shared, Path(raw): Path<String>, params: Params) -> ApiResult {
    let id = path_id(&raw, "workspace")?;
    let snap = snapshot(&core).await?;
    let found = (!format::hides_project(&params, &id))
        .then(|| snap.projects_by_id.get(&id).copied())
        .flatten();
    one(&snap, &core, &params, found, "workspace", &id, |e, i| {
        e.workspace(&snap.roster.projects[i])
    })
}

async fn roles(State(core): Shared, params: Params) -> ApiResult {
    let snap = snapshot(&core).await?;
    let only = params.ids("only");
    let view: Vec<usize> = (0..snap.roles.len())
        .filter(|&i| only_ok(&only, &snap.roles[i].0))
        .collect();
    Ok(page(&snap, &core, &params, &view, |e, i| {
        let (id, name) = &snap.roles[i];
        e.role(id, name)
    }))
}

async fn role(State(core): Shared, Path(raw): Path<String>, params: Params) -> ApiResult {
    let id = path_id(&raw, "role")?;
    let snap = snapshot(&core).await?;
    let found = snap.roles.iter().position(|(r, _)| *r == id);
    one(&snap, &core, &params, found, "role", &id, |e, i| {
        let (id, name) = &snap.roles[i];
        e.role(id, name)
    })
}

// ---- workspace resources -------------------------------------------------------------------------

/// Filters: `only`, `workspace_id`, `user_id`, `role_id`, `include_unnamed`, `only_unnamed`,
/// and the time bounds of [`since::Since`] (K-wr L284). Unnamed resources are left out unless
/// `include_unnamed` or `only_unnamed` asks for them.
async fn resources(State(core): Shared, params: Params) -> ApiResult {
    let since = since::Since::of(&params)?;
    let snap = snapshot(&core).await?;
    let view = snap.view(params.view_key("workspace_resources"), |s| {
        let only = params.ids("only");
        let one = |k| params.get(k).map(|v| Id::new(v.trim()));
        let (workspace, user, role) = (one("workspace_id"), one("user_id"), one("role_id"));
        let role_name = role.as_ref().map(|r| s.role_name(r).unwrap_or("\u{0}"));
        let only_unnamed = params.flag("only_unnamed");
        let with_unnamed = only_unnamed || params.flag("include_unnamed");
        let mut view = s
            .roster
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| only_ok(&only, &r.id))
            .filter(|(_, r)| {
                if r.is_unnamed() {
                    with_unnamed
                } else {
                    !only_unnamed
                }
            })
            .filter(|(_, r)| workspace.is_none() || r.project_id == workspace)
            .filter(|(_, r)| user.is_none() || r.person_id == user)
            .filter(|(_, r)| role_name.is_none_or(|n| r.role.trim().eq_ignore_ascii_case(n)))
            .filter(|(_, r)| {
                !since.any() || {
                    let (created, updated) = core.cache.stamps.resource(r);
                    since.admits(created, updated)
                }
            })
            .map(|(i, _)| i)
            .collect::<Vec<_>>();
        order::sort(&mut view, order::RESOURCES.pick(&params), |i| {
            let r = &s.roster.resources[i];
            let (created, updated) = core.cache.stamps.resource(r);
            let name = if r.label.trim().is_empty() {
                &r.role
            } else {
                &r.label
            };
            order::Keys {
                id: &r.id,
                created,
                updated,
                name,
            }
        });
        view
    });
    Ok(page(&snap, &core, &params, &view, |e, i| {
        e.resource(&snap.roster.resources[i])
    }))
}

/// Any resource by id, named or not (the unnamed default applies to listings only).
async fn resource(State(core): Shared, Path(raw): Path<String>, params: Params) -> ApiResult {
    let id = path_id(&raw, "workspace resource")?;
    let snap = snapshot(&core).await?;
    let found = snap.resources_by_id.get(&id).copied();
    one(
        &snap,
        &core,
        &params,
        found,
        "workspace resource",
        &id,
        |e, i| e.resource(&snap.roster.resources[i]),
    )
}

// ---- workspace allocations -----------------------------------------------------------------------

/// Filters: `only`, `overlaps_with_date_range=A:B`, `workspace_resource_ids`, `workspace_ids`,
/// `user_ids`, `type=hard|soft`, `named_resources_only`, `unnamed_resources_only`, and the time
/// bounds of [`since::Since`] (K-wa L158).
async fn allocations(State(core): Shared, params: Params) -> ApiResult {
    let since = since::Since::of(&params)?;
    let window = match params.get("overlaps_with_date_range") {
        None => None,
        Some(v) => Some(date_range(v).ok_or_else(|| {
            ApiError::invalid(
                "overlaps_with_date_range",
                format!("overlaps_with_date_range takes two dates separated by a colon, like 2025-03-01:2025-03-31, not '{v}'"),
            )
        })?),
    };
    let hard = match params.get("type") {
        None => None,
        Some("hard") => Some(true),
        Some("soft") => Some(false),
        Some(other) => {
            return Err(ApiError::invalid(
                "type",
                format!("type is hard or soft, not '{other}'"),
            ));
        }
    };
    let snap = snapshot(&core).await?;
    let view = snap.view(params.view_key("workspace_allocations"), |s| {
        let only = params.ids("only");
        let resources = params.ids("workspace_resource_ids");
        let projects = params.ids("workspace_ids");
        let users = params.ids("user_ids");
        let named_only = params.flag("named_resources_only");
        let unnamed_only = params.flag("unnamed_resources_only");
        let mut view = s
            .allocations
            .iter()
            .enumerate()
            .filter(|(_, a)| only_ok(&only, &a.id))
            .filter(|(_, a)| window.is_none_or(|w| a.range.overlaps(&w)))
            .filter(|(_, a)| hard.is_none_or(|h| a.hard == h))
            .filter(|(_, a)| only_ok(&resources, &a.resource_id))
            .filter(|(_, a)| {
                projects.is_none() || a.project_id.as_ref().is_some_and(|p| only_ok(&projects, p))
            })
            .filter(|(_, a)| {
                if users.is_none() && !named_only && !unnamed_only {
                    return true;
                }
                let person = s
                    .resource(&a.resource_id)
                    .and_then(|r| r.person_id.as_ref());
                (users.is_none() || person.is_some_and(|p| only_ok(&users, p)))
                    && (!named_only || person.is_some())
                    && (!unnamed_only || person.is_none())
            })
            .filter(|(_, a)| {
                !since.any() || {
                    let (created, updated) = core.cache.stamps.allocation(a);
                    since.admits(created, updated)
                }
            })
            .map(|(i, _)| i)
            .collect::<Vec<_>>();
        order::sort(&mut view, order::ALLOCATIONS.pick(&params), |i| {
            let a = &s.allocations[i];
            let (created, updated) = core.cache.stamps.allocation(a);
            order::Keys {
                id: &a.id,
                created,
                updated,
                name: "",
            }
        });
        view
    });
    Ok(page(&snap, &core, &params, &view, |e, i| {
        e.allocation(&snap.allocations[i])
    }))
}

/// `A:B`, two ISO dates, A not after B.
fn date_range(v: &str) -> Option<DateRange> {
    let (a, b) = v.split_once(':')?;
    let d = |s: &str| format::date_value(&serde_json::Value::String(s.trim().to_string()));
    let (a, b) = (d(a)?, d(b)?);
    (a <= b).then(|| DateRange::new(a, b))
}

async fn allocation(State(core): Shared, Path(raw): Path<String>, params: Params) -> ApiResult {
    let id = path_id(&raw, "workspace allocation")?;
    let snap = snapshot(&core).await?;
    let found = snap.allocations_by_id.get(&id).copied();
    one(
        &snap,
        &core,
        &params,
        found,
        "workspace allocation",
        &id,
        |e, i| e.allocation(&snap.allocations[i]),
    )
}

// ---- resource requests ---------------------------------------------------------------------------

/// Filters: `only`, `pending_requests_only`, `requests_for_approver` (a user id), and the time
/// bounds of [`since::Since`] (mavenlink-resource-requests-api-openapi.yml L46–58, L99–110;
/// seeds/kantata-resource-requests.txt).
async fn requests(State(core): Shared, params: Params) -> ApiResult {
    let since = since::Since::of(&params)?;
    let snap = snapshot(&core).await?;
    let view = snap.view(params.view_key("resource_requests"), |s| {
        let only = params.ids("only");
        let pending = params.flag("pending_requests_only");
        let approver = params
            .get("requests_for_approver")
            .map(|v| Id::new(v.trim()));
        // As the request object shows them (format.rs): never updated before its creation.
        let stamps = |r: &crate::domain::Request| {
            let (_, updated) = core.cache.stamps.request(r);
            (r.created_at, updated.max(r.created_at))
        };
        let mut view = s
            .requests
            .iter()
            .enumerate()
            .filter(|(_, r)| only_ok(&only, &r.id))
            .filter(|(_, r)| !pending || r.status.is_pending())
            .filter(|(_, r)| approver.as_ref().is_none_or(|a| r.approver_ids.contains(a)))
            .filter(|(_, r)| {
                let (created, updated) = stamps(r);
                since.admits(created, updated)
            })
            .map(|(i, _)| i)
            .collect::<Vec<_>>();
        order::sort(&mut view, order::REQUESTS.pick(&params), |i| {
            let r = &s.requests[i];
            let (created, updated) = stamps(r);
            order::Keys {
                id: &r.id,
                created,
                updated,
                name: "",
            }
        });
        view
    });
    Ok(page(&snap, &core, &params, &view, |e, i| {
        e.request(&snap.requests[i])
    }))
}

async fn request(State(core): Shared, Path(raw): Path<String>, params: Params) -> ApiResult {
    let id = path_id(&raw, "resource request")?;
    let snap = snapshot(&core).await?;
    let found = snap.requests_by_id.get(&id).copied();
    one(
        &snap,
        &core,
        &params,
        found,
        "resource request",
        &id,
        |e, i| e.request(&snap.requests[i]),
    )
}
