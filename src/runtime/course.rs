//! A package version's course model as the run-time keeps it loaded (the servers' course
//! cache holds these): the model, and the sequencing engine's activity tree of a SCORM
//! 2004 course's default organization, built on first use and then shared by every
//! request on that version (building it takes about a millisecond for 1,000 activities,
//! and a request needs it up to three times).

use std::ops::Deref;
use std::sync::OnceLock;

use super::sequencing::ActivityTree;
use super::usecase::navigate::organization;
use crate::package::model::Course;

#[derive(Debug)]
pub struct LoadedCourse {
    model: Course,
    tree: OnceLock<Option<ActivityTree>>,
}

impl LoadedCourse {
    pub fn new(model: Course) -> Self {
        Self {
            model,
            tree: OnceLock::new(),
        }
    }

    /// The activity tree of the default organization; `None` for a course that does not
    /// go through sequencing (SCORM 1.2, cmi5, xAPI, no organization).
    pub fn tree(&self) -> Option<&ActivityTree> {
        self.tree
            .get_or_init(|| match organization(&self.model) {
                Ok((org, false)) => Some(ActivityTree::new(org)),
                _ => None,
            })
            .as_ref()
    }
}

impl Deref for LoadedCourse {
    type Target = Course;

    fn deref(&self) -> &Course {
        &self.model
    }
}
