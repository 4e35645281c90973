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

/// What the Requests view adds after a candidate's own role: " · level 4" where their
/// matching skill is named like that role (" · skilled" without a level), else the skill named
/// (" · QA level 4", [`describe`]); nothing without one.
pub fn beside_role(role: &str, skill: Option<&(String, u8)>) -> String {
    match skill {
        None => String::new(),
        Some((name, 0)) if name.trim().eq_ignore_ascii_case(role.trim()) => " · skilled".into(),
        Some((name, n)) if name.trim().eq_ignore_ascii_case(role.trim()) => format!(" · level {n}"),
        Some(s) => format!(" · {}", describe(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::candidates::{Candidate, Planned, rank};
    use crate::domain::model::Request;
    use proptest::prelude::*;

    /// People (id, role, minutes already booked over the two weeks, named "P{id}") and one
    /// unnamed resource of role `want` asking for `pct` of those two weeks
    /// ([`crate::domain::candidates::tests::workspace`]), with its request.
    fn workspace(people: &[(&str, &str, u32)], want: &str, pct: u32) -> (Workspace, Request) {
        let names: Vec<String> = people.iter().map(|(id, ..)| format!("P{id}")).collect();
        let spec: Vec<(&str, &str, &str, u32)> = people
            .iter()
            .zip(&names)
            .map(|((id, role, load), name)| (*id, name.as_str(), *role, *load))
            .collect();
        let ws = crate::domain::candidates::tests::workspace(&spec, &[(want, pct)]);
        let q = ws.requests[&Id::new("q0")].clone();
        (ws, q)
    }

    fn order(ranked: &[Candidate]) -> Vec<&str> {
        ranked.iter().map(|c| c.person.as_str()).collect()
    }

    #[test]
    fn a_higher_matching_skill_breaks_the_tie_between_people_who_fit_before_free_hours() {
        // 1 and 2 fit with the same free hours; 3 fits with fewer; 4 is over capacity; 5 is a
        // Designer whose skill is named like the role asked for.
        let people = [
            ("1", "Engineer", 0),
            ("2", "Engineer", 0),
            ("3", "Engineer", 1200),
            ("4", "Engineer", 4400),
            ("5", "Designer", 0),
        ];
        let (mut ws, q) = workspace(&people, "Engineer", 50);
        let before = rank(&ws, &q, &Planned::new());
        assert_eq!(
            order(&before),
            ["1", "2", "3", "4", "5"],
            "by free hours, then name"
        );
        assert!(before.iter().all(|c| c.skill.is_none()));

        let give = |ws: &mut Workspace, id: &str, name: &str, level: u8| {
            ws.skills
                .insert(Id::new(id), vec![skill(name, level), skill("Spanish", 5)]);
        };
        give(&mut ws, "2", "Engineer", 2);
        give(&mut ws, "3", "engineering", 4);
        give(&mut ws, "4", "Engineer", 5);
        give(&mut ws, "5", "Engineer", 5);
        let after = rank(&ws, &q, &Planned::new());
        assert_eq!(
            order(&after),
            ["3", "2", "1", "4", "5"],
            "level 4 before level 2 before none among those who fit; fitting and the role still              come first"
        );
        assert_eq!(after[0].skill, Some(("engineering".into(), 4)));
        assert!(after[0].free < after[2].free, "3 has fewer free hours");
        assert_eq!(
            after[0].why(),
            "same role · fits · engineering level 4 · peak 75%"
        );
        assert_eq!(after[2].why(), "same role · fits · peak 50%");
        assert_eq!(after[3].skill, Some(("Engineer".into(), 5)));
        assert!(!after[3].fits);
    }

    proptest! {
        /// Without skills the order is exactly the one before skills existed; with any skills,
        /// only people of the same role match who fit move among themselves, by level; those
        /// over capacity stay closest first.
        #[test]
        fn skills_only_reorder_people_placed_alike(
            people in prop::collection::vec((0usize..3, 0u32..5000, prop::option::of(0u8..6)), 1..8),
            pct in 10u32..120,
        ) {
            let roles = ["Engineer", "QA Engineer", "Designer"];
            let ids: Vec<String> = (0..people.len()).map(|i| format!("{}", i + 1)).collect();
            let spec: Vec<(&str, &str, u32)> = people
                .iter()
                .zip(&ids)
                .map(|((r, load, _), id)| (id.as_str(), roles[*r], *load))
                .collect();
            let (mut ws, q) = workspace(&spec, "Engineer", pct);
            let plain = rank(&ws, &q, &Planned::new());
            let old_key = |c: &Candidate| (c.role, !c.fits, -c.free, ws.person_name(&c.person).to_lowercase(), c.person.clone());
            let mut want = plain.clone();
            want.sort_by_key(old_key);
            prop_assert_eq!(order(&plain), order(&want));

            for ((_, _, level), id) in people.iter().zip(&ids) {
                if let Some(l) = level {
                    ws.skills.insert(Id::new(id), vec![skill("Engineer", *l)]);
                }
            }
            let skilled = rank(&ws, &q, &Planned::new());
            let groups = |r: &[Candidate]| r.iter().map(|c| (c.role, c.fits)).collect::<Vec<_>>();
            prop_assert_eq!(groups(&skilled), groups(&plain));
            for w in skilled.windows(2) {
                if (w[0].role, w[0].fits) == (w[1].role, w[1].fits) {
                    let level = |c: &Candidate| c.skill.as_ref().map(|s| s.1);
                    if w[0].fits {
                        prop_assert!(level(&w[0]) >= level(&w[1]));
                    } else {
                        // Over capacity: closest first, whatever the skills.
                        prop_assert!(w[0].free >= w[1].free);
                    }
                }
            }
        }
    }

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
        assert!(
            matches("QA", "QA Automation"),
            "the skill contains the role"
        );
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
        assert_eq!(
            best_match(&skills, "qa"),
            Some(("QA".into(), 3)),
            "exact, case aside"
        );
        assert_eq!(best_match(&skills, "Designer"), None);
        assert_eq!(best_match(&[], "QA"), None);
        let unleveled = [skill("Designer", 0)];
        assert_eq!(
            best_match(&unleveled, "Designer"),
            Some(("Designer".into(), 0))
        );
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
        assert_eq!(beside_role("qa", Some(&("QA".into(), 4))), " · level 4");
        assert_eq!(beside_role("QA", Some(&("QA".into(), 0))), " · skilled");
        let other = ("QA".into(), 3);
        assert_eq!(beside_role("QA Engineer", Some(&other)), " · QA level 3");
        assert_eq!(beside_role("QA", None), "");
    }
}
