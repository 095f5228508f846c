//! Reading a tenant export archive into a new tenant. Every member's SHA-256 is checked
//! against the manifest before anything is stored. The tenant is created suspended, its
//! rows restored with their ids and times, and only then made active; any failure erases
//! the tenant again, with the content files the import added and nothing else uses.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use base64::Engine;
use sha2::{Digest, Sha256};
use zip::ZipArchive;

use super::{
    ArchiveError, ArchiveReport, AttachmentEntry, DocumentEntry, FORMAT_VERSION, MANIFEST, Manifest, PackageEntry,
};
use crate::blob::BlobStore;
use crate::learner::{Learner, Registration};
use crate::lrs::XapiVersion;
use crate::lrs::query::StatementQuery;
use crate::package::model::{Course, Structure};
use crate::report::facts::ReportWrite;
use crate::store::archive::{
    ArchivedDocument, ArchivedStatement, RegistrationStateRow, Restore, RestoredStatement, VersionTime, hex,
};
use crate::store::{Attachment, AttemptRecord, NewPackageVersion, Store};
use crate::tenant::{NewTenant, Tenant, TenantId, TenantName, TenantStatus};

/// Statements restored per store transaction.
const BATCH: usize = 500;
/// Attachment bytes restored per store transaction (more when one attachment is larger).
const ATTACHMENT_BATCH_BYTES: usize = 8 << 20;

type Zip = ZipArchive<BufReader<File>>;

/// Imports the archive at `file` as a new tenant named `name` (default: the exported
/// tenant's name). `work` is a folder for content files on their way to blob storage.
pub async fn import(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    file: &Path,
    name: Option<&str>,
    work: &Path,
) -> Result<ArchiveReport, ArchiveError> {
    import_as(store, blobs, file, name, work, true)
        .await
        .map(|(report, _)| report)
}

/// `import`, which makes the tenant active when `activate`, or leaves it suspended (the
/// staging of an in-place restore); returns the tenant too.
pub async fn import_as(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    file: &Path,
    name: Option<&str>,
    work: &Path,
    activate: bool,
) -> Result<(ArchiveReport, Tenant), ArchiveError> {
    let mut zip = ZipArchive::new(BufReader::new(File::open(file)?))?;
    let manifest = verify(&mut zip)?;
    let name = TenantName::parse(name.unwrap_or(&manifest.tenant.name)).map_err(ArchiveError::Invalid)?;
    let xapi_version = XapiVersion::parse_setting(&manifest.tenant.xapi_version).map_err(ArchiveError::Invalid)?;
    let tenant = store
        .create_tenant(NewTenant {
            name,
            xapi_version,
            reseller: None,
        })
        .await?;
    store
        .set_tenant_status(tenant.id, TenantStatus::Suspended, Some("being imported".into()))
        .await?;
    let mut added = Vec::new();
    let result = restore_all(store, blobs, &mut zip, tenant.id, work, &mut added).await;
    let mut package_ids = std::collections::BTreeMap::new();
    let outcome = match result {
        Ok(ids) => {
            package_ids = ids.into_iter().collect();
            async {
                store
                    .update_tenant_settings(tenant.id, manifest.tenant.settings)
                    .await?;
                if activate {
                    store.set_tenant_status(tenant.id, TenantStatus::Active, None).await?;
                }
                Ok::<_, ArchiveError>(())
            }
            .await
        }
        Err(e) => Err(e),
    };
    if let Err(e) = outcome {
        store.erase_tenant(tenant.id, false).await?;
        for h in added {
            if !store.blob_in_use(&h).await? {
                blobs.delete(&h).await?;
            }
        }
        return Err(e);
    }
    let report = ArchiveReport {
        tenant: tenant.name.to_string(),
        counts: manifest.counts,
        bytes: std::fs::metadata(file)?.len(),
        package_ids,
    };
    Ok((report, tenant))
}

