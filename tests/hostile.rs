//! Hostile input at every boundary, run as the real binary: dates out of range (flags, the
//! environment, database rows), control characters in flags, paths and config values, and secrets
//! in config files and URLs. Nothing panics, nothing raw reaches the terminal, nothing secret is
//! printed, and each refusal names the problem.

mod common;

use allot::client::Backend;
use allot::client::local::{LocalBackend, demo};
use allot::domain::DateRange;
use allot::domain::dates::parse_date;
use common::PtyApp;
use std::path::Path;
use std::process::Command;

const TODAY: &str = "2026-11-23";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// A character that must never reach a terminal as it is: a control character or a bidi control.
fn raw(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Runs allot with `args` and extra environment; checks that no control character (but the line
/// break) and no bidi override reached stdout or stderr.
fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_allot"));
    cmd.args(args)
        .current_dir(home)
        .env("ALLOT_DATA_DIR", home.join("data"))
        .env("ALLOT_CONFIG", home.join("config.toml"))
        .env_remove("ALLOT_PROFILE")
        .env_remove("ALLOT_TODAY")
        .env_remove("ALLOT_LOG")
        .env_remove("KANTATA_ACCESS_TOKEN")
        .env_remove("RUDDR_API_KEY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run allot");
    let run = Run {
        code: out.status.code().expect("allot exited, not killed"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    for text in [&run.stdout, &run.stderr] {
        assert!(
            text.chars().all(|c| c == '\n'
                || !(c.is_control()
                    || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))),
            "a raw control character was printed: {text:?}"
        );
        assert!(!text.contains("panicked"), "{text}");
    }
    run
}

fn demo_db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("demo.db");
    LocalBackend::open(&db)
        .unwrap()
        .seed(&demo::demo(parse_date(TODAY).unwrap()))
        .unwrap();
    db
}

// ---- dates --------------------------------------------------------------------------------------

#[test]
fn today_outside_the_supported_dates_is_refused_by_flag_and_by_environment() {
    let home = tempfile::tempdir().unwrap();
    for date in ["9999-12-31", "+262142-12-31", "1899-12-31", "2200-01-01"] {
        let r = run(home.path(), &["--demo", "--today", date], &[]);
        assert_eq!(r.code, 2, "{date}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("outside the supported dates (1900-01-01 to 2199-12-31)")
                || r.stderr.contains("is not a date"),
            "{date}: {}",
            r.stderr
        );
        let r = run(
            home.path(),
            &["--demo", "requests", "list"],
            &[("ALLOT_TODAY", date)],
        );
        assert_eq!(r.code, 2, "ALLOT_TODAY={date}: {}", r.stderr);
        assert!(r.stderr.contains("--today"), "{}", r.stderr);
    }
    let r = run(
        home.path(),
        &["--demo", "--today", "9999-12-31", "requests", "list"],
        &[],
    );
    assert!(
        r.stderr
            .contains("9999-12-31 is outside the supported dates (1900-01-01 to 2199-12-31)"),
        "{}",
        r.stderr
    );
    // The last supported day passes the flag; the demo, which reaches three years past today,
    // says so instead of writing dates it could not read back.
    let r = run(
        home.path(),
        &["--demo", "--today", "2199-12-31", "requests", "list"],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the demo workspace spans three years either side of today: give --today from 1903-01-01 to 2196-12-31"),
        "{}",
        r.stderr
    );
    let r = run(
        home.path(),
        &["--demo", "--today", "2196-12-31", "requests", "list"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Puts an allocation reaching back to year -200000 straight into the database, as a hostile or
/// damaged file would hold it.
fn insert_hostile_allocation(db: &Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    let (resource, project): (String, Option<String>) = c
        .query_row(
            "SELECT resource_id, project_id FROM allocations LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    c.execute(
        "INSERT INTO allocations (id, resource_id, project_id, start_date, end_date, unit, value,
             hard, notes, read_only, allocate_on_time_off, version)
         VALUES ('66666', ?1, ?2, '-200000-01-01', '2026-12-31', 'total_minutes', 6000, 0, '', 0, 0, 1)",
        rusqlite::params![resource, project],
    )
    .unwrap();
}

#[tokio::test]
async fn a_stored_allocation_from_year_minus_200000_is_refused_by_name() {
    let home = tempfile::tempdir().unwrap();
    let db = demo_db(home.path());
    insert_hostile_allocation(&db);
    let backend = LocalBackend::open(&db).unwrap();
    let window = DateRange::new(
        parse_date("2026-11-01").unwrap(),
        parse_date("2027-01-31").unwrap(),
    );
    let e = backend.allocations(window).await.unwrap_err().to_string();
    assert_eq!(
        e,
        "the local database is damaged: allocation 66666 has a start date (-200000-01-01) outside the supported dates 1900-01-01..2199-12-31"
    );
}

#[test]
fn the_planner_opens_such_a_workspace_and_names_the_refused_row() {
    let home = tempfile::tempdir().unwrap();
    let db = demo_db(home.path());
    insert_hostile_allocation(&db);
    // Wide enough for the whole message in the status bar.
    let mut app = PtyApp::spawn(
        &["--db", db.to_str().unwrap(), "--today", TODAY],
        220,
        30,
        home.path(),
        &[],
    );
    app.send("2");
    // The rest of the workspace opens; the status bar says which row was refused and why.
    app.wait_for("the gantt and the reason", |s| {
        s.contains("Aisha Rahman")
            && s.contains(
                "allocation 66666 has a start date (-200000-01-01) outside the supported dates",
            )
    });
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

// ---- control characters -------------------------------------------------------------------------

const EVIL: &str = "x\u{1b}[31mred\u{202E}dlrow\u{7}";

#[test]
fn a_profile_name_with_escapes_is_printed_cleaned() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "[profiles.\"{}\"]\nbackend = \"local\"\n",
            "p\\u001b[31m\\u202e"
        ),
    )
    .unwrap();
    let r = run(home.path(), &["--profile", EVIL, "config", "check"], &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no profile 'x\u{FFFD}[31mred"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("p\u{FFFD}[31m\u{FFFD}"),
        "lists the profiles cleaned: {}",
        r.stderr
    );
    // The same name through the environment, and one the file does hold.
    let r = run(
        home.path(),
        &["config", "check"],
        &[("ALLOT_PROFILE", "p\u{1b}[31m\u{202E}")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("profile:     p\u{FFFD}[31m\u{FFFD}"),
        "{}",
        r.stdout
    );
}

#[test]
fn token_env_and_url_with_escapes_are_printed_cleaned() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "default_profile = \"k\"\n[profiles.k]\nbackend = \"kantata\"\nurl = \"http://127.0.0.1:1/\\u001b]0;pwned\\u0007\"\ntoken_env = \"T\\u001b[2J\"\n",
    )
    .unwrap();
    let r = run(home.path(), &["config", "check"], &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("T\u{FFFD}[2J, which is not set"),
        "{}",
        r.stderr
    );
    let r = run(home.path(), &["config", "check"], &[("T\u{1b}[2J", "tok")]);
    assert!(
        r.stdout
            .contains("token:       a token of 3 characters, from T\u{FFFD}[2J"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("url:         http://127.0.0.1:1/"),
        "{}",
        r.stdout
    );
}

#[test]
fn paths_with_escapes_are_printed_cleaned() {
    let home = tempfile::tempdir().unwrap();
    // --db under a file: the directory cannot exist.
    let file = home.path().join("plain.txt");
    std::fs::write(&file, "not a directory").unwrap();
    let db = file.join(format!("{EVIL}.db"));
    let r = run(
        home.path(),
        &[
            "--db",
            db.to_str().unwrap(),
            "--today",
            TODAY,
            "requests",
            "list",
        ],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("x\u{FFFD}[31mred\u{FFFD}dlrow\u{FFFD}.db"),
        "{}",
        r.stderr
    );
    // The data directory, where the default workspace is made.
    let data = file.join(EVIL);
    let r = run(
        home.path(),
        &["--today", TODAY, "requests", "list"],
        &[("ALLOT_DATA_DIR", data.to_str().unwrap())],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("x\u{FFFD}[31mred"), "{}", r.stderr);
    // A value the flag parser refuses is quoted cleaned too.
    let r = run(home.path(), &["--today", EVIL], &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is not a date"), "{}", r.stderr);
}

// ---- secrets ------------------------------------------------------------------------------------

#[test]
fn a_broken_token_line_is_not_quoted() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "[profiles.k]\nbackend = \"kantata\"\ntoken = \"abcSECRETxyz\n",
    )
    .unwrap();
    let r = run(home.path(), &["config", "check"], &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("line 3"),
        "still says where: {}",
        r.stderr
    );
    assert!(!r.stderr.contains("SECRET"), "{}", r.stderr);
}

