//! What the sandbox has read from its store, kept until the next write.
//!
//! A [`Snapshot`] holds the whole workspace as allot's domain types (roster, every allocation,
//! every request) with lookup maps, and caches each filtered listing a dialect asks for (by a
//! key the dialect builds from endpoint and filters), so paging through 250 pages reads SQLite
//! once and filters once. Any write goes through a [`WriteGuard`]; dropping the guard throws the
//! snapshot away. Building and writing share one lock, so a snapshot never mixes states.
//!
//! Records carry no timestamps in allot's model, so [`Stamps`] invents honest ones: a record's
//! `created_at` is when the sandbox first saw it (the start time for seeded data) and its
//! `updated_at` moves forward whenever its fingerprint (an allocation's version, a request's
//! status and approvers, ...) differs from the last one seen.

use crate::client::local::LocalBackend;
use crate::client::{Backend, BackendResult};
use crate::domain::load::allocation_daily;
use crate::domain::skills::Skill;
use crate::domain::{
    Allocation, Amount, Calendar, DateRange, Id, Person, Project, Request, Resource, Roster,
    WeeklyCapacity,
};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use std::any::{Any, TypeId};
use std::collections::{HashMap, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// How many filtered listings one snapshot keeps (arbitrary filters must not grow it forever).
const MAX_VIEWS: usize = 512;

/// How many GET answers one snapshot keeps (a 50,000-allocation workspace is 250 pages).
const MAX_ANSWERS: usize = 2048;

/// How many bytes of GET answers one snapshot keeps: the key is the full URI, so a client adding
/// a random parameter to every request must not grow the sandbox's memory without end.
const MAX_ANSWER_BYTES: usize = 64 << 20;

/// A map that keeps at most `max_entries` values of at most `max_weight` in total, dropping the
/// oldest first (the answers a client pages through are read in order, once).
pub(crate) struct Bounded<V> {
    map: HashMap<String, (V, usize)>,
    order: VecDeque<String>,
    weight: usize,
    max_entries: usize,
    max_weight: usize,
}

impl<V: Clone> Bounded<V> {
    pub fn new(max_entries: usize, max_weight: usize) -> Self {
        Bounded {
            map: HashMap::new(),
            order: VecDeque::new(),
            weight: 0,
            max_entries: max_entries.max(1),
            max_weight,
        }
    }

    pub fn get(&self, key: &str) -> Option<V> {
        self.map.get(key).map(|(v, _)| v.clone())
    }

    /// Keeps `value` (weighing `weight`), unless it alone is over the weight bound.
    pub fn insert(&mut self, key: String, value: V, weight: usize) {
        if weight > self.max_weight {
            return;
        }
        if let Some((_, w)) = self.map.remove(&key) {
            self.weight -= w;
            self.order.retain(|k| k != &key);
        }
        while self.map.len() >= self.max_entries
            || self.weight.saturating_add(weight) > self.max_weight
        {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some((_, w)) = self.map.remove(&oldest) {
                self.weight -= w;
            }
        }
        self.weight = self.weight.saturating_add(weight);
        self.order.push_back(key.clone());
        self.map.insert(key, (value, weight));
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.map.len()
    }

    #[cfg(test)]
    pub fn weight(&self) -> usize {
        self.weight
    }
}

/// Numeric ids in numeric order, then the rest as text: the order every listing uses.
pub(crate) fn id_order(id: &Id) -> (u64, Id) {
    (id.as_number().unwrap_or(u64::MAX), id.clone())
}

/// The whole workspace at one moment.
pub(crate) struct Snapshot {
    pub roster: Roster,
    /// By id order.
    pub allocations: Vec<Allocation>,
    pub requests: Vec<Request>,
    pub people_by_id: HashMap<Id, usize>,
    pub projects_by_id: HashMap<Id, usize>,
    pub resources_by_id: HashMap<Id, usize>,
    pub allocations_by_id: HashMap<Id, usize>,
    pub requests_by_id: HashMap<Id, usize>,
    /// Role names by id (see [`Roles`]), as of this snapshot.
    pub roles: Vec<(Id, String)>,
    calendars: HashMap<Id, Calendar>,
    unnamed_calendar: Calendar,
    /// Tables a dialect derives from the whole snapshot once (see [`Snapshot::memo`]).
    derived: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
    views: Mutex<Bounded<Arc<Vec<usize>>>>,
    /// (total minutes, capacity minutes) per allocation, worked out once per snapshot: walking
    /// each allocation's days on every page was most of a page's cost.
    figures: Mutex<HashMap<Id, (u64, u64)>>,
    /// Bodies of successful GETs by URI: the same read gets the same bytes until a write, so
    /// the sandbox's own rendering is not what a client's benchmark measures.
    answers: Mutex<Bounded<axum::body::Bytes>>,
}

impl Snapshot {
    pub fn person(&self, id: &Id) -> Option<&Person> {
        self.people_by_id.get(id).map(|&i| &self.roster.people[i])
    }

    pub fn project(&self, id: &Id) -> Option<&Project> {
        self.projects_by_id
            .get(id)
            .map(|&i| &self.roster.projects[i])
    }

    pub fn resource(&self, id: &Id) -> Option<&Resource> {
        self.resources_by_id
            .get(id)
            .map(|&i| &self.roster.resources[i])
    }

    pub fn allocation(&self, id: &Id) -> Option<&Allocation> {
        self.allocations_by_id
            .get(id)
            .map(|&i| &self.allocations[i])
    }

    pub fn role_id(&self, name: &str) -> Option<&Id> {
        let name = name.trim();
        self.roles
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(id, _)| id)
    }

    pub fn role_name(&self, id: &Id) -> Option<&str> {
        self.roles
            .iter()
            .find(|(r, _)| r == id)
            .map(|(_, n)| n.as_str())
    }

    /// The calendar a resource's allocations are spread over: its person's, else the default
    /// workweek with the holidays (Kantata's rule for unnamed resources).
    pub fn calendar_of(&self, resource: &Id) -> &Calendar {
        self.resource(resource)
            .and_then(|r| r.person_id.as_ref())
            .and_then(|p| self.calendars.get(p))
            .unwrap_or(&self.unnamed_calendar)
    }

    /// A person's calendar (weekly pattern, holidays, their time off).
    pub fn calendar_of_person(&self, person: &Id) -> Option<&Calendar> {
        self.calendars.get(person)
    }

    /// An allocation's total minutes, whatever unit it is stored in.
    pub fn total_minutes(&self, a: &Allocation) -> u64 {
        match a.amount {
            Amount::TotalMinutes(m) => u64::from(m),
            _ => allocation_daily(a, self.calendar_of(&a.resource_id))
                .iter()
                .map(|&m| u64::from(m))
                .sum(),
        }
    }

    /// Minutes of capacity of an allocation's resource over its range.
    pub fn capacity_of(&self, a: &Allocation) -> u64 {
        self.calendar_of(&a.resource_id).capacity_in(a.range)
    }

    /// The body an earlier GET of `uri` got from this snapshot.
    pub fn answer(&self, uri: &str) -> Option<axum::body::Bytes> {
        self.answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(uri)
    }

    /// Keeps a GET's body for the next identical read (a bounded number of them).
    pub fn keep_answer(&self, uri: String, body: axum::body::Bytes) {
        let weight = uri.len() + body.len();
        self.answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(uri, body, weight);
    }

    /// [`Snapshot::total_minutes`] and [`Snapshot::capacity_of`], remembered per allocation.
    pub fn figures_of(&self, a: &Allocation) -> (u64, u64) {
        let lock = || self.figures.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(f) = lock().get(&a.id) {
            return *f;
        }
        let f = (self.total_minutes(a), self.capacity_of(a));
        lock().insert(a.id.clone(), f);
        f
    }

    /// The one `T` made from this snapshot: `make`'s the first time, shared afterwards (a
    /// dialect's tables that every page of a listing reads).
    pub fn memo<T: Any + Send + Sync>(&self, make: impl FnOnce(&Snapshot) -> T) -> Arc<T> {
        let lock = || self.derived.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(t) = lock().get(&TypeId::of::<T>()).cloned()
            && let Ok(t) = t.downcast::<T>()
        {
            return t;
        }
        let t = Arc::new(make(self));
        lock().insert(TypeId::of::<T>(), t.clone());
        t
    }

    /// The cached listing under `key`, or `make`'s (then cached).
    pub fn view(&self, key: String, make: impl FnOnce(&Snapshot) -> Vec<usize>) -> Arc<Vec<usize>> {
        if let Some(v) = self.views_lock().get(&key) {
            return v;
        }
        let v = Arc::new(make(self));
        let weight = key.len() + v.len() * std::mem::size_of::<usize>();
        self.views_lock().insert(key, Arc::clone(&v), weight);
        v
    }

    fn views_lock(&self) -> std::sync::MutexGuard<'_, Bounded<Arc<Vec<usize>>>> {
        self.views.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Stable role ids: one per distinct role name (any case), numbered in the order first seen
/// (names sorted within each batch), never renumbered while the sandbox runs.
#[derive(Debug, Default)]
pub(crate) struct Roles(Mutex<Vec<String>>);

impl Roles {
    fn register(&self, roster: &Roster) -> Vec<(Id, String)> {
        let mut names: Vec<&str> = roster
            .people
            .iter()
            .map(|p| p.role.as_str())
            .chain(roster.resources.iter().map(|r| r.role.as_str()))
            .chain(
                roster
                    .participations
                    .iter()
                    .filter_map(|p| p.role.as_deref()),
            )
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        names.sort_by_key(|n| n.to_lowercase());
        let mut known = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        for n in names {
            if !known.iter().any(|k| k.eq_ignore_ascii_case(n)) {
                known.push(n.to_string());
            }
        }
        known
            .iter()
            .enumerate()
            .map(|(i, n)| (Id::from(i as u64 + 1), n.clone()))
            .collect()
    }
}

/// Invented `created_at` / `updated_at` times (see the module notes).
#[derive(Debug)]
pub(crate) struct Stamps {
    start: DateTime<Utc>,
    seen: Mutex<HashMap<(&'static str, Id), Stamp>>,
}

#[derive(Clone, Copy, Debug)]
struct Stamp {
    fingerprint: u64,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
}

impl Stamps {
    pub fn new(start: DateTime<Utc>) -> Stamps {
        Stamps {
            start,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// When the sandbox started (the creation time of everything seeded).
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// The creation time recorded for a record of `kind`, if it was ever seen (deleted records
    /// keep theirs, so a paging cursor naming one still has a place in the order).
    pub fn created_at(&self, kind: &'static str, id: &Id) -> Option<DateTime<Utc>> {
        self.lock().get(&(kind, id.clone())).map(|s| s.created)
    }

    /// Marks everything in `snapshot` as existing since the start (the seed).
    pub fn adopt(&self, snapshot: &Snapshot) {
        let mut seen = self.lock();
        let stamp = |fingerprint| Stamp {
            fingerprint,
            created: self.start,
            updated: self.start,
        };
        // The seed knows when each request was made; the allocation holding its dates (the
        // store notes it "Requested in #id") was made with it, as Kantata does.
        let asked: HashMap<String, DateTime<Utc>> = snapshot
            .requests
            .iter()
            .map(|r| (format!("Requested in #{}", r.id), r.created_at))
            .collect();
        for a in &snapshot.allocations {
            let mut s = stamp(allocation_print(a));
            if let Some(&t) = asked.get(&a.notes) {
                (s.created, s.updated) = (t, t);
            }
            seen.insert(("allocation", a.id.clone()), s);
        }
        // A seeded request was last changed when it was made, as far as the seed knows: so
        // `updated_after` can tell a months-old resolution from a recent one.
        for r in &snapshot.requests {
            let mut s = stamp(request_print(r));
            (s.created, s.updated) = (r.created_at, r.created_at);
            seen.insert(("request", r.id.clone()), s);
        }
        for r in &snapshot.roster.resources {
            seen.insert(("resource", r.id.clone()), stamp(resource_print(r)));
        }
        for p in &snapshot.roster.people {
            seen.insert(("person", p.id.clone()), stamp(person_print(p)));
        }
        for p in &snapshot.roster.projects {
            seen.insert(("project", p.id.clone()), stamp(project_print(p)));
        }
    }

    /// Records a seeded record of `kind` as existing since the start, unless already seen.
    pub fn seed(&self, kind: &'static str, id: &Id, fingerprint: u64) {
        self.lock().entry((kind, id.clone())).or_insert(Stamp {
            fingerprint,
            created: self.start,
            updated: self.start,
        });
    }

    /// (created_at, updated_at) of a record of `kind` whose state hashes to `fingerprint`.
    pub fn observe(
        &self,
        kind: &'static str,
        id: &Id,
        fingerprint: u64,
    ) -> (DateTime<Utc>, DateTime<Utc>) {
        let now = Utc::now();
        let mut seen = self.lock();
        let s = seen.entry((kind, id.clone())).or_insert_with(|| Stamp {
            fingerprint,
            created: now,
            updated: now,
        });
        if s.fingerprint != fingerprint {
            // Strictly later, so a client comparing updated_at (allot uses its milliseconds
            // as a version) always sees a change as newer.
            s.updated = now.max(s.updated + TimeDelta::milliseconds(1));
            s.fingerprint = fingerprint;
        }
        (s.created, s.updated)
    }

    pub fn allocation(&self, a: &Allocation) -> (DateTime<Utc>, DateTime<Utc>) {
        self.observe("allocation", &a.id, allocation_print(a))
    }

    pub fn request(&self, r: &Request) -> (DateTime<Utc>, DateTime<Utc>) {
        self.observe("request", &r.id, request_print(r))
    }

    pub fn resource(&self, r: &Resource) -> (DateTime<Utc>, DateTime<Utc>) {
        self.observe("resource", &r.id, resource_print(r))
    }

    pub fn person(&self, p: &Person) -> (DateTime<Utc>, DateTime<Utc>) {
        self.observe("person", &p.id, person_print(p))
    }

    pub fn project(&self, p: &Project) -> (DateTime<Utc>, DateTime<Utc>) {
        self.observe("project", &p.id, project_print(p))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(&'static str, Id), Stamp>> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn print(h: impl Hash) -> u64 {
    let mut s = DefaultHasher::new();
    h.hash(&mut s);
    s.finish()
}

fn allocation_print(a: &Allocation) -> u64 {
    a.version as u64
}

fn request_print(r: &Request) -> u64 {
    print((r.status, &r.approver_ids))
}

fn resource_print(r: &Resource) -> u64 {
    print((&r.person_id, &r.role, &r.label))
}

/// What a user object shows (its capacity is served by the calendar lists, stamped apart).
fn person_print(p: &Person) -> u64 {
    print((&p.name, &p.email, &p.role))
}

fn project_print(p: &Project) -> u64 {
    print((&p.name, &p.client, &p.roles))
}

/// The snapshot, its lock, and the bookkeeping that outlives snapshots.
pub(crate) struct Cache {
    backend: LocalBackend,
    current: RwLock<Option<Arc<Snapshot>>>,
    lock: tokio::sync::Mutex<()>,
    roles: Roles,
    pub stamps: Stamps,
    /// Snapshots built (each one full read of the store).
    pub builds: std::sync::atomic::AtomicU64,
    /// Calendars served instead of the store's, by person (tests: what the store cannot hold
    /// yet, such as partial days off).
    pub overrides: Mutex<HashMap<Id, Calendar>>,
    /// Skills served instead of the seeded ones (`super::skills`), by person; an empty list
    /// means none.
    pub skill_overrides: Mutex<HashMap<Id, Vec<Skill>>>,
}

impl Cache {
    pub fn new(backend: LocalBackend, start: DateTime<Utc>) -> Cache {
        Cache {
            backend,
            current: RwLock::new(None),
            lock: tokio::sync::Mutex::new(()),
            roles: Roles::default(),
            stamps: Stamps::new(start),
            builds: std::sync::atomic::AtomicU64::new(0),
            overrides: Mutex::new(HashMap::new()),
            skill_overrides: Mutex::new(HashMap::new()),
        }
    }

    /// The current snapshot, built if a write threw the last one away.
    pub async fn read(&self) -> BackendResult<Arc<Snapshot>> {
        if let Some(s) = self.cached() {
            return Ok(s);
        }
        let _held = self.lock.lock().await;
        self.snapshot_locked().await
    }

    /// Starts a write: no snapshot is built and no other write runs until the guard drops.
    /// Dropping it throws the snapshot away if a store write went through it
    /// ([`WriteGuard::outcome`]); a request refused before or by the store keeps the snapshot.
    pub async fn write(&self) -> WriteGuard<'_> {
        WriteGuard {
            cache: self,
            _held: self.lock.lock().await,
            changed: false,
        }
    }

    fn cached(&self) -> Option<Arc<Snapshot>> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Call with `lock` held.
    async fn snapshot_locked(&self) -> BackendResult<Arc<Snapshot>> {
        if let Some(s) = self.cached() {
            return Ok(s);
        }
        let s = Arc::new(self.build().await?);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&s));
        Ok(s)
    }

    async fn build(&self) -> BackendResult<Snapshot> {
        self.builds
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut roster = self.backend.roster().await?;
        // The store keeps no skills: the sandbox's own, then any a test put in their place.
        roster.skills = super::skills::seeded(&roster.people);
        for (person, skills) in self
            .skill_overrides
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            if skills.is_empty() {
                roster.skills.remove(person);
            } else {
                roster.skills.insert(person.clone(), skills.clone());
            }
        }
        let mut allocations = self.backend.allocations(everything()).await?;
        allocations.sort_by_cached_key(|a| id_order(&a.id));
        let mut requests = self.backend.requests().await?;
        requests.sort_by_cached_key(|r| id_order(&r.id));
        let roles = self.roles.register(&roster);
        let index = |ids: &mut dyn Iterator<Item = &Id>| -> HashMap<Id, usize> {
            ids.enumerate().map(|(i, id)| (id.clone(), i)).collect()
        };
        // The store's own calendars where it keeps more than one pattern or partial days,
        // else the person's pattern and days off; then any a test put in their place.
        let overrides = self
            .overrides
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let calendars = roster
            .people
            .iter()
            .map(|p| {
                let cal = overrides
                    .get(&p.id)
                    .cloned()
                    .unwrap_or_else(|| roster.calendar_of(p));
                (p.id.clone(), cal)
            })
            .collect();
        let unnamed_calendar =
            Calendar::new(WeeklyCapacity::STANDARD, roster.holidays.clone(), vec![]);
        Ok(Snapshot {
            people_by_id: index(&mut roster.people.iter().map(|p| &p.id)),
            projects_by_id: index(&mut roster.projects.iter().map(|p| &p.id)),
            resources_by_id: index(&mut roster.resources.iter().map(|r| &r.id)),
            allocations_by_id: index(&mut allocations.iter().map(|a| &a.id)),
            requests_by_id: index(&mut requests.iter().map(|r| &r.id)),
            roster,
            allocations,
            requests,
            roles,
            calendars,
            unnamed_calendar,
            derived: Mutex::new(HashMap::new()),
            views: Mutex::new(Bounded::new(MAX_VIEWS, usize::MAX)),
            figures: Mutex::new(HashMap::new()),
            answers: Mutex::new(Bounded::new(MAX_ANSWERS, MAX_ANSWER_BYTES)),
        })
    }
}

/// Every date the store can hold (its dates compare as `YYYY-MM-DD` text).
pub(crate) fn everything() -> DateRange {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
    DateRange::new(d(1, 1, 1), d(9999, 12, 31))
}

/// Held while a write runs; see [`Cache::write`].
pub(crate) struct WriteGuard<'a> {
    cache: &'a Cache,
    _held: tokio::sync::MutexGuard<'a, ()>,
    changed: bool,
}

impl WriteGuard<'_> {
    /// Passes a store write's result through; a write that went through marks the snapshot
    /// stale (a refused one is a rolled-back transaction: nothing changed).
    pub fn outcome<T>(&mut self, r: BackendResult<T>) -> BackendResult<T> {
        self.changed |= r.is_ok();
        r
    }

    /// Marks the snapshot stale whatever happens (the store was changed behind the sandbox).
    pub fn discard(&mut self) {
        self.changed = true;
    }

    /// The state before this write (for looking up what a write changes).
    pub async fn snapshot(&self) -> BackendResult<Arc<Snapshot>> {
        self.cache.snapshot_locked().await
    }
}

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        if !self.changed {
            return;
        }
        *self
            .cache
            .current
            .write()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_record_is_updated_later_and_keeps_its_creation_time() {
        let start = Utc::now() - TimeDelta::hours(1);
        let stamps = Stamps::new(start);
        let id = Id::new("5");
        let (c1, u1) = stamps.observe("allocation", &id, 1);
        assert_eq!(c1, u1);
        assert!(c1 > start, "first seen now, not at the start");
        assert_eq!(stamps.observe("allocation", &id, 1), (c1, u1), "unchanged");
        let (c2, u2) = stamps.observe("allocation", &id, 2);
        assert_eq!(c2, c1);
        assert!(u2 > u1, "strictly later even within the same millisecond");
        let (c3, u3) = stamps.observe("allocation", &id, 3);
        assert_eq!(c3, c1);
        assert!(u3 > u2);
        let (other, _) = stamps.observe("request", &id, 1);
        assert!(other >= c1, "kinds are kept apart");
    }

    #[test]
    fn many_distinct_uris_keep_the_answers_at_their_bounds() {
        let mut answers: Bounded<axum::body::Bytes> = Bounded::new(100, 10_000);
        for i in 0..5_000 {
            let uri = format!("/api/v1/workspace_allocations.json?page=1&junk={i}");
            let weight = uri.len() + 20;
            answers.insert(uri, axum::body::Bytes::from(vec![b'x'; 20]), weight);
            assert!(answers.len() <= 100 && answers.weight() <= 10_000);
        }
        assert_eq!(answers.len(), 100, "full, not cleared");
        let newest = "/api/v1/workspace_allocations.json?page=1&junk=4999";
        assert!(answers.get(newest).is_some(), "the newest answer is kept");
        assert!(
            answers
                .get("/api/v1/workspace_allocations.json?page=1&junk=0")
                .is_none()
        );
        // By weight: big answers push the old ones out; one over the whole bound is not kept.
        let mut big: Bounded<u8> = Bounded::new(1_000, 100);
        for i in 0..10 {
            big.insert(format!("k{i}"), 0, 30);
        }
        assert_eq!((big.len(), big.weight()), (3, 90));
        big.insert("huge".into(), 0, 101);
        assert!(big.get("huge").is_none() && big.len() == 3);
        // The same key again replaces its value and weight.
        big.insert("k9".into(), 1, 10);
        assert_eq!((big.len(), big.weight(), big.get("k9")), (3, 70, Some(1)));
    }

    #[test]
    fn role_ids_are_stable_as_roles_appear() {
        let roles = Roles::default();
        let mut roster = Roster::default();
        let resource = |id: &str, role: &str| Resource {
            id: Id::new(id),
            project_id: None,
            person_id: None,
            role: role.into(),
            label: role.into(),
        };
        roster.resources = vec![resource("1", "Engineer"), resource("2", "Designer")];
        let first = roles.register(&roster);
        assert_eq!(
            first,
            vec![
                (Id::new("1"), "Designer".to_string()),
                (Id::new("2"), "Engineer".to_string())
            ]
        );
        roster.resources.push(resource("3", "Analyst"));
        roster.resources.push(resource("4", "engineer"));
        let second = roles.register(&roster);
        assert_eq!(&second[..2], &first[..], "old ids keep their names");
        assert_eq!(second[2], (Id::new("3"), "Analyst".to_string()));
        assert_eq!(second.len(), 3, "names differing only in case are one role");
    }
}
