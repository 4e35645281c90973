//! Staffing requests: creating and reassigning.

use super::*;

// ---- staffing requests: creating and reassigning ----

fn new_request(
    target: RequestTarget,
    approvers: &[&str],
    a: &str,
    z: &str,
    pct: u32,
) -> NewRequest {
    NewRequest {
        target,
        approver_ids: approvers.iter().map(Id::new).collect(),
        period: DateRange::new(d(a), d(z)),
        percentage: pct,
        notes: "for the spring push".into(),
    }
}

fn role_on(project: &str, role: &str) -> RequestTarget {
    RequestTarget::NewUnnamed {
        project_id: Id::new(project),
        role: role.into(),
    }
}

async fn counts(b: &LocalBackend) -> (usize, usize, usize) {
    (
        b.requests().await.unwrap().len(),
        b.roster().await.unwrap().resources.len(),
        b.allocations(everything()).await.unwrap().len(),
    )
}

#[tokio::test]
async fn a_request_for_a_role_creates_an_unnamed_resource_holding_the_dates_softly() {
    let (_dir, b, _) = small_backend();
    let before = chrono::Utc::now();
    let made = b
        .create_request(new_request(
            role_on("20", "  QA Engineer "),
            &["2"],
            "2025-03-03",
            "2025-03-14",
            50,
        ))
        .await
        .unwrap();
    let q = &made.request;
    assert_eq!(q.id.as_str(), "52", "ids continue after the seeded ones");
    assert_eq!(q.status, RequestStatus::New);
    assert_eq!(q.creator_id, Id::new("1"), "the workspace's current user");
    assert_eq!(q.approver_ids, vec![Id::new("2")]);
    assert_eq!(q.percentage, Some(50));
    assert_eq!(q.notes, "for the spring push");
    assert_eq!(
        q.period,
        Some(DateRange::new(d("2025-03-03"), d("2025-03-14")))
    );
    assert!(q.created_at >= before - chrono::Duration::seconds(1));
    assert!(q.created_at <= chrono::Utc::now() + chrono::Duration::seconds(1));

    let r = made.resource.clone().expect("a new unnamed resource");
    assert_eq!(r.id.as_str(), "32");
    assert_eq!(q.resource_id, r.id);
    assert!(r.is_unnamed());
    assert_eq!(r.project_id, Some(Id::new("20")));
    assert_eq!(r.role, "QA Engineer");

    // Standard week: 10 weekdays, one a holiday → 9 × 8 h = 4320 min; half of it.
    assert_eq!(made.allocations.len(), 1);
    let a = &made.allocations[0];
    assert_eq!(a.resource_id, r.id);
    assert_eq!(a.project_id, Some(Id::new("20")));
    assert_eq!(Some(a.range), q.period);
    assert_eq!(a.amount, Amount::TotalMinutes(2160));
    assert!(!a.hard);
    assert_eq!(a.notes, "Requested in #52");
    assert_eq!(a.version, 1);

    // All of it is stored and reads back the same.
    let stored = b.requests().await.unwrap();
    assert_eq!(stored.iter().find(|x| x.id == q.id), Some(q));
    let roster = b.roster().await.unwrap();
    assert!(roster.resources.contains(&r));
    assert_eq!(get(&b, a.id.as_str()).await.as_ref(), Some(a));
}

#[tokio::test]
async fn a_request_for_an_existing_resource_uses_its_persons_calendar() {
    let (_dir, b, data) = small_backend();
    // Resource 30 is Morgan Lee: 3–14 March has 10 weekdays, a holiday and two days off.
    let made = b
        .create_request(new_request(
            RequestTarget::Resource(Id::new("30")),
            &["2", "1", "2"],
            "2025-03-03",
            "2025-03-14",
            150,
        ))
        .await
        .unwrap();
    assert_eq!(made.resource, None, "no resource was created");
    assert_eq!(made.request.resource_id, Id::new("30"));
    assert_eq!(
        made.request.approver_ids,
        vec![Id::new("2"), Id::new("1")],
        "in the order given, without repeats"
    );
    let cal =
        Workspace::from_roster(data.roster.clone()).calendar_for(&RowKey::Person(Id::new("1")));
    assert_eq!(cal.capacity_in(made.request.period.unwrap()), 7 * 480);
    assert_eq!(
        made.allocations[0].amount,
        Amount::TotalMinutes(7 * 480 * 3 / 2)
    );
    assert!(!made.allocations[0].hard);
    assert_eq!(b.roster().await.unwrap().resources, data.roster.resources);
}

