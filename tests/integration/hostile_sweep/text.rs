//! The sweep's randomness: a seeded generator (SplitMix64, so a run is reproduced from its
//! seed alone) and the hostile pieces every request class draws on: multi-byte text
//! inserted at any offset, control characters, numbers at and past every edge, broken
//! JSON, and percent-encoding for ids that go into a path.

use serde_json::{Value, json};

/// SplitMix64: small, fast, and the same sequence on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }

    /// An index into `weights`, each chosen in proportion to its weight.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut at = (self.next_u64() % u64::from(total)) as u32;
        for (i, w) in weights.iter().enumerate() {
            if at < *w {
                return i;
            }
            at -= w;
        }
        weights.len() - 1
    }
}

/// Characters of every UTF-8 length, combining marks, direction overrides, zero-width
/// ones, a replacement character and characters that look like ASCII digits and dots.
pub const MULTI: &[&str] = &[
    "é",
    "ß",
    "日",
    "本",
    "語",
    "問",
    "😀",
    "𝟘",
    "\u{301}",
    "\u{202E}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{FFFD}",
    "٣",
    "８",
    "．",
    "ａ",
    "Ω",
    "\u{10FFFF}",
    "🇯🇵",
    "ё",
    "ı",
    "İ",
];

/// Characters that break naive parsers: controls, separators, quotes, escapes.
pub const NASTY: &[&str] = &[
    "\u{0}", "\u{1}", "\t", "\n", "\r", "\u{7f}", "\u{85}", "\u{2028}", "\"", "'", "\\", "/", "%", "%00", "../", "{",
    "}", "[", "]", ",", ".", ":", "=", "&", "?", "#", "+", "<script>", "${x}", " ",
];

/// `s` with one multi-byte (or nasty) character inserted at a character offset chosen at
/// random, every offset from the start to the end equally likely.
pub fn insert_at_any_offset(rng: &mut Rng, s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let at = rng.below(chars.len() + 1);
    let piece = if rng.chance(75) {
        rng.pick(MULTI)
    } else {
        rng.pick(NASTY)
    };
    let mut out: String = chars.iter().take(at).collect();
    out.push_str(piece);
    out.extend(chars.iter().skip(at));
    out
}

/// `s` with its character at a random offset replaced by a multi-byte one.
pub fn replace_at_any_offset(rng: &mut Rng, s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return rng.pick(MULTI).to_string();
    }
    let at = rng.below(chars.len());
    let piece = rng.pick(MULTI);
    let mut out: String = chars.iter().take(at).collect();
    out.push_str(piece);
    out.extend(chars.iter().skip(at + 1));
    out
}

/// Text of about `len` characters mixing ASCII and multi-byte characters.
pub fn mixed_text(rng: &mut Rng, len: usize) -> String {
    let mut s = String::new();
    for _ in 0..len {
        if rng.chance(30) {
            s.push_str(rng.pick(MULTI));
        } else {
            s.push(char::from(b'a' + (rng.below(26) as u8)));
        }
    }
    s
}

/// A value derived from `base`: usually `base` with something inserted or replaced at a
/// random offset, sometimes an edge of its own (empty, very long, only multi-byte).
pub fn hostile_text(rng: &mut Rng, base: &str) -> String {
    match rng.below(10) {
        0..=3 => insert_at_any_offset(rng, base),
        4 | 5 => replace_at_any_offset(rng, base),
        6 => String::new(),
        7 => rng.pick(MULTI).repeat(1 + rng.below(300)),
        8 => {
            let len = rng.pick(&[255, 256, 1000, 1001, 4096, 4097, 64_000, 64_001]);
            mixed_text(rng, len)
        }
        _ => format!("{base}{}", rng.pick(NASTY)),
    }
}

/// Numbers at and past the edges, as JSON text (some are not valid JSON).
pub const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "1.5",
    "-1.5",
    "0.0000001",
    "1e30",
    "1e308",
    "1e309",
    "-1e309",
    "1e-400",
    "NaN",
    "Infinity",
    "-Infinity",
    "4294967295",
    "4294967296",
    "9007199254740991",
    "9007199254740992",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775809",
    "123456789012345678901234567890",
    "0x10",
    "1_000",
    "01",
    "+1",
    ".5",
    "5.",
    "1e",
    "\"1\"",
    "null",
    "true",
    "[]",
    "{}",
    "[1]",
    "\"\"",
];

/// Numbers as the text of a SCORM value (decimal, score, index).
pub const NUMBER_TEXT: &[&str] = &[
    "0",
    "-0",
    "100",
    "100.0000001",
    "-1",
    "1e3",
    "1E3",
    "NaN",
    "Infinity",
    "inf",
    "0x10",
    "٣",
    "８",
    "1.",
    ".5",
    "+5",
    "99999999999999999999999999999",
    "1e309",
    "-1e309",
    "0.5 ",
    " 0.5",
    "5,5",
    "",
];

/// A JSON value nested `depth` levels deep (arrays and objects alternating).
pub fn deep(depth: usize) -> Value {
    let mut v = json!("bottom");
    for i in 0..depth {
        v = if i % 2 == 0 { json!([v]) } else { json!({ "k": v }) };
    }
    v
}

/// Nested JSON as text, which can go deeper than a `Value` can be dropped safely.
pub fn deep_text(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

/// `body` cut at a random byte (possibly inside a multi-byte character).
pub fn truncated(rng: &mut Rng, body: &[u8]) -> Vec<u8> {
    if body.is_empty() {
        return Vec::new();
    }
    body[..rng.below(body.len())].to_vec()
}

/// `body` with a few bytes flipped.
pub fn flipped(rng: &mut Rng, body: &[u8]) -> Vec<u8> {
    let mut out = body.to_vec();
    if out.is_empty() {
        return out;
    }
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len());
        out[at] ^= 1 << rng.below(8);
    }
    out
}

/// Percent-encodes everything but unreserved ASCII (for ids in a path or a query).
pub fn pct(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A hostile id derived from `base`, as it may go into a path.
pub fn hostile_path(rng: &mut Rng, base: &str) -> String {
    let id = hostile_id(rng, base);
    path_id(rng, &id)
}

/// An id as it may go into a path: well encoded, raw traversal, or double-encoded.
pub fn path_id(rng: &mut Rng, id: &str) -> String {
    match rng.below(8) {
        0 => "..".into(),
        1 => format!("..%2F..%2F{}", pct(id)),
        2 => format!("%252e%252e%252f{}", pct(id)),
        3 => format!("{}%00", pct(id)),
        4 => "%C0%AE%C0%AE".into(),
        5 => "%FF%FE".into(),
        _ => pct(id),
    }
}

/// A hostile id: multi-byte, control characters, traversal, very long or empty.
pub fn hostile_id(rng: &mut Rng, base: &str) -> String {
    match rng.below(8) {
        0 => "../../etc/passwd".into(),
        1 => "\u{0}".into(),
        2 => "a".repeat(rng.pick(&[255, 256, 1024, 100_000])),
        3 => String::new(),
        _ => hostile_text(rng, base),
    }
}
