//! Every course-structure rule of the cmi5 specification as a table: a valid course with
//! one change → the rule refused and the line it names; and what a valid course keeps.
//! The tables: `rules` the specification's own rules, `values` attribute values and
//! languages, `structure` the XSD's content models, `extensions` what the XSD allows.

mod extensions;
mod rules;
mod structure;
mod values;

use super::{ManifestFile, parse, parse_bare_cmi5};
use crate::package::model::{Cmi5Node, Course, Structure};
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

fn zipped(xml: &str) -> Result<Course, PackageError> {
    parse(
        ManifestFile::Cmi5,
        "cmi5.xml",
        xml.as_bytes(),
        &PackageLimits::default(),
    )
}

/// (case, replace this, with this, expected rule, expected line)
type Case = (&'static str, &'static str, &'static str, &'static str, u64);

/// Each case's change made to [`VALID`] once: the refusals that differ from the case's.
fn refusals(cases: &[Case]) -> Vec<String> {
    let mut failures = Vec::new();
    for (case, from, to, rule, line) in cases {
        if !VALID.contains(from) {
            failures.push(format!("{case}: the base course has no {from:?}"));
            continue;
        }
        let xml = match *case {
            "no course" => VALID
                .lines()
                .filter(|l| !l.starts_with(from))
                .collect::<Vec<_>>()
                .join("\n"),
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
    failures
}

/// Each change made to [`VALID`] once: the ones refused.
fn refused(cases: &[(&str, &str, &str)]) -> Vec<String> {
    let mut failures = Vec::new();
    for (case, from, to) in cases {
        assert!(VALID.contains(from), "{case}: the base course has no {from:?}");
        if let Err(e) = zipped(&VALID.replacen(from, to, 1)) {
            failures.push(format!("{case}: {e}"));
        }
    }
    failures
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
