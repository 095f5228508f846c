//! The learner's player driven in headless Chromium through WebDriver: the buttons
//! (previous, next, suspend, exit), the table of contents by mouse and by keyboard, and a
//! quiz answered inside the SCO's frame; then the attempts the server stored and the xAPI
//! statements it recorded. SCORM 1.2 only (free navigation; 2004 navigation belongs to
//! the server's sequencing).

use std::time::Duration;

use kiroku::store::AttemptRecord;
use serde_json::{Value, json};

use crate::packages::Env;
use crate::runtime::{registered, verbs_of};
use crate::webdriver::{Browser, ENTER, TAB, until, until_eq};

/// The longest a whole browser test may take.
const TEST_LIMIT: Duration = Duration::from_secs(60);

/// Runs a test body under [`TEST_LIMIT`]; a browser test never hangs.
pub(crate) async fn within<F: Future<Output = ()>>(body: F) {
    tokio::time::timeout(TEST_LIMIT, Box::pin(body))
        .await
        .unwrap_or_else(|_| panic!("the test took longer than {TEST_LIMIT:?}"));
}

/// A fresh player URL for the registration (`POST /api/v1/registrations/{id}/launch`).
pub(crate) async fn player_url(env: &Env, registration: &str) -> String {
    let l = env
        .app
        .post(&format!("/api/v1/registrations/{registration}/launch"))
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .json();
    l["playerUrl"].as_str().expect("playerUrl").to_owned()
}

/// A player URL asking for the player in `lang` (as an LMS may, `?lang=`).
pub(crate) fn in_lang(url: &str, lang: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}lang={lang}")
}

/// Waits for the player page, whole, in `lang`.
pub(crate) async fn player_in(b: &Browser, lang: &str) {
    b.wait_js(
        &format!("the player in {lang}"),
        &format!("document.documentElement.lang === '{lang}' && document.readyState === 'complete'"),
    )
    .await;
}

fn js(s: &str) -> String {
    serde_json::to_string(s).expect("JSON string")
}

/// Waits until the player shows `item`, with a frame document whose URL contains `page`
/// fully loaded.
pub(crate) async fn shows(b: &Browser, item: &str, page: &str) {
    let expr = format!(
        "document.body.dataset.item === {item} \
         && document.getElementById('sco').getAttribute('src').includes({page}) \
         && document.getElementById('sco').contentWindow.location.href.includes({page}) \
         && document.getElementById('sco').contentDocument.readyState === 'complete'",
        item = js(item),
        page = js(page)
    );
    b.wait_js(&format!("the player to show {item} ({page})"), &expr).await;
}

/// Waits until the player shows `item`, its SCO has initialized through the bridge and
/// the commit it makes on load is acknowledged. (Leaving a SCO while a commit is in flight
/// can make the bridge send two terminating commits, the beacon's and the retried flush's,
/// and the server applies both: a race of its own, kept out of this test's way.)
async fn runs(b: &Browser, item: &str, page: &str) {
    shows(b, item, page).await;
    let running = "window.API && window.API.bridge.state === 'running' \
                   && window.API.bridge.log.length === 0 && !window.API.bridge.inflight";
    b.wait_js(&format!("{item} to initialize and commit"), running).await;
}

/// Waits until the player has unloaded the SCO (after suspend or exit).
async fn left(b: &Browser) {
    let expr = "document.getElementById('sco').getAttribute('src') === 'about:blank' && !window.API";
    b.wait_js("the player to unload the SCO", expr).await;
    let frame = b.find("#sco").await;
    assert_eq!(b.attribute(&frame, "src").await.as_deref(), Some("about:blank"));
}

/// The newest stored attempt of an item, with its CMI data.
pub(crate) async fn stored(env: &Env, registration: &str, item: &str) -> Option<(AttemptRecord, Value)> {
    let a = env
        .app
        .store
        .latest_attempt(env.tenant.id, registration, item)
        .await
        .expect("read the attempt")?;
    let data = serde_json::from_str(&a.data).expect("attempt data is JSON");
    Some((a, data))
}

/// Waits (bounded) until the newest stored attempt of `item` satisfies `ok`.
pub(crate) async fn stored_when(
    env: &Env,
    registration: &str,
    item: &str,
    what: &str,
    ok: impl Fn(&AttemptRecord, &Value) -> bool,
) -> (AttemptRecord, Value) {
    let ok = &ok;
    until(&format!("{item}'s stored attempt: {what}"), || async move {
        match stored(env, registration, item).await {
            Some((a, d)) if ok(&a, &d) => Ok((a, d)),
            seen => Err(format!("{seen:?}")),
        }
    })
    .await
}

async fn click_toc(b: &Browser, item: &str) {
    b.click_on(&format!("#toc-list button.item[data-item=\"{item}\"]"))
        .await;
}

