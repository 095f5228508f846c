//! The origins' certificates: a PEM certificate chain and its private key, read from two
//! files, served through rustls (ring provider, TLS 1.2 and 1.3) and reloaded while
//! serving when the files change (polled) or on SIGHUP. A reload that fails — an
//! unreadable file, bad PEM, a key that is not the certificate's — changes nothing: the
//! previous certificate goes on being served and the failure is logged once, naming the
//! file.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::ops::metrics::{Event, Metrics};

/// Where an origin's certificate and key are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// PEM: the server certificate first, then the intermediates.
    pub cert: PathBuf,
    /// PEM: the private key (PKCS#8, PKCS#1 RSA or SEC1 EC).
    pub key: PathBuf,
}

/// Why a certificate or key cannot be used; every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("TLS {what} file {}: cannot read it: {source}", path.display())]
    Read {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("TLS certificate file {}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it", .0.display())]
    NoCertificate(PathBuf),
    #[error("TLS key file {}: no PEM private key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY) in it", .0.display())]
    NoKey(PathBuf),
    #[error("TLS {what} file {}: not valid PEM: {detail}", path.display())]
    Pem {
        what: &'static str,
        path: PathBuf,
        detail: String,
    },
    #[error("TLS key file {}: not a usable private key: {detail}", path.display())]
    BadKey { path: PathBuf, detail: String },
    #[error("TLS certificate file {}: not a usable certificate: {detail}", path.display())]
    BadCertificate { path: PathBuf, detail: String },
    #[error("TLS key file {} is not the key of the certificate in {}", key.display(), cert.display())]
    Mismatch { cert: PathBuf, key: PathBuf },
    #[error("TLS set-up: {0}")]
    Setup(String),
}

/// What was read from the files: the certified key, and a digest of both files so that
/// an unchanged pair is not parsed (or its failure logged) again.
struct Loaded {
    key: Arc<CertifiedKey>,
    digest: [u8; 32],
}

/// One origin's certificate, as rustls asks for it on every handshake; replaced whole
/// when the files change, so a handshake sees the old pair or the new one, never half.
pub struct ServerCertificate {
    files: TlsFiles,
    provider: Arc<CryptoProvider>,
    // A std lock: held only to clone an `Arc`, never across an await, and rustls asks
    // from synchronous code.
    current: RwLock<Loaded>,
    status: Mutex<ReloadStatus>,
}

/// What the reloads did so far (for logs and tests).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReloadStatus {
    /// Certificates installed after the first one.
    pub reloads: u64,
    /// Why the last reload attempt failed, until one succeeds.
    pub last_error: Option<String>,
    /// Failed reload attempts.
    pub failures: u64,
    /// Digest of the files last tried, loaded or not.
    seen: [u8; 32],
}

impl std::fmt::Debug for ServerCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerCertificate").field("files", &self.files).finish()
    }
}

impl ServerCertificate {
    /// Reads and checks the pair; an error names the file at fault.
    pub fn load(files: TlsFiles) -> Result<Self, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let cert = read(&files.cert, "certificate")?;
        let key = read(&files.key, "key")?;
        let loaded = parse(&files, &provider, &cert, &key)?;
        let status = ReloadStatus {
            seen: loaded.digest,
            ..ReloadStatus::default()
        };
        Ok(Self {
            files,
            provider,
            current: RwLock::new(loaded),
            status: Mutex::new(status),
        })
    }

    pub fn files(&self) -> &TlsFiles {
        &self.files
    }

    pub fn status(&self) -> ReloadStatus {
        self.status.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The end-entity certificate now served.
    pub fn served(&self) -> CertificateDer<'static> {
        let key = self.current_key();
        key.cert
            .first()
            .cloned()
            .unwrap_or_else(|| CertificateDer::from(Vec::new()))
    }

    fn current_key(&self) -> Arc<CertifiedKey> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner).key)
    }

    /// Reads the files again and installs them if they changed (or always, `force`).
    /// `Ok(true)`: a new pair is served; `Ok(false)`: nothing changed; an error keeps the
    /// previous pair and is reported once per content of the files.
    pub async fn reload(&self, force: bool) -> Result<bool, TlsError> {
        let cert = read_async(&self.files.cert, "certificate").await;
        let key = read_async(&self.files.key, "key").await;
        let digest = match (&cert, &key) {
            (Ok(c), Ok(k)) => digest(c, k),
            _ => [0; 32],
        };
        if !force && self.status().seen == digest {
            return Ok(false);
        }
        let result = cert
            .and_then(|c| key.map(|k| (c, k)))
            .and_then(|(c, k)| parse(&self.files, &self.provider, &c, &k));
        let mut status = self.status.lock().unwrap_or_else(PoisonError::into_inner);
        status.seen = digest;
        match result {
            Ok(loaded) => {
                *self.current.write().unwrap_or_else(PoisonError::into_inner) = loaded;
                status.reloads += 1;
                status.last_error = None;
                Ok(true)
            }
            Err(e) => {
                status.failures += 1;
                status.last_error = Some(e.to_string());
                Err(e)
            }
        }
    }

    /// The rustls configuration of an origin serving this certificate: HTTP/1.1 only
    /// (ALPN), no client certificates.
    pub fn server_config(self: &Arc<Self>) -> Result<Arc<rustls::ServerConfig>, TlsError> {
        let resolver: Arc<dyn ResolvesServerCert> = Arc::clone(self) as Arc<dyn ResolvesServerCert>;
        let mut config = rustls::ServerConfig::builder_with_provider(Arc::clone(&self.provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Setup(e.to_string()))?
            .with_no_client_auth()
            .with_cert_resolver(resolver);
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

impl ResolvesServerCert for ServerCertificate {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current_key())
    }
}

