//! Content files addressed by SHA-256, behind a small interface so a shared file system
//! or object storage can stand in for the local folder.

mod local;
pub mod s3;

use std::path::Path;

use async_trait::async_trait;
use bytes::Bytes;

pub use local::LocalBlobs;

/// Chunks of a blob.
pub type ByteStream = std::pin::Pin<Box<dyn futures_util::Stream<Item = std::io::Result<Bytes>> + Send>>;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("blob {0} not found")]
    NotFound(String),
    #[error("blob storage failure: {0}")]
    Io(String),
}

/// A SHA-256 as 64 lowercase hex digits.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A content address split where stores fan blobs out (`ab` / `cdef…`), if it is one.
pub fn fan_out(sha256: &str) -> Option<(&str, &str)> {
    is_sha256_hex(sha256).then(|| sha256.split_at_checked(2)).flatten()
}

#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Moves a finished local file into the store under its SHA-256. Returns `true` when
    /// the blob is new, `false` when it was there already (the file is then left alone).
    async fn put_file(&self, sha256: &str, file: &Path) -> Result<bool, BlobError>;
    async fn exists(&self, sha256: &str) -> Result<bool, BlobError>;
    /// `len` bytes from `offset` (the whole blob when `len` is `None`).
    async fn read(&self, sha256: &str, offset: u64, len: Option<u64>) -> Result<Bytes, BlobError>;
    /// `len` bytes from `offset` as a stream of chunks, for files too large to hold.
    async fn stream(&self, sha256: &str, offset: u64, len: u64) -> Result<ByteStream, BlobError>;
    async fn delete(&self, sha256: &str) -> Result<(), BlobError>;
    /// Every blob's hash, for audits and sweeps.
    async fn list(&self) -> Result<Vec<String>, BlobError>;
}
