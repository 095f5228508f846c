//! The admin API (`/api/v1`): learners, registrations, launches, packages, audit,
//! reports, end clients and credentials with hostile ids (multi-byte, control
//! characters, traversal), bodies and paging parameters; package uploads of every
//! `fixtures/hostile` case and of damaged fixtures; and the account and operator routes.
//! The learner `ann` and the fixtures' packages are never deleted: they run the SCOs.

use axum::http::Method;
use kiroku::package::PackageLimits;
use serde_json::{Value, json};

use super::text::{NUMBERS, Rng, deep_text, flipped, hostile_id, hostile_path, hostile_text, path_id, pct, truncated};
use super::{Shot, Sweep, World};
use crate::packages::fixture;
use crate::packages::hostile::{
    MAX_ENTRIES, MAX_FILE_BYTES, MAX_RATIO, MAX_TOTAL_BYTES, MAX_UPLOAD_BYTES, MAX_XML_BYTES,
};

/// The limits `fixtures/hostile` is sized against.
pub fn limits() -> PackageLimits {
    PackageLimits {
        max_upload_bytes: MAX_UPLOAD_BYTES,
        max_entries: MAX_ENTRIES,
        max_file_bytes: MAX_FILE_BYTES,
        max_total_bytes: MAX_TOTAL_BYTES,
        max_ratio: MAX_RATIO,
        max_xml_bytes: MAX_XML_BYTES,
        ..PackageLimits::default()
    }
}

/// A learner id: one the sweep made, `ann`, or a hostile one.
fn learner(rng: &mut Rng, w: &World) -> String {
    match rng.below(4) {
        0 => w.learners[rng.below(w.learners.len())].clone(),
        _ => hostile_id(rng, "learner"),
    }
}

/// An id that may be deleted: never `ann`.
fn deletable(rng: &mut Rng, w: &World) -> String {
    let id = learner(rng, w);
    if id == "ann" { format!("{id}-not") } else { id }
}

fn json_body(rng: &mut Rng, good: Value) -> (String, Vec<u8>) {
    let text = good.to_string();
    let ct = "application/json".to_owned();
    match rng.below(10) {
        0 => (ct, truncated(rng, text.as_bytes())),
        1 => (ct, flipped(rng, text.as_bytes())),
        2 => (ct, deep_text(rng.pick(&[129, 10_000])).into_bytes()),
        3 => (ct, b"[]".to_vec()),
        4 => ("text/plain".into(), text.into_bytes()),
        _ => (ct, text.into_bytes()),
    }
}

