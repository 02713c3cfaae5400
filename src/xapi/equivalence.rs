//! Statement comparison (Data 2.3.1 "Statement Comparison Requirements"): used when a statement
//! id is sent again (same statement: 204/200, different: 409) and to check a signed
//! statement against its JWS payload (Data 2.6).
//!
//! Differences that an exception to immutability could cause are ignored:
//! * `id` only counts when both sides have one (a signature payload may lack it);
//!   `stored`, `authority`, `version` are set by the LRS and ignored;
//! * `timestamp` is compared as an instant truncated to the millisecond, and only when both
//!   sides have one: a timestamp "MAY be truncated or rounded to a precision of at least 3
//!   decimal digits for seconds" (Data 4.5), so a client that re-sends its statement after its
//!   copy went through a millisecond clock (a JavaScript `Date`, a Java `Instant` in
//!   milliseconds) is re-sending the same statement;
//! * Verb `display` and Activity `definition` are "not considered part of the Statement";
//! * `attachments` are "not part of Statements";
//! * the order of Group members; a single context activity versus a one-element array;
//! * case where the spec makes it insignificant: e-mail domains, UUID and SHA-1 hex digits,
//!   language tags; default `objectType`s (`Agent`, `Activity`) written or omitted;
//! * duration precision below 0.01 s (Data 4.6) and number spelling (`1` vs `1.0`).
//!
//! Everything else, including IRIs, is compared exactly.

use serde_json::{Map, Value};

use super::ifi::normalise_mbox;
use super::syntax::{duration_for_comparison, parse_any_timestamp};
use super::validate::is_group;

/// True when `a` and `b` are the same statement under the rules above.
pub fn statements_equivalent(a: &Value, b: &Value) -> bool {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    if let (Some(x), Some(y)) = (text(a, "id"), text(b, "id"))
        && !x.eq_ignore_ascii_case(&y)
    {
        return false;
    }
    if let (Some(x), Some(y)) = (a.get("timestamp"), b.get("timestamp"))
        && instant(x) != instant(y)
    {
        return false;
    }
    canonical_statement(a, false) == canonical_statement(b, false)
}

/// A timestamp as a comparable instant in whole milliseconds since the epoch (or the raw value
/// when it does not parse).
fn instant(v: &Value) -> Value {
    match v.as_str().and_then(parse_any_timestamp) {
        Some(t) => Value::from(t.timestamp_millis()),
        None => v.clone(),
    }
}

fn canonical_statement(s: &Value, sub: bool) -> Value {
    let Some(obj) = s.as_object() else {
        return numbers(s);
    };
    let mut out = Map::new();
    for (k, v) in obj {
        let canon = match k.as_str() {
            "id" | "stored" | "authority" | "version" | "attachments" if !sub => continue,
            "timestamp" if !sub => continue,
            "timestamp" => instant(v),
            "actor" => agent(v),
            "verb" => verb(v),
            "object" => object(v),
            "context" => context(v),
            "result" => result(v),
            _ => numbers(v),
        };
        out.insert(k.clone(), canon);
    }
    Value::Object(out)
}

fn verb(v: &Value) -> Value {
    let mut out = Map::new();
    if let Some(id) = v.get("id") {
        out.insert("id".into(), id.clone());
    }
    Value::Object(out)
}

fn activity(v: &Value) -> Value {
    let mut out = Map::new();
    out.insert("objectType".into(), Value::String("Activity".into()));
    if let Some(id) = v.get("id") {
        out.insert("id".into(), id.clone());
    }
    Value::Object(out)
}

fn lowercase(v: &Value) -> Value {
    match v.as_str() {
        Some(s) => Value::String(s.to_ascii_lowercase()),
        None => v.clone(),
    }
}

fn object(v: &Value) -> Value {
    match v.get("objectType").and_then(Value::as_str) {
        None | Some("Activity") => activity(v),
        Some("Agent" | "Group") => agent(v),
        Some("StatementRef") => {
            let mut out = v.as_object().cloned().unwrap_or_default();
            if let Some(id) = out.get_mut("id") {
                *id = lowercase(id);
            }
            Value::Object(out)
        }
        Some("SubStatement") => canonical_statement(v, true),
        Some(_) => numbers(v),
    }
}

/// An Agent or Group with default objectType, case-normalised IFIs and sorted members.
fn agent(v: &Value) -> Value {
    let Some(obj) = v.as_object() else {
        return v.clone();
    };
    let mut out = obj.clone();
    if !is_group(v) {
        out.insert("objectType".into(), Value::String("Agent".into()));
    }
    if let Some(Value::String(m)) = out.get_mut("mbox") {
        *m = normalise_mbox(m);
    }
    if let Some(sum) = out.get_mut("mbox_sha1sum") {
        *sum = lowercase(sum);
    }
    if let Some(Value::Array(members)) = out.get_mut("member") {
        let mut canon: Vec<Value> = members.iter().map(agent).collect();
        canon.sort_by_cached_key(Value::to_string);
        *members = canon;
    }
    Value::Object(out)
}

fn context(v: &Value) -> Value {
    let Some(obj) = v.as_object() else {
        return v.clone();
    };
    let mut out = Map::new();
    for (k, val) in obj {
        let canon = match k.as_str() {
            "registration" | "language" => lowercase(val),
            "instructor" | "team" => agent(val),
            "statement" => object(val),
            "contextActivities" => context_activities(val),
            "contextAgents" | "contextGroups" => context_entities(val),
            _ => numbers(val),
        };
        out.insert(k.clone(), canon);
    }
    Value::Object(out)
}

fn context_activities(v: &Value) -> Value {
    let Some(obj) = v.as_object() else {
        return v.clone();
    };
    let mut out = Map::new();
    for (k, val) in obj {
        let list = match val {
            Value::Array(items) => items.iter().map(activity).collect(),
            single => vec![activity(single)],
        };
        // An empty list says nothing; treat it like an absent key.
        if !list.is_empty() {
            out.insert(k.clone(), Value::Array(list));
        }
    }
    Value::Object(out)
}

/// 2.0 contextAgents / contextGroups: normalise the embedded Agent or Group.
fn context_entities(v: &Value) -> Value {
    let Some(items) = v.as_array() else {
        return v.clone();
    };
    let canon = items
        .iter()
        .map(|entry| {
            let mut e = entry.as_object().cloned().unwrap_or_default();
            for key in ["agent", "group"] {
                if let Some(a) = e.get_mut(key) {
                    *a = agent(a);
                }
            }
            Value::Object(e)
        })
        .collect();
    Value::Array(canon)
}

fn result(v: &Value) -> Value {
    let mut out = numbers(v);
    if let Some(Value::String(d)) = out.get_mut("duration") {
        *d = duration_for_comparison(d);
    }
    out
}

/// Every number as an f64, so `1`, `1.0` and `1e0` compare equal.
fn numbers(v: &Value) -> Value {
    match v {
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| v.clone(), Value::Number),
        Value::Array(items) => Value::Array(items.iter().map(numbers).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, x)| (k.clone(), numbers(x))).collect())
        }
        other => other.clone(),
    }
}
