//! Which language a request is answered in: the account's setting, else the language
//! cookie, else the browser's `Accept-Language`, else English.

use super::Lang;

/// The language of the first acceptable range with the highest weight that kiroku
/// speaks (`ja-JP;q=0.9, en;q=0.8` → Japanese); `*` stands for English. Ranges with a
/// weight of 0, malformed weights and unknown languages are skipped. Never panics,
/// whatever the header holds.
pub fn parse_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(u16, Lang)> = None;
    // Bounded: a header of thousands of ranges is read no further than its first 64.
    for item in header.split(',').take(64) {
        let mut parts = item.split(';');
        let range = parts.next().unwrap_or_default().trim();
        let Some(weight) = weight(parts) else { continue };
        let lang = if range == "*" {
            Some(Lang::DEFAULT)
        } else {
            Lang::from_tag(range)
        };
        if let Some(lang) = lang
            && weight > 0
            && best.is_none_or(|(w, _)| weight > w)
        {
            best = Some((weight, lang));
        }
    }
    best.map(|(_, l)| l)
}

/// The weight of a range in thousandths (`q=0.5` → 500; none → 1000); `None` when a
/// `q` parameter is not a valid qvalue (RFC 9110: 0 to 1, at most three decimals).
fn weight<'a>(params: impl Iterator<Item = &'a str>) -> Option<u16> {
    for p in params {
        let Some((name, value)) = p.split_once('=') else {
            continue;
        };
        if !name.trim().eq_ignore_ascii_case("q") {
            continue;
        }
        let value = value.trim();
        let (int, frac) = value.split_once('.').unwrap_or((value, ""));
        let frac_ok = frac.len() <= 3 && frac.bytes().all(|b| b.is_ascii_digit());
        let thousandths = match int {
            "0" if frac_ok => frac
                .bytes()
                .chain(std::iter::repeat(b'0'))
                .take(3)
                .fold(0u16, |acc, b| acc * 10 + u16::from(b - b'0')),
            "1" if frac_ok && frac.bytes().all(|b| b == b'0') => 1000,
            _ => return None,
        };
        return Some(thousandths);
    }
    Some(1000)
}

/// The language of a request: the signed-in account's setting, else the cookie's, else
/// the browser's, else English.
pub fn choose(account: Option<Lang>, cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
    account
        .or_else(|| cookie.and_then(Lang::parse))
        .or_else(|| accept_language.and_then(parse_accept_language))
        .unwrap_or(Lang::DEFAULT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_weight_kiroku_speaks_wins() {
        let cases = [
            ("ja", Some(Lang::Ja)),
            ("ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", Some(Lang::Ja)),
            ("en-US,en;q=0.9,ja;q=0.8", Some(Lang::En)),
            ("fr-FR, ja;q=0.5, en;q=0.4", Some(Lang::Ja)),
            ("de, fr", None),
            ("ja;q=0, en;q=0.1", Some(Lang::En)),
            ("ja;q=1.5, en;q=0.2", Some(Lang::En)),
            ("ja;q=0.9x, en;q=0.2", Some(Lang::En)),
            ("*", Some(Lang::En)),
            ("fr, *;q=0.1, ja;q=0.2", Some(Lang::Ja)),
            ("JA-jp", Some(Lang::Ja)),
            ("", None),
            ("日本語, ja", Some(Lang::Ja)),
        ];
        for (header, want) in cases {
            assert_eq!(parse_accept_language(header), want, "{header:?}");
        }
    }

    #[test]
    fn the_account_beats_the_cookie_which_beats_the_browser() {
        assert_eq!(choose(Some(Lang::En), Some("ja"), Some("ja")), Lang::En);
        assert_eq!(choose(None, Some("ja"), Some("en")), Lang::Ja);
        assert_eq!(choose(None, Some("xx"), Some("ja")), Lang::Ja);
        assert_eq!(choose(None, None, Some("ja-JP")), Lang::Ja);
        assert_eq!(choose(None, None, None), Lang::En);
    }
}
