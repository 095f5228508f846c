//! The course library in headless Chromium: an author (tenant admin) signs in, opens
//! the library, uploads a broken package and reads the refusal (rule, file, line), then
//! uploads a real course, watches its progress and lands on the course's page (versions,
//! structure); the same pages in Japanese leave no English. Screenshots as in
//! `web_browser.rs` (`KIROKU_SCREENSHOTS=docs/screenshots`).

use serde_json::{Value, json};

use crate::accounts::{account, with_operator};
use crate::clicks::within;
use crate::packages::Env;
use crate::packages::fixture::{package, zip};
use crate::web_browser::{no_english_left, signed_in, switch_to};
use crate::webdriver::Browser;

const AUTHOR: &str = "author@acme.test";

/// A package whose manifest breaks off on line 3.
fn broken() -> Vec<u8> {
    let manifest = "<?xml version=\"1.0\"?>\n<manifest identifier=\"broken\">\n  <organizations>\n</manifest>\n";
    zip(&[("imsmanifest.xml".into(), manifest.as_bytes().to_vec())])
}

/// Chooses the file and submits; what `#upload-status` said along the way is kept in
/// `sessionStorage` (the page goes on to the course's page after an import).
async fn upload(b: &Browser, path: &std::path::Path) {
    b.execute(
        "sessionStorage.setItem('said', '[]');
         const status = document.getElementById('upload-status');
         new MutationObserver(() => {
           const said = JSON.parse(sessionStorage.getItem('said'));
           said.push(status.textContent);
           sessionStorage.setItem('said', JSON.stringify(said));
         }).observe(status, { childList: true, subtree: true, characterData: true });",
        json!([]),
    )
    .await;
    let input = b.find("#package-file").await;
    b.send_keys(&input, &path.display().to_string()).await;
    b.click_on("#upload-button").await;
}

