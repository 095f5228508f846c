//! cmi5 AUs of the project's own (`fixtures/packages/cmi5-runnable`) run in headless
//! Chromium through kiroku's player: AnyWindow AUs in its frame, an OwnWindow AU in the
//! whole window, each coming back to the player's outline; one AU abandoned by its next
//! launch; then the statements in the LRS — `launched`, `initialized`, …, `terminated`,
//! `abandoned`, and `satisfied` for the inner block, the outer block and the course. A
//! Browse-mode launch records no completion.

use serde_json::{Value, json};

use kiroku::tenant::Scope;

use kiroku::i18n::{Lang, t};

use crate::clicks::{player_url, within};
use crate::packages::{Env, str_of};
use crate::web_browser::no_english_left;
use crate::webdriver::Browser;

const AU: &str = "https://kiroku.example/runnable/au/";

async fn registration(env: &Env) -> String {
    let pkg = env.import_fixture("cmi5-runnable").await;
    env.register("学習者😀", str_of(&pkg, "packageId")).await
}

async fn statements(env: &Env, registration: &str) -> Vec<Value> {
    let reader = env.app.credential(&env.tenant, &[Scope::All]).await;
    let got = env
        .app
        .get(&format!(
            "/xapi/statements?registration={registration}&ascending=true&limit=500"
        ))
        .auth(&reader)
        .send()
        .await
        .expect(200)
        .json();
    got["statements"].as_array().expect("statements").clone()
}

fn verb(s: &Value) -> &str {
    s["verb"]["id"]
        .as_str()
        .and_then(|v| v.rsplit('/').next())
        .unwrap_or_default()
}

/// The publisher id in a statement's grouping.
fn grouping(s: &Value) -> &str {
    s["context"]["contextActivities"]["grouping"][0]["id"]
        .as_str()
        .unwrap_or_default()
}

async fn ended(b: &Browser, what: &str) {
    b.wait_js(
        &format!("{what} to end and hand back to the player"),
        "document.getElementById('message').textContent.includes('ended')",
    )
    .await;
}

async fn choose(b: &Browser, au: &str) {
    b.click_on(&format!("#toc-list button.item[data-item=\"{AU}{au}\"]"))
        .await;
}

#[tokio::test]
async fn cmi5_aus_run_in_the_player_and_satisfy_blocks_and_the_course() {
    within(async {
        let env = Env::start().await;
        let reg = registration(&env).await;
        let b = Browser::start().await;
        b.goto(&player_url(&env, &reg).await).await;
        // A fresh course opens its first AU (AnyWindow) in the player's frame.
        ended(&b, "the first AU").await;
        b.screenshot("cmi5-player-first-au-ended-en").await;
        for au in ["completed-or-passed", "completed", "completed-and-passed", "not-applicable"] {
            choose(&b, au).await;
            ended(&b, au).await;
        }
        choose(&b, "abandoned").await;
        b.wait_js(
            "the AU to stay open",
            "(document.getElementById('sco').contentWindow.auResult || {}).stayed === true",
        )
        .await;
        b.screenshot("cmi5-player-au-in-frame-en").await;
        choose(&b, "abandoned").await;
        ended(&b, "the abandoned AU's second session").await;
        // OwnWindow: the AU takes the whole window, then returns to the player.
        choose(&b, "own-window").await;
        b.wait_js(
            "the player to be back with the OwnWindow AU satisfied",
            &format!(
                "document.body.dataset.kind === 'cmi5' && (document.querySelector('#toc-list button.item[data-item=\"{AU}own-window\"] .status') || {{}}).textContent === 'satisfied'"
            ),
        )
        .await;
        b.screenshot("cmi5-player-course-satisfied-en").await;
        let msg = b.text(&b.find("#message").await).await;
        assert_eq!(msg, "You have completed this course.");
        // Launched again in Japanese: the outline and its statuses, no English left.
        b.goto_anew(&crate::clicks::in_lang(&player_url(&env, &reg).await, "ja")).await;
        crate::clicks::player_in(&b, "ja").await;
        b.wait_js(
            "the satisfied course in Japanese",
            &format!(
                "(document.querySelector('#toc-list button.item[data-item=\"{AU}own-window\"] .status') || {{}}).textContent === {}",
                serde_json::to_string(&t(Lang::Ja, "player-js-status-satisfied")).unwrap_or_default()
            ),
        )
        .await;
        let outline = b.text(&b.find("#toc-list").await).await;
        assert!(outline.contains("合格で修了") && outline.contains("内側のブロック"), "{outline}");
        no_english_left(&b, "the cmi5 player").await;
        b.screenshot("cmi5-player-course-satisfied-ja").await;
        b.quit().await;

        let all = statements(&env, &reg).await;
        let verbs: Vec<&str> = all.iter().map(verb).collect();
        assert_eq!(verbs.iter().filter(|v| **v == "launched").count(), 8, "{verbs:?}");
        assert_eq!(verbs.iter().filter(|v| **v == "terminated").count(), 7, "{verbs:?}");
        assert_eq!(verbs.iter().filter(|v| **v == "abandoned").count(), 1, "{verbs:?}");
        assert_eq!(verbs.iter().filter(|v| **v == "failed").count(), 1, "{verbs:?}");
        let satisfied: Vec<&str> = all.iter().filter(|s| verb(s) == "satisfied").map(grouping).collect();
        assert_eq!(
            satisfied,
            [
                "https://kiroku.example/runnable/block/inner",
                "https://kiroku.example/runnable/block/outer",
                "https://kiroku.example/runnable",
            ],
            "{verbs:?}"
        );
        assert_eq!(verbs.last(), Some(&"terminated"), "the course is satisfied before the AU ends");
        let abandoned = all.iter().find(|s| verb(s) == "abandoned").expect("abandoned");
        assert_eq!(grouping(abandoned), format!("{AU}abandoned"));
        assert!(abandoned["result"]["duration"].is_string());
    })
    .await;
}

#[tokio::test]
async fn a_browse_mode_launch_records_no_completion() {
    within(async {
        let env = Env::start().await;
        let reg = registration(&env).await;
        let l = env
            .app
            .post(&format!("/api/v1/registrations/{reg}/launch"))
            .auth(&env.admin)
            .json(&json!({ "item": format!("{AU}completed"), "launchMode": "Browse" }))
            .send()
            .await
            .expect(200)
            .json();
        let b = Browser::start().await;
        b.goto(str_of(&l, "url")).await;
        let r = b
            .wait_js(
                "the AU to finish",
                "window.auResult && window.auResult.done && window.auResult",
            )
            .await;
        assert_eq!(r["launchMode"], "Browse");
        assert_eq!(r["refused"], json!(["completed:403"]));
        b.quit().await;
        let verbs: Vec<String> = statements(&env, &reg)
            .await
            .iter()
            .map(|s| verb(s).to_owned())
            .collect();
        assert_eq!(verbs, ["launched", "initialized", "terminated"]);
    })
    .await;
}
