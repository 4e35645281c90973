//! Opening an allot database safely, and its versioned schema.
//!
//! Nothing is written to a file until it has been recognised as an allot database of a schema
//! version this build knows: a text file, another application's SQLite database or a database
//! from a newer allot are refused with the file left byte-for-byte as it was.

use crate::client::sanitize::clean;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::fmt;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `PRAGMA application_id` of every allot database: "allt" in ASCII.
pub const APPLICATION_ID: i32 = 0x616C_6C74;

/// The first 16 bytes of every SQLite 3 database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Migration `i` takes a database from `user_version` `i` to `i + 1`. Append only: never edit a
/// migration that has shipped.
pub const MIGRATIONS: &[&str] = &[MIGRATION_1, MIGRATION_2, MIGRATION_3];

/// The schema version this build writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const MIGRATION_1: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO meta (key, value) VALUES ('workspace_name', 'Local workspace');

CREATE TABLE people (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    email   TEXT NOT NULL DEFAULT '',
    role    TEXT NOT NULL DEFAULT '',
    -- weekly capacity in minutes, Monday first
    cap_mon INTEGER NOT NULL DEFAULT 480 CHECK (cap_mon BETWEEN 0 AND 1440),
    cap_tue INTEGER NOT NULL DEFAULT 480 CHECK (cap_tue BETWEEN 0 AND 1440),
    cap_wed INTEGER NOT NULL DEFAULT 480 CHECK (cap_wed BETWEEN 0 AND 1440),
    cap_thu INTEGER NOT NULL DEFAULT 480 CHECK (cap_thu BETWEEN 0 AND 1440),
    cap_fri INTEGER NOT NULL DEFAULT 480 CHECK (cap_fri BETWEEN 0 AND 1440),
    cap_sat INTEGER NOT NULL DEFAULT 0   CHECK (cap_sat BETWEEN 0 AND 1440),
    cap_sun INTEGER NOT NULL DEFAULT 0   CHECK (cap_sun BETWEEN 0 AND 1440)
);

CREATE TABLE time_off (
    id         INTEGER PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL,
    CHECK (start_date <= end_date)
);
CREATE INDEX time_off_person ON time_off (person_id);

CREATE TABLE holidays (
    date TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE projects (
    id     TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    client TEXT NOT NULL DEFAULT ''
);

CREATE TABLE resources (
    id         TEXT PRIMARY KEY,
    project_id TEXT REFERENCES projects (id) ON DELETE CASCADE,
    -- NULL for an unnamed resource (a role with nobody yet)
    person_id  TEXT REFERENCES people (id) ON DELETE SET NULL,
    role       TEXT NOT NULL DEFAULT '',
    label      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX resources_project ON resources (project_id);
CREATE INDEX resources_person ON resources (person_id);

CREATE TABLE allocations (
    id                   TEXT PRIMARY KEY,
    resource_id          TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    project_id           TEXT REFERENCES projects (id) ON DELETE CASCADE,
    start_date           TEXT NOT NULL,
    end_date             TEXT NOT NULL,
    -- domain::Amount: the unit and its value (minutes for total_minutes, else hours or a ratio)
    unit                 TEXT NOT NULL CHECK (unit IN ('total_minutes', 'hours_per_day',
                             'hours_per_week', 'hours_per_month', 'total_hours', 'ratio_of_capacity')),
    value                REAL NOT NULL CHECK (value >= 0),
    hard                 INTEGER NOT NULL DEFAULT 0 CHECK (hard IN (0, 1)),
    notes                TEXT NOT NULL DEFAULT '',
    read_only            INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1)),
    allocate_on_time_off INTEGER NOT NULL DEFAULT 0 CHECK (allocate_on_time_off IN (0, 1)),
    version              INTEGER NOT NULL DEFAULT 1,
    CHECK (start_date <= end_date)
);
CREATE INDEX allocations_resource ON allocations (resource_id);
CREATE INDEX allocations_dates ON allocations (start_date, end_date);

