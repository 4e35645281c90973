//! Time buckets at each zoom, and the mapping between dates and screen columns.

use super::dates::{DateRange, add_days, add_months, month_of, month_start, week_of, week_start};
use chrono::{Datelike, NaiveDate};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Zoom {
    Day,
    Week,
    Month,
}

impl Zoom {
    pub fn zoom_in(self) -> Zoom {
        match self {
            Zoom::Month => Zoom::Week,
            _ => Zoom::Day,
        }
    }

    pub fn zoom_out(self) -> Zoom {
        match self {
            Zoom::Day => Zoom::Week,
            _ => Zoom::Month,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Zoom::Day => "day",
            Zoom::Week => "week",
            Zoom::Month => "month",
        }
    }

    /// Screen columns one bucket takes.
    pub fn col_width(self) -> u16 {
        match self {
            Zoom::Day => 3,
            Zoom::Week => 6,
            Zoom::Month => 8,
        }
    }

    /// The first day of the bucket holding `d`.
    pub fn bucket_start(self, d: NaiveDate) -> NaiveDate {
        match self {
            Zoom::Day => d,
            Zoom::Week => week_start(d),
            Zoom::Month => month_start(d),
        }
    }

    /// The bucket holding `d`.
    pub fn bucket(self, d: NaiveDate) -> DateRange {
        match self {
            Zoom::Day => DateRange::day(d),
            Zoom::Week => week_of(d),
            Zoom::Month => month_of(d),
        }
    }

    /// The start of the bucket `n` buckets after the one holding `d` (before, for negative `n`).
    pub fn step(self, d: NaiveDate, n: i64) -> NaiveDate {
        let s = self.bucket_start(d);
        match self {
            Zoom::Day => add_days(s, n),
            Zoom::Week => add_days(s, 7 * n),
            Zoom::Month => add_months(s, n.clamp(i32::MIN as i64, i32::MAX as i64) as i32),
        }
    }

    /// How many buckets `d` lies after the bucket starting at `first` (negative before it).
    pub fn index_of(self, first: NaiveDate, d: NaiveDate) -> i64 {
        let (a, b) = (self.bucket_start(first), self.bucket_start(d));
        match self {
            Zoom::Day => (b - a).num_days(),
            Zoom::Week => (b - a).num_days() / 7,
            Zoom::Month => {
                (b.year() as i64 * 12 + b.month0() as i64)
                    - (a.year() as i64 * 12 + a.month0() as i64)
            }
        }
    }

    /// Position of the start of day `d` in eighths of a column, relative to the bucket at `first`.
    /// Used to draw bar ends at sub-cell precision.
    pub fn eighths(self, first: NaiveDate, d: NaiveDate) -> i64 {
        let bucket = self.bucket(d);
        let col = self.index_of(first, d);
        let width = self.col_width() as i64 * 8;
        let into = (d - bucket.start).num_days();
        col * width + into * width / bucket.len_days()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn buckets_at_each_zoom() {
        assert_eq!(
            Zoom::Week.bucket(d("2026-11-25")),
            DateRange::new(d("2026-11-23"), d("2026-11-29"))
        );
        assert_eq!(
            Zoom::Month.bucket(d("2024-02-10")),
            DateRange::new(d("2024-02-01"), d("2024-02-29"))
        );
        assert_eq!(Zoom::Month.step(d("2026-11-23"), 2), d("2027-01-01"));
        assert_eq!(Zoom::Month.index_of(d("2026-11-01"), d("2027-01-31")), 2);
        assert_eq!(Zoom::Week.index_of(d("2026-11-23"), d("2026-11-22")), -1);
    }

    #[test]
    fn eighths_place_days_inside_a_week_column() {
        let first = d("2026-11-23");
        assert_eq!(Zoom::Week.eighths(first, first), 0);
        assert_eq!(
            Zoom::Week.eighths(first, d("2026-11-30")),
            48,
            "next column"
        );
        assert_eq!(Zoom::Week.eighths(first, d("2026-11-26")), 3 * 48 / 7);
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (0i64..20_000).prop_map(|n| add_days(d("1990-01-01"), n))
    }

    fn any_zoom() -> impl Strategy<Value = Zoom> {
        prop_oneof![Just(Zoom::Day), Just(Zoom::Week), Just(Zoom::Month)]
    }

    proptest! {
        #[test]
        fn column_mapping_round_trips(zoom in any_zoom(), first in any_date(), col in -400i64..400) {
            let first = zoom.bucket_start(first);
            let start = zoom.step(first, col);
            prop_assert_eq!(zoom.index_of(first, start), col);
            prop_assert_eq!(zoom.bucket_start(start), start);
        }

        #[test]
        fn every_day_of_a_bucket_maps_to_its_column(zoom in any_zoom(), first in any_date(), day in any_date()) {
            let col = zoom.index_of(first, day);
            let start = zoom.step(first, col);
            prop_assert!(zoom.bucket(start).contains(day), "today lands in its own column");
            prop_assert!(zoom.eighths(first, day) >= col * zoom.col_width() as i64 * 8);
            prop_assert!(zoom.eighths(first, day) < (col + 1) * zoom.col_width() as i64 * 8);
        }

        #[test]
        fn buckets_tile_time_with_no_gap_or_overlap(zoom in any_zoom(), day in any_date()) {
            let b = zoom.bucket(day);
            let next = zoom.bucket(add_days(b.end, 1));
            prop_assert_eq!(add_days(b.end, 1), next.start);
            prop_assert!(b.contains(day));
        }
    }
}
