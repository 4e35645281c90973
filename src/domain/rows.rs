//! The rows of the Resources and Gantt views: which there are, in what order, and what each is
//! called. The reducer sorts and filters by these; the views draw them.

use crate::domain::{Id, RowKey, Workspace};

pub struct RowInfo<'a> {
    pub name: String,
    pub role: &'a str,
    /// The project for an unnamed resource; the number of projects for a person.
    pub project: String,
    pub unnamed: bool,
}

pub fn row_info<'a>(ws: &'a Workspace, key: &RowKey) -> RowInfo<'a> {
    match key {
        RowKey::Person(id) => {
            let person = ws.people.get(id);
            let mut projects: Vec<&Id> = ws
                .resources_of(id)
                .filter_map(|r| r.project_id.as_ref())
                .collect();
            projects.sort_unstable();
            projects.dedup();
            let projects = projects.len();
            RowInfo {
                name: ws.person_name(id).to_string(),
                role: person.map(|p| p.role.as_str()).unwrap_or(""),
                project: match projects {
                    0 => "—".into(),
                    1 => "1 project".into(),
                    n => format!("{n} projects"),
                },
                unnamed: false,
            }
        }
        RowKey::Project(id) => {
            let p = ws.projects.get(id);
            RowInfo {
                name: p
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| "(unknown project)".into()),
                role: "",
                project: p.map(|p| p.client.clone()).unwrap_or_default(),
                unnamed: false,
            }
        }
        RowKey::Unnamed(id) => {
            let r = ws.resources.get(id);
            RowInfo {
                name: r
                    .map(|r| ws.resource_name(r))
                    .unwrap_or_else(|| "(unknown resource)".into()),
                role: r.map(|r| r.role.as_str()).unwrap_or(""),
                project: ws
                    .project_name(r.and_then(|r| r.project_id.as_ref()))
                    .to_string(),
                unnamed: true,
            }
        }
    }
}

/// Every row: people by name, then unnamed resources by project and role.
pub fn ordered(ws: &Workspace) -> Vec<RowKey> {
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
    people
        .into_iter()
        .map(|p| RowKey::Person(p.id.clone()))
        .chain(unnamed.into_iter().map(|r| RowKey::Unnamed(r.id.clone())))
        .collect()
}

/// How many rows there are (`ordered(ws).len()`, without building them): when it differs from
/// the rows shown, a person or an unnamed resource came or went.
pub fn count(ws: &Workspace) -> usize {
    ws.people.len() + ws.resources.values().filter(|r| r.is_unnamed()).count()
}
