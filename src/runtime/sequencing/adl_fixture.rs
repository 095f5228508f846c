//! The fixtures `fixtures/sequencing/decode.py` writes from ADL's test cases: for each
//! case, the scripted visits (the activity delivered, the run-time calls that matter
//! to sequencing, what the learner does next), read by `adl_replay_tests.rs`.

use serde::Deserialize;

use super::nav_request::NavigationRequest as N;
use super::tree::ActivityTree;

#[derive(Debug, Deserialize)]
pub struct Fixture {
    pub start: Action,
    pub visits: Vec<Visit>,
}

#[derive(Debug, Deserialize)]
pub struct Visit {
    pub visit: String,
    pub activity: String,
    /// How the SCO ends: `None` calls Terminate after its calls; "waits…" leaves it to
    /// its unload, after the learner's navigation, which wins over its own request.
    #[serde(default)]
    pub sco: Option<String>,
    pub steps: Vec<Step>,
    #[serde(default)]
    pub then: Option<Action>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Step {
    Set { set: String, value: String },
    Get { get: String, expect: String },
}

/// What the learner does (or the script expects) after a visit.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    pub nav: Option<String>,
    pub target: Option<String>,
    /// The session has ended before the learner acts.
    #[serde(default)]
    pub ended: bool,
    /// The session has ended after the learner's navigation.
    #[serde(default)]
    pub then_ended: bool,
    #[serde(default)]
    pub relaunch: bool,
    /// After relaunching, the learner chooses this activity.
    pub choose: Option<String>,
    #[serde(default)]
    pub exit: bool,
}

pub fn nav_request(tree: &ActivityTree, nav: &str, target: Option<&str>) -> Result<N, String> {
    let target = || {
        let t = target.ok_or(format!("{nav} without a target"))?;
        Ok::<_, String>(if t == "ROOT" {
            tree.get(ActivityTree::ROOT).identifier.clone()
        } else {
            t.to_owned()
        })
    };
    Ok(match nav {
        "start" => N::Start,
        "resumeAll" => N::ResumeAll,
        "continue" => N::Continue,
        "previous" => N::Previous,
        "choice" => N::Choice(target()?),
        "jump" => N::Jump(target()?),
        "exit" => N::Exit,
        "exitAll" => N::ExitAll,
        "suspendAll" => N::SuspendAll,
        "abandon" => N::Abandon,
        "abandonAll" => N::AbandonAll,
        other => return Err(format!("unknown navigation request {other}")),
    })
}

/// `adl.nav.request` values: `continue`, `{target=x}choice`, `{target=x}jump`.
pub fn sco_request(tree: &ActivityTree, value: &str) -> Result<Option<N>, String> {
    if value == "_none_" {
        return Ok(None);
    }
    match value.strip_prefix("{target=").and_then(|r| r.split_once('}')) {
        Some((target, nav)) => nav_request(tree, nav, Some(target)).map(Some),
        None => nav_request(tree, value, None).map(Some),
    }
}
