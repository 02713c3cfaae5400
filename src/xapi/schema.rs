//! The structural layer: JSON Schema (draft 2020-12) for statements and agent parameters,
//! compiled once per xAPI version. It checks JSON types, required and allowed properties
//! (Data 2.2: no unknown keys, no `null`, case-exact keys and enumerations); string formats
//! and cross-property rules are left to `validate`.

use std::sync::LazyLock;

use jsonschema::Validator;
use serde_json::{Map, Value};

use super::error::ValidationError;
use super::version::XapiVersion;

const STATEMENT_SCHEMA: &str = include_str!("schema/statement.json");
const CONTEXT_2_0_SCHEMA: &str = include_str!("schema/context-2.0.json");

/// Compiled validators for one xAPI version.
pub(crate) struct Schemas {
    statement: Validator,
    agent: Validator,
}

static V1_0: LazyLock<Result<Schemas, String>> = LazyLock::new(|| compile(false));
static V2_0: LazyLock<Result<Schemas, String>> = LazyLock::new(|| compile(true));

/// The schema document for a version: 1.0.3 as written, 2.0 with the context additions merged.
fn document(v2: bool) -> Result<Value, String> {
    let mut doc: Value = serde_json::from_str(STATEMENT_SCHEMA).map_err(|e| e.to_string())?;
    if v2 {
        let extra: Value = serde_json::from_str(CONTEXT_2_0_SCHEMA).map_err(|e| e.to_string())?;
        let defs = doc
            .get_mut("$defs")
            .and_then(Value::as_object_mut)
            .ok_or("schema has no $defs")?;
        for (k, v) in extra
            .get("$defs")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            defs.insert(k.clone(), v.clone());
        }
        let context_props = defs
            .get_mut("context")
            .and_then(|c| c.get_mut("properties"))
            .and_then(Value::as_object_mut)
            .ok_or("schema has no context properties")?;
        let additions = extra.get("contextProperties").and_then(Value::as_object);
        for (k, v) in additions.into_iter().flatten() {
            context_props.insert(k.clone(), v.clone());
        }
    }
    Ok(doc)
}

/// The same document with its root pointed at another definition.
fn rooted_at(doc: &Value, def: &str) -> Value {
    let mut root = Map::new();
    for key in ["$schema", "$defs"] {
        if let Some(v) = doc.get(key) {
            root.insert(key.into(), v.clone());
        }
    }
    root.insert("$ref".into(), Value::String(format!("#/$defs/{def}")));
    Value::Object(root)
}

fn compile(v2: bool) -> Result<Schemas, String> {
    let doc = document(v2)?;
    let build = |schema: &Value| {
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(schema)
            .map_err(|e| e.to_string())
    };
    Ok(Schemas {
        statement: build(&doc)?,
        agent: build(&rooted_at(&doc, "actor"))?,
    })
}

fn schemas(version: XapiVersion) -> Result<&'static Schemas, ValidationError> {
    let compiled = if version.is_v2() { &*V2_0 } else { &*V1_0 };
    // The schema is embedded and covered by tests; failing to compile is a build defect, but
    // we still answer with an error rather than panic.
    compiled
        .as_ref()
        .map_err(|e| ValidationError::new("schema", format!("internal schema error: {e}")))
}

/// Structural check of a statement; `root` names the document in error paths.
pub(crate) fn check_statement(
    stmt: &Value,
    version: XapiVersion,
    root: &str,
) -> Result<(), ValidationError> {
    let s = schemas(version)?;
    s.statement.validate(stmt).map_err(|e| to_error(&e, root))
}

/// Structural check of an Agent or Group given as a parameter.
pub(crate) fn check_agent(
    agent: &Value,
    version: XapiVersion,
    root: &str,
) -> Result<(), ValidationError> {
    let s = schemas(version)?;
    s.agent.validate(agent).map_err(|e| to_error(&e, root))
}

/// Turns a JSON pointer (`/context/contextActivities/parent/0/id`) into a readable path
/// (`statement.context.contextActivities.parent[0].id`).
fn readable_path(root: &str, pointer: &str) -> String {
    let mut out = root.to_owned();
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else if seg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            out.push('.');
            out.push_str(&seg);
        } else {
            out.push_str(&format!("[{seg:?}]"));
        }
    }
    out
}

/// Keeps error messages short: jsonschema quotes the offending value, which can be a whole
/// object.
fn shorten(message: String) -> String {
    const MAX: usize = 300;
    if message.chars().count() <= MAX {
        return message;
    }
    let cut: String = message.chars().take(MAX).collect();
    format!("{cut}...")
}

fn to_error(e: &jsonschema::ValidationError<'_>, root: &str) -> ValidationError {
    ValidationError::new(
        readable_path(root, e.instance_path().as_str()),
        shorten(e.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_compile_for_both_versions() {
        assert!(V1_0.is_ok(), "{:?}", V1_0.as_ref().err());
        assert!(V2_0.is_ok(), "{:?}", V2_0.as_ref().err());
    }

    #[test]
    fn pointer_to_path() {
        assert_eq!(
            readable_path("statement", "/context/contextActivities/parent/0/id"),
            "statement.context.contextActivities.parent[0].id"
        );
        assert_eq!(readable_path("statement", ""), "statement");
        assert_eq!(
            readable_path("statement", "/result/extensions/http:~1~1x"),
            "statement.result.extensions[\"http://x\"]"
        );
    }

    #[test]
    fn long_messages_are_cut() {
        let long = "x".repeat(1000);
        assert!(shorten(long).len() < 310);
    }
}
