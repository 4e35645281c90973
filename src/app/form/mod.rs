//! The allocation form (`n` new, `e` edit): fields as typed, a resource picker, validation that
//! names the field and the rule, and a live preview of the hours and the resulting load.

use super::edit::LocalChange;
use super::line::{self, LineInput};
use super::state::{Overlay, State};
use crate::client::BackendKind;
use crate::domain::edit::{AmountUnit, check_total_minutes, parse_date_input, working_days};
use crate::domain::load::{allocation_daily, load_level, utilization_pct};
use crate::domain::{Allocation, Amount, DateRange, Id, LoadLevel, Resource, Workspace};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Resource,
    /// The project role, on a project that requires one (a Ruddr project with `useRoles`).
    Role,
    Start,
    End,
    Amount,
    Unit,
    Kind,
    Notes,
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::Resource,
        Field::Role,
        Field::Start,
        Field::End,
        Field::Amount,
        Field::Unit,
        Field::Kind,
        Field::Notes,
    ];

    pub fn label(&self) -> &'static str {
        match self {
            Field::Resource => "Resource",
            Field::Role => "Role",
            Field::Start => "Start",
            Field::End => "End",
            Field::Amount => "Amount",
            Field::Unit => "Unit",
            Field::Kind => "Type",
            Field::Notes => "Notes",
        }
    }
}

/// Keys as the forms understand them (the allocation, request and resource forms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormInput {
    Next,
    Prev,
    Up,
    Down,
    Submit,
    Cancel,
    /// Any other key, for the focused field: a text field's line editor ([`line::edit`]), or
    /// a choice's ←/→/Space/letters; `*` in the resource picker adds or removes a resource.
    Key(KeyEvent),
}

impl FormInput {
    /// A key without modifiers.
    pub fn key(code: KeyCode) -> FormInput {
        FormInput::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }
}

/// A key as a choice field reads it: ←, →, or a character typed without Ctrl/Alt.
pub(crate) fn choice_key(key: &KeyEvent) -> Option<KeyCode> {
    let plain = key.modifiers.is_empty() || key.modifiers == KeyModifiers::SHIFT;
    matches!(key.code, KeyCode::Left | KeyCode::Right | KeyCode::Char(_))
        .then_some(key.code)
        .filter(|_| plain)
}

#[derive(Clone, Debug, PartialEq)]
pub struct AllocForm {
    /// The allocation being edited; `None` for a new one.
    pub editing: Option<Id>,
    /// Chosen resources (several for a bulk create).
    pub resources: Vec<Id>,
    pub query: LineInput,
    /// Resources matching the query, best first; `highlight` indexes it.
    pub options: Vec<Id>,
    pub highlight: usize,
    pub start: LineInput,
    pub end: LineInput,
    pub amount: LineInput,
    pub unit: AmountUnit,
    pub units: Vec<AmountUnit>,
    pub hard: bool,
    pub notes: LineInput,
    /// The roles of the (first) chosen resource's project when it requires one; `None` hides
    /// the role field (other projects, other backends, and edits that stay on their project:
    /// an allocation keeps its own role there).
    pub roles: Option<Vec<(Id, String)>>,
    /// Which of `roles` is chosen.
    pub role: Option<usize>,
    pub focus: Field,
    pub errors: BTreeMap<Field, String>,
}

fn units_for(kind: BackendKind) -> Vec<AmountUnit> {
    match kind {
        BackendKind::Ruddr => AmountUnit::RUDDR.to_vec(),
        _ => AmountUnit::KANTATA.to_vec(),
    }
}

/// "Amara Nwosu · Kite Loyalty Program · QA Engineer", the text a resource is picked by.
pub fn resource_label(ws: &Workspace, id: &Id) -> String {
    match ws.resources.get(id) {
        Some(r) => format!(
            "{} · {} · {}",
            ws.resource_name(r),
            ws.project_name(r.project_id.as_ref()),
            r.role
        ),
        None => format!("(resource {id})"),
    }
}

