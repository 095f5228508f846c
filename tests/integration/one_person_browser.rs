//! One ID, one person in two real browsers (two Chromium profiles) on one player link:
//! the second is told why it is refused; a reload of the first stays the same session;
//! under `end-first` the second ends the first, whose player says so on its next commit.

use kiroku::launch::ConcurrentLaunches;
use kiroku::tenant::TenantSettings;
use serde_json::json;

use crate::clicks::{player_url, within};
use crate::packages::Env;
use crate::runtime::registered;
use crate::webdriver::Browser;

async fn policy(env: &Env, p: ConcurrentLaunches) {
    let settings = TenantSettings {
        concurrent_launches: p,
        ..TenantSettings::default()
    };
    env.app
        .store
        .update_tenant_settings(env.tenant.id, settings)
        .await
        .expect("settings");
}

const RUNNING: &str = "window.API && window.API.bridge.state === 'running' && !document.body.dataset.refused";

async fn message(b: &Browser) -> String {
    let v = b
        .execute("return document.getElementById('message').textContent", json!([]))
        .await;
    v.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn the_player_tells_each_browser_what_the_policy_decided() {
    within(async {
        let (env, _, _, registration) = registered("scorm12-single-sco").await;
        policy(&env, ConcurrentLaunches::Refuse).await;
        let url = player_url(&env, &registration).await;
        let first = Browser::start().await;
        first.goto(&url).await;
        first.wait_js("the first browser to run the SCO", RUNNING).await;
        let second = Browser::start().await;
        second.goto(&url).await;
        let refused = "document.body.dataset.refused === 'concurrent_launch'";
        second.wait_js("the second browser to be refused", refused).await;
        assert!(
            message(&second).await.contains("another browser"),
            "{}",
            message(&second).await
        );
        // A reload is the same tab, so the same session: still admitted.
        first.goto_anew(&url).await;
        first.wait_js("the reloaded first browser to run", RUNNING).await;

        policy(&env, ConcurrentLaunches::EndFirst).await;
        second.goto(&url).await;
        second.wait_js("the second browser to run", RUNNING).await;
        first
            .execute(
                "window.API.LMSSetValue('cmi.core.lesson_location', 'p2'); return window.API.LMSCommit('')",
                json!([]),
            )
            .await;
        let ended = "document.body.dataset.refused === 'ended_by_newer_launch'";
        first.wait_js("the first browser to be told it was ended", ended).await;
        assert!(
            message(&first).await.contains("ended the session here"),
            "{}",
            message(&first).await
        );
        first.quit().await;
        second.quit().await;
    })
    .await;
}
