//! Credential management, as the admin API (`/admin/credentials`) offers it: the checks that
//! give a caller a clear 4xx, around `auth::credentials`, which issues and hashes them.

use sqlx::PgPool;

use crate::auth::Scopes;
use crate::auth::credentials::{self, CredentialSpec, Issued};
use crate::error::ApiError;
use crate::store;
pub use crate::store::credentials::CredentialInfo;

/// Every credential, revoked ones included (never a secret).
pub async fn list(pool: &PgPool) -> Result<Vec<CredentialInfo>, ApiError> {
    Ok(store::credentials::list(pool).await?)
}

/// Issues a credential; its secret is in the answer only.
pub async fn create(
    pool: &PgPool,
    name: String,
    scopes: Scopes,
    key: Option<String>,
    authority_homepage: &str,
) -> Result<Issued, ApiError> {
    if name.trim().is_empty() {
        return Err(ApiError::invalid("name", "must not be empty"));
    }
    if scopes.iter().next().is_none() {
        return Err(ApiError::invalid("scopes", "must grant at least one scope"));
    }
    if let Some(key) = &key {
        credentials::validate_key(key).map_err(|e| ApiError::invalid("key", e.to_string()))?;
        if store::credentials::find_any(pool, key).await?.is_some() {
            return Err(ApiError::Conflict(format!(
                "a credential with key '{key}' exists"
            )));
        }
    }
    let spec = CredentialSpec {
        name,
        scopes,
        key,
        secret: None,
    };
    credentials::create(pool, spec, authority_homepage)
        .await
        .map_err(ApiError::internal)
}

/// Revokes a credential. The start-up credential (`bootstrap_key`, `LRS_ADMIN_KEY`) is
/// refused: the server recreates it at every start.
pub async fn revoke(pool: &PgPool, key: &str, bootstrap_key: Option<&str>) -> Result<(), ApiError> {
    if bootstrap_key == Some(key) {
        return Err(ApiError::Conflict(format!(
            "'{key}' is the start-up credential (LRS_ADMIN_KEY): the server makes sure it exists \
             at every start, and revoking it would lock out every admin using it until then. \
             Unset LRS_ADMIN_KEY and LRS_ADMIN_SECRET and restart, then revoke it, or revoke \
             it with `lrs credentials revoke`"
        )));
    }
    if !store::credentials::revoke(pool, key).await? {
        return Err(ApiError::NotFound(format!(
            "no active credential with key '{key}'"
        )));
    }
    Ok(())
}
