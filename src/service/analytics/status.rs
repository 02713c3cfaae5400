//! How far the analytics lag behind the statements, and what the consistency check found.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use crate::error::ApiError;
use crate::store::analytics::{queue, verify};

/// The analytics backlog.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AnalyticsStatus {
    /// Statements stored but not yet applied to the metrics.
    pub queued: i64,
    /// When the oldest of them was stored (null when none waits).
    pub oldest_queued_stored: Option<DateTime<Utc>>,
    /// Seconds since then: the current freshness lag (0 when nothing waits).
    pub lag_seconds: f64,
    /// Statements the worker could not apply (see the server log for why).
    pub failed: i64,
    /// Learner-course pairs whose risk score waits for a refresh.
    pub stale_scores: i64,
    /// True when nothing waits: metrics and scores reflect every stored statement.
    pub up_to_date: bool,
    /// The consistency check: statements stored up to this instant were verified to have
    /// reached the metrics (null before its first round).
    pub verified_through: Option<DateTime<Utc>>,
    /// When the check last ran.
    pub verified_at: Option<DateTime<Utc>>,
    /// Statements the check found missing from the metrics and applied again, since the
    /// store was created (0 unless something went wrong: see the server log).
    pub repaired: i64,
}

/// The analytics' backlog and consistency now.
pub async fn status(pool: &PgPool) -> Result<AnalyticsStatus, ApiError> {
    let status = queue::status(pool).await?;
    let verified = verify::watermark(pool).await?;
    let lag_seconds = status.oldest_stored.map_or(0.0, |t| {
        ((Utc::now() - t).num_milliseconds() as f64 / 1000.0).max(0.0)
    });
    Ok(AnalyticsStatus {
        queued: status.queued,
        oldest_queued_stored: status.oldest_stored,
        lag_seconds,
        failed: status.failures,
        stale_scores: status.stale_scores,
        up_to_date: status.queued == 0 && status.stale_scores == 0,
        verified_through: verified.through_stored,
        verified_at: verified.at,
        repaired: verified.repaired,
    })
}
