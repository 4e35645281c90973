//! `allot --backend ruddr`: the [`Backend`] over Ruddr's workspace API.
//!
//! Ruddr has no workspace resources, so allot's resources are made here: one per (member or
//! placeholder, project) pair seen in the allocations the roster reads, plus one with no
//! project for each member or placeholder with no allocations, so everyone shows. Time-off
//! allocations become the member's days off, not bars.

use super::RuddrConfig;
use super::decode::{
    self, Assignee, Body, WireAllocation, WireMember, WirePeriod, WirePlaceholder, WireProject,
    WireRole, allocation_body, parse_resource_id, resource_id,
};
use super::http::Http;
use crate::client::transport::{Clock, TokioClock};
use crate::client::{
    Applied, Backend, BackendError, BackendKind, BackendResult, NewAllocation, NewRequest,
    NewResource, RequestCreated, Resolution,
};
use crate::domain::dates::add_days;
use crate::domain::{
    Allocation, Calendar, DateRange, Id, Participation, Person, Request, Resource, Roster,
};
use async_trait::async_trait;
use chrono::NaiveDate;
use reqwest::Method;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

const NO_REQUESTS: &str = "Ruddr has no resource requests";

/// What the reads taught us that writes need.
#[derive(Default)]
struct Cache {
    /// The project role last seen on each (assignee, project) resource, for new allocations
    /// there (a project that uses roles may require one).
    roles: HashMap<Id, Id>,
    read_only: HashSet<Id>,
    /// Each member's calendar, for sharing totals when splitting.
    calendars: HashMap<Id, Calendar>,
    /// Placeholders by name, for naming a new unnamed resource after its role.
    placeholders: Vec<(String, Id)>,
    /// The active roles of each project that uses roles (as the roster read them).
    project_roles: HashMap<Id, Vec<(Id, String)>>,
    /// Each member's job title: the role a pair shows while it has no project role.
    titles: HashMap<Id, String>,
}

/// The days that are a holiday in every calendar (none when there are no calendars).
fn common_holidays<'a>(mut cals: impl Iterator<Item = &'a Calendar>) -> BTreeSet<NaiveDate> {
    let Some(first) = cals.next() else {
        return BTreeSet::new();
    };
    let mut common: BTreeSet<NaiveDate> = (*first.holidays).clone();
    for c in cals {
        common.retain(|d| c.holidays.contains(d));
    }
    common
}

pub struct RuddrBackend {
    http: Http,
    /// Who allot acts as (`--user`): Ruddr keys belong to the workspace, not to a person.
    acting_as: Option<Id>,
    today: NaiveDate,
    span: DateRange,
    cache: Mutex<Cache>,
}

/// A project that uses roles and no role chosen for the allocation.
fn missing_role() -> BackendError {
    BackendError::Validation {
        field: Some("role".into()),
        message: "this Ruddr project uses roles: choose the project role for the allocation".into(),
    }
}

fn read_only_refusal() -> BackendError {
    BackendError::Validation {
        field: None,
        message:
            "this allocation comes from a time entry/holiday in Ruddr and can't be edited here"
                .into(),
    }
}

/// The one staleness check of every write: Ruddr's record `now` against the version (the
/// fingerprint of the fields) the edit was made to.
fn refuse_if_moved(now: &Allocation, version: i64) -> BackendResult<()> {
    if now.version == version {
        return Ok(());
    }
    Err(BackendError::Stale(format!(
        "allocation {} was changed in Ruddr since it was read",
        now.id
    )))
}

impl RuddrBackend {
    pub fn new(config: RuddrConfig) -> BackendResult<RuddrBackend> {
        Self::with_clock(config, Arc::new(TokioClock))
    }

    /// With `clock` driving the rate limiter and the backoff (tests use a manual one).
    pub fn with_clock(config: RuddrConfig, clock: Arc<dyn Clock>) -> BackendResult<RuddrBackend> {
        let span = DateRange::new(
            add_days(config.today, -(config.days_back as i64)),
            add_days(config.today, config.days_ahead as i64),
        );
        Ok(RuddrBackend {
            http: Http::with_clock(&config, clock)?,
            acting_as: None,
            today: config.today,
            span,
            cache: Mutex::new(Cache::default()),
        })
    }

    /// The member allot acts as; the roster's current user (Ruddr itself names nobody).
    pub fn act_as(&mut self, user: Option<Id>) {
        self.acting_as = user;
    }

    /// Requests sent so far, retries included.
    pub fn sent(&self) -> u64 {
        self.http.sent.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        match self.cache.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    async fn list<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        what: &str,
        query: &[(&str, &str)],
    ) -> BackendResult<Vec<T>> {
        self.http
            .list(path, query)
            .await?
            .iter()
            .map(|v| decode::decode(what, v))
            .collect()
    }

    /// Allocations of every kind overlapping `window`. The filters are the documented
    /// date-range convention; the overlap is checked again here in case a server ignores them.
    async fn wire_allocations(
        &self,
        window: DateRange,
        only_projects: bool,
    ) -> BackendResult<Vec<WireAllocation>> {
        let (start, end) = (
            window.start.format("%Y-%m-%d").to_string(),
            window.end.format("%Y-%m-%d").to_string(),
        );
        let mut query = vec![
            ("startOnBefore", end.as_str()),
            ("endOnAfter", start.as_str()),
        ];
        if only_projects {
            query.push(("assignmentTypeId", "project"));
        }
        let mut all: Vec<WireAllocation> = self.list("allocations", "allocation", &query).await?;
        all.retain(|w| w.range().overlaps(&window));
        let mut cache = self.cache();
        // Oldest first, so the newest allocation's role is the one remembered.
        for w in all.iter().rev() {
            if let Some(a) = w.to_allocation() {
                if a.read_only {
                    cache.read_only.insert(a.id.clone());
                }
                if let Some(role) = &w.role {
                    cache.roles.insert(a.resource_id.clone(), role.id.clone());
                }
            }
        }
        Ok(all)
    }

