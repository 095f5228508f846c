//! The admin API for learners and registrations: create, put, show, list and delete
//! learners (each with its xAPI agent, an account on the tenant's home page); register
//! learners to package versions; deletes of learners and packages refused while
//! registrations use them unless forced; input validation; the `admin` scope; and tenant
//! isolation.

use axum::http::Method;
use kiroku::blob::BlobStore;
use kiroku::tenant::Scope;
use serde_json::{Value, json};

use crate::data::{q, uuid};
use crate::packages::{Env, refusal, str_of};
use crate::support::{Cred, Req, Resp};

const LEARNERS: &str = "/api/v1/learners";
const REGISTRATIONS: &str = "/api/v1/registrations";

/// A learner id as one path segment: everything but unreserved characters percent-encoded.
fn segment(id: &str) -> String {
    id.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn learner_path(id: &str) -> String {
    format!("{LEARNERS}/{}", segment(id))
}

fn registration_path(id: &str) -> String {
    format!("{REGISTRATIONS}/{id}")
}

fn package_path(id: &str) -> String {
    format!("/api/v1/packages/{id}")
}

/// A server with tenant "acme" and its admin credential (see [`Env`]), and the calls of
/// the learner and registration API.
struct Api {
    env: Env,
}

impl std::ops::Deref for Api {
    type Target = Env;

    fn deref(&self) -> &Env {
        &self.env
    }
}

impl Api {
    async fn start() -> Self {
        Self {
            env: Env::start().await,
        }
    }

    fn call(&self, method: Method, path: &str, cred: &Cred) -> Req<'_> {
        self.app.req(method, path).auth(cred)
    }

    async fn get_as(&self, cred: &Cred, path: &str) -> Resp {
        self.call(Method::GET, path, cred).send().await
    }

    async fn post_as(&self, cred: &Cred, path: &str, body: &Value) -> Resp {
        self.call(Method::POST, path, cred).json(body).send().await
    }

    async fn put_as(&self, cred: &Cred, path: &str, body: &Value) -> Resp {
        self.call(Method::PUT, path, cred).json(body).send().await
    }

    async fn delete_as(&self, cred: &Cred, path: &str) -> Resp {
        self.call(Method::DELETE, path, cred).send().await
    }

    /// `POST /api/v1/learners` as the tenant's admin.
    async fn create_learner(&self, body: Value) -> Resp {
        self.post_as(&self.admin, LEARNERS, &body).await
    }

    /// Creates a learner that must be accepted; returns the answer.
    async fn learner(&self, id: &str, name: &str) -> Value {
        self.create_learner(json!({"id": id, "name": name}))
            .await
            .expect(201)
            .json()
    }

    async fn register_as(&self, cred: &Cred, body: Value) -> Resp {
        self.post_as(cred, REGISTRATIONS, &body).await
    }

    /// Registers a learner to a package (newest version unless `version`); returns the answer.
    async fn register(&self, learner: &str, package_id: &str, version: Option<u32>) -> Value {
        let mut body = json!({"learner": learner, "packageId": package_id});
        if let Some(v) = version {
            body["version"] = json!(v);
        }
        self.register_as(&self.admin, body).await.expect(201).json()
    }

    /// The learners the tenant's admin lists, sorted by id.
    async fn learners_as(&self, cred: &Cred) -> Vec<Value> {
        let listed = self.get_as(cred, LEARNERS).await.expect(200).json();
        let mut learners = listed["learners"]
            .as_array()
            .unwrap_or_else(|| panic!("no learners array: {listed}"))
            .clone();
        learners.sort_by_key(|l| str_of(l, "id").to_owned());
        learners
    }

    /// Ids of the registrations a list with these filters answers, in order.
    async fn registration_ids_as(&self, cred: &Cred, filters: &[(&str, &str)]) -> Vec<String> {
        let listed = self.get_as(cred, &q(REGISTRATIONS, filters)).await.expect(200).json();
        listed["registrations"]
            .as_array()
            .unwrap_or_else(|| panic!("no registrations array: {listed}"))
            .iter()
            .map(|r| str_of(r, "id").to_owned())
            .collect()
    }

    async fn registration_ids(&self, filters: &[(&str, &str)]) -> Vec<String> {
        self.registration_ids_as(&self.admin, filters).await
    }

    /// The id of a newly imported fixture package.
    async fn package(&self, fixture_name: &str) -> String {
        str_of(&self.import_fixture(fixture_name).await, "packageId").to_owned()
    }

    /// The id of a fixture package imported by another tenant's admin.
    async fn package_as(&mut self, cred: &Cred, fixture_name: &str) -> String {
        let admin = std::mem::replace(&mut self.env.admin, cred.clone());
        let id = self.package(fixture_name).await;
        self.env.admin = admin;
        id
    }
}

/// The xAPI agent a learner of this tenant must have.
fn agent(env: &Api, tenant: &str, id: &str, name: &str) -> Value {
    json!({
        "objectType": "Agent",
        "name": name,
        "account": { "homePage": env.app.url(&format!("/tenants/{tenant}")), "name": id },
    })
}

