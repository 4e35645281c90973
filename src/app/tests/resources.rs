//! The Resources view: filter, sort, the unnamed toggle, opening a row in the Gantt.

use super::*;

#[test]
fn the_filter_narrows_rows_fuzzily_and_keeps_the_selection() {
    let mut s = loaded();
    sizes(&mut s);
    update(&mut s, Command::Down); // zed Last
    assert_eq!(s.selected_resource(), Some(&RowKey::Person(Id::new("1"))));
    update(&mut s, Command::FilterStart);
    assert!(s.resources.editing);
    for c in "zd".chars() {
        update(&mut s, Input::Text(c));
    }
    assert_eq!(s.resources.visible, vec![RowKey::Person(Id::new("1"))]);
    assert_eq!(s.selected_resource(), Some(&RowKey::Person(Id::new("1"))));
    update(&mut s, Command::Backspace);
    update(&mut s, Command::Backspace);
    for c in "design".chars() {
        update(&mut s, Input::Text(c));
    }
    assert_eq!(
        s.resources.visible,
        vec![RowKey::Unnamed(Id::new("r2"))],
        "matches the role"
    );
    update(&mut s, Command::FilterDone);
    assert!(!s.resources.editing);
    assert_eq!(s.resources.filter, "design");
    update(&mut s, Command::Back);
    assert_eq!(s.resources.filter, "");
    assert_eq!(s.resources.visible.len(), 3);
    assert_eq!(
        s.selected_resource(),
        Some(&RowKey::Unnamed(Id::new("r2"))),
        "selection stays on the row it was on"
    );
}

#[test]
fn a_project_name_matches_its_people() {
    let mut s = loaded();
    update(&mut s, Command::FilterStart);
    for c in "apollo".chars() {
        update(&mut s, Input::Text(c));
    }
    assert_eq!(
        s.resources.visible,
        vec![RowKey::Person(Id::new("1")), RowKey::Unnamed(Id::new("r2"))]
    );
}

#[test]
fn sorting_cycles_columns_reverses_and_follows_the_selected_row() {
    let mut s = loaded();
    assert_eq!(s.resources.sort, SortBy::Name);
    update(&mut s, Command::SortReverse);
    assert_eq!(
        s.resources.visible.first(),
        Some(&RowKey::Unnamed(Id::new("r2")))
    );
    assert_eq!(
        s.selected_resource(),
        Some(&RowKey::Person(Id::new("2"))),
        "Amy stays selected"
    );
    assert_eq!(s.resources.selected, 2);
    update(&mut s, Command::SortReverse);
    for _ in 0..4 {
        update(&mut s, Command::SortNext);
    }
    assert_eq!(s.resources.sort, SortBy::ThisWeek);
    // This week: Amy 0, Designer 600, zed 2100.
    assert_eq!(
        s.resources.visible,
        vec![
            RowKey::Person(Id::new("2")),
            RowKey::Unnamed(Id::new("r2")),
            RowKey::Person(Id::new("1"))
        ]
    );
    for _ in 0..3 {
        update(&mut s, Command::SortNext);
    }
    assert_eq!(s.resources.sort, SortBy::Name, "wraps around");
}

#[test]
fn unnamed_resources_can_be_hidden_or_shown_alone() {
    let mut s = loaded();
    update(&mut s, Command::ToggleUnnamed);
    assert_eq!(s.resources.visible.len(), 2, "named only");
    assert!(
        s.resources
            .visible
            .iter()
            .all(|k| matches!(k, RowKey::Person(_)))
    );
    update(&mut s, Command::ToggleUnnamed);
    assert_eq!(
        s.resources.visible,
        vec![RowKey::Unnamed(Id::new("r2"))],
        "unnamed only"
    );
    update(&mut s, Command::ToggleUnnamed);
    assert_eq!(s.resources.visible.len(), 3, "everyone again");
}

#[test]
fn filter_words_can_name_the_field_they_match() {
    let mut s = loaded();
    let filter = |s: &mut State, text: &str| {
        update(s, Command::Back);
        update(s, Command::FilterStart);
        for c in text.chars() {
            update(s, Input::Text(c));
        }
        s.resources.visible.clone()
    };
    assert_eq!(
        filter(&mut s, "role:design"),
        vec![RowKey::Unnamed(Id::new("r2"))]
    );
    assert_eq!(
        filter(&mut s, "project:apollo role:eng"),
        vec![RowKey::Person(Id::new("1"))],
        "Amy holds nothing on Apollo"
    );
    assert_eq!(
        filter(&mut s, "role:eng"),
        vec![RowKey::Person(Id::new("2")), RowKey::Person(Id::new("1"))]
    );
    assert_eq!(
        filter(&mut s, "person:amy"),
        vec![RowKey::Person(Id::new("2"))]
    );
    assert_eq!(
        filter(&mut s, "project:apollo person:zed"),
        vec![RowKey::Person(Id::new("1"))]
    );
    assert!(filter(&mut s, "project:nowhere").is_empty());
}

#[test]
fn enter_on_a_resource_opens_the_gantt_on_its_row() {
    let mut s = loaded();
    update(&mut s, Command::Bottom);
    update(&mut s, Command::ExpandPerson);
    assert_eq!(s.view, View::Gantt);
    assert_eq!(
        s.selected_gantt_row(),
        Some(&GanttRow::Load(RowKey::Unnamed(Id::new("r2"))))
    );
}

#[test]
fn ctrl_u_in_the_filter_clears_it() {
    use crossterm::event::{KeyEvent, KeyModifiers};
    let mut s = loaded();
    sizes(&mut s);
    update(&mut s, Command::FilterStart);
    for c in "zd".chars() {
        update(&mut s, Input::Text(c));
    }
    assert_eq!(s.resources.visible.len(), 1);
    let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert_eq!(
        crate::app::keys::input_for(&s, ctrl_u),
        Some(Input::Edit(ctrl_u)),
        "the filter's, not half a page up"
    );
    update(&mut s, Input::Edit(ctrl_u));
    assert_eq!(s.resources.filter, "");
    assert!(s.resources.editing, "still typing");
    assert_eq!(s.resources.visible.len(), 3, "every row again");
    // Out of the filter, Ctrl-u pages again.
    for c in "zd".chars() {
        update(&mut s, Input::Text(c));
    }
    update(&mut s, Command::FilterDone);
    assert_eq!(
        crate::app::keys::input_for(&s, ctrl_u),
        Some(Input::Command(Command::HalfPageUp))
    );
    // `/` again selects the filter there: typing replaces it.
    update(&mut s, Command::FilterStart);
    update(&mut s, Input::Text('a'));
    assert_eq!(s.resources.filter, "a", "not zda");
}
