//! SCORM attempts and registration state in PostgreSQL.

use async_trait::async_trait;

use super::{PgStore, big, col, pg, unsigned};
use crate::store::{AttemptRecord, AttemptStore, StoreResult};
use crate::tenant::TenantId;

#[async_trait]
impl AttemptStore for PgStore {
    async fn latest_attempt(
        &self,
        tenant: TenantId,
        registration: &str,
        item: &str,
    ) -> StoreResult<Option<AttemptRecord>> {
        let c = self.client().await?;
        let st = c
            .prepare_cached(
                "SELECT registration, item, number, state, data, commit_seq, updated FROM attempts \
                 WHERE tenant = $1 AND registration = $2 AND item = $3 ORDER BY number DESC LIMIT 1",
            )
            .await
            .map_err(pg)?;
        let Some(r) = c.query_opt(&st, &[&tenant.0, &registration, &item]).await.map_err(pg)? else {
            return Ok(None);
        };
        Ok(Some(AttemptRecord {
            registration: col(&r, 0)?,
            item: col(&r, 1)?,
            number: u32::try_from(col::<i64>(&r, 2)?).unwrap_or(0),
            state: col(&r, 3)?,
            data: col(&r, 4)?,
            commit_seq: unsigned(col(&r, 5)?),
            updated_ms: col(&r, 6)?,
        }))
    }

    async fn save_attempt(&self, tenant: TenantId, a: AttemptRecord) -> StoreResult<bool> {
        let c = self.client().await?;
        // The conditional update is one statement: two servers applying commits of one
        // attempt keep the higher sequence number, whichever arrives last.
        let st = c
            .prepare_cached(
                "INSERT INTO attempts (tenant, registration, item, number, state, data, commit_seq, updated) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (tenant, registration, item, number) DO UPDATE SET \
                 state = excluded.state, data = excluded.data, commit_seq = excluded.commit_seq, updated = excluded.updated \
                 WHERE excluded.commit_seq > attempts.commit_seq",
            )
            .await
            .map_err(pg)?;
        let n = c
            .execute(
                &st,
                &[
                    &tenant.0,
                    &a.registration,
                    &a.item,
                    &i64::from(a.number),
                    &a.state,
                    &a.data,
                    &big(a.commit_seq),
                    &a.updated_ms,
                ],
            )
            .await
            .map_err(pg)?;
        Ok(n > 0)
    }

    async fn registration_state(&self, tenant: TenantId, registration: &str) -> StoreResult<Option<String>> {
        let c = self.client().await?;
        let st = c
            .prepare_cached("SELECT data FROM registration_state WHERE tenant = $1 AND registration = $2")
            .await
            .map_err(pg)?;
        let row = c.query_opt(&st, &[&tenant.0, &registration]).await.map_err(pg)?;
        row.map(|r| col(&r, 0)).transpose()
    }

    async fn save_registration_state(&self, tenant: TenantId, registration: &str, data: String) -> StoreResult<()> {
        let c = self.client().await?;
        let st = c
            .prepare_cached(
                "INSERT INTO registration_state (tenant, registration, data, updated) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (tenant, registration) DO UPDATE SET data = excluded.data, updated = excluded.updated",
            )
            .await
            .map_err(pg)?;
        c.execute(&st, &[&tenant.0, &registration, &data, &crate::clock::now_ms()])
            .await
            .map_err(pg)?;
        Ok(())
    }
}
