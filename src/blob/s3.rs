//! Blobs in S3-compatible object storage (AWS S3, MinIO, Ceph, …): one object per blob,
//! `<prefix>ab/cdef…`, path-style URLs, requests signed with AWS Signature Version 4.
//! A blob's name is its SHA-256, so an upload's `x-amz-content-sha256` is the name itself
//! and the store verifies what it received. `https://` endpoints are verified against the
//! public roots and an optional extra CA (`tls.rs`); `http://` suits a private network.

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, Empty};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use super::{BlobError, BlobStore, ByteStream, is_sha256_hex};
use crate::clock;

mod objects;
mod parts;
mod sign;
mod tls;

type Body = http_body_util::combinators::BoxBody<Bytes, std::io::Error>;

/// Where and as whom.
#[derive(Clone)]
pub struct S3Config {
    /// `https://host[:port]` or `http://host[:port]`, without a trailing slash.
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    /// Key prefix (e.g. `kiroku/`), may be empty.
    pub prefix: String,
    pub access_key: String,
    pub secret_key: String,
    /// A PEM file of CA certificates trusted beside the public roots (`https://` only).
    pub ca_file: Option<PathBuf>,
}

impl std::fmt::Debug for S3Config {
    /// The secret key never shows.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("prefix", &self.prefix)
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

#[derive(Clone)]
pub struct S3Blobs {
    cfg: S3Config,
    /// `https` or `http`.
    scheme: &'static str,
    /// `host[:port]` as the Host header carries it (a default port left out).
    host: String,
    client: Client<tls::Connector, Body>,
    /// `RESPONSE_TIMEOUT`, shorter in tests.
    response_timeout: Duration,
    /// Files larger than this go up in parts of this size (`parts.rs`), smaller in tests.
    part_bytes: u64,
}

impl std::fmt::Debug for S3Blobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Blobs")
            .field("endpoint", &self.cfg.endpoint)
            .field("bucket", &self.cfg.bucket)
            .finish()
    }
}

fn io(e: impl std::fmt::Display) -> BlobError {
    BlobError::Io(e.to_string())
}

/// How long a request waits for the answer's head (an upload: plus 1 ms per KiB sent,
/// i.e. at least 1 MiB/s), so a store that stops answering fails the request instead of
/// holding it.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(60);

/// SHA-256 of the empty body.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A content file's key below the prefix: `ab/cdef…`.
pub fn blob_key(sha256: &str) -> Result<String, BlobError> {
    let (dir, rest) = super::fan_out(sha256).ok_or_else(|| BlobError::NotFound(sha256.to_owned()))?;
    Ok(format!("{dir}/{rest}"))
}

/// The scheme and `host[:port]` of an endpoint URL, a default port left out.
fn split_endpoint(endpoint: &str) -> Result<(&'static str, String), BlobError> {
    let (scheme, rest, default_port) = if let Some(rest) = endpoint.strip_prefix("https://") {
        ("https", rest, ":443")
    } else if let Some(rest) = endpoint.strip_prefix("http://") {
        ("http", rest, ":80")
    } else {
        return Err(io(format!(
            "the S3 endpoint must be an https:// or http:// URL, not {endpoint:?}"
        )));
    };
    let host = rest.trim_end_matches('/');
    if host.is_empty() || host.contains('/') {
        return Err(io(format!(
            "the S3 endpoint must be scheme://host[:port] with no path, not {endpoint:?}"
        )));
    }
    Ok((scheme, host.strip_suffix(default_port).unwrap_or(host).to_owned()))
}

impl S3Blobs {
    pub fn new(cfg: S3Config) -> Result<Self, BlobError> {
        let (scheme, host) = split_endpoint(&cfg.endpoint)?;
        if scheme == "http" && cfg.ca_file.is_some() {
            return Err(io("an S3 CA file needs an https:// endpoint"));
        }
        let connector = tls::connector(cfg.ca_file.as_deref())?;
        let client = Client::builder(TokioExecutor::new()).build(connector);
        Ok(Self {
            cfg,
            scheme,
            host,
            client,
            response_timeout: RESPONSE_TIMEOUT,
            part_bytes: parts::PART_BYTES,
        })
    }

