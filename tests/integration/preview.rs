//! Previewing a course from its page: the author opens the newest (or a chosen) version
//! in the player as their own test learner, in a fresh registration marked as a preview;
//! the test learner is in no learners list or export and outside the learner quota, the
//! registration outside the reports, and no learner id given to kiroku can take the test
//! learner's reserved form. Over HTTP on either store (`KIROKU_TEST_STORE=postgres`).

use axum::http::Method;
use serde_json::{Value, json};

use crate::accounts::{Session, account, op, sign_in, with_operator};
use crate::packages::{Env, str_of};
use crate::support::Resp;
use kiroku::learner::{PREVIEW_PREFIX, is_preview_learner};

const AUTHOR: &str = "author@acme.test";

async fn post_form(env: &Env, s: &Session, path: &str, form: &str) -> Resp {
    env.app
        .req(Method::POST, path)
        .header("cookie", &s.cookie)
        .body("application/x-www-form-urlencoded", form.as_bytes().to_vec())
        .send()
        .await
}

/// `acme` on a plan of one learner, which `ann` takes.
async fn full_tenant() -> (Env, String) {
    let env = Env::with(with_operator()).await;
    op(&env.app, Method::POST, "/api/operator/v1/plans")
        .json(&json!({"name": "one", "learners": 1}))
        .send()
        .await
        .expect(201);
    op(&env.app, Method::PUT, "/api/operator/v1/tenants/acme/plan")
        .json(&json!({"plan": "one"}))
        .send()
        .await
        .expect(200);
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let id = str_of(&pkg, "packageId").to_owned();
    env.import_fixture("scorm12-single-sco").await; // version 2
    env.register("ann", &id).await;
    (env, id)
}

