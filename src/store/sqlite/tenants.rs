//! Tenants and credentials in SQLite.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::pool::backend;
use crate::lrs::{LrsError, XapiVersion};
use crate::store::StoreResult;
use crate::tenant::{
    Credential, NewCredential, NewTenant, Quotas, ScopeSet, Tenant, TenantId, TenantName, TenantSettings, TenantStatus,
};

/// A tenant with its plan's quotas: select `TENANT_COLS` `FROM TENANT_FROM`.
const TENANT_COLS: &str = "t.id, t.name, t.status, t.xapi_version, t.created, t.settings, t.plan, t.status_reason, \
     p.storage_bytes, p.learners, p.statements_per_month, p.requests_per_minute, t.reseller";
const TENANT_FROM: &str = "tenants t LEFT JOIN plans p ON p.name = t.plan";

fn tenant_row(r: &Row) -> rusqlite::Result<Tenant> {
    let name: String = r.get(1)?;
    let status: String = r.get(2)?;
    let version: String = r.get(3)?;
    Ok(Tenant {
        id: TenantId(r.get(0)?),
        name: TenantName::parse(&name).unwrap_or_else(|_| TenantName::parse("invalid").expect("literal name")),
        status: TenantStatus::parse(&status).unwrap_or(TenantStatus::Suspended),
        xapi_version: XapiVersion::parse_setting(&version).unwrap_or(XapiVersion::V200),
        created_ms: r.get(4)?,
        settings: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
        plan: r.get(6)?,
        status_reason: r.get(7)?,
        quotas: quotas_at(r, 8)?,
        reseller: r.get(12)?,
    })
}

/// The four quota columns starting at `at`.
pub(super) fn quotas_at(r: &Row, at: usize) -> rusqlite::Result<Quotas> {
    let n = |i: usize| r.get::<_, Option<i64>>(at + i);
    Ok(Quotas::from_columns([n(0)?, n(1)?, n(2)?, n(3)?]))
}

pub fn create(conn: &Connection, new: &NewTenant, now: i64) -> StoreResult<Tenant> {
    let exists: bool = conn
        .query_row("SELECT 1 FROM tenants WHERE name = ?1", [new.name.as_str()], |_| {
            Ok(true)
        })
        .optional()
        .map_err(backend)?
        .unwrap_or(false);
    if exists {
        return Err(LrsError::Conflict(format!("a tenant named {} exists already", new.name)).into());
    }
    if let Some(r) = &new.reseller
        && super::accounts::reseller(conn, r)?.is_none()
    {
        return Err(LrsError::NotFound(format!("no reseller named {r:?}")).into());
    }
    conn.execute(
        "INSERT INTO tenants (name, status, xapi_version, created, reseller) VALUES (?1, 'active', ?2, ?3, ?4)",
        params![new.name.as_str(), new.xapi_version.as_str(), now, new.reseller],
    )
    .map_err(backend)?;
    Ok(new.clone().created(TenantId(conn.last_insert_rowid()), now))
}

pub fn update_settings(conn: &Connection, id: TenantId, settings: TenantSettings) -> StoreResult<Option<Tenant>> {
    let json = serde_json::to_string(&settings).map_err(backend)?;
    conn.execute("UPDATE tenants SET settings = ?2 WHERE id = ?1", params![id.0, json])
        .map_err(backend)?;
    by_id(conn, id)
}

pub fn set_plan(conn: &Connection, id: TenantId, plan: Option<&str>) -> StoreResult<Option<Tenant>> {
    if let Some(name) = plan {
        let known = conn
            .query_row("SELECT 1 FROM plans WHERE name = ?1", [name], |_| Ok(()))
            .optional()
            .map_err(backend)?;
        if known.is_none() {
            return Err(LrsError::NotFound(format!("no plan named {name:?}")).into());
        }
    }
    conn.execute("UPDATE tenants SET plan = ?2 WHERE id = ?1", params![id.0, plan])
        .map_err(backend)?;
    by_id(conn, id)
}

