//! `kill -9` in the middle of a tenant termination, with the real binary: whenever the
//! process dies, the tenant is either whole (active, its data all there, no archive taken
//! for complete) or terminated (no row left); every earlier backup verifies; running the
//! termination again completes it, and the archive the first run wrote is never
//! overwritten by an export of the emptied tenant.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

use crate::backups::package_of;
use crate::packages::fixture;
use crate::process::Kiroku;

fn import(k: &Kiroku, tenant: &str, zip: &[u8]) {
    let path = k.dir.path().join("package.zip");
    std::fs::write(&path, zip).expect("write zip");
    k.ok(&["import", tenant, path.to_str().expect("utf-8 path")]);
    std::fs::remove_file(&path).expect("remove zip");
}

fn shown(k: &Kiroku, tenant: &str) -> Value {
    k.json(&["tenant", "show", tenant])
}

fn terminate_args(export: &Path) -> Vec<String> {
    let export = export.to_str().expect("utf-8").to_owned();
    [
        "tenant",
        "terminate",
        "t",
        "--export",
        &export,
        "--yes-erase-everything",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn sha256(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(std::fs::read(path).expect("read archive")))
}

#[test]
fn kill_9_during_a_termination_leaves_the_tenant_whole_or_gone_and_it_can_run_again() {
    let k = Kiroku::new();
    k.ok(&["tenant", "create", "t"]);
    k.ok(&["tenant", "create", "other"]);
    import(&k, "other", &fixture::package("scorm12-single-sco"));
    let blobs = k.dir.path().join("blobs");
    let others_files = files_under(&blobs);
    import(&k, "t", &package_of(16_000_000));
    let whole = shown(&k, "t")["usage"].clone();
    let other = shown(&k, "other")["usage"].clone();
    let backups = k.dir.path().with_extension("backups");
    let backups_arg = backups.to_str().expect("utf-8").to_owned();
    // A backup of a PostgreSQL store needs pg_dump; the SQLite pass takes one.
    let backed_up = !crate::scratch_db::servers_on_postgres();
    if backed_up {
        k.json(&["backup", "--backup-dir", &backups_arg]);
    }
    let export = k.dir.path().with_extension("t-archive.zip");
    let args = terminate_args(&export);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();

    let mut outcomes = Vec::new();
    // Kills later and later, until a run gets through the erasure or ends by itself: the
    // kills land in the export, its verification, the erasure and the files' removal.
    let mut delay_ms = 50u64;
    while delay_ms < 60_000 {
        let mut child = k
            .command(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn kiroku tenant terminate");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let finished = child.try_wait().expect("child status").is_some();
        let _ = child.kill();
        let _ = child.wait();
        let t = shown(&k, "t");
        match t["status"].as_str() {
            Some("active") => {
                assert_eq!(t["usage"], whole, "a half-erased tenant after kill at {delay_ms} ms");
                outcomes.push("whole");
            }
            Some("terminated") => {
                assert_eq!(t["usage"]["storageBytes"], 0, "rows left after kill at {delay_ms} ms");
                outcomes.push("terminated");
            }
            other => panic!("tenant status {other:?} after kill at {delay_ms} ms"),
        }
        // The archive is renamed into place only when complete.
        if export.exists() {
            kiroku::ops::archive::verify_file(&export).expect("an archive in place is complete");
        }
        assert_eq!(shown(&k, "other")["usage"], other, "another tenant changed");
        if backed_up {
            for m in k
                .json(&["backup", "--backup-dir", &backups_arg, "list"])
                .as_array()
                .expect("list")
            {
                let name = m["name"].as_str().expect("name");
                let verified = k.json(&["backup", "--backup-dir", &backups_arg, "verify", name]);
                assert_eq!(verified["ok"], true, "backup {name} after kill at {delay_ms} ms");
            }
        }
        if finished || outcomes.last() == Some(&"terminated") {
            break;
        }
        delay_ms = delay_ms * 3 / 2;
    }
    eprintln!("outcomes, a kill every ×1.5 from 50 ms: {outcomes:?}");
    assert_eq!(outcomes.last(), Some(&"terminated"), "no run reached the erasure");

    // Run again: it completes, whatever the kill left.
    let report = k.json(&args);
    assert!(
        report["remaining"]
            .as_object()
            .expect("remaining")
            .values()
            .all(|n| n == 0)
    );
    let t = shown(&k, "t");
    assert_eq!(
        (t["status"].as_str(), &t["usage"]["storageBytes"]),
        (Some("terminated"), &Value::from(0))
    );
    let archived = sha256(&export);
    assert_eq!(files_under(&blobs), others_files, "only the other tenant's files stay");

    // A termination cut short after its erasure left a content file behind: a new run
    // removes it from what the archive names, and leaves the archive as it was.
    let big = kiroku::ops::archive::verify_file(&export)
        .expect("the archive verifies")
        .members
        .keys()
        .filter_map(|m| m.strip_prefix("files/").map(str::to_owned))
        .find(|h| !others_files.contains(h))
        .expect("the terminated tenant's own file");
    let put_back = blobs.join(&big[..2]).join(&big[2..]);
    std::fs::create_dir_all(put_back.parent().expect("folder")).expect("folder");
    std::fs::write(&put_back, b"left behind").expect("put a file back");
    let again = k.json(&args);
    assert_eq!(again["filesRemoved"], 1, "{again}");
    assert!(!put_back.exists());
    assert_eq!(sha256(&export), archived, "the archive was written again");

    // Another archive path for a terminated tenant: refused, nothing written.
    let elsewhere = k.dir.path().with_extension("elsewhere.zip");
    let out = k.run(
        &terminate_args(&elsewhere)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already terminated"));
    assert!(!elsewhere.exists());
    let _ = std::fs::remove_dir_all(&backups);
    let _ = std::fs::remove_file(&export);
}

/// The content files under `dir` (`ab/cdef…`), as their hashes, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                out.push(rel.display().to_string().replace('/', ""));
            }
        }
    }
    out.sort();
    out
}
