//! Delivery on the content origin: Content-Type per file type, HEAD, byte ranges (206,
//! 416), strong ETags from the SHA-256 and 304, gzip for text only and never for ranges
//! or media, `nosniff`, and long-lived private caching.

use axum::http::Method;
use serde_json::json;

use super::fixture::{self, VIDEO, VIDEO_BYTES};
use super::gunzip::gunzip;
use super::{Env, str_of};
use crate::support::{Builder, Resp, TestApp};

const MEDIA: &str = "scorm12-media";

/// (path, Content-Type, compressed when asked)
const TYPES: &[(&str, &str, bool)] = &[
    ("index.html", "text/html; charset=utf-8", true),
    ("js/player.js", "text/javascript; charset=utf-8", true),
    ("css/lesson.css", "text/css; charset=utf-8", true),
    ("data/chapters.json", "application/json", true),
    ("images/logo.svg", "image/svg+xml", true),
    ("captions/intro.en.vtt", "text/vtt; charset=utf-8", true),
    ("imsmanifest.xml", "application/xml", true),
    ("images/diagram.png", "image/png", false),
    ("fonts/lesson.woff2", "font/woff2", false),
    ("media/intro.mp4", "video/mp4", false),
    ("media/narration.mp3", "audio/mpeg", false),
];

/// The media fixture imported, and the content base URL of a launch.
async fn media() -> (Env, String) {
    media_on(TestApp::builder()).await
}

async fn media_on(builder: Builder) -> (Env, String) {
    let env = Env::with(builder).await;
    let answer = env.import_fixture(MEDIA).await;
    let base = env.content_base(str_of(&answer, "packageId")).await;
    (env, base)
}

fn etag_of(bytes: &[u8]) -> String {
    format!("\"{}\"", fixture::sha256_hex(bytes))
}

#[track_caller]
fn check_common(resp: &Resp, path: &str, content_type: &str, bytes: &[u8]) {
    assert_eq!(resp.header("content-type"), Some(content_type), "{path}");
    assert_eq!(
        resp.header("etag"),
        Some(etag_of(bytes).as_str()),
        "{path}: the ETag is the SHA-256"
    );
    assert_eq!(resp.header("x-content-type-options"), Some("nosniff"), "{path}");
    let cache = resp.header("cache-control").unwrap_or_default();
    assert!(
        cache.contains("max-age=31536000") && cache.contains("immutable"),
        "{path}: {cache}"
    );
    assert!(
        cache.contains("private") && !cache.contains("public"),
        "{path}: content is never for shared caches: {cache}"
    );
    assert_eq!(resp.header("accept-ranges"), Some("bytes"), "{path}");
}

#[tokio::test]
async fn get_and_head_answer_every_type_with_its_content_type_and_headers() {
    let (env, base) = media().await;
    for (path, content_type, _) in TYPES {
        let bytes = fixture::file(MEDIA, path);
        let url = format!("{base}{path}");
        let get = env.fetch(&url).await.expect(200);
        check_common(&get, path, content_type, &bytes);
        assert_eq!(get.header("content-encoding"), None, "{path}: no gzip unless asked");
        assert_eq!(
            get.header("content-length"),
            Some(bytes.len().to_string().as_str()),
            "{path}"
        );
        assert!(get.body.as_ref() == bytes.as_slice(), "{path}: body differs");
        let head = env.content(Method::HEAD, &url).send().await.expect(200);
        check_common(&head, path, content_type, &bytes);
        assert_eq!(
            head.header("content-length"),
            Some(bytes.len().to_string().as_str()),
            "HEAD {path}"
        );
        assert!(head.body.is_empty(), "HEAD {path} has no body");
    }
}

#[tokio::test]
async fn byte_ranges_answer_206_with_content_range_and_416_outside_the_file() {
    let (env, base) = media().await;
    check_ranges(&env, &base).await;
}

/// The same with the file cache off: the video (over 2 MiB) and large ranges stream from
/// blob storage, small ranges are read in one piece.
#[tokio::test]
async fn byte_ranges_and_whole_files_stream_from_storage_without_the_cache() {
    let (env, base) = media_on(TestApp::builder().content_cache(0, 0)).await;
    check_ranges(&env, &base).await;
    let video = fixture::file(MEDIA, VIDEO);
    let r = env.fetch(&format!("{base}{VIDEO}")).await.expect(200);
    assert!(r.body.as_ref() == video.as_slice(), "the streamed video differs");
    for (path, content_type, _) in TYPES {
        let r = env.fetch(&format!("{base}{path}")).await.expect(200);
        check_common(&r, path, content_type, &fixture::file(MEDIA, path));
    }
}

