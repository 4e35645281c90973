//! The reducer: `update(&mut State, Input) -> Vec<Effect>`, an input being a user command, typed
//! text or a message. Pure: no IO, no clock, no terminal.

use super::command::Command;
use super::effect::Effect;
use super::gantt::{GanttRow, Grouping, build_rows, parent_of};
use super::geometry::{gantt_cols, gantt_rows, list_rows};
use super::keys::Mode;
use super::msg::{Input, Msg};
use super::state::{ListRow, SortBy, State, View};
use super::{bar_edits, edit, form, request_form, requests, scheduled, staffing};
use crate::domain::dates::{DateRange, add_days, add_months, week_start};
use crate::domain::stats::row_stats;
use crate::domain::{RowKey, Workspace};
use crossterm::event::{KeyCode, KeyEvent};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

pub fn update(state: &mut State, input: impl Into<Input>) -> Vec<Effect> {
    match input.into() {
        Input::Command(command) => match super::dialogs::command(state, command) {
            Some(effects) => effects,
            None => on_command(state, command),
        },
        Input::Text(c) => super::dialogs::edit(state, KeyEvent::from(KeyCode::Char(c))),
        Input::Edit(key) => super::dialogs::edit(state, key),
        Input::Msg(msg) => on_msg(state, msg),
    }
}

