//! The replica file: the last roster, allocations and requests read from one remote workspace,
//! kept as the domain model itself (each record's serde JSON, one row per record), so a start
//! can show them before any network answer.
//!
//! Why not the embedded store's tables: they are the local workspace's editing model, with
//! foreign keys and NOT NULL columns a remote read does not satisfy (a Kantata request has no
//! period or percentage, an allocation may name a resource the default listing left out), and
//! they have no place for what only remote records carry (versions from `updated_at`, the
//! server's own total, read-only bars, per-person holiday calendars, Ruddr project roles).
//! Holding the domain types keeps one model: what is shown from the replica is exactly what
//! the last read produced.
//!
//! One file per workspace (backend, address and acting user, as the journal keys them), under
//! `replicas/` in the data directory. It holds no tokens. A file written by another schema is
//! rebuilt empty, never read.

use crate::client::Probe;
use crate::domain::{Allocation, DateRange, Id, Request, Roster, ScheduledWeek};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};

/// Bumped whenever what a row holds changes meaning (a domain type's serde shape included).
/// 2: the roster keeps people's skills; an older roster would read as "nobody has any".
pub const SCHEMA: i64 = 2;

const TABLES: &str = r#"
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS roster (
    one  INTEGER PRIMARY KEY CHECK (one = 1),
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS allocations (
    id         TEXT PRIMARY KEY,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL,
    body       TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS requests (
    id   TEXT PRIMARY KEY,
    body TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS scheduled (
    resource_id TEXT NOT NULL,
    monday      TEXT NOT NULL,
    minutes     INTEGER NOT NULL,
    PRIMARY KEY (resource_id, monday)
) WITHOUT ROWID;
"#;

/// What a replica holds, as last saved.
#[derive(Clone, Debug, PartialEq)]
pub struct Cached {
    pub roster: Roster,
    /// The allocations window last read, with every allocation overlapping it.
    pub window: Option<DateRange>,
    pub allocations: Vec<Allocation>,
    /// `None` when requests were never read into this replica.
    pub requests: Option<Vec<Request>>,
    /// When the roster was last saved (the replica's age).
    pub saved_at: DateTime<Utc>,
}

/// One replica file, as `allot cache status` lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Info {
    pub path: PathBuf,
    /// The workspace it replicates ("kantata https://… 1001").
    pub key: String,
    pub bytes: u64,
    pub saved_at: Option<DateTime<Utc>>,
    pub allocations: u64,
    /// When every part it holds was last read whole and compared (the oldest of them);
    /// `None` before all were.
    pub full_check: Option<DateTime<Utc>>,
}

/// A window of allocations held: the window, every allocation in it, when its read began.
pub type HeldWindow = (DateRange, Vec<Allocation>, DateTime<Utc>);

/// The roster held, when its read began, and the probe taken just before that read.
pub type HeldRoster = (Roster, DateTime<Utc>, Option<Probe>);

/// The requests held and when the read that filled them began.
pub type HeldRequests = (Vec<Request>, DateTime<Utc>);

/// Scheduled hours held: their window, the weeks, when their read began, the probe before it.
pub type HeldScheduled = (DateRange, Vec<ScheduledWeek>, DateTime<Utc>, Probe);

/// The parts a full check reads whole and compares.
pub const PARTS: [&str; 4] = ["roster", "allocations", "requests", "scheduled"];

/// Parts a backend may not have (Ruddr has no requests, and no scheduled hours to replicate):
/// counted in a full check only where one was saved.
const OPTIONAL: [&str; 2] = ["requests", "scheduled"];

pub struct Replica {
    conn: Connection,
}

/// The directory replicas live in.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("replicas")
}

/// The file for workspace `key`: named by a hash of the key (which holds an address), so the
/// name is safe on every filesystem; the key itself is inside, for `cache status`.
pub fn file_for(data_dir: &Path, key: &str) -> PathBuf {
    dir(data_dir).join(format!(
        "{:016x}.db",
        crate::client::fingerprint(key) as u64
    ))
}

fn err(what: &str, path: &Path, e: impl std::fmt::Display) -> String {
    format!("replica {}: {what}: {e}", path.display())
}

/// Sets meta `key` (in the connection or transaction given): the one upsert every save uses.
fn put_meta(conn: &Connection, key: &str, value: &str) -> Result<(), String> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )
    .map(|_| ())
    .map_err(|e| format!("replica: writing {key}: {e}"))
}

