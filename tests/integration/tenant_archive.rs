//! The tenant export archive end to end: export → import into a fresh server gives the
//! same statements (id, stored, content; `more` paging and voiding work), documents,
//! learners, registrations, attempts, packages and files; a corrupt archive is refused
//! and leaves nothing; termination leaves zero rows and no orphan file while a file
//! another tenant shares stays; learner erasure over the admin API.

use std::io::{Read, Write};
use std::path::Path;

use kiroku::blob::BlobStore;
use kiroku::ops::archive::{self, ArchiveError};
use kiroku::ops::erase;
use kiroku::store::archive::hex;
use kiroku::store::{AttemptRecord, Store};
use kiroku::tenant::{Scope, Tenant, TenantId};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::data::{stmt, voiding};
use crate::packages::Env;
use crate::support::{Cred, TestApp};

/// A tenant with packages, a learner with a registration and an attempt, statements
/// (one voided) and a document. Returns the xAPI credential.
async fn populate(env: &Env) -> Cred {
    let pkg = env.import_fixture("scorm12-single-sco").await;
    let pkg_id = pkg["packageId"].as_str().expect("package id").to_owned();
    let store = &env.app.store;
    let t = env.tenant.id;
    store
        .create_learner(
            t,
            "ann",
            kiroku::learner::LearnerFields {
                name: "Ann".into(),
                email: None,
                end_client: None,
            },
        )
        .await
        .expect("learner");
    let reg = store
        .create_registration(t, "ann", &pkg_id, 1)
        .await
        .expect("registration");
    let attempt = AttemptRecord {
        registration: reg.id.clone(),
        item: "sco".into(),
        number: 1,
        state: kiroku::runtime::plan::AttemptState::Suspended,
        data: "{}".into(),
        commit_seq: 1,
        updated_ms: 1,
    };
    store.save_attempt(t, attempt).await.expect("attempt");
    // An author's preview: a test learner and a registration marked as a preview.
    let tester = kiroku::learner::preview_learner_id(&kiroku::audit::Actor::account("author"));
    let fields = kiroku::learner::LearnerFields {
        name: "author".into(),
        email: None,
        end_client: None,
    };
    store.put_learner(t, &tester, fields).await.expect("test learner");
    let preview = store
        .create_registration(t, &tester, &pkg_id, 1)
        .await
        .expect("preview registration");
    assert!(preview.preview && !reg.preview);
    let c = env.app.credential(&env.tenant, &[Scope::All]).await;
    let ids = env
        .app
        .store_statements(&c, &json!([stmt("a", "did", "x"), stmt("b", "did", "y")]))
        .await;
    env.app.store_statements(&c, &json!([voiding("a", &ids[0])])).await;
    for i in 0..5 {
        env.app
            .store_statements(&c, &json!([stmt("c", "did", &format!("z{i}"))]))
            .await;
    }
    let state = format!(
        "/xapi/activities/state?activityId={}&agent={}&stateId=s1",
        urlencode(&crate::data::activity("x")),
        urlencode(&crate::data::agent_param("a"))
    );
    env.app
        .put(&state)
        .auth(&c)
        .json(&json!({"k": 1}))
        .send()
        .await
        .expect(204);
    c
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn tenant(store: &dyn Store, name: &str) -> Tenant {
    store.tenant_by_name(name).await.expect("lookup").expect("tenant")
}

async fn statements(store: &dyn Store, t: TenantId) -> Vec<kiroku::store::archive::ArchivedStatement> {
    store
        .statements_after(t, 0, 1000)
        .await
        .expect("rows")
        .into_iter()
        .map(|(_, s)| s)
        .collect()
}

/// Everything but ids that differ between servers (package ids), for comparison.
async fn snapshot(store: &dyn Store, t: TenantId) -> Value {
    let regs: Vec<Value> = store
        .list_registrations(t, None, None, None)
        .await
        .expect("regs")
        .into_iter()
        .map(|r| json!([r.id, r.learner, r.version, r.created_ms]))
        .collect();
    let mut packages = Vec::new();
    for p in store.list_packages(t).await.expect("packages") {
        for v in store.package_versions(t, &p.package_id).await.expect("versions") {
            let files = store.version_files(t, &v.package_id, v.version).await.expect("files");
            packages.push(json!([v.identifier, v.version, v.kind, v.title, files]));
        }
    }
    let docs: Vec<Value> = store
        .all_documents(t)
        .await
        .expect("docs")
        .into_iter()
        .map(|d| {
            json!([
                d.kind,
                d.activity,
                d.agent,
                d.registration,
                d.doc_id,
                d.content,
                d.etag,
                d.updated_ms
            ])
        })
        .collect();
    json!({
        "statements": serde_json::to_value(statements(store, t).await).expect("json"),
        "learners": store.list_learners(t, None).await.expect("learners"),
        "registrations": regs,
        "attempts": store.all_attempts(t).await.expect("attempts"),
        "packages": packages,
        "documents": docs,
    })
}

#[tokio::test]
async fn export_then_import_into_a_fresh_server_gives_the_same_tenant() {
    let env = Env::start().await;
    populate(&env).await;
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("acme.zip");
    let src = tenant(&*env.app.store, "acme").await;
    let report = archive::export(&*env.app.store, &env.app.blobs, &src, &file)
        .await
        .expect("export");
    assert_eq!(report.counts["statements"], 8);
    let other = TestApp::start().await;
    let work = other.data_dir().join("tmp");
    let imported = archive::import(&*other.store, &other.blobs, &file, Some("acme2"), &work)
        .await
        .expect("import");
    assert_eq!(imported.counts, report.counts);
    let dst = tenant(&*other.store, "acme2").await;
    assert_eq!(dst.status, kiroku::tenant::TenantStatus::Active);
    assert_eq!(
        snapshot(&*other.store, dst.id).await,
        snapshot(&*env.app.store, src.id).await
    );
    let previews = other
        .store
        .list_registrations(dst.id, None, None, None)
        .await
        .expect("registrations")
        .into_iter()
        .filter(|r| r.preview)
        .count();
    assert_eq!(previews, 1, "the preview stays a preview");
    for p in other.store.list_packages(dst.id).await.expect("packages") {
        for f in other
            .store
            .version_files(dst.id, &p.package_id, p.version)
            .await
            .expect("files")
        {
            let bytes = other.blobs.read(&f.sha256, 0, None).await.expect("blob");
            assert_eq!(hex(&Sha256::digest(&bytes)), f.sha256, "file {} by hash", f.path);
        }
    }
    // Paging with `more` and voiding work on the imported statements.
    let t = crate::support::Tenant {
        id: dst.id,
        name: "acme2".into(),
    };
    let c = other.credential(&t, &[Scope::All]).await;
    let mut page: Value = other
        .get("/xapi/statements?limit=2")
        .auth(&c)
        .send()
        .await
        .expect(200)
        .json();
    let mut seen = crate::data::ids_of(&page);
    while let Some(more) = page["more"].as_str().filter(|m| !m.is_empty()).map(str::to_owned) {
        page = other.get(&more).auth(&c).send().await.expect(200).json();
        seen.extend(crate::data::ids_of(&page));
    }
    let mut want: Vec<String> = statements(&*env.app.store, src.id)
        .await
        .into_iter()
        .filter(|s| !s.voided)
        .map(|s| s.id)
        .collect();
    want.reverse();
    assert_eq!(seen, want, "newest first, the voided one hidden");
    let voided = &statements(&*other.store, dst.id).await[0];
    other
        .get(&format!("/xapi/statements?voidedStatementId={}", voided.id))
        .auth(&c)
        .send()
        .await
        .expect(200);
    // A new statement after the import is stored after the imported ones.
    other.store_statements(&c, &json!([stmt("d", "did", "w")])).await;
    let rows = statements(&*other.store, dst.id).await;
    assert!(rows.windows(2).all(|w| w[0].stored_ms <= w[1].stored_ms));
}

/// Rewrites an archive, changing one member (and, with `fix_hash`, its manifest hash).
fn tamper(from: &Path, to: &Path, member: &str, fix_hash: bool, change: impl Fn(Vec<u8>) -> Vec<u8>) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(from).expect("open")).expect("zip");
    let mut members = Vec::new();
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).expect("member");
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).expect("read");
        members.push((f.name().expect("name").into_owned(), bytes));
    }
    let new = change(members.iter().find(|(n, _)| n == member).expect("member").1.clone());
    let mut zout = zip::ZipWriter::new(std::fs::File::create(to).expect("create"));
    for (name, bytes) in &mut members {
        if name == member {
            *bytes = new.clone();
        } else if name == "manifest.json" && fix_hash {
            let mut m: Value = serde_json::from_slice(bytes).expect("manifest");
            m["members"][member] = json!(hex(&Sha256::digest(&new)));
            *bytes = serde_json::to_vec(&m).expect("json");
        }
        zout.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .expect("start");
        zout.write_all(bytes).expect("write");
    }
    zout.finish().expect("finish");
}

