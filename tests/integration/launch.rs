//! Launch links of the admin API: by package, by registration (the registration's learner
//! and version, whatever was uploaded since) and the LMS launch (learner and registration
//! made on first use, reused after); the grant's claims; item selection; input checks;
//! the `admin` scope; tenant isolation; and the links served by the content origin.

use axum::http::Method;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kiroku::tenant::Scope;
use serde_json::{Value, json};

use crate::data::{q, uuid};
use crate::packages::{Env, str_of};
use crate::support::{Cred, Resp};

const LMS: &str = "/api/v1/launch";
const LEARNERS: &str = "/api/v1/learners";
const REGISTRATIONS: &str = "/api/v1/registrations";

fn registration_launch_path(id: &str) -> String {
    format!("{REGISTRATIONS}/{id}/launch")
}

fn package_launch_path(id: &str) -> String {
    format!("/api/v1/packages/{id}/launch")
}

async fn post(env: &Env, cred: &Cred, path: &str, body: &Value) -> Resp {
    env.app.post(path).auth(cred).json(body).send().await
}

async fn post_raw(env: &Env, path: &str, body: &[u8]) -> Resp {
    env.app
        .post(path)
        .auth(&env.admin)
        .body("application/json", body.to_vec())
        .send()
        .await
}

/// `POST /api/v1/launch` as the tenant's admin.
async fn lms_as(env: &Env, cred: &Cred, body: Value) -> Resp {
    post(env, cred, LMS, &body).await
}

/// An LMS launch that must succeed.
async fn lms(env: &Env, body: Value) -> Value {
    lms_as(env, &env.admin, body).await.expect(200).json()
}

/// `POST /api/v1/registrations/{id}/launch` with an empty body.
async fn registration_launch_as(env: &Env, cred: &Cred, id: &str) -> Resp {
    env.app.post(&registration_launch_path(id)).auth(cred).send().await
}

async fn registration_launch(env: &Env, id: &str) -> Value {
    registration_launch_as(env, &env.admin, id).await.expect(200).json()
}

async fn package(env: &Env, fixture_name: &str) -> String {
    str_of(&env.import_fixture(fixture_name).await, "packageId").to_owned()
}

async fn create_learner(env: &Env, id: &str, name: &str) {
    post(env, &env.admin, LEARNERS, &json!({"id": id, "name": name}))
        .await
        .expect(201);
}

async fn register(env: &Env, learner: &str, package_id: &str, version: Option<u32>) -> Value {
    let mut body = json!({"learner": learner, "packageId": package_id});
    if let Some(v) = version {
        body["version"] = json!(v);
    }
    post(env, &env.admin, REGISTRATIONS, &body).await.expect(201).json()
}

async fn learners_as(env: &Env, cred: &Cred) -> Vec<Value> {
    let v = env.app.get(LEARNERS).auth(cred).send().await.expect(200).json();
    v["learners"]
        .as_array()
        .unwrap_or_else(|| panic!("learners: {v}"))
        .clone()
}

async fn registrations_as(env: &Env, cred: &Cred, filters: &[(&str, &str)]) -> Vec<Value> {
    let v = env
        .app
        .get(&q(REGISTRATIONS, filters))
        .auth(cred)
        .send()
        .await
        .expect(200)
        .json();
    v["registrations"]
        .as_array()
        .unwrap_or_else(|| panic!("registrations: {v}"))
        .clone()
}

fn ids(list: &[Value]) -> Vec<String> {
    list.iter().map(|r| str_of(r, "id").to_owned()).collect()
}

/// The claims of the grant in a launch answer's content base.
fn claims(launch: &Value) -> Value {
    let base = str_of(launch, "contentBase");
    let token = base.trim_end_matches('/').rsplit('/').next().expect("token");
    let (claims, sig) = token.split_once('.').expect("claims.signature");
    assert!(!sig.is_empty(), "a signature: {token}");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).expect("base64url")).expect("JSON claims")
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

/// Fixture helpers of our own (the `packages` module keeps its `fixture` module private).
mod fixture {
    use std::io::{Cursor, Write};
    use std::path::{Path, PathBuf};

    use zip::ZipWriter;
    use zip::write::SimpleFileOptions;

