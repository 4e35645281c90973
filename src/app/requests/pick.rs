//! The person picker: candidates to staff an unnamed resource, or a new approver.

use super::*;

pub fn pick_input(state: &mut State, key: PickInput) {
    if state.requests.reason.is_some() {
        return super::reason::input(state, key);
    }
    let Some(mut pick) = state.take_pick() else {
        return;
    };
    match key {
        PickInput::Cancel => {
            state.say("Cancelled: nothing was changed");
            return;
        }
        PickInput::Edit(k) => {
            if crate::app::line::edit(&mut pick.query, k) {
                refilter(&state.ws, &mut pick);
            }
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
                state.open(Overlay::Pick(pick));
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
                    state.open(Overlay::Confirm(Confirm {
                        question,
                        on_yes: OnYes::Reassign(request, person),
                        scroll: 0,
                    }));
                }
            }
            return;
        }
    }
    state.open(Overlay::Pick(pick));
}

pub(super) fn refilter(ws: &Workspace, pick: &mut PersonPick) {
    pick.highlight = 0;
    let texts: Vec<(String, String)> = pick
        .ranked
        .iter()
        .map(|id| match ws.people.get(id) {
            Some(p) => (p.name.clone(), format!("{} {}", p.email, p.role)),
            None => (id.to_string(), String::new()),
        })
        .collect();
    pick.options = fuzzy_order(&pick.query, &texts)
        .into_iter()
        .map(|i| pick.ranked[i].clone())
        .collect();
}

/// The items (name, other text such as email and role) matching `query`, best first: a name
/// starting with the query, then a word of the name starting with it, then the best fuzzy
/// match (nucleo) over name, email and role; ties keep the given order (the ranking). An empty
/// query keeps everything in order.
pub fn fuzzy_order(query: &str, items: &[(String, String)]) -> Vec<usize> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return (0..items.len()).collect();
    }
    let pattern = Pattern::parse(query.trim(), CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut hits: Vec<(u8, u32, usize)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, (name, rest))| {
            let text = format!("{name} {rest}");
            let score = pattern.score(Utf32Str::new(&text, &mut buf), &mut matcher)?;
            let lower = name.to_lowercase();
            let prefix = if lower.starts_with(&q) {
                2
            } else if lower.split_whitespace().any(|w| w.starts_with(&q)) {
                1
            } else {
                0
            };
            Some((prefix, score, i))
        })
        .collect();
    // Scattered letters ("s…o…f…i…a" across a name and an email) score far below a match that
    // holds together: those under half the best are noise, unless a name starts with the query.
    let best = hits.iter().map(|h| h.1).max().unwrap_or(0);
    hits.retain(|h| h.0 > 0 || h.1 * 2 >= best);
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    hits.into_iter().map(|(_, _, i)| i).collect()
}