/// Whether `s` is a UUID in its canonical, hyphenated form.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn ms(v: &Value, key: &str) -> i64 {
    v[key].as_i64().unwrap_or_else(|| panic!("no integer {key:?} in {v}"))
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

/// Asserts a 400 with kiroku's error body.
#[track_caller]
fn bad_request(resp: Resp, what: &str) {
    assert_eq!(resp.status.as_u16(), 400, "{what}: {}", resp.text());
    assert_eq!(resp.json()["error"]["code"], json!(400), "{what}: {}", resp.text());
}

// ---------------------------------------------------------------------------------------
// Learners

#[tokio::test]
async fn create_show_and_list_learners() {
    let env = Api::start().await;
    assert!(env.learners_as(&env.admin).await.is_empty());
    let ann = env
        .create_learner(json!({"id": "ann", "name": "Ann Lee", "email": "ann@example.com"}))
        .await
        .expect(201)
        .json();
    assert_eq!(
        keys(&ann),
        ["agent", "createdMs", "email", "id", "name", "updatedMs"],
        "{ann}"
    );
    assert_eq!(
        (&ann["id"], &ann["name"], &ann["email"]),
        (&json!("ann"), &json!("Ann Lee"), &json!("ann@example.com"))
    );
    assert!(ms(&ann, "createdMs") > 1_600_000_000_000, "epoch milliseconds: {ann}");
    assert_eq!(ms(&ann, "createdMs"), ms(&ann, "updatedMs"));
    assert_eq!(ann["agent"], agent(&env, "acme", "ann", "Ann Lee"));

    // Name and e-mail are trimmed; an absent or blank e-mail is left out.
    let bob = env
        .create_learner(json!({"id": "bob", "name": "  Bob  ", "email": "  bob@example.com "}))
        .await
        .expect(201)
        .json();
    assert_eq!(
        (&bob["name"], &bob["email"]),
        (&json!("Bob"), &json!("bob@example.com"))
    );
    assert_eq!(bob["agent"]["name"], json!("Bob"));
    let cy = env.learner("cy", "Cy").await;
    assert!(cy.get("email").is_none(), "no e-mail, no email field: {cy}");
    let dee = env
        .create_learner(json!({"id": "dee", "name": "Dee", "email": "  "}))
        .await
        .expect(201)
        .json();
    assert!(dee.get("email").is_none(), "a blank e-mail is none: {dee}");

    let shown = env.get_api(&learner_path("ann")).await.expect(200).json();
    assert_eq!(shown, ann, "GET answers what POST did");
    let listed = env.learners_as(&env.admin).await;
    assert_eq!(listed, [ann, bob, cy, dee]);
    env.get_api(&learner_path("nobody")).await.expect(404);
    env.get_api(&learner_path("ANN")).await.expect(404);
}

#[tokio::test]
async fn ids_are_path_segments_percent_decoded() {
    let env = Api::start().await;
    let id = "zoë o'neil+1@corp (ext)";
    let created = env
        .create_learner(json!({"id": id, "name": "Zoë"}))
        .await
        .expect(201)
        .json();
    assert_eq!(created["agent"], agent(&env, "acme", id, "Zoë"));
    let shown = env.get_api(&learner_path(id)).await.expect(200).json();
    assert_eq!(shown, created);
    let updated = env
        .put_as(&env.admin, &learner_path(id), &json!({"name": "Zoë O'Neil"}))
        .await
        .expect(200)
        .json();
    assert_eq!((&updated["id"], &updated["name"]), (&json!(id), &json!("Zoë O'Neil")));
    env.delete_as(&env.admin, &learner_path(id)).await.expect(204);
    env.get_api(&learner_path(id)).await.expect(404);
}

#[tokio::test]
async fn the_agent_is_an_account_on_the_tenant_home_page_never_the_email() {
    let env = Api::start().await;
    let other = env.other_tenant("globex").await;
    let body = json!({"id": "ann.lee", "name": "Ann Lee", "email": "ann@example.com"});
    let ann = env.create_learner(body.clone()).await.expect(201).json();
    let expected = json!({
        "objectType": "Agent",
        "name": "Ann Lee",
        "account": {
            "homePage": format!("http://{}/tenants/acme", env.app.addr),
            "name": "ann.lee",
        },
    });
    assert_eq!(ann["agent"], expected, "no mbox, only the account");
    assert_eq!(env.get_api(&learner_path("ann.lee")).await.json()["agent"], expected);
    assert_eq!(env.learners_as(&env.admin).await[0]["agent"], expected);

    let theirs = env.post_as(&other, LEARNERS, &body).await.expect(201).json();
    assert_eq!(theirs["agent"], agent(&env, "globex", "ann.lee", "Ann Lee"));
    assert_ne!(theirs["agent"], expected, "another tenant's learner is another agent");

    // A rename is the same account under a new name.
    let renamed = env
        .put_as(&env.admin, &learner_path("ann.lee"), &json!({"name": "Ann Smith"}))
        .await
        .expect(200)
        .json();
    assert_eq!(renamed["agent"], agent(&env, "acme", "ann.lee", "Ann Smith"));
}

