//! Credential secrets: generation and argon2id hashing.
//!
//! argon2id is deliberately slow (tens of milliseconds), so callers run [`verify`] on the
//! blocking pool and cache successes (see `cache.rs`).

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::Rng;
use rand::distr::Alphanumeric;

/// A hash of a secret nobody knows, verified against when the presented key does not exist so
/// that unknown keys cost the same time as wrong secrets (no user enumeration by timing).
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let secret: String = random_token(32);
    hash(&secret).unwrap_or_default()
});

/// Hashes a secret into a PHC string (`$argon2id$v=19$...`) with a random salt.
pub fn hash(secret: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(secret.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a secret: {e}"))
}

/// Checks a secret against a stored PHC string; `None` checks against the dummy hash and
/// always fails, in the same time.
pub fn verify(secret: &str, stored: Option<&str>) -> bool {
    let (phc, real) = match stored {
        Some(phc) => (phc, true),
        None => (DUMMY_HASH.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(secret.as_bytes(), &parsed)
        .is_ok();
    ok && real
}

/// Forces the dummy hash to be computed now rather than during the first failed login.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

/// A random alphanumeric token (keys and secrets of new credentials).
pub fn random_token(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_secret_and_nothing_else() {
        let phc = hash("correct horse").expect("hash");
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(verify("correct horse", Some(&phc)));
        assert!(!verify("wrong horse", Some(&phc)));
    }

    #[test]
    fn an_unknown_key_never_verifies() {
        assert!(!verify("anything", None));
        assert!(!verify("", None));
    }

    #[test]
    fn a_corrupt_stored_hash_fails_closed() {
        assert!(!verify("secret", Some("not a phc string")));
    }

    #[test]
    fn tokens_are_alphanumeric_and_random() {
        let a = random_token(40);
        assert_eq!(a.len(), 40);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, random_token(40));
    }
}
