//! kiroku's integration tests: one binary, one module per area. Each test starts its
//! own in-process server on fresh SQLite data, or (`durability`, `cli`) runs the real
//! binary on a temporary data folder.

mod attachments;
mod auth;
mod bad_input;
mod browser;
mod cli;
mod cors;
mod data;
mod documents;
mod durability;
mod isolation;
mod launch;
mod learners;
mod meta;
mod navigation;
mod packages;
mod player;
mod process;
mod queries;
mod runtime;
mod scratch_db;
mod statements;
mod store;
mod support;
mod xapi_launch;
