//! A Ruddr-shaped workspace on loopback for the backend's tests: cursor-paged lists, allocation
//! writes, and knobs for failures. It doubles as a small reference for what the sandbox's Ruddr
//! dialect must serve.

use super::RuddrConfig;
use crate::domain::dates::parse_date;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method as AxMethod, StatusCode, Uri};
use chrono::NaiveDate;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const ADA: &str = "a0000000-0000-4000-8000-000000000001";
pub const BO: &str = "b0000000-0000-4000-8000-000000000002";
pub const CY: &str = "c0000000-0000-4000-8000-000000000003";
pub const DI: &str = "d0000000-0000-4000-8000-000000000004";
pub const DESIGNER: &str = "e0000000-0000-4000-8000-000000000005";
pub const QA: &str = "f0000000-0000-4000-8000-000000000006";
pub const ATLAS: &str = "10000000-0000-4000-8000-000000000010";
pub const BOREALIS: &str = "20000000-0000-4000-8000-000000000020";
pub const ROLE: &str = "30000000-0000-4000-8000-000000000030";
pub const TASK: &str = "40000000-0000-4000-8000-000000000040";

pub type Logged = (String, String, HashMap<String, String>, Option<Value>);

/// A Ruddr-shaped workspace on loopback: cursor-paged lists, allocation writes, and knobs
/// for failures. Every request is logged.
#[derive(Default)]
pub struct Fake {
    pub members: Vec<Value>,
    pub periods: HashMap<String, Vec<Value>>,
    pub projects: Vec<Value>,
    pub placeholders: Vec<Value>,
    /// Server order: newest first.
    pub allocations: Vec<Value>,
    pub log: Vec<Logged>,
    /// Answer this many requests with 429 first.
    pub busy: usize,
    /// Answer requests of this method with this status and body.
    pub fail: Option<(String, u16, Value)>,
    /// Answer requests of this method, once this many more went through, with this status and
    /// body (a second failure later on, e.g. while a failed write is being put back).
    pub fail_later: Option<(String, usize, u16, Value)>,
    pub next_id: u32,
}

pub type Shared = Arc<Mutex<Fake>>;

fn page(items: &[Value], q: &HashMap<String, String>) -> Value {
    let limit: usize = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(10);
    let from = match q.get("startingAfter") {
        Some(id) => items
            .iter()
            .position(|v| v["id"] == id.as_str())
            .map_or(items.len(), |i| i + 1),
        None => 0,
    };
    let slice: Vec<Value> = items.iter().skip(from).take(limit).cloned().collect();
    json!({"results": slice, "hasMore": from + limit < items.len()})
}

fn simple(id: Option<&Value>) -> Value {
    match id {
        Some(Value::String(id)) => json!({"id": id, "name": "?"}),
        _ => Value::Null,
    }
}

/// Writes a request body's fields onto a stored allocation, as Ruddr would.
fn apply_body(stored: &mut Value, body: &Value) {
    if let Some(unit) = body.get("unit") {
        stored["unit"] = unit.clone();
        for f in [
            "hoursPerDay",
            "hoursPerWeek",
            "hoursPerMonth",
            "hoursPerAllocation",
            "hoursRatioOfCapacity",
        ] {
            stored[f] = Value::Null;
        }
    }
    for (k, v) in body.as_object().into_iter().flatten() {
        match k.as_str() {
            "memberId" => stored["member"] = simple(Some(v)),
            "resourcePlaceholderId" => stored["placeholder"] = simple(Some(v)),
            "projectId" => stored["project"] = simple(Some(v)),
            "projectRoleId" => stored["role"] = simple(Some(v)),
            "projectTaskId" => stored["task"] = simple(Some(v)),
            "unit" => {}
            _ => stored[k.as_str()] = v.clone(),
        }
    }
}

