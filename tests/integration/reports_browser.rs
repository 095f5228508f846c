//! The reports pages in headless Chromium: a tenant admin filters the reports by course,
//! reads the charts, and the pages in Japanese leave no English and pass axe-core; then a
//! learner's transcript. Screenshots as in `web_browser.rs`.

use serde_json::json;

use crate::accounts::{account, with_operator};
use crate::clicks::within;
use crate::packages::Env;
use crate::reports::takes;
use crate::web_browser::{no_english_left, signed_in, switch_to};

const ADMIN: &str = "admin@acme.test";

#[tokio::test]
async fn an_admin_reads_the_reports_and_a_transcript_in_both_languages() {
    within(async {
        let env = Env::with(with_operator()).await;
        let app = &env.app;
        let pkg = env.import_fixture("scorm12-single-sco").await;
        let package = pkg["packageId"].as_str().expect("id").to_owned();
        takes(&env, &package, "hanako", None, ("passed", 90, 12)).await;
        takes(&env, &package, "taro", None, ("failed", 10, 3)).await;
        takes(&env, &package, "jiro", None, ("passed", 70, 40)).await;
        account(app, ADMIN, json!({"role": "tenant-admin", "tenant": "acme"})).await;
        let b = signed_in(&app.url("/admin/"), ADMIN).await;

        b.goto(&app.url("/reports")).await;
        b.wait_js("the reports page", "document.getElementById('reports-form') !== null")
            .await;
        b.execute(
            "document.getElementById('f-course').value = arguments[0];",
            json!([package]),
        )
        .await;
        b.click_on("#reports-filter").await;
        b.wait_js("the questions", "document.getElementById('questions-table') !== null")
            .await;
        let funnel = b.text(&b.find("#funnel-table tbody").await).await;
        assert!(funnel.contains("Fire Extinguisher Basics"), "{funnel}");
        let started = "return document.querySelector('#funnel-table tbody td:nth-of-type(2)').textContent;";
        assert_eq!(b.execute(started, json!([])).await, json!("3"));

        // Another learner takes the course: the report changes on the next look, and its
        // CSV (fetched as the link would download it) says the same.
        takes(&env, &package, "saburo", None, ("passed", 95, 20)).await;
        b.execute("location.reload();", json!([])).await;
        b.wait_js(
            "the report with the new learner",
            "document.readyState === 'complete' \
             && (document.querySelector('#funnel-table tbody td:nth-of-type(2)') || {}).textContent === '4'",
        )
        .await;
        let csv = b
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 fetch(document.getElementById('export-courses').href).then(r => r.text()).then(done);",
                json!([]),
            )
            .await;
        let csv = csv.as_str().unwrap_or_default();
        assert!(
            csv.contains("course,title,registered,started,completed,passed"),
            "{csv}"
        );
        assert!(csv.contains(",Fire Extinguisher Basics,4,4,4,"), "{csv}");
        let charts = b
            .execute("return document.querySelectorAll('svg.chart rect').length;", json!([]))
            .await;
        assert!(charts.as_u64().unwrap_or(0) >= 20, "bars drawn: {charts}");
        // Tall enough for every chart in one picture.
        b.resize(1280, 3400).await;
        b.screenshot("reports-en").await;
        b.resize(390, 844).await;
        b.screenshot("reports-phone-en").await;
        b.resize(1280, 3400).await;

        switch_to(&b, "ja").await;
        b.wait_js(
            "the same filters",
            "document.getElementById('questions-table') !== null",
        )
        .await;
        no_english_left(&b, "reports").await;
        b.screenshot("reports-ja").await;
        b.resize(390, 844).await;
        b.screenshot("reports-phone-ja").await;
        b.resize(1280, 1000).await;

        b.goto(&app.url("/reports/learners/taro")).await;
        b.wait_js("the transcript", "document.getElementById('transcript-table') !== null")
            .await;
        let row = b.text(&b.find("#transcript-table tbody").await).await;
        assert!(row.contains("不合格"), "{row}");
        no_english_left(&b, "transcript").await;
        b.screenshot("transcript-ja").await;
        switch_to(&b, "en").await;
        b.screenshot("transcript-en").await;
    })
    .await;
}
