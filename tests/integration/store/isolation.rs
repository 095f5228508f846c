//! Tenant isolation through every store method: tenant B, knowing A's ids, hashes, keys,
//! ETags and paging bounds, can neither see nor change anything of A's.

use std::sync::Arc;

use kiroku::lrs::LrsError;
use kiroku::lrs::document::{DocKind, DocScope, Unconditional};
use kiroku::lrs::query::StatementQuery;
use kiroku::store::{Attachment, Store};
use kiroku::tenant::{Scope, ScopeSet, issue};
use serde_json::{Value, json};

use super::documents::{get, ids as doc_ids, json_of, key, put, state_scope, write};
use super::{
    CRED, agent_key, all_ids, body, insert, insert_one, new_tenant, page_ids, query, query_ids, read, read_voided,
    rejection, try_insert,
};
use crate::data::{activity, agent, sha256_hex, stmt, uuid, verb, voiding, with_id};

fn secret_stmt(reg: &str) -> Value {
    let mut s = stmt("alice", "secret", "secret-act");
    s["context"] = json!({
        "registration": reg,
        "instructor": agent("ian"),
        "contextActivities": { "parent": [{ "id": activity("secret-course") }] },
    });
    s
}

/// Every filter that matches A's secret statement in A.
fn filters(reg: &str) -> Vec<StatementQuery> {
    let d = StatementQuery::default;
    vec![
        d(),
        StatementQuery {
            agent: Some(agent_key("alice")),
            ..d()
        },
        StatementQuery {
            agent: Some(agent_key("ian")),
            related_agents: true,
            ..d()
        },
        StatementQuery {
            verb: Some(verb("secret")),
            ..d()
        },
        StatementQuery {
            activity: Some(activity("secret-act")),
            ..d()
        },
        StatementQuery {
            activity: Some(activity("secret-course")),
            related_activities: true,
            ..d()
        },
        StatementQuery {
            registration: Some(reg.to_owned()),
            ..d()
        },
        StatementQuery {
            mine: Some(CRED.to_owned()),
            ..d()
        },
    ]
}

pub async fn isolation_statement_reads(store: Arc<dyn Store>) {
    let (a, b) = (new_tenant(&*store, "a").await, new_tenant(&*store, "b").await);
    let b_bound = query(&*store, b, &StatementQuery::default()).await.upto_seq;
    let reg = uuid();
    let secret = insert_one(&*store, a, secret_stmt(&reg)).await;
    let target = insert_one(&*store, a, stmt("alice", "secret", "secret-act")).await;
    let void = insert_one(&*store, a, voiding("alice", &target)).await;
    for q in filters(&reg) {
        assert!(
            !query_ids(&*store, a, &q).await.is_empty(),
            "A's own query {q:?} is empty"
        );
    }

    for id in [&secret, &target, &void] {
        assert!(read(&*store, b, id).await.is_none(), "B reads A's {id}");
        assert!(read_voided(&*store, b, id).await.is_none(), "B reads A's voided {id}");
        let mine = store.statement(b, id, false, Some(CRED)).await.expect("read");
        assert!(mine.is_none(), "B reads A's {id} as mine");
    }
    for q in filters(&reg) {
        assert!(
            query_ids(&*store, b, &q).await.is_empty(),
            "B's query {q:?} finds A's statements"
        );
    }
    let found = store.activity_statements(b, &activity("secret-act"), 10).await;
    assert!(found.expect("activity statements").is_empty());

    let a_page = query(
        &*store,
        a,
        &StatementQuery {
            limit: 1,
            ..StatementQuery::default()
        },
    )
    .await;
    let a_more = StatementQuery {
        after_seq: a_page.more_after,
        upto_seq: Some(a_page.upto_seq),
        ..StatementQuery::default()
    };
    assert!(
        query_ids(&*store, b, &a_more).await.is_empty(),
        "A's paging bounds reveal A's statements to B"
    );
    let b_page = query(&*store, b, &StatementQuery::default()).await;
    assert_eq!(b_page.upto_seq, b_bound, "B's paging bound moves with A's statements");
    assert!(b_page.more_after.is_none());

    let own = insert_one(&*store, b, secret_stmt(&reg)).await;
    for q in filters(&reg) {
        assert_eq!(query_ids(&*store, b, &q).await, [own.as_str()], "B's query {q:?}");
    }
    assert_eq!(all_ids(&*store, a).await, [void, secret], "B's statement shows in A");
}

