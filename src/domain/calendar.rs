//! Working capacity: a weekly pattern per weekday, minus holidays and time off.

use super::dates::{DateRange, weekday_index};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Minutes of capacity on each weekday, Monday first (Ruddr's `hoursPerDay[7]` order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WeeklyCapacity(pub [u32; 7]);

impl WeeklyCapacity {
    /// Kantata's default workweek: 8 h Monday to Friday.
    pub const STANDARD: WeeklyCapacity = WeeklyCapacity([480, 480, 480, 480, 480, 0, 0]);

    /// From hours per weekday, Monday first, rounded to the minute.
    pub fn from_hours(hours: [f64; 7]) -> Self {
        WeeklyCapacity(hours.map(|h| (h.max(0.0) * 60.0).round() as u32))
    }

    pub fn on(&self, d: NaiveDate) -> u32 {
        self.0[weekday_index(d)]
    }

    pub fn weekly_minutes(&self) -> u32 {
        self.0.iter().sum()
    }

    /// Number of weekdays with any capacity (4 for a four-day week).
    pub fn working_days(&self) -> usize {
        self.0.iter().filter(|m| **m > 0).count()
    }
}

impl Default for WeeklyCapacity {
    fn default() -> Self {
        Self::STANDARD
    }
}

/// Public holidays shared by a workspace.
pub type Holidays = Arc<BTreeSet<NaiveDate>>;

/// One resource's calendar: its weekly pattern, the workspace holidays and its own time off.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Calendar {
    pub weekly: WeeklyCapacity,
    pub holidays: Holidays,
    pub time_off: Vec<DateRange>,
    /// Patterns that apply from a date on, sorted by date (Ruddr's availability periods);
    /// before the first one, `weekly` applies. Empty for one pattern throughout.
    pub changes: Vec<(NaiveDate, WeeklyCapacity)>,
    /// Partial days off: minutes off on a day, taken from that day's capacity.
    pub minutes_off: BTreeMap<NaiveDate, u32>,
}

impl Calendar {
    pub fn new(weekly: WeeklyCapacity, holidays: Holidays, time_off: Vec<DateRange>) -> Self {
        Calendar {
            weekly,
            holidays,
            time_off,
            changes: vec![],
            minutes_off: BTreeMap::new(),
        }
    }

    /// The same calendar with patterns changing over time (see `changes`).
    pub fn with_changes(mut self, mut changes: Vec<(NaiveDate, WeeklyCapacity)>) -> Self {
        changes.sort_by_key(|(from, _)| *from);
        self.changes = changes;
        self
    }

    /// The same calendar with partial days off (see `minutes_off`).
    pub fn with_minutes_off(mut self, minutes_off: BTreeMap<NaiveDate, u32>) -> Self {
        self.minutes_off = minutes_off;
        self
    }

    /// The weekly pattern in force on `d`.
    pub fn weekly_on(&self, d: NaiveDate) -> WeeklyCapacity {
        let i = self.changes.partition_point(|(from, _)| *from <= d);
        match i {
            0 => self.weekly,
            _ => self.changes[i - 1].1,
        }
    }

    pub fn is_holiday(&self, d: NaiveDate) -> bool {
        self.holidays.contains(&d)
    }

    pub fn is_time_off(&self, d: NaiveDate) -> bool {
        self.time_off.iter().any(|r| r.contains(d))
    }

    /// Capacity from the weekly pattern and holidays, ignoring time off. Ruddr's
    /// `allocateOnTimeOffDays` allocations count against this.
    pub fn base_capacity(&self, d: NaiveDate) -> u32 {
        if self.is_holiday(d) {
            0
        } else {
            self.weekly_on(d).on(d)
        }
    }

    /// Minutes of capacity on `d`: the weekly pattern, zero on holidays and time off.
    pub fn capacity(&self, d: NaiveDate) -> u32 {
        if self.is_time_off(d) {
            0
        } else {
            let off = self.minutes_off.get(&d).copied().unwrap_or(0);
            self.base_capacity(d).saturating_sub(off)
        }
    }

    pub fn capacity_in(&self, r: DateRange) -> u64 {
        r.days().map(|d| self.capacity(d) as u64).sum()
    }

