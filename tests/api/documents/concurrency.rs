//! Racing writers on one document (Communication 3.1, "Concurrency"): a precondition checked
//! by one request still holds when its write commits, so among writers holding the same ETag
//! exactly one wins, and `If-None-Match: *` creates a document exactly once.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Map, Value, json};

use super::{Doc, RESOURCES};
use crate::helpers::spawn_app;

const WRITERS: usize = 20;

fn statuses(responses: Vec<reqwest::Result<reqwest::Response>>) -> Vec<u16> {
    responses
        .into_iter()
        .map(|r| r.expect("request").status().as_u16())
        .collect()
}

/// The index of the only 204 among `statuses`, the others all being `loser`.
fn single_winner(statuses: &[u16], loser: u16, what: &str) -> usize {
    let winners: Vec<usize> = (0..statuses.len())
        .filter(|i| statuses[*i] == 204)
        .collect();
    assert_eq!(winners.len(), 1, "{what}: exactly one wins: {statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 204 || *s == loser),
        "{what}: the others get {loser}: {statuses:?}"
    );
    winners[0]
}

#[tokio::test]
async fn racing_puts_with_the_same_if_match_have_one_winner() {
    let app = spawn_app().await;
    for resource in RESOURCES {
        // Arrange: a document and its ETag, held by twenty writers.
        let doc = Doc::fresh(resource);
        doc.create(&app, &json!({"writer": "none"})).await;
        let (_, etag) = doc.json_and_etag(&app).await;

        // Act
        let responses = join_all((0..WRITERS).map(|i| {
            doc.request(&app, Method::PUT)
                .header("If-Match", &etag)
                .json(&json!({"writer": i}))
                .send()
        }))
        .await;

        // Assert
        let winner = single_winner(&statuses(responses), 412, &format!("{resource:?}"));
        let (stored, _) = doc.json_and_etag(&app).await;
        assert_eq!(
            stored,
            json!({"writer": winner}),
            "{resource:?}: the winner is stored"
        );
    }
}

#[tokio::test]
async fn racing_posts_with_the_same_if_match_merge_once() {
    let app = spawn_app().await;
    for resource in RESOURCES {
        // Arrange
        let doc = Doc::fresh(resource);
        doc.create(&app, &json!({"base": true})).await;
        let (_, etag) = doc.json_and_etag(&app).await;

        // Act: each writer merges its own key.
        let responses = join_all((0..WRITERS).map(|i| {
            doc.request(&app, Method::POST)
                .header("If-Match", &etag)
                .json(&json!({format!("k{i}"): i}))
                .send()
        }))
        .await;

        // Assert
        let winner = single_winner(&statuses(responses), 412, &format!("{resource:?}"));
        let (stored, _) = doc.json_and_etag(&app).await;
        assert_eq!(
            stored,
            json!({"base": true, format!("k{winner}"): winner}),
            "{resource:?}: only the winner's merge happened"
        );
    }
}

#[tokio::test]
async fn racing_if_none_match_star_creates_once() {
    let app = spawn_app().await;
    for resource in RESOURCES {
        // Arrange
        let doc = Doc::fresh(resource);

        // Act
        let responses = join_all((0..WRITERS).map(|i| {
            doc.request(&app, Method::PUT)
                .header("If-None-Match", "*")
                .json(&json!({"creator": i}))
                .send()
        }))
        .await;

        // Assert
        let winner = single_winner(&statuses(responses), 412, &format!("{resource:?}"));
        let (stored, _) = doc.json_and_etag(&app).await;
        assert_eq!(stored, json!({"creator": winner}), "{resource:?}");
    }
}

#[tokio::test]
async fn racing_blind_puts_under_2_0_create_once_then_conflict() {
    // xAPI 2.0: a PUT without If-Match / If-None-Match to an existing document is 409, for
    // every document resource; the first of the racers creates it.
    let app = spawn_app().await;
    for resource in RESOURCES {
        // Arrange
        let doc = Doc::fresh(resource);

        // Act
        let responses = join_all((0..WRITERS).map(|i| {
            doc.request(&app, Method::PUT)
                .json(&json!({"creator": i}))
                .send()
        }))
        .await;

        // Assert
        let winner = single_winner(&statuses(responses), 409, &format!("{resource:?}"));
        let (stored, _) = doc.json_and_etag(&app).await;
        assert_eq!(stored, json!({"creator": winner}), "{resource:?}");
    }
}

#[tokio::test]
async fn racing_posts_without_preconditions_lose_no_update() {
    let app = spawn_app().await;
    for resource in RESOURCES {
        // Arrange
        let doc = Doc::fresh(resource);
        doc.create(&app, &json!({"base": true})).await;

        // Act: twenty merges of different keys, none conditional.
        let responses = join_all((0..WRITERS).map(|i| {
            doc.request(&app, Method::POST)
                .json(&json!({format!("k{i}"): i}))
                .send()
        }))
        .await;

        // Assert
        assert!(
            statuses(responses).iter().all(|s| *s == 204),
            "{resource:?}: every merge succeeds"
        );
        let mut expected = Map::new();
        expected.insert("base".into(), Value::Bool(true));
        for i in 0..WRITERS {
            expected.insert(format!("k{i}"), json!(i));
        }
        let (stored, _) = doc.json_and_etag(&app).await;
        assert_eq!(
            stored,
            Value::Object(expected),
            "{resource:?}: no lost update"
        );
    }
}
