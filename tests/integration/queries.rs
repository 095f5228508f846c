//! Statement queries: every filter, since/until, limit and `more` paging (also while
//! statements arrive), ascending, and the ids / canonical formats.

use std::time::Duration;

use serde_json::{Value, json};

use crate::data::{activity, agent, agent_param, ids_of, mbox, stmt, uuid, verb};
use crate::support::{Cred, TestApp};

/// Five statements exercising every filter; returns their ids in storing order.
async fn filter_fixture(app: &TestApp, c: &Cred, reg1: &str, reg2: &str) -> Vec<String> {
    let mut s1 = stmt("alice", "completed", "course");
    s1["context"] = json!({ "registration": reg1 });
    let mut s2 = stmt("bob", "attempted", "course");
    s2["context"] = json!({
        "instructor": agent("alice"),
        "contextActivities": { "parent": [{ "id": activity("module") }] },
    });
    let mut s3 = stmt("carol", "mentored", "unused");
    s3["object"] = agent("dave");
    let mut s4 = stmt("erin", "planned", "unused");
    s4["object"] = json!({
        "objectType": "SubStatement",
        "actor": agent("frank"),
        "verb": { "id": verb("completed") },
        "object": { "id": activity("lab") },
    });
    let mut s5 = stmt("gina", "completed", "course");
    s5["context"] = json!({
        "registration": reg2,
        "team": { "objectType": "Group", "member": [agent("hal")] },
    });
    app.store_statements(c, &json!([s1, s2, s3, s4, s5])).await
}

/// Query parameters with owned values.
type Params = Vec<(&'static str, String)>;

#[tokio::test]
async fn every_filter_selects_the_right_statements() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let (reg1, reg2) = (uuid(), uuid());
    let ids = filter_fixture(&app, &c, &reg1, &reg2).await;
    let named_alice = json!({ "objectType": "Agent", "name": "Someone Else", "mbox": mbox("alice") }).to_string();
    let (completed, course) = (verb("completed"), activity("course"));
    let cases: Vec<(Params, Vec<usize>)> = vec![
        (vec![("agent", agent_param("alice"))], vec![1]),
        (vec![("agent", named_alice)], vec![1]),
        (
            vec![("agent", agent_param("alice")), ("related_agents", "true".into())],
            vec![2, 1],
        ),
        (vec![("agent", agent_param("dave"))], vec![3]),
        (vec![("agent", agent_param("frank"))], vec![]),
        (
            vec![("agent", agent_param("frank")), ("related_agents", "true".into())],
            vec![4],
        ),
        (vec![("agent", agent_param("hal"))], vec![]),
        (
            vec![("agent", agent_param("hal")), ("related_agents", "true".into())],
            vec![5],
        ),
        (vec![("verb", completed.clone())], vec![5, 1]),
        (vec![("verb", verb("nonexistent"))], vec![]),
        (vec![("activity", course.clone())], vec![5, 2, 1]),
        (vec![("activity", activity("module"))], vec![]),
        (
            vec![("activity", activity("module")), ("related_activities", "true".into())],
            vec![2],
        ),
        (
            vec![("activity", activity("lab")), ("related_activities", "true".into())],
            vec![4],
        ),
        (vec![("registration", reg1.clone())], vec![1]),
        (vec![("registration", reg2.to_uppercase())], vec![5]),
        (
            vec![
                ("verb", completed),
                ("activity", course),
                ("agent", agent_param("gina")),
            ],
            vec![5],
        ),
        (vec![("ascending", "true".into())], vec![1, 2, 3, 4, 5]),
        (vec![("limit", "2".into())], vec![5, 4]),
        (vec![("limit", "0".into())], vec![5, 4, 3, 2, 1]),
    ];
    for (params, want) in cases {
        let p: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let want: Vec<String> = want.iter().map(|i| ids[i - 1].clone()).collect();
        assert_eq!(app.query_ids(&c, &p).await, want, "query {params:?}");
    }
}

/// Stores one statement and returns its id and `stored`, leaving the clock past it.
async fn store_timed(app: &TestApp, c: &Cred, who: &str) -> (String, String) {
    let id = app.store(c, &stmt(who, "v", "x")).await;
    let stored = app.statement(c, &id).await.json()["stored"]
        .as_str()
        .expect("stored")
        .to_owned();
    // `stored` has millisecond resolution: make the next statement's differ.
    tokio::time::sleep(Duration::from_millis(3)).await;
    (id, stored)
}

#[tokio::test]
async fn since_is_exclusive_and_until_inclusive() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let (s1, t1) = store_timed(&app, &c, "a").await;
    let (s2, t2) = store_timed(&app, &c, "b").await;
    let (s3, _) = store_timed(&app, &c, "c").await;
    let cases = [
        (vec![("since", t1.as_str())], vec![&s3, &s2]),
        (vec![("until", t2.as_str())], vec![&s2, &s1]),
        (vec![("since", t1.as_str()), ("until", t2.as_str())], vec![&s2]),
        (vec![("since", t2.as_str()), ("ascending", "true")], vec![&s3]),
    ];
    for (params, want) in cases {
        let want: Vec<String> = want.into_iter().cloned().collect();
        assert_eq!(app.query_ids(&c, &params).await, want, "{params:?}");
    }
}

/// Follows `more` links from a first page, running `between` before each next page.
async fn walk(app: &TestApp, c: &Cred, first: Value, mut between: impl AsyncFnMut()) -> Vec<String> {
    let mut page = first;
    let mut all = ids_of(&page);
    for _ in 0..100 {
        let more = page["more"].as_str().expect("more is always present").to_owned();
        if more.is_empty() {
            return all;
        }
        assert!(more.starts_with("/xapi/statements?more="), "more link {more:?}");
        between().await;
        page = app.get(&more).auth(c).send().await.expect(200).json();
        all.extend(ids_of(&page));
    }
    panic!("more links never ended");
}

