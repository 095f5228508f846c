//! Tenant erasure, the swap that ends an in-place restore, and learner erasure in
//! PostgreSQL (the tables of tenant data are `store::tables`).

use deadpool_postgres::Transaction;

use super::{col, pg};
use crate::lrs::LrsError;
use crate::store::archive::{Erased, LearnerErasure, RestoreSwap, TableCounts};
use crate::store::tables::{self, Backend, LEARNER_DATA};
use crate::store::{StoreError, StoreResult, term_key};
use crate::tenant::TenantId;

/// Deletes every row of the tenant; with `tombstone` its tenant row stays, `terminated`.
pub(super) async fn erase_tenant(tx: &Transaction<'_>, tenant: TenantId, tombstone: bool) -> StoreResult<Erased> {
    // Packages of other tenants are locked out of changing the blob set meanwhile.
    tx.execute("LOCK TABLE package_files IN SHARE ROW EXCLUSIVE MODE", &[])
        .await
        .map_err(pg)?;
    let orphan_blobs = tx
        .query(
            &Backend::Postgres.sql(tables::FILES_ONLY_THIS_TENANT_USES),
            &[&tenant.0],
        )
        .await
        .map_err(pg)?
        .iter()
        .map(|r| col(r, 0))
        .collect::<StoreResult<Vec<String>>>()?;
    tx.execute(&Backend::Postgres.sql(tables::TENANT_NOTICE_DELIVERIES), &[&tenant.0])
        .await
        .map_err(pg)?;
    let mut rows = TableCounts::new();
    for table in tables::tenant_tables(Backend::Postgres) {
        let n = tx
            .execute(&table.delete(Backend::Postgres), &[&tenant.0])
            .await
            .map_err(pg)?;
        rows.insert(table.name.to_owned(), n);
    }
    let sql = if tombstone {
        "UPDATE tenants SET status = 'terminated', settings = '{}' WHERE id = $1"
    } else {
        "DELETE FROM tenants WHERE id = $1"
    };
    tx.execute(sql, &[&tenant.0]).await.map_err(pg)?;
    Ok(Erased { rows, orphan_blobs })
}

/// `ArchiveStore::swap_in_restored`. Both tenant rows and the live tenant's statement
/// clock are locked first: a statement batch of the live tenant holds its clock row until
/// it commits, so none is in flight between the count and the deletes. (The caller has
/// suspended the live tenant, so other writes to it are refused at the gate.)
pub(super) async fn swap_in_restored(tx: &Transaction<'_>, swap: &RestoreSwap) -> StoreResult<Erased> {
    let (live, staging) = (swap.live.0, swap.staging.0);
    let rows = tx
        .query(
            "SELECT id, name, plan, reseller, created, status FROM tenants WHERE id = ANY($1) ORDER BY id FOR UPDATE",
            &[&vec![live, staging]],
        )
        .await
        .map_err(pg)?;
    let mut found = None;
    let mut staged = false;
    for r in &rows {
        let (id, status): (i64, String) = (col(r, 0)?, col(r, 5)?);
        if id == live && status != "terminated" {
            let v: (String, Option<String>, Option<String>, i64) = (col(r, 1)?, col(r, 2)?, col(r, 3)?, col(r, 4)?);
            found = Some(v);
        } else if id == staging && status == "suspended" {
            staged = true;
        }
    }
    let (Some((name, plan, reseller, created)), true) = (found, staged) else {
        return Err(LrsError::NotFound("no such tenant, or no suspended restored tenant".into()).into());
    };
    tx.execute("SELECT 1 FROM statement_clock WHERE tenant = $1 FOR UPDATE", &[&live])
        .await
        .map_err(pg)?;
    let mut now = TableCounts::new();
    for table in tables::restored_tables(Backend::Postgres) {
        let r = tx
            .query_one(&table.count(Backend::Postgres), &[&live])
            .await
            .map_err(pg)?;
        now.insert(table.name.to_owned(), u64::try_from(col::<i64>(&r, 0)?).unwrap_or(0));
    }
    if now != swap.expect_rows {
        return Err(StoreError::Stale);
    }
    for sql in tables::move_kept_rows(Backend::Postgres) {
        tx.execute(&sql, &[&live, &staging]).await.map_err(pg)?;
    }
    let erased = erase_tenant(tx, swap.live, false).await?;
    for (new, original) in &swap.package_ids {
        for sql in tables::restore_package_id(Backend::Postgres) {
            tx.execute(&sql, &[&staging, new, original]).await.map_err(pg)?;
        }
    }
    tx.execute(
        "UPDATE tenants SET name = $2, plan = $3, reseller = $4, created = $5, status = $6, status_reason = $7 \
         WHERE id = $1",
        &[
            &staging,
            &name,
            &plan,
            &reseller,
            &created,
            &swap.status.as_str(),
            &swap.status_reason,
        ],
    )
    .await
    .map_err(pg)?;
    Ok(erased)
}

