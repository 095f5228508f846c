//! The rules of notices as tables of cases.

use super::audience::{Recipient, may_post, recipients, sees};
use super::delivery::{RetryPolicy, TryOutcome};
use super::*;
use crate::account::{Account, Realm};
use crate::tenant::{Tenant, TenantId};

fn input(kind: NoticeKind, title: &str, body: &str, window: Option<(i64, i64)>) -> NoticeInput {
    NoticeInput {
        kind,
        title: title.into(),
        body: body.into(),
        window: window.map(|(start_ms, end_ms)| Window { start_ms, end_ms }),
        audience: Audience::All,
    }
}

#[test]
fn notices_are_checked() {
    use NoticeKind::*;
    let long = "あ".repeat(MAX_TITLE_CHARS + 1);
    let cases: &[(NoticeInput, Result<(), NoticeError>)] = &[
        (input(General, " 年末のお知らせ ", "本文 🎍", None), Ok(())),
        (input(Maintenance, "t", "b", Some((1, 2))), Ok(())),
        (input(Maintenance, "t", "b", None), Err(NoticeError::NoWindow)),
        (
            input(Maintenance, "t", "b", Some((2, 2))),
            Err(NoticeError::WindowOrder),
        ),
        (input(Incident, "t", "b", Some((1, 2))), Err(NoticeError::StrayWindow)),
        (input(General, "  ", "b", None), Err(NoticeError::Empty("title"))),
        (input(General, "t", "\n", None), Err(NoticeError::Empty("body"))),
        (
            input(General, "a\r\nBcc: x", "b", None),
            Err(NoticeError::Control("title")),
        ),
        (input(General, "t", "line\nline\ttab", None), Ok(())),
        (
            input(General, &long, "b", None),
            Err(NoticeError::TooLong {
                field: "title",
                max: MAX_TITLE_CHARS,
            }),
        ),
    ];
    for (i, expected) in cases {
        assert_eq!(check(i.clone()).map(drop), *expected, "{i:?}");
    }
    let ok = check(input(General, " 年末 ", " 本文 ", None)).expect("valid");
    assert_eq!((ok.title.as_str(), ok.body.as_str()), ("年末", "本文"));
}

fn notice(kind: NoticeKind, window: Option<(i64, i64)>) -> Notice {
    Notice {
        id: "n".into(),
        kind,
        title: "t".into(),
        body: "b".into(),
        window: window.map(|(start_ms, end_ms)| Window { start_ms, end_ms }),
        audience: Audience::All,
        posted_ms: 0,
        posted_by: "operator-token".into(),
        resolved_ms: None,
        updates: Vec::new(),
    }
}

#[test]
fn updates_go_to_open_incidents_only() {
    let mut n = notice(NoticeKind::Incident, None);
    assert_eq!(check_update(&n, " 調査中 ").as_deref(), Ok("調査中"));
    n.resolved_ms = Some(1);
    assert_eq!(check_update(&n, "x"), Err(NoticeError::Resolved));
    let g = notice(NoticeKind::General, None);
    assert_eq!(check_update(&g, "x"), Err(NoticeError::NotIncident));
}

#[test]
fn the_banner_shows_from_an_hour_before_until_the_window_ends() {
    let start = 10 * BANNER_LEAD_MS;
    let m = notice(NoticeKind::Maintenance, Some((start, start + 1000)));
    for (now, shown) in [
        (start - BANNER_LEAD_MS - 1, false),
        (start - BANNER_LEAD_MS, true),
        (start, true),
        (start + 999, true),
        (start + 1000, false),
    ] {
        assert_eq!(m.shows_banner(now), shown, "{now}");
    }
    assert!(!notice(NoticeKind::General, None).shows_banner(start));
    let later = notice(NoticeKind::Maintenance, Some((start + 10, start + 2000)));
    let list = [later, m.clone()];
    assert_eq!(banner(&list, start + 20).map(|n| n.window), Some(m.window));
}

