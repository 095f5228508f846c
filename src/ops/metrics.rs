//! In-process metrics: requests and their latencies by origin, method, route template and
//! status class, and counters of what the service does (statements stored, packages
//! imported, launches). Labels never carry tenant data: routes are templates
//! (`/content/{token}/{*path}`), so grants, ids and query strings stay out.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RequestKey {
    origin: &'static str,
    method: String,
    route: String,
    status: &'static str,
}

#[derive(Debug, Default, Clone)]
struct Histogram {
    /// Counts per bucket (not cumulative); the last slot is +Inf.
    buckets: [u64; BUCKETS.len() + 1],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        let slot = BUCKETS.iter().position(|b| seconds <= *b).unwrap_or(BUCKETS.len());
        if let Some(b) = self.buckets.get_mut(slot) {
            *b += 1;
        }
        self.sum += seconds;
        self.count += 1;
    }
}

/// What the service counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Event {
    StatementsStored,
    ImportsAccepted,
    ImportsRefused,
    Launches,
    RuntimeCommits,
    /// Connections closed by a bound on slow clients (`net`), one variant per bound.
    HeaderTimeouts,
    IdleTimeouts,
    BodyTimeouts,
    WriteTimeouts,
    HandshakeTimeouts,
    TlsReloaded,
    TlsReloadFailed,
}

