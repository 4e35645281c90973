//! Staffing requests: resolve, create (with its resource and held allocation), reassign.

use super::*;

pub(crate) fn resolve_request(
    conn: &Connection,
    id: &Id,
    how: &Resolution,
    by: Option<&Id>,
) -> BackendResult<Request> {
    let req = request(conn, id)?
        .ok_or_else(|| BackendError::NotFound(format!("request {id} does not exist")))?;
    if let Resolution::Reopen { person, soft } = how {
        return reopen(conn, &req, person.as_ref(), soft);
    }
    if !req.status.is_pending() {
        return Err(BackendError::Validation {
            field: None,
            message: format!(
                "request {id} is already {}; only pending requests can be resolved",
                req.status.as_str()
            ),
        });
    }
    if let Resolution::Approve { user_id, soft } = how {
        let r = resource(conn, &req.resource_id)?.ok_or_else(|| {
            corrupt(
                "request",
                id.as_str(),
                format!("is for resource {}, which is missing", req.resource_id),
            )
        })?;
        match (&r.person_id, user_id) {
            (None, None) => {
                return Err(validation(
                    "user_id",
                    format!(
                        "choose the person to staff on unnamed resource {} ({}) to approve request {id}",
                        r.id, r.role
                    ),
                ));
            }
            (None, Some(user)) => {
                let name: Option<String> = conn
                    .query_row(
                        "SELECT name FROM people WHERE id = ?1",
                        [user.as_str()],
                        |row| row.get(0),
                    )
                    .optional()
                    .map_err(db_err)?;
                if name.is_none() {
                    return Err(validation(
                        "user_id",
                        format!("person {user} does not exist"),
                    ));
                }
                conn.execute(
                    "UPDATE resources SET person_id = ?1 WHERE id = ?2",
                    params![user.as_str(), r.id.as_str()],
                )
                .map_err(db_err)?;
                if let Some(project) = &r.project_id {
                    ensure_participation(conn, user, project, &r.role)?;
                }
                conn.execute(
                    "UPDATE allocations SET hard = ?1, version = version + 1
                     WHERE resource_id = ?2",
                    params![!soft, r.id.as_str()],
                )
                .map_err(db_err)?;
            }
            (Some(named), Some(user)) if named != user => {
                return Err(validation(
                    "user_id",
                    format!(
                        "resource {} is already staffed with person {named}; it cannot be named again",
                        r.id
                    ),
                ));
            }
            // Approving a named resource's request books what was penciled in, as Kantata does
            // (`allocations_state`, hard when absent): its soft allocations become hard, and
            // that is what allot shows before approval (`domain::impact`).
            (Some(_), _) if !soft => {
                conn.execute(
                    "UPDATE allocations SET hard = 1, version = version + 1
                     WHERE resource_id = ?1 AND hard = 0",
                    params![r.id.as_str()],
                )
                .map_err(db_err)?;
            }
            (Some(_), _) => {}
        }
    }
    if let Resolution::RejectWith(reason) = how {
        let reason = clean(reason.trim());
        if !reason.is_empty() {
            let notes = if req.notes.is_empty() {
                format!("Rejected: {reason}")
            } else {
                format!("{}\nRejected: {reason}", req.notes)
            };
            conn.execute(
                "UPDATE requests SET notes = ?1 WHERE id = ?2",
                params![notes, id.as_str()],
            )
            .map_err(db_err)?;
        }
    }
    conn.execute(
        "UPDATE requests SET status = ?1, resolved_at = ?2, resolved_by = ?3 WHERE id = ?4",
        params![
            status_sql(how.status()),
            timestamp_sql(Utc::now()),
            by.map(Id::as_str),
            id.as_str()
        ],
    )
    .map_err(db_err)?;
    request(conn, id)?.ok_or_else(|| BackendError::NotFound(format!("request {id} does not exist")))
}

