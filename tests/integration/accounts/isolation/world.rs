//! The world the isolation walk runs in, built over HTTP as an operator would: resellers
//! `reseller-north` (R1) and `reseller-south` (R2); tenants `tenant-one` (R1),
//! `tenant-two` (R2) and `tenant-three` (no reseller), each with a package, learners,
//! registrations and credentials; end clients `ec-one-east` (E1) and `ec-one-west` (E2)
//! in tenant-one; and one signed-in account per role.

use axum::http::Method;
use kiroku::account::Realm;
use kiroku::tenant::{Scope, TenantId};
use serde_json::{Value, json};

use super::super::{PASSWORD, Session, account, api_token, bearer, op, sign_in, with_operator};
use crate::packages::fixture;
use crate::support::{Cred, Tenant, TestApp};

/// The operator's plan the walk tries to put foreign tenants on.
pub const PLAN: &str = "plan-basic";
/// The metrics token: `/metrics` is the operator's, no account reaches it.
pub const METRICS_TOKEN: &str = "metrics-secret-token";

/// A signed-in account: its session, an API token and that token's id.
#[derive(Debug)]
pub struct Principal {
    pub login: String,
    pub id: String,
    pub session: Session,
    pub token: String,
    pub token_id: String,
}

#[derive(Debug)]
pub struct SeededLearner {
    pub id: String,
    pub end_client: Option<String>,
    pub registration: String,
}

/// A tenant and what it holds.
#[derive(Debug)]
pub struct Realmed {
    pub name: String,
    pub id: TenantId,
    /// A credential with the `admin` scope (HTTP Basic).
    pub admin: Cred,
    /// The keys of all its credentials.
    pub keys: Vec<String>,
    pub package: String,
    /// (id, name)
    pub end_clients: Vec<(String, String)>,
    pub learners: Vec<SeededLearner>,
}

impl Realmed {
    /// Every id and name of the tenant, as they must never show up in another realm.
    pub fn secrets(&self) -> Vec<String> {
        let mut out = vec![self.name.clone(), self.package.clone()];
        out.extend(self.keys.iter().cloned());
        for (id, name) in &self.end_clients {
            out.extend([id.clone(), name.clone()]);
        }
        for l in &self.learners {
            out.extend([l.id.clone(), l.registration.clone()]);
        }
        out
    }
}

pub struct World {
    pub app: TestApp,
    pub t1: Realmed,
    pub t2: Realmed,
    pub t3: Realmed,
    pub operator: Principal,
    /// Reseller admin of reseller-north.
    pub r1: Principal,
    /// Tenant admins of tenant-one and tenant-two.
    pub a1: Principal,
    pub a2: Principal,
    /// End-client admin of ec-one-east.
    pub e1: Principal,
}

async fn created(app: &TestApp, path: &str, body: Value) -> Value {
    op(app, Method::POST, path).json(&body).send().await.expect(201).json()
}

async fn post_as(app: &TestApp, cred: &Cred, path: &str, body: Value) -> Value {
    app.post(path).auth(cred).json(&body).send().await.expect(201).json()
}

/// A tenant created through the operator API, filled through its admin credential.
async fn seed_tenant(
    app: &TestApp,
    name: &str,
    reseller: Option<&str>,
    ecs: &[&str],
    learners: &[(&str, Option<&str>)],
) -> Realmed {
    let t = created(
        app,
        "/api/operator/v1/tenants",
        json!({"name": name, "reseller": reseller}),
    )
    .await;
    let id = TenantId(t["id"].as_i64().expect("tenant id"));
    let tenant = Tenant {
        id,
        name: name.to_owned(),
    };
    let admin = app.credential(&tenant, &[Scope::Admin]).await;
    let xapi = app.credential(&tenant, &[Scope::All]).await;
    let mut end_clients = Vec::new();
    for ec in ecs {
        let ec_name = format!("Corp {ec}");
        post_as(app, &admin, "/api/v1/end-clients", json!({"id": ec, "name": ec_name})).await;
        end_clients.push(((*ec).to_owned(), ec_name));
    }
    let zip = fixture::package("scorm12-single-sco");
    let r = app
        .post("/api/v1/packages")
        .auth(&admin)
        .body("application/zip", zip)
        .send()
        .await;
    let package = r.expect(201).json()["packageId"].as_str().expect("package").to_owned();
    let mut seeded = Vec::new();
    for (l, ec) in learners {
        let body = json!({"id": l, "name": format!("Person {l}"), "endClient": ec});
        post_as(app, &admin, "/api/v1/learners", body).await;
        let reg = post_as(
            app,
            &admin,
            "/api/v1/registrations",
            json!({"learner": l, "packageId": package}),
        )
        .await;
        seeded.push(SeededLearner {
            id: (*l).to_owned(),
            end_client: ec.map(str::to_owned),
            registration: reg["id"].as_str().expect("registration").to_owned(),
        });
    }
    Realmed {
        name: name.to_owned(),
        id,
        keys: vec![admin.key.clone(), xapi.key],
        admin,
        package,
        end_clients,
        learners: seeded,
    }
}

