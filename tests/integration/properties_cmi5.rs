//! Property tests of what a cmi5 session's credential sends: the session rules decide any
//! statement (a valid one with any part replaced by any value, multi-byte text included)
//! without a panic, and refuse with a requirement id; the learner preferences check takes
//! any body; a cmi5 launch link's claims round-trip through a grant.

use proptest::prelude::*;
use serde_json::{Value, json};

use kiroku::cmi5::rules::{SessionView, admit};
use kiroku::cmi5::state::{AuProgress, LaunchMode, Session};
use kiroku::cmi5::{CMI5_CATEGORY, MOVEON_CATEGORY, SESSION_ID, preferences};
use kiroku::launch::{Cmi5LaunchClaims, GrantKey, LaunchGrant};

use crate::properties_intake::{json_value, replace_at, text};

fn actor() -> Value {
    json!({ "objectType": "Agent", "account": { "homePage": "https://lms.example", "name": "学習者😀" } })
}

fn session(mode: LaunchMode) -> Session {
    Session {
        au: "https://pub.example/au/1".into(),
        mode,
        mastery_score: Some(0.8),
        actor: actor(),
        launched_ms: 0,
        last_ms: 0,
        preferences_read: true,
        initialized: true,
        judged: Default::default(),
    }
}

fn passed() -> Value {
    json!({
        "id": "0f1e2d3c-4b5a-4978-8c6d-5e4f3a2b1c0d",
        "timestamp": "2026-12-07T10:00:00Z",
        "actor": actor(),
        "verb": { "id": "http://adlnet.gov/expapi/verbs/passed", "display": { "ja": "合格" } },
        "object": { "id": "https://lms.example/cmi5/p/au/1" },
        "result": { "success": true, "duration": "PT1M", "score": { "scaled": 0.9, "raw": 9, "min": 0, "max": 10 } },
        "context": {
            "registration": "6a5b0f3e-0e1c-4d9b-9a5e-3a6d1c2b7f10",
            "contextActivities": { "category": [{ "id": CMI5_CATEGORY }, { "id": MOVEON_CATEGORY }] },
            "extensions": { SESSION_ID: "s-1", "https://w3id.org/xapi/cmi5/context/extensions/masteryscore": 0.8 },
        },
    })
}

proptest! {
    #[test]
    fn the_session_rules_decide_any_statement(
        pick in 0usize..64, new in json_value(), browse in any::<bool>(), put in any::<bool>(),
    ) {
        let mode = if browse { LaunchMode::Browse } else { LaunchMode::Normal };
        let (s, p) = (session(mode), AuProgress::default());
        let view = SessionView {
            id: "s-1",
            registration: "6a5b0f3e-0e1c-4d9b-9a5e-3a6d1c2b7f10",
            activity: "https://lms.example/cmi5/p/au/1",
            session: &s,
            progress: &p,
        };
        let mut st = passed();
        let mut at = pick;
        replace_at(&mut st, &mut at, &new);
        let put_id = put.then_some("0f1e2d3c-4b5a-4978-8c6d-5e4f3a2b1c0d");
        match admit(&st, &view, put_id) {
            Ok(_) => prop_assert!(!browse, "Browse mode never admits passed"),
            Err(r) => prop_assert!(r.rule.chars().next().is_some_and(|c| c.is_ascii_digit()), "{}", r),
        }
    }

    #[test]
    fn learner_preferences_checks_take_any_body(body in prop::collection::vec(any::<u8>(), 0..200), json in json_value(), ct in text()) {
        let _ = preferences::check(Some(&ct), &body);
        let doc = json.to_string();
        let verdict = preferences::check(Some("application/json"), doc.as_bytes());
        if verdict.is_ok() {
            prop_assert!(json.get("languagePreference").is_some() && json.get("audioPreference").is_some());
        }
    }

    #[test]
    fn cmi5_launch_links_round_trip(au in text(), ret in proptest::option::of(text()), mode in 0u8..3) {
        let key = GrantKey::new([3; 32]);
        let mode = [LaunchMode::Normal, LaunchMode::Browse, LaunchMode::Review][usize::from(mode)];
        let g = LaunchGrant {
            tenant: 1,
            package: "p".into(),
            version: 1,
            learner: "学習者".into(),
            registration: Some("r".into()),
            expires_ms: 4_000_000_000_000,
            xapi_activity: None,
            learner_stored: true,
            fetch_session: None,
            cmi5_session: None,
            cmi5_launch: Some(Cmi5LaunchClaims { au, mode, return_url: ret, preferences: None }),
        };
        let token = key.sign(&g);
        prop_assert_eq!(key.verify_cmi5_launch(&token, 1).ok(), Some(g));
        prop_assert!(key.verify(&token, 1).is_err(), "a launch link is not a content grant");
    }
}
