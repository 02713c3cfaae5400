//! Deleting the dashboard's idle sessions. They are refused anyway once idle
//! (`service::dashboard_sessions::find`); this keeps the table to the live ones.

use std::time::Duration;

use sqlx::PgPool;
use tracing::Instrument;

use crate::service::dashboard_sessions::{self, Idle};

/// Pause between deletions.
const INTERVAL: Duration = Duration::from_secs(600);

pub fn spawn(pool: PgPool, idle: Idle) -> tokio::task::JoinHandle<()> {
    let task = async move {
        loop {
            tokio::time::sleep(INTERVAL).await;
            if pool.is_closed() {
                return;
            }
            match dashboard_sessions::delete_idle(&pool, idle).await {
                Ok(0) => {}
                Ok(deleted) => tracing::debug!(deleted, "idle dashboard sessions deleted"),
                Err(e) => tracing::warn!(error = %e, "deleting idle dashboard sessions failed"),
            }
        }
    };
    tokio::spawn(task.instrument(tracing::info_span!("dashboard_sessions")))
}
