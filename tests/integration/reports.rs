//! Reports: the summary rows each run-time step keeps, read back through the reporting
//! API (JSON and CSV) and the reports pages; an end-client admin sees only their end
//! client's learners.

use axum::http::Method;
use serde_json::{Value, json};

use crate::accounts::{account, sign_in, with_operator};
use crate::packages::Env;
use crate::runtime::{commit, open};

/// Learner `id` (in `end_client`) launches `package`, answers q1 and q2, and ends the
/// session with `status` and `score` after `minutes` minutes.
pub(crate) async fn takes(
    env: &Env,
    package: &str,
    id: &str,
    end_client: Option<&str>,
    (status, score, minutes): (&str, u32, u32),
) {
    let mut learner = json!({"id": id, "name": format!("{id} さん")});
    if let Some(ec) = end_client {
        learner["endClient"] = json!(ec);
        env.app
            .post("/api/v1/learners")
            .auth(&env.admin)
            .json(&learner)
            .send()
            .await
            .expect(201);
    }
    let l = env
        .app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&json!({"learner": learner, "packageId": package}))
        .send()
        .await
        .expect(200)
        .json();
    let base = l["contentBase"]
        .as_str()
        .expect("content base")
        .replace("/content/", "/runtime/");
    let base = base.trim_end_matches('/');
    let item = "ITEM-FIRE";
    let a = open(env, base, item).await;
    let seq = a["seq"].as_u64().expect("seq");
    let q2 = if status == "passed" { "正解" } else { "不正解 😢" };
    let sets = json!([
        ["cmi.interactions.0.id", "q1"],
        ["cmi.interactions.0.type", "choice"],
        ["cmi.interactions.0.student_response", "a"],
        ["cmi.interactions.0.result", "correct"],
        ["cmi.interactions.1.id", "問2"],
        ["cmi.interactions.1.type", "fill-in"],
        ["cmi.interactions.1.student_response", q2],
        [
            "cmi.interactions.1.result",
            if status == "passed" { "correct" } else { "wrong" }
        ],
        ["cmi.core.score.raw", score.to_string()],
        // A failed learner's score is above its maximum: held to 100%.
        ["cmi.core.score.max", if status == "passed" { "100" } else { "20" }],
        ["cmi.core.lesson_status", status],
        ["cmi.core.session_time", format!("00:{minutes:02}:00")],
        ["cmi.core.exit", ""]
    ]);
    let (code, body) = commit(
        env,
        base,
        item,
        json!({"attempt": 1, "seq": seq + 1, "sets": sets, "terminate": true}),
        "application/json",
    )
    .await;
    assert_eq!(code, 200, "{body}");
}

async fn report(env: &Env, path: &str) -> Value {
    env.app.get(path).auth(&env.admin).send().await.expect(200).json()["rows"].clone()
}

