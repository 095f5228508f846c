//! State, Activity Profile and Agent Profile: writes, merges, ETags and preconditions,
//! id lists with `since`, deletes. Most tests run once per resource.

use std::time::Duration;

use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use crate::data::{activity, agent_param, mbox, q};
use crate::support::{Cred, Resp, TestApp};

/// One document resource and the parameters that scope it.
#[derive(Debug, Clone, Copy)]
pub struct Res {
    pub path: &'static str,
    pub id_param: &'static str,
    pub activity: bool,
    pub agent: bool,
}

pub const STATE: Res = Res {
    path: "/xapi/activities/state",
    id_param: "stateId",
    activity: true,
    agent: true,
};
pub const ACTIVITY_PROFILE: Res = Res {
    path: "/xapi/activities/profile",
    id_param: "profileId",
    activity: true,
    agent: false,
};
pub const AGENT_PROFILE: Res = Res {
    path: "/xapi/agents/profile",
    id_param: "profileId",
    activity: false,
    agent: true,
};
pub const ALL: [Res; 3] = [STATE, ACTIVITY_PROFILE, AGENT_PROFILE];

impl Res {
    /// The URL of document `id` (or of the id list when `None`) plus `extra` params.
    pub fn url(&self, id: Option<&str>, extra: &[(&str, &str)]) -> String {
        let (act, who) = (activity("doc-activity"), agent_param("doc-owner"));
        let mut p: Vec<(&str, &str)> = Vec::new();
        if self.activity {
            p.push(("activityId", &act));
        }
        if self.agent {
            p.push(("agent", &who));
        }
        if let Some(id) = id {
            p.push((self.id_param, id));
        }
        p.extend_from_slice(extra);
        q(self.path, &p)
    }
}

pub fn quoted_sha1(body: &[u8]) -> String {
    let hex: String = Sha1::digest(body).iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Creates document `id` as JSON (`If-None-Match: *`), returning its ETag.
pub async fn create(app: &TestApp, c: &Cred, res: Res, id: &str, doc: &Value) -> String {
    let r = app
        .put(&res.url(Some(id), &[]))
        .auth(c)
        .header("if-none-match", "*")
        .json(doc);
    r.send().await.expect(204);
    quoted_sha1(doc.to_string().as_bytes())
}

pub async fn fetch(app: &TestApp, c: &Cred, res: Res, id: &str) -> Resp {
    app.get(&res.url(Some(id), &[])).auth(c).send().await
}

#[tokio::test]
async fn put_get_and_preconditions() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    for res in ALL {
        let (v1, v2) = (json!({ "v": 1 }), json!({ "v": 2 }));
        let missing = app
            .put(&res.url(Some("d"), &[]))
            .auth(&c)
            .header("if-match", &quoted_sha1(b"{}"));
        missing.json(&v1).send().await.expect(412);
        fetch(&app, &c, res, "d").await.expect(404);
        let tag = create(&app, &c, res, "d", &v1).await;
        let got = fetch(&app, &c, res, "d").await.expect(200);
        assert_eq!(got.json(), v1, "{res:?}");
        assert_eq!(got.header("content-type"), Some("application/json"));
        assert_eq!(got.header("etag"), Some(tag.as_str()), "ETag is the quoted SHA-1");
        assert!(got.header("last-modified").is_some());
        let put = || app.put(&res.url(Some("d"), &[])).auth(&c).json(&v2);
        put().header("if-none-match", "*").send().await.expect(412);
        let conflict = put().send().await.expect(409);
        assert!(!conflict.message().is_empty(), "409 explains itself");
        put().header("if-match", "\"1234\"").send().await.expect(412);
        assert_eq!(
            fetch(&app, &c, res, "d").await.json(),
            v1,
            "{res:?}: rejected writes change nothing"
        );
        put().header("if-match", &tag).send().await.expect(204);
        assert_eq!(fetch(&app, &c, res, "d").await.json(), v2);
    }
}

#[tokio::test]
async fn put_without_preconditions_follows_the_version_rules() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    let doc = json!({ "k": "v" });
    for (res, new, existing_103, existing_200) in [(STATE, 204, 204, 409), (ACTIVITY_PROFILE, 400, 409, 409)] {
        let put = |id: &str, v: &str| app.put(&res.url(Some(id), &[])).auth(&c).version(v).json(&doc);
        assert_eq!(put("new", "2.0.0").send().await.status.as_u16(), new, "{res:?} new");
        create(&app, &c, res, "old", &doc).await;
        assert_eq!(
            put("old", "1.0.3").send().await.status.as_u16(),
            existing_103,
            "{res:?} 1.0.3"
        );
        assert_eq!(
            put("old", "2.0.0").send().await.status.as_u16(),
            existing_200,
            "{res:?} 2.0.0"
        );
    }
}

