//! Data-model case tables: (element, value) → expected error code, for both versions.

use super::*;

const TYPES: &[&str] = &[
    "choice",
    "fill-in",
    "numeric",
    "matching",
    "performance",
    "true-false",
    "likert",
    "sequencing",
    "long-fill-in",
    "other",
];

/// Interactions 0–9 typed as `TYPES`, interaction 10 with an id and no type, objective 0,
/// one comment from the LMS, one shared data store.
fn data2004() -> Data {
    let mut data = Data::new();
    for (i, kind) in TYPES.iter().enumerate() {
        data.insert(format!("cmi.interactions.{i}.id"), format!("q{i}"));
        data.insert(format!("cmi.interactions.{i}.type"), (*kind).to_string());
    }
    data.insert("cmi.interactions.10.id".into(), "q10".into());
    data.insert("cmi.interactions.0.objectives.0.id".into(), "obj1".into());
    data.insert("cmi.interactions.0.correct_responses.0.pattern".into(), "a".into());
    data.insert("cmi.objectives.0.id".into(), "obj1".into());
    data.insert("cmi.objectives.1.id".into(), "obj2".into());
    data.insert("cmi.comments_from_lms.0.comment".into(), "hello".into());
    data.insert("adl.data.0.id".into(), "urn:kiroku:shared".into());
    data
}

fn data12() -> Data {
    let mut data = Data::new();
    data.insert("cmi.interactions.0.id".into(), "q0".into());
    data.insert("cmi.objectives.0.id".into(), "obj1".into());
    data
}

fn run_set(version: Version, options: Options, data: &Data, cases: &[(&str, &str, u16)]) {
    let mut failures = Vec::new();
    for (name, value, expected) in cases {
        let got = check_set(version, options, data, name, value)
            .err()
            .map_or(0, |r| r.code);
        if got != *expected {
            failures.push(format!("SetValue({name}, {value:.60}) = {got}, expected {expected}"));
        }
    }
    assert!(failures.is_empty(), "{version:?}:\n{}", failures.join("\n"));
}

fn run_get(version: Version, data: &Data, cases: &[(&str, u16, &str)]) {
    let mut failures = Vec::new();
    for (name, expected, value) in cases {
        match check_get(version, data, name) {
            Ok(got) if *expected == 0 && got == *value => {}
            Err(r) if r.code == *expected => {}
            other => failures.push(format!("GetValue({name}) = {other:?}, expected {expected} {value:?}")),
        }
    }
    assert!(failures.is_empty(), "{version:?}:\n{}", failures.join("\n"));
}

fn long(n: usize) -> String {
    "x".repeat(n)
}

#[test]
fn scorm2004_vocabularies_and_numbers() {
    run_set(
        Version::Scorm2004,
        Options::default(),
        &data2004(),
        &[
            ("cmi.completion_status", "completed", 0),
            ("cmi.completion_status", "not attempted", 0),
            ("cmi.completion_status", "passed", 406),
            ("cmi.success_status", "failed", 0),
            ("cmi.success_status", "completed", 406),
            ("cmi.exit", "suspend", 0),
            ("cmi.exit", "normal", 0),
            ("cmi.exit", "", 0),
            ("cmi.exit", "quit", 406),
            ("cmi.learner_preference.audio_captioning", "-1", 0),
            ("cmi.learner_preference.audio_captioning", "2", 406),
            ("cmi.learner_preference.audio_level", "0", 0),
            ("cmi.learner_preference.audio_level", "-0.1", 407),
            ("cmi.learner_preference.delivery_speed", "fast", 406),
            ("cmi.learner_preference.language", "", 0),
            ("cmi.learner_preference.language", "en-US", 0),
            ("cmi.learner_preference.language", "english language", 406),
            ("cmi.score.scaled", "1", 0),
            ("cmi.score.scaled", "-1", 0),
            ("cmi.score.scaled", "0.5", 0),
            ("cmi.score.scaled", "1.0000001", 407),
            ("cmi.score.scaled", "-1.1", 407),
            ("cmi.score.scaled", "abc", 406),
            ("cmi.score.scaled", "", 406),
            ("cmi.score.scaled", "1.", 406),
            ("cmi.score.raw", "-1234.5678", 0),
            ("cmi.score.raw", ".5", 0),
            ("cmi.score.raw", "1e3", 406),
            ("cmi.score.min", "0", 0),
            ("cmi.score.max", "100", 0),
            ("cmi.progress_measure", "0", 0),
            ("cmi.progress_measure", "1", 0),
            ("cmi.progress_measure", "1.01", 407),
            ("cmi.progress_measure", "-0.01", 407),
            ("cmi.objectives.0.progress_measure", "2", 407),
            ("cmi.objectives.0.score.scaled", "-2", 407),
            ("cmi.objectives.0.success_status", "passed", 0),
            ("cmi.objectives.0.completion_status", "browsed", 406),
            ("adl.nav.request", "continue", 0),
            ("adl.nav.request", "suspendAll", 0),
            ("adl.nav.request", "_none_", 0),
            ("adl.nav.request", "{target=sco-2}choice", 0),
            ("adl.nav.request", "{target=sco-2}jump", 0),
            ("adl.nav.request", "{target=}choice", 406),
            ("adl.nav.request", "start", 406),
        ],
    );
}

