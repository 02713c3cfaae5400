//! The benchmark tool: ingest, queries and analytics measured against the PostgreSQL limit.
//!
//! `cargo bench --bench lrs` starts a release `lrs serve` on its own embedded cluster
//! (synchronous commit on, as shipped), or measures a running LRS given by `--url` (with its
//! database, `--database-url`), then, in one run:
//!
//! 1. ingest: POSTs of 1 and of 100 statements at 4 and 32 connections (statements/s, p50/p99);
//! 2. the raw PostgreSQL rate for the same rows on the same server: single-row transactions,
//!    multi-row INSERTs of 100 rows per transaction, and COPY, into a table with the same
//!    indexes as `statements`; every LRS figure is also given as a ratio of the raw one. The
//!    POST phases and their raw counterparts run side by side, in rounds, and the table adds
//!    the median of the rounds (`rounds.rs`);
//! 3. listing the 10,000 learners of a course with metrics and risk, and the dashboard's page
//!    of that course;
//! 4. queries on a store of at least 1,000,000 statements (GET by agent, verb + activity,
//!    registration, since, related_activities; walking `more` pages);
//! 5. analytics freshness under sustained ingest at half the maximum rate;
//! 6. the server's peak memory.
//!
//! It prints a table and writes the figures as JSON. See docs/BENCHMARKS.md.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod cpu;
mod dashboard;
mod data;
mod freshness;
mod ingest;
mod learners;
mod queries;
mod raw;
mod report;
mod rounds;
mod server;
mod stats;

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

#[derive(Debug, Parser)]
#[command(about = "Benchmark the LRS: ingest vs raw PostgreSQL, queries, analytics freshness")]
pub struct Args {
    /// Seconds each timed ingest phase runs.
    #[arg(long, default_value_t = 10)]
    pub phase_seconds: u64,
    /// Rounds of the ingest and raw phases: each round runs every POST phase next to its raw
    /// counterparts; the table adds the median of the rounds (`rounds.rs`).
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Statements in the store before the query phase.
    #[arg(long, default_value_t = 1_000_000)]
    pub store_size: u64,
    /// Learners of the course whose learner list is timed.
    #[arg(long, default_value_t = 10_000)]
    pub course_learners: usize,
    /// Seconds of sustained ingest while freshness is probed.
    #[arg(long, default_value_t = 30)]
    pub freshness_seconds: u64,
    /// Where the embedded cluster lives (default: a fresh temporary directory).
    #[arg(long, conflicts_with = "url")]
    pub data_dir: Option<PathBuf>,
    /// Measure this running LRS (its base URL, e.g. http://127.0.0.1:8080) instead of starting
    /// one. Its credential `--key` needs the `all` and `admin` scopes (the learner-list phase
    /// trains a model and uploads outcomes).
    #[arg(long, requires = "database_url")]
    pub url: Option<String>,
    /// With `--url`: the LRS's own PostgreSQL database. The raw baseline runs on the same
    /// server, the store is settled before each read phase and the analytics are awaited
    /// through it.
    #[arg(long, env = "BENCH_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// With `--url`: the LRS process id, for its memory (not measured without it; a remote
    /// LRS cannot be measured).
    #[arg(long, requires = "url")]
    pub pid: Option<u32>,
    /// Key of the credential the bench uses (a started LRS gets it as its bootstrap credential).
    #[arg(long, env = "BENCH_KEY", default_value = "bench")]
    pub key: String,
    /// Secret of that credential.
    #[arg(
        long,
        env = "BENCH_SECRET",
        default_value = "bench-secret",
        hide_env_values = true
    )]
    pub secret: String,
    /// Write the figures here as JSON (default: target/bench/results.json).
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// LRS_DB_POOL_SIZE of the LRS this tool starts.
    #[arg(long, default_value_t = 32)]
    pub pool_size: u32,
    /// Only these ingest configurations (batch@connections, e.g. 100@32), and their raw
    /// counterparts; default all four.
    #[arg(long, value_delimiter = ',')]
    pub ingest: Vec<String>,
    /// Phases to skip: ingest, raw, learners, queries, freshness.
    #[arg(long, value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    pub bench: bool,
}

impl Args {
    pub fn runs(&self, phase: &str) -> bool {
        !self.skip.iter().any(|s| s == phase)
    }

    pub fn phase(&self) -> Duration {
        Duration::from_secs(self.phase_seconds)
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    server::set_credential(&args.key, &args.secret);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(report::run(args))
}
