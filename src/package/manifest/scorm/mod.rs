//! SCORM 1.2 and 2004 `imsmanifest.xml`: read every `<manifest>` (the root and its
//! sub-manifests) as written, then link items to resources, sub-manifests and sequencing
//! collection entries ([`link`]).
//!
//! The edition comes from `schemaversion`. Without one (some real packages), the
//! namespaces decide: `adlcp_rootv1p2` means SCORM 1.2; any SCORM 2004 namespace
//! (`adlcp_v1p3`, `imsss`, `adlseq`, `adlnav`, `imscp_v1p1`) means SCORM 2004, read as
//! the 3rd edition, the one such packages were most often made for and a superset of
//! the 2nd; no namespace at all means SCORM 1.2, as Moodle does.

mod content;
mod link;
mod resources;

use std::collections::HashMap;

use super::href;
use super::sequencing;
use super::values::{collapse, langstrings, optional, pick_language, required};
use super::xml::{Element, Ns, Xml};
use crate::package::PackageError;
use crate::package::model::{Course, Organization, PackageKind, Resource, Scorm2004Edition, Sequencing, Structure};

type Result<T> = std::result::Result<T, PackageError>;

/// One `<manifest>` as read, before linking.
struct Manifest {
    identifier: String,
    schema_version: Option<String>,
    title: Option<String>,
    description: Option<String>,
    /// The `default` attribute of `<organizations>` and where that element is.
    default_organization: Option<(String, u64)>,
    organizations: Vec<Organization>,
    resources: Vec<Resource>,
    sub_manifests: Vec<Manifest>,
    collection: Vec<(String, Sequencing)>,
}

/// Where things are, for errors found while linking.
#[derive(Default)]
struct Marks {
    /// Item and organization identifiers → offset of their element.
    ids: HashMap<String, u64>,
    /// Owner identifier → offset of its `<imsss:sequencing IDRef>`.
    sequencing_refs: HashMap<String, u64>,
}

impl Marks {
    fn claim(&mut self, x: &Xml<'_>, el: &Element, id: &str) -> Result<()> {
        if self.ids.insert(id.to_owned(), el.offset).is_some() {
            return Err(x.invalid(el, format!("identifier {id:?} is used more than once")));
        }
        Ok(())
    }
}

/// Is `el` the content-packaging element `name` (IMS CP namespace, or none at all)?
fn is_cp(el: &Element, name: &str) -> bool {
    (el.ns == Ns::Cp || el.ns == Ns::None) && el.name.eq_ignore_ascii_case(name)
}

/// Parses an `imsmanifest.xml` whose root element is `root`.
pub(super) fn parse(x: &mut Xml<'_>, root: Element, folder: &str) -> Result<Course> {
    if !is_cp(&root, "manifest") {
        return Err(x.invalid(&root, format!("the root element is <{}>, not <manifest>", root.name)));
    }
    let mut marks = Marks::default();
    let manifest = manifest(x, &root, &[folder.to_owned()], &mut marks)?;
    x.finish()?;
    let kind = kind_of(x, &root, manifest.schema_version.as_deref())?;
    let (identifier, title, description) = (
        manifest.identifier.clone(),
        manifest.title.clone(),
        manifest.description.clone(),
    );
    let structure = link::link(x, manifest, &marks)?;
    let title = title
        .or_else(|| {
            structure
                .default_organization()
                .filter(|org| !org.implicit)
                .map(|org| org.title.clone())
        })
        .unwrap_or_else(|| identifier.clone());
    Ok(Course {
        kind,
        identifier,
        title,
        description,
        structure: Structure::Scorm(structure),
    })
}

