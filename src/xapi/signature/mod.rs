//! Signed statements (Data 2.6): a JWS in an attachment of usageType
//! `http://adlnet.gov/expapi/attachments/signature` whose payload is the statement as signed.
//!
//! The LRS MUST reject malformed signatures: it decodes the JWS, checks the algorithm is RS256,
//! RS384 or RS512, checks the payload is logically equivalent to the received statement (Data
//! 2.3.1 comparison rules, see `equivalence`), and, when the JWS header carries an X.509
//! certificate chain (`x5c`), verifies the signature against the first certificate. Without
//! `x5c` there is no key to check against; the spec only asks for verification "if the JWS
//! header includes an X.509 certificate", and the conformance suite signs without one, so such
//! signatures are accepted once the other checks pass.
//!
//! Only the JWS Compact Serialization is supported (Data 2.6: the JSON serialization is
//! "strongly discouraged" and "unlikely to be interoperable").

mod key;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD_INDIFFERENT};
use serde_json::Value;

use super::equivalence::statements_equivalent;
use super::error::ValidationError;

/// The usageType of signature attachments.
pub const SIGNATURE_USAGE_TYPE: &str = "http://adlnet.gov/expapi/attachments/signature";

/// The content type a signature attachment MUST declare.
const SIGNATURE_CONTENT_TYPE: &str = "application/octet-stream";

/// The signature attachment of a statement (its `sha2` names the multipart part holding the
/// JWS), with its index in `attachments`.
pub fn signature_attachment(stmt: &Value) -> Option<(usize, &Value)> {
    stmt.get("attachments")?
        .as_array()?
        .iter()
        .enumerate()
        .find(|(_, a)| a.get("usageType").and_then(Value::as_str) == Some(SIGNATURE_USAGE_TYPE))
}

fn jws_err(message: impl Into<String>) -> ValidationError {
    ValidationError::new("signature", message)
}

fn b64url(part: &str, what: &str) -> Result<Vec<u8>, ValidationError> {
    URL_SAFE_NO_PAD_INDIFFERENT
        .decode(part)
        .map_err(|e| jws_err(format!("the JWS {what} is not base64url: {e}")))
}

/// Verifies the JWS `jws` (the bytes of the signature attachment) against `stmt`, the
/// statement as received (with its `attachments`).
pub fn verify_signature(stmt: &Value, jws: &[u8]) -> Result<(), ValidationError> {
    let (i, attachment) = signature_attachment(stmt).ok_or_else(|| {
        ValidationError::new(
            "statement.attachments",
            format!("a signed statement needs an attachment with usageType {SIGNATURE_USAGE_TYPE}"),
        )
    })?;
    let content_type = attachment
        .get("contentType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !content_type
        .trim()
        .eq_ignore_ascii_case(SIGNATURE_CONTENT_TYPE)
    {
        return Err(ValidationError::new(
            format!("statement.attachments[{i}].contentType"),
            format!(
                "a signature attachment must have contentType {SIGNATURE_CONTENT_TYPE}, not {content_type:?}"
            ),
        ));
    }

    let text = std::str::from_utf8(jws).map_err(|_| jws_err("the JWS is not UTF-8 text"))?;
    let parts: Vec<&str> = text.trim().split('.').collect();
    let [header_b64, payload_b64, signature_b64] = parts.as_slice() else {
        return Err(jws_err(
            "is not a JWS in Compact Serialization (header.payload.signature)",
        ));
    };
    let header: Value = serde_json::from_slice(&b64url(header_b64, "header")?)
        .map_err(|e| jws_err(format!("the JWS header is not JSON: {e}")))?;
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let algorithm = key::Algorithm::from_jws(alg).ok_or_else(|| {
        jws_err(format!(
            "the JWS algorithm must be RS256, RS384 or RS512, not {alg:?}"
        ))
    })?;
    let payload: Value = serde_json::from_slice(&b64url(payload_b64, "payload")?)
        .map_err(|e| jws_err(format!("the JWS payload is not a JSON statement: {e}")))?;
    if !payload.is_object() {
        return Err(jws_err("the JWS payload is not a JSON statement object"));
    }
    if !statements_equivalent(&payload, stmt) {
        return Err(jws_err(
            "the signed statement (JWS payload) differs from the statement received",
        ));
    }

    let Some(chain) = header.get("x5c") else {
        return Ok(());
    };
    let first = chain
        .as_array()
        .and_then(|c| c.first())
        .and_then(Value::as_str)
        .ok_or_else(|| jws_err("the JWS x5c header must be a non-empty array of certificates"))?;
    let cert = STANDARD
        .decode(first)
        .map_err(|e| jws_err(format!("the x5c certificate is not base64: {e}")))?;
    let public_key = key::certificate_rsa_key(&cert).ok_or_else(|| {
        jws_err("the x5c certificate is not an X.509 certificate with an RSA key")
    })?;
    let signature = b64url(signature_b64, "signature")?;
    let signing_input = format!("{header_b64}.{payload_b64}");
    if key::verify(&public_key, algorithm, signing_input.as_bytes(), &signature) {
        Ok(())
    } else {
        Err(jws_err(
            "the JWS signature does not verify against the x5c certificate",
        ))
    }
}