#[test]
fn config_check_never_prints_userinfo_or_a_query() {
    let home = tempfile::tempdir().unwrap();
    for url in [
        "http://u:PASSWORD@127.0.0.1:1/api/v1",
        "http://127.0.0.1:1/api/v1?api_key=SECRET",
        "http://127.0.0.1:1/api/v1#SECRET",
    ] {
        let r = run(
            home.path(),
            &["--backend", "kantata", "--url", url, "config", "check"],
            &[("KANTATA_ACCESS_TOKEN", "t")],
        );
        assert_eq!(r.code, 2, "{url}: {}", r.stdout);
        assert!(
            r.stderr.starts_with("allot: --url: the base URL"),
            "{}",
            r.stderr
        );
        for text in [&r.stdout, &r.stderr] {
            assert!(
                !text.contains("PASSWORD") && !text.contains("SECRET"),
                "{text}"
            );
        }
    }
}

// ---- amounts ------------------------------------------------------------------------------------

mod amounts {
    use crate::common::demo::{DemoApp, with};
    use allot::app::form::Field;
    use allot::app::{Command, Input, State, update};
    use allot::domain::edit::AmountUnit;

    /// The new-allocation form from the Gantt, one day long, with `amount` in `unit`, submitted.
    fn submit(base: &State, unit: AmountUnit, amount: &str) -> (State, Vec<allot::app::Effect>) {
        let mut s = with(base.clone(), 100, 30, &[Command::ShowGantt]);
        update(&mut s, Command::NewAllocation);
        let type_into = |s: &mut State, field: Field, text: &str| {
            s.form_mut().expect("the form is open").focus = field;
            for _ in 0..30 {
                update(s, Command::Backspace);
            }
            for c in text.chars() {
                update(s, Input::Text(c));
            }
        };
        type_into(&mut s, Field::Start, "2026-11-24");
        type_into(&mut s, Field::End, "2026-11-24");
        s.form_mut().unwrap().unit = unit;
        type_into(&mut s, Field::Amount, amount);
        let effects = update(&mut s, Command::Submit);
        (s, effects)
    }