/// Reads the manifest and checks that the members are exactly those it lists, each with
/// its SHA-256.
pub fn verify(zip: &mut Zip) -> Result<Manifest, ArchiveError> {
    let manifest: Manifest = serde_json::from_slice(&read_member(zip, MANIFEST)?).map_err(ArchiveError::invalid)?;
    if manifest.format != "kiroku-tenant-archive" || manifest.format_version != FORMAT_VERSION {
        return Err(ArchiveError::Invalid(format!(
            "format {} version {} is not one this kiroku reads ({FORMAT_VERSION})",
            manifest.format, manifest.format_version
        )));
    }
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|n| n != MANIFEST)
        .collect();
    if names.len() != manifest.members.len() {
        return Err(ArchiveError::Invalid(
            "the members differ from the manifest's list".into(),
        ));
    }
    for name in names {
        let expected = manifest
            .members
            .get(&name)
            .ok_or_else(|| ArchiveError::Invalid(format!("member {name} is not in the manifest")))?;
        let mut h = Sha256::new();
        std::io::copy(&mut zip.by_name(&name)?, &mut h)?;
        if &hex(&h.finalize()) != expected {
            return Err(ArchiveError::Invalid(format!(
                "member {name} does not match its SHA-256"
            )));
        }
    }
    Ok(manifest)
}

fn read_member(zip: &mut Zip, name: &str) -> Result<Vec<u8>, ArchiveError> {
    let mut out = Vec::new();
    zip.by_name(name)
        .map_err(|e| ArchiveError::Invalid(format!("{name}: {e}")))?
        .read_to_end(&mut out)?;
    Ok(out)
}

fn read_json<T: serde::de::DeserializeOwned>(zip: &mut Zip, name: &str) -> Result<T, ArchiveError> {
    serde_json::from_slice(&read_member(zip, name)?).map_err(|e| ArchiveError::Invalid(format!("{name}: {e}")))
}

/// Every line of a JSON-lines member, parsed.
fn read_lines<T: serde::de::DeserializeOwned>(zip: &mut Zip, name: &str) -> Result<Vec<T>, ArchiveError> {
    let reader = BufReader::new(zip.by_name(name)?);
    reader
        .lines()
        .map(|l| serde_json::from_str(&l?).map_err(|e| ArchiveError::Invalid(format!("{name}: {e}"))))
        .collect()
}

/// The reports' summary rows, derived again from the run-time data just restored, and
/// an xAPI course's registrations from their statements (`report::xapi`; its newest
/// `REBUILD_STATEMENTS`).
async fn restore_report_rows(
    store: &dyn Store,
    t: TenantId,
    regs: &[Registration],
    attempts: &[AttemptRecord],
    states: &[RegistrationStateRow],
) -> Result<(), ArchiveError> {
    let mut courses: HashMap<(String, u32), Option<Course>> = HashMap::new();
    for r in regs {
        let key = (r.package_id.clone(), r.version);
        if courses.contains_key(&key) {
            continue;
        }
        let course = store.package_course(t, &r.package_id, r.version).await?;
        courses.insert(key, course.and_then(|c| serde_json::from_str::<Course>(&c).ok()));
    }
    let course = |p: &str, v: u32| courses.get(&(p.to_owned(), v)).and_then(Option::as_ref);
    let count = |p: &str, v: u32| course(p, v).map_or(0, |c| u32::try_from(c.launchables().len()).unwrap_or(u32::MAX));
    for w in crate::report::rebuild::writes(regs, attempts, states, count) {
        write_report(store, t, w).await?;
    }
    for r in regs {
        let Some(c) = course(&r.package_id, r.version).filter(|c| matches!(c.structure, Structure::Xapi(_))) else {
            continue;
        };
        let Some(activity) = c.launchables().first().map(|l| l.id.clone()) else {
            continue;
        };
        let q = StatementQuery {
            registration: Some(r.id.clone()),
            limit: REBUILD_STATEMENTS,
            ..StatementQuery::default()
        };
        let page = store.query_statements(t, &q).await?;
        let at_ms = page.statements.first().map_or(0, |s| s.stored_ms);
        // Oldest first, as posted.
        let bodies: Vec<serde_json::Value> = page
            .statements
            .iter()
            .rev()
            .filter_map(|s| serde_json::from_str(&s.body).ok())
            .collect();
        if let Some(w) = crate::report::xapi::of_batch(&activity, &r.id, &bodies, at_ms) {
            write_report(store, t, w).await?;
        }
    }
    Ok(())
}

