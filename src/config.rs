//! Runtime configuration.
//!
//! Every setting comes from a command-line flag or, more commonly, an environment variable.
//! The clap definitions below are the one list of settings; the README's table shows them, and
//! `tests/api/settings.rs` checks that it shows exactly these, with their defaults.
//!
//! Secrets (`DATABASE_URL`, `LRS_ADMIN_SECRET`) are held in [`SecretString`] so they never reach
//! a log line or a `Debug` print.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use secrecy::SecretString;

use crate::analytics::settings::{
    AnalyticsSettings, CMI5_COURSE_TYPE, COURSE_TYPE, ExtensionRule, JISC_COURSE_AREA,
};

const PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
const COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
const FAILED: &str = "http://adlnet.gov/expapi/verbs/failed";

/// PostgreSQL NOTICEs (e.g. "relation already exists, skipping") are not worth an info line.
pub const DEFAULT_LOG: &str = "info,sqlx::postgres::notice=warn";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "./lrs-data";
pub const DEFAULT_MAX_BODY_BYTES: usize = 32 * 1024 * 1024;
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;
pub const DEFAULT_POOL_SIZE: u32 = 16;
pub const DEFAULT_SHUTDOWN_TIMEOUT_SECS: u64 = 30;
pub const DEFAULT_DASHBOARD_IDLE_MINUTES: u64 = 30;
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 20;
pub const DEFAULT_AUTHORITY_HOMEPAGE: &str = "http://lrs.localhost";

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human readable, one line per event.
    Human,
    /// One JSON object per line (for log shippers).
    Json,
}

