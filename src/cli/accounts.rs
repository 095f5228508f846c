//! `kiroku reseller …` and `kiroku account …`: the operator at the command line, e.g. to
//! create the first operator account. What changes is written to the audit log (the
//! tenant's, or the service log) with the operating-system user as actor.

use serde_json::json;

use super::audit::record;
use super::{AccountCommand, ResellerCommand};
use crate::account::{
    Account, NewAccount, Realm, Role, check_email, check_end_client_id, check_login, check_password, password,
};
use crate::audit::{Action, SERVICE_LOG};
use crate::store::Store;

type CmdResult = Result<(), String>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

pub async fn reseller(store: &dyn Store, cmd: ResellerCommand, json: bool) -> CmdResult {
    match cmd {
        ResellerCommand::Create { name } => {
            let name = crate::tenant::check_name("reseller", &name)?;
            let r = store.create_reseller(&name).await.map_err(err)?;
            record(
                store,
                SERVICE_LOG,
                Action::ResellerCreated,
                format!("reseller:{name}"),
                json!({}),
            )
            .await?;
            if json {
                println!("{}", serde_json::to_string(&r).unwrap_or_default());
            } else {
                println!("{}", r.name);
            }
        }
        ResellerCommand::List => {
            for r in store.list_resellers().await.map_err(err)? {
                if json {
                    println!("{}", serde_json::to_string(&r).unwrap_or_default());
                } else {
                    println!("{}", r.name);
                }
            }
        }
    }
    Ok(())
}

async fn realm(
    store: &dyn Store,
    role: &str,
    reseller: Option<String>,
    tenant: Option<String>,
    end_client: Option<String>,
) -> Result<Realm, String> {
    let tenant_id = || async {
        let name = tenant.clone().ok_or("--tenant is needed for this role")?;
        Ok::<_, String>(super::commands::find_tenant(store, &name).await?.id)
    };
    match Role::parse(role).ok_or("unknown role")? {
        Role::Operator => Ok(Realm::Service),
        Role::ResellerAdmin => Ok(Realm::Reseller(
            reseller.ok_or("--reseller is needed for a reseller admin")?,
        )),
        Role::TenantAdmin => Ok(Realm::Tenant(tenant_id().await?)),
        Role::EndClientAdmin => {
            let e = end_client.ok_or("--end-client is needed for an end-client admin")?;
            Ok(Realm::EndClient(tenant_id().await?, check_end_client_id(&e)?))
        }
    }
}

fn line(a: &Account) -> String {
    let scope = match &a.realm {
        Realm::Service => "service".to_owned(),
        Realm::Reseller(r) => format!("reseller {r}"),
        Realm::Tenant(t) => format!("tenant #{t}"),
        Realm::EndClient(t, e) => format!("tenant #{t} end client {e}"),
    };
    format!("{}\t{}\t{}\t{scope}", a.id, a.login, a.realm.role().as_str())
}

pub async fn account(store: &dyn Store, cmd: AccountCommand, json: bool) -> CmdResult {
    match cmd {
        AccountCommand::Create {
            login,
            role,
            reseller,
            tenant,
            end_client,
            email,
        } => {
            let login = check_login(&login)?;
            let email = email.as_deref().map(check_email).transpose()?;
            let (password, generated) = match std::env::var("KIROKU_ACCOUNT_PASSWORD") {
                Ok(p) if !p.is_empty() => (p, false),
                _ => (crate::tenant::credential::random_token(24), true),
            };
            check_password(&login, &password)?;
            let realm = realm(store, &role, reseller, tenant, end_client).await?;
            let password_hash = password::hash(&password)?;
            let a = store
                .create_account(NewAccount {
                    login,
                    realm,
                    password_hash,
                    email,
                })
                .await
                .map_err(err)?;
            let log = a.realm.tenant().unwrap_or(SERVICE_LOG);
            let detail = json!({ "role": a.realm.role() });
            record(store, log, Action::AccountCreated, format!("account:{}", a.id), detail).await?;
            let shown = generated.then_some(password);
            if json {
                println!(
                    "{}",
                    json!({ "id": a.id, "login": a.login, "role": a.realm.role(), "password": shown })
                );
            } else {
                println!("{}", line(&a));
                if let Some(p) = shown {
                    println!("password: {p}\n(shown only now; the person should change it after signing in)");
                }
            }
        }
        AccountCommand::List => {
            for a in store.list_accounts(&Realm::Service).await.map_err(err)? {
                if json {
                    let v = json!({ "id": a.id, "login": a.login, "role": a.realm.role(), "tenant": a.realm.tenant().map(|t| t.0), "reseller": a.realm.reseller(), "endClient": a.realm.end_client() });
                    println!("{v}");
                } else {
                    println!("{}", line(&a));
                }
            }
        }
        AccountCommand::Delete { id } => {
            let a = store
                .account(&id)
                .await
                .map_err(err)?
                .ok_or_else(|| format!("no account {id:?}"))?;
            store.delete_account(&id).await.map_err(err)?;
            let log = a.realm.tenant().unwrap_or(SERVICE_LOG);
            let detail = json!({ "role": a.realm.role() });
            record(store, log, Action::AccountDeleted, format!("account:{id}"), detail).await?;
            if !json {
                println!("deleted {id}");
            }
        }
    }
    Ok(())
}
