//! Restoring one tenant from a backup with the real binary beside a serving kiroku:
//! `backup list` names each tenant with its rows; `backup restore-tenant --as` makes a
//! copy whose data is, by content hash, the tenant's at the backup, while the tenant keeps
//! its later writes; and the drill: `--in-place` puts the tenant back as it was at the
//! backup, by content hash, after keeping an export of what it replaced, while another
//! tenant is served and written throughout and keeps every write.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use axum::http::Method;
use serde_json::{Value, json};

use crate::data::{stmt, uuid, with_id};
use crate::durability::send;
use crate::packages::fixture;
use crate::process::{Kiroku, Server};
use crate::support::{Cred, HttpClient, http_client};

/// Members whose bytes must be equal between the tenant at the backup and its restore.
const SAME_BYTES: &[&str] = &[
    "statements.jsonl",
    "attachments.jsonl",
    "documents.jsonl",
    "end-clients.json",
    "learners.json",
    "attempts.jsonl",
    "registration-states.jsonl",
];

/// A tenant's data by content hash, through `tenant export`: the SHA-256 of each member
/// above and of every content file, plus registrations and package versions with the
/// package ids (new in a copy, kept in place) apart, under `packageIds`.
pub fn tenant_view(k: &Kiroku, tenant: &str) -> Value {
    let out = k.dir.path().join(format!("view-{tenant}-{}.zip", uuid()));
    k.ok(&["tenant", "export", tenant, "--out", out.to_str().expect("utf-8")]);
    let view = archive_view(&out);
    std::fs::remove_file(&out).expect("remove the export");
    view
}

/// `tenant_view` of an archive file.
pub fn archive_view(out: &std::path::Path) -> Value {
    let manifest = kiroku::ops::archive::verify_file(out).expect("a sound archive");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(out).expect("open")).expect("zip");
    let mut read = |name: &str| -> Value {
        let mut text = String::new();
        zip.by_name(name)
            .expect("member")
            .read_to_string(&mut text)
            .expect("read");
        serde_json::from_str(&text).expect("json")
    };
    let strip = |mut v: Value, keys: &[&str]| {
        for row in v.as_array_mut().expect("array") {
            for k in keys {
                row.as_object_mut().expect("object").remove(*k);
            }
        }
        v
    };
    let registrations = read("registrations.json");
    let packages = read("packages.json");
    let ids = |v: &Value| -> Vec<Value> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|r| r["packageId"].clone())
            .collect()
    };
    let package_ids = json!([ids(&registrations), ids(&packages)]);
    let registrations = strip(registrations, &["packageId"]);
    let packages = strip(packages, &["packageId"]);
    let hashes: BTreeMap<&String, &String> = manifest
        .members
        .iter()
        .filter(|(m, _)| SAME_BYTES.contains(&m.as_str()) || m.starts_with("files/"))
        .collect();
    json!({ "members": hashes, "registrations": registrations, "packages": packages,
            "counts": manifest.counts, "packageIds": package_ids })
}

/// A view without the package ids (new in a copy).
pub fn ids_aside(mut v: Value) -> Value {
    v.as_object_mut().expect("view").remove("packageIds");
    v
}

pub fn backup_dir(k: &Kiroku) -> PathBuf {
    k.dir.path().with_extension("backups")
}

pub fn backup(k: &Kiroku, args: &[&str]) -> Value {
    let dir = backup_dir(k);
    let mut all = vec!["backup", "--backup-dir", dir.to_str().expect("utf-8")];
    all.extend_from_slice(args);
    k.json(&all)
}

/// Imports a fixture package into `tenant` with the CLI; its package id.
fn import(k: &Kiroku, tenant: &str, fixture_name: &str) -> String {
    let path = k.dir.path().join(format!("{fixture_name}.zip"));
    std::fs::write(&path, fixture::package(fixture_name)).expect("write zip");
    let v = k.json(&["import", tenant, path.to_str().expect("utf-8 path")]);
    std::fs::remove_file(&path).expect("remove zip");
    v["packageId"].as_str().expect("package id").to_owned()
}

/// A tenant with data of every kind the restore carries, written through a server.
pub struct Tenant {
    pub c: Cred,
    pub admin: Cred,
}

pub async fn statements(client: &HttpClient, server: &Server, c: &Cred, n: usize, who: &str) {
    let batch: Vec<Value> = (0..n)
        .map(|i| with_id(stmt(&format!("{who}{i}"), "read", "x"), &uuid()))
        .collect();
    send(client, server, Method::POST, "/xapi/statements", c, Some(&json!(batch)))
        .await
        .expect(200);
}

