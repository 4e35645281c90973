//! Finding and going somewhere in the Gantt: `/` filters its rows with the Resources filter
//! (app::row_filter, same words and `project:`/`role:`/`person:` prefixes), `:` jumps to a date,
//! a person or a project, and `o`/`O` go to the next or previous over-capacity bucket of the
//! selected row.

use super::command::Command;
use super::effect::Effect;
use super::gantt::{GanttRow, Grouping};
use super::gantt::{center_cursor, ensure_window, scroll_time};
use super::keys::Mode;
use super::line::LineInput;
use super::state::{Overlay, State, View};
use crate::domain::dates::{add_days, add_months, check_supported, parse_date};
use crate::domain::{LoadLevel, RowKey, load_level};
use chrono::NaiveDate;
use crossterm::event::KeyEvent;

/// A view's `/` filter (the Gantt's and the Requests queue's).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Find {
    pub filter: LineInput,
    /// Typing goes into the filter.
    pub editing: bool,
}

impl Find {
    /// `/`: typing goes into the filter; one already there is selected, so typing replaces it.
    pub fn start(&mut self) {
        self.editing = true;
        self.filter.focus();
    }
}

/// The jump prompt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Jump {
    pub text: LineInput,
}

/// What the prompt takes, as the hint bar and an empty prompt's message say it.
pub const TAKES: &str = "a date (2027-03, +6w, today), a person or a project";

/// Where a jump goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Date(NaiveDate),
    /// A person's or project's name, matched fuzzily.
    Name(String),
}

/// Reads the prompt: `2027-03-15`, `2027-03` (its first day), `+6w`/`-2d`/`+3m` from today,
/// `today`, else a name.
pub fn parse_target(text: &str, today: NaiveDate) -> Result<Target, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("today") {
        return Ok(Target::Date(today));
    }
    if let Some(rest) = t.strip_prefix('+').or_else(|| t.strip_prefix('-')) {
        let sign = if t.starts_with('-') { -1 } else { 1 };
        let unit = rest.chars().last().unwrap_or('d');
        let digits = rest.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let n: i64 = digits.parse().map_err(|_| {
            format!("'{t}' is not a step from today (expected like +6w, -10d, +3m)")
        })?;
        let d = match unit.to_ascii_lowercase() {
            'd' if rest.ends_with(unit) => add_days(today, sign * n),
            'w' => add_days(today, sign * n * 7),
            'm' => add_months(today, (sign * n).clamp(-1200, 1200) as i32),
            c if c.is_ascii_digit() => add_days(today, sign * n),
            _ => {
                return Err(format!("'{t}': a step is counted in d, w or m (like +6w)"));
            }
        };
        return check_supported(d).map(Target::Date);
    }
    let digits = t.chars().next().is_some_and(|c| c.is_ascii_digit());
    if digits && t.len() == 7 {
        return parse_date(&format!("{t}-01"))
            .map_err(|_| format!("'{t}' is not a month (expected YYYY-MM)"))
            .and_then(check_supported)
            .map(Target::Date);
    }
    if digits {
        return parse_date(t).and_then(check_supported).map(Target::Date);
    }
    if t.is_empty() {
        return Err(format!("Type {TAKES}"));
    }
    Ok(Target::Name(t.to_string()))
}

/// A key for the jump prompt or the Gantt's filter; false when neither is typing.
pub fn edit(state: &mut State, key: KeyEvent) -> bool {
    if let Some(j) = state.jump_mut() {
        super::line::edit(&mut j.text, key);
        return true;
    }
    if state.view == View::Gantt && state.gantt.find.editing {
        if super::line::edit(&mut state.gantt.find.filter, key) {
            state.gantt.selected = 0;
            super::gantt::rebuild(state);
        }
        return true;
    }
    if state.view == View::Requests && state.requests.find.editing {
        if super::line::edit(&mut state.requests.find.filter, key) {
            super::requests::rebuild_queue(state);
        }
        return true;
    }
    false
}