#[tokio::test]
async fn each_report_follows_the_learners_steps() {
    let env = Env::with(with_operator()).await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let id = pkg["launchables"][0]["id"].as_str().expect("item").to_owned();
    assert_eq!(id, "ITEM-FIRE", "{pkg}");
    let package = pkg["packageId"].as_str().expect("id").to_owned();
    takes(&env, &package, "ann", None, ("passed", 90, 12)).await;
    takes(&env, &package, "山田", None, ("failed", 30, 3)).await;
    env.register("未受講", &package).await;

    let courses = report(&env, "/api/v1/reports/courses").await;
    let c = &courses[0];
    assert_eq!(
        [
            &c["registered"],
            &c["started"],
            &c["completed"],
            &c["passed"],
            &c["failed"]
        ],
        [&json!(3), &json!(2), &json!(2), &json!(1), &json!(1)],
        "{courses}"
    );
    assert_eq!(c["course"], json!(package));

    let d = env
        .app
        .get("/api/v1/reports/distributions")
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .json();
    let scores: Vec<u64> = d["rows"]["scores"]
        .as_array()
        .expect("scores")
        .iter()
        .filter_map(|b| b["count"].as_u64())
        .collect();
    // 90 of 100, and 30 of 20 held to the top.
    assert_eq!(scores, [0, 0, 0, 0, 0, 0, 0, 0, 0, 2], "{d}");
    let time: Vec<u64> = d["rows"]["time"]
        .as_array()
        .expect("time")
        .iter()
        .filter_map(|b| b["count"].as_u64())
        .collect();
    assert_eq!(time, [1, 1, 0, 0, 0, 0], "{d}");

    let q = report(&env, &format!("/api/v1/reports/questions?course={package}")).await;
    assert_eq!(q[0]["question"], "問2", "hardest first: {q}");
    assert_eq!(
        (q[0]["answered"].as_u64(), q[0]["correct"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(q[1]["difficulty"], json!(0.0));

    let days = report(&env, "/api/v1/reports/activity").await;
    let today = days.as_array().and_then(|d| d.last()).cloned().unwrap_or_default();
    assert_eq!(today["registrations"], 2, "{days}");
    assert_eq!(days.as_array().map(Vec::len), Some(30));

    let t = report(&env, &format!("/api/v1/reports/learners/{}", "%E5%B1%B1%E7%94%B0")).await;
    assert_eq!(t[0]["status"], "failed", "{t}");
    assert_eq!(t[0]["score"], json!(1.0));
    let t = report(
        &env,
        &format!("/api/v1/reports/learners/{}", "%E6%9C%AA%E5%8F%97%E8%AC%9B"),
    )
    .await;
    assert_eq!(t[0]["status"], "not-started", "{t}");

    // Filters: a learner, and dates before anything happened.
    let only = report(&env, "/api/v1/reports/courses?learner=ann").await;
    assert_eq!(
        (only[0]["started"].as_u64(), only[0]["passed"].as_u64()),
        (Some(1), Some(1)),
        "{only}"
    );
    let none = report(&env, "/api/v1/reports/courses?from=2001-01-01&to=2001-01-31").await;
    assert_eq!(none, json!([]));
}

#[tokio::test]
async fn reports_are_csv_on_request_and_bad_filters_are_named() {
    let env = Env::with(with_operator()).await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let package = pkg["packageId"].as_str().expect("id").to_owned();
    takes(&env, &package, "=cmd", None, ("passed", 80, 5)).await;
    for path in ["courses", "distributions", "activity"] {
        let r = env
            .app
            .get(&format!("/api/v1/reports/{path}?format=csv"))
            .auth(&env.admin)
            .send()
            .await
            .expect(200);
        assert!(r.header("content-type").is_some_and(|c| c.starts_with("text/csv")));
        assert!(r.text().starts_with('\u{feff}'), "{path}");
    }
    let text = env
        .app
        .get(&format!("/api/v1/reports/questions?course={package}&format=csv"))
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .text();
    assert!(text.contains("問2,1,1,0,正解,correct,1"), "{text}");
    let text = env
        .app
        .get("/api/v1/reports/learners/=cmd?format=csv")
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .text();
    assert!(text.contains(",passed,"), "{text}");
    for bad in ["from=yesterday", "to=2026-13-01", "format=xml"] {
        let r = env
            .app
            .get(&format!("/api/v1/reports/courses?{bad}"))
            .auth(&env.admin)
            .send()
            .await;
        assert_eq!(r.status.as_u16(), 400, "{bad}");
        let name = bad.split('=').next().unwrap_or_default();
        assert!(r.message().contains(name), "{bad}: {}", r.message());
    }
    env.app
        .get("/api/v1/reports/learners/nobody")
        .auth(&env.admin)
        .send()
        .await
        .expect(404);
}

#[tokio::test]
async fn an_end_client_admin_sees_their_end_client_only() {
    let env = Env::with(with_operator()).await;
    for ec in ["east", "west"] {
        env.app
            .post("/api/v1/end-clients")
            .auth(&env.admin)
            .json(&json!({"id": ec, "name": ec}))
            .send()
            .await
            .expect(201);
    }
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let package = pkg["packageId"].as_str().expect("id").to_owned();
    takes(&env, &package, "e1", Some("east"), ("passed", 90, 5)).await;
    takes(&env, &package, "w1", Some("west"), ("failed", 10, 5)).await;
    account(
        &env.app,
        "east@acme.test",
        json!({"role": "end-client-admin", "tenant": "acme", "endClient": "east"}),
    )
    .await;
    let s = sign_in(&env.app, "east@acme.test").await;
    let get = |path: String| s.on(env.app.req(Method::GET, &path)).send();
    // Naming the other end client changes nothing: the filter is theirs.
    let r = get("/api/v1/reports/courses?endClient=west".into())
        .await
        .expect(200)
        .json();
    let c = &r["rows"][0];
    assert_eq!(
        (c["started"].as_u64(), c["passed"].as_u64(), c["failed"].as_u64()),
        (Some(1), Some(1), Some(0)),
        "{r}"
    );
    let q = get(format!("/api/v1/reports/questions?course={package}"))
        .await
        .expect(200)
        .json();
    assert_eq!(q["rows"][0]["answered"], 1, "{q}");
    get("/api/v1/reports/learners/w1".into()).await.expect(404);
    get("/api/v1/reports/learners/e1".into()).await.expect(200);
    let page = get("/reports?endClient=west".into()).await.expect(200).text();
    assert!(page.contains("id=\"funnel-table\""), "{page}");
    assert!(!page.contains("f-end-client"), "no end-client choice for them");
    get("/reports/learners/w1".into()).await.expect(404);
    let csv = get("/reports/export?report=courses".into()).await.expect(200).text();
    assert!(csv.contains(",1,1,1,1,0,"), "{csv}");
}

#[tokio::test]
async fn the_reports_pages_show_charts_in_both_languages() {
    let env = Env::with(with_operator()).await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let package = pkg["packageId"].as_str().expect("id").to_owned();
    takes(&env, &package, "ann", None, ("passed", 90, 5)).await;
    account(
        &env.app,
        "admin@acme.test",
        json!({"role": "tenant-admin", "tenant": "acme"}),
    )
    .await;
    let s = sign_in(&env.app, "admin@acme.test").await;
    for (lang, word) in [("en", "Completion and pass funnel"), ("ja", "完了・合格ファネル")] {
        let page = s
            .on(env.app.req(Method::GET, &format!("/reports?course={package}")))
            .header("accept-language", lang)
            .send()
            .await
            .expect(200)
            .text();
        assert!(page.contains(word), "{lang}");
        assert!(page.contains("<svg class=\"chart\""), "{lang}");
        assert!(page.contains("id=\"questions-table\""), "{lang}");
        assert!(page.contains("/reports/export?report=questions"), "{lang}");
    }
    let page = s
        .on(env.app.req(Method::GET, "/reports?from=nope"))
        .send()
        .await
        .expect(200)
        .text();
    assert!(page.contains("id=\"reports-error\""), "{page}");
    let page = s
        .on(env.app.req(Method::GET, "/reports/learners/ann"))
        .send()
        .await
        .expect(200)
        .text();
    assert!(page.contains("id=\"transcript-table\""), "{page}");
    let bad = s
        .on(env.app.req(Method::GET, "/reports/export?report=nope"))
        .send()
        .await;
    assert_eq!(bad.status.as_u16(), 400, "{}", bad.text());
}

#[tokio::test]
async fn a_tenant_imported_from_its_archive_has_the_same_reports() {
    let env = Env::with(with_operator()).await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let package = pkg["packageId"].as_str().expect("id").to_owned();
    takes(&env, &package, "ann", None, ("passed", 90, 12)).await;
    takes(&env, &package, "山田", None, ("failed", 30, 3)).await;
    // An xAPI course, whose rows come from its statements.
    let tincan = env.import_fixture("tincan-two-activities").await;
    let l = env
        .app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&json!({"learner": {"id": "ken", "name": "Ken"}, "packageId": tincan["packageId"]}))
        .send()
        .await
        .expect(200)
        .json();
    let query = l["url"].as_str().and_then(|u| u.split_once('?')).expect("a query").1;
    let params: std::collections::HashMap<String, String> =
        form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let passed = json!({
        "id": "6f1c2d3e-4b5a-4978-8a1b-2c3d4e5f6a7b",
        "actor": serde_json::from_str::<Value>(&params["actor"]).expect("actor"),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
        "object": {"id": params["activity_id"]},
        "result": {"success": true, "score": {"scaled": 0.75}, "duration": "PT5M"},
        "context": {"registration": params["registration"]},
    });
    // Sent twice (a content's retry): the LRS keeps one, the reports count one.
    for _ in 0..2 {
        env.app
            .post("/xapi/statements")
            .header("authorization", &params["auth"])
            .json(&passed)
            .send()
            .await
            .expect(200);
    }
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("acme.zip");
    let src = env.app.store.tenant_by_name("acme").await.expect("read").expect("acme");
    kiroku::ops::archive::export(&*env.app.store, &env.app.blobs, &src, &file)
        .await
        .expect("export");
    let other = crate::support::TestApp::start().await;
    let work = other.data_dir().join("tmp");
    kiroku::ops::archive::import(&*other.store, &other.blobs, &file, Some("acme2"), &work)
        .await
        .expect("import");
    let dst = other.store.tenant_by_name("acme2").await.expect("read").expect("acme2");
    let all = kiroku::report::ReportFilter::default();
    let shape = |rows: Vec<kiroku::report::RegistrationFacts>| -> Vec<(String, u32, u32, u32, Option<f64>, i64)> {
        let mut rows: Vec<_> = rows
            .into_iter()
            .map(|r| (r.learner, r.done, r.passed, r.failed, r.score, r.time_ms))
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows
    };
    let before = shape(env.app.store.report_rows(src.id, &all, true).await.expect("rows"));
    let after = shape(other.store.report_rows(dst.id, &all, true).await.expect("rows"));
    assert_eq!(before.len(), 3, "{before:?}");
    assert!(
        before.contains(&("ken".into(), 1, 1, 0, Some(0.75), 300_000)),
        "{before:?}"
    );
    assert_eq!(after, before);
    let answers = other.store.report_answers(dst.id, &all).await.expect("answers");
    assert_eq!(answers.iter().map(|a| a.count).sum::<u64>(), 4, "{answers:?}");
}
