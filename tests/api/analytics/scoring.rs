//! Live scoring beside the workers: a score computed from metrics that a batch changed
//! meanwhile stays stale, and scoring never waits for rows a batch holds.

use lrs::store::analytics::models::{self, Score};
use serde_json::json;
use sqlx::Connection;

use super::fixtures::*;
use crate::helpers::{TestApp, spawn_app_with};

async fn one_scored_course() -> (TestApp, i64, i64) {
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    post(
        &app,
        &[statement(1, VIEWED, "r1", "2026-01-05T10:00:00.000Z")],
    )
    .await;
    drain(&app).await;
    let course: i64 = sqlx::query_scalar("select id from courses")
        .fetch_one(&app.pool)
        .await
        .expect("course");
    let learner: i64 = sqlx::query_scalar("select learner_id from learner_courses")
        .fetch_one(&app.pool)
        .await
        .expect("learner");
    (app, course, learner)
}

fn score(learner: i64, version: i64) -> Score {
    Score {
        learner_id: learner,
        probability: 0.7,
        band: "high".into(),
        factors: json!([]),
        version,
    }
}

async fn stale_and_probability(app: &TestApp, learner: i64) -> (bool, Option<f64>) {
    sqlx::query_as("select risk_stale, risk_probability from learner_courses where learner_id = $1")
        .bind(learner)
        .fetch_one(&app.pool)
        .await
        .expect("row")
}

#[tokio::test]
async fn a_score_of_metrics_changed_meanwhile_is_written_but_stays_stale() {
    // Arrange: the scorer reads the row's version, then a batch changes the row.
    let (app, course, learner) = one_scored_course().await;
    let read = models::stored_scores(&app.pool, course)
        .await
        .expect("read");
    let version = read[&learner].version;
    sqlx::query("update learner_courses set statements = statements + 1 where learner_id = $1")
        .bind(learner)
        .execute(&app.pool)
        .await
        .expect("a batch's change");

    // Act
    models::write_scores(&app.pool, course, 1, &[score(learner, version)])
        .await
        .expect("write");
    let after_race = stale_and_probability(&app, learner).await;
    let fresh = models::stored_scores(&app.pool, course)
        .await
        .expect("read")[&learner]
        .version;
    models::write_scores(&app.pool, course, 1, &[score(learner, fresh)])
        .await
        .expect("write");
    let after_rescore = stale_and_probability(&app, learner).await;

    // Assert
    assert_eq!(after_race, (true, Some(0.7)));
    assert_eq!(after_rescore, (false, Some(0.7)));
}

#[tokio::test]
async fn scoring_skips_rows_a_batch_holds_instead_of_waiting() {
    // Arrange: another transaction (a worker's batch) holds the learner's row.
    let (app, course, learner) = one_scored_course().await;
    let version = models::stored_scores(&app.pool, course)
        .await
        .expect("read")[&learner]
        .version;
    let mut batch = app.pool.acquire().await.expect("connection");
    let mut tx = batch.begin().await.expect("begin");
    sqlx::query("select 1 from learner_courses where learner_id = $1 for update")
        .bind(learner)
        .execute(&mut *tx)
        .await
        .expect("lock");

    // Act: returns at once (a wait would hit the timeout).
    let written = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        models::write_scores(&app.pool, course, 1, &[score(learner, version)]),
    )
    .await;
    tx.rollback().await.expect("rollback");

    // Assert
    assert!(
        matches!(written, Ok(Ok(()))),
        "scoring waited for the batch"
    );
    assert_eq!(stale_and_probability(&app, learner).await, (true, None));
}
