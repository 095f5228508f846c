//! The course library's pages over HTTP: who sees them, what they list (newest version,
//! kind and edition, size), a package's page (versions with the registrations on each,
//! the course's structure), in English and Japanese, and an operator naming the tenant.

use axum::http::Method;
use serde_json::json;

use crate::accounts::{account, sign_in, with_operator};
use crate::packages::Env;

async fn page(env: &Env, cookie: Option<&str>, path: &str, lang: &str) -> (u16, String) {
    let mut r = env.app.req(Method::GET, path).header("accept-language", lang);
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    let resp = r.send().await;
    (resp.status.as_u16(), resp.text())
}

#[tokio::test]
async fn the_library_lists_a_tenants_courses_and_a_course_page_its_versions_and_structure() {
    let env = Env::with(with_operator()).await;
    let app = &env.app;
    account(
        app,
        "author@acme.test",
        json!({"role": "tenant-admin", "tenant": "acme"}),
    )
    .await;
    let s = sign_in(app, "author@acme.test").await;

    // Signed out: sign in first.
    let (status, body) = page(&env, None, "/courses", "en").await;
    assert_eq!(status, 401, "{body}");
    assert!(
        body.contains("Sign in to see your tenant&#x27;s pages") || body.contains("Sign in to see your tenant"),
        "{body}"
    );

    let (status, body) = page(&env, Some(&s.cookie), "/courses", "en").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("id=\"courses-empty\""), "{body}");
    assert!(
        body.contains("id=\"upload-form\"") && body.contains(&s.csrf),
        "the form carries the CSRF token"
    );

    let pkg = env.import_fixture("scorm2004-4th-sequenced-course").await;
    let id = pkg["packageId"].as_str().expect("id").to_owned();
    env.import_fixture("scorm2004-4th-sequenced-course").await;
    env.register("ann", &id).await;
    let (status, body) = page(&env, Some(&s.cookie), "/courses", "ja").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Ladder Safety") && body.contains("SCORM 2004（第4版）"),
        "{body}"
    );
    assert!(body.contains("<td>2</td>"), "the newest version: {body}");
    assert!(body.contains("コースライブラリ"));

    let (status, body) = page(&env, Some(&s.cookie), &format!("/courses/{id}"), "en").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("id=\"versions\""));
    // Version 2 is shown; the registration is on version 2 (registered on the newest).
    assert!(
        body.contains("aria-current=\"true\"><th scope=\"row\"><a href=\"/courses/"),
        "{body}"
    );
    assert!(
        body.contains("<td>1</td></tr>"),
        "one registration on a version: {body}"
    );
    assert!(
        body.contains("Post-test") || body.contains("POSTTEST") || body.contains("(launchable)"),
        "{body}"
    );
    let (status, body) = page(&env, Some(&s.cookie), &format!("/courses/{id}?version=1"), "en").await;
    assert_eq!(status, 200);
    assert!(body.contains("As in version 1."), "{body}");
    let (status, _) = page(&env, Some(&s.cookie), "/courses/no-such-package", "en").await;
    assert_eq!(status, 404);
    let (status, _) = page(&env, Some(&s.cookie), &format!("/courses/{id}?version=9"), "en").await;
    assert_eq!(status, 404);

    // A text that would break the page is escaped where it is shown.
    let (status, body) = page(&env, Some(&s.cookie), "/courses/%3Cscript%3E", "en").await;
    assert_eq!(status, 404);
    assert!(!body.contains("<script>"), "{body}");

    // An operator names the tenant; without it, the page says how.
    account(app, "op@ops.test", json!({"role": "operator"})).await;
    let op = sign_in(app, "op@ops.test").await;
    let (status, body) = page(&env, Some(&op.cookie), "/courses", "en").await;
    assert_ne!(status, 200, "{body}");
    let (status, body) = page(&env, Some(&op.cookie), "/courses?tenant=acme", "en").await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("Ladder Safety") && body.contains("?tenant=acme"),
        "{body}"
    );
}

/// Posts a form as the signed-in session.
async fn post_form(env: &Env, cookie: &str, path: &str, form: &str) -> crate::support::Resp {
    env.app
        .req(Method::POST, path)
        .header("cookie", cookie)
        .body("application/x-www-form-urlencoded", form.as_bytes().to_vec())
        .send()
        .await
}