impl Replica {
    /// Opens (or makes) the replica of workspace `key`. A file from another schema, or another
    /// workspace whose key hashed the same, is emptied first.
    pub fn open(data_dir: &Path, key: &str) -> Result<Replica, String> {
        let path = file_for(data_dir, key);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| err("cannot make its folder", &path, e))?;
        }
        let conn = Connection::open(&path).map_err(|e| err("cannot open", &path, e))?;
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
            .map_err(|e| err("cannot set it up", &path, e))?;
        conn.execute_batch(TABLES)
            .map_err(|e| err("cannot make its tables", &path, e))?;
        let mut r = Replica { conn };
        let (schema, owner) = (r.meta("schema")?, r.meta("key")?);
        if schema.as_deref() != Some(&SCHEMA.to_string()) || owner.as_deref() != Some(key) {
            if schema.is_some() {
                tracing::info!(
                    path = %path.display(),
                    ?schema,
                    "replica from another schema or workspace: rebuilt"
                );
            }
            r.clear()?;
            r.set_meta("schema", &SCHEMA.to_string())?;
            r.set_meta("key", key)?;
        }
        Ok(r)
    }

    fn meta(&self, key: &str) -> Result<Option<String>, String> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| format!("replica: reading {key}: {e}"))
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<(), String> {
        put_meta(&self.conn, key, value)
    }

    fn clear(&mut self) -> Result<(), String> {
        self.conn
            .execute_batch(
                "DELETE FROM meta; DELETE FROM roster; DELETE FROM allocations;
                 DELETE FROM requests; DELETE FROM scheduled;",
            )
            .map_err(|e| format!("replica: emptying it: {e}"))
    }

    /// What was saved, with only the allocations that overlap `within` (the planner's window:
    /// the start decodes what it shows, not every allocation held), or `None` before a roster
    /// ever was. A row that no longer reads (a damaged file) makes the whole replica unread,
    /// never half shown.
    pub fn load(&self, within: DateRange) -> Result<Option<Cached>, String> {
        let Some(roster) = self.roster()? else {
            return Ok(None);
        };
        let saved_at = self
            .meta("saved_at")?
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let window = self
            .meta("window")?
            .and_then(|w| serde_json::from_str::<DateRange>(&w).ok());
        let allocations = self.bodies_with(
            // Dates are ISO `YYYY-MM-DD` text, so text order is date order; the same test as
            // `DateRange::overlaps`, both ends inclusive.
            "SELECT body FROM allocations WHERE start_date <= ?2 AND end_date >= ?1",
            params![within.start.to_string(), within.end.to_string()],
        )?;
        let requests = match self.meta("requests_saved")? {
            Some(_) => Some(self.bodies("SELECT body FROM requests")?),
            None => None,
        };
        Ok(Some(Cached {
            roster,
            window,
            allocations,
            requests,
            saved_at,
        }))
    }

    fn roster(&self) -> Result<Option<Roster>, String> {
        let body: Option<String> = self
            .conn
            .query_row("SELECT body FROM roster WHERE one = 1", [], |r| r.get(0))
            .optional()
            .map_err(|e| format!("replica: reading the roster: {e}"))?;
        body.map(|b| serde_json::from_str(&b).map_err(|e| format!("replica: the roster: {e}")))
            .transpose()
    }

    fn bodies<T: serde::de::DeserializeOwned>(&self, sql: &str) -> Result<Vec<T>, String> {
        self.bodies_with(sql, [])
    }

    fn bodies_with<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<T>, String> {
        let mut stmt = self
            .conn
            .prepare(sql)
            .map_err(|e| format!("replica: {e}"))?;
        let rows = stmt
            .query_map(args, |r| r.get::<_, String>(0))
            .map_err(|e| format!("replica: {e}"))?;
        let mut out = Vec::new();
        for body in rows {
            let body = body.map_err(|e| format!("replica: {e}"))?;
            out.push(serde_json::from_str(&body).map_err(|e| format!("replica: a record: {e}"))?);
        }
        Ok(out)
    }

    pub fn save_roster(&mut self, roster: &Roster, at: DateTime<Utc>) -> Result<(), String> {
        let body = serde_json::to_string(roster).map_err(|e| format!("replica: {e}"))?;
        let tx = self
            .conn
            .transaction()
            .map_err(|e| format!("replica: {e}"))?;
        tx.execute(
            "INSERT INTO roster (one, body) VALUES (1, ?1)
             ON CONFLICT (one) DO UPDATE SET body = excluded.body",
            [body],
        )
        .map_err(|e| format!("replica: saving the roster: {e}"))?;
        put_meta(
            &tx,
            "saved_at",
            &at.to_rfc3339_opts(SecondsFormat::Millis, true),
        )?;
        tx.commit().map_err(|e| format!("replica: {e}"))
    }

    /// The allocations window held, every allocation in it, and when the read that filled it
    /// began (what a refresh asks for changes since); `None` before one was saved.
    pub fn allocations(&self) -> Result<Option<HeldWindow>, String> {
        let window = self
            .meta("window")?
            .and_then(|w| serde_json::from_str::<DateRange>(&w).ok());
        let read_at = self
            .meta("allocations_read_at")?
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc));
        match (window, read_at) {
            (Some(w), Some(t)) => Ok(Some((w, self.bodies("SELECT body FROM allocations")?, t))),
            _ => Ok(None),
        }
    }

    /// Replaces the allocations with what one read of `window`, begun at `read_at`, found:
    /// those outside it go too, so the replica holds exactly one window, all of it.
    pub fn save_allocations(
        &mut self,
        window: DateRange,
        allocations: &[Allocation],
        read_at: DateTime<Utc>,
    ) -> Result<(), String> {
        let tx = self
            .conn
            .transaction()
            .map_err(|e| format!("replica: {e}"))?;
        tx.execute("DELETE FROM allocations", [])
            .map_err(|e| format!("replica: {e}"))?;
        {
            let mut put = tx
                .prepare(
                    "INSERT OR REPLACE INTO allocations (id, start_date, end_date, body)
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(|e| format!("replica: {e}"))?;
            for a in allocations {
                let body = serde_json::to_string(a).map_err(|e| format!("replica: {e}"))?;
                put.execute(params![
                    a.id.as_str(),
                    a.range.start.to_string(),
                    a.range.end.to_string(),
                    body
                ])
                .map_err(|e| format!("replica: saving allocation {}: {e}", a.id))?;
            }
        }
        let window = serde_json::to_string(&window).map_err(|e| format!("replica: {e}"))?;
        let read_at = read_at.to_rfc3339_opts(SecondsFormat::Millis, true);
        put_meta(&tx, "window", &window)?;
        put_meta(&tx, "allocations_read_at", &read_at)?;
        tx.commit().map_err(|e| format!("replica: {e}"))
    }

    /// The roster held, when the read that filled it began, and the probe taken just before it
    /// (`None` before a roster was saved with one).
    pub fn roster_held(&self) -> Result<Option<HeldRoster>, String> {
        let Some(roster) = self.roster()? else {
            return Ok(None);
        };
        let read_at = self.time("roster_read_at")?;
        let probe = self
            .meta("roster_probe")?
            .and_then(|p| serde_json::from_str::<Probe>(&p).ok());
        Ok(read_at.map(|t| (roster, t, probe)))
    }

    /// Saves a roster read whole at `read_at`, with the probe taken just before the read.
    pub fn save_roster_read(
        &mut self,
        roster: &Roster,
        read_at: DateTime<Utc>,
        probe: Option<&Probe>,
    ) -> Result<(), String> {
        self.save_roster(roster, read_at)?;
        self.roster_proved(read_at, probe)
    }

    /// Records that the roster held is the backend's as of `at` (a probe found nothing changed),
    /// or, after a whole read, the probe it was read under.
    pub fn roster_proved(
        &mut self,
        at: DateTime<Utc>,
        probe: Option<&Probe>,
    ) -> Result<(), String> {
        let tx = self
            .conn
            .transaction()
            .map_err(|e| format!("replica: {e}"))?;
        let at = at.to_rfc3339_opts(SecondsFormat::Millis, true);
        put_meta(&tx, "saved_at", &at)?;
        put_meta(&tx, "roster_read_at", &at)?;
        match probe {
            Some(p) => {
                let p = serde_json::to_string(p).map_err(|e| format!("replica: {e}"))?;
                put_meta(&tx, "roster_probe", &p)?;
            }
            None => {
                tx.execute("DELETE FROM meta WHERE key = 'roster_probe'", [])
                    .map_err(|e| format!("replica: {e}"))?;
            }
        }
        tx.commit().map_err(|e| format!("replica: {e}"))
    }

    /// The requests held and when the read that filled them began; `None` before one was.
    pub fn requests_held(&self) -> Result<Option<HeldRequests>, String> {
        match (self.meta("requests_saved")?, self.time("requests_read_at")?) {
            (Some(_), Some(t)) => Ok(Some((self.bodies("SELECT body FROM requests")?, t))),
            _ => Ok(None),
        }
    }

    /// When `part` ("roster", "allocations", "requests") was last read whole and compared.
    pub fn full_checked(&self, part: &str) -> Result<Option<DateTime<Utc>>, String> {
        self.time(&format!("full_check_{part}"))
    }

    pub fn set_full_checked(&mut self, part: &str, at: DateTime<Utc>) -> Result<(), String> {
        self.set_meta(
            &format!("full_check_{part}"),
            &at.to_rfc3339_opts(SecondsFormat::Millis, true),
        )
    }

    fn time(&self, key: &str) -> Result<Option<DateTime<Utc>>, String> {
        Ok(self
            .meta(key)?
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc)))
    }

    /// Replaces the requests with what one read, begun at `read_at`, found (or the held ones
    /// with what changed merged over them).
    pub fn save_requests_read(
        &mut self,
        requests: &[Request],
        read_at: DateTime<Utc>,
    ) -> Result<(), String> {
        self.save_requests(requests)?;
        self.set_meta(
            "requests_read_at",
            &read_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        )
    }

    /// The scheduled hours held, with their window, read time and probe.
    pub fn scheduled_held(&self) -> Result<Option<HeldScheduled>, String> {
        let window = self
            .meta("scheduled_window")?
            .and_then(|w| serde_json::from_str::<DateRange>(&w).ok());
        let probe = self
            .meta("scheduled_probe")?
            .and_then(|p| serde_json::from_str::<Probe>(&p).ok());
        let (Some(window), Some(read_at), Some(probe)) =
            (window, self.time("scheduled_read_at")?, probe)
        else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare("SELECT resource_id, monday, minutes FROM scheduled")
            .map_err(|e| format!("replica: {e}"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                ))
            })
            .map_err(|e| format!("replica: {e}"))?;
        let mut weeks = Vec::new();
        for row in rows {
            let (id, monday, minutes) = row.map_err(|e| format!("replica: {e}"))?;
            let monday = crate::domain::dates::parse_date(&monday)
                .map_err(|e| format!("replica: a scheduled week: {e}"))?;
            weeks.push(ScheduledWeek {
                resource_id: Id::new(id),
                monday,
                minutes,
            });
        }
        Ok(Some((window, weeks, read_at, probe)))
    }

    /// Replaces the scheduled hours with one read of `window`, begun at `read_at` just after
    /// `probe`; with `weeks` `None`, only records that the held ones were proved current then.
    pub fn save_scheduled(
        &mut self,
        window: DateRange,
        weeks: Option<&[ScheduledWeek]>,
        read_at: DateTime<Utc>,
        probe: &Probe,
    ) -> Result<(), String> {
        let tx = self
            .conn
            .transaction()
            .map_err(|e| format!("replica: {e}"))?;
        if let Some(weeks) = weeks {
            tx.execute("DELETE FROM scheduled", [])
                .map_err(|e| format!("replica: {e}"))?;
            let mut put = tx
                .prepare(
                    "INSERT OR REPLACE INTO scheduled (resource_id, monday, minutes)
                     VALUES (?1, ?2, ?3)",
                )
                .map_err(|e| format!("replica: {e}"))?;
            for w in weeks {
                put.execute(params![
                    w.resource_id.as_str(),
                    w.monday.to_string(),
                    w.minutes
                ])
                .map_err(|e| format!("replica: saving scheduled hours: {e}"))?;
            }
        }
        let window = serde_json::to_string(&window).map_err(|e| format!("replica: {e}"))?;
        let probe = serde_json::to_string(probe).map_err(|e| format!("replica: {e}"))?;
        put_meta(&tx, "scheduled_window", &window)?;
        put_meta(&tx, "scheduled_probe", &probe)?;
        put_meta(
            &tx,
            "scheduled_read_at",
            &read_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        )?;
        put_meta(&tx, "scheduled_saved", "1")?;
        tx.commit().map_err(|e| format!("replica: {e}"))
    }

    pub fn save_requests(&mut self, requests: &[Request]) -> Result<(), String> {
        let tx = self
            .conn
            .transaction()
            .map_err(|e| format!("replica: {e}"))?;
        tx.execute("DELETE FROM requests", [])
            .map_err(|e| format!("replica: {e}"))?;
        {
            let mut put = tx
                .prepare("INSERT OR REPLACE INTO requests (id, body) VALUES (?1, ?2)")
                .map_err(|e| format!("replica: {e}"))?;
            for r in requests {
                let body = serde_json::to_string(r).map_err(|e| format!("replica: {e}"))?;
                put.execute(params![r.id.as_str(), body])
                    .map_err(|e| format!("replica: saving request {}: {e}", r.id))?;
            }
        }
        put_meta(&tx, "requests_saved", "1")?;
        tx.commit().map_err(|e| format!("replica: {e}"))
    }
}

