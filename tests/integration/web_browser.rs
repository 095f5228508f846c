//! The web app in headless Chromium, in Japanese: first run through the setup link,
//! then the operator signs in on the admin page, opens a tenant and reads its learners
//! and progress; every text of each page (and its title, labels and button texts) is
//! walked against the English catalog, and no English UI string may be left. The same
//! pages in English are the comparison.
//!
//! Screenshots of each page in both languages, and the admin page on a phone's width,
//! go to `docs/screenshots/` with:
//!
//! ```text
//! KIROKU_SCREENSHOTS=docs/screenshots cargo nextest run -E 'test(/web_browser/)'
//! ```

use serde_json::{Value, json};

use crate::accounts::{PASSWORD, with_operator};
use crate::clicks::within;
use crate::packages::Env;
use crate::webdriver::{Browser, ENTER, TAB};
use kiroku::i18n::{Lang, messages};

const LEARNER: &str = "learner-7f3a";
const OPERATOR: &str = "root@ops.test";

/// Every text a person reads on the page: text nodes outside scripts and styles, the
/// title, and the labels, placeholders and values of controls. Data marked
/// `translate="no"` (an audit entry's JSON, identifiers) is not UI text.
pub const PAGE_TEXT: &str = r"
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const tag = n.parentElement ? n.parentElement.tagName : '';
    if (tag === 'SCRIPT' || tag === 'STYLE') continue;
    if (n.parentElement && n.parentElement.closest('[translate=no]')) continue;
    const s = n.textContent.trim();
    if (s) out.push(s);
  }
  for (const e of document.querySelectorAll('[aria-label],[title],[placeholder],[alt],input[type=submit],input[type=button]')) {
    for (const a of ['aria-label', 'title', 'placeholder', 'alt', 'value']) {
      const v = e.getAttribute(a);
      if (v && (a !== 'value' || e.type === 'submit' || e.type === 'button')) out.push(v.trim());
    }
  }
  return out;";

/// The English catalog's texts that differ from the Japanese ones, cut at their
/// placeables into the fragments a page would show.
pub fn english_fragments() -> Vec<String> {
    let ja: std::collections::HashMap<String, String> = messages(Lang::Ja).into_iter().collect();
    let mut out = Vec::new();
    for (id, en) in messages(Lang::En) {
        if ja.get(&id) == Some(&en) {
            continue; // the same in both (the product's name, language names)
        }
        for part in en.split(['{', '}']).filter(|p| !p.starts_with('$')) {
            let part = part.trim();
            if part.chars().filter(char::is_ascii_alphabetic).count() >= 2 {
                out.push(part.to_owned());
            }
        }
    }
    out
}

/// Fails on any text of the page that is, or holds, an English UI string: a text equal
/// to a fragment, or containing one of two words or more; then on any serious or
/// critical accessibility violation axe-core finds (`accessible`). Every new page's
/// browser test calls it on the page in Japanese.
pub async fn no_english_left(b: &Browser, page: &str) {
    let texts = b.execute(PAGE_TEXT, json!([])).await;
    let texts: Vec<String> = texts
        .as_array()
        .expect("texts")
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    assert!(texts.len() > 5, "{page}: the page has text: {texts:?}");
    let fragments = english_fragments();
    let left: Vec<String> = texts
        .iter()
        .filter_map(|text| {
            fragments
                .iter()
                .find(|f| text == *f || (f.contains(' ') && text.contains(f.as_str())))
                .map(|f| format!("{text:?} holds {f:?}"))
        })
        .collect();
    assert!(left.is_empty(), "{page}: English left in the Japanese page: {left:#?}");
    accessible(b, page).await;
}

/// axe-core's script: `KIROKU_AXE_JS`, else where `scripts/test.sh` installs it from npm
/// (`~/.cache/kiroku-axe/node_modules/axe-core/axe.min.js`).
fn axe_source() -> String {
    let path = std::env::var_os("KIROKU_AXE_JS").map_or_else(
        || {
            let home = std::env::var_os("HOME").unwrap_or_default();
            std::path::Path::new(&home).join(".cache/kiroku-axe/node_modules/axe-core/axe.min.js")
        },
        std::path::PathBuf::from,
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core not found at {} ({e}): scripts/test.sh installs it (npm install --prefix \
             ~/.cache/kiroku-axe axe-core@4), or set KIROKU_AXE_JS",
            path.display()
        )
    })
}

