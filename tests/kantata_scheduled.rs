//! Scheduled hours on Kantata: allot's client reading story allocation days from the sandbox
//! (demo seed) against what the embedded store holds, `v` showing them, and the sandbox's
//! `/story_allocation_days` following its document (AE:daily-scheduled-hours-story-allocation-
//! days: repo api-evangelist/mavenlink, openapi/mavenlink-daily-scheduled-hours-story-
//! allocation-days-api-openapi.yml).

mod common;

use allot::app::{Command, Effect, Msg, State, update};
use allot::client::{Backend, BackendKind};
use allot::domain::dates::parse_date;
use allot::domain::{DateRange, Id, ScheduledWeek};
use allot::runtime::execute_effect;
use allot::sandbox::{Dialect, ReadHook, Sandbox};
use chrono::NaiveDate;
use common::demo::{DemoApp, draw, kantata_sandbox, today};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

fn ever() -> DateRange {
    DateRange::new(d("1900-01-01"), d("2999-12-31"))
}

fn minutes_by_resource(weeks: &[ScheduledWeek]) -> BTreeMap<&str, u64> {
    let mut out = BTreeMap::new();
    for w in weeks {
        *out.entry(w.resource_id.as_str()).or_default() += u64::from(w.minutes);
    }
    out
}

#[tokio::test]
async fn kantata_scheduled_hours_equal_the_stores_for_each_resource_and_week() {
    let (sb, client) = kantata_sandbox().await;
    let store = sb.backend();
    for window in [allot::app::state::initial_window(today()), ever()] {
        let want = store.scheduled_hours(window).await.unwrap();
        let got = client.scheduled_hours(window).await.unwrap();
        assert!(want.len() > 500, "the demo has scheduled hours");
        assert_eq!(got, want, "window {window:?}");
    }
    let all = client.scheduled_hours(ever()).await.unwrap();
    let by = minutes_by_resource(&all);
    // The unnamed resource the demo schedules, one in an archived project, one of the weeks the
    // demo makes differ from the booking (3023 at 125%), and a resource it leaves without.
    assert!(by.contains_key("3114"), "unnamed resources' days are read");
    assert!(
        by.contains_key("3015"),
        "days in archived projects are read"
    );
    assert!(by.contains_key("3023"));
    assert!(!by.contains_key("3001"));
}

/// The sandbox holds days on both sides of the window; allot asks for the whole weeks whose
/// Monday is inside it, active assignments only, and counts nothing else.
#[tokio::test]
async fn a_story_day_outside_the_window_is_not_read() {
    let (sb, client) = kantata_sandbox().await;
    let asked: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = Arc::clone(&asked);
    let hook: ReadHook = Arc::new(move |pq: String| {
        log.lock().unwrap().push(pq);
        Box::pin(async {})
    });
    sb.faults().before_reads(Some(hook));
    // Wednesday to Tuesday: the Mondays inside are 11-30 and 12-07.
    let window = DateRange::new(d("2026-11-25"), d("2026-12-08"));
    let got = client.scheduled_hours(window).await.unwrap();
    sb.faults().before_reads(None);
    assert_eq!(got, sb.backend().scheduled_hours(window).await.unwrap());
    let mondays: BTreeSet<NaiveDate> = got.iter().map(|w| w.monday).collect();
    assert_eq!(mondays, BTreeSet::from([d("2026-11-30"), d("2026-12-07")]));

    let asked = asked.lock().unwrap().clone();
    let reads: Vec<&String> = asked
        .iter()
        .filter(|pq| pq.contains("story_allocation_days"))
        .collect();
    assert!(!reads.is_empty(), "{asked:?}");
    for pq in reads {
        let q: HashMap<String, String> = url_query(pq);
        assert_eq!(
            q.get("date_between").map(String::as_str),
            Some("2026-11-30:2026-12-13"),
            "{pq}"
        );
        assert_eq!(q.get("current").map(String::as_str), Some("true"), "{pq}");
    }

    // The sandbox does have days in the window's first, partial week (whose Monday is before
    // it) and after the last: allot left them out by asking, not because there were none.
    let api = Api::new(&sb);
    for outside in ["2026-11-25:2026-11-27", "2026-12-14:2026-12-18"] {
        let page = api
            .get(&format!("date_between={outside}&current=true"))
            .await;
        assert!(page["meta"]["count"].as_u64().unwrap() > 0, "{outside}");
    }
}

