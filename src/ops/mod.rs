//! Running kiroku around the clock: metrics in the Prometheus text format. No HTTP or SQL
//! here; the edge records into `Metrics` and serves what `render` writes.

pub mod metrics;
