//! The summary rows of a tenant put back from its run-time data, for a tenant imported
//! from an archive (an archive holds attempts and registration states, not what is
//! derived from them): each registration's items from the newest attempt of each item,
//! or from its cmi5 state. Days of activity before the import are not in an archive: a
//! registration's one day is the day of its newest attempt.

use std::collections::BTreeMap;

use super::facts::{self, ItemFacts, ReportWrite};
use crate::learner::Registration;
use crate::runtime::datamodel::Data;
use crate::runtime::registration::RegistrationState;
use crate::store::AttemptRecord;
use crate::store::archive::RegistrationStateRow;

/// The writes putting back the summary rows of `registrations`; `launchables` is the
/// number of launchable items of a registration's package version.
pub fn writes(
    registrations: &[Registration],
    attempts: &[AttemptRecord],
    states: &[RegistrationStateRow],
    launchables: impl Fn(&str, u32) -> u32,
) -> Vec<ReportWrite> {
    // The newest attempt of each (registration, item).
    let mut newest: BTreeMap<(&str, &str), &AttemptRecord> = BTreeMap::new();
    for a in attempts {
        let key = (a.registration.as_str(), a.item.as_str());
        if newest.get(&key).is_none_or(|b| b.number < a.number) {
            newest.insert(key, a);
        }
    }
    let states: BTreeMap<&str, &RegistrationStateRow> = states.iter().map(|s| (s.registration.as_str(), s)).collect();
    registrations
        .iter()
        .filter_map(|r| {
            let mut items: Vec<ItemFacts> = Vec::new();
            let mut at_ms = 0;
            for ((_, item), a) in newest
                .range((r.id.as_str(), "")..)
                .take_while(|((reg, _), _)| *reg == r.id)
            {
                let data: Data = serde_json::from_str(&a.data).unwrap_or_default();
                items.push(facts::of_attempt(item, a.number, &data, a.state.is_open()));
                at_ms = at_ms.max(a.updated_ms);
            }
            if let Some(s) = states.get(r.id.as_str()) {
                let state: RegistrationState = serde_json::from_str(&s.data).unwrap_or_default();
                if let Some(cmi5) = &state.cmi5 {
                    items.extend(facts::of_cmi5(cmi5));
                    at_ms = at_ms.max(s.updated_ms);
                }
            }
            (!items.is_empty()).then(|| ReportWrite {
                registration: r.id.clone(),
                launchables: launchables(&r.package_id, r.version),
                items,
                at_ms,
                merge: false,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::plan::AttemptState;

    fn attempt(reg: &str, item: &str, number: u32, data: &str) -> AttemptRecord {
        AttemptRecord {
            registration: reg.into(),
            item: item.into(),
            number,
            state: AttemptState::Finished,
            data: data.into(),
            commit_seq: 1,
            updated_ms: i64::from(number) * 1000,
        }
    }

    #[test]
    fn the_newest_attempt_of_each_item_counts() {
        let reg = |id: &str| Registration {
            id: id.into(),
            learner: "l".into(),
            package_id: "p".into(),
            version: 1,
            created_ms: 0,
            end_client: None,
            preview: false,
        };
        let attempts = [
            attempt("r1", "a", 1, r#"{"cmi.core.lesson_status":"failed"}"#),
            attempt("r1", "a", 2, r#"{"cmi.core.lesson_status":"passed"}"#),
            attempt("r1", "b", 1, r#"{"cmi.core.lesson_status":"incomplete"}"#),
            attempt("r10", "a", 1, r#"{"cmi.core.lesson_status":"passed"}"#),
        ];
        let w = writes(&[reg("r1"), reg("r2")], &attempts, &[], |_, _| 2);
        assert_eq!(w.len(), 1, "r2 has nothing to count");
        let w = w.first().cloned().expect("r1");
        let success: Vec<&str> = w.items.iter().map(|i| i.success.as_str()).collect();
        assert_eq!((success, w.at_ms, w.launchables), (vec!["passed", "unknown"], 2000, 2));
    }
}
