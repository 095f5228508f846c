//! TLS on both origins without a proxy: certificates from a throw-away CA made here with
//! openssl (as `scripts/with-s3.sh` does), clients that trust only that CA, certificates
//! replaced while serving (polled, and SIGHUP for `kiroku serve`), broken replacements
//! that change nothing, the HTTP→HTTPS redirect and HSTS. Every wait is bounded.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use kiroku::net::{NetConfig, ReloadPolicy, ServerCertificate, TlsFiles};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;
use tokio::time::{Instant, sleep, timeout};

use crate::support::{TestApp, http_client};

/// Longest a certificate change may take to be served, or a request to be answered.
const BOUND: Duration = Duration::from_secs(15);

/// A throw-away CA in a temporary folder, and the certificates it signs.
pub struct TestCa {
    dir: tempfile::TempDir,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl (the tests need it, as scripts/with-s3.sh does)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const EC: [&str; 5] = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

impl TestCa {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let mut args = vec!["req", "-x509"];
        args.extend(EC);
        args.extend([
            "-days",
            "2",
            "-subj",
            "/CN=kiroku test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]);
        openssl(dir.path(), &args);
        Self { dir }
    }

    pub fn ca_pem(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// A server certificate for 127.0.0.1 and localhost named `name`, with its own key:
    /// `name.pem` and `name.key` in the CA's folder.
    pub fn issue(&self, name: &str) -> TlsFiles {
        let (cert, key, csr) = (format!("{name}.pem"), format!("{name}.key"), format!("{name}.csr"));
        let subject = format!("/CN={name}");
        let mut args = vec!["req"];
        args.extend(EC);
        args.extend(["-subj", &subject, "-keyout", &key, "-out", &csr]);
        openssl(self.dir.path(), &args);
        let ext = self.dir.path().join("server.ext");
        std::fs::write(
            &ext,
            "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n\
             extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
        )
        .expect("write server.ext");
        openssl(
            self.dir.path(),
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                "server.ext",
                "-out",
                &cert,
            ],
        );
        TlsFiles {
            cert: self.dir.path().join(cert),
            key: self.dir.path().join(key),
        }
    }
}

/// The DER of the first certificate of a PEM file.
pub fn der(pem: &Path) -> CertificateDer<'static> {
    CertificateDer::from_pem_file(pem).expect("a PEM certificate")
}

/// A TLS client configuration trusting only `ca` (none: only the public roots).
pub fn client_config(ca: Option<&Path>) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    match ca {
        Some(ca) => {
            for cert in CertificateDer::pem_file_iter(ca).expect("CA file") {
                roots.add(cert.expect("CA certificate")).expect("add CA");
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

pub fn https_client(ca: Option<&Path>) -> HttpsClient {
    let connector = HttpsConnectorBuilder::new()
        .with_tls_config(client_config(ca))
        .https_only()
        .enable_http1()
        .build();
    Client::builder(TokioExecutor::new()).build(connector)
}

/// GET `url`: status and headers, or the client's error.
async fn get(client: &HttpsClient, url: &str) -> Result<(u16, hyper::HeaderMap), String> {
    let req = hyper::Request::get(url).body(Full::new(Bytes::new())).expect("request");
    let resp = timeout(BOUND, client.request(req))
        .await
        .unwrap_or_else(|_| panic!("GET {url}: no answer within {BOUND:?}"))
        .map_err(|e| format!("{e:?}"))?;
    let (parts, body) = resp.into_parts();
    let _ = body.collect().await;
    Ok((parts.status.as_u16(), parts.headers))
}

/// The certificate `addr` presents in a handshake trusting `ca`.
pub async fn served(addr: std::net::SocketAddr, ca: &Path) -> CertificateDer<'static> {
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client_config(Some(ca))));
    let handshake = async {
        let tcp = TcpStream::connect(addr).await.expect("connect");
        connector
            .connect(ServerName::IpAddress(addr.ip().into()), tcp)
            .await
            .expect("TLS handshake")
    };
    let tls = timeout(BOUND, handshake).await.expect("handshake within the bound");
    let certs = tls.get_ref().1.peer_certificates().expect("a certificate");
    certs.first().expect("a certificate").clone().into_owned()
}

/// Waits (bounded) until `addr` serves `expected`.
async fn until_served(addr: std::net::SocketAddr, ca: &Path, expected: &CertificateDer<'_>) {
    let deadline = Instant::now() + BOUND;
    while served(addr, ca).await != *expected {
        assert!(
            Instant::now() < deadline,
            "the new certificate was not served within {BOUND:?}"
        );
        sleep(Duration::from_millis(50)).await;
    }
}

/// Replaces a file whole (as a deployment tool renames a finished file into place).
fn replace(path: &Path, content: &[u8]) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, content).expect("write");
    std::fs::rename(&tmp, path).expect("rename into place");
}

