//! SCORM attempts in SQLite.

use rusqlite::{Connection, OptionalExtension, params};

use super::pool::backend;
use crate::store::{AttemptRecord, StoreResult};
use crate::tenant::TenantId;

pub fn latest(
    conn: &Connection,
    tenant: TenantId,
    registration: &str,
    item: &str,
) -> StoreResult<Option<AttemptRecord>> {
    conn.prepare_cached(
        "SELECT registration, item, number, state, data, commit_seq, updated FROM attempts \
         WHERE tenant = ?1 AND registration = ?2 AND item = ?3 ORDER BY number DESC LIMIT 1",
    )
    .map_err(backend)?
    .query_row(params![tenant.0, registration, item], |r| {
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
    .optional()
    .map_err(backend)
}

pub fn save(conn: &Connection, tenant: TenantId, a: &AttemptRecord) -> StoreResult<bool> {
    let n = conn
        .prepare_cached(
            "INSERT INTO attempts (tenant, registration, item, number, state, data, commit_seq, updated) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
             ON CONFLICT (tenant, registration, item, number) DO UPDATE SET \
             state = excluded.state, data = excluded.data, commit_seq = excluded.commit_seq, updated = excluded.updated \
             WHERE excluded.commit_seq > attempts.commit_seq",
        )
        .map_err(backend)?
        .execute(params![tenant.0, a.registration, a.item, a.number, a.state, a.data, a.commit_seq, a.updated_ms])
        .map_err(backend)?;
    Ok(n > 0)
}

pub fn registration_state(conn: &Connection, tenant: TenantId, registration: &str) -> StoreResult<Option<String>> {
    conn.prepare_cached("SELECT data FROM registration_state WHERE tenant = ?1 AND registration = ?2")
        .map_err(backend)?
        .query_row(params![tenant.0, registration], |r| r.get(0))
        .optional()
        .map_err(backend)
}

pub fn save_registration_state(conn: &Connection, tenant: TenantId, registration: &str, data: &str) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO registration_state (tenant, registration, data, updated) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (tenant, registration) DO UPDATE SET data = excluded.data, updated = excluded.updated",
    )
    .map_err(backend)?
    .execute(params![tenant.0, registration, data, crate::clock::now_ms()])
    .map_err(backend)?;
    Ok(())
}
