//! Who should staff a request, and what a set of approvals does to each person's load taken
//! together. Pure functions over the loaded workspace: the reducer (pickers, bulk approval), the
//! Requests view and the headless `requests show` all rank from here, so they agree.
//!
//! A request's load is what approving books: for an unnamed resource, its allocations moved
//! onto the person picked (naming moves them all) and spread on that person's calendar; for a
//! named one, what is already on the person's row (soft and hard count alike in the load, so
//! approving changes no figure). Earlier picks of the same bulk approval are added as
//! [`Planned`] load, so no pick is judged as if the others did not exist.

use super::calendar::{Calendar, Holidays, WeeklyCapacity};
use super::dates::{DateRange, add_days, week_start};
use super::ids::Id;
use super::impact::impact_span;
use super::load::{LoadLevel, allocation_daily, load_level, utilization_pct};
use super::model::{Allocation, Person, Request, Resource};
use super::workspace::{RowKey, RowView, Workspace};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Minutes per day that picks made earlier in a plan add to each person.
pub type Planned = BTreeMap<Id, BTreeMap<NaiveDate, u64>>;

/// How a person's role relates to the role asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RoleMatch {
    /// The same role (case and spacing aside).
    Exact,
    /// A role sharing a word with it ("QA Engineer" for "Engineer").
    Related,
    Other,
}

impl RoleMatch {
    pub fn label(self) -> &'static str {
        match self {
            RoleMatch::Exact => "same role",
            RoleMatch::Related => "related role",
            RoleMatch::Other => "other role",
        }
    }
}

/// How `have` relates to `want`: equal, sharing a word, or neither.
pub fn role_match(want: &str, have: &str) -> RoleMatch {
    let norm = |s: &str| {
        s.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    };
    let (want, have) = (norm(want), norm(have));
    if want.is_empty() || have.is_empty() {
        RoleMatch::Other
    } else if want == have {
        RoleMatch::Exact
    } else if want.iter().any(|w| have.contains(w)) {
        RoleMatch::Related
    } else {
        RoleMatch::Other
    }
}

/// One week of a person's load with a request (and any planned picks) added.
#[derive(Clone, Debug, PartialEq)]
pub struct ImpactWeek {
    pub monday: NaiveDate,
    pub load: u64,
    pub capacity: u64,
    pub level: LoadLevel,
}

impl ImpactWeek {
    /// "82%", "▲110%", or "off" for a week with no capacity.
    pub fn percent(&self) -> Option<u64> {
        utilization_pct(self.load, self.capacity)
    }
}

/// The week where `weeks` is most loaded: over capacity first, then by share.
pub fn peak(weeks: &[ImpactWeek]) -> Option<&ImpactWeek> {
    weeks
        .iter()
        .max_by_key(|w| (w.level, w.percent().unwrap_or(u64::MAX)))
}

/// Whether `weeks` all stay within capacity.
pub fn fits(weeks: &[ImpactWeek]) -> bool {
    weeks.iter().all(|w| w.load <= w.capacity)
}

/// The role `r`'s resource is for ("" when the resource is not known).
pub fn role_asked<'a>(ws: &'a Workspace, r: &Request) -> &'a str {
    ws.resources
        .get(&r.resource_id)
        .map(|x| x.role.as_str())
        .unwrap_or("")
}

fn unnamed(ws: &Workspace, r: &Request) -> bool {
    ws.resources
        .get(&r.resource_id)
        .is_some_and(Resource::is_unnamed)
}

/// The minutes per day that approving `r` with `person` adds to their row: an unnamed
/// resource's allocations spread on their calendar; nothing for a named one (already counted).
pub fn added_daily(ws: &Workspace, r: &Request, person: &Id) -> BTreeMap<NaiveDate, u64> {
    let mut out = BTreeMap::new();
    if !unnamed(ws, r) {
        return out;
    }
    let Some(key) = ws.row_key(&r.resource_id) else {
        return out;
    };
    let cal = ws.calendar_for(&RowKey::Person(person.clone()));
    for a in ws.allocations_of(&key) {
        if a.resource_id != r.resource_id {
            continue;
        }
        for (d, m) in a.range.days().zip(allocation_daily(a, &cal)) {
            *out.entry(d).or_insert(0) += u64::from(m);
        }
    }
    out
}

/// [`added_daily`] summed by week from `first` (a Monday), one slot per week, spread on `cal`:
/// what ranking needs, without a map of days per person.
fn added_weekly(ws: &Workspace, r: &Request, cal: &Calendar, first: NaiveDate) -> Vec<u64> {
    spread_weekly(&request_allocations(ws, r), cal, first)
}

/// The allocations approving `r` moves onto the person: an unnamed resource's; none for a
/// named one (already on their row).
fn request_allocations<'a>(ws: &'a Workspace, r: &Request) -> Vec<&'a Allocation> {
    match ws.row_key(&r.resource_id) {
        Some(key) if unnamed(ws, r) => ws
            .allocations_of(&key)
            .into_iter()
            .filter(|a| a.resource_id == r.resource_id)
            .collect(),
        _ => Vec::new(),
    }
}

/// `allocations` spread on `cal`, summed by week from `first` (a Monday), one slot per week.
fn spread_weekly(allocations: &[&Allocation], cal: &Calendar, first: NaiveDate) -> Vec<u64> {
    let mut out = Vec::new();
    for a in allocations {
        for (d, m) in a.range.days().zip(allocation_daily(a, cal)) {
            let Ok(week) = usize::try_from((d - first).num_days().div_euclid(7)) else {
                continue;
            };
            if out.len() <= week {
                out.resize(week + 1, 0);
            }
            out[week] += u64::from(m);
        }
    }
    out
}

/// What of a person's calendar spreading an allocation over `range` can read: two people with
/// equal keys get the same minutes on every day of it, so ranking spreads the request once per
/// distinct key rather than once per person (most people share a week and the holidays).
#[derive(PartialEq, Eq, Hash)]
struct CalendarIn {
    weekly: WeeklyCapacity,
    changes: Vec<(NaiveDate, WeeklyCapacity)>,
    holidays: Vec<NaiveDate>,
    time_off: Vec<DateRange>,
    minutes_off: Vec<(NaiveDate, u32)>,
}

