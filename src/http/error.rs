//! The one place where domain and store errors become HTTP statuses.

use crate::json::Put;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::cmi5::usecase::Cmi5Error;
use crate::i18n::Lang;
use crate::launch::LaunchRefusal;
use crate::lrs::LrsError;
use crate::package::import::ImportError;
use crate::package::{ErrorClass, PackageError};
use crate::runtime::attempt::CommitRefusal;
use crate::runtime::navigation::Refusal as NavRefusal;
use crate::runtime::usecase::RuntimeError;
use crate::store::StoreError;
use crate::tenant::{QuotaKind, TenantRefusal};

#[derive(Debug)]
pub enum ApiError {
    Lrs(LrsError),
    /// A refused package upload: the body names the rule, the file and the position.
    Package(PackageError),
    /// A verified launch refused: what it names is gone, or the one-ID-one-person policy.
    /// The body carries the refusal's `reason`.
    Launch(LaunchRefusal),
    /// Missing or wrong credentials (401, with a Basic challenge).
    Unauthorized(String),
    /// An admin account's sign-in refused (wrong login or password), or its session or
    /// API token unknown, expired or ended: 401 with a `Bearer` challenge, never a Basic
    /// one, so that the admin page's requests never make a browser ask for a password.
    SignedOut(String),
    /// The tenant may not make this request now: suspended, over a quota or the request
    /// rate. The body carries a machine-readable `reason`.
    Tenant(TenantRefusal),
    /// The operator API is refused: not configured (`operator_api_disabled`, 403) or a
    /// missing or wrong bearer token (401).
    Operator {
        configured: bool,
        message: String,
    },
    /// Sign-ins refused for now: the account is locked (`account_locked`) or the address
    /// made too many failed sign-ins (`login_throttled`). 429 with Retry-After.
    Throttled {
        reason: &'static str,
        retry_after_secs: u64,
        message: String,
    },
    /// A navigation request the course's sequencing does not allow now (409): the body
    /// names the rule and says why.
    NavRefused(NavRefusal),
    /// What the content origin answers a learner's browser with: an HTML page.
    Page(PageRefusal),
    /// A refusal of the web app's pages on the app origin: the page (HTML in the
    /// reader's language, written by `http::web`) and why.
    WebPage(WebRefusal, String),
    /// The store does not answer (PostgreSQL stopped or restarting): 503 with
    /// `Retry-After`; nothing of the request was stored.
    NotReady(String),
    /// The storage has no room for the write (507); nothing of it was stored.
    StorageFull(String),
    /// The request body arrived too slowly (`net::pace`): 408, and the connection closes.
    TooSlow,
    /// A SetValue of a run-time commit that the server's re-validation refused (422): the
    /// body names the call's index, the element, the SCORM error code and the diagnostic.
    SetRefused(CommitRefusal),
    /// Logged once here; the client sees a generic message.
    Internal(String),
}

/// Why a page of the web app refuses a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebRefusal {
    /// A form arrived incomplete or invalid (400).
    BadForm,
    /// A signed-in form without its session's CSRF token: the page is stale (403).
    Stale,
    /// A setup link unknown, expired or used (404).
    LinkInvalid,
    /// Setup is over (an operator exists), or the login is taken (409).
    Conflict,
    /// The page needs a signed-in account (401).
    SignIn,
    /// The account may not see the page (403).
    Forbidden,
    /// What the page shows does not exist, or not for this account (404).
    NotFound,
}

/// Why the content origin refuses a learner's browser a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRefusal {
    /// The launch link is forged, damaged or expired (403).
    LinkInvalid(String),
    /// The course has no such file (404).
    NotInCourse,
    /// Reading the course failed; the detail is logged, not shown (500).
    Unavailable(String),
    /// A byte range beyond the file's `size` (416, with `Content-Range: bytes */size`).
    Unsatisfiable { size: u64 },
}

/// When a client should try again after the store did not answer: PostgreSQL restarts
/// take seconds, and the pool reconnects on the first request after.
const STORE_RETRY_AFTER_SECS: u64 = 5;

