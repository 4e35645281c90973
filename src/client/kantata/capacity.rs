//! True capacity on Kantata: the account's default workweeks, each user's workweek memberships,
//! holiday calendars and time off entries, read in bulk and made into one [`Calendar`] per user.
//!
//! Sources (repo `api-evangelist/mavenlink`, `openapi/`; summarised in
//! `shared/reference/capacity-apis.md` §1–3):
//! - AE:workweeks: `GET /workweeks`, the account's default workweeks, `start_date`/`end_date`
//!   (null = open) and `sunday_minutes` … `saturday_minutes` (minutes, not hours).
//! - AE:workweek-memberships: `GET /workweek_memberships?include=workweek`; a
//!   membership's `workweek_id` comes only with `include=workweek`, its `start_date` is a Sunday.
//!   A user-level workweek overrides the account default; a blank start applies "from the
//!   beginning of time" and a new workweek's start closes the previous one (Kantata KB
//!   215807427, "Custom Workweeks Overview").
//! - AE:holiday-calendar-memberships (`include=holiday_calendar` for `holiday_calendar_id`),
//!   AE:holiday-calendar-associations (`include=holiday,holiday_calendar` for `holiday_id` and
//!   `holiday_calendar_id`), AE:holidays (`start_date`..`end_date`, no hours per day: every
//!   day of the range is off), AE:holiday-calendars (`default`). A user no membership covers
//!   falls back to the calendar with `default: true` (KB 230142467, "Holiday Calendars").
//! - AE:time-off-entries: `GET /time_off_entries?start_date&end_date&include=user`,
//!   one entry per user per `requested_date` holding `hours` (partial days exist); `user_id`
//!   only with `include=user`; whether the date bounds are inclusive is not said, so the
//!   window is widened by a day each side and entries are filtered on `requested_date`.
//!
//! `GET /users/{id}/capacity` (K-users L1136) is one request per user and its netting of
//! holidays and time off is undocumented (capacity-apis.md §4); everything it gives is derived
//! here from the bulk lists, so it is not used.

use super::decode::Page;
use super::decode::lenient_f64;
use crate::client::BackendError;
use crate::client::ruddr::decode::merge_ranges;
use crate::domain::dates::{add_days, de_supported_opt};
use crate::domain::{Calendar, DateRange, Holidays, Id, WeeklyCapacity};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

// ---- wire types ---------------------------------------------------------------------------

/// A `workweeks` object (AE:workweeks "Workweek").
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireWorkweek {
    pub id: Id,
    #[serde(default)]
    pub default: Option<bool>,
    #[serde(default, deserialize_with = "de_supported_opt")]
    pub start_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de_supported_opt")]
    pub end_date: Option<NaiveDate>,
    #[serde(default)]
    pub sunday_minutes: Option<i64>,
    #[serde(default)]
    pub monday_minutes: Option<i64>,
    #[serde(default)]
    pub tuesday_minutes: Option<i64>,
    #[serde(default)]
    pub wednesday_minutes: Option<i64>,
    #[serde(default)]
    pub thursday_minutes: Option<i64>,
    #[serde(default)]
    pub friday_minutes: Option<i64>,
    #[serde(default)]
    pub saturday_minutes: Option<i64>,
}

impl WireWorkweek {
    /// The seven days, Monday first as allot keeps them; a missing or negative day is 0.
    pub fn week(&self) -> WeeklyCapacity {
        let m = |v: Option<i64>| v.unwrap_or(0).clamp(0, 24 * 60) as u32;
        WeeklyCapacity([
            m(self.monday_minutes),
            m(self.tuesday_minutes),
            m(self.wednesday_minutes),
            m(self.thursday_minutes),
            m(self.friday_minutes),
            m(self.saturday_minutes),
            m(self.sunday_minutes),
        ])
    }
}

/// A `workweek_memberships` object (AE:workweek-memberships "WorkweekMembership").
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireWorkweekMembership {
    pub id: Id,
    pub user_id: Id,
    /// Only with `include=workweek`.
    #[serde(default)]
    pub workweek_id: Option<Id>,
    #[serde(default, deserialize_with = "de_supported_opt")]
    pub start_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de_supported_opt")]
    pub end_date: Option<NaiveDate>,
}

