//! Versions, deletion and shared content: a new upload of a course is a new immutable
//! version; content is stored once by SHA-256 however many packages, versions or tenants
//! use it; a delete removes exactly the blobs nothing else uses; storage use is counted
//! per tenant.

use std::collections::BTreeSet;

use kiroku::blob::BlobStore;
use serde_json::json;

use super::fixture::{self, File};
use super::{Env, str_of};

async fn blobs(env: &Env) -> BTreeSet<String> {
    env.app.blobs.list().await.expect("list blobs").into_iter().collect()
}

async fn storage(env: &Env) -> u64 {
    env.get_api("/api/v1/storage").await.expect(200).json()["bytes"]
        .as_u64()
        .expect("bytes")
}

/// The single-SCO fixture as its author's next export: a changed page and a new script.
fn second_edition() -> Vec<File> {
    let mut files = fixture::files("scorm12-single-sco");
    let index = files.iter_mut().find(|(p, _)| p == "index.html").expect("index.html");
    index.1 = b"<!DOCTYPE html><title>Fire Extinguisher Basics, revised</title><p>Version 2</p>\n".to_vec();
    files.push(("js/revision.js".to_owned(), b"var revision = 2;\n".to_vec()));
    files
}

#[tokio::test]
async fn a_new_upload_of_a_course_is_version_2_and_version_1_keeps_serving_its_own_files() {
    let env = Env::start().await;
    let v1_files = fixture::files("scorm12-single-sco");
    let v1 = env.import(&fixture::zip(&v1_files)).await;
    let id = str_of(&v1, "packageId");
    let v1_base = env.content_base(id).await;
    let v2_files = second_edition();
    let v2 = env.upload_form(&fixture::zip(&v2_files)).await.expect(201).json();
    assert_eq!((&v2["packageId"], &v2["version"]), (&json!(id), &json!(2)));
    let shown = env.get_api(&format!("/api/v1/packages/{id}")).await.expect(200).json();
    assert_eq!((&shown["versions"], &shown["version"]), (&json!([1, 2]), &json!(2)));
    let listed = env.get_api("/api/v1/packages").await.expect(200).json();
    assert_eq!(listed["packages"].as_array().map(Vec::len), Some(1));
    assert_eq!(listed["packages"][0]["version"], 2);
    // A link made before the upload, and a new link to version 1, both serve version 1.
    let v1_again = env.launch(id, json!({"learner": "bob", "version": 1})).await;
    for base in [v1_base.clone(), str_of(&v1_again, "contentBase").to_owned()] {
        let page = env.fetch(&format!("{base}index.html")).await.expect(200);
        assert_eq!(
            page.body.as_ref(),
            fixture::file("scorm12-single-sco", "index.html").as_slice()
        );
        env.fetch(&format!("{base}js/revision.js")).await.expect(404);
    }
    let v2_base = env.content_base(id).await;
    let page = env.fetch(&format!("{v2_base}index.html")).await.expect(200);
    assert!(
        page.text().contains("Version 2"),
        "the newest version launches by default"
    );
    env.fetch(&format!("{v2_base}js/revision.js")).await.expect(200);
    // Unchanged files are shared by the two versions: two new blobs, not a second copy.
    let all: Vec<File> = v1_files.iter().chain(v2_files.iter()).cloned().collect();
    assert_eq!(blobs(&env).await, fixture::hashes(&all));
    assert_eq!(fixture::hashes(&all).len(), fixture::hashes(&v1_files).len() + 2);
    assert_eq!(storage(&env).await, fixture::distinct_bytes(&all));
}

#[tokio::test]
async fn content_shared_by_packages_is_stored_once_and_counted_once() {
    let env = Env::start().await;
    let names = [
        "scorm2004-2nd-edition",
        "scorm2004-3rd-sequenced",
        "scorm2004-4th-shared-data",
        "scorm2004-quirks",
    ];
    let mut all: Vec<File> = Vec::new();
    for name in names {
        env.import_fixture(name).await;
        all.extend(fixture::files(name));
    }
    let api = fixture::sha256_hex(&fixture::file("scorm2004-3rd-sequenced", "shared/scorm2004-api.js"));
    let copies = all.iter().filter(|(_, b)| fixture::sha256_hex(b) == api).count();
    assert_eq!(copies, 4, "the four packages carry the same API wrapper");
    assert_eq!(
        blobs(&env).await,
        fixture::hashes(&all),
        "one blob per distinct content"
    );
    assert_eq!(storage(&env).await, fixture::distinct_bytes(&all));
    assert!(fixture::distinct_bytes(&all) < all.iter().map(|(_, b)| b.len() as u64).sum::<u64>());
}

#[tokio::test]
async fn storage_is_counted_per_tenant_while_blobs_are_shared_between_tenants() {
    let env = Env::start().await;
    env.import_fixture("scorm12-multi-sco").await;
    let before = blobs(&env).await;
    let other = env.other_tenant("globex").await;
    env.upload_as(&other, &fixture::package("scorm12-multi-sco"))
        .await
        .expect(201);
    env.upload_as(&other, &fixture::package("tincan-two-activities"))
        .await
        .expect(201);
    let multi = fixture::files("scorm12-multi-sco");
    let tincan = fixture::files("tincan-two-activities");
    let both: Vec<File> = multi.iter().chain(tincan.iter()).cloned().collect();
    assert_eq!(
        blobs(&env).await,
        fixture::hashes(&both),
        "the same course in two tenants is stored once"
    );
    assert!(before.is_subset(&blobs(&env).await));
    assert_eq!(storage(&env).await, fixture::distinct_bytes(&multi));
    let theirs = env
        .app
        .get("/api/v1/storage")
        .auth(&other)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(theirs["bytes"], json!(fixture::distinct_bytes(&both)));
}

