//! Schema migrations 2 and 3 keep the data they find.

use super::*;

// ---- schema migration 3 ----

#[tokio::test]
async fn a_version_2_database_gains_dated_patterns_and_partial_days_off() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    {
        let mut conn = Connection::open(&path).unwrap();
        schema::migrate(&mut conn, &schema::MIGRATIONS[..2], true).unwrap();
        conn.execute_batch(
            "INSERT INTO people (id, name, cap_fri) VALUES ('1', 'Morgan Lee', 0);
             INSERT INTO time_off (person_id, start_date, end_date)
                 VALUES ('1', '2026-01-05', '2026-01-06');",
        )
        .unwrap();
    }
    let b = LocalBackend::open(&path).unwrap();
    let d = |s: &str| parse_date(s).unwrap();
    let before = b.roster().await.unwrap();
    assert_eq!(
        before.people[0].time_off,
        [DateRange::new(d("2026-01-05"), d("2026-01-06"))]
    );
    assert!(
        before.calendars.is_empty(),
        "one pattern, whole days: no full calendar"
    );
    b.lock()
        .execute_batch(
            "INSERT INTO work_patterns (person_id, start_date, cap_mon, cap_tue, cap_wed,
                                        cap_thu, cap_fri, cap_sat, cap_sun)
                 VALUES ('1', '2026-01-11', 240, 240, 240, 240, 240, 0, 0);
             INSERT INTO time_off (person_id, start_date, end_date, minutes)
                 VALUES ('1', '2026-01-07', '2026-01-07', 90), ('1', '2026-01-07', '2026-01-07', 60);",
        )
        .unwrap();
    let roster = b.roster().await.unwrap();
    let p = &roster.people[0];
    assert_eq!(p.time_off.len(), 1, "partial days are not whole days off");
    let cal = roster.calendar_of(p);
    assert_eq!(cal.capacity(d("2026-01-05")), 0, "whole day off");
    assert_eq!(
        cal.capacity(d("2026-01-07")),
        480 - 150,
        "two partial rows add up"
    );
    assert_eq!(
        cal.capacity(d("2026-01-09")),
        0,
        "Friday off in the first pattern"
    );
    assert_eq!(
        cal.capacity(d("2026-01-12")),
        240,
        "the pattern from 01-11 on"
    );
    assert_eq!(
        cal.capacity(d("2026-01-16")),
        240,
        "Friday worked in the second"
    );
    // The calendar allocations are spread over on write is the same one.
    let r = Resource {
        id: Id::new("9"),
        project_id: None,
        person_id: Some(Id::new("1")),
        role: String::new(),
        label: String::new(),
    };
    let spread = store::calendar_of(&b.lock(), &r).unwrap();
    assert_eq!(spread, cal);
    let v: i64 = b
        .lock()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, 3);
}

#[tokio::test]
async fn the_demo_store_holds_the_demo_calendars() {
    let (_dir, b, data) = seeded();
    let today = d(TODAY);
    assert!(
        data.roster
            .calendars
            .values()
            .any(|c| !c.changes.is_empty()),
        "a pattern change"
    );
    assert!(
        data.roster
            .calendars
            .values()
            .any(|c| !c.minutes_off.is_empty()),
        "a partial day off"
    );
    let roster = b.roster().await.unwrap();
    let window = DateRange::new(add_days(today, -60), add_days(today, 120));
    for p in &data.roster.people {
        let want = data.roster.calendar_of(p);
        let got = roster.calendar_of(roster.people.iter().find(|q| q.id == p.id).unwrap());
        for day in window.days() {
            assert_eq!(got.capacity(day), want.capacity(day), "{} on {day}", p.name);
        }
    }
}

// ---- schema migration 2 ----

#[tokio::test]
async fn a_version_1_database_migrates_with_its_data_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let mut conn = Connection::open(&path).unwrap();
        schema::migrate(&mut conn, &schema::MIGRATIONS[..1], true).unwrap();
        conn.execute_batch(
            "INSERT INTO meta (key, value) VALUES ('current_user_id', '1');
             INSERT INTO people (id, name, role) VALUES ('1', 'Morgan Lee', 'Resource Manager'),
                                                      ('2', 'Zoë Øster', 'Designer');
             INSERT INTO projects (id, name, client) VALUES ('20', 'Atlas', 'Contoso');
             INSERT INTO resources (id, project_id, person_id, role, label)
                 VALUES ('30', '20', '1', 'Engineer', ''), ('31', '20', NULL, 'Designer', 'Visual'),
                        ('32', '20', '1', 'Analyst', '');
             INSERT INTO allocations (id, resource_id, project_id, start_date, end_date, unit, value, hard)
                 VALUES ('40', '30', '20', '2025-03-03', '2025-03-14', 'total_minutes', 2100, 1);",
        )
        .unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, 1);
    }
    let b = LocalBackend::open(&path).unwrap();
    let v: i64 = b
        .lock()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, 3);
    let roster = b.roster().await.unwrap();
    assert_eq!(roster.current_user, Some(Id::new("1")));
    assert_eq!(roster.people.len(), 2);
    assert_eq!(roster.people[1].name, "Zoë Øster");
    assert_eq!(
        roster
            .resources
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>(),
        ["30", "31", "32"]
    );
    let all = b.allocations(everything()).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].amount, Amount::TotalMinutes(2100));
    assert_eq!(
        roster.participations,
        vec![Participation {
            person_id: Id::new("1"),
            project_id: Id::new("20"),
            role: None,
        }],
        "whoever held a named resource participates, with no role"
    );
    assert!(b.scheduled_hours(everything()).await.unwrap().is_empty());
    // The new tables work, and the file reopens at version 2.
    let made = b
        .create_resources(vec![NewResource {
            project_id: Id::new("20"),
            person_id: Some(Id::new("2")),
            role: None,
            label: None,
        }])
        .await
        .unwrap();
    assert_eq!(made[0].id.as_str(), "33");
    assert_eq!(made[0].role, "Designer");
    drop(b);
    let b = LocalBackend::open(&path).unwrap();
    assert_eq!(b.roster().await.unwrap().participations.len(), 2);
}

#[test]
fn scheduled_weeks_must_be_mondays() {
    let (_dir, b, _) = small_backend();
    let conn = b.lock();
    for bad in ["2025-03-04", "2025-3-3", "next monday"] {
        assert!(
            conn.execute(
                "INSERT INTO scheduled_hours (resource_id, week, minutes) VALUES ('30', ?1, 60)",
                [bad],
            )
            .is_err(),
            "{bad}"
        );
    }
    conn.execute(
        "INSERT INTO scheduled_hours (resource_id, week, minutes) VALUES ('30', '2025-03-31', 60)",
        [],
    )
    .unwrap();
}
