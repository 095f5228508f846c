//! The one audited place where an uploaded zip is read: every entry's name, type and size
//! is checked against the limits before anything is unpacked, the manifest is found and
//! parsed, launch files are checked, and only then are files unpacked into a staging
//! folder, hashed on the way. A cmi5 course structure may also come as a bare
//! `cmi5.xml` (an upload that starts with '<'): parsed alone, no files. Nothing here
//! touches the tenant's storage.

use std::collections::HashSet;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::{CompressionMethod, ZipArchive};

use super::manifest::{self, ManifestFile};
use super::model::{Course, LaunchHref, Structure};
use super::path::{normalize_entry, parent_folder};
use super::{PackageError, PackageLimits};

/// Entries under this unpacked size are exempt from the ratio check.
const RATIO_EXEMPT_BYTES: u64 = 64 * 1024;

/// A file unpacked into the staging folder.
#[derive(Debug, Clone)]
pub struct StagedFile {
    /// Normalized path inside the package.
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub staged: PathBuf,
}

/// A package that passed every check, unpacked into `staging`.
#[derive(Debug)]
pub struct Intake {
    pub course: Course,
    pub manifest_path: String,
    pub files: Vec<StagedFile>,
    pub total_bytes: u64,
}

/// Reports unpacked bytes so far and the total expected.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

struct Entry {
    index: usize,
    path: String,
    size: u64,
}

/// Checks and unpacks the zip at `zip_path` into `staging` (an empty folder).
pub fn intake(
    zip_path: &Path,
    staging: &Path,
    limits: &PackageLimits,
    progress: Progress,
) -> Result<Intake, PackageError> {
    let size = std::fs::metadata(zip_path)
        .map_err(|e| PackageError::NotAZip(e.to_string()))?
        .len();
    if size > limits.max_upload_bytes {
        return Err(PackageError::UploadTooLarge {
            limit: limits.max_upload_bytes,
        });
    }
    if is_xml(zip_path)? {
        return bare_cmi5(zip_path, size, limits);
    }
    let file = File::open(zip_path).map_err(|e| PackageError::NotAZip(e.to_string()))?;
    let mut zip = ZipArchive::new(file).map_err(|e| PackageError::NotAZip(e.to_string()))?;
    if zip.len() as u64 > limits.max_entries {
        return Err(PackageError::TooManyEntries {
            limit: limits.max_entries,
        });
    }
    if zip.has_duplicate_names() {
        let mut f = File::open(zip_path).map_err(|e| PackageError::NotAZip(e.to_string()))?;
        let file = super::zipdir::first_duplicate(&mut f).unwrap_or_else(|| "(a name listed twice)".into());
        return Err(PackageError::DuplicateEntry { file });
    }
    let entries = check_entries(&mut zip, limits)?;
    let names: HashSet<&str> = entries.iter().map(|e| e.path.as_str()).collect();
    let manifest_path = find_manifest(&names)?;
    let kind =
        ManifestFile::from_file_name(manifest_path.rsplit('/').next().unwrap_or("")).ok_or(PackageError::NoManifest)?;
    let xml = read_manifest(&mut zip, &entries, &manifest_path, limits)?;
    let mut course = manifest::parse(kind, &manifest_path, &xml, limits)?;
    check_launch_files(&course, &manifest_path, &names)?;
    if let Structure::Xapi(x) = &mut course.structure {
        x.actor_format = super::authoring::actor_format(&xml, &names);
    }
    let total: u64 = entries.iter().map(|e| e.size).sum();
    let files = unpack(&mut zip, &entries, staging, limits, total, progress)?;
    let total_bytes = files.iter().map(|f| f.size).sum();
    Ok(Intake {
        course,
        manifest_path,
        files,
        total_bytes,
    })
}

/// Whether the upload is XML rather than a zip: past a byte-order mark and whitespace it
/// opens with `<?xml`, a comment or an element other than `<html>` (a zip starts with
/// "PK"; an HTML page, `<!DOCTYPE html>…`, is answered `not_a_zip` as before).
fn is_xml(path: &Path) -> Result<bool, PackageError> {
    let mut head = Vec::with_capacity(64);
    File::open(path)
        .and_then(|f| f.take(64).read_to_end(&mut head))
        .map_err(|e| PackageError::NotAZip(e.to_string()))?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    let head = head.get(start..).unwrap_or_default().to_ascii_lowercase();
    let element = head.get(1).is_some_and(u8::is_ascii_alphabetic) && !head.starts_with(b"<html");
    Ok(head.starts_with(b"<?xml") || head.starts_with(b"<!--") || (head.first() == Some(&b'<') && element))
}