impl ApiError {
    /// A failed file operation: a full disk (or disk quota) is the storage's 507, anything
    /// else an internal error.
    pub fn io(context: &str, e: &std::io::Error) -> Self {
        use std::io::ErrorKind::{QuotaExceeded, StorageFull};
        match e.kind() {
            StorageFull | QuotaExceeded => Self::StorageFull(format!("{context}: {e}")),
            _ => Self::Internal(format!("{context}: {e}")),
        }
    }
}

/// Whether an error kept as text came from a full disk: the operating system's message
/// for ENOSPC (28) or EDQUOT (122) ends with its number (`… (os error 28)`).
fn says_disk_full(text: &str) -> bool {
    text.contains("(os error 28)") || text.contains("(os error 122)")
}

impl From<LrsError> for ApiError {
    fn from(e: LrsError) -> Self {
        Self::Lrs(e)
    }
}

impl From<crate::ops::restore::RestoreError> for ApiError {
    fn from(e: crate::ops::restore::RestoreError) -> Self {
        use crate::ops::restore::RestoreError as R;
        match e {
            R::Invalid(m) => Self::Lrs(LrsError::BadRequest(m)),
            R::NotFound(m) => Self::Lrs(LrsError::NotFound(m)),
            R::Conflict(m) => Self::Lrs(LrsError::Conflict(m)),
            R::Failed(m) => Self::Internal(format!("tenant restore: {m}")),
        }
    }
}

/// A termination's export or erasure that failed: nothing was erased unless the archive
/// was whole; the detail is logged, not shown.
impl From<crate::ops::archive::ArchiveError> for ApiError {
    fn from(e: crate::ops::archive::ArchiveError) -> Self {
        use crate::ops::archive::ArchiveError as A;
        match e {
            A::Store(s) => s.into(),
            A::Invalid(m) | A::Io(m) => Self::Internal(format!("tenant termination: {m}")),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Rejected(l) => Self::Lrs(l),
            StoreError::Backend(m) => Self::Internal(m),
            StoreError::Quota(q) => Self::Tenant(q.into()),
            StoreError::Stale => Self::Lrs(LrsError::Conflict(StoreError::Stale.to_string())),
            StoreError::Full(m) => Self::StorageFull(m),
            StoreError::Unavailable(m) => Self::NotReady(m),
        }
    }
}

impl From<RuntimeError> for ApiError {
    fn from(e: RuntimeError) -> Self {
        match e {
            RuntimeError::BadRequest(m) => Self::Lrs(LrsError::BadRequest(m)),
            RuntimeError::Conflict(m) => Self::Lrs(LrsError::Conflict(m)),
            RuntimeError::Refused(r) => Self::SetRefused(r),
            RuntimeError::NavRefused(r) => Self::NavRefused(r),
            RuntimeError::NotFound(m) => Self::Lrs(LrsError::NotFound(m)),
            RuntimeError::Store(s) => s.into(),
            RuntimeError::Internal(m) => Self::Internal(m),
        }
    }
}

impl From<Cmi5Error> for ApiError {
    fn from(e: Cmi5Error) -> Self {
        match e {
            Cmi5Error::Refused(r) => Self::Lrs(LrsError::Forbidden(r.to_string())),
            Cmi5Error::Closed => Self::Unauthorized(Cmi5Error::Closed.to_string()),
            Cmi5Error::NotFound(m) => Self::Lrs(LrsError::NotFound(m)),
            Cmi5Error::Conflict(m) => Self::Lrs(LrsError::Conflict(m)),
            Cmi5Error::Lrs(l) => Self::Lrs(l),
            Cmi5Error::Store(s) => s.into(),
            Cmi5Error::Internal(m) => Self::Internal(m),
        }
    }
}

