//! A SCORM score as an xAPI `result.score`. xAPI requires `scaled` in -1..1, `min <= max`
//! and `raw` within `min..max`; SCORM content reports whatever its authoring tool computed
//! (a raw score above its max, bounds the wrong way round, a max of 0). A statement is never
//! dropped for that: the score keeps every part xAPI can take, and the values as the
//! content reported them go verbatim into the result extension [`SCORE_AS_REPORTED`]
//! whenever a part was left out (docs/runtime-statements.md).
//!
//! The rules, in order:
//! 1. `scaled` is kept when it lies in -1..1 (SCORM 2004 `cmi.score.scaled`); SCORM 1.2 has
//!    none, so it is `raw / max` when `0 < max` and `min <= raw <= max` (max defaulting
//!    to 100), and absent otherwise.
//! 2. `min` and `max` are both left out when `min > max`.
//! 3. A bound that `raw` falls outside is left out (`raw` is what the learner scored).

use serde_json::{Map, Value, json};

/// The result extension holding the score as the content reported it, when xAPI could not
/// take all of it: `{"raw": "200", "min": "0", "max": "100", "scaled": …}` (strings, as
/// SCORM sets them).
pub const SCORE_AS_REPORTED: &str = "https://kiroku.dev/xapi/extensions/score-as-reported";

/// The score elements as the content set them (values unparsed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reported<'a> {
    pub scaled: Option<&'a str>,
    pub raw: Option<&'a str>,
    pub min: Option<&'a str>,
    pub max: Option<&'a str>,
    /// SCORM 1.2: derive `scaled` from raw and max.
    pub derive_scaled: bool,
}

/// The xAPI score and, when something was left out, the verbatim values for the extension.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    pub score: Option<Value>,
    pub as_reported: Option<Value>,
}

fn number(s: Option<&str>) -> Option<f64> {
    s.and_then(|x| x.trim().parse::<f64>().ok()).filter(|x| x.is_finite())
}

/// Maps reported score elements to an xAPI score (see the module's rules).
pub fn map(r: &Reported<'_>) -> Mapped {
    let (raw, mut min, mut max) = (number(r.raw), number(r.min), number(r.max));
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        (min, max) = (None, None);
    }
    if let Some(x) = raw {
        min = min.filter(|lo| x >= *lo);
        max = max.filter(|hi| x <= *hi);
    }
    let scaled = if r.derive_scaled {
        let top = number(r.max).unwrap_or(100.0);
        let in_range = raw.is_some_and(|x| number(r.min).is_none_or(|lo| x >= lo) && x <= top);
        raw.filter(|_| top > 0.0 && in_range).map(|x| x / top)
    } else {
        number(r.scaled)
    }
    .filter(|s| (-1.0..=1.0).contains(s));
    let mut score = Map::new();
    for (key, value) in [("scaled", scaled), ("raw", raw), ("min", min), ("max", max)] {
        if let Some(x) = value {
            score.insert(key.to_owned(), json!(x));
        }
    }
    let reported: Vec<(&str, &str)> = [("scaled", r.scaled), ("raw", r.raw), ("min", r.min), ("max", r.max)]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
    let kept = |k: &str| score.contains_key(k);
    let lost = reported.iter().any(|(k, _)| !kept(k));
    let as_reported = lost.then(|| Value::Object(reported.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect()));
    Mapped {
        score: (!score.is_empty()).then_some(Value::Object(score)),
        as_reported,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lrs::XapiVersion;
    use crate::lrs::validate::{Rules, validate_statement};

    fn scorm2004<'a>(raw: &'a str, min: &'a str, max: &'a str) -> Reported<'a> {
        Reported {
            raw: Some(raw),
            min: Some(min),
            max: Some(max),
            ..Reported::default()
        }
    }

    fn check(r: &Reported<'_>, expect_score: Value, expect_lost: bool) {
        let m = map(r);
        assert_eq!(m.score.unwrap_or(Value::Null), expect_score, "{r:?}");
        assert_eq!(m.as_reported.is_some(), expect_lost, "{r:?}");
    }

    #[test]
    fn scores_xapi_cannot_take_keep_what_it_can() {
        check(
            &scorm2004("50", "0", "100"),
            json!({"raw": 50.0, "min": 0.0, "max": 100.0}),
            false,
        );
        check(&scorm2004("200", "0", "100"), json!({"raw": 200.0, "min": 0.0}), true);
        check(&scorm2004("7", "10", "5"), json!({"raw": 7.0}), true);
        let scorm12 = |raw, max| Reported {
            raw: Some(raw),
            max: Some(max),
            derive_scaled: true,
            ..Reported::default()
        };
        check(&scorm12("50", "10"), json!({"raw": 50.0}), true);
        check(&scorm12("0", "0"), json!({"raw": 0.0, "max": 0.0}), false);
        check(
            &scorm12("5", "10"),
            json!({"scaled": 0.5, "raw": 5.0, "max": 10.0}),
            false,
        );
    }

    #[test]
    fn every_mapped_score_passes_statement_validation() {
        let values = [
            "-1e400", "-5", "-1", "0", "0.5", "1", "5", "10", "200", "1e400", "abc", "",
        ];
        for raw in values {
            for min in values {
                for max in values {
                    for derive_scaled in [false, true] {
                        let r = Reported {
                            scaled: Some(raw),
                            raw: Some(raw),
                            min: Some(min),
                            max: Some(max),
                            derive_scaled,
                        };
                        if let Some(score) = map(&r).score {
                            let st = json!({
                                "actor": {"mbox": "mailto:a@example.com"},
                                "verb": {"id": "http://adlnet.gov/expapi/verbs/scored"},
                                "object": {"id": "http://example.com/a"},
                                "result": {"score": score},
                            });
                            let rules = Rules {
                                version: XapiVersion::V103,
                            };
                            assert!(validate_statement(&st, rules).is_ok(), "{r:?} -> {st}");
                        }
                    }
                }
            }
        }
    }
}
