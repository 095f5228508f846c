//! The operator's and reseller admins' pages over HTTP: a tenant's page (`/tenants/{name}`)
//! with its forms (suspend with a reason, resume, change plan, create an account), the
//! plans page and the resellers page, and a termination from the tenant's page. Who sees what (the operator, a reseller admin of
//! their own or another reseller's tenant, a tenant admin refused), forms answered 303,
//! bad input 400 with the page again and why, a stale form 403.

use axum::http::Method;
use serde_json::json;

use crate::accounts::{PASSWORD, Session, account, op, sign_in, try_sign_in, with_operator};
use crate::packages::Env;
use crate::support::{Resp, TestApp};

const FORM: &str = "application/x-www-form-urlencoded";
/// The accounts' password as a form sends it.
const PW: &str = "correct+horse+battery+staple";

async fn get(app: &TestApp, s: &Session, path: &str) -> Resp {
    app.req(Method::GET, path).header("cookie", &s.cookie).send().await
}

async fn post(app: &TestApp, s: &Session, path: &str, form: &str) -> Resp {
    app.req(Method::POST, path)
        .header("cookie", &s.cookie)
        .body(FORM, form.as_bytes().to_vec())
        .send()
        .await
}

fn assert_303(r: &Resp, to: &str) {
    assert_eq!(
        (r.status.as_u16(), r.header("location")),
        (303, Some(to)),
        "{}",
        r.text()
    );
}

/// A 400 showing the page again with the refusal, which says `why`.
fn assert_refused(r: &Resp, why: &str) {
    let page = r.text();
    assert_eq!(r.status.as_u16(), 400, "{page}");
    assert!(
        page.contains("id=\"form-error\"") && page.contains(why),
        "{why}: {page}"
    );
}

async fn operator(app: &TestApp) -> Session {
    account(app, "op@ops.test", json!({"role": "operator"})).await;
    sign_in(app, "op@ops.test").await
}

async fn plan(app: &TestApp, name: &str, learners: u64) {
    op(app, Method::POST, "/api/operator/v1/plans")
        .json(&json!({"name": name, "learners": learners}))
        .send()
        .await
        .expect(201);
}

#[tokio::test]
async fn the_operator_suspends_resumes_and_moves_a_tenant_on_its_page() {
    let env = Env::with(with_operator()).await;
    let app = &env.app;
    let s = operator(app).await;
    plan(app, "gold", 50).await;
    let page = get(app, &s, "/tenants/acme").await.expect(200).text();
    for part in [
        "data-status=\"active\"",
        "id=\"usage\"",
        "id=\"suspend-form\"",
        "id=\"plan-form\"",
        "id=\"account-form\"",
        "id=\"terminate-form\"",
        // No plan yet: none is preselected in the plan form.
        "<option value=\"\" selected disabled>",
    ] {
        assert!(page.contains(part), "{part}: {page}");
    }
    assert!(get(app, &s, "/tenants").await.text().contains("href=\"/tenants/acme\""));

    let r = post(
        app,
        &s,
        "/tenants/acme/suspend",
        &format!("csrf={}&reason=unpaid", s.csrf),
    )
    .await;
    assert_refused(&r, "Tick the confirmation");
    let r = post(app, &s, "/tenants/acme/suspend", "csrf=stale&reason=x&confirm=yes").await;
    assert_eq!(r.status.as_u16(), 403);
    let form = format!("csrf={}&reason=Invoice+42+unpaid&confirm=yes", s.csrf);
    assert_303(
        &post(app, &s, "/tenants/acme/suspend", &form).await,
        "/tenants/acme?done=suspended",
    );
    let t = app.store.tenant_by_name("acme").await.expect("read").expect("acme");
    assert_eq!(
        (t.status.as_str(), t.status_reason.as_deref()),
        ("suspended", Some("Invoice 42 unpaid"))
    );
    let page = get(app, &s, "/tenants/acme?done=suspended").await.expect(200).text();
    assert!(
        page.contains("id=\"status-reason\"") && page.contains("id=\"resume-form\""),
        "{page}"
    );

    // The tenant's admin is refused, and told why in the operator's words.
    account(app, "ann@acme.test", json!({"role": "tenant-admin", "tenant": "acme"})).await;
    let ann = sign_in(app, "ann@acme.test").await;
    let r = get(app, &ann, "/settings").await;
    assert_eq!(r.status.as_u16(), 403);
    assert!(r.text().contains("Invoice 42 unpaid"), "{}", r.text());
    assert_eq!(get(app, &ann, "/tenants/acme").await.status.as_u16(), 403);

    let form = format!("csrf={}&confirm=yes", s.csrf);
    assert_303(
        &post(app, &s, "/tenants/acme/resume", &form).await,
        "/tenants/acme?done=resumed",
    );
    assert_eq!(get(app, &ann, "/settings").await.status.as_u16(), 200);

    let r = post(app, &s, "/tenants/acme/plan", &format!("csrf={}&plan=nowhere", s.csrf)).await;
    assert_refused(&r, "nowhere");
    let form = format!("csrf={}&plan=gold", s.csrf);
    assert_303(
        &post(app, &s, "/tenants/acme/plan", &form).await,
        "/tenants/acme?done=plan",
    );
    let t = app.store.tenant_by_name("acme").await.expect("read").expect("acme");
    assert_eq!(t.plan.as_deref(), Some("gold"));
    assert!(get(app, &s, "/tenants/acme").await.text().contains(">50<"));

    // The actions are in the tenant's audit log as the operator API writes them.
    let log = app
        .get("/api/v1/audit?limit=50")
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .text();
    for action in ["tenant.suspended", "tenant.resumed", "tenant.plan_changed"] {
        assert!(log.contains(action), "{action}: {log}");
    }
    assert_eq!(get(app, &s, "/tenants/nobody").await.status.as_u16(), 404);
}

