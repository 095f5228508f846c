//! Running kiroku around the clock: metrics in the Prometheus text format (the edge
//! records into `Metrics` and serves what `render` writes) and backups of a data folder,
//! into a backup folder and off the machine (S3-compatible storage).

pub mod archive;
pub mod backup;
pub mod dbclock;
pub mod erase;
pub mod metrics;
pub mod offsite;
pub mod ratelimit;
pub mod restore;
pub mod schedule;
pub mod verified;