async fn any(
    State(s): State<Shared>,
    method: AxMethod,
    uri: Uri,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: String,
) -> (StatusCode, String) {
    let mut f = s.lock().unwrap();
    let path = uri.path().trim_start_matches("/api/workspace").to_string();
    let json_body: Option<Value> = serde_json::from_str(&body).ok();
    f.log.push((
        method.to_string(),
        path.clone(),
        q.clone(),
        json_body.clone(),
    ));
    let answer = |status: u16, v: Value| (StatusCode::from_u16(status).unwrap(), v.to_string());
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer k3y") {
        return answer(
            401,
            json!({"status": 401, "message": "The provided bearer token is missing or invalid."}),
        );
    }
    if f.busy > 0 {
        f.busy -= 1;
        return answer(429, json!({"status": 429, "message": "Too many requests"}));
    }
    if let Some((m, status, v)) = &f.fail
        && *m == method.as_str()
    {
        return answer(*status, v.clone());
    }
    if let Some((m, skip, status, v)) = &mut f.fail_later
        && *m == method.as_str()
    {
        if *skip == 0 {
            return answer(*status, v.clone());
        }
        *skip -= 1;
    }
    let not_found = json!({"status": 404, "message": "Allocation not found."});
    match (method.as_str(), path.as_str()) {
        ("GET", "") => answer(200, json!({"id": "ws", "name": "Acme \u{1b}]0;Consulting"})),
        ("GET", "/members") => answer(200, page(&f.members, &q)),
        ("GET", "/projects") => answer(200, page(&f.projects, &q)),
        ("GET", "/resource-placeholders") => answer(200, page(&f.placeholders, &q)),
        ("GET", "/availability-periods") => {
            let member = q.get("memberId").cloned().unwrap_or_default();
            let periods = f.periods.get(&member).cloned().unwrap_or_default();
            answer(200, page(&periods, &q))
        }
        ("GET", "/allocations") => {
            let keep: Vec<Value> = f
                .allocations
                .iter()
                .filter(|a| {
                    let s = a["start"].as_str().unwrap_or("");
                    let e = a["end"].as_str().unwrap_or("");
                    q.get("startOnBefore").is_none_or(|b| s <= b.as_str())
                        && q.get("endOnAfter").is_none_or(|b| e >= b.as_str())
                        && q.get("assignmentTypeId")
                            .is_none_or(|t| a["assignmentTypeId"] == t.as_str())
                })
                .cloned()
                .collect();
            answer(200, page(&keep, &q))
        }
        ("POST", "/allocations") => {
            f.next_id += 1;
            let mut a = json!({
                "id": format!("99999999-0000-4000-8000-{:012}", f.next_id),
                "totalHours": null, "isBillable": true, "readOnly": false,
                "entity": "allocation", "createdAt": "2026-11-20T10:00:00.000Z",
                "member": null, "placeholder": null, "project": null, "role": null,
                "task": null, "timeOffType": null,
            });
            apply_body(&mut a, json_body.as_ref().unwrap_or(&Value::Null));
            f.allocations.insert(0, a.clone());
            answer(200, a)
        }
        (m, p) if p.starts_with("/allocations/") => {
            let id = p.trim_start_matches("/allocations/");
            let Some(i) = f.allocations.iter().position(|a| a["id"] == id) else {
                return answer(404, not_found);
            };
            match m {
                "GET" => answer(200, f.allocations[i].clone()),
                "PATCH" => {
                    let b = json_body.unwrap_or(Value::Null);
                    apply_body(&mut f.allocations[i], &b);
                    answer(200, f.allocations[i].clone())
                }
                "DELETE" => {
                    f.allocations.remove(i);
                    (StatusCode::NO_CONTENT, String::new())
                }
                _ => answer(405, json!({"status": 405, "message": "Method not allowed"})),
            }
        }
        _ => answer(404, json!({"status": 404, "message": "Not found"})),
    }
}

pub async fn serve(fake: Fake) -> (String, Shared) {
    let shared: Shared = Arc::new(Mutex::new(fake));
    let app = Router::new().fallback(any).with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/api/workspace"), shared)
}

pub fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

pub fn config(base: String) -> RuddrConfig {
    RuddrConfig {
        base_url: base,
        ..RuddrConfig::new("k3y", d("2026-11-15"))
    }
}

