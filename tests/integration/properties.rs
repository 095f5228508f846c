//! Property tests of the parsers that take outside input: they never panic, on any text
//! (multi-byte characters at every offset: Japanese, emoji, combining marks), and what
//! they accept round-trips. `PROPTEST_CASES` raises the number of cases for a long run
//! outside CI (docs/fuzzing.md).

use proptest::prelude::*;
use serde_json::{Value, json};

use kiroku::lrs::XapiVersion;
use kiroku::lrs::formats::{is_duration, parse_timestamp, utc_timestamp};
use kiroku::lrs::validate::{Rules, validate_statement};
use kiroku::runtime::attempt::{Ending, apply_commit};
use kiroku::runtime::datamodel::{Data, Options, Version, check_get, check_set};
use kiroku::runtime::record::{Change, Subject, committed};

/// Text with ASCII, SCORM punctuation and multi-byte characters mixed at any offset.
fn text() -> impl Strategy<Value = String> {
    "[a-z0-9.:_\\-{}=\\[\\],\\. é日本語😀\u{301}\u{3000}]{0,24}"
}

/// Element names near the data model's: real prefixes, indexes and suffixes, and noise.
fn element() -> impl Strategy<Value = String> {
    let prefixes = prop_oneof![
        Just("cmi.interactions."),
        Just("cmi.objectives."),
        Just("cmi.score."),
        Just("cmi.core.score."),
        Just("cmi."),
        Just("cmi.core."),
        Just("adl.nav.request_valid.choice."),
        Just("adl.data."),
    ];
    let suffixes = prop_oneof![
        Just("id"),
        Just("type"),
        Just("learner_response"),
        Just("student_response"),
        Just("result"),
        Just("correct_responses.0.pattern"),
        Just("objectives.0.id"),
        Just("raw"),
        Just("min"),
        Just("max"),
        Just("scaled"),
        Just("completion_status"),
        Just("success_status"),
        Just("lesson_status"),
        Just("_count"),
        Just("description"),
    ];
    (prefixes, 0u8..3, suffixes, text()).prop_map(|(p, n, s, noise)| match n {
        0 => format!("{p}{s}"),
        1 => format!("{p}0.{s}"),
        _ => format!("{p}{noise}"),
    })
}

/// Values near the data model's types: numbers, vocabulary words, responses, noise.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("choice".to_owned()),
        Just("sequencing".to_owned()),
        Just("likert".to_owned()),
        Just("matching".to_owned()),
        Just("performance".to_owned()),
        Just("correct".to_owned()),
        Just("completed".to_owned()),
        Just("passed".to_owned()),
        (-300i32..300).prop_map(|n| n.to_string()),
        text(),
        (text(), text()).prop_map(|(a, b)| format!("{a}[,]{b}")),
        (text(), text()).prop_map(|(a, b)| format!("{a}[.]{b}")),
        text().prop_map(|t| format!("{{target={t}}}choice")),
        text().prop_map(|t| format!("urn:{t}")),
    ]
}

fn subject(version: Version) -> Subject {
    Subject {
        actor: json!({"objectType": "Agent", "account": {"homePage": "https://lms.example/t/acme", "name": "学習者"}}),
        registration: "6a5b0f3e-0e1c-4d9b-9a5e-3a6d1c2b7f10".into(),
        course_iri: "https://lms.example/t/acme/packages/p".into(),
        course_title: "コース".into(),
        sco_iri: "https://lms.example/t/acme/packages/p/items/sco".into(),
        sco_title: "SCO 😀".into(),
        attempt: 1,
        version,
    }
}

proptest! {
    /// SetValue and GetValue answer any name and value, with a SCORM code or success.
    #[test]
    fn datamodel_checks_never_panic(name in element(), value in value(), v12 in any::<bool>()) {
        let version = if v12 { Version::Scorm12 } else { Version::Scorm2004 };
        let data = Data::new();
        let _ = check_set(version, Options::default(), &data, &name, &value);
        let _ = check_get(version, &data, &name);
    }

    /// Whatever commit the data model accepts makes statements the LRS accepts: a commit
    /// is never acknowledged with statements that cannot be stored.
    #[test]
    fn every_accepted_commit_records_valid_statements(
        sets in prop::collection::vec((element(), value()), 0..12),
        v12 in any::<bool>(),
        terminate in any::<bool>(),
    ) {
        let version = if v12 { Version::Scorm12 } else { Version::Scorm2004 };
        let before = Data::new();
        // Keep the calls the data model accepts one by one (the bridge drops refused ones).
        let mut data = before.clone();
        for (name, value) in &sets {
            if let Ok(next) = apply_commit(version, Options::default(), &data, &[(name.clone(), value.clone())]) {
                data = next;
            }
        }
        let mut out: Vec<Value> = Vec::new();
        let change = Change { before: &before, after: &data, session_time: None, ending: terminate.then_some(Ending::Finished) };
        committed(&subject(version), 1, &mut out, &change);
        for st in &out {
            let checked = validate_statement(st, Rules { version: XapiVersion::V103 });
            prop_assert!(checked.is_ok(), "{:?}: {}", checked, st);
        }
    }

    /// Timestamps: any text is parsed or refused; what is accepted is stored in a UTC form
    /// that parses again to the same instant.
    #[test]
    fn timestamps_round_trip_through_their_stored_form(
        y in 0i32..10000, mo in 1u32..13, d in 1u32..29, h in 0u32..24, mi in 0u32..60, s in 0u32..60,
        frac in "[0-9]{0,9}", zone in prop_oneof![Just("Z".to_owned()), (0u32..24, 0u32..60, any::<bool>()).prop_map(|(h, m, neg)| format!("{}{h:02}:{m:02}", if neg { '-' } else { '+' }))],
        noise in text(),
    ) {
        let dot = if frac.is_empty() { String::new() } else { format!(".{frac}") };
        let ts = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{dot}{zone}");
        if let Some(t) = parse_timestamp(&ts, true) {
            let stored = utc_timestamp(&t);
            let again = parse_timestamp(&stored, true);
            prop_assert_eq!(again, Some(t), "{} -> {}", ts, stored);
        }
        let _ = parse_timestamp(&noise, false);
        let _ = parse_timestamp(&format!("{ts}{noise}"), false);
        let _ = is_duration(&noise);
        let _ = is_duration(&format!("P{noise}"));
    }
}
