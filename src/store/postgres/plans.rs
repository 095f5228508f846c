//! Plans, a tenant's usage, and the quota checks of writes. A write that a quota guards
//! locks the tenant's row first, so two servers creating learners or importing for one
//! tenant check and write one after the other.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::{PgStore, big, col, pg, unsigned};
use crate::clock;
use crate::lrs::LrsError;
use crate::store::{PlanStore, StoreResult};
use crate::tenant::plan::check_quota;
use crate::tenant::{Plan, PlanName, QuotaKind, Quotas, TenantId, Usage};

const PLAN_COLS: &str = "name, storage_bytes, learners, statements_per_month, requests_per_minute, created";

/// The four quota columns starting at `at`.
pub(super) fn quotas_at(r: &Row, at: usize) -> StoreResult<Quotas> {
    let n = |i: usize| col::<Option<i64>>(r, at + i);
    Ok(Quotas::from_columns([n(0)?, n(1)?, n(2)?, n(3)?]))
}

fn plan_row(r: &Row) -> StoreResult<Plan> {
    let name: String = col(r, 0)?;
    Ok(Plan {
        name: PlanName::parse(&name).unwrap_or_else(|_| PlanName::parse("invalid").expect("literal name")),
        quotas: quotas_at(r, 1)?,
        created_ms: col(r, 5)?,
    })
}

/// Locks the tenant's row until the transaction ends and returns its plan's quotas.
pub(super) async fn lock_quotas(c: &impl GenericClient, tenant: TenantId) -> StoreResult<Quotas> {
    let r = c
        .query_opt(
            "SELECT p.storage_bytes, p.learners, p.statements_per_month, p.requests_per_minute \
             FROM tenants t LEFT JOIN plans p ON p.name = t.plan WHERE t.id = $1 FOR UPDATE OF t",
            &[&tenant.0],
        )
        .await
        .map_err(pg)?;
    r.as_ref()
        .map(|r| quotas_at(r, 0))
        .transpose()
        .map(Option::unwrap_or_default)
}

async fn learner_count(c: &impl GenericClient, tenant: TenantId) -> StoreResult<u64> {
    let r = c
        .query_one(
            &format!(
                "SELECT count(*) FROM learners WHERE tenant = $1 AND {}",
                crate::store::tables::real_learner("id")
            ),
            &[&tenant.0],
        )
        .await
        .map_err(pg)?;
    Ok(unsigned(col(&r, 0)?))
}

/// After a learner was inserted (in the transaction holding `lock_quotas`).
pub(super) async fn check_learners(c: &impl GenericClient, tenant: TenantId, q: Quotas) -> StoreResult<()> {
    if q.learners.is_none() {
        return Ok(());
    }
    Ok(check_quota(
        QuotaKind::Learners,
        q.learners,
        learner_count(c, tenant).await?,
    )?)
}

/// After a package version was inserted (in the transaction holding `lock_quotas`).
pub(super) async fn check_storage(c: &impl GenericClient, tenant: TenantId, q: Quotas) -> StoreResult<()> {
    if q.storage_bytes.is_none() {
        return Ok(());
    }
    let used = super::packages::storage_bytes(c, tenant).await?;
    Ok(check_quota(QuotaKind::Storage, q.storage_bytes, used)?)
}

pub(super) async fn usage(c: &impl GenericClient, tenant: TenantId, month_start_ms: i64) -> StoreResult<Usage> {
    let r = c
        .query_one(
            "SELECT count(*) FROM statements WHERE tenant = $1 AND stored >= $2",
            &[&tenant.0, &month_start_ms],
        )
        .await
        .map_err(pg)?;
    Ok(Usage {
        storage_bytes: super::packages::storage_bytes(c, tenant).await?,
        learners: learner_count(c, tenant).await?,
        statements_this_month: unsigned(col(&r, 0)?),
    })
}

#[async_trait]
impl PlanStore for PgStore {
    async fn create_plan(&self, name: &str, q: Quotas) -> StoreResult<Plan> {
        let c = self.client().await?;
        let rate = q.requests_per_minute.map(i64::from);
        let row = c
            .query_opt(
                &format!(
                    "INSERT INTO plans ({PLAN_COLS}) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (name) DO NOTHING RETURNING {PLAN_COLS}"
                ),
                &[
                    &name,
                    &q.storage_bytes.map(big),
                    &q.learners.map(big),
                    &q.statements_per_month.map(big),
                    &rate,
                    &clock::now_ms(),
                ],
            )
            .await
            .map_err(pg)?;
        match row {
            Some(r) => plan_row(&r),
            None => Err(LrsError::Conflict(format!("a plan named {name} exists already")).into()),
        }
    }

    async fn list_plans(&self) -> StoreResult<Vec<Plan>> {
        let c = self.client().await?;
        let rows = c
            .query(&format!("SELECT {PLAN_COLS} FROM plans ORDER BY name"), &[])
            .await
            .map_err(pg)?;
        rows.iter().map(plan_row).collect()
    }
}
