//! Kantata's scheduling endpoints (workweeks, workweek memberships, holiday calendars, their
//! memberships and associations, holidays, time off entries) served from the store's calendars:
//! each person's `weekly`, `changes`, `holidays`, `time_off` and `minutes_off`, never from
//! the person's own fields, so dated patterns and partial days show as soon as the store keeps
//! them.
//!
//! Documents (repo `api-evangelist/mavenlink`, `openapi/`, "AE:<name>" below; summarised in
//! `shared/reference/capacity-apis.md` §1–3): AE:workweeks, AE:workweek-memberships,
//! AE:holiday-calendars, AE:holiday-calendar-memberships, AE:holiday-calendar-associations,
//! AE:holidays, AE:time-off-entries. Every list is the standard envelope (`count`, `meta`,
//! `results`, objects by id under their key) and pages as every other listing (Brainstem,
//! `format::Paging`). Where a document is silent the strictest plausible reading is taken and
//! said so beside it.

use super::format::{ApiError, ApiResult, Envelope, Params};
use super::since::Since;
use super::{Shared, only_ok, page, snapshot};
use crate::domain::dates::{add_days, parse_date, sunday_on_or_before, weekday_index};
use crate::domain::{Calendar, Id, WeeklyCapacity};
use axum::extract::State;
use chrono::NaiveDate;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use super::super::cache::{Snapshot, id_order};

/// The account default workweek's id (the one `default: true` workweek).
const DEFAULT_WORKWEEK: u64 = 1;
/// The Account Default Holiday Calendar's id.
const DEFAULT_CALENDAR: usize = 0;

struct Workweek {
    id: u64,
    default: bool,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    week: WeeklyCapacity,
}

