//! Every course-structure rule of the cmi5 specification as a table: a valid course with
//! one change → the rule refused and the line it names; and what a valid course keeps.

use super::{ManifestFile, parse, parse_bare_cmi5};
use crate::package::model::{Cmi5Node, Structure};
use crate::package::{PackageError, PackageLimits};

/// A valid course: line 3 the course, 6 the objective, 9 the block, 12 the AU, 14 its url.
const VALID: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.com/c"><title><langstring lang="ja-JP">火山入門</langstring><langstring lang="en-US">Volcanoes</langstring></title><description><langstring lang="ja-JP">説明</langstring></description></course>
  <objectives>
    <!-- objective -->
    <objective id="https://example.com/o"><title><langstring lang="en">O</langstring></title><description><langstring lang="en">O</langstring></description></objective>
  </objectives>
  <!-- block -->
  <block id="https://example.com/b"><title><langstring lang="en">B</langstring></title><description><langstring lang="en"/></description>
    <objectives><objective idref="https://example.com/o"/></objectives>
    <!-- au -->
    <au id="https://example.com/au" moveOn="Passed" masteryScore="0.85" launchMethod="OwnWindow" activityType="http://adlnet.gov/expapi/activities/media">
      <title><langstring lang="en">AU</langstring><langstring lang="ja">単元</langstring></title><description><langstring lang="en">D</langstring></description>
      <url>https://cdn.example.com/au/index.html?lang=ja</url>
      <launchParameters>Start=1</launchParameters><entitlementKey>k-1</entitlementKey>
    </au>
  </block>
</courseStructure>
"#;

fn zipped(xml: &str) -> Result<crate::package::model::Course, PackageError> {
    parse(
        ManifestFile::Cmi5,
        "cmi5.xml",
        xml.as_bytes(),
        &PackageLimits::default(),
    )
}

/// (case, replace this, with this, expected rule, expected line)
const CASES: &[(&str, &str, &str, &str, u64)] = &[
    (
        "no course",
        r#"<course id="https://example.com/c">"#,
        "<x>",
        "cmi5_course",
        2,
    ),
    (
        "two courses",
        "  <objectives>",
        "  <course id=\"https://example.com/c2\"/><objectives>",
        "cmi5_course",
        4,
    ),
    (
        "course id missing",
        r#"<course id="https://example.com/c">"#,
        "<course>",
        "cmi5_missing_id",
        3,
    ),
    (
        "course id relative",
        r#"<course id="https://example.com/c">"#,
        r#"<course id="c">"#,
        "cmi5_id_not_iri",
        3,
    ),
    (
        "au id with a space",
        r#"id="https://example.com/au""#,
        r#"id="https://example.com/a u""#,
        "cmi5_id_not_iri",
        12,
    ),
    (
        "au id = block id",
        r#"id="https://example.com/au""#,
        r#"id="https://example.com/b""#,
        "cmi5_duplicate_id",
        12,
    ),
    (
        "block id = course id",
        r#"<block id="https://example.com/b">"#,
        r#"<block id="https://example.com/c">"#,
        "cmi5_duplicate_id",
        9,
    ),
    (
        "objective id = au id",
        r#"<objective id="https://example.com/o">"#,
        r#"<objective id="https://example.com/c">"#,
        "cmi5_duplicate_id",
        6,
    ),
    (
        "course without title",
        "<title><langstring lang=\"ja-JP\">火山入門</langstring><langstring lang=\"en-US\">Volcanoes</langstring></title>",
        "",
        "cmi5_missing_title",
        3,
    ),
    (
        "title without langstring",
        "<title><langstring lang=\"en\">B</langstring></title>",
        "<title/>",
        "cmi5_missing_title",
        9,
    ),
    (
        "course without description",
        "<description><langstring lang=\"ja-JP\">説明</langstring></description>",
        "",
        "cmi5_missing_description",
        3,
    ),
    (
        "objective without description",
        "<description><langstring lang=\"en\">O</langstring></description></objective>",
        "</objective>",
        "cmi5_missing_description",
        6,
    ),
    (
        "au without description",
        "<description><langstring lang=\"en\">D</langstring></description>",
        "",
        "cmi5_missing_description",
        12,
    ),
    (
        "masteryScore over 1",
        r#"masteryScore="0.85""#,
        r#"masteryScore="85""#,
        "cmi5_mastery_score",
        12,
    ),
    (
        "masteryScore negative",
        r#"masteryScore="0.85""#,
        r#"masteryScore="-0.1""#,
        "cmi5_mastery_score",
        12,
    ),
    (
        "masteryScore with exponent",
        r#"masteryScore="0.85""#,
        r#"masteryScore="1e-1""#,
        "cmi5_mastery_score",
        12,
    ),
    (
        "masteryScore NaN",
        r#"masteryScore="0.85""#,
        r#"masteryScore="NaN""#,
        "cmi5_mastery_score",
        12,
    ),
    (
        "moveOn unknown",
        r#"moveOn="Passed""#,
        r#"moveOn="Viewed""#,
        "cmi5_move_on",
        12,
    ),
    (
        "launchMethod unknown",
        r#"launchMethod="OwnWindow""#,
        r#"launchMethod="NewWindow""#,
        "cmi5_launch_method",
        12,
    ),
    (
        "activityType relative",
        r#"activityType="http://adlnet.gov/expapi/activities/media""#,
        r#"activityType="media""#,
        "cmi5_activity_type",
        12,
    ),
    (
        "au without url",
        "<url>https://cdn.example.com/au/index.html?lang=ja</url>",
        "",
        "cmi5_missing_url",
        12,
    ),
    (
        "empty url",
        "<url>https://cdn.example.com/au/index.html?lang=ja</url>",
        "<url> </url>",
        "cmi5_missing_url",
        14,
    ),
    (
        "url out of the package",
        "<url>https://cdn.example.com/au/index.html?lang=ja</url>",
        "<url>../x.html</url>",
        "cmi5_bad_url",
        14,
    ),
    (
        "url with endpoint",
        "?lang=ja</url>",
        "?lang=ja&amp;endpoint=x</url>",
        "cmi5_reserved_parameter",
        14,
    ),
    (
        "relative url with activityId",
        "<url>https://cdn.example.com/au/index.html?lang=ja</url>",
        "<url>a.html?activityId=1</url>",
        "cmi5_reserved_parameter",
        14,
    ),
    (
        "dangling objective",
        r#"idref="https://example.com/o""#,
        r#"idref="https://example.com/nope""#,
        "cmi5_unknown_objective",
        10,
    ),
    (
        "idref not an IRI",
        r#"idref="https://example.com/o""#,
        r#"idref="o""#,
        "cmi5_id_not_iri",
        10,
    ),
    (
        "empty block",
        "  <block id=\"https://example.com/b\">",
        "  <block id=\"https://example.com/e\"><title><langstring>E</langstring></title><description><langstring>E</langstring></description></block>\n  <block id=\"https://example.com/b\">",
        "cmi5_empty_block",
        9,
    ),
    ("no AU or block", "  <!-- block -->", "", "cmi5_empty_course", 2),
];

