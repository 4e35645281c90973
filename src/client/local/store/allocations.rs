//! Allocation writes: create, update, delete and split, each checked against the stored version.

use super::*;

pub(super) fn insert_allocation(conn: &Connection, a: &Allocation) -> rusqlite::Result<()> {
    let (unit, value) = amount_to_sql(a.amount);
    conn.prepare_cached(
        "INSERT INTO allocations (id, resource_id, project_id, start_date, end_date, unit, value,
                                  hard, notes, read_only, allocate_on_time_off, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        a.id.as_str(),
        a.resource_id.as_str(),
        a.project_id.as_ref().map(Id::as_str),
        day_sql(a.range.start),
        day_sql(a.range.end),
        unit,
        value,
        a.hard,
        a.notes,
        a.read_only,
        a.allocate_on_time_off,
        a.version,
    ])?;
    Ok(())
}

/// The resource an allocation is for, and the checks every allocation write shares.
pub(super) fn check_allocation(
    conn: &Connection,
    resource_id: &Id,
    range: DateRange,
    amount: Amount,
    hard: bool,
) -> BackendResult<Resource> {
    let r = resource(conn, resource_id)?.ok_or_else(|| {
        validation(
            "resource_id",
            format!("resource {resource_id} does not exist"),
        )
    })?;
    if let Err(e) = check_supported_range(range) {
        return Err(validation("start_date", e));
    }
    if range.start > range.end {
        return Err(validation(
            "end_date",
            format!(
                "the allocation ends on {} before it starts on {}",
                range.end, range.start
            ),
        ));
    }
    let (_, value) = amount_to_sql(amount);
    if !value.is_finite() || value < 0.0 {
        return Err(validation(
            "amount",
            "the amount must be a number of zero or more".into(),
        ));
    }
    if hard && r.is_unnamed() {
        return Err(validation(
            "hard",
            format!(
                "resource {} is unnamed ({}) and can only be soft allocated; name a person on it first",
                r.id, r.role
            ),
        ));
    }
    Ok(r)
}

pub(super) fn not_found_allocation(id: &Id) -> BackendError {
    BackendError::NotFound(format!(
        "allocation {id} does not exist (it may have been deleted)"
    ))
}

pub(super) fn refuse_read_only(a: &Allocation, what: &str) -> BackendResult<()> {
    if a.read_only {
        return Err(BackendError::Validation {
            field: None,
            message: format!("allocation {} is read-only and cannot be {what}", a.id),
        });
    }
    Ok(())
}

pub(crate) fn create_allocations(
    conn: &Connection,
    new: &[NewAllocation],
) -> BackendResult<Vec<Allocation>> {
    let first = reserve_ids(conn, "allocations", new.len())?;
    let mut out = Vec::with_capacity(new.len());
    for (i, n) in new.iter().enumerate() {
        let r =
            check_allocation(conn, &n.resource_id, n.range, n.amount, n.hard).map_err(
                |e| match e {
                    BackendError::Validation { field, message } if new.len() > 1 => {
                        BackendError::Validation {
                            field,
                            message: format!("allocation {} of {}: {message}", i + 1, new.len()),
                        }
                    }
                    e => e,
                },
            )?;
        let id = Id::from(first + i as u64);
        let a = Allocation {
            id: id.clone(),
            resource_id: r.id.clone(),
            project_id: r.project_id.clone(),
            range: n.range,
            amount: n.amount,
            hard: n.hard,
            notes: n.notes.clone(),
            read_only: false,
            allocate_on_time_off: false,
            server_total_minutes: None,
            version: 1,
        };
        insert_allocation(conn, &a).map_err(db_err)?;
        out.push(allocation(conn, &id)?.ok_or_else(|| not_found_allocation(&id))?);
    }
    Ok(out)
}

