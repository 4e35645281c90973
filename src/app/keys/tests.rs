//! The table itself, and key in → command out for each mode.

use super::*;
use crate::app::command::Command as C;
use crate::app::{Msg, update};
use crate::client::BackendKind;
use crossterm::event::KeyCode;

fn state() -> State {
    let mut s = State::new(
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        BackendKind::Local,
        "test",
    );
    update(&mut s, Msg::Resize(80, 24));
    s
}

fn press(s: &State, code: KeyCode, mods: KeyModifiers) -> Option<Input> {
    input_for(s, KeyEvent::new(code, mods))
}

fn key(s: &State, code: KeyCode) -> Option<Input> {
    press(s, code, KeyModifiers::NONE)
}

fn cmd(c: C) -> Option<Input> {
    Some(Input::Command(c))
}

#[test]
fn the_defaults_are_a_valid_table() {
    for &(mode, k, _) in defaults::DEFAULTS {
        assert!(name::parse(k).is_ok(), "{mode:?} {k}");
    }
    assert_eq!(
        Keymap::defaults().bindings().len(),
        defaults::DEFAULTS.len()
    );
}

#[test]
fn no_key_is_bound_twice_in_one_mode() {
    let keys = Keymap::defaults();
    let b = keys.bindings();
    for (i, x) in b.iter().enumerate() {
        for y in &b[..i] {
            assert!(
                !(x.mode == y.mode && x.key == y.key),
                "{} is bound twice in {:?}: {:?} and {:?}",
                name::display(x.key),
                x.mode,
                y.command,
                x.command
            );
        }
    }
}

#[test]
fn every_command_is_reachable_from_a_key() {
    let keys = Keymap::defaults();
    for &c in Command::ALL {
        let reachable = keys.bindings().iter().any(|b| {
            b.command == c
                // A view's own binding of the same key would shadow a Global one.
                && Mode::ALL
                    .iter()
                    .any(|&m| (m == b.mode || (b.mode == Mode::Global && m.falls_back()))
                        && keys.lookup(m, b.key) == Some(c))
        });
        assert!(reachable, "no key reaches {}", c.name());
    }
}

#[test]
fn every_binding_appears_in_help() {
    let keys = Keymap::defaults();
    for first in [Mode::Resources, Mode::Gantt, Mode::Requests] {
        let rows = help_rows(&keys, first);
        assert_eq!(rows[0].mode, first, "the view's own keys come first");
        for b in keys.bindings() {
            let shown = name::display(b.key);
            assert!(
                rows.iter().any(|r| r.mode == b.mode
                    && r.command == b.command
                    && r.keys.split(' ').any(|k| k == shown)),
                "{shown} → {} in {:?} is not in help",
                b.command.name(),
                b.mode
            );
        }
    }
}

#[test]
fn names_and_modes_round_trip() {
    for &c in Command::ALL {
        assert_eq!(Command::from_name(c.name()), Some(c));
        assert_eq!(
            serde_json::to_value(c).unwrap(),
            serde_json::Value::String(c.name().into()),
            "serde and the table name {c:?} alike"
        );
    }
    for &m in Mode::ALL {
        assert_eq!(Mode::from_name(m.name()), Some(m));
    }
}

#[test]
fn resources_keys() {
    let s = state();
    assert_eq!(Mode::of(&s), Mode::Resources);
    assert_eq!(key(&s, KeyCode::Enter), cmd(C::ExpandPerson));
    assert_eq!(key(&s, KeyCode::Char('l')), cmd(C::OpenInGantt));
    assert_eq!(key(&s, KeyCode::Right), cmd(C::OpenInGantt));
    assert_eq!(key(&s, KeyCode::Char('s')), cmd(C::SortNext));
    assert_eq!(key(&s, KeyCode::Char('d')), cmd(C::DeleteResource));
    assert_eq!(key(&s, KeyCode::Char(' ')), cmd(C::MarkResource));
    assert_eq!(key(&s, KeyCode::Char('n')), cmd(C::AddToProject));
    // Global keys fall through.
    assert_eq!(key(&s, KeyCode::Char('j')), cmd(C::Down));
    assert_eq!(key(&s, KeyCode::Char('2')), cmd(C::ShowGantt));
    assert_eq!(
        press(&s, KeyCode::Char('r'), KeyModifiers::CONTROL),
        cmd(C::Redo)
    );
    assert_eq!(
        key(&s, KeyCode::Char('a')),
        None,
        "approve is the Requests view's"
    );
}

