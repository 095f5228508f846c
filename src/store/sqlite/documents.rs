//! State, Activity Profile and Agent Profile documents in SQLite.

use rusqlite::{Connection, OptionalExtension, params};

use super::pool::backend;
use crate::clock;
use crate::lrs::document::{DocKey, DocScope, DocWrite, Document, apply_write, check_delete};
use crate::store::StoreResult;
use crate::tenant::TenantId;

const WHERE_SCOPE: &str = "tenant = ?1 AND kind = ?2 AND activity = ?3 AND agent = ?4 AND registration = ?5";

pub fn get(conn: &Connection, tenant: TenantId, key: &DocKey) -> StoreResult<Option<Document>> {
    let s = &key.scope;
    let sql = format!("SELECT content_type, content, etag, updated FROM documents WHERE {WHERE_SCOPE} AND doc_id = ?6");
    conn.prepare_cached(&sql)
        .map_err(backend)?
        .query_row(
            params![tenant.0, s.kind.code(), s.activity, s.agent, s.registration, key.id],
            |r| {
                Ok(Document {
                    content_type: r.get(0)?,
                    content: r.get(1)?,
                    etag: r.get(2)?,
                    updated_ms: r.get(3)?,
                })
            },
        )
        .optional()
        .map_err(backend)
}

pub fn ids(conn: &Connection, tenant: TenantId, s: &DocScope, since: Option<i64>) -> StoreResult<Vec<String>> {
    let sql = format!("SELECT doc_id FROM documents WHERE {WHERE_SCOPE} AND updated > ?6 ORDER BY doc_id");
    let mut st = conn.prepare_cached(&sql).map_err(backend)?;
    let rows = st
        .query_map(
            params![
                tenant.0,
                s.kind.code(),
                s.activity,
                s.agent,
                s.registration,
                since.unwrap_or(i64::MIN)
            ],
            |r| r.get(0),
        )
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

pub fn write(conn: &Connection, tenant: TenantId, key: &DocKey, w: &DocWrite) -> StoreResult<Document> {
    let old = get(conn, tenant, key)?;
    let doc = apply_write(old.as_ref(), w, clock::now_ms())?;
    let s = &key.scope;
    conn.prepare_cached(
        "INSERT INTO documents (tenant, kind, activity, agent, registration, doc_id, content_type, content, etag, updated) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
         ON CONFLICT (tenant, kind, activity, agent, registration, doc_id) DO UPDATE SET \
         content_type = excluded.content_type, content = excluded.content, etag = excluded.etag, updated = excluded.updated",
    )
    .map_err(backend)?
    .execute(params![tenant.0, s.kind.code(), s.activity, s.agent, s.registration, key.id, doc.content_type, doc.content, doc.etag, doc.updated_ms])
    .map_err(backend)?;
    Ok(doc)
}

pub fn delete(
    conn: &Connection,
    tenant: TenantId,
    key: &DocKey,
    if_match: Option<String>,
    if_none_match: Option<String>,
) -> StoreResult<()> {
    let old = get(conn, tenant, key)?;
    check_delete(old.as_ref(), if_match, if_none_match)?;
    let s = &key.scope;
    let sql = format!("DELETE FROM documents WHERE {WHERE_SCOPE} AND doc_id = ?6");
    conn.execute(
        &sql,
        params![tenant.0, s.kind.code(), s.activity, s.agent, s.registration, key.id],
    )
    .map_err(backend)?;
    Ok(())
}

pub fn delete_all(conn: &Connection, tenant: TenantId, s: &DocScope) -> StoreResult<()> {
    let sql = format!("DELETE FROM documents WHERE {WHERE_SCOPE}");
    conn.execute(
        &sql,
        params![tenant.0, s.kind.code(), s.activity, s.agent, s.registration],
    )
    .map_err(backend)?;
    Ok(())
}
