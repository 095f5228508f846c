//! Packages as real tools and operating systems zip them: CRLF and UTF-16 manifests, an
//! upper-case manifest name, streamed zips with data descriptors, zip64 records, macOS
//! `__MACOSX` and `.DS_Store` junk, "./"-prefixed names, other upload content types, many
//! uploads at once, and a cmi5 course of 1,200 AUs.

use std::io::{Cursor, Write};

use serde_json::json;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::fixture::{self, File};
use super::hostile::pseudo_random;
use super::{Env, entries_under, str_of};

const BASE: &str = "scorm12-single-sco";

fn with_manifest(bytes: Vec<u8>, name: &str) -> Vec<File> {
    let mut files: Vec<File> = fixture::files(BASE)
        .into_iter()
        .filter(|(p, _)| p != "imsmanifest.xml")
        .collect();
    files.push((name.to_owned(), bytes));
    files
}

fn manifest_text() -> String {
    String::from_utf8(fixture::file(BASE, "imsmanifest.xml")).expect("UTF-8")
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

/// Written by a streaming writer: sizes and CRCs in data descriptors after each entry.
fn streamed_zip(files: &[File]) -> Vec<u8> {
    let mut zip = ZipWriter::new_stream(Vec::new());
    for (path, bytes) in files {
        zip.start_file(
            path.as_str(),
            SimpleFileOptions::default().compression_method(CompressionMethod::Deflated),
        )
        .expect("entry");
        zip.write_all(bytes).expect("data");
    }
    zip.finish().expect("finish").into_inner()
}

/// Every entry with zip64 extra fields.
fn zip64(files: &[File]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (path, bytes) in files {
        zip.start_file(path.as_str(), SimpleFileOptions::default().large_file(true))
            .expect("entry");
        zip.write_all(bytes).expect("data");
    }
    zip.finish().expect("finish").into_inner()
}

/// Finder's "Compress": AppleDouble files under `__MACOSX/` and a `.DS_Store`.
fn with_macos_junk() -> Vec<File> {
    let mut files = fixture::files(BASE);
    let mut apple_double = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ".to_vec();
    apple_double.extend_from_slice(&pseudo_random(60, 3));
    files.push(("__MACOSX/._index.html".to_owned(), apple_double.clone()));
    files.push(("__MACOSX/css/._course.css".to_owned(), apple_double));
    let mut ds_store = b"\x00\x00\x00\x01Bud1".to_vec();
    ds_store.extend_from_slice(&pseudo_random(200, 4));
    files.push((".DS_Store".to_owned(), ds_store));
    files
}

fn dot_slash() -> Vec<File> {
    fixture::files(BASE)
        .into_iter()
        .map(|(p, b)| (format!("./{p}"), b))
        .collect()
}

/// The general-purpose flags and the first extra field id of the first local header.
fn first_header(zip: &[u8]) -> (u16, Option<u16>) {
    let u16_at = |i: usize| u16::from_le_bytes([zip[i], zip[i + 1]]);
    let (name_len, extra_len) = (usize::from(u16_at(26)), u16_at(28));
    (u16_at(6), (extra_len >= 4).then(|| u16_at(30 + name_len)))
}

#[test]
fn the_quirky_zips_are_what_they_claim_to_be() {
    let (flags, _) = first_header(&streamed_zip(&fixture::files(BASE)));
    assert_eq!(flags & 8, 8, "data descriptor flag");
    let (_, extra) = first_header(&zip64(&fixture::files(BASE)));
    assert_eq!(extra, Some(1), "zip64 extended information extra field");
    let (flags, _) = first_header(&fixture::package(BASE));
    assert_eq!(flags & 8, 0, "the plain fixtures have sizes in the headers");
}

#[tokio::test]
async fn real_world_zips_and_manifests_import_as_the_same_course() {
    let env = Env::start().await;
    let crlf = manifest_text().replace('\n', "\r\n").into_bytes();
    let utf16 = utf16le_with_bom(&manifest_text().replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\""));
    let variants: Vec<(&str, Vec<u8>)> = vec![
        ("CRLF manifest", fixture::zip(&with_manifest(crlf, "imsmanifest.xml"))),
        (
            "UTF-16LE manifest with a BOM",
            fixture::zip(&with_manifest(utf16, "imsmanifest.xml")),
        ),
        (
            "upper-case manifest name",
            fixture::zip(&with_manifest(manifest_text().into_bytes(), "IMSMANIFEST.XML")),
        ),
        (
            "streamed zip with data descriptors",
            streamed_zip(&fixture::files(BASE)),
        ),
        ("zip64 records", zip64(&fixture::files(BASE))),
        ("macOS junk", fixture::zip(&with_macos_junk())),
        ("./ before every name", streamed_zip(&dot_slash())),
    ];
    for (what, zip) in variants {
        let resp = env.upload(&zip).await;
        assert_eq!(resp.status.as_u16(), 201, "{what}: {}", resp.text());
        let v = resp.json();
        assert_eq!(
            (&v["kind"], &v["title"]),
            (&json!("scorm12"), &json!("Fire Extinguisher Basics")),
            "{what}"
        );
        assert_eq!(
            v["launchables"],
            json!([{"id": "ITEM-FIRE", "title": "Fire Extinguisher Basics", "href": "index.html"}]),
            "{what}"
        );
        let l = env
            .launch(
                str_of(&v, "packageId"),
                json!({"learner": "ann", "version": v["version"]}),
            )
            .await;
        let page = env.fetch(str_of(&l, "url")).await.expect(200);
        assert_eq!(
            page.body.as_ref(),
            fixture::file(BASE, "index.html").as_slice(),
            "{what}"
        );
    }
}