/// A `cmi5.xml` uploaded on its own (cmi5 14.2): a course without files, whose AUs all
/// have absolute urls.
fn bare_cmi5(path: &Path, size: u64, limits: &PackageLimits) -> Result<Intake, PackageError> {
    let manifest_path = ManifestFile::Cmi5.file_name().to_owned();
    let too_large = || PackageError::XmlTooLarge {
        file: manifest_path.clone(),
        limit: limits.max_xml_bytes,
    };
    if size > limits.max_xml_bytes {
        return Err(too_large());
    }
    let mut xml = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    File::open(path)
        .and_then(|f| f.take(limits.max_xml_bytes + 1).read_to_end(&mut xml))
        .map_err(|e| damaged(&manifest_path, e))?;
    if xml.len() as u64 > limits.max_xml_bytes {
        return Err(too_large());
    }
    let course = manifest::parse_bare_cmi5(&xml, limits)?;
    Ok(Intake {
        course,
        manifest_path,
        files: Vec::new(),
        total_bytes: 0,
    })
}

fn check_entries(zip: &mut ZipArchive<File>, limits: &PackageLimits) -> Result<Vec<Entry>, PackageError> {
    let mut entries = Vec::new();
    let mut seen = HashSet::new();
    let mut total = 0u64;
    for index in 0..zip.len() {
        let f = zip
            .by_index_raw(index)
            .map_err(|e| PackageError::NotAZip(e.to_string()))?;
        let raw = f.name().map_err(|e| PackageError::NotAZip(e.to_string()))?.into_owned();
        // bsdtar (`tar -a -cf x.zip .`, the tar of macOS and Windows) writes the root as `./`.
        if f.is_dir() && matches!(raw.as_str(), "./" | ".") {
            continue;
        }
        let path = normalize_entry(&raw).map_err(|reason| PackageError::UnsafePath {
            file: raw.clone(),
            reason,
        })?;
        if f.is_symlink() {
            return Err(PackageError::Symlink { file: raw });
        }
        if f.encrypted() {
            return Err(PackageError::Encrypted { file: raw });
        }
        if !seen.insert(path.clone()) {
            return Err(PackageError::DuplicateEntry { file: raw });
        }
        if f.is_dir() {
            continue;
        }
        if !matches!(f.compression(), CompressionMethod::Stored | CompressionMethod::Deflated) {
            return Err(PackageError::UnsupportedCompression { file: raw });
        }
        let size = f.size();
        if size > limits.max_file_bytes {
            return Err(PackageError::EntryTooLarge {
                file: raw,
                limit: limits.max_file_bytes,
            });
        }
        if size > RATIO_EXEMPT_BYTES && size / f.compressed_size().max(1) > limits.max_ratio {
            return Err(PackageError::CompressionRatio {
                file: raw,
                limit: limits.max_ratio,
            });
        }
        total = total.saturating_add(size);
        if total > limits.max_total_bytes {
            return Err(PackageError::TotalTooLarge {
                limit: limits.max_total_bytes,
            });
        }
        entries.push(Entry { index, path, size });
    }
    Ok(entries)
}

/// The manifest at the root, or else in the one top-level folder that has one. Several
/// kinds side by side resolve in the order cmi5, SCORM, tincan (authoring tools add a
/// tincan.xml to SCORM exports; a cmi5.xml always means cmi5).
fn find_manifest(names: &HashSet<&str>) -> Result<String, PackageError> {
    const ORDER: [ManifestFile; 3] = [ManifestFile::Cmi5, ManifestFile::Scorm, ManifestFile::Tincan];
    let at = |folder: &str| -> Option<String> {
        ORDER.iter().find_map(|kind| {
            names
                .iter()
                .find(|n| {
                    parent_folder(n) == folder
                        && n.strip_prefix(folder)
                            .is_some_and(|f| f.eq_ignore_ascii_case(kind.file_name()))
                })
                .map(|n| (*n).to_owned())
        })
    };
    if let Some(m) = at("") {
        return Ok(m);
    }
    let mut folders: Vec<String> = names
        .iter()
        .filter_map(|n| n.split_once('/').map(|(top, _)| format!("{top}/")))
        .collect::<HashSet<_>>()
        .into_iter()
        .filter_map(|f| at(&f))
        .collect();
    folders.sort();
    match folders.len() {
        0 => Err(PackageError::NoManifest),
        1 => Ok(folders.remove(0)),
        _ => Err(PackageError::AmbiguousManifest { files: folders }),
    }
}

