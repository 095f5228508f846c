//! ARCHITECTURE.md is the map of the code: every file under `src/` is named in it. A file
//! `src/…/<parent>/<name>` is named when one paragraph of the document holds both
//! `<parent>/` and `<name>` (a `mod.rs` when one holds `<parent>/`; a file directly in
//! `src/` when one holds its name).

use std::path::{Path, PathBuf};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Paragraphs: a top-level bullet with its continuation lines, or a block between blank lines.
fn paragraphs(doc: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    for line in doc.lines() {
        if line.trim().is_empty() || line.starts_with("- ") || line.starts_with('#') {
            out.push(String::new());
        }
        if let Some(last) = out.last_mut() {
            last.push_str(line);
            last.push('\n');
        }
    }
    out
}

/// What one paragraph must hold for `rel` (a path relative to `src/`) to be named.
fn needles(rel: &Path) -> Vec<String> {
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
    let parent = rel
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .map(|p| format!("{p}/"));
    match (parent, name.as_str()) {
        (None, _) => vec![name],
        (Some(p), "mod.rs") => vec![p],
        (Some(p), _) => vec![p, name],
    }
}

#[test]
fn every_file_under_src_is_named_in_architecture_md() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let paragraphs = paragraphs(&doc);
    let mut files = Vec::new();
    files_under(&root.join("src"), &mut files);
    let missing: Vec<String> = files
        .iter()
        .filter_map(|f| f.strip_prefix(root.join("src")).ok())
        .filter(|rel| {
            let needles = needles(rel);
            !paragraphs
                .iter()
                .any(|p| needles.iter().all(|n| p.contains(n.as_str())))
        })
        .map(|rel| format!("src/{}", rel.display()))
        .collect();
    assert!(missing.is_empty(), "not named in ARCHITECTURE.md: {missing:#?}");
}

#[test]
fn no_merge_leftovers_are_committed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    files_under(&root.join("src"), &mut files);
    let leftovers: Vec<&PathBuf> = files
        .iter()
        .filter(|f| {
            f.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| ["orig", "rej", "bak"].contains(&e))
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Error statuses (4xx, 5xx) are decided in one place, `src/http/error.rs`: no other file
/// of the HTTP edge names one.
#[test]
fn every_error_status_is_decided_in_http_error_rs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    files_under(&root.join("src/http"), &mut files);
    let mut found = Vec::new();
    for f in files.iter().filter(|f| !f.ends_with("http/error.rs")) {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let names_error = line.match_indices("StatusCode::").any(|(i, m)| {
                let name: String = line
                    .get(i + m.len()..)
                    .unwrap_or_default()
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                    .collect();
                !matches!(
                    name.as_str(),
                    "OK" | "CREATED" | "NO_CONTENT" | "PARTIAL_CONTENT" | "NOT_MODIFIED" | "SEE_OTHER" | "FOUND"
                )
            });
            if names_error || line.contains("StatusCode::from_u16") {
                found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "error statuses outside http/error.rs: {found:#?}");
}
