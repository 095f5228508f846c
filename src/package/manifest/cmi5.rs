//! `cmi5.xml` (namespace `https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd`):
//! the course, its objectives, and nested blocks of AUs. AU urls are trimmed (CDATA
//! allowed); relative ones resolve against the manifest's folder, absolute ones are kept.

use std::collections::HashMap;

use super::href;
use super::values::{decimal, langstrings, optional, pick_language, required, token};
use super::xml::{Element, Ns, Xml};
use crate::package::PackageError;
use crate::package::model::{
    Cmi5Au, Cmi5Block, Cmi5Node, Cmi5Objective, Cmi5Structure, Course, LaunchHref, LaunchMethod, MoveOn, PackageKind,
    Structure,
};

type Result<T> = std::result::Result<T, PackageError>;

fn is(el: &Element, name: &str) -> bool {
    (el.ns == Ns::Cmi5 || el.ns == Ns::None) && el.name.eq_ignore_ascii_case(name)
}

#[derive(Default)]
struct Reader {
    course: Option<(String, String, Option<String>)>,
    objectives: Vec<Cmi5Objective>,
    /// Ids of blocks and AUs, to refuse duplicates.
    ids: HashMap<String, u64>,
    /// Objective references and where they are, checked at the end.
    references: Vec<(String, u64)>,
}

pub(super) fn parse(x: &mut Xml<'_>, root: Element, folder: &str) -> Result<Course> {
    if !is(&root, "courseStructure") {
        return Err(x.invalid(
            &root,
            format!("the root element is <{}>, not <courseStructure>", root.name),
        ));
    }
    let mut r = Reader::default();
    let mut children = Vec::new();
    x.each_child(&root, |x, child| {
        if is(&child, "course") {
            r.course = Some(course(x, &child)?);
        } else if is(&child, "objectives") {
            r.objectives = objectives(x, &child)?;
        } else if let Some(node) = node(x, &child, folder, &mut r)? {
            children.push(node);
        }
        Ok(())
    })?;
    x.finish()?;
    let (identifier, title, description) = r
        .course
        .ok_or_else(|| x.invalid(&root, "<courseStructure> needs a <course>"))?;
    for (id, offset) in &r.references {
        if !r.objectives.iter().any(|o| &o.id == id) {
            return Err(x.invalid_at(
                *offset,
                format!("objective {id:?} is not declared in the course's <objectives>"),
            ));
        }
    }
    let structure = Cmi5Structure {
        objectives: r.objectives,
        children,
    };
    Ok(Course {
        kind: PackageKind::Cmi5,
        identifier,
        title,
        description,
        structure: Structure::Cmi5(structure),
    })
}

/// A block or an AU; `None` for anything else.
fn node(x: &mut Xml<'_>, el: &Element, folder: &str, r: &mut Reader) -> Result<Option<Cmi5Node>> {
    if is(el, "block") {
        Ok(Some(Cmi5Node::Block(block(x, el, folder, r)?)))
    } else if is(el, "au") {
        Ok(Some(Cmi5Node::Au(au(x, el, folder, r)?)))
    } else {
        Ok(None)
    }
}

/// Title and description (English or the first language), shared by every element.
fn text_field(x: &mut Xml<'_>, el: &Element) -> Result<Option<String>> {
    Ok(pick_language(&langstrings(x, el)?))
}

fn course(x: &mut Xml<'_>, el: &Element) -> Result<(String, String, Option<String>)> {
    let id = required(x, el, "id", el.attr("id"))?;
    let (mut title, mut description) = (None, None);
    x.each_child(el, |x, child| {
        if is(&child, "title") {
            title = text_field(x, &child)?;
        } else if is(&child, "description") {
            description = text_field(x, &child)?;
        }
        Ok(())
    })?;
    Ok((id.clone(), title.unwrap_or(id), description))
}

