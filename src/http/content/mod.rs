//! The content origin: package files served under a launch grant, with ranges, strong
//! ETags, long-lived caching, compression of text, and `nosniff`.

mod cache;
pub mod courses;
mod home;
mod mime;
mod range;

pub use cache::{BlobCache, LookupCache};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::Predicate;

use crate::http::error::{ApiError, PageRefusal, html_page, learner_page};
use crate::http::extract::Path;
use crate::i18n::Lang;
use crate::server::AppState;
use range::RangeAnswer;

/// Files up to this size are read in one piece; larger ones are streamed.
const READ_WHOLE_MAX: u64 = 2 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/content/{token}/{*path}", get(serve_file))
        .layer(CompressionLayer::new().gzip(true).compress_when(TextOnly))
        .layer(axum::middleware::map_response(weaken_encoded_etag))
        .merge(home::routes())
}

/// A compressed body is not byte-for-byte the file, so its ETag must not be the file's
/// strong one (RFC 9110 8.8.3): mark it weak.
async fn weaken_encoded_etag(mut resp: Response) -> Response {
    if resp.headers().contains_key(header::CONTENT_ENCODING) {
        let weak = resp
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .filter(|t| !t.starts_with("W/"))
            .and_then(|t| HeaderValue::from_str(&format!("W/{t}")).ok());
        if let Some(w) = weak {
            resp.headers_mut().insert(header::ETAG, w);
        }
    }
    resp
}

/// Compress whole (200) responses of text types only: never ranges, media or fonts.
#[derive(Clone, Copy)]
struct TextOnly;

impl Predicate for TextOnly {
    fn should_compress<B: axum::body::HttpBody>(&self, response: &axum::http::Response<B>) -> bool {
        let ct = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        response.status() == StatusCode::OK && mime::compressible(ct)
    }
}

use crate::package::model::LaunchHref;
pub use crate::package::path::encode_for_url as encode_path;

/// An item's URL: a package file under the content base, or an absolute URL, with the
/// launch's parameters (if any) after the item's own.
pub fn launch_url(href: &LaunchHref, base: &str, lrs_params: Option<&str>) -> String {
    match href {
        LaunchHref::Package { path, query, fragment } => {
            let q = [query.as_deref(), lrs_params]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("&");
            let q = if q.is_empty() { q } else { format!("?{q}") };
            let h = fragment.as_ref().map(|h| format!("#{h}")).unwrap_or_default();
            format!("{base}{}{q}{h}", encode_path(path))
        }
        LaunchHref::Absolute(u) => match lrs_params {
            Some(p) => format!("{u}{}{p}", if u.contains('?') { '&' } else { '?' }),
            None => u.clone(),
        },
    }
}

/// A refused content request: the status and page (in the learner's language) come from
/// `http::error`.
fn refuse(p: PageRefusal, lang: Lang) -> Response {
    learner_page(ApiError::Page(p), lang)
}

/// The player language an LMS chose (`lang` of a launch request or of the player's link):
/// none, or one kiroku speaks; anything else is refused (400) as the language control's
/// form refuses it.
pub(crate) fn chosen_lang(code: Option<&str>) -> Result<Option<Lang>, ApiError> {
    code.map(|c| {
        Lang::parse(c).ok_or_else(|| {
            let known: Vec<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
            crate::lrs::LrsError::bad(format!("lang must be one of {}, not {c:?}", known.join(", "))).into()
        })
    })
    .transpose()
}

/// The language of a learner's page on the content origin: the `kiroku_lang` cookie the
/// player's language control sets on this origin, else the browser's `Accept-Language`,
/// else English (`i18n::choose`; no account signs in here).
pub(crate) fn learner_lang(headers: &HeaderMap) -> Lang {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    crate::i18n::choose(
        None,
        crate::http::accounts::cookie(headers, crate::http::web::LANG_COOKIE),
        accept,
    )
}

