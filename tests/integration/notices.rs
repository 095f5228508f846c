//! Notices over HTTP: the operator and reseller admins post through the operator API,
//! tenant admins read what is addressed to their tenant (API and the /notices page, in
//! English and Japanese), incidents keep their timeline, and the learner's player shows
//! a maintenance banner while the window is open. E-mail is `notices_smtp.rs`.

use axum::http::Method;
use serde_json::{Value, json};

use crate::accounts::{PASSWORD, account, api_token, bearer, op, sign_in, with_operator};
use crate::support::TestApp;

/// An RFC 3339 time `minutes` from now.
fn at(minutes: i64) -> String {
    kiroku::clock::format_ms(kiroku::clock::now_ms() + minutes * 60_000)
}

fn maintenance(tenant: &str, from_min: i64, to_min: i64) -> Value {
    json!({
        "kind": "maintenance",
        "title": "定期メンテナンスのお知らせ",
        "body": "12月8日 02:00〜04:00 にサービスを停止します。\nご不便をおかけします 🙇",
        "audience": "tenant",
        "tenant": tenant,
        "windowStart": at(from_min),
        "windowEnd": at(to_min),
    })
}

async fn post(app: &TestApp, auth: &str, body: &Value) -> crate::support::Resp {
    app.post("/api/operator/v1/notices")
        .header("authorization", auth)
        .json(body)
        .send()
        .await
}

/// Two tenants with a tenant admin each (API tokens).
async fn two_tenants(app: &TestApp) -> (String, String) {
    app.tenant("tenant-a").await;
    app.tenant("tenant-b").await;
    let mut tokens = Vec::new();
    for t in ["tenant-a", "tenant-b"] {
        let login = format!("admin@{t}.example");
        account(app, &login, json!({"role": "tenant-admin", "tenant": t})).await;
        let s = sign_in(app, &login).await;
        tokens.push(bearer(&api_token(app, &s).await));
    }
    let b = tokens.pop().expect("b");
    let a = tokens.pop().expect("a");
    (a, b)
}

#[tokio::test]
async fn notice_to_one_tenant_is_seen_by_its_admin_only() {
    let app = with_operator().start().await;
    let (a, b) = two_tenants(&app).await;
    let op_auth = format!("Bearer {}", crate::accounts::TOKEN);
    let posted = post(&app, &op_auth, &maintenance("tenant-a", 60 * 24, 60 * 26))
        .await
        .expect(201)
        .json();
    assert_eq!(posted["audience"], "tenant");
    assert_eq!(posted["tenant"], "tenant-a");
    assert_eq!(posted["deliveries"], json!([]), "no SMTP configured: on the site only");

    let seen = app
        .get("/api/v1/notices")
        .header("authorization", &a)
        .send()
        .await
        .expect(200)
        .json();
    let list = seen["notices"].as_array().expect("notices");
    assert_eq!(list.len(), 1, "{seen}");
    assert_eq!(list[0]["title"], "定期メンテナンスのお知らせ");
    assert_eq!(list[0]["body"], posted["body"]);
    assert_eq!(list[0]["windowStart"], posted["windowStart"]);
    assert!(
        list[0].get("deliveries").is_none() && list[0].get("postedBy").is_none(),
        "{seen}"
    );
    let other = app
        .get("/api/v1/notices")
        .header("authorization", &b)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(
        other["notices"],
        json!([]),
        "tenant-b sees nothing of tenant-a's notice"
    );

    // The page, in Japanese and in English, for the admin of tenant-a; nothing for b.
    let sa = sign_in(&app, "admin@tenant-a.example").await;
    let page = sa
        .on(app.get("/notices"))
        .header("accept-language", "ja")
        .send()
        .await
        .expect(200)
        .text();
    assert!(page.contains("定期メンテナンスのお知らせ"), "{page}");
    assert!(page.contains("ご不便をおかけします 🙇"), "{page}");
    assert!(page.contains("<span class=\"kind\">メンテナンス</span>"), "{page}");
    let en = sa
        .on(app.get("/notices"))
        .header("accept-language", "en")
        .send()
        .await
        .expect(200)
        .text();
    assert!(
        en.contains("<span class=\"kind\">Maintenance</span>") && en.contains("Window:"),
        "{en}"
    );
    let sb = sign_in(&app, "admin@tenant-b.example").await;
    let page_b = sb.on(app.get("/notices")).send().await.expect(200).text();
    assert!(
        page_b.contains("id=\"notices-empty\"") && !page_b.contains("定期メンテナンス"),
        "{page_b}"
    );
    assert_eq!(app.get("/notices").send().await.status, 401, "signed out");
}

