//! The plain records every backend maps into.

use super::calendar::WeeklyCapacity;
use super::dates::DateRange;
use super::ids::Id;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A person who can be staffed (Kantata user, Ruddr member).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: Id,
    pub name: String,
    pub email: String,
    /// Their default role, shown in the resource list and used to rank candidates.
    pub role: String,
    pub weekly: WeeklyCapacity,
    pub time_off: Vec<DateRange>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub id: Id,
    pub name: String,
    pub client: String,
    /// The active roles an allocation here must name one of, as (id, name): `Some` only where
    /// the backend requires one (a Ruddr project with `useRoles`), `None` everywhere else.
    pub roles: Option<Vec<(Id, String)>>,
}

/// A workspace resource: who (or, when unnamed, which role) is on a project.
/// Kantata's workspace resource; a Ruddr member or placeholder has no project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub id: Id,
    pub project_id: Option<Id>,
    /// `None` for an unnamed resource (a placeholder: a role with nobody yet).
    pub person_id: Option<Id>,
    pub role: String,
    pub label: String,
}

impl Resource {
    pub fn is_unnamed(&self) -> bool {
        self.person_id.is_none()
    }
}

/// How much an allocation asks for. Kantata stores total minutes over the range; Ruddr has five
/// units, each with its own field.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "unit", content = "value", rename_all = "snake_case")]
pub enum Amount {
    /// Kantata `minutes`: the total over `start..=end`.
    TotalMinutes(u32),
    /// Ruddr `day`: hours on each day with capacity.
    HoursPerDay(f64),
    /// Ruddr `week`: hours spread over each week's working days.
    HoursPerWeek(f64),
    /// Ruddr `month`: hours spread over each month's working days.
    HoursPerMonth(f64),
    /// Ruddr `allocation`: total hours spread like Kantata minutes.
    TotalHours(f64),
    /// Ruddr `ratio_of_capacity`: a share of each day's capacity.
    RatioOfCapacity(f64),
}

impl Amount {
    /// Short human form: "35h total", "6.5h/day", "50%".
    pub fn describe(&self) -> String {
        match *self {
            Amount::TotalMinutes(m) => format!("{}h total", fmt_hours(m as u64)),
            Amount::HoursPerDay(h) => format!("{}h/day", trim_float(h)),
            Amount::HoursPerWeek(h) => format!("{}h/week", trim_float(h)),
            Amount::HoursPerMonth(h) => format!("{}h/month", trim_float(h)),
            Amount::TotalHours(h) => format!("{}h total", trim_float(h)),
            Amount::RatioOfCapacity(r) => format!("{}% of capacity", trim_float(r * 100.0)),
        }
    }
}

fn trim_float(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Minutes as hours with at most one decimal: 420 → "7", 390 → "6.5".
pub fn fmt_hours(minutes: u64) -> String {
    let tenths = (minutes * 10 + 30) / 60;
    if tenths.is_multiple_of(10) {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Allocation {
    pub id: Id,
    pub resource_id: Id,
    pub project_id: Option<Id>,
    pub range: DateRange,
    pub amount: Amount,
    /// Hard (booked) or soft (tentative, penciled in).
    pub hard: bool,
    pub notes: String,
    /// Ruddr rows sourced from time entries or holidays cannot be edited.
    pub read_only: bool,
    /// Ruddr `allocateOnTimeOffDays`.
    pub allocate_on_time_off: bool,
    /// The server's own total, when it sends one (Ruddr `totalHours`), in minutes.
    pub server_total_minutes: Option<u32>,
    /// Bumped on every write; a write naming an older version is stale.
    pub version: i64,
}

#[cfg(test)]
impl Allocation {
    /// A hard, editable allocation at version 1, with no project or notes: what unit tests
    /// start from (and change with `..` where they need more).
    pub fn sample(id: &str, resource: &str, range: DateRange, amount: Amount) -> Self {
        Allocation {
            id: Id::new(id),
            resource_id: Id::new(resource),
            project_id: None,
            range,
            amount,
            hard: true,
            notes: String::new(),
            read_only: false,
            allocate_on_time_off: false,
            server_total_minutes: None,
            version: 1,
        }
    }
}

/// A person's membership of a project (Kantata's participation), with their role there if set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participation {
    pub person_id: Id,
    pub project_id: Id,
    pub role: Option<String>,
}

/// Task-level scheduled hours of one workspace resource in one week (Monday first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduledWeek {
    pub resource_id: Id,
    pub monday: NaiveDate,
    pub minutes: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Submitted and waiting for an approver (Kantata's "new").
    New,
    Approved,
    Rejected,
    Cancelled,
}

impl RequestStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            RequestStatus::New => "pending",
            RequestStatus::Approved => "approved",
            RequestStatus::Rejected => "rejected",
            RequestStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "new" | "pending" => Some(RequestStatus::New),
            "approved" => Some(RequestStatus::Approved),
            "rejected" => Some(RequestStatus::Rejected),
            "cancelled" | "canceled" => Some(RequestStatus::Cancelled),
            _ => None,
        }
    }

    pub fn is_pending(&self) -> bool {
        *self == RequestStatus::New
    }
}

/// Which requests a list shows: the planner's `f` cycles through these; `allot requests list
/// --status` picks one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    Pending,
    Approved,
    Rejected,
    Cancelled,
    All,
}

impl StatusFilter {
    pub fn label(&self) -> &'static str {
        match self {
            StatusFilter::Pending => "pending",
            StatusFilter::Approved => "approved",
            StatusFilter::Rejected => "rejected",
            StatusFilter::Cancelled => "cancelled",
            StatusFilter::All => "all",
        }
    }

    pub fn next(&self) -> StatusFilter {
        match self {
            StatusFilter::Pending => StatusFilter::Approved,
            StatusFilter::Approved => StatusFilter::Rejected,
            StatusFilter::Rejected => StatusFilter::Cancelled,
            StatusFilter::Cancelled => StatusFilter::All,
            StatusFilter::All => StatusFilter::Pending,
        }
    }

    pub fn admits(&self, s: RequestStatus) -> bool {
        match self {
            StatusFilter::Pending => s == RequestStatus::New,
            StatusFilter::Approved => s == RequestStatus::Approved,
            StatusFilter::Rejected => s == RequestStatus::Rejected,
            StatusFilter::Cancelled => s == RequestStatus::Cancelled,
            StatusFilter::All => true,
        }
    }
}

/// A staffing request: someone asks an approver to staff a workspace resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub id: Id,
    pub resource_id: Id,
    pub status: RequestStatus,
    pub approver_ids: Vec<Id>,
    pub creator_id: Id,
    pub created_at: DateTime<Utc>,
    /// The dates asked for, where the backend keeps them (the embedded store). A Kantata
    /// request has none: what approving it changes is its resource's soft allocations
    /// (`domain::impact`), never a period guessed from them.
    pub period: Option<DateRange>,
    /// The share of capacity asked for, where the backend keeps it (as `period`).
    pub percentage: Option<u32>,
    pub notes: String,
}

impl Request {
    pub fn age_days(&self, today: NaiveDate) -> i64 {
        (today - self.created_at.date_naive()).num_days().max(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_formatted_briefly() {
        assert_eq!(fmt_hours(420), "7");
        assert_eq!(fmt_hours(390), "6.5");
        assert_eq!(fmt_hours(0), "0");
        assert_eq!(Amount::HoursPerDay(6.5).describe(), "6.5h/day");
        assert_eq!(Amount::RatioOfCapacity(0.5).describe(), "50% of capacity");
    }
}