pub async fn isolation_statement_ids_reusable(store: Arc<dyn Store>) {
    let (a, b) = (new_tenant(&*store, "a").await, new_tenant(&*store, "b").await);
    let (shared, only_a) = (uuid(), uuid());
    insert(&*store, a, &[with_id(stmt("alice", "attempted", "quiz"), &shared)]).await;
    insert_one(&*store, a, with_id(stmt("alice", "completed", "course"), &only_a)).await;
    let b_version = with_id(stmt("bob", "passed", "exam"), &shared);
    assert_eq!(insert(&*store, b, &[b_version]).await, [shared.as_str()]);

    let a_body = body(&read(&*store, a, &shared).await.expect("A's statement"));
    let b_body = body(&read(&*store, b, &shared).await.expect("B's statement"));
    assert_eq!(a_body["actor"], agent("alice"));
    assert_eq!(b_body["actor"], agent("bob"));

    // B voids the shared id and refers to an id only A has: neither touches A.
    insert_one(&*store, b, voiding("bob", &shared)).await;
    let mut comment = stmt("bob", "commented", "x");
    comment["object"] = json!({ "objectType": "StatementRef", "id": only_a });
    let comment = insert_one(&*store, b, comment).await;
    assert!(
        read(&*store, a, &shared).await.is_some(),
        "B's voiding statement voided A's"
    );
    assert!(read_voided(&*store, b, &shared).await.is_some());
    let by_a_verb = StatementQuery {
        verb: Some(verb("completed")),
        ..StatementQuery::default()
    };
    assert!(
        query_ids(&*store, b, &by_a_verb).await.is_empty(),
        "B's StatementRef inherited A's terms"
    );
    assert_eq!(query_ids(&*store, a, &by_a_verb).await, [only_a.as_str()]);
    assert!(read(&*store, a, &comment).await.is_none());

    // A voids the shared id: only A's statement is voided.
    let a_void = with_id(voiding("alice", &shared), &uuid());
    try_insert(&*store, a, CRED, &[a_void], Vec::new())
        .await
        .expect("A voids its own");
    assert!(read(&*store, a, &shared).await.is_none());
    assert!(read_voided(&*store, b, &shared).await.is_some());
    let q = StatementQuery {
        verb: Some(verb("passed")),
        ..StatementQuery::default()
    };
    assert!(page_ids(&query(&*store, a, &q).await).is_empty());
}

pub async fn isolation_attachments(store: Arc<dyn Store>) {
    let (a, b) = (new_tenant(&*store, "a").await, new_tenant(&*store, "b").await);
    let content = b"A's private certificate".to_vec();
    let hash = sha256_hex(&content);
    let att = |ct: &str| Attachment {
        sha2: hash.clone(),
        content_type: ct.to_owned(),
        content: content.clone(),
    };
    let s = [stmt("alice", "passed", "quiz")];
    try_insert(&*store, a, CRED, &s, vec![att("application/pdf")])
        .await
        .expect("A stores");
    let seen = store.attachments(b, vec![hash.clone()]).await.expect("B's attachments");
    assert!(seen.is_empty(), "B fetched A's attachment");

    try_insert(&*store, b, CRED, &s, vec![att("text/plain")])
        .await
        .expect("B stores");
    let a_has = store.attachments(a, vec![hash.clone()]).await.expect("A's attachments");
    let b_has = store.attachments(b, vec![hash.clone()]).await.expect("B's attachments");
    assert_eq!(a_has, [att("application/pdf")]);
    assert_eq!(b_has, [att("text/plain")]);
}

/// A's documents of every kind, under the same keys B will use.
fn doc_scopes() -> [DocScope; 3] {
    let state = state_scope("");
    let activity_profile = DocScope {
        kind: DocKind::ActivityProfile,
        agent: String::new(),
        ..state.clone()
    };
    let agent_profile = DocScope {
        kind: DocKind::AgentProfile,
        activity: String::new(),
        ..state.clone()
    };
    [state, activity_profile, agent_profile]
}

