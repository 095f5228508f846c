//! Writing a tenant's export archive. Statements and attachments are read from the store
//! in pages and written as they come, so a large tenant never sits in memory; members
//! are hashed while written and the manifest, listing every hash, is the last member.
//! The zip is written to `<out>.partial` and renamed into place when complete.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use base64::Engine;
use sha2::{Digest, Sha256};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use super::{
    ArchiveError, ArchiveReport, AttachmentEntry, DocumentEntry, FORMAT_VERSION, MANIFEST, Manifest, ManifestTenant,
    PackageEntry,
};
use crate::blob::BlobStore;
use crate::store::Store;
use crate::store::archive::hex;
use crate::tenant::Tenant;

/// Statements (and attachments) read per store call.
const PAGE: u32 = 500;

/// The zip being written, with the hash of every finished member.
struct Writer {
    zip: ZipWriter<BufWriter<File>>,
    members: BTreeMap<String, String>,
    current: Option<(String, Sha256)>,
}

impl Writer {
    fn start(&mut self, name: &str) -> Result<(), ArchiveError> {
        self.finish_member();
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        self.zip.start_file(name, options)?;
        self.current = Some((name.to_owned(), Sha256::new()));
        Ok(())
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), ArchiveError> {
        if let Some((_, h)) = &mut self.current {
            h.update(bytes);
        }
        self.zip.write_all(bytes)?;
        Ok(())
    }

    fn line(&mut self, value: &impl serde::Serialize) -> Result<(), ArchiveError> {
        let mut text = serde_json::to_vec(value).map_err(ArchiveError::io)?;
        text.push(b'\n');
        self.write(&text)
    }

    fn member(&mut self, name: &str, bytes: &[u8]) -> Result<(), ArchiveError> {
        self.start(name)?;
        self.write(bytes)
    }

    fn finish_member(&mut self) {
        if let Some((name, h)) = self.current.take() {
            self.members.insert(name, hex(&h.finalize()));
        }
    }
}

