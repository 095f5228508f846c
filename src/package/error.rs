//! Every reason a package is refused, one variant each. The HTTP edge maps each to 400,
//! 413 or 422 through `PackageError::class`; `rule` is the stable machine-readable name.

/// Where in an XML file a problem is (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct XmlPos {
    pub line: u64,
    pub column: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageError {
    // The upload and the zip container (400 unless a size limit: 413).
    #[error("the upload is larger than the limit of {limit} bytes")]
    UploadTooLarge { limit: u64 },
    #[error("the upload is not a readable zip file: {0}")]
    NotAZip(String),
    #[error("the package has more than {limit} entries")]
    TooManyEntries { limit: u64 },
    #[error("{file}: unpacks to more than the per-file limit of {limit} bytes")]
    EntryTooLarge { file: String, limit: u64 },
    #[error("the package unpacks to more than the limit of {limit} bytes")]
    TotalTooLarge { limit: u64 },
    #[error("{file}: compression ratio above the limit of {limit}:1 (a zip bomb?)")]
    CompressionRatio { file: String, limit: u64 },
    #[error("{file}: path is not allowed ({reason})")]
    UnsafePath { file: String, reason: &'static str },
    #[error("{file}: symbolic links are not allowed")]
    Symlink { file: String },
    #[error("{file}: the name occurs more than once")]
    DuplicateEntry { file: String },
    #[error("{file}: encrypted entries are not allowed")]
    Encrypted { file: String },
    #[error("{file}: unsupported compression method")]
    UnsupportedCompression { file: String },
    #[error("{file}: damaged entry: {message}")]
    DamagedEntry { file: String, message: String },

    // The manifest (422; an oversized XML file is 413).
    #[error("no manifest: the package has no imsmanifest.xml, cmi5.xml or tincan.xml")]
    NoManifest,
    #[error("more than one manifest: {}", files.join(", "))]
    AmbiguousManifest { files: Vec<String> },
    #[error("{file}: larger than the XML limit of {limit} bytes")]
    XmlTooLarge { file: String, limit: u64 },
    #[error("{file}:{}:{}: DTDs and entity declarations are not allowed", pos.line, pos.column)]
    XmlDtd { file: String, pos: XmlPos },
    #[error("{file}:{}:{}: malformed XML: {message}", pos.line, pos.column)]
    XmlMalformed { file: String, pos: XmlPos, message: String },
    #[error("{file}:{}:{}: elements nested deeper than {limit}", pos.line, pos.column)]
    XmlTooDeep { file: String, pos: XmlPos, limit: u64 },
    #[error("{file}:{}:{}: more than {limit} elements", pos.line, pos.column)]
    XmlTooManyElements { file: String, pos: XmlPos, limit: u64 },
    #[error("{file}: unknown schema version {version:?}")]
    UnknownSchemaVersion { file: String, version: String },
    #[error("{file}:{}:{}: {message}", pos.line, pos.column)]
    InvalidManifest { file: String, pos: XmlPos, message: String },
    #[error("{file}:{}:{}: item {item:?} refers to resource {identifierref:?}, which does not exist", pos.line, pos.column)]
    DanglingReference {
        file: String,
        pos: XmlPos,
        item: String,
        identifierref: String,
    },
    #[error("{file}:{}:{}: {message}", pos.line, pos.column)]
    Cmi5 {
        file: String,
        pos: XmlPos,
        rule: Cmi5Rule,
        message: String,
    },
    #[error("{file}: launch file {href:?} is not in the package")]
    MissingLaunchFile { file: String, href: String },
    #[error("the package has nothing to launch")]
    NothingToLaunch,
}

/// How an error is answered over HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// 400: the upload is not an acceptable zip.
    BadRequest,
    /// 413: a size limit.
    TooLarge,
    /// 422: a well-formed zip whose content is not a valid package.
    Unprocessable,
}

