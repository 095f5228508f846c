//! `cmi5.xml` (namespace `https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd`):
//! the course, its objectives, and nested blocks of AUs. Every structure the
//! specification calls invalid is refused with its [`Cmi5Rule`] at the element
//! (`cmi5_values` holds the value rules). AU urls are trimmed (CDATA allowed); relative
//! ones resolve against the manifest's folder, absolute ones are kept; a course
//! structure uploaded without a zip (`bare`) may only have absolute ones (14.2).

use std::collections::{HashMap, HashSet};

use super::cmi5_values::{
    Texts, activity_type, has_unsafe, iri_id, is_iri, mastery_score, refuse, reserved_parameter, texts, vocabulary,
};
use super::href;
use super::xml::{Element, Ns, Xml};
use crate::package::model::{
    Cmi5Au, Cmi5Block, Cmi5Node, Cmi5Objective, Cmi5Structure, Course, LaunchHref, LaunchMethod, MoveOn, PackageKind,
    Structure,
};
use crate::package::{Cmi5Rule, PackageError};

type Result<T> = std::result::Result<T, PackageError>;

fn is(el: &Element, name: &str) -> bool {
    (el.ns == Ns::Cmi5 || el.ns == Ns::None) && el.name.eq_ignore_ascii_case(name)
}

struct Reader<'f> {
    folder: &'f str,
    bare: bool,
    /// Every id of the course, its objectives, blocks and AUs: they are unique (13.1).
    ids: HashMap<String, u64>,
    /// Objective references and where they are, checked at the end.
    references: Vec<(String, u64)>,
}

impl Reader<'_> {
    fn claim(&mut self, x: &Xml<'_>, el: &Element) -> Result<String> {
        let id = iri_id(x, el, "id")?;
        if let Some(first) = self.ids.insert(id.clone(), el.offset) {
            let at = x.pos(first);
            return Err(refuse(
                x,
                el.offset,
                Cmi5Rule::DuplicateId,
                format!("id {id:?} is already used at line {}, column {}", at.line, at.column),
            ));
        }
        Ok(id)
    }
}

/// The title and description children every element of the structure has (13.1).
#[derive(Default)]
struct Described {
    title: Option<Texts>,
    description: Option<Texts>,
}

