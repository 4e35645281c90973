//! The request queue: filters, approving, rejecting, cancelling, reassigning, new requests.

use super::*;

#[test]
fn the_queue_filters_mine_and_by_status() {
    let mut s = queue_view();
    assert_eq!(
        s.queue,
        vec![Id::new("q1"), Id::new("q2")],
        "mine, pending, oldest first"
    );
    s.ws.requests.get_mut(&Id::new("q2")).unwrap().approver_ids = vec![Id::new("2")];
    update(&mut s, Command::ToggleMine); // all
    update(&mut s, Command::ToggleMine); // mine again, rebuilt
    assert_eq!(s.queue, vec![Id::new("q1")]);
    update(&mut s, Command::ToggleMine);
    assert_eq!(s.queue.len(), 2);
    update(&mut s, Command::NextStatus);
    assert_eq!(s.requests.status, StatusFilter::Approved);
    assert_eq!(s.queue, vec![Id::new("q3")]);
    for _ in 0..3 {
        update(&mut s, Command::NextStatus);
    }
    assert_eq!(s.requests.status, StatusFilter::All);
    assert_eq!(s.queue.len(), 3);
}

#[test]
fn slash_narrows_the_queue_keeps_the_selection_and_esc_clears_it() {
    let mut s = queue_view();
    s.ws.requests.get_mut(&Id::new("q2")).unwrap().notes = "Mobile screens".into();
    update(&mut s, Command::Down);
    assert_eq!(s.queue[s.requests.selected], Id::new("q2"));
    update(&mut s, Command::FilterStart);
    assert_eq!(super::keys::Mode::of(&s), super::keys::Mode::Filter);
    // Letters type: `a` does not approve while the filter takes keys.
    res_type(&mut s, "mobile");
    assert!(s.overlay.is_none(), "{:?}", s.overlay);
    assert_eq!(s.queue, vec![Id::new("q2")], "by notes");
    assert_eq!(
        s.queue[s.requests.selected],
        Id::new("q2"),
        "still selected"
    );
    update(&mut s, Command::FilterDone);
    assert_eq!(super::keys::Mode::of(&s), super::keys::Mode::Requests);
    assert_eq!(s.queue, vec![Id::new("q2")], "the filter stays");
    // Esc: everyone's again, the selection where it was.
    update(&mut s, Command::Back);
    assert_eq!(s.queue, vec![Id::new("q1"), Id::new("q2")]);
    assert_eq!(s.queue[s.requests.selected], Id::new("q2"));
    assert!(s.requests.find.filter.is_empty());
    // By number, with or without the #; by project and requester.
    for (typed, want) in [
        ("#q1", vec!["q1"]),
        ("apollo", vec!["q1", "q2"]),
        ("zzz", vec![]),
    ] {
        update(&mut s, Command::FilterStart);
        res_type(&mut s, typed);
        let want: Vec<Id> = want.into_iter().map(Id::new).collect();
        assert_eq!(s.queue, want, "{typed}");
        update(&mut s, Command::Back);
        assert_eq!(s.queue.len(), 2, "{typed}: Esc while typing clears it");
    }
}

#[test]
fn approving_an_unnamed_request_picks_a_person_confirms_and_names_the_resource() {
    let mut s = queue_view();
    update(&mut s, Command::Approve);
    let pick = s.pick().cloned().expect("a person to pick");
    assert_eq!(pick.options.len(), 2, "everyone is a candidate");
    // Type to find Amy.
    for c in "amy".chars() {
        update(&mut s, Input::Text(c));
    }
    assert_eq!(s.pick().unwrap().options, vec![Id::new("2")]);
    update(&mut s, Command::ToggleSoft);
    update(&mut s, Command::Submit);
    let q = s.confirm().cloned().expect("y/n").question;
    assert_eq!(
        q,
        "Approve #q1 Apollo · ○ Designer → Amy First · W53 ·0% (soft)?\n12-01 → 12-31 · 50% · 92h · u undoes"
    );
    let effects = update(&mut s, Command::Yes);
    assert_eq!(
        resolve_effects(&effects),
        vec![(
            Id::new("q1"),
            Resolution::Approve {
                user_id: Some(Id::new("2")),
                soft: true
            }
        )]
    );
    // Shown at once: the request is approved, the resource named, its allocation soft and on Amy's row.
    assert_eq!(
        s.ws.requests[&Id::new("q1")].status,
        RequestStatus::Approved
    );
    assert_eq!(s.ws.resources[&Id::new("r2")].person_id, Some(Id::new("2")));
    assert!(!s.ws.allocations[&Id::new("a2")].hard);
    let week = DateRange::new(d("2026-11-23"), d("2026-11-29"));
    assert_eq!(s.ws.load_in(&RowKey::Person(Id::new("2")), week), 600);
    assert!(
        !s.rows.contains(&RowKey::Unnamed(Id::new("r2"))),
        "no longer an unnamed row"
    );
    assert_eq!(s.queue, vec![Id::new("q2")]);
    let mut approved = s.ws.requests[&Id::new("q1")].clone();
    approved.status = RequestStatus::Approved;
    update(
        &mut s,
        Msg::Resolved {
            id: Id::new("q1"),
            result: Ok(approved),
        },
    );
    assert_eq!(
        s.notice.as_deref(),
        Some("Request #q1 approved: Amy First staffs Designer on Apollo")
    );
    assert!(s.pending.is_empty());
}

