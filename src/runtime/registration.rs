//! What a SCORM registration keeps across its SCOs and sessions, as one document: the
//! SCORM 2004 4th edition shared data stores (`adl.data`, by `targetID`), the sequencing
//! engine's state (tracking, objectives local and global, the session's current and
//! suspended activity), the item a `suspendAll` left off at, and a cmi5 registration's
//! progress.
//!
//! At launch, `seed` puts what an item may read of the shared data stores into its CMI
//! data (`adl.data.n.id` and `.store`); after each commit, `collect` takes back what it
//! may write. Objectives are the sequencing engine's (`usecase::sequenced::seed`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::datamodel::Data;
use crate::package::model::Item;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationState {
    /// `adl.data` stores by target id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shared_data: BTreeMap<String, String>,
    /// The item the learner suspended the course at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended_item: Option<String>,
    /// A SCORM 2004 registration's sequencing state: tracking and the session's current
    /// and suspended activity (`sequencing::overall::Sequencer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequencer: Option<crate::runtime::sequencing::overall::Sequencer>,
    /// A cmi5 registration's AU progress and open sessions (`cmi5::state`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cmi5: Option<crate::cmi5::state::Cmi5State>,
}

/// Puts into a SCORM 2004 attempt's data the shared data stores its item may read.
pub fn seed(data: &mut Data, item: &Item, state: &RegistrationState) {
    for (n, map) in item.data.iter().enumerate() {
        data.insert(format!("adl.data.{n}.id"), map.target_id.clone());
        let stored = state.shared_data.get(&map.target_id);
        if let (true, Some(value)) = (map.read_shared_data, stored) {
            data.insert(format!("adl.data.{n}.store"), value.clone());
        }
    }
}

/// Takes back from an attempt's data the shared data stores its item may write; returns
/// whether anything changed.
pub fn collect(data: &Data, item: &Item, state: &mut RegistrationState) -> bool {
    let mut changed = false;
    for (n, map) in item.data.iter().enumerate() {
        if let (true, Some(v)) = (map.write_shared_data, data.get(&format!("adl.data.{n}.store"))) {
            changed |= state.shared_data.insert(map.target_id.clone(), v.clone()).as_ref() != Some(v);
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::model::DataMap;

    fn item(id: &str, data: Vec<DataMap>) -> Item {
        let mut item = Item::new(id, id);
        item.data = data;
        item
    }

    fn store(target: &str, read: bool, write: bool) -> DataMap {
        DataMap {
            target_id: target.into(),
            read_shared_data: read,
            write_shared_data: write,
        }
    }

    #[test]
    fn shared_data_flows_between_items_as_the_maps_allow() {
        let writer = item("a", vec![store("urn:s", false, true)]);
        let reader = item("b", vec![store("urn:s", true, false)]);
        let mut state = RegistrationState::default();
        let mut data = Data::new();
        seed(&mut data, &writer, &state);
        assert_eq!(data["adl.data.0.id"], "urn:s");
        assert!(!data.contains_key("adl.data.0.store"));
        data.insert("adl.data.0.store".into(), "hello".into());
        assert!(collect(&data, &writer, &mut state));
        assert!(!collect(&data, &writer, &mut state), "nothing new");
        assert_eq!(state.shared_data["urn:s"], "hello");
        let mut other = Data::new();
        seed(&mut other, &reader, &state);
        assert_eq!(other["adl.data.0.store"], "hello");
        other.insert("adl.data.0.store".into(), "changed".into());
        collect(&other, &reader, &mut state);
        assert_eq!(state.shared_data["urn:s"], "hello", "a read-only map writes nothing");
    }
}
