//! A person's work laid out in time, as planners draw it: one line per workspace resource
//! (project · role), each line's allocations packed into as few sub-lanes as non-overlap allows.
//! Only allocations that touch the visible window take space; the others are counted at the
//! line's edges (`◂ 3` / `2 ▸`).

use super::{Allocation, DateRange, Id, RowKey, Workspace};

/// One workspace resource's line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub resource: Id,
    /// Sub-lanes, each its bars in start order. Never empty: a line with nothing on screen is
    /// one empty lane (it still says the person holds the resource, and takes `n`).
    pub lanes: Vec<Vec<Id>>,
    /// Allocations wholly before the window.
    pub before: usize,
    /// Allocations wholly after the window.
    pub after: usize,
}

/// Packs `ranges` into sub-lanes of indices into `ranges`, each lane in start order with no two
/// ranges sharing a day. First fit in start order opens a lane only when every open lane's last
/// range still runs on the new one's first day, so it uses exactly as many lanes as the most
/// ranges on one day.
pub fn pack(ranges: &[DateRange]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..ranges.len()).collect();
    order.sort_by_key(|&i| (ranges[i].start, ranges[i].end, i));
    let mut lanes: Vec<Vec<usize>> = Vec::new();
    for i in order {
        let start = ranges[i].start;
        match lanes
            .iter_mut()
            .find(|l| l.last().is_some_and(|&j| ranges[j].end < start))
        {
            Some(lane) => lane.push(i),
            None => lanes.push(vec![i]),
        }
    }
    lanes
}

/// The line of `resource` from its allocations (any order), packed for `window`.
pub fn line(resource: &Id, allocs: &[&Allocation], window: DateRange) -> Line {
    let mut before = 0;
    let mut after = 0;
    let shown: Vec<&Allocation> = allocs
        .iter()
        .copied()
        .filter(|a| {
            if a.range.end < window.start {
                before += 1;
                false
            } else if a.range.start > window.end {
                after += 1;
                false
            } else {
                true
            }
        })
        .collect();
    let ranges: Vec<DateRange> = shown.iter().map(|a| a.range).collect();
    let mut lanes: Vec<Vec<Id>> = pack(&ranges)
        .into_iter()
        .map(|l| l.into_iter().map(|i| shown[i].id.clone()).collect())
        .collect();
    if lanes.is_empty() {
        lanes.push(Vec::new());
    }
    Line {
        resource: resource.clone(),
        lanes,
        before,
        after,
    }
}

/// The lines of a person (one per workspace resource they hold, by project name then role) or
/// of an unnamed resource (its one line), packed for `window`.
pub fn person_lines(ws: &Workspace, key: &RowKey, window: DateRange) -> Vec<Line> {
    let mut resources: Vec<&super::Resource> = match key {
        RowKey::Person(p) => ws.resources_of(p).collect(),
        RowKey::Unnamed(r) | RowKey::Project(r) => ws.resources.get(r).into_iter().collect(),
    };
    resources.sort_by_cached_key(|r| {
        (
            ws.project_name(r.project_id.as_ref()).to_lowercase(),
            r.role.to_lowercase(),
            r.id.clone(),
        )
    });
    let allocs = ws.allocations_of(key);
    resources
        .into_iter()
        .map(|r| {
            let mine: Vec<&Allocation> = allocs
                .iter()
                .copied()
                .filter(|a| a.resource_id == r.id)
                .collect();
            line(&r.id, &mine, window)
        })
        .collect()
}

/// The line of one workspace resource (a project's resource, grouped by project).
pub fn resource_line(ws: &Workspace, resource: &Id, window: DateRange) -> Line {
    let allocs: Vec<&Allocation> = ws
        .row_key(resource)
        .map(|k| ws.allocations_of(&k))
        .unwrap_or_default()
        .into_iter()
        .filter(|a| &a.resource_id == resource)
        .collect();
    line(resource, &allocs, window)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::{add_days, parse_date};
    use proptest::prelude::*;

    fn range(start: i64, len: i64) -> DateRange {
        let base = parse_date("2026-01-05").unwrap();
        DateRange::new(add_days(base, start), add_days(base, start + len))
    }

    /// The most ranges that share one day.
    fn max_overlap(ranges: &[DateRange]) -> usize {
        ranges
            .iter()
            .map(|r| ranges.iter().filter(|o| o.contains(r.start)).count())
            .max()
            .unwrap_or(0)
    }

    proptest! {
        #[test]
        fn packing_never_overlaps_and_uses_the_fewest_lanes(
            spans in proptest::collection::vec((0i64..120, 0i64..30), 0..40)
        ) {
            let ranges: Vec<DateRange> = spans.iter().map(|&(s, l)| range(s, l)).collect();
            let lanes = pack(&ranges);
            // Every range is placed exactly once.
            let mut seen: Vec<usize> = lanes.iter().flatten().copied().collect();
            seen.sort();
            prop_assert_eq!(seen, (0..ranges.len()).collect::<Vec<_>>());
            for lane in &lanes {
                for pair in lane.windows(2) {
                    let (a, b) = (ranges[pair[0]], ranges[pair[1]]);
                    prop_assert!(a.start <= b.start, "lane not in start order");
                    prop_assert!(!a.overlaps(&b), "{a:?} and {b:?} share a lane");
                }
            }
            prop_assert_eq!(lanes.len(), max_overlap(&ranges));
        }
    }

    fn alloc(id: &str, r: DateRange) -> Allocation {
        Allocation::sample(id, "r", r, crate::domain::Amount::HoursPerDay(4.0))
    }

    #[test]
    fn off_window_allocations_are_counted_not_laid_out() {
        let a = [
            alloc("old1", range(0, 4)),
            alloc("old2", range(7, 4)),
            alloc("now", range(28, 10)),
            alloc("also", range(30, 2)),
            alloc("later", range(90, 5)),
        ];
        let refs: Vec<&Allocation> = a.iter().collect();
        let l = line(&Id::new("r"), &refs, range(21, 30));
        assert_eq!((l.before, l.after), (2, 1));
        assert_eq!(
            l.lanes,
            vec![vec![Id::new("now")], vec![Id::new("also")]],
            "two overlapping bars take two lanes"
        );
        // Nothing on screen: one empty lane, still counted at the edges.
        let l = line(&Id::new("r"), &refs, range(50, 10));
        assert_eq!(l.lanes, vec![Vec::<Id>::new()]);
        assert_eq!((l.before, l.after), (4, 1));
    }
}