#[tokio::test]
async fn a_second_create_of_an_id_is_409_and_changes_nothing() {
    let env = Api::start().await;
    let ann = env
        .create_learner(json!({"id": "ann", "name": "Ann", "email": "ann@example.com"}))
        .await
        .expect(201)
        .json();
    refusal(
        env.create_learner(json!({"id": "ann", "name": "Someone else"})).await,
        409,
    );
    assert_eq!(env.get_api(&learner_path("ann")).await.expect(200).json(), ann);
    assert_eq!(env.learners_as(&env.admin).await, [ann]);
}

#[tokio::test]
async fn put_creates_with_201_then_updates_with_200() {
    let env = Api::start().await;
    let path = learner_path("ann");
    let created = env
        .put_as(&env.admin, &path, &json!({"name": "Ann", "email": "ann@example.com"}))
        .await
        .expect(201)
        .json();
    assert_eq!(
        (&created["id"], &created["name"], &created["email"]),
        (&json!("ann"), &json!("Ann"), &json!("ann@example.com"))
    );
    assert_eq!(created["agent"], agent(&env, "acme", "ann", "Ann"));
    assert_eq!(env.get_api(&path).await.expect(200).json(), created);

    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let updated = env
        .put_as(&env.admin, &path, &json!({"name": " Ann Lee "}))
        .await
        .expect(200)
        .json();
    assert_eq!(updated["name"], json!("Ann Lee"));
    assert!(updated.get("email").is_none(), "a put replaces the e-mail: {updated}");
    assert_eq!(ms(&updated, "createdMs"), ms(&created, "createdMs"));
    assert!(
        ms(&updated, "updatedMs") > ms(&created, "updatedMs"),
        "{created} → {updated}"
    );
    assert_eq!(env.get_api(&path).await.expect(200).json(), updated);
    assert_eq!(env.learners_as(&env.admin).await, std::slice::from_ref(&updated));

    // A put of a learner made by POST updates it too.
    env.learner("bob", "Bob").await;
    env.put_as(&env.admin, &learner_path("bob"), &json!({"name": "Robert"}))
        .await
        .expect(200);
    assert_eq!(env.get_api(&learner_path("bob")).await.json()["name"], json!("Robert"));
}

#[tokio::test]
async fn learner_input_is_validated() {
    let env = Api::start().await;
    let long_id = "x".repeat(256);
    let refused: Vec<(&str, Value)> = vec![
        ("empty id", json!({"id": "", "name": "Ann"})),
        ("id with '/'", json!({"id": "ann/lee", "name": "Ann"})),
        ("256-character id", json!({"id": long_id, "name": "Ann"})),
        ("id with a control character", json!({"id": "ann\u{7}", "name": "Ann"})),
        ("id with a newline", json!({"id": "ann\nlee", "name": "Ann"})),
        ("empty name", json!({"id": "ann", "name": ""})),
        ("blank name", json!({"id": "ann", "name": "   "})),
        ("256-character name", json!({"id": "ann", "name": "n".repeat(256)})),
        (
            "name with a control character",
            json!({"id": "ann", "name": "Ann\u{0}"}),
        ),
        (
            "e-mail without '@'",
            json!({"id": "ann", "name": "Ann", "email": "not-an-address"}),
        ),
        (
            "e-mail without domain",
            json!({"id": "ann", "name": "Ann", "email": "ann@"}),
        ),
        (
            "e-mail without local part",
            json!({"id": "ann", "name": "Ann", "email": "@example.com"}),
        ),
        (
            "e-mail domain without '.'",
            json!({"id": "ann", "name": "Ann", "email": "ann@localhost"}),
        ),
        (
            "e-mail domain starting with '.'",
            json!({"id": "ann", "name": "Ann", "email": "ann@.com"}),
        ),
        (
            "e-mail with a space",
            json!({"id": "ann", "name": "Ann", "email": "ann lee@example.com"}),
        ),
        ("e-mail not a string", json!({"id": "ann", "name": "Ann", "email": 7})),
        (
            "unknown field",
            json!({"id": "ann", "name": "Ann", "mbox": "mailto:ann@example.com"}),
        ),
        ("missing id", json!({"name": "Ann"})),
        ("missing name", json!({"id": "ann"})),
        ("id not a string", json!({"id": 7, "name": "Ann"})),
        ("a string", json!("ann")),
    ];
    for (what, body) in &refused {
        bad_request(env.create_learner(body.clone()).await, what);
    }
    for (what, raw) in [
        ("malformed JSON", &b"{\"id\": \"ann\", \"name\": "[..]),
        ("empty body", &b""[..]),
        ("not JSON", &b"id=ann&name=Ann"[..]),
    ] {
        let r = env
            .call(Method::POST, LEARNERS, &env.admin)
            .body("application/json", raw.to_vec())
            .send()
            .await;
        bad_request(r, what);
    }
    assert!(
        env.learners_as(&env.admin).await.is_empty(),
        "nothing refused was stored"
    );

    // The limits are inclusive: 255 characters (not bytes) are fine.
    let id = "é".repeat(255);
    env.create_learner(json!({"id": id, "name": "n".repeat(255)}))
        .await
        .expect(201);
    env.get_api(&learner_path(&id)).await.expect(200);
}

