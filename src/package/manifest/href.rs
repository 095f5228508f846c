//! Turning an href as written in a manifest into a [`LaunchHref`]: the manifest's folder
//! and every `xml:base` applied, backslashes read as '/', the query split off, the
//! fragment dropped, percent-escapes decoded, "." and ".." resolved, and nothing allowed
//! to climb out of the package.
//!
//! An `xml:base` without a trailing slash is read as a folder (`xml:base="sco1"` means
//! `sco1/`): that is what authors mean, though RFC 3986 would drop the last segment.

use crate::package::model::LaunchHref;

/// Why an href cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum HrefError {
    Empty,
    Escapes,
    DriveLetter,
    BadEscape,
}

impl HrefError {
    pub fn message(&self, href: &str) -> String {
        let why = match self {
            Self::Empty => "names no file",
            Self::Escapes => "climbs out of the package",
            Self::DriveLetter => "is a Windows path",
            Self::BadEscape => "has a percent-escape that is not UTF-8 text",
        };
        format!("href {href:?} {why}")
    }
}

/// The folder of the manifest (`"course/imsmanifest.xml"` → `"course/"`), the base of
/// every relative href in it.
pub(super) fn folder_of(manifest_path: &str) -> String {
    let path = manifest_path.replace('\\', "/");
    path.rsplit_once('/')
        .map_or_else(String::new, |(folder, _)| format!("{folder}/"))
}

/// Resolves `href` against `bases`, outermost first (the manifest folder, then each
/// `xml:base` from the outside in).
pub(super) fn resolve(bases: &[&str], href: &str) -> Result<LaunchHref, HrefError> {
    let href = href.trim();
    if is_absolute(href) {
        return Ok(LaunchHref::Absolute(href.to_owned()));
    }
    let href = href.replace('\\', "/");
    let (without_fragment, fragment) = match href.split_once('#') {
        Some((h, f)) => (h, (!f.is_empty()).then(|| f.to_owned())),
        None => (href.as_str(), None),
    };
    let (path, query) = match without_fragment.split_once('?') {
        Some((path, query)) => (path, (!query.is_empty()).then(|| query.to_owned())),
        None => (without_fragment, None),
    };
    if path.is_empty() {
        return Err(HrefError::Empty);
    }
    let mut joined = String::new();
    for base in bases {
        let base = base.trim().replace('\\', "/");
        // A URL or a root-relative base replaces what came before.
        if is_absolute(&base) || base.starts_with('/') {
            joined = base;
        } else {
            joined.push_str(&base);
        }
        if !joined.is_empty() && !joined.ends_with('/') {
            joined.push('/');
        }
    }
    if is_absolute(&joined) {
        return Ok(LaunchHref::Absolute(format!("{joined}{href}")));
    }
    if path.starts_with('/') {
        joined.clear();
    }
    joined.push_str(path);
    Ok(LaunchHref::Package {
        path: normalize(&joined)?,
        query,
        fragment,
    })
}

/// Resolves a path (a `<file href>`) to its place in the package; `None` for URLs.
pub(super) fn resolve_file(bases: &[&str], href: &str) -> Result<Option<String>, HrefError> {
    match resolve(bases, href)? {
        LaunchHref::Package { path, .. } => Ok(Some(path)),
        LaunchHref::Absolute(_) => Ok(None),
    }
}

/// Applies an item's `parameters` the way SCORM's CAM says: a leading '?' or '&' is
/// dropped and the rest joins the href's query; a parameter string starting with '#'
/// becomes the fragment (when the href has none).
pub(super) fn with_parameters(href: LaunchHref, parameters: &str) -> LaunchHref {
    let parameters = parameters.trim();
    if parameters.is_empty() {
        return href;
    }
    if let Some(frag) = parameters.strip_prefix('#') {
        return match href {
            LaunchHref::Package { path, query, fragment } => LaunchHref::Package {
                path,
                query,
                fragment: fragment.or_else(|| (!frag.is_empty()).then(|| frag.to_owned())),
            },
            absolute => absolute,
        };
    }
    let parameters = parameters.strip_prefix(['?', '&']).unwrap_or(parameters);
    match href {
        LaunchHref::Package { path, query, fragment } => {
            let query = match query {
                Some(query) => format!("{query}&{parameters}"),
                None => parameters.to_owned(),
            };
            LaunchHref::Package {
                path,
                query: Some(query),
                fragment,
            }
        }
        LaunchHref::Absolute(url) => {
            let (url, fragment) = url.split_once('#').map_or((url.as_str(), None), |(u, f)| (u, Some(f)));
            let separator = if url.contains('?') { '&' } else { '?' };
            let fragment = fragment.map(|f| format!("#{f}")).unwrap_or_default();
            LaunchHref::Absolute(format!("{url}{separator}{parameters}{fragment}"))
        }
    }
}

