//! Running kiroku: readiness, Prometheus metrics (labelled by route template, never by
//! grant or id), the metrics token, and JSON logs that keep secrets out.

use serde_json::{Value, json};

use kiroku::tenant::Scope;

use crate::process::Kiroku;
use crate::support::TestApp;

fn statement(mbox: &str) -> Value {
    json!({
        "actor": {"mbox": mbox},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "http://example.com/ops"},
    })
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_what_was_stored() {
    let app = TestApp::start().await;
    let t = app.tenant("acme").await;
    let c = app.credential(&t, &[Scope::All]).await;
    let batch = json!([statement("mailto:ann@example.com"), statement("mailto:bob@example.com")]);
    app.post("/xapi/statements")
        .auth(&c)
        .json(&batch)
        .send()
        .await
        .expect(200);
    app.get("/xapi/statements?agent=%7B%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D")
        .auth(&c)
        .send()
        .await
        .expect(200);
    app.get("/readyz").send().await.expect(200);
    let grant = "eyJ0IjoxfQ.c2lnbmF0dXJl";
    let content = format!("http://{}/content/{grant}/index.html", app.content_addr);
    app.request(axum::http::Method::GET, &content).send().await.expect(403);

    let text = app.get("/metrics").send().await.expect(200).text();
    assert!(text.contains("kiroku_statements_stored_total 2"), "{text}");
    let posted = "kiroku_requests_total{origin=\"app\",method=\"POST\",route=\"/xapi/statements\",status=\"2xx\"} 1";
    assert!(text.contains(posted), "{text}");
    let refused = "origin=\"content\",method=\"GET\",route=\"/content/{token}/{*path}\",status=\"4xx\"";
    assert!(text.contains(refused), "{text}");
    assert!(text.contains("kiroku_request_seconds_bucket{"), "{text}");
    for secret in [grant, "ann@example.com", "mbox"] {
        assert!(!text.contains(secret), "{secret} leaked into metrics");
    }
}

#[tokio::test]
async fn a_metrics_token_guards_the_metrics() {
    let app = TestApp::builder().metrics_token("s3cret-token").start().await;
    app.get("/metrics").send().await.expect(401);
    app.get("/metrics")
        .header("authorization", "Bearer wrong")
        .send()
        .await
        .expect(401);
    app.get("/metrics")
        .header("authorization", "Bearer s3cret-token")
        .send()
        .await
        .expect(200);
}

#[test]
fn json_logs_name_routes_and_never_secrets_or_addresses() {
    let k = Kiroku::new();
    k.ok(&["tenant", "create", "acme"]);
    let cred = k.credential("acme");
    let server = k.serve_with(&["--log-format", "json"], "debug");
    let client = std::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-u", &format!("{}:{}", cred.key, cred.secret)])
        .args([
            "-H",
            "X-Experience-API-Version: 2.0.0",
            "-H",
            "content-type: application/json",
        ])
        .args(["-d", &statement("mailto:carol@example.com").to_string()])
        .arg(server.url("/xapi/statements"))
        .status()
        .expect("run curl");
    assert!(client.success());
    let query = server.url("/xapi/statements?agent=%7B%22mbox%22%3A%22mailto%3Acarol%40example.com%22%7D");
    let read = std::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-u", &format!("{}:{}", cred.key, cred.secret)])
        .args(["-H", "X-Experience-API-Version: 2.0.0", &query])
        .status()
        .expect("run curl");
    assert!(read.success());
    let log = server.stop_and_read_log();
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON log line ({e}): {l}")))
        .collect();
    assert!(
        lines.iter().any(|l| l.to_string().contains("/xapi/statements")),
        "requests are logged with their route:\n{log}"
    );
    for secret in [cred.secret.as_str(), "carol@example.com", "Basic ", "authorization"] {
        assert!(!log.contains(secret), "{secret:?} leaked into the log:\n{log}");
    }
}

#[tokio::test]
async fn metrics_show_each_tenant_s_use_of_its_quotas() {
    use kiroku::learner::LearnerFields;
    use kiroku::store::Store;
    use kiroku::tenant::plan::Quotas;
    let app = TestApp::start().await;
    let t = app.tenant("acme").await;
    let quotas = Quotas {
        learners: Some(4),
        ..Quotas::default()
    };
    let store: &dyn Store = app.store.as_ref();
    store.create_plan("small", quotas).await.expect("plan");
    store.set_tenant_plan(t.id, Some("small")).await.expect("set plan");
    let fields = LearnerFields {
        name: "Ann".into(),
        email: None,
        end_client: None,
    };
    store.create_learner(t.id, "ann", fields).await.expect("learner");
    let text = app.get("/metrics").send().await.expect(200).text();
    let line = "kiroku_quota_use_ratio{tenant=\"acme\",quota=\"learners\"} 0.25";
    assert!(text.contains(line), "{text}");
    assert_eq!(text.matches("# TYPE kiroku_quota_use_ratio gauge").count(), 1);
}