#[test]
fn scorm2004_strings_times_and_spms() {
    let at = |n: usize| long(n);
    let cases: Vec<(String, String, u16)> = vec![
        ("cmi.suspend_data".into(), at(64000), 0),
        ("cmi.suspend_data".into(), at(64001), 406),
        ("cmi.suspend_data".into(), "".into(), 0),
        ("cmi.location".into(), at(1000), 0),
        ("cmi.location".into(), at(1001), 406),
        ("cmi.objectives.2.id".into(), format!("urn:x:{}", at(3994)), 0),
        ("cmi.objectives.2.id".into(), format!("urn:x:{}", at(3995)), 406),
        ("cmi.objectives.2.id".into(), "has space".into(), 406),
        ("cmi.objectives.2.id".into(), "".into(), 406),
        ("cmi.objectives.2.id".into(), "urn:".into(), 406),
        ("cmi.objectives.2.id".into(), "urn:-bad:x".into(), 406),
        ("cmi.objectives.2.id".into(), "urn:kiroku:ok".into(), 0),
        ("cmi.objectives.2.id".into(), "http://example.com/o/1".into(), 0),
        ("cmi.objectives.0.description".into(), at(250), 0),
        ("cmi.objectives.0.description".into(), at(251), 406),
        (
            "cmi.objectives.0.description".into(),
            format!("{{lang=fr}}{}", at(250)),
            0,
        ),
        ("cmi.objectives.0.description".into(), "{lang=not a tag}x".into(), 406),
        (
            "cmi.comments_from_learner.0.comment".into(),
            format!("{{lang=en-GB}}{}", at(4000)),
            0,
        ),
        ("cmi.comments_from_learner.0.comment".into(), at(4001), 406),
        ("cmi.comments_from_learner.0.location".into(), at(250), 0),
        ("cmi.comments_from_learner.0.location".into(), at(251), 406),
        (
            "cmi.comments_from_learner.0.timestamp".into(),
            "2026-11-25T16:10:28".into(),
            0,
        ),
        (
            "cmi.comments_from_learner.0.timestamp".into(),
            "2026-11-25T16:10:28.5Z".into(),
            0,
        ),
        (
            "cmi.comments_from_learner.0.timestamp".into(),
            "2026-11-25T16:10:28.25+01:00".into(),
            0,
        ),
        ("cmi.comments_from_learner.0.timestamp".into(), "2026".into(), 0),
        ("cmi.comments_from_learner.0.timestamp".into(), "2026-11".into(), 0),
        ("cmi.comments_from_learner.0.timestamp".into(), "1969-01-01".into(), 406),
        ("cmi.comments_from_learner.0.timestamp".into(), "2026-13-01".into(), 406),
        (
            "cmi.comments_from_learner.0.timestamp".into(),
            "2026-11-25T24:00".into(),
            406,
        ),
        (
            "cmi.comments_from_learner.0.timestamp".into(),
            "2026-11-25 16:10".into(),
            406,
        ),
        (
            "cmi.comments_from_learner.0.timestamp".into(),
            "2026-11-25T16:10:28.123".into(),
            406,
        ),
        ("cmi.session_time".into(), "PT1H30M5.25S".into(), 0),
        ("cmi.session_time".into(), "P1Y2M3DT4H5M6S".into(), 0),
        ("cmi.session_time".into(), "PT0S".into(), 0),
        ("cmi.session_time".into(), "P1D".into(), 0),
        ("cmi.session_time".into(), "P".into(), 406),
        ("cmi.session_time".into(), "PT".into(), 406),
        ("cmi.session_time".into(), "P1DT".into(), 406),
        ("cmi.session_time".into(), "PT1.5M".into(), 406),
        ("cmi.session_time".into(), "PT1S1M".into(), 406),
        ("cmi.session_time".into(), "01:00:00".into(), 406),
        ("cmi.interactions.0.latency".into(), "PT2S".into(), 0),
    ];
    let borrowed: Vec<(&str, &str, u16)> = cases.iter().map(|(n, v, c)| (n.as_str(), v.as_str(), *c)).collect();
    run_set(Version::Scorm2004, Options::default(), &data2004(), &borrowed);
}

