//! Scheduled hours (task-level, per resource and week) against allocations: the Gantt's `v`
//! view, and `M`, allocations made from scheduled hours — one per week, equal consecutive weeks
//! merged, previewed, then applied as one undoable step.

use super::edit::LocalChange;
use super::gantt::GanttRow;
use super::line::{self, LineInput};
use super::state::{ListRow, Overlay, State, View};
use crate::domain::dates::{parse_date, week_start};
use crate::domain::staffing::{When, allocations_from_scheduled};
use crate::domain::{Allocation, Amount, DateRange, Id, RowKey, ScheduledWeek, Workspace};
use chrono::NaiveDate;

/// Stores loaded scheduled weeks by resource.
pub fn set(ws: &mut Workspace, weeks: Vec<ScheduledWeek>) {
    ws.scheduled.clear();
    for w in weeks {
        ws.scheduled
            .entry(w.resource_id)
            .or_default()
            .push((w.monday, w.minutes));
    }
    for v in ws.scheduled.values_mut() {
        v.sort();
    }
}

/// Scheduled minutes of a row (a person's resources, or one resource) in weeks starting in `range`.
pub fn row_minutes(ws: &Workspace, key: &RowKey, range: DateRange) -> u64 {
    let resources: Vec<&Id> = match key {
        RowKey::Person(p) => ws.resources_of(p).map(|r| &r.id).collect(),
        RowKey::Unnamed(r) => vec![r],
        RowKey::Project(p) => ws
            .resources
            .values()
            .filter(|r| r.project_id.as_ref() == Some(p))
            .map(|r| &r.id)
            .collect(),
    };
    resources
        .into_iter()
        .map(|r| resource_minutes(ws, r, range))
        .sum()
}

pub fn resource_minutes(ws: &Workspace, resource: &Id, range: DateRange) -> u64 {
    ws.scheduled
        .get(resource)
        .map(|weeks| {
            weeks
                .iter()
                .filter(|(m, _)| range.contains(*m))
                .map(|(_, x)| *x as u64)
                .sum()
        })
        .unwrap_or(0)
}

/// The `M` dialog: which resources, when, hard or soft, and the allocations it would make.
#[derive(Clone, Debug, PartialEq)]
pub struct FromScheduled {
    pub resources: Vec<Id>,
    /// 0 any time, 1 after, 2 before, 3 between.
    pub when: u8,
    pub from: LineInput,
    pub to: LineInput,
    /// Typing goes into `to` (between two dates, after Space).
    pub on_to: bool,
    pub hard: bool,
    pub error: Option<String>,
}

impl FromScheduled {
    pub fn when_label(&self) -> &'static str {
        [
            "any time",
            "after a date",
            "before a date",
            "between two dates",
        ][self.when as usize % 4]
    }

    fn when(&self) -> Result<When, String> {
        let date = |s: &str| parse_date(s);
        Ok(match self.when % 4 {
            0 => When::Any,
            1 => When::After(date(&self.from)?),
            2 => When::Before(date(&self.from)?),
            _ => When::Between(date(&self.from)?, date(&self.to)?),
        })
    }
}

/// The allocations `M` would create, per resource: (resource, range, total minutes).
pub fn preview(ws: &Workspace, f: &FromScheduled) -> Result<Vec<(Id, DateRange, u32)>, String> {
    let when = f.when()?;
    Ok(f.resources
        .iter()
        .flat_map(|r| {
            let weeks = ws.scheduled.get(r).cloned().unwrap_or_default();
            allocations_from_scheduled(&weeks, when)
                .into_iter()
                .map(move |(range, m)| (r.clone(), range, m))
        })
        .collect())
}

/// The resources `M` acts on: people marked in the Resources view (all their resources), or
/// the selected resource there or in the Gantt.
fn targets(state: &State) -> Vec<Id> {
    let ws = &state.ws;
    if state.view == View::Resources && !state.resources.marks.is_empty() {
        return state
            .resources
            .marks
            .iter()
            .flat_map(|p| ws.resources_of(p).map(|r| r.id.clone()))
            .collect();
    }
    match state.view {
        View::Resources => match state.resources.lines.get(state.resources.selected) {
            Some(ListRow::Held(id)) | Some(ListRow::Row(RowKey::Unnamed(id))) => vec![id.clone()],
            Some(ListRow::Row(RowKey::Person(p))) => {
                ws.resources_of(p).map(|r| r.id.clone()).collect()
            }
            _ => vec![],
        },
        View::Gantt => match state.selected_gantt_row() {
            Some(GanttRow::Lane { resource: id, .. })
            | Some(GanttRow::Load(RowKey::Unnamed(id))) => vec![id.clone()],
            Some(GanttRow::Load(RowKey::Person(p))) => {
                ws.resources_of(p).map(|r| r.id.clone()).collect()
            }
            _ => vec![],
        },
        View::Requests => vec![],
    }
}

