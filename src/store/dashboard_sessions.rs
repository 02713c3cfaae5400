//! Sessions of the web dashboard (`service::dashboard_sessions` says what they are for).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

/// A live session and the active credential it belongs to.
pub struct SessionRow {
    pub csrf: String,
    pub last_seen_at: DateTime<Utc>,
    pub credential_id: Uuid,
    pub key: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub authority: Value,
}

pub async fn insert(
    pool: &PgPool,
    token_sha256: &[u8],
    credential_id: Uuid,
    csrf: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into dashboard_sessions (token_sha256, credential_id, csrf) values ($1, $2, $3)",
        token_sha256,
        credential_id,
        csrf
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The session, if its credential is still active and it was seen after `idle_since`.
pub async fn find(
    pool: &PgPool,
    token_sha256: &[u8],
    idle_since: DateTime<Utc>,
) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as!(
        SessionRow,
        r#"select s.csrf, s.last_seen_at, c.id as credential_id, c.key, c.name, c.scopes,
                  c.authority
           from dashboard_sessions s join credentials c on c.id = s.credential_id
           where s.token_sha256 = $1 and c.revoked_at is null and s.last_seen_at > $2"#,
        token_sha256,
        idle_since
    )
    .fetch_optional(pool)
    .await
}

pub async fn touch(pool: &PgPool, token_sha256: &[u8]) -> sqlx::Result<()> {
    sqlx::query!(
        "update dashboard_sessions set last_seen_at = now() where token_sha256 = $1",
        token_sha256
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn delete(pool: &PgPool, token_sha256: &[u8]) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from dashboard_sessions where token_sha256 = $1",
        token_sha256
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Deletes the sessions idle since before `idle_since`; returns how many.
pub async fn delete_idle(pool: &PgPool, idle_since: DateTime<Utc>) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "delete from dashboard_sessions where last_seen_at <= $1",
        idle_since
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
