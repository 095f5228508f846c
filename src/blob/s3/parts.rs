//! Files too large for one PUT (S3 takes at most 5 GB in one) go up as a multipart
//! upload: parts of `PART_BYTES`, each hashed first (a pass over its range of the file)
//! so that the store checks every part it receives, then streamed; the upload is
//! completed with the parts' ETags, or aborted on any failure so no part lingers. Parts
//! of a killed process's upload are aborted by the next run (`abort_uploads`).

use std::path::Path;

use futures_util::StreamExt;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::Method;
use hyper::body::Frame;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::{BlobError, EMPTY_SHA256, S3Blobs, io, sign};

/// 256 MiB parts: at most 10,000 parts makes objects up to 2.5 TiB.
pub const PART_BYTES: u64 = 256 << 20;

/// S3 refuses smaller parts (but the last).
const MIN_PART_BYTES: u64 = 5 << 20;

impl S3Blobs {
    /// Parts of `bytes` (at least S3's minimum of 5 MiB) for files above that size; for
    /// tests, which cannot send gigabytes.
    pub fn with_part_bytes(mut self, bytes: u64) -> Self {
        self.part_bytes = bytes.max(MIN_PART_BYTES);
        self
    }

    /// Whether a file of `size` bytes goes up in parts.
    pub(super) fn in_parts(&self, size: u64) -> bool {
        size > self.part_bytes
    }

    /// Uploads `file` (`size` bytes) as `key` in parts.
    pub(super) async fn put_in_parts(&self, key: &str, file: &Path, size: u64) -> Result<(), BlobError> {
        let id = self.start_upload(key).await?;
        let sent = self.send_parts(key, &id, file, size).await;
        let done = match sent {
            Ok(etags) => self.complete_upload(key, &id, &etags).await,
            Err(e) => Err(e),
        };
        if done.is_err() {
            // Parts of an upload never completed are kept (and billed) until aborted.
            let _ = self.abort_upload(key, &id).await;
        }
        done
    }

    async fn start_upload(&self, key: &str) -> Result<String, BlobError> {
        let resp = self
            .send(Method::POST, key, &[("uploads", "")], &[], EMPTY_SHA256, Self::empty())
            .await?;
        if !resp.status().is_success() {
            return Err(Self::error_of(resp, "start a multipart upload").await);
        }
        let xml = resp.into_body().collect().await.map_err(io)?.to_bytes();
        let xml = String::from_utf8_lossy(&xml);
        sign::elements(&xml, "UploadId")
            .first()
            .map(|id| (*id).to_owned())
            .ok_or_else(|| io(format!("S3 start a multipart upload: no UploadId in {xml}")))
    }

    /// Sends every part; their ETags, in order.
    async fn send_parts(&self, key: &str, id: &str, file: &Path, size: u64) -> Result<Vec<String>, BlobError> {
        let mut etags = Vec::new();
        let mut offset = 0;
        while offset < size {
            let len = self.part_bytes.min(size - offset);
            let number = (etags.len() + 1).to_string();
            let sha = hash_range(file, offset, len).await?;
            let mut f = tokio::fs::File::open(file).await.map_err(io)?;
            f.seek(std::io::SeekFrom::Start(offset)).await.map_err(io)?;
            let stream = tokio_util::io::ReaderStream::new(f.take(len)).map(|chunk| chunk.map(Frame::data));
            let body = BodyExt::boxed(StreamBody::new(stream));
            let query = [("partNumber", number.as_str()), ("uploadId", id)];
            let headers = [("content-length", len.to_string())];
            let resp = self.send(Method::PUT, key, &query, &headers, &sha, body).await?;
            if !resp.status().is_success() {
                return Err(Self::error_of(resp, "upload a part").await);
            }
            let etag = resp.headers().get(hyper::header::ETAG).and_then(|v| v.to_str().ok());
            etags.push(etag.ok_or_else(|| io("S3 upload a part: no ETag"))?.to_owned());
            offset += len;
        }
        Ok(etags)
    }

    async fn complete_upload(&self, key: &str, id: &str, etags: &[String]) -> Result<(), BlobError> {
        let parts: String = etags
            .iter()
            .enumerate()
            .map(|(i, etag)| format!("<Part><PartNumber>{}</PartNumber><ETag>{etag}</ETag></Part>", i + 1))
            .collect();
        let xml = format!("<CompleteMultipartUpload>{parts}</CompleteMultipartUpload>").into_bytes();
        let sha = hex(&Sha256::digest(&xml));
        let headers = [("content-length", xml.len().to_string())];
        let body = Full::new(bytes::Bytes::from(xml))
            .map_err(|never| match never {})
            .boxed();
        let resp = self
            .send(Method::POST, key, &[("uploadId", id)], &headers, &sha, body)
            .await?;
        if !resp.status().is_success() {
            return Err(Self::error_of(resp, "complete a multipart upload").await);
        }
        // S3 may answer 200 and report the failure in the body.
        let answer = resp.into_body().collect().await.map_err(io)?.to_bytes();
        let answer = String::from_utf8_lossy(&answer);
        if answer.contains("<Error>") {
            return Err(io(format!("S3 complete a multipart upload: {answer}")));
        }
        Ok(())
    }

    async fn abort_upload(&self, key: &str, id: &str) -> Result<(), BlobError> {
        let resp = self
            .send(
                Method::DELETE,
                key,
                &[("uploadId", id)],
                &[],
                EMPTY_SHA256,
                Self::empty(),
            )
            .await?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(Self::error_of(resp, "abort a multipart upload").await)
        }
    }

    /// Aborts every multipart upload under `prefix` (below the configured prefix): those a
    /// killed process left. Returns how many.
    pub async fn abort_uploads(&self, prefix: &str) -> Result<usize, BlobError> {
        let full = format!("{}{prefix}", self.cfg.prefix);
        let query = [("uploads", ""), ("prefix", full.as_str())];
        let resp = self
            .send(Method::GET, "", &query, &[], EMPTY_SHA256, Self::empty())
            .await?;
        if !resp.status().is_success() {
            return Err(Self::error_of(resp, "list multipart uploads").await);
        }
        let xml = resp.into_body().collect().await.map_err(io)?.to_bytes();
        let xml = String::from_utf8_lossy(&xml);
        let uploads: Vec<(&str, &str)> = sign::elements(&xml, "Upload")
            .into_iter()
            .filter_map(|u| {
                Some((
                    *sign::elements(u, "Key").first()?,
                    *sign::elements(u, "UploadId").first()?,
                ))
            })
            .collect();
        for (key, id) in &uploads {
            self.abort_upload(key, id).await?;
        }
        Ok(uploads.len())
    }
}

/// The SHA-256 of `len` bytes of `file` from `offset`.
async fn hash_range(file: &Path, offset: u64, len: u64) -> Result<String, BlobError> {
    let mut f = tokio::fs::File::open(file).await.map_err(io)?;
    f.seek(std::io::SeekFrom::Start(offset)).await.map_err(io)?;
    let mut f = f.take(len);
    let (mut hasher, mut buf) = (Sha256::new(), vec![0u8; 1 << 16]);
    loop {
        let n = f.read(&mut buf).await.map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