    fn key(&self, sha256: &str) -> Result<String, BlobError> {
        Ok(format!("{}{}", self.cfg.prefix, blob_key(sha256)?))
    }

    /// Where the blob is in the bucket (for `S3Config::prefix`) and what it is called.
    pub fn describe(&self) -> String {
        format!("{}/{}/{}", self.cfg.endpoint, self.cfg.bucket, self.cfg.prefix)
    }

    /// Sends one signed request; `path` is below the bucket (`""` for the bucket itself).
    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        extra: &[(&str, String)],
        payload_sha256: &str,
        body: Body,
    ) -> Result<hyper::Response<hyper::body::Incoming>, BlobError> {
        let uri_path = format!("/{}/{}", self.cfg.bucket, path);
        let signed = sign::sign(
            &sign::Signing {
                method: method.as_str(),
                host: &self.host,
                path: &uri_path,
                query,
                headers: extra,
                payload_sha256,
                region: &self.cfg.region,
                access_key: &self.cfg.access_key,
                secret_key: &self.cfg.secret_key,
            },
            clock::now_ms(),
        );
        let mut req = Request::builder().method(method.clone()).uri(format!(
            "{}://{}{}{}",
            self.scheme, self.host, signed.encoded_path, signed.query_suffix
        ));
        for (name, value) in signed.headers {
            req = req.header(name, value);
        }
        let req = req.body(body).map_err(io)?;
        let upload_bytes = extra
            .iter()
            .find(|(name, _)| *name == "content-length")
            .and_then(|(_, v)| v.parse::<u64>().ok());
        // An upload's answer comes once its body is sent: its wait grows with its size.
        let wait = self.response_timeout + upload_bytes.map_or(Duration::ZERO, |n| Duration::from_millis(n / 1024));
        match tokio::time::timeout(wait, self.client.request(req)).await {
            Ok(resp) => resp.map_err(|e| {
                io(format!(
                    "S3 {method} {}://{}: {}",
                    self.scheme,
                    self.host,
                    tls::chain(&e)
                ))
            }),
            Err(_) => Err(io(format!(
                "S3 {method} {}://{}: no answer within {} s",
                self.scheme,
                self.host,
                wait.as_secs()
            ))),
        }
    }

    fn empty() -> Body {
        Empty::new().map_err(|never| match never {}).boxed()
    }

    async fn error_of(resp: hyper::Response<hyper::body::Incoming>, what: &str) -> BlobError {
        let status = resp.status();
        let body = resp
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        io(format!("S3 {what}: {status}: {}", String::from_utf8_lossy(&body)))
    }

    /// Creates the bucket (tests and first set-up); an existing bucket is fine.
    pub async fn create_bucket(&self) -> Result<(), BlobError> {
        let resp = self
            .send(Method::PUT, "", &[], &[], EMPTY_SHA256, Self::empty())
            .await?;
        match resp.status() {
            s if s.is_success() || s == StatusCode::CONFLICT => Ok(()),
            _ => Err(Self::error_of(resp, "create bucket").await),
        }
    }

    async fn get(&self, sha256: &str, offset: u64, len: Option<u64>) -> Result<hyper::body::Incoming, BlobError> {
        let key = self.key(sha256)?;
        let range = match len {
            Some(0) => return Err(io("empty range")),
            Some(n) => format!("bytes={offset}-{}", offset + n - 1),
            None => format!("bytes={offset}-"),
        };
        let resp = self
            .send(Method::GET, &key, &[], &[("range", range)], EMPTY_SHA256, Self::empty())
            .await?;
        match resp.status() {
            StatusCode::OK | StatusCode::PARTIAL_CONTENT => Ok(resp.into_body()),
            StatusCode::NOT_FOUND => Err(BlobError::NotFound(sha256.to_owned())),
            _ => Err(Self::error_of(resp, "GET").await),
        }
    }
}

