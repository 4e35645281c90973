//! The embedded SQLite backend: allot's default workspace, no account needed.
//!
//! One connection behind a mutex; every [`Backend`] call runs its SQL on the blocking pool
//! (`spawn_blocking`) and every write is one transaction. Strings read from the file pass
//! [`crate::client::sanitize::clean`] before they leave this module. Ids are numeric strings,
//! as Kantata's are.
//!
//! Workspace resources follow Kantata's rules (see `store::create_resource`,
//! `store::update_resource_unchecked`, `store::delete_resource`): a named resource with no role
//! takes the person's primary role on the project, a person holds each role once per project,
//! and their last resource in their primary role stays. Resources carry no version.

pub mod demo;
mod schema;
mod store;

pub use demo::{DemoData, Rng, demo, synthetic};
pub use schema::{APPLICATION_ID, OpenError, OpenProblem, SCHEMA_VERSION};

use crate::client::{
    Applied, Backend, BackendError, BackendKind, BackendResult, Change, NewAllocation, NewRequest,
    NewResource, RequestCreated, Resolution,
};
use crate::domain::{Allocation, DateRange, Id, Request, Resource, Roster, ScheduledWeek};
use async_trait::async_trait;
use chrono::NaiveDate;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// A workspace in an SQLite file.
#[derive(Clone)]
pub struct LocalBackend {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
    current_user: Arc<RwLock<Option<Id>>>,
    /// Who this process acts as instead of the workspace's current user (`allot --user`).
    acting_as: Arc<RwLock<Option<Id>>>,
}

impl fmt::Debug for LocalBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalBackend")
            .field("path", &self.path)
            .field("current_user", &self.current_user())
            .finish_non_exhaustive()
    }
}