/// Runs axe-core (WCAG 2 A and AA rules, and its best practices) on the page as it is
/// and fails on any serious or critical violation, naming the rule and where.
pub async fn accessible(b: &Browser, page: &str) {
    b.execute(&axe_source(), json!([])).await;
    let found = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' +
                           v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe failed: ' + e]));",
            json!([]),
        )
        .await;
    let found: Vec<&str> = found
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(
        found.is_empty(),
        "{page}: accessibility violations (axe-core): {found:#?}"
    );
}

/// A fresh browser (1280 × 1000) signed in as `login` on the admin page at `url`.
pub async fn signed_in(url: &str, login: &str) -> Browser {
    let b = Browser::start().await;
    b.resize(1280, 1000).await;
    b.goto(url).await;
    b.wait_js("the sign-in form", "document.body.dataset.state === 'signed-out'")
        .await;
    b.send_keys(&b.find("#login").await, login).await;
    b.send_keys(&b.find("#password").await, PASSWORD).await;
    b.click_on("#signin-button").await;
    b.wait_js("signed in", "document.body.dataset.state === 'signed-in'")
        .await;
    b
}

async fn fill(b: &Browser, css: &str, text: &str) {
    b.execute("document.querySelector(arguments[0]).value = '';", json!([css]))
        .await;
    let e = b.find(css).await;
    b.send_keys(&e, text).await;
}

/// Chooses a language with the page's own control (no script: a form post).
/// Switches the page's language with its form and waits for the page the form brings back.
/// The old document is marked first: when the page was already in `lang`, the language alone
/// would be seen at once and the test would go on typing into a page about to be replaced.
pub async fn switch_to(b: &Browser, lang: &str) {
    b.execute(
        "window.__kirokuOldPage = true; document.getElementById('lang-select').value = arguments[0];",
        json!([lang]),
    )
    .await;
    b.click_on("#lang-button").await;
    b.wait_js(
        &format!("the page in {lang}"),
        &format!(
            "!window.__kirokuOldPage && document.documentElement.lang === '{lang}' \
             && document.readyState === 'complete'"
        ),
    )
    .await;
}

async fn sign_in(b: &Browser, login: &str) {
    b.wait_js("the sign-in form", "document.body.dataset.state === 'signed-out'")
        .await;
    fill(b, "#login", login).await;
    fill(b, "#password", PASSWORD).await;
    b.click_on("#signin-button").await;
}

/// Signs in with the keyboard alone: the login, Tab to the password, Enter submits.
async fn sign_in_by_keyboard(b: &Browser, login: &str) {
    b.wait_js("the sign-in form", "document.body.dataset.state === 'signed-out'")
        .await;
    b.send_keys(&b.find("#login").await, login).await;
    b.press(TAB).await;
    b.wait_js(
        "Tab to the password",
        "document.activeElement && document.activeElement.id === 'password'",
    )
    .await;
    b.send_keys(&b.find("#password").await, PASSWORD).await;
    b.press(ENTER).await;
}

/// The operator opens the tenant and sees its learner and the report.
async fn open_acme(b: &Browser) {
    b.wait_js(
        "the tenants",
        "document.querySelector('#tenants tr[data-tenant=\"acme\"]') !== null",
    )
    .await;
    b.click_on("#tenants tr[data-tenant=\"acme\"] button:nth-of-type(1)")
        .await;
    let listed = format!(
        "document.querySelector('#learners tr[data-learner=\"{LEARNER}\"]') \
         && document.querySelectorAll('#report tbody tr').length === 1"
    );
    b.wait_js("the learner and the report", &listed).await;
}