#[test]
fn who_may_post_to_whom() {
    let acme = Realm::Reseller("acme".into());
    let t = Audience::Tenant(TenantId(1));
    assert!(may_post(&Realm::Service, &Audience::All, None).is_ok());
    assert!(may_post(&acme, &Audience::Reseller("acme".into()), None).is_ok());
    assert!(may_post(&acme, &t, Some("acme")).is_ok());
    assert!(may_post(&acme, &t, Some("other")).is_err());
    assert!(may_post(&acme, &t, None).is_err());
    assert!(may_post(&acme, &Audience::All, None).is_err());
    assert!(may_post(&acme, &Audience::Reseller("other".into()), None).is_err());
    assert!(may_post(&Realm::Tenant(TenantId(1)), &t, None).is_err());
}

#[test]
fn who_sees_what() {
    let t1 = Realm::Tenant(TenantId(1));
    let acme = Realm::Reseller("acme".into());
    let to_t1 = Audience::Tenant(TenantId(1));
    assert!(sees(&t1, &to_t1, None, None));
    assert!(!sees(&Realm::Tenant(TenantId(2)), &to_t1, None, None));
    assert!(sees(&t1, &Audience::All, None, None));
    assert!(sees(&t1, &Audience::Reseller("acme".into()), None, Some("acme")));
    assert!(!sees(&t1, &Audience::Reseller("acme".into()), None, None));
    assert!(sees(&acme, &to_t1, Some("acme"), None));
    assert!(!sees(&acme, &to_t1, Some("other"), None));
    assert!(sees(&acme, &Audience::All, None, None));
}

fn account(id: &str, realm: Realm, email: Option<&str>) -> Account {
    Account {
        id: id.into(),
        login: id.into(),
        realm,
        created_ms: 0,
        failed_logins: 0,
        locked_until_ms: None,
        language: None,
        email: email.map(Into::into),
    }
}

fn tenant(id: i64, reseller: Option<&str>) -> Tenant {
    Tenant {
        id: TenantId(id),
        name: crate::tenant::TenantName::parse(&format!("t{id}")).expect("a tenant name"),
        status: crate::tenant::TenantStatus::Active,
        xapi_version: crate::lrs::XapiVersion::V200,
        created_ms: 0,
        settings: Default::default(),
        plan: None,
        quotas: Default::default(),
        status_reason: None,
        reseller: reseller.map(Into::into),
    }
}

#[test]
fn recipients_are_the_contract_holders_with_an_address() {
    let accounts = [
        account("op", Realm::Service, Some("op@example.jp")),
        account("a1", Realm::Tenant(TenantId(1)), Some("a1@example.jp")),
        account("a1b", Realm::Tenant(TenantId(1)), None),
        account("a2", Realm::Tenant(TenantId(2)), Some("a2@example.jp")),
        account("ec", Realm::EndClient(TenantId(1), "e".into()), Some("ec@example.jp")),
        account("r", Realm::Reseller("acme".into()), Some("r@example.jp")),
    ];
    let tenants = [tenant(1, Some("acme")), tenant(2, None)];
    let ids = |a: &Audience| -> Vec<String> {
        recipients(a, &accounts, &tenants)
            .into_iter()
            .map(|Recipient { account, .. }| account)
            .collect()
    };
    assert_eq!(ids(&Audience::Tenant(TenantId(1))), ["a1"]);
    assert_eq!(ids(&Audience::Reseller("acme".into())), ["a1", "r"]);
    assert_eq!(ids(&Audience::All), ["a1", "a2", "r"]);
    assert!(ids(&Audience::Tenant(TenantId(9))).is_empty());
}

