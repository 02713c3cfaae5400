//! Scheduled retraining (`service::analytics::retrain`).

use std::time::Duration;

use sqlx::PgPool;
use tracing::Instrument;

use crate::service::analytics::retrain::{RetrainPolicy, retrain_if_due};

/// Checks every ten minutes whether a retraining is due.
pub fn spawn(pool: PgPool, policy: RetrainPolicy) -> tokio::task::JoinHandle<()> {
    let task = async move {
        loop {
            tokio::time::sleep(Duration::from_secs(600)).await;
            if pool.is_closed() {
                return;
            }
            if let Err(e) = retrain_if_due(&pool, &policy).await {
                tracing::warn!(error = %e, "scheduled retraining failed");
            }
        }
    };
    tokio::spawn(task.instrument(tracing::info_span!("retrain_scheduler")))
}