/// Enter in the jump prompt.
pub(super) fn go(state: &mut State) -> Vec<Effect> {
    let Some(jump) = state.take_jump() else {
        return Vec::new();
    };
    let text = jump.text.value().to_string();
    match parse_target(&text, state.today) {
        Err(why) => {
            state.say(why);
            // Still in hand to correct.
            state.open(Overlay::Jump(jump));
            Vec::new()
        }
        Ok(Target::Date(d)) => {
            state.gantt.cursor = d;
            center_cursor(state);
            ensure_window(state)
        }
        Ok(Target::Name(q)) => {
            if !to_name(state, &q) {
                let j = state.keys.label(Mode::Gantt, Command::Jump);
                state.say(format!(
                    "No person or project matches '{q}' ({j} also takes a date: 2027-03, +6w)"
                ));
                state.open(Overlay::Jump(jump));
            }
            Vec::new()
        }
    }
}

/// Selects the person or project best matching `q` (people first on a tie), grouping the
/// Gantt to show it and clearing a filter that hides it.
fn to_name(state: &mut State, q: &str) -> bool {
    let ws = &state.ws;
    let mut items: Vec<(String, String)> = Vec::new();
    let mut rows: Vec<(Grouping, GanttRow)> = Vec::new();
    for key in &state.rows {
        if let RowKey::Person(p) = key {
            let role = ws.people.get(p).map(|x| x.role.clone()).unwrap_or_default();
            items.push((ws.person_name(p).to_string(), role));
            rows.push((Grouping::Person, GanttRow::Load(key.clone())));
        }
    }
    for p in ws.projects.values() {
        items.push((p.name.clone(), p.client.clone()));
        rows.push((Grouping::Project, GanttRow::Project(p.id.clone())));
    }
    let Some(&best) = super::requests::fuzzy_order(q, &items).first() else {
        return false;
    };
    let (grouping, row) = rows.swap_remove(best);
    state.gantt.grouping = grouping;
    super::gantt::rebuild(state);
    if !state.gantt.rows.contains(&row) {
        state.gantt.find.filter.clear();
        super::gantt::rebuild(state);
    }
    if let Some(i) = state.gantt.rows.iter().position(|r| *r == row) {
        state.gantt.selected = i;
    }
    state.say(format!("Jumped to {}", items[best].0));
    true
}

/// The load row the selected row belongs to (a lane's person or unnamed resource).
fn load_key(state: &State) -> Option<RowKey> {
    match state.selected_gantt_row()? {
        GanttRow::Load(k) => Some(k.clone()),
        GanttRow::Lane { resource, .. } => state.ws.row_key(resource),
        GanttRow::Project(_) => None,
    }
}

/// `o`/`O`: the cursor to the next (previous) bucket of the selected row's person whose load is
/// over capacity, within the loaded window.
pub(super) fn over(state: &mut State, by: i64) -> Vec<Effect> {
    let Some(key) = load_key(state) else {
        state.say("Projects have no capacity: select a person to find over-capacity weeks");
        return Vec::new();
    };
    let zoom = state.gantt.zoom;
    let Some(loaded) = state.ws.index.window() else {
        return Vec::new();
    };
    let view = state.ws.row_view(&key);
    let mut at = zoom.step(zoom.bucket_start(state.gantt.cursor), by);
    while loaded.contains(at) {
        let b = zoom.bucket(at);
        if load_level(view.load_in(b), view.capacity_in(b)) == LoadLevel::Over {
            state.gantt.cursor = at;
            return scroll_time(state, 0);
        }
        at = zoom.step(at, by);
    }
    state.say(format!(
        "No over-capacity {} {} in the loaded dates",
        zoom.label(),
        if by > 0 {
            "after this one"
        } else {
            "before this one"
        }
    ));
    Vec::new()
}
