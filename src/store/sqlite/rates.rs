//! Request counts per tenant and minute in SQLite, added through the writer thread (one
//! transaction at a time, so an addition and the count it returns are atomic, also
//! against another process on the same file); and the clock `stored` times come from.

use async_trait::async_trait;
use rusqlite::params;

use super::SqliteStore;
use super::pool::backend;
use crate::store::{ClockStore, RateStore, StoreResult};
use crate::tenant::TenantId;

#[async_trait]
impl RateStore for SqliteStore {
    async fn add_requests(&self, tenant: TenantId, minute: i64, n: u32) -> StoreResult<u64> {
        self.writer
            .run(move |c| {
                let total: i64 = c
                    .prepare_cached(
                        "INSERT INTO rate_windows (tenant, minute, n) VALUES (?1, ?2, ?3) \
                         ON CONFLICT (tenant, minute) DO UPDATE SET n = n + excluded.n RETURNING n",
                    )
                    .map_err(backend)?
                    .query_row(params![tenant.0, minute, n], |r| r.get(0))
                    .map_err(backend)?;
                if total == i64::from(n) {
                    // The minute's first addition: the tenant's earlier minutes are done.
                    c.prepare_cached("DELETE FROM rate_windows WHERE tenant = ?1 AND minute < ?2")
                        .map_err(backend)?
                        .execute(params![tenant.0, minute])
                        .map_err(backend)?;
                }
                Ok(u64::try_from(total).unwrap_or(0))
            })
            .await
    }
}

#[async_trait]
impl ClockStore for SqliteStore {
    /// One server writes a SQLite store, and its writer stamps `stored` from the local clock.
    async fn clock_us(&self) -> StoreResult<Option<i64>> {
        Ok(None)
    }
}
