//! The analytics queue's own vacuum.

use std::time::Duration;

use sqlx::PgPool;
use tracing::Instrument;

use super::backoff;
use crate::store::analytics::queue;

/// Vacuums the analytics queue every [`QUEUE_VACUUM_INTERVAL`] until the task is aborted.
///
/// Every statement passes through the queue: inserted with it, deleted when a worker applies
/// it. The deleted rows stay in the queue's key until a vacuum removes them, and each claim
/// walks the key from its oldest end, through all of them, to the first live row. Autovacuum
/// visits a database at most once a minute, and not at all while its few workers are busy
/// with large tables: in one minute of POST 1 @ 32 the queue gathered 160,000 dead rows and no
/// autovacuum came, and a claim read 705 pages to find its first live rows, more with every
/// second (docs/BENCHMARKS.md, "The analytics queue vacuumed by the LRS").
pub fn spawn(pool: PgPool) -> tokio::task::JoinHandle<()> {
    let task = async move {
        match queue::may_vacuum(&pool).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!(
                    "the database role does not own analytics_queue; leaving its vacuum to autovacuum"
                );
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot tell whether the analytics queue may be vacuumed; trying")
            }
        }
        let mut failures = 0u32;
        loop {
            tokio::time::sleep(QUEUE_VACUUM_INTERVAL).await;
            if pool.is_closed() {
                return;
            }
            match queue::vacuum(&pool).await {
                Ok(()) => failures = 0,
                Err(e) => failures = backoff(failures, &e.into()).await,
            }
        }
    };
    tokio::spawn(task.instrument(tracing::info_span!("queue_vacuum")))
}

/// Pause between vacuums of the analytics queue: at the rates of docs/BENCHMARKS.md, tens of
/// thousands of dead rows, a few milliseconds of vacuum.
const QUEUE_VACUUM_INTERVAL: Duration = Duration::from_secs(10);