    pub type File = (String, Vec<u8>);

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("packages")
    }

    /// A file of a fixture folder, as the package carries it (no `.shared` file).
    pub fn file(name: &str, path: &str) -> Vec<u8> {
        std::fs::read(root().join(name).join(path)).unwrap_or_else(|e| panic!("{name}/{path}: {e}"))
    }

    fn walk(dir: &Path, prefix: &str, out: &mut Vec<File>) {
        for entry in std::fs::read_dir(dir).expect("read a fixture folder") {
            let entry = entry.expect("fixture entry");
            let name = entry.file_name().into_string().expect("UTF-8 file name");
            let path = format!("{prefix}{name}");
            if entry.path().is_dir() {
                walk(&entry.path(), &format!("{path}/"), out);
            } else if let Some(real) = path.strip_suffix(".shared") {
                let text = std::fs::read_to_string(entry.path()).expect("read a .shared file");
                let shared = root().join("_shared").join(text.trim());
                out.push((real.to_owned(), std::fs::read(shared).expect("read a shared file")));
            } else {
                out.push((path, std::fs::read(entry.path()).expect("read a fixture file")));
            }
        }
    }

    /// The files of a fixture folder.
    pub fn files(name: &str) -> Vec<File> {
        let mut out = Vec::new();
        walk(&root().join(name), "", &mut out);
        out.sort();
        out
    }

    pub fn zip(files: &[File]) -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        for (path, bytes) in files {
            zip.start_file(path.as_str(), SimpleFileOptions::default())
                .expect("zip entry");
            zip.write_all(bytes).expect("zip data");
        }
        zip.finish().expect("finish zip").into_inner()
    }

    pub fn package(name: &str) -> Vec<u8> {
        zip(&files(name))
    }
}

/// The single-SCO fixture as its author's next export: a changed page and a new script.
fn second_edition() -> Vec<fixture::File> {
    let mut files = fixture::files("scorm12-single-sco");
    let index = files.iter_mut().find(|(p, _)| p == "index.html").expect("index.html");
    index.1 = b"<!DOCTYPE html><title>Revised</title><p>Version 2</p>\n".to_vec();
    files.push(("js/revision.js".to_owned(), b"var revision = 2;\n".to_vec()));
    files
}

#[track_caller]
fn status(resp: Resp, want: u16, what: &str) {
    assert_eq!(resp.status.as_u16(), want, "{what}: {}", resp.text());
    assert_eq!(resp.json()["error"]["code"], json!(want), "{what}: {}", resp.text());
}

// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_registration_launches_its_learner_on_its_version_after_a_new_upload() {
    let env = Env::start().await;
    let pkg = package(&env, "scorm12-single-sco").await;
    create_learner(&env, "ann", "Ann").await;
    let reg = register(&env, "ann", &pkg, None).await;
    let reg_id = str_of(&reg, "id");
    assert_eq!(reg["version"], json!(1));
    let v2 = env.import(&fixture::zip(&second_edition())).await;
    assert_eq!((&v2["packageId"], &v2["version"]), (&json!(pkg), &json!(2)));

    let v1_index = fixture::file("scorm12-single-sco", "index.html");
    let empty = registration_launch(&env, reg_id).await;
    let braces = post_raw(&env, &registration_launch_path(reg_id), b"{}")
        .await
        .expect(200)
        .json();
    let blank = post_raw(&env, &registration_launch_path(reg_id), b" \n ")
        .await
        .expect(200)
        .json();
    for l in [&empty, &braces, &blank] {
        assert_eq!(
            keys(l),
            [
                "contentBase",
                "expiresAt",
                "item",
                "learner",
                "packageId",
                "playerUrl",
                "registration",
                "url",
                "version"
            ]
        );
        assert_eq!(
            (&l["packageId"], &l["version"], &l["learner"], &l["registration"]),
            (&json!(pkg), &json!(1), &json!("ann"), &json!(reg_id)),
            "{l}"
        );
        assert_eq!(l["item"], json!("ITEM-FIRE"));
        let base = str_of(l, "contentBase");
        assert_eq!(str_of(l, "url"), format!("{base}index.html"));
        let page = env.fetch(str_of(l, "url")).await.expect(200);
        assert_eq!(page.body.as_ref(), v1_index.as_slice(), "version 1 is served");
        env.fetch(&format!("{base}js/revision.js")).await.expect(404);
    }

    // A new learner launched by the LMS gets the newest version.
    let bob = lms(&env, json!({"learner": {"id": "bob", "name": "Bob"}, "packageId": pkg})).await;
    assert_eq!((&bob["version"], &bob["learner"]), (&json!(2), &json!("bob")));
    let bob_reg = str_of(&bob, "registration");
    assert_ne!(bob_reg, reg_id);
    let shown = env
        .get_api(&format!("{REGISTRATIONS}/{bob_reg}"))
        .await
        .expect(200)
        .json();
    assert_eq!((&shown["learner"], &shown["version"]), (&json!("bob"), &json!(2)));
    let page = env.fetch(str_of(&bob, "url")).await.expect(200);
    assert!(page.text().contains("Version 2"), "{}", page.text());
    env.fetch(&format!("{}js/revision.js", str_of(&bob, "contentBase")))
        .await
        .expect(200);
    // And Ann's registration still launches version 1.
    assert_eq!(registration_launch(&env, reg_id).await["version"], json!(1));
}

