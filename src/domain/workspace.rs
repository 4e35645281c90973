//! A loaded workspace: every record by id, the calendars, and the per-day load index.

use super::calendar::{Calendar, Holidays, WeeklyCapacity};
use super::dates::DateRange;
use super::ids::Id;
use super::load::allocation_daily;
use super::model::{Allocation, Person, Project, Request, Resource};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// Whose load a day belongs to: a person (summing all their resources) or an unnamed resource.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RowKey {
    Person(Id),
    Unnamed(Id),
    /// A project's total over all its resources (index only: projects have no capacity).
    Project(Id),
}

/// Everything a backend returns about the people side of a workspace (allocations come per window).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Roster {
    pub name: String,
    pub current_user: Option<Id>,
    pub people: Vec<Person>,
    pub projects: Vec<Project>,
    pub resources: Vec<Resource>,
    pub holidays: Holidays,
}

/// The workspace as the app holds it.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    pub name: String,
    pub current_user: Option<Id>,
    pub people: BTreeMap<Id, Person>,
    pub projects: BTreeMap<Id, Project>,
    pub resources: BTreeMap<Id, Resource>,
    pub allocations: BTreeMap<Id, Allocation>,
    pub requests: BTreeMap<Id, Request>,
    pub holidays: Holidays,
    pub index: LoadIndex,
    /// Allocation ids per row, so a row's bars are found without scanning every allocation.
    pub by_row: HashMap<RowKey, Vec<Id>>,
}

impl Workspace {
    pub fn from_roster(r: Roster) -> Self {
        Workspace {
            name: r.name,
            current_user: r.current_user,
            people: r.people.into_iter().map(|p| (p.id.clone(), p)).collect(),
            projects: r.projects.into_iter().map(|p| (p.id.clone(), p)).collect(),
            resources: r.resources.into_iter().map(|x| (x.id.clone(), x)).collect(),
            holidays: r.holidays,
            ..Default::default()
        }
    }

    /// Replaces the allocations and rebuilds the load index over `window`.
    pub fn set_allocations(&mut self, window: DateRange, allocations: Vec<Allocation>) {
        self.allocations = allocations.into_iter().map(|a| (a.id.clone(), a)).collect();
        self.rebuild_index(window);
    }

    /// Rebuilds the load index and the per-row lists from scratch, one calendar per row.
    pub fn rebuild_index(&mut self, window: DateRange) {
        let mut index = LoadIndex::new(window);
        let mut by_row: HashMap<RowKey, Vec<Id>> = HashMap::new();
        let mut calendars: HashMap<RowKey, Calendar> = HashMap::new();
        for a in self.allocations.values() {
            let Some(key) = self.row_key(&a.resource_id) else {
                continue;
            };
            let cal = calendars
                .entry(key.clone())
                .or_insert_with(|| self.calendar_for(&key));
            if let Some(part) = a.range.intersect(&window) {
                let daily = allocation_daily(a, cal);
                let skip = (part.start - a.range.start).num_days() as usize;
                index.add(&key, part.start, &daily[skip..]);
                if let Some(p) = &a.project_id {
                    index.add(&RowKey::Project(p.clone()), part.start, &daily[skip..]);
                }
            }
            by_row.entry(key).or_default().push(a.id.clone());
        }
        self.index = index;
        self.by_row = by_row;
    }

    /// Adds or replaces one allocation, updating the index for just the days it touches.
    pub fn put_allocation(&mut self, a: Allocation) {
        self.remove_allocation(&a.id);
        if let Some(key) = self.row_key(&a.resource_id) {
            let cal = self.calendar_for(&key);
            let daily = allocation_daily(&a, &cal);
            self.index.add(&key, a.range.start, &daily);
            if let Some(p) = &a.project_id {
                self.index
                    .add(&RowKey::Project(p.clone()), a.range.start, &daily);
            }
            self.by_row.entry(key).or_default().push(a.id.clone());
        }
        self.allocations.insert(a.id.clone(), a);
    }

