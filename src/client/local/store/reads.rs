//! Reads: the roster, calendars, allocations in a window, requests, scheduled hours.

use super::*;

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

pub(super) fn holidays(conn: &Connection) -> BackendResult<Holidays> {
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

/// Every `time_off` row (everyone's, or one person's) in the order written: raw person id, the
/// days, and the minutes off each day for a partial day (`None`: whole days).
fn time_off_rows(
    conn: &Connection,
    person: Option<&str>,
) -> BackendResult<Vec<(String, DateRange, Option<u32>)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT person_id, start_date, end_date, minutes FROM time_off
             WHERE ?1 IS NULL OR person_id = ?1 ORDER BY id",
        )
        .map_err(db_err)?;
    let rows = stmt
        .query_map([person], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })
        .map_err(db_err)?;
    let mut out = Vec::new();
    for row in rows {
        let (p, s, e, minutes) = row.map_err(db_err)?;
        let range = DateRange::new(
            parse_day(&s, "time off of person", &p, "start date")?,
            parse_day(&e, "time off of person", &p, "end date")?,
        );
        out.push((p, range, minutes.map(|m| m.clamp(0, 24 * 60) as u32)));
    }
    Ok(out)
}

/// Whole days off by raw person id, in the order they were written (partial days are in
/// [`extras`]).
pub(super) fn time_off(
    conn: &Connection,
    person: Option<&str>,
) -> BackendResult<HashMap<String, Vec<DateRange>>> {
    let mut out: HashMap<String, Vec<DateRange>> = HashMap::new();
    for (p, range, minutes) in time_off_rows(conn, person)? {
        if minutes.is_none() {
            out.entry(p).or_default().push(range);
        }
    }
    Ok(out)
}

/// What a person's calendar holds beyond one weekly pattern and whole days off.
#[derive(Default)]
pub(super) struct Extras {
    /// Patterns from a date on (`work_patterns`).
    changes: Vec<(NaiveDate, WeeklyCapacity)>,
    /// Minutes off on a day (`time_off` rows with `minutes`); two rows on one day add up.
    minutes_off: BTreeMap<NaiveDate, u32>,
}

impl Extras {
    /// `weekly`, whole days off and the holidays, with these extras laid over them.
    pub(super) fn calendar(
        self,
        weekly: WeeklyCapacity,
        holidays: Holidays,
        time_off: Vec<DateRange>,
    ) -> Calendar {
        Calendar::new(weekly, holidays, time_off)
            .with_changes(self.changes)
            .with_minutes_off(self.minutes_off)
    }
}

/// Dated patterns and partial days off by raw person id (everyone's, or one person's).
pub(super) fn extras(
    conn: &Connection,
    person: Option<&str>,
) -> BackendResult<HashMap<String, Extras>> {
    let mut out: HashMap<String, Extras> = HashMap::new();
    let mut stmt = conn
        .prepare_cached(
            "SELECT person_id, start_date, cap_mon, cap_tue, cap_wed, cap_thu, cap_fri, cap_sat,
                    cap_sun
             FROM work_patterns WHERE ?1 IS NULL OR person_id = ?1 ORDER BY start_date",
        )
        .map_err(db_err)?;
    let rows = stmt
        .query_map([person], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                weekly_from(r, 2)?,
            ))
        })
        .map_err(db_err)?;
    for row in rows {
        let (p, from, weekly) = row.map_err(db_err)?;
        let from = parse_day(&from, "work pattern of person", &p, "start date")?;
        out.entry(p).or_default().changes.push((from, weekly));
    }
    for (p, range, minutes) in time_off_rows(conn, person)? {
        let Some(minutes) = minutes else { continue };
        let entry = out.entry(p).or_default();
        for d in range.days() {
            let m = entry.minutes_off.entry(d).or_default();
            *m = (*m + minutes).min(24 * 60);
        }
    }
    Ok(out)
}

pub(super) fn weekly_from(row: &Row<'_>, first: usize) -> rusqlite::Result<WeeklyCapacity> {
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
    let mut extras = extras(conn, None)?;
    let mut calendars = BTreeMap::new();

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
            let id = Id::new(clean(&raw_id));
            let time_off = time_off.remove(&raw_id).unwrap_or_default();
            // Only people with more than one pattern or partial days need a full calendar.
            if let Some(x) = extras.remove(&raw_id) {
                calendars.insert(
                    id.clone(),
                    x.calendar(weekly, holidays.clone(), time_off.clone()),
                );
            }
            people.push(Person {
                id,
                name,
                email,
                role,
                weekly,
                time_off,
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
                    roles: None,
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
        unnamed_calendar: None,
        calendars,
        name,
        current_user,
        people,
        projects,
        resources,
        holidays,
        participations: participations(conn)?,
        // The embedded store keeps no skills.
        skills: Default::default(),
    })
}

/// A role as stored: blank means none.
pub(super) fn role_or_none(role: Option<String>) -> Option<String> {
    role.filter(|r| !r.trim().is_empty())
}

/// Every participation, by project then person (numeric ids in numeric order).
pub(super) fn participations(conn: &Connection) -> BackendResult<Vec<Participation>> {
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

pub(super) fn resource_row(r: &Row<'_>) -> rusqlite::Result<Resource> {
    Ok(Resource {
        id: Id::new(text(r, 0)?),
        project_id: opt_text(r, 1)?.map(Id::new),
        person_id: opt_text(r, 2)?.map(Id::new),
        role: text(r, 3)?,
        label: text(r, 4)?,
    })
}

pub(super) fn resource(conn: &Connection, id: &Id) -> BackendResult<Option<Resource>> {
    conn.query_row(
        "SELECT id, project_id, person_id, role, label FROM resources WHERE id = ?1",
        [id.as_str()],
        resource_row,
    )
    .optional()
    .map_err(db_err)
}

pub(super) const ALLOCATION_COLUMNS: &str = "id, resource_id, project_id, start_date, end_date, unit, value, \
     hard, notes, read_only, allocate_on_time_off, version";

/// One `ALLOCATION_COLUMNS` row; the inner result reports damaged data.
pub(super) fn allocation_row(r: &Row<'_>) -> rusqlite::Result<BackendResult<Allocation>> {
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

pub(super) const REQUEST_COLUMNS: &str =
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
            period: Some(period),
            percentage: Some(pct.clamp(0, u32::MAX as i64) as u32),
            notes,
        });
    }
    Ok(out)
}

pub(super) fn request(conn: &Connection, id: &Id) -> BackendResult<Option<Request>> {
    Ok(requests(conn, Some(id.as_str()))?.pop())
}

/// The calendar a resource's allocations are spread over: its person's, or the default
/// workweek with the holidays for an unnamed resource.
pub(crate) fn calendar_of(conn: &Connection, r: &Resource) -> BackendResult<Calendar> {
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
    let extras = extras(conn, Some(person.as_str()))?
        .into_values()
        .next()
        .unwrap_or_default();
    Ok(extras.calendar(weekly, holidays, time_off))
}