#[tokio::test]
async fn a_request_is_refused_for_each_broken_rule_and_nothing_is_kept() {
    let (_dir, b, _) = small_backend();
    let before = counts(&b).await;
    let field_of = |e: BackendError| match e {
        BackendError::Validation { field, message } => (field, message),
        e => panic!("{e:?}"),
    };
    let unnamed = || role_on("20", "Designer");

    let (f, m) = field_of(
        b.create_request(new_request(unnamed(), &[], "2025-03-03", "2025-03-14", 50))
            .await
            .unwrap_err(),
    );
    assert_eq!(f.as_deref(), Some("approver_ids"));
    assert!(m.contains("at least one"), "{m}");

    let (f, m) = field_of(
        b.create_request(new_request(
            unnamed(),
            &["2", "99"],
            "2025-03-03",
            "2025-03-14",
            50,
        ))
        .await
        .unwrap_err(),
    );
    assert_eq!(f.as_deref(), Some("approver_ids"));
    assert!(m.contains("99"), "{m}");

    let mut backwards = new_request(unnamed(), &["2"], "2025-03-03", "2025-03-14", 50);
    backwards.period = DateRange {
        start: d("2025-03-14"),
        end: d("2025-03-03"),
    };
    let (f, _) = field_of(b.create_request(backwards).await.unwrap_err());
    assert_eq!(f.as_deref(), Some("end_date"));

    for pct in [0, 301] {
        let (f, m) = field_of(
            b.create_request(new_request(
                unnamed(),
                &["2"],
                "2025-03-03",
                "2025-03-14",
                pct,
            ))
            .await
            .unwrap_err(),
        );
        assert_eq!(f.as_deref(), Some("percentage"));
        assert!(m.contains(&pct.to_string()), "{m}");
    }

    let (f, _) = field_of(
        b.create_request(new_request(
            role_on("20", " \t "),
            &["2"],
            "2025-03-03",
            "2025-03-14",
            50,
        ))
        .await
        .unwrap_err(),
    );
    assert_eq!(f.as_deref(), Some("role"));

    let e = b
        .create_request(new_request(
            RequestTarget::Resource(Id::new("404")),
            &["2"],
            "2025-03-03",
            "2025-03-14",
            50,
        ))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        BackendError::NotFound("resource 404 does not exist".into())
    );
    let e = b
        .create_request(new_request(
            role_on("404", "Designer"),
            &["2"],
            "2025-03-03",
            "2025-03-14",
            50,
        ))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        BackendError::NotFound("project 404 does not exist".into())
    );

    assert_eq!(counts(&b).await, before, "no refused request left anything");
    // The bounds themselves are fine, and the refusals used up no ids.
    for (pct, id) in [(1, "52"), (300, "53")] {
        let made = b
            .create_request(new_request(
                unnamed(),
                &["2"],
                "2025-03-03",
                "2025-03-14",
                pct,
            ))
            .await
            .unwrap();
        assert_eq!(made.request.id.as_str(), id);
    }
}