#[test]
fn a_refused_approval_puts_everything_back_and_stays_marked_with_the_reason() {
    let mut s = queue_view();
    let before_alloc = s.ws.allocations[&Id::new("a2")].clone();
    update(&mut s, Command::Approve);
    update(&mut s, Command::Submit);
    update(&mut s, Command::Yes);
    let err = BackendError::Validation {
        field: Some("user_id".into()),
        message: "is not a member of the project".into(),
    };
    update(
        &mut s,
        Msg::Resolved {
            id: Id::new("q1"),
            result: Err(err),
        },
    );
    assert!(s.ws.requests[&Id::new("q1")].status.is_pending());
    assert_eq!(s.ws.resources[&Id::new("r2")].person_id, None);
    assert_eq!(s.ws.allocations[&Id::new("a2")], before_alloc);
    assert!(s.rows.contains(&RowKey::Unnamed(Id::new("r2"))));
    assert!(s.requests.marks.contains(&Id::new("q1")));
    assert_eq!(
        s.requests.failures[&Id::new("q1")],
        "user_id: is not a member of the project"
    );
    assert!(s.queue.contains(&Id::new("q1")));
}

#[test]
fn bulk_reject_with_a_partial_failure_keeps_the_failure_marked() {
    let mut s = queue_view();
    // Space marks and moves down.
    update(&mut s, Command::MarkRequest);
    update(&mut s, Command::MarkRequest);
    update(&mut s, Command::Reject);
    // No reason given: Enter goes on to the y/n.
    update(&mut s, Command::Submit);
    let q = s.confirm().cloned().unwrap().question;
    assert!(
        q.starts_with("Reject 2 requests · u undoes\n#q1 Apollo · ○ Designer\n#q2"),
        "{q}"
    );
    let effects = update(&mut s, Command::Yes);
    assert_eq!(resolve_effects(&effects).len(), 2);
    let mut ok = s.ws.requests[&Id::new("q1")].clone();
    ok.status = RequestStatus::Rejected;
    update(
        &mut s,
        Msg::Resolved {
            id: Id::new("q1"),
            result: Ok(ok),
        },
    );
    update(
        &mut s,
        Msg::Resolved {
            id: Id::new("q2"),
            result: Err(BackendError::Other("timed out".into())),
        },
    );
    assert_eq!(
        s.queue,
        vec![Id::new("q2")],
        "the success left the queue, the failure stayed"
    );
    assert_eq!(
        s.requests.marks.iter().cloned().collect::<Vec<_>>(),
        vec![Id::new("q2")]
    );
    // Per item: the summary once both answered, each answer in full in the log.
    assert_eq!(
        s.error.as_deref(),
        Some("1 of 2 went through: #q2: timed out (L lists each)")
    );
    assert!(s.log.newest_first().any(|m| {
        m.text
            .starts_with("timed out: could not resolve request #q2")
    }));
}

