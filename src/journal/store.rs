//! The journal file: SQLite in the data directory, one set of rows per workspace (backend kind,
//! source and acting user). Each sync is one committed transaction, so what was written
//! survives kill -9; WAL keeps a sync cheap.

use super::kept::Kept;
use crate::app::State;
use chrono::Utc;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub struct Journal {
    conn: Connection,
    path: PathBuf,
    workspace: String,
    /// This run's rows are tagged with it, so another run's leftovers are told apart.
    session: String,
    /// Sessions whose rows were read as leftovers; they go once the user has chosen.
    adopted: Vec<String>,
    /// What was last written, to skip a sync that would change nothing.
    written: Option<Vec<Kept>>,
    /// When each of this run's writes was first journaled, and its baseline then (see
    /// [`Kept::alike_before`]), by sequence number.
    first_seen: HashMap<u64, (String, Vec<usize>)>,
    /// Held for the whole run: while it is, other runs know this one is alive and leave its rows
    /// alone (two allot processes may share a workspace).
    _alive: Alive,
}

/// A lock that says "this run is alive": an SQLite file kept in an open exclusive transaction.
/// The operating system drops the lock when the process ends, however it ends (kill -9 too).
struct Alive {
    _conn: Connection,
    path: PathBuf,
}

impl Drop for Alive {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn lock_path(journal: &Path, session: &str) -> PathBuf {
    let dir = journal.with_extension("locks");
    dir.join(format!("{session}.lock"))
}

impl Alive {
    fn take(path: PathBuf) -> rusqlite::Result<Alive> {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let conn = Connection::open(&path)?;
        conn.execute_batch("PRAGMA trusted_schema = OFF; BEGIN EXCLUSIVE;")?;
        Ok(Alive { _conn: conn, path })
    }