#[test]
fn an_incident_and_each_update_have_their_own_email() {
    let mut n = notice(NoticeKind::Incident, None);
    n.title = "障害".into();
    let u = |at_ms, body: &str| NoticeUpdate {
        at_ms,
        body: body.into(),
    };
    n.updates = vec![u(5, "調査中"), u(9, "復旧しました")];
    let subject = |n: &Notice, update| delivery::message_for(n, update, "https://k.example").map(|m| m.subject);
    assert_eq!(subject(&n, 0).as_deref(), Some("[Incident / 障害] 障害"));
    assert_eq!(
        subject(&n, 1).as_deref(),
        Some("[Incident update / 障害情報の更新] 障害")
    );
    assert_eq!(
        subject(&n, 2).as_deref(),
        Some("[Incident update / 障害情報の更新] 障害")
    );
    n.resolved_ms = Some(9);
    assert_eq!(subject(&n, 2).as_deref(), Some("[Resolved / 復旧] 障害"));
    assert_eq!(subject(&n, 3), None);
    let body = delivery::message_for(&n, 1, "https://k.example")
        .map(|m| m.body)
        .unwrap_or_default();
    assert!(
        body.contains("調査中") && body.ends_with("https://k.example/notices\n"),
        "{body}"
    );
}

#[test]
fn failed_tries_back_off_then_give_up() {
    let p = RetryPolicy {
        first_delay_ms: 1000,
        max_attempts: 3,
    };
    let retry = |n| p.after_failure(n, "refused", 0);
    assert_eq!(
        retry(1),
        TryOutcome::Retry {
            error: "refused".into(),
            at_ms: 1000
        }
    );
    assert_eq!(
        retry(2),
        TryOutcome::Retry {
            error: "refused".into(),
            at_ms: 2000
        }
    );
    assert_eq!(
        retry(3),
        TryOutcome::Failed {
            error: "refused".into()
        }
    );
    let long = "é".repeat(2000);
    assert!(matches!(p.after_failure(1, &long, 0), TryOutcome::Retry { error, .. } if error.chars().count() == 500));
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Text of any kind, weighted towards what notices hold: Japanese, emoji, combining
    /// marks, line breaks and control characters, around the length limits.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[ぁ-んァ-ヶ一-龠ー、。！？]{0,40}",
            "[\\u{1F300}-\\u{1FAFF}\\u{200D}\\u{FE0F}]{0,8}",
            "[a-z\\u{0300}-\\u{036F}\\u{3099}\\u{309A}]{0,20}",
            "[\\r\\n\\t \\u{0000}-\\u{001F}\\u{007F}\\u{2028}]{0,6}",
            any::<String>(),
            Just("あ".repeat(MAX_TITLE_CHARS)),
        ];
        prop::collection::vec(piece, 0..6).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn notice_checks_never_panic_and_keep_their_promises(
            title in text(),
            body in text(),
            kind in prop_oneof![Just(NoticeKind::Maintenance), Just(NoticeKind::Incident), Just(NoticeKind::General)],
            window in prop::option::of((any::<i64>(), any::<i64>())),
        ) {
            let i = NoticeInput {
                kind,
                title: title.clone(),
                body: body.clone(),
                window: window.map(|(start_ms, end_ms)| Window { start_ms, end_ms }),
                audience: Audience::All,
            };
            if let Ok(ok) = check(i) {
                prop_assert!(!ok.title.is_empty() && ok.title.chars().count() <= MAX_TITLE_CHARS);
                prop_assert!(!ok.body.is_empty() && ok.body.chars().count() <= MAX_BODY_CHARS);
                prop_assert!(!ok.title.chars().any(char::is_control));
                prop_assert_eq!(ok.title.as_str(), title.trim());
                prop_assert_eq!(ok.window.is_some(), kind == NoticeKind::Maintenance);
                if let Some(w) = ok.window {
                    prop_assert!(w.end_ms > w.start_ms);
                }
            }
            let mut incident = notice(NoticeKind::Incident, None);
            let _ = check_update(&incident, &body);
            incident.resolved_ms = Some(0);
            prop_assert!(check_update(&incident, &body).is_err());
            let m = delivery::message(&notice(kind, window.map(|(a, b)| (a.min(b), a.max(b)))), "https://x.example");
            prop_assert!(m.subject.contains('t'));
        }
    }
}
