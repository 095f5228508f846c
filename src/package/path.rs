//! Paths inside a package: zip entry names checked and normalized, so that every stored
//! path is relative, `/`-separated, free of `.`/`..` and control characters.

/// Checks a zip entry name and returns it normalized (no trailing slash), or the reason
/// it is refused.
pub fn normalize_entry(raw: &str) -> Result<String, &'static str> {
    if raw.contains('\\') {
        return Err("backslash in the name");
    }
    if raw.starts_with('/') {
        return Err("absolute path");
    }
    let b = raw.as_bytes();
    if let [drive, b':', ..] = b
        && drive.is_ascii_alphabetic()
    {
        return Err("drive letter");
    }
    if raw.chars().any(char::is_control) {
        return Err("control character in the name");
    }
    let mut parts = Vec::new();
    for part in raw.trim_end_matches('/').split('/') {
        match part {
            "" => return Err("empty path component"),
            "." => {}
            ".." => return Err("parent directory component (..)"),
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err("empty name");
    }
    Ok(parts.join("/"))
}

/// The folder part of a normalized path, with a trailing slash ("" at the root).
pub fn parent_folder(path: &str) -> &str {
    // `/` is one byte: the folder ends right after it, on a character boundary.
    path.rfind('/').and_then(|i| path.get(..=i)).unwrap_or("")
}

/// Percent-encodes a path for a URL, keeping `/` and the characters paths allow.
pub fn encode_for_url(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names() {
        assert_eq!(normalize_entry("a/b.html"), Ok("a/b.html".into()));
        assert_eq!(normalize_entry("./a/b/"), Ok("a/b".into()));
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "C:/x",
            "a\\b",
            "a//b",
            "a/\u{0}b",
            "",
        ] {
            assert!(normalize_entry(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parent_folder("a/b/c.xml"), "a/b/");
        assert_eq!(parent_folder("c.xml"), "");
    }
}