/// A command for the views (a dialog took it first if one is open).
fn on_command(state: &mut State, command: Command) -> Vec<Effect> {
    match command {
        Command::Refresh | Command::FullCheck if state.edits.is_saving() => {
            let r = state.keys.label(Mode::Global, command);
            state.say(format!(
                "Saving your edits first; press {r} again in a moment"
            ));
        }
        Command::Refresh => {
            state.clear_error();
            return super::replica::refresh(state);
        }
        Command::FullCheck => {
            state.clear_error();
            return super::replica::full_check(state);
        }
        Command::Quit => super::offer::quit(state),
        Command::ToggleHelp => {
            state.help = !state.help;
            state.help_scroll = 0;
        }
        Command::ToggleLog => {
            state.log_view = if state.log_view.is_some() {
                None
            } else {
                Some(0)
            };
            state.help = false;
        }
        Command::Back => {
            if state.help {
                state.help = false;
            } else if state.view == View::Resources && !state.resources.marks.is_empty() {
                state.resources.marks.clear();
                state.say("Marks cleared");
            } else if state.view == View::Requests && state.requests.detail {
                state.requests.detail = false;
            } else if state.view == View::Requests && !state.requests.marks.is_empty() {
                state.requests.marks.clear();
                state.say("Marks cleared");
            } else if !state.marks.is_empty() {
                state.marks.clear();
                state.say("Marks cleared");
            } else if state.view == View::Resources
                && (state.resources.editing || !state.resources.filter.is_empty())
            {
                state.resources.editing = false;
                state.resources.filter.clear();
                refresh_resources(state);
            } else {
                state.dismiss();
            }
        }
        Command::ShowResources => show_view(state, View::Resources),
        Command::ShowGantt => show_view(state, View::Gantt),
        Command::ShowRequests => show_view(state, View::Requests),
        Command::NextView => state.view = View::ALL[(state.view.index() + 1) % View::ALL.len()],
        Command::PrevView => {
            state.view = View::ALL[(state.view.index() + View::ALL.len() - 1) % View::ALL.len()]
        }
        Command::Up => move_selection(state, -1),
        Command::Down => move_selection(state, 1),
        Command::PageUp => move_selection(state, -(page(state) as i64)),
        Command::PageDown => move_selection(state, page(state) as i64),
        Command::HalfPageUp => move_selection(state, -((page(state) / 2).max(1) as i64)),
        Command::HalfPageDown => move_selection(state, (page(state) / 2).max(1) as i64),
        Command::Top => move_selection(state, i64::MIN / 2),
        Command::Bottom => move_selection(state, i64::MAX / 2),
        Command::OpenInGantt => open_in_gantt(state),
        Command::Earlier => return scroll_time(state, -1),
        Command::Later => return scroll_time(state, 1),
        Command::ScreenEarlier => {
            return scroll_time(state, -(gantt_cols(state.size.0, state.gantt.zoom) as i64));
        }
        Command::ScreenLater => {
            return scroll_time(state, gantt_cols(state.size.0, state.gantt.zoom) as i64);
        }
        Command::Today => {
            if state.view == View::Gantt {
                state.gantt.cursor = state.today;
                center_cursor(state);
                return ensure_window(state);
            }
        }
        Command::ZoomIn | Command::ZoomOut => {
            if state.view == View::Gantt {
                let z = state.gantt.zoom;
                state.gantt.zoom = if command == Command::ZoomIn {
                    z.zoom_in()
                } else {
                    z.zoom_out()
                };
                center_cursor(state);
                state.say(format!("Zoom: {}", state.gantt.zoom.label()));
                return ensure_window(state);
            }
        }
        Command::ExpandPerson => {
            if !toggle_person(state) {
                open_in_gantt(state)
            }
        }
        Command::OpenRow => {
            if matches!(state.selected_gantt_row(), Some(GanttRow::Alloc(_))) {
                bar_edits::open_edit(state)
            } else {
                toggle_expand(state)
            }
        }
        Command::MarkBar => bar_edits::toggle_mark(state),
        Command::MarkRequest => requests::toggle_mark(state),
        Command::MarkResource => staffing::toggle_mark(state),
        Command::ToggleMine => requests::toggle_mine(state),
        Command::NextStatus => requests::cycle_status(state),
        Command::Approve => requests::start_approve(state),
        Command::ApproveTop => requests::start_approve_top(state),
        Command::OpenRequest => requests::toggle_detail(state),
        Command::Reject => requests::start_reject_or_cancel(state, false),
        Command::CancelRequest => requests::start_reject_or_cancel(state, true),
        Command::Reassign => requests::start_reassign(state),
        Command::NewRequest => {
            if state.backend.has_requests() {
                state.request_form = Some(request_form::RequestForm::new(state));
            } else {
                let gantt = state.keys.label(Mode::Global, Command::ShowGantt);
                state.say(format!(
                    "{} has no staffing requests: staff projects in the Gantt ({gantt})",
                    state.backend.name()
                ));
            }
        }
        Command::AddToProject => staffing::open_new(state),
        Command::NewAllocation => bar_edits::open_new(state),
        Command::EditAllocation => bar_edits::open_edit(state),
        Command::EditResource => staffing::open_edit(state),
        Command::DeleteResource => staffing::ask_delete(state),
        Command::DeleteAllocations => bar_edits::ask_delete(state),
        Command::ToggleScheduled => {
            if let Some(why) = &state.no_scheduled {
                let why = why.clone();
                state.say(why);
            } else if state.view == View::Gantt {
                state.gantt.show_scheduled = !state.gantt.show_scheduled;
                let v = state.keys.label(Mode::Gantt, Command::ToggleScheduled);
                state.say(if state.gantt.show_scheduled {
                    format!(
                        "Showing scheduled hours (≠ where they differ from allocations); {v} for allocations"
                    )
                } else {
                    "Showing allocated hours".to_string()
                });
            }
        }
        Command::AllocateFromScheduled => scheduled::open(state),
        Command::ShiftEarlier => return bar_edits::shift_by(state, -1),
        Command::ShiftLater => return bar_edits::shift_by(state, 1),
        Command::EndEarlier => return bar_edits::stretch_by(state, -1),
        Command::EndLater => return bar_edits::stretch_by(state, 1),
        Command::ToggleHard => return bar_edits::toggle_hard(state),
        Command::Split => return bar_edits::split_at_cursor(state),
        Command::Undo if requests::can_undo(state) => return requests::undo(state),
        Command::Undo => {
            let effects = edit::undo(state);
            after_data_change(state);
            return effects;
        }
        Command::Redo => {
            let effects = edit::redo(state);
            after_data_change(state);
            return effects;
        }
        Command::ToggleGrouping => {
            if state.view == View::Gantt {
                state.gantt.grouping = match state.gantt.grouping {
                    Grouping::Person => Grouping::Project,
                    Grouping::Project => Grouping::Person,
                };
                let here = state.selected_gantt_row().cloned();
                let back = std::mem::replace(&mut state.gantt.away, here.clone());
                rebuild_gantt(state);
                // Where this grouping was left, else what shows the same thing, else the top.
                let counterpart = here.and_then(|r| super::gantt::counterpart(&state.ws, &r));
                let rows = &state.gantt.rows;
                state.gantt.selected = [back, counterpart]
                    .into_iter()
                    .flatten()
                    .find_map(|want| rows.iter().position(|r| *r == want))
                    .unwrap_or(0);
            }
        }
        Command::FilterStart => {
            if state.view == View::Resources {
                state.resources.editing = true;
                // A filter already there is selected: typing replaces it.
                state.resources.filter.focus();
            }
        }
        Command::Backspace => {
            if state.resources.editing {
                filter_edit(state, KeyEvent::from(KeyCode::Backspace));
            }
        }
        Command::FilterDone => state.resources.editing = false,
        Command::SortRequests => requests::cycle_sort(state),
        Command::SortNext => {
            state.resources.sort = state.resources.sort.next();
            refresh_resources(state);
        }
        Command::SortReverse => {
            state.resources.descending = !state.resources.descending;
            refresh_resources(state);
        }
        Command::ToggleUnnamed => {
            let v = &mut state.resources;
            (v.show_unnamed, v.only_unnamed) = match (v.show_unnamed, v.only_unnamed) {
                (true, false) => (false, false),
                (false, _) => (true, true),
                (true, true) => (true, false),
            };
            refresh_resources(state);
        }
        // Dialog commands with no dialog open (the dialog takes them in `dialogs`).
        Command::Submit
        | Command::Cancel
        | Command::NextField
        | Command::PrevField
        | Command::ChoicePrev
        | Command::ChoiceNext
        | Command::ToggleChoice
        | Command::ToggleSoft
        | Command::NextWhen
        | Command::OtherDate
        | Command::Yes
        | Command::No
        | Command::KeepEdits
        | Command::WaitThenQuit
        | Command::DiscardEdits
        | Command::SendEdits => {}
    }
    Vec::new()
}