    /// Removes one allocation and its load; returns it if it was there.
    pub fn remove_allocation(&mut self, id: &Id) -> Option<Allocation> {
        let old = self.allocations.remove(id)?;
        if let Some(key) = self.row_key(&old.resource_id) {
            let cal = self.calendar_for(&key);
            let daily = allocation_daily(&old, &cal);
            self.index.remove(&key, old.range.start, &daily);
            if let Some(p) = &old.project_id {
                self.index
                    .remove(&RowKey::Project(p.clone()), old.range.start, &daily);
            }
            if let Some(ids) = self.by_row.get_mut(&key) {
                ids.retain(|x| x != id);
            }
        }
        Some(old)
    }

    /// The allocations drawn on a row, in start order.
    pub fn allocations_of(&self, key: &RowKey) -> Vec<&Allocation> {
        let mut v: Vec<&Allocation> = self
            .by_row
            .get(key)
            .map(|ids| {
                ids.iter()
                    .filter_map(|id| self.allocations.get(id))
                    .collect()
            })
            .unwrap_or_default();
        v.sort_by(|a, b| a.range.start.cmp(&b.range.start).then(a.id.cmp(&b.id)));
        v
    }

    pub fn row_key(&self, resource_id: &Id) -> Option<RowKey> {
        let r = self.resources.get(resource_id)?;
        Some(match &r.person_id {
            Some(p) => RowKey::Person(p.clone()),
            None => RowKey::Unnamed(r.id.clone()),
        })
    }

    /// The calendar a row's load is measured against: the person's, or the default workweek
    /// and holidays for an unnamed resource (as Kantata does).
    pub fn calendar_for(&self, key: &RowKey) -> Calendar {
        match key {
            RowKey::Person(id) => match self.people.get(id) {
                Some(p) => Calendar::new(p.weekly, self.holidays.clone(), p.time_off.clone()),
                None => Calendar::new(WeeklyCapacity::STANDARD, self.holidays.clone(), vec![]),
            },
            RowKey::Unnamed(_) | RowKey::Project(_) => {
                Calendar::new(WeeklyCapacity::STANDARD, self.holidays.clone(), vec![])
            }
        }
    }

    pub fn load_in(&self, key: &RowKey, range: DateRange) -> u64 {
        self.index.sum(key, range)
    }

    pub fn person_name(&self, id: &Id) -> &str {
        self.people
            .get(id)
            .map(|p| p.name.as_str())
            .unwrap_or("(unknown person)")
    }

    pub fn project_name(&self, id: Option<&Id>) -> &str {
        id.and_then(|id| self.projects.get(id))
            .map(|p| p.name.as_str())
            .unwrap_or("—")
    }

    /// The label a resource is shown by: the person's name, or its role for an unnamed one.
    pub fn resource_name(&self, r: &Resource) -> String {
        match &r.person_id {
            Some(p) => self.person_name(p).to_string(),
            None => format!("Unnamed {}", r.role),
        }
    }
}

/// Dense per-day load sums over a window, one row per [`RowKey`]. Bucket sums are plain adds over
/// a slice; an edit updates only the days it touches.
#[derive(Clone, Debug, Default)]
pub struct LoadIndex {
    window: Option<DateRange>,
    rows: HashMap<RowKey, Vec<u32>>,
}

impl LoadIndex {
    pub fn new(window: DateRange) -> Self {
        LoadIndex {
            window: Some(window),
            rows: HashMap::new(),
        }
    }

    pub fn window(&self) -> Option<DateRange> {
        self.window
    }

    pub fn add(&mut self, key: &RowKey, start: NaiveDate, daily: &[u32]) {
        self.apply(key, start, daily, true);
    }

    pub fn remove(&mut self, key: &RowKey, start: NaiveDate, daily: &[u32]) {
        self.apply(key, start, daily, false);
    }