struct WorkweekMembership {
    id: u64,
    user: Id,
    /// Index into `Tables::workweeks`.
    workweek: usize,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

struct HolidayCalendar {
    id: u64,
    name: String,
    default: bool,
}

struct Holiday {
    id: u64,
    date: NaiveDate,
    /// The default workweek's minutes that day (`total_hours`: "workweek hours that the holiday
    /// includes", AE:holidays).
    minutes: u32,
}

struct Association {
    id: u64,
    holiday: usize,
    calendar: usize,
}

struct CalendarMembership {
    id: u64,
    user: Id,
    calendar: usize,
}

struct TimeOffEntry {
    id: u64,
    user: Id,
    date: NaiveDate,
    minutes: u32,
}

/// Everything these endpoints serve, derived once per snapshot.
pub(super) struct Tables {
    workweeks: Vec<Workweek>,
    memberships: Vec<WorkweekMembership>,
    calendars: Vec<HolidayCalendar>,
    holidays: Vec<Holiday>,
    associations: Vec<Association>,
    calendar_memberships: Vec<CalendarMembership>,
    entries: Vec<TimeOffEntry>,
}

impl Tables {
    fn of(snap: &Snapshot) -> Tables {
        let mut people: Vec<&Id> = snap.roster.people.iter().map(|p| &p.id).collect();
        people.sort_by_cached_key(|id| id_order(id));
        let cals: Vec<(&Id, &Calendar)> = people
            .iter()
            .filter_map(|id| snap.calendar_of_person(id).map(|c| (*id, c)))
            .collect();

        // The account default workweek: Kantata's standard 8 h Monday to Friday, open at both
        // ends (a blank start applies "from the beginning of time", KB 215807427).
        let mut workweeks = vec![Workweek {
            id: DEFAULT_WORKWEEK,
            default: true,
            start: None,
            end: None,
            week: WeeklyCapacity::STANDARD,
        }];
        let mut memberships = Vec::new();
        for (user, cal) in &cals {
            for (start, end, week) in sunday_weeks(cal) {
                let key = format!("{user}:{}", day_key(start));
                workweeks.push(Workweek {
                    id: stable_id("workweek", &key),
                    default: false,
                    start,
                    end,
                    week,
                });
                memberships.push(WorkweekMembership {
                    id: stable_id("workweek_membership", &key),
                    user: (*user).clone(),
                    workweek: workweeks.len() - 1,
                    start,
                    end,
                });
            }
        }

        // One calendar per distinct holiday set; the workspace's own set is the Account Default
        // Holiday Calendar, which Kantata assigns to every member when holiday calendars are
        // enabled (KB 230142467): so every person has a membership, open at both ends.
        let mut sets: Vec<&BTreeSet<NaiveDate>> = vec![&snap.roster.holidays];
        let mut calendar_memberships = Vec::new();
        for (user, cal) in &cals {
            let i = match sets.iter().position(|s| **s == *cal.holidays) {
                Some(i) => i,
                None => {
                    sets.push(&cal.holidays);
                    sets.len() - 1
                }
            };
            calendar_memberships.push(CalendarMembership {
                id: stable_id("holiday_calendar_membership", user.as_str()),
                user: (*user).clone(),
                calendar: i,
            });
        }
        let calendars = (0..sets.len())
            .map(|i| HolidayCalendar {
                id: i as u64 + 1,
                name: match i {
                    DEFAULT_CALENDAR => "Account Default Holiday Calendar".into(),
                    n => format!("Holiday calendar {}", n + 1),
                },
                default: i == DEFAULT_CALENDAR,
            })
            .collect();
        // Holidays are the account's, one per date (the store names none), each associated
        // with every calendar holding it.
        let dates: BTreeSet<NaiveDate> = sets.iter().flat_map(|s| s.iter().copied()).collect();
        let holidays: Vec<Holiday> = dates
            .iter()
            .enumerate()
            .map(|(i, &date)| Holiday {
                id: i as u64 + 1,
                date,
                minutes: WeeklyCapacity::STANDARD.on(date),
            })
            .collect();
        let index: HashMap<NaiveDate, usize> =
            dates.iter().enumerate().map(|(i, d)| (*d, i)).collect();
        let mut associations = Vec::new();
        for (c, set) in sets.iter().enumerate() {
            for d in set.iter() {
                associations.push(Association {
                    id: associations.len() as u64 + 1,
                    holiday: index[d],
                    calendar: c,
                });
            }
        }

        // Time off: one entry per user per date holding its hours (AE:time-off-entries POST:
        // entries for one day are combined). A whole day off is that day's workweek hours, a
        // partial day its minutes; "time off hours cannot exceed the user's possible workday
        // hours for that day", so none is served on a day without any (weekends, holidays).
        let mut entries = Vec::new();
        for (user, cal) in &cals {
            let mut off: BTreeMap<NaiveDate, u32> = BTreeMap::new();
            for r in &cal.time_off {
                for d in r.days() {
                    off.insert(d, cal.base_capacity(d));
                }
            }
            for (&d, &m) in &cal.minutes_off {
                off.entry(d).or_insert(m.min(cal.base_capacity(d)));
            }
            for (date, minutes) in off.into_iter().filter(|(_, m)| *m > 0) {
                entries.push(TimeOffEntry {
                    id: stable_id("time_off_entry", &format!("{user}:{date}")),
                    user: (*user).clone(),
                    date,
                    minutes,
                });
            }
        }
        Tables {
            workweeks,
            memberships,
            calendars,
            holidays,
            associations,
            calendar_memberships,
            entries,
        }
    }
}

/// A person's patterns as workweek memberships, each starting on a Sunday (AE:workweek-
/// memberships: `start_date` "must be a Sunday"); none when the default applies throughout.
///
/// A change on another day maps to the Sunday on or before it, and that one week gets a
/// workweek of its own holding the old pattern's days before the change and the new one's
/// from it, so every day keeps its exact minutes; from the next Sunday the new pattern runs.
/// For the usual change on a Monday, where Sunday has no hours in either pattern, that week
/// is simply the new pattern and merges into it: the membership starts on the Sunday before.
fn sunday_weeks(cal: &Calendar) -> Vec<(Option<NaiveDate>, Option<NaiveDate>, WeeklyCapacity)> {
    if cal.weekly == WeeklyCapacity::STANDARD
        && cal
            .changes
            .iter()
            .all(|(_, w)| *w == WeeklyCapacity::STANDARD)
    {
        return vec![];
    }
    let mut starts: BTreeSet<NaiveDate> = BTreeSet::new();
    for (from, _) in &cal.changes {
        let sunday = sunday_on_or_before(*from);
        starts.insert(sunday);
        if sunday != *from {
            starts.insert(add_days(sunday, 7));
        }
    }
    let week_from = |sunday: NaiveDate| {
        let mut w = [0u32; 7];
        for k in 0..7 {
            let d = add_days(sunday, k);
            w[weekday_index(d)] = cal.weekly_on(d).on(d);
        }
        WeeklyCapacity(w)
    };
    let mut out: Vec<(Option<NaiveDate>, Option<NaiveDate>, WeeklyCapacity)> =
        vec![(None, None, cal.weekly)];
    for s in starts {
        let week = week_from(s);
        let last = out.len() - 1;
        if out[last].2 == week {
            continue;
        }
        out[last].1 = Some(add_days(s, -1));
        out.push((Some(s), None, week));
    }
    out
}

// ---- parameters ---------------------------------------------------------------------------

/// An integer id list (`user_ids`: "array of integers", comma-separated). The documents do not
/// say what a non-integer does; the strictest reading refuses it.
pub(super) fn int_ids(params: &Params, key: &str) -> Result<Option<Vec<Id>>, ApiError> {
    let Some(ids) = params.ids(key) else {
        return Ok(None);
    };
    if let Some(bad) = ids.iter().find(|i| i.as_str().parse::<i64>().is_err()) {
        return Err(ApiError::invalid(
            key,
            format!("{key} must be integers; got {bad:?}"),
        ));
    }
    Ok(Some(ids.into_iter().collect()))
}

fn int_id_param(params: &Params, key: &str) -> Result<Option<Id>, ApiError> {
    match params.get(key).map(str::trim) {
        None => Ok(None),
        Some(v) if v.parse::<i64>().is_ok() => Ok(Some(Id::new(v))),
        Some(v) => Err(ApiError::invalid(
            key,
            format!("{key} must be an integer; got {v:?}"),
        )),
    }
}

/// An ISO 8601 date parameter; anything else is refused (strictest reading).
fn date_param(params: &Params, key: &str) -> Result<Option<NaiveDate>, ApiError> {
    params
        .get(key)
        .map(|v| {
            parse_date(v.trim()).map_err(|_| {
                ApiError::invalid(key, format!("{key} must be a date (YYYY-MM-DD); got {v:?}"))
            })
        })
        .transpose()
}

/// `order` among the documented `start_date:asc|desc`; another value is refused (strictest;
/// Brainstem would fall back to the default).
fn descending(params: &Params, default_desc: bool) -> Result<bool, ApiError> {
    match params.get("order").map(str::trim) {
        None => Ok(default_desc),
        Some("start_date:asc" | "start_date") => Ok(false),
        Some("start_date:desc") => Ok(true),
        Some(o) => Err(ApiError::invalid(
            "order",
            format!("order must be start_date:asc or start_date:desc; got {o:?}"),
        )),
    }
}

fn day(d: Option<NaiveDate>) -> Value {
    d.map(|d| json!(d.format("%Y-%m-%d").to_string()))
        .unwrap_or(Value::Null)
}

fn num(id: u64) -> Id {
    Id::from(id)
}

/// The id of a derived record, from what it stands for (a user and a date, say) rather than its
/// place in a list: a record keeps its id when others come and go, as a stored one does, so a
/// client reading only what changed can tell an edit from a new record. Above 1,000 and below
/// 10^9 (the default workweek and the calendars keep their small ids).
pub(super) fn stable_id(kind: &str, key: &str) -> u64 {
    1_000 + (crate::client::fingerprint(&format!("{kind}:{key}")) as u64) % 999_000_000
}

fn day_key(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "open".to_string(), |d| d.to_string())
}

