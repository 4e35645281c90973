//! Workspace resources: create, update, delete, and in batches with allocations.

use super::*;

// ---- workspace resources: create ----

fn new_resource(project: &str, person: Option<&str>, role: Option<&str>) -> NewResource {
    NewResource {
        project_id: Id::new(project),
        person_id: person.map(Id::new),
        role: role.map(str::to_string),
        label: None,
    }
}

fn refusal(e: BackendError) -> (String, String) {
    match e {
        BackendError::Validation {
            field: Some(field),
            message,
        } => (field, message),
        e => panic!("expected a refusal naming a field, got {e:?}"),
    }
}

async fn delete_of(b: &LocalBackend, id: &str) -> Change {
    let read = resource_of(b, id).await.expect("stored");
    Change::DeleteResource {
        id: read.id.clone(),
        version: crate::client::resource_version(&read),
    }
}

async fn participation_of(b: &LocalBackend, person: &str, project: &str) -> Option<Participation> {
    b.roster()
        .await
        .unwrap()
        .participations
        .into_iter()
        .find(|p| p.person_id.as_str() == person && p.project_id.as_str() == project)
}

#[tokio::test]
async fn a_named_resource_without_a_role_takes_the_primary_role() {
    let (_dir, b, _) = small_backend();
    // Zoë is on no project: her default role applies, and she now participates in Atlas.
    let made = b
        .create_resources(vec![new_resource("20", Some("2"), None)])
        .await
        .unwrap();
    assert_eq!(
        made,
        vec![Resource {
            id: Id::new("32"),
            project_id: Some(Id::new("20")),
            person_id: Some(Id::new("2")),
            role: "Designer".into(),
            label: "Designer".into(),
        }]
    );
    assert_eq!(resource_of(&b, "32").await.as_ref(), Some(&made[0]));
    assert_eq!(
        participation_of(&b, "2", "20").await,
        Some(Participation {
            person_id: Id::new("2"),
            project_id: Id::new("20"),
            role: None,
        }),
        "her default role is her role there"
    );

    // Morgan's role on Atlas is Engineer (their default is Resource Manager), and they already
    // are the Engineer there.
    let (f, m) = refusal(
        b.create_resources(vec![new_resource("20", Some("1"), None)])
            .await
            .unwrap_err(),
    );
    assert_eq!(f, "role");
    assert_eq!(
        m,
        "Morgan Lee already is the Engineer on Atlas (resource 30); a person holds each role once per project"
    );
    // The same role in another case is the same role.
    let (f, _) = refusal(
        b.create_resources(vec![new_resource("20", Some("1"), Some(" engineer "))])
            .await
            .unwrap_err(),
    );
    assert_eq!(f, "role");

    // Another role for the same person on the same project is fine, with its own label.
    let mut analyst = new_resource("20", Some("1"), Some("Analyst"));
    analyst.label = Some("  Reporting analyst ".into());
    let made = b.create_resources(vec![analyst]).await.unwrap();
    assert_eq!(made[0].id.as_str(), "33");
    assert_eq!(made[0].role, "Analyst");
    assert_eq!(made[0].label, "Reporting analyst");
    assert_eq!(
        participation_of(&b, "1", "20")
            .await
            .unwrap()
            .role
            .as_deref(),
        Some("Engineer"),
        "an existing participation is kept as it is"
    );
}

#[tokio::test]
async fn a_new_participation_keeps_a_role_other_than_the_default() {
    let (_dir, b, _) = small_backend();
    b.lock()
        .execute_batch("INSERT INTO projects (id, name) VALUES ('21', 'Borealis');")
        .unwrap();
    b.create_resources(vec![new_resource("21", Some("2"), Some("Engineer"))])
        .await
        .unwrap();
    assert_eq!(
        participation_of(&b, "2", "21")
            .await
            .unwrap()
            .role
            .as_deref(),
        Some("Engineer"),
        "Zoë (a Designer) joined Borealis as its Engineer"
    );
    // So her primary role there is Engineer: that resource is the one Kantata keeps.
    let (f, m) = refusal(b.delete_resource(Id::new("32")).await.unwrap_err());
    assert_eq!(f, "role");
    assert!(
        m.contains("Zoë Øster's Engineer resource is their last"),
        "{m}"
    );
}

