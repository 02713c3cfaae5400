//! Context rules (Data 2.4.6) and the xAPI 2.0 context agents and groups.

use serde_json::{Value, json};

use super::{V1, V2, accepted_by, bad, base, ok, rejected_by, set, substatement};

fn activity(id: &str) -> Value {
    json!({"objectType": "Activity", "id": id})
}

fn ctx(c: Value) -> Value {
    set(base(), "context", c)
}

fn sub_ctx(c: Value) -> Value {
    set(base(), "object", set(substatement(), "context", c))
}

#[test]
fn full_context_is_accepted() {
    let c = json!({
        "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
        "instructor": {"name": "Andrew Downes", "account": {"homePage": "http://www.example.com", "name": "13936749"}},
        "team": {"objectType": "Group", "name": "Team PB", "mbox": "mailto:teampb@example.com"},
        "contextActivities": {
            "parent": [activity("http://www.example.com/meetings/series/267")],
            "grouping": [activity("http://www.example.com/g")],
            "category": [{"id": "http://www.example.com/c", "definition": {"type": "http://x.org/t"}}],
            "other": [activity("http://www.example.com/o1"), activity("http://www.example.com/o2")]
        },
        "revision": "rev_10_3_2",
        "platform": "Example virtual meeting software",
        "language": "tlh",
        "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
        "extensions": {"http://example.com/profiles/meetings/contextextensions/airspeed": "600mph"}
    });
    ok(&ctx(c.clone()));
    ok(&sub_ctx(c));
}

#[test]
fn context_activities_accept_single_objects_and_arrays() {
    for key in ["parent", "grouping", "category", "other"] {
        ok(&ctx(
            json!({"contextActivities": {key: activity("http://x.org/a")}}),
        ));
        ok(&ctx(
            json!({"contextActivities": {key: [activity("http://x.org/a")]}}),
        ));
        ok(&sub_ctx(
            json!({"contextActivities": {key: activity("http://x.org/a")}}),
        ));
    }
}

#[test]
fn context_activities_reject_other_keys_and_non_activities() {
    bad(
        &ctx(json!({"contextActivities": {"parents": [activity("http://x.org/a")]}})),
        "statement.context.contextActivities",
    );
    bad(
        &ctx(json!({"contextActivities": {"Parent": [activity("http://x.org/a")]}})),
        "statement.context.contextActivities",
    );
    bad(
        &ctx(json!({"contextActivities": "should fail"})),
        "statement.context.contextActivities",
    );
    bad(
        &ctx(json!({"contextActivities": {"parent": "should fail"}})),
        "statement.context.contextActivities.parent",
    );
    bad(
        &ctx(json!({"contextActivities": {"parent": [12345]}})),
        "statement.context.contextActivities.parent",
    );
    bad(
        &ctx(json!({"contextActivities": {"parent": [{"id": "not an iri"}]}})),
        "statement.context.contextActivities.parent[0].id",
    );
    bad(
        &ctx(
            json!({"contextActivities": {"other": {"objectType": "Agent", "mbox": "mailto:a@b.co"}}}),
        ),
        "statement.context.contextActivities.other",
    );
}

#[test]
fn registration_is_a_uuid() {
    bad(
        &ctx(json!({"registration": "should fail"})),
        "statement.context.registration",
    );
    bad(
        &ctx(json!({"registration": {"key": "x"}})),
        "statement.context.registration",
    );
    bad(
        &ctx(json!({"registration": 12345})),
        "statement.context.registration",
    );
    bad(
        &ctx(json!({"registration": "AA97B177-9383-4934-8543-0F91A7A028368"})),
        "statement.context.registration",
    );
    bad(
        &ctx(json!({"registration": "MA97B177-9383-4934-8543-0F91A7A02836"})),
        "statement.context.registration",
    );
    ok(&ctx(
        json!({"registration": "AA97B177-9383-4934-8543-0F91A7A02836"}),
    ));
}

#[test]
fn instructor_is_an_agent_or_group() {
    bad(
        &ctx(json!({"instructor": {"key": "should fail"}})),
        "statement.context.instructor",
    );
    bad(
        &ctx(json!({"instructor": "should fail"})),
        "statement.context.instructor",
    );
    ok(&ctx(
        json!({"instructor": {"objectType": "Group", "member": [{"mbox": "mailto:a@b.co"}]}}),
    ));
}

#[test]
fn revision_and_platform_only_with_activity_objects() {
    let objects = [
        json!({"objectType": "Agent", "mbox": "mailto:a@b.co"}),
        json!({"objectType": "Group", "mbox": "mailto:g@b.co"}),
        json!({"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"}),
        substatement(),
    ];
    for key in ["revision", "platform"] {
        for object in &objects {
            let stmt = set(ctx(json!({key: "x"})), "object", object.clone());
            bad(&stmt, &format!("statement.context.{key}"));
        }
        ok(&set(
            ctx(json!({key: "x"})),
            "object",
            json!({"id": "http://x.org/a"}),
        ));
        bad(
            &ctx(json!({key: 12345})),
            &format!("statement.context.{key}"),
        );
        bad(
            &ctx(json!({key: {"a": 1}})),
            &format!("statement.context.{key}"),
        );
    }
}