#[tokio::test]
async fn delete_removes_the_package_and_exactly_the_blobs_nothing_else_uses() {
    let env = Env::start().await;
    let single = env.import_fixture("scorm12-single-sco").await;
    let single_id = str_of(&single, "packageId").to_owned();
    env.upload(&fixture::zip(&second_edition())).await.expect(201);
    let multi = env.import_fixture("scorm12-multi-sco").await;
    let multi_id = str_of(&multi, "packageId");
    let multi_files = fixture::files("scorm12-multi-sco");
    let shared = fixture::sha256_hex(&fixture::file("scorm12-multi-sco", "shared/scorm12-api.js"));
    assert!(
        fixture::hashes(&fixture::files("scorm12-single-sco")).contains(&shared),
        "the two packages share a file"
    );
    env.app
        .delete(&format!("/api/v1/packages/{single_id}"))
        .auth(&env.admin)
        .send()
        .await
        .expect(204);
    assert_eq!(
        blobs(&env).await,
        fixture::hashes(&multi_files),
        "both versions' own blobs are gone, shared ones stay"
    );
    assert_eq!(storage(&env).await, fixture::distinct_bytes(&multi_files));
    env.get_api(&format!("/api/v1/packages/{single_id}")).await.expect(404);
    env.launch_as(&env.admin, &single_id, json!({"learner": "ann"}))
        .await
        .expect(404);
    let list = env.get_api("/api/v1/packages").await.expect(200).json();
    assert_eq!(
        list["packages"]
            .as_array()
            .map(|p| p.iter().map(|p| p["packageId"].clone()).collect()),
        Some(vec![json!(multi_id)])
    );
    env.app
        .delete(&format!("/api/v1/packages/{single_id}"))
        .auth(&env.admin)
        .send()
        .await
        .expect(404);
    let base = env.content_base(multi_id).await;
    env.fetch(&format!("{base}shared/scorm12-api.js")).await.expect(200);
    env.app
        .delete(&format!("/api/v1/packages/{multi_id}"))
        .auth(&env.admin)
        .send()
        .await
        .expect(204);
    assert!(blobs(&env).await.is_empty());
    assert_eq!(storage(&env).await, 0);
    assert!(
        super::entries_under(&env.app.data_dir().join("work")).is_empty(),
        "nothing left in the work folder"
    );
}

#[tokio::test]
async fn delete_keeps_blobs_another_tenant_uses_and_cannot_reach_another_tenants_package() {
    let env = Env::start().await;
    let ours = env.import_fixture("cmi5-multi-au").await;
    let ours_id = str_of(&ours, "packageId");
    let other = env.other_tenant("globex").await;
    let theirs = env
        .upload_as(&other, &fixture::package("cmi5-multi-au"))
        .await
        .expect(201)
        .json();
    let theirs_id = str_of(&theirs, "packageId");
    assert_ne!(
        ours_id, theirs_id,
        "the same course identifier is a different package in another tenant"
    );
    // Another tenant's admin cannot see, launch or delete our package.
    env.app
        .get(&format!("/api/v1/packages/{ours_id}"))
        .auth(&other)
        .send()
        .await
        .expect(404);
    env.launch_as(&other, ours_id, json!({"learner": "eve"}))
        .await
        .expect(404);
    env.app
        .delete(&format!("/api/v1/packages/{ours_id}"))
        .auth(&other)
        .send()
        .await
        .expect(404);
    env.get_api(&format!("/api/v1/packages/{ours_id}")).await.expect(200);
    env.app
        .delete(&format!("/api/v1/packages/{ours_id}"))
        .auth(&env.admin)
        .send()
        .await
        .expect(204);
    let files = fixture::files("cmi5-multi-au");
    assert_eq!(
        blobs(&env).await,
        fixture::hashes(&files),
        "the other tenant still uses every blob"
    );
    for (path, bytes) in &files {
        let sha = fixture::sha256_hex(bytes);
        assert!(env.app.blobs.exists(&sha).await.expect("exists"), "{path}");
    }
    let l = env
        .launch_as(
            &other,
            theirs_id,
            json!({"learner": "eve", "item": "https://kiroku.example/courses/volcanoes/au/quiz"}),
        )
        .await;
    let link = l.expect(200).json()["url"].as_str().expect("url").to_owned();
    let url = crate::cmi5_launch::open_link(&env, &link).await;
    assert_eq!(
        env.fetch(&url).await.expect(200).body.as_ref(),
        fixture::file("cmi5-multi-au", "quiz/index.html").as_slice()
    );
}

/// After `DELETE`, a launch link made before must stop serving the package (its blobs are
/// gone from storage). The content origin's path lookup cache (src/http/content/cache.rs,
/// `LOOKUP_TTL` 30 s) and blob cache keep serving a deleted package's files until the
/// lookup expires.
#[tokio::test]
async fn a_deleted_package_is_no_longer_served() {
    let env = Env::start().await;
    let answer = env.import_fixture("scorm12-single-sco").await;
    let id = str_of(&answer, "packageId");
    let base = env.content_base(id).await;
    env.fetch(&format!("{base}js/course.js")).await.expect(200);
    env.app
        .delete(&format!("/api/v1/packages/{id}"))
        .auth(&env.admin)
        .send()
        .await
        .expect(204);
    env.fetch(&format!("{base}js/course.js")).await.expect(404);
}