/// Undoes a resolution: the request pending again, its resource named back to `person` where
/// approving named it, and the allocations in `soft` (those approving hardened) soft again.
/// Participations approving added stay: they record that the person worked on the project.
fn reopen(
    conn: &Connection,
    req: &Request,
    person: Option<&Id>,
    soft: &[Id],
) -> BackendResult<Request> {
    let id = &req.id;
    if req.status.is_pending() {
        return Err(BackendError::Validation {
            field: None,
            message: format!("request {id} is still pending; there is nothing to undo"),
        });
    }
    let r = resource(conn, &req.resource_id)?.ok_or_else(|| {
        corrupt(
            "request",
            id.as_str(),
            format!("is for resource {}, which is missing", req.resource_id),
        )
    })?;
    if r.person_id.as_ref() != person {
        conn.execute(
            "UPDATE resources SET person_id = ?1 WHERE id = ?2",
            params![person.map(Id::as_str), r.id.as_str()],
        )
        .map_err(db_err)?;
    }
    for a in soft {
        conn.execute(
            "UPDATE allocations SET hard = 0, version = version + 1
             WHERE id = ?1 AND resource_id = ?2 AND hard = 1",
            params![a.as_str(), r.id.as_str()],
        )
        .map_err(db_err)?;
    }
    conn.execute(
        "UPDATE requests SET status = ?1, resolved_at = NULL, resolved_by = NULL WHERE id = ?2",
        params![status_sql(RequestStatus::New), id.as_str()],
    )
    .map_err(db_err)?;
    request(conn, id)?.ok_or_else(|| not_found_request(id))
}

pub(super) fn person_exists(conn: &Connection, id: &Id) -> BackendResult<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM people WHERE id = ?1)",
        [id.as_str()],
        |r| r.get(0),
    )
    .map_err(db_err)
}

pub(super) fn project_exists(conn: &Connection, id: &Id) -> BackendResult<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM projects WHERE id = ?1)",
        [id.as_str()],
        |r| r.get(0),
    )
    .map_err(db_err)
}

/// The approvers in the order given, without repeats: at least one, each a known person.
pub(super) fn check_approvers(conn: &Connection, ids: &[Id]) -> BackendResult<Vec<Id>> {
    if ids.is_empty() {
        return Err(validation(
            "approver_ids",
            "at least one approver is required".into(),
        ));
    }
    let mut out: Vec<Id> = Vec::with_capacity(ids.len());
    for id in ids {
        if out.contains(id) {
            continue;
        }
        if !person_exists(conn, id)? {
            return Err(validation(
                "approver_ids",
                format!("person {} does not exist", clean(id.as_str())),
            ));
        }
        out.push(id.clone());
    }
    Ok(out)
}

pub(super) fn write_approvers(
    conn: &Connection,
    request: &Id,
    approvers: &[Id],
) -> BackendResult<()> {
    conn.execute(
        "DELETE FROM request_approvers WHERE request_id = ?1",
        [request.as_str()],
    )
    .map_err(db_err)?;
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO request_approvers (request_id, person_id, position) VALUES (?1, ?2, ?3)",
        )
        .map_err(db_err)?;
    for (i, a) in approvers.iter().enumerate() {
        stmt.execute(params![request.as_str(), a.as_str(), i as i64])
            .map_err(db_err)?;
    }
    Ok(())
}

pub(super) fn not_found_request(id: &Id) -> BackendError {
    BackendError::NotFound(format!("request {} does not exist", clean(id.as_str())))
}

