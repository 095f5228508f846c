//! The content models of cmi5's `CourseStructure.xsd`, as data: which children each
//! element of a course structure has, in which order and how often, which unprefixed
//! attributes, and what text. Extensions (elements of another namespace, the XSD's
//! `xs:any namespace="##other"`) stand after every cmi5 child, and nowhere inside an
//! `<objective>`, a `<langstring>` or a `<url>`, which have no `xs:any`.
//!
//! Minimum counts (a required `<title>`, at least one AU) are checked by the parser once
//! an element is read, each with its own [`Cmi5Rule`]; this module refuses what is out
//! of place the moment it is read.

use super::super::cmi5_values::refuse;
use super::super::xml::{Element, Ns, Xml};
use crate::package::{Cmi5Rule, PackageError};

type Result<T> = std::result::Result<T, PackageError>;

/// The target namespace of `CourseStructure.xsd`; its elements are qualified.
pub(super) const NAMESPACE: &str = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd";

/// One particle of a sequence: an element (or a choice of several) once, or any number
/// of times.
struct Slot {
    names: &'static [&'static str],
    many: bool,
}

const fn one(names: &'static [&'static str]) -> Slot {
    Slot { names, many: false }
}

const fn many(names: &'static [&'static str]) -> Slot {
    Slot { names, many: true }
}

/// What text an element holds besides its children.
enum Content {
    /// Element-only content: whitespace between the children.
    Elements,
    /// An empty content type: nothing at all, not even whitespace.
    Empty,
    /// Simple content: text, returned to the parser.
    Text,
}

/// The content model of one element of the XSD.
pub(super) struct Model {
    slots: &'static [Slot],
    /// `xs:all` (the objective's title and description) rather than `xs:sequence`.
    any_order: bool,
    /// Ends with `xs:any namespace="##other"`.
    extensions: bool,
    /// The unprefixed attributes it declares; prefixed ones (`xml:`, `xsi:`, vendors')
    /// are let through.
    attributes: &'static [&'static str],
    content: Content,
}

const fn model(slots: &'static [Slot], attributes: &'static [&'static str]) -> Model {
    Model {
        slots,
        any_order: false,
        extensions: true,
        attributes,
        content: Content::Elements,
    }
}

const NODES: &[&str] = &["au", "block"];
const DESCRIBED: [Slot; 2] = [one(&["title"]), one(&["description"])];

pub(super) static COURSE_STRUCTURE: Model = model(&[one(&["course"]), one(&["objectives"]), many(NODES)], &[]);
pub(super) static COURSE: Model = model(&DESCRIBED, &["id"]);
pub(super) static OBJECTIVES: Model = model(&[many(&["objective"])], &[]);
pub(super) static OBJECTIVE: Model = Model {
    any_order: true,
    extensions: false,
    ..model(&DESCRIBED, &["id"])
};
pub(super) static BLOCK: Model = model(
    &[
        one(&["title"]),
        one(&["description"]),
        one(&["objectives"]),
        many(NODES),
    ],
    &["id"],
);
pub(super) static AU: Model = model(
    &[
        one(&["title"]),
        one(&["description"]),
        one(&["objectives"]),
        one(&["url"]),
        one(&["launchParameters"]),
        one(&["entitlementKey"]),
    ],
    &["id", "moveOn", "masteryScore", "launchMethod", "activityType"],
);
/// `<objectives>` of a block or an AU: references.
pub(super) static REFERENCES: Model = model(&[many(&["objective"])], &[]);
pub(super) static REFERENCE: Model = Model {
    extensions: false,
    content: Content::Empty,
    ..model(&[], &["idref"])
};
/// `<title>` and `<description>` (the XSD's `textType`).
pub(super) static TEXT: Model = model(&[many(&["langstring"])], &[]);
pub(super) static LANGSTRING: Model = Model {
    extensions: false,
    content: Content::Text,
    ..model(&[], &["lang"])
};
pub(super) static URL: Model = Model {
    extensions: false,
    content: Content::Text,
    ..model(&[], &[])
};

/// The namespace declarations in scope, innermost last.
#[derive(Default)]
pub(super) struct Scope {
    bindings: Vec<(String, String)>,
}

/// Where an element is: the cmi5 namespace, another one (an extension), or none.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Space {
    Cmi5,
    Other,
    None,
}

impl Scope {
    /// Adds the declarations of `el` (call before [`Scope::space`] of `el`); returns the
    /// mark to [`Scope::leave`] with after its children.
    pub fn enter(&mut self, el: &Element) -> usize {
        let mark = self.bindings.len();
        let declared = el.attrs.iter().filter(|a| a.ns == Ns::Xmlns);
        self.bindings
            .extend(declared.map(|a| (a.name.clone(), a.value.clone())));
        mark
    }

    pub fn leave(&mut self, mark: usize) {
        self.bindings.truncate(mark);
    }

    /// The namespace of `el`. The reader classes every URI that mentions "cmi5" as
    /// [`Ns::Cmi5`] and keeps no prefixes, so when the scope binds both the cmi5
    /// namespace and another such URI (ADL's keyword extension is
    /// `http://www.adlnet.gov/cmi5/KeywordExtension.xsd`), an element whose name the
    /// model has (`known`) is taken for cmi5's and any other for the extension's.
    pub fn space(&self, el: &Element, known: bool) -> Space {
        match el.ns {
            Ns::None => Space::None,
            Ns::Cmi5 => {
                let (exact, other) = self.cmi5_uris();
                if exact && (known || !other) {
                    Space::Cmi5
                } else {
                    Space::Other
                }
            }
            _ => Space::Other,
        }
    }