/// The API takes JSON objects; serde's derived `Deserialize` also reads a struct from a
/// JSON array of its fields in order, so `["ann", "Ann"]` creates learner "ann" (and
/// `deny_unknown_fields` does not apply to arrays).
#[tokio::test]
async fn a_json_array_is_not_a_learner_or_registration() {
    let env = Api::start().await;
    let pkg = env.package("scorm12-single-sco").await;
    env.learner("ann", "Ann").await;
    let mut statuses = Vec::new();
    let r = env.create_learner(json!(["bob", "Bob"])).await;
    statuses.push(("POST learners [id, name]", r.status.as_u16(), r.text()));
    let r = env.put_as(&env.admin, &learner_path("cy"), &json!(["Cy"])).await;
    statuses.push(("PUT learner [name]", r.status.as_u16(), r.text()));
    let r = env.register_as(&env.admin, json!(["ann", pkg])).await;
    statuses.push(("POST registrations [learner, packageId]", r.status.as_u16(), r.text()));
    let accepted: Vec<_> = statuses.iter().filter(|(_, status, _)| *status != 400).collect();
    assert!(accepted.is_empty(), "arrays accepted: {accepted:#?}");
    let ids: Vec<Value> = env
        .learners_as(&env.admin)
        .await
        .into_iter()
        .map(|l| l["id"].clone())
        .collect();
    assert_eq!(ids, [json!("ann")], "nothing refused was stored");
    assert!(env.registration_ids(&[]).await.is_empty(), "nothing refused was stored");
}

