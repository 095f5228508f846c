//! Learners and registrations in PostgreSQL.
//!
//! A registration is created holding its learner and package rows shared; deleting a
//! learner or a package locks its row first, so neither disappears under a registration
//! being created on another server.

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;

use super::{PgStore, col, pg};
use crate::clock;
use crate::learner::{self, Learner, LearnerFields, Registration};
use crate::lrs::LrsError;
use crate::store::tables::{Backend, RegistrationsOf};
use crate::store::{LearnerStore, StoreResult};
use crate::tenant::TenantId;

const LEARNER_COLS: &str = "id, name, email, created, updated, end_client";
/// A registration's columns; its end client is its learner's.
const REG_COLS: &str = "r.id, r.learner, r.package, r.version, r.created, \
     (SELECT l.end_client FROM learners l WHERE l.tenant = r.tenant AND l.id = r.learner), r.preview";

fn learner_row(r: &Row) -> StoreResult<Learner> {
    Ok(Learner {
        id: col(r, 0)?,
        name: col(r, 1)?,
        email: col(r, 2)?,
        created_ms: col(r, 3)?,
        updated_ms: col(r, 4)?,
        end_client: col(r, 5)?,
    })
}

fn registration_row(r: &Row) -> StoreResult<Registration> {
    Ok(Registration {
        id: col(r, 0)?,
        learner: col(r, 1)?,
        package_id: col(r, 2)?,
        version: u32::try_from(col::<i64>(r, 3)?).unwrap_or(0),
        created_ms: col(r, 4)?,
        end_client: col(r, 5)?,
        preview: col(r, 6)?,
    })
}

/// The learner, optionally with a row lock (`FOR SHARE`, `FOR UPDATE`) until commit.
async fn get(c: &impl GenericClient, tenant: TenantId, id: &str, lock: &str) -> StoreResult<Option<Learner>> {
    let sql = format!("SELECT {LEARNER_COLS} FROM learners WHERE tenant = $1 AND id = $2 {lock}");
    let st = c.prepare_cached(&sql).await.map_err(pg)?;
    let row = c.query_opt(&st, &[&tenant.0, &id]).await.map_err(pg)?;
    row.as_ref().map(learner_row).transpose()
}

/// Holds the learner's end client (when named) shared until commit, so it cannot be
/// deleted under the learner being written; 400 when the tenant has no such end client.
async fn lock_end_client(tx: &Transaction<'_>, tenant: TenantId, end_client: Option<&str>) -> StoreResult<()> {
    let Some(e) = end_client else { return Ok(()) };
    let found = tx
        .query_opt(
            "SELECT 1 FROM end_clients WHERE tenant = $1 AND id = $2 FOR SHARE",
            &[&tenant.0, &e],
        )
        .await
        .map_err(pg)?;
    match found {
        Some(_) => Ok(()),
        None => Err(LrsError::NotFound(format!("no end client {e:?} in this tenant")).into()),
    }
}

/// Deletes the registrations of a learner or package with what the run-time kept for
/// them, as `learner::check_release` allows.
pub(super) async fn release_registrations(
    tx: &Transaction<'_>,
    tenant: TenantId,
    of: RegistrationsOf<'_>,
    force: bool,
) -> StoreResult<()> {
    let (count, id) = (of.count(Backend::Postgres), of.id());
    let n: i64 = col(&tx.query_one(&count, &[&tenant.0, &id]).await.map_err(pg)?, 0)?;
    learner::check_release(&of.describe(), super::unsigned(n), force)?;
    for sql in of.release(Backend::Postgres) {
        tx.execute(&sql, &[&tenant.0, &id]).await.map_err(pg)?;
    }
    Ok(())
}

/// Inserts or updates a learner; returns it and whether it was created.
async fn upsert(c: &impl GenericClient, tenant: TenantId, id: &str, f: &LearnerFields) -> StoreResult<(Learner, bool)> {
    // `xmax = 0` holds for a freshly inserted row, not for one the conflict updated.
    let sql = format!(
        "INSERT INTO learners (tenant, id, name, email, created, updated, end_client) \
         VALUES ($1, $2, $3, $4, $5, $5, $6) \
         ON CONFLICT (tenant, id) DO UPDATE SET name = excluded.name, email = excluded.email, updated = excluded.updated, \
         end_client = coalesce(excluded.end_client, learners.end_client) \
         RETURNING {LEARNER_COLS}, (xmax = 0)"
    );
    let r = c
        .query_one(
            &sql,
            &[&tenant.0, &id, &f.name, &f.email, &clock::now_ms(), &f.end_client],
        )
        .await
        .map_err(pg)?;
    Ok((learner_row(&r)?, col(&r, 6)?))
}

