//! AWS Signature Version 4 for S3 requests (header-based), and the parts of a
//! ListObjectsV2 answer kiroku reads.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// What a request signature covers.
pub struct Signing<'a> {
    pub method: &'a str,
    pub host: &'a str,
    /// The unencoded path, `/bucket/key`.
    pub path: &'a str,
    pub query: &'a [(&'a str, &'a str)],
    /// Extra headers to send and sign (lower-case names).
    pub headers: &'a [(&'a str, String)],
    pub payload_sha256: &'a str,
    pub region: &'a str,
    pub access_key: &'a str,
    pub secret_key: &'a str,
}

/// The request line parts and every header to send.
pub struct Signed {
    pub encoded_path: String,
    /// `?…` or empty.
    pub query_suffix: String,
    pub headers: Vec<(String, String)>,
}

/// RFC 3986 percent-encoding as SigV4 wants it (`/` kept in paths).
fn encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let unreserved = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
        if unreserved || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// `YYYYMMDD'T'HHMMSS'Z'` of epoch milliseconds.
fn amz_date(now_ms: i64) -> String {
    crate::clock::format_ms(now_ms)
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .take(15)
        .collect::<String>()
        + "Z"
}

pub fn sign(s: &Signing<'_>, now_ms: i64) -> Signed {
    let date_time = amz_date(now_ms);
    let date = date_time.get(..8).unwrap_or(&date_time);
    let encoded_path = encode(s.path, true);
    let mut query: Vec<(String, String)> = s
        .query
        .iter()
        .map(|(k, v)| (encode(k, false), encode(v, false)))
        .collect();
    query.sort();
    let canonical_query = query
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let mut headers: Vec<(String, String)> = vec![
        ("host".into(), s.host.to_owned()),
        ("x-amz-content-sha256".into(), s.payload_sha256.to_owned()),
        ("x-amz-date".into(), date_time.clone()),
    ];
    headers.extend(
        s.headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_owned())),
    );
    headers.sort();
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_headers = headers.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(";");
    let canonical_request = format!(
        "{}\n{encoded_path}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{}",
        s.method, s.payload_sha256
    );
    let scope = format!("{date}/{}/s3/aws4_request", s.region);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{date_time}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let key = [date, s.region, "s3", "aws4_request"]
        .iter()
        .fold(format!("AWS4{}", s.secret_key).into_bytes(), |k, part| hmac(&k, part));
    let signature = hex(&hmac(&key, &to_sign));
    headers.push((
        "authorization".into(),
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
            s.access_key
        ),
    ));
    headers.retain(|(k, _)| k != "host");
    Signed {
        encoded_path,
        query_suffix: if canonical_query.is_empty() {
            String::new()
        } else {
            format!("?{canonical_query}")
        },
        headers,
    }
}

/// A page of ListObjectsV2.
pub struct ListPage {
    pub keys: Vec<String>,
    /// The continuation token when the listing is truncated.
    pub next: Option<String>,
}

/// The texts of every `<tag>` element, in order.
pub(super) fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some((_, after)) = rest.split_once(open.as_str()) {
        let Some((element, next)) = after.split_once(close.as_str()) else {
            break;
        };
        out.push(element);
        rest = next;
    }
    out
}

pub fn parse_list(xml: &str) -> ListPage {
    let truncated = elements(xml, "IsTruncated").first().is_some_and(|v| *v == "true");
    ListPage {
        keys: elements(xml, "Key").into_iter().map(str::to_owned).collect(),
        next: truncated
            .then(|| elements(xml, "NextContinuationToken").first().map(|t| (*t).to_owned()))
            .flatten(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's documented example (GET /test.txt with a range, examplebucket, 2013-05-24).
    #[test]
    fn matches_the_aws_documentation_example() {
        let s = Signing {
            method: "GET",
            host: "examplebucket.s3.amazonaws.com",
            path: "/test.txt",
            query: &[],
            headers: &[("range", "bytes=0-9".to_owned())],
            payload_sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            region: "us-east-1",
            access_key: "AKIAIOSFODNN7EXAMPLE",
            secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        };
        // 2013-05-24T00:00:00Z
        let signed = sign(&s, 1_369_353_600_000);
        let auth = signed
            .headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        assert!(
            auth.ends_with("Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
            "{auth}"
        );
    }

    #[test]
    fn list_pages_give_keys_and_the_continuation() {
        let xml = "<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>ab/cd</Key></Contents>\
                   <Contents><Key>ef/01</Key></Contents><NextContinuationToken>tok</NextContinuationToken></ListBucketResult>";
        let page = parse_list(xml);
        assert_eq!(page.keys, ["ab/cd", "ef/01"]);
        assert_eq!(page.next.as_deref(), Some("tok"));
    }
}
