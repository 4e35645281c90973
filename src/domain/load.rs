//! Per-day load of an allocation, for every unit, and utilization levels.
//!
//! Loads are whole minutes per day. Totals are split with the largest-remainder method, so the
//! days of an allocation always add up to exactly its total: nothing is lost or counted twice.

use super::calendar::Calendar;
use super::dates::{DateRange, SUPPORTED, month_of, week_of};
use super::model::{Allocation, Amount};
use chrono::NaiveDate;

/// Minutes per day over `alloc.range`, index 0 being `alloc.range.start`.
pub fn allocation_daily(alloc: &Allocation, cal: &Calendar) -> Vec<u32> {
    daily_load(alloc.range, alloc.amount, alloc.allocate_on_time_off, cal)
}

/// The days whose capacity must be read to know `alloc`'s load inside `window`: only the window
/// for per-day units, the whole weeks or months touching it for per-period units, and the whole
/// range for totals (each day's share depends on every day), but never beyond the supported
/// dates: a range reaching year -200000 (refused at every boundary, so only a bug brings one)
/// must not make the screen walk 73 million days. `None` when `alloc` misses the window.
pub fn load_span(alloc: &Allocation, window: DateRange) -> Option<DateRange> {
    let part = alloc.range.intersect(&window)?;
    let span = match alloc.amount {
        Amount::HoursPerDay(_) | Amount::RatioOfCapacity(_) => part,
        Amount::HoursPerWeek(_) => DateRange::new(week_of(part.start).start, week_of(part.end).end),
        Amount::HoursPerMonth(_) => {
            DateRange::new(month_of(part.start).start, month_of(part.end).end)
        }
        Amount::TotalMinutes(_) | Amount::TotalHours(_) => alloc.range.intersect(&SUPPORTED)?,
    };
    span.intersect(&alloc.range)
}

/// `alloc`'s minutes per day inside `window`: the first day, and one entry per day from it to
/// the end of the overlap. Only the days of [`load_span`] are computed.
pub fn allocation_daily_in(
    alloc: &Allocation,
    cal: &Calendar,
    window: DateRange,
) -> Option<(NaiveDate, Vec<u32>)> {
    let part = alloc.range.intersect(&window)?;
    let span = load_span(alloc, window)?;
    let part = part.intersect(&span)?;
    let daily = daily_load(span, alloc.amount, alloc.allocate_on_time_off, cal);
    let skip = (part.start - span.start).num_days() as usize;
    let take = part.len_days() as usize;
    Some((
        part.start,
        daily.into_iter().skip(skip).take(take).collect(),
    ))
}

/// Minutes per day over `range` for an amount in any unit, as DESIGN.md defines it.
pub fn daily_load(range: DateRange, amount: Amount, on_time_off: bool, cal: &Calendar) -> Vec<u32> {
    // Ruddr units may count time-off days when asked to; Kantata minutes never do.
    let ruddr_cap = |d: NaiveDate| {
        if on_time_off {
            cal.base_capacity(d)
        } else {
            cal.capacity(d)
        }
    };
    match amount {
        Amount::TotalMinutes(total) => {
            let weights: Vec<u64> = range.days().map(|d| cal.capacity(d) as u64).collect();
            if weights.iter().all(|w| *w == 0) {
                // Kantata's total is authoritative: with no working day in range it lands on the
                // calendar days, where it shows as overtime rather than vanishing.
                let even = vec![1; weights.len()];
                distribute(total as u64, &even)
            } else {
                distribute(total as u64, &weights)
            }
        }
        Amount::TotalHours(h) => {
            let weights: Vec<u64> = range.days().map(|d| ruddr_cap(d) as u64).collect();
            distribute(hours_to_minutes(h), &weights)
        }
        Amount::HoursPerDay(h) => {
            let m = hours_to_minutes(h) as u32;
            range
                .days()
                .map(|d| if ruddr_cap(d) > 0 { m } else { 0 })
                .collect()
        }
        Amount::RatioOfCapacity(r) => {
            let r = r.clamp(0.0, 1.0e6);
            range
                .days()
                .map(|d| (ruddr_cap(d) as f64 * r).round() as u32)
                .collect()
        }
        Amount::HoursPerWeek(h) => per_period(range, hours_to_minutes(h), week_of, &ruddr_cap),
        Amount::HoursPerMonth(h) => per_period(range, hours_to_minutes(h), month_of, &ruddr_cap),
    }
}

