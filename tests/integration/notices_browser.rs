//! The notices page in headless Chromium: a tenant admin reads a maintenance notice, an
//! incident with its timeline and a general notice, in English and in Japanese (no
//! English left). Screenshots as in `web_browser.rs` (`notices-en`, `notices-ja`).

use axum::http::Method;
use serde_json::{Value, json};

use crate::accounts::{account, op, with_operator};
use crate::clicks::within;
use crate::support::TestApp;
use crate::web_browser::{no_english_left, signed_in, switch_to};

const ADMIN: &str = "admin@acme.test";

async fn post(app: &TestApp, body: Value) -> String {
    let r = op(app, Method::POST, "/api/operator/v1/notices")
        .json(&body)
        .send()
        .await;
    r.expect(201).json()["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn notice_page_shows_each_kind_and_leaves_no_english_in_japanese() {
    within(async {
        let app = with_operator().start().await;
        app.tenant("acme").await;
        account(&app, ADMIN, json!({"role": "tenant-admin", "tenant": "acme"})).await;
        let at = |minutes: i64| kiroku::clock::format_ms(kiroku::clock::now_ms() + minutes * 60_000);
        post(&app, json!({"kind": "general", "title": "料金改定のお知らせ", "body": "4月1日から料金を改定します。", "audience": "all"})).await;
        let incident = post(&app, json!({"kind": "incident", "title": "一部のコースが開けない障害", "body": "調査を開始しました。", "audience": "tenant", "tenant": "acme"})).await;
        op(&app, Method::POST, &format!("/api/operator/v1/notices/{incident}/updates"))
            .json(&json!({"body": "原因を特定し、復旧しました。", "resolve": true}))
            .send()
            .await
            .expect(200);
        post(&app, json!({"kind": "maintenance", "title": "定期メンテナンス", "body": "サービスを停止します。\nご不便をおかけします。",
                          "audience": "tenant", "tenant": "acme", "windowStart": at(60 * 24), "windowEnd": at(60 * 26)})).await;

        let b = signed_in(&app.url("/admin/"), ADMIN).await;
        b.goto(&app.url("/notices")).await;
        b.wait_js("the notices", "document.getElementById('notices') !== null").await;
        let list = b.text(&b.find("#notices").await).await;
        for text in ["定期メンテナンス", "Window:", "原因を特定し、復旧しました。", "Resolved", "料金改定のお知らせ"] {
            assert!(list.contains(text), "{text} missing: {list}");
        }
        b.screenshot("notices-en").await;
        switch_to(&b, "ja").await;
        b.wait_js("in Japanese", "document.documentElement.lang === 'ja'").await;
        let list = b.text(&b.find("#notices").await).await;
        assert!(list.contains("期間：") && list.contains("解決") && list.contains("障害"), "{list}");
        no_english_left(&b, "notices").await;
        b.screenshot("notices-ja").await;
        b.quit().await;
    })
    .await;
}