/// [`CalendarIn`] for `p` as [`super::workspace::person_calendar`] builds their calendar: the
/// backend's full one where it gave one, else their week, time off and the holidays.
fn calendar_in(ws: &Workspace, p: &Person, range: DateRange) -> CalendarIn {
    let clip = |off: &[DateRange]| off.iter().filter_map(|o| o.intersect(&range)).collect();
    let holidays = |h: &Holidays| h.range(range.start..=range.end).copied().collect();
    match ws.calendars.get(&p.id) {
        Some(c) => CalendarIn {
            weekly: c.weekly,
            changes: c.changes.clone(),
            holidays: holidays(&c.holidays),
            time_off: clip(&c.time_off),
            minutes_off: c
                .minutes_off
                .range(range.start..=range.end)
                .map(|(d, m)| (*d, *m))
                .collect(),
        },
        None => CalendarIn {
            weekly: p.weekly,
            changes: Vec::new(),
            holidays: holidays(&ws.holidays),
            time_off: clip(&p.time_off),
            minutes_off: Vec::new(),
        },
    }
}

/// The request's allocations spread by week, once per distinct calendar ([`CalendarIn`]).
struct Spreads<'a> {
    ws: &'a Workspace,
    allocations: Vec<&'a Allocation>,
    first: NaiveDate,
    /// The days spreading can read: the resource's allocations, widened by a month each way
    /// (a per-week or per-month amount reads its whole week or month). `None`: nothing to add.
    reads: Option<DateRange>,
    seen: HashMap<CalendarIn, usize>,
    /// Spreads by week pattern, for people with no calendar of the backend's and no time off
    /// in `reads`: their [`CalendarIn`] is their week and everyone's holidays, so it is not built.
    plain: Vec<(WeeklyCapacity, usize)>,
    spread: Vec<Vec<u64>>,
}

impl<'a> Spreads<'a> {
    /// For `r` over `span`: only its allocations that touch the span's weeks add to them (one
    /// outside adds only outside, whatever its unit), so only those are spread.
    fn new(ws: &'a Workspace, r: &'a Request, span: DateRange) -> Self {
        let first = week_start(span.start);
        let weeks = DateRange::new(first, add_days(week_start(span.end), 6));
        let allocations: Vec<&Allocation> = request_allocations(ws, r)
            .into_iter()
            .filter(|a| a.range.intersect(&weeks).is_some())
            .collect();
        let start = allocations.iter().map(|a| a.range.start).min();
        let end = allocations.iter().map(|a| a.range.end).max();
        let reads = start
            .zip(end)
            .map(|(s, e)| DateRange::new(add_days(s, -31), add_days(e, 31)));
        Spreads {
            allocations,
            ws,
            first,
            reads,
            seen: HashMap::new(),
            plain: Vec::new(),
            spread: Vec::new(),
        }
    }

    /// What approving adds to `p`'s weeks from `first`.
    fn weekly(&mut self, p: &Person) -> &[u64] {
        let Some(reads) = self.reads else {
            return &[];
        };
        let plain = !self.ws.calendars.contains_key(&p.id)
            && !p.time_off.iter().any(|o| o.intersect(&reads).is_some());
        let known = if plain {
            self.plain
                .iter()
                .find(|(w, _)| *w == p.weekly)
                .map(|(_, i)| *i)
        } else {
            None
        };
        let i = match known {
            Some(i) => i,
            None if plain => {
                let i = self.spread_for(p);
                self.plain.push((p.weekly, i));
                i
            }
            None => {
                let key = calendar_in(self.ws, p, reads);
                match self.seen.get(&key) {
                    Some(i) => *i,
                    None => {
                        let i = self.spread_for(p);
                        self.seen.insert(key, i);
                        i
                    }
                }
            }
        };
        &self.spread[i]
    }

    /// Spreads the allocations on `p`'s calendar, kept at the index returned.
    fn spread_for(&mut self, p: &Person) -> usize {
        let cal = self.ws.calendar_for(&RowKey::Person(p.id.clone()));
        self.spread
            .push(spread_weekly(&self.allocations, &cal, self.first));
        self.spread.len() - 1
    }
}

fn sum_in(days: Option<&BTreeMap<NaiveDate, u64>>, range: DateRange) -> u64 {
    days.map(|d| d.range(range.start..=range.end).map(|(_, m)| *m).sum())
        .unwrap_or(0)
}

/// `person`'s weekly load over the request's impact span once approved, with `planned` load
/// from earlier picks added. Empty when the request has no span (no period, nothing to harden).
pub fn weeks(ws: &Workspace, r: &Request, person: &Id, planned: &Planned) -> Vec<ImpactWeek> {
    one_person(ws, r, person, planned).0
}

/// `person`'s free minutes over the request's impact span before it (after `planned`): capacity
/// minus load, negative when already over; 0 when there is no span.
pub fn free_minutes(ws: &Workspace, r: &Request, person: &Id, planned: &Planned) -> i64 {
    one_person(ws, r, person, planned).1
}

fn one_person(
    ws: &Workspace,
    r: &Request,
    person: &Id,
    planned: &Planned,
) -> (Vec<ImpactWeek>, i64) {
    let Some(span) = impact_span(ws, r) else {
        return (Vec::new(), 0);
    };
    let first = week_start(span.start);
    let cal = ws.calendar_for(&RowKey::Person(person.clone()));
    let added = added_weekly(ws, r, &cal, first);
    facts(ws, span, person, &added, planned)
}

/// [`weeks`] and [`free_minutes`] for one person over `span` (the request's impact span), with
/// `added` what approving adds to each week from `span`'s Monday on: both worked out once by
/// the caller (the span walks the resource's allocations; the spread, its calendar).
fn facts(
    ws: &Workspace,
    span: DateRange,
    person: &Id,
    added: &[u64],
    planned: &Planned,
) -> (Vec<ImpactWeek>, i64) {
    let key = RowKey::Person(person.clone());
    let view = ws.row_view(&key);
    let extra = planned.get(person);
    let free = free_in(&view, extra, span);
    let out = mondays(span)
        .enumerate()
        .map(|(i, monday)| {
            let week = DateRange::new(monday, add_days(monday, 6));
            let added = added.get(i).copied().unwrap_or(0);
            let load = view.load_in(week) + added + sum_in(extra, week);
            let capacity = view.capacity_in(week);
            ImpactWeek {
                monday,
                load,
                capacity,
                level: load_level(load, capacity),
            }
        })
        .collect();
    (out, free)
}

