//! Concurrent callers: what several requests (or several servers on one database) do at
//! once must come out as if done one after another.

use std::collections::BTreeSet;
use std::sync::Arc;

use futures_util::future::join_all;
use kiroku::lrs::LrsError;
use kiroku::lrs::query::StatementQuery;
use kiroku::store::{AttemptRecord, Store, StoreError};
use kiroku::tenant::TenantId;
use serde_json::{Value, json};

use super::documents::{key, put, state_scope};
use super::learners::package_version;
use super::{insert, new_tenant, page_ids, query};
use crate::data::stmt;

const WRITERS: usize = 8;

/// Has the store open a connection per writer first (a pooled backend opens them on
/// demand, which would otherwise space the writers out), so they really overlap.
async fn warm_up(store: &dyn Store, tenant: TenantId) {
    let reads = join_all((0..WRITERS).map(|_| store.tenant_by_id(tenant))).await;
    assert!(reads.iter().all(Result::is_ok));
}

/// Every page a reader was given stays the same once all writers are done: no statement
/// commits behind a sequence number a reader has already seen, and `stored` never goes
/// back as sequence numbers grow.
pub async fn concurrent_batches_never_commit_behind_a_read(store: Arc<dyn Store>) {
    let t = new_tenant(store.as_ref(), "acme").await;
    warm_up(store.as_ref(), t).await;
    let writer = |w: usize| {
        let store = Arc::clone(&store);
        async move {
            for b in 0..5 {
                let batch: Vec<Value> = (0..5).map(|i| stmt(&format!("w{w}b{b}s{i}"), "wrote", "x")).collect();
                insert(store.as_ref(), t, &batch).await;
            }
        }
    };
    let ascending = StatementQuery {
        ascending: true,
        limit: 500,
        ..StatementQuery::default()
    };
    let reader = async {
        let mut seen = Vec::new();
        for _ in 0..20 {
            let page = query(store.as_ref(), t, &ascending).await;
            seen.push((page.upto_seq, page_ids(&page)));
            tokio::task::yield_now().await;
        }
        seen
    };
    let (_, seen) = tokio::join!(join_all((0..WRITERS).map(writer)), reader);
    for (upto, ids) in seen {
        let again = StatementQuery {
            upto_seq: Some(upto),
            ..ascending.clone()
        };
        assert_eq!(
            page_ids(&query(store.as_ref(), t, &again).await),
            ids,
            "up to seq {upto}"
        );
    }
    let all = query(store.as_ref(), t, &ascending).await.statements;
    assert_eq!(all.len(), WRITERS * 25);
    for pair in all.windows(2) {
        assert!(pair[0].seq < pair[1].seq && pair[0].stored_ms <= pair[1].stored_ms);
    }
}

/// Of several creations with `If-None-Match: *`, one wins and the others fail 412.
pub async fn concurrent_if_none_match_creates_once(store: Arc<dyn Store>) {
    let t = new_tenant(store.as_ref(), "acme").await;
    warm_up(store.as_ref(), t).await;
    let k = key(&state_scope(""), "race");
    let writes = (0..WRITERS).map(|i| {
        let mut w = put(&json!({ "writer": i }));
        w.if_none_match = Some("*".into());
        store.write_document(t, k.clone(), w)
    });
    let results = join_all(writes).await;
    let won = results.iter().filter(|r| r.is_ok()).count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::Rejected(LrsError::PreconditionFailed(_)))))
        .count();
    assert_eq!((won, refused), (1, WRITERS - 1), "{results:?}");
}

/// Imports of one course at once become its versions 1, 2, 3… of one package.
pub async fn concurrent_versions_are_numbered_once(store: Arc<dyn Store>) {
    let t = new_tenant(store.as_ref(), "acme").await;
    warm_up(store.as_ref(), t).await;
    let versions = join_all((0..6).map(|_| package_version(store.as_ref(), t, "course-1"))).await;
    let numbers: BTreeSet<u32> = versions.iter().map(|v| v.version).collect();
    let packages: BTreeSet<&str> = versions.iter().map(|v| v.package_id.as_str()).collect();
    assert_eq!(numbers, (1..=6).collect());
    assert_eq!(packages.len(), 1);
}

/// Servers starting together agree on one signing key.
pub async fn concurrent_server_secret_created_once(store: Arc<dyn Store>) {
    let t = new_tenant(store.as_ref(), "acme").await;
    warm_up(store.as_ref(), t).await;
    let keys = join_all((0..WRITERS).map(|_| store.server_secret("race"))).await;
    let keys: BTreeSet<[u8; 32]> = keys.into_iter().map(|k| k.expect("server secret")).collect();
    assert_eq!(keys.len(), 1);
}

/// Commits of one attempt saved at once, in any order: the highest sequence number stays.
pub async fn concurrent_attempt_saves_keep_the_highest(store: Arc<dyn Store>) {
    let t = new_tenant(store.as_ref(), "acme").await;
    warm_up(store.as_ref(), t).await;
    let save = |seq: u64| {
        let a = AttemptRecord {
            registration: "reg-1".into(),
            item: "sco-1".into(),
            number: 1,
            state: kiroku::runtime::plan::AttemptState::Active,
            data: format!(r#"{{"seq":"{seq}"}}"#),
            commit_seq: seq,
            updated_ms: 1,
        };
        store.save_attempt(t, a)
    };
    for r in join_all([5, 2, 9, 1, 7, 3, 8, 4, 6].map(save)).await {
        r.expect("save attempt");
    }
    let latest = store.latest_attempt(t, "reg-1", "sco-1").await.expect("store call");
    let latest = latest.expect("an attempt");
    assert_eq!((latest.commit_seq, latest.data.as_str()), (9, r#"{"seq":"9"}"#));
}

/// Servers racing to run the same scheduled job: exactly one claims each period.
pub async fn concurrent_job_claimed_once(store: Arc<dyn Store>) {
    let claims = join_all((0..WRITERS).map(|_| store.claim_job("backup", "2026-11-25"))).await;
    let won = claims.into_iter().map(|c| c.expect("claim")).filter(|w| *w).count();
    assert_eq!(won, 1, "one claim wins");
    assert!(!store.claim_job("backup", "2026-11-25").await.expect("claim"));
    assert!(
        store.claim_job("backup", "2026-11-26").await.expect("claim"),
        "the next day is free"
    );
    assert!(
        store.claim_job("retention", "2026-11-25").await.expect("claim"),
        "another job is free"
    );
}