#[test]
fn scorm2004_access_keywords_and_undefined() {
    run_set(
        Version::Scorm2004,
        Options::default(),
        &data2004(),
        &[
            ("cmi._version", "1.0", 404),
            ("cmi.interactions._count", "3", 404),
            ("cmi.interactions._children", "id", 404),
            ("cmi.score._children", "x", 404),
            ("cmi.learner_id", "me", 404),
            ("cmi.learner_name", "Me", 404),
            ("cmi.credit", "credit", 404),
            ("cmi.entry", "resume", 404),
            ("cmi.mode", "review", 404),
            ("cmi.total_time", "PT1S", 404),
            ("cmi.completion_threshold", "0.5", 404),
            ("cmi.scaled_passing_score", "0.5", 404),
            ("cmi.max_time_allowed", "PT1H", 404),
            ("cmi.time_limit_action", "exit,message", 404),
            ("cmi.launch_data", "x", 404),
            ("cmi.comments_from_lms.0.comment", "x", 404),
            ("adl.nav.request_valid.continue", "true", 404),
            ("adl.nav.request_valid.choice.{target=sco-1}", "true", 404),
            ("adl.data.0.id", "x", 404),
            ("adl.data.0.store", "shared state", 0),
            ("adl.data.1.store", "shared state", 408),
            ("cmi.core.lesson_status", "passed", 401),
            ("cmi.nothing", "x", 401),
            ("cmi.interactions.01.id", "x", 401),
            ("cmi.interactions.-1.id", "x", 401),
            ("", "x", 351),
            ("cmi.learner_id._children", "x", 404),
            ("cmi.learner_id._version", "x", 401),
        ],
    );
    run_get(
        Version::Scorm2004,
        &data2004(),
        &[
            ("cmi._version", 0, "1.0"),
            ("cmi.interactions._count", 0, "11"),
            ("cmi.objectives._count", 0, "2"),
            ("cmi.comments_from_learner._count", 0, "0"),
            ("cmi.interactions.0.objectives._count", 0, "1"),
            ("cmi.interactions.0.correct_responses._count", 0, "1"),
            ("cmi.interactions.1.correct_responses._count", 0, "0"),
            ("cmi.score._children", 0, "scaled,raw,min,max"),
            ("cmi.completion_status", 0, "unknown"),
            ("cmi.total_time", 0, "PT0H0M0S"),
            ("adl.nav.request", 0, "_none_"),
            ("adl.nav.request_valid.choice.{target=sco-1}", 0, "unknown"),
            ("cmi.exit", 405, ""),
            ("cmi.session_time", 405, ""),
            ("cmi.location", 403, ""),
            ("cmi.score.raw", 403, ""),
            ("cmi.learner_id", 403, ""),
            ("cmi.interactions.0.id", 0, "q0"),
            ("cmi.interactions.11.id", 301, ""),
            ("cmi.interactions.11.objectives._count", 301, ""),
            ("cmi.learner_id._children", 301, ""),
            ("cmi.location._count", 301, ""),
            ("cmi.learner_id._version", 301, ""),
            ("cmi.nothing", 401, ""),
            ("", 301, ""),
        ],
    );
}

