//! No input may make the domain functions panic (STYLE: never panic on any input). Every
//! property of some valid statements is replaced, one at a time, by hostile values, and every
//! public function is run on the result.

use chrono::Utc;
use serde_json::{Value, json};

use crate::xapi::{
    Format, PrepareContext, format_statement, ifi_key, index_statement, parse_agent_param,
    prepare_for_storage, statements_equivalent, validate_statement, verify_signature,
};

use super::{V1, V2, base, set, substatement};

fn hostile_values() -> Vec<Value> {
    vec![
        json!(null),
        json!(0),
        json!(-1.5e300),
        json!(""),
        json!("é\u{0}\u{202e}"),
        json!("x".repeat(10_000)),
        json!([]),
        json!([null, [], {}]),
        json!({}),
        json!({"objectType": "SubStatement"}),
        json!(true),
    ]
}

/// JSON pointers of every value inside `v`.
fn pointers(v: &Value, prefix: String, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                let p = format!("{prefix}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(x, p, out);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                let p = format!("{prefix}/{i}");
                out.push(p.clone());
                pointers(x, p, out);
            }
        }
        _ => {}
    }
}

fn rich_statement() -> Value {
    let sub = set(
        substatement(),
        "context.contextActivities.parent",
        json!({"id": "http://x.org/p"}),
    );
    let s = set(base(), "object", sub);
    let s = set(
        s,
        "result",
        json!({"score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}, "duration": "PT1.5S"}),
    );
    let s = set(
        s,
        "context.contextAgents",
        json!([{"objectType": "contextAgent", "agent": {"mbox": "mailto:a@b.co"}}]),
    );
    set(
        s,
        "attachments",
        json!([{"usageType": "http://x.org/u", "display": {"en": "d"},
        "contentType": "text/plain", "length": 1, "sha2": "ab".repeat(32)}]),
    )
}

fn exercise(stmt: &Value) {
    let ctx = PrepareContext {
        stored: Utc::now(),
        authority: json!({"mbox": "mailto:lrs@x.org"}),
        version: V2,
    };
    for version in [V1, V2] {
        let _ = validate_statement(stmt, version);
    }
    let _ = statements_equivalent(stmt, &rich_statement());
    let _ = ifi_key(stmt);
    let _ = verify_signature(stmt, b"a.b.c");
    for format in [Format::Exact, Format::Ids, Format::Canonical] {
        let _ = format_statement(stmt, format, &["en".to_owned()]);
    }
    if let Ok(prepared) = prepare_for_storage(stmt.clone(), &ctx) {
        let _ = index_statement(&prepared);
    }
    let _ = index_statement(stmt);
    let _ = parse_agent_param(&stmt.to_string(), V1);
}

#[test]
fn hostile_values_anywhere_do_not_panic() {
    let stmt = rich_statement();
    let mut paths = Vec::new();
    pointers(&stmt, String::new(), &mut paths);
    assert!(paths.len() > 40);
    for path in &paths {
        for value in hostile_values() {
            let mut mutated = stmt.clone();
            if let Some(slot) = mutated.pointer_mut(path) {
                *slot = value;
            }
            exercise(&mutated);
        }
    }
    for value in hostile_values() {
        exercise(&value);
    }
}

#[test]
fn deep_nesting_does_not_panic() {
    let mut deep = json!("leaf");
    for _ in 0..100 {
        deep = json!({"http://x.org/e": [deep]});
    }
    exercise(&set(base(), "result.extensions", deep));
}