pub(super) async fn erase_learner(
    tx: &Transaction<'_>,
    tenant: TenantId,
    e: &LearnerErasure,
) -> StoreResult<TableCounts> {
    let found = tx
        .query_opt(
            "SELECT 1 FROM learners WHERE tenant = $1 AND id = $2 FOR UPDATE",
            &[&tenant.0, &e.learner],
        )
        .await
        .map_err(pg)?;
    if found.is_none() {
        return Err(LrsError::NotFound(format!("no learner {:?}", e.learner)).into());
    }
    let mut out = TableCounts::new();
    let direct = term_key(tenant, &e.direct);
    let seqs: Vec<i64> = tx
        .query(
            "SELECT s.seq FROM terms t JOIN statements s ON s.seq = t.seq WHERE t.key = $2 AND s.tenant = $1",
            &[&tenant.0, &direct],
        )
        .await
        .map_err(pg)?
        .iter()
        .map(|r| col(r, 0))
        .collect::<StoreResult<_>>()?;
    tx.execute("DELETE FROM terms WHERE seq = ANY($1)", &[&seqs])
        .await
        .map_err(pg)?;
    let n = tx
        .execute(
            "DELETE FROM statements WHERE tenant = $1 AND seq = ANY($2)",
            &[&tenant.0, &seqs],
        )
        .await
        .map_err(pg)?;
    out.insert("statements".into(), n);
    let related = term_key(tenant, &e.related);
    let rows = tx
        .query(
            "SELECT s.seq, s.body FROM terms t JOIN statements s ON s.seq = t.seq WHERE t.key = $2 AND s.tenant = $1",
            &[&tenant.0, &related],
        )
        .await
        .map_err(pg)?;
    let mut anonymised = 0;
    for r in &rows {
        let seq: i64 = col(r, 0)?;
        let body: String = col(r, 1)?;
        if let Some(new) = (e.anonymise)(&body) {
            tx.execute("UPDATE statements SET body = $2 WHERE seq = $1", &[&seq, &new])
                .await
                .map_err(pg)?;
            anonymised += 1;
        }
    }
    tx.execute(
        "DELETE FROM terms WHERE key = $2 AND seq IN (SELECT seq FROM statements WHERE tenant = $1)",
        &[&tenant.0, &related],
    )
    .await
    .map_err(pg)?;
    tx.execute(
        "UPDATE statements SET keys = array_remove(keys, $2) WHERE tenant = $1 AND $2 = ANY(keys)",
        &[&tenant.0, &related],
    )
    .await
    .map_err(pg)?;
    out.insert("statements_anonymised".into(), anonymised);
    for table in LEARNER_DATA {
        let arg = if table.by_agent { &e.agent_key } else { &e.learner };
        let n = tx
            .execute(&table.delete(Backend::Postgres), &[&tenant.0, arg])
            .await
            .map_err(pg)?;
        out.insert(table.name.to_owned(), n);
    }
    Ok(out)
}
