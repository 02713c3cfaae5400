//! `lrs analytics rebuild`: recompute every analytics table from the statements.
//!
//! Everything derived is cleared and every statement goes back through the queue and the same
//! worker code as live ingest; what a person set is kept: course titles and dates, rosters,
//! uploaded outcomes, models. The property test in `tests/api/analytics/` checks that the result equals
//! what incremental application produced.

use sqlx::PgPool;

use super::drain;
use crate::analytics::settings::AnalyticsSettings;

/// Rebuilds everything; returns the number of statements applied.
pub async fn rebuild(pool: &PgPool, settings: &AnalyticsSettings) -> anyhow::Result<usize> {
    crate::store::analytics::rebuild::reset(pool).await?;
    drain::drain(pool, settings).await
}
