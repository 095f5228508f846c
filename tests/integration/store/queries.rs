//! Statement queries: each filter, related agents and activities, since/until, order,
//! limits and paging.

use std::sync::Arc;

use kiroku::lrs::query::StatementQuery;
use kiroku::store::Store;
use serde_json::{Value, json};

use super::{agent_key, all_ids, authority, insert, insert_one, new_tenant, page_ids, query, query_ids, read, tick};
use crate::data::{activity, agent, stmt, uuid, verb};

fn q() -> StatementQuery {
    StatementQuery::default()
}

fn by_agent(name: &str, related: bool) -> StatementQuery {
    StatementQuery {
        agent: Some(agent_key(name)),
        related_agents: related,
        ..q()
    }
}

fn by_activity(name: &str, related: bool) -> StatementQuery {
    StatementQuery {
        activity: Some(activity(name)),
        related_activities: related,
        ..q()
    }
}

fn with_context(mut s: Value, context: Value) -> Value {
    s["context"] = context;
    s
}

/// Stores `n` statements one by one, returning their ids oldest first.
async fn insert_many(store: &dyn Store, t: kiroku::tenant::TenantId, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..n {
        out.push(insert_one(store, t, stmt(&format!("learner{i}"), "attempted", "quiz")).await);
    }
    out
}

fn rev(ids: &[String]) -> Vec<String> {
    ids.iter().rev().cloned().collect()
}

pub async fn query_by_agent(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let s1 = insert_one(&*store, t, stmt("alice", "attempted", "quiz")).await;
    let mut about_alice = stmt("bob", "mentored", "quiz");
    about_alice["object"] = agent("alice");
    let s2 = insert_one(&*store, t, about_alice).await;
    let s3 = insert_one(&*store, t, stmt("bob", "attempted", "quiz")).await;
    assert_eq!(query_ids(&*store, t, &by_agent("alice", false)).await, [s2.clone(), s1]);
    assert_eq!(query_ids(&*store, t, &by_agent("bob", false)).await, [s3, s2]);
    assert!(query_ids(&*store, t, &by_agent("carol", false)).await.is_empty());
}

pub async fn query_by_verb(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let batch = [
        stmt("alice", "attempted", "quiz"),
        stmt("alice", "completed", "quiz"),
        stmt("bob", "attempted", "quiz"),
    ];
    let ids = insert(&*store, t, &batch).await;
    let verb_q = |name: &str| StatementQuery {
        verb: Some(verb(name)),
        ..q()
    };
    assert_eq!(
        query_ids(&*store, t, &verb_q("attempted")).await,
        [ids[2].clone(), ids[0].clone()]
    );
    assert_eq!(query_ids(&*store, t, &verb_q("completed")).await, [ids[1].clone()]);
    assert!(query_ids(&*store, t, &verb_q("passed")).await.is_empty());
}

pub async fn query_by_activity(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let s1 = insert_one(&*store, t, stmt("alice", "attempted", "quiz")).await;
    let inside = json!({ "contextActivities": { "parent": [{ "id": activity("quiz") }] } });
    let s2 = insert_one(
        &*store,
        t,
        with_context(stmt("alice", "attempted", "question-1"), inside),
    )
    .await;
    assert_eq!(query_ids(&*store, t, &by_activity("quiz", false)).await, [s1]);
    assert_eq!(query_ids(&*store, t, &by_activity("question-1", false)).await, [s2]);
    assert!(query_ids(&*store, t, &by_activity("course", false)).await.is_empty());
}

pub async fn query_by_registration(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let (r1, r2) = (uuid(), uuid());
    let s1 = insert_one(
        &*store,
        t,
        with_context(stmt("alice", "attempted", "quiz"), json!({ "registration": r1 })),
    )
    .await;
    let s2 = insert_one(
        &*store,
        t,
        with_context(stmt("alice", "attempted", "quiz"), json!({ "registration": r2 })),
    )
    .await;
    insert_one(&*store, t, stmt("alice", "attempted", "quiz")).await;
    let reg = |r: &str| StatementQuery {
        registration: Some(r.to_owned()),
        ..q()
    };
    assert_eq!(query_ids(&*store, t, &reg(&r1)).await, [s1]);
    assert_eq!(query_ids(&*store, t, &reg(&r2)).await, [s2]);
    assert!(query_ids(&*store, t, &reg(&uuid())).await.is_empty());
}

