//! Manifest → course model cases as data, in `conformance/manifests/`:
//!
//! - `<case>.xml`: the manifest. Parsed as `cmi5.xml` when the case name contains
//!   "cmi5", as `tincan.xml` when it contains "tincan", else as `imsmanifest.xml`;
//! - `<case>.path` (optional): the manifest's path in the package instead, e.g.
//!   `course/imsmanifest.xml`;
//! - `<case>.expected.json`: the course as served, or
//!   `{"error": {"rule", "file", "line", "column", "message"}}`.
//!
//! `KIROKU_UPDATE_EXPECT=1 cargo nextest run --lib package` rewrites the expected files;
//! review the diff by eye before keeping it.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{ManifestFile, parse};
use crate::package::model::Course;
use crate::package::{PackageError, PackageLimits};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance/manifests")
}

fn case_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(cases_dir())
        .expect("conformance/manifests exists")
        .map(|entry| {
            entry
                .expect("readable entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter_map(|name| name.strip_suffix(".xml").map(str::to_owned))
        .collect();
    names.sort();
    names
}

/// The manifest path a case is parsed as.
fn manifest_path(case: &str) -> String {
    if let Ok(path) = fs::read_to_string(cases_dir().join(format!("{case}.path"))) {
        return path.trim().to_owned();
    }
    let file = if case.contains("cmi5") {
        ManifestFile::Cmi5
    } else if case.contains("tincan") {
        ManifestFile::Tincan
    } else {
        ManifestFile::Scorm
    };
    file.file_name().to_owned()
}

fn run_case(case: &str) -> Result<Course, PackageError> {
    let xml = fs::read(cases_dir().join(format!("{case}.xml"))).expect("case file");
    let path = manifest_path(case);
    let file_name = path.rsplit('/').next().unwrap_or(&path);
    let file = ManifestFile::from_file_name(file_name).expect("a manifest file name");
    parse(file, &path, &xml, &PackageLimits::default())
}

fn error_json(err: &PackageError) -> Value {
    let mut error = json!({ "rule": err.rule(), "message": err.to_string() });
    if let Some(file) = err.file() {
        error["file"] = json!(file);
    }
    if let Some(pos) = err.position() {
        error["line"] = json!(pos.line);
        error["column"] = json!(pos.column);
    }
    json!({ "error": error })
}

fn outcome_json(outcome: &Result<Course, PackageError>) -> Value {
    match outcome {
        Ok(course) => serde_json::to_value(course).expect("the course serializes"),
        Err(err) => error_json(err),
    }
}

#[test]
fn conformance_cases() {
    let update = std::env::var("KIROKU_UPDATE_EXPECT").is_ok_and(|v| v == "1");
    let names = case_names();
    assert!(
        names.len() >= 30,
        "expected the whole table of cases, found {}",
        names.len()
    );
    let mut failures = Vec::new();
    for case in &names {
        let outcome = run_case(case);
        let actual = outcome_json(&outcome);
        let expected_path = cases_dir().join(format!("{case}.expected.json"));
        if update {
            // Courses in field order (a `Value` would sort the keys), easier to review.
            let text = match &outcome {
                Ok(course) => serde_json::to_string_pretty(course),
                Err(_) => serde_json::to_string_pretty(&actual),
            };
            fs::write(&expected_path, text.expect("json") + "\n").expect("write expected file");
            continue;
        }
        let expected: Value = match fs::read_to_string(&expected_path) {
            Ok(text) => serde_json::from_str(&text).expect("expected file is JSON"),
            Err(_) => Value::Null,
        };
        if actual != expected {
            let actual = serde_json::to_string_pretty(&actual).expect("json");
            failures.push(format!("--- {case}: got\n{actual}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ (KIROKU_UPDATE_EXPECT=1 to rewrite):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_expected_file_has_a_case() {
    let names = case_names();
    for entry in fs::read_dir(cases_dir()).expect("dir") {
        let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
        let case = name
            .strip_suffix(".expected.json")
            .or_else(|| name.strip_suffix(".path"));
        if let Some(case) = case {
            assert!(names.iter().any(|n| n == case), "{name} has no {case}.xml");
        }
    }
}

#[test]
fn parsed_courses_round_trip_through_json() {
    for case in case_names() {
        if let Ok(course) = run_case(&case) {
            let json = serde_json::to_string(&course).expect("serializes");
            let back: Course = serde_json::from_str(&json).unwrap_or_else(|err| panic!("{case}: {err}"));
            assert_eq!(back, course, "{case}");
        }
    }
}

#[test]
fn launchables_carry_ids_titles_and_hrefs() {
    let course = run_case("scorm12-multi-sco").expect("parses");
    let ids: Vec<String> = course.launchables().into_iter().map(|l| l.id).collect();
    assert_eq!(
        ids,
        [
            "ITEM-INTRO",
            "ITEM-LESSON-1",
            "ITEM-LESSON-2",
            "ITEM-GLOSSARY",
            "ITEM-TEST"
        ]
    );
    let multi = run_case("scorm2004-multiple-organizations").expect("parses");
    assert_eq!(multi.launchables().len(), 1);
    assert_eq!(multi.all_launchables().len(), 3);
}

#[test]
fn oversized_xml_is_refused_before_parsing() {
    let limits = PackageLimits {
        max_xml_bytes: 10,
        ..PackageLimits::default()
    };
    let err = parse(
        ManifestFile::Scorm,
        "imsmanifest.xml",
        b"<manifest identifier='x'/>",
        &limits,
    );
    assert_eq!(
        err,
        Err(PackageError::XmlTooLarge {
            file: "imsmanifest.xml".to_owned(),
            limit: 10
        })
    );
}

#[test]
fn utf16_manifests_with_a_bom_are_read() {
    let xml = "<tincan><activities><activity id='urn:a'><launch>a.html</launch></activity></activities></tincan>";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
    let course = parse(ManifestFile::Tincan, "tincan.xml", &bytes, &PackageLimits::default()).expect("parses");
    assert_eq!(course.identifier, "urn:a");
}

#[test]
fn manifest_file_names_are_case_insensitive() {
    assert_eq!(
        ManifestFile::from_file_name("IMSManifest.XML"),
        Some(ManifestFile::Scorm)
    );
    assert_eq!(ManifestFile::from_file_name("cmi5.xml"), Some(ManifestFile::Cmi5));
    assert_eq!(ManifestFile::from_file_name("TinCan.xml"), Some(ManifestFile::Tincan));
    assert_eq!(ManifestFile::from_file_name("manifest.xml"), None);
    for file in ManifestFile::ALL {
        assert_eq!(ManifestFile::from_file_name(file.file_name()), Some(file));
    }
}

#[test]
fn depth_limit_is_configurable() {
    let limits = PackageLimits {
        max_xml_depth: 3,
        ..PackageLimits::default()
    };
    let xml = b"<tincan>\n<activities>\n<activity id='a'>\n  <launch>a.html</launch></activity></activities></tincan>";
    let err = parse(ManifestFile::Tincan, "tincan.xml", xml, &limits).expect_err("too deep");
    assert_eq!(err.rule(), "xml_too_deep");
    assert_eq!(err.position().map(|p| (p.line, p.column)), Some((4, 3)));
}

#[test]
fn element_count_is_capped() {
    let limits = PackageLimits::default();
    let cap = super::max_xml_elements(&limits);
    let mut xml = String::from("<tincan>\n");
    for _ in 1..cap {
        xml.push_str("<a/>");
    }
    xml.push_str("\n<one-too-many/></tincan>");
    let err = parse(ManifestFile::Tincan, "tincan.xml", xml.as_bytes(), &limits).expect_err("too many");
    assert_eq!(err.rule(), "xml_too_many_elements");
    assert_eq!(err.position().map(|p| (p.line, p.column)), Some((3, 1)));
}
