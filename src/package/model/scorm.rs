//! SCORM 1.2 and 2004 content: organizations and their item trees, resources, and the
//! per-item settings the runtime needs (launch data, mastery score, time limits,
//! completion threshold, hidden navigation controls, shared data maps, sequencing).

use serde::{Deserialize, Serialize};

use super::{LaunchHref, Launchable, Sequencing, is_true, yes};

/// The content-packaging structure of a SCORM manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScormStructure {
    /// The manifest's `schemaversion`, as written (absent in some real packages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<String>,
    /// Identifier of the organization a learner is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_organization: Option<String>,
    /// The organizations of the root manifest. A manifest without any gets one implicit
    /// organization listing its resources that have an href (what Moodle does too).
    pub organizations: Vec<Organization>,
    /// Every resource, those of (sub)manifests included.
    pub resources: Vec<Resource>,
}

impl ScormStructure {
    /// The default organization, or the first one when none is named.
    pub fn default_organization(&self) -> Option<&Organization> {
        let named = self.default_organization.as_deref();
        named
            .and_then(|id| self.organizations.iter().find(|org| org.identifier == id))
            .or_else(|| self.organizations.first())
    }

    /// Every organization, the default one first.
    pub fn organizations_default_first(&self) -> impl Iterator<Item = &Organization> {
        let default = self.default_organization();
        default
            .into_iter()
            .chain(self.organizations.iter().filter(move |org| Some(*org) != default))
    }

    pub fn resource(&self, identifier: &str) -> Option<&Resource> {
        self.resources.iter().find(|resource| resource.identifier == identifier)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub identifier: String,
    pub title: String,
    /// True for the organization made up from resources when the manifest has none.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub implicit: bool,
    /// `adlseq:objectivesGlobalToSystem` (default true).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub objectives_global_to_system: bool,
    /// `adlcp:sharedDataGlobalToSystem` (default true).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub shared_data_global_to_system: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequencing: Option<Box<Sequencing>>,
    pub items: Vec<Item>,
}

impl Organization {
    /// Launchable items in tree order.
    pub fn launchables(&self) -> Vec<Launchable> {
        let mut out = Vec::new();
        for item in &self.items {
            item.collect_launchables(&mut out);
        }
        out
    }

    /// Every item of the tree, depth first in document order.
    pub fn items_in_order(&self) -> Vec<&Item> {
        let mut out = Vec::new();
        for item in &self.items {
            item.collect(&mut out);
        }
        out
    }
}

/// An `<item>`: a node of the activity tree. Leaves with a resource are launchable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub identifier: String,
    pub title: String,
    /// The resource or (sub)manifest the item refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifierref: Option<String>,
    /// Where the item starts (resource href with the item's `parameters` applied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch: Option<ItemLaunch>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub is_visible: bool,
    /// The `parameters` attribute as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<String>,
    /// `adlcp:datafromlms` (1.2) / `adlcp:dataFromLMS` (2004): `cmi.launch_data`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_data: Option<String>,
    /// `adlcp:masteryscore` (1.2), 0–100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mastery_score: Option<f64>,
    /// `adlcp:maxtimeallowed` (1.2, `HH:MM:SS`) as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_time_allowed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_action: Option<TimeLimitAction>,
    /// `adlcp:prerequisites` (1.2, an AICC script) as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prerequisites: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_threshold: Option<CompletionThreshold>,
    /// `adlnav:presentation/navigationInterface/hideLMSUI`: controls the player hides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hide_lms_ui: Vec<HideLmsUi>,
    /// `adlcp:data/map`: shared data buckets (4th edition).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<DataMap>,
    /// The effective sequencing definition (collection reference resolved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequencing: Option<Box<Sequencing>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Item>,
}

impl Item {
    /// An item with nothing but its identifier and title (every other field at its default).
    pub fn new(identifier: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            identifier: identifier.into(),
            title: title.into(),
            identifierref: None,
            launch: None,
            is_visible: true,
            parameters: None,
            launch_data: None,
            mastery_score: None,
            max_time_allowed: None,
            time_limit_action: None,
            prerequisites: None,
            completion_threshold: None,
            hide_lms_ui: Vec::new(),
            data: Vec::new(),
            sequencing: None,
            items: Vec::new(),
        }
    }

    fn collect_launchables(&self, out: &mut Vec<Launchable>) {
        if let Some(launch) = &self.launch {
            out.push(Launchable {
                id: self.identifier.clone(),
                title: self.title.clone(),
                href: launch.href.clone(),
            });
        }
        for child in &self.items {
            child.collect_launchables(out);
        }
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a Item>) {
        out.push(self);
        for child in &self.items {
            child.collect(out);
        }
    }
}

/// How an item is launched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemLaunch {
    pub href: LaunchHref,
    /// SCOs get the runtime API; assets do not need it.
    pub scorm_type: ScormType,
}

/// A `<resource>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub identifier: String,
    /// The `type` attribute (`webcontent` in SCORM).
    #[serde(rename = "type")]
    pub resource_type: String,
    /// `adlcp:scormtype` / `adlcp:scormType`; absent in some real packages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scorm_type: Option<ScormType>,
    /// The entry point, every xml:base applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<LaunchHref>,
    /// Paths of the listed files, relative to the package root.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// Identifiers of the resources this one depends on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
}

vocabulary! {
    /// `adlcp:scormtype`.
    ScormType { Sco = "sco", Asset = "asset" }
}

vocabulary! {
    /// `adlcp:timelimitaction` / `adlcp:timeLimitAction`.
    TimeLimitAction {
        ExitMessage = "exit,message",
        ExitNoMessage = "exit,no message",
        ContinueMessage = "continue,message",
        ContinueNoMessage = "continue,no message",
    }
}

vocabulary! {
    /// `adlnav:hideLMSUI`: a navigation control the player must not show.
    HideLmsUi {
        Previous = "previous",
        Continue = "continue",
        Exit = "exit",
        ExitAll = "exitAll",
        Abandon = "abandon",
        AbandonAll = "abandonAll",
        SuspendAll = "suspendAll",
    }
}

/// `adlcp:completionThreshold`. The 4th edition writes attributes; the 3rd edition's text
/// form (`<adlcp:completionThreshold>0.8</…>`) reads as `completedByMeasure` with that
/// `minProgressMeasure`, which is what it meant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompletionThreshold {
    pub completed_by_measure: bool,
    pub min_progress_measure: f64,
    pub progress_weight: f64,
}

impl Default for CompletionThreshold {
    fn default() -> Self {
        Self {
            completed_by_measure: false,
            min_progress_measure: 1.0,
            progress_weight: 1.0,
        }
    }
}

/// `adlcp:map`: access to one shared data bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataMap {
    #[serde(rename = "targetID")]
    pub target_id: String,
    pub read_shared_data: bool,
    pub write_shared_data: bool,
}
