//! `format_statement`: exact, ids and canonical (Communication 2.1.3).

use serde_json::{Value, json};

use crate::xapi::{Format, format_statement};

fn stored() -> Value {
    json!({
        "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
        "actor": {"objectType": "Agent", "name": "Ann", "mbox": "mailto:ann@example.com"},
        "verb": {"id": "http://x.org/verbs/did", "display": {"en-US": "did", "fr-FR": "a fait", "de": "tat"}},
        "object": {"objectType": "Activity", "id": "http://x.org/a", "definition": {
            "name": {"en-US": "A", "de": "Ä"}, "description": {"de": "Beschreibung", "en-GB": "description"},
            "interactionType": "choice", "choices": [{"id": "c1", "description": {"en-US": "one", "de": "eins"}}]}},
        "context": {
            "instructor": {"objectType": "Group", "name": "Staff", "member": [{"name": "Bob", "openid": "http://o.org/bob"}]},
            "team": {"objectType": "Group", "name": "Team", "mbox": "mailto:team@example.com", "member": [{"mbox": "mailto:x@example.com"}]},
            "contextActivities": {"parent": [{"id": "http://x.org/p", "definition": {"name": {"en-US": "P", "de": "P-de"}}}]}
        },
        "authority": {"objectType": "Agent", "name": "LRS", "account": {"homePage": "http://lrs.example", "name": "admin"}},
        "attachments": [{"usageType": "http://x.org/u", "display": {"en-US": "d", "de": "d-de"},
                         "contentType": "text/plain", "length": 1, "sha2": "ab".repeat(32)}],
        "stored": "2024-01-01T00:00:00.000Z",
        "timestamp": "2024-01-01T00:00:00.000Z",
        "version": "1.0.0"
    })
}

#[test]
fn exact_is_unchanged() {
    assert_eq!(format_statement(&stored(), Format::Exact, &[]), stored());
}

#[test]
fn ids_keeps_only_identifiers() {
    let out = format_statement(&stored(), Format::Ids, &[]);
    assert_eq!(
        out["actor"],
        json!({"objectType": "Agent", "mbox": "mailto:ann@example.com"})
    );
    assert_eq!(out["verb"], json!({"id": "http://x.org/verbs/did"}));
    assert_eq!(out["object"], json!({"id": "http://x.org/a"}));
    assert_eq!(
        out["context"]["instructor"],
        json!({"objectType": "Group", "member": [{"openid": "http://o.org/bob"}]})
    );
    assert_eq!(
        out["context"]["team"],
        json!({"objectType": "Group", "mbox": "mailto:team@example.com"})
    );
    assert_eq!(
        out["context"]["contextActivities"]["parent"],
        json!([{"id": "http://x.org/p"}])
    );
    assert_eq!(
        out["authority"],
        json!({"objectType": "Agent", "account": {"homePage": "http://lrs.example", "name": "admin"}})
    );
    assert_eq!(out["stored"], stored()["stored"]);
    assert_eq!(out["attachments"], stored()["attachments"]);
}

#[test]
fn ids_reaches_into_substatements() {
    let mut s = stored();
    s["object"] = json!({"objectType": "SubStatement", "actor": {"name": "N", "mbox": "mailto:n@example.com"},
        "verb": {"id": "http://x.org/v", "display": {"en": "v"}},
        "object": {"id": "http://x.org/b", "definition": {"name": {"en": "B"}}}});
    let out = format_statement(&s, Format::Ids, &[]);
    assert_eq!(
        out["object"]["actor"],
        json!({"mbox": "mailto:n@example.com"})
    );
    assert_eq!(out["object"]["verb"], json!({"id": "http://x.org/v"}));
    assert_eq!(out["object"]["object"], json!({"id": "http://x.org/b"}));
}

#[test]
fn canonical_keeps_one_language_per_map() {
    let langs = vec!["de".to_owned(), "en".to_owned()];
    let out = format_statement(&stored(), Format::Canonical, &langs);
    assert_eq!(out["verb"]["display"], json!({"de": "tat"}));
    assert_eq!(out["object"]["definition"]["name"], json!({"de": "Ä"}));
    assert_eq!(
        out["object"]["definition"]["description"],
        json!({"de": "Beschreibung"})
    );
    assert_eq!(
        out["object"]["definition"]["choices"][0]["description"],
        json!({"de": "eins"})
    );
    assert_eq!(
        out["context"]["contextActivities"]["parent"][0]["definition"]["name"],
        json!({"de": "P-de"})
    );
    assert_eq!(out["attachments"][0]["display"], json!({"de": "d-de"}));
    assert_eq!(out["actor"], stored()["actor"]);
    assert_eq!(
        out["context"]["instructor"],
        stored()["context"]["instructor"]
    );
}

#[test]
fn canonical_falls_back_to_some_entry() {
    let out = format_statement(&stored(), Format::Canonical, &["ja".to_owned()]);
    assert_eq!(out["verb"]["display"].as_object().map(|m| m.len()), Some(1));
    let out = format_statement(&stored(), Format::Canonical, &["en-GB".to_owned()]);
    assert_eq!(
        out["object"]["definition"]["description"],
        json!({"en-GB": "description"})
    );
    assert_eq!(out["object"]["definition"]["name"], json!({"en-US": "A"}));
}

#[test]
fn format_parameter_parses_exactly() {
    assert_eq!(Format::parse("exact"), Some(Format::Exact));
    assert_eq!(Format::parse("ids"), Some(Format::Ids));
    assert_eq!(Format::parse("canonical"), Some(Format::Canonical));
    assert_eq!(Format::parse("Exact"), None);
    assert_eq!(Format::default(), Format::Exact);
}