#[tokio::test]
async fn creating_a_resource_is_refused_for_each_broken_rule() {
    let (_dir, b, _) = small_backend();
    let before = b.roster().await.unwrap();
    for role in [None, Some(""), Some("  \t")] {
        let (f, m) = refusal(
            b.create_resources(vec![new_resource("20", None, role)])
                .await
                .unwrap_err(),
        );
        assert_eq!(f, "role");
        assert_eq!(
            m,
            "an unnamed resource needs a role; name the role to staff on Atlas, e.g. Engineer"
        );
    }
    assert_eq!(
        b.create_resources(vec![new_resource("404", None, Some("Engineer"))])
            .await
            .unwrap_err(),
        BackendError::NotFound("project 404 does not exist".into())
    );
    let (f, m) = refusal(
        b.create_resources(vec![new_resource("20", Some("99"), None)])
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (f.as_str(), m.as_str()),
        ("person_id", "person 99 does not exist")
    );

    // No participation role and no default role: no primary role to fall back on.
    b.lock()
        .execute(
            "INSERT INTO people (id, name, role) VALUES ('3', 'Sam Roe', '')",
            [],
        )
        .unwrap();
    let (f, m) = refusal(
        b.create_resources(vec![new_resource("20", Some("3"), None)])
            .await
            .unwrap_err(),
    );
    assert_eq!(f, "role");
    assert_eq!(
        m,
        "Sam Roe has no role on Atlas and no default role; choose the role for the resource"
    );

    // In a bulk create, one bad item stores none and says which.
    let (f, m) = refusal(
        b.create_resources(vec![
            new_resource("20", None, Some("QA Engineer")),
            new_resource("20", Some("1"), Some("Engineer")),
        ])
        .await
        .unwrap_err(),
    );
    assert_eq!(f, "role");
    assert!(
        m.starts_with("resource 2 of 2: Morgan Lee already is the Engineer"),
        "{m}"
    );
    let after = b.roster().await.unwrap();
    assert_eq!(after.resources, before.resources);
    assert_eq!(after.participations, before.participations);

    // Unnamed resources may repeat a role; the label defaults to the role.
    let made = b
        .create_resources(vec![
            new_resource("20", None, Some(" Designer ")),
            new_resource("20", None, Some("Designer")),
        ])
        .await
        .unwrap();
    assert_eq!(
        made.iter()
            .map(|r| (r.id.as_str(), r.label.as_str()))
            .collect::<Vec<_>>(),
        [("32", "Designer"), ("33", "Designer")],
        "no ids were used up by the refusals"
    );
    assert!(made.iter().all(Resource::is_unnamed));
    assert_eq!(
        b.roster().await.unwrap().participations,
        before.participations
    );
}

// ---- workspace resources: update ----

#[tokio::test]
async fn updating_changes_label_role_and_names_an_unnamed_resource() {
    let (_dir, b, _) = small_backend();
    let mut r30 = resource_of(&b, "30").await.unwrap();
    r30.label = "Backend".into();
    let saved = b.update_resource(r30.clone()).await.unwrap();
    assert_eq!(saved.label, "Backend");
    assert_eq!(resource_of(&b, "30").await, Some(saved.clone()));
    // A blank label becomes the role again.
    r30.label = "  ".into();
    assert_eq!(
        b.update_resource(r30.clone()).await.unwrap().label,
        "Engineer"
    );

    // Naming the unnamed Designer with Zoë: her participation is recorded, the soft
    // allocation stays soft (the caller sends hard/soft changes itself).
    let mut r31 = resource_of(&b, "31").await.unwrap();
    r31.person_id = Some(Id::new("2"));
    let named = b.update_resource(r31.clone()).await.unwrap();
    assert_eq!(named.person_id, Some(Id::new("2")));
    assert_eq!(named.label, "Visual designer");
    assert!(participation_of(&b, "2", "20").await.is_some());
    assert!(!get(&b, "41").await.unwrap().hard);

    // Naming it again with Zoë changes nothing: refused, saying so.
    let (f, m) = refusal(b.update_resource(named.clone()).await.unwrap_err());
    assert_eq!(f, "person_id");
    assert_eq!(m, "Zoë Øster already is this resource (Designer on Atlas)");

    // A person's resource with a blank role takes their primary role.
    let mut blank = named.clone();
    blank.role = String::new();
    blank.label = String::new();
    let saved = b.update_resource(blank).await.unwrap();
    assert_eq!(
        (saved.role.as_str(), saved.label.as_str()),
        ("Designer", "Designer")
    );
}

