//! Issue 12's defects as regression tests: multi-byte identifiers at every place the data
//! model takes one, scores xAPI cannot take as is, sequence numbers at the edge of their
//! range, a multipart boundary built to stall the server, and timestamps outside what UTC
//! can store. Every answer is a clear 4xx or a stored commit, and what was acknowledged is
//! in the LRS.

use std::time::{Duration, Instant};

use axum::http::Method;
use serde_json::{Value, json};

use crate::packages::Env;
use crate::runtime::{commit, open, registered, statements_of, verbs_of};

/// Sends one commit of `sets` above `seq`; returns the status and answer.
async fn send(env: &Env, base: &str, item: &str, seq: u64, sets: Value, terminate: bool) -> (u16, Value) {
    let body = json!({"attempt": 1, "seq": seq, "sets": sets, "terminate": terminate});
    commit(env, base, item, body, "application/json").await
}

#[tokio::test]
async fn multi_byte_identifiers_are_checked_by_characters_at_every_identifier_element() {
    let (env, base, item, registration) = registered("scorm2004-2nd-edition").await;
    let seq = open(&env, &base, &item).await["seq"].as_u64().expect("seq");
    let ids = ["abcé", "問1", "é", "ab😀", "e\u{301}x", "urn:x:日本", "urñ:x", "ur日:x"];
    let mut n = seq;
    for (i, id) in ids.iter().enumerate() {
        n += 1;
        let sets = json!([
            [format!("cmi.objectives.{i}.id"), id],
            [format!("cmi.interactions.{i}.id"), id],
            [format!("cmi.interactions.{i}.type"), "choice"],
            [format!("cmi.interactions.{i}.objectives.0.id"), id],
            [
                format!("cmi.interactions.{i}.correct_responses.0.pattern"),
                format!("{id}[,]選択")
            ],
            [format!("cmi.interactions.{i}.learner_response"), id],
            [format!("cmi.interactions.{i}.result"), "correct"],
            ["adl.nav.request", format!("{{target={id}}}choice")]
        ]);
        let (status, body) = send(&env, &base, &item, n, sets, false).await;
        assert_eq!(status, 200, "{id}: {body}");
    }
    // A URN whose namespace id is not ASCII is refused as a bad identifier, not a crash.
    n += 1;
    let sets = json!([["cmi.objectives.99.id", "urn:日本:x"]]);
    let (status, _) = send(&env, &base, &item, n, sets, false).await;
    assert!(status == 200 || status == 422, "{status}");
    // Every other response type with multi-byte identifiers.
    let more = [
        ("sequencing", "一[,]二"),
        ("likert", "とても良い"),
        ("matching", "左[.]右[,]上[.]下"),
        ("performance", "手順[.]答え"),
        ("fill-in", "{lang=ja}答え"),
    ];
    for (k, (kind, response)) in more.iter().enumerate() {
        n += 1;
        let i = 50 + k;
        let sets = json!([
            [format!("cmi.interactions.{i}.id"), format!("設問{k}")],
            [format!("cmi.interactions.{i}.type"), kind],
            [format!("cmi.interactions.{i}.correct_responses.0.pattern"), response],
            [format!("cmi.interactions.{i}.learner_response"), response]
        ]);
        let (status, body) = send(&env, &base, &item, n, sets, false).await;
        assert!(status == 200 || status == 422, "{kind}: {status} {body}");
    }
    let r = env.app.request(Method::GET, &format!("{base}/{item}")).send().await;
    assert!(r.status.as_u16() < 500);
    let objects: Vec<String> = statements_of(&env, &registration)
        .await
        .iter()
        .filter_map(|s| s["object"]["id"].as_str().map(str::to_owned))
        .collect();
    assert!(
        objects.iter().any(|o| o.contains("/interactions/%E5%95%8F1")),
        "{objects:?}"
    );
}

