//! Just enough DER (ITU-T X.690) to take the RSA public key out of an X.509 certificate
//! (RFC 5280 4.1: Certificate -> tbsCertificate -> subjectPublicKeyInfo) or out of a bare
//! SubjectPublicKeyInfo. Anything unexpected yields `None`.

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OBJECT_ID: u8 = 0x06;
const CONTEXT_0: u8 = 0xA0;

/// DER encoding of the rsaEncryption OID 1.2.840.113549.1.1.1.
const RSA_ENCRYPTION: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];

/// An RSA public key as big-endian unsigned integers.
pub(super) struct RsaPublicKey {
    pub(super) modulus: Vec<u8>,
    pub(super) exponent: Vec<u8>,
}

/// Splits one TLV off `data`: `(tag, content, rest)`.
fn tlv(data: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = data.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7F);
        if n == 0 || n > 4 || rest.len() < n {
            return None; // indefinite or absurd lengths are not DER
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

fn expect(data: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    match tlv(data)? {
        (t, content, rest) if t == tag => Some((content, rest)),
        _ => None,
    }
}

/// The RSA key of an X.509 certificate in DER.
pub(super) fn certificate_rsa_key(cert: &[u8]) -> Option<RsaPublicKey> {
    let (certificate, _) = expect(cert, SEQUENCE)?;
    let (mut tbs, _) = expect(certificate, SEQUENCE)?;
    if let Some((CONTEXT_0, _, rest)) = tlv(tbs) {
        tbs = rest; // explicit version
    }
    let (_, rest) = expect(tbs, INTEGER)?; // serialNumber
    let (_, rest) = expect(rest, SEQUENCE)?; // signature algorithm
    let (_, rest) = expect(rest, SEQUENCE)?; // issuer
    let (_, rest) = expect(rest, SEQUENCE)?; // validity
    let (_, rest) = expect(rest, SEQUENCE)?; // subject
    let (spki, _) = expect(rest, SEQUENCE)?;
    spki_rsa_key(spki)
}

/// The RSA key of a SubjectPublicKeyInfo's content.
fn spki_rsa_key(spki: &[u8]) -> Option<RsaPublicKey> {
    let (algorithm, rest) = expect(spki, SEQUENCE)?;
    let (oid, _) = expect(algorithm, OBJECT_ID)?;
    if oid != RSA_ENCRYPTION {
        return None;
    }
    let (bits, _) = expect(rest, BIT_STRING)?;
    let (&unused_bits, key) = bits.split_first()?;
    if unused_bits != 0 {
        return None;
    }
    let (rsa_key, _) = expect(key, SEQUENCE)?;
    let (modulus, rest) = expect(rsa_key, INTEGER)?;
    let (exponent, _) = expect(rest, INTEGER)?;
    Some(RsaPublicKey {
        modulus: strip_sign_byte(modulus),
        exponent: strip_sign_byte(exponent),
    })
}

/// DER INTEGERs carry a leading zero when the top bit is set; drop it.
fn strip_sign_byte(n: &[u8]) -> Vec<u8> {
    let start = n.iter().position(|b| *b != 0).unwrap_or(n.len());
    n[start..].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_truncated_and_empty_input() {
        assert!(certificate_rsa_key(&[]).is_none());
        assert!(certificate_rsa_key(&[0x30]).is_none());
        assert!(certificate_rsa_key(&[0x30, 0x82, 0xFF]).is_none());
        assert!(certificate_rsa_key(&[0x30, 0x80, 0x00, 0x00]).is_none());
        assert!(certificate_rsa_key(b"not a certificate at all").is_none());
    }

    #[test]
    fn reads_long_form_lengths() {
        let mut data = vec![0x04, 0x81, 0x80];
        data.extend(std::iter::repeat_n(7u8, 0x80));
        let parsed = tlv(&data);
        assert_eq!(
            parsed.map(|(t, c, r)| (t, c.len(), r.len())),
            Some((0x04, 0x80, 0))
        );
    }
}
