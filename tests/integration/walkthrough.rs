//! The README's walk-through, in a real browser: the example course (examples/course, a
//! SCORM 2004 course whose organization allows flow) is imported, launched by an LMS for a
//! learner, left midway by closing the page, relaunched and resumed, finished; the
//! learner's story is then read through the xAPI API. Navigation goes through the server.

use std::path::Path;

use serde_json::{Value, json};

use crate::clicks::{player_url, shows, stored_when, within};
use crate::packages::{Env, fixture};
use crate::runtime::verbs_of;
use crate::webdriver::{Browser, until_eq};

fn example_course() -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join("course");
    let mut files = Vec::new();
    for rel in [
        "imsmanifest.xml",
        "lesson/index.html",
        "check/index.html",
        "shared/scorm.js",
        "shared/style.css",
    ] {
        files.push((rel.to_owned(), std::fs::read(root.join(rel)).expect("example file")));
    }
    fixture::zip(&files)
}

/// Runs `script` inside the SCO's frame and returns its result.
async fn in_sco(b: &Browser, script: &str) -> Value {
    b.switch_to_frame(&b.find("#sco").await).await;
    let v = b.execute(script, json!([])).await;
    b.switch_to_top().await;
    v
}

async fn lesson_page(b: &Browser, want: &str) {
    let probe = "const w = document.getElementById('sco').contentDocument.getElementById('where'); return w ? w.textContent : null;";
    until_eq("the lesson's page", json!(want), || async move {
        b.execute(probe, json!([])).await
    })
    .await;
}

#[tokio::test]
async fn a_learner_leaves_midway_resumes_finishes_and_the_lrs_tells_the_story() {
    within(async {
        let env = Env::start().await;
        let pkg = env.import(&example_course()).await;
        let package_id = pkg["packageId"].as_str().expect("package id").to_owned();
        let launch = || async {
            env.app
                .post("/api/v1/launch")
                .auth(&env.admin)
                .json(&json!({"learner": {"id": "ann", "name": "Ann Lee"}, "packageId": package_id}))
                .send()
                .await
                .expect(200)
                .json()
        };
        let first = launch().await;
        let registration = first["registration"].as_str().expect("registration").to_owned();
        let b = Browser::start().await;
        b.goto(first["playerUrl"].as_str().expect("playerUrl")).await;
        shows(&b, "LESSON", "lesson/index.html").await;
        lesson_page(&b, "Page 1 of 3").await;
        // The organization allows flow: Next is offered, Previous is not (first item).
        let buttons = b
            .execute(
                "return [document.getElementById('previous').disabled, document.getElementById('next').disabled];",
                json!([]),
            )
            .await;
        assert_eq!(buttons, json!([true, false]));
        in_sco(&b, "document.getElementById('forward').click(); return true;").await;
        lesson_page(&b, "Page 2 of 3").await;

        // Closing the page midway: the lesson suspends itself, the player keeps the place.
        b.goto("about:blank").await;
        stored_when(&env, &registration, "LESSON", "suspended", |a, d| {
            a.state.as_str() == "suspended" && d["cmi.location"] == "2"
        })
        .await;

        // The LMS launches again: same registration, and the lesson resumes on page 2.
        let again = launch().await;
        assert_eq!(again["registration"], json!(registration));
        b.goto(again["playerUrl"].as_str().expect("playerUrl")).await;
        shows(&b, "LESSON", "lesson/index.html").await;
        lesson_page(&b, "Page 2 of 3").await;
        in_sco(&b, "document.getElementById('forward').click(); return true;").await;
        lesson_page(&b, "Page 3 of 3").await;
        // Finishing the lesson asks for `continue`: the server delivers the check.
        in_sco(&b, "document.getElementById('forward').click(); return true;").await;
        shows(&b, "CHECK", "check/index.html").await;
        in_sco(
            &b,
            "document.querySelector('input[value=one]').click(); \
             document.querySelector('#quiz button').click(); return true;",
        )
        .await;
        stored_when(&env, &registration, "CHECK", "passed", |a, d| {
            a.state.as_str() == "finished" && d["cmi.success_status"] == "passed"
        })
        .await;
        b.click_on("#exit").await;
        b.quit().await;

        let want: Vec<&str> = vec![
            "initialized",
            "progressed",
            "suspended",
            "resumed",
            "completed",
            "terminated",
            "responded",
            "scored",
            "passed",
        ];
        let (env, registration, want) = (&env, &registration, &want);
        until_eq("the story's verbs", true, || async move {
            let verbs = verbs_of(env, registration).await;
            want.iter().all(|w| verbs.iter().any(|v| v == w))
        })
        .await;
        // The player URL of a registration launch works as well.
        assert!(player_url(env, registration).await.contains("/player/"));
    })
    .await;
}
