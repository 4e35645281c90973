//! Workspace resources: create (with the participation and role rules), change, delete.

use super::*;

pub(super) fn not_found_resource(id: &Id) -> BackendError {
    BackendError::NotFound(format!(
        "resource {} does not exist (it may have been deleted)",
        clean(id.as_str())
    ))
}

/// A person's name and default role.
pub(super) fn person_of(conn: &Connection, id: &Id) -> BackendResult<Option<(String, String)>> {
    conn.query_row(
        "SELECT name, role FROM people WHERE id = ?1",
        [id.as_str()],
        |r| Ok((text(r, 0)?, text(r, 1)?)),
    )
    .optional()
    .map_err(db_err)
}

pub(super) fn project_name(conn: &Connection, id: &Id) -> BackendResult<Option<String>> {
    conn.query_row(
        "SELECT name FROM projects WHERE id = ?1",
        [id.as_str()],
        |r| text(r, 0),
    )
    .optional()
    .map_err(db_err)
}

/// A project's name for messages ("project 12" when it has none or is missing).
pub(super) fn project_words(conn: &Connection, id: Option<&Id>) -> BackendResult<String> {
    let Some(id) = id else {
        return Ok("no project".into());
    };
    Ok(project_name(conn, id)?
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("project {}", clean(id.as_str()))))
}

/// A person's name for messages ("person 12" when missing).
pub(super) fn person_words(conn: &Connection, id: &Id) -> BackendResult<String> {
    Ok(person_of(conn, id)?
        .map(|(name, _)| name)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("person {}", clean(id.as_str()))))
}

/// A resource in words: "Ada Lee's Engineer resource on Atlas" or "the unnamed Engineer resource
/// 'iOS engineer' on Atlas".
pub(super) fn resource_words(conn: &Connection, r: &Resource) -> BackendResult<String> {
    let project = project_words(conn, r.project_id.as_ref())?;
    Ok(match &r.person_id {
        Some(p) => format!(
            "{}'s {} resource on {project}",
            person_words(conn, p)?,
            r.role
        ),
        None if !r.label.trim().is_empty() && r.label != r.role => {
            format!("the unnamed {} resource '{}' on {project}", r.role, r.label)
        }
        None => format!("the unnamed {} resource {} on {project}", r.role, r.id),
    })
}

/// The role on a person's participation in a project: `None` when they do not participate,
/// `Some(None)` when they do with no role set.
pub(super) fn participation_role(
    conn: &Connection,
    person: &Id,
    project: &Id,
) -> BackendResult<Option<Option<String>>> {
    conn.query_row(
        "SELECT role FROM participations WHERE person_id = ?1 AND project_id = ?2",
        [person.as_str(), project.as_str()],
        |r| opt_text(r, 0),
    )
    .optional()
    .map_err(db_err)
    .map(|o| o.map(role_or_none))
}

/// A person's primary role on a project (Kantata's rule): the role on their participation if
/// set, else their default role (a local workspace is one account, so it always counts).
pub(super) fn primary_role_of(
    conn: &Connection,
    person: &Id,
    project: &Id,
) -> BackendResult<Option<String>> {
    let participation = participation_role(conn, person, project)?.flatten();
    let default = person_of(conn, person)?.map(|(_, role)| role);
    Ok(staffing::primary_role(
        participation.as_deref(),
        default.as_deref(),
        true,
    ))
}

/// Records that `person` is on `project` if nothing says so yet. The role is kept on the
/// participation only when it differs from the person's default role, so the resource that
/// brought them onto the project is in their primary role there.
pub(super) fn ensure_participation(
    conn: &Connection,
    person: &Id,
    project: &Id,
    role: &str,
) -> BackendResult<()> {
    let default = person_of(conn, person)?.map(|(_, role)| role);
    let role = match default {
        Some(d) if d.trim().eq_ignore_ascii_case(role.trim()) => None,
        _ => Some(role.trim()).filter(|r| !r.is_empty()),
    };
    conn.execute(
        "INSERT OR IGNORE INTO participations (person_id, project_id, role) VALUES (?1, ?2, ?3)",
        params![person.as_str(), project.as_str(), role],
    )
    .map_err(db_err)?;
    Ok(())
}

