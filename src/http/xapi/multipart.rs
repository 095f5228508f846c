//! `multipart/mixed` bodies: statements followed by attachment parts, in requests and in
//! `attachments=true` responses.

use axum::body::Bytes;

use crate::lrs::LrsError;

#[derive(Debug)]
pub struct Part {
    /// Lowercased header names with their values.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Part {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// The `boundary` parameter of a Content-Type header.
pub fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// RFC 2046 §5.1.1: a boundary is 1 to 70 characters.
pub const MAX_BOUNDARY: usize = 70;

/// Checks a boundary parameter: present, and 1 to 70 characters (RFC 2046), so that the
/// cost of searching a body for it stays bounded by the body's length.
pub fn check_boundary(boundary: Option<String>) -> Result<String, LrsError> {
    let b = boundary.ok_or_else(|| LrsError::bad("multipart/mixed without a boundary"))?;
    if b.is_empty() || b.chars().count() > MAX_BOUNDARY {
        return Err(LrsError::bad(format!(
            "the multipart boundary must be 1 to {MAX_BOUNDARY} characters (RFC 2046), not {}",
            b.chars().count()
        )));
    }
    Ok(b)
}

/// The first `needle` in `hay` at or after `from`, in time linear in `hay`'s length
/// (two-way search), whatever the needle.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    memchr::memmem::find(hay.get(from..)?, needle).map(|i| i + from)
}

fn bad(msg: &str) -> LrsError {
    LrsError::bad(format!("malformed multipart/mixed body: {msg}"))
}

/// Splits a multipart body into parts.
pub fn parse(body: &Bytes, boundary: &str) -> Result<Vec<Part>, LrsError> {
    let delim = format!("--{boundary}");
    let delim = delim.as_bytes();
    let mut pos = find(body, delim, 0).ok_or_else(|| bad("the boundary does not occur"))?;
    let mut parts = Vec::new();
    loop {
        pos += delim.len();
        let rest = body.get(pos..).unwrap_or_default();
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        let line_end = find(body, b"\r\n", pos).ok_or_else(|| bad("a boundary line is not terminated by CRLF"))?;
        let head_start = line_end + 2;
        let (head_end, body_start) = match find(body, b"\r\n\r\n", head_start) {
            Some(i) if i >= head_start => (i, i + 4),
            _ if body.get(head_start..).is_some_and(|b| b.starts_with(b"\r\n")) => (head_start, head_start + 2),
            _ => return Err(bad("a part has no blank line after its headers")),
        };
        let headers = parse_headers(body.get(head_start..head_end).unwrap_or_default())?;
        let mut next_delim = Vec::with_capacity(delim.len() + 2);
        next_delim.extend_from_slice(b"\r\n");
        next_delim.extend_from_slice(delim);
        let end = find(body, &next_delim, body_start).ok_or_else(|| bad("a part is not closed by the boundary"))?;
        parts.push(Part {
            headers,
            body: body.slice(body_start..end),
        });
        pos = end + 2;
    }
}

fn parse_headers(raw: &[u8]) -> Result<Vec<(String, String)>, LrsError> {
    let text = std::str::from_utf8(raw).map_err(|_| bad("part headers are not UTF-8"))?;
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (k, v) = l.split_once(':').ok_or_else(|| bad("a part header has no colon"))?;
            Ok((k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        })
        .collect()
}

/// One part to write: its headers and its bytes.
pub type OutPart<'a> = (Vec<(&'a str, String)>, &'a [u8]);

/// Writes a multipart/mixed body.
pub fn write(boundary: &str, parts: &[OutPart]) -> Vec<u8> {
    let mut out = Vec::new();
    for (headers, body) in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        for (k, v) in headers {
            out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(body);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Any body and boundary is split or refused, never a panic; what `write` makes,
        /// `parse` reads back part for part.
        #[test]
        fn parse_never_panics_and_reads_back_what_write_makes(
            boundary in "[A-Za-z0-9'()+_,./:=?-]{1,70}",
            bodies in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..64), 1..4),
            noise in prop::collection::vec(any::<u8>(), 0..256),
        ) {
            let _ = parse(&Bytes::from(noise.clone()), &boundary);
            let parts: Vec<OutPart<'_>> = bodies.iter().map(|b| (vec![("Content-Type", "application/octet-stream".to_owned())], b.as_slice())).collect();
            let written = write(&boundary, &parts);
            // A body that happens to hold the delimiter cannot round-trip; any other must.
            let delimiter = format!("\r\n--{boundary}");
            let clean = bodies.iter().all(|b| memchr::memmem::find(b, delimiter.as_bytes()).is_none() && !b.ends_with(b"\r"));
            if clean {
                let read = parse(&Bytes::from(written), &boundary).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(read.len(), bodies.len());
                for (part, body) in read.iter().zip(&bodies) {
                    prop_assert_eq!(&part.body[..], body.as_slice());
                }
            }
        }
    }

    #[test]
    fn round_trip() {
        let body = write(
            "xyz",
            &[
                (vec![("Content-Type", "application/json".into())], b"{}"),
                (vec![("X-Experience-API-Hash", "ab".into())], b"hello"),
            ],
        );
        let parts = parse(&Bytes::from(body), "xyz").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(&parts[0].body[..], b"{}");
        assert_eq!(parts[1].header("x-experience-api-hash"), Some("ab"));
        assert_eq!(&parts[1].body[..], b"hello");
    }
}