/// `check_fields` splits the address at its first '@' only, so a second '@' in the
/// domain part passes: "ann@evil@example.com" is stored as Ann's e-mail.
#[tokio::test]
async fn an_email_with_two_at_signs_is_refused() {
    let env = Api::start().await;
    for email in ["ann@evil@example.com", "ann@@example.com"] {
        let r = env
            .create_learner(json!({"id": "ann", "name": "Ann", "email": email}))
            .await;
        assert_eq!(r.status.as_u16(), 400, "POST with {email}: {}", r.text());
        let r = env
            .put_as(
                &env.admin,
                &learner_path("ann"),
                &json!({"name": "Ann", "email": email}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 400, "PUT with {email}: {}", r.text());
    }
    assert!(env.learners_as(&env.admin).await.is_empty());
}

#[tokio::test]
async fn put_input_is_validated() {
    let env = Api::start().await;
    let refused_paths = [
        ("id with '/'", learner_path("ann/lee")),
        ("256-character id", learner_path(&"x".repeat(256))),
        ("id with a control character", learner_path("ann\u{1}")),
    ];
    for (what, path) in &refused_paths {
        bad_request(env.put_as(&env.admin, path, &json!({"name": "Ann"})).await, what);
    }
    let path = learner_path("ann");
    for (what, body) in [
        ("empty name", json!({"name": ""})),
        ("blank name", json!({"name": " \t "})),
        ("bad e-mail", json!({"name": "Ann", "email": "ann.example.com"})),
        ("id in the body", json!({"id": "ann", "name": "Ann"})),
        ("unknown field", json!({"name": "Ann", "phone": "555"})),
        ("missing name", json!({"email": "ann@example.com"})),
    ] {
        bad_request(env.put_as(&env.admin, &path, &body).await, what);
    }
    let r = env
        .call(Method::PUT, &path, &env.admin)
        .body("application/json", "{\"name\": ")
        .send()
        .await;
    bad_request(r, "malformed JSON");
    assert!(
        env.learners_as(&env.admin).await.is_empty(),
        "nothing refused was stored"
    );

    // A refused update leaves the learner as it was.
    let ann = env
        .put_as(&env.admin, &path, &json!({"name": "Ann", "email": "ann@example.com"}))
        .await
        .expect(201)
        .json();
    bad_request(
        env.put_as(&env.admin, &path, &json!({"name": "Ann", "email": "nope"}))
            .await,
        "bad e-mail on update",
    );
    bad_request(
        env.put_as(&env.admin, &path, &json!({"name": ""})).await,
        "empty name on update",
    );
    assert_eq!(env.get_api(&path).await.expect(200).json(), ann);
}

#[tokio::test]
async fn delete_learner() {
    let env = Api::start().await;
    env.learner("ann", "Ann").await;
    env.learner("bob", "Bob").await;
    let r = env.delete_as(&env.admin, &learner_path("ann")).await.expect(204);
    assert!(r.body.is_empty(), "204 has no body: {}", r.text());
    env.get_api(&learner_path("ann")).await.expect(404);
    let ids: Vec<Value> = env
        .learners_as(&env.admin)
        .await
        .into_iter()
        .map(|l| l["id"].clone())
        .collect();
    assert_eq!(ids, [json!("bob")]);
    refusal(env.delete_as(&env.admin, &learner_path("ann")).await, 404);
    refusal(env.delete_as(&env.admin, &learner_path("nobody")).await, 404);
    refusal(
        env.delete_as(&env.admin, &format!("{}?force=true", learner_path("nobody")))
            .await,
        404,
    );
    // The id can be used again.
    env.learner("ann", "Ann again").await;
}

#[tokio::test]
async fn learner_delete_is_refused_while_registered_unless_forced() {
    let env = Api::start().await;
    let pkg = env.package("scorm12-single-sco").await;
    let ann = env.learner("ann", "Ann").await;
    env.learner("bob", "Bob").await;
    let ann_reg = env.register("ann", &pkg, None).await;
    let bob_reg = env.register("bob", &pkg, None).await;
    let ann_id = str_of(&ann_reg, "id");
    let bob_id = str_of(&bob_reg, "id");

    for path in [learner_path("ann"), format!("{}?force=false", learner_path("ann"))] {
        let e = refusal(env.delete_as(&env.admin, &path).await, 409);
        assert!(
            e["message"].as_str().is_some_and(|m| m.contains("force")),
            "the refusal says how to force: {e}"
        );
    }
    assert_eq!(env.get_api(&learner_path("ann")).await.expect(200).json(), ann);
    assert_eq!(
        env.get_api(&registration_path(ann_id)).await.expect(200).json(),
        ann_reg
    );

    env.delete_as(&env.admin, &format!("{}?force=true", learner_path("ann")))
        .await
        .expect(204);
    env.get_api(&learner_path("ann")).await.expect(404);
    env.get_api(&registration_path(ann_id)).await.expect(404);
    assert!(env.registration_ids(&[("learner", "ann")]).await.is_empty());
    assert_eq!(env.registration_ids(&[]).await, [bob_id], "bob's registration stays");
    env.get_api(&package_path(&pkg)).await.expect(200);
}

// ---------------------------------------------------------------------------------------
// Registrations

#[tokio::test]
async fn register_show_and_list() {
    let env = Api::start().await;
    let pkg = env.package("scorm12-single-sco").await;
    let again = env.import_fixture("scorm12-single-sco").await;
    assert_eq!(
        (str_of(&again, "packageId"), &again["version"]),
        (pkg.as_str(), &json!(2))
    );
    let other_pkg = env.package("tincan-two-activities").await;
    env.learner("ann", "Ann").await;
    env.learner("bob", "Bob").await;

    let newest = env.register("ann", &pkg, None).await;
    assert_eq!(
        keys(&newest),
        ["createdMs", "id", "learner", "packageId", "version"],
        "{newest}"
    );
    assert_eq!(
        (&newest["learner"], &newest["packageId"], &newest["version"]),
        (&json!("ann"), &json!(pkg), &json!(2)),
        "the version defaults to the newest"
    );
    assert!(is_uuid(str_of(&newest, "id")), "the id is a UUID: {newest}");
    assert!(ms(&newest, "createdMs") > 1_600_000_000_000);
    let first = env.register("ann", &pkg, Some(1)).await;
    assert_eq!(first["version"], json!(1));
    let explicit_null = env
        .register_as(&env.admin, json!({"learner": "bob", "packageId": pkg, "version": null}))
        .await
        .expect(201)
        .json();
    assert_eq!(explicit_null["version"], json!(2));
    let other = env.register("ann", &other_pkg, None).await;
    assert_eq!(other["version"], json!(1));
    let ids: Vec<&str> = [&newest, &first, &explicit_null, &other]
        .iter()
        .map(|r| str_of(r, "id"))
        .collect();
    let mut distinct = ids.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 4, "every registration has its own id: {ids:?}");

    for r in [&newest, &first, &explicit_null, &other] {
        let shown = env
            .get_api(&registration_path(str_of(r, "id")))
            .await
            .expect(200)
            .json();
        assert_eq!(&shown, r);
    }
    refusal(env.get_api(&registration_path(&uuid())).await, 404);
    refusal(env.get_api(&registration_path("not-a-registration")).await, 404);

    let listed = env.get_api(REGISTRATIONS).await.expect(200).json();
    let mut all = listed["registrations"].as_array().expect("registrations").clone();
    all.sort_by_key(|r| str_of(r, "id").to_owned());
    let mut expected = vec![newest.clone(), first.clone(), explicit_null.clone(), other.clone()];
    expected.sort_by_key(|r| str_of(r, "id").to_owned());
    assert_eq!(all, expected, "the list answers the registrations as created");

    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let set = |ids: &[&Value]| sorted(ids.iter().map(|r| str_of(r, "id").to_owned()).collect());
    assert_eq!(
        sorted(env.registration_ids(&[("learner", "ann")]).await),
        set(&[&newest, &first, &other])
    );
    assert_eq!(
        sorted(env.registration_ids(&[("learner", "bob")]).await),
        set(&[&explicit_null])
    );
    assert_eq!(
        sorted(env.registration_ids(&[("packageId", &pkg)]).await),
        set(&[&newest, &first, &explicit_null])
    );
    assert_eq!(
        sorted(env.registration_ids(&[("packageId", &other_pkg)]).await),
        set(&[&other])
    );
    assert_eq!(
        sorted(env.registration_ids(&[("learner", "ann"), ("packageId", &pkg)]).await),
        set(&[&newest, &first])
    );
    assert!(
        env.registration_ids(&[("learner", "bob"), ("packageId", &other_pkg)])
            .await
            .is_empty()
    );
    assert!(env.registration_ids(&[("learner", "nobody")]).await.is_empty());
    assert!(env.registration_ids(&[("packageId", &uuid())]).await.is_empty());
}

