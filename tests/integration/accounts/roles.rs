//! What each role reaches: a reseller admin its own tenants, an end-client admin their
//! end client's learners and registrations; operator actions in the audit log.

use axum::http::Method;
use serde_json::json;

use super::{account, op, sign_in, with_operator};
use crate::packages::Env;

#[tokio::test]
async fn a_reseller_admin_creates_and_manages_only_its_own_tenants() {
    let app = with_operator().start().await;
    app.tenant("acme").await;
    for r in ["north", "south"] {
        op(&app, Method::POST, "/api/operator/v1/resellers")
            .json(&json!({"name": r}))
            .send()
            .await
            .expect(201);
    }
    account(&app, "rita", json!({"role": "reseller-admin", "reseller": "north"})).await;
    account(&app, "sam", json!({"role": "reseller-admin", "reseller": "south"})).await;
    let rita = sign_in(&app, "rita").await;
    let sam = sign_in(&app, "sam").await;

    let r = rita
        .on(app.post("/api/operator/v1/tenants"))
        .json(&json!({"name": "t1"}))
        .send()
        .await;
    assert_eq!(r.expect(201).json()["reseller"], "north");
    let r = rita
        .on(app.post("/api/operator/v1/tenants"))
        .json(&json!({"name": "t2", "reseller": "south"}))
        .send()
        .await;
    r.expect(403);
    let list = rita
        .on(app.get("/api/operator/v1/tenants"))
        .send()
        .await
        .expect(200)
        .json();
    let names: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(names, ["t1"]);
    let sam_list = sam
        .on(app.get("/api/operator/v1/tenants"))
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(sam_list, json!([]));
    for path in ["/api/operator/v1/tenants/acme", "/api/operator/v1/tenants/t1"] {
        sam.on(app.get(path)).send().await.expect(404);
    }
    sam.on(app.post("/api/operator/v1/tenants/t1/suspend"))
        .send()
        .await
        .expect(404);
    rita.on(app.post("/api/operator/v1/tenants/t1/suspend"))
        .send()
        .await
        .expect(200);
    rita.on(app.post("/api/operator/v1/tenants/t1/resume"))
        .send()
        .await
        .expect(200);
    // Plans and resellers are the operator's.
    rita.on(app.post("/api/operator/v1/plans"))
        .json(&json!({"name": "p"}))
        .send()
        .await
        .expect(403);
    rita.on(app.post("/api/operator/v1/resellers"))
        .json(&json!({"name": "x"}))
        .send()
        .await
        .expect(403);
    let resellers = rita
        .on(app.get("/api/operator/v1/resellers"))
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(resellers["resellers"].as_array().map(Vec::len), Some(1));

    // Accounts: within its realm only.
    let admin = |tenant: &str| json!({"login": format!("admin-{tenant}"), "password": super::PASSWORD, "role": "tenant-admin", "tenant": tenant});
    rita.on(app.post("/api/accounts"))
        .json(&admin("t1"))
        .send()
        .await
        .expect(201);
    rita.on(app.post("/api/accounts"))
        .json(&admin("acme"))
        .send()
        .await
        .expect(404);
    let operator = json!({"login": "evil", "password": super::PASSWORD, "role": "operator"});
    rita.on(app.post("/api/accounts"))
        .json(&operator)
        .send()
        .await
        .expect(404);
    let accounts = rita.on(app.get("/api/accounts")).send().await.expect(200).json();
    let logins: Vec<&str> = accounts["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .filter_map(|a| a["login"].as_str())
        .collect();
    assert_eq!(logins, ["admin-t1", "rita"]);

    // The reseller admin acts inside its tenant by naming it; not inside another.
    let r = rita
        .on(app.get("/api/v1/learners"))
        .header("x-kiroku-tenant", "t1")
        .send()
        .await;
    r.expect(200);
    rita.on(app.get("/api/v1/learners"))
        .header("x-kiroku-tenant", "acme")
        .send()
        .await
        .expect(404);

    // What it did is in t1's audit log, by its account.
    let t1 = app.store.tenant_by_name("t1").await.expect("read").expect("t1");
    let q = kiroku::audit::AuditQuery {
        since_ms: None,
        after_seq: None,
        limit: 100,
    };
    let log = app.store.audit_entries(t1.id, q).await.expect("audit");
    let actions: Vec<(&str, &str)> = log.iter().map(|e| (e.action.as_str(), e.actor.kind.as_str())).collect();
    for a in [
        "tenant.created",
        "tenant.suspended",
        "tenant.resumed",
        "account.created",
    ] {
        assert!(actions.contains(&(a, "account")), "{a} in {actions:?}");
    }
}

#[tokio::test]
async fn an_end_client_admin_sees_only_their_end_clients_learners_and_registrations() {
    let env = Env::with(with_operator()).await;
    let app = &env.app;
    for (id, name) in [("e1", "East"), ("e2", "West")] {
        app.post("/api/v1/end-clients")
            .auth(&env.admin)
            .json(&json!({"id": id, "name": name}))
            .send()
            .await
            .expect(201);
    }
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let package = pkg["packageId"].as_str().expect("package").to_owned();
    for (l, e) in [("ann", "e1"), ("bob", "e2")] {
        let body = json!({"id": l, "name": l, "endClient": e});
        app.post("/api/v1/learners")
            .auth(&env.admin)
            .json(&body)
            .send()
            .await
            .expect(201);
        let reg = json!({"learner": l, "packageId": package});
        app.post("/api/v1/registrations")
            .auth(&env.admin)
            .json(&reg)
            .send()
            .await
            .expect(201);
    }
    account(
        app,
        "erin",
        json!({"role": "end-client-admin", "tenant": "acme", "endClient": "e1"}),
    )
    .await;
    let erin = sign_in(app, "erin").await;

    let learners = erin.on(app.get("/api/v1/learners")).send().await.expect(200).json();
    let ids: Vec<&str> = learners["learners"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|l| l["id"].as_str())
        .collect();
    assert_eq!(ids, ["ann"]);
    erin.on(app.get("/api/v1/learners/bob")).send().await.expect(404);
    erin.on(app.delete("/api/v1/learners/bob")).send().await.expect(404);
    let regs = erin
        .on(app.get("/api/v1/registrations"))
        .send()
        .await
        .expect(200)
        .json();
    let regs = regs["registrations"].as_array().expect("regs");
    assert_eq!(regs.len(), 1);
    assert_eq!(regs[0]["learner"], "ann");
    assert_eq!(regs[0]["endClient"], "e1");
    let all = app
        .get("/api/v1/registrations")
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .json();
    let bob_reg = all["registrations"]
        .as_array()
        .expect("regs")
        .iter()
        .find(|r| r["learner"] == "bob")
        .and_then(|r| r["id"].as_str())
        .expect("bob's registration")
        .to_owned();
    erin.on(app.get(&format!("/api/v1/registrations/{bob_reg}")))
        .send()
        .await
        .expect(404);
    erin.on(app.post(&format!("/api/v1/registrations/{bob_reg}/launch")))
        .send()
        .await
        .expect(404);
    let reg = json!({"learner": "bob", "packageId": package});
    erin.on(app.post("/api/v1/registrations"))
        .json(&reg)
        .send()
        .await
        .expect(404);

    // Reports: the end client's registrations only, each item's progress.
    let report = erin
        .on(app.get("/api/v1/reports/registrations"))
        .send()
        .await
        .expect(200)
        .json();
    let rows = report["registrations"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{report}");
    assert_eq!(rows[0]["learner"], "ann");
    assert_eq!(
        rows[0]["items"][0]["progress"]["completion"], "not attempted",
        "{report}"
    );
    let asked = erin
        .on(app.get("/api/v1/reports/registrations?endClient=e2"))
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(asked["registrations"], json!([]));
    let all = app
        .get("/api/v1/reports/registrations")
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(all["registrations"].as_array().map(Vec::len), Some(2));

    // New learners go into the admin's end client; another is refused.
    let r = erin
        .on(app.post("/api/v1/learners"))
        .json(&json!({"id": "cy", "name": "Cy"}))
        .send()
        .await;
    assert_eq!(r.expect(201).json()["endClient"], "e1");
    let r = erin
        .on(app.post("/api/v1/learners"))
        .json(&json!({"id": "di", "name": "Di", "endClient": "e2"}))
        .send()
        .await;
    r.expect(403);
    let r = erin
        .on(app.post("/api/v1/launch"))
        .json(&json!({"learner": {"id": "bob", "name": "Bob"}, "packageId": package}))
        .send()
        .await;
    r.expect(404);

    // Tenant-wide things are not theirs.
    for (method, path) in [
        (Method::GET, "/api/v1/audit"),
        (Method::GET, "/api/v1/storage"),
        (Method::GET, "/api/v1/credentials"),
        (Method::POST, "/api/v1/end-clients"),
        (Method::DELETE, "/api/v1/end-clients/e2"),
    ] {
        let r = erin
            .on(app.req(method.clone(), path))
            .json(&json!({"id": "x", "name": "x"}))
            .send()
            .await;
        assert_eq!(r.status.as_u16(), 403, "{method} {path}: {}", r.text());
    }
    let ecs = erin.on(app.get("/api/v1/end-clients")).send().await.expect(200).json();
    assert_eq!(ecs["endClients"].as_array().map(Vec::len), Some(1));
    erin.on(app.get("/api/v1/end-clients/e2")).send().await.expect(404);
    // An end client with learners cannot be deleted.
    app.delete("/api/v1/end-clients/e2")
        .auth(&env.admin)
        .send()
        .await
        .expect(409);
}