pub(crate) fn update_allocation(conn: &Connection, a: &Allocation) -> BackendResult<Allocation> {
    let stored = allocation(conn, &a.id)?.ok_or_else(|| not_found_allocation(&a.id))?;
    if stored.version != a.version {
        return Err(stale(&a.id, stored.version, a.version));
    }
    refuse_read_only(&stored, "changed")?;
    let r = check_allocation(conn, &a.resource_id, a.range, a.amount, a.hard)?;
    let (unit, value) = amount_to_sql(a.amount);
    let changed = conn
        .execute(
            "UPDATE allocations
             SET resource_id = ?1, project_id = ?2, start_date = ?3, end_date = ?4, unit = ?5,
                 value = ?6, hard = ?7, notes = ?8, allocate_on_time_off = ?9,
                 version = version + 1
             WHERE id = ?10 AND version = ?11",
            params![
                r.id.as_str(),
                r.project_id.as_ref().map(Id::as_str),
                day_sql(a.range.start),
                day_sql(a.range.end),
                unit,
                value,
                a.hard,
                a.notes,
                a.allocate_on_time_off,
                a.id.as_str(),
                a.version,
            ],
        )
        .map_err(db_err)?;
    if changed != 1 {
        return Err(BackendError::Stale(format!(
            "allocation {} was changed elsewhere; reload to see the change",
            a.id
        )));
    }
    allocation(conn, &a.id)?.ok_or_else(|| not_found_allocation(&a.id))
}

pub(crate) fn delete_allocation(conn: &Connection, id: &Id) -> BackendResult<()> {
    let stored = allocation(conn, id)?.ok_or_else(|| not_found_allocation(id))?;
    refuse_read_only(&stored, "deleted")?;
    conn.execute("DELETE FROM allocations WHERE id = ?1", [id.as_str()])
        .map_err(db_err)?;
    Ok(())
}

/// Splits at `date`: the stored allocation keeps its id and ends the day before `date`; a new
/// one starts on `date`. Totals are shared in proportion to the working days on each side.
pub(crate) fn split_allocation(
    conn: &Connection,
    id: &Id,
    date: NaiveDate,
) -> BackendResult<(Allocation, Allocation)> {
    let a = allocation(conn, id)?.ok_or_else(|| not_found_allocation(id))?;
    refuse_read_only(&a, "split")?;
    let r = resource(conn, &a.resource_id)?.ok_or_else(|| {
        corrupt(
            "allocation",
            id.as_str(),
            format!("belongs to resource {}, which is missing", a.resource_id),
        )
    })?;
    let cal = calendar_of(conn, &r)?;
    let new_id = Id::from(reserve_ids(conn, "allocations", 1)?);
    let (first, second) = crate::domain::edit::split(&a, date, new_id.clone(), &cal)
        .map_err(|m| validation("split_date", format!("allocation {id}: {m}")))?;
    let (unit1, value1) = amount_to_sql(first.amount);
    conn.execute(
        "UPDATE allocations SET end_date = ?1, unit = ?2, value = ?3, version = version + 1
         WHERE id = ?4",
        params![day_sql(first.range.end), unit1, value1, id.as_str()],
    )
    .map_err(db_err)?;
    insert_allocation(conn, &second).map_err(db_err)?;
    let one = allocation(conn, id)?.ok_or_else(|| not_found_allocation(id))?;
    let two = allocation(conn, &new_id)?.ok_or_else(|| not_found_allocation(&new_id))?;
    Ok((one, two))
}

pub(super) fn stale(id: &Id, stored: i64, edited: i64) -> BackendError {
    BackendError::Stale(format!(
        "allocation {id} was changed elsewhere (it is at version {stored}, this edit was made to version {edited}); press R to reload"
    ))
}

/// Fails with `Stale` unless the stored resource is the one read at `version` (see
/// [`crate::client::resource_version`]): another process may have renamed it meanwhile.
pub(super) fn check_resource_version(
    conn: &Connection,
    id: &Id,
    version: i64,
) -> BackendResult<()> {
    let stored = resource(conn, id)?.ok_or_else(|| not_found_resource(id))?;
    if crate::client::resource_version(&stored) != version {
        let name = if stored.label.is_empty() {
            &stored.role
        } else {
            &stored.label
        };
        return Err(BackendError::Stale(format!(
            "resource {id} ({name}) was changed elsewhere since it was read; press R to reload"
        )));
    }
    Ok(())
}

/// Fails with `Stale` unless the stored allocation is at `version`.
pub(super) fn check_version(conn: &Connection, id: &Id, version: i64) -> BackendResult<()> {
    let stored = allocation(conn, id)?.ok_or_else(|| not_found_allocation(id))?;
    if stored.version != version {
        return Err(stale(id, stored.version, version));
    }
    Ok(())
}