#[tokio::test]
async fn a_corrupt_archive_is_refused_and_leaves_nothing() {
    let env = Env::start().await;
    populate(&env).await;
    let dir = tempfile::tempdir().expect("tmp");
    let good = dir.path().join("good.zip");
    let src = tenant(&*env.app.store, "acme").await;
    archive::export(&*env.app.store, &env.app.blobs, &src, &good)
        .await
        .expect("export");
    let other = TestApp::start().await;
    let work = other.data_dir().join("tmp");
    // A changed member: refused by its hash before anything is stored.
    let bad_hash = dir.path().join("bad-hash.zip");
    tamper(&good, &bad_hash, "learners.json", false, |mut b| {
        b.extend_from_slice(b" ");
        b
    });
    let e = archive::import(&*other.store, &other.blobs, &bad_hash, None, &work)
        .await
        .expect_err("refused");
    assert!(
        matches!(e, ArchiveError::Invalid(ref m) if m.contains("learners.json")),
        "{e}"
    );
    // Hashes right but a broken statement: refused mid-import, and rolled back.
    let bad_row = dir.path().join("bad-row.zip");
    tamper(&good, &bad_row, "statements.jsonl", true, |mut b| {
        b.extend_from_slice(b"{not json\n");
        b
    });
    archive::import(&*other.store, &other.blobs, &bad_row, None, &work)
        .await
        .expect_err("refused");
    assert!(
        other.store.tenant_by_name("acme").await.expect("lookup").is_none(),
        "no tenant left"
    );
    assert!(other.blobs.list().await.expect("blobs").is_empty(), "no file left");
    assert!(other.store.list_tenants().await.expect("tenants").is_empty());
    // The good archive still imports.
    archive::import(&*other.store, &other.blobs, &good, None, &work)
        .await
        .expect("import");
}