/// The Mondays of the weeks a request's impact covers: from `span`'s first week to its last,
/// at most 60 (a request longer than a year is shown by its first 60 weeks).
fn mondays(span: DateRange) -> impl Iterator<Item = NaiveDate> {
    std::iter::successors(Some(week_start(span.start)), |m| Some(add_days(*m, 7)))
        .take_while(move |m| *m <= span.end)
        .take(60)
}

/// [`fits`] of [`facts`]' weeks for `p`, without their peak: what deciding the order needs of
/// someone who may not be shown. Someone already over capacity in a week (before the request,
/// with `planned`) cannot fit, so the request is spread on their calendar only when nobody is.
fn fits_in(
    ws: &Workspace,
    span: DateRange,
    p: &Person,
    planned: &Planned,
    spreads: &mut Spreads,
) -> bool {
    let key = RowKey::Person(p.id.clone());
    let view = ws.row_view(&key);
    let extra = planned.get(&p.id);
    let mut weeks: Vec<(u64, u64)> = Vec::new();
    for monday in mondays(span) {
        let week = DateRange::new(monday, add_days(monday, 6));
        let (load, capacity) = (
            view.load_in(week) + sum_in(extra, week),
            view.capacity_in(week),
        );
        if load > capacity {
            return false;
        }
        weeks.push((load, capacity));
    }
    let added = spreads.weekly(p);
    weeks
        .iter()
        .enumerate()
        .all(|(i, (load, capacity))| load + added.get(i).copied().unwrap_or(0) <= *capacity)
}

/// Capacity minus load (and `extra` planned load) over `span`: [`free_minutes`] on a row.
fn free_in(view: &RowView, extra: Option<&BTreeMap<NaiveDate, u64>>, span: DateRange) -> i64 {
    view.capacity_in(span) as i64 - (view.load_in(span) + sum_in(extra, span)) as i64
}

/// One person ranked for a request, with why they rank there.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub person: Id,
    pub role: RoleMatch,
    /// Free minutes over the request's dates before it ([`free_minutes`]).
    pub free: i64,
    /// Their most loaded week with the request.
    pub peak: Option<ImpactWeek>,
    /// Every week with the request stays within their capacity.
    pub fits: bool,
    /// Their skill matching the role asked for, best level first (`super::skills`), as
    /// (name, level): breaks ties after `fits`. `None` where the backend keeps no skills.
    pub skill: Option<(String, u8)>,
}

impl Candidate {
    /// "same role · fits · peak 80%": why this line ranks where it does.
    pub fn why(&self) -> String {
        let mut fit = String::from(if self.fits { "fits" } else { "over capacity" });
        if let Some(s) = &self.skill {
            fit = format!("{fit} · {}", super::skills::describe(s));
        }
        match &self.peak {
            Some(w) => format!(
                "{} · {fit} · peak {}",
                self.role.label(),
                w.percent()
                    .map(|p| format!("{p}%"))
                    .unwrap_or_else(|| "off".into())
            ),
            None => format!("{} · {fit}", self.role.label()),
        }
    }
}

/// Everyone who could staff `r`, best first: the role asked for, then related roles, then the
/// rest; within each, those who fit under capacity over the whole period before those who do
/// not; among those who fit, by the level of their skill matching the role, where the backend
/// keeps skills; then by most free hours, then by name.
pub fn rank(ws: &Workspace, r: &Request, planned: &Planned) -> Vec<Candidate> {
    let want = role_asked(ws, r);
    let span = impact_span(ws, r);
    let mut spreads = span.map(|s| Spreads::new(ws, r, s));
    let mut out: Vec<(String, Candidate)> = ws
        .people
        .values()
        .map(|p| {
            let (weeks, free) = match (span, spreads.as_mut()) {
                (Some(span), Some(spreads)) => facts(ws, span, &p.id, spreads.weekly(p), planned),
                _ => (Vec::new(), 0),
            };
            let c = Candidate {
                person: p.id.clone(),
                role: role_match(want, &p.role),
                free,
                fits: fits(&weeks),
                peak: peak(&weeks).cloned(),
                skill: super::skills::for_role(ws, &p.id, want),
            };
            (p.name.to_lowercase(), c)
        })
        .collect();
    // Among those who fit, higher skill level first (any matching skill before none); those
    // over capacity stay closest first (most free), whatever their skills. No skills: as before.
    let level = |c: &Candidate| std::cmp::Reverse(c.skill.as_ref().filter(|_| c.fits).map(|s| s.1));
    out.sort_by(|(an, a), (bn, b)| {
        (a.role, !a.fits, level(a), -a.free, an, &a.person).cmp(&(
            b.role,
            !b.fits,
            level(b),
            -b.free,
            bn,
            &b.person,
        ))
    });
    out.into_iter().map(|(_, c)| c).collect()
}

/// The first candidates of [`rank`] and the [`best_split`] of the whole ranking.
#[derive(Clone, Debug, PartialEq)]
pub struct Top {
    pub candidates: Vec<Candidate>,
    pub split: Option<Split>,
}

/// What ranking knows of a person without spreading the request on their calendar.
struct Cheap<'a> {
    person: &'a Person,
    role: RoleMatch,
    free: i64,
    /// Their skill matching the role asked for, as in [`Candidate::skill`].
    skill: Option<(String, u8)>,
}

