//! Inclusive date ranges and the calendar arithmetic every view shares.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// An inclusive range of days, `start..=end`. Construction keeps `start <= end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl DateRange {
    /// A range from two dates in either order.
    pub fn new(a: NaiveDate, b: NaiveDate) -> Self {
        if a <= b {
            DateRange { start: a, end: b }
        } else {
            DateRange { start: b, end: a }
        }
    }

    pub fn day(d: NaiveDate) -> Self {
        DateRange { start: d, end: d }
    }

    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        // Not `iter_days()`: it stops one day short of chrono's last date.
        let end = self.end;
        let first = (self.start <= end).then_some(self.start);
        std::iter::successors(first, move |d| d.succ_opt().filter(|n| *n <= end))
    }

    pub fn len_days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }

    pub fn overlaps(&self, other: &DateRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    pub fn intersect(&self, other: &DateRange) -> Option<DateRange> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start <= end).then_some(DateRange { start, end })
    }
}

/// The first day allot accepts from any outside source (flags, forms, stores, API answers).
pub const FIRST_SUPPORTED: NaiveDate = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date");
/// The last day allot accepts. Four-digit years also keep text dates sorting as dates in SQLite.
pub const LAST_SUPPORTED: NaiveDate = NaiveDate::from_ymd_opt(2199, 12, 31).expect("valid date");

/// The supported range, `FIRST_SUPPORTED..=LAST_SUPPORTED`.
pub const SUPPORTED: DateRange = DateRange {
    start: FIRST_SUPPORTED,
    end: LAST_SUPPORTED,
};

/// `d` if it lies in the supported range, else a message naming the date and the range.
pub fn check_supported(d: NaiveDate) -> Result<NaiveDate, String> {
    if SUPPORTED.contains(d) {
        Ok(d)
    } else {
        Err(format!(
            "{d} is outside the supported dates ({FIRST_SUPPORTED} to {LAST_SUPPORTED})"
        ))
    }
}

/// Both ends of `r` in the supported range (see [`check_supported`]).
pub fn check_supported_range(r: DateRange) -> Result<DateRange, String> {
    check_supported(r.start)?;
    check_supported(r.end)?;
    Ok(r)
}

/// Serde: a `YYYY-MM-DD` date in the supported range, for dates in API answers (the error names
/// the date and the range, and the decoder adds which object held it).
pub fn de_supported<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let d = NaiveDate::deserialize(d)?;
    check_supported(d).map_err(serde::de::Error::custom)
}

/// Serde: as [`de_supported`], for a date that may be null or absent (an open end, a blank
/// start).
pub fn de_supported_opt<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<NaiveDate>, D::Error> {
    Option::<NaiveDate>::deserialize(d)?
        .map(|d| check_supported(d).map_err(serde::de::Error::custom))
        .transpose()
}

/// Parses `YYYY-MM-DD` in the supported range, naming the problem otherwise.
pub fn parse_supported_date(s: &str) -> Result<NaiveDate, String> {
    parse_date(s).and_then(check_supported)
}

/// The Sunday on or before `d` (Kantata's workweeks start on a Sunday).
pub fn sunday_on_or_before(d: NaiveDate) -> NaiveDate {
    add_days(d, -i64::from(d.weekday().num_days_from_sunday()))
}

pub fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64))
            .unwrap_or(NaiveDate::MAX)
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs()))
            .unwrap_or(NaiveDate::MIN)
    }
}

/// The Monday of the ISO week holding `d`.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    add_days(d, -(d.weekday().num_days_from_monday() as i64))
}

/// The ISO week (Monday..=Sunday) holding `d`.
pub fn week_of(d: NaiveDate) -> DateRange {
    let s = week_start(d);
    DateRange {
        start: s,
        end: add_days(s, 6),
    }
}

pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The calendar month holding `d`.
pub fn month_of(d: NaiveDate) -> DateRange {
    let start = month_start(d);
    let next = add_months(start, 1);
    DateRange {
        start,
        end: add_days(next, -1),
    }
}

/// `d` moved by `n` months, the day clamped to the target month's length.
pub fn add_months(d: NaiveDate, n: i32) -> NaiveDate {
    let total = d.year() * 12 + d.month0() as i32 + n;
    let (y, m0) = (total.div_euclid(12), total.rem_euclid(12) as u32);
    let mut day = d.day();
    loop {
        if let Some(r) = NaiveDate::from_ymd_opt(y, m0 + 1, day) {
            return r;
        }
        if day <= 28 {
            return d;
        }
        day -= 1;
    }
}

/// Monday-first weekday index, 0..=6, as Ruddr's `hoursPerDay[7]` is ordered.
pub fn weekday_index(d: NaiveDate) -> usize {
    d.weekday().num_days_from_monday() as usize
}

pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Parses `YYYY-MM-DD`, naming the problem when it is not a date.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("'{}' is not a date (expected YYYY-MM-DD)", s.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn ranges_are_inclusive_and_ordered() {
        let r = DateRange::new(d("2025-03-07"), d("2025-03-03"));
        assert_eq!(r.start, d("2025-03-03"));
        assert_eq!(r.len_days(), 5);
        assert_eq!(r.days().count(), 5);
    }

    #[test]
    fn month_arithmetic_clamps_to_month_end() {
        assert_eq!(add_months(d("2024-01-31"), 1), d("2024-02-29"));
        assert_eq!(add_months(d("2025-01-31"), 1), d("2025-02-28"));
        assert_eq!(add_months(d("2025-12-15"), 1), d("2026-01-15"));
        assert_eq!(add_months(d("2026-01-15"), -1), d("2025-12-15"));
        assert_eq!(month_of(d("2024-02-10")).end, d("2024-02-29"));
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(week_start(d("2026-11-23")), d("2026-11-23"));
        assert_eq!(week_start(d("2026-11-29")), d("2026-11-23"));
        assert_eq!(week_of(d("2026-11-25")).end, d("2026-11-29"));
    }

    #[test]
    fn the_last_day_chrono_knows_is_in_its_own_range() {
        let last = DateRange::day(NaiveDate::MAX);
        assert_eq!(last.days().collect::<Vec<_>>(), vec![NaiveDate::MAX]);
        let two = DateRange::new(NaiveDate::MAX.pred_opt().unwrap(), NaiveDate::MAX);
        assert_eq!(two.days().count(), 2);
        assert_eq!(DateRange::day(NaiveDate::MIN).days().count(), 1);
    }

    #[test]
    fn dates_outside_the_supported_range_are_named() {
        assert_eq!(check_supported(d("1900-01-01")), Ok(d("1900-01-01")));
        assert_eq!(check_supported(d("2199-12-31")), Ok(d("2199-12-31")));
        assert_eq!(
            check_supported(d("9999-12-31")).unwrap_err(),
            "9999-12-31 is outside the supported dates (1900-01-01 to 2199-12-31)"
        );
        assert!(check_supported(d("1899-12-31")).is_err());
        assert!(parse_supported_date("2200-01-01").is_err());
        assert!(check_supported_range(DateRange::new(d("1800-01-01"), d("2026-01-01"))).is_err());
    }

    #[test]
    fn bad_dates_are_named() {
        assert_eq!(
            parse_date("2026-13-01").unwrap_err(),
            "'2026-13-01' is not a date (expected YYYY-MM-DD)"
        );
    }
}