/// Creates a staffing request, as Kantata does: for a new unnamed resource the resource too, and
/// in both cases a soft allocation holding the requested dates at the requested share of the
/// resource's capacity. `creator` overrides the workspace's current user.
pub(crate) fn create_request(
    conn: &Connection,
    new: &NewRequest,
    creator: Option<&Id>,
) -> BackendResult<RequestCreated> {
    let creator = match creator {
        Some(c) => Some(c.clone()),
        None => current_user(conn)?,
    }
    .ok_or_else(|| BackendError::Validation {
        field: None,
        message: "this workspace has no current user to make the request as".into(),
    })?;
    if !person_exists(conn, &creator)? {
        return Err(BackendError::Validation {
            field: None,
            message: format!(
                "the current user {} is not a person in this workspace",
                clean(creator.as_str())
            ),
        });
    }
    let approvers = check_approvers(conn, &new.approver_ids)?;
    let period = new.period;
    if period.start > period.end {
        return Err(validation(
            "end_date",
            format!(
                "the request ends on {} before it starts on {}",
                period.end, period.start
            ),
        ));
    }
    if let Err(e) = check_supported_range(period) {
        return Err(validation("start_date", e));
    }
    if !(1..=MAX_PERCENT).contains(&new.percentage) {
        return Err(validation(
            "percentage",
            format!(
                "{} is not a percentage from 1 to {MAX_PERCENT}",
                new.percentage
            ),
        ));
    }

    let request_id = Id::from(reserve_ids(conn, "requests", 1)?);
    let (r, created) = match &new.target {
        RequestTarget::Resource(id) => {
            let r = resource(conn, id)?.ok_or_else(|| {
                BackendError::NotFound(format!("resource {} does not exist", clean(id.as_str())))
            })?;
            (r, false)
        }
        RequestTarget::NewUnnamed { project_id, role } => {
            let role = role.trim();
            if role.is_empty() {
                return Err(validation(
                    "role",
                    "name the role to staff, e.g. Engineer".into(),
                ));
            }
            if !project_exists(conn, project_id)? {
                return Err(BackendError::NotFound(format!(
                    "project {} does not exist",
                    clean(project_id.as_str())
                )));
            }
            let id = Id::from(reserve_ids(conn, "resources", 1)?);
            conn.execute(
                "INSERT INTO resources (id, project_id, person_id, role, label)
                 VALUES (?1, ?2, NULL, ?3, ?3)",
                params![id.as_str(), project_id.as_str(), role],
            )
            .map_err(db_err)?;
            let r = resource(conn, &id)?
                .ok_or_else(|| BackendError::Other(format!("resource {id} was not stored")))?;
            (r, true)
        }
    };

    let capacity = calendar_of(conn, &r)?.capacity_in(period);
    let minutes = u32::try_from((capacity * u64::from(new.percentage) + 50) / 100)
        .map_err(|_| validation("end_date", "the requested period is too long".into()))?;
    let allocation_id = Id::from(reserve_ids(conn, "allocations", 1)?);
    insert_allocation(
        conn,
        &Allocation {
            id: allocation_id.clone(),
            resource_id: r.id.clone(),
            project_id: r.project_id.clone(),
            range: period,
            amount: Amount::TotalMinutes(minutes),
            hard: false,
            notes: format!("Requested in #{request_id}"),
            read_only: false,
            allocate_on_time_off: false,
            server_total_minutes: None,
            version: 1,
        },
    )
    .map_err(db_err)?;

    conn.execute(
        &format!(
            "INSERT INTO requests ({REQUEST_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        ),
        params![
            request_id.as_str(),
            r.id.as_str(),
            status_sql(RequestStatus::New),
            creator.as_str(),
            timestamp_sql(Utc::now()),
            day_sql(period.start),
            day_sql(period.end),
            new.percentage,
            new.notes
        ],
    )
    .map_err(db_err)?;
    write_approvers(conn, &request_id, &approvers)?;

    Ok(RequestCreated {
        request: request(conn, &request_id)?.ok_or_else(|| not_found_request(&request_id))?,
        resource: created.then_some(r),
        allocations: vec![
            allocation(conn, &allocation_id)?
                .ok_or_else(|| not_found_allocation(&allocation_id))?,
        ],
    })
}

/// Replaces a pending request's approvers (Kantata's `update_approver`).
pub(crate) fn update_approver(
    conn: &Connection,
    id: &Id,
    approver_ids: &[Id],
) -> BackendResult<Request> {
    let req = request(conn, id)?.ok_or_else(|| not_found_request(id))?;
    if !req.status.is_pending() {
        return Err(BackendError::Validation {
            field: None,
            message: format!(
                "request {} is already {}; only pending requests can be reassigned",
                req.id,
                req.status.as_str()
            ),
        });
    }
    let approvers = check_approvers(conn, approver_ids)?;
    write_approvers(conn, id, &approvers)?;
    request(conn, id)?.ok_or_else(|| not_found_request(id))
}
