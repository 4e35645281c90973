//! The reducer: `update(&mut State, Action) -> Vec<Effect>`. Pure: no IO, no clock, no terminal.

use super::action::{Action, Effect};
use super::geometry::{gantt_weeks, list_rows};
use super::state::{State, View, initial_window};
use crate::domain::dates::{add_days, week_start};
use crate::domain::{RowKey, Workspace};

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Start | Action::Refresh => {
            state.error = None;
            state.window = initial_window(state.today);
            let effects = vec![
                Effect::LoadRoster,
                Effect::LoadAllocations(state.window),
                Effect::LoadRequests,
            ];
            state.pending.extend(effects.iter().cloned());
            return effects;
        }
        Action::Quit => state.quit = true,
        Action::ToggleHelp => state.help = !state.help,
        Action::Back => {
            if state.help {
                state.help = false;
            } else {
                state.notice = None;
                state.error = None;
            }
        }
        Action::ShowView(v) => {
            state.view = v;
            state.help = false;
        }
        Action::NextView => state.view = View::ALL[(state.view.index() + 1) % View::ALL.len()],
        Action::PrevView => {
            state.view = View::ALL[(state.view.index() + View::ALL.len() - 1) % View::ALL.len()]
        }
        Action::Resize(w, h) => {
            state.size = (w, h);
            keep_cursor_visible(state);
        }
        Action::Up => move_selection(state, -1),
        Action::Down => move_selection(state, 1),
        Action::PageUp => move_selection(state, -(list_rows(state.size.1) as i64)),
        Action::PageDown => move_selection(state, list_rows(state.size.1) as i64),
        Action::Top => move_selection(state, i64::MIN / 2),
        Action::Bottom => move_selection(state, i64::MAX / 2),
        Action::Left => move_time(state, -1),
        Action::Right => move_time(state, 1),
        Action::Today => {
            state.gantt.cursor = week_start(state.today);
            state.gantt.first = add_days(state.gantt.cursor, -14);
            keep_cursor_visible(state);
        }
        Action::ZoomIn | Action::ZoomOut => {
            state.notice = Some("Week zoom only for now: day and month zoom are coming".into());
        }
        Action::RosterLoaded(result) => {
            finish(state, &Effect::LoadRoster);
            match result {
                Ok(roster) => {
                    let allocations = std::mem::take(&mut state.ws.allocations);
                    let requests = std::mem::take(&mut state.ws.requests);
                    state.ws = Workspace::from_roster(roster);
                    state.ws.requests = requests;
                    state
                        .ws
                        .set_allocations(state.window, allocations.into_values().collect());
                    state.loaded = true;
                    rebuild_rows(state);
                }
                Err(e) => state.error = Some(format!("Could not load people: {e}")),
            }
        }
        Action::AllocationsLoaded { window, result } => {
            finish(state, &Effect::LoadAllocations(window));
            match result {
                Ok(allocations) => state.ws.set_allocations(window, allocations),
                Err(e) => state.error = Some(format!("Could not load allocations: {e}")),
            }
        }
        Action::RequestsLoaded(result) => {
            finish(state, &Effect::LoadRequests);
            match result {
                Ok(requests) => {
                    state.ws.requests = requests.into_iter().map(|r| (r.id.clone(), r)).collect();
                    rebuild_queue(state);
                }
                Err(e) => state.error = Some(format!("Could not load requests: {e}")),
            }
        }
    }
    Vec::new()
}

fn finish(state: &mut State, effect: &Effect) {
    if let Some(i) = state.pending.iter().position(|p| p == effect) {
        state.pending.remove(i);
    }
}

/// People by name, then unnamed resources by project and role.
fn rebuild_rows(state: &mut State) {
    let ws = &state.ws;
    let mut people: Vec<_> = ws.people.values().collect();
    people.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    let mut unnamed: Vec<_> = ws.resources.values().filter(|r| r.is_unnamed()).collect();
    unnamed.sort_by(|a, b| {
        ws.project_name(a.project_id.as_ref())
            .cmp(ws.project_name(b.project_id.as_ref()))
            .then(a.role.cmp(&b.role))
            .then(a.id.cmp(&b.id))
    });
    state.rows = people
        .into_iter()
        .map(|p| RowKey::Person(p.id.clone()))
        .chain(unnamed.into_iter().map(|r| RowKey::Unnamed(r.id.clone())))
        .collect();
    clamp_selections(state);
}

/// Pending requests, oldest first.
fn rebuild_queue(state: &mut State) {
    let mut pending: Vec<_> = state
        .ws
        .requests
        .values()
        .filter(|r| r.status.is_pending())
        .collect();
    pending.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    state.queue = pending.into_iter().map(|r| r.id.clone()).collect();
    clamp_selections(state);
}

fn clamp_selections(state: &mut State) {
    let rows = state.rows.len().saturating_sub(1);
    state.resources.selected = state.resources.selected.min(rows);
    state.gantt.selected = state.gantt.selected.min(rows);
    state.requests.selected = state
        .requests
        .selected
        .min(state.queue.len().saturating_sub(1));
}

fn move_selection(state: &mut State, by: i64) {
    let (selected, len) = match state.view {
        View::Resources => (&mut state.resources.selected, state.rows.len()),
        View::Gantt => (&mut state.gantt.selected, state.rows.len()),
        View::Requests => (&mut state.requests.selected, state.queue.len()),
    };
    let max = len.saturating_sub(1) as i64;
    *selected = (*selected as i64).saturating_add(by).clamp(0, max) as usize;
}

fn move_time(state: &mut State, weeks: i64) {
    if state.view != View::Gantt {
        return;
    }
    state.gantt.cursor = add_days(state.gantt.cursor, 7 * weeks);
    keep_cursor_visible(state);
}

/// Scrolls the Gantt so the cursor's week is on screen.
fn keep_cursor_visible(state: &mut State) {
    let weeks = gantt_weeks(state.size.0) as i64;
    let g = &mut state.gantt;
    if g.cursor < g.first {
        g.first = g.cursor;
    } else if g.cursor >= add_days(g.first, 7 * weeks) {
        g.first = add_days(g.cursor, -7 * (weeks - 1));
    }
}