fn fmt_value(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl AllocForm {
    /// A new allocation for `resource` over `range`, its amount prefilled with the capacity there.
    pub fn new_for(state: &State, resource: Option<Id>, range: DateRange) -> AllocForm {
        let units = units_for(state.backend);
        let unit = units[0];
        // Prefill what the person still has free there (half their capacity if nothing is).
        let amount = match (&resource, unit) {
            (Some(r), AmountUnit::TotalHours) => state
                .ws
                .row_key(r)
                .map(|k| {
                    let view = state.ws.row_view(&k);
                    let (cap, load) = (view.capacity_in(range), view.load_in(range));
                    let free = if cap > load { cap - load } else { cap / 2 };
                    fmt_value((free as f64 / 60.0).round())
                })
                .unwrap_or_default(),
            (_, AmountUnit::HoursPerDay) => "8".into(),
            _ => String::new(),
        };
        let unnamed = resource
            .as_ref()
            .and_then(|r| state.ws.resources.get(r))
            .is_some_and(|r| r.is_unnamed());
        let mut form = AllocForm {
            editing: None,
            resources: resource.into_iter().collect(),
            query: LineInput::default(),
            options: Vec::new(),
            highlight: 0,
            start: range.start.format("%Y-%m-%d").to_string().into(),
            end: range.end.format("%Y-%m-%d").to_string().into(),
            amount: amount.into(),
            unit,
            units,
            hard: !unnamed,
            notes: LineInput::default(),
            roles: None,
            role: None,
            focus: Field::Amount,
            errors: BTreeMap::new(),
        };
        form.refresh_options(&state.ws);
        form.refresh_roles(&state.ws);
        form.focus_text();
        form
    }

    pub fn edit(state: &State, a: &Allocation) -> AllocForm {
        let (unit, value) = AmountUnit::of(a.amount);
        let mut units = units_for(state.backend);
        if !units.contains(&unit) {
            units.insert(0, unit);
        }
        let mut form = AllocForm {
            editing: Some(a.id.clone()),
            resources: vec![a.resource_id.clone()],
            query: LineInput::default(),
            options: Vec::new(),
            highlight: 0,
            start: a.range.start.format("%Y-%m-%d").to_string().into(),
            end: a.range.end.format("%Y-%m-%d").to_string().into(),
            amount: fmt_value(value).into(),
            unit,
            units,
            hard: a.hard,
            notes: a.notes.as_str().into(),
            roles: None,
            role: None,
            focus: Field::Amount,
            errors: BTreeMap::new(),
        };
        form.refresh_options(&state.ws);
        form.focus_text();
        form
    }

    /// Resources matching the picker's query, by name.
    fn refresh_options(&mut self, ws: &Workspace) {
        let mut all: Vec<(String, Id)> = ws
            .resources
            .keys()
            .map(|id| (resource_label(ws, id), id.clone()))
            .collect();
        all.sort_by_cached_key(|a| a.0.to_lowercase());
        if !self.query.trim().is_empty() {
            let pattern = Pattern::parse(&self.query, CaseMatching::Ignore, Normalization::Smart);
            let mut matcher = Matcher::new(Config::DEFAULT);
            let mut buf = Vec::new();
            all.retain(|(label, _)| {
                pattern
                    .score(Utf32Str::new(label, &mut buf), &mut matcher)
                    .is_some()
            });
        }
        self.options = all.into_iter().map(|(_, id)| id).collect();
        self.highlight = self.highlight.min(self.options.len().saturating_sub(1));
    }

    /// The fields shown, in order (the role only where it is asked for).
    pub fn fields(&self) -> Vec<Field> {
        Field::ALL
            .into_iter()
            .filter(|f| *f != Field::Role || self.roles.is_some())
            .collect()
    }

    /// The chosen role's name.
    pub fn role_name(&self) -> Option<&str> {
        let roles = self.roles.as_ref()?;
        roles.get(self.role?).map(|(_, n)| n.as_str())
    }

    /// Follows the chosen resources: the first one's project's roles when it requires one,
    /// the choice kept while the project stays, else defaulting to the resource's own role.
    fn refresh_roles(&mut self, ws: &Workspace) {
        let first = self.resources.first().and_then(|r| ws.resources.get(r));
        let roles = first
            .and_then(|r| r.project_id.as_ref())
            .filter(|p| self.needs_role_on(ws, p))
            .and_then(|p| ws.projects.get(p))
            .and_then(|p| p.roles.clone());
        if roles == self.roles {
            return;
        }
        self.role = match (&roles, first) {
            (Some(list), Some(r)) => role_index(list, &r.role),
            _ => None,
        };
        self.roles = roles;
        if self.roles.is_none() && self.focus == Field::Role {
            self.set_focus(Field::Start);
        }
    }

    /// Whether an allocation going onto `project` takes a role from this form: a new one does;
    /// an edit keeps its own role unless it moves to another project.
    fn needs_role_on(&self, ws: &Workspace, project: &Id) -> bool {
        match &self.editing {
            None => true,
            Some(id) => ws
                .allocations
                .get(id)
                .is_some_and(|a| a.project_id.as_ref() != Some(project)),
        }
    }

    fn cycle_role(&mut self, by: i64) {
        let Some(n) = self.roles.as_ref().map(Vec::len).filter(|n| *n > 0) else {
            return;
        };
        let n = n as i64;
        self.role = Some(match self.role {
            Some(i) => (i as i64 + by).rem_euclid(n) as usize,
            None if by < 0 => (n - 1) as usize,
            None => 0,
        });
    }

    /// The next role after the chosen one whose name starts with `c`.
    fn role_by_letter(&mut self, c: char) {
        let Some(roles) = &self.roles else { return };
        let n = roles.len();
        let from = self.role.map_or(0, |i| i + 1);
        let c = c.to_lowercase().to_string();
        self.role = (0..n)
            .map(|k| (from + k) % n)
            .find(|&i| roles[i].1.to_lowercase().starts_with(&c))
            .or(self.role);
    }

    /// A field's text, where it is a text field.
    pub fn text(&self, field: Field) -> Option<&LineInput> {
        match field {
            Field::Resource => Some(&self.query),
            Field::Start => Some(&self.start),
            Field::End => Some(&self.end),
            Field::Amount => Some(&self.amount),
            Field::Notes => Some(&self.notes),
            Field::Unit | Field::Kind | Field::Role => None,
        }
    }

    fn text_mut(&mut self) -> Option<&mut LineInput> {
        match self.focus {
            Field::Resource => Some(&mut self.query),
            Field::Start => Some(&mut self.start),
            Field::End => Some(&mut self.end),
            Field::Amount => Some(&mut self.amount),
            Field::Notes => Some(&mut self.notes),
            Field::Unit | Field::Kind | Field::Role => None,
        }
    }

    fn move_focus(&mut self, by: i64) {
        let fields = self.fields();
        let i = fields.iter().position(|f| *f == self.focus).unwrap_or(0) as i64;
        let n = fields.len() as i64;
        self.set_focus(fields[(i + by).rem_euclid(n) as usize]);
    }

    /// Moves the focus to `field`, selecting what it holds.
    fn set_focus(&mut self, field: Field) {
        self.focus = field;
        self.focus_text();
    }

    fn focus_text(&mut self) {
        if let Some(t) = self.text_mut() {
            t.focus();
        }
    }

    fn cycle_unit(&mut self, by: i64) {
        let i = self.units.iter().position(|u| *u == self.unit).unwrap_or(0) as i64;
        self.unit = self.units[(i + by).rem_euclid(self.units.len() as i64) as usize];
    }

    /// Leaving the picker with a highlighted match and nothing chosen picks it.
    fn pick_highlighted(&mut self, replace: bool) {
        if let Some(id) = self.options.get(self.highlight).cloned()
            && (replace || self.resources.is_empty())
        {
            self.resources = vec![id];
        }
    }
}

/// The role named like `name` among `roles` (case and spaces aside).
fn role_index(roles: &[(Id, String)], name: &str) -> Option<usize> {
    roles
        .iter()
        .position(|(_, n)| n.trim().eq_ignore_ascii_case(name.trim()))
}

/// What the form says to do after a key.
pub enum Outcome {
    Stay,
    Cancel,
    /// Valid: the changes to commit and their label.
    Commit(String, Vec<LocalChange>),
}

pub fn input(state: &mut State, key: FormInput) -> Outcome {
    let Some(mut form) = state.take_form() else {
        return Outcome::Cancel;
    };
    let outcome = handle(state, &mut form, key);
    form.refresh_roles(&state.ws);
    if matches!(outcome, Outcome::Stay) {
        state.open(Overlay::Form(form));
    }
    outcome
}

fn handle(state: &mut State, form: &mut AllocForm, key: FormInput) -> Outcome {
    let picker = form.focus == Field::Resource;
    match key {
        FormInput::Cancel => return Outcome::Cancel,
        FormInput::Submit => {
            if form.focus == Field::Resource && !form.query.is_empty() {
                form.pick_highlighted(true);
                form.query.clear();
                form.refresh_options(&state.ws);
                form.refresh_roles(&state.ws);
            }
            return match validate(state, form) {
                Ok((label, changes)) => Outcome::Commit(label, changes),
                Err(errors) => {
                    form.set_focus(*errors.keys().next().unwrap_or(&form.focus));
                    form.errors = errors;
                    Outcome::Stay
                }
            };
        }
        FormInput::Next | FormInput::Prev => {
            if form.focus == Field::Resource && !form.query.is_empty() {
                form.pick_highlighted(true);
                form.query.clear();
                form.refresh_options(&state.ws);
                form.refresh_roles(&state.ws);
            }
            form.move_focus(if key == FormInput::Next { 1 } else { -1 });
        }
        FormInput::Up | FormInput::Down if picker => {
            let n = form.options.len();
            if n > 0 {
                form.highlight = if key == FormInput::Down {
                    (form.highlight + 1).min(n - 1)
                } else {
                    form.highlight.saturating_sub(1)
                };
            }
        }
        FormInput::Up => form.move_focus(-1),
        FormInput::Down => form.move_focus(1),
        FormInput::Key(k) => field_key(state, form, k),
    }
    form.errors.remove(&form.focus);
    Outcome::Stay
}

/// A key for the focused field: choices read ←/→/Space/letters, text fields edit.
fn field_key(state: &State, form: &mut AllocForm, k: KeyEvent) {
    let by = |c: KeyCode| if c == KeyCode::Left { -1 } else { 1 };
    match (form.focus, choice_key(&k)) {
        (Field::Unit, Some(c @ (KeyCode::Left | KeyCode::Right | KeyCode::Char(' ')))) => {
            form.cycle_unit(by(c))
        }
        (Field::Role, Some(c @ (KeyCode::Left | KeyCode::Right | KeyCode::Char(' ')))) => {
            form.cycle_role(by(c))
        }
        (Field::Role, Some(KeyCode::Char(c))) => form.role_by_letter(c),
        (Field::Kind, Some(KeyCode::Char(' '))) if state.backend.has_soft() => {
            form.hard = !form.hard
        }
        (Field::Kind, Some(KeyCode::Char(c @ ('h' | 's')))) => form.hard = c == 'h',
        (Field::Resource, Some(KeyCode::Char('*'))) if form.editing.is_none() => {
            if let Some(id) = form.options.get(form.highlight).cloned() {
                if let Some(i) = form.resources.iter().position(|r| *r == id) {
                    form.resources.remove(i);
                } else {
                    form.resources.push(id);
                }
            }
        }
        (Field::Resource, _) => {
            let before = form.query.value().to_string();
            if line::edit(&mut form.query, k) && form.query.value() != before {
                form.highlight = 0;
                form.refresh_options(&state.ws);
            }
        }
        _ => {
            if let Some(t) = form.text_mut() {
                line::edit(t, k);
            }
        }
    }
}

/// The allocation the form describes for one resource, or the errors that stop it.
struct Parsed {
    range: DateRange,
    value: f64,
}

fn parse(state: &State, form: &AllocForm) -> Result<Parsed, BTreeMap<Field, String>> {
    let mut errors = BTreeMap::new();
    let start = parse_date_input(&form.start, state.today)
        .map_err(|e| errors.insert(Field::Start, e))
        .ok();
    let end = parse_date_input(&form.end, state.today)
        .map_err(|e| errors.insert(Field::End, e))
        .ok();
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errors.insert(Field::End, format!("must be on or after the start ({s})"));
    }
    let value = form
        .unit
        .parse(&form.amount)
        .map_err(|e| errors.insert(Field::Amount, e))
        .ok();
    match (start, end, value) {
        (Some(s), Some(e), Some(value)) if errors.is_empty() => Ok(Parsed {
            range: DateRange::new(s, e),
            value,
        }),
        _ => Err(errors),
    }
}

