//! Document rules shared by the State, Activity Profile and Agent Profile resources
//! (Communication 2.2, "Documents Resources").

use serde_json::{Map, Value};

/// Whether a Content-Type names JSON (parameters such as `charset` are ignored).
pub fn is_json_media_type(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// Parses a document body that claims to be JSON into an object.
pub fn json_object(body: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// The POST merge (Communication 2.2, "JSON Procedure with Requirements"): the top-level
/// properties of the posted object replace those of the stored one; nested objects are
/// replaced whole, not merged.
pub fn merge_objects(
    mut stored: Map<String, Value>,
    posted: Map<String, Value>,
) -> Map<String, Value> {
    for (key, value) in posted {
        stored.insert(key, value);
    }
    stored
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn the_merge_replaces_top_level_properties_only() {
        let stored = object(
            json!({"car": {"make": "Ford", "model": "Escape"}, "driver": "Dale", "keep": 1}),
        );
        let posted = object(json!({"car": {"make": "Dodge"}, "driver": "Jeff"}));
        assert_eq!(
            Value::Object(merge_objects(stored, posted)),
            json!({"car": {"make": "Dodge"}, "driver": "Jeff", "keep": 1})
        );
    }

    #[test]
    fn json_media_types_ignore_parameters_and_case() {
        assert!(is_json_media_type("application/json"));
        assert!(is_json_media_type("Application/JSON; charset=utf-8"));
        assert!(!is_json_media_type("application/octet-stream"));
        assert!(!is_json_media_type("text/json"));
    }

    #[test]
    fn only_objects_count_as_json_documents() {
        assert!(json_object(b"{\"a\":1}").is_some());
        assert!(json_object(b"[1]").is_none());
        assert!(json_object(b"{\"a\":1}{").is_none());
    }
}
