//! Demo workspaces for the local backend.
//!
//! [`demo`] builds a small, hand-written workspace from the files in `assets/demo/` (every date
//! there is an offset in days from today, so the demo always looks current); [`synthetic`] builds
//! a large generated one for `--demo-size large` and benchmarks. Both are deterministic: the only
//! randomness is [`Rng`], a fixed-seed SplitMix64.

use crate::domain::dates::{add_days, month_start, sunday_on_or_before, week_start};
use crate::domain::workspace::person_calendar;
use crate::domain::{
    Allocation, Amount, Calendar, DateRange, Holidays, Id, Participation, Person, Project, Request,
    RequestStatus, Resource, Roster, ScheduledWeek, WeeklyCapacity, allocation_daily,
};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

mod synthetic;
pub use synthetic::synthetic;

/// Everything [`super::LocalBackend::seed`] writes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DemoData {
    pub roster: Roster,
    pub allocations: Vec<Allocation>,
    pub requests: Vec<Request>,
    /// Names for the dates in `roster.holidays` (dates missing here are stored unnamed).
    pub holiday_names: Vec<(NaiveDate, String)>,
    /// Task-level scheduled hours per resource and week (Mondays).
    pub scheduled: Vec<ScheduledWeek>,
}

/// The demo project a vendor account would have archived (it ended three weeks ago) and the
/// person whose account was disabled. The embedded store has no such states; the sandbox serves
/// these as Kantata does (left out of listings unless asked for), while their resources and
/// allocations still refer to them.
pub const ARCHIVED_PROJECTS: [&str; 1] = ["2007"];
pub const DISABLED_PEOPLE: [&str; 1] = ["1034"];

const WORKSPACE_JSON: &str = include_str!("../../../../assets/demo/workspace.json");
const PEOPLE_JSON: &str = include_str!("../../../../assets/demo/people.json");
const PROJECTS_JSON: &str = include_str!("../../../../assets/demo/projects.json");
const RESOURCES_JSON: &str = include_str!("../../../../assets/demo/resources.json");
const ALLOCATIONS_JSON: &str = include_str!("../../../../assets/demo/allocations.json");
const REQUESTS_JSON: &str = include_str!("../../../../assets/demo/requests.json");
const HOLIDAYS_JSON: &str = include_str!("../../../../assets/demo/holidays.json");
const NAMES_JSON: &str = include_str!("../../../../assets/demo/names.json");
const PARTICIPATIONS_JSON: &str = include_str!("../../../../assets/demo/participations.json");
const SCHEDULED_JSON: &str = include_str!("../../../../assets/demo/scheduled.json");

/// The demo reaches this many days either side of today.
const DEMO_REACH: i64 = 183;

/// A tiny deterministic PRNG (SplitMix64): the demo must look the same on every run.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

/// A stable seed from a string (FNV-1a), so each generated series depends only on its own key.
fn seed_of(s: &str) -> u64 {
    s.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01B3)
    })
}

// ---- asset file shapes ----------------------------------------------------------------------

#[derive(Deserialize)]
struct WorkspaceFile {
    name: String,
    current_user: String,
}

#[derive(Deserialize)]
struct PersonFile {
    id: String,
    name: String,
    email: String,
    role: String,
    /// Hours per weekday, Monday first; Kantata's default workweek when missing.
    hours: Option<[f64; 7]>,
    #[serde(default)]
    time_off: Vec<(i64, i64)>,
    /// Weekly patterns from a day on: (offset, hours Monday first). The day is moved back to
    /// the Sunday on or before it, because Kantata's workweek memberships start on a Sunday
    /// (AE:workweek-memberships), so the demo means the same on every backend.
    #[serde(default)]
    patterns: Vec<(i64, [f64; 7])>,
    /// Partial days off: (offset, hours off that day).
    #[serde(default)]
    partial_off: Vec<(i64, f64)>,
}

#[derive(Deserialize)]
struct ProjectFile {
    id: String,
    name: String,
    client: String,
    start: i64,
    end: i64,
}

#[derive(Deserialize)]
struct ResourceFile {
    id: String,
    project: String,
    person: Option<String>,
    role: String,
    #[serde(default)]
    label: String,
    /// Share of the person's capacity this resource usually takes; no generated allocations
    /// when missing.
    load: Option<f64>,
    /// Generated allocations starting within this many days of today are hard.
    #[serde(default = "default_hard_days")]
    hard_days: i64,
    from: Option<i64>,
    to: Option<i64>,
}

