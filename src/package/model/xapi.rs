//! xAPI (tincan.xml) packages: a list of activities, some of which can be launched.

use serde::{Deserialize, Serialize};

use super::{LaunchHref, Launchable};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XapiStructure {
    pub activities: Vec<XapiActivity>,
}

impl XapiStructure {
    /// Activities with a launch element, in document order.
    pub fn launchables(&self) -> Vec<Launchable> {
        let launchable = |activity: &XapiActivity| {
            let href = activity.launch.clone()?;
            let title = activity.name.clone().unwrap_or_else(|| activity.id.clone());
            Some(Launchable {
                id: activity.id.clone(),
                title,
                href,
            })
        };
        self.activities.iter().filter_map(launchable).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XapiActivity {
    pub id: String,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub activity_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch: Option<LaunchHref>,
    /// The `lang` attribute of the launch element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_lang: Option<String>,
}
