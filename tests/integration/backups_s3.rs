//! Backups off the machine, with the real binary and a real S3-compatible server (moto's,
//! from `scripts/with-s3.sh`; like `blobs_s3.rs`, these tests fail rather than skip
//! without it): a backup copied to a bucket restores the whole service and one tenant
//! from there after the backup folder is gone; an interrupted upload is never listed and
//! is cleaned; retention in the bucket; a damaged object is reported by verification, in
//! the operator API and in `/metrics`; a bad target fails clearly and keeps what was.

use std::process::Output;

use axum::http::Method;
use kiroku::blob::s3::S3Blobs;
use serde_json::{Value, json};

use crate::backups::tree;
use crate::blobs_s3::{bucket_name, s3_blobs, test_env};
use crate::packages::fixture;
use crate::process::{Kiroku, Server};
use crate::scratch_db::servers_on_postgres;
use crate::support::{HttpClient, http_client};
use crate::tenant_restore::{backup_dir, ids_aside, leftovers, seeded, statements, tenant_view};

const CREDENTIALS: [(&str, &str); 2] = [
    ("KIROKU_BACKUP_S3_ACCESS_KEY_ID", "test"),
    ("KIROKU_BACKUP_S3_SECRET_ACCESS_KEY", "test"),
];

/// A fresh bucket for backups, and a client on it with the prefix the flags give.
struct Bucket {
    s3: S3Blobs,
    endpoint: String,
    name: String,
}

impl Bucket {
    async fn new(what: &str) -> Self {
        let endpoint = test_env("KIROKU_TEST_S3_ENDPOINT");
        let s3 = s3_blobs(endpoint.clone(), None, what);
        s3.create_bucket().await.expect("create the bucket");
        let name = bucket_name(&s3);
        Self { s3, endpoint, name }
    }

    /// The `--backup-s3-*` flags naming this bucket.
    fn flags(&self) -> Vec<String> {
        ["--backup-s3-endpoint", &self.endpoint, "--backup-s3-bucket", &self.name]
            .into_iter()
            .chain(["--backup-s3-prefix", "kiroku/"])
            .map(str::to_owned)
            .collect()
    }

    async fn keys(&self, prefix: &str) -> Vec<String> {
        self.s3.list_keys(prefix).await.expect("list the bucket")
    }
}

/// `kiroku [global…] COMMAND --backup-dir D <bucket flags> args…` with the credentials.
fn run_with(k: &Kiroku, command: &str, b: &Bucket, args: &[&str]) -> Output {
    let dir = backup_dir(k);
    let mut all = vec!["--json", command, "--backup-dir", dir.to_str().expect("utf-8")];
    let flags = b.flags();
    all.extend(flags.iter().map(String::as_str));
    all.extend_from_slice(args);
    k.command(&all).envs(CREDENTIALS).output().expect("run kiroku")
}