fn default_hard_days() -> i64 {
    42
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Anchor {
    Today,
    Week,
    Month,
}

#[derive(Deserialize)]
struct AllocationFile {
    resource: String,
    anchor: Anchor,
    start: i64,
    end: i64,
    /// Percent of the resource's capacity over the range, as Kantata total minutes.
    percent: Option<f64>,
    /// Otherwise a Ruddr unit and its value.
    unit: Option<String>,
    value: Option<f64>,
    hard: bool,
    #[serde(default)]
    notes: String,
}

#[derive(Deserialize)]
struct RequestFile {
    id: String,
    resource: String,
    creator: String,
    approvers: Vec<String>,
    created_days_ago: i64,
    start: i64,
    end: i64,
    percentage: u32,
    #[serde(default)]
    notes: String,
    #[serde(default = "default_status")]
    status: String,
}

fn default_status() -> String {
    "new".into()
}

#[derive(Deserialize)]
struct HolidayRule {
    name: String,
    month: u32,
    day: Option<u32>,
    weekday: Option<String>,
    /// 1..=5 from the start of the month, -1 for the last.
    nth: Option<i32>,
    /// A fixed date falling on a weekend is observed on the Friday before or Monday after.
    #[serde(default)]
    observed: bool,
    /// Days after the rule's date (the day after Thanksgiving).
    #[serde(default)]
    shift: i64,
}

#[derive(Deserialize)]
struct NamesFile {
    first: Vec<String>,
    last: Vec<String>,
    roles: Vec<String>,
    project_words: Vec<String>,
    project_kinds: Vec<String>,
    clients: Vec<String>,
    notes: Vec<String>,
}

/// A person's role on a project, where it is set (everyone else on a project has none).
#[derive(Deserialize)]
struct ParticipationFile {
    person: String,
    project: String,
    role: String,
}

/// How the demo's scheduled hours follow its allocations.
#[derive(Deserialize)]
struct ScheduledFile {
    /// Weeks before and after this week that have scheduled hours.
    weeks_before: i64,
    weeks_after: i64,
    /// Named resources with no scheduled hours at all.
    without: Vec<String>,
    /// Unnamed resources that have scheduled hours (others have none).
    unnamed: Vec<String>,
    /// Weeks where scheduled hours deliberately differ from the allocations.
    off: Vec<OffFile>,
}

#[derive(Deserialize)]
struct OffFile {
    resource: String,
    /// Weeks relative to this week, inclusive.
    from: i64,
    to: i64,
    /// Scheduled = this percent of the allocated hours of the week...
    percent: Option<f64>,
    /// ...plus these hours (never below zero).
    #[serde(default)]
    add_hours: f64,
}

fn parse<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> T {
    serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("assets/demo/{name} is built into allot and must be valid: {e}"))
}

// ---- holidays -------------------------------------------------------------------------------

