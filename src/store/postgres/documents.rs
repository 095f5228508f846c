//! State, Activity Profile and Agent Profile documents in PostgreSQL.
//!
//! A write reads the current document, checks If-Match / If-None-Match and writes, in one
//! transaction holding an advisory lock on the document's key: two servers writing one
//! document (even one that does not exist yet, which has no row to lock) take turns.

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};

use super::{PgStore, col, lock_key, pg};
use crate::clock;
use crate::lrs::document::{DocKey, DocScope, DocWrite, Document, apply_write, check_delete};
use crate::store::{DocumentStore, StoreResult};
use crate::tenant::TenantId;

const WHERE_SCOPE: &str = "tenant = $1 AND kind = $2 AND activity = $3 AND agent = $4 AND registration = $5";

async fn get(c: &impl GenericClient, tenant: TenantId, key: &DocKey) -> StoreResult<Option<Document>> {
    let s = &key.scope;
    let sql = format!("SELECT content_type, content, etag, updated FROM documents WHERE {WHERE_SCOPE} AND doc_id = $6");
    let st = c.prepare_cached(&sql).await.map_err(pg)?;
    let row = c
        .query_opt(
            &st,
            &[
                &tenant.0,
                &s.kind.code(),
                &s.activity,
                &s.agent,
                &s.registration,
                &key.id,
            ],
        )
        .await
        .map_err(pg)?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(Document {
        content_type: col(&r, 0)?,
        content: col(&r, 1)?,
        etag: col(&r, 2)?,
        updated_ms: col(&r, 3)?,
    }))
}

/// Takes the document's advisory lock for the rest of the transaction.
async fn lock(c: &impl GenericClient, tenant: TenantId, key: &DocKey) -> StoreResult<()> {
    let s = &key.scope;
    let k = lock_key(&[
        &tenant.0.to_le_bytes(),
        s.kind.code().as_bytes(),
        s.activity.as_bytes(),
        s.agent.as_bytes(),
        s.registration.as_bytes(),
        key.id.as_bytes(),
    ]);
    c.execute("SELECT pg_advisory_xact_lock($1)", &[&k]).await.map_err(pg)?;
    Ok(())
}

#[async_trait]
impl DocumentStore for PgStore {
    async fn document(&self, tenant: TenantId, key: &DocKey) -> StoreResult<Option<Document>> {
        let c = self.client().await?;
        get(&c, tenant, key).await
    }

    async fn document_ids(
        &self,
        tenant: TenantId,
        scope: &DocScope,
        since_ms: Option<i64>,
    ) -> StoreResult<Vec<String>> {
        let c = self.client().await?;
        let sql = format!("SELECT doc_id FROM documents WHERE {WHERE_SCOPE} AND updated > $6 ORDER BY doc_id");
        let st = c.prepare_cached(&sql).await.map_err(pg)?;
        let s = scope;
        let since = since_ms.unwrap_or(i64::MIN);
        let rows = c
            .query(
                &st,
                &[
                    &tenant.0,
                    &s.kind.code(),
                    &s.activity,
                    &s.agent,
                    &s.registration,
                    &since,
                ],
            )
            .await
            .map_err(pg)?;
        rows.iter().map(|r| col(r, 0)).collect()
    }

    async fn write_document(&self, tenant: TenantId, key: DocKey, write: DocWrite) -> StoreResult<Document> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let doc = write_in(&tx, tenant, &key, &write).await?;
        tx.commit().await.map_err(pg)?;
        Ok(doc)
    }

    async fn delete_document(
        &self,
        tenant: TenantId,
        key: DocKey,
        if_match: Option<String>,
        if_none_match: Option<String>,
    ) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        lock(&tx, tenant, &key).await?;
        let old = get(&tx, tenant, &key).await?;
        check_delete(old.as_ref(), if_match, if_none_match)?;
        let s = &key.scope;
        let sql = format!("DELETE FROM documents WHERE {WHERE_SCOPE} AND doc_id = $6");
        tx.execute(
            &sql,
            &[
                &tenant.0,
                &s.kind.code(),
                &s.activity,
                &s.agent,
                &s.registration,
                &key.id,
            ],
        )
        .await
        .map_err(pg)?;
        tx.commit().await.map_err(pg)
    }

    async fn delete_documents(&self, tenant: TenantId, scope: DocScope) -> StoreResult<()> {
        let c = self.client().await?;
        let s = &scope;
        let sql = format!("DELETE FROM documents WHERE {WHERE_SCOPE}");
        c.execute(
            &sql,
            &[&tenant.0, &s.kind.code(), &s.activity, &s.agent, &s.registration],
        )
        .await
        .map_err(pg)?;
        Ok(())
    }
}

/// Writes a document inside the caller's transaction (locking its key first).
pub(super) async fn write_in(
    tx: &Transaction<'_>,
    tenant: TenantId,
    key: &DocKey,
    write: &DocWrite,
) -> StoreResult<Document> {
    lock(tx, tenant, key).await?;
    let old = get(tx, tenant, key).await?;
    let doc = apply_write(old.as_ref(), write, clock::now_ms())?;
    let s = &key.scope;
    let st = tx
            .prepare_cached(
                "INSERT INTO documents (tenant, kind, activity, agent, registration, doc_id, content_type, content, etag, updated) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 ON CONFLICT (tenant, kind, activity, agent, registration, doc_id) DO UPDATE SET \
                 content_type = excluded.content_type, content = excluded.content, etag = excluded.etag, \
                 updated = excluded.updated",
            )
            .await
            .map_err(pg)?;
    tx.execute(
        &st,
        &[
            &tenant.0,
            &s.kind.code(),
            &s.activity,
            &s.agent,
            &s.registration,
            &key.id,
            &doc.content_type,
            &doc.content,
            &doc.etag,
            &doc.updated_ms,
        ],
    )
    .await
    .map_err(pg)?;
    Ok(doc)
}