fn show_view(state: &mut State, view: View) {
    state.view = view;
    state.help = false;
}

/// A key the line editor takes, in the Resources filter.
pub(crate) fn filter_edit(state: &mut State, key: KeyEvent) {
    if super::line::edit(&mut state.resources.filter, key) {
        refresh_resources(state);
    }
}

/// What the dialogs' results lead to (see `dialogs`).
pub(crate) fn after_form(state: &mut State, outcome: form::Outcome) -> Vec<Effect> {
    match outcome {
        form::Outcome::Stay => Vec::new(),
        form::Outcome::Cancel => {
            state.say("Cancelled: nothing was changed");
            Vec::new()
        }
        form::Outcome::Commit(label, changes) => bar_edits::after_edit(state, label, changes),
    }
}

/// Results of IO, time passing and the terminal's size.
fn on_msg(state: &mut State, msg: Msg) -> Vec<Effect> {
    if matches!(msg, Msg::Tick) {
        state.refreshed_since_tick = false;
    }
    match msg {
        Msg::Start => {
            state.clear_error();
            return reload(state);
        }
        Msg::JournalFailed(why) => state.fail(
            why,
            "edits are still sent, but not kept if allot stops before they are saved",
        ),
        Msg::Resize(w, h) => {
            state.size = (w, h);
            // A resize (a window dragged through narrow sizes on its way) never leaves the
            // cursor at the left edge with no weeks before it: it goes back a quarter in.
            let g = &state.gantt;
            let cols = gantt_cols(w, g.zoom) as i64;
            let at = g.zoom.index_of(g.zoom.bucket_start(g.first), g.cursor);
            if at < cols / 4 || at >= cols {
                center_cursor(state);
            }
            return scroll_time(state, 0);
        }
        Msg::RequestCreated(result) => {
            let refused = result.is_err();
            requests::created(state, result);
            quit_if_saved(state, refused);
        }
        Msg::Resolved { id, result } => {
            let refused = result.is_err();
            requests::resolved(state, id, result, "resolve");
            quit_if_saved(state, refused);
        }
        Msg::Reassigned { id, result } => {
            let refused = result.is_err();
            requests::resolved(state, id, result, "reassign");
            quit_if_saved(state, refused);
        }
        Msg::MadeFromScheduled(result) => {
            if let Some(i) = state
                .pending
                .iter()
                .position(|e| matches!(e, Effect::MakeFromScheduled { .. }))
            {
                state.pending.remove(i);
            }
            match result {
                Ok(()) => {
                    let u = state.key(Mode::Global, Command::Undo);
                    let d = state.key(Mode::Gantt, Command::DeleteAllocations);
                    state.done(format!(
                        "Allocated from scheduled hours. The backend made them, so {u} cannot undo this; {d} deletes one"
                    ));
                    return vec![state.start(Effect::LoadAllocations(state.window))];
                }
                Err(e) => state.fail(
                    e,
                    "could not allocate from scheduled hours. Nothing was changed.",
                ),
            }
        }
        Msg::Activity(what) => state.activity = what,
        Msg::ScheduledLoaded { window, result } => {
            finish(state, &Effect::LoadScheduled(window));
            match result {
                Ok(weeks) if window == state.window => scheduled::set(&mut state.ws, weeks),
                Ok(_) => {}
                // A backend without scheduled hours has none to show; `v` says why.
                Err(crate::client::BackendError::Unsupported(why)) => {
                    state.no_scheduled = Some(why)
                }
                Err(e) => state.fail(e, "could not load scheduled hours"),
            }
        }
        Msg::Applied { seq, result } => {
            let saved_after_stall = result.is_ok() && state.error_is_held();
            let refused = result.is_err();
            let effects = edit::applied(state, seq, result);
            settle_messages(state, saved_after_stall);
            after_data_change(state);
            quit_if_saved(state, refused);
            return effects;
        }
        Msg::Tick if state.edits.stalled => return edit::resume(state),
        Msg::Tick if state.offer.is_some() => {
            return super::offer::retry_load(state).unwrap_or_default();
        }
        Msg::Tick if state.replica.is_some() => return super::replica::retry(state),
        Msg::Tick => {
            state.quiet = true;
            if !state.edits.is_saving() && state.pending.is_empty() && state.form.is_none() {
                return vec![Effect::CheckChanges];
            }
        }
        Msg::ChangesChecked(result) => match result {
            Ok(Some(token)) if state.sync_token.is_some_and(|t| t != token) => {
                state.sync_token = Some(token);
                state.say("Changed elsewhere: reloaded");
                return reload(state);
            }
            Ok(token) => {
                state.sync_token = token;
                state.quiet = true;
            }
            Err(e) => {
                tracing::debug!("change check failed: {e}");
                state.quiet = true;
            }
        },
        Msg::ReplicaLoaded { cached, as_of } => super::replica::show(state, *cached, as_of),
        Msg::FullCheckAsked => {}
        Msg::RosterLoaded(result) => {
            finish(state, &Effect::LoadRoster);
            match result {
                Ok(roster) => {
                    state.edits.resource_versions = roster
                        .resources
                        .iter()
                        .map(|r| (r.id.clone(), crate::client::resource_version(r)))
                        .collect();
                    let allocations = std::mem::take(&mut state.ws.allocations);
                    let requests = std::mem::take(&mut state.ws.requests);
                    // Scheduled hours may have come first (the loads run at once).
                    let scheduled = std::mem::take(&mut state.ws.scheduled);
                    state.ws = Workspace::from_roster(roster);
                    state.ws.requests = requests;
                    state.ws.scheduled = scheduled;
                    state
                        .ws
                        .set_allocations(state.window, allocations.into_values().collect());
                    state.loaded = true;
                    rebuild_rows(state);
                    // Requests may have come first, before we knew who "I" am.
                    rebuild_queue(state);
                    super::replica::landed(state, super::replica::Part::Roster);
                    return super::offer::loaded(state);
                }
                Err(e) => state.fail(e, "could not load people"),
            }
        }
        Msg::AllocationsLoaded { window, result } => {
            finish(state, &Effect::LoadAllocations(window));
            // A window the user has scrolled away from since is dropped; a newer load is coming.
            // So is a load that raced a save: it may predate the save. Force a recheck.
            if state.edits.is_saving() {
                state.sync_token = Some(i64::MIN);
            } else if window == state.window {
                match result {
                    Ok(allocations) => {
                        // What was read is newer than any version confirmed before (and
                        // outlives the window, for edits in the history).
                        for a in &allocations {
                            state.edits.versions.insert(a.id.clone(), a.version);
                        }
                        state.ws.set_allocations(window, allocations);
                        state
                            .marks
                            .retain(|id| state.ws.allocations.contains_key(id));
                        refresh_resources(state);
                        rebuild_gantt(state);
                        super::replica::landed(state, super::replica::Part::Allocations);
                        return super::offer::loaded(state);
                    }
                    Err(e) => state.fail(e, "could not load allocations"),
                }
            }
        }
        Msg::RequestsLoaded(result) => {
            finish(state, &Effect::LoadRequests);
            match result {
                Ok(requests) => {
                    state.ws.requests = requests.into_iter().map(|r| (r.id.clone(), r)).collect();
                    rebuild_queue(state);
                }
                Err(e) => state.fail(e, "could not load requests"),
            }
        }
    }
    Vec::new()
}