impl LocalBackend {
    /// Opens the allot database at `path`, creating it when the file is missing or empty.
    /// Refuses, leaving the file untouched, anything that is not an allot database this build
    /// can read (see [`OpenProblem`]).
    pub fn open(path: &Path) -> Result<LocalBackend, OpenError> {
        let (conn, _fresh) = schema::open_connection(path)?;
        let current_user = store::current_user(&conn).map_err(|e| OpenError {
            path: path.to_path_buf(),
            problem: OpenProblem::Database(e.to_string()),
        })?;
        Ok(LocalBackend {
            conn: Arc::new(Mutex::new(conn)),
            path: path.to_path_buf(),
            current_user: Arc::new(RwLock::new(current_user)),
            acting_as: Arc::new(RwLock::new(None)),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Who "I" am in this workspace (set by [`LocalBackend::seed`]), unless
    /// [`LocalBackend::act_as`] named someone else.
    pub fn current_user(&self) -> Option<Id> {
        self.acting_as().or_else(|| {
            self.current_user
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        })
    }

    /// Acts as `user` instead of the workspace's current user (`None`: the workspace's again):
    /// the roster names them as "I", requests they create are theirs, and resolutions are
    /// recorded as theirs. The stored workspace user is left as it is.
    pub fn act_as(&self, user: Option<Id>) {
        *self
            .acting_as
            .write()
            .unwrap_or_else(PoisonError::into_inner) = user;
    }

    fn acting_as(&self) -> Option<Id> {
        self.acting_as
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// True when the workspace holds no people, projects, resources, allocations or requests.
    /// Blocking (a quick query): call it before the event loop or on the blocking pool.
    pub fn is_empty(&self) -> BackendResult<bool> {
        store::is_empty(&self.lock())
    }

    /// Writes `data` into this (empty) workspace in one transaction. Blocking: 100,000
    /// allocations take about a second; call it before the event loop or on the blocking pool.
    pub fn seed(&self, data: &DemoData) -> BackendResult<()> {
        let mut conn = self.lock();
        write(&mut conn, |tx| store::seed(tx, data))?;
        *self
            .current_user
            .write()
            .unwrap_or_else(PoisonError::into_inner) = data.roster.current_user.clone();
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-done write: transactions roll back
        // when dropped, so the connection is still sound.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` with the connection on the blocking pool.
    async fn run<T, F>(&self, f: F) -> BackendResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> BackendResult<T> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut guard)
        })
        .await
        .map_err(|e| BackendError::Other(format!("the local database task failed: {e}")))?
    }

    /// Runs `f` in one write transaction on the blocking pool: all of it is stored, or none.
    async fn write<T, F>(&self, f: F) -> BackendResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> BackendResult<T> + Send + 'static,
    {
        self.run(move |conn| write(conn, f)).await
    }
}

fn write<T>(
    conn: &mut Connection,
    f: impl FnOnce(&Transaction<'_>) -> BackendResult<T>,
) -> BackendResult<T> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(store::db_err)?;
    let out = f(&tx)?;
    tx.commit().map_err(store::db_err)?;
    Ok(out)
}

#[async_trait]
impl Backend for LocalBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Local
    }

    async fn roster(&self) -> BackendResult<Roster> {
        let mut roster = self.run(|conn| store::roster(conn)).await?;
        *self
            .current_user
            .write()
            .unwrap_or_else(PoisonError::into_inner) = roster.current_user.clone();
        if let Some(me) = self.acting_as() {
            roster.current_user = Some(me);
        }
        Ok(roster)
    }

    async fn allocations(&self, window: DateRange) -> BackendResult<Vec<Allocation>> {
        self.run(move |conn| store::allocations(conn, window)).await
    }

    async fn requests(&self) -> BackendResult<Vec<Request>> {
        self.run(|conn| store::requests(conn, None)).await
    }

    async fn create_allocations(&self, new: Vec<NewAllocation>) -> BackendResult<Vec<Allocation>> {
        self.write(move |tx| store::create_allocations(tx, &new))
            .await
    }

    async fn update_allocation(&self, a: Allocation) -> BackendResult<Allocation> {
        self.write(move |tx| store::update_allocation(tx, &a)).await
    }

    async fn delete_allocation(&self, id: Id) -> BackendResult<()> {
        self.write(move |tx| store::delete_allocation(tx, &id))
            .await
    }

    async fn split_allocation(
        &self,
        id: Id,
        date: NaiveDate,
    ) -> BackendResult<(Allocation, Allocation)> {
        self.write(move |tx| store::split_allocation(tx, &id, date))
            .await
    }

    async fn apply(&self, changes: Vec<Change>) -> BackendResult<Vec<Applied>> {
        self.write(move |tx| store::apply(tx, &changes)).await
    }

    async fn create_resources(&self, new: Vec<NewResource>) -> BackendResult<Vec<Resource>> {
        self.write(move |tx| store::create_resources(tx, &new))
            .await
    }

    async fn update_resource(&self, r: Resource) -> BackendResult<Resource> {
        self.write(move |tx| store::update_resource(tx, &r)).await
    }

    async fn delete_resource(&self, id: Id) -> BackendResult<()> {
        self.write(move |tx| store::delete_resource(tx, &id)).await
    }

    async fn scheduled_hours(&self, window: DateRange) -> BackendResult<Vec<ScheduledWeek>> {
        self.run(move |conn| store::scheduled_hours(conn, window))
            .await
    }

    async fn change_token(&self) -> BackendResult<Option<i64>> {
        self.run(|conn| store::data_version(conn).map(Some)).await
    }

    async fn create_request(&self, new: NewRequest) -> BackendResult<RequestCreated> {
        let creator = self.acting_as();
        self.write(move |tx| store::create_request(tx, &new, creator.as_ref()))
            .await
    }

    async fn update_approver(&self, id: Id, approver_ids: Vec<Id>) -> BackendResult<Request> {
        self.write(move |tx| store::update_approver(tx, &id, &approver_ids))
            .await
    }

    async fn resolve_request(&self, id: Id, how: Resolution) -> BackendResult<Request> {
        let by = self.current_user();
        self.write(move |tx| store::resolve_request(tx, &id, &how, by.as_ref()))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::RequestTarget;
    use crate::client::sanitize::is_clean;
    use crate::domain::dates::{add_days, month_of, parse_date};
    use crate::domain::{
        Amount, Calendar, Participation, Person, Project, RequestStatus, RowKey, WeeklyCapacity,
        Workspace,
    };
    use chrono::TimeZone;
    use std::collections::BTreeSet;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    const TODAY: &str = "2026-03-10";

    fn fresh() -> (tempfile::TempDir, LocalBackend) {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::open(&dir.path().join("allot.db")).unwrap();
        (dir, b)
    }

    fn seeded() -> (tempfile::TempDir, LocalBackend, DemoData) {
        let (dir, b) = fresh();
        let data = demo(d(TODAY));
        b.seed(&data).unwrap();
        (dir, b, data)
    }

    fn everything() -> DateRange {
        DateRange::new(d("1900-01-01"), d("2999-12-31"))
    }

    /// A tiny hand-made workspace: one person (Mon–Fri 8 h), one holiday, one project with a
    /// named and an unnamed resource, a pending and an approved request.
    fn small() -> DemoData {
        let holidays: BTreeSet<NaiveDate> = [d("2025-03-05")].into_iter().collect();
        let alloc = |id: &str, res: &str, a: &str, b: &str, amount, hard| Allocation {
            id: Id::new(id),
            resource_id: Id::new(res),
            project_id: Some(Id::new("20")),
            range: DateRange::new(d(a), d(b)),
            amount,
            hard,
            notes: String::new(),
            read_only: false,
            allocate_on_time_off: false,
            server_total_minutes: None,
            version: 1,
        };
        let request = |id: &str, status| Request {
            id: Id::new(id),
            resource_id: Id::new("31"),
            status,
            approver_ids: vec![Id::new("1"), Id::new("2")],
            creator_id: Id::new("2"),
            created_at: chrono::Utc.with_ymd_and_hms(2025, 2, 20, 9, 30, 0).unwrap(),
            period: Some(DateRange::new(d("2025-03-03"), d("2025-03-28"))),
            percentage: Some(50),
            notes: "needs a designer".into(),
        };
        DemoData {
            roster: Roster {
                unnamed_calendar: None,
                calendars: Default::default(),
                name: "Small".into(),
                current_user: Some(Id::new("1")),
                people: vec![
                    Person {
                        id: Id::new("1"),
                        name: "Morgan Lee".into(),
                        email: "m@x.example".into(),
                        role: "Resource Manager".into(),
                        weekly: WeeklyCapacity::STANDARD,
                        time_off: vec![DateRange::new(d("2025-03-12"), d("2025-03-13"))],
                    },
                    Person {
                        id: Id::new("2"),
                        name: "Zoë Øster".into(),
                        email: "z@x.example".into(),
                        role: "Designer".into(),
                        weekly: WeeklyCapacity([480, 480, 480, 480, 0, 0, 0]),
                        time_off: vec![],
                    },
                ],
                projects: vec![Project {
                    id: Id::new("20"),
                    name: "Atlas".into(),
                    client: "Contoso".into(),
                    roles: None,
                }],
                resources: vec![
                    Resource {
                        id: Id::new("30"),
                        project_id: Some(Id::new("20")),
                        person_id: Some(Id::new("1")),
                        role: "Engineer".into(),
                        label: String::new(),
                    },
                    Resource {
                        id: Id::new("31"),
                        project_id: Some(Id::new("20")),
                        person_id: None,
                        role: "Designer".into(),
                        label: "Visual designer".into(),
                    },
                ],
                holidays: Arc::new(holidays),
                // Morgan is on Atlas as an Engineer (not their default role); Zoë is on no project.
                participations: vec![Participation {
                    person_id: Id::new("1"),
                    project_id: Id::new("20"),
                    role: Some("Engineer".into()),
                }],
            },
            allocations: vec![
                // Mon 3 – Fri 14 March 2025: 10 weekdays, one holiday, two days off = 7 working.
                alloc(
                    "40",
                    "30",
                    "2025-03-03",
                    "2025-03-14",
                    Amount::TotalMinutes(2100),
                    true,
                ),
                alloc(
                    "41",
                    "31",
                    "2025-03-03",
                    "2025-03-28",
                    Amount::TotalMinutes(4800),
                    false,
                ),
                alloc(
                    "42",
                    "30",
                    "2025-04-01",
                    "2025-04-30",
                    Amount::HoursPerDay(6.5),
                    true,
                ),
            ],
            requests: vec![
                request("50", RequestStatus::New),
                request("51", RequestStatus::Approved),
            ],
            holiday_names: vec![(d("2025-03-05"), "Founders' Day".into())],
            scheduled: vec![
                week("30", "2025-03-03", 1200),
                week("30", "2025-03-10", 900),
                week("30", "2025-03-24", 300),
                week("31", "2025-03-03", 1200),
            ],
        }
    }

    fn week(resource: &str, monday: &str, minutes: u32) -> ScheduledWeek {
        ScheduledWeek {
            resource_id: Id::new(resource),
            monday: d(monday),
            minutes,
        }
    }

    fn small_backend() -> (tempfile::TempDir, LocalBackend, DemoData) {
        let (dir, b) = fresh();
        let data = small();
        b.seed(&data).unwrap();
        (dir, b, data)
    }

    async fn get(b: &LocalBackend, id: &str) -> Option<Allocation> {
        b.allocations(everything())
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.id.as_str() == id)
    }

    fn bytes(p: &Path) -> Vec<u8> {
        std::fs::read(p).unwrap()
    }

    // ---- opening ----

    #[tokio::test]
    async fn a_new_database_is_empty_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let b = LocalBackend::open(&path).unwrap();
        assert!(b.is_empty().unwrap());
        assert_eq!(b.path(), path);
        assert_eq!(b.current_user(), None);
        let roster = b.roster().await.unwrap();
        assert!(roster.people.is_empty());
        assert_eq!(roster.name, "Local workspace");
        assert!(b.requests().await.unwrap().is_empty());
        drop(b);
        let b = LocalBackend::open(&path).unwrap();
        assert!(b.is_empty().unwrap());
    }

    #[test]
    fn a_text_file_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "shopping list\nmilk\neggs\nand enough text to pass one hundred bytes of header, which SQLite files always have.\n").unwrap();
        let before = bytes(&path);
        let e = LocalBackend::open(&path).unwrap_err();
        assert_eq!(e.problem, OpenProblem::NotSqlite);
        let msg = e.to_string();
        assert!(
            msg.contains("notes.txt") && msg.contains("not an allot database"),
            "{msg}"
        );
        assert!(!msg.contains('\n'));
        assert_eq!(bytes(&path), before);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no -wal or -shm files were left behind");

        // Shorter than a header: still refused, still untouched.
        std::fs::write(&path, "hi").unwrap();
        assert_eq!(
            LocalBackend::open(&path).unwrap_err().problem,
            OpenProblem::NotSqlite
        );
        assert_eq!(bytes(&path), b"hi");
    }

    #[test]
    fn a_foreign_sqlite_database_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(
                "PRAGMA application_id = 1234; CREATE TABLE t (x); INSERT INTO t VALUES (1);",
            )
            .unwrap();
        }
        let before = bytes(&path);
        let e = LocalBackend::open(&path).unwrap_err();
        assert_eq!(
            e.problem,
            OpenProblem::ForeignDatabase {
                application_id: 1234
            }
        );
        assert!(e.to_string().contains("other.db"), "{e}");
        assert_eq!(bytes(&path), before);

        // One with no application id at all (a plain `sqlite3` file).
        let plain = dir.path().join("plain.db");
        Connection::open(&plain)
            .unwrap()
            .execute_batch("CREATE TABLE t (x);")
            .unwrap();
        let before = bytes(&plain);
        let e = LocalBackend::open(&plain).unwrap_err();
        assert_eq!(
            e.problem,
            OpenProblem::ForeignDatabase { application_id: 0 }
        );
        assert_eq!(bytes(&plain), before);
    }

    #[test]
    fn a_database_from_a_newer_allot_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("newer.db");
        drop(LocalBackend::open(&path).unwrap());
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
                .unwrap();
            c.pragma_update(None, "journal_mode", "DELETE").unwrap();
        }
        let before = bytes(&path);
        let e = LocalBackend::open(&path).unwrap_err();
        assert_eq!(
            e.problem,
            OpenProblem::NewerSchema {
                found: SCHEMA_VERSION + 1,
                known: SCHEMA_VERSION
            }
        );
        let msg = e.to_string();
        assert!(
            msg.contains("newer allot") && msg.contains("newer.db"),
            "{msg}"
        );
        assert_eq!(bytes(&path), before);
        let c = Connection::open(&path).unwrap();
        let v: i64 = c
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION + 1, "never downgraded");
    }

    #[test]
    fn a_missing_directory_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no").join("such").join("w.db");
        let e = LocalBackend::open(&path).unwrap_err();
        assert!(matches!(e.problem, OpenProblem::Io(_)));
        let msg = e.to_string();
        assert!(
            msg.contains("does not exist") && msg.contains("w.db"),
            "{msg}"
        );
        assert!(!dir.path().join("no").exists(), "nothing was created");

        let e = LocalBackend::open(dir.path()).unwrap_err();
        assert!(e.to_string().contains("directory"), "{e}");
    }

    // ---- seeding and reads ----

    #[tokio::test]
    async fn seeding_the_demo_gives_the_promised_workspace() {
        let (_dir, b, data) = seeded();
        assert!(!b.is_empty().unwrap());
        let roster = b.roster().await.unwrap();
        assert!(roster.people.len() >= 30);
        assert!(roster.projects.len() >= 8);
        let clients: BTreeSet<_> = roster.projects.iter().map(|p| p.client.clone()).collect();
        assert!(clients.len() >= 4);
        let me = b.current_user().expect("the demo names its user");
        assert_eq!(roster.current_user.as_ref(), Some(&me));
        assert_eq!(
            roster.people.iter().find(|p| p.id == me).unwrap().name,
            "Morgan Lee"
        );

        let all = b.allocations(everything()).await.unwrap();
        assert_eq!(all.len(), data.allocations.len());
        assert!(all.len() >= 200);
        let requests = b.requests().await.unwrap();
        assert!(requests.iter().filter(|q| q.status.is_pending()).count() >= 12);

        let month = month_of(d(TODAY));
        let mut ws = Workspace::from_roster(roster);
        ws.set_allocations(month, b.allocations(month).await.unwrap());
        let over = ws
            .people
            .keys()
            .filter(|id| {
                let key = RowKey::Person((*id).clone());
                ws.load_in(&key, month) > ws.calendar_for(&key).capacity_in(month)
            })
            .count();
        assert!(over >= 1, "someone is over-allocated this month");

        assert!(
            b.seed(&data).is_err(),
            "seeding twice is refused rather than mixed"
        );
    }

    #[tokio::test]
    async fn reads_round_trip_what_was_written() {
        let (_dir, b, data) = small_backend();
        let roster = b.roster().await.unwrap();
        assert_eq!(roster, data.roster);
        let mut all = b.allocations(everything()).await.unwrap();
        all.sort_by(|x, y| x.id.cmp(&y.id));
        assert_eq!(all, data.allocations);
        assert_eq!(b.requests().await.unwrap(), data.requests);
        assert_eq!(
            b.scheduled_hours(everything()).await.unwrap(),
            data.scheduled
        );

        // The demo, too (its text holds an escape sequence, so compare cleaned).
        let (_dir, b, data) = seeded();
        let roster = b.roster().await.unwrap();
        assert_eq!(roster.participations, data.roster.participations);
        assert_eq!(
            b.scheduled_hours(everything()).await.unwrap(),
            data.scheduled
        );
        assert_eq!(roster.people, data.roster.people);
        assert_eq!(roster.resources, data.roster.resources);
        assert_eq!(roster.holidays, data.roster.holidays);
        let stored = b.requests().await.unwrap();
        assert_eq!(stored, data.requests);
        let mut all = b.allocations(everything()).await.unwrap();
        all.sort_by_key(|a| a.id.as_number());
        let mut want = data.allocations.clone();
        for a in &mut want {
            a.notes = crate::client::sanitize::clean(&a.notes);
        }
        assert_eq!(all, want);
    }

    #[tokio::test]
    async fn allocations_are_those_overlapping_the_window() {
        let (_dir, b, _) = small_backend();
        let ids = |v: Vec<Allocation>| v.into_iter().map(|a| a.id.to_string()).collect::<Vec<_>>();
        let w = |a, z| DateRange::new(d(a), d(z));
        assert_eq!(
            ids(b.allocations(w("2025-03-14", "2025-03-14")).await.unwrap()),
            ["40", "41"]
        );
        assert_eq!(
            ids(b.allocations(w("2025-03-15", "2025-03-31")).await.unwrap()),
            ["41"]
        );
        assert_eq!(
            ids(b.allocations(w("2025-03-29", "2025-04-01")).await.unwrap()),
            ["42"]
        );
        assert!(
            b.allocations(w("2025-05-01", "2025-06-01"))
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            ids(b.allocations(w("2025-01-01", "2025-12-31")).await.unwrap()).len(),
            3
        );
    }

    #[tokio::test]
    async fn stored_escape_sequences_come_back_defused() {
        let (_dir, b, data) = seeded();
        let raw = data
            .allocations
            .iter()
            .find(|a| a.notes.contains('\u{1b}'))
            .unwrap();
        let back = get(&b, raw.id.as_str()).await.unwrap();
        assert!(is_clean(&back.notes));
        assert!(back.notes.contains("\u{FFFD}[31mURGENT"), "{}", back.notes);

        // Anything written into the file behind allot's back is cleaned too.
        {
            let conn = b.lock();
            conn.execute(
                "UPDATE people SET name = 'Eve \u{1b}]0;pwned\u{7}' WHERE id = '1002'",
                [],
            )
            .unwrap();
            conn.execute(
                "UPDATE projects SET client = 'Evil \u{202E}corp' WHERE id = '2001'",
                [],
            )
            .unwrap();
            conn.execute(
                "UPDATE requests SET notes = 'x\u{9b}2J' WHERE id = '5001'",
                [],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('workspace_name', 'W\u{1b}[2J')
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [],
            )
            .unwrap();
        }
        let roster = b.roster().await.unwrap();
        assert!(is_clean(&roster.name));
        for p in &roster.people {
            assert!(is_clean(&p.name) && is_clean(&p.email) && is_clean(&p.role));
        }
        assert_eq!(
            roster
                .people
                .iter()
                .find(|p| p.id.as_str() == "1002")
                .unwrap()
                .name,
            "Eve \u{FFFD}]0;pwned\u{FFFD}"
        );
        assert!(
            roster
                .projects
                .iter()
                .all(|p| is_clean(&p.client) && is_clean(&p.name))
        );
        assert!(
            b.requests()
                .await
                .unwrap()
                .iter()
                .all(|q| is_clean(&q.notes))
        );
    }

    // ---- writes ----

    #[tokio::test]
    async fn creating_allocations_gives_fresh_numeric_ids() {
        let (_dir, b, _) = small_backend();
        let new = |res: &str, hard| NewAllocation {
            resource_id: Id::new(res),
            range: DateRange::new(d("2025-06-02"), d("2025-06-06")),
            amount: Amount::TotalMinutes(1200),
            hard,
            notes: "new work".into(),
        };
        let made = b
            .create_allocations(vec![new("30", true), new("31", false)])
            .await
            .unwrap();
        assert_eq!(made.len(), 2);
        assert_eq!(made[0].id.as_str(), "43");
        assert_eq!(made[1].id.as_str(), "44");
        assert_eq!(made[0].project_id, Some(Id::new("20")));
        assert_eq!(made[0].version, 1);
        assert_eq!(get(&b, "44").await.unwrap(), made[1]);

        // Ids are never reused, even after a delete.
        b.delete_allocation(Id::new("44")).await.unwrap();
        let again = b.create_allocations(vec![new("30", false)]).await.unwrap();
        assert_eq!(again[0].id.as_str(), "45");

        // All or nothing: one bad item stores none.
        let before = b.allocations(everything()).await.unwrap().len();
        let e = b
            .create_allocations(vec![new("30", true), new("31", true)])
            .await
            .unwrap_err();
        match e {
            BackendError::Validation { field, message } => {
                assert_eq!(field.as_deref(), Some("hard"));
                assert!(
                    message.contains("2 of 2") && message.contains("soft"),
                    "{message}"
                );
            }
            e => panic!("{e:?}"),
        }
        let e = b
            .create_allocations(vec![new("999", false)])
            .await
            .unwrap_err();
        assert!(e.to_string().contains("999"), "{e}");
        assert_eq!(b.allocations(everything()).await.unwrap().len(), before);
    }

    #[tokio::test]
    async fn updates_bump_the_version_and_refuse_stale_edits() {
        let (_dir, b, _) = small_backend();
        let mut a = get(&b, "40").await.unwrap();
        a.amount = Amount::TotalMinutes(1800);
        a.notes = "trimmed".into();
        a.range.end = d("2025-03-13");
        let saved = b.update_allocation(a.clone()).await.unwrap();
        assert_eq!(saved.version, 2);
        assert_eq!(saved.amount, Amount::TotalMinutes(1800));
        assert_eq!(saved.notes, "trimmed");
        assert_eq!(saved.range.end, d("2025-03-13"));
        assert_eq!(get(&b, "40").await.unwrap(), saved);

        // `a` still says version 1: someone else's edit happened since.
        let e = b.update_allocation(a.clone()).await.unwrap_err();
        match &e {
            BackendError::Stale(m) => {
                assert!(m.contains("changed elsewhere") && m.contains("40"), "{m}")
            }
            e => panic!("{e:?}"),
        }
        assert_eq!(get(&b, "40").await.unwrap(), saved, "nothing overwritten");

        let mut gone = saved.clone();
        gone.id = Id::new("777");
        assert_eq!(
            b.update_allocation(gone).await.unwrap_err(),
            BackendError::NotFound(
                "allocation 777 does not exist (it may have been deleted)".into()
            )
        );

        let mut hard_unnamed = get(&b, "41").await.unwrap();
        hard_unnamed.hard = true;
        assert!(matches!(
            b.update_allocation(hard_unnamed).await.unwrap_err(),
            BackendError::Validation { field: Some(f), .. } if f == "hard"
        ));

        let mut backwards = saved.clone();
        backwards.range = DateRange {
            start: d("2025-03-10"),
            end: d("2025-03-01"),
        };
        assert!(matches!(
            b.update_allocation(backwards).await.unwrap_err(),
            BackendError::Validation { field: Some(f), .. } if f == "end_date"
        ));
    }

    #[tokio::test]
    async fn read_only_allocations_cannot_be_changed() {
        let (_dir, b, _) = small_backend();
        b.lock()
            .execute("UPDATE allocations SET read_only = 1 WHERE id = '42'", [])
            .unwrap();
        let a = get(&b, "42").await.unwrap();
        assert!(a.read_only);
        for e in [
            b.update_allocation(a.clone()).await.unwrap_err(),
            b.delete_allocation(a.id.clone()).await.unwrap_err(),
            b.split_allocation(a.id.clone(), d("2025-04-10"))
                .await
                .unwrap_err(),
        ] {
            assert!(e.to_string().contains("read-only"), "{e}");
        }
    }

    #[tokio::test]
    async fn deleting_removes_and_names_missing_ids() {
        let (_dir, b, _) = small_backend();
        b.delete_allocation(Id::new("42")).await.unwrap();
        assert!(get(&b, "42").await.is_none());
        let e = b.delete_allocation(Id::new("42")).await.unwrap_err();
        assert!(
            matches!(&e, BackendError::NotFound(m) if m.contains("42")),
            "{e:?}"
        );
    }

    #[tokio::test]
    async fn splitting_shares_minutes_by_working_days() {
        let (_dir, b, data) = small_backend();
        // 40: Mon 3 – Fri 14 March, 2100 min. Working days: 3, 4, 6, 7 (5th is a holiday) before
        // the 10th; 10, 11, 14 after (12–13 off) → 4 : 3.
        let (one, two) = b
            .split_allocation(Id::new("40"), d("2025-03-10"))
            .await
            .unwrap();
        assert_eq!(one.id.as_str(), "40");
        assert_eq!(one.range, DateRange::new(d("2025-03-03"), d("2025-03-09")));
        assert_eq!(two.range, DateRange::new(d("2025-03-10"), d("2025-03-14")));
        assert_eq!(one.amount, Amount::TotalMinutes(1200));
        assert_eq!(two.amount, Amount::TotalMinutes(900));
        assert_eq!(one.version, 2);
        assert_eq!(two.version, 1);
        assert!(two.hard && one.hard);
        assert_ne!(two.id, one.id);
        assert_eq!(get(&b, two.id.as_str()).await.unwrap(), two);

        // The load the views draw is unchanged by the split.
        let mut ws = Workspace::from_roster(data.roster.clone());
        let window = DateRange::new(d("2025-03-01"), d("2025-03-31"));
        ws.set_allocations(window, data.allocations.clone());
        let key = RowKey::Person(Id::new("1"));
        let before: Vec<u32> = window.days().map(|x| ws.index.day(&key, x)).collect();
        ws.set_allocations(window, b.allocations(window).await.unwrap());
        let after: Vec<u32> = window.days().map(|x| ws.index.day(&key, x)).collect();
        assert_eq!(before, after);

        // Per-period units keep their value on both sides.
        let (x, y) = b
            .split_allocation(Id::new("42"), d("2025-04-15"))
            .await
            .unwrap();
        assert_eq!(x.amount, Amount::HoursPerDay(6.5));
        assert_eq!(y.amount, Amount::HoursPerDay(6.5));
        assert_eq!(x.range.end, d("2025-04-14"));
        assert_eq!(y.range.start, d("2025-04-15"));
    }

    #[tokio::test]
    async fn splitting_on_the_last_day_works_and_outside_is_refused() {
        let (_dir, b, _) = small_backend();
        // 41: unnamed (standard week), 3–28 March, 4800 min; splitting on Fri 28th leaves 1 of 19
        // working days (the 5th is a holiday) for the second part.
        let (one, two) = b
            .split_allocation(Id::new("41"), d("2025-03-28"))
            .await
            .unwrap();
        assert_eq!(two.range, DateRange::day(d("2025-03-28")));
        assert_eq!(one.amount, Amount::TotalMinutes(4547));
        assert_eq!(two.amount, Amount::TotalMinutes(253));
        assert!(!two.hard);

        for bad in ["2025-03-03", "2025-03-02", "2025-03-28", "2025-04-02"] {
            let e = b.split_allocation(Id::new("41"), d(bad)).await.unwrap_err();
            match e {
                BackendError::Validation { field, message } => {
                    assert_eq!(field.as_deref(), Some("split_date"));
                    assert!(message.contains(bad), "{message}");
                }
                e => panic!("{bad}: {e:?}"),
            }
        }
        let e = b
            .split_allocation(Id::new("404"), d("2025-03-10"))
            .await
            .unwrap_err();
        assert!(matches!(&e, BackendError::NotFound(m) if m.contains("404")));
        assert_eq!(b.allocations(everything()).await.unwrap().len(), 4);
    }

    #[tokio::test]
    async fn total_hours_are_shared_too() {
        let (_dir, b, _) = small_backend();
        let a = b
            .create_allocations(vec![NewAllocation {
                resource_id: Id::new("31"),
                range: DateRange::new(d("2025-06-02"), d("2025-06-13")),
                amount: Amount::TotalHours(25.0),
                hard: false,
                notes: String::new(),
            }])
            .await
            .unwrap()
            .remove(0);
        let (one, two) = b.split_allocation(a.id, d("2025-06-09")).await.unwrap();
        assert_eq!(one.amount, Amount::TotalHours(12.5));
        assert_eq!(two.amount, Amount::TotalHours(12.5));
    }

    #[tokio::test]
    async fn approving_names_the_resource_and_hardens_its_allocations() {
        let (_dir, b, _) = small_backend();
        let e = b
            .resolve_request(
                Id::new("50"),
                Resolution::Approve {
                    user_id: None,
                    soft: false,
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&e, BackendError::Validation { field: Some(f), .. } if f == "user_id"),
            "{e:?}"
        );
        let e = b
            .resolve_request(
                Id::new("50"),
                Resolution::Approve {
                    user_id: Some(Id::new("99")),
                    soft: false,
                },
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("99"), "{e}");

        let q = b
            .resolve_request(
                Id::new("50"),
                Resolution::Approve {
                    user_id: Some(Id::new("2")),
                    soft: false,
                },
            )
            .await
            .unwrap();
        assert_eq!(q.status, RequestStatus::Approved);
        assert_eq!(q.approver_ids, vec![Id::new("1"), Id::new("2")]);
        let roster = b.roster().await.unwrap();
        let r = roster
            .resources
            .iter()
            .find(|r| r.id.as_str() == "31")
            .unwrap();
        assert_eq!(r.person_id, Some(Id::new("2")));
        let a = get(&b, "41").await.unwrap();
        assert!(a.hard);
        assert_eq!(a.version, 2);

        let e = b
            .resolve_request(Id::new("50"), Resolution::Reject)
            .await
            .unwrap_err();
        assert_eq!(
            e,
            BackendError::Validation {
                field: None,
                message: "request 50 is already approved; only pending requests can be resolved"
                    .into()
            }
        );
        let e = b
            .resolve_request(Id::new("51"), Resolution::Cancel)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("already approved"), "{e}");
        let e = b
            .resolve_request(Id::new("404"), Resolution::Cancel)
            .await
            .unwrap_err();
        assert_eq!(
            e,
            BackendError::NotFound("request 404 does not exist".into())
        );
    }

    #[tokio::test]
    async fn approving_soft_keeps_allocations_soft_and_rejecting_changes_nothing_else() {
        let (_dir, b, _) = small_backend();
        b.resolve_request(
            Id::new("50"),
            Resolution::Approve {
                user_id: Some(Id::new("2")),
                soft: true,
            },
        )
        .await
        .unwrap();
        assert!(!get(&b, "41").await.unwrap().hard);

        let (_dir, b, data) = seeded();
        let pending = data
            .requests
            .iter()
            .find(|q| q.status.is_pending())
            .unwrap();
        let before = b.roster().await.unwrap();
        let q = b
            .resolve_request(pending.id.clone(), Resolution::Reject)
            .await
            .unwrap();
        assert_eq!(q.status, RequestStatus::Rejected);
        assert_eq!(b.roster().await.unwrap(), before);
        let e = b
            .resolve_request(
                pending.id.clone(),
                Resolution::Approve {
                    user_id: None,
                    soft: false,
                },
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("already rejected"), "{e}");
        let other = data
            .requests
            .iter()
            .filter(|q| q.status.is_pending())
            .nth(1)
            .unwrap();
        let q = b
            .resolve_request(other.id.clone(), Resolution::Cancel)
            .await
            .unwrap();
        assert_eq!(q.status, RequestStatus::Cancelled);
        assert!(
            b.resolve_request(other.id.clone(), Resolution::Cancel)
                .await
                .unwrap_err()
                .to_string()
                .contains("already cancelled")
        );
    }

    #[tokio::test]
    async fn writes_persist_across_reopening() {
        let (dir, b, _) = small_backend();
        b.delete_allocation(Id::new("42")).await.unwrap();
        let path = b.path().to_path_buf();
        drop(b);
        let b = LocalBackend::open(&path).unwrap();
        assert_eq!(b.current_user(), Some(Id::new("1")));
        assert!(get(&b, "42").await.is_none());
        assert_eq!(b.allocations(everything()).await.unwrap().len(), 2);
        drop(dir);
    }

    #[tokio::test]
    async fn a_synthetic_workspace_seeds_and_reads_back() {
        let (_dir, b) = fresh();
        let today = d(TODAY);
        let data = synthetic(today, 200, 10_000);
        b.seed(&data).unwrap();
        let all = b.allocations(everything()).await.unwrap();
        assert_eq!(all.len(), 10_000);
        let roster = b.roster().await.unwrap();
        assert_eq!(roster.resources.len(), 200);
        assert_eq!(roster.people.len(), data.roster.people.len());
        let month = b.allocations(month_of(today)).await.unwrap();
        assert!(!month.is_empty() && month.len() < all.len());
        assert!(month.iter().all(|a| a.range.overlaps(&month_of(today))));
        // New ids continue after the seeded ones.
        let made = b
            .create_allocations(vec![NewAllocation {
                resource_id: roster.resources[0].id.clone(),
                range: DateRange::day(today),
                amount: Amount::TotalMinutes(60),
                hard: false,
                notes: String::new(),
            }])
            .await
            .unwrap();
        assert_eq!(made[0].id.as_number(), Some(1_000_001 + 10_000));
    }

    #[test]
    fn the_unnamed_calendar_is_the_standard_week() {
        // The split uses the same calendar rule as the load index.
        let ws = Workspace::from_roster(small().roster);
        let cal: Calendar = ws.calendar_for(&RowKey::Unnamed(Id::new("31")));
        assert_eq!(cal.weekly, WeeklyCapacity::STANDARD);
    }

    #[tokio::test]
    async fn a_batch_is_all_or_nothing() {
        let (_dir, b, _) = small_backend();
        let before = b.allocations(everything()).await.unwrap();
        let a40 = get(&b, "40").await.unwrap();
        let moved = Allocation {
            range: DateRange::new(d("2025-03-10"), d("2025-03-21")),
            ..a40.clone()
        };
        let batch = vec![
            Change::Update(moved),
            Change::Create(NewAllocation {
                resource_id: Id::new("31"),
                range: DateRange::new(d("2025-05-01"), d("2025-05-02")),
                amount: Amount::TotalMinutes(60),
                hard: true, // an unnamed resource cannot be hard: the batch fails here
                notes: String::new(),
            }),
        ];
        let err = b.apply(batch).await.unwrap_err();
        assert!(matches!(err, BackendError::Validation { .. }), "{err:?}");
        assert_eq!(
            b.allocations(everything()).await.unwrap(),
            before,
            "the first change was not kept"
        );

        let ok = b
            .apply(vec![
                Change::Split {
                    id: Id::new("40"),
                    version: a40.version,
                    date: d("2025-03-10"),
                },
                Change::Delete {
                    id: Id::new("41"),
                    version: 1,
                },
            ])
            .await
            .unwrap();
        assert!(
            matches!(&ok[0], Applied::Split(x, y) if x.range.end == d("2025-03-09") && y.range.start == d("2025-03-10"))
        );
        assert_eq!(ok[1], Applied::Deleted(Id::new("41")));
        assert!(get(&b, "41").await.is_none());
    }

    #[tokio::test]
    async fn stale_deletes_and_splits_are_refused() {
        let (_dir, b, _) = small_backend();
        let err = b
            .apply(vec![Change::Delete {
                id: Id::new("40"),
                version: 7,
            }])
            .await
            .unwrap_err();
        assert!(
            matches!(err, BackendError::Stale(ref m) if m.contains("changed elsewhere")),
            "{err:?}"
        );
        let err = b
            .apply(vec![Change::Split {
                id: Id::new("40"),
                version: 7,
                date: d("2025-03-10"),
            }])
            .await
            .unwrap_err();
        assert!(matches!(err, BackendError::Stale(_)));
        assert!(get(&b, "40").await.is_some());
    }

    #[tokio::test]
    async fn two_processes_renaming_one_resource_do_not_overwrite_each_other() {
        let (dir, a, _) = small_backend();
        let b = LocalBackend::open(&dir.path().join("allot.db")).unwrap();
        // Both read resource 31; the first renames it.
        let read = resource_of(&b, "31").await.unwrap();
        let version = crate::client::resource_version(&read);
        let renamed = |label: &str| Resource {
            label: label.into(),
            ..read.clone()
        };
        a.apply(vec![Change::UpdateResource {
            resource: renamed("Mine"),
            version,
        }])
        .await
        .unwrap();
        // The second, from what it read before, is refused: nothing overwritten.
        let e = b
            .apply(vec![Change::UpdateResource {
                resource: renamed("Theirs"),
                version,
            }])
            .await
            .unwrap_err();
        assert!(matches!(e, BackendError::Stale(_)), "{e:?}");
        assert!(
            e.to_string()
                .contains("was changed elsewhere since it was read"),
            "{e}"
        );
        let e = b
            .apply(vec![Change::DeleteResource {
                id: read.id.clone(),
                version,
            }])
            .await
            .unwrap_err();
        assert!(matches!(e, BackendError::Stale(_)), "{e:?}");
        assert_eq!(resource_of(&a, "31").await.unwrap().label, "Mine");
        // Read again, the second's rename goes through.
        let change = update_of(&b, renamed("Theirs")).await;
        b.apply(vec![change]).await.unwrap();
        assert_eq!(resource_of(&a, "31").await.unwrap().label, "Theirs");
    }

    #[tokio::test]
    async fn the_change_token_moves_when_another_process_writes() {
        let (dir, b, _) = small_backend();
        let first = b.change_token().await.unwrap();
        assert_eq!(b.change_token().await.unwrap(), first, "nothing changed");
        let other = LocalBackend::open(&dir.path().join("allot.db")).unwrap();
        other
            .apply(vec![Change::Delete {
                id: Id::new("41"),
                version: 1,
            }])
            .await
            .unwrap();
        assert_ne!(b.change_token().await.unwrap(), first);
    }

    // ---- staffing requests: creating and reassigning ----

    fn new_request(
        target: RequestTarget,
        approvers: &[&str],
        a: &str,
        z: &str,
        pct: u32,
    ) -> NewRequest {
        NewRequest {
            target,
            approver_ids: approvers.iter().map(Id::new).collect(),
            period: DateRange::new(d(a), d(z)),
            percentage: pct,
            notes: "for the spring push".into(),
        }
    }

    fn role_on(project: &str, role: &str) -> RequestTarget {
        RequestTarget::NewUnnamed {
            project_id: Id::new(project),
            role: role.into(),
        }
    }

    async fn counts(b: &LocalBackend) -> (usize, usize, usize) {
        (
            b.requests().await.unwrap().len(),
            b.roster().await.unwrap().resources.len(),
            b.allocations(everything()).await.unwrap().len(),
        )
    }

    #[tokio::test]
    async fn a_request_for_a_role_creates_an_unnamed_resource_holding_the_dates_softly() {
        let (_dir, b, _) = small_backend();
        let before = chrono::Utc::now();
        let made = b
            .create_request(new_request(
                role_on("20", "  QA Engineer "),
                &["2"],
                "2025-03-03",
                "2025-03-14",
                50,
            ))
            .await
            .unwrap();
        let q = &made.request;
        assert_eq!(q.id.as_str(), "52", "ids continue after the seeded ones");
        assert_eq!(q.status, RequestStatus::New);
        assert_eq!(q.creator_id, Id::new("1"), "the workspace's current user");
        assert_eq!(q.approver_ids, vec![Id::new("2")]);
        assert_eq!(q.percentage, Some(50));
        assert_eq!(q.notes, "for the spring push");
        assert_eq!(
            q.period,
            Some(DateRange::new(d("2025-03-03"), d("2025-03-14")))
        );
        assert!(q.created_at >= before - chrono::Duration::seconds(1));
        assert!(q.created_at <= chrono::Utc::now() + chrono::Duration::seconds(1));

        let r = made.resource.clone().expect("a new unnamed resource");
        assert_eq!(r.id.as_str(), "32");
        assert_eq!(q.resource_id, r.id);
        assert!(r.is_unnamed());
        assert_eq!(r.project_id, Some(Id::new("20")));
        assert_eq!(r.role, "QA Engineer");

        // Standard week: 10 weekdays, one a holiday → 9 × 8 h = 4320 min; half of it.
        assert_eq!(made.allocations.len(), 1);
        let a = &made.allocations[0];
        assert_eq!(a.resource_id, r.id);
        assert_eq!(a.project_id, Some(Id::new("20")));
        assert_eq!(Some(a.range), q.period);
        assert_eq!(a.amount, Amount::TotalMinutes(2160));
        assert!(!a.hard);
        assert_eq!(a.notes, "Requested in #52");
        assert_eq!(a.version, 1);

        // All of it is stored and reads back the same.
        let stored = b.requests().await.unwrap();
        assert_eq!(stored.iter().find(|x| x.id == q.id), Some(q));
        let roster = b.roster().await.unwrap();
        assert!(roster.resources.contains(&r));
        assert_eq!(get(&b, a.id.as_str()).await.as_ref(), Some(a));
    }

    #[tokio::test]
    async fn a_request_for_an_existing_resource_uses_its_persons_calendar() {
        let (_dir, b, data) = small_backend();
        // Resource 30 is Morgan Lee: 3–14 March has 10 weekdays, a holiday and two days off.
        let made = b
            .create_request(new_request(
                RequestTarget::Resource(Id::new("30")),
                &["2", "1", "2"],
                "2025-03-03",
                "2025-03-14",
                150,
            ))
            .await
            .unwrap();
        assert_eq!(made.resource, None, "no resource was created");
        assert_eq!(made.request.resource_id, Id::new("30"));
        assert_eq!(
            made.request.approver_ids,
            vec![Id::new("2"), Id::new("1")],
            "in the order given, without repeats"
        );
        let cal =
            Workspace::from_roster(data.roster.clone()).calendar_for(&RowKey::Person(Id::new("1")));
        assert_eq!(cal.capacity_in(made.request.period.unwrap()), 7 * 480);
        assert_eq!(
            made.allocations[0].amount,
            Amount::TotalMinutes(7 * 480 * 3 / 2)
        );
        assert!(!made.allocations[0].hard);
        assert_eq!(b.roster().await.unwrap().resources, data.roster.resources);
    }

    #[tokio::test]
    async fn a_request_is_refused_for_each_broken_rule_and_nothing_is_kept() {
        let (_dir, b, _) = small_backend();
        let before = counts(&b).await;
        let field_of = |e: BackendError| match e {
            BackendError::Validation { field, message } => (field, message),
            e => panic!("{e:?}"),
        };
        let unnamed = || role_on("20", "Designer");

        let (f, m) = field_of(
            b.create_request(new_request(unnamed(), &[], "2025-03-03", "2025-03-14", 50))
                .await
                .unwrap_err(),
        );
        assert_eq!(f.as_deref(), Some("approver_ids"));
        assert!(m.contains("at least one"), "{m}");

        let (f, m) = field_of(
            b.create_request(new_request(
                unnamed(),
                &["2", "99"],
                "2025-03-03",
                "2025-03-14",
                50,
            ))
            .await
            .unwrap_err(),
        );
        assert_eq!(f.as_deref(), Some("approver_ids"));
        assert!(m.contains("99"), "{m}");

        let mut backwards = new_request(unnamed(), &["2"], "2025-03-03", "2025-03-14", 50);
        backwards.period = DateRange {
            start: d("2025-03-14"),
            end: d("2025-03-03"),
        };
        let (f, _) = field_of(b.create_request(backwards).await.unwrap_err());
        assert_eq!(f.as_deref(), Some("end_date"));

        for pct in [0, 301] {
            let (f, m) = field_of(
                b.create_request(new_request(
                    unnamed(),
                    &["2"],
                    "2025-03-03",
                    "2025-03-14",
                    pct,
                ))
                .await
                .unwrap_err(),
            );
            assert_eq!(f.as_deref(), Some("percentage"));
            assert!(m.contains(&pct.to_string()), "{m}");
        }

        let (f, _) = field_of(
            b.create_request(new_request(
                role_on("20", " \t "),
                &["2"],
                "2025-03-03",
                "2025-03-14",
                50,
            ))
            .await
            .unwrap_err(),
        );
        assert_eq!(f.as_deref(), Some("role"));

        let e = b
            .create_request(new_request(
                RequestTarget::Resource(Id::new("404")),
                &["2"],
                "2025-03-03",
                "2025-03-14",
                50,
            ))
            .await
            .unwrap_err();
        assert_eq!(
            e,
            BackendError::NotFound("resource 404 does not exist".into())
        );
        let e = b
            .create_request(new_request(
                role_on("404", "Designer"),
                &["2"],
                "2025-03-03",
                "2025-03-14",
                50,
            ))
            .await
            .unwrap_err();
        assert_eq!(
            e,
            BackendError::NotFound("project 404 does not exist".into())
        );

        assert_eq!(counts(&b).await, before, "no refused request left anything");
        // The bounds themselves are fine, and the refusals used up no ids.
        for (pct, id) in [(1, "52"), (300, "53")] {
            let made = b
                .create_request(new_request(
                    unnamed(),
                    &["2"],
                    "2025-03-03",
                    "2025-03-14",
                    pct,
                ))
                .await
                .unwrap();
            assert_eq!(made.request.id.as_str(), id);
        }
    }

    #[tokio::test]
    async fn the_requester_is_whoever_allot_acts_as() {
        let (_dir, b, _) = small_backend();
        b.act_as(Some(Id::new("2")));
        assert_eq!(b.current_user(), Some(Id::new("2")));
        assert_eq!(b.roster().await.unwrap().current_user, Some(Id::new("2")));
        let made = b
            .create_request(new_request(
                role_on("20", "Designer"),
                &["1"],
                "2025-03-03",
                "2025-03-07",
                100,
            ))
            .await
            .unwrap();
        assert_eq!(made.request.creator_id, Id::new("2"));
        b.act_as(None);
        assert_eq!(b.roster().await.unwrap().current_user, Some(Id::new("1")));

        // A workspace with nobody as "I" cannot make requests.
        b.lock()
            .execute("DELETE FROM meta WHERE key = 'current_user_id'", [])
            .unwrap();
        let e = b
            .create_request(new_request(
                role_on("20", "Designer"),
                &["1"],
                "2025-03-03",
                "2025-03-07",
                100,
            ))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("no current user"), "{e}");
    }

    #[tokio::test]
    async fn a_created_request_can_be_approved_and_staffed() {
        let (_dir, b, data) = seeded();
        let me = b.current_user().unwrap();
        let project = data.roster.projects[0].id.clone();
        let made = b
            .create_request(new_request(
                role_on(project.as_str(), "Engineer"),
                &[me.as_str()],
                "2026-04-06",
                "2026-04-17",
                100,
            ))
            .await
            .unwrap();
        assert!(made.request.id.as_number().unwrap() > 5020);
        assert_eq!(made.allocations[0].amount, Amount::TotalMinutes(10 * 480));
        let staff = data.roster.people[1].id.clone();
        let q = b
            .resolve_request(
                made.request.id.clone(),
                Resolution::Approve {
                    user_id: Some(staff.clone()),
                    soft: false,
                },
            )
            .await
            .unwrap();
        assert_eq!(q.status, RequestStatus::Approved);
        let a = get(&b, made.allocations[0].id.as_str()).await.unwrap();
        assert!(a.hard);
        let roster = b.roster().await.unwrap();
        let r = roster
            .resources
            .iter()
            .find(|r| r.id == made.request.resource_id)
            .unwrap();
        assert_eq!(r.person_id, Some(staff));
    }

    #[tokio::test]
    async fn reassigning_replaces_the_approvers_of_a_pending_request() {
        let (_dir, b, data) = small_backend();
        let q = b
            .update_approver(Id::new("50"), vec![Id::new("2"), Id::new("2")])
            .await
            .unwrap();
        assert_eq!(q.approver_ids, vec![Id::new("2")]);
        let stored = b.requests().await.unwrap();
        assert_eq!(stored.iter().find(|x| x.id.as_str() == "50"), Some(&q));
        assert_eq!(
            Request {
                approver_ids: data.requests[0].approver_ids.clone(),
                ..q.clone()
            },
            data.requests[0],
            "nothing else changed"
        );

        for (ids, needle) in [
            (vec![], "at least one"),
            (vec![Id::new("1"), Id::new("99")], "99"),
        ] {
            match b.update_approver(Id::new("50"), ids).await.unwrap_err() {
                BackendError::Validation { field, message } => {
                    assert_eq!(field.as_deref(), Some("approver_ids"));
                    assert!(message.contains(needle), "{message}");
                }
                e => panic!("{e:?}"),
            }
        }
        assert_eq!(
            b.requests()
                .await
                .unwrap()
                .iter()
                .find(|x| x.id.as_str() == "50"),
            Some(&q),
            "a refused reassignment changed nothing"
        );

        assert_eq!(
            b.update_approver(Id::new("51"), vec![Id::new("1")])
                .await
                .unwrap_err(),
            BackendError::Validation {
                field: None,
                message: "request 51 is already approved; only pending requests can be reassigned"
                    .into()
            }
        );
        b.resolve_request(Id::new("50"), Resolution::Reject)
            .await
            .unwrap();
        let e = b
            .update_approver(Id::new("50"), vec![Id::new("1")])
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains("request 50 is already rejected"),
            "{e}"
        );
        assert_eq!(
            b.update_approver(Id::new("404"), vec![Id::new("1")])
                .await
                .unwrap_err(),
            BackendError::NotFound("request 404 does not exist".into())
        );
    }

    // ---- schema migration 3 ----

    #[tokio::test]
    async fn a_version_2_database_gains_dated_patterns_and_partial_days_off() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            schema::migrate(&mut conn, &schema::MIGRATIONS[..2], true).unwrap();
            conn.execute_batch(
                "INSERT INTO people (id, name, cap_fri) VALUES ('1', 'Morgan Lee', 0);
                 INSERT INTO time_off (person_id, start_date, end_date)
                     VALUES ('1', '2026-01-05', '2026-01-06');",
            )
            .unwrap();
        }
        let b = LocalBackend::open(&path).unwrap();
        let d = |s: &str| parse_date(s).unwrap();
        let before = b.roster().await.unwrap();
        assert_eq!(
            before.people[0].time_off,
            [DateRange::new(d("2026-01-05"), d("2026-01-06"))]
        );
        assert!(
            before.calendars.is_empty(),
            "one pattern, whole days: no full calendar"
        );
        b.lock()
            .execute_batch(
                "INSERT INTO work_patterns (person_id, start_date, cap_mon, cap_tue, cap_wed,
                                            cap_thu, cap_fri, cap_sat, cap_sun)
                     VALUES ('1', '2026-01-11', 240, 240, 240, 240, 240, 0, 0);
                 INSERT INTO time_off (person_id, start_date, end_date, minutes)
                     VALUES ('1', '2026-01-07', '2026-01-07', 90), ('1', '2026-01-07', '2026-01-07', 60);",
            )
            .unwrap();
        let roster = b.roster().await.unwrap();
        let p = &roster.people[0];
        assert_eq!(p.time_off.len(), 1, "partial days are not whole days off");
        let cal = roster.calendar_of(p);
        assert_eq!(cal.capacity(d("2026-01-05")), 0, "whole day off");
        assert_eq!(
            cal.capacity(d("2026-01-07")),
            480 - 150,
            "two partial rows add up"
        );
        assert_eq!(
            cal.capacity(d("2026-01-09")),
            0,
            "Friday off in the first pattern"
        );
        assert_eq!(
            cal.capacity(d("2026-01-12")),
            240,
            "the pattern from 01-11 on"
        );
        assert_eq!(
            cal.capacity(d("2026-01-16")),
            240,
            "Friday worked in the second"
        );
        // The calendar allocations are spread over on write is the same one.
        let r = Resource {
            id: Id::new("9"),
            project_id: None,
            person_id: Some(Id::new("1")),
            role: String::new(),
            label: String::new(),
        };
        let spread = store::calendar_of(&b.lock(), &r).unwrap();
        assert_eq!(spread, cal);
        let v: i64 = b
            .lock()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, 3);
    }

    #[tokio::test]
    async fn the_demo_store_holds_the_demo_calendars() {
        let (_dir, b, data) = seeded();
        let today = d(TODAY);
        assert!(
            data.roster
                .calendars
                .values()
                .any(|c| !c.changes.is_empty()),
            "a pattern change"
        );
        assert!(
            data.roster
                .calendars
                .values()
                .any(|c| !c.minutes_off.is_empty()),
            "a partial day off"
        );
        let roster = b.roster().await.unwrap();
        let window = DateRange::new(add_days(today, -60), add_days(today, 120));
        for p in &data.roster.people {
            let want = data.roster.calendar_of(p);
            let got = roster.calendar_of(roster.people.iter().find(|q| q.id == p.id).unwrap());
            for day in window.days() {
                assert_eq!(got.capacity(day), want.capacity(day), "{} on {day}", p.name);
            }
        }
    }

    // ---- schema migration 2 ----

    #[tokio::test]
    async fn a_version_1_database_migrates_with_its_data_intact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            schema::migrate(&mut conn, &schema::MIGRATIONS[..1], true).unwrap();
            conn.execute_batch(
                "INSERT INTO meta (key, value) VALUES ('current_user_id', '1');
                 INSERT INTO people (id, name, role) VALUES ('1', 'Morgan Lee', 'Resource Manager'),
                                                          ('2', 'Zoë Øster', 'Designer');
                 INSERT INTO projects (id, name, client) VALUES ('20', 'Atlas', 'Contoso');
                 INSERT INTO resources (id, project_id, person_id, role, label)
                     VALUES ('30', '20', '1', 'Engineer', ''), ('31', '20', NULL, 'Designer', 'Visual'),
                            ('32', '20', '1', 'Analyst', '');
                 INSERT INTO allocations (id, resource_id, project_id, start_date, end_date, unit, value, hard)
                     VALUES ('40', '30', '20', '2025-03-03', '2025-03-14', 'total_minutes', 2100, 1);",
            )
            .unwrap();
            let v: i64 = conn
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .unwrap();
            assert_eq!(v, 1);
        }
        let b = LocalBackend::open(&path).unwrap();
        let v: i64 = b
            .lock()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        assert_eq!(SCHEMA_VERSION, 3);
        let roster = b.roster().await.unwrap();
        assert_eq!(roster.current_user, Some(Id::new("1")));
        assert_eq!(roster.people.len(), 2);
        assert_eq!(roster.people[1].name, "Zoë Øster");
        assert_eq!(
            roster
                .resources
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>(),
            ["30", "31", "32"]
        );
        let all = b.allocations(everything()).await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].amount, Amount::TotalMinutes(2100));
        assert_eq!(
            roster.participations,
            vec![Participation {
                person_id: Id::new("1"),
                project_id: Id::new("20"),
                role: None,
            }],
            "whoever held a named resource participates, with no role"
        );
        assert!(b.scheduled_hours(everything()).await.unwrap().is_empty());
        // The new tables work, and the file reopens at version 2.
        let made = b
            .create_resources(vec![NewResource {
                project_id: Id::new("20"),
                person_id: Some(Id::new("2")),
                role: None,
                label: None,
            }])
            .await
            .unwrap();
        assert_eq!(made[0].id.as_str(), "33");
        assert_eq!(made[0].role, "Designer");
        drop(b);
        let b = LocalBackend::open(&path).unwrap();
        assert_eq!(b.roster().await.unwrap().participations.len(), 2);
    }

    #[test]
    fn scheduled_weeks_must_be_mondays() {
        let (_dir, b, _) = small_backend();
        let conn = b.lock();
        for bad in ["2025-03-04", "2025-3-3", "next monday"] {
            assert!(
                conn.execute(
                    "INSERT INTO scheduled_hours (resource_id, week, minutes) VALUES ('30', ?1, 60)",
                    [bad],
                )
                .is_err(),
                "{bad}"
            );
        }
        conn.execute(
            "INSERT INTO scheduled_hours (resource_id, week, minutes) VALUES ('30', '2025-03-31', 60)",
            [],
        )
        .unwrap();
    }

    // ---- participations and scheduled hours ----

    #[tokio::test]
    async fn the_roster_carries_participations() {
        let (_dir, b, data) = small_backend();
        let roster = b.roster().await.unwrap();
        assert_eq!(roster.participations, data.roster.participations);

        let (_dir, b, data) = seeded();
        let roster = b.roster().await.unwrap();
        assert_eq!(roster.participations, data.roster.participations);
        assert!(roster.participations.iter().any(|p| p.role.is_some()));
        assert!(roster.participations.iter().any(|p| p.role.is_none()));
        // Roles written behind allot's back come back cleaned; a blank role is none.
        b.lock()
            .execute_batch(
                "UPDATE participations SET role = 'Lead\u{1b}[2J' WHERE person_id = '1002' AND project_id = '2001';
                 UPDATE participations SET role = '  ' WHERE person_id = '1002' AND project_id = '2002';",
            )
            .unwrap();
        let roster = b.roster().await.unwrap();
        let role = |project: &str| {
            roster
                .participations
                .iter()
                .find(|p| p.person_id.as_str() == "1002" && p.project_id.as_str() == project)
                .unwrap()
                .role
                .clone()
        };
        assert_eq!(role("2001").as_deref(), Some("Lead\u{FFFD}[2J"));
        assert_eq!(role("2002"), None);
    }

    #[tokio::test]
    async fn scheduled_hours_are_the_weeks_whose_monday_is_in_the_window() {
        let (_dir, b, _) = small_backend();
        let window = |a, z| DateRange::new(d(a), d(z));
        let got = b
            .scheduled_hours(window("2025-03-04", "2025-03-24"))
            .await
            .unwrap();
        assert_eq!(
            got,
            vec![week("30", "2025-03-10", 900), week("30", "2025-03-24", 300)],
            "the week of 3 March starts before the window"
        );
        let got = b
            .scheduled_hours(window("2025-03-03", "2025-03-03"))
            .await
            .unwrap();
        assert_eq!(
            got,
            vec![
                week("30", "2025-03-03", 1200),
                week("31", "2025-03-03", 1200)
            ]
        );
        assert!(
            b.scheduled_hours(window("2025-03-25", "2025-12-31"))
                .await
                .unwrap()
                .is_empty()
        );

        // The demo has scheduled hours for most resources around today.
        let (_dir, b, data) = seeded();
        let today = d(TODAY);
        let near = DateRange::new(add_days(today, -60), add_days(today, 120));
        let got = b.scheduled_hours(near).await.unwrap();
        assert!(got.iter().all(|w| near.contains(w.monday)));
        let resources: BTreeSet<&Id> = got.iter().map(|w| &w.resource_id).collect();
        assert!(resources.len() >= 50, "{}", resources.len());
        assert_eq!(
            got.len(),
            data.scheduled
                .iter()
                .filter(|w| near.contains(w.monday))
                .count()
        );
    }

    // ---- workspace resources: create ----

    fn new_resource(project: &str, person: Option<&str>, role: Option<&str>) -> NewResource {
        NewResource {
            project_id: Id::new(project),
            person_id: person.map(Id::new),
            role: role.map(str::to_string),
            label: None,
        }
    }

    fn refusal(e: BackendError) -> (String, String) {
        match e {
            BackendError::Validation {
                field: Some(field),
                message,
            } => (field, message),
            e => panic!("expected a refusal naming a field, got {e:?}"),
        }
    }

    /// A change of resource `r`, naming the version the store holds now.
    async fn update_of(b: &LocalBackend, r: Resource) -> Change {
        let read = resource_of(b, r.id.as_str()).await.expect("stored");
        Change::UpdateResource {
            version: crate::client::resource_version(&read),
            resource: r,
        }
    }

    async fn delete_of(b: &LocalBackend, id: &str) -> Change {
        let read = resource_of(b, id).await.expect("stored");
        Change::DeleteResource {
            id: read.id.clone(),
            version: crate::client::resource_version(&read),
        }
    }

    async fn resource_of(b: &LocalBackend, id: &str) -> Option<Resource> {
        b.roster()
            .await
            .unwrap()
            .resources
            .into_iter()
            .find(|r| r.id.as_str() == id)
    }

    async fn participation_of(
        b: &LocalBackend,
        person: &str,
        project: &str,
    ) -> Option<Participation> {
        b.roster()
            .await
            .unwrap()
            .participations
            .into_iter()
            .find(|p| p.person_id.as_str() == person && p.project_id.as_str() == project)
    }

    #[tokio::test]
    async fn a_named_resource_without_a_role_takes_the_primary_role() {
        let (_dir, b, _) = small_backend();
        // Zoë is on no project: her default role applies, and she now participates in Atlas.
        let made = b
            .create_resources(vec![new_resource("20", Some("2"), None)])
            .await
            .unwrap();
        assert_eq!(
            made,
            vec![Resource {
                id: Id::new("32"),
                project_id: Some(Id::new("20")),
                person_id: Some(Id::new("2")),
                role: "Designer".into(),
                label: "Designer".into(),
            }]
        );
        assert_eq!(resource_of(&b, "32").await.as_ref(), Some(&made[0]));
        assert_eq!(
            participation_of(&b, "2", "20").await,
            Some(Participation {
                person_id: Id::new("2"),
                project_id: Id::new("20"),
                role: None,
            }),
            "her default role is her role there"
        );

        // Morgan's role on Atlas is Engineer (their default is Resource Manager), and they already
        // are the Engineer there.
        let (f, m) = refusal(
            b.create_resources(vec![new_resource("20", Some("1"), None)])
                .await
                .unwrap_err(),
        );
        assert_eq!(f, "role");
        assert_eq!(
            m,
            "Morgan Lee already is the Engineer on Atlas (resource 30); a person holds each role once per project"
        );
        // The same role in another case is the same role.
        let (f, _) = refusal(
            b.create_resources(vec![new_resource("20", Some("1"), Some(" engineer "))])
                .await
                .unwrap_err(),
        );
        assert_eq!(f, "role");

        // Another role for the same person on the same project is fine, with its own label.
        let mut analyst = new_resource("20", Some("1"), Some("Analyst"));
        analyst.label = Some("  Reporting analyst ".into());
        let made = b.create_resources(vec![analyst]).await.unwrap();
        assert_eq!(made[0].id.as_str(), "33");
        assert_eq!(made[0].role, "Analyst");
        assert_eq!(made[0].label, "Reporting analyst");
        assert_eq!(
            participation_of(&b, "1", "20")
                .await
                .unwrap()
                .role
                .as_deref(),
            Some("Engineer"),
            "an existing participation is kept as it is"
        );
    }

    #[tokio::test]
    async fn a_new_participation_keeps_a_role_other_than_the_default() {
        let (_dir, b, _) = small_backend();
        b.lock()
            .execute_batch("INSERT INTO projects (id, name) VALUES ('21', 'Borealis');")
            .unwrap();
        b.create_resources(vec![new_resource("21", Some("2"), Some("Engineer"))])
            .await
            .unwrap();
        assert_eq!(
            participation_of(&b, "2", "21")
                .await
                .unwrap()
                .role
                .as_deref(),
            Some("Engineer"),
            "Zoë (a Designer) joined Borealis as its Engineer"
        );
        // So her primary role there is Engineer: that resource is the one Kantata keeps.
        let (f, m) = refusal(b.delete_resource(Id::new("32")).await.unwrap_err());
        assert_eq!(f, "role");
        assert!(
            m.contains("Zoë Øster's Engineer resource is their last"),
            "{m}"
        );
    }

    #[tokio::test]
    async fn creating_a_resource_is_refused_for_each_broken_rule() {
        let (_dir, b, _) = small_backend();
        let before = b.roster().await.unwrap();
        for role in [None, Some(""), Some("  \t")] {
            let (f, m) = refusal(
                b.create_resources(vec![new_resource("20", None, role)])
                    .await
                    .unwrap_err(),
            );
            assert_eq!(f, "role");
            assert_eq!(
                m,
                "an unnamed resource needs a role; name the role to staff on Atlas, e.g. Engineer"
            );
        }
        assert_eq!(
            b.create_resources(vec![new_resource("404", None, Some("Engineer"))])
                .await
                .unwrap_err(),
            BackendError::NotFound("project 404 does not exist".into())
        );
        let (f, m) = refusal(
            b.create_resources(vec![new_resource("20", Some("99"), None)])
                .await
                .unwrap_err(),
        );
        assert_eq!(
            (f.as_str(), m.as_str()),
            ("person_id", "person 99 does not exist")
        );

        // No participation role and no default role: no primary role to fall back on.
        b.lock()
            .execute(
                "INSERT INTO people (id, name, role) VALUES ('3', 'Sam Roe', '')",
                [],
            )
            .unwrap();
        let (f, m) = refusal(
            b.create_resources(vec![new_resource("20", Some("3"), None)])
                .await
                .unwrap_err(),
        );
        assert_eq!(f, "role");
        assert_eq!(
            m,
            "Sam Roe has no role on Atlas and no default role; choose the role for the resource"
        );

        // In a bulk create, one bad item stores none and says which.
        let (f, m) = refusal(
            b.create_resources(vec![
                new_resource("20", None, Some("QA Engineer")),
                new_resource("20", Some("1"), Some("Engineer")),
            ])
            .await
            .unwrap_err(),
        );
        assert_eq!(f, "role");
        assert!(
            m.starts_with("resource 2 of 2: Morgan Lee already is the Engineer"),
            "{m}"
        );
        let after = b.roster().await.unwrap();
        assert_eq!(after.resources, before.resources);
        assert_eq!(after.participations, before.participations);

        // Unnamed resources may repeat a role; the label defaults to the role.
        let made = b
            .create_resources(vec![
                new_resource("20", None, Some(" Designer ")),
                new_resource("20", None, Some("Designer")),
            ])
            .await
            .unwrap();
        assert_eq!(
            made.iter()
                .map(|r| (r.id.as_str(), r.label.as_str()))
                .collect::<Vec<_>>(),
            [("32", "Designer"), ("33", "Designer")],
            "no ids were used up by the refusals"
        );
        assert!(made.iter().all(Resource::is_unnamed));
        assert_eq!(
            b.roster().await.unwrap().participations,
            before.participations
        );
    }

    // ---- workspace resources: update ----

    #[tokio::test]
    async fn updating_changes_label_role_and_names_an_unnamed_resource() {
        let (_dir, b, _) = small_backend();
        let mut r30 = resource_of(&b, "30").await.unwrap();
        r30.label = "Backend".into();
        let saved = b.update_resource(r30.clone()).await.unwrap();
        assert_eq!(saved.label, "Backend");
        assert_eq!(resource_of(&b, "30").await, Some(saved.clone()));
        // A blank label becomes the role again.
        r30.label = "  ".into();
        assert_eq!(
            b.update_resource(r30.clone()).await.unwrap().label,
            "Engineer"
        );

        // Naming the unnamed Designer with Zoë: her participation is recorded, the soft
        // allocation stays soft (the caller sends hard/soft changes itself).
        let mut r31 = resource_of(&b, "31").await.unwrap();
        r31.person_id = Some(Id::new("2"));
        let named = b.update_resource(r31.clone()).await.unwrap();
        assert_eq!(named.person_id, Some(Id::new("2")));
        assert_eq!(named.label, "Visual designer");
        assert!(participation_of(&b, "2", "20").await.is_some());
        assert!(!get(&b, "41").await.unwrap().hard);

        // Naming it again with Zoë changes nothing: refused, saying so.
        let (f, m) = refusal(b.update_resource(named.clone()).await.unwrap_err());
        assert_eq!(f, "person_id");
        assert_eq!(m, "Zoë Øster already is this resource (Designer on Atlas)");

        // A person's resource with a blank role takes their primary role.
        let mut blank = named.clone();
        blank.role = String::new();
        blank.label = String::new();
        let saved = b.update_resource(blank).await.unwrap();
        assert_eq!(
            (saved.role.as_str(), saved.label.as_str()),
            ("Designer", "Designer")
        );
    }

    #[tokio::test]
    async fn updating_is_refused_for_each_broken_rule() {
        let (_dir, b, _) = small_backend();
        let before = b.roster().await.unwrap();
        let r30 = resource_of(&b, "30").await.unwrap();
        let r31 = resource_of(&b, "31").await.unwrap();

        let gone = Resource {
            id: Id::new("404"),
            ..r30.clone()
        };
        assert_eq!(
            b.update_resource(gone).await.unwrap_err(),
            BackendError::NotFound("resource 404 does not exist (it may have been deleted)".into())
        );

        // Naming the unnamed Designer with Morgan, who already is a Designer... is fine once;
        // naming it Engineer with Morgan, who already is the Engineer, is not.
        let mut clash = r31.clone();
        clash.person_id = Some(Id::new("1"));
        clash.role = "Engineer".into();
        let (f, m) = refusal(b.update_resource(clash).await.unwrap_err());
        assert_eq!(f, "person_id");
        assert_eq!(
            m,
            "Morgan Lee already is the Engineer on Atlas (resource 30); a person holds each role once per project"
        );

        let mut roleless = r31.clone();
        roleless.role = " ".into();
        let (f, m) = refusal(b.update_resource(roleless).await.unwrap_err());
        assert_eq!(f, "role");
        assert!(m.starts_with("an unnamed resource needs a role"), "{m}");

        let mut moved = r30.clone();
        moved.project_id = Some(Id::new("21"));
        let (f, m) = refusal(b.update_resource(moved).await.unwrap_err());
        assert_eq!(f, "project_id");
        assert!(m.contains("cannot move to another project"), "{m}");

        let mut nobody = r31.clone();
        nobody.person_id = Some(Id::new("99"));
        let (f, _) = refusal(b.update_resource(nobody).await.unwrap_err());
        assert_eq!(f, "person_id");

        // Un-naming Morgan's Engineer while 40 and 42 are hard: unnamed means soft only.
        let mut unnamed = r30.clone();
        unnamed.person_id = None;
        let (f, m) = refusal(b.update_resource(unnamed).await.unwrap_err());
        assert_eq!(f, "hard");
        assert_eq!(
            m,
            "un-naming Morgan Lee's Engineer resource on Atlas leaves hard allocations on it (40, 42); unnamed resources can only be soft allocated, so make them soft in the same change"
        );
        assert_eq!(b.roster().await.unwrap(), before, "nothing was changed");
    }

    #[tokio::test]
    async fn un_naming_and_softening_go_together_in_one_batch() {
        let (_dir, b, _) = small_backend();
        let mut r30 = resource_of(&b, "30").await.unwrap();
        r30.person_id = None;
        let soft = |mut a: Allocation| {
            a.hard = false;
            Change::Update(a)
        };
        let a40 = get(&b, "40").await.unwrap();
        let a42 = get(&b, "42").await.unwrap();
        // The resource first, then its allocations: checked once the batch is through.
        let done = b
            .apply(vec![update_of(&b, r30.clone()).await, soft(a40), soft(a42)])
            .await
            .unwrap();
        assert!(matches!(&done[0], Applied::ResourceUpdated(r) if r.is_unnamed()));
        assert!(!get(&b, "40").await.unwrap().hard && !get(&b, "42").await.unwrap().hard);
        assert!(resource_of(&b, "30").await.unwrap().is_unnamed());
        assert!(
            participation_of(&b, "1", "20").await.is_some(),
            "the participation stays"
        );

        // Naming it again, then hardening in the same batch.
        let mut named = resource_of(&b, "30").await.unwrap();
        named.person_id = Some(Id::new("1"));
        let mut a40 = get(&b, "40").await.unwrap();
        a40.hard = true;
        b.apply(vec![update_of(&b, named).await, Change::Update(a40)])
            .await
            .unwrap();
        assert!(get(&b, "40").await.unwrap().hard);
    }

    // ---- workspace resources: delete ----

    #[tokio::test]
    async fn deleting_keeps_the_last_resource_in_the_primary_role() {
        let (_dir, b, _) = small_backend();
        let (f, m) = refusal(b.delete_resource(Id::new("30")).await.unwrap_err());
        assert_eq!(f, "role");
        assert_eq!(
            m,
            "Morgan Lee's Engineer resource is their last in their primary role on Atlas, and Kantata keeps one; give them another Engineer resource there first, or change their primary role"
        );
        assert!(get(&b, "40").await.is_some(), "nothing was deleted");

        // A resource in another role goes, with whatever allocations it still has.
        let made = b
            .create_resources(vec![new_resource("20", Some("1"), Some("Analyst"))])
            .await
            .unwrap()
            .remove(0);
        let a = b
            .create_allocations(vec![NewAllocation {
                resource_id: made.id.clone(),
                range: DateRange::new(d("2025-06-02"), d("2025-06-06")),
                amount: Amount::TotalMinutes(600),
                hard: true,
                notes: String::new(),
            }])
            .await
            .unwrap()
            .remove(0);
        b.lock()
            .execute(
                "INSERT INTO scheduled_hours (resource_id, week, minutes) VALUES (?1, '2025-06-02', 600)",
                [made.id.as_str()],
            )
            .unwrap();
        b.delete_resource(made.id.clone()).await.unwrap();
        assert_eq!(resource_of(&b, made.id.as_str()).await, None);
        assert!(
            get(&b, a.id.as_str()).await.is_none(),
            "its allocation went too"
        );
        assert!(
            !b.scheduled_hours(everything())
                .await
                .unwrap()
                .iter()
                .any(|w| w.resource_id == made.id),
            "and its scheduled hours"
        );
        assert_eq!(
            b.delete_resource(made.id.clone()).await.unwrap_err(),
            BackendError::NotFound(format!(
                "resource {} does not exist (it may have been deleted)",
                made.id
            ))
        );

        // Once Morgan's role on Atlas is unset, their primary role is Resource Manager, which they
        // hold no resource in: the Engineer resource may go.
        b.lock()
            .execute("UPDATE participations SET role = NULL", [])
            .unwrap();
        b.delete_resource(Id::new("30")).await.unwrap();
        assert_eq!(resource_of(&b, "30").await, None);
    }

    #[tokio::test]
    async fn a_resource_with_staffing_requests_is_kept() {
        let (_dir, b, _) = small_backend();
        let (f, m) = refusal(b.delete_resource(Id::new("31")).await.unwrap_err());
        assert_eq!(f, "request");
        assert_eq!(
            m,
            "request #50 (pending) and 1 other request is for the unnamed Designer resource 'Visual designer' on Atlas; a resource with staffing requests cannot be deleted"
        );
        b.resolve_request(Id::new("50"), Resolution::Cancel)
            .await
            .unwrap();
        let (_, m) = refusal(b.delete_resource(Id::new("31")).await.unwrap_err());
        assert!(m.starts_with("request #50 (cancelled)"), "{m}");
        assert!(get(&b, "41").await.is_some());

        // An unnamed resource with no request goes.
        let made = b
            .create_resources(vec![new_resource("20", None, Some("QA Engineer"))])
            .await
            .unwrap()
            .remove(0);
        b.delete_resource(made.id).await.unwrap();
    }

    // ---- workspace resources in batches ----

    #[tokio::test]
    async fn a_batch_creates_a_resource_and_allocates_on_its_temporary_id() {
        let (_dir, b, _) = small_backend();
        let temp = Id::new("new-1");
        let on_temp = |a: &str, z: &str| {
            Change::Create(NewAllocation {
                resource_id: temp.clone(),
                range: DateRange::new(d(a), d(z)),
                amount: Amount::TotalMinutes(600),
                hard: true,
                notes: String::new(),
            })
        };
        let done = b
            .apply(vec![
                Change::CreateResource {
                    temp_id: temp.clone(),
                    new: new_resource("20", Some("2"), None),
                },
                on_temp("2025-06-02", "2025-06-06"),
                on_temp("2025-06-09", "2025-06-13"),
            ])
            .await
            .unwrap();
        assert_eq!(done.len(), 3);
        let Applied::ResourceCreated { temp_id, resource } = &done[0] else {
            panic!("{:?}", done[0]);
        };
        assert_eq!(temp_id, &temp);
        assert_eq!(resource.id.as_str(), "32");
        assert_eq!(resource.role, "Designer");
        for applied in &done[1..] {
            let Applied::Created(a) = applied else {
                panic!("{applied:?}")
            };
            assert_eq!(a.resource_id, resource.id);
            assert_eq!(a.project_id, Some(Id::new("20")));
            assert_eq!(get(&b, a.id.as_str()).await.as_ref(), Some(a));
        }
        assert_eq!(resource_of(&b, "32").await.as_ref(), Some(resource));

        // Created, changed and deleted in one batch, all by the temporary id.
        let temp2 = Id::new("new-2");
        let done = b
            .apply(vec![
                Change::CreateResource {
                    temp_id: temp2.clone(),
                    new: new_resource("20", None, Some("Analyst")),
                },
                // Made in this batch: no version to compare.
                Change::UpdateResource {
                    resource: Resource {
                        id: temp2.clone(),
                        project_id: Some(Id::new("20")),
                        person_id: None,
                        role: "Analyst".into(),
                        label: "BI".into(),
                    },
                    version: 0,
                },
                Change::DeleteResource {
                    id: temp2,
                    version: 0,
                },
            ])
            .await
            .unwrap();
        assert!(
            matches!(&done[1], Applied::ResourceUpdated(r) if r.id.as_str() == "33" && r.label == "BI")
        );
        assert_eq!(done[2], Applied::ResourceDeleted(Id::new("33")));
    }

    #[tokio::test]
    async fn a_batch_failing_on_its_last_change_leaves_nothing() {
        let (_dir, b, data) = small_backend();
        let temp = Id::new("t");
        let mut r31 = resource_of(&b, "31").await.unwrap();
        r31.label = "Renamed".into();
        let err = b
            .apply(vec![
                Change::CreateResource {
                    temp_id: temp.clone(),
                    new: new_resource("20", Some("2"), None),
                },
                Change::Create(NewAllocation {
                    resource_id: temp.clone(),
                    range: DateRange::new(d("2025-06-02"), d("2025-06-06")),
                    amount: Amount::TotalMinutes(600),
                    hard: false,
                    notes: String::new(),
                }),
                update_of(&b, r31).await,
                Change::Delete {
                    id: Id::new("42"),
                    version: 1,
                },
                // Morgan's last Engineer resource: refused.
                delete_of(&b, "30").await,
            ])
            .await
            .unwrap_err();
        assert!(
            matches!(&err, BackendError::Validation { field: Some(f), .. } if f == "role"),
            "{err:?}"
        );
        let roster = b.roster().await.unwrap();
        assert_eq!(
            roster, data.roster,
            "no resource, participation or label change kept"
        );
        let mut all = b.allocations(everything()).await.unwrap();
        all.sort_by(|x, y| x.id.cmp(&y.id));
        assert_eq!(all, data.allocations, "no allocation created or deleted");
        // And no ids were used up.
        let made = b
            .create_resources(vec![new_resource("20", Some("2"), None)])
            .await
            .unwrap();
        assert_eq!(made[0].id.as_str(), "32");
    }

    #[tokio::test]
    async fn the_large_synthetic_workspace_seeds_whole() {
        // How long it takes is a benchmark (`cargo bench --bench frames -- store`).
        let (_dir, b) = fresh();
        let data = synthetic(d(TODAY), 2_000, 100_000);
        b.seed(&data).unwrap();
        let roster = b.roster().await.unwrap();
        assert_eq!(roster.resources.len(), 2_000);
        assert_eq!(roster.participations, data.roster.participations);
        assert_eq!(b.allocations(everything()).await.unwrap().len(), 100_000);
    }
}