fn url_query(path_and_query: &str) -> HashMap<String, String> {
    let url = reqwest::Url::parse(&format!("http://x{path_and_query}")).unwrap();
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

// ---- `v` ------------------------------------------------------------------------------------

/// The weekly cells of the Gantt's person rows (name → cells), as drawn.
fn cells(state: &State) -> BTreeMap<String, Vec<String>> {
    let terminal = draw(state, 120, 40);
    let buffer = terminal.backend().buffer();
    let mut rows = BTreeMap::new();
    for y in 0..buffer.area.height {
        let line: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        if let Some((name, rest)) = line.split_once('│')
            && name.starts_with('▸')
        {
            let name = name.trim_start_matches('▸').trim().to_string();
            rows.insert(name, rest.split_whitespace().map(str::to_string).collect());
        }
    }
    rows
}

fn show_scheduled(app: &mut DemoApp) {
    app.act(Msg::Resize(120, 40));
    app.act(Command::ShowGantt);
    app.act(Command::ToggleScheduled);
    assert!(app.state.gantt.show_scheduled, "{:?}", app.state.notice);
}

#[test]
fn v_shows_kantatas_scheduled_hours_with_the_marks_the_demo_has() {
    let mut local = DemoApp::new();
    let mut kantata = DemoApp::kantata();
    assert_eq!(kantata.state.no_scheduled, None);
    assert_eq!(kantata.state.ws.scheduled, local.state.ws.scheduled);
    show_scheduled(&mut local);
    show_scheduled(&mut kantata);
    let (want, got) = (cells(&local.state), cells(&kantata.state));
    assert!(want.len() > 20, "{want:?}");
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    // The hours shown are the store's, row by row and week by week.
    let hours = |cells: &BTreeMap<String, Vec<String>>| -> BTreeMap<String, Vec<String>> {
        cells
            .iter()
            .map(|(k, v)| {
                let h = v.iter().map(|c| c.trim_start_matches('≠').to_string());
                (k.clone(), h.collect())
            })
            .collect()
    };
    assert_eq!(hours(&got), hours(&want));
    assert!(
        got.values().flatten().any(|c| c != "0h"),
        "scheduled hours show: {got:?}"
    );
    // Marks: where the demo makes scheduled hours differ from the booking by a wide margin
    // (assets/demo/scheduled.json `off`: none at all, half, or a day's worth more), Kantata
    // shows ≠ as the store does. Elsewhere a mark compares against the allocated hours, which
    // follow each person's calendar: that is the capacity work's to match, not this read's.
    // (A week with nothing booked and nothing scheduled has no mark in either.)
    let wide: Vec<(String, usize)> = wide_differences(&local)
        .into_iter()
        .filter(|(name, i)| want[name][*i].starts_with('≠'))
        .collect();
    assert!(wide.len() >= 10, "{wide:?}");
    for cell in &wide {
        let (name, i) = cell;
        assert!(
            got[name][*i].starts_with('≠'),
            "Kantata marks {cell:?}: {:?}",
            got[name]
        );
    }
}

/// (person, visible week column) of the demo's wide differences between scheduled hours and
/// the booking, for the Gantt as `app` shows it.
fn wide_differences(app: &DemoApp) -> BTreeSet<(String, usize)> {
    let file: Value = serde_json::from_str(include_str!("../assets/demo/scheduled.json")).unwrap();
    let this_week = allot::domain::dates::week_start(today());
    let first = allot::domain::dates::week_start(app.state.gantt.first);
    let columns = cells(&app.state).values().next().map_or(0, Vec::len) as i64;
    let ws = &app.state.ws;
    let mut out = BTreeSet::new();
    for off in file["off"].as_array().unwrap() {
        let percent = off["percent"].as_f64().unwrap_or(100.0);
        let add = off["add_hours"].as_f64().unwrap_or(0.0);
        if (percent - 100.0).abs() < 40.0 && add.abs() < 8.0 {
            continue;
        }
        let resource = Id::new(off["resource"].as_str().unwrap());
        let Some(person) = ws
            .resources
            .get(&resource)
            .and_then(|r| r.person_id.as_ref())
        else {
            continue;
        };
        let name = ws.people.get(person).unwrap().name.clone();
        for week in off["from"].as_i64().unwrap()..=off["to"].as_i64().unwrap() {
            let monday = allot::domain::dates::add_days(this_week, 7 * week);
            let column = (monday - first).num_days() / 7;
            if (0..columns).contains(&column) {
                out.insert((name.clone(), column as usize));
            }
        }
    }
    out
}

/// The runtime runs the first loads concurrently, so scheduled hours can come back before the
/// people do: they must still be there once the people arrive.
#[test]
fn scheduled_hours_that_arrive_before_the_people_are_kept() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (sb, client) = rt.block_on(kantata_sandbox());
    let mut state = State::new(today(), BackendKind::Kantata, sb.url.clone());
    let mut effects = update(&mut state, Msg::Start);
    // Scheduled hours first, then everything else in the order asked.
    effects.sort_by_key(|e| !matches!(e, Effect::LoadScheduled(_)));
    let mut queue = effects;
    while !queue.is_empty() {
        let action = rt.block_on(execute_effect(&client, queue.remove(0)));
        queue.extend(update(&mut state, action));
    }
    assert_eq!(state.error, None);
    let want = rt
        .block_on(sb.backend().scheduled_hours(state.window))
        .unwrap();
    let mut got: Vec<ScheduledWeek> = state
        .ws
        .scheduled
        .iter()
        .flat_map(|(r, weeks)| {
            weeks.iter().map(|&(monday, minutes)| ScheduledWeek {
                resource_id: r.clone(),
                monday,
                minutes,
            })
        })
        .collect();
    got.sort_by_key(|w| (w.resource_id.as_number(), w.monday));
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

/// The real binary on the sandbox: `v` in the Gantt shows the first person's scheduled hours
/// for this week as the store has them, with `≠` marks, however the first loads interleave.
#[test]
fn v_in_the_planner_on_kantata_shows_the_stores_scheduled_hours() {
    use allot::domain::model::fmt_hours;
    let (rt, sb) = common::sandbox::sandbox(Dialect::Kantata);
    let store = sb.backend().clone();
    let roster = rt.block_on(store.roster()).unwrap();
    let aisha = roster
        .people
        .iter()
        .find(|p| p.name == "Aisha Rahman")
        .unwrap();
    let hers: BTreeSet<&Id> = roster
        .resources
        .iter()
        .filter(|r| r.person_id.as_ref() == Some(&aisha.id))
        .map(|r| &r.id)
        .collect();
    let week = DateRange::day(today());
    let minutes: u64 = rt
        .block_on(store.scheduled_hours(week))
        .unwrap()
        .iter()
        .filter(|w| hers.contains(&w.resource_id))
        .map(|w| u64::from(w.minutes))
        .sum();
    assert!(minutes > 0, "the demo schedules her this week");
    let want = "Aisha Rahman · week 48 (2026-11-23) · ";
    let scheduled = format!(" · scheduled {}h", fmt_hours(minutes));

    let home = tempfile::tempdir().unwrap();
    let mut app = common::sandbox::planner_on(&sb, home.path());
    app.wait_for("the people and the backend's name", |s| {
        s.contains("● Aisha Rahman") && s.contains("kantata · Kantata OX")
    });
    app.send("2");
    app.wait_for_text(want);
    app.send("v");
    let screen = app.wait_for("her scheduled hours", |s| {
        s.contains("Showing scheduled hours") && s.contains(&scheduled)
    });
    assert!(screen.contains('≠'), "{screen}");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

// ---- the sandbox's /story_allocation_days ----------------------------------------------------

struct Api {
    url: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    fn new(sb: &Sandbox) -> Api {
        Api {
            url: sb.url.clone(),
            token: sb.token.clone(),
            http: reqwest::Client::new(),
        }
    }

    async fn answer(&self, query: &str) -> (reqwest::StatusCode, Value) {
        let r = self
            .http
            .get(format!("{}/story_allocation_days.json?{query}", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (
            status,
            serde_json::from_str(&r.text().await.unwrap()).unwrap(),
        )
    }

    async fn get(&self, query: &str) -> Value {
        let (status, v) = self.answer(query).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{query}: {v}");
        v
    }

    /// Every canonical day of every page of `query`, in order.
    async fn all(&self, query: &str) -> (Vec<Value>, Value) {
        let mut out = Vec::new();
        let mut page = 1;
        loop {
            let v = self.get(&format!("{query}&per_page=200&page={page}")).await;
            out.extend(days(&v));
            if page >= v["meta"]["page_count"].as_u64().unwrap() {
                return (out, v);
            }
            page += 1;
        }
    }
}

/// The canonical days of one answer, in `results` order.
fn days(v: &Value) -> Vec<Value> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["key"], "story_allocation_days");
            let id = r["id"].as_str().expect("ids as strings");
            v["story_allocation_days"][id].clone()
        })
        .collect()
}

