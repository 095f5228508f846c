//! The learners page in headless Chromium: an admin imports a CSV file with one bad row,
//! reads the per-row report, sees the new learners listed, and the page in Japanese
//! leaves no English; then opens a learner's page and deletes them after confirming. Screenshots as in `web_browser.rs`.

use kiroku::i18n::{Lang, t};
use serde_json::json;

use crate::accounts::{account, with_operator};
use crate::clicks::within;
use crate::packages::Env;
use crate::web_browser::{no_english_left, signed_in, switch_to};
use crate::webdriver::Browser;

const ADMIN: &str = "admin@acme.test";

async fn import(b: &Browser, path: &std::path::Path) {
    b.send_keys(&b.find("#csv-file").await, &path.display().to_string())
        .await;
    b.click_on("#import-button").await;
    b.wait_js("the report", "document.getElementById('import-done') !== null")
        .await;
    // The report in sight, for the screenshot.
    b.execute(
        "document.getElementById('import-done').scrollIntoView({block: 'center'});",
        json!([]),
    )
    .await;
}

#[tokio::test]
async fn an_admin_imports_learners_from_csv_and_reads_the_bad_row() {
    within(async {
        let env = Env::with(with_operator()).await;
        let app = &env.app;
        account(app, ADMIN, json!({"role": "tenant-admin", "tenant": "acme"})).await;
        let dir = tempfile::tempdir().expect("temp dir");
        let csv = dir.path().join("学習者.csv");
        let text = "\u{feff}id,name,email\r\nhanako,山田 花子,hanako@example.jp\r\ntaro,佐藤 太郎,\r\nbob,Bob,not-an-address\r\n";
        std::fs::write(&csv, text).expect("write");

        let b = signed_in(&app.url("/admin/"), ADMIN).await;

        b.goto(&app.url("/learners")).await;
        b.wait_js("the learners page", "document.getElementById('import-form') !== null")
            .await;
        import(&b, &csv).await;
        let done = b.text(&b.find("#import-done").await).await;
        assert_eq!(done, "2 created, 0 updated.");
        let errors = b.text(&b.find("#import-errors tbody").await).await;
        let bad_email = t(Lang::En, "form-bad-email");
        assert!(errors.contains('4') && errors.contains("bob") && errors.contains(&bad_email), "{errors}");
        b.screenshot("learners-import-en").await;
        b.goto(&app.url("/learners")).await;
        b.wait_js("the list", "document.querySelectorAll('#learners tbody tr').length === 2")
            .await;
        let list = b.text(&b.find("#learners tbody").await).await;
        assert!(list.contains("山田 花子") && list.contains("佐藤 太郎"), "{list}");
        b.screenshot("learners-en").await;

        // In Japanese, importing the same file again updates the two learners.
        switch_to(&b, "ja").await;
        no_english_left(&b, "learners").await;
        b.screenshot("learners-ja").await;
        import(&b, &csv).await;
        let done = b.text(&b.find("#import-done").await).await;
        assert_eq!(done, "0 人を作成し、2 人を更新しました。");
        // The refused row's reason in Japanese too, as the forms say it.
        let errors = b.text(&b.find("#import-errors tbody").await).await;
        assert!(errors.contains("bob") && errors.contains(&t(Lang::Ja, "form-bad-email")), "{errors}");
        no_english_left(&b, "the import's report").await;
        b.screenshot("learners-import-ja").await;

        // A learner's page, from the list: in Japanese, then English; deleted after the
        // confirmation.
        b.goto_anew(&app.url("/learners")).await;
        b.click_on("a[href='/learners/hanako']").await;
        b.wait_js("the learner's page", "document.getElementById('learner-form') !== null")
            .await;
        no_english_left(&b, "learner").await;
        b.screenshot("learner-ja").await;
        switch_to(&b, "en").await;
        b.wait_js("the learner's page", "document.getElementById('learner-form') !== null")
            .await;
        b.screenshot("learner-en").await;
        b.click_on("#learner-confirm").await;
        b.click_on("#learner-delete").await;
        b.wait_js("the deletion's notice", "document.getElementById('learner-deleted') !== null")
            .await;
        let list = b.text(&b.find("#learners tbody").await).await;
        assert!(!list.contains("山田 花子") && list.contains("佐藤 太郎"), "{list}");
        b.quit().await;
    })
    .await;
}