#[test]
fn language_is_an_rfc_5646_tag() {
    ok(&ctx(json!({"language": "cmn"})));
    ok(&sub_ctx(json!({"language": "fr-CA"})));
    bad(
        &ctx(json!({"language": "a12345"})),
        "statement.context.language",
    );
    bad(
        &ctx(json!({"language": 12345})),
        "statement.context.language",
    );
    bad(
        &ctx(json!({"language": {"en": "x"}})),
        "statement.context.language",
    );
    bad(
        &sub_ctx(json!({"language": "zh-z-aaa-z-bbb-c-ccc"})),
        "statement.object.context.language",
    );
}

#[test]
fn context_statement_is_a_statement_ref() {
    bad(
        &ctx(
            json!({"statement": {"objectType": "statementref", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}}),
        ),
        "statement.context.statement",
    );
    bad(
        &ctx(json!({"statement": {"objectType": "StatementRef", "id": "should fail"}})),
        "statement.context.statement.id",
    );
    bad(
        &ctx(json!({"statement": {"objectType": "StatementRef"}})),
        "statement.context.statement",
    );
    bad(
        &ctx(json!({"statement": 12345})),
        "statement.context.statement",
    );
}

#[test]
fn context_extensions_keys_are_iris_values_anything() {
    ok(&ctx(json!({"extensions": {}})));
    ok(&ctx(json!({"extensions": {"http://example.com/ex": null}})));
    ok(&ctx(json!({"extensions": {"http://example.com/ex": ""}})));
    ok(&sub_ctx(
        json!({"extensions": {"http://example.com/ex": [1, {"a": null}]}}),
    ));
    bad(
        &ctx(json!({"extensions": {"example.com/extension/wrong": 1234}})),
        "statement.context.extensions",
    );
    bad(
        &ctx(json!({"extensions": "should fail"})),
        "statement.context.extensions",
    );
}

#[test]
fn null_context_and_unknown_keys_are_rejected() {
    bad(&ctx(json!(null)), "statement.context");
    bad(&ctx(json!({"mood": "happy"})), "statement.context");
    bad(
        &ctx(json!({"registration": null})),
        "statement.context.registration",
    );
}

fn context_agent() -> Value {
    json!({"objectType": "contextAgent", "agent": {"objectType": "Agent", "mbox": "mailto:player-1@example.com"},
           "relevantTypes": ["https://example.com/xapi/activity-types/personnel/player"]})
}

fn context_group() -> Value {
    json!({"objectType": "contextGroup", "group": {"objectType": "Group", "mbox": "mailto:team-1@example.com",
           "member": [{"objectType": "Agent", "mbox": "mailto:player-1@example.com"}]},
           "relevantTypes": ["https://example.com/xapi/activity-types/team/a"]})
}

#[test]
fn context_agents_and_groups_are_2_0_only() {
    for (key, entry) in [
        ("contextAgents", context_agent()),
        ("contextGroups", context_group()),
    ] {
        accepted_by(&ctx(json!({key: [entry.clone()]})), V2);
        accepted_by(&sub_ctx(json!({key: [entry.clone()]})), V2);
        rejected_by(&ctx(json!({key: [entry]})), V1, "statement.context");
    }
}

#[test]
fn context_agents_are_validated() {
    let check = |entry: Value, path: &str| {
        rejected_by(&ctx(json!({"contextAgents": [entry.clone()]})), V2, path);
        rejected_by(
            &sub_ctx(json!({"contextAgents": [entry]})),
            V2,
            "statement.object.context.contextAgents",
        );
    };
    check(
        set(context_agent(), "objectType", json!("Should fail")),
        "statement.context.contextAgents[0]",
    );
    check(
        set(context_agent(), "agent", json!({"key": "Should fail"})),
        "statement.context.contextAgents[0].agent",
    );
    check(
        set(context_agent(), "relevantTypes", json!([])),
        "statement.context.contextAgents[0].relevantTypes",
    );
    check(
        set(context_agent(), "relevantTypes", json!(["abc"])),
        "statement.context.contextAgents[0].relevantTypes[0]",
    );
    check(
        super::unset(context_agent(), "agent"),
        "statement.context.contextAgents[0]",
    );
    accepted_by(
        &ctx(json!({"contextAgents": [super::unset(context_agent(), "relevantTypes")]})),
        V2,
    );
}

#[test]
fn context_groups_are_validated() {
    let check = |entry: Value, path: &str| {
        rejected_by(&ctx(json!({"contextGroups": [entry]})), V2, path);
    };
    check(
        set(context_group(), "objectType", json!("Should fail")),
        "statement.context.contextGroups[0]",
    );
    check(
        set(context_group(), "group", json!({"key": "Should fail"})),
        "statement.context.contextGroups[0].group",
    );
    check(
        set(context_group(), "group", json!({"objectType": "Group"})),
        "statement.context.contextGroups[0].group",
    );
    check(
        set(context_group(), "relevantTypes", json!([])),
        "statement.context.contextGroups[0].relevantTypes",
    );
    check(
        set(context_group(), "relevantTypes", json!(["abc"])),
        "statement.context.contextGroups[0].relevantTypes[0]",
    );
    check(json!("contextGroup"), "statement.context.contextGroups[0]");
}