pub const STATE: &str = "/xapi/activities/state?activityId=http%3A%2F%2Fexample.com%2Fa&agent=%7B%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D&stateId=bookmark";

/// Creates tenant `name` with a package, a learner and a registration (the CLI and the
/// admin API), statements and a state document.
pub async fn seeded(k: &Kiroku, client: &HttpClient, server: &Server, name: &str) -> Tenant {
    k.ok(&["tenant", "create", name]);
    let package = import(k, name, "scorm12-single-sco");
    let c = k.credential(name);
    let v = k.json(&["credential", "create", name, "--scope", "admin"]);
    let admin = Cred {
        key: v["key"].as_str().expect("key").to_owned(),
        secret: v["secret"].as_str().expect("secret").to_owned(),
    };
    let learner = json!({"id": "ann", "name": "Ann"});
    send(client, server, Method::POST, "/api/v1/learners", &admin, Some(&learner))
        .await
        .expect(201);
    let reg = json!({"learner": "ann", "packageId": package});
    send(
        client,
        server,
        Method::POST,
        "/api/v1/registrations",
        &admin,
        Some(&reg),
    )
    .await
    .expect(201);
    statements(client, server, &c, 12, name).await;
    send(client, server, Method::PUT, STATE, &c, Some(&json!({"page": 3})))
        .await
        .expect(204);
    Tenant { c, admin }
}

