//! Objects by key, for what keeps other things than content files in a bucket (the
//! backups off the machine, `ops::offsite`): put a file or bytes, read one back while
//! hashing it, its size, delete, list under a prefix. Keys are below the configured
//! prefix. Content files (`BlobStore`) go through the same requests.

use std::path::Path;

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::{Method, StatusCode};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::{BlobError, EMPTY_SHA256, S3Blobs, io, sign};

impl S3Blobs {
    /// The full key of `key` (the configured prefix in front).
    pub(super) fn full(&self, key: &str) -> String {
        format!("{}{key}", self.cfg.prefix)
    }

    /// Uploads `file` (left in place) as `key`; `sha256` is its content's, which the store
    /// checks against what it receives (a large file goes up in parts, `parts.rs`).
    pub async fn put_object_file(&self, key: &str, file: &Path, sha256: &str) -> Result<(), BlobError> {
        let f = tokio::fs::File::open(file).await.map_err(io)?;
        let size = f.metadata().await.map_err(io)?.len();
        if self.in_parts(size) {
            // Each part is checked by the store instead of the whole; the read-back
            // after a backup checks the whole.
            return self.put_in_parts(&self.full(key), file, size).await;
        }
        let stream = tokio_util::io::ReaderStream::new(f).map(|chunk| chunk.map(Frame::data));
        let body = BodyExt::boxed(StreamBody::new(stream));
        let headers = [("content-length", size.to_string())];
        let resp = self
            .send(Method::PUT, &self.full(key), &[], &headers, sha256, body)
            .await?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(Self::error_of(resp, "PUT").await)
        }
    }

    /// Uploads `bytes` as `key`.
    pub async fn put_object_bytes(&self, key: &str, bytes: Vec<u8>) -> Result<(), BlobError> {
        let sha = hex(&Sha256::digest(&bytes));
        let headers = [("content-length", bytes.len().to_string())];
        let body = Full::new(Bytes::from(bytes)).map_err(|never| match never {}).boxed();
        let resp = self
            .send(Method::PUT, &self.full(key), &[], &headers, &sha, body)
            .await?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(Self::error_of(resp, "PUT").await)
        }
    }

    /// The whole object (no range asked: an empty object has none).
    async fn get_object(&self, key: &str) -> Result<hyper::body::Incoming, BlobError> {
        let resp = self
            .send(Method::GET, &self.full(key), &[], &[], EMPTY_SHA256, Self::empty())
            .await?;
        match resp.status() {
            StatusCode::OK => Ok(resp.into_body()),
            StatusCode::NOT_FOUND => Err(BlobError::NotFound(key.to_owned())),
            _ => Err(Self::error_of(resp, "GET").await),
        }
    }

    /// The object's bytes, for small objects (manifests).
    pub async fn get_object_bytes(&self, key: &str) -> Result<Bytes, BlobError> {
        Ok(self.get_object(key).await?.collect().await.map_err(io)?.to_bytes())
    }

    /// Reads the object through, returning its SHA-256 and size; with `to`, writes it
    /// there too (synced). Nothing is held in memory but a chunk.
    pub async fn hash_object(&self, key: &str, to: Option<&Path>) -> Result<(String, u64), BlobError> {
        let mut body = http_body_util::BodyStream::new(self.get_object(key).await?);
        let mut out = match to {
            Some(path) => Some(tokio::fs::File::create(path).await.map_err(io)?),
            None => None,
        };
        let (mut hasher, mut size) = (Sha256::new(), 0u64);
        while let Some(frame) = body.next().await {
            let Ok(data) = frame.map_err(io)?.into_data() else {
                continue;
            };
            hasher.update(&data);
            size += data.len() as u64;
            if let Some(f) = out.as_mut() {
                f.write_all(&data).await.map_err(io)?;
            }
        }
        if let Some(f) = out.as_mut() {
            f.sync_all().await.map_err(io)?;
        }
        Ok((hex(&hasher.finalize()), size))
    }

    /// The object's size, or `None` when there is no such object.
    pub async fn object_size(&self, key: &str) -> Result<Option<u64>, BlobError> {
        let resp = self
            .send(Method::HEAD, &self.full(key), &[], &[], EMPTY_SHA256, Self::empty())
            .await?;
        match resp.status() {
            StatusCode::OK => Ok(resp
                .headers()
                .get(hyper::header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())),
            StatusCode::NOT_FOUND => Ok(None),
            _ => Err(Self::error_of(resp, "HEAD").await),
        }
    }

    /// Deletes `key`; an object already gone is fine.
    pub async fn delete_object(&self, key: &str) -> Result<(), BlobError> {
        let resp = self
            .send(Method::DELETE, &self.full(key), &[], &[], EMPTY_SHA256, Self::empty())
            .await?;
        if resp.status().is_success() || resp.status() == StatusCode::NOT_FOUND {
            Ok(())
        } else {
            Err(Self::error_of(resp, "DELETE").await)
        }
    }

    /// Every key under `prefix` (below the configured prefix, which is taken off again).
    pub async fn list_keys(&self, prefix: &str) -> Result<Vec<String>, BlobError> {
        let full = self.full(prefix);
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut query = vec![("list-type", "2"), ("prefix", full.as_str())];
            if let Some(t) = &token {
                query.push(("continuation-token", t.as_str()));
            }
            let resp = self
                .send(Method::GET, "", &query, &[], EMPTY_SHA256, Self::empty())
                .await?;
            if !resp.status().is_success() {
                return Err(Self::error_of(resp, "list").await);
            }
            let xml = resp.into_body().collect().await.map_err(io)?.to_bytes();
            let page = sign::parse_list(&String::from_utf8_lossy(&xml));
            out.extend(
                page.keys
                    .iter()
                    .filter_map(|k| k.strip_prefix(self.cfg.prefix.as_str()).map(str::to_owned)),
            );
            match page.next {
                Some(t) => token = Some(t),
                None => return Ok(out),
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
