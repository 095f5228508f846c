//! Launch grants and the two origins: content is served only under a valid, unexpired
//! grant, for that grant's tenant, package and version; paths cannot climb out of the
//! version; content never comes from the app origin, the admin API never from the content
//! origin; the admin API needs the `admin` scope.

use axum::http::Method;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kiroku::tenant::Scope;
use serde_json::{Value, json};

use super::{Env, fixture, str_of};
use crate::support::{Cred, Req, Resp, TestApp};

/// The token of a content base URL (`…/content/{token}/`).
fn token_of(base: &str) -> &str {
    base.trim_end_matches('/').rsplit('/').next().expect("token")
}

fn claims(token: &str) -> Value {
    let (claims, _) = token.split_once('.').expect("claims.signature");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).expect("base64url")).expect("JSON claims")
}

/// A token with other claims but the original signature.
fn forge(token: &str, change: impl FnOnce(&mut Value)) -> String {
    let mut c = claims(token);
    change(&mut c);
    let sig = token.split_once('.').expect("signature").1;
    format!("{}.{sig}", URL_SAFE_NO_PAD.encode(c.to_string()))
}

#[track_caller]
fn forbidden(resp: Resp, what: &str) {
    assert_eq!(resp.status.as_u16(), 403, "{what}: {}", resp.text());
    assert_eq!(resp.header("content-type"), Some("text/html; charset=utf-8"), "{what}");
    assert_eq!(resp.header("cache-control"), Some("no-store"), "{what}");
    assert!(resp.text().contains("Open the course again"), "{what}: {}", resp.text());
}

async fn imported(env: &Env, fixture_name: &str) -> (String, String) {
    let answer = env.import_fixture(fixture_name).await;
    let id = str_of(&answer, "packageId").to_owned();
    let base = env.content_base(&id).await;
    (id, base)
}

#[tokio::test]
async fn a_grant_names_tenant_package_version_learner_and_expiry() {
    let env = Env::start().await;
    let (id, _) = imported(&env, "scorm12-single-sco").await;
    let l = env.launch(&id, json!({"learner": "ann"})).await;
    let c = claims(token_of(str_of(&l, "contentBase")));
    assert_eq!(
        (&c["t"], &c["p"], &c["v"], &c["l"]),
        (&json!(env.tenant.id.0), &json!(id), &json!(1), &json!("ann"))
    );
    let expires = chrono::DateTime::parse_from_rfc3339(str_of(&l, "expiresAt")).expect("expiresAt");
    assert_eq!(c["e"], json!(expires.timestamp_millis()));
    let bob = env.launch(&id, json!({"learner": "bob"})).await;
    assert_ne!(
        token_of(str_of(&bob, "contentBase")),
        token_of(str_of(&l, "contentBase"))
    );
}

#[tokio::test]
async fn tampered_or_malformed_grants_are_refused() {
    let env = Env::start().await;
    let (_, base) = imported(&env, "scorm12-single-sco").await;
    let token = token_of(&base);
    let root = base.trim_end_matches('/').trim_end_matches(token);
    env.fetch(&format!("{base}index.html")).await.expect(200);
    let mut flipped = token.to_owned();
    let last = if flipped.ends_with('A') { "B" } else { "A" };
    flipped.replace_range(flipped.len() - 1.., last);
    let longer = forge(token, |c| c["e"] = json!(c["e"].as_i64().expect("e") + 86_400_000));
    let learner = forge(token, |c| c["l"] = json!("mallory"));
    let bad = [
        flipped.as_str(),
        longer.as_str(),
        learner.as_str(),
        "nonsense",
        "a.b",
        ".",
        "e30.e30",
    ];
    for t in bad {
        forbidden(env.fetch(&format!("{root}{t}/index.html")).await, t);
    }
}

