//! The generator of the Rust ↔ bridge parity test (`parity.rs`): element names from the
//! data-model tables and values shaped by each element's data type, near its edges
//! (maximum lengths in characters, number ranges, calendar limits, delimiters), with
//! multi-byte characters (Japanese, emoji, combining marks, white space of every kind)
//! mixed in at any offset. Every choice comes from one seeded RNG.

use proptest::prelude::RngExt;
use proptest::test_runner::{RngAlgorithm, TestRng};

use kiroku::runtime::datamodel::{Access, Data, DataType, Element, Format, RULES, Version};

/// The number of items stored under `prefix` (`cmi.interactions.`), as `check.rs` counts.
fn count(data: &Data, prefix: &str) -> usize {
    data.keys()
        .filter_map(|k| k.strip_prefix(prefix)?.split('.').next()?.parse::<usize>().ok())
        .map(|i| i + 1)
        .max()
        .unwrap_or(0)
}

/// Characters mixed into values: multi-byte ones of every UTF-8 and UTF-16 width, combining
/// marks, and the separators the formats use.
const PALETTE: &[&str] = &[
    "x",
    "a",
    "Z",
    "0",
    "9",
    "-",
    ".",
    ":",
    "_",
    "/",
    "日",
    "本",
    "語",
    "ア",
    "😀",
    "🎌",
    "👩‍💻",
    "e\u{301}",
    "\u{301}",
    "\u{308}",
    "é",
    "ß",
    "Ω",
    "€",
    "{",
    "}",
    "=",
    "[",
    "]",
    ",",
    "[,]",
    "[.]",
    "[:]",
];

/// White space, control characters and look-alikes: what identifiers may or may not hold.
const SPACES: &[&str] = &[
    " ", "\t", "\n", "\u{0}", "\u{7f}", "\u{85}", "\u{a0}", "\u{1680}", "\u{180e}", "\u{2000}", "\u{200b}", "\u{2028}",
    "\u{202f}", "\u{3000}", "\u{feff}", "\u{9f}",
];

/// Characters of one UTF-16 unit and of two, to build strings of an exact character count.
const NARROW: &[&str] = &["x", "日", "é", "\u{301}", "-"];
const WIDE: &[&str] = &["😀", "🎌", "𠀋", "𝄞"];

pub struct Gen {
    pub rng: TestRng,
}

