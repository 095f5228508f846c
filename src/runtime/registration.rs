//! What a SCORM registration keeps across its SCOs and sessions, as one document: the
//! SCORM 2004 4th edition shared data stores (`adl.data`, by `targetID`), the status of
//! global objectives (IMS SS `mapInfo` and ADL's extended maps, by `targetID`) and of each
//! item's local objectives (for the sequencing engine), and the item a `suspendAll` left
//! off at.
//!
//! At launch, `seed` puts what an item may read into its CMI data (`adl.data.n.id` and
//! `.store`, `cmi.objectives.n.*` of the objectives the manifest names); after each commit,
//! `collect` takes back what it may write.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::datamodel::Data;
use crate::package::model::Item;
use crate::package::model::sequencing::{AdlMapInfo, MapInfo, Objective};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationState {
    /// `adl.data` stores by target id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shared_data: BTreeMap<String, String>,
    /// Global objectives by target id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub objectives: BTreeMap<String, ObjectiveStatus>,
    /// Each item's objectives (by objective id) as its last session left them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub local_objectives: BTreeMap<String, BTreeMap<String, ObjectiveStatus>>,
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

/// An objective's tracking status, with the SCORM 2004 run-time's values as strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectiveStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_scaled: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_raw: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_min: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_max: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_measure: Option<String>,
}

/// The fields of an objective: (status field, element suffix, IMS read/write flags from
/// `mapInfo`, ADL read/write flags from `adlseq:mapInfo`).
type Field = (
    fn(&mut ObjectiveStatus) -> &mut Option<String>,
    &'static str,
    Option<fn(&MapInfo) -> (bool, bool)>,
    Option<fn(&AdlMapInfo) -> (bool, bool)>,
);

const FIELDS: [Field; 7] = [
    (
        |o| &mut o.success_status,
        "success_status",
        Some(|m| (m.read_satisfied_status, m.write_satisfied_status)),
        None,
    ),
    (
        |o| &mut o.score_scaled,
        "score.scaled",
        Some(|m| (m.read_normalized_measure, m.write_normalized_measure)),
        None,
    ),
    (
        |o| &mut o.score_raw,
        "score.raw",
        None,
        Some(|m| (m.read_raw_score, m.write_raw_score)),
    ),
    (
        |o| &mut o.score_min,
        "score.min",
        None,
        Some(|m| (m.read_min_score, m.write_min_score)),
    ),
    (
        |o| &mut o.score_max,
        "score.max",
        None,
        Some(|m| (m.read_max_score, m.write_max_score)),
    ),
    (
        |o| &mut o.completion_status,
        "completion_status",
        None,
        Some(|m| (m.read_completion_status, m.write_completion_status)),
    ),
    (
        |o| &mut o.progress_measure,
        "progress_measure",
        None,
        Some(|m| (m.read_progress_measure, m.write_progress_measure)),
    ),
];

/// An objective of the item's manifest with its maps (IMS and ADL).
struct Mapped<'a> {
    id: &'a str,
    /// The primary objective, whose status the SCO may also report through
    /// `cmi.success_status`, `cmi.score.*`, `cmi.completion_status` and `cmi.progress_measure`.
    primary: bool,
    ims: &'a [MapInfo],
    adl: Vec<&'a AdlMapInfo>,
}

fn objectives_of(item: &Item) -> Vec<Mapped<'_>> {
    let Some(seq) = item.sequencing.as_deref() else {
        return Vec::new();
    };
    let adl = seq.adl_objectives.as_deref().unwrap_or_default();
    let declared: Vec<(bool, &Objective)> = seq
        .objectives
        .as_ref()
        .map(|o| {
            o.primary
                .iter()
                .map(|p| (true, p))
                .chain(o.others.iter().map(|x| (false, x)))
                .collect()
        })
        .unwrap_or_default();
    declared
        .into_iter()
        .filter_map(|(primary, o)| {
            let id = o.objective_id.as_deref()?;
            let adl_maps = adl
                .iter()
                .filter(|a| a.objective_id == id)
                .flat_map(|a| a.map_info.iter())
                .collect();
            Some(Mapped {
                id,
                primary,
                ims: &o.map_info,
                adl: adl_maps,
            })
        })
        .collect()
}

