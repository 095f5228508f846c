//! Manifest parsers (work in progress).
