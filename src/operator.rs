//! What the operator does to tenants and plans, over the store traits: shared by the
//! `kiroku tenant` / `kiroku plan` commands and the operator API, so both behave alike.
//! No HTTP here; refusals are `StoreError`s (404 for unknown names, 400 for bad input).

use serde::Serialize;

use crate::clock;
use crate::lrs::{LrsError, XapiVersion};
use crate::store::{Store, StoreResult};
use crate::tenant::plan::month_start_ms;
use crate::tenant::{NewTenant, Plan, PlanName, Quotas, Tenant, TenantName, TenantStatus, Usage};

/// A tenant with what it uses now (`tenant show`, the operator API).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantView {
    #[serde(flatten)]
    pub tenant: Tenant,
    pub usage: Usage,
}

pub async fn create_plan(store: &dyn Store, name: &str, quotas: Quotas) -> StoreResult<Plan> {
    let name = PlanName::parse(name).map_err(LrsError::bad)?;
    if quotas.requests_per_minute == Some(0) {
        return Err(LrsError::bad("requestsPerMinute must be at least 1 (leave it out for unlimited)").into());
    }
    store.create_plan(name.as_str(), quotas).await
}

pub async fn create_tenant(
    store: &dyn Store,
    name: &str,
    xapi_version: &str,
    plan: Option<&str>,
    reseller: Option<&str>,
) -> StoreResult<Tenant> {
    let name = TenantName::parse(name).map_err(LrsError::bad)?;
    let xapi_version = XapiVersion::parse_setting(xapi_version).map_err(LrsError::bad)?;
    if let Some(p) = plan {
        find_plan(store, p).await?;
    }
    let reseller = reseller.map(str::to_owned);
    let t = store
        .create_tenant(NewTenant {
            name,
            xapi_version,
            reseller,
        })
        .await?;
    match plan {
        Some(p) => store
            .set_tenant_plan(t.id, Some(p))
            .await?
            .ok_or_else(|| gone(t.name.as_str())),
        None => Ok(t),
    }
}

async fn find_plan(store: &dyn Store, name: &str) -> StoreResult<Plan> {
    let plans = store.list_plans().await?;
    plans
        .into_iter()
        .find(|p| p.name.as_str() == name)
        .ok_or_else(|| LrsError::NotFound(format!("no plan named {name:?}")).into())
}

fn gone(name: &str) -> crate::store::StoreError {
    LrsError::NotFound(format!("no tenant named {name:?}")).into()
}

pub async fn find_tenant(store: &dyn Store, name: &str) -> StoreResult<Tenant> {
    store.tenant_by_name(name).await?.ok_or_else(|| gone(name))
}

pub async fn show_tenant(store: &dyn Store, name: &str) -> StoreResult<TenantView> {
    let tenant = find_tenant(store, name).await?;
    let usage = store.tenant_usage(tenant.id, month_start_ms(clock::now_ms())).await?;
    Ok(TenantView { tenant, usage })
}

pub async fn set_plan(store: &dyn Store, name: &str, plan: &str) -> StoreResult<Tenant> {
    let t = find_tenant(store, name).await?;
    store.set_tenant_plan(t.id, Some(plan)).await?.ok_or_else(|| gone(name))
}

/// Suspends a tenant: every request of it is refused until it is resumed; nothing of
/// its data changes.
pub async fn suspend(store: &dyn Store, name: &str, reason: Option<String>) -> StoreResult<Tenant> {
    let t = find_tenant(store, name).await?;
    if t.status == TenantStatus::Terminated {
        return Err(LrsError::Conflict(format!("tenant {name} is terminated")).into());
    }
    let reason = reason.filter(|r| !r.trim().is_empty());
    store
        .set_tenant_status(t.id, TenantStatus::Suspended, reason)
        .await?
        .ok_or_else(|| gone(name))
}

pub async fn resume(store: &dyn Store, name: &str) -> StoreResult<Tenant> {
    let t = find_tenant(store, name).await?;
    if t.status == TenantStatus::Terminated {
        return Err(LrsError::Conflict(format!("tenant {name} is terminated")).into());
    }
    store
        .set_tenant_status(t.id, TenantStatus::Active, None)
        .await?
        .ok_or_else(|| gone(name))
}
