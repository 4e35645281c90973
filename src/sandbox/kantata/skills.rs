//! `GET /skill_memberships`: people's skills, from the snapshot's roster (the sandbox's own,
//! `sandbox/skills.rs`).
//!
//! Document: repo `api-evangelist/mavenlink`, `openapi/mavenlink-skill-memberships-api-openapi.yml`
//! ("AE:skill-memberships"); the SkillMembership and Skill schemas also in
//! `kantata-openapi/mavenlink-users-api-openapi.yml` L1534–1567 and L1731–1761; summarised in
//! `shared/reference/capacity-apis.md` §8. Served as documented:
//! - the standard envelope: `count`, `meta`, `results` [{key, id}], objects by id under
//!   `skill_memberships`, included ones under `skills` and `users`; `page`, `per_page` (≤ 200)
//!   as every list (`format::Paging`).
//! - filters allot uses: `user_ids` ("Only includes skill memberships assigned to a user, by
//!   user ID", integers: anything else is refused, the strictest reading, as on the calendar
//!   lists), `only`, and the time bounds of [`Since`] (`created_after` … `updated_before`).
//!   The other documented filters (`by_skill_id(s)`, `by_skill_name`, `by_user_name`,
//!   `workspace_id`, `active_account_members_only`) are ignored, as unknown filters are on
//!   every list here.
//! - `include`: `skill_id` "will only be included in the response if `skill` is in the list of
//!   included associations", `user_id` likewise with `user`; `creator` is not served (the
//!   sandbox keeps no creator; its id would be absent anyway).
//! - `order`: `created_at:asc|desc` (the default `created_at:desc`) and `skill_name:asc|desc`,
//!   ties by id ascending (Brainstem, `order.rs`); `full_name` is not served and, like any
//!   order not served, means the default.
//! - a membership: `cached_skill_name`, `level` ("(1-5)", 0 for a skill without a level),
//!   `max_level` (int32), `created_at`, `updated_at`; a skill: `name`, `description`,
//!   `max_level` (typed as a string in the Skill schema), `created_at`, `updated_at`.

use super::calendar::{include_user, int_ids, stable_id};
use super::format::{self, ApiResult, Params};
use super::order;
use super::since::Since;
use super::{Shared, only_ok, page, snapshot};
use crate::domain::Id;
use crate::domain::skills::MAX_LEVEL;
use crate::sandbox::cache::Snapshot;
use axum::extract::State;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

struct Membership {
    id: Id,
    user: Id,
    /// Index into `Tables::skills`.
    skill: usize,
    level: u8,
}

struct SkillRow {
    id: Id,
    name: String,
}

/// Every membership and skill, derived once per snapshot: a skill per distinct name (ids from
/// the name, so they stay put), a membership per person and skill.
struct Tables {
    memberships: Vec<Membership>,
    skills: Vec<SkillRow>,
}

impl Tables {
    fn of(snap: &Snapshot) -> Tables {
        let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
        let mut skills = Vec::new();
        let mut memberships = Vec::new();
        for (user, held) in &snap.roster.skills {
            for s in held {
                let key = s.name.to_lowercase();
                let skill = *by_name.entry(key.clone()).or_insert_with(|| {
                    skills.push(SkillRow {
                        id: Id::from(stable_id("skill", &key)),
                        name: s.name.clone(),
                    });
                    skills.len() - 1
                });
                memberships.push(Membership {
                    id: Id::from(stable_id("skill_membership", &format!("{user}:{key}"))),
                    user: user.clone(),
                    skill,
                    level: s.level,
                });
            }
        }
        Tables {
            memberships,
            skills,
        }
    }
}

fn tables(snap: &Snapshot) -> Arc<Tables> {
    snap.memo(Tables::of)
}

/// A membership's `updated_at` moves when its level does.
fn print(m: &Membership) -> u64 {
    u64::from(m.level)
}

/// Stamps the seeded memberships as made at the start (see `calendar::adopt`).
pub(super) fn adopt(core: &crate::sandbox::Core, snap: &Snapshot) {
    for m in &tables(snap).memberships {
        core.cache.stamps.seed("skill_membership", &m.id, print(m));
    }
}

pub(super) async fn list(State(core): Shared, params: Params) -> ApiResult {
    let since = Since::of(&params)?;
    let users = int_ids(&params, "user_ids")?;
    let snap = snapshot(&core).await?;
    let t = tables(&snap);
    let only = params.ids("only");
    let stamps = |m: &Membership| {
        core.cache
            .stamps
            .observe("skill_membership", &m.id, print(m))
    };
    let mut view: Vec<usize> = (0..t.memberships.len())
        .filter(|&i| only_ok(&only, &t.memberships[i].id))
        .filter(|&i| {
            users
                .as_ref()
                .is_none_or(|u| u.contains(&t.memberships[i].user))
        })
        .filter(|&i| {
            !since.any() || {
                let (created, updated) = stamps(&t.memberships[i]);
                since.admits(created, updated)
            }
        })
        .collect();
    order::sort(&mut view, order::SKILL_MEMBERSHIPS.pick(&params), |i| {
        let m = &t.memberships[i];
        let (created, updated) = stamps(m);
        order::Keys {
            id: &m.id,
            created,
            updated,
            name: &t.skills[m.skill].name,
        }
    });
    Ok(page(&snap, &core, &params, &view, |e, i| {
        let m = &t.memberships[i];
        let skill = &t.skills[m.skill];
        let (created, updated) = stamps(m);
        let mut v = json!({
            "id": m.id.as_str(),
            "cached_skill_name": skill.name,
            "level": m.level,
            "max_level": MAX_LEVEL,
            "created_at": format::time(created),
            "updated_at": format::time(updated),
        });
        if e.wants("skill") {
            v["skill_id"] = json!(skill.id.as_str());
            e.include("skills", &skill.id, |_| {
                json!({
                    "id": skill.id.as_str(),
                    "name": skill.name,
                    "description": "",
                    "max_level": MAX_LEVEL.to_string(),
                    "created_at": format::time(created),
                    "updated_at": format::time(created),
                })
            });
        }
        if e.wants("user") {
            v["user_id"] = format::int_id(&m.user);
            include_user(e, &m.user);
        }
        e.result("skill_memberships", &m.id, v);
    }))
}
