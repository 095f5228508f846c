//! Whole-tenant reads, tenant erasure and retention in PostgreSQL, and `ArchiveStore`
//! for `PgStore` (see `store::archive`); restores are in `restore.rs`, the table list and
//! learner erasure in `erase.rs`.

use async_trait::async_trait;

use super::erase::{erase_learner, erase_tenant, swap_in_restored};
use super::restore::restore;
use super::{PgStore, col, pg, unsigned};
use crate::store::archive::{
    ArchiveStore, ArchivedDocument, ArchivedStatement, Erased, LearnerErasure, RegistrationStateRow, Restore,
    RestoreSwap, TableCounts, hex,
};
use crate::store::tables::{self, Backend};
use crate::store::{Attachment, AttemptRecord, PackageFile, StoreResult};
use crate::tenant::TenantId;

#[async_trait]
impl ArchiveStore for PgStore {
    async fn statements_after(
        &self,
        tenant: TenantId,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<(i64, ArchivedStatement)>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT seq, id, stored, credential, voided, voiding, defines, digest, body FROM statements \
                 WHERE tenant = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                &[&tenant.0, &after, &i64::from(limit)],
            )
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|r| {
                Ok((
                    col(r, 0)?,
                    ArchivedStatement {
                        id: col(r, 1)?,
                        stored_ms: col(r, 2)?,
                        credential: col(r, 3)?,
                        voided: col(r, 4)?,
                        voiding: col(r, 5)?,
                        defines: col(r, 6)?,
                        digest: hex(&col::<Vec<u8>>(r, 7)?),
                        body: col(r, 8)?,
                    },
                ))
            })
            .collect()
    }

    async fn attachments_after(&self, tenant: TenantId, after: &str, limit: u32) -> StoreResult<Vec<Attachment>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT sha2, content_type, content FROM attachments WHERE tenant = $1 AND sha2 > $2 \
                 ORDER BY sha2 COLLATE \"C\" LIMIT $3",
                &[&tenant.0, &after, &i64::from(limit)],
            )
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|r| {
                Ok(Attachment {
                    sha2: col(r, 0)?,
                    content_type: col(r, 1)?,
                    content: col(r, 2)?,
                })
            })
            .collect()
    }

    async fn all_documents(&self, tenant: TenantId) -> StoreResult<Vec<ArchivedDocument>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT kind, activity, agent, registration, doc_id, content_type, content, etag, updated \
                 FROM documents WHERE tenant = $1 ORDER BY kind, activity, agent, registration, doc_id",
                &[&tenant.0],
            )
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|r| {
                Ok(ArchivedDocument {
                    kind: col(r, 0)?,
                    activity: col(r, 1)?,
                    agent: col(r, 2)?,
                    registration: col(r, 3)?,
                    doc_id: col(r, 4)?,
                    content_type: col(r, 5)?,
                    content: col(r, 6)?,
                    etag: col(r, 7)?,
                    updated_ms: col(r, 8)?,
                })
            })
            .collect()
    }

    async fn all_attempts(&self, tenant: TenantId) -> StoreResult<Vec<AttemptRecord>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT registration, item, number, state, data, commit_seq, updated FROM attempts \
                 WHERE tenant = $1 ORDER BY registration, item, number",
                &[&tenant.0],
            )
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|r| {
                Ok(AttemptRecord {
                    registration: col(r, 0)?,
                    item: col(r, 1)?,
                    number: u32::try_from(col::<i64>(r, 2)?).unwrap_or(0),
                    state: super::attempts::state_of(&col::<String>(r, 3)?)?,
                    data: col(r, 4)?,
                    commit_seq: unsigned(col(r, 5)?),
                    updated_ms: col(r, 6)?,
                })
            })
            .collect()
    }

    async fn all_registration_states(&self, tenant: TenantId) -> StoreResult<Vec<RegistrationStateRow>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT registration, data, updated FROM registration_state WHERE tenant = $1 ORDER BY registration",
                &[&tenant.0],
            )
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|r| {
                Ok(RegistrationStateRow {
                    registration: col(r, 0)?,
                    data: col(r, 1)?,
                    updated_ms: col(r, 2)?,
                })
            })
            .collect()
    }

    async fn version_files(&self, tenant: TenantId, package_id: &str, version: u32) -> StoreResult<Vec<PackageFile>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT f.path, f.sha256, f.size FROM package_files f JOIN package_versions v ON v.pk = f.version_pk \
                 WHERE v.tenant = $1 AND v.package = $2 AND v.version = $3 ORDER BY f.path COLLATE \"C\"",
                &[&tenant.0, &package_id, &i64::from(version)],
            )
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|r| {
                Ok(PackageFile {
                    path: col(r, 0)?,
                    sha256: col(r, 1)?,
                    size: unsigned(col(r, 2)?),
                })
            })
            .collect()
    }

    async fn restore(&self, tenant: TenantId, rows: Restore) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        restore(&tx, tenant, &rows).await?;
        tx.commit().await.map_err(pg)
    }

    async fn tenant_rows(&self, tenant: TenantId) -> StoreResult<TableCounts> {
        let c = self.client().await?;
        let mut out = TableCounts::new();
        for table in tables::tenant_tables(Backend::Postgres) {
            let r = c
                .query_one(&table.count(Backend::Postgres), &[&tenant.0])
                .await
                .map_err(pg)?;
            out.insert(table.name.to_owned(), unsigned(col(&r, 0)?));
        }
        Ok(out)
    }

    async fn erase_tenant(&self, tenant: TenantId, tombstone: bool) -> StoreResult<Erased> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let erased = erase_tenant(&tx, tenant, tombstone).await?;
        tx.commit().await.map_err(pg)?;
        Ok(erased)
    }

    async fn swap_in_restored(&self, swap: RestoreSwap) -> StoreResult<Erased> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let erased = swap_in_restored(&tx, &swap).await?;
        tx.commit().await.map_err(pg)?;
        Ok(erased)
    }

    async fn erase_learner(&self, tenant: TenantId, erasure: LearnerErasure) -> StoreResult<TableCounts> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let out = erase_learner(&tx, tenant, &erasure).await?;
        tx.commit().await.map_err(pg)?;
        Ok(out)
    }

    async fn delete_statements_before(&self, tenant: TenantId, cutoff_ms: i64) -> StoreResult<u64> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        tx.execute(
            "DELETE FROM terms WHERE seq IN (SELECT seq FROM statements WHERE tenant = $1 AND stored < $2)",
            &[&tenant.0, &cutoff_ms],
        )
        .await
        .map_err(pg)?;
        let n = tx
            .execute(
                "DELETE FROM statements WHERE tenant = $1 AND stored < $2",
                &[&tenant.0, &cutoff_ms],
            )
            .await
            .map_err(pg)?;
        tx.commit().await.map_err(pg)?;
        Ok(n)
    }
}