/// Writes the tenant's archive to `out` and returns what it holds.
pub async fn export(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    tenant: &Tenant,
    out: &Path,
) -> Result<ArchiveReport, ArchiveError> {
    let partial = out.with_extension("partial");
    let file = File::create(&partial)?;
    let mut w = Writer {
        zip: ZipWriter::new(BufWriter::new(file)),
        members: BTreeMap::new(),
        current: None,
    };
    let result = write_all(store, blobs, tenant, &mut w).await;
    let counts = match result {
        Ok(c) => c,
        Err(e) => {
            drop(w);
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    let file = w.zip.finish()?;
    file.into_inner().map_err(|e| ArchiveError::io(e.error()))?.sync_all()?;
    std::fs::rename(&partial, out)?;
    Ok(ArchiveReport {
        tenant: tenant.name.to_string(),
        counts,
        bytes: std::fs::metadata(out)?.len(),
        package_ids: BTreeMap::new(),
    })
}

async fn write_all(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    tenant: &Tenant,
    w: &mut Writer,
) -> Result<BTreeMap<String, u64>, ArchiveError> {
    let t = tenant.id;
    let mut counts = BTreeMap::new();
    w.start("statements.jsonl")?;
    let (mut after, mut n) = (0, 0);
    loop {
        let page = store.statements_after(t, after, PAGE).await?;
        let Some((last, _)) = page.last() else { break };
        after = *last;
        for (_, s) in &page {
            w.line(s)?;
        }
        n += page.len() as u64;
    }
    counts.insert("statements".into(), n);
    counts.insert("attachments".into(), attachments(store, t, w).await?);
    let docs = store.all_documents(t).await?;
    w.start("documents.jsonl")?;
    for d in &docs {
        w.line(&DocumentEntry {
            kind: d.kind.clone(),
            activity: d.activity.clone(),
            agent: d.agent.clone(),
            registration: d.registration.clone(),
            id: d.doc_id.clone(),
            content_type: d.content_type.clone(),
            etag: d.etag.clone(),
            updated_ms: d.updated_ms,
            content: base64::engine::general_purpose::STANDARD.encode(&d.content),
        })?;
    }
    counts.insert("documents".into(), docs.len() as u64);
    let end_clients = store.list_end_clients(t).await?;
    counts.insert("endClients".into(), end_clients.len() as u64);
    w.member("end-clients.json", &json(&end_clients)?)?;
    let learners = store.list_learners(t, None).await?;
    counts.insert("learners".into(), learners.len() as u64);
    w.member("learners.json", &json(&learners)?)?;
    let regs = store.list_registrations(t, None, None, None).await?;
    counts.insert("registrations".into(), regs.len() as u64);
    w.member("registrations.json", &json(&regs)?)?;
    let attempts = store.all_attempts(t).await?;
    counts.insert("attempts".into(), attempts.len() as u64);
    w.start("attempts.jsonl")?;
    attempts.iter().try_for_each(|a| w.line(a))?;
    let states = store.all_registration_states(t).await?;
    counts.insert("registrationStates".into(), states.len() as u64);
    w.start("registration-states.jsonl")?;
    states.iter().try_for_each(|s| w.line(s))?;
    let assignments: Vec<super::AssignmentEntry> = store
        .list_assignments(t, None)
        .await?
        .iter()
        .map(super::AssignmentEntry::of)
        .collect();
    counts.insert("assignments".into(), assignments.len() as u64);
    w.member("assignments.json", &json(&assignments)?)?;
    let (versions, files) = packages(store, blobs, t, w).await?;
    counts.insert("packageVersions".into(), versions);
    counts.insert("files".into(), files);
    w.finish_member();
    let manifest = Manifest {
        format: "kiroku-tenant-archive".into(),
        format_version: FORMAT_VERSION,
        exported_ms: crate::clock::now_ms(),
        tenant: ManifestTenant {
            name: tenant.name.to_string(),
            xapi_version: tenant.xapi_version.to_string(),
            created_ms: tenant.created_ms,
            settings: tenant.settings,
        },
        counts: counts.clone(),
        members: std::mem::take(&mut w.members),
    };
    let text = serde_json::to_vec_pretty(&manifest).map_err(ArchiveError::io)?;
    w.start(MANIFEST)?;
    w.write(&text)?;
    w.current = None;
    Ok(counts)
}

fn json(v: &impl serde::Serialize) -> Result<Vec<u8>, ArchiveError> {
    serde_json::to_vec_pretty(v).map_err(ArchiveError::io)
}

async fn attachments(store: &dyn Store, t: crate::tenant::TenantId, w: &mut Writer) -> Result<u64, ArchiveError> {
    let mut index = Vec::new();
    let mut after = String::new();
    loop {
        let page = store.attachments_after(t, &after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.sha2.clone();
        for a in page {
            w.member(&format!("attachments/{}", a.sha2), &a.content)?;
            index.push(AttachmentEntry {
                sha2: a.sha2,
                content_type: a.content_type,
            });
        }
    }
    w.start("attachments.jsonl")?;
    index.iter().try_for_each(|a| w.line(a))?;
    Ok(index.len() as u64)
}

/// Writes `packages.json` and every content file once; returns (versions, files).
async fn packages(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    t: crate::tenant::TenantId,
    w: &mut Writer,
) -> Result<(u64, u64), ArchiveError> {
    let mut entries = Vec::new();
    for p in store.list_packages(t).await? {
        for v in store.package_versions(t, &p.package_id).await? {
            let course = store
                .package_course(t, &v.package_id, v.version)
                .await?
                .ok_or_else(|| ArchiveError::Io(format!("package {} lost its course", v.package_id)))?;
            let files = store.version_files(t, &v.package_id, v.version).await?;
            entries.push(PackageEntry {
                package_id: v.package_id,
                identifier: v.identifier,
                version: v.version,
                kind: v.kind,
                edition: v.edition,
                title: v.title,
                created_ms: v.created_ms,
                course: serde_json::from_str(&course).map_err(ArchiveError::io)?,
                files,
            });
        }
    }
    w.member("packages.json", &json(&entries)?)?;
    let mut written = std::collections::BTreeSet::new();
    for f in entries.iter().flat_map(|e| &e.files) {
        if written.insert(f.sha256.clone()) {
            let bytes = blobs.read(&f.sha256, 0, None).await?;
            w.member(&format!("files/{}", f.sha256), &bytes)?;
        }
    }
    Ok((entries.len() as u64, written.len() as u64))
}
