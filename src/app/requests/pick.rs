//! The person picker: candidates to staff an unnamed resource, or a new approver.

use super::*;

pub fn pick_input(state: &mut State, key: PickInput) {
    let Some(mut pick) = state.pick.take() else {
        return;
    };
    match key {
        PickInput::Cancel => {
            state.say("Cancelled: nothing was changed");
            return;
        }
        PickInput::Char(c) if !typable(c) => {}
        PickInput::Char(c) => {
            pick.query.push(c);
            refilter(&state.ws, &mut pick);
        }
        PickInput::Backspace => {
            pick.query.pop();
            refilter(&state.ws, &mut pick);
        }
        PickInput::Up => pick.highlight = pick.highlight.saturating_sub(1),
        PickInput::Down => {
            pick.highlight = (pick.highlight + 1).min(pick.options.len().saturating_sub(1))
        }
        PickInput::ToggleSoft => {
            if let PickPurpose::Approve { soft, .. } = &mut pick.purpose {
                *soft = !*soft;
            }
        }
        PickInput::Choose => {
            let Some(person) = pick.options.get(pick.highlight).cloned() else {
                state.pick = Some(pick);
                return;
            };
            match pick.purpose {
                PickPurpose::Approve {
                    request,
                    rest,
                    mut decided,
                    soft,
                } => {
                    decided.push((request, Some(person)));
                    next_approval(state, rest, decided, soft);
                }
                PickPurpose::Reassign { request } => {
                    let from = state
                        .ws
                        .requests
                        .get(&request)
                        .map(|r| {
                            r.approver_ids
                                .iter()
                                .map(|a| state.ws.person_name(a).to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_default();
                    let question = format!(
                        "Reassign {} from {from} to {}?",
                        describe(&state.ws, &request),
                        state.ws.person_name(&person)
                    );
                    state.confirm = Some(Confirm {
                        question,
                        on_yes: OnYes::Reassign(request, person),
                    });
                }
            }
            return;
        }
    }
    state.pick = Some(pick);
}

pub(super) fn refilter(ws: &Workspace, pick: &mut PersonPick) {
    pick.highlight = 0;
    if pick.query.trim().is_empty() {
        pick.options = pick.ranked.clone();
        return;
    }
    let pattern = Pattern::parse(&pick.query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    pick.options = pick
        .ranked
        .iter()
        .filter(|id| {
            let p = ws.people.get(*id);
            let text = p
                .map(|p| format!("{} {}", p.name, p.role))
                .unwrap_or_default();
            pattern
                .score(Utf32Str::new(&text, &mut buf), &mut matcher)
                .is_some()
        })
        .cloned()
        .collect();
}

