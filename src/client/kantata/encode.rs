//! Request bodies for Kantata's writes, shaped as its docs show them: one object under the
//! singular key (`{"workspace_allocation": {...}}`), a list under the plural key for bulk creates,
//! ids as integers where the docs type them so (and as strings when they are not numeric).

use crate::client::{BackendError, NewAllocation};
use crate::domain::staffing::When;
use crate::domain::{Allocation, Amount, Id};
use chrono::NaiveDate;
use serde_json::{Value, json};

/// An id as Kantata's request bodies type it: an integer, or the string when it is not one.
pub fn id(id: &Id) -> Value {
    match id.as_number() {
        Some(n) => json!(n),
        None => json!(id.as_str()),
    }
}

fn ids(list: &[Id]) -> Value {
    Value::Array(list.iter().map(id).collect())
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Kantata keeps one amount: total minutes over the range.
pub fn minutes(amount: Amount) -> Result<u32, BackendError> {
    match amount {
        Amount::TotalMinutes(m) => Ok(m),
        other => Err(BackendError::Validation {
            field: Some("minutes".into()),
            message: format!(
                "Kantata stores total minutes over the dates, not {}",
                other.describe()
            ),
        }),
    }
}

fn new_allocation(n: &NewAllocation) -> Result<Value, BackendError> {
    Ok(json!({
        "resource_id": id(&n.resource_id),
        "start_date": date(n.range.start),
        "end_date": date(n.range.end),
        "minutes": minutes(n.amount)?,
        "hard": n.hard,
        "notes": n.notes,
    }))
}

/// POST `/workspace_allocations`: one under `workspace_allocation`, several under the plural key.
pub fn create_allocations(new: &[NewAllocation]) -> Result<Value, BackendError> {
    let items = new
        .iter()
        .map(new_allocation)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(match <[Value; 1]>::try_from(items) {
        Ok([one]) => json!({ "workspace_allocation": one }),
        Err(items) => json!({ "workspace_allocations": items }),
    })
}

/// PUT `/workspace_allocations/{id}` (Kantata cannot move an allocation to another resource).
pub fn update_allocation(a: &Allocation) -> Result<Value, BackendError> {
    Ok(json!({ "workspace_allocation": {
        "start_date": date(a.range.start),
        "end_date": date(a.range.end),
        "minutes": minutes(a.amount)?,
        "hard": a.hard,
        "notes": a.notes,
    }}))
}

/// One new workspace resource; `role_id` is required for an unnamed one (checked by the caller,
/// which knows the roles).
pub fn new_resource(project: &Id, user: Option<&Id>, role_id: Option<&Id>) -> Value {
    let mut o = json!({
        "workspace_id": id(project),
        "user_id": user.map(id).unwrap_or(Value::Null),
    });
    if let Some(r) = role_id {
        o["role_id"] = id(r);
    }
    o
}

/// POST `/workspace_resources`: one or several (bulk).
pub fn create_resources(items: Vec<Value>) -> Value {
    match <[Value; 1]>::try_from(items) {
        Ok([one]) => json!({ "workspace_resource": one }),
        Err(items) => json!({ "workspace_resources": items }),
    }
}

/// PUT `/workspace_resources/{id}`: label, person (null un-names) and role.
pub fn update_resource(label: &str, user: Option<&Id>, role_id: Option<&Id>) -> Value {
    let mut o = json!({
        "label": label,
        "user_id": user.map(id).unwrap_or(Value::Null),
    });
    if let Some(r) = role_id {
        o["role_id"] = id(r);
    }
    json!({ "workspace_resource": o })
}

/// POST `/workspace_resources/allocations_matching_scheduled_hours`.
pub fn from_scheduled(resources: &[Id], hard: bool, when: When) -> Value {
    let occurrence = match when {
        When::Any => json!({ "type": "anytime" }),
        When::After(d) => json!({ "type": "after", "after_date": date(d) }),
        When::Before(d) => json!({ "type": "before", "before_date": date(d) }),
        When::Between(a, b) => {
            json!({ "type": "between", "start_date": date(a.min(b)), "end_date": date(a.max(b)) })
        }
    };
    json!({ "data": [{ "resource_ids": ids(resources), "hard": hard, "occurrence": occurrence }] })
}

/// Where a new request's resource comes from.
pub enum RequestResource<'a> {
    Existing(&'a Id),
    New { project: &'a Id, role_id: &'a Id },
}

/// POST `/resource_requests`.
pub fn create_request(
    resource: RequestResource<'_>,
    approvers: &[Id],
    start: NaiveDate,
    end: NaiveDate,
    percentage: u32,
) -> Value {
    let mut o = json!({
        "approver_ids": ids(approvers),
        "workspace_allocation_start_date": date(start),
        "workspace_allocation_end_date": date(end),
        "workspace_allocation_percentage": percentage,
    });
    match resource {
        RequestResource::Existing(r) => o["resource_id"] = id(r),
        RequestResource::New { project, role_id } => {
            o["resource_workspace_id"] = id(project);
            o["resource_role_id"] = id(role_id);
        }
    }
    json!({ "resource_request": o })
}

/// PUT `/resource_requests/{id}`: `approve`, `reject` or `cancel`; approving may name a user on
/// an unnamed resource and say whether its allocations stay soft (`allocations_state: false`).
pub fn resolve_request(status: &str, user: Option<&Id>, hard: Option<bool>) -> Value {
    let mut o = json!({ "request_resolution_status": status });
    if let Some(u) = user {
        o["user_id"] = id(u);
    }
    if let Some(h) = hard {
        o["allocations_state"] = json!(h);
    }
    json!({ "resource_request": o })
}

/// PUT `/resource_requests/{id}/update_approver`.
pub fn update_approver(approvers: &[Id]) -> Value {
    json!({ "resource_request": { "new_approver_id": ids(approvers) } })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DateRange;
    use crate::domain::dates::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn alloc(resource: &str, from: &str, to: &str, minutes: u32) -> NewAllocation {
        NewAllocation {
            resource_id: Id::new(resource),
            range: DateRange::new(d(from), d(to)),
            amount: Amount::TotalMinutes(minutes),
            hard: false,
            notes: String::new(),
        }
    }

    #[test]
    fn a_bulk_create_is_shaped_like_the_seed() {
        let body = create_allocations(&[
            alloc("123", "2025-03-03", "2025-03-07", 2100),
            alloc("123", "2025-04-07", "2025-07-11", 2100),
        ])
        .unwrap();
        let items = body["workspace_allocations"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0]["resource_id"],
            json!(123),
            "an integer, as in the seed"
        );
        assert_eq!(items[0]["start_date"], "2025-03-03");
        assert_eq!(items[1]["end_date"], "2025-07-11");
        assert_eq!(items[1]["minutes"], 2100);
    }

    #[test]
    fn a_single_create_goes_under_the_singular_key() {
        let body = create_allocations(&[alloc("7", "2025-03-03", "2025-03-07", 60)]).unwrap();
        assert_eq!(body["workspace_allocation"]["resource_id"], json!(7));
        assert!(body.get("workspace_allocations").is_none());
    }

    #[test]
    fn amounts_kantata_cannot_store_are_refused_naming_minutes() {
        let mut n = alloc("7", "2025-03-03", "2025-03-07", 60);
        n.amount = Amount::HoursPerDay(6.5);
        let err = create_allocations(&[n]).unwrap_err();
        assert!(
            matches!(&err, BackendError::Validation { field: Some(f), .. } if f == "minutes"),
            "{err:?}"
        );
    }

    #[test]
    fn requests_name_an_existing_resource_or_a_new_unnamed_one() {
        let body = create_request(
            RequestResource::New {
                project: &Id::new("10"),
                role_id: &Id::new("3"),
            },
            &[Id::new("5")],
            d("2026-12-01"),
            d("2026-12-11"),
            50,
        );
        let r = &body["resource_request"];
        assert_eq!(r["resource_workspace_id"], json!(10));
        assert_eq!(r["resource_role_id"], json!(3));
        assert_eq!(r["approver_ids"], json!([5]));
        assert_eq!(r["workspace_allocation_percentage"], 50);
        assert!(r.get("resource_id").is_none());

        let soft = resolve_request("approve", Some(&Id::new("6")), Some(false));
        assert_eq!(soft["resource_request"]["allocations_state"], false);
        assert_eq!(soft["resource_request"]["user_id"], json!(6));
        assert_eq!(
            update_approver(&[Id::new("8")]),
            json!({"resource_request": {"new_approver_id": [8]}})
        );
    }

    #[test]
    fn scheduled_hours_occurrences_use_kantatas_words() {
        let b = from_scheduled(
            &[Id::new("1"), Id::new("2")],
            false,
            When::Between(d("2026-12-31"), d("2026-12-01")),
        );
        let o = &b["data"][0]["occurrence"];
        assert_eq!(o["type"], "between");
        assert_eq!(o["start_date"], "2026-12-01", "ordered");
        assert_eq!(b["data"][0]["resource_ids"], json!([1, 2]));
        assert_eq!(
            from_scheduled(&[], true, When::Any)["data"][0]["occurrence"]["type"],
            "anytime"
        );
    }
}
