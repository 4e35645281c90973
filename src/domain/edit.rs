//! Pure arithmetic behind allocation edits: shifting, stretching, splitting, and the parsing and
//! bounds of what a user types. Shared by the reducer (optimistic edits) and the stores.

use super::calendar::Calendar;
use super::dates::{DateRange, add_days, add_months, check_supported, parse_date};
use super::model::{Allocation, Amount};
use super::timeline::Zoom;
use chrono::NaiveDate;

/// Days with capacity in `range` (the days a total is spread over).
pub fn working_days(range: DateRange, cal: &Calendar) -> u64 {
    range.days().filter(|d| cal.capacity(*d) > 0).count() as u64
}

/// `d` moved by `n` buckets of `zoom` (days, weeks or months).
pub fn move_by(zoom: Zoom, d: NaiveDate, n: i64) -> NaiveDate {
    match zoom {
        Zoom::Day => add_days(d, n),
        Zoom::Week => add_days(d, 7 * n),
        Zoom::Month => add_months(d, n.clamp(-1200, 1200) as i32),
    }
}

/// The day on which `count` working days starting at `start` are complete.
fn end_after_working_days(start: NaiveDate, count: u64, cal: &Calendar) -> NaiveDate {
    let mut seen = 0;
    let mut d = start;
    // A year of days is far more than any allocation needs to find its working days again.
    for _ in 0..3660 {
        if cal.capacity(d) > 0 {
            seen += 1;
            if seen == count {
                return d;
            }
        }
        d = add_days(d, 1);
    }
    d
}

/// Moves an allocation by `n` buckets, keeping its number of working days (Kantata's "shift"):
/// the end lands where as many working days have passed as before. Totals are unchanged.
pub fn shift(a: &Allocation, zoom: Zoom, n: i64, cal: &Calendar) -> Allocation {
    let start = move_by(zoom, a.range.start, n);
    let days = working_days(a.range, cal);
    let end = if days == 0 {
        add_days(start, a.range.len_days() - 1)
    } else {
        end_after_working_days(start, days, cal).max(start)
    };
    Allocation {
        range: DateRange::new(start, end),
        ..a.clone()
    }
}

/// Moves the end by `n` buckets, keeping the hours per working day: totals scale with the
/// working days. Refused when the end would come before the start.
pub fn stretch(a: &Allocation, zoom: Zoom, n: i64, cal: &Calendar) -> Result<Allocation, String> {
    let end = move_by(zoom, a.range.end, n);
    if end < a.range.start {
        return Err(format!(
            "cannot shorten further: it would end ({end}) before it starts ({})",
            a.range.start
        ));
    }
    check_supported(end).map_err(|e| format!("cannot stretch further: {e}"))?;
    let range = DateRange::new(a.range.start, end);
    let (old, new) = (working_days(a.range, cal), working_days(range, cal));
    let amount = match a.amount {
        Amount::TotalMinutes(m) if old > 0 => {
            Amount::TotalMinutes(((m as u64 * new + old / 2) / old).min(u32::MAX as u64) as u32)
        }
        Amount::TotalHours(h) if old > 0 => {
            Amount::TotalHours((h * new as f64 / old as f64 * 100.0).round() / 100.0)
        }
        other => other,
    };
    Ok(Allocation {
        range,
        amount,
        ..a.clone()
    })
}

/// Splits at `date` into `start..date-1` (keeping the id) and `date..end` (taking `new_id`).
/// Totals are shared in proportion to working days on each side, as Kantata's split does.
pub fn split(
    a: &Allocation,
    date: NaiveDate,
    new_id: super::ids::Id,
    cal: &Calendar,
) -> Result<(Allocation, Allocation), String> {
    let before = date
        .pred_opt()
        .filter(|d| *d >= a.range.start && date <= a.range.end);
    let Some(before) = before else {
        return Err(format!(
            "cannot split on {date}: the date must be after the first day ({}) and no later than the last ({})",
            a.range.start, a.range.end
        ));
    };
    let (r1, r2) = (
        DateRange::new(a.range.start, before),
        DateRange::new(date, a.range.end),
    );
    let (mut w1, mut w2) = (working_days(r1, cal), working_days(r2, cal));
    if w1 + w2 == 0 {
        (w1, w2) = (r1.len_days() as u64, r2.len_days() as u64);
    }
    let (x1, x2) = match a.amount {
        Amount::TotalMinutes(m) => {
            let m1 = ((m as u64 * w1 + (w1 + w2) / 2) / (w1 + w2)) as u32;
            (Amount::TotalMinutes(m1), Amount::TotalMinutes(m - m1))
        }
        Amount::TotalHours(h) => {
            let h1 = (h * w1 as f64 / (w1 + w2) as f64 * 100.0).round() / 100.0;
            (
                Amount::TotalHours(h1),
                Amount::TotalHours(((h - h1) * 100.0).round().max(0.0) / 100.0),
            )
        }
        per_period => (per_period, per_period),
    };
    let first = Allocation {
        range: r1,
        amount: x1,
        server_total_minutes: None,
        ..a.clone()
    };
    let second = Allocation {
        id: new_id,
        range: r2,
        amount: x2,
        server_total_minutes: None,
        read_only: false,
        version: 1,
        ..a.clone()
    };
    Ok((first, second))
}

