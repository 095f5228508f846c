//! Plans, a tenant's usage, and the quota checks run inside write transactions (the one
//! writer thread serialises them, so a check and the write it guards are atomic).

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::pool::backend;
use super::tenants::quotas_at;
use crate::lrs::LrsError;
use crate::store::StoreResult;
use crate::tenant::plan::check_quota;
use crate::tenant::{Plan, PlanName, QuotaKind, Quotas, TenantId, Usage};

const PLAN_COLS: &str = "name, storage_bytes, learners, statements_per_month, requests_per_minute, created";

fn plan_row(r: &Row) -> rusqlite::Result<Plan> {
    let name: String = r.get(0)?;
    Ok(Plan {
        name: PlanName::parse(&name).unwrap_or_else(|_| PlanName::parse("invalid").expect("literal name")),
        quotas: quotas_at(r, 1)?,
        created_ms: r.get(5)?,
    })
}

fn as_i64(v: Option<u64>) -> Option<i64> {
    v.map(|v| i64::try_from(v).unwrap_or(i64::MAX))
}

pub fn create(conn: &Connection, name: &str, q: Quotas, now: i64) -> StoreResult<Plan> {
    let n = conn
        .execute(
            "INSERT INTO plans (name, storage_bytes, learners, statements_per_month, requests_per_minute, created) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (name) DO NOTHING",
            params![
                name,
                as_i64(q.storage_bytes),
                as_i64(q.learners),
                as_i64(q.statements_per_month),
                q.requests_per_minute,
                now
            ],
        )
        .map_err(backend)?;
    if n == 0 {
        return Err(LrsError::Conflict(format!("a plan named {name} exists already")).into());
    }
    conn.query_row(
        &format!("SELECT {PLAN_COLS} FROM plans WHERE name = ?1"),
        [name],
        plan_row,
    )
    .map_err(backend)
}

pub fn list(conn: &Connection) -> StoreResult<Vec<Plan>> {
    let mut st = conn
        .prepare_cached(&format!("SELECT {PLAN_COLS} FROM plans ORDER BY name"))
        .map_err(backend)?;
    let rows = st.query_map([], plan_row).map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

pub fn usage(conn: &Connection, tenant: TenantId, month_start_ms: i64) -> StoreResult<Usage> {
    let count = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> StoreResult<u64> {
        conn.query_row(sql, p, |r| r.get::<_, i64>(0))
            .map(|v| v.max(0) as u64)
            .map_err(backend)
    };
    Ok(Usage {
        storage_bytes: super::packages::storage_bytes(conn, tenant)?,
        learners: count(&learner_count_sql(), &[&tenant.0])?,
        statements_this_month: count(
            "SELECT count(*) FROM statements WHERE tenant = ?1 AND stored >= ?2",
            &[&tenant.0, &month_start_ms],
        )?,
    })
}

/// The quotas of the tenant's plan (unlimited without one).
fn quotas(conn: &Connection, tenant: TenantId) -> StoreResult<Quotas> {
    conn.prepare_cached(
        "SELECT p.storage_bytes, p.learners, p.statements_per_month, p.requests_per_minute \
         FROM tenants t JOIN plans p ON p.name = t.plan WHERE t.id = ?1",
    )
    .map_err(backend)?
    .query_row([tenant.0], |r| quotas_at(r, 0))
    .optional()
    .map(Option::unwrap_or_default)
    .map_err(backend)
}

/// The learners the quota counts: test learners (previews) are not.
fn learner_count_sql() -> String {
    format!(
        "SELECT count(*) FROM learners WHERE tenant = ?1 AND {}",
        crate::store::tables::real_learner("id")
    )
}

/// Before a new learner is written: refused when the plan's learner count is reached.
pub fn check_new_learner(conn: &Connection, tenant: TenantId) -> StoreResult<()> {
    let limit = quotas(conn, tenant)?.learners;
    if limit.is_none() {
        return Ok(());
    }
    let have: i64 = conn
        .query_row(&learner_count_sql(), [tenant.0], |r| r.get(0))
        .map_err(backend)?;
    Ok(check_quota(QuotaKind::Learners, limit, have.max(0) as u64 + 1)?)
}

/// After a package version is written: refused (the savepoint rolls back) when the
/// tenant's storage is now over the plan's.
pub fn check_storage(conn: &Connection, tenant: TenantId) -> StoreResult<()> {
    let limit = quotas(conn, tenant)?.storage_bytes;
    if limit.is_none() {
        return Ok(());
    }
    let used = super::packages::storage_bytes(conn, tenant)?;
    Ok(check_quota(QuotaKind::Storage, limit, used)?)
}
