//! Per-table row counts of a tenant, tenant erasure, learner erasure and statement
//! retention in SQLite.

use rusqlite::{Connection, OptionalExtension, params};

use super::pool::backend;
use crate::lrs::LrsError;
use crate::store::archive::{Erased, LearnerErasure, RestoreSwap, TableCounts};
use crate::store::tables::{self, Backend, LEARNER_DATA};
use crate::store::{StoreError, StoreResult, term_key};
use crate::tenant::TenantId;

pub fn tenant_rows(conn: &Connection, tenant: TenantId) -> StoreResult<TableCounts> {
    let mut out = TableCounts::new();
    for table in tables::tenant_tables(Backend::Sqlite) {
        let n: u64 = conn
            .query_row(&table.count(Backend::Sqlite), [tenant.0], |r| r.get(0))
            .map_err(backend)?;
        out.insert(table.name.to_owned(), n);
    }
    Ok(out)
}

pub fn erase_tenant(conn: &Connection, tenant: TenantId, tombstone: bool) -> StoreResult<Erased> {
    let mut st = conn
        .prepare(&Backend::Sqlite.sql(tables::FILES_ONLY_THIS_TENANT_USES))
        .map_err(backend)?;
    let orphan_blobs = st
        .query_map([tenant.0], |r| r.get(0))
        .map_err(backend)?
        .collect::<Result<Vec<String>, _>>()
        .map_err(backend)?;
    conn.execute(&Backend::Sqlite.sql(tables::TENANT_NOTICE_DELIVERIES), [tenant.0])
        .map_err(backend)?;
    let mut rows = TableCounts::new();
    for table in tables::tenant_tables(Backend::Sqlite) {
        let n = conn
            .execute(&table.delete(Backend::Sqlite), [tenant.0])
            .map_err(backend)?;
        rows.insert(table.name.to_owned(), n as u64);
    }
    let tenant_sql = if tombstone {
        "UPDATE tenants SET status = 'terminated', settings = '{}' WHERE id = ?1"
    } else {
        "DELETE FROM tenants WHERE id = ?1"
    };
    conn.execute(tenant_sql, [tenant.0]).map_err(backend)?;
    Ok(Erased { rows, orphan_blobs })
}

/// `ArchiveStore::swap_in_restored`, inside the writer's transaction.
pub fn swap_in_restored(conn: &Connection, swap: &RestoreSwap) -> StoreResult<Erased> {
    let (live, staging) = (swap.live.0, swap.staging.0);
    let found: Option<(String, Option<String>, Option<String>, i64)> = conn
        .query_row(
            "SELECT name, plan, reseller, created FROM tenants WHERE id = ?1 AND status <> 'terminated'",
            [live],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()
        .map_err(backend)?;
    let staged: Option<String> = conn
        .query_row("SELECT status FROM tenants WHERE id = ?1", [staging], |r| r.get(0))
        .optional()
        .map_err(backend)?;
    let (Some((name, plan, reseller, created)), Some("suspended")) = (found, staged.as_deref()) else {
        return Err(LrsError::NotFound("no such tenant, or no suspended restored tenant".into()).into());
    };
    let mut now = TableCounts::new();
    for table in tables::restored_tables(Backend::Sqlite) {
        let n: u64 = conn
            .query_row(&table.count(Backend::Sqlite), [live], |r| r.get(0))
            .map_err(backend)?;
        now.insert(table.name.to_owned(), n);
    }
    if now != swap.expect_rows {
        return Err(StoreError::Stale);
    }
    for sql in tables::move_kept_rows(Backend::Sqlite) {
        conn.execute(&sql, [live, staging]).map_err(backend)?;
    }
    let erased = erase_tenant(conn, swap.live, false)?;
    for (new, original) in &swap.package_ids {
        for sql in tables::restore_package_id(Backend::Sqlite) {
            conn.execute(&sql, params![staging, new, original]).map_err(backend)?;
        }
    }
    conn.execute(
        "UPDATE tenants SET name = ?2, plan = ?3, reseller = ?4, created = ?5, status = ?6, status_reason = ?7 \
         WHERE id = ?1",
        params![
            staging,
            name,
            plan,
            reseller,
            created,
            swap.status.as_str(),
            swap.status_reason
        ],
    )
    .map_err(backend)?;
    Ok(erased)
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
    for table in LEARNER_DATA {
        let arg = if table.by_agent { &e.agent_key } else { &e.learner };
        let n = conn
            .execute(&table.delete(Backend::Sqlite), params![tenant.0, arg])
            .map_err(backend)?;
        out.insert(table.name.to_owned(), n as u64);
    }
    Ok(out)
}