#[tokio::test]
async fn the_grant_carries_tenant_package_version_learner_registration_and_expiry() {
    let env = Env::start().await;
    let pkg = package(&env, "scorm12-single-sco").await;
    env.import(&fixture::zip(&second_edition())).await;
    create_learner(&env, "ann", "Ann").await;
    let reg = register(&env, "ann", &pkg, Some(1)).await;
    let reg_id = str_of(&reg, "id");

    let by_reg = registration_launch(&env, reg_id).await;
    let c = claims(&by_reg);
    assert_eq!(keys(&c), ["e", "l", "p", "r", "t", "v"], "{c}");
    assert_eq!(
        (&c["t"], &c["p"], &c["v"], &c["l"], &c["r"]),
        (
            &json!(env.tenant.id.0),
            &json!(pkg),
            &json!(1),
            &json!("ann"),
            &json!(reg_id)
        )
    );
    let expires = chrono::DateTime::parse_from_rfc3339(str_of(&by_reg, "expiresAt")).expect("expiresAt");
    assert_eq!(c["e"], json!(expires.timestamp_millis()));
    let hours = (expires.timestamp_millis() - chrono::Utc::now().timestamp_millis()) / 3_600_000;
    assert!((7..=8).contains(&hours), "links last 8 hours: {hours}");

    let by_lms = lms(&env, json!({"learner": {"id": "bob", "name": "Bob"}, "packageId": pkg})).await;
    let c = claims(&by_lms);
    assert_eq!(
        (&c["t"], &c["p"], &c["v"], &c["l"], &c["r"]),
        (
            &json!(env.tenant.id.0),
            &json!(pkg),
            &json!(2),
            &json!("bob"),
            &by_lms["registration"]
        )
    );
    assert!(c["r"].is_string(), "{c}");

    // A package launch has no registration: none in the answer, none in the grant.
    let by_pkg = env.launch(&pkg, json!({"learner": "cy", "version": 1})).await;
    assert_eq!(by_pkg["registration"], Value::Null, "{by_pkg}");
    let c = claims(&by_pkg);
    assert!(c.get("r").is_none(), "{c}");
    assert_eq!((&c["l"], &c["v"]), (&json!("cy"), &json!(1)));
}

#[tokio::test]
async fn an_lms_launch_creates_the_learner_and_a_registration_then_reuses_them() {
    let env = Env::start().await;
    let pkg = package(&env, "scorm12-single-sco").await;
    env.get_api(&format!("{LEARNERS}/lms-42")).await.expect(404);
    let body = json!({
        "learner": {"id": "lms-42", "name": "  Kim Park ", "email": "kim@example.com"},
        "packageId": pkg,
    });
    let first = lms(&env, body).await;
    assert_eq!(
        (&first["learner"], &first["packageId"], &first["version"]),
        (&json!("lms-42"), &json!(pkg), &json!(1))
    );
    let kim = env.get_api(&format!("{LEARNERS}/lms-42")).await.expect(200).json();
    assert_eq!(
        (&kim["id"], &kim["name"], &kim["email"]),
        (&json!("lms-42"), &json!("Kim Park"), &json!("kim@example.com"))
    );
    let regs = registrations_as(&env, &env.admin, &[]).await;
    assert_eq!(ids(&regs), [str_of(&first, "registration")]);
    assert_eq!(
        (&regs[0]["learner"], &regs[0]["packageId"], &regs[0]["version"]),
        (&json!("lms-42"), &json!(pkg), &json!(1))
    );
    env.fetch(str_of(&first, "url")).await.expect(200);

    // Again, under another name and without e-mail: same registration, learner unchanged.
    let again = lms(
        &env,
        json!({"learner": {"id": "lms-42", "name": "Someone Else"}, "packageId": pkg}),
    )
    .await;
    assert_eq!(again["registration"], first["registration"]);
    assert_eq!(again["learner"], json!("lms-42"));
    assert_eq!(
        env.get_api(&format!("{LEARNERS}/lms-42")).await.expect(200).json(),
        kim,
        "an existing learner is left unchanged"
    );
    assert_eq!(registrations_as(&env, &env.admin, &[]).await, regs);

    // A learner made through the API keeps its name too.
    create_learner(&env, "ann", "Ann Lee").await;
    let before = env.get_api(&format!("{LEARNERS}/ann")).await.expect(200).json();
    let ann = lms(
        &env,
        json!({"learner": {"id": "ann", "name": "Annie"}, "packageId": pkg}),
    )
    .await;
    assert_eq!(env.get_api(&format!("{LEARNERS}/ann")).await.expect(200).json(), before);
    assert_ne!(
        ann["registration"], first["registration"],
        "one registration per learner"
    );
    let listed = registrations_as(&env, &env.admin, &[("learner", "ann")]).await;
    assert_eq!(ids(&listed), [str_of(&ann, "registration")]);
    assert_eq!(learners_as(&env, &env.admin).await.len(), 2);
}

