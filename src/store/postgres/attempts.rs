//! SCORM attempts and registration state in PostgreSQL.

use async_trait::async_trait;

use deadpool_postgres::GenericClient;

use super::{PgStore, big, col, documents, pg, statements, unsigned};
use crate::runtime::plan::AttemptState;
use crate::store::{AttemptRecord, AttemptStore, RegistrationWrite, RuntimeWrites, StoreResult};
use crate::tenant::TenantId;

/// The attempt state stored as `text`; anything else is a damaged row.
pub(super) fn state_of(text: &str) -> StoreResult<AttemptState> {
    AttemptState::parse(text).ok_or_else(|| super::backend(format!("attempt state {text:?}")))
}

/// Creates or updates an attempt (above its stored sequence number only); true if it applied.
async fn save(c: &impl GenericClient, tenant: TenantId, a: &AttemptRecord) -> StoreResult<bool> {
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
                &a.state.as_str(),
                &a.data,
                &big(a.commit_seq),
                &a.updated_ms,
            ],
        )
        .await
        .map_err(pg)?;
    Ok(n > 0)
}

/// Writes a registration's state over the state it was read as; false if it changed
/// meanwhile (the row is locked by the update, so the check and the write are one).
async fn replace_state(c: &impl GenericClient, tenant: TenantId, w: &RegistrationWrite) -> StoreResult<bool> {
    let now = crate::clock::now_ms();
    let n = match &w.read {
        None => {
            let st = c
                .prepare_cached(
                    "INSERT INTO registration_state (tenant, registration, data, updated) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (tenant, registration) DO NOTHING",
                )
                .await
                .map_err(pg)?;
            c.execute(&st, &[&tenant.0, &w.registration, &w.data, &now]).await
        }
        Some(read) => {
            let st = c
                .prepare_cached(
                    "UPDATE registration_state SET data = $3, updated = $4 \
                     WHERE tenant = $1 AND registration = $2 AND data = $5",
                )
                .await
                .map_err(pg)?;
            c.execute(&st, &[&tenant.0, &w.registration, &w.data, &now, read]).await
        }
    }
    .map_err(pg)?;
    Ok(n == 1)
}

async fn save_state(c: &impl GenericClient, tenant: TenantId, registration: &str, data: &str) -> StoreResult<()> {
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
            state: state_of(&col::<String>(&r, 3)?)?,
            data: col(&r, 4)?,
            commit_seq: unsigned(col(&r, 5)?),
            updated_ms: col(&r, 6)?,
        }))
    }

    async fn save_attempt(&self, tenant: TenantId, a: AttemptRecord) -> StoreResult<bool> {
        save(&self.client().await?, tenant, &a).await
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
        save_state(&self.client().await?, tenant, registration, &data).await
    }

    async fn apply_runtime(&self, tenant: TenantId, w: RuntimeWrites) -> StoreResult<bool> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        for a in &w.attempts {
            if !save(&tx, tenant, a).await? {
                // Dropping the transaction rolls back whatever it wrote.
                return Ok(false);
            }
        }
        if let Some(r) = &w.registration_state
            && !replace_state(&tx, tenant, r).await?
        {
            return Ok(false);
        }
        statements::insert_batch(&tx, tenant, &w.credential, &w.statements, &w.attachments).await?;
        for (key, write) in &w.documents {
            documents::write_in(&tx, tenant, key, write).await?;
        }
        if let Some(report) = &w.report {
            super::reports::apply(&tx, tenant, report).await?;
        }
        tx.commit().await.map_err(pg)?;
        Ok(true)
    }
}
