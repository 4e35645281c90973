//! Seeding a workspace with the demo data.

use super::*;

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

pub(super) fn seed_rows(conn: &Connection, data: &DemoData) -> rusqlite::Result<()> {
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
    let mut pattern = conn.prepare(
        "INSERT INTO work_patterns (person_id, start_date, cap_mon, cap_tue, cap_wed, cap_thu,
                                    cap_fri, cap_sat, cap_sun)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut partial = conn.prepare(
        "INSERT INTO time_off (person_id, start_date, end_date, minutes) VALUES (?1, ?2, ?2, ?3)",
    )?;
    for (id, cal) in &r.calendars {
        for (from, w) in &cal.changes {
            let w = w.0;
            pattern.execute(params![
                id.as_str(),
                day_sql(*from),
                w[0],
                w[1],
                w[2],
                w[3],
                w[4],
                w[5],
                w[6]
            ])?;
        }
        for (d, minutes) in &cal.minutes_off {
            partial.execute(params![id.as_str(), day_sql(*d), minutes])?;
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
            // The store keeps every request's period; one without is refused (NOT NULL).
            q.period.map(|p| day_sql(p.start)),
            q.period.map(|p| day_sql(p.end)),
            q.percentage,
            q.notes
        ])?;
        for (i, a) in q.approver_ids.iter().enumerate() {
            approver.execute(params![q.id.as_str(), a.as_str(), i as i64])?;
        }
    }
    Ok(())
}
