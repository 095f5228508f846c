//! The scale-out backend: PostgreSQL through tokio-postgres and a deadpool pool.
//!
//! Several kiroku servers may share one database, so correctness never rests on
//! anything held in this process: every write is one transaction, and what must be
//! serialised is serialised by the database (a tenant's statement clock row, row locks
//! on the package or learner a registration names, advisory locks on a document's key,
//! unique constraints). Each module implements the traits of one concern on `PgStore`.

mod accounts;
mod archive;
mod attempts;
mod audit;
mod documents;
pub mod dump;
mod erase;
mod learners;
mod migrations;
mod notices;
mod packages;
mod plans;
mod portal;
mod query;
mod rates;
mod reports;
mod restore;
mod statements;
mod tenants;

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use sha2::{Digest, Sha256};
use tokio_postgres::error::SqlState;
use tokio_postgres::row::Row;
use tokio_postgres::types::FromSql;
use tokio_postgres::{Config, NoTls};

use crate::lrs::LrsError;
use crate::store::{StoreError, StoreResult};

/// Connections kept by one server.
const POOL_SIZE: usize = 16;
/// How long a request waits for a free connection, or for a new one, before failing.
const POOL_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    /// Host and database, for `Debug` (never the password).
    label: String,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("database", &self.label).finish()
    }
}

impl PgStore {
    /// Connects to `postgres://…` (or a `key=value` connection string) and migrates the
    /// schema to this version of kiroku.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let config: Config = url
            .parse()
            .map_err(|e| StoreError::Backend(format!("invalid database URL: {e}")))?;
        Self::open(config).await
    }

    /// Like [`PgStore::connect`], from a parsed configuration.
    pub async fn open(config: Config) -> StoreResult<Self> {
        let label = label(&config);
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_TIMEOUT))
            .create_timeout(Some(POOL_TIMEOUT))
            .build()
            .map_err(backend)?;
        let store = Self { pool, label };
        let mut client = store.client().await?;
        migrations::migrate(&mut client).await?;
        Ok(store)
    }

    /// A connection from the pool. The pool drops connections the server closed (a
    /// restart) and opens new ones, so the store reconnects by itself once PostgreSQL is
    /// back; until then every request fails fast as `Unavailable`.
    async fn client(&self) -> StoreResult<Object> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))
    }
}

fn label(config: &Config) -> String {
    let host = config.get_hosts().first().map_or_else(String::new, |h| match h {
        tokio_postgres::config::Host::Tcp(name) => name.clone(),
        tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
    });
    format!("{host}/{}", config.get_dbname().unwrap_or(""))
}

/// A failure the client cannot fix, with its message for the logs.
fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// A database error: text PostgreSQL cannot hold (a NUL character) is the client's
/// fault; anything else is a backend failure.
fn pg(e: tokio_postgres::Error) -> StoreError {
    if e.code() == Some(&SqlState::CHARACTER_NOT_IN_REPERTOIRE) {
        return LrsError::bad("text with a NUL character cannot be stored").into();
    }
    if unreachable(&e) {
        return StoreError::Unavailable(e.to_string());
    }
    match e.as_db_error() {
        Some(db) if *db.code() == SqlState::DISK_FULL => StoreError::Full(db.message().to_owned()),
        Some(db) => StoreError::Backend(format!("{}: {}", db.code().code(), db.message())),
        None => backend(e),
    }
}

/// Whether `e` says the server went away rather than refused the query: the connection
/// closed or broke (no database error), a connection-exception class (08…), or the server
/// shutting down or starting (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot
/// connect now). Such a request may be retried once PostgreSQL is back.
fn unreachable(e: &tokio_postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.code() {
        Some(code) => {
            let c = code.code();
            c.starts_with("08") || matches!(c, "57P01" | "57P02" | "57P03")
        }
        None => e.as_db_error().is_none() && std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>()),
    }
}

/// Column `i` of a row.
fn col<'a, T: FromSql<'a>>(row: &'a Row, i: usize) -> StoreResult<T> {
    row.try_get(i).map_err(pg)
}

/// An unsigned count or size as the BIGINT column holding it.
fn big(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A BIGINT column holding an unsigned count or size.
fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A key for `pg_advisory_xact_lock`: the first 8 bytes of SHA-256 over the
/// length-prefixed parts. Two keys colliding only serialise more than needed.
fn lock_key(parts: &[&[u8]]) -> i64 {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    let d = h.finalize();
    i64::from_le_bytes(d.get(..8).and_then(|b| b.try_into().ok()).unwrap_or([0; 8]))
}