async fn check_ranges(env: &Env, base: &str) {
    let video = fixture::file(MEDIA, VIDEO);
    assert_eq!(video.len(), VIDEO_BYTES);
    let url = format!("{base}{VIDEO}");
    let size = VIDEO_BYTES;
    let cases = [
        ("bytes=0-99", 0, 99),
        ("bytes=1000000-2999999", 1_000_000, 2_999_999),
        ("bytes=2500000-", 2_500_000, size - 1),
        ("bytes=-1000", size - 1000, size - 1),
        ("bytes=2999990-4000000", 2_999_990, size - 1),
        ("bytes=100-100", 100, 100),
        ("bytes=0-", 0, size - 1),
    ];
    for (range, start, end) in cases {
        let r = env
            .content(Method::GET, &url)
            .header("range", range)
            .header("accept-encoding", "gzip")
            .send()
            .await
            .expect(206);
        assert_eq!(
            r.header("content-range"),
            Some(format!("bytes {start}-{end}/{size}").as_str()),
            "{range}"
        );
        assert_eq!(
            r.header("content-length"),
            Some((end - start + 1).to_string().as_str()),
            "{range}"
        );
        assert_eq!(
            r.header("content-encoding"),
            None,
            "{range}: ranges are never compressed"
        );
        check_common(&r, range, "video/mp4", &video);
        assert!(r.body.as_ref() == &video[start..=end], "{range}: wrong bytes");
    }
    for range in [
        format!("bytes={size}-"),
        format!("bytes={}-{}", size + 10, size + 20),
        "bytes=-0".to_owned(),
    ] {
        let r = env
            .content(Method::GET, &url)
            .header("range", &range)
            .send()
            .await
            .expect(416);
        assert_eq!(
            r.header("content-range"),
            Some(format!("bytes */{size}").as_str()),
            "{range}"
        );
        assert!(r.body.is_empty(), "{range}");
    }
    // Several ranges, a unit other than bytes, or a stale If-Range: the whole file.
    let etag = etag_of(&video);
    for (name, value) in [("range", "bytes=0-1,5-6"), ("range", "items=0-1")] {
        let r = env
            .content(Method::GET, &url)
            .header(name, value)
            .send()
            .await
            .expect(200);
        assert_eq!(r.body.len(), size, "{value}");
    }
    let stale = env
        .content(Method::GET, &url)
        .header("range", "bytes=0-9")
        .header("if-range", "\"stale\"")
        .send()
        .await;
    assert_eq!((stale.status.as_u16(), stale.body.len()), (200, size));
    let fresh = env
        .content(Method::GET, &url)
        .header("range", "bytes=0-9")
        .header("if-range", &etag)
        .send()
        .await;
    assert_eq!((fresh.status.as_u16(), fresh.body.as_ref()), (206, &video[..10]));
}

#[tokio::test]
async fn the_whole_large_file_streams_intact() {
    let (env, base) = media().await;
    let video = fixture::file(MEDIA, VIDEO);
    let r = env.fetch(&format!("{base}{VIDEO}")).await.expect(200);
    assert_eq!(r.body.len(), video.len());
    assert_eq!(fixture::sha256_hex(&r.body), fixture::sha256_hex(&video));
}

#[tokio::test]
async fn if_none_match_with_the_sha256_answers_304() {
    let (env, base) = media().await;
    for (path, _, _) in TYPES {
        let bytes = fixture::file(MEDIA, path);
        let url = format!("{base}{path}");
        let etag = etag_of(&bytes);
        for tag in [etag.clone(), format!("\"other\", {etag}"), "*".to_owned()] {
            let r = env
                .content(Method::GET, &url)
                .header("if-none-match", &tag)
                .send()
                .await
                .expect(304);
            assert!(r.body.is_empty(), "{path}: a 304 has no body");
            assert_eq!(r.header("etag"), Some(etag.as_str()), "{path}");
            assert!(
                r.header("cache-control").is_some_and(|c| c.contains("immutable")),
                "{path}"
            );
        }
        let miss = env
            .content(Method::GET, &url)
            .header("if-none-match", "\"0000\"")
            .send()
            .await
            .expect(200);
        assert_eq!(miss.body.len(), bytes.len(), "{path}");
        env.content(Method::HEAD, &url)
            .header("if-none-match", &etag)
            .send()
            .await
            .expect(304);
    }
}

