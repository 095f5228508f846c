//! Scratch PostgreSQL databases for tests: one per test, created on the server named by
//! `KIROKU_TEST_DATABASE_URL` and dropped when the test ends. Without that variable the
//! tests fail (never skip): run them through `scripts/with-postgres.sh`, which starts a
//! throw-away server and sets it.

use kiroku::store::postgres::PgStore;
use tokio_postgres::{Config, NoTls};

pub const URL_VAR: &str = "KIROKU_TEST_DATABASE_URL";

/// A database that exists until this is dropped.
pub struct ScratchDb {
    admin: Config,
    name: String,
}

impl ScratchDb {
    /// Creates an empty database.
    pub async fn create() -> Self {
        let url = std::env::var(URL_VAR).unwrap_or_else(|_| {
            panic!(
                "{URL_VAR} is not set: the PostgreSQL tests need a server. Run them through \
                 scripts/with-postgres.sh (e.g. scripts/with-postgres.sh cargo nextest run), \
                 or set {URL_VAR} to a superuser URL."
            )
        });
        let admin: Config = url.parse().expect("KIROKU_TEST_DATABASE_URL is not a valid URL");
        let name = format!("kiroku_test_{}", kiroku::id::new_uuid().replace('-', ""));
        execute(&admin, &format!("CREATE DATABASE {name}")).await;
        Self { admin, name }
    }

    /// The configuration to connect to this database.
    pub fn config(&self) -> Config {
        let mut c = self.admin.clone();
        c.dbname(&self.name);
        c
    }

    /// A store on this database, migrated.
    pub async fn store(&self) -> PgStore {
        PgStore::open(self.config()).await.expect("open the PostgreSQL store")
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, where blocking on a future is not allowed:
        // a thread of its own with its own runtime does the DROP DATABASE.
        let (admin, sql) = (
            self.admin.clone(),
            format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime to drop the scratch database");
            rt.block_on(execute(&admin, &sql));
        })
        .join();
        if dropped.is_err() && !std::thread::panicking() {
            panic!("could not drop scratch database {}", self.name);
        }
    }
}

async fn execute(admin: &Config, sql: &str) {
    let (client, conn) = admin
        .connect(NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL server ({URL_VAR}): {e}"));
    let task = tokio::spawn(conn);
    client.batch_execute(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    drop(client);
    let _ = task.await;
}
