//! Reading only what changed (issue 17): `updated_after` on `/workspace_allocations`
//! ("Filter for records updated after a specified datetime … ISO 8601", K-wa L158;
//! capacity-apis.md §6) within the same `overlaps_with_date_range` as a whole read, and that
//! window's `count` from a one-record page ("count": objects matched by the whole query, K-spec
//! "Response Format"). Kantata keeps no tombstones (capacity-apis.md §6: list endpoints return
//! none, `subscribed_events` is for account admins only), so a deletion shows only as a count
//! smaller than what the replica holds, and the caller then reads the window whole.

use super::{ALLOCATION_INCLUDES, KantataBackend, date_range};
use crate::client::kantata::decode;
use crate::client::transport;
use crate::client::{BackendResult, Changed};
use crate::domain::DateRange;
use chrono::{DateTime, SecondsFormat, Utc};

impl KantataBackend {
    pub(super) async fn changed_allocations(
        &self,
        window: DateRange,
        since: DateTime<Utc>,
    ) -> BackendResult<Changed> {
        let range = date_range(window);
        let after = since.to_rfc3339_opts(SecondsFormat::Millis, true);
        let query = [
            ("overlaps_with_date_range", range.as_str()),
            ("updated_after", after.as_str()),
            ("include", ALLOCATION_INCLUDES),
        ];
        let changed = self.all("workspace_allocations", &query, decode::allocations);
        let count = async {
            let query = [
                ("overlaps_with_date_range", range.as_str()),
                ("per_page", "1"),
            ];
            self.http
                .get("workspace_allocations", &transport::query(&query))
                .await
                .map(|page| page.count)
        };
        let (allocations, count) = futures::try_join!(changed, count)?;
        Ok(Changed { allocations, count })
    }
}
