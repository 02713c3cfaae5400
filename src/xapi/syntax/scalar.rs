//! Small fixed formats: UUIDs (Data 4.4), mailto IRIs (Data 2.4.2.3), SHA-1/SHA-2 hex digests,
//! Internet media types (Data 2.4.11).

/// Data 4.4: a UUID "MUST be in the standard string form": 8-4-4-4-12 hex digits, either case.
/// Any version and variant is accepted (the suite and real clients send all kinds).
pub(crate) fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Data 2.4.2.3: `mbox` is "mailto:email address". We require the lowercase `mailto:` scheme,
/// exactly one `@` with something on each side, a dot-free-or-not domain without spaces, and no
/// characters that cannot appear in an address (whitespace, controls, `<>()[],;:"\`).
pub(crate) fn is_mbox(s: &str) -> bool {
    let Some(address) = s.strip_prefix("mailto:") else {
        return false;
    };
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    let bad = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | ':' | '"' | '\\' | '@'
            )
    };
    !local.is_empty()
        && !domain.is_empty()
        && !local.chars().any(bad)
        && !domain.chars().any(bad)
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

/// `mbox_sha1sum`: the hex-encoded SHA-1 of a mailto IRI, 40 hex digits (either case).
pub(crate) fn is_sha1_hex(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Attachment `sha2`: hex SHA-224/256/384/512, as sent in `X-Experience-API-Hash`.
pub(crate) fn is_sha2_hex(s: &str) -> bool {
    matches!(s.len(), 56 | 64 | 96 | 128) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// RFC 2046 media type: `type "/" subtype` made of RFC 7230 token characters, optionally
/// followed by `;` parameters (not checked further).
pub(crate) fn is_media_type(s: &str) -> bool {
    let essence = s.split(';').next().unwrap_or_default().trim();
    let Some((ty, sub)) = essence.split_once('/') else {
        return false;
    };
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    token(ty) && token(sub)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids() {
        assert!(is_uuid("fd41c918-b88b-4b20-a0a5-a4c32391aaa0"));
        assert!(is_uuid("AA97B177-9383-4934-8543-0F91A7A02836"));
        assert!(is_uuid("12345678-1234-5678-1234-567812345678"));
        assert!(!is_uuid("AA97B177-9383-4934-8543-0F91A7A028368"));
        assert!(!is_uuid("MA97B177-9383-4934-8543-0F91A7A02836"));
        assert!(!is_uuid("fd41c918b88b4b20a0a5a4c32391aaa0"));
        assert!(!is_uuid("{fd41c918-b88b-4b20-a0a5-a4c32391aaa0}"));
        assert!(!is_uuid(""));
    }

    #[test]
    fn mboxes() {
        assert!(is_mbox("mailto:xapi@adlnet.gov"));
        assert!(is_mbox("mailto:first.last+tag@sub.example.co.uk"));
        assert!(is_mbox("mailto:user@localhost"));
        assert!(!is_mbox("mailto:should.fail.com"));
        assert!(!is_mbox("http://should.fail.com"));
        assert!(!is_mbox("xapi@adlnet.gov"));
        assert!(!is_mbox("mailto:@adlnet.gov"));
        assert!(!is_mbox("mailto:xapi@"));
        assert!(!is_mbox("mailto:a@b@c"));
        assert!(!is_mbox("mailto:a b@c.d"));
        assert!(!is_mbox("MAILTO:a@b.c"));
    }

    #[test]
    fn hashes() {
        assert!(is_sha1_hex("cd9b00a5611f94eaa7b1661edab976068e364975"));
        assert!(is_sha1_hex("CD9B00A5611F94EAA7B1661EDAB976068E364975"));
        assert!(!is_sha1_hex("cd9b00a5611f94eaa7b1661edab976068e36497"));
        assert!(!is_sha1_hex("zd9b00a5611f94eaa7b1661edab976068e364975"));
        assert!(is_sha2_hex(
            "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"
        ));
        assert!(!is_sha2_hex("should fail"));
        assert!(!is_sha2_hex("495395e7"));
    }

    #[test]
    fn media_types() {
        assert!(is_media_type("text/plain; charset=ascii"));
        assert!(is_media_type("application/octet-stream"));
        assert!(is_media_type("application/vnd.ms-excel"));
        assert!(!is_media_type("text"));
        assert!(!is_media_type("/plain"));
        assert!(!is_media_type(""));
        assert!(!is_media_type("text /plain"));
    }
}