impl Gen {
    pub fn new(seed: u64) -> Self {
        let mut bytes = [0u8; 32];
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            let word = seed.rotate_left(u32::try_from(i * 16).unwrap_or(0)) ^ (i as u64);
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        Gen {
            rng: TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
        }
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { self.rng.random_range(0..n) }
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T: ?Sized>(&mut self, list: &'a [&'a T]) -> &'a T {
        list[self.below(list.len())]
    }

    /// A string of exactly `chars` characters, wide (astral) ones mixed in at random offsets
    /// (past 512 characters, a random block of 512 repeated: long values stay cheap to make).
    pub fn exact(&mut self, chars: usize) -> String {
        let wide = self.below(4);
        let block: Vec<&str> = (0..chars.min(512))
            .map(|_| {
                if self.below(4) < wide {
                    self.pick(WIDE)
                } else {
                    self.pick(NARROW)
                }
            })
            .collect();
        block.iter().cycle().take(chars).copied().collect()
    }

    /// A short text of palette characters.
    fn text(&mut self, max: usize) -> String {
        let n = self.below(max + 1);
        (0..n).map(|_| self.pick(PALETTE)).collect()
    }

    /// A character count near `spm`: at it, one below, one above, or well below (mostly
    /// well below for the largest maximums, to keep the cases small).
    fn near(&mut self, spm: usize) -> usize {
        if spm > 5000 && self.chance(75) {
            return self.below(40);
        }
        match self.below(6) {
            0 => spm.saturating_sub(1),
            1 => spm,
            2 => spm + 1,
            3 => self.below(spm.min(40) + 1),
            4 => spm + 1 + self.below(3),
            _ => self.below(8),
        }
    }

    /// Inserts `piece` at a random character offset of `value`.
    fn insert(&mut self, value: &str, piece: &str) -> String {
        let offsets: Vec<usize> = value
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(value.len()))
            .collect();
        let at = offsets[self.below(offsets.len())];
        let (head, tail) = value.split_at(at);
        format!("{head}{piece}{tail}")
    }

    /// Sometimes spoils a value: a multi-byte character or a space at any offset, or a cut.
    fn mutate(&mut self, value: String) -> String {
        match self.below(20) {
            0 | 1 => {
                let piece = self.pick(PALETTE);
                self.insert(&value, piece)
            }
            2 => {
                let piece = self.pick(SPACES);
                self.insert(&value, piece)
            }
            3 => value.chars().take(self.below(value.chars().count() + 1)).collect(),
            4 => value.to_uppercase(),
            _ => value,
        }
    }

    // ---- names -------------------------------------------------------------------------

    /// An element name of `version`: mostly a row SetValue may write, its indices among the
    /// items `data` holds or the next one; sometimes another row, or a near miss.
    pub fn name(&mut self, version: Version, data: &Data) -> String {
        let table = version.table();
        let writable: Vec<&Element> = table
            .iter()
            .filter(|e| e.access != Access::ReadOnly && e.ty != DataType::Keyword)
            .collect();
        let row = if self.chance(80) {
            writable[self.below(writable.len())]
        } else {
            &table[self.below(table.len())]
        };
        let mut segments: Vec<String> = Vec::new();
        for s in row.name.split('.') {
            let segment = if s == RULES.index {
                let prefix = format!("{}.", segments.join("."));
                let count = count(data, &prefix);
                self.index(count)
            } else if s == "{target=}" {
                format!("{{target={}}}", self.identifier(20))
            } else {
                s.to_owned()
            };
            segments.push(segment);
        }
        let name = segments.join(".");
        match self.below(40) {
            0 => format!("{name}._count"),
            1 => format!("{name}._children"),
            2 => format!("{name}._version"),
            3 => name.rsplit_once('.').map_or(name.clone(), |(p, _)| format!("{p}.nope")),
            4 => self.insert(&name, "日"),
            5 => ["", "cmi", "xyz.score.raw", "adl.nav", "cmi.", ".cmi"][self.below(6)].to_owned(),
            _ => name,
        }
    }

    /// A collection index: mostly one of the `count` items or the next, sometimes past
    /// that, with a leading zero or past `usize`.
    fn index(&mut self, count: usize) -> String {
        match self.below(50) {
            0 => "99999999999999999999999".to_owned(),
            1 => format!("0{}", self.below(3)),
            2 => "18446744073709551615".to_owned(),
            3 | 4 => (count + 1 + self.below(3)).to_string(),
            _ => self.below(count + 1).to_string(),
        }
    }

    // ---- values by data type -------------------------------------------------------------

    /// A value for `element` (`spm` the maximum in force), given the data so far.
    pub fn value(&mut self, version: Version, element: &Element, spm: usize, data: &Data, name: &str) -> String {
        let value = match element.ty {
            DataType::Keyword => self.text(6),
            DataType::CharString { .. } | DataType::CmiFeedback { .. } => {
                let n = self.near(spm);
                self.exact(n)
            }
            DataType::LocalizedString { .. } => self.localized(spm),
            DataType::LongIdentifier { .. } | DataType::Identifier { .. } => {
                let n = if self.chance(15) { spm } else { 30 };
                self.identifier(n)
            }
            DataType::Language { .. } => {
                if self.chance(10) {
                    let n = self.near(spm);
                    self.exact(n)
                } else {
                    self.language_tag()
                }
            }
            DataType::Real { min, max, .. } => self.real(min, max),
            DataType::Integer { min, max } => self.integer(min, max),
            DataType::Vocabulary { values } => self.vocabulary(values),
            DataType::VocabularyOrReal { values } => {
                if self.chance(50) {
                    self.vocabulary(values)
                } else {
                    self.real(None, None)
                }
            }
            DataType::CmiTime => self.clock(2),
            DataType::CmiTimespan => self.clock(4),
            DataType::Time => self.time(),
            DataType::TimeInterval => self.interval(),
            DataType::Response { pattern } => self.response(version, data, name, pattern),
            DataType::NavRequest => self.nav_request(),
        };
        self.mutate(value)
    }

    /// An identifier of about `n` characters: plain, with multi-byte characters or spaces,
    /// a URN with a namespace id near its limit, or a dotted path with digits.
    pub fn identifier(&mut self, n: usize) -> String {
        let rules = RULES.identifier;
        match self.below(8) {
            0 => {
                let prefix = ["urn:", "URN:", "uRn:", "urn"][self.below(4)];
                let nid_len = [0, 1, rules.urn_nid_max, rules.urn_nid_max + 1, 5][self.below(5)];
                let nid: String = (0..nid_len)
                    .map(|i| if i == 0 && self.chance(10) { '-' } else { 'k' })
                    .collect();
                let nss = if self.chance(15) {
                    String::new()
                } else {
                    let n = self.below(12);
                    self.exact(n)
                };
                format!("{prefix}{nid}:{nss}")
            }
            1 => format!("a.{}.b{}", self.below(12), self.text(3)),
            2 => {
                let len = self.near(n).max(1);
                let id = self.exact(len);
                let space = self.pick(SPACES);
                self.insert(&id, space)
            }
            3 => {
                let len = self.near(n);
                self.exact(len)
            }
            4 => format!("http://example.com/{}", self.text(6)),
            _ => format!(
                "q{}{}",
                self.below(20),
                if self.chance(20) { self.text(2) } else { String::new() }
            ),
        }
    }

    fn language_tag(&mut self) -> String {
        let primary: String = (0..self.below(5))
            .map(|_| ["e", "n", "J", "a"][self.below(4)])
            .collect();
        let mut tag = primary;
        for _ in 0..self.below(3) {
            let sub: String = (0..self.below(10))
                .map(|_| ["U", "s", "1", "x"][self.below(4)])
                .collect();
            tag = format!("{tag}-{sub}");
        }
        match self.below(12) {
            0 => "日本".to_owned(),
            1 => "en-😀".to_owned(),
            2 => "i-klingon".to_owned(),
            _ => tag,
        }
    }

    fn localized(&mut self, spm: usize) -> String {
        let prefix = match self.below(8) {
            0..=2 => String::new(),
            3 => "{lang=".to_owned(),
            4 => "{lang=}".to_owned(),
            5 => format!("{{lang={}", self.language_tag()),
            _ => format!("{{lang={}}}", self.language_tag()),
        };
        let n = self.near(spm);
        format!("{prefix}{}", self.exact(n))
    }

    fn real(&mut self, min: Option<f64>, max: Option<f64>) -> String {
        match self.below(14) {
            0 => min.map_or_else(|| "-1".into(), |m| format!("{m}")),
            1 => max.map_or_else(|| "1".into(), |m| format!("{m}")),
            2 => min.map_or_else(|| "-0".into(), |m| format!("{}", m - 0.000_000_1)),
            3 => max.map_or_else(|| "1e3".into(), |m| format!("{}", m + 0.000_000_1)),
            4 => [
                "-0", ".5", "5.", "-.5", "1e3", "+1", "--1", " 1", "1 ", "٣", "１", "0x10", "NaN", "Infinity",
            ][self.below(14)]
            .to_owned(),
            5 => format!("1{}", "0".repeat(self.below(400))),
            6 => format!("0.{}1", "0".repeat(self.below(30))),
            _ => {
                let int = self.below(300);
                let sign = if self.chance(30) { "-" } else { "" };
                match self.below(3) {
                    0 => format!("{sign}{int}"),
                    1 => format!("{sign}{}.{}", int / 100, self.below(10_000_000)),
                    _ => format!("{sign}{}.{}", int / 3, self.below(100)),
                }
            }
        }
    }

    fn integer(&mut self, min: i64, max: i64) -> String {
        match self.below(10) {
            0 => min.to_string(),
            1 => max.to_string(),
            2 => (min - 1).to_string(),
            3 => (max + 1).to_string(),
            4 => [
                "-0",
                "+1",
                "01",
                "1.0",
                "",
                "99999999999999999999",
                "-9223372036854775809",
            ][self.below(7)]
            .to_owned(),
            _ => self.rng.random_range(min - 3..=max + 3).to_string(),
        }
    }

    fn vocabulary(&mut self, values: &[&str]) -> String {
        let others = [
            "not attempted",
            "passed",
            "unknown",
            "normal",
            "",
            "completed ",
            "Completed",
            "choice",
        ];
        if self.chance(75) && !values.is_empty() {
            values[self.below(values.len())].to_owned()
        } else {
            others[self.below(others.len())].to_owned()
        }
    }

    /// 1.2 `CMITime` / `CMITimespan`: hours of 1 to `hours + 1` digits, fields at their edges.
    fn clock(&mut self, hours: usize) -> String {
        let digits = 1 + self.below(hours + 1);
        let h: String = (0..digits)
            .map(|_| char::from(b'0' + self.rng.random_range(0..10u8)))
            .collect();
        let h = if self.chance(20) {
            ["23", "24", "9999", "0000"][self.below(4)].to_owned()
        } else {
            h
        };
        let m = [0, 5, 59, 60][self.below(4)];
        let s = [0, 30, 59, 60][self.below(4)];
        let fraction = ["", ".5", ".25", ".125", "."][self.below(5)];
        format!("{h}:{m:02}:{s:02}{fraction}")
    }

    /// 2004 `time`: a timestamp cut after a random field, values at their edges.
    fn time(&mut self) -> String {
        let year = [1969, 1970, 2000, 2024, 2023, 2038, 2039, 1900][self.below(8)];
        let month = [1, 2, 4, 12, 0, 13][self.below(6)];
        let day = [1, 28, 29, 30, 31, 32, 0][self.below(7)];
        let hour = [0, 23, 24][self.below(3)];
        let minute = [0, 59, 60][self.below(3)];
        let second = [0, 59, 60][self.below(3)];
        let mut value = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
        let cut = [4, 7, 10, 13, 16, 19, 19, 19][self.below(8)];
        value.truncate(cut);
        if cut == 19 {
            value.push_str(["", ".5", ".25", ".125"][self.below(4)]);
            value.push_str(["", "Z", "+01:00", "-05", "+24:00", "+01:60", "+1"][self.below(7)]);
        }
        if self.chance(5) {
            value.push('0');
        }
        value
    }

    /// 2004 `timeinterval`: random designators with 0 to 11 digits, fractions anywhere.
    fn interval(&mut self) -> String {
        let mut value = String::from("P");
        let part = |g: &mut Gen, designator: &str| -> String {
            if g.chance(50) {
                return String::new();
            }
            let digits = [1, 1, 2, 10, 11, 0][g.below(6)];
            let n: String = (0..digits)
                .map(|_| char::from(b'0' + g.rng.random_range(0..10u8)))
                .collect();
            let fraction = if g.chance(15) {
                [".5", ".25", ".125", "."][g.below(4)]
            } else {
                ""
            };
            format!("{n}{fraction}{designator}")
        };
        for d in RULES.time_interval.date {
            value.push_str(&part(self, d));
        }
        if self.chance(70) {
            value.push('T');
            for d in RULES.time_interval.clock {
                value.push_str(&part(self, d));
            }
        }
        value
    }

    fn nav_request(&mut self) -> String {
        let nav = RULES.nav;
        match self.below(5) {
            0 | 1 => nav.requests[self.below(nav.requests.len())].to_owned(),
            2 => ["Continue", "start", "", "choice", "resumeAll", "{target=x}"][self.below(6)].to_owned(),
            _ => {
                let target = if self.chance(5) {
                    self.identifier(nav.target_spm)
                } else {
                    self.identifier(20)
                };
                let request = ["choice", "jump", "continue", ""][self.below(4)];
                let close = if self.chance(5) { "" } else { "}" };
                format!("{{target={target}{close}{request}")
            }
        }
    }

    // ---- interaction responses --------------------------------------------------------------

    /// A response for the interaction `name` belongs to, shaped by its type's format.
    fn response(&mut self, version: Version, data: &Data, name: &str, pattern: bool) -> String {
        let index = name.split('.').nth(2).unwrap_or("");
        let kind = data
            .get(&format!("cmi.interactions.{index}.type"))
            .map_or("", String::as_str);
        let row = version.interaction_types().iter().find(|t| t.name == kind);
        match row {
            Some(row) => self.format(if pattern { row.pattern } else { row.response }),
            None => self.text(8),
        }
    }

    fn short_id(&mut self) -> String {
        match self.below(10) {
            0 => self.identifier(RULES.identifier.short_spm),
            1 => format!("a{}", self.pick(&["[", "]", "[,]", " "])),
            _ => ["a", "b", "c", "日本", "😀", "urn:k:1", "x-1"][self.below(7)].to_owned(),
        }
    }

    fn list(&mut self, most: usize, item: impl Fn(&mut Gen) -> String) -> String {
        let n = self.below(most + 3);
        let items: Vec<String> = (0..n).map(|_| item(self)).collect();
        items.join(RULES.responses.list)
    }

    fn flags(&mut self, names: &[&str]) -> String {
        let mut out = String::new();
        for _ in 0..self.below(3) {
            let name = if names.is_empty() || self.chance(10) {
                "case_matters"
            } else {
                names[self.below(names.len())]
            };
            let value = ["true", "false", "yes", ""][self.below(4)];
            out.push_str(&format!("{{{name}={value}}}"));
        }
        out
    }

    fn format(&mut self, format: Format) -> String {
        let pair = RULES.responses.pair;
        match format {
            Format::Vocabulary { values } => self.vocabulary(values),
            Format::Identifiers { .. } => self.list(11, Gen::short_id),
            Format::Identifier => self.short_id(),
            Format::LocalizedList { flags, items, spm } => {
                let head = self.flags(flags);
                let body = self.list(items, |g| g.localized(spm));
                format!("{head}{body}")
            }
            Format::Localized { flags, spm } => {
                let head = self.flags(flags);
                format!("{head}{}", self.localized(spm))
            }
            Format::Pairs => self.list(4, |g| format!("{}{pair}{}", g.short_id(), g.short_id())),
            Format::Steps { flags, spm, .. } => {
                let head = self.flags(flags);
                let body = self.list(4, |g| {
                    let step = if g.chance(30) { String::new() } else { g.short_id() };
                    let answer = match g.below(4) {
                        0 => String::new(),
                        1 => g.range(),
                        _ => {
                            let n = g.near(spm);
                            g.exact(n)
                        }
                    };
                    format!("{step}{pair}{answer}")
                });
                format!("{head}{body}")
            }
            Format::Real => self.real(None, None),
            Format::Range => self.range(),
            Format::Chars { spm } => {
                let n = self.near(spm);
                self.exact(n)
            }
        }
    }

    fn range(&mut self) -> String {
        let range = RULES.responses.range;
        match self.below(6) {
            0 => format!("{range}{}", self.real(None, None)),
            1 => format!("{}{range}", self.real(None, None)),
            2 => format!("{}{range}{}{range}1", self.real(None, None), self.real(None, None)),
            3 => self.real(None, None),
            _ => format!("{}{range}{}", self.real(None, None), self.real(None, None)),
        }
    }
}
