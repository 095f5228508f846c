//! Property tests of the learners' CSV (an admin's upload): the reader never panics on
//! any text (quotes, separators, line breaks and multi-byte characters anywhere), and
//! what the export writes reads back as the same learners, whatever their names hold.

use proptest::prelude::*;

use kiroku::learner::Learner;
use kiroku::learner::csv::{export, parse_import, records};

/// CSV-like text: separators, quotes, line breaks, header words and multi-byte noise.
fn csv_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(",".to_owned()),
        Just("\"".to_owned()),
        Just("\"\"".to_owned()),
        Just("\r\n".to_owned()),
        Just("\n".to_owned()),
        Just("id,name,email,endClient\n".to_owned()),
        Just("山田 花子".to_owned()),
        Just("😀".to_owned()),
        Just("e\u{301}".to_owned()),
        Just("\u{feff}".to_owned()),
        ".{0,6}",
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// A name a learner may have: printable, trimmed, with commas, quotes and Japanese.
fn name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,\"'=+@山田花子😀\u{301}-]{1,40}"
        .prop_map(|s| s.trim().to_owned())
        .prop_filter("a name is not empty", |s| !s.is_empty())
}

proptest! {
    #[test]
    fn the_reader_never_panics(text in csv_text()) {
        let _ = records(&text);
        let _ = parse_import(&text);
    }

    #[test]
    fn the_export_reads_back(names in proptest::collection::vec(name(), 0..20)) {
        let learners: Vec<Learner> = names
            .iter()
            .enumerate()
            .map(|(i, n)| Learner {
                id: format!("学習者-{i}"),
                name: n.clone(),
                email: (i % 2 == 0).then(|| format!("u{i}@example.jp")),
                end_client: None,
                created_ms: 0,
                updated_ms: 0,
            })
            .collect();
        let (rows, errors) = parse_import(&export(&learners)).expect("the export reads back");
        prop_assert!(errors.is_empty(), "{:?}", errors);
        prop_assert_eq!(rows.len(), learners.len());
        for (r, l) in rows.iter().zip(&learners) {
            prop_assert_eq!(&r.id, &l.id);
            // A cell a spreadsheet would run gets a leading quote mark on export.
            let shown = if l.name.starts_with(['=', '+', '-', '@']) { format!("'{}", l.name) } else { l.name.clone() };
            prop_assert_eq!(&r.fields.name, &shown);
            prop_assert_eq!(&r.fields.email, &l.email);
        }
    }
}