    #[test]
    fn amounts_past_their_bounds_are_refused_naming_the_field_and_the_bound() {
        let app = DemoApp::new();
        for (unit, amount, words) in [
            (
                AmountUnit::PercentOfCapacity,
                "10000",
                "% of capacity must be between 0 and 300",
            ),
            (
                AmountUnit::TotalHours,
                "0",
                "hours in total must be more than 0",
            ),
            (
                AmountUnit::TotalHours,
                "33333",
                "at most 24 h (24 h on each of the 1 working day(s), 2026-11-24 to 2026-11-24)",
            ),
            (AmountUnit::TotalHours, "24.5", "at most 24 h"),
        ] {
            let (s, effects) = submit(&app.state, unit, amount);
            assert!(effects.is_empty(), "{amount}: nothing is sent");
            let form = s.form().expect("the form stays open with the value");
            assert_eq!(form.amount, amount);
            let e = form.errors.get(&Field::Amount).cloned().unwrap_or_default();
            assert!(e.contains(words), "{amount} {unit:?}: {e}");
            assert!(s.edits.undo.is_empty(), "no edit was made");
        }
        // At the bounds the edit goes through.
        for (unit, amount) in [
            (AmountUnit::TotalHours, "24"),
            (AmountUnit::PercentOfCapacity, "300"),
        ] {
            let (s, effects) = submit(&app.state, unit, amount);
            assert!(
                s.form().is_none(),
                "{amount}: {:?}",
                s.form().map(|f| &f.errors)
            );
            assert!(!effects.is_empty(), "{amount}: the edit is sent");
        }
    }
}

// ---- typing anything ----------------------------------------------------------------------------

mod typing {
    use allot::app::{Command, Input, Msg, State, ThemeKind, update};
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    use crate::common::demo;

    /// Wide, combining, control, bidi and plain characters, and any char at all.
    fn typed() -> impl Strategy<Value = char> {
        prop_oneof![
            3 => any::<char>(),
            3 => prop::sample::select(vec![
                '日', '山', 'ä', '\u{301}', '\u{20DD}', '😀', '\u{1F1EF}', '\u{FEFF}', '\u{200B}',
                '\u{1b}', '\u{7}', '\u{0}', '\n', '\r', '\t', '\u{7f}', '\u{9b}', '\u{85}',
                '\u{202E}', '\u{202A}', '\u{2066}', '\u{2069}', '\u{200F}', '\u{061C}',
            ]),
            2 => prop::sample::select(vec!['+', '-', 'd', 'w', 'm', '2', '0', '.', '%', 'h', ' ', 't']),
        ]
    }

