//! `<organizations>`, `<organization>` and the `<item>` tree with every per-item setting
//! of SCORM 1.2 (`adlcp:masteryscore` …) and 2004 (`adlcp:completionThreshold`,
//! `adlnav:presentation`, `adlcp:data`, `imsss:sequencing`).

use super::super::values::{boolean, decimal, optional, required, token};
use super::{Marks, Result, is_cp, sequencing, title_text};
use crate::package::manifest::xml::{Element, Ns, Xml};
use crate::package::model::{CompletionThreshold, DataMap, HideLmsUi, Item, Organization, Sequencing};

pub(super) fn organizations(x: &mut Xml<'_>, el: &Element, marks: &mut Marks) -> Result<Vec<Organization>> {
    let mut out = Vec::new();
    x.each_child(el, |x, child| {
        if is_cp(&child, "organization") {
            out.push(organization(x, &child, marks)?);
        }
        Ok(())
    })?;
    Ok(out)
}

fn organization(x: &mut Xml<'_>, el: &Element, marks: &mut Marks) -> Result<Organization> {
    let identifier = required(x, el, "identifier", el.attr("identifier"))?;
    marks.claim(x, el, &identifier)?;
    let objectives = el.attr_ns(Ns::Adlseq, "objectivesGlobalToSystem");
    let shared_data = el.attr_ns(Ns::Adlcp, "sharedDataGlobalToSystem");
    let mut org = Organization {
        title: String::new(),
        implicit: false,
        objectives_global_to_system: boolean(x, el, "adlseq:objectivesGlobalToSystem", objectives, true)?,
        shared_data_global_to_system: boolean(x, el, "adlcp:sharedDataGlobalToSystem", shared_data, true)?,
        sequencing: None,
        items: Vec::new(),
        identifier,
    };
    x.each_child(el, |x, child| {
        if is_cp(&child, "title") {
            org.title = title_text(x, &child)?.unwrap_or_default();
        } else if is_cp(&child, "item") {
            org.items.push(item(x, &child, marks)?);
        } else if child.is(Ns::Imsss, "sequencing") {
            org.sequencing = Some(owned_sequencing(x, &child, &org.identifier, marks)?);
        }
        Ok(())
    })?;
    if org.title.is_empty() {
        org.title.clone_from(&org.identifier);
    }
    Ok(org)
}

/// An `<imsss:sequencing>` owned by an organization or item; an `IDRef` is remembered
/// for linking.
fn owned_sequencing(x: &mut Xml<'_>, el: &Element, owner: &str, marks: &mut Marks) -> Result<Box<Sequencing>> {
    let parsed = sequencing::parse(x, el)?;
    if parsed.sequencing.id_ref.is_some() {
        marks.sequencing_refs.insert(owner.to_owned(), el.offset);
    }
    Ok(Box::new(parsed.sequencing))
}

fn item(x: &mut Xml<'_>, el: &Element, marks: &mut Marks) -> Result<Item> {
    let identifier = required(x, el, "identifier", el.attr("identifier"))?;
    marks.claim(x, el, &identifier)?;
    let mut item = Item::new(identifier, "");
    item.identifierref = optional(el.attr("identifierref"));
    item.is_visible = boolean(x, el, "isvisible", el.attr("isvisible"), true)?;
    item.parameters = optional(el.attr("parameters"));
    x.each_child(el, |x, child| item_child(x, child, &mut item, marks))?;
    if item.title.is_empty() {
        item.title.clone_from(&item.identifier);
    }
    Ok(item)
}

