//! View snapshots (TestBackend + insta) on the demo workspace with a pinned today, and the rule
//! that no view panics at any size.

mod common;

use allot::app::{Command, Input, Msg, ThemeKind, View, update};
use common::demo::{DemoApp, demo_state, draw, with};
use crossterm::event::KeyCode;
use proptest::prelude::*;
use std::sync::OnceLock;

fn demo() -> allot::app::State {
    static STATE: OnceLock<allot::app::State> = OnceLock::new();
    STATE.get_or_init(|| demo_state(ThemeKind::Dark)).clone()
}

fn snapshot(name: &str, view: View, w: u16, h: u16, extra: &[Command]) {
    let mut actions = vec![Command::show(view)];
    actions.extend_from_slice(extra);
    let state = with(demo(), w, h, &actions);
    let terminal = draw(&state, w, h);
    insta::assert_snapshot!(name, terminal.backend());
}

#[test]
fn resources_80x24() {
    snapshot("resources_80x24", View::Resources, 80, 24, &[]);
}

#[test]
fn resources_120x40() {
    snapshot(
        "resources_120x40",
        View::Resources,
        120,
        40,
        &[Command::Down, Command::Down],
    );
}

#[test]
fn gantt_80x24() {
    snapshot("gantt_80x24", View::Gantt, 80, 24, &[]);
}

#[test]
fn gantt_120x40() {
    snapshot(
        "gantt_120x40",
        View::Gantt,
        120,
        40,
        &[Command::Down, Command::Later],
    );
}

#[test]
fn requests_80x24() {
    snapshot("requests_80x24", View::Requests, 80, 24, &[]);
}

#[test]
fn requests_120x40() {
    snapshot("requests_120x40", View::Requests, 120, 40, &[Command::Down]);
}

#[test]
fn help_80x24() {
    snapshot(
        "help_80x24",
        View::Resources,
        80,
        24,
        &[Command::ToggleHelp],
    );
}

#[test]
fn requests_filtered_while_typing_80x24() {
    // `/portal`: the four Patient Portal requests, the text and its cursor on the top line.
    let mut state = with(
        demo_state(ThemeKind::Mono),
        80,
        24,
        &[Command::ShowRequests, Command::FilterStart],
    );
    for c in "portal".chars() {
        update(&mut state, Input::Text(c));
    }
    let mut terminal = draw(&state, 80, 24);
    let text = format!("{}", terminal.backend());
    assert!(text.contains("/portal  pending mine to approve"), "{text}");
    // The terminal cursor after the last letter typed, on the line under the tabs.
    let at = terminal.get_cursor_position().unwrap();
    assert_eq!((at.x, at.y), (7, 1));
    // Kept, then `/` again: the filter is selected (typing replaces it), which shows reversed
    // as in the Resources filter, under NO_COLOR too.
    update(&mut state, Command::FilterDone);
    update(&mut state, Command::FilterStart);
    let terminal = draw(&state, 80, 24);
    let cell = &terminal.backend().buffer()[(1, 1)];
    assert_eq!(cell.symbol(), "p");
    assert!(
        cell.modifier.contains(ratatui::style::Modifier::REVERSED),
        "{cell:?}"
    );
    insta::assert_snapshot!("requests_filtered_80x24", terminal.backend());
}

#[test]
fn help_wraps_what_a_key_does_under_its_column_80x24() {
    // The Requests view's keys say the most ("approve with each one's top candidate, after a
    // y/n"): none may run into the border.
    snapshot(
        "help_requests_80x24",
        View::Requests,
        80,
        24,
        &[Command::ToggleHelp],
    );
}

