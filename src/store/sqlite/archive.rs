//! Whole-tenant reads, restores and erasure in SQLite (see `store::archive`).

use rusqlite::{Connection, params};

use super::pool::backend;
use crate::learner::{Learner, Registration};
use crate::lrs::LrsError;
use crate::store::archive::{
    ArchivedDocument, ArchivedStatement, Erased, LearnerErasure, RegistrationStateRow, RestoredStatement, TableCounts,
    hex, unhex,
};
use crate::store::{Attachment, AttemptRecord, PackageFile, StoreResult, term_key};
use crate::tenant::TenantId;

/// Every table holding tenant rows, with the condition selecting one tenant's (`?1`).
const TABLES: &[(&str, &str)] = &[
    ("terms", "seq IN (SELECT seq FROM statements WHERE tenant = ?1)"),
    ("statements", "tenant = ?1"),
    ("attachments", "tenant = ?1"),
    ("documents", "tenant = ?1"),
    ("credentials", "tenant = ?1"),
    ("attempts", "tenant = ?1"),
    ("registration_state", "tenant = ?1"),
    ("registrations", "tenant = ?1"),
    ("learners", "tenant = ?1"),
    (
        "package_files",
        "version_pk IN (SELECT pk FROM package_versions WHERE tenant = ?1)",
    ),
    ("package_versions", "tenant = ?1"),
    ("packages", "tenant = ?1"),
];

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
                state: r.get(3)?,
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

