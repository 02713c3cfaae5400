//! Paging with `more` (Data 2.5, Communication 2.1.3) stays consistent while statements keep
//! arriving: no duplicates, no gaps among the statements that existed, never an empty page
//! that still points to more.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::Value;

use super::{fresh_id, fresh_verb, page_ids, statement, verb_query};
use crate::helpers::{TestApp, spawn_app};

const EXISTING: usize = 300;
const PAGE: usize = 17;

async fn store(app: &TestApp, verb: &str, count: usize) -> Vec<String> {
    let ids: Vec<String> = (0..count).map(|_| fresh_id()).collect();
    for chunk in ids.chunks(100) {
        let batch: Vec<Value> = chunk.iter().map(|id| statement(id, verb)).collect();
        let response = app
            .xapi(Method::POST, "/xapi/statements")
            .json(&batch)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 200);
    }
    ids
}

/// Follows `more` from `first`, storing `per_page` new statements before each next page.
/// Returns every page's ids.
async fn page_while_writing(
    app: &TestApp,
    verb: &str,
    first: &str,
    per_page: usize,
) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut path = first.to_owned();
    loop {
        let response = app.xapi(Method::GET, &path).send().await.expect("request");
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        let page: Value = response.json().await.expect("json");
        let ids = page_ids(&page);
        let more = page["more"]
            .as_str()
            .expect("more is always a string")
            .to_owned();
        assert!(
            !ids.is_empty() || more.is_empty(),
            "an empty page must not point to more: {page}"
        );
        assert!(ids.len() <= PAGE, "a page holds at most limit statements");
        pages.push(ids);
        if more.is_empty() {
            return pages;
        }
        assert!(more.starts_with("/xapi/statements?more="), "{more}");
        store(app, verb, per_page).await;
        path = more;
    }
}

fn assert_complete(pages: &[Vec<String>], existing: &[String]) {
    let seen: Vec<&String> = pages.iter().flatten().collect();
    let unique: HashSet<&String> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no statement appears twice");
    for id in existing {
        assert!(
            unique.contains(id),
            "statement {id} stored before paging was missed"
        );
    }
}

#[tokio::test]
async fn newest_first_paging_is_not_disturbed_by_new_statements() {
    // Arrange
    let app = spawn_app().await;
    let verb = fresh_verb();
    let existing = store(&app, &verb, EXISTING).await;

    // Act
    let first = format!("{}&limit={PAGE}", verb_query(&verb));
    let pages = page_while_writing(&app, &verb, &first, 3).await;

    // Assert
    assert_complete(&pages, &existing);
    let seen: Vec<String> = pages.into_iter().flatten().collect();
    let mut expected = existing.clone();
    expected.reverse();
    assert_eq!(
        seen, expected,
        "newer statements do not shift the pages of older ones"
    );
}

#[tokio::test]
async fn ascending_paging_sees_every_statement_once_while_new_ones_arrive() {
    // Arrange
    let app = spawn_app().await;
    let verb = fresh_verb();
    let existing = store(&app, &verb, EXISTING).await;

    // Act
    let first = format!("{}&limit={PAGE}&ascending=true", verb_query(&verb));
    let pages = page_while_writing(&app, &verb, &first, 2).await;

    // Assert
    assert_complete(&pages, &existing);
    let seen: Vec<String> = pages.into_iter().flatten().collect();
    assert_eq!(
        &seen[..EXISTING],
        &existing[..],
        "the existing ones first, in order"
    );
}

#[tokio::test]
async fn paging_with_concurrent_writers_has_no_duplicates_or_gaps() {
    // Arrange: a writer keeps storing statements under the same verb while pages are read.
    let app = spawn_app().await;
    let verb = fresh_verb();
    let existing = store(&app, &verb, EXISTING).await;
    let writer = {
        let client = app.client.clone();
        let url = format!("{}/xapi/statements", app.address);
        let (key, secret) = (app.admin_key.clone(), app.admin_secret.clone());
        let verb = verb.clone();
        tokio::spawn(async move {
            for _ in 0..40 {
                let batch: Vec<Value> = (0..5).map(|_| statement(&fresh_id(), &verb)).collect();
                let response = client
                    .post(&url)
                    .basic_auth(&key, Some(&secret))
                    .header("X-Experience-API-Version", "2.0.0")
                    .json(&batch)
                    .send()
                    .await
                    .expect("request");
                assert_eq!(response.status().as_u16(), 200);
            }
        })
    };

    // Act
    let first = format!("{}&limit={PAGE}", verb_query(&verb));
    let pages = page_while_writing(&app, &verb, &first, 0).await;
    writer.await.expect("the writer finished");

    // Assert
    assert_complete(&pages, &existing);
}