pub async fn query_related_agents(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let taught = with_context(
        stmt("alice", "attempted", "quiz"),
        json!({ "instructor": agent("ian") }),
    );
    let s1 = insert_one(&*store, t, taught).await;
    let mut team = stmt("x", "attempted", "quiz");
    team["actor"] = json!({ "objectType": "Group", "name": "team", "member": [agent("gina")] });
    let s2 = insert_one(&*store, t, team).await;
    // Ian as actor, and through its StatementRef also Ian as s1's instructor: still one row.
    let mut comment = stmt("ian", "commented", "quiz");
    comment["object"] = json!({ "objectType": "StatementRef", "id": s1 });
    let s3 = insert_one(&*store, t, comment).await;

    assert_eq!(query_ids(&*store, t, &by_agent("ian", false)).await, [s3.as_str()]);
    assert_eq!(
        query_ids(&*store, t, &by_agent("ian", true)).await,
        [s3.clone(), s1.clone()]
    );
    assert!(query_ids(&*store, t, &by_agent("gina", false)).await.is_empty());
    assert_eq!(query_ids(&*store, t, &by_agent("gina", true)).await, [s2.as_str()]);
    let authority_q = |related| StatementQuery {
        agent: kiroku::lrs::agent::ifi_key(&authority()),
        related_agents: related,
        ..q()
    };
    assert!(query_ids(&*store, t, &authority_q(false)).await.is_empty());
    assert_eq!(query_ids(&*store, t, &authority_q(true)).await, [s3, s2, s1]);
}

pub async fn query_related_activities(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let ctx = json!({ "contextActivities": {
        "parent": { "id": activity("course") },
        "grouping": [{ "id": activity("program") }],
    } });
    let s1 = insert_one(&*store, t, with_context(stmt("alice", "attempted", "lesson"), ctx)).await;
    let mut sub = stmt("bob", "planned", "x");
    sub["object"] = json!({
        "objectType": "SubStatement",
        "actor": agent("bob"),
        "verb": { "id": verb("attempted") },
        "object": { "id": activity("sub-lesson") },
    });
    let s2 = insert_one(&*store, t, sub).await;
    let s3 = insert_one(&*store, t, stmt("carol", "attempted", "course")).await;

    assert_eq!(
        query_ids(&*store, t, &by_activity("course", false)).await,
        [s3.as_str()]
    );
    assert_eq!(
        query_ids(&*store, t, &by_activity("course", true)).await,
        [s3, s1.clone()]
    );
    assert!(query_ids(&*store, t, &by_activity("program", false)).await.is_empty());
    assert_eq!(
        query_ids(&*store, t, &by_activity("program", true)).await,
        [s1.as_str()]
    );
    assert_eq!(query_ids(&*store, t, &by_activity("lesson", true)).await, [s1]);
    assert!(
        query_ids(&*store, t, &by_activity("sub-lesson", false))
            .await
            .is_empty()
    );
    assert_eq!(query_ids(&*store, t, &by_activity("sub-lesson", true)).await, [s2]);
}

pub async fn query_filters_combine(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let reg = uuid();
    let batch = [
        stmt("alice", "attempted", "quiz"),
        stmt("alice", "completed", "quiz"),
        stmt("bob", "completed", "quiz"),
        stmt("alice", "completed", "survey"),
        with_context(stmt("alice", "completed", "quiz"), json!({ "registration": reg })),
    ];
    let ids = insert(&*store, t, &batch).await;
    let mut f = by_agent("alice", false);
    f.verb = Some(verb("completed"));
    assert_eq!(
        query_ids(&*store, t, &f).await,
        [ids[4].clone(), ids[3].clone(), ids[1].clone()]
    );
    f.activity = Some(activity("quiz"));
    assert_eq!(query_ids(&*store, t, &f).await, [ids[4].clone(), ids[1].clone()]);
    f.registration = Some(reg);
    assert_eq!(query_ids(&*store, t, &f).await, [ids[4].clone()]);
    f.agent = Some(agent_key("bob"));
    assert!(query_ids(&*store, t, &f).await.is_empty());
    let mut g = by_agent("alice", true);
    g.activity = Some(activity("quiz"));
    g.related_activities = true;
    assert_eq!(
        query_ids(&*store, t, &g).await,
        [ids[4].clone(), ids[1].clone(), ids[0].clone()]
    );
}