/// A `holiday_calendar_memberships` object (AE:holiday-calendar-memberships).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireHolidayMembership {
    pub id: Id,
    pub user_id: Id,
    /// Only with `include=holiday_calendar`.
    #[serde(default)]
    pub holiday_calendar_id: Option<Id>,
    #[serde(default, deserialize_with = "de_supported_opt")]
    pub start_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de_supported_opt")]
    pub end_date: Option<NaiveDate>,
}

/// A `holiday_calendar_associations` object (AE:holiday-calendar-associations).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireAssociation {
    pub id: Id,
    /// Only with `include=holiday`.
    #[serde(default)]
    pub holiday_id: Option<Id>,
    /// Only with `include=holiday_calendar`.
    #[serde(default)]
    pub holiday_calendar_id: Option<Id>,
}

/// A `holidays` object (AE:holidays "Holiday").
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireHoliday {
    pub id: Id,
    #[serde(deserialize_with = "crate::domain::dates::de_supported")]
    pub start_date: NaiveDate,
    #[serde(default, deserialize_with = "de_supported_opt")]
    pub end_date: Option<NaiveDate>,
}

/// A `holiday_calendars` object (AE:holiday-calendars "HolidayCalendar").
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireHolidayCalendar {
    pub id: Id,
    #[serde(default)]
    pub default: Option<bool>,
}

/// A `time_off_entries` object (AE:time-off-entries "TimeOffEntry").
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireTimeOff {
    pub id: Id,
    /// Only with `include=user`.
    #[serde(default)]
    pub user_id: Option<Id>,
    #[serde(deserialize_with = "crate::domain::dates::de_supported")]
    pub requested_date: NaiveDate,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub hours: Option<f64>,
}

// ---- decoded pieces -----------------------------------------------------------------------

/// Something in force from `start` (None: the beginning of time) to `end` (None: open).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Span<T> {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub value: T,
}

impl<T> Span<T> {
    fn covers(&self, d: NaiveDate) -> bool {
        self.start.is_none_or(|s| s <= d) && self.end.is_none_or(|e| d <= e)
    }
}

/// Of the spans covering `d`, the one that started last (a new one closes the one before).
fn in_force<'a, T>(spans: impl Iterator<Item = &'a Span<T>>, d: NaiveDate) -> Option<&'a T>
where
    T: 'a,
{
    spans
        .filter(|s| s.covers(d))
        .max_by_key(|s| s.start)
        .map(|s| &s.value)
}

/// One holiday of one calendar.
#[derive(Clone, Debug, PartialEq)]
pub struct CalendarHoliday {
    pub calendar: Id,
    /// Whether the calendar is the account default (`default: true`).
    pub default: bool,
    pub days: DateRange,
}

/// One user's time off on one day, in hours.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeOff {
    pub user: Id,
    pub date: NaiveDate,
    pub hours: f64,
}

fn missing(what: &str, id: &Id, field: &str) -> BackendError {
    BackendError::Other(format!(
        "Kantata's {what} {id} came without its {field} (asked for with include)"
    ))
}

// ---- page mappers (one per list) ----------------------------------------------------------

/// The account's default workweeks on a `/workweeks` page. One marked `default: false` is not
/// the account's and is left out.
pub fn default_workweeks(page: &Page) -> Result<Vec<Span<WeeklyCapacity>>, BackendError> {
    Ok(page
        .canonical::<WireWorkweek>("workweeks")?
        .into_iter()
        .filter(|w| w.default != Some(false))
        .map(|w| Span {
            start: w.start_date,
            end: w.end_date,
            value: w.week(),
        })
        .collect())
}

/// Each membership on a `/workweek_memberships?include=workweek` page as (user, its week).
pub fn workweek_memberships(page: &Page) -> Result<Vec<(Id, Span<WeeklyCapacity>)>, BackendError> {
    page.canonical::<WireWorkweekMembership>("workweek_memberships")?
        .into_iter()
        .map(|m| {
            let week = m
                .workweek_id
                .as_ref()
                .map(|w| page.get::<WireWorkweek>("workweeks", w))
                .transpose()?
                .flatten()
                .ok_or_else(|| missing("workweek membership", &m.id, "workweek"))?;
            Ok((
                m.user_id,
                Span {
                    start: m.start_date,
                    end: m.end_date,
                    value: week.week(),
                },
            ))
        })
        .collect()
}

