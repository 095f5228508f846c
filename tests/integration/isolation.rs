//! Tenant isolation: tenant A stores statements (with an attachment), a voided statement,
//! states and profiles; tenant B then walks every endpoint and method, using A's ids,
//! filters, `more` token and ETags, and must never see, count, modify or detect A's data.

use axum::http::Method;
use serde_json::{Value, json};

use crate::data::{
    activity, agent, agent_param, attachment_decl, attachment_headers, ids_of, multipart, multipart_type, q,
    sha256_hex, stmt, uuid, verb, voiding, with_id,
};
use crate::documents::{ALL, Res, create, fetch};
use crate::support::{Cred, TestApp};

const SECRET: &[u8] = b"tenant A's private attachment bytes";

/// What A stored, as B might learn it (ids, hashes, tokens and ETags leak easily).
struct Seeded {
    stmt: String,
    voided: String,
    voiding: String,
    reg: String,
    more: String,
    etags: Vec<(Res, String)>,
}

fn secret_stmt(reg: &str) -> Value {
    let mut s = stmt("alice-a", "secret", "secret-act");
    s["object"]["definition"] = json!({ "name": { "en-US": "A's secret activity" } });
    s["context"] = json!({ "registration": reg, "instructor": agent("ian-a") });
    s["attachments"] = json!([attachment_decl(SECRET, "text/plain")]);
    s
}

async fn seed_a(app: &TestApp, a: &Cred) -> Seeded {
    let reg = uuid();
    let body = multipart(
        &secret_stmt(&reg),
        &[(attachment_headers(SECRET, "text/plain"), SECRET)],
    );
    let r = app
        .post("/xapi/statements")
        .auth(a)
        .body(&multipart_type(), body)
        .send()
        .await;
    let stmt_id = r.expect(200).json()[0].as_str().expect("id").to_owned();
    let voided = app.store(a, &stmt("alice-a", "secret", "secret-act")).await;
    let voiding_id = app.store(a, &voiding("alice-a", &voided)).await;
    let more = app.query(a, &[("limit", "1")]).await["more"]
        .as_str()
        .expect("more")
        .to_owned();
    assert!(!more.is_empty());
    let mut etags = Vec::new();
    for res in ALL {
        etags.push((res, create(app, a, res, "doc", &json!({ "owner": "A" })).await));
    }
    Seeded {
        stmt: stmt_id,
        voided,
        voiding: voiding_id,
        reg,
        more,
        etags,
    }
}

/// Everything A can read, to compare before and after B's walk.
async fn snapshot(app: &TestApp, a: &Cred, s: &Seeded) -> Value {
    let mut docs = Vec::new();
    for (res, _) in &s.etags {
        let d = fetch(app, a, *res, "doc").await.expect(200);
        let ids = app.get(&res.url(None, &[])).auth(a).send().await.expect(200).json();
        docs.push(json!([d.json(), d.header("etag"), ids]));
    }
    let att = q("/xapi/statements", &[("statementId", &s.stmt), ("attachments", "true")]);
    let parts = crate::data::parse_multipart(&app.get(&att).auth(a).send().await.expect(200));
    let act = q("/xapi/activities", &[("activityId", &activity("secret-act"))]);
    json!({
        "stmt": app.statement(a, &s.stmt).await.expect(200).json(),
        "voided": app.voided_statement(a, &s.voided).await.expect(200).json(),
        "voiding": app.statement(a, &s.voiding).await.expect(200).json(),
        "all": app.query(a, &[]).await,
        "attachment": String::from_utf8_lossy(&parts[1].body),
        "activity": app.get(&act).auth(a).send().await.expect(200).json(),
        "docs": docs,
    })
}

async fn b_reads_statements(app: &TestApp, b: &Cred, s: &Seeded) {
    app.statement(b, &s.stmt).await.expect(404);
    app.statement(b, &s.voiding).await.expect(404);
    app.voided_statement(b, &s.voided).await.expect(404);
    let att = q("/xapi/statements", &[("statementId", &s.stmt), ("attachments", "true")]);
    app.get(&att).auth(b).send().await.expect(404);
    let (a_verb, a_act) = (verb("secret"), activity("secret-act"));
    let filters: [&[(&str, &str)]; 7] = [
        &[("agent", &agent_param("alice-a"))],
        &[("agent", &agent_param("ian-a")), ("related_agents", "true")],
        &[("verb", &a_verb)],
        &[("activity", &a_act)],
        &[("activity", &a_act), ("related_activities", "true")],
        &[("registration", &s.reg)],
        &[("verb", "http://adlnet.gov/expapi/verbs/voided")],
    ];
    for f in filters {
        assert_eq!(app.query_ids(b, f).await, Vec::<String>::new(), "B queried {f:?}");
    }
    let r = app.get(&s.more).auth(b).send().await;
    assert!(matches!(r.status.as_u16(), 200 | 400), "A's more token: {}", r.status);
    assert_no_a_data(&r.text(), s);
    let r = app
        .get("/xapi/statements?attachments=true")
        .auth(b)
        .send()
        .await
        .expect(200);
    assert_no_a_data(&r.text(), s);
}