#[tokio::test]
async fn updating_is_refused_for_each_broken_rule() {
    let (_dir, b, _) = small_backend();
    let before = b.roster().await.unwrap();
    let r30 = resource_of(&b, "30").await.unwrap();
    let r31 = resource_of(&b, "31").await.unwrap();

    let gone = Resource {
        id: Id::new("404"),
        ..r30.clone()
    };
    assert_eq!(
        b.update_resource(gone).await.unwrap_err(),
        BackendError::NotFound("resource 404 does not exist (it may have been deleted)".into())
    );

    // Naming the unnamed Designer with Morgan, who already is a Designer... is fine once;
    // naming it Engineer with Morgan, who already is the Engineer, is not.
    let mut clash = r31.clone();
    clash.person_id = Some(Id::new("1"));
    clash.role = "Engineer".into();
    let (f, m) = refusal(b.update_resource(clash).await.unwrap_err());
    assert_eq!(f, "person_id");
    assert_eq!(
        m,
        "Morgan Lee already is the Engineer on Atlas (resource 30); a person holds each role once per project"
    );

    let mut roleless = r31.clone();
    roleless.role = " ".into();
    let (f, m) = refusal(b.update_resource(roleless).await.unwrap_err());
    assert_eq!(f, "role");
    assert!(m.starts_with("an unnamed resource needs a role"), "{m}");

    let mut moved = r30.clone();
    moved.project_id = Some(Id::new("21"));
    let (f, m) = refusal(b.update_resource(moved).await.unwrap_err());
    assert_eq!(f, "project_id");
    assert!(m.contains("cannot move to another project"), "{m}");

    let mut nobody = r31.clone();
    nobody.person_id = Some(Id::new("99"));
    let (f, _) = refusal(b.update_resource(nobody).await.unwrap_err());
    assert_eq!(f, "person_id");

    // Un-naming Morgan's Engineer while 40 and 42 are hard: unnamed means soft only.
    let mut unnamed = r30.clone();
    unnamed.person_id = None;
    let (f, m) = refusal(b.update_resource(unnamed).await.unwrap_err());
    assert_eq!(f, "hard");
    assert_eq!(
        m,
        "un-naming Morgan Lee's Engineer resource on Atlas leaves hard allocations on it (40, 42); unnamed resources can only be soft allocated, so make them soft in the same change"
    );
    assert_eq!(b.roster().await.unwrap(), before, "nothing was changed");
}

#[tokio::test]
async fn un_naming_and_softening_go_together_in_one_batch() {
    let (_dir, b, _) = small_backend();
    let mut r30 = resource_of(&b, "30").await.unwrap();
    r30.person_id = None;
    let soft = |mut a: Allocation| {
        a.hard = false;
        Change::Update(a)
    };
    let a40 = get(&b, "40").await.unwrap();
    let a42 = get(&b, "42").await.unwrap();
    // The resource first, then its allocations: checked once the batch is through.
    let done = b
        .apply(vec![update_of(&b, r30.clone()).await, soft(a40), soft(a42)])
        .await
        .unwrap();
    assert!(matches!(&done[0], Applied::ResourceUpdated(r) if r.is_unnamed()));
    assert!(!get(&b, "40").await.unwrap().hard && !get(&b, "42").await.unwrap().hard);
    assert!(resource_of(&b, "30").await.unwrap().is_unnamed());
    assert!(
        participation_of(&b, "1", "20").await.is_some(),
        "the participation stays"
    );

    // Naming it again, then hardening in the same batch.
    let mut named = resource_of(&b, "30").await.unwrap();
    named.person_id = Some(Id::new("1"));
    let mut a40 = get(&b, "40").await.unwrap();
    a40.hard = true;
    b.apply(vec![update_of(&b, named).await, Change::Update(a40)])
        .await
        .unwrap();
    assert!(get(&b, "40").await.unwrap().hard);
}

