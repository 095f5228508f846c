//! Per-table row counts of a tenant, tenant erasure, learner erasure and statement
//! retention in SQLite.

use rusqlite::{Connection, params};

use super::pool::backend;
use crate::lrs::LrsError;
use crate::store::archive::{Erased, LearnerErasure, TableCounts};
use crate::store::{StoreResult, term_key};
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
    ("audit_log", "tenant = ?1"),
    ("launch_sessions", "tenant = ?1"),
    ("api_tokens", "tenant = ?1"),
    ("account_sessions", "tenant = ?1"),
    ("accounts", "tenant = ?1"),
    ("end_clients", "tenant = ?1"),
    ("rate_windows", "tenant = ?1"),
];

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