fn field<'a>(day: &'a Value, key: &str) -> &'a str {
    day[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {day}"))
}

#[tokio::test]
async fn days_come_newest_first_by_default_and_in_any_documented_order() {
    let (sb, _) = kantata_sandbox().await;
    let api = Api::new(&sb);
    let q = "date_between=2026-11-23:2026-11-29&include_unnamed=true";
    let (by_default, _) = api.all(q).await;
    assert!(by_default.len() > 100);
    let key = |day: &Value| (field(day, "updated_at").to_string(), id_of(day));
    for pair in by_default.windows(2) {
        let (a, b) = (key(&pair[0]), key(&pair[1]));
        assert!(
            a.0 > b.0 || (a.0 == b.0 && a.1 < b.1),
            "updated_at:desc, ties by id: {a:?} then {b:?}"
        );
    }
    let ids: Vec<u64> = by_default.iter().map(id_of).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_ne!(ids, sorted, "the default is not the id order");
    assert_eq!(api.all(&format!("{q}&order=nonsense")).await.0, by_default);

    let (by_id, _) = api.all(&format!("{q}&order=id:desc")).await;
    let mut down = sorted.clone();
    down.reverse();
    assert_eq!(by_id.iter().map(id_of).collect::<Vec<_>>(), down);
    let (by_date, _) = api.all(&format!("{q}&order=date:asc")).await;
    let dates: Vec<&str> = by_date.iter().map(|x| field(x, "date")).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    assert_eq!(by_date.len(), by_default.len());
}

