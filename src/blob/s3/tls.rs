//! The connector behind the S3 client: plain TCP for `http://` endpoints, TLS (rustls with
//! the ring provider) for `https://` ones. Server certificates are verified against
//! Mozilla's public roots (`webpki-roots`) plus, for a private object store, the CA
//! certificates of one PEM file. Verification cannot be turned off.

use std::path::Path;
use std::sync::Arc;

use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};

use super::io;
use crate::blob::BlobError;

pub type Connector = HttpsConnector<HttpConnector>;

/// A connector for `http://` and `https://` URLs, trusting the public roots and the
/// certificates in `ca_file`.
pub fn connector(ca_file: Option<&Path>) -> Result<Connector, BlobError> {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(CONNECT_TIMEOUT));
    http.set_nodelay(true);
    Ok(HttpsConnectorBuilder::new()
        .with_tls_config(client_config(ca_file)?)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http))
}

/// How long a TCP connection to the object store may take to open.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

fn client_config(ca_file: Option<&Path>) -> Result<ClientConfig, BlobError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| io(format!("TLS set-up: {e}")))?
        .with_root_certificates(roots(ca_file)?)
        .with_no_client_auth())
}

fn roots(ca_file: Option<&Path>) -> Result<RootCertStore, BlobError> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = ca_file {
        for cert in read_certificates(path)? {
            roots.add(cert).map_err(|e| {
                io(format!(
                    "S3 CA file {}: not a usable CA certificate: {e}",
                    path.display()
                ))
            })?;
        }
    }
    Ok(roots)
}

/// Every certificate of a PEM file; at least one.
fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, BlobError> {
    let failed = |e: rustls::pki_types::pem::Error| io(format!("S3 CA file {}: {e}", path.display()));
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(failed)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(failed)?;
    if certs.is_empty() {
        return Err(io(format!(
            "S3 CA file {}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it",
            path.display()
        )));
    }
    Ok(certs)
}

/// An error with its causes, `outer: inner: …`, so a refused certificate is named.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cause = c.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_file_without_certificates_is_refused_by_name() {
        let dir = tempfile::tempdir().expect("folder");
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate\n").expect("write");
        let err = connector(Some(&path)).expect_err("refused").to_string();
        assert!(err.contains("no PEM certificate"), "{err}");
        assert!(err.contains("ca.pem"), "{err}");
    }

    #[test]
    fn a_missing_ca_file_is_named() {
        let err = connector(Some(Path::new("/nonexistent/ca.pem")))
            .expect_err("refused")
            .to_string();
        assert!(err.contains("/nonexistent/ca.pem"), "{err}");
    }

    #[test]
    fn the_public_roots_load() {
        assert!(connector(None).is_ok());
    }
}
