//! RSASSA-PKCS1-v1_5 signature verification (RFC 8017 8.2.2), the RS256/RS384/RS512 of JWS
//! (RFC 7518 3.3). Verification only, with a public key: no secret is involved, so constant
//! time does not matter. The check re-encodes the expected EMSA-PKCS1-v1_5 block and compares it
//! whole, which rules out the lax-parsing forgeries of small exponents.

use num_bigint::BigUint;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::der::RsaPublicKey;

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

    /// DER DigestInfo prefix (RFC 8017 9.2 note 1) followed by the digest of `message`.
    fn digest_info(self, message: &[u8]) -> Vec<u8> {
        let (prefix, digest): (&[u8], Vec<u8>) = match self {
            Algorithm::Rs256 => (
                &[
                    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
                    0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
                ],
                Sha256::digest(message).to_vec(),
            ),
            Algorithm::Rs384 => (
                &[
                    0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
                    0x02, 0x02, 0x05, 0x00, 0x04, 0x30,
                ],
                Sha384::digest(message).to_vec(),
            ),
            Algorithm::Rs512 => (
                &[
                    0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
                    0x02, 0x03, 0x05, 0x00, 0x04, 0x40,
                ],
                Sha512::digest(message).to_vec(),
            ),
        };
        [prefix, digest.as_slice()].concat()
    }
}

/// True when `signature` is a valid PKCS#1 v1.5 signature of `message` under `key`.
pub(super) fn verify(key: &RsaPublicKey, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
    let k = key.modulus.len();
    // RFC 8017 8.2.2 step 1: the signature has the modulus' length. Keys under 1024 bits are
    // not worth verifying.
    if k < 128 || signature.len() != k || key.exponent.is_empty() {
        return false;
    }
    let n = BigUint::from_bytes_be(&key.modulus);
    let e = BigUint::from_bytes_be(&key.exponent);
    let s = BigUint::from_bytes_be(signature);
    if s >= n {
        return false;
    }
    let m = s.modpow(&e, &n).to_bytes_be();
    if m.len() > k {
        return false;
    }
    let mut em = vec![0u8; k - m.len()];
    em.extend_from_slice(&m);

    let t = alg.digest_info(message);
    if k < t.len() + 11 {
        return false;
    }
    let mut expected = Vec::with_capacity(k);
    expected.extend_from_slice(&[0x00, 0x01]);
    expected.resize(k - t.len() - 1, 0xFF);
    expected.push(0x00);
    expected.extend_from_slice(&t);
    em == expected
}