    async fn periods(&self, m: &WireMember) -> BackendResult<Vec<WirePeriod>> {
        match &m.availability_periods {
            Some(p) => Ok(p.clone()),
            None => {
                self.list(
                    "availability-periods",
                    "availability period",
                    &[("memberId", m.id.as_str())],
                )
                .await
            }
        }
    }

    /// The roles of each project that uses them, read together (each within the limiter);
    /// projects that don't use roles are not asked about.
    async fn roles_of(
        &self,
        projects: &[WireProject],
    ) -> BackendResult<HashMap<Id, Vec<WireRole>>> {
        let using: Vec<&WireProject> = projects
            .iter()
            .filter(|p| p.use_roles == Some(true))
            .collect();
        let lists = futures::future::try_join_all(using.iter().map(|p| async move {
            self.list::<WireRole>(
                "project-roles",
                "project role",
                &[("projectId", p.id.as_str())],
            )
            .await
        }))
        .await?;
        Ok(using.into_iter().map(|p| p.id.clone()).zip(lists).collect())
    }

    /// Remembers the project role named `name` (among `project`'s active ones) as the role of
    /// pair `id`; false when the project has no such role.
    fn remember_role(&self, id: &Id, project: &Id, name: &str) -> bool {
        let mut cache = self.cache();
        let found = cache.project_roles.get(project).and_then(|roles| {
            roles
                .iter()
                .find(|(_, n)| n.trim().eq_ignore_ascii_case(name.trim()))
                .map(|(rid, _)| rid.clone())
        });
        match found {
            Some(rid) => {
                cache.roles.insert(id.clone(), rid);
                true
            }
            None => false,
        }
    }

    async fn one(&self, id: &Id) -> BackendResult<WireAllocation> {
        let v = self.http.get(&format!("allocations/{id}"), &[]).await?;
        decode::decode("allocation", &v)
    }

    /// Allocation `id` as Ruddr has it now; `None` for time off, which Ruddr itself refuses
    /// to change (in its own words).
    async fn current(&self, id: &Id) -> BackendResult<Option<Allocation>> {
        Ok(self.one(id).await?.to_allocation())
    }

    /// The allocation a write's answer describes.
    fn decoded(v: &Value) -> BackendResult<Allocation> {
        decode::decode::<WireAllocation>("allocation", v)?
            .to_allocation()
            .ok_or_else(|| {
                BackendError::Other("Ruddr answered with an allocation allot can't show".into())
            })
    }

    /// The created allocation from a POST's answer (which must describe it).
    fn created(v: Option<Value>) -> BackendResult<Allocation> {
        let v = v.ok_or_else(|| {
            BackendError::Other("Ruddr created an allocation but did not say which".into())
        })?;
        Self::decoded(&v)
    }

    async fn post(&self, body: &Value) -> BackendResult<Option<Value>> {
        self.http
            .write(Method::POST, "allocations", Some(body))
            .await
    }

    /// PATCHes what `after` changes of `before` (Ruddr's record as last read), and nothing
    /// else: a field left out keeps its value (capacity-apis §9). A role goes only with a move
    /// to another project, where the old one can't stay; otherwise the allocation keeps its own.
    async fn patch(&self, before: &Allocation, after: &Allocation) -> BackendResult<Allocation> {
        let role = self.role_for_move(before, after)?;
        let body = decode::patch_body(before, after, role.as_ref())?;
        if body.is_empty() {
            return Ok(before.clone());
        }
        let v = self
            .http
            .write(
                Method::PATCH,
                &format!("allocations/{}", after.id),
                Some(&Value::Object(body)),
            )
            .await?;
        match v {
            Some(v) => Self::decoded(&v),
            // An empty answer (204): read it back for its new version.
            None => self.current(&after.id).await?.ok_or_else(|| {
                BackendError::Other("Ruddr answered with an allocation allot can't show".into())
            }),
        }
    }

    /// The role a move to another project must name: the new pair's, when that project uses
    /// roles (refused, naming the field, when allot knows none for it).
    fn role_for_move(&self, before: &Allocation, after: &Allocation) -> BackendResult<Option<Id>> {
        let Some((_, Some(project))) = parse_resource_id(&after.resource_id) else {
            return Ok(None);
        };
        if before.project_id.as_ref() == Some(&project) {
            return Ok(None);
        }
        let cache = self.cache();
        if !cache.project_roles.contains_key(&project) {
            return Ok(None);
        }
        cache
            .roles
            .get(&after.resource_id)
            .cloned()
            .map(Some)
            .ok_or_else(missing_role)
    }

    async fn create_one(&self, n: &NewAllocation) -> BackendResult<Allocation> {
        let role = self.cache().roles.get(&n.resource_id).cloned();
        let uses_roles = parse_resource_id(&n.resource_id)
            .and_then(|(_, p)| p)
            .is_some_and(|p| self.cache().project_roles.contains_key(&p));
        if uses_roles && role.is_none() {
            // Nothing sent: Ruddr would refuse it (R-seed-create L180–183).
            return Err(missing_role());
        }
        let body = allocation_body(
            &n.resource_id,
            &Body {
                range: n.range,
                amount: n.amount,
                notes: &n.notes,
                allocate_on_time_off: false,
                role_id: role.as_ref(),
                task_id: None,
            },
        )?;
        Self::created(self.post(&body).await?)
    }
}

