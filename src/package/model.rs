//! The course model (work in progress).
