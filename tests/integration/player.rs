//! The learner's player page (`/player/{grant}/`) on the content origin: the launch
//! answers give its URL for registrations; the page shows the course's table of contents,
//! installs the bridge on its own window and runs the SCO in an iframe, where the SCO
//! finds the API by walking its parents, as real content does. Checked in headless
//! Chromium and through the LRS.

use axum::http::Method;
use serde_json::{Value, json};

use crate::browser::{chromium_present, dump_dom};
use crate::packages::Env;
use crate::runtime::verbs_of;

/// An LMS launch of `fixture` for learner ann; returns the environment, the launch answer
/// and the registration id.
async fn lms_launch(fixture: &str) -> (Env, Value, String) {
    let env = Env::start().await;
    let pkg = env.import_fixture(fixture).await;
    let package_id = pkg["packageId"].as_str().expect("package id").to_owned();
    let l = env
        .app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&json!({"learner": {"id": "ann", "name": "Ann Lee"}, "packageId": package_id}))
        .send()
        .await
        .expect(200)
        .json();
    let registration = l["registration"].as_str().expect("registration id").to_owned();
    (env, l, registration)
}

fn player_url(l: &Value) -> String {
    l["playerUrl"].as_str().expect("playerUrl").to_owned()
}

/// The grant of a player URL (`…/player/{grant}/`).
fn grant_of(player: &str) -> &str {
    player.trim_end_matches('/').rsplit('/').next().expect("grant")
}

/// Flattens the course JSON's item tree, depth first.
fn flat(items: &Value, out: &mut Vec<Value>) {
    for it in items.as_array().expect("items") {
        out.push(it.clone());
        flat(&it["items"], out);
    }
}

#[tokio::test]
async fn launches_with_a_registration_return_the_player_url_and_package_launches_do_not() {
    let (env, l, registration) = lms_launch("scorm12-single-sco").await;
    let player = player_url(&l);
    let content = l["contentBase"].as_str().expect("content base");
    let grant = content.trim_end_matches('/').rsplit('/').next().expect("grant");
    assert!(player.ends_with(&format!("/player/{grant}/")), "{player} vs {content}");
    assert!(
        player.starts_with(&format!("http://{}", env.app.content_addr)),
        "{player}"
    );

    let r = env
        .app
        .post(&format!("/api/v1/registrations/{registration}/launch"))
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .json();
    assert!(r["playerUrl"].as_str().is_some_and(|u| u.contains("/player/")), "{r}");

    let id = l["packageId"].as_str().expect("package id");
    let p = env.launch(id, json!({"learner": "ann"})).await;
    assert!(
        p.get("playerUrl").is_none(),
        "a package launch has no registration: {p}"
    );
}

#[tokio::test]
async fn the_player_refuses_grants_without_a_registration_and_tampered_ones() {
    let (env, l, _) = lms_launch("scorm12-single-sco").await;
    let player = player_url(&l);
    let page = env.fetch(&player).await.expect(200);
    assert!(page.header("content-type").is_some_and(|c| c.starts_with("text/html")));
    assert!(
        page.text().contains("<script src=\"/runtime/player.js\"></script>"),
        "{}",
        page.text()
    );
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("script-src 'self';"), "no inline script may run: {csp}");
    let script = env
        .fetch(&format!("http://{}/runtime/player.js", env.app.content_addr))
        .await
        .expect(200);
    assert!(script.text().contains("KirokuBridge.install"), "{}", script.text());

    // A package launch (no registration) under the same path shape.
    let id = l["packageId"].as_str().expect("package id");
    let p = env.launch(id, json!({"learner": "ann"})).await;
    let base = p["contentBase"].as_str().expect("content base");
    let unregistered = format!("{}/", base.replace("/content/", "/player/").trim_end_matches('/'));
    let r = env.fetch(&unregistered).await.expect(403);
    assert!(r.header("content-type").is_some_and(|c| c.starts_with("text/html")));
    let refused = kiroku::i18n::t(kiroku::i18n::Lang::En, "player-refused-link");
    assert!(refused.contains("registration"), "{refused}");
    assert!(r.text().contains(&refused), "{}", r.text());
    let course = unregistered.replace("/player/", "/runtime/") + "course";
    env.fetch(&course).await.expect(403);

    // One character of the grant changed.
    let grant = grant_of(&player);
    let mut chars: Vec<char> = grant.chars().collect();
    let mid = chars.len() / 2;
    chars[mid] = if chars[mid] == 'A' { 'B' } else { 'A' };
    let tampered: String = chars.into_iter().collect();
    let forged = player.replace(grant, &tampered);
    env.fetch(&forged).await.expect(403);
    env.fetch(&format!("{}x/", player.trim_end_matches('/')))
        .await
        .expect(403);
}