#[test]
fn scorm2004_collections_and_dependencies() {
    run_set(
        Version::Scorm2004,
        Options::default(),
        &data2004(),
        &[
            ("cmi.interactions.11.id", "q11", 0),
            ("cmi.interactions.12.id", "q12", 351),
            ("cmi.interactions.11.type", "choice", 408),
            ("cmi.interactions.11.description", "x", 408),
            ("cmi.interactions.10.type", "choice", 0),
            ("cmi.interactions.10.type", "essay", 406),
            ("cmi.interactions.10.learner_response", "a", 408),
            ("cmi.interactions.10.correct_responses.0.pattern", "a", 408),
            ("cmi.interactions.10.objectives.0.id", "obj1", 0),
            ("cmi.interactions.0.objectives.1.id", "obj2", 0),
            ("cmi.interactions.0.objectives.1.id", "obj1", 351),
            ("cmi.interactions.0.objectives.2.id", "obj3", 351),
            ("cmi.interactions.0.correct_responses.1.pattern", "b", 0),
            ("cmi.interactions.0.correct_responses.2.pattern", "b", 351),
            ("cmi.interactions.5.correct_responses.0.pattern", "true", 0),
            ("cmi.interactions.5.correct_responses.1.pattern", "false", 351),
            ("cmi.interactions.0.result", "incorrect", 0),
            ("cmi.interactions.0.result", "wrong", 406),
            ("cmi.interactions.0.result", "0.75", 0),
            ("cmi.interactions.0.weighting", "2", 0),
            ("cmi.interactions.0.timestamp", "2026-11-25T10:00:00", 0),
            ("cmi.objectives.2.id", "obj3", 0),
            ("cmi.objectives.2.id", "obj1", 351),
            ("cmi.objectives.0.id", "obj1", 0),
            ("cmi.objectives.0.id", "renamed", 351),
            ("cmi.objectives.3.id", "obj4", 351),
            ("cmi.objectives.2.success_status", "passed", 408),
            ("cmi.objectives.2.score.raw", "1", 408),
            ("cmi.comments_from_learner.0.comment", "first", 0),
            ("cmi.comments_from_learner.1.comment", "gap", 351),
        ],
    );
}

#[test]
fn scorm2004_interaction_responses() {
    run_set(
        Version::Scorm2004,
        Options::default(),
        &data2004(),
        &[
            ("cmi.interactions.0.learner_response", "a[,]b", 0),
            ("cmi.interactions.0.learner_response", "", 0),
            ("cmi.interactions.0.learner_response", "a[,]a", 406),
            ("cmi.interactions.0.learner_response", "a b", 406),
            ("cmi.interactions.1.learner_response", "{lang=en}blue[,]green", 0),
            (
                "cmi.interactions.1.correct_responses.0.pattern",
                "{case_matters=true}{order_matters=false}Blue",
                0,
            ),
            (
                "cmi.interactions.1.correct_responses.0.pattern",
                "{order_matters=yes}Blue",
                406,
            ),
            ("cmi.interactions.1.learner_response", &long(251), 406),
            ("cmi.interactions.2.learner_response", "3.5", 0),
            ("cmi.interactions.2.learner_response", "three", 406),
            ("cmi.interactions.2.correct_responses.0.pattern", "1[:]5", 0),
            ("cmi.interactions.2.correct_responses.0.pattern", "[:]5", 0),
            ("cmi.interactions.2.correct_responses.0.pattern", "1[:]", 0),
            ("cmi.interactions.2.correct_responses.0.pattern", "5[:]1", 406),
            ("cmi.interactions.3.learner_response", "a[.]1[,]b[.]2", 0),
            ("cmi.interactions.3.learner_response", "a[.]1[,]b", 406),
            ("cmi.interactions.3.correct_responses.0.pattern", "a[.]1[.]2", 406),
            ("cmi.interactions.4.learner_response", "step1[.]answer one[,][.]x", 0),
            (
                "cmi.interactions.4.correct_responses.0.pattern",
                "{order_matters=false}s1[.]1[:]2",
                0,
            ),
            ("cmi.interactions.4.learner_response", "[.]", 406),
            ("cmi.interactions.5.learner_response", "true", 0),
            ("cmi.interactions.5.learner_response", "t", 406),
            ("cmi.interactions.6.learner_response", "agree", 0),
            ("cmi.interactions.6.learner_response", "a[,]b", 406),
            ("cmi.interactions.6.learner_response", "", 406),
            ("cmi.interactions.7.learner_response", "c[,]a[,]b", 0),
            ("cmi.interactions.7.learner_response", "", 406),
            ("cmi.interactions.8.learner_response", &long(4000), 0),
            ("cmi.interactions.8.learner_response", &long(4001), 406),
            (
                "cmi.interactions.8.correct_responses.0.pattern",
                "{case_matters=false}essay",
                0,
            ),
            ("cmi.interactions.9.learner_response", "anything at all", 0),
            ("cmi.interactions.9.learner_response", &long(4001), 406),
        ],
    );
}

