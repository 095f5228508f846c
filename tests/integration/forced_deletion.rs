//! Forced deletion takes effect on the next request: once a learner is deleted with
//! `?force=true`, every launch grant of theirs stops working at once (content files,
//! run-time, player), though grants are stateless signed tokens.

use axum::http::Method;
use serde_json::{Value, json};

use crate::packages::Env;

/// An LMS launch of a SCORM 1.2 package for learner `id`.
async fn launch(env: &Env, package_id: &str, id: &str) -> Value {
    env.app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&json!({"learner": {"id": id, "name": "Ann Lee"}, "packageId": package_id}))
        .send()
        .await
        .expect(200)
        .json()
}

fn runtime_url(l: &Value) -> String {
    let base = l["contentBase"].as_str().expect("content base");
    format!(
        "{}{}",
        base.replace("/content/", "/runtime/"),
        l["item"].as_str().expect("item")
    )
}

async fn status(env: &Env, method: Method, url: &str) -> (u16, String) {
    let r = env.app.request(method, url).send().await;
    (r.status.as_u16(), r.text())
}

#[tokio::test]
async fn a_forced_learner_deletion_stops_content_runtime_and_player_at_once() {
    let env = Env::start().await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let package_id = pkg["packageId"].as_str().expect("package id");
    let ann = launch(&env, package_id, "ann").await;
    let bob = launch(&env, package_id, "bob").await;
    let (content, runtime) = (ann["url"].as_str().expect("url"), runtime_url(&ann));
    let player = ann["playerUrl"].as_str().expect("player url");
    assert_eq!(status(&env, Method::GET, content).await.0, 200);
    assert_eq!(status(&env, Method::GET, &runtime).await.0, 200);
    assert_eq!(status(&env, Method::GET, player).await.0, 200);

    env.app
        .delete("/api/v1/learners/ann?force=true")
        .auth(&env.admin)
        .send()
        .await
        .expect(204);

    let (code, page) = status(&env, Method::GET, content).await;
    assert_eq!(code, 403, "content: {page}");
    assert!(page.contains("learner ID has been removed"), "{page}");
    let r = env.app.request(Method::GET, &runtime).send().await.expect(403);
    assert_eq!(r.json()["error"]["reason"], "learner_deleted");
    let commit = json!({"attempt": 1, "seq": 2, "sets": []});
    let r = env
        .app
        .request(Method::POST, &format!("{runtime}/commit"))
        .json(&commit)
        .send()
        .await
        .expect(403);
    assert_eq!(r.json()["error"]["reason"], "learner_deleted");
    let (code, page) = status(&env, Method::GET, player).await;
    assert_eq!(code, 403);
    assert!(page.contains("learner ID has been removed"), "{page}");
    // Nobody else is affected.
    assert_eq!(
        status(&env, Method::GET, bob["url"].as_str().expect("url")).await.0,
        200
    );
    assert_eq!(status(&env, Method::GET, &runtime_url(&bob)).await.0, 200);
}

#[tokio::test]
async fn a_forced_package_deletion_stops_the_registrations_grants() {
    let env = Env::start().await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let package_id = pkg["packageId"].as_str().expect("package id");
    let ann = launch(&env, package_id, "ann").await;
    env.app
        .delete(&format!("/api/v1/packages/{package_id}?force=true"))
        .auth(&env.admin)
        .send()
        .await
        .expect(204);
    let r = env.app.request(Method::GET, &runtime_url(&ann)).send().await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text());
    assert_eq!(r.json()["error"]["reason"], "registration_deleted");
}

#[tokio::test]
async fn a_package_launch_of_a_stored_learner_stops_when_the_learner_goes() {
    let env = Env::start().await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let package_id = pkg["packageId"].as_str().expect("package id");
    let learner = json!({"id": "cy", "name": "Cy"});
    env.app
        .post("/api/v1/learners")
        .auth(&env.admin)
        .json(&learner)
        .send()
        .await
        .expect(201);
    let by_package = |who: &'static str| {
        let env = &env;
        async move {
            env.app
                .post(&format!("/api/v1/packages/{package_id}/launch"))
                .auth(&env.admin)
                .json(&json!({"learner": who}))
                .send()
                .await
                .expect(200)
                .json()["url"]
                .as_str()
                .expect("url")
                .to_owned()
        }
    };
    let (cy, trial) = (by_package("cy").await, by_package("any-id").await);
    env.app
        .delete("/api/v1/learners/cy")
        .auth(&env.admin)
        .send()
        .await
        .expect(204);
    assert_eq!(status(&env, Method::GET, &cy).await.0, 403);
    // An admin trying content as an id no learner holds is not a learner's launch.
    assert_eq!(status(&env, Method::GET, &trial).await.0, 200);
}
