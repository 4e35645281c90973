//! The rows filter the Resources view and the Gantt share: fuzzy words matched within one field
//! each (name, role, label, project), and `project:`, `role:`, `person:` words scoped to one.

use crate::domain::{RowKey, Workspace};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Keeps the rows `filter` matches (all of them for a blank filter).
pub fn retain(ws: &Workspace, filter: &str, rows: &mut Vec<RowKey>) {
    if filter.trim().is_empty() {
        return;
    }
    // `project:atlas role:qa person:ana` narrow by one field each; other words match any.
    let mut scoped: Vec<(Scope, String)> = Vec::new();
    let mut free = Vec::new();
    for word in filter.split_whitespace() {
        match word.split_once(':') {
            Some(("project", q)) if !q.is_empty() => scoped.push((Scope::Project, q.to_string())),
            Some(("role", q)) if !q.is_empty() => scoped.push((Scope::Role, q.to_string())),
            Some(("person", q)) if !q.is_empty() => scoped.push((Scope::Person, q.to_string())),
            _ => free.push(word),
        }
    }
    let mut matches = matcher();
    let free = free.join(" ");
    rows.retain(|k| {
        let scopes_ok = scoped
            .iter()
            .all(|(scope, q)| scoped_fields(ws, k, *scope).iter().any(|f| matches(f, q)));
        scopes_ok && (free.is_empty() || filter_fields(ws, k).iter().any(|f| matches(f, &free)))
    });
}

/// Whether a fuzzy `query` matches a text, case aside.
fn matcher() -> impl FnMut(&str, &str) -> bool {
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    move |text: &str, query: &str| {
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        pattern
            .score(Utf32Str::new(text, &mut buf), &mut matcher)
            .is_some()
    }
}

/// Keeps the items `filter` matches within one of their `fields` (all for a blank filter), as
/// the rows' filter matches its words that name no field.
pub fn fuzzy_any<T>(filter: &str, items: &mut Vec<T>, fields: impl Fn(&T) -> Vec<String>) {
    let filter = filter.split_whitespace().collect::<Vec<_>>().join(" ");
    if filter.is_empty() {
        return;
    }
    let mut matches = matcher();
    items.retain(|item| fields(item).iter().any(|f| matches(f, &filter)));
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
