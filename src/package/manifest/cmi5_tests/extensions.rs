//! What the XSD allows that a stricter reader might refuse: extensions (elements and
//! attributes of other namespaces, even one whose URI mentions cmi5) where it has
//! `xs:any`, an objective's title and description in either order, `xsi:` attributes,
//! comments, markup in `launchParameters`, and cmi5 elements written with a prefix.

use super::{VALID, refused, zipped};

/// Changes the XSD allows.
const ACCEPTED: &[(&str, &str, &str)] = &[
    (
        "an objective reference written open and closed, with a comment",
        r#"<objective idref="https://example.com/o"/>"#,
        r#"<objective idref="https://example.com/o"><!-- c --></objective>"#,
    ),
    (
        "extensions after an AU's children",
        "    </au>",
        "      <v:e xmlns:v=\"https://vendor.example/v\" v:a=\"1\"><title>any</title></v:e>\n    </au>",
    ),
    (
        "an extension after the course's description",
        "</description></course>",
        r#"</description><v:e xmlns:v="urn:vendor"/></course>"#,
    ),
    (
        "ADL's keyword extension, whose namespace names cmi5",
        "    </au>",
        "      <kw:keyword xmlns:kw=\"http://www.adlnet.gov/cmi5/KeywordExtension.xsd\" idref=\"https://example.com/k\"/>\n    </au>",
    ),
    (
        "extensions at the end of the course structure",
        "</courseStructure>",
        r#"<kw:keywords xmlns:kw="http://www.adlnet.gov/cmi5/KeywordExtension.xsd"><kw:title/></kw:keywords></courseStructure>"#,
    ),
    (
        "an extension at the end of a title",
        "単元</langstring></title>",
        r#"単元</langstring><v:note xmlns:v="urn:vendor">n</v:note></title>"#,
    ),
    (
        "an extension at the end of the objectives",
        "</objective>\n  </objectives>",
        "</objective>\n    <v:e xmlns:v=\"urn:vendor\"/>\n  </objectives>",
    ),
    (
        "an extension after objective references",
        r#"<objective idref="https://example.com/o"/></objectives>"#,
        r#"<objective idref="https://example.com/o"/><v:e xmlns:v="urn:vendor"/></objectives>"#,
    ),
    (
        "a default namespace of its own in an extension",
        "    </au>",
        "      <e xmlns=\"urn:vendor\"><title xmlns=\"\"/></e>\n    </au>",
    ),
    (
        "prefixed attributes",
        "<au id=",
        r#"<au xmlns:v="urn:vendor" v:weight="2" id="#,
    ),
    (
        "xsi:schemaLocation on the root",
        r#"<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd""#,
        r#"<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd CourseStructure.xsd""#,
    ),
    (
        "an objective's description before its title (xs:all)",
        r#"<title><langstring lang="en">O</langstring></title><description><langstring lang="en">O</langstring></description></objective>"#,
        r#"<description><langstring lang="en">O</langstring></description><title><langstring lang="en">O</langstring></title></objective>"#,
    ),
    (
        "comments and processing instructions among children",
        "?lang=ja</url>",
        "?lang=ja</url><!-- c --><?pi x?>",
    ),
    (
        "launchParameters with markup (no type: anything)",
        "<launchParameters>Start=1</launchParameters>",
        r#"<launchParameters a="1"><x>Start=1</x></launchParameters>"#,
    ),
    (
        "a url in CDATA with whitespace",
        "<url>https://cdn.example.com/au/index.html?lang=ja</url>",
        "<url><![CDATA[ https://cdn.example.com/au/index.html?lang=ja ]]></url>",
    ),
];

#[test]
fn extensions_and_what_else_the_xsd_allows_are_accepted() {
    let failures = refused(ACCEPTED);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every element of [`VALID`] written with a prefix bound to the cmi5 namespace.
#[test]
fn prefixed_cmi5_elements_are_cmi5_elements() {
    let mut prefixed = String::new();
    let mut rest = VALID;
    while let Some(at) = rest.find('<') {
        let (before, tag) = rest.split_at(at);
        prefixed.push_str(before);
        let name = tag.trim_start_matches("</").trim_start_matches('<');
        let close = if tag.starts_with("</") { "</" } else { "<" };
        if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            prefixed.push_str(close);
            prefixed.push_str("c:");
            rest = name;
        } else {
            prefixed.push('<');
            rest = tag.get(1..).unwrap_or_default();
        }
    }
    prefixed.push_str(rest);
    let prefixed = prefixed.replace("xmlns=", "xmlns:c=");
    assert!(prefixed.contains("<c:au id="), "{prefixed}");
    assert!(zipped(&prefixed).is_ok(), "{:?}", zipped(&prefixed).err());
    let unbound = prefixed
        .replace("xmlns:c=", "xmlns:d=")
        .replace("xmlns:d=", "xmlns:c=\"urn:other\" xmlns:d=");
    let err = zipped(&unbound).expect_err("c: is another namespace");
    assert_eq!(err.rule(), "cmi5_root");
}
