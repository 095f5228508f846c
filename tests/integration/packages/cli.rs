//! `kiroku import TENANT FILE [--json]`: the same import as the API, run as the real
//! binary; a refused package exits non-zero with the reason and leaves nothing behind.

use serde_json::{Value, json};

use super::expect;
use super::{files_under, fixture, hostile, str_of};
use crate::process::Kiroku;

fn write_zip(k: &Kiroku, name: &str, bytes: &[u8]) -> String {
    let path = k.dir.path().join(name);
    std::fs::write(&path, bytes).expect("write the zip");
    path.to_str().expect("UTF-8 path").to_owned()
}

fn launchables(v: &Value) -> Vec<(String, String)> {
    v["launchables"]
        .as_array()
        .expect("launchables")
        .iter()
        .map(|l| (str_of(l, "id").to_owned(), str_of(l, "href").to_owned()))
        .collect()
}

#[test]
fn import_prints_the_package_as_json() {
    let k = Kiroku::new();
    k.ok(&["tenant", "create", "acme"]);
    for name in ["scorm2004-4th-shared-data", "cmi5-multi-au"] {
        let e = expect::of(name);
        let zip = write_zip(&k, &format!("{name}.zip"), &fixture::package(name));
        let v = k.json(&["import", "acme", &zip]);
        assert_eq!(
            (&v["kind"], &v["title"], &v["version"]),
            (&json!(e.kind), &json!(e.title), &json!(1)),
            "{v}"
        );
        assert_eq!(v["edition"].as_str(), e.edition);
        assert_eq!(v["fileCount"], json!(fixture::files(name).len()));
        let want: Vec<(String, String)> = e
            .launchables
            .iter()
            .map(|(i, h)| ((*i).to_owned(), (*h).to_owned()))
            .collect();
        assert_eq!(launchables(&v), want);
    }
    let again = write_zip(&k, "again.zip", &fixture::package("cmi5-multi-au"));
    assert_eq!(k.json(&["import", "acme", &again])["version"], 2);
    let text = k.ok(&["import", "acme", &again]);
    assert!(
        text.contains("\"Volcanoes\"") && text.contains("version 3") && text.contains("cmi5"),
        "{text}"
    );
    let blobs = files_under(&k.dir.path().join("blobs"));
    let mut all = fixture::files("scorm2004-4th-shared-data");
    all.extend(fixture::files("cmi5-multi-au"));
    assert_eq!(
        blobs.len(),
        fixture::hashes(&all).len(),
        "content stored once: {blobs:?}"
    );
}

#[test]
fn a_refused_import_exits_non_zero_with_the_reason_and_leaves_nothing() {
    let k = Kiroku::new();
    k.ok(&["tenant", "create", "acme"]);
    let good = write_zip(&k, "good.zip", &fixture::package("scorm12-single-sco"));
    k.ok(&["import", "acme", &good]);
    let before = files_under(k.dir.path());
    let cases = [
        ("symlink", "symbolic links are not allowed"),
        ("lying_size", "content/liar.html"),
        ("malformed_xml", "imsmanifest.xml:14:5: malformed XML"),
        ("ambiguous_manifest", "more than one manifest"),
    ];
    for (case, reason) in cases {
        let zip = write_zip(&k, "hostile.zip", &hostile::case(case));
        let out = k.run(&["import", "acme", &zip]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{case}: should fail");
        assert!(
            stderr.contains(reason),
            "{case}: stderr {stderr:?} should contain {reason:?}"
        );
        std::fs::remove_file(k.dir.path().join("hostile.zip")).expect("remove");
        assert_eq!(files_under(k.dir.path()), before, "{case}: files left behind");
    }
    // Limits are flags too.
    let zip = write_zip(&k, "many.zip", &fixture::package("scorm12-multi-sco"));
    let out = k.run(&["import", "acme", &zip, "--max-entries", "5"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("more than 5 entries"));
    let list = k.run(&["import", "nobody", &zip]);
    assert!(!list.status.success() && String::from_utf8_lossy(&list.stderr).contains("no tenant named"));
}

/// The API answers `lessons/player.html?lesson=hands` and `…?lesson=storage` for two items
/// of one resource; the CLI prints `lessons/player.html` for both (src/cli/import.rs drops
/// the query), so its `--json` output is not the API's and two different items look alike.
#[test]
fn import_json_names_launchables_like_the_api() {
    let k = Kiroku::new();
    k.ok(&["tenant", "create", "acme"]);
    let zip = write_zip(&k, "multi.zip", &fixture::package("scorm12-multi-sco"));
    let v = k.json(&["import", "acme", &zip]);
    let want: Vec<(String, String)> = expect::of("scorm12-multi-sco")
        .launchables
        .iter()
        .map(|(i, h)| ((*i).to_owned(), (*h).to_owned()))
        .collect();
    assert_eq!(launchables(&v), want);
}