#[test]
fn over_allocation_stands_out_without_colour() {
    let state = with(demo_state(ThemeKind::Mono), 120, 40, &[Command::ShowGantt]);
    let terminal = draw(&state, 120, 40);
    let text = format!("{}", terminal.backend());
    assert!(
        text.contains('▲'),
        "an over-allocated week carries the ▲ glyph:\n{text}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn no_view_panics_at_any_size(w in prop_oneof![Just(0u16), Just(1), 2u16..300], h in prop_oneof![Just(0u16), Just(1), 2u16..120], help: bool, moves in 0usize..40) {
        for view in View::ALL {
            let mut actions = vec![Command::show(view)];
            actions.extend(std::iter::repeat_n(Command::Down, moves));
            actions.extend(std::iter::repeat_n(Command::Later, moves % 7));
            if help { actions.push(Command::ToggleHelp); }
            let state = with(demo(), w, h, &actions);
            draw(&state, w, h);
        }
    }
}

/// The demo's Gantt at `w`x`h` after `zoom_keys`, through the store, so the allocations a zoom
/// asks for are loaded (the screen shows loaded data, not "loading").
fn gantt_app(zoom_keys: &[Command], w: u16, h: u16) -> DemoApp {
    let mut app = DemoApp::new();
    app.act(Msg::Resize(w, h));
    app.act(Command::ShowGantt);
    for c in zoom_keys {
        app.act(*c);
    }
    app
}

/// The Gantt at each zoom with the second person expanded into bars.
fn gantt_at(
    zoom_keys: &[Command],
    w: u16,
    h: u16,
) -> ratatui::Terminal<ratatui::backend::TestBackend> {
    let mut app = gantt_app(zoom_keys, w, h);
    app.act(Command::Down);
    app.act(Command::OpenRow);
    assert!(app.state.pending.is_empty());
    draw(&app.state, w, h)
}

const DAY: &[Command] = &[Command::ZoomIn];
const WEEK: &[Command] = &[];
const MONTH: &[Command] = &[Command::ZoomOut];

#[test]
fn gantt_zooms_80x24() {
    for (name, keys) in [("day", DAY), ("week", WEEK), ("month", MONTH)] {
        let terminal = gantt_at(keys, 80, 24);
        insta::assert_snapshot!(format!("gantt_{name}_80x24"), terminal.backend());
        // Colour carries load level and bar kind: capture the styles too.
        insta::assert_debug_snapshot!(
            format!("gantt_{name}_80x24_styles"),
            terminal.backend().buffer()
        );
    }
}

#[test]
fn gantt_zooms_160x48() {
    for (name, keys) in [("day", DAY), ("week", WEEK), ("month", MONTH)] {
        let terminal = gantt_at(keys, 160, 48);
        insta::assert_snapshot!(format!("gantt_{name}_160x48"), terminal.backend());
    }
}

#[test]
fn gantt_by_project_120x40() {
    let state = with(
        demo(),
        120,
        40,
        &[
            Command::ShowGantt,
            Command::ToggleGrouping,
            Command::OpenRow,
        ],
    );
    insta::assert_snapshot!("gantt_by_project_120x40", draw(&state, 120, 40).backend());
}

#[test]
fn resources_filtered_and_sorted_80x24() {
    let mut state = with(
        demo(),
        80,
        24,
        &[Command::ShowResources, Command::FilterStart],
    );
    for c in "engineer".chars() {
        update(&mut state, Input::Text(c));
    }
    let state = with(
        state,
        80,
        24,
        &[
            Command::FilterDone,
            Command::SortNext,
            Command::SortNext,
            Command::SortNext,
            Command::SortNext,
            Command::SortReverse,
        ],
    );
    insta::assert_snapshot!(
        "resources_filtered_sorted_80x24",
        draw(&state, 80, 24).backend()
    );
}

#[test]
fn light_theme_keeps_to_256_colours() {
    let state = with(
        demo_state(ThemeKind::Light),
        120,
        40,
        &[Command::ShowGantt, Command::Down, Command::OpenRow],
    );
    let terminal = draw(&state, 120, 40);
    for cell in terminal.backend().buffer().content() {
        for c in [cell.fg, cell.bg] {
            assert!(
                !matches!(c, ratatui::style::Color::Rgb(..)),
                "no truecolor: {c:?}"
            );
        }
    }
}