/// One admin request.
pub async fn step(w: &mut World, s: &mut Sweep, rng: &mut Rng) {
    let admin = w.env.admin.clone();
    let (method, path, body): (Method, String, Option<(String, Vec<u8>)>) = match rng.below(20) {
        0 | 1 => {
            let id = learner(rng, w);
            let mut b = json!({"id": id, "name": hostile_text(rng, "Learner")});
            if rng.chance(40) {
                b["email"] = json!(hostile_text(rng, "a@example.com"));
            }
            if rng.chance(10) {
                b["endClient"] = json!(hostile_id(rng, "ec"));
            }
            (Method::POST, "/api/v1/learners".into(), Some(json_body(rng, b)))
        }
        2 => (Method::GET, "/api/v1/learners".into(), None),
        3 => {
            let id = learner(rng, w);
            (Method::GET, format!("/api/v1/learners/{}", path_id(rng, &id)), None)
        }
        4 => {
            let b = json!({"name": hostile_text(rng, "Renamed"), "email": hostile_text(rng, "b@example.com")});
            let id = deletable(rng, w);
            (
                Method::PUT,
                format!("/api/v1/learners/{}", path_id(rng, &id)),
                Some(json_body(rng, b)),
            )
        }
        5 => {
            let force = rng.pick(&["", "?force=true", "?force=yes", "?force=true&force=false"]);
            let id = deletable(rng, w);
            (
                Method::DELETE,
                format!("/api/v1/learners/{}{force}", path_id(rng, &id)),
                None,
            )
        }
        6 => {
            let id = deletable(rng, w);
            (
                Method::POST,
                format!("/api/v1/learners/{}/erase", path_id(rng, &id)),
                None,
            )
        }
        7 | 8 => {
            let package = w.packages[rng.below(w.packages.len())].clone();
            let mut b = json!({"learner": learner(rng, w), "packageId": package});
            if rng.chance(40) {
                b["version"] = serde_json::from_str(rng.pick(NUMBERS)).unwrap_or(json!("x"));
            }
            if rng.chance(20) {
                b["packageId"] = json!(hostile_id(rng, &package));
            }
            (Method::POST, "/api/v1/registrations".into(), Some(json_body(rng, b)))
        }
        9 => {
            let mut q = form_urlencoded::Serializer::new(String::new());
            for k in ["learner", "packageId", "endClient", "unknown"] {
                if rng.chance(40) {
                    q.append_pair(k, &hostile_id(rng, "ann"));
                }
            }
            let base = rng.pick(&["/api/v1/registrations", "/api/v1/reports/registrations"]);
            (Method::GET, format!("{base}?{}", q.finish()), None)
        }
        10 => {
            let id = match rng.below(3) {
                0 => w.registrations[rng.below(w.registrations.len())].clone(),
                _ => hostile_id(rng, "reg"),
            };
            if rng.chance(50) {
                (
                    Method::GET,
                    format!("/api/v1/registrations/{}", path_id(rng, &id)),
                    None,
                )
            } else {
                let b = json!({"item": hostile_id(rng, "ITEM-LIGHT")});
                let path = format!("/api/v1/registrations/{}/launch", path_id(rng, &id));
                (Method::POST, path, Some(json_body(rng, b)))
            }
        }
        11 => {
            let package = w.packages[rng.below(w.packages.len())].clone();
            let mut b = json!({"learner": learner(rng, w)});
            if rng.chance(30) {
                b["version"] = serde_json::from_str(rng.pick(NUMBERS)).unwrap_or(json!(null));
            }
            if rng.chance(30) {
                b["item"] = json!(hostile_id(rng, "ITEM-LIGHT"));
            }
            let id = if rng.chance(70) {
                pct(&package)
            } else {
                hostile_path(rng, &package)
            };
            (
                Method::POST,
                format!("/api/v1/packages/{id}/launch"),
                Some(json_body(rng, b)),
            )
        }
        12 => {
            let package = w.packages[rng.below(w.packages.len())].clone();
            let b = json!({
                "learner": {"id": learner(rng, w), "name": hostile_text(rng, "Lms Learner"), "email": hostile_text(rng, "c@example.com")},
                "packageId": if rng.chance(80) { package } else { hostile_id(rng, "pkg") },
                "item": if rng.chance(30) { json!(hostile_id(rng, "ITEM-CALVIN")) } else { Value::Null },
            });
            (Method::POST, "/api/v1/launch".into(), Some(json_body(rng, b)))
        }
        13 => {
            let package = w.packages[rng.below(w.packages.len())].clone();
            let q = rng.pick(&[
                "",
                "?version=1",
                "?version=0",
                "?version=-1",
                "?version=4294967296",
                "?version=x",
            ]);
            let id = if rng.chance(50) {
                pct(&package)
            } else {
                hostile_path(rng, "pkg")
            };
            (Method::GET, format!("/api/v1/packages/{id}{q}"), None)
        }
        14 => {
            // Never the fixtures' packages: their registrations run the SCOs.
            let id = hostile_path(rng, "pkg");
            let force = rng.pick(&["", "?force=true"]);
            (Method::DELETE, format!("/api/v1/packages/{id}{force}"), None)
        }
        15 => {
            let mut q = form_urlencoded::Serializer::new(String::new());
            if rng.chance(50) {
                q.append_pair(
                    "since",
                    rng.pick(&[
                        "2024-01-01T00:00:00Z",
                        "9999-12-31T23:59:59Z",
                        "x",
                        "+10000-01-01T00:00:00Z",
                        "0000-01-01T00:00:00Z",
                    ]),
                );
            }
            if rng.chance(50) {
                q.append_pair("after", rng.pick(NUMBERS));
            }
            if rng.chance(50) {
                q.append_pair("limit", rng.pick(NUMBERS));
            }
            (Method::GET, format!("/api/v1/audit?{}", q.finish()), None)
        }
        16 => {
            let b = json!({"id": hostile_id(rng, "ec"), "name": hostile_text(rng, "End client")});
            if rng.chance(50) {
                (Method::POST, "/api/v1/end-clients".into(), Some(json_body(rng, b)))
            } else {
                let m = rng.pick(&[Method::GET, Method::DELETE]).clone();
                (m, format!("/api/v1/end-clients/{}", hostile_path(rng, "ec")), None)
            }
        }
        17 => {
            if rng.chance(50) {
                let b = json!({"scopes": [hostile_text(rng, "statements/read")], "label": hostile_text(rng, "label")});
                (Method::POST, "/api/v1/credentials".into(), Some(json_body(rng, b)))
            } else {
                (
                    Method::DELETE,
                    format!("/api/v1/credentials/{}", hostile_path(rng, "key")),
                    None,
                )
            }
        }
        18 => (
            Method::GET,
            (rng.pick(&[
                "/api/v1/storage",
                "/api/v1/packages",
                "/api/v1/end-clients",
                "/api/v1/credentials",
            ]))
            .to_owned(),
            None,
        ),
        _ => {
            let path = rng.pick(&[
                "/api/v1/../v1/learners",
                "/api/v1/learners/%2e%2e",
                "/api/v1/learners/a%2Fb",
                "/api/v1//learners",
                "/api/v2/learners",
                "/api/v1/learners/%FF",
                "/api/v1/learners/%00",
            ]);
            (Method::GET, path.to_owned(), None)
        }
    };
    let mut shot = Shot::new("admin", method.clone(), w.url(&path)).auth(&admin);
    if rng.chance(5) {
        shot = shot.header("x-kiroku-tenant", &hostile_id(rng, "acme"));
    }
    if let Some((ct, b)) = body {
        shot = shot.body(&ct, b);
    }
    let created = method == Method::POST && path == "/api/v1/learners";
    let sent_body = shot.body.clone();
    if let Some(a) = s.send(shot).await
        && a.status == 201
        && created
        && let Ok(b) = serde_json::from_slice::<Value>(&sent_body)
        && let Some(id) = b["id"].as_str()
        && w.learners.len() < 200
    {
        w.learners.push(id.to_owned());
    }
}