/// Answers the quiz inside the SCO's frame and waits for its commit to be acknowledged.
async fn answer_quiz(b: &Browser) {
    let frame = b.find("#sco").await;
    b.switch_to_frame(&frame).await;
    b.click_on("input[name=q1][value=b]").await;
    b.click_on("#quiz button[type=submit]").await;
    b.switch_to_top().await;
    // The submit handler committed; wait for the bridge to settle.
    let settled = "const done = arguments[arguments.length - 1]; const b = window.API.bridge; \
                   b.settled().then(() => done([b.data['cmi.core.lesson_status'], b.log.length]));";
    let r = b.execute_async(settled, json!([])).await;
    assert_eq!(r, json!(["passed", 0]), "the quiz's commit");
}

#[tokio::test]
async fn the_learner_moves_through_a_scorm12_course_with_buttons_toc_and_keyboard() {
    within(async {
        let (env, _, _, registration) = registered("scorm12-multi-sco").await;
        let b = Browser::start().await;
        b.goto(&player_url(&env, &registration).await).await;
        runs(&b, "ITEM-INTRO", "intro/index.html").await;

        b.click_on("#next").await;
        runs(&b, "ITEM-HANDS", "lesson=hands").await;
        b.click_on("#next").await;
        runs(&b, "ITEM-STORAGE", "lesson=storage").await;
        b.click_on("#previous").await;
        runs(&b, "ITEM-HANDS", "lesson=hands").await;
        // A TOC entry opened from the keyboard (element send keys: focus, then Enter).
        let quiz = b.find("#toc-list button.item[data-item=\"ITEM-QUIZ\"]").await;
        b.send_keys(&quiz, &ENTER.to_string()).await;
        runs(&b, "ITEM-QUIZ", "quiz/index.html").await;
        answer_quiz(&b).await;

        // The TOC's buttons are reachable with Tab and open with Enter (key actions).
        let hands = "#toc-list button.item[data-item=\"ITEM-HANDS\"]";
        b.execute(&format!("document.querySelector({}).focus();", js(hands)), json!([]))
            .await;
        b.press(TAB).await;
        b.wait_js(
            "Tab after Washing hands to focus Storage",
            "document.activeElement && document.activeElement.dataset.item === 'ITEM-STORAGE'",
        )
        .await;
        b.press(ENTER).await;
        runs(&b, "ITEM-STORAGE", "lesson=storage").await;

        b.click_on("#suspend").await;
        left(&b).await;
        let (a, d) = stored_when(&env, &registration, "ITEM-STORAGE", "suspended", |a, _| {
            a.state.as_str() == "suspended"
        })
        .await;
        assert_eq!((a.number, d["cmi.core.exit"].as_str()), (2, Some("suspend")), "{d}");

        // A new launch resumes at the suspended item; then the learner goes back to the start.
        b.goto(&player_url(&env, &registration).await).await;
        runs(&b, "ITEM-STORAGE", "lesson=storage").await;
        let entry = b
            .execute("return window.API.LMSGetValue('cmi.core.entry');", json!([]))
            .await;
        assert_eq!(entry, "resume");
        click_toc(&b, "ITEM-INTRO").await;
        runs(&b, "ITEM-INTRO", "intro/index.html").await;
        b.click_on("#exit").await;
        left(&b).await;
        // The browser stays open until the server has the last commit: a keepalive
        // request still in flight on a busy machine dies with the browser.
        check_attempts(&env, &registration).await;
        b.quit().await;
        // Statements are stored in the transaction of the attempt they record.
        let want = vec![
            ("initialized", 7),
            ("resumed", 1),
            ("suspended", 1),
            ("terminated", 7),
            ("passed", 1),
            ("scored", 1),
            ("responded", 1),
        ];
        let names: Vec<&str> = want.iter().map(|(v, _)| *v).collect();
        let (env, registration, names) = (&env, &registration, &names);
        until_eq("the registration's verbs", want, || async move {
            let verbs = verbs_of(env, registration).await;
            let count = |v: &str| verbs.iter().filter(|x| *x == v).count();
            names.iter().map(|v| (*v, count(v))).collect::<Vec<_>>()
        })
        .await;
    })
    .await;
}

/// The attempts the session above leaves: each item's newest attempt finished, with the
/// numbers the navigation implies and the quiz's answers kept.
async fn check_attempts(env: &Env, registration: &str) {
    let finished = |a: &AttemptRecord, _: &Value| a.state.as_str() == "finished";
    for (item, number, status) in [
        ("ITEM-INTRO", 2, "completed"),
        ("ITEM-HANDS", 2, "completed"),
        ("ITEM-STORAGE", 2, "completed"),
        ("ITEM-QUIZ", 1, "passed"),
    ] {
        let (a, d) = stored_when(env, registration, item, "finished", finished).await;
        assert_eq!(
            (a.number, d["cmi.core.lesson_status"].as_str()),
            (number, Some(status)),
            "{item}: {d}"
        );
    }
    let (_, quiz) = stored(env, registration, "ITEM-QUIZ").await.expect("quiz attempt");
    assert_eq!(
        (
            quiz["cmi.core.score.raw"].as_str(),
            quiz["cmi.interactions.0.student_response"].as_str(),
            quiz["cmi.interactions.0.result"].as_str()
        ),
        (Some("100"), Some("b"), Some("correct")),
        "{quiz}"
    );
    assert!(stored(env, registration, "ITEM-GLOSSARY").await.is_none());
}
