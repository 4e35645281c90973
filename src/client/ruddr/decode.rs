//! Ruddr's JSON in and out: wire records (camelCase, UUID ids, decimal hours, nulls where a
//! field does not apply), their mapping onto allot's model, request bodies, and error bodies.
//!
//! Every string is cleaned (see [`clean_json`](crate::client::sanitize::clean_json)) before a wire record is decoded from it.

use crate::client::BackendError;
use crate::client::sanitize::clean_json;
use crate::client::transport::quote_body;
use crate::domain::{
    Allocation, Amount, Calendar, DateRange, Holidays, Id, Person, Project, WeeklyCapacity,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Parses a body and cleans it.
pub fn parse(what: &str, body: &str) -> Result<Value, BackendError> {
    let mut v: Value = serde_json::from_str(body).map_err(|e| {
        BackendError::Other(format!(
            "could not read {what} from Ruddr: {e}; {}",
            quote_body(body)
        ))
    })?;
    clean_json(&mut v);
    Ok(v)
}

pub fn decode<T: DeserializeOwned>(what: &str, v: &Value) -> Result<T, BackendError> {
    let id = v.get("id").and_then(Value::as_str).unwrap_or("?");
    T::deserialize(v)
        .map_err(|e| BackendError::Other(format!("could not read {what} {id} from Ruddr: {e}")))
}

/// One page of a cursor-paged list.
pub struct Page {
    pub results: Vec<Value>,
    pub has_more: bool,
}

impl Page {
    pub fn parse(what: &str, body: &str) -> Result<Page, BackendError> {
        let v = parse(what, body)?;
        let results = match v.get("results") {
            Some(Value::Array(items)) => items.clone(),
            _ => {
                return Err(BackendError::Other(format!(
                    "Ruddr's answer for {what} had no results list"
                )));
            }
        };
        Ok(Page {
            results,
            has_more: v.get("hasMore").and_then(Value::as_bool).unwrap_or(false),
        })
    }

    /// The cursor for the next page: the last result's id.
    pub fn last_id(&self) -> Option<&str> {
        self.results.last()?.get("id")?.as_str()
    }
}

// ---------------------------------------------------------------------------------------------
// Wire records (unknown fields are ignored; anything that may be null is an Option)
// ---------------------------------------------------------------------------------------------

/// `{id, name}`, Ruddr's simple object for a related record.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Ref {
    pub id: Id,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ProjectRef {
    pub id: Id,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub client: Option<Ref>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WireAllocation {
    pub id: Id,
    #[serde(default)]
    pub resource_type_id: Option<String>,
    #[serde(default)]
    pub assignment_type_id: Option<String>,
    #[serde(deserialize_with = "crate::domain::dates::de_supported")]
    pub start: NaiveDate,
    #[serde(deserialize_with = "crate::domain::dates::de_supported")]
    pub end: NaiveDate,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub hours_per_day: Option<f64>,
    #[serde(default)]
    pub hours_per_week: Option<f64>,
    #[serde(default)]
    pub hours_per_month: Option<f64>,
    #[serde(default)]
    pub hours_per_allocation: Option<f64>,
    #[serde(default)]
    pub hours_ratio_of_capacity: Option<f64>,
    #[serde(default)]
    pub allocate_on_time_off_days: Option<bool>,
    #[serde(default)]
    pub total_hours: Option<f64>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub read_only: Option<bool>,
    #[serde(default)]
    pub entity: Option<String>,
    /// Not in Ruddr's documented object; used for the version when a server sends it.
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub member: Option<Ref>,
    #[serde(default)]
    pub placeholder: Option<Ref>,
    #[serde(default)]
    pub project: Option<ProjectRef>,
    #[serde(default)]
    pub role: Option<Ref>,
    #[serde(default)]
    pub task: Option<Ref>,
    #[serde(default)]
    pub time_off_type: Option<Ref>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WirePeriod {
    pub start: NaiveDate,
    #[serde(default)]
    pub end: Option<NaiveDate>,
    pub hours_per_day: Vec<f64>,
    #[serde(default)]
    pub is_default: Option<bool>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WireMember {
    pub id: Id,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub is_active: Option<bool>,
    #[serde(default)]
    pub job_title: Option<Ref>,
    /// Embedded by older API versions; fetched per member when absent.
    #[serde(default)]
    pub availability_periods: Option<Vec<WirePeriod>>,
    /// The member's active range (R-docs/list-members L27–28); no capacity outside it.
    #[serde(default)]
    pub active_start_date: Option<NaiveDate>,
    #[serde(default)]
    pub active_end_date: Option<NaiveDate>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WireProject {
    pub id: Id,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub client: Option<Ref>,
    /// R-docs/list-projects L33; a project that uses roles may require `projectRoleId` on
    /// allocations (R-seed-create L180–183, capacity-apis §11).
    #[serde(default)]
    pub use_roles: Option<bool>,
}

/// A project role (`GET /project-roles?projectId=`, capacity-apis §11): only what allot needs.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WireRole {
    pub id: Id,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub is_active: Option<bool>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WirePlaceholder {
    pub id: Id,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub is_active: Option<bool>,
}

fn text(s: &Option<String>) -> String {
    s.as_deref().map(str::trim).unwrap_or("").to_string()
}

fn ref_name(r: &Option<Ref>) -> String {
    r.as_ref().map(|r| text(&r.name)).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Resources: allot's resource is Ruddr's (assignee, project) pair
// ---------------------------------------------------------------------------------------------

/// Who an allocation is for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Assignee {
    Member(Id),
    Placeholder(Id),
}

/// A resource id allot can hand back on writes: `m:<member>|p:<project>`,
/// `ph:<placeholder>|p:<project>`, or without `|p:…` for an assignee with no project yet.
pub fn resource_id(who: &Assignee, project: Option<&Id>) -> Id {
    let head = match who {
        Assignee::Member(id) => format!("m:{id}"),
        Assignee::Placeholder(id) => format!("ph:{id}"),
    };
    match project {
        Some(p) => Id::new(format!("{head}|p:{p}")),
        None => Id::new(head),
    }
}

/// The inverse of [`resource_id`].
pub fn parse_resource_id(id: &Id) -> Option<(Assignee, Option<Id>)> {
    let (head, project) = match id.as_str().split_once('|') {
        Some((h, p)) => (h, Some(Id::new(p.strip_prefix("p:")?))),
        None => (id.as_str(), None),
    };
    let who = if let Some(m) = head.strip_prefix("m:") {
        Assignee::Member(Id::new(m))
    } else {
        Assignee::Placeholder(Id::new(head.strip_prefix("ph:")?))
    };
    Some((who, project))
}

impl WireAllocation {
    /// By `resourceTypeId`, falling back to which object is present (older objects send both).
    pub fn assignee(&self) -> Option<Assignee> {
        let member = self.member.as_ref().map(|m| Assignee::Member(m.id.clone()));
        let placeholder = self
            .placeholder
            .as_ref()
            .map(|p| Assignee::Placeholder(p.id.clone()));
        match self.resource_type_id.as_deref() {
            Some("member") => member,
            Some("placeholder") => placeholder,
            _ => member.or(placeholder),
        }
    }

    /// A holiday row: read-only, `entity: "holiday"` (R-seed-obj L67–68; capacity-apis §12).
    pub fn is_holiday(&self) -> bool {
        self.entity.as_deref() == Some("holiday")
    }

    pub fn is_time_off(&self) -> bool {
        if self.is_holiday() {
            return true;
        }
        match self.assignment_type_id.as_deref() {
            Some("time_off") => true,
            Some("project") => false,
            _ => self.project.is_none(),
        }
    }

    pub fn range(&self) -> DateRange {
        DateRange::new(self.start, self.end)
    }

    /// The amount in its unit; a missing or unknown unit is read from whichever field is set.
    pub fn amount(&self) -> Amount {
        let h = |v: Option<f64>| v.filter(|x| x.is_finite()).unwrap_or(0.0);
        match self.unit.as_deref() {
            Some("day") => Amount::HoursPerDay(h(self.hours_per_day)),
            Some("week") => Amount::HoursPerWeek(h(self.hours_per_week)),
            Some("month") => Amount::HoursPerMonth(h(self.hours_per_month)),
            Some("allocation") => Amount::TotalHours(h(self.hours_per_allocation)),
            Some("ratio_of_capacity") => Amount::RatioOfCapacity(h(self.hours_ratio_of_capacity)),
            _ => {
                if let Some(v) = self.hours_per_day {
                    Amount::HoursPerDay(v)
                } else if let Some(v) = self.hours_per_week {
                    Amount::HoursPerWeek(v)
                } else if let Some(v) = self.hours_per_month {
                    Amount::HoursPerMonth(v)
                } else if let Some(v) = self.hours_ratio_of_capacity {
                    Amount::RatioOfCapacity(v)
                } else {
                    Amount::TotalHours(h(self.hours_per_allocation.or(self.total_hours)))
                }
            }
        }
    }

    /// A project allocation as allot's; `None` for time off (it becomes the member's days off)
    /// or an allocation with nobody on it.
    pub fn to_allocation(&self) -> Option<Allocation> {
        if self.is_time_off() {
            return None;
        }
        let project = self.project.as_ref().map(|p| p.id.clone());
        Some(Allocation {
            id: self.id.clone(),
            resource_id: resource_id(&self.assignee()?, project.as_ref()),
            project_id: project,
            range: self.range(),
            amount: self.amount(),
            // Ruddr has no tentative allocations.
            hard: true,
            notes: text(&self.notes),
            read_only: self.read_only.unwrap_or(false)
                || self.entity.as_deref().is_some_and(|e| e != "allocation"),
            allocate_on_time_off: self.allocate_on_time_off_days.unwrap_or(false),
            server_total_minutes: self
                .total_hours
                .filter(|h| h.is_finite() && *h >= 0.0)
                .map(|h| (h * 60.0).round().min(u32::MAX as f64) as u32),
            version: self.fingerprint(),
        })
    }

    /// Ruddr documents no version and no `updatedAt`, so the version is a fingerprint of every
    /// field a user can change (and a server's `updatedAt` when it sends one): a change made in
    /// Ruddr's own UI moves it. Names and computed totals are left out, so a rename of the
    /// project or a change of capacity is not a conflict.
    pub fn fingerprint(&self) -> i64 {
        let id = |r: &Option<Ref>| r.as_ref().map(|r| r.id.to_string());
        crate::client::fingerprint(&format!(
            "{:?}",
            (
                (&self.resource_type_id, &self.assignment_type_id),
                (self.start, self.end, &self.unit),
                (
                    self.hours_per_day,
                    self.hours_per_week,
                    self.hours_per_month,
                    self.hours_per_allocation,
                    self.hours_ratio_of_capacity,
                ),
                (&self.allocate_on_time_off_days, &self.notes, self.read_only),
                (
                    id(&self.member),
                    id(&self.placeholder),
                    id(&self.role),
                    id(&self.task)
                ),
                self.project.as_ref().map(|p| p.id.to_string()),
                self.updated_at.map(|t| t.timestamp_millis()),
            )
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// People, projects
// ---------------------------------------------------------------------------------------------

/// The one weekly capacity allot keeps per person (Person has a single pattern): the period
/// covering `today`; failing that the next one to start, then the last one to end. A member
/// with no period at all has no capacity, as in Ruddr (their `day` allocations come to 0 h).
pub fn weekly_capacity(periods: &[WirePeriod], today: NaiveDate) -> WeeklyCapacity {
    let covers = |p: &&WirePeriod| p.start <= today && p.end.is_none_or(|e| today <= e);
    let chosen = periods
        .iter()
        .filter(covers)
        .max_by_key(|p| p.start)
        .or_else(|| {
            periods
                .iter()
                .filter(|p| p.start > today)
                .min_by_key(|p| p.start)
        })
        .or_else(|| periods.iter().max_by_key(|p| p.end));
    match chosen {
        Some(p) => {
            let mut hours = [0.0; 7];
            for (slot, h) in hours.iter_mut().zip(&p.hours_per_day) {
                *slot = if h.is_finite() { *h } else { 0.0 };
            }
            WeeklyCapacity::from_hours(hours)
        }
        None => WeeklyCapacity([0; 7]),
    }
}

pub fn person(m: &WireMember, weekly: WeeklyCapacity, time_off: Vec<DateRange>) -> Person {
    Person {
        id: m.id.clone(),
        name: text(&m.name),
        email: text(&m.email),
        role: ref_name(&m.job_title),
        weekly,
        time_off,
    }
}

/// `roles`: the project's roles when it uses them (read only for those); the inactive ones are
/// left out, as a new allocation can't take them.
pub fn project(p: &WireProject, roles: Option<&[WireRole]>) -> Project {
    let roles = roles.filter(|_| p.use_roles == Some(true)).map(|rs| {
        let mut active: Vec<(Id, String)> = rs
            .iter()
            .filter(|r| r.is_active != Some(false))
            .map(|r| (r.id.clone(), text(&r.name)))
            .collect();
        active.sort_by(|a, b| {
            a.1.to_lowercase()
                .cmp(&b.1.to_lowercase())
                .then(a.0.cmp(&b.0))
        });
        active
    });
    Project {
        id: p.id.clone(),
        name: text(&p.name),
        client: ref_name(&p.client),
        roles,
    }
}

/// Sorted, with overlapping or touching ranges merged.
fn pattern(p: &WirePeriod) -> WeeklyCapacity {
    let mut hours = [0.0; 7];
    for (slot, h) in hours.iter_mut().zip(&p.hours_per_day) {
        *slot = if h.is_finite() { *h } else { 0.0 };
    }
    WeeklyCapacity::from_hours(hours)
}

/// A member's availability over time, as calendar changes: each period applies from its
/// start to the next one's start or its own end, whichever comes first; outside every period
/// the member has no capacity (capacity-apis §14: no covering period means 0 h).
pub fn weekly_changes(periods: &[WirePeriod]) -> Vec<(NaiveDate, WeeklyCapacity)> {
    let none = WeeklyCapacity([0; 7]);
    let mut sorted: Vec<&WirePeriod> = periods.iter().collect();
    sorted.sort_by_key(|p| p.start);
    let mut out = Vec::with_capacity(sorted.len() * 2);
    for (i, p) in sorted.iter().enumerate() {
        out.push((p.start, pattern(p)));
        let next = sorted.get(i + 1).map(|n| n.start);
        if let Some(after) = p.end.and_then(|e| e.succ_opt())
            && next.is_none_or(|n| after < n)
        {
            out.push((after, none));
        }
    }
    out
}

/// `changes` cut to the active range: nothing before its start or after its end.
fn active_only(
    changes: Vec<(NaiveDate, WeeklyCapacity)>,
    (start, end): (Option<NaiveDate>, Option<NaiveDate>),
) -> Vec<(NaiveDate, WeeklyCapacity)> {
    let none = WeeklyCapacity([0; 7]);
    let on = |d: NaiveDate| {
        changes
            .iter()
            .rev()
            .find(|(from, _)| *from <= d)
            .map_or(none, |(_, w)| *w)
    };
    let mut out: Vec<(NaiveDate, WeeklyCapacity)> = Vec::with_capacity(changes.len() + 2);
    if let Some(s) = start {
        out.push((s, on(s)));
    }
    out.extend(
        changes
            .iter()
            .filter(|(from, _)| start.is_none_or(|s| *from > s))
            .filter(|(from, _)| end.is_none_or(|e| *from <= e))
            .copied(),
    );
    if let Some(after) = end.and_then(|e| e.succ_opt()) {
        out.push((after, none));
    }
    out
}

/// A member's calendar from their periods, holiday rows and time-off rows. A time-off row's
/// `hoursPerDay` below the day's capacity takes those hours off that day; at or above it the
/// day is off entirely (Ruddr help, "Time Off and Resource Allocations"; capacity-apis §13).
/// Time off in other units has no per-day figure, so its days count as whole days off.
/// Outside `active` (the member's `activeStartDate`..`activeEndDate`) there is no capacity
/// (capacity-apis §14: a documented cause of zero-hour allocations).
pub fn member_calendar(
    periods: &[WirePeriod],
    active: (Option<NaiveDate>, Option<NaiveDate>),
    rows: &[&WireAllocation],
) -> Calendar {
    let holidays: BTreeSet<NaiveDate> = rows
        .iter()
        .filter(|w| w.is_holiday())
        .flat_map(|w| w.range().days())
        .collect();
    let holidays: Holidays = Arc::new(holidays);
    let base = Calendar::new(WeeklyCapacity([0; 7]), holidays, vec![])
        .with_changes(active_only(weekly_changes(periods), active));
    let mut whole = Vec::new();
    let mut minutes_off: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    for w in rows.iter().filter(|w| !w.is_holiday() && w.is_time_off()) {
        let per_day = match w.amount() {
            Amount::HoursPerDay(h) if h.is_finite() && h >= 0.0 => Some((h * 60.0).round() as u32),
            _ => None,
        };
        for d in w.range().days() {
            let cap = base.base_capacity(d);
            match per_day {
                Some(m) if m < cap => {
                    let off = minutes_off.entry(d).or_default();
                    *off = off.saturating_add(m);
                }
                _ => whole.push(DateRange::new(d, d)),
            }
        }
    }
    // Several partial rows on one day that add up to the day take it off entirely.
    let (full, partial): (Vec<_>, Vec<_>) = minutes_off
        .into_iter()
        .partition(|(d, m)| *m >= base.base_capacity(*d));
    whole.extend(full.into_iter().map(|(d, _)| DateRange::new(d, d)));
    Calendar {
        time_off: merge_ranges(whole),
        ..base.with_minutes_off(partial.into_iter().collect())
    }
}

pub fn merge_ranges(mut ranges: Vec<DateRange>) -> Vec<DateRange> {
    ranges.sort();
    let mut out: Vec<DateRange> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end.succ_opt().unwrap_or(last.end) => {
                last.end = last.end.max(r.end);
            }
            _ => out.push(r),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Request bodies
// ---------------------------------------------------------------------------------------------

/// What a write says about one allocation, beyond who and which project.
pub struct Body<'a> {
    pub range: DateRange,
    pub amount: Amount,
    pub notes: &'a str,
    pub allocate_on_time_off: bool,
    /// The project role and task remembered from the pair's allocations, when known.
    pub role_id: Option<&'a Id>,
    pub task_id: Option<&'a Id>,
}

fn round_to(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

/// Ruddr's unit and the field that carries it. Kantata's total minutes go as `allocation` hours.
pub fn unit_field(a: Amount) -> (&'static str, &'static str, f64) {
    match a {
        Amount::HoursPerDay(h) => ("day", "hoursPerDay", round_to(h, 2)),
        Amount::HoursPerWeek(h) => ("week", "hoursPerWeek", round_to(h, 2)),
        Amount::HoursPerMonth(h) => ("month", "hoursPerMonth", round_to(h, 2)),
        Amount::TotalHours(h) => ("allocation", "hoursPerAllocation", round_to(h, 2)),
        Amount::TotalMinutes(m) => (
            "allocation",
            "hoursPerAllocation",
            round_to(m as f64 / 60.0, 2),
        ),
        Amount::RatioOfCapacity(r) => ("ratio_of_capacity", "hoursRatioOfCapacity", round_to(r, 4)),
    }
}

fn not_a_resource(id: &Id) -> BackendError {
    BackendError::Validation {
        field: None,
        message: format!("'{id}' is not a Ruddr resource"),
    }
}

/// Who a resource id names and its project, which every Ruddr allocation needs.
fn on_a_project(resource: &Id) -> Result<(Assignee, Id), BackendError> {
    let (who, project) = parse_resource_id(resource).ok_or_else(|| not_a_resource(resource))?;
    let project = project.ok_or_else(|| BackendError::Validation {
        field: None,
        message: "Ruddr allocations need a project: put the allocation on a project row".into(),
    })?;
    Ok((who, project))
}

/// The member or placeholder fields of an allocation body (R-seed-create).
fn put_assignee(o: &mut Map<String, Value>, who: &Assignee) {
    match who {
        Assignee::Member(id) => {
            o.insert("resourceTypeId".into(), json!("member"));
            o.insert("memberId".into(), json!(id.as_str()));
        }
        Assignee::Placeholder(id) => {
            o.insert("resourceTypeId".into(), json!("placeholder"));
            o.insert("resourcePlaceholderId".into(), json!(id.as_str()));
        }
    }
}

/// A create (POST) body for a project allocation, with the field names of Ruddr's
/// create-an-allocation reference (edits send [`patch_body`]).
pub fn allocation_body(resource: &Id, b: &Body) -> Result<Value, BackendError> {
    let (who, project) = on_a_project(resource)?;
    let mut o = Map::new();
    put_assignee(&mut o, &who);
    o.insert("assignmentTypeId".into(), json!("project"));
    o.insert("projectId".into(), json!(project.as_str()));
    if let Some(role) = b.role_id {
        o.insert("projectRoleId".into(), json!(role.as_str()));
    }
    if let Some(task) = b.task_id {
        o.insert("projectTaskId".into(), json!(task.as_str()));
    }
    o.insert(
        "start".into(),
        json!(b.range.start.format("%Y-%m-%d").to_string()),
    );
    o.insert(
        "end".into(),
        json!(b.range.end.format("%Y-%m-%d").to_string()),
    );
    let (unit, field, value) = unit_field(b.amount);
    o.insert("unit".into(), json!(unit));
    o.insert(field.into(), json!(value));
    // Ruddr keeps this flag for member project allocations only.
    if matches!(who, Assignee::Member(_)) {
        o.insert(
            "allocateOnTimeOffDays".into(),
            json!(b.allocate_on_time_off),
        );
    }
    o.insert("notes".into(), json!(b.notes));
    Ok(Value::Object(o))
}

/// A PATCH body with only what differs between `before` (Ruddr's record as last read) and
/// `after` (the edit), with the create reference's field names. Ruddr documents no PATCH for
/// allocations; its other PATCH bodies are all-optional and "null unsets a field"
/// (capacity-apis §9), so fields left out stay as they are and cleared notes go as null.
/// `role`: the `projectRoleId` to send when the allocation moves to another project (its role
/// belongs to the old one); `None` sends none. An empty body means nothing changed.
pub fn patch_body(
    before: &Allocation,
    after: &Allocation,
    role: Option<&Id>,
) -> Result<Map<String, Value>, BackendError> {
    let (was, was_project) = parse_resource_id(&before.resource_id)
        .ok_or_else(|| not_a_resource(&before.resource_id))?;
    let (who, project) = on_a_project(&after.resource_id)?;
    let mut o = Map::new();
    let member = matches!(who, Assignee::Member(_));
    if who != was {
        put_assignee(&mut o, &who);
    }
    if was_project.as_ref() != Some(&project) {
        o.insert("projectId".into(), json!(project.as_str()));
        if let Some(role) = role {
            o.insert("projectRoleId".into(), json!(role.as_str()));
        }
    }
    if before.range != after.range {
        // Both ends, so the pair is checked together (start on or before end).
        o.insert(
            "start".into(),
            json!(after.range.start.format("%Y-%m-%d").to_string()),
        );
        o.insert(
            "end".into(),
            json!(after.range.end.format("%Y-%m-%d").to_string()),
        );
    }
    if unit_field(before.amount) != unit_field(after.amount) {
        let (unit, field, value) = unit_field(after.amount);
        o.insert("unit".into(), json!(unit));
        o.insert(field.into(), json!(value));
    }
    // Ruddr keeps this flag for member project allocations only.
    if member && (before.allocate_on_time_off != after.allocate_on_time_off || who != was) {
        o.insert(
            "allocateOnTimeOffDays".into(),
            json!(after.allocate_on_time_off),
        );
    }
    if before.notes.trim() != after.notes.trim() {
        let notes = after.notes.trim();
        o.insert(
            "notes".into(),
            if notes.is_empty() {
                Value::Null
            } else {
                json!(notes)
            },
        );
    }
    Ok(o)
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Turns a failed answer into a [`BackendError`]. Ruddr's body is
/// `{"status", "message", "errors"?: ["'name' is required", …]}`.
pub fn error_from(status: u16, body: &str) -> BackendError {
    let parsed = serde_json::from_str::<Value>(body).ok().map(|mut v| {
        clean_json(&mut v);
        v
    });
    let message = parsed
        .as_ref()
        .and_then(|v| v.get("message"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let errors: Vec<String> = parsed
        .as_ref()
        .and_then(|v| v.get("errors"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|e| match e {
                    Value::String(s) => Some(s.trim().to_string()),
                    Value::Object(o) => o
                        .get("message")
                        .and_then(Value::as_str)
                        .map(|s| s.trim().to_string()),
                    _ => None,
                })
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let said = match (&message, errors.is_empty()) {
        (Some(m), true) => m.clone(),
        (Some(m), false) => format!("{m} ({})", errors.join("; ")),
        (None, false) => errors.join("; "),
        (None, true) => quote_body(body),
    };
    match status {
        400 | 422 => match errors.as_slice() {
            [one] => match quoted_field(one) {
                Some((field, rest)) => BackendError::Validation {
                    field: Some(field),
                    message: rest,
                },
                None => BackendError::Validation {
                    field: None,
                    message: one.clone(),
                },
            },
            _ => BackendError::Validation {
                field: None,
                message: said,
            },
        },
        401 => BackendError::Other(format!(
            "the Ruddr API key was refused (401); check the key in Ruddr under Settings → API Keys. Ruddr said: {said}"
        )),
        403 => BackendError::Unsupported(format!(
            "Ruddr refused (403): that feature is not turned on for this workspace. Ruddr said: {said}"
        )),
        404 => BackendError::NotFound(format!("not found in Ruddr (404): {said}")),
        409 => BackendError::Validation {
            field: None,
            message: format!(
                "Ruddr refused the change (409): the allocation is read-only (it comes from a time entry or holiday) or it would duplicate another. Ruddr said: {said}"
            ),
        },
        423 => BackendError::Other(format!(
            "API access is turned off for this Ruddr workspace (423); a workspace administrator must ask Ruddr support to turn it on. Ruddr said: {said}"
        )),
        429 => BackendError::Unavailable(format!(
            "Ruddr is still rate limiting after backing off (429); try again in a moment. Ruddr said: {said}"
        )),
        503 => BackendError::Unavailable(format!("Ruddr is unavailable (503): {said}")),
        500..=599 => BackendError::Other(format!("Ruddr failed ({status}): {said}")),
        _ => BackendError::Other(format!("Ruddr answered {status}: {said}")),
    }
}

/// `'name' is required` → (`name`, `is required`).
fn quoted_field(e: &str) -> Option<(String, String)> {
    let rest = e.strip_prefix('\'')?;
    let (field, rest) = rest.split_once('\'')?;
    if field.is_empty() || field.contains(' ') {
        return None;
    }
    Some((field.to_string(), rest.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;

    /// The create-an-allocation reference's response (seed), verbatim.
    pub const SEED_CREATED: &str = r#"{
      "id": "3f8a1d2e-7c4b-4e9f-a6d5-1b2c3d4e5f6a",
      "resourceTypeId": "member",
      "assignmentTypeId": "project",
      "start": "2025-03-01",
      "end": "2025-05-31",
      "unit": "day",
      "hoursPerDay": 6.5,
      "hoursPerWeek": null,
      "hoursPerMonth": null,
      "hoursPerAllocation": null,
      "hoursRatioOfCapacity": null,
      "allocateOnTimeOffDays": false,
      "totalHours": 422.5,
      "isBillable": true,
      "notes": "Q2 product roadmap delivery",
      "readOnly": false,
      "entity": "allocation",
      "createdAt": "2025-01-10T14:22:35.418Z",
      "member": { "id": "9b7e6d5c-4a3f-4b2e-8c1d-0e9f8a7b6c5d", "name": "Jane Smith" },
      "placeholder": null,
      "project": {
        "id": "c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f",
        "name": "Website Redesign",
        "client": { "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "name": "Acme Corp" }
      },
      "role": { "id": "d4e5f6a7-b8c9-4d0e-af1b-2c3d4e5f6a7b", "name": "Senior Engineer" },
      "task": { "id": "e5f6a7b8-c9d0-4e1f-b2a3-4c5d6e7f8a9b", "name": "Backend Development" },
      "timeOffType": null
    }"#;

    /// The older allocation-object reference (seed), verbatim: both member and placeholder
    /// present, a time-off type on a project allocation, no hoursPerAllocation at all.
    pub const SEED_OBJECT: &str = r#"{
      "id": "212b8272-ed2a-4a91-950a-8a06b3546144",
      "resourceTypeId": "placeholder",
      "assignmentTypeId": "project",
      "start": "2022-06-01",
      "end": "2022-08-31",
      "unit": "day",
      "hoursPerDay": 8,
      "hoursPerWeek": null,
      "hoursPerMonth": null,
      "totalHours": 528,
      "isBillable": true,
      "notes": "Resourcing the PM for Joe's Shop.",
      "readOnly": false,
      "entity": "allocation",
      "createdAt": "2022-03-02T17:40:03.633Z",
      "member": { "id": "ec5543de-3b0f-47a0-b8ef-a6e18dc4b885", "name": "John Smith" },
      "placeholder": { "id": "e804cd57-8b98-437d-86f4-90e920a41774", "name": "Project Manager" },
      "project": {
        "id": "095e0780-48bf-472c-8deb-2fc3ebc7d90c",
        "name": "Vendor Portal",
        "client": { "id": "4cacdf11-71d1-4fbb-90ee-b091803581b0", "name": "Joe's Shop" }
      },
      "role": { "id": "7ad5a34a-07b7-48e9-a760-bd220d52e354", "name": "Project Manager" },
      "task": { "id": "9a7097a0-d71e-4ed2-9bc3-2dd7d797edc4", "name": "Project Status Reporting" },
      "timeOffType": { "id": "8fc28b3d-e179-4193-bbdd-09387be8a1e9", "name": "Holiday" }
    }"#;

    pub fn wire(body: &str) -> WireAllocation {
        decode("allocation", &parse("allocation", body).unwrap()).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn the_create_seed_decodes_exactly() {
        let w = wire(SEED_CREATED);
        let a = w.to_allocation().unwrap();
        assert_eq!(
            a,
            Allocation {
                id: Id::new("3f8a1d2e-7c4b-4e9f-a6d5-1b2c3d4e5f6a"),
                resource_id: Id::new(
                    "m:9b7e6d5c-4a3f-4b2e-8c1d-0e9f8a7b6c5d|p:c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f"
                ),
                project_id: Some(Id::new("c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f")),
                range: DateRange::new(d("2025-03-01"), d("2025-05-31")),
                amount: Amount::HoursPerDay(6.5),
                hard: true,
                notes: "Q2 product roadmap delivery".into(),
                read_only: false,
                allocate_on_time_off: false,
                server_total_minutes: Some(25_350),
                version: w.fingerprint(),
            }
        );
        assert_eq!(
            w.role.clone().unwrap().name.as_deref(),
            Some("Senior Engineer")
        );
        assert_eq!(
            w.project.unwrap().client.unwrap().name.as_deref(),
            Some("Acme Corp")
        );
    }

    #[test]
    fn an_allocation_outside_the_supported_dates_is_refused_by_name() {
        let mut v: Value = serde_json::from_str(SEED_CREATED).unwrap();
        v["start"] = Value::String("-200000-01-01".into());
        let e = decode::<WireAllocation>("allocation", &v)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("could not read allocation 3f8a1d2e")
                && e.contains("outside the supported dates (1900-01-01 to 2199-12-31)"),
            "{e}"
        );
    }

    #[test]
    fn the_version_moves_with_what_a_user_can_change_and_only_that() {
        let w = wire(SEED_CREATED);
        let v = w.to_allocation().unwrap().version;
        assert_eq!(
            wire(SEED_CREATED).to_allocation().unwrap().version,
            v,
            "stable"
        );
        let changed = |f: fn(&mut WireAllocation)| {
            let mut x = w.clone();
            f(&mut x);
            x.to_allocation().unwrap().version
        };
        assert_ne!(changed(|x| x.notes = Some("other".into())), v);
        assert_ne!(changed(|x| x.hours_per_day = Some(6.0)), v);
        assert_ne!(changed(|x| x.end = x.start), v);
        assert_ne!(changed(|x| x.role = None), v);
        assert_eq!(
            changed(|x| x.total_hours = Some(1.0)),
            v,
            "computed by Ruddr"
        );
        assert_eq!(
            changed(|x| x.project.as_mut().unwrap().name = Some("Renamed".into())),
            v,
            "a name is not the allocation's"
        );
    }

    #[test]
    fn the_object_seed_decodes_exactly() {
        let w = wire(SEED_OBJECT);
        assert_eq!(
            w.assignee(),
            Some(Assignee::Placeholder(Id::new(
                "e804cd57-8b98-437d-86f4-90e920a41774"
            ))),
            "resourceTypeId decides when both objects are present"
        );
        assert!(
            !w.is_time_off(),
            "assignmentTypeId decides, not timeOffType"
        );
        let a = w.to_allocation().unwrap();
        assert_eq!(
            a.resource_id,
            Id::new(
                "ph:e804cd57-8b98-437d-86f4-90e920a41774|p:095e0780-48bf-472c-8deb-2fc3ebc7d90c"
            )
        );
        assert_eq!(a.amount, Amount::HoursPerDay(8.0));
        assert_eq!(a.server_total_minutes, Some(528 * 60));
        assert_eq!(a.range, DateRange::new(d("2022-06-01"), d("2022-08-31")));
        assert_eq!(a.notes, "Resourcing the PM for Joe's Shop.");
    }

    /// allot's own per-day math over the assignee's calendar reproduces Ruddr's `totalHours`
    /// for both seeds (Mon–Fri 8 h; 2025-03-01..05-31 is 65 weekdays, 2022-06-01..08-31 is 66).
    #[test]
    fn allots_math_reproduces_both_seeds_totals() {
        use crate::domain::{Calendar, daily_load};
        let weekly = weekly_capacity(
            &[WirePeriod {
                start: d("2020-01-01"),
                end: None,
                hours_per_day: vec![8.0, 8.0, 8.0, 8.0, 8.0, 0.0, 0.0],
                is_default: Some(true),
            }],
            d("2025-01-01"),
        );
        let cal = Calendar::new(weekly, Default::default(), vec![]);
        for seed in [SEED_CREATED, SEED_OBJECT] {
            let a = wire(seed).to_allocation().unwrap();
            let ours: u32 = daily_load(a.range, a.amount, a.allocate_on_time_off, &cal)
                .iter()
                .sum();
            assert_eq!(Some(ours), a.server_total_minutes, "{}", a.id);
        }
    }

    #[test]
    fn every_unit_reads_its_own_field_and_decimals_survive() {
        let with = |unit: &str, field: &str, v: f64| {
            let mut o = parse("allocation", SEED_CREATED).unwrap();
            o["unit"] = json!(unit);
            o["hoursPerDay"] = Value::Null;
            o[field] = json!(v);
            decode::<WireAllocation>("allocation", &o).unwrap().amount()
        };
        assert_eq!(
            with("week", "hoursPerWeek", 22.5),
            Amount::HoursPerWeek(22.5)
        );
        assert_eq!(
            with("month", "hoursPerMonth", 80.0),
            Amount::HoursPerMonth(80.0)
        );
        assert_eq!(
            with("allocation", "hoursPerAllocation", 422.5),
            Amount::TotalHours(422.5)
        );
        assert_eq!(
            with("ratio_of_capacity", "hoursRatioOfCapacity", 0.375),
            Amount::RatioOfCapacity(0.375)
        );
    }

    #[test]
    fn time_off_is_not_a_bar_and_read_only_comes_from_the_flag_or_the_entity() {
        let off = wire(&SEED_CREATED.replace(
            r#""assignmentTypeId": "project""#,
            r#""assignmentTypeId": "time_off""#,
        ));
        assert!(off.is_time_off());
        assert_eq!(off.to_allocation(), None);
        let entry =
            wire(&SEED_CREATED.replace(r#""entity": "allocation""#, r#""entity": "time_entry""#));
        assert!(entry.to_allocation().unwrap().read_only);
    }

    #[test]
    fn resource_ids_round_trip() {
        let m = Assignee::Member(Id::new("a"));
        let p = Id::new("b");
        assert_eq!(
            parse_resource_id(&resource_id(&m, Some(&p))),
            Some((m.clone(), Some(p)))
        );
        let ph = Assignee::Placeholder(Id::new("c"));
        assert_eq!(parse_resource_id(&resource_id(&ph, None)), Some((ph, None)));
        assert_eq!(parse_resource_id(&Id::new("42")), None);
    }

    /// The list-availability-periods example (R-docs/list-availability-periods L13–33) with a
    /// second, later period of the same shape: 8 h weekdays to June, then 4 h from September.
    const PERIODS_PAGE: &str = r#"{
      "results": [
        { "id": "9b1d2c3e-0000-4000-8000-000000000002", "start": "2024-09-01", "end": null,
          "hoursPerDay": [4, 4, 4, 4, 4, 0, 0], "isDefault": false,
          "createdAt": "2024-08-20T09:23:14.512Z" },
        { "id": "3a7c1f82-e5d4-4b09-8c2e-f1a6d7b0e934", "start": "2024-01-15", "end": "2024-06-30",
          "hoursPerDay": [8, 8, 8, 8, 8, 0, 0], "isDefault": false,
          "createdAt": "2024-01-10T09:23:14.512Z" }
      ],
      "hasMore": false
    }"#;

    fn periods_page() -> Vec<WirePeriod> {
        let v = parse("availability periods", PERIODS_PAGE).unwrap();
        decode("availability periods", &v["results"]).unwrap()
    }

    /// A time-off allocation in the object seed's shape (R-seed-obj): member, no project.
    fn time_off_row(start: &str, end: &str, hours: f64, entity: &str) -> WireAllocation {
        wire(&format!(
            r#"{{ "id": "c0ffee00-0000-4000-8000-00000000000{n}", "resourceTypeId": "member",
              "assignmentTypeId": "time_off", "start": "{start}", "end": "{end}",
              "unit": "day", "hoursPerDay": {hours}, "hoursPerWeek": null,
              "hoursPerMonth": null, "totalHours": null, "readOnly": true,
              "entity": "{entity}", "createdAt": "2024-03-02T17:40:03.633Z",
              "member": {{ "id": "ec5543de-3b0f-47a0-b8ef-a6e18dc4b885", "name": "John Smith" }},
              "project": null, "role": null, "task": null,
              "timeOffType": {{ "id": "8fc28b3d-e179-4193-bbdd-09387be8a1e9", "name": "Vacation" }} }}"#,
            n = start.len() % 10,
        ))
    }

    #[test]
    fn availability_periods_apply_from_their_start_to_their_end() {
        let cal = member_calendar(&periods_page(), (None, None), &[]);
        assert_eq!(cal.capacity(d("2024-01-12")), 0, "before the first period");
        assert_eq!(cal.capacity(d("2024-01-15")), 480);
        assert_eq!(cal.capacity(d("2024-06-28")), 480);
        assert_eq!(cal.capacity(d("2024-07-01")), 0, "between the periods");
        assert_eq!(
            cal.capacity(d("2024-09-02")),
            240,
            "the later period, open-ended"
        );
        assert_eq!(cal.capacity(d("2030-01-07")), 240);
        // A week across the change: Mon–Fri 2024-06-24..28 at 8 h, then nothing.
        let june = DateRange::new(d("2024-06-24"), d("2024-07-05"));
        assert_eq!(cal.capacity_in(june), 5 * 480);
    }

    #[test]
    fn no_capacity_outside_the_members_active_range() {
        let active = (Some(d("2024-02-01")), Some(d("2024-09-10")));
        let cal = member_calendar(&periods_page(), active, &[]);
        assert_eq!(cal.capacity(d("2024-01-31")), 0, "not active yet");
        assert_eq!(cal.capacity(d("2024-02-01")), 480);
        assert_eq!(cal.capacity(d("2024-07-01")), 0, "between the periods");
        assert_eq!(cal.capacity(d("2024-09-10")), 240);
        assert_eq!(cal.capacity(d("2024-09-11")), 0, "no longer active");
    }

    #[test]
    fn a_partial_day_off_takes_its_hours_and_a_full_one_the_day() {
        let half = time_off_row("2024-02-06", "2024-02-06", 3.5, "allocation");
        let full = time_off_row("2024-02-08", "2024-02-09", 8.0, "allocation");
        let holiday = time_off_row("2024-02-12", "2024-02-12", 8.0, "holiday");
        assert!(holiday.is_holiday() && holiday.is_time_off());
        assert_eq!(holiday.to_allocation(), None, "a holiday row is no bar");
        let cal = member_calendar(&periods_page(), (None, None), &[&half, &full, &holiday]);
        assert_eq!(cal.capacity(d("2024-02-05")), 480);
        assert_eq!(cal.capacity(d("2024-02-06")), 270, "8 h less 3.5 h");
        assert_eq!(cal.base_capacity(d("2024-02-06")), 480);
        assert_eq!(cal.capacity(d("2024-02-08")), 0);
        assert_eq!(cal.capacity(d("2024-02-09")), 0);
        assert!(cal.is_holiday(d("2024-02-12")));
        assert_eq!(cal.capacity(d("2024-02-12")), 0);
        assert_eq!(
            cal.time_off,
            vec![DateRange::new(d("2024-02-08"), d("2024-02-09"))]
        );
        // Two partial rows filling a day take it off entirely.
        let a = time_off_row("2024-02-13", "2024-02-13", 4.0, "allocation");
        let b = time_off_row("2024-02-13", "2024-02-13", 4.0, "time_entry");
        let cal = member_calendar(&periods_page(), (None, None), &[&a, &b]);
        assert!(cal.is_time_off(d("2024-02-13")));
        assert!(cal.minutes_off.is_empty());
    }

    #[test]
    fn capacity_comes_from_the_period_covering_today() {
        let period = |start: &str, end: Option<&str>, h: f64| WirePeriod {
            start: d(start),
            end: end.map(d),
            hours_per_day: vec![h, h, h, h, 0.0, 0.0, 0.0],
            is_default: None,
        };
        let periods = vec![
            period("2024-01-01", Some("2024-12-31"), 8.0),
            period("2025-01-01", None, 6.5),
            period("2026-01-01", None, 4.0),
        ];
        assert_eq!(
            weekly_capacity(&periods, d("2025-06-01")),
            WeeklyCapacity([390, 390, 390, 390, 0, 0, 0])
        );
        assert_eq!(
            weekly_capacity(&periods, d("2023-06-01")).0[0],
            480,
            "the next to start"
        );
        assert_eq!(
            weekly_capacity(&[], d("2025-06-01")),
            WeeklyCapacity([0; 7])
        );
    }

    #[test]
    fn errors_in_plain_words() {
        let e = error_from(
            400,
            r#"{"status":400,"message":"Validation failed.","errors":["'start' must be a date"]}"#,
        );
        assert_eq!(
            e,
            BackendError::Validation {
                field: Some("start".into()),
                message: "must be a date".into()
            }
        );
        let e = error_from(
            409,
            r#"{"status":409,"message":"The resource is read-only."}"#,
        )
        .to_string();
        assert!(
            e.contains("read-only") && e.contains("time entry or holiday"),
            "{e}"
        );
        let e = error_from(
            423,
            r#"{"status":423,"message":"API access is disabled, please contact support for assistance."}"#,
        )
        .to_string();
        assert!(
            e.contains("API access is turned off for this Ruddr workspace"),
            "{e}"
        );
        assert!(e.contains("please contact support"), "{e}");
        let e = error_from(
            401,
            r#"{"status":401,"message":"The provided bearer token is missing or invalid."}"#,
        )
        .to_string();
        assert!(e.starts_with("the Ruddr API key was refused"), "{e}");
        assert!(matches!(
            error_from(404, r#"{"status":404,"message":"Not found"}"#),
            BackendError::NotFound(_)
        ));
        let e = error_from(502, "<html>\x1b[31m</html>").to_string();
        assert!(e.contains("502") && e.contains('\u{FFFD}'), "{e}");
    }

    #[test]
    fn a_project_that_uses_roles_keeps_its_active_ones_and_others_none() {
        let p: WireProject = serde_json::from_value(json!({
            "id": "572e66b1-60a6-4935-853f-b59b053112e6", "name": "Website Redesign",
            "useRoles": true, "client": {"id": "9b57", "name": "Acme Corp"}
        }))
        .unwrap();
        let roles: Vec<WireRole> = serde_json::from_value(json!([
            {"id": "r1", "name": "Senior Engineer", "isActive": true, "isBillable": true,
             "rate": 150, "createdAt": "2025-01-15T20:47:03.284Z",
             "project": {"id": "572e66b1-60a6-4935-853f-b59b053112e6", "name": "Website Redesign"}},
            {"id": "r2", "name": "Old role", "isActive": false},
            {"id": "r3", "name": "analyst"}
        ]))
        .unwrap();
        let got = project(&p, Some(&roles));
        assert_eq!(
            got.roles,
            Some(vec![
                (Id::new("r3"), "analyst".into()),
                (Id::new("r1"), "Senior Engineer".into())
            ]),
            "active ones, by name"
        );
        assert_eq!(project(&p, None).roles, None, "not read: none known");
        let plain = WireProject {
            use_roles: Some(false),
            ..p.clone()
        };
        assert_eq!(project(&plain, Some(&roles)).roles, None);
        let unsaid = WireProject {
            use_roles: None,
            ..p
        };
        assert_eq!(project(&unsaid, Some(&roles)).roles, None);
    }

    #[test]
    fn a_patch_carries_only_the_fields_that_changed() {
        let before = Allocation {
            id: Id::new("a1"),
            resource_id: Id::new("m:9b7e|p:c2d3"),
            project_id: Some(Id::new("c2d3")),
            range: DateRange::new(d("2025-03-03"), d("2025-03-07")),
            amount: Amount::HoursPerDay(6.5),
            hard: true,
            notes: "Q2".into(),
            read_only: false,
            allocate_on_time_off: false,
            server_total_minutes: Some(1950),
            version: 7,
        };
        let body = |after: &Allocation, role: Option<&Id>| {
            Value::Object(patch_body(&before, after, role).unwrap())
        };
        assert_eq!(
            body(&before, None),
            json!({}),
            "nothing changed, nothing sent"
        );
        let moved = Allocation {
            range: DateRange::new(d("2025-03-10"), d("2025-03-14")),
            ..before.clone()
        };
        assert_eq!(
            body(&moved, None),
            json!({"start": "2025-03-10", "end": "2025-03-14"}),
            "a move sends its dates and nothing else"
        );
        let longer = Allocation {
            range: DateRange::new(d("2025-03-03"), d("2025-03-14")),
            amount: Amount::HoursPerDay(4.0),
            ..before.clone()
        };
        assert_eq!(
            body(&longer, None),
            json!({"start": "2025-03-03", "end": "2025-03-14", "unit": "day", "hoursPerDay": 4.0})
        );
        let weekly = Allocation {
            amount: Amount::HoursPerWeek(20.0),
            ..before.clone()
        };
        assert_eq!(
            body(&weekly, None),
            json!({"unit": "week", "hoursPerWeek": 20.0})
        );
        let cleared = Allocation {
            notes: "  ".into(),
            ..before.clone()
        };
        assert_eq!(body(&cleared, None), json!({"notes": null}), "null unsets");
        let flag = Allocation {
            allocate_on_time_off: true,
            notes: "Q3".into(),
            ..before.clone()
        };
        assert_eq!(
            body(&flag, None),
            json!({"allocateOnTimeOffDays": true, "notes": "Q3"})
        );
        let role = Id::new("r2");
        let elsewhere = Allocation {
            resource_id: Id::new("ph:e804|p:0957"),
            ..before.clone()
        };
        assert_eq!(
            body(&elsewhere, Some(&role)),
            json!({"resourceTypeId": "placeholder", "resourcePlaceholderId": "e804",
                   "projectId": "0957", "projectRoleId": "r2"}),
            "another assignee and project, with the new project's role"
        );
        let same_project = Allocation {
            resource_id: Id::new("m:aaaa|p:c2d3"),
            ..before.clone()
        };
        assert_eq!(
            body(&same_project, Some(&role)),
            json!({"resourceTypeId": "member", "memberId": "aaaa", "allocateOnTimeOffDays": false}),
            "the role goes only with a move to another project"
        );
    }

    #[test]
    fn write_bodies_use_the_seed_field_names() {
        let role = Id::new("d4e5f6a7-b8c9-4d0e-af1b-2c3d4e5f6a7b");
        let body = allocation_body(
            &Id::new("m:9b7e|p:c2d3"),
            &Body {
                range: DateRange::new(d("2025-03-01"), d("2025-05-31")),
                amount: Amount::HoursPerDay(6.5),
                notes: "Q2",
                allocate_on_time_off: false,
                role_id: Some(&role),
                task_id: None,
            },
        )
        .unwrap();
        assert_eq!(
            body,
            json!({"resourceTypeId":"member","memberId":"9b7e","assignmentTypeId":"project",
                   "projectId":"c2d3","projectRoleId":role.as_str(),"start":"2025-03-01",
                   "end":"2025-05-31","unit":"day","hoursPerDay":6.5,
                   "allocateOnTimeOffDays":false,"notes":"Q2"})
        );
        let body = allocation_body(
            &Id::new("ph:e804|p:0957"),
            &Body {
                range: DateRange::day(d("2025-03-03")),
                amount: Amount::TotalMinutes(90),
                notes: "",
                allocate_on_time_off: true,
                role_id: None,
                task_id: None,
            },
        )
        .unwrap();
        assert_eq!(body["resourcePlaceholderId"], "e804");
        assert_eq!(body["unit"], "allocation");
        assert_eq!(body["hoursPerAllocation"], 1.5);
        assert!(body.get("allocateOnTimeOffDays").is_none(), "members only");
        assert!(body.get("memberId").is_none());
        // Every key is one the create reference names.
        let known = [
            "unit",
            "start",
            "end",
            "resourceTypeId",
            "assignmentTypeId",
            "hoursPerDay",
            "hoursPerWeek",
            "hoursPerMonth",
            "hoursPerAllocation",
            "hoursRatioOfCapacity",
            "allocateOnTimeOffDays",
            "notes",
            "memberId",
            "resourcePlaceholderId",
            "projectId",
            "projectRoleId",
            "projectTaskId",
            "timeOffTypeId",
        ];
        for key in body.as_object().unwrap().keys() {
            assert!(known.contains(&key.as_str()), "{key}");
        }
        assert!(matches!(
            allocation_body(
                &Id::new("m:9b7e"),
                &Body {
                    range: DateRange::day(d("2025-03-03")),
                    amount: Amount::HoursPerDay(1.0),
                    notes: "",
                    allocate_on_time_off: false,
                    role_id: None,
                    task_id: None,
                }
            ),
            Err(BackendError::Validation { .. })
        ));
    }

    #[test]
    fn ranges_merge() {
        let r = |a: &str, b: &str| DateRange::new(d(a), d(b));
        assert_eq!(
            merge_ranges(vec![
                r("2025-03-10", "2025-03-12"),
                r("2025-03-01", "2025-03-05"),
                r("2025-03-06", "2025-03-07"),
            ]),
            vec![r("2025-03-01", "2025-03-07"), r("2025-03-10", "2025-03-12")]
        );
    }
}