#[tokio::test]
async fn first_run_and_the_admin_page_in_japanese_leave_no_english() {
    within(async {
        let env = Env::with(with_operator()).await;
        let pkg = env.import_fixture("scorm12-single-sco").await;
        let package_id = pkg["packageId"].as_str().expect("package id").to_owned();
        env.app
            .post("/api/v1/launch")
            .auth(&env.admin)
            .json(&json!({"learner": {"id": LEARNER, "name": "山田 花子"}, "packageId": package_id}))
            .send()
            .await
            .expect(200);
        let app = &env.app;
        let link = kiroku::cli::first_run_link(&*app.store, &app.url(""), app.clock.now_ms())
            .await
            .expect("store")
            .expect("a setup link");

        let b = Browser::start().await;
        b.resize(1280, 1000).await;
        // The home page, in English, then switched to Japanese with its control.
        b.goto(&app.url("/")).await;
        b.wait_js("the home page", "document.getElementById('signin-link') !== null")
            .await;
        b.screenshot("home-en").await;
        // The setup link's form in English (opening it uses nothing up).
        b.goto(&link).await;
        b.wait_js("the setup form", "document.getElementById('setup-form') !== null")
            .await;
        b.screenshot("setup-en").await;
        b.goto(&app.url("/")).await;
        b.wait_js("the home page", "document.getElementById('signin-link') !== null")
            .await;
        switch_to(&b, "ja").await;
        no_english_left(&b, "home").await;
        b.screenshot("home-ja").await;

        // First run: the setup link's form, in Japanese (the cookie says so).
        b.goto(&link).await;
        b.wait_js("the setup form", "document.getElementById('setup-form') !== null")
            .await;
        no_english_left(&b, "setup").await;
        b.screenshot("setup-ja").await;
        fill(&b, "#login", OPERATOR).await;
        fill(&b, "#password", PASSWORD).await;
        fill(&b, "#password2", PASSWORD).await;
        b.click_on("#setup-submit").await;

        // To the admin page, which says the account exists; sign in.
        b.wait_js(
            "the admin page after setup",
            "document.body.dataset.state === 'signed-out' && document.getElementById('message').textContent !== ''",
        )
        .await;
        let said = b.text(&b.find("#message").await).await;
        assert!(said.contains("運用者アカウントを作成しました"), "{said}");
        no_english_left(&b, "admin sign-in").await;
        b.screenshot("admin-signin-ja").await;
        sign_in_by_keyboard(&b, OPERATOR).await;
        open_acme(&b).await;
        assert_eq!(b.text(&b.find("#message").await).await, "", "no error");
        assert_eq!(b.text(&b.find("#who-role").await).await, "運用者");
        let report = b.text(&b.find("#report tbody").await).await;
        assert!(report.contains("未着手 / 不明"), "{report}");
        assert!(report.contains("（バージョン 1）"), "{report}");
        no_english_left(&b, "admin").await;
        b.screenshot("admin-ja").await;
        b.resize(390, 844).await;
        b.screenshot("admin-phone-ja").await;
        let wide = b
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                json!([]),
            )
            .await;
        assert!(
            wide.as_i64().unwrap_or(0) <= 0,
            "no sideways scrolling on a phone: {wide}"
        );
        b.resize(1280, 1000).await;
        // The operator's tenants page.
        b.goto(&app.url("/tenants")).await;
        b.wait_js("the tenants page", "document.getElementById('tenant-list') !== null")
            .await;
        no_english_left(&b, "tenants").await;
        b.screenshot("tenants-ja").await;
        b.goto(&app.url("/admin/")).await;
        b.wait_js("signed in", "document.body.dataset.state === 'signed-in'")
            .await;

        // Switched to English while signed in: the account keeps it.
        switch_to(&b, "en").await;
        b.wait_js("signed in again", "document.body.dataset.state === 'signed-in'")
            .await;
        let account = app
            .store
            .account_by_login(OPERATOR)
            .await
            .expect("read")
            .expect("the operator")
            .0;
        assert_eq!(account.language, Some(Lang::En));
        open_acme(&b).await;
        assert_eq!(b.text(&b.find("#who-role").await).await, "operator");
        let report = b.text(&b.find("#report tbody").await).await;
        assert!(report.contains("not attempted / unknown"), "{report}");
        b.screenshot("admin-en").await;
        b.resize(390, 844).await;
        b.screenshot("admin-phone-en").await;
        b.resize(1280, 1000).await;
        b.goto(&app.url("/tenants")).await;
        b.wait_js("the tenants page", "document.getElementById('tenant-list') !== null")
            .await;
        b.screenshot("tenants-en").await;
        b.goto(&app.url("/admin/")).await;
        b.wait_js("signed in", "document.body.dataset.state === 'signed-in'")
            .await;
        b.click_on("#signout").await;
        b.wait_js("signed out", "document.body.dataset.state === 'signed-out'")
            .await;
        b.screenshot("admin-signin-en").await;
        // Signed out, the page follows the cookie; signing in brings the account's
        // language back.
        switch_to(&b, "ja").await;
        sign_in(&b, OPERATOR).await;
        b.wait_js(
            "the page in the account's language",
            "document.documentElement.lang === 'en' && document.body.dataset.state === 'signed-in'",
        )
        .await;
        b.quit().await;
    })
    .await;
}