    fn apply(&mut self, key: &RowKey, start: NaiveDate, daily: &[u32], add: bool) {
        let Some(w) = self.window else { return };
        let len = w.len_days() as usize;
        let row = self.rows.entry(key.clone()).or_insert_with(|| vec![0; len]);
        let offset = (start - w.start).num_days();
        for (i, m) in daily.iter().enumerate() {
            let at = offset + i as i64;
            if at < 0 || at >= len as i64 {
                continue;
            }
            let cell = &mut row[at as usize];
            *cell = if add {
                cell.saturating_add(*m)
            } else {
                cell.saturating_sub(*m)
            };
        }
    }

    pub fn day(&self, key: &RowKey, d: NaiveDate) -> u32 {
        self.sum(key, DateRange::day(d)) as u32
    }

    /// Total minutes of `key` over `range`, counting only the days inside the window.
    pub fn sum(&self, key: &RowKey, range: DateRange) -> u64 {
        let (Some(w), Some(row)) = (self.window, self.rows.get(key)) else {
            return 0;
        };
        let Some(part) = w.intersect(&range) else {
            return 0;
        };
        let a = (part.start - w.start).num_days() as usize;
        let b = (part.end - w.start).num_days() as usize;
        row[a..=b].iter().map(|m| *m as u64).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use crate::domain::model::Amount;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn ws() -> Workspace {
        let mut ws = Workspace::from_roster(Roster {
            people: vec![Person {
                id: Id::new("u1"),
                name: "Ada".into(),
                email: String::new(),
                role: "Engineer".into(),
                weekly: WeeklyCapacity::STANDARD,
                time_off: vec![],
            }],
            resources: vec![Resource {
                id: Id::new("r1"),
                project_id: None,
                person_id: Some(Id::new("u1")),
                role: "Engineer".into(),
                label: "Engineer".into(),
            }],
            ..Default::default()
        });
        ws.set_allocations(DateRange::new(d("2026-11-01"), d("2026-12-31")), vec![]);
        ws
    }

    fn alloc(id: &str, start: &str, end: &str, minutes: u32) -> Allocation {
        Allocation {
            id: Id::new(id),
            resource_id: Id::new("r1"),
            project_id: None,
            range: DateRange::new(d(start), d(end)),
            amount: Amount::TotalMinutes(minutes),
            hard: true,
            notes: String::new(),
            read_only: false,
            allocate_on_time_off: false,
            server_total_minutes: None,
            version: 1,
        }
    }

    #[test]
    fn incremental_edits_match_a_rebuild() {
        let mut w = ws();
        let key = RowKey::Person(Id::new("u1"));
        w.put_allocation(alloc("a", "2026-11-23", "2026-11-27", 2100));
        w.put_allocation(alloc("b", "2026-11-25", "2026-12-04", 3000));
        w.put_allocation(alloc("a", "2026-11-30", "2026-12-04", 1200)); // moved
        let window = w.index.window().unwrap();
        let incremental: Vec<u32> = window.days().map(|x| w.index.day(&key, x)).collect();
        let mut fresh = w.clone();
        fresh.rebuild_index(window);
        let rebuilt: Vec<u32> = window.days().map(|x| fresh.index.day(&key, x)).collect();
        assert_eq!(incremental, rebuilt);
        assert_eq!(w.load_in(&key, window), 4200);
        assert_eq!(w.allocations_of(&key).len(), 2);
        w.remove_allocation(&Id::new("b"));
        assert_eq!(w.load_in(&key, window), 1200);
    }

    #[test]
    fn allocations_reaching_outside_the_window_count_only_inside() {
        let mut w = ws();
        let key = RowKey::Person(Id::new("u1"));
        w.set_allocations(
            DateRange::new(d("2026-11-25"), d("2026-12-31")),
            vec![alloc("a", "2026-11-23", "2026-11-27", 2100)],
        );
        assert_eq!(
            w.load_in(&key, DateRange::new(d("2026-11-01"), d("2026-11-30"))),
            3 * 420
        );
    }
}