/// A workspace key in words: "kantata https://… (as 1001)", or without the user when allot
/// acts as the token's own.
pub fn describe(key: &str) -> String {
    match key.rsplit_once(' ') {
        Some((rest, "-")) => rest.to_string(),
        Some((rest, user)) => format!("{rest} (as {user})"),
        None => key.to_string(),
    }
}

/// An age in the largest unit that fits ("3 min", "2 h", "5 days").
pub fn age(d: chrono::TimeDelta) -> String {
    let m = d.num_minutes().max(0);
    match m {
        0 => "under a minute".into(),
        1..=59 => format!("{m} min"),
        60..=2879 => format!("{} h", m / 60),
        _ => format!("{} days", m / 1440),
    }
}

/// Every replica under `data_dir`, for `allot cache status` (unreadable files are listed with
/// what could be read: their size).
pub fn list(data_dir: &Path) -> Vec<Info> {
    let Ok(entries) = std::fs::read_dir(dir(data_dir)) else {
        return Vec::new();
    };
    let mut out: Vec<Info> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "db"))
        .map(|path| info(&path))
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

fn info(path: &Path) -> Info {
    // The file and its write-ahead log together are what it takes on disk.
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    let bytes = size(path) + size(&wal);
    let read = || -> rusqlite::Result<(String, Option<String>, u64, Option<String>)> {
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let get = |k: &str| -> rusqlite::Result<Option<String>> {
            conn.query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get(0))
                .optional()
        };
        let key = get("key")?.unwrap_or_default();
        let saved = get("saved_at")?;
        let n: u64 = conn.query_row("SELECT count(*) FROM allocations", [], |r| r.get(0))?;
        let mut checked = Vec::new();
        for part in PARTS {
            if OPTIONAL.contains(&part) && get(&format!("{part}_saved"))?.is_none() {
                continue;
            }
            checked.push(get(&format!("full_check_{part}"))?);
        }
        let full = checked
            .into_iter()
            .collect::<Option<Vec<String>>>()
            .and_then(|v| v.into_iter().min());
        Ok((key, saved, n, full))
    };
    let (key, saved, allocations, full) =
        read().unwrap_or_else(|e| (format!("(unreadable: {e})"), None, 0, None));
    let time = |t: Option<String>| {
        t.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    Info {
        path: path.to_path_buf(),
        key,
        bytes,
        saved_at: time(saved),
        allocations,
        full_check: time(full),
    }
}

