//! Workspace resources: adding people to projects, naming, deleting.

use super::*;

#[test]
fn adding_a_person_to_a_project_takes_their_primary_role_and_learns_the_real_id() {
    let mut s = res_view(); // Amy selected
    update(&mut s, Command::AddToProject); // `n` in the Resources view
    let form = s.resource_form().cloned().expect("form");
    assert_eq!(
        form.person.chosen,
        vec![Id::new("2")],
        "prefilled with the selected person"
    );
    res_type(&mut s, "apol");
    let effects = update(&mut s, Command::Submit);
    let (seq, changes) = only_apply(&effects);
    let Change::CreateResource { temp_id, new } = &changes[0] else {
        panic!("{changes:?}")
    };
    assert_eq!(
        new,
        &NewResource {
            project_id: Id::new("p1"),
            person_id: Some(Id::new("2")),
            role: Some("Engineer".into()),
            label: Some("Engineer".into())
        }
    );
    assert!(s.ws.resources.contains_key(temp_id), "shown at once");
    assert_eq!(
        s.edits.undo.last().unwrap().label,
        "add Amy First to Apollo as Engineer"
    );
    let real = Resource {
        id: Id::new("r9"),
        project_id: Some(Id::new("p1")),
        person_id: Some(Id::new("2")),
        role: "Engineer".into(),
        label: "Engineer".into(),
    };
    update(
        &mut s,
        Msg::Applied {
            seq,
            result: Ok(vec![Applied::ResourceCreated {
                temp_id: temp_id.clone(),
                resource: real.clone(),
            }]),
        },
    );
    assert!(s.ws.resources.contains_key(&Id::new("r9")) && !s.ws.resources.contains_key(temp_id));
    let (_, undo) = only_apply(&update(&mut s, Command::Undo));
    assert_eq!(
        undo,
        vec![Change::DeleteResource {
            id: Id::new("r9"),
            version: crate::client::resource_version(&real)
        }],
        "naming the resource as the backend made it"
    );
}

#[test]
fn staffing_rules_are_refused_in_the_form_naming_the_field() {
    use crate::app::staffing::ResField;
    let mut s = res_view();
    update(&mut s, Command::Down); // zed, already an Engineer on Apollo
    update(&mut s, Command::AddToProject);
    res_type(&mut s, "apol");
    assert!(update(&mut s, Command::Submit).is_empty());
    let e = s.resource_form().unwrap().errors[&ResField::Role].clone();
    assert_eq!(e, "zed Last already is a Engineer on this project");
    // Nobody chosen: an unnamed resource needs a role.
    s.resource_form_mut().unwrap().focus = ResField::Person;
    update(&mut s, Command::Backspace);
    assert!(s.resource_form().unwrap().person.chosen.is_empty());
    update(&mut s, Command::Submit);
    assert_eq!(
        s.resource_form().unwrap().errors[&ResField::Role],
        "an unnamed resource needs a role"
    );
    update(&mut s, Command::Cancel);
    assert!(s.edits.undo.is_empty());
}

#[test]
fn marked_people_are_added_to_a_project_in_one_step() {
    let mut s = res_view();
    update(&mut s, Command::MarkResource);
    update(&mut s, Command::Down);
    update(&mut s, Command::MarkResource);
    update(&mut s, Command::AddToProject);
    assert_eq!(s.resource_form().unwrap().bulk.len(), 2);
    res_type(&mut s, "apol");
    update(&mut s, Command::NextField);
    res_type(&mut s, "QA");
    let (_, changes) = only_apply(&update(&mut s, Command::Submit));
    assert_eq!(changes.len(), 2);
    assert!(changes.iter().all(
        |c| matches!(c, Change::CreateResource { new, .. } if new.role.as_deref() == Some("QA"))
    ));
    assert!(s.resources.marks.is_empty());
    assert_eq!(s.edits.undo.last().unwrap().label, "add 2 people to Apollo");
}