pub fn restore_statements(conn: &Connection, tenant: TenantId, batch: &[RestoredStatement]) -> StoreResult<()> {
    for s in batch {
        let r = &s.row;
        let digest = unhex(&r.digest).ok_or_else(|| LrsError::bad(format!("statement {}: bad digest", r.id)))?;
        conn.prepare_cached(
            "INSERT INTO statements (tenant, id, stored, voided, voiding, credential, digest, body, defines) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .map_err(backend)?
        .execute(params![
            tenant.0,
            r.id,
            r.stored_ms,
            r.voided,
            r.voiding,
            r.credential,
            digest,
            r.body,
            r.defines
        ])
        .map_err(backend)?;
        let seq = conn.last_insert_rowid();
        let mut ins = conn
            .prepare_cached("INSERT OR IGNORE INTO terms (key, seq) VALUES (?1, ?2)")
            .map_err(backend)?;
        for term in &s.terms {
            ins.execute(params![term_key(tenant, term), seq]).map_err(backend)?;
        }
        if let Some(target) = &s.refers_to {
            conn.prepare_cached(
                "INSERT OR IGNORE INTO terms (key, seq) SELECT t.key, ?3 FROM terms t \
                 JOIN statements s ON s.seq = t.seq WHERE s.tenant = ?1 AND s.id = ?2",
            )
            .map_err(backend)?
            .execute(params![tenant.0, target, seq])
            .map_err(backend)?;
        }
    }
    Ok(())
}

pub fn restore_attachments(conn: &Connection, tenant: TenantId, rows: &[Attachment]) -> StoreResult<()> {
    let mut st = conn
        .prepare_cached("INSERT INTO attachments (tenant, sha2, content_type, content) VALUES (?1, ?2, ?3, ?4)")
        .map_err(backend)?;
    for a in rows {
        st.execute(params![tenant.0, a.sha2, a.content_type, a.content])
            .map_err(backend)?;
    }
    Ok(())
}

pub fn restore_documents(conn: &Connection, tenant: TenantId, rows: &[ArchivedDocument]) -> StoreResult<()> {
    let mut st = conn
        .prepare_cached(
            "INSERT INTO documents (tenant, kind, activity, agent, registration, doc_id, content_type, content, etag, updated) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .map_err(backend)?;
    for d in rows {
        st.execute(params![
            tenant.0,
            d.kind,
            d.activity,
            d.agent,
            d.registration,
            d.doc_id,
            d.content_type,
            d.content,
            d.etag,
            d.updated_ms
        ])
        .map_err(backend)?;
    }
    Ok(())
}

pub fn restore_learners(conn: &Connection, tenant: TenantId, rows: &[Learner]) -> StoreResult<()> {
    let mut st = conn
        .prepare_cached(
            "INSERT INTO learners (tenant, id, name, email, created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(backend)?;
    for l in rows {
        st.execute(params![tenant.0, l.id, l.name, l.email, l.created_ms, l.updated_ms])
            .map_err(backend)?;
    }
    Ok(())
}

pub fn restore_registrations(conn: &Connection, tenant: TenantId, rows: &[Registration]) -> StoreResult<()> {
    let mut st = conn
        .prepare_cached(
            "INSERT INTO registrations (id, tenant, learner, package, version, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(backend)?;
    for r in rows {
        st.execute(params![
            r.id,
            tenant.0,
            r.learner,
            r.package_id,
            r.version,
            r.created_ms
        ])
        .map_err(backend)?;
    }
    Ok(())
}

pub fn restore_attempts(conn: &Connection, tenant: TenantId, rows: &[AttemptRecord]) -> StoreResult<()> {
    let mut st = conn
        .prepare_cached(
            "INSERT INTO attempts (tenant, registration, item, number, state, data, commit_seq, updated) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .map_err(backend)?;
    for a in rows {
        st.execute(params![
            tenant.0,
            a.registration,
            a.item,
            a.number,
            a.state,
            a.data,
            a.commit_seq,
            a.updated_ms
        ])
        .map_err(backend)?;
    }
    Ok(())
}

pub fn restore_states(conn: &Connection, tenant: TenantId, rows: &[RegistrationStateRow]) -> StoreResult<()> {
    let mut st = conn
        .prepare_cached("INSERT INTO registration_state (tenant, registration, data, updated) VALUES (?1, ?2, ?3, ?4)")
        .map_err(backend)?;
    for s in rows {
        st.execute(params![tenant.0, s.registration, s.data, s.updated_ms])
            .map_err(backend)?;
    }
    Ok(())
}

pub fn tenant_rows(conn: &Connection, tenant: TenantId) -> StoreResult<TableCounts> {
    let mut out = TableCounts::new();
    for (table, cond) in TABLES {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table} WHERE {cond}"), [tenant.0], |r| {
                r.get(0)
            })
            .map_err(backend)?;
        out.insert((*table).to_owned(), u64::try_from(n).unwrap_or(0));
    }
    Ok(out)
}

pub fn erase_tenant(conn: &Connection, tenant: TenantId, tombstone: bool) -> StoreResult<Erased> {
    let mut st = conn
        .prepare(
            "SELECT DISTINCT f.sha256 FROM package_files f JOIN package_versions v ON v.pk = f.version_pk \
             WHERE v.tenant = ?1 AND NOT EXISTS (SELECT 1 FROM package_files g \
             JOIN package_versions w ON w.pk = g.version_pk WHERE g.sha256 = f.sha256 AND w.tenant <> ?1) \
             ORDER BY f.sha256",
        )
        .map_err(backend)?;
    let orphan_blobs = st
        .query_map([tenant.0], |r| r.get(0))
        .map_err(backend)?
        .collect::<Result<Vec<String>, _>>()
        .map_err(backend)?;
    let mut rows = TableCounts::new();
    for (table, cond) in TABLES {
        let n = conn
            .execute(&format!("DELETE FROM {table} WHERE {cond}"), [tenant.0])
            .map_err(backend)?;
        rows.insert((*table).to_owned(), n as u64);
    }
    let tenant_sql = if tombstone {
        "UPDATE tenants SET status = 'terminated', settings = '{}' WHERE id = ?1"
    } else {
        "DELETE FROM tenants WHERE id = ?1"
    };
    conn.execute(tenant_sql, [tenant.0]).map_err(backend)?;
    Ok(Erased { rows, orphan_blobs })
}

pub fn delete_statements_before(conn: &Connection, tenant: TenantId, cutoff_ms: i64) -> StoreResult<u64> {
    conn.execute(
        "DELETE FROM terms WHERE seq IN (SELECT seq FROM statements WHERE tenant = ?1 AND stored < ?2)",
        params![tenant.0, cutoff_ms],
    )
    .map_err(backend)?;
    let n = conn
        .execute(
            "DELETE FROM statements WHERE tenant = ?1 AND stored < ?2",
            params![tenant.0, cutoff_ms],
        )
        .map_err(backend)?;
    Ok(n as u64)
}

/// Statements of the tenant indexed under a term key, with their bodies.
fn indexed(conn: &Connection, tenant: TenantId, key: i64) -> StoreResult<Vec<(i64, String)>> {
    let mut st = conn
        .prepare_cached(
            "SELECT s.seq, s.body FROM terms t JOIN statements s ON s.seq = t.seq WHERE t.key = ?2 AND s.tenant = ?1",
        )
        .map_err(backend)?;
    let rows = st
        .query_map(params![tenant.0, key], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

pub fn erase_learner(conn: &Connection, tenant: TenantId, e: &LearnerErasure) -> StoreResult<TableCounts> {
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM learners WHERE tenant = ?1 AND id = ?2",
            params![tenant.0, e.learner],
            |r| r.get(0),
        )
        .map_err(backend)?;
    if n == 0 {
        return Err(LrsError::NotFound(format!("no learner {:?}", e.learner)).into());
    }
    let mut out = TableCounts::new();
    let direct = indexed(conn, tenant, term_key(tenant, &e.direct))?;
    for (seq, _) in &direct {
        conn.execute("DELETE FROM terms WHERE seq = ?1", [seq])
            .map_err(backend)?;
        conn.execute("DELETE FROM statements WHERE seq = ?1", [seq])
            .map_err(backend)?;
    }
    out.insert("statements".into(), direct.len() as u64);
    let related_key = term_key(tenant, &e.related);
    let mut anonymised = 0;
    for (seq, body) in indexed(conn, tenant, related_key)? {
        if let Some(new) = (e.anonymise)(&body) {
            conn.execute("UPDATE statements SET body = ?2 WHERE seq = ?1", params![seq, new])
                .map_err(backend)?;
            anonymised += 1;
        }
        conn.execute(
            "DELETE FROM terms WHERE seq = ?1 AND key = ?2",
            params![seq, related_key],
        )
        .map_err(backend)?;
    }
    out.insert("statements_anonymised".into(), anonymised);
    let regs = "registration IN (SELECT id FROM registrations WHERE tenant = ?1 AND learner = ?2)";
    for (table, cond) in [
        ("documents", "agent = ?2 AND kind IN ('state', 'agent_profile')"),
        ("attempts", regs),
        ("registration_state", regs),
        ("registrations", "learner = ?2"),
        ("learners", "id = ?2"),
    ] {
        let arg = if table == "documents" { &e.agent_key } else { &e.learner };
        let n = conn
            .execute(
                &format!("DELETE FROM {table} WHERE tenant = ?1 AND {cond}"),
                params![tenant.0, arg],
            )
            .map_err(backend)?;
        out.insert(table.to_owned(), n as u64);
    }
    Ok(out)
}

mod store_impl {
    use async_trait::async_trait;

    use super::super::SqliteStore;
    use super::super::pool::backend;
    use crate::store::archive::{
        ArchiveStore, ArchivedDocument, ArchivedStatement, Erased, LearnerErasure, RegistrationStateRow, Restore,
        TableCounts,
    };
    use crate::store::{Attachment, AttemptRecord, PackageFile, StoreResult};
    use crate::tenant::{TenantId, TenantStatus};

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
                    Restore::Learners(r) => super::restore_learners(c, tenant, r),
                    Restore::Registrations(r) => super::restore_registrations(c, tenant, r),
                    Restore::Attempts(r) => super::restore_attempts(c, tenant, r),
                    Restore::RegistrationStates(r) => super::restore_states(c, tenant, r),
                })
                .await
        }

        async fn set_tenant_status(&self, tenant: TenantId, status: TenantStatus) -> StoreResult<()> {
            self.writer
                .run(move |c| {
                    c.execute(
                        "UPDATE tenants SET status = ?2 WHERE id = ?1",
                        rusqlite::params![tenant.0, status.as_str()],
                    )
                    .map_err(backend)?;
                    Ok(())
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