/// Another resource of `person` with `role` (any case) on `project`, other than `except`.
pub(super) fn same_role_resource(
    conn: &Connection,
    person: &Id,
    project: &Id,
    role: &str,
    except: Option<&Id>,
) -> BackendResult<Option<Resource>> {
    conn.query_row(
        "SELECT id, project_id, person_id, role, label FROM resources
         WHERE person_id = ?1 AND project_id = ?2 AND trim(role) = trim(?3) COLLATE NOCASE
           AND (?4 IS NULL OR id <> ?4)
         ORDER BY length(id), id LIMIT 1",
        params![
            person.as_str(),
            project.as_str(),
            role,
            except.map(Id::as_str)
        ],
        resource_row,
    )
    .optional()
    .map_err(db_err)
}

/// The role a resource gets: the one given, else (named) the person's primary role on the
/// project; refused when there is none.
pub(super) fn resolve_role(
    conn: &Connection,
    given: Option<&str>,
    person: Option<&Id>,
    project: &Id,
) -> BackendResult<String> {
    if let Some(role) = given.map(str::trim).filter(|r| !r.is_empty()) {
        return Ok(role.to_string());
    }
    let project_name = project_words(conn, Some(project))?;
    match person {
        None => Err(validation(
            "role",
            format!(
                "an unnamed resource needs a role; name the role to staff on {project_name}, e.g. Engineer"
            ),
        )),
        Some(p) => match primary_role_of(conn, p, project)? {
            Some(role) => Ok(role),
            None => Err(validation(
                "role",
                format!(
                    "{} has no role on {project_name} and no default role; choose the role for the resource",
                    person_words(conn, p)?
                ),
            )),
        },
    }
}

pub(super) fn duplicate_role(
    conn: &Connection,
    field: &str,
    person: &Id,
    project: &Id,
    other: &Resource,
) -> BackendResult<BackendError> {
    Ok(validation(
        field,
        format!(
            "{} already is the {} on {} (resource {}); a person holds each role once per project",
            person_words(conn, person)?,
            other.role,
            project_words(conn, Some(project))?,
            other.id
        ),
    ))
}

/// Creates one workspace resource (see [`create_resources`]).
pub(crate) fn create_resource(conn: &Connection, new: &NewResource) -> BackendResult<Resource> {
    let project = &new.project_id;
    if !project_exists(conn, project)? {
        return Err(BackendError::NotFound(format!(
            "project {} does not exist",
            clean(project.as_str())
        )));
    }
    if let Some(p) = &new.person_id
        && !person_exists(conn, p)?
    {
        return Err(validation(
            "person_id",
            format!("person {} does not exist", clean(p.as_str())),
        ));
    }
    let role = resolve_role(conn, new.role.as_deref(), new.person_id.as_ref(), project)?;
    if let Some(p) = &new.person_id
        && let Some(other) = same_role_resource(conn, p, project, &role, None)?
    {
        return Err(duplicate_role(conn, "role", p, project, &other)?);
    }
    let label = new
        .label
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .unwrap_or(&role)
        .to_string();
    let id = Id::from(reserve_ids(conn, "resources", 1)?);
    conn.execute(
        "INSERT INTO resources (id, project_id, person_id, role, label) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            id.as_str(),
            project.as_str(),
            new.person_id.as_ref().map(Id::as_str),
            role,
            label
        ],
    )
    .map_err(db_err)?;
    if let Some(p) = &new.person_id {
        ensure_participation(conn, p, project, &role)?;
    }
    resource(conn, &id)?.ok_or_else(|| not_found_resource(&id))
}