fn manifest(x: &mut Xml<'_>, el: &Element, bases: &[String], marks: &mut Marks) -> Result<Manifest> {
    let mut bases = bases.to_vec();
    bases.extend(optional(el.attr_ns(Ns::Xml, "base")));
    let mut m = Manifest {
        identifier: required(x, el, "identifier", el.attr("identifier"))?,
        schema_version: None,
        title: None,
        description: None,
        default_organization: None,
        organizations: Vec::new(),
        resources: Vec::new(),
        sub_manifests: Vec::new(),
        collection: Vec::new(),
    };
    x.each_child(el, |x, child| {
        if is_cp(&child, "metadata") {
            metadata(x, &child, &mut m)?;
        } else if is_cp(&child, "organizations") {
            let default = optional(child.attr("default")).map(|id| (id, child.offset));
            m.default_organization = default;
            m.organizations = content::organizations(x, &child, marks)?;
        } else if is_cp(&child, "resources") {
            m.resources.extend(resources::resources(x, &child, &bases)?);
        } else if is_cp(&child, "manifest") {
            m.sub_manifests.push(manifest(x, &child, &bases, marks)?);
        } else if child.is(Ns::Imsss, "sequencingCollection") {
            m.collection.extend(sequencing::collection(x, &child)?);
        }
        Ok(())
    })?;
    Ok(m)
}

/// `<metadata>`: `schemaversion`, and title and description from an inline LOM record.
fn metadata(x: &mut Xml<'_>, el: &Element, m: &mut Manifest) -> Result<()> {
    x.each_child(el, |x, child| {
        if is_cp(&child, "schemaversion") {
            m.schema_version = x.text_trimmed(&child)?;
        } else if child.name.eq_ignore_ascii_case("lom") {
            lom(x, &child, m)?;
        }
        Ok(())
    })
}

/// `lom/general/title` and `lom/general/description` (LOM `string` or IMS `langstring`).
fn lom(x: &mut Xml<'_>, el: &Element, m: &mut Manifest) -> Result<()> {
    x.each_child(el, |x, general| {
        if !general.name.eq_ignore_ascii_case("general") {
            return Ok(());
        }
        x.each_child(&general, |x, field| {
            if field.name.eq_ignore_ascii_case("title") {
                m.title = pick_language(&langstrings(x, &field)?);
            } else if field.name.eq_ignore_ascii_case("description") && m.description.is_none() {
                m.description = pick_language(&langstrings(x, &field)?);
            }
            Ok(())
        })
    })
}

fn kind_of(x: &Xml<'_>, root: &Element, schema_version: Option<&str>) -> Result<PackageKind> {
    let Some(version) = schema_version else {
        return Ok(guess_kind(root));
    };
    let kind = match collapse(version).to_ascii_lowercase().as_str() {
        "1.2" => PackageKind::Scorm12,
        "cam 1.3" | "1.3" => PackageKind::Scorm2004 {
            edition: Scorm2004Edition::Second,
        },
        "2004 3rd edition" => PackageKind::Scorm2004 {
            edition: Scorm2004Edition::Third,
        },
        "2004 4th edition" => PackageKind::Scorm2004 {
            edition: Scorm2004Edition::Fourth,
        },
        _ => {
            let file = x.file().to_owned();
            return Err(PackageError::UnknownSchemaVersion {
                file,
                version: version.to_owned(),
            });
        }
    };
    Ok(kind)
}

/// No `schemaversion`: the declared namespaces decide (see the module documentation).
fn guess_kind(root: &Element) -> PackageKind {
    let declared: Vec<String> = root.declared_namespaces().map(str::to_ascii_lowercase).collect();
    let any = |parts: &[&str]| declared.iter().any(|uri| parts.iter().any(|part| uri.contains(part)));
    if any(&["adlcp_rootv1p2", "imscp_rootv1p1p2"]) {
        PackageKind::Scorm12
    } else if any(&["adlcp_v1p3", "imsss", "adlseq", "adlnav", "imscp_v1p1"]) {
        PackageKind::Scorm2004 {
            edition: Scorm2004Edition::Third,
        }
    } else {
        PackageKind::Scorm12
    }
}

/// The title of an organization or item: its `<title>`, whitespace folded.
fn title_text(x: &mut Xml<'_>, el: &Element) -> Result<Option<String>> {
    Ok(x.text_trimmed(el)?.map(|t| collapse(&t)))
}

/// Resolves an href against bases, as an `InvalidManifest` at `el` when it cannot be used.
fn resolve_href(
    x: &Xml<'_>,
    el: &Element,
    bases: &[String],
    href_text: &str,
) -> Result<crate::package::model::LaunchHref> {
    let bases: Vec<&str> = bases.iter().map(String::as_str).collect();
    href::resolve(&bases, href_text).map_err(|err| x.invalid(el, err.message(href_text)))
}
