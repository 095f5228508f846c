//! Decompresses a gzip body with what the crate already has: the gzip member's raw
//! deflate stream is wrapped in a one-entry zip (same CRC-32, same sizes) and read back
//! through the `zip` crate, which inflates it and checks the CRC.

use std::io::{Cursor, Read};

fn le16(v: usize) -> [u8; 2] {
    u16::try_from(v).expect("fits in 16 bits").to_le_bytes()
}

fn le32(v: usize) -> [u8; 4] {
    u32::try_from(v).expect("fits in 32 bits").to_le_bytes()
}

/// The deflate data, CRC-32 and size of a single-member gzip file (RFC 1952).
fn parse(gz: &[u8]) -> (&[u8], [u8; 4], [u8; 4]) {
    assert!(
        gz.len() >= 18 && gz[..3] == [0x1f, 0x8b, 8],
        "not a gzip stream: {:02x?}",
        &gz[..gz.len().min(4)]
    );
    let flags = gz[3];
    let mut at = 10;
    if flags & 4 != 0 {
        at += 2 + usize::from(u16::from_le_bytes([gz[at], gz[at + 1]]));
    }
    for bit in [8, 16] {
        if flags & bit != 0 {
            at += gz[at..].iter().position(|b| *b == 0).expect("NUL-terminated field") + 1;
        }
    }
    if flags & 2 != 0 {
        at += 2;
    }
    let end = gz.len() - 8;
    let crc = gz[end..end + 4].try_into().expect("4 bytes");
    let size = gz[end + 4..].try_into().expect("4 bytes");
    (&gz[at..end], crc, size)
}

/// The decompressed bytes of a gzip body.
pub fn gunzip(gz: &[u8]) -> Vec<u8> {
    let (data, crc, size) = parse(gz);
    let name = b"x";
    let mut zip = Vec::new();
    // Local header: version 2.0, no flags, method 8 (deflate), time 0, date 1980-01-01.
    zip.extend_from_slice(&[0x50, 0x4b, 3, 4, 20, 0, 0, 0, 8, 0, 0, 0, 0x21, 0]);
    zip.extend_from_slice(&crc);
    zip.extend_from_slice(&le32(data.len()));
    zip.extend_from_slice(&size);
    zip.extend_from_slice(&le16(name.len()));
    zip.extend_from_slice(&[0, 0]);
    zip.extend_from_slice(name);
    zip.extend_from_slice(data);
    let central = zip.len();
    zip.extend_from_slice(&[0x50, 0x4b, 1, 2, 20, 0, 20, 0, 0, 0, 8, 0, 0, 0, 0x21, 0]);
    zip.extend_from_slice(&crc);
    zip.extend_from_slice(&le32(data.len()));
    zip.extend_from_slice(&size);
    zip.extend_from_slice(&le16(name.len()));
    // Extra, comment, disk, internal and external attributes, local header offset 0.
    zip.extend_from_slice(&[0; 16]);
    zip.extend_from_slice(name);
    let central_len = zip.len() - central;
    zip.extend_from_slice(&[0x50, 0x4b, 5, 6, 0, 0, 0, 0, 1, 0, 1, 0]);
    zip.extend_from_slice(&le32(central_len));
    zip.extend_from_slice(&le32(central));
    zip.extend_from_slice(&[0, 0]);
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).expect("wrapped gzip stream");
    let mut out = Vec::new();
    archive
        .by_index(0)
        .expect("entry")
        .read_to_end(&mut out)
        .expect("inflate the gzip body (CRC checked)");
    out
}
