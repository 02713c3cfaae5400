//! A short-lived cache of successful credential verifications.
//!
//! Verifying argon2id costs tens of milliseconds of CPU; doing it on every request would cap a
//! two-core server at a few dozen requests per second. Entries are keyed by a SHA-256 of the
//! presented key and secret (never the secret itself), expire after [`TTL`], and are dropped on
//! revocation (this process directly, other LRS processes through PostgreSQL `NOTIFY`).

use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::principal::Principal;

pub const TTL: Duration = Duration::from_secs(120);
const CAPACITY: u64 = 10_000;

#[derive(Clone)]
pub struct VerificationCache {
    inner: moka::sync::Cache<[u8; 32], Arc<Principal>>,
}

impl Default for VerificationCache {
    fn default() -> Self {
        VerificationCache {
            inner: moka::sync::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(TTL)
                .build(),
        }
    }
}

impl VerificationCache {
    pub fn fingerprint(key: &str, secret: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(key.as_bytes());
        // The separator keeps ("ab", "c") and ("a", "bc") apart.
        hasher.update([0u8]);
        hasher.update(secret.as_bytes());
        hasher.finalize().into()
    }

    pub fn get(&self, fingerprint: &[u8; 32]) -> Option<Arc<Principal>> {
        self.inner.get(fingerprint)
    }

    pub fn insert(&self, fingerprint: [u8; 32], principal: Arc<Principal>) {
        self.inner.insert(fingerprint, principal);
    }

    /// Drops every entry (a credential was revoked or changed somewhere).
    pub fn clear(&self) {
        self.inner.invalidate_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_separate_key_and_secret() {
        assert_ne!(
            VerificationCache::fingerprint("ab", "c"),
            VerificationCache::fingerprint("a", "bc")
        );
        assert_eq!(
            VerificationCache::fingerprint("k", "s"),
            VerificationCache::fingerprint("k", "s")
        );
    }
}