pub async fn isolation_document_reads(store: Arc<dyn Store>) {
    let (a, b) = (new_tenant(&*store, "a").await, new_tenant(&*store, "b").await);
    for scope in doc_scopes() {
        write(&*store, a, &key(&scope, "doc"), put(&json!({ "owner": "A" }))).await;
        assert!(
            get(&*store, b, &key(&scope, "doc")).await.is_none(),
            "B reads A's {scope:?}"
        );
        assert!(doc_ids(&*store, b, &scope, None).await.is_empty());
        assert!(doc_ids(&*store, b, &scope, Some(0)).await.is_empty());
        assert_eq!(doc_ids(&*store, a, &scope, None).await, ["doc"]);
    }
}

pub async fn isolation_document_writes(store: Arc<dyn Store>) {
    let (a, b) = (new_tenant(&*store, "a").await, new_tenant(&*store, "b").await);
    for scope in doc_scopes() {
        let k = key(&scope, "doc");
        let mine = write(&*store, a, &k, put(&json!({ "owner": "A" }))).await;
        let tagged = format!("\"{}\"", mine.etag);

        let mut w = put(&json!({ "owner": "B" }));
        w.if_match = Some(tagged.clone());
        let r = store.write_document(b, k.clone(), w).await;
        assert!(
            matches!(rejection(r), LrsError::PreconditionFailed(_)),
            "A's ETag matched in B"
        );
        let mut w = put(&json!({ "owner": "B" }));
        w.unconditional = Unconditional::Refused;
        let r = store.write_document(b, k.clone(), w).await;
        assert!(
            matches!(rejection(r), LrsError::BadRequest(_)),
            "B learns A's document exists"
        );
        let r = store.delete_document(b, k.clone(), Some(tagged.clone()), None).await;
        assert!(matches!(rejection(r), LrsError::PreconditionFailed(_)));

        let mut w = put(&json!({ "owner": "B" }));
        w.if_none_match = Some("*".into());
        write(&*store, b, &k, w).await;
        let mut merge = put(&json!({ "merged": "B" }));
        merge.mode = kiroku::lrs::document::WriteMode::Merge;
        let b_doc = write(&*store, b, &k, merge).await;
        assert_eq!(json_of(&b_doc), json!({ "owner": "B", "merged": "B" }));
        assert_eq!(get(&*store, a, &k).await, Some(mine.clone()), "B's writes changed A's");

        store
            .delete_document(b, k.clone(), None, None)
            .await
            .expect("B deletes its own");
        assert!(get(&*store, b, &k).await.is_none());
        write(&*store, b, &k, put(&json!({ "owner": "B" }))).await;
        store.delete_documents(b, scope.clone()).await.expect("B deletes all");
        assert!(doc_ids(&*store, b, &scope, None).await.is_empty());
        assert_eq!(get(&*store, a, &k).await, Some(mine), "B's deletes removed A's");
    }
}

pub async fn isolation_credentials(store: Arc<dyn Store>) {
    let (a, b) = (new_tenant(&*store, "a").await, new_tenant(&*store, "b").await);
    let a_cred = issue(ScopeSet::new(vec![Scope::All]), "a".into()).new;
    let b_cred = issue(ScopeSet::new(vec![Scope::All]), "b".into()).new;
    store
        .create_credential(a, a_cred.clone())
        .await
        .expect("A's credential");
    store
        .create_credential(b, b_cred.clone())
        .await
        .expect("B's credential");

    let listed = store.list_credentials(b).await.expect("B's credentials");
    let keys: Vec<&str> = listed.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, [b_cred.key.as_str()]);
    let revoked = store.revoke_credential(b, &a_cred.key).await.expect("revoke");
    assert!(!revoked, "B revoked A's credential");
    let (tenant, cred) = store
        .credential_by_key(&a_cred.key)
        .await
        .expect("by key")
        .expect("A's credential is still active");
    assert_eq!((tenant.id, cred.tenant), (a, a));
    let (tenant, _) = store
        .credential_by_key(&b_cred.key)
        .await
        .expect("by key")
        .expect("B's credential");
    assert_eq!(tenant.id, b);
    assert_eq!(store.list_credentials(a).await.expect("A's credentials").len(), 1);
}
