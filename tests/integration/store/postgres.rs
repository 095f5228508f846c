//! The store conformance suite on PostgreSQL, each test on a fresh database of its own
//! (see `scratch_db`); the tests fail when no server is given.

use std::sync::Arc;

use kiroku::store::Store;
use kiroku::store::tables::Backend;

use crate::scratch_db::ScratchDb;

/// A fresh, migrated store, and its database: dropped when the test drops it.
async fn open_postgres() -> (Arc<dyn Store>, ScratchDb) {
    let db = ScratchDb::create().await;
    let store = db.store().await;
    (Arc::new(store), db)
}

/// Two stores (two pools, as two servers have) on one fresh database.
async fn open_postgres_twice() -> (Arc<dyn Store>, Arc<dyn Store>, ScratchDb) {
    let db = ScratchDb::create().await;
    let (a, b) = (db.store().await, db.store().await);
    (Arc::new(a), Arc::new(b), db)
}

/// The tables with a `tenant` column in a freshly migrated database.
async fn postgres_tenant_tables() -> (Backend, Vec<String>) {
    let (store, db) = open_postgres().await;
    drop(store);
    let (client, conn) = db.config().connect(tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(conn);
    let rows = client
        .query(
            "SELECT table_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND column_name = 'tenant' ORDER BY 1",
            &[],
        )
        .await
        .expect("read the schema");
    (Backend::Postgres, rows.iter().map(|r| r.get(0)).collect())
}

store_suite!(
    postgres,
    open_postgres(),
    open_postgres_twice(),
    postgres_tenant_tables()
);

/// What only the PostgreSQL backend has: migrations shared by servers.
mod migrations {
    use futures_util::future::join_all;
    use kiroku::store::StoreError;
    use kiroku::store::postgres::PgStore;
    use tokio_postgres::NoTls;

    use crate::scratch_db::ScratchDb;

    async fn client(db: &ScratchDb) -> tokio_postgres::Client {
        let (client, conn) = db.config().connect(NoTls).await.expect("connect");
        tokio::spawn(conn);
        client
    }

    #[tokio::test]
    async fn servers_starting_together_migrate_once() {
        let db = ScratchDb::create().await;
        let opened = join_all((0..4).map(|_| PgStore::open(db.config()))).await;
        assert!(opened.iter().all(Result::is_ok), "{opened:?}");
        let c = client(&db).await;
        let rows = c
            .query("SELECT version FROM schema_migrations ORDER BY version", &[])
            .await
            .expect("read schema_migrations");
        let versions: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
        assert_eq!(versions, (1..=versions.len() as i64).collect::<Vec<_>>());
        assert!(!versions.is_empty());
    }

    #[tokio::test]
    async fn a_newer_schema_is_refused() {
        let db = ScratchDb::create().await;
        db.store().await;
        client(&db)
            .await
            .execute("INSERT INTO schema_migrations (version, applied) VALUES (9999, 0)", &[])
            .await
            .expect("record a future migration");
        match PgStore::open(db.config()).await {
            Err(StoreError::Backend(msg)) => assert!(msg.contains("newer than this kiroku"), "{msg}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
}