/// Settings shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address the HTTP server listens on.
    #[arg(long, env = "LRS_BIND", default_value = DEFAULT_BIND, global = true)]
    pub bind: String,

    /// External PostgreSQL server (postgres://user:pass@host/db). When unset, the LRS runs its
    /// own private cluster in LRS_DATA_DIR/pg from the PostgreSQL binaries on this machine.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub database_url: Option<SecretString>,

    /// Directory for the embedded PostgreSQL cluster, its Unix socket and its log.
    #[arg(long, env = "LRS_DATA_DIR", default_value = DEFAULT_DATA_DIR, global = true)]
    pub data_dir: PathBuf,

    /// Key of a bootstrap credential ensured at startup (scope `all` plus `admin`).
    #[arg(long, env = "LRS_ADMIN_KEY", global = true)]
    pub admin_key: Option<String>,

    /// Secret of the bootstrap credential.
    #[arg(long, env = "LRS_ADMIN_SECRET", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub admin_secret: Option<SecretString>,

    /// Log filter, as a `tracing` env-filter directive (e.g. `info`, `lrs=debug,sqlx=warn`).
    #[arg(long, env = "LRS_LOG", default_value = DEFAULT_LOG, global = true)]
    pub log: String,

    /// Log format.
    #[arg(
        long,
        env = "LRS_LOG_FORMAT",
        value_enum,
        default_value = "human",
        global = true
    )]
    pub log_format: LogFormat,

    /// Largest request body accepted, in bytes; larger requests get 413.
    #[arg(long, env = "LRS_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES, global = true)]
    pub max_body_bytes: usize,

    /// Largest document of the State, Activity Profile and Agent Profile resources, in bytes.
    #[arg(long, env = "LRS_MAX_DOCUMENT_BYTES", default_value_t = DEFAULT_MAX_DOCUMENT_BYTES, global = true)]
    pub max_document_bytes: usize,

    /// Database connections held by this LRS process.
    #[arg(long, env = "LRS_DB_POOL_SIZE", default_value_t = DEFAULT_POOL_SIZE, global = true)]
    pub db_pool_size: u32,

    /// Connections `serve` opens and warms before it listens, and keeps open (default: 2 per
    /// CPU, at most `LRS_DB_POOL_SIZE`). The pool hands out its idle connections in turn, so
    /// more than the work in flight only spreads it over more backends.
    #[arg(long, env = "LRS_DB_POOL_MIN", global = true)]
    pub db_pool_min: Option<u32>,

    /// Statements being written at once by this process; further writes wait their turn
    /// (default 0: 200 per CPU). A request counts its statements, up to this limit.
    #[arg(
        long,
        env = "LRS_MAX_STATEMENTS_IN_FLIGHT",
        default_value_t = 0,
        global = true
    )]
    pub max_statements_in_flight: usize,

    /// Group-commit writers: each stores the small statement submissions (up to 10
    /// statements) that wait at the same time in one transaction (default 0: one per CPU).
    #[arg(
        long,
        env = "LRS_STATEMENT_WRITERS",
        default_value_t = 0,
        global = true
    )]
    pub statement_writers: usize,

    /// HTTP worker threads (default: one per CPU).
    #[arg(long, env = "LRS_WORKERS", global = true)]
    pub workers: Option<usize>,

    /// Minutes a dashboard session lives without a request.
    #[arg(long, env = "LRS_DASHBOARD_IDLE_MINUTES", default_value_t = DEFAULT_DASHBOARD_IDLE_MINUTES, value_parser = clap::value_parser!(u64).range(1..=10_080), global = true)]
    pub dashboard_idle_minutes: u64,

    /// Seconds in-flight requests get to finish after SIGTERM/SIGINT.
    #[arg(long, env = "LRS_SHUTDOWN_TIMEOUT_SECS", default_value_t = DEFAULT_SHUTDOWN_TIMEOUT_SECS, global = true)]
    pub shutdown_timeout_secs: u64,

    /// Seconds a request body may take to arrive, extended by one second per 500 bytes
    /// received: a sender slower than that (a slow-body attack) gets 408 and its connection is
    /// closed, instead of holding it open indefinitely.
    #[arg(long, env = "LRS_BODY_TIMEOUT_SECS", default_value_t = DEFAULT_BODY_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub body_timeout_secs: u64,

    /// Directory holding the PostgreSQL server binaries (`initdb`, `postgres`); searched when unset.
    #[arg(long, env = "LRS_PG_BIN_DIR", global = true)]
    pub pg_bin_dir: Option<PathBuf>,

    /// OS user that runs the embedded cluster when the LRS itself runs as root (PostgreSQL
    /// refuses to run as root). Default: `postgres` when it exists, else `nobody`.
    #[arg(long, env = "LRS_PG_USER", global = true)]
    pub pg_user: Option<String>,

    /// `shared_buffers` of the embedded cluster (e.g. `2GB`). Default: a quarter of the memory
    /// (or of the container's limit), between 128MB and 8GB.
    #[arg(long, env = "LRS_PG_SHARED_BUFFERS", value_parser = parse_memory_setting, global = true)]
    pub pg_shared_buffers: Option<String>,

    /// Run the analytics worker in this process (it applies new statements to the metrics).
    #[arg(long, env = "LRS_ANALYTICS_WORKER", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub analytics_worker: bool,

    /// Analytics workers in this process; they share the queue by learner, so that applying
    /// keeps up with ingest on several cores.
    #[arg(
        long,
        env = "LRS_ANALYTICS_WORKERS",
        default_value_t = 2,
        global = true
    )]
    pub analytics_workers: usize,

    /// Activity types that make an Activity a course (comma-separated).
    #[arg(long, env = "LRS_ANALYTICS_COURSE_TYPES", value_delimiter = ',', default_values = [COURSE_TYPE, CMI5_COURSE_TYPE], global = true)]
    pub analytics_course_types: Vec<String>,

    /// Context extensions that name the course: `key`, or `key|subkey` when the value is an
    /// object (comma-separated).
    #[arg(long, env = "LRS_ANALYTICS_COURSE_EXTENSIONS", value_delimiter = ',', default_values = [JISC_COURSE_AREA], global = true)]
    pub analytics_course_extensions: Vec<String>,

    /// Verbs that, with the course activity as object, mean the learner succeeded.
    #[arg(long, env = "LRS_ANALYTICS_SUCCESS_VERBS", value_delimiter = ',', default_values = [PASSED, COMPLETED], global = true)]
    pub analytics_success_verbs: Vec<String>,

    /// Verbs that, with the course activity as object, mean the learner failed.
    #[arg(long, env = "LRS_ANALYTICS_FAILURE_VERBS", value_delimiter = ',', default_values = [FAILED], global = true)]
    pub analytics_failure_verbs: Vec<String>,

    /// Minutes of inactivity that end a session (changing it needs `lrs analytics rebuild`).
    #[arg(
        long,
        env = "LRS_ANALYTICS_SESSION_GAP_MINUTES",
        default_value_t = 30,
        global = true
    )]
    pub analytics_session_gap_minutes: u64,

    /// Milliseconds an analytics worker waits after a batch that did not fill before taking
    /// the next: larger batches recompute each learner's totals once for more statements.
    /// Metrics then lag ingest by up to this much more; 0 applies statements as they come.
    #[arg(
        long,
        env = "LRS_ANALYTICS_BATCH_DELAY_MS",
        default_value_t = 200,
        value_parser = clap::value_parser!(u64).range(0..=5000),
        global = true
    )]
    pub analytics_batch_delay_ms: u64,

    /// Hours between scheduled retrainings of the at-risk model (0 = never).
    #[arg(
        long,
        env = "LRS_ANALYTICS_RETRAIN_HOURS",
        default_value_t = 24,
        global = true
    )]
    pub analytics_retrain_hours: u64,

    /// Learners with a known outcome needed before the LRS retrains by itself.
    #[arg(
        long,
        env = "LRS_ANALYTICS_RETRAIN_MIN_LEARNERS",
        default_value_t = 200,
        global = true
    )]
    pub analytics_retrain_min_learners: i64,

    /// Cutoff week of scheduled trainings (features use only the weeks before it ends).
    #[arg(
        long,
        env = "LRS_ANALYTICS_CUTOFF_WEEK",
        default_value_t = 4,
        global = true
    )]
    pub analytics_cutoff_week: u32,

    /// Let the scheduled retraining replace a model an admin activated (when its model scores
    /// the held-out course better). Off: an admin's choice stands until an admin changes it.
    #[arg(long, env = "LRS_ANALYTICS_AUTO_REPLACE", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub analytics_auto_replace: bool,

    /// `account.homePage` of the authority Agent given to new credentials.
    #[arg(long, env = "LRS_AUTHORITY_HOMEPAGE", default_value = DEFAULT_AUTHORITY_HOMEPAGE, global = true)]
    pub authority_homepage: String,
}

