//! `cmi5.xml` (namespace `https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd`):
//! the course, its objectives, and nested blocks of AUs. Every structure the
//! specification or its XSD calls invalid is refused with its [`Cmi5Rule`] at the
//! element: `schema` the XSD's content models (order, counts, attributes, text, where
//! extensions go), `cmi5_values` the value rules. AU urls are trimmed (CDATA allowed);
//! relative ones resolve against the manifest's folder, absolute ones are kept; a course
//! structure uploaded without a zip (`bare`) may only have absolute ones (14.2).

mod schema;

use std::collections::{HashMap, HashSet};

use super::cmi5_values::{
    Texts, activity_type, has_unsafe, iri_id, is_iri, language, mastery_score, refuse, reserved_parameter, texts,
    vocabulary,
};
use super::href;
use super::values::Translation;
use super::xml::{Element, Xml};
use crate::package::model::{
    Cmi5Au, Cmi5Block, Cmi5Node, Cmi5Objective, Cmi5Structure, Course, LaunchHref, LaunchMethod, MoveOn, PackageKind,
    Structure,
};
use crate::package::{Cmi5Rule, PackageError};
use schema::{Model, Scope, Sequence};

type Result<T> = std::result::Result<T, PackageError>;

struct Reader<'f> {
    folder: &'f str,
    bare: bool,
    /// Every id of the course, its objectives, blocks and AUs: they are unique (13.1).
    ids: HashMap<String, u64>,
    /// Objective references and where they are, checked at the end.
    references: Vec<(String, u64)>,
    scope: Scope,
}