/// `POST /api/v1/packages`: every hostile case in turn, and damaged fixtures.
pub async fn upload(w: &mut World, s: &mut Sweep, rng: &mut Rng) {
    let bytes = match rng.below(3) {
        0 | 1 => w.zips[rng.below(w.zips.len())].clone(),
        _ => {
            let good = fixture::package(rng.pick(&["scorm12-single-sco", "tincan-two-activities"]));
            if rng.chance(50) {
                flipped(rng, &good)
            } else {
                truncated(rng, &good)
            }
        }
    };
    let url = w.url("/api/v1/packages");
    let shot = Shot::new("upload", Method::POST, url).auth(&w.env.admin);
    let shot = match rng.below(4) {
        0 => {
            let boundary = rng.pick(&["sweep-upload", "", "a\"b", "x"]);
            let mut body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.zip\"\r\nContent-Type: application/zip\r\n\r\n"
            )
            .into_bytes();
            body.extend_from_slice(&bytes);
            if rng.chance(70) {
                body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            }
            shot.body(&format!("multipart/form-data; boundary={boundary}"), body)
        }
        1 => shot.body(
            rng.pick(&["application/octet-stream", "text/plain", "application/x-zip-compressed"]),
            bytes,
        ),
        _ => shot.body("application/zip", bytes),
    };
    s.send(shot).await;
}

/// Sign-in, session, tokens, accounts and the operator API, with hostile bodies and
/// credentials (none of these is configured for the sweep's tenant).
pub async fn accounts(w: &mut World, s: &mut Sweep, rng: &mut Rng) {
    let (method, path) = rng
        .pick(&[
            (Method::POST, "/api/auth/login"),
            (Method::GET, "/api/auth/session"),
            (Method::POST, "/api/auth/logout"),
            (Method::POST, "/api/auth/password"),
            (Method::GET, "/api/auth/tokens"),
            (Method::GET, "/api/accounts"),
            (Method::GET, "/api/operator/v1/tenants"),
            (Method::GET, "/api/operator/v1/tenants/acme"),
            (Method::POST, "/api/operator/v1/tenants"),
            (Method::GET, "/admin/"),
            (Method::GET, "/admin/admin.js"),
        ])
        .clone();
    let mut shot = Shot::new("accounts", method, w.url(path));
    let b = json!({"login": hostile_id(rng, "admin@example.com"), "password": hostile_text(rng, "password")});
    let (ct, body) = json_body(rng, b);
    shot = shot.body(&ct, body);
    shot = match rng.below(5) {
        0 => shot.header("authorization", &format!("Bearer kiroku_at_{}", hostile_text(rng, "x"))),
        1 => shot.header("cookie", &format!("kiroku_session={}", hostile_text(rng, "abc"))),
        2 => shot.auth(&w.env.admin),
        3 => shot.header("x-csrf-token", &hostile_text(rng, "t")),
        _ => shot,
    };
    s.send(shot).await;
}
