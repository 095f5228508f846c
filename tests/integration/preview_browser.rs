//! Previewing in headless Chromium: an author on a course's page clicks Preview and the
//! player opens the course as their test learner, saying it is a preview; in Japanese the
//! preview section and the player leave no English. Screenshots as in `web_browser.rs`
//! (`KIROKU_SCREENSHOTS=docs/screenshots`).

use serde_json::json;

use crate::accounts::{account, with_operator};
use crate::clicks::within;
use crate::packages::{Env, str_of};
use crate::web_browser::{no_english_left, signed_in, switch_to};
use kiroku::i18n::{Lang, t};

const AUTHOR: &str = "author@acme.test";
const RUNNING: &str = "(function () { try { return location.pathname.startsWith('/player/') && \
                       window.API && window.API.bridge.state === 'running'; } catch (e) { return false; } })()";

#[tokio::test]
async fn an_author_clicks_preview_and_the_player_opens_as_their_test_learner() {
    within(async {
        let env = Env::with(with_operator()).await;
        let app = &env.app;
        account(app, AUTHOR, json!({"role": "tenant-admin", "tenant": "acme"})).await;
        let pkg = env.import_fixture("scorm12-multi-sco").await;
        let id = str_of(&pkg, "packageId").to_owned();

        let b = signed_in(&app.url("/admin/"), AUTHOR).await;
        b.goto(&app.url(&format!("/courses/{id}"))).await;
        b.wait_js("the course's page", "document.getElementById('preview-form') !== null")
            .await;
        b.screenshot("course-preview-en").await;
        b.click_on("#preview-button").await;
        b.wait_js("the player running the course", RUNNING).await;
        let note = b.text(&b.find("#preview-note").await).await;
        assert_eq!(note, t(Lang::En, "player-preview"));
        b.screenshot("preview-player-en").await;
        let regs = app
            .store
            .list_registrations(env.tenant.id, None, Some(&id), None)
            .await
            .expect("registrations");
        assert!(
            regs.len() == 1
                && regs
                    .iter()
                    .all(|r| r.preview && kiroku::learner::is_preview_learner(&r.learner)),
            "{regs:?}"
        );

        // In Japanese: the course page's preview section, then the player.
        b.goto(&app.url(&format!("/courses/{id}"))).await;
        b.wait_js("the course's page", "document.getElementById('preview-form') !== null")
            .await;
        switch_to(&b, "ja").await;
        no_english_left(&b, "course page with its preview").await;
        b.screenshot("course-preview-ja").await;
        b.click_on("#preview-button").await;
        b.wait_js("the player running the course", RUNNING).await;
        b.execute(
            "var s = document.getElementById('player-lang'); if (s.value !== 'ja') { s.value = 'ja'; \
             s.dispatchEvent(new Event('change')); }",
            json!([]),
        )
        .await;
        b.wait_js(
            "the player in Japanese",
            &format!("document.documentElement.lang === 'ja' && {RUNNING}"),
        )
        .await;
        assert_eq!(
            b.text(&b.find("#preview-note").await).await,
            t(Lang::Ja, "player-preview")
        );
        no_english_left(&b, "player in a preview").await;
        b.screenshot("preview-player-ja").await;
        b.quit().await;
    })
    .await;
}