pub fn set_status(
    conn: &Connection,
    id: TenantId,
    status: TenantStatus,
    reason: Option<&str>,
) -> StoreResult<Option<Tenant>> {
    conn.execute(
        "UPDATE tenants SET status = ?2, status_reason = ?3 WHERE id = ?1",
        params![id.0, status.as_str(), reason],
    )
    .map_err(backend)?;
    by_id(conn, id)
}

pub fn list(conn: &Connection) -> StoreResult<Vec<Tenant>> {
    let mut st = conn
        .prepare_cached(&format!("SELECT {TENANT_COLS} FROM {TENANT_FROM} ORDER BY t.id"))
        .map_err(backend)?;
    let rows = st.query_map([], tenant_row).map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

pub fn by_id(conn: &Connection, id: TenantId) -> StoreResult<Option<Tenant>> {
    conn.query_row(
        &format!("SELECT {TENANT_COLS} FROM {TENANT_FROM} WHERE t.id = ?1"),
        [id.0],
        tenant_row,
    )
    .optional()
    .map_err(backend)
}

pub fn by_name(conn: &Connection, name: &str) -> StoreResult<Option<Tenant>> {
    conn.query_row(
        &format!("SELECT {TENANT_COLS} FROM {TENANT_FROM} WHERE t.name = ?1"),
        [name],
        tenant_row,
    )
    .optional()
    .map_err(backend)
}

const CRED_COLS: &str = "key, tenant, secret_digest, scopes, label, created";

fn credential_row(r: &Row) -> rusqlite::Result<Credential> {
    let digest: Vec<u8> = r.get(2)?;
    let scopes: String = r.get(3)?;
    Ok(Credential {
        key: r.get(0)?,
        tenant: TenantId(r.get(1)?),
        secret_digest: digest.try_into().unwrap_or([0; 32]),
        scopes: ScopeSet::from_text(&scopes).unwrap_or_default(),
        label: r.get(4)?,
        created_ms: r.get(5)?,
    })
}

pub fn create_credential(
    conn: &Connection,
    tenant: TenantId,
    new: &NewCredential,
    now: i64,
) -> StoreResult<Credential> {
    conn.execute(
        "INSERT INTO credentials (key, tenant, secret_digest, scopes, label, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            new.key,
            tenant.0,
            new.secret_digest.as_slice(),
            new.scopes.to_text(),
            new.label,
            now
        ],
    )
    .map_err(backend)?;
    Ok(Credential {
        key: new.key.clone(),
        tenant,
        scopes: new.scopes.clone(),
        label: new.label.clone(),
        created_ms: now,
        secret_digest: new.secret_digest,
    })
}

pub fn list_credentials(conn: &Connection, tenant: TenantId) -> StoreResult<Vec<Credential>> {
    let sql =
        format!("SELECT {CRED_COLS} FROM credentials WHERE tenant = ?1 AND revoked IS NULL ORDER BY created, key");
    let mut st = conn.prepare_cached(&sql).map_err(backend)?;
    let rows = st.query_map([tenant.0], credential_row).map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}

pub fn revoke(conn: &Connection, tenant: TenantId, key: &str, now: i64) -> StoreResult<bool> {
    let n = conn
        .execute(
            "UPDATE credentials SET revoked = ?3 WHERE tenant = ?1 AND key = ?2 AND revoked IS NULL",
            params![tenant.0, key, now],
        )
        .map_err(backend)?;
    Ok(n > 0)
}

pub fn credential_by_key(conn: &Connection, key: &str) -> StoreResult<Option<(Tenant, Credential)>> {
    let sql = format!("SELECT {CRED_COLS} FROM credentials WHERE key = ?1 AND revoked IS NULL");
    let mut st = conn.prepare_cached(&sql).map_err(backend)?;
    let Some(cred) = st.query_row([key], credential_row).optional().map_err(backend)? else {
        return Ok(None);
    };
    let tenant = by_id(conn, cred.tenant)?;
    Ok(tenant.map(|t| (t, cred)))
}
