//! `created_after` / `created_before` / `updated_after` / `updated_before`, the time filters
//! every list an incremental read relies on documents in the same words: "Filter for records
//! updated after a specified datetime. The datetime must be in ISO 8601 format."
//! (`workspace_allocations` K-wa L158, `workspace_resources` K-wr L284, `resource_requests`
//! K-rr L99, `users` K-users L430, `workspaces` K-ws L491; the calendar lists and
//! `story_allocation_days` in the AE files, capacity-apis.md §6.) `holidays`,
//! `holiday_calendars` and `holiday_calendar_associations` do not list them, and Brainstem
//! ignores filters a presenter does not configure (capacity-apis.md §7), so those lists are
//! served whole whatever is asked.
//!
//! Not said: whether the bound itself is in, and how a bad value is answered. Strictest
//! plausible: strictly after / before, and anything but a full datetime with an offset is a
//! 422 naming the parameter.

use super::format::{ApiError, Params};
use chrono::{DateTime, Utc};

/// The four bounds a list was asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Since {
    created_after: Option<DateTime<Utc>>,
    created_before: Option<DateTime<Utc>>,
    updated_after: Option<DateTime<Utc>>,
    updated_before: Option<DateTime<Utc>>,
}

impl Since {
    pub fn of(params: &Params) -> Result<Since, ApiError> {
        let bound = |name: &str| -> Result<Option<DateTime<Utc>>, ApiError> {
            params
                .get(name)
                .map(|v| {
                    DateTime::parse_from_rfc3339(v.trim())
                        .map(|t| t.with_timezone(&Utc))
                        .map_err(|_| {
                            ApiError::invalid(
                                name,
                                format!(
                                    "{name} takes an ISO 8601 datetime, like \
                                     2026-08-25T00:00:00Z, not '{v}'"
                                ),
                            )
                        })
                })
                .transpose()
        };
        Ok(Since {
            created_after: bound("created_after")?,
            created_before: bound("created_before")?,
            updated_after: bound("updated_after")?,
            updated_before: bound("updated_before")?,
        })
    }

    /// Whether any bound was given (then every record's stamps must be looked at).
    pub fn any(&self) -> bool {
        *self != Since::default()
    }

    /// Whether a record created at `created` and last updated at `updated` is in.
    pub fn admits(&self, created: DateTime<Utc>, updated: DateTime<Utc>) -> bool {
        let inside =
            |t: DateTime<Utc>, after: Option<DateTime<Utc>>, before: Option<DateTime<Utc>>| {
                after.is_none_or(|a| t > a) && before.is_none_or(|b| t < b)
            };
        inside(created, self.created_after, self.created_before)
            && inside(updated, self.updated_after, self.updated_before)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn bounds_are_strict_and_apply_together() {
        let s = Since {
            updated_after: Some(t("2026-11-01T00:00:00Z")),
            created_before: Some(t("2026-11-10T00:00:00Z")),
            ..Since::default()
        };
        assert!(s.any());
        let (c, u) = (t("2026-10-01T00:00:00Z"), t("2026-11-02T00:00:00Z"));
        assert!(s.admits(c, u));
        assert!(
            !s.admits(c, t("2026-11-01T00:00:00Z")),
            "the bound itself is out"
        );
        assert!(!s.admits(t("2026-11-10T00:00:00Z"), u));
        assert!(Since::default().admits(c, u));
        assert!(!Since::default().any());
    }
}
