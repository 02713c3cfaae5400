//! Draining the analytics queue: statements become events, days and totals.
//!
//! Every LRS process runs workers that call this (`jobs::analytics`); `FOR UPDATE SKIP LOCKED`
//! lets them share the queue. A batch is
//! one transaction: if it fails, its statements go back to the queue and are retried one by
//! one, and a statement that fails alone is recorded in `analytics_failures` and dropped from
//! the queue, so that it cannot stall the others.

use std::time::Duration;

use sqlx::PgPool;

use super::apply::{Applied, apply};
use crate::analytics::settings::AnalyticsSettings;
use crate::store::analytics::queue;
use crate::store::erasure;
use crate::store::statements::PARTITIONS;

/// Statements per batch: large enough to amortise the round trips, small enough to keep
/// freshness under a second.
pub const BATCH: i64 = 1000;

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