#[test]
fn gantt_keys() {
    let mut s = state();
    s.view = View::Gantt;
    assert_eq!(key(&s, KeyCode::Enter), cmd(C::OpenRow));
    assert_eq!(key(&s, KeyCode::Char(' ')), cmd(C::MarkBar));
    assert_eq!(key(&s, KeyCode::Char('l')), cmd(C::NextBar));
    assert_eq!(key(&s, KeyCode::Right), cmd(C::Later));
    assert_eq!(key(&s, KeyCode::Left), cmd(C::Earlier));
    assert_eq!(key(&s, KeyCode::Char('/')), cmd(C::FilterStart));
    assert_eq!(key(&s, KeyCode::Char(':')), cmd(C::Jump));
    assert_eq!(key(&s, KeyCode::Char('g')), cmd(C::Top), "g stays top");
    assert_eq!(key(&s, KeyCode::Char('s')), cmd(C::Split));
    assert_eq!(key(&s, KeyCode::Char('d')), cmd(C::DeleteAllocations));
    assert_eq!(
        press(&s, KeyCode::Char('>'), KeyModifiers::SHIFT),
        cmd(C::ShiftLater)
    );
    assert_eq!(key(&s, KeyCode::Char('}')), cmd(C::EndLater));
    assert_eq!(
        press(&s, KeyCode::Char('H'), KeyModifiers::SHIFT),
        cmd(C::ToggleHard)
    );
    assert_eq!(key(&s, KeyCode::Char('q')), cmd(C::Quit));
}

#[test]
fn requests_keys() {
    let mut s = state();
    s.view = View::Requests;
    assert_eq!(key(&s, KeyCode::Char('a')), cmd(C::Approve));
    assert_eq!(
        press(&s, KeyCode::Char('A'), KeyModifiers::SHIFT),
        cmd(C::Reassign)
    );
    assert_eq!(key(&s, KeyCode::Char('s')), cmd(C::SortRequests));
    assert_eq!(key(&s, KeyCode::Char(' ')), cmd(C::MarkRequest));
    assert_eq!(key(&s, KeyCode::Char('f')), cmd(C::NextStatus));
    assert_eq!(key(&s, KeyCode::Enter), cmd(C::OpenRequest));
    assert_eq!(key(&s, KeyCode::Char('b')), cmd(C::ApproveTop));
}

#[test]
fn filter_keys_type_what_is_not_bound() {
    let mut s = state();
    update(&mut s, C::FilterStart);
    assert_eq!(Mode::of(&s), Mode::Filter);
    assert_eq!(key(&s, KeyCode::Char('q')), Some(Input::Text('q')));
    assert_eq!(key(&s, KeyCode::Char('1')), Some(Input::Text('1')));
    assert_eq!(key(&s, KeyCode::Enter), cmd(C::FilterDone));
    assert_eq!(key(&s, KeyCode::Esc), cmd(C::Back));
    assert_eq!(key(&s, KeyCode::Backspace), cmd(C::Backspace));
    assert_eq!(
        press(&s, KeyCode::Char('c'), KeyModifiers::CONTROL),
        cmd(C::Quit)
    );
}

#[test]
fn dialog_keys_are_modal() {
    let mut s = state();
    s.overlay = Some(crate::app::state::Overlay::Confirm(
        crate::app::state::Confirm {
            question: "Delete?".into(),
            on_yes: crate::app::state::OnYes::DeleteResource(crate::domain::Id::new("r1")),
            scroll: 0,
        },
    ));
    assert_eq!(Mode::of(&s), Mode::Confirm);
    assert_eq!(key(&s, KeyCode::Char('y')), cmd(C::Yes));
    assert_eq!(key(&s, KeyCode::Esc), cmd(C::No));
    assert_eq!(
        key(&s, KeyCode::Char('2')),
        None,
        "no view switch under a question"
    );
    assert_eq!(
        key(&s, KeyCode::Char('x')),
        None,
        "a y/n question does not type"
    );
    s.overlay = None;

    s.overlay = Some(crate::app::state::Overlay::Help { scroll: 0 });
    assert_eq!(key(&s, KeyCode::Char('j')), cmd(C::Down));
    assert_eq!(key(&s, KeyCode::PageDown), cmd(C::PageDown));
    assert_eq!(key(&s, KeyCode::Char('?')), cmd(C::ToggleHelp));
    assert_eq!(key(&s, KeyCode::Char('n')), None);
    s.overlay = None;

    s.overlay = Some(crate::app::state::Overlay::Quit { under: None });
    assert_eq!(key(&s, KeyCode::Char('w')), cmd(C::WaitThenQuit));
    assert_eq!(key(&s, KeyCode::Enter), cmd(C::KeepEdits));
    assert_eq!(key(&s, KeyCode::Char('d')), cmd(C::DiscardEdits));
}