#[tokio::test]
async fn the_operator_creates_a_tenants_admin_accounts_on_its_page() {
    let env = Env::with(with_operator()).await;
    let app = &env.app;
    let s = operator(app).await;
    let path = "/tenants/acme/accounts";
    let r = post(
        app,
        &s,
        path,
        &format!("csrf={}&role=tenant-admin&login=kim%40acme.test&password=short", s.csrf),
    )
    .await;
    assert_refused(&r, "at least 12 characters");
    let r = post(
        app,
        &s,
        path,
        &format!("csrf={}&role=operator&login=kim%40acme.test&password={PW}", s.csrf),
    )
    .await;
    assert_eq!(r.status.as_u16(), 400, "only the tenant's roles from this form");
    let r = post(
        app,
        &s,
        path,
        &format!(
            "csrf={}&role=end-client-admin&login=ec%40acme.test&password={PW}",
            s.csrf
        ),
    )
    .await;
    assert_refused(&r, "end client");
    let r = post(
        app,
        &s,
        path,
        &format!("csrf=stale&role=tenant-admin&login=kim%40acme.test&password={PW}"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 403);
    let form = format!("csrf={}&role=tenant-admin&login=kim%40acme.test&password={PW}", s.csrf);
    assert_303(&post(app, &s, path, &form).await, "/tenants/acme?done=account");
    let page = get(app, &s, "/tenants/acme?done=account").await.expect(200).text();
    assert!(
        page.contains("data-login=\"kim@acme.test\"") && !page.contains("$argon2"),
        "{page}"
    );
    try_sign_in(app, "kim@acme.test", PASSWORD).await.expect(200);
    let r = post(app, &s, path, &form).await;
    assert_eq!(r.status.as_u16(), 400, "the login is taken");
}

#[tokio::test]
async fn a_reseller_admin_manages_only_their_own_tenants() {
    let env = Env::with(with_operator()).await;
    let app = &env.app;
    op(app, Method::POST, "/api/operator/v1/resellers")
        .json(&json!({"name": "north"}))
        .send()
        .await
        .expect(201);
    op(app, Method::POST, "/api/operator/v1/tenants")
        .json(&json!({"name": "north-1", "reseller": "north"}))
        .send()
        .await
        .expect(201);
    account(
        app,
        "rita@north.test",
        json!({"role": "reseller-admin", "reseller": "north"}),
    )
    .await;
    let rita = sign_in(app, "rita@north.test").await;
    let page = get(app, &rita, "/tenants/north-1").await.expect(200).text();
    assert!(
        page.contains("id=\"suspend-form\"") && !page.contains("href=\"/plans\""),
        "{page}"
    );
    assert_eq!(get(app, &rita, "/tenants/acme").await.status.as_u16(), 404);
    let form = format!("csrf={}&reason=x&confirm=yes", rita.csrf);
    assert_eq!(
        post(app, &rita, "/tenants/acme/suspend", &form).await.status.as_u16(),
        404
    );
    assert_303(
        &post(app, &rita, "/tenants/north-1/suspend", &form).await,
        "/tenants/north-1?done=suspended",
    );
    let form = format!(
        "csrf={}&role=tenant-admin&login=t%40north.test&password={PW}",
        rita.csrf
    );
    assert_eq!(
        post(app, &rita, "/tenants/acme/accounts", &form).await.status.as_u16(),
        404
    );
    assert_303(
        &post(app, &rita, "/tenants/north-1/accounts", &form).await,
        "/tenants/north-1?done=account",
    );
    for path in ["/plans", "/resellers"] {
        assert_eq!(get(app, &rita, path).await.status.as_u16(), 403, "{path}");
    }
}

#[tokio::test]
async fn the_operator_creates_plans_resellers_and_reseller_admins() {
    let env = Env::with(with_operator()).await;
    let app = &env.app;
    let s = operator(app).await;
    let page = get(app, &s, "/plans").await.expect(200).text();
    assert!(
        page.contains("href=\"/resellers\"") && page.contains("id=\"plan-form\""),
        "{page}"
    );
    let r = post(app, &s, "/plans", &format!("csrf={}&name=gold&learners=ten", s.csrf)).await;
    let en = kiroku::i18n::Lang::En;
    let learners = kiroku::i18n::t(en, "plans-learners");
    let not_whole = kiroku::i18n::t_args(en, "form-bad-quota", &[("field", kiroku::i18n::Arg::from(learners))]);
    assert_refused(&r, &not_whole);
    let r = post(
        app,
        &s,
        "/plans",
        &format!("csrf={}&name=gold&requestsPerMinute=0", s.csrf),
    )
    .await;
    assert_refused(&r, "requestsPerMinute");
    let form = format!(
        "csrf={}&name=gold&learners=10&storageBytes=&statementsPerMonth=1000",
        s.csrf
    );
    assert_303(&post(app, &s, "/plans", &form).await, "/plans?created=gold");
    let taken = kiroku::i18n::t_args(en, "plans-exists", &[("name", kiroku::i18n::Arg::from("gold"))]);
    assert_refused(&post(app, &s, "/plans", &form).await, &taken);
    let r = post(app, &s, "/plans", &format!("csrf={}&name=金&learners=10", s.csrf)).await;
    assert_refused(
        &r,
        &kiroku::i18n::escape_html(&kiroku::i18n::t(en, "form-bad-plan-name")),
    );
    assert_eq!(
        post(app, &s, "/plans", "csrf=stale&name=silver").await.status.as_u16(),
        403
    );
    plan(app, "silver", 5).await;
    op(app, Method::PUT, "/api/operator/v1/tenants/acme/plan")
        .json(&json!({"plan": "gold"}))
        .send()
        .await
        .expect(200);
    let page = get(app, &s, "/plans?created=gold").await.expect(200).text();
    assert!(page.contains("id=\"plan-created\""), "{page}");
    let row = |name: &str| {
        let at = page.find(&format!("data-plan=\"{name}\"")).expect("row");
        page[at..].split("</tr>").next().unwrap_or_default().to_owned()
    };
    assert!(row("gold").contains("<td class=\"tenants\">1</td>"), "{}", row("gold"));
    assert!(
        row("silver").contains("<td class=\"tenants\">0</td>"),
        "{}",
        row("silver")
    );

    let r = post(app, &s, "/resellers", &format!("csrf={}&name=has+space", s.csrf)).await;
    assert_refused(&r, "reseller");
    assert_303(
        &post(app, &s, "/resellers", &format!("csrf={}&name=north", s.csrf)).await,
        "/resellers?done=reseller",
    );
    let path = "/resellers/accounts";
    let r = post(
        app,
        &s,
        path,
        &format!("csrf={}&reseller=north&login=rita%40north.test&password=short", s.csrf),
    )
    .await;
    assert_refused(&r, "at least 12 characters");
    let r = post(
        app,
        &s,
        path,
        &format!("csrf=stale&reseller=north&login=rita%40north.test&password={PW}"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 403);
    // A crafted role is ignored: this form makes reseller admins only.
    let form = format!(
        "csrf={}&role=operator&reseller=north&login=rita%40north.test&password={PW}",
        s.csrf
    );
    assert_303(&post(app, &s, path, &form).await, "/resellers?done=account");
    let page = get(app, &s, "/resellers?done=account").await.expect(200).text();
    assert!(
        page.contains("data-reseller=\"north\"") && page.contains("data-login=\"rita@north.test\""),
        "{page}"
    );
    assert!(!page.contains("$argon2"));
    let rita = sign_in(app, "rita@north.test").await;
    assert_eq!(
        get(app, &rita, "/tenants").await.status.as_u16(),
        200,
        "a reseller admin"
    );

    account(app, "ann@acme.test", json!({"role": "tenant-admin", "tenant": "acme"})).await;
    let ann = sign_in(app, "ann@acme.test").await;
    for path in ["/plans", "/resellers"] {
        assert_eq!(get(app, &ann, path).await.status.as_u16(), 403, "{path}");
    }
}

#[tokio::test]
async fn the_operator_terminates_a_tenant_after_typing_its_name() {
    let env = Env::with(with_operator()).await;
    let app = &env.app;
    let s = operator(app).await;
    op(app, Method::POST, "/api/operator/v1/resellers")
        .json(&json!({"name": "north"}))
        .send()
        .await
        .expect(201);
    op(app, Method::POST, "/api/operator/v1/tenants")
        .json(&json!({"name": "north-1", "reseller": "north"}))
        .send()
        .await
        .expect(201);
    account(
        app,
        "rita@north.test",
        json!({"role": "reseller-admin", "reseller": "north"}),
    )
    .await;
    let rita = sign_in(app, "rita@north.test").await;
    let page = get(app, &rita, "/tenants/north-1").await.expect(200).text();
    assert!(!page.contains("id=\"terminate-form\""), "{page}");
    let form = format!("csrf={}&confirm=north-1", rita.csrf);
    let r = post(app, &rita, "/tenants/north-1/terminate", &form).await;
    assert_eq!(r.status.as_u16(), 403, "the operator's only");

    env.import_fixture("scorm12-single-sco").await;
    let page = get(app, &s, "/tenants/acme").await.expect(200).text();
    assert!(page.contains("id=\"terminate-form\""), "{page}");
    // Where the page says the archive goes: the server's data folder's tenant-exports/.
    let shown = page
        .split("id=\"terminate-archive\" translate=\"no\">")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .expect("the archive's path");
    assert!(shown.ends_with("tenant-exports/acme.zip"), "{shown}");
    let archive = std::path::PathBuf::from(shown);
    assert!(!archive.exists());
    let path = "/tenants/acme/terminate";
    let r = post(app, &s, path, &format!("csrf={}&confirm=acm", s.csrf)).await;
    assert_refused(&r, "exactly to terminate");
    assert_eq!(
        post(app, &s, path, "csrf=stale&confirm=acme").await.status.as_u16(),
        403
    );
    assert_303(
        &post(app, &s, path, &format!("csrf={}&confirm=acme", s.csrf)).await,
        "/tenants/acme?done=terminated",
    );

    let t = app
        .store
        .tenant_by_name("acme")
        .await
        .expect("read")
        .expect("tombstone");
    assert_eq!(t.status.as_str(), "terminated");
    assert!(
        app.store
            .tenant_rows(t.id)
            .await
            .expect("rows")
            .values()
            .all(|n| *n == 0)
    );
    let manifest = kiroku::ops::archive::verify_file(&archive).expect("a verified archive");
    assert_eq!(manifest.tenant.name, "acme");
    let page = get(app, &s, "/tenants/acme?done=terminated").await.expect(200).text();
    assert!(
        page.contains("data-status=\"terminated\"") && page.contains("acme.zip"),
        "{page}"
    );
    assert!(
        !page.contains("id=\"suspend-form\"") && !page.contains("id=\"terminate-form\""),
        "{page}"
    );
    let r = post(app, &s, path, &format!("csrf={}&confirm=acme", s.csrf)).await;
    assert_refused(&r, "already terminated");

    let query = kiroku::audit::AuditQuery {
        since_ms: None,
        after_seq: None,
        limit: 100,
    };
    let log = app
        .store
        .audit_entries(kiroku::audit::SERVICE_LOG, query)
        .await
        .expect("audit");
    assert!(
        log.iter()
            .any(|e| e.action == "tenant.terminated" && e.target == "tenant:acme"),
        "{log:?}"
    );
}