fn parse_weekday(s: &str) -> Option<Weekday> {
    Some(match s.to_ascii_lowercase().get(..3)? {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

impl HolidayRule {
    fn in_year(&self, year: i32) -> Option<NaiveDate> {
        let date = match (self.day, self.weekday.as_deref().and_then(parse_weekday)) {
            (Some(day), _) => {
                let d = NaiveDate::from_ymd_opt(year, self.month, day)?;
                match (self.observed, d.weekday()) {
                    (true, Weekday::Sat) => add_days(d, -1),
                    (true, Weekday::Sun) => add_days(d, 1),
                    _ => d,
                }
            }
            (None, Some(wd)) => match self.nth.unwrap_or(1) {
                n @ 1..=5 => NaiveDate::from_weekday_of_month_opt(year, self.month, wd, n as u8)?,
                n if n < 0 => {
                    let first = NaiveDate::from_ymd_opt(year, self.month, 1)?;
                    let mut d = add_days(crate::domain::dates::add_months(first, 1), -1);
                    while d.weekday() != wd {
                        d = add_days(d, -1);
                    }
                    add_days(d, 7 * (n as i64 + 1))
                }
                _ => return None,
            },
            (None, None) => return None,
        };
        Some(add_days(date, self.shift))
    }
}

/// The public holidays in `span`, by date (one name per date).
fn holidays_in(span: DateRange) -> Vec<(NaiveDate, String)> {
    let rules: Vec<HolidayRule> = parse("holidays.json", HOLIDAYS_JSON);
    let mut by_date = BTreeMap::new();
    for year in span.start.year() - 1..=span.end.year() + 1 {
        for rule in &rules {
            if let Some(d) = rule.in_year(year).filter(|d| span.contains(*d)) {
                by_date.entry(d).or_insert_with(|| rule.name.clone());
            }
        }
    }
    by_date.into_iter().collect()
}

fn holiday_set(list: &[(NaiveDate, String)]) -> Holidays {
    Arc::new(list.iter().map(|(d, _)| *d).collect::<BTreeSet<_>>())
}

// ---- the hand-written demo ------------------------------------------------------------------

/// `d`, or the Monday after it when it falls on a weekend.
fn weekday_on_or_after(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat | Weekday::Sun => add_days(week_start(d), 7),
        _ => d,
    }
}

/// Minutes rounded to the quarter hour, at least a quarter hour.
fn quarter_hours(minutes: f64) -> u32 {
    ((minutes / 15.0).round().max(1.0) * 15.0).min(u32::MAX as f64) as u32
}

struct Draft {
    resource_id: Id,
    project_id: Option<Id>,
    range: DateRange,
    amount: Amount,
    hard: bool,
    notes: String,
}

/// The demo workspace "Northwind Studio", all dates relative to `today`.
pub fn demo(today: NaiveDate) -> DemoData {
    let ws: WorkspaceFile = parse("workspace.json", WORKSPACE_JSON);
    let people_file: Vec<PersonFile> = parse("people.json", PEOPLE_JSON);
    let projects_file: Vec<ProjectFile> = parse("projects.json", PROJECTS_JSON);
    let resources_file: Vec<ResourceFile> = parse("resources.json", RESOURCES_JSON);
    let explicit_file: Vec<AllocationFile> = parse("allocations.json", ALLOCATIONS_JSON);
    let requests_file: Vec<RequestFile> = parse("requests.json", REQUESTS_JSON);
    let day = |offset: i64| add_days(today, offset);

    let holiday_names = holidays_in(DateRange::new(day(-366), day(366)));
    let holidays = holiday_set(&holiday_names);

    let people: Vec<Person> = people_file
        .iter()
        .map(|p| Person {
            id: Id::new(&p.id),
            name: p.name.clone(),
            email: p.email.clone(),
            role: p.role.clone(),
            weekly: p.hours.map(WeeklyCapacity::from_hours).unwrap_or_default(),
            time_off: p
                .time_off
                .iter()
                .map(|(a, b)| DateRange::new(day(*a), day(*b)))
                .collect(),
        })
        .collect();
    // People with more than one pattern or partial days off carry a full calendar.
    let full_calendars: BTreeMap<Id, Calendar> = people_file
        .iter()
        .zip(&people)
        .filter(|(f, _)| !f.patterns.is_empty() || !f.partial_off.is_empty())
        .map(|(f, p)| {
            let changes = f
                .patterns
                .iter()
                .map(|(at, hours)| {
                    (
                        sunday_on_or_before(day(*at)),
                        WeeklyCapacity::from_hours(*hours),
                    )
                })
                .collect();
            let minutes_off = f
                .partial_off
                .iter()
                .map(|(at, hours)| (day(*at), (hours.max(0.0) * 60.0).round() as u32))
                .collect();
            let cal = Calendar::new(p.weekly, holidays.clone(), p.time_off.clone())
                .with_changes(changes)
                .with_minutes_off(minutes_off);
            (p.id.clone(), cal)
        })
        .collect();
    let calendars: HashMap<&str, Calendar> = people
        .iter()
        .map(|p| {
            (
                p.id.as_str(),
                person_calendar(&full_calendars, &holidays, p),
            )
        })
        .collect();
    let unnamed_calendar = Calendar::new(WeeklyCapacity::STANDARD, holidays.clone(), vec![]);
    let calendar_of = |r: &ResourceFile| match &r.person {
        Some(p) => calendars.get(p.as_str()).unwrap_or(&unnamed_calendar),
        None => &unnamed_calendar,
    };

    let projects: Vec<Project> = projects_file
        .iter()
        .map(|p| Project {
            id: Id::new(&p.id),
            name: p.name.clone(),
            client: p.client.clone(),
            roles: None,
        })
        .collect();
    let project_window: HashMap<&str, (i64, i64)> = projects_file
        .iter()
        .map(|p| (p.id.as_str(), (p.start, p.end)))
        .collect();

    let resources: Vec<Resource> = resources_file
        .iter()
        .map(|r| Resource {
            id: Id::new(&r.id),
            project_id: Some(Id::new(&r.project)),
            person_id: r.person.as_deref().map(Id::new),
            role: r.role.clone(),
            label: r.label.clone(),
        })
        .collect();
    let resource_by_id: HashMap<&str, &ResourceFile> =
        resources_file.iter().map(|r| (r.id.as_str(), r)).collect();

    let mut drafts: Vec<Draft> = Vec::new();

    // Hand-placed allocations: the over-allocations this month, the odd units, the tricky notes.
    let mut placed: HashMap<&str, Vec<DateRange>> = HashMap::new();
    for e in &explicit_file {
        let r = resource_by_id[e.resource.as_str()];
        let anchor = match e.anchor {
            Anchor::Today => today,
            Anchor::Week => week_start(today),
            Anchor::Month => month_start(today),
        };
        let range = DateRange::new(add_days(anchor, e.start), add_days(anchor, e.end));
        let amount = match (e.percent, e.unit.as_deref(), e.value) {
            (Some(pct), _, _) => Amount::TotalMinutes(quarter_hours(
                calendar_of(r).capacity_in(range) as f64 * pct / 100.0,
            )),
            (None, Some("hours_per_day"), Some(v)) => Amount::HoursPerDay(v),
            (None, Some("hours_per_week"), Some(v)) => Amount::HoursPerWeek(v),
            (None, Some("hours_per_month"), Some(v)) => Amount::HoursPerMonth(v),
            (None, Some("total_hours"), Some(v)) => Amount::TotalHours(v),
            (None, Some("ratio_of_capacity"), Some(v)) => Amount::RatioOfCapacity(v),
            _ => panic!("assets/demo/allocations.json: {} has no amount", e.resource),
        };
        placed.entry(r.id.as_str()).or_default().push(range);
        drafts.push(Draft {
            resource_id: Id::new(&r.id),
            project_id: Some(Id::new(&r.project)),
            range,
            amount,
            hard: e.hard && r.person.is_some(),
            notes: e.notes.clone(),
        });
    }

    // Every pending request carries the allocation it asked for (soft), as the store's
    // create_request makes it and Kantata creates it with the request: its period at its share
    // of the resource's calendar, rounded as the store rounds, so the hours the queue shows are
    // the hours approving books. (Named requests once had none, so approving #5014 hardened
    // nothing and its impact showed weeks at 0 %.) The generated bulk keeps clear of it.
    let pending_on: BTreeSet<&str> = requests_file
        .iter()
        .filter(|q| q.status == "new")
        .map(|q| q.resource.as_str())
        .collect();
    for q in requests_file.iter().filter(|q| q.status == "new") {
        let r = resource_by_id[q.resource.as_str()];
        let range = DateRange::new(day(q.start), day(q.end));
        let capacity = calendar_of(r).capacity_in(range);
        placed.entry(r.id.as_str()).or_default().push(range);
        drafts.push(Draft {
            resource_id: Id::new(&r.id),
            project_id: Some(Id::new(&r.project)),
            range,
            amount: Amount::TotalMinutes(((capacity * u64::from(q.percentage) + 50) / 100) as u32),
            hard: false,
            notes: format!("Requested in #{}", q.id),
        });
    }

    // The bulk: each staffed resource in chunks of one to six weeks, load near its usual share.
    let notes: NamesFile = parse("names.json", NAMES_JSON);
    for r in &resources_file {
        let Some(load) = r.load else { continue };
        if r.person.is_none() && pending_on.contains(r.id.as_str()) {
            continue;
        }
        let (p_start, p_end) = project_window[r.project.as_str()];
        let from = day(r.from.unwrap_or(p_start).max(-DEMO_REACH));
        let to = day(r.to.unwrap_or(p_end).min(DEMO_REACH));
        let cal = calendar_of(r);
        let avoid = placed.get(r.id.as_str()).cloned().unwrap_or_default();
        let mut rng = Rng::new(seed_of(&r.id));
        // Chunks run from a weekday to a Friday, and stop short of hand-placed allocations.
        let mut cursor = weekday_on_or_after(from);
        while cursor <= to {
            if let Some(p) = avoid.iter().find(|a| a.contains(cursor)) {
                cursor = weekday_on_or_after(add_days(p.end, 1));
                continue;
            }
            let weeks = 1 + rng.below(6) as i64;
            let mut end = add_days(week_start(cursor), weeks * 7 - 3).min(to);
            if let Some(p) = avoid
                .iter()
                .filter(|a| a.start > cursor && a.start <= end)
                .min()
            {
                end = add_days(p.start, -1);
            }
            let range = DateRange::new(cursor, end);
            let share = (load * (0.8 + 0.4 * rng.unit()) * 20.0).round().max(1.0) / 20.0;
            let soft_anyway = rng.chance(0.6);
            let note = rng.chance(0.2).then(|| rng.pick(&notes.notes).clone());
            let capacity = cal.capacity_in(range);
            if capacity > 0 {
                let near = (cursor - today).num_days() <= r.hard_days;
                drafts.push(Draft {
                    resource_id: Id::new(&r.id),
                    project_id: Some(Id::new(&r.project)),
                    range,
                    amount: Amount::TotalMinutes(quarter_hours(capacity as f64 * share)),
                    hard: r.person.is_some() && (near || !soft_anyway),
                    notes: note.unwrap_or_default(),
                });
            }
            let gap_weeks = match rng.below(20) {
                0..=14 => 0,
                15..=18 => 1,
                _ => 2,
            };
            cursor = add_days(week_start(end), 7 * (1 + gap_weeks));
        }
    }

    drafts.sort_by(|a, b| {
        (a.range.start, a.resource_id.as_number()).cmp(&(b.range.start, b.resource_id.as_number()))
    });
    let allocations: Vec<Allocation> = drafts
        .into_iter()
        .enumerate()
        .map(|(i, d)| Allocation {
            id: Id::from(400_001 + i as u64),
            resource_id: d.resource_id,
            project_id: d.project_id,
            range: d.range,
            amount: d.amount,
            hard: d.hard,
            notes: d.notes,
            read_only: false,
            allocate_on_time_off: false,
            server_total_minutes: None,
            version: 1,
        })
        .collect();

    let requests = requests_file
        .iter()
        .enumerate()
        .map(|(i, q)| Request {
            id: Id::new(&q.id),
            resource_id: Id::new(&q.resource),
            status: RequestStatus::parse(&q.status)
                .unwrap_or_else(|| panic!("assets/demo/requests.json: bad status {}", q.status)),
            approver_ids: q.approvers.iter().map(Id::new).collect(),
            creator_id: Id::new(&q.creator),
            created_at: created_at(day(-q.created_days_ago), i as i64),
            period: Some(DateRange::new(day(q.start), day(q.end))),
            percentage: Some(q.percentage),
            notes: q.notes.clone(),
        })
        .collect();

    let roles: Vec<ParticipationFile> = parse("participations.json", PARTICIPATIONS_JSON);
    let participations = participations_of(&resources, &roles);
    let scheduled = demo_scheduled(
        today,
        &parse("scheduled.json", SCHEDULED_JSON),
        &resources,
        &allocations,
        |r: &Resource| match &r.person_id {
            Some(p) => calendars.get(p.as_str()).unwrap_or(&unnamed_calendar),
            None => &unnamed_calendar,
        },
    );

    DemoData {
        roster: Roster {
            unnamed_calendar: None,
            calendars: full_calendars,
            name: ws.name,
            current_user: Some(Id::new(&ws.current_user)),
            people,
            projects,
            resources,
            holidays,
            participations,
            // The demo keeps no skills (the sandbox serves its own, `sandbox::kantata::skills`).
            skills: Default::default(),
        },
        allocations,
        requests,
        holiday_names,
        scheduled,
    }
}

/// The key participations are read back in: project, then person, numeric ids in numeric order.
fn participation_key(p: &Participation) -> (usize, &str, usize, &str) {
    (
        p.project_id.as_str().len(),
        p.project_id.as_str(),
        p.person_id.as_str().len(),
        p.person_id.as_str(),
    )
}

/// One participation for every person on every project they hold a resource on, with the role
/// `roles` sets for some of them.
fn participations_of(resources: &[Resource], roles: &[ParticipationFile]) -> Vec<Participation> {
    let mut out: Vec<Participation> = Vec::new();
    let mut seen = BTreeSet::new();
    for r in resources {
        if let (Some(person), Some(project)) = (&r.person_id, &r.project_id)
            && seen.insert((person.clone(), project.clone()))
        {
            out.push(Participation {
                person_id: person.clone(),
                project_id: project.clone(),
                role: None,
            });
        }
    }
    for set in roles {
        let p = out
            .iter_mut()
            .find(|p| p.person_id.as_str() == set.person && p.project_id.as_str() == set.project)
            .unwrap_or_else(|| {
                panic!(
                    "assets/demo/participations.json: {} holds no resource on {}",
                    set.person, set.project
                )
            });
        p.role = Some(set.role.clone());
    }
    out.sort_by(|a, b| participation_key(a).cmp(&participation_key(b)));
    out
}

/// Scheduled hours for the demo: for each named resource (but those `file.without` names) and
/// the unnamed ones `file.unnamed` names, every week from `weeks_before` before this week to
/// `weeks_after` after it, equal to the minutes its allocations put in that week, except the
/// weeks `file.off` makes differ. Weeks with nothing scheduled have no entry.
fn demo_scheduled<'c>(
    today: NaiveDate,
    file: &ScheduledFile,
    resources: &[Resource],
    allocations: &[Allocation],
    calendar_of: impl Fn(&Resource) -> &'c Calendar,
) -> Vec<ScheduledWeek> {
    let this_week = week_start(today);
    let first = add_days(this_week, -7 * file.weeks_before);
    let last = add_days(this_week, 7 * file.weeks_after);
    let span = DateRange::new(first, add_days(last, 6));
    let wanted: BTreeMap<&str, &Resource> = resources
        .iter()
        .filter(|r| match r.person_id {
            Some(_) => !file.without.iter().any(|w| *w == r.id.as_str()),
            None => file.unnamed.iter().any(|u| *u == r.id.as_str()),
        })
        .map(|r| (r.id.as_str(), r))
        .collect();
    // Allocated minutes per resource and week, spread the way the views spread them.
    let mut weekly: HashMap<&str, BTreeMap<NaiveDate, u64>> = HashMap::new();
    for a in allocations.iter().filter(|a| a.range.overlaps(&span)) {
        let Some(r) = wanted.get(a.resource_id.as_str()) else {
            continue;
        };
        let weeks = weekly.entry(r.id.as_str()).or_default();
        for (day, m) in a.range.days().zip(allocation_daily(a, calendar_of(r))) {
            if span.contains(day) && m > 0 {
                *weeks.entry(week_start(day)).or_default() += m as u64;
            }
        }
    }
    let mut out = Vec::new();
    for r in wanted.values() {
        let allocated = weekly.get(r.id.as_str());
        let mut monday = first;
        while monday <= last {
            let minutes = allocated.and_then(|w| w.get(&monday)).copied().unwrap_or(0) as f64;
            let offset = (monday - this_week).num_days() / 7;
            let minutes = match file
                .off
                .iter()
                .find(|o| o.resource == r.id.as_str() && (o.from..=o.to).contains(&offset))
            {
                Some(o) => {
                    let m = minutes * o.percent.unwrap_or(100.0) / 100.0 + o.add_hours * 60.0;
                    ((m / 15.0).round() * 15.0).max(0.0)
                }
                None => minutes,
            };
            if minutes > 0.0 {
                out.push(ScheduledWeek {
                    resource_id: r.id.clone(),
                    monday,
                    minutes: minutes.min(u32::MAX as f64) as u32,
                });
            }
            monday = add_days(monday, 7);
        }
    }
    out.sort_by(|a, b| {
        (
            a.resource_id.as_str().len(),
            a.resource_id.as_str(),
            a.monday,
        )
            .cmp(&(
                b.resource_id.as_str().len(),
                b.resource_id.as_str(),
                b.monday,
            ))
    });
    out
}

/// A working-hours timestamp on `date`, spread by `n` so requests do not all share one minute.
fn created_at(date: NaiveDate, n: i64) -> chrono::DateTime<chrono::Utc> {
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default();
    (date.and_time(nine) + Duration::minutes((n * 53) % 480)).and_utc()
}

// ---- the synthetic workspace ----------------------------------------------------------------

/// Lower-case ASCII for an email address.
fn ascii_fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let c = match c {
                'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'í' | 'ì' | 'î' | 'ï' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
                'ú' | 'ù' | 'û' | 'ü' => 'u',
                'ç' => 'c',
                'ñ' => 'n',
                'ş' => 's',
                'ł' => 'l',
                c => c.to_ascii_lowercase(),
            };
            c.is_ascii_alphanumeric().then_some(c)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::{month_of, parse_date};
    use crate::domain::{RowKey, Workspace};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn the_rng_is_deterministic_and_spread() {
        let a: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..5).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..5).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        let mut r = Rng::new(1);
        let mut buckets = [0u32; 10];
        for _ in 0..10_000 {
            buckets[r.below(10) as usize] += 1;
        }
        assert!(
            buckets.iter().all(|n| (800..1200).contains(n)),
            "{buckets:?}"
        );
    }

    #[test]
    fn holiday_rules_land_on_the_right_days() {
        let list = holidays_in(DateRange::new(d("2025-01-01"), d("2025-12-31")));
        let find = |name: &str| list.iter().find(|(_, n)| n == name).map(|(d, _)| *d);
        assert_eq!(
            find("Memorial Day"),
            Some(d("2025-05-26")),
            "last Monday of May"
        );
        assert_eq!(find("Thanksgiving"), Some(d("2025-11-27")));
        assert_eq!(find("Day after Thanksgiving"), Some(d("2025-11-28")));
        assert_eq!(find("Labor Day"), Some(d("2025-09-01")));
        // 2026-07-04 is a Saturday: observed on Friday the 3rd.
        let list = holidays_in(DateRange::new(d("2026-01-01"), d("2026-12-31")));
        assert!(
            list.iter()
                .any(|(d0, n)| *d0 == d("2026-07-03") && n == "Independence Day")
        );
    }

    #[test]
    fn the_demo_is_deterministic_and_relative_to_today() {
        let a = demo(d("2026-03-10"));
        assert_eq!(a, demo(d("2026-03-10")));
        let b = demo(d("2026-04-10"));
        assert_eq!(a.roster.people.len(), b.roster.people.len());
        let moved = |x: &DemoData, name: &str| {
            x.roster
                .people
                .iter()
                .find(|p| p.name == name)
                .unwrap()
                .time_off[0]
                .start
        };
        assert_eq!(
            moved(&b, "Tom Becker") - moved(&a, "Tom Becker"),
            chrono::Duration::days(31)
        );
    }

    #[test]
    fn the_demo_has_the_promised_content() {
        let today = d("2026-03-10");
        let data = demo(today);
        let r = &data.roster;
        assert!(r.people.len() >= 30);
        assert!(r.projects.len() >= 8);
        let clients: BTreeSet<_> = r.projects.iter().map(|p| &p.client).collect();
        assert!(clients.len() >= 4);
        assert!(data.allocations.len() >= 200, "{}", data.allocations.len());
        let span = DateRange::new(add_days(today, -183), add_days(today, 183));
        assert!(data.allocations.iter().all(|a| a.range.overlaps(&span)));
        let early = data
            .allocations
            .iter()
            .filter(|a| a.range.start < add_days(today, -120))
            .count();
        let late = data
            .allocations
            .iter()
            .filter(|a| a.range.end > add_days(today, 120))
            .count();
        assert!(
            early > 10 && late > 10,
            "spread over the year: {early} early, {late} late"
        );
        let minutes = data
            .allocations
            .iter()
            .filter(|a| matches!(a.amount, Amount::TotalMinutes(_)))
            .count();
        assert!(
            minutes * 10 > data.allocations.len() * 9,
            "mostly Kantata minutes"
        );
        assert!(data.allocations.iter().any(|a| a.hard));
        assert!(data.allocations.iter().any(|a| !a.hard));

        let holidays_near = r.holidays.iter().filter(|h| span.contains(**h)).count();
        assert!(holidays_near >= 6, "{holidays_near}");
        assert!(r.people.iter().filter(|p| !p.time_off.is_empty()).count() >= 5);
        assert!(r.people.iter().any(|p| p.weekly.working_days() == 4));
        assert!(r.people.iter().any(|p| p.weekly.0[0] == 360));
        let roles: BTreeSet<_> = r.people.iter().map(|p| p.role.as_str()).collect();
        for role in [
            "Engineer",
            "Designer",
            "Product Manager",
            "Analyst",
            "QA Engineer",
            "Architect",
        ] {
            assert!(roles.contains(role), "{role}");
        }

        // Unnamed resources: several, soft only, some with allocations.
        let unnamed: BTreeSet<&Id> = r
            .resources
            .iter()
            .filter(|x| x.is_unnamed())
            .map(|x| &x.id)
            .collect();
        assert!(unnamed.len() >= 5);
        let on_unnamed: Vec<_> = data
            .allocations
            .iter()
            .filter(|a| unnamed.contains(&a.resource_id))
            .collect();
        assert!(!on_unnamed.is_empty());
        assert!(
            on_unnamed.iter().all(|a| !a.hard),
            "unnamed resources are only soft allocated"
        );

        // People on two or three projects.
        let mut projects_of: HashMap<&Id, BTreeSet<&Id>> = HashMap::new();
        for x in &r.resources {
            if let (Some(p), Some(pr)) = (&x.person_id, &x.project_id) {
                projects_of.entry(p).or_default().insert(pr);
            }
        }
        assert!(projects_of.values().filter(|s| s.len() >= 2).count() >= 10);
        assert!(projects_of.values().any(|s| s.len() == 3));

        // Requests.
        let pending: Vec<_> = data
            .requests
            .iter()
            .filter(|q| q.status.is_pending())
            .collect();
        assert!(pending.len() >= 12);
        let me = r.current_user.clone().unwrap();
        assert_eq!(
            r.people.iter().find(|p| p.id == me).unwrap().name,
            "Morgan Lee"
        );
        assert!(
            pending
                .iter()
                .filter(|q| q.approver_ids.contains(&me))
                .count()
                * 2
                > pending.len()
        );
        assert!(pending.iter().any(|q| !q.approver_ids.contains(&me)));
        assert!(
            pending
                .iter()
                .filter(|q| unnamed.contains(&q.resource_id))
                .count()
                * 2
                > pending.len()
        );
        for q in &pending {
            let age = q.age_days(today);
            assert!((1..=30).contains(&age), "{:?} is {age} days old", q.id);
            assert!(q.percentage > Some(0));
        }
        for s in [
            RequestStatus::Approved,
            RequestStatus::Rejected,
            RequestStatus::Cancelled,
        ] {
            assert!(data.requests.iter().any(|q| q.status == s), "{s:?}");
        }

        // Text the sanitizer has to handle.
        assert!(r.people.iter().any(|p| !p.name.is_ascii()));
        assert!(
            data.allocations
                .iter()
                .any(|a| a.notes.contains("\u{1b}[31m"))
        );
    }

    #[test]
    fn someone_is_over_allocated_this_month() {
        for today in [
            "2026-03-10",
            "2026-02-27",
            "2025-12-01",
            "2026-07-31",
            "2026-11-23",
        ] {
            let today = d(today);
            let data = demo(today);
            let month = month_of(today);
            let mut ws = Workspace::from_roster(data.roster.clone());
            ws.set_allocations(month, data.allocations.clone());
            let over: Vec<&str> = ws
                .people
                .values()
                .filter(|p| {
                    let key = RowKey::Person(p.id.clone());
                    ws.load_in(&key, month) > ws.calendar_for(&key).capacity_in(month)
                })
                .map(|p| p.name.as_str())
                .collect();
            assert!(!over.is_empty(), "nobody over in {month:?}");
            assert!(over.len() < 10, "only a few are over: {over:?}");
        }
    }

    #[test]
    fn every_reference_in_the_demo_resolves() {
        let data = demo(d("2026-03-10"));
        let r = &data.roster;
        let people: BTreeSet<&Id> = r.people.iter().map(|p| &p.id).collect();
        let projects: BTreeSet<&Id> = r.projects.iter().map(|p| &p.id).collect();
        let resources: BTreeSet<&Id> = r.resources.iter().map(|p| &p.id).collect();
        for x in &r.resources {
            assert!(projects.contains(x.project_id.as_ref().unwrap()));
            if let Some(p) = &x.person_id {
                assert!(people.contains(p));
            }
        }
        for a in &data.allocations {
            assert!(resources.contains(&a.resource_id));
            assert!(a.range.start <= a.range.end);
        }
        for q in &data.requests {
            assert!(resources.contains(&q.resource_id));
            assert!(people.contains(&q.creator_id));
            assert!(q.approver_ids.iter().all(|a| people.contains(a)));
        }
        let ids: BTreeSet<&Id> = data.allocations.iter().map(|a| &a.id).collect();
        assert_eq!(
            ids.len(),
            data.allocations.len(),
            "allocation ids are unique"
        );
        assert!(data.allocations.iter().all(|a| a.id.as_number().is_some()));
    }

    #[test]
    fn synthetic_has_the_asked_sizes_and_a_plausible_load() {
        let today = d("2026-03-10");
        let data = synthetic(today, 2_000, 100_000);
        assert_eq!(data.roster.resources.len(), 2_000);
        assert_eq!(data.allocations.len(), 100_000);
        let window = DateRange::new(add_days(today, -365), add_days(today, 364));
        assert!(
            data.allocations
                .iter()
                .all(|a| window.contains(a.range.start) && window.contains(a.range.end))
        );
        let people = data.roster.people.len();
        assert!((700..=900).contains(&people), "{people}");
        assert!(
            data.roster
                .resources
                .iter()
                .filter(|r| r.is_unnamed())
                .count()
                >= 50
        );
        let names: BTreeSet<&str> = data.roster.people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names.len(), people, "names are unique");
        assert!(
            data.requests
                .iter()
                .filter(|q| q.status.is_pending())
                .count()
                >= 20
        );
        let ids: BTreeSet<&Id> = data.allocations.iter().map(|a| &a.id).collect();
        assert_eq!(ids.len(), 100_000);

        // Loads around capacity: most people between 50 % and 150 % this month, some over.
        let month = month_of(today);
        let mut ws = Workspace::from_roster(data.roster.clone());
        ws.set_allocations(month, data.allocations.clone());
        let mut over = 0;
        let mut near = 0;
        for p in ws.people.values() {
            let key = RowKey::Person(p.id.clone());
            let (load, cap) = (
                ws.load_in(&key, month),
                ws.calendar_for(&key).capacity_in(month),
            );
            if load > cap {
                over += 1;
            }
            if load * 2 >= cap && load * 2 <= cap * 3 {
                near += 1;
            }
        }
        assert!(over > 0, "some are over");
        assert!(near * 10 >= people * 6, "{near} of {people} near capacity");
        assert_eq!(
            synthetic(today, 40, 300),
            synthetic(today, 40, 300),
            "deterministic"
        );
    }

    #[test]
    fn synthetic_copes_with_tiny_sizes() {
        let today = d("2026-03-10");
        for (r, a) in [(0, 0), (1, 0), (1, 5), (3, 2), (25, 1000)] {
            let data = synthetic(today, r, a);
            assert_eq!(data.roster.resources.len(), r);
            assert_eq!(data.allocations.len(), if r == 0 { 0 } else { a });
            assert!(!data.roster.people.is_empty());
        }
    }

    #[test]
    fn everyone_participates_in_the_projects_they_hold_resources_on() {
        let data = demo(d("2026-03-10"));
        let r = &data.roster;
        let held: BTreeSet<(&Id, &Id)> = r
            .resources
            .iter()
            .filter_map(|x| Some((x.person_id.as_ref()?, x.project_id.as_ref()?)))
            .collect();
        let parts: Vec<(&Id, &Id)> = r
            .participations
            .iter()
            .map(|p| (&p.person_id, &p.project_id))
            .collect();
        assert_eq!(
            parts.len(),
            held.len(),
            "one participation per person and project"
        );
        assert_eq!(parts.iter().copied().collect::<BTreeSet<_>>(), held);

        let with_role: Vec<&Participation> = r
            .participations
            .iter()
            .filter(|p| p.role.is_some())
            .collect();
        assert!(with_role.len() >= 5, "some have a role on the project");
        assert!(
            with_role.len() * 4 < r.participations.len(),
            "most have none"
        );
        let default_of = |id: &Id| r.people.iter().find(|p| &p.id == id).unwrap().role.clone();
        let differs = with_role
            .iter()
            .filter(|p| p.role.as_deref() != Some(default_of(&p.person_id).as_str()))
            .count();
        assert!(
            differs >= 3,
            "a few primary roles differ from the default role"
        );
        for p in &with_role {
            assert!(
                r.resources
                    .iter()
                    .any(|x| x.person_id.as_ref() == Some(&p.person_id)
                        && x.project_id.as_ref() == Some(&p.project_id)
                        && Some(x.role.as_str()) == p.role.as_deref()),
                "{p:?}: the role on the project is one of their resources there"
            );
        }
    }

    /// Allocated minutes per resource and week, spread as the views spread them.
    fn allocated_weeks(data: &DemoData) -> HashMap<(Id, NaiveDate), u64> {
        let ws = Workspace::from_roster(data.roster.clone());
        let mut out = HashMap::new();
        for a in &data.allocations {
            let key = ws.row_key(&a.resource_id).unwrap();
            let cal = ws.calendar_for(&key);
            for (day, m) in a.range.days().zip(allocation_daily(a, &cal)) {
                *out.entry((a.resource_id.clone(), week_start(day)))
                    .or_default() += m as u64;
            }
        }
        out
    }

    #[test]
    fn scheduled_hours_follow_most_allocations_and_some_differ() {
        for (today, exact) in [
            ("2026-03-10", true),
            ("2026-02-27", false),
            ("2025-12-01", false),
            ("2026-07-31", false),
            ("2026-11-23", false),
        ] {
            let today = d(today);
            let data = demo(today);
            let this_week = week_start(today);
            let (first, last) = (add_days(this_week, -56), add_days(this_week, 112));
            for w in &data.scheduled {
                assert_eq!(week_start(w.monday), w.monday, "{w:?} starts on a Monday");
                assert!(w.monday >= first && w.monday <= last, "{w:?}");
                assert!(w.minutes > 0, "{w:?}");
            }
            let with: BTreeSet<&Id> = data.scheduled.iter().map(|w| &w.resource_id).collect();
            let named: Vec<&Resource> = data
                .roster
                .resources
                .iter()
                .filter(|r| r.person_id.is_some())
                .collect();
            let named_with = named.iter().filter(|r| with.contains(&r.id)).count();
            assert!(
                named_with * 10 >= named.len() * 8,
                "most named resources: {named_with}"
            );
            assert!(named_with < named.len(), "some have none");

            let allocated = allocated_weeks(&data);
            let scheduled: HashMap<(Id, NaiveDate), u64> = data
                .scheduled
                .iter()
                .map(|w| ((w.resource_id.clone(), w.monday), w.minutes as u64))
                .collect();
            let (mut same, mut above, mut below) = (0, 0, 0);
            let mut differing: BTreeSet<&str> = BTreeSet::new();
            for id in &with {
                let mut monday = first;
                while monday <= last {
                    let key = ((*id).clone(), monday);
                    let a = allocated.get(&key).copied().unwrap_or(0);
                    let s = scheduled.get(&key).copied().unwrap_or(0);
                    match s.cmp(&a) {
                        std::cmp::Ordering::Equal => same += 1,
                        std::cmp::Ordering::Greater => above += 1,
                        std::cmp::Ordering::Less => below += 1,
                    }
                    if s != a {
                        differing.insert(id.as_str());
                    }
                    monday = add_days(monday, 7);
                }
            }
            assert!(
                same > 10 * (above + below),
                "{same} same, {above} above, {below} below"
            );
            assert!(above >= 5 && below >= 5, "{above} above, {below} below");
            assert!(differing.len() >= 6, "{differing:?}");
            if exact {
                assert_eq!(
                    differing.into_iter().collect::<Vec<_>>(),
                    [
                        "3004", "3009", "3016", "3021", "3023", "3024", "3036", "3045", "3053"
                    ]
                );
            }
        }
    }

    #[test]
    fn synthetic_participations_cover_every_named_resource() {
        let data = synthetic(d("2026-03-10"), 300, 1_000);
        let pairs: BTreeSet<(&Id, &Id)> = data
            .roster
            .resources
            .iter()
            .filter_map(|x| Some((x.person_id.as_ref()?, x.project_id.as_ref()?)))
            .collect();
        assert_eq!(data.roster.participations.len(), pairs.len());
        assert!(data.roster.participations.iter().all(|p| p.role.is_none()));
        assert!(data.scheduled.is_empty());
    }
}
