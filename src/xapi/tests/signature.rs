//! `verify_signature` (Data 2.6). Fixtures: a throwaway 2048-bit RSA key with a self-signed
//! certificate signed the fixture statement with RS256/384/512 (with and without `x5c`), a
//! second key signed it under the first key's certificate, and an HS256 variant.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::xapi::{SIGNATURE_USAGE_TYPE, signature_attachment, verify_signature};

const FIXTURES: &str = include_str!("../testdata/signature-fixtures.json");

fn fixtures() -> Value {
    serde_json::from_str(FIXTURES).unwrap_or(Value::Null)
}

fn jws(name: &str) -> Vec<u8> {
    fixtures()[name]
        .as_str()
        .unwrap_or_default()
        .as_bytes()
        .to_vec()
}

/// The fixture statement as the LRS receives it: with the signature attachment.
fn received() -> Value {
    let mut s = fixtures()["statement"].clone();
    s["attachments"] = json!([{
        "usageType": SIGNATURE_USAGE_TYPE, "display": {"en-US": "Signed by the test"},
        "contentType": "application/octet-stream", "length": 900, "sha2": "ab".repeat(32)
    }]);
    s
}

fn error(stmt: &Value, jws: &[u8]) -> String {
    verify_signature(stmt, jws)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default()
}

#[test]
fn rsa_signatures_with_certificates_verify() {
    for name in ["rs256_x5c", "rs384_x5c", "rs512_x5c"] {
        assert_eq!(verify_signature(&received(), &jws(name)), Ok(()), "{name}");
    }
}

#[test]
fn signatures_without_certificate_are_accepted_when_the_payload_matches() {
    assert_eq!(verify_signature(&received(), &jws("rs256_no_x5c")), Ok(()));
}

#[test]
fn a_signature_from_another_key_is_rejected() {
    assert!(error(&received(), &jws("rs256_wrong_key")).contains("does not verify"));
}

#[test]
fn a_tampered_signature_is_rejected() {
    let mut token = jws("rs256_x5c");
    if let Some(last) = token.last_mut() {
        *last = if *last == b'A' { b'B' } else { b'A' };
    }
    assert!(error(&received(), &token).starts_with("signature:"));
}

#[test]
fn other_algorithms_are_rejected() {
    assert!(error(&received(), &jws("hs256")).contains("RS256, RS384 or RS512"));
}

#[test]
fn payload_must_match_the_statement() {
    let mut changed = received();
    changed["verb"]["id"] = json!("http://adlnet.gov/expapi/verbs/failed");
    assert!(error(&changed, &jws("rs256_x5c")).contains("differs"));
}

#[test]
fn comparison_ignores_what_the_lrs_may_change() {
    let mut s = received();
    // More duration precision than signed (the 2.0 suite does this), UTC timestamp,
    // upper-case id, LRS-set properties.
    s["result"]["duration"] = json!("P1DT12H36M0.1237S");
    s["timestamp"] = json!("2013-04-01T17:00:00.000Z");
    s["id"] = json!("33CFF416-E331-4C9D-969E-5373A1756120");
    s["stored"] = json!("2024-01-01T00:00:00.000Z");
    s["version"] = json!("1.0.0");
    assert_eq!(verify_signature(&s, &jws("rs256_x5c")), Ok(()));
}

#[test]
fn signature_attachment_must_be_octet_stream() {
    let mut s = received();
    s["attachments"][0]["contentType"] = json!("text/plain; charset=ascii");
    assert!(error(&s, &jws("rs256_x5c")).starts_with("statement.attachments[0].contentType"));
}

#[test]
fn a_signature_attachment_is_required() {
    let mut s = received();
    s["attachments"][0]["usageType"] = json!("http://x.org/other");
    assert!(error(&s, &jws("rs256_x5c")).starts_with("statement.attachments"));
    assert_eq!(signature_attachment(&s), None);
    assert!(signature_attachment(&received()).is_some());
}

#[test]
fn malformed_jws_is_rejected() {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256"}"#);
    let broken_payload = URL_SAFE_NO_PAD.encode(br#"{'id': 'not json'}"#);
    let array_payload = URL_SAFE_NO_PAD.encode(b"[1,2]");
    for (token, expected) in [
        (
            format!("{header}.{broken_payload}.c2ln"),
            "payload is not a JSON statement",
        ),
        (
            format!("{header}.{array_payload}.c2ln"),
            "payload is not a JSON statement",
        ),
        ("abc".to_owned(), "Compact Serialization"),
        ("a.b.c.d".to_owned(), "Compact Serialization"),
        ("!!.!!.!!".to_owned(), "base64url"),
        (
            format!("{}.e30.c2ln", URL_SAFE_NO_PAD.encode(b"not json")),
            "header is not JSON",
        ),
        (
            format!("{}.e30.c2ln", URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#)),
            "RS256",
        ),
        (
            format!(
                "{}.e30.c2ln",
                URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","x5c":"x"}"#)
            ),
            "differs",
        ),
    ] {
        let err = error(&received(), token.as_bytes());
        assert!(err.contains(expected), "{token}: {err}");
    }
    assert!(error(&received(), &[0xff, 0xfe, 0x00]).contains("UTF-8"));
}

#[test]
fn bad_certificates_are_rejected() {
    let signed = String::from_utf8(jws("rs256_x5c")).unwrap_or_default();
    let parts: Vec<&str> = signed.split('.').collect();
    let payload = parts.get(1).copied().unwrap_or_default();
    for header in [
        r#"{"alg":"RS256","x5c":[]}"#,
        r#"{"alg":"RS256","x5c":["bm90IGEgY2VydA=="]}"#,
        r#"{"alg":"RS256","x5c":["%%%"]}"#,
    ] {
        let token = format!("{}.{payload}.c2ln", URL_SAFE_NO_PAD.encode(header));
        let err = error(&received(), token.as_bytes());
        assert!(err.contains("x5c"), "{header}: {err}");
    }
}