#[tokio::test]
async fn the_course_json_gives_the_default_organization_with_hidden_items_not_visible() {
    let (env, l, _) = lms_launch("scorm12-multi-sco").await;
    let player = player_url(&l);
    let grant = grant_of(&player);
    let url = format!("http://{}/runtime/{grant}/-/course", env.app.content_addr);
    let c = env.fetch(&url).await.expect(200).json();
    assert_eq!(c["version"], "1.2", "{c}");
    let mut items = Vec::new();
    flat(&c["items"], &mut items);
    let by_id = |id: &str| {
        items
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("no item {id} in {c}"))
            .clone()
    };
    let glossary = by_id("ITEM-GLOSSARY");
    assert_eq!(glossary["visible"], false);
    assert_eq!(glossary["launchable"], true);
    let module = by_id("ITEM-MODULE");
    assert_eq!(module["visible"], true);
    assert_eq!(module["launchable"], false);
    assert!(module["url"].is_null());
    let hands = by_id("ITEM-HANDS");
    assert_eq!(hands["title"], "Washing hands");
    let hands_url = hands["url"].as_str().expect("url");
    assert!(hands_url.starts_with(&format!("/content/{grant}/")), "{hands_url}");
    assert!(hands_url.contains("lesson=hands"), "{hands_url}");
    assert_eq!(hands["hideLMSUI"], json!([]));
    // The URL serves the SCO's page.
    let page = env
        .fetch(&format!("http://{}{hands_url}", env.app.content_addr))
        .await
        .expect(200);
    assert!(page.header("content-type").is_some_and(|t| t.starts_with("text/html")));
    // Statuses appear once an item has an attempt.
    assert!(by_id("ITEM-INTRO")["status"].is_null());
    let open = format!("http://{}/runtime/{grant}/ITEM-INTRO", env.app.content_addr);
    env.app.request(Method::GET, &open).send().await.expect(200);
    let c = env.fetch(&url).await.expect(200).json();
    assert_eq!(c["items"][0]["id"], "ITEM-INTRO");
    assert_eq!(c["items"][0]["status"], "not attempted", "{c}");
}

#[tokio::test]
async fn the_player_shows_the_toc_and_its_sco_finds_the_api_through_its_parent() {
    assert!(chromium_present());
    let (env, l, registration) = lms_launch("scorm12-multi-sco").await;
    let player = player_url(&l);
    let dom = tokio::task::spawn_blocking(move || dump_dom(&player))
        .await
        .expect("chromium thread");
    let toc_start = dom.find("id=\"toc-list\"").unwrap_or_else(|| panic!("no TOC:\n{dom}"));
    let toc = &dom[toc_start..];
    for title in [
        "Welcome",
        "Module: Clean and safe",
        "Washing hands",
        "Storing food",
        "Quiz",
    ] {
        assert!(toc.contains(title), "{title} missing from the TOC:\n{dom}");
    }
    assert!(!toc.contains("Glossary"), "a hidden item is in the TOC:\n{dom}");
    assert!(dom.contains("aria-current=\"page\""), "no current item:\n{dom}");
    assert!(dom.contains("data-item=\"ITEM-INTRO\""), "{dom}");
    assert!(dom.contains("Kitchen Hygiene"), "course title:\n{dom}");
    assert!(dom.contains("<iframe id=\"sco\""), "{dom}");
    assert!(
        dom.contains("<p id=\"message\" role=\"status\" hidden=\"\"></p>"),
        "the player reported something:\n{dom}"
    );

    // The intro SCO initialized through the player's bridge, set its status and committed.
    let verbs = verbs_of(&env, &registration).await;
    assert!(verbs.iter().any(|v| v == "initialized"), "{verbs:?}");
    assert!(verbs.iter().any(|v| v == "completed"), "the SCO's commit: {verbs:?}");
    let c = env
        .fetch(&format!(
            "http://{}/runtime/{}/-/course",
            env.app.content_addr,
            grant_of(&player_url(&l))
        ))
        .await
        .expect(200)
        .json();
    assert_eq!(c["items"][0]["status"], "completed", "{c}");
}

