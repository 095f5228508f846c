//! Every fixture imports, as a raw zip and as multipart/form-data, with the right kind,
//! edition, title and launchable items; the list and show endpoints; every launchable
//! item of every fixture launches and serves its own file.

use serde_json::{Value, json};

use super::expect::{self, Expected};
use super::{Env, fixture, str_of};

/// Checks an import answer (201 body) against the expectation and the fixture's files.
fn check_answer(e: &Expected, v: &Value) {
    let what = e.fixture;
    assert_eq!(v["kind"], e.kind, "{what}: kind in {v}");
    assert_eq!(v["edition"].as_str(), e.edition, "{what}: edition in {v}");
    assert_eq!(v["identifier"], e.identifier, "{what}: identifier");
    assert_eq!(v["title"], e.title, "{what}: title");
    assert_eq!(v["version"], 1, "{what}: version");
    let files = fixture::files(what);
    assert_eq!(
        v["fileCount"],
        json!(files.len()),
        "{what}: fileCount (folders are not files)"
    );
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    assert_eq!(v["totalBytes"], json!(bytes), "{what}: totalBytes");
    let got: Vec<(String, String)> = v["launchables"]
        .as_array()
        .expect("launchables")
        .iter()
        .map(|l| (str_of(l, "id").to_owned(), str_of(l, "href").to_owned()))
        .collect();
    let want: Vec<(String, String)> = e
        .launchables
        .iter()
        .map(|(i, h)| ((*i).to_owned(), (*h).to_owned()))
        .collect();
    assert_eq!(got, want, "{what}: launchables");
    assert!(
        v["launchables"]
            .as_array()
            .expect("launchables")
            .iter()
            .all(|l| l["title"].as_str().is_some_and(|t| !t.is_empty()))
    );
}

/// Checks `GET /api/v1/packages/{id}` of a freshly imported fixture.
async fn check_show(env: &Env, e: &Expected, answer: &Value) {
    let id = str_of(answer, "packageId");
    let shown = env.get_api(&format!("/api/v1/packages/{id}")).await.expect(200).json();
    for key in [
        "packageId",
        "version",
        "identifier",
        "kind",
        "title",
        "fileCount",
        "totalBytes",
        "launchables",
    ] {
        assert_eq!(
            shown[key], answer[key],
            "{}: {key} differs between upload and show",
            e.fixture
        );
    }
    assert_eq!(shown["versions"], json!([1]));
    let course = &shown["course"];
    assert_eq!(
        (&course["identifier"], &course["title"]),
        (&json!(e.identifier), &json!(e.title))
    );
    (e.structure)(course);
}

async fn import_all(form: bool) {
    let env = Env::start().await;
    let mut ids = Vec::new();
    for e in expect::all() {
        let zip = fixture::package(e.fixture);
        let resp = if form {
            env.upload_form(&zip).await
        } else {
            env.upload(&zip).await
        };
        let answer = resp.expect(201).json();
        check_answer(&e, &answer);
        check_show(&env, &e, &answer).await;
        ids.push(str_of(&answer, "packageId").to_owned());
    }
    let list = env.get_api("/api/v1/packages").await.expect(200).json();
    let listed: Vec<&str> = list["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| str_of(p, "packageId"))
        .collect();
    assert_eq!(listed, ids, "the list shows every package once, oldest first");
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), expect::all().len(), "each course is its own package");
}

#[tokio::test]
async fn every_fixture_imports_from_a_raw_zip_body() {
    import_all(false).await;
}

#[tokio::test]
async fn every_fixture_imports_from_multipart_form_data() {
    import_all(true).await;
}

#[test]
fn every_fixture_folder_has_an_expectation_and_keeps_its_quirks() {
    let folders: std::collections::BTreeSet<String> = std::fs::read_dir(fixture::root())
        .expect("fixtures/packages")
        .map(|e| e.expect("entry").file_name().into_string().expect("UTF-8"))
        .filter(|name| name != "_shared")
        .collect();
    let named: std::collections::BTreeSet<String> = fixture::ALL.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(folders, named, "fixture::ALL lists every folder of fixtures/packages");
    let expected: std::collections::BTreeSet<String> = expect::all().iter().map(|e| e.fixture.to_owned()).collect();
    assert_eq!(expected, named);
    // Editors like to drop byte-order marks: the quirks package must keep its own.
    let manifest = fixture::file("scorm2004-quirks", "export/imsmanifest.xml");
    assert_eq!(&manifest[..3], b"\xEF\xBB\xBF");
    assert!(
        fixture::files("scorm2004-quirks")
            .iter()
            .all(|(p, _)| p.starts_with("export/")),
        "manifest in a sub-folder"
    );
}