/// Each membership on a `/holiday_calendar_memberships?include=holiday_calendar` page as
/// (user, calendar id).
pub fn holiday_memberships(page: &Page) -> Result<Vec<(Id, Span<Id>)>, BackendError> {
    page.canonical::<WireHolidayMembership>("holiday_calendar_memberships")?
        .into_iter()
        .map(|m| {
            let calendar = m
                .holiday_calendar_id
                .clone()
                .ok_or_else(|| missing("holiday calendar membership", &m.id, "calendar"))?;
            Ok((
                m.user_id,
                Span {
                    start: m.start_date,
                    end: m.end_date,
                    value: calendar,
                },
            ))
        })
        .collect()
}

/// The calendars on a `/holiday_calendars` page as (id, whether it is the account default).
pub fn holiday_calendars(page: &Page) -> Result<Vec<(Id, bool)>, BackendError> {
    Ok(page
        .canonical::<WireHolidayCalendar>("holiday_calendars")?
        .into_iter()
        .map(|c| (c.id, c.default == Some(true)))
        .collect())
}

/// Whether the account's only holiday calendar is its default: then every member is on it
/// (a membership can name no other, and no membership means the default), so the memberships,
/// one per member (KB 230142467), need not be read.
pub fn only_the_default(calendars: &[(Id, bool)]) -> bool {
    matches!(calendars, [(_, true)])
}

/// Each association on a `/holiday_calendar_associations?include=holiday,holiday_calendar`
/// page as the holiday's days in its calendar.
pub fn holiday_associations(page: &Page) -> Result<Vec<CalendarHoliday>, BackendError> {
    page.canonical::<WireAssociation>("holiday_calendar_associations")?
        .into_iter()
        .map(|a| {
            let holiday = a
                .holiday_id
                .as_ref()
                .map(|h| page.get::<WireHoliday>("holidays", h))
                .transpose()?
                .flatten()
                .ok_or_else(|| missing("holiday calendar association", &a.id, "holiday"))?;
            let calendar = a
                .holiday_calendar_id
                .clone()
                .ok_or_else(|| missing("holiday calendar association", &a.id, "calendar"))?;
            let default = page
                .get::<WireHolidayCalendar>("holiday_calendars", &calendar)?
                .and_then(|c| c.default)
                .unwrap_or(false);
            let end = holiday.end_date.unwrap_or(holiday.start_date);
            Ok(CalendarHoliday {
                calendar,
                default,
                days: DateRange::new(holiday.start_date, end.max(holiday.start_date)),
            })
        })
        .collect()
}

/// The entries on a `/time_off_entries?include=user` page.
pub fn time_off(page: &Page) -> Result<Vec<TimeOff>, BackendError> {
    page.canonical::<WireTimeOff>("time_off_entries")?
        .into_iter()
        .map(|t| {
            let user = t
                .user_id
                .clone()
                .ok_or_else(|| missing("time off entry", &t.id, "user"))?;
            let hours = t
                .hours
                .filter(|h| h.is_finite() && *h >= 0.0)
                .unwrap_or(0.0);
            Ok(TimeOff {
                user,
                date: t.requested_date,
                hours,
            })
        })
        .collect()
}

/// `start_date` and `end_date` for the time off read: `window` widened by a day each side, as
/// the bounds may be exclusive ("after", "prior to"; AE:time-off-entries).
pub fn time_off_bounds(window: DateRange) -> (String, String) {
    let f = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    (f(add_days(window.start, -1)), f(add_days(window.end, 1)))
}

// ---- assembly -----------------------------------------------------------------------------

/// Everything read, ready to make calendars from.
#[derive(Clone, Debug, Default)]
pub struct Capacity {
    pub defaults: Vec<Span<WeeklyCapacity>>,
    pub workweeks: Vec<(Id, Span<WeeklyCapacity>)>,
    pub holiday_memberships: Vec<(Id, Span<Id>)>,
    pub holidays: Vec<CalendarHoliday>,
    pub time_off: Vec<TimeOff>,
}

impl Capacity {
    /// The account's holidays: the default calendar's days (unnamed resources and anyone on
    /// the default calendar throughout).
    pub fn default_holidays(&self) -> Holidays {
        Arc::new(
            self.holidays
                .iter()
                .filter(|h| h.default)
                .flat_map(|h| h.days.days())
                .collect(),
        )
    }

    /// The account's own calendar: its default workweeks over time and its default holiday
    /// calendar, no one's time off. An unnamed resource belongs to no user, so this is its
    /// capacity (capacity-apis.md §1–2 [inferred]: the default applies to all members).
    pub fn account_default(&self) -> Calendar {
        let (weekly, changes) = weekly_changes(&self.defaults, &[]);
        Calendar::new(weekly, self.default_holidays(), vec![]).with_changes(changes)
    }