fn assert_no_a_data(body: &str, s: &Seeded) {
    let secrets = [
        s.stmt.as_str(),
        &s.voided,
        &s.voiding,
        &sha256_hex(SECRET),
        "alice-a",
        "secret-act",
    ];
    for secret in secrets {
        assert!(!body.contains(secret), "B's response leaks {secret:?}: {body}");
    }
    assert!(!body.contains(std::str::from_utf8(SECRET).unwrap_or_default()));
}

async fn b_walks_documents(app: &TestApp, b: &Cred, s: &Seeded) {
    for (res, etag) in &s.etags {
        let url = res.url(Some("doc"), &[]);
        fetch(app, b, *res, "doc").await.expect(404);
        let ids = app.get(&res.url(None, &[])).auth(b).send().await.expect(200);
        assert_eq!(ids.json(), json!([]), "{res:?}");
        for method in [Method::PUT, Method::POST, Method::DELETE] {
            let r = app.req(method.clone(), &url).auth(b).header("if-match", etag);
            let r = r.json(&json!({ "owner": "B" })).send().await;
            assert_eq!(r.status.as_u16(), 412, "{method} {url} with A's ETag: {}", r.text());
        }
        app.delete(&url).auth(b).send().await.expect(204);
        let fresh = app
            .put(&url)
            .auth(b)
            .header("if-none-match", "*")
            .json(&json!({ "owner": "B" }));
        fresh.send().await.expect(204);
        assert_eq!(fetch(app, b, *res, "doc").await.json(), json!({ "owner": "B" }));
    }
    app.delete(&crate::documents::STATE.url(None, &[]))
        .auth(b)
        .send()
        .await
        .expect(204);
}

async fn b_reads_meta(app: &TestApp, b: &Cred) {
    let act = q("/xapi/activities", &[("activityId", &activity("secret-act"))]);
    let got = app.get(&act).auth(b).send().await.expect(200).json();
    assert_eq!(got, json!({ "objectType": "Activity", "id": activity("secret-act") }));
    let who = q("/xapi/agents", &[("agent", &agent_param("alice-a"))]);
    let person = app.get(&who).auth(b).send().await.expect(200).json();
    assert_eq!(person["name"], json!([]), "nothing about A's agent beyond the query");
}

async fn b_writes_over_a_ids(app: &TestApp, b: &Cred, s: &Seeded) {
    app.store(b, &voiding("bob-b", &s.stmt)).await;
    let mut r = stmt("bob-b", "b-ref", "b-act");
    r["object"] = json!({ "objectType": "StatementRef", "id": s.voided });
    app.store(b, &r).await;
    assert!(
        app.query_ids(b, &[("verb", &verb("secret"))]).await.is_empty(),
        "no filter inheritance"
    );
    let own = with_id(stmt("bob-b", "b-verb", "b-act"), &s.stmt);
    app.put(&q("/xapi/statements", &[("statementId", &s.stmt)]))
        .auth(b)
        .json(&own)
        .send()
        .await
        .expect(204);
    assert_eq!(
        app.statement(b, &s.stmt).await.expect(200).json()["actor"],
        agent("bob-b")
    );
    let mut decl = attachment_decl(SECRET, "text/plain");
    decl["fileUrl"] = json!("http://example.com/guess");
    let mut guess = stmt("bob-b", "b-verb", "b-act");
    guess["attachments"] = json!([decl]);
    let id = app.store(b, &guess).await;
    let att = q("/xapi/statements", &[("statementId", &id), ("attachments", "true")]);
    let resp = app.get(&att).auth(b).send().await.expect(200);
    assert_eq!(
        crate::data::parse_multipart(&resp).len(),
        1,
        "A's attachment is not served to B"
    );
}

#[tokio::test]
async fn another_tenant_never_sees_counts_modifies_or_detects_data() {
    let app = TestApp::start().await;
    let (a, b) = (app.tenant_cred("a").await, app.tenant_cred("b").await);
    let b_own = app.store(&b, &stmt("bob-b", "b-verb", "b-act")).await;
    let seeded = seed_a(&app, &a).await;
    let before = snapshot(&app, &a, &seeded).await;
    assert_eq!(
        app.query_ids(&b, &[]).await,
        vec![b_own.clone()],
        "B counts only its own"
    );
    b_reads_statements(&app, &b, &seeded).await;
    b_walks_documents(&app, &b, &seeded).await;
    b_reads_meta(&app, &b).await;
    b_writes_over_a_ids(&app, &b, &seeded).await;
    assert_eq!(
        snapshot(&app, &a, &seeded).await,
        before,
        "A's data changed or shows B's"
    );
    assert!(!ids_of(&app.query(&b, &[]).await).contains(&seeded.voiding));
}

/// Paging tokens carry the position of the newest statement of *all* tenants, so B can
/// watch A's write rate by decoding its own `more` links.
#[tokio::test]
async fn more_links_do_not_change_when_another_tenant_writes() {
    let app = TestApp::start().await;
    let (a, b) = (app.tenant_cred("a").await, app.tenant_cred("b").await);
    app.store_statements(&b, &json!([stmt("b1", "v", "x"), stmt("b2", "v", "x")]))
        .await;
    let before = app.query(&b, &[("limit", "1")]).await["more"].clone();
    app.store_statements(&a, &json!([stmt("a1", "v", "x"), stmt("a2", "v", "x")]))
        .await;
    let after = app.query(&b, &[("limit", "1")]).await["more"].clone();
    assert_eq!(before, after, "B's paging token reflects A's writes");
}
