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

// The sessions' settings and names live with the SQL (`store::sessions`); they are part of
// this module's interface too.
pub use crate::store::sessions::{
    BACKGROUND_APPLICATION, REQUEST_APPLICATION, WRITER_APPLICATION, session_options,
};

pub fn cluster_options(config: &Config) -> ClusterOptions {
    ClusterOptions {
        data_dir: config.data_dir.clone(),
        bin_dir: config.pg_bin_dir.clone(),
        pg_user: config.pg_user.clone(),
        durable: true,
        shared_buffers: config.pg_shared_buffers.clone(),
    }
}
