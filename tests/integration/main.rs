//! kiroku's integration tests: one binary, one module per area. Each test starts its
//! own in-process server on fresh SQLite data, or (`durability`, `cli`) runs the real
//! binary on a temporary data folder.

mod attachments;
mod audit;
mod auth;
mod backups;
mod bad_input;
mod browser;
mod cli;
mod clicks;
mod cors;
mod data;
mod datamodel_cases;
mod documents;
mod durability;
mod forced_deletion;
mod isolation;
mod launch;
mod learners;
mod meta;
mod navigation;
mod one_person;
mod one_person_browser;
mod opener;
mod ops;
mod packages;
mod player;
mod process;
mod queries;
mod runtime;
mod scratch_db;
mod statements;
mod store;
mod support;
mod walkthrough;
mod webdriver;
mod xapi_launch;