/// `kiroku backup … args` that must succeed, as JSON.
fn backup(k: &Kiroku, b: &Bucket, args: &[&str]) -> Value {
    let out = run_with(k, "backup", b, args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "backup {args:?}: {err}");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn name_of(made: &Value) -> String {
    made["manifest"]["name"].as_str().expect("backup name").to_owned()
}

#[tokio::test]
async fn a_backup_copied_to_s3_restores_the_whole_service_from_there() {
    let b = Bucket::new("whole").await;
    let k = Kiroku::new();
    let (client, server) = (http_client(), k.serve());
    seeded(&k, &client, &server, "t").await;
    let before = tenant_view(&k, "t");
    let files_before = tree(&k.dir.path().join("blobs"));
    let made = backup(&k, &b, &[]);
    let store = if servers_on_postgres() { "postgres" } else { "sqlite" };
    assert_eq!(made["manifest"]["store"], store, "the pass's store is backed up");
    let s3 = &made["s3"];
    assert_eq!(s3["verified"]["problems"], json!([]), "{made}");
    assert_eq!(s3["filesUploaded"], json!(files_before.len()), "{made}");
    let name = name_of(&made);
    let listed = backup(&k, &b, &["--target", "s3", "list"]);
    assert_eq!(listed[0]["name"], name.as_str(), "{listed}");
    drop(server);

    // The machine is lost: data folder and backup folder alike.
    std::fs::remove_dir_all(backup_dir(&k)).expect("remove the backup folder");
    let target = Kiroku::new();
    let out = run_with(&target, "restore", &b, &[&name, "--target", "s3"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        tree(&target.dir.path().join("blobs")),
        files_before,
        "content files by hash"
    );
    assert_eq!(tenant_view(&target, "t"), before, "the tenant's data by content hash");
    let scratch: Vec<_> = std::fs::read_dir(backup_dir(&target))
        .expect("backup folder")
        .flatten()
        .collect();
    assert!(scratch.is_empty(), "the download is removed: {scratch:?}");
    let _ = std::fs::remove_dir_all(backup_dir(&target));
}

#[tokio::test]
async fn a_tenant_is_restored_in_place_from_s3() {
    let b = Bucket::new("tenant").await;
    let k = Kiroku::new();
    let (client, server) = (http_client(), k.serve());
    let t = seeded(&k, &client, &server, "t").await;
    let at_backup = tenant_view(&k, "t");
    let name = name_of(&backup(&k, &b, &[]));
    statements(&client, &server, &t.c, 5, "later").await;
    let now = tenant_view(&k, "t");
    assert_ne!(now, at_backup);
    // Only the bucket holds the backup now.
    std::fs::remove_dir_all(backup_dir(&k)).expect("remove the backup folder");

    let args = ["--target", "s3", "restore-tenant", "t", "--backup", &name, "--in-place"];
    let r = backup(&k, &b, &args);
    assert_eq!((&r["mode"], &r["target"]), (&json!("in-place"), &json!("s3")), "{r}");
    assert_eq!(tenant_view(&k, "t"), at_backup, "the tenant is as at the backup");
    let kept = std::path::PathBuf::from(r["keptExport"].as_str().expect("kept export"));
    assert!(kept.starts_with(backup_dir(&k)) && kept.exists(), "{kept:?}");
    let audit = k.ok(&["--json", "audit", "t"]);
    assert!(audit.contains("tenant.restored") && audit.contains("\"s3\""), "{audit}");
    assert_eq!(leftovers(&k), Vec::<String>::new(), "scratch folders removed");
    // A backup the bucket lacks is named as such.
    let out = run_with(
        &k,
        "backup",
        &b,
        &[
            "--target",
            "s3",
            "restore-tenant",
            "t",
            "--backup",
            "2001-01-01T00-00-00Z",
            "--as",
            "x",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no backup named"));
    drop(server);
    let _ = std::fs::remove_dir_all(backup_dir(&k));
}

/// A content file's key in the backup bucket.
fn blob_key(sha: &str) -> String {
    format!("blobs/{}/{}", &sha[..2], &sha[2..])
}

#[tokio::test]
async fn an_interrupted_upload_to_s3_is_not_listed_and_is_cleaned() {
    let b = Bucket::new("partial").await;
    let k = Kiroku::on_sqlite();
    k.ok(&["tenant", "create", "t"]);
    let first = name_of(&backup(&k, &b, &[]));
    // What an upload cut short leaves: a database copy and a content file, no manifest.
    let stray = b"a content file of an upload that never finished".to_vec();
    let sha = fixture::sha256_hex(&stray);
    let cut = "2001-01-01T00-00-00Z";
    b.s3.put_object_bytes(&format!("backups/{cut}/kiroku.db"), b"half a database".to_vec())
        .await
        .expect("put");
    b.s3.put_object_bytes(&blob_key(&sha), stray).await.expect("put");
    let listed = backup(&k, &b, &["--target", "s3", "list"]);
    let names: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|m| m["name"].as_str())
        .collect();
    assert_eq!(names, [first.as_str()], "only backups with a manifest are listed");

    let next = backup(&k, &b, &[]);
    assert_eq!(next["s3"]["leftoversRemoved"], json!([cut]), "{next}");
    let keys = b.keys("").await;
    assert!(
        !keys.iter().any(|k| k.starts_with(&format!("backups/{cut}/"))),
        "{keys:?}"
    );
    assert!(!keys.contains(&blob_key(&sha)), "a file no backup needs goes: {keys:?}");
    let _ = std::fs::remove_dir_all(backup_dir(&k));
}

#[tokio::test]
async fn retention_in_s3_removes_old_backups_and_the_files_only_they_needed() {
    let b = Bucket::new("retain").await;
    let k = Kiroku::on_sqlite();
    k.ok(&["tenant", "create", "t"]);
    let old = name_of(&backup(&k, &b, &[]));
    // Age the first backup in the bucket by eight days, with a file only it needs.
    let only_old = b"a file of a package deleted since".to_vec();
    let sha = fixture::sha256_hex(&only_old);
    b.s3.put_object_bytes(&blob_key(&sha), only_old).await.expect("put");
    let key = format!("backups/{old}/manifest.json");
    let mut m: Value = serde_json::from_slice(&b.s3.get_object_bytes(&key).await.expect("get")).expect("json");
    m["createdMs"] = json!(m["createdMs"].as_i64().expect("ms") - 8 * 86_400_000);
    m["blobs"].as_array_mut().expect("blobs").push(json!(sha));
    b.s3.put_object_bytes(&key, m.to_string().into_bytes())
        .await
        .expect("put");

    let new = backup(&k, &b, &["--keep-days", "7"]);
    assert_eq!(new["s3"]["removed"], json!([old]), "{new}");
    let listed = backup(&k, &b, &["--target", "s3", "list"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    let keys = b.keys("").await;
    assert!(
        !keys.iter().any(|k| k.starts_with(&format!("backups/{old}/"))),
        "every object of the old backup goes: {keys:?}"
    );
    assert!(!keys.contains(&blob_key(&sha)), "{keys:?}");
    let verified = backup(&k, &b, &["--target", "s3", "verify"]);
    assert_eq!(verified["ok"], true, "the kept backup has all it needs: {verified}");
    let _ = std::fs::remove_dir_all(backup_dir(&k));
}

/// `/api/operator/v1/…` as the holder of the operator token.
async fn operator(
    client: &HttpClient,
    server: &Server,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> crate::support::Resp {
    let mut req = crate::support::Req::new(client, method, server.url(path)).header("authorization", "Bearer op-token");
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await
}

async fn metrics(client: &HttpClient, server: &Server) -> String {
    crate::support::Req::new(client, Method::GET, server.url("/metrics"))
        .send()
        .await
        .expect(200)
        .text()
}

#[tokio::test]
async fn s3_backups_show_their_age_and_verification_and_a_damaged_object_is_reported() {
    let b = Bucket::new("watch").await;
    let k = Kiroku::new();
    let dir = backup_dir(&k);
    let mut serve_flags = vec!["--operator-token", "op-token", "--backup-at", "off", "--backup-dir"];
    serve_flags.push(dir.to_str().expect("utf-8"));
    let flags = b.flags();
    serve_flags.extend(flags.iter().map(String::as_str));
    let server = k.serve_with_env(&[], &serve_flags, "info", &CREDENTIALS);
    let client = http_client();
    seeded(&k, &client, &server, "t").await;
    let at_backup = tenant_view(&k, "t");
    let made = backup(&k, &b, &[]);
    let name = name_of(&made);

    let listed = operator(&client, &server, Method::GET, "/api/operator/v1/backups", None)
        .await
        .expect(200)
        .json();
    let targets: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|l| l["target"].as_str())
        .collect();
    assert_eq!(targets, ["folder", "s3"], "{listed}");
    for l in listed.as_array().expect("list") {
        assert_eq!(l["name"], name.as_str());
        assert!(l["ageSeconds"].as_i64().is_some_and(|a| (0..120).contains(&a)), "{l}");
        assert_eq!(l["verified"]["problems"], json!([]), "{l}");
        assert!(
            l["verified"]["verifiedMs"]
                .as_i64()
                .is_some_and(|ms| ms >= made["manifest"]["createdMs"].as_i64().unwrap_or(i64::MAX)),
            "{l}"
        );
    }
    let text = metrics(&client, &server).await;
    for target in ["folder", "s3"] {
        for gauge in ["last_success", "last_verified"] {
            let line = format!("kiroku_backup_{gauge}_timestamp_seconds{{target=\"{target}\"}} ");
            assert!(text.contains(&line), "{line} in:\n{text}");
        }
    }

    // A tenant copied from the bucket through the operator API.
    let body = json!({"as": "t-copy", "target": "s3"});
    let copy = operator(
        &client,
        &server,
        Method::POST,
        "/api/operator/v1/tenants/t/restore",
        Some(body),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(
        (&copy["restoredAs"], &copy["target"]),
        (&json!("t-copy"), &json!("s3")),
        "{copy}"
    );
    assert_eq!(ids_aside(tenant_view(&k, "t-copy")), ids_aside(at_backup));

    // One content file overwritten in the bucket: verification names it, and the backup
    // is no longer counted as verified.
    let sha = made["manifest"]["blobs"][0]
        .as_str()
        .expect("a content file")
        .to_owned();
    // Same size, one bit flipped: only reading it back can tell.
    let mut bytes = b.s3.get_object_bytes(&blob_key(&sha)).await.expect("get").to_vec();
    bytes[0] ^= 1;
    b.s3.put_object_bytes(&blob_key(&sha), bytes).await.expect("overwrite");
    let out = run_with(&k, "backup", &b, &["--target", "s3", "verify", &name]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is damaged") && err.contains(&sha), "{err}");
    let listed = operator(&client, &server, Method::GET, "/api/operator/v1/backups", None)
        .await
        .expect(200)
        .json();
    let in_s3 = listed
        .as_array()
        .expect("list")
        .iter()
        .find(|l| l["target"] == "s3")
        .expect("s3 entry")
        .clone();
    let problems = in_s3["verified"]["problems"].as_array().expect("problems").clone();
    assert!(
        problems.len() == 1 && problems[0].as_str().is_some_and(|p| p.contains(&sha)),
        "{in_s3}"
    );
    let text = metrics(&client, &server).await;
    assert!(
        !text.contains("kiroku_backup_last_verified_timestamp_seconds{target=\"s3\"}"),
        "{text}"
    );
    assert!(
        text.contains("kiroku_backup_last_verified_timestamp_seconds{target=\"folder\"}"),
        "{text}"
    );
    // A restore from the damaged backup refuses rather than restores damaged data.
    let out = run_with(
        &k,
        "backup",
        &b,
        &["--target", "s3", "restore-tenant", "t", "--as", "t-2"],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is damaged"));
    // The next backup shares the file: it puts the folder's copy back and verifies.
    let next = backup(&k, &b, &[]);
    assert_eq!(next["s3"]["filesRepaired"], 1, "{next}");
    assert_eq!(next["s3"]["filesUploaded"], 0, "{next}");
    assert_eq!(next["s3"]["verified"]["problems"], json!([]), "{next}");
    let text = metrics(&client, &server).await;
    assert!(
        text.contains("kiroku_backup_last_verified_timestamp_seconds{target=\"s3\"}"),
        "{text}"
    );

    let path = "/api/operator/v1/tenants/t/restore";
    let body = json!({"as": "x", "target": "tape"});
    operator(&client, &server, Method::POST, path, Some(body))
        .await
        .expect(400);
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_backup_to_an_unreachable_or_missing_s3_target_fails_clearly_and_keeps_earlier_backups() {
    let b = Bucket::new("bad").await;
    let k = Kiroku::on_sqlite();
    k.ok(&["tenant", "create", "t"]);
    let first = name_of(&backup(&k, &b, &[]));

    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let gone = format!("http://{}", closed.local_addr().expect("address"));
    drop(closed);
    let unreachable = Bucket {
        s3: s3_blobs(gone.clone(), None, "never"),
        endpoint: gone.clone(),
        name: b.name.clone(),
    };
    let missing = Bucket {
        s3: s3_blobs(b.endpoint.clone(), None, "missing"),
        endpoint: b.endpoint.clone(),
        name: format!("missing-{}", kiroku::id::new_uuid()),
    };
    for (target, why) in [(&unreachable, gone.as_str()), (&missing, "NoSuchBucket")] {
        let out = run_with(&k, "backup", target, &[]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("the S3 backup target") && err.contains(why), "{err}");
        assert!(err.contains("was written to the folder, not to S3"), "{err}");
    }
    let out = k
        .command(&[
            "backup",
            "--backup-s3-endpoint",
            &b.endpoint,
            "--backup-s3-bucket",
            &b.name,
        ])
        .output()
        .expect("run kiroku");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("KIROKU_BACKUP_S3_ACCESS_KEY_ID is needed with --backup-s3-endpoint"),
        "{err}"
    );

    // The bucket's backup is as it was.
    let listed = backup(&k, &b, &["--target", "s3", "list"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    let verified = backup(&k, &b, &["--target", "s3", "verify", &first]);
    assert_eq!(verified["ok"], true, "{verified}");
    let _ = std::fs::remove_dir_all(backup_dir(&k));
}

/// The backups in the backup folder, by name.
fn folder_backups(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.retain(|n| !n.starts_with('.') && n != "blobs");
    names.sort();
    names
}

#[test]
fn kill_9_during_an_upload_to_s3_never_lists_a_partial_backup_and_the_next_run_cleans_up() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let b = rt.block_on(Bucket::new("killed"));
    let k = Kiroku::on_sqlite();
    k.ok(&["tenant", "create", "t"]);
    let zip = k.dir.path().join("large.zip");
    std::fs::write(&zip, crate::backups::package_of(24_000_000)).expect("write zip");
    k.ok(&["import", "t", zip.to_str().expect("utf-8")]);
    let first = name_of(&backup(&k, &b, &[]));
    // A second large file, so that each run has 24 MB to upload.
    std::fs::write(&zip, crate::backups::package_of(24_000_001)).expect("write zip");
    k.ok(&["import", "t", zip.to_str().expect("utf-8")]);
    let dir = backup_dir(&k);
    let flags = b.flags();
    let mut args = vec!["backup", "--backup-dir", dir.to_str().expect("utf-8")];
    args.extend(flags.iter().map(String::as_str));
    // Killed at points after the folder backup is in place (the rest of a run takes about
    // 3 s here): while it is verified, and along its upload, the large file's first, then,
    // once one run got that far, the database copy's, the manifest's and the read-back.
    for delay_ms in [300u64, 900, 1500, 2100, 2700] {
        let before = folder_backups(&dir);
        let mut child = k
            .command(&args)
            .envs(CREDENTIALS)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn kiroku backup");
        let started = std::time::Instant::now();
        while folder_backups(&dir) == before && started.elapsed() < std::time::Duration::from_secs(60) {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // Whatever was cut short, every backup listed in the bucket is whole.
        let listed = backup(&k, &b, &["--target", "s3", "list"]);
        for m in listed.as_array().expect("list") {
            let name = m["name"].as_str().expect("name");
            let v = backup(&k, &b, &["--target", "s3", "verify", name]);
            assert_eq!(v["ok"], true, "{name} after a kill at {delay_ms} ms: {v}");
        }
    }
    let next = backup(&k, &b, &[]);
    assert_eq!(next["s3"]["verified"]["problems"], json!([]), "{next}");
    // Every backup left in the bucket has its manifest, and the first is still sound.
    let keys = rt.block_on(b.keys("backups/"));
    let names: std::collections::BTreeSet<&str> = keys.iter().filter_map(|k| k.split('/').nth(1)).collect();
    for name in &names {
        assert!(
            keys.contains(&format!("backups/{name}/manifest.json")),
            "{name}: {keys:?}"
        );
    }
    assert!(names.contains(first.as_str()), "{names:?}");
    let v = backup(&k, &b, &["--target", "s3", "verify", &first]);
    assert_eq!(v["ok"], true, "{v}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn backups_go_to_s3_over_https_only_with_the_backup_ca_file() {
    let endpoint = test_env("KIROKU_TEST_S3_TLS_ENDPOINT");
    let ca = test_env("KIROKU_TEST_S3_CA_FILE");
    let s3 = s3_blobs(endpoint.clone(), Some(ca.clone().into()), "tls-backup");
    s3.create_bucket().await.expect("create the bucket over https");
    let b = Bucket {
        name: bucket_name(&s3),
        s3,
        endpoint,
    };
    let k = Kiroku::on_sqlite();
    k.ok(&["tenant", "create", "t"]);
    let refused = run_with(&k, "backup", &b, &[]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        err.contains("invalid peer certificate") && err.contains("was written to the folder"),
        "{err}"
    );
    let made = backup(&k, &b, &["--backup-s3-ca-file", &ca]);
    assert_eq!(made["s3"]["verified"]["problems"], json!([]), "{made}");
    assert_eq!(b.keys("backups/").await.len(), 3, "database, manifest, verification");
    let _ = std::fs::remove_dir_all(backup_dir(&k));
}

#[tokio::test]
async fn a_large_file_goes_to_s3_in_parts_and_reads_back_whole() {
    let b = Bucket::new("parts").await;
    let s3 = b.s3.clone().with_part_bytes(5 << 20);
    let dir = tempfile::tempdir().expect("folder");
    let file = dir.path().join("large");
    // Two whole parts and a short last one.
    let mut x: u32 = 0x2545_f491;
    let bytes: Vec<u8> = (0..(12 << 20) + 123)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect();
    std::fs::write(&file, &bytes).expect("write");
    let sha = fixture::sha256_hex(&bytes);
    let key = "backups/2001-01-01T00-00-00Z/kiroku.db";
    s3.put_object_file(key, &file, &sha).await.expect("put in parts");
    let read = s3.hash_object(key, None).await.expect("read back");
    assert_eq!(read, (sha, bytes.len() as u64));
    assert_eq!(b.keys("").await, [key]);
    assert_eq!(
        s3.abort_uploads("").await.expect("list uploads"),
        0,
        "the upload was completed"
    );

    // One a killed process left (started unsigned: moto does not check signatures).
    let url = format!("{}/{}/kiroku/{key}?uploads", b.endpoint, b.name);
    let started = crate::support::Req::new(&http_client(), Method::POST, url)
        .send()
        .await
        .expect(200);
    assert!(started.text().contains("<UploadId>"), "{}", started.text());
    assert_eq!(s3.abort_uploads("").await.expect("abort"), 1);
    assert_eq!(s3.abort_uploads("").await.expect("list uploads"), 0, "aborted");
}