#[tokio::test]
async fn an_lms_launch_reuses_the_newest_registration_whatever_its_version() {
    let env = Env::start().await;
    let pkg = package(&env, "scorm12-single-sco").await;
    let other_pkg = package(&env, "scorm12-multi-sco").await;
    create_learner(&env, "ann", "Ann").await;
    let old = register(&env, "ann", &pkg, None).await;
    env.import(&fixture::zip(&second_edition())).await;

    // Only a version 1 registration: it is reused, no version 2 one is made.
    let l = lms(&env, json!({"learner": {"id": "ann", "name": "Ann"}, "packageId": pkg})).await;
    assert_eq!((&l["registration"], &l["version"]), (&old["id"], &json!(1)));
    assert_eq!(registrations_as(&env, &env.admin, &[]).await.len(), 1);
    let page = env.fetch(str_of(&l, "url")).await.expect(200);
    assert!(!page.text().contains("Version 2"));

    // A newer registration (on version 1 again) is the one reused.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let newer = register(&env, "ann", &pkg, Some(1)).await;
    let l = lms(&env, json!({"learner": {"id": "ann", "name": "Ann"}, "packageId": pkg})).await;
    assert_eq!(l["registration"], newer["id"]);
    // A registration for another package is not reused for this one.
    let m = lms(
        &env,
        json!({"learner": {"id": "ann", "name": "Ann"}, "packageId": other_pkg}),
    )
    .await;
    assert_ne!(m["registration"], newer["id"]);
    assert_ne!(m["registration"], old["id"]);
    assert_eq!(m["packageId"], json!(other_pkg));
    assert_eq!(registrations_as(&env, &env.admin, &[]).await.len(), 3);
}

#[tokio::test]
async fn items_are_chosen_by_id_and_unknown_items_are_404() {
    let env = Env::start().await;
    let pkg = package(&env, "scorm12-multi-sco").await;
    create_learner(&env, "ann", "Ann").await;
    let reg = register(&env, "ann", &pkg, None).await;
    let reg_id = str_of(&reg, "id");

    let default = registration_launch(&env, reg_id).await;
    assert_eq!(default["item"], json!("ITEM-INTRO"));
    assert_eq!(
        str_of(&default, "url"),
        format!("{}intro/index.html", str_of(&default, "contentBase"))
    );

    let by_pkg = env
        .launch(&pkg, json!({"learner": "ann", "item": "ITEM-STORAGE"}))
        .await;
    let by_reg = post(
        &env,
        &env.admin,
        &registration_launch_path(reg_id),
        &json!({"item": "ITEM-STORAGE"}),
    )
    .await
    .expect(200)
    .json();
    let by_lms = lms(
        &env,
        json!({"learner": {"id": "ann", "name": "Ann"}, "packageId": pkg, "item": "ITEM-STORAGE"}),
    )
    .await;
    assert_eq!(by_lms["registration"], json!(reg_id));
    let player = fixture::file("scorm12-multi-sco", "lessons/player.html");
    for l in [&by_pkg, &by_reg, &by_lms] {
        assert_eq!(l["item"], json!("ITEM-STORAGE"), "{l}");
        let base = str_of(l, "contentBase");
        assert_eq!(str_of(l, "url"), format!("{base}lessons/player.html?lesson=storage"));
        let page = env.fetch(str_of(l, "url")).await.expect(200);
        assert_eq!(page.body.as_ref(), player.as_slice());
    }
    let quiz = lms(
        &env,
        json!({"learner": {"id": "ann", "name": "Ann"}, "packageId": pkg, "item": "ITEM-QUIZ"}),
    )
    .await;
    assert_eq!(quiz["item"], json!("ITEM-QUIZ"));
    assert!(str_of(&quiz, "url").ends_with("/quiz/index.html"), "{quiz}");

    for item in ["ITEM-NOPE", "ITEM-MODULE", "item-intro", ""] {
        status(
            env.launch_as(&env.admin, &pkg, json!({"learner": "ann", "item": item}))
                .await,
            404,
            &format!("package launch of {item:?}"),
        );
        status(
            post(
                &env,
                &env.admin,
                &registration_launch_path(reg_id),
                &json!({"item": item}),
            )
            .await,
            404,
            &format!("registration launch of {item:?}"),
        );
        status(
            lms_as(
                &env,
                &env.admin,
                json!({"learner": {"id": "ann", "name": "Ann"}, "packageId": pkg, "item": item}),
            )
            .await,
            404,
            &format!("LMS launch of {item:?}"),
        );
    }
}

