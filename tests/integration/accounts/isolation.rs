//! Isolation between resellers, tenants and end clients, walked over every endpoint of
//! the app origin (`routes.rs` holds the table). A reseller admin, two tenant admins and
//! an end-client admin each send every route against another realm's tenant, learners,
//! registrations, packages, credentials, end clients, accounts and tokens; nothing of it
//! may come back, be counted, be told apart from a made-up id, or change. Each role's
//! own work is checked too, so the walk cannot pass by everything being refused.

pub(crate) mod coverage;
mod routes;
mod walk;
mod world;

use std::collections::BTreeMap;

use axum::http::Method;
use serde_json::{Value, json};

use super::bearer;
use walk::{Role, View, walk};
use world::{Principal, Realmed, World};

fn ids<'a>(it: impl Iterator<Item = &'a str>) -> Vec<String> {
    it.map(str::to_owned).collect()
}

fn learners(t: &Realmed, keep: impl Fn(Option<&str>) -> bool) -> (Vec<String>, Vec<String>) {
    let picked: Vec<_> = t.learners.iter().filter(|l| keep(l.end_client.as_deref())).collect();
    (
        ids(picked.iter().map(|l| l.id.as_str())),
        ids(picked.iter().map(|l| l.registration.as_str())),
    )
}

fn account_secrets(accounts: &[&Principal]) -> Vec<String> {
    accounts
        .iter()
        .flat_map(|p| [p.login.clone(), p.id.clone(), p.token_id.clone()])
        .collect()
}

struct Victim<'a> {
    tenants: Vec<&'a Realmed>,
    learners: (Vec<String>, Vec<String>),
    ecs: Vec<String>,
    keys: Vec<String>,
    accounts: Vec<&'a Principal>,
    reseller: &'a str,
}

fn view<'w>(label: &'static str, who: &'w Principal, role: Role, own_ec: &str, v: Victim<'w>) -> View<'w> {
    let first = v.accounts.first().expect("a victim account");
    let values = BTreeMap::from([
        ("tenant", ids(v.tenants.iter().map(|t| t.name.as_str()))),
        ("pkg", ids(v.tenants.iter().map(|t| t.package.as_str()))),
        ("learner", v.learners.0),
        ("reg", v.learners.1),
        ("ec", v.ecs),
        ("own_ec", vec![own_ec.to_owned()]),
        ("key", v.keys),
        ("account", ids(v.accounts.iter().map(|a| a.id.as_str()))),
        ("token", vec![first.token_id.clone()]),
        ("victim_login", vec![first.login.clone()]),
        ("reseller", vec![v.reseller.to_owned()]),
    ]);
    View {
        label,
        who,
        role,
        values,
        secrets: account_secrets(&v.accounts),
        own: None,
    }
}

/// The four callers and the realms they must not reach.
fn views(w: &World) -> Vec<View<'_>> {
    let all = |_: Option<&str>| true;
    let mut r1 = view(
        "r1",
        &w.r1,
        Role::Reseller,
        "ec-one-east",
        Victim {
            tenants: vec![&w.t2, &w.t3],
            learners: (
                ids(["lrn-two-north", "lrn-three-plain"].into_iter()),
                ids([
                    w.t2.learners[0].registration.as_str(),
                    w.t3.learners[0].registration.as_str(),
                ]
                .into_iter()),
            ),
            ecs: vec!["ec-two-north".into()],
            keys: vec![w.t2.keys[0].clone(), w.t3.keys[0].clone()],
            accounts: vec![&w.a2, &w.operator],
            reseller: "reseller-south",
        },
    );
    r1.secrets
        .extend([w.t2.secrets(), w.t3.secrets(), vec!["reseller-south".into()]].concat());

    let mut a1 = view(
        "a1",
        &w.a1,
        Role::Tenant,
        "ec-one-east",
        Victim {
            tenants: vec![&w.t2],
            learners: learners(&w.t2, all),
            ecs: vec!["ec-two-north".into()],
            keys: w.t2.keys.clone(),
            accounts: vec![&w.a2, &w.r1, &w.operator],
            reseller: "reseller-south",
        },
    );
    a1.secrets
        .extend([w.t2.secrets(), w.t3.secrets(), vec!["reseller-south".into()]].concat());
    a1.own = Some(w.t1.id);

    let mut a2 = view(
        "a2",
        &w.a2,
        Role::Tenant,
        "ec-two-north",
        Victim {
            tenants: vec![&w.t1],
            learners: learners(&w.t1, all),
            ecs: ids(w.t1.end_clients.iter().map(|(id, _)| id.as_str())),
            keys: w.t1.keys.clone(),
            accounts: vec![&w.a1, &w.e1, &w.r1, &w.operator],
            reseller: "reseller-north",
        },
    );
    a2.secrets
        .extend([w.t1.secrets(), w.t3.secrets(), vec!["reseller-north".into()]].concat());
    a2.own = Some(w.t2.id);

    let not_east = |ec: Option<&str>| ec != Some("ec-one-east");
    let mut e1 = view(
        "e1",
        &w.e1,
        Role::EndClient,
        "ec-one-east",
        Victim {
            tenants: vec![&w.t2],
            learners: learners(&w.t1, not_east),
            ecs: vec!["ec-one-west".into()],
            keys: w.t1.keys.clone(),
            accounts: vec![&w.a1, &w.a2, &w.r1, &w.operator],
            reseller: "reseller-north",
        },
    );
    e1.values.insert("pkg", vec![w.t1.package.clone()]);
    let (west, west_regs) = learners(&w.t1, not_east);
    let e2 = ["ec-one-west".to_owned(), "Corp ec-one-west".to_owned()];
    let resellers = vec!["reseller-north".to_owned(), "reseller-south".to_owned()];
    e1.secrets.extend(
        [
            west,
            west_regs,
            e2.to_vec(),
            w.t1.keys.clone(),
            w.t2.secrets(),
            w.t3.secrets(),
            resellers,
        ]
        .concat(),
    );
    vec![r1, a1, a2, e1]
}