    /// Whether the run whose lock is at `path` is still going (its lock is held).
    fn held(path: &Path) -> bool {
        if !path.exists() {
            return false;
        }
        let Ok(conn) = Connection::open(path) else {
            return false;
        };
        let _ = conn.busy_timeout(std::time::Duration::ZERO);
        match conn.execute_batch("BEGIN EXCLUSIVE; ROLLBACK;") {
            Ok(()) => {
                drop(conn);
                let _ = std::fs::remove_file(path);
                false
            }
            Err(_) => true,
        }
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS unsent (
    workspace TEXT NOT NULL,
    session   TEXT NOT NULL,
    position  INTEGER NOT NULL,
    body      TEXT NOT NULL,
    PRIMARY KEY (workspace, session, position)
);";

impl Journal {
    /// Opens (or creates) the journal at `path` for `workspace`; an error names the path.
    pub fn open(path: &Path, workspace: &str) -> Result<Journal, String> {
        let fail =
            |e: &dyn std::fmt::Display| format!("{}: cannot open the journal: {e}", path.display());
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
        }
        let conn = Connection::open(path).map_err(|e| fail(&e))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(|e| fail(&e))?;
        // Durable on commit (FULL), and no schema-defined functions run on our behalf.
        conn.execute_batch(
            "PRAGMA trusted_schema = OFF; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;",
        )
        .map_err(|e| fail(&e))?;
        conn.execute_batch(SCHEMA).map_err(|e| fail(&e))?;
        let session = format!(
            "{}-{}",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or_default()
        );
        let alive = Alive::take(lock_path(path, &session)).map_err(|e| fail(&e))?;
        Ok(Journal {
            _alive: alive,
            conn,
            path: path.to_path_buf(),
            workspace: workspace.to_string(),
            session,
            adopted: Vec::new(),
            written: None,
            first_seen: HashMap::new(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Edits earlier runs left for this workspace, oldest run first. A row that no longer
    /// reads (written by another version) is skipped with a log line, not guessed at.
    pub fn leftovers(&mut self) -> Result<Vec<Kept>, String> {
        let fail =
            |e: rusqlite::Error| format!("{}: cannot read the journal: {e}", self.path.display());
        let mut stmt = self
            .conn
            .prepare(
                "SELECT session, body FROM unsent WHERE workspace = ?1 AND session != ?2
                 ORDER BY rowid",
            )
            .map_err(fail)?;
        let rows = stmt
            .query_map(params![self.workspace, self.session], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(fail)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        let mut kept = Vec::new();
        let mut live = Vec::new();
        for (session, body) in rows {
            if live.contains(&session) {
                continue;
            }
            // Another allot still running on this workspace: its edits are its own.
            if !self.adopted.contains(&session) && Alive::held(&lock_path(&self.path, &session)) {
                live.push(session);
                continue;
            }
            if !self.adopted.contains(&session) {
                self.adopted.push(session);
            }
            match serde_json::from_str::<Kept>(&body) {
                Ok(k) => kept.push(k),
                Err(e) => tracing::warn!("journal: skipped an unreadable row: {e}"),
            }
        }
        Ok(kept)
    }

    /// Makes the journal hold exactly what `state` has unsaved: the queue and the edits kept
    /// in hand. Returns whether anything was written.
    pub fn sync(&mut self, state: &State) -> Result<bool, String> {
        let now = Utc::now().to_rfc3339();
        let live: Vec<u64> = state.edits.queue.iter().map(|w| w.seq).collect();
        self.first_seen.retain(|seq, _| live.contains(seq));
        let seen = &mut self.first_seen;
        let queue = super::kept::queue(state, |seq, changes| {
            let (_, alike) = seen
                .entry(seq)
                .or_insert_with(|| (now.clone(), super::kept::baselines(&state.ws, changes)));
            alike.clone()
        });
        let mut rows: Vec<Kept> = queue
            .into_iter()
            .map(|(seq, mut k)| {
                k.at = self.first_seen.get(&seq).map(|(at, _)| at.clone());
                k
            })
            .collect();
        if let Some(offer) = &state.offer {
            rows.extend(offer.writes.iter().cloned().map(|mut k| {
                k.at.get_or_insert(now.clone());
                k
            }));
        }
        // Leftovers offered back are in `state.offer`: the first sync moves them to this run's
        // rows and drops the old ones in the same transaction, so a crash keeps one copy.
        if self.written.as_ref() == Some(&rows) && self.adopted.is_empty() {
            return Ok(false);
        }
        let fail =
            |e: rusqlite::Error| format!("{}: cannot write the journal: {e}", self.path.display());
        let tx = self.conn.transaction().map_err(fail)?;
        for s in self.adopted.iter().chain(std::iter::once(&self.session)) {
            tx.execute(
                "DELETE FROM unsent WHERE workspace = ?1 AND session = ?2",
                params![self.workspace, s],
            )
            .map_err(fail)?;
        }
        for (i, k) in rows.iter().enumerate() {
            let body =
                serde_json::to_string(k).map_err(|e| format!("cannot write the journal: {e}"))?;
            tx.execute(
                "INSERT INTO unsent (workspace, session, position, body) VALUES (?1, ?2, ?3, ?4)",
                params![self.workspace, self.session, i as i64, body],
            )
            .map_err(fail)?;
        }
        tx.commit().map_err(fail)?;
        self.adopted.clear();
        self.written = Some(rows);
        Ok(true)
    }

    /// How many rows this workspace has (all runs), for logs and tests.
    pub fn count(&self) -> Result<usize, String> {
        self.conn
            .query_row(
                "SELECT COUNT(*) FROM unsent WHERE workspace = ?1",
                params![self.workspace],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map(|n| n.unwrap_or(0) as usize)
            .map_err(|e| format!("{}: cannot read the journal: {e}", self.path.display()))
    }
}

/// The key a workspace's rows are filed under: backend, source and acting user. A URL keeps
/// only scheme, host, port and path, so no password or query (an API key) is ever written.
pub fn workspace_key(backend: &str, source: &str, user: Option<&str>) -> String {
    format!(
        "{backend} {} {}",
        strip_secrets(source),
        user.unwrap_or("-")
    )
}

fn strip_secrets(source: &str) -> String {
    let Some((scheme, rest)) = source.split_once("://") else {
        return source.to_string();
    };
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{scheme}://{host}{path}")
}