fn id_of(day: &Value) -> u64 {
    field(day, "id").parse().unwrap()
}

#[tokio::test]
async fn date_between_is_inclusive_and_either_side_may_be_empty() {
    let (sb, _) = kantata_sandbox().await;
    let api = Api::new(&sb);
    let (one_day, _) = api.all("date_between=2026-11-24:2026-11-24").await;
    assert!(!one_day.is_empty());
    assert!(one_day.iter().all(|x| field(x, "date") == "2026-11-24"));
    let (to, _) = api.all("date_between=:2026-10-06").await;
    assert!(!to.is_empty());
    assert!(to.iter().all(|x| field(x, "date") <= "2026-10-06"));
    assert!(
        to.iter().any(|x| field(x, "date") == "2026-10-06"),
        "inclusive"
    );
    let (from, _) = api.all("date_between=2027-03-16:").await;
    assert!(!from.is_empty());
    assert!(from.iter().all(|x| field(x, "date") >= "2027-03-16"));
    let (everything, _) = api.all("date_between=:").await;
    let (none_given, _) = api.all("x=1").await;
    assert_eq!(everything.len(), none_given.len());
    for bad in [
        "2026-11-24",
        "24/11/2026:",
        "2026-11-24T00:00:00Z:2026-11-30",
    ] {
        let (status, v) = api.answer(&format!("date_between={bad}")).await;
        assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(v["errors"][0]["field"], "date_between", "{bad}: {v}");
    }
}