fn zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::{Cursor, Write};
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (path, bytes) in files {
        zip.start_file(path.as_str(), zip::write::SimpleFileOptions::default())
            .expect("zip entry");
        zip.write_all(bytes).expect("zip data");
    }
    zip.finish().expect("finish zip").into_inner()
}

/// A SCORM 2004 page that finds `API_1484_11` by walking its parents and runs `script`
/// (with `api` in scope) on load.
fn sco_page(title: &str, script: &str) -> Vec<u8> {
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title><script>
function findApi(win) {{
  for (var hops = 0; win && hops < 10; hops++) {{
    if (win.API_1484_11) return win.API_1484_11;
    if (win.parent === win) break;
    win = win.parent;
  }}
  return null;
}}
window.addEventListener("load", function () {{
  var api = findApi(window);
  if (!api) {{ document.title = "no API"; return; }}
  {script}
}});
</script></head><body><h1>{title}</h1></body></html>"#
    )
    .into_bytes()
}

/// Two SCORM 2004 SCOs in an organization that allows flow: the first completes and asks
/// to continue, the second hides the player's Previous button.
fn two_sco_course() -> Vec<(String, Vec<u8>)> {
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.kiroku.tests.player" version="1"
          xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
          xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
          xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
          xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 3rd Edition</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>Two steps</title>
      <item identifier="ITEM-A" identifierref="RES-A"><title>Step one</title></item>
      <item identifier="ITEM-B" identifierref="RES-B">
        <title>Step two</title>
        <adlnav:presentation><adlnav:navigationInterface>
          <adlnav:hideLMSUI>previous</adlnav:hideLMSUI>
        </adlnav:navigationInterface></adlnav:presentation>
      </item>
      <imsss:sequencing><imsss:controlMode flow="true"/></imsss:sequencing>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES-A" type="webcontent" adlcp:scormType="sco" href="a.html"><file href="a.html"/></resource>
    <resource identifier="RES-B" type="webcontent" adlcp:scormType="sco" href="b.html"><file href="b.html"/></resource>
  </resources>
</manifest>
"#;
    let a = sco_page(
        "Step one",
        r#"api.Initialize("");
  api.SetValue("cmi.completion_status", "completed");
  api.SetValue("adl.nav.request", "continue");
  api.Terminate("");"#,
    );
    let b = sco_page(
        "Step two",
        r#"api.Initialize("");
  api.SetValue("cmi.location", "page 2");
  api.SetValue("cmi.completion_status", "incomplete");
  api.Commit("");"#,
    );
    vec![
        ("imsmanifest.xml".to_owned(), manifest.as_bytes().to_vec()),
        ("a.html".to_owned(), a),
        ("b.html".to_owned(), b),
    ]
}

