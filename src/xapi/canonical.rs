//! Substituting canonical Activity definitions into a statement (`format=canonical`,
//! Communication 2.1.3: "Return Activity Objects ... using the canonical definitions").

use serde_json::Value;

use super::validate::CONTEXT_ACTIVITY_KEYS;

/// Every Activity id in the statement (object, context activities, and inside a SubStatement).
pub fn activity_ids(statement: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    visit(statement, &mut |activity| {
        if let Some(id) = activity.get("id").and_then(Value::as_str) {
            ids.push(id.to_owned());
        }
    });
    ids.sort();
    ids.dedup();
    ids
}

/// Replaces the `definition` of every Activity for which `canonical` knows one.
pub fn substitute_definitions(statement: &mut Value, canonical: &dyn Fn(&str) -> Option<Value>) {
    visit_mut(statement, &mut |activity| {
        let definition = activity
            .get("id")
            .and_then(Value::as_str)
            .and_then(canonical);
        if let (Some(definition), Value::Object(map)) = (definition, activity) {
            map.insert("definition".into(), definition);
        }
    });
}

fn is_activity(object: &Value) -> bool {
    matches!(
        object.get("objectType").and_then(Value::as_str),
        None | Some("Activity")
    ) && object.get("id").is_some()
}

fn visit(statement: &Value, f: &mut dyn FnMut(&Value)) {
    if let Some(object) = statement.get("object") {
        if is_activity(object) {
            f(object);
        } else if object.get("objectType").and_then(Value::as_str) == Some("SubStatement") {
            visit(object, f);
        }
    }
    if let Some(Value::Object(context)) = statement.pointer("/context/contextActivities") {
        for key in CONTEXT_ACTIVITY_KEYS {
            match context.get(key) {
                Some(Value::Array(list)) => list.iter().for_each(&mut *f),
                Some(single @ Value::Object(_)) => f(single),
                _ => {}
            }
        }
    }
}

fn visit_mut(statement: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Some(object) = statement.get_mut("object") {
        if is_activity(object) {
            f(object);
        } else if object.get("objectType").and_then(Value::as_str) == Some("SubStatement") {
            visit_mut(object, f);
        }
    }
    if let Some(Value::Object(context)) = statement.pointer_mut("/context/contextActivities") {
        for key in CONTEXT_ACTIVITY_KEYS {
            match context.get_mut(key) {
                Some(Value::Array(list)) => list.iter_mut().for_each(&mut *f),
                Some(single @ Value::Object(_)) => f(single),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn definitions_are_replaced_in_the_object_context_and_substatement() {
        let mut statement = json!({
            "object": {"objectType": "SubStatement",
                       "object": {"id": "http://a/sub", "definition": {"type": "http://t/old"}}},
            "context": {"contextActivities": {"parent": [{"id": "http://a/parent"}]}}
        });
        assert_eq!(
            activity_ids(&statement),
            vec!["http://a/parent", "http://a/sub"]
        );
        substitute_definitions(&mut statement, &|id| Some(json!({"name": {"en": id}})));
        assert_eq!(
            statement["object"]["object"]["definition"],
            json!({"name": {"en": "http://a/sub"}})
        );
        assert_eq!(
            statement["context"]["contextActivities"]["parent"][0]["definition"],
            json!({"name": {"en": "http://a/parent"}})
        );
    }
}
