//! Learners and registrations in SQLite.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::pool::backend;
use crate::clock;
use crate::learner::{self, Learner, LearnerFields, Registration};
use crate::lrs::LrsError;
use crate::store::StoreResult;
use crate::store::tables::{Backend, RegistrationsOf};
use crate::tenant::TenantId;

fn learner_row(r: &Row) -> rusqlite::Result<Learner> {
    Ok(Learner {
        id: r.get(0)?,
        name: r.get(1)?,
        email: r.get(2)?,
        created_ms: r.get(3)?,
        updated_ms: r.get(4)?,
        end_client: r.get(5)?,
    })
}

fn registration_row(r: &Row) -> rusqlite::Result<Registration> {
    Ok(Registration {
        id: r.get(0)?,
        learner: r.get(1)?,
        package_id: r.get(2)?,
        version: r.get(3)?,
        created_ms: r.get(4)?,
        end_client: r.get(5)?,
        preview: r.get(6)?,
    })
}

pub fn get(conn: &Connection, tenant: TenantId, id: &str) -> StoreResult<Option<Learner>> {
    conn.prepare_cached(
        "SELECT id, name, email, created, updated, end_client FROM learners WHERE tenant = ?1 AND id = ?2",
    )
    .map_err(backend)?
    .query_row(params![tenant.0, id], learner_row)
    .optional()
    .map_err(backend)
}

pub fn create(conn: &Connection, tenant: TenantId, id: &str, f: &LearnerFields) -> StoreResult<Learner> {
    if get(conn, tenant, id)?.is_some() {
        return Err(LrsError::Conflict(format!("learner {id:?} exists already")).into());
    }
    put(conn, tenant, id, f).map(|(l, _)| l)
}

pub fn put(conn: &Connection, tenant: TenantId, id: &str, f: &LearnerFields) -> StoreResult<(Learner, bool)> {
    let now = clock::now_ms();
    let created = get(conn, tenant, id)?.is_none();
    if created && !learner::is_preview_learner(id) {
        super::plans::check_new_learner(conn, tenant)?;
    }
    if let Some(e) = &f.end_client
        && super::accounts::end_client(conn, tenant, e)?.is_none()
    {
        return Err(LrsError::NotFound(format!("no end client {e:?} in this tenant")).into());
    }
    conn.execute(
        "INSERT INTO learners (tenant, id, name, email, created, updated, end_client) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6) \
         ON CONFLICT (tenant, id) DO UPDATE SET name = excluded.name, email = excluded.email, updated = excluded.updated, \
         end_client = coalesce(excluded.end_client, learners.end_client)",
        params![tenant.0, id, f.name, f.email, now, f.end_client],
    )
    .map_err(backend)?;
    let learner = get(conn, tenant, id)?.ok_or_else(|| backend("learner vanished after write"))?;
    Ok((learner, created))
}

pub fn list(conn: &Connection, tenant: TenantId, end_client: Option<&str>) -> StoreResult<Vec<Learner>> {
    let mut st = conn
        .prepare_cached(
            "SELECT id, name, email, created, updated, end_client FROM learners \
             WHERE tenant = ?1 AND (?2 IS NULL OR end_client = ?2) ORDER BY id",
        )
        .map_err(backend)?;
    let rows = st
        .query_map(params![tenant.0, end_client], learner_row)
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

/// Deletes the registrations of a learner or package with what the run-time kept for
/// them, as `learner::check_release` allows.
pub fn release_registrations(conn: &Connection, tenant: TenantId, of: RegistrationsOf, force: bool) -> StoreResult<()> {
    let n: u64 = conn
        .query_row(&of.count(Backend::Sqlite), params![tenant.0, of.id()], |r| r.get(0))
        .map_err(backend)?;
    learner::check_release(&of.describe(), n, force)?;
    for sql in of.release(Backend::Sqlite) {
        conn.execute(&sql, params![tenant.0, of.id()]).map_err(backend)?;
    }
    Ok(())
}

pub fn delete(conn: &Connection, tenant: TenantId, id: &str, force: bool) -> StoreResult<()> {
    if get(conn, tenant, id)?.is_none() {
        return Err(LrsError::NotFound(format!("no learner {id:?}")).into());
    }
    release_registrations(conn, tenant, RegistrationsOf::Learner(id), force)?;
    for sql in crate::store::tables::delete_learner_portal(Backend::Sqlite) {
        conn.execute(&sql, params![tenant.0, id]).map_err(backend)?;
    }
    conn.execute(
        "DELETE FROM learners WHERE tenant = ?1 AND id = ?2",
        params![tenant.0, id],
    )
    .map_err(backend)?;
    Ok(())
}

pub fn register(
    conn: &Connection,
    tenant: TenantId,
    learner: &str,
    package: &str,
    version: u32,
) -> StoreResult<Registration> {
    let l = get(conn, tenant, learner)?;
    let found: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM package_versions WHERE tenant = ?1 AND package = ?2 AND version = ?3",
            params![tenant.0, package, version],
            |r| r.get(0),
        )
        .optional()
        .map_err(backend)?;
    let r = learner::register(learner, l.as_ref(), package, version, found.is_some(), clock::now_ms())?;
    conn.execute(
        "INSERT INTO registrations (id, tenant, learner, package, version, created, preview) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            r.id,
            tenant.0,
            r.learner,
            r.package_id,
            r.version,
            r.created_ms,
            r.preview
        ],
    )
    .map_err(backend)?;
    Ok(r)
}

/// A registration's columns; its end client is its learner's.
const REG_COLS: &str = "r.id, r.learner, r.package, r.version, r.created, \
     (SELECT l.end_client FROM learners l WHERE l.tenant = r.tenant AND l.id = r.learner), r.preview";

pub fn registration(conn: &Connection, tenant: TenantId, id: &str) -> StoreResult<Option<Registration>> {
    conn.query_row(
        &format!("SELECT {REG_COLS} FROM registrations r WHERE r.tenant = ?1 AND r.id = ?2"),
        params![tenant.0, id],
        registration_row,
    )
    .optional()
    .map_err(backend)
}

pub fn registrations(
    conn: &Connection,
    tenant: TenantId,
    learner: Option<&str>,
    package: Option<&str>,
    end_client: Option<&str>,
) -> StoreResult<Vec<Registration>> {
    // Each filter is written only when given (an absent one as `?N IS NULL`, so the four
    // parameters are always bound): SQLite plans a prepared statement once, and
    // `(?2 IS NULL OR r.learner = ?2)` would keep it from the learner's index, scanning
    // every registration of the tenant for one learner's.
    let learner_cond = if learner.is_some() {
        "r.learner = ?2"
    } else {
        "?2 IS NULL"
    };
    let package_cond = if package.is_some() {
        "r.package = ?3"
    } else {
        "?3 IS NULL"
    };
    let end_client_cond = if end_client.is_some() {
        "r.learner IN (SELECT id FROM learners WHERE tenant = ?1 AND end_client = ?4)"
    } else {
        "?4 IS NULL"
    };
    let sql = format!(
        "SELECT {REG_COLS} FROM registrations r WHERE r.tenant = ?1 AND {learner_cond} \
         AND {package_cond} AND {end_client_cond} ORDER BY r.rowid"
    );
    let mut st = conn.prepare_cached(&sql).map_err(backend)?;
    let rows = st
        .query_map(params![tenant.0, learner, package, end_client], registration_row)
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}
