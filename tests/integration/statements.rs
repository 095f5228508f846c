//! The Statements resource: storing, fetching, conflicts, batches, voiding, StatementRef
//! filter inheritance and the headers every response carries.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::data::{agent, agent_param, ids_of, q, stmt, uuid, verb, voiding, with_id};
use crate::support::{TestApp, basic};

fn parse_time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s:?} is not RFC 3339: {e}"))
        .with_timezone(&Utc)
}

/// `stored` and defaulted `timestamp` are UTC with exactly milliseconds.
fn assert_ms_utc(s: &str) {
    parse_time(s);
    assert_eq!(s.len(), 24, "{s:?} is not YYYY-MM-DDTHH:MM:SS.sssZ");
    assert!(s.ends_with('Z') && s.as_bytes()[19] == b'.', "{s:?}");
}

#[tokio::test]
async fn put_then_get_returns_the_statement_with_lrs_properties() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let id = uuid();
    let sent = stmt("alice", "completed", "course");
    let put = app
        .put(&q("/xapi/statements", &[("statementId", &id)]))
        .auth(&c)
        .json(&sent)
        .send()
        .await;
    assert!(put.expect(204).body.is_empty());
    let r = app.statement(&c, &id).await.expect(200);
    assert!(r.header("content-type").unwrap_or("").starts_with("application/json"));
    let got = r.json();
    assert_eq!(got["id"], json!(id));
    for k in ["actor", "verb", "object"] {
        assert_eq!(got[k], sent[k], "{k} changed on the way");
    }
    let stored = got["stored"].as_str().expect("stored");
    assert_ms_utc(stored);
    assert_eq!(
        got["timestamp"].as_str(),
        Some(stored),
        "a missing timestamp defaults to stored"
    );
    assert_eq!(got["authority"]["account"]["name"], json!(c.key));
    assert_eq!(got["version"], json!("2.0.0"));
}

#[tokio::test]
async fn post_returns_ids_in_order_and_generates_missing_ones() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let (a, b) = (uuid(), uuid());
    let batch = json!([
        with_id(stmt("a", "v", "x"), &a),
        stmt("b", "v", "x"),
        with_id(stmt("c", "v", "x"), &b)
    ]);
    let ids = app.store_statements(&c, &batch).await;
    assert_eq!(ids.len(), 3);
    assert_eq!((ids[0].as_str(), ids[2].as_str()), (a.as_str(), b.as_str()));
    assert!(kiroku::lrs::formats::is_uuid(&ids[1]), "generated id {:?}", ids[1]);
    for (id, who) in ids.iter().zip(["a", "b", "c"]) {
        let got = app.statement(&c, id).await.expect(200).json();
        assert_eq!(got["actor"], agent(who));
    }
    let single = app.store_statements(&c, &stmt("d", "v", "x")).await;
    assert_eq!(single.len(), 1);
}

#[tokio::test]
async fn put_checks_its_statement_id() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let (id, other) = (uuid(), uuid());
    let s = stmt("a", "v", "x");
    let cases: Vec<(String, Value, u16)> = vec![
        ("/xapi/statements".into(), s.clone(), 400),
        (q("/xapi/statements", &[("statementId", "not-a-uuid")]), s.clone(), 400),
        (q("/xapi/statements", &[("StatementId", &id)]), s.clone(), 400),
        (
            q("/xapi/statements", &[("statementId", &id)]),
            with_id(s.clone(), &other),
            400,
        ),
        (q("/xapi/statements", &[("statementId", &id)]), json!([s.clone()]), 400),
        (
            q("/xapi/statements", &[("statementId", &id)]),
            with_id(s.clone(), &id),
            204,
        ),
    ];
    for (path, body, want) in cases {
        let r = app.put(&path).auth(&c).json(&body).send().await;
        assert_eq!(r.status.as_u16(), want, "PUT {path}: {}", r.text());
    }
    app.statement(&c, &id).await.expect(200);
    app.statement(&c, &other).await.expect(404);
}

