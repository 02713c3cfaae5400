//! The signer's key and the signature check, with the RustCrypto `x509-cert` and `rsa` crates:
//! RSASSA-PKCS1-v1_5 (RFC 8017 8.2.2), the RS256/RS384/RS512 of JWS (RFC 7518 3.3).
//!
//! Verification only, with a public key taken from the JWS `x5c` certificate: no secret is
//! involved (the timing advisory on `rsa` concerns private-key operations).

use rsa::RsaPublicKey;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::sha2::{Sha256, Sha384, Sha512};
use rsa::signature::Verifier;
use x509_cert::Certificate;
use x509_cert::der::Decode;

/// The JWS RSA algorithms xAPI allows (Data 2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Algorithm {
    Rs256,
    Rs384,
    Rs512,
}

impl Algorithm {
    pub(super) fn from_jws(alg: &str) -> Option<Algorithm> {
        match alg {
            "RS256" => Some(Algorithm::Rs256),
            "RS384" => Some(Algorithm::Rs384),
            "RS512" => Some(Algorithm::Rs512),
            _ => None,
        }
    }
}

/// The RSA public key of a DER X.509 certificate; None for anything else.
pub(super) fn certificate_rsa_key(cert: &[u8]) -> Option<RsaPublicKey> {
    let cert = Certificate::from_der(cert).ok()?;
    let spki = &cert.tbs_certificate.subject_public_key_info;
    RsaPublicKey::from_pkcs1_der(spki.subject_public_key.raw_bytes()).ok()
}

/// True when `signature` is a valid PKCS#1 v1.5 signature of `message` under `key`.
pub(super) fn verify(key: &RsaPublicKey, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
    let Ok(signature) = Signature::try_from(signature) else {
        return false;
    };
    let key = key.clone();
    match alg {
        Algorithm::Rs256 => VerifyingKey::<Sha256>::new(key).verify(message, &signature),
        Algorithm::Rs384 => VerifyingKey::<Sha384>::new(key).verify(message, &signature),
        Algorithm::Rs512 => VerifyingKey::<Sha512>::new(key).verify(message, &signature),
    }
    .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anything_but_a_certificate_has_no_key() {
        assert!(certificate_rsa_key(&[]).is_none());
        assert!(certificate_rsa_key(&[0x30]).is_none());
        assert!(certificate_rsa_key(&[0x30, 0x82, 0xFF]).is_none());
        assert!(certificate_rsa_key(&[0x30, 0x80, 0x00, 0x00]).is_none());
        assert!(certificate_rsa_key(b"not a certificate at all").is_none());
    }
}
