//! Staffing projects from the Resources view: add workspace resources (one person, several
//! marked people at once, or an unnamed role), edit, name or un-name them, and delete them —
//! each an undoable edit, refused in the form with the field and the rule when it breaks one.

use super::command::Command;
use super::edit::LocalChange;
use super::effect::Effect;
use super::form::{FormInput, choice_key};
use super::keys::Mode;
use super::line::{self, LineInput};
use super::request_form::Choice;
use super::state::{Confirm, ListRow, OnYes, Overlay, State, View};
use crate::domain::staffing::{check_delete, primary_role};
use crate::domain::{Allocation, Id, Resource, RowKey, Workspace};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResField {
    Project,
    Person,
    Role,
    Label,
    /// When naming: whether its allocations become hard.
    Hard,
}

impl ResField {
    pub fn label(&self) -> &'static str {
        match self {
            ResField::Project => "Project",
            ResField::Person => "Person",
            ResField::Role => "Role",
            ResField::Label => "Label",
            ResField::Hard => "Allocations",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ResourceForm {
    /// The resource being edited; `None` to add.
    pub editing: Option<Id>,
    pub project: Choice,
    /// Nobody chosen: an unnamed resource.
    pub person: Choice,
    /// People marked in the list, added together (the person field is then hidden).
    pub bulk: Vec<Id>,
    pub role: LineInput,
    pub label: LineInput,
    pub make_hard: bool,
    pub focus: ResField,
    pub errors: BTreeMap<ResField, String>,
    pub was_unnamed: bool,
}

impl ResourceForm {
    pub fn fields(&self) -> Vec<ResField> {
        let mut f = Vec::new();
        if self.editing.is_none() {
            f.push(ResField::Project);
        }
        if self.bulk.is_empty() {
            f.push(ResField::Person);
        }
        f.extend([ResField::Role, ResField::Label]);
        if self.naming() {
            f.push(ResField::Hard);
        }
        f
    }

    /// Editing an unnamed resource and a person is now chosen.
    pub fn naming(&self) -> bool {
        self.editing.is_some() && self.was_unnamed && !self.person.chosen.is_empty()
    }

    pub fn choice(&self, field: ResField) -> Option<&Choice> {
        match field {
            ResField::Project => Some(&self.project),
            ResField::Person => Some(&self.person),
            _ => None,
        }
    }
}

/// The primary role of a person on a project, by Kantata's rule (every local person belongs to
/// the workspace's one account).
pub fn primary_role_of(ws: &Workspace, person: &Id, project: &Id) -> Option<String> {
    let part = ws
        .participations
        .iter()
        .find(|p| &p.person_id == person && &p.project_id == project);
    primary_role(
        part.and_then(|p| p.role.as_deref()),
        ws.people.get(person).map(|p| p.role.as_str()),
        true,
    )
}

fn people_choice(ws: &Workspace) -> Choice {
    Choice::new(
        ws.people
            .values()
            .map(|p| (p.id.clone(), format!("{} ({})", p.name, p.role)))
            .collect(),
    )
}

fn projects_choice(ws: &Workspace) -> Choice {
    Choice::new(
        ws.projects
            .values()
            .map(|p| (p.id.clone(), format!("{} ({})", p.name, p.client)))
            .collect(),
    )
}

/// The resource a Resources line stands for: a held resource, or an unnamed one.
fn selected_resource_id(state: &State) -> Option<Id> {
    match state.resources.lines.get(state.resources.selected)? {
        ListRow::Held(id) | ListRow::Row(RowKey::Unnamed(id)) => Some(id.clone()),
        _ => None,
    }
}

pub fn open_new(state: &mut State) {
    let ws = &state.ws;
    let mut person = people_choice(ws);
    let bulk: Vec<Id> = state.resources.marks.iter().cloned().collect();
    if bulk.is_empty()
        && let Some(ListRow::Row(RowKey::Person(p))) =
            state.resources.lines.get(state.resources.selected)
    {
        person.chosen = vec![p.clone()];
    }
    state.open(Overlay::ResourceForm(ResourceForm {
        editing: None,
        project: projects_choice(ws),
        person,
        bulk,
        role: LineInput::default(),
        label: LineInput::default(),
        make_hard: true,
        focus: ResField::Project,
        errors: BTreeMap::new(),
        was_unnamed: false,
    }));
}

pub fn open_edit(state: &mut State) {
    let Some(id) = selected_resource_id(state) else {
        state.say(format!(
            "Select a workspace resource: {} lists a person's resources under them",
            state.key(Mode::Resources, Command::ExpandPerson)
        ));
        return;
    };
    let Some(r) = state.ws.resources.get(&id).cloned() else {
        return;
    };
    let mut person = people_choice(&state.ws);
    person.chosen = r.person_id.iter().cloned().collect();
    state.open(Overlay::ResourceForm(ResourceForm {
        editing: Some(id),
        project: projects_choice(&state.ws),
        person,
        bulk: Vec::new(),
        role: r.role.as_str().into(),
        label: r.label.as_str().into(),
        make_hard: true,
        focus: ResField::Person,
        errors: BTreeMap::new(),
        was_unnamed: r.is_unnamed(),
    }));
}

pub fn toggle_mark(state: &mut State) {
    if let Some(ListRow::Row(RowKey::Person(p))) =
        state.resources.lines.get(state.resources.selected).cloned()
    {
        if !state.resources.marks.remove(&p) {
            state.resources.marks.insert(p);
        }
        state.say(format!(
            "{} marked: {} adds them all to a project; {} clears",
            state.resources.marks.len(),
            state.key(Mode::Resources, Command::AddToProject),
            state.key(Mode::Resources, Command::Back)
        ));
    }
}

pub fn ask_delete(state: &mut State) {
    let Some(id) = selected_resource_id(state) else {
        state.say(format!(
            "Select a workspace resource to delete: {} lists a person's resources",
            state.key(Mode::Resources, Command::ExpandPerson)
        ));
        return;
    };
    let ws = &state.ws;
    let Some(r) = ws.resources.get(&id).cloned() else {
        return;
    };
    let project = ws.project_name(r.project_id.as_ref()).to_string();
    let who = ws.resource_name(&r);
    if let (Some(person), Some(project_id)) = (&r.person_id, &r.project_id) {
        let siblings: Vec<&Resource> = ws
            .resources_of(person)
            .filter(|x| x.project_id.as_ref() == Some(project_id))
            .collect();
        let primary = primary_role_of(ws, person, project_id);
        if let Err(e) = check_delete(&r, &siblings, primary.as_deref(), (&who, &project)) {
            state.fail(e, "cannot delete it");
            return;
        }
    }
    // Deleting a resource would take its staffing requests with it, resolved or not.
    if let Some(q) = ws.requests.values().find(|q| q.resource_id == id) {
        state.fail(
            format!(
                "Request #{} ({}) is for it, and a resource with staffing requests is kept",
                q.id,
                q.status.as_str()
            ),
            format!("cannot delete {who}'s {} resource on {project}", r.role),
        );
        return;
    }
    let n = allocations_of(ws, &id).len();
    let allocs = match n {
        0 => "no allocations".to_string(),
        1 => "its 1 allocation".to_string(),
        n => format!("its {n} allocations"),
    };
    state.open(Overlay::Confirm(Confirm {
        question: format!(
            "Delete {who}'s {} resource on {project} and {allocs}?",
            r.role
        ),
        on_yes: OnYes::DeleteResource(id),
        scroll: 0,
    }));
}

fn allocations_of(ws: &Workspace, resource: &Id) -> Vec<Allocation> {
    ws.row_key(resource)
        .map(|k| {
            ws.allocations_of(&k)
                .into_iter()
                .filter(|a| &a.resource_id == resource)
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

pub fn delete(state: &mut State, id: &Id) -> Vec<Effect> {
    let Some(r) = state.ws.resources.get(id).cloned() else {
        return Vec::new();
    };
    let mut changes: Vec<LocalChange> = allocations_of(&state.ws, id)
        .into_iter()
        .map(LocalChange::Delete)
        .collect();
    let label = format!(
        "delete {}'s {} resource",
        state.ws.resource_name(&r),
        r.role
    );
    changes.push(LocalChange::DeleteResource(r));
    super::bar_edits::after_edit(state, label, changes)
}

impl ResourceForm {
    /// Moves the focus to `field`, selecting the text it holds.
    fn set_focus(&mut self, field: ResField) {
        self.focus = field;
        match field {
            ResField::Role => self.role.focus(),
            ResField::Label => self.label.focus(),
            _ => {}
        }
    }

    /// A key for the focused field: a chooser's search text (Backspace on an empty one clears
    /// the choice: nobody, an unnamed resource), a text field's editor, ←/→/Space on a toggle.
    fn field_key(&mut self, k: KeyEvent) {
        match self.focus {
            ResField::Project | ResField::Person => {
                let ch = if self.focus == ResField::Project {
                    &mut self.project
                } else {
                    &mut self.person
                };
                let backspace = k.code == KeyCode::Backspace && k.modifiers == KeyModifiers::NONE;
                if backspace && ch.query.is_empty() {
                    ch.chosen.clear();
                    ch.refilter();
                } else {
                    ch.edit(k);
                }
            }
            ResField::Role => {
                line::edit(&mut self.role, k);
            }
            ResField::Label => {
                line::edit(&mut self.label, k);
            }
            ResField::Hard => {
                if let Some(KeyCode::Left | KeyCode::Right | KeyCode::Char(' ')) = choice_key(&k) {
                    self.make_hard = !self.make_hard
                }
            }
        }
    }
}

pub enum ResourceFormOutcome {
    Stay,
    Cancel,
    Commit(String, Vec<LocalChange>),
}

pub fn input(state: &mut State, key: FormInput) -> ResourceFormOutcome {
    use FormInput as K;
    let Some(mut form) = state.take_resource_form() else {
        return ResourceFormOutcome::Cancel;
    };
    let fields = form.fields();
    let at = fields.iter().position(|f| *f == form.focus).unwrap_or(0) as i64;
    let choice_focused = form.choice(form.focus).is_some();
    let leave = |form: &mut ResourceForm| {
        let focus = form.focus;
        let c = match focus {
            ResField::Project => Some(&mut form.project),
            ResField::Person => Some(&mut form.person),
            _ => None,
        };
        if let Some(c) = c
            && !c.query.is_empty()
        {
            c.pick_on_leave(false);
            c.query.clear();
            c.refilter();
        }
    };
    match key {
        K::Cancel => return ResourceFormOutcome::Cancel,
        K::Next | K::Prev => {
            leave(&mut form);
            let by = if key == K::Next { 1 } else { -1 };
            let fields = form.fields();
            form.set_focus(fields[(at + by).rem_euclid(fields.len() as i64) as usize]);
        }
        K::Up | K::Down if !choice_focused => {
            leave(&mut form);
            let by = if key == K::Down { 1 } else { -1 };
            let fields = form.fields();
            form.set_focus(fields[(at + by).rem_euclid(fields.len() as i64) as usize]);
        }
        K::Up | K::Down => {
            let c = if form.focus == ResField::Project {
                &mut form.project
            } else {
                &mut form.person
            };
            let n = c.options.len();
            c.highlight = if key == K::Down {
                (c.highlight + 1).min(n.saturating_sub(1))
            } else {
                c.highlight.saturating_sub(1)
            };
        }
        K::Key(k) => form.field_key(k),
        K::Submit => {
            leave(&mut form);
            return match validate(state, &form) {
                Ok((label, changes)) => {
                    state.resources.marks.clear();
                    ResourceFormOutcome::Commit(label, changes)
                }
                Err(errors) if errors.is_empty() => {
                    state.say("Nothing changed");
                    ResourceFormOutcome::Stay
                }
                Err(errors) => {
                    form.set_focus(*errors.keys().next().unwrap_or(&form.focus));
                    form.errors = errors;
                    state.open(Overlay::ResourceForm(form));
                    ResourceFormOutcome::Stay
                }
            };
        }
    }
    form.errors.remove(&form.focus);
    state.open(Overlay::ResourceForm(form));
    ResourceFormOutcome::Stay
}

fn validate(
    state: &mut State,
    f: &ResourceForm,
) -> Result<(String, Vec<LocalChange>), BTreeMap<ResField, String>> {
    let mut errors = BTreeMap::new();
    let ws = &state.ws;
    let role = f.role.trim().to_string();
    match &f.editing {
        Some(id) => {
            let Some(old) = ws.resources.get(id).cloned() else {
                return Err(BTreeMap::from([(
                    ResField::Person,
                    "this resource is gone (reloaded?)".to_string(),
                )]));
            };
            let person = f.person.chosen.first().cloned();
            if role.is_empty() {
                errors.insert(ResField::Role, "a resource needs a role".into());
            }
            if person.is_some() && person == old.person_id && f.was_unnamed {
                errors.insert(
                    ResField::Person,
                    format!(
                        "{} already is this resource",
                        ws.person_name(person.as_ref().unwrap_or(&old.id))
                    ),
                );
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            let label = if f.label.trim().is_empty() {
                role.clone()
            } else {
                f.label.trim().to_string()
            };
            let to = Resource {
                person_id: person.clone(),
                role,
                label,
                ..old.clone()
            };
            if to == old {
                return Err(BTreeMap::new());
            }
            let mut changes = vec![LocalChange::UpdateResource {
                from: old.clone(),
                to: to.clone(),
            }];
            if old.is_unnamed() && person.is_some() && f.make_hard {
                // Named resources may be booked hard: the unnamed resource's soft allocations harden.
                for a in allocations_of(ws, id).into_iter().filter(|a| !a.hard) {
                    changes.push(LocalChange::Update {
                        from: a.clone(),
                        to: Allocation { hard: true, ..a },
                    });
                }
            }
            let what = match (&old.person_id, &person) {
                (None, Some(p)) => format!("name the {} resource {}", old.role, ws.person_name(p)),
                (Some(_), None) => {
                    format!("un-name {}'s {} resource", ws.resource_name(&old), old.role)
                }
                _ => format!("edit the {} resource", old.role),
            };
            Ok((what, changes))
        }
        None => {
            let Some(project) = f.project.chosen.first().cloned() else {
                return Err(BTreeMap::from([(
                    ResField::Project,
                    "choose the project (type to search, Tab picks)".to_string(),
                )]));
            };
            let people: Vec<Option<Id>> = if f.bulk.is_empty() {
                vec![f.person.chosen.first().cloned()]
            } else {
                f.bulk.iter().cloned().map(Some).collect()
            };
            let mut made = Vec::new();
            for person in &people {
                let role = match (person, role.is_empty()) {
                    (_, false) => role.clone(),
                    (None, true) => {
                        errors.insert(ResField::Role, "an unnamed resource needs a role".into());
                        continue;
                    }
                    (Some(p), true) => match primary_role_of(ws, p, &project) {
                        Some(r) => r,
                        None => {
                            errors.insert(
                                ResField::Role,
                                format!(
                                    "{} has no primary role on this project: give a role",
                                    ws.person_name(p)
                                ),
                            );
                            continue;
                        }
                    },
                };
                if let Some(p) = person
                    && ws.resources_of(p).any(|r| {
                        r.project_id.as_ref() == Some(&project)
                            && r.role.eq_ignore_ascii_case(&role)
                    })
                {
                    errors.insert(
                        ResField::Role,
                        format!("{} already is a {role} on this project", ws.person_name(p)),
                    );
                    continue;
                }
                let label = if f.label.trim().is_empty() {
                    role.clone()
                } else {
                    f.label.trim().to_string()
                };
                made.push((person.clone(), role, label));
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            let project_name = ws.project_name(Some(&project)).to_string();
            let changes: Vec<LocalChange> = made
                .into_iter()
                .map(|(person_id, role, label)| {
                    let id = state.edits.temp_id();
                    LocalChange::CreateResource(Resource {
                        id,
                        project_id: Some(project.clone()),
                        person_id,
                        role,
                        label,
                    })
                })
                .collect();
            let label = match changes.as_slice() {
                [LocalChange::CreateResource(r)] => match &r.person_id {
                    Some(p) => format!(
                        "add {} to {project_name} as {}",
                        state.ws.person_name(p),
                        r.role
                    ),
                    None => format!("add an unnamed {} to {project_name}", r.role),
                },
                many => format!("add {} people to {project_name}", many.len()),
            };
            Ok((label, changes))
        }
    }
}

pub fn is_resources(state: &State) -> bool {
    state.view == View::Resources
}