/// What each kind's `updated_at` follows (see [`stamped`]).
fn workweek_print(w: &Workweek) -> u64 {
    crate::client::fingerprint(&format!("{:?}{:?}{:?}", w.start, w.end, w.week.0)) as u64
}

fn membership_print(m: &WorkweekMembership, t: &Tables) -> u64 {
    let w = &t.workweeks[m.workweek];
    crate::client::fingerprint(&format!("{:?}{:?}{}", m.end, w.week.0, w.id)) as u64
}

fn calendar_membership_print(m: &CalendarMembership, t: &Tables) -> u64 {
    t.calendars[m.calendar].id
}

fn entry_print(x: &TimeOffEntry) -> u64 {
    x.minutes as u64
}

/// Marks every derived record of the seeded workspace as made when the sandbox started, so a
/// client's first `updated_after` read finds nothing that has not changed.
pub(super) fn adopt(core: &crate::sandbox::Core, snap: &Snapshot) {
    let t = tables(snap);
    let stamps = &core.cache.stamps;
    for w in &t.workweeks {
        stamps.seed("workweek", &num(w.id), workweek_print(w));
    }
    for m in &t.memberships {
        stamps.seed("workweek_membership", &num(m.id), membership_print(m, &t));
    }
    for m in &t.calendar_memberships {
        stamps.seed(
            "holiday_calendar_membership",
            &num(m.id),
            calendar_membership_print(m, &t),
        );
    }
    for x in &t.entries {
        stamps.seed("time_off_entry", &num(x.id), entry_print(x));
    }
}