// ---- workspace resources: delete ----

#[tokio::test]
async fn deleting_keeps_the_last_resource_in_the_primary_role() {
    let (_dir, b, _) = small_backend();
    let (f, m) = refusal(b.delete_resource(Id::new("30")).await.unwrap_err());
    assert_eq!(f, "role");
    assert_eq!(
        m,
        "Morgan Lee's Engineer resource is their last in their primary role on Atlas, and Kantata keeps one; give them another Engineer resource there first, or change their primary role"
    );
    assert!(get(&b, "40").await.is_some(), "nothing was deleted");

    // A resource in another role goes, with whatever allocations it still has.
    let made = b
        .create_resources(vec![new_resource("20", Some("1"), Some("Analyst"))])
        .await
        .unwrap()
        .remove(0);
    let a = b
        .create_allocations(vec![NewAllocation {
            resource_id: made.id.clone(),
            range: DateRange::new(d("2025-06-02"), d("2025-06-06")),
            amount: Amount::TotalMinutes(600),
            hard: true,
            notes: String::new(),
        }])
        .await
        .unwrap()
        .remove(0);
    b.lock()
        .execute(
            "INSERT INTO scheduled_hours (resource_id, week, minutes) VALUES (?1, '2025-06-02', 600)",
            [made.id.as_str()],
        )
        .unwrap();
    b.delete_resource(made.id.clone()).await.unwrap();
    assert_eq!(resource_of(&b, made.id.as_str()).await, None);
    assert!(
        get(&b, a.id.as_str()).await.is_none(),
        "its allocation went too"
    );
    assert!(
        !b.scheduled_hours(everything())
            .await
            .unwrap()
            .iter()
            .any(|w| w.resource_id == made.id),
        "and its scheduled hours"
    );
    assert_eq!(
        b.delete_resource(made.id.clone()).await.unwrap_err(),
        BackendError::NotFound(format!(
            "resource {} does not exist (it may have been deleted)",
            made.id
        ))
    );

    // Once Morgan's role on Atlas is unset, their primary role is Resource Manager, which they
    // hold no resource in: the Engineer resource may go.
    b.lock()
        .execute("UPDATE participations SET role = NULL", [])
        .unwrap();
    b.delete_resource(Id::new("30")).await.unwrap();
    assert_eq!(resource_of(&b, "30").await, None);
}

#[tokio::test]
async fn a_resource_with_staffing_requests_is_kept() {
    let (_dir, b, _) = small_backend();
    let (f, m) = refusal(b.delete_resource(Id::new("31")).await.unwrap_err());
    assert_eq!(f, "request");
    assert_eq!(
        m,
        "request #50 (pending) and 1 other request is for the unnamed Designer resource 'Visual designer' on Atlas; a resource with staffing requests cannot be deleted"
    );
    b.resolve_request(Id::new("50"), Resolution::Cancel)
        .await
        .unwrap();
    let (_, m) = refusal(b.delete_resource(Id::new("31")).await.unwrap_err());
    assert!(m.starts_with("request #50 (cancelled)"), "{m}");
    assert!(get(&b, "41").await.is_some());

    // An unnamed resource with no request goes.
    let made = b
        .create_resources(vec![new_resource("20", None, Some("QA Engineer"))])
        .await
        .unwrap()
        .remove(0);
    b.delete_resource(made.id).await.unwrap();
}

