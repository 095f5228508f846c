//! kiroku — SCORM/xAPI content runtime and multi-tenant Learning Record Store.
//!
//! The crate is split by domain; see `ARCHITECTURE.md` for the map.

// Strings from outside (identifiers, names, file names) are often Japanese: a byte slice
// of one can end inside a character and panic. String work goes by characters, `get`,
// `split_once` and `strip_prefix`.
#![deny(clippy::string_slice)]
// Indexing that can panic takes the server down for one request and, inside a writer,
// for others: `get`, patterns and iterators instead (each exception says why).
#![deny(clippy::indexing_slicing)]

pub mod account;
pub mod audit;
pub mod blob;
pub mod cli;
pub mod clock;
pub mod cmi5;
pub mod http;
pub mod i18n;
pub mod id;
pub mod json;
pub mod launch;
pub mod learner;
pub mod lrs;
pub mod mail;
pub mod net;
pub mod notice;
pub mod operator;
pub mod ops;
pub mod package;
pub mod portal;
pub mod report;
pub mod runtime;
pub mod server;
pub mod store;
pub mod tenant;

pub use server::{AppState, serve};
