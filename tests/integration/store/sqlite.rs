//! The store conformance suite on the embedded SQLite backend, each test on a fresh
//! database in its own temporary folder.

use std::sync::Arc;

use kiroku::store::Store;
use kiroku::store::sqlite::SqliteStore;
use kiroku::store::tables::Backend;
use tempfile::TempDir;

/// A fresh store, and the folder holding it: removed when the test drops it.
async fn open_sqlite() -> (Arc<dyn Store>, TempDir) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let store = SqliteStore::open(dir.path()).expect("open the SQLite store");
    (Arc::new(store), dir)
}

/// Two stores on one fresh database, as two processes would open it.
async fn open_sqlite_twice() -> (Arc<dyn Store>, Arc<dyn Store>, TempDir) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let a = SqliteStore::open(dir.path()).expect("open the SQLite store");
    let b = SqliteStore::open(dir.path()).expect("open the SQLite store again");
    (Arc::new(a), Arc::new(b), dir)
}

/// The tables with a `tenant` column in a freshly migrated database.
async fn sqlite_tenant_tables() -> (Backend, Vec<String>) {
    let (store, dir) = open_sqlite().await;
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join("kiroku.db")).expect("open the database");
    let mut st = conn
        .prepare(
            "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND c.name = 'tenant' ORDER BY m.name",
        )
        .expect("prepare the schema query");
    let names = st
        .query_map([], |r| r.get(0))
        .expect("read the schema")
        .collect::<Result<_, _>>()
        .expect("table names");
    (Backend::Sqlite, names)
}

store_suite!(sqlite, open_sqlite(), open_sqlite_twice(), sqlite_tenant_tables());