#[tokio::test]
async fn notice_reseller_admin_posts_only_to_its_own_tenants() {
    let app = with_operator().start().await;
    for r in ["north", "south"] {
        op(&app, Method::POST, "/api/operator/v1/resellers")
            .json(&json!({"name": r}))
            .send()
            .await
            .expect(201);
        account(
            &app,
            &format!("admin@{r}.example"),
            json!({"role": "reseller-admin", "reseller": r}),
        )
        .await;
    }
    for (t, r) in [("north-1", "north"), ("south-1", "south")] {
        op(&app, Method::POST, "/api/operator/v1/tenants")
            .json(&json!({"name": t, "reseller": r}))
            .send()
            .await
            .expect(201);
    }
    let north = bearer(&api_token(&app, &sign_in(&app, "admin@north.example").await).await);
    let south = bearer(&api_token(&app, &sign_in(&app, "admin@south.example").await).await);
    let general = |audience: Value| {
        let mut b = json!({"kind": "general", "title": "料金改定", "body": "4月から"});
        if let (Some(b), Some(a)) = (b.as_object_mut(), audience.as_object()) {
            b.extend(a.clone());
        }
        b
    };
    post(
        &app,
        &north,
        &general(json!({"audience": "tenant", "tenant": "north-1"})),
    )
    .await
    .expect(201);
    post(&app, &north, &general(json!({"audience": "reseller"})))
        .await
        .expect(201);
    for refused in [
        json!({"audience": "tenant", "tenant": "south-1"}),
        json!({"audience": "tenant", "tenant": "no-such-tenant"}),
        json!({"audience": "reseller", "reseller": "south"}),
        json!({"audience": "all"}),
    ] {
        let r = post(&app, &north, &general(refused.clone())).await.expect(403);
        assert!(
            r.message().contains("its own reseller (north)"),
            "{refused}: {}",
            r.message()
        );
    }
    // The operator reaches every audience; a tenant named by no one is 404 for it.
    let op_auth = format!("Bearer {}", crate::accounts::TOKEN);
    post(&app, &op_auth, &general(json!({"audience": "all"})))
        .await
        .expect(201);
    post(
        &app,
        &op_auth,
        &general(json!({"audience": "tenant", "tenant": "none"})),
    )
    .await
    .expect(404);
    // Each reseller admin lists what reaches its tenants: north its two and the one to all.
    let list = |auth: String| {
        let app = &app;
        async move {
            let v = app
                .get("/api/operator/v1/notices")
                .header("authorization", &auth)
                .send()
                .await
                .expect(200)
                .json();
            v["notices"].as_array().expect("notices").len()
        }
    };
    assert_eq!(list(north.clone()).await, 3);
    assert_eq!(list(south.clone()).await, 1);
    assert_eq!(list(op_auth).await, 3);
    // A tenant admin may not post at all.
    app.tenant("plain").await;
    account(
        &app,
        "admin@plain.example",
        json!({"role": "tenant-admin", "tenant": "plain"}),
    )
    .await;
    let plain = bearer(&api_token(&app, &sign_in(&app, "admin@plain.example").await).await);
    post(&app, &plain, &general(json!({"audience": "tenant", "tenant": "plain"})))
        .await
        .expect(403);
    let _ = PASSWORD;
}

