//! Authentication and scopes.

use serde_json::json;

use crate::data::{activity, agent_param, q, stmt};
use crate::documents::{ACTIVITY_PROFILE, AGENT_PROFILE, STATE};
use crate::support::{Cred, TestApp, basic};
use kiroku::tenant::Scope;

#[tokio::test]
async fn missing_or_bad_credentials_get_401_with_a_challenge() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let headers = [
        None,
        Some(basic(&c.key, "wrong secret")),
        Some(basic("no-such-key", &c.secret)),
        Some(basic("RobCIsNot", "AUserOnThisLRS123")),
        Some("Basic:xxxx".to_owned()),
        Some("Basic !!!not-base64!!!".to_owned()),
        Some(format!("Bearer {}", c.secret)),
        Some(format!("Basic {}", base64_of(&c.key))),
    ];
    for h in headers {
        let mut req = app.get("/xapi/statements");
        if let Some(h) = &h {
            req = req.header("authorization", h);
        }
        let r = req.send().await;
        assert_eq!(r.status.as_u16(), 401, "Authorization {h:?}: {}", r.text());
        let challenge = r.header("www-authenticate").unwrap_or("");
        assert!(challenge.starts_with("Basic"), "challenge {challenge:?}");
    }
    app.get("/xapi/statements").auth(&c).send().await.expect(200);
}

fn base64_of(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[tokio::test]
async fn a_revoked_credential_is_refused_at_once() {
    let app = TestApp::start().await;
    let t = app.tenant("t").await;
    let (c, other) = (
        app.credential(&t, &[Scope::All]).await,
        app.credential(&t, &[Scope::All]).await,
    );
    app.store(&c, &stmt("a", "v", "x")).await;
    app.revoke(&t, &c).await;
    app.get("/xapi/statements").auth(&c).send().await.expect(401);
    app.post("/xapi/statements")
        .auth(&c)
        .json(&stmt("a", "v", "x"))
        .send()
        .await
        .expect(401);
    assert_eq!(
        app.query_ids(&other, &[]).await.len(),
        1,
        "other credentials keep working"
    );
}

#[tokio::test]
async fn write_only_credentials_cannot_read() {
    let app = TestApp::start().await;
    let t = app.tenant("t").await;
    let writer = app.credential(&t, &[Scope::StatementsWrite]).await;
    let id = app.store(&writer, &stmt("a", "v", "x")).await;
    let reads = [
        q("/xapi/statements", &[("statementId", &id)]),
        "/xapi/statements".to_owned(),
        q("/xapi/activities", &[("activityId", &activity("x"))]),
        q("/xapi/agents", &[("agent", &agent_param("a"))]),
        STATE.url(Some("s"), &[]),
        ACTIVITY_PROFILE.url(None, &[]),
    ];
    for path in reads {
        let r = app.get(&path).auth(&writer).send().await;
        assert_eq!(r.status.as_u16(), 403, "GET {path}: {}", r.text());
        assert!(!r.text().contains(&id), "a 403 must not leak the statement");
    }
}

#[tokio::test]
async fn read_mine_sees_only_statements_its_own_key_stored() {
    let app = TestApp::start().await;
    let t = app.tenant("t").await;
    let mine = app
        .credential(&t, &[Scope::StatementsWrite, Scope::StatementsReadMine])
        .await;
    let other = app.credential(&t, &[Scope::All]).await;
    let own: Vec<String> = app
        .store_statements(&mine, &json!([stmt("a", "v", "x"), stmt("b", "v", "x")]))
        .await;
    let foreign = app.store(&other, &stmt("a", "v", "x")).await;
    app.statement(&mine, &own[0]).await.expect(200);
    app.statement(&mine, &foreign).await.expect(404);
    let mut walked = Vec::new();
    let mut page = app.query(&mine, &[("limit", "1")]).await;
    loop {
        walked.extend(crate::data::ids_of(&page));
        let more = page["more"].as_str().unwrap_or_default().to_owned();
        if more.is_empty() {
            break;
        }
        page = app.get(&more).auth(&mine).send().await.expect(200).json();
    }
    assert_eq!(walked, vec![own[1].clone(), own[0].clone()]);
    let by_agent = app.query_ids(&mine, &[("agent", &agent_param("a"))]).await;
    assert_eq!(by_agent, vec![own[0].clone()]);
    let all = app.query_ids(&other, &[]).await;
    assert_eq!(all.len(), 3, "statements/read sees everything");
}

#[tokio::test]
async fn the_state_scope_reaches_state_only() {
    let app = TestApp::start().await;
    let t = app.tenant("t").await;
    let state = app.credential(&t, &[Scope::State]).await;
    let doc = json!({ "s": 1 });
    app.put(&STATE.url(Some("s"), &[]))
        .auth(&state)
        .json(&doc)
        .send()
        .await
        .expect(204);
    assert_eq!(
        app.get(&STATE.url(Some("s"), &[]))
            .auth(&state)
            .send()
            .await
            .expect(200)
            .json(),
        doc
    );
    app.delete(&STATE.url(Some("s"), &[]))
        .auth(&state)
        .send()
        .await
        .expect(204);
    let refused = [
        (axum::http::Method::GET, ACTIVITY_PROFILE.url(Some("p"), &[])),
        (axum::http::Method::PUT, AGENT_PROFILE.url(Some("p"), &[])),
        (axum::http::Method::GET, "/xapi/statements".to_owned()),
        (axum::http::Method::POST, "/xapi/statements".to_owned()),
    ];
    for (method, path) in refused {
        let r = app
            .req(method.clone(), &path)
            .auth(&state)
            .json(&stmt("a", "v", "x"))
            .send()
            .await;
        assert_eq!(r.status.as_u16(), 403, "{method} {path}: {}", r.text());
    }
}

#[tokio::test]
async fn profile_and_all_read_scopes_grant_what_they_name() {
    let app = TestApp::start().await;
    let t = app.tenant("t").await;
    let profile = app.credential(&t, &[Scope::Profile]).await;
    let reader = app.credential(&t, &[Scope::AllRead]).await;
    let cases: [(&Cred, axum::http::Method, String, u16); 4] = [
        (
            &profile,
            axum::http::Method::PUT,
            AGENT_PROFILE.url(Some("p"), &[]),
            204,
        ),
        (&profile, axum::http::Method::PUT, STATE.url(Some("p"), &[]), 403),
        (&reader, axum::http::Method::GET, AGENT_PROFILE.url(Some("p"), &[]), 200),
        (&reader, axum::http::Method::PUT, AGENT_PROFILE.url(Some("p"), &[]), 403),
    ];
    for (cred, method, path, want) in cases {
        let req = app.req(method.clone(), &path).auth(cred).header("if-none-match", "*");
        let r = req.json(&json!({ "p": 1 })).send().await;
        assert_eq!(r.status.as_u16(), want, "{method} {path}: {}", r.text());
    }
}