#[tokio::test]
async fn a_cmi5_au_hosted_elsewhere_is_launched_at_its_absolute_url() {
    let env = Env::start().await;
    let pkg = package(&env, "cmi5-multi-au").await;
    let observatory = "https://kiroku.example/courses/volcanoes/au/observatory";
    let l = lms(
        &env,
        json!({"learner": {"id": "ann", "name": "Ann"}, "packageId": pkg, "item": observatory}),
    )
    .await;
    let au = crate::cmi5_launch::open_link(&env, str_of(&l, "url")).await;
    assert!(
        au.starts_with("https://observatory.example.org/live?course=volcanoes&endpoint="),
        "the AU's url as written, then the cmi5 launch parameters: {au}"
    );
    assert_eq!(l["item"], json!(observatory));
    assert!(
        str_of(&l, "contentBase").starts_with(&format!("http://{}/content/", env.app.content_addr)),
        "{l}"
    );
    let reg_id = str_of(&l, "registration");
    let by_reg = post(
        &env,
        &env.admin,
        &registration_launch_path(reg_id),
        &json!({"item": observatory}),
    )
    .await
    .expect(200)
    .json();
    let au = crate::cmi5_launch::open_link(&env, str_of(&by_reg, "url")).await;
    assert!(
        au.starts_with("https://observatory.example.org/live?course=volcanoes&endpoint="),
        "the AU's url as written, then the cmi5 launch parameters: {au}"
    );
    // A relative AU is on the content origin, query kept.
    let lab = registration_launch(&env, reg_id).await;
    assert_eq!(lab["item"], json!("https://kiroku.example/courses/volcanoes/au/intro"));
    let by_reg = post(
        &env,
        &env.admin,
        &registration_launch_path(reg_id),
        &json!({"item": "https://kiroku.example/courses/volcanoes/au/lab"}),
    )
    .await
    .expect(200)
    .json();
    let lab_url = format!("{}lab/index.html?mode=guided&endpoint=", str_of(&by_reg, "contentBase"));
    let au = crate::cmi5_launch::open_link(&env, str_of(&by_reg, "url")).await;
    assert!(au.starts_with(&lab_url), "{au}");
    env.fetch(&au).await.expect(200);
}

#[tokio::test]
async fn unknown_registrations_and_packages_are_404() {
    let env = Env::start().await;
    let pkg = package(&env, "scorm12-single-sco").await;
    for id in [uuid(), "not-a-registration".to_owned()] {
        status(
            registration_launch_as(&env, &env.admin, &id).await,
            404,
            &format!("registration {id}"),
        );
    }
    let unknown = uuid();
    status(
        env.launch_as(&env.admin, &unknown, json!({"learner": "ann"})).await,
        404,
        "package launch of an unknown package",
    );
    status(
        env.launch_as(&env.admin, &pkg, json!({"learner": "ann", "version": 2}))
            .await,
        404,
        "package launch of an unknown version",
    );
    status(
        lms_as(
            &env,
            &env.admin,
            json!({"learner": {"id": "ann", "name": "Ann"}, "packageId": unknown}),
        )
        .await,
        404,
        "LMS launch of an unknown package",
    );
    assert!(registrations_as(&env, &env.admin, &[]).await.is_empty());
}