    /// One calendar per user in `users`; time off counts inside `window` only.
    pub fn calendars(&self, users: &[Id], window: DateRange) -> BTreeMap<Id, Calendar> {
        let mut weeks: HashMap<&Id, Vec<&Span<WeeklyCapacity>>> = HashMap::new();
        for (u, s) in &self.workweeks {
            weeks.entry(u).or_default().push(s);
        }
        let mut member_of: HashMap<&Id, Vec<&Span<Id>>> = HashMap::new();
        for (u, s) in &self.holiday_memberships {
            member_of.entry(u).or_default().push(s);
        }
        let mut off: HashMap<&Id, BTreeMap<NaiveDate, f64>> = HashMap::new();
        for t in self.time_off.iter().filter(|t| window.contains(t.date)) {
            // Entries for one day are combined (AE:time-off-entries POST); add any that are not.
            *off.entry(&t.user).or_default().entry(t.date).or_default() += t.hours;
        }
        let default_calendar = self
            .holidays
            .iter()
            .find(|h| h.default)
            .map(|h| &h.calendar);
        let mut by_calendar: HashMap<&Id, Vec<DateRange>> = HashMap::new();
        for h in &self.holidays {
            by_calendar.entry(&h.calendar).or_default().push(h.days);
        }
        // Users with the same memberships share one holiday set.
        let mut shared: HashMap<Vec<Span<Id>>, Holidays> = HashMap::new();
        users
            .iter()
            .map(|u| {
                let (weekly, changes) =
                    weekly_changes(&self.defaults, weeks.get(u).map_or(&[][..], Vec::as_slice));
                let spans = member_of.get(u).map_or(&[][..], Vec::as_slice);
                let key = spans.iter().map(|s| (*s).clone()).collect();
                let holidays = shared
                    .entry(key)
                    .or_insert_with(|| Arc::new(holidays_of(spans, &by_calendar, default_calendar)))
                    .clone();
                let base = Calendar::new(weekly, holidays, vec![]).with_changes(changes);
                let cal = with_time_off(base, off.get(u));
                (u.clone(), cal)
            })
            .collect()
    }
}

/// The pattern before any change and the dated changes, from the account defaults and a user's
/// own memberships: on each day the user's membership in force, else the default in force,
/// else Kantata's standard week (capacity-apis.md §1 [inferred]).
fn weekly_changes(
    defaults: &[Span<WeeklyCapacity>],
    own: &[&Span<WeeklyCapacity>],
) -> (WeeklyCapacity, Vec<(NaiveDate, WeeklyCapacity)>) {
    let at = |d: NaiveDate| {
        in_force(own.iter().copied(), d)
            .or_else(|| in_force(defaults.iter(), d))
            .copied()
            .unwrap_or(WeeklyCapacity::STANDARD)
    };
    let edges = |s: &Span<WeeklyCapacity>| {
        [s.start, s.end.and_then(|e| e.succ_opt())]
            .into_iter()
            .flatten()
    };
    let points: BTreeSet<NaiveDate> = own
        .iter()
        .copied()
        .chain(defaults)
        .flat_map(edges)
        .collect();
    let first = at(NaiveDate::MIN);
    let mut last = first;
    let mut changes = Vec::new();
    for d in points {
        let w = at(d);
        if w != last {
            changes.push((d, w));
            last = w;
        }
    }
    (first, changes)
}

/// A user's holiday days: on each holiday day, whether the calendar in force for them that day
/// (their membership, else the account default) holds it.
fn holidays_of(
    spans: &[&Span<Id>],
    by_calendar: &HashMap<&Id, Vec<DateRange>>,
    default_calendar: Option<&Id>,
) -> BTreeSet<NaiveDate> {
    let candidates = spans
        .iter()
        .map(|s| &s.value)
        .chain(default_calendar)
        .filter_map(|c| by_calendar.get(c))
        .flatten()
        .flat_map(|r| r.days());
    candidates
        .filter(|d| {
            let cal = in_force(spans.iter().copied(), *d).or(default_calendar);
            cal.and_then(|c| by_calendar.get(c))
                .is_some_and(|days| days.iter().any(|r| r.contains(*d)))
        })
        .collect()
}

