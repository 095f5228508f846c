//! Tenants and credentials in PostgreSQL.

use async_trait::async_trait;
use tokio_postgres::Row;

use super::{PgStore, col, pg};
use crate::clock;
use crate::lrs::{LrsError, XapiVersion};
use crate::store::{CredentialStore, StoreResult, TenantStore};
use crate::tenant::{
    Credential, NewCredential, NewTenant, ScopeSet, Tenant, TenantId, TenantName, TenantSettings, TenantStatus, Usage,
};

/// A tenant with its plan's quotas: select `TENANT_COLS` `FROM TENANT_FROM`.
const TENANT_COLS: &str = "t.id, t.name, t.status, t.xapi_version, t.created, t.settings, t.plan, t.status_reason, \
     p.storage_bytes, p.learners, p.statements_per_month, p.requests_per_minute, t.reseller";
const TENANT_FROM: &str = "tenants t LEFT JOIN plans p ON p.name = t.plan";

fn tenant_row(r: &Row) -> StoreResult<Tenant> {
    tenant_row_at(r, 0)
}

const CRED_COLS: &str = "key, tenant, secret_digest, scopes, label, created";

fn credential_row(r: &Row) -> StoreResult<Credential> {
    let digest: Vec<u8> = col(r, 2)?;
    let scopes: String = col(r, 3)?;
    Ok(Credential {
        key: col(r, 0)?,
        tenant: TenantId(col(r, 1)?),
        secret_digest: digest.try_into().unwrap_or([0; 32]),
        scopes: ScopeSet::from_text(&scopes).unwrap_or_default(),
        label: col(r, 4)?,
        created_ms: col(r, 5)?,
    })
}

impl PgStore {
    async fn tenant_where(
        &self,
        cond: &str,
        arg: &(dyn tokio_postgres::types::ToSql + Sync),
    ) -> StoreResult<Option<Tenant>> {
        let c = self.client().await?;
        let st = c
            .prepare_cached(&format!("SELECT {TENANT_COLS} FROM {TENANT_FROM} WHERE t.{cond} = $1"))
            .await
            .map_err(pg)?;
        c.query_opt(&st, &[arg])
            .await
            .map_err(pg)?
            .as_ref()
            .map(tenant_row)
            .transpose()
    }
}

#[async_trait]
impl TenantStore for PgStore {
    async fn create_tenant(&self, new: NewTenant) -> StoreResult<Tenant> {
        let now = clock::now_ms();
        let c = self.client().await?;
        // Resellers are never deleted, so checking first is enough.
        if let Some(r) = &new.reseller
            && crate::store::AccountStore::reseller(self, r).await?.is_none()
        {
            return Err(LrsError::NotFound(format!("no reseller named {r:?}")).into());
        }
        let row = c
            .query_opt(
                "INSERT INTO tenants (name, status, xapi_version, created, reseller) VALUES ($1, 'active', $2, $3, $4) \
                 ON CONFLICT (name) DO NOTHING RETURNING id",
                &[&new.name.as_str(), &new.xapi_version.as_str(), &now, &new.reseller],
            )
            .await
            .map_err(pg)?;
        let Some(row) = row else {
            return Err(LrsError::Conflict(format!("a tenant named {} exists already", new.name)).into());
        };
        Ok(new.created(TenantId(col(&row, 0)?), now))
    }

    async fn list_tenants(&self) -> StoreResult<Vec<Tenant>> {
        let c = self.client().await?;
        let rows = c
            .query(&format!("SELECT {TENANT_COLS} FROM {TENANT_FROM} ORDER BY t.id"), &[])
            .await
            .map_err(pg)?;
        rows.iter().map(tenant_row).collect()
    }

    async fn tenant_by_name(&self, name: &str) -> StoreResult<Option<Tenant>> {
        self.tenant_where("name", &name).await
    }

    async fn tenant_by_id(&self, id: TenantId) -> StoreResult<Option<Tenant>> {
        self.tenant_where("id", &id.0).await
    }

    async fn update_tenant_settings(&self, id: TenantId, settings: TenantSettings) -> StoreResult<Option<Tenant>> {
        let json = serde_json::to_string(&settings).map_err(super::backend)?;
        let c = self.client().await?;
        c.execute("UPDATE tenants SET settings = $2 WHERE id = $1", &[&id.0, &json])
            .await
            .map_err(pg)?;
        self.tenant_by_id(id).await
    }