fn read_manifest(
    zip: &mut ZipArchive<File>,
    entries: &[Entry],
    path: &str,
    limits: &PackageLimits,
) -> Result<Vec<u8>, PackageError> {
    let e = entries
        .iter()
        .find(|e| e.path == path)
        .ok_or(PackageError::NoManifest)?;
    if e.size > limits.max_xml_bytes {
        return Err(PackageError::XmlTooLarge {
            file: path.to_owned(),
            limit: limits.max_xml_bytes,
        });
    }
    let f = zip.by_index(e.index).map_err(|err| damaged(path, err))?;
    let mut buf = Vec::with_capacity(usize::try_from(e.size).unwrap_or(0));
    f.take(limits.max_xml_bytes + 1)
        .read_to_end(&mut buf)
        .map_err(|err| damaged(path, err))?;
    if buf.len() as u64 > limits.max_xml_bytes {
        return Err(PackageError::XmlTooLarge {
            file: path.to_owned(),
            limit: limits.max_xml_bytes,
        });
    }
    Ok(buf)
}

fn check_launch_files(course: &Course, manifest_path: &str, names: &HashSet<&str>) -> Result<(), PackageError> {
    // Every organization's items, not only the default one's.
    let launchables = course.all_launchables();
    if launchables.is_empty() {
        return Err(PackageError::NothingToLaunch);
    }
    for l in launchables {
        if let LaunchHref::Package { path, .. } = &l.href
            && !names.contains(path.as_str())
        {
            return Err(PackageError::MissingLaunchFile {
                file: manifest_path.to_owned(),
                href: path.clone(),
            });
        }
    }
    Ok(())
}

fn damaged(file: &str, e: impl std::fmt::Display) -> PackageError {
    PackageError::DamagedEntry {
        file: file.to_owned(),
        message: e.to_string(),
    }
}

fn unpack(
    zip: &mut ZipArchive<File>,
    entries: &[Entry],
    staging: &Path,
    limits: &PackageLimits,
    total: u64,
    progress: Progress,
) -> Result<Vec<StagedFile>, PackageError> {
    let mut done = 0u64;
    let mut files = Vec::with_capacity(entries.len());
    for e in entries {
        let staged = staging.join(e.index.to_string());
        let mut reader = zip.by_index(e.index).map_err(|err| damaged(&e.path, err))?;
        let (sha256, size) = copy_hashed(&mut reader, &staged, e, limits, &mut |n| {
            done += n;
            progress(done, total);
        })?;
        files.push(StagedFile {
            path: e.path.clone(),
            sha256,
            size,
            staged,
        });
    }
    Ok(files)
}

/// Unpacks one entry, hashing it and holding it to its declared size: a zip that lies
/// about sizes is refused, not trusted.
fn copy_hashed(
    reader: &mut impl Read,
    target: &Path,
    e: &Entry,
    limits: &PackageLimits,
    on_bytes: &mut dyn FnMut(u64),
) -> Result<(String, u64), PackageError> {
    let io_err = |err: std::io::Error| damaged(&e.path, err);
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, File::create(target).map_err(io_err)?);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = reader.read(&mut buf).map_err(io_err)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        if size > e.size || size > limits.max_file_bytes {
            return Err(PackageError::EntryTooLarge {
                file: e.path.clone(),
                limit: e.size.min(limits.max_file_bytes),
            });
        }
        hasher.update(buf.get(..n).unwrap_or_default());
        out.write_all(buf.get(..n).unwrap_or_default()).map_err(io_err)?;
        on_bytes(n as u64);
    }
    out.flush().map_err(io_err)?;
    let hex = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((hex, size))
}
