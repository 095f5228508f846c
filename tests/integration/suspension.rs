//! Suspension: while a tenant is suspended every endpoint of it — xAPI, the admin API,
//! launches, content files, the run-time and the player — answers 403 with the reason
//! `tenant_suspended`, and nothing of its data changes; resuming restores everything.
//! Another tenant of the same server is untouched throughout.

use axum::http::Method;
use serde_json::{Value, json};

use crate::data::{agent_param, q, stmt};
use crate::packages::Env;
use crate::support::{Cred, TestApp};

const TOKEN: &str = "operator-secret-token";

/// A tenant with a package, a learner, a registration, statements, a state document and
/// a run-time attempt; returns the environment, its xAPI credential and the URLs.
struct Seeded {
    env: Env,
    xapi: Cred,
    package: String,
    registration: String,
    content_url: String,
    runtime: String,
    item: String,
    player: String,
}

async fn seed() -> Seeded {
    let env = Env::with(TestApp::builder().operator_token(TOKEN)).await;
    let xapi = env.app.credential(&env.tenant, &[kiroku::tenant::Scope::All]).await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let package = pkg["packageId"].as_str().expect("package").to_owned();
    let item = pkg["launchables"][0]["id"].as_str().expect("item").to_owned();
    let l = env
        .app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&json!({"learner": {"id": "ann", "name": "Ann"}, "packageId": package}))
        .send()
        .await
        .expect(200)
        .json();
    let content_url = l["url"].as_str().expect("url").to_owned();
    let runtime = l["contentBase"]
        .as_str()
        .expect("base")
        .replace("/content/", "/runtime/")
        .trim_end_matches('/')
        .to_owned();
    let player = l["playerUrl"].as_str().expect("player").to_owned();
    let registration = l["registration"].as_str().expect("registration").to_owned();
    env.app.store(&xapi, &stmt("ann", "did", "thing")).await;
    let state = q(
        "/xapi/activities/state",
        &[
            ("activityId", "http://example.com/a"),
            ("agent", &agent_param("ann")),
            ("stateId", "s"),
        ],
    );
    env.app
        .put(&state)
        .auth(&xapi)
        .json(&json!({"x": 1}))
        .send()
        .await
        .expect(204);
    let open = env.app.request(Method::GET, &format!("{runtime}/{item}")).send().await;
    open.expect(200);
    Seeded {
        env,
        xapi,
        package,
        registration,
        content_url,
        runtime,
        item,
        player,
    }
}

/// Everything the tenant holds, as its own clients read it.
async fn snapshot(s: &Seeded) -> Value {
    let (app, admin) = (&s.env.app, &s.env.admin);
    let mut out = json!({});
    for path in [
        "/api/v1/packages",
        "/api/v1/learners",
        "/api/v1/registrations",
        "/api/v1/storage",
    ] {
        out[path] = app.get(path).auth(admin).send().await.expect(200).json();
    }
    let mut statements = app.query(&s.xapi, &[]).await;
    statements["more"] = json!(null);
    out["statements"] = statements;
    let state = q(
        "/xapi/activities/state",
        &[
            ("activityId", "http://example.com/a"),
            ("agent", &agent_param("ann")),
            ("stateId", "s"),
        ],
    );
    out["state"] = app.get(&state).auth(&s.xapi).send().await.expect(200).json();
    out
}

