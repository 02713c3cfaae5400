//! Admission control for statement writes.

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