#[tokio::test]
async fn registrations_list_oldest_first() {
    let env = Api::start().await;
    let pkg = env.package("scorm12-single-sco").await;
    env.learner("ann", "Ann").await;
    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(str_of(&env.register("ann", &pkg, None).await, "id").to_owned());
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(env.registration_ids(&[]).await, ids);
    assert_eq!(env.registration_ids(&[("learner", "ann")]).await, ids);
}

#[tokio::test]
async fn registration_refusals() {
    let env = Api::start().await;
    let pkg = env.package("scorm12-single-sco").await;
    env.learner("ann", "Ann").await;
    let unknown = uuid();
    let not_found: Vec<(&str, Value)> = vec![
        ("unknown learner", json!({"learner": "nobody", "packageId": pkg})),
        (
            "unknown learner, version",
            json!({"learner": "nobody", "packageId": pkg, "version": 1}),
        ),
        ("unknown package", json!({"learner": "ann", "packageId": unknown})),
        (
            "unknown package, version",
            json!({"learner": "ann", "packageId": unknown, "version": 1}),
        ),
        (
            "unknown version",
            json!({"learner": "ann", "packageId": pkg, "version": 2}),
        ),
        ("version 0", json!({"learner": "ann", "packageId": pkg, "version": 0})),
    ];
    for (what, body) in &not_found {
        let r = env.register_as(&env.admin, body.clone()).await;
        assert_eq!(r.status.as_u16(), 404, "{what}: {}", r.text());
        assert_eq!(r.json()["error"]["code"], json!(404), "{what}");
    }
    let bad: Vec<(&str, Value)> = vec![
        ("missing learner", json!({"packageId": pkg})),
        ("missing packageId", json!({"learner": "ann"})),
        ("snake_case field", json!({"learner": "ann", "package_id": pkg})),
        (
            "unknown field",
            json!({"learner": "ann", "packageId": pkg, "registration": uuid()}),
        ),
        (
            "negative version",
            json!({"learner": "ann", "packageId": pkg, "version": -1}),
        ),
        (
            "version not a number",
            json!({"learner": "ann", "packageId": pkg, "version": "1"}),
        ),
    ];
    for (what, body) in &bad {
        bad_request(env.register_as(&env.admin, body.clone()).await, what);
    }
    let r = env
        .call(Method::POST, REGISTRATIONS, &env.admin)
        .body("application/json", "{\"learner\": \"ann\",")
        .send()
        .await;
    bad_request(r, "malformed JSON");
    assert!(env.registration_ids(&[]).await.is_empty(), "nothing refused was stored");
    // An unknown filter is refused rather than ignored (which would list everything).
    let r = env.get_api(&q(REGISTRATIONS, &[("learnerId", "ann")])).await;
    assert_eq!(r.status.as_u16(), 400, "unknown filter: {}", r.text());
}

// ---------------------------------------------------------------------------------------
// Packages and registrations

#[tokio::test]
async fn package_delete_is_refused_while_registered_and_forced_delete_removes_registrations() {
    let env = Api::start().await;
    let pkg = env.package("scorm12-single-sco").await;
    let other_pkg = env.package("tincan-two-activities").await;
    env.learner("ann", "Ann").await;
    let reg = env.register("ann", &pkg, None).await;
    let reg_id = str_of(&reg, "id");
    let kept = env.register("ann", &other_pkg, None).await;
    let blobs_before = env.app.blobs.list().await.expect("list blobs");

    for path in [package_path(&pkg), format!("{}?force=false", package_path(&pkg))] {
        let e = refusal(env.delete_as(&env.admin, &path).await, 409);
        assert!(
            e["message"].as_str().is_some_and(|m| m.contains("registration")),
            "the refusal names the registrations: {e}"
        );
    }
    // The refused delete changed nothing: the package still serves, the registration stays.
    env.get_api(&package_path(&pkg)).await.expect(200);
    assert_eq!(env.get_api(&registration_path(reg_id)).await.expect(200).json(), reg);
    assert_eq!(env.app.blobs.list().await.expect("list blobs"), blobs_before);
    let base = env.content_base(&pkg).await;
    env.fetch(&format!("{base}index.html")).await.expect(200);

    env.delete_as(&env.admin, &format!("{}?force=true", package_path(&pkg)))
        .await
        .expect(204);
    env.get_api(&package_path(&pkg)).await.expect(404);
    refusal(env.get_api(&registration_path(reg_id)).await, 404);
    assert!(env.registration_ids(&[("packageId", &pkg)]).await.is_empty());
    assert_eq!(
        env.registration_ids(&[]).await,
        [str_of(&kept, "id")],
        "only the deleted package's registrations went"
    );
    env.get_api(&learner_path("ann")).await.expect(200);
    assert!(
        env.app.blobs.list().await.expect("list blobs").len() < blobs_before.len(),
        "the forced delete removed the package's blobs"
    );
    refusal(
        env.register_as(&env.admin, json!({"learner": "ann", "packageId": pkg}))
            .await,
        404,
    );
    refusal(
        env.delete_as(&env.admin, &format!("{}?force=true", package_path(&pkg)))
            .await,
        404,
    );

    // The learner's remaining registration still holds the learner; then without any,
    // both the package and the learner delete without force.
    refusal(env.delete_as(&env.admin, &learner_path("ann")).await, 409);
    env.delete_as(&env.admin, &format!("{}?force=true", package_path(&other_pkg)))
        .await
        .expect(204);
    env.delete_as(&env.admin, &learner_path("ann")).await.expect(204);
    let unused = env.package("scorm12-single-sco").await;
    env.delete_as(&env.admin, &package_path(&unused)).await.expect(204);
}

