//! The NUL character (U+0000) is valid in JSON strings, and xAPI does not forbid it; PostgreSQL's
//! `text` and `jsonb` cannot hold it. Statements keep it exactly; the rows derived from them
//! store U+FFFD in its place (`store::text`); document ids, returned as given, refuse it.

use reqwest::Method;
use serde_json::json;

use super::{encode, fresh_id, get_json};
use crate::helpers::{error_body, spawn_app};

#[tokio::test]
async fn statements_with_nul_characters_are_stored_and_returned_exactly() {
    // Arrange
    let app = spawn_app().await;
    let id = fresh_id();
    let email = format!("mailto:nul-{}@example.com", fresh_id());
    let activity = format!("http://example.com/activities/nul-{}", fresh_id());
    let statement = json!({
        "id": id,
        "actor": {"mbox": email, "name": "a\u{0}b"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": activity, "definition": {
            "name": {"en-US": "x\u{0}y"},
            "extensions": {"http://example.com/ext": "\u{0}"}
        }},
        "context": {"instructor": {"account": {"homePage": "http://example.com", "name": "t\u{0}"}}}
    });

    // Act
    let response = app
        .xapi(Method::POST, "/xapi/statements")
        .json(&statement)
        .send()
        .await
        .expect("request");

    // Assert: the statement comes back exactly; the canonical definition and the Person, which
    // PostgreSQL holds as jsonb and text, carry U+FFFD instead.
    assert_eq!(response.status().as_u16(), 200);
    let stored = get_json(&app, &format!("/xapi/statements?statementId={id}")).await;
    assert_eq!(stored["actor"]["name"], "a\u{0}b");
    assert_eq!(stored["object"]["definition"]["name"]["en-US"], "x\u{0}y");
    assert_eq!(stored["context"]["instructor"]["account"]["name"], "t\u{0}");
    let described = get_json(
        &app,
        &format!("/xapi/activities?activityId={}", encode(&activity)),
    )
    .await;
    assert_eq!(described["definition"]["name"]["en-US"], "x\u{FFFD}y");
    let person = get_json(
        &app,
        &format!(
            "/xapi/agents?agent={}",
            encode(&json!({"mbox": email}).to_string())
        ),
    )
    .await;
    assert_eq!(person["name"], json!(["a\u{FFFD}b"]));
}

#[tokio::test]
async fn a_document_id_with_a_nul_character_is_refused_and_an_agent_with_one_is_not() {
    // Arrange
    let app = spawn_app().await;
    let activity = encode(&format!("http://example.com/activities/nul-{}", fresh_id()));
    let agent = encode(
        &json!({"account": {"homePage": "http://example.com", "name": format!("n\u{0}{}", fresh_id())}})
            .to_string(),
    );
    let path = |state: &str| {
        format!("/xapi/activities/state?activityId={activity}&agent={agent}&stateId={state}")
    };

    // Act
    let refused = app
        .xapi(Method::PUT, &path("s%00"))
        .json(&json!({"a": 1}))
        .send()
        .await
        .expect("request");
    let stored = app
        .xapi(Method::PUT, &path("s"))
        .json(&json!({"a": 1}))
        .send()
        .await
        .expect("request");

    // Assert
    let body = error_body(refused, 400).await;
    assert_eq!(body["property"], "stateId");
    assert_eq!(stored.status().as_u16(), 204);
    assert_eq!(get_json(&app, &path("s")).await, json!({"a": 1}));
}
