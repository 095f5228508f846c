//! `kiroku migrate-store`: a deployment moves from SQLite to PostgreSQL, and the same
//! credentials read the same statements, documents and packages from the copy.

use axum::http::Method;
use serde_json::{Value, json};

use crate::data::{stmt, uuid, with_id};
use crate::packages::fixture;
use crate::process::{Kiroku, Server};
use crate::scratch_db::ScratchDb;
use crate::support::{Cred, HttpClient, Req, http_client};

const STATE: &str = "/xapi/activities/state?activityId=http%3A%2F%2Fexample.com%2Fm&agent=%7B%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D&stateId=s";

async fn view(client: &HttpClient, server: &Server, c: &Cred) -> (Value, Value, Value) {
    let get = |path: &str| Req::new(client, Method::GET, server.url(path)).auth(c);
    let statements = get("/xapi/statements?limit=0&ascending=true")
        .send()
        .await
        .expect(200)
        .json();
    let state = get(STATE).send().await.expect(200).json();
    (statements["statements"].clone(), state, Value::Null)
}

/// A tenant's audit log as `kiroku audit --json` prints it (one entry a line), without
/// the sequence numbers (a copy numbers its entries anew, in the same order).
fn audit_log(k: &Kiroku, global: &[&str]) -> Vec<Value> {
    let mut args = global.to_vec();
    args.extend(["--json", "audit", "acme"]);
    k.ok(&args)
        .lines()
        .map(|l| {
            let mut e: Value = serde_json::from_str(l).expect("an entry as JSON");
            e.as_object_mut().expect("an object").remove("seq");
            e
        })
        .collect()
}

#[tokio::test]
async fn a_sqlite_deployment_moves_to_postgresql_with_everything_compared() {
    let k = Kiroku::on_sqlite();
    k.ok(&["plan", "create", "gold", "--learners", "50"]);
    k.ok(&["reseller", "create", "north"]);
    k.ok(&["tenant", "create", "acme", "--plan", "gold", "--reseller", "north"]);
    // Accounts of the service, of the reseller and of the tenant, with generated passwords.
    let accounts: Vec<(String, String)> = [
        vec!["account", "create", "ops", "--role", "operator"],
        vec![
            "account",
            "create",
            "rita",
            "--role",
            "reseller-admin",
            "--reseller",
            "north",
        ],
        vec![
            "account",
            "create",
            "ann-admin",
            "--role",
            "tenant-admin",
            "--tenant",
            "acme",
        ],
    ]
    .iter()
    .map(|args| {
        let v = k.json(args);
        let password = v["password"].as_str().expect("generated password").to_owned();
        (v["login"].as_str().expect("login").to_owned(), password)
    })
    .collect();
    let c = k.credential("acme");
    let zip = k.dir.path().join("p.zip");
    std::fs::write(&zip, fixture::package("scorm12-single-sco")).expect("zip");
    k.ok(&["import", "acme", zip.to_str().expect("utf-8")]);
    let client = http_client();
    let before = {
        let server = k.serve();
        let batch: Vec<Value> = (0..25)
            .map(|i| with_id(stmt(&format!("l{i}"), "read", "x"), &uuid()))
            .collect();
        Req::new(&client, Method::POST, server.url("/xapi/statements"))
            .auth(&c)
            .json(&json!(batch))
            .send()
            .await
            .expect(200);
        Req::new(&client, Method::PUT, server.url(STATE))
            .auth(&c)
            .json(&json!({"page": 9}))
            .send()
            .await
            .expect(204);
        view(&client, &server, &c).await
    };

    // The audit log so far: the CLI's import and credential, and the admin API's learner.
    let admin = {
        let v = k.json(&["credential", "create", "acme", "--scope", "admin"]);
        Cred {
            key: v["key"].as_str().expect("key").to_owned(),
            secret: v["secret"].as_str().expect("secret").to_owned(),
        }
    };
    {
        let server = k.serve();
        Req::new(&client, Method::PUT, server.url("/api/v1/learners/ann"))
            .auth(&admin)
            .json(&json!({"name": "Ann"}))
            .send()
            .await
            .expect(201);
    }
    let audit = audit_log(&k, &[]);
    assert!(audit.len() >= 3, "{audit:?}");

    let target = ScratchDb::create_blocking();
    let report = k.json(&["migrate-store", "--to", &target.url()]);
    let tenants = report.as_array().expect("a report per tenant");
    assert_eq!(tenants.len(), 1, "{report}");
    assert_eq!(tenants[0]["rows"]["statements"], 25, "{report}");
    assert_eq!(tenants[0]["rows"]["audit_log"], audit.len(), "{report}");
    // The audit log came along: the same entries, times and order.
    assert_eq!(audit_log(&k, &["--database-url", &target.url()]), audit);

    // The same data folder on the copy: same credential, same answers.
    let server = k.serve_with(&["--database-url", &target.url()], "info");
    assert_eq!(view(&client, &server, &c).await, before);
    let shown = k.json(&["--database-url", &target.url(), "tenant", "show", "acme"]);
    assert_eq!(shown["plan"], "gold", "{shown}");
    assert_eq!(shown["reseller"], "north", "{shown}");
    // Every account signs in on the copy with its password, in its role.
    for (login, password) in &accounts {
        let r = Req::new(&client, Method::POST, server.url("/api/auth/login"))
            .json(&json!({"login": login, "password": password}))
            .send()
            .await
            .expect(200);
        let role = r.json()["account"]["role"].clone();
        assert!(role.is_string(), "{login}: {role}");
    }
    // A second migration into the same (now full) database is refused.
    let again = k.run(&["migrate-store", "--to", &target.url()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds tenants"));
}