CREATE TABLE requests (
    id          TEXT PRIMARY KEY,
    resource_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('new', 'approved', 'rejected', 'cancelled')),
    creator_id  TEXT NOT NULL REFERENCES people (id),
    created_at  TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    percentage  INTEGER NOT NULL CHECK (percentage >= 0),
    notes       TEXT NOT NULL DEFAULT '',
    resolved_at TEXT,
    resolved_by TEXT,
    CHECK (start_date <= end_date)
);
CREATE INDEX requests_resource ON requests (resource_id);

CREATE TABLE request_approvers (
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    person_id  TEXT NOT NULL REFERENCES people (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (request_id, person_id)
) WITHOUT ROWID;
"#;

/// Participations (who is on which project, with their role there if set) and task-level
/// scheduled hours per resource and week. Every person already holding a named resource on a
/// project gets a participation with no role (their account's default role then applies).
const MIGRATION_2: &str = r#"
CREATE TABLE participations (
    person_id  TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    -- NULL: no role on the project (the person's default role is their primary role there)
    role       TEXT,
    PRIMARY KEY (person_id, project_id)
) WITHOUT ROWID;
CREATE INDEX participations_project ON participations (project_id);

INSERT OR IGNORE INTO participations (person_id, project_id, role)
SELECT DISTINCT person_id, project_id, NULL FROM resources
WHERE person_id IS NOT NULL AND project_id IS NOT NULL;

CREATE TABLE scheduled_hours (
    resource_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    -- the week's Monday, YYYY-MM-DD
    week        TEXT NOT NULL CHECK (date(week) IS week AND strftime('%w', week) IS '1'),
    minutes     INTEGER NOT NULL CHECK (minutes >= 0),
    PRIMARY KEY (resource_id, week)
) WITHOUT ROWID;
CREATE INDEX scheduled_hours_week ON scheduled_hours (week);
"#;

/// Capacity that changes over time and partial days off, so the embedded store holds what
/// Kantata (dated workweek memberships, time off in hours) and Ruddr (availability periods,
/// `hoursPerDay` time off) do. Existing rows keep their meaning: a person with no
/// `work_patterns` row has their `people.cap_*` week throughout, and a `time_off` row with no
/// `minutes` is whole days.
const MIGRATION_3: &str = r#"
CREATE TABLE work_patterns (
    person_id  TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- the pattern applies from this day on, until the next row's start_date
    start_date TEXT NOT NULL,
    cap_mon INTEGER NOT NULL CHECK (cap_mon BETWEEN 0 AND 1440),
    cap_tue INTEGER NOT NULL CHECK (cap_tue BETWEEN 0 AND 1440),
    cap_wed INTEGER NOT NULL CHECK (cap_wed BETWEEN 0 AND 1440),
    cap_thu INTEGER NOT NULL CHECK (cap_thu BETWEEN 0 AND 1440),
    cap_fri INTEGER NOT NULL CHECK (cap_fri BETWEEN 0 AND 1440),
    cap_sat INTEGER NOT NULL CHECK (cap_sat BETWEEN 0 AND 1440),
    cap_sun INTEGER NOT NULL CHECK (cap_sun BETWEEN 0 AND 1440),
    PRIMARY KEY (person_id, start_date)
) WITHOUT ROWID;

-- NULL: the whole of each day; otherwise minutes off each day of the range (a partial day)
ALTER TABLE time_off ADD COLUMN minutes INTEGER CHECK (minutes IS NULL OR minutes BETWEEN 1 AND 1440);
"#;

/// Why a file could not be opened as an allot database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenProblem {
    /// The file does not start with SQLite's header.
    NotSqlite,
    /// An SQLite database, but another application's (its `application_id`).
    ForeignDatabase { application_id: i32 },
    /// Written by a newer allot whose schema this build does not know.
    NewerSchema { found: i64, known: i64 },
    /// The place cannot be read or written (missing directory, permissions, a directory...).
    Io(String),
    /// SQLite itself failed (corrupt file, locked, full disk...).
    Database(String),
}

/// A refusal to open a database, naming the path and the problem on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenError {
    pub path: PathBuf,
    pub problem: OpenProblem,
}