/// After a write is answered: a save landing after the backend was unavailable ends that
/// error (and says so).
fn settle_messages(state: &mut State, saved_after_stall: bool) {
    if saved_after_stall {
        state.release();
        let left = state.edits.queue.len();
        state.done(if left == 0 {
            format!(
                "{} answered again: every edit kept on screen is saved",
                state.backend.name()
            )
        } else {
            format!(
                "{} answered again: saving the {left} edit(s) still waiting",
                state.backend.name()
            )
        });
    }
}

/// After a write is answered: quit if the user asked to and everything is saved. A refused
/// write stops the quit so its message can be read (an older message does not).
fn quit_if_saved(state: &mut State, refused: bool) {
    if state.writes_in_flight() == 0 {
        // Messages held while writes waited are no longer true.
        state.release();
    }
    // Asked to quit, and everything got saved while the dialog was open: quit as asked.
    if state.quit_dialog && super::offer::unsaved(state) == 0 {
        state.quit_dialog = false;
        state.quit = !refused;
    }
    if state.quit_when_saved && state.writes_in_flight() == 0 {
        state.quit = !refused;
        state.quit_when_saved = false;
    }
}

/// Everything loaded again: people, the allocation window, requests, scheduled hours. The
/// change token is asked for first, with the loads, and taken as it comes back: a write by
/// someone else after that is seen by the next idle check (one just before it only reloads
/// once more).
pub(super) fn reload(state: &mut State) -> Vec<Effect> {
    state.sync_token = None;
    let effects = vec![
        Effect::LoadRoster,
        Effect::LoadAllocations(state.window),
        Effect::LoadRequests,
        Effect::LoadScheduled(state.window),
    ];
    state.pending.extend(effects.iter().cloned());
    std::iter::once(Effect::CheckChanges)
        .chain(effects)
        .collect()
}

