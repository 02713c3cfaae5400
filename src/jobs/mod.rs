//! The background work of an LRS process, each job started from here with its settings, each
//! running until its task is aborted (`startup::Application::run_until_stopped`).
//!
//! Jobs are loops around services (`crate::service`): what a job does is in the service, so
//! that a command (`lrs analytics verify`), a test or another job can do it once.

mod analytics;
mod dashboard_sessions;
mod queue_vacuum;
mod retrain;
mod scorer;
mod verify;

use std::time::Duration;

use sqlx::PgPool;

use crate::config::Config;

/// Starts the analytics jobs this process runs (`LRS_ANALYTICS_WORKER`): the queue's workers,
/// the scorer, the queue's vacuum, the consistency check and, when configured, scheduled
/// retraining. They share `pool`, which is the background work's own.
pub fn start_analytics(pool: &PgPool, config: &Config) -> Vec<tokio::task::JoinHandle<()>> {
    if !config.analytics_worker {
        return Vec::new();
    }
    let mut jobs: Vec<_> = (0..config.analytics_workers)
        .map(|index| {
            analytics::spawn(
                pool.clone(),
                config.analytics(),
                index,
                config.analytics_workers,
            )
        })
        .collect();
    jobs.push(scorer::spawn(pool.clone()));
    jobs.push(queue_vacuum::spawn(pool.clone()));
    jobs.push(verify::spawn(pool.clone(), config.analytics()));
    if let Some(policy) = config.retrain_policy() {
        jobs.push(retrain::spawn(pool.clone(), policy));
    }
    jobs
}

/// Starts the jobs every LRS process runs whatever its analytics settings: the deletion of
/// idle dashboard sessions (any process may do it; doing it twice is harmless).
pub fn start_always(pool: &PgPool, config: &Config) -> Vec<tokio::task::JoinHandle<()>> {
    vec![dashboard_sessions::spawn(
        pool.clone(),
        config.dashboard_idle(),
    )]
}

/// Waits longer after each consecutive failure (up to 5 s) and returns the new count.
pub(crate) async fn backoff(failures: u32, error: &anyhow::Error) -> u32 {
    let failures = failures.saturating_add(1);
    let backoff = Duration::from_millis(100 * u64::from(failures.min(50)));
    tracing::warn!(error = %error, ?backoff, "analytics background error");
    tokio::time::sleep(backoff).await;
    failures
}
