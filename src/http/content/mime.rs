//! Content types by file extension, for what packages carry: web pages and scripts,
//! fonts, images, audio, video, captions.

const TYPES: &[(&str, &str)] = &[
    ("html", "text/html; charset=utf-8"),
    ("htm", "text/html; charset=utf-8"),
    ("xhtml", "application/xhtml+xml"),
    ("js", "text/javascript; charset=utf-8"),
    ("mjs", "text/javascript; charset=utf-8"),
    ("css", "text/css; charset=utf-8"),
    ("json", "application/json"),
    ("map", "application/json"),
    ("xml", "application/xml"),
    ("xsd", "application/xml"),
    ("txt", "text/plain; charset=utf-8"),
    ("csv", "text/csv; charset=utf-8"),
    ("md", "text/markdown; charset=utf-8"),
    ("vtt", "text/vtt; charset=utf-8"),
    ("srt", "application/x-subrip"),
    ("svg", "image/svg+xml"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("avif", "image/avif"),
    ("ico", "image/x-icon"),
    ("bmp", "image/bmp"),
    ("woff", "font/woff"),
    ("woff2", "font/woff2"),
    ("ttf", "font/ttf"),
    ("otf", "font/otf"),
    ("eot", "application/vnd.ms-fontobject"),
    ("mp3", "audio/mpeg"),
    ("m4a", "audio/mp4"),
    ("aac", "audio/aac"),
    ("oga", "audio/ogg"),
    ("ogg", "audio/ogg"),
    ("opus", "audio/ogg"),
    ("wav", "audio/wav"),
    ("weba", "audio/webm"),
    ("mp4", "video/mp4"),
    ("m4v", "video/mp4"),
    ("webm", "video/webm"),
    ("ogv", "video/ogg"),
    ("mov", "video/quicktime"),
    ("pdf", "application/pdf"),
    ("wasm", "application/wasm"),
    ("swf", "application/x-shockwave-flash"),
    ("zip", "application/zip"),
];

/// The Content-Type for a path; `application/octet-stream` when the extension is unknown.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('/').next().and_then(|f| f.rsplit_once('.')).map(|(_, e)| e);
    ext.and_then(|e| TYPES.iter().find(|(x, _)| x.eq_ignore_ascii_case(e)))
        .map_or("application/octet-stream", |(_, t)| t)
}

/// Whether responses of this type are worth compressing.
pub fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || [
            "application/json",
            "application/xml",
            "application/xhtml+xml",
            "image/svg+xml",
            "application/wasm",
        ]
        .iter()
        .any(|t| content_type.starts_with(t))
}

#[cfg(test)]
mod tests {
    #[test]
    fn types() {
        assert_eq!(super::content_type("a/Index.HTML"), "text/html; charset=utf-8");
        assert_eq!(super::content_type("v/intro.mp4"), "video/mp4");
        assert_eq!(super::content_type("f/x.woff2"), "font/woff2");
        assert_eq!(super::content_type("noext"), "application/octet-stream");
        assert_eq!(super::content_type("dir.v1/noext"), "application/octet-stream");
        assert!(super::compressible("text/css; charset=utf-8"));
        assert!(!super::compressible("video/mp4"));
    }
}