    #[derive(Clone, Debug)]
    enum Step {
        Key(Key),
        /// Characters typed one after another.
        Text(Vec<char>),
        /// Backspace until the field is empty (fields start with a value).
        Clear,
    }

    #[derive(Clone, Copy, Debug)]
    enum Key {
        Char(char),
        Backspace,
        Next,
        Prev,
        Left,
        Right,
        Up,
        Down,
        Toggle,
        Submit,
    }

    fn steps() -> impl Strategy<Value = Vec<Step>> {
        let key = prop_oneof![
            2 => Just(Key::Backspace),
            3 => Just(Key::Next),
            1 => Just(Key::Prev),
            1 => Just(Key::Left),
            1 => Just(Key::Right),
            1 => Just(Key::Up),
            1 => Just(Key::Down),
            1 => Just(Key::Toggle),
            2 => Just(Key::Submit),
        ];
        // An offset such as "+3d" whose last character is anything: the reported panic.
        let offset = (
            prop::sample::select(vec!['+', '-']),
            prop::collection::vec(prop::sample::select(vec!['1', '2', '9', '0']), 0..3),
            typed(),
        )
            .prop_map(|(sign, digits, last)| {
                let mut v = vec![sign];
                v.extend(digits);
                v.push(last);
                v
            });
        let step = prop_oneof![
            4 => typed().prop_map(|c| Step::Key(Key::Char(c))),
            4 => key.prop_map(Step::Key),
            2 => prop::collection::vec(typed(), 1..6).prop_map(Step::Text),
            2 => offset.prop_map(Step::Text),
            2 => Just(Step::Clear),
        ];
        prop::collection::vec(step, 0..30)
    }

    /// What the key sends in a form: a command, or text for a character.
    fn form_input(k: Key) -> Input {
        match k {
            Key::Char(c) => Input::Text(c),
            Key::Backspace => Command::Backspace.into(),
            Key::Next => Command::NextField.into(),
            Key::Prev => Command::PrevField.into(),
            Key::Left => Command::ChoicePrev.into(),
            Key::Right => Command::ChoiceNext.into(),
            Key::Up => Command::Up.into(),
            Key::Down => Command::Down.into(),
            Key::Toggle => Command::ToggleChoice.into(),
            Key::Submit => Command::Submit.into(),
        }
    }

    fn pick_input(k: Key) -> Input {
        match k {
            Key::Char(c) => Input::Text(c),
            Key::Backspace => Command::Backspace.into(),
            Key::Up | Key::Prev => Command::Up.into(),
            Key::Down | Key::Next => Command::Down.into(),
            Key::Left | Key::Right | Key::Toggle => Command::ToggleSoft.into(),
            // Choosing would close the picker; the typing is what is under test.
            Key::Submit => Command::Backspace.into(),
        }
    }

    fn fs_input(k: Key) -> Input {
        match k {
            Key::Char(c) => Input::Text(c),
            Key::Backspace => Command::Backspace.into(),
            Key::Next | Key::Prev | Key::Up | Key::Down => Command::NextWhen.into(),
            Key::Left | Key::Right | Key::Toggle => Command::ToggleHard.into(),
            Key::Submit => Command::Backspace.into(),
        }
    }

    /// Where typing goes: each form, the pickers and the filter.
    #[derive(Clone, Copy, Debug)]
    enum Target {
        AllocationForm,
        EditAllocationForm,
        RequestForm,
        ResourceForm,
        Picker,
        Filter,
        FromScheduled,
    }

    fn open(s: &mut State, t: Target) {
        let go = |s: &mut State, c: Command| {
            update(s, c);
        };
        match t {
            Target::AllocationForm => {
                go(s, Command::ShowGantt);
                go(s, Command::NewAllocation);
                assert!(s.form().is_some(), "the allocation form opens");
            }
            Target::EditAllocationForm => {
                go(s, Command::ShowGantt);
                go(s, Command::Later);
                go(s, Command::EditAllocation);
            }
            Target::RequestForm => {
                go(s, Command::NewRequest);
                assert!(s.request_form().is_some(), "the request form opens");
            }
            Target::ResourceForm => {
                go(s, Command::ShowResources);
                go(s, Command::AddToProject);
            }
            Target::Picker => {
                go(s, Command::ShowRequests);
                go(s, Command::Reassign);
                assert!(s.pick().is_some(), "the approver picker opens");
            }
            Target::Filter => {
                go(s, Command::ShowResources);
                go(s, Command::FilterStart);
            }
            Target::FromScheduled => {
                go(s, Command::ShowGantt);
                go(s, Command::AllocateFromScheduled);
            }
        }
    }