#[async_trait]
impl BlobStore for S3Blobs {
    async fn put_file(&self, sha256: &str, file: &Path) -> Result<bool, BlobError> {
        if self.exists(sha256).await? {
            return Ok(false);
        }
        self.put_object_file(&blob_key(sha256)?, file, sha256).await?;
        tokio::fs::remove_file(file).await.map_err(io)?;
        Ok(true)
    }

    async fn exists(&self, sha256: &str) -> Result<bool, BlobError> {
        let key = self.key(sha256)?;
        let resp = self
            .send(Method::HEAD, &key, &[], &[], EMPTY_SHA256, Self::empty())
            .await?;
        match resp.status() {
            StatusCode::OK => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(Self::error_of(resp, "HEAD").await),
        }
    }

    async fn read(&self, sha256: &str, offset: u64, len: Option<u64>) -> Result<Bytes, BlobError> {
        let body = self.get(sha256, offset, len).await?;
        Ok(body.collect().await.map_err(io)?.to_bytes())
    }

    async fn stream(&self, sha256: &str, offset: u64, len: u64) -> Result<ByteStream, BlobError> {
        let body = self.get(sha256, offset, Some(len)).await?;
        let stream = http_body_util::BodyStream::new(body).filter_map(|frame| async move {
            match frame {
                Ok(f) => f.into_data().ok().map(Ok),
                Err(e) => Some(Err(std::io::Error::other(e))),
            }
        });
        Ok(Box::pin(stream))
    }

    async fn delete(&self, sha256: &str) -> Result<(), BlobError> {
        let key = self.key(sha256)?;
        let resp = self
            .send(Method::DELETE, &key, &[], &[], EMPTY_SHA256, Self::empty())
            .await?;
        if resp.status().is_success() || resp.status() == StatusCode::NOT_FOUND {
            Ok(())
        } else {
            Err(Self::error_of(resp, "DELETE").await)
        }
    }

    async fn list(&self) -> Result<Vec<String>, BlobError> {
        let keys = self.list_keys("").await?;
        Ok(keys
            .iter()
            .map(|k| k.replace('/', ""))
            .filter(|hash| is_sha256_hex(hash))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::split_endpoint;

    #[test]
    fn s3_endpoints_split_into_scheme_and_host() {
        let split = |e| split_endpoint(e).map_err(|e| e.to_string());
        assert_eq!(split("https://s3.example.com"), Ok(("https", "s3.example.com".into())));
        assert_eq!(
            split("https://s3.example.com:443/"),
            Ok(("https", "s3.example.com".into()))
        );
        assert_eq!(split("https://127.0.0.1:9000"), Ok(("https", "127.0.0.1:9000".into())));
        assert_eq!(split("http://minio:80"), Ok(("http", "minio".into())));
        assert_eq!(split("http://minio:9000"), Ok(("http", "minio:9000".into())));
        assert!(split("ftp://x").is_err_and(|e| e.contains("https:// or http://")));
        assert!(split("https://x/bucket").is_err_and(|e| e.contains("no path")));
        assert!(split("https://").is_err());
    }
}

#[cfg(test)]
mod timeout_tests {
    use super::*;

    #[tokio::test]
    async fn a_store_that_never_answers_fails_the_request() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        // Accepts connections and never writes a byte.
        let _held = tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((c, _)) = listener.accept().await {
                open.push(c);
            }
        });
        let mut blobs = S3Blobs::new(S3Config {
            endpoint: format!("http://{addr}"),
            bucket: "b".into(),
            prefix: String::new(),
            region: "us-east-1".into(),
            access_key: "k".into(),
            secret_key: "s".into(),
            ca_file: None,
        })
        .expect("client");
        blobs.response_timeout = Duration::from_millis(300);
        let err = blobs.exists(&"a".repeat(64)).await.expect_err("no answer");
        assert!(err.to_string().contains("no answer within"), "{err}");
    }
}