impl ApiError {
    /// The status table: every error kind maps to exactly one status here.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Lrs(LrsError::BadRequest(_)) => StatusCode::BAD_REQUEST,
            Self::Lrs(LrsError::Forbidden(_)) => StatusCode::FORBIDDEN,
            Self::Lrs(LrsError::NotFound(_)) => StatusCode::NOT_FOUND,
            Self::Lrs(LrsError::Conflict(_)) => StatusCode::CONFLICT,
            Self::Lrs(LrsError::PreconditionFailed(_)) => StatusCode::PRECONDITION_FAILED,
            Self::Lrs(LrsError::TooLarge(_)) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Package(p) => match p.class() {
                ErrorClass::BadRequest => StatusCode::BAD_REQUEST,
                ErrorClass::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                ErrorClass::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            },
            Self::Launch(LaunchRefusal::LearnerDeleted | LaunchRefusal::RegistrationDeleted) => StatusCode::FORBIDDEN,
            Self::Launch(LaunchRefusal::ConcurrentLaunch | LaunchRefusal::EndedByNewerLaunch) => StatusCode::CONFLICT,
            Self::Unauthorized(_) | Self::SignedOut(_) => StatusCode::UNAUTHORIZED,
            Self::Tenant(TenantRefusal::Quota(q)) => match q.kind {
                QuotaKind::Storage => StatusCode::PAYLOAD_TOO_LARGE,
                QuotaKind::Learners | QuotaKind::Statements => StatusCode::FORBIDDEN,
            },
            Self::Tenant(TenantRefusal::RateLimited { .. }) => StatusCode::TOO_MANY_REQUESTS,
            Self::Tenant(TenantRefusal::Suspended { .. } | TenantRefusal::Terminated { .. }) => StatusCode::FORBIDDEN,
            Self::Operator { configured: false, .. } => StatusCode::FORBIDDEN,
            Self::Operator { configured: true, .. } => StatusCode::UNAUTHORIZED,
            Self::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::SetRefused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NavRefused(_) => StatusCode::CONFLICT,
            Self::Page(PageRefusal::LinkInvalid(_)) => StatusCode::FORBIDDEN,
            Self::Page(PageRefusal::NotInCourse) => StatusCode::NOT_FOUND,
            Self::Page(PageRefusal::Unavailable(_)) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Page(PageRefusal::Unsatisfiable { .. }) => StatusCode::RANGE_NOT_SATISFIABLE,
            Self::WebPage(WebRefusal::BadForm, _) => StatusCode::BAD_REQUEST,
            Self::WebPage(WebRefusal::Stale, _) => StatusCode::FORBIDDEN,
            Self::WebPage(WebRefusal::LinkInvalid, _) => StatusCode::NOT_FOUND,
            Self::WebPage(WebRefusal::Conflict, _) => StatusCode::CONFLICT,
            Self::WebPage(WebRefusal::SignIn, _) => StatusCode::UNAUTHORIZED,
            Self::WebPage(WebRefusal::Forbidden, _) => StatusCode::FORBIDDEN,
            Self::WebPage(WebRefusal::NotFound, _) => StatusCode::NOT_FOUND,
            Self::NotReady(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::StorageFull(_) => StatusCode::INSUFFICIENT_STORAGE,
            Self::TooSlow => StatusCode::REQUEST_TIMEOUT,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let Self::Package(p) = &self {
            return (status, Json(package_error_body(status, p))).into_response();
        }
        if let Self::Tenant(r) = &self {
            return refusal_response(status, r);
        }
        if let Self::Page(p) = &self {
            return page_response(status, p, crate::i18n::Lang::DEFAULT);
        }
        if let Self::WebPage(_, html) = self {
            return crate::http::web::html_response(status, html);
        }
        if let Self::NavRefused(r) = &self {
            let body = json!({ "error": { "rule": r.rule, "message": r.message } });
            return (status, Json(body)).into_response();
        }
        if let Self::NotReady(detail) = &self {
            tracing::warn!(error = %detail, "the store does not answer; answering 503");
            let body = json!({ "error": { "code": status.as_u16(), "reason": "store_unavailable", "message": self.to_string() } });
            let mut resp = (status, Json(body)).into_response();
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(STORE_RETRY_AFTER_SECS));
            return resp;
        }
        if let Self::SetRefused(r) = &self {
            let body = json!({ "error": { "index": r.index, "element": r.element, "code": r.refusal.code, "diagnostic": r.refusal.diagnostic } });
            return (status, Json(body)).into_response();
        }
        if let Self::Launch(r) = &self {
            let body = json!({ "error": { "code": status.as_u16(), "reason": r.reason(), "message": r.to_string() } });
            return (status, Json(body)).into_response();
        }
        if let Self::Throttled {
            reason,
            retry_after_secs,
            message,
        } = &self
        {
            let body = json!({ "error": { "code": status.as_u16(), "reason": reason, "message": message } });
            let mut resp = (status, Json(body)).into_response();
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            return resp;
        }
        let message = match &self {
            Self::Lrs(e) => e.to_string(),
            Self::Package(e) => e.to_string(),
            Self::Launch(e) => e.to_string(),
            Self::Unauthorized(m) | Self::SignedOut(m) | Self::Throttled { message: m, .. } => m.clone(),
            Self::Tenant(r) => r.to_string(),
            Self::Operator { message, .. } => message.clone(),
            Self::SetRefused(r) => RuntimeError::Refused(r.clone()).to_string(),
            Self::NavRefused(r) => r.message.clone(),
            Self::Page(_) | Self::WebPage(..) | Self::NotReady(_) | Self::TooSlow => self.to_string(),
            Self::StorageFull(detail) => {
                tracing::error!(error = %detail, "the storage is full: writes are refused until space is freed");
                self.to_string()
            }
            Self::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                "internal error; the server log has the details".to_owned()
            }
        };
        let mut body = json!({ "error": { "code": status.as_u16(), "message": message } });
        if let Self::Operator { configured, .. } = &self {
            let reason = if *configured {
                "operator_token_invalid"
            } else {
                "operator_api_disabled"
            };
            body = json!({ "error": { "code": status.as_u16(), "message": message, "reason": reason } });
        }
        let mut resp = (status, Json(body)).into_response();
        if matches!(self, Self::Operator { configured: true, .. } | Self::SignedOut(_)) {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        } else if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"kiroku\""),
            );
        }
        resp
    }
}