impl Reader<'_> {
    /// Checks `el`'s attributes and each child against `model`, and calls `f` with each
    /// cmi5 child and its name (extension elements are skipped); returns the text of an
    /// element with simple content.
    fn children(
        &mut self,
        x: &mut Xml<'_>,
        el: &Element,
        model: &'static Model,
        mut f: impl FnMut(&mut Xml<'_>, &mut Self, Element, &'static str) -> Result<()>,
    ) -> Result<String> {
        schema::attributes(x, el, model)?;
        let mut sequence = Sequence::new(model, el);
        let text = x.children_and_text(el, |x, child| {
            let mark = self.scope.enter(&child);
            if let Some(name) = sequence.accept(x, &self.scope, &child)? {
                f(x, self, child, name)?;
            }
            self.scope.leave(mark);
            Ok(())
        })?;
        schema::text(x, el, model, text)
    }

    /// A `<title>` or `<description>`.
    fn texts(&mut self, x: &mut Xml<'_>, el: &Element, rule: Cmi5Rule) -> Result<Texts> {
        let mut strings = Vec::new();
        self.children(x, el, &schema::TEXT, |x, r, child, _| {
            let lang = language(x, &child)?;
            let text = r.children(x, &child, &schema::LANGSTRING, |_, _, _, _| Ok(()))?;
            strings.push(Translation {
                lang,
                text,
                offset: child.offset,
            });
            Ok(())
        })?;
        texts(x, el, &strings, rule)
    }

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
    fn read(&mut self, x: &mut Xml<'_>, r: &mut Reader, child: &Element, name: &str) -> Result<bool> {
        match name {
            "title" => self.title = Some(r.texts(x, child, Cmi5Rule::MissingTitle)?),
            "description" => self.description = Some(r.texts(x, child, Cmi5Rule::MissingDescription)?),
            _ => return Ok(false),
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
    let mut r = Reader {
        folder,
        bare,
        ids: HashMap::new(),
        references: Vec::new(),
        scope: Scope::default(),
    };
    r.scope.enter(&root);
    root_is_course_structure(x, &root, &r.scope)?;
    let (mut course, mut objectives, mut children) = (None, Vec::new(), Vec::new());
    r.children(x, &root, &schema::COURSE_STRUCTURE, |x, r, child, name| {
        match name {
            "course" => course = Some(course_of(x, &child, r)?),
            "objectives" => objectives = objectives_of(x, &child, r)?,
            _ => children.push(node(x, &child, r, name)?),
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

/// The root is `<courseStructure>` in the cmi5 namespace (14.0: the XSD's one element).
fn root_is_course_structure(x: &Xml<'_>, root: &Element, scope: &Scope) -> Result<()> {
    let named = root.name == "courseStructure";
    let message = if !named {
        format!("the root element is <{}>, not <courseStructure>", root.name)
    } else if scope.space(root, true) != schema::Space::Cmi5 {
        let declared: Vec<&str> = root.declared_namespaces().collect();
        format!(
            "<courseStructure> is not in namespace {} (declared: {declared:?})",
            schema::NAMESPACE
        )
    } else {
        return Ok(());
    };
    Err(refuse(x, root.offset, Cmi5Rule::Root, message))
}

/// A block or an AU.
fn node(x: &mut Xml<'_>, el: &Element, r: &mut Reader, name: &str) -> Result<Cmi5Node> {
    Ok(match name {
        "block" => Cmi5Node::Block(block(x, el, r)?),
        _ => Cmi5Node::Au(au(x, el, r)?),
    })
}

fn course_of(x: &mut Xml<'_>, el: &Element, r: &mut Reader) -> Result<(String, Texts, Texts)> {
    let id = r.claim(x, el)?;
    let mut d = Described::default();
    r.children(x, el, &schema::COURSE, |x, r, child, name| {
        d.read(x, r, &child, name).map(drop)
    })?;
    let (title, description) = d.require(x, el)?;
    Ok((id, title, description))
}

/// Refuses an `<objectives>` without an `<objective>` (the XSD's `minOccurs="1"`).
fn not_empty<T>(x: &Xml<'_>, el: &Element, list: Vec<T>) -> Result<Vec<T>> {
    if list.is_empty() {
        return Err(refuse(
            x,
            el.offset,
            Cmi5Rule::EmptyObjectives,
            "<objectives> has no <objective>",
        ));
    }
    Ok(list)
}

fn objectives_of(x: &mut Xml<'_>, el: &Element, r: &mut Reader) -> Result<Vec<Cmi5Objective>> {
    let mut out = Vec::new();
    r.children(x, el, &schema::OBJECTIVES, |x, r, child, _| {
        let id = r.claim(x, &child)?;
        let mut d = Described::default();
        r.children(x, &child, &schema::OBJECTIVE, |x, r, field, name| {
            d.read(x, r, &field, name).map(drop)
        })?;
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
    not_empty(x, el, out)
}

/// `<objectives><objective idref="…"/></objectives>` inside a block or AU.
fn references(x: &mut Xml<'_>, el: &Element, r: &mut Reader) -> Result<Vec<String>> {
    let mut out = Vec::new();
    r.children(x, el, &schema::REFERENCES, |x, r, child, _| {
        let id = iri_id(x, &child, "idref")?;
        r.children(x, &child, &schema::REFERENCE, |_, _, _, _| Ok(()))?;
        r.references.push((id.clone(), child.offset));
        out.push(id);
        Ok(())
    })?;
    not_empty(x, el, out)
}

fn block(x: &mut Xml<'_>, el: &Element, r: &mut Reader) -> Result<Cmi5Block> {
    let id = r.claim(x, el)?;
    let (mut d, mut objectives, mut children) = (Described::default(), Vec::new(), Vec::new());
    r.children(x, el, &schema::BLOCK, |x, r, child, name| {
        if d.read(x, r, &child, name)? {
        } else if name == "objectives" {
            objectives = references(x, &child, r)?;
        } else {
            children.push(node(x, &child, r, name)?);
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

fn url(x: &mut Xml<'_>, el: &Element, r: &mut Reader) -> Result<LaunchHref> {
    let text = r.children(x, el, &schema::URL, |_, _, _, _| Ok(()))?;
    let text = text.trim();
    if text.is_empty() {
        return Err(refuse(x, el.offset, Cmi5Rule::MissingUrl, "<url> is empty"));
    }
    if has_unsafe(text) {
        return Err(refuse(
            x,
            el.offset,
            Cmi5Rule::BadUrl,
            format!(
                "url {text:?} is not a URL: spaces and characters such as <>\"{{}}|\\^` are escaped (13.1.4, RFC 1738)"
            ),
        ));
    }
    if r.bare && !is_iri(text) {
        return Err(refuse(
            x,
            el.offset,
            Cmi5Rule::RelativeUrlWithoutPackage,
            format!("url {text:?} is not fully qualified: a cmi5.xml without a zip has no files to point to"),
        ));
    }
    let url =
        href::resolve(&[r.folder], text).map_err(|err| refuse(x, el.offset, Cmi5Rule::BadUrl, err.message(text)))?;
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

/// `launchParameters` and `entitlementKey` (the XSD gives them no type: any content).
fn any_text(x: &mut Xml<'_>, el: &Element) -> Result<Option<String>> {
    x.text_trimmed(el)
}

fn au(x: &mut Xml<'_>, el: &Element, r: &mut Reader) -> Result<Cmi5Au> {
    let id = r.claim(x, el)?;
    let mut c = AuChildren::default();
    r.children(x, el, &schema::AU, |x, r, child, name| {
        if c.described.read(x, r, &child, name)? {
            return Ok(());
        }
        match name {
            "objectives" => c.objectives = references(x, &child, r)?,
            "url" => c.url = Some(url(x, &child, r)?),
            "launchParameters" => c.launch_parameters = any_text(x, &child)?,
            _ => c.entitlement_key = any_text(x, &child)?,
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