/// The file a launch href names inside the package, if it is one.
fn package_path(href: &str) -> Option<&str> {
    (!href.contains("://")).then(|| href.split('?').next().unwrap_or(href))
}

#[tokio::test]
async fn every_launchable_item_launches_and_serves_its_own_file() {
    let env = Env::start().await;
    for e in expect::all() {
        let answer = env.import_fixture(e.fixture).await;
        let id = str_of(&answer, "packageId");
        for (item, href) in e.launchables {
            let l = env.launch(id, json!({"learner": "ann", "item": item})).await;
            assert_eq!(
                (&l["item"], &l["version"], &l["packageId"]),
                (&json!(item), &json!(1), &json!(id))
            );
            let link = str_of(&l, "url");
            // A cmi5 AU's link starts its session when opened and redirects to the AU.
            let followed = match e.kind {
                "cmi5" => Some(crate::cmi5_launch::open_link(&env, link).await),
                _ => None,
            };
            let url = followed.as_deref().unwrap_or(link);
            let Some(path) = package_path(href) else {
                // An absolute AU url is launched as written, with the cmi5 launch parameters.
                let sep = if href.contains('?') { '&' } else { '?' };
                assert!(url.starts_with(&format!("{href}{sep}endpoint=")), "{url}");
                continue;
            };
            assert!(
                url.starts_with(&format!("http://{}/content/", env.app.content_addr)),
                "{url}"
            );
            assert!(url.starts_with(str_of(&l, "contentBase")), "{url}");
            if let Some((_, query)) = href.split_once('?') {
                // xAPI launches append the LRS parameters after the package's own query.
                let kept = url.ends_with(&format!("?{query}")) || url.contains(&format!("?{query}&"));
                assert!(kept, "{url} keeps the query of {href}");
            }
            let resp = env.fetch(url).await.expect(200);
            assert_eq!(
                resp.body.as_ref(),
                fixture::file(e.fixture, path).as_slice(),
                "{} {item}",
                e.fixture
            );
        }
        let first = env.launch(id, json!({"learner": "ann"})).await;
        assert_eq!(
            first["item"], e.launchables[0].0,
            "without an item the first launchable is launched"
        );
    }
}

#[tokio::test]
async fn launch_requests_are_checked() {
    let env = Env::start().await;
    let answer = env.import_fixture("scorm12-multi-sco").await;
    let id = str_of(&answer, "packageId");
    let cases = [
        (json!({"learner": "ann", "item": "ITEM-MODULE"}), 404),
        (json!({"learner": "ann", "item": "NOPE"}), 404),
        (json!({"learner": "ann", "version": 2}), 404),
        (json!({"learner": ""}), 400),
        (json!({"learner": "x".repeat(256)}), 400),
        (json!({"item": "ITEM-INTRO"}), 400),
        (json!({"learner": "ann", "colour": "red"}), 400),
    ];
    for (body, status) in cases {
        env.launch_as(&env.admin, id, body).await.expect(status);
    }
    env.launch_as(&env.admin, "no-such-package", json!({"learner": "ann"}))
        .await
        .expect(404);
    let l = env
        .launch(id, json!({"learner": "ann", "version": 1, "item": "ITEM-QUIZ"}))
        .await;
    let expires = chrono::DateTime::parse_from_rfc3339(str_of(&l, "expiresAt")).expect("RFC 3339 expiresAt");
    let hours = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    assert!(
        (7.9..=8.0).contains(&hours),
        "default launch links last 8 hours, got {hours}"
    );
}

#[tokio::test]
async fn show_answers_404_for_unknown_packages_and_versions() {
    let env = Env::start().await;
    let answer = env.import_fixture("tincan-two-activities").await;
    let id = str_of(&answer, "packageId");
    env.get_api(&format!("/api/v1/packages/{id}?version=1"))
        .await
        .expect(200);
    env.get_api(&format!("/api/v1/packages/{id}?version=2"))
        .await
        .expect(404);
    env.get_api("/api/v1/packages/0190c6c4-0000-7000-8000-000000000000")
        .await
        .expect(404);
    let empty = Env::start().await;
    assert_eq!(
        empty.get_api("/api/v1/packages").await.expect(200).json(),
        json!({"packages": []})
    );
    assert_eq!(
        empty.get_api("/api/v1/storage").await.expect(200).json(),
        json!({"bytes": 0})
    );
}