async fn operator(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> crate::support::Resp {
    let mut r = app
        .req(method, path)
        .header("authorization", &format!("Bearer {TOKEN}"));
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await
}

/// What an endpoint is, its method, URL, credential and JSON body.
type Endpoint = (&'static str, Method, String, Option<Cred>, Option<Value>);

/// Every endpoint of the tenant on the app origin.
fn endpoints(s: &Seeded) -> Vec<Endpoint> {
    let (a, x) = (Some(s.env.admin.clone()), Some(s.xapi.clone()));
    let pkg = &s.package;
    let reg = &s.registration;
    let agent = agent_param("ann");
    let state = q(
        "/xapi/activities/state",
        &[
            ("activityId", "http://example.com/a"),
            ("agent", &agent),
            ("stateId", "s"),
        ],
    );
    let learner = json!({"id": "bob", "name": "Bob"});
    vec![
        (
            "xapi statements get",
            Method::GET,
            "/xapi/statements".into(),
            x.clone(),
            None,
        ),
        (
            "xapi statements post",
            Method::POST,
            "/xapi/statements".into(),
            x.clone(),
            Some(stmt("ann", "did", "other")),
        ),
        ("xapi state get", Method::GET, state.clone(), x.clone(), None),
        (
            "xapi state put",
            Method::PUT,
            state.clone(),
            x.clone(),
            Some(json!({"x": 2})),
        ),
        ("xapi state delete", Method::DELETE, state, x.clone(), None),
        (
            "xapi activities",
            Method::GET,
            q("/xapi/activities", &[("activityId", "http://example.com/a")]),
            x.clone(),
            None,
        ),
        (
            "xapi agents",
            Method::GET,
            q("/xapi/agents", &[("agent", &agent)]),
            x.clone(),
            None,
        ),
        (
            "xapi agent profile",
            Method::GET,
            q("/xapi/agents/profile", &[("agent", &agent)]),
            x.clone(),
            None,
        ),
        (
            "xapi activity profile",
            Method::GET,
            q("/xapi/activities/profile", &[("activityId", "http://example.com/a")]),
            x,
            None,
        ),
        ("packages list", Method::GET, "/api/v1/packages".into(), a.clone(), None),
        (
            "packages upload",
            Method::POST,
            "/api/v1/packages".into(),
            a.clone(),
            Some(json!({})),
        ),
        (
            "package show",
            Method::GET,
            format!("/api/v1/packages/{pkg}"),
            a.clone(),
            None,
        ),
        (
            "package delete",
            Method::DELETE,
            format!("/api/v1/packages/{pkg}?force=true"),
            a.clone(),
            None,
        ),
        (
            "package launch",
            Method::POST,
            format!("/api/v1/packages/{pkg}/launch"),
            a.clone(),
            Some(json!({"learner": "ann"})),
        ),
        (
            "lms launch",
            Method::POST,
            "/api/v1/launch".into(),
            a.clone(),
            Some(json!({"learner": learner, "packageId": pkg})),
        ),
        ("storage", Method::GET, "/api/v1/storage".into(), a.clone(), None),
        (
            "learners create",
            Method::POST,
            "/api/v1/learners".into(),
            a.clone(),
            Some(learner),
        ),
        ("learners list", Method::GET, "/api/v1/learners".into(), a.clone(), None),
        (
            "learner show",
            Method::GET,
            "/api/v1/learners/ann".into(),
            a.clone(),
            None,
        ),
        (
            "learner put",
            Method::PUT,
            "/api/v1/learners/ann".into(),
            a.clone(),
            Some(json!({"name": "Changed"})),
        ),
        (
            "learner delete",
            Method::DELETE,
            "/api/v1/learners/ann?force=true".into(),
            a.clone(),
            None,
        ),
        (
            "registrations create",
            Method::POST,
            "/api/v1/registrations".into(),
            a.clone(),
            Some(json!({"learner": "ann", "packageId": pkg})),
        ),
        (
            "registrations list",
            Method::GET,
            "/api/v1/registrations".into(),
            a.clone(),
            None,
        ),
        (
            "registration show",
            Method::GET,
            format!("/api/v1/registrations/{reg}"),
            a.clone(),
            None,
        ),
        (
            "registration launch",
            Method::POST,
            format!("/api/v1/registrations/{reg}/launch"),
            a,
            Some(json!({})),
        ),
    ]
}

fn assert_reason(what: &str, v: &Value) {
    assert_eq!(v["error"]["reason"], "tenant_suspended", "{what}: {v}");
    assert_eq!(v["error"]["code"], 403, "{what}: {v}");
}

#[tokio::test]
async fn every_endpoint_of_a_suspended_tenant_refuses_and_nothing_changes() {
    let s = seed().await;
    let app = &s.env.app;
    let other = s.env.other_tenant("bystander").await;
    let before = snapshot(&s).await;
    let r = operator(
        app,
        Method::POST,
        "/api/operator/v1/tenants/acme/suspend",
        Some(json!({"reason": "unpaid"})),
    )
    .await;
    assert_eq!(r.expect(200).json()["status"], "suspended");

    for (what, method, url, cred, body) in endpoints(&s) {
        let mut req = app.req(method, &url);
        if let Some(c) = &cred {
            req = req.auth(c);
        }
        if let Some(b) = &body {
            req = req.json(b);
        }
        let r = req.send().await;
        assert_eq!(r.status.as_u16(), 403, "{what}: {}", r.text());
        assert_reason(what, &r.json());
    }
    // The learner's side, on the content origin: JSON for the run-time, a page for people.
    let c = &s.env;
    for (what, method, url, body) in [
        ("runtime open", Method::GET, format!("{}/{}", s.runtime, s.item), None),
        (
            "runtime commit",
            Method::POST,
            format!("{}/{}/commit", s.runtime, s.item),
            Some(json!({"attempt": 1, "seq": 9, "sets": [["cmi.core.lesson_location", "p9"]]})),
        ),
        ("runtime course", Method::GET, format!("{}/-/course", s.runtime), None),
        (
            "runtime nav",
            Method::POST,
            format!("{}/-/nav", s.runtime),
            Some(json!({"request": "continue"})),
        ),
    ] {
        let mut req = c.content(method, &url);
        if let Some(b) = &body {
            req = req.json(b);
        }
        let r = req.send().await;
        assert_eq!(r.status.as_u16(), 403, "{what}: {}", r.text());
        assert_reason(what, &r.json());
    }
    for (what, url) in [("content file", &s.content_url), ("player", &s.player)] {
        let r = c.fetch(url).await;
        assert_eq!(r.status.as_u16(), 403, "{what}");
        assert_eq!(r.header("kiroku-reason"), Some("tenant_suspended"), "{what}");
        assert!(
            r.header("content-type").is_some_and(|t| t.starts_with("text/html")),
            "{what}"
        );
        assert!(r.text().contains("data-reason=\"tenant_suspended\""), "{what}");
    }
    // Another tenant is served as ever.
    app.get("/api/v1/packages").auth(&other).send().await.expect(200);

    let shown = operator(app, Method::GET, "/api/operator/v1/tenants/acme", None)
        .await
        .expect(200)
        .json();
    assert_eq!(
        (shown["status"].as_str(), shown["statusReason"].as_str()),
        (Some("suspended"), Some("unpaid"))
    );
    let r = operator(app, Method::POST, "/api/operator/v1/tenants/acme/resume", None).await;
    assert_eq!(r.expect(200).json()["status"], "active");
    assert_eq!(snapshot(&s).await, before, "a suspended tenant's data changed");
    for url in [&s.content_url, &s.player] {
        c.fetch(url).await.expect(200);
    }
    c.content(Method::GET, &format!("{}/{}", s.runtime, s.item))
        .send()
        .await
        .expect(200);
}