#[tokio::test]
async fn a_preview_opens_the_player_as_the_authors_test_learner_and_counts_nowhere() {
    let (env, id) = full_tenant().await;
    let app = &env.app;
    account(app, AUTHOR, json!({"role": "tenant-admin", "tenant": "acme"})).await;
    let s = sign_in(app, AUTHOR).await;

    // The course page has the form, and lets it continue to the content origin.
    let page = app
        .req(Method::GET, &format!("/courses/{id}"))
        .header("cookie", &s.cookie)
        .send()
        .await
        .expect(200);
    let csp = page.header("content-security-policy").unwrap_or_default().to_owned();
    let content = format!("http://{}", app.content_addr);
    assert!(csp.contains(&format!("form-action 'self' {content}")), "{csp}");
    let html = page.text();
    assert!(html.contains("id=\"preview-form\"") && html.contains(&s.csrf), "{html}");
    assert!(
        html.contains("<option value=\"2\" selected>"),
        "the newest chosen: {html}"
    );

    // Preview the newest version: 303 to the player, which opens.
    let r = post_form(&env, &s, &format!("/courses/{id}/preview"), &format!("csrf={}", s.csrf)).await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    let player = r.header("location").expect("Location").to_owned();
    assert!(player.starts_with(&format!("{content}/player/")), "{player}");
    let opened = env.fetch(&player).await.expect(200).text();
    assert!(opened.contains("id=\"toc\""), "{opened}");

    // A preview's session is recorded in the LRS like any, under the preview's
    // registration and as the test learner (whose account name says so).
    let base = player.replace("/player/", "/runtime/").trim_end_matches('/').to_owned();
    let a = crate::runtime::open(&env, &base, "ITEM-FIRE").await;
    let seq = a["seq"].as_u64().expect("seq");
    let done = json!({"attempt": 1, "seq": seq + 1, "sets": [
        ["cmi.interactions.0.id", "問1"],
        ["cmi.interactions.0.type", "choice"],
        ["cmi.interactions.0.student_response", "a"],
        ["cmi.interactions.0.result", "correct"],
        ["cmi.core.lesson_status", "completed"]
    ], "terminate": true});
    let (code, answer) = crate::runtime::commit(&env, &base, "ITEM-FIRE", done, "application/json").await;
    assert_eq!(code, 200, "{answer}");
    let newest = app
        .store
        .list_registrations(env.tenant.id, None, Some(&id), None)
        .await
        .expect("registrations");
    let preview = newest.iter().find(|r| r.preview).expect("a preview registration");
    let recorded = crate::runtime::statements_of(&env, &preview.id).await;
    assert!(!recorded.is_empty(), "the preview's statements");
    for st in &recorded {
        let name = st["actor"]["account"]["name"].as_str().unwrap_or_default();
        assert!(is_preview_learner(name), "{st}");
        assert_eq!(st["context"]["registration"], json!(preview.id), "{st}");
    }

    // The reports count ann's registration and nothing of the preview's session.
    let courses = app
        .get(&format!("/api/v1/reports/courses?course={id}"))
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .json();
    let c = &courses["rows"][0];
    assert_eq!(
        (c["registered"].as_u64(), c["started"].as_u64()),
        (Some(1), Some(0)),
        "{courses}"
    );
    let days = app
        .get("/api/v1/reports/activity")
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .json();
    let steps: u64 = days["rows"]
        .as_array()
        .map_or(0, |d| d.iter().filter_map(|x| x["steps"].as_u64()).sum());
    assert_eq!(steps, 0, "{days}");
    let questions = app
        .get(&format!("/api/v1/reports/questions?course={id}"))
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(
        questions["rows"],
        json!([]),
        "the preview's answers count nowhere: {questions}"
    );
    // …on version 1 when chosen: a second preview registration.
    let r = post_form(
        &env,
        &s,
        &format!("/courses/{id}/preview"),
        &format!("csrf={}&version=1", s.csrf),
    )
    .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());

    // Both registrations are previews of one test learner, over the full quota.
    let regs = app
        .store
        .list_registrations(env.tenant.id, None, Some(&id), None)
        .await
        .expect("registrations");
    let previews: Vec<_> = regs.iter().filter(|r| r.preview).collect();
    assert_eq!(previews.len(), 2, "{regs:?}");
    assert_eq!(previews.iter().map(|r| r.version).collect::<Vec<_>>(), vec![2, 1]);
    let tester = previews.first().map(|r| r.learner.clone()).unwrap_or_default();
    assert!(
        tester.starts_with(PREVIEW_PREFIX) && is_preview_learner(&tester),
        "{tester}"
    );
    assert!(previews.iter().all(|r| r.learner == tester));
    assert!(regs.iter().any(|r| r.learner == "ann" && !r.preview));
    let stored = app
        .store
        .registration(env.tenant.id, &previews[0].id)
        .await
        .expect("read")
        .expect("stored");
    assert!(stored.preview);

    // Not a learner anyone lists or exports, and not counted in the quota.
    let learners: Value = env.get_api("/api/v1/learners").await.expect(200).json();
    assert_eq!(learners.to_string().matches("\"id\"").count(), 1, "{learners}");
    assert!(!learners.to_string().contains(PREVIEW_PREFIX), "{learners}");
    let csv = env.get_api("/api/v1/learners.csv").await.expect(200).text();
    assert!(csv.contains("ann") && !csv.contains(PREVIEW_PREFIX), "{csv}");
    let listed = app
        .req(Method::GET, "/learners")
        .header("cookie", &s.cookie)
        .send()
        .await
        .expect(200)
        .text();
    assert!(!listed.contains(PREVIEW_PREFIX), "{listed}");
    let usage = app.store.tenant_usage(env.tenant.id, 0).await.expect("usage");
    assert_eq!(usage.learners, 1, "the test learner is outside the quota");
    let r = app
        .post("/api/v1/learners")
        .auth(&env.admin)
        .json(&json!({"id": "bob", "name": "Bob"}))
        .send()
        .await;
    assert_eq!(r.status.as_u16(), 403, "the quota is still full: {}", r.text());

    // The registrations report leaves previews out.
    let report: Value = env.get_api("/api/v1/reports/registrations").await.expect(200).json();
    let rows = report["registrations"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 1, "{report}");
    assert!(!report.to_string().contains(PREVIEW_PREFIX), "{report}");

    // The reserved form is no one else's: not through the API, nor an LMS launch.
    let r = app
        .post("/api/v1/learners")
        .auth(&env.admin)
        .json(&json!({"id": format!("{PREVIEW_PREFIX}x"), "name": "X"}))
        .send()
        .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text());
    let r = app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&json!({"learner": {"id": tester, "name": "X"}, "packageId": id}))
        .send()
        .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text());

    // A form without the session's token, or for a course that does not exist.
    let r = post_form(&env, &s, &format!("/courses/{id}/preview"), "").await;
    assert_eq!(r.status.as_u16(), 403);
    let r = post_form(&env, &s, "/courses/nope/preview", &format!("csrf={}", s.csrf)).await;
    assert_eq!(r.status.as_u16(), 404, "{}", r.text());
}
