//! Live scoring beside the workers: a score computed from metrics that a batch changed
//! meanwhile stays stale, and scoring never waits for rows a batch holds.

use lrs::service::analytics::scoring::Scorer;
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

/// An active model that reads "inactive ten days or more" as risk and nothing else. Without a
/// penalty on separable data its probabilities are 0 or 1 on either side: a learner a few days
/// inactive keeps the same risk while the words explaining it change.
async fn activate_inactivity_model(app: &TestApp) {
    use lrs::analytics::features::feature_names;
    use lrs::analytics::model::{Dataset, TrainOptions, train};
    let names = feature_names();
    let days = names
        .iter()
        .position(|n| n == "days_since_last")
        .expect("feature");
    let rows: Vec<Vec<f64>> = (0..40)
        .map(|i| {
            let mut row = vec![1.0; names.len()];
            row[days] = f64::from(i % 20);
            row
        })
        .collect();
    let labels = (0..40).map(|i| i % 20 >= 10).collect();
    let model = train(
        &Dataset {
            feature_names: names,
            rows,
            labels,
            risk_signs: Vec::new(),
        },
        &TrainOptions {
            l2: 0.0,
            ..TrainOptions::default()
        },
    )
    .expect("trained");
    let id = models::insert(
        &app.pool,
        &models::NewModel {
            algorithm: "logistic_regression",
            cutoff_week: 1,
            training_courses: &[],
            model: &serde_json::to_value(&model).expect("model"),
            training: &json!({}),
            trained_by: "test",
        },
    )
    .await
    .expect("insert");
    let activation = lrs::store::analytics::activations::Activation {
        kind: lrs::store::analytics::activations::ActivatedBy::Admin,
        by: "test",
        reason: "test",
        evaluation: None,
    };
    assert!(
        models::activate(&app.pool, id, &activation)
            .await
            .expect("activate")
    );
}

async fn days_explanation(app: &TestApp, learner: i64) -> (Option<f64>, String) {
    let (risk, text): (Option<f64>, Option<String>) = sqlx::query_as(
        "select risk_probability,
                case 'days_since_last' when risk_factor_1 then risk_factor_1_explanation
                     when risk_factor_2 then risk_factor_2_explanation
                     when risk_factor_3 then risk_factor_3_explanation end
         from learner_courses where learner_id = $1",
    )
    .bind(learner)
    .fetch_one(&app.pool)
    .await
    .expect("row");
    (risk, text.unwrap_or_default())
}

#[tokio::test]
async fn scores_of_a_live_course_follow_the_clock_without_new_statements() {
    // Arrange: a live course (activity two days ago), scored once.
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    let at = |days: i64| {
        (chrono::Utc::now() - chrono::Duration::days(days))
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string()
    };
    post(
        &app,
        &[
            statement(1, VIEWED, "r1", &at(2)),
            statement(2, VIEWED, "r1", &at(1)),
        ],
    )
    .await;
    drain(&app).await;
    activate_inactivity_model(&app).await;
    let mut scorer = Scorer::default();
    assert_eq!(scorer.round(&app.pool).await.expect("round"), 2);
    let learner: i64 =
        sqlx::query_scalar("select learner_id from learner_courses order by last_ts limit 1")
            .fetch_one(&app.pool)
            .await
            .expect("learner");
    let before = days_explanation(&app, learner).await;

    // Act: three days pass without a statement (the clock is moved by moving the store back),
    // then the scorer looks again, as it does every minute.
    sqlx::query(
        "update learner_courses set first_ts = first_ts - interval '3 days',
                                    last_ts = last_ts - interval '3 days'",
    )
    .execute(&app.pool)
    .await
    .expect("older activity");
    sqlx::query("update courses set scored_reference = scored_reference - interval '3 days'")
        .execute(&app.pool)
        .await
        .expect("older scores");
    let drifted = Scorer::default().round(&app.pool).await.expect("round");
    let after = days_explanation(&app, learner).await;
    let again = Scorer::default().round(&app.pool).await.expect("round");

    // Assert
    assert_eq!(before.1, "last active 2 days ago (course average 2 days)");
    assert!(drifted >= 1, "nothing was rescored");
    assert!(
        after
            .1
            .starts_with("last active 5 days ago (course average"),
        "{after:?}"
    );
    let (risk_before, risk_after) = (before.0.unwrap_or(-1.0), after.0.unwrap_or(1.0));
    assert!(
        (risk_after - risk_before).abs() < 0.005,
        "the risk moved ({before:?} -> {after:?}): the words alone should be rewritten"
    );
    assert_eq!(again, 0, "fresh scores were written again");
    let live: bool = sqlx::query_scalar("select scored_live from courses")
        .fetch_one(&app.pool)
        .await
        .expect("course");
    assert!(live);
}