/// No incremental reads (issue 17): every Ruddr object carries only `createdAt`, no
/// `updatedAt`, and no list documents a changed-since filter or an ETag (capacity-apis.md §15;
/// the list docs give only `startingAfter`, `endingBefore` and `limit`, §10), so the trait's
/// `roster_probe`, `allocations_caught_up` and `scheduled_probe` stay `None` and a replica's
/// refresh reads every list whole.
#[async_trait]
impl Backend for RuddrBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Ruddr
    }

    /// Proves the key with Ruddr's cheapest call: "workspace Acme Consulting (<id>)".
    async fn whoami(&self) -> BackendResult<String> {
        let ws = self.http.get("", &[]).await?;
        let field = |k: &str| {
            ws.get(k)
                .and_then(Value::as_str)
                .map(crate::client::sanitize::clean)
                .unwrap_or_else(|| "?".into())
        };
        Ok(format!("workspace {} ({})", field("name"), field("id")))
    }

    fn activity(&self) -> Option<String> {
        self.http.activity()
    }

    async fn roster(&self) -> BackendResult<Roster> {
        // The workspace itself first: it proves the key before the lists go out.
        let workspace = self.http.get("", &[]).await?;
        let name = workspace
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("Ruddr")
            .to_string();
        let (members, projects, placeholders, wires) = futures::try_join!(
            self.list::<WireMember>("members", "member", &[]),
            self.list::<WireProject>("projects", "project", &[]),
            self.list::<WirePlaceholder>("resource-placeholders", "placeholder", &[]),
            self.wire_allocations(self.span, false),
        )?;

        // Pairs seen, with the role each was last allocated under; and members' time off and
        // holiday rows, read into their calendars below.
        let mut pairs: BTreeMap<(Assignee, Id), String> = BTreeMap::new();
        let mut days_off: HashMap<Id, Vec<&WireAllocation>> = HashMap::new();
        for w in &wires {
            let Some(who) = w.assignee() else { continue };
            if w.is_time_off() {
                if let Assignee::Member(m) = &who {
                    days_off.entry(m.clone()).or_default().push(w);
                }
            } else if let Some(p) = &w.project {
                let role = w
                    .role
                    .as_ref()
                    .and_then(|r| r.name.clone())
                    .unwrap_or_default();
                pairs.entry((who, p.id.clone())).or_insert(role);
            }
        }

        // Active members, and inactive ones that still hold allocations in the span.
        let on_something: HashSet<&Id> = pairs
            .keys()
            .filter_map(|(who, _)| match who {
                Assignee::Member(m) => Some(m),
                Assignee::Placeholder(_) => None,
            })
            .collect();
        let members: Vec<WireMember> = members
            .into_iter()
            .filter(|m| m.is_active != Some(false) || on_something.contains(&m.id))
            .collect();
        let (periods, roles) = futures::try_join!(
            futures::future::try_join_all(members.iter().map(|m| self.periods(m))),
            self.roles_of(&projects),
        )?;
        let calendars: HashMap<Id, Calendar> = members
            .iter()
            .zip(&periods)
            .map(|(m, p)| {
                let rows = days_off.remove(&m.id).unwrap_or_default();
                (
                    m.id.clone(),
                    decode::member_calendar(p, (m.active_start_date, m.active_end_date), &rows),
                )
            })
            .collect();
        let mut people: Vec<Person> = members
            .iter()
            .zip(&periods)
            .map(|(m, p)| {
                // The person's one pattern and whole days off; their calendar keeps the rest.
                let off = calendars[&m.id].time_off.clone();
                decode::person(m, decode::weekly_capacity(p, self.today), off)
            })
            .collect();
        people.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));

        let placeholders: Vec<WirePlaceholder> = placeholders
            .into_iter()
            .filter(|p| {
                p.is_active != Some(false)
                    || pairs
                        .keys()
                        .any(|(w, _)| *w == Assignee::Placeholder(p.id.clone()))
            })
            .collect();
        let placeholder_name = |id: &Id| {
            placeholders
                .iter()
                .find(|p| &p.id == id)
                .and_then(|p| p.name.clone())
                .unwrap_or_default()
        };

        let mut resources: Vec<Resource> = Vec::new();
        let mut participations: Vec<Participation> = Vec::new();
        for ((who, project), role) in &pairs {
            let id = resource_id(who, Some(project));
            resources.push(match who {
                Assignee::Member(m) => {
                    participations.push(Participation {
                        person_id: m.clone(),
                        project_id: project.clone(),
                        role: Some(role.clone()).filter(|r| !r.is_empty()),
                    });
                    let title = people
                        .iter()
                        .find(|p| &p.id == m)
                        .map(|p| p.role.clone())
                        .unwrap_or_default();
                    let role = if role.is_empty() { title } else { role.clone() };
                    Resource {
                        id,
                        project_id: Some(project.clone()),
                        person_id: Some(m.clone()),
                        label: role.clone(),
                        role,
                    }
                }
                Assignee::Placeholder(ph) => {
                    let name = placeholder_name(ph);
                    Resource {
                        id,
                        project_id: Some(project.clone()),
                        person_id: None,
                        role: name.clone(),
                        label: name,
                    }
                }
            });
        }
        // Everyone with nothing in the span still gets a row.
        let busy: HashSet<&Assignee> = pairs.keys().map(|(w, _)| w).collect();
        for p in &people {
            let who = Assignee::Member(p.id.clone());
            if !busy.contains(&who) {
                resources.push(Resource {
                    id: resource_id(&who, None),
                    project_id: None,
                    person_id: Some(p.id.clone()),
                    role: p.role.clone(),
                    label: p.role.clone(),
                });
            }
        }
        for ph in &placeholders {
            let who = Assignee::Placeholder(ph.id.clone());
            if !busy.contains(&who) {
                let name = ph.name.clone().unwrap_or_default();
                resources.push(Resource {
                    id: resource_id(&who, None),
                    project_id: None,
                    person_id: None,
                    role: name.clone(),
                    label: name,
                });
            }
        }

        let mut projects: Vec<_> = projects
            .iter()
            .map(|p| decode::project(p, roles.get(&p.id).map(Vec::as_slice)))
            .collect();
        projects.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));

        {
            let mut cache = self.cache();
            cache.calendars = calendars.clone();
            cache.placeholders = placeholders
                .iter()
                .map(|p| (p.name.clone().unwrap_or_default(), p.id.clone()))
                .collect();
            cache.titles = people
                .iter()
                .map(|p| (p.id.clone(), p.role.clone()))
                .collect();
            cache.project_roles = projects
                .iter()
                .filter_map(|p| Some((p.id.clone(), p.roles.clone()?)))
                .collect();
        }

        Ok(Roster {
            unnamed_calendar: None,
            name,
            current_user: self.acting_as.clone(),
            people,
            projects,
            resources,
            // Ruddr's holidays are per member (holiday schedules): each member's calendar has
            // their own; the workspace's are the days that are a holiday for everyone.
            holidays: Arc::new(common_holidays(calendars.values())),
            participations,
            calendars: calendars.into_iter().collect(),
            // Ruddr's members carry `skills` (api-notes.md) but allot does not read them yet.
            skills: Default::default(),
        })
    }

    /// Project allocations overlapping `window`, sorted by start, end, id (Ruddr pages come
    /// newest-created first, which would shuffle on every change).
    async fn allocations(&self, window: DateRange) -> BackendResult<Vec<Allocation>> {
        let mut out: Vec<Allocation> = self
            .wire_allocations(window, true)
            .await?
            .iter()
            .filter_map(WireAllocation::to_allocation)
            .collect();
        out.sort_by(|a, b| {
            (a.range.start, a.range.end, &a.id).cmp(&(b.range.start, b.range.end, &b.id))
        });
        Ok(out)
    }

    async fn requests(&self) -> BackendResult<Vec<Request>> {
        Ok(vec![])
    }

    /// One POST per allocation (Ruddr has no bulk create), all through the rate limiter. If one
    /// fails, the ones before it stand (a [`BackendError::Partial`] says which); ones after it
    /// that were made anyway are deleted again, and if that fails too the failure says so as
    /// [`BackendError::Unknown`], so the caller reads Ruddr again.
    async fn create_allocations(&self, new: Vec<NewAllocation>) -> BackendResult<Vec<Allocation>> {
        let results = futures::future::join_all(new.iter().map(|n| self.create_one(n))).await;
        let mut done = Vec::with_capacity(results.len());
        let mut results = results.into_iter();
        let mut cause = loop {
            match results.next() {
                None => return Ok(done),
                Some(Ok(a)) => done.push(a),
                Some(Err(e)) => break e,
            }
        };
        let mut not_undone = Vec::new();
        for r in results {
            match r {
                Ok(extra) => {
                    if let Err(undo) = self.delete_allocation(extra.id.clone()).await {
                        not_undone.push(format!("{} ({undo})", extra.id));
                    }
                }
                // A create that may have landed says more than a refusal.
                Err(e @ BackendError::Unknown(_)) if !matches!(cause, BackendError::Unknown(_)) => {
                    cause = e
                }
                Err(_) => {}
            }
        }
        if !not_undone.is_empty() {
            cause = BackendError::Unknown(format!(
                "{cause}; allot could not delete again the allocations it made after that: {}",
                not_undone.join(", ")
            ));
        }
        if done.is_empty() {
            return Err(cause);
        }
        Err(BackendError::Partial {
            done: done.into_iter().map(Applied::Created).collect(),
            cause: Box::new(cause),
        })
    }

    async fn update_allocation(&self, a: Allocation) -> BackendResult<Allocation> {
        if a.read_only || self.cache().read_only.contains(&a.id) {
            return Err(read_only_refusal());
        }
        // Ruddr has no conditional writes: the record is read first and compared.
        let Some(now) = self.current(&a.id).await? else {
            return Err(BackendError::Validation {
                field: None,
                message: format!("allocation {} is time off in Ruddr, read-only here", a.id),
            });
        };
        let same = now.resource_id == a.resource_id
            && now.range == a.range
            && now.amount == a.amount
            && now.notes == a.notes
            && now.allocate_on_time_off == a.allocate_on_time_off;
        if same {
            // A resend of a write whose answer was lost: Ruddr already holds it.
            return Ok(now);
        }
        refuse_if_moved(&now, a.version)?;
        self.patch(&now, &a).await
    }

    /// Ruddr's delete and split take no version: the fields last read are compared with the
    /// record's current ones first (`apply` calls this before each).
    async fn check_unchanged(&self, id: &Id, version: i64) -> BackendResult<()> {
        match self.current(id).await? {
            Some(now) => refuse_if_moved(&now, version),
            None => Ok(()),
        }
    }

    async fn delete_allocation(&self, id: Id) -> BackendResult<()> {
        if self.cache().read_only.contains(&id) {
            return Err(read_only_refusal());
        }
        self.http
            .write(Method::DELETE, &format!("allocations/{id}"), None)
            .await
            .map(|_| ())
    }

    /// PATCHes the first part to end the day before `date`, then POSTs the second with the
    /// same role and task; if the POST fails the first part is put back as it was.
    async fn split_allocation(
        &self,
        id: Id,
        date: NaiveDate,
    ) -> BackendResult<(Allocation, Allocation)> {
        if self.cache().read_only.contains(&id) {
            return Err(read_only_refusal());
        }
        let wire = self.one(&id).await?;
        let a = wire
            .to_allocation()
            .ok_or_else(|| BackendError::Validation {
                field: None,
                message: "time off is not split here".into(),
            })?;
        if a.read_only {
            return Err(read_only_refusal());
        }
        let cal = match wire.assignee() {
            Some(Assignee::Member(m)) => self.cache().calendars.get(&m).cloned(),
            _ => None,
        }
        .unwrap_or_default();
        let (first, second) =
            crate::domain::edit::split(&a, date, Id::new("new"), &cal).map_err(|message| {
                BackendError::Validation {
                    field: None,
                    message,
                }
            })?;
        let first = self.patch(&a, &first).await?;
        let body = allocation_body(
            &second.resource_id,
            &Body {
                range: second.range,
                amount: second.amount,
                notes: &second.notes,
                allocate_on_time_off: second.allocate_on_time_off,
                role_id: wire.role.as_ref().map(|r| &r.id),
                task_id: wire.task.as_ref().map(|t| &t.id),
            },
        )?;
        let made = self.post(&body).await.and_then(Self::created);
        match made {
            Ok(second) => Ok((first, second)),
            Err(e) => match self.patch(&first, &a).await {
                Ok(_) => Err(e),
                // The first part stays shortened: say so, and have the caller read Ruddr.
                Err(undo) => Err(BackendError::Unknown(format!(
                    "{e}; allot could not put back the first part of allocation {} ({undo})",
                    a.id
                ))),
            },
        }
    }

    /// Ruddr keeps no resources: a new one is only a pair allot names. An unnamed one takes the
    /// placeholder named like its role.
    async fn create_resources(&self, new: Vec<NewResource>) -> BackendResult<Vec<Resource>> {
        let placeholders = self.cache().placeholders.clone();
        new.into_iter()
            .map(|n| {
                let role = n.role.clone().unwrap_or_default();
                let who = match &n.person_id {
                    Some(p) => Assignee::Member(p.clone()),
                    None => placeholders
                        .iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case(role.trim()))
                        .map(|(_, id)| Assignee::Placeholder(id.clone()))
                        .ok_or_else(|| BackendError::Validation {
                            field: Some("role".into()),
                            message: format!(
                                "Ruddr has no placeholder named '{role}'; add it in Ruddr first"
                            ),
                        })?,
                };
                let id = resource_id(&who, Some(&n.project_id));
                // On a project that uses roles, a role named like one of its own is the one
                // the pair's allocations take.
                self.remember_role(&id, &n.project_id, &role);
                Ok(Resource {
                    id,
                    project_id: Some(n.project_id),
                    person_id: n.person_id,
                    label: n.label.unwrap_or_else(|| role.clone()),
                    role,
                })
            })
            .collect()
    }

    /// Ruddr keeps no resources, so the one change a pair takes is its role on a project that
    /// uses roles: the role its new allocations are made under (an allocation made already
    /// keeps its own). Anything else would be lost on the next read, so it is refused.
    async fn update_resource(&self, r: Resource) -> BackendResult<Resource> {
        let Some((who, Some(project))) = parse_resource_id(&r.id) else {
            return Err(BackendError::NotFound(format!(
                "no Ruddr resource {}",
                r.id
            )));
        };
        let person = match &who {
            Assignee::Member(m) => Some(m),
            Assignee::Placeholder(_) => None,
        };
        let unsupported = || {
            BackendError::Unsupported(
                "Ruddr keeps no resources: only the project role of a pair can change here, on a project that uses roles"
                    .into(),
            )
        };
        if r.project_id.as_ref() != Some(&project)
            || r.person_id.as_ref() != person
            || (person.is_some() && r.label.trim() != r.role.trim())
        {
            return Err(unsupported());
        }
        let roles = self.cache().project_roles.get(&project).cloned();
        let Some(roles) = roles else {
            return Err(unsupported());
        };
        // Back to what the pair showed before it had a project role (an undo of the form's
        // choice): its member's job title, or its placeholder's name. It then has none.
        let untitled = {
            let cache = self.cache();
            let before = match &who {
                Assignee::Member(m) => cache.titles.get(m).cloned(),
                Assignee::Placeholder(ph) => cache
                    .placeholders
                    .iter()
                    .find(|(_, id)| id == ph)
                    .map(|(name, _)| name.clone()),
            };
            before.is_some_and(|t| t.trim().eq_ignore_ascii_case(r.role.trim()))
        };
        if !self.remember_role(&r.id, &project, &r.role) {
            if untitled {
                self.cache().roles.remove(&r.id);
                return Ok(r);
            }
            return Err(BackendError::Validation {
                field: Some("role".into()),
                message: format!(
                    "the project has no active role named '{}' (its roles: {})",
                    r.role.trim(),
                    roles
                        .iter()
                        .map(|(_, n)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        Ok(r)
    }

    async fn delete_resource(&self, id: Id) -> BackendResult<()> {
        match parse_resource_id(&id) {
            Some(_) => Ok(()),
            None => Err(BackendError::NotFound(format!("no Ruddr resource {id}"))),
        }
    }

    async fn create_request(&self, _new: NewRequest) -> BackendResult<RequestCreated> {
        Err(BackendError::Unsupported(NO_REQUESTS.into()))
    }

    async fn update_approver(&self, _id: Id, _approver_ids: Vec<Id>) -> BackendResult<Request> {
        Err(BackendError::Unsupported(NO_REQUESTS.into()))
    }

    async fn resolve_request(&self, _id: Id, _how: Resolution) -> BackendResult<Request> {
        Err(BackendError::Unsupported(NO_REQUESTS.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::fake::*;
    use super::*;
    use crate::client::transport::manual::ManualClock;
    use crate::domain::{Amount, WeeklyCapacity};
    use serde_json::json;

    /// Ada's availability drops from 8 h to 4 h a day on Tuesday 2026-12-01, she takes 2.5 h
    /// off on 2026-11-17, and her holiday rows cover 2026-12-24..28: the week totals the app
    /// measures load against follow all three.
    #[tokio::test]
    async fn capacity_follows_availability_changes_partial_days_and_holidays() {
        let mut fake = workspace();
        let week = |h: f64| json!([h, h, h, h, h, 0, 0]);
        fake.periods.insert(
            ADA.to_string(),
            vec![
                json!({"id": "p2", "start": "2026-01-01", "end": "2026-11-30", "hoursPerDay": week(8.0), "isDefault": false}),
                json!({"id": "p3", "start": "2026-12-01", "end": null, "hoursPerDay": week(4.0), "isDefault": true}),
            ],
        );
        let mut partial = alloc(&uuid(6), ADA, false, ATLAS, "2026-11-17", "2026-11-17");
        partial["assignmentTypeId"] = json!("time_off");
        partial["project"] = Value::Null;
        partial["role"] = Value::Null;
        partial["task"] = Value::Null;
        partial["hoursPerDay"] = json!(2.5);
        partial["readOnly"] = json!(true);
        partial["entity"] = json!("time_entry");
        fake.allocations.insert(0, partial);
        let (base, _shared) = serve(fake).await;
        let b = RuddrBackend::new(config(base)).unwrap();
        let ws = crate::domain::Workspace::from_roster(b.roster().await.unwrap());
        let ada = crate::domain::RowKey::Person(Id::new(ADA));
        let week_of = |monday: &str| {
            let m = d(monday);
            ws.capacity_in(&ada, DateRange::new(m, add_days(m, 6)))
        };
        assert_eq!(week_of("2026-11-09"), 5 * 480);
        assert_eq!(
            week_of("2026-11-16"),
            5 * 480 - 150,
            "2.5 h off, not the day"
        );
        assert_eq!(
            week_of("2026-11-30"),
            480 + 4 * 240,
            "4 h days from Tuesday"
        );
        assert_eq!(
            week_of("2026-12-21"),
            3 * 240,
            "holidays Thursday and Friday"
        );
        assert_eq!(week_of("2027-01-04"), 5 * 240, "the open period goes on");
    }

    #[tokio::test]
    async fn the_planner_reads_a_ruddr_workspace() {
        let (base, shared) = serve(workspace()).await;
        let b = RuddrBackend::new(config(base)).unwrap();
        assert_eq!(b.kind(), BackendKind::Ruddr);
        let roster = b.roster().await.unwrap();
        assert_eq!(roster.name, "Acme \u{FFFD}]0;Consulting");
        assert_eq!(
            roster.current_user, None,
            "a Ruddr key is nobody in particular"
        );
        assert_eq!(
            b.whoami().await.unwrap(),
            "workspace Acme \u{FFFD}]0;Consulting (ws)"
        );
        let names: Vec<&str> = roster.people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["Ada \u{FFFD}[31mLovelace", "Bo", "Di"],
            "sorted, cleaned; inactive Cy left out, inactive Di kept for their allocation"
        );
        let ada = &roster.people[0];
        assert_eq!(ada.role, "Engineer");
        assert_eq!(
            ada.weekly,
            WeeklyCapacity::STANDARD,
            "the period covering today"
        );
        assert_eq!(
            ada.time_off,
            vec![],
            "her only day-off row is a holiday row"
        );
        let ada_cal = &roster.calendars[&Id::new(ADA)];
        assert!(ada_cal.is_holiday(d("2026-12-24")) && ada_cal.is_holiday(d("2026-12-28")));
        assert!(
            roster.holidays.is_empty(),
            "Bo has no holidays, so none is everyone's"
        );
        assert_eq!(
            roster.people[1].weekly,
            WeeklyCapacity([600, 600, 600, 600, 0, 0, 0])
        );
        assert_eq!(
            roster.people[2].weekly,
            WeeklyCapacity([0; 7]),
            "no period, no capacity"
        );
        let asked: Vec<String> = requests_to(&shared, "/availability-periods")
            .iter()
            .map(|l| l.2["memberId"].clone())
            .collect();
        assert!(asked.contains(&ADA.to_string()) && !asked.contains(&BO.to_string()));
        assert_eq!(
            roster
                .projects
                .iter()
                .map(|p| (p.name.as_str(), p.client.as_str()))
                .collect::<Vec<_>>(),
            [("Atlas", "Acme Corp"), ("Borealis", "")]
        );

        let by_id: HashMap<String, &Resource> = roster
            .resources
            .iter()
            .map(|r| (r.id.to_string(), r))
            .collect();
        let ada_atlas = by_id[&format!("m:{ADA}|p:{ATLAS}")];
        assert_eq!(ada_atlas.person_id, Some(Id::new(ADA)));
        assert_eq!(ada_atlas.role, "Senior Engineer");
        let designer = by_id[&format!("ph:{DESIGNER}|p:{BOREALIS}")];
        assert!(designer.is_unnamed());
        assert_eq!(designer.label, "Designer");
        assert_eq!(
            by_id[&format!("m:{BO}")].project_id,
            None,
            "Bo shows with no project"
        );
        assert!(by_id[&format!("ph:{QA}")].is_unnamed());
        assert!(
            !by_id.contains_key(&format!("m:{ADA}")),
            "Ada has a project row"
        );
        assert_eq!(roster.resources.len(), 5);

        let window = DateRange::new(d("2026-11-01"), d("2026-12-31"));
        let allocs = b.allocations(window).await.unwrap();
        let last = requests_to(&shared, "/allocations").pop().unwrap().2;
        assert_eq!(last["startOnBefore"], "2026-12-31");
        assert_eq!(last["endOnAfter"], "2026-11-01");
        assert_eq!(last["assignmentTypeId"], "project");
        assert_eq!(last["limit"], "100");
        let ids: Vec<String> = allocs.iter().map(|a| a.id.to_string()).collect();
        assert_eq!(
            ids,
            [uuid(1), uuid(2), uuid(4)],
            "by start, time off left out"
        );
        assert_eq!(allocs[1].amount, Amount::HoursPerWeek(20.0));
        assert!(allocs[2].read_only);

        assert_eq!(b.requests().await.unwrap(), vec![]);
        let e = b
            .resolve_request(Id::new("x"), Resolution::Reject)
            .await
            .unwrap_err();
        assert_eq!(
            e,
            BackendError::Unsupported("Ruddr has no resource requests".into())
        );
    }

    #[tokio::test]
    async fn pages_follow_the_cursor_across_three_pages() {
        let fake = Fake {
            // Newest first, as Ruddr sends them.
            allocations: (0..250)
                .rev()
                .map(|n| alloc(&uuid(n), ADA, false, ATLAS, "2026-11-02", "2026-11-06"))
                .collect(),
            ..Default::default()
        };
        let (base, shared) = serve(fake).await;
        let b = RuddrBackend::new(config(base)).unwrap();
        let window = DateRange::new(d("2026-11-01"), d("2026-11-30"));
        let allocs = b.allocations(window).await.unwrap();
        assert_eq!(allocs.len(), 250);
        let ids: Vec<String> = allocs.iter().map(|a| a.id.to_string()).collect();
        assert_eq!(
            ids,
            (0..250).map(uuid).collect::<Vec<_>>(),
            "sorted by start, then id"
        );
        let cursors: Vec<Option<String>> = requests_to(&shared, "/allocations")
            .iter()
            .map(|l| l.2.get("startingAfter").cloned())
            .collect();
        assert_eq!(cursors, [None, Some(uuid(150)), Some(uuid(50))]);
    }

    #[tokio::test]
    async fn a_429_storm_backs_off_1_2_4_8_seconds_then_says_what_ruddr_said() {
        let (base, shared) = serve(Fake {
            busy: 100,
            ..Default::default()
        })
        .await;
        let clock = ManualClock::new();
        let b = RuddrBackend::with_clock(config(base.clone()), clock.clone()).unwrap();
        let window = DateRange::new(d("2026-11-01"), d("2026-11-30"));
        let e = b.allocations(window).await.unwrap_err().to_string();
        assert!(e.contains("429") && e.contains("Too many requests"), "{e}");
        assert_eq!(
            clock.sleeps(),
            [1, 2, 4, 8].map(std::time::Duration::from_secs).to_vec()
        );
        assert_eq!(b.sent(), 5, "the first try and four retries");
        assert_eq!(b.activity(), None);

        // A shorter storm passes, after waiting 1 and 2 s.
        shared.lock().unwrap().busy = 2;
        let clock = ManualClock::new();
        let b = RuddrBackend::with_clock(config(base), clock.clone()).unwrap();
        assert_eq!(b.allocations(window).await.unwrap(), vec![]);
        assert_eq!(
            clock.sleeps(),
            [1, 2].map(std::time::Duration::from_secs).to_vec()
        );
    }

    #[tokio::test]
    async fn locked_and_conflicting_workspaces_are_explained() {
        let (base, shared) = serve(workspace()).await;
        shared.lock().unwrap().fail = Some((
            "GET".into(),
            423,
            json!({"status": 423, "message": "API access is disabled, please contact support for assistance."}),
        ));
        let b = RuddrBackend::new(config(base.clone())).unwrap();
        let e = b.roster().await.unwrap_err().to_string();
        assert!(
            e.contains("API access is turned off") && e.contains("contact support"),
            "{e}"
        );

        shared.lock().unwrap().fail = Some((
            "DELETE".into(),
            409,
            json!({"status": 409, "message": "The allocation is read-only."}),
        ));
        let e = b.delete_allocation(Id::new(uuid(1))).await.unwrap_err();
        assert!(matches!(&e, BackendError::Validation { .. }), "{e:?}");
        assert!(e.to_string().contains("read-only"), "{e}");

        let e = RuddrBackend::new(config("http://www.ruddr.io/api/workspace".into()))
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("refusing to send the API token over plain http"),
            "{e}"
        );
        shared.lock().unwrap().fail = None;
        let wrong = RuddrBackend::new(RuddrConfig {
            api_key: "nope".into(),
            ..config(base)
        })
        .unwrap();
        let e = wrong.roster().await.unwrap_err().to_string();
        assert!(e.starts_with("the Ruddr API key was refused"), "{e}");
    }

    #[tokio::test]
    async fn writes_send_the_seed_field_names_and_read_only_entries_stay_put() {
        let (base, shared) = serve(workspace()).await;
        let b = RuddrBackend::new(config(base)).unwrap();
        b.roster().await.unwrap();
        let window = DateRange::new(d("2026-11-01"), d("2026-12-31"));
        let allocs = b.allocations(window).await.unwrap();

        let pair = Id::new(format!("m:{ADA}|p:{ATLAS}"));
        let made = b
            .create_allocations(vec![NewAllocation {
                resource_id: pair.clone(),
                range: DateRange::new(d("2026-12-01"), d("2026-12-04")),
                amount: Amount::HoursPerDay(6.5),
                hard: true,
                notes: "kick-off".into(),
            }])
            .await
            .unwrap();
        assert_eq!(made[0].resource_id, pair);
        assert_eq!(made[0].amount, Amount::HoursPerDay(6.5));
        let posted = bodies(&shared, "POST");
        assert_eq!(posted[0].0, "/allocations");
        assert_eq!(
            posted[0].1,
            json!({"resourceTypeId": "member", "memberId": ADA, "assignmentTypeId": "project",
                   "projectId": ATLAS, "projectRoleId": ROLE, "start": "2026-12-01",
                   "end": "2026-12-04", "unit": "day", "hoursPerDay": 6.5,
                   "allocateOnTimeOffDays": false, "notes": "kick-off"}),
            "the pair's role is reused"
        );

        let mut changed = made[0].clone();
        changed.amount = Amount::RatioOfCapacity(0.5);
        changed.range = DateRange::new(d("2026-12-01"), d("2026-12-11"));
        let updated = b.update_allocation(changed).await.unwrap();
        assert_eq!(updated.amount, Amount::RatioOfCapacity(0.5));
        assert_eq!(updated.range.end, d("2026-12-11"));
        let (path, body) = bodies(&shared, "PATCH").pop().unwrap();
        assert_eq!(path, format!("/allocations/{}", made[0].id));
        assert_eq!(body["unit"], "ratio_of_capacity");
        assert_eq!(body["hoursRatioOfCapacity"], 0.5);

        // A time entry is refused here, without asking Ruddr.
        let entry = allocs.iter().find(|a| a.read_only).unwrap().clone();
        let before = shared.lock().unwrap().log.len();
        let e = b.update_allocation(entry.clone()).await.unwrap_err();
        assert!(
            e.to_string()
                .contains("comes from a time entry/holiday in Ruddr"),
            "{e}"
        );
        assert!(b.delete_allocation(entry.id.clone()).await.is_err());
        assert!(b.split_allocation(entry.id, d("2026-11-30")).await.is_err());
        assert_eq!(shared.lock().unwrap().log.len(), before, "nothing sent");

        b.delete_allocation(made[0].id.clone()).await.unwrap();
        assert_eq!(bodies(&shared, "DELETE").len(), 1);
        assert!(
            b.create_allocations(vec![NewAllocation {
                resource_id: Id::new(format!("m:{BO}")),
                range: DateRange::day(d("2026-12-01")),
                amount: Amount::HoursPerDay(1.0),
                hard: true,
                notes: String::new(),
            }])
            .await
            .is_err(),
            "no project, no allocation"
        );

        let r = b
            .create_resources(vec![NewResource {
                project_id: Id::new(ATLAS),
                person_id: None,
                role: Some("designer".into()),
                label: None,
            }])
            .await
            .unwrap();
        assert_eq!(r[0].id, Id::new(format!("ph:{DESIGNER}|p:{ATLAS}")));
    }

    #[tokio::test]
    async fn a_bulk_create_failing_part_way_keeps_the_ones_before_and_takes_back_the_ones_after() {
        let (base, shared) = serve(workspace()).await;
        let b = RuddrBackend::new(config(base)).unwrap();
        b.roster().await.unwrap();
        let on = |resource: String, day: &str| NewAllocation {
            resource_id: Id::new(resource),
            range: DateRange::day(d(day)),
            amount: Amount::HoursPerDay(1.0),
            hard: true,
            notes: String::new(),
        };
        let pair = format!("m:{ADA}|p:{ATLAS}");
        let e = b
            .create_allocations(vec![
                on(pair.clone(), "2026-12-01"),
                on(format!("m:{BO}"), "2026-12-02"), // no project: refused
                on(pair, "2026-12-03"),
            ])
            .await
            .unwrap_err();
        let BackendError::Partial { done, cause } = &e else {
            panic!("partial: {e:?}")
        };
        assert!(
            matches!(&done[..], [Applied::Created(a)] if a.range.start == d("2026-12-01")),
            "{done:?}"
        );
        assert!(
            matches!(**cause, BackendError::Validation { .. }),
            "{cause:?}"
        );
        // The third was made anyway (the POSTs go together) and is deleted again.
        assert_eq!(bodies(&shared, "POST").len(), 2);
        assert_eq!(bodies(&shared, "DELETE").len(), 1);
        let starts: Vec<String> = shared
            .lock()
            .unwrap()
            .allocations
            .iter()
            .filter_map(|v| v["start"].as_str().map(String::from))
            .filter(|s| s.starts_with("2026-12-0"))
            .collect();
        assert!(starts.contains(&"2026-12-01".to_string()), "{starts:?}");
        assert!(!starts.contains(&"2026-12-03".to_string()), "{starts:?}");
    }

    #[tokio::test]
    async fn a_split_patches_the_first_part_and_posts_the_second() {
        let (base, shared) = serve(workspace()).await;
        let b = RuddrBackend::new(config(base)).unwrap();
        b.roster().await.unwrap();
        let (first, second) = b
            .split_allocation(Id::new(uuid(1)), d("2026-11-09"))
            .await
            .unwrap();
        assert_eq!(
            first.range,
            DateRange::new(d("2026-11-02"), d("2026-11-08"))
        );
        assert_eq!(
            second.range,
            DateRange::new(d("2026-11-09"), d("2026-11-13"))
        );
        assert_eq!(second.amount, Amount::HoursPerDay(6.5));
        assert_ne!(second.id, first.id);
        let (_, post) = bodies(&shared, "POST").pop().unwrap();
        assert_eq!(post["projectRoleId"], ROLE);
        assert_eq!(post["projectTaskId"], TASK, "role and task kept");

        // When the second part is refused, the first is put back.
        shared.lock().unwrap().fail = Some((
            "POST".into(),
            400,
            json!({"status": 400, "message": "Validation failed.", "errors": ["'start' is in a locked period"]}),
        ));
        let e = b
            .split_allocation(first.id.clone(), d("2026-11-05"))
            .await
            .unwrap_err();
        assert_eq!(
            e,
            BackendError::Validation {
                field: Some("start".into()),
                message: "is in a locked period".into()
            }
        );
        let stored = shared
            .lock()
            .unwrap()
            .allocations
            .iter()
            .find(|a| a["id"] == uuid(1))
            .cloned()
            .unwrap();
        assert_eq!(
            stored["end"], "2026-11-08",
            "back as it was before this split"
        );

        // When putting it back fails too, the failure says so, as one whose outcome is not
        // known (the app then reads Ruddr again).
        shared.lock().unwrap().fail_later = Some((
            "PATCH".into(),
            1,
            500,
            json!({"status": 500, "message": "Internal error"}),
        ));
        let e = b
            .split_allocation(first.id.clone(), d("2026-11-05"))
            .await
            .unwrap_err();
        assert!(matches!(e, BackendError::Unknown(_)), "{e:?}");
        assert!(
            e.to_string().starts_with(
                "start: is in a locked period; allot could not put back the first part"
            ),
            "{e}"
        );
    }
}
