//! Checking a response against a step's expectations. Every check adds its mismatches to a
//! list (empty = pass).

use reqwest::header::HeaderMap;
use serde_json::{Map, Value};

use super::expand::{Vars, templates};
use super::headers::{header_fact, rfc3339};
use super::model::{BodyFact, Expect, JsonFact, MultipartFact};
use super::multipart::{Part, multipart};

/// A response as received.
pub struct Received {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The JSON document of a response: the body, or the first part of a multipart body.
pub fn json_document(received: &Received, parts: Option<&[Part]>) -> Result<Value, String> {
    let bytes = match parts {
        Some(parts) => parts.first().map(|p| p.body.as_slice()).unwrap_or_default(),
        None => &received.body,
    };
    serde_json::from_slice(bytes).map_err(|e| format!("the body is not JSON ({e})"))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether `actual` includes `expected`: objects by their keys (recursively), arrays element
/// by element with equal lengths, scalars by equality.
pub fn like(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e
            .iter()
            .all(|(k, ev)| a.get(k).is_some_and(|av| like(av, ev))),
        (Value::Array(a), Value::Array(e)) => {
            a.len() == e.len() && a.iter().zip(e).all(|(x, y)| like(x, y))
        }
        (a, e) => a == e,
    }
}

fn json_fact(
    doc: &Value,
    fact: &JsonFact,
    library: &Map<String, Value>,
    vars: &mut Vars,
    errors: &mut Vec<String>,
) {
    let p = &fact.pointer;
    let mut expected = |v: &Value| {
        templates(v, library)
            .and_then(|v| vars.json(&v))
            .unwrap_or_else(|e| Value::String(format!("<{e}>")))
    };
    let actual = doc.pointer(p);
    match (fact.exists, actual) {
        (Some(false), Some(v)) => {
            errors.push(format!("{p} should be absent, is {v}"));
            return;
        }
        (Some(false), None) => return,
        (_, None) => {
            errors.push(format!("{p} is missing"));
            return;
        }
        _ => {}
    }
    let Some(actual) = actual else { return };
    if let Some(e) = &fact.equals {
        let e = expected(e);
        if *actual != e {
            errors.push(format!("{p} is {actual}, expected {e}"));
        }
    }
    if let Some(e) = &fact.not_equals {
        let e = expected(e);
        if *actual == e {
            errors.push(format!("{p} is {actual}, expected anything else"));
        }
    }
    if let Some(n) = fact.length {
        let len = match actual {
            Value::Array(a) => Some(a.len()),
            Value::Object(o) => Some(o.len()),
            Value::String(s) => Some(s.chars().count()),
            _ => None,
        };
        if len != Some(n) {
            errors.push(format!("{p} has length {len:?}, expected {n}: {actual}"));
        }
    }
    let contains = |v: &Value| match (actual, v) {
        (Value::Array(items), v) => items.contains(v),
        (Value::String(s), Value::String(part)) => s.contains(part.as_str()),
        _ => false,
    };
    if let Some(e) = &fact.contains {
        let e = expected(e);
        if !contains(&e) {
            errors.push(format!("{p} does not contain {e}: {actual}"));
        }
    }
    if let Some(e) = &fact.not_contains {
        let e = expected(e);
        if contains(&e) {
            errors.push(format!("{p} contains {e}: {actual}"));
        }
    }
    if let Some(e) = &fact.like {
        let e = expected(e);
        if !like(actual, &e) {
            errors.push(format!("{p} is not like {e}: {actual}"));
        }
    }
    let items = actual.as_array().map(Vec::as_slice);
    if let Some(e) = &fact.contains_like {
        let e = expected(e);
        if !items.is_some_and(|items| items.iter().any(|i| like(i, &e))) {
            errors.push(format!("{p} has no element like {e}: {actual}"));
        }
    }
    if let Some(e) = &fact.not_contains_like {
        let e = expected(e);
        if items.is_none_or(|items| items.iter().any(|i| like(i, &e))) {
            errors.push(format!(
                "{p} has an element like {e} (or is no array): {actual}"
            ));
        }
    }
    if let Some(e) = &fact.all_like {
        let e = expected(e);
        if items.is_none_or(|items| !items.iter().all(|i| like(i, &e))) {
            errors.push(format!("{p}: not every element is like {e}: {actual}"));
        }
    }
    if let Some(keys) = &fact.keys {
        let mut expected_keys = keys.clone();
        expected_keys.sort();
        let mut actual_keys: Vec<String> = actual
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        actual_keys.sort();
        if actual_keys != expected_keys {
            errors.push(format!(
                "{p} has keys {actual_keys:?}, expected exactly {expected_keys:?}"
            ));
        }
    }
    if let Some(k) = &fact.kind
        && kind(actual) != k
    {
        errors.push(format!(
            "{p} is a {}, expected a {k}: {actual}",
            kind(actual)
        ));
    }
    if let Some(prefix) = &fact.starts_with {
        let prefix = vars.text(prefix).unwrap_or_default();
        if !actual.as_str().is_some_and(|s| s.starts_with(&prefix)) {
            errors.push(format!(
                "{p} is {actual}, expected to start with {prefix:?}"
            ));
        }
    }
    if fact.timestamp && actual.as_str().and_then(rfc3339).is_none() {
        errors.push(format!("{p} is {actual}, not an RFC 3339 timestamp"));
    }
    if let Some(other) = &fact.same_instant {
        let other = vars.text(other).unwrap_or_default();
        let same = actual
            .as_str()
            .and_then(rfc3339)
            .zip(rfc3339(&other))
            .is_some_and(|(a, b)| a == b);
        if !same {
            errors.push(format!("{p} is {actual}, expected the instant {other:?}"));
        }
    }
}

fn body_fact(raw: &[u8], fact: &BodyFact, vars: &mut Vars, errors: &mut Vec<String>) {
    let text = String::from_utf8_lossy(raw);
    let body = text.as_ref();
    if let Some(expected) = &fact.equals {
        let expected = vars.text(expected).unwrap_or_else(|e| format!("<{e}>"));
        if raw != expected.as_bytes() {
            errors.push(format!(
                "the body is {body:.300?}, expected exactly {expected:.300?}"
            ));
        }
    }
    if let Some(empty) = fact.empty
        && empty != body.is_empty()
    {
        errors.push(format!(
            "the body should {}be empty: {body:.200}",
            if empty { "" } else { "not " }
        ));
    }
    for text in &fact.contains {
        let text = vars.text(text).unwrap_or_default();
        if !body.contains(&text) {
            errors.push(format!("the body does not contain {text:?}"));
        }
    }
    for text in &fact.not_contains {
        let text = vars.text(text).unwrap_or_default();
        if body.contains(&text) {
            errors.push(format!("the body contains {text:?}"));
        }
    }
    for (text, n) in &fact.occurrences {
        let text = vars.text(text).unwrap_or_default();
        let count = body.matches(&text).count();
        if count != *n {
            errors.push(format!(
                "the body contains {text:?} {count} times, expected {n}"
            ));
        }
    }
}

fn multipart_fact(parts: &[Part], fact: &MultipartFact, vars: &mut Vars, errors: &mut Vec<String>) {
    if let Some(n) = fact.parts
        && parts.len() != n
    {
        errors.push(format!("{} parts, expected {n}", parts.len()));
    }
    for expected in &fact.part {
        let Some(part) = parts.get(expected.index) else {
            errors.push(format!("no part {}", expected.index));
            continue;
        };
        for (name, f) in &expected.headers {
            let lower = name.to_ascii_lowercase();
            let value = part
                .headers
                .iter()
                .find(|(n, _)| *n == lower)
                .map(|(_, v)| v.as_str());
            header_fact(
                &format!("{name} of part {}", expected.index),
                value,
                f,
                &part.body,
                vars,
                errors,
            );
        }
        if let Some(body) = &expected.body {
            let body = vars.text(body).unwrap_or_default();
            if part.body != body.as_bytes() {
                errors.push(format!(
                    "part {} is {:?}, expected {body:?}",
                    expected.index,
                    String::from_utf8_lossy(&part.body)
                ));
            }
        }
    }
}

/// The mismatches between a response and the expectations of its step.
pub fn expectations(
    received: &Received,
    expect: &Expect,
    library: &Map<String, Value>,
    vars: &mut Vars,
) -> Vec<String> {
    let mut errors = Vec::new();
    if !expect.status.accepts(received.status) {
        errors.push(format!(
            "status {}, expected {}",
            received.status, expect.status
        ));
        return errors;
    }
    for (name, fact) in &expect.headers {
        let value = received.header(name);
        header_fact(
            name,
            value.as_deref(),
            fact,
            &received.body,
            vars,
            &mut errors,
        );
    }
    let parts = match &expect.multipart {
        Some(fact) => match multipart(received) {
            Ok(parts) => {
                multipart_fact(&parts, fact, vars, &mut errors);
                Some(parts)
            }
            Err(e) => {
                errors.push(format!("multipart: {e}"));
                return errors;
            }
        },
        None => None,
    };
    if !expect.json.is_empty() {
        match json_document(received, parts.as_deref()) {
            Ok(doc) => {
                for fact in &expect.json {
                    json_fact(&doc, fact, library, vars, &mut errors);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if let Some(fact) = &expect.body {
        body_fact(&received.body, fact, vars, &mut errors);
    }
    errors
}
