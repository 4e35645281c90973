//! The skills the sandbox serves (Kantata's `/skill_memberships`, `kantata/skills.rs`). allot's
//! store keeps none (the embedded demo ranks without them), so the sandbox makes them from
//! each person's id and role, the same on every start for the demo and the synthetic
//! workspace alike; a test can put others in their place ([`super::Sandbox::set_skills`]).

use crate::client::fingerprint;
use crate::domain::Person;
use crate::domain::skills::{MAX_LEVEL, Skill, Skills};

/// Skills no role is named like, so some people hold one that matches nothing asked for.
const OTHER: [&str; 3] = ["Spanish", "German", "Public speaking"];

/// About three people in four hold a skill named like their role, at a level from 1 to 5; one
/// in four holds none; one in three also holds an unrelated one ([`OTHER`]). Chosen by a hash
/// of the person's id, so a person keeps theirs whoever else comes and goes.
pub(crate) fn seeded(people: &[Person]) -> Skills {
    let mut out = Skills::new();
    for p in people {
        let h = fingerprint(&format!("skills:{}", p.id)) as u64;
        let mut held = Vec::new();
        if !h.is_multiple_of(4) && !p.role.trim().is_empty() {
            held.push(Skill {
                name: p.role.trim().to_string(),
                level: 1 + ((h >> 2) % u64::from(MAX_LEVEL)) as u8,
            });
        }
        if (h >> 8).is_multiple_of(3) {
            held.push(Skill {
                name: OTHER[((h >> 12) % OTHER.len() as u64) as usize].into(),
                level: ((h >> 16) % (u64::from(MAX_LEVEL) + 1)) as u8,
            });
        }
        if !held.is_empty() {
            out.insert(p.id.clone(), held);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::local::demo;
    use crate::domain::dates::parse_date;

    #[test]
    fn the_demo_gets_the_same_skills_every_time_some_people_none() {
        let today = parse_date("2026-11-23").unwrap();
        let people = demo::demo(today).roster.people;
        let (a, b) = (seeded(&people), seeded(&people));
        assert_eq!(a, b);
        let matching = people
            .iter()
            .filter(|p| {
                a.get(&p.id)
                    .is_some_and(|s| s.iter().any(|s| s.name == p.role))
            })
            .count();
        assert!(
            matching >= people.len() / 2,
            "{matching} of {}",
            people.len()
        );
        assert!(a.len() < people.len(), "some people have no skills");
        let levels: std::collections::BTreeSet<u8> =
            a.values().flatten().map(|s| s.level).collect();
        assert!(levels.len() >= 3, "levels vary: {levels:?}");
        assert!(a.values().flatten().all(|s| s.level <= MAX_LEVEL));
    }
}
