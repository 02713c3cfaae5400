//! A short-lived cache of successful credential verifications.
//!
//! Verifying argon2id costs tens of milliseconds of CPU; doing it on every request would cap a
//! two-core server at a few dozen requests per second. Entries are keyed by a SHA-256 of the
//! presented key and secret (never the secret itself), expire after [`TTL`], and are dropped on
//! revocation (this process directly, other LRS processes through PostgreSQL `NOTIFY`).
//!
//! Revocation must win every race. A verification reads the credential row, then spends tens
//! of milliseconds in argon2; a revocation that commits in between must not be undone by the
//! verification caching what it read before. So every clear bumps a generation, a verification
//! notes the generation before it reads the row ([`VerificationCache::generation`]), and its
//! result is cached only if no clear happened since ([`VerificationCache::insert_if_current`]).
//! Checking the generation and inserting happen under a lock that a clear takes exclusively,
//! so a clear cannot fall between the two.
//!
//! Other processes learn of a revocation only through `NOTIFY`, so the cache is only trusted
//! while this process is listening ([`VerificationCache::set_listening`]): before the listener
//! is up, and while its connection is lost, every request is verified against the database.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::principal::Principal;

pub const TTL: Duration = Duration::from_secs(120);
const CAPACITY: u64 = 10_000;

#[derive(Clone)]
pub struct VerificationCache {
    inner: moka::sync::Cache<[u8; 32], Arc<Principal>>,
    /// Bumped by every clear; read and compared under the read side of `lock`.
    generation: Arc<AtomicU64>,
    /// Inserts (with their generation check) take the read side, clears the write side.
    lock: Arc<RwLock<()>>,
    /// Whether revocations announced by other processes reach this one now.
    listening: Arc<AtomicBool>,
}

impl Default for VerificationCache {
    /// A cache that trusts itself at once: for a process that is alone on its database (the
    /// tests' single server, one-off commands). `serve` starts it untrusted until its listener
    /// is up ([`VerificationCache::untrusted`]).
    fn default() -> Self {
        VerificationCache {
            inner: moka::sync::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(TTL)
                .build(),
            generation: Arc::new(AtomicU64::new(0)),
            lock: Arc::new(RwLock::new(())),
            listening: Arc::new(AtomicBool::new(true)),
        }
    }
}

impl VerificationCache {
    /// A cache that serves nothing until [`VerificationCache::set_listening`] says revocations
    /// from other processes reach this one.
    pub fn untrusted() -> Self {
        let cache = VerificationCache::default();
        cache.listening.store(false, Ordering::SeqCst);
        cache
    }

    pub fn fingerprint(key: &str, secret: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(key.as_bytes());
        // The separator keeps ("ab", "c") and ("a", "bc") apart.
        hasher.update([0u8]);
        hasher.update(secret.as_bytes());
        hasher.finalize().into()
    }

    pub fn get(&self, fingerprint: &[u8; 32]) -> Option<Arc<Principal>> {
        if !self.listening.load(Ordering::SeqCst) {
            return None;
        }
        self.inner.get(fingerprint)
    }

    /// The generation to hand to [`VerificationCache::insert_if_current`]: read it before
    /// reading the credential from the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Caches a verification unless a clear happened since `generation` was read (the
    /// verification may then have read a credential that is revoked now). Returns whether it
    /// was cached.
    pub fn insert_if_current(
        &self,
        generation: u64,
        fingerprint: [u8; 32],
        principal: Arc<Principal>,
    ) -> bool {
        let _shared = self.lock.read().unwrap_or_else(|p| p.into_inner());
        if !self.listening.load(Ordering::SeqCst) || self.generation() != generation {
            return false;
        }
        self.inner.insert(fingerprint, principal);
        true
    }

    /// Drops every entry (a credential was revoked or changed somewhere), and keeps any
    /// verification that started before this call out of the cache.
    pub fn clear(&self) {
        let _exclusive = self.lock.write().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.inner.invalidate_all();
    }

    /// Whether revocations announced by other processes reach this one. Turning it off clears
    /// the cache: notices may be missed from then until it is back on.
    pub fn set_listening(&self, listening: bool) {
        if !listening {
            self.listening.store(false, Ordering::SeqCst);
        }
        self.clear();
        if listening {
            self.listening.store(true, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn principal() -> Arc<Principal> {
        Arc::new(Principal {
            credential_id: uuid::Uuid::nil(),
            key: "k".into(),
            name: "n".into(),
            scopes: crate::auth::Scopes::new(vec![crate::auth::Scope::All]),
            authority: json!({}),
        })
    }

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

    #[test]
    fn a_verification_that_started_before_a_clear_is_not_cached() {
        let cache = VerificationCache::default();
        let fingerprint = VerificationCache::fingerprint("k", "s");
        let before = cache.generation();
        cache.clear();
        assert!(!cache.insert_if_current(before, fingerprint, principal()));
        assert!(cache.get(&fingerprint).is_none());

        let now = cache.generation();
        assert!(cache.insert_if_current(now, fingerprint, principal()));
        assert!(cache.get(&fingerprint).is_some());
    }

    #[test]
    fn an_untrusted_cache_serves_nothing_until_listening() {
        let cache = VerificationCache::untrusted();
        let fingerprint = VerificationCache::fingerprint("k", "s");
        assert!(!cache.insert_if_current(cache.generation(), fingerprint, principal()));
        cache.set_listening(true);
        assert!(cache.insert_if_current(cache.generation(), fingerprint, principal()));
        assert!(cache.get(&fingerprint).is_some());
        cache.set_listening(false);
        assert!(
            cache.get(&fingerprint).is_none(),
            "lost connection: not trusted"
        );
    }
}
