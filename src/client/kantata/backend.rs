//! `allot --backend kantata`: the [`Backend`] reads over Kantata OX API v1. (Writes come next;
//! until then the trait's defaults say they are not supported yet.)

use super::decode::{self, Page, WireAllocation, WireResourceRequest};
use super::http::{Http, HttpConfig};
use crate::client::{Backend, BackendKind, BackendResult};
use crate::domain::{Allocation, DateRange, Id, Request, Roster};
use async_trait::async_trait;
use std::collections::HashMap;

pub struct KantataBackend {
    http: Http,
}

impl KantataBackend {
    pub fn new(config: HttpConfig) -> BackendResult<KantataBackend> {
        Ok(KantataBackend {
            http: Http::new(config)?,
        })
    }

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Every page's canonical results, mapped.
    async fn all<T>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        map: fn(&Page) -> BackendResult<Vec<T>>,
    ) -> BackendResult<Vec<T>> {
        let pages = self.http.get_all(path, &Self::q(query)).await?;
        let mut out = Vec::new();
        for p in &pages {
            out.extend(map(p)?);
        }
        Ok(out)
    }
}

#[async_trait]
impl Backend for KantataBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Kantata
    }

    async fn roster(&self) -> BackendResult<Roster> {
        let me = self.http.get("users/me", &[]).await?;
        let current_user = me.results.first().map(|(_, id)| id.clone());
        let people = self.all("users", &[], decode::people).await?;
        let projects = self.all("workspaces", &[], decode::projects).await?;
        let resources = self
            .all(
                "workspace_resources",
                &[
                    ("include_unnamed", "true"),
                    ("include", "user,role,workspace"),
                ],
                decode::resources,
            )
            .await?;
        Ok(Roster {
            name: "Kantata OX".into(),
            current_user,
            people,
            projects,
            resources,
            holidays: Default::default(),
            participations: Vec::new(),
        })
    }

    async fn allocations(&self, window: DateRange) -> BackendResult<Vec<Allocation>> {
        let range = format!(
            "{}:{}",
            window.start.format("%Y-%m-%d"),
            window.end.format("%Y-%m-%d")
        );
        self.all(
            "workspace_allocations",
            &[
                ("overlaps_with_date_range", &range),
                ("include", "workspace"),
            ],
            decode::allocations,
        )
        .await
    }

    /// Requests, with their period and percentage taken from their resource's allocations
    /// (Kantata keeps the requested dates there).
    async fn requests(&self) -> BackendResult<Vec<Request>> {
        let pages = self
            .http
            .get_all(
                "resource_requests",
                &Self::q(&[("include", "approvers,creator,resource")]),
            )
            .await?;
        let mut wires: Vec<WireResourceRequest> = Vec::new();
        for p in &pages {
            wires.extend(p.canonical::<WireResourceRequest>("resource_requests")?);
        }
        let mut resource_ids: Vec<String> = wires
            .iter()
            .filter_map(|w| w.resource_id.as_ref())
            .map(|id| id.to_string())
            .collect();
        resource_ids.sort();
        resource_ids.dedup();
        let mut by_resource: HashMap<Id, Vec<WireAllocation>> = HashMap::new();
        // Ask for the requested resources' allocations a chunk of ids at a time.
        for chunk in resource_ids.chunks(100) {
            let ids = chunk.join(",");
            let pages = self
                .http
                .get_all(
                    "workspace_allocations",
                    &Self::q(&[("workspace_resource_ids", &ids)]),
                )
                .await?;
            for p in &pages {
                for a in p.canonical::<WireAllocation>("workspace_allocations")? {
                    by_resource
                        .entry(a.workspace_resource_id.clone())
                        .or_default()
                        .push(a);
                }
            }
        }
        Ok(wires
            .iter()
            .map(|w| {
                let allocs = w
                    .resource_id
                    .as_ref()
                    .and_then(|r| by_resource.get(r))
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                decode::request_from_wire(w, allocs)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use axum::Router;
    use axum::extract::Query;
    use axum::routing::get;
    use std::collections::HashMap as Map;

    /// Canned spec-shaped answers, one per path, checking the filters allot sends.
    async fn serve() -> String {
        let app = Router::new()
            .route("/api/v1/users/me.json", get(|| async { r#"{"count":1,"meta":{"page_count":1},"results":[{"key":"users","id":"5"}],"users":{"5":{"id":"5","full_name":"Morgan Lee"}}}"# }))
            .route("/api/v1/users.json", get(|| async { r#"{"count":2,"meta":{"page_count":1},"results":[{"key":"users","id":"6"},{"key":"users","id":5}],"users":{"5":{"id":5,"full_name":"Morgan Lee","headline":"Resource Manager"},"6":{"id":"6","full_name":"Ada \u001b[31mLovelace","headline":"Engineer"}}}"# }))
            .route("/api/v1/workspaces.json", get(|| async { r#"{"count":1,"meta":{"page_count":1},"results":[{"key":"workspaces","id":"10"}],"workspaces":{"10":{"id":"10","title":"Atlas"}}}"# }))
            .route(
                "/api/v1/workspace_resources.json",
                get(|Query(q): Query<Map<String, String>>| async move {
                    assert_eq!(q.get("include_unnamed").map(String::as_str), Some("true"));
                    r#"{"count":2,"meta":{"page_count":1},"results":[{"key":"workspace_resources","id":"30"},{"key":"workspace_resources","id":"31"}],
                        "workspace_resources":{"30":{"id":"30","workspace_id":10,"user_id":"6","role_name":"Engineer","label":"Engineer"},
                                               "31":{"id":"31","workspace_id":"10","user_id":null,"role_name":"Designer","label":"Visual designer"}}}"#
                }),
            )
            .route(
                "/api/v1/workspace_allocations.json",
                get(|Query(q): Query<Map<String, String>>| async move {
                    if let Some(range) = q.get("overlaps_with_date_range") {
                        assert_eq!(range, "2026-11-01:2026-12-31");
                    } else {
                        assert_eq!(q.get("workspace_resource_ids").map(String::as_str), Some("31"));
                    }
                    r#"{"count":1,"meta":{"page_count":1},"results":[{"key":"workspace_allocations","id":"40"}],
                        "workspace_allocations":{"40":{"id":"40","workspace_resource_id":"31","workspace_id":"10","start_date":"2026-12-01","end_date":"2026-12-11","minutes":2400,"hard":false,"percentage":50}}}"#
                }),
            )
            .route("/api/v1/resource_requests.json", get(|| async { r#"{"count":1,"meta":{"page_count":1},"results":[{"key":"resource_requests","id":"50"}],"resource_requests":{"50":{"id":"50","status":"new","created_at":"2026-11-20T10:00:00Z","approver_ids":["5"],"creator_id":"6","resource_id":"31"}}}"# }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}/api/v1")
    }

    #[tokio::test]
    async fn the_planner_reads_a_kantata_workspace() {
        let b = KantataBackend::new(HttpConfig::new(serve().await, "t")).unwrap();
        let roster = b.roster().await.unwrap();
        assert_eq!(roster.current_user, Some(Id::new("5")));
        assert_eq!(
            roster
                .people
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>(),
            ["Ada \u{FFFD}[31mLovelace", "Morgan Lee"],
            "results order, cleaned"
        );
        assert_eq!(roster.projects[0].name, "Atlas");
        assert_eq!(roster.resources[1].person_id, None, "unnamed");
        assert_eq!(
            roster.resources[0].project_id,
            Some(Id::new("10")),
            "numeric ids read as text"
        );

        let d = |s| parse_date(s).unwrap();
        let allocs = b
            .allocations(DateRange::new(d("2026-11-01"), d("2026-12-31")))
            .await
            .unwrap();
        assert_eq!(allocs.len(), 1);
        assert_eq!(allocs[0].amount, crate::domain::Amount::TotalMinutes(2400));
        assert!(!allocs[0].hard);

        let requests = b.requests().await.unwrap();
        assert_eq!(
            requests[0].period,
            DateRange::new(d("2026-12-01"), d("2026-12-11")),
            "from the resource's allocations"
        );
        assert_eq!(requests[0].percentage, 50);
        assert!(requests[0].status.is_pending());
        assert_eq!(requests[0].approver_ids, vec![Id::new("5")]);
    }
}