#[tokio::test]
async fn scores_xapi_cannot_take_lose_no_statement() {
    // The SCORM 1.2 fixture has a mastery score: at the end of the session the LMS turns
    // `completed` into passed or failed from the raw score, so its verb is passed/failed.
    for (sets, scorm12, outcome) in [
        (
            json!([
                ["cmi.score.raw", "200"],
                ["cmi.score.max", "100"],
                ["cmi.completion_status", "completed"]
            ]),
            false,
            "completed",
        ),
        (
            json!([
                ["cmi.score.min", "10"],
                ["cmi.score.max", "5"],
                ["cmi.score.raw", "7"],
                ["cmi.completion_status", "completed"]
            ]),
            false,
            "completed",
        ),
        (
            json!([
                ["cmi.core.score.raw", "50"],
                ["cmi.core.score.max", "10"],
                ["cmi.core.lesson_status", "passed"]
            ]),
            true,
            "failed",
        ),
        (
            json!([
                ["cmi.core.score.raw", "0"],
                ["cmi.core.score.max", "0"],
                ["cmi.core.lesson_status", "completed"]
            ]),
            true,
            "failed",
        ),
    ] {
        let fixture = if scorm12 {
            "scorm12-single-sco"
        } else {
            "scorm2004-2nd-edition"
        };
        let (env, base, item, registration) = registered(fixture).await;
        let seq = open(&env, &base, &item).await["seq"].as_u64().expect("seq");
        let (status, body) = send(&env, &base, &item, seq + 1, sets.clone(), true).await;
        assert_eq!(status, 200, "{sets}: {body}");
        let verbs = verbs_of(&env, &registration).await;
        for verb in ["initialized", outcome, "scored", "terminated"] {
            assert!(verbs.iter().any(|v| v == verb), "{sets}: {verb} missing from {verbs:?}");
        }
        let scored = statements_of(&env, &registration)
            .await
            .into_iter()
            .find(|s| s["verb"]["id"].as_str().is_some_and(|v| v.ends_with("/scored")))
            .expect("scored");
        assert!(scored["result"]["score"]["raw"].is_number(), "{scored}");
    }
}

