//! Participations and scheduled hours.

use super::*;

// ---- participations and scheduled hours ----

#[tokio::test]
async fn the_roster_carries_participations() {
    let (_dir, b, data) = small_backend();
    let roster = b.roster().await.unwrap();
    assert_eq!(roster.participations, data.roster.participations);

    let (_dir, b, data) = seeded();
    let roster = b.roster().await.unwrap();
    assert_eq!(roster.participations, data.roster.participations);
    assert!(roster.participations.iter().any(|p| p.role.is_some()));
    assert!(roster.participations.iter().any(|p| p.role.is_none()));
    // Roles written behind allot's back come back cleaned; a blank role is none.
    b.lock()
        .execute_batch(
            "UPDATE participations SET role = 'Lead\u{1b}[2J' WHERE person_id = '1002' AND project_id = '2001';
             UPDATE participations SET role = '  ' WHERE person_id = '1002' AND project_id = '2002';",
        )
        .unwrap();
    let roster = b.roster().await.unwrap();
    let role = |project: &str| {
        roster
            .participations
            .iter()
            .find(|p| p.person_id.as_str() == "1002" && p.project_id.as_str() == project)
            .unwrap()
            .role
            .clone()
    };
    assert_eq!(role("2001").as_deref(), Some("Lead\u{FFFD}[2J"));
    assert_eq!(role("2002"), None);
}

#[tokio::test]
async fn scheduled_hours_are_the_weeks_whose_monday_is_in_the_window() {
    let (_dir, b, _) = small_backend();
    let window = |a, z| DateRange::new(d(a), d(z));
    let got = b
        .scheduled_hours(window("2025-03-04", "2025-03-24"))
        .await
        .unwrap();
    assert_eq!(
        got,
        vec![week("30", "2025-03-10", 900), week("30", "2025-03-24", 300)],
        "the week of 3 March starts before the window"
    );
    let got = b
        .scheduled_hours(window("2025-03-03", "2025-03-03"))
        .await
        .unwrap();
    assert_eq!(
        got,
        vec![
            week("30", "2025-03-03", 1200),
            week("31", "2025-03-03", 1200)
        ]
    );
    assert!(
        b.scheduled_hours(window("2025-03-25", "2025-12-31"))
            .await
            .unwrap()
            .is_empty()
    );

    // The demo has scheduled hours for most resources around today.
    let (_dir, b, data) = seeded();
    let today = d(TODAY);
    let near = DateRange::new(add_days(today, -60), add_days(today, 120));
    let got = b.scheduled_hours(near).await.unwrap();
    assert!(got.iter().all(|w| near.contains(w.monday)));
    let resources: BTreeSet<&Id> = got.iter().map(|w| &w.resource_id).collect();
    assert!(resources.len() >= 50, "{}", resources.len());
    assert_eq!(
        got.len(),
        data.scheduled
            .iter()
            .filter(|w| near.contains(w.monday))
            .count()
    );
}