impl Event {
    fn name(self) -> (&'static str, &'static str) {
        match self {
            Self::StatementsStored => ("kiroku_statements_stored_total", "Statements stored."),
            Self::ImportsAccepted => ("kiroku_imports_total{result=\"accepted\"}", "Package imports."),
            Self::ImportsRefused => ("kiroku_imports_total{result=\"refused\"}", "Package imports."),
            Self::Launches => ("kiroku_launches_total", "Launch links issued."),
            Self::RuntimeCommits => ("kiroku_runtime_commits_total", "SCORM commits stored."),
            Self::HeaderTimeouts => (r#"kiroku_connections_timed_out_total{bound="header"}"#, TIMED_OUT),
            Self::IdleTimeouts => (r#"kiroku_connections_timed_out_total{bound="idle"}"#, TIMED_OUT),
            Self::BodyTimeouts => (r#"kiroku_connections_timed_out_total{bound="body"}"#, TIMED_OUT),
            Self::WriteTimeouts => (r#"kiroku_connections_timed_out_total{bound="write"}"#, TIMED_OUT),
            Self::HandshakeTimeouts => (
                r#"kiroku_connections_timed_out_total{bound="tls_handshake"}"#,
                TIMED_OUT,
            ),
            Self::TlsReloaded => (r#"kiroku_tls_reloads_total{result="loaded"}"#, TLS_RELOADS),
            Self::TlsReloadFailed => (r#"kiroku_tls_reloads_total{result="failed"}"#, TLS_RELOADS),
        }
    }
}

const TIMED_OUT: &str = "Connections closed by a bound on slow or idle clients.";
const TLS_RELOADS: &str = "Certificate reloads while serving.";

#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<RequestKey, Histogram>>,
    events: Mutex<BTreeMap<Event, u64>>,
}

fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

impl Metrics {
    /// One request served: `route` is the matched route template.
    pub fn request(&self, origin: &'static str, method: &str, route: &str, status: u16, took: Duration) {
        let key = RequestKey {
            origin,
            method: method.to_owned(),
            route: route.to_owned(),
            status: status_class(status),
        };
        if let Ok(mut map) = self.requests.lock() {
            map.entry(key).or_default().observe(took.as_secs_f64());
        }
    }

    pub fn count(&self, event: Event, n: u64) {
        if let Ok(mut map) = self.events.lock() {
            *map.entry(event).or_default() += n;
        }
    }

    /// Requests so far by status class (`2xx`…), and each event's count: what the service
    /// health page shows.
    pub fn totals(&self) -> (BTreeMap<&'static str, u64>, BTreeMap<Event, u64>) {
        let mut classes = BTreeMap::new();
        if let Ok(map) = self.requests.lock() {
            for (k, h) in map.iter() {
                *classes.entry(k.status).or_default() += h.count;
            }
        }
        let events = self.events.lock().map(|m| m.clone()).unwrap_or_default();
        (classes, events)
    }

    /// The Prometheus text exposition of everything counted so far, followed by `extra`
    /// gauges (name with its labels, help, value) the caller measures at scrape time.
    pub fn render(&self, extra: &[(String, &str, f64)]) -> String {
        let mut out = String::new();
        let requests = self.requests.lock().map(|m| m.clone()).unwrap_or_default();
        out.push_str("# HELP kiroku_requests_total HTTP requests by origin, method, route and status class.\n");
        out.push_str("# TYPE kiroku_requests_total counter\n");
        for (k, h) in &requests {
            let _ = writeln!(out, "kiroku_requests_total{{{}}} {}", labels(k), h.count);
        }
        out.push_str("# HELP kiroku_request_seconds HTTP request latency.\n");
        out.push_str("# TYPE kiroku_request_seconds histogram\n");
        for (k, h) in &requests {
            let l = labels(k);
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(&h.buckets) {
                cumulative += n;
                let _ = writeln!(out, "kiroku_request_seconds_bucket{{{l},le=\"{bound}\"}} {cumulative}");
            }
            let _ = writeln!(out, "kiroku_request_seconds_bucket{{{l},le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "kiroku_request_seconds_sum{{{l}}} {}", h.sum);
            let _ = writeln!(out, "kiroku_request_seconds_count{{{l}}} {}", h.count);
        }
        let events = self.events.lock().map(|m| m.clone()).unwrap_or_default();
        let mut helped = std::collections::HashSet::new();
        for (event, n) in events {
            let (name, help) = event.name();
            let base = name.split('{').next().unwrap_or(name);
            if helped.insert(base) {
                let _ = writeln!(out, "# HELP {base} {help}\n# TYPE {base} counter");
            }
            let _ = writeln!(out, "{name} {n}");
        }
        for (name, help, value) in extra {
            let base = name.split('{').next().unwrap_or(name);
            if helped.insert(base) {
                let _ = writeln!(out, "# HELP {base} {help}\n# TYPE {base} gauge");
            }
            let _ = writeln!(out, "{name} {value}");
        }
        out
    }
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn labels(k: &RequestKey) -> String {
    format!(
        "origin=\"{}\",method=\"{}\",route=\"{}\",status=\"{}\"",
        k.origin,
        escape(&k.method),
        escape(&k.route),
        k.status
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_events_render_as_prometheus_text() {
        let m = Metrics::default();
        m.request("app", "GET", "/xapi/statements", 200, Duration::from_millis(3));
        m.request("app", "GET", "/xapi/statements", 200, Duration::from_millis(30));
        m.request("app", "POST", "/xapi/statements", 400, Duration::from_millis(1));
        m.count(Event::StatementsStored, 100);
        m.count(Event::ImportsRefused, 1);
        let text = m.render(&[
            ("kiroku_up".into(), "Always 1.", 1.0),
            ("kiroku_use{quota=\"a\"}".into(), "Use.", 0.5),
            ("kiroku_use{quota=\"b\"}".into(), "Use.", 0.25),
        ]);
        assert_eq!(text.matches("# TYPE kiroku_use gauge").count(), 1, "{text}");
        assert!(text.contains("kiroku_use{quota=\"b\"} 0.25"), "{text}");
        let line = "kiroku_requests_total{origin=\"app\",method=\"GET\",route=\"/xapi/statements\",status=\"2xx\"} 2";
        assert!(text.contains(line), "{text}");
        assert!(
            text.contains("route=\"/xapi/statements\",status=\"2xx\",le=\"0.005\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("route=\"/xapi/statements\",status=\"2xx\",le=\"0.05\"} 2"),
            "{text}"
        );
        assert!(text.contains("kiroku_statements_stored_total 100"), "{text}");
        assert!(text.contains("kiroku_imports_total{result=\"refused\"} 1"), "{text}");
        assert!(text.contains("kiroku_up 1"), "{text}");
    }
}
