//! Text as PostgreSQL can store it. JSON and xAPI allow the NUL character (U+0000) in any
//! string; PostgreSQL's `text` and `jsonb` refuse it. Statements themselves are stored as JSON
//! text, where it stays escaped (`\u0000`) and comes back exactly; the rows derived from them
//! (agents and their names, canonical Activity definitions, the analytics' learners, courses
//! and activities) store U+FFFD, the replacement character, in its place. Their keys are
//! hashes of the original text, so two identifiers that differ only there stay apart.

use std::borrow::Cow;

use serde_json::Value;

const NUL: char = '\0';
const REPLACEMENT: &str = "\u{FFFD}";

/// The text with every NUL replaced; borrowed when it has none (nearly always).
pub fn storable(text: &str) -> Cow<'_, str> {
    if text.contains(NUL) {
        Cow::Owned(text.replace(NUL, REPLACEMENT))
    } else {
        Cow::Borrowed(text)
    }
}

/// The JSON value with every NUL in its strings and keys replaced; borrowed when it has none.
pub fn storable_json(value: &Value) -> Cow<'_, Value> {
    if has_nul(value) {
        Cow::Owned(replaced(value))
    } else {
        Cow::Borrowed(value)
    }
}

fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains(NUL),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains(NUL) || has_nul(v)),
        _ => false,
    }
}

fn replaced(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::String(storable(s).into_owned()),
        Value::Array(items) => Value::Array(items.iter().map(replaced).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (storable(k).into_owned(), replaced(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nul_becomes_the_replacement_character_everywhere() {
        assert!(matches!(storable("plain"), Cow::Borrowed("plain")));
        assert_eq!(storable("a\0b\0"), "a\u{FFFD}b\u{FFFD}");
        let value = json!({"name": {"en-US": "x\u{0}y"}, "k\u{0}": [1, "\u{0}"], "n": null});
        assert_eq!(
            storable_json(&value).into_owned(),
            json!({"name": {"en-US": "x\u{FFFD}y"}, "k\u{FFFD}": [1, "\u{FFFD}"], "n": null})
        );
        let clean = json!({"name": {"en-US": "xy"}});
        assert!(matches!(storable_json(&clean), Cow::Borrowed(_)));
    }
}
