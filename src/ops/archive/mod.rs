//! The tenant export archive (format in `docs/tenant-archive.md`): a zip holding a
//! manifest, the tenant's rows as JSON (statements as JSON lines, paged from the store,
//! never all in memory) and the content files and attachments they use. `export` writes
//! one, `import` reads one into a new tenant, all or nothing.

mod export;
mod import;

pub use export::export;
pub use import::{import, import_as, verify_file};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::tenant::TenantSettings;

/// The version of the archive format this kiroku writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The manifest's member name.
pub const MANIFEST: &str = "manifest.json";

/// `manifest.json`: what the archive holds and the SHA-256 of every other member.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub exported_ms: i64,
    pub tenant: ManifestTenant,
    /// Rows per kind: statements, attachments, documents, learners, registrations,
    /// attempts, registrationStates, packageVersions, files.
    pub counts: BTreeMap<String, u64>,
    /// Member name → SHA-256 (lowercase hex).
    pub members: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestTenant {
    pub name: String,
    pub xapi_version: String,
    pub created_ms: i64,
    pub settings: TenantSettings,
}

/// A course assigned to a learner or an end client, in `assignments.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignmentEntry {
    pub id: String,
    pub package_id: String,
    pub learner: Option<String>,
    pub end_client: Option<String>,
    pub due: Option<String>,
    pub created_ms: i64,
}

impl AssignmentEntry {
    pub fn of(a: &crate::portal::Assignment) -> Self {
        let (learner, end_client) = a.target.columns();
        Self {
            id: a.id.clone(),
            package_id: a.package_id.clone(),
            learner: learner.map(str::to_owned),
            end_client: end_client.map(str::to_owned),
            due: a.due.clone(),
            created_ms: a.created_ms,
        }
    }

    /// The assignment, its package id mapped by `package` (an import's new ids).
    pub fn assignment(self, package: impl Fn(&str) -> String) -> crate::portal::Assignment {
        crate::portal::Assignment {
            package_id: package(&self.package_id),
            id: self.id,
            target: crate::portal::Target::from_columns(self.learner, self.end_client),
            due: self.due,
            created_ms: self.created_ms,
        }
    }
}

/// A document in `documents.jsonl`; the content is base64.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentEntry {
    pub kind: String,
    pub activity: String,
    pub agent: String,
    pub registration: String,
    pub id: String,
    pub content_type: String,
    pub etag: String,
    pub updated_ms: i64,
    pub content: String,
}

/// An attachment in `attachments.jsonl`; the content is the member `attachments/<sha2>`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentEntry {
    pub sha2: String,
    pub content_type: String,
}

/// A package version in `packages.json`, oldest first within a package.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageEntry {
    pub package_id: String,
    pub identifier: String,
    pub version: u32,
    pub kind: String,
    pub edition: Option<String>,
    pub title: String,
    pub created_ms: i64,
    /// The course model, as kiroku stores it (JSON).
    pub course: serde_json::Value,
    pub files: Vec<crate::store::PackageFile>,
}

/// What an export or import did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveReport {
    pub tenant: String,
    pub counts: BTreeMap<String, u64>,
    pub bytes: u64,
    /// An import's package ids: the archive's → the new tenant's.
    #[serde(skip)]
    pub package_ids: BTreeMap<String, String>,
}

/// Why an export or import failed.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("the archive is invalid: {0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    Io(String),
}

impl ArchiveError {
    fn io(e: impl std::fmt::Display) -> Self {
        Self::Io(e.to_string())
    }

    fn invalid(e: impl std::fmt::Display) -> Self {
        Self::Invalid(e.to_string())
    }
}

impl From<crate::blob::BlobError> for ArchiveError {
    fn from(e: crate::blob::BlobError) -> Self {
        Self::io(e)
    }
}

impl From<zip::result::ZipError> for ArchiveError {
    fn from(e: zip::result::ZipError) -> Self {
        Self::invalid(e)
    }
}

impl From<std::io::Error> for ArchiveError {
    fn from(e: std::io::Error) -> Self {
        Self::io(e)
    }
}