#[tokio::test]
async fn notice_incident_keeps_its_timeline_until_resolved() {
    let app = with_operator().start().await;
    let (a, _) = two_tenants(&app).await;
    let op_auth = format!("Bearer {}", crate::accounts::TOKEN);
    let opened = post(
        &app,
        &op_auth,
        &json!({"kind": "incident", "title": "一部のコースが開けません", "body": "調査を開始しました。", "audience": "all"}),
    )
    .await
    .expect(201)
    .json();
    assert_eq!(opened["status"], "open");
    let id = opened["id"].as_str().expect("id");
    let updates = format!("/api/operator/v1/notices/{id}/updates");
    let update = |body: Value| app.post(&updates).header("authorization", &op_auth).json(&body).send();
    update(json!({"body": "原因を特定しました。"})).await.expect(200);
    let resolved = update(json!({"body": "復旧しました。", "resolve": true}))
        .await
        .expect(200)
        .json();
    assert_eq!(resolved["status"], "resolved");
    let timeline: Vec<&str> = resolved["updates"]
        .as_array()
        .expect("updates")
        .iter()
        .map(|u| u["body"].as_str().expect("body"))
        .collect();
    assert_eq!(timeline, ["原因を特定しました。", "復旧しました。"]);
    assert_eq!(resolved["resolvedAt"], resolved["updates"][1]["at"]);
    assert!(resolved["updates"][0]["at"].as_str() <= resolved["updates"][1]["at"].as_str());
    update(json!({"body": "late"})).await.expect(409);
    update(json!({"body": "  "})).await.expect(409);

    // The tenant sees the same timeline, on the API and the page.
    let seen = app
        .get("/api/v1/notices")
        .header("authorization", &a)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(seen["notices"][0]["updates"], resolved["updates"]);
    assert_eq!(seen["notices"][0]["status"], "resolved");
    let sa = sign_in(&app, "admin@tenant-a.example").await;
    let page = sa
        .on(app.get("/notices"))
        .header("accept-language", "ja")
        .send()
        .await
        .expect(200)
        .text();
    let (first, second) = (page.find("原因を特定しました。"), page.find("復旧しました。"));
    assert!(first.is_some() && first < second, "{page}");
    assert!(page.contains("解決"), "{page}");

    // Only incidents take updates.
    let general = post(
        &app,
        &op_auth,
        &json!({"kind": "general", "title": "t", "body": "b", "audience": "all"}),
    )
    .await
    .expect(201)
    .json();
    let path = format!(
        "/api/operator/v1/notices/{}/updates",
        general["id"].as_str().expect("id")
    );
    let r = app
        .post(&path)
        .header("authorization", &op_auth)
        .json(&json!({"body": "x"}))
        .send()
        .await;
    assert!(r.expect(400).message().contains("only an incident"));
    app.get(&format!("/api/operator/v1/notices/{id}"))
        .header("authorization", &op_auth)
        .send()
        .await
        .expect(200);
    app.get("/api/operator/v1/notices/nope")
        .header("authorization", &op_auth)
        .send()
        .await
        .expect(404);
}

#[tokio::test]
async fn notice_input_is_refused_with_its_reason() {
    let app = with_operator().start().await;
    app.tenant("tenant-a").await;
    let op_auth = format!("Bearer {}", crate::accounts::TOKEN);
    let mut backwards = maintenance("tenant-a", 120, 60);
    let cases = [
        (std::mem::take(&mut backwards), "end after it starts"),
        (
            json!({"kind": "maintenance", "title": "t", "body": "b", "audience": "all"}),
            "needs its window",
        ),
        (
            json!({"kind": "general", "title": " ", "body": "b", "audience": "all"}),
            "title must not be empty",
        ),
        (
            json!({"kind": "general", "title": "t", "body": "b".repeat(10_001), "audience": "all"}),
            "at most 10000",
        ),
        (
            json!({"kind": "news", "title": "t", "body": "b", "audience": "all"}),
            "kind is",
        ),
        (
            json!({"kind": "general", "title": "t", "body": "b", "audience": "tenant"}),
            "audience is",
        ),
        (
            json!({"kind": "maintenance", "title": "t", "body": "b", "audience": "all", "windowStart": "tomorrow", "windowEnd": at(5)}),
            "windowStart must be",
        ),
    ];
    for (body, reason) in cases {
        let r = post(&app, &op_auth, &body).await.expect(400);
        assert!(r.message().contains(reason), "{reason}: {}", r.message());
    }
    post(&app, "", &json!({})).await.expect(401);
}

