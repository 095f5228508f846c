//! Property tests of the cmi5 course-structure parser: whatever is done to a real
//! `cmi5.xml` (bytes cut and inserted anywhere, attribute values and texts replaced,
//! lines swapped or repeated), with Japanese, emoji, combining marks and other
//! multi-byte text, `cmi5.xml` in a zip and a bare one are parsed or refused with a
//! position inside the file, and never panic. What is accepted serializes.

use proptest::prelude::*;

use kiroku::package::PackageLimits;
use kiroku::package::manifest::{self, ManifestFile};

use crate::packages::fixture;

/// A course with every element and attribute, extensions, and multi-byte text.
const RICH: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
                 xmlns:kw="http://www.adlnet.gov/cmi5/KeywordExtension.xsd">
  <course id="https://example.com/火山">
    <title><langstring lang="ja-JP">火山入門 🌋</langstring><langstring lang="en">Volcanoes</langstring></title>
    <description><langstring lang="fr">Cafe&#x301; 👩‍🔬 のテスト</langstring></description>
  </course>
  <objectives>
    <objective id="https://example.com/目標">
      <description><langstring lang="en">Ｏ</langstring></description>
      <title><langstring>ｏ</langstring></title>
    </objective>
  </objectives>
  <block id="https://example.com/b">
    <title><langstring lang="en">B</langstring></title>
    <description><langstring lang="en"/></description>
    <objectives><objective idref="https://example.com/目標"/></objectives>
    <au id="https://example.com/au/1" moveOn="CompletedAndPassed" masteryScore="0.8" launchMethod="OwnWindow"
        activityType="http://adlnet.gov/expapi/activities/media">
      <title><langstring lang="ja">噴火</langstring><langstring lang="en">Eruptions</langstring></title>
      <description><langstring lang="ja">説明&#12441;</langstring></description>
      <url><![CDATA[ au/索引.html?q=日本 ]]></url>
      <launchParameters>{"level": "上級"}</launchParameters>
      <entitlementKey>鍵-1</entitlementKey>
      <kw:keyword idref="http://words.example/火山"/>
    </au>
  </block>
  <au id="https://example.com/au/2">
    <title><langstring lang="en">Two</langstring></title>
    <description><langstring lang="en">Two</langstring></description>
    <url>https://cdn.example.com/two.html</url>
  </au>
  <kw:keywords><kw:keyword id="http://words.example/火山"><kw:title/></kw:keyword></kw:keywords>
</courseStructure>
"#;

/// Text with Japanese, emoji (a ZWJ sequence, a flag), combining marks, right-to-left
/// script, XML's special characters and entity references.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-zA-Z0-9 ./:=?#&_-]{1,4}",
            Just("日本語".to_owned()),
            Just("👩‍🔬".to_owned()),
            Just("🇯🇵".to_owned()),
            Just("e\u{301}".to_owned()),
            Just("か\u{3099}".to_owned()),
            Just("שלום".to_owned()),
            Just("\u{3000}".to_owned()),
            Just("<".to_owned()),
            Just(">".to_owned()),
            Just("\"".to_owned()),
            Just("&amp;".to_owned()),
            Just("&#x1F30B;".to_owned()),
            Just("<![CDATA[".to_owned()),
            Just("<x:e xmlns:x=\"urn:x\"/>".to_owned()),
            Just("</au>".to_owned()),
        ],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

/// The base documents: [`RICH`], kiroku's multi-AU fixture and a conformance case.
fn base(which: usize) -> String {
    match which % 3 {
        0 => RICH.to_owned(),
        1 => String::from_utf8(fixture::file("cmi5-multi-au", "cmi5.xml")).expect("UTF-8"),
        _ => include_str!("../../conformance/manifests/cmi5-blocks.xml").to_owned(),
    }
}

/// The nearest character boundary at or before `at` (modulo the length).
fn boundary(s: &str, at: usize) -> usize {
    let mut at = at % (s.len() + 1);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Replaces the `n`th quoted attribute value or element text (between `>` and `<`).
fn replace_value(s: &str, n: usize, new: &str) -> String {
    let spans: Vec<(usize, usize)> = s
        .match_indices('"')
        .map(|(i, _)| i)
        .collect::<Vec<_>>()
        .chunks(2)
        .filter_map(|pair| match pair {
            [a, b] => Some((a + 1, *b)),
            _ => None,
        })
        .chain(s.match_indices('>').filter_map(|(i, _)| {
            let end = s.get(i + 1..)?.find('<')?;
            Some((i + 1, i + 1 + end))
        }))
        .collect();
    let Some((start, end)) = spans.get(n % spans.len().max(1)).copied() else {
        return s.to_owned();
    };
    [s.get(..start).unwrap_or(""), new, s.get(end..).unwrap_or("")].concat()
}

/// Parses `xml` both ways; checks a refusal's position is inside the file.
fn check(xml: &[u8]) -> Result<(), TestCaseError> {
    let lines = xml.split(|b| *b == b'\n').count() as u64;
    let limits = PackageLimits::default();
    for outcome in [
        manifest::parse(ManifestFile::Cmi5, "cmi5.xml", xml, &limits),
        manifest::parse_bare_cmi5(xml, &limits),
    ] {
        match outcome {
            Ok(course) => {
                prop_assert!(serde_json::to_string(&course).is_ok());
            }
            Err(err) => {
                prop_assert!(!err.to_string().is_empty());
                if let Some(pos) = err.position() {
                    prop_assert!(pos.line >= 1 && pos.line <= lines + 1, "{err}: {lines} lines");
                    prop_assert!(pos.column >= 1, "{err}");
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Bytes cut and inserted anywhere, even inside a multi-byte character.
    #[test]
    fn cmi5_bytes_cut_and_inserted_never_panic(which in 0usize..3, at in any::<usize>(), cut in 0usize..48, insert in text()) {
        let base = base(which).into_bytes();
        let at = at % (base.len() + 1);
        let end = (at + cut).min(base.len());
        let xml = [base.get(..at).unwrap_or_default(), insert.as_bytes(), base.get(end..).unwrap_or_default()].concat();
        check(&xml)?;
    }

    /// Text inserted at a character boundary, and an attribute value or element text
    /// replaced.
    #[test]
    fn cmi5_values_replaced_never_panic(which in 0usize..3, at in any::<usize>(), insert in text(), n in any::<usize>(), value in text()) {
        let base = base(which);
        let at = boundary(&base, at);
        let inserted = [base.get(..at).unwrap_or(""), &insert, base.get(at..).unwrap_or("")].concat();
        check(inserted.as_bytes())?;
        check(replace_value(&base, n, &value).as_bytes())?;
    }

    /// Lines swapped, repeated or dropped: elements out of order, twice, or missing.
    #[test]
    fn cmi5_lines_reordered_never_panic(which in 0usize..3, a in any::<usize>(), b in any::<usize>(), op in 0u8..3) {
        let base = base(which);
        let mut lines: Vec<&str> = base.lines().collect();
        let (a, b) = (a % lines.len(), b % lines.len());
        match op {
            0 => lines.swap(a, b),
            1 => lines.insert(b, lines.get(a).copied().unwrap_or_default()),
            _ => {
                lines.remove(a);
            }
        }
        check(lines.join("\n").as_bytes())?;
    }
}

#[test]
fn the_rich_course_is_valid() {
    let course = manifest::parse(
        ManifestFile::Cmi5,
        "cmi5.xml",
        RICH.as_bytes(),
        &PackageLimits::default(),
    );
    let course = course.expect("the base course imports");
    assert_eq!(course.title, "Volcanoes");
    assert_eq!(course.launchables().len(), 2);
}