#[tokio::test]
async fn a_course_page_counts_the_registrations_of_real_learners_only() {
    let env = Env::with(with_operator()).await;
    account(
        &env.app,
        "author@acme.test",
        json!({"role": "tenant-admin", "tenant": "acme"}),
    )
    .await;
    let s = sign_in(&env.app, "author@acme.test").await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let id = pkg["packageId"].as_str().expect("id").to_owned();
    env.register("ann", &id).await;
    // Two previews of the author's: registrations of their test learner.
    for _ in 0..2 {
        let r = post_form(
            &env,
            &s.cookie,
            &format!("/courses/{id}/preview"),
            &format!("csrf={}", s.csrf),
        )
        .await;
        assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    }
    let regs = env
        .app
        .store
        .list_registrations(env.tenant.id, None, Some(&id), None)
        .await
        .expect("registrations");
    assert_eq!(regs.iter().filter(|r| r.preview).count(), 2, "{regs:?}");
    let (status, body) = page(&env, Some(&s.cookie), &format!("/courses/{id}"), "en").await;
    assert_eq!(status, 200);
    let versions = body
        .split("id=\"versions\"")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .unwrap_or_default();
    assert!(
        versions.contains("<td>1</td></tr>"),
        "ann's registration only: {versions}"
    );
}

#[tokio::test]
async fn a_course_page_assigns_the_course_and_lists_its_assignments() {
    let env = Env::with(with_operator()).await;
    account(
        &env.app,
        "author@acme.test",
        json!({"role": "tenant-admin", "tenant": "acme"}),
    )
    .await;
    let s = sign_in(&env.app, "author@acme.test").await;
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let id = pkg["packageId"].as_str().expect("id").to_owned();
    env.register("ann", &id).await;
    let path = format!("/courses/{id}");
    let (status, body) = page(&env, Some(&s.cookie), &path, "en").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("id=\"course-assign-form\"") && body.contains("id=\"course-assignments-empty\""),
        "{body}"
    );

    // Assigned from the course page: back to it, with the confirmation and the row.
    let form = crate::portal::form(&[
        ("csrf", &s.csrf),
        ("packageId", &id),
        ("learner", "ann"),
        ("endClient", ""),
        ("due", "2030-01-31"),
        ("return", "course"),
    ]);
    let r = post_form(&env, &s.cookie, "/assignments", &form).await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    let to = r.header("location").expect("Location").to_owned();
    assert_eq!(to, format!("/courses/{id}?done=assigned#assign-course-h"));
    let back = to.split('#').next().unwrap_or_default();
    let (status, body) = page(&env, Some(&s.cookie), back, "en").await;
    assert_eq!(status, 200);
    assert!(body.contains("id=\"course-assignment-notice\""), "{body}");
    let table = body.split("id=\"course-assignments\"").nth(1).unwrap_or_default();
    assert!(
        table.contains("Learner ann") && table.contains("31 Jan 2030"),
        "{table}"
    );
    let listed = env
        .app
        .store
        .list_assignments(env.tenant.id, None)
        .await
        .expect("assignments");
    assert_eq!(listed.len(), 1, "{listed:?}");

    // In Japanese.
    let (_, body) = page(&env, Some(&s.cookie), &path, "ja").await;
    assert!(
        body.contains("このコースの割り当て") && body.contains("受講者 ann"),
        "{body}"
    );

    // Neither a learner nor an end client: refused, nothing assigned.
    let form = crate::portal::form(&[("csrf", &s.csrf), ("packageId", &id), ("return", "course")]);
    let r = post_form(&env, &s.cookie, "/assignments", &form).await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text());
    // The refusal is shown on the course page, above the form it came from, and the page
    // can still open the player.
    let body = r.text();
    let notice = body.split("id=\"course-assignment-notice\"").nth(1).unwrap_or_default();
    assert!(body.contains("id=\"course-assign-form\""), "{body}");
    assert!(
        body.contains("class=\"notice error\" role=\"alert\" id=\"course-assignment-notice\""),
        "{body}"
    );
    assert!(
        !body.contains("id=\"assignment-form\""),
        "not the assignments page: {body}"
    );
    assert!(notice.split("</p>").next().unwrap_or_default().len() > 1, "{body}");
    let csp = r.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains(&format!("form-action 'self' http://{}", env.app.content_addr)),
        "{csp}"
    );
    let listed = env
        .app
        .store
        .list_assignments(env.tenant.id, None)
        .await
        .expect("assignments");
    assert_eq!(listed.len(), 1);
}
