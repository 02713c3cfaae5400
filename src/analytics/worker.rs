//! The background worker that drains the analytics queue.
//!
//! Every LRS process runs one; `FOR UPDATE SKIP LOCKED` lets them share the queue. A batch is
//! one transaction: if it fails, its statements go back to the queue and are retried one by
//! one, and a statement that fails alone is recorded in `analytics_failures` and dropped from
//! the queue, so that it cannot stall the others.

use std::time::Duration;

use sqlx::PgPool;
use tracing::Instrument;

use super::apply::{Applied, apply};
use super::scoring;
use super::settings::AnalyticsSettings;
use crate::store::analytics::queue;
use crate::store::erasure;
use crate::store::statements::PARTITIONS;

/// Statements per batch: large enough to amortise the round trips, small enough to keep
/// freshness under a second.
pub const BATCH: i64 = 1000;
/// Idle polling interval.
const IDLE: Duration = Duration::from_millis(50);

/// The share of the queue one worker applies.
#[derive(Debug, Clone)]
pub struct Share {
    /// None: every partition (one worker alone, e.g. a rebuild).
    pub parts: Option<Vec<i16>>,
}

impl Share {
    pub const ALL: Share = Share { parts: None };

    /// Worker `index` of `count` takes every `count`-th partition.
    pub fn of(index: usize, count: usize) -> Share {
        let count = count.max(1);
        Share {
            parts: Some(
                (0..PARTITIONS)
                    .filter(|p| usize::try_from(*p).is_ok_and(|p| p % count == index % count))
                    .collect(),
            ),
        }
    }
}

fn is_transient(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if matches!(e.code().as_deref(), Some("40P01" | "40001")))
}

/// Applies one batch; returns how many statements it took off the queue.
pub async fn drain_once(
    pool: &PgPool,
    settings: &AnalyticsSettings,
    limit: i64,
    share: &Share,
) -> anyhow::Result<usize> {
    let mut tx = pool.begin().await?;
    erasure::wait_for_erasures(&mut tx).await?;
    let seqs = queue::claim(&mut tx, limit, share.parts.as_deref()).await?;
    if seqs.is_empty() {
        tx.commit().await?;
        return Ok(0);
    }
    match apply(&mut tx, &seqs, settings).await {
        Ok(applied) => {
            tx.commit().await?;
            log_applied(&applied);
            Ok(seqs.len())
        }
        // Two workers met on shared rows (a course day) in opposite orders and PostgreSQL
        // aborted this batch; its statements are back in the queue for the next round.
        Err(error) if is_transient(&error) => {
            tx.rollback().await?;
            tracing::debug!(error = %error, "analytics batch aborted by a deadlock; retrying");
            Ok(0)
        }
        Err(error) => {
            tx.rollback().await?;
            tracing::warn!(error = %error, statements = seqs.len(), "analytics batch failed; isolating");
            isolate(pool, settings, &seqs).await?;
            Ok(seqs.len())
        }
    }
}

/// Retries statements one by one; records the ones that fail alone.
async fn isolate(pool: &PgPool, settings: &AnalyticsSettings, seqs: &[i64]) -> anyhow::Result<()> {
    for seq in seqs {
        let mut tx = pool.begin().await?;
        erasure::wait_for_erasures(&mut tx).await?;
        if !queue::claim_one(&mut tx, *seq).await? {
            tx.commit().await?;
            continue;
        }
        match apply(&mut tx, &[*seq], settings).await {
            Ok(_) => tx.commit().await?,
            // Back to the queue; a deadlock says nothing about the statement.
            Err(error) if is_transient(&error) => tx.rollback().await?,
            Err(error) => {
                tx.rollback().await?;
                tracing::error!(seq, error = %error, "statement could not be applied to the analytics");
                let mut tx = pool.begin().await?;
                if queue::claim_one(&mut tx, *seq).await? {
                    queue::record_failure(&mut tx, *seq, &error.to_string()).await?;
                }
                tx.commit().await?;
            }
        }
    }
    Ok(())
}

fn log_applied(applied: &Applied) {
    tracing::debug!(
        statements = applied.statements,
        added = applied.events_added,
        removed = applied.events_removed,
        pairs = applied.pairs,
        "analytics batch applied"
    );
}

/// Applies everything queued, batch after batch, until the queue is empty (also waiting for
/// batches other workers hold).
pub async fn drain(pool: &PgPool, settings: &AnalyticsSettings) -> anyhow::Result<usize> {
    let mut total = 0;
    loop {
        let n = drain_once(pool, settings, BATCH, &Share::ALL).await?;
        if n == 0 {
            if queue::backlog(pool).await? == 0 {
                return Ok(total);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        total += n;
    }
}

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

/// Refreshes stale risk scores until the task is aborted. It runs beside the workers rather
/// than between their batches, so that rescoring a large course never delays the metrics.
pub fn spawn_scorer(pool: PgPool) -> tokio::task::JoinHandle<()> {
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

/// Vacuums the analytics queue every [`QUEUE_VACUUM_INTERVAL`] until the task is aborted.
///
/// Every statement passes through the queue: inserted with it, deleted when a worker applies
/// it. The deleted rows stay in the queue's key until a vacuum removes them, and each claim
/// walks the key from its oldest end, through all of them, to the first live row. Autovacuum
/// visits a database at most once a minute, and not at all while its few workers are busy
/// with large tables: in one minute of POST 1 @ 32 the queue gathered 160,000 dead rows and no
/// autovacuum came, and a claim read 705 pages to find its first live rows, more with every
/// second (docs/BENCHMARKS.md, "The analytics queue vacuumed by the LRS").
pub fn spawn_queue_vacuum(pool: PgPool) -> tokio::task::JoinHandle<()> {
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

async fn backoff(failures: u32, error: &anyhow::Error) -> u32 {
    let failures = failures.saturating_add(1);
    let backoff = Duration::from_millis(100 * u64::from(failures.min(50)));
    tracing::warn!(error = %error, ?backoff, "analytics background error");
    tokio::time::sleep(backoff).await;
    failures
}