/// A certificate pair in a folder of its own, copied from `from`, as the server reads it.
fn installed(dir: &Path, from: &TlsFiles) -> TlsFiles {
    let files = TlsFiles {
        cert: dir.join("server.pem"),
        key: dir.join("server.key"),
    };
    install(&files, from);
    files
}

fn install(files: &TlsFiles, from: &TlsFiles) {
    replace(&files.key, &std::fs::read(&from.key).expect("key"));
    replace(&files.cert, &std::fs::read(&from.cert).expect("cert"));
}

fn cert(files: &TlsFiles) -> Arc<ServerCertificate> {
    Arc::new(ServerCertificate::load(files.clone()).expect("load the certificate"))
}

#[tokio::test]
async fn both_origins_answer_over_https_each_with_its_certificate() {
    let ca = TestCa::new();
    let (app_files, content_files) = (ca.issue("app"), ca.issue("content"));
    let net = NetConfig {
        app_tls: Some(cert(&app_files)),
        content_tls: Some(cert(&content_files)),
        ..NetConfig::default()
    };
    let app = TestApp::builder().net(net).start().await;
    let client = https_client(Some(&ca.ca_pem()));
    for (addr, files) in [(app.addr, &app_files), (app.content_addr, &content_files)] {
        let (status, _) = get(&client, &format!("https://{addr}/healthz")).await.expect("https");
        assert_eq!(status, 200, "{addr}");
        assert_eq!(
            served(addr, &ca.ca_pem()).await,
            der(&files.cert),
            "{addr} serves its own certificate"
        );
    }
    // The xAPI endpoint the server hands out is the https one.
    let cred = app.tenant_cred("acme").await;
    let about = format!("https://{}/xapi/about", app.addr);
    let req = hyper::Request::get(&about)
        .header("authorization", cred.basic())
        .body(Full::new(Bytes::new()))
        .expect("request");
    let resp = timeout(BOUND, client.request(req))
        .await
        .expect("bounded")
        .expect("https");
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn an_https_origin_refuses_plain_http_and_clients_that_do_not_trust_its_ca() {
    let ca = TestCa::new();
    let net = NetConfig {
        app_tls: Some(cert(&ca.issue("app"))),
        ..NetConfig::default()
    };
    let app = TestApp::builder().net(net).start().await;
    let plain = http_client().get(format!("http://{}/healthz", app.addr).parse().expect("uri"));
    let plain = timeout(BOUND, plain).await.expect("refused promptly");
    assert!(plain.is_err(), "plain HTTP on the TLS port: {plain:?}");
    let untrusted = get(&https_client(None), &format!("https://{}/healthz", app.addr)).await;
    let err = untrusted.expect_err("an unknown CA is refused");
    assert!(err.contains("UnknownIssuer"), "{err}");
    // The content origin has no certificate of its own or shared here: it stays plain HTTP.
    let content = http_client().get(format!("http://{}/healthz", app.content_addr).parse().expect("uri"));
    let content = timeout(BOUND, content).await.expect("bounded").expect("plain HTTP");
    assert_eq!(content.status(), 200);
}

#[tokio::test]
async fn a_replaced_certificate_is_served_without_a_restart_and_a_broken_one_never_is() {
    let ca = TestCa::new();
    let (first, second, third) = (ca.issue("first"), ca.issue("second"), ca.issue("third"));
    let dir = tempfile::tempdir().expect("folder");
    let files = installed(dir.path(), &first);
    let certificate = cert(&files);
    let net = NetConfig {
        app_tls: Some(Arc::clone(&certificate)),
        content_tls: Some(Arc::clone(&certificate)),
        reload: ReloadPolicy {
            every: Some(Duration::from_millis(100)),
            on_sighup: false,
        },
        ..NetConfig::default()
    };
    let app = TestApp::builder().net(net).start().await;
    let ca_pem = ca.ca_pem();
    assert_eq!(served(app.addr, &ca_pem).await, der(&first.cert));

    install(&files, &second);
    until_served(app.addr, &ca_pem, &der(&second.cert)).await;
    until_served(app.content_addr, &ca_pem, &der(&second.cert)).await;
    let status = certificate.status();
    assert!(status.reloads >= 1 && status.last_error.is_none(), "{status:?}");

    // Broken PEM, then a key that is not the certificate's: each reload fails, is
    // recorded, and the second certificate goes on being served.
    let failures = status.failures;
    replace(&files.cert, b"-----BEGIN CERTIFICATE-----\nnot base64!\n");
    let err = until_failed(&certificate, failures).await;
    assert!(err.contains("server.pem") && err.contains("not valid PEM"), "{err}");
    assert_eq!(served(app.addr, &ca_pem).await, der(&second.cert));

    let failures = certificate.status().failures;
    replace(&files.cert, &std::fs::read(&third.cert).expect("cert"));
    let err = until_failed(&certificate, failures).await;
    assert!(err.contains("is not the key of the certificate"), "{err}");
    assert_eq!(served(app.addr, &ca_pem).await, der(&second.cert));
    let client = https_client(Some(&ca_pem));
    let (status, _) = get(&client, &format!("https://{}/healthz", app.addr))
        .await
        .expect("still serving");
    assert_eq!(status, 200);

    // Its key arrives: the third certificate is served.
    replace(&files.key, &std::fs::read(&third.key).expect("key"));
    until_served(app.addr, &ca_pem, &der(&third.cert)).await;
    assert_eq!(certificate.status().last_error, None);
}

/// Waits (bounded) for a reload to fail after `failures` failures; its message.
async fn until_failed(certificate: &ServerCertificate, failures: u64) -> String {
    let deadline = Instant::now() + BOUND;
    loop {
        let status = certificate.status();
        if status.failures > failures {
            return status.last_error.expect("the failure's message");
        }
        assert!(
            Instant::now() < deadline,
            "no failed reload within {BOUND:?}: {status:?}"
        );
        sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn http_is_redirected_to_https_and_hsts_is_sent_on_https_only() {
    let ca = TestCa::new();
    let net = NetConfig {
        app_tls: Some(cert(&ca.issue("app"))),
        content_tls: Some(cert(&ca.issue("content"))),
        hsts_max_age: Some(600),
        ..NetConfig::default()
    };
    let app = TestApp::builder().net(net).redirect().start().await;
    let redirect = app.redirect_addr.expect("a redirect listener");
    let plain = http_client();
    for method in ["GET", "POST"] {
        let req = hyper::Request::builder()
            .method(method)
            .uri(format!("http://{redirect}/xapi/about?x=1"))
            .body(Full::new(Bytes::from_static(b"{}")))
            .expect("request");
        let resp = timeout(BOUND, plain.request(req))
            .await
            .expect("bounded")
            .expect("answer");
        assert_eq!(resp.status(), 308, "{method}: the method and body are kept");
        let location = resp.headers().get("location").and_then(|v| v.to_str().ok());
        assert_eq!(location, Some(format!("https://{}/xapi/about?x=1", app.addr).as_str()));
        assert!(
            resp.headers().get("strict-transport-security").is_none(),
            "not over plain HTTP"
        );
    }
    let client = https_client(Some(&ca.ca_pem()));
    for addr in [app.addr, app.content_addr] {
        let (status, headers) = get(&client, &format!("https://{addr}/healthz")).await.expect("https");
        assert_eq!(status, 200);
        let hsts = headers.get("strict-transport-security").and_then(|v| v.to_str().ok());
        assert_eq!(hsts, Some("max-age=600"), "{addr}");
    }
}

#[tokio::test]
async fn hsts_is_never_sent_over_plain_http() {
    let net = NetConfig {
        hsts_max_age: Some(600),
        ..NetConfig::default()
    };
    let app = TestApp::builder().net(net).start().await;
    let resp = app.get("/healthz").send().await.expect(200);
    assert!(resp.header("strict-transport-security").is_none());
}

#[test]
fn kiroku_serve_names_the_file_of_a_bad_certificate_or_key_and_does_not_start() {
    let ca = TestCa::new();
    let (a, b) = (ca.issue("a"), ca.issue("b"));
    let junk = ca.dir.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate\n").expect("write");
    let k = crate::process::Kiroku::new();
    let path = |p: &Path| p.to_str().expect("utf-8").to_owned();
    let cases = [
        (
            path(&junk),
            path(&a.key),
            format!("TLS certificate file {}: no PEM certificate", path(&junk)),
        ),
        (
            path(&a.cert),
            path(&junk),
            format!("TLS key file {}: no PEM private key", path(&junk)),
        ),
        (
            path(&a.cert),
            path(&b.key),
            format!(
                "TLS key file {} is not the key of the certificate in {}",
                path(&b.key),
                path(&a.cert)
            ),
        ),
        (
            path(&a.cert),
            "/nonexistent/key.pem".into(),
            "TLS key file /nonexistent/key.pem: cannot read it".into(),
        ),
    ];
    for (cert, key, expected) in cases {
        let out = k.run(&[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--content-listen",
            "127.0.0.1:0",
            "--tls-cert",
            &cert,
            "--tls-key",
            &key,
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "an error, not a start or a panic: {stderr}");
        assert!(stderr.contains(&expected), "expected {expected:?} in: {stderr}");
    }
}

#[tokio::test]
async fn kiroku_serve_reloads_its_certificate_on_sighup() {
    let ca = TestCa::new();
    let (first, second) = (ca.issue("first"), ca.issue("second"));
    let dir = tempfile::tempdir().expect("folder");
    let files = installed(dir.path(), &first);
    let k = crate::process::Kiroku::new();
    let (cert, key) = (files.cert.to_str().expect("utf-8"), files.key.to_str().expect("utf-8"));
    // No polling: only the signal reloads.
    let server = k.serve_with_args(
        &[],
        &["--tls-cert", cert, "--tls-key", key, "--tls-reload-secs", "0"],
        "info",
    );
    let ca_pem = ca.ca_pem();
    assert_eq!(served(server.addr, &ca_pem).await, der(&first.cert));
    assert_eq!(
        served(server.content_addr, &ca_pem).await,
        der(&first.cert),
        "shared by both origins"
    );
    install(&files, &second);
    sleep(Duration::from_millis(500)).await;
    assert_eq!(
        served(server.addr, &ca_pem).await,
        der(&first.cert),
        "nothing reloads unasked"
    );
    let hup = Command::new("kill")
        .args(["-HUP", &server.pid().to_string()])
        .status()
        .expect("kill -HUP");
    assert!(hup.success());
    until_served(server.addr, &ca_pem, &der(&second.cert)).await;
    until_served(server.content_addr, &ca_pem, &der(&second.cert)).await;
    assert!(server.logged("TLS certificate reloaded").is_some());
}
