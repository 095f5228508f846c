//! `tincan.xml` (namespace `http://projecttincan.com/tincan.xsd`): activities with id,
//! type, name, description and launch. The course is the activity typed
//! `http://adlnet.gov/expapi/activities/course`, else the first one with a launch.

use super::href;
use super::values::{langstrings, optional, pick, pick_language, required};
use super::xml::{Element, Ns, Xml};
use crate::package::PackageError;
use crate::package::model::{ActorFormat, Course, PackageKind, Structure, XapiActivity, XapiStructure};

type Result<T> = std::result::Result<T, PackageError>;

const COURSE_TYPE: &str = "http://adlnet.gov/expapi/activities/course";

fn is(el: &Element, name: &str) -> bool {
    (el.ns == Ns::Tincan || el.ns == Ns::None) && el.name.eq_ignore_ascii_case(name)
}

pub(super) fn parse(x: &mut Xml<'_>, root: Element, folder: &str) -> Result<Course> {
    if !is(&root, "tincan") {
        return Err(x.invalid(&root, format!("the root element is <{}>, not <tincan>", root.name)));
    }
    let mut activities = Vec::new();
    x.each_child(&root, |x, child| {
        if !is(&child, "activities") {
            return Ok(());
        }
        x.each_child(&child, |x, el| {
            if is(&el, "activity") {
                activities.push(activity(x, &el, folder)?);
            }
            Ok(())
        })
    })?;
    x.finish()?;
    let course = activities
        .iter()
        .find(|a| a.activity_type.as_deref() == Some(COURSE_TYPE))
        .or_else(|| activities.iter().find(|a| a.launch.is_some()))
        .ok_or(PackageError::NothingToLaunch)?;
    Ok(Course {
        kind: PackageKind::Xapi,
        identifier: course.id.clone(),
        title: course.name.clone().unwrap_or_else(|| course.id.clone()),
        description: course.description.clone(),
        structure: Structure::Xapi(XapiStructure {
            activities,
            actor_format: ActorFormat::default(),
        }),
    })
}

fn activity(x: &mut Xml<'_>, el: &Element, folder: &str) -> Result<XapiActivity> {
    // Repeated elements carry one language each (`<name lang="en">`, `<name lang="ja">`).
    let (mut names, mut descriptions, mut launches) = (Vec::new(), Vec::new(), Vec::new());
    x.each_child(el, |x, child| {
        if is(&child, "name") {
            names.extend(langstrings(x, &child)?);
        } else if is(&child, "description") {
            descriptions.extend(langstrings(x, &child)?);
        } else if is(&child, "launch") {
            launches.extend(langstrings(x, &child)?);
        }
        Ok(())
    })?;
    let launch = match pick(&launches) {
        Some(t) => {
            let text = t.text.trim();
            Some(href::resolve(&[folder], text).map_err(|err| x.invalid_at(t.offset, err.message(text)))?)
        }
        None => None,
    };
    Ok(XapiActivity {
        id: required(x, el, "id", el.attr("id"))?,
        activity_type: optional(el.attr("type")),
        name: pick_language(&names),
        description: pick_language(&descriptions),
        launch,
        launch_lang: pick(&launches).and_then(|t| t.lang.clone()),
    })
}
