//! The SQL behind [`super::LocalBackend`]: plain synchronous functions over a connection (or a
//! transaction, which derefs to one). Every string read here passes [`clean`] before it leaves.

use super::demo::DemoData;
use crate::client::sanitize::clean;
use crate::client::{
    Applied, BackendError, BackendResult, Change, NewAllocation, NewRequest, NewResource,
    RequestCreated, RequestTarget, Resolution,
};
use crate::domain::dates::{
    FIRST_SUPPORTED, LAST_SUPPORTED, check_supported, check_supported_range,
};
use crate::domain::edit::MAX_PERCENT;
use crate::domain::staffing;
use crate::domain::{
    Allocation, Amount, Calendar, DateRange, Holidays, Id, Participation, Person, Project, Request,
    RequestStatus, Resource, Roster, ScheduledWeek, WeeklyCapacity,
};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

pub(crate) const META_WORKSPACE_NAME: &str = "workspace_name";
pub(crate) const META_CURRENT_USER: &str = "current_user_id";

pub(crate) fn db_err(e: rusqlite::Error) -> BackendError {
    BackendError::Other(clean(&format!("local database error: {e}")))
}

fn validation(field: &str, message: String) -> BackendError {
    BackendError::Validation {
        field: Some(field.to_string()),
        message,
    }
}

fn corrupt(what: &str, id: &str, problem: String) -> BackendError {
    BackendError::Other(clean(&format!(
        "the local database is damaged: {what} {id} {problem}"
    )))
}

// ---- conversions ----------------------------------------------------------------------------

fn day_sql(d: NaiveDate) -> String {
    use chrono::Datelike;
    if (0..=9999).contains(&d.year()) {
        format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    } else {
        d.to_string()
    }
}

/// A stored day, refused by name when it is not a date or lies outside the supported range
/// (a hostile file's year -200000 would otherwise reach the load index).
fn parse_day(s: &str, what: &str, id: &str, field: &str) -> BackendResult<NaiveDate> {
    let d = s
        .parse::<NaiveDate>()
        .map_err(|_| corrupt(what, id, format!("has a bad {field} '{s}'")))?;
    check_supported(d).map_err(|_| {
        corrupt(
            what,
            id,
            format!("has a {field} ({d}) outside the supported dates {FIRST_SUPPORTED}..{LAST_SUPPORTED}"),
        )
    })
}

fn text(row: &Row<'_>, i: usize) -> rusqlite::Result<String> {
    Ok(clean(&row.get::<_, String>(i)?))
}

fn opt_text(row: &Row<'_>, i: usize) -> rusqlite::Result<Option<String>> {
    Ok(row.get::<_, Option<String>>(i)?.map(|s| clean(&s)))
}

/// `domain::Amount` as the (unit, value) pair stored in `allocations`.
pub(crate) fn amount_to_sql(a: Amount) -> (&'static str, f64) {
    match a {
        Amount::TotalMinutes(m) => ("total_minutes", m as f64),
        Amount::HoursPerDay(h) => ("hours_per_day", h),
        Amount::HoursPerWeek(h) => ("hours_per_week", h),
        Amount::HoursPerMonth(h) => ("hours_per_month", h),
        Amount::TotalHours(h) => ("total_hours", h),
        Amount::RatioOfCapacity(r) => ("ratio_of_capacity", r),
    }
}

pub(crate) fn amount_from_sql(unit: &str, value: f64) -> Option<Amount> {
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    Some(match unit {
        "total_minutes" => Amount::TotalMinutes(value.round().min(u32::MAX as f64) as u32),
        "hours_per_day" => Amount::HoursPerDay(value),
        "hours_per_week" => Amount::HoursPerWeek(value),
        "hours_per_month" => Amount::HoursPerMonth(value),
        "total_hours" => Amount::TotalHours(value),
        "ratio_of_capacity" => Amount::RatioOfCapacity(value),
        _ => return None,
    })
}

fn status_sql(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::New => "new",
        RequestStatus::Approved => "approved",
        RequestStatus::Rejected => "rejected",
        RequestStatus::Cancelled => "cancelled",
    }
}

fn timestamp_sql(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

// ---- meta -----------------------------------------------------------------------------------

/// A meta value, raw (callers clean what they show).
fn meta_raw(conn: &Connection, key: &str) -> BackendResult<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
        .map_err(db_err)
}

fn meta_set(conn: &Connection, key: &str, value: &str) -> BackendResult<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )
    .map_err(db_err)?;
    Ok(())
}

pub(crate) fn current_user(conn: &Connection) -> BackendResult<Option<Id>> {
    Ok(meta_raw(conn, META_CURRENT_USER)?
        .filter(|s| !s.is_empty())
        .map(|s| Id::new(clean(&s))))
}

