//! Header expectations, and the invariants every response must meet.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sha1::Digest as _;

use super::check::Received;
use super::expand::Vars;
use super::model::{HeaderFact, HeaderMatcher};

pub fn rfc3339(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn http_date(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Checks one header. `body` is the body the header describes (the response's, or a part's),
/// for `etag_of_body`.
pub fn header_fact(
    name: &str,
    actual: Option<&str>,
    fact: &HeaderFact,
    body: &[u8],
    vars: &mut Vars,
    errors: &mut Vec<String>,
) {
    let matcher;
    let fact = match fact {
        HeaderFact::Equals(v) => {
            matcher = HeaderMatcher {
                equals: Some(v.clone()),
                ..HeaderMatcher::default()
            };
            &matcher
        }
        HeaderFact::Matcher(m) => m,
    };
    let mut text = |s: &str| vars.text(s).unwrap_or_else(|e| format!("<{e}>"));
    match (fact.present, actual) {
        (Some(false), Some(v)) => {
            errors.push(format!("header {name} should be absent, is {v:?}"));
            return;
        }
        (Some(false), None) => return,
        (_, None) => {
            errors.push(format!("header {name} is missing"));
            return;
        }
        _ => {}
    }
    let actual = actual.unwrap_or_default();
    if let Some(expected) = &fact.equals {
        let expected = text(expected);
        if actual != expected {
            errors.push(format!(
                "header {name} is {actual:?}, expected {expected:?}"
            ));
        }
    }
    if let Some(other) = &fact.not_equals {
        let other = text(other);
        if actual == other {
            errors.push(format!(
                "header {name} is {actual:?}, expected anything else"
            ));
        }
    }
    if let Some(pattern) = &fact.matches {
        let pattern = text(pattern);
        match regex::Regex::new(&pattern) {
            Ok(re) if re.is_match(actual) => {}
            Ok(_) => errors.push(format!(
                "header {name} is {actual:?}, expected to match {pattern:?}"
            )),
            Err(e) => errors.push(format!("header {name}: bad pattern {pattern:?}: {e}")),
        }
    }
    if let Some(prefix) = &fact.starts_with {
        let prefix = text(prefix);
        if !actual.starts_with(&prefix) {
            errors.push(format!(
                "header {name} is {actual:?}, expected to start with {prefix:?}"
            ));
        }
    }
    if let Some(part) = &fact.contains {
        let part = text(part);
        if !actual.contains(&part) {
            errors.push(format!(
                "header {name} is {actual:?}, expected to contain {part:?}"
            ));
        }
    }
    if let Some(part) = &fact.not_contains {
        let part = text(part);
        if actual.contains(&part) {
            errors.push(format!(
                "header {name} is {actual:?}, expected not to contain {part:?}"
            ));
        }
    }
    if fact.timestamp && rfc3339(actual).is_none() {
        errors.push(format!(
            "header {name} is {actual:?}, not an RFC 3339 timestamp"
        ));
    }
    if fact.http_date && http_date(actual).is_none() {
        errors.push(format!("header {name} is {actual:?}, not an HTTP date"));
    }
    if let Some(other) = &fact.same_second_as {
        let other = text(other);
        match (http_date(actual), rfc3339(&other)) {
            (Some(a), Some(b)) if a.timestamp() == b.timestamp() => {}
            _ => errors.push(format!(
                "header {name} is {actual:?}, expected the second of {other:?}"
            )),
        }
    }
    if let Some(other) = &fact.http_date_after {
        let other = text(other);
        match (http_date(actual), http_date(&other)) {
            (Some(a), Some(b)) if a > b => {}
            _ => errors.push(format!(
                "header {name} is {actual:?}, expected an HTTP date after {other:?}"
            )),
        }
    }
    if fact.etag_of_body {
        let expected = format!("\"{}\"", hex::encode(sha1::Sha1::digest(body)));
        if actual != expected {
            errors.push(format!(
                "header {name} is {actual:?}, expected the quoted SHA-1 of the body {expected:?}"
            ));
        }
    }
}

/// What every response must satisfy, whatever the case: the version header echoes the run's
/// version when the request sent it, Statement Resource responses carry a valid
/// Consistent-Through, and error responses (except to HEAD) have the JSON error body.
pub fn invariants(
    method: &str,
    path: &str,
    sent_version: Option<&str>,
    received: &Received,
    version: &str,
) -> Vec<String> {
    let mut errors = Vec::new();
    if sent_version == Some(version) {
        let echoed = received.header("x-experience-api-version");
        if echoed.as_deref() != Some(version) {
            errors.push(format!(
                "invariant: X-Experience-API-Version is {echoed:?}, expected {version:?}"
            ));
        }
    }
    if path.starts_with("/xapi/statements") {
        let value = received.header("x-experience-api-consistent-through");
        if value.as_deref().and_then(rfc3339).is_none() {
            errors.push(format!(
                "invariant: X-Experience-API-Consistent-Through is {value:?}, expected an RFC 3339 timestamp"
            ));
        }
    }
    if received.status >= 400 && method != "HEAD" {
        let body: Option<Value> = serde_json::from_slice(&received.body).ok();
        let ok = body.as_ref().is_some_and(|b| {
            b["status"] == received.status && b["message"].as_str().is_some_and(|m| !m.is_empty())
        });
        if !ok {
            errors.push(format!(
                "invariant: an error response needs the JSON error body {{status, code, message}}, got {:.300}",
                received.text()
            ));
        }
    }
    errors
}