fn finish(state: &mut State, effect: &Effect) {
    if let Some(i) = state.pending.iter().position(|p| p == effect) {
        state.pending.remove(i);
    }
}

fn page(state: &State) -> usize {
    match state.view {
        View::Gantt => gantt_rows(state.size.1),
        _ => list_rows(state.size.1),
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
    refresh_resources(state);
    rebuild_gantt(state);
}

/// The fields a row is filtered on: name, role, label and each project. A pattern must match within
/// one field; matching across a concatenation lets short words match nearly everything.
fn filter_fields(ws: &Workspace, key: &RowKey) -> Vec<String> {
    match key {
        RowKey::Person(id) => {
            let mut fields = vec![ws.person_name(id).to_string()];
            if let Some(p) = ws.people.get(id) {
                fields.push(p.role.clone());
            }
            for r in ws.resources_of(id) {
                fields.push(r.role.clone());
                fields.push(r.label.clone());
                fields.push(ws.project_name(r.project_id.as_ref()).to_string());
            }
            fields
        }
        RowKey::Unnamed(id) | RowKey::Project(id) => match ws.resources.get(id) {
            Some(r) => vec![
                ws.resource_name(r),
                r.role.clone(),
                r.label.clone(),
                ws.project_name(r.project_id.as_ref()).to_string(),
            ],
            None => Vec::new(),
        },
    }
}

#[derive(Clone, Copy)]
enum Scope {
    Project,
    Role,
    Person,
}

/// The fields one `scope:` filter word looks at.
fn scoped_fields(ws: &Workspace, key: &RowKey, scope: Scope) -> Vec<String> {
    let resources: Vec<&crate::domain::Resource> = match key {
        RowKey::Person(p) => ws.resources_of(p).collect(),
        RowKey::Unnamed(r) | RowKey::Project(r) => ws.resources.get(r).into_iter().collect(),
    };
    match scope {
        Scope::Project => resources
            .iter()
            .map(|r| ws.project_name(r.project_id.as_ref()).to_string())
            .collect(),
        Scope::Role => {
            let mut roles: Vec<String> = resources.iter().map(|r| r.role.clone()).collect();
            if let RowKey::Person(p) = key {
                roles.extend(ws.people.get(p).map(|x| x.role.clone()));
            }
            roles
        }
        Scope::Person => match key {
            RowKey::Person(p) => vec![ws.person_name(p).to_string()],
            _ => Vec::new(),
        },
    }
}

/// Re-applies filter, unnamed toggle and sort, keeping the selection on the same row.
fn refresh_resources(state: &mut State) {
    let keep = state.resources.lines.get(state.resources.selected).cloned();
    let view = &state.resources;
    let ws = &state.ws;
    let mut rows: Vec<RowKey> = state
        .rows
        .iter()
        .filter(|k| view.show_unnamed || !matches!(k, RowKey::Unnamed(_)))
        .filter(|k| !view.only_unnamed || matches!(k, RowKey::Unnamed(_)))
        .cloned()
        .collect();
    if !view.filter.trim().is_empty() {
        // `project:atlas role:qa person:ana` narrow by one field each; other words match any.
        let mut scoped: Vec<(Scope, String)> = Vec::new();
        let mut free = Vec::new();
        for word in view.filter.split_whitespace() {
            match word.split_once(':') {
                Some(("project", q)) if !q.is_empty() => {
                    scoped.push((Scope::Project, q.to_string()))
                }
                Some(("role", q)) if !q.is_empty() => scoped.push((Scope::Role, q.to_string())),
                Some(("person", q)) if !q.is_empty() => scoped.push((Scope::Person, q.to_string())),
                _ => free.push(word),
            }
        }
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        let mut matches = |text: &str, query: &str| {
            let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
            pattern
                .score(Utf32Str::new(text, &mut buf), &mut matcher)
                .is_some()
        };
        let free = free.join(" ");
        rows.retain(|k| {
            let scopes_ok = scoped
                .iter()
                .all(|(scope, q)| scoped_fields(ws, k, *scope).iter().any(|f| matches(f, q)));
            scopes_ok && (free.is_empty() || filter_fields(ws, k).iter().any(|f| matches(f, &free)))
        });
    }
    sort_rows(ws, state.today, view.sort, &mut rows);
    if view.descending {
        rows.reverse();
    }
    state.resources.visible = rows;
    rebuild_lines(state);
    state.resources.selected = keep
        .and_then(|k| state.resources.lines.iter().position(|r| *r == k))
        .unwrap_or(state.resources.selected)
        .min(state.resources.lines.len().saturating_sub(1));
}

/// `visible` with each expanded person's resources under them, by project.
fn rebuild_lines(state: &mut State) {
    let ws = &state.ws;
    let mut lines = Vec::with_capacity(state.resources.visible.len());
    for key in &state.resources.visible {
        lines.push(ListRow::Row(key.clone()));
        if let RowKey::Person(p) = key
            && state.resources.expanded.contains(p)
        {
            let mut held: Vec<&crate::domain::Resource> = ws.resources_of(p).collect();
            held.sort_by_cached_key(|r| {
                (
                    ws.project_name(r.project_id.as_ref()).to_lowercase(),
                    r.role.clone(),
                )
            });
            lines.extend(held.into_iter().map(|r| ListRow::Held(r.id.clone())));
        }
    }
    state.resources.lines = lines;
}

/// Enter on a person: list their resources under them (or fold them away).
fn toggle_person(state: &mut State) -> bool {
    let Some(ListRow::Row(RowKey::Person(p))) =
        state.resources.lines.get(state.resources.selected).cloned()
    else {
        return false;
    };
    if !state.resources.expanded.remove(&p) {
        state.resources.expanded.insert(p);
    }
    rebuild_lines(state);
    true
}

/// Stable sort of rows (already in name order) by a column.
fn sort_rows(ws: &Workspace, today: chrono::NaiveDate, by: SortBy, rows: &mut [RowKey]) {
    use crate::ui::rows::row_info;
    match by {
        SortBy::Name => {}
        SortBy::Role => rows.sort_by_cached_key(|k| row_info(ws, k).role.to_lowercase()),
        SortBy::Project => rows.sort_by_cached_key(|k| row_info(ws, k).project.to_lowercase()),
        SortBy::Capacity => rows.sort_by_cached_key(|k| row_stats(ws, k, today).capacity),
        SortBy::ThisWeek => rows.sort_by_cached_key(|k| row_stats(ws, k, today).this_week),
        SortBy::NextWeeks => rows.sort_by_cached_key(|k| row_stats(ws, k, today).next_4_weeks),
        SortBy::Utilization => rows.sort_by_cached_key(|k| {
            let s = row_stats(ws, k, today);
            // No capacity but some load sorts as the most loaded.
            s.utilization
                .unwrap_or(if s.this_week > 0 { u64::MAX } else { 0 })
        }),
    }
}

/// Rebuilds the Gantt rows, keeping the selection on the same row (or its parent if it went).
fn rebuild_gantt(state: &mut State) {
    let keep = state.selected_gantt_row().cloned();
    let rows = build_rows(
        &state.ws,
        &state.rows,
        state.gantt.grouping,
        &state.gantt.expanded,
    );
    state.gantt.rows = rows;
    if let Some(k) = keep {
        let found = state.gantt.rows.iter().position(|r| *r == k).or_else(|| {
            let parent = parent_of(&state.ws, &k)?;
            state.gantt.rows.iter().position(|r| *r == parent)
        });
        if let Some(i) = found {
            state.gantt.selected = i;
        }
    }
    state.gantt.selected = state
        .gantt
        .selected
        .min(state.gantt.rows.len().saturating_sub(1));
}

/// After allocations change: Gantt rows (expanded rows list bars) and a load-sorted list.
pub(crate) fn after_data_change(state: &mut State) {
    // Rows are people and unnamed resources: creating, deleting or naming a resource changes them.
    let unnamed = state
        .ws
        .resources
        .values()
        .filter(|r| r.is_unnamed())
        .count();
    if state.rows.len() != state.ws.people.len() + unnamed {
        rebuild_rows(state);
        return;
    }
    if !state.gantt.expanded.is_empty() {
        rebuild_gantt(state);
    }
    if !matches!(
        state.resources.sort,
        SortBy::Name | SortBy::Role | SortBy::Project
    ) {
        refresh_resources(state);
    }
}

pub(crate) fn toggle_expand(state: &mut State) {
    let Some(row) = state.selected_gantt_row().cloned() else {
        return;
    };
    if !row.is_parent() {
        return;
    }
    if !state.gantt.expanded.remove(&row) {
        state.gantt.expanded.insert(row);
    }
    rebuild_gantt(state);
}

/// Enter on a resource: the Gantt, grouped by person, on that resource's row.
fn open_in_gantt(state: &mut State) {
    let Some(key) = state.selected_resource().cloned() else {
        return;
    };
    state.view = View::Gantt;
    if state.gantt.grouping != Grouping::Person {
        state.gantt.grouping = Grouping::Person;
        rebuild_gantt(state);
    }
    if let Some(i) = state
        .gantt
        .rows
        .iter()
        .position(|r| *r == GanttRow::Load(key.clone()))
    {
        state.gantt.selected = i;
    }
}

fn rebuild_queue(state: &mut State) {
    requests::rebuild_queue(state);
}

/// Rows change when resources are named or created.
pub(crate) fn rebuild_rows_pub(state: &mut State) {
    rebuild_rows(state);
}

fn move_selection(state: &mut State, by: i64) {
    let (selected, len) = match state.view {
        View::Resources => (&mut state.resources.selected, state.resources.lines.len()),
        View::Gantt => (&mut state.gantt.selected, state.gantt.rows.len()),
        View::Requests => (&mut state.requests.selected, state.queue.len()),
    };
    let max = len.saturating_sub(1) as i64;
    *selected = (*selected as i64).saturating_add(by).clamp(0, max) as usize;
}

/// Moves the time cursor `by` buckets (0 just re-checks), scrolling to keep it visible and
/// asking for more allocations when the view nears the edge of what is loaded.
fn scroll_time(state: &mut State, by: i64) -> Vec<Effect> {
    if by != 0 && state.view != View::Gantt {
        return Vec::new();
    }
    let g = &mut state.gantt;
    g.cursor = g.zoom.step(g.cursor, by);
    g.first = g.zoom.bucket_start(g.first);
    let cols = gantt_cols(state.size.0, g.zoom) as i64;
    let at = g.zoom.index_of(g.first, g.cursor);
    if at < 0 {
        g.first = g.zoom.bucket_start(g.cursor);
    } else if at >= cols {
        g.first = g.zoom.step(g.cursor, -(cols - 1));
    }
    ensure_window(state)
}

/// Puts the cursor a quarter of the way into the visible columns.
fn center_cursor(state: &mut State) {
    let g = &mut state.gantt;
    let cols = gantt_cols(state.size.0, g.zoom) as i64;
    g.first = g.zoom.step(g.cursor, -(cols / 4));
}

/// Allocations are kept for the visible range ± 6 months; nearing the edge loads a new window.
fn ensure_window(state: &mut State) -> Vec<Effect> {
    let g = &state.gantt;
    let cols = gantt_cols(state.size.0, g.zoom) as i64;
    let visible = DateRange::new(g.first, add_days(g.zoom.step(g.first, cols), -1));
    let margin = 28;
    let inside = add_days(visible.start, -margin) >= state.window.start
        && add_days(visible.end, margin) <= state.window.end;
    if inside {
        return Vec::new();
    }
    let window = DateRange::new(
        week_start(add_months(visible.start, -6)),
        add_days(week_start(add_months(visible.end, 6)), 6),
    );
    state.window = window;
    let effects = vec![
        Effect::LoadAllocations(window),
        Effect::LoadScheduled(window),
    ];
    state.pending.extend(effects.iter().cloned());
    effects
}
