//! The routes the app origin's routers declare, read from their sources, so that the
//! isolation walk's table and the OpenAPI description (`openapi.rs`) cannot silently fall
//! behind the routers.

use std::collections::BTreeSet;
use std::path::Path;

/// The routes the app origin's routers declare, as (method, template): read from the
/// sources of `src/http` but the content origin's (`content/`, `runtime/`).
pub fn declared_routes() -> BTreeSet<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut out = BTreeSet::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src/http") {
            let path = entry.expect("entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if path.is_dir() && !["content", "runtime"].contains(&name) {
                dirs.push(path);
            } else if name.ends_with(".rs") {
                let text = std::fs::read_to_string(&path).expect("read source");
                out.extend(routes_in(&text));
            }
        }
    }
    out
}

/// `.route("template", get(..).post(..))` calls in one source file.
fn routes_in(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices(".route(") {
        let rest = &text[at + ".route(".len()..];
        let mut depth = 1usize;
        let end = rest
            .char_indices()
            .find(|(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(rest.len(), |(i, _)| i);
        let call = &rest[..end];
        let Some(template) = call.split('"').nth(1) else {
            continue;
        };
        for method in ["get", "post", "put", "delete", "patch", "any"] {
            let used = call.match_indices(&format!("{method}(")).any(|(i, _)| {
                let before = call[..i].chars().last().unwrap_or(' ');
                !before.is_alphanumeric() && before != '_'
            });
            if used {
                out.push((method.to_owned(), template.to_owned()));
            }
        }
    }
    out
}
