//! `N`: a new staffing request, for an existing resource or for a role on a project (which
//! creates an unnamed resource), with approvers, dates and a percentage.

use super::form::choice_key;
use super::line::{self, LineInput};
use super::state::{Overlay, State};
use crate::client::{NewRequest, RequestTarget};
use crate::domain::edit::{MAX_PERCENT, parse_date_input};
use crate::domain::{DateRange, Id, Workspace};
use crossterm::event::{KeyCode, KeyEvent};
use std::collections::BTreeMap;

/// A fuzzy list to choose one or several things from.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Choice {
    pub query: LineInput,
    all: Vec<(Id, String)>,
    /// Indexes into the full list that match the query.
    pub options: Vec<(Id, String)>,
    pub highlight: usize,
    pub chosen: Vec<Id>,
    /// Space added or removed something under the current query: leaving then takes nothing
    /// more, so an item just removed is never added back.
    touched: bool,
}

impl Choice {
    pub fn new(mut all: Vec<(Id, String)>) -> Choice {
        all.sort_by_cached_key(|(_, label)| label.to_lowercase());
        Choice {
            options: all.clone(),
            all,
            ..Default::default()
        }
    }

    /// Options matching the query, best first (prefix of the name weighted first; see
    /// [`crate::app::requests::fuzzy_order`]).
    pub(crate) fn refilter(&mut self) {
        self.highlight = 0;
        self.touched = false;
        let texts: Vec<(String, String)> = self
            .all
            .iter()
            .map(|(_, label)| (label.clone(), String::new()))
            .collect();
        self.options = crate::app::requests::fuzzy_order(&self.query, &texts)
            .into_iter()
            .map(|i| self.all[i].clone())
            .collect();
    }

    /// A key for the search text; the matches follow it. True when the key was an editing key.
    pub(crate) fn edit(&mut self, k: KeyEvent) -> bool {
        let before = self.query.value().to_string();
        let used = line::edit(&mut self.query, k);
        if self.query.value() != before {
            self.refilter();
        }
        used
    }

    pub fn label_of(&self, id: &Id) -> String {
        self.all
            .iter()
            .find(|(x, _)| x == id)
            .map(|(_, l)| l.clone())
            .unwrap_or_else(|| id.to_string())
    }