// ---- workspace resources in batches ----

#[tokio::test]
async fn a_batch_creates_a_resource_and_allocates_on_its_temporary_id() {
    let (_dir, b, _) = small_backend();
    let temp = Id::new("new-1");
    let on_temp = |a: &str, z: &str| {
        Change::Create(NewAllocation {
            resource_id: temp.clone(),
            range: DateRange::new(d(a), d(z)),
            amount: Amount::TotalMinutes(600),
            hard: true,
            notes: String::new(),
        })
    };
    let done = b
        .apply(vec![
            Change::CreateResource {
                temp_id: temp.clone(),
                new: new_resource("20", Some("2"), None),
            },
            on_temp("2025-06-02", "2025-06-06"),
            on_temp("2025-06-09", "2025-06-13"),
        ])
        .await
        .unwrap();
    assert_eq!(done.len(), 3);
    let Applied::ResourceCreated { temp_id, resource } = &done[0] else {
        panic!("{:?}", done[0]);
    };
    assert_eq!(temp_id, &temp);
    assert_eq!(resource.id.as_str(), "32");
    assert_eq!(resource.role, "Designer");
    for applied in &done[1..] {
        let Applied::Created(a) = applied else {
            panic!("{applied:?}")
        };
        assert_eq!(a.resource_id, resource.id);
        assert_eq!(a.project_id, Some(Id::new("20")));
        assert_eq!(get(&b, a.id.as_str()).await.as_ref(), Some(a));
    }
    assert_eq!(resource_of(&b, "32").await.as_ref(), Some(resource));

    // Created, changed and deleted in one batch, all by the temporary id.
    let temp2 = Id::new("new-2");
    let done = b
        .apply(vec![
            Change::CreateResource {
                temp_id: temp2.clone(),
                new: new_resource("20", None, Some("Analyst")),
            },
            // Made in this batch: no version to compare.
            Change::UpdateResource {
                resource: Resource {
                    id: temp2.clone(),
                    project_id: Some(Id::new("20")),
                    person_id: None,
                    role: "Analyst".into(),
                    label: "BI".into(),
                },
                version: 0,
            },
            Change::DeleteResource {
                id: temp2,
                version: 0,
            },
        ])
        .await
        .unwrap();
    assert!(
        matches!(&done[1], Applied::ResourceUpdated(r) if r.id.as_str() == "33" && r.label == "BI")
    );
    assert_eq!(done[2], Applied::ResourceDeleted(Id::new("33")));
}

#[tokio::test]
async fn a_batch_failing_on_its_last_change_leaves_nothing() {
    let (_dir, b, data) = small_backend();
    let temp = Id::new("t");
    let mut r31 = resource_of(&b, "31").await.unwrap();
    r31.label = "Renamed".into();
    let err = b
        .apply(vec![
            Change::CreateResource {
                temp_id: temp.clone(),
                new: new_resource("20", Some("2"), None),
            },
            Change::Create(NewAllocation {
                resource_id: temp.clone(),
                range: DateRange::new(d("2025-06-02"), d("2025-06-06")),
                amount: Amount::TotalMinutes(600),
                hard: false,
                notes: String::new(),
            }),
            update_of(&b, r31).await,
            Change::Delete {
                id: Id::new("42"),
                version: 1,
            },
            // Morgan's last Engineer resource: refused.
            delete_of(&b, "30").await,
        ])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, BackendError::Validation { field: Some(f), .. } if f == "role"),
        "{err:?}"
    );
    let roster = b.roster().await.unwrap();
    assert_eq!(
        roster, data.roster,
        "no resource, participation or label change kept"
    );
    let mut all = b.allocations(everything()).await.unwrap();
    all.sort_by(|x, y| x.id.cmp(&y.id));
    assert_eq!(all, data.allocations, "no allocation created or deleted");
    // And no ids were used up.
    let made = b
        .create_resources(vec![new_resource("20", Some("2"), None)])
        .await
        .unwrap();
    assert_eq!(made[0].id.as_str(), "32");
}
