//! Batches are stored whole or not at all (Communication 2.1.2).

use reqwest::Method;
use serde_json::{Value, json};

use super::{all_ids, encode, fresh_id, fresh_verb, get_json, statement, verb_query};
use crate::helpers::{error_body, spawn_app};

#[tokio::test]
async fn a_batch_of_100_is_stored_whole_in_order() {
    // Arrange
    let app = spawn_app().await;
    let verb = fresh_verb();
    let ids: Vec<String> = (0..100).map(|_| fresh_id()).collect();
    let batch: Vec<Value> = ids.iter().map(|id| statement(id, &verb)).collect();

    // Act
    let response = app
        .xapi(Method::POST, "/xapi/statements")
        .json(&batch)
        .send()
        .await
        .expect("request");

    // Assert
    assert_eq!(response.status().as_u16(), 200);
    let returned: Vec<String> = response.json().await.expect("json");
    assert_eq!(returned, ids, "the ids come back in request order");
    let mut stored = all_ids(
        |path| app.xapi(Method::GET, path),
        &format!("{}&ascending=true&limit=30", verb_query(&verb)),
    )
    .await;
    assert_eq!(
        stored, ids,
        "one batch keeps request order as the tie-break"
    );
    stored.dedup();
    assert_eq!(stored.len(), 100);
}

#[tokio::test]
async fn one_invalid_statement_rejects_the_whole_batch_of_100() {
    // Arrange
    let app = spawn_app().await;
    let verb = fresh_verb();
    let mut batch: Vec<Value> = (0..100).map(|_| statement(&fresh_id(), &verb)).collect();
    batch[57]["actor"] = json!({"objectType": "Agent", "name": "no identifier"});

    // Act
    let response = app
        .xapi(Method::POST, "/xapi/statements")
        .json(&batch)
        .send()
        .await
        .expect("request");

    // Assert
    let body = error_body(response, 400).await;
    assert_eq!(body["property"], "statements[57].actor", "{body}");
    let stored = all_ids(|path| app.xapi(Method::GET, path), &verb_query(&verb)).await;
    assert!(
        stored.is_empty(),
        "nothing of the batch is stored: {stored:?}"
    );
    let first = app
        .xapi(
            Method::GET,
            &format!(
                "/xapi/statements?statementId={}",
                batch[0]["id"].as_str().unwrap()
            ),
        )
        .send()
        .await
        .expect("request");
    assert_eq!(first.status().as_u16(), 404);
}

#[tokio::test]
async fn a_conflict_at_the_end_of_a_batch_stores_nothing() {
    // Arrange: one statement already stored under the id the batch reuses with other content.
    let app = spawn_app().await;
    let verb = fresh_verb();
    let taken = fresh_id();
    let stored = app
        .xapi(
            Method::PUT,
            &format!("/xapi/statements?statementId={taken}"),
        )
        .json(&statement(&taken, &verb))
        .send()
        .await
        .expect("request");
    assert_eq!(stored.status().as_u16(), 204);
    let mut batch: Vec<Value> = (0..99).map(|_| statement(&fresh_id(), &verb)).collect();
    batch.push(statement(&taken, "http://adlnet.gov/expapi/verbs/failed"));

    // Act
    let response = app
        .xapi(Method::POST, "/xapi/statements")
        .json(&batch)
        .send()
        .await
        .expect("request");

    // Assert
    error_body(response, 409).await;
    let ids = all_ids(|path| app.xapi(Method::GET, path), &verb_query(&verb)).await;
    assert_eq!(ids, vec![taken], "only the statement stored before remains");
}

#[tokio::test]
async fn a_rejected_statement_adds_nothing_about_its_agent() {
    // A single POST is stored without a transaction when it can be (one SQL statement): a
    // conflict must still leave no trace, not even the name it gives its actor (Agents
    // Resource, Communication 2.4).
    // Arrange
    let app = spawn_app().await;
    let mbox = format!("mailto:rejected-{}@example.com", fresh_id());
    let by = |id: &str, name: &str, verb: &str| {
        let mut sent = statement(id, verb);
        sent["actor"] = json!({"mbox": mbox, "name": name});
        sent
    };
    let taken = fresh_id();
    let first = app
        .xapi(Method::POST, "/xapi/statements")
        .json(&by(&taken, "First Name", &fresh_verb()))
        .send()
        .await
        .expect("request");
    assert_eq!(first.status().as_u16(), 200);

    // Act: the same id, other content, another name.
    let response = app
        .xapi(Method::POST, "/xapi/statements")
        .json(&by(&taken, "Second Name", &fresh_verb()))
        .send()
        .await
        .expect("request");

    // Assert
    error_body(response, 409).await;
    let person = get_json(
        &app,
        &format!(
            "/xapi/agents?agent={}",
            encode(&json!({"mbox": mbox}).to_string())
        ),
    )
    .await;
    assert_eq!(person["name"], json!(["First Name"]), "{person}");
}

