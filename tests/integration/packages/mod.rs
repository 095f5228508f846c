//! Packages end to end: import of every fixture (raw zip, multipart, CLI), versions,
//! deletion and shared content, every hostile upload refused with storage untouched,
//! delivery on the content origin, and launch grant enforcement.

mod bare_cmi5;
mod cli;
mod delivery;
mod expect;
pub(crate) mod fixture;
mod grants;
mod gunzip;
#[path = "../../../fixtures/hostile/mod.rs"]
pub(crate) mod hostile;
mod import;
mod quirks;
mod refusals;
mod versions;

use std::collections::BTreeSet;
use std::path::Path;

use axum::http::Method;
use kiroku::blob::BlobStore;
use kiroku::tenant::Scope;
use serde_json::{Value, json};

use crate::support::{Builder, Cred, Req, Resp, Tenant, TestApp};

/// Boundary of the multipart uploads.
const BOUNDARY: &str = "kiroku-test-boundary-7MA4YWxkTrZu0gW";

/// A server with one tenant and a credential holding the `admin` scope.
pub struct Env {
    pub app: TestApp,
    pub tenant: Tenant,
    pub admin: Cred,
}

impl Env {
    pub async fn start() -> Self {
        Self::with(TestApp::builder()).await
    }

    pub async fn with(builder: Builder) -> Self {
        let app = builder.start().await;
        let tenant = app.tenant("acme").await;
        let admin = app.credential(&tenant, &[Scope::Admin]).await;
        Self { app, tenant, admin }
    }

    /// Another tenant of the same server, with its admin credential.
    pub async fn other_tenant(&self, name: &str) -> Cred {
        let t = self.app.tenant(name).await;
        self.app.credential(&t, &[Scope::Admin]).await
    }

    /// `POST /api/v1/packages` with the zip as an `application/zip` body.
    pub async fn upload(&self, zip: &[u8]) -> Resp {
        self.upload_as(&self.admin, zip).await
    }

    pub async fn upload_as(&self, cred: &Cred, zip: &[u8]) -> Resp {
        self.app
            .post("/api/v1/packages")
            .auth(cred)
            .body("application/zip", zip.to_vec())
            .send()
            .await
    }

    /// `POST /api/v1/packages` with the zip as the file field of a `multipart/form-data` body.
    pub async fn upload_form(&self, zip: &[u8]) -> Resp {
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        self.app
            .post("/api/v1/packages")
            .auth(&self.admin)
            .body(&content_type, multipart(zip))
            .send()
            .await
    }

    /// Imports a zip that must be accepted; returns the answer.
    pub async fn import(&self, zip: &[u8]) -> Value {
        self.upload(zip).await.expect(201).json()
    }

    /// Imports a fixture; returns the answer.
    pub async fn import_fixture(&self, name: &str) -> Value {
        self.import(&fixture::package(name)).await
    }

    pub async fn get_api(&self, path: &str) -> Resp {
        self.app.get(path).auth(&self.admin).send().await
    }

    /// Creates learner `learner` and registers them on the package's newest version;
    /// answers the registration id.
    pub async fn register(&self, learner: &str, package_id: &str) -> String {
        let learner_body = serde_json::json!({ "id": learner, "name": "Ann" });
        self.app
            .post("/api/v1/learners")
            .auth(&self.admin)
            .json(&learner_body)
            .send()
            .await
            .expect(201);
        let reg = self
            .app
            .post("/api/v1/registrations")
            .auth(&self.admin)
            .json(&serde_json::json!({ "learner": learner, "packageId": package_id }))
            .send()
            .await
            .expect(201)
            .json();
        str_of(&reg, "id").to_owned()
    }

    /// `POST /api/v1/packages/{id}/launch`, which must succeed.
    pub async fn launch(&self, package_id: &str, body: Value) -> Value {
        self.launch_as(&self.admin, package_id, body).await.expect(200).json()
    }

    pub async fn launch_as(&self, cred: &Cred, package_id: &str, body: Value) -> Resp {
        let path = format!("/api/v1/packages/{package_id}/launch");
        self.app.post(&path).auth(cred).json(&body).send().await
    }

    /// The content base URL (ending in '/') of a launch for learner "ann".
    pub async fn content_base(&self, package_id: &str) -> String {
        let l = self.launch(package_id, json!({"learner": "ann"})).await;
        l["contentBase"].as_str().expect("contentBase").to_owned()
    }

    /// A request to a URL of the content origin.
    pub fn content(&self, method: Method, url: &str) -> Req<'_> {
        self.app.request(method, url)
    }

    pub async fn fetch(&self, url: &str) -> Resp {
        self.content(Method::GET, url).send().await
    }

    /// Everything a refused upload must leave as it was.
    pub async fn snapshot(&self) -> Snapshot {
        Snapshot {
            packages: self.get_api("/api/v1/packages").await.expect(200).json(),
            storage: self.get_api("/api/v1/storage").await.expect(200).json(),
            blobs: self.app.blobs.list().await.expect("list blobs"),
            files: files_under(self.app.data_dir()),
            work: entries_under(&self.app.data_dir().join("work")),
        }
    }
}

/// What a tenant and the server's folders look like.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub packages: Value,
    pub storage: Value,
    pub blobs: Vec<String>,
    /// Every file of the data folder but the database's own.
    pub files: BTreeSet<String>,
    /// Every file and folder in the work folder (uploads and staging).
    pub work: BTreeSet<String>,
}

fn multipart(zip: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nuploaded by the tests\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"course.zip\"\r\n\
         Content-Type: application/zip\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(zip);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn walk(root: &Path, dir: &Path, dirs_too: bool, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.map_while(Result::ok) {
        let path = e.path();
        let rel = path
            .strip_prefix(root)
            .expect("under root")
            .to_string_lossy()
            .into_owned();
        if path.is_dir() {
            if dirs_too {
                out.insert(format!("{rel}/"));
            }
            walk(root, &path, dirs_too, out);
        } else {
            out.insert(rel);
        }
    }
}

/// Files under `root` (relative paths), the SQLite database files left out.
pub fn files_under(root: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    walk(root, root, false, &mut out);
    out.retain(|f| !f.starts_with("kiroku.db"));
    out
}

/// Files and folders under `root`.
pub fn entries_under(root: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    walk(root, root, true, &mut out);
    out
}

/// The `error` object of a refusal, after checking the status.
#[track_caller]
pub fn refusal(resp: Resp, status: u16) -> Value {
    let v = resp.expect(status).json();
    assert_eq!(v["error"]["code"], json!(status), "error.code: {v}");
    v["error"].clone()
}

pub fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("no string {key:?} in {v}"))
}
