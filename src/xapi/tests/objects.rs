//! Verb, object kinds, Activities and interactions, StatementRefs and SubStatements
//! (Data 2.4.3, 2.4.4, 2.3.2).

use serde_json::{Value, json};

use super::{V1, V2, accepted_by, bad, base, ok, rejected_by, set, substatement, unset};

fn with_definition(def: Value) -> Value {
    set(base(), "object.definition", def)
}

#[test]
fn verb_needs_an_iri_id() {
    bad(&unset(base(), "verb.id"), "statement.verb");
    bad(
        &set(base(), "verb.id", json!("ab=c://should.fail.com")),
        "statement.verb.id",
    );
    bad(
        &set(base(), "verb.id", json!("adlnet.gov/expapi/verbs/attended")),
        "statement.verb.id",
    );
    bad(
        &set(
            base(),
            "object",
            set(substatement(), "verb.id", json!("nope")),
        ),
        "statement.object.verb.id",
    );
    ok(&unset(base(), "verb.display"));
}

#[test]
fn verb_display_is_a_language_map() {
    bad(
        &set(base(), "verb.display", json!(12345)),
        "statement.verb.display",
    );
    bad(
        &set(base(), "verb.display", json!("a12345 attended")),
        "statement.verb.display",
    );
    bad(
        &set(base(), "verb.display", json!({"a12345678": "should error"})),
        "statement.verb.display",
    );
    bad(
        &set(base(), "verb.display", json!({"en-US": 1})),
        "statement.verb.display",
    );
    ok(&set(
        base(),
        "verb.display",
        json!({"de": "besuchte", "sr-Cyrl": "x"}),
    ));
}

#[test]
fn object_is_required_and_typed() {
    bad(&unset(base(), "object"), "statement");
    bad(&set(base(), "object", json!(null)), "statement.object");
    for wrong in [
        "activity",
        "agent",
        "group",
        "statementref",
        "substatement",
        "Person",
    ] {
        bad(
            &set(base(), "object.objectType", json!(wrong)),
            "statement.object",
        );
    }
}

#[test]
fn activity_needs_an_iri_id() {
    bad(&unset(base(), "object.id"), "statement.object");
    bad(
        &set(base(), "object.id", json!("ab=c://should.fail.com")),
        "statement.object.id",
    );
    bad(
        &set(base(), "object.id", json!("www.example.com/meetings")),
        "statement.object.id",
    );
    ok(&unset(base(), "object.objectType"));
    ok(&set(
        base(),
        "object.id",
        json!("urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0"),
    ));
}

#[test]
fn activity_definition_properties_are_checked() {
    bad(
        &with_definition(json!("should fail")),
        "statement.object.definition",
    );
    bad(
        &with_definition(json!({"name": 12345})),
        "statement.object.definition.name",
    );
    bad(
        &with_definition(json!({"name": "should fail"})),
        "statement.object.definition.name",
    );
    bad(
        &with_definition(json!({"description": {"a12345678": "x"}})),
        "statement.object.definition.description",
    );
    bad(
        &with_definition(json!({"type": "should fail"})),
        "statement.object.definition.type",
    );
    bad(
        &with_definition(json!({"moreInfo": "virtualmeeting.example.com/345256"})),
        "statement.object.definition.moreInfo",
    );
    bad(
        &with_definition(json!({"extensions": {"should fail": true}})),
        "statement.object.definition.extensions",
    );
    bad(
        &with_definition(json!({"color": "red"})),
        "statement.object.definition",
    );
    ok(&with_definition(json!({})));
    ok(&with_definition(json!({
        "name": {"en-GB": "example meeting", "de-DE": "Besprechung"},
        "description": {"zh-Hant": "x"},
        "type": "http://adlnet.gov/expapi/activities/meeting",
        "moreInfo": "http://virtualmeeting.example.com/345256",
        "extensions": {"http://example.com/ext": {"any": ["thing", null]}}
    })));
}

fn interaction(ty: &str) -> Value {
    json!({"type": "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType": ty})
}

fn components(ids: &[&str]) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| json!({"id": id, "description": {"en-US": id}}))
            .collect(),
    )
}

#[test]
fn every_interaction_type_is_accepted_with_its_component_lists() {
    let cases = [
        ("true-false", vec![]),
        ("choice", vec!["choices"]),
        ("fill-in", vec![]),
        ("long-fill-in", vec![]),
        ("matching", vec!["source", "target"]),
        ("performance", vec!["steps"]),
        ("sequencing", vec!["choices"]),
        ("likert", vec!["scale"]),
        ("numeric", vec![]),
        ("other", vec![]),
    ];
    for (ty, lists) in cases {
        let mut def = interaction(ty);
        def["correctResponsesPattern"] = json!(["a[,]b"]);
        for list in lists {
            def[list] = components(&["a", "b"]);
        }
        ok(&with_definition(def.clone()));
        ok(&set(
            base(),
            "object",
            set(substatement(), "object.definition", def),
        ));
    }
}

#[test]
fn interaction_type_is_an_exact_enumeration() {
    for wrong in [
        "true-faLse",
        "choiCe",
        "Other",
        "http://x.org/choice",
        "should error",
    ] {
        bad(
            &with_definition(interaction(wrong)),
            "statement.object.definition.interactionType",
        );
    }
    bad(
        &with_definition(json!({"interactionType": 12345})),
        "statement.object.definition.interactionType",
    );
    bad(
        &with_definition(json!({"interactionType": {"a": 1}})),
        "statement.object.definition.interactionType",
    );
}