// ---------------------------------------------------------------------------------------
// Credentials and tenants

/// Every learner and registration call, with the status an admin gets for it.
fn calls<'a>(env: &'a Api, pkg: &str, reg: &str) -> Vec<(String, Req<'a>)> {
    let app = &env.app;
    vec![
        (
            "POST learners".into(),
            app.post(LEARNERS).json(&json!({"id": "zed", "name": "Zed"})),
        ),
        ("GET learners".into(), app.get(LEARNERS)),
        ("GET learner".into(), app.get(&learner_path("ann"))),
        (
            "PUT learner".into(),
            app.put(&learner_path("ann")).json(&json!({"name": "Changed"})),
        ),
        (
            "POST registrations".into(),
            app.post(REGISTRATIONS)
                .json(&json!({"learner": "zed", "packageId": pkg})),
        ),
        ("GET registrations".into(), app.get(REGISTRATIONS)),
        (
            "GET registrations filtered".into(),
            app.get(&q(REGISTRATIONS, &[("learner", "ann"), ("packageId", pkg)])),
        ),
        ("GET registration".into(), app.get(&registration_path(reg))),
        ("DELETE learner".into(), app.delete(&learner_path("bob"))),
        (
            "DELETE learner forced".into(),
            app.delete(&format!("{}?force=true", learner_path("ann"))),
        ),
        (
            "DELETE package forced".into(),
            app.delete(&format!("{}?force=true", package_path(pkg))),
        ),
        (
            "POST learners, invalid".into(),
            app.post(LEARNERS).body("application/json", "{not json"),
        ),
    ]
}

/// What the tenant has, to show refused calls changed nothing.
async fn state(env: &Api, pkg: &str) -> (Vec<Value>, Value, u16) {
    let learners = env.learners_as(&env.admin).await;
    let regs = env.get_api(REGISTRATIONS).await.expect(200).json();
    let package = env.get_api(&package_path(pkg)).await.status.as_u16();
    (learners, regs, package)
}

#[tokio::test]
async fn the_learner_api_needs_credentials_with_the_admin_scope() {
    let env = Api::start().await;
    let pkg = env.package("scorm12-single-sco").await;
    env.learner("ann", "Ann").await;
    env.learner("bob", "Bob").await;
    let reg = env.register("ann", &pkg, None).await;
    let reg = str_of(&reg, "id").to_owned();
    let before = state(&env, &pkg).await;

    let all = env.app.credential(&env.tenant, &[Scope::All]).await;
    let writer = env
        .app
        .credential(&env.tenant, &[Scope::StatementsWrite, Scope::State])
        .await;
    let revoked = env.app.credential(&env.tenant, &[Scope::Admin]).await;
    env.app.revoke(&env.tenant, &revoked).await;
    let wrong = Cred {
        key: env.admin.key.clone(),
        secret: "not-the-secret".into(),
    };
    for (cred, status) in [
        (Some(&all), 403),
        (Some(&writer), 403),
        (None, 401),
        (Some(&wrong), 401),
        (Some(&revoked), 401),
    ] {
        for (what, req) in calls(&env, &pkg, &reg) {
            let req = match cred {
                Some(c) => req.auth(c),
                None => req,
            };
            let r = req.send().await;
            assert_eq!(
                r.status.as_u16(),
                status,
                "{what} with {:?}: {}",
                cred.map(|c| &c.key),
                r.text()
            );
            assert_eq!(r.json()["error"]["code"], json!(status), "{what}");
            if status == 401 {
                assert!(
                    r.header("www-authenticate").is_some_and(|h| h.starts_with("Basic")),
                    "{what}: a Basic challenge"
                );
            }
        }
    }
    assert_eq!(state(&env, &pkg).await, before, "refused calls change nothing");

    // The same calls with the admin scope go through (an admin scope among others too).
    let mixed = env
        .app
        .credential(&env.tenant, &[Scope::StatementsRead, Scope::Admin])
        .await;
    env.get_as(&mixed, LEARNERS).await.expect(200);
    let expected = [201, 200, 200, 200, 201, 200, 200, 200, 204, 204, 204, 400];
    let mut got = Vec::new();
    for (what, req) in calls(&env, &pkg, &reg) {
        let r = req.auth(&env.admin).send().await;
        got.push((what, r.status.as_u16()));
    }
    let want: Vec<(String, u16)> = got.iter().map(|(w, _)| w.clone()).zip(expected).collect();
    assert_eq!(got, want);
}

