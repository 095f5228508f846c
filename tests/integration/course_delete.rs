//! Deleting package versions and courses, through the admin API and the course page's
//! forms: a version in use stays (409), as does a package's only version; an unused one
//! goes with the files no other version needs; the whole course goes after the
//! confirmation, forced when registrations use it. End-client admins may not.

use axum::http::Method;
use serde_json::{Value, json};

use crate::accounts::{Session, account, sign_in, with_operator};
use crate::backups::package_of;
use crate::packages::{Env, fixture, str_of};
use crate::support::Resp;
use kiroku::blob::BlobStore;

async fn versions(env: &Env, id: &str) -> Vec<u64> {
    let v: Value = env.get_api(&format!("/api/v1/packages/{id}")).await.expect(200).json();
    let list = v["versions"].as_array().cloned().unwrap_or_default();
    list.iter().filter_map(Value::as_u64).collect()
}

async fn delete_version(env: &Env, id: &str, n: u32) -> Resp {
    env.app
        .req(Method::DELETE, &format!("/api/v1/packages/{id}/versions/{n}"))
        .auth(&env.admin)
        .send()
        .await
}

#[tokio::test]
async fn an_unused_version_is_deleted_with_its_own_files_and_a_used_or_only_one_stays() {
    let env = Env::start().await;
    let first = env.import(&package_of(30_000)).await;
    let id = str_of(&first, "packageId").to_owned();
    // Version 2 of the same course (same identifier), with other media.
    env.import(&package_of(40_000)).await;
    assert_eq!(versions(&env, &id).await, vec![1, 2]);
    let blobs_before = env.app.blobs.list().await.expect("blobs").len();
    env.register("ann", &id).await; // on the newest, version 2

    let r = delete_version(&env, &id, 2).await;
    assert_eq!(r.status.as_u16(), 409, "{}", r.text());
    assert!(r.message().contains("registration"), "{}", r.text());
    delete_version(&env, &id, 1).await.expect(204);
    assert_eq!(versions(&env, &id).await, vec![2]);
    let blobs_after = env.app.blobs.list().await.expect("blobs").len();
    assert_eq!(
        blobs_after,
        blobs_before - 1,
        "version 1's own media file went, the shared files stayed"
    );
    delete_version(&env, &id, 1).await.expect(404);
    let r = delete_version(&env, &id, 2).await;
    assert_eq!(r.status.as_u16(), 409, "the only version");
    let r = env
        .app
        .req(Method::DELETE, &format!("/api/v1/packages/{id}/versions/x"))
        .auth(&env.admin)
        .send()
        .await;
    assert_eq!(r.status.as_u16(), 400);
    // The remaining version still launches.
    let l = env.launch(&id, json!({"learner": "ann"})).await;
    assert!(l["url"].as_str().is_some(), "{l}");
}

async fn post(env: &Env, s: &Session, path: &str, form: &str) -> Resp {
    env.app
        .req(Method::POST, path)
        .header("cookie", &s.cookie)
        .body("application/x-www-form-urlencoded", form.as_bytes().to_vec())
        .send()
        .await
}

#[tokio::test]
async fn the_course_page_deletes_a_version_and_then_the_course_after_confirming() {
    let env = Env::with(with_operator()).await;
    let app = &env.app;
    account(
        app,
        "admin@acme.test",
        json!({"role": "tenant-admin", "tenant": "acme"}),
    )
    .await;
    let s = sign_in(app, "admin@acme.test").await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let id = str_of(&pkg, "packageId").to_owned();
    env.import(&fixture::package("scorm12-single-sco")).await;
    env.register("ann", &id).await;

    let page = app
        .req(Method::GET, &format!("/courses/{id}"))
        .header("cookie", &s.cookie)
        .send()
        .await
        .expect(200)
        .text();
    assert!(
        page.contains("id=\"version-delete-form\"") && page.contains("<option value=\"1\">1</option>"),
        "{page}"
    );
    assert!(
        !page.contains("<option value=\"2\">"),
        "version 2 is in use: not offered"
    );
    assert!(
        page.contains("name=\"force\" value=\"on\""),
        "forced: a registration uses the course"
    );

    let r = post(
        &env,
        &s,
        &format!("/courses/{id}/versions/delete"),
        &format!("csrf={}&version=1", s.csrf),
    )
    .await;
    assert_eq!(r.status.as_u16(), 400, "not confirmed");
    let r = post(
        &env,
        &s,
        &format!("/courses/{id}/versions/delete"),
        &format!("csrf={}&version=2&confirm=on", s.csrf),
    )
    .await;
    assert_eq!(r.status.as_u16(), 400, "in use");
    assert!(r.text().contains("id=\"course-delete-error\""));
    let r = post(
        &env,
        &s,
        &format!("/courses/{id}/versions/delete"),
        &format!("csrf={}&version=1&confirm=on", s.csrf),
    )
    .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    assert_eq!(versions(&env, &id).await, vec![2]);
    let page = app
        .req(Method::GET, &format!("/courses/{id}"))
        .header("cookie", &s.cookie)
        .send()
        .await
        .expect(200)
        .text();
    assert!(page.contains("id=\"no-version-to-delete\""));

    let r = post(
        &env,
        &s,
        &format!("/courses/{id}/delete"),
        &format!("csrf={}&confirm=on&force=on", s.csrf),
    )
    .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    assert_eq!(r.header("location"), Some("/courses"));
    env.get_api(&format!("/api/v1/packages/{id}")).await.expect(404);

    // An end-client admin gets no deletion section and cannot post one.
    let other = env.import_fixture("scorm12-single-sco").await;
    let other = str_of(&other, "packageId").to_owned();
    env.app
        .post("/api/v1/end-clients")
        .auth(&env.admin)
        .json(&json!({"id": "east", "name": "East"}))
        .send()
        .await
        .expect(201);
    account(
        app,
        "east@acme.test",
        json!({"role": "end-client-admin", "tenant": "acme", "endClient": "east"}),
    )
    .await;
    let e = sign_in(app, "east@acme.test").await;
    let page = app
        .req(Method::GET, &format!("/courses/{other}"))
        .header("cookie", &e.cookie)
        .send()
        .await
        .expect(200)
        .text();
    assert!(!page.contains("course-delete-form"));
    let r = post(
        &env,
        &e,
        &format!("/courses/{other}/delete"),
        &format!("csrf={}&confirm=on", e.csrf),
    )
    .await;
    assert_eq!(r.status.as_u16(), 403);
    env.get_api(&format!("/api/v1/packages/{other}")).await.expect(200);
}