/// Statements of an xAPI registration read to put its summary rows back.
const REBUILD_STATEMENTS: u32 = 1000;

async fn write_report(store: &dyn Store, t: TenantId, w: ReportWrite) -> Result<(), ArchiveError> {
    let writes = crate::store::RuntimeWrites {
        attempts: Vec::new(),
        registration_state: None,
        credential: crate::runtime::usecase::RUNTIME_KEY.to_owned(),
        statements: Vec::new(),
        attachments: Vec::new(),
        documents: Vec::new(),
        report: Some(w),
    };
    store.apply_runtime(t, writes).await?;
    Ok(())
}

async fn restore_all(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    zip: &mut Zip,
    t: TenantId,
    work: &Path,
    added: &mut Vec<String>,
) -> Result<HashMap<String, String>, ArchiveError> {
    let packages: Vec<PackageEntry> = read_json(zip, "packages.json")?;
    let ids = restore_packages(store, blobs, zip, t, &packages, work, added).await?;
    let times = packages
        .iter()
        .map(|p| VersionTime {
            package_id: ids.get(&p.package_id).cloned().unwrap_or_default(),
            version: p.version,
            created_ms: p.created_ms,
        })
        .collect();
    store.restore(t, Restore::VersionTimes(times)).await?;
    // Archives written before end clients existed have no such member.
    if zip.index_for_name("end-clients.json").is_some() {
        let end_clients: Vec<crate::account::EndClient> = read_json(zip, "end-clients.json")?;
        store.restore(t, Restore::EndClients(end_clients)).await?;
    }
    let learners: Vec<Learner> = read_json(zip, "learners.json")?;
    store.restore(t, Restore::Learners(learners)).await?;
    let mut regs: Vec<Registration> = read_json(zip, "registrations.json")?;
    for r in &mut regs {
        r.package_id = ids.get(&r.package_id).cloned().unwrap_or_default();
    }
    store.restore(t, Restore::Registrations(regs.clone())).await?;
    let attempts: Vec<AttemptRecord> = read_lines(zip, "attempts.jsonl")?;
    store.restore(t, Restore::Attempts(attempts.clone())).await?;
    let states: Vec<RegistrationStateRow> = read_lines(zip, "registration-states.jsonl")?;
    store.restore(t, Restore::RegistrationStates(states.clone())).await?;
    // Archives written before the learner portal have no such member.
    if zip.index_for_name("assignments.json").is_some() {
        let entries: Vec<super::AssignmentEntry> = read_json(zip, "assignments.json")?;
        let assignments = entries
            .into_iter()
            .map(|e| e.assignment(|p| ids.get(p).cloned().unwrap_or_default()))
            .collect();
        store.restore(t, Restore::Assignments(assignments)).await?;
    }
    let docs = read_lines::<DocumentEntry>(zip, "documents.jsonl")?
        .into_iter()
        .map(document)
        .collect::<Result<Vec<_>, _>>()?;
    store.restore(t, Restore::Documents(docs)).await?;
    // Attachments go in batches of about `ATTACHMENT_BATCH_BYTES`, never all in memory.
    let (mut atts, mut bytes) = (Vec::new(), 0);
    for a in read_lines::<AttachmentEntry>(zip, "attachments.jsonl")? {
        let content = read_member(zip, &format!("attachments/{}", a.sha2))?;
        bytes += content.len();
        atts.push(Attachment {
            sha2: a.sha2,
            content_type: a.content_type,
            content,
        });
        if bytes >= ATTACHMENT_BATCH_BYTES {
            store
                .restore(t, Restore::Attachments(std::mem::take(&mut atts)))
                .await?;
            bytes = 0;
        }
    }
    store.restore(t, Restore::Attachments(atts)).await?;
    restore_statements(store, zip, t, work).await?;
    restore_report_rows(store, t, &regs, &attempts, &states).await?;
    Ok(ids)
}