#[test]
fn only_the_requester_cancels_and_resolved_requests_stay_resolved() {
    let mut s = queue_view();
    update(&mut s, Command::CancelRequest);
    assert!(s.confirm().is_none());
    assert!(
        s.error
            .as_deref()
            .unwrap()
            .contains("Only the requester can cancel")
    );
    s.ws.current_user = Some(Id::new("2")); // Amy asked for both
    s.ws.requests
        .get_mut(&Id::new("q1"))
        .unwrap()
        .approver_ids
        .push(Id::new("2"));
    update(&mut s, Command::CancelRequest);
    assert!(s.confirm().unwrap().question.starts_with("Cancel #q1"));
    update(&mut s, Command::No);

    let mut s = queue_view();
    update(&mut s, Command::ToggleMine);
    update(&mut s, Command::NextStatus); // approved
    update(&mut s, Command::Approve);
    assert!(s.pick().is_none() && s.confirm().is_none());
    assert!(
        s.error
            .as_deref()
            .unwrap()
            .starts_with("A resolved request cannot be resolved again: #q3 is already approved")
    );
}

#[test]
fn reassigning_picks_an_approver_and_the_request_leaves_my_queue() {
    let mut s = queue_view();
    update(&mut s, Command::Reassign);
    for c in "amy".chars() {
        update(&mut s, Input::Text(c));
    }
    update(&mut s, Command::Submit);
    assert_eq!(
        s.confirm().unwrap().question,
        "Reassign #q1 Apollo · ○ Designer from zed Last to Amy First?"
    );
    let effects = update(&mut s, Command::Yes);
    assert_eq!(
        effects,
        vec![Effect::Reassign {
            id: Id::new("q1"),
            approvers: vec![Id::new("2")]
        }]
    );
    assert_eq!(s.queue, vec![Id::new("q2")]);
    update(
        &mut s,
        Msg::Reassigned {
            id: Id::new("q1"),
            result: Err(BackendError::NotFound("no such user".into())),
        },
    );
    assert_eq!(
        s.ws.requests[&Id::new("q1")].approver_ids,
        vec![Id::new("1")],
        "rolled back"
    );
    assert!(s.queue.contains(&Id::new("q1")));
}

#[test]
fn a_backend_without_requests_says_so() {
    let mut s = queue_view();
    s.backend = crate::client::BackendKind::Ruddr;
    update(&mut s, Command::Approve);
    assert_eq!(
        s.notice.as_deref(),
        Some("Ruddr has no staffing requests: staff projects in the Gantt (2)")
    );
    assert!(s.pick().is_none());
}

#[test]
fn a_new_request_for_a_role_is_sent_and_a_refusal_gives_the_form_back() {
    use crate::app::request_form::RqField;
    use crate::client::{NewRequest, RequestCreated, RequestTarget};
    let mut s = loaded();
    update(&mut s, Command::NewRequest);
    let typed = |s: &mut State, text: &str| {
        for c in text.chars() {
            update(s, Input::Text(c));
        }
    };
    assert_eq!(s.request_form().unwrap().focus, RqField::Project);
    // Sending at once names every missing field.
    update(&mut s, Command::Submit);
    let errors = s.request_form().unwrap().errors.clone();
    assert!(
        errors.contains_key(&RqField::Project)
            && errors.contains_key(&RqField::Role)
            && errors.contains_key(&RqField::Approvers)
    );
    // Each says how to mend it, with the keys as bound.
    assert_eq!(
        errors[&RqField::Approvers],
        "at least one approver is required (Space adds one)"
    );
    let mut rebound = s.clone();
    rebound.keys = std::sync::Arc::new(
        super::keys::defaults_with("[keys.form]\ntoggle_choice = \"ctrl-t\"\n").unwrap(),
    );
    update(&mut rebound, Command::Submit);
    assert_eq!(
        rebound.request_form().unwrap().errors[&RqField::Approvers],
        "at least one approver is required (Ctrl-t adds one)"
    );
    s.request_form_mut().unwrap().focus = RqField::Project;
    typed(&mut s, "apol");
    update(&mut s, Command::NextField); // picks Apollo
    typed(&mut s, "QA Engineer");
    update(&mut s, Command::NextField);
    typed(&mut s, "amy");
    update(&mut s, Command::ToggleChoice);
    let effects = update(&mut s, Command::Submit);
    let new = NewRequest {
        target: RequestTarget::NewUnnamed {
            project_id: Id::new("p1"),
            role: "QA Engineer".into(),
        },
        approver_ids: vec![Id::new("2")],
        period: DateRange::new(d("2026-11-30"), d("2026-12-27")),
        percentage: 100,
        notes: String::new(),
    };
    assert_eq!(effects, vec![Effect::CreateRequest(new)]);
    assert!(s.request_form().is_none());
    // Refused: the form comes back as it was, with the backend's words on the field.
    let err = BackendError::Validation {
        field: Some("approver_ids".into()),
        message: "person 2 cannot approve".into(),
    };
    update(&mut s, Msg::RequestCreated(Err(err)));
    let form = s.request_form().cloned().expect("the form is back");
    assert_eq!(form.role, "QA Engineer");
    assert_eq!(form.focus, RqField::Approvers);
    assert!(form.errors[&RqField::Approvers].contains("person 2 cannot approve"));
    // Accepted: the request, its resource and allocation are shown without a reload.
    update(&mut s, Command::Submit);
    let made = RequestCreated {
        request: Request {
            id: Id::new("q9"),
            resource_id: Id::new("r9"),
            approver_ids: vec![Id::new("1")],
            ..request("q9", "2026-11-23", RequestStatus::New)
        },
        resource: Some(Resource {
            id: Id::new("r9"),
            project_id: Some(Id::new("p1")),
            person_id: None,
            role: "QA Engineer".into(),
            label: "QA Engineer".into(),
        }),
        allocations: vec![Allocation {
            hard: false,
            ..allocation("a9", "r9", "2026-11-30", "2026-12-04", 2400)
        }],
    };
    update(&mut s, Msg::RequestCreated(Ok(made)));
    assert!(s.queue.contains(&Id::new("q9")));
    assert!(s.rows.contains(&RowKey::Unnamed(Id::new("r9"))));
    assert_eq!(
        s.ws.load_in(
            &RowKey::Unnamed(Id::new("r9")),
            DateRange::new(d("2026-11-30"), d("2026-12-06"))
        ),
        2400
    );
    assert!(
        s.notice
            .as_deref()
            .unwrap()
            .starts_with("Request #q9 created")
    );
}