/// The LMS launch creates the learner before it looks the package up, so a launch that is
/// refused with 404 (unknown package, or another tenant's) still leaves a new learner.
#[tokio::test]
async fn a_refused_lms_launch_creates_no_learner() {
    let env = Env::start().await;
    let other = env.other_tenant("globex").await;
    let a_pkg = package(&env, "scorm12-single-sco").await;
    for (cred, pkg, what) in [
        (&env.admin, uuid(), "an unknown package"),
        (&other, a_pkg, "another tenant's package"),
    ] {
        status(
            lms_as(
                &env,
                cred,
                json!({"learner": {"id": "ann", "name": "Ann"}, "packageId": pkg}),
            )
            .await,
            404,
            &format!("LMS launch of {what}"),
        );
        let learners = learners_as(&env, cred).await;
        assert!(learners.is_empty(), "{what}: nothing refused was stored: {learners:?}");
    }
}

/// Registrations are listed `ORDER BY created, id`, and the id (a UUIDv7) is random
/// within a millisecond: of two registrations made in the same millisecond, the LMS
/// launch reuses whichever has the larger id, not the newer one.
#[tokio::test]
async fn an_lms_launch_reuses_the_newest_registration_within_a_millisecond() {
    let env = Env::start().await;
    let pkg = package(&env, "scorm12-single-sco").await;
    create_learner(&env, "ann", "Ann").await;
    let mut last = register(&env, "ann", &pkg, None).await;
    for _ in 0..500 {
        let next = register(&env, "ann", &pkg, None).await;
        let same_ms = next["createdMs"] == last["createdMs"];
        let inverted = str_of(&next, "id") < str_of(&last, "id");
        last = next;
        if same_ms && inverted {
            break;
        }
    }
    let l = lms(&env, json!({"learner": {"id": "ann", "name": "Ann"}, "packageId": pkg})).await;
    assert_eq!(l["registration"], last["id"], "the newest registration is reused");
}

#[tokio::test]
async fn launch_requests_are_checked() {
    let env = Env::start().await;
    let pkg = package(&env, "scorm12-single-sco").await;
    create_learner(&env, "ann", "Ann").await;
    let reg = register(&env, "ann", &pkg, None).await;
    let reg_path = registration_launch_path(str_of(&reg, "id"));
    let pkg_path = package_launch_path(&pkg);
    let ok_learner = json!({"id": "kim", "name": "Kim"});
    let lms_bad: Vec<(&str, Value)> = vec![
        ("array", json!([ok_learner, pkg])),
        ("string", json!("kim")),
        (
            "unknown field",
            json!({"learner": ok_learner, "packageId": pkg, "version": 1}),
        ),
        (
            "unknown learner field",
            json!({"learner": {"id": "kim", "name": "Kim", "mbox": "mailto:k@example.com"}, "packageId": pkg}),
        ),
        ("snake_case field", json!({"learner": ok_learner, "package_id": pkg})),
        ("missing packageId", json!({"learner": ok_learner})),
        ("missing learner", json!({"packageId": pkg})),
        ("learner as a string", json!({"learner": "kim", "packageId": pkg})),
        (
            "missing learner name",
            json!({"learner": {"id": "kim"}, "packageId": pkg}),
        ),
        (
            "missing learner id",
            json!({"learner": {"name": "Kim"}, "packageId": pkg}),
        ),
        (
            "empty id",
            json!({"learner": {"id": "", "name": "Kim"}, "packageId": pkg}),
        ),
        (
            "id with '/'",
            json!({"learner": {"id": "k/m", "name": "Kim"}, "packageId": pkg}),
        ),
        (
            "id '..'",
            json!({"learner": {"id": "..", "name": "Kim"}, "packageId": pkg}),
        ),
        (
            "id with a control character",
            json!({"learner": {"id": "kim\n", "name": "Kim"}, "packageId": pkg}),
        ),
        (
            "256-character id",
            json!({"learner": {"id": "k".repeat(256), "name": "Kim"}, "packageId": pkg}),
        ),
        (
            "id not a string",
            json!({"learner": {"id": 7, "name": "Kim"}, "packageId": pkg}),
        ),
        (
            "empty name",
            json!({"learner": {"id": "kim", "name": ""}, "packageId": pkg}),
        ),
        (
            "blank name",
            json!({"learner": {"id": "kim", "name": "  "}, "packageId": pkg}),
        ),
        (
            "name with a control character",
            json!({"learner": {"id": "kim", "name": "K\u{0}m"}, "packageId": pkg}),
        ),
        (
            "256-character name",
            json!({"learner": {"id": "kim", "name": "n".repeat(256)}, "packageId": pkg}),
        ),
        (
            "bad e-mail",
            json!({"learner": {"id": "kim", "name": "Kim", "email": "kim@"}, "packageId": pkg}),
        ),
        (
            "item not a string",
            json!({"learner": ok_learner, "packageId": pkg, "item": 1}),
        ),
    ];
    for (what, body) in &lms_bad {
        status(
            lms_as(&env, &env.admin, body.clone()).await,
            400,
            &format!("LMS: {what}"),
        );
    }
    let reg_bad: Vec<(&str, Value)> = vec![
        ("array", json!(["ITEM-FIRE"])),
        ("empty array", json!([])),
        ("string", json!("ITEM-FIRE")),
        ("null", Value::Null),
        ("unknown field", json!({"learner": "bob"})),
        ("item not a string", json!({"item": 7})),
    ];
    for (what, body) in &reg_bad {
        status(
            post(&env, &env.admin, &reg_path, body).await,
            400,
            &format!("registration: {what}"),
        );
    }
    let pkg_bad: Vec<(&str, Value)> = vec![
        ("array", json!(["ann"])),
        ("unknown field", json!({"learner": "ann", "registration": uuid()})),
        ("missing learner", json!({})),
        ("empty learner", json!({"learner": ""})),
        ("learner with '/'", json!({"learner": "a/b"})),
        ("learner with a control character", json!({"learner": "a\tb"})),
        ("negative version", json!({"learner": "ann", "version": -1})),
    ];
    for (what, body) in &pkg_bad {
        status(
            post(&env, &env.admin, &pkg_path, body).await,
            400,
            &format!("package: {what}"),
        );
    }
    for path in [LMS, reg_path.as_str(), pkg_path.as_str()] {
        for (what, raw) in [
            ("malformed JSON", &b"{\"item\": "[..]),
            ("not JSON", &b"item=ITEM-FIRE"[..]),
        ] {
            status(post_raw(&env, path, raw).await, 400, &format!("{path}: {what}"));
        }
    }
    status(post_raw(&env, LMS, b"").await, 400, "LMS: empty body");
    status(post_raw(&env, &pkg_path, b"").await, 400, "package: empty body");

    let learners = ids(&learners_as(&env, &env.admin).await);
    assert_eq!(learners, ["ann"], "no learner was made by a refused launch");
    assert_eq!(
        ids(&registrations_as(&env, &env.admin, &[]).await),
        [str_of(&reg, "id")],
        "no registration was made by a refused launch"
    );
    // The limits are inclusive, and names are trimmed.
    let long = lms(
        &env,
        json!({"learner": {"id": "é".repeat(255), "name": "n".repeat(255)}, "packageId": pkg}),
    )
    .await;
    assert_eq!(long["learner"], json!("é".repeat(255)));
}

