//! Reading only what changed (issue 17). Each step and the document it relies on:
//!
//! - `updated_after`: "Filter for records updated after a specified datetime … ISO 8601" on
//!   `/workspace_allocations` (K-wa L158), `/workspace_resources` (K-wr L284),
//!   `/resource_requests` (K-rr L99), `/users` (K-users L430), `/workspaces` (K-ws L491),
//!   `/time_off_entries` (AE:time-off-entries); capacity-apis.md §6.
//! - `count`: objects matched by the whole query, whatever the page (K-spec "Response Format"),
//!   so a one-record page (`per_page=1`) counts a list in one small request.
//! - `order`: `/workspace_allocations` (K-wa L121–128), `/workspace_resources` (K-wr L227–234)
//!   and `/workspaces` (K-ws L413–423) are sorted `updated_at:desc` by default, so that same
//!   one-record page also carries the newest change: one request says both how many there are
//!   and whether any changed. `/users` sorts only alphabetically (K-users L376–383) and
//!   `/time_off_entries` documents no order (AE), so those take a count and an `updated_after`
//!   page apiece.
//! - Deletions: Kantata keeps no tombstones (list endpoints return none; `subscribed_events`
//!   is for account admins only, capacity-apis.md §6), so a deletion shows only as a smaller
//!   count. Counts of halves of the window then narrow down where, and only the part that
//!   differs is read whole (`overlaps_with_date_range`, K-wa L130).
//! - Requests: `/resource_requests` has no DELETE (K-rr lists GET/POST on the collection and
//!   GET/PUT on one request), so what changed after the last read is all there is to know.
//! - Not probed, read whole at the full check: `/roles` (small; read once a run as well, for
//!   the names writes send as ids), `/workweeks`, `/workweek_memberships`, and the holiday lists
//!   (`/holidays`, `/holiday_calendars`, `/holiday_calendar_associations` have no
//!   `updated_after` at all, AE files). Those change seldom; the replica's daily full check
//!   (and `R R`, `--full-check`) reads them.
//! - `/skill_memberships` (`kantata/skills.rs`) documents `updated_after` but is not probed
//!   either: sorted `created_at:desc` by default (AE:skill-memberships `order`), its probe
//!   would be two more requests (a count and an `updated_after` page) on every refresh, past
//!   the ten a refresh with nothing changed may cost (README, replica figures). Skills only
//!   break ties and change seldom, so they are read whole with every roster read: whenever
//!   another roster list changed, and at the full check.

use super::{ALLOCATION_INCLUDES, KantataBackend, date_range};
use crate::client::kantata::decode;
use crate::client::kantata::{capacity, scheduled};
use crate::client::transport;
use crate::client::{BackendResult, Probe, fingerprint};
use crate::domain::dates::add_days;
use crate::domain::{Allocation, DateRange, Id, Request};
use chrono::{DateTime, SecondsFormat, Utc};
use futures::future::BoxFuture;
use std::collections::BTreeMap;
use std::sync::PoisonError;

/// A part of a window read whole when its count differs, rather than halved again: eight pages
/// go in about as few round trips (five in flight) as three more halvings, one after another.
const PART_MAX: u64 = 8 * 200;

/// Just a record's `updated_at`, to tell from a one-record page whether anything changed.
#[derive(serde::Deserialize)]
struct Stamped {
    #[serde(default)]
    updated_at: Option<DateTime<Utc>>,
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `held` with `changed` over it, by id; a changed allocation that left `window` goes.
pub fn merge(
    held: Vec<Allocation>,
    changed: Vec<Allocation>,
    window: DateRange,
) -> Vec<Allocation> {
    let mut by_id: BTreeMap<Id, Allocation> = held.into_iter().map(|a| (a.id.clone(), a)).collect();
    for a in changed {
        if a.range.overlaps(&window) {
            by_id.insert(a.id.clone(), a);
        } else {
            by_id.remove(&a.id);
        }
    }
    by_id.into_values().collect()
}

impl KantataBackend {
    /// One list's count and whether a record changed after `since`: one request where the
    /// list is sorted newest first by default, two otherwise (see the module notes).
    async fn probe_list(
        &self,
        path: &str,
        query: &[(&str, &str)],
        since: DateTime<Utc>,
        newest_first: bool,
    ) -> BackendResult<(u64, bool)> {
        let mut q = query.to_vec();
        q.push(("per_page", "1"));
        let (q, after) = (transport::query(&q), iso(since));
        let first = self.http.get(path, &q);
        if newest_first {
            let page = first.await?;
            let changed = page
                .canonical::<Stamped>(path)?
                .first()
                .is_some_and(|r| r.updated_at.is_none_or(|t| t > since));
            return Ok((page.count, changed));
        }
        let mut changed_q = query.to_vec();
        changed_q.extend([("per_page", "1"), ("updated_after", after.as_str())]);
        let changed_q = transport::query(&changed_q);
        let (all, changed) = futures::try_join!(first, self.http.get(path, &changed_q))?;
        Ok((all.count, changed.count > 0))
    }

