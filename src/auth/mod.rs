//! Credentials, scopes and authentication (xAPI 1.0.3 Communication 4).

mod cache;
pub mod credentials;
mod principal;
pub mod scope;
pub mod secret;

use std::sync::Arc;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tracing::Instrument;

pub use self::cache::VerificationCache;
pub use self::principal::{MissingScope, Principal};
pub use self::scope::{Access, Scope, Scopes};
use crate::store;

/// Why authentication failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("unknown key or wrong secret")]
    Invalid,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Checks Basic-auth key/secret pairs against the credentials table.
#[derive(Clone)]
pub struct Authenticator {
    pool: PgPool,
    cache: VerificationCache,
    /// One argon2 verification per CPU at a time. Each takes 19 MiB and tens of milliseconds:
    /// when the cache expires under load, dozens of requests with the same credential would
    /// otherwise verify at once, spiking memory and starving the request threads. Waiting
    /// requests find the cache filled by the first one.
    verifying: Arc<tokio::sync::Semaphore>,
}

impl Authenticator {
    /// `verifications`: how many argon2 verifications may run at once (one per CPU: more
    /// only queue on the cores and delay every request).
    pub fn new(pool: PgPool, verifications: usize) -> Authenticator {
        secret::warm_up();
        Authenticator {
            pool,
            // Trusted once the revocation listener is up (`spawn_revocation_listener`).
            cache: VerificationCache::untrusted(),
            verifying: Arc::new(tokio::sync::Semaphore::new(verifications.max(1))),
        }
    }

    /// Authenticates a key and secret. A verification hit in the cache skips argon2.
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(&self, key: &str, secret: &str) -> Result<Arc<Principal>, AuthError> {
        let fingerprint = VerificationCache::fingerprint(key, secret);
        if let Some(principal) = self.cache.get(&fingerprint) {
            return Ok(principal);
        }
        let _turn = self
            .verifying
            .acquire()
            .await
            .map_err(|e| anyhow::Error::new(e).context("waiting to verify a secret"))?;
        if let Some(principal) = self.cache.get(&fingerprint) {
            return Ok(principal);
        }
        // Read before the row: a revocation committed after this point clears the cache, and
        // this verification's result is then not cached (see `cache`).
        let generation = self.cache.generation();
        let row = store::credentials::find_active(&self.pool, key)
            .await
            .map_err(|e| anyhow::Error::new(e).context("looking up a credential"))?;
        let stored_hash = row.as_ref().map(|r| r.secret_hash.clone());
        let presented = secret.to_owned();
        // argon2 is CPU-bound: run it on the blocking pool, inside this request's span.
        let span = tracing::Span::current();
        let verified = tokio::task::spawn_blocking(move || {
            span.in_scope(|| secret::verify(&presented, stored_hash.as_deref()))
        })
        .await
        .map_err(|e| anyhow::Error::new(e).context("verifying a secret"))?;
        match (verified, row) {
            (true, Some(row)) => {
                let principal = Arc::new(Principal {
                    credential_id: row.id,
                    key: row.key,
                    name: row.name,
                    scopes: Scopes::from_stored(&row.scopes),
                    authority: row.authority,
                });
                self.cache
                    .insert_if_current(generation, fingerprint, principal.clone());
                Ok(principal)
            }
            _ => Err(AuthError::Invalid),
        }
    }

    /// Forgets cached verifications (after a revocation in this process).
    pub fn forget_verifications(&self) {
        self.cache.clear();
    }

    /// Listens for credential changes announced by any LRS process sharing the database and
    /// drops the cache when one arrives. The cache is trusted only while the listening
    /// connection is up: from its loss until it listens again, notices may be missed, so every
    /// request is verified against the database meanwhile.
    pub fn spawn_revocation_listener(&self, pool: PgPool) -> tokio::task::JoinHandle<()> {
        let cache = self.cache.clone();
        let task = async move {
            loop {
                if pool.is_closed() {
                    return;
                }
                match listen(&pool, &cache).await {
                    Ok(()) => return,
                    Err(e) => {
                        cache.set_listening(false);
                        tracing::warn!(error = %e, "credential listener failed; retrying in 1 s");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        };
        tokio::spawn(task.instrument(tracing::info_span!("credential_listener")))
    }
}

/// Listens until the pool closes (Ok) or the connection fails (Err). sqlx's listener would
/// reconnect by itself and tell of the loss only afterwards, while the cache went on being
/// trusted with nothing listening: here a loss is reported at once (`eager_reconnect` off),
/// and the cache is trusted again only once a new connection listens.
async fn listen(pool: &PgPool, cache: &VerificationCache) -> anyhow::Result<()> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.eager_reconnect(false);
    listener.listen(store::credentials::CHANGED_CHANNEL).await?;
    cache.set_listening(true);
    loop {
        match listener.try_recv().await {
            Ok(Some(_)) => cache.clear(),
            Ok(None) => {
                cache.set_listening(false);
                anyhow::bail!("the listening connection was lost");
            }
            Err(_) if pool.is_closed() => return Ok(()),
            Err(e) => {
                cache.set_listening(false);
                return Err(e.into());
            }
        }
    }
}
