//! Scratch PostgreSQL databases for tests: one per test, created on the server named by
//! `KIROKU_TEST_DATABASE_URL` and dropped when the test ends. Without that variable the
//! tests fail (never skip): run them through `scripts/with-postgres.sh`, which starts a
//! throw-away server and sets it.
//!
//! `KIROKU_TEST_STORE=postgres` puts every test server (`TestApp`, and the binary run by
//! `process::Kiroku`) on a scratch database instead of SQLite, so the HTTP suites run on
//! PostgreSQL too.

use kiroku::store::postgres::PgStore;
use tokio_postgres::{Config, NoTls};

pub const URL_VAR: &str = "KIROKU_TEST_DATABASE_URL";

/// Whether test servers run on PostgreSQL (`KIROKU_TEST_STORE=postgres`) or SQLite.
pub fn servers_on_postgres() -> bool {
    match std::env::var("KIROKU_TEST_STORE").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("KIROKU_TEST_STORE={other}: expected sqlite or postgres"),
    }
}

/// A database that exists until this is dropped.
pub struct ScratchDb {
    admin_url: String,
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
        Self {
            admin_url: url,
            admin,
            name,
        }
    }

    /// [`ScratchDb::create`] from synchronous code.
    pub fn create_blocking() -> Self {
        on_own_runtime(Self::create()).unwrap_or_else(|e| std::panic::resume_unwind(e))
    }

    /// The URL of this database, for `kiroku --database-url`.
    pub fn url(&self) -> String {
        // A `dbname` parameter overrides the database named in the URL's path.
        let sep = if self.admin_url.contains('?') { '&' } else { '?' };
        format!("{}{sep}dbname={}", self.admin_url, self.name)
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
        let admin = self.admin.clone();
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let dropped = on_own_runtime(async move { execute(&admin, &sql).await });
        if dropped.is_err() && !std::thread::panicking() {
            panic!("could not drop scratch database {}", self.name);
        }
    }
}

/// Runs a future to completion on a thread and runtime of its own: usable from sync code
/// and from inside another runtime, where blocking on a future is not allowed.
fn on_own_runtime<T: Send + 'static>(f: impl Future<Output = T> + Send + 'static) -> std::thread::Result<T> {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the scratch database")
            .block_on(f)
    })
    .join()
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
