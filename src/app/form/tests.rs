//! The allocation form's roles (a Ruddr project with `useRoles`) and its keys, on update().

use super::*;
use crate::app::{Effect, Msg, update};
use crate::client::Change;
use crate::domain::dates::parse_date;
use crate::domain::{Person, Project, Roster, WeeklyCapacity};

fn d(s: &str) -> chrono::NaiveDate {
    parse_date(s).unwrap()
}

fn id(s: &str) -> Id {
    Id::new(s)
}

/// A Ruddr workspace: Atlas uses roles (Designer, Engineer, QA), Borealis doesn't. Ada is
/// an Engineer on Atlas, Bo an Intern there (a role Atlas lacks), and Ada is on Borealis.
fn ruddr_state() -> State {
    let person = |i: &str, name: &str| Person {
        id: id(i),
        name: name.into(),
        email: String::new(),
        role: "Engineer".into(),
        weekly: WeeklyCapacity::STANDARD,
        time_off: vec![],
    };
    let resource = |i: &str, project: &str, person: &str, role: &str| Resource {
        id: id(i),
        project_id: Some(id(project)),
        person_id: Some(id(person)),
        role: role.into(),
        label: role.into(),
    };
    let roles = ["Designer", "Engineer", "QA"]
        .iter()
        .enumerate()
        .map(|(i, n)| (id(&format!("role{i}")), n.to_string()))
        .collect();
    let roster = Roster {
        unnamed_calendar: None,
        calendars: Default::default(),
        skills: Default::default(),
        name: "Acme".into(),
        current_user: None,
        people: vec![person("ada", "Ada"), person("bo", "Bo")],
        projects: vec![
            Project {
                id: id("atlas"),
                name: "Atlas".into(),
                client: String::new(),
                roles: Some(roles),
            },
            Project {
                id: id("borealis"),
                name: "Borealis".into(),
                client: String::new(),
                roles: None,
            },
        ],
        resources: vec![
            resource("ada-atlas", "atlas", "ada", "Engineer"),
            resource("bo-atlas", "atlas", "bo", "Intern"),
            resource("ada-borealis", "borealis", "ada", "Engineer"),
        ],
        holidays: Default::default(),
        participations: Vec::new(),
    };
    let mut s = State::new(d("2026-11-23"), BackendKind::Ruddr, "ruddr");
    update(&mut s, Msg::Start);
    update(&mut s, Msg::RosterLoaded(Ok(roster)));
    let window = s.window;
    update(
        &mut s,
        Msg::AllocationsLoaded {
            window,
            result: Ok(vec![]),
        },
    );
    update(&mut s, Msg::RequestsLoaded(Ok(vec![])));
    s
}

fn open(s: &mut State, resource: &str) {
    let week = DateRange::new(d("2026-11-30"), d("2026-12-04"));
    s.overlay = Some(crate::app::state::Overlay::Form(AllocForm::new_for(
        s,
        Some(id(resource)),
        week,
    )));
}

/// `k` as the key table would send it.
fn key(s: &mut State, k: FormInput) -> Vec<Effect> {
    use crate::app::{Command as C, Input};
    let input: Input = match k {
        FormInput::Next => C::NextField.into(),
        FormInput::Prev => C::PrevField.into(),
        FormInput::Up => C::Up.into(),
        FormInput::Down => C::Down.into(),
        FormInput::Submit => C::Submit.into(),
        FormInput::Cancel => C::Cancel.into(),
        FormInput::Key(e) => Input::Edit(e),
    };
    update(s, input)
}

fn sent(effects: &[Effect]) -> Vec<Change> {
    match effects {
        [Effect::Apply { changes, .. }] => changes.clone(),
        other => panic!("expected one write, got {other:?}"),
    }
}

