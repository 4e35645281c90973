//! `allot people list`, and finding a person from what was typed after `--user`.

use super::table::Col;
use super::{Exit, write_or_report};
use crate::client::Backend;
use crate::client::sanitize::clean;
use crate::domain::{Id, Person};
use serde::Serialize;
use std::io::{self, Write};

/// Names are cut, never dropped; emails go first when the terminal is narrow.
const NAME: Col = Col {
    right: false,
    drop: 0,
    shrink: true,
};
const EMAIL: Col = Col {
    right: false,
    drop: 1,
    shrink: false,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeopleOptions {
    /// Only people whose role is this one (case aside).
    pub role: Option<String>,
    pub json: bool,
    /// The width the table fits in.
    pub width: usize,
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
        super::table::write(out, &rows, &[Col::KEEP, NAME, EMAIL, NAME], opts.width)
    };
    write_or_report(written, out, err, "the people")
}
/// How many of several matches an error names.
const SHOWN: usize = 5;

/// Who `typed` names: a person's id, else their email, else their name (case aside), else the
/// one person whose name contains it. `Err` is the one line saying why nobody or several.
pub fn find<'a>(people: &'a [Person], typed: &str, flag: &str) -> Result<&'a Person, String> {
    let t = typed.trim();
    let lower = t.to_lowercase();
    if let Some(p) = people.iter().find(|p| p.id.as_str() == t) {
        return Ok(p);
    }
    let by = |f: &dyn Fn(&Person) -> bool| -> Vec<&'a Person> {
        people.iter().filter(|p| f(p)).collect()
    };
    for matches in [
        by(&|p| p.email.trim().to_lowercase() == lower),
        by(&|p| p.name.trim().to_lowercase() == lower),
        by(&|p| !lower.is_empty() && p.name.to_lowercase().contains(&lower)),
    ] {
        match matches.as_slice() {
            [] => continue,
            [one] => return Ok(one),
            several => {
                // Enough to pick from; a one-letter guess does not list the whole company.
                let names: Vec<String> = several
                    .iter()
                    .take(SHOWN)
                    .map(|p| {
                        format!(
                            "{} ({}, {})",
                            clean(&p.name),
                            clean(p.id.as_str()),
                            clean(&p.email)
                        )
                    })
                    .collect();
                let more = match several.len().saturating_sub(SHOWN) {
                    0 => String::new(),
                    n => format!(" and {n} more"),
                };
                return Err(format!(
                    "{flag} {}: {} people match: {}{more}; give an id, an email or more of the name",
                    clean(t),
                    several.len(),
                    names.join(", ")
                ));
            }
        }
    }
    Err(format!(
        "{flag} {}: nobody in this workspace has that id, email or name (`allot people list` lists them)",
        clean(t)
    ))
}

/// [`find`] as an id.
pub fn find_id(people: &[Person], typed: &str, flag: &str) -> Result<Id, String> {
    find(people, typed, flag).map(|p| p.id.clone())
}

/// Who `--user` names, as the id the backend acts as. `Err` is the one line to print.
pub async fn resolve_user(backend: &dyn Backend, typed: &str) -> Result<Id, String> {
    let roster = backend.roster().await.map_err(|e| {
        format!(
            "--user {}: cannot read the workspace's people to find them: {e}",
            clean(typed.trim())
        )
    })?;
    find_id(&roster.people, typed, "--user")
}