/// A project allocation for a member (or, with `placeholder`, a placeholder).
pub fn alloc(
    id: &str,
    who: &str,
    placeholder: bool,
    project: &str,
    start: &str,
    end: &str,
) -> Value {
    let whom = json!({"id": who, "name": "?"});
    json!({
        "id": id, "resourceTypeId": if placeholder { "placeholder" } else { "member" },
        "assignmentTypeId": "project", "start": start, "end": end, "unit": "day",
        "hoursPerDay": 6.5, "hoursPerWeek": null, "hoursPerMonth": null,
        "hoursPerAllocation": null, "hoursRatioOfCapacity": null,
        "allocateOnTimeOffDays": false, "totalHours": 422.5, "isBillable": true,
        "notes": "", "readOnly": false, "entity": "allocation",
        "createdAt": "2026-01-10T14:22:35.418Z",
        "member": if placeholder { Value::Null } else { whom.clone() },
        "placeholder": if placeholder { whom } else { Value::Null },
        "project": {"id": project, "name": "?", "client": null},
        "role": {"id": ROLE, "name": "Senior Engineer"},
        "task": {"id": TASK, "name": "Backend"}, "timeOffType": null
    })
}

pub fn uuid(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

pub fn workspace() -> Fake {
    let week = |h: f64| json!([h, h, h, h, h, 0, 0]);
    let mut time_off = alloc(&uuid(3), ADA, false, ATLAS, "2026-12-24", "2026-12-28");
    time_off["assignmentTypeId"] = json!("time_off");
    time_off["project"] = Value::Null;
    time_off["readOnly"] = json!(true);
    time_off["entity"] = json!("holiday");
    let mut weekly = alloc(
        &uuid(2),
        DESIGNER,
        true,
        BOREALIS,
        "2026-11-02",
        "2026-11-27",
    );
    weekly["unit"] = json!("week");
    weekly["hoursPerDay"] = Value::Null;
    weekly["hoursPerWeek"] = json!(20);
    let mut entry = alloc(&uuid(4), ADA, false, ATLAS, "2026-11-30", "2026-11-30");
    entry["readOnly"] = json!(true);
    entry["entity"] = json!("time_entry");
    Fake {
        members: vec![
            json!({"id": ADA, "name": "Ada \u{1b}[31mLovelace", "email": "ada@example.com", "isActive": true, "jobTitle": {"id": "j", "name": "Engineer"}}),
            json!({"id": BO, "name": "Bo", "isActive": true, "jobTitle": null,
                   "availabilityPeriods": [{"start": "2020-01-01", "end": null, "hoursPerDay": [10, 10, 10, 10, 0, 0, 0], "isDefault": true}]}),
            json!({"id": CY, "name": "Cy", "isActive": false}),
            json!({"id": DI, "name": "Di", "isActive": false}),
        ],
        periods: HashMap::from([(
            ADA.to_string(),
            vec![
                json!({"id": "p1", "start": "2025-01-01", "end": "2025-12-31", "hoursPerDay": week(6.0), "isDefault": false}),
                json!({"id": "p2", "start": "2026-01-01", "end": null, "hoursPerDay": week(8.0), "isDefault": true}),
            ],
        )]),
        projects: vec![
            json!({"id": BOREALIS, "name": "Borealis", "client": null}),
            json!({"id": ATLAS, "name": "Atlas", "client": {"id": "c", "name": "Acme Corp"}}),
        ],
        placeholders: vec![
            json!({"id": DESIGNER, "name": "Designer", "isActive": true}),
            json!({"id": QA, "name": "QA", "isActive": true}),
        ],
        allocations: vec![
            entry,
            time_off,
            alloc(&uuid(5), DI, false, ATLAS, "2026-10-01", "2026-10-30"),
            weekly,
            alloc(&uuid(1), ADA, false, ATLAS, "2026-11-02", "2026-11-13"),
        ],
        ..Default::default()
    }
}

pub fn requests_to(shared: &Shared, path: &str) -> Vec<Logged> {
    shared
        .lock()
        .unwrap()
        .log
        .iter()
        .filter(|l| l.1 == path)
        .cloned()
        .collect()
}

pub fn bodies(shared: &Shared, method: &str) -> Vec<(String, Value)> {
    shared
        .lock()
        .unwrap()
        .log
        .iter()
        .filter(|l| l.0 == method)
        .map(|l| (l.1.clone(), l.3.clone().unwrap_or(Value::Null)))
        .collect()
}