#[tokio::test]
async fn repeated_id_is_accepted_when_identical_and_409_when_different() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let id = uuid();
    let put = |body: Value| {
        app.put(&q("/xapi/statements", &[("statementId", &id)]))
            .auth(&c)
            .json(&body)
    };
    let original = with_id(stmt("alice", "completed", "course"), &id);
    put(original.clone()).send().await.expect(204);
    let first = app.statement(&c, &id).await.expect(200).json();
    put(original.clone()).send().await.expect(204);
    app.post("/xapi/statements")
        .auth(&c)
        .json(&original)
        .send()
        .await
        .expect(200);
    let changed = with_id(stmt("mallory", "completed", "course"), &id);
    put(changed.clone()).send().await.expect(409);
    app.post("/xapi/statements")
        .auth(&c)
        .json(&changed)
        .send()
        .await
        .expect(409);
    assert_eq!(
        app.statement(&c, &id).await.json(),
        first,
        "a conflict must not modify the statement"
    );
}

#[tokio::test]
async fn a_batch_is_stored_all_or_nothing() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let existing = app.store(&c, &stmt("a", "v", "x")).await;
    let mut invalid = stmt("b", "v", "x");
    invalid["verb"]["id"] = json!("not an iri");
    let conflicting = with_id(stmt("other", "v", "x"), &existing);
    let dup = uuid();
    let twice = vec![with_id(stmt("c", "v", "x"), &dup), with_id(stmt("c", "v", "x"), &dup)];
    let cases = [(vec![invalid], 400), (vec![conflicting], 409), (twice, 400)];
    for (bad, want) in cases {
        let valid_id = uuid();
        let mut batch = vec![with_id(stmt("ok", "v", "x"), &valid_id)];
        batch.extend(bad);
        let batch = Value::Array(batch);
        let r = app.post("/xapi/statements").auth(&c).json(&batch).send().await;
        assert_eq!(r.status.as_u16(), want, "batch {batch}: {}", r.text());
        app.statement(&c, &valid_id).await.expect(404);
    }
    app.statement(&c, &dup).await.expect(404);
    assert_eq!(app.query_ids(&c, &[]).await, vec![existing]);
}

#[tokio::test]
async fn voided_statements_are_hidden_except_by_voided_statement_id() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let target = app.store(&c, &stmt("alice", "completed", "course")).await;
    let keep = app.store(&c, &stmt("alice", "completed", "course")).await;
    let void = app.store(&c, &voiding("admin", &target)).await;
    app.statement(&c, &target).await.expect(404);
    let got = app.voided_statement(&c, &target).await.expect(200).json();
    assert_eq!(got["id"], json!(target));
    app.voided_statement(&c, &void).await.expect(404);
    app.voided_statement(&c, &keep).await.expect(404);
    app.statement(&c, &void).await.expect(200);
    assert_eq!(app.query_ids(&c, &[]).await, vec![void.clone(), keep.clone()]);
    let by_agent = app.query_ids(&c, &[("agent", &agent_param("alice"))]).await;
    assert_eq!(
        by_agent,
        vec![void.clone(), keep],
        "the voiding statement matches through its target"
    );
    let missing = app.store(&c, &voiding("admin", &uuid())).await;
    app.statement(&c, &missing).await.expect(200);
    let r = app
        .post("/xapi/statements")
        .auth(&c)
        .json(&voiding("admin", &void))
        .send()
        .await;
    assert_eq!(r.status.as_u16(), 400, "voiding a voiding statement: {}", r.text());
    app.statement(&c, &void).await.expect(200);
}

#[tokio::test]
async fn statement_refs_match_the_filters_of_their_target() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let noise = app.store(&c, &stmt("noise", "attended", "elsewhere")).await;
    let v = app.store(&c, &stmt("vera", "attended", "meeting")).await;
    let d = app.store(&c, &voiding("dan", &v)).await;
    let mut r_stmt = stmt("rick", "liked", "other");
    r_stmt["object"] = json!({ "objectType": "StatementRef", "id": v });
    let r = app.store(&c, &r_stmt).await;
    let both = vec![r.clone(), d.clone()];
    let meeting = crate::data::activity("meeting");
    assert_eq!(app.query_ids(&c, &[("agent", &agent_param("vera"))]).await, both);
    assert_eq!(app.query_ids(&c, &[("activity", &meeting)]).await, both);
    let attended = verb("attended");
    let by_verb = app.query_ids(&c, &[("verb", &attended)]).await;
    assert_eq!(
        by_verb,
        vec![r.clone(), d, noise],
        "the voided statement itself never appears"
    );
    assert_eq!(
        app.query_ids(&c, &[("activity", &meeting), ("limit", "1")]).await,
        vec![r]
    );
}

