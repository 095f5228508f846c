//! The service health page over HTTP: the operator sees the store answer, each backup
//! target's newest backup with its age and verification (none yet; then one taken and
//! verified sound; then one whose verification found a problem), the S3 target as not
//! configured, and what the server counted; no one else may see it.

use axum::http::Method;
use serde_json::json;

use crate::accounts::{Session, account, sign_in, with_operator};
use crate::packages::Env;
use crate::scratch_db::servers_on_postgres;
use crate::support::TestApp;

async fn page(app: &TestApp, s: &Session, lang: &str) -> (u16, String) {
    let r = app
        .req(Method::GET, "/health")
        .header("cookie", &s.cookie)
        .header("accept-language", lang)
        .send()
        .await;
    (r.status.as_u16(), r.text())
}

fn row<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<tr id=\"{id}\""))
        .unwrap_or_else(|| panic!("no row {id}: {html}"));
    let rest = html.get(start..).unwrap_or_default();
    rest.get(..rest.find("</tr>").unwrap_or(rest.len())).unwrap_or_default()
}

#[tokio::test]
async fn the_operator_reads_the_services_health_and_its_backups() {
    let backups = tempfile::tempdir().expect("backup folder");
    let env = Env::with(with_operator().backup_dir(backups.path())).await;
    let app = &env.app;
    account(app, "op@ops.test", json!({"role": "operator"})).await;
    let s = sign_in(app, "op@ops.test").await;
    let (status, html) = page(app, &s, "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("id=\"store-ok\""), "{html}");
    assert!(row(&html, "backup-folder").contains("No backup yet"), "{html}");
    assert!(row(&html, "backup-s3").contains("Not configured"), "{html}");
    assert!(html.contains("id=\"counts\""));

    // A backup taken and verified (SQLite's; a PostgreSQL backup needs pg_dump's run).
    if !servers_on_postgres() {
        let data = app.data_dir().to_owned();
        let files = kiroku::ops::backup::Files::Folder(data.join("blobs"));
        let source = kiroku::ops::backup::Source::Sqlite;
        let made = kiroku::ops::backup::create(&source, &data, &files, backups.path(), 7).expect("backup");
        let (_, html) = page(app, &s, "ja").await;
        let folder = row(&html, "backup-folder");
        assert!(
            folder.contains(&made.manifest.name) && folder.contains("正常"),
            "{folder}"
        );
        // The newest backup's check found a problem: shown.
        let verified = backups.path().join(&made.manifest.name).join("verified.json");
        let text = std::fs::read_to_string(&verified).expect("verified.json");
        let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
        v["problems"] = json!(["kiroku.db: SHA-256 differs"]);
        std::fs::write(&verified, v.to_string()).expect("write");
        let (_, html) = page(app, &s, "en").await;
        assert!(
            row(&html, "backup-folder").contains("kiroku.db: SHA-256 differs"),
            "{html}"
        );
    }

    // Tenant admins and reseller admins may not.
    account(
        app,
        "admin@acme.test",
        json!({"role": "tenant-admin", "tenant": "acme"}),
    )
    .await;
    let a = sign_in(app, "admin@acme.test").await;
    let (status, html) = page(app, &a, "ja").await;
    assert_eq!(status, 403);
    assert!(html.contains("オペレーターだけ"), "{html}");
    let r = app.req(Method::GET, "/health").send().await;
    assert_eq!(r.status.as_u16(), 401);
}
