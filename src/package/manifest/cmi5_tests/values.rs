//! The AU's attribute values and the langstrings' languages: `masteryScore` as the XSD's
//! decimal with the specification's 4 places, vocabularies exactly as the XSD spells
//! them, `activityType` an IRI, `lang` a language tag, one string per language.

use super::{Case, VALID, refusals, refused, zipped};
use crate::package::model::Structure;

const CASES: &[Case] = &[
    (
        "masteryScore after an ideographic space",
        r#"masteryScore="0.85""#,
        "masteryScore=\"\u{3000}0.85\"",
        "cmi5_mastery_score",
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
        "masteryScore with 5 decimal places",
        r#"masteryScore="0.85""#,
        r#"masteryScore="0.12345""#,
        "cmi5_mastery_score",
        12,
    ),
    (
        "masteryScore a hair above 1",
        r#"masteryScore="0.85""#,
        r#"masteryScore="1.00000000000000000001""#,
        "cmi5_mastery_score",
        12,
    ),
    (
        "masteryScore empty",
        r#"masteryScore="0.85""#,
        r#"masteryScore="""#,
        "cmi5_mastery_score",
        12,
    ),
    (
        "masteryScore a sign only",
        r#"masteryScore="0.85""#,
        r#"masteryScore="-""#,
        "cmi5_mastery_score",
        12,
    ),
    (
        "masteryScore in other digits",
        r#"masteryScore="0.85""#,
        r#"masteryScore="０.５""#,
        "cmi5_mastery_score",
        12,
    ),
    (
        "moveOn in lower case",
        r#"moveOn="Passed""#,
        r#"moveOn="passed""#,
        "cmi5_move_on",
        12,
    ),
    (
        "moveOn with whitespace",
        r#"moveOn="Passed""#,
        r#"moveOn=" Passed""#,
        "cmi5_move_on",
        12,
    ),
    ("moveOn empty", r#"moveOn="Passed""#, r#"moveOn="""#, "cmi5_move_on", 12),
    (
        "launchMethod in lower case",
        r#"launchMethod="OwnWindow""#,
        r#"launchMethod="ownwindow""#,
        "cmi5_launch_method",
        12,
    ),
    (
        "launchMethod with a tab",
        r#"launchMethod="OwnWindow""#,
        r#"launchMethod="OwnWindow&#9;""#,
        "cmi5_launch_method",
        12,
    ),
    (
        "activityType empty",
        r#"activityType="http://adlnet.gov/expapi/activities/media""#,
        r#"activityType=" ""#,
        "cmi5_activity_type",
        12,
    ),
    (
        "activityType with a space",
        r#"activityType="http://adlnet.gov/expapi/activities/media""#,
        r#"activityType="http://adlnet.gov/expapi/activities/a media""#,
        "cmi5_activity_type",
        12,
    ),
    (
        "lang not a tag",
        r#"<langstring lang="ja">単元"#,
        r#"<langstring lang="日本語">単元"#,
        "cmi5_language",
        13,
    ),
    (
        "lang with an underscore",
        r#"<langstring lang="ja">単元"#,
        r#"<langstring lang="ja_JP">単元"#,
        "cmi5_language",
        13,
    ),
    (
        "lang empty",
        r#"<langstring lang="ja">単元"#,
        r#"<langstring lang="">単元"#,
        "cmi5_language",
        13,
    ),
    (
        "lang subtag too long",
        r#"<langstring lang="ja">単元"#,
        r#"<langstring lang="ja-abcdefghi">単元"#,
        "cmi5_language",
        13,
    ),
    (
        "xml:lang not a tag",
        r#"<langstring lang="ja">単元"#,
        r#"<langstring xml:lang="ja JP">単元"#,
        "cmi5_language",
        13,
    ),
    (
        "one language twice",
        r#"<langstring lang="ja">単元"#,
        r#"<langstring lang="EN">単元"#,
        "cmi5_duplicate_language",
        13,
    ),
    (
        "two langstrings without lang",
        r#"<description><langstring lang="ja-JP">説明</langstring>"#,
        "<description><langstring>説明</langstring><langstring>😀</langstring>",
        "cmi5_duplicate_language",
        3,
    ),
];

#[test]
fn every_invalid_value_is_refused_with_its_rule_and_line() {
    let failures = refusals(CASES);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Values the XSD accepts: whitespace its types collapse, every decimal spelling.
const ACCEPTED: &[(&str, &str, &str)] = &[
    (
        "masteryScore 1.0000",
        r#"masteryScore="0.85""#,
        r#"masteryScore="1.0000""#,
    ),
    ("masteryScore -0", r#"masteryScore="0.85""#, r#"masteryScore="-0""#),
    (
        "masteryScore .5 with spaces",
        r#"masteryScore="0.85""#,
        r#"masteryScore=" .5 ""#,
    ),
    (
        "masteryScore +0.12340",
        r#"masteryScore="0.85""#,
        r#"masteryScore="+0.12340""#,
    ),
    (
        "id with surrounding spaces",
        r#"id="https://example.com/au""#,
        r#"id=" https://example.com/au ""#,
    ),
    (
        "lang with spaces",
        r#"<langstring lang="ja">"#,
        r#"<langstring lang=" ja-Jpan-JP ">"#,
    ),
    (
        "xml:lang alone",
        r#"<langstring lang="ja">"#,
        r#"<langstring xml:lang="ja">"#,
    ),
    (
        "private-use lang",
        r#"<langstring lang="ja">"#,
        r#"<langstring lang="x-klingon">"#,
    ),
];

#[test]
fn values_the_xsd_accepts_are_kept() {
    let failures = refused(ACCEPTED);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let score = |v: &str| {
        let course = zipped(&VALID.replacen("0.85", v, 1)).expect("valid");
        let Structure::Cmi5(s) = &course.structure else {
            panic!("cmi5")
        };
        s.aus().first().and_then(|au| au.mastery_score)
    };
    assert_eq!(score("1.0000"), Some(1.0));
    assert_eq!(
        score("-0").map(f64::to_bits),
        Some(0.0f64.to_bits()),
        "-0 is stored as 0"
    );
    assert_eq!(score(".5"), Some(0.5));
    assert_eq!(score("0.0001"), Some(0.0001));
}
