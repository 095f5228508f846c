//! Two `kiroku serve` processes on one PostgreSQL database and one shared data folder
//! answer for the same tenants: what one stores the other reads, `more` links and ETags
//! work across them, a launch made on one runs on the other, and a plan's request rate
//! holds for both together.

use axum::http::Method;
use serde_json::{Value, json};

use crate::data::{stmt, uuid, with_id};
use crate::packages::fixture;
use crate::process::{Kiroku, Server};
use crate::support::{Cred, HttpClient, Req, Resp, http_client};

fn url(server: &Server, path: &str) -> String {
    server.url(path)
}

async fn call(client: &HttpClient, method: Method, url: String, c: &Cred, body: Option<&Value>) -> Resp {
    let mut req = Req::new(client, method, url).auth(c);
    if let Some(b) = body {
        req = req.json(b);
    }
    req.send().await
}

#[tokio::test]
async fn two_servers_on_one_database_answer_for_the_same_tenant() {
    let k = Kiroku::on_postgres();
    k.ok(&["tenant", "create", "t"]);
    let c = k.credential("t");
    let admin = {
        let v = k.json(&["credential", "create", "t", "--scope", "admin"]);
        Cred {
            key: v["key"].as_str().expect("key").to_owned(),
            secret: v["secret"].as_str().expect("secret").to_owned(),
        }
    };
    let (a, b) = (k.serve(), k.serve());
    let client = http_client();

    // Statements posted to A are read from B, page by page, the `more` links alternating.
    let batch: Vec<Value> = (0..30)
        .map(|i| with_id(stmt(&format!("l{i}"), "read", "x"), &uuid()))
        .collect();
    call(
        &client,
        Method::POST,
        url(&a, "/xapi/statements"),
        &c,
        Some(&json!(batch)),
    )
    .await
    .expect(200);
    let mut seen = Vec::new();
    let mut next = "/xapi/statements?limit=7&ascending=true".to_owned();
    for (i, server) in [&b, &a, &b, &a, &b].into_iter().enumerate() {
        let page = call(&client, Method::GET, url(server, &next), &c, None)
            .await
            .expect(200);
        let body = page.json();
        seen.extend(
            body["statements"]
                .as_array()
                .expect("statements")
                .iter()
                .map(|s| s["id"].clone()),
        );
        let more = body["more"].as_str().unwrap_or_default().to_owned();
        if more.is_empty() {
            assert_eq!(i, 4, "five pages of at most 7");
            break;
        }
        next = more;
    }
    let sent: Vec<Value> = batch.iter().map(|s| s["id"].clone()).collect();
    assert_eq!(seen, sent, "every statement once, in order, across servers");
    // Both servers answer consistent-through from the database's clock, which `stored`
    // comes from: never earlier than what either has acknowledged. (The same format in
    // UTC with milliseconds: text order is time order.)
    let newest = call(&client, Method::GET, url(&b, "/xapi/statements?limit=1"), &c, None).await;
    let through = newest
        .header("x-experience-api-consistent-through")
        .expect("consistent-through")
        .to_owned();
    let stored = newest.json()["statements"][0]["stored"]
        .as_str()
        .expect("stored")
        .to_owned();
    assert!(through >= stored, "consistent-through {through} before stored {stored}");
    let posted = call(
        &client,
        Method::POST,
        url(&a, "/xapi/statements"),
        &c,
        Some(&json!(stmt("l99", "read", "x"))),
    )
    .await
    .expect(200);
    let id = posted.json()[0].as_str().expect("id").to_owned();
    let on_b = call(
        &client,
        Method::GET,
        url(&b, &format!("/xapi/statements?statementId={id}")),
        &c,
        None,
    )
    .await
    .expect(200);
    let stored = on_b.json()["stored"].as_str().expect("stored").to_owned();
    for through in [&posted, &on_b].map(|r| r.header("x-experience-api-consistent-through").expect("header")) {
        assert!(
            through >= stored.as_str(),
            "consistent-through {through} before stored {stored}"
        );
    }

    // A document written on A has the same ETag on B, and B honours it.
    let state = "/xapi/activities/state?activityId=http%3A%2F%2Fexample.com%2Fa&agent=%7B%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D&stateId=s";
    call(&client, Method::PUT, url(&a, state), &c, Some(&json!({"page": 1})))
        .await
        .expect(204);
    let on_b = call(&client, Method::GET, url(&b, state), &c, None).await.expect(200);
    let etag = on_b.header("etag").expect("etag").to_owned();
    let on_a = call(&client, Method::GET, url(&a, state), &c, None).await.expect(200);
    assert_eq!(on_a.header("etag"), Some(etag.as_str()));
    let put = Req::new(&client, Method::PUT, url(&b, state))
        .auth(&c)
        .header("if-match", &etag)
        .json(&json!({"page": 2}));
    put.send().await.expect(204);
    let stale = Req::new(&client, Method::PUT, url(&a, state))
        .auth(&c)
        .header("if-match", &etag)
        .json(&json!({"page": 3}));
    stale.send().await.expect(412);

    // A package imported and launched on A runs on B's content origin, and its SCO's
    // attempt opens on B and commits on A.
    let zip = fixture::package("scorm12-single-sco");
    let pkg = Req::new(&client, Method::POST, url(&a, "/api/v1/packages"))
        .auth(&admin)
        .body("application/zip", zip)
        .send()
        .await
        .expect(201)
        .json();
    let launch = json!({"learner": {"id": "ann", "name": "Ann"}, "packageId": pkg["packageId"]});
    let l = call(&client, Method::POST, url(&a, "/api/v1/launch"), &admin, Some(&launch))
        .await
        .expect(200)
        .json();
    let on_b_content = |u: &str| u.replace(&a.content_addr.to_string(), &b.content_addr.to_string());
    let file = on_b_content(l["url"].as_str().expect("url"));
    Req::new(&client, Method::GET, file).send().await.expect(200);
    let runtime = l["contentBase"]
        .as_str()
        .expect("base")
        .replace("/content/", "/runtime/");
    let item = l["item"].as_str().expect("item");
    let opened = Req::new(&client, Method::GET, on_b_content(&format!("{runtime}{item}")))
        .send()
        .await
        .expect(200)
        .json();
    let commit = json!({"attempt": opened["attempt"], "seq": opened["seq"].as_u64().expect("seq") + 1,
        "sets": [["cmi.core.lesson_location", "p2"]]});
    let stored = Req::new(&client, Method::POST, format!("{runtime}{item}/commit"))
        .json(&commit)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(stored["status"], "stored");
}

