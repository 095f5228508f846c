//! Whole-tenant reads, restores and erasure in PostgreSQL (see `store::archive`). Each
//! restore and each erasure is one transaction.

use async_trait::async_trait;
use deadpool_postgres::Transaction;
use tokio_postgres::types::ToSql;

use super::{PgStore, big, col, pg, unsigned};
use crate::lrs::LrsError;
use crate::store::archive::{
    ArchiveStore, ArchivedDocument, ArchivedStatement, Erased, LearnerErasure, RegistrationStateRow, Restore,
    RestoredStatement, TableCounts, hex, unhex,
};
use crate::store::{Attachment, AttemptRecord, PackageFile, StoreResult, term_key};
use crate::tenant::{TenantId, TenantStatus};

/// Every table holding tenant rows, with the condition selecting one tenant's (`$1`).
const TABLES: &[(&str, &str)] = &[
    ("terms", "seq IN (SELECT seq FROM statements WHERE tenant = $1)"),
    ("statements", "tenant = $1"),
    ("statement_clock", "tenant = $1"),
    ("attachments", "tenant = $1"),
    ("documents", "tenant = $1"),
    ("credentials", "tenant = $1"),
    ("attempts", "tenant = $1"),
    ("registration_state", "tenant = $1"),
    ("registrations", "tenant = $1"),
    ("learners", "tenant = $1"),
    (
        "package_files",
        "version_pk IN (SELECT pk FROM package_versions WHERE tenant = $1)",
    ),
    ("package_versions", "tenant = $1"),
    ("packages", "tenant = $1"),
];

async fn restore_statements(tx: &Transaction<'_>, tenant: TenantId, batch: &[RestoredStatement]) -> StoreResult<()> {
    let st = tx
        .prepare_cached(
            "INSERT INTO statements (tenant, id, stored, voided, voiding, credential, digest, body, defines, keys) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
               (SELECT array(SELECT DISTINCT k FROM unnest($10::bigint[] || coalesce( \
                 (SELECT keys FROM statements WHERE tenant = $1 AND id = $11), '{}')) AS k ORDER BY k))) \
             RETURNING seq, keys",
        )
        .await
        .map_err(pg)?;
    let mut last = 0;
    for s in batch {
        let r = &s.row;
        let digest = unhex(&r.digest).ok_or_else(|| LrsError::bad(format!("statement {}: bad digest", r.id)))?;
        let own: Vec<i64> = s.terms.iter().map(|t| term_key(tenant, t)).collect();
        let row = tx
            .query_one(
                &st,
                &[
                    &tenant.0,
                    &r.id,
                    &r.stored_ms,
                    &r.voided,
                    &r.voiding,
                    &r.credential,
                    &digest,
                    &r.body,
                    &r.defines,
                    &own,
                    &s.refers_to,
                ],
            )
            .await
            .map_err(pg)?;
        let seq: i64 = col(&row, 0)?;
        let keys: Vec<i64> = col(&row, 1)?;
        tx.execute(
            "INSERT INTO terms (key, seq) SELECT k, $2 FROM unnest($1::bigint[]) AS k ON CONFLICT DO NOTHING",
            &[&keys, &seq],
        )
        .await
        .map_err(pg)?;
        last = last.max(r.stored_ms);
    }
    // New statements after the import are stored no earlier than the last restored one.
    tx.execute(
        "INSERT INTO statement_clock (tenant, stored) VALUES ($1, $2) ON CONFLICT (tenant) \
         DO UPDATE SET stored = greatest(statement_clock.stored, excluded.stored)",
        &[&tenant.0, &last],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

/// Runs one INSERT per row.
async fn insert_each<'a, R: 'a>(
    tx: &Transaction<'_>,
    sql: &str,
    rows: &'a [R],
    params: impl Fn(&'a R) -> Vec<Box<dyn ToSql + Sync + Send + 'a>>,
) -> StoreResult<()> {
    let st = tx.prepare_cached(sql).await.map_err(pg)?;
    for r in rows {
        let p = params(r);
        let refs: Vec<&(dyn ToSql + Sync)> = p.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)).collect();
        tx.execute(&st, &refs).await.map_err(pg)?;
    }
    Ok(())
}

