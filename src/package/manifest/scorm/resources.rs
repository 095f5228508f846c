//! `<resources>` and `<resource>`: entry points and file lists with every `xml:base`
//! applied (manifest, resources and resource level), `adlcp:scormtype` in either spelling,
//! and dependencies.

use super::super::href;
use super::super::values::{optional, required, token};
use super::{Result, is_cp, resolve_href};
use crate::package::manifest::xml::{Element, Ns, Xml};
use crate::package::model::{Resource, ScormType};

pub(super) fn resources(x: &mut Xml<'_>, el: &Element, bases: &[String]) -> Result<Vec<Resource>> {
    let mut bases = bases.to_vec();
    bases.extend(optional(el.attr_ns(Ns::Xml, "base")));
    let mut out = Vec::new();
    x.each_child(el, |x, child| {
        if is_cp(&child, "resource") {
            out.push(resource(x, &child, &bases)?);
        }
        Ok(())
    })?;
    Ok(out)
}

fn resource(x: &mut Xml<'_>, el: &Element, bases: &[String]) -> Result<Resource> {
    let mut bases = bases.to_vec();
    bases.extend(optional(el.attr_ns(Ns::Xml, "base")));
    // 1.2 writes adlcp:scormtype, 2004 adlcp:scormType; some packages forget the prefix.
    let scorm_type = el.attr_ns(Ns::Adlcp, "scormType").or_else(|| el.attr("scormType"));
    let scorm_type: Option<ScormType> = token(x, el, "adlcp:scormType", scorm_type)?;
    let href = match optional(el.attr("href")) {
        Some(text) => Some(resolve_href(x, el, &bases, &text)?),
        None => None,
    };
    let mut resource = Resource {
        identifier: required(x, el, "identifier", el.attr("identifier"))?,
        resource_type: optional(el.attr("type")).unwrap_or_else(|| "webcontent".to_owned()),
        scorm_type,
        href,
        files: Vec::new(),
        dependencies: Vec::new(),
    };
    x.each_child(el, |x, child| {
        if is_cp(&child, "file") {
            let text = required(x, &child, "href", child.attr("href"))?;
            let base_refs: Vec<&str> = bases.iter().map(String::as_str).collect();
            let path = href::resolve_file(&base_refs, &text).map_err(|err| x.invalid(&child, err.message(&text)))?;
            resource.files.extend(path);
        } else if is_cp(&child, "dependency") {
            resource
                .dependencies
                .push(required(x, &child, "identifierref", child.attr("identifierref"))?);
        }
        Ok(())
    })?;
    Ok(resource)
}
