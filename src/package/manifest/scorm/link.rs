//! Linking what was read: each item's `identifierref` to a resource (its launch) or a
//! sub-manifest (whose default organization's items become its children; a sub-manifest
//! is inlined once at most, so ids stay unique and nothing can multiply), each
//! sequencing `IDRef` to its `sequencingCollection` entry (locally defined elements
//! win), and the default organization. A manifest without organizations gets an
//! implicit one made of its launchable resources.

use std::collections::{HashMap, HashSet};

use super::{Manifest, Marks, Result, href};
use crate::package::PackageError;
use crate::package::manifest::xml::Xml;
use crate::package::model::{
    Item, ItemLaunch, LaunchHref, Organization, Resource, ScormStructure, ScormType, Sequencing,
};

/// Everything an item may refer to, across the root and its sub-manifests.
struct Scope<'m> {
    resources: HashMap<&'m str, &'m Resource>,
    sub_manifests: HashMap<&'m str, &'m [Item]>,
    collection: HashMap<&'m str, &'m Sequencing>,
}

impl<'m> Scope<'m> {
    fn new(root: &'m Manifest) -> Self {
        let mut scope = Scope {
            resources: HashMap::new(),
            sub_manifests: HashMap::new(),
            collection: HashMap::new(),
        };
        scope.add(root);
        scope
    }

    fn add(&mut self, m: &'m Manifest) {
        self.resources
            .extend(m.resources.iter().map(|r| (r.identifier.as_str(), r)));
        self.collection
            .extend(m.collection.iter().map(|(id, seq)| (id.as_str(), seq)));
        for sub in &m.sub_manifests {
            let items = default_organization(sub).map_or(&[][..], |org| org.items.as_slice());
            self.sub_manifests.insert(sub.identifier.as_str(), items);
            self.add(sub);
        }
    }
}

fn default_organization(m: &Manifest) -> Option<&Organization> {
    let named = m.default_organization.as_ref().map(|(id, _)| id.as_str());
    named
        .and_then(|id| m.organizations.iter().find(|o| o.identifier == id))
        .or_else(|| m.organizations.first())
}

pub(super) fn link(x: &Xml<'_>, mut root: Manifest, marks: &Marks) -> Result<ScormStructure> {
    if let Some((id, offset)) = &root.default_organization
        && !root.organizations.iter().any(|o| &o.identifier == id)
    {
        return Err(x.invalid_at(*offset, format!("the default organization {id:?} does not exist")));
    }
    let mut organizations = std::mem::take(&mut root.organizations);
    if organizations.is_empty() {
        organizations.extend(implicit_organization(&root));
    }
    let mut linker = Linker {
        x,
        marks,
        scope: Scope::new(&root),
        inlined: HashSet::new(),
    };
    for org in &mut organizations {
        linker.sequencing(&org.identifier, &mut org.sequencing)?;
        for item in &mut org.items {
            linker.item(item)?;
        }
    }
    let default_organization = root
        .default_organization
        .as_ref()
        .map(|(id, _)| id.clone())
        .or_else(|| organizations.first().map(|o| o.identifier.clone()));
    let mut resources = Vec::new();
    collect_resources(&root, &mut resources);
    Ok(ScormStructure {
        schema_version: root.schema_version.clone(),
        default_organization,
        organizations,
        resources,
    })
}

fn collect_resources(m: &Manifest, out: &mut Vec<Resource>) {
    out.extend(m.resources.iter().cloned());
    for sub in &m.sub_manifests {
        collect_resources(sub, out);
    }
}

