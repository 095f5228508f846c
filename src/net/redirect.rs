//! The optional plain-HTTP listener (`--redirect-listen`) that sends every request to the
//! same path on HTTPS: 308 Permanent Redirect, so that a method and its body are resent
//! as they were. A request whose `Host` names the content origin's host goes to the
//! content origin's public URL, any other to the app origin's.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::Redirect;

/// Where redirected requests go: `scheme://authority` of each origin's public URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectTargets {
    app: String,
    /// The content origin's host (lower case) and its `scheme://authority`, when its host
    /// is not the app origin's (a redirect on one port cannot tell two ports apart).
    content: Option<(String, String)>,
}

impl RedirectTargets {
    /// From the public URLs of the app and content origins.
    pub fn new(public_url: &str, content_url: &str) -> Self {
        let app = origin_of(public_url);
        let content = origin_of(content_url).filter(|(host, _)| app.as_ref().is_none_or(|(h, _)| h != host));
        Self {
            app: app.map_or_else(|| public_url.to_owned(), |(_, origin)| origin),
            content,
        }
    }

    /// The address a request for `host` (the `Host` header) and `path` goes to.
    pub fn location(&self, host: Option<&str>, path_and_query: &str) -> String {
        let host = host
            .and_then(|h| h.parse::<axum::http::uri::Authority>().ok())
            .map(|a| a.host().to_ascii_lowercase());
        let base = match (&self.content, host) {
            (Some((content_host, content)), Some(h)) if *content_host == h => content,
            _ => &self.app,
        };
        format!("{base}{path_and_query}")
    }
}

/// `(host, scheme://authority)` of a URL.
fn origin_of(url: &str) -> Option<(String, String)> {
    let uri = url.parse::<Uri>().ok()?;
    let scheme = uri.scheme_str()?;
    let authority = uri.authority()?;
    Some((authority.host().to_ascii_lowercase(), format!("{scheme}://{authority}")))
}

/// Every request, whatever its method and path, is redirected.
pub fn router(targets: RedirectTargets) -> Router {
    Router::new().fallback(redirect).with_state(targets)
}

async fn redirect(State(targets): State<RedirectTargets>, headers: HeaderMap, uri: Uri) -> Redirect {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let location = targets.location(host, path);
    // `Redirect` panics on a value that is not a header; hyper has checked the path and
    // the public URLs were parsed, but a failure must not take the connection down.
    if HeaderValue::from_str(&location).is_ok() {
        Redirect::permanent(&location)
    } else {
        Redirect::permanent(&targets.app)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_go_to_the_origin_their_host_names() {
        let t = RedirectTargets::new("https://lrs.example.com/base", "https://content.example.com:8443");
        let cases = [
            (
                Some("lrs.example.com"),
                "/xapi/about?x=1",
                "https://lrs.example.com/xapi/about?x=1",
            ),
            (Some("LRS.example.com:80"), "/", "https://lrs.example.com/"),
            (
                Some("content.example.com"),
                "/content/g/a.html",
                "https://content.example.com:8443/content/g/a.html",
            ),
            (
                Some("content.example.com:80"),
                "/p",
                "https://content.example.com:8443/p",
            ),
            (Some("other.example"), "/p", "https://lrs.example.com/p"),
            (None, "/p", "https://lrs.example.com/p"),
            (Some("bad host"), "/p", "https://lrs.example.com/p"),
        ];
        for (host, path, expected) in cases {
            assert_eq!(t.location(host, path), expected, "{host:?} {path}");
        }
    }

    #[test]
    fn one_host_for_both_origins_goes_to_the_app_origin() {
        let t = RedirectTargets::new("https://example.com", "https://example.com:8443");
        assert_eq!(t.location(Some("example.com"), "/a"), "https://example.com/a");
    }
}