#[test]
fn every_invalid_structure_is_refused_with_its_rule_and_line() {
    assert!(zipped(VALID).is_ok(), "{:?}", zipped(VALID).err());
    let mut failures = Vec::new();
    for (case, from, to, rule, line) in CASES {
        assert!(VALID.contains(from), "{case}: the base course has no {from:?}");
        let xml = match *case {
            "no course" => VALID.replacen(from, to, 1).replace("</course>", "</x>"),
            "no AU or block" => VALID.split(from).next().unwrap_or_default().to_owned() + "</courseStructure>\n",
            _ => VALID.replacen(from, to, 1),
        };
        match zipped(&xml) {
            Err(e)
                if e.rule() == *rule && e.position().map(|p| p.line) == Some(*line) && e.file() == Some("cmi5.xml") => {
            }
            other => failures.push(format!("{case}: want {rule} at line {line}, got {other:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_course_keeps_every_language_and_every_au_attribute() {
    let course = zipped(VALID).expect("valid");
    assert_eq!(course.title, "Volcanoes");
    assert_eq!(course.description.as_deref(), Some("説明"));
    let Structure::Cmi5(s) = &course.structure else {
        panic!("cmi5")
    };
    assert_eq!(s.titles.get("ja-JP").map(String::as_str), Some("火山入門"));
    assert_eq!(s.descriptions.len(), 1);
    let Some(Cmi5Node::Block(block)) = s.children.first() else {
        panic!("a block")
    };
    assert_eq!(block.descriptions.get("en").map(String::as_str), Some(""));
    let au = s.aus().into_iter().next().expect("an AU");
    assert_eq!(au.titles.get("ja").map(String::as_str), Some("単元"));
    let json = serde_json::to_value(au).expect("serializes");
    assert_eq!(json["moveOn"], "Passed");
    assert_eq!(json["masteryScore"], 0.85);
    assert_eq!(json["launchMethod"], "OwnWindow");
    assert_eq!(json["launchParameters"], "Start=1");
    assert_eq!(json["entitlementKey"], "k-1");
    assert_eq!(json["activityType"], "http://adlnet.gov/expapi/activities/media");
    assert_eq!(json["url"], "https://cdn.example.com/au/index.html?lang=ja");
}

#[test]
fn a_bare_course_structure_needs_absolute_urls() {
    let limits = PackageLimits::default();
    assert!(parse_bare_cmi5(VALID.as_bytes(), &limits).is_ok());
    let relative = VALID.replace("https://cdn.example.com/au/index.html", "au/index.html");
    assert!(zipped(&relative).is_ok());
    let err = parse_bare_cmi5(relative.as_bytes(), &limits).expect_err("relative url refused");
    assert_eq!(
        (err.rule(), err.position().map(|p| p.line)),
        ("cmi5_relative_url_without_package", Some(14))
    );
}