async fn restore(tx: &Transaction<'_>, t: TenantId, rows: &Restore) -> StoreResult<()> {
    match rows {
        Restore::Statements(r) => restore_statements(tx, t, r).await,
        Restore::Attachments(r) => {
            insert_each(
                tx,
                "INSERT INTO attachments (tenant, sha2, content_type, content) VALUES ($1, $2, $3, $4)",
                r,
                |a| {
                    vec![
                        Box::new(t.0),
                        Box::new(&a.sha2),
                        Box::new(&a.content_type),
                        Box::new(&a.content),
                    ]
                },
            )
            .await
        }
        Restore::Documents(r) => {
            insert_each(
                tx,
                "INSERT INTO documents (tenant, kind, activity, agent, registration, doc_id, content_type, content, \
                 etag, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                r,
                |d| {
                    vec![
                        Box::new(t.0),
                        Box::new(&d.kind),
                        Box::new(&d.activity),
                        Box::new(&d.agent),
                        Box::new(&d.registration),
                        Box::new(&d.doc_id),
                        Box::new(&d.content_type),
                        Box::new(&d.content),
                        Box::new(&d.etag),
                        Box::new(d.updated_ms),
                    ]
                },
            )
            .await
        }
        Restore::Learners(r) => {
            insert_each(
                tx,
                "INSERT INTO learners (tenant, id, name, email, created, updated) VALUES ($1, $2, $3, $4, $5, $6)",
                r,
                |l| {
                    vec![
                        Box::new(t.0),
                        Box::new(&l.id),
                        Box::new(&l.name),
                        Box::new(&l.email),
                        Box::new(l.created_ms),
                        Box::new(l.updated_ms),
                    ]
                },
            )
            .await
        }
        Restore::Registrations(r) => {
            insert_each(
                tx,
                "INSERT INTO registrations (id, tenant, learner, package, version, created) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                r,
                |g| {
                    vec![
                        Box::new(&g.id),
                        Box::new(t.0),
                        Box::new(&g.learner),
                        Box::new(&g.package_id),
                        Box::new(i64::from(g.version)),
                        Box::new(g.created_ms),
                    ]
                },
            )
            .await
        }
        Restore::Attempts(r) => {
            insert_each(
                tx,
                "INSERT INTO attempts (tenant, registration, item, number, state, data, commit_seq, updated) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                r,
                |a| {
                    vec![
                        Box::new(t.0),
                        Box::new(&a.registration),
                        Box::new(&a.item),
                        Box::new(i64::from(a.number)),
                        Box::new(&a.state),
                        Box::new(&a.data),
                        Box::new(big(a.commit_seq)),
                        Box::new(a.updated_ms),
                    ]
                },
            )
            .await
        }
        Restore::RegistrationStates(r) => {
            insert_each(
                tx,
                "INSERT INTO registration_state (tenant, registration, data, updated) VALUES ($1, $2, $3, $4)",
                r,
                |s| {
                    vec![
                        Box::new(t.0),
                        Box::new(&s.registration),
                        Box::new(&s.data),
                        Box::new(s.updated_ms),
                    ]
                },
            )
            .await
        }
    }
}

