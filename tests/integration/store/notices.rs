//! Notices and their e-mail deliveries, through the trait API only.

use std::sync::Arc;

use kiroku::notice::delivery::{DeliveryStatus, TryOutcome, new_deliveries};
use kiroku::notice::{Audience, Notice, NoticeKind, NoticeUpdate, Recipient, Window};
use kiroku::store::Store;
use kiroku::tenant::TenantId;

fn notice(id: &str, kind: NoticeKind, posted_ms: i64) -> Notice {
    Notice {
        id: id.into(),
        kind,
        title: "定期メンテナンス 🛠".into(),
        body: "本文\n二行目".into(),
        window: (kind == NoticeKind::Maintenance).then_some(Window {
            start_ms: 1_000,
            end_ms: 2_000,
        }),
        audience: Audience::Tenant(TenantId(7)),
        posted_ms,
        posted_by: "operator-token:operator".into(),
        resolved_ms: None,
        updates: Vec::new(),
    }
}

fn to(n: u8) -> Recipient {
    Recipient {
        account: format!("account-{n}"),
        address: format!("admin-{n}@example.jp"),
    }
}

pub async fn notice_store_keeps_notices_updates_and_delivery_tries(store: Arc<dyn Store>) {
    let m = notice("n-maint", NoticeKind::Maintenance, 10);
    let deliveries = new_deliveries(&m.id, 0, vec![to(1), to(2)], 10);
    store.post_notice(m.clone(), deliveries).await.expect("post");
    let mut i = notice("n-incident", NoticeKind::Incident, 20);
    i.audience = Audience::Reseller("北".into());
    store.post_notice(i.clone(), Vec::new()).await.expect("post");
    let listed = store.list_notices(10).await.expect("list");
    assert_eq!(listed, [i.clone(), m.clone()], "newest first, as stored");
    assert_eq!(store.list_notices(1).await.expect("list").len(), 1);

    // Updates in order; resolving closes the incident to further updates.
    let up = |at_ms, body: &str| NoticeUpdate {
        at_ms,
        body: body.into(),
    };
    let add = |u: NoticeUpdate, resolve: bool, to: Vec<Recipient>| store.add_notice_update(&i.id, u, resolve, to);
    assert_eq!(
        add(up(30, "調査中"), false, vec![to(3)]).await.expect("update"),
        Some(1)
    );
    assert_eq!(add(up(40, "復旧"), true, Vec::new()).await.expect("resolve"), Some(2));
    assert_eq!(add(up(50, "late"), false, vec![to(3)]).await.expect("refused"), None);
    let absent = store.add_notice_update("none", up(50, "x"), false, Vec::new());
    assert_eq!(absent.await.expect("absent"), None);
    // The update's e-mail is stored with it, due at the update's time.
    let ds = store.notice_deliveries(&i.id).await.expect("deliveries");
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!((ds[0].update, &ds[0].recipient, ds[0].next_attempt_ms), (1, &to(3), 30));
    store
        .record_delivery_try(&i.id, 1, "account-3", TryOutcome::Sent { at_ms: 31 })
        .await
        .expect("record");
    let got = store.notice(&i.id).await.expect("read").expect("there");
    assert_eq!(got.updates, [up(30, "調査中"), up(40, "復旧")]);
    assert_eq!(got.resolved_ms, Some(40));

    // Deliveries: due ones are taken under a lease, tries recorded with their outcome.
    let taken = store.claim_deliveries(10, 1_000, 10).await.expect("claim");
    assert_eq!(taken.len(), 2);
    assert!(
        store.claim_deliveries(500, 1_500, 10).await.expect("claim").is_empty(),
        "leased"
    );
    let sent = TryOutcome::Sent { at_ms: 600 };
    store
        .record_delivery_try(&m.id, 0, "account-1", sent)
        .await
        .expect("record");
    let retry = TryOutcome::Retry {
        error: "SMTP: connection refused".into(),
        at_ms: 700,
    };
    store
        .record_delivery_try(&m.id, 0, "account-2", retry)
        .await
        .expect("record");
    let ds = store.notice_deliveries(&m.id).await.expect("deliveries");
    assert_eq!(ds.len(), 2);
    let d1 = ds.iter().find(|d| d.recipient == to(1)).expect("first");
    assert_eq!(
        (d1.status, d1.attempts, d1.sent_ms, d1.last_error.as_deref()),
        (DeliveryStatus::Sent, 1, Some(600), None)
    );
    let d2 = ds.iter().find(|d| d.recipient == to(2)).expect("second");
    assert_eq!(
        (d2.status, d2.attempts, d2.next_attempt_ms),
        (DeliveryStatus::Pending, 1, 700)
    );
    assert_eq!(d2.last_error.as_deref(), Some("SMTP: connection refused"));
    // The retry falls due again; a delivery taken by a server that died mid-send is taken
    // again once its lease runs out (a restarted server picks it up).
    let again = store.claim_deliveries(700, 5_000, 10).await.expect("claim");
    assert_eq!(again.iter().map(|d| d.recipient.clone()).collect::<Vec<_>>(), [to(2)]);
    assert!(
        store
            .claim_deliveries(4_999, 9_000, 10)
            .await
            .expect("claim")
            .is_empty()
    );
    let after_crash = store.claim_deliveries(5_000, 9_000, 10).await.expect("claim");
    assert_eq!(after_crash.len(), 1, "taken again after the lease");
    let failed = TryOutcome::Failed {
        error: "SMTP: 550 no such user".into(),
    };
    store
        .record_delivery_try(&m.id, 0, "account-2", failed)
        .await
        .expect("record");
    assert!(
        store
            .claim_deliveries(i64::MAX, i64::MAX, 10)
            .await
            .expect("claim")
            .is_empty(),
        "failed for good"
    );
    let ds = store.notice_deliveries(&m.id).await.expect("deliveries");
    let d2 = ds.iter().find(|d| d.recipient == to(2)).expect("second");
    assert_eq!((d2.status, d2.attempts), (DeliveryStatus::Failed, 2));
}