#[tokio::test]
async fn another_tenant_cannot_see_register_delete_or_detect() {
    let mut env = Api::start().await;
    let other = env.other_tenant("globex").await;
    let a_pkg = env.package("scorm12-single-sco").await;
    let ann = env
        .create_learner(json!({"id": "ann", "name": "Ann", "email": "ann@acme.example"}))
        .await
        .expect(201)
        .json();
    let a_reg = env.register("ann", &a_pkg, None).await;
    let a_reg_id = str_of(&a_reg, "id");
    let b_pkg = env.package_as(&other, "tincan-two-activities").await;
    assert!(env.get_as(&other, &package_path(&b_pkg)).await.status.is_success());
    env.post_as(&other, LEARNERS, &json!({"id": "bea", "name": "Bea"}))
        .await
        .expect(201);

    // B cannot see A's learner or registration.
    refusal(env.get_as(&other, &learner_path("ann")).await, 404);
    refusal(env.get_as(&other, &registration_path(a_reg_id)).await, 404);
    let b_ids: Vec<Value> = env
        .learners_as(&other)
        .await
        .into_iter()
        .map(|l| l["id"].clone())
        .collect();
    assert_eq!(b_ids, [json!("bea")]);
    assert!(env.registration_ids_as(&other, &[]).await.is_empty());
    assert!(env.registration_ids_as(&other, &[("learner", "ann")]).await.is_empty());
    assert!(
        env.registration_ids_as(&other, &[("packageId", &a_pkg)])
            .await
            .is_empty()
    );

    // B cannot register A's learner (to its own package), nor its learner to A's package.
    for body in [
        json!({"learner": "ann", "packageId": b_pkg}),
        json!({"learner": "ann", "packageId": b_pkg, "version": 1}),
        json!({"learner": "bea", "packageId": a_pkg}),
        json!({"learner": "bea", "packageId": a_pkg, "version": 1}),
        json!({"learner": "ann", "packageId": a_pkg}),
    ] {
        let r = env.register_as(&other, body.clone()).await;
        assert_eq!(r.status.as_u16(), 404, "{body}: {}", r.text());
    }
    assert!(env.registration_ids_as(&other, &[]).await.is_empty());

    // B cannot delete A's learner or package, nor learn that they are registered: 404,
    // never 409, with or without force.
    for suffix in ["", "?force=true"] {
        refusal(
            env.delete_as(&other, &format!("{}{suffix}", learner_path("ann"))).await,
            404,
        );
        refusal(
            env.delete_as(&other, &format!("{}{suffix}", package_path(&a_pkg)))
                .await,
            404,
        );
    }

    // The same learner id in B is B's own learner: created, not a conflict.
    let b_ann = env
        .post_as(&other, LEARNERS, &json!({"id": "ann", "name": "Ann of Globex"}))
        .await
        .expect(201)
        .json();
    assert_eq!(b_ann["agent"], agent(&env, "globex", "ann", "Ann of Globex"));
    env.put_as(&other, &learner_path("ann"), &json!({"name": "Ann G."}))
        .await
        .expect(200);
    env.put_as(&other, &learner_path("cy"), &json!({"name": "Cy"}))
        .await
        .expect(201);
    // A's registrations of its ann do not hold B's ann: B deletes it without force.
    env.delete_as(&other, &learner_path("ann")).await.expect(204);
    env.get_api(&learner_path("ann")).await.expect(200);
    env.put_as(&other, &learner_path("ann"), &json!({"name": "Ann G."}))
        .await
        .expect(201);
    // B's ann still cannot be registered to A's package.
    refusal(
        env.register_as(&other, json!({"learner": "ann", "packageId": a_pkg}))
            .await,
        404,
    );
    let b_reg = env
        .register_as(&other, json!({"learner": "ann", "packageId": b_pkg}))
        .await
        .expect(201)
        .json();
    refusal(env.get_api(&registration_path(str_of(&b_reg, "id"))).await, 404);
    // B's forced delete of its ann leaves A's ann and registration alone.
    env.delete_as(&other, &format!("{}?force=true", learner_path("ann")))
        .await
        .expect(204);

    // Everything of A's is as it was.
    assert_eq!(env.get_api(&learner_path("ann")).await.expect(200).json(), ann);
    assert_eq!(
        env.get_api(&registration_path(a_reg_id)).await.expect(200).json(),
        a_reg
    );
    assert_eq!(env.registration_ids(&[]).await, [a_reg_id]);
    let a_ids: Vec<Value> = env
        .learners_as(&env.admin)
        .await
        .into_iter()
        .map(|l| l["id"].clone())
        .collect();
    assert_eq!(a_ids, [json!("ann")]);
    env.get_api(&package_path(&a_pkg)).await.expect(200);
    refusal(env.delete_as(&env.admin, &learner_path("ann")).await, 409);
}