async fn register(
    tx: &Transaction<'_>,
    tenant: TenantId,
    learner: &str,
    package: &str,
    version: u32,
) -> StoreResult<Registration> {
    let l = get(tx, tenant, learner, "FOR SHARE").await?;
    let found = tx
        .query_opt(
            "SELECT 1 FROM packages p JOIN package_versions v ON v.package = p.id \
             WHERE p.tenant = $1 AND p.id = $2 AND v.version = $3 FOR SHARE OF p",
            &[&tenant.0, &package, &i64::from(version)],
        )
        .await
        .map_err(pg)?;
    let r = learner::register(learner, l.as_ref(), package, version, found.is_some(), clock::now_ms())?;
    tx.execute(
        "INSERT INTO registrations (id, tenant, learner, package, version, created, preview) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &r.id,
            &tenant.0,
            &r.learner,
            &r.package_id,
            &i64::from(r.version),
            &r.created_ms,
            &r.preview,
        ],
    )
    .await
    .map_err(pg)?;
    Ok(r)
}

#[async_trait]
impl LearnerStore for PgStore {
    async fn create_learner(&self, tenant: TenantId, id: &str, fields: LearnerFields) -> StoreResult<Learner> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let quotas = super::plans::lock_quotas(&tx, tenant).await?;
        lock_end_client(&tx, tenant, fields.end_client.as_deref()).await?;
        let row = tx
            .query_opt(
                &format!(
                    "INSERT INTO learners (tenant, id, name, email, created, updated, end_client) \
                     VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT (tenant, id) DO NOTHING RETURNING {LEARNER_COLS}"
                ),
                &[
                    &tenant.0,
                    &id,
                    &fields.name,
                    &fields.email,
                    &clock::now_ms(),
                    &fields.end_client,
                ],
            )
            .await
            .map_err(pg)?;
        let Some(r) = row else {
            return Err(LrsError::Conflict(format!("learner {id:?} exists already")).into());
        };
        super::plans::check_learners(&tx, tenant, quotas).await?;
        tx.commit().await.map_err(pg)?;
        learner_row(&r)
    }

    async fn put_learner(&self, tenant: TenantId, id: &str, fields: LearnerFields) -> StoreResult<(Learner, bool)> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let quotas = super::plans::lock_quotas(&tx, tenant).await?;
        lock_end_client(&tx, tenant, fields.end_client.as_deref()).await?;
        let (learner, created) = upsert(&tx, tenant, id, &fields).await?;
        if created && !learner::is_preview_learner(id) {
            super::plans::check_learners(&tx, tenant, quotas).await?;
        }
        tx.commit().await.map_err(pg)?;
        Ok((learner, created))
    }

    async fn learner(&self, tenant: TenantId, id: &str) -> StoreResult<Option<Learner>> {
        let c = self.client().await?;
        get(&c, tenant, id, "").await
    }

    async fn list_learners(&self, tenant: TenantId, end_client: Option<&str>) -> StoreResult<Vec<Learner>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {LEARNER_COLS} FROM learners WHERE tenant = $1 AND ($2::text IS NULL OR end_client = $2) ORDER BY id"
        );
        let rows = c.query(&sql, &[&tenant.0, &end_client]).await.map_err(pg)?;
        rows.iter().map(learner_row).collect()
    }

    async fn delete_learner(&self, tenant: TenantId, id: &str, force: bool) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        if get(&tx, tenant, id, "FOR UPDATE").await?.is_none() {
            return Err(LrsError::NotFound(format!("no learner {id:?}")).into());
        }
        release_registrations(&tx, tenant, RegistrationsOf::Learner(id), force).await?;
        for sql in crate::store::tables::delete_learner_portal(Backend::Postgres) {
            tx.execute(&sql, &[&tenant.0, &id]).await.map_err(pg)?;
        }
        tx.execute("DELETE FROM learners WHERE tenant = $1 AND id = $2", &[&tenant.0, &id])
            .await
            .map_err(pg)?;
        tx.commit().await.map_err(pg)
    }

    async fn create_registration(
        &self,
        tenant: TenantId,
        learner: &str,
        package_id: &str,
        version: u32,
    ) -> StoreResult<Registration> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let r = register(&tx, tenant, learner, package_id, version).await?;
        tx.commit().await.map_err(pg)?;
        Ok(r)
    }

    async fn registration(&self, tenant: TenantId, id: &str) -> StoreResult<Option<Registration>> {
        let c = self.client().await?;
        let st = c
            .prepare_cached(&format!(
                "SELECT {REG_COLS} FROM registrations r WHERE r.tenant = $1 AND r.id = $2"
            ))
            .await
            .map_err(pg)?;
        let row = c.query_opt(&st, &[&tenant.0, &id]).await.map_err(pg)?;
        row.as_ref().map(registration_row).transpose()
    }

    async fn list_registrations(
        &self,
        tenant: TenantId,
        learner: Option<&str>,
        package_id: Option<&str>,
        end_client: Option<&str>,
    ) -> StoreResult<Vec<Registration>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {REG_COLS} FROM registrations r WHERE r.tenant = $1 AND ($2::text IS NULL OR r.learner = $2) \
             AND ($3::text IS NULL OR r.package = $3) AND ($4::text IS NULL OR r.learner IN \
             (SELECT id FROM learners WHERE tenant = $1 AND end_client = $4)) ORDER BY r.pk"
        );
        let rows = c
            .query(&sql, &[&tenant.0, &learner, &package_id, &end_client])
            .await
            .map_err(pg)?;
        rows.iter().map(registration_row).collect()
    }
}