impl PackageError {
    /// Stable, machine-readable name of the rule that was broken.
    pub fn rule(&self) -> &'static str {
        use PackageError::*;
        match self {
            UploadTooLarge { .. } => "upload_too_large",
            NotAZip(_) => "not_a_zip",
            TooManyEntries { .. } => "too_many_entries",
            EntryTooLarge { .. } => "entry_too_large",
            TotalTooLarge { .. } => "total_too_large",
            CompressionRatio { .. } => "compression_ratio",
            UnsafePath { .. } => "unsafe_path",
            Symlink { .. } => "symlink",
            DuplicateEntry { .. } => "duplicate_entry",
            Encrypted { .. } => "encrypted_entry",
            UnsupportedCompression { .. } => "unsupported_compression",
            DamagedEntry { .. } => "damaged_entry",
            NoManifest => "no_manifest",
            AmbiguousManifest { .. } => "ambiguous_manifest",
            XmlTooLarge { .. } => "xml_too_large",
            XmlDtd { .. } => "xml_dtd",
            XmlMalformed { .. } => "xml_malformed",
            XmlTooDeep { .. } => "xml_too_deep",
            XmlTooManyElements { .. } => "xml_too_many_elements",
            UnknownSchemaVersion { .. } => "unknown_schema_version",
            InvalidManifest { .. } => "invalid_manifest",
            DanglingReference { .. } => "dangling_reference",
            Cmi5 { rule, .. } => rule.name(),
            MissingLaunchFile { .. } => "missing_launch_file",
            NothingToLaunch => "nothing_to_launch",
        }
    }

    pub fn class(&self) -> ErrorClass {
        use PackageError::*;
        match self {
            UploadTooLarge { .. }
            | TooManyEntries { .. }
            | EntryTooLarge { .. }
            | TotalTooLarge { .. }
            | CompressionRatio { .. }
            | XmlTooLarge { .. }
            | XmlTooManyElements { .. } => ErrorClass::TooLarge,
            NotAZip(_)
            | UnsafePath { .. }
            | Symlink { .. }
            | DuplicateEntry { .. }
            | Encrypted { .. }
            | UnsupportedCompression { .. }
            | DamagedEntry { .. } => ErrorClass::BadRequest,
            _ => ErrorClass::Unprocessable,
        }
    }

    /// The file inside the package the error is about, when there is one.
    pub fn file(&self) -> Option<&str> {
        use PackageError::*;
        match self {
            EntryTooLarge { file, .. }
            | CompressionRatio { file, .. }
            | UnsafePath { file, .. }
            | Symlink { file }
            | DuplicateEntry { file }
            | Encrypted { file }
            | UnsupportedCompression { file }
            | DamagedEntry { file, .. }
            | XmlTooLarge { file, .. }
            | XmlDtd { file, .. }
            | XmlMalformed { file, .. }
            | XmlTooDeep { file, .. }
            | XmlTooManyElements { file, .. }
            | UnknownSchemaVersion { file, .. }
            | InvalidManifest { file, .. }
            | DanglingReference { file, .. }
            | Cmi5 { file, .. }
            | MissingLaunchFile { file, .. } => Some(file),
            _ => None,
        }
    }

    /// Line and column in the XML file, when the error is about a place in one.
    pub fn position(&self) -> Option<XmlPos> {
        use PackageError::*;
        match self {
            XmlDtd { pos, .. }
            | XmlMalformed { pos, .. }
            | XmlTooDeep { pos, .. }
            | XmlTooManyElements { pos, .. }
            | InvalidManifest { pos, .. }
            | DanglingReference { pos, .. }
            | Cmi5 { pos, .. } => Some(*pos),
            _ => None,
        }
    }
}