/// Scratch folders a restore left in the data folder's work folder.
pub fn leftovers(k: &Kiroku) -> Vec<String> {
    std::fs::read_dir(k.dir.path().join("tmp"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("tenant-restore-"))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn backup_list_names_each_tenant_with_its_rows() {
    let k = Kiroku::on_sqlite();
    let (client, server) = (http_client(), k.serve());
    seeded(&k, &client, &server, "t").await;
    k.ok(&["tenant", "create", "empty"]);
    let name = backup(&k, &[])["manifest"]["name"].as_str().expect("name").to_owned();

    let listed = backup(&k, &["list"]);
    let tenants = listed[0]["tenants"].as_array().expect("tenants listed").clone();
    let by_name = |n: &str| {
        tenants
            .iter()
            .find(|t| t["name"] == n)
            .expect("tenant in the list")
            .clone()
    };
    let t = by_name("t");
    assert_eq!(t["status"], "active");
    for (table, n) in [
        ("statements", 12),
        ("documents", 1),
        ("learners", 1),
        ("registrations", 1),
        ("packages", 1),
    ] {
        assert_eq!(t["rows"][table], n, "{table}: {t}");
    }
    assert!(t["rows"]["package_files"].as_u64().is_some_and(|n| n > 0), "{t}");
    let empty = by_name("empty");
    assert!(
        empty["rows"].as_object().expect("rows").values().all(|n| n == 0),
        "{empty}"
    );

    let dir = backup_dir(&k);
    let text = k.ok(&["backup", "--backup-dir", dir.to_str().expect("utf-8"), "list"]);
    assert!(text.contains(&name), "{text}");
    assert!(text.contains("  t\tactive\t"), "{text}");
    assert!(text.contains("statements 12"), "{text}");
    assert!(text.contains("  empty\tactive\t0 rows"), "{text}");
    drop(server);
    std::fs::remove_dir_all(dir).expect("remove backups");
}

#[tokio::test]
async fn a_tenant_restored_as_a_copy_holds_its_data_as_at_the_backup() {
    restored_as_a_copy(Kiroku::on_sqlite()).await;
}

/// (On PostgreSQL the same path is walked by the drill; one test there makes scratch
/// databases, so it can count them.)
async fn restored_as_a_copy(k: Kiroku) {
    let (client, server) = (http_client(), k.serve());
    let t = seeded(&k, &client, &server, "t").await;
    let at_backup = tenant_view(&k, "t");
    let name = backup(&k, &[])["manifest"]["name"].as_str().expect("name").to_owned();

    // After the backup: more statements, and the registration and learner deleted.
    statements(&client, &server, &t.c, 5, "later").await;
    send(
        &client,
        &server,
        Method::DELETE,
        "/api/v1/learners/ann?force=true",
        &t.admin,
        None,
    )
    .await
    .expect(204);
    let now = tenant_view(&k, "t");
    assert_ne!(now, at_backup);

    let r = backup(&k, &["restore-tenant", "t", "--backup", &name, "--as", "t-copy"]);
    assert_eq!(r["restoredAs"], "t-copy");
    assert_eq!(r["mode"], "copy");
    assert_eq!(
        ids_aside(tenant_view(&k, "t-copy")),
        ids_aside(at_backup.clone()),
        "the copy is the tenant at the backup, with new package ids"
    );
    assert_eq!(tenant_view(&k, "t"), now, "the tenant itself is untouched");
    // The copy answers over xAPI once it has a credential: the 12 statements of then.
    let c = k.credential("t-copy");
    let got = send(&client, &server, Method::GET, "/xapi/statements?limit=0", &c, None)
        .await
        .expect(200)
        .json();
    assert_eq!(got["statements"].as_array().map(Vec::len), Some(12));
    let audit = k.ok(&["--json", "audit", "t-copy"]);
    assert!(audit.contains("tenant.restored") && audit.contains(&name), "{audit}");

    // Refusals leave nothing behind.
    let dir = backup_dir(&k);
    let dir = dir.to_str().expect("utf-8");
    for (args, why) in [
        (vec!["restore-tenant", "t", "--as", "t-copy"], "exists already"),
        (vec!["restore-tenant", "nobody", "--as", "n-copy"], "no tenant named"),
        (
            vec!["restore-tenant", "t", "--backup", "2001-01-01T00-00-00Z", "--as", "x"],
            "no backup named",
        ),
    ] {
        let mut all = vec!["backup", "--backup-dir", dir];
        all.extend(args);
        let out = k.run(&all);
        assert!(!out.status.success(), "{all:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(why), "{all:?}: {err}");
    }
    let listed = k.json(&["tenant", "list"]);
    let names: Vec<&str> = listed
        .as_array()
        .expect("tenants")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(names, ["t", "t-copy"]);
    assert_eq!(leftovers(&k), Vec::<String>::new(), "scratch folders removed");
    drop(server);
    std::fs::remove_dir_all(backup_dir(&k)).expect("remove backups");
}

/// Writes to and reads from `c`'s tenant until `stop`; the statement ids acknowledged.
async fn keep_serving(
    client: HttpClient,
    server_url: String,
    c: Cred,
    stop: tokio::sync::watch::Receiver<bool>,
    started: tokio::sync::oneshot::Sender<()>,
) -> Vec<String> {
    let mut acked = Vec::new();
    let mut started = Some(started);
    while !*stop.borrow() {
        let id = uuid();
        let s = with_id(stmt("busy", "read", "x"), &id);
        let r = crate::support::Req::new(&client, Method::POST, format!("{server_url}/xapi/statements"))
            .auth(&c)
            .json(&json!([s]))
            .send()
            .await;
        r.expect(200);
        acked.push(id);
        let r = crate::support::Req::new(&client, Method::GET, format!("{server_url}{STATE}"))
            .auth(&c)
            .send()
            .await;
        r.expect(200);
        if let Some(tx) = started.take() {
            let _ = tx.send(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    acked
}

/// A tenant's id, from `tenant list`.
fn tenant_view_id(k: &Kiroku, tenant: &str) -> i64 {
    let all = k.json(&["tenant", "list"]);
    let found = all.as_array().expect("tenants").iter().find(|t| t["name"] == tenant);
    found.and_then(|t| t["id"].as_i64()).expect("tenant id")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drill_a_tenant_restored_in_place_is_as_at_the_backup_and_its_neighbour_keeps_its_writes() {
    drill(Kiroku::on_sqlite(), false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drill_on_postgresql_a_tenant_restored_in_place_is_as_at_the_backup() {
    drill(Kiroku::on_postgres(), true).await;
}

/// The drill of issue 16: a tenant changes and deletes data after a backup; restored in
/// place, its data is as at the backup by content hash, while another tenant, served and
/// written throughout, keeps every write.
async fn drill(k: Kiroku, on_postgres: bool) {
    let (client, server) = (http_client(), k.serve());
    let t = seeded(&k, &client, &server, "t").await;
    let u = seeded(&k, &client, &server, "u").await;
    let at_backup = tenant_view(&k, "t");
    let name = backup(&k, &[])["manifest"]["name"].as_str().expect("name").to_owned();

    // After the backup, t changes and deletes data, and u writes too.
    statements(&client, &server, &t.c, 5, "later").await;
    send(&client, &server, Method::POST, STATE, &t.c, Some(&json!({"page": 9})))
        .await
        .expect(204);
    send(
        &client,
        &server,
        Method::DELETE,
        "/api/v1/learners/ann?force=true",
        &t.admin,
        None,
    )
    .await
    .expect(204);
    statements(&client, &server, &u.c, 7, "u-later").await;
    let t_now = tenant_view(&k, "t");
    let u_before = tenant_view(&k, "u");
    assert_ne!(t_now, at_backup);

    // What an interrupted restore of t would have left: a suspended staging tenant.
    let t_id = tenant_view_id(&k, "t");
    let leftover = format!(".restore-{t_id}-1");
    k.ok(&["tenant", "create", &leftover]);
    k.ok(&["tenant", "suspend", &leftover]);

    // u is served and written throughout the restore.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (started, running) = tokio::sync::oneshot::channel();
    let busy = tokio::spawn(keep_serving(
        client.clone(),
        server.url(""),
        u.c.clone(),
        stopped,
        started,
    ));
    running.await.expect("u is being written");
    let acked_before = 1;
    let kk = &k;
    let r = tokio::task::block_in_place(|| backup(kk, &["restore-tenant", "t", "--backup", &name, "--in-place"]));
    stop.send(true).expect("stop");
    let acked = busy.await.expect("the writer");
    assert!(
        acked.len() > acked_before,
        "u was written during the restore: {}",
        acked.len()
    );

    assert_eq!(r["mode"], "in-place");
    assert_eq!(r["restoredAs"], "t");
    let kept = std::path::PathBuf::from(r["keptExport"].as_str().expect("kept export"));
    assert!(kept.starts_with(backup_dir(&k)), "{kept:?}");
    assert_eq!(
        archive_view(&kept),
        t_now,
        "the export kept is the tenant just before the restore"
    );
    assert_eq!(
        tenant_view(&k, "t"),
        at_backup,
        "the tenant is as at the backup, by content hash"
    );

    // u: every write kept, nothing else changed.
    let mut u_after = tenant_view(&k, "u");
    let n = u_after["counts"]["statements"].as_u64().expect("count");
    assert_eq!(n, 12 + 7 + acked.len() as u64);
    let mut u_then = u_before.clone();
    for v in [&mut u_after, &mut u_then] {
        v["members"]
            .as_object_mut()
            .expect("members")
            .remove("statements.jsonl");
        v["counts"].as_object_mut().expect("counts").remove("statements");
    }
    assert_eq!(u_after, u_then, "u's other data untouched");
    for id in &acked {
        let path = format!("/xapi/statements?statementId={id}");
        send(&client, &server, Method::GET, &path, &u.c, None).await.expect(200);
    }

    // t answers with its credential as before (kept), with the data of the backup.
    let got = send(&client, &server, Method::GET, "/xapi/statements?limit=0", &t.c, None)
        .await
        .expect(200)
        .json();
    assert_eq!(got["statements"].as_array().map(Vec::len), Some(12));
    let state = send(&client, &server, Method::GET, STATE, &t.c, None)
        .await
        .expect(200)
        .json();
    assert_eq!(state, json!({"page": 3}));
    let listed = send(&client, &server, Method::GET, "/api/v1/registrations", &t.admin, None)
        .await
        .expect(200)
        .json();
    assert_eq!(listed["registrations"].as_array().map(Vec::len), Some(1), "{listed}");
    let audit = k.ok(&["--json", "audit", "t"]);
    assert!(
        audit.contains("tenant.restored") && audit.contains("in-place"),
        "{audit}"
    );
    let tenants = k.json(&["tenant", "list"]);
    let mut names: Vec<(&str, &str)> = tenants
        .as_array()
        .expect("tenants")
        .iter()
        .map(|t| (t["name"].as_str().unwrap_or(""), t["status"].as_str().unwrap_or("")))
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [("t", "active"), ("u", "active")],
        "no staging tenant left, nor the earlier leftover"
    );
    assert_eq!(leftovers(&k), Vec::<String>::new(), "scratch folders removed");
    if on_postgres {
        assert_eq!(scratch_databases().await, 0, "the scratch database is dropped");
    }
    drop(server);
    std::fs::remove_dir_all(backup_dir(&k)).expect("remove backups");
}

/// Databases made by per-tenant restores still on the test server (only the PostgreSQL
/// drill makes them).
async fn scratch_databases() -> i64 {
    let url = std::env::var(crate::scratch_db::URL_VAR).expect("the test server's URL");
    let config: tokio_postgres::Config = url.parse().expect("URL");
    let (client, conn) = config.connect(tokio_postgres::NoTls).await.expect("connect");
    let task = tokio::spawn(conn);
    let row = client
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'kiroku\\_restore\\_%'",
            &[],
        )
        .await
        .expect("count");
    drop(client);
    let _ = task.await;
    row.get(0)
}

#[tokio::test]
async fn an_in_place_restore_that_cannot_be_done_changes_nothing() {
    let k = Kiroku::on_sqlite();
    let (client, server) = (http_client(), k.serve());
    seeded(&k, &client, &server, "t").await;
    let name = backup(&k, &[])["manifest"]["name"].as_str().expect("name").to_owned();
    k.ok(&["tenant", "create", "newer"]);
    let t_now = tenant_view(&k, "t");
    let taken = k.dir.path().join("taken.zip");
    std::fs::write(&taken, b"someone's file").expect("write");
    let dir = backup_dir(&k);
    let dir = dir.to_str().expect("utf-8");
    let taken_arg = taken.to_str().expect("utf-8");
    for (args, why) in [
        (vec!["restore-tenant", "newer", "--in-place"], "holds no tenant named"),
        (
            vec!["restore-tenant", "t", "--in-place", "--export", taken_arg],
            "exists already",
        ),
        (
            vec!["restore-tenant", "t", "--in-place", "--as", "x"],
            "cannot be used with",
        ),
        (vec!["restore-tenant", "t"], "--as"),
    ] {
        let mut all = vec!["backup", "--backup-dir", dir];
        all.extend(args);
        all.extend(["--backup", name.as_str()]);
        let out = k.run(&all);
        assert!(!out.status.success(), "{all:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(why), "{all:?}: {err}");
    }
    // One restore of a tenant at a time: while one runs (or after one was interrupted)
    // the tenant is suspended "being restored…", and another is refused.
    k.ok(&["tenant", "suspend", "t", "--reason", "being restored from backup X"]);
    let out = k.run(&["backup", "--backup-dir", dir, "restore-tenant", "t", "--in-place"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("under way"));
    k.ok(&["tenant", "resume", "t"]);
    assert_eq!(std::fs::read(&taken).expect("read"), b"someone's file");
    assert_eq!(tenant_view(&k, "t"), t_now);
    let tenants = k.json(&["tenant", "list"]);
    assert!(
        tenants
            .as_array()
            .expect("tenants")
            .iter()
            .all(|t| t["status"] == "active"),
        "{tenants}"
    );
    assert_eq!(tenants.as_array().map(Vec::len), Some(2), "{tenants}");
    assert_eq!(leftovers(&k), Vec::<String>::new());
    drop(server);
    std::fs::remove_dir_all(backup_dir(&k)).expect("remove backups");
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

#[tokio::test]
async fn the_operator_api_lists_backups_and_restores_a_tenant_as_a_copy_and_in_place() {
    let k = Kiroku::on_sqlite();
    let dir = backup_dir(&k);
    let serve_flags = [
        "--operator-token",
        "op-token",
        "--backup-at",
        "off",
        "--backup-dir",
        dir.to_str().expect("utf-8"),
    ];
    let (client, server) = (http_client(), k.serve_with_args(&[], &serve_flags, "info"));
    let t = seeded(&k, &client, &server, "t").await;
    let at_backup = tenant_view(&k, "t");
    let name = backup(&k, &[])["manifest"]["name"].as_str().expect("name").to_owned();
    statements(&client, &server, &t.c, 3, "later").await;

    let listed = operator(&client, &server, Method::GET, "/api/operator/v1/backups", None)
        .await
        .expect(200)
        .json();
    assert_eq!(listed[0]["name"], name.as_str());
    assert!(listed[0].get("blobs").is_none(), "{listed}");
    assert_eq!(listed[0]["tenants"][0]["rows"]["statements"], 12, "{listed}");

    let path = "/api/operator/v1/tenants/t/restore";
    for (body, status) in [
        (json!({}), 400),
        (json!({"as": "x", "inPlace": true}), 400),
        (json!({"as": "t"}), 409),
        (json!({"as": "x", "backup": "2001-01-01T00-00-00Z"}), 404),
        // This server has no S3 backup target.
        (json!({"as": "x", "target": "s3"}), 404),
    ] {
        operator(&client, &server, Method::POST, path, Some(body))
            .await
            .expect(status);
    }
    let nobody = "/api/operator/v1/tenants/nobody/restore";
    operator(&client, &server, Method::POST, nobody, Some(json!({"inPlace": true})))
        .await
        .expect(404);

    let copy = operator(
        &client,
        &server,
        Method::POST,
        path,
        Some(json!({"as": "t-copy", "backup": name})),
    )
    .await
    .expect(200)
    .json();
    assert_eq!((&copy["mode"], &copy["restoredAs"]), (&json!("copy"), &json!("t-copy")));
    assert_eq!(ids_aside(tenant_view(&k, "t-copy")), ids_aside(at_backup.clone()));

    let t_now = tenant_view(&k, "t");
    let in_place = operator(&client, &server, Method::POST, path, Some(json!({"inPlace": true})))
        .await
        .expect(200)
        .json();
    assert_eq!(in_place["mode"], "in-place");
    let kept = std::path::PathBuf::from(in_place["keptExport"].as_str().expect("kept export"));
    assert_eq!(archive_view(&kept), t_now);
    assert_eq!(tenant_view(&k, "t"), at_backup);
    let audit = k.ok(&["--json", "audit", "t"]);
    assert!(
        audit.contains("tenant.restored") && audit.contains("operator-token"),
        "{audit}"
    );
    drop(server);
    std::fs::remove_dir_all(dir).expect("remove backups");
}

/// `t`'s status and reason, from `tenant list`.
fn status_of(k: &Kiroku, tenant: &str) -> (String, String) {
    let all = k.json(&["tenant", "list"]);
    let t = all
        .as_array()
        .expect("tenants")
        .iter()
        .find(|t| t["name"] == tenant)
        .expect("tenant")
        .clone();
    let reason = t["statusReason"].as_str().unwrap_or("").to_owned();
    (t["status"].as_str().unwrap_or("").to_owned(), reason)
}

#[test]
fn kill_9_during_an_in_place_restore_leaves_the_tenant_before_or_after_never_a_mix() {
    // Killed at points along a restore (timed from a whole run): the tenant is as before
    // (maybe suspended "being restored", until resumed) or as at the backup, never a mix;
    // running it again restores it and clears the leftovers.
    let k = Kiroku::on_sqlite();
    k.ok(&["tenant", "create", "t"]);
    let path = k.dir.path().join("large.zip");
    std::fs::write(&path, crate::backups::package_of(3_000_000)).expect("write zip");
    k.ok(&["import", "t", path.to_str().expect("utf-8")]);
    let at_backup = tenant_view(&k, "t");
    backup(&k, &[]);
    let dir = backup_dir(&k);
    let dir = dir.to_str().expect("utf-8");
    let restore = ["backup", "--backup-dir", dir, "restore-tenant", "t", "--in-place"];
    // How long a whole restore takes here, to kill at points along it.
    import(&k, "t", "scorm12-single-sco");
    let started = std::time::Instant::now();
    k.ok(&restore);
    let whole = started.elapsed();
    assert_eq!(tenant_view(&k, "t"), at_backup);
    let mut seen = std::collections::BTreeSet::new();
    for percent in [50u32, 80, 95] {
        import(&k, "t", "scorm12-single-sco");
        let before = tenant_view(&k, "t");
        let mut child = k
            .command(&restore)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn the restore");
        std::thread::sleep(whole * percent / 100);
        let _ = child.kill();
        let _ = child.wait();
        let now = tenant_view(&k, "t");
        assert!(now == before || now == at_backup, "after a kill at {percent}%: a mix");
        let (status, reason) = status_of(&k, "t");
        if status == "suspended" {
            assert!(reason.starts_with("being restored"), "{reason}");
            assert_eq!(now, before, "suspended for a restore, not swapped: as before");
            k.ok(&["tenant", "resume", "t"]);
        }
        seen.insert((status, now == at_backup));
        if now == before {
            // Run to the end: it restores, and erases what the interrupted run left.
            k.ok(&restore);
            assert_eq!(tenant_view(&k, "t"), at_backup);
        }
    }
    eprintln!("states seen after the kills (status, restored): {seen:?}");
    // A last run to the end clears whatever a killed one left.
    k.ok(&restore);
    assert_eq!(tenant_view(&k, "t"), at_backup);
    let tenants = k.json(&["tenant", "list"]);
    assert_eq!(
        tenants.as_array().map(Vec::len),
        Some(1),
        "no staging tenant left: {tenants}"
    );
    assert_eq!(
        leftovers(&k),
        Vec::<String>::new(),
        "the killed runs' scratch folders removed"
    );
    std::fs::remove_dir_all(backup_dir(&k)).expect("remove backups");
}
