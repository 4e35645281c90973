//! Working capacity: a weekly pattern per weekday, minus holidays and time off.

use super::dates::{DateRange, weekday_index};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
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
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Calendar {
    pub weekly: WeeklyCapacity,
    pub holidays: Holidays,
    pub time_off: Vec<DateRange>,
}

impl Calendar {
    pub fn new(weekly: WeeklyCapacity, holidays: Holidays, time_off: Vec<DateRange>) -> Self {
        Calendar {
            weekly,
            holidays,
            time_off,
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
            self.weekly.on(d)
        }
    }

    /// Minutes of capacity on `d`: the weekly pattern, zero on holidays and time off.
    pub fn capacity(&self, d: NaiveDate) -> u32 {
        if self.is_time_off(d) {
            0
        } else {
            self.base_capacity(d)
        }
    }

    pub fn capacity_in(&self, r: DateRange) -> u64 {
        r.days().map(|d| self.capacity(d) as u64).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;

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
    fn four_day_week_from_ruddr_hours() {
        let w = WeeklyCapacity::from_hours([10.0, 10.0, 10.0, 10.0, 0.0, 0.0, 0.0]);
        assert_eq!(w.weekly_minutes(), 2400);
        assert_eq!(w.working_days(), 4);
        assert_eq!(w.on(d("2025-03-07")), 0, "Friday is off");
    }
}
