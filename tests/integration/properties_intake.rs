//! Property tests of the intake parsers: launch grants, `more` tokens, statement
//! validation, SCORM time spans, manifests (SCORM, cmi5, tincan) and zip intake. They
//! never panic, whatever the input (mutations of real inputs with multi-byte text at any
//! offset), and what they produce reads back.

use proptest::prelude::*;
use serde_json::{Value, json};

use kiroku::launch::{GrantKey, LaunchGrant};
use kiroku::lrs::XapiVersion;
use kiroku::lrs::query::StatementQuery;
use kiroku::lrs::statement::{Storer, prepare};
use kiroku::lrs::validate::{Rules, validate_statement};
use kiroku::package::PackageLimits;
use kiroku::package::manifest::{self, ManifestFile};
use kiroku::runtime::timespan;

use crate::packages::fixture;

pub(crate) fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 <>/=\"':.{}\\[\\],&;#%+\\-_é日本語😀\u{301}\u{3000}]{0,32}"
}

/// Inserts `insert` at the character boundary nearest `at`, after deleting `cut` bytes.
fn mutate(base: &[u8], at: usize, cut: usize, insert: &[u8]) -> Vec<u8> {
    let at = at % (base.len() + 1);
    let end = (at + cut).min(base.len());
    let mut out = base.get(..at).unwrap_or_default().to_vec();
    out.extend_from_slice(insert);
    out.extend_from_slice(base.get(end..).unwrap_or_default());
    out
}

fn grant(learner: String, registration: Option<String>, expires_ms: i64) -> LaunchGrant {
    LaunchGrant {
        tenant: 7,
        package: "p-1".into(),
        version: 1,
        learner,
        registration,
        expires_ms,
        xapi_activity: None,
        learner_stored: true,
        fetch_session: None,
        cmi5_session: None,
        cmi5_launch: None,
    }
}

fn a_statement() -> Value {
    json!({
        "actor": {"objectType": "Agent", "name": "山田", "account": {"homePage": "https://x.example", "name": "ann"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"ja": "回答した"}},
        "object": {"id": "http://x.example/q/1", "definition": {"interactionType": "choice", "correctResponsesPattern": ["a[,]b"], "choices": [{"id": "a", "description": {"ja": "選択肢"}}]}},
        "result": {"score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}, "duration": "PT1M2.5S", "success": true, "response": "a[,]b"},
        "context": {"registration": "6a5b0f3e-0e1c-4d9b-9a5e-3a6d1c2b7f10", "language": "ja-JP", "extensions": {"http://x.example/e": [1, {"k": "値"}]}},
        "timestamp": "2026-12-07T09:00:00.123+09:00",
    })
}

/// A JSON value of any shape, with multi-byte strings and edge numbers.
pub(crate) fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop_oneof![Just(1e308), Just(-1e308), Just(0.0), Just(-0.5), Just(2.5)].prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::vec((text(), inner), 0..4).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Replaces the value at the `pick`-th path of `v` (depth first) with `new`.
pub(crate) fn replace_at(v: &mut Value, pick: &mut usize, new: &Value) -> bool {
    if *pick == 0 {
        *v = new.clone();
        return true;
    }
    *pick -= 1;
    match v {
        Value::Object(m) => m.values_mut().any(|c| replace_at(c, pick, new)),
        Value::Array(a) => a.iter_mut().any(|c| replace_at(c, pick, new)),
        _ => false,
    }
}

proptest! {
    #[test]
    fn grants_round_trip_and_forgeries_are_refused(
        learner in "[a-z0-9日本語😀._-]{1,20}", registration in proptest::option::of("[0-9a-f-]{36}"),
        noise in text(), at in any::<usize>(),
    ) {
        let key = GrantKey::new([9; 32]);
        let g = grant(learner, registration, 4_000_000_000_000);
        let token = key.sign(&g);
        prop_assert_eq!(key.verify(&token, 1).ok(), Some(g.clone()));
        let forged = String::from_utf8_lossy(&mutate(token.as_bytes(), at, 1, noise.as_bytes())).into_owned();
        if forged != token {
            prop_assert!(key.verify(&forged, 1).is_err());
        }
        prop_assert!(key.verify(&noise, 1).is_err());
        prop_assert!(key.verify(&token, 4_000_000_000_001).is_err(), "expired");
    }

    #[test]
    fn more_tokens_never_panic(noise in text(), json in json_value()) {
        let _ = StatementQuery::from_more_token(&noise);
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.to_string());
        let _ = StatementQuery::from_more_token(&encoded);
    }

    /// A valid statement with any one part replaced by any value is accepted or refused
    /// with a message; what is accepted is prepared for storage without a panic.
    #[test]
    fn statement_validation_never_panics(pick in 0usize..40, new in json_value(), v2 in any::<bool>()) {
        let mut st = a_statement();
        replace_at(&mut st, &mut pick.clone(), &new);
        let version = if v2 { XapiVersion::V200 } else { XapiVersion::V103 };
        if validate_statement(&st, Rules { version }).is_ok() {
            let storer = Storer { authority: json!({"objectType": "Agent", "account": {"homePage": "https://x.example", "name": "k"}}), version };
            prop_assert!(prepare(st.clone(), &storer, None).is_ok(), "{}", st);
        }
    }

    #[test]
    fn scorm_time_spans_round_trip(hundredths in 0u64..10_000_000_000, noise in text()) {
        prop_assert_eq!(timespan::parse_scorm2004(&timespan::format_scorm2004(hundredths)), Some(hundredths));
        let capped = hundredths % (9999 * 360_000);
        prop_assert_eq!(timespan::parse_scorm12(&timespan::format_scorm12(capped)), Some(capped));
        let _ = timespan::parse_scorm2004(&noise);
        let _ = timespan::parse_scorm12(&noise);
        let _ = timespan::parse_scorm2004(&format!("P{noise}"));
    }

    /// Real manifests with a cut and an insertion anywhere parse or are refused with a
    /// position inside the text; never a panic.
    #[test]
    fn manifests_never_panic(which in 0usize..4, at in any::<usize>(), cut in 0usize..64, insert in text()) {
        let (file, kind, path) = [
            ("scorm12-single-sco", ManifestFile::Scorm, "imsmanifest.xml"),
            ("scorm2004-3rd-sequenced", ManifestFile::Scorm, "imsmanifest.xml"),
            ("cmi5-multi-au", ManifestFile::Cmi5, "cmi5.xml"),
            ("tincan-lectora", ManifestFile::Tincan, "tincan.xml"),
        ][which];
        let xml = mutate(&fixture::file(file, path), at, cut, insert.as_bytes());
        let _ = manifest::parse(kind, path, &xml, &PackageLimits::default());
    }

    /// A real package zip with bytes replaced or cut anywhere is imported or refused.
    #[test]
    fn zip_intake_never_panics(at in any::<usize>(), cut in 0usize..512, insert in prop::collection::vec(any::<u8>(), 0..64)) {
        let zip = mutate(&fixture::package("scorm12-single-sco"), at, cut, &insert);
        let dir = tempfile::tempdir().expect("a folder");
        let path = dir.path().join("upload.zip");
        std::fs::write(&path, &zip).expect("write the zip");
        let staging = dir.path().join("staging");
        std::fs::create_dir(&staging).expect("staging");
        let _ = kiroku::package::intake::intake(&path, &staging, &PackageLimits::default(), &|_, _| {});
    }
}
