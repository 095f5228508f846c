//! CORS on the app origin: browser content on another origin may call the xAPI endpoint
//! with Basic credentials and read the xAPI response headers.

use axum::http::Method;

use crate::support::{Resp, TestApp};

const ORIGIN: &str = "https://content.example";

/// A header's comma-separated values, trimmed and lowercased.
fn listed(r: &Resp, name: &str) -> Vec<String> {
    r.headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .collect()
}

/// Asserts that `name` lists each of `wanted`. A `*` stands for any name except
/// `authorization`, which the Fetch standard requires to be listed explicitly.
#[track_caller]
fn assert_lists(r: &Resp, name: &str, wanted: &[&str]) {
    let got = listed(r, name);
    for w in wanted {
        assert!(
            got.iter().any(|g| g == w || (g == "*" && *w != "authorization")),
            "{name} lacks {w:?}: {got:?}; headers: {:?}",
            r.headers
        );
    }
}

#[tokio::test]
async fn preflight_allows_xapi_requests_from_another_origin() {
    let app = TestApp::start().await;
    let r = app
        .req(Method::OPTIONS, "/xapi/statements")
        .without("x-experience-api-version")
        .header("origin", ORIGIN)
        .header("access-control-request-method", "PUT")
        .header(
            "access-control-request-headers",
            "authorization,content-type,x-experience-api-version",
        )
        .send()
        .await;
    assert!(r.status.is_success(), "preflight answered {}: {}", r.status, r.text());
    let allowed_origin = r.header("access-control-allow-origin");
    assert!(
        matches!(allowed_origin, Some(ORIGIN | "*")),
        "Access-Control-Allow-Origin: {allowed_origin:?}"
    );
    assert_lists(&r, "access-control-allow-methods", &["put", "get", "post", "delete"]);
    assert_lists(
        &r,
        "access-control-allow-headers",
        &["authorization", "content-type", "x-experience-api-version"],
    );
}

#[tokio::test]
async fn responses_expose_xapi_headers_to_another_origin() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let r = app
        .get("/xapi/statements")
        .auth(&c)
        .header("origin", ORIGIN)
        .send()
        .await
        .expect(200);
    assert_eq!(r.header("access-control-allow-origin"), Some(ORIGIN));
    assert_lists(
        &r,
        "access-control-expose-headers",
        &[
            "x-experience-api-version",
            "x-experience-api-consistent-through",
            "etag",
            "last-modified",
        ],
    );
    assert!(r.header("x-experience-api-consistent-through").is_some());
}

#[tokio::test]
async fn responses_without_origin_carry_no_cors_grant() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let r = app.get("/xapi/statements").auth(&c).send().await.expect(200);
    assert_eq!(r.header("access-control-allow-origin"), None);
}
