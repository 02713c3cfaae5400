//! The workers that drain the analytics queue (`service::analytics::drain`).

use std::time::Duration;

use sqlx::PgPool;
use tracing::Instrument;

use super::backoff;
use crate::analytics::settings::AnalyticsSettings;
use crate::service::analytics::drain::{BATCH, Share, drain_once};

/// Idle polling interval.
const IDLE: Duration = Duration::from_millis(50);

/// Runs worker `index` of `count` until the task is aborted: drain its share of the queue,
/// wait when there is nothing to do.
pub fn spawn(
    pool: PgPool,
    settings: AnalyticsSettings,
    index: usize,
    count: usize,
) -> tokio::task::JoinHandle<()> {
    let share = Share::of(index, count);
    let task = async move {
        let mut failures = 0u32;
        loop {
            if pool.is_closed() {
                return;
            }
            match drain_once(&pool, &settings, BATCH, &share).await {
                Ok(n) => {
                    failures = 0;
                    if n == 0 {
                        tokio::time::sleep(IDLE).await;
                    } else if n < BATCH as usize && !settings.batch_delay.is_zero() {
                        // Micro-batching: each batch recomputes the totals of every learner
                        // it touches from their days, so a learner's statements applied in
                        // one batch rather than five cost one recomputation rather than five.
                        // A full batch means a backlog, which waits for nothing.
                        tokio::time::sleep(settings.batch_delay).await;
                    }
                }
                Err(e) => failures = backoff(failures, &e).await,
            }
        }
    };
    tokio::spawn(task.instrument(tracing::info_span!("analytics_worker", index)))
}
