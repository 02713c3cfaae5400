//! The periodic consistency check between statements and analytics
//! (`service::analytics::verify`).

use sqlx::PgPool;
use tracing::Instrument;

use crate::analytics::settings::AnalyticsSettings;
use crate::service::analytics::verify::{INTERVAL, round};

/// Runs [`round`] every [`INTERVAL`] until the task is aborted.
pub fn spawn(pool: PgPool, settings: AnalyticsSettings) -> tokio::task::JoinHandle<()> {
    let task = async move {
        loop {
            tokio::time::sleep(INTERVAL).await;
            if pool.is_closed() {
                return;
            }
            if let Err(e) = round(&pool, &settings).await {
                tracing::warn!(
                    error = format!("{e:#}"),
                    "analytics consistency check failed"
                );
            }
        }
    };
    tokio::spawn(task.instrument(tracing::info_span!("analytics_verify")))
}
