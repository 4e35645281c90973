//! What a request does to a person's weekly load, and their free capacity over it.

use super::*;

/// One week of an impact preview.
#[derive(Clone, Debug, PartialEq)]
pub struct ImpactWeek {
    pub monday: chrono::NaiveDate,
    pub load: u64,
    pub capacity: u64,
    pub level: LoadLevel,
}

/// A person's weekly load over the request's impact span (its period, else the allocations
/// approval hardens) once approved: for an unnamed resource, its allocations moved onto
/// `person` (naming moves them all); for a named one, as it stands (soft and hard count alike
/// in the load, so hardening changes no figure). Empty when there is no span.
pub fn impact(ws: &Workspace, r: &Request, person: &Id) -> Vec<ImpactWeek> {
    let Some(span) = impact_span(ws, r) else {
        return Vec::new();
    };
    let key = RowKey::Person(person.clone());
    let view = ws.row_view(&key);
    let unnamed = ws
        .resources
        .get(&r.resource_id)
        .is_some_and(Resource::is_unnamed);
    let cal = ws.calendar_for(&key);
    let added: Vec<(DateRange, Vec<u32>)> = if unnamed {
        requested_or_all(ws, r)
            .iter()
            .map(|a| (a.range, allocation_daily(a, &cal)))
            .collect()
    } else {
        Vec::new()
    };
    let mut weeks = Vec::new();
    let mut monday = week_start(span.start);
    while monday <= span.end && weeks.len() < 60 {
        let week = DateRange::new(monday, add_days(monday, 6));
        let extra: u64 = added
            .iter()
            .map(|(span, daily)| {
                span.days()
                    .zip(daily)
                    .filter(|(d, _)| week.contains(*d))
                    .map(|(_, m)| *m as u64)
                    .sum::<u64>()
            })
            .sum();
        let load = view.load_in(week) + extra;
        let capacity = view.capacity_in(week);
        weeks.push(ImpactWeek {
            monday,
            load,
            capacity,
            level: load_level(load, capacity),
        });
        monday = add_days(monday, 7);
    }
    weeks
}

/// A person's free minutes (capacity minus load, before the request) over the request's impact
/// span; 0 when it has none.
pub fn free_for(ws: &Workspace, r: &Request, person: &Id) -> i64 {
    let Some(span) = impact_span(ws, r) else {
        return 0;
    };
    let key = RowKey::Person(person.clone());
    let view = ws.row_view(&key);
    view.capacity_in(span) as i64 - view.load_in(span) as i64
}

/// People to staff an unnamed resource with: those with its role first, then everyone, each
/// group by most free capacity over the impact span ([`free_for`]).
pub fn candidates(ws: &Workspace, r: &Request) -> Vec<(Id, i64)> {
    let role = ws
        .resources
        .get(&r.resource_id)
        .map(|x| x.role.to_lowercase())
        .unwrap_or_default();
    let mut people: Vec<(bool, i64, String, Id)> = ws
        .people
        .values()
        .map(|p| {
            let free = free_for(ws, r, &p.id);
            let same_role = !role.is_empty()
                && (p.role.to_lowercase().contains(&role) || role.contains(&p.role.to_lowercase()));
            (!same_role, -free, p.name.to_lowercase(), p.id.clone())
        })
        .collect();
    people.sort();
    people
        .into_iter()
        .map(|(_, free, _, id)| (id, -free))
        .collect()
}

