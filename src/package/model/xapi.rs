//! xAPI (tincan.xml) packages: a list of activities, some of which can be launched.

use serde::{Deserialize, Serialize};

use super::{LaunchHref, Launchable};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XapiStructure {
    pub activities: Vec<XapiActivity>,
    /// The shape of the launch `actor` parameter the content reads (detected at import).
    #[serde(default, skip_serializing_if = "ActorFormat::is_default")]
    pub actor_format: ActorFormat,
}

/// The shape in which a package's launch script reads the `actor` launch parameter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActorFormat {
    /// An xAPI 1.0 Agent: `{"objectType":"Agent","name":"…","account":{"homePage","name"}}`.
    /// TinCanJS (Storyline, Captivate), Adapt and xAPIWrapper content read it.
    #[default]
    #[serde(rename = "xapi")]
    Xapi,
    /// The TinCan 0.9/0.95 shape of Rustici's launch guidelines: `name` and `account` as
    /// arrays, the account as `accountServiceHomePage` / `accountName`. Lectora's launch
    /// script reads only this one.
    #[serde(rename = "tincan-0.95")]
    TinCan095,
}

impl ActorFormat {
    fn is_default(&self) -> bool {
        *self == Self::Xapi
    }
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
