//! A cmi5 course structure uploaded without a zip (cmi5 14.2): as an XML body, as the
//! multipart file `cmi5.xml`, and from the CLI's point of view (same intake); its AUs
//! launch at their absolute urls; a relative url is refused with its rule and line.

use serde_json::{Value, json};

use super::{BOUNDARY, Env, refusal, str_of};

fn course(url: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://kiroku.example/bare">
    <title><langstring lang="ja-JP">火山の基礎</langstring><langstring lang="en-US">Volcano basics</langstring></title>
    <description><langstring lang="ja-JP">ファイルのない講座</langstring></description>
  </course>
  <au id="https://kiroku.example/bare/au/1" moveOn="CompletedAndPassed" masteryScore="0.75" launchMethod="OwnWindow">
    <title><langstring lang="ja-JP">噴火</langstring></title>
    <description><langstring lang="ja-JP">説明</langstring></description>
    <url>{url}</url>
    <launchParameters>mode=ja</launchParameters>
    <entitlementKey>火山-1</entitlementKey>
  </au>
</courseStructure>
"#
    )
}

const HOSTED: &str = "https://content.example.org/volcano/index.html?lang=ja";

async fn post(env: &Env, content_type: &str, body: Vec<u8>) -> crate::support::Resp {
    env.app
        .post("/api/v1/packages")
        .auth(&env.admin)
        .body(content_type, body)
        .send()
        .await
}

fn form(file_name: &str, xml: &str) -> Vec<u8> {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/xml\r\n\r\n{xml}\r\n--{BOUNDARY}--\r\n"
    )
    .into_bytes()
}

async fn check_imported(env: &Env, v: &Value) {
    assert_eq!(
        (&v["kind"], &v["title"], &v["fileCount"]),
        (&json!("cmi5"), &json!("Volcano basics"), &json!(0))
    );
    let id = str_of(v, "packageId");
    let shown = env.get_api(&format!("/api/v1/packages/{id}")).await.expect(200).json();
    let s = &shown["course"]["structure"]["cmi5"];
    assert_eq!(s["titles"]["ja-JP"], "火山の基礎");
    let au = &s["children"][0]["au"];
    assert_eq!(
        (
            &au["title"],
            &au["entitlementKey"],
            &au["masteryScore"],
            &au["moveOn"],
            &au["launchMethod"]
        ),
        (
            &json!("噴火"),
            &json!("火山-1"),
            &json!(0.75),
            &json!("CompletedAndPassed"),
            &json!("OwnWindow")
        )
    );
    let l = env
        .launch(
            id,
            json!({"learner": "ann", "item": "https://kiroku.example/bare/au/1"}),
        )
        .await;
    let au = crate::cmi5_launch::open_link(env, str_of(&l, "url")).await;
    assert!(au.starts_with(HOSTED), "{au}");
}

#[tokio::test]
async fn a_bare_cmi5_xml_imports_as_an_xml_body_and_launches_at_its_absolute_url() {
    let env = Env::start().await;
    let v = post(&env, "application/xml", course(HOSTED).into_bytes())
        .await
        .expect(201)
        .json();
    check_imported(&env, &v).await;
}

#[tokio::test]
async fn a_bare_cmi5_xml_imports_as_a_multipart_file() {
    let env = Env::start().await;
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let v = post(&env, &content_type, form("cmi5.xml", &course(HOSTED)))
        .await
        .expect(201)
        .json();
    check_imported(&env, &v).await;
}

#[tokio::test]
async fn a_bare_cmi5_xml_with_a_relative_url_is_refused_and_leaves_nothing() {
    let env = Env::start().await;
    let before = env.snapshot().await;
    let resp = post(&env, "text/xml", course("volcano/index.html").into_bytes()).await;
    let e = refusal(resp, 422);
    assert_eq!(
        (&e["rule"], &e["file"], &e["line"]),
        (
            &json!("cmi5_relative_url_without_package"),
            &json!("cmi5.xml"),
            &json!(10)
        ),
        "{e}"
    );
    assert_eq!(env.snapshot().await, before);
}
