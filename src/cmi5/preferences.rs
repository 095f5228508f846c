//! The learner preferences document (`cmi5LearnerPreferences`, section 11): what an AU
//! may write there, checked before the LRS stores it (11.0.0.0-5, 11.1.0.0-1), and what
//! the LMS writes for a learner at launch.

use serde_json::{Value, json};

use super::rules::Refusal;
use crate::lrs::formats::is_language_tag;

fn refuse(rule: &'static str, message: &str) -> Refusal {
    Refusal {
        rule,
        message: message.to_owned(),
    }
}

/// Checks a write of the document by an AU: a JSON object with `languagePreference` (a
/// comma-separated list of RFC 5646 tags) and `audioPreference` (`on` or `off`).
pub fn check(content_type: Option<&str>, body: &[u8]) -> Result<(), Refusal> {
    let media = content_type
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    if media.as_deref() != Some("application/json") {
        return Err(refuse("11.0.0.0-5", "the learner preferences are a JSON object"));
    }
    let Ok(Value::Object(doc)) = serde_json::from_slice::<Value>(body) else {
        return Err(refuse("11.0.0.0-5", "the learner preferences are a JSON object"));
    };
    let Some(langs) = doc.get("languagePreference").and_then(Value::as_str) else {
        return Err(refuse("11.0.0.0-5", "languagePreference is missing"));
    };
    if !language_list(langs) {
        return Err(refuse(
            "11.1.0.0-1",
            "languagePreference is a comma-separated list of RFC 5646 language tags",
        ));
    }
    match doc.get("audioPreference").and_then(Value::as_str) {
        Some("on" | "off") => Ok(()),
        Some(_) => Err(refuse("11.0.0.0-5", "audioPreference is \"on\" or \"off\"")),
        None => Err(refuse("11.0.0.0-5", "audioPreference is missing")),
    }
}

fn language_list(s: &str) -> bool {
    !s.is_empty() && s.split(',').all(is_language_tag)
}

/// The document the LMS writes for a learner whose language it knows (`ja`, `en`…),
/// with audio on.
pub fn for_language(language: &str) -> Option<Value> {
    is_language_tag(language).then(|| json!({ "languagePreference": language, "audioPreference": "on" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: Option<&str> = Some("application/json; charset=utf-8");

    #[test]
    fn accepted_and_refused_documents() {
        let ok = br#"{"languagePreference":"ja-JP,en-US","audioPreference":"off"}"#;
        assert!(check(JSON, ok).is_ok());
        let refused: [(Option<&str>, &[u8]); 8] = [
            (None, ok),
            (Some("text/plain"), ok),
            (JSON, b"just some text"),
            (JSON, br#"{"audioPreference":"on"}"#),
            (JSON, br#"{"languagePreference":"en-US"}"#),
            (
                JSON,
                br#"{"languagePreference":"not comma separated","audioPreference":"on"}"#,
            ),
            (JSON, br#"{"languagePreference":"","audioPreference":"on"}"#),
            (JSON, br#"{"languagePreference":"en","audioPreference":"loud"}"#),
        ];
        for (ct, body) in refused {
            assert!(check(ct, body).is_err(), "{ct:?} {}", String::from_utf8_lossy(body));
        }
        assert_eq!(for_language("ja").unwrap()["languagePreference"], "ja");
        assert!(for_language("日本語").is_none());
    }
}