async fn said(b: &Browser) -> Vec<String> {
    let v = b
        .execute("return JSON.parse(sessionStorage.getItem('said') || '[]');", json!([]))
        .await;
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn an_author_uploads_a_course_sees_the_refusal_of_a_broken_one_and_reads_the_library() {
    within(async {
        let env = Env::with(with_operator()).await;
        let app = &env.app;
        account(app, AUTHOR, json!({"role": "tenant-admin", "tenant": "acme"})).await;
        let dir = tempfile::tempdir().expect("temp dir");
        let bad = dir.path().join("壊れた-course.zip");
        std::fs::write(&bad, broken()).expect("write");
        let good = dir.path().join("ladder-safety.zip");
        std::fs::write(&good, package("scorm2004-4th-sequenced-course")).expect("write");

        let b = signed_in(&app.url("/admin/"), AUTHOR).await;
        b.goto(&app.url("/courses")).await;
        b.wait_js("the library", "document.getElementById('upload-form') !== null")
            .await;
        assert!(b.try_find("#courses-empty").await.is_some(), "no course yet");

        // A broken package: refused, with the rule, the file and the line.
        upload(&b, &bad).await;
        b.wait_js("the refusal", "document.getElementById('upload-refusal') !== null")
            .await;
        assert_eq!(b.text(&b.find("#refusal-file").await).await, "imsmanifest.xml");
        assert!(!b.text(&b.find("#refusal-rule").await).await.is_empty());
        let at = b.text(&b.find("#refusal-position").await).await;
        assert!(at.starts_with("line 4") || at.starts_with("line 3"), "{at}");
        b.screenshot("courses-refused-en").await;
        let listed = app.store.list_packages(env.tenant.id).await.expect("list");
        assert!(listed.is_empty(), "nothing stored: {listed:?}");

        // A real course: the progress, then its page.
        upload(&b, &good).await;
        b.wait_js(
            "the course's page",
            "location.pathname.startsWith('/courses/') && document.getElementById('versions') !== null",
        )
        .await;
        let course_url = b.url().await;
        let seen = said(&b).await;
        assert!(seen.iter().any(|s| s.starts_with("Uploading… ")), "{seen:?}");
        assert!(seen.iter().any(|s| s.starts_with("Checking and importing")), "{seen:?}");
        let versions = b.text(&b.find("#versions tbody").await).await;
        assert!(versions.contains("SCORM 2004 (4th edition)"), "{versions}");
        let structure = b.text(&b.find("#structure").await).await;
        assert!(structure.contains("Ladder Safety"), "{structure}");

        // Opened in the player for a learner, from the course's page.
        b.send_keys(&b.find("#launch-learner").await, "hanako").await;
        b.send_keys(&b.find("#launch-name").await, "山田 花子").await;
        b.click_on("#launch-button").await;
        b.wait_js(
            "the pretest running in the player",
            "(function () { try { var d = document.getElementById('sco').contentDocument; \
             return location.pathname.startsWith('/player/') && d && d.body && d.body.dataset.state === 'running'; } \
             catch (e) { return false; } })()",
        )
        .await;
        let learner = app
            .store
            .learner(env.tenant.id, "hanako")
            .await
            .expect("read")
            .expect("created");
        assert_eq!(learner.name, "山田 花子");
        b.screenshot("course-launched-en").await;
        b.goto(&app.url("/courses")).await;
        b.wait_js("the library", "document.getElementById('courses') !== null")
            .await;
        b.screenshot("courses-en").await;
        b.goto(&course_url).await;
        b.wait_js("the course's page", "document.getElementById('versions') !== null")
            .await;

        // Assigned to the learner from the course's page, with a due date.
        b.send_keys(&b.find("#course-assign-learner").await, "hanako").await;
        b.execute(
            "document.getElementById('course-assign-due').value = '2030-03-31';",
            json!([]),
        )
        .await;
        b.click_on("#course-assign-button").await;
        b.wait_js(
            "the course's page with the assignment",
            "document.getElementById('course-assignment-notice') !== null",
        )
        .await;
        let assigned = b.text(&b.find("#course-assignments tbody").await).await;
        assert!(
            assigned.contains("hanako") && assigned.contains("31 Mar 2030"),
            "{assigned}"
        );
        // Tall enough for the whole page: versions, structure, forms, assignments.
        b.resize(1280, 2200).await;
        b.screenshot("course-en").await;

        // In Japanese: the course's page and the library, nothing left in English.
        switch_to(&b, "ja").await;
        no_english_left(&b, "course page").await;
        let versions = b.text(&b.find("#versions tbody").await).await;
        assert!(versions.contains("SCORM 2004（第4版）"), "{versions}");
        b.screenshot("course-ja").await;
        b.resize(1280, 1000).await;

        // Opened in the player from the Japanese page: the player speaks Japanese.
        b.send_keys(&b.find("#launch-learner").await, "hanako").await;
        b.send_keys(&b.find("#launch-name").await, "山田 花子").await;
        b.click_on("#launch-button").await;
        b.wait_js(
            "the pretest running in the player, in Japanese",
            "(function () { try { var d = document.getElementById('sco').contentDocument; \
             return location.pathname.startsWith('/player/') && document.documentElement.lang === 'ja' && \
             d && d.body && d.body.dataset.state === 'running'; } catch (e) { return false; } })()",
        )
        .await;
        no_english_left(&b, "player launched from the course page").await;
        b.screenshot("course-launched-ja").await;
        b.goto(&course_url).await;
        b.wait_js("the course's page", "document.getElementById('versions') !== null")
            .await;
        b.click_on("p a[href^='/courses']").await;
        b.wait_js("the library", "document.getElementById('courses') !== null")
            .await;
        no_english_left(&b, "library").await;
        b.screenshot("courses-ja").await;
        upload(&b, &bad).await;
        b.wait_js("the refusal", "document.getElementById('upload-refusal') !== null")
            .await;
        let refusal = b.text(&b.find("#upload-refusal").await).await;
        assert!(refusal.contains("規則") && refusal.contains("行"), "{refusal}");
        b.screenshot("courses-refused-ja").await;
        b.resize(390, 844).await;
        b.screenshot("courses-phone-ja").await;
        b.resize(1280, 1000).await;
        switch_to(&b, "en").await;
        b.wait_js("the library", "document.getElementById('courses') !== null")
            .await;
        b.resize(390, 844).await;
        b.screenshot("courses-phone-en").await;
        b.quit().await;
    })
    .await;
}
