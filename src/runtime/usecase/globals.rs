//! Global objectives a learner carries from one course to another. A SCORM 2004 course
//! whose manifest leaves `adlseq:objectivesGlobalToSystem` true (the default) shares its
//! global objectives with every other such course the learner takes in the tenant: a
//! pre-test in one course can satisfy an objective another course skips on. They are
//! kept as one Agent Profile document of the learner in the tenant's LRS (readable by
//! the tenant's reporting tools, erased with the learner), written with the step that
//! changed them, in the same transaction, over the version the step read.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::RuntimeError;
use crate::lrs::document::{DocKey, DocKind, DocScope, DocWrite, Unconditional, WriteMode};
use crate::runtime::sequencing::state::ObjectiveState;
use crate::runtime::sequencing::tree::ActivityTree;
use crate::store::Store;
use crate::tenant::TenantId;

/// The profile id of the document (an Agent Profile of the learner's agent).
pub const PROFILE_ID: &str = "urn:kiroku:scorm2004:objectives-global-to-system";

/// A learner's global objectives as read, with the version a write must find unchanged.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LearnerGlobals {
    key: Option<DocKey>,
    /// Objective id → its state; entries that do not read as an objective's state (the
    /// document is open to the tenant's LRS clients) are kept as they are, never used.
    entries: Map<String, Value>,
    etag: Option<String>,
}

fn key_of(agent: &str) -> DocKey {
    DocKey {
        scope: DocScope {
            kind: DocKind::AgentProfile,
            activity: String::new(),
            agent: agent.to_owned(),
            registration: String::new(),
        },
        id: PROFILE_ID.to_owned(),
    }
}

/// Reads the learner's global objectives (`agent`: the learner's agent key).
pub async fn load(store: &dyn Store, tenant: TenantId, agent: &str) -> Result<LearnerGlobals, RuntimeError> {
    let key = key_of(agent);
    let doc = store.document(tenant, &key).await?;
    let (entries, etag) = match doc {
        None => (Map::new(), None),
        Some(d) => {
            let entries = match serde_json::from_slice(&d.content) {
                Ok(Value::Object(m)) => m,
                // Not an object: nothing usable; the first write replaces it.
                _ => Map::new(),
            };
            (entries, Some(d.etag))
        }
    };
    Ok(LearnerGlobals {
        key: Some(key),
        entries,
        etag,
    })
}

impl LearnerGlobals {
    /// Puts the learner's values of the objectives `tree` names in place of the
    /// course's own copies.
    pub fn overlay(&self, tree: &ActivityTree, globals: &mut BTreeMap<String, ObjectiveState>) {
        let named = tree.global_ids();
        for (id, v) in self.entries.iter().filter(|(id, _)| named.contains(*id)) {
            if let Ok(state) = ObjectiveState::deserialize(v) {
                globals.insert(id.clone(), state);
            }
        }
    }

    /// The document write carrying what a step changed from `before` to `after` (none
    /// when nothing changed): only the changed objectives, over the version read.
    pub fn write(
        &self,
        before: &BTreeMap<String, ObjectiveState>,
        after: &BTreeMap<String, ObjectiveState>,
    ) -> Result<Option<(DocKey, DocWrite)>, RuntimeError> {
        let Some(key) = &self.key else { return Ok(None) };
        let mut entries = self.entries.clone();
        let mut changed = false;
        for (id, state) in after {
            if before.get(id) != Some(state) {
                let v = serde_json::to_value(state).map_err(|e| RuntimeError::Internal(format!("objective: {e}")))?;
                entries.insert(id.clone(), v);
                changed = true;
            }
        }
        if !changed {
            return Ok(None);
        }
        let content = serde_json::to_vec(&entries).map_err(|e| RuntimeError::Internal(format!("objectives: {e}")))?;
        let write = DocWrite {
            mode: WriteMode::Replace,
            content_type: "application/json".into(),
            content,
            if_match: self.etag.as_ref().map(|e| format!("\"{e}\"")),
            if_none_match: self.etag.is_none().then(|| "*".to_owned()),
            unconditional: Unconditional::Allowed,
        };
        Ok(Some((key.clone(), write)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::sequencing::tests::{flow_on, item, leaf, mapped, tree};

    fn state(satisfied: bool) -> ObjectiveState {
        ObjectiveState {
            progress_status: true,
            satisfied_status: satisfied,
            ..ObjectiveState::default()
        }
    }

    fn read(entries: Value, etag: Option<&str>) -> LearnerGlobals {
        let Value::Object(entries) = entries else {
            panic!("object")
        };
        LearnerGlobals {
            key: Some(key_of("account:[\"h\",\"名前\"]")),
            entries,
            etag: etag.map(str::to_owned),
        }
    }

    #[test]
    fn overlay_takes_readable_entries_and_skips_the_rest() {
        let stored = serde_json::to_value(state(true)).expect("json");
        let other = serde_json::to_value(state(false)).expect("json");
        let g = read(
            serde_json::json!({ "obj-合格": stored, "junk": 7, "another-course": other }),
            Some("e1"),
        );
        let course = tree(
            flow_on(),
            vec![item("sco", mapped("obj-合格", true, true), vec![]), leaf("junk")],
        );
        let mut globals = BTreeMap::from([("obj-合格".to_owned(), state(false))]);
        g.overlay(&course, &mut globals);
        assert_eq!(globals.get("obj-合格"), Some(&state(true)));
        assert!(!globals.contains_key("junk"), "not an objective's state");
        assert!(!globals.contains_key("another-course"), "not named by this course");
    }

    #[test]
    fn write_carries_changed_objectives_over_the_version_read_and_keeps_others() {
        let g = read(serde_json::json!({ "junk": 7 }), Some("e1"));
        let before = BTreeMap::from([("a".to_owned(), state(false)), ("b".to_owned(), state(false))]);
        let mut after = before.clone();
        assert!(g.write(&before, &after).expect("write").is_none(), "nothing changed");
        after.insert("b".to_owned(), state(true));
        let (_, w) = g.write(&before, &after).expect("write").expect("a write");
        assert_eq!(w.if_match.as_deref(), Some("\"e1\""));
        let body: Value = serde_json::from_slice(&w.content).expect("json");
        assert_eq!(body.get("junk"), Some(&Value::from(7)));
        assert!(body.get("a").is_none(), "unchanged objectives are not written");
        assert_eq!(body.get("b"), Some(&serde_json::to_value(state(true)).expect("json")));
        let fresh = read(serde_json::json!({}), None);
        let (_, w) = fresh.write(&before, &after).expect("write").expect("a write");
        assert_eq!(w.if_none_match.as_deref(), Some("*"));
    }
}
