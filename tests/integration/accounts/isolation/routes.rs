//! Every route of the app origin, once each at least, as the isolation walk sends it:
//! path, query and body name the other realm through placeholders (`{tenant}`,
//! `{learner}`, `{reg}`, `{pkg}`, `{ec}`, `{key}`, `{account}`, `{token}`,
//! `{victim_login}`, `{reseller}`; `{own_ec}` is the caller's own end client and `{n}`
//! a fresh number), and every request also names `{tenant}` in `X-Kiroku-Tenant`.
//!
//! A new route goes here; `every_route_of_the_app_origin_is_walked` reads the routers'
//! sources (`coverage.rs`) and fails while one is missing.

use axum::http::Method;

/// What a walked request sends as its body.
#[derive(Debug, Clone)]
pub enum Body {
    None,
    /// A JSON template with placeholders.
    Json(String),
    /// The fixture package as `application/zip`.
    Zip,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub method: Method,
    /// The router's path template this row walks.
    pub template: &'static str,
    /// Path and query with placeholders.
    pub path: &'static str,
    pub body: Body,
    /// The status for [a reseller admin, a tenant admin, an end-client admin].
    pub expect: [u16; 3],
    /// Creates the learner it names when there is none. A learner id is unique in its
    /// tenant, not in its end client, so an end-client admin sees whether an id is free:
    /// no "as if it did not exist" twin for them.
    pub creates: bool,
}

const STATEMENT: &str = r#"{"actor":{"mbox":"mailto:{learner}@example.com"},"verb":{"id":"http://example.com/did"},"object":{"id":"http://example.com/a"}}"#;
const AGENT_QUERY: &str = "/xapi/agents?agent=%7B%22mbox%22%3A%22mailto%3A{learner}%40example.com%22%7D";
const PASSWORD_CHANGE: &str = r#"{"currentPassword":"correct horse battery staple","newPassword":"short"}"#;
const ACCOUNT: &str = r#""login":"new-{n}@walk.test","password":"correct horse battery staple""#;

fn r(method: Method, template: &'static str, path: &'static str, body: Body, expect: [u16; 3]) -> Route {
    Route {
        method,
        template,
        path,
        body,
        expect,
        creates: false,
    }
}

/// A row that creates what it names on first use.
fn creating(route: Route) -> Route {
    Route { creates: true, ..route }
}

fn json(template: impl Into<String>) -> Body {
    Body::Json(template.into())
}

