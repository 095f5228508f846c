//! The OpenAPI description at `/api/openapi.json` (`src/http/openapi.json`), checked
//! against the routers: it is served as OpenAPI 3.1 with every `$ref` resolving inside it,
//! it describes exactly the `/api/` routes the routers' sources declare (read as the
//! isolation walk reads them), and every operation has a success answer, declares the
//! parameters of its path and names security schemes that exist.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::accounts::isolation::coverage::declared_routes;
use crate::support::TestApp;

/// The methods an OpenAPI path item may hold that axum routes declare.
const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// The document as written in the source tree: the bytes the binary embeds.
fn document() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http/openapi.json");
    let text = std::fs::read_to_string(&path).expect("read src/http/openapi.json");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("src/http/openapi.json is not JSON: {e}"))
}

/// Every operation: (method, path template, operation, the path item's own parameters).
fn operations(doc: &Value) -> Vec<(String, String, &Value, &Value)> {
    let paths = doc["paths"].as_object().expect("paths is an object");
    let mut out = Vec::new();
    for (template, item) in paths {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((method.to_owned(), template.clone(), op, &item["parameters"]));
            }
        }
    }
    out
}

/// Every `$ref` in `v`, with where it sits.
fn refs<'a>(v: &'a Value, at: &str, out: &mut Vec<(String, &'a str)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                if let ("$ref", Value::String(target)) = (k.as_str(), child) {
                    out.push((at.to_owned(), target.as_str()));
                }
                refs(child, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                refs(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// `v`, or what it refers to when it is a reference inside `doc`.
fn resolved<'a>(doc: &'a Value, v: &'a Value) -> Option<&'a Value> {
    match v.get("$ref").and_then(Value::as_str) {
        Some(target) => doc.pointer(target.strip_prefix('#')?),
        None => Some(v),
    }
}

#[tokio::test]
async fn the_description_is_served_as_openapi_3_1_with_every_reference_resolved() {
    let app = TestApp::start().await;
    let r = app.get("/api/openapi.json").send().await.expect(200);
    assert!(
        r.header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "content type: {:?}",
        r.header("content-type")
    );
    assert!(
        r.header("cache-control").is_some_and(|c| c.contains("public")),
        "cache-control: {:?}",
        r.header("cache-control")
    );
    let mut doc = r.json();
    assert_eq!(doc["servers"][0]["url"], app.url(""), "servers names the public URL");
    let mut written = document();
    written["servers"] = Value::Null;
    doc["servers"] = Value::Null;
    assert!(doc == written, "the served document is not src/http/openapi.json");
    let version = doc["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3.1."), "openapi is {version:?}, not 3.1.x");
    let mut all = Vec::new();
    refs(&doc, "#", &mut all);
    assert!(all.len() > 50, "hardly any references: {all:?}");
    let broken: Vec<_> = all
        .iter()
        .filter(|(_, target)| {
            target
                .strip_prefix('#')
                .is_none_or(|pointer| doc.pointer(pointer).is_none())
        })
        .collect();
    assert!(broken.is_empty(), "references that resolve to nothing: {broken:#?}");
}

#[test]
fn the_description_names_every_api_route_and_no_other() {
    let declared: BTreeSet<(String, String)> = declared_routes()
        .into_iter()
        .filter(|(_, template)| template.starts_with("/api/"))
        .collect();
    assert!(declared.len() > 40, "the routers' sources were not found: {declared:?}");
    let doc = document();
    let described: BTreeSet<(String, String)> = operations(&doc)
        .into_iter()
        .map(|(method, template, _, _)| (method, template))
        .collect();
    let missing: Vec<_> = declared.difference(&described).collect();
    let extra: Vec<_> = described.difference(&declared).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "src/http/openapi.json and the routers differ:\n  routes not described: {missing:#?}\n  \
         described but not routed: {extra:#?}"
    );
}

#[test]
fn every_operation_answers_a_success_and_declares_its_path_parameters() {
    let doc = document();
    let mut faults = Vec::new();
    for (method, template, op, shared) in operations(&doc) {
        let at = format!("{} {template}", method.to_uppercase());
        let responses = op["responses"].as_object().map(|r| r.keys().collect::<Vec<_>>());
        if !responses.is_some_and(|codes| codes.iter().any(|c| c.starts_with('2'))) {
            faults.push(format!("{at}: no 2xx response"));
        }
        let in_template: BTreeSet<&str> = template
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        let mut declared = BTreeSet::new();
        let listed = [shared, &op["parameters"]];
        for p in listed.iter().filter_map(|l| l.as_array()).flatten() {
            let Some(p) = resolved(&doc, p) else {
                faults.push(format!("{at}: a parameter's reference resolves to nothing"));
                continue;
            };
            if p["in"] == "path" {
                if p["required"] != true {
                    faults.push(format!("{at}: path parameter {} is not required", p["name"]));
                }
                declared.insert(p["name"].as_str().unwrap_or_default());
            }
        }
        if declared != in_template {
            faults.push(format!(
                "{at}: the path names {in_template:?}, the parameters declare {declared:?}"
            ));
        }
        if op["summary"].as_str().is_none_or(str::is_empty) || op["description"].as_str().is_none_or(str::is_empty) {
            faults.push(format!("{at}: no summary or no description"));
        }
        let Some(requirements) = op["security"].as_array() else {
            faults.push(format!("{at}: no security requirements"));
            continue;
        };
        let schemes = &doc["components"]["securitySchemes"];
        for name in requirements.iter().filter_map(Value::as_object).flat_map(|r| r.keys()) {
            if schemes.get(name).is_none() {
                faults.push(format!("{at}: security scheme {name:?} is not in components"));
            }
        }
    }
    assert!(faults.is_empty(), "operations at fault:\n{}", faults.join("\n"));
}
