//! People's skills (Kantata's skill memberships: a skill's name and the person's level in it)
//! and which of them speaks for a role asked for. Ranking uses the best match to break ties
//! between equally placed candidates (issue 15); where a backend has no skills nothing changes.

use super::ids::Id;
use super::workspace::Workspace;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The highest proficiency level Kantata documents ("The user's proficiency level in the skill
/// (1-5)", SkillMembership `level`); 0 is a skill without a level ("This defaults to 0 if it is
/// not specified. Note: Not all skills have levels", AE:skill-memberships create body).
pub const MAX_LEVEL: u8 = 5;

/// One skill a person holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skill {
    pub name: String,
    /// 0 (no level) to [`MAX_LEVEL`].
    pub level: u8,
}

/// Skills by person, for the people who have any.
pub type Skills = BTreeMap<Id, Vec<Skill>>;

/// Whether a skill named `skill` speaks for `role`: equal, or one contains the other, case and
/// surrounding space aside ("QA" for "QA Engineer", "Rust programming" for "Rust"). An empty
/// name matches nothing (it is contained in everything).
pub fn matches(role: &str, skill: &str) -> bool {
    let (role, skill) = (role.trim().to_lowercase(), skill.trim().to_lowercase());
    !role.is_empty() && !skill.is_empty() && (role.contains(&skill) || skill.contains(&role))
}

/// The skill of `skills` that matches `role` best, as (name, level): the highest level; among
/// equal levels the one named exactly like the role, then the first by name. `None` when none
/// matches.
pub fn best_match(skills: &[Skill], role: &str) -> Option<(String, u8)> {
    let exact = |s: &Skill| s.name.trim().eq_ignore_ascii_case(role.trim());
    skills
        .iter()
        .filter(|s| matches(role, &s.name))
        .max_by(|a, b| {
            (a.level, exact(a))
                .cmp(&(b.level, exact(b)))
                .then_with(|| b.name.cmp(&a.name))
        })
        .map(|s| (s.name.clone(), s.level))
}

/// `person`'s best skill for `role` in `ws` ([`best_match`]); `None` without skills.
pub fn for_role(ws: &Workspace, person: &Id, role: &str) -> Option<(String, u8)> {
    ws.skills.get(person).and_then(|s| best_match(s, role))
}

/// "QA level 4", or "QA" for a skill without a level: how a candidate's line says it.
pub fn describe(skill: &(String, u8)) -> String {
    match skill.1 {
        0 => skill.0.clone(),
        n => format!("{} level {n}", skill.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skill(name: &str, level: u8) -> Skill {
        Skill {
            name: name.into(),
            level,
        }
    }

    #[test]
    fn a_skill_matches_a_role_it_equals_contains_or_is_contained_in() {
        assert!(matches("QA Engineer", "qa engineer"));
        assert!(matches("QA Engineer", "QA"), "the role contains the skill");
        assert!(matches("QA", "QA Automation"), "the skill contains the role");
        assert!(matches(" Designer ", "designer"));
        assert!(!matches("Designer", "Engineer"));
        assert!(!matches("QA Engineer", "DevOps"));
        assert!(!matches("", "QA"), "an empty role matches nothing");
        assert!(!matches("QA", "  "), "an empty skill matches nothing");
    }

    #[test]
    fn the_best_match_is_the_highest_level_then_the_exact_name() {
        let skills = [
            skill("QA", 3),
            skill("Spanish", 5),
            skill("QA Engineer", 3),
            skill("Test automation QA", 2),
        ];
        assert_eq!(
            best_match(&skills, "QA Engineer"),
            Some(("QA Engineer".into(), 3)),
            "level 3 twice: the exact name wins; Spanish does not match"
        );
        assert_eq!(best_match(&skills, "QA"), Some(("QA Engineer".into(), 3)));
        assert_eq!(best_match(&skills, "Designer"), None);
        assert_eq!(best_match(&[], "QA"), None);
        let unleveled = [skill("Designer", 0)];
        assert_eq!(best_match(&unleveled, "Designer"), Some(("Designer".into(), 0)));
    }

    #[test]
    fn equal_levels_and_names_pick_the_first_by_name() {
        let skills = [skill("QA b", 2), skill("QA a", 2)];
        assert_eq!(best_match(&skills, "QA"), Some(("QA a".into(), 2)));
    }

    #[test]
    fn a_skill_is_described_with_its_level_when_it_has_one() {
        assert_eq!(describe(&("QA".into(), 4)), "QA level 4");
        assert_eq!(describe(&("Spanish".into(), 0)), "Spanish");
    }
}
