//! The learner's player in headless Chromium, in English and in Japanese: the page speaks
//! the browser's language, its language control switches it (the SCO resumes where it
//! was), the player's own messages (a suspended session) come from the catalog, no
//! English UI text is left in Japanese and axe-core finds no serious or critical
//! violation. Screenshots as in `web_browser.rs` (`KIROKU_SCREENSHOTS=docs/screenshots`).

use serde_json::json;

use crate::clicks::{player_url, within};
use crate::runtime::registered;
use crate::web_browser::{accessible, no_english_left};
use crate::webdriver::Browser;
use kiroku::i18n::{Lang, t};

const RUNNING: &str = "(function () { try { return window.API && window.API.bridge.state === 'running'; } \
                       catch (e) { return false; } })()";

async fn message(b: &Browser) -> String {
    let v = b
        .execute("return document.getElementById('message').textContent", json!([]))
        .await;
    v.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn the_player_speaks_english_and_japanese_and_is_accessible_in_both() {
    within(async {
        let (env, _, _, registration) = registered("scorm12-multi-sco").await;
        let url = player_url(&env, &registration).await;
        let b = Browser::start().await;
        b.goto(&url).await;
        b.wait_js("the SCO running in English", RUNNING).await;
        assert_eq!(
            b.execute("return document.documentElement.lang", json!([])).await,
            json!("en")
        );
        let next = b.text(&b.find("#next").await).await;
        assert_eq!(next, t(Lang::En, "player-next"));
        accessible(&b, "player (en)").await;
        b.screenshot("player-en").await;

        // The language control: Japanese, kept for this origin; the SCO resumes.
        b.execute(
            "var s = document.getElementById('player-lang'); s.value = 'ja'; \
             s.dispatchEvent(new Event('change'));",
            json!([]),
        )
        .await;
        b.wait_js(
            "the player in Japanese",
            &format!("document.documentElement.lang === 'ja' && {RUNNING}"),
        )
        .await;
        assert_eq!(b.text(&b.find("#next").await).await, t(Lang::Ja, "player-next"));
        let statuses = b
            .execute(
                "return Array.from(document.querySelectorAll('#toc-list .status')).map(s => s.textContent)",
                json!([]),
            )
            .await;
        let words: Vec<String> = kiroku::i18n::messages(Lang::Ja)
            .into_iter()
            .filter(|(id, _)| id.starts_with("player-js-status-"))
            .map(|(_, text)| text)
            .collect();
        let shown: Vec<&str> = statuses
            .as_array()
            .map(|a| a.iter().filter_map(|s| s.as_str()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        assert!(
            !shown.is_empty() && shown.iter().all(|s| words.iter().any(|w| w == s)),
            "statuses in Japanese: {shown:?}"
        );
        no_english_left(&b, "player (ja)").await;
        b.screenshot("player-ja").await;

        // The player's own message, in Japanese.
        b.click_on("#suspend").await;
        b.wait_js(
            "the session suspended",
            "!document.getElementById('message').hidden && !document.body.dataset.item",
        )
        .await;
        assert_eq!(message(&b).await, t(Lang::Ja, "player-js-saved"));
        no_english_left(&b, "player suspended (ja)").await;
        b.screenshot("player-suspended-ja").await;
        b.resize(390, 844).await;
        b.screenshot("player-phone-ja").await;
        b.resize(1280, 1000).await;

        // Back in English: the same message from the English catalog.
        b.execute(
            "var s = document.getElementById('player-lang'); s.value = 'en'; \
             s.dispatchEvent(new Event('change'));",
            json!([]),
        )
        .await;
        b.wait_js(
            "the player in English",
            &format!("document.documentElement.lang === 'en' && {RUNNING}"),
        )
        .await;
        b.click_on("#suspend").await;
        b.wait_js(
            "the session suspended",
            "!document.getElementById('message').hidden && !document.body.dataset.item",
        )
        .await;
        assert_eq!(message(&b).await, t(Lang::En, "player-js-saved"));
        b.screenshot("player-suspended-en").await;
        b.resize(390, 844).await;
        b.screenshot("player-phone-en").await;
        b.quit().await;
    })
    .await;
}
