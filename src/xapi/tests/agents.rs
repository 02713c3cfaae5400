//! Actor, Agent, Group, IFI, Account and Authority rules (Data 2.4.2, 2.4.9).

use serde_json::json;

use super::{bad, base, in_every_agent_position, ok, set, substatement};

fn each_position_ok(agent: serde_json::Value) {
    for (_, stmt) in in_every_agent_position(&agent) {
        ok(&stmt);
    }
}

fn each_position_bad(agent: serde_json::Value) {
    for (path, stmt) in in_every_agent_position(&agent) {
        bad(&stmt, &path);
    }
}

#[test]
fn each_ifi_alone_identifies_an_agent() {
    each_position_ok(json!({"mbox": "mailto:xapi@adlnet.gov"}));
    each_position_ok(json!({"mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975"}));
    each_position_ok(json!({"openid": "http://openid.example.org/12345"}));
    each_position_ok(
        json!({"account": {"homePage": "http://www.example.com", "name": "xAPI account name"}}),
    );
}

#[test]
fn agent_object_type_is_optional_except_as_object() {
    ok(&set(
        base(),
        "actor",
        json!({"mbox": "mailto:a@example.com"}),
    ));
    // Data 2.4.4.2: an Agent as the object MUST say so; otherwise it reads as an Activity.
    bad(
        &set(base(), "object", json!({"mbox": "mailto:a@example.com"})),
        "statement.object",
    );
    bad(
        &set(
            base(),
            "object",
            json!({"member": [{"mbox": "mailto:a@example.com"}]}),
        ),
        "statement.object",
    );
}

#[test]
fn agent_without_ifi_is_rejected() {
    each_position_bad(json!({"objectType": "Agent", "name": "nobody"}));
}

#[test]
fn agent_with_two_ifis_is_rejected() {
    let ifis = [
        ("mbox", json!("mailto:xapi@adlnet.gov")),
        (
            "mbox_sha1sum",
            json!("cd9b00a5611f94eaa7b1661edab976068e364975"),
        ),
        ("openid", json!("http://openid.example.org/12345")),
        (
            "account",
            json!({"homePage": "http://www.example.com", "name": "n"}),
        ),
    ];
    for (i, (k1, v1)) in ifis.iter().enumerate() {
        for (k2, v2) in &ifis[i + 1..] {
            let agent = json!({"objectType": "Agent", *k1: v1, *k2: v2});
            each_position_bad(agent);
            let group = json!({"objectType": "Group", *k1: v1, *k2: v2});
            each_position_bad(group);
        }
    }
}

#[test]
fn object_type_values_are_case_exact() {
    each_position_bad(json!({"objectType": "agent", "mbox": "mailto:a@example.com"}));
    each_position_bad(json!({"objectType": "group", "mbox": "mailto:a@example.com"}));
    each_position_bad(json!({"objectType": 123, "mbox": "mailto:a@example.com"}));
    each_position_bad(json!({"objectType": {"key": "value"}, "mbox": "mailto:a@example.com"}));
}

#[test]
fn agent_name_must_be_a_string() {
    each_position_bad(json!({"name": 123, "mbox": "mailto:a@example.com"}));
    each_position_bad(json!({"name": {"key": "value"}, "mbox": "mailto:a@example.com"}));
}

#[test]
fn mbox_must_be_a_mailto_iri_with_an_address() {
    each_position_bad(json!({"mbox": "mailto:should.fail.com"}));
    each_position_bad(json!({"mbox": "http://should.fail.com"}));
    each_position_bad(json!({"mbox": "xapi@adlnet.gov"}));
    each_position_bad(json!({"mbox": ""}));
    each_position_bad(json!({"objectType": "Group", "mbox": "mailto:should.fail.com"}));
}

#[test]
fn mbox_sha1sum_must_be_forty_hex_digits() {
    each_position_bad(json!({"mbox_sha1sum": {"key": "value"}}));
    each_position_bad(json!({"mbox_sha1sum": "not a hash"}));
    each_position_bad(json!({"mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e36497"}));
    each_position_ok(json!({"mbox_sha1sum": "CD9B00A5611F94EAA7B1661EDAB976068E364975"}));
}

#[test]
fn openid_must_be_a_uri() {
    each_position_bad(json!({"openid": "ab=c://should.fail.com"}));
    each_position_bad(json!({"openid": "open.id.com/testUser"}));
}

#[test]
fn account_needs_homepage_irl_and_string_name() {
    each_position_bad(json!({"account": {"name": "xAPI account name"}}));
    each_position_bad(json!({"account": {"homePage": "http://www.example.com"}}));
    each_position_bad(json!({"account": {"homePage": "ab=c://should.fail.com", "name": "n"}}));
    each_position_bad(json!({"account": {"homePage": "homePage.com/testUser", "name": "123456"}}));
    each_position_bad(
        json!({"account": {"homePage": "http://www.example.com", "name": {"key": "should fail"}}}),
    );
    each_position_bad(json!({"account": {"homePage": "http://x.com", "name": "n", "extra": 1}}));
}

