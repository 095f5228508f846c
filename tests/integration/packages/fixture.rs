//! The fixture packages of `fixtures/packages/`, zipped at run time the way authoring
//! tools zip them (folder entries included), plus the media files the tests generate
//! (no binary is kept in the repository).

use std::collections::BTreeSet;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::hostile::pseudo_random;

/// Every fixture package (a folder of `fixtures/packages/`).
pub const ALL: [&str; 13] = [
    "scorm12-single-sco",
    "scorm12-multi-sco",
    "scorm12-media",
    "scorm12-opener",
    "scorm2004-2nd-edition",
    "scorm2004-3rd-sequenced",
    "scorm2004-4th-shared-data",
    "scorm2004-4th-sequenced-course",
    "scorm2004-quirks",
    "cmi5-multi-au",
    "cmi5-runnable",
    "tincan-two-activities",
    "tincan-lectora",
];

/// Size of the generated video (large enough to be fetched in ranges).
pub const VIDEO_BYTES: usize = 3_000_000;
pub const VIDEO: &str = "media/intro.mp4";

/// A file of a package: its path in the zip and its bytes.
pub type File = (String, Vec<u8>);

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("packages")
}

/// The files of a fixture, sorted by path, generated media included.
pub fn files(name: &str) -> Vec<File> {
    let dir = root().join(name);
    assert!(dir.is_dir(), "no fixture folder {}", dir.display());
    let mut out = Vec::new();
    walk(&dir, "", &mut out);
    if name == "scorm12-media" {
        out.extend(media_files());
    }
    out.sort();
    out
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<File>) {
    for entry in std::fs::read_dir(dir).expect("read a fixture folder") {
        let entry = entry.expect("fixture entry");
        let name = entry.file_name().into_string().expect("UTF-8 file name");
        let path = format!("{prefix}{name}");
        if entry.path().is_dir() {
            walk(&entry.path(), &format!("{path}/"), out);
        } else if let Some(real) = path.strip_suffix(".shared") {
            // `x.js.shared` names a file of `fixtures/packages/_shared/` that the package
            // carries as `x.js` (several packages ship the same API wrapper, byte for byte).
            let text = std::fs::read_to_string(entry.path()).expect("read a .shared file");
            let shared = root().join("_shared").join(text.trim());
            out.push((
                real.to_owned(),
                std::fs::read(shared).expect("read a shared fixture file"),
            ));
        } else {
            out.push((path, std::fs::read(entry.path()).expect("read a fixture file")));
        }
    }
}

/// The file at `path` of a fixture.
pub fn file(name: &str, path: &str) -> Vec<u8> {
    files(name)
        .into_iter()
        .find(|(p, _)| p == path)
        .map(|(_, b)| b)
        .unwrap_or_else(|| panic!("{name} has no {path}"))
}

/// A zip of these files, with an entry for every folder (as most tools write).
pub fn zip(files: &[File]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let folders: BTreeSet<String> = files
        .iter()
        .flat_map(|(p, _)| {
            p.match_indices('/')
                .map(|(i, _)| p[..=i].to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    for folder in folders {
        zip.add_directory(folder, deflated).expect("folder entry");
    }
    for (path, bytes) in files {
        let media = [".mp4", ".mp3", ".png", ".woff2"].iter().any(|ext| path.ends_with(ext));
        let options = if media {
            deflated.compression_method(CompressionMethod::Stored)
        } else {
            deflated
        };
        zip.start_file(path.as_str(), options).expect("zip entry");
        zip.write_all(bytes).expect("zip data");
    }
    zip.finish().expect("finish zip").into_inner()
}

/// A fixture, zipped.
pub fn package(name: &str) -> Vec<u8> {
    zip(&files(name))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Distinct SHA-256 hashes of a list of files.
pub fn hashes(files: &[File]) -> BTreeSet<String> {
    files.iter().map(|(_, b)| sha256_hex(b)).collect()
}

/// Bytes of the distinct contents of a list of files (what storage counts).
pub fn distinct_bytes(files: &[File]) -> u64 {
    let mut seen = BTreeSet::new();
    files
        .iter()
        .filter(|(_, b)| seen.insert(sha256_hex(b)))
        .map(|(_, b)| b.len() as u64)
        .sum()
}

// ---------------------------------------------------------------------------------------
// Generated media: the right magic numbers and structure, filler inside.

fn media_files() -> Vec<File> {
    vec![
        (VIDEO.to_owned(), mp4(VIDEO_BYTES)),
        ("media/narration.mp3".to_owned(), mp3(40)),
        ("fonts/lesson.woff2".to_owned(), woff2()),
        ("images/diagram.png".to_owned(), png()),
    ]
}

/// An ISO BMFF file: an `ftyp` box and one `mdat` box filling it to `len` bytes.
fn mp4(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(&24u32.to_be_bytes());
    out.extend_from_slice(b"ftypisom\0\0\x02\0isomavc1");
    let mdat = len - out.len();
    out.extend_from_slice(&u32::try_from(mdat).expect("fits").to_be_bytes());
    out.extend_from_slice(b"mdat");
    out.extend_from_slice(&pseudo_random(mdat - 8, 42));
    out
}

/// An ID3v2 tag followed by MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz: 417 bytes each).
fn mp3(frames: usize) -> Vec<u8> {
    let mut out = b"ID3\x03\x00\x00\x00\x00\x00\x00".to_vec();
    for i in 0..frames {
        out.extend_from_slice(&[0xFF, 0xFB, 0x90, 0x64]);
        out.extend_from_slice(&pseudo_random(413, 100 + i as u64));
    }
    out
}

/// A WOFF2 header (signature, flavor, length) and filler.
fn woff2() -> Vec<u8> {
    let len: u32 = 2048;
    let mut out = b"wOF2\x00\x01\x00\x00".to_vec();
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&pseudo_random(len as usize - out.len(), 7));
    out
}

/// A valid 2×2 RGB PNG (zlib stream of one stored block).
pub fn png() -> Vec<u8> {
    let mut raw = Vec::new();
    for row in [[255u8, 0, 0, 0, 255, 0], [0, 0, 255, 255, 255, 255]] {
        raw.push(0);
        raw.extend_from_slice(&row);
    }
    let len = u16::try_from(raw.len()).expect("small");
    let mut z = vec![0x78, 0x01, 0x01];
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&(!len).to_le_bytes());
    z.extend_from_slice(&raw);
    z.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &[0, 0, 0, 2, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).expect("small").to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}