fn document(d: DocumentEntry) -> Result<ArchivedDocument, ArchiveError> {
    let content = base64::engine::general_purpose::STANDARD
        .decode(&d.content)
        .map_err(|e| ArchiveError::Invalid(format!("document {}: {e}", d.id)))?;
    Ok(ArchivedDocument {
        kind: d.kind,
        activity: d.activity,
        agent: d.agent,
        registration: d.registration,
        doc_id: d.id,
        content_type: d.content_type,
        content,
        etag: d.etag,
        updated_ms: d.updated_ms,
    })
}

/// Statements in stored order, `BATCH` per transaction. The member is first copied to a
/// work file (a zip entry reader cannot be held across awaits), then read line by line.
async fn restore_statements(store: &dyn Store, zip: &mut Zip, t: TenantId, work: &Path) -> Result<(), ArchiveError> {
    let tmp = tempfile::NamedTempFile::new_in(work)?;
    std::io::copy(&mut zip.by_name("statements.jsonl")?, &mut tmp.as_file())?;
    let mut lines = BufReader::new(File::open(tmp.path())?).lines();
    loop {
        let mut batch = Vec::with_capacity(BATCH);
        for l in lines.by_ref().take(BATCH) {
            let row: ArchivedStatement =
                serde_json::from_str(&l?).map_err(|e| ArchiveError::Invalid(format!("statements.jsonl: {e}")))?;
            let (terms, refers_to) = crate::lrs::statement::reindex(&row.body)
                .map_err(|e| ArchiveError::Invalid(format!("statement {}: {e}", row.id)))?;
            batch.push(RestoredStatement { row, terms, refers_to });
        }
        if batch.is_empty() {
            return Ok(());
        }
        store.restore(t, Restore::Statements(batch)).await?;
    }
}

/// Stores the content files and package versions; returns old package id → new.
#[allow(clippy::too_many_arguments)]
async fn restore_packages(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    zip: &mut Zip,
    t: TenantId,
    packages: &[PackageEntry],
    work: &Path,
    added: &mut Vec<String>,
) -> Result<HashMap<String, String>, ArchiveError> {
    std::fs::create_dir_all(work)?;
    for sha in packages.iter().flat_map(|p| &p.files).map(|f| f.sha256.clone()) {
        if !crate::blob::is_sha256_hex(&sha) || blobs.exists(&sha).await? {
            continue;
        }
        let tmp = tempfile::NamedTempFile::new_in(work)?;
        let mut h = Sha256::new();
        {
            let mut member = zip.by_name(&format!("files/{sha}"))?;
            let mut out = tmp.as_file();
            let mut buf = vec![0; 64 * 1024];
            loop {
                let n = member.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                h.update(buf.get(..n).unwrap_or_default());
                std::io::Write::write_all(&mut out, buf.get(..n).unwrap_or_default())?;
            }
        }
        if hex(&h.finalize()) != sha {
            return Err(ArchiveError::Invalid(format!("files/{sha} does not match its name")));
        }
        if blobs.put_file(&sha, tmp.path()).await? {
            added.push(sha);
        }
    }
    let mut ids = HashMap::new();
    for p in packages {
        let v = store
            .create_package_version(
                t,
                NewPackageVersion {
                    identifier: p.identifier.clone(),
                    kind: p.kind.clone(),
                    edition: p.edition.clone(),
                    title: p.title.clone(),
                    course: p.course.to_string(),
                    files: p.files.clone(),
                },
            )
            .await?;
        if v.version != p.version {
            return Err(ArchiveError::Invalid(format!(
                "package {} version {} would become version {}",
                p.package_id, p.version, v.version
            )));
        }
        ids.insert(p.package_id.clone(), v.package_id);
    }
    Ok(ids)
}

/// Checks an archive file: its manifest and every member's SHA-256.
pub fn verify_file(file: &Path) -> Result<Manifest, ArchiveError> {
    let mut zip = ZipArchive::new(BufReader::new(File::open(file)?))?;
    verify(&mut zip)
}
