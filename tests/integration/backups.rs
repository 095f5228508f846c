//! Backups with the real binary on the SQLite store: a restore drill (back up, wipe,
//! restore, compare by hash), `kill -9` in the middle of a backup, and retention.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use axum::http::Method;
use serde_json::{Value, json};

use crate::data::{stmt, uuid, with_id};
use crate::durability::send;
use crate::packages::fixture;
use crate::process::{Kiroku, Server};
use crate::support::{Cred, HttpClient, http_client};

/// Every file under `dir` (relative path → SHA-256).
pub fn tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for e in std::fs::read_dir(dir).expect("read folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("inside").to_string_lossy().into_owned();
                out.insert(rel, fixture::sha256_hex(&std::fs::read(&p).expect("read file")));
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

fn import(k: &Kiroku, name: &str, zip: &[u8]) {
    let path = k.dir.path().join(format!("{name}.zip"));
    std::fs::write(&path, zip).expect("write zip");
    k.ok(&["import", "t", path.to_str().expect("utf-8 path")]);
    std::fs::remove_file(&path).expect("remove zip");
}

const STATE_PATH: &str = "/xapi/activities/state?activityId=http%3A%2F%2Fexample.com%2Fa&agent=%7B%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D&stateId=bookmark";

/// Everything the LRS answers about the tenant's data, to compare before and after.
async fn lrs_view(client: &HttpClient, server: &Server, c: &Cred) -> (Value, Value) {
    let statements = send(
        client,
        server,
        Method::GET,
        "/xapi/statements?limit=0&ascending=true",
        c,
        None,
    )
    .await
    .expect(200)
    .json();
    let state = send(client, server, Method::GET, STATE_PATH, c, None)
        .await
        .expect(200)
        .json();
    (statements["statements"].clone(), state)
}

/// What a backup test starts from: tenant `t` with `packages` imported, `statements`
/// statements and a state document stored through a serving kiroku, and what the LRS
/// and the data folder hold then.
struct Seeded {
    c: Cred,
    client: HttpClient,
    server: Server,
    before: (Value, Value),
    files_before: BTreeMap<String, String>,
}

async fn seeded(k: &Kiroku, packages: &[&str], statements: usize, page: u64) -> Seeded {
    k.ok(&["tenant", "create", "t"]);
    let c = k.credential("t");
    for p in packages {
        import(k, p, &fixture::package(p));
    }
    let client = http_client();
    let server = k.serve();
    let batch: Vec<Value> = (0..statements)
        .map(|i| with_id(stmt(&format!("learner{i}"), "read", "x"), &uuid()))
        .collect();
    let statements = Some(json!(batch));
    send(
        &client,
        &server,
        Method::POST,
        "/xapi/statements",
        &c,
        statements.as_ref(),
    )
    .await
    .expect(200);
    let state = Some(json!({ "page": page }));
    send(&client, &server, Method::POST, STATE_PATH, &c, state.as_ref())
        .await
        .expect(204);
    let before = lrs_view(&client, &server, &c).await;
    let files_before = tree(&k.dir.path().join("blobs"));
    Seeded {
        c,
        client,
        server,
        before,
        files_before,
    }
}

fn backup_dir(k: &Kiroku) -> PathBuf {
    k.dir.path().with_extension("backups")
}

fn backup(k: &Kiroku, args: &[&str]) -> Value {
    let dir = backup_dir(k);
    let mut all = vec!["backup", "--backup-dir", dir.to_str().expect("utf-8")];
    all.extend_from_slice(args);
    k.json(&all)
}

#[tokio::test]
async fn a_restore_drill_brings_back_the_same_statements_documents_and_files() {
    let k = Kiroku::on_sqlite();
    let Seeded {
        c,
        client,
        server,
        before,
        files_before,
    } = seeded(&k, &["scorm12-media", "scorm12-single-sco"], 50, 4).await;
    assert!(files_before.len() > 5, "{files_before:?}");

    // The backup runs beside the serving process.
    let made = backup(&k, &[]);
    let name = made["manifest"]["name"].as_str().expect("backup name").to_owned();
    assert_eq!(backup(&k, &["verify"])["ok"], true);
    server.kill();

    // Wipe the data folder, restore into it, serve again.
    std::fs::remove_dir_all(k.dir.path()).expect("wipe the data folder");
    let dir = backup_dir(&k);
    let restored = k.json(&["restore", &name, "--backup-dir", dir.to_str().expect("utf-8")]);
    assert_eq!(restored["restored"], name.as_str());
    assert_eq!(tree(&k.dir.path().join("blobs")), files_before, "content files by hash");
    let server = k.serve();
    assert_eq!(lrs_view(&client, &server, &c).await, before, "statements and documents");
    // A restore never overwrites a data folder in use.
    let again = k.run(&["restore", "--backup-dir", dir.to_str().expect("utf-8")]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    std::fs::remove_dir_all(dir).expect("remove backups");
}

/// A package with one large incompressible file, so a backup takes long enough to kill.
fn large_package() -> Vec<u8> {
    package_of(24_000_000)
}

/// A package with one incompressible file of `bytes` bytes.
pub fn package_of(bytes: usize) -> Vec<u8> {
    let manifest = r#"<?xml version="1.0"?>
<manifest identifier="com.kiroku.tests.large" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <organizations default="O"><organization identifier="O"><title>Large</title>
    <item identifier="I" identifierref="R"><title>Large</title></item></organization></organizations>
  <resources><resource identifier="R" type="webcontent" adlcp:scormtype="sco" href="index.html"><file href="index.html"/></resource></resources>
</manifest>"#;
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let big: Vec<u8> = (0..bytes)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    fixture::zip(&[
        ("imsmanifest.xml".into(), manifest.as_bytes().to_vec()),
        ("index.html".into(), b"<!doctype html><title>large</title>".to_vec()),
        ("media/big.mp4".into(), big),
    ])
}

#[test]
fn kill_9_during_a_backup_leaves_earlier_backups_sound_and_the_next_one_succeeds() {
    let k = Kiroku::on_sqlite();
    k.ok(&["tenant", "create", "t"]);
    import(&k, "single", &fixture::package("scorm12-single-sco"));
    let first = backup(&k, &[])["manifest"]["name"].as_str().expect("name").to_owned();
    import(&k, "large", &large_package());
    let dir = backup_dir(&k);
    for delay_ms in [5u64, 20, 40, 80, 160] {
        let mut child = k
            .command(&["backup", "--backup-dir", dir.to_str().expect("utf-8")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn kiroku backup");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // Whatever was interrupted, every listed backup is complete and sound.
        let listed = backup(&k, &["list"]);
        for m in listed.as_array().expect("list") {
            let name = m["name"].as_str().expect("name");
            assert_eq!(
                backup(&k, &["verify", name])["ok"],
                true,
                "{name} after kill at {delay_ms} ms"
            );
        }
    }
    assert_eq!(backup(&k, &["verify", &first])["ok"], true);
    let next = backup(&k, &[]);
    let name = next["manifest"]["name"].as_str().expect("name");
    assert_eq!(backup(&k, &["verify", name])["ok"], true);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("backups")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".partial-"))
        .collect();
    assert!(leftovers.is_empty(), "interrupted backups are cleaned up");
    std::fs::remove_dir_all(dir).expect("remove backups");
}

#[test]
fn backups_older_than_the_retention_go_with_the_files_only_they_needed() {
    let k = Kiroku::on_sqlite();
    k.ok(&["tenant", "create", "t"]);
    import(&k, "media", &fixture::package("scorm12-media"));
    let old = backup(&k, &[])["manifest"].clone();
    let old_name = old["name"].as_str().expect("name").to_owned();
    // Age the first backup by eight days, and give it a content file only it needs.
    let dir = backup_dir(&k);
    let only_old = b"a file of a package deleted since".to_vec();
    let sha = fixture::sha256_hex(&only_old);
    let only_old_path = dir.join("blobs").join(&sha[..2]).join(&sha[2..]);
    std::fs::create_dir_all(only_old_path.parent().expect("parent")).expect("folder");
    std::fs::write(&only_old_path, &only_old).expect("write file");
    let manifest_path = dir.join(&old_name).join("manifest.json");
    let mut m: Value = serde_json::from_slice(&std::fs::read(&manifest_path).expect("manifest")).expect("json");
    m["createdMs"] = json!(m["createdMs"].as_i64().expect("ms") - 8 * 86_400_000);
    m["blobs"].as_array_mut().expect("blobs").push(json!(sha));
    std::fs::write(&manifest_path, m.to_string()).expect("write manifest");
    let new = backup(&k, &["--keep-days", "7"]);
    assert_eq!(new["removed"], json!([old_name]));
    let listed = backup(&k, &["list"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    // Files the remaining backup needs are all there.
    let name = new["manifest"]["name"].as_str().expect("name");
    assert_eq!(backup(&k, &["verify", name])["ok"], true);
    assert!(!only_old_path.exists(), "a file no kept backup needs is removed");
    std::fs::remove_dir_all(dir).expect("remove backups");
}

#[tokio::test]
async fn a_postgresql_store_is_backed_up_with_pg_dump_and_restored_into_a_new_database() {
    let k = Kiroku::on_postgres();
    let Seeded {
        c,
        client,
        server,
        before,
        files_before,
    } = seeded(&k, &["scorm12-media"], 20, 7).await;

    // The dump is taken while the server runs.
    let made = backup(&k, &[]);
    assert_eq!(made["manifest"]["store"], "postgres");
    assert!(made["manifest"]["blobs"].as_array().is_some_and(|b| !b.is_empty()));
    // Each tenant's rows, counted from the dump itself.
    let t = &made["manifest"]["tenants"][0];
    assert_eq!((&t["name"], &t["status"]), (&json!("t"), &json!("active")), "{t}");
    assert_eq!(t["rows"]["statements"], 20, "{t}");
    assert_eq!(t["rows"]["documents"], 1, "{t}");
    assert!(t["rows"]["package_files"].as_u64().is_some_and(|n| n > 0), "{t}");
    let name = made["manifest"]["name"].as_str().expect("name").to_owned();
    assert_eq!(backup(&k, &["verify", &name])["ok"], true);
    drop(server);

    // Into a new database and data folder.
    let target = Kiroku::on_postgres();
    let dir = backup_dir(&k);
    target.json(&["restore", &name, "--backup-dir", dir.to_str().expect("utf-8")]);
    assert_eq!(tree(&target.dir.path().join("blobs")), files_before);
    let server = target.serve();
    assert_eq!(lrs_view(&client, &server, &c).await, before);
    // A restore into a data folder and database in use is refused.
    let again = target.run(&["restore", &name, "--backup-dir", dir.to_str().expect("utf-8")]);
    assert!(!again.status.success());
    std::fs::remove_dir_all(dir).expect("remove backups");
}