#[tokio::test]
async fn terminate_leaves_no_row_and_no_orphan_file_but_keeps_shared_files() {
    let env = Env::start().await;
    populate(&env).await;
    env.import_fixture("scorm12-multi-sco").await;
    let other = env.other_tenant("beta").await;
    env.upload_as(&other, &crate::packages::fixture::package("scorm12-single-sco"))
        .await
        .expect(201);
    let beta = tenant(&*env.app.store, "beta").await;
    let beta_before = env.app.store.tenant_rows(beta.id).await.expect("rows");
    let acme = tenant(&*env.app.store, "acme").await;
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("acme.zip");
    let report = erase::terminate(&*env.app.store, &env.app.blobs, &acme, &out)
        .await
        .expect("terminate");
    assert!(report.remaining.values().all(|n| *n == 0), "{:?}", report.remaining);
    assert_eq!(report.removed["statements"], 8);
    assert!(report.files_removed > 0, "the multi-SCO course's own files go");
    archive::verify_file(&out).expect("a valid archive");
    let acme_after = tenant(&*env.app.store, "acme").await;
    assert_eq!(acme_after.status, kiroku::tenant::TenantStatus::Terminated);
    assert_eq!(env.app.store.tenant_rows(beta.id).await.expect("rows"), beta_before);
    for h in env.app.blobs.list().await.expect("blobs") {
        assert!(env.app.store.blob_in_use(&h).await.expect("in use"), "orphan file {h}");
    }
    for p in env.app.store.list_packages(beta.id).await.expect("packages") {
        for f in env
            .app
            .store
            .version_files(beta.id, &p.package_id, p.version)
            .await
            .expect("files")
        {
            assert!(
                env.app.blobs.exists(&f.sha256).await.expect("exists"),
                "shared file kept"
            );
        }
    }
    // The name stays reserved.
    assert!(
        archive::import(
            &*env.app.store,
            &env.app.blobs,
            &out,
            None,
            &env.app.data_dir().join("tmp")
        )
        .await
        .is_err()
    );
}

#[tokio::test]
async fn learner_erasure_over_the_admin_api() {
    let env = Env::start().await;
    let c = populate(&env).await;
    let ann = env
        .app
        .get("/api/v1/learners/ann")
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .json();
    let mut own = stmt("x", "did", "q");
    own["actor"] = ann["agent"].clone();
    let mut taught = stmt("b", "did", "q");
    taught["context"] = json!({"instructor": ann["agent"].clone()});
    let ids = env.app.store_statements(&c, &json!([own, taught])).await;
    let r = env
        .app
        .post("/api/v1/learners/ann/erase")
        .auth(&env.admin)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(r["erased"]["statements"], 1, "{r}");
    assert_eq!(r["erased"]["statements_anonymised"], 1, "{r}");
    assert_eq!(
        (r["erased"]["learners"].as_u64(), r["erased"]["attempts"].as_u64()),
        (Some(1), Some(1))
    );
    env.app
        .get(&format!("/xapi/statements?statementId={}", ids[0]))
        .auth(&c)
        .send()
        .await
        .expect(404);
    let kept = env
        .app
        .get(&format!("/xapi/statements?statementId={}", ids[1]))
        .auth(&c)
        .send()
        .await
        .expect(200);
    assert!(!kept.text().contains("Ann"), "{}", kept.text());
    env.app
        .get("/api/v1/learners/ann")
        .auth(&env.admin)
        .send()
        .await
        .expect(404);
    env.app
        .post("/api/v1/learners/ann/erase")
        .auth(&env.admin)
        .send()
        .await
        .expect(404);
}