pub fn open(state: &mut State) {
    let resources = targets(state);
    if resources.is_empty() {
        state.say(
            "Select a resource or a person (or mark people) to allocate from their scheduled hours",
        );
        return;
    }
    let any_unnamed = resources
        .iter()
        .any(|r| state.ws.resources.get(r).is_some_and(|x| x.is_unnamed()));
    let monday = week_start(state.today);
    state.open(Overlay::FromScheduled(FromScheduled {
        resources,
        when: 1,
        // Selected: a date typed replaces it.
        from: {
            let mut from = LineInput::from(monday.format("%Y-%m-%d").to_string());
            from.focus();
            from
        },
        to: crate::domain::dates::add_days(monday, 83)
            .format("%Y-%m-%d")
            .to_string()
            .into(),
        on_to: false,
        hard: !any_unnamed,
        error: None,
    }));
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FromScheduledInput {
    /// Tab: cycle any / after / before / between.
    CycleWhen,
    /// Space: hard ↔ soft.
    ToggleHard,
    /// Space between two dates: type the other one.
    OtherDate,
    /// A line-editor key for the date being typed.
    Edit(crossterm::event::KeyEvent),
    Apply,
    Cancel,
}

/// What a key in the `M` dialog leads to.
#[derive(Debug, PartialEq)]
pub enum FromScheduledOutcome {
    Stay,
    /// An edit to commit (allot computed the allocations).
    Commit(String, Vec<LocalChange>),
    /// Ask the backend to make them (Kantata does it server-side).
    Server(super::Effect),
}

/// Keys in the `M` dialog.
pub fn input(state: &mut State, key: FromScheduledInput) -> FromScheduledOutcome {
    let Some(mut f) = state.take_from_scheduled() else {
        return FromScheduledOutcome::Stay;
    };
    f.error = None;
    match key {
        FromScheduledInput::Cancel => {
            state.say("Cancelled: nothing was changed");
            return FromScheduledOutcome::Stay;
        }
        FromScheduledInput::CycleWhen => {
            f.when = (f.when + 1) % 4;
            if f.when != 3 && f.on_to {
                f.on_to = false;
                f.from.focus();
            }
        }
        FromScheduledInput::ToggleHard => {
            let unnamed = f
                .resources
                .iter()
                .any(|r| state.ws.resources.get(r).is_some_and(|x| x.is_unnamed()));
            if !f.hard && unnamed {
                f.error = Some(
                    "Type: unnamed resources can only be soft-allocated (Kantata's rule)".into(),
                );
            } else {
                f.hard = !f.hard;
            }
        }
        FromScheduledInput::OtherDate if f.when % 4 == 3 => {
            f.on_to = !f.on_to;
            if f.on_to {
                f.to.focus()
            } else {
                f.from.focus()
            }
        }
        FromScheduledInput::OtherDate => {}
        FromScheduledInput::Edit(k) => {
            line::edit(if f.on_to { &mut f.to } else { &mut f.from }, k);
        }
        FromScheduledInput::Apply if state.backend.makes_allocations_from_scheduled() => {
            match f.when() {
                Err(e) => f.error = Some(format!("Date: {e}")),
                Ok(when) => {
                    return FromScheduledOutcome::Server(super::Effect::MakeFromScheduled {
                        resources: f.resources,
                        hard: f.hard,
                        when,
                    });
                }
            }
        }
        FromScheduledInput::Apply => match preview(&state.ws, &f) {
            Err(e) => f.error = Some(format!("Date: {e}")),
            Ok(made) if made.is_empty() => {
                f.error = Some("No scheduled hours in that range: nothing to allocate".into())
            }
            Ok(made) => {
                let changes: Vec<LocalChange> = made
                    .into_iter()
                    .map(|(resource, range, minutes)| {
                        let project_id = state
                            .ws
                            .resources
                            .get(&resource)
                            .and_then(|r| r.project_id.clone());
                        LocalChange::Create(Allocation {
                            id: state.edits.temp_id(),
                            resource_id: resource,
                            project_id,
                            range,
                            amount: Amount::TotalMinutes(minutes),
                            hard: f.hard,
                            notes: "From scheduled hours".into(),
                            read_only: false,
                            allocate_on_time_off: false,
                            server_total_minutes: None,
                            version: 1,
                        })
                    })
                    .collect();
                let label = format!(
                    "allocate {} from scheduled hours",
                    match changes.len() {
                        1 => "1 allocation".to_string(),
                        n => format!("{n} allocations"),
                    }
                );
                return FromScheduledOutcome::Commit(label, changes);
            }
        },
    }
    state.open(Overlay::FromScheduled(f));
    FromScheduledOutcome::Stay
}

/// The first date of a typed range, for messages.
pub fn first_day(f: &FromScheduled) -> Option<NaiveDate> {
    parse_date(&f.from).ok()
}
