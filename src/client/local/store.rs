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
use std::collections::{BTreeSet, HashMap};
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

// ---- reads ----------------------------------------------------------------------------------

pub(crate) fn is_empty(conn: &Connection) -> BackendResult<bool> {
    conn.query_row(
        "SELECT NOT (EXISTS (SELECT 1 FROM people) OR EXISTS (SELECT 1 FROM projects)
             OR EXISTS (SELECT 1 FROM resources) OR EXISTS (SELECT 1 FROM allocations)
             OR EXISTS (SELECT 1 FROM requests))",
        [],
        |r| r.get(0),
    )
    .map_err(db_err)
}

fn holidays(conn: &Connection) -> BackendResult<Holidays> {
    let mut stmt = conn
        .prepare_cached("SELECT date FROM holidays ORDER BY date")
        .map_err(db_err)?;
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(db_err)?;
    let mut set = BTreeSet::new();
    for s in rows {
        let s = s.map_err(db_err)?;
        set.insert(parse_day(&s, "holiday", &s, "date")?);
    }
    Ok(Arc::new(set))
}

/// Time off by raw person id, in the order it was written.
fn time_off(
    conn: &Connection,
    person: Option<&str>,
) -> BackendResult<HashMap<String, Vec<DateRange>>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT person_id, start_date, end_date FROM time_off
             WHERE ?1 IS NULL OR person_id = ?1 ORDER BY id",
        )
        .map_err(db_err)?;
    let rows = stmt
        .query_map([person], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(db_err)?;
    let mut out: HashMap<String, Vec<DateRange>> = HashMap::new();
    for row in rows {
        let (p, s, e) = row.map_err(db_err)?;
        let range = DateRange::new(
            parse_day(&s, "time off of person", &p, "start date")?,
            parse_day(&e, "time off of person", &p, "end date")?,
        );
        out.entry(p).or_default().push(range);
    }
    Ok(out)
}

fn weekly_from(row: &Row<'_>, first: usize) -> rusqlite::Result<WeeklyCapacity> {
    let mut w = [0u32; 7];
    for (i, m) in w.iter_mut().enumerate() {
        *m = row.get::<_, i64>(first + i)?.clamp(0, 24 * 60) as u32;
    }
    Ok(WeeklyCapacity(w))
}

pub(crate) fn roster(conn: &Connection) -> BackendResult<Roster> {
    let name = meta_raw(conn, META_WORKSPACE_NAME)?
        .map(|s| clean(&s))
        .unwrap_or_default();
    let current_user = current_user(conn)?;
    let holidays = holidays(conn)?;
    let mut time_off = time_off(conn, None)?;

    let mut people = Vec::new();
    {
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, name, email, role, cap_mon, cap_tue, cap_wed, cap_thu, cap_fri,
                        cap_sat, cap_sun
                 FROM people ORDER BY length(id), id",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map([], |r| {
                let raw_id: String = r.get(0)?;
                Ok((
                    raw_id,
                    text(r, 1)?,
                    text(r, 2)?,
                    text(r, 3)?,
                    weekly_from(r, 4)?,
                ))
            })
            .map_err(db_err)?;
        for row in rows {
            let (raw_id, name, email, role, weekly) = row.map_err(db_err)?;
            people.push(Person {
                id: Id::new(clean(&raw_id)),
                name,
                email,
                role,
                weekly,
                time_off: time_off.remove(&raw_id).unwrap_or_default(),
            });
        }
    }

    let mut projects = Vec::new();
    {
        let mut stmt = conn
            .prepare_cached("SELECT id, name, client FROM projects ORDER BY length(id), id")
            .map_err(db_err)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Project {
                    id: Id::new(text(r, 0)?),
                    name: text(r, 1)?,
                    client: text(r, 2)?,
                })
            })
            .map_err(db_err)?;
        for row in rows {
            projects.push(row.map_err(db_err)?);
        }
    }

    let mut resources = Vec::new();
    {
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, project_id, person_id, role, label FROM resources
                 ORDER BY length(id), id",
            )
            .map_err(db_err)?;
        let rows = stmt.query_map([], resource_row).map_err(db_err)?;
        for row in rows {
            resources.push(row.map_err(db_err)?);
        }
    }

    Ok(Roster {
        name,
        current_user,
        people,
        projects,
        resources,
        holidays,
        participations: participations(conn)?,
    })
}

/// A role as stored: blank means none.
fn role_or_none(role: Option<String>) -> Option<String> {
    role.filter(|r| !r.trim().is_empty())
}