/// Two servers on one database take each due delivery once.
pub async fn notice_deliveries_are_taken_once_by_two_handles(a: Arc<dyn Store>, b: Arc<dyn Store>) {
    let n = notice("n-many", NoticeKind::General, 1);
    let recipients = (0..40).map(to).collect();
    a.post_notice(n.clone(), new_deliveries(&n.id, 0, recipients, 1))
        .await
        .expect("post");
    let (x, y) = tokio::join!(a.claim_deliveries(1, 1_000, 30), b.claim_deliveries(1, 1_000, 30));
    let (x, y) = (x.expect("claim a"), y.expect("claim b"));
    let mut all: Vec<String> = x.iter().chain(&y).map(|d| d.recipient.account.clone()).collect();
    assert_eq!(all.len(), 40, "every delivery taken: {} + {}", x.len(), y.len());
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 40, "none taken twice");
}

/// The e-mails of notices hold their recipients' addresses: deleting an account deletes
/// those sent to it, and erasing a tenant (termination) those sent to its accounts.
pub async fn notice_emails_go_with_their_account_and_its_tenant(store: Arc<dyn Store>) {
    use kiroku::account::{NewAccount, Realm};
    let acme = super::new_tenant(&*store, "acme").await;
    let other = super::new_tenant(&*store, "other").await;
    let mut ids = Vec::new();
    for (login, t) in [("ann", acme), ("bob", acme), ("cy", other)] {
        let a = store
            .create_account(NewAccount {
                login: login.to_owned(),
                realm: Realm::Tenant(t),
                password_hash: format!("hash of {login}"),
                email: Some(format!("{login}@example.jp")),
            })
            .await
            .expect("account");
        ids.push(a.id);
    }
    let to = |i: usize| Recipient {
        account: ids[i].clone(),
        address: format!("{i}@example.jp"),
    };
    let n = notice("n-all", NoticeKind::General, 10);
    store
        .post_notice(n.clone(), new_deliveries(&n.id, 0, vec![to(0), to(1), to(2)], 10))
        .await
        .expect("post");
    let accounts = |ds: Vec<kiroku::notice::delivery::Delivery>| -> Vec<String> {
        ds.into_iter().map(|d| d.recipient.account).collect()
    };
    assert!(store.delete_account(&ids[0]).await.expect("delete"));
    let left = accounts(store.notice_deliveries(&n.id).await.expect("deliveries"));
    assert_eq!(left.len(), 2, "ann's e-mail went with her account: {left:?}");
    store.erase_tenant(acme, true).await.expect("erase");
    let left = accounts(store.notice_deliveries(&n.id).await.expect("deliveries"));
    assert_eq!(left, [ids[2].clone()], "only the other tenant's account's e-mail stays");
}
