//! `statements_equivalent` (Data 2.3.1 comparison rules).

use serde_json::{Value, json};

use crate::xapi::statements_equivalent;

fn statement() -> Value {
    json!({
        "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
        "actor": {"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}, {"openid": "http://o.org/b"}]},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"en-US": "attempted"}},
        "object": {"id": "http://example.com/a", "definition": {"name": {"en": "A"}}},
        "result": {"score": {"raw": 1}, "duration": "PT1.12S"},
        "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
                    "contextActivities": {"parent": [{"id": "http://example.com/p"}]}, "language": "en-US"},
        "timestamp": "2023-05-04T17:00:00Z"
    })
}

fn with(path: &str, value: Value) -> Value {
    super::set(statement(), path, value)
}

#[test]
fn identical_statements_are_equivalent() {
    assert!(statements_equivalent(&statement(), &statement()));
}

#[test]
fn lrs_set_properties_are_ignored() {
    let mut stored = statement();
    stored["stored"] = json!("2024-01-01T00:00:00.000Z");
    stored["authority"] = json!({"mbox": "mailto:lrs@example.com"});
    stored["version"] = json!("1.0.0");
    stored["attachments"] = json!([{"usageType": "http://x.org/u"}]);
    assert!(statements_equivalent(&statement(), &stored));
    assert!(statements_equivalent(
        &super::unset(statement(), "id"),
        &statement()
    ));
    assert!(statements_equivalent(
        &super::unset(statement(), "timestamp"),
        &statement()
    ));
}

#[test]
fn ids_and_timestamps_compare_when_both_present() {
    assert!(!statements_equivalent(
        &with("id", json!("8f87ccde-bb56-4c2e-ab83-44982ef22df0")),
        &statement()
    ));
    assert!(statements_equivalent(
        &with("id", json!("FD41C918-B88B-4B20-A0A5-A4C32391AAA0")),
        &statement()
    ));
    assert!(statements_equivalent(
        &with("timestamp", json!("2023-05-04T12:00:00.000-05:00")),
        &statement()
    ));
    assert!(!statements_equivalent(
        &with("timestamp", json!("2023-05-04T17:00:01Z")),
        &statement()
    ));
}

#[test]
fn timestamps_compare_to_the_millisecond() {
    // Data 4.5: a timestamp may be truncated to milliseconds on its way.
    let at = |t: &str| with("timestamp", json!(t));
    assert!(statements_equivalent(
        &at("2023-05-04T17:00:00.1234Z"),
        &at("2023-05-04T17:00:00.123Z")
    ));
    assert!(statements_equivalent(
        &at("2023-05-04T17:00:00.123999+00:00"),
        &at("2023-05-04T19:00:00.123+02:00")
    ));
    assert!(!statements_equivalent(
        &at("2023-05-04T17:00:00.123Z"),
        &at("2023-05-04T17:00:00.124Z")
    ));
    assert!(!statements_equivalent(
        &at("2023-05-04T17:00:00.1239Z"),
        &at("2023-05-04T17:00:00.124Z")
    ));
}

#[test]
fn serialisation_differences_are_ignored() {
    let variants = [
        with(
            "actor.member",
            json!([{"openid": "http://o.org/b"}, {"objectType": "Agent", "mbox": "mailto:a@EXAMPLE.com"}]),
        ),
        with(
            "context.contextActivities.parent",
            json!({"id": "http://example.com/p", "objectType": "Activity"}),
        ),
        with(
            "context.registration",
            json!("EC531277-B57B-4C15-8D91-D292C5B2B8F7"),
        ),
        with("context.language", json!("en-us")),
        with("result.duration", json!("PT1.1299S")),
        with("result.score.raw", json!(1.0)),
        with("object.objectType", json!("Activity")),
        with("verb.display", json!({"fr": "essayé"})),
        with("object.definition", json!({"name": {"de": "B"}})),
    ];
    for v in variants {
        assert!(statements_equivalent(&v, &statement()), "{v:#}");
        assert!(statements_equivalent(&statement(), &v), "{v:#}");
    }
}

#[test]
fn meaningful_differences_are_not_ignored() {
    let variants = [
        with("actor.member", json!([{"mbox": "mailto:a@example.com"}])),
        with(
            "actor.member",
            json!([{"mbox": "mailto:A@example.com"}, {"openid": "http://o.org/b"}]),
        ),
        with("verb.id", json!("http://adlnet.gov/expapi/verbs/Attempted")),
        with("object.id", json!("http://example.com/A")),
        with("result.duration", json!("PT1.13S")),
        with("result.duration", json!("PT1S")),
        with("result.score.raw", json!(2)),
        with("result.success", json!(true)),
        with(
            "context.contextActivities.parent",
            json!([{"id": "http://example.com/q"}]),
        ),
        super::unset(statement(), "result"),
    ];
    for v in variants {
        assert!(!statements_equivalent(&v, &statement()), "{v:#}");
        assert!(!statements_equivalent(&statement(), &v), "{v:#}");
    }
}

#[test]
fn substatements_compare_recursively() {
    let sub = json!({"objectType": "SubStatement", "actor": {"mbox": "mailto:s@example.com"},
                     "verb": {"id": "http://x.org/v"}, "object": {"id": "http://x.org/a"},
                     "timestamp": "2031-01-01T00:00:00Z"});
    let a = with("object", sub.clone());
    let b = with(
        "object",
        super::set(sub.clone(), "timestamp", json!("2030-12-31T19:00:00-05:00")),
    );
    assert!(statements_equivalent(&a, &b));
    let c = with(
        "object",
        super::set(sub, "verb.id", json!("http://x.org/w")),
    );
    assert!(!statements_equivalent(&a, &c));
}

#[test]
fn non_objects_do_not_panic() {
    assert!(statements_equivalent(&json!(null), &json!(null)));
    assert!(!statements_equivalent(&json!([1]), &statement()));
}