/// Every participation, by project then person (numeric ids in numeric order).
fn participations(conn: &Connection) -> BackendResult<Vec<Participation>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT person_id, project_id, role FROM participations
             ORDER BY length(project_id), project_id, length(person_id), person_id",
        )
        .map_err(db_err)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Participation {
                person_id: Id::new(text(r, 0)?),
                project_id: Id::new(text(r, 1)?),
                role: role_or_none(opt_text(r, 2)?),
            })
        })
        .map_err(db_err)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row.map_err(db_err)?);
    }
    Ok(out)
}

/// Scheduled hours of the weeks whose Monday falls in `window`, by resource then week.
pub(crate) fn scheduled_hours(
    conn: &Connection,
    window: DateRange,
) -> BackendResult<Vec<ScheduledWeek>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT resource_id, week, minutes FROM scheduled_hours
             WHERE week >= ?1 AND week <= ?2
             ORDER BY length(resource_id), resource_id, week",
        )
        .map_err(db_err)?;
    let rows = stmt
        .query_map(params![day_sql(window.start), day_sql(window.end)], |r| {
            Ok((text(r, 0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
        })
        .map_err(db_err)?;
    let mut out = Vec::new();
    for row in rows {
        let (resource_id, week, minutes) = row.map_err(db_err)?;
        let monday = parse_day(&week, "scheduled week of resource", &resource_id, "week")?;
        out.push(ScheduledWeek {
            resource_id: Id::new(resource_id),
            monday,
            minutes: minutes.clamp(0, u32::MAX as i64) as u32,
        });
    }
    Ok(out)
}

fn resource_row(r: &Row<'_>) -> rusqlite::Result<Resource> {
    Ok(Resource {
        id: Id::new(text(r, 0)?),
        project_id: opt_text(r, 1)?.map(Id::new),
        person_id: opt_text(r, 2)?.map(Id::new),
        role: text(r, 3)?,
        label: text(r, 4)?,
    })
}

fn resource(conn: &Connection, id: &Id) -> BackendResult<Option<Resource>> {
    conn.query_row(
        "SELECT id, project_id, person_id, role, label FROM resources WHERE id = ?1",
        [id.as_str()],
        resource_row,
    )
    .optional()
    .map_err(db_err)
}

const ALLOCATION_COLUMNS: &str = "id, resource_id, project_id, start_date, end_date, unit, value, \
     hard, notes, read_only, allocate_on_time_off, version";

/// One `ALLOCATION_COLUMNS` row; the inner result reports damaged data.
fn allocation_row(r: &Row<'_>) -> rusqlite::Result<BackendResult<Allocation>> {
    let id = text(r, 0)?;
    let resource_id = text(r, 1)?;
    let project_id = opt_text(r, 2)?;
    let start: String = r.get(3)?;
    let end: String = r.get(4)?;
    let unit: String = r.get(5)?;
    let value: f64 = r.get(6)?;
    let hard: bool = r.get(7)?;
    let notes = text(r, 8)?;
    let read_only: bool = r.get(9)?;
    let allocate_on_time_off: bool = r.get(10)?;
    let version: i64 = r.get(11)?;
    Ok((|| {
        let start = parse_day(&start, "allocation", &id, "start date")?;
        let end = parse_day(&end, "allocation", &id, "end date")?;
        let amount = amount_from_sql(&unit, value).ok_or_else(|| {
            corrupt(
                "allocation",
                &id,
                format!("has an unknown amount {value} {unit}"),
            )
        })?;
        Ok(Allocation {
            id: Id::new(&id),
            resource_id: Id::new(resource_id),
            project_id: project_id.map(Id::new),
            range: DateRange::new(start, end),
            amount,
            hard,
            notes,
            read_only,
            allocate_on_time_off,
            server_total_minutes: None,
            version,
        })
    })())
}

pub(crate) fn allocations(conn: &Connection, window: DateRange) -> BackendResult<Vec<Allocation>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {ALLOCATION_COLUMNS} FROM allocations
             WHERE start_date <= ?2 AND end_date >= ?1
             ORDER BY start_date, length(id), id"
        ))
        .map_err(db_err)?;
    let rows = stmt
        .query_map(
            params![day_sql(window.start), day_sql(window.end)],
            allocation_row,
        )
        .map_err(db_err)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row.map_err(db_err)??);
    }
    Ok(out)
}

pub(crate) fn allocation(conn: &Connection, id: &Id) -> BackendResult<Option<Allocation>> {
    conn.query_row(
        &format!("SELECT {ALLOCATION_COLUMNS} FROM allocations WHERE id = ?1"),
        [id.as_str()],
        allocation_row,
    )
    .optional()
    .map_err(db_err)?
    .transpose()
}

