//! A bounded, namespace-aware pull reader over one XML file (quick-xml's `NsReader`).
//!
//! Every upload is hostile: the input is refused above `max_xml_bytes`, any DTD or entity
//! declaration is refused (so no entity can expand), nesting is bounded by
//! `max_xml_depth`, at most [`super::max_xml_elements`] elements are read, and only the
//! predefined entities and character references are resolved. Elements are handed out
//! one at a time and whatever a parser does not look at is skipped without being kept,
//! so memory follows the course model, not the input.
//!
//! Names are matched by namespace (classified from the URI into [`Ns`]) and local name,
//! ASCII case-insensitively: real manifests write `masteryscore` and `masteryScore`,
//! `scormtype` and `scormType`.

mod decode;
mod element;

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::NsReader;

use crate::package::{PackageError, PackageLimits, XmlPos};
pub(super) use decode::decode;
use decode::position;
use element::Attr;
pub(super) use element::{Element, Ns};

type Result<T> = std::result::Result<T, PackageError>;

enum Step<'a> {
    Open(Element),
    Close,
    Text(Cow<'a, str>),
    Other,
    Eof,
}

/// The reader. Parsers take elements with [`Xml::root`] and [`Xml::each_child`], and
/// text with [`Xml::text`].
pub(super) struct Xml<'a> {
    reader: NsReader<&'a [u8]>,
    src: &'a str,
    file: &'a str,
    max_depth: u64,
    max_elements: u64,
    depth: u64,
    elements: u64,
}

impl<'a> Xml<'a> {
    pub fn new(file: &'a str, src: &'a str, limits: &PackageLimits) -> Self {
        Self {
            reader: NsReader::from_str(src),
            src,
            file,
            max_depth: limits.max_xml_depth,
            max_elements: super::max_xml_elements(limits),
            depth: 0,
            elements: 0,
        }
    }

