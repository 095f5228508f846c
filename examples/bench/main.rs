//! Load tool: drives a running kiroku over HTTP and prints throughput and latency.
//!
//! ```text
//! cargo run --release --example bench -- --endpoint http://127.0.0.1:8080/xapi \
//!     --key KEY --secret SECRET ingest --statements 200000 --batch 100 --clients 4
//! cargo run --release --example bench -- ... query --requests 2000 --clients 4
//! cargo run --release --example bench -- ... commits --learners 500 --interval 5 --duration 60
//! cargo run --release --example bench -- ... nav --learners 3 --steps 300
//! cargo run --release --example bench -- ... pages --learners 100000 --requests 20
//! ```
//! `ingest` and `query` are in `xapi.rs`; `pages` (the report and list pages in a big
//! tenant; `admin` scope) in `pages.rs`; `commits` (SCORM learners committing on a
//! schedule; the credential needs the `admin` scope) in `commits.rs`; `nav` (SCORM 2004
//! navigation on a 1,000-activity course; `admin` scope) in `nav.rs`.

mod commits;
mod http;
mod nav;
mod package;
mod pages;
#[path = "../common/sequenced_course.rs"]
mod sequenced_course;
mod xapi;

use base64::Engine as _;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
struct Args {
    /// The xAPI endpoint, e.g. http://127.0.0.1:8080/xapi (the admin API is beside it).
    /// `ingest` and `query` take several, comma-separated (several servers on one
    /// database): client i uses endpoint i mod n.
    #[arg(long)]
    endpoint: String,
    #[arg(long)]
    key: String,
    #[arg(long)]
    secret: String,
    /// Size of the agent pool statements are drawn from.
    #[arg(long, default_value_t = 1000)]
    agents: u64,
    /// Size of the verb pool.
    #[arg(long, default_value_t = 20)]
    verbs: u64,
    /// Size of the activity pool.
    #[arg(long, default_value_t = 500)]
    activities: u64,
    /// Concurrent clients (ingest, query; commits: for the launches before the timed part).
    #[arg(long, default_value_t = 4)]
    clients: usize,
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Debug, Subcommand)]
enum Mode {
    /// POST batches of statements.
    Ingest {
        /// Total statements to post.
        #[arg(long, default_value_t = 100_000)]
        statements: u64,
        /// Statements per POST.
        #[arg(long, default_value_t = 100)]
        batch: u64,
    },
    /// GET statements filtered by agent and verb.
    Query {
        /// Total requests.
        #[arg(long, default_value_t = 2000)]
        requests: u64,
        /// The limit parameter.
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// SCORM learners, each committing its run-time data on a fixed interval.
    Commits(commits::CommitArgs),
    /// SCORM 2004 navigation requests on a 1,000-activity sequenced course.
    Nav(nav::NavArgs),
    /// The report and list pages' latency in a big tenant (learners added first).
    Pages(pages::PageArgs),
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = Args::parse();
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", args.key, args.secret))
    );
    let http = http::Http::new(auth);
    if let Mode::Nav(n) = &args.mode {
        let n = n.clone();
        return nav::run(&args, n, http).await;
    }
    if let Mode::Pages(p) = &args.mode {
        let p = p.clone();
        return pages::run(&args, p, http).await;
    }
    if let Mode::Commits(c) = &args.mode {
        let c = c.clone();
        return commits::run(&args, c, http).await;
    }
    xapi::run(args, http).await
}