fn objectives(x: &mut Xml<'_>, el: &Element) -> Result<Vec<Cmi5Objective>> {
    let mut out = Vec::new();
    x.each_child(el, |x, child| {
        if !is(&child, "objective") {
            return Ok(());
        }
        let id = required(x, &child, "id", child.attr("id"))?;
        let mut objective = Cmi5Objective {
            title: id.clone(),
            id,
            description: None,
        };
        x.each_child(&child, |x, field| {
            if is(&field, "title") {
                objective.title = text_field(x, &field)?.unwrap_or_else(|| objective.id.clone());
            } else if is(&field, "description") {
                objective.description = text_field(x, &field)?;
            }
            Ok(())
        })?;
        out.push(objective);
        Ok(())
    })?;
    Ok(out)
}

/// `<objectives><objective idref="…"/></objectives>` inside a block or AU.
fn references(x: &mut Xml<'_>, el: &Element, r: &mut Reader) -> Result<Vec<String>> {
    let mut out = Vec::new();
    x.each_child(el, |x, child| {
        if is(&child, "objective") {
            let id = required(x, &child, "idref", child.attr("idref"))?;
            r.references.push((id.clone(), child.offset));
            out.push(id);
        }
        Ok(())
    })?;
    Ok(out)
}

fn claim(x: &Xml<'_>, el: &Element, r: &mut Reader) -> Result<String> {
    let id = required(x, el, "id", el.attr("id"))?;
    if r.ids.insert(id.clone(), el.offset).is_some() {
        return Err(x.invalid(el, format!("id {id:?} is used more than once")));
    }
    Ok(id)
}

fn block(x: &mut Xml<'_>, el: &Element, folder: &str, r: &mut Reader) -> Result<Cmi5Block> {
    let id = claim(x, el, r)?;
    let mut block = Cmi5Block {
        title: id.clone(),
        id,
        description: None,
        objectives: Vec::new(),
        children: Vec::new(),
    };
    x.each_child(el, |x, child| {
        if is(&child, "title") {
            block.title = text_field(x, &child)?.unwrap_or_else(|| block.id.clone());
        } else if is(&child, "description") {
            block.description = text_field(x, &child)?;
        } else if is(&child, "objectives") {
            block.objectives = references(x, &child, r)?;
        } else if let Some(node) = node(x, &child, folder, r)? {
            block.children.push(node);
        }
        Ok(())
    })?;
    Ok(block)
}

/// The child elements of an `<au>`.
#[derive(Default)]
struct AuChildren {
    title: Option<String>,
    description: Option<String>,
    objectives: Vec<String>,
    url: Option<LaunchHref>,
    launch_parameters: Option<String>,
    entitlement_key: Option<String>,
}

fn au(x: &mut Xml<'_>, el: &Element, folder: &str, r: &mut Reader) -> Result<Cmi5Au> {
    let id = claim(x, el, r)?;
    let mut c = AuChildren::default();
    x.each_child(el, |x, child| {
        if is(&child, "title") {
            c.title = text_field(x, &child)?;
        } else if is(&child, "description") {
            c.description = text_field(x, &child)?;
        } else if is(&child, "objectives") {
            c.objectives = references(x, &child, r)?;
        } else if is(&child, "url") {
            let text = x
                .text_trimmed(&child)?
                .ok_or_else(|| x.invalid(&child, "<url> is empty"))?;
            c.url = Some(href::resolve(&[folder], &text).map_err(|err| x.invalid(&child, err.message(&text)))?);
        } else if is(&child, "launchParameters") {
            c.launch_parameters = x.text_trimmed(&child)?;
        } else if is(&child, "entitlementKey") {
            c.entitlement_key = x.text_trimmed(&child)?;
        }
        Ok(())
    })?;
    Ok(Cmi5Au {
        url: c.url.ok_or_else(|| x.invalid(el, format!("AU {id:?} has no <url>")))?,
        title: c.title.unwrap_or_else(|| id.clone()),
        description: c.description,
        launch_method: token(x, el, "launchMethod", el.attr("launchMethod"))?.unwrap_or(LaunchMethod::AnyWindow),
        move_on: token(x, el, "moveOn", el.attr("moveOn"))?.unwrap_or(MoveOn::NotApplicable),
        mastery_score: decimal(x, el, "masteryScore", el.attr("masteryScore"), 0.0..=1.0)?,
        launch_parameters: c.launch_parameters,
        entitlement_key: c.entitlement_key,
        activity_type: optional(el.attr("activityType")),
        objectives: c.objectives,
        id,
    })
}