pub async fn query_since_until(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let mut ids = Vec::new();
    let mut at = Vec::new();
    for who in ["alice", "bob", "carol"] {
        let id = insert_one(&*store, t, stmt(who, "attempted", "quiz")).await;
        at.push(read(&*store, t, &id).await.expect("stored").stored_ms);
        ids.push(id);
        tick().await;
    }
    assert!(at[0] < at[1] && at[1] < at[2], "stored times do not advance: {at:?}");
    let window = |since: Option<i64>, until: Option<i64>| StatementQuery {
        since,
        until,
        ascending: true,
        ..q()
    };
    assert_eq!(query_ids(&*store, t, &window(Some(at[0]), None)).await, ids[1..]);
    assert_eq!(query_ids(&*store, t, &window(Some(at[0] - 1), None)).await, ids);
    assert_eq!(query_ids(&*store, t, &window(None, Some(at[1]))).await, ids[..2]);
    assert_eq!(query_ids(&*store, t, &window(None, Some(at[1] - 1))).await, ids[..1]);
    assert_eq!(
        query_ids(&*store, t, &window(Some(at[0]), Some(at[1]))).await,
        ids[1..2]
    );
    assert!(query_ids(&*store, t, &window(Some(at[2]), None)).await.is_empty());
    assert!(query_ids(&*store, t, &window(None, Some(at[0] - 1))).await.is_empty());
}

pub async fn query_order(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let mut ids = insert(
        &*store,
        t,
        &[stmt("a", "attempted", "quiz"), stmt("b", "attempted", "quiz")],
    )
    .await;
    ids.extend(insert_many(&*store, t, 2).await);
    assert_eq!(all_ids(&*store, t).await, rev(&ids));
    let asc = StatementQuery { ascending: true, ..q() };
    assert_eq!(query_ids(&*store, t, &asc).await, ids);
}

pub async fn query_limit_and_more(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let ids = insert_many(&*store, t, 5).await;
    let limit = |n: u32| StatementQuery { limit: n, ..q() };
    let page = query(&*store, t, &limit(2)).await;
    assert_eq!(page_ids(&page), rev(&ids[3..]));
    assert_eq!(page.more_after, Some(page.statements[1].seq));
    let page = query(&*store, t, &limit(5)).await;
    assert_eq!(page_ids(&page), rev(&ids));
    assert_eq!(page.more_after, None, "more offered when nothing is left");
    let page = query(&*store, t, &limit(0)).await;
    assert_eq!((page.statements.len(), page.more_after), (5, None));
    assert!(page.upto_seq >= page.statements[0].seq, "the bound excludes the newest");
    let empty = new_tenant(&*store, "empty").await;
    let page = query(&*store, empty, &limit(2)).await;
    assert!(page.statements.is_empty() && page.more_after.is_none());
}

/// The query for the page after `page`, as a `more` token carries it.
fn next(mut q: StatementQuery, page: &kiroku::store::QueryPage) -> StatementQuery {
    q.after_seq = Some(page.more_after.expect("a next page"));
    q.upto_seq = Some(page.upto_seq);
    q
}

pub async fn query_paging_descending_is_stable(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let ids = insert_many(&*store, t, 5).await;
    let first = StatementQuery { limit: 2, ..q() };
    let p1 = query(&*store, t, &first).await;
    assert_eq!(page_ids(&p1), [ids[4].clone(), ids[3].clone()]);
    let late = insert_one(&*store, t, stmt("late", "attempted", "quiz")).await;
    let p2 = query(&*store, t, &next(first.clone(), &p1)).await;
    assert_eq!(page_ids(&p2), [ids[2].clone(), ids[1].clone()]);
    assert_eq!(p2.upto_seq, p1.upto_seq, "the bound moved between pages");
    let p3 = query(&*store, t, &next(first.clone(), &p2)).await;
    assert_eq!(page_ids(&p3), [ids[0].clone()]);
    assert_eq!(p3.more_after, None);
    let fresh = query(&*store, t, &first).await;
    assert_eq!(page_ids(&fresh), [late, ids[4].clone()]);
}

pub async fn query_paging_ascending_continues(store: Arc<dyn Store>) {
    let t = new_tenant(&*store, "acme").await;
    let ids = insert_many(&*store, t, 5).await;
    let first = StatementQuery {
        limit: 2,
        ascending: true,
        verb: Some(verb("attempted")),
        ..q()
    };
    let mut seen = Vec::new();
    let mut page = query(&*store, t, &first).await;
    seen.push(page_ids(&page));
    while page.more_after.is_some() {
        page = query(&*store, t, &next(first.clone(), &page)).await;
        seen.push(page_ids(&page));
        assert!(seen.len() <= 3, "paging does not end: {seen:?}");
    }
    let expected: Vec<Vec<String>> = ids.chunks(2).map(<[String]>::to_vec).collect();
    assert_eq!(seen, expected);
}