/// Requests alternating between the two servers until `sent` is reached, 4 at a time:
/// how many answered 200 and how many 429 (`None` when the run straddled a minute
/// boundary; the database's clock is this machine's).
async fn alternate(client: &HttpClient, servers: [&Server; 2], c: &Cred, sent: usize) -> Option<(usize, usize)> {
    let minute = || kiroku::clock::now_ms().div_euclid(60_000);
    let start = minute();
    let (mut ok, mut refused) = (0, 0);
    for chunk in (0..sent).collect::<Vec<_>>().chunks(4) {
        let calls = chunk.iter().map(|i| {
            let u = url(servers[i % 2], "/xapi/statements?limit=1");
            call(client, Method::GET, u, c, None)
        });
        for r in futures_util::future::join_all(calls).await {
            match r.status.as_u16() {
                200 => ok += 1,
                429 => {
                    let secs: u64 = r.header("retry-after").expect("Retry-After").parse().expect("seconds");
                    assert!((1..=60).contains(&secs));
                    refused += 1;
                }
                other => panic!("unexpected status {other}"),
            }
        }
    }
    (minute() == start).then_some((ok, refused))
}

#[tokio::test]
async fn a_plans_request_rate_holds_across_both_servers() {
    let k = Kiroku::on_postgres();
    // 100 a minute: servers reserve blocks of 2 (ops::ratelimit::block), so together they
    // admit between 100 - 2 × (2 - 1) and 100 requests.
    let limit = 100;
    k.ok(&["plan", "create", "small", "--requests-per-minute", &limit.to_string()]);
    k.ok(&["tenant", "create", "t", "--plan", "small"]);
    let c = k.credential("t");
    let (a, b) = (k.serve(), k.serve());
    let client = http_client();
    // The run takes about a second; within 5 s of a minute's end, wait for the next one
    // so the run counts in one minute.
    let into_minute = kiroku::clock::now_ms().rem_euclid(60_000);
    if into_minute > 55_000 {
        tokio::time::sleep(std::time::Duration::from_millis((60_100 - into_minute) as u64)).await;
    }
    let outcome = alternate(&client, [&a, &b], &c, 160).await;
    let (ok, refused) = outcome.expect("a run within one minute");
    let slack = 2 * (kiroku::ops::ratelimit::block(limit) as usize - 1);
    assert!(ok <= limit as usize && ok >= limit as usize - slack, "{ok} admitted");
    assert_eq!(ok + refused, 160);
}
