//! Everything the screen shows, and nothing the screen does not need.

use super::action::Effect;
use crate::client::BackendKind;
use crate::domain::dates::{add_days, add_months, week_start};
use crate::domain::{DateRange, Id, RowKey, Workspace};
use chrono::NaiveDate;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Resources,
    Gantt,
    Requests,
}

impl View {
    pub const ALL: [View; 3] = [View::Resources, View::Gantt, View::Requests];

    pub fn title(&self) -> &'static str {
        match self {
            View::Resources => "Resources",
            View::Gantt => "Gantt",
            View::Requests => "Requests",
        }
    }

    pub fn index(&self) -> usize {
        View::ALL.iter().position(|v| v == self).unwrap_or(0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ThemeKind {
    #[default]
    Dark,
    Light,
    /// NO_COLOR: state is carried by glyphs and modifiers only.
    Mono,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ResourcesView {
    pub selected: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GanttView {
    pub selected: usize,
    /// The week the time cursor is on.
    pub cursor: NaiveDate,
    /// The first visible week.
    pub first: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RequestsView {
    pub selected: usize,
}

/// Everything the app knows. `update()` changes it; `ui::render()` reads it.
#[derive(Clone, Debug)]
pub struct State {
    pub today: NaiveDate,
    pub backend: BackendKind,
    /// Where the data comes from (a database path, a URL), for the status bar.
    pub source: String,
    pub theme: ThemeKind,
    pub view: View,
    pub help: bool,
    pub quit: bool,
    pub size: (u16, u16),
    pub ws: Workspace,
    /// Rows of the Resources and Gantt views: people by name, then unnamed resources.
    pub rows: Vec<RowKey>,
    /// Pending requests, oldest first.
    pub queue: Vec<Id>,
    /// The window of allocations loaded (or being loaded).
    pub window: DateRange,
    pub loaded: bool,
    /// IO in flight, for the status bar.
    pub pending: Vec<Effect>,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub resources: ResourcesView,
    pub gantt: GanttView,
    pub requests: RequestsView,
}

impl State {
    pub fn new(today: NaiveDate, backend: BackendKind, source: impl Into<String>) -> Self {
        let week = week_start(today);
        State {
            today,
            backend,
            source: source.into(),
            theme: ThemeKind::Dark,
            view: View::Resources,
            help: false,
            quit: false,
            size: (80, 24),
            ws: Workspace::default(),
            rows: Vec::new(),
            queue: Vec::new(),
            window: initial_window(today),
            loaded: false,
            pending: Vec::new(),
            notice: None,
            error: None,
            resources: ResourcesView::default(),
            gantt: GanttView {
                selected: 0,
                cursor: week,
                first: add_days(week, -14),
            },
            requests: RequestsView::default(),
        }
    }

    pub fn is_busy(&self) -> bool {
        !self.pending.is_empty()
    }
}

/// Allocations are loaded for today ± 6 months, from the Monday before to the Sunday after.
pub fn initial_window(today: NaiveDate) -> DateRange {
    let start = week_start(add_months(today, -6));
    let end = add_days(week_start(add_months(today, 6)), 6);
    DateRange::new(start, end)
}
