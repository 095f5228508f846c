//! The learner portal in PostgreSQL: sign-ins, portal sessions (a sign-in takes an
//! advisory transaction lock on (tenant, learner), so two servers deciding two sign-ins of
//! one learner decide one after the other), assignments (their learner, end client and
//! package held `FOR SHARE` while stored, as registrations hold theirs).

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::{PgStore, col, lock_key, pg};
use crate::launch::session::{SessionState, SessionVerdict, decide};
use crate::lrs::LrsError;
use crate::portal::assignment::{Target, check_refs};
use crate::portal::{Assignment, Login, NewPortalSession, PortalSession};
use crate::store::StoreResult;
use crate::store::portal::PortalStore;
use crate::tenant::TenantId;

const ASSIGNMENT_COLS: &str = "id, package, learner, end_client, due, created";

fn assignment_row(r: &Row) -> StoreResult<Assignment> {
    Ok(Assignment {
        id: col(r, 0)?,
        package_id: col(r, 1)?,
        target: Target::from_columns(col(r, 2)?, col(r, 3)?),
        due: col(r, 4)?,
        created_ms: col(r, 5)?,
    })
}

async fn exists(c: &impl GenericClient, sql: &str, p: &[&(dyn ToSql + Sync)]) -> StoreResult<bool> {
    Ok(c.query_opt(sql, p).await.map_err(pg)?.is_some())
}

async fn learner_exists(c: &impl GenericClient, tenant: TenantId, learner: &str) -> StoreResult<bool> {
    exists(
        c,
        "SELECT 1 FROM learners WHERE tenant = $1 AND id = $2 FOR SHARE",
        &[&tenant.0, &learner],
    )
    .await
}

fn no_learner(learner: &str) -> crate::store::StoreError {
    LrsError::NotFound(format!("no learner {learner:?}")).into()
}

impl PgStore {
    async fn assignments(&self, sql: &str, p: &[&(dyn ToSql + Sync)]) -> StoreResult<Vec<Assignment>> {
        let c = self.client().await?;
        let rows = c.query(sql, p).await.map_err(pg)?;
        rows.iter().map(assignment_row).collect()
    }

    /// Writes a learner's login row (`sql` with the tenant, the learner, then `values`)
    /// in a transaction holding the learner; 404 when there is none.
    async fn write_login(
        &self,
        tenant: TenantId,
        learner: &str,
        sql: &str,
        values: &[&(dyn ToSql + Sync)],
    ) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        if !learner_exists(&tx, tenant, learner).await? {
            return Err(no_learner(learner));
        }
        let mut p: Vec<&(dyn ToSql + Sync)> = vec![&tenant.0, &learner];
        p.extend_from_slice(values);
        tx.execute(sql, &p).await.map_err(pg)?;
        tx.commit().await.map_err(pg)
    }
}

#[async_trait]
impl PortalStore for PgStore {
    async fn set_learner_password(&self, tenant: TenantId, learner: &str, phc: &str) -> StoreResult<()> {
        let sql = "INSERT INTO learner_logins (tenant, learner, password, updated) VALUES ($1, $2, $3, $4) \
                   ON CONFLICT (tenant, learner) DO UPDATE SET password = excluded.password, updated = excluded.updated";
        let now = crate::clock::now_ms();
        self.write_login(tenant, learner, sql, &[&phc, &now]).await
    }