    fn press(s: &mut State, t: Target, key: Key) {
        let input = match t {
            Target::AllocationForm
            | Target::EditAllocationForm
            | Target::RequestForm
            | Target::ResourceForm => form_input(key),
            Target::Picker => pick_input(key),
            Target::FromScheduled => fs_input(key),
            Target::Filter => match key {
                Key::Char(c) => Input::Text(c),
                Key::Backspace => Command::Backspace.into(),
                _ => return,
            },
        };
        update(s, input);
    }

    fn send(s: &mut State, t: Target, step: &Step) {
        match step {
            Step::Key(k) => press(s, t, *k),
            Step::Text(cs) => cs.iter().for_each(|c| press(s, t, Key::Char(*c))),
            Step::Clear => (0..24).for_each(|_| press(s, t, Key::Backspace)),
        }
    }

    /// Every cell of the screen at `w`x`h`: no control character, no bidi override.
    fn screen_is_clean(s: &State, w: u16, h: u16) -> Result<(), TestCaseError> {
        let mut sized = s.clone();
        update(&mut sized, Msg::Resize(w, h));
        let terminal = demo::draw(&sized, w, h);
        for cell in terminal.backend().buffer().content() {
            let sym = cell.symbol();
            prop_assert!(!sym.chars().any(super::raw), "raw {sym:?} drawn at {w}x{h}");
        }
        Ok(())
    }

    #[test]
    fn anything_typed_anywhere_never_panics_and_never_reaches_the_screen_raw() {
        let mut base = demo::demo_state(ThemeKind::Dark);
        update(&mut base, Msg::Resize(80, 24));
        let targets = [
            Target::AllocationForm,
            Target::EditAllocationForm,
            Target::RequestForm,
            Target::ResourceForm,
            Target::Picker,
            Target::Filter,
            Target::FromScheduled,
        ];
        // Each target on its own, so every one gets its share of cases; the focus starts on a
        // chosen field (Tab n times) so every field gets typed into.
        for target in targets {
            let mut runner = TestRunner::new(Config {
                cases: 40,
                failure_persistence: None,
                ..Config::default()
            });
            runner
                .run(&(0usize..9, steps()), |(tabs, steps)| {
                    let mut s = base.clone();
                    open(&mut s, target);
                    for _ in 0..tabs {
                        press(&mut s, target, Key::Next);
                    }
                    for step in &steps {
                        send(&mut s, target, step);
                        // The form's preview and errors are drawn from what was typed.
                        screen_is_clean(&s, 80, 24)?;
                    }
                    screen_is_clean(&s, 33, 12)?;
                    Ok(())
                })
                .unwrap_or_else(|e| panic!("{target:?}: {e}"));
        }
    }

    #[test]
    fn the_reported_panics_are_refused_by_name() {
        let mut s = demo::demo_state(ThemeKind::Dark);
        update(&mut s, Msg::Resize(80, 24));
        open(&mut s, Target::AllocationForm);
        // Focus the start date and type "+日", then "+2ä" into the end.
        while s.form().unwrap().focus != allot::app::form::Field::Start {
            update(&mut s, Command::NextField);
        }
        for _ in 0..20 {
            update(&mut s, Command::Backspace);
        }
        for c in "+日".chars() {
            update(&mut s, Input::Text(c));
        }
        update(&mut s, Command::Submit);
        let form = s.form().cloned().expect("still open");
        let e = &form.errors[&allot::app::form::Field::Start];
        assert!(e.contains("'+日' is not a date"), "{e}");
        screen_is_clean(&s, 80, 24).unwrap();

        let mut s = demo::demo_state(ThemeKind::Dark);
        update(&mut s, Msg::Resize(80, 24));
        open(&mut s, Target::RequestForm);
        while s.request_form().unwrap().focus != allot::app::request_form::RqField::Start {
            update(&mut s, Command::NextField);
        }
        for _ in 0..20 {
            update(&mut s, Command::Backspace);
        }
        for c in "+2ä".chars() {
            update(&mut s, Input::Text(c));
        }
        update(&mut s, Command::Submit);
        let form = s.request_form().cloned().expect("still open");
        let e = &form.errors[&allot::app::request_form::RqField::Start];
        assert!(e.contains("'+2ä' is not a date"), "{e}");
    }
}