/// What a client may be told (never the detail of an internal error).
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Lrs(e) => e.fmt(f),
            Self::Package(e) => e.fmt(f),
            Self::Unauthorized(m)
            | Self::SignedOut(m)
            | Self::Operator { message: m, .. }
            | Self::Throttled { message: m, .. } => f.write_str(m),
            Self::Tenant(r) => r.fmt(f),
            Self::Launch(r) => r.fmt(f),
            Self::SetRefused(r) => RuntimeError::Refused(r.clone()).fmt(f),
            Self::NavRefused(r) => f.write_str(&r.message),
            Self::Page(p) => f.write_str(&page_message(p, crate::i18n::Lang::DEFAULT)),
            Self::WebPage(why, _) => write!(f, "page refused: {why:?}"),
            Self::NotReady(_) => f.write_str(
                "the service's database does not answer right now: nothing of this request was stored; \
                 try again shortly",
            ),
            Self::StorageFull(_) => f.write_str(
                "the service's storage is full: nothing of this request was stored; reading goes on, \
                 and writing resumes once the operator frees space",
            ),
            Self::TooSlow => f.write_str("the request body arrived too slowly; the connection is closed"),
            Self::Internal(_) => f.write_str("internal error"),
        }
    }
}

impl From<TenantRefusal> for ApiError {
    fn from(r: TenantRefusal) -> Self {
        Self::Tenant(r)
    }
}

impl From<LaunchRefusal> for ApiError {
    fn from(e: LaunchRefusal) -> Self {
        Self::Launch(e)
    }
}

impl From<PackageError> for ApiError {
    fn from(e: PackageError) -> Self {
        Self::Package(e)
    }
}

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Package(p) => Self::Package(p),
            ImportError::Store(s) => s.into(),
            other if says_disk_full(&other.to_string()) => Self::StorageFull(other.to_string()),
            other => Self::Internal(other.to_string()),
        }
    }
}