    /// The lists the roster is made from that change from day to day, each counted and checked
    /// for changes after `since`; roles are read whole (one small page) so writes can name them.
    pub(super) async fn probe_roster(&self, since: DateTime<Utc>) -> BackendResult<Probe> {
        let (from, to) = capacity::time_off_bounds(self.loaded_window());
        let off = [("start_date", from.as_str()), ("end_date", to.as_str())];
        let (users, workspaces, resources, time_off, roles) = futures::try_join!(
            self.probe_list("users", &[("on_my_account", "true")], since, false),
            self.probe_list("workspaces", &[], since, true),
            self.probe_list(
                "workspace_resources",
                &[("include_unnamed", "true")],
                since,
                true
            ),
            self.probe_list("time_off_entries", &off, since, false),
            async {
                // Read once a run, for the names writes send as ids; a whole roster read (the
                // full check) reads them again.
                if self.knows_roles() {
                    return Ok(None);
                }
                self.all("roles", &[], decode::roles).await.map(Some)
            },
        )?;
        if let Some(roles) = roles {
            self.set_roles(roles);
        }
        let mut probe = Probe::default();
        for (list, (count, changed)) in [
            ("users", users),
            ("workspaces", workspaces),
            ("workspace_resources", resources),
            (
                "time_off_entries",
                // The window is part of what was counted: another window is another count.
                (
                    time_off.0 ^ (fingerprint(&format!("{from}:{to}")) as u64),
                    time_off.1,
                ),
            ),
        ] {
            probe.counts.insert(list.to_string(), count);
            if changed {
                probe.changed.push(list.to_string());
            }
        }
        Ok(probe)
    }

    /// Story allocation days of `window`: `/story_allocation_days` documents `updated_after`
    /// and the order `updated_at:desc` (SAD `order`; capacity-apis.md §5), so one one-record
    /// page counts them and shows the newest change.
    pub(super) async fn probe_scheduled(
        &self,
        window: DateRange,
        since: DateTime<Utc>,
    ) -> BackendResult<Probe> {
        let mut probe = Probe::default();
        let Some(span) = scheduled::span(window) else {
            return Ok(probe);
        };
        let query: Vec<(&str, String)> = scheduled::query(span)
            .into_iter()
            .map(|(k, v)| {
                (
                    k,
                    if k == "order" {
                        "updated_at:desc".into()
                    } else {
                        v
                    },
                )
            })
            .collect();
        let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (count, changed) = self
            .probe_list(scheduled::PATH, &query, since, true)
            .await?;
        // The span is part of what was counted: another span is another count.
        let span_print = fingerprint(&scheduled::date_between(span)) as u64;
        probe
            .counts
            .insert(scheduled::PATH.into(), count ^ span_print);
        if changed {
            probe.changed.push(scheduled::PATH.into());
        }
        Ok(probe)
    }

