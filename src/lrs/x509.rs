//! Just enough DER to take the public key out of an X.509 certificate (the `x5c` header
//! of a signed statement): Certificate → tbsCertificate → subjectPublicKeyInfo.

/// One DER element: its tag, and its content bytes; also the whole element's bytes.
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
    whole: &'a [u8],
}

fn read_tlv(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let (len_bytes, after) = rest.split_at_checked(n)?;
        rest = after;
        len_bytes.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    };
    if rest.len() < len {
        return None;
    }
    let header = input.len() - rest.len();
    let (content, after) = rest.split_at_checked(len)?;
    Some((
        Tlv {
            tag,
            content,
            whole: input.get(..header + len)?,
        },
        after,
    ))
}

const SEQUENCE: u8 = 0x30;
const VERSION_TAG: u8 = 0xa0;

/// The DER SubjectPublicKeyInfo of a DER certificate.
pub fn subject_public_key_info(cert: &[u8]) -> Option<&[u8]> {
    let (certificate, _) = read_tlv(cert)?;
    if certificate.tag != SEQUENCE {
        return None;
    }
    let (tbs, _) = read_tlv(certificate.content)?;
    if tbs.tag != SEQUENCE {
        return None;
    }
    let mut rest = tbs.content;
    let mut fields = Vec::new();
    while !rest.is_empty() {
        let (field, next) = read_tlv(rest)?;
        fields.push(field);
        rest = next;
    }
    // [0] version (optional), serialNumber, signature, issuer, validity, subject, SPKI.
    let skip = usize::from(fields.first()?.tag == VERSION_TAG);
    let spki = fields.get(skip + 5)?;
    (spki.tag == SEQUENCE).then_some(spki.whole)
}