/// Creates workspace resources, Kantata's way: a named resource with no role takes the person's
/// primary role on the project; the label defaults to the role; a person holds each role at most
/// once per project; a named resource also records the person's participation in the project.
pub(crate) fn create_resources(
    conn: &Connection,
    new: &[NewResource],
) -> BackendResult<Vec<Resource>> {
    let mut out = Vec::with_capacity(new.len());
    for (i, n) in new.iter().enumerate() {
        let r = create_resource(conn, n).map_err(|e| match e {
            BackendError::Validation { field, message } if new.len() > 1 => {
                BackendError::Validation {
                    field,
                    message: format!("resource {} of {}: {message}", i + 1, new.len()),
                }
            }
            e => e,
        })?;
        out.push(r);
    }
    Ok(out)
}

/// Writes a resource's label, role and person (naming or un-naming it). Returns the stored
/// resource and, when this un-named it, the words for what it was (its allocations must then
/// all be soft: see [`refuse_hard_on_unnamed`], which the caller runs once the rest of its batch
/// is applied).
pub(super) fn update_resource_unchecked(
    conn: &Connection,
    r: &Resource,
) -> BackendResult<(Resource, Option<String>)> {
    let stored = resource(conn, &r.id)?.ok_or_else(|| not_found_resource(&r.id))?;
    if r.project_id != stored.project_id {
        return Err(validation(
            "project_id",
            format!(
                "resource {} is on {}; a resource cannot move to another project",
                stored.id,
                project_words(conn, stored.project_id.as_ref())?
            ),
        ));
    }
    if let Some(p) = &r.person_id
        && !person_exists(conn, p)?
    {
        return Err(validation(
            "person_id",
            format!("person {} does not exist", clean(p.as_str())),
        ));
    }
    let project = stored.project_id.clone();
    let role = match &project {
        Some(project) => resolve_role(conn, Some(&r.role), r.person_id.as_ref(), project)?,
        None => {
            let role = r.role.trim();
            if role.is_empty() && r.person_id.is_none() {
                return Err(validation(
                    "role",
                    "an unnamed resource needs a role, e.g. Engineer".into(),
                ));
            }
            role.to_string()
        }
    };
    let label = Some(r.label.trim())
        .filter(|l| !l.is_empty())
        .unwrap_or(&role)
        .to_string();
    if let Some(p) = &r.person_id {
        // Naming a resource with the person it already has changes nothing: say so.
        if stored.person_id.as_ref() == Some(p) && stored.role == role && stored.label == label {
            return Err(validation(
                "person_id",
                format!(
                    "{} already is this resource ({} on {})",
                    person_words(conn, p)?,
                    stored.role,
                    project_words(conn, project.as_ref())?
                ),
            ));
        }
        if let Some(project) = &project
            && let Some(other) = same_role_resource(conn, p, project, &role, Some(&stored.id))?
        {
            let field = if stored.person_id.as_ref() == Some(p) {
                "role"
            } else {
                "person_id"
            };
            return Err(duplicate_role(conn, field, p, project, &other)?);
        }
    }
    conn.execute(
        "UPDATE resources SET person_id = ?1, role = ?2, label = ?3 WHERE id = ?4",
        params![
            r.person_id.as_ref().map(Id::as_str),
            role,
            label,
            stored.id.as_str()
        ],
    )
    .map_err(db_err)?;
    if let (Some(p), Some(project)) = (&r.person_id, &project)
        && stored.person_id.as_ref() != Some(p)
    {
        ensure_participation(conn, p, project, &role)?;
    }
    let saved = resource(conn, &stored.id)?.ok_or_else(|| not_found_resource(&stored.id))?;
    let unnamed_now = if stored.person_id.is_some() && saved.person_id.is_none() {
        Some(resource_words(conn, &stored)?)
    } else {
        None
    };
    Ok((saved, unnamed_now))
}

