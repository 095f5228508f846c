//! Learners as CSV through the admin API: an import creates and updates learners and
//! reports each bad row (row number, id, why) without storing anything of it; the export
//! reads back; an end-client admin's import and export stay in their end client.

use axum::http::Method;
use serde_json::{Value, json};

use crate::accounts::{account, sign_in, with_operator};
use crate::packages::Env;

async fn import(env: &Env, csv: &str) -> (u16, Value) {
    let r = env
        .app
        .req(Method::POST, "/api/v1/learners.csv")
        .auth(&env.admin)
        .body("text/csv", csv.as_bytes().to_vec())
        .send()
        .await;
    (r.status.as_u16(), r.json())
}

#[tokio::test]
async fn an_import_creates_updates_and_reports_each_bad_row() {
    let env = Env::with(with_operator()).await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    env.register("kept", pkg["packageId"].as_str().expect("id")).await;
    let csv = "id,name,email,endClient\n\
               hanako,山田 花子,hanako@example.jp,\n\
               kept,Kept Renamed,,\n\
               bad-mail,Bob,not-an-address,\n\
               ,No Id,,\n\
               nameless,,,\n\
               hanako,山田 花子 again,,\n\
               ec-typo,Eve,,no-such-client\n\
               ec-bad,Eve,,北 支社\n\
               short,only two\n";
    let (status, a) = import(&env, csv).await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(
        (a["created"].as_u64(), a["updated"].as_u64()),
        (Some(1), Some(1)),
        "{a}"
    );
    let errors = a["errors"].as_array().expect("errors");
    let rows: Vec<u64> = errors.iter().filter_map(|e| e["row"].as_u64()).collect();
    assert_eq!(rows, [4, 5, 6, 7, 8, 9, 10], "{a}");
    assert_eq!(errors.first().map(|e| &e["id"]), Some(&json!("bad-mail")));
    // Each refusal names its rule (a page says it in its reader's language from that).
    let rules: Vec<&str> = errors.iter().filter_map(|e| e["rule"].as_str()).collect();
    assert_eq!(
        rules,
        [
            "email",
            "id",
            "name",
            "duplicate",
            "unknownEndClient",
            "endClient",
            "fields"
        ],
        "{a}"
    );
    assert_eq!(errors[3]["first"], 2, "{a}");
    assert_eq!(errors[4]["endClient"], "no-such-client", "{a}");
    assert!(
        env.app
            .store
            .learner(env.tenant.id, "bad-mail")
            .await
            .expect("read")
            .is_none()
    );
    let kept = env
        .app
        .store
        .learner(env.tenant.id, "kept")
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(kept.name, "Kept Renamed");

    // A file that cannot be read at all is refused whole.
    let (status, a) = import(&env, "id,name,age\nx,y,3\n").await;
    assert_eq!(status, 400, "{a}");
    assert!(
        a["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("unknown column"),
        "{a}"
    );
    let (status, _) = import(&env, "").await;
    assert_eq!(status, 400);
    let r = env
        .app
        .req(Method::POST, "/api/v1/learners.csv")
        .auth(&env.admin)
        .body("text/csv", vec![0xff, 0xfe, 0x00])
        .send()
        .await;
    assert_eq!(r.status.as_u16(), 400, "not UTF-8");

    // The export reads back as the same learners.
    let r = env
        .app
        .req(Method::GET, "/api/v1/learners.csv")
        .auth(&env.admin)
        .send()
        .await
        .expect(200);
    assert!(r.header("content-type").is_some_and(|c| c.starts_with("text/csv")));
    let text = r.text();
    assert!(
        text.starts_with('\u{feff}') && text.contains("hanako,山田 花子,hanako@example.jp"),
        "{text}"
    );
    let (rows, errors) = kiroku::learner::csv::parse_import(&text).expect("reads back");
    assert!(errors.is_empty());
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["hanako", "kept"]);
}

#[tokio::test]
async fn an_end_client_admins_import_and_export_stay_in_their_end_client() {
    let env = Env::with(with_operator()).await;
    for ec in ["east", "west"] {
        env.app
            .post("/api/v1/end-clients")
            .auth(&env.admin)
            .json(&json!({"id": ec, "name": ec}))
            .send()
            .await
            .expect(201);
    }
    let (status, _) = import(&env, "id,name,endClient\nw1,West One,west\n").await;
    assert_eq!(status, 200);
    account(
        &env.app,
        "east@acme.test",
        json!({"role": "end-client-admin", "tenant": "acme", "endClient": "east"}),
    )
    .await;
    let s = sign_in(&env.app, "east@acme.test").await;
    let csv = "id,name,endClient\ne1,East One,\ne2,East Two,east\nw1,Taken,\nx1,Elsewhere,west\n";
    let r = s
        .on(env.app.req(Method::POST, "/api/v1/learners.csv"))
        .body("text/csv", csv.as_bytes().to_vec())
        .send()
        .await
        .expect(200);
    let a = r.json();
    assert_eq!(a["created"], 2, "{a}");
    let refused: Vec<&str> = a["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["id"].as_str())
        .collect();
    assert_eq!(refused, ["w1", "x1"], "{a}");
    let rules: Vec<&str> = a["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["rule"].as_str())
        .collect();
    assert_eq!(rules, ["taken", "otherEndClient"], "{a}");
    let e1 = env
        .app
        .store
        .learner(env.tenant.id, "e1")
        .await
        .expect("read")
        .expect("e1");
    assert_eq!(e1.end_client.as_deref(), Some("east"));
    let w1 = env
        .app
        .store
        .learner(env.tenant.id, "w1")
        .await
        .expect("read")
        .expect("w1");
    assert_eq!(w1.name, "West One", "another end client's learner is not overwritten");
    let text = s
        .on(env.app.req(Method::GET, "/api/v1/learners.csv"))
        .send()
        .await
        .expect(200)
        .text();
    assert!(text.contains("e1,") && !text.contains("w1"), "{text}");
}