    /// Whether the bindings in scope hold the cmi5 namespace, and another URI that
    /// mentions cmi5.
    fn cmi5_uris(&self) -> (bool, bool) {
        let (mut exact, mut other) = (false, false);
        let mut seen: Vec<&str> = Vec::new();
        for (prefix, uri) in self.bindings.iter().rev() {
            if seen.contains(&prefix.as_str()) {
                continue;
            }
            seen.push(prefix);
            if uri == NAMESPACE {
                exact = true;
            } else if uri.to_ascii_lowercase().contains("cmi5") {
                other = true;
            }
        }
        (exact, other)
    }
}

/// Refuses an unprefixed attribute `model` does not declare (names are case-sensitive:
/// `masteryscore` is not `masteryScore`).
pub(super) fn attributes(x: &Xml<'_>, el: &Element, model: &Model) -> Result<()> {
    let unknown = el
        .attrs
        .iter()
        .find(|a| a.ns == Ns::None && !model.attributes.contains(&a.name.as_str()));
    match unknown {
        Some(a) => Err(refuse(
            x,
            el.offset,
            Cmi5Rule::UnknownAttribute,
            format!(
                "<{}> has no attribute {:?}{}",
                el.name,
                a.name,
                hint(model.attributes, &a.name)
            ),
        )),
        None => Ok(()),
    }
}

/// " (did you mean …?)" when `name` differs from a declared one only in case.
fn hint(names: &[&str], name: &str) -> String {
    names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(name))
        .map_or_else(String::new, |n| format!(" (names are case-sensitive: {n:?})"))
}

/// The children of one element read so far, checked against its model one by one.
pub(super) struct Sequence<'p> {
    model: &'static Model,
    /// The element's name, for messages (`<title>` and `<description>` share a model).
    parent: &'p str,
    /// The slot of the last cmi5 child.
    slot: usize,
    counts: Vec<u32>,
    last: Option<&'static str>,
    extended: bool,
}

impl<'p> Sequence<'p> {
    pub fn new(model: &'static Model, parent: &'p Element) -> Self {
        Self {
            model,
            parent: &parent.name,
            slot: 0,
            counts: vec![0; model.slots.len()],
            last: None,
            extended: false,
        }
    }

    fn find(&self, name: &str) -> Option<(usize, &'static str)> {
        self.model
            .slots
            .iter()
            .enumerate()
            .find_map(|(i, slot)| slot.names.iter().find(|n| **n == name).map(|n| (i, *n)))
    }

    /// Checks that `child` may come next: its cmi5 name, or `None` for an extension
    /// element (which the parser skips).
    pub fn accept(&mut self, x: &Xml<'_>, scope: &Scope, child: &Element) -> Result<Option<&'static str>> {
        let found = self.find(&child.name);
        let parent = self.parent;
        let refused = match scope.space(child, found.is_some()) {
            Space::None => (
                Cmi5Rule::UnknownElement,
                format!(
                    "<{}> in <{parent}> is in no namespace: cmi5 elements are in {NAMESPACE}, extensions in their own",
                    child.name
                ),
            ),
            Space::Other if self.model.extensions => {
                self.extended = true;
                return Ok(None);
            }
            Space::Other => (
                Cmi5Rule::UnknownElement,
                format!("<{parent}> may not hold extension elements such as <{}>", child.name),
            ),
            Space::Cmi5 => match found {
                Some((slot, name)) => match self.place(slot, name) {
                    Ok(()) => return Ok(Some(name)),
                    Err(refused) => refused,
                },
                None => {
                    let names: Vec<&str> = self.model.slots.iter().flat_map(|s| s.names.iter().copied()).collect();
                    let hint = hint(&names, &child.name);
                    (
                        Cmi5Rule::UnknownElement,
                        format!("<{}> is not an element of <{parent}>{hint}", child.name),
                    )
                }
            },
        };
        Err(refuse(x, child.offset, refused.0, refused.1))
    }

    /// Counts a cmi5 child in `slot`, or the rule and message it breaks.
    fn place(&mut self, slot: usize, name: &'static str) -> std::result::Result<(), (Cmi5Rule, String)> {
        let parent = self.parent;
        if self.extended {
            let message = format!("<{name}> after an extension element: extensions come last in <{parent}>");
            return Err((Cmi5Rule::ElementOrder, message));
        }
        if let Some(last) = self.last.filter(|_| slot < self.slot && !self.model.any_order) {
            return Err((
                Cmi5Rule::ElementOrder,
                format!("<{name}> comes before <{last}> in <{parent}>"),
            ));
        }
        let many = self.model.slots.get(slot).is_some_and(|s| s.many);
        let count = self.counts.get(slot).copied().unwrap_or(0);
        if count > 0 && !many {
            let rule = if name == "course" {
                Cmi5Rule::Course
            } else {
                Cmi5Rule::RepeatedElement
            };
            return Err((rule, format!("a second <{name}> in <{parent}>")));
        }
        if let Some(count) = self.counts.get_mut(slot) {
            *count += 1;
        }
        self.slot = slot;
        self.last = Some(name);
        Ok(())
    }
}

/// Refuses the text an element of `model` may not hold (XML whitespace only between
/// elements; nothing in an empty element); returns simple content.
pub(super) fn text(x: &Xml<'_>, el: &Element, model: &Model, text: String) -> Result<String> {
    let blank = text.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
    let refused = match model.content {
        Content::Text => return Ok(text),
        Content::Elements if !blank => "text outside its child elements",
        Content::Empty if !text.is_empty() => "text, and the XSD has it empty",
        Content::Elements | Content::Empty => return Ok(String::new()),
    };
    Err(refuse(
        x,
        el.offset,
        Cmi5Rule::UnexpectedText,
        format!("<{}> holds {refused}", el.name),
    ))
}