#[test]
fn requests_arriving_before_the_roster_are_filtered_once_i_am_known() {
    let mut s = new_state();
    update(&mut s, Msg::Start);
    let mut other = request("q5", "2026-11-01", RequestStatus::New);
    other.approver_ids = vec![Id::new("2")];
    update(
        &mut s,
        Msg::RequestsLoaded(Ok(vec![
            request("q1", "2026-11-02", RequestStatus::New),
            other,
        ])),
    );
    assert_eq!(s.queue.len(), 2, "nobody is known yet");
    update(&mut s, Msg::RosterLoaded(Ok(roster()))); // I am person 1
    assert_eq!(s.queue, vec![Id::new("q1")], "only mine once I am known");
}

#[test]
fn a_refused_request_form_waits_for_n_when_another_dialog_is_open() {
    use crate::app::request_form::RqField;
    let mut s = loaded();
    update(&mut s, Command::NewRequest);
    for c in "apol".chars() {
        update(&mut s, Input::Text(c));
    }
    update(&mut s, Command::NextField);
    for c in "QA Engineer".chars() {
        update(&mut s, Input::Text(c));
    }
    update(&mut s, Command::NextField);
    for c in "amy".chars() {
        update(&mut s, Input::Text(c));
    }
    update(&mut s, Command::ToggleChoice);
    assert!(matches!(
        update(&mut s, Command::Submit).as_slice(),
        [Effect::CreateRequest(_)]
    ));
    update(&mut s, Command::ToggleHelp);
    let err = BackendError::Validation {
        field: Some("approver_ids".into()),
        message: "person 2 cannot approve".into(),
    };
    update(&mut s, Msg::RequestCreated(Err(err)));
    assert!(s.help_open(), "the help the user opened stays");
    assert!(s.request_form().is_none());
    update(&mut s, Command::ToggleHelp);
    update(&mut s, Command::NewRequest);
    let form = s
        .request_form()
        .cloned()
        .expect("N gives the refused form back");
    assert_eq!(form.role, "QA Engineer");
    assert_eq!(form.focus, RqField::Approvers);
    assert!(form.errors[&RqField::Approvers].contains("person 2 cannot approve"));
    update(&mut s, Command::Cancel);
    update(&mut s, Command::NewRequest);
    assert_eq!(
        s.request_form().unwrap().role,
        "",
        "once given back, N starts a blank one"
    );
}
