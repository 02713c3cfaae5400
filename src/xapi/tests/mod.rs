//! Cross-module tests of the xAPI domain. The accept/reject cases re-state, as our own JSON,
//! what the ADL LRS conformance suite (v1_0_3 and v2_0 folders) expects for POSTed statements;
//! each test names the rule and the spec section it covers.

mod agents;
mod context;
mod equivalence;
mod format;
mod index;
mod objects;
mod robustness;
mod samples;
mod signature;
mod values;

use serde_json::{Value, json};

use super::{XapiVersion, validate_statement};

pub(super) const V1: XapiVersion = XapiVersion::V1_0(3);
pub(super) const V2: XapiVersion = XapiVersion::V2_0(0);

/// The smallest valid statement.
pub(super) fn base() -> Value {
    json!({
        "actor": {"objectType": "Agent", "name": "xAPI mbox", "mbox": "mailto:xapi@adlnet.gov"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-US": "attended"}},
        "object": {"objectType": "Activity", "id": "http://www.example.com/meetings/occurances/34534"}
    })
}

/// A SubStatement object built from `base()`.
pub(super) fn substatement() -> Value {
    let mut s = base();
    s["objectType"] = json!("SubStatement");
    s
}

/// `stmt` with `value` at the dotted `path` (intermediate objects are created).
pub(super) fn set(mut stmt: Value, path: &str, value: Value) -> Value {
    let mut cur = &mut stmt;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, key) in parts.iter().enumerate() {
        if !cur.is_object() {
            *cur = json!({});
        }
        let Some(obj) = cur.as_object_mut() else {
            break;
        };
        if i == parts.len() - 1 {
            obj.insert((*key).to_owned(), value);
            break;
        }
        cur = obj.entry((*key).to_owned()).or_insert_with(|| json!({}));
    }
    stmt
}

/// `stmt` without the property at the dotted `path`.
pub(super) fn unset(mut stmt: Value, path: &str) -> Value {
    let (parent, key) = path.rsplit_once('.').unwrap_or(("", path));
    let target = if parent.is_empty() {
        Some(&mut stmt)
    } else {
        stmt.pointer_mut(&format!("/{}", parent.replace('.', "/")))
    };
    if let Some(Value::Object(o)) = target {
        o.remove(key);
    }
    stmt
}

#[track_caller]
pub(super) fn accepted_by(stmt: &Value, version: XapiVersion) {
    if let Err(e) = validate_statement(stmt, version) {
        panic!("expected {version:?} to accept, got {e}\n{stmt:#}");
    }
}

#[track_caller]
pub(super) fn rejected_by(stmt: &Value, version: XapiVersion, path: &str) {
    match validate_statement(stmt, version) {
        Ok(()) => panic!("expected {version:?} to reject at {path}\n{stmt:#}"),
        Err(e) => assert!(
            e.path.starts_with(path),
            "expected an error at {path}, got {e}\n{stmt:#}"
        ),
    }
}

/// Valid under 1.0.3 and 2.0.
#[track_caller]
pub(super) fn ok(stmt: &Value) {
    accepted_by(stmt, V1);
    accepted_by(stmt, V2);
}

/// Invalid under 1.0.3 and 2.0, with the error at (or below) `path`.
#[track_caller]
pub(super) fn bad(stmt: &Value, path: &str) {
    rejected_by(stmt, V1, path);
    rejected_by(stmt, V2, path);
}

/// The places an Agent may appear, as (dotted path, statement builder) pairs; the builder puts
/// the given agent there.
pub(super) fn agent_positions() -> Vec<(&'static str, Value)> {
    vec![
        ("actor", base()),
        ("context.instructor", base()),
        ("object", base()),
        ("object.actor", set(base(), "object", substatement())),
        (
            "object.context.instructor",
            set(base(), "object", substatement()),
        ),
    ]
}

/// Puts `agent` at each agent position; the object position gets an explicit objectType.
pub(super) fn in_every_agent_position(agent: &Value) -> Vec<(String, Value)> {
    agent_positions()
        .into_iter()
        .map(|(path, stmt)| {
            let mut a = agent.clone();
            if path == "object" && a.get("objectType").is_none() {
                a["objectType"] = json!("Agent");
            }
            (format!("statement.{path}"), set(stmt, path, a))
        })
        .collect()
}