/// An account, signed in, with an API token.
async fn principal(app: &TestApp, login: &str, realm: Value) -> Principal {
    let id = account(app, login, realm).await;
    let session = sign_in(app, login).await;
    let token = api_token(app, &session).await;
    let list = app
        .get("/api/auth/tokens")
        .header("authorization", &bearer(&token))
        .send()
        .await
        .expect(200)
        .json();
    let token_id = list["tokens"][0]["id"].as_str().expect("token id").to_owned();
    Principal {
        login: login.to_owned(),
        id,
        session,
        token,
        token_id,
    }
}

impl World {
    pub async fn build() -> Self {
        let app = with_operator().metrics_token(METRICS_TOKEN).start().await;
        for r in ["reseller-north", "reseller-south"] {
            created(&app, "/api/operator/v1/resellers", json!({"name": r})).await;
        }
        created(&app, "/api/operator/v1/plans", json!({"name": PLAN, "learners": 1000})).await;
        let t1 = seed_tenant(
            &app,
            "tenant-one",
            Some("reseller-north"),
            &["ec-one-east", "ec-one-west"],
            &[
                ("lrn-one-east", Some("ec-one-east")),
                ("lrn-one-west", Some("ec-one-west")),
                ("lrn-one-plain", None),
            ],
        )
        .await;
        let t2 = seed_tenant(
            &app,
            "tenant-two",
            Some("reseller-south"),
            &["ec-two-north"],
            &[("lrn-two-north", Some("ec-two-north")), ("lrn-two-plain", None)],
        )
        .await;
        let t3 = seed_tenant(&app, "tenant-three", None, &[], &[("lrn-three-plain", None)]).await;
        let operator = principal(&app, "root@ops.test", json!({"role": "operator"})).await;
        let r1 = principal(
            &app,
            "rita@north.test",
            json!({"role": "reseller-admin", "reseller": "reseller-north"}),
        )
        .await;
        let a1 = principal(
            &app,
            "ann@one.test",
            json!({"role": "tenant-admin", "tenant": "tenant-one"}),
        )
        .await;
        let a2 = principal(
            &app,
            "tom@two.test",
            json!({"role": "tenant-admin", "tenant": "tenant-two"}),
        )
        .await;
        let e1 = principal(
            &app,
            "erin@east.test",
            json!({"role": "end-client-admin", "tenant": "tenant-one", "endClient": "ec-one-east"}),
        )
        .await;
        World {
            app,
            t1,
            t2,
            t3,
            operator,
            r1,
            a1,
            a2,
            e1,
        }
    }
}

/// What the walk must leave as it was: every tenant (but `skip`, the caller's own) with
/// its rows per table and its learners and registrations, plans, resellers and accounts.
/// The audit log, sessions and API tokens are left out: signing in and failing to is
/// recorded, and callers make tokens of their own.
pub async fn snapshot(app: &TestApp, skip: Option<TenantId>) -> Value {
    let s = &app.store;
    let tenants = s.list_tenants().await.expect("tenants");
    let mut held = json!({});
    for t in tenants.iter().filter(|t| Some(t.id) != skip) {
        let mut rows = s.tenant_rows(t.id).await.expect("rows");
        for table in ["audit_log", "api_tokens", "account_sessions"] {
            rows.remove(table);
        }
        let learners = s.list_learners(t.id, None).await.expect("learners");
        let regs = s
            .list_registrations(t.id, None, None, None)
            .await
            .expect("registrations");
        let ecs = s.list_end_clients(t.id).await.expect("end clients");
        held[t.name.as_str()] = json!({ "rows": rows, "learners": learners, "registrations": regs, "endClients": ecs });
    }
    let accounts = s.list_accounts(&Realm::Service).await.expect("accounts");
    let accounts: Vec<Value> = accounts
        .iter()
        .map(|a| json!([a.id, a.login, a.realm.role(), format!("{:?}", a.realm)]))
        .collect();
    json!({
        "tenants": tenants,
        "held": held,
        "plans": s.list_plans().await.expect("plans"),
        "resellers": s.list_resellers().await.expect("resellers"),
        "accounts": accounts,
    })
}

/// The password every account of the world signs in with.
pub fn password() -> &'static str {
    PASSWORD
}
