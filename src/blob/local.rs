//! Blobs in a local (or shared) folder: `<root>/ab/cdef…`, written through a temporary
//! file and renamed into place, so a blob is either whole or absent.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use bytes::Bytes;

use super::{BlobError, BlobStore, ByteStream, is_sha256_hex};

#[derive(Debug, Clone)]
pub struct LocalBlobs {
    root: PathBuf,
}

fn io(e: impl std::fmt::Display) -> BlobError {
    BlobError::Io(e.to_string())
}

impl LocalBlobs {
    pub fn open(root: &Path) -> Result<Self, BlobError> {
        std::fs::create_dir_all(root).map_err(io)?;
        Ok(Self { root: root.to_owned() })
    }

    fn path_of(&self, sha256: &str) -> Result<PathBuf, BlobError> {
        let (dir, rest) = super::fan_out(sha256).ok_or_else(|| BlobError::NotFound(sha256.to_owned()))?;
        Ok(self.root.join(dir).join(rest))
    }

    /// The file holding a blob, for callers that stream it themselves.
    pub fn file_path(&self, sha256: &str) -> Result<PathBuf, BlobError> {
        self.path_of(sha256)
    }
}

fn put_blocking(target: &Path, file: &Path) -> Result<bool, BlobError> {
    if target.exists() {
        return Ok(false);
    }
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    // Same file system (the caller stages under the data folder): rename is atomic.
    // Otherwise copy to a temporary name beside the target, then rename.
    if std::fs::rename(file, target).is_err() {
        let tmp = target.with_extension("part");
        std::fs::copy(file, &tmp).map_err(io)?;
        std::fs::rename(&tmp, target).map_err(io)?;
        std::fs::remove_file(file).map_err(io)?;
    }
    Ok(true)
}

fn read_blocking(path: &Path, offset: u64, len: Option<u64>) -> Result<Bytes, BlobError> {
    let mut f = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => BlobError::NotFound(path.display().to_string()),
        _ => io(e),
    })?;
    f.seek(SeekFrom::Start(offset)).map_err(io)?;
    let mut buf = Vec::new();
    match len {
        Some(n) => f.take(n).read_to_end(&mut buf).map_err(io)?,
        None => f.read_to_end(&mut buf).map_err(io)?,
    };
    Ok(Bytes::from(buf))
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, BlobError> + Send + 'static,
) -> Result<T, BlobError> {
    tokio::task::spawn_blocking(f).await.map_err(io)?
}

#[async_trait]
impl BlobStore for LocalBlobs {
    async fn put_file(&self, sha256: &str, file: &Path) -> Result<bool, BlobError> {
        let target = self.path_of(sha256)?;
        let file = file.to_owned();
        blocking(move || put_blocking(&target, &file)).await
    }

    async fn exists(&self, sha256: &str) -> Result<bool, BlobError> {
        let p = self.path_of(sha256)?;
        blocking(move || Ok(p.exists())).await
    }

    async fn read(&self, sha256: &str, offset: u64, len: Option<u64>) -> Result<Bytes, BlobError> {
        let p = self.path_of(sha256)?;
        blocking(move || read_blocking(&p, offset, len)).await
    }

    async fn stream(&self, sha256: &str, offset: u64, len: u64) -> Result<ByteStream, BlobError> {
        use tokio::io::{AsyncReadExt, AsyncSeekExt};
        let p = self.path_of(sha256)?;
        let mut f = tokio::fs::File::open(&p).await.map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => BlobError::NotFound(sha256.to_owned()),
            _ => io(e),
        })?;
        f.seek(std::io::SeekFrom::Start(offset)).await.map_err(io)?;
        Ok(Box::pin(tokio_util::io::ReaderStream::with_capacity(
            f.take(len),
            256 * 1024,
        )))
    }

    async fn delete(&self, sha256: &str) -> Result<(), BlobError> {
        let p = self.path_of(sha256)?;
        blocking(move || match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(e)),
            _ => Ok(()),
        })
        .await
    }

    async fn list(&self) -> Result<Vec<String>, BlobError> {
        let root = self.root.clone();
        blocking(move || {
            let mut out = Vec::new();
            for dir in std::fs::read_dir(&root).map_err(io)? {
                let dir = dir.map_err(io)?;
                let prefix = dir.file_name().to_string_lossy().into_owned();
                if prefix.len() != 2 || !dir.path().is_dir() {
                    continue;
                }
                for f in std::fs::read_dir(dir.path()).map_err(io)? {
                    let name = format!("{prefix}{}", f.map_err(io)?.file_name().to_string_lossy());
                    if is_sha256_hex(&name) {
                        out.push(name);
                    }
                }
            }
            out.sort();
            Ok(out)
        })
        .await
    }
}