fn read(path: &Path, what: &'static str) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        what,
        path: path.to_owned(),
        source,
    })
}

async fn read_async(path: &Path, what: &'static str) -> Result<Vec<u8>, TlsError> {
    tokio::fs::read(path).await.map_err(|source| TlsError::Read {
        what,
        path: path.to_owned(),
        source,
    })
}

fn digest(cert: &[u8], key: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update((cert.len() as u64).to_be_bytes());
    h.update(cert);
    h.update(key);
    h.finalize().into()
}

fn parse(files: &TlsFiles, provider: &CryptoProvider, cert: &[u8], key: &[u8]) -> Result<Loaded, TlsError> {
    let pem = |what, path: &Path| {
        let path = path.to_owned();
        move |e: rustls::pki_types::pem::Error| TlsError::Pem {
            what,
            path,
            detail: e.to_string(),
        }
    };
    let chain = CertificateDer::pem_slice_iter(cert)
        .collect::<Result<Vec<_>, _>>()
        .map_err(pem("certificate", &files.cert))?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate(files.cert.clone()));
    }
    let private = match PrivateKeyDer::from_pem_slice(key) {
        Ok(k) => k,
        Err(rustls::pki_types::pem::Error::NoItemsFound) => return Err(TlsError::NoKey(files.key.clone())),
        Err(e) => return Err(pem("key", &files.key)(e)),
    };
    let signing = provider
        .key_provider
        .load_private_key(private)
        .map_err(|e| TlsError::BadKey {
            path: files.key.clone(),
            detail: e.to_string(),
        })?;
    let certified = CertifiedKey::new(chain, signing);
    match certified.keys_match() {
        // ring knows every key's public half; were one unknown, the handshake would tell.
        Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {}
        Err(rustls::Error::InconsistentKeys(_)) => {
            return Err(TlsError::Mismatch {
                cert: files.cert.clone(),
                key: files.key.clone(),
            });
        }
        Err(e) => {
            return Err(TlsError::BadCertificate {
                path: files.cert.clone(),
                detail: e.to_string(),
            });
        }
    }
    Ok(Loaded {
        key: Arc::new(certified),
        digest: digest(cert, key),
    })
}

/// When certificates are read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReloadPolicy {
    /// How often the files are compared with what is served (`None`: never).
    pub every: Option<Duration>,
    /// Whether SIGHUP reloads them at once (the CLI's `serve`; not in-process tests).
    pub on_sighup: bool,
}

impl Default for ReloadPolicy {
    fn default() -> Self {
        Self {
            every: Some(Duration::from_secs(10)),
            on_sighup: false,
        }
    }
}

/// Keeps `certs` fresh until `stop` turns true, counting reloads in `metrics`.
pub async fn keep_fresh(
    certs: Vec<Arc<ServerCertificate>>,
    policy: ReloadPolicy,
    metrics: Arc<Metrics>,
    mut stop: watch::Receiver<bool>,
) {
    if certs.is_empty() {
        return;
    }
    let mut hup = Hangup::new(policy.on_sighup);
    let mut tick = policy.every.map(|every| {
        let mut t = tokio::time::interval(every);
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        t
    });
    loop {
        let forced = tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            () = async { match tick.as_mut() { Some(t) => { t.tick().await; } None => std::future::pending().await } } => false,
            () = hup.recv() => true,
        };
        for cert in &certs {
            match cert.reload(forced).await {
                Ok(true) => {
                    tracing::info!(tls.cert = %cert.files.cert.display(), "TLS certificate reloaded");
                    metrics.count(Event::TlsReloaded, 1);
                }
                Ok(false) => {}
                Err(e) => {
                    tracing::error!(error = %e, "TLS certificate not reloaded; the previous one is still served");
                    metrics.count(Event::TlsReloadFailed, 1);
                }
            }
        }
    }
}

/// SIGHUP, where there is such a thing and it was asked for.
struct Hangup {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
}

impl Hangup {
    fn new(enabled: bool) -> Self {
        #[cfg(unix)]
        {
            let signal = enabled
                .then(|| tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()))
                .and_then(|s| {
                    s.map_err(|e| tracing::warn!(error = %e, "SIGHUP cannot reload certificates"))
                        .ok()
                });
            Self { signal }
        }
        #[cfg(not(unix))]
        {
            let _ = enabled;
            Self {}
        }
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        if let Some(s) = self.signal.as_mut() {
            if s.recv().await.is_some() {
                return;
            }
            // The signal stream ended: stop listening rather than spin.
            self.signal = None;
        }
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
#[path = "tls_tests.rs"]
mod tests;