    pub fn chosen_text(&self) -> String {
        self.chosen
            .iter()
            .map(|id| self.label_of(id))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Leaving with a query picks its highlighted match (adding it, where several are allowed),
    /// unless it is already chosen.
    pub(crate) fn pick_on_leave(&mut self, several: bool) {
        if self.touched {
            return;
        }
        if let Some((id, _)) = self.options.get(self.highlight).cloned()
            && !self.chosen.contains(&id)
        {
            if several {
                self.chosen.push(id);
            } else {
                self.chosen = vec![id];
            }
        }
    }

    /// Takes the highlighted option as the only choice, or (for several) adds or removes it.
    pub(crate) fn take_highlighted(&mut self, add: bool) {
        self.touched = true;
        if let Some((id, _)) = self.options.get(self.highlight).cloned() {
            if add {
                if let Some(i) = self.chosen.iter().position(|c| *c == id) {
                    self.chosen.remove(i);
                } else {
                    self.chosen.push(id);
                }
            } else {
                self.chosen = vec![id];
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RqField {
    Target,
    Resource,
    Project,
    Role,
    Approvers,
    Start,
    End,
    Percent,
    Notes,
}

impl RqField {
    pub fn label(&self) -> &'static str {
        match self {
            RqField::Target => "For",
            RqField::Resource => "Resource",
            RqField::Project => "Project",
            RqField::Role => "Role",
            RqField::Approvers => "Approvers",
            RqField::Start => "Start",
            RqField::End => "End",
            RqField::Percent => "Percent",
            RqField::Notes => "Notes",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RequestForm {
    /// An existing resource, or a role on a project (a new unnamed resource).
    pub new_role: bool,
    pub resource: Choice,
    pub project: Choice,
    pub role: LineInput,
    pub approvers: Choice,
    pub start: LineInput,
    pub end: LineInput,
    pub percent: LineInput,
    pub notes: LineInput,
    pub focus: RqField,
    pub errors: BTreeMap<RqField, String>,
}

impl RequestForm {
    pub fn new(state: &State) -> RequestForm {
        let ws = &state.ws;
        let resources = ws
            .resources
            .keys()
            .map(|id| (id.clone(), super::form::resource_label(ws, id)))
            .collect();
        let projects = ws
            .projects
            .values()
            .map(|p| (p.id.clone(), format!("{} ({})", p.name, p.client)))
            .collect();
        let people = ws
            .people
            .values()
            .map(|p| (p.id.clone(), format!("{} ({})", p.name, p.role)))
            .collect();
        let monday =
            crate::domain::dates::week_start(crate::domain::dates::add_days(state.today, 7));
        RequestForm {
            new_role: true,
            resource: Choice::new(resources),
            project: Choice::new(projects),
            role: LineInput::default(),
            approvers: Choice::new(people),
            start: monday.format("%Y-%m-%d").to_string().into(),
            end: crate::domain::dates::add_days(monday, 27)
                .format("%Y-%m-%d")
                .to_string()
                .into(),
            percent: "100".into(),
            notes: LineInput::default(),
            focus: RqField::Project,
            errors: BTreeMap::new(),
        }
    }

    /// The fields shown, in order.
    pub fn fields(&self) -> Vec<RqField> {
        let mut f = vec![RqField::Target];
        if self.new_role {
            f.extend([RqField::Project, RqField::Role]);
        } else {
            f.push(RqField::Resource);
        }
        f.extend([
            RqField::Approvers,
            RqField::Start,
            RqField::End,
            RqField::Percent,
            RqField::Notes,
        ]);
        f
    }

    pub fn choice(&self, field: RqField) -> Option<&Choice> {
        match field {
            RqField::Resource => Some(&self.resource),
            RqField::Project => Some(&self.project),
            RqField::Approvers => Some(&self.approvers),
            _ => None,
        }
    }

    fn choice_mut(&mut self) -> Option<&mut Choice> {
        match self.focus {
            RqField::Resource => Some(&mut self.resource),
            RqField::Project => Some(&mut self.project),
            RqField::Approvers => Some(&mut self.approvers),
            _ => None,
        }
    }

    /// A field's text, where it is a text field.
    pub fn text(&self, field: RqField) -> Option<&LineInput> {
        match field {
            RqField::Role => Some(&self.role),
            RqField::Start => Some(&self.start),
            RqField::End => Some(&self.end),
            RqField::Percent => Some(&self.percent),
            RqField::Notes => Some(&self.notes),
            _ => None,
        }
    }

    fn text_mut(&mut self) -> Option<&mut LineInput> {
        match self.focus {
            RqField::Role => Some(&mut self.role),
            RqField::Start => Some(&mut self.start),
            RqField::End => Some(&mut self.end),
            RqField::Percent => Some(&mut self.percent),
            RqField::Notes => Some(&mut self.notes),
            _ => None,
        }
    }

    fn move_focus(&mut self, by: i64) {
        // Leaving a chooser with a query picks its highlighted match.
        let several = self.focus == RqField::Approvers;
        if let Some(c) = self.choice_mut()
            && !c.query.is_empty()
        {
            c.pick_on_leave(several);
            c.query.clear();
            c.refilter();
        }
        let fields = self.fields();
        let i = fields.iter().position(|f| *f == self.focus).unwrap_or(0) as i64;
        self.set_focus(fields[(i + by).rem_euclid(fields.len() as i64) as usize]);
    }

    /// Moves the focus to `field`, selecting the text it holds.
    fn set_focus(&mut self, field: RqField) {
        self.focus = field;
        if let Some(t) = self.text_mut() {
            t.focus();
        }
    }

    /// A key for the focused field: For reads ←/→/Space, a chooser Space (picks) or its search
    /// text, a text field edits.
    fn field_key(&mut self, k: KeyEvent) {
        let several = self.focus == RqField::Approvers;
        match (self.focus, choice_key(&k)) {
            (RqField::Target, Some(KeyCode::Left | KeyCode::Right | KeyCode::Char(' '))) => {
                self.new_role = !self.new_role
            }
            (RqField::Target, _) => {}
            (_, Some(KeyCode::Char(' '))) if self.choice_mut().is_some() => {
                if let Some(c) = self.choice_mut() {
                    c.take_highlighted(several)
                }
            }
            _ => {
                if let Some(c) = self.choice_mut() {
                    c.edit(k);
                } else if let Some(t) = self.text_mut() {
                    line::edit(t, k);
                }
            }
        }
    }
}

pub enum RequestFormOutcome {
    Stay,
    Cancel,
    Submit(NewRequest),
}

/// A refused request's form back in the user's hands, as they left it: open again, unless
/// another dialog was opened meanwhile; then it is kept, and `N` opens it instead of a blank one.
pub fn give_back(state: &mut State, form: RequestForm) {
    if let Some(Overlay::RequestForm(form)) = state.reopen(Overlay::RequestForm(form)) {
        state.request_form_kept = Some(form);
    }
}

/// `N`: the form kept from a refusal if there is one, else a new one.
pub fn open(state: &mut State) {
    let form = match state.request_form_kept.take() {
        Some(form) => form,
        None => RequestForm::new(state),
    };
    state.open(Overlay::RequestForm(form));
}

/// Keys in the request form (the same [`super::form::FormInput`] as the allocation form).
pub fn input(state: &mut State, key: super::form::FormInput) -> RequestFormOutcome {
    use super::form::FormInput as K;
    let Some(mut form) = state.take_request_form() else {
        return RequestFormOutcome::Cancel;
    };
    match key {
        K::Cancel => return RequestFormOutcome::Cancel,
        K::Next => form.move_focus(1),
        K::Prev => form.move_focus(-1),
        K::Down | K::Up if form.choice(form.focus).is_none() => {
            form.move_focus(if key == K::Down { 1 } else { -1 })
        }
        K::Down | K::Up => {
            if let Some(c) = form.choice_mut() {
                let n = c.options.len();
                c.highlight = if key == K::Down {
                    (c.highlight + 1).min(n.saturating_sub(1))
                } else {
                    c.highlight.saturating_sub(1)
                };
            }
        }
        K::Key(k) => form.field_key(k),
        K::Submit => {
            let focus = form.focus;
            form.move_focus(0);
            form.focus = focus;
            match validate(&state.ws, state.today, &state.keys, &form) {
                Ok(new) => {
                    state.request_form_sent = Some(form);
                    return RequestFormOutcome::Submit(new);
                }
                Err(errors) => {
                    form.set_focus(*errors.keys().next().unwrap_or(&form.focus));
                    form.errors = errors;
                    state.open(Overlay::RequestForm(form));
                    return RequestFormOutcome::Stay;
                }
            }
        }
    }
    form.errors.remove(&form.focus);
    state.open(Overlay::RequestForm(form));
    RequestFormOutcome::Stay
}

fn validate(
    ws: &Workspace,
    today: chrono::NaiveDate,
    keys: &crate::app::keys::Keymap,
    f: &RequestForm,
) -> Result<NewRequest, BTreeMap<RqField, String>> {
    let mut errors = BTreeMap::new();
    let target = if f.new_role {
        let project = f.project.chosen.first().cloned();
        if project.is_none() {
            errors.insert(
                RqField::Project,
                format!(
                    "choose the project (type to search, {} or {} picks)",
                    keys.label(crate::app::keys::Mode::Form, crate::app::Command::Submit),
                    keys.label(crate::app::keys::Mode::Form, crate::app::Command::NextField)
                ),
            );
        }
        if f.role.trim().is_empty() {
            errors.insert(
                RqField::Role,
                "name the role to staff, e.g. Engineer".into(),
            );
        }
        project.map(|project_id| RequestTarget::NewUnnamed {
            project_id,
            role: f.role.trim().to_string(),
        })
    } else {
        let r = f.resource.chosen.first().cloned();
        if r.is_none() {
            errors.insert(RqField::Resource, "choose the resource to staff".into());
        }
        r.map(RequestTarget::Resource)
    };
    if f.approvers.chosen.is_empty() {
        errors.insert(
            RqField::Approvers,
            format!(
                "at least one approver is required ({} adds one)",
                keys.label(
                    crate::app::keys::Mode::Form,
                    crate::app::Command::ToggleChoice
                )
            ),
        );
    }
    let start = parse_date_input(&f.start, today)
        .map_err(|e| errors.insert(RqField::Start, e))
        .ok();
    let end = parse_date_input(&f.end, today)
        .map_err(|e| errors.insert(RqField::End, e))
        .ok();
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errors.insert(RqField::End, format!("must be on or after the start ({s})"));
    }
    let percent = f
        .percent
        .trim()
        .trim_end_matches('%')
        .parse::<u32>()
        .ok()
        .filter(|p| (1..=MAX_PERCENT).contains(p));
    if percent.is_none() {
        errors.insert(
            RqField::Percent,
            format!(
                "'{}' is not a percentage from 1 to {MAX_PERCENT}",
                f.percent.trim()
            ),
        );
    }
    let _ = ws;
    match (target, start, end, percent) {
        (Some(target), Some(s), Some(e), Some(percentage)) if errors.is_empty() => Ok(NewRequest {
            target,
            approver_ids: f.approvers.chosen.clone(),
            period: DateRange::new(s, e),
            percentage,
            notes: f.notes.trim().to_string(),
        }),
        _ => Err(errors),
    }
}