#[tokio::test]
async fn other_zip_content_types_and_a_missing_one_are_accepted() {
    let env = Env::start().await;
    let zip = fixture::package("tincan-two-activities");
    for content_type in [
        "application/x-zip-compressed",
        "application/octet-stream",
        "Application/Zip",
    ] {
        let r = env
            .app
            .post("/api/v1/packages")
            .auth(&env.admin)
            .body(content_type, zip.clone())
            .send()
            .await;
        assert_eq!(r.status.as_u16(), 201, "{content_type}: {}", r.text());
    }
    let r = env
        .app
        .post("/api/v1/packages")
        .auth(&env.admin)
        .raw_body(zip)
        .send()
        .await
        .expect(201);
    assert_eq!(r.json()["version"], 4);
}

#[tokio::test]
async fn concurrent_uploads_of_one_course_become_distinct_versions() {
    let env = Env::start().await;
    let zip = fixture::package("scorm12-multi-sco");
    let uploads = (0..4).map(|_| env.upload(&zip));
    let answers = futures_util::future::join_all(uploads).await;
    let mut versions: Vec<u64> = answers
        .into_iter()
        .map(|r| r.expect(201).json()["version"].as_u64().expect("version"))
        .collect();
    versions.sort_unstable();
    assert_eq!(versions, vec![1, 2, 3, 4]);
    let files = fixture::files("scorm12-multi-sco");
    let blobs: std::collections::BTreeSet<String> = kiroku::blob::BlobStore::list(&env.app.blobs)
        .await
        .expect("list")
        .into_iter()
        .collect();
    assert_eq!(blobs, fixture::hashes(&files));
    let storage = env.get_api("/api/v1/storage").await.expect(200).json();
    assert_eq!(
        storage["bytes"],
        json!(fixture::distinct_bytes(&files)),
        "four versions of the same files count once"
    );
    assert!(
        entries_under(&env.app.data_dir().join("work")).is_empty(),
        "no spool or staging files left"
    );
}