    /// [`Calendar::capacity`] for every day of `w`, first day first: the weekly pattern laid
    /// down once, then each holiday, time off and partial day of `w` applied where it falls,
    /// instead of looking each day up in all of them (the load index does this for every
    /// person at every start).
    pub fn capacity_days(&self, w: DateRange) -> Vec<u32> {
        if w.start > w.end {
            // A range read from outside with its ends swapped: no days (`days()` gives none).
            return Vec::new();
        }
        let mut out: Vec<u32> = w.days().map(|d| self.weekly_on(d).on(d)).collect();
        let at = |d: NaiveDate| (d - w.start).num_days() as usize;
        for h in self.holidays.range(w.start..=w.end) {
            out[at(*h)] = 0;
        }
        for off in &self.time_off {
            if let Some(x) = off.intersect(&w) {
                out[at(x.start)..=at(x.end)].fill(0);
            }
        }
        for (d, m) in self.minutes_off.range(w.start..=w.end) {
            let i = at(*d);
            out[i] = out[i].saturating_sub(*m);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::{add_days, parse_date};
    use proptest::prelude::*;

    proptest! {
        /// Laying the days down at once gives each day what asking for it alone gives.
        #[test]
        fn capacity_days_is_capacity_of_each_day(
            weekly in proptest::array::uniform7(0u32..600),
            later in proptest::option::of((0i64..60, proptest::array::uniform7(0u32..600))),
            holidays in proptest::collection::btree_set(0i64..80, 0..8),
            time_off in proptest::collection::vec((-10i64..80, 0i64..9), 0..4),
            minutes_off in proptest::collection::btree_map(-5i64..80, 0u32..700, 0..6),
            start in 0i64..10,
            len in 0i64..70,
        ) {
            let base = parse_date("2026-11-02").unwrap();
            let day = |n: i64| add_days(base, n);
            let cal = Calendar::new(
                WeeklyCapacity(weekly),
                Arc::new(holidays.iter().map(|n| day(*n)).collect()),
                time_off.iter().map(|(s, l)| DateRange::new(day(*s), day(s + l))).collect(),
            )
            .with_changes(later.map(|(n, w)| vec![(day(n), WeeklyCapacity(w))]).unwrap_or_default())
            .with_minutes_off(minutes_off.iter().map(|(n, m)| (day(*n), *m)).collect());
            let w = DateRange::new(day(start), day(start + len));
            let each: Vec<u32> = w.days().map(|d| cal.capacity(d)).collect();
            prop_assert_eq!(cal.capacity_days(w), each);
        }
    }

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn holidays_and_time_off_remove_capacity() {
        let holidays: Holidays = Arc::new([d("2025-12-25")].into_iter().collect());
        let cal = Calendar::new(
            WeeklyCapacity::STANDARD,
            holidays,
            vec![DateRange::new(d("2025-12-22"), d("2025-12-23"))],
        );
        assert_eq!(cal.capacity(d("2025-12-22")), 0);
        assert_eq!(cal.base_capacity(d("2025-12-22")), 480);
        assert_eq!(cal.capacity(d("2025-12-24")), 480);
        assert_eq!(cal.capacity(d("2025-12-25")), 0);
        assert_eq!(cal.capacity(d("2025-12-27")), 0, "Saturday");
        let week = DateRange::new(d("2025-12-22"), d("2025-12-28"));
        assert_eq!(cal.capacity_in(week), 2 * 480);
    }

    #[test]
    fn patterns_change_over_time_and_partial_days_take_their_hours() {
        let cal = Calendar::new(WeeklyCapacity([0; 7]), Default::default(), vec![])
            .with_changes(vec![
                (d("2026-01-05"), WeeklyCapacity::STANDARD),
                (d("2026-01-12"), WeeklyCapacity([240; 7])),
            ])
            .with_minutes_off([(d("2026-01-06"), 180), (d("2026-01-13"), 600)].into());
        assert_eq!(cal.capacity(d("2026-01-02")), 0, "before the first change");
        assert_eq!(cal.capacity(d("2026-01-05")), 480);
        assert_eq!(cal.capacity(d("2026-01-06")), 300, "3 h off an 8 h day");
        assert_eq!(
            cal.capacity(d("2026-01-11")),
            0,
            "Sunday in the standard week"
        );
        assert_eq!(cal.capacity(d("2026-01-12")), 240);
        assert_eq!(
            cal.capacity(d("2026-01-13")),
            0,
            "more off than the day holds"
        );
        assert_eq!(cal.base_capacity(d("2026-01-13")), 240);
    }

    #[test]
    fn four_day_week_from_ruddr_hours() {
        let w = WeeklyCapacity::from_hours([10.0, 10.0, 10.0, 10.0, 0.0, 0.0, 0.0]);
        assert_eq!(w.weekly_minutes(), 2400);
        assert_eq!(w.working_days(), 4);
        assert_eq!(w.on(d("2025-03-07")), 0, "Friday is off");
    }
}