#[tokio::test]
async fn every_response_carries_version_and_consistent_through() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let id = app.store(&c, &stmt("a", "v", "x")).await;
    let stored = parse_time(app.statement(&c, &id).await.json()["stored"].as_str().expect("stored"));
    let responses = [
        app.statement(&c, &id).await,
        app.statement(&c, &uuid()).await,
        app.get("/xapi/statements?foo=bar").auth(&c).send().await,
        app.get("/xapi/statements")
            .header("authorization", &basic("x", "y"))
            .send()
            .await,
        app.get("/xapi/statements").auth(&c).version("1.0.3").send().await,
    ];
    let want = [
        (200, "2.0.0"),
        (404, "2.0.0"),
        (400, "2.0.0"),
        (401, "2.0.0"),
        (200, "1.0.3"),
    ];
    for (r, (status, version)) in responses.iter().zip(want) {
        assert_eq!(r.status.as_u16(), status, "{}", r.text());
        assert_eq!(r.header("x-experience-api-version"), Some(version));
        let through = r
            .header("x-experience-api-consistent-through")
            .expect("consistent-through");
        assert!(
            parse_time(through) >= stored,
            "{through} is before the statement's stored time"
        );
    }
}

#[tokio::test]
async fn single_get_last_modified_is_stored_to_the_second() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let id = app.store(&c, &stmt("a", "v", "x")).await;
    let r = app.statement(&c, &id).await.expect(200);
    let stored = parse_time(r.json()["stored"].as_str().expect("stored"));
    let want = stored.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    assert_eq!(r.header("last-modified"), Some(want.as_str()));
    let query = app.get("/xapi/statements").auth(&c).send().await.expect(200);
    assert_eq!(query.header("last-modified"), Some(want.as_str()));
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let id = app.store(&c, &stmt("a", "v", "x")).await;
    let head = app.req(
        axum::http::Method::HEAD,
        &q("/xapi/statements", &[("statementId", &id)]),
    );
    let r = head.auth(&c).send().await.expect(200);
    assert!(r.body.is_empty());
    assert!(r.header("x-experience-api-consistent-through").is_some());
}

#[tokio::test]
async fn stored_shapes_are_normalized() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let mut s = stmt("a", "v", "x");
    s["timestamp"] = json!("2023-05-04T12:00:00-05:00");
    s["context"] = json!({ "contextActivities": { "parent": { "id": "http://example.com/p" } } });
    s["stored"] = json!("2011-01-01T00:00:00.000Z");
    let id = app.store(&c, &s).await;
    let got = app.statement(&c, &id).await.json();
    assert_eq!(got["timestamp"], json!("2023-05-04T17:00:00.000Z"));
    assert_eq!(
        got["context"]["contextActivities"]["parent"],
        json!([{ "id": "http://example.com/p" }])
    );
    assert_ne!(got["stored"], json!("2011-01-01T00:00:00.000Z"), "the LRS sets stored");
    assert_eq!(ids_of(&app.query(&c, &[]).await), vec![id]);
}

#[tokio::test]
async fn alternate_request_syntax_works_in_1_0_3_only() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    for (version, want) in [("1.0.3", 204), ("2.0.0", 400)] {
        let id = uuid();
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("statementId", &id)
            .append_pair("content", &stmt("a", "v", "x").to_string())
            .append_pair("Authorization", &c.basic())
            .append_pair("X-Experience-API-Version", version)
            .finish();
        let r = app
            .post("/xapi/statements?method=PUT")
            .without("x-experience-api-version")
            .body("application/x-www-form-urlencoded", form)
            .send()
            .await;
        assert_eq!(r.status.as_u16(), want, "{version}: {}", r.text());
        let found = app.statement(&c, &id).await.status.as_u16();
        assert_eq!(found, if want == 204 { 200 } else { 404 });
    }
}
