//! The credentials page in headless Chromium: a tenant admin creates an LRS credential
//! with two scopes, reads its secret (shown once), the credential stores a statement,
//! then the admin revokes it and it no longer works; the page in Japanese leaves no
//! English; then the settings page changes the one-ID policy. Screenshots as in
//! `web_browser.rs`.

use serde_json::json;

use crate::accounts::{account, with_operator};
use crate::clicks::within;
use crate::packages::Env;
use crate::support::Cred;
use crate::web_browser::{no_english_left, signed_in, switch_to};

const ADMIN: &str = "admin@acme.test";

#[tokio::test]
async fn an_admin_creates_uses_and_revokes_an_lrs_credential() {
    within(async {
        let env = Env::with(with_operator()).await;
        let app = &env.app;
        account(app, ADMIN, json!({"role": "tenant-admin", "tenant": "acme"})).await;
        let b = signed_in(&app.url("/admin/"), ADMIN).await;

        b.goto(&app.url("/credentials")).await;
        b.wait_js("the page", "document.getElementById('create-form') !== null")
            .await;
        b.send_keys(&b.find("#cred-label").await, "社内 LMS").await;
        b.click_on("#scope-all").await; // off: the two scopes below only
        b.click_on("#scope-statements-write").await;
        b.click_on("#scope-statements-read").await;
        b.click_on("#create-button").await;
        b.wait_js("the secret", "document.getElementById('created-secret') !== null")
            .await;
        let cred = Cred {
            key: b.text(&b.find("#created-key").await).await,
            secret: b.text(&b.find("#created-secret").await).await,
        };
        b.screenshot("credentials-created-en").await;
        let statement = json!({"actor": {"mbox": "mailto:a@example.jp"}, "verb": {"id": "http://example.com/did"},
                               "object": {"id": "http://example.com/a"}});
        app.post("/xapi/statements").auth(&cred).json(&statement).send().await.expect(200);
        let denied = app.req(axum::http::Method::GET, "/xapi/activities/state?activityId=http%3A%2F%2Fexample.com%2Fa&agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.jp%22%7D&stateId=s")
            .auth(&cred)
            .send()
            .await;
        assert_eq!(denied.status.as_u16(), 403, "no state scope");

        // Listed after a reload, then revoked (the confirmation accepted).
        b.goto(&app.url("/credentials")).await;
        let row = format!("document.querySelector('#credentials tr[data-key=\"{}\"]') !== null", cred.key);
        b.wait_js("the new credential listed", &row).await;
        let listed = b.text(&b.find("#credentials tbody").await).await;
        assert!(listed.contains("社内 LMS") && listed.contains("statements/write statements/read"), "{listed}");
        b.screenshot("credentials-en").await;
        b.execute("window.confirm = () => true;", json!([])).await;
        b.click_on(&format!("button.revoke[data-key=\"{}\"]", cred.key)).await;
        let gone = format!("document.querySelector('#credentials tr[data-key=\"{}\"]') === null", cred.key);
        b.wait_js("the row removed", &gone).await;
        let r = app.post("/xapi/statements").auth(&cred).json(&statement).send().await;
        assert_eq!(r.status.as_u16(), 401, "a revoked credential no longer works");

        // The other tenant pages in English, then in Japanese.
        for (path, ready, shot) in [
            ("/settings", "settings-form", "settings-en"),
            ("/audit", "audit", "audit-en"),
            ("/end-clients", "end-client-form", "end-clients-en"),
            ("/statements", "statements", "statements-en"),
        ] {
            b.goto(&app.url(path)).await;
            b.wait_js(path, &format!("document.getElementById('{ready}') !== null"))
                .await;
            b.screenshot(shot).await;
        }
        switch_to(&b, "ja").await;
        for (path, ready, shot) in [
            ("/end-clients", "end-client-form", "end-clients-ja"),
            ("/credentials", "create-form", "credentials-ja"),
        ] {
            b.goto(&app.url(path)).await;
            b.wait_js(path, &format!("document.getElementById('{ready}') !== null"))
                .await;
            no_english_left(&b, path).await;
            b.screenshot(shot).await;
        }
        // A credential made in Japanese: its secret shown once.
        b.send_keys(&b.find("#cred-label").await, "研修 LMS").await;
        b.click_on("#create-button").await;
        b.wait_js("the secret", "document.getElementById('created-secret') !== null")
            .await;
        no_english_left(&b, "credential created").await;
        b.screenshot("credentials-created-ja").await;

        // The settings page: a plain form, saved without script.
        b.goto(&app.url("/settings")).await;
        b.wait_js("the settings", "document.getElementById('settings-form') !== null")
            .await;
        no_english_left(&b, "settings").await;
        b.execute("document.getElementById('policy').value = 'refuse';", json!([])).await;
        b.click_on("#settings-save").await;
        b.wait_js("saved", "document.getElementById('settings-saved') !== null")
            .await;
        let t = app.store.tenant_by_name("acme").await.expect("read").expect("acme");
        assert_eq!(t.settings.concurrent_launches, kiroku::launch::ConcurrentLaunches::Refuse);
        b.screenshot("settings-ja").await;

        // The audit log shows both: the credential and the settings.
        b.goto(&app.url("/audit")).await;
        b.wait_js("the audit log", "document.getElementById('audit') !== null")
            .await;
        let log = b.text(&b.find("#audit tbody").await).await;
        assert!(log.contains("credential.created") && log.contains("tenant.settings_changed"), "{log}");
        no_english_left(&b, "audit").await;
        b.screenshot("audit-ja").await;

        // The statement browser: the statement stored above, its JSON opened.
        b.goto(&app.url("/statements")).await;
        b.wait_js("the statements", "document.getElementById('statements') !== null")
            .await;
        b.execute("document.querySelector('#statements details').open = true;", json!([])).await;
        let shown = b.text(&b.find("#statements tbody").await).await;
        assert!(shown.contains("a@example.jp") && shown.contains("http://example.com/did"), "{shown}");
        no_english_left(&b, "statements").await;
        b.screenshot("statements-ja").await;
        b.quit().await;
    })
    .await;
}