#[tokio::test]
async fn inactive_assignments_days_are_listed_unless_current_is_asked_for() {
    let (sb, _) = kantata_sandbox().await;
    let api = Api::new(&sb);
    let q = "date_between=2026-11-23:2026-12-06";
    let count = |v: &Value| v["meta"]["count"].as_u64().unwrap();
    let all = count(&api.get(q).await);
    let current = count(&api.get(&format!("{q}&current=true")).await);
    let former = count(&api.get(&format!("{q}&uncurrent=true")).await);
    assert!(former > 0 && current > 0);
    assert_eq!(all, current + former, "inactive ones included by default");
    let (days, _) = api.all(&format!("{q}&uncurrent=true")).await;
    assert!(days.iter().all(|x| x["current"] == false));
    let (days, _) = api.all(&format!("{q}&current=true")).await;
    assert!(days.iter().all(|x| x["current"] == true));
    assert_eq!(
        count(&api.get(&format!("{q}&current=true&uncurrent=true")).await),
        0
    );
}

#[tokio::test]
async fn includes_bring_the_ids_and_objects_only_when_asked_for() {
    let (sb, _) = kantata_sandbox().await;
    let api = Api::new(&sb);
    let q = "date_between=2026-11-23:2026-11-23&per_page=5";
    let plain = api.get(q).await;
    for day in days(&plain) {
        for key in ["assignment_id", "story_id", "workspace_id"] {
            assert!(day.get(key).is_none(), "{key} without include: {day}");
        }
        assert!(day["minutes"].as_u64().unwrap() > 0);
    }
    for key in ["assignments", "stories", "workspaces"] {
        assert!(plain.get(key).is_none(), "{key} without include");
    }
    let full = api
        .get(&format!("{q}&include=assignment,story,workspace"))
        .await;
    for day in days(&full) {
        let a = &full["assignments"][field(&day, "assignment_id")];
        assert!(a["resource_id"].is_u64(), "an int32 resource id: {a}");
        assert_eq!(a["current"], day["current"]);
        assert!(full["stories"][field(&day, "story_id")]["title"].is_string());
        assert!(full["workspaces"][field(&day, "workspace_id")]["title"].is_string());
    }
}

/// The resources (through each day's included assignment) and workspaces of every day of
/// `query` (which includes `assignment,workspace`), page by page: a page holds its own days'
/// assignments.
async fn owners(api: &Api, query: &str) -> (BTreeSet<u64>, BTreeSet<String>) {
    let (mut resources, mut workspaces) = (BTreeSet::new(), BTreeSet::new());
    let mut page = 1;
    loop {
        let v = api.get(&format!("{query}&per_page=200&page={page}")).await;
        for x in days(&v) {
            let a = &v["assignments"][field(&x, "assignment_id")];
            resources.insert(a["resource_id"].as_u64().unwrap_or_else(|| panic!("{a}")));
            workspaces.insert(field(&x, "workspace_id").to_string());
        }
        if page >= v["meta"]["page_count"].as_u64().unwrap() {
            return (resources, workspaces);
        }
        page += 1;
    }
}

#[tokio::test]
async fn unnamed_resources_and_archived_projects_are_left_out_by_default() {
    let (sb, _) = kantata_sandbox().await;
    let api = Api::new(&sb);
    let q = "include=assignment,workspace&current=true";
    let (default, ws_default) = owners(&api, q).await;
    let (unnamed, _) = owners(&api, &format!("{q}&include_unnamed=true")).await;
    let (archived, ws_archived) =
        owners(&api, &format!("{q}&in_unarchived_workspaces=false")).await;
    // 3114 is the demo's scheduled unnamed resource; 3015 is in archived project 2007.
    assert!(!default.contains(&3114) && unnamed.contains(&3114));
    assert!(!default.contains(&3015) && archived.contains(&3015));
    assert!(!ws_default.contains("2007") && ws_archived.contains("2007"));
}