/// Whether a derived record passes the list's time bounds: its stamps move when what it shows
/// changes, as a stored record's `updated_at` does. Looked up only when a bound was asked.
fn stamped(
    core: &crate::sandbox::Core,
    since: &Since,
    kind: &'static str,
    id: u64,
    print: u64,
) -> bool {
    if !since.any() {
        return true;
    }
    let (created, updated) = core.cache.stamps.observe(kind, &num(id), print);
    since.admits(created, updated)
}

fn minutes_object(w: &WeeklyCapacity) -> Value {
    // Monday first in allot; Kantata names each day.
    let m = w.0;
    json!({
        "sunday_minutes": m[6], "monday_minutes": m[0], "tuesday_minutes": m[1],
        "wednesday_minutes": m[2], "thursday_minutes": m[3], "friday_minutes": m[4],
        "saturday_minutes": m[5], "total_minutes": w.weekly_minutes(),
    })
}

fn workweek_object(w: &Workweek) -> Value {
    let mut v = minutes_object(&w.week);
    v["id"] = json!(w.id.to_string());
    v["default"] = json!(w.default);
    v["start_date"] = day(w.start);
    v["end_date"] = day(w.end);
    v
}

/// The user as an included object (hidden when disabled, as everywhere).
pub(super) fn include_user(e: &mut Envelope<'_>, user: &Id) {
    if let Some(p) = e.snap.person(user) {
        let p = p.clone();
        e.include("users", &p.id, |e| e.user_object_plain(&p));
    }
}

fn tables(snap: &Snapshot) -> Arc<Tables> {
    snap.memo(Tables::of)
}

/// Sorts `view` by start date (a null start first ascending: "the beginning of time"), then id.
fn by_start(view: &mut [usize], start: impl Fn(usize) -> Option<NaiveDate>, desc: bool) {
    view.sort_by_key(|&i| (start(i), i));
    if desc {
        view.reverse();
    }
}

// ---- handlers -----------------------------------------------------------------------------

/// `GET /workweeks`: the account's default workweeks, "sorted by `start_date`" (AE:workweeks;
/// `order` default `start_date:asc`). Filters: `only`, `effective_date` (workweeks in effect on
/// or after it), and the time bounds of [`Since`] (AE:workweeks `updated_after`).
pub(super) async fn workweeks(State(core): Shared, params: Params) -> ApiResult {
    let since = Since::of(&params)?;
    let snap = snapshot(&core).await?;
    let t = tables(&snap);
    let only = params.ids("only");
    let effective = date_param(&params, "effective_date")?;
    let desc = descending(&params, false)?;
    let mut view: Vec<usize> = (0..t.workweeks.len())
        .filter(|&i| t.workweeks[i].default)
        .filter(|&i| only_ok(&only, &num(t.workweeks[i].id)))
        .filter(|&i| effective.is_none_or(|d| t.workweeks[i].end.is_none_or(|e| e >= d)))
        .filter(|&i| {
            let w = &t.workweeks[i];
            stamped(&core, &since, "workweek", w.id, workweek_print(w))
        })
        .collect();
    by_start(&mut view, |i| t.workweeks[i].start, desc);
    Ok(page(&snap, &core, &params, &view, |e, i| {
        let w = &t.workweeks[i];
        e.result("workweeks", &num(w.id), workweek_object(w));
    }))
}

