//! Concurrent writes of one statement id store exactly one statement (Data 2.3.1: statements
//! are immutable; Communication 2.1.1: 409 for a different statement under a used id).

use futures_util::future::join_all;
use reqwest::Method;

use super::{all_ids, fresh_id, fresh_verb, statement, verb_query};
use crate::helpers::spawn_app;

const WRITERS: usize = 20;

#[tokio::test]
async fn concurrent_puts_of_different_statements_store_exactly_one() {
    // Arrange: twenty different statements (each its own verb) under one id.
    let app = spawn_app().await;
    let id = fresh_id();
    let verbs: Vec<String> = (0..WRITERS).map(|_| fresh_verb()).collect();

    // Act
    let responses = join_all(verbs.iter().map(|verb| {
        app.xapi(Method::PUT, &format!("/xapi/statements?statementId={id}"))
            .json(&statement(&id, verb))
            .send()
    }))
    .await;

    // Assert
    let statuses: Vec<u16> = responses
        .into_iter()
        .map(|r| r.expect("request").status().as_u16())
        .collect();
    let winners: Vec<usize> = (0..WRITERS).filter(|i| statuses[*i] == 204).collect();
    assert_eq!(winners.len(), 1, "exactly one PUT stores: {statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 204 || *s == 409),
        "the others conflict: {statuses:?}"
    );
    let stored: serde_json::Value = app
        .xapi(Method::GET, &format!("/xapi/statements?statementId={id}"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(
        stored["verb"]["id"], verbs[winners[0]],
        "the winner is what is stored"
    );
    for (i, verb) in verbs.iter().enumerate() {
        let ids = all_ids(|path| app.xapi(Method::GET, path), &verb_query(verb)).await;
        let expected = if i == winners[0] {
            vec![id.clone()]
        } else {
            vec![]
        };
        assert_eq!(ids, expected, "verb {i}");
    }
}

#[tokio::test]
async fn concurrent_puts_of_the_same_statement_all_succeed_and_store_one() {
    // Arrange
    let app = spawn_app().await;
    let id = fresh_id();
    let verb = fresh_verb();
    let body = statement(&id, &verb);

    // Act
    let responses = join_all((0..WRITERS).map(|_| {
        app.xapi(Method::PUT, &format!("/xapi/statements?statementId={id}"))
            .json(&body)
            .send()
    }))
    .await;

    // Assert
    for response in responses {
        assert_eq!(response.expect("request").status().as_u16(), 204);
    }
    let ids = all_ids(|path| app.xapi(Method::GET, path), &verb_query(&verb)).await;
    assert_eq!(ids, vec![id]);
}

#[tokio::test]
async fn concurrent_posts_of_overlapping_batches_store_each_statement_once() {
    // Arrange: twenty batches that all contain the same shared statement plus one of their own.
    let app = spawn_app().await;
    let verb = fresh_verb();
    let shared = fresh_id();
    let own: Vec<String> = (0..WRITERS).map(|_| fresh_id()).collect();

    // Act
    let responses = join_all(own.iter().map(|id| {
        app.xapi(Method::POST, "/xapi/statements")
            .json(&vec![statement(&shared, &verb), statement(id, &verb)])
            .send()
    }))
    .await;

    // Assert
    for response in responses {
        assert_eq!(response.expect("request").status().as_u16(), 200);
    }
    let mut ids = all_ids(|path| app.xapi(Method::GET, path), &verb_query(&verb)).await;
    ids.sort();
    let mut expected = own.clone();
    expected.push(shared);
    expected.sort();
    assert_eq!(ids, expected);
}