const REQUEST_COLUMNS: &str =
    "id, resource_id, status, creator_id, created_at, start_date, end_date, percentage, notes";

/// Requests (all, or the one with raw id `only`), each with its approvers in order.
pub(crate) fn requests(conn: &Connection, only: Option<&str>) -> BackendResult<Vec<Request>> {
    let mut approvers: HashMap<String, Vec<Id>> = HashMap::new();
    {
        let mut stmt = conn
            .prepare_cached(
                "SELECT request_id, person_id FROM request_approvers
                 WHERE ?1 IS NULL OR request_id = ?1 ORDER BY request_id, position",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map([only], |r| Ok((r.get::<_, String>(0)?, text(r, 1)?)))
            .map_err(db_err)?;
        for row in rows {
            let (req, person) = row.map_err(db_err)?;
            approvers.entry(req).or_default().push(Id::new(person));
        }
    }
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {REQUEST_COLUMNS} FROM requests WHERE ?1 IS NULL OR id = ?1
             ORDER BY length(id), id"
        ))
        .map_err(db_err)?;
    let rows = stmt
        .query_map([only], |r| {
            Ok((
                r.get::<_, String>(0)?,
                text(r, 1)?,
                r.get::<_, String>(2)?,
                text(r, 3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, i64>(7)?,
                text(r, 8)?,
            ))
        })
        .map_err(db_err)?;
    let mut out = Vec::new();
    for row in rows {
        let (raw_id, resource_id, status, creator_id, created, start, end, pct, notes) =
            row.map_err(db_err)?;
        let id = clean(&raw_id);
        let status = RequestStatus::parse(&status)
            .ok_or_else(|| corrupt("request", &id, format!("has an unknown status '{status}'")))?;
        let created_at = DateTime::parse_from_rfc3339(&created)
            .map_err(|_| {
                corrupt(
                    "request",
                    &id,
                    format!("has a bad creation time '{created}'"),
                )
            })?
            .with_timezone(&Utc);
        let period = DateRange::new(
            parse_day(&start, "request", &id, "start date")?,
            parse_day(&end, "request", &id, "end date")?,
        );
        out.push(Request {
            approver_ids: approvers.remove(&raw_id).unwrap_or_default(),
            id: Id::new(id),
            resource_id: Id::new(resource_id),
            status,
            creator_id: Id::new(creator_id),
            created_at,
            period,
            percentage: pct.clamp(0, u32::MAX as i64) as u32,
            notes,
        });
    }
    Ok(out)
}

fn request(conn: &Connection, id: &Id) -> BackendResult<Option<Request>> {
    Ok(requests(conn, Some(id.as_str()))?.pop())
}

/// The calendar a resource's allocations are spread over: its person's, or the default
/// workweek with the holidays for an unnamed resource.
fn calendar_of(conn: &Connection, r: &Resource) -> BackendResult<Calendar> {
    let holidays = holidays(conn)?;
    let Some(person) = &r.person_id else {
        return Ok(Calendar::new(WeeklyCapacity::STANDARD, holidays, vec![]));
    };
    let weekly = conn
        .query_row(
            "SELECT cap_mon, cap_tue, cap_wed, cap_thu, cap_fri, cap_sat, cap_sun
             FROM people WHERE id = ?1",
            [person.as_str()],
            |row| weekly_from(row, 0),
        )
        .optional()
        .map_err(db_err)?
        .unwrap_or_default();
    let time_off = time_off(conn, Some(person.as_str()))?
        .into_values()
        .next()
        .unwrap_or_default();
    Ok(Calendar::new(weekly, holidays, time_off))
}

// ---- writes ---------------------------------------------------------------------------------

