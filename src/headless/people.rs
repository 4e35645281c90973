//! `allot people list`, and finding a person from what was typed after `--user`.

use super::{Exit, write_or_report};
use crate::client::Backend;
use crate::client::sanitize::clean;
use crate::domain::Person;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeopleOptions {
    /// Only people whose role is this one (case aside).
    pub role: Option<String>,
    pub json: bool,
}

#[derive(Serialize)]
struct JsonPerson {
    id: String,
    name: String,
    email: String,
    role: String,
}

/// `allot people list [--role R] [--json]`: everyone, by name.
pub async fn list(
    backend: &dyn Backend,
    opts: &PeopleOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let roster = match backend.roster().await {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(
                err,
                "allot: cannot read the workspace: {}",
                clean(&e.to_string())
            );
            return Exit::Failed;
        }
    };
    let role = opts.role.as_deref().map(|r| r.trim().to_lowercase());
    let mut people: Vec<&Person> = roster
        .people
        .iter()
        .filter(|p| {
            role.as_ref()
                .is_none_or(|r| p.role.trim().to_lowercase() == *r)
        })
        .collect();
    people.sort_by_key(|p| (p.name.to_lowercase(), p.id.clone()));
    let written = if opts.json {
        let items: Vec<JsonPerson> = people
            .iter()
            .map(|p| JsonPerson {
                id: clean(p.id.as_str()),
                name: clean(&p.name),
                email: clean(&p.email),
                role: clean(&p.role),
            })
            .collect();
        serde_json::to_string_pretty(&items)
            .map_err(io::Error::other)
            .and_then(|text| writeln!(out, "{text}"))
    } else if people.is_empty() {
        let mut roles: Vec<String> = roster.people.iter().map(|p| clean(&p.role)).collect();
        roles.sort();
        roles.dedup();
        writeln!(
            out,
            "Nobody has the role {}. Roles: {}.",
            clean(opts.role.as_deref().unwrap_or_default().trim()),
            roles.join(", ")
        )
    } else {
        let rows: Vec<[String; 4]> =
            std::iter::once(["ID", "NAME", "EMAIL", "ROLE"].map(String::from))
                .chain(people.iter().map(|p| {
                    [
                        clean(p.id.as_str()),
                        clean(&p.name),
                        clean(&p.email),
                        clean(&p.role),
                    ]
                }))
                .collect();
        super::table::write(out, &rows, &[false; 4])
    };
    write_or_report(written, out, err, "the people")
}