/// The walk, in order; logging out comes last (it ends a cookie session).
pub fn routes() -> Vec<Route> {
    use Body::{None as N, Zip};
    use Method as M;
    let account = |rest: &str| format!("{{{ACCOUNT},{rest}}}");
    vec![
        // Health, metrics and the xAPI endpoint: accounts reach none of them.
        r(M::GET, "/healthz", "/healthz", N, [200; 3]),
        r(M::GET, "/readyz", "/readyz", N, [200; 3]),
        // The admin page: the same static files for everyone.
        r(M::GET, "/admin", "/admin", N, [308; 3]),
        r(M::GET, "/admin/", "/admin/", N, [200; 3]),
        r(M::GET, "/admin/admin.js", "/admin/admin.js", N, [200; 3]),
        // The web app's pages: the home page, the language control (a form: no body is
        // a 400), and first run's setup link (over once an operator exists: 409).
        r(M::GET, "/", "/", N, [200; 3]),
        r(M::POST, "/language", "/language", N, [400; 3]),
        r(M::GET, "/setup", "/setup?token=made-up", N, [409; 3]),
        r(M::POST, "/setup", "/setup", N, [409; 3]),
        // The course library: a reseller admin naming another reseller's tenant is not
        // shown it; a tenant's admins see their own tenant's library whatever they name.
        r(M::GET, "/courses", "/courses", N, [404, 200, 200]),
        r(M::GET, "/courses/{id}", "/courses/{pkg}", N, [404, 404, 200]),
        r(M::GET, "/courses.js", "/courses.js", N, [200; 3]),
        // The course page's deletion forms without the session's CSRF token are stale.
        r(M::POST, "/courses/{id}/delete", "/courses/{pkg}/delete", N, [403; 3]),
        r(
            M::POST,
            "/courses/{id}/versions/delete",
            "/courses/{pkg}/versions/delete",
            N,
            [403; 3],
        ),
        // The course page's preview form without the session's CSRF token is stale.
        r(M::POST, "/courses/{id}/preview", "/courses/{pkg}/preview", N, [403; 3]),
        // The learners page and its CSV export (an end-client admin's holds their own).
        r(M::GET, "/learners", "/learners", N, [404, 200, 200]),
        r(M::GET, "/learners.csv", "/learners.csv", N, [404, 200, 200]),
        r(M::GET, "/learners.js", "/learners.js", N, [200; 3]),
        // The learner pages' forms without the session's CSRF token are stale (403);
        // another realm's learner is not found.
        r(M::POST, "/learners", "/learners", N, [403; 3]),
        r(M::GET, "/learners/{id}", "/learners/{learner}", N, [404; 3]),
        r(M::POST, "/learners/{id}", "/learners/{learner}", N, [403; 3]),
        r(
            M::POST,
            "/learners/{id}/delete",
            "/learners/{learner}/delete",
            N,
            [403; 3],
        ),
        // The learner page's portal sign-in forms and the assignments page's forms
        // without the session's CSRF token are stale (403); the assignments page shows
        // what the caller sees (another reseller's tenant: 404).
        r(
            M::POST,
            "/learners/{id}/password",
            "/learners/{learner}/password",
            N,
            [403; 3],
        ),
        r(
            M::POST,
            "/learners/{id}/invitation",
            "/learners/{learner}/invitation",
            N,
            [403; 3],
        ),
        r(M::GET, "/assignments", "/assignments", N, [404, 200, 200]),
        r(M::POST, "/assignments", "/assignments", N, [403; 3]),
        r(
            M::POST,
            "/assignments/{id}/delete",
            "/assignments/made-up-{n}/delete",
            N,
            [403; 3],
        ),
        // The learner portal is the learners' own: an admin's cookie is no portal
        // session. Its sign-in page and an invitation's page are public, an empty
        // sign-in form is a 400, a made-up code a 404, a launch without a portal session
        // a 401, and signing out without one goes home (303).
        r(M::GET, "/learn/{tenant}/", "/learn/{tenant}/", N, [200; 3]),
        r(M::POST, "/learn/{tenant}/signin", "/learn/{tenant}/signin", N, [400; 3]),
        r(M::POST, "/learn/{tenant}/code", "/learn/{tenant}/code", N, [400; 3]),
        r(
            M::GET,
            "/learn/{tenant}/invite/{code}",
            "/learn/{tenant}/invite/made-up-{n}",
            N,
            [200; 3],
        ),
        r(
            M::POST,
            "/learn/{tenant}/invite/{code}",
            "/learn/{tenant}/invite/made-up-{n}",
            N,
            [404; 3],
        ),
        r(
            M::POST,
            "/learn/{tenant}/launch/{assignment}",
            "/learn/{tenant}/launch/made-up-{n}",
            N,
            [401; 3],
        ),
        r(
            M::POST,
            "/learn/{tenant}/signout",
            "/learn/{tenant}/signout",
            N,
            [303; 3],
        ),
        // The credentials page: a tenant admin's only (an end-client admin: 403).
        r(M::GET, "/credentials", "/credentials", N, [404, 200, 403]),
        r(M::GET, "/credentials.js", "/credentials.js", N, [200; 3]),
        // The settings page: a tenant admin's; its form without the CSRF token is stale.
        r(M::GET, "/settings", "/settings", N, [404, 200, 403]),
        r(M::POST, "/settings", "/settings", N, [403; 3]),
        r(M::GET, "/audit", "/audit", N, [404, 200, 403]),
        r(M::GET, "/statements", "/statements", N, [404, 200, 403]),
        // Reports: an end-client admin's are their end client's.
        r(M::GET, "/reports", "/reports", N, [404, 200, 200]),
        r(
            M::GET,
            "/reports/export",
            "/reports/export?report=courses",
            N,
            [404, 200, 200],
        ),
        r(
            M::GET,
            "/reports/learners/{id}",
            "/reports/learners/{learner}",
            N,
            [404; 3],
        ),
        // The service health page: the operator's only.
        r(M::GET, "/health", "/health", N, [403; 3]),
        // The notices page: what is posted to the tenant, for anyone of it (a reseller
        // admin naming another reseller's tenant: 404).
        r(M::GET, "/notices", "/notices", N, [404, 200, 200]),
        // The tenants page: a reseller admin sees their own tenants; tenant admins may not.
        r(M::GET, "/tenants", "/tenants", N, [200, 403, 403]),
        r(M::POST, "/tenants", "/tenants", N, [403; 3]),
        // The operator's pages: another reseller's tenant is not there for a reseller
        // admin (404); tenant and end-client admins may not (403); plans and resellers
        // are the operator's only; every form without the CSRF token is stale (403).
        r(M::GET, "/tenants/{name}", "/tenants/{tenant}", N, [404, 403, 403]),
        r(
            M::POST,
            "/tenants/{name}/suspend",
            "/tenants/{tenant}/suspend",
            N,
            [403; 3],
        ),
        r(
            M::POST,
            "/tenants/{name}/resume",
            "/tenants/{tenant}/resume",
            N,
            [403; 3],
        ),
        r(M::POST, "/tenants/{name}/plan", "/tenants/{tenant}/plan", N, [403; 3]),
        r(
            M::POST,
            "/tenants/{name}/accounts",
            "/tenants/{tenant}/accounts",
            N,
            [403; 3],
        ),
        r(
            M::POST,
            "/tenants/{name}/terminate",
            "/tenants/{tenant}/terminate",
            N,
            [403; 3],
        ),
        r(M::GET, "/plans", "/plans", N, [403; 3]),
        r(M::POST, "/plans", "/plans", N, [403; 3]),
        r(M::GET, "/resellers", "/resellers", N, [403; 3]),
        r(M::POST, "/resellers", "/resellers", N, [403; 3]),
        r(M::POST, "/resellers/accounts", "/resellers/accounts", N, [403; 3]),
        r(M::GET, "/end-clients", "/end-clients", N, [404, 200, 200]),
        r(M::POST, "/end-clients", "/end-clients", N, [403; 3]),
        r(M::GET, "/metrics", "/metrics", N, [401; 3]),
        // The OpenAPI description: public, the same document for everyone.
        r(M::GET, "/api/openapi.json", "/api/openapi.json", N, [200; 3]),
        r(M::GET, "/xapi", "/xapi", N, [404; 3]),
        // A cmi5 fetch URL: its token is the credential; a forged one gets the spec's
        // error JSON (status 200, as cmi5 8.2.1 requires).
        r(M::POST, "/cmi5/fetch/{token}", "/cmi5/fetch/{token}", N, [200; 3]),
        r(M::GET, "/xapi/{*rest}", "/xapi/about", N, [200; 3]),
        r(M::GET, "/xapi/{*rest}", "/xapi/statements", N, [401; 3]),
        r(M::POST, "/xapi/{*rest}", "/xapi/statements", json(STATEMENT), [401; 3]),
        r(M::GET, "/xapi/{*rest}", AGENT_QUERY, N, [401; 3]),
        // Packages and launches.
        r(M::POST, "/api/v1/packages", "/api/v1/packages", Zip, [404, 201, 403]),
        r(M::GET, "/api/v1/packages", "/api/v1/packages", N, [404, 200, 200]),
        // Learners as CSV: an empty file is refused (400) once the tenant is reached.
        r(
            M::POST,
            "/api/v1/learners.csv",
            "/api/v1/learners.csv",
            N,
            [404, 400, 400],
        ),
        r(
            M::GET,
            "/api/v1/learners.csv",
            "/api/v1/learners.csv",
            N,
            [404, 200, 200],
        ),
        r(
            M::GET,
            "/api/v1/packages/{id}",
            "/api/v1/packages/{pkg}",
            N,
            [404, 404, 200],
        ),
        r(
            M::DELETE,
            "/api/v1/packages/{id}",
            "/api/v1/packages/{pkg}?force=true",
            N,
            [404, 404, 403],
        ),
        r(
            M::DELETE,
            "/api/v1/packages/{id}/versions/{version}",
            "/api/v1/packages/{pkg}/versions/1",
            N,
            [404, 404, 403],
        ),
        r(
            M::POST,
            "/api/v1/packages/{id}/launch",
            "/api/v1/packages/{pkg}/launch",
            json(r#"{"learner":"{learner}"}"#),
            [404; 3],
        ),
        creating(r(
            M::POST,
            "/api/v1/launch",
            "/api/v1/launch",
            json(r#"{"learner":{"id":"{learner}","name":"Someone"},"packageId":"{pkg}"}"#),
            [404; 3],
        )),
        r(M::GET, "/api/v1/storage", "/api/v1/storage", N, [404, 200, 403]),
        // Learners and registrations.
        r(
            M::POST,
            "/api/v1/learners",
            "/api/v1/learners",
            json(r#"{"id":"new-learner-{n}","name":"New","endClient":"{ec}"}"#),
            [404, 404, 403],
        ),
        r(M::GET, "/api/v1/learners", "/api/v1/learners", N, [404, 200, 200]),
        r(
            M::GET,
            "/api/v1/learners/{id}",
            "/api/v1/learners/{learner}",
            N,
            [404; 3],
        ),
        creating(r(
            M::PUT,
            "/api/v1/learners/{id}",
            "/api/v1/learners/{learner}",
            json(r#"{"name":"Changed","endClient":"{ec}"}"#),
            [404; 3],
        )),
        r(
            M::DELETE,
            "/api/v1/learners/{id}",
            "/api/v1/learners/{learner}?force=true",
            N,
            [404; 3],
        ),
        r(
            M::POST,
            "/api/v1/learners/{id}/erase",
            "/api/v1/learners/{learner}/erase",
            N,
            [404; 3],
        ),
        // A learner's portal sign-in and assignments: another realm's learner, package
        // or assignment is not found.
        r(
            M::PUT,
            "/api/v1/learners/{id}/password",
            "/api/v1/learners/{learner}/password",
            json(r#"{"password":"correct horse battery staple"}"#),
            [404; 3],
        ),
        r(
            M::POST,
            "/api/v1/learners/{id}/invitation",
            "/api/v1/learners/{learner}/invitation",
            N,
            [404; 3],
        ),
        r(
            M::POST,
            "/api/v1/assignments",
            "/api/v1/assignments",
            json(r#"{"packageId":"{pkg}","learner":"{learner}","due":"2030-01-31"}"#),
            [404; 3],
        ),
        r(
            M::POST,
            "/api/v1/assignments",
            "/api/v1/assignments",
            json(r#"{"packageId":"{pkg}","endClient":"{ec}"}"#),
            [404; 3],
        ),
        r(M::GET, "/api/v1/assignments", "/api/v1/assignments", N, [404, 200, 200]),
        r(
            M::DELETE,
            "/api/v1/assignments/{id}",
            "/api/v1/assignments/made-up-{n}",
            N,
            [404; 3],
        ),
        r(
            M::POST,
            "/api/v1/registrations",
            "/api/v1/registrations",
            json(r#"{"learner":"{learner}","packageId":"{pkg}"}"#),
            [404; 3],
        ),
        r(
            M::GET,
            "/api/v1/registrations",
            "/api/v1/registrations",
            N,
            [404, 200, 200],
        ),
        r(
            M::GET,
            "/api/v1/registrations",
            "/api/v1/registrations?learner={learner}",
            N,
            [404, 200, 200],
        ),
        r(
            M::GET,
            "/api/v1/registrations",
            "/api/v1/registrations?endClient={ec}",
            N,
            [404, 200, 200],
        ),
        r(
            M::GET,
            "/api/v1/reports/registrations",
            "/api/v1/reports/registrations?learner={learner}",
            N,
            [404, 200, 200],
        ),
        r(
            M::GET,
            "/api/v1/reports/registrations",
            "/api/v1/reports/registrations?endClient={ec}",
            N,
            [404, 200, 200],
        ),
        r(
            M::GET,
            "/api/v1/registrations/{id}",
            "/api/v1/registrations/{reg}",
            N,
            [404; 3],
        ),
        r(
            M::POST,
            "/api/v1/registrations/{id}/launch",
            "/api/v1/registrations/{reg}/launch",
            N,
            [404; 3],
        ),
        r(
            M::POST,
            "/api/v1/registrations/{id}/waive",
            "/api/v1/registrations/{reg}/waive",
            json(r#"{"au":"https://example.com/au","reason":"walk"}"#),
            [404; 3],
        ),
        r(
            M::POST,
            "/api/v1/cmi5/sessions/{id}/abandon",
            "/api/v1/cmi5/sessions/walk-{n}/abandon",
            N,
            [404; 3],
        ),
        r(M::GET, "/api/v1/audit", "/api/v1/audit", N, [404, 200, 403]),
        r(
            M::GET,
            "/api/v1/reports/courses",
            "/api/v1/reports/courses",
            N,
            [404, 200, 200],
        ),
        r(
            M::GET,
            "/api/v1/reports/distributions",
            "/api/v1/reports/distributions?endClient={ec}",
            N,
            [404, 200, 200],
        ),
        r(
            M::GET,
            "/api/v1/reports/questions",
            "/api/v1/reports/questions?course={pkg}",
            N,
            [404, 200, 200],
        ),
        r(
            M::GET,
            "/api/v1/reports/activity",
            "/api/v1/reports/activity",
            N,
            [404, 200, 200],
        ),
        r(
            M::GET,
            "/api/v1/reports/learners/{id}",
            "/api/v1/reports/learners/{learner}",
            N,
            [404; 3],
        ),
        r(M::GET, "/api/v1/notices", "/api/v1/notices", N, [404, 200, 200]),
        // End clients and credentials: tenant-wide, but reading one's own end client.
        r(
            M::POST,
            "/api/v1/end-clients",
            "/api/v1/end-clients",
            json(r#"{"id":"{own_ec}","name":"Again"}"#),
            [404, 409, 403],
        ),
        r(M::GET, "/api/v1/end-clients", "/api/v1/end-clients", N, [404, 200, 200]),
        r(
            M::GET,
            "/api/v1/end-clients/{id}",
            "/api/v1/end-clients/{ec}",
            N,
            [404; 3],
        ),
        r(
            M::DELETE,
            "/api/v1/end-clients/{id}",
            "/api/v1/end-clients/{ec}",
            N,
            [404, 404, 403],
        ),
        r(
            M::POST,
            "/api/v1/credentials",
            "/api/v1/credentials",
            json(r#"{"scopes":["statements/read"],"label":"walk"}"#),
            [404, 201, 403],
        ),
        r(M::GET, "/api/v1/credentials", "/api/v1/credentials", N, [404, 200, 403]),
        r(
            M::DELETE,
            "/api/v1/credentials/{key}",
            "/api/v1/credentials/{key}",
            N,
            [404, 404, 403],
        ),
        // Notices: a reseller admin posts to its own tenants only (403 for another's,
        // saying why), and sees no notice of another reseller's tenant (404).
        r(
            M::POST,
            "/api/operator/v1/notices",
            "/api/operator/v1/notices",
            json(r#"{"kind":"general","title":"t","body":"b","audience":"tenant","tenant":"{tenant}"}"#),
            [403; 3],
        ),
        r(
            M::GET,
            "/api/operator/v1/notices",
            "/api/operator/v1/notices",
            N,
            [200, 403, 403],
        ),
        r(
            M::GET,
            "/api/operator/v1/notices/{id}",
            "/api/operator/v1/notices/made-up-{n}",
            N,
            [404, 403, 403],
        ),
        r(
            M::POST,
            "/api/operator/v1/notices/{id}/updates",
            "/api/operator/v1/notices/made-up-{n}/updates",
            json(r#"{"body":"b"}"#),
            [404, 403, 403],
        ),
        // The operator API: a reseller admin reaches its own tenants only.
        r(
            M::POST,
            "/api/operator/v1/tenants",
            "/api/operator/v1/tenants",
            json(r#"{"name":"new-tenant-{n}","reseller":"{reseller}"}"#),
            [403; 3],
        ),
        r(
            M::GET,
            "/api/operator/v1/tenants",
            "/api/operator/v1/tenants",
            N,
            [200, 403, 403],
        ),
        r(
            M::GET,
            "/api/operator/v1/tenants/{name}",
            "/api/operator/v1/tenants/{tenant}",
            N,
            [404, 403, 403],
        ),
        r(
            M::PUT,
            "/api/operator/v1/tenants/{name}/plan",
            "/api/operator/v1/tenants/{tenant}/plan",
            json(r#"{"plan":"plan-basic"}"#),
            [404, 403, 403],
        ),
        r(
            M::POST,
            "/api/operator/v1/tenants/{name}/suspend",
            "/api/operator/v1/tenants/{tenant}/suspend",
            json(r#"{"reason":"walk"}"#),
            [404, 403, 403],
        ),
        r(
            M::POST,
            "/api/operator/v1/tenants/{name}/resume",
            "/api/operator/v1/tenants/{tenant}/resume",
            N,
            [404, 403, 403],
        ),
        r(
            M::POST,
            "/api/operator/v1/plans",
            "/api/operator/v1/plans",
            json(r#"{"name":"plan-{n}"}"#),
            [403; 3],
        ),
        r(
            M::GET,
            "/api/operator/v1/plans",
            "/api/operator/v1/plans",
            N,
            [200, 403, 403],
        ),
        r(
            M::POST,
            "/api/operator/v1/resellers",
            "/api/operator/v1/resellers",
            json(r#"{"name":"reseller-{n}"}"#),
            [403; 3],
        ),
        r(
            M::GET,
            "/api/operator/v1/resellers",
            "/api/operator/v1/resellers",
            N,
            [200, 403, 403],
        ),
        // Backups and per-tenant restores: the operator's alone.
        r(
            M::GET,
            "/api/operator/v1/backups",
            "/api/operator/v1/backups",
            N,
            [403; 3],
        ),
        r(
            M::POST,
            "/api/operator/v1/tenants/{name}/restore",
            "/api/operator/v1/tenants/{tenant}/restore",
            json(r#"{"inPlace":true}"#),
            [403; 3],
        ),
        // Signing in, one's own session and tokens, accounts.
        r(
            M::POST,
            "/api/auth/login",
            "/api/auth/login",
            json(r#"{"login":"{victim_login}","password":"not the password at all"}"#),
            [401; 3],
        ),
        r(M::GET, "/api/auth/session", "/api/auth/session", N, [200; 3]),
        r(
            M::POST,
            "/api/auth/password",
            "/api/auth/password",
            json(PASSWORD_CHANGE),
            [400; 3],
        ),
        r(
            M::POST,
            "/api/auth/tokens",
            "/api/auth/tokens",
            json(r#"{"label":"walk"}"#),
            [201; 3],
        ),
        r(M::GET, "/api/auth/tokens", "/api/auth/tokens", N, [200; 3]),
        r(
            M::DELETE,
            "/api/auth/tokens/{id}",
            "/api/auth/tokens/{token}",
            N,
            [404; 3],
        ),
        r(
            M::POST,
            "/api/accounts",
            "/api/accounts",
            json(account(r#""role":"tenant-admin","tenant":"{tenant}""#)),
            [404; 3],
        ),
        r(
            M::POST,
            "/api/accounts",
            "/api/accounts",
            json(account(
                r#""role":"end-client-admin","tenant":"{tenant}","endClient":"{ec}""#,
            )),
            [404; 3],
        ),
        r(
            M::POST,
            "/api/accounts",
            "/api/accounts",
            json(account(r#""role":"end-client-admin","endClient":"{ec}""#)),
            [400, 404, 404],
        ),
        r(
            M::POST,
            "/api/accounts",
            "/api/accounts",
            json(account(r#""role":"reseller-admin","reseller":"{reseller}""#)),
            [404; 3],
        ),
        r(
            M::POST,
            "/api/accounts",
            "/api/accounts",
            json(account(r#""role":"operator""#)),
            [404; 3],
        ),
        r(M::GET, "/api/accounts", "/api/accounts", N, [200; 3]),
        r(M::GET, "/api/accounts/{id}", "/api/accounts/{account}", N, [404; 3]),
        r(M::DELETE, "/api/accounts/{id}", "/api/accounts/{account}", N, [404; 3]),
        r(M::POST, "/api/auth/logout", "/api/auth/logout", N, [204; 3]),
    ]
}
