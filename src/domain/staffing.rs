//! Kantata's staffing rules as pure functions: a person's primary role on a project, when a
//! workspace resource may be deleted, and allocations generated from task-level scheduled hours.

use super::dates::{DateRange, add_days};
use super::model::Resource;
use chrono::NaiveDate;

/// A person's primary role on a project: the role on their participation in the project if set;
/// otherwise their account's default role, but only when they belong to the project's account.
pub fn primary_role(
    participation_role: Option<&str>,
    default_role: Option<&str>,
    same_account: bool,
) -> Option<String> {
    participation_role
        .filter(|r| !r.trim().is_empty())
        .or(default_role.filter(|r| same_account && !r.trim().is_empty()))
        .map(str::to_string)
}

/// Deleting `resource` is refused when it is its person's last resource in their primary role on
/// that project (Kantata keeps one). `siblings` are all of that person's resources on the project.
pub fn check_delete(
    resource: &Resource,
    siblings: &[&Resource],
    primary: Option<&str>,
    names: (&str, &str),
) -> Result<(), String> {
    let (person, project) = names;
    let Some(primary) = primary else {
        return Ok(());
    };
    if resource.person_id.is_none() || !resource.role.eq_ignore_ascii_case(primary) {
        return Ok(());
    }
    let others = siblings
        .iter()
        .filter(|r| r.id != resource.id && r.role.eq_ignore_ascii_case(primary))
        .count();
    if others == 0 {
        return Err(format!(
            "{person}'s {primary} resource is their last in their primary role on {project}, and Kantata keeps one; give them another {primary} resource there first, or change their primary role"
        ));
    }
    Ok(())
}

/// Which weeks of scheduled hours to turn into allocations. A week counts when its Monday does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Any,
    After(NaiveDate),
    Before(NaiveDate),
    Between(NaiveDate, NaiveDate),
}

impl When {
    pub fn admits(&self, monday: NaiveDate) -> bool {
        match *self {
            When::Any => true,
            When::After(d) => monday >= d,
            When::Before(d) => monday <= d,
            When::Between(a, b) => monday >= a.min(b) && monday <= a.max(b),
        }
    }
}

