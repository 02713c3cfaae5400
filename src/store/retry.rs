//! Retrying a transaction that PostgreSQL aborted to resolve a conflict.

use std::future::Future;

/// Attempts of [`transient`] before the error is returned.
const ATTEMPTS: u32 = 5;

/// Whether PostgreSQL aborted the transaction to resolve a conflict with another (a deadlock,
/// 40P01, or a serialization failure, 40001): the same transaction, run again, succeeds.
pub fn is_transient(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if matches!(e.code().as_deref(), Some("40P01" | "40001")))
}

/// Runs `attempt` (a whole transaction) again while it fails with a transient conflict, a few
/// times. Uploads that touch many learners of a course (a roster, the settings) can meet the
/// analytics workers on the same rows in another order.
pub async fn transient<T, F, Fut>(mut attempt: F) -> sqlx::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = sqlx::Result<T>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt().await {
            Err(e) if tries < ATTEMPTS && is_transient(&e) => {
                tracing::debug!(tries, "transaction aborted by a conflict; retrying");
            }
            other => return other,
        }
    }
}