#[test]
fn request_queue_and_impact_80x24_no_color_and_colour() {
    // The Lucas Martin request is on a named resource: its detail shows his weekly load.
    let named = |state: allot::app::State| {
        let at = state
            .queue
            .iter()
            .position(|id| {
                let r = &state.ws.requests[id];
                state
                    .ws
                    .resources
                    .get(&r.resource_id)
                    .is_some_and(|x| !x.is_unnamed())
            })
            .expect("a request on a named resource");
        let mut actions = vec![Command::ShowRequests];
        actions.extend(std::iter::repeat_n(Command::Down, at));
        with(state, 80, 24, &actions)
    };
    let mono = named(demo_state(ThemeKind::Mono));
    insta::assert_snapshot!("requests_impact_80x24_mono", draw(&mono, 80, 24).backend());
    let colour = named(demo());
    insta::assert_debug_snapshot!(
        "requests_impact_80x24_styles",
        draw(&colour, 80, 24).backend().buffer()
    );
}

#[test]
fn approve_picker_80x24() {
    let state = with(demo(), 80, 24, &[Command::ShowRequests, Command::Approve]);
    insta::assert_snapshot!("requests_pick_80x24", draw(&state, 80, 24).backend());
}

#[test]
fn requests_on_ruddr_say_there_are_none_80x24() {
    let mut state = demo();
    state.backend = allot::client::BackendKind::Ruddr;
    let state = with(state, 80, 24, &[Command::ShowRequests]);
    let terminal = draw(&state, 80, 24);
    insta::assert_snapshot!("requests_on_ruddr_80x24", terminal.backend());
}

#[test]
fn a_backend_that_cannot_be_reached_says_so_in_full_80x24() {
    use allot::app::{State, update};
    use allot::client::{BackendError, BackendKind};
    let mut state = State::new(common::demo::today(), BackendKind::Kantata, "kantata");
    update(&mut state, Msg::Resize(80, 24));
    update(&mut state, Msg::Start);
    let window = state.window;
    let down = || {
        BackendError::Unavailable(
            "could not reach Kantata (users/me): error sending request for url (http://127.0.0.1:7321/api/v1/users/me.json)".into(),
        )
    };
    update(&mut state, Msg::RosterLoaded(Err(down())));
    update(
        &mut state,
        Msg::AllocationsLoaded {
            window,
            result: Err(down()),
        },
    );
    update(&mut state, Msg::RequestsLoaded(Err(down())));
    update(
        &mut state,
        Msg::ScheduledLoaded {
            window,
            result: Err(BackendError::Unsupported("no".into())),
        },
    );
    assert!(state.pending.is_empty());
    let terminal = draw(&state, 80, 24);
    insta::assert_snapshot!("unreachable_80x24", terminal.backend());
}

#[test]
fn months_not_yet_loaded_are_marked_unknown_never_free() {
    // Zoomed out with the wider load still on its way: the months past what is loaded show
    // "?", and the status bar says what is loading.
    let state = with(demo(), 160, 48, &[Command::ShowGantt, Command::ZoomOut]);
    let loaded = state.ws.index.window().unwrap();
    assert!(!state.pending.is_empty(), "a wider window is being loaded");
    let screen = format!("{:?}", draw(&state, 160, 48).backend());
    let aisha = screen
        .lines()
        .find(|l| l.contains("Aisha Rahman"))
        .unwrap()
        .to_string();
    let cells: Vec<&str> = aisha
        .split('│')
        .nth(1)
        .unwrap()
        .trim_end_matches(',')
        .trim_end_matches('"')
        .split_whitespace()
        .collect();
    assert!(cells.contains(&"?"), "{aisha}");
    assert!(screen.contains("loading allocations"), "{screen}");
    // Every "?" lies outside the loaded window, and no cell outside it reads as free.
    let first = state.gantt.first;
    for (i, cell) in cells.iter().enumerate() {
        let bucket =
            allot::domain::Zoom::Month.bucket(allot::domain::dates::add_months(first, i as i32));
        let inside = loaded.start <= bucket.start && bucket.end <= loaded.end;
        assert_eq!(
            *cell == "?",
            !inside,
            "month {} ({cell}) in {aisha}",
            bucket.start
        );
    }
}

