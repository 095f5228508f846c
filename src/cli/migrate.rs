//! `kiroku migrate-store --to postgres://…`: copies everything of the store the command
//! runs on (SQLite in the data folder, or `--database-url`) into another, empty store —
//! plans, then per tenant its export archive (statements with ids and stored times,
//! documents, learners, registrations, attempts, packages; checked by SHA-256 on import),
//! its credentials (key, secret digest, scopes), plan, reseller, admin accounts (password
//! hashes and API tokens; not sessions), and its audit log (times and order kept); then
//! resellers and the accounts of the service and of resellers — and compares the rows of every table per tenant on both sides. Content files stay where they are (the data folder or
//! the configured object storage); both stores use the same.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::{Value, json};

use super::database::{DatabaseUrl, open};
use super::import::work_dir;
use crate::account::Realm;
use crate::audit::{AuditQuery, SERVICE_LOG};
use crate::blob::BlobStore;
use crate::ops::archive;
use crate::store::archive::Restore;
use crate::store::{AccountRecord, Store};
use crate::tenant::{NewCredential, TenantId, TenantStatus};

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Entries copied per transaction.
const AUDIT_PAGE: u32 = 1000;

/// Copies a tenant's audit log, oldest first: entries keep their times, and their new
/// sequence numbers follow the old order.
async fn copy_audit(from: &dyn Store, tenant: TenantId, to: &dyn Store, copy: TenantId) -> Result<(), String> {
    let mut after = 0;
    loop {
        let q = AuditQuery {
            since_ms: None,
            after_seq: Some(after),
            limit: AUDIT_PAGE,
        };
        let page = from.audit_entries(tenant, q).await.map_err(err)?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.seq;
        to.restore(copy, Restore::Audit(page)).await.map_err(err)?;
    }
}

/// The realm with its tenant replaced by the copy's.
fn remap(realm: &Realm, copy: TenantId) -> Realm {
    match realm {
        Realm::Tenant(_) => Realm::Tenant(copy),
        Realm::EndClient(_, e) => Realm::EndClient(copy, e.clone()),
        other => other.clone(),
    }
}

/// Copies accounts (with their password hashes and API tokens; people sign in again,
/// since sessions are not copied), a tenant's ones moved to its copy.
async fn copy_accounts(to: &dyn Store, records: Vec<AccountRecord>, copy: Option<TenantId>) -> Result<(), String> {
    for mut rec in records {
        if let Some(copy) = copy {
            rec.account.realm = remap(&rec.account.realm, copy);
        }
        to.restore_account(rec).await.map_err(err)?;
    }
    Ok(())
}

/// Copies `from` into the store at `to` (which must hold no tenant yet).
pub async fn run(
    from: Arc<dyn Store>,
    data_dir: &Path,
    blobs: Arc<dyn BlobStore>,
    to: &DatabaseUrl,
    json_out: bool,
) -> Result<(), String> {
    let target = open(data_dir, Some(to)).await?;
    if !target.list_tenants().await.map_err(err)?.is_empty() {
        return Err(format!(
            "{} already holds tenants; migrate into an empty database",
            to.redacted()
        ));
    }
    for p in from.list_plans().await.map_err(err)? {
        target.create_plan(p.name.as_str(), p.quotas).await.map_err(err)?;
    }
    for r in from.list_resellers().await.map_err(err)? {
        target.create_reseller(&r.name).await.map_err(err)?;
    }
    // Every account, read once, by the tenant it belongs to (none: service and resellers).
    let mut accounts: HashMap<Option<TenantId>, Vec<AccountRecord>> = HashMap::new();
    for rec in from.account_records().await.map_err(err)? {
        accounts.entry(rec.account.realm.tenant()).or_default().push(rec);
    }
    let work = work_dir(data_dir);
    std::fs::create_dir_all(&work).map_err(err)?;
    let mut report = Vec::new();
    for t in from.list_tenants().await.map_err(err)? {
        if t.status == TenantStatus::Terminated {
            continue;
        }
        let file = work.join(format!("migrate-{}.zip", t.id));
        let exported = archive::export(&*from, &*blobs, &t, &file).await.map_err(err)?;
        let imported = archive::import(&*target, &*blobs, &file, None, &work).await;
        let _ = std::fs::remove_file(&file);
        let imported = imported.map_err(|e| format!("tenant {}: {e}", t.name))?;
        let copy = target
            .tenant_by_name(t.name.as_str())
            .await
            .map_err(err)?
            .ok_or_else(|| format!("tenant {} vanished during the migration", t.name))?;
        for c in from.list_credentials(t.id).await.map_err(err)? {
            let new = NewCredential {
                key: c.key,
                secret_digest: c.secret_digest,
                scopes: c.scopes,
                label: c.label,
            };
            target.create_credential(copy.id, new).await.map_err(err)?;
        }
        copy_audit(&*from, t.id, &*target, copy.id).await?;
        // Learners' portal passwords (hashes), as admin accounts' are copied.
        for (learner, phc) in from.learner_passwords(t.id).await.map_err(err)? {
            target
                .set_learner_password(copy.id, &learner, &phc)
                .await
                .map_err(err)?;
        }
        if let Some(plan) = &t.plan {
            target.set_tenant_plan(copy.id, Some(plan)).await.map_err(err)?;
        }
        if t.reseller.is_some() {
            target
                .set_tenant_reseller(copy.id, t.reseller.as_deref())
                .await
                .map_err(err)?;
        }
        let records = accounts.remove(&Some(t.id)).unwrap_or_default();
        copy_accounts(&*target, records, Some(copy.id)).await?;
        if t.status != TenantStatus::Active {
            target
                .set_tenant_status(copy.id, t.status, t.status_reason.clone())
                .await
                .map_err(err)?;
        }
        let (mut before, mut after) = (
            from.tenant_rows(t.id).await.map_err(err)?,
            target.tenant_rows(copy.id).await.map_err(err)?,
        );
        // Bookkeeping one backend has and the other not (PostgreSQL's statement clock)
        // is not data, and live launch sessions, used cmi5 fetch URLs and request counts are transient:
        // compare the other tables. Learners' portal sessions are transient too, and of their
        // sign-ins only the passwords are copied (an open invitation code is made again).
        let skip = |table: &String| {
            !matches!(
                table.as_str(),
                "launch_sessions"
                    | "cmi5_fetches"
                    | "rate_windows"
                    | "account_sessions"
                    | "portal_sessions"
                    | "learner_logins"
            )
        };
        before.retain(|table, _| after.contains_key(table) && skip(table));
        after.retain(|table, _| before.contains_key(table) && skip(table));
        if before != after {
            return Err(format!(
                "tenant {}: the copy differs (source rows {before:?}, copied rows {after:?})",
                t.name
            ));
        }
        report.push(
            json!({ "tenant": t.name.as_str(), "rows": after, "archiveBytes": exported.bytes,
            "statements": imported.counts.get("statements") }),
        );
    }
    // Accounts of the service and of resellers (tenants' accounts went with their tenant;
    // those of terminated tenants were erased with them).
    copy_accounts(&*target, accounts.remove(&None).unwrap_or_default(), None).await?;
    copy_audit(&*from, SERVICE_LOG, &*target, SERVICE_LOG).await?;
    if json_out {
        println!("{}", Value::from(report));
    } else {
        for r in &report {
            println!("{}: copied and compared ({} rows)", r["tenant"], r["rows"]);
        }
    }
    Ok(())
}
