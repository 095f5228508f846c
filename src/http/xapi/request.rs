//! One xAPI request, decoded from HTTP: method, resource, parameters, headers and body.
//! The 1.0.3 alternate request syntax (`POST ?method=PUT` with a form body carrying the
//! headers, parameters and content) is decoded into the same shape.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};

use crate::lrs::LrsError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Statements,
    State,
    ActivityProfile,
    AgentProfile,
    Activities,
    Agents,
    About,
}

impl Resource {
    pub fn from_path(path: &str) -> Option<Self> {
        Some(match path.trim_end_matches('/') {
            "statements" => Self::Statements,
            "activities/state" => Self::State,
            "activities/profile" => Self::ActivityProfile,
            "agents/profile" => Self::AgentProfile,
            "activities" => Self::Activities,
            "agents" => Self::Agents,
            "about" => Self::About,
            _ => return None,
        })
    }
}

#[derive(Debug)]
pub struct XapiRequest {
    pub method: Method,
    pub resource: Resource,
    pub params: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// True when decoded from the alternate request syntax.
    pub alternate: bool,
}

impl XapiRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The media type of the body, lowercased, without parameters.
    pub fn media_type(&self) -> String {
        self.header("content-type")
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }
}

pub fn parse_query(q: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(q.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// Form fields of the alternate syntax that are headers rather than parameters.
const HEADER_FIELDS: [&str; 7] = [
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
    "accept-language",
];

/// Builds the request, decoding the alternate syntax when `?method=` is present.
pub fn decode(
    method: Method,
    resource: Resource,
    query: Option<&str>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<XapiRequest, LrsError> {
    let params = parse_query(query);
    let Some((_, alt_method)) = params.iter().find(|(k, _)| k == "method") else {
        return Ok(XapiRequest {
            method,
            resource,
            params,
            headers,
            body,
            alternate: false,
        });
    };
    if method != Method::POST {
        return Err(LrsError::bad(
            "the method parameter is only allowed on POST (alternate request syntax)",
        ));
    }
    if params.len() != 1 {
        return Err(LrsError::bad(
            "with the alternate request syntax, method must be the only query parameter",
        ));
    }
    let alt_method = match alt_method.to_ascii_uppercase().as_str() {
        "GET" => Method::GET,
        "PUT" => Method::PUT,
        "POST" => Method::POST,
        "DELETE" => Method::DELETE,
        "HEAD" => Method::HEAD,
        other => {
            return Err(LrsError::bad(format!(
                "unsupported method {other:?} in alternate request syntax"
            )));
        }
    };
    let media = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    if !media
        .to_ascii_lowercase()
        .starts_with("application/x-www-form-urlencoded")
    {
        return Err(LrsError::bad(
            "the alternate request syntax needs an application/x-www-form-urlencoded body",
        ));
    }
    // Real headers stay (clients may send Authorization as a header); form fields that
    // name headers override them. The outer body's type and length are not the content's.
    let mut new_headers = headers.clone();
    new_headers.remove("content-type");
    new_headers.remove("content-length");
    let mut new_params = Vec::new();
    let mut content = Bytes::new();
    for (k, v) in form_urlencoded::parse(&body) {
        let lower = k.to_ascii_lowercase();
        if lower == "content" {
            content = Bytes::from(v.into_owned().into_bytes());
        } else if HEADER_FIELDS.contains(&lower.as_str()) {
            let name = HeaderName::from_bytes(lower.as_bytes()).map_err(|_| LrsError::bad("bad header name"))?;
            let value = HeaderValue::from_str(&v).map_err(|_| LrsError::bad(format!("bad value for {k}")))?;
            new_headers.insert(name, value);
        } else {
            new_params.push((k.into_owned(), v.into_owned()));
        }
    }
    if !new_headers.contains_key("content-type") && !content.is_empty() {
        new_headers.insert("content-type", HeaderValue::from_static("application/json"));
    }
    Ok(XapiRequest {
        method: alt_method,
        resource,
        params: new_params,
        headers: new_headers,
        body: content,
        alternate: true,
    })
}
