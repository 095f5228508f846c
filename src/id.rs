//! Identifiers kiroku makes.

/// A new id: a version 7 UUID (milliseconds first, then random bits), so ids
/// the LRS assigns arrive in order and index inserts stay local.
pub fn new_uuid() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the operating system's random source failed");
    let ms = u64::try_from(crate::clock::now_ms()).unwrap_or(0);
    b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    b[6] = (b[6] & 0x0f) | 0x70;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid_text(b)
}

/// The hyphenated lowercase text of 16 UUID bytes (`8-4-4-4-12` hex digits).
pub fn uuid_text(b: [u8; 16]) -> String {
    let mut out = String::with_capacity(36);
    for (i, x) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push_str(&format!("{x:02x}"));
    }
    out
}