#[test]
fn every_route_of_the_app_origin_is_walked() {
    let walked: Vec<(String, String)> = routes::routes()
        .iter()
        .map(|r| (r.method.as_str().to_ascii_lowercase(), r.template.to_owned()))
        .collect();
    let declared = coverage::declared_routes();
    assert!(declared.len() > 30, "the routers' sources were not found: {declared:?}");
    let missing: Vec<_> = declared
        .iter()
        .filter(|(m, t)| !walked.iter().any(|(wm, wt)| wt == t && (wm == m || m == "any")))
        .collect();
    assert!(
        missing.is_empty(),
        "routes the isolation walk does not send: {missing:?}"
    );
}

#[tokio::test]
async fn no_role_reaches_another_realm_on_any_route() {
    let w = World::build().await;
    let mut failures = Vec::new();
    for v in views(&w) {
        failures.extend(walk(&w.app, &v).await);
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The victims' API tokens still work: nobody revoked them.
    for p in [&w.a1, &w.a2, &w.operator] {
        let r = w
            .app
            .get("/api/auth/session")
            .header("authorization", &bearer(&p.token))
            .send()
            .await;
        r.expect(200);
    }
}

/// A GET as `who` (API token) naming `tenant` in X-Kiroku-Tenant; the answer's JSON.
async fn get_as(w: &World, who: &Principal, tenant: &str, path: &str) -> Value {
    let r = w
        .app
        .get(path)
        .header("authorization", &bearer(&who.token))
        .header("x-kiroku-tenant", tenant)
        .send()
        .await;
    r.expect(200).json()
}

fn names(v: &Value, list: &str, field: &str) -> Vec<String> {
    let items = if list.is_empty() { v } else { &v[list] };
    let items = items.as_array().unwrap_or_else(|| panic!("{list} in {v}"));
    items
        .iter()
        .filter_map(|i| i[field].as_str())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn each_role_does_its_own_work() {
    let w = World::build().await;
    let op = &w.operator;
    let tenants = get_as(&w, op, "", "/api/operator/v1/tenants").await;
    assert_eq!(
        names(&tenants, "", "name"),
        ["tenant-one", "tenant-two", "tenant-three"]
    );
    assert_eq!(
        get_as(&w, op, "", "/api/accounts").await["accounts"]
            .as_array()
            .map(Vec::len),
        Some(5)
    );
    let three = get_as(&w, op, "tenant-three", "/api/v1/learners").await;
    assert_eq!(names(&three, "learners", "id"), ["lrn-three-plain"]);

    let r1 = &w.r1;
    let mine = get_as(&w, r1, "", "/api/operator/v1/tenants").await;
    assert_eq!(names(&mine, "", "name"), ["tenant-one"]);
    let one = get_as(&w, r1, "tenant-one", "/api/v1/learners").await;
    assert_eq!(
        names(&one, "learners", "id"),
        ["lrn-one-east", "lrn-one-plain", "lrn-one-west"]
    );
    let accounts = get_as(&w, r1, "", "/api/accounts").await;
    assert_eq!(
        names(&accounts, "accounts", "login"),
        ["ann@one.test", "erin@east.test", "rita@north.test"]
    );
    let suspend = w
        .app
        .post("/api/operator/v1/tenants/tenant-one/suspend")
        .header("authorization", &bearer(&r1.token));
    suspend.send().await.expect(200);
    let resume = w
        .app
        .post("/api/operator/v1/tenants/tenant-one/resume")
        .header("authorization", &bearer(&r1.token));
    resume.send().await.expect(200);

    let west = &w.t1.learners[1];
    let regs = get_as(&w, &w.a1, "", "/api/v1/registrations?endClient=ec-one-west").await;
    assert_eq!(
        names(&regs, "registrations", "id"),
        std::slice::from_ref(&west.registration)
    );
    let creds = get_as(&w, &w.a1, "", "/api/v1/credentials").await;
    let (mut keys, mut expected) = (names(&creds, "credentials", "key"), w.t1.keys.clone());
    keys.sort();
    expected.sort();
    assert_eq!(keys, expected);
    let pkg = format!("/api/v1/packages/{}", w.t2.package);
    assert_eq!(get_as(&w, &w.a2, "", &pkg).await["packageId"], w.t2.package.as_str());
    let two = get_as(&w, &w.a2, "", "/api/v1/learners").await;
    assert_eq!(names(&two, "learners", "id"), ["lrn-two-north", "lrn-two-plain"]);

    let e1 = &w.e1;
    let east = get_as(&w, e1, "", "/api/v1/learners").await;
    assert_eq!(names(&east, "learners", "id"), ["lrn-one-east"]);
    let launch = format!("/api/v1/registrations/{}/launch", w.t1.learners[0].registration);
    let r = w
        .app
        .post(&launch)
        .header("authorization", &bearer(&e1.token))
        .send()
        .await;
    assert!(r.expect(200).json()["url"].is_string());
    let ecs = get_as(&w, e1, "", "/api/v1/end-clients").await;
    assert_eq!(names(&ecs, "endClients", "id"), ["ec-one-east"]);
}

#[tokio::test]
async fn tenant_credentials_reach_no_account_endpoint_and_accounts_no_xapi() {
    let w = World::build().await;
    let t2 = &w.t2.admin;
    let a1 = format!("/api/accounts/{}", w.a1.id);
    for (method, path) in [
        (Method::GET, "/api/accounts"),
        (Method::POST, "/api/accounts"),
        (Method::GET, a1.as_str()),
        (Method::DELETE, a1.as_str()),
        (Method::GET, "/api/auth/session"),
        (Method::GET, "/api/auth/tokens"),
        (Method::POST, "/api/auth/tokens"),
        (Method::GET, "/api/operator/v1/tenants"),
        (Method::GET, "/api/operator/v1/tenants/tenant-one"),
        (Method::GET, "/api/operator/v1/resellers"),
    ] {
        let body = json!({"login": "x@walk.test", "password": world::password(), "role": "tenant-admin", "tenant": "tenant-one"});
        let r = w.app.req(method.clone(), path).auth(t2).json(&body).send().await;
        assert_eq!(r.status.as_u16(), 401, "{method} {path}: {}", r.text());
    }
    // A tenant credential acts in its own tenant, whatever X-Kiroku-Tenant says.
    let r = w
        .app
        .get("/api/v1/learners")
        .auth(t2)
        .header("x-kiroku-tenant", "tenant-one")
        .send()
        .await;
    assert_eq!(
        names(&r.expect(200).json(), "learners", "id"),
        ["lrn-two-north", "lrn-two-plain"]
    );
    assert!(w.app.store.account(&w.a1.id).await.expect("read").is_some());

    // Accounts do not reach the xAPI endpoint, by token or by cookie.
    let statement = json!({"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://example.com/v"}, "object": {"id": "http://example.com/a"}});
    for p in [&w.a1, &w.operator] {
        for (method, path) in [
            (Method::GET, "/xapi/statements"),
            (Method::POST, "/xapi/statements"),
            (Method::GET, "/xapi/activities?activityId=http%3A%2F%2Fexample.com%2Fa"),
        ] {
            let by_token = w
                .app
                .req(method.clone(), path)
                .header("authorization", &bearer(&p.token));
            let by_cookie = p.session.on(w.app.req(method.clone(), path));
            for req in [by_token, by_cookie] {
                let r = req
                    .header("x-kiroku-tenant", "tenant-one")
                    .json(&statement)
                    .send()
                    .await;
                assert_eq!(r.status.as_u16(), 401, "{method} {path}: {}", r.text());
            }
        }
    }
    assert_eq!(w.app.store.tenant_rows(w.t1.id).await.expect("rows")["statements"], 0);
}