/// Spread `per_period` minutes over each period's working days; a period the range only partly
/// covers gets the share of its capacity that falls inside the range.
fn per_period(
    range: DateRange,
    per_period: u64,
    period_of: fn(NaiveDate) -> DateRange,
    cap: &dyn Fn(NaiveDate) -> u32,
) -> Vec<u32> {
    let mut out = Vec::with_capacity(range.len_days() as usize);
    let mut cursor = range.start;
    while cursor <= range.end {
        let period = period_of(cursor);
        let Some(part) = period.intersect(&range) else {
            break;
        };
        let full: u64 = period.days().map(|d| cap(d) as u64).sum();
        let weights: Vec<u64> = part.days().map(|d| cap(d) as u64).collect();
        let inside: u64 = weights.iter().sum();
        let share = if full == 0 {
            0
        } else {
            div_round(per_period * inside, full)
        };
        out.extend(distribute(share, &weights));
        match part.end.succ_opt() {
            Some(next) => cursor = next,
            None => break,
        }
    }
    out
}

fn hours_to_minutes(h: f64) -> u64 {
    if h.is_finite() && h > 0.0 {
        (h * 60.0).round().min(u32::MAX as f64) as u64
    } else {
        0
    }
}

fn div_round(a: u64, b: u64) -> u64 {
    (a + b / 2) / b
}

/// Splits `total` in proportion to `weights` (largest remainder; ties go to the earlier day).
/// With all weights zero the result is all zeros.
pub fn distribute(total: u64, weights: &[u64]) -> Vec<u32> {
    let sum: u128 = weights.iter().map(|w| *w as u128).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let total = total as u128;
    let mut out: Vec<u32> = Vec::with_capacity(weights.len());
    let mut rems: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
    let mut given: u128 = 0;
    for (i, w) in weights.iter().enumerate() {
        let exact = total * *w as u128;
        let q = exact / sum;
        given += q;
        out.push(q as u32);
        rems.push((exact % sum, i));
    }
    let left = (total - given) as usize;
    if left > 0 {
        rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, i) in rems.into_iter().take(left) {
            out[i] += 1;
        }
    }
    out
}

/// How loaded a day or bucket is against its capacity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LoadLevel {
    /// Nothing allocated.
    Free,
    /// Below 80 % of capacity.
    Under,
    /// 80 % to 100 %.
    Full,
    /// Above capacity (or any load on a day with no capacity).
    Over,
}

impl LoadLevel {
    /// The glyph that tells the level without colour (in cells, and in messages that name a
    /// peak).
    pub fn glyph(self) -> char {
        match self {
            LoadLevel::Free => '·',
            LoadLevel::Under => ' ',
            LoadLevel::Full => '•',
            LoadLevel::Over => '▲',
        }
    }
}

pub fn load_level(load: u64, capacity: u64) -> LoadLevel {
    if load == 0 {
        LoadLevel::Free
    } else if load > capacity {
        LoadLevel::Over
    } else if load * 100 >= capacity * 80 {
        LoadLevel::Full
    } else {
        LoadLevel::Under
    }
}