/// A date as typed: `YYYY-MM-DD`, `today`, or an offset from today such as `+3d`, `+2w`, `-1m`.
/// The result must lie in the supported range ([`check_supported`]).
pub fn parse_date_input(s: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let not_a_date = || {
        format!(
            "'{}' is not a date: use YYYY-MM-DD, today, or +3d / +2w / +1m",
            s.trim()
        )
    };
    let t = s.trim().to_lowercase();
    if t == "today" || t == "t" {
        return check_supported(today);
    }
    let signed = t
        .strip_prefix('+')
        .map(|r| (1, r))
        .or_else(|| t.strip_prefix('-').map(|r| (-1, r)));
    let date = if let Some((sign, body)) = signed {
        // Split off the last character, not the last byte: the unit may be any typed character.
        let mut chars = body.chars();
        let unit = chars.next_back();
        let n = chars
            .as_str()
            .parse::<i64>()
            .map_err(|_| not_a_date())?
            .min(1_000_000);
        let n = sign * n;
        match unit {
            Some('d') => add_days(today, n),
            Some('w') => add_days(today, 7 * n),
            Some('m') => add_months(today, n as i32),
            _ => return Err(not_a_date()),
        }
    } else {
        parse_date(&t).map_err(|_| not_a_date())?
    };
    check_supported(date)
}

/// The most a percentage of capacity may be (in the allocation and request forms): three
/// people's worth of one person's time is already far past any plan; more is a typo.
pub const MAX_PERCENT: u32 = 300;

/// The most anyone can work in a day, the bound on every amount's hours per day.
pub const MAX_MINUTES_PER_DAY: u64 = 24 * 60;

/// Refuses a total that would need more than 24 h on some working day of `range` (on calendar
/// days when it has none): `minutes` over `range` of a resource with calendar `cal`.
pub fn check_total_minutes(minutes: u64, range: DateRange, cal: &Calendar) -> Result<(), String> {
    let days = match working_days(range, cal) {
        0 => range.len_days().max(1) as u64,
        n => n,
    };
    let most = days * MAX_MINUTES_PER_DAY;
    if minutes > most {
        // The bound first: a narrow form cuts the end of the line.
        return Err(format!(
            "at most {} h (24 h on each of the {days} working day(s), {} to {})",
            most / 60,
            range.start,
            range.end
        ));
    }
    Ok(())
}

/// How an amount is entered. Kantata stores total minutes (entered as hours or % of capacity);
/// Ruddr has five units of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AmountUnit {
    TotalHours,
    PercentOfCapacity,
    HoursPerDay,
    HoursPerWeek,
    HoursPerMonth,
    RuddrTotalHours,
    Ratio,
}

impl AmountUnit {
    pub const KANTATA: [AmountUnit; 2] = [AmountUnit::TotalHours, AmountUnit::PercentOfCapacity];
    pub const RUDDR: [AmountUnit; 5] = [
        AmountUnit::HoursPerDay,
        AmountUnit::HoursPerWeek,
        AmountUnit::HoursPerMonth,
        AmountUnit::RuddrTotalHours,
        AmountUnit::Ratio,
    ];