#[test]
fn naming_an_unnamed_resource_moves_its_row_under_the_person_and_undo_moves_it_back() {
    let mut s = res_view();
    s.ws.allocations.get_mut(&Id::new("a2")).unwrap().hard = false;
    update(&mut s, Command::Bottom); // the unnamed Designer
    update(&mut s, Command::EditResource); // `e`
    res_type(&mut s, "amy");
    let (_, changes) = only_apply(&update(&mut s, Command::Submit));
    assert!(
        matches!(&changes[0], Change::UpdateResource { resource: r, .. } if r.person_id == Some(Id::new("2")))
    );
    assert!(
        matches!(&changes[1], Change::Update(a) if a.id == Id::new("a2") && a.hard),
        "its allocations become hard"
    );
    assert!(!s.rows.contains(&RowKey::Unnamed(Id::new("r2"))));
    let week = DateRange::new(d("2026-11-23"), d("2026-11-29"));
    assert_eq!(s.ws.load_in(&RowKey::Person(Id::new("2")), week), 600);
    assert_eq!(
        s.edits.undo.last().unwrap().label,
        "name the Designer resource Amy First"
    );
    update(&mut s, Command::Undo);
    assert!(s.rows.contains(&RowKey::Unnamed(Id::new("r2"))));
    assert_eq!(s.ws.load_in(&RowKey::Person(Id::new("2")), week), 0);
    assert!(!s.ws.allocations[&Id::new("a2")].hard);
}

#[test]
fn deleting_asks_with_the_allocation_count_and_keeps_the_last_primary_role() {
    let mut s = res_view();
    // zed's only resource is his primary role (Engineer) on Apollo.
    update(&mut s, Command::Down);
    update(&mut s, Command::ExpandPerson); // expand zed
    assert_eq!(s.resources.lines[2], ListRow::Held(Id::new("r1")));
    update(&mut s, Command::Down);
    update(&mut s, Command::DeleteResource);
    assert!(s.confirm().is_none());
    assert!(
        s.error
            .as_deref()
            .unwrap()
            .contains("zed Last's Engineer resource is their last in their primary role on Apollo")
    );
    // A second resource in another role may go, with its allocation.
    let r3 = Resource {
        id: Id::new("r3"),
        project_id: Some(Id::new("p1")),
        person_id: Some(Id::new("1")),
        role: "Designer".into(),
        label: "Designer".into(),
    };
    let r3_version = crate::client::resource_version(&r3);
    s.ws.put_resource(r3);
    s.ws.put_allocation(allocation("a3", "r3", "2026-12-01", "2026-12-04", 600));
    update(&mut s, Command::Refresh);
    let resources = s.ws.resources.values().cloned().collect();
    update(
        &mut s,
        Msg::RosterLoaded(Ok(Roster {
            calendars: Default::default(),
            resources,
            ..roster()
        })),
    );
    let at = s
        .resources
        .lines
        .iter()
        .position(|l| *l == ListRow::Held(Id::new("r3")))
        .expect("listed under zed");
    s.resources.selected = at;
    update(&mut s, Command::DeleteResource);
    assert_eq!(
        s.confirm().unwrap().question,
        "Delete zed Last's Designer resource on Apollo and its 1 allocation?"
    );
    let (_, changes) = only_apply(&update(&mut s, Command::Yes));
    assert_eq!(
        changes,
        vec![
            Change::Delete {
                id: Id::new("a3"),
                version: 1
            },
            Change::DeleteResource {
                id: Id::new("r3"),
                version: r3_version
            }
        ]
    );
    // The unnamed Designer has pending requests: refused, naming why.
    update(&mut s, Command::Bottom);
    update(&mut s, Command::DeleteResource);
    assert!(
        s.error
            .as_deref()
            .unwrap()
            .starts_with("Request #q1 (pending) is for it"),
        "{:?}",
        s.error
    );
}

#[test]
fn a_refused_resource_change_is_rolled_back_with_the_backends_words() {
    let mut s = res_view();
    update(&mut s, Command::Bottom);
    update(&mut s, Command::EditResource);
    res_type(&mut s, "amy");
    let (seq, _) = only_apply(&update(&mut s, Command::Submit));
    assert!(!s.rows.contains(&RowKey::Unnamed(Id::new("r2"))));
    let err = BackendError::Validation {
        field: Some("role".into()),
        message: "Amy First already is the Designer on Apollo".into(),
    };
    update(
        &mut s,
        Msg::Applied {
            seq,
            result: Err(err),
        },
    );
    assert_eq!(
        s.ws.resources[&Id::new("r2")].person_id,
        None,
        "un-named again"
    );
    assert!(
        s.rows.contains(&RowKey::Unnamed(Id::new("r2"))),
        "its row is back"
    );
    assert!(s.edits.undo.is_empty());
    assert!(
        s.error
            .as_deref()
            .unwrap()
            .contains("role: Amy First already is the Designer on Apollo")
    );
}