/// The screen, then where the terminal cursor is and every run of reversed cells (a
/// selection under NO_COLOR), which the text alone does not show.
fn screen_with_cursor(state: &allot::app::State, w: u16, h: u16) -> String {
    use ratatui::backend::Backend;
    use ratatui::style::Modifier;
    let mut terminal = draw(state, w, h);
    let backend = terminal.backend_mut();
    let cursor = backend.get_cursor_position().unwrap();
    let mut out = format!(
        "{}\ncursor: {}\n",
        backend,
        if backend.cursor_visible() {
            format!("column {}, row {}", cursor.x, cursor.y)
        } else {
            "hidden".into()
        }
    );
    let buf = backend.buffer();
    for y in 0..h {
        let mut run: Option<(u16, String)> = None;
        for x in 0..=w {
            let cell = (x < w).then(|| &buf[(x, y)]);
            match (
                cell.filter(|c| c.modifier.contains(Modifier::REVERSED)),
                &mut run,
            ) {
                (Some(c), Some((_, text))) => text.push_str(c.symbol()),
                (Some(c), None) => run = Some((x, c.symbol().to_string())),
                (None, Some((from, text))) => {
                    out.push_str(&format!(
                        "reversed: row {y}, from column {from}: {text:?}\n"
                    ));
                    run = None;
                }
                (None, None) => {}
            }
        }
    }
    out
}

#[test]
fn the_edit_form_shows_the_cursor_and_the_selection_80x24_mono() {
    use allot::app::form::AllocForm;
    let mut state = with(demo_state(ThemeKind::Mono), 80, 24, &[Command::ShowGantt]);
    let a = state
        .ws
        .allocations
        .values()
        .find(|a| !a.read_only && a.notes.is_empty())
        .expect("an editable allocation without notes")
        .clone();
    state.overlay = Some(allot::app::state::Overlay::Form(AllocForm::edit(
        &state, &a,
    )));
    // Opened: the amount is selected, the cursor after it.
    insta::assert_snapshot!(
        "edit_form_amount_selected_80x24_mono",
        screen_with_cursor(&state, 80, 24)
    );
    // Notes typed with a name and CJK, then two characters back: the cursor between them,
    // nothing selected.
    let mut state = with(state, 80, 24, &[Command::NextField; 3]);
    for c in "Zoë 東京".chars() {
        update(&mut state, Input::Text(c));
    }
    for _ in 0..2 {
        update(&mut state, Input::Edit(KeyCode::Left.into()));
    }
    insta::assert_snapshot!(
        "edit_form_notes_cursor_80x24_mono",
        screen_with_cursor(&state, 80, 24)
    );
}

#[test]
fn the_filter_shows_the_cursor_80x24() {
    let mut state = with(
        demo(),
        80,
        24,
        &[Command::ShowResources, Command::FilterStart],
    );
    update(&mut state, Input::Text('a'));
    update(&mut state, Input::Text('n'));
    update(&mut state, Input::Edit(KeyCode::Home.into()));
    let screen = screen_with_cursor(&state, 80, 24);
    assert!(screen.contains("cursor: column 1, row 1"), "{screen}");
}