impl OpenError {
    fn new(path: &Path, problem: OpenProblem) -> Self {
        OpenError {
            path: path.to_path_buf(),
            problem,
        }
    }
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        let line = match &self.problem {
            OpenProblem::NotSqlite => {
                format!(
                    "{path} is not an allot database (not an SQLite file); it was left untouched"
                )
            }
            OpenProblem::ForeignDatabase { application_id: 0 } => format!(
                "{path} is not an allot database (an SQLite database without allot's application id); it was left untouched"
            ),
            OpenProblem::ForeignDatabase { application_id } => format!(
                "{path} is not an allot database (an SQLite database of another application, application_id {application_id:#x}); it was left untouched"
            ),
            OpenProblem::NewerSchema { found, known } => format!(
                "{path} was written by a newer allot (schema version {found}, this build knows up to {known}); upgrade allot to open it; it was left untouched"
            ),
            OpenProblem::Io(m) => format!("cannot open {path}: {m}"),
            OpenProblem::Database(m) => format!("cannot open {path}: {m}"),
        };
        // One line, and nothing that could drive a terminal (the path comes from the user).
        f.write_str(&clean(&line))
    }
}

impl std::error::Error for OpenError {}

/// Opens (or creates) the database at `path`: recognises it, configures the connection and
/// brings the schema up to date. Returns the connection and whether the file was new.
pub(crate) fn open_connection(path: &Path) -> Result<(Connection, bool), OpenError> {
    let fresh = match fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            return Err(OpenError::new(
                path,
                OpenProblem::Io("it is a directory, not a file".into()),
            ));
        }
        Ok(m) if m.len() == 0 => true,
        Ok(_) => {
            check_header(path)?;
            false
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            check_parent(path)?;
            true
        }
        Err(e) => return Err(OpenError::new(path, OpenProblem::Io(io_words(&e)))),
    };

    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if fresh {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let db = |e: rusqlite::Error| OpenError::new(path, OpenProblem::Database(e.to_string()));
    let mut conn = Connection::open_with_flags(path, flags).map_err(|e| {
        OpenError::new(
            path,
            OpenProblem::Io(format!("SQLite could not open the file ({e})")),
        )
    })?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(db)?;
    // A hostile file's views and triggers must not call functions with side effects.
    conn.pragma_update(None, "trusted_schema", false)
        .map_err(db)?;

    if !fresh {
        // The header was read raw above; ask SQLite too (a write-ahead log may hold newer pages).
        let app: i32 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(db)?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(db)?;
        recognise(path, app, version)?;
    }
    if conn.is_readonly(rusqlite::MAIN_DB).map_err(db)? {
        return Err(OpenError::new(
            path,
            OpenProblem::Io("the file is read-only".into()),
        ));
    }

    // Only now is the file known to be ours: configure and migrate.
    let _mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(db)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(db)?;
    conn.pragma_update(None, "foreign_keys", true).map_err(db)?;
    migrate(&mut conn, MIGRATIONS, fresh).map_err(|e| {
        OpenError::new(
            path,
            OpenProblem::Database(format!("could not bring the schema up to date ({e})")),
        )
    })?;
    Ok((conn, fresh))
}

/// Applies the migrations past the database's `user_version`, all in one transaction, and bumps
/// `user_version`; on a new database also stamps allot's `application_id`.
pub(crate) fn migrate(
    conn: &mut Connection,
    migrations: &[&str],
    fresh: bool,
) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let current = current.max(0) as usize;
    if current >= migrations.len() && !fresh {
        return Ok(());
    }
    for sql in migrations.iter().skip(current) {
        tx.execute_batch(sql)?;
    }
    if fresh {
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    tx.pragma_update(None, "user_version", migrations.len() as i64)?;
    tx.commit()
}

