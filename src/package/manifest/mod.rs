//! Manifest parsers: `imsmanifest.xml` (SCORM 1.2 and 2004), `cmi5.xml` and
//! `tincan.xml` into the one [`Course`] model.
//!
//! Every manifest is read through [`xml`], a bounded namespace-aware reader (size, depth,
//! no DTDs or entity declarations); hrefs are resolved by [`href`] so a launch path
//! never leaves the package. Errors name the rule, the manifest's path in the package
//! and, for XML, the line and column.

mod cmi5;
mod cmi5_values;
mod href;
mod scorm;
mod sequencing;
mod tincan;
mod values;
mod xml;

#[cfg(test)]
mod cmi5_tests;
#[cfg(test)]
mod tests;

use crate::package::model::Course;

/// The most elements a manifest may have: twice the zip entries allowed (a manifest lists
/// each file once, sometimes twice), and at least 100,000. Real manifests have a few
/// thousand. The cap keeps the course model of a hostile manifest made of tiny elements
/// (an item takes a few hundred bytes in memory) near 50 MB at the default limits.
pub fn max_xml_elements(limits: &PackageLimits) -> u64 {
    limits.max_entries.saturating_mul(2).max(100_000)
}
use crate::package::{PackageError, PackageLimits};

/// The kinds of manifest a package may have at its root (or in one folder).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ManifestFile {
    /// `imsmanifest.xml`: SCORM 1.2 or 2004.
    Scorm,
    /// `cmi5.xml`.
    Cmi5,
    /// `tincan.xml`: an xAPI package.
    Tincan,
}

impl ManifestFile {
    pub const ALL: [ManifestFile; 3] = [ManifestFile::Scorm, ManifestFile::Cmi5, ManifestFile::Tincan];

    /// The manifest a file name denotes (ASCII case-insensitive), if any.
    pub fn from_file_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|file| file.file_name().eq_ignore_ascii_case(name))
    }

    pub fn file_name(self) -> &'static str {
        match self {
            Self::Scorm => "imsmanifest.xml",
            Self::Cmi5 => "cmi5.xml",
            Self::Tincan => "tincan.xml",
        }
    }
}

/// Parses a manifest into the course model.
///
/// `path`: the manifest's path inside the zip, e.g. "imsmanifest.xml" or
/// "course/imsmanifest.xml" (its folder is the base for hrefs, and it is the file named
/// in errors). A course with nothing to launch is refused (`NothingToLaunch`).
pub fn parse(file: ManifestFile, path: &str, xml: &[u8], limits: &PackageLimits) -> Result<Course, PackageError> {
    let text = xml::decode(path, xml, limits)?;
    let mut reader = xml::Xml::new(path, &text, limits);
    let root = reader.root()?;
    let folder = href::folder_of(path);
    let course = match file {
        ManifestFile::Scorm => scorm::parse(&mut reader, root, &folder)?,
        ManifestFile::Cmi5 => cmi5::parse(&mut reader, root, &folder, false)?,
        ManifestFile::Tincan => tincan::parse(&mut reader, root, &folder)?,
    };
    if course.launchables().is_empty() {
        return Err(PackageError::NothingToLaunch);
    }
    Ok(course)
}

/// Parses a course structure uploaded without a zip (cmi5 14.2): named `cmi5.xml` in
/// errors, and every AU url must be fully qualified since there are no files.
pub fn parse_bare_cmi5(xml: &[u8], limits: &PackageLimits) -> Result<Course, PackageError> {
    let path = ManifestFile::Cmi5.file_name();
    let text = xml::decode(path, xml, limits)?;
    let mut reader = xml::Xml::new(path, &text, limits);
    let root = reader.root()?;
    cmi5::parse(&mut reader, root, "", true)
}
