//! The approver's queue on the demo workspace: ranking in the picker, bulk plans, fast keys,
//! undo, and the queue and confirm at 80x24 and 40 columns.

mod common;

use allot::app::requests::PickPurpose;
use allot::app::state::OnYes;
use allot::app::{Command, Input, Msg, State, ThemeKind, update};
use allot::client::{Backend, Resolution};
use allot::domain::{Id, RequestStatus};
use common::demo::{DemoApp, demo_state, draw, with};
use std::sync::OnceLock;

fn demo() -> State {
    static STATE: OnceLock<State> = OnceLock::new();
    STATE.get_or_init(|| demo_state(ThemeKind::Mono)).clone()
}

fn queue() -> State {
    with(demo(), 80, 24, &[Command::ShowRequests])
}

/// Selects request `id` in the queue.
fn select(s: &mut State, id: &str) {
    let at = s
        .queue
        .iter()
        .position(|q| q.as_str() == id)
        .unwrap_or_else(|| panic!("#{id} in the queue"));
    s.requests.selected = at;
    // As a key would: the reducer works out what the view draws for the new selection.
    allot::app::requests::refresh(s);
}

fn role_of(s: &State, person: &Id) -> String {
    s.ws.people[person].role.clone()
}

#[test]
fn the_picker_ranks_the_exact_role_first_and_names_related_roles_as_such() {
    let mut s = queue();
    select(&mut s, "5002"); // ○ QA Engineer
    update(&mut s, Command::Approve);
    let pick = s.pick().cloned().expect("a picker");
    let roles: Vec<String> = pick.options.iter().map(|p| role_of(&s, p)).collect();
    assert_eq!(roles[..3], ["QA Engineer", "QA Engineer", "QA Engineer"]);
    assert!(
        roles[3].contains("Engineer"),
        "then related roles: {roles:?}"
    );
    // And an Engineer request is not topped by a DevOps Engineer.
    update(&mut s, Command::Cancel);
    select(&mut s, "5001");
    update(&mut s, Command::Approve);
    let top = s.pick().cloned().unwrap().options[0].clone();
    assert_eq!(role_of(&s, &top), "Engineer");
    let screen = format!("{}", draw(&s, 80, 24).backend());
    assert!(screen.contains("same role"), "{screen}");
}