/// Checks every rule before anything is sent; each refusal names the field and the rule.
fn validate(
    state: &mut State,
    form: &AllocForm,
) -> Result<(String, Vec<LocalChange>), BTreeMap<Field, String>> {
    let mut errors = match parse(state, form) {
        Ok(_) => BTreeMap::new(),
        Err(e) => e,
    };
    if form.resources.is_empty() {
        errors.insert(
            Field::Resource,
            format!(
                "choose a resource (type to search, {} picks)",
                state.key(
                    crate::app::keys::Mode::FormSearch,
                    crate::app::Command::Submit
                )
            ),
        );
    }
    let unnamed = form
        .resources
        .iter()
        .filter_map(|r| state.ws.resources.get(r))
        .any(|r| r.is_unnamed());
    if form.hard && unnamed {
        errors.insert(
            Field::Kind,
            "an unnamed resource can only be soft-allocated (Kantata's rule)".into(),
        );
    }
    let role_changes = match roles_to_set(state, form) {
        Ok(changes) => changes,
        Err(e) => {
            errors.insert(Field::Role, e);
            Vec::new()
        }
    };
    let parsed = match parse(state, form) {
        Ok(p) if errors.is_empty() => p,
        _ => return Err(errors),
    };
    let ws = &state.ws;
    // No day may hold more than 24 h: a total (or a percentage, which becomes one) is bounded
    // by the working days of each chosen resource.
    for resource in &form.resources {
        let cal = ws
            .row_key(resource)
            .map(|k| ws.calendar_for(&k))
            .unwrap_or_default();
        let minutes = match form.unit.amount(parsed.value, parsed.range, &cal) {
            Amount::TotalMinutes(m) => Some(m as u64),
            Amount::TotalHours(h) => Some((h * 60.0).round() as u64),
            _ => None,
        };
        if let Some(Err(e)) = minutes.map(|m| check_total_minutes(m, parsed.range, &cal)) {
            errors.insert(Field::Amount, e);
            return Err(errors);
        }
    }
    let build = |resource: &Id, id: Id, base: Option<&Allocation>| -> Allocation {
        let r = ws.resources.get(resource);
        let cal = ws
            .row_key(resource)
            .map(|k| ws.calendar_for(&k))
            .unwrap_or_default();
        Allocation {
            id,
            resource_id: resource.clone(),
            project_id: r.and_then(|r| r.project_id.clone()),
            range: parsed.range,
            amount: form.unit.amount(parsed.value, parsed.range, &cal),
            hard: form.hard,
            notes: form.notes.trim().to_string(),
            read_only: false,
            allocate_on_time_off: base.is_some_and(|b| b.allocate_on_time_off),
            server_total_minutes: None,
            version: base.map(|b| b.version).unwrap_or(1),
        }
    };
    match &form.editing {
        Some(id) => {
            let Some(old) = ws.allocations.get(id).cloned() else {
                return Err(BTreeMap::from([(
                    Field::Resource,
                    "this allocation is gone (reloaded?)".to_string(),
                )]));
            };
            let new = build(&form.resources[0], id.clone(), Some(&old));
            let label = format!(
                "edit the allocation on {}",
                ws.project_name(old.project_id.as_ref())
            );
            // A move to a project that uses roles sets the role there first.
            let mut changes = role_changes;
            changes.push(LocalChange::Update { from: old, to: new });
            Ok((label, changes))
        }
        None => {
            let resources = form.resources.clone();
            // The roles first: each resource's is the one its new allocations take.
            let changes: Vec<LocalChange> = role_changes
                .into_iter()
                .chain(resources.iter().map(|r| {
                    let id = state.edits.temp_id();
                    LocalChange::Create(build(r, id, None))
                }))
                .collect();
            let label = match resources.len() {
                1 => format!(
                    "create an allocation for {}",
                    resource_label(&state.ws, &resources[0])
                ),
                n => format!("create {n} allocations"),
            };
            Ok((label, changes))
        }
    }
}

