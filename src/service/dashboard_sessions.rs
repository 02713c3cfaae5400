//! Sign-in sessions of the web dashboard. A session is a credential signed in through a form
//! (its key and secret, checked as the API checks them): it may see and do what the credential
//! may, no more. The browser holds a random token in an HttpOnly cookie; PostgreSQL holds its
//! SHA-256, so that every LRS process knows the session and a copy of the table signs nobody
//! in. A session ends when it is signed out, idle for too long, or its credential is revoked.

use std::time::Duration;

use chrono::Utc;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::auth::secret::random_token;
use crate::auth::{Authenticator, Principal, Scopes};
use crate::error::ApiError;
use crate::store::dashboard_sessions as store;

/// A signed-in session.
pub struct Session {
    pub principal: Principal,
    /// The token the session's forms carry (CSRF).
    pub csrf: String,
}

/// How long a session lives without a request.
#[derive(Debug, Clone, Copy)]
pub struct Idle(pub Duration);

/// The last-seen time is written at most this often: a page view is a read.
const TOUCH_EVERY: chrono::Duration = chrono::Duration::seconds(60);

fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Checks a key and secret; on success opens a session. Returns the browser's token.
pub async fn sign_in(
    pool: &PgPool,
    authenticator: &Authenticator,
    key: &str,
    secret: &str,
) -> Result<(String, Session), ApiError> {
    let principal = authenticator.authenticate(key, secret).await?;
    let token = random_token(43);
    let csrf = random_token(32);
    store::insert(pool, &digest(&token), principal.credential_id, &csrf).await?;
    Ok((
        token,
        Session {
            principal: (*principal).clone(),
            csrf,
        },
    ))
}

/// The session of a token, if it is live.
pub async fn find(pool: &PgPool, token: &str, idle: Idle) -> Result<Option<Session>, ApiError> {
    let digest = digest(token);
    let idle = chrono::Duration::from_std(idle.0).unwrap_or(chrono::Duration::MAX);
    let now = Utc::now();
    let Some(row) = store::find(pool, &digest, now - idle).await? else {
        return Ok(None);
    };
    if now - row.last_seen_at > TOUCH_EVERY {
        store::touch(pool, &digest).await?;
    }
    Ok(Some(Session {
        principal: Principal {
            credential_id: row.credential_id,
            key: row.key,
            name: row.name,
            scopes: Scopes::from_stored(&row.scopes),
            authority: row.authority,
        },
        csrf: row.csrf,
    }))
}

pub async fn sign_out(pool: &PgPool, token: &str) -> Result<(), ApiError> {
    store::delete(pool, &digest(token)).await?;
    Ok(())
}

/// Deletes sessions idle for longer than `idle` (they are refused anyway; this keeps the table
/// small).
pub async fn delete_idle(pool: &PgPool, idle: Idle) -> Result<u64, ApiError> {
    let idle = chrono::Duration::from_std(idle.0).unwrap_or(chrono::Duration::MAX);
    Ok(store::delete_idle(pool, Utc::now() - idle).await?)
}
