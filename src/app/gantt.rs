//! The Gantt's rows: grouped by person (expanding into allocations) or by project (expanding
//! into its resources), rebuilt only when data, grouping or expansion change.

use crate::domain::{Id, RowKey, Workspace};
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    Person,
    Project,
}

/// One line of the Gantt.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GanttRow {
    /// A person's or unnamed resource's total load against capacity.
    Load(RowKey),
    /// One allocation's bar, under its person or unnamed resource.
    Alloc(Id),
    /// A project's total hours.
    Project(Id),
    /// One resource of a project, with the bars of its allocations.
    Resource(Id),
}

impl GanttRow {
    /// Rows that expand into children.
    pub fn is_parent(&self) -> bool {
        matches!(self, GanttRow::Load(_) | GanttRow::Project(_))
    }
}

/// Builds the rows for `top` (people then unnamed resources, in the Resources order) or projects.
pub fn build_rows(
    ws: &Workspace,
    top: &[RowKey],
    grouping: Grouping,
    expanded: &BTreeSet<GanttRow>,
) -> Vec<GanttRow> {
    let mut rows = Vec::new();
    match grouping {
        Grouping::Person => {
            for key in top {
                let parent = GanttRow::Load(key.clone());
                let open = expanded.contains(&parent);
                rows.push(parent);
                if open {
                    rows.extend(
                        ws.allocations_of(key)
                            .into_iter()
                            .map(|a| GanttRow::Alloc(a.id.clone())),
                    );
                }
            }
        }
        Grouping::Project => {
            let mut projects: Vec<_> = ws.projects.values().collect();
            projects.sort_by(|a, b| {
                a.name
                    .to_lowercase()
                    .cmp(&b.name.to_lowercase())
                    .then(a.id.cmp(&b.id))
            });
            for p in projects {
                let parent = GanttRow::Project(p.id.clone());
                let open = expanded.contains(&parent);
                rows.push(parent);
                if open {
                    let mut resources: Vec<_> = ws
                        .resources
                        .values()
                        .filter(|r| r.project_id.as_ref() == Some(&p.id))
                        .collect();
                    resources.sort_by_cached_key(|r| {
                        (
                            r.is_unnamed(),
                            ws.resource_name(r).to_lowercase(),
                            r.id.clone(),
                        )
                    });
                    rows.extend(
                        resources
                            .into_iter()
                            .map(|r| GanttRow::Resource(r.id.clone())),
                    );
                }
            }
        }
    }
    rows
}

/// The parent row of `row`, if it is a child.
/// The row of the other grouping that shows the same thing as `row`: a bar's project, or a
/// project resource's person (or unnamed resource).
pub fn counterpart(ws: &Workspace, row: &GanttRow) -> Option<GanttRow> {
    match row {
        GanttRow::Alloc(id) => ws
            .allocations
            .get(id)?
            .project_id
            .clone()
            .map(GanttRow::Project),
        GanttRow::Resource(id) => ws.row_key(id).map(GanttRow::Load),
        GanttRow::Load(_) | GanttRow::Project(_) => None,
    }
}

pub fn parent_of(ws: &Workspace, row: &GanttRow) -> Option<GanttRow> {
    match row {
        GanttRow::Alloc(id) => {
            let a = ws.allocations.get(id)?;
            ws.row_key(&a.resource_id).map(GanttRow::Load)
        }
        GanttRow::Resource(id) => ws
            .resources
            .get(id)?
            .project_id
            .clone()
            .map(GanttRow::Project),
        _ => None,
    }
}