#[tokio::test]
async fn more_links_page_through_everything_once() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let batch: Vec<Value> = (0..5).map(|i| stmt(&format!("p{i}"), "v", "x")).collect();
    let ids = app.store_statements(&c, &Value::Array(batch)).await;
    for ascending in ["false", "true"] {
        let first = app.query(&c, &[("limit", "2"), ("ascending", ascending)]).await;
        assert_eq!(ids_of(&first).len(), 2);
        let got = walk(&app, &c, first, async || {}).await;
        let mut want = ids.clone();
        if ascending == "false" {
            want.reverse();
        }
        assert_eq!(got, want, "ascending={ascending}");
    }
    let last = app.query(&c, &[]).await;
    assert_eq!(last["more"], json!(""), "no more pages: empty more");
}

#[tokio::test]
async fn more_links_stay_correct_while_statements_arrive() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    for ascending in ["false", "true"] {
        let v = verb(&format!("paged-{ascending}"));
        let mut s = stmt("pager", "x", "x");
        s["verb"]["id"] = json!(v);
        let before = app.store_statements(&c, &Value::Array(vec![s.clone(); 5])).await;
        let first = app
            .query(&c, &[("verb", &v), ("limit", "2"), ("ascending", ascending)])
            .await;
        let mut added = Vec::new();
        let got = walk(&app, &c, first, async || {
            added.push(app.store(&c, &s).await);
            app.store(&c, &stmt("unrelated", "other", "x")).await;
        })
        .await;
        let mut want = before.clone();
        if ascending == "false" {
            want.reverse();
        }
        assert_eq!(
            got, want,
            "ascending={ascending}: each statement exactly once, none of the new ones"
        );
        let now = app.query_ids(&c, &[("verb", &v)]).await;
        assert!(
            added.iter().all(|a| now.contains(a)),
            "new statements show in a new query"
        );
    }
}

#[tokio::test]
async fn format_ids_keeps_only_identifiers() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let mut s = stmt("alice", "completed", "course");
    s["object"]["definition"] = json!({ "name": { "en-US": "Course" } });
    let id = app.store(&c, &s).await;
    let got = &app.query(&c, &[("format", "ids")]).await["statements"][0];
    assert_eq!(got["id"], json!(id));
    assert_eq!(got["actor"], json!({ "objectType": "Agent", "mbox": mbox("alice") }));
    assert_eq!(got["verb"], json!({ "id": verb("completed") }));
    assert_eq!(got["object"], json!({ "id": activity("course") }));
    let exact = &app.query(&c, &[("format", "exact")]).await["statements"][0];
    assert_eq!(exact["object"], s["object"]);
}

#[tokio::test]
async fn format_canonical_keeps_one_language() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let mut s = stmt("alice", "completed", "course");
    s["verb"]["display"] = json!({ "en-US": "completed", "en-GB": "finished", "fr": "terminé" });
    s["object"]["definition"] = json!({ "name": { "en-US": "Course", "de": "Kurs" } });
    let id = app.store(&c, &s).await;
    let path = crate::data::q("/xapi/statements", &[("statementId", &id), ("format", "canonical")]);
    let r = app
        .get(&path)
        .auth(&c)
        .header("accept-language", "en-GB, de;q=0.5")
        .send()
        .await;
    let got = r.expect(200).json();
    assert_eq!(got["verb"]["display"], json!({ "en-GB": "finished" }));
    assert_eq!(got["object"]["definition"]["name"], json!({ "de": "Kurs" }));
    let exact = app.statement(&c, &id).await.json();
    assert_eq!(
        exact["verb"]["display"], s["verb"]["display"],
        "exact keeps every language"
    );
}

#[tokio::test]
async fn an_empty_result_is_a_statement_result() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let r = app.get("/xapi/statements").auth(&c).send().await.expect(200);
    assert!(r.header("content-type").unwrap_or("").starts_with("application/json"));
    assert_eq!(r.json(), json!({ "statements": [], "more": "" }));
}

/// A statement can carry an agent or activity both directly and as a related term (a
/// group member who is also the object; a StatementRef whose target names the same
/// agent or activity elsewhere). Related queries must still list it once.
#[tokio::test]
async fn related_queries_list_each_statement_once() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let mut both = stmt("x", "v", "x");
    both["actor"] = json!({ "objectType": "Group", "member": [agent("alice")] });
    both["object"] = agent("alice");
    let mut target = stmt("bob", "v", "lesson");
    target["context"] = json!({ "instructor": agent("alice") });
    let mut referrer = stmt("alice", "v", "x");
    referrer["context"] = json!({ "contextActivities": { "parent": [{ "id": activity("lesson") }] } });
    let ids = app.store_statements(&c, &json!([both, target])).await;
    referrer["object"] = json!({ "objectType": "StatementRef", "id": ids[1] });
    let r = app.store(&c, &referrer).await;
    let cases = [
        (
            ("agent", agent_param("alice")),
            "related_agents",
            vec![r.clone(), ids[1].clone(), ids[0].clone()],
        ),
        (
            ("activity", activity("lesson")),
            "related_activities",
            vec![r, ids[1].clone()],
        ),
    ];
    let mut wrong = Vec::new();
    for ((k, v), related, want) in cases {
        for limit in ["0", "1"] {
            let first = app.query(&c, &[(k, &v), (related, "true"), ("limit", limit)]).await;
            let got = walk(&app, &c, first, async || {}).await;
            if got != want {
                wrong.push(format!("{k} with {related}, limit {limit}: got {got:?}, want {want:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
