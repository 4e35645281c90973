//! Skills over Kantata (issue 15): the client reads `/skill_memberships` from the sandbox with
//! the roster, ranking breaks ties between equally placed candidates by the level of the skill
//! matching the role asked for, and an account whose skills cannot be read still loads.

mod common;

use allot::client::Backend;
use allot::domain::candidates::{Planned, rank};
use allot::domain::skills::Skill;
use allot::domain::{Id, Workspace};
use allot::sandbox::Sandbox;
use common::demo::{kantata_sandbox, loaded};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The pending requests on unnamed resources: the ones candidates are ranked for.
fn pending_unnamed(ws: &Workspace) -> impl Iterator<Item = &allot::domain::Request> {
    ws.requests.values().filter(|q| {
        q.status.is_pending()
            && ws
                .resources
                .get(&q.resource_id)
                .is_some_and(|r| r.is_unnamed())
    })
}

fn skill(name: &str, level: u8) -> Skill {
    Skill {
        name: name.into(),
        level,
    }
}

/// Counts the sandbox's GETs whose path and query contain `needle`.
fn count_reads(sb: &Sandbox, needle: &'static str) -> Arc<AtomicU64> {
    let n = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&n);
    sb.faults().before_reads(Some(Arc::new(move |at: String| {
        if at.contains(needle) {
            seen.fetch_add(1, Ordering::SeqCst);
        }
        Box::pin(async {})
    })));
    n
}

#[tokio::test]
async fn two_equally_placed_candidates_are_ordered_by_their_skill_level_over_kantata() {
    let (sb, k) = kantata_sandbox().await;

    // The roster read, counted: one request for the skills of everyone it holds (one batch).
    let skill_reads = count_reads(&sb, "skill_memberships");
    let before = sb.requests_served();
    let roster = k.roster().await.unwrap();
    let roster_requests = sb.requests_served() - before;
    sb.faults().before_reads(None);
    assert_eq!(
        skill_reads.load(Ordering::SeqCst),
        1,
        "one batch of user_ids"
    );
    println!(
        "roster read: {roster_requests} requests, {} of them /skill_memberships",
        skill_reads.load(Ordering::SeqCst)
    );
    assert!(roster_requests <= 16, "{roster_requests} requests");
    // The seeded skills arrive: someone holds one named like their role, someone holds none.
    let named_like_role = roster.people.iter().filter(|p| {
        roster.skills.get(&p.id).is_some_and(|s| {
            s.iter()
                .any(|s| s.name == p.role && (1..=5).contains(&s.level))
        })
    });
    assert!(named_like_role.count() > 0);
    assert!(
        roster
            .people
            .iter()
            .any(|p| !roster.skills.contains_key(&p.id))
    );

    // A pending request on an unnamed resource, and two candidates of the same role match who
    // both fit: the one with more free hours first, without skills (skills order only those
    // who fit; those over capacity stay closest first).
    let ws = loaded(&k).await;
    let (q, a, b) = pending_unnamed(&ws)
        .find_map(|q| {
            let ranked = rank(&ws, q, &Planned::new());
            let pair = ranked.windows(2).find(|w| {
                w[0].role == w[1].role && w[0].fits && w[1].fits && w[0].free > w[1].free
            })?;
            Some((q.clone(), pair[0].person.clone(), pair[1].person.clone()))
        })
        .expect("the demo has a pending unnamed request with two people placed alike");
    let role = ws.resources[&q.resource_id].role.clone();
    let position = |ws: &Workspace, id: &Id| {
        rank(ws, &q, &Planned::new())
            .iter()
            .position(|c| &c.person == id)
            .unwrap()
    };

    sb.set_skills(a.clone(), vec![]).await;
    sb.set_skills(b.clone(), vec![]).await;
    let plain = loaded(&k).await;
    assert!(
        position(&plain, &a) < position(&plain, &b),
        "no skills: more free hours first"
    );

    // The one with fewer free hours holds the role's skill at a higher level: they go first.
    sb.set_skills(a.clone(), vec![skill(&role, 2), skill("Spanish", 5)])
        .await;
    sb.set_skills(b.clone(), vec![skill(&role, 4)]).await;
    let skilled = loaded(&k).await;
    assert!(
        position(&skilled, &b) < position(&skilled, &a),
        "level 4 before level 2, whatever the free hours"
    );
    let ranked = rank(&skilled, &q, &Planned::new());
    let first = &ranked[position(&skilled, &b)];
    assert_eq!(first.skill, Some((role.clone(), 4)));
    assert!(
        first.why().contains(&format!("{role} level 4")),
        "{}",
        first.why()
    );
}

