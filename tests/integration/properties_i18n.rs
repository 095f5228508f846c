//! Property tests of the language layer, which reads what browsers and people send: the
//! catalog lookup, the page templates and the `Accept-Language` parser never panic on
//! any text (multi-byte characters at every offset), and the parser honours the weights
//! it is given. `PROPTEST_CASES` raises the number of cases (docs/fuzzing.md).

use proptest::prelude::*;

use kiroku::i18n::{
    Arg, Lang, choose, format_date_time, format_day, format_duration, format_number, message_ids_of,
    parse_accept_language, render, t, t_args,
};

/// Header-like text: language tags, weights, separators and multi-byte noise.
fn header_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("ja".to_owned()),
        Just("en".to_owned()),
        Just("ja-JP".to_owned()),
        Just("*".to_owned()),
        Just(";q=".to_owned()),
        Just(";q=0.".to_owned()),
        Just(",".to_owned()),
        Just(" ".to_owned()),
        Just("日本語".to_owned()),
        Just("😀".to_owned()),
        Just("\u{301}".to_owned()),
        "[0-9.]{0,5}",
        ".{0,4}",
    ];
    proptest::collection::vec(piece, 0..16).prop_map(|v| v.concat())
}

fn lang() -> impl Strategy<Value = Lang> {
    prop_oneof![Just(Lang::En), Just(Lang::Ja)]
}

proptest! {
    #[test]
    fn the_accept_language_parser_never_panics(header in header_text(), any in ".{0,64}") {
        let _ = parse_accept_language(&header);
        let _ = parse_accept_language(&any);
        let _ = choose(None, Some(&any), Some(&header));
    }

    /// A range kiroku speaks with the highest weight wins, whatever noise comes before.
    #[test]
    fn the_weightiest_language_wins(noise in "[a-z]{2,8}", w in 1u16..=999) {
        let header = format!("{noise};q=0.{w:03}, ja;q=1, en;q=0.{w:03}");
        prop_assert_eq!(parse_accept_language(&header), Some(Lang::Ja));
        let header = format!("ja;q=0.{:03}, en", w);
        prop_assert_eq!(parse_accept_language(&header), Some(Lang::En));
    }

    #[test]
    fn lookups_never_panic_and_answer_something(l in lang(), id in ".{0,40}", value in ".{0,40}", n in any::<i64>()) {
        let text = t(l, &id);
        prop_assert!(!text.is_empty() || id.is_empty());
        let args = [("n", Arg::Num(n)), ("url", Arg::from(value.as_str())), ("status", Arg::from(value.clone()))];
        let _ = t_args(l, &id, &args);
        for known in message_ids_of(l).iter().take(200) {
            let _ = t_args(l, known, &args);
        }
    }

    #[test]
    fn templates_never_panic(l in lang(), template in "(\\{\\{|\\}\\}|=|[a-z-]|日本|😀|.){0,64}") {
        let out = render(&template, l, &[("x", "<b>")]);
        // Text outside placeholders is kept as it is.
        if !template.contains("{{") {
            prop_assert_eq!(out, template);
        }
    }

    #[test]
    fn formats_never_panic(l in lang(), ms in any::<i64>(), day in "\\PC{0,12}|[0-9]{4}-[0-9]{2}-[0-9]{2}") {
        let _ = format_day(l, &day);
        let _ = format_date_time(l, ms);
        let _ = format_duration(l, ms);
        let _ = format_number(l, ms);
    }
}