    async fn set_tenant_plan(&self, id: TenantId, plan: Option<&str>) -> StoreResult<Option<Tenant>> {
        let c = self.client().await?;
        if let Some(name) = plan {
            let known = c
                .query_opt("SELECT 1 FROM plans WHERE name = $1", &[&name])
                .await
                .map_err(pg)?;
            if known.is_none() {
                return Err(LrsError::NotFound(format!("no plan named {name:?}")).into());
            }
        }
        c.execute("UPDATE tenants SET plan = $2 WHERE id = $1", &[&id.0, &plan])
            .await
            .map_err(pg)?;
        self.tenant_by_id(id).await
    }

    async fn set_tenant_status(
        &self,
        id: TenantId,
        status: TenantStatus,
        reason: Option<String>,
    ) -> StoreResult<Option<Tenant>> {
        let c = self.client().await?;
        c.execute(
            "UPDATE tenants SET status = $2, status_reason = $3 WHERE id = $1",
            &[&id.0, &status.as_str(), &reason],
        )
        .await
        .map_err(pg)?;
        self.tenant_by_id(id).await
    }

    async fn tenant_usage(&self, id: TenantId, month_start_ms: i64) -> StoreResult<Usage> {
        super::plans::usage(&self.client().await?, id, month_start_ms).await
    }
}

#[async_trait]
impl CredentialStore for PgStore {
    async fn create_credential(&self, tenant: TenantId, new: NewCredential) -> StoreResult<Credential> {
        let now = clock::now_ms();
        let c = self.client().await?;
        c.execute(
            "INSERT INTO credentials (key, tenant, secret_digest, scopes, label, created) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&new.key, &tenant.0, &new.secret_digest.as_slice(), &new.scopes.to_text(), &new.label, &now],
        )
        .await
        .map_err(pg)?;
        Ok(Credential {
            key: new.key,
            tenant,
            scopes: new.scopes,
            label: new.label,
            created_ms: now,
            secret_digest: new.secret_digest,
        })
    }

    async fn list_credentials(&self, tenant: TenantId) -> StoreResult<Vec<Credential>> {
        let c = self.client().await?;
        let sql =
            format!("SELECT {CRED_COLS} FROM credentials WHERE tenant = $1 AND revoked IS NULL ORDER BY created, key");
        let rows = c.query(&sql, &[&tenant.0]).await.map_err(pg)?;
        rows.iter().map(credential_row).collect()
    }

    async fn revoke_credential(&self, tenant: TenantId, key: &str) -> StoreResult<bool> {
        let c = self.client().await?;
        let n = c
            .execute(
                "UPDATE credentials SET revoked = $3 WHERE tenant = $1 AND key = $2 AND revoked IS NULL",
                &[&tenant.0, &key, &clock::now_ms()],
            )
            .await
            .map_err(pg)?;
        Ok(n > 0)
    }

    async fn credential_by_key(&self, key: &str) -> StoreResult<Option<(Tenant, Credential)>> {
        // Checked on every request: one round trip, one cached statement.
        let c = self.client().await?;
        let sql = format!(
            "SELECT c.key, c.tenant, c.secret_digest, c.scopes, c.label, c.created, {TENANT_COLS} \
             FROM credentials c JOIN {TENANT_FROM} ON t.id = c.tenant WHERE c.key = $1 AND c.revoked IS NULL"
        );
        let st = c.prepare_cached(&sql).await.map_err(pg)?;
        let Some(row) = c.query_opt(&st, &[&key]).await.map_err(pg)? else {
            return Ok(None);
        };
        let cred = credential_row(&row)?;
        let tenant = tenant_row_at(&row, 6)?;
        Ok(Some((tenant, cred)))
    }
}

/// A tenant from the columns starting at `at` (the order of `TENANT_COLS`).
fn tenant_row_at(r: &Row, at: usize) -> StoreResult<Tenant> {
    let name: String = col(r, at + 1)?;
    let status: String = col(r, at + 2)?;
    let version: String = col(r, at + 3)?;
    let settings: String = col(r, at + 5)?;
    Ok(Tenant {
        id: TenantId(col(r, at)?),
        name: TenantName::parse(&name).unwrap_or_else(|_| TenantName::parse("invalid").expect("literal name")),
        status: TenantStatus::parse(&status).unwrap_or(TenantStatus::Suspended),
        xapi_version: XapiVersion::parse_setting(&version).unwrap_or(XapiVersion::V200),
        created_ms: col(r, at + 4)?,
        settings: serde_json::from_str(&settings).unwrap_or_default(),
        plan: col(r, at + 6)?,
        status_reason: col(r, at + 7)?,
        quotas: super::plans::quotas_at(r, at + 8)?,
        reseller: col(r, at + 12)?,
    })
}