/// Removes the replica of workspace `which` (every replica when `None`), with its logs;
/// returns the keys removed.
pub fn clear(data_dir: &Path, which: Option<&str>) -> Result<Vec<String>, String> {
    let mut gone = Vec::new();
    for i in list(data_dir) {
        if which.is_some_and(|w| i.key != w) {
            continue;
        }
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", i.path.display()));
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(err("cannot remove", &p, e)),
            }
        }
        gone.push(i.key);
    }
    Ok(gone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::local::demo::demo;
    use crate::domain::dates::parse_date;

    fn data() -> crate::client::local::demo::DemoData {
        demo(parse_date("2026-11-23").unwrap())
    }

    fn window() -> DateRange {
        DateRange::new(
            parse_date("2026-10-01").unwrap(),
            parse_date("2027-01-31").unwrap(),
        )
    }

    #[test]
    fn what_is_saved_reads_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let d = data();
        let at = Utc::now();
        let mut r = Replica::open(dir.path(), "kantata https://x 1001").unwrap();
        assert_eq!(
            r.load(window()).unwrap(),
            None,
            "nothing before a roster is saved"
        );
        let inside: Vec<Allocation> = d
            .allocations
            .iter()
            .filter(|a| a.range.overlaps(&window()))
            .cloned()
            .collect();
        r.save_roster(&d.roster, at).unwrap();
        r.save_allocations(window(), &inside, at).unwrap();
        r.save_requests(&d.requests).unwrap();
        drop(r);
        let c = Replica::open(dir.path(), "kantata https://x 1001")
            .unwrap()
            .load(window())
            .unwrap()
            .unwrap();
        assert_eq!(c.roster, d.roster);
        let mut got = c.allocations.clone();
        got.sort_by(|a, b| a.id.cmp(&b.id));
        let mut want = inside.clone();
        want.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(got, want);
        assert_eq!(c.window, Some(window()));
        let mut reqs = c.requests.unwrap();
        reqs.sort_by(|a, b| a.id.cmp(&b.id));
        let mut want = d.requests.clone();
        want.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(reqs, want);
        assert_eq!(
            c.saved_at.timestamp_millis(),
            at.timestamp_millis(),
            "its age"
        );
    }

    #[test]
    fn a_new_window_replaces_the_old_one_whole() {
        let dir = tempfile::tempdir().unwrap();
        let d = data();
        let mut r = Replica::open(dir.path(), "k").unwrap();
        r.save_roster(&d.roster, Utc::now()).unwrap();
        r.save_allocations(window(), &d.allocations[..10], Utc::now())
            .unwrap();
        let later = DateRange::new(
            parse_date("2027-02-01").unwrap(),
            parse_date("2027-03-31").unwrap(),
        );
        r.save_allocations(later, &d.allocations[10..12], Utc::now())
            .unwrap();
        // Whatever dates they have: the test is of what the window replaced.
        let all_time = DateRange::new(
            parse_date("2000-01-01").unwrap(),
            parse_date("2099-12-31").unwrap(),
        );
        let c = r.load(all_time).unwrap().unwrap();
        assert_eq!(c.window, Some(later));
        assert_eq!(c.allocations.len(), 2, "only what the last read found");
        assert_eq!(c.requests, None, "requests never read");
    }

    #[test]
    fn a_start_reads_only_the_allocations_that_touch_its_window() {
        let dir = tempfile::tempdir().unwrap();
        let d = data();
        let mut r = Replica::open(dir.path(), "k").unwrap();
        r.save_roster(&d.roster, Utc::now()).unwrap();
        r.save_allocations(window(), &d.allocations, Utc::now())
            .unwrap();
        let within = DateRange::new(
            parse_date("2026-11-30").unwrap(),
            parse_date("2026-12-06").unwrap(),
        );
        let mut want: Vec<&Id> = d
            .allocations
            .iter()
            .filter(|a| a.range.overlaps(&within))
            .map(|a| &a.id)
            .collect();
        want.sort();
        // Some start before the week or end after it, and some lie wholly outside it.
        assert!(want.len() > 1 && want.len() < d.allocations.len());
        assert!(
            d.allocations
                .iter()
                .any(|a| a.range.start < within.start && a.range.end >= within.start)
        );
        let c = r.load(within).unwrap().unwrap();
        let mut got: Vec<&Id> = c.allocations.iter().map(|a| &a.id).collect();
        got.sort();
        assert_eq!(got, want);
        let edge = DateRange::new(within.end, within.end);
        assert!(
            r.load(edge)
                .unwrap()
                .unwrap()
                .allocations
                .iter()
                .all(|a| a.range.start <= within.end && a.range.end >= within.end),
            "both ends are inclusive"
        );
    }

    #[test]
    fn a_file_of_another_schema_or_workspace_is_rebuilt_never_read() {
        let dir = tempfile::tempdir().unwrap();
        let d = data();
        let mut r = Replica::open(dir.path(), "k").unwrap();
        r.save_roster(&d.roster, Utc::now()).unwrap();
        r.set_meta("schema", "0").unwrap();
        drop(r);
        let r = Replica::open(dir.path(), "k").unwrap();
        assert_eq!(
            r.load(window()).unwrap(),
            None,
            "an older schema is emptied"
        );
        // A row that does not read makes the replica unread as a whole.
        let mut r = r;
        r.save_roster(&d.roster, Utc::now()).unwrap();
        r.conn
            .execute("UPDATE roster SET body = '{\"name\": 5}'", [])
            .unwrap();
        assert!(r.load(window()).unwrap_err().contains("roster"));
    }

    #[test]
    fn replicas_are_listed_and_cleared_one_or_all() {
        let dir = tempfile::tempdir().unwrap();
        let d = data();
        for key in ["kantata https://a 1", "ruddr https://b -"] {
            let mut r = Replica::open(dir.path(), key).unwrap();
            r.save_roster(&d.roster, Utc::now()).unwrap();
            r.save_allocations(window(), &d.allocations[..3], Utc::now())
                .unwrap();
        }
        let all = list(dir.path());
        assert_eq!(
            all.iter().map(|i| i.key.as_str()).collect::<Vec<_>>(),
            ["kantata https://a 1", "ruddr https://b -"]
        );
        assert!(
            all.iter()
                .all(|i| i.bytes > 0 && i.allocations == 3 && i.saved_at.is_some())
        );
        assert_eq!(
            clear(dir.path(), Some("ruddr https://b -")).unwrap(),
            ["ruddr https://b -"]
        );
        assert_eq!(list(dir.path()).len(), 1);
        assert_eq!(clear(dir.path(), None).unwrap().len(), 1);
        assert!(list(dir.path()).is_empty());
        assert!(
            std::fs::read_dir(super::dir(dir.path()))
                .unwrap()
                .next()
                .is_none(),
            "no logs left"
        );
    }
}