/// Refuses when a resource un-named by this write (`was` says what it was) still has hard
/// allocations: unnamed resources are only soft allocated.
pub(super) fn refuse_hard_on_unnamed(conn: &Connection, id: &Id, was: &str) -> BackendResult<()> {
    let Some(r) = resource(conn, id)? else {
        return Ok(());
    };
    if r.person_id.is_some() {
        return Ok(());
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT id FROM allocations WHERE resource_id = ?1 AND hard = 1
             ORDER BY start_date, length(id), id",
        )
        .map_err(db_err)?;
    let hard: Vec<String> = stmt
        .query_map([id.as_str()], |row| text(row, 0))
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    if hard.is_empty() {
        return Ok(());
    }
    let shown = hard.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    let more = if hard.len() > 5 {
        format!(" and {} more", hard.len() - 5)
    } else {
        String::new()
    };
    Err(validation(
        "hard",
        format!(
            "un-naming {was} leaves hard allocations on it ({shown}{more}); unnamed resources can only be soft allocated, so make them soft in the same change"
        ),
    ))
}

/// Changes a resource's label, role or person (see [`update_resource_unchecked`]).
pub(crate) fn update_resource(conn: &Connection, r: &Resource) -> BackendResult<Resource> {
    let (saved, unnamed_now) = update_resource_unchecked(conn, r)?;
    if let Some(was) = unnamed_now {
        refuse_hard_on_unnamed(conn, &saved.id, &was)?;
    }
    Ok(saved)
}

/// Deletes a workspace resource. Refused while a staffing request is for it (requests keep their
/// resource), and when it is its person's last resource in their primary role on the project
/// (Kantata keeps one). Allocations it still has are deleted with it, as Kantata deletes a
/// resource's assignments; its scheduled hours go too. The person's participation stays.
pub(crate) fn delete_resource(conn: &Connection, id: &Id) -> BackendResult<()> {
    let r = resource(conn, id)?.ok_or_else(|| not_found_resource(id))?;
    let reqs: Vec<(String, String)> = {
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, status FROM requests WHERE resource_id = ?1
                 ORDER BY status <> 'new', length(id), id",
            )
            .map_err(db_err)?;
        stmt.query_map([id.as_str()], |row| Ok((text(row, 0)?, text(row, 1)?)))
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?
    };
    if let Some((first, status)) = reqs.first() {
        let status = RequestStatus::parse(status).map_or("unknown", |s| s.as_str());
        let others = match reqs.len() {
            1 => String::new(),
            2 => " and 1 other request".into(),
            n => format!(" and {} other requests", n - 1),
        };
        return Err(validation(
            "request",
            format!(
                "request #{first} ({status}){others} is for {}; a resource with staffing requests cannot be deleted",
                resource_words(conn, &r)?
            ),
        ));
    }
    if let (Some(person), Some(project)) = (&r.person_id, &r.project_id) {
        let siblings: Vec<Resource> = {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT id, project_id, person_id, role, label FROM resources
                     WHERE person_id = ?1 AND project_id = ?2 ORDER BY length(id), id",
                )
                .map_err(db_err)?;
            stmt.query_map([person.as_str(), project.as_str()], resource_row)
                .map_err(db_err)?
                .collect::<Result<_, _>>()
                .map_err(db_err)?
        };
        let siblings: Vec<&Resource> = siblings.iter().collect();
        let primary = primary_role_of(conn, person, project)?;
        let names = (
            person_words(conn, person)?,
            project_words(conn, Some(project))?,
        );
        staffing::check_delete(&r, &siblings, primary.as_deref(), (&names.0, &names.1))
            .map_err(|m| validation("role", m))?;
    }
    // The caller normally deleted the allocations earlier in the same batch; any left go too.
    conn.execute(
        "DELETE FROM allocations WHERE resource_id = ?1",
        [id.as_str()],
    )
    .map_err(db_err)?;
    conn.execute("DELETE FROM resources WHERE id = ?1", [id.as_str()])
        .map_err(db_err)?;
    Ok(())
}