/// The first `k` of [`rank`] and the [`best_split`] of all of it, the same to the last figure,
/// without working out everyone's weeks (what made a selection move cost a few frames on the
/// large workspace). Role and free minutes are sums over the load index; the rank order within
/// a role is theirs (free, then name) except that those who fit come first. So each role's
/// people are walked in that order and their weeks worked out only until `k` who fit are found
/// or the role runs out; where nobody fits at all, the rest are walked to be sure before a
/// split is offered.
pub fn rank_top(ws: &Workspace, r: &Request, planned: &Planned, k: usize) -> Top {
    let want = role_asked(ws, r);
    let span = impact_span(ws, r);
    // People share a handful of roles: each is matched once.
    let mut roles: HashMap<&str, RoleMatch> = HashMap::new();
    let mut cheap: Vec<Cheap> = ws
        .people
        .values()
        .map(|p| {
            let role = *roles
                .entry(p.role.as_str())
                .or_insert_with(|| role_match(want, &p.role));
            let free = span.map_or(0, |span| {
                let key = RowKey::Person(p.id.clone());
                free_in(&ws.row_view(&key), planned.get(&p.id), span)
            });
            Cheap {
                person: p,
                role,
                free,
                skill: super::skills::for_role(ws, &p.id, want),
            }
        })
        .collect();
    sort_cheap(&mut cheap);
    let Some(span) = span else {
        // No dates: nothing to load anyone with, so everyone fits, in the cheap order.
        let candidates = cheap
            .iter()
            .take(k)
            .map(|c| Candidate {
                person: c.person.id.clone(),
                role: c.role,
                free: 0,
                peak: None,
                fits: true,
                skill: c.skill.clone(),
            })
            .collect();
        return Top {
            candidates,
            split: None,
        };
    };
    let mut spreads = Spreads::new(ws, r, span);
    let mut fits_of = |c: &Cheap| fits_in(ws, span, c.person, planned, &mut spreads);
    // Each role in turn: those who fit first, then the rest, each in the cheap order.
    let mut shown: Vec<&Cheap> = Vec::new();
    let mut someone_fits = false;
    let mut walked = 0;
    while walked < cheap.len() && shown.len() < k {
        let role = cheap[walked].role;
        let group = cheap[walked..]
            .iter()
            .take_while(|c| c.role == role)
            .count();
        let need = k - shown.len();
        let (mut fit, mut over) = (Vec::new(), Vec::new());
        for c in &cheap[walked..walked + group] {
            if fits_of(c) {
                fit.push(c);
                if fit.len() == need {
                    break;
                }
            } else {
                over.push(c);
            }
        }
        someone_fits |= !fit.is_empty();
        shown.extend(fit);
        // Walked to the role's end (else `k` fit): its over-capacity people follow, closest
        // first (skills order only those who fit).
        by_free(&mut over);
        over.truncate(k - shown.len());
        shown.extend(over);
        walked += group;
    }
    // A split only where nobody at all fits: the people not walked yet could.
    let unnamed = unnamed(ws, r);
    if !someone_fits && unnamed {
        someone_fits = cheap[walked..].iter().any(&mut fits_of);
    }
    let candidates = shown
        .iter()
        .map(|c| {
            let (weeks, free) = facts(ws, span, &c.person.id, spreads.weekly(c.person), planned);
            debug_assert_eq!(free, c.free);
            Candidate {
                person: c.person.id.clone(),
                role: c.role,
                free,
                fits: fits(&weeks),
                peak: peak(&weeks).cloned(),
                skill: c.skill.clone(),
            }
        })
        .collect();
    let split = match cheap.first() {
        Some(best) if !someone_fits && unnamed => {
            // Nobody fits, so the best role's ranking is by free minutes, then name: the pool
            // [`best_split`] takes from it.
            let mut pool: Vec<&Cheap> = cheap.iter().take_while(|c| c.role == best.role).collect();
            by_free(&mut pool);
            pool.truncate(SPLIT_POOL);
            let ids: Vec<&Id> = pool.iter().map(|c| &c.person.id).collect();
            split_among(ws, r, &ids, |p| {
                pool.iter()
                    .find(|c| c.person.id == *p)
                    .map(|c| spreads.weekly(c.person).to_vec())
                    .unwrap_or_default()
            })
        }
        _ => None,
    };
    Top { candidates, split }
}

/// `cheap` in [`rank`]'s order for those who fit: role, matching skill's level, most free,
/// name, id ([`by_free`] puts those who do not back in theirs). Names are lowercased only where
/// the rest ties.
fn sort_cheap(cheap: &mut [Cheap]) {
    let level = |c: &Cheap| std::cmp::Reverse(c.skill.as_ref().map(|s| s.1));
    cheap.sort_unstable_by_key(|c| (c.role, level(c), -c.free));
    let mut i = 0;
    while i < cheap.len() {
        let at = (cheap[i].role, level(&cheap[i]), cheap[i].free);
        let tie = cheap[i..]
            .iter()
            .take_while(|c| (c.role, level(c), c.free) == at)
            .count();
        if tie > 1 {
            let run = &mut cheap[i..i + tie];
            run.sort_by_cached_key(|c| (c.person.name.to_lowercase(), c.person.id.clone()));
        }
        i += tie;
    }
}

/// [`rank`]'s order for people over capacity (skills aside): most free, name, id.
fn by_free(cheap: &mut [&Cheap]) {
    cheap.sort_by_cached_key(|c| (-c.free, c.person.name.to_lowercase(), c.person.id.clone()));
}

/// Two people who together fit where nobody fits alone: `first` takes what fits under their
/// capacity each week, `second` the rest.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub first: Id,
    pub second: Id,
    pub first_minutes: u64,
    pub second_minutes: u64,
}

/// The best split of an unnamed request between two people of its role (or related roles, or
/// anyone when nobody has one), most spare room first; `None` when someone fits alone, when the
/// request is named, or when no two people fit together. Looks at the ten with most free time.
pub fn best_split(ws: &Workspace, r: &Request, ranked: &[Candidate]) -> Option<Split> {
    if !unnamed(ws, r) || ranked.iter().any(|c| c.fits) {
        return None;
    }
    let best_role = ranked.iter().map(|c| c.role).min()?;
    let mut pool: Vec<&Candidate> = ranked.iter().filter(|c| c.role == best_role).collect();
    pool.sort_by_key(|c| -c.free);
    pool.truncate(SPLIT_POOL);
    let pool: Vec<&Id> = pool.iter().map(|c| &c.person).collect();
    let span = impact_span(ws, r)?;
    split_among(ws, r, &pool, |p| {
        let added = added_daily(ws, r, p);
        mondays(span)
            .map(|m| sum_in(Some(&added), DateRange::new(m, add_days(m, 6))))
            .collect()
    })
}

/// How many of the best role, most free first, [`best_split`] pairs up.
const SPLIT_POOL: usize = 10;

