//! The scorer: keeps risk scores up to date with the metrics (`service::analytics::scoring`).

use std::time::Duration;

use sqlx::PgPool;
use tracing::Instrument;

use super::backoff;
use crate::service::analytics::scoring;

/// Refreshes stale risk scores until the task is aborted. It runs beside the workers rather
/// than between their batches, so that rescoring a large course never delays the metrics.
pub fn spawn(pool: PgPool) -> tokio::task::JoinHandle<()> {
    let task = async move {
        let mut failures = 0u32;
        let mut scorer = scoring::Scorer::default();
        loop {
            if pool.is_closed() {
                return;
            }
            match scorer.round(&pool).await {
                Ok(_) => {
                    failures = 0;
                    // Scores follow the metrics within a fraction of a second; rescoring more
                    // often than this under sustained ingest would only take CPU from it.
                    tokio::time::sleep(SCORING_INTERVAL).await;
                }
                Err(e) => failures = backoff(failures, &e).await,
            }
        }
    };
    tokio::spawn(task.instrument(tracing::info_span!("risk_scorer")))
}

/// Pause between scoring rounds.
const SCORING_INTERVAL: Duration = Duration::from_millis(250);