/// One allocation per week of scheduled hours, consecutive weeks with equal hours merged into one
/// allocation (Kantata's "allocations matching scheduled hours"). `weeks` are (Monday, minutes);
/// returns (range Monday..Sunday of the last week, total minutes).
pub fn allocations_from_scheduled(weeks: &[(NaiveDate, u32)], when: When) -> Vec<(DateRange, u32)> {
    let mut weeks: Vec<(NaiveDate, u32)> = weeks
        .iter()
        .copied()
        .filter(|(m, mins)| *mins > 0 && when.admits(*m))
        .collect();
    weeks.sort();
    weeks.dedup_by_key(|(m, _)| *m);
    let mut out: Vec<(DateRange, u32, u32)> = Vec::new(); // (range, total, per week)
    for (monday, minutes) in weeks {
        match out.last_mut() {
            Some((range, total, per_week))
                if *per_week == minutes && add_days(range.end, 1) == monday =>
            {
                range.end = add_days(monday, 6);
                *total = total.saturating_add(minutes);
            }
            _ => out.push((
                DateRange::new(monday, add_days(monday, 6)),
                minutes,
                minutes,
            )),
        }
    }
    out.into_iter().map(|(r, total, _)| (r, total)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::{parse_date, week_start};
    use crate::domain::ids::Id;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn res(id: &str, person: Option<&str>, role: &str) -> Resource {
        Resource {
            id: Id::new(id),
            project_id: Some(Id::new("p")),
            person_id: person.map(Id::new),
            role: role.into(),
            label: role.into(),
        }
    }

    #[test]
    fn primary_role_prefers_the_participation_then_the_account_default() {
        assert_eq!(
            primary_role(Some("Designer"), Some("Engineer"), true).as_deref(),
            Some("Designer")
        );
        assert_eq!(
            primary_role(None, Some("Engineer"), true).as_deref(),
            Some("Engineer")
        );
        assert_eq!(
            primary_role(None, Some("Engineer"), false),
            None,
            "another account's default does not count"
        );
        assert_eq!(
            primary_role(Some(" "), Some("Engineer"), true).as_deref(),
            Some("Engineer"),
            "a blank role is unset"
        );
        assert_eq!(primary_role(None, None, true), None);
    }

    #[test]
    fn the_last_resource_in_the_primary_role_stays() {
        let eng = res("1", Some("u"), "Engineer");
        let des = res("2", Some("u"), "Designer");
        let eng2 = res("3", Some("u"), "engineer");
        let names = ("Ada", "Atlas");
        let e = check_delete(&eng, &[&eng, &des], Some("Engineer"), names).unwrap_err();
        assert!(
            e.contains("Ada's Engineer resource is their last in their primary role on Atlas"),
            "{e}"
        );
        assert!(
            check_delete(&des, &[&eng, &des], Some("Engineer"), names).is_ok(),
            "not the primary role"
        );
        assert!(
            check_delete(&eng, &[&eng, &des, &eng2], Some("Engineer"), names).is_ok(),
            "another remains"
        );
        assert!(
            check_delete(&eng, &[&eng], None, names).is_ok(),
            "no primary role known"
        );
        assert!(
            check_delete(&res("4", None, "Engineer"), &[], Some("Engineer"), names).is_ok(),
            "unnamed"
        );
    }

    #[test]
    fn equal_consecutive_weeks_merge_and_gaps_split() {
        let m = d("2026-11-23");
        let weeks = [
            (m, 600),
            (add_days(m, 7), 600),
            (add_days(m, 14), 900),
            (add_days(m, 28), 900),
        ];
        let out = allocations_from_scheduled(&weeks, When::Any);
        assert_eq!(
            out,
            vec![
                (DateRange::new(m, add_days(m, 13)), 1200),
                (DateRange::new(add_days(m, 14), add_days(m, 20)), 900),
                (DateRange::new(add_days(m, 28), add_days(m, 34)), 900),
            ]
        );
        let after = allocations_from_scheduled(&weeks, When::After(add_days(m, 10)));
        assert_eq!(after.iter().map(|x| x.1).sum::<u32>(), 1800);
        let between =
            allocations_from_scheduled(&weeks, When::Between(add_days(m, 7), add_days(m, 14)));
        assert_eq!(
            between,
            vec![
                (DateRange::new(add_days(m, 7), add_days(m, 13)), 600),
                (DateRange::new(add_days(m, 14), add_days(m, 20)), 900)
            ]
        );
    }

    proptest! {
        #[test]
        fn merging_keeps_every_scheduled_minute_and_leaves_no_equal_neighbours(
            raw in prop::collection::vec((0i64..40, prop_oneof![Just(0u32), Just(300), Just(600), 0u32..3000]), 0..40),
            bounds in (0i64..300, 0i64..300),
            kind in 0u8..4,
        ) {
            let base = d("2026-01-05");
            let mut weeks: Vec<(NaiveDate, u32)> = raw.iter().map(|(w, m)| (add_days(base, 7 * w), *m)).collect();
            weeks.sort();
            weeks.dedup_by_key(|(m, _)| *m);
            let (a, b) = (add_days(base, bounds.0), add_days(base, bounds.1));
            let when = match kind { 0 => When::Any, 1 => When::After(a), 2 => When::Before(a), _ => When::Between(a, b) };
            let out = allocations_from_scheduled(&weeks, when);
            let scheduled: u64 = weeks.iter().filter(|(m, _)| when.admits(*m)).map(|(_, x)| *x as u64).sum();
            prop_assert_eq!(out.iter().map(|x| x.1 as u64).sum::<u64>(), scheduled);
            for pair in out.windows(2) {
                let (r1, t1) = pair[0];
                let (r2, t2) = pair[1];
                prop_assert!(r1.end < r2.start, "in order, no overlap");
                let (w1, w2) = (t1 as i64 / (r1.len_days() / 7), t2 as i64 / (r2.len_days() / 7));
                prop_assert!(add_days(r1.end, 1) != r2.start || w1 != w2, "adjacent allocations differ in weekly hours");
            }
            for (r, _) in &out {
                prop_assert_eq!(week_start(r.start), r.start);
                prop_assert_eq!(r.len_days() % 7, 0);
            }
        }
    }
}
