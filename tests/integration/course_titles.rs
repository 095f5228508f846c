//! A course whose author gave its titles in several languages (a cmi5 course's
//! `<langstring>`s) is shown in the reader's language: the portal's list of assigned
//! courses, the player's outline, and the course page's structure (blocks and AUs); a
//! language the course lacks falls back to the title picked at import.

use axum::http::Method;
use serde_json::{Value, json};

use crate::portal::{LEARNER, Portal};

async fn cmi5_assigned(p: &Portal) -> String {
    p.learner(LEARNER, None).await;
    p.set_password(LEARNER).await;
    let pkg = p.env.import_fixture("cmi5-runnable").await;
    let id = pkg["packageId"].as_str().expect("id").to_owned();
    p.assign(json!({ "packageId": id, "learner": LEARNER })).await;
    id
}

async fn home_in(p: &Portal, cookie: &str, lang: &str) -> String {
    p.env
        .app
        .get(&p.base())
        .header("cookie", cookie)
        .header("accept-language", lang)
        .send()
        .await
        .expect(200)
        .text()
}

#[tokio::test]
async fn the_portal_lists_a_cmi5_course_under_its_title_in_the_learners_language() {
    let p = Portal::start().await;
    let id = cmi5_assigned(&p).await;
    let cookie = p.signed_in(LEARNER).await;
    let row = |html: &str| {
        html.split(&format!("data-package=\"{id}\""))
            .nth(1)
            .and_then(|r| r.split("</th>").next())
            .unwrap_or_default()
            .to_owned()
    };
    let ja = home_in(&p, &cookie, "ja").await;
    assert!(row(&ja).contains("動く火山"), "{ja}");
    let en = home_in(&p, &cookie, "en").await;
    assert!(row(&en).contains("Runnable volcanoes"), "{en}");
}

#[tokio::test]
async fn the_players_outline_is_titled_in_the_learners_language() {
    let p = Portal::start().await;
    let id = cmi5_assigned(&p).await;
    let registration = p.env.register("学習者😀", &id).await;
    let url = crate::clicks::player_url(&p.env, &registration).await;
    let course = url.replace("/player/", "/runtime/").trim_end_matches('/').to_owned() + "/-/course";
    let view = |lang: &'static str| {
        let course = course.clone();
        let env = &p.env;
        async move {
            env.app
                .request(Method::GET, &course)
                .header("accept-language", lang)
                .send()
                .await
                .expect(200)
                .json()
        }
    };
    let titles = |v: &Value| -> Vec<String> {
        let mut out = vec![v["title"].as_str().unwrap_or_default().to_owned()];
        let mut stack: Vec<Value> = v["items"].as_array().cloned().unwrap_or_default();
        while let Some(n) = stack.pop() {
            out.push(n["title"].as_str().unwrap_or_default().to_owned());
            stack.extend(n["items"].as_array().cloned().unwrap_or_default());
        }
        out
    };
    let ja = titles(&view("ja").await);
    for t in ["動く火山", "外側のブロック", "合格で修了", "最初は中断"] {
        assert!(ja.iter().any(|x| x == t), "{t} in {ja:?}");
    }
    let en = titles(&view("en").await);
    for t in ["Runnable volcanoes", "Outer block", "Passed", "Abandoned first"] {
        assert!(en.iter().any(|x| x == t), "{t} in {en:?}");
    }
    // A language the course lacks: the title picked at import (English).
    let fr = titles(&view("fr").await);
    assert!(fr.iter().any(|x| x == "Runnable volcanoes"), "{fr:?}");
}

#[tokio::test]
async fn the_course_page_shows_a_cmi5_courses_blocks_and_aus_in_the_readers_language() {
    let p = Portal::start().await;
    let id = cmi5_assigned(&p).await;
    let login = "author@acme.example";
    let tenant = p.env.tenant.name.clone();
    crate::accounts::account(&p.env.app, login, json!({"role": "tenant-admin", "tenant": tenant})).await;
    let s = crate::accounts::sign_in(&p.env.app, login).await;
    let structure = |lang: &'static str| {
        let path = format!("/courses/{id}");
        let env = &p.env;
        let cookie = s.cookie.clone();
        async move {
            let html = env
                .app
                .req(Method::GET, &path)
                .header("accept-language", lang)
                .header("cookie", &cookie)
                .send()
                .await
                .expect(200)
                .text();
            html.split("id=\"structure\"").nth(1).unwrap_or_default().to_owned()
        }
    };
    let ja = structure("ja").await;
    // Nested as the cmi5.xml nests them: the inner block inside the outer, its AU inside it.
    let (outer, inner, au) = (
        ja.find("外側のブロック"),
        ja.find("内側のブロック"),
        ja.find("合格で修了"),
    );
    assert!(outer < inner && inner < au && outer.is_some(), "{ja}");
    assert!(ja.contains("動く火山") && ja.contains("(ブロック)"), "{ja}");
    let en = structure("en").await;
    assert!(
        en.contains("Outer block") && en.contains("(block)") && en.contains("Runnable volcanoes"),
        "{en}"
    );
}
