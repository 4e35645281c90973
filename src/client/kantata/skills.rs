//! People's skills on Kantata: `GET /skill_memberships?user_ids=…&include=skill,user`, read with
//! the roster for the people it holds, to break ranking ties (issue 15).
//!
//! Sources (repo `api-evangelist/mavenlink`, `openapi/mavenlink-skill-memberships-api-openapi.yml`,
//! "AE:skill-memberships"; the schemas also in `kantata-openapi/mavenlink-users-api-openapi.yml`
//! L1534–1567 and L1731–1761; summarised in `shared/reference/capacity-apis.md` §8):
//! - filters `user_ids` ("Only includes skill memberships assigned to a user, by user ID", an
//!   array of integers), `updated_after` (ISO 8601), `page`/`per_page` (≤ 200); the standard
//!   envelope (`count`, `meta`, `results` [{key, id}], objects under `skill_memberships`).
//! - SkillMembership: `cached_skill_name` ("The name of the skill"), `level` (int32, "(1-5)";
//!   0 when none was given: "Not all skills have levels"), `skill_id` only with
//!   `include=skill`, `user_id` only with `include=user`. So both are asked for: `user` to
//!   know whose it is, `skill` for the skill's own `name` under `skills` (the membership's
//!   name is a cached copy), falling back to `cached_skill_name`.
//!
//! Skills only order ties, so a failed read (an account without the feature, a 404 or 500)
//! never fails the roster: it is logged and the roster has no skills.

use super::decode::{Page, lenient_f64};
use crate::client::BackendError;
use crate::client::sanitize::clean;
use crate::domain::Id;
use crate::domain::skills::{MAX_LEVEL, Skill, Skills};
use serde::Deserialize;

pub const PATH: &str = "skill_memberships";
/// `user` for `user_id`, `skill` for `skill_id` and the skill's name (see the module notes).
pub const INCLUDES: &str = "skill,user";
/// Users per request: a page of Kantata's largest size holds about that many people's
/// memberships in one or a few pages, and the query stays a couple of kilobytes.
pub const BATCH: usize = 200;

/// A `skill_memberships` object (SkillMembership).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireSkillMembership {
    pub id: Id,
    #[serde(default)]
    pub cached_skill_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub level: Option<f64>,
    /// Only with `include=skill`.
    #[serde(default)]
    pub skill_id: Option<Id>,
    /// Only with `include=user`.
    #[serde(default)]
    pub user_id: Option<Id>,
}

/// A `skills` object (Skill): only its name is read.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WireSkill {
    pub id: Id,
    #[serde(default)]
    pub name: Option<String>,
}

/// The `user_ids` values for `users`, [`BATCH`] at a time, comma-separated. Only integer ids
/// are sent: the filter takes integers, and no Kantata user has another kind.
pub fn batches(users: &[Id]) -> Vec<String> {
    let ids: Vec<&str> = users
        .iter()
        .map(Id::as_str)
        .filter(|id| id.parse::<u64>().is_ok())
        .collect();
    ids.chunks(BATCH).map(|c| c.join(",")).collect()
}

/// One page's memberships as (user, skill), names cleaned; a membership naming no user (not
/// included) or no skill is left out, and a level outside 0..=5 is clamped into it.
pub fn memberships(page: &Page) -> Result<Vec<(Id, Skill)>, BackendError> {
    Ok(page
        .canonical::<WireSkillMembership>(PATH)?
        .into_iter()
        .filter_map(|m| {
            let user = m.user_id.as_ref().map(|u| Id::new(clean(u.as_str())))?;
            let named = m
                .skill_id
                .as_ref()
                .and_then(|id| page.get::<WireSkill>("skills", id).ok().flatten())
                .and_then(|s| s.name);
            let name = clean(named.or(m.cached_skill_name)?.trim());
            if name.is_empty() {
                return None;
            }
            let level = m.level.unwrap_or(0.0).clamp(0.0, f64::from(MAX_LEVEL)) as u8;
            Some((user, Skill { name, level }))
        })
        .collect())
}

/// Memberships grouped by person, each skill once (its highest level), by name.
pub fn by_person(rows: impl IntoIterator<Item = (Id, Skill)>) -> Skills {
    let mut out = Skills::new();
    for (user, skill) in rows {
        let held = out.entry(user).or_default();
        match held
            .iter_mut()
            .find(|s| s.name.eq_ignore_ascii_case(&skill.name))
        {
            Some(s) => s.level = s.level.max(skill.level),
            None => held.push(skill),
        }
    }
    for skills in out.values_mut() {
        skills.sort_by(|a, b| a.name.cmp(&b.name));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memberships_take_the_skills_name_and_a_clamped_level_and_are_cleaned() {
        let body = r#"{
            "count": 4, "meta": {"count": 4, "page_count": 1, "page_number": 1, "page_size": 200},
            "results": [{"key": "skill_memberships", "id": "1"}, {"key": "skill_memberships", "id": "2"},
                        {"key": "skill_memberships", "id": "3"}, {"key": "skill_memberships", "id": 4}],
            "skill_memberships": {
                "1": {"cached_skill_name": "old name", "level": 4, "skill_id": "7", "user_id": "1001"},
                "2": {"cached_skill_name": "QA\u001b[2J", "level": "9", "user_id": 1002},
                "3": {"cached_skill_name": "Spanish", "level": 2},
                "4": {"cached_skill_name": "  ", "level": 1, "user_id": "1003"}
            },
            "skills": {"7": {"name": "Design", "max_level": "5"}}
        }"#;
        let page = Page::parse(body).unwrap();
        let got = memberships(&page).unwrap();
        assert_eq!(
            got,
            vec![
                (
                    Id::new("1001"),
                    Skill {
                        name: "Design".into(),
                        level: 4
                    }
                ),
                (
                    Id::new("1002"),
                    Skill {
                        name: "QA\u{FFFD}[2J".into(),
                        level: 5
                    }
                ),
            ],
            "the skill's own name, the level clamped, no user or no name left out"
        );
    }

    #[test]
    fn skills_are_grouped_by_person_each_once_at_its_best_level() {
        let s = |n: &str, l: u8| Skill {
            name: n.into(),
            level: l,
        };
        let got = by_person([
            (Id::new("1"), s("QA", 2)),
            (Id::new("1"), s("Design", 1)),
            (Id::new("1"), s("qa", 4)),
            (Id::new("2"), s("Rust", 0)),
        ]);
        assert_eq!(got[&Id::new("1")], vec![s("Design", 1), s("QA", 4)]);
        assert_eq!(got[&Id::new("2")], vec![s("Rust", 0)]);
    }

    #[test]
    fn user_ids_go_in_batches_of_integers() {
        let users: Vec<Id> = (0..450)
            .map(|i| Id::new(format!("{}", 1000 + i)))
            .chain([Id::new("not-a-number")])
            .collect();
        let b = batches(&users);
        assert_eq!(b.len(), 3);
        assert_eq!(b[0].split(',').count(), 200);
        assert_eq!(b[2].split(',').count(), 50);
        assert!(b[0].starts_with("1000,1001,"));
        assert!(!b.iter().any(|x| x.contains("not")));
        assert!(batches(&[]).is_empty());
    }
}
