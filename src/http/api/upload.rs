//! Streaming an upload to a spool file: a raw zip (or cmi5.xml) body, or the first file field of a
//! multipart/form-data body. Never holds the upload in memory, and stops at the limit.

use std::path::Path;

use axum::body::Body;
use axum::http::HeaderMap;
use futures_util::StreamExt;
use tempfile::NamedTempFile;
use tokio::io::AsyncWriteExt;

use crate::http::error::ApiError;
use crate::lrs::LrsError;
use crate::package::PackageError;

fn io(e: std::io::Error) -> ApiError {
    ApiError::io("spooling an upload", &e)
}

/// Writes the upload to a new temporary file in `dir` and returns it.
pub async fn spool(headers: &HeaderMap, body: Body, dir: &Path, limit: u64) -> Result<NamedTempFile, ApiError> {
    std::fs::create_dir_all(dir).map_err(io)?;
    let temp = tempfile::Builder::new()
        .prefix("upload-")
        .suffix(".zip")
        .tempfile_in(dir)
        .map_err(io)?;
    let file = tokio::fs::File::from_std(temp.reopen().map_err(io)?);
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match media.as_str() {
        "multipart/form-data" => {
            let boundary = multer::parse_boundary(content_type)
                .map_err(|_| LrsError::bad("multipart/form-data without a boundary"))?;
            spool_multipart(body, &boundary, file, limit).await?;
        }
        // XML: a cmi5 course structure without a zip (cmi5 14.2).
        "application/zip"
        | "application/x-zip-compressed"
        | "application/octet-stream"
        | "application/xml"
        | "text/xml"
        | "" => {
            write_stream(body.into_data_stream(), file, limit).await?;
        }
        other => {
            return Err(LrsError::bad(format!(
                "unsupported Content-Type {other:?}: send the zip as application/zip, a cmi5.xml as application/xml, or either as multipart/form-data"
            ))
            .into());
        }
    }
    Ok(temp)
}

async fn spool_multipart(body: Body, boundary: &str, file: tokio::fs::File, limit: u64) -> Result<(), ApiError> {
    let mut form = multer::Multipart::new(body.into_data_stream(), boundary);
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| LrsError::bad(format!("malformed multipart body: {e}")))?
    {
        if field.file_name().is_some() || field.name() == Some("file") {
            return write_stream(field, file, limit).await;
        }
    }
    Err(LrsError::bad("the multipart body has no file field").into())
}

async fn write_stream<S, E>(mut stream: S, mut file: tokio::fs::File, limit: u64) -> Result<(), ApiError>
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| LrsError::bad(format!("the upload was interrupted: {e}")))?;
        written += chunk.len() as u64;
        if written > limit {
            return Err(PackageError::UploadTooLarge { limit }.into());
        }
        file.write_all(&chunk).await.map_err(io)?;
    }
    file.flush().await.map_err(io)?;
    if written == 0 {
        return Err(LrsError::bad("the upload is empty").into());
    }
    Ok(())
}