/// `GET /workweek_memberships` (AE:workweek-memberships): "sorted by their `start_date`";
/// `user_ids`, `effective_date` ("a start date before, and an end date after"), `only`;
/// `workweek_id` and the workweek only with `include=workweek`, the user with `include=user`;
/// and the time bounds of [`Since`] (AE:workweek-memberships `updated_after`).
pub(super) async fn workweek_memberships(State(core): Shared, params: Params) -> ApiResult {
    let since = Since::of(&params)?;
    let snap = snapshot(&core).await?;
    let t = tables(&snap);
    let only = params.ids("only");
    let users = int_ids(&params, "user_ids")?;
    let effective = date_param(&params, "effective_date")?;
    let desc = descending(&params, false)?;
    let mut view: Vec<usize> = (0..t.memberships.len())
        .filter(|&i| only_ok(&only, &num(t.memberships[i].id)))
        .filter(|&i| {
            users
                .as_ref()
                .is_none_or(|u| u.contains(&t.memberships[i].user))
        })
        .filter(|&i| {
            let m = &t.memberships[i];
            effective.is_none_or(|d| m.start.is_none_or(|s| s <= d) && m.end.is_none_or(|e| e >= d))
        })
        .filter(|&i| {
            let m = &t.memberships[i];
            stamped(
                &core,
                &since,
                "workweek_membership",
                m.id,
                membership_print(m, &t),
            )
        })
        .collect();
    by_start(&mut view, |i| t.memberships[i].start, desc);
    Ok(page(&snap, &core, &params, &view, |e, i| {
        let m = &t.memberships[i];
        let w = &t.workweeks[m.workweek];
        let mut v = json!({
            "id": m.id.to_string(),
            "user_id": m.user.as_number().map(Value::from).unwrap_or(json!(m.user.as_str())),
            "start_date": day(m.start),
            "end_date": day(m.end),
        });
        if e.wants("workweek") {
            v["workweek_id"] = json!(w.id.to_string());
            e.include("workweeks", &num(w.id), |_| workweek_object(w));
        }
        if e.wants("user") {
            include_user(e, &m.user);
        }
        e.result("workweek_memberships", &num(m.id), v);
    }))
}

/// `GET /holiday_calendars` (AE:holiday-calendars): `only`, `matching` (name); `order`
/// `default|name:asc|name:desc`, default order by id (the document names none).
pub(super) async fn holiday_calendars(State(core): Shared, params: Params) -> ApiResult {
    let snap = snapshot(&core).await?;
    let t = tables(&snap);
    let only = params.ids("only");
    let matching = params.get("matching").map(str::to_lowercase);
    let view: Vec<usize> = (0..t.calendars.len())
        .filter(|&i| only_ok(&only, &num(t.calendars[i].id)))
        .filter(|&i| {
            matching
                .as_ref()
                .is_none_or(|m| t.calendars[i].name.to_lowercase().contains(m))
        })
        .collect();
    Ok(page(&snap, &core, &params, &view, |e, i| {
        let c = &t.calendars[i];
        e.result("holiday_calendars", &num(c.id), calendar_object(c));
    }))
}

fn calendar_object(c: &HolidayCalendar) -> Value {
    json!({"id": c.id.to_string(), "name": c.name, "default": c.default})
}

fn holiday_object(h: &Holiday) -> Value {
    json!({
        "id": h.id.to_string(),
        "name": "Holiday",
        "start_date": day(Some(h.date)),
        "end_date": day(Some(h.date)),
        "paid": true,
        "total_hours": h.minutes / 60,
    })
}

/// `GET /holidays` (AE:holidays): `only`, `not_on_calendars` (id csv), `order`
/// `start_date:asc|desc` (ascending unless asked: the document names no default). No date
/// filter exists.
pub(super) async fn holidays(State(core): Shared, params: Params) -> ApiResult {
    let snap = snapshot(&core).await?;
    let t = tables(&snap);
    let only = params.ids("only");
    let not_on = params.ids("not_on_calendars");
    let desc = descending(&params, false)?;
    let mut view: Vec<usize> = (0..t.holidays.len())
        .filter(|&i| only_ok(&only, &num(t.holidays[i].id)))
        .filter(|&i| {
            not_on.as_ref().is_none_or(|n| {
                !t.associations
                    .iter()
                    .any(|a| a.holiday == i && n.contains(&num(t.calendars[a.calendar].id)))
            })
        })
        .collect();
    by_start(&mut view, |i| Some(t.holidays[i].date), desc);
    Ok(page(&snap, &core, &params, &view, |e, i| {
        let h = &t.holidays[i];
        e.result("holidays", &num(h.id), holiday_object(h));
    }))
}

