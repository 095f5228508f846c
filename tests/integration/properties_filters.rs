//! Property tests of the filter forms a browser sends (the statement browser's and the
//! reports'): whatever text a field holds (multi-byte, combining marks, emoji, quotes,
//! JSON fragments, control characters), the page answers 200 with either results or a
//! refusal naming the filter, never a 5xx; the same for the reporting API, which answers
//! 200 or 400.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;

use crate::accounts::{Session, account, sign_in, with_operator};
use crate::packages::Env;

fn field() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("山田 花子".to_owned()),
        Just("😀".to_owned()),
        Just("e\u{301}".to_owned()),
        Just("{\"mbox\":".to_owned()),
        Just("2026-12-07".to_owned()),
        Just("\"'<>&".to_owned()),
        Just("%".to_owned()),
        Just("\u{0}\u{7}".to_owned()),
        ".{0,6}",
    ];
    proptest::collection::vec(piece, 0..6).prop_map(|v| v.concat())
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn status(env: &Env, s: &Session, path: &str) -> u16 {
    s.on(env.app.get(path)).send().await.status.as_u16()
}

#[test]
fn every_filter_text_gets_a_page_or_a_named_refusal() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (env, s) = rt.block_on(async {
        let env = Env::with(with_operator()).await;
        account(
            &env.app,
            "admin@acme.test",
            json!({"role": "tenant-admin", "tenant": "acme"}),
        )
        .await;
        let s = sign_in(&env.app, "admin@acme.test").await;
        (env, s)
    });
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    let fields = (field(), field(), field(), field());
    runner
        .run(&fields, |(a, b, c, d)| {
            let (a, b, c, d) = (encode(&a), encode(&b), encode(&c), encode(&d));
            let statements = format!("/statements?agent={a}&verb={b}&since={c}&until={d}&registration={b}");
            let reports = format!("/reports?course={a}&learner={b}&from={c}&to={d}&endClient={a}");
            let api = format!("/api/v1/reports/courses?course={a}&learner={b}&from={c}&to={d}");
            let transcript = format!("/reports/learners/{a}");
            let (s1, s2, s3, s4) = rt.block_on(async {
                (
                    status(&env, &s, &statements).await,
                    status(&env, &s, &reports).await,
                    status(&env, &s, &api).await,
                    status(&env, &s, &transcript).await,
                )
            });
            prop_assert_eq!(s1, 200, "{}", statements);
            prop_assert_eq!(s2, 200, "{}", reports);
            prop_assert!(s3 == 200 || s3 == 400, "{} answered {}", api, s3);
            prop_assert!(s4 == 404 || s4 == 200, "{} answered {}", transcript, s4);
            Ok(())
        })
        .expect("every filter text answered");
}
