//! Opening the database: an external server (`DATABASE_URL`) or the embedded cluster.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::config::Config;
use crate::embedded::{self, Cluster, ClusterOptions, Ownership};

/// A connection pool, plus the embedded cluster behind it when there is one.
pub struct Database {
    pub pool: PgPool,
    cluster: Option<Cluster>,
}

impl Database {
    /// Connects (starting the embedded cluster when no `DATABASE_URL` is set) and applies
    /// pending migrations. The pool keeps at least `min_connections` open (0 for one-off
    /// commands; `serve` keeps some, see [`Config::db_pool_min`]).
    pub async fn open(
        config: &Config,
        ownership: Ownership,
        min_connections: u32,
    ) -> anyhow::Result<Database> {
        let (options, cluster) = match &config.database_url {
            Some(url) => {
                let options = PgConnectOptions::from_str(url.expose_secret())
                    .context("DATABASE_URL is not a valid PostgreSQL URL")?;
                (options, None)
            }
            None => {
                let cluster = Cluster::start(&cluster_options(config), ownership).await?;
                (cluster.connect_options(embedded::DB_NAME), Some(cluster))
            }
        };
        let pool = PgPoolOptions::new()
            .max_connections(config.db_pool_size)
            .min_connections(min_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(session_options(options))
            .await
            .context("connecting to PostgreSQL")?;
        crate::store::migrate(&pool).await?;
        Ok(Database { pool, cluster })
    }

    /// Closes the pool, then stops the embedded cluster if this process started it.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(cluster) = self.cluster {
            cluster.stop().await;
        }
    }
}

/// The settings every LRS session runs with, on the embedded cluster and on an external server
/// alike (they travel in the connection's startup packet, so they need no privileges and no
/// server configuration).
///
/// JIT compilation is off. Every query the LRS sends is short: a statement insert, a page of a
/// query, an analytics batch. PostgreSQL compiles a query when its *estimated* cost passes
/// `jit_above_cost`, and compiles it again at every execution, cached plan or not. Without
/// statistics (a restored database, a store filled faster than autovacuum analyses it) the
/// generic plan of the statement insert was estimated at 150,000, and each insert then spent
/// 96 ms compiling 174 functions to run for 2 ms: single-statement POSTs fell from about
/// 3,500 to 216 statements/s (docs/BENCHMARKS.md, "`36d27c5`").
pub fn session_options(options: PgConnectOptions) -> PgConnectOptions {
    options
        .application_name(REQUEST_APPLICATION)
        .options([("jit", "off")])
}

/// `application_name` of the sessions that serve requests (reads, documents, analytics
/// queries). In `pg_stat_activity`, the LRS's sessions are told apart by it: these, the
/// statement writers' ([`WRITER_APPLICATION`]) and the background work's
/// ([`BACKGROUND_APPLICATION`]: analytics workers, scoring, queue vacuum, retraining, the
/// listener for credential revocations).
pub const REQUEST_APPLICATION: &str = "lrs";
/// `application_name` of the statement writers' sessions (`store::statements::writer_pool`).
pub const WRITER_APPLICATION: &str = "lrs-writer";
/// `application_name` of the background work's sessions.
pub const BACKGROUND_APPLICATION: &str = "lrs-background";

pub fn cluster_options(config: &Config) -> ClusterOptions {
    ClusterOptions {
        data_dir: config.data_dir.clone(),
        bin_dir: config.pg_bin_dir.clone(),
        pg_user: config.pg_user.clone(),
        durable: true,
        shared_buffers: config.pg_shared_buffers.clone(),
    }
}