/// No organization at all: SCOs (or, without any, every resource with an href) become
/// the items of one implicit organization, in document order.
fn implicit_organization(root: &Manifest) -> Option<Organization> {
    let with_href = root.resources.iter().filter(|r| r.href.is_some());
    let scos: Vec<&Resource> = with_href
        .clone()
        .filter(|r| r.scorm_type == Some(ScormType::Sco))
        .collect();
    let chosen = if scos.is_empty() { with_href.collect() } else { scos };
    if chosen.is_empty() {
        return None;
    }
    let items = chosen.iter().map(|r| Item {
        identifierref: Some(r.identifier.clone()),
        ..Item::new(&r.identifier, &r.identifier)
    });
    Some(Organization {
        identifier: root.identifier.clone(),
        title: root.title.clone().unwrap_or_else(|| root.identifier.clone()),
        implicit: true,
        objectives_global_to_system: true,
        shared_data_global_to_system: true,
        sequencing: None,
        items: items.collect(),
    })
}

struct Linker<'x, 'a, 'm> {
    x: &'x Xml<'a>,
    marks: &'m Marks,
    scope: Scope<'m>,
    /// Sub-manifests already inlined.
    inlined: HashSet<String>,
}

impl Linker<'_, '_, '_> {
    /// Links an item and its children.
    fn item(&mut self, item: &mut Item) -> Result<()> {
        self.sequencing(&item.identifier, &mut item.sequencing)?;
        for child in &mut item.items {
            self.item(child)?;
        }
        let Some(idref) = item.identifierref.clone() else {
            return Ok(());
        };
        if let Some(resource) = self.scope.resources.get(idref.as_str()).copied() {
            item.launch = Some(self.launch(item, resource)?);
        } else if let Some(sub_items) = self.scope.sub_manifests.get(idref.as_str()).copied() {
            if !self.inlined.insert(idref.clone()) {
                let message = format!("sub-manifest {idref:?} is referred to more than once, or includes itself");
                return Err(self.invalid(&item.identifier, message));
            }
            let mut inlined = sub_items.to_vec();
            for child in &mut inlined {
                self.item(child)?;
            }
            item.items.extend(inlined);
        } else {
            return Err(PackageError::DanglingReference {
                file: self.x.file().to_owned(),
                pos: self.x.pos(self.offset(&item.identifier)),
                item: item.identifier.clone(),
                identifierref: idref,
            });
        }
        Ok(())
    }

    fn launch(&self, item: &Item, resource: &Resource) -> Result<ItemLaunch> {
        let Some(href) = resource.href.clone() else {
            let message = format!(
                "item {:?} refers to resource {:?}, which has no href",
                item.identifier, resource.identifier
            );
            return Err(self.invalid(&item.identifier, message));
        };
        // Without a type, offer the runtime API: an asset loses nothing by it, a SCO
        // would break without it.
        let scorm_type = resource.scorm_type.unwrap_or(ScormType::Sco);
        if scorm_type == ScormType::Sco && matches!(href, LaunchHref::Absolute(_)) {
            let message = format!(
                "SCO resource {:?} must be a file in the package, not {href}",
                resource.identifier
            );
            return Err(self.invalid(&item.identifier, message));
        }
        let href = match &item.parameters {
            Some(parameters) => href::with_parameters(href, parameters),
            None => href,
        };
        Ok(ItemLaunch { href, scorm_type })
    }

    /// Combines a sequencing definition with the collection entry its `IDRef` names.
    fn sequencing(&self, owner: &str, sequencing: &mut Option<Box<Sequencing>>) -> Result<()> {
        let Some(seq) = sequencing else { return Ok(()) };
        let Some(id_ref) = seq.id_ref.clone() else {
            return Ok(());
        };
        match self.scope.collection.get(id_ref.as_str()) {
            Some(referenced) => {
                seq.fill_from(referenced);
                Ok(())
            }
            None => {
                let offset = self
                    .marks
                    .sequencing_refs
                    .get(owner)
                    .copied()
                    .unwrap_or_else(|| self.offset(owner));
                let message = format!("sequencing IDRef {id_ref:?} names no sequencingCollection entry");
                Err(self.x.invalid_at(offset, message))
            }
        }
    }

    fn offset(&self, id: &str) -> u64 {
        self.marks.ids.get(id).copied().unwrap_or(0)
    }

    fn invalid(&self, id: &str, message: String) -> PackageError {
        self.x.invalid_at(self.offset(id), message)
    }
}
