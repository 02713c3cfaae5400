//! Credential scopes on the Statement Resource (Communication 4.2): `statements/read/mine`
//! sees only the statements its credential stored; writing needs `statements/write`.

use reqwest::Method;

use super::{all_ids, as_credential, fresh_id, fresh_verb, statement, verb_query};
use crate::helpers::{TestApp, error_body, spawn_app};

async fn put_as(app: &TestApp, key: &str, secret: &str, id: &str, verb: &str) -> u16 {
    as_credential(
        app,
        Method::PUT,
        &format!("/xapi/statements?statementId={id}"),
        key,
        secret,
    )
    .json(&statement(id, verb))
    .send()
    .await
    .expect("request")
    .status()
    .as_u16()
}

#[tokio::test]
async fn read_mine_lists_only_the_credentials_own_statements() {
    // Arrange: two credentials that write and read their own, one statement each, same verb.
    let app = spawn_app().await;
    let (a_key, a_secret) = app
        .credential(&["statements/write", "statements/read/mine"])
        .await;
    let (b_key, b_secret) = app
        .credential(&["statements/write", "statements/read/mine"])
        .await;
    let verb = fresh_verb();
    let (mine, theirs) = (fresh_id(), fresh_id());
    assert_eq!(put_as(&app, &a_key, &a_secret, &mine, &verb).await, 204);
    assert_eq!(put_as(&app, &b_key, &b_secret, &theirs, &verb).await, 204);

    // Act
    let seen = all_ids(
        |path| as_credential(&app, Method::GET, path, &a_key, &a_secret),
        &format!("{}&limit=1", verb_query(&verb)),
    )
    .await;

    // Assert
    assert_eq!(seen, vec![mine.clone()]);
    let everything = all_ids(|path| app.xapi(Method::GET, path), &verb_query(&verb)).await;
    assert_eq!(everything, vec![theirs, mine], "an admin sees both");
}

#[tokio::test]
async fn read_mine_cannot_fetch_another_credentials_statement_by_id() {
    // Arrange
    let app = spawn_app().await;
    let (a_key, a_secret) = app
        .credential(&["statements/write", "statements/read/mine"])
        .await;
    let (b_key, b_secret) = app.credential(&["statements/write"]).await;
    let theirs = fresh_id();
    assert_eq!(
        put_as(&app, &b_key, &b_secret, &theirs, &fresh_verb()).await,
        204
    );

    // Act
    let response = as_credential(
        &app,
        Method::GET,
        &format!("/xapi/statements?statementId={theirs}"),
        &a_key,
        &a_secret,
    )
    .send()
    .await
    .expect("request");

    // Assert
    error_body(response, 404).await;
}

#[tokio::test]
async fn writing_without_statements_write_is_forbidden() {
    // Arrange
    let app = spawn_app().await;
    let (key, secret) = app.credential(&["statements/read"]).await;
    let id = fresh_id();

    // Act
    let put = put_as(&app, &key, &secret, &id, &fresh_verb()).await;
    let post = as_credential(&app, Method::POST, "/xapi/statements", &key, &secret)
        .json(&statement(&fresh_id(), &fresh_verb()))
        .send()
        .await
        .expect("request");

    // Assert
    assert_eq!(put, 403);
    let body = error_body(post, 403).await;
    assert_eq!(body["code"], "forbidden");
    let stored = app
        .xapi(Method::GET, &format!("/xapi/statements?statementId={id}"))
        .send()
        .await
        .expect("request");
    assert_eq!(stored.status().as_u16(), 404, "nothing was stored");
}

#[tokio::test]
async fn reading_without_a_read_scope_is_forbidden() {
    // Arrange
    let app = spawn_app().await;
    let (key, secret) = app.credential(&["statements/write"]).await;

    // Act
    let response = as_credential(&app, Method::GET, "/xapi/statements", &key, &secret)
        .send()
        .await
        .expect("request");

    // Assert
    assert!(
        response
            .headers()
            .contains_key("x-experience-api-consistent-through"),
        "a 403 of the Statement Resource still says how consistent it is"
    );
    let body = error_body(response, 403).await;
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("statements/read"),
        "the message names the missing scope: {body}"
    );
}