/// `base` with the hours off: at or over the day's capacity the day is off whole, less is a
/// partial day (the same rule as Ruddr's, capacity-apis.md §13).
fn with_time_off(base: Calendar, off: Option<&BTreeMap<NaiveDate, f64>>) -> Calendar {
    let Some(off) = off else { return base };
    let mut whole = Vec::new();
    let mut partial = BTreeMap::new();
    for (&d, &hours) in off {
        let minutes = (hours * 60.0).round().min(u32::MAX as f64) as u32;
        if minutes == 0 {
            continue;
        }
        if minutes >= base.base_capacity(d) {
            whole.push(DateRange::day(d));
        } else {
            partial.insert(d, minutes);
        }
    }
    Calendar {
        time_off: merge_ranges(whole),
        ..base.with_minutes_off(partial)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn page(body: &str) -> Page {
        Page::parse(body).unwrap()
    }

    /// AE:workweeks "Workweek", in the standard envelope: minutes per weekday, Sunday first.
    const WORKWEEKS: &str = r#"{
      "count": 1, "meta": {"count": 1, "page_count": 1, "page_number": 1, "page_size": 20},
      "results": [{"key": "workweeks", "id": "7"}],
      "workweeks": {"7": {"id": "7", "default": true, "start_date": null, "end_date": null,
        "sunday_minutes": 0, "monday_minutes": 450, "tuesday_minutes": 450,
        "wednesday_minutes": 450, "thursday_minutes": 450, "friday_minutes": 450,
        "saturday_minutes": 0, "total_minutes": 2250,
        "created_at": "2026-01-05T10:00:00Z", "updated_at": "2026-01-05T10:00:00Z"}}
    }"#;

    /// AE:workweek-memberships with `include=workweek`: `user_id` always, `workweek_id` only
    /// with the include, the workweek under `workweeks`.
    const MEMBERSHIPS: &str = r#"{
      "count": 2, "meta": {"count": 2, "page_count": 1, "page_number": 1, "page_size": 200},
      "results": [{"key": "workweek_memberships", "id": "31"},
                  {"key": "workweek_memberships", "id": "32"}],
      "workweek_memberships": {
        "31": {"id": "31", "user_id": 1004, "workweek_id": "70", "start_date": null,
               "end_date": "2026-03-07"},
        "32": {"id": "32", "user_id": 1004, "workweek_id": "71", "start_date": "2026-03-08",
               "end_date": null}},
      "workweeks": {
        "70": {"id": "70", "default": false, "sunday_minutes": 0, "monday_minutes": 480,
               "tuesday_minutes": 480, "wednesday_minutes": 480, "thursday_minutes": 480,
               "friday_minutes": 0, "saturday_minutes": 0, "total_minutes": 1920},
        "71": {"id": "71", "default": false, "sunday_minutes": 0, "monday_minutes": 360,
               "tuesday_minutes": 360, "wednesday_minutes": 360, "thursday_minutes": 360,
               "friday_minutes": 360, "saturday_minutes": 0, "total_minutes": 1800}}
    }"#;

    #[test]
    fn workweeks_are_minutes_sunday_first_and_memberships_dated_changes() {
        let defaults = default_workweeks(&page(WORKWEEKS)).unwrap();
        assert_eq!(defaults.len(), 1);
        assert_eq!(
            defaults[0].value,
            WeeklyCapacity([450, 450, 450, 450, 450, 0, 0])
        );
        let own = workweek_memberships(&page(MEMBERSHIPS)).unwrap();
        assert_eq!(own[0].0, Id::new("1004"));
        let cap = Capacity {
            defaults,
            workweeks: own,
            ..Capacity::default()
        };
        let window = DateRange::new(d("2026-01-01"), d("2026-12-31"));
        let cals = cap.calendars(&[Id::new("1004"), Id::new("1005")], window);
        let zoe = &cals[&Id::new("1004")];
        assert_eq!(zoe.weekly, WeeklyCapacity([480, 480, 480, 480, 0, 0, 0]));
        assert_eq!(
            zoe.changes,
            vec![(
                d("2026-03-08"),
                WeeklyCapacity([360, 360, 360, 360, 360, 0, 0])
            )]
        );
        assert_eq!(
            zoe.capacity(d("2026-03-06")),
            0,
            "Friday off before the change"
        );
        assert_eq!(zoe.capacity(d("2026-03-13")), 360, "a 6 h Friday after it");
        let other = &cals[&Id::new("1005")];
        assert_eq!(
            other.capacity(d("2026-03-13")),
            450,
            "no membership: the default"
        );
    }

    #[test]
    fn a_membership_without_its_workweek_is_an_error_naming_it() {
        let body = MEMBERSHIPS.replace(r#""workweek_id": "70", "#, "");
        let err = workweek_memberships(&page(&body)).unwrap_err().to_string();
        assert!(err.contains("workweek membership 31"), "{err}");
    }

    #[test]
    fn a_default_workweek_with_dates_applies_inside_them_only() {
        let defaults = vec![
            Span {
                start: None,
                end: Some(d("2026-01-31")),
                value: WeeklyCapacity::STANDARD,
            },
            Span {
                start: Some(d("2026-02-01")),
                end: None,
                value: WeeklyCapacity([420; 7]),
            },
        ];
        let (weekly, changes) = weekly_changes(&defaults, &[]);
        assert_eq!(weekly, WeeklyCapacity::STANDARD);
        assert_eq!(changes, vec![(d("2026-02-01"), WeeklyCapacity([420; 7]))]);
    }

    /// AE:holiday-calendar-memberships with `include=holiday_calendar`, and
    /// AE:holiday-calendar-associations with `include=holiday,holiday_calendar`.
    const HOLIDAY_MEMBERSHIPS: &str = r#"{
      "count": 1, "meta": {"count": 1, "page_count": 1, "page_number": 1, "page_size": 200},
      "results": [{"key": "holiday_calendar_memberships", "id": "5"}],
      "holiday_calendar_memberships": {"5": {"id": "5", "user_id": 1010,
        "holiday_calendar_id": "2", "start_date": "2026-06-01", "end_date": null,
        "in_use": true}},
      "holiday_calendars": {"2": {"id": "2", "name": "France", "default": false}}
    }"#;

    const ASSOCIATIONS: &str = r#"{
      "count": 2, "meta": {"count": 2, "page_count": 1, "page_number": 1, "page_size": 200},
      "results": [{"key": "holiday_calendar_associations", "id": "11"},
                  {"key": "holiday_calendar_associations", "id": "12"}],
      "holiday_calendar_associations": {
        "11": {"id": "11", "holiday_id": "100", "holiday_calendar_id": "1",
               "holiday_name": "Christmas Day", "holiday_calendar_name": "Account Default"},
        "12": {"id": "12", "holiday_id": "101", "holiday_calendar_id": "2",
               "holiday_name": "Fête nationale", "holiday_calendar_name": "France"}},
      "holidays": {
        "100": {"id": "100", "name": "Christmas Day", "start_date": "2026-12-25",
                "end_date": "2026-12-25", "paid": true, "total_hours": 8},
        "101": {"id": "101", "name": "Fête nationale", "start_date": "2026-07-14",
                "end_date": "2026-07-14", "paid": true, "total_hours": 8}},
      "holiday_calendars": {
        "1": {"id": "1", "name": "Account Default", "default": true},
        "2": {"id": "2", "name": "France", "default": false}}
    }"#;

    #[test]
    fn memberships_are_read_unless_the_default_is_the_only_calendar() {
        let one = holiday_calendars(&page(
            r#"{"count": 1, "meta": {"count": 1, "page_count": 1, "page_number": 1},
                "results": [{"key": "holiday_calendars", "id": "1"}],
                "holiday_calendars": {"1": {"id": "1", "name": "Account Default", "default": true}}}"#,
        ))
        .unwrap();
        assert!(only_the_default(&one));
        let two = [(Id::new("1"), true), (Id::new("2"), false)];
        assert!(!only_the_default(&two));
        assert!(
            !only_the_default(&[(Id::new("2"), false)]),
            "not the default"
        );
        assert!(!only_the_default(&[]), "no calendar: nothing to skip by");
    }

    #[test]
    fn holidays_follow_the_calendar_in_force_else_the_default() {
        let cap = Capacity {
            holiday_memberships: holiday_memberships(&page(HOLIDAY_MEMBERSHIPS)).unwrap(),
            holidays: holiday_associations(&page(ASSOCIATIONS)).unwrap(),
            ..Capacity::default()
        };
        assert_eq!(*cap.default_holidays(), [d("2026-12-25")].into());
        let window = DateRange::new(d("2026-01-01"), d("2026-12-31"));
        let cals = cap.calendars(&[Id::new("1010"), Id::new("1001")], window);
        let chloe = &cals[&Id::new("1010")];
        assert!(chloe.is_holiday(d("2026-07-14")));
        assert!(
            !chloe.is_holiday(d("2026-12-25")),
            "on the French calendar from June, not the default"
        );
        let other = &cals[&Id::new("1001")];
        assert!(other.is_holiday(d("2026-12-25")));
        assert!(!other.is_holiday(d("2026-07-14")));
    }

    #[test]
    fn an_unnamed_resource_gets_the_accounts_default_week_and_holidays_not_anyones_time_off() {
        let cap = Capacity {
            defaults: default_workweeks(&page(WORKWEEKS)).unwrap(),
            workweeks: workweek_memberships(&page(MEMBERSHIPS)).unwrap(),
            holidays: holiday_associations(&page(ASSOCIATIONS)).unwrap(),
            time_off: time_off(&page(TIME_OFF)).unwrap(),
            ..Capacity::default()
        };
        let cal = cap.account_default();
        assert_eq!(
            cal.capacity(d("2026-12-01")),
            450,
            "the account's 7.5 h default, not 8 h"
        );
        assert_eq!(
            cal.capacity(d("2026-12-25")),
            0,
            "the default calendar's holiday"
        );
        assert!(cal.time_off.is_empty() && cal.minutes_off.is_empty());
        // And the workspace measures unnamed rows against it.
        let ws = crate::domain::Workspace::from_roster(crate::domain::Roster {
            unnamed_calendar: Some(cal.clone()),
            ..Default::default()
        });
        let key = crate::domain::RowKey::Unnamed(Id::new("3101"));
        assert_eq!(ws.calendar_for(&key), cal);
    }

    /// AE:time-off-entries with `include=user`: hours per requested date, partial days too.
    const TIME_OFF: &str = r#"{
      "count": 3, "meta": {"count": 3, "page_count": 1, "page_number": 1, "page_size": 200},
      "results": [{"key": "time_off_entries", "id": "900"},
                  {"key": "time_off_entries", "id": "901"},
                  {"key": "time_off_entries", "id": "902"}],
      "time_off_entries": {
        "900": {"id": "900", "user_id": 1010, "requested_date": "2026-12-01", "hours": 6.0,
                "submission_date": "2026-11-01"},
        "901": {"id": "901", "user_id": 1010, "requested_date": "2026-12-02", "hours": 2.5,
                "submission_date": "2026-11-01"},
        "902": {"id": "902", "user_id": 1010, "requested_date": "2027-03-02", "hours": 6,
                "submission_date": "2026-11-01"}},
      "users": {"1010": {"id": "1010", "full_name": "Chloé Dubois"}}
    }"#;

    #[test]
    fn time_off_at_the_day_capacity_is_a_whole_day_less_is_partial() {
        let cap = Capacity {
            workweeks: vec![(
                Id::new("1010"),
                Span {
                    start: None,
                    end: None,
                    value: WeeklyCapacity([360, 360, 360, 360, 360, 0, 0]),
                },
            )],
            time_off: time_off(&page(TIME_OFF)).unwrap(),
            ..Capacity::default()
        };
        let window = DateRange::new(d("2026-11-01"), d("2026-12-31"));
        let chloe = &cap.calendars(&[Id::new("1010")], window)[&Id::new("1010")];
        assert_eq!(chloe.time_off, vec![DateRange::day(d("2026-12-01"))]);
        assert_eq!(chloe.capacity(d("2026-12-01")), 0);
        assert_eq!(chloe.capacity(d("2026-12-02")), 210, "2.5 h off a 6 h day");
        assert_eq!(chloe.capacity(d("2027-03-02")), 360, "outside the window");
    }

    #[test]
    fn time_off_without_its_user_is_an_error() {
        let body = TIME_OFF.replace(
            r#""user_id": 1010, "requested_date": "2026-12-02""#,
            r#""requested_date": "2026-12-02""#,
        );
        let err = time_off(&page(&body)).unwrap_err().to_string();
        assert!(err.contains("time off entry 901"), "{err}");
    }

    #[test]
    fn the_time_off_read_is_widened_by_a_day() {
        let w = DateRange::new(d("2026-11-02"), d("2026-11-08"));
        assert_eq!(
            time_off_bounds(w),
            ("2026-11-01".to_string(), "2026-11-09".to_string())
        );
    }
}