#[tokio::test]
async fn notice_maintenance_banner_shows_in_the_player_during_its_window() {
    let env = crate::packages::Env::with(with_operator()).await;
    let other = env.app.tenant("elsewhere").await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let package_id = pkg["packageId"].as_str().expect("package id");
    let launch = env
        .app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&json!({"learner": {"id": "ann", "name": "Ann"}, "packageId": package_id}))
        .send()
        .await
        .expect(200)
        .json();
    let player = launch["playerUrl"].as_str().expect("playerUrl");
    let grant = player.trim_end_matches('/').rsplit('/').next().expect("grant");
    let course_url = format!("http://{}/runtime/{grant}/-/course", env.app.content_addr);
    let course = || env.fetch(&course_url);
    assert_eq!(course().await.expect(200).json()["maintenance"], Value::Null);

    let op_auth = format!("Bearer {}", crate::accounts::TOKEN);
    // Another tenant's maintenance never shows; this tenant's shows from an hour before.
    post(&env.app, &op_auth, &maintenance(other.name.as_str(), -10, 50))
        .await
        .expect(201);
    post(&env.app, &op_auth, &maintenance("acme", 90, 150))
        .await
        .expect(201);
    assert_eq!(
        course().await.expect(200).json()["maintenance"],
        Value::Null,
        "starts in 90 minutes"
    );
    env.app.clock.advance(31 * 60_000);
    let banner = course().await.expect(200).json()["maintenance"].clone();
    assert_eq!(banner["title"], "定期メンテナンスのお知らせ", "{banner}");
    let window = banner["window"].as_str().unwrap_or_default();
    assert!(window.contains(" UTC – "), "the window as English writes it: {banner}");
    let ja = env
        .app
        .request(Method::GET, &course_url)
        .header("accept-language", "ja")
        .send()
        .await
        .expect(200)
        .json();
    let window = ja["maintenance"]["window"].as_str().unwrap_or_default();
    assert!(window.contains("年") && window.contains("～"), "in Japanese: {ja}");
    assert!(banner["body"].as_str().expect("body").contains("🙇"));
    env.app.clock.advance(60 * 60_000);
    assert_eq!(
        course().await.expect(200).json()["maintenance"]["title"],
        banner["title"],
        "inside the window"
    );
    env.app.clock.advance(60 * 60_000);
    assert_eq!(course().await.expect(200).json()["maintenance"], Value::Null, "over");
    // The player page has the banner's place, filled from that data.
    let html = env.fetch(player).await.expect(200).text();
    assert!(html.contains("id=\"maintenance\"") && html.contains("/runtime/player.js"));
    let script = env
        .fetch(&format!("http://{}/runtime/player.js", env.app.content_addr))
        .await
        .expect(200)
        .text();
    assert!(script.contains("showMaintenance(c.maintenance)"));
}

#[tokio::test]
async fn notice_maintenance_banner_is_shown_by_the_player_browser() {
    assert!(crate::browser::chromium_present());
    let env = crate::packages::Env::with(with_operator()).await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let launch = env
        .app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&json!({"learner": {"id": "ann", "name": "Ann"}, "packageId": pkg["packageId"]}))
        .send()
        .await
        .expect(200)
        .json();
    let player = launch["playerUrl"].as_str().expect("playerUrl").to_owned();
    let op_auth = format!("Bearer {}", crate::accounts::TOKEN);
    post(&env.app, &op_auth, &maintenance("acme", -10, 50))
        .await
        .expect(201);
    let dom = tokio::task::spawn_blocking(move || crate::browser::dump_dom(&player))
        .await
        .expect("chromium thread");
    let start = dom
        .find("id=\"maintenance\"")
        .unwrap_or_else(|| panic!("no banner:\n{dom}"));
    let banner = dom
        .get(start..)
        .and_then(|b| b.split("</div></div>").next())
        .unwrap_or_default();
    let tag = banner.split('>').next().unwrap_or_default();
    assert!(!tag.contains("hidden"), "the banner is hidden: {tag}");
    assert!(banner.contains("定期メンテナンスのお知らせ"), "{banner}");
    assert!(banner.contains("ご不便をおかけします 🙇"), "{banner}");
    // The banner's label is the catalog's, in the browser's language (English here).
    let label = kiroku::i18n::t(kiroku::i18n::Lang::En, "player-maintenance");
    assert!(
        banner.contains(&format!("<strong id=\"maintenance-label\">{label}</strong>")),
        "{banner}"
    );
}
