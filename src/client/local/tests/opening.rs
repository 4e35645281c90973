//! Opening a database: a new one, and the files that are refused and left untouched.

use super::*;

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
