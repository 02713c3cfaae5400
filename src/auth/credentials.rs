//! Issuing, bootstrapping and revoking credentials (shared by the CLI and the admin API).

use anyhow::{Context, bail};
use serde_json::{Value, json};
use sqlx::PgPool;

use super::scope::{Scope, Scopes};
use super::secret;
use crate::store::credentials::{self as rows, CredentialInfo, NewCredential};

/// A newly created credential; the secret is shown once and never stored.
pub struct Issued {
    pub secret: String,
    pub info: CredentialInfo,
}

/// What a credential is created with.
pub struct CredentialSpec {
    pub name: String,
    pub scopes: Scopes,
    /// Chosen by the caller, or generated.
    pub key: Option<String>,
    pub secret: Option<String>,
}

/// Checks a key can travel in HTTP Basic auth (no colon, printable ASCII).
pub fn validate_key(key: &str) -> anyhow::Result<()> {
    if key.is_empty() || key.len() > 128 {
        bail!("a credential key must be 1 to 128 characters long");
    }
    if !key.chars().all(|c| c.is_ascii_graphic() && c != ':') {
        bail!("a credential key may only hold printable ASCII characters other than ':'");
    }
    Ok(())
}

/// The Agent statements written with a credential are attributed to (Data 2.4.9).
pub fn authority_for(name: &str, key: &str, homepage: &str) -> Value {
    json!({
        "objectType": "Agent",
        "name": name,
        "account": { "homePage": homepage, "name": key },
    })
}

async fn hash_blocking(secret: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || secret::hash(&secret))
        .await
        .context("hashing task")?
}

pub async fn create(pool: &PgPool, spec: CredentialSpec, homepage: &str) -> anyhow::Result<Issued> {
    let key = spec.key.unwrap_or_else(|| secret::random_token(20));
    validate_key(&key)?;
    let secret = spec.secret.unwrap_or_else(|| secret::random_token(40));
    if secret.is_empty() {
        bail!("a credential secret must not be empty");
    }
    if spec.scopes.iter().next().is_none() {
        bail!("a credential needs at least one scope");
    }
    if rows::find_any(pool, &key).await?.is_some() {
        bail!("a credential with key '{key}' already exists");
    }
    let secret_hash = hash_blocking(secret.clone()).await?;
    let scopes = spec.scopes.to_strings();
    let authority = authority_for(&spec.name, &key, homepage);
    let info = rows::insert(
        pool,
        &NewCredential {
            key: &key,
            secret_hash: &secret_hash,
            name: &spec.name,
            scopes: &scopes,
            authority: &authority,
        },
    )
    .await
    .context("storing the credential")?;
    Ok(Issued { secret, info })
}

/// Makes sure a credential with exactly this key and secret and the scopes `all` + `admin`
/// exists (`LRS_ADMIN_KEY` / `LRS_ADMIN_SECRET`). Idempotent: when it already matches, nothing
/// is written.
pub async fn ensure_bootstrap(
    pool: &PgPool,
    key: &str,
    secret: &str,
    homepage: &str,
) -> anyhow::Result<()> {
    validate_key(key).context("LRS_ADMIN_KEY")?;
    if secret.is_empty() {
        bail!("LRS_ADMIN_SECRET must not be empty");
    }
    let wanted = Scopes::new(vec![Scope::All, Scope::Admin]);
    if let Some(row) = rows::find_active(pool, key).await? {
        let stored = row.secret_hash.clone();
        let presented = secret.to_owned();
        let matches =
            tokio::task::spawn_blocking(move || secret::verify(&presented, Some(&stored)))
                .await
                .context("verifying task")?;
        if matches && Scopes::from_stored(&row.scopes) == wanted {
            return Ok(());
        }
    }
    let secret_hash = hash_blocking(secret.to_owned()).await?;
    let name = "bootstrap administrator";
    rows::upsert(
        pool,
        &NewCredential {
            key,
            secret_hash: &secret_hash,
            name,
            scopes: &wanted.to_strings(),
            authority: &authority_for(name, key, homepage),
        },
    )
    .await
    .context("storing the bootstrap credential")?;
    tracing::info!(key, "bootstrap credential ensured");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_with_colons_or_spaces_are_refused() {
        assert!(validate_key("good-key_1").is_ok());
        assert!(validate_key("bad:key").is_err());
        assert!(validate_key("bad key").is_err());
        assert!(validate_key("").is_err());
    }

    #[test]
    fn the_authority_is_an_account_agent_named_after_the_key() {
        let agent = authority_for("LMS", "k1", "http://lrs.localhost");
        assert_eq!(agent["account"]["name"], "k1");
        assert_eq!(agent["account"]["homePage"], "http://lrs.localhost");
        assert_eq!(agent["objectType"], "Agent");
    }
}