#[tokio::test]
async fn expired_grants_are_refused() {
    let now = Env::with(TestApp::builder().launch_ttl_secs(0)).await;
    let (_, base) = imported(&now, "tincan-two-activities").await;
    forbidden(
        now.fetch(&format!("{base}index_lms.html")).await,
        "a grant that expires at once",
    );
    let soon = Env::with(TestApp::builder().launch_ttl_secs(2)).await;
    let (id, _) = imported(&soon, "tincan-two-activities").await;
    let l = soon.launch(&id, json!({"learner": "ann"})).await;
    let url = str_of(&l, "url");
    soon.fetch(url).await.expect(200);
    soon.app.clock.advance(1_999);
    soon.fetch(url).await.expect(200);
    soon.app.clock.advance(1);
    forbidden(soon.fetch(url).await, "an expired grant");
}

#[tokio::test]
async fn a_grant_for_one_package_cannot_fetch_another_packages_files() {
    let env = Env::start().await;
    let (_, single) = imported(&env, "scorm12-single-sco").await;
    let (multi_id, multi) = imported(&env, "scorm12-multi-sco").await;
    env.fetch(&format!("{multi}quiz/index.html")).await.expect(200);
    env.fetch(&format!("{single}quiz/index.html")).await.expect(404);
    env.fetch(&format!("{single}shared/style.css")).await.expect(404);
    let forged = forge(token_of(&single), |c| c["p"] = json!(multi_id));
    let root = single.trim_end_matches('/').trim_end_matches(token_of(&single));
    forbidden(
        env.fetch(&format!("{root}{forged}/quiz/index.html")).await,
        "a grant re-pointed at another package",
    );
}

#[tokio::test]
async fn another_tenants_grant_never_reaches_our_content() {
    let env = Env::start().await;
    let (ours_id, ours) = imported(&env, "scorm12-single-sco").await;
    let other = env.other_tenant("globex").await;
    let theirs = env
        .upload_as(&other, &fixture::package("scorm12-multi-sco"))
        .await
        .expect(201)
        .json();
    let l = env
        .launch_as(&other, str_of(&theirs, "packageId"), json!({"learner": "eve"}))
        .await
        .expect(200)
        .json();
    let base = str_of(&l, "contentBase");
    for path in ["js/course.js", "images/extinguisher.svg", "data/questions.json"] {
        env.fetch(&format!("{ours}{path}")).await.expect(200);
        env.fetch(&format!("{base}{path}")).await.expect(404);
    }
    let token = token_of(base);
    let root = base.trim_end_matches('/').trim_end_matches(token);
    let forged = forge(token, |c| {
        c["t"] = json!(env.tenant.id.0);
        c["p"] = json!(ours_id);
    });
    forbidden(
        env.fetch(&format!("{root}{forged}/js/course.js")).await,
        "a grant re-pointed at another tenant",
    );
}

