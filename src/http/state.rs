//! State shared by every handler.

use sqlx::PgPool;

use super::clock::StoredClock;
use crate::auth::Authenticator;

pub struct AppState {
    pub pool: PgPool,
    /// Statement inserts go through this pool (`store::statements::writer_pool`).
    pub statement_pool: PgPool,
    pub authenticator: Authenticator,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Base time a request body may take to arrive (`http::body_deadline`).
    pub body_timeout: std::time::Duration,
    /// Largest document of the document resources, in bytes.
    pub max_document_bytes: usize,
    /// `account.homePage` of the authority Agent of credentials created over HTTP.
    pub authority_homepage: String,
    /// The `stored` clock of this process.
    pub clock: StoredClock,
    pub version_memory: VersionMemory,
    pub write_gate: WriteGate,
    /// Small statement submissions share transactions through this queue.
    pub group_commit: crate::store::statements::GroupCommit,
    /// The analytics rules, for requests that change derived rows (an erasure).
    pub analytics: crate::analytics::settings::AnalyticsSettings,
    /// `LRS_ADMIN_KEY`: the credential this process ensured at start-up, which may not be
    /// revoked over HTTP (an admin using it would lock every admin out until a restart).
    pub bootstrap_key: Option<String>,
}

/// Admission control for statement writes: a budget of statements in flight
/// (`LRS_MAX_STATEMENTS_IN_FLIGHT`). Beyond a few concurrent large batches a small machine only
/// interleaves them: each transaction holds its locks longer, throughput falls and latency
/// climbs. Single statements are cheap in the budget, so they still share commits.
pub struct WriteGate {
    permits: tokio::sync::Semaphore,
    budget: usize,
}

impl WriteGate {
    pub fn new(budget: usize) -> WriteGate {
        let budget = budget.clamp(1, tokio::sync::Semaphore::MAX_PERMITS);
        WriteGate {
            permits: tokio::sync::Semaphore::new(budget),
            budget,
        }
    }

    /// Waits until `statements` (at most the whole budget) may be written. (None only if
    /// the semaphore were closed, which it never is.)
    pub async fn enter(&self, statements: usize) -> Option<tokio::sync::SemaphorePermit<'_>> {
        let wanted = u32::try_from(statements.clamp(1, self.budget)).unwrap_or(u32::MAX);
        self.permits.acquire_many(wanted).await.ok()
    }
}

/// The versions credentials last used, so that an error about a missing version header can
/// answer in the version family the client speaks (a client that forgot the header once still
/// reads the response with its own version's rules). Only successful requests are remembered.
pub type VersionMemory = moka::sync::Cache<String, crate::xapi::XapiVersion>;

pub fn version_memory() -> VersionMemory {
    moka::sync::Cache::builder()
        .max_capacity(10_000)
        .time_to_idle(std::time::Duration::from_secs(3600))
        .build()
}

#[cfg(test)]
mod tests {
    use super::WriteGate;
    use std::time::Duration;

    #[tokio::test]
    async fn large_batches_wait_for_the_budget_and_single_statements_fit_beside_them() {
        let gate = WriteGate::new(200);
        let first = gate.enter(100).await;
        let _second = gate.enter(100).await;

        let third = tokio::time::timeout(Duration::from_millis(50), gate.enter(100)).await;
        assert!(third.is_err(), "a third batch of 100 must wait");
        drop(first);
        let third = tokio::time::timeout(Duration::from_millis(50), gate.enter(100)).await;
        assert!(third.is_ok(), "a released budget admits the next batch");

        // A batch larger than the whole budget takes all of it rather than waiting forever.
        let big = WriteGate::new(10);
        let all = tokio::time::timeout(Duration::from_millis(50), big.enter(5000)).await;
        assert!(all.is_ok_and(|p| p.is_some()));
    }
}