fn insert_allocation(conn: &Connection, a: &Allocation) -> rusqlite::Result<()> {
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
fn check_allocation(
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

fn not_found_allocation(id: &Id) -> BackendError {
    BackendError::NotFound(format!(
        "allocation {id} does not exist (it may have been deleted)"
    ))
}

fn refuse_read_only(a: &Allocation, what: &str) -> BackendResult<()> {
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

fn stale(id: &Id, stored: i64, edited: i64) -> BackendError {
    BackendError::Stale(format!(
        "allocation {id} was changed elsewhere (it is at version {stored}, this edit was made to version {edited}); press R to reload"
    ))
}

/// Fails with `Stale` unless the stored resource is the one read at `version` (see
/// [`crate::client::resource_version`]): another process may have renamed it meanwhile.
fn check_resource_version(conn: &Connection, id: &Id, version: i64) -> BackendResult<()> {
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
fn check_version(conn: &Connection, id: &Id, version: i64) -> BackendResult<()> {
    let stored = allocation(conn, id)?.ok_or_else(|| not_found_allocation(id))?;
    if stored.version != version {
        return Err(stale(id, stored.version, version));
    }
    Ok(())
}

// ---- workspace resources --------------------------------------------------------------------

fn not_found_resource(id: &Id) -> BackendError {
    BackendError::NotFound(format!(
        "resource {} does not exist (it may have been deleted)",
        clean(id.as_str())
    ))
}

/// A person's name and default role.
fn person_of(conn: &Connection, id: &Id) -> BackendResult<Option<(String, String)>> {
    conn.query_row(
        "SELECT name, role FROM people WHERE id = ?1",
        [id.as_str()],
        |r| Ok((text(r, 0)?, text(r, 1)?)),
    )
    .optional()
    .map_err(db_err)
}

fn project_name(conn: &Connection, id: &Id) -> BackendResult<Option<String>> {
    conn.query_row(
        "SELECT name FROM projects WHERE id = ?1",
        [id.as_str()],
        |r| text(r, 0),
    )
    .optional()
    .map_err(db_err)
}

/// A project's name for messages ("project 12" when it has none or is missing).
fn project_words(conn: &Connection, id: Option<&Id>) -> BackendResult<String> {
    let Some(id) = id else {
        return Ok("no project".into());
    };
    Ok(project_name(conn, id)?
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("project {}", clean(id.as_str()))))
}

/// A person's name for messages ("person 12" when missing).
fn person_words(conn: &Connection, id: &Id) -> BackendResult<String> {
    Ok(person_of(conn, id)?
        .map(|(name, _)| name)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("person {}", clean(id.as_str()))))
}

/// A resource in words: "Ada Lee's Engineer resource on Atlas" or "the unnamed Engineer resource
/// 'iOS engineer' on Atlas".
fn resource_words(conn: &Connection, r: &Resource) -> BackendResult<String> {
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
fn participation_role(
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
fn primary_role_of(conn: &Connection, person: &Id, project: &Id) -> BackendResult<Option<String>> {
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
fn ensure_participation(
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
fn same_role_resource(
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
fn resolve_role(
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

fn duplicate_role(
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
fn update_resource_unchecked(
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
fn refuse_hard_on_unnamed(conn: &Connection, id: &Id, was: &str) -> BackendResult<()> {
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

pub(crate) fn resolve_request(
    conn: &Connection,
    id: &Id,
    how: &Resolution,
    by: Option<&Id>,
) -> BackendResult<Request> {
    let req = request(conn, id)?
        .ok_or_else(|| BackendError::NotFound(format!("request {id} does not exist")))?;
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
            (Some(_), _) => {}
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

fn person_exists(conn: &Connection, id: &Id) -> BackendResult<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM people WHERE id = ?1)",
        [id.as_str()],
        |r| r.get(0),
    )
    .map_err(db_err)
}

fn project_exists(conn: &Connection, id: &Id) -> BackendResult<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM projects WHERE id = ?1)",
        [id.as_str()],
        |r| r.get(0),
    )
    .map_err(db_err)
}

/// The approvers in the order given, without repeats: at least one, each a known person.
fn check_approvers(conn: &Connection, ids: &[Id]) -> BackendResult<Vec<Id>> {
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

fn write_approvers(conn: &Connection, request: &Id, approvers: &[Id]) -> BackendResult<()> {
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

fn not_found_request(id: &Id) -> BackendError {
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

/// Writes a whole workspace into an empty database (call inside one transaction).
pub(crate) fn seed(conn: &Connection, data: &DemoData) -> BackendResult<()> {
    if !is_empty(conn)? {
        return Err(BackendError::Validation {
            field: None,
            message: "this workspace already has data; demo data is only written to an empty one"
                .into(),
        });
    }
    let r = &data.roster;
    meta_set(conn, META_WORKSPACE_NAME, &r.name)?;
    match &r.current_user {
        Some(u) => meta_set(conn, META_CURRENT_USER, u.as_str())?,
        None => {
            conn.execute("DELETE FROM meta WHERE key = ?1", [META_CURRENT_USER])
                .map_err(db_err)?;
        }
    }
    seed_rows(conn, data).map_err(db_err)?;
    // Fresh ids continue after the largest numeric id of each kind.
    for (table, ids) in [
        ("people", r.people.iter().map(|p| &p.id).collect::<Vec<_>>()),
        ("projects", r.projects.iter().map(|p| &p.id).collect()),
        ("resources", r.resources.iter().map(|p| &p.id).collect()),
        (
            "allocations",
            data.allocations.iter().map(|p| &p.id).collect(),
        ),
        ("requests", data.requests.iter().map(|p| &p.id).collect()),
    ] {
        let max = ids
            .iter()
            .filter_map(|id| id.as_number())
            .max()
            .unwrap_or(0);
        meta_set(conn, &format!("next_id.{table}"), &(max + 1).to_string())?;
    }
    Ok(())
}

fn seed_rows(conn: &Connection, data: &DemoData) -> rusqlite::Result<()> {
    let r = &data.roster;
    let names: HashMap<NaiveDate, &str> = data
        .holiday_names
        .iter()
        .map(|(d, n)| (*d, n.as_str()))
        .collect();
    let mut stmt = conn.prepare("INSERT INTO holidays (date, name) VALUES (?1, ?2)")?;
    for d in r.holidays.iter() {
        stmt.execute(params![day_sql(*d), names.get(d).copied().unwrap_or("")])?;
    }

    let mut person = conn.prepare(
        "INSERT INTO people (id, name, email, role, cap_mon, cap_tue, cap_wed, cap_thu, cap_fri,
                             cap_sat, cap_sun)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut off =
        conn.prepare("INSERT INTO time_off (person_id, start_date, end_date) VALUES (?1, ?2, ?3)")?;
    for p in &r.people {
        let w = p.weekly.0;
        person.execute(params![
            p.id.as_str(),
            p.name,
            p.email,
            p.role,
            w[0],
            w[1],
            w[2],
            w[3],
            w[4],
            w[5],
            w[6]
        ])?;
        for t in &p.time_off {
            off.execute(params![p.id.as_str(), day_sql(t.start), day_sql(t.end)])?;
        }
    }

    let mut project =
        conn.prepare("INSERT INTO projects (id, name, client) VALUES (?1, ?2, ?3)")?;
    for p in &r.projects {
        project.execute(params![p.id.as_str(), p.name, p.client])?;
    }

    let mut resource = conn.prepare(
        "INSERT INTO resources (id, project_id, person_id, role, label) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for x in &r.resources {
        resource.execute(params![
            x.id.as_str(),
            x.project_id.as_ref().map(Id::as_str),
            x.person_id.as_ref().map(Id::as_str),
            x.role,
            x.label
        ])?;
    }

    let mut participation = conn.prepare(
        "INSERT INTO participations (person_id, project_id, role) VALUES (?1, ?2, ?3)
         ON CONFLICT (person_id, project_id) DO UPDATE SET role = excluded.role",
    )?;
    for p in &r.participations {
        participation.execute(params![
            p.person_id.as_str(),
            p.project_id.as_str(),
            p.role.as_deref().filter(|x| !x.trim().is_empty())
        ])?;
    }
    // Whoever holds a named resource on a project participates in it.
    conn.execute(
        "INSERT OR IGNORE INTO participations (person_id, project_id, role)
         SELECT DISTINCT person_id, project_id, NULL FROM resources
         WHERE person_id IS NOT NULL AND project_id IS NOT NULL",
        [],
    )?;

    for a in &data.allocations {
        insert_allocation(conn, a)?;
    }

    let mut scheduled = conn.prepare(
        "INSERT INTO scheduled_hours (resource_id, week, minutes) VALUES (?1, ?2, ?3)
         ON CONFLICT (resource_id, week) DO UPDATE SET minutes = excluded.minutes",
    )?;
    for w in &data.scheduled {
        scheduled.execute(params![
            w.resource_id.as_str(),
            day_sql(w.monday),
            w.minutes
        ])?;
    }

    let mut request = conn.prepare(&format!(
        "INSERT INTO requests ({REQUEST_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    ))?;
    let mut approver = conn.prepare(
        "INSERT OR IGNORE INTO request_approvers (request_id, person_id, position)
         VALUES (?1, ?2, ?3)",
    )?;
    for q in &data.requests {
        request.execute(params![
            q.id.as_str(),
            q.resource_id.as_str(),
            status_sql(q.status),
            q.creator_id.as_str(),
            timestamp_sql(q.created_at),
            day_sql(q.period.start),
            day_sql(q.period.end),
            q.percentage,
            q.notes
        ])?;
        for (i, a) in q.approver_ids.iter().enumerate() {
            approver.execute(params![q.id.as_str(), a.as_str(), i as i64])?;
        }
    }
    Ok(())
}