#[tokio::test]
async fn the_requester_is_whoever_allot_acts_as() {
    let (_dir, b, _) = small_backend();
    b.act_as(Some(Id::new("2")));
    assert_eq!(b.current_user(), Some(Id::new("2")));
    assert_eq!(b.roster().await.unwrap().current_user, Some(Id::new("2")));
    let made = b
        .create_request(new_request(
            role_on("20", "Designer"),
            &["1"],
            "2025-03-03",
            "2025-03-07",
            100,
        ))
        .await
        .unwrap();
    assert_eq!(made.request.creator_id, Id::new("2"));
    b.act_as(None);
    assert_eq!(b.roster().await.unwrap().current_user, Some(Id::new("1")));

    // A workspace with nobody as "I" cannot make requests.
    b.lock()
        .execute("DELETE FROM meta WHERE key = 'current_user_id'", [])
        .unwrap();
    let e = b
        .create_request(new_request(
            role_on("20", "Designer"),
            &["1"],
            "2025-03-03",
            "2025-03-07",
            100,
        ))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("no current user"), "{e}");
}

#[tokio::test]
async fn a_created_request_can_be_approved_and_staffed() {
    let (_dir, b, data) = seeded();
    let me = b.current_user().unwrap();
    let project = data.roster.projects[0].id.clone();
    let made = b
        .create_request(new_request(
            role_on(project.as_str(), "Engineer"),
            &[me.as_str()],
            "2026-04-06",
            "2026-04-17",
            100,
        ))
        .await
        .unwrap();
    assert!(made.request.id.as_number().unwrap() > 5020);
    assert_eq!(made.allocations[0].amount, Amount::TotalMinutes(10 * 480));
    let staff = data.roster.people[1].id.clone();
    let q = b
        .resolve_request(
            made.request.id.clone(),
            Resolution::Approve {
                user_id: Some(staff.clone()),
                soft: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(q.status, RequestStatus::Approved);
    let a = get(&b, made.allocations[0].id.as_str()).await.unwrap();
    assert!(a.hard);
    let roster = b.roster().await.unwrap();
    let r = roster
        .resources
        .iter()
        .find(|r| r.id == made.request.resource_id)
        .unwrap();
    assert_eq!(r.person_id, Some(staff));
}

#[tokio::test]
async fn reassigning_replaces_the_approvers_of_a_pending_request() {
    let (_dir, b, data) = small_backend();
    let q = b
        .update_approver(Id::new("50"), vec![Id::new("2"), Id::new("2")])
        .await
        .unwrap();
    assert_eq!(q.approver_ids, vec![Id::new("2")]);
    let stored = b.requests().await.unwrap();
    assert_eq!(stored.iter().find(|x| x.id.as_str() == "50"), Some(&q));
    assert_eq!(
        Request {
            approver_ids: data.requests[0].approver_ids.clone(),
            ..q.clone()
        },
        data.requests[0],
        "nothing else changed"
    );

    for (ids, needle) in [
        (vec![], "at least one"),
        (vec![Id::new("1"), Id::new("99")], "99"),
    ] {
        match b.update_approver(Id::new("50"), ids).await.unwrap_err() {
            BackendError::Validation { field, message } => {
                assert_eq!(field.as_deref(), Some("approver_ids"));
                assert!(message.contains(needle), "{message}");
            }
            e => panic!("{e:?}"),
        }
    }
    assert_eq!(
        b.requests()
            .await
            .unwrap()
            .iter()
            .find(|x| x.id.as_str() == "50"),
        Some(&q),
        "a refused reassignment changed nothing"
    );

    assert_eq!(
        b.update_approver(Id::new("51"), vec![Id::new("1")])
            .await
            .unwrap_err(),
        BackendError::Validation {
            field: None,
            message: "request 51 is already approved; only pending requests can be reassigned"
                .into()
        }
    );
    b.resolve_request(Id::new("50"), Resolution::Reject)
        .await
        .unwrap();
    let e = b
        .update_approver(Id::new("50"), vec![Id::new("1")])
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("request 50 is already rejected"),
        "{e}"
    );
    assert_eq!(
        b.update_approver(Id::new("404"), vec![Id::new("1")])
            .await
            .unwrap_err(),
        BackendError::NotFound("request 404 does not exist".into())
    );
}