    pub fn label(&self) -> &'static str {
        match self {
            AmountUnit::TotalHours | AmountUnit::RuddrTotalHours => "hours in total",
            AmountUnit::PercentOfCapacity => "% of capacity",
            AmountUnit::HoursPerDay => "hours per day",
            AmountUnit::HoursPerWeek => "hours per week",
            AmountUnit::HoursPerMonth => "hours per month",
            AmountUnit::Ratio => "ratio of capacity (0–1)",
        }
    }

    /// The inclusive bounds a value must lie in. Ruddr's come from its allocation document
    /// (seeds/ruddr-allocations-create.txt: "between 0 and 24" hours a day, 168 a week, 744 a
    /// month, 99999 in total, a ratio 0 to 1). Kantata documents only integer `minutes`
    /// (seeds/kantata-workspace-allocations-create.txt), so allot's own bounds apply: at most
    /// [`MAX_PERCENT`] of capacity, and hours in total bounded by the range (see
    /// [`check_total_minutes`]).
    pub fn bounds(&self) -> (f64, f64) {
        match self {
            AmountUnit::HoursPerDay => (0.0, 24.0),
            AmountUnit::HoursPerWeek => (0.0, 168.0),
            AmountUnit::HoursPerMonth => (0.0, 744.0),
            AmountUnit::TotalHours | AmountUnit::RuddrTotalHours => (0.0, 99_999.0),
            AmountUnit::PercentOfCapacity => (0.0, MAX_PERCENT as f64),
            AmountUnit::Ratio => (0.0, 1.0),
        }
    }

    /// Decimal places the backend keeps: Ruddr's document allows 2 (4 for a ratio).
    fn decimals(&self) -> Option<i32> {
        match self {
            AmountUnit::TotalHours | AmountUnit::PercentOfCapacity => None,
            AmountUnit::Ratio => Some(4),
            _ => Some(2),
        }
    }

    /// Whether 0 may be saved. Ruddr documents its ranges as starting at 0; Kantata documents
    /// no zero allocation, so the strictest reading applies and 0 is refused there.
    fn zero_allowed(&self) -> bool {
        !matches!(self, AmountUnit::TotalHours | AmountUnit::PercentOfCapacity)
    }

    /// Parses and bounds-checks a typed value; the message names the unit and the bound.
    pub fn parse(&self, s: &str) -> Result<f64, String> {
        let t = s.trim().trim_end_matches(['%', 'h']);
        let v: f64 = t
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| format!("'{}' is not a number", s.trim()))?;
        let (lo, hi) = self.bounds();
        if v < lo || v > hi {
            return Err(format!("{} must be between {lo} and {hi}", self.label()));
        }
        if v == 0.0 && !self.zero_allowed() {
            return Err(format!(
                "{} must be more than 0 (a zero allocation is not saved)",
                self.label()
            ));
        }
        if let Some(places) = self.decimals() {
            let scale = 10f64.powi(places);
            if ((v * scale).round() - v * scale).abs() > 1e-6 {
                return Err(format!(
                    "{} takes at most {places} decimal places (Ruddr's rule)",
                    self.label()
                ));
            }
        }
        Ok(v)
    }

    /// The stored amount for `value` over `range` of a resource with calendar `cal`.
    pub fn amount(&self, value: f64, range: DateRange, cal: &Calendar) -> Amount {
        let minutes = |h: f64| (h * 60.0).round().clamp(0.0, u32::MAX as f64) as u32;
        match self {
            AmountUnit::TotalHours => Amount::TotalMinutes(minutes(value)),
            AmountUnit::PercentOfCapacity => {
                Amount::TotalMinutes((cal.capacity_in(range) as f64 * value / 100.0).round() as u32)
            }
            AmountUnit::HoursPerDay => Amount::HoursPerDay(value),
            AmountUnit::HoursPerWeek => Amount::HoursPerWeek(value),
            AmountUnit::HoursPerMonth => Amount::HoursPerMonth(value),
            AmountUnit::RuddrTotalHours => Amount::TotalHours(value),
            AmountUnit::Ratio => Amount::RatioOfCapacity(value),
        }
    }

    /// The unit and typed value that show an existing amount.
    pub fn of(amount: Amount) -> (AmountUnit, f64) {
        match amount {
            Amount::TotalMinutes(m) => (AmountUnit::TotalHours, m as f64 / 60.0),
            Amount::HoursPerDay(h) => (AmountUnit::HoursPerDay, h),
            Amount::HoursPerWeek(h) => (AmountUnit::HoursPerWeek, h),
            Amount::HoursPerMonth(h) => (AmountUnit::HoursPerMonth, h),
            Amount::TotalHours(h) => (AmountUnit::RuddrTotalHours, h),
            Amount::RatioOfCapacity(r) => (AmountUnit::Ratio, r),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::{Holidays, WeeklyCapacity};
    use crate::domain::ids::Id;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn alloc(start: &str, end: &str, amount: Amount) -> Allocation {
        Allocation {
            id: Id::new("a"),
            resource_id: Id::new("r"),
            project_id: None,
            range: DateRange::new(d(start), d(end)),
            amount,
            hard: true,
            notes: String::new(),
            read_only: false,
            allocate_on_time_off: false,
            server_total_minutes: None,
            version: 3,
        }
    }

    fn cal() -> Calendar {
        Calendar::new(
            WeeklyCapacity::STANDARD,
            Holidays::new([d("2026-12-25")].into_iter().collect()),
            vec![],
        )
    }

    #[test]
    fn shifting_keeps_the_working_days() {
        // Mon 2026-12-14..Fri 12-18 is 5 working days; a week later Christmas Friday is off.
        let a = alloc("2026-12-14", "2026-12-18", Amount::TotalMinutes(2400));
        let b = shift(&a, Zoom::Week, 1, &cal());
        assert_eq!(b.range, DateRange::new(d("2026-12-21"), d("2026-12-28")));
        assert_eq!(b.amount, a.amount);
        assert_eq!(shift(&b, Zoom::Week, -1, &cal()).range, a.range);
        let c = shift(&a, Zoom::Day, 1, &cal());
        assert_eq!(
            c.range,
            DateRange::new(d("2026-12-15"), d("2026-12-21")),
            "skips the weekend"
        );
    }

    #[test]
    fn stretching_keeps_hours_per_day_and_stops_at_the_start() {
        let a = alloc("2026-11-23", "2026-11-27", Amount::TotalMinutes(2400));
        let b = stretch(&a, Zoom::Week, 1, &cal()).unwrap();
        assert_eq!(b.range.end, d("2026-12-04"));
        assert_eq!(b.amount, Amount::TotalMinutes(4800));
        let day = stretch(
            &alloc("2026-11-23", "2026-11-23", Amount::HoursPerDay(4.0)),
            Zoom::Day,
            -1,
            &cal(),
        );
        assert!(day.unwrap_err().contains("before it starts"));
        let edge = alloc("2199-12-01", "2199-12-31", Amount::HoursPerDay(4.0));
        let e = stretch(&edge, Zoom::Month, 1, &cal()).unwrap_err();
        assert!(e.contains("outside the supported dates"), "{e}");
        let per_day = stretch(
            &alloc("2026-11-23", "2026-11-27", Amount::HoursPerDay(4.0)),
            Zoom::Week,
            1,
            &cal(),
        );
        assert_eq!(
            per_day.unwrap().amount,
            Amount::HoursPerDay(4.0),
            "a rate stays a rate"
        );
    }

    #[test]
    fn splitting_shares_totals_by_working_days() {
        let a = alloc("2026-11-23", "2026-12-04", Amount::TotalMinutes(6000));
        let (x, y) = split(&a, d("2026-11-26"), Id::new("b"), &cal()).unwrap();
        assert_eq!(x.range.end, d("2026-11-25"));
        assert_eq!(y.range.start, d("2026-11-26"));
        assert_eq!(x.amount, Amount::TotalMinutes(1800), "3 of 10 working days");
        assert_eq!(y.amount, Amount::TotalMinutes(4200));
        assert_eq!((x.id.as_str(), y.id.as_str()), ("a", "b"));
        assert!(
            split(&a, d("2026-11-23"), Id::new("b"), &cal()).is_err(),
            "not on the first day"
        );
        assert!(
            split(&a, d("2026-12-05"), Id::new("b"), &cal()).is_err(),
            "not after the end"
        );
    }

    #[test]
    fn dates_can_be_typed_relative_to_today() {
        let t = d("2026-11-23");
        assert_eq!(parse_date_input("today", t), Ok(t));
        assert_eq!(parse_date_input("+3d", t), Ok(d("2026-11-26")));
        assert_eq!(parse_date_input("+2w", t), Ok(d("2026-12-07")));
        assert_eq!(parse_date_input("+1m", t), Ok(d("2026-12-23")));
        assert_eq!(parse_date_input("-1w", t), Ok(d("2026-11-16")));
        assert_eq!(parse_date_input(" 2027-01-04 ", t), Ok(d("2027-01-04")));
        let e = parse_date_input("next tuesday", t).unwrap_err();
        assert!(e.contains("'next tuesday' is not a date"), "{e}");
        assert!(parse_date_input("+3y", t).is_err());
        assert!(parse_date_input("2026-02-30", t).is_err());
    }

    #[test]
    fn any_typed_unit_is_refused_by_name_not_by_a_panic() {
        let t = d("2026-11-23");
        for typed in ["+日", "+2ä", "-3😀", "+", "-", "+ä", "+2\u{301}"] {
            let e = parse_date_input(typed, t).unwrap_err();
            assert!(e.contains("is not a date"), "{typed}: {e}");
        }
    }

    #[test]
    fn typed_dates_stay_in_the_supported_range() {
        let t = d("2026-11-23");
        let e = parse_date_input("+100000d", t).unwrap_err();
        assert!(e.contains("outside the supported dates"), "{e}");
        assert!(parse_date_input("9999-12-31", t).is_err());
        assert!(parse_date_input("1899-12-31", t).is_err());
        assert!(parse_date_input("-2000m", t).is_err());
        assert_eq!(parse_date_input("2199-12-31", t), Ok(d("2199-12-31")));
    }

    #[test]
    fn totals_are_bounded_by_24_hours_a_working_day() {
        let week = DateRange::new(d("2026-11-23"), d("2026-11-27"));
        assert_eq!(check_total_minutes(5 * 24 * 60, week, &cal()), Ok(()));
        let e = check_total_minutes(5 * 24 * 60 + 1, week, &cal()).unwrap_err();
        assert_eq!(
            e,
            "at most 120 h (24 h on each of the 5 working day(s), 2026-11-23 to 2026-11-27)"
        );
        // A weekend has no working day: its calendar days bound it.
        let weekend = DateRange::new(d("2026-11-28"), d("2026-11-29"));
        assert!(check_total_minutes(48 * 60, weekend, &cal()).is_ok());
        assert!(check_total_minutes(48 * 60 + 1, weekend, &cal()).is_err());
    }

    #[test]
    fn amounts_are_bounded_per_unit() {
        assert_eq!(AmountUnit::HoursPerDay.parse("6.5"), Ok(6.5));
        assert!(
            AmountUnit::HoursPerDay
                .parse("25")
                .unwrap_err()
                .contains("between 0 and 24")
        );
        assert!(AmountUnit::HoursPerWeek.parse("169").is_err());
        assert!(AmountUnit::HoursPerMonth.parse("745").is_err());
        assert!(AmountUnit::RuddrTotalHours.parse("100000").is_err());
        assert!(AmountUnit::Ratio.parse("1.2").is_err());
        assert!(AmountUnit::TotalHours.parse("-1").is_err());
        assert!(
            AmountUnit::TotalHours
                .parse("lots")
                .unwrap_err()
                .contains("not a number")
        );
        assert_eq!(AmountUnit::PercentOfCapacity.parse("50%"), Ok(50.0));
        assert!(
            AmountUnit::PercentOfCapacity
                .parse("10000")
                .unwrap_err()
                .contains("% of capacity must be between 0 and 300")
        );
        assert!(
            AmountUnit::TotalHours
                .parse("0")
                .unwrap_err()
                .contains("hours in total must be more than 0")
        );
        assert!(AmountUnit::PercentOfCapacity.parse("0%").is_err());
        assert_eq!(
            AmountUnit::HoursPerDay.parse("0"),
            Ok(0.0),
            "Ruddr allows 0"
        );
        assert!(AmountUnit::HoursPerDay.parse("33333").is_err());
        assert!(
            AmountUnit::HoursPerDay
                .parse("6.555")
                .unwrap_err()
                .contains("at most 2 decimal places")
        );
        assert_eq!(AmountUnit::Ratio.parse("0.1234"), Ok(0.1234));
        let week = DateRange::new(d("2026-11-23"), d("2026-11-27"));
        assert_eq!(
            AmountUnit::PercentOfCapacity.amount(50.0, week, &cal()),
            Amount::TotalMinutes(1200)
        );
        assert_eq!(
            AmountUnit::TotalHours.amount(7.5, week, &cal()),
            Amount::TotalMinutes(450)
        );
    }
}