/// Reserves `n` fresh numeric ids (Kantata style) for `table` and returns the first. A counter in
/// `meta` keeps deleted ids from ever being handed out again.
fn reserve_ids(conn: &Connection, table: &'static str, n: usize) -> BackendResult<u64> {
    let key = format!("next_id.{table}");
    let stored = meta_raw(conn, &key)?.and_then(|s| s.parse::<u64>().ok());
    let next = match stored {
        Some(v) => v,
        None => max_numeric_id(conn, table)? + 1,
    };
    meta_set(conn, &key, &(next + n as u64).to_string())?;
    Ok(next)
}

fn max_numeric_id(conn: &Connection, table: &'static str) -> BackendResult<u64> {
    let max: i64 = conn
        .query_row(
            &format!("SELECT COALESCE(MAX(CAST(id AS INTEGER)), 0) FROM {table}"),
            [],
            |r| r.get(0),
        )
        .map_err(db_err)?;
    Ok(max.max(0) as u64)
}

mod allocations;
mod reads;
mod requests;
mod resources;
mod seed;

pub(crate) use allocations::*;
pub(crate) use reads::*;
pub(crate) use requests::*;
pub(crate) use resources::*;
pub(crate) use seed::*;

/// Applies a batch of changes inside the caller's transaction: any failure fails them all.
/// Resources created in the batch are named by their `temp_id` in later changes (an allocation's
/// `resource_id`, or the id of a resource to change or delete); the real id is put in its place.
/// A resource un-named in the batch must have no hard allocations once the whole batch is
/// applied, so its allocations may be made soft before or after the un-naming.
pub(crate) fn apply(conn: &Connection, changes: &[Change]) -> BackendResult<Vec<Applied>> {
    let mut out = Vec::with_capacity(changes.len());
    let mut made: HashMap<Id, Id> = HashMap::new();
    let mut unnamed: Vec<(Id, String)> = Vec::new();
    let real =
        |made: &HashMap<Id, Id>, id: &Id| made.get(id).cloned().unwrap_or_else(|| id.clone());
    for (i, change) in changes.iter().enumerate() {
        let applied = match change {
            Change::CreateResource { temp_id, new } => {
                let resource = create_resource(conn, new)?;
                made.insert(temp_id.clone(), resource.id.clone());
                Applied::ResourceCreated {
                    temp_id: temp_id.clone(),
                    resource,
                }
            }
            Change::UpdateResource {
                resource: r,
                version,
            } => {
                let r = Resource {
                    id: real(&made, &r.id),
                    ..r.clone()
                };
                if !made.values().any(|m| *m == r.id) {
                    check_resource_version(conn, &r.id, *version)?;
                }
                let (saved, unnamed_now) = update_resource_unchecked(conn, &r)?;
                if let Some(was) = unnamed_now {
                    unnamed.push((saved.id.clone(), was));
                }
                Applied::ResourceUpdated(saved)
            }
            Change::DeleteResource { id, version } => {
                let id = real(&made, id);
                if !made.values().any(|m| *m == id) {
                    check_resource_version(conn, &id, *version)?;
                }
                delete_resource(conn, &id)?;
                unnamed.retain(|(u, _)| *u != id);
                Applied::ResourceDeleted(id)
            }
            Change::Create(n) => {
                let n = NewAllocation {
                    resource_id: real(&made, &n.resource_id),
                    ..n.clone()
                };
                let mut v = create_allocations(conn, std::slice::from_ref(&n))?;
                Applied::Created(
                    v.pop()
                        .ok_or_else(|| BackendError::Other("nothing created".into()))?,
                )
            }
            Change::Update(a) => {
                let a = Allocation {
                    resource_id: real(&made, &a.resource_id),
                    ..a.clone()
                };
                Applied::Updated(update_allocation(conn, &a)?)
            }
            Change::Delete { id, version } => {
                check_version(conn, id, *version)?;
                delete_allocation(conn, id)?;
                Applied::Deleted(id.clone())
            }
            Change::Split { id, version, date } => {
                check_version(conn, id, *version)?;
                let (a, b) = split_allocation(conn, id, *date)?;
                Applied::Split(a, b)
            }
        };
        tracing::debug!(step = i, "applied");
        out.push(applied);
    }
    for (id, was) in &unnamed {
        refuse_hard_on_unnamed(conn, id, was)?;
    }
    Ok(out)
}

/// SQLite's counter of commits by other connections: it moves when another process writes.
pub(crate) fn data_version(conn: &Connection) -> BackendResult<i64> {
    conn.query_row("PRAGMA data_version", [], |r| r.get(0))
        .map_err(db_err)
}
