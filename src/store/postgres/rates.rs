//! Request counts per tenant and minute in PostgreSQL: one upsert adds to the count and
//! returns it, so servers sharing the database add to one number (the row lock orders
//! them); and the database's clock, which `stored` times come from.

use async_trait::async_trait;

use super::{PgStore, col, pg, unsigned};
use crate::store::{ClockStore, RateStore, StoreResult};
use crate::tenant::TenantId;

/// The database's clock in epoch microseconds (`clock_timestamp()`, not the transaction's
/// start, so a statement that waited for a lock reads the time it went on).
pub(super) const NOW_US: &str = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint";

#[async_trait]
impl RateStore for PgStore {
    async fn add_requests(&self, tenant: TenantId, minute: i64, n: u32) -> StoreResult<u64> {
        let c = self.client().await?;
        let add = c
            .prepare_cached(
                "INSERT INTO rate_windows (tenant, minute, n) VALUES ($1, $2, $3) \
                 ON CONFLICT (tenant, minute) DO UPDATE SET n = rate_windows.n + excluded.n RETURNING n",
            )
            .await
            .map_err(pg)?;
        let n = i64::from(n);
        let total: i64 = col(&c.query_one(&add, &[&tenant.0, &minute, &n]).await.map_err(pg)?, 0)?;
        if total == n {
            // The minute's first addition (on any server): the tenant's earlier minutes
            // are done. A statement of its own, after the upsert committed, so it never
            // waits on a row lock while holding another.
            let forget = c
                .prepare_cached("DELETE FROM rate_windows WHERE tenant = $1 AND minute < $2")
                .await
                .map_err(pg)?;
            c.execute(&forget, &[&tenant.0, &minute]).await.map_err(pg)?;
        }
        Ok(unsigned(total))
    }
}

#[async_trait]
impl ClockStore for PgStore {
    async fn clock_us(&self) -> StoreResult<Option<i64>> {
        let c = self.client().await?;
        let st = c.prepare_cached(&format!("SELECT {NOW_US}")).await.map_err(pg)?;
        Ok(Some(col(&c.query_one(&st, &[]).await.map_err(pg)?, 0)?))
    }
}