#[test]
fn form_keys_and_the_resource_search() {
    let mut s = state();
    let week = crate::domain::DateRange::new(s.today, s.today);
    s.overlay = Some(crate::app::state::Overlay::Form(
        crate::app::form::AllocForm::new_for(&s, None, week),
    ));
    s.form_mut().unwrap().focus = crate::app::form::Field::Resource;
    assert_eq!(Mode::of(&s), Mode::FormSearch);
    assert_eq!(
        key(&s, KeyCode::Char(' ')),
        Some(Input::Text(' ')),
        "a space searches"
    );
    assert_eq!(key(&s, KeyCode::Char('*')), cmd(C::ToggleChoice));
    assert_eq!(key(&s, KeyCode::Tab), cmd(C::NextField));
    s.form_mut().unwrap().focus = crate::app::form::Field::Start;
    assert_eq!(Mode::of(&s), Mode::Form);
    assert_eq!(key(&s, KeyCode::Char(' ')), cmd(C::ToggleChoice));
    assert_eq!(key(&s, KeyCode::Char('*')), Some(Input::Text('*')));
    assert_eq!(key(&s, KeyCode::Left), cmd(C::ChoicePrev));
    assert_eq!(key(&s, KeyCode::Enter), cmd(C::Submit));
    assert_eq!(
        key(&s, KeyCode::Char('q')),
        Some(Input::Text('q')),
        "q types in a form"
    );
}

#[test]
fn a_rebound_key_is_what_the_keys_send() {
    let mut s = state();
    s.view = View::Gantt;
    s.keys = Arc::new(defaults_with("[keys.gantt]\nsplit = \"x\"\n").unwrap());
    assert_eq!(key(&s, KeyCode::Char('x')), cmd(C::Split));
    assert_eq!(key(&s, KeyCode::Char('s')), None);
}

#[test]
fn the_jump_prompt_has_its_own_mode_and_says_enter_goes_there() {
    let mut s = state();
    s.view = View::Gantt;
    update(&mut s, C::Jump);
    assert_eq!(Mode::of(&s), Mode::Jump);
    // Keys behave as they did when the prompt read keys in Filter mode.
    assert_eq!(key(&s, KeyCode::Enter), cmd(C::FilterDone));
    assert_eq!(key(&s, KeyCode::Esc), cmd(C::Back));
    assert_eq!(key(&s, KeyCode::Backspace), cmd(C::Backspace));
    assert_eq!(key(&s, KeyCode::Char('q')), Some(Input::Text('q')));
    assert_eq!(key(&s, KeyCode::Char(':')), Some(Input::Text(':')));
    assert_eq!(
        press(&s, KeyCode::Char('c'), KeyModifiers::CONTROL),
        cmd(C::Quit)
    );
    let bar = help::hints(&s.keys, Mode::Jump);
    assert_eq!(bar[0], ("Enter".to_string(), "go"));
    assert_eq!(bar[1], ("Esc".to_string(), "cancel"));
    assert!(bar[2].1.contains("+6w"), "{bar:?}");
    assert!(
        !bar.iter().any(|(_, w)| *w == "keep" || *w == "help"),
        "{bar:?}"
    );
    // Esc closes it; the Gantt reads keys again.
    update(&mut s, C::Back);
    assert_eq!(Mode::of(&s), Mode::Gantt);
}

proptest::proptest! {
    /// Whatever the width, no line of help runs past the overlay's border: what a key does
    /// wraps under its column, and nothing of it is lost.
    #[test]
    fn help_wraps_within_the_overlay_and_keeps_every_word(
        width in 1u16..300, at in 0usize..Mode::ALL.len()) {
        use super::help::{HelpLine, KEY_W, NARROW, NARROW_KEY_W, WHERE_W, help_layout, help_width};
        use unicode_width::UnicodeWidthStr;
        let keys = Keymap::defaults();
        let first = Mode::ALL[at];
        let inner = (help_width(width) as usize).saturating_sub(2);
        let key_w = if width < NARROW { NARROW_KEY_W } else { WHERE_W + KEY_W };
        let lines = help_layout(&keys, first, width);
        let mut said = Vec::new();
        for l in &lines {
            let what = match l {
                HelpLine::Mode(_) => continue,
                HelpLine::Keys { what, .. } => {
                    said.push(String::new());
                    what
                }
                HelpLine::More(what) => what,
            };
            if inner >= key_w + 8 {
                proptest::prop_assert!(key_w + what.width() <= inner, "{what:?} at {width}");
            }
            let last = said.last_mut().unwrap();
            last.push(' ');
            last.push_str(what);
        }
        let rows = help_rows(&keys, first);
        proptest::prop_assert_eq!(said.len(), rows.len());
        for (r, s) in rows.iter().zip(&said) {
            // Every character but the spaces a line break takes.
            let letters = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            proptest::prop_assert_eq!(letters(r.what()), letters(s));
        }
    }
}
