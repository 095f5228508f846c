//! The tenant audit log: every admin API change and CLI command is recorded with who,
//! what, when and from which address; nothing secret or personal goes in; the log is
//! paged, tenant-scoped and needs the admin scope.

use kiroku::tenant::Scope;
use serde_json::{Value, json};

use crate::packages::Env;
use crate::process::Kiroku;
use crate::support::TestApp;

async fn audit(env: &Env, query: &str) -> Value {
    env.app
        .get(&format!("/api/v1/audit{query}"))
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .json()
}

fn actions(log: &Value) -> Vec<String> {
    log["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["action"].as_str().unwrap_or(""),
                e["target"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[tokio::test]
async fn each_admin_action_is_recorded_with_who_what_when_and_where() {
    let env = Env::start().await;
    let before = chrono::Utc::now().timestamp_millis();
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let package_id = pkg["packageId"].as_str().expect("package id");
    let learner = json!({"id": "ann", "name": "Ann Lee", "email": "ann@example.com"});
    env.app
        .post("/api/v1/learners")
        .auth(&env.admin)
        .json(&learner)
        .send()
        .await
        .expect(201);
    let update = json!({"name": "Ann Lee-Park", "email": "ann.park@example.com"});
    env.app
        .put("/api/v1/learners/ann")
        .auth(&env.admin)
        .json(&update)
        .send()
        .await
        .expect(200);
    let reg = json!({"learner": "ann", "packageId": package_id});
    let r = env
        .app
        .post("/api/v1/registrations")
        .auth(&env.admin)
        .json(&reg)
        .send()
        .await
        .expect(201)
        .json();
    let reg_id = r["id"].as_str().expect("registration id");
    let launch = env
        .app
        .post(&format!("/api/v1/registrations/{reg_id}/launch"))
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .json();
    env.app
        .delete("/api/v1/learners/ann?force=true")
        .auth(&env.admin)
        .send()
        .await
        .expect(204);
    env.app
        .delete(&format!("/api/v1/packages/{package_id}"))
        .auth(&env.admin)
        .send()
        .await
        .expect(204);

    let log = audit(&env, "").await;
    assert_eq!(
        actions(&log),
        [
            format!("package.imported package:{package_id}"),
            "learner.created learner:ann".into(),
            "learner.updated learner:ann".into(),
            format!("registration.created registration:{reg_id}"),
            "launch.issued learner:ann".into(),
            "learner.deleted learner:ann".into(),
            format!("package.deleted package:{package_id}"),
        ]
    );
    for e in log["entries"].as_array().expect("entries") {
        assert_eq!(e["actor"], json!({"kind": "credential", "id": env.admin.key}), "{e}");
        assert_eq!(e["address"], "127.0.0.1", "{e}");
        let at = chrono::DateTime::parse_from_rfc3339(e["at"].as_str().expect("at")).expect("RFC 3339");
        assert!(at.timestamp_millis() >= before - 1000, "{e}");
    }
    assert_eq!(log["entries"][2]["detail"], json!({"fields": ["name", "email"]}));
    assert_eq!(log["entries"][5]["detail"], json!({"force": true}));
    // No secret, no e-mail address, no launch link.
    let text = log.to_string();
    let grant = launch["url"]
        .as_str()
        .expect("url")
        .split("/content/")
        .nth(1)
        .expect("grant");
    let grant = grant.split('/').next().expect("grant");
    for secret in [env.admin.secret.as_str(), "example.com", grant] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

#[tokio::test]
async fn the_log_pages_filters_by_time_and_stays_in_its_tenant() {
    let env = Env::start().await;
    for id in ["a", "b", "c"] {
        let l = json!({"id": id, "name": id});
        env.app
            .post("/api/v1/learners")
            .auth(&env.admin)
            .json(&l)
            .send()
            .await
            .expect(201);
    }
    let page = audit(&env, "?limit=2").await;
    assert_eq!(
        actions(&page),
        ["learner.created learner:a", "learner.created learner:b"]
    );
    let more = page["more"].as_str().expect("more");
    let next = env.app.get(more).auth(&env.admin).send().await.expect(200).json();
    assert_eq!(actions(&next), ["learner.created learner:c"]);
    assert!(next.get("more").is_none(), "{next}");
    let future = audit(&env, "?since=2999-01-01T00:00:00Z").await;
    assert_eq!(future["entries"], json!([]));
    env.app
        .get("/api/v1/audit?since=yesterday")
        .auth(&env.admin)
        .send()
        .await
        .expect(400);
    let other = env.other_tenant("other").await;
    let theirs = env
        .app
        .get("/api/v1/audit")
        .auth(&other)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(theirs["entries"], json!([]));
    let lrs = env.app.credential(&env.tenant, &[Scope::All]).await;
    env.app.get("/api/v1/audit").auth(&lrs).send().await.expect(403);
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_a_trusted_proxy() {
    for (trusted, want) in [(false, "127.0.0.1"), (true, "198.51.100.23")] {
        let builder = if trusted {
            TestApp::builder().trusted_proxy("127.0.0.1")
        } else {
            TestApp::builder()
        };
        let env = Env::with(builder).await;
        env.app
            .post("/api/v1/learners")
            .auth(&env.admin)
            .header("x-forwarded-for", "198.51.100.23")
            .json(&json!({"id": "ann", "name": "Ann"}))
            .send()
            .await
            .expect(201);
        let log = audit(&env, "").await;
        assert_eq!(log["entries"][0]["address"], want);
    }
}

#[test]
fn cli_commands_are_recorded_and_printed() {
    let k = Kiroku::new();
    k.ok(&["tenant", "create", "acme"]);
    let cred = k.credential("acme");
    k.ok(&["tenant", "settings", "acme", "--concurrent-launches", "refuse"]);
    k.ok(&["credential", "revoke", "acme", &cred.key]);
    let out = k.ok(&["audit", "acme", "--json"]);
    assert!(!out.contains(&cred.secret), "{out}");
    let entries: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    let got: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or(""),
                e["actor"]["kind"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("credential.created", "cli"),
            ("tenant.settings_changed", "cli"),
            ("credential.revoked", "cli")
        ]
    );
    assert_eq!(entries[0]["target"], format!("credential:{}", cred.key));
    assert_eq!(entries[1]["detail"]["after"]["concurrentLaunches"], "refuse");
    assert_eq!(entries[1]["address"], Value::Null);
    let text = k.ok(&["audit", "acme"]);
    assert_eq!(text.lines().count(), 3, "{text}");
}