/// The best split of `r` between two of `pool`, most spare room first, `need(p)` being what
/// the request adds to `p`'s weeks (from the span's Monday) once approved with them.
fn split_among(
    ws: &Workspace,
    r: &Request,
    pool: &[&Id],
    mut need: impl FnMut(&Id) -> Vec<u64>,
) -> Option<Split> {
    let span = impact_span(ws, r)?;
    // What the request asks each week, and what each person has spare that week.
    let rows: Vec<(&Id, Vec<u64>, Vec<u64>)> = pool
        .iter()
        .map(|p| {
            let key = RowKey::Person((*p).clone());
            let view = ws.row_view(&key);
            let added = need(p);
            let (free, need) = mondays(span)
                .enumerate()
                .map(|(i, m)| {
                    let week = DateRange::new(m, add_days(m, 6));
                    let free = view.capacity_in(week).saturating_sub(view.load_in(week));
                    (free, added.get(i).copied().unwrap_or(0))
                })
                .unzip();
            (*p, free, need)
        })
        .collect();
    let mut best: Option<(u64, Split)> = None;
    for (i, (a, fa, need)) in rows.iter().enumerate() {
        for (b, fb, _) in rows.iter().skip(i + 1) {
            let mut slack = 0;
            let (mut ma, mut mb) = (0, 0);
            let ok = need.iter().zip(fa.iter().zip(fb)).all(|(n, (x, y))| {
                let take = (*n).min(*x);
                ma += take;
                mb += n - take;
                slack += x + y - (*n).min(x + y);
                x + y >= *n
            });
            if ok && best.as_ref().is_none_or(|(s, _)| slack > *s) {
                best = Some((
                    slack,
                    Split {
                        first: (*a).clone(),
                        second: (*b).clone(),
                        first_minutes: ma,
                        second_minutes: mb,
                    },
                ));
            }
        }
    }
    best.map(|(_, s)| s)
}

/// The planned load of `picks` (request, person) for an unnamed request's allocations moved onto
/// the person; a named request's load is on its row already.
pub fn planned_load(ws: &Workspace, picks: &[(&Request, &Id)]) -> Planned {
    let mut out = Planned::new();
    for (r, p) in picks {
        let row = out.entry((*p).clone()).or_default();
        for (d, m) in added_daily(ws, r, p) {
            *row.entry(d).or_insert(0) += m;
        }
    }
    out
}

/// One request of a bulk approval and the person it staffs, with that person's peak week once
/// every pick of the plan is booked.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanItem {
    pub request: Id,
    /// Who it staffs: the person picked, the top candidate for an unnamed request left to the
    /// plan, or the named resource's person. `None` when there is nobody (no people at all).
    pub person: Option<Id>,
    pub peak: Option<ImpactWeek>,
    /// Some week of this request goes over the person's capacity once the plan is booked.
    pub over: bool,
    /// Minutes above capacity in those weeks, summed; 0 when it fits.
    pub over_by: u64,
    /// How many weeks go over.
    pub weeks_over: usize,
    /// No one fits alone: the best split there is, to say who comes closest.
    pub split: Option<Split>,
}

/// Plans `picks` together, in order: each unnamed request without a person takes the top
/// candidate given the picks before it; then every item's peak is measured with the whole plan
/// booked, so no peak reads lower than what approving all of them books.
pub fn plan(ws: &Workspace, picks: &[(&Request, Option<Id>)]) -> Vec<PlanItem> {
    let mut chosen: Vec<(&Request, Option<Id>, Option<Split>)> = Vec::new();
    for (r, pick) in picks {
        let done: Vec<(&Request, &Id)> = chosen
            .iter()
            .filter_map(|(r, p, _)| p.as_ref().map(|p| (*r, p)))
            .collect();
        let planned = planned_load(ws, &done);
        let named = ws
            .resources
            .get(&r.resource_id)
            .and_then(|x| x.person_id.clone());
        let (person, split) = match (pick, named) {
            (Some(p), _) => (Some(p.clone()), None),
            (None, Some(n)) => (Some(n), None),
            (None, None) => {
                // The top candidate and the split, as `rank` and `best_split` would give them
                // (the proptest on `rank_top`), without everyone's weeks.
                let top = rank_top(ws, r, &planned, 1);
                (top.candidates.first().map(|c| c.person.clone()), top.split)
            }
        };
        chosen.push((r, person, split));
    }
    (0..chosen.len())
        .map(|i| {
            let (r, person, split) = &chosen[i];
            let others: Vec<(&Request, &Id)> = chosen
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .filter_map(|(_, (r, p, _))| p.as_ref().map(|p| (*r, p)))
                .collect();
            let planned = planned_load(ws, &others);
            let weeks = person
                .as_ref()
                .map(|p| weeks(ws, r, p, &planned))
                .unwrap_or_default();
            let over: Vec<u64> = weeks
                .iter()
                .filter(|w| w.load > w.capacity)
                .map(|w| w.load - w.capacity)
                .collect();
            PlanItem {
                request: r.id.clone(),
                person: person.clone(),
                over_by: over.iter().sum(),
                weeks_over: over.len(),
                over: !fits(&weeks),
                peak: peak(&weeks).cloned(),
                split: split.clone(),
            }
        })
        .collect()
}

/// A candidate as `allot requests show --json` reports it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CandidateFacts {
    pub id: String,
    pub name: String,
    pub role: String,
    /// Free hours over the request's dates before it (negative when already over capacity).
    pub free_hours: f64,
    /// Their most loaded week's share of capacity with the request; `None` when that week has
    /// no capacity or the request has no dates.
    pub peak_percent: Option<u64>,
    /// Their peak week with the request stays within capacity.
    pub fits: bool,
}