#[tokio::test]
async fn text_is_gzipped_when_asked_and_media_never() {
    let (env, base) = media().await;
    for (path, content_type, compressed) in TYPES {
        let bytes = fixture::file(MEDIA, path);
        let r = env
            .content(Method::GET, &format!("{base}{path}"))
            .header("accept-encoding", "gzip, br")
            .send()
            .await
            .expect(200);
        assert_eq!(r.header("content-type"), Some(*content_type));
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{path}");
        if *compressed {
            assert_eq!(r.header("content-encoding"), Some("gzip"), "{path}");
            assert!(
                r.header("vary")
                    .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
                "{path}: Vary"
            );
            assert_eq!(gunzip(&r.body), bytes, "{path}: gunzipped body");
        } else {
            assert_eq!(r.header("content-encoding"), None, "{path}: media is sent as is");
            assert!(r.body.as_ref() == bytes.as_slice(), "{path}");
        }
    }
    // A range of a text file is sent as is, even when gzip is welcome.
    let r = env
        .content(Method::GET, &format!("{base}index.html"))
        .header("accept-encoding", "gzip")
        .header("range", "bytes=0-14")
        .send()
        .await
        .expect(206);
    assert_eq!(
        (r.header("content-encoding"), r.body.as_ref()),
        (None, &fixture::file(MEDIA, "index.html")[..15])
    );
}

#[tokio::test]
async fn odd_paths_resolve_exactly_and_misses_are_plain_404_pages() {
    let env = Env::start().await;
    let answer = env.import_fixture("scorm2004-quirks").await;
    let id = str_of(&answer, "packageId");
    let l = env.launch(id, json!({"learner": "ann", "item": "ITEM-LECON"})).await;
    let url = str_of(&l, "url");
    assert!(url.ends_with("/export/Module%201/Le%C3%A7on%20un.html"), "{url}");
    let r = env.fetch(url).await.expect(200);
    assert_eq!(
        r.body.as_ref(),
        fixture::file("scorm2004-quirks", "export/Module 1/Leçon un.html").as_slice()
    );
    let base = str_of(&l, "contentBase");
    let unit = env
        .fetch(&format!("{base}export/content/unit%202/index.htm?from=menu"))
        .await
        .expect(200);
    assert_eq!(unit.header("content-type"), Some("text/html; charset=utf-8"));
    for missing in [
        "export/",
        "export/player",
        "nope.html",
        "EXPORT/player/index.html",
        "export/player/index.html/",
    ] {
        let r = env.fetch(&format!("{base}{missing}")).await.expect(404);
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"), "{missing}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{missing}");
        assert_eq!(r.header("etag"), None, "{missing}");
    }
}

/// RFC 9110 §8.8.3: a strong ETag names one representation, and a gzip body is another
/// one. Sending the identity body's strong ETag with the gzip body lets a cache answer an
/// `If-Range` request for identity bytes with ranges of the other representation (nginx
/// weakens the ETag when it compresses for this reason).
#[tokio::test]
async fn gzip_responses_do_not_reuse_the_identity_strong_etag() {
    let (env, base) = media().await;
    let bytes = fixture::file(MEDIA, "js/player.js");
    let r = env
        .content(Method::GET, &format!("{base}js/player.js"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect(200);
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert_ne!(
        r.header("etag"),
        Some(etag_of(&bytes).as_str()),
        "the same strong ETag on two representations"
    );
}

/// RFC 9110 §13.1.2: If-None-Match uses the weak comparison, so `W/"<sha256>"` (what a
/// compressing proxy or CDN in front of the content origin turns the ETag into) matches.
#[tokio::test]
async fn if_none_match_uses_the_weak_comparison() {
    let (env, base) = media().await;
    let bytes = fixture::file(MEDIA, "css/lesson.css");
    let weak = format!("W/{}", etag_of(&bytes));
    env.content(Method::GET, &format!("{base}css/lesson.css"))
        .header("if-none-match", &weak)
        .send()
        .await
        .expect(304);
}

#[tokio::test]
async fn an_empty_file_is_served_empty_and_has_no_satisfiable_range() {
    let (env, base) = media().await;
    let url = format!("{base}css/print.css");
    assert!(fixture::file(MEDIA, "css/print.css").is_empty());
    let r = env.fetch(&url).await.expect(200);
    check_common(&r, "css/print.css", "text/css; charset=utf-8", b"");
    assert_eq!((r.header("content-length"), r.body.len()), (Some("0"), 0));
    for range in ["bytes=0-", "bytes=0-0", "bytes=-1"] {
        let r = env
            .content(Method::GET, &url)
            .header("range", range)
            .send()
            .await
            .expect(416);
        assert_eq!(r.header("content-range"), Some("bytes */0"), "{range}");
    }
    env.content(Method::HEAD, &url).send().await.expect(200);
}
