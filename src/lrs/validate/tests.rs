//! Statement → verdict cases, as data: `fixtures/statements/validation.json` lists each
//! statement with `"ok"` or a fragment the error message must contain.

use serde_json::Value;

use super::{Rules, validate_statement};
use crate::lrs::XapiVersion;

fn check(statement: &Value, expect: &str) -> Result<(), String> {
    let got = validate_statement(
        statement,
        Rules {
            version: XapiVersion::V200,
        },
    );
    match (got, expect) {
        (Ok(()), "ok") => Ok(()),
        (Ok(()), want) => Err(format!("accepted, expected an error containing {want:?}")),
        (Err(e), "ok") => Err(format!("rejected: {e}")),
        (Err(e), want) if e.contains(want) => Ok(()),
        (Err(e), want) => Err(format!("error {e:?} does not contain {want:?}")),
    }
}

#[test]
fn fixture_cases() {
    let text = include_str!("../../../fixtures/statements/validation.json");
    let fixture: Value = serde_json::from_str(text).unwrap();
    let cases = fixture["cases"].as_array().unwrap();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let name = c["name"].as_str().unwrap_or("?");
            check(&c["statement"], c["expect"].as_str().unwrap_or("ok"))
                .err()
                .map(|e| format!("{name}: {e}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
