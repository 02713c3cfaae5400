//! The semantic layer of statement validation: runs after the JSON Schema has accepted the
//! structure, and checks string formats and the rules that span properties.
//! Every rejection names the property (`statement.object.definition.moreInfo`).

mod activity;
mod agent;
mod attachment;
mod common;
mod context;
mod result;

use serde_json::Value;

use self::common::{Check, iri, optional_language_map, string, uuid};
use super::error::{Path, ValidationError};
use super::schema;
use super::syntax::parse_timestamp;
use super::version::XapiVersion;

pub(crate) use self::agent::{IFI_PROPERTIES, is_group};
pub(crate) use self::context::CONTEXT_ACTIVITY_KEYS;

/// The reserved voiding verb (Data 2.3.2).
pub const VOIDED_VERB: &str = "http://adlnet.gov/expapi/verbs/voided";

/// Full validation of one incoming statement: the JSON Schema of `version` first (types,
/// required and allowed properties), then formats and cross-property rules.
pub fn validate_statement(stmt: &Value, version: XapiVersion) -> Result<(), ValidationError> {
    let root = Path::root("statement");
    if !stmt.is_object() {
        return Err(root.err("a statement must be a JSON object"));
    }
    schema::check_statement(stmt, version, "statement")?;
    statement(stmt, version, &root)?;
    // Data 2.3.2: a voiding statement's object MUST be a StatementRef.
    let verb = stmt.pointer("/verb/id").and_then(Value::as_str);
    let object_type = stmt.pointer("/object/objectType").and_then(Value::as_str);
    if verb == Some(VOIDED_VERB) && object_type != Some("StatementRef") {
        return Err(root
            .key("object")
            .err("a voiding statement (verb voided) must have a StatementRef object"));
    }
    Ok(())
}

/// Checks an Agent or Group that stands alone (the `agent` parameter of the Statement and
/// document resources): the schema of the actor position, then the IFI rules.
pub(crate) fn validate_agent(agent: &Value, version: XapiVersion) -> Check {
    let root = Path::root("agent");
    if !agent.is_object() {
        return Err(root.err("an agent must be a JSON object"));
    }
    schema::check_agent(agent, version, "agent")?;
    agent::actor(agent, &root)
}

/// A statement or, when `path` ends in `object`, a SubStatement (Data 2.4.4.3: "MUST be
/// validated as a Statement"; the schema has already refused id/stored/version/authority and
/// nesting).
fn statement(s: &Value, version: XapiVersion, path: &Path) -> Check {
    if let Some(id) = s.get("id") {
        uuid(id, &path.key("id"))?;
    }
    if let Some(a) = s.get("actor") {
        agent::actor(a, &path.key("actor"))?;
    }
    if let Some(v) = s.get("verb") {
        let p = path.key("verb");
        match v.get("id") {
            Some(id) => iri(id, &p.key("id"))?,
            None => return Err(p.err("a Verb needs an id")),
        }
        optional_language_map(v, "display", &p)?;
    }
    let object = s.get("object");
    if let Some(o) = object {
        statement_object(o, version, &path.key("object"))?;
    }
    if let Some(r) = s.get("result") {
        result::result(r, &path.key("result"))?;
    }
    if let Some(c) = s.get("context") {
        context::context(c, object, &path.key("context"))?;
    }
    for key in ["timestamp", "stored"] {
        if let Some(t) = s.get(key) {
            timestamp(t, version, &path.key(key))?;
        }
    }
    if let Some(a) = s.get("authority") {
        agent::authority(a, &path.key("authority"))?;
    }
    if let Some(v) = s.get("version") {
        let p = path.key("version");
        let text = string(v, &p)?;
        if !version.accepts_statement_version(text) {
            let allowed = if version.is_v2() {
                "1.0.x or 2.0.x"
            } else {
                "1.0.x"
            };
            return Err(p.err(format!(
                "{text:?} is not a supported statement version ({allowed})"
            )));
        }
    }
    if let Some(a) = s.get("attachments") {
        attachment::attachments(a, &path.key("attachments"))?;
    }
    Ok(())
}

/// Data 2.4.4: the object is an Activity (default), Agent, Group, StatementRef or SubStatement.
fn statement_object(o: &Value, version: XapiVersion, path: &Path) -> Check {
    match o.get("objectType").and_then(Value::as_str) {
        None | Some("Activity") => activity::activity(o, path),
        Some("Agent") => agent::agent(o, path),
        Some("Group") => agent::group(o, path),
        Some("StatementRef") => match o.get("id") {
            Some(id) => uuid(id, &path.key("id")),
            None => Err(path.err("a StatementRef needs an id")),
        },
        Some("SubStatement") => statement(o, version, path),
        Some(other) => Err(path
            .key("objectType")
            .err(format!("unknown objectType {other:?}"))),
    }
}

fn timestamp(t: &Value, version: XapiVersion, path: &Path) -> Check {
    let s = string(t, path)?;
    if parse_timestamp(s, version).is_some() {
        return Ok(());
    }
    let expected = if version.is_v2() {
        "an RFC 3339 timestamp such as 2024-05-04T17:00:00.000Z"
    } else {
        "an ISO 8601 timestamp such as 2024-05-04T17:00:00.000Z"
    };
    Err(path.err(format!(
        "{s:?} is not {expected} (offsets of -00:00 are not allowed)"
    )))
}
