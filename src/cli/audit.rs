//! The audit log at the command line: what CLI commands record (the actor is the
//! operating-system user, with no address), and `kiroku audit TENANT`, which prints it.

use serde_json::Value;

use crate::audit::{Action, Actor, AuditQuery, NewAuditEntry};
use crate::clock;
use crate::store::Store;
use crate::tenant::TenantId;

/// Appends an entry for what a CLI command just did.
pub async fn record(
    store: &dyn Store,
    tenant: TenantId,
    action: Action,
    target: String,
    detail: Value,
) -> Result<(), String> {
    let entry = NewAuditEntry {
        at_ms: clock::now_ms(),
        actor: Actor::cli(),
        action,
        target,
        address: None,
        detail,
    };
    store
        .append_audit(tenant, entry)
        .await
        .map_err(|e| format!("the change was made, but writing the audit log failed: {e}"))
}

/// Prints a tenant's audit log, oldest first: every page, or the entries since a time.
pub async fn show(store: &dyn Store, tenant: TenantId, since: Option<&str>, json_out: bool) -> Result<(), String> {
    let since_ms = since
        .map(|s| {
            crate::lrs::formats::parse_timestamp(s, true)
                .map(|t| t.timestamp_millis())
                .ok_or_else(|| format!("--since must be an RFC 3339 timestamp: {s:?}"))
        })
        .transpose()?;
    let mut after_seq = None;
    loop {
        let q = AuditQuery {
            since_ms,
            after_seq,
            limit: 500,
        };
        let page = store.audit_entries(tenant, q).await.map_err(|e| e.to_string())?;
        for e in &page {
            if json_out {
                println!("{}", e.to_json());
            } else {
                let address = e.address.as_deref().unwrap_or("-");
                println!(
                    "{}\t{}:{}\t{}\t{}\t{address}\t{}",
                    clock::format_ms(e.at_ms),
                    e.actor.kind,
                    e.actor.id,
                    e.action,
                    e.target,
                    e.detail
                );
            }
        }
        match page.last() {
            Some(last) if page.len() == 500 => after_seq = Some(last.seq),
            _ => return Ok(()),
        }
    }
}