/// `json_object` checks only that the body is an object; serde's derived `Deserialize`
/// still reads the nested `learner` struct from an array of its fields in order, so
/// `{"learner": ["kim", "Kim"], ...}` creates learner "kim" named "Kim".
#[tokio::test]
async fn an_lms_learner_given_as_an_array_is_refused() {
    let env = Env::start().await;
    let pkg = package(&env, "scorm12-single-sco").await;
    for learner in [json!(["kim", "Kim"]), json!(["kim", "Kim", "kim@example.com"])] {
        status(
            lms_as(&env, &env.admin, json!({"learner": learner, "packageId": pkg})).await,
            400,
            &format!("learner {learner}"),
        );
    }
    assert!(learners_as(&env, &env.admin).await.is_empty(), "no learner was made");
    assert!(
        registrations_as(&env, &env.admin, &[]).await.is_empty(),
        "no registration was made"
    );
}

#[tokio::test]
async fn launches_need_credentials_with_the_admin_scope() {
    let env = Env::start().await;
    let pkg = package(&env, "scorm12-single-sco").await;
    create_learner(&env, "ann", "Ann").await;
    let reg = register(&env, "ann", &pkg, None).await;
    let reg_path = registration_launch_path(str_of(&reg, "id"));
    let pkg_path = package_launch_path(&pkg);
    let lms_body = json!({"learner": {"id": "kim", "name": "Kim"}, "packageId": pkg});
    let calls = [
        (LMS, lms_body.clone()),
        (reg_path.as_str(), json!({})),
        (pkg_path.as_str(), json!({"learner": "ann"})),
    ];
    let all = env.app.credential(&env.tenant, &[Scope::All]).await;
    let writer = env
        .app
        .credential(&env.tenant, &[Scope::StatementsWrite, Scope::State])
        .await;
    let wrong = Cred {
        key: env.admin.key.clone(),
        secret: "not-the-secret".into(),
    };
    for (path, body) in &calls {
        for (cred, want) in [
            (Some(&all), 403),
            (Some(&writer), 403),
            (None, 401),
            (Some(&wrong), 401),
        ] {
            let req = env.app.post(path).json(body);
            let req = match cred {
                Some(c) => req.auth(c),
                None => req,
            };
            let r = req.send().await;
            if want == 401 {
                assert!(
                    r.header("www-authenticate").is_some_and(|h| h.starts_with("Basic")),
                    "{path}: a Basic challenge"
                );
            }
            status(r, want, &format!("{path} with {:?}", cred.map(|c| &c.key)));
        }
    }
    assert_eq!(ids(&learners_as(&env, &env.admin).await), ["ann"]);
    assert_eq!(registrations_as(&env, &env.admin, &[]).await.len(), 1);

    let mixed = env
        .app
        .credential(&env.tenant, &[Scope::StatementsRead, Scope::Admin])
        .await;
    for (path, body) in &calls {
        post(&env, &mixed, path, body).await.expect(200);
    }
}