fn cmi5_course(aus: usize) -> Vec<File> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<courseStructure xmlns=\"https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd\">\n  <course id=\"https://kiroku.example/big\"><title><langstring lang=\"en\">Big course</langstring></title><description><langstring lang=\"ja\">大きな講座</langstring></description></course>\n",
    );
    let mut files = Vec::new();
    for block in 0..aus / 100 {
        xml.push_str(&format!("  <block id=\"https://kiroku.example/big/b{block}\"><title><langstring lang=\"en\">Block {block}</langstring></title><description><langstring lang=\"en\">Block {block}</langstring></description>\n"));
        for i in block * 100..(block + 1) * 100 {
            xml.push_str(&format!(
                "    <au id=\"https://kiroku.example/big/au{i}\" moveOn=\"Completed\"><title><langstring lang=\"en\">AU {i}</langstring><langstring lang=\"ja\">第{i}課</langstring></title><description><langstring lang=\"en\">AU {i}</langstring></description><url>au{i}/index.html</url></au>\n"
            ));
            files.push((
                format!("au{i}/index.html"),
                format!("<!DOCTYPE html><title>AU {i}</title><p>{i}</p>\n").into_bytes(),
            ));
        }
        xml.push_str("  </block>\n");
    }
    xml.push_str("</courseStructure>\n");
    files.push(("cmi5.xml".to_owned(), xml.into_bytes()));
    files
}

#[tokio::test]
async fn a_cmi5_course_of_1200_aus_in_a_zip64_archive_imports() {
    let env = Env::start().await;
    let files = cmi5_course(1200);
    let started = std::time::Instant::now();
    let v = env.import(&zip64(&files)).await;
    let took = started.elapsed();
    // Measured well under a second (debug build); the bound leaves room for a busy machine.
    assert!(took < std::time::Duration::from_secs(20), "import took {took:?}");
    assert_eq!(
        (&v["kind"], &v["title"], &v["fileCount"]),
        (&json!("cmi5"), &json!("Big course"), &json!(1201))
    );
    let launchables = v["launchables"].as_array().expect("launchables");
    assert_eq!(launchables.len(), 1200);
    assert_eq!(launchables[1199]["href"], "au1199/index.html");
    let l = env
        .launch(
            str_of(&v, "packageId"),
            json!({"learner": "ann", "item": "https://kiroku.example/big/au1199"}),
        )
        .await;
    let au = crate::cmi5_launch::open_link(&env, str_of(&l, "url")).await;
    let page = env.fetch(&au).await.expect(200);
    assert!(page.text().contains("<p>1199</p>"));
}

/// `tar -a -cf course.zip .` with bsdtar (the `tar` of Windows 10+ and macOS) writes a
/// "./" entry for the folder itself, then "./index.html", "./css/"… (checked with
/// libarchive-tools 3.6). intake refuses the "./" entry as an unsafe path ("empty name"),
/// though it names the package root and nothing outside it.
#[tokio::test]
async fn a_zip_made_by_bsdtar_imports() {
    let env = Env::start().await;
    let zip = fixture::zip(&dot_slash());
    let names: Vec<String> = zip::ZipArchive::new(Cursor::new(zip.clone()))
        .expect("zip")
        .file_names()
        .map(|n| n.expect("name").into_owned())
        .collect();
    assert!(names.contains(&"./".to_owned()), "{names:?}");
    let resp = env.upload(&zip).await;
    assert_eq!(resp.status.as_u16(), 201, "{}", resp.text());
}

#[tokio::test]
async fn launch_urls_keep_the_query_and_the_fragment() {
    let env = Env::start().await;
    let pkg = env.import_fixture("scorm2004-quirks").await;
    let id = pkg["packageId"].as_str().expect("package id");
    let l = env
        .launch(id, serde_json::json!({"learner": "ann", "item": "ITEM-PLAYER"}))
        .await;
    let url = l["url"].as_str().expect("launch url");
    assert!(url.ends_with("/export/player/index.html?lang=en&slide=1#top"), "{url}");
    let page = url.split('#').next().unwrap_or(url);
    let resp = env.app.request(axum::http::Method::GET, page).send().await;
    assert_eq!(resp.status.as_u16(), 200, "the page without its fragment is served");
}