#[tokio::test]
async fn a_scorm2004_sco_moves_the_player_on_and_each_sco_gets_its_own_bridge() {
    assert!(chromium_present());
    let env = Env::start().await;
    let pkg = env.import(&zip(&two_sco_course())).await;
    let package_id = pkg["packageId"].as_str().expect("package id");
    let l = env
        .app
        .post("/api/v1/launch")
        .auth(&env.admin)
        .json(&json!({"learner": {"id": "ann", "name": "Ann Lee"}, "packageId": package_id}))
        .send()
        .await
        .expect(200)
        .json();
    let registration = l["registration"].as_str().expect("registration").to_owned();
    let player = player_url(&l);
    let grant = grant_of(&player).to_owned();
    let dom = tokio::task::spawn_blocking(move || dump_dom(&player))
        .await
        .expect("chromium thread");
    assert!(
        dom.contains("<body data-item=\"ITEM-B\""),
        "step two is not shown:\n{dom}"
    );
    let previous = dom.find("id=\"previous\"").map(|i| &dom[i..i + 40]);
    assert!(
        previous.is_some_and(|p| p.contains("hidden")),
        "hideLMSUI previous:\n{dom}"
    );

    let verbs = verbs_of(&env, &registration).await;
    let count = |v: &str| verbs.iter().filter(|x| *x == v).count();
    assert_eq!(count("initialized"), 2, "{verbs:?}");
    assert!(count("completed") >= 1, "{verbs:?}");
    assert!(count("terminated") >= 1, "step one terminated: {verbs:?}");
    let url = format!("http://{}/runtime/{grant}/-/course", env.app.content_addr);
    let c = env.fetch(&url).await.expect(200).json();
    assert_eq!(c["version"], "2004");
    assert_eq!(c["items"][0]["status"], "completed", "{c}");
    assert_eq!(c["items"][1]["hideLMSUI"], json!(["previous"]), "{c}");
    assert!(c["items"][1]["status"].is_string(), "{c}");
}

