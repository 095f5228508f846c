//! From a package's course model to what a SCO's attempt starts with: which data model
//! version it speaks and the values the LMS supplies from the manifest.

use super::attempt::LaunchContext;
use super::datamodel::Version;
use crate::package::model::Item;
use crate::package::model::{Course, PackageKind, Structure, Vocabulary};

/// The SCO `item` of a SCORM course, with its data model version and launch context.
pub fn sco_context(
    course: &Course,
    item: &str,
    learner_id: &str,
    learner_name: &str,
) -> Result<(Version, LaunchContext), String> {
    let version = match course.kind {
        PackageKind::Scorm12 => Version::Scorm12,
        PackageKind::Scorm2004 { .. } => Version::Scorm2004,
        _ => return Err(format!("a {} package has no SCORM run-time", course.kind.as_str())),
    };
    let it = find_item(course, item).ok_or_else(|| format!("the package has no launchable item {item:?}"))?;
    let scaled_passing_score = it
        .sequencing
        .as_ref()
        .and_then(|q| q.objectives.as_ref())
        .and_then(|o| o.primary.as_ref())
        .filter(|p| p.satisfied_by_measure)
        .map(|p| p.min_normalized_measure);
    let ctx = LaunchContext {
        learner_id: learner_id.to_owned(),
        learner_name: learner_name.to_owned(),
        launch_data: it.launch_data.clone(),
        mastery_score: it.mastery_score,
        completion_threshold: it
            .completion_threshold
            .as_ref()
            .filter(|c| c.completed_by_measure)
            .map(|c| c.min_progress_measure),
        scaled_passing_score,
        // SCORM 2004 takes it from the attempt's absolute duration limit (RTE book,
        // cmi.max_time_allowed); SCORM 1.2 from adlcp:maxtimeallowed.
        max_time_allowed: it.max_time_allowed.clone().or_else(|| {
            let limits = it.sequencing.as_ref()?.limit_conditions.as_ref()?;
            limits.attempt_absolute_duration_limit.clone()
        }),
        time_limit_action: it.time_limit_action.map(|t| t.as_str().to_owned()),
    };
    Ok((version, ctx))
}

/// The launchable item `item` of a SCORM course (any organization, the default first).
pub fn find_item<'a>(course: &'a Course, item: &str) -> Option<&'a Item> {
    let Structure::Scorm(s) = &course.structure else {
        return None;
    };
    s.organizations_default_first()
        .flat_map(|o| o.items_in_order())
        .find(|i| i.identifier == item && i.launch.is_some())
}