#[tokio::test]
async fn a_sandbox_refusing_skill_memberships_still_loads_the_roster_without_skills() {
    let (sb, k) = kantata_sandbox().await;
    let whole = k.roster().await.unwrap();
    assert!(!whole.skills.is_empty());
    for status in [500, 404] {
        sb.faults().refuse("skill_memberships", Some(status));
        let roster = k.roster().await.expect("the roster loads");
        assert!(roster.skills.is_empty(), "{status}: no skills");
        assert_eq!(roster.people, whole.people, "{status}");
        assert_eq!(roster.resources, whole.resources, "{status}");
    }
    sb.faults().refuse("skill_memberships", None);
    assert_eq!(k.roster().await.unwrap().skills, whole.skills);
}

#[tokio::test]
async fn a_changed_skill_is_read_with_the_next_roster_read_and_the_probe_does_not_ask() {
    let (sb, k) = kantata_sandbox().await;
    let roster = k.roster().await.unwrap();
    // Someone's level changes in Kantata; the next roster read has it.
    let (who, held) = roster.skills.iter().next().unwrap();
    let mut changed = held.clone();
    changed[0].level = if changed[0].level == 5 { 1 } else { 5 };
    sb.set_skills(who.clone(), changed.clone()).await;
    let mut want = changed;
    want.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(k.roster().await.unwrap().skills[who], want);
    // The refresh probe leaves skills to the roster read (changes.rs): it sends nothing there.
    let skill_reads = count_reads(&sb, "skill_memberships");
    let since = chrono::Utc::now() - chrono::TimeDelta::hours(1);
    let probe = k.roster_probe(since).await.unwrap().unwrap();
    sb.faults().before_reads(None);
    assert_eq!(skill_reads.load(Ordering::SeqCst), 0);
    assert!(!probe.counts.contains_key("skill_memberships"));
}