#[tokio::test]
async fn assignee_and_workspace_filters_choose_their_days() {
    let (sb, _) = kantata_sandbox().await;
    let api = Api::new(&sb);
    let roster = sb.backend().roster().await.unwrap();
    // Resource 3023's person and project pick out their days.
    let r = roster
        .resources
        .iter()
        .find(|r| r.id == Id::new("3023"))
        .unwrap();
    let person = r.person_id.clone().unwrap();
    let project = r.project_id.clone().unwrap();
    let of_person: BTreeSet<u64> = roster
        .resources
        .iter()
        .filter(|x| x.person_id.as_ref() == Some(&person))
        .filter_map(|x| x.id.as_number())
        .collect();
    let q = "include=assignment,workspace&date_between=2026-11-23:2026-12-20";
    let (resources, _) = owners(&api, &format!("{q}&assignee_id={person}")).await;
    assert!(resources.contains(&3023));
    assert!(
        resources.is_subset(&of_person),
        "{resources:?} of {of_person:?}"
    );
    let (all, _) = owners(&api, q).await;
    assert!(all.len() > resources.len());
    let (_, workspaces) = owners(&api, &format!("{q}&workspace_id={project}")).await;
    assert_eq!(workspaces, BTreeSet::from([project.to_string()]));
}

#[tokio::test]
async fn pages_are_at_most_200_and_count_the_whole_listing() {
    let (sb, _) = kantata_sandbox().await;
    let api = Api::new(&sb);
    let big = api.get("per_page=500").await;
    assert_eq!(big["meta"]["page_size"], 200);
    assert_eq!(days(&big).len(), 200);
    let small = api.get("x=1").await;
    assert_eq!(small["meta"]["page_size"], 20, "the default page");
    let count = big["meta"]["count"].as_u64().unwrap();
    assert_eq!(big["count"], count);
    assert_eq!(big["meta"]["page_count"], count.div_ceil(200));
    let (every, _) = api.all("x=1").await;
    assert_eq!(every.len() as u64, count);
    let ids: BTreeSet<u64> = every.iter().map(id_of).collect();
    assert_eq!(ids.len(), every.len(), "each day once");
}

#[tokio::test]
async fn a_day_by_id_and_the_assignment_story_and_only_filters() {
    let (sb, _) = kantata_sandbox().await;
    let api = Api::new(&sb);
    let v = api
        .get("date_between=2026-11-30:2026-11-30&include=assignment,story&per_page=1")
        .await;
    let day = days(&v).pop().unwrap();
    let (id, assignment, story) = (
        field(&day, "id"),
        field(&day, "assignment_id"),
        field(&day, "story_id"),
    );
    for filter in [
        format!("assignment_id={assignment}"),
        format!("story_id={story}"),
    ] {
        let (of, _) = api.all(&format!("{filter}&include=assignment,story")).await;
        assert!(of.len() > 1, "{filter}");
        assert!(of.iter().any(|x| field(x, "id") == id), "{filter}");
        assert!(
            of.iter()
                .all(|x| field(x, "assignment_id") == assignment && field(x, "story_id") == story),
            "{filter}"
        );
    }
    let only = api.get(&format!("only={id}")).await;
    assert_eq!(days(&only).len(), 1);
    assert_eq!(field(&days(&only)[0], "id"), id);

    let one = |path: String| {
        let (http, token) = (api.http.clone(), api.token.clone());
        async move {
            let r = http.get(path).bearer_auth(token).send().await.unwrap();
            let status = r.status();
            (
                status,
                serde_json::from_str::<Value>(&r.text().await.unwrap()).unwrap(),
            )
        }
    };
    let (status, shown) = one(format!("{}/story_allocation_days/{id}.json", api.url)).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let shown = days(&shown).pop().unwrap();
    assert_eq!(
        (field(&shown, "id"), &shown["minutes"]),
        (id, &day["minutes"])
    );
    assert!(shown.get("assignment_id").is_none(), "only with include");
    let (status, v) = one(format!("{}/story_allocation_days/9.json", api.url)).await;
    assert_eq!(status, reqwest::StatusCode::NOT_FOUND, "{v}");
}