    /// `held` (the window as read at `since`) brought up to date; see the module notes.
    pub(super) async fn caught_up(
        &self,
        window: DateRange,
        since: DateTime<Utc>,
        held: Vec<Allocation>,
    ) -> BackendResult<Vec<Allocation>> {
        let range = date_range(window);
        let first = self
            .http
            .get(
                "workspace_allocations",
                &transport::query(&[
                    ("overlaps_with_date_range", range.as_str()),
                    ("order", "updated_at:desc"),
                    ("per_page", "1"),
                ]),
            )
            .await?;
        let newest_changed = first
            .canonical::<Stamped>("workspace_allocations")?
            .first()
            .is_some_and(|r| r.updated_at.is_none_or(|t| t > since));
        if first.count == held.len() as u64 && !newest_changed {
            return Ok(held);
        }
        let after = iso(since);
        let changed = self
            .all(
                "workspace_allocations",
                &[
                    ("overlaps_with_date_range", range.as_str()),
                    ("updated_after", after.as_str()),
                    ("include", ALLOCATION_INCLUDES),
                ],
                decode::allocations,
            )
            .await?;
        let merged = merge(held, changed, window);
        if merged.len() as u64 == first.count {
            return Ok(merged);
        }
        tracing::info!(
            held = merged.len(),
            now = first.count,
            "allocations went since the last read: finding where by counts"
        );
        self.reconcile(window, first.count, merged).await
    }

    /// `held` made equal to Kantata's `window`, whose count is `count`: a part whose count
    /// matches what is held there is kept; a small one that differs is read whole; a large one
    /// is halved and each half counted.
    fn reconcile(
        &self,
        window: DateRange,
        count: u64,
        held: Vec<Allocation>,
    ) -> BoxFuture<'_, BackendResult<Vec<Allocation>>> {
        Box::pin(async move {
            let inside = |a: &Allocation| a.range.overlaps(&window);
            let here = held.iter().filter(|a| inside(a)).count() as u64;
            if here == count {
                return Ok(held);
            }
            let days = (window.end - window.start).num_days();
            if count <= PART_MAX || days < 1 {
                let read = self.read_part(window).await?;
                let mut out: Vec<Allocation> = held.into_iter().filter(|a| !inside(a)).collect();
                let ids: std::collections::HashSet<Id> = out.iter().map(|a| a.id.clone()).collect();
                out.extend(read.into_iter().filter(|a| !ids.contains(&a.id)));
                return Ok(out);
            }
            // At the median start of what is held there, so each half holds about half.
            let mut starts: Vec<_> = held
                .iter()
                .filter(|a| inside(a))
                .map(|a| a.range.start.max(window.start))
                .collect();
            starts.sort();
            let median = starts
                .get(starts.len() / 2)
                .copied()
                .unwrap_or_else(|| add_days(window.start, days / 2));
            let mid = median.clamp(window.start, add_days(window.end, -1));
            let (left, right) = (
                DateRange::new(window.start, mid),
                DateRange::new(add_days(mid, 1), window.end),
            );
            let (l, r) = futures::try_join!(self.count_part(left), self.count_part(right))?;
            let held = self.reconcile(left, l, held).await?;
            self.reconcile(right, r, held).await
        })
    }

    async fn count_part(&self, part: DateRange) -> BackendResult<u64> {
        let range = date_range(part);
        let q = [
            ("overlaps_with_date_range", range.as_str()),
            ("per_page", "1"),
        ];
        Ok(self
            .http
            .get("workspace_allocations", &transport::query(&q))
            .await?
            .count)
    }

    /// A part of the window read whole (without moving the window time off is read for).
    async fn read_part(&self, part: DateRange) -> BackendResult<Vec<Allocation>> {
        let range = date_range(part);
        self.all(
            "workspace_allocations",
            &[
                ("overlaps_with_date_range", range.as_str()),
                ("include", ALLOCATION_INCLUDES),
            ],
            decode::allocations,
        )
        .await
    }

    /// Requests made or changed after `since`.
    pub(super) async fn changed_requests(
        &self,
        since: DateTime<Utc>,
    ) -> BackendResult<Vec<Request>> {
        let after = iso(since);
        Ok(self
            .requests_where(("updated_after", &after))
            .await?
            .iter()
            .map(decode::request_from_wire)
            .collect())
    }

    fn knows_roles(&self) -> bool {
        !self
            .roles
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }

    pub(super) fn set_roles(&self, roles: Vec<(Id, String)>) {
        *self.roles.lock().unwrap_or_else(PoisonError::into_inner) = roles
            .into_iter()
            .map(|(id, name)| (name.trim().to_lowercase(), id))
            .collect();
    }
}