#[tokio::test]
async fn definitions_of_one_activity_within_a_batch_merge_into_one() {
    // Communication 2.5: the canonical definition unites what statements say about an
    // Activity. Within one batch, a repeated definition changes nothing and a different one
    // adds its languages.
    // Arrange
    let app = spawn_app().await;
    let activity = format!("http://example.com/activities/batch-{}", fresh_id());
    let about = |id: &str, definition: Value| {
        json!({
            "id": id,
            "actor": {"mbox": "mailto:batch-definer@example.com"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": activity, "definition": definition}
        })
    };
    let batch = vec![
        about(&fresh_id(), json!({"name": {"en-US": "first"}})),
        about(&fresh_id(), json!({"name": {"en-US": "first"}})),
        about(
            &fresh_id(),
            json!({"name": {"fr-FR": "premier"}, "description": {"en-US": "the one"}}),
        ),
        about(&fresh_id(), json!({"name": {"en-US": "first"}})),
    ];

    // Act
    let response = app
        .xapi(Method::POST, "/xapi/statements")
        .json(&batch)
        .send()
        .await
        .expect("request");

    // Assert
    assert_eq!(response.status().as_u16(), 200);
    let query: String = form_urlencoded::byte_serialize(activity.as_bytes()).collect();
    let described: Value = app
        .xapi(Method::GET, &format!("/xapi/activities?activityId={query}"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(
        described["definition"],
        json!({"name": {"en-US": "first", "fr-FR": "premier"}, "description": {"en-US": "the one"}})
    );
}

#[tokio::test]
async fn a_re_sent_statement_in_a_batch_neither_drops_nor_undoes_new_definitions_and_names() {
    // Communication 2.5 and 2.6: the canonical Activity and the Person are built from the
    // statements received. A re-sent statement is not stored again (Data 2.3), so its
    // definition must not undo what arrived since, and the new statements beside it in the
    // batch must still count.
    // Arrange
    let app = spawn_app().await;
    let activity = format!("http://example.com/activities/resent-{}", fresh_id());
    let email = format!("mailto:resent-{}@example.com", fresh_id());
    let about = |id: &str, name: &str, definition: Value| {
        json!({
            "id": id,
            "actor": {"mbox": email, "name": name},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": activity, "definition": definition}
        })
    };
    let first = about(
        &fresh_id(),
        "First Name",
        json!({"name": {"en-US": "one"}, "type": "http://example.com/types/old"}),
    );
    let retyped = about(
        &fresh_id(),
        "First Name",
        json!({"type": "http://example.com/types/new"}),
    );
    let added = about(
        &fresh_id(),
        "Second Name",
        json!({"description": {"en-US": "added by the new statement"}}),
    );
    for single in [&first, &retyped] {
        let response = app
            .xapi(Method::POST, "/xapi/statements")
            .json(single)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 200);
    }

    // Act
    let response = app
        .xapi(Method::POST, "/xapi/statements")
        .json(&vec![first, added])
        .send()
        .await
        .expect("request");

    // Assert
    assert_eq!(response.status().as_u16(), 200);
    let described = get_json(
        &app,
        &format!("/xapi/activities?activityId={}", encode(&activity)),
    )
    .await;
    assert_eq!(
        described["definition"],
        json!({
            "name": {"en-US": "one"},
            "type": "http://example.com/types/new",
            "description": {"en-US": "added by the new statement"}
        })
    );
    let agent = encode(&json!({"mbox": email}).to_string());
    let person = get_json(&app, &format!("/xapi/agents?agent={agent}")).await;
    let mut names: Vec<String> =
        serde_json::from_value(person["name"].clone()).expect("a list of names");
    names.sort();
    assert_eq!(names, vec!["First Name", "Second Name"]);
}
