//! Refusals of certificate and key files that need no real certificate (those that do
//! are in `tests/integration/tls.rs`, with a throw-away CA).

use std::path::Path;

use super::{ServerCertificate, TlsFiles};

fn load(dir: &Path, cert: &str, key: &str) -> String {
    let (c, k) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&c, cert).expect("write");
    std::fs::write(&k, key).expect("write");
    ServerCertificate::load(TlsFiles { cert: c, key: k })
        .expect_err("refused")
        .to_string()
}

#[test]
fn a_missing_file_is_named() {
    let err = ServerCertificate::load(TlsFiles {
        cert: "/nonexistent/cert.pem".into(),
        key: "/nonexistent/key.pem".into(),
    })
    .expect_err("refused")
    .to_string();
    assert!(
        err.contains("TLS certificate file /nonexistent/cert.pem: cannot read it"),
        "{err}"
    );
}

#[test]
fn a_certificate_file_without_a_certificate_is_named() {
    let dir = tempfile::tempdir().expect("folder");
    let err = load(dir.path(), "not a certificate\n", "");
    assert!(err.contains("cert.pem: no PEM certificate"), "{err}");
}

#[test]
fn a_key_file_without_a_key_is_named() {
    let dir = tempfile::tempdir().expect("folder");
    // A syntactically fine PEM block; the key is looked for before the certificate is parsed.
    let cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let err = load(dir.path(), cert, "no key here\n");
    assert!(err.contains("TLS key file"), "{err}");
    assert!(err.contains("key.pem: no PEM private key"), "{err}");
}

#[test]
fn broken_pem_is_named() {
    let dir = tempfile::tempdir().expect("folder");
    let err = load(dir.path(), "-----BEGIN CERTIFICATE-----\nAAAA\n", "");
    assert!(err.contains("cert.pem: not valid PEM"), "{err}");
}