fn parse_memory_setting(s: &str) -> Result<String, String> {
    if crate::embedded::memory::valid_setting(s) {
        Ok(s.to_owned())
    } else {
        Err("a whole number with an optional unit kB, MB, GB or TB (e.g. 2GB)".to_owned())
    }
}

pub(crate) fn parse_secret(s: &str) -> Result<SecretString, String> {
    Ok(SecretString::from(s.to_owned()))
}

impl Default for Config {
    /// The documented defaults, ignoring the environment (tests start from this).
    fn default() -> Self {
        Config {
            bind: DEFAULT_BIND.to_owned(),
            database_url: None,
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            admin_key: None,
            admin_secret: None,
            log: DEFAULT_LOG.to_owned(),
            log_format: LogFormat::Human,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
            db_pool_size: DEFAULT_POOL_SIZE,
            db_pool_min: None,
            max_statements_in_flight: 0,
            statement_writers: 0,
            workers: None,
            dashboard_idle_minutes: DEFAULT_DASHBOARD_IDLE_MINUTES,
            shutdown_timeout_secs: DEFAULT_SHUTDOWN_TIMEOUT_SECS,
            body_timeout_secs: DEFAULT_BODY_TIMEOUT_SECS,
            pg_bin_dir: None,
            pg_user: None,
            pg_shared_buffers: None,
            authority_homepage: DEFAULT_AUTHORITY_HOMEPAGE.to_owned(),
            analytics_worker: true,
            analytics_workers: 2,
            analytics_course_types: vec![COURSE_TYPE.to_owned(), CMI5_COURSE_TYPE.to_owned()],
            analytics_course_extensions: vec![JISC_COURSE_AREA.to_owned()],
            analytics_success_verbs: vec![PASSED.to_owned(), COMPLETED.to_owned()],
            analytics_failure_verbs: vec![FAILED.to_owned()],
            analytics_session_gap_minutes: 30,
            analytics_batch_delay_ms: 200,
            analytics_retrain_hours: 24,
            analytics_retrain_min_learners: 200,
            analytics_cutoff_week: 4,
            analytics_auto_replace: false,
        }
    }
}

