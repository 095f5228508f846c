//! The limits every upload is held to. All configurable; the defaults admit large real
//! courses (video included) and refuse zip bombs.

/// Limits on an uploaded package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageLimits {
    /// Largest upload (the zip file itself), bytes.
    pub max_upload_bytes: u64,
    /// Most entries (files and folders) in the zip.
    pub max_entries: u64,
    /// Largest unpacked size of one file, bytes.
    pub max_file_bytes: u64,
    /// Largest unpacked size of all files together, bytes.
    pub max_total_bytes: u64,
    /// Highest ratio of unpacked to packed size for one entry (entries under 64 KiB unpacked
    /// are exempt: tiny highly repetitive files are normal).
    pub max_ratio: u64,
    /// Largest manifest (or any XML file kiroku parses), bytes.
    pub max_xml_bytes: u64,
    /// Deepest element nesting accepted in an XML file.
    pub max_xml_depth: u64,
}

impl Default for PackageLimits {
    fn default() -> Self {
        Self {
            max_upload_bytes: 2 << 30,
            max_entries: 50_000,
            max_file_bytes: 2 << 30,
            max_total_bytes: 4 << 30,
            max_ratio: 200,
            max_xml_bytes: 16 << 20,
            max_xml_depth: 256,
        }
    }
}