/// The `(target id, read, write)` maps of one field of an objective.
fn maps(o: &Mapped<'_>, field: &Field) -> Vec<(String, bool, bool)> {
    let mut out = Vec::new();
    if let Some(f) = field.2 {
        out.extend(o.ims.iter().map(|m| {
            let (r, w) = f(m);
            (m.target_objective_id.clone(), r, w)
        }));
    }
    if let Some(f) = field.3 {
        out.extend(o.adl.iter().map(|m| {
            let (r, w) = f(m);
            (m.target_objective_id.clone(), r, w)
        }));
    }
    out
}

fn count(data: &Data, collection: &str) -> usize {
    (0..)
        .take_while(|n| data.contains_key(&format!("{collection}.{n}.id")))
        .count()
}

fn index_of(data: &Data, collection: &str, id: &str) -> Option<usize> {
    (0..count(data, collection)).find(|n| data.get(&format!("{collection}.{n}.id")).is_some_and(|v| v == id))
}

/// Puts into a SCORM 2004 attempt's data what its item may read: shared data stores and
/// the objectives its manifest declares (existing entries of a resumed attempt are kept;
/// statuses read from global objectives replace theirs).
pub fn seed(data: &mut Data, item: &Item, state: &RegistrationState) {
    for (n, map) in item.data.iter().enumerate() {
        data.insert(format!("adl.data.{n}.id"), map.target_id.clone());
        let stored = state.shared_data.get(&map.target_id);
        if let (true, Some(value)) = (map.read_shared_data, stored) {
            data.insert(format!("adl.data.{n}.store"), value.clone());
        }
    }
    let mut statuses = state
        .local_objectives
        .get(&item.identifier)
        .cloned()
        .unwrap_or_default();
    for o in objectives_of(item) {
        let n = index_of(data, "cmi.objectives", o.id).unwrap_or_else(|| {
            let n = count(data, "cmi.objectives");
            data.insert(format!("cmi.objectives.{n}.id"), o.id.to_owned());
            n
        });
        let mut status = statuses.remove(o.id).unwrap_or_default();
        for field in &FIELDS {
            for (target, read, _) in maps(&o, field) {
                let global = state.objectives.get(&target).cloned().unwrap_or_default();
                if let (true, Some(v)) = (read, (field.0)(&mut global.clone()).clone()) {
                    *(field.0)(&mut status) = Some(v);
                }
            }
            if let Some(v) = (field.0)(&mut status).clone() {
                data.insert(format!("cmi.objectives.{n}.{}", field.1), v);
            }
        }
    }
}