fn item_child(x: &mut Xml<'_>, child: Element, item: &mut Item, marks: &mut Marks) -> Result<()> {
    if is_cp(&child, "title") {
        item.title = title_text(x, &child)?.unwrap_or_default();
    } else if is_cp(&child, "item") {
        item.items.push(self::item(x, &child, marks)?);
    } else if child.ns == Ns::Adlcp {
        adlcp_setting(x, &child, item)?;
    } else if child.is(Ns::Imsss, "sequencing") {
        item.sequencing = Some(owned_sequencing(x, &child, &item.identifier, marks)?);
    } else if child.is(Ns::Adlnav, "presentation") {
        item.hide_lms_ui = hide_lms_ui(x, &child)?;
    }
    Ok(())
}

/// The `adlcp:` children of an item (1.2 and 2004 spellings alike).
fn adlcp_setting(x: &mut Xml<'_>, el: &Element, item: &mut Item) -> Result<()> {
    match el.name.to_ascii_lowercase().as_str() {
        "masteryscore" => {
            let text = x.text(el)?;
            item.mastery_score = decimal(x, el, "value", Some(&text), 0.0..=100.0)?;
        }
        "datafromlms" => item.launch_data = x.text_trimmed(el)?,
        "maxtimeallowed" => item.max_time_allowed = x.text_trimmed(el)?,
        "timelimitaction" => {
            let text = x.text(el)?;
            item.time_limit_action = token(x, el, "value", Some(&text))?;
        }
        "prerequisites" => item.prerequisites = x.text_trimmed(el)?,
        "completionthreshold" => item.completion_threshold = Some(completion_threshold(x, el)?),
        "data" => item.data = data_maps(x, el)?,
        _ => {}
    }
    Ok(())
}

/// Both forms of `adlcp:completionThreshold` (see [`CompletionThreshold`]).
fn completion_threshold(x: &mut Xml<'_>, el: &Element) -> Result<CompletionThreshold> {
    let text = x.text(el)?;
    let text_form = decimal(x, el, "value", Some(&text), 0.0..=1.0)?;
    let min = decimal(x, el, "minProgressMeasure", el.attr("minProgressMeasure"), 0.0..=1.0)?;
    let weight = decimal(x, el, "progressWeight", el.attr("progressWeight"), 0.0..=1.0)?;
    let by_measure = el.attr("completedByMeasure");
    let defaults = CompletionThreshold::default();
    Ok(CompletionThreshold {
        completed_by_measure: boolean(x, el, "completedByMeasure", by_measure, text_form.is_some())?,
        min_progress_measure: min.or(text_form).unwrap_or(defaults.min_progress_measure),
        progress_weight: weight.unwrap_or(defaults.progress_weight),
    })
}

/// `adlcp:data/adlcp:map`.
fn data_maps(x: &mut Xml<'_>, el: &Element) -> Result<Vec<DataMap>> {
    let mut maps = Vec::new();
    x.each_child(el, |x, map| {
        if map.is(Ns::Adlcp, "map") {
            maps.push(DataMap {
                target_id: required(x, &map, "targetID", map.attr("targetID"))?,
                read_shared_data: boolean(x, &map, "readSharedData", map.attr("readSharedData"), true)?,
                write_shared_data: boolean(x, &map, "writeSharedData", map.attr("writeSharedData"), true)?,
            });
        }
        Ok(())
    })?;
    Ok(maps)
}

/// `adlnav:presentation/adlnav:navigationInterface/adlnav:hideLMSUI`.
fn hide_lms_ui(x: &mut Xml<'_>, el: &Element) -> Result<Vec<HideLmsUi>> {
    let mut hidden = Vec::new();
    x.each_child(el, |x, interface| {
        if !interface.is(Ns::Adlnav, "navigationInterface") {
            return Ok(());
        }
        x.each_child(&interface, |x, hide| {
            if hide.is(Ns::Adlnav, "hideLMSUI") {
                let text = x.text(&hide)?;
                let control: Option<HideLmsUi> = token(x, &hide, "value", Some(&text))?;
                if let Some(control) = control.filter(|c| !hidden.contains(c)) {
                    hidden.push(control);
                }
            }
            Ok(())
        })
    })?;
    Ok(hidden)
}