#[test]
fn scorm12_cases() {
    let cases: Vec<(String, String, u16)> = vec![
        ("cmi.core.lesson_status".into(), "passed".into(), 0),
        ("cmi.core.lesson_status".into(), "browsed".into(), 0),
        ("cmi.core.lesson_status".into(), "not attempted".into(), 405),
        ("cmi.core.lesson_status".into(), "unknown".into(), 405),
        ("cmi.core.exit".into(), "suspend".into(), 0),
        ("cmi.core.exit".into(), "normal".into(), 405),
        ("cmi.core.score.raw".into(), "85.5".into(), 0),
        ("cmi.core.score.raw".into(), "".into(), 0),
        ("cmi.core.score.raw".into(), "101".into(), 405),
        ("cmi.core.score.raw".into(), "-1".into(), 405),
        ("cmi.core.score.raw".into(), "high".into(), 405),
        ("cmi.core.session_time".into(), "00:05:30".into(), 0),
        ("cmi.core.session_time".into(), "0001:05:30.25".into(), 0),
        ("cmi.core.session_time".into(), "1:05:30".into(), 405),
        ("cmi.core.session_time".into(), "00:60:00".into(), 405),
        ("cmi.core.session_time".into(), "PT5M".into(), 405),
        ("cmi.core.lesson_location".into(), long(255), 0),
        ("cmi.core.lesson_location".into(), long(256), 405),
        ("cmi.suspend_data".into(), long(64000), 0),
        ("cmi.suspend_data".into(), long(64001), 405),
        ("cmi.comments".into(), long(4096), 0),
        ("cmi.comments".into(), long(4097), 405),
        ("cmi.student_preference.audio".into(), "-1".into(), 0),
        ("cmi.student_preference.audio".into(), "101".into(), 405),
        ("cmi.student_preference.speed".into(), "-100".into(), 0),
        ("cmi.student_preference.text".into(), "2".into(), 405),
        ("cmi.student_preference.text".into(), "0.5".into(), 405),
        ("cmi.objectives.0.status".into(), "failed".into(), 0),
        ("cmi.objectives.1.id".into(), "obj2".into(), 0),
        ("cmi.objectives.2.id".into(), "gap".into(), 201),
        ("cmi.objectives.1.id".into(), "has space".into(), 405),
        ("cmi.objectives.1.id".into(), long(256), 405),
        ("cmi.interactions.0.type".into(), "choice".into(), 0),
        ("cmi.interactions.0.type".into(), "long-fill-in".into(), 405),
        ("cmi.interactions.0.time".into(), "13:45:00".into(), 0),
        ("cmi.interactions.0.time".into(), "24:00:00".into(), 405),
        ("cmi.interactions.0.result".into(), "wrong".into(), 0),
        ("cmi.interactions.0.result".into(), "incorrect".into(), 405),
        ("cmi.interactions.0.latency".into(), "00:00:05".into(), 0),
        ("cmi.interactions.0.student_response".into(), "a,b".into(), 0),
        ("cmi.interactions.0.correct_responses.0.pattern".into(), "a".into(), 0),
        ("cmi.interactions.0.correct_responses.1.pattern".into(), "a".into(), 201),
        ("cmi.interactions.1.id".into(), "q1".into(), 0),
        ("cmi.interactions.1.objectives.0.id".into(), "obj1".into(), 0),
        ("cmi.interactions.2.id".into(), "q2".into(), 201),
        ("cmi.core.student_id".into(), "me".into(), 403),
        ("cmi.core.total_time".into(), "00:00:01".into(), 403),
        ("cmi.launch_data".into(), "x".into(), 403),
        ("cmi.comments_from_lms".into(), "x".into(), 403),
        ("cmi.student_data.mastery_score".into(), "80".into(), 403),
        ("cmi._version".into(), "3.4".into(), 402),
        ("cmi.core._children".into(), "x".into(), 402),
        ("cmi.objectives._count".into(), "1".into(), 402),
        ("cmi.core.student_id._children".into(), "x".into(), 402),
        ("cmi.learner_id".into(), "x".into(), 201),
        ("".into(), "x".into(), 201),
    ];
    let borrowed: Vec<(&str, &str, u16)> = cases.iter().map(|(n, v, c)| (n.as_str(), v.as_str(), *c)).collect();
    run_set(Version::Scorm12, Options::default(), &data12(), &borrowed);
    let strict = Options {
        strict_scorm12_suspend_data: true,
    };
    let s4096 = long(4096);
    let s4097 = long(4097);
    run_set(
        Version::Scorm12,
        strict,
        &data12(),
        &[("cmi.suspend_data", &s4096, 0), ("cmi.suspend_data", &s4097, 405)],
    );
    run_get(
        Version::Scorm12,
        &data12(),
        &[
            ("cmi._version", 0, "3.4"),
            ("cmi.core.lesson_status", 0, "not attempted"),
            ("cmi.core.total_time", 0, "0000:00:00.00"),
            ("cmi.core.score._children", 0, "raw,min,max"),
            ("cmi.interactions._count", 0, "1"),
            ("cmi.core.student_name", 0, ""),
            ("cmi.interactions.0.id", 404, ""),
            ("cmi.core.exit", 404, ""),
            ("cmi.core.session_time", 404, ""),
            ("cmi.core.student_id._children", 202, ""),
            ("cmi.core.lesson_status._children", 202, ""),
            ("cmi.core._count", 203, ""),
            ("cmi.suspend_data._count", 203, ""),
            ("cmi.objectives.3.id", 201, ""),
            ("cmi.nothing", 201, ""),
        ],
    );
}

