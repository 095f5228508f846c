//! SCORM attempts in SQLite.

use rusqlite::{Connection, OptionalExtension, params};

use super::pool::backend;
use super::{documents, statements};
use crate::runtime::plan::AttemptState;
use crate::store::{AttemptRecord, RegistrationWrite, RuntimeWrites, StoreError, StoreResult};
use crate::tenant::TenantId;

/// The attempt state stored as `text`; anything else is a damaged row.
pub fn state_of(text: &str) -> rusqlite::Result<AttemptState> {
    AttemptState::parse(text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            3,
            rusqlite::types::Type::Text,
            format!("attempt state {text:?}").into(),
        )
    })
}

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
            state: state_of(&r.get::<_, String>(3)?)?,
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
        .execute(params![
            tenant.0,
            a.registration,
            a.item,
            a.number,
            a.state.as_str(),
            a.data,
            seq(a.commit_seq)?,
            a.updated_ms
        ])
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

/// A sequence number as SQLite's integer; the run-time keeps them far below 2^63.
fn seq(n: u64) -> StoreResult<i64> {
    i64::try_from(n).map_err(|_| backend(format!("commit sequence number {n} is out of range")))
}

/// Applies a run-time step's writes inside the writer's job (one savepoint: an error
/// rolls all of it back).
pub fn apply(conn: &Connection, tenant: TenantId, w: &RuntimeWrites) -> StoreResult<bool> {
    for a in &w.attempts {
        if !save(conn, tenant, a)? {
            // Rolls back whatever this job wrote; `SqliteStore` turns it into `false`.
            return Err(StoreError::Stale);
        }
    }
    if let Some(r) = &w.registration_state
        && !replace_registration_state(conn, tenant, r)?
    {
        return Err(StoreError::Stale);
    }
    statements::insert_batch(conn, tenant, &w.credential, &w.statements, &w.attachments)?;
    for (key, write) in &w.documents {
        documents::write(conn, tenant, key, write)?;
    }
    if let Some(report) = &w.report {
        super::reports::apply(conn, tenant, report)?;
    }
    Ok(true)
}

/// Writes a registration's state over the state it was read as; false if it changed.
fn replace_registration_state(conn: &Connection, tenant: TenantId, w: &RegistrationWrite) -> StoreResult<bool> {
    let now = crate::clock::now_ms();
    let n = match &w.read {
        None => conn
            .prepare_cached(
                "INSERT INTO registration_state (tenant, registration, data, updated) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (tenant, registration) DO NOTHING",
            )
            .map_err(backend)?
            .execute(params![tenant.0, w.registration, w.data, now]),
        Some(read) => conn
            .prepare_cached(
                "UPDATE registration_state SET data = ?3, updated = ?4 \
                 WHERE tenant = ?1 AND registration = ?2 AND data = ?5",
            )
            .map_err(backend)?
            .execute(params![tenant.0, w.registration, w.data, now, read]),
    }
    .map_err(backend)?;
    Ok(n == 1)
}