#[tokio::test]
async fn post_merges_json_objects_and_refuses_the_rest() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    for res in ALL {
        let post = |ct: &str, body: &str| app.post(&res.url(Some("m"), &[])).auth(&c).body(ct, body.to_owned());
        post("application/json", r#"{"car":"Honda","n":1}"#)
            .send()
            .await
            .expect(204);
        post("application/json", r#"{"type":"Civic","n":{"x":2}}"#)
            .send()
            .await
            .expect(204);
        let want = json!({ "car": "Honda", "type": "Civic", "n": { "x": 2 } });
        assert_eq!(fetch(&app, &c, res, "m").await.json(), want, "{res:?}");
        for (ct, body) in [
            ("text/plain", "abc"),
            ("application/json", "{\"a\":1}{"),
            ("application/json", "[1]"),
        ] {
            let r = post(ct, body).send().await;
            assert_eq!(r.status.as_u16(), 400, "{res:?} merge {ct} {body}: {}", r.text());
        }
        post("application/json", "{\"z\":1}")
            .header("if-match", "\"0000\"")
            .send()
            .await
            .expect(412);
        assert_eq!(fetch(&app, &c, res, "m").await.json(), want, "{res:?}: nothing changed");
        let raw = app
            .put(&res.url(Some("raw"), &[]))
            .auth(&c)
            .header("if-none-match", "*");
        raw.body("application/octet-stream", b"\x00\x01 / asdf / undefined".to_vec())
            .send()
            .await
            .expect(204);
        let r = app
            .post(&res.url(Some("raw"), &[]))
            .auth(&c)
            .json(&json!({ "a": 1 }))
            .send()
            .await;
        r.expect(400);
        let got = fetch(&app, &c, res, "raw").await.expect(200);
        assert_eq!(&got.body[..], b"\x00\x01 / asdf / undefined");
        assert_eq!(got.header("content-type"), Some("application/octet-stream"));
    }
}

#[tokio::test]
async fn id_lists_honour_since() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    for res in ALL {
        create(&app, &c, res, "first", &json!({})).await;
        tokio::time::sleep(Duration::from_millis(5)).await;
        let between = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        tokio::time::sleep(Duration::from_millis(5)).await;
        create(&app, &c, res, "second", &json!({})).await;
        let ids = |extra: Vec<(&'static str, String)>| {
            let p: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.get(&res.url(None, &p)).auth(&c).send()
        };
        assert_eq!(
            ids(vec![]).await.expect(200).json(),
            json!(["first", "second"]),
            "{res:?}"
        );
        assert_eq!(
            ids(vec![("since", between.clone())]).await.expect(200).json(),
            json!(["second"])
        );
        ids(vec![("since", "yesterday".into())]).await.expect(400);
        let with_id = res.url(Some("first"), &[("since", &between)]);
        app.get(&with_id).auth(&c).send().await.expect(400);
    }
}

#[tokio::test]
async fn delete_honours_if_match() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    for res in ALL {
        let tag = create(&app, &c, res, "d", &json!({ "x": 1 })).await;
        let del = || app.delete(&res.url(Some("d"), &[])).auth(&c);
        del().header("if-match", "\"1111\"").send().await.expect(412);
        fetch(&app, &c, res, "d").await.expect(200);
        del().header("if-match", &tag).send().await.expect(204);
        fetch(&app, &c, res, "d").await.expect(404);
        del().send().await.expect(204);
    }
}

#[tokio::test]
async fn deleting_all_states_keeps_other_scopes() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    for id in ["s1", "s2"] {
        create(&app, &c, STATE, id, &json!({})).await;
    }
    let reg = crate::data::uuid();
    let with_reg = STATE.url(Some("s3"), &[("registration", &reg)]);
    app.put(&with_reg).auth(&c).json(&json!({})).send().await.expect(204);
    let other = other_agent_state(&app, &c).await;
    app.delete(&STATE.url(None, &[])).auth(&c).send().await.expect(204);
    let list = app.get(&STATE.url(None, &[])).auth(&c).send().await.expect(200);
    assert_eq!(list.json(), json!([]));
    app.get(&with_reg).auth(&c).send().await.expect(200);
    app.get(&other).auth(&c).send().await.expect(200);
    app.delete(&STATE.url(None, &[("registration", &reg)]))
        .auth(&c)
        .send()
        .await
        .expect(204);
    app.get(&with_reg).auth(&c).send().await.expect(404);
}

async fn other_agent_state(app: &TestApp, c: &Cred) -> String {
    let url = q(
        STATE.path,
        &[
            ("activityId", &activity("doc-activity")),
            ("agent", &agent_param("someone-else")),
            ("stateId", "s1"),
        ],
    );
    app.put(&url).auth(c).json(&json!({})).send().await.expect(204);
    url
}

#[tokio::test]
async fn agents_are_matched_by_their_identifier_only() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    create(&app, &c, AGENT_PROFILE, "p", &json!({ "a": 1 })).await;
    let named = json!({ "objectType": "Agent", "name": "Another Name", "mbox": mbox("doc-owner") });
    let url = q(AGENT_PROFILE.path, &[("agent", &named.to_string()), ("profileId", "p")]);
    assert_eq!(
        app.get(&url).auth(&c).send().await.expect(200).json(),
        json!({ "a": 1 })
    );
}

#[tokio::test]
async fn head_on_documents_has_no_body() {
    let app = TestApp::start().await;
    let c = app.tenant_cred("t").await;
    for res in ALL {
        create(&app, &c, res, "h", &json!({ "h": true })).await;
        for url in [res.url(Some("h"), &[]), res.url(None, &[])] {
            let r = app
                .req(axum::http::Method::HEAD, &url)
                .auth(&c)
                .send()
                .await
                .expect(200);
            assert!(r.body.is_empty(), "{url}");
        }
    }
}
