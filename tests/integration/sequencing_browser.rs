//! A sequenced SCORM 2004 4th edition course of the project's own
//! (`fixtures/packages/scorm2004-4th-sequenced-course`) run end to end in headless
//! Chromium through kiroku's player, every step decided by the sequencing engine: the
//! forced order (the pretest, then the module's lessons, the table of contents refusing
//! what the order does not allow), two questions drawn from four, remediation back to
//! the first lesson after a failed post-test, suspend all and resume all across two
//! launches, and the course satisfied by the post-test alone.

use serde_json::{Value, json};

use crate::clicks::{player_url, within};
use crate::packages::{Env, str_of};
use crate::webdriver::Browser;

const FIXTURE: &str = "scorm2004-4th-sequenced-course";

async fn registration(env: &Env) -> String {
    let pkg = env.import_fixture(FIXTURE).await;
    env.register("学習者-2004", str_of(&pkg, "packageId")).await
}

/// Waits until the player shows a running SCO; answers its identifier (and cmi.entry).
async fn running(b: &Browser, what: &str) -> (String, String) {
    let v = b
        .wait_js(
            &format!("{what} to run in the player"),
            "(function () { try { var d = document.getElementById('sco').contentDocument; \
             return d && d.body && d.body.dataset.state === 'running' \
               && [d.body.dataset.sco, d.body.dataset.entry]; } catch (e) { return false; } })()",
        )
        .await;
    let s = |i: usize| v.get(i).and_then(Value::as_str).unwrap_or_default().to_owned();
    (s(0), s(1))
}

/// Clicks buttons inside the SCO's frame.
async fn press(b: &Browser, buttons: &[&str]) {
    let frame = b.find("#sco").await;
    b.switch_to_frame(&frame).await;
    for id in buttons {
        b.click_on(&format!("#btn-{id}")).await;
    }
    b.switch_to_top().await;
}

/// Presses `buttons`, then waits for the next SCO (a different page load).
async fn next(b: &Browser, from: &str, buttons: &[&str]) -> (String, String) {
    press(b, buttons).await;
    b.wait_js(
        &format!("{from} to end"),
        &format!(
            "(function () {{ try {{ var d = document.getElementById('sco').contentDocument; \
             return !d || !d.body || d.body.dataset.sco !== {from:?} || d.body.dataset.state !== 'running'; }} \
             catch (e) {{ return true; }} }})()"
        ),
    )
    .await;
    running(b, "the next SCO").await
}

async fn toc_enabled(b: &Browser, id: &str) -> bool {
    b.execute(
        "var e = document.querySelector('#toc-list button.item[data-item=\"' + arguments[0] + '\"]'); return !!e && !e.disabled;",
        json!([id]),
    )
    .await
        == json!(true)
}

async fn report(env: &Env) -> Value {
    env.app
        .get("/api/v1/reports/registrations")
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .json()
}

fn activity<'a>(seq: &'a Value, id: &str) -> &'a Value {
    seq["activities"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["id"] == id))
        .unwrap_or(&Value::Null)
}

#[tokio::test]
async fn a_sequenced_course_runs_with_forced_order_remediation_selection_and_resume() {
    within(async {
        let env = Env::start().await;
        let reg = registration(&env).await;
        let b = Browser::start().await;
        b.goto(&player_url(&env, &reg).await).await;
        assert_eq!(running(&b, "the pretest").await.0, "PRETEST");
        b.screenshot("sequencing-pretest-en").await;
        // The order is forced: nothing else may be chosen from the table of contents.
        for id in ["LESSON-1", "LESSON-2", "QUESTION-1"] {
            assert!(!toc_enabled(&b, id).await, "{id} is not to be chosen now");
        }
        assert_eq!(next(&b, "PRETEST", &["fail", "continue"]).await.0, "LESSON-1");
        assert_eq!(next(&b, "LESSON-1", &["complete", "continue"]).await.0, "LESSON-2");
        // Two questions of four, one failed: remediation sends the learner back.
        let (q1, _) = next(&b, "LESSON-2", &["complete", "continue"]).await;
        assert!(q1.starts_with("QUESTION-"), "{q1}");
        let (q2, _) = next(&b, &q1, &["fail", "continue"]).await;
        assert!(q2.starts_with("QUESTION-") && q2 != q1, "{q2}");
        assert_eq!(next(&b, &q2, &["pass", "continue"]).await.0, "LESSON-1", "remediation");
        b.screenshot("sequencing-remediation-en").await;
        assert_eq!(next(&b, "LESSON-1", &["complete", "continue"]).await.0, "LESSON-2");
        // Suspend all: the next launch resumes here.
        press(&b, &["suspend"]).await;
        b.wait_js(
            "the suspended message",
            "document.getElementById('message').textContent.includes('saved')",
        )
        .await;
        let seq = &report(&env).await["registrations"][0]["sequencing"];
        assert_eq!(seq["suspended"], "LESSON-2", "{seq}");
        assert_eq!(activity(seq, "POSTTEST")["satisfied"], false, "{seq}");
        b.quit().await;

        let b = Browser::start().await;
        b.goto(&player_url(&env, &reg).await).await;
        let (resumed, entry) = running(&b, "the resumed lesson").await;
        assert_eq!((resumed.as_str(), entry.as_str()), ("LESSON-2", "resume"));
        let (q1, _) = next(&b, "LESSON-2", &["complete", "continue"]).await;
        let (q2, _) = next(&b, &q1, &["pass", "continue"]).await;
        assert!(q1.starts_with("QUESTION-") && q2.starts_with("QUESTION-") && q1 != q2);
        press(&b, &["pass", "continue"]).await;
        b.wait_js(
            "the course to end",
            "document.getElementById('message').textContent.includes('left the course')",
        )
        .await;
        b.screenshot("sequencing-finished-en").await;
        b.quit().await;

        let seq = &report(&env).await["registrations"][0]["sequencing"];
        assert_eq!(activity(seq, "POSTTEST")["satisfied"], true, "{seq}");
        assert_eq!(activity(seq, "TRAINING")["attempts"], 2, "one remediation: {seq}");
        assert_eq!(activity(seq, "PRETEST")["attempts"], 1, "{seq}");
        let root = seq["activities"][0].clone();
        assert_eq!(root["satisfied"], true, "the post-test satisfies the course: {seq}");
        assert_eq!(root["completed"], true, "{seq}");

        // Launched again, in Japanese: the course's next attempt, no English left.
        let b = Browser::start().await;
        b.goto(&crate::clicks::in_lang(&player_url(&env, &reg).await, "ja"))
            .await;
        crate::clicks::player_in(&b, "ja").await;
        // The pretest, attempted, is skipped (its precondition rule).
        assert_eq!(running(&b, "the next attempt, in Japanese").await.0, "LESSON-1");
        crate::web_browser::no_english_left(&b, "the sequencing player").await;
        b.screenshot("sequencing-next-attempt-ja").await;
        b.quit().await;
    })
    .await;
}