#[tokio::test]
async fn another_tenant_cannot_launch_a_registration_or_package_it_does_not_own() {
    let env = Env::start().await;
    let other = env.other_tenant("globex").await;
    let pkg = package(&env, "scorm12-single-sco").await;
    create_learner(&env, "ann", "Ann").await;
    let reg = register(&env, "ann", &pkg, None).await;
    let reg_id = str_of(&reg, "id");

    status(
        registration_launch_as(&env, &other, reg_id).await,
        404,
        "B launches A's registration",
    );
    status(
        env.launch_as(&other, &pkg, json!({"learner": "ann"})).await,
        404,
        "B launches A's package",
    );
    status(
        lms_as(
            &env,
            &other,
            json!({"learner": {"id": "ann", "name": "Ann"}, "packageId": pkg}),
        )
        .await,
        404,
        "B makes an LMS launch of A's package",
    );
    assert!(registrations_as(&env, &other, &[]).await.is_empty());
    assert_eq!(
        ids(&registrations_as(&env, &env.admin, &[]).await),
        [reg_id],
        "A's registrations are untouched"
    );

    // B's own copy of the course is a different package: its launches stay in B.
    let b_pkg = str_of(
        &env.upload_as(&other, &fixture::package("scorm12-single-sco"))
            .await
            .expect(201)
            .json(),
        "packageId",
    )
    .to_owned();
    let b = lms_as(
        &env,
        &other,
        json!({"learner": {"id": "ann", "name": "Other Ann"}, "packageId": b_pkg}),
    )
    .await
    .expect(200)
    .json();
    assert_ne!(b["registration"], json!(reg_id));
    let other_tenant_id = claims(&b)["t"].clone();
    assert_ne!(other_tenant_id, json!(env.tenant.id.0));
    env.fetch(str_of(&b, "url")).await.expect(200);
    status(
        registration_launch_as(&env, &env.admin, str_of(&b, "registration")).await,
        404,
        "A launches B's registration",
    );
    let a_ann = env.get_api(&format!("{LEARNERS}/ann")).await.expect(200).json();
    assert_eq!(a_ann["name"], json!("Ann"), "A's learner is not B's");
    assert_eq!(registrations_as(&env, &env.admin, &[]).await.len(), 1);
    // A can still launch its own.
    assert_eq!(registration_launch(&env, reg_id).await["learner"], json!("ann"));
}

#[tokio::test]
async fn launch_urls_are_served_by_the_content_origin() {
    let env = Env::start().await;
    let pkg = package(&env, "scorm12-single-sco").await;
    let l = lms(&env, json!({"learner": {"id": "ann", "name": "Ann"}, "packageId": pkg})).await;
    let url = str_of(&l, "url");
    let content = format!("http://{}/content/", env.app.content_addr);
    assert!(url.starts_with(&content), "{url} is on {content}");
    let page = env.fetch(url).await.expect(200);
    assert_eq!(
        page.body.as_ref(),
        fixture::file("scorm12-single-sco", "index.html").as_slice()
    );
    let by_reg = registration_launch(&env, str_of(&l, "registration")).await;
    env.fetch(str_of(&by_reg, "url")).await.expect(200);
    // Not from the app origin.
    let on_app = url.replacen(&env.app.content_addr.to_string(), &env.app.addr.to_string(), 1);
    let r = env.content(Method::GET, &on_app).send().await;
    assert_ne!(r.status.as_u16(), 200, "content is not served by the app origin");
}