/// The course-structure rules of the cmi5 specification (sections 13 and 14, and the
/// launch parameters of 8.1) and of its `CourseStructure.xsd`, one each, with the stable
/// name `rule()` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmi5Rule {
    /// The root is `<courseStructure>` in the namespace
    /// `https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd` (14.0, XSD).
    Root,
    /// An element the XSD does not allow where it stands: a name the cmi5 namespace does
    /// not have there (names are case-sensitive), an element in no namespace, or an
    /// extension element where the XSD has no `xs:any` (14.0, 13.1.5).
    UnknownElement,
    /// Children in the XSD's order; extension elements only after the others (14.0).
    ElementOrder,
    /// An element the XSD allows once, repeated (14.0).
    RepeatedElement,
    /// Text where the XSD allows only elements, or none at all (14.0).
    UnexpectedText,
    /// An unprefixed attribute the XSD does not declare on the element (14.0).
    UnknownAttribute,
    /// `<objectives>` holds at least one `<objective>` (XSD `minOccurs`).
    EmptyObjectives,
    /// A langstring's `lang` is a language tag (`xs:language`; RFC 5646).
    Language,
    /// One title or description has one langstring per language (kiroku turns each into
    /// an xAPI language map, which has one string per language).
    DuplicateLanguage,
    /// `<courseStructure>` has exactly one `<course>`, first (13.1.1, XSD).
    Course,
    /// The course has at least one AU or block (XSD `minOccurs`).
    EmptyCourse,
    /// A block has at least one AU or block (13.1.2, XSD `minOccurs`).
    EmptyBlock,
    /// Course, block, AU and objective ids are required (13.1).
    MissingId,
    /// Ids are fully qualified IRIs (3.0, 13.1).
    IdNotIri,
    /// Ids are unique across the course, its objectives, blocks and AUs (13.1).
    DuplicateId,
    /// Course, block, AU and objective have a `<title>` with a langstring (13.1).
    MissingTitle,
    /// Course, block, AU and objective have a `<description>` with a langstring (13.1).
    MissingDescription,
    /// `masteryScore` is an `xs:decimal` from 0 to 1 with at most 4 decimal places (13.1.4).
    MasteryScore,
    /// `moveOn` is one of its five values, exactly as written there (13.1.4, XSD).
    MoveOn,
    /// `launchMethod` is `AnyWindow` or `OwnWindow`, exactly (13.1.4, XSD).
    LaunchMethod,
    /// `activityType` is an IRI (13.1.4).
    ActivityType,
    /// An AU has a non-empty `<url>` (13.1.4).
    MissingUrl,
    /// The url is a URL (no spaces or other unsafe characters, RFC 1738) that is usable
    /// (inside the package, valid escapes) (13.1.4, 14.1).
    BadUrl,
    /// A course structure without a zip has only fully qualified urls (14.2).
    RelativeUrlWithoutPackage,
    /// A url's query does not use a cmi5 launch parameter name (8.1).
    ReservedParameter,
    /// An objective reference names an objective of the course (13.1.2, 13.1.4).
    UnknownObjective,
}

impl Cmi5Rule {
    pub fn name(self) -> &'static str {
        match self {
            Self::Root => "cmi5_root",
            Self::UnknownElement => "cmi5_unknown_element",
            Self::ElementOrder => "cmi5_element_order",
            Self::RepeatedElement => "cmi5_repeated_element",
            Self::UnexpectedText => "cmi5_unexpected_text",
            Self::UnknownAttribute => "cmi5_unknown_attribute",
            Self::EmptyObjectives => "cmi5_empty_objectives",
            Self::Language => "cmi5_language",
            Self::DuplicateLanguage => "cmi5_duplicate_language",
            Self::Course => "cmi5_course",
            Self::EmptyCourse => "cmi5_empty_course",
            Self::EmptyBlock => "cmi5_empty_block",
            Self::MissingId => "cmi5_missing_id",
            Self::IdNotIri => "cmi5_id_not_iri",
            Self::DuplicateId => "cmi5_duplicate_id",
            Self::MissingTitle => "cmi5_missing_title",
            Self::MissingDescription => "cmi5_missing_description",
            Self::MasteryScore => "cmi5_mastery_score",
            Self::MoveOn => "cmi5_move_on",
            Self::LaunchMethod => "cmi5_launch_method",
            Self::ActivityType => "cmi5_activity_type",
            Self::MissingUrl => "cmi5_missing_url",
            Self::BadUrl => "cmi5_bad_url",
            Self::RelativeUrlWithoutPackage => "cmi5_relative_url_without_package",
            Self::ReservedParameter => "cmi5_reserved_parameter",
            Self::UnknownObjective => "cmi5_unknown_objective",
        }
    }
}
