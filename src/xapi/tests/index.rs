//! `index_statement`: the columns behind the statement query filters.

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use crate::xapi::{ObjectKind, index_statement};

fn stored(extra: Value) -> Value {
    let mut s = json!({
        "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
        "actor": {"objectType": "Agent", "mbox": "mailto:Actor@Example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
        "object": {"id": "http://example.com/a", "definition": {"name": {"en": "A"}}},
        "timestamp": "2023-05-04T12:00:00-05:00",
        "stored": "2023-05-04T17:00:01.000Z",
        "authority": {"objectType": "Group", "member": [
            {"account": {"homePage": "http://lrs.example/oauth", "name": "app"}},
            {"mbox": "mailto:user@example.com"}]},
        "version": "1.0.0"
    });
    if let (Some(s), Some(extra)) = (s.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            s.insert(k.clone(), v.clone());
        }
    }
    s
}

#[test]
fn basic_columns() {
    let i = index_statement(&stored(
        json!({"context": {"registration": "EC531277-B57B-4C15-8D91-D292C5B2B8F7"}}),
    ));
    let Ok(i) = i else { panic!("{i:?}") };
    assert_eq!(i.id.to_string(), "fd41c918-b88b-4b20-a0a5-a4c32391aaa0");
    assert_eq!(i.actor.as_deref(), Some("mbox:mailto:Actor@example.com"));
    assert_eq!(i.verb_id, "http://adlnet.gov/expapi/verbs/attempted");
    assert_eq!(i.object_kind, ObjectKind::Activity);
    assert_eq!(
        i.object_activity_id.as_deref(),
        Some("http://example.com/a")
    );
    assert_eq!(
        i.registration.map(|r| r.to_string()).as_deref(),
        Some("ec531277-b57b-4c15-8d91-d292c5b2b8f7")
    );
    assert_eq!(
        Some(i.timestamp),
        Utc.with_ymd_and_hms(2023, 5, 4, 17, 0, 0).single()
    );
    assert_eq!(i.voids, None);
    assert_eq!(i.activities.len(), 1);
    assert_eq!(
        i.activities[0].definition,
        Some(json!({"name": {"en": "A"}}))
    );
}

#[test]
fn voiding_statement_names_its_target() {
    let s = stored(json!({
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": "8F87CCDE-BB56-4C2E-AB83-44982EF22DF0"}
    }));
    let Ok(i) = index_statement(&s) else { panic!() };
    assert_eq!(i.object_kind, ObjectKind::StatementRef);
    assert_eq!(
        i.voids.map(|u| u.to_string()).as_deref(),
        Some("8f87ccde-bb56-4c2e-ab83-44982ef22df0")
    );
    assert_eq!(i.object_statement_ref, i.voids);
    let not_voiding = stored(
        json!({"object": {"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"}}),
    );
    let Ok(i) = index_statement(&not_voiding) else {
        panic!()
    };
    assert_eq!(i.voids, None);
    assert!(i.object_statement_ref.is_some());
}

#[test]
fn related_agents_cover_every_role_and_substatement() {
    let s = stored(json!({
        "actor": {"objectType": "Group", "member": [{"mbox": "mailto:m1@example.com"}]},
        "object": {"objectType": "SubStatement",
            "actor": {"openid": "http://openid.example.org/sub"},
            "verb": {"id": "http://x.org/v"},
            "object": {"objectType": "Agent", "mbox_sha1sum": "CD9B00A5611F94EAA7B1661EDAB976068E364975"},
            "context": {"instructor": {"mbox": "mailto:subinstructor@example.com"},
                        "contextActivities": {"parent": {"id": "http://example.com/sub-parent"}}}},
        "context": {
            "instructor": {"mbox": "mailto:teacher@example.com"},
            "team": {"objectType": "Group", "mbox": "mailto:team@example.com", "member": [{"mbox": "mailto:m2@example.com"}]},
            "contextAgents": [{"objectType": "contextAgent", "agent": {"mbox": "mailto:ca@example.com"}}],
            "contextGroups": [{"objectType": "contextGroup", "group": {"objectType": "Group", "openid": "http://g.example.org"}}],
            "contextActivities": {"grouping": [{"id": "http://example.com/course"}, {"id": "http://example.com/course"}]}
        }
    }));
    let Ok(i) = index_statement(&s) else { panic!() };
    assert_eq!(i.actor, None, "anonymous group actor");
    assert_eq!(i.object_kind, ObjectKind::SubStatement);
    for key in [
        "mbox:mailto:m1@example.com",
        "openid:http://openid.example.org/sub",
        "mbox_sha1sum:cd9b00a5611f94eaa7b1661edab976068e364975",
        "mbox:mailto:subinstructor@example.com",
        "mbox:mailto:teacher@example.com",
        "mbox:mailto:team@example.com",
        "mbox:mailto:m2@example.com",
        "mbox:mailto:ca@example.com",
        "openid:http://g.example.org",
        "account:http://lrs.example/oauth|app",
        "mbox:mailto:user@example.com",
    ] {
        assert!(
            i.related_agents.iter().any(|k| k == key),
            "{key} missing from {:?}",
            i.related_agents
        );
    }
    let mut dedup = i.related_agents.clone();
    dedup.dedup();
    assert_eq!(dedup.len(), i.related_agents.len());
    assert_eq!(
        i.direct_agents,
        vec!["mbox:mailto:m1@example.com".to_owned()]
    );
    assert_eq!(
        i.related_activities,
        vec![
            "http://example.com/sub-parent".to_owned(),
            "http://example.com/course".to_owned()
        ]
    );
    assert!(
        i.agents
            .iter()
            .all(|a| a.get("objectType").and_then(Value::as_str) != Some("Group"))
    );
    assert!(
        i.agents
            .contains(&json!({"mbox": "mailto:teacher@example.com"}))
    );
}

#[test]
fn agent_objects_are_direct_agents() {
    let s = stored(
        json!({"object": {"objectType": "Group", "account": {"homePage": "http://x.org", "name": "g"},
                                     "member": [{"mbox": "mailto:m@example.com"}]}}),
    );
    let Ok(i) = index_statement(&s) else { panic!() };
    assert_eq!(i.object_kind, ObjectKind::Group);
    assert_eq!(i.object_agent.as_deref(), Some("account:http://x.org|g"));
    assert_eq!(i.direct_agents.len(), 3);
    assert_eq!(i.object_activity_id, None);
}

#[test]
fn attachments_are_listed() {
    let s = stored(json!({"attachments": [
        {"usageType": "http://adlnet.gov/expapi/attachments/signature", "display": {"en": "sig"},
         "contentType": "application/octet-stream", "length": 700, "sha2": "ab".repeat(32)},
        {"usageType": "http://x.org/cert", "display": {"en": "c"}, "contentType": "application/pdf",
         "length": 12, "sha2": "cd".repeat(32), "fileUrl": "http://x.org/c.pdf"}]}));
    let Ok(i) = index_statement(&s) else { panic!() };
    assert_eq!(i.attachments.len(), 2);
    assert_eq!(i.attachments[0].length, 700);
    assert_eq!(i.attachments[0].file_url, None);
    assert_eq!(
        i.attachments[1].file_url.as_deref(),
        Some("http://x.org/c.pdf")
    );
    assert_eq!(i.attachments[1].content_type, "application/pdf");
}

#[test]
fn unprepared_statements_are_errors_not_panics() {
    assert!(index_statement(&json!({})).is_err());
    assert!(index_statement(&json!(null)).is_err());
    let mut s = stored(json!({}));
    s["id"] = json!("not-a-uuid");
    assert!(index_statement(&s).is_err());
}