#[test]
fn error_strings_and_json() {
    assert_eq!(error_string(Version::Scorm12, 405), "Incorrect data type");
    assert_eq!(
        error_string(Version::Scorm2004, 408),
        "Data Model Dependency Not Established"
    );
    assert_eq!(error_string(Version::Scorm2004, 999), "");
    for version in [Version::Scorm12, Version::Scorm2004] {
        let json = table_json(version);
        let elements = json["elements"].as_array().map_or(0, Vec::len);
        assert_eq!(elements, version.table().len());
        for (code, _) in version.error_strings() {
            assert!(json["errors"][code.to_string()].is_string());
        }
        let mut names: Vec<&str> = version.table().iter().map(|e| e.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), version.table().len(), "duplicate rows in {version:?}");
    }
    let json = table_json(Version::Scorm2004);
    let suspend = json["elements"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["name"] == "cmi.suspend_data"));
    assert_eq!(
        suspend.map(|e| e["data_type"]["spm"].clone()),
        Some(serde_json::json!(64000))
    );
    assert_eq!(json["version"], "2004");
}

#[test]
fn the_table_carries_every_rule_the_bridge_reads() {
    let json = table_json(Version::Scorm2004);
    assert_eq!(json["rules"]["nav"]["requests"][0], "continue");
    assert_eq!(json["rules"]["responses"]["list"], "[,]");
    assert_eq!(json["state_codes"]["set"]["after"], 133);
    assert_eq!(json["unique_ids"][0], "cmi.objectives.n.id");
    let types = json["interaction_types"].as_array().map_or(0, Vec::len);
    assert_eq!(types, INTERACTION_TYPES.len());
    assert_eq!(json["interaction_types"][8]["pattern"]["format"], "range");
    // U+0085 (a control character and white space) is refused, U+FEFF (neither) is not.
    let ranges = rules::refused_ranges();
    let refused = |c: u32| ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c));
    assert!(refused(0x85) && refused(0x3000) && refused(0x20) && !refused(0xfeff) && !refused(0x200b));
    // Every interaction type of the vocabulary has its formats, and nothing else does.
    let element = Version::Scorm2004
        .table()
        .iter()
        .find(|e| e.name == "cmi.interactions.n.type");
    let Some(DataType::Vocabulary { values }) = element.map(|e| e.ty) else {
        panic!("cmi.interactions.n.type is a vocabulary");
    };
    let names: Vec<&str> = INTERACTION_TYPES.iter().map(|t| t.name).collect();
    assert_eq!(values, names.as_slice());
    for version in [Version::Scorm12, Version::Scorm2004] {
        assert_eq!(table_json(version)["state_codes"]["argument"], 201);
    }
    assert_eq!(table_json(Version::Scorm12)["state_codes"]["commit_failure"], 101);
}