#[test]
fn space_marks_and_moves_down_and_the_pickers_come_in_list_order() {
    let mut s = queue();
    update(&mut s, Command::SortRequests); // starting soonest: not id order
    s.requests.selected = 0;
    let first: Vec<Id> = s.queue.iter().take(3).cloned().collect();
    for _ in 0..3 {
        update(&mut s, Command::MarkRequest);
    }
    assert_eq!(s.requests.selected, 3, "each Space moves down");
    assert_eq!(
        s.requests.marks.iter().cloned().collect::<Vec<_>>().len(),
        3
    );
    assert!(first.iter().all(|id| s.requests.marks.contains(id)));
    update(&mut s, Command::Approve);
    let first_unnamed = first
        .iter()
        .find(|id| s.ws.resources[&s.ws.requests[*id].resource_id].is_unnamed())
        .expect("an unnamed one among the first three");
    match &s.pick().expect("a picker").purpose {
        PickPurpose::Approve { request, .. } => assert_eq!(request, first_unnamed),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_second_pick_of_a_bulk_approval_sees_the_first() {
    let mut s = queue();
    // Two overlapping full-time Engineer requests.
    select(&mut s, "5001");
    update(&mut s, Command::MarkRequest);
    select(&mut s, "5024");
    update(&mut s, Command::MarkRequest);
    update(&mut s, Command::Approve);
    let first = s.pick().cloned().unwrap().options[0].clone();
    update(&mut s, Command::Submit);
    let second = s.pick().cloned().expect("the second picker").options[0].clone();
    assert_ne!(
        first, second,
        "the first pick is booked when ranking the second"
    );
    update(&mut s, Command::Submit);
    let c = s.confirm().cloned().expect("y/n");
    assert!(
        c.question.starts_with("Approve 2 requests (hard"),
        "{}",
        c.question
    );
    for (id, who) in [("5001", &first), ("5024", &second)] {
        assert!(
            c.question.contains(&format!("#{id} ")) && c.question.contains(s.ws.person_name(who)),
            "{}",
            c.question
        );
    }
    // `b` plans the same two together, without pickers.
    update(&mut s, Command::No);
    update(&mut s, Command::ApproveTop);
    let Some(OnYes::Resolve(items)) = s.confirm().cloned().map(|c| c.on_yes) else {
        panic!("a plan");
    };
    let people: Vec<Option<Id>> = items
        .iter()
        .map(|(_, how)| match how {
            Resolution::Approve { user_id, .. } => user_id.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_ne!(people[0], people[1], "not one person booked twice");
}

#[test]
fn typing_the_start_of_a_name_puts_that_person_first() {
    let mut s = queue();
    select(&mut s, "5001");
    update(&mut s, Command::Approve);
    for c in "Morg".chars() {
        update(&mut s, Input::Text(c));
    }
    let pick = s.pick().cloned().unwrap();
    assert_eq!(s.ws.person_name(&pick.options[0]), "Morgan Lee");
    // By email and role too.
    for _ in 0..4 {
        update(&mut s, Command::Backspace);
    }
    for c in "northwind".chars() {
        update(&mut s, Input::Text(c));
    }
    assert_eq!(s.pick().cloned().unwrap().options.len(), s.ws.people.len());
    // What is highlighted is what Enter takes.
    for _ in 0.."northwind".len() {
        update(&mut s, Command::Backspace);
    }
    for c in "ingrid".chars() {
        update(&mut s, Input::Text(c));
    }
    let shown = s.pick().cloned().unwrap().options[0].clone();
    update(&mut s, Command::Submit);
    assert!(
        s.confirm()
            .unwrap()
            .question
            .contains(&format!("→ {}", s.ws.person_name(&shown)))
    );
}

#[test]
fn acting_where_i_am_not_an_approver_asks_a_second_question() {
    let mut s = queue();
    update(&mut s, Command::ToggleMine);
    select(&mut s, "5005"); // Daniel Kim approves it
    update(&mut s, Command::Approve);
    let q = s.confirm().cloned().expect("asked first").question;
    assert!(
        q.starts_with("You are not an approver of #5005 (Daniel Kim)"),
        "{q}"
    );
    assert!(s.pick().is_none());
    update(&mut s, Command::Yes);
    assert!(s.pick().is_some(), "then the picker, as for my own");
    // Without the yes nothing goes on.
    update(&mut s, Command::Cancel);
    update(&mut s, Command::Reject);
    assert!(s.confirm().is_some());
    update(&mut s, Command::No);
    assert!(s.requests.reason.is_none());
}

#[test]
fn reject_asks_for_a_reason_and_says_where_it_goes() {
    let mut app = DemoApp::new();
    app.act(Msg::Resize(80, 24));
    app.act(Command::ShowRequests);
    select(&mut app.state, "5003");
    app.act(Command::Reject);
    for c in "No budget".chars() {
        app.act(Input::Text(c));
    }
    let screen = format!("{}", draw(&app.state, 80, 24).backend());
    for said in [
        "Rejecting #5003. Reason (optional):",
        "No budget",
        "It is kept in the request's notes.",
        "Enter: on to y/n (empty: no reason) · Esc cancel",
    ] {
        assert!(screen.contains(said), "{said:?} in\n{screen}");
    }
    app.act(Command::Submit);
    let q = app.state.confirm().cloned().expect("y/n").question;
    assert!(
        q.contains("Reason \"No budget\": kept in the request's notes"),
        "{q}"
    );
    app.act(Command::Yes);
    let stored = app.rt.block_on(app.backend.requests()).unwrap();
    let r = stored.iter().find(|r| r.id.as_str() == "5003").unwrap();
    assert_eq!(r.status, RequestStatus::Rejected);
    assert!(r.notes.ends_with("Rejected: No budget"), "{}", r.notes);
}

#[test]
fn u_undoes_an_approval_on_the_embedded_store() {
    let mut app = DemoApp::new();
    app.act(Msg::Resize(80, 24));
    app.act(Command::ShowRequests);
    select(&mut app.state, "5008");
    let resource = app.state.ws.requests[&Id::new("5008")].resource_id.clone();
    app.act(Command::ApproveTop);
    let q = app.state.confirm().cloned().expect("y/n").question;
    assert!(q.contains("u undoes"), "{q}");
    app.act(Command::Yes);
    let notice = app.state.notice.clone().unwrap_or_default();
    assert!(
        notice.starts_with("Request #5008 approved: ")
            && notice.contains("staffs Analyst on Grid Forecasting"),
        "{notice}"
    );
    let roster = app.rt.block_on(app.backend.roster()).unwrap();
    let named = roster.resources.iter().find(|r| r.id == resource).unwrap();
    assert!(named.person_id.is_some());

    app.act(Command::Undo);
    let stored = app.rt.block_on(app.backend.requests()).unwrap();
    let r = stored.iter().find(|r| r.id.as_str() == "5008").unwrap();
    assert_eq!(r.status, RequestStatus::New);
    let roster = app.rt.block_on(app.backend.roster()).unwrap();
    let back = roster.resources.iter().find(|r| r.id == resource).unwrap();
    assert_eq!(back.person_id, None, "unnamed again");
    let held: Vec<_> = app
        .stored()
        .into_iter()
        .filter(|a| a.resource_id == resource)
        .collect();
    assert!(
        !held.is_empty() && held.iter().all(|a| !a.hard),
        "soft again"
    );
    assert!(
        app.state.queue.contains(&Id::new("5008")),
        "back in the queue"
    );
}

fn snap(name: &str, s: &State, w: u16, h: u16) {
    insta::assert_snapshot!(name, draw(s, w, h).backend());
}

#[test]
fn the_queue_at_80x24_and_40_columns() {
    let s = queue();
    snap("approver_queue_80x24", &s, 80, 24);
    let narrow = with(demo(), 40, 24, &[Command::ShowRequests]);
    let screen = format!("{}", draw(&narrow, 40, 24).backend());
    assert!(
        screen.contains("Project") && screen.contains("Resource"),
        "{screen}"
    );
    snap("approver_queue_40x24", &narrow, 40, 24);
}

#[test]
fn the_confirm_at_80x24_and_40_columns() {
    let mut s = queue();
    select(&mut s, "5014");
    update(&mut s, Command::ApproveTop);
    snap("approver_confirm_one_80x24", &s, 80, 24);
    let mut s = with(demo(), 40, 24, &[Command::ShowRequests]);
    for _ in 0..6 {
        update(&mut s, Command::MarkRequest);
    }
    update(&mut s, Command::ApproveTop);
    snap("approver_confirm_bulk_40x24", &s, 40, 24);
    let mut s = queue();
    for _ in 0..6 {
        update(&mut s, Command::MarkRequest);
    }
    update(&mut s, Command::ApproveTop);
    snap("approver_confirm_bulk_80x24", &s, 80, 24);
}

#[test]
fn a_bulk_approval_reports_each_result() {
    let mut app = DemoApp::new();
    app.act(Msg::Resize(80, 24));
    app.act(Command::ShowRequests);
    for _ in 0..3 {
        app.act(Command::MarkRequest);
    }
    app.act(Command::ApproveTop);
    app.act(Command::Yes);
    assert_eq!(
        app.state.notice.as_deref(),
        Some("All 3 went through (L lists each)")
    );
    let log: Vec<String> = app
        .state
        .log
        .newest_first()
        .map(|m| m.text.clone())
        .collect();
    assert!(
        ["5008", "5006", "5011"].iter().all(|id| log
            .iter()
            .any(|m| m.starts_with(&format!("Request #{id} approved: ")))),
        "{log:?}"
    );
}

#[test]
fn enter_opens_the_requests_detail_over_the_whole_view_and_esc_closes_it() {
    let mut s = queue();
    update(&mut s, Command::OpenRequest);
    assert!(s.requests.detail);
    let screen = format!("{}", draw(&s, 80, 24).backend());
    assert!(
        !screen.contains("Age  Project"),
        "the queue gives way:\n{screen}"
    );
    assert!(
        screen.contains("Request #5008") && screen.contains("Asked by"),
        "{screen}"
    );
    update(&mut s, Command::Back);
    assert!(!s.requests.detail);
}

#[test]
fn the_22_item_bulk_confirm_scrolls_at_80x24_with_the_count_and_the_y_n_in_view() {
    let mut s = queue();
    let n = s.queue.len();
    assert!(n >= 20, "the demo has {n} pending for Morgan Lee");
    for _ in 0..n {
        update(&mut s, Command::MarkRequest);
    }
    update(&mut s, Command::ApproveTop);
    let question = s.confirm().cloned().expect("y/n").question;
    let head: String = question.lines().next().unwrap().chars().take(40).collect();
    assert!(head.starts_with(&format!("Approve {n} requests")), "{head}");
    assert!(
        question
            .lines()
            .next()
            .unwrap()
            .contains("go over capacity"),
        "{question}"
    );
    snap("approver_confirm_bulk_all_80x24", &s, 80, 24);
    let screen = |s: &State| format!("{}", draw(s, 80, 24).backend());
    let top = screen(&s);
    assert!(
        top.contains("↑ 0 above") && top.contains(" y  yes"),
        "{top}"
    );
    // j scrolls one line under the headline, which stays; PageDown a page; never past the end.
    update(&mut s, Command::Down);
    assert_eq!(s.confirm().unwrap().scroll, 1);
    let one = screen(&s);
    assert!(one.contains("↑ 1 above") && one.contains(&head), "{one}");
    for _ in 0..10 {
        update(&mut s, Command::PageDown);
    }
    let end = screen(&s);
    assert!(end.contains("↓ 0 more") && end.contains(" y  yes"), "{end}");
    snap("approver_confirm_bulk_all_80x24_end", &s, 80, 24);
    let last: String = question.lines().last().unwrap().chars().take(20).collect();
    assert!(end.contains(&last), "the last request shows:\n{end}");
    update(&mut s, Command::Up);
    for _ in 0..3 {
        update(&mut s, Command::PageUp);
    }
    assert_eq!(s.confirm().unwrap().scroll, 0);
    assert!(matches!(
        s.confirm().unwrap().on_yes,
        OnYes::Resolve(ref items) if items.len() == n
    ));
}

#[test]
fn b_says_plainly_how_far_over_capacity_the_pick_goes_before_booking() {
    let mut s = queue();
    select(&mut s, "5011"); // nobody fits: the top candidate peaks at 163 %
    update(&mut s, Command::ApproveTop);
    let q = s.confirm().cloned().expect("y/n").question;
    let over = q
        .lines()
        .find(|l| l.starts_with("This books "))
        .unwrap_or_else(|| panic!("said plainly:\n{q}"));
    assert!(over.contains("over capacity: peak W16 ▲163%"), "{over}");
    assert!(over.contains("h over in "), "by how much: {over}");
    // Said once: the headline above does not repeat the peak or the hours over.
    assert_eq!(q.matches("▲163%").count(), 1, "the peak said once:\n{q}");
    assert!(!q.contains("over by"), "the hours over said once:\n{q}");
    // And a pick that fits says nothing of the kind.
    let mut s = queue();
    select(&mut s, "5014");
    update(&mut s, Command::ApproveTop);
    assert!(!s.confirm().unwrap().question.contains("over capacity"));
}

#[test]
fn the_reason_box_edits_with_the_line_editor() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut s = queue();
    select(&mut s, "5003");
    update(&mut s, Command::Reject);
    for c in "No budgte".chars() {
        update(&mut s, Input::Text(c));
    }
    // Backspace twice, retype; then Home and words in front; Ctrl-w takes a word back.
    update(&mut s, Command::Backspace);
    update(&mut s, Command::Backspace);
    for c in "et".chars() {
        update(&mut s, Input::Text(c));
    }
    update(
        &mut s,
        Input::Edit(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE)),
    );
    for c in "Sorry: ".chars() {
        update(&mut s, Input::Text(c));
    }
    assert_eq!(s.requests.reason.as_ref().unwrap().text, "Sorry: No budget");
    update(
        &mut s,
        Input::Edit(KeyEvent::new(KeyCode::End, KeyModifiers::NONE)),
    );
    update(
        &mut s,
        Input::Edit(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL)),
    );
    assert_eq!(s.requests.reason.as_ref().unwrap().text, "Sorry: No ");
    snap("approver_reason_80x24", &s, 80, 24);
    update(&mut s, Command::Submit);
    let q = s.confirm().cloned().expect("y/n").question;
    assert!(q.contains("Reason \"Sorry: No\""), "{q}");
}

#[test]
fn the_pane_draws_the_ranking_the_reducer_worked_out_and_never_a_stale_one() {
    use allot::app::requests::{SHOWN, candidates, ranked};
    let mut s = queue();
    select(&mut s, "5011");
    let r = s.ws.requests[&Id::new("5011")].clone();
    let worked = ranked(&s, &r).expect("worked out for the selection");
    // The first SHOWN of the full ranking, as many as the pane can draw.
    let top_of = |all: Vec<_>| all.into_iter().take(SHOWN).collect::<Vec<_>>();
    assert_eq!(
        worked.candidates,
        top_of(candidates(&s.ws, &r)),
        "the same ranking"
    );
    // The top candidate gets more work elsewhere: the old ranking is not drawn, and the next
    // input ranks again with it.
    let before = worked.candidates[0].clone();
    let top = before.person.clone();
    let mut busy = s.ws.allocations.values().next().unwrap().clone();
    busy.id = Id::new("busy");
    busy.resource_id =
        s.ws.resources_of(&top)
            .next()
            .expect("a resource")
            .id
            .clone();
    busy.range = r.period.unwrap();
    busy.amount = allot::domain::Amount::TotalMinutes(40 * 60 * 20);
    s.ws.put_allocation(busy);
    assert!(ranked(&s, &r).is_none(), "stale: not drawn");
    update(&mut s, Msg::Resize(80, 24));
    let again = ranked(&s, &r).expect("ranked again");
    assert_eq!(again.candidates, top_of(candidates(&s.ws, &r)));
    let all = candidates(&s.ws, &r);
    let now = all.iter().find(|c| c.person == top).unwrap();
    assert!(now.free < before.free, "{now:?} vs {before:?}");
}
