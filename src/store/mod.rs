//! Storage: every SQL statement of the LRS lives under this module.

pub mod activities;
pub mod agents;
pub mod analytics;
pub mod credentials;
pub mod dashboard_sessions;
pub mod documents;
pub mod erasure;
pub mod retry;
pub mod sessions;
pub mod statements;
pub mod text;
mod warm_up;

pub use warm_up::warm_up;

use sqlx::PgPool;

/// The schema migrations, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Applies pending migrations; a no-op when the schema is current. Safe to run from several
/// LRS processes at once (sqlx serialises them with an advisory lock).
/// A round trip to the database (the health probes).
pub async fn ping(pool: &PgPool) -> sqlx::Result<i32> {
    sqlx::query_scalar!("select 1 as \"one!\"")
        .fetch_one(pool)
        .await
}

pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR
        .run(pool)
        .await
        .map_err(|e| anyhow::anyhow!("applying database migrations: {e}"))
}
