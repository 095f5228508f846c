//! The store conformance suite on the embedded SQLite backend, each test on a fresh
//! database in its own temporary folder.

use std::sync::Arc;

use kiroku::store::Store;
use kiroku::store::sqlite::SqliteStore;
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

store_suite!(sqlite, open_sqlite(), open_sqlite_twice());
