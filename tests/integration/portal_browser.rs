//! The learner portal in headless Chromium: a tenant admin assigns a course on the
//! assignments page; the learner (a Japanese id with an emoji) signs in at the portal,
//! sees the assignment with its due date, launches it into the player, comes back and
//! resumes it (the same registration); the pages in Japanese hold no English and pass
//! axe-core. Screenshots in both languages with `KIROKU_SCREENSHOTS=<folder>`.

use serde_json::json;

use crate::accounts::account;
use crate::clicks::within;
use crate::portal::{LEARNER, NAME, PASSWORD, Portal};
use crate::web_browser::{no_english_left, signed_in, switch_to};
use crate::webdriver::Browser;
use kiroku::i18n::{Lang, t};

const RUNNING: &str = "window.API && window.API.bridge.state === 'running' && !document.body.dataset.refused";

async fn set(b: &Browser, css: &str, value: &str) {
    b.execute(
        "document.querySelector(arguments[0]).value = arguments[1];",
        json!([css, value]),
    )
    .await;
}

async fn loaded(b: &Browser, what: &str, css: &str) {
    b.wait_js(
        what,
        &format!("document.readyState === 'complete' && !!document.querySelector('{css}')"),
    )
    .await;
}

async fn status(b: &Browser) -> String {
    let v = b
        .execute(
            "const s = document.querySelector('#assignments td.status'); return s ? s.dataset.status : '';",
            json!([]),
        )
        .await;
    v.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn portal_browser_assign_sign_in_launch_come_back_and_resume() {
    within(async {
        let p = Portal::start().await;
        p.learner(LEARNER, None).await;
        p.set_password(LEARNER).await;
        let app = format!("http://{}", p.env.app.addr);
        let tenant = p.env.tenant.name.clone();

        // The admin assigns the course with a due date.
        let login = "admin@acme.example";
        account(&p.env.app, login, json!({"role": "tenant-admin", "tenant": tenant})).await;
        let admin = signed_in(&format!("{app}/admin/"), login).await;
        admin.goto(&format!("{app}/assignments")).await;
        loaded(&admin, "the assignments page", "#assignment-form").await;
        set(&admin, "#assign-learner", LEARNER).await;
        set(&admin, "#assign-due", "2030-01-31").await;
        admin.click_on("#assignment-create").await;
        loaded(&admin, "the assignment made", "#assignment-notice").await;
        admin.screenshot("portal-assignments-en").await;
        switch_to(&admin, "ja").await;
        loaded(&admin, "the assignments page in Japanese", "#assignments").await;
        no_english_left(&admin, "the assignments page").await;
        admin.screenshot("portal-assignments-ja").await;
        admin.quit().await;

        // The learner signs in at the portal.
        let b = Browser::start().await;
        b.resize(1280, 1000).await;
        let home = format!("{app}{}", p.base());
        b.goto(&home).await;
        loaded(&b, "the sign-in page", "#portal-signin").await;
        switch_to(&b, "en").await;
        b.screenshot("portal-signin-en").await;
        set(&b, "#portal-id", LEARNER).await;
        set(&b, "#portal-password", PASSWORD).await;
        b.click_on("#portal-signin-button").await;
        loaded(&b, "the learner's courses", "#assignments").await;
        let text = b.text(&b.find("#assignments").await).await;
        assert!(text.contains("31 Jan 2030"), "the due date: {text}");
        assert_eq!(status(&b).await, "not-started");
        let who = b.text(&b.find("#portal-learner").await).await;
        assert!(who.contains(NAME) && who.contains(LEARNER), "{who}");
        b.screenshot("portal-home-en").await;

        // Launch into the player, come back, resume.
        b.click_on("#assignments button.launch").await;
        b.wait_js("the player runs the SCO", RUNNING).await;
        assert!(b.url().await.contains("/player/"));
        b.screenshot("portal-player-en").await;
        b.goto(&home).await;
        loaded(&b, "back at the portal", "#assignments").await;
        assert_eq!(status(&b).await, "in-progress");
        let button = b.text(&b.find("#assignments button.launch").await).await;
        assert_eq!(button, t(Lang::En, "portal-resume"));
        b.click_on("#assignments button.launch").await;
        b.wait_js("the player resumes", RUNNING).await;
        let regs = p
            .env
            .get_api(&format!(
                "/api/v1/registrations?learner={}",
                crate::portal::seg(LEARNER)
            ))
            .await
            .expect(200)
            .json();
        assert_eq!(
            regs["registrations"].as_array().map(Vec::len),
            Some(1),
            "resumed: {regs}"
        );

        // In Japanese: no English left, and accessible.
        b.goto(&home).await;
        loaded(&b, "back again", "#assignments").await;
        switch_to(&b, "ja").await;
        loaded(&b, "the courses in Japanese", "#assignments").await;
        no_english_left(&b, "the portal's home").await;
        b.screenshot("portal-home-ja").await;
        // Launched from the Japanese portal: the player speaks Japanese.
        b.click_on("#assignments button.launch").await;
        b.wait_js(
            "the player resumes, in Japanese",
            &format!("document.documentElement.lang === 'ja' && {RUNNING}"),
        )
        .await;
        no_english_left(&b, "the player launched from the portal").await;
        b.screenshot("portal-player-ja").await;
        b.goto(&home).await;
        loaded(&b, "back in Japanese", "#assignments").await;
        b.click_on("#portal-signout-button").await;
        loaded(&b, "signed out", "#portal-signin").await;
        no_english_left(&b, "the portal's sign-in page").await;
        b.screenshot("portal-signin-ja").await;

        // An invitation link's page (a code made by the admin), in both languages.
        let invite = p
            .env
            .app
            .post(&format!("/api/v1/learners/{}/invitation", crate::portal::seg(LEARNER)))
            .auth(&p.env.admin)
            .send()
            .await
            .expect(201)
            .json();
        let link = invite["url"].as_str().expect("the link");
        b.goto(link).await;
        loaded(&b, "the invitation's page", "#portal-invite").await;
        no_english_left(&b, "the invitation's page").await;
        b.screenshot("portal-invite-ja").await;
        // The language control goes back to the portal's home; the link again.
        switch_to(&b, "en").await;
        b.goto(link).await;
        loaded(&b, "the invitation's page in English", "#portal-invite").await;
        b.screenshot("portal-invite-en").await;
        b.quit().await;
    })
    .await;
}
