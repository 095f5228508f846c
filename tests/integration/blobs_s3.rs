//! Content files in S3-compatible object storage, against a real S3-compatible server
//! (moto's, started by `scripts/with-s3.sh`, which `scripts/test.sh` uses): the blob
//! store's contract, then a package imported and served from it. `blobs_s3_tls.rs` runs
//! the same over https.

use std::path::PathBuf;
use std::sync::Arc;

use kiroku::blob::BlobStore;
use kiroku::blob::s3::{S3Blobs, S3Config};

use crate::packages::{Env, fixture};
use crate::support::TestApp;

/// A variable `scripts/with-s3.sh` sets. Fails (never skips) without it.
pub fn test_env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name}: run the tests through scripts/with-s3.sh (scripts/test.sh does)"))
}

/// The blob store on a fresh bucket's name, not yet created.
pub fn s3_blobs(endpoint: String, ca_file: Option<PathBuf>, name: &str) -> S3Blobs {
    S3Blobs::new(S3Config {
        endpoint,
        bucket: format!("{name}-{}", kiroku::id::new_uuid()),
        region: "us-east-1".into(),
        prefix: "kiroku/".into(),
        access_key: "test".into(),
        secret_key: "test".into(),
        ca_file,
    })
    .expect("S3 blobs")
}

/// A fresh bucket on the plain-http test server.
async fn bucket(name: &str) -> S3Blobs {
    let blobs = s3_blobs(test_env("KIROKU_TEST_S3_ENDPOINT"), None, name);
    blobs.create_bucket().await.expect("create the bucket");
    blobs
}

/// The bucket's name, from the store's `Debug` output.
pub fn bucket_name(blobs: &S3Blobs) -> String {
    format!("{blobs:?}")
        .split("bucket: \"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("bucket name")
        .to_owned()
}

#[tokio::test]
async fn the_blob_store_contract_holds_on_s3() {
    contract(&bucket("contract").await).await;
}

/// Put, exists, read (whole and ranges), stream, list and delete on an empty bucket.
pub async fn contract(blobs: &S3Blobs) {
    let dir = tempfile::tempdir().expect("folder");
    let content = b"0123456789abcdef".repeat(1000);
    let sha = fixture::sha256_hex(&content);
    let file = dir.path().join("upload");
    std::fs::write(&file, &content).expect("write");
    assert!(!blobs.exists(&sha).await.expect("exists"));
    assert!(blobs.put_file(&sha, &file).await.expect("put"), "new");
    assert!(!file.exists(), "the local file moved into the store");
    assert!(blobs.exists(&sha).await.expect("exists"));
    std::fs::write(&file, &content).expect("write");
    assert!(!blobs.put_file(&sha, &file).await.expect("put again"), "already there");
    assert_eq!(
        blobs.read(&sha, 0, None).await.expect("read").as_ref(),
        content.as_slice()
    );
    assert_eq!(
        blobs.read(&sha, 10, Some(6)).await.expect("range").as_ref(),
        &content[10..16]
    );
    let mut stream = blobs.stream(&sha, 100, 5000).await.expect("stream");
    let mut streamed = Vec::new();
    while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
        streamed.extend_from_slice(&chunk.expect("chunk"));
    }
    assert_eq!(streamed, &content[100..5100]);
    assert_eq!(blobs.list().await.expect("list"), vec![sha.clone()]);
    blobs.delete(&sha).await.expect("delete");
    assert!(!blobs.exists(&sha).await.expect("exists"));
    let missing = "0".repeat(64);
    assert!(blobs.read(&missing, 0, None).await.is_err());
}

#[tokio::test]
async fn a_package_is_imported_into_and_served_from_s3() {
    let blobs = Arc::new(bucket("serve").await);
    let env = Env::with(TestApp::builder().blob_store(blobs.clone())).await;
    let pkg = env.import_fixture("scorm12-media").await;
    let id = pkg["packageId"].as_str().expect("package id");
    let files = fixture::files("scorm12-media");
    assert_eq!(
        blobs.list().await.expect("list").len(),
        fixture::hashes(&files).len(),
        "every distinct file is an object"
    );
    let l = env.launch(id, serde_json::json!({"learner": "ann"})).await;
    let base = l["contentBase"].as_str().expect("base");
    let video = env.fetch(&format!("{base}{}", fixture::VIDEO)).await.expect(200);
    assert_eq!(
        video.body.as_ref(),
        fixture::file("scorm12-media", fixture::VIDEO).as_slice()
    );
    assert!(
        env.app.blobs.list().await.expect("local").is_empty(),
        "nothing in the data folder"
    );
}

#[tokio::test]
async fn the_cli_imports_into_s3_when_configured() {
    let blobs = bucket("cli").await;
    let k = crate::process::Kiroku::on_sqlite();
    k.ok(&["tenant", "create", "t"]);
    let out = cli_import(&k, &blobs, &test_env("KIROKU_TEST_S3_ENDPOINT"), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let files = fixture::files("scorm12-single-sco");
    assert_eq!(blobs.list().await.expect("list").len(), fixture::hashes(&files).len());
    assert!(
        !k.dir.path().join("blobs").exists()
            || std::fs::read_dir(k.dir.path().join("blobs"))
                .expect("dir")
                .next()
                .is_none()
    );
}

/// `kiroku import t p.zip` into the bucket of `blobs` at `endpoint`, `extra` flags added.
pub fn cli_import(k: &crate::process::Kiroku, blobs: &S3Blobs, endpoint: &str, extra: &[&str]) -> std::process::Output {
    let zip = k.dir.path().join("p.zip");
    std::fs::write(&zip, fixture::package("scorm12-single-sco")).expect("zip");
    let name = bucket_name(blobs);
    let mut flags = vec![
        "--s3-endpoint",
        endpoint,
        "--s3-bucket",
        &name,
        "--s3-prefix",
        "kiroku/",
    ];
    flags.extend_from_slice(extra);
    k.command(&flags)
        .args(["import", "t", zip.to_str().expect("utf-8")])
        .env("KIROKU_S3_ACCESS_KEY_ID", "test")
        .env("KIROKU_S3_SECRET_ACCESS_KEY", "test")
        .output()
        .expect("run kiroku import")
}
