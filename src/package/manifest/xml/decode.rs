//! From bytes to text: the size limit, the byte-order mark, UTF-8 (or UTF-16 with a BOM),
//! and line/column positions of byte offsets.

use std::borrow::Cow;

use crate::package::{PackageError, PackageLimits, XmlPos};

type Result<T> = std::result::Result<T, PackageError>;

/// Checks the size, strips a byte-order mark and decodes UTF-8 (or UTF-16 with a BOM).
pub(in crate::package::manifest) fn decode<'a>(
    file: &str,
    bytes: &'a [u8],
    limits: &PackageLimits,
) -> Result<Cow<'a, str>> {
    if bytes.len() as u64 > limits.max_xml_bytes {
        return Err(PackageError::XmlTooLarge {
            file: file.to_owned(),
            limit: limits.max_xml_bytes,
        });
    }
    let utf16 = |bytes: &[u8], unit: fn([u8; 2]) -> u16| {
        // `chunks_exact(2)` yields pairs only; the other arm never runs.
        let units = bytes.chunks_exact(2).map(|pair| match pair {
            [a, b] => unit([*a, *b]),
            _ => 0xFFFD,
        });
        char::decode_utf16(units)
            .collect::<std::result::Result<String, _>>()
            .ok()
    };
    let malformed = |message: &str| PackageError::XmlMalformed {
        file: file.to_owned(),
        pos: XmlPos { line: 1, column: 1 },
        message: message.to_owned(),
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(file, rest),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes)
            .map(Cow::Owned)
            .ok_or_else(|| malformed("bad UTF-16")),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes)
            .map(Cow::Owned)
            .ok_or_else(|| malformed("bad UTF-16")),
        _ => utf8(file, bytes),
    }
}

fn utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<Cow<'a, str>> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(err) => {
            // Valid up to here, so slicing there is on a character boundary.
            let valid = String::from_utf8_lossy(bytes.get(..err.valid_up_to()).unwrap_or_default());
            Err(PackageError::XmlMalformed {
                file: file.to_owned(),
                pos: position(&valid, err.valid_up_to() as u64),
                message: "the file is not UTF-8 (other encodings are not supported)".to_owned(),
            })
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(super) fn position(src: &str, offset: u64) -> XmlPos {
    let mut end = usize::try_from(offset).unwrap_or(usize::MAX).min(src.len());
    while !src.is_char_boundary(end) {
        end -= 1;
    }
    let before = src.get(..end).unwrap_or(src);
    let line = before.bytes().filter(|b| *b == b'\n').count() as u64 + 1;
    let current = before.rsplit_once('\n').map_or(before, |(_, l)| l);
    let column = current.chars().count() as u64 + 1;
    XmlPos { line, column }
}

#[cfg(test)]
mod tests {
    use super::position;

    #[test]
    fn positions_are_one_based_in_characters() {
        let src = "ab\nçd\n";
        assert_eq!((position(src, 0).line, position(src, 0).column), (1, 1));
        assert_eq!((position(src, 3).line, position(src, 3).column), (2, 1));
        assert_eq!((position(src, 6).line, position(src, 6).column), (2, 3));
        assert_eq!((position(src, 99).line, position(src, 99).column), (3, 1));
    }
}
