//! The operator's pages in headless Chromium: the operator suspends a tenant on its page
//! with a reason (ticking the confirmation), the tenant's admin is refused and reads that
//! reason, the operator resumes it; the tenant's page, the plans page and the resellers
//! page in Japanese leave no English. Screenshots of each in both languages, as in
//! `web_browser.rs`.

use axum::http::Method;
use serde_json::json;

use crate::accounts::{account, op, with_operator};
use crate::clicks::within;
use crate::packages::Env;
use crate::support::TestApp;
use crate::web_browser::{no_english_left, signed_in, switch_to};
use crate::webdriver::Browser;

const OPERATOR: &str = "root@ops.test";
const ADMIN: &str = "ann@acme.test";
const REASON: &str = "請求書 2026-11 が未払いです";

/// A plan, a reseller with a tenant and an admin, and the tenant admin of `acme`.
async fn seed(app: &TestApp) {
    let calls = [
        (
            "/api/operator/v1/plans",
            json!({"name": "gold", "learners": 500, "storageBytes": 2_000_000_000u64}),
        ),
        ("/api/operator/v1/resellers", json!({"name": "north"})),
        (
            "/api/operator/v1/tenants",
            json!({"name": "north-1", "reseller": "north", "plan": "gold"}),
        ),
    ];
    for (path, body) in calls {
        op(app, Method::POST, path).json(&body).send().await.expect(201);
    }
    account(app, OPERATOR, json!({"role": "operator"})).await;
    account(app, ADMIN, json!({"role": "tenant-admin", "tenant": "acme"})).await;
    account(
        app,
        "rita@north.test",
        json!({"role": "reseller-admin", "reseller": "north"}),
    )
    .await;
}

/// Opens `path` and waits for the element `ready` (a CSS id without `#`).
async fn open(b: &Browser, app: &TestApp, path: &str, ready: &str) {
    b.goto(&app.url(path)).await;
    b.wait_js(path, &format!("document.getElementById('{ready}') !== null"))
        .await;
}

#[tokio::test]
async fn the_operator_suspends_a_tenant_whose_admin_reads_why() {
    within(async {
        let backups = tempfile::tempdir().expect("backup folder");
        let env = Env::with(with_operator().backup_dir(backups.path())).await;
        let app = &env.app;
        seed(app).await;
        // A backup for the health page to show (SQLite's: PostgreSQL's needs pg_dump).
        if !crate::scratch_db::servers_on_postgres() {
            let data = app.data_dir().to_owned();
            let files = kiroku::ops::backup::Files::Folder(data.join("blobs"));
            kiroku::ops::backup::create(&kiroku::ops::backup::Source::Sqlite, &data, &files, backups.path(), 7)
                .expect("backup");
        }
        let ann = signed_in(&app.url("/admin/"), ADMIN).await;
        let b = signed_in(&app.url("/admin/"), OPERATOR).await;

        open(&b, app, "/tenants", "tenant-list").await;
        b.click_on("a[href='/tenants/acme']").await;
        b.wait_js("the tenant's page", "document.getElementById('suspend-form') !== null")
            .await;
        b.screenshot("operator-tenant-en").await;
        b.send_keys(&b.find("#suspend-reason").await, REASON).await;
        b.click_on("#suspend-confirm").await;
        b.click_on("#suspend-button").await;
        b.wait_js("suspended", "document.getElementById('done') !== null").await;
        let status = b.text(&b.find("#status").await).await;
        assert!(status.contains("suspended") && status.contains(REASON), "{status}");
        b.screenshot("operator-tenant-suspended-en").await;

        // The tenant's admin opens a page of the tenant: refused, with the reason.
        open(&ann, app, "/settings", "refusal").await;
        let said = ann.text(&ann.find("#refusal").await).await;
        assert!(said.contains(REASON), "{said}");
        ann.screenshot("tenant-suspended-en").await;
        switch_to(&ann, "ja").await;
        let said = ann.text(&ann.find("#refusal").await).await;
        assert!(said.contains("利用停止中") && said.contains(REASON), "{said}");
        no_english_left(&ann, "the suspended tenant's refusal").await;
        ann.screenshot("tenant-suspended-ja").await;
        ann.quit().await;

        // In Japanese: the tenant's page, resumed after the confirmation; plans; resellers.
        switch_to(&b, "ja").await;
        b.wait_js("the tenant's page", "document.getElementById('resume-form') !== null")
            .await;
        no_english_left(&b, "the tenant's page").await;
        b.screenshot("operator-tenant-suspended-ja").await;
        b.click_on("#resume-confirm").await;
        b.click_on("#resume-button").await;
        b.wait_js("resumed", "document.getElementById('suspend-form') !== null")
            .await;
        let done = b.text(&b.find("#done").await).await;
        assert_eq!(done, "テナントを再開しました。");
        no_english_left(&b, "the tenant's page").await;
        // Tall enough for the whole page: accounts and the termination's steps too.
        b.resize(1280, 2400).await;
        b.screenshot("operator-tenant-ja").await;
        b.resize(1280, 1000).await;
        open(&b, app, "/tenants/north-1", "usage").await;
        let usage = b.text(&b.find("#usage").await).await;
        assert!(usage.contains("500") && usage.contains("無制限"), "{usage}");
        for (path, ready, shot) in [
            ("/plans", "plan-list", "plans"),
            ("/resellers", "reseller-list", "resellers"),
        ] {
            open(&b, app, path, ready).await;
            no_english_left(&b, path).await;
            b.screenshot(&format!("{shot}-ja")).await;
        }
        let admins = b.text(&b.find("#reseller-admins").await).await;
        assert!(
            admins.contains("rita@north.test") && admins.contains("販売代理店管理者"),
            "{admins}"
        );
        open(&b, app, "/health", "backups").await;
        no_english_left(&b, "/health").await;
        b.screenshot("health-ja").await;
        open(&b, app, "/resellers", "reseller-list").await;
        switch_to(&b, "en").await;
        b.wait_js(
            "the resellers page",
            "document.getElementById('reseller-list') !== null",
        )
        .await;
        b.screenshot("resellers-en").await;
        open(&b, app, "/plans", "plan-list").await;
        b.screenshot("plans-en").await;
        open(&b, app, "/health", "backups").await;
        b.screenshot("health-en").await;
        b.quit().await;
    })
    .await;
}