/// For a new allocation (or one moving to another project), the role of each chosen resource
/// on a project that requires one, as the change that sets it (sent even when unchanged, so
/// the backend knows it for sure): the form's choice on the form's project, the resource's own
/// role on any other. Refused, naming the project, where there is none.
fn roles_to_set(state: &State, form: &AllocForm) -> Result<Vec<LocalChange>, String> {
    let ws = &state.ws;
    let form_project = form
        .resources
        .first()
        .and_then(|r| ws.resources.get(r))
        .and_then(|r| r.project_id.clone());
    let mut changes = Vec::new();
    for r in form.resources.iter().filter_map(|id| ws.resources.get(id)) {
        let Some(project) = r
            .project_id
            .as_ref()
            .filter(|p| form.needs_role_on(ws, p))
            .and_then(|p| ws.projects.get(p))
        else {
            continue;
        };
        let Some(roles) = &project.roles else {
            continue;
        };
        if roles.is_empty() {
            return Err(format!(
                "{} uses roles but has no active role: add one in {} first",
                project.name,
                state.backend.name()
            ));
        }
        let name = if form_project.as_ref() == Some(&project.id) {
            form.role_name().map(str::to_string)
        } else {
            role_index(roles, &r.role).map(|i| roles[i].1.clone())
        };
        let Some(name) = name else {
            return Err(match form_project.as_ref() == Some(&project.id) {
                true => format!(
                    "{} needs a role: {} (←/→)",
                    project.name,
                    roles
                        .iter()
                        .map(|(_, n)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                false => format!(
                    "{} uses roles and {} has none of them yet: allocate it on its own",
                    project.name,
                    ws.resource_name(r)
                ),
            });
        };
        let label = if r.label == r.role {
            name.clone()
        } else {
            r.label.clone()
        };
        changes.push(LocalChange::UpdateResource {
            from: r.clone(),
            to: Resource {
                role: name,
                label,
                ..r.clone()
            },
        });
    }
    Ok(changes)
}

/// The live preview: total hours, working days, and each week's load of the (first) resource's
/// row with this allocation in place of the one being edited.
pub struct Preview {
    pub total_minutes: u64,
    pub working_days: u64,
    /// (week start, load, capacity, level) for the weeks the range touches, at most 12.
    pub weeks: Vec<(chrono::NaiveDate, u64, u64, LoadLevel)>,
    pub more_weeks: usize,
}

pub fn preview(state: &State, form: &AllocForm) -> Option<Preview> {
    let parsed = parse(state, form).ok()?;
    let ws = &state.ws;
    let resource = form.resources.first()?;
    let key = ws.row_key(resource)?;
    let cal = ws.calendar_for(&key);
    let amount = form.unit.amount(parsed.value, parsed.range, &cal);
    let candidate = Allocation {
        id: Id::new("preview"),
        resource_id: resource.clone(),
        project_id: None,
        range: parsed.range,
        amount,
        hard: form.hard,
        notes: String::new(),
        read_only: false,
        allocate_on_time_off: false,
        server_total_minutes: None,
        version: 0,
    };
    let daily = allocation_daily(&candidate, &cal);
    let old = form.editing.as_ref().and_then(|id| ws.allocations.get(id));
    let old_daily = old.map(|a| {
        (
            a.range,
            allocation_daily(
                a,
                &ws.calendar_for(&ws.row_key(&a.resource_id).unwrap_or(key.clone())),
            ),
        )
    });
    let in_range = |range: DateRange, days: &[u32], span: DateRange| -> u64 {
        span.days()
            .zip(days)
            .filter(|(d, _)| range.contains(*d))
            .map(|(_, m)| *m as u64)
            .sum()
    };
    let view = ws.row_view(&key);
    let mut weeks = Vec::new();
    let mut monday = crate::domain::dates::week_start(parsed.range.start);
    let mut count = 0;
    while monday <= parsed.range.end {
        let week = DateRange::new(monday, crate::domain::dates::add_days(monday, 6));
        count += 1;
        if weeks.len() < 12 {
            let mut load = view.load_in(week) + in_range(week, &daily, parsed.range);
            if let Some((span, d)) = &old_daily {
                load = load.saturating_sub(in_range(week, d, *span));
            }
            let cap = view.capacity_in(week);
            weeks.push((monday, load, cap, load_level(load, cap)));
        }
        monday = crate::domain::dates::add_days(monday, 7);
    }
    Some(Preview {
        total_minutes: daily.iter().map(|m| *m as u64).sum(),
        working_days: working_days(parsed.range, &cal),
        more_weeks: count - weeks.len(),
        weeks,
    })
}

/// Utilization text for a preview week.
pub fn week_text(load: u64, cap: u64) -> String {
    utilization_pct(load, cap)
        .map(|p| format!("{p}%"))
        .unwrap_or_else(|| {
            if load > 0 {
                "over".into()
            } else {
                "—".into()
            }
        })
}

#[cfg(test)]
mod tests;