async fn serve_file(
    State(state): State<AppState>,
    method: Method,
    Path((token, path)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let lang = learner_lang(&headers);
    let grant = match state.grants.verify(&token, state.config.wall.now_ms()) {
        Ok(g) => g,
        Err(e) => return refuse(PageRefusal::LinkInvalid(e.to_string()), lang),
    };
    match crate::http::gate::admit_grant(&state, grant.tenant_id()).await {
        Ok(_) => {}
        Err(e @ ApiError::Tenant(_)) => return learner_page(e, lang),
        Err(e) => return html_page(e.status(), &crate::i18n::t(lang, "player-content-unavailable")),
    }
    if let Err(e) = crate::http::grant::still_stored(&state, &grant).await {
        return learner_page(e, lang);
    }
    // No package path holds U+0000 (and PostgreSQL text cannot take it in a lookup).
    if path.contains('\0') {
        return refuse(PageRefusal::NotInCourse, lang);
    }
    let key = LookupCache::key(grant.tenant, &grant.package, grant.version, &path);
    let file = match state.caches.lookups.get(&key) {
        Some(f) => f,
        None => match state
            .store
            .package_file(grant.tenant_id(), &grant.package, grant.version, &path)
            .await
        {
            Ok(Some(f)) => {
                state.caches.lookups.insert(key, f.clone());
                f
            }
            Ok(None) => return refuse(PageRefusal::NotInCourse, lang),
            Err(e) => {
                return refuse(
                    PageRefusal::Unavailable(format!("looking up a package file: {e}")),
                    lang,
                );
            }
        },
    };
    let etag = format!("\"{}\"", file.sha256);
    let mut common = HeaderMap::new();
    common.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\"")),
    );
    // Content of a version never changes; the grant in the URL keeps it private.
    common.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    common.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    common.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    common.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(mime::content_type(&path)),
    );
    let header_str = |h: header::HeaderName| headers.get(h).and_then(|v| v.to_str().ok());
    // If-None-Match uses the weak comparison (RFC 9110 13.1.2): a proxy that compressed
    // the file sends back W/"…".
    let weak_match = |t: &str| {
        let t = t.trim();
        t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag
    };
    if header_str(header::IF_NONE_MATCH).is_some_and(|v| v.split(',').any(weak_match)) {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let if_range_ok = header_str(header::IF_RANGE).is_none_or(|v| v.trim() == etag);
    let answer = match header_str(header::RANGE) {
        Some(r) if if_range_ok && method == Method::GET => range::parse(r, file.size),
        _ => RangeAnswer::Full,
    };
    let (status, start, len) = match answer {
        RangeAnswer::Full => (StatusCode::OK, 0, file.size),
        RangeAnswer::Partial { start, end } => (StatusCode::PARTIAL_CONTENT, start, end - start + 1),
        RangeAnswer::Unsatisfiable => {
            let mut r = refuse(PageRefusal::Unsatisfiable { size: file.size }, lang);
            r.headers_mut().extend(common);
            return r;
        }
    };
    if status == StatusCode::PARTIAL_CONTENT
        && let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{}/{}", start + len - 1, file.size))
    {
        common.insert(header::CONTENT_RANGE, v);
    }
    common.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if method == Method::HEAD {
        return (status, common).into_response();
    }
    let body = if file.size <= state.caches.blobs.max_item {
        whole_file(&state, &file.sha256)
            .await
            .map(|all| Body::from(all.slice(range_of(start, len))))
    } else if len <= READ_WHOLE_MAX {
        state.blobs.read(&file.sha256, start, Some(len)).await.map(Body::from)
    } else {
        state
            .blobs
            .stream(&file.sha256, start, len)
            .await
            .map(Body::from_stream)
    };
    match body {
        Ok(b) => (status, common, b).into_response(),
        Err(e) => refuse(PageRefusal::Unavailable(format!("blob {}: {e}", file.sha256)), lang),
    }
}

fn range_of(start: u64, len: u64) -> std::ops::Range<usize> {
    let s = usize::try_from(start).unwrap_or(usize::MAX);
    s..s.saturating_add(usize::try_from(len).unwrap_or(usize::MAX))
}

/// A whole (small) file, from the cache or read once and cached.
async fn whole_file(state: &AppState, sha256: &str) -> Result<bytes::Bytes, crate::blob::BlobError> {
    if let Some(b) = state.caches.blobs.get(sha256) {
        return Ok(b);
    }
    let b = state.blobs.read(sha256, 0, None).await?;
    state.caches.blobs.insert(sha256, b.clone());
    Ok(b)
}