/// `GET /holiday_calendar_memberships` (AE:holiday-calendar-memberships): `by_user_id` (one
/// integer), `by_holiday_calendar_id`, `only`; `order` `start_date`, default descending;
/// `holiday_calendar_id` and the calendar only with `include=holiday_calendar`, the user with
/// `include=user`.
pub(super) async fn holiday_calendar_memberships(State(core): Shared, params: Params) -> ApiResult {
    let since = Since::of(&params)?;
    let snap = snapshot(&core).await?;
    let t = tables(&snap);
    let only = params.ids("only");
    let user = int_id_param(&params, "by_user_id")?;
    let calendar = int_id_param(&params, "by_holiday_calendar_id")?;
    let desc = descending(&params, true)?;
    let mut view: Vec<usize> = (0..t.calendar_memberships.len())
        .filter(|&i| only_ok(&only, &num(t.calendar_memberships[i].id)))
        .filter(|&i| {
            user.as_ref()
                .is_none_or(|u| *u == t.calendar_memberships[i].user)
        })
        .filter(|&i| {
            calendar
                .as_ref()
                .is_none_or(|c| *c == num(t.calendars[t.calendar_memberships[i].calendar].id))
        })
        .filter(|&i| {
            let m = &t.calendar_memberships[i];
            let print = calendar_membership_print(m, &t);
            stamped(&core, &since, "holiday_calendar_membership", m.id, print)
        })
        .collect();
    // Every membership here is open at both ends: by id within the same start.
    by_start(&mut view, |_| None, false);
    if desc {
        view.reverse();
    }
    Ok(page(&snap, &core, &params, &view, |e, i| {
        let m = &t.calendar_memberships[i];
        let c = &t.calendars[m.calendar];
        let mut v = json!({
            "id": m.id.to_string(),
            "user_id": m.user.as_number().map(Value::from).unwrap_or(json!(m.user.as_str())),
            "start_date": Value::Null,
            "end_date": Value::Null,
            "in_use": true,
        });
        if e.wants("holiday_calendar") {
            v["holiday_calendar_id"] = json!(c.id.to_string());
            e.include("holiday_calendars", &num(c.id), |_| calendar_object(c));
        }
        if e.wants("user") {
            include_user(e, &m.user);
        }
        e.result("holiday_calendar_memberships", &num(m.id), v);
    }))
}

/// `GET /holiday_calendar_associations` (AE:holiday-calendar-associations):
/// `by_holiday_calendar_id`, `by_holiday_name`, `only`; `holiday_id` only with
/// `include=holiday`, `holiday_calendar_id` only with `include=holiday_calendar`; the names
/// always.
pub(super) async fn holiday_calendar_associations(
    State(core): Shared,
    params: Params,
) -> ApiResult {
    let snap = snapshot(&core).await?;
    let t = tables(&snap);
    let only = params.ids("only");
    let calendar = int_id_param(&params, "by_holiday_calendar_id")?;
    let name = params.get("by_holiday_name").map(str::to_lowercase);
    let view: Vec<usize> = (0..t.associations.len())
        .filter(|&i| only_ok(&only, &num(t.associations[i].id)))
        .filter(|&i| {
            calendar
                .as_ref()
                .is_none_or(|c| *c == num(t.calendars[t.associations[i].calendar].id))
        })
        .filter(|_| name.as_ref().is_none_or(|n| n == "holiday"))
        .collect();
    Ok(page(&snap, &core, &params, &view, |e, i| {
        let a = &t.associations[i];
        let (h, c) = (&t.holidays[a.holiday], &t.calendars[a.calendar]);
        let mut v = json!({
            "id": a.id.to_string(),
            "holiday_name": "Holiday",
            "holiday_calendar_name": c.name,
        });
        if e.wants("holiday") {
            v["holiday_id"] = json!(h.id.to_string());
            e.include("holidays", &num(h.id), |_| holiday_object(h));
        }
        if e.wants("holiday_calendar") {
            v["holiday_calendar_id"] = json!(c.id.to_string());
            e.include("holiday_calendars", &num(c.id), |_| calendar_object(c));
        }
        e.result("holiday_calendar_associations", &num(a.id), v);
    }))
}