/// `{"error": {"code", "reason", "message"}}`; a storage quota also names its `rule`, as
/// package refusals do; a rate limit says when to retry.
fn refusal_response(status: StatusCode, r: &TenantRefusal) -> Response {
    let mut e = json!({ "code": status.as_u16(), "reason": r.reason(), "message": r.to_string() });
    if let TenantRefusal::Quota(q) = r {
        e.put("limit", json!(q.limit));
        if q.kind == QuotaKind::Storage {
            e.put("rule", json!(q.reason()));
        }
    }
    let mut resp = (status, Json(json!({ "error": e }))).into_response();
    if let TenantRefusal::RateLimited { retry_after_secs, .. } = r
        && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

fn package_error_body(status: StatusCode, p: &PackageError) -> serde_json::Value {
    let mut e = json!({ "code": status.as_u16(), "rule": p.rule(), "message": p.to_string() });
    if let Some(f) = p.file() {
        e.put("file", json!(f));
    }
    if let Some(pos) = p.position() {
        e.put("line", json!(pos.line));
        e.put("column", json!(pos.column));
    }
    json!({ "error": e })
}

/// The sentence a learner reads on a refused content request, in their language.
fn page_message(p: &PageRefusal, lang: Lang) -> String {
    let id = match p {
        PageRefusal::LinkInvalid(_) => "player-content-link",
        PageRefusal::NotInCourse => "player-content-not-in-course",
        PageRefusal::Unavailable(_) => "player-content-unavailable",
        PageRefusal::Unsatisfiable { .. } => "player-content-not-in-course",
    };
    crate::i18n::t(lang, id)
}

/// A refused content request as a small HTML page (never cached), or a bare 416.
fn page_response(status: StatusCode, p: &PageRefusal, lang: Lang) -> Response {
    match p {
        PageRefusal::Unavailable(detail) => tracing::error!(error = %detail, "reading package content"),
        PageRefusal::Unsatisfiable { size } => {
            let mut r = status.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return r;
        }
        PageRefusal::LinkInvalid(why) => tracing::debug!(why = %why, "launch link refused"),
        PageRefusal::NotInCourse => {}
    }
    let mut r = html_page_in(status, &page_message(p, lang), lang);
    set_lang(&mut r, lang);
    r
}

/// What a learner's browser gets for a refused player or content request, in their
/// language (`lang`): a refused file or launch link, a launch refused for what it names
/// (`LaunchRefusal`, its `reason` in `data-reason`), a refused tenant
/// (`http::gate::refusal_page`). Other errors answer as everywhere else.
pub fn learner_page(e: ApiError, lang: Lang) -> Response {
    let status = e.status();
    let (text, reason) = match e {
        ApiError::Page(p) => return page_response(status, &p, lang),
        ApiError::Tenant(r) => return crate::http::gate::refusal_page(&r, lang),
        ApiError::Launch(r) => {
            let id = format!("player-js-refusal-{}", r.reason().replace('_', "-"));
            (crate::i18n::t(lang, &id), r.reason())
        }
        ApiError::Lrs(LrsError::Forbidden(why)) => {
            tracing::debug!(why = %why, "player launch link refused");
            (crate::i18n::t(lang, "player-refused-link"), "link_invalid")
        }
        other => return other.into_response(),
    };
    let t = |id: &str| crate::i18n::escape_html(&crate::i18n::t(lang, id));
    let page = format!(
        "<!doctype html><html lang=\"{code}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{title}</title></head>\
         <body style=\"font:16px sans-serif;margin:2em\"><main><h1>{heading}</h1>\
         <p id=\"reason\" data-reason=\"{reason}\">{text}</p><p>{again}</p></main></body></html>",
        code = lang.code(),
        title = t("player-refused-title"),
        heading = t("player-refused-heading"),
        text = crate::i18n::escape_html(&text),
        again = t("player-refused-again"),
    );
    let mut r = (status, axum::response::Html(page)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    set_lang(&mut r, lang);
    r
}

/// A learner page's language headers: chosen from `Accept-Language` (and the cookie).
fn set_lang(r: &mut Response, lang: Lang) {
    let h = r.headers_mut();
    h.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
    h.insert(header::VARY, HeaderValue::from_static("accept-language, cookie"));
}

/// A minimal HTML page saying `message` (escaped), never cached.
pub fn html_page(status: StatusCode, message: &str) -> Response {
    html_page_in(status, message, Lang::DEFAULT)
}

/// `html_page` in the language `lang` (its `lang` attribute).
fn html_page_in(status: StatusCode, message: &str, lang: Lang) -> Response {
    let text: String = message
        .chars()
        .map(|c| match c {
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '&' => "&amp;".to_owned(),
            '"' => "&quot;".to_owned(),
            c => c.to_string(),
        })
        .collect();
    let page = format!(
        "<!doctype html><html lang={code}><meta charset=utf-8><title>{text}</title><p style=\"font:16px sans-serif;margin:2em\">{text}</p>",
        code = lang.code()
    );
    let mut r = (status, page).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