    async fn set_invitation(
        &self,
        tenant: TenantId,
        learner: &str,
        digest: [u8; 32],
        expires_ms: i64,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO learner_logins (tenant, learner, invitation, invitation_expires, updated) \
                   VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant, learner) DO UPDATE SET \
                   invitation = excluded.invitation, invitation_expires = excluded.invitation_expires, \
                   updated = excluded.updated";
        let now = crate::clock::now_ms();
        self.write_login(tenant, learner, sql, &[&digest.as_slice(), &expires_ms, &now])
            .await
    }

    async fn learner_passwords(&self, tenant: TenantId) -> StoreResult<Vec<(String, String)>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT learner, password FROM learner_logins WHERE tenant = $1 AND password IS NOT NULL ORDER BY learner",
                &[&tenant.0],
            )
            .await
            .map_err(pg)?;
        rows.iter().map(|r| Ok((col(r, 0)?, col(r, 1)?))).collect()
    }

    async fn learner_login(&self, tenant: TenantId, learner: &str) -> StoreResult<Option<Login>> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT password, invitation_expires FROM learner_logins WHERE tenant = $1 AND learner = $2",
                &[&tenant.0, &learner],
            )
            .await
            .map_err(pg)?;
        row.map(|r| {
            Ok(Login {
                password: col(&r, 0)?,
                invitation_expires_ms: col(&r, 1)?,
            })
        })
        .transpose()
    }

    async fn redeem_invitation(&self, tenant: TenantId, digest: [u8; 32], now_ms: i64) -> StoreResult<Option<String>> {
        let c = self.client().await?;
        // One statement: of two servers redeeming one code at once, one gets the row.
        let row = c
            .query_opt(
                "UPDATE learner_logins l SET invitation = NULL, invitation_expires = NULL \
                 FROM (SELECT learner, invitation_expires FROM learner_logins WHERE tenant = $1 AND invitation = $2 \
                 FOR UPDATE) old WHERE l.tenant = $1 AND l.learner = old.learner \
                 RETURNING old.learner, old.invitation_expires",
                &[&tenant.0, &digest.as_slice()],
            )
            .await
            .map_err(pg)?;
        let Some(r) = row else { return Ok(None) };
        let (learner, expires): (String, Option<i64>) = (col(&r, 0)?, col(&r, 1)?);
        Ok((expires.unwrap_or(0) > now_ms).then_some(learner))
    }

    async fn open_portal_session(&self, tenant: TenantId, new: NewPortalSession) -> StoreResult<SessionVerdict> {
        let call = &new.call;
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let key = lock_key(&[b"portal-session", &tenant.0.to_le_bytes(), call.learner.as_bytes()]);
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&key])
            .await
            .map_err(pg)?;
        tx.execute(
            "DELETE FROM portal_sessions WHERE tenant = $1 AND learner = $2 AND expires <= $3",
            &[&tenant.0, &call.learner, &call.now_ms],
        )
        .await
        .map_err(pg)?;
        let others: Vec<String> = tx
            .query(
                "SELECT encode(digest, 'hex') FROM portal_sessions WHERE tenant = $1 AND learner = $2 \
                 AND NOT ended AND seen >= $3 ORDER BY digest",
                &[&tenant.0, &call.learner, &call.active_since_ms],
            )
            .await
            .map_err(pg)?
            .iter()
            .map(|r| col(r, 0))
            .collect::<StoreResult<_>>()?;
        let d = decide(call, None, !others.is_empty());
        if d.end_others {
            tx.execute(
                "UPDATE portal_sessions SET ended = true WHERE tenant = $1 AND learner = $2",
                &[&tenant.0, &call.learner],
            )
            .await
            .map_err(pg)?;
        }
        if d.state == SessionState::Active {
            tx.execute(
                "INSERT INTO portal_sessions (tenant, digest, learner, created, seen, expires, ended) \
                 VALUES ($1, $2, $3, $4, $4, $5, false)",
                &[
                    &tenant.0,
                    &new.digest.as_slice(),
                    &call.learner,
                    &call.now_ms,
                    &new.expires_ms,
                ],
            )
            .await
            .map_err(pg)?;
        }
        tx.commit().await.map_err(pg)?;
        Ok(d.verdict(others))
    }

    async fn portal_session(&self, tenant: TenantId, digest: [u8; 32]) -> StoreResult<Option<PortalSession>> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT learner, created, seen, expires, ended FROM portal_sessions WHERE tenant = $1 AND digest = $2",
                &[&tenant.0, &digest.as_slice()],
            )
            .await
            .map_err(pg)?;
        row.map(|r| {
            Ok(PortalSession {
                learner: col(&r, 0)?,
                created_ms: col(&r, 1)?,
                seen_ms: col(&r, 2)?,
                expires_ms: col(&r, 3)?,
                ended: col(&r, 4)?,
            })
        })
        .transpose()
    }

    async fn touch_portal_session(
        &self,
        tenant: TenantId,
        digest: [u8; 32],
        now_ms: i64,
        slide_to: Option<i64>,
    ) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "UPDATE portal_sessions SET seen = $3, expires = coalesce($4, expires) WHERE tenant = $1 AND digest = $2",
            &[&tenant.0, &digest.as_slice(), &now_ms, &slide_to],
        )
        .await
        .map_err(pg)?;
        Ok(())
    }

    async fn end_portal_session(&self, tenant: TenantId, digest: [u8; 32]) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "DELETE FROM portal_sessions WHERE tenant = $1 AND digest = $2",
            &[&tenant.0, &digest.as_slice()],
        )
        .await
        .map_err(pg)?;
        Ok(())
    }

    async fn create_assignment(&self, tenant: TenantId, a: &Assignment) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let package = exists(
            &tx,
            "SELECT 1 FROM packages WHERE tenant = $1 AND id = $2 FOR SHARE",
            &[&tenant.0, &a.package_id],
        )
        .await?;
        let target = match &a.target {
            Target::Learner(l) => learner_exists(&tx, tenant, l).await?,
            Target::EndClient(e) => {
                exists(
                    &tx,
                    "SELECT 1 FROM end_clients WHERE tenant = $1 AND id = $2 FOR SHARE",
                    &[&tenant.0, e],
                )
                .await?
            }
        };
        check_refs(a, package, target)?;
        let (learner, end_client) = a.target.columns();
        tx.execute(
            "INSERT INTO assignments (tenant, id, package, learner, end_client, due, created) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &tenant.0,
                &a.id,
                &a.package_id,
                &learner,
                &end_client,
                &a.due,
                &a.created_ms,
            ],
        )
        .await
        .map_err(pg)?;
        tx.commit().await.map_err(pg)
    }

    async fn list_assignments(&self, tenant: TenantId, end_client: Option<&str>) -> StoreResult<Vec<Assignment>> {
        let sql = format!(
            "SELECT {ASSIGNMENT_COLS} FROM assignments WHERE tenant = $1 AND ($2::text IS NULL OR end_client = $2 \
             OR learner IN (SELECT id FROM learners WHERE tenant = $1 AND end_client = $2)) ORDER BY created, id"
        );
        self.assignments(&sql, &[&tenant.0, &end_client]).await
    }

    async fn assignment(&self, tenant: TenantId, id: &str) -> StoreResult<Option<Assignment>> {
        let sql = format!("SELECT {ASSIGNMENT_COLS} FROM assignments WHERE tenant = $1 AND id = $2");
        Ok(self.assignments(&sql, &[&tenant.0, &id]).await?.into_iter().next())
    }

    async fn delete_assignment(&self, tenant: TenantId, id: &str) -> StoreResult<bool> {
        let c = self.client().await?;
        let n = c
            .execute(
                "DELETE FROM assignments WHERE tenant = $1 AND id = $2",
                &[&tenant.0, &id],
            )
            .await
            .map_err(pg)?;
        Ok(n > 0)
    }

    async fn learner_assignments(&self, tenant: TenantId, learner: &str) -> StoreResult<Vec<Assignment>> {
        let sql = format!(
            "SELECT {ASSIGNMENT_COLS} FROM assignments WHERE tenant = $1 AND (learner = $2 OR end_client = \
             (SELECT end_client FROM learners WHERE tenant = $1 AND id = $2)) ORDER BY created, id"
        );
        self.assignments(&sql, &[&tenant.0, &learner]).await
    }
}
