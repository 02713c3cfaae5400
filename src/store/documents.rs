//! Documents of the State, Activity Profile and Agent Profile resources.
//!
//! Writes to one document are serialised with a transaction-scoped advisory lock on its key,
//! so that a precondition (If-Match, If-None-Match) checked in the transaction still holds when
//! the write commits.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Which document resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    State = 1,
    ActivityProfile = 2,
    AgentProfile = 3,
}

/// The documents one request addresses: all but the document id.
#[derive(Debug, Clone)]
pub struct Scope {
    pub resource: Resource,
    pub activity_id: Option<String>,
    /// IFI key of the agent.
    pub agent: Option<String>,
    pub registration: Option<Uuid>,
}

fn sha(text: &str) -> Vec<u8> {
    Sha256::digest(text.as_bytes()).to_vec()
}

impl Scope {
    fn activity_sha(&self) -> Vec<u8> {
        sha(self.activity_id.as_deref().unwrap_or(""))
    }

    fn agent_sha(&self) -> Vec<u8> {
        sha(self.agent.as_deref().unwrap_or(""))
    }

    /// The primary key of one document of this scope.
    pub fn key(&self, document_id: &str) -> Vec<u8> {
        let mut hasher = Sha256::new();
        for part in [
            (self.resource as u8).to_string().as_str(),
            self.activity_id.as_deref().unwrap_or(""),
            self.agent.as_deref().unwrap_or(""),
            &self
                .registration
                .map(|r| r.hyphenated().to_string())
                .unwrap_or_default(),
            document_id,
        ] {
            // Length-prefixed, so that no two different keys hash the same input.
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        hasher.finalize().to_vec()
    }
}

/// A stored document.
#[derive(Debug, Clone)]
pub struct Document {
    pub content_type: String,
    pub content: Vec<u8>,
    pub sha1: String,
    pub updated: DateTime<Utc>,
}

pub async fn get(pool: &PgPool, key: &[u8]) -> sqlx::Result<Option<Document>> {
    sqlx::query_as!(
        Document,
        "select content_type, content, sha1, updated from documents where key_sha = $1",
        key
    )
    .fetch_optional(pool)
    .await
}

/// Ids of the scope's documents updated after `since` (without a registration, those of every
/// registration), and when the most recent of them was updated.
pub async fn list_ids(
    pool: &PgPool,
    scope: &Scope,
    since: Option<DateTime<Utc>>,
) -> sqlx::Result<(Vec<String>, Option<DateTime<Utc>>)> {
    let rows = sqlx::query!(
        r#"select document_id as "id!", max(updated) as "updated!" from documents
           where resource = $1 and activity_sha = $2 and agent_sha = $3
             and ($4::uuid is null or registration = $4)
             and updated > coalesce($5::timestamptz, '-infinity')
           group by document_id
           order by 1"#,
        scope.resource as i16,
        scope.activity_sha(),
        scope.agent_sha(),
        scope.registration,
        since
    )
    .fetch_all(pool)
    .await?;
    let latest = rows.iter().map(|r| r.updated).max();
    Ok((rows.into_iter().map(|r| r.id).collect(), latest))
}

/// Starts a write to one document: takes its lock and reads its current state.
pub async fn lock(conn: &mut PgConnection, key: &[u8]) -> sqlx::Result<Option<Document>> {
    let mut first = [0u8; 8];
    first.copy_from_slice(&key[..8]);
    sqlx::query!(
        "select pg_advisory_xact_lock($1)",
        i64::from_be_bytes(first)
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query_as!(
        Document,
        "select content_type, content, sha1, updated from documents where key_sha = $1",
        key
    )
    .fetch_optional(&mut *conn)
    .await
}

/// Stores a document (insert or replace).
pub async fn save(
    conn: &mut PgConnection,
    scope: &Scope,
    document_id: &str,
    content_type: &str,
    content: &[u8],
    updated: DateTime<Utc>,
) -> sqlx::Result<()> {
    let sha1 = hex::encode(sha1::Sha1::digest(content));
    sqlx::query!(
        r#"insert into documents (key_sha, resource, activity_sha, agent_sha, registration,
                                  document_id, activity_id, agent_ifi, content_type, content,
                                  sha1, updated)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           on conflict (key_sha) do update
           set content_type = excluded.content_type, content = excluded.content,
               sha1 = excluded.sha1, updated = excluded.updated"#,
        scope.key(document_id),
        scope.resource as i16,
        scope.activity_sha(),
        scope.agent_sha(),
        scope.registration,
        document_id,
        scope.activity_id,
        // Readable only (the key is the hash of the original); see `store::text`.
        scope
            .agent
            .as_deref()
            .map(|ifi| crate::store::text::storable(ifi).into_owned()),
        content_type,
        content,
        sha1,
        updated
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut PgConnection, key: &[u8]) -> sqlx::Result<()> {
    sqlx::query!("delete from documents where key_sha = $1", key)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Deletes every document of the scope (State Resource DELETE without stateId); without a
/// registration, those of every registration.
pub async fn delete_scope(pool: &PgPool, scope: &Scope) -> sqlx::Result<u64> {
    let result = sqlx::query!(
        r#"delete from documents
           where resource = $1 and activity_sha = $2 and agent_sha = $3
             and ($4::uuid is null or registration = $4)"#,
        scope.resource as i16,
        scope.activity_sha(),
        scope.agent_sha(),
        scope.registration
    )
    .execute(pool)
    .await?;
    Ok(result.rows_affected())
}