/// Reads the 100-byte SQLite header without SQLite (so nothing can be written) and refuses
/// anything that is not an allot database this build can open.
fn check_header(path: &Path) -> Result<(), OpenError> {
    let mut header = [0u8; 100];
    let mut file =
        fs::File::open(path).map_err(|e| OpenError::new(path, OpenProblem::Io(io_words(&e))))?;
    let mut got = 0;
    while got < header.len() {
        match file.read(&mut header[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(OpenError::new(path, OpenProblem::Io(io_words(&e)))),
        }
    }
    if got < header.len() || &header[..16] != SQLITE_MAGIC {
        return Err(OpenError::new(path, OpenProblem::NotSqlite));
    }
    let be = |at: usize| {
        i32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let (app, version) = (be(68), be(60) as i64);
    // A header of zeros may only mean the live page 1 is still in the write-ahead log of another
    // allot process; SQLite's own answer, asked next, reads the log too.
    if app == 0 && version == 0 {
        return Ok(());
    }
    recognise(path, app, version)
}

fn recognise(path: &Path, application_id: i32, user_version: i64) -> Result<(), OpenError> {
    if application_id != APPLICATION_ID {
        return Err(OpenError::new(
            path,
            OpenProblem::ForeignDatabase { application_id },
        ));
    }
    if user_version > SCHEMA_VERSION {
        return Err(OpenError::new(
            path,
            OpenProblem::NewerSchema {
                found: user_version,
                known: SCHEMA_VERSION,
            },
        ));
    }
    Ok(())
}

/// A new file can only be made in an existing directory.
fn check_parent(path: &Path) -> Result<(), OpenError> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => return Ok(()),
    };
    match fs::metadata(parent) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(OpenError::new(
            path,
            OpenProblem::Io(format!("{} is not a directory", parent.display())),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(OpenError::new(
            path,
            OpenProblem::Io(format!("the directory {} does not exist", parent.display())),
        )),
        Err(e) => Err(OpenError::new(path, OpenProblem::Io(io_words(&e)))),
    }
}

fn io_words(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_version(conn: &Connection) -> i64 {
        conn.pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn creates_a_stamped_database_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        let (conn, fresh) = open_connection(&path).unwrap();
        assert!(fresh);
        assert_eq!(user_version(&conn), SCHEMA_VERSION);
        let app: i32 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .unwrap();
        assert_eq!(app, APPLICATION_ID);
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let trusted: i64 = conn
            .pragma_query_value(None, "trusted_schema", |r| r.get(0))
            .unwrap();
        assert_eq!(trusted, 0, "schema functions are not trusted");
        drop(conn);

        let (conn, fresh) = open_connection(&path).unwrap();
        assert!(
            !fresh,
            "the second open finds the database made by the first"
        );
        assert_eq!(user_version(&conn), SCHEMA_VERSION);
    }

    #[test]
    fn a_zero_byte_file_becomes_a_new_database() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let (conn, fresh) = open_connection(file.path()).unwrap();
        assert!(fresh);
        assert_eq!(user_version(&conn), SCHEMA_VERSION);
    }

    #[test]
    fn migrations_apply_in_order_only_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        let mut conn = Connection::open(&path).unwrap();
        let v1 = "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);";
        let v2 = "INSERT INTO a VALUES (2); CREATE TABLE b (y TEXT);";
        migrate(&mut conn, &[v1], true).unwrap();
        assert_eq!(user_version(&conn), 1);
        migrate(&mut conn, &[v1], false).unwrap();
        migrate(&mut conn, &[v1, v2], false).unwrap();
        assert_eq!(user_version(&conn), 2);
        let rows: Vec<i64> = conn
            .prepare("SELECT x FROM a ORDER BY x")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows, vec![1, 2], "v1 ran once, then v2");
        let app: i32 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .unwrap();
        assert_eq!(app, APPLICATION_ID);
    }

    #[test]
    fn a_failing_migration_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("f.db")).unwrap();
        migrate(&mut conn, &["CREATE TABLE a (x INTEGER);"], true).unwrap();
        let err = migrate(
            &mut conn,
            &[
                "CREATE TABLE a (x INTEGER);",
                "CREATE TABLE b (y); SELECT nope FROM nowhere;",
            ],
            false,
        );
        assert!(err.is_err());
        assert_eq!(user_version(&conn), 1);
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'b'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0, "the half-applied migration was rolled back");
    }

    #[test]
    fn the_error_is_one_line_naming_the_path() {
        let e = OpenError::new(
            Path::new("/tmp/x\n\x1b[31m.db"),
            OpenProblem::NewerSchema { found: 9, known: 1 },
        );
        let s = e.to_string();
        assert!(!s.contains('\n') && !s.contains('\x1b'), "{s:?}");
        assert!(s.contains("/tmp/x"), "{s}");
        assert!(s.contains("schema version 9"), "{s}");
    }
}