#[test]
fn requests_show_json_over_kantata_gives_each_candidate_its_matching_skill_or_null() {
    use allot::domain::skills::matches;
    let (rt, sb) = common::sandbox::sandbox(allot::sandbox::Dialect::Kantata);
    let k = common::demo::kantata_sandbox_client(&sb);
    let ws = rt.block_on(loaded(&k));
    let q = pending_unnamed(&ws)
        .next()
        .expect("a pending unnamed request");
    let role = ws.resources[&q.resource_id].role.clone();
    let out = common::sandbox::allot_cli(
        &sb.url,
        &sb.token,
        &["requests", "show", q.id.as_str(), "--json"],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let candidates = v["candidates"].as_array().expect("candidates");
    assert!(!candidates.is_empty());
    let mut with = 0;
    for c in candidates {
        let skill = c.get("skill").expect("every candidate has the key");
        if skill.is_null() {
            continue;
        }
        with += 1;
        let (name, level) = (
            skill["name"].as_str().unwrap(),
            skill["level"].as_u64().unwrap(),
        );
        assert!(matches(&role, name), "{name} for {role}");
        assert!(level <= 5, "{c}");
    }
    assert!(
        with > 0 && with < candidates.len(),
        "{with} of {}",
        candidates.len()
    );
    // Among people of the role asked for who both fit, a higher level comes first; among
    // those over capacity, more free hours.
    let level = |c: &serde_json::Value| c["skill"]["level"].as_i64().unwrap_or(-1);
    let free = |c: &serde_json::Value| c["free_hours"].as_f64().unwrap_or(f64::NAN);
    for w in candidates.windows(2) {
        if w[0]["role"] == role && w[1]["role"] == role && w[0]["fits"] == w[1]["fits"] {
            if w[0]["fits"] == true {
                assert!(level(&w[0]) >= level(&w[1]), "{} before {}", w[0], w[1]);
            } else {
                assert!(free(&w[0]) >= free(&w[1]), "{} before {}", w[0], w[1]);
            }
        }
    }
    // As text, the same skills beside the roles, as the Requests view says them.
    let text = common::sandbox::allot_cli(
        &sb.url,
        &sb.token,
        &["requests", "show", q.id.as_str()],
        &[("COLUMNS", "120")],
    );
    let text = String::from_utf8(text.stdout).unwrap();
    let top = candidates
        .iter()
        .take(5)
        .find(|c| !c["skill"].is_null())
        .expect("one of the five shown has a skill");
    let beside = allot::domain::skills::beside_role(
        top["role"].as_str().unwrap(),
        top["skill"]["name"]
            .as_str()
            .map(|n| (n.to_string(), top["skill"]["level"].as_u64().unwrap() as u8))
            .as_ref(),
    );
    let line = format!(
        "  {} ({}{beside})",
        top["name"].as_str().unwrap(),
        top["role"].as_str().unwrap()
    );
    assert!(text.contains(&line), "{line:?} in\n{text}");
}

#[tokio::test]
async fn the_sandbox_serves_skill_memberships_in_the_documented_shape() {
    let (sb, _) = kantata_sandbox().await;
    let http = reqwest::Client::new();
    let get = |path: String| {
        let req = http
            .get(format!("{}/{path}", sb.url))
            .bearer_auth(&sb.token)
            .send();
        async move {
            let r = req.await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<serde_json::Value>().await.unwrap())
        }
    };
    // Bare: the memberships, without `user_id` or `skill_id` (only with their includes).
    let (status, all) = get("skill_memberships.json?per_page=200".into()).await;
    assert_eq!(status, 200);
    let count = all["count"].as_u64().unwrap();
    assert!(count > 0);
    let first = all["results"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(all["results"][0]["key"], "skill_memberships");
    let m = &all["skill_memberships"][&first];
    assert!(m["cached_skill_name"].is_string());
    assert!(m["level"].as_u64().unwrap() <= 5);
    assert_eq!(m["max_level"], 5);
    assert!(m.get("user_id").is_none() && m.get("skill_id").is_none());
    assert!(all.get("skills").is_none() && all.get("users").is_none());

    // With both includes: ids, and the skill and user objects beside them.
    let (_, both) = get("skill_memberships?include=skill,user&per_page=200".into()).await;
    let m = &both["skill_memberships"][&first];
    let (user, skill) = (m["user_id"].clone(), m["skill_id"].as_str().unwrap());
    assert!(user.is_u64(), "an integer id, as the users' lists send it");
    assert_eq!(both["skills"][skill]["name"], m["cached_skill_name"]);
    assert!(
        both["skills"][skill]["max_level"].is_string(),
        "typed string in Skill"
    );
    assert!(both["users"][user.to_string()]["full_name"].is_string());

    // `user_ids` narrows; paging as every list; an unknown filter changes nothing; a
    // non-integer id is refused naming the parameter.
    let (_, one) = get(format!("skill_memberships?user_ids={user}&include=user")).await;
    let theirs = one["results"].as_array().unwrap();
    assert!(!theirs.is_empty() && (theirs.len() as u64) < count);
    assert!(
        theirs
            .iter()
            .all(|r| one["skill_memberships"][r["id"].as_str().unwrap()]["user_id"] == user)
    );
    let (_, paged) = get("skill_memberships?per_page=2&page=2&by_user_name=nobody".into()).await;
    assert_eq!(paged["count"].as_u64(), Some(count));
    assert_eq!(paged["meta"]["page_number"], 2);
    assert_eq!(paged["results"].as_array().unwrap().len(), 2);
    let (status, refused) = get("skill_memberships?user_ids=abc".into()).await;
    assert_eq!(status, 422, "{refused}");
}