#[tokio::test]
async fn paths_cannot_climb_out_of_the_version() {
    let env = Env::start().await;
    let (id, v1) = imported(&env, "scorm12-single-sco").await;
    let mut v2_files = fixture::files("scorm12-single-sco");
    v2_files.push(("v2-only.html".to_owned(), b"<p>only in version 2</p>".to_vec()));
    env.upload(&fixture::zip(&v2_files)).await.expect(201);
    let v2 = env.content_base(&id).await;
    let (_, other) = imported(&env, "scorm12-multi-sco").await;
    env.fetch(&format!("{v2}v2-only.html")).await.expect(200);
    let v2_token = token_of(&v2);
    let other_token = token_of(&other);
    let sha = fixture::sha256_hex(&fixture::file("scorm12-single-sco", "index.html"));
    let attempts = [
        "v2-only.html".to_owned(),
        format!("../{v2_token}/v2-only.html"),
        format!("%2e%2e/{v2_token}/v2-only.html"),
        format!("..%2f{v2_token}%2fv2-only.html"),
        format!("js/..%2f..%2f{other_token}%2fquiz%2findex.html"),
        format!("%2e%2e%2f%2e%2e%2f{other_token}/quiz/index.html"),
        "../../kiroku.db".to_owned(),
        "%2e%2e/%2e%2e/%2e%2e/kiroku.db".to_owned(),
        "..%5c..%5ckiroku.db".to_owned(),
        format!("../../blobs/{}/{}", &sha[..2], &sha[2..]),
        "%2fetc%2fpasswd".to_owned(),
        "/etc/passwd".to_owned(),
        "./index.html/../../kiroku.db".to_owned(),
    ];
    for path in attempts {
        let r = env.fetch(&format!("{v1}{path}")).await;
        assert!(
            matches!(r.status.as_u16(), 400 | 404),
            "{path}: {} {}",
            r.status,
            r.text()
        );
        assert!(
            !r.text().contains("only in version 2") && !r.text().contains("SQLite format"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn content_is_only_on_the_content_origin_and_the_api_only_on_the_app_origin() {
    let env = Env::start().await;
    let (_, base) = imported(&env, "scorm12-single-sco").await;
    let content_root = format!("http://{}", env.app.content_addr);
    let path = base.strip_prefix(&content_root).expect("content origin URL");
    env.fetch(&format!("{base}index.html")).await.expect(200);
    env.app.get(&format!("{path}index.html")).send().await.expect(404);
    env.app
        .get(&format!("{path}index.html"))
        .auth(&env.admin)
        .send()
        .await
        .expect(404);
    let on_content = |p: &str| format!("{content_root}{p}");
    for p in ["/api/v1/packages", "/api/v1/storage", "/xapi/about", "/xapi/statements"] {
        let r = env.content(Method::GET, &on_content(p)).auth(&env.admin).send().await;
        assert_eq!(r.status.as_u16(), 404, "{p} on the content origin: {}", r.text());
    }
    let upload = env
        .content(Method::POST, &on_content("/api/v1/packages"))
        .auth(&env.admin)
        .body("application/zip", fixture::package("tincan-two-activities"))
        .send()
        .await;
    assert!(
        matches!(upload.status.as_u16(), 404 | 405),
        "upload on the content origin: {}",
        upload.status
    );
    assert_eq!(
        env.get_api("/api/v1/packages").await.json()["packages"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

/// Every admin API call a credential might try.
async fn admin_calls(env: &Env, cred: Option<&Cred>, id: &str) -> Vec<(String, u16)> {
    let zip = fixture::package("tincan-two-activities");
    fn with<'a>(req: Req<'a>, cred: Option<&Cred>) -> Req<'a> {
        match cred {
            Some(c) => req.auth(c),
            None => req,
        }
    }
    let calls = [
        env.app.get("/api/v1/packages"),
        env.app.post("/api/v1/packages").body("application/zip", zip),
        env.app.get(&format!("/api/v1/packages/{id}")),
        env.app
            .post(&format!("/api/v1/packages/{id}/launch"))
            .json(&json!({"learner": "ann"})),
        env.app.delete(&format!("/api/v1/packages/{id}")),
        env.app.get("/api/v1/storage"),
    ];
    let mut out = Vec::new();
    for (i, req) in calls.into_iter().enumerate() {
        let r = with(req, cred).send().await;
        out.push((format!("call {i}: {}", r.text()), r.status.as_u16()));
    }
    out
}

#[tokio::test]
async fn the_admin_api_needs_credentials_with_the_admin_scope() {
    let env = Env::start().await;
    let (id, _) = imported(&env, "scorm12-single-sco").await;
    let before = env.snapshot().await;
    let all = env.app.credential(&env.tenant, &[Scope::All]).await;
    let writer = env.app.credential(&env.tenant, &[Scope::StatementsWrite]).await;
    let revoked = env.app.credential(&env.tenant, &[Scope::Admin]).await;
    env.app.revoke(&env.tenant, &revoked).await;
    let wrong = Cred {
        key: env.admin.key.clone(),
        secret: "not-the-secret".into(),
    };
    for (cred, status) in [
        (Some(&all), 403),
        (Some(&writer), 403),
        (None, 401),
        (Some(&wrong), 401),
        (Some(&revoked), 401),
    ] {
        for (what, got) in admin_calls(&env, cred, &id).await {
            assert_eq!(got, status, "{what}");
        }
    }
    let r = env.app.get("/api/v1/packages").send().await.expect(401);
    assert!(
        r.header("www-authenticate").is_some_and(|h| h.starts_with("Basic")),
        "a Basic challenge"
    );
    assert_eq!(env.snapshot().await, before, "refused calls change nothing");
}