impl Described {
    /// Reads `child` if it is the title or description; false otherwise.
    fn read(&mut self, x: &mut Xml<'_>, child: &Element) -> Result<bool> {
        if is(child, "title") {
            self.title = Some(texts(x, child, Cmi5Rule::MissingTitle)?);
        } else if is(child, "description") {
            self.description = Some(texts(x, child, Cmi5Rule::MissingDescription)?);
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// Both present, or the refusal naming `el`.
    fn require(self, x: &Xml<'_>, el: &Element) -> Result<(Texts, Texts)> {
        let title = self.title.ok_or_else(|| {
            refuse(
                x,
                el.offset,
                Cmi5Rule::MissingTitle,
                format!("<{}> needs a <title>", el.name),
            )
        })?;
        let description = self.description.ok_or_else(|| {
            refuse(
                x,
                el.offset,
                Cmi5Rule::MissingDescription,
                format!("<{}> needs a <description>", el.name),
            )
        })?;
        Ok((title, description))
    }
}

pub(super) fn parse(x: &mut Xml<'_>, root: Element, folder: &str, bare: bool) -> Result<Course> {
    if !is(&root, "courseStructure") {
        return Err(x.invalid(
            &root,
            format!("the root element is <{}>, not <courseStructure>", root.name),
        ));
    }
    let mut r = Reader {
        folder,
        bare,
        ids: HashMap::new(),
        references: Vec::new(),
    };
    let (mut course, mut objectives, mut children) = (None, Vec::new(), Vec::new());
    x.each_child(&root, |x, child| {
        if is(&child, "course") {
            if course.is_some() {
                return Err(refuse(x, child.offset, Cmi5Rule::Course, "a second <course>"));
            }
            course = Some(course_of(x, &child, &mut r)?);
        } else if is(&child, "objectives") {
            objectives = objectives_of(x, &child, &mut r)?;
        } else if let Some(node) = node(x, &child, &mut r)? {
            children.push(node);
        }
        Ok(())
    })?;
    x.finish()?;
    let (identifier, title, description) =
        course.ok_or_else(|| refuse(x, root.offset, Cmi5Rule::Course, "<courseStructure> needs a <course>"))?;
    if children.is_empty() {
        return Err(refuse(
            x,
            root.offset,
            Cmi5Rule::EmptyCourse,
            "the course has no <au> or <block>",
        ));
    }
    let declared: HashSet<&str> = objectives.iter().map(|o: &Cmi5Objective| o.id.as_str()).collect();
    if let Some((id, offset)) = r.references.iter().find(|(id, _)| !declared.contains(id.as_str())) {
        return Err(refuse(
            x,
            *offset,
            Cmi5Rule::UnknownObjective,
            format!("objective {id:?} is not declared in the course's <objectives>"),
        ));
    }
    Ok(Course {
        kind: PackageKind::Cmi5,
        title: title.shown.unwrap_or_else(|| identifier.clone()),
        description: description.shown,
        identifier,
        structure: Structure::Cmi5(Cmi5Structure {
            titles: title.all,
            descriptions: description.all,
            objectives,
            children,
        }),
    })
}

/// A block or an AU; `None` for anything else (vendor extensions may be ignored, 13.1.5).
fn node(x: &mut Xml<'_>, el: &Element, r: &mut Reader) -> Result<Option<Cmi5Node>> {
    if is(el, "block") {
        Ok(Some(Cmi5Node::Block(block(x, el, r)?)))
    } else if is(el, "au") {
        Ok(Some(Cmi5Node::Au(au(x, el, r)?)))
    } else {
        Ok(None)
    }
}

fn course_of(x: &mut Xml<'_>, el: &Element, r: &mut Reader) -> Result<(String, Texts, Texts)> {
    let id = r.claim(x, el)?;
    let mut d = Described::default();
    x.each_child(el, |x, child| d.read(x, &child).map(drop))?;
    let (title, description) = d.require(x, el)?;
    Ok((id, title, description))
}

fn objectives_of(x: &mut Xml<'_>, el: &Element, r: &mut Reader) -> Result<Vec<Cmi5Objective>> {
    let mut out = Vec::new();
    x.each_child(el, |x, child| {
        if !is(&child, "objective") {
            return Ok(());
        }
        let id = r.claim(x, &child)?;
        let mut d = Described::default();
        x.each_child(&child, |x, field| d.read(x, &field).map(drop))?;
        let (title, description) = d.require(x, &child)?;
        out.push(Cmi5Objective {
            title: title.shown.unwrap_or_else(|| id.clone()),
            id,
            description: description.shown,
            titles: title.all,
            descriptions: description.all,
        });
        Ok(())
    })?;
    Ok(out)
}

/// `<objectives><objective idref="…"/></objectives>` inside a block or AU.
fn references(x: &mut Xml<'_>, el: &Element, r: &mut Reader) -> Result<Vec<String>> {
    let mut out = Vec::new();
    x.each_child(el, |x, child| {
        if is(&child, "objective") {
            let id = iri_id(x, &child, "idref")?;
            r.references.push((id.clone(), child.offset));
            out.push(id);
        }
        Ok(())
    })?;
    Ok(out)
}

fn block(x: &mut Xml<'_>, el: &Element, r: &mut Reader) -> Result<Cmi5Block> {
    let id = r.claim(x, el)?;
    let (mut d, mut objectives, mut children) = (Described::default(), Vec::new(), Vec::new());
    x.each_child(el, |x, child| {
        if d.read(x, &child)? {
        } else if is(&child, "objectives") {
            objectives = references(x, &child, r)?;
        } else if let Some(node) = node(x, &child, r)? {
            children.push(node);
        }
        Ok(())
    })?;
    let (title, description) = d.require(x, el)?;
    if children.is_empty() {
        return Err(refuse(
            x,
            el.offset,
            Cmi5Rule::EmptyBlock,
            format!("block {id:?} has no <au> or <block>"),
        ));
    }
    Ok(Cmi5Block {
        title: title.shown.unwrap_or_else(|| id.clone()),
        id,
        description: description.shown,
        titles: title.all,
        descriptions: description.all,
        objectives,
        children,
    })
}

/// The child elements of an `<au>`.
#[derive(Default)]
struct AuChildren {
    described: Described,
    objectives: Vec<String>,
    url: Option<LaunchHref>,
    launch_parameters: Option<String>,
    entitlement_key: Option<String>,
}

fn url(x: &mut Xml<'_>, el: &Element, r: &Reader) -> Result<LaunchHref> {
    let text = x
        .text_trimmed(el)?
        .ok_or_else(|| refuse(x, el.offset, Cmi5Rule::MissingUrl, "<url> is empty"))?;
    if has_unsafe(&text) {
        return Err(refuse(
            x,
            el.offset,
            Cmi5Rule::BadUrl,
            format!(
                "url {text:?} is not a URL: spaces and characters such as <>\"{{}}|\\^` are escaped (13.1.4, RFC 1738)"
            ),
        ));
    }
    if r.bare && !is_iri(&text) {
        return Err(refuse(
            x,
            el.offset,
            Cmi5Rule::RelativeUrlWithoutPackage,
            format!("url {text:?} is not fully qualified: a cmi5.xml without a zip has no files to point to"),
        ));
    }
    let url =
        href::resolve(&[r.folder], &text).map_err(|err| refuse(x, el.offset, Cmi5Rule::BadUrl, err.message(&text)))?;
    if let Some(name) = reserved_parameter(&url) {
        return Err(refuse(
            x,
            el.offset,
            Cmi5Rule::ReservedParameter,
            format!("url {text:?} uses {name:?}, a name the LMS adds at launch"),
        ));
    }
    Ok(url)
}

fn au(x: &mut Xml<'_>, el: &Element, r: &mut Reader) -> Result<Cmi5Au> {
    let id = r.claim(x, el)?;
    let mut c = AuChildren::default();
    x.each_child(el, |x, child| {
        if c.described.read(x, &child)? {
        } else if is(&child, "objectives") {
            c.objectives = references(x, &child, r)?;
        } else if is(&child, "url") {
            c.url = Some(url(x, &child, r)?);
        } else if is(&child, "launchParameters") {
            c.launch_parameters = x.text_trimmed(&child)?;
        } else if is(&child, "entitlementKey") {
            c.entitlement_key = x.text_trimmed(&child)?;
        }
        Ok(())
    })?;
    let (title, description) = c.described.require(x, el)?;
    let url = c
        .url
        .ok_or_else(|| refuse(x, el.offset, Cmi5Rule::MissingUrl, format!("AU {id:?} has no <url>")))?;
    Ok(Cmi5Au {
        url,
        title: title.shown.unwrap_or_else(|| id.clone()),
        description: description.shown,
        titles: title.all,
        descriptions: description.all,
        launch_method: vocabulary(x, el, "launchMethod", Cmi5Rule::LaunchMethod)?.unwrap_or(LaunchMethod::AnyWindow),
        move_on: vocabulary(x, el, "moveOn", Cmi5Rule::MoveOn)?.unwrap_or(MoveOn::NotApplicable),
        mastery_score: mastery_score(x, el)?,
        launch_parameters: c.launch_parameters,
        entitlement_key: c.entitlement_key,
        activity_type: activity_type(x, el)?,
        objectives: c.objectives,
        id,
    })
}
