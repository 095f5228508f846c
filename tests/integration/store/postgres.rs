//! The store conformance suite on PostgreSQL, each test on a fresh database of its own
//! (see `scratch_db`); the tests fail when no server is given.

use std::sync::Arc;

use kiroku::store::Store;

use crate::scratch_db::ScratchDb;

/// A fresh, migrated store, and its database: dropped when the test drops it.
async fn open_postgres() -> (Arc<dyn Store>, ScratchDb) {
    let db = ScratchDb::create().await;
    let store = db.store().await;
    (Arc::new(store), db)
}

store_suite!(postgres, open_postgres());