/// Has a URI scheme (`https:`, `mailto:`…) or is network-path relative (`//host/…`). A
/// one-letter "scheme" is a Windows drive and is not absolute.
pub(super) fn is_absolute(href: &str) -> bool {
    if href.starts_with("//") {
        return true;
    }
    let Some((scheme, _)) = href.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let first_alpha = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    first_alpha && scheme.len() > 1 && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Percent-decodes and resolves "." and "..": the path relative to the package root.
fn normalize(path: &str) -> Result<String, HrefError> {
    let decoded = percent_decode(path)?.replace('\\', "/");
    let mut segments: Vec<&str> = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop().ok_or(HrefError::Escapes)?;
            }
            s if s.len() == 2 && s.ends_with(':') && segments.is_empty() => return Err(HrefError::DriveLetter),
            s => segments.push(s),
        }
    }
    if segments.is_empty() {
        return Err(HrefError::Empty);
    }
    Ok(segments.join("/"))
}

fn percent_decode(text: &str) -> Result<String, HrefError> {
    if !text.contains('%') {
        return Ok(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let escaped = (b == b'%').then(|| bytes.get(i + 1..i + 3)).flatten();
        match escaped.and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()) {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            // A lone '%' is kept as written: real packages have files named "100%.html".
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    match String::from_utf8(out) {
        Ok(text) if !text.contains('\0') => Ok(text),
        _ => Err(HrefError::BadEscape),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(path: &str, query: Option<&str>) -> LaunchHref {
        LaunchHref::Package {
            path: path.to_owned(),
            query: query.map(str::to_owned),
            fragment: None,
        }
    }

    #[test]
    fn bases_apply_outermost_first() {
        let got = resolve(&["course/", "content", "sco1/"], "./pages/../index.html?a=1#top");
        let want = LaunchHref::Package {
            path: "course/content/sco1/index.html".into(),
            query: Some("a=1".into()),
            fragment: Some("top".into()),
        };
        assert_eq!(got, Ok(want));
    }

    #[test]
    fn backslashes_percent_escapes_and_lone_percent() {
        assert_eq!(
            resolve(&[""], r"sco\My%20Page.html"),
            Ok(package("sco/My Page.html", None))
        );
        assert_eq!(resolve(&[""], "100%.html"), Ok(package("100%.html", None)));
        assert_eq!(resolve(&[""], "caf%C3%A9.html"), Ok(package("café.html", None)));
        assert_eq!(resolve(&[""], "bad%FF.html"), Err(HrefError::BadEscape));
    }

    #[test]
    fn nothing_escapes_the_package() {
        assert_eq!(resolve(&["course/"], "../../etc/passwd"), Err(HrefError::Escapes));
        assert_eq!(resolve(&["course/"], "%2e%2e/%2e%2e/x"), Err(HrefError::Escapes));
        assert_eq!(resolve(&["course/"], "/index.html"), Ok(package("index.html", None)));
        assert_eq!(resolve(&[""], r"C:\content\index.html"), Err(HrefError::DriveLetter));
        assert_eq!(resolve(&[""], "?x=1"), Err(HrefError::Empty));
    }

    #[test]
    fn urls_stay_urls() {
        let url = "https://cdn.example.com/au/index.html?x=1";
        assert_eq!(resolve(&["course/"], url), Ok(LaunchHref::Absolute(url.to_owned())));
        assert_eq!(
            resolve(&["", "https://cdn.example.com/c"], "a.html"),
            Ok(LaunchHref::Absolute("https://cdn.example.com/c/a.html".to_owned()))
        );
        assert!(!is_absolute("index.html?time=10:30"));
    }

    #[test]
    fn parameters_join_the_query() {
        assert_eq!(
            with_parameters(package("a.html", None), "?page=2"),
            package("a.html", Some("page=2"))
        );
        assert_eq!(
            with_parameters(package("a.html", Some("x=1")), "&page=2"),
            package("a.html", Some("x=1&page=2"))
        );
        assert_eq!(
            with_parameters(package("a.html", None), "#frag"),
            LaunchHref::Package {
                path: "a.html".into(),
                query: None,
                fragment: Some("frag".into())
            }
        );
        let url = LaunchHref::Absolute("https://e.com/a?x=1#f".to_owned());
        assert_eq!(
            with_parameters(url, "y=2"),
            LaunchHref::Absolute("https://e.com/a?x=1&y=2#f".to_owned())
        );
    }

    #[test]
    fn folder_of_manifest() {
        assert_eq!(folder_of("imsmanifest.xml"), "");
        assert_eq!(folder_of("course/v2/imsmanifest.xml"), "course/v2/");
    }
}
