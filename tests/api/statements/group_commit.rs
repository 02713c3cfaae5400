//! Group commit: small POSTs that wait at the same time share one transaction, and one bad
//! request among them fails alone.
//!
//! To make requests wait together, the test holds a lock that the statement insert needs
//! (`analytics_queue`, which every insert writes to): the single writer blocks on it with the
//! first request, the next requests queue up behind it, and the lock is released once they
//! have been sent.

use std::time::Duration;

use futures_util::future::join_all;
use reqwest::Method;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use super::{fresh_id, fresh_verb, statement};
use crate::helpers::{TestApp, spawn_app_with};

const WAITING: usize = 30;

async fn app_with_one_writer() -> TestApp {
    spawn_app_with(|config| {
        config.statement_writers = 1;
        config.analytics_worker = false;
    })
    .await
}

/// Blocks statement inserts until [`release`] (a session of its own holds the lock).
async fn block_inserts(app: &TestApp) -> PgConnection {
    let mut conn = app.pool.acquire().await.expect("connection").detach();
    sqlx::raw_sql("begin; lock table analytics_queue in exclusive mode")
        .execute(&mut conn)
        .await
        .expect("lock");
    conn
}

async fn release(mut conn: PgConnection) {
    sqlx::raw_sql("commit")
        .execute(&mut conn)
        .await
        .expect("unlock");
    conn.close().await.expect("close");
}

async fn post_one(app: &TestApp, body: serde_json::Value) -> (u16, String) {
    let response = app
        .xapi(Method::POST, "/xapi/statements")
        .json(&body)
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// Waits until a backend waits for a lock (the writer, stuck behind the test's lock).
async fn writer_is_blocked(app: &TestApp) {
    for _ in 0..200 {
        let waiting: i64 = sqlx::query_scalar(
            "select count(*) from pg_stat_activity
             where wait_event_type = 'Lock' and datname = current_database()",
        )
        .fetch_one(&app.pool)
        .await
        .expect("pg_stat_activity");
        if waiting > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the statement writer never reached the lock");
}

/// Sends one request that blocks the writer, then `bodies` at once while it is blocked, and
/// releases the writer once they have had time to queue. Returns the answers to `bodies`.
async fn send_while_blocked(app: &TestApp, bodies: &[serde_json::Value]) -> Vec<(u16, String)> {
    let lock = block_inserts(app).await;
    let blocker = post_one(app, statement(&fresh_id(), &fresh_verb()));
    let waiting = async {
        writer_is_blocked(app).await;
        let release_later = async {
            tokio::time::sleep(Duration::from_secs(1)).await;
            release(lock).await;
        };
        let (answers, ()) = tokio::join!(
            join_all(bodies.iter().map(|body| post_one(app, body.clone()))),
            release_later
        );
        answers
    };
    let ((status, text), answers) = tokio::join!(blocker, waiting);
    assert_eq!(status, 200, "the blocking request: {text}");
    answers
}

#[tokio::test]
async fn single_statement_posts_waiting_together_share_a_transaction() {
    // Arrange
    let app = app_with_one_writer().await;
    let verb = fresh_verb();
    let ids: Vec<String> = (0..WAITING).map(|_| fresh_id()).collect();
    let bodies: Vec<_> = ids.iter().map(|id| statement(id, &verb)).collect();

    // Act
    let answers = send_while_blocked(&app, &bodies).await;

    // Assert: every request stored, in far fewer transactions than requests.
    for (i, (status, text)) in answers.iter().enumerate() {
        assert_eq!(*status, 200, "request {i}: {text}");
    }
    let uuids: Vec<Uuid> = ids.iter().map(|id| id.parse().expect("uuid")).collect();
    let (stored, transactions): (i64, i64) = sqlx::query_as(
        "select count(*), count(distinct xmin::text) from statements where id = any($1)",
    )
    .bind(&uuids)
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(stored, WAITING as i64);
    assert!(
        transactions < (WAITING / 2) as i64,
        "{WAITING} waiting requests took {transactions} transactions"
    );
}

#[tokio::test]
async fn a_conflicting_post_among_waiting_posts_fails_alone() {
    // Arrange: a stored statement, then its id again with other content among fresh ones.
    let app = app_with_one_writer().await;
    let taken = fresh_id();
    let original_verb = fresh_verb();
    let (status, text) = post_one(&app, statement(&taken, &original_verb)).await;
    assert_eq!(status, 200, "{text}");
    let verb = fresh_verb();
    let fresh: Vec<String> = (0..20).map(|_| fresh_id()).collect();
    let mut bodies: Vec<_> = fresh.iter().map(|id| statement(id, &verb)).collect();
    bodies.insert(10, statement(&taken, &fresh_verb()));

    // Act
    let answers = send_while_blocked(&app, &bodies).await;

    // Assert
    assert_eq!(answers[10].0, 409, "{}", answers[10].1);
    assert!(answers[10].1.contains(&taken), "{}", answers[10].1);
    for (i, (status, text)) in answers.iter().enumerate().filter(|(i, _)| *i != 10) {
        assert_eq!(*status, 200, "request {i}: {text}");
    }
    for id in &fresh {
        let response = app
            .xapi(Method::GET, &format!("/xapi/statements?statementId={id}"))
            .send()
            .await
            .expect("get");
        assert_eq!(response.status().as_u16(), 200, "statement {id} stored");
    }
    let kept: serde_json::Value = app
        .xapi(
            Method::GET,
            &format!("/xapi/statements?statementId={taken}"),
        )
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(
        kept["verb"]["id"], original_verb,
        "the stored statement is unchanged"
    );
}