/// The Gantt at each zoom with the second person expanded into lanes, one of their lines given
/// an overlapping hard bar, a read-only bar and a soft one, and the first lane's bar selected.
fn lanes_at(
    zoom_keys: &[Command],
    w: u16,
    h: u16,
) -> ratatui::Terminal<ratatui::backend::TestBackend> {
    use allot::domain::{Allocation, Amount, DateRange, Id};
    let mut app = gantt_app(zoom_keys, w, h);
    let Some(allot::app::gantt::GanttRow::Load(key)) = app.state.gantt.rows.get(1).cloned() else {
        panic!("a person on the second row")
    };
    let allot::domain::RowKey::Person(p) = &key else {
        panic!("{key:?}")
    };
    let r = app
        .state
        .ws
        .resources_of(p)
        .next()
        .expect("a resource")
        .clone();
    let d = |s: &str| allot::domain::dates::parse_date(s).unwrap();
    let bar = |id: &str, from: &str, to: &str, hard: bool, read_only: bool| Allocation {
        id: Id::new(id),
        resource_id: r.id.clone(),
        project_id: r.project_id.clone(),
        range: DateRange::new(d(from), d(to)),
        amount: Amount::HoursPerDay(2.0),
        hard,
        notes: String::new(),
        read_only,
        allocate_on_time_off: false,
        server_total_minutes: None,
        version: 1,
    };
    for a in [
        bar("x-over", "2026-11-25", "2026-12-10", true, false),
        bar("x-ro", "2026-11-20", "2026-11-27", true, true),
        bar("x-soft", "2026-12-01", "2026-12-04", false, false),
    ] {
        app.state.ws.put_allocation(a);
    }
    app.act(Command::Down);
    app.act(Command::OpenRow);
    app.act(Command::Down);
    assert!(app.state.selected_bar().is_some(), "a bar selected");
    assert!(app.state.pending.is_empty());
    draw(&app.state, w, h)
}

#[test]
fn gantt_lanes_at_each_zoom_and_size() {
    for (w, h) in [(80, 24), (160, 48)] {
        for (name, keys) in [("day", DAY), ("week", WEEK), ("month", MONTH)] {
            let terminal = lanes_at(keys, w, h);
            let screen = format!("{:?}", terminal.backend());
            assert!(screen.contains('▓'), "the read-only bar at {name} {w}x{h}");
            insta::assert_snapshot!(format!("gantt_lanes_{name}_{w}x{h}"), terminal.backend());
        }
    }
}

#[test]
fn the_gantt_filter_and_the_jump_prompt_80x24() {
    let mut state = with(demo(), 80, 24, &[Command::ShowGantt, Command::FilterStart]);
    for c in "role:qa".chars() {
        update(&mut state, Input::Text(c));
    }
    let screen = format!("{:?}", draw(&state, 80, 24).backend());
    assert!(screen.contains("/role:qa"), "{screen}");
    insta::assert_snapshot!("gantt_filter_typing_80x24", draw(&state, 80, 24).backend());
    update(&mut state, Command::FilterDone);
    update(&mut state, Command::Jump);
    // An empty prompt: what it takes is said once, on the hint bar, not again in the prompt.
    let empty = format!("{:?}", draw(&state, 80, 24).backend());
    assert_eq!(empty.matches("a person or a project").count(), 1, "{empty}");
    for c in "2027-0".chars() {
        update(&mut state, Input::Text(c));
    }
    let t = draw(&state, 80, 24);
    // The hint bar says what Enter does in the prompt (it went on "Enter keep  Esc back").
    let bar = screen_row(&t, 22);
    assert!(
        bar.starts_with(" Enter go  Esc cancel  a date (2027-03, +6w, today)"),
        "{bar:?}"
    );
    insta::assert_snapshot!("gantt_jump_prompt_80x24", t.backend());
}

/// The text of screen row `y`.
fn screen_row(t: &ratatui::Terminal<ratatui::backend::TestBackend>, y: u16) -> String {
    let b = t.backend().buffer();
    (0..b.area.width).map(|x| b[(x, y)].symbol()).collect()
}