/// The candidates for request `r`, in rank order ([`rank`]), as plain facts for scripts: `id`,
/// `name`, `role`, `free_hours`, `peak_percent`, `fits`. Meant for `allot requests show --json`
/// on an unnamed resource; for a named one it still ranks, but nobody is picked on approval.
/// With them, where nobody fits alone, the best split between two people ([`best_split`]), as
/// the Requests view offers it.
pub fn candidate_facts(ws: &Workspace, r: &Request) -> (Vec<CandidateFacts>, Option<Split>) {
    let ranked = rank(ws, r, &Planned::new());
    let split = best_split(ws, r, &ranked);
    let facts = ranked
        .into_iter()
        .map(|c| {
            let p = ws.people.get(&c.person);
            CandidateFacts {
                id: c.person.to_string(),
                name: p.map(|p| p.name.clone()).unwrap_or_default(),
                role: p.map(|p| p.role.clone()).unwrap_or_default(),
                free_hours: (c.free as f64 / 60.0 * 100.0).round() / 100.0,
                peak_percent: c.peak.as_ref().and_then(ImpactWeek::percent),
                fits: c.fits,
            }
        })
        .collect();
    (facts, split)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::model::{Allocation, Amount, Person, Project, RequestStatus};
    use crate::domain::{Roster, WeeklyCapacity};
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    const START: &str = "2026-12-07";
    const END: &str = "2026-12-18";

    fn person(id: &str, name: &str, role: &str) -> Person {
        Person {
            id: Id::new(id),
            name: name.into(),
            email: format!("{id}@example.test"),
            role: role.into(),
            weekly: WeeklyCapacity::STANDARD,
            time_off: vec![],
        }
    }

    /// People, one unnamed resource per role in `wanted` (ids "u0", "u1", …, each with a
    /// request "q0", … over two weeks at `pct` of 40 h), and `load` minutes per person spread
    /// over the same two weeks on a resource of their own.
    pub(crate) fn workspace(
        people: &[(&str, &str, &str, u32)],
        wanted: &[(&str, u32)],
    ) -> Workspace {
        let mut resources = Vec::new();
        let mut allocations = Vec::new();
        let range = DateRange::new(d(START), d(END));
        for (id, _, role, load) in people {
            resources.push(Resource {
                id: Id::new(format!("r{id}")),
                project_id: Some(Id::new("p")),
                person_id: Some(Id::new(*id)),
                role: (*role).into(),
                label: String::new(),
            });
            allocations.push(alloc(&format!("a{id}"), &format!("r{id}"), range, *load));
        }
        for (i, (role, pct)) in wanted.iter().enumerate() {
            resources.push(Resource {
                id: Id::new(format!("u{i}")),
                project_id: Some(Id::new("p")),
                person_id: None,
                role: (*role).into(),
                label: String::new(),
            });
            allocations.push(alloc(
                &format!("q{i}a"),
                &format!("u{i}"),
                range,
                80 * 60 * pct / 100,
            ));
        }
        let mut ws = Workspace::from_roster(Roster {
            people: people
                .iter()
                .map(|(id, name, role, _)| person(id, name, role))
                .collect(),
            projects: vec![Project {
                id: Id::new("p"),
                name: "Atlas".into(),
                client: String::new(),
                roles: None,
            }],
            resources,
            ..Default::default()
        });
        ws.set_allocations(
            DateRange::new(d("2026-11-02"), d("2027-02-28")),
            allocations,
        );
        for (i, (_, pct)) in wanted.iter().enumerate() {
            let r = request(&format!("q{i}"), &format!("u{i}"), range, *pct);
            ws.requests.insert(r.id.clone(), r);
        }
        ws
    }

    fn alloc(id: &str, res: &str, range: DateRange, minutes: u32) -> Allocation {
        Allocation {
            id: Id::new(id),
            resource_id: Id::new(res),
            project_id: Some(Id::new("p")),
            range,
            amount: Amount::TotalMinutes(minutes),
            hard: !res.starts_with('u'),
            notes: String::new(),
            read_only: false,
            allocate_on_time_off: false,
            server_total_minutes: None,
            version: 1,
        }
    }

    fn request(id: &str, res: &str, period: DateRange, pct: u32) -> Request {
        Request {
            id: Id::new(id),
            resource_id: Id::new(res),
            status: RequestStatus::New,
            approver_ids: vec![],
            creator_id: Id::new("x"),
            created_at: Utc.with_ymd_and_hms(2026, 11, 17, 12, 0, 0).unwrap(),
            period: Some(period),
            percentage: Some(pct),
            notes: String::new(),
        }
    }

    fn names(ws: &Workspace, ranked: &[Candidate]) -> Vec<String> {
        ranked
            .iter()
            .map(|c| ws.person_name(&c.person).to_string())
            .collect()
    }

    #[test]
    fn the_exact_role_ranks_before_roles_that_only_contain_it() {
        // The free Engineer used to top the QA request (substring); the busier QA Engineer fits.
        let ws = workspace(
            &[
                ("1", "Eve Engineer", "Engineer", 0),
                ("2", "Quinn QA", "QA Engineer", 1200),
                ("3", "Dev Ops", "DevOps Engineer", 0),
                ("4", "Pat Designer", "Designer", 0),
            ],
            &[("QA Engineer", 50), ("Engineer", 50)],
        );
        let qa = rank(&ws, &ws.requests[&Id::new("q0")], &Planned::new());
        assert_eq!(
            names(&ws, &qa),
            ["Quinn QA", "Dev Ops", "Eve Engineer", "Pat Designer"]
        );
        assert_eq!(qa[0].role, RoleMatch::Exact);
        assert_eq!(qa[1].role, RoleMatch::Related);
        assert_eq!(qa[3].role, RoleMatch::Other);
        let eng = rank(&ws, &ws.requests[&Id::new("q1")], &Planned::new());
        assert_eq!(
            names(&ws, &eng)[0],
            "Eve Engineer",
            "not the DevOps Engineer"
        );
        assert_eq!(eng[0].why(), "same role · fits · peak 50%");
        assert!(eng[1].why().starts_with("related role"), "{}", eng[1].why());
    }

    #[test]
    fn people_who_fit_rank_before_those_with_more_free_hours_who_do_not() {
        // Ann has more free hours over the two weeks, but her second week is full: the request
        // takes her over. Bo fits every week.
        let mut ws = workspace(
            &[("1", "Ann", "Engineer", 0), ("2", "Bo", "Engineer", 2000)],
            &[("Engineer", 50)],
        );
        let second = DateRange::new(d("2026-12-14"), d("2026-12-18"));
        ws.put_allocation(alloc("busy", "r1", second, 1800));
        let r = ws.requests[&Id::new("q0")].clone();
        let ranked = rank(&ws, &r, &Planned::new());
        assert!(ranked[0].free < ranked[1].free, "Bo has fewer free hours");
        assert_eq!(names(&ws, &ranked), ["Bo", "Ann"]);
        assert!(ranked[0].fits && !ranked[1].fits);
        assert_eq!(
            ranked[1].peak.as_ref().and_then(ImpactWeek::percent),
            Some(125)
        );
        assert_eq!(best_split(&ws, &r, &ranked), None, "someone fits alone");
    }

    #[test]
    fn where_nobody_fits_the_best_split_of_two_is_offered() {
        // 100 % for two weeks; each Engineer has half a week free.
        let ws = workspace(
            &[
                ("1", "Ann", "Engineer", 2400),
                ("2", "Bo", "Engineer", 2400),
                ("3", "Cy", "Engineer", 3600),
            ],
            &[("Engineer", 100)],
        );
        let r = &ws.requests[&Id::new("q0")];
        let ranked = rank(&ws, r, &Planned::new());
        assert!(ranked.iter().all(|c| !c.fits));
        let split = best_split(&ws, r, &ranked).expect("two fit together");
        assert_eq!((split.first.as_str(), split.second.as_str()), ("1", "2"));
        assert_eq!(split.first_minutes + split.second_minutes, 80 * 60);
        assert_eq!(split.first_minutes, 40 * 60, "Ann takes what she has free");
    }

    #[test]
    fn picks_in_one_plan_see_each_other() {
        // Two overlapping full-time requests and two free engineers: one each, not Ann twice.
        let ws = workspace(
            &[("1", "Ann", "Engineer", 0), ("2", "Bo", "Engineer", 0)],
            &[("Engineer", 100), ("Engineer", 100), ("Engineer", 100)],
        );
        let reqs: Vec<&Request> = ["q0", "q1", "q2"]
            .iter()
            .map(|q| &ws.requests[&Id::new(*q)])
            .collect();
        let items = plan(&ws, &[(reqs[0], None), (reqs[1], None)]);
        let who: Vec<&str> = items
            .iter()
            .map(|i| i.person.as_ref().unwrap().as_str())
            .collect();
        assert_eq!(who, ["1", "2"], "the second sees Ann booked");
        assert!(!items[0].over && !items[1].over);
        // A third full-time job fits nobody: it is flagged, and so is the pick it lands on.
        let items = plan(&ws, &[(reqs[0], None), (reqs[1], None), (reqs[2], None)]);
        assert!(items[2].over);
        let third = items[2].person.clone();
        assert!(items.iter().filter(|i| i.person == third).all(|i| i.over));
        // Ann, given the third as well, is at 200 % in the plan, so both her picks show it.
        let forced = plan(&ws, &[(reqs[0], None), (reqs[1], Some(Id::new("1")))]);
        assert!(forced.iter().all(|i| i.over));
        assert_eq!(
            forced[0].peak.as_ref().and_then(ImpactWeek::percent),
            Some(200)
        );
    }

    #[test]
    fn candidate_facts_are_the_ranking_as_plain_facts() {
        let ws = workspace(
            &[("1", "Ann", "Engineer", 1200), ("2", "Bo", "Designer", 0)],
            &[("Engineer", 50)],
        );
        let (facts, split) = candidate_facts(&ws, &ws.requests[&Id::new("q0")]);
        assert_eq!(split, None, "Ann fits alone");
        assert_eq!(
            facts[0],
            CandidateFacts {
                id: "1".into(),
                name: "Ann".into(),
                role: "Engineer".into(),
                free_hours: 60.0,
                peak_percent: Some(75),
                fits: true,
            }
        );
        assert_eq!(facts[1].name, "Bo");
    }

    proptest! {
        /// Ranking spreads the request once per distinct calendar; whatever the weeks, time off
        /// and holidays, every candidate's facts are those worked out on their own calendar.
        #[test]
        fn ranking_once_per_calendar_agrees_with_each_persons_own_calendar(
            pattern in prop::collection::vec(0usize..3, 6),
            offs in prop::collection::vec(prop::option::of((0i64..30, 0i64..6)), 6),
            holiday in prop::option::of(0i64..20),
            amount in 0usize..3,
        ) {
            let patterns = [
                WeeklyCapacity::STANDARD,
                WeeklyCapacity([480, 480, 480, 480, 0, 0, 0]),
                WeeklyCapacity([360, 360, 360, 360, 360, 0, 0]),
            ];
            let people: Vec<(String, String)> =
                (0..6).map(|i| (format!("{}", i + 1), format!("P{i}"))).collect();
            let refs: Vec<(&str, &str, &str, u32)> = people
                .iter()
                .map(|(id, name)| (id.as_str(), name.as_str(), "Engineer", 600))
                .collect();
            let mut ws = workspace(&refs, &[("Engineer", 60)]);
            for (i, p) in ws.people.values_mut().enumerate() {
                p.weekly = patterns[pattern[i]];
                if let Some((at, len)) = offs[i] {
                    let start = add_days(d("2026-11-30"), at);
                    p.time_off = vec![DateRange::new(start, add_days(start, len))];
                }
            }
            if let Some(h) = holiday {
                ws.holidays = std::sync::Arc::new([add_days(d("2026-12-01"), h)].into());
            }
            // One person with a calendar of the backend's own (Ruddr's partial days).
            let own = Calendar::new(patterns[0], ws.holidays.clone(), vec![])
                .with_minutes_off([(d("2026-12-08"), 240)].into());
            ws.calendars.insert(Id::new("6"), own);
            ws.rebuild_index(DateRange::new(d("2026-11-02"), d("2027-02-28")));
            // The request's allocation in each unit the spread reads differently.
            let mut a = ws.allocations[&Id::new("q0a")].clone();
            a.amount = match amount {
                0 => Amount::TotalMinutes(2400),
                1 => Amount::HoursPerWeek(20.0),
                _ => Amount::RatioOfCapacity(0.5),
            };
            ws.put_allocation(a);
            let r = ws.requests[&Id::new("q0")].clone();
            for c in rank(&ws, &r, &Planned::new()) {
                let own = weeks(&ws, &r, &c.person, &Planned::new());
                prop_assert_eq!(c.peak.as_ref(), peak(&own));
                prop_assert_eq!(c.fits, fits(&own));
                prop_assert_eq!(c.free, free_minutes(&ws, &r, &c.person, &Planned::new()));
            }
        }

        /// The first `k` worked out without everyone's weeks are the full ranking's first `k`,
        /// figure for figure, and the split is the one the full ranking gives, whatever the
        /// roles, loads, calendars, ties in free hours and names, and picks planned before.
        #[test]
        fn the_top_of_the_ranking_is_the_full_rankings_top(
            people in prop::collection::vec(
                (
                    (0usize..4, 0usize..4),
                    prop::sample::select(vec![0u32, 1200, 2400, 3600, 4800, 6000]),
                    prop::option::of(0u32..3000),
                    0usize..3,
                    prop::option::of((0i64..30, 0i64..6)),
                ),
                1..14,
            ),
            wanted in (0usize..3, 10u32..130),
            plan_for in prop::option::of(0usize..14),
            k in 0usize..8,
            skills in prop::collection::vec(prop::option::of((any::<bool>(), 0u8..3)), 0..14),
        ) {
            let roles = ["Engineer", "QA Engineer", "Designer", "engineer "];
            let names = ["Ann", "ann", "Bo", "Émile"];
            let patterns = [
                WeeklyCapacity::STANDARD,
                WeeklyCapacity([480, 480, 480, 480, 0, 0, 0]),
                WeeklyCapacity([360, 360, 360, 360, 360, 0, 0]),
            ];
            let rows: Vec<(String, &str, &str, u32)> = people
                .iter()
                .enumerate()
                .map(|(i, ((name, role), load, _, _, _))| (format!("{}", i + 1), names[*name], roles[*role], *load))
                .collect();
            let refs: Vec<(&str, &str, &str, u32)> =
                rows.iter().map(|(id, n, r, l)| (id.as_str(), *n, *r, *l)).collect();
            let mut ws = workspace(&refs, &[(roles[wanted.0], wanted.1), (roles[0], 50)]);
            for (i, p) in ws.people.values_mut().enumerate() {
                p.weekly = patterns[people[i].3];
                if let Some((at, len)) = people[i].4 {
                    let start = add_days(d("2026-11-30"), at);
                    p.time_off = vec![DateRange::new(start, add_days(start, len))];
                }
            }
            // Skills for some (Kantata's): a level in the role asked for, or in another.
            for (i, (_, _, _, _, _)) in people.iter().enumerate() {
                if let Some((on, level)) = skills.get(i).copied().flatten() {
                    let name = if on { roles[wanted.0].trim() } else { "Welding" };
                    ws.skills.insert(
                        Id::new(format!("{}", i + 1)),
                        vec![crate::domain::skills::Skill { name: name.into(), level }],
                    );
                }
            }
            // One person with a calendar of the backend's own (Ruddr's partial days).
            let own = Calendar::new(patterns[0], ws.holidays.clone(), vec![])
                .with_minutes_off([(d("2026-12-08"), 240)].into());
            ws.calendars.insert(Id::new("1"), own);
            ws.rebuild_index(DateRange::new(d("2026-11-02"), d("2027-02-28")));
            // A busy second week for some: over capacity there only.
            let second = DateRange::new(d("2026-12-14"), d("2026-12-18"));
            for (i, (_, _, busy, _, _)) in people.iter().enumerate() {
                if let Some(m) = busy {
                    ws.put_allocation(alloc(&format!("busy{i}"), &format!("r{}", i + 1), second, *m));
                }
            }
            let r = ws.requests[&Id::new("q0")].clone();
            // Someone already planned onto the other request.
            let planned = match plan_for {
                Some(i) if i < people.len() => {
                    planned_load(&ws, &[(&ws.requests[&Id::new("q1")], &Id::new(format!("{}", i + 1)))])
                }
                _ => Planned::new(),
            };
            let all = rank(&ws, &r, &planned);
            let top = rank_top(&ws, &r, &planned, k);
            prop_assert_eq!(&top.candidates[..], &all[..k.min(all.len())]);
            prop_assert_eq!(top.split, best_split(&ws, &r, &all));
        }

        /// Whatever the loads and picks, no item of a plan reports a peak below the load its
        /// person really carries in that week once the whole plan is booked.
        #[test]
        fn a_plan_never_reports_a_peak_lower_than_the_booked_load(
            loads in prop::collection::vec(0u32..5000, 3),
            wanted in prop::collection::vec((0usize..2, 10u32..120), 1..5),
            forced in prop::collection::vec(prop::option::of(0usize..3), 5),
        ) {
            let roles = ["Engineer", "Designer"];
            let people: Vec<(String, String, &str, u32)> = loads
                .iter()
                .enumerate()
                .map(|(i, l)| (format!("{}", i + 1), format!("P{i}"), roles[i % 2], *l))
                .collect();
            let people_ref: Vec<(&str, &str, &str, u32)> = people
                .iter()
                .map(|(a, b, c, l)| (a.as_str(), b.as_str(), *c, *l))
                .collect();
            let wanted_ref: Vec<(&str, u32)> = wanted.iter().map(|(r, p)| (roles[*r], *p)).collect();
            let mut ws = workspace(&people_ref, &wanted_ref);
            let reqs: Vec<Request> = (0..wanted.len())
                .map(|i| ws.requests[&Id::new(format!("q{i}"))].clone())
                .collect();
            let picks: Vec<(&Request, Option<Id>)> = reqs
                .iter()
                .zip(&forced)
                .map(|(r, f)| (r, f.map(|p| Id::new(format!("{}", p + 1)))))
                .collect();
            let items = plan(&ws, &picks);
            // Book it: each unnamed resource named, its allocations on the person's row.
            for (item, r) in items.iter().zip(&reqs) {
                let mut res = ws.resources[&r.resource_id].clone();
                res.person_id = item.person.clone();
                ws.put_resource(res);
            }
            for item in &items {
                let (Some(p), Some(peak)) = (&item.person, &item.peak) else { continue };
                let key = RowKey::Person(p.clone());
                let view = ws.row_view(&key);
                let week = DateRange::new(peak.monday, add_days(peak.monday, 6));
                prop_assert!(peak.load >= view.load_in(week), "{} < {}", peak.load, view.load_in(week));
                for m in [d("2026-12-07"), d("2026-12-14")] {
                    let w = DateRange::new(m, add_days(m, 6));
                    let true_pct = utilization_pct(view.load_in(w), view.capacity_in(w)).unwrap_or(0);
                    prop_assert!(peak.percent().unwrap_or(u64::MAX) >= true_pct);
                }
                prop_assert_eq!(item.over, [d("2026-12-07"), d("2026-12-14")].iter().any(|m| {
                    let w = DateRange::new(*m, add_days(*m, 6));
                    view.load_in(w) > view.capacity_in(w)
                }));
            }
        }
    }
}
