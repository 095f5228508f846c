//! Element names, attributes and the namespaces they are in.

use quick_xml::name::ResolveResult;

/// The namespaces the parsers care about, classified from their URIs (any version).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::package::manifest) enum Ns {
    /// No namespace (unprefixed attributes; elements of manifests without xmlns).
    None,
    /// IMS Content Packaging (`imscp_rootv1p1p2`, `imscp_v1p1`).
    Cp,
    /// ADL content packaging (`adlcp_rootv1p2`, `adlcp_v1p3`).
    Adlcp,
    /// IMS Simple Sequencing.
    Imsss,
    /// ADL sequencing extensions.
    Adlseq,
    /// ADL navigation.
    Adlnav,
    /// IEEE LOM and IMS metadata.
    Lom,
    Cmi5,
    Tincan,
    /// The `xml:` prefix (`xml:base`, `xml:lang`).
    Xml,
    /// A namespace declaration (`xmlns`, `xmlns:p`); its value is the URI.
    Xmlns,
    Other,
}

impl Ns {
    fn from_uri(uri: &str) -> Ns {
        let uri = uri.trim().to_ascii_lowercase();
        let table = [
            ("imscp", Ns::Cp),
            ("adlcp", Ns::Adlcp),
            ("imsss", Ns::Imsss),
            ("adlseq", Ns::Adlseq),
            ("adlnav", Ns::Adlnav),
            ("ltsc.ieee.org/xsd/lom", Ns::Lom),
            ("imsmd", Ns::Lom),
            ("cmi5", Ns::Cmi5),
            ("tincan", Ns::Tincan),
            ("www.w3.org/xml/1998/namespace", Ns::Xml),
        ];
        table
            .iter()
            .find(|(part, _)| uri.contains(part))
            .map_or(Ns::Other, |(_, ns)| *ns)
    }

    /// Undeclared prefixes, which sloppy manifests use: go by the conventional prefix.
    fn from_prefix(prefix: &str) -> Ns {
        match prefix.to_ascii_lowercase().as_str() {
            "adlcp" => Ns::Adlcp,
            "imsss" => Ns::Imsss,
            "adlseq" => Ns::Adlseq,
            "adlnav" => Ns::Adlnav,
            "imsmd" | "lom" => Ns::Lom,
            "xml" => Ns::Xml,
            _ => Ns::Other,
        }
    }

    pub(super) fn resolve(result: ResolveResult<'_>) -> Ns {
        match result {
            ResolveResult::Bound(ns) => Ns::from_uri(ns.0),
            ResolveResult::Unbound => Ns::None,
            ResolveResult::Unknown(prefix) => Ns::from_prefix(&prefix),
        }
    }
}

#[derive(Debug)]
pub(in crate::package::manifest) struct Attr {
    pub ns: Ns,
    pub name: String,
    pub value: String,
}

/// A start tag: its name, attributes and where it is.
#[derive(Debug)]
pub(in crate::package::manifest) struct Element {
    pub ns: Ns,
    pub name: String,
    pub attrs: Vec<Attr>,
    /// Byte offset of the `<`.
    pub offset: u64,
    pub(super) empty: bool,
}

impl Element {
    /// Is this `name` in namespace `ns` (ASCII case-insensitive)?
    pub fn is(&self, ns: Ns, name: &str) -> bool {
        self.ns == ns && self.name.eq_ignore_ascii_case(name)
    }

    /// An attribute in namespace `ns` (`Ns::None` for unprefixed ones).
    pub fn attr_ns(&self, ns: Ns, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns == ns && a.name.eq_ignore_ascii_case(name))
            .map(|a| a.value.as_str())
    }

    /// An unprefixed attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attr_ns(Ns::None, name)
    }

    /// An attribute with this local name in any namespace.
    pub fn attr_any(&self, name: &str) -> Option<&str> {
        let found = self
            .attrs
            .iter()
            .find(|a| a.ns != Ns::Xmlns && a.name.eq_ignore_ascii_case(name));
        found.map(|a| a.value.as_str())
    }

    /// The namespace URIs declared on this element.
    pub fn declared_namespaces(&self) -> impl Iterator<Item = &str> {
        self.attrs
            .iter()
            .filter(|a| a.ns == Ns::Xmlns)
            .map(|a| a.value.as_str())
    }
}