#[test]
fn interaction_properties_need_an_interaction_type() {
    for (key, value) in [
        ("correctResponsesPattern", json!(["true"])),
        ("choices", components(&["a"])),
        ("scale", components(&["a"])),
        ("source", components(&["a"])),
        ("target", components(&["a"])),
        ("steps", components(&["a"])),
    ] {
        bad(
            &with_definition(json!({"description": {"en-US": "q"}, key: value})),
            "statement.object.definition",
        );
    }
}

#[test]
fn component_lists_only_for_matching_interaction_types() {
    let mut def = interaction("true-false");
    def["choices"] = components(&["a"]);
    bad(&with_definition(def), "statement.object.definition.choices");
    let mut def = interaction("choice");
    def["scale"] = components(&["a"]);
    bad(&with_definition(def), "statement.object.definition.scale");
}

#[test]
fn interaction_components_are_well_formed_and_distinct() {
    let mut def = interaction("choice");
    def["choices"] = components(&["golf", "golf"]);
    bad(
        &with_definition(def.clone()),
        "statement.object.definition.choices[1].id",
    );
    def["choices"] = json!([{"description": {"en-US": "no id"}}]);
    bad(
        &with_definition(def.clone()),
        "statement.object.definition.choices[0]",
    );
    def["choices"] = json!([{"id": "a", "description": {"not a tag!": "x"}}]);
    bad(
        &with_definition(def.clone()),
        "statement.object.definition.choices[0].description",
    );
    def["choices"] = json!([{"id": "a", "description": {"sr-Latn-RS": "x", "ja": "y"}}]);
    ok(&with_definition(def));
    let mut def = interaction("true-false");
    def["correctResponsesPattern"] = json!([true]);
    bad(
        &with_definition(def),
        "statement.object.definition.correctResponsesPattern",
    );
}

#[test]
fn statement_ref_needs_object_type_and_uuid() {
    let sref = json!({"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"});
    ok(&set(base(), "object", sref.clone()));
    ok(&set(
        base(),
        "object",
        set(substatement(), "object", sref.clone()),
    ));
    bad(
        &set(base(), "object", unset(sref.clone(), "id")),
        "statement.object",
    );
    bad(
        &set(
            base(),
            "object",
            set(sref.clone(), "id", json!("should fail")),
        ),
        "statement.object.id",
    );
    bad(
        &set(
            base(),
            "object",
            set(sref.clone(), "objectType", json!("statementref")),
        ),
        "statement.object",
    );
    bad(
        &set(base(), "object", set(sref, "definition", json!({}))),
        "statement.object",
    );
}

#[test]
fn substatements_are_validated_as_statements() {
    ok(&set(base(), "object", substatement()));
    for required in ["actor", "verb", "object"] {
        bad(
            &set(base(), "object", unset(substatement(), required)),
            "statement.object",
        );
    }
    bad(
        &set(
            base(),
            "object",
            set(substatement(), "objectType", json!("Substatement")),
        ),
        "statement.object",
    );
    let bad_actor = set(substatement(), "actor", json!({"mbox": "no"}));
    bad(
        &set(base(), "object", bad_actor),
        "statement.object.actor.mbox",
    );
}

#[test]
fn substatements_refuse_lrs_properties_and_nesting() {
    for (key, value) in [
        ("id", json!("fd41c918-b88b-4b20-a0a5-a4c32391aaa0")),
        ("stored", json!("2013-05-18T05:32:34.804Z")),
        ("version", json!("1.0.0")),
        ("authority", json!({"mbox": "mailto:a@b.co"})),
    ] {
        bad(
            &set(base(), "object", set(substatement(), key, value)),
            "statement.object",
        );
    }
    let nested = set(substatement(), "object", substatement());
    bad(&set(base(), "object", nested), "statement.object.object");
}

#[test]
fn substatement_may_have_result_context_timestamp() {
    let sub = set(substatement(), "result", json!({"success": true}));
    let sub = set(
        sub,
        "context",
        json!({"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"}),
    );
    let sub = set(sub, "timestamp", json!("2031-11-22T10:56:12.982Z"));
    ok(&set(base(), "object", sub));
}

#[test]
fn voiding_statements_target_a_statement_ref() {
    let voiding = set(
        set(
            base(),
            "verb.id",
            json!("http://adlnet.gov/expapi/verbs/voided"),
        ),
        "object",
        json!({"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"}),
    );
    ok(&voiding);
    let voiding_activity = set(
        base(),
        "verb.id",
        json!("http://adlnet.gov/expapi/verbs/voided"),
    );
    bad(&voiding_activity, "statement.object");
}

#[test]
fn interaction_rules_hold_under_each_version() {
    let def = interaction("likert");
    accepted_by(&with_definition(def.clone()), V1);
    accepted_by(&with_definition(def), V2);
    let wrong = interaction("Likert");
    rejected_by(
        &with_definition(wrong.clone()),
        V1,
        "statement.object.definition",
    );
    rejected_by(&with_definition(wrong), V2, "statement.object.definition");
}