/// Every English text of the catalogs that differs in Japanese, whole: none may be left on
/// a page served in Japanese.
fn english_left(page: &str) -> Vec<String> {
    let ja: std::collections::HashMap<String, String> =
        kiroku::i18n::messages(kiroku::i18n::Lang::Ja).into_iter().collect();
    kiroku::i18n::messages(kiroku::i18n::Lang::En)
        .into_iter()
        .filter(|(id, en)| ja.get(id) != Some(en) && en.chars().filter(char::is_ascii_alphabetic).count() >= 4)
        .flat_map(|(_, en)| {
            en.split(['{', '}'])
                .filter(|p| !p.starts_with('$') && p.trim().contains(' '))
                .map(|p| p.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|f| page.contains(&format!(">{f}<")) || page.contains(&format!("\"{f}\"")))
        .collect()
}

#[tokio::test]
async fn the_player_page_and_its_refusals_speak_the_learners_language() {
    let (env, l, _) = lms_launch("scorm12-multi-sco").await;
    let player = player_url(&l);
    let get = |url: String, lang: &'static str| {
        let app = &env.app;
        async move {
            app.request(Method::GET, &url)
                .header("accept-language", lang)
                .send()
                .await
        }
    };
    let ja = get(player.clone(), "ja-JP,ja;q=0.9,en;q=0.5").await.expect(200);
    assert_eq!(ja.header("content-language"), Some("ja"));
    let page = ja.text();
    assert!(page.contains("<html lang=\"ja\">"), "{page}");
    for id in [
        "player-next",
        "player-previous",
        "player-suspend",
        "player-exit",
        "player-contents",
    ] {
        let text = kiroku::i18n::t(kiroku::i18n::Lang::Ja, id);
        assert!(page.contains(&format!(">{text}<")), "{id} ({text}) missing:\n{page}");
    }
    let js = kiroku::i18n::t(kiroku::i18n::Lang::Ja, "player-js-saved");
    assert!(page.contains(&js), "the script's messages in Japanese:\n{page}");
    let left = english_left(&page);
    assert!(left.is_empty(), "English left in the Japanese player: {left:?}");
    // No English word of the old page either.
    for word in [
        ">Previous<",
        ">Next<",
        ">Suspend<",
        ">Exit<",
        ">Contents<",
        "Loading",
        "Course content",
    ] {
        assert!(!page.contains(word), "{word} in:\n{page}");
    }
    // The script itself holds no learner-facing sentence.
    let script = env
        .fetch(&format!("http://{}/runtime/player.js", env.app.content_addr))
        .await
        .expect(200)
        .text();
    for en in ["Your place is saved", "Navigation failed", "could not be", "Choose "] {
        assert!(!script.contains(en), "{en:?} is written in player.js");
    }

    // In English by default, and the cookie the language control sets wins.
    let en = env.fetch(&player).await.expect(200).text();
    assert!(en.contains(">Next<") && en.contains("<html lang=\"en\">"), "{en}");
    let chosen = env
        .app
        .request(Method::GET, &player)
        .header("accept-language", "en")
        .header("cookie", "kiroku_lang=ja")
        .send()
        .await
        .expect(200)
        .text();
    assert!(chosen.contains("<html lang=\"ja\">"), "the learner's choice: {chosen}");

    // Refusals in Japanese: a damaged player link, a content file not in the course.
    let forged = format!("{}x/", player.trim_end_matches('/'));
    let refused = get(forged, "ja").await.expect(403).text();
    assert!(
        refused.contains(&kiroku::i18n::t(kiroku::i18n::Lang::Ja, "player-refused-link")),
        "{refused}"
    );
    assert!(english_left(&refused).is_empty(), "{refused}");
    let grant = grant_of(&player);
    let missing = format!("http://{}/content/{grant}/no-such-file.html", env.app.content_addr);
    let refused = get(missing, "ja").await.expect(404).text();
    let text = kiroku::i18n::t(kiroku::i18n::Lang::Ja, "player-content-not-in-course");
    assert!(refused.contains(&text) && refused.contains("lang=ja"), "{refused}");
    let expired = format!("http://{}/content/{grant}x/index.html", env.app.content_addr);
    let refused = get(expired, "ja").await.expect(403).text();
    assert!(
        refused.contains(&kiroku::i18n::t(kiroku::i18n::Lang::Ja, "player-content-link")),
        "{refused}"
    );
}

#[tokio::test]
async fn an_lms_chooses_the_players_language_and_an_unknown_one_is_refused() {
    let env = Env::start().await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let package_id = pkg["packageId"].as_str().expect("package id").to_owned();
    let launch = |lang: Value| {
        let mut body = json!({"learner": {"id": "ann", "name": "Ann Lee"}, "packageId": package_id});
        if !lang.is_null() {
            body["lang"] = lang;
        }
        env.app.post("/api/v1/launch").auth(&env.admin).json(&body).send()
    };
    // Chosen: the player's link carries it; opening it keeps it in the content origin's
    // language cookie (as the player's own control does) and shows the player without it.
    let l = launch(json!("ja")).await.expect(200).json();
    let player = player_url(&l);
    assert!(player.ends_with("/?lang=ja"), "{player}");
    let r = env.fetch(&player).await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    let cookie = r.header("set-cookie").unwrap_or_default().to_owned();
    assert!(
        cookie.starts_with("kiroku_lang=ja;") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let to = r.header("location").expect("Location").to_owned();
    assert_eq!(
        to,
        format!("/player/{}/", grant_of(player.trim_end_matches("?lang=ja")))
    );
    let page = env
        .content(Method::GET, &format!("http://{}{to}", env.app.content_addr))
        .header("cookie", "kiroku_lang=ja")
        .header("accept-language", "en")
        .send()
        .await
        .expect(200)
        .text();
    assert!(page.contains("<html lang=\"ja\""), "{page}");
    // The same learner, in English this time (the registration is reused).
    let l = launch(json!("en")).await.expect(200).json();
    assert!(player_url(&l).ends_with("/?lang=en"));
    // Not chosen: as before, the browser's language.
    let l = launch(Value::Null).await.expect(200).json();
    assert!(player_url(&l).ends_with('/'), "{l}");

    // A language kiroku does not speak: 400 naming the field, from the API and the link.
    let r = launch(json!("fr")).await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(r.text().contains("lang must be one of en, ja"), "{}", r.text());
    let registration = l["registration"].as_str().expect("registration");
    let r = env
        .app
        .post(&format!("/api/v1/registrations/{registration}/launch"))
        .auth(&env.admin)
        .json(&json!({"lang": "de"}))
        .send()
        .await;
    assert_eq!(r.status.as_u16(), 400);
    let r = env.fetch(&format!("{}?lang=fr", player_url(&l))).await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(r.header("set-cookie").is_none());
}