#[test]
fn going_back_up_a_long_list_moves_the_cursor_up_the_screen_not_the_list() {
    // Issue 14 item 6: each list keeps its scroll offset, like ratatui's TableState.
    for view in [View::Resources, View::Requests, View::Gantt] {
        let mut down = vec![Command::show(view)];
        down.extend(std::iter::repeat_n(Command::Down, 21));
        let deep = with(demo(), 80, 24, &down);
        let rows = allot::app::geometry::view_rows(&deep, view);
        let (offset, selected) = match view {
            View::Resources => (deep.resources.offset, deep.resources.selected),
            View::Requests => (deep.requests.offset, deep.requests.selected),
            View::Gantt => (deep.gantt.offset, deep.gantt.selected),
        };
        assert_eq!(selected, 21, "{view:?}");
        assert_eq!(
            offset,
            21 + 1 - rows,
            "{view:?}: the cursor on the bottom row"
        );
        let mut up = down.clone();
        up.extend(std::iter::repeat_n(Command::Up, 3));
        let back = with(demo(), 80, 24, &up);
        let (offset_after, selected_after) = match view {
            View::Resources => (back.resources.offset, back.resources.selected),
            View::Requests => (back.requests.offset, back.requests.selected),
            View::Gantt => (back.gantt.offset, back.gantt.selected),
        };
        assert_eq!(selected_after, 18, "{view:?}");
        assert_eq!(
            offset_after, offset,
            "{view:?}: the list stays where it was"
        );
        // And the screen shows the same first row both times (the list did not move).
        let top = allot::app::geometry::TABS + allot::app::geometry::LIST_HEADER;
        let (a, b) = (draw(&deep, 80, 24), draw(&back, 80, 24));
        assert_eq!(screen_row(&a, top), screen_row(&b, top), "{view:?}");
        // Past the top edge the list follows the cursor again, one row at a time.
        let mut far = up.clone();
        far.extend(std::iter::repeat_n(Command::Up, rows));
        let far = with(demo(), 80, 24, &far);
        let o = match view {
            View::Resources => far.resources.offset,
            View::Requests => far.requests.offset,
            View::Gantt => far.gantt.offset,
        };
        assert_eq!(
            o,
            18usize.saturating_sub(rows),
            "{view:?}: the cursor on the top row"
        );
    }
}

/// The week the Gantt's first column shows, read off the screen's week row.
fn first_week(t: &ratatui::Terminal<ratatui::backend::TestBackend>) -> String {
    let row = screen_row(t, 2);
    let after = row.split('│').nth(1).unwrap_or("");
    after
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_start_matches('▼')
        .to_string()
}

#[test]
fn the_month_over_w49_2026_is_december_80x24() {
    let mut app = gantt_app(WEEK, 80, 24);
    let mut presses = 0;
    while first_week(&draw(&app.state, 80, 24)) != "W49" {
        assert!(presses < 30, "the window never started at W49");
        app.act(Command::Later);
        presses += 1;
    }
    assert!(app.state.pending.is_empty());
    let t = draw(&app.state, 80, 24);
    let months = screen_row(&t, 1);
    assert!(
        months.contains("Dec 2026") && !months.contains("Nov 2026"),
        "{months:?}"
    );
    insta::assert_snapshot!("gantt_month_header_from_w49_80x24", t.backend());
}

#[test]
fn a_resize_keeps_the_weeks_the_gantt_showed_80x24() {
    // Growing, so the time cursor stays on screen without the window moving.
    let mut app = gantt_app(WEEK, 64, 20);
    app.act(Command::ScreenLater);
    let before = first_week(&draw(&app.state, 64, 20));
    assert_ne!(before, "W46", "the screen moved off today's window first");
    app.act(Msg::Resize(80, 24));
    assert!(app.state.pending.is_empty());
    let t = draw(&app.state, 80, 24);
    assert_eq!(first_week(&t), before);
    insta::assert_snapshot!("gantt_after_resize_80x24", t.backend());
}

#[test]
fn a_candidates_matching_skill_shows_beside_their_role_in_the_requests_view() {
    // The demo on the embedded store has no skills; give everyone one named like their role.
    let mut state = demo();
    let people: Vec<(allot::domain::Id, String)> = state
        .ws
        .people
        .values()
        .map(|p| (p.id.clone(), p.role.clone()))
        .collect();
    for (id, role) in people {
        let skill = allot::domain::skills::Skill {
            name: role,
            level: 3,
        };
        state.ws.skills.insert(id, vec![skill]);
    }
    state.ws.touch();
    let state = with(
        state,
        120,
        40,
        &[Command::show(View::Requests), Command::Down],
    );
    let t = draw(&state, 120, 40);
    let rows: Vec<String> = (0..40).map(|y| screen_row(&t, y)).collect();
    assert!(
        rows.iter()
            .any(|r| r.contains(") ") && r.contains(" · level 3)")),
        "{}",
        rows.join("\n")
    );
}
