//! Content files in S3-compatible storage over https: moto's server with a certificate
//! from a throw-away CA (both made by `scripts/with-s3.sh`). The blob store's contract
//! holds when the CA is trusted (`ca_file`, `--s3-ca-file`); without it the connection
//! is refused, promptly, with an error naming the certificate.

use std::path::PathBuf;
use std::time::Duration;

use kiroku::blob::BlobStore;
use kiroku::blob::s3::S3Blobs;

use crate::blobs_s3::{cli_import, contract, s3_blobs, test_env};

fn endpoint() -> String {
    test_env("KIROKU_TEST_S3_TLS_ENDPOINT")
}

fn ca_file() -> PathBuf {
    PathBuf::from(test_env("KIROKU_TEST_S3_CA_FILE"))
}

/// A fresh bucket on the https test server, its CA trusted.
async fn trusted_bucket(name: &str) -> S3Blobs {
    let blobs = s3_blobs(endpoint(), Some(ca_file()), name);
    blobs.create_bucket().await.expect("create the bucket over https");
    blobs
}

#[tokio::test]
async fn the_blob_store_contract_holds_on_s3_over_https_with_the_ca_file() {
    assert!(endpoint().starts_with("https://"), "{}", endpoint());
    contract(&trusted_bucket("tls-contract").await).await;
}

#[tokio::test]
async fn an_s3_server_signed_by_an_unknown_ca_is_refused_with_a_certificate_error() {
    let blobs = s3_blobs(endpoint(), None, "tls-untrusted");
    let result = tokio::time::timeout(Duration::from_secs(30), blobs.exists(&"0".repeat(64)))
        .await
        .expect("refused promptly, not hanging");
    let err = result.expect_err("an unknown CA is refused").to_string();
    assert!(err.contains("invalid peer certificate"), "{err}");
    assert!(err.contains("UnknownIssuer"), "{err}");
    assert!(err.contains(&endpoint()), "names the endpoint: {err}");
}

#[tokio::test]
async fn the_cli_imports_into_s3_over_https_only_with_s3_ca_file() {
    let blobs = trusted_bucket("tls-cli").await;
    let k = crate::process::Kiroku::on_sqlite();
    k.ok(&["tenant", "create", "t"]);
    let refused = cli_import(&k, &blobs, &endpoint(), &[]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "an error, not a panic: {stderr}");
    assert!(stderr.contains("invalid peer certificate"), "{stderr}");
    assert!(blobs.list().await.expect("list").is_empty());
    let ca = ca_file();
    let ca = ca.to_str().expect("utf-8");
    let out = cli_import(&k, &blobs, &endpoint(), &["--s3-ca-file", ca]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let files = crate::packages::fixture::files("scorm12-single-sco");
    let expected = crate::packages::fixture::hashes(&files).len();
    assert_eq!(blobs.list().await.expect("list").len(), expected);
}