#[test]
fn identified_groups_accept_each_ifi_with_or_without_members() {
    let members = json!([{"mbox": "mailto:a@example.com"}, {"objectType": "Agent", "openid": "http://x.org/b"}]);
    for (k, v) in [
        ("mbox", json!("mailto:group@example.com")),
        (
            "mbox_sha1sum",
            json!("cd9b00a5611f94eaa7b1661edab976068e364975"),
        ),
        ("openid", json!("http://openid.example.org/group")),
        (
            "account",
            json!({"homePage": "http://www.example.com", "name": "group"}),
        ),
    ] {
        each_position_ok(json!({"objectType": "Group", k: v}));
        each_position_ok(json!({"objectType": "Group", k: v, "member": members}));
    }
}

#[test]
fn anonymous_groups_need_members() {
    each_position_ok(
        json!({"objectType": "Group", "name": "team", "member": [{"mbox": "mailto:a@example.com"}]}),
    );
    each_position_bad(json!({"objectType": "Group", "name": "team"}));
    each_position_bad(json!({"objectType": "Group", "member": {"mbox": "mailto:a@example.com"}}));
    each_position_bad(json!({"objectType": "Group", "member": "should fail"}));
}

#[test]
fn group_members_are_valid_agents_never_groups() {
    each_position_bad(
        json!({"objectType": "Group", "member": [{"objectType": "Group", "mbox": "mailto:g@example.com"}]}),
    );
    each_position_bad(json!({"objectType": "Group", "member": [{"name": "no ifi"}]}));
    each_position_bad(json!({"objectType": "Group", "member": [{"mbox": "mailto:bad"}]}));
}

#[test]
fn team_must_be_a_group() {
    let group = json!({"objectType": "Group", "mbox": "mailto:team@example.com"});
    ok(&set(base(), "context.team", group.clone()));
    ok(&set(
        base(),
        "object",
        set(substatement(), "context.team", group),
    ));
    bad(
        &set(
            base(),
            "context.team",
            json!({"objectType": "Agent", "mbox": "mailto:a@b.co"}),
        ),
        "statement.context.team",
    );
    bad(
        &set(base(), "context.team", json!({"mbox": "mailto:a@b.co"})),
        "statement.context.team",
    );
    bad(
        &set(base(), "context.team", json!("should fail")),
        "statement.context.team",
    );
}

#[test]
fn authority_is_an_agent_or_an_oauth_pair() {
    ok(&set(
        base(),
        "authority",
        json!({"objectType": "Agent", "mbox": "mailto:xapi@adlnet.gov"}),
    ));
    ok(&set(
        base(),
        "authority",
        json!({"account": {"homePage": "http://www.example.com", "name": "n"}}),
    ));
    let pair = json!({"objectType": "Group", "member": [
        {"account": {"homePage": "http://example.com/xAPI/OAuth/Token", "name": "oauth_consumer_x75db"}},
        {"mbox": "mailto:bob@example.com"}
    ]});
    ok(&set(base(), "authority", pair.clone()));
    let mut identified = pair.clone();
    identified["mbox"] = json!("mailto:bob@example.com");
    bad(&set(base(), "authority", identified), "statement.authority");
    let mut three = pair.clone();
    if let Some(m) = three["member"].as_array_mut() {
        m.push(json!({"mbox": "mailto:james@example.com"}));
    }
    bad(&set(base(), "authority", three), "statement.authority");
    bad(
        &set(
            base(),
            "authority",
            json!({"objectType": "Group", "member": [{"mbox": "mailto:bob@example.com"}]}),
        ),
        "statement.authority",
    );
    bad(
        &set(
            base(),
            "authority",
            json!({"objectType": "Group", "name": "Group Anonymous"}),
        ),
        "statement.authority",
    );
    bad(
        &set(
            base(),
            "authority",
            json!({"objectType": "agent", "mbox": "mailto:a@b.co"}),
        ),
        "statement.authority",
    );
}

#[test]
fn substatement_may_not_carry_authority() {
    let sub = set(
        substatement(),
        "authority",
        json!({"mbox": "mailto:a@b.co"}),
    );
    bad(&set(base(), "object", sub), "statement.object");
}

#[test]
fn actor_is_required_and_an_object() {
    bad(&super::unset(base(), "actor"), "statement");
    bad(&set(base(), "actor", json!(null)), "statement.actor");
    bad(
        &set(base(), "actor", json!("mailto:a@b.co")),
        "statement.actor",
    );
}

#[test]
fn error_messages_name_the_problem() {
    let stmt = set(
        base(),
        "actor",
        json!({"mbox": "mailto:a@b.co", "openid": "http://x.org/a"}),
    );
    let err = super::validate_statement(&stmt, super::V1)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.starts_with("statement.actor:"), "{err}");
    assert!(err.contains("mbox, openid"), "{err}");
    let stmt = set(
        base(),
        "actor",
        json!({"mbox": "mailto:a@b.co", "nickname": "x"}),
    );
    let err = super::validate_statement(&stmt, super::V1)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("nickname"), "{err}");
}