async fn erase_learner(tx: &Transaction<'_>, tenant: TenantId, e: &LearnerErasure) -> StoreResult<TableCounts> {
    let found = tx
        .query_opt(
            "SELECT 1 FROM learners WHERE tenant = $1 AND id = $2 FOR UPDATE",
            &[&tenant.0, &e.learner],
        )
        .await
        .map_err(pg)?;
    if found.is_none() {
        return Err(LrsError::NotFound(format!("no learner {:?}", e.learner)).into());
    }
    let mut out = TableCounts::new();
    let direct = term_key(tenant, &e.direct);
    let seqs: Vec<i64> = tx
        .query(
            "SELECT s.seq FROM terms t JOIN statements s ON s.seq = t.seq WHERE t.key = $2 AND s.tenant = $1",
            &[&tenant.0, &direct],
        )
        .await
        .map_err(pg)?
        .iter()
        .map(|r| col(r, 0))
        .collect::<StoreResult<_>>()?;
    tx.execute("DELETE FROM terms WHERE seq = ANY($1)", &[&seqs])
        .await
        .map_err(pg)?;
    let n = tx
        .execute(
            "DELETE FROM statements WHERE tenant = $1 AND seq = ANY($2)",
            &[&tenant.0, &seqs],
        )
        .await
        .map_err(pg)?;
    out.insert("statements".into(), n);
    let related = term_key(tenant, &e.related);
    let rows = tx
        .query(
            "SELECT s.seq, s.body FROM terms t JOIN statements s ON s.seq = t.seq WHERE t.key = $2 AND s.tenant = $1",
            &[&tenant.0, &related],
        )
        .await
        .map_err(pg)?;
    let mut anonymised = 0;
    for r in &rows {
        let seq: i64 = col(r, 0)?;
        let body: String = col(r, 1)?;
        if let Some(new) = (e.anonymise)(&body) {
            tx.execute("UPDATE statements SET body = $2 WHERE seq = $1", &[&seq, &new])
                .await
                .map_err(pg)?;
            anonymised += 1;
        }
    }
    tx.execute(
        "DELETE FROM terms WHERE key = $2 AND seq IN (SELECT seq FROM statements WHERE tenant = $1)",
        &[&tenant.0, &related],
    )
    .await
    .map_err(pg)?;
    tx.execute(
        "UPDATE statements SET keys = array_remove(keys, $2) WHERE tenant = $1 AND $2 = ANY(keys)",
        &[&tenant.0, &related],
    )
    .await
    .map_err(pg)?;
    out.insert("statements_anonymised".into(), anonymised);
    let regs = "registration IN (SELECT id FROM registrations WHERE tenant = $1 AND learner = $2)";
    for (table, cond) in [
        ("documents", "agent = $2 AND kind IN ('state', 'agent_profile')"),
        ("attempts", regs),
        ("registration_state", regs),
        ("registrations", "learner = $2"),
        ("learners", "id = $2"),
    ] {
        let arg = if table == "documents" { &e.agent_key } else { &e.learner };
        let n = tx
            .execute(
                &format!("DELETE FROM {table} WHERE tenant = $1 AND {cond}"),
                &[&tenant.0, arg],
            )
            .await
            .map_err(pg)?;
        out.insert(table.to_owned(), n);
    }
    Ok(out)
}

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
                    state: col(r, 3)?,
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

    async fn set_tenant_status(&self, tenant: TenantId, status: TenantStatus) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "UPDATE tenants SET status = $2 WHERE id = $1",
            &[&tenant.0, &status.as_str()],
        )
        .await
        .map_err(pg)?;
        Ok(())
    }

    async fn tenant_rows(&self, tenant: TenantId) -> StoreResult<TableCounts> {
        let c = self.client().await?;
        let mut out = TableCounts::new();
        for (table, cond) in TABLES {
            let r = c
                .query_one(&format!("SELECT count(*) FROM {table} WHERE {cond}"), &[&tenant.0])
                .await
                .map_err(pg)?;
            out.insert((*table).to_owned(), unsigned(col(&r, 0)?));
        }
        Ok(out)
    }

    async fn erase_tenant(&self, tenant: TenantId, tombstone: bool) -> StoreResult<Erased> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        // Packages of other tenants are locked out of changing the blob set meanwhile.
        tx.execute("LOCK TABLE package_files IN SHARE ROW EXCLUSIVE MODE", &[])
            .await
            .map_err(pg)?;
        let orphan_blobs = tx
            .query(
                "SELECT DISTINCT f.sha256 FROM package_files f JOIN package_versions v ON v.pk = f.version_pk \
                 WHERE v.tenant = $1 AND NOT EXISTS (SELECT 1 FROM package_files g \
                 JOIN package_versions w ON w.pk = g.version_pk WHERE g.sha256 = f.sha256 AND w.tenant <> $1) \
                 ORDER BY f.sha256",
                &[&tenant.0],
            )
            .await
            .map_err(pg)?
            .iter()
            .map(|r| col(r, 0))
            .collect::<StoreResult<Vec<String>>>()?;
        let mut rows = TableCounts::new();
        for (table, cond) in TABLES {
            let n = tx
                .execute(&format!("DELETE FROM {table} WHERE {cond}"), &[&tenant.0])
                .await
                .map_err(pg)?;
            rows.insert((*table).to_owned(), n);
        }
        let sql = if tombstone {
            "UPDATE tenants SET status = 'terminated', settings = '{}' WHERE id = $1"
        } else {
            "DELETE FROM tenants WHERE id = $1"
        };
        tx.execute(sql, &[&tenant.0]).await.map_err(pg)?;
        tx.commit().await.map_err(pg)?;
        Ok(Erased { rows, orphan_blobs })
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