#[test]
fn a_project_that_uses_roles_offers_them_defaulting_to_the_resources_own() {
    let mut s = ruddr_state();
    open(&mut s, "ada-atlas");
    let form = s.form().cloned().unwrap();
    assert_eq!(form.fields()[1], Field::Role);
    assert_eq!(form.role_name(), Some("Engineer"), "Ada's own role there");
    // Tab back from Amount: End, Start, Role.
    for _ in 0..3 {
        key(&mut s, FormInput::Prev);
    }
    assert_eq!(s.form().unwrap().focus, Field::Role);
    key(&mut s, FormInput::key(KeyCode::Right));
    assert_eq!(s.form().unwrap().role_name(), Some("QA"));
    key(&mut s, FormInput::key(KeyCode::Right));
    assert_eq!(s.form().unwrap().role_name(), Some("Designer"));
    key(&mut s, FormInput::key(KeyCode::Char('e')));
    assert_eq!(s.form().unwrap().role_name(), Some("Engineer"));
    key(&mut s, FormInput::key(KeyCode::Left));
    let changes = sent(&key(&mut s, FormInput::Submit));
    assert!(s.form().is_none());
    match &changes[..] {
        [Change::UpdateResource { resource, .. }, Change::Create(n)] => {
            assert_eq!(resource.id, id("ada-atlas"));
            assert_eq!(
                (resource.role.as_str(), resource.label.as_str()),
                ("Designer", "Designer")
            );
            assert_eq!(n.resource_id, id("ada-atlas"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        s.edits.undo[0].label, "create an allocation for Ada · Atlas · Engineer",
        "one allocation, said so"
    );
    assert_eq!(
        s.ws.resources[&id("ada-atlas")].role,
        "Designer",
        "on screen at once"
    );
}

#[test]
fn with_no_role_chosen_nothing_is_sent_and_the_field_says_why() {
    let mut s = ruddr_state();
    open(&mut s, "bo-atlas");
    assert_eq!(s.form().unwrap().role, None, "Intern is no Atlas role");
    assert!(key(&mut s, FormInput::Submit).is_empty(), "nothing sent");
    let form = s.form().cloned().expect("the form stays");
    assert_eq!(form.focus, Field::Role);
    let e = &form.errors[&Field::Role];
    assert!(
        e.contains("Atlas needs a role: Designer, Engineer, QA"),
        "{e}"
    );
    assert!(s.edits.undo.is_empty());
    // Choosing one clears the error and lets it through.
    key(&mut s, FormInput::key(KeyCode::Char(' ')));
    assert!(!s.form().unwrap().errors.contains_key(&Field::Role));
    let changes = sent(&key(&mut s, FormInput::Submit));
    assert!(
        matches!(&changes[0], Change::UpdateResource { resource, .. } if resource.role == "Designer")
    );
}

#[test]
fn a_bulk_create_on_one_project_gives_each_resource_the_chosen_role() {
    let mut s = ruddr_state();
    open(&mut s, "ada-atlas");
    let form = s.form_mut().unwrap();
    form.focus = Field::Resource;
    for c in "Atlas Bo".chars() {
        key(&mut s, FormInput::key(KeyCode::Char(c)));
    }
    key(&mut s, FormInput::key(KeyCode::Char('*')));
    for _ in "Atlas Bo".chars() {
        key(&mut s, FormInput::key(KeyCode::Backspace));
    }
    let form = s.form().unwrap();
    assert_eq!(form.resources, vec![id("ada-atlas"), id("bo-atlas")]);
    assert_eq!(form.role_name(), Some("Engineer"), "the first one's role");
    let changes = sent(&key(&mut s, FormInput::Submit));
    let roles: Vec<(&str, &str)> = changes
        .iter()
        .filter_map(|c| match c {
            Change::UpdateResource { resource, .. } => {
                Some((resource.id.as_str(), resource.role.as_str()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        roles,
        [("ada-atlas", "Engineer"), ("bo-atlas", "Engineer")],
        "{changes:#?}"
    );
    assert!(matches!(
        &changes[2..],
        [Change::Create(a), Change::Create(b)]
            if a.resource_id == id("ada-atlas") && b.resource_id == id("bo-atlas")
    ));
    assert_eq!(s.edits.undo[0].label, "create 2 allocations");
}

#[test]
fn a_project_with_roles_and_none_active_is_refused_by_name() {
    let mut s = ruddr_state();
    s.ws.projects.get_mut(&id("atlas")).unwrap().roles = Some(vec![]);
    open(&mut s, "ada-atlas");
    assert!(key(&mut s, FormInput::Submit).is_empty());
    let e = &s.form().unwrap().errors[&Field::Role];
    assert!(e.contains("Atlas uses roles but has no active role"), "{e}");
}

#[test]
fn the_role_field_shows_only_where_the_allocation_takes_a_role() {
    let mut s = ruddr_state();
    open(&mut s, "ada-borealis");
    let form = s.form().cloned().unwrap();
    assert_eq!(form.roles, None);
    assert!(!form.fields().contains(&Field::Role));
    let changes = sent(&key(&mut s, FormInput::Submit));
    assert!(matches!(&changes[..], [Change::Create(_)]), "{changes:?}");

    // Picking a resource on Atlas brings the field in.
    open(&mut s, "ada-borealis");
    let form = s.form_mut().unwrap();
    form.focus = Field::Resource;
    for c in "Atlas Ada".chars() {
        key(&mut s, FormInput::key(KeyCode::Char(c)));
    }
    key(&mut s, FormInput::Next);
    let form = s.form().unwrap();
    assert_eq!(form.resources, vec![id("ada-atlas")]);
    assert_eq!(form.focus, Field::Role, "the next field is the role");
    assert_eq!(form.role_name(), Some("Engineer"));

    // An edit keeps the allocation's own role: no field.
    let a = Allocation {
        id: id("a1"),
        resource_id: id("ada-atlas"),
        project_id: Some(id("atlas")),
        range: DateRange::new(d("2026-11-23"), d("2026-11-27")),
        amount: Amount::HoursPerDay(4.0),
        hard: true,
        notes: String::new(),
        read_only: false,
        allocate_on_time_off: false,
        server_total_minutes: None,
        version: 1,
    };
    let form = AllocForm::edit(&s, &a);
    assert_eq!(form.roles, None);

    // An edit moving it to a project that uses roles asks for the role there, and sets it
    // before the update.
    let mut s = ruddr_state();
    let on_borealis = Allocation {
        resource_id: id("ada-borealis"),
        project_id: Some(id("borealis")),
        ..a
    };
    s.ws.put_allocation(on_borealis.clone());
    s.overlay = Some(crate::app::state::Overlay::Form(AllocForm::edit(
        &s,
        &on_borealis,
    )));
    assert_eq!(s.form().unwrap().roles, None);
    s.form_mut().unwrap().focus = Field::Resource;
    for c in "Atlas Bo".chars() {
        key(&mut s, FormInput::key(KeyCode::Char(c)));
    }
    key(&mut s, FormInput::Next);
    let form = s.form().unwrap();
    assert_eq!(form.resources, vec![id("bo-atlas")]);
    assert_eq!((form.focus, form.role), (Field::Role, None));
    assert!(
        key(&mut s, FormInput::Submit).is_empty(),
        "no role, nothing sent"
    );
    key(&mut s, FormInput::key(KeyCode::Char('q')));
    let changes = sent(&key(&mut s, FormInput::Submit));
    assert!(
        matches!(&changes[..], [Change::UpdateResource { resource, .. }, Change::Update(to)]
            if resource.role == "QA" && to.resource_id == id("bo-atlas")),
        "{changes:?}"
    );
}

#[test]
fn the_role_field_80x24() {
    use ratatui::{Terminal, backend::TestBackend};
    let mut s = ruddr_state();
    open(&mut s, "bo-atlas");
    key(&mut s, FormInput::Submit);
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("a test terminal");
    t.draw(|f| crate::ui::render(&s, f)).expect("drawn");
    insta::assert_snapshot!("form_role_80x24", t.backend());
}
