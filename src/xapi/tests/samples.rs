//! Real-world sample statements (datasim, Apache-2.0; see `testdata/README.md`) must validate
//! and survive preparation and indexing.

use chrono::Utc;
use serde_json::{Value, json};

use crate::xapi::{PrepareContext, index_statement, prepare_for_storage, validate_statement};

use super::{V1, V2};

const SAMPLES: [(&str, &str); 3] = [
    (
        "datasim-simple.json",
        include_str!("../testdata/datasim-simple.json"),
    ),
    (
        "datasim-long.json",
        include_str!("../testdata/datasim-long.json"),
    ),
    (
        "datasim-tccc-selection.json",
        include_str!("../testdata/datasim-tccc-selection.json"),
    ),
];

fn statements() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (name, text) in SAMPLES {
        let parsed: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        assert!(!parsed.is_null(), "{name} is not JSON");
        match parsed {
            Value::Array(list) => {
                for (i, s) in list.into_iter().enumerate() {
                    out.push((format!("{name}[{i}]"), s));
                }
            }
            single => out.push((name.to_owned(), single)),
        }
    }
    out
}

#[test]
fn samples_validate_under_1_0_3_and_2_0() {
    let all = statements();
    assert_eq!(all.len(), 13);
    for (name, s) in all {
        if let Err(e) = validate_statement(&s, V1) {
            panic!("{name}: {e}");
        }
        if let Err(e) = validate_statement(&s, V2) {
            panic!("{name} (2.0): {e}");
        }
    }
}

#[test]
fn samples_prepare_and_index() {
    let ctx = PrepareContext {
        stored: Utc::now(),
        authority: json!({"objectType": "Agent", "account": {"homePage": "http://lrs.example", "name": "test"}}),
        version: V1,
    };
    for (name, s) in statements() {
        let stored = prepare_for_storage(s.clone(), &ctx);
        let stored = match stored {
            Ok(v) => v,
            Err(e) => panic!("{name}: {e}"),
        };
        if let Err(e) = validate_statement(&stored, V1) {
            panic!("{name} after preparation: {e}");
        }
        let index = match index_statement(&stored) {
            Ok(i) => i,
            Err(e) => panic!("{name}: {e}"),
        };
        assert_eq!(
            Some(index.verb_id.as_str()),
            s.pointer("/verb/id").and_then(Value::as_str)
        );
        assert!(index.actor.is_some(), "{name}");
        assert!(!index.related_activities.is_empty(), "{name}");
    }
}
