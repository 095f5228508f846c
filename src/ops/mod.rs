//! Running kiroku around the clock: metrics in the Prometheus text format (the edge
//! records into `Metrics` and serves what `render` writes) and backups of a data folder.

pub mod archive;
pub mod backup;
pub mod dbclock;
pub mod erase;
pub mod metrics;
pub mod ratelimit;
pub mod restore;
pub mod schedule;
