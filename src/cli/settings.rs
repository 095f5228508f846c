//! `kiroku tenant settings NAME [--option value…]`: shows a tenant's settings, or changes
//! them (and records the change in the tenant's audit log).

use serde_json::json;

use crate::audit::Action;
use crate::store::Store;
pub use crate::tenant::settings::SettingsChange as Changes;
use crate::tenant::{Tenant, TenantSettings};

pub async fn run(store: &dyn Store, mut t: Tenant, changes: Changes, json_out: bool) -> Result<(), String> {
    let settings = crate::tenant::settings::apply(t.settings, &changes)?;
    if settings != t.settings {
        let before = t.settings;
        t = store
            .update_tenant_settings(t.id, settings)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no tenant named {}", t.name))?;
        let detail = json!({ "before": before, "after": settings });
        super::audit::record(
            store,
            t.id,
            Action::TenantSettingsChanged,
            format!("tenant:{}", t.name),
            detail,
        )
        .await?;
    }
    print(&t.settings, json_out);
    Ok(())
}

fn print(s: &TenantSettings, json_out: bool) {
    if json_out {
        println!("{}", serde_json::to_string(s).unwrap_or_default());
    } else {
        println!("strict-scorm12-suspend-data\t{}", s.strict_scorm12_suspend_data);
        println!("concurrent-launches\t{}", s.concurrent_launches.as_str());
        let days = s.statement_retention_days.map_or("none".into(), |d| d.to_string());
        println!("statement-retention-days\t{days}");
        let minutes = s.cmi5_session_timeout_minutes.map_or("none".into(), |m| m.to_string());
        println!("cmi5-session-timeout-minutes\t{minutes}");
    }
}