/// Takes back from an attempt's data what its item may write; returns whether anything
/// changed.
pub fn collect(data: &Data, item: &Item, state: &mut RegistrationState) -> bool {
    let before = state.clone();
    for (n, map) in item.data.iter().enumerate() {
        if let (true, Some(v)) = (map.write_shared_data, data.get(&format!("adl.data.{n}.store"))) {
            state.shared_data.insert(map.target_id.clone(), v.clone());
        }
    }
    let declared = objectives_of(item);
    for n in 0..count(data, "cmi.objectives") {
        let Some(id) = data.get(&format!("cmi.objectives.{n}.id")) else {
            continue;
        };
        let mut status = ObjectiveStatus::default();
        let declared_here = declared.iter().find(|o| o.id == id);
        let primary = declared_here.is_some_and(|o| o.primary);
        for field in &FIELDS {
            let own = data
                .get(&format!("cmi.objectives.{n}.{}", field.1))
                .filter(|v| v.as_str() != "unknown");
            let sco_level = || {
                data.get(&format!("cmi.{}", field.1))
                    .filter(|v| v.as_str() != "unknown")
            };
            *(field.0)(&mut status) = own.or_else(|| primary.then(sco_level).flatten()).cloned();
        }
        if let Some(o) = declared_here {
            for field in &FIELDS {
                let Some(v) = (field.0)(&mut status.clone()).clone() else {
                    continue;
                };
                for (target, _, write) in maps(o, field) {
                    if write {
                        *(field.0)(state.objectives.entry(target).or_default()) = Some(v.clone());
                    }
                }
            }
        }
        state
            .local_objectives
            .entry(item.identifier.clone())
            .or_default()
            .insert(id.clone(), status);
    }
    *state != before
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::model::DataMap;
    use crate::package::model::Sequencing;
    use crate::package::model::sequencing::Objectives;

    fn map(target: &str, read: bool, write: bool) -> MapInfo {
        MapInfo {
            target_objective_id: target.into(),
            read_satisfied_status: read,
            read_normalized_measure: read,
            write_satisfied_status: write,
            write_normalized_measure: write,
        }
    }

    fn item(id: &str, objective_maps: Vec<MapInfo>, data: Vec<DataMap>) -> Item {
        let mut item = Item::new(id, id);
        item.data = data;
        item.sequencing = Some(Box::new(Sequencing {
            objectives: Some(Objectives {
                primary: Some(Objective {
                    objective_id: Some("obj-1".into()),
                    satisfied_by_measure: false,
                    min_normalized_measure: 1.0,
                    map_info: objective_maps,
                }),
                others: Vec::new(),
            }),
            ..Sequencing::default()
        }));
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
        let writer = item("a", vec![], vec![store("urn:s", false, true)]);
        let reader = item("b", vec![], vec![store("urn:s", true, false)]);
        let mut state = RegistrationState::default();
        let mut data = Data::new();
        seed(&mut data, &writer, &state);
        assert_eq!(data["adl.data.0.id"], "urn:s");
        assert!(!data.contains_key("adl.data.0.store"));
        data.insert("adl.data.0.store".into(), "hello".into());
        assert!(collect(&data, &writer, &mut state));
        assert_eq!(state.shared_data["urn:s"], "hello");
        let mut other = Data::new();
        seed(&mut other, &reader, &state);
        assert_eq!(other["adl.data.0.store"], "hello");
        other.insert("adl.data.0.store".into(), "changed".into());
        collect(&other, &reader, &mut state);
        assert_eq!(state.shared_data["urn:s"], "hello", "a read-only map writes nothing");
    }

    #[test]
    fn the_primary_objective_takes_the_sco_status() {
        let writer = item("a", vec![map("g1", false, true)], vec![]);
        let mut state = RegistrationState::default();
        let mut data = Data::new();
        seed(&mut data, &writer, &state);
        data.insert("cmi.success_status".into(), "failed".into());
        data.insert("cmi.score.scaled".into(), "0.2".into());
        collect(&data, &writer, &mut state);
        assert_eq!(state.objectives["g1"].success_status.as_deref(), Some("failed"));
        assert_eq!(state.objectives["g1"].score_scaled.as_deref(), Some("0.2"));
    }

    #[test]
    fn global_objectives_are_written_and_read_through_maps() {
        let writer = item("a", vec![map("g1", false, true)], vec![]);
        let reader = item("b", vec![map("g1", true, false)], vec![]);
        let mut state = RegistrationState::default();
        let mut data = Data::new();
        seed(&mut data, &writer, &state);
        assert_eq!(data["cmi.objectives.0.id"], "obj-1");
        data.insert("cmi.objectives.0.success_status".into(), "passed".into());
        data.insert("cmi.objectives.0.score.scaled".into(), "0.9".into());
        assert!(collect(&data, &writer, &mut state));
        assert_eq!(state.objectives["g1"].success_status.as_deref(), Some("passed"));
        assert_eq!(
            state.local_objectives["a"]["obj-1"].score_scaled.as_deref(),
            Some("0.9")
        );
        let mut other = Data::new();
        seed(&mut other, &reader, &state);
        assert_eq!(other["cmi.objectives.0.success_status"], "passed");
        assert_eq!(other["cmi.objectives.0.score.scaled"], "0.9");
        assert!(!collect(&data, &writer, &mut state), "nothing new");
    }
}