/// `GET /time_off_entries` (AE:time-off-entries): `user_id`, `user_ids`, `start_date`
/// ("entries after"), `end_date` ("prior to"), `only`. The bounds are read strictly, as
/// exclusive (the document says "after" and "prior to" and nothing of the day itself). No
/// `order` is documented: by user, then date. `user_id` only with `include=user`. `hours` are
/// hours (a float), not minutes. The time bounds of [`Since`] (AE:time-off-entries
/// `updated_after`) apply too.
pub(super) async fn time_off_entries(State(core): Shared, params: Params) -> ApiResult {
    let since = Since::of(&params)?;
    let snap = snapshot(&core).await?;
    let t = tables(&snap);
    let only = params.ids("only");
    let one = int_id_param(&params, "user_id")?;
    let users = int_ids(&params, "user_ids")?;
    let after = date_param(&params, "start_date")?;
    let before = date_param(&params, "end_date")?;
    let view: Vec<usize> = (0..t.entries.len())
        .filter(|&i| {
            let x = &t.entries[i];
            only_ok(&only, &num(x.id))
                && one.as_ref().is_none_or(|u| *u == x.user)
                && users.as_ref().is_none_or(|u| u.contains(&x.user))
                && after.is_none_or(|a| x.date > a)
                && before.is_none_or(|b| x.date < b)
                && stamped(&core, &since, "time_off_entry", x.id, entry_print(x))
        })
        .collect();
    Ok(page(&snap, &core, &params, &view, |e, i| {
        let x = &t.entries[i];
        let mut v = json!({
            "id": x.id.to_string(),
            "requested_date": day(Some(x.date)),
            "hours": x.minutes as f64 / 60.0,
            "submission_date": day(Some(x.date)),
        });
        if e.wants("user") {
            v["user_id"] = x
                .user
                .as_number()
                .map(Value::from)
                .unwrap_or(json!(x.user.as_str()));
            include_user(e, &x.user);
        }
        e.result("time_off_entries", &num(x.id), v);
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Holidays;
    use chrono::{Datelike, Weekday};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn pattern_changes_become_sunday_memberships_that_keep_every_day() {
        let part = WeeklyCapacity([480, 480, 480, 480, 0, 0, 0]);
        let sat = WeeklyCapacity([0, 0, 0, 0, 0, 300, 300]);
        // A Monday change, then a Wednesday one into a pattern with weekend hours.
        let cal = Calendar::new(WeeklyCapacity::STANDARD, Holidays::default(), vec![])
            .with_changes(vec![(d("2026-03-02"), part), (d("2026-03-18"), sat)]);
        let weeks = sunday_weeks(&cal);
        for (start, _, _) in &weeks {
            assert!(
                start.is_none_or(|s| s.weekday() == Weekday::Sun),
                "{start:?}"
            );
        }
        assert_eq!(
            weeks[1].0,
            Some(d("2026-03-01")),
            "the Sunday before the Monday"
        );
        // Rebuilt day by day, the memberships give every day its own minutes.
        let at = |x: NaiveDate| {
            weeks
                .iter()
                .rev()
                .find(|(s, _, _)| s.is_none_or(|s| s <= x))
                .map(|(_, _, w)| w.on(x))
                .unwrap()
        };
        for k in 0..60 {
            let x = add_days(d("2026-02-20"), k);
            assert_eq!(at(x), cal.weekly_on(x).on(x), "{x}");
        }
    }

    #[test]
    fn the_standard_week_throughout_needs_no_membership() {
        let cal = Calendar::new(WeeklyCapacity::STANDARD, Holidays::default(), vec![]);
        assert!(sunday_weeks(&cal).is_empty());
    }
}