/// Utilization as a whole percentage; `None` when there is no capacity to measure against.
pub fn utilization_pct(load: u64, capacity: u64) -> Option<u64> {
    (capacity > 0).then(|| (load * 100 + capacity / 2) / capacity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::{Holidays, WeeklyCapacity};
    use crate::domain::dates::parse_date;
    use proptest::prelude::*;
    use std::sync::Arc;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }
    fn r(a: &str, b: &str) -> DateRange {
        DateRange::new(d(a), d(b))
    }
    fn standard() -> Calendar {
        Calendar::default()
    }
    fn total(v: &[u32]) -> u64 {
        v.iter().map(|m| *m as u64).sum()
    }

    #[test]
    fn kantata_seed_2100_minutes_over_a_week_is_7h_a_day() {
        let v = daily_load(
            r("2025-03-03", "2025-03-07"),
            Amount::TotalMinutes(2100),
            false,
            &standard(),
        );
        assert_eq!(v, vec![420; 5]);
    }

    #[test]
    fn ruddr_seed_6_5_hours_a_day_over_spring_is_422_5_hours() {
        let v = daily_load(
            r("2025-03-01", "2025-05-31"),
            Amount::HoursPerDay(6.5),
            false,
            &standard(),
        );
        assert_eq!(v.iter().filter(|m| **m > 0).count(), 65);
        assert_eq!(total(&v), 25_350, "422.5 h");
    }

    #[test]
    fn weekend_days_get_nothing() {
        // Thursday to Tuesday: four working days.
        let v = daily_load(
            r("2025-03-06", "2025-03-11"),
            Amount::TotalMinutes(1200),
            false,
            &standard(),
        );
        assert_eq!(v, vec![300, 300, 0, 0, 300, 300]);
    }

    #[test]
    fn a_holiday_inside_the_range_moves_its_share_to_the_other_days() {
        let holidays: Holidays = Arc::new([d("2025-03-05")].into_iter().collect());
        let cal = Calendar::new(WeeklyCapacity::STANDARD, holidays, vec![]);
        let v = daily_load(
            r("2025-03-03", "2025-03-07"),
            Amount::TotalMinutes(2100),
            false,
            &cal,
        );
        assert_eq!(v, vec![525, 525, 0, 525, 525]);
        let per_day = daily_load(
            r("2025-03-03", "2025-03-07"),
            Amount::HoursPerDay(8.0),
            false,
            &cal,
        );
        assert_eq!(per_day, vec![480, 480, 0, 480, 480]);
    }

    #[test]
    fn ruddr_four_day_week_capacity() {
        let cal = Calendar::new(
            WeeklyCapacity::from_hours([10.0, 10.0, 10.0, 10.0, 0.0, 0.0, 0.0]),
            Holidays::default(),
            vec![],
        );
        let week = r("2025-03-03", "2025-03-09");
        assert_eq!(
            daily_load(week, Amount::HoursPerWeek(40.0), false, &cal),
            vec![600, 600, 600, 600, 0, 0, 0]
        );
        assert_eq!(
            daily_load(week, Amount::HoursPerDay(8.0), false, &cal),
            vec![480, 480, 480, 480, 0, 0, 0]
        );
        assert_eq!(
            daily_load(week, Amount::RatioOfCapacity(0.5), false, &cal),
            vec![300, 300, 300, 300, 0, 0, 0]
        );
        assert_eq!(
            daily_load(week, Amount::TotalHours(20.0), false, &cal),
            vec![300, 300, 300, 300, 0, 0, 0]
        );
    }

    #[test]
    fn time_off_is_skipped_unless_allocated_on_time_off_days() {
        let cal = Calendar::new(
            WeeklyCapacity::STANDARD,
            Holidays::default(),
            vec![r("2025-03-04", "2025-03-04")],
        );
        let week = r("2025-03-03", "2025-03-07");
        assert_eq!(
            daily_load(week, Amount::HoursPerDay(4.0), false, &cal),
            vec![240, 0, 240, 240, 240]
        );
        assert_eq!(
            daily_load(week, Amount::HoursPerDay(4.0), true, &cal),
            vec![240; 5]
        );
    }

    #[test]
    fn a_partial_week_gets_its_share_of_the_weekly_hours() {
        // Wednesday to Friday is 3 of 5 working days: 24 of 40 hours.
        let v = daily_load(
            r("2025-03-05", "2025-03-07"),
            Amount::HoursPerWeek(40.0),
            false,
            &standard(),
        );
        assert_eq!(v, vec![480, 480, 480]);
    }

    #[test]
    fn a_month_unit_spreads_over_the_months_working_days() {
        // March 2025 has 21 weekdays; 168 h over them is 8 h each.
        let v = daily_load(
            r("2025-03-01", "2025-03-31"),
            Amount::HoursPerMonth(168.0),
            false,
            &standard(),
        );
        assert_eq!(total(&v), 168 * 60);
        assert!(v.iter().all(|m| *m == 0 || *m == 480));
    }

    #[test]
    fn kantata_minutes_on_a_weekend_only_range_are_kept() {
        let v = daily_load(
            r("2025-03-08", "2025-03-09"),
            Amount::TotalMinutes(120),
            false,
            &standard(),
        );
        assert_eq!(v, vec![60, 60]);
    }

    #[test]
    fn levels() {
        assert_eq!(load_level(0, 480), LoadLevel::Free);
        assert_eq!(load_level(100, 480), LoadLevel::Under);
        assert_eq!(load_level(384, 480), LoadLevel::Full);
        assert_eq!(load_level(480, 480), LoadLevel::Full);
        assert_eq!(load_level(481, 480), LoadLevel::Over);
        assert_eq!(load_level(10, 0), LoadLevel::Over);
        assert_eq!(utilization_pct(240, 480), Some(50));
        assert_eq!(utilization_pct(0, 0), None);
    }

    fn alloc(range: DateRange, amount: Amount) -> Allocation {
        Allocation::sample("a", "r", range, amount)
    }

    #[test]
    fn a_range_from_year_minus_200000_is_walked_only_near_the_window() {
        let far = NaiveDate::from_ymd_opt(-200_000, 1, 1).unwrap();
        let window = r("2026-11-02", "2027-01-31");
        let range = DateRange::new(far, d("2027-06-30"));
        for amount in [
            Amount::HoursPerDay(4.0),
            Amount::RatioOfCapacity(0.5),
            Amount::HoursPerWeek(20.0),
            Amount::HoursPerMonth(80.0),
        ] {
            let span = load_span(&alloc(range, amount), window).unwrap();
            assert!(
                span.len_days() <= window.len_days() + 62,
                "{amount:?}: {span:?}"
            );
        }
        let span = load_span(&alloc(range, Amount::TotalMinutes(60)), window).unwrap();
        assert_eq!(
            span,
            r("1900-01-01", "2027-06-30"),
            "never before the supported dates"
        );
        let (start, days) =
            allocation_daily_in(&alloc(range, Amount::HoursPerDay(4.0)), &standard(), window)
                .unwrap();
        assert_eq!(start, window.start);
        assert_eq!(days.len() as i64, window.len_days());
        assert_eq!(total(&days), 65 * 240, "65 weekdays in the window at 4 h");
        assert_eq!(
            load_span(
                &alloc(r("2025-01-01", "2025-02-01"), Amount::HoursPerDay(1.0)),
                window
            ),
            None
        );
    }

    proptest! {
        #[test]
        fn the_window_part_equals_the_whole_computed_then_cut(
            start in 0i64..700, len in 0i64..300, w0 in 0i64..700, wlen in 0i64..200,
            unit in 0usize..6, value in 1u32..5000,
        ) {
            let base = d("2025-01-01");
            let add = crate::domain::dates::add_days;
            let range = DateRange::new(add(base, start), add(base, start + len));
            let window = DateRange::new(add(base, w0), add(base, w0 + wlen));
            let v = value as f64 / 100.0;
            let amount = [
                Amount::TotalMinutes(value * 10),
                Amount::TotalHours(v * 10.0),
                Amount::HoursPerDay(v.min(24.0)),
                Amount::HoursPerWeek(v),
                Amount::HoursPerMonth(v * 4.0),
                Amount::RatioOfCapacity((v / 50.0).min(1.0)),
            ][unit];
            let a = alloc(range, amount);
            let whole = allocation_daily(&a, &standard());
            let got = allocation_daily_in(&a, &standard(), window);
            match range.intersect(&window) {
                None => prop_assert!(got.is_none()),
                Some(part) => {
                    let (s, days) = got.unwrap();
                    let skip = (part.start - range.start).num_days() as usize;
                    prop_assert_eq!(s, part.start);
                    prop_assert_eq!(&days[..], &whole[skip..skip + part.len_days() as usize]);
                }
            }
        }

        #[test]
        fn distribute_preserves_the_total(total in 0u64..1_000_000, weights in prop::collection::vec(0u64..1000, 1..60)) {
            let v = distribute(total, &weights);
            prop_assert_eq!(v.len(), weights.len());
            if weights.iter().any(|w| *w > 0) {
                prop_assert_eq!(v.iter().map(|m| *m as u64).sum::<u64>(), total);
            }
            for (m, w) in v.iter().zip(&weights) {
                if *w == 0 { prop_assert_eq!(*m, 0); }
            }
        }

        #[test]
        fn kantata_totals_are_exact_over_any_range(start in 0i64..800, len in 0i64..400, minutes in 0u32..200_000) {
            let s = crate::domain::dates::add_days(d("2024-01-01"), start);
            let range = DateRange::new(s, crate::domain::dates::add_days(s, len));
            let v = daily_load(range, Amount::TotalMinutes(minutes), false, &standard());
            prop_assert_eq!(v.len() as i64, range.len_days());
            prop_assert_eq!(total(&v), minutes as u64);
        }
    }
}