    pub fn file(&self) -> &'a str {
        self.file
    }

    pub fn pos(&self, offset: u64) -> XmlPos {
        position(self.src, offset)
    }

    /// `InvalidManifest` at an element.
    pub fn invalid(&self, el: &Element, message: impl Into<String>) -> PackageError {
        self.invalid_at(el.offset, message)
    }

    /// `InvalidManifest` at a byte offset.
    pub fn invalid_at(&self, offset: u64, message: impl Into<String>) -> PackageError {
        PackageError::InvalidManifest {
            file: self.file.to_owned(),
            pos: self.pos(offset),
            message: message.into(),
        }
    }

    fn malformed(&self, offset: u64, message: impl Into<String>) -> PackageError {
        PackageError::XmlMalformed {
            file: self.file.to_owned(),
            pos: self.pos(offset),
            message: message.into(),
        }
    }

    fn dtd(&self, offset: u64) -> PackageError {
        PackageError::XmlDtd {
            file: self.file.to_owned(),
            pos: self.pos(offset),
        }
    }

    /// The root element (after the declaration, comments and processing instructions).
    pub fn root(&mut self) -> Result<Element> {
        loop {
            let offset = self.reader.buffer_position();
            match self.step()? {
                Step::Open(el) => return Ok(el),
                Step::Text(text) if !text.trim().is_empty() => {
                    return Err(self.malformed(offset, "text before the root element"));
                }
                Step::Eof => return Err(self.malformed(offset, "no root element")),
                Step::Close | Step::Text(_) | Step::Other => {}
            }
        }
    }

    /// Checks that nothing but comments and whitespace follows the root element.
    pub fn finish(&mut self) -> Result<()> {
        loop {
            let offset = self.reader.buffer_position();
            match self.step()? {
                Step::Eof => return Ok(()),
                Step::Text(text) if text.trim().is_empty() => {}
                Step::Other => {}
                _ => return Err(self.malformed(offset, "content after the root element")),
            }
        }
    }

    /// Calls `f` for each child element of `el` (which must be the element just read).
    /// Whatever `f` leaves unread of a child is skipped.
    pub fn each_child(&mut self, el: &Element, f: impl FnMut(&mut Self, Element) -> Result<()>) -> Result<()> {
        self.walk(el, None, f)
    }

    /// Like [`Xml::each_child`], and returns the element's own text (untrimmed).
    pub fn children_and_text(
        &mut self,
        el: &Element,
        f: impl FnMut(&mut Self, Element) -> Result<()>,
    ) -> Result<String> {
        let mut text = String::new();
        self.walk(el, Some(&mut text), f)?;
        Ok(text)
    }

    fn walk(
        &mut self,
        el: &Element,
        mut text: Option<&mut String>,
        mut f: impl FnMut(&mut Self, Element) -> Result<()>,
    ) -> Result<()> {
        if el.empty {
            return Ok(());
        }
        let level = self.depth;
        loop {
            match self.step()? {
                Step::Open(child) => {
                    f(self, child)?;
                    self.close_to(level)?;
                }
                Step::Text(chunk) => text.iter_mut().for_each(|out| out.push_str(&chunk)),
                Step::Close => return Ok(()),
                Step::Eof => return Err(self.unexpected_eof()),
                Step::Other => {}
            }
        }
    }

    /// The text content of `el` (child elements skipped), untrimmed.
    pub fn text(&mut self, el: &Element) -> Result<String> {
        let mut out = String::new();
        if el.empty {
            return Ok(out);
        }
        let level = self.depth;
        loop {
            match self.step()? {
                Step::Text(text) => out.push_str(&text),
                Step::Open(_) => self.close_to(level)?,
                Step::Close => return Ok(out),
                Step::Eof => return Err(self.unexpected_eof()),
                Step::Other => {}
            }
        }
    }

    /// The trimmed text content of `el`; `None` when empty.
    pub fn text_trimmed(&mut self, el: &Element) -> Result<Option<String>> {
        let text = self.text(el)?;
        let trimmed = text.trim();
        Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
    }

    /// Reads until the element at `level` is the innermost open one again.
    fn close_to(&mut self, level: u64) -> Result<()> {
        while self.depth > level {
            if let Step::Eof = self.step()? {
                return Err(self.unexpected_eof());
            }
        }
        Ok(())
    }

    fn unexpected_eof(&self) -> PackageError {
        self.malformed(
            self.src.len() as u64,
            "unexpected end of file: an element is not closed",
        )
    }

    fn step(&mut self) -> Result<Step<'a>> {
        let offset = self.reader.buffer_position();
        let event = match self.reader.read_event() {
            Ok(event) => event,
            Err(err) => return Err(self.read_error(err)),
        };
        Ok(match event {
            Event::Start(start) => {
                self.depth += 1;
                self.count(offset)?;
                Step::Open(self.element(&start, offset, false)?)
            }
            Event::Empty(start) => {
                self.depth += 1;
                self.count(offset)?;
                self.depth -= 1;
                Step::Open(self.element(&start, offset, true)?)
            }
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                Step::Close
            }
            Event::Text(text) => Step::Text(text.xml10_content()),
            Event::CData(data) => Step::Text(data.xml10_content()),
            Event::GeneralRef(reference) => Step::Text(self.entity(&reference, offset)?),
            Event::DocType(_) => return Err(self.dtd(offset)),
            Event::Eof if self.depth > 0 => return Err(self.unexpected_eof()),
            Event::Eof => Step::Eof,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => Step::Other,
        })
    }

    fn read_error(&self, err: quick_xml::Error) -> PackageError {
        let offset = self.reader.error_position();
        let at = usize::try_from(offset)
            .ok()
            .and_then(|at| self.src.get(at..))
            .unwrap_or("");
        let declarations = ["<!ENTITY", "<!ELEMENT", "<!ATTLIST", "<!NOTATION", "<!DOCTYPE"];
        if declarations.iter().any(|decl| at.starts_with(decl)) {
            return self.dtd(offset);
        }
        self.malformed(offset, err.to_string())
    }

    /// Counts an element just opened (`depth` already includes it) against the limits.
    fn count(&mut self, offset: u64) -> Result<()> {
        self.elements += 1;
        if self.depth > self.max_depth {
            let (file, pos, limit) = (self.file.to_owned(), self.pos(offset), self.max_depth);
            return Err(PackageError::XmlTooDeep { file, pos, limit });
        }
        if self.elements > self.max_elements {
            let (file, pos, limit) = (self.file.to_owned(), self.pos(offset), self.max_elements);
            return Err(PackageError::XmlTooManyElements { file, pos, limit });
        }
        Ok(())
    }

    /// A character reference or one of the five predefined entities; nothing else exists
    /// without a DTD.
    fn entity(&self, reference: &quick_xml::events::BytesRef<'a>, offset: u64) -> Result<Cow<'a, str>> {
        match reference.resolve_char_ref() {
            Ok(Some(ch)) => return Ok(Cow::Owned(ch.to_string())),
            Ok(None) => {}
            Err(err) => return Err(self.malformed(offset, err.to_string())),
        }
        let name: &str = reference;
        match quick_xml::escape::resolve_predefined_entity(name) {
            Some(text) => Ok(Cow::Borrowed(text)),
            None => Err(self.malformed(offset, format!("undefined entity &{name};"))),
        }
    }

    fn element(&self, start: &BytesStart<'_>, offset: u64, empty: bool) -> Result<Element> {
        let resolver = self.reader.resolver();
        let (ns, local) = resolver.resolve_element(start.name());
        let mut el = Element {
            ns: Ns::resolve(ns),
            name: local.as_ref().to_owned(),
            attrs: Vec::new(),
            offset,
            empty,
        };
        for attr in start.attributes() {
            let attr = attr.map_err(|err| self.malformed(offset, err.to_string()))?;
            let value = attr.normalized_value(XmlVersion::Implicit1_0);
            let value = value
                .map_err(|err| self.malformed(offset, err.to_string()))?
                .into_owned();
            let key: &str = attr.key.as_ref();
            let (ns, name) = match key.strip_prefix("xmlns") {
                Some(rest) if rest.is_empty() || rest.starts_with(':') => (Ns::Xmlns, rest.trim_start_matches(':')),
                _ => {
                    let (ns, local) = resolver.resolve_attribute(attr.key);
                    (Ns::resolve(ns), local.into_inner())
                }
            };
            el.attrs.push(Attr {
                ns,
                name: name.to_owned(),
                value,
            });
        }
        Ok(el)
    }
}
