//! Whole-tenant reads in SQLite and `ArchiveStore` for `SqliteStore` (see
//! `store::archive`); restores are in `restore.rs`, erasure in `erase.rs`.

use rusqlite::{Connection, params};

use super::erase::{delete_statements_before, erase_learner, erase_tenant, swap_in_restored, tenant_rows};
use super::pool::backend;
use super::restore::{
    restore_assignments, restore_attachments, restore_attempts, restore_audit, restore_documents, restore_end_clients,
    restore_learners, restore_registrations, restore_statements, restore_states, restore_version_times,
};
use crate::store::archive::{ArchivedDocument, ArchivedStatement, RegistrationStateRow, hex};
use crate::store::{Attachment, AttemptRecord, PackageFile, StoreResult};
use crate::tenant::TenantId;

pub fn statements_after(
    conn: &Connection,
    tenant: TenantId,
    after: i64,
    limit: u32,
) -> StoreResult<Vec<(i64, ArchivedStatement)>> {
    let mut st = conn
        .prepare_cached(
            "SELECT seq, id, stored, credential, voided, voiding, defines, digest, body FROM statements \
             WHERE tenant = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )
        .map_err(backend)?;
    let rows = st
        .query_map(params![tenant.0, after, limit], |r| {
            Ok((
                r.get(0)?,
                ArchivedStatement {
                    id: r.get(1)?,
                    stored_ms: r.get(2)?,
                    credential: r.get(3)?,
                    voided: r.get(4)?,
                    voiding: r.get(5)?,
                    defines: r.get(6)?,
                    digest: hex(&r.get::<_, Vec<u8>>(7)?),
                    body: r.get(8)?,
                },
            ))
        })
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

pub fn attachments_after(conn: &Connection, tenant: TenantId, after: &str, limit: u32) -> StoreResult<Vec<Attachment>> {
    let mut st = conn
        .prepare_cached(
            "SELECT sha2, content_type, content FROM attachments WHERE tenant = ?1 AND sha2 > ?2 ORDER BY sha2 LIMIT ?3",
        )
        .map_err(backend)?;
    let rows = st
        .query_map(params![tenant.0, after, limit], |r| {
            Ok(Attachment {
                sha2: r.get(0)?,
                content_type: r.get(1)?,
                content: r.get(2)?,
            })
        })
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

pub fn documents(conn: &Connection, tenant: TenantId) -> StoreResult<Vec<ArchivedDocument>> {
    let mut st = conn
        .prepare_cached(
            "SELECT kind, activity, agent, registration, doc_id, content_type, content, etag, updated FROM documents \
             WHERE tenant = ?1 ORDER BY kind, activity, agent, registration, doc_id",
        )
        .map_err(backend)?;
    let rows = st
        .query_map([tenant.0], |r| {
            Ok(ArchivedDocument {
                kind: r.get(0)?,
                activity: r.get(1)?,
                agent: r.get(2)?,
                registration: r.get(3)?,
                doc_id: r.get(4)?,
                content_type: r.get(5)?,
                content: r.get(6)?,
                etag: r.get(7)?,
                updated_ms: r.get(8)?,
            })
        })
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

pub fn attempts(conn: &Connection, tenant: TenantId) -> StoreResult<Vec<AttemptRecord>> {
    let mut st = conn
        .prepare_cached(
            "SELECT registration, item, number, state, data, commit_seq, updated FROM attempts \
             WHERE tenant = ?1 ORDER BY registration, item, number",
        )
        .map_err(backend)?;
    let rows = st
        .query_map([tenant.0], |r| {
            Ok(AttemptRecord {
                registration: r.get(0)?,
                item: r.get(1)?,
                number: r.get(2)?,
                state: super::attempts::state_of(&r.get::<_, String>(3)?)?,
                data: r.get(4)?,
                commit_seq: r.get(5)?,
                updated_ms: r.get(6)?,
            })
        })
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

pub fn registration_states(conn: &Connection, tenant: TenantId) -> StoreResult<Vec<RegistrationStateRow>> {
    let mut st = conn
        .prepare_cached(
            "SELECT registration, data, updated FROM registration_state WHERE tenant = ?1 ORDER BY registration",
        )
        .map_err(backend)?;
    let rows = st
        .query_map([tenant.0], |r| {
            Ok(RegistrationStateRow {
                registration: r.get(0)?,
                data: r.get(1)?,
                updated_ms: r.get(2)?,
            })
        })
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

pub fn version_files(
    conn: &Connection,
    tenant: TenantId,
    package: &str,
    version: u32,
) -> StoreResult<Vec<PackageFile>> {
    let mut st = conn
        .prepare_cached(
            "SELECT f.path, f.sha256, f.size FROM package_files f JOIN package_versions v ON v.pk = f.version_pk \
             WHERE v.tenant = ?1 AND v.package = ?2 AND v.version = ?3 ORDER BY f.path",
        )
        .map_err(backend)?;
    let rows = st
        .query_map(params![tenant.0, package, version], |r| {
            Ok(PackageFile {
                path: r.get(0)?,
                sha256: r.get(1)?,
                size: r.get(2)?,
            })
        })
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

mod store_impl {
    use async_trait::async_trait;

    use super::super::SqliteStore;
    use crate::store::archive::{
        ArchiveStore, ArchivedDocument, ArchivedStatement, Erased, LearnerErasure, RegistrationStateRow, Restore,
        RestoreSwap, TableCounts,
    };
    use crate::store::{Attachment, AttemptRecord, PackageFile, StoreResult};
    use crate::tenant::TenantId;

    #[async_trait]
    impl ArchiveStore for SqliteStore {
        async fn statements_after(
            &self,
            tenant: TenantId,
            after: i64,
            limit: u32,
        ) -> StoreResult<Vec<(i64, ArchivedStatement)>> {
            self.readers
                .run(move |c| super::statements_after(c, tenant, after, limit))
                .await
        }

        async fn attachments_after(&self, tenant: TenantId, after: &str, limit: u32) -> StoreResult<Vec<Attachment>> {
            let after = after.to_owned();
            self.readers
                .run(move |c| super::attachments_after(c, tenant, &after, limit))
                .await
        }

        async fn all_documents(&self, tenant: TenantId) -> StoreResult<Vec<ArchivedDocument>> {
            self.readers.run(move |c| super::documents(c, tenant)).await
        }

        async fn all_attempts(&self, tenant: TenantId) -> StoreResult<Vec<AttemptRecord>> {
            self.readers.run(move |c| super::attempts(c, tenant)).await
        }

        async fn all_registration_states(&self, tenant: TenantId) -> StoreResult<Vec<RegistrationStateRow>> {
            self.readers.run(move |c| super::registration_states(c, tenant)).await
        }

        async fn version_files(
            &self,
            tenant: TenantId,
            package_id: &str,
            version: u32,
        ) -> StoreResult<Vec<PackageFile>> {
            let package = package_id.to_owned();
            self.readers
                .run(move |c| super::version_files(c, tenant, &package, version))
                .await
        }

        async fn restore(&self, tenant: TenantId, rows: Restore) -> StoreResult<()> {
            self.writer
                .run(move |c| match &rows {
                    Restore::Statements(r) => super::restore_statements(c, tenant, r),
                    Restore::Attachments(r) => super::restore_attachments(c, tenant, r),
                    Restore::Documents(r) => super::restore_documents(c, tenant, r),
                    Restore::EndClients(r) => super::restore_end_clients(c, tenant, r),
                    Restore::Learners(r) => super::restore_learners(c, tenant, r),
                    Restore::Registrations(r) => super::restore_registrations(c, tenant, r),
                    Restore::Attempts(r) => super::restore_attempts(c, tenant, r),
                    Restore::RegistrationStates(r) => super::restore_states(c, tenant, r),
                    Restore::Assignments(r) => super::restore_assignments(c, tenant, r),
                    Restore::Audit(r) => super::restore_audit(c, tenant, r),
                    Restore::VersionTimes(r) => super::restore_version_times(c, tenant, r),
                })
                .await
        }

        async fn tenant_rows(&self, tenant: TenantId) -> StoreResult<TableCounts> {
            self.readers.run(move |c| super::tenant_rows(c, tenant)).await
        }

        async fn erase_tenant(&self, tenant: TenantId, tombstone: bool) -> StoreResult<Erased> {
            self.writer
                .run(move |c| super::erase_tenant(c, tenant, tombstone))
                .await
        }

        async fn swap_in_restored(&self, swap: RestoreSwap) -> StoreResult<Erased> {
            self.writer.run(move |c| super::swap_in_restored(c, &swap)).await
        }

        async fn erase_learner(&self, tenant: TenantId, erasure: LearnerErasure) -> StoreResult<TableCounts> {
            self.writer
                .run(move |c| super::erase_learner(c, tenant, &erasure))
                .await
        }

        async fn delete_statements_before(&self, tenant: TenantId, cutoff_ms: i64) -> StoreResult<u64> {
            self.writer
                .run(move |c| super::delete_statements_before(c, tenant, cutoff_ms))
                .await
        }
    }
}
