//! Credential rows.

use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

/// Channel on which revocations and secret changes are announced to every LRS process.
pub const CHANGED_CHANNEL: &str = "lrs_credentials_changed";

/// A credential as the authenticator needs it.
#[derive(Debug, Clone)]
pub struct CredentialRow {
    pub id: Uuid,
    pub key: String,
    pub secret_hash: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub authority: Value,
}

/// A credential as listed to administrators (no hash).
#[derive(Debug, Clone, serde::Serialize)]
pub struct CredentialInfo {
    pub id: Uuid,
    pub key: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub authority: Value,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub struct NewCredential<'a> {
    pub key: &'a str,
    pub secret_hash: &'a str,
    pub name: &'a str,
    pub scopes: &'a [String],
    pub authority: &'a Value,
}

/// The active (not revoked) credential with this key.
pub async fn find_active(pool: &PgPool, key: &str) -> sqlx::Result<Option<CredentialRow>> {
    sqlx::query_as!(
        CredentialRow,
        r#"select id, key, secret_hash, name, scopes, authority
           from credentials where key = $1 and revoked_at is null"#,
        key
    )
    .fetch_optional(pool)
    .await
}

/// Any credential with this key, revoked or not.
pub async fn find_any(pool: &PgPool, key: &str) -> sqlx::Result<Option<CredentialInfo>> {
    sqlx::query_as!(
        CredentialInfo,
        r#"select id, key, name, scopes, authority, created_at, revoked_at
           from credentials where key = $1"#,
        key
    )
    .fetch_optional(pool)
    .await
}

pub async fn insert(pool: &PgPool, new: &NewCredential<'_>) -> sqlx::Result<CredentialInfo> {
    sqlx::query_as!(
        CredentialInfo,
        r#"insert into credentials (id, key, secret_hash, name, scopes, authority)
           values ($1, $2, $3, $4, $5, $6)
           returning id, key, name, scopes, authority, created_at, revoked_at"#,
        Uuid::new_v4(),
        new.key,
        new.secret_hash,
        new.name,
        new.scopes,
        new.authority
    )
    .fetch_one(pool)
    .await
}

/// Creates the credential, or resets an existing one with this key to the given secret and
/// scopes (un-revoking it), announcing the change to other processes.
pub async fn upsert(pool: &PgPool, new: &NewCredential<'_>) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        r#"insert into credentials (id, key, secret_hash, name, scopes, authority)
           values ($1, $2, $3, $4, $5, $6)
           on conflict (key) do update
           set secret_hash = excluded.secret_hash, scopes = excluded.scopes, revoked_at = null"#,
        Uuid::new_v4(),
        new.key,
        new.secret_hash,
        new.name,
        new.scopes,
        new.authority
    )
    .execute(&mut *tx)
    .await?;
    notify_changed(&mut tx, new.key).await?;
    tx.commit().await
}

pub async fn list(pool: &PgPool) -> sqlx::Result<Vec<CredentialInfo>> {
    sqlx::query_as!(
        CredentialInfo,
        r#"select id, key, name, scopes, authority, created_at, revoked_at
           from credentials order by created_at, key"#
    )
    .fetch_all(pool)
    .await
}

/// Revokes the credential; false when no active credential has this key.
pub async fn revoke(pool: &PgPool, key: &str) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let revoked = sqlx::query!(
        "update credentials set revoked_at = now() where key = $1 and revoked_at is null",
        key
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if revoked {
        notify_changed(&mut tx, key).await?;
    }
    tx.commit().await?;
    Ok(revoked)
}

/// NOTIFY is delivered at commit, so listeners never see a change that rolled back.
async fn notify_changed(conn: &mut sqlx::PgConnection, key: &str) -> sqlx::Result<()> {
    sqlx::query!("select pg_notify($1, $2)", CHANGED_CHANNEL, key)
        .execute(conn)
        .await?;
    Ok(())
}
