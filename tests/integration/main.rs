//! kiroku's integration tests: one binary, one module per area. Each test starts its
//! own in-process server on fresh SQLite data, or (`durability`, `cli`) runs the real
//! binary on a temporary data folder.

mod accounts;
mod admin_page;
mod attachments;
mod audit;
mod auth;
mod backups;
mod bad_input;
mod blobs_s3;
mod blobs_s3_tls;
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
mod migrate;
mod multi_server;
mod navigation;
mod one_person;
mod one_person_browser;
mod opener;
mod ops;
mod packages;
mod player;
mod process;
mod queries;
mod quotas;
mod runtime;
mod scratch_db;
mod statements;
mod store;
mod support;
mod suspension;
mod tenant_archive;
mod walkthrough;
mod webdriver;
mod xapi_launch;
