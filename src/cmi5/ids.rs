//! The activity ids the LMS generates for a course's AUs, blocks and course (sections
//! 8.1.5 and 9.3.9): never the publisher's ids from `cmi5.xml` (those go in the context
//! template's `grouping`), the same for every launch of a registration, and the same for
//! an AU across the versions of a package (the hash of its publisher id, not its place).

use sha2::{Digest, Sha256};

/// What an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    Course,
    Block,
    Au,
}

impl Node {
    fn segment(self) -> &'static str {
        match self {
            Self::Course => "course",
            Self::Block => "block",
            Self::Au => "au",
        }
    }

    /// The activity type of the LMS's statements about it (9.3.9).
    pub fn activity_type(self) -> &'static str {
        match self {
            Self::Course => "https://w3id.org/xapi/cmi5/activitytype/course",
            Self::Block => "https://w3id.org/xapi/cmi5/activitytype/block",
            Self::Au => "http://adlnet.gov/expapi/activities/lesson",
        }
    }
}

/// The LMS id of the node with publisher id `publisher` in package `package`.
pub fn lms_id(public_url: &str, package: &str, node: Node, publisher: &str) -> String {
    let digest = Sha256::digest(publisher.as_bytes());
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    let package: String = form_urlencoded::byte_serialize(package.as_bytes()).collect();
    format!("{public_url}/cmi5/{package}/{}/{hex}", node.segment())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_differ_from_publisher_ids_and_are_stable() {
        let a = lms_id("https://k", "p1", Node::Au, "https://pub/au/1");
        assert_eq!(a, lms_id("https://k", "p1", Node::Au, "https://pub/au/1"));
        assert_ne!(a, "https://pub/au/1");
        assert_ne!(a, lms_id("https://k", "p1", Node::Block, "https://pub/au/1"));
        assert_ne!(a, lms_id("https://k", "p2", Node::Au, "https://pub/au/1"));
        assert!(lms_id("https://k", "日本/語", Node::Course, "c").starts_with("https://k/cmi5/%E6"));
    }
}