impl Config {
    /// How long a dashboard session lives without a request.
    pub fn dashboard_idle(&self) -> crate::service::dashboard_sessions::Idle {
        crate::service::dashboard_sessions::Idle(std::time::Duration::from_secs(
            self.dashboard_idle_minutes * 60,
        ))
    }

    /// The scheduled retraining policy; None when turned off.
    pub fn retrain_policy(&self) -> Option<crate::service::analytics::retrain::RetrainPolicy> {
        (self.analytics_retrain_hours > 0).then(|| {
            crate::service::analytics::retrain::RetrainPolicy {
                every: std::time::Duration::from_secs(self.analytics_retrain_hours * 3600),
                min_labelled: self.analytics_retrain_min_learners,
                cutoff_week: self
                    .analytics_cutoff_week
                    .clamp(1, crate::service::analytics::training::MAX_CUTOFF_WEEK),
                replace_admin_choice: self.analytics_auto_replace,
            }
        })
    }

    /// The write budget in statements (`LRS_MAX_STATEMENTS_IN_FLIGHT`, or 200 per CPU).
    pub fn statements_in_flight(&self) -> usize {
        if self.max_statements_in_flight > 0 {
            return self.max_statements_in_flight;
        }
        200 * cpus()
    }

    /// Connections a serving process keeps open (see `db_pool_min`).
    pub fn db_pool_min(&self) -> u32 {
        let default = u32::try_from(2 * cpus()).unwrap_or(u32::MAX);
        self.db_pool_min.unwrap_or(default).min(self.db_pool_size)
    }

    /// Group-commit writer tasks (`LRS_STATEMENT_WRITERS`, or one per CPU).
    pub fn statement_writers(&self) -> usize {
        if self.statement_writers > 0 {
            return self.statement_writers;
        }
        cpus()
    }

    /// The analytics rules these settings describe.
    pub fn analytics(&self) -> AnalyticsSettings {
        AnalyticsSettings {
            course_types: self.analytics_course_types.clone(),
            course_extensions: self
                .analytics_course_extensions
                .iter()
                .filter(|e| !e.is_empty())
                .map(|e| ExtensionRule::parse(e))
                .collect(),
            success_verbs: self.analytics_success_verbs.clone(),
            failure_verbs: self.analytics_failure_verbs.clone(),
            session_gap: std::time::Duration::from_secs(
                self.analytics_session_gap_minutes.max(1) * 60,
            ),
            batch_delay: std::time::Duration::from_millis(self.analytics_batch_delay_ms),
            ..AnalyticsSettings::default()
        }
    }
}

/// The CPUs this process may use (2 when the system cannot tell): the default of every
/// per-CPU setting.
pub fn cpus() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_connections_default_to_two_per_cpu_within_the_pool() {
        let mut config = Config {
            db_pool_size: 1000,
            ..Config::default()
        };
        assert_eq!(config.db_pool_min() as usize, 2 * cpus());
        config.db_pool_size = 3;
        assert_eq!(config.db_pool_min(), 3, "never more than the pool");
        config.db_pool_min = Some(0);
        assert_eq!(config.db_pool_min(), 0, "0 opens none ahead");
        config.db_pool_min = Some(2);
        assert_eq!(config.db_pool_min(), 2);
    }

    #[test]
    fn the_analytics_batch_delay_is_bounded_and_reaches_the_workers() {
        use clap::Parser;
        let parse = |args: &[&str]| crate::cli::Cli::try_parse_from(args);
        let cli = parse(&["lrs", "--analytics-batch-delay-ms", "0"]).expect("0 is allowed");
        assert!(cli.config.analytics().batch_delay.is_zero());
        let cli = parse(&["lrs", "--analytics-batch-delay-ms", "350"]).expect("350");
        assert_eq!(
            cli.config.analytics().batch_delay,
            std::time::Duration::from_millis(350)
        );
        assert!(parse(&["lrs", "--analytics-batch-delay-ms", "5001"]).is_err());
        assert!(parse(&["lrs", "--analytics-batch-delay-ms", "-1"]).is_err());
        assert_eq!(
            Config::default().analytics().batch_delay,
            AnalyticsSettings::default().batch_delay
        );
    }
}