#[tokio::test]
async fn sequence_numbers_out_of_range_are_refused_and_never_lock_an_attempt() {
    let (env, base, item, _) = registered("scorm12-single-sco").await;
    let seq = open(&env, &base, &item).await["seq"].as_u64().expect("seq");
    for bad in [1u64 << 63, u64::MAX, (1u64 << 53), i64::MAX as u64] {
        let (status, body) = send(&env, &base, &item, bad, json!([["cmi.core.exit", "suspend"]]), true).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(
            body["error"]["message"].as_str().is_some_and(|m| m.contains("seq")),
            "{body}"
        );
    }
    let (status, _) = send(&env, &base, &item, seq + (1 << 20) + 1, json!([]), false).await;
    assert_eq!(status, 400, "a jump past the step bound");
    let (status, body) = send(
        &env,
        &base,
        &item,
        seq + (1 << 20),
        json!([["cmi.core.exit", "suspend"]]),
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let again = open(&env, &base, &item).await;
    assert_eq!(again["data"]["cmi.core.entry"], "resume");
    // Numbers serde cannot read as u64 (negative, fractional, too big) are a 400 too.
    for raw in ["-1", "1.5", "1e30", "18446744073709551616"] {
        let body = format!(r#"{{"attempt":1,"seq":{raw},"sets":[]}}"#);
        let r = env
            .app
            .request(Method::POST, &format!("{base}/{item}/commit"))
            .body("application/json", body)
            .send()
            .await;
        assert_eq!(r.status.as_u16(), 400, "{raw}");
    }
}

#[tokio::test]
async fn a_sco_that_never_initializes_records_nothing_and_one_that_does_records_once() {
    let (env, base, item, registration) = registered("scorm12-single-sco").await;
    let seq = open(&env, &base, &item).await["seq"].as_u64().expect("seq");
    // Opened twice (a reload) without Initialize: nothing recorded, the same attempt.
    let again = open(&env, &base, &item).await;
    assert_eq!(again["attempt"], 1);
    assert!(verbs_of(&env, &registration).await.is_empty());
    let seq2 = again["seq"].as_u64().expect("seq");
    assert!(seq2 > seq);
    // Initialize: the bridge's first (empty) commit.
    assert_eq!(send(&env, &base, &item, seq2 + 1, json!([]), false).await.0, 200);
    assert_eq!(
        send(&env, &base, &item, seq2 + 1, json!([]), false).await.1["status"],
        "duplicate"
    );
    assert_eq!(
        send(
            &env,
            &base,
            &item,
            seq2 + 2,
            json!([["cmi.core.lesson_location", "2"]]),
            false
        )
        .await
        .0,
        200
    );
    assert_eq!(verbs_of(&env, &registration).await, ["initialized"]);
    // The tab closes without LMSFinish; the next launch ends the session for it and says so.
    let next = open(&env, &base, &item).await;
    assert_eq!(next["attempt"], 2);
    let statements = statements_of(&env, &registration).await;
    let ended = statements.last().expect("a statement");
    assert!(
        ended["verb"]["id"].as_str().is_some_and(|v| v.ends_with("/terminated")),
        "{ended}"
    );
    assert_eq!(
        ended["result"]["extensions"]["https://kiroku.dev/xapi/extensions/ended-by"],
        "platform"
    );
}

#[tokio::test]
async fn a_multipart_boundary_over_70_characters_is_refused_at_once() {
    let env = Env::start().await;
    let writer = env.app.credential(&env.tenant, &[kiroku::tenant::Scope::All]).await;
    let boundary = "b".repeat(60_000);
    let mut body = Vec::with_capacity(4 << 20);
    while body.len() < 900_000 {
        body.extend_from_slice(b"b".repeat(59_999).as_slice());
        body.push(b'\n');
    }
    let started = Instant::now();
    assert_eq!(post_multipart(&env, &writer, &boundary, body).await, 400);
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    // A legal boundary with a body that never closes is linear too: 4 MiB of near-misses.
    let boundary = "x".repeat(70);
    let near = format!("--{}y", "x".repeat(69));
    let mut body = format!("--{boundary}\r\nContent-Type: application/json\r\n\r\n[]").into_bytes();
    while body.len() < 900_000 {
        body.extend_from_slice(near.as_bytes());
    }
    assert_eq!(post_multipart(&env, &writer, &boundary, body).await, 400);
}

/// POSTs `body` as a multipart/mixed statements request with `boundary`; the status.
async fn post_multipart(env: &Env, writer: &crate::support::Cred, boundary: &str, body: Vec<u8>) -> u16 {
    let r = env
        .app
        .post("/xapi/statements")
        .auth(writer)
        .header("X-Experience-API-Version", "1.0.3")
        .body(&format!("multipart/mixed; boundary={boundary}"), body)
        .send()
        .await;
    r.status.as_u16()
}

#[tokio::test]
async fn timestamps_utc_cannot_store_are_refused() {
    let env = Env::start().await;
    let writer = env.app.credential(&env.tenant, &[kiroku::tenant::Scope::All]).await;
    for (ts, status) in [
        ("9999-12-31T23:59:59.999999999-23:59", 400),
        ("9999-12-31T23:59:59.999Z", 200),
    ] {
        let st = json!({
            "actor": {"mbox": "mailto:a@example.com"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": "http://example.com/a"},
            "timestamp": ts,
        });
        let r = env
            .app
            .post("/xapi/statements")
            .auth(&writer)
            .header("X-Experience-API-Version", "1.0.3")
            .json(&st)
            .send()
            .await;
        assert_eq!(r.status.as_u16(), status, "{ts}");
    }
}

#[tokio::test]
async fn a_commit_of_thousands_of_items_costs_time_linear_in_its_length() {
    // Found by the hostile sweep: every SetValue counted its collection and compared a new
    // objective id with the whole attempt, so 10,000 objective ids took over 15 s.
    let (env, base, item, _) = registered("scorm2004-2nd-edition").await;
    let seq = open(&env, &base, &item).await["seq"].as_u64().expect("seq");
    let ids: Vec<Value> = (0..10_000)
        .map(|i| json!([format!("cmi.objectives.{i}.id"), format!("urn:o:{i}")]))
        .collect();
    let started = Instant::now();
    let (status, body) = send(&env, &base, &item, seq + 1, json!(ids), false).await;
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!(
        (status, body["error"]["index"].as_u64(), body["error"]["code"].as_u64()),
        (422, Some(1000), Some(351)),
        "{body}"
    );
    // The first thousand, each set twice, are stored.
    let mut sets: Vec<Value> = ids.iter().take(1000).cloned().collect();
    sets.extend(ids.iter().take(1000).cloned());
    let started = Instant::now();
    let (status, body) = send(&env, &base, &item, seq + 1, json!(sets), false).await;
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!((status, body["status"].as_str()), (200, Some("stored")), "{body}");
    // SCORM 1.2 interactions: no bound, and 20,000 of them are stored as quickly.
    let (env, base, item, _) = registered("scorm12-single-sco").await;
    let seq = open(&env, &base, &item).await["seq"].as_u64().expect("seq");
    let sets: Vec<Value> = (0..20_000)
        .map(|i| json!([format!("cmi.interactions.{i}.id"), format!("q{i}")]))
        .collect();
    let started = Instant::now();
    let (status, body) = send(&env, &base, &item, seq + 1, json!(sets), false).await;
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_nul_character_in_a_document_id_a_content_path_or_a_key_is_a_4xx_on_every_store() {
    // Found by the hostile sweep on PostgreSQL, whose text cannot hold U+0000: both were 500.
    let (env, base, _, _) = registered("scorm12-single-sco").await;
    let writer = env.app.credential(&env.tenant, &[kiroku::tenant::Scope::All]).await;
    let agent = r#"%7B%22mbox%22%3A%22mailto%3Adoc%40example.com%22%7D"#;
    for method in [Method::GET, Method::PUT, Method::POST, Method::DELETE] {
        let url = format!("/xapi/agents/profile?agent={agent}&profileId=a%00b");
        let r = env
            .app
            .req(method.clone(), &url)
            .auth(&writer)
            .json(&json!({"k": 1}))
            .send()
            .await;
        assert_eq!(r.status.as_u16(), 400, "{method}: {}", r.text());
    }
    for key in [
        format!("{}\0", writer.key),
        "\0".into(),
        "a".repeat(100_000),
        "é".repeat(300),
    ] {
        let r = env
            .app
            .get("/xapi/statements")
            .header("authorization", &crate::support::basic(&key, &writer.secret))
            .send()
            .await;
        assert_eq!(r.status.as_u16(), 401, "a key of {} bytes: {}", key.len(), r.text());
    }
    let content = base.replacen("/runtime/", "/content/", 1);
    for path in ["index.html%00", "%00", "a%00/b.html"] {
        let r = env.app.request(Method::GET, &format!("{content}/{path}")).send().await;
        assert_eq!(r.status.as_u16(), 404, "{path}");
    }
}

#[tokio::test]
async fn document_keys_too_long_for_an_index_are_a_400_on_every_store() {
    // Found by the hostile sweep: a 64,001-character profileId was a 500 on PostgreSQL
    // (a btree index entry holds about 2,700 bytes).
    let env = Env::start().await;
    let writer = env.app.credential(&env.tenant, &[kiroku::tenant::Scope::All]).await;
    let agent = r#"%7B%22mbox%22%3A%22mailto%3Adoc%40example.com%22%7D"#;
    let long = "%C3%A9".repeat(501);
    for (id, status) in [("x".repeat(1000), 204), ("x".repeat(1001), 400), (long, 400)] {
        let url = format!("/xapi/agents/profile?agent={agent}&profileId={id}");
        let r = env.app.post(&url).auth(&writer).json(&json!({"k": 1})).send().await;
        assert_eq!(r.status.as_u16(), status, "{} bytes: {}", id.len(), r.text());
    }
    let activity = format!("http://example.com/{}", "a".repeat(1000));
    let url = format!("/xapi/activities/profile?activityId={activity}&profileId=p");
    let r = env.app.put(&url).auth(&writer).json(&json!({"k": 1})).send().await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text());
}

/// U+0000 is legal in xAPI strings; PostgreSQL's JSON operators refuse it, which made the
/// Activities resource answer 500 for an activity whose statements held one.
#[tokio::test]
async fn activities_are_served_when_statements_hold_u0000() {
    let env = Env::start().await;
    let writer = env.app.credential(&env.tenant, &[kiroku::tenant::Scope::All]).await;
    let activity = "http://example.com/activities/nul";
    let statements = json!([
        {
            "actor": {"mbox": "mailto:a@example.com", "name": "a\u{0}b"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": activity, "definition": {"name": {"en-US": "Null\u{0}name"}, "description": {"en-US": "\u{0}"}}},
        },
        {
            "actor": {"mbox": "mailto:a@example.com"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"objectType": "SubStatement", "actor": {"mbox": "mailto:b@example.com", "name": "\u{0}"},
                       "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"}, "object": {"id": activity}},
        },
    ]);
    env.app
        .post("/xapi/statements")
        .auth(&writer)
        .header("X-Experience-API-Version", "1.0.3")
        .json(&statements)
        .send()
        .await
        .expect(200);
    let found = env
        .app
        .get(&format!("/xapi/activities?activityId={activity}"))
        .auth(&writer)
        .header("X-Experience-API-Version", "1.0.3")
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(found["definition"]["name"]["en-US"], "Null\u{0}name", "{found}");
}

/// Client numbers out of their range are a 400 that names the field, from the one error
/// table (a JSON body), whether they come in a body, a path or a query.
#[tokio::test]
async fn numbers_out_of_range_are_named() {
    let (env, base, item, _) = registered("scorm12-single-sco").await;
    open(&env, &base, &item).await;
    for (body, field) in [
        (r#"{"attempt":-1,"seq":1,"sets":[]}"#, "attempt"),
        (r#"{"attempt":4294967296,"seq":1,"sets":[]}"#, "attempt"),
        (r#"{"attempt":1,"seq":1.5,"sets":[]}"#, "seq"),
        (r#"{"attempt":1,"seq":1,"sets":[["a"]]}"#, "sets"),
    ] {
        let r = env
            .app
            .request(Method::POST, &format!("{base}/{item}/commit"))
            .body("application/json", body)
            .send()
            .await;
        assert_eq!(r.status.as_u16(), 400, "{body}");
        let message = r.json()["error"]["message"].as_str().unwrap_or_default().to_owned();
        assert!(message.contains(field), "{body}: {message}");
    }
    let r = env
        .app
        .get("/api/v1/audit?limit=99999999999999999999")
        .auth(&env.admin)
        .send()
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("limit")),
        "a query number out of range names its parameter"
    );
}
