//! `kiroku tenant …` and `kiroku plan …`: what the operator does, through `crate::operator`
//! (the operator API runs the same functions). `--json` prints camelCase JSON.

use serde::Serialize;

use super::{PlanCommand, TenantCommand};
use crate::operator as op;
use crate::store::Store;
use crate::tenant::{Plan, Quotas, Tenant};

type CmdResult = Result<(), String>;

fn print_json<T: Serialize>(v: &T) {
    println!("{}", serde_json::to_string(v).unwrap_or_default());
}

fn limit(v: Option<u64>) -> String {
    v.map_or_else(|| "unlimited".into(), |n| n.to_string())
}

fn tenant_line(t: &Tenant) -> String {
    format!(
        "{}\t{}\t{}\txapi {}\tplan {}",
        t.id,
        t.name,
        t.status.as_str(),
        t.xapi_version,
        t.plan.as_deref().unwrap_or("-")
    )
}

fn plan_line(p: &Plan) -> String {
    let q = p.quotas;
    format!(
        "{}\tstorage-bytes {}\tlearners {}\tstatements-per-month {}\trequests-per-minute {}",
        p.name,
        limit(q.storage_bytes),
        limit(q.learners),
        limit(q.statements_per_month),
        limit(q.requests_per_minute.map(u64::from))
    )
}

fn show_tenant(json: bool, t: &Tenant) {
    if json {
        print_json(t);
    } else {
        println!("{}", tenant_line(t));
    }
}

pub async fn tenant(store: &dyn Store, cmd: TenantCommand, json: bool) -> CmdResult {
    let e = |e: crate::store::StoreError| e.to_string();
    match cmd {
        TenantCommand::Create {
            name,
            xapi_version,
            plan,
            reseller,
        } => {
            let t = op::create_tenant(store, &name, &xapi_version, plan.as_deref(), reseller.as_deref())
                .await
                .map_err(e)?;
            show_tenant(json, &t);
        }
        TenantCommand::List => {
            let list = store.list_tenants().await.map_err(e)?;
            if json {
                print_json(&list);
            } else {
                list.iter().for_each(|t| println!("{}", tenant_line(t)));
            }
        }
        TenantCommand::Show { name } => {
            let v = op::show_tenant(store, &name).await.map_err(e)?;
            if json {
                print_json(&v);
            } else {
                let (t, u, q) = (&v.tenant, &v.usage, v.tenant.quotas);
                println!("tenant\t{}\nstatus\t{}", t.name, t.status.as_str());
                if let Some(r) = &t.status_reason {
                    println!("reason\t{r}");
                }
                println!("plan\t{}", t.plan.as_deref().unwrap_or("- (unlimited)"));
                println!("storage bytes\t{} of {}", u.storage_bytes, limit(q.storage_bytes));
                println!("learners\t{} of {}", u.learners, limit(q.learners));
                println!(
                    "statements this month\t{} of {}",
                    u.statements_this_month,
                    limit(q.statements_per_month)
                );
                println!("requests per minute\t{}", limit(q.requests_per_minute.map(u64::from)));
            }
        }
        TenantCommand::SetPlan { name, plan } => {
            show_tenant(json, &op::set_plan(store, &name, &plan).await.map_err(e)?);
        }
        TenantCommand::Suspend { name, reason } => {
            show_tenant(json, &op::suspend(store, &name, reason).await.map_err(e)?);
        }
        TenantCommand::Resume { name } => show_tenant(json, &op::resume(store, &name).await.map_err(e)?),
        TenantCommand::Settings {
            name,
            strict_scorm12_suspend_data,
            statement_retention_days,
            concurrent_launches,
            cmi5_session_timeout_minutes,
        } => {
            let t = op::find_tenant(store, &name).await.map_err(e)?;
            let changes = super::settings::Changes {
                strict_scorm12_suspend_data,
                concurrent_launches,
                statement_retention_days,
                cmi5_session_timeout_minutes,
            };
            super::settings::run(store, t, changes, json).await?;
        }
        TenantCommand::Export { .. }
        | TenantCommand::Import { .. }
        | TenantCommand::Terminate { .. }
        | TenantCommand::ApplyRetention { .. } => return Err("handled by cli::lifecycle".into()),
    }
    Ok(())
}

pub async fn plan(store: &dyn Store, cmd: PlanCommand, json: bool) -> CmdResult {
    match cmd {
        PlanCommand::Create {
            name,
            storage_bytes,
            learners,
            statements_per_month,
            requests_per_minute,
        } => {
            let quotas = Quotas {
                storage_bytes,
                learners,
                statements_per_month,
                requests_per_minute,
            };
            let p = op::create_plan(store, &name, quotas).await.map_err(|e| e.to_string())?;
            if json {
                print_json(&p);
            } else {
                println!("{}", plan_line(&p));
            }
        }
        PlanCommand::List => {
            let list = store.list_plans().await.map_err(|e| e.to_string())?;
            if json {
                print_json(&list);
            } else {
                list.iter().for_each(|p| println!("{}", plan_line(p)));
            }
        }
    }
    Ok(())
}
