//! A full disk, with the real binary on a filesystem of its own (a 32 MB tmpfs mounted
//! for the test, so the machine's disks are never filled): statement writes answer 507
//! with a clear message and store nothing, reads go on, and once space is freed writes
//! resume; every acknowledged statement is there. Needs root for `mount` (the test
//! command runs as root here; docs/operations.md says how to run it elsewhere).

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::http::Method;
use serde_json::{Value, json};

use crate::data::{q, stmt, uuid, with_id};
use crate::durability::send;
use crate::process::Kiroku;
use crate::support::{Req, http_client};

/// A tmpfs mounted on a temporary folder, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> Self {
        let dir = tempfile::tempdir().expect("mount point");
        let st = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("run mount");
        assert!(
            st.success(),
            "mounting a tmpfs needs root (see docs/operations.md, Faults)"
        );
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

/// Fills the filesystem with 256 KB files until no more fits; answers them.
fn fill(dir: &Path) -> Vec<PathBuf> {
    let chunk = vec![7u8; 256 * 1024];
    let mut files = Vec::new();
    for n in 0..1000 {
        let f = dir.join(format!("filler-{n}"));
        if std::fs::write(&f, &chunk).is_err() {
            let _ = std::fs::remove_file(&f);
            break;
        }
        files.push(f);
    }
    files
}

fn batch(n: usize) -> Vec<Value> {
    (0..50)
        .map(|i| {
            let mut s = with_id(stmt(&format!("learner-{n}-{i}"), "wrote", "disk"), &uuid());
            s["result"] = json!({ "response": "満".repeat(200) });
            s
        })
        .collect()
}

#[tokio::test]
async fn a_full_disk_refuses_writes_with_507_keeps_reads_and_loses_nothing() {
    let disk = SmallDisk::mount(32);
    let k = Kiroku::on_sqlite_in(disk.path());
    k.ok(&["tenant", "create", "acme"]);
    let c = k.credential("acme");
    let admin = k.json(&["credential", "create", "acme", "--scope", "admin"]);
    let admin = crate::support::Cred {
        key: admin["key"].as_str().expect("key").to_owned(),
        secret: admin["secret"].as_str().expect("secret").to_owned(),
    };
    let server = k.serve();
    let client = http_client();
    let mut acked: Vec<Value> = Vec::new();
    let post = |b: Vec<Value>| {
        let (client, server, c) = (&client, &server, &c);
        async move { send(client, server, Method::POST, "/xapi/statements", c, Some(&json!(b))).await }
    };
    // Some statements first, then the disk filled up but for a little room.
    for n in 0..5 {
        let b = batch(n);
        post(b.clone()).await.expect(200);
        acked.extend(b);
    }
    let mut fillers = fill(disk.path());
    for f in fillers.drain(..fillers.len().min(2)) {
        std::fs::remove_file(f).expect("free a little");
    }

    // Writes until one is refused (bounded): 507, with a message saying so.
    let mut refused = None;
    for n in 5..400 {
        let b = batch(n);
        let r = post(b.clone()).await;
        match r.status.as_u16() {
            200 => acked.extend(b),
            507 => {
                refused = Some((r.json(), b));
                break;
            }
            other => {
                refused = Some((json!({ "unexpected": other, "body": r.text() }), b));
                break;
            }
        }
    }
    if let Some((a, _)) = &refused
        && a.get("unexpected").is_some()
    {
        let a = a.clone();
        panic!(
            "a write on a full disk answered {a}; log:\n{}",
            server.stop_and_read_log()
        );
    }
    let (answer, lost) = refused.expect("the disk filled up within 400 batches");
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("storage is full") && message.contains("nothing of this request was stored"),
        "{answer}"
    );

    // Reads go on, and the refused batch left nothing behind.
    let one = lost.first().and_then(|s| s["id"].as_str()).expect("id").to_owned();
    let r = send(
        &client,
        &server,
        Method::GET,
        &q("/xapi/statements", &[("statementId", &one)]),
        &c,
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 404, "nothing of a refused batch is stored");
    let r = send(&client, &server, Method::GET, "/xapi/statements?limit=5", &c, None).await;
    assert_eq!(r.status.as_u16(), 200);
    assert_eq!(
        send(&client, &server, Method::GET, "/readyz", &c, None)
            .await
            .status
            .as_u16(),
        200
    );

    // A course upload on the full disk: 507 too, and no package.
    let package = crate::backups::package_of(2_000_000);
    // Each on a connection of its own: the server may answer before the body is read,
    // and then closes the connection.
    let upload = || async {
        let fresh = http_client();
        Req::new(&fresh, Method::POST, server.url("/api/v1/packages"))
            .auth(&admin)
            .body("application/zip", package.clone())
            .send()
            .await
    };
    let r = upload().await;
    assert_eq!(r.status.as_u16(), 507, "an upload on a full disk: {}", r.text());
    let listed = send(&client, &server, Method::GET, "/api/v1/packages", &admin, None)
        .await
        .expect(200)
        .json();
    assert_eq!(listed["packages"].as_array().map(Vec::len), Some(0), "{listed}");

    // Space freed: writes resume, and every acknowledged statement is there.
    for f in fillers {
        std::fs::remove_file(f).expect("free the disk");
    }
    upload().await.expect(201);
    let b = batch(1000);
    post(b.clone()).await.expect(200);
    acked.extend(b);
    for s in &acked {
        let id = s["id"].as_str().expect("id");
        let r = send(
            &client,
            &server,
            Method::GET,
            &q("/xapi/statements", &[("statementId", id)]),
            &c,
            None,
        )
        .await;
        assert_eq!(r.status.as_u16(), 200, "acknowledged statement {id} is missing");
    }
    drop(server);
}
