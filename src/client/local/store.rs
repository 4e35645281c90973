//! The SQL behind [`super::LocalBackend`]: plain synchronous functions over a connection (or a
//! transaction, which derefs to one). Every string read here passes [`clean`] before it leaves.

use super::demo::DemoData;
use crate::client::sanitize::clean;
use crate::client::{
    Applied, BackendError, BackendResult, Change, NewAllocation, NewRequest, RequestCreated,
    RequestTarget, Resolution,
};
use crate::domain::{
    Allocation, Amount, Calendar, DateRange, Holidays, Id, Person, Project, Request, RequestStatus,
    Resource, Roster, WeeklyCapacity,
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

fn parse_day(s: &str, what: &str, id: &str, field: &str) -> BackendResult<NaiveDate> {
    s.parse::<NaiveDate>()
        .map_err(|_| corrupt(what, id, format!("has a bad {field} '{s}'")))
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
        participations: Vec::new(),
    })
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

/// Fails with `Stale` unless the stored allocation is at `version`.
fn check_version(conn: &Connection, id: &Id, version: i64) -> BackendResult<()> {
    let stored = allocation(conn, id)?.ok_or_else(|| not_found_allocation(id))?;
    if stored.version != version {
        return Err(stale(id, stored.version, version));
    }
    Ok(())
}

/// Applies a batch of changes inside the caller's transaction: any failure fails them all.
pub(crate) fn apply(conn: &Connection, changes: &[Change]) -> BackendResult<Vec<Applied>> {
    let mut out = Vec::with_capacity(changes.len());
    for (i, change) in changes.iter().enumerate() {
        let applied = match change {
            Change::CreateResource { .. }
            | Change::UpdateResource(_)
            | Change::DeleteResource { .. } => {
                return Err(BackendError::Unsupported(
                    "the local backend does not change workspace resources yet".into(),
                ));
            }
            Change::Create(n) => {
                let mut v = create_allocations(conn, std::slice::from_ref(n))?;
                Applied::Created(
                    v.pop()
                        .ok_or_else(|| BackendError::Other("nothing created".into()))?,
                )
            }
            Change::Update(a) => Applied::Updated(update_allocation(conn, a)?),
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
    if !(1..=1000).contains(&new.percentage) {
        return Err(validation(
            "percentage",
            format!("{} is not a percentage from 1 to 1000", new.percentage),
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

    for a in &data.allocations {
        insert_allocation(conn, a)?;
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
