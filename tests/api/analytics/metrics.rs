//! Engagement metrics on a small, hand-computed scenario, including a void.

use serde_json::json;

use super::fixtures::*;
use crate::helpers::spawn_app_with;

#[tokio::test]
async fn metrics_follow_the_documented_rules_and_a_void_removes_its_contribution() {
    // Arrange: learner 1 has two sessions on day one and one on day two; learner 2 one.
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    let mut quiz = statement(1, COMPLETED, "quiz1", "2026-01-05T10:20:00.000Z");
    quiz["result"] = json!({"score": {"scaled": 0.8}, "duration": "PT10M", "completion": true});
    let second = statement(1, VIEWED, "r2", "2026-01-05T10:05:00.000Z");
    let second_id = second["id"].as_str().expect("id").to_owned();
    post(
        &app,
        &[
            statement(1, VIEWED, "r1", "2026-01-05T10:00:00.000Z"),
            second,
            quiz,
            statement(1, VIEWED, "r1", "2026-01-05T12:00:00.000Z"),
            statement(1, VIEWED, "r3", "2026-01-06T09:00:00.000Z"),
            statement(2, VIEWED, "r1", "2026-01-05T11:00:00.000Z"),
        ],
    )
    .await;

    // Act
    drain(&app).await;
    let items = learners(&app, COURSE).await;

    // Assert: 10:00 -> 10:05 (300 s) + 10:05 -> 10:20 (900 s) + the quiz's own 10 minutes;
    // 12:00 is 100 minutes later, a new session; the next day is a third.
    let one = find(&items, &learner_key(1));
    assert_eq!(one["statements"], 5);
    assert_eq!(one["sessions"], 3);
    assert_eq!(one["active_days"], 2);
    assert_eq!(one["time_on_task_hours"], 0.5);
    assert_eq!(one["distinct_activities"], 4);
    assert_eq!(one["completions"], 1);
    assert_eq!(one["attempts"], 1);
    assert_eq!(one["mean_score"], 0.8);
    assert_eq!(
        one["coverage"], 1.0,
        "learner 1 touched all four activities"
    );
    let two = find(&items, &learner_key(2));
    assert_eq!(two["statements"], 1);
    assert_eq!(two["coverage"], 0.25);

    // Act: void the 10:05 statement.
    post(&app, &[voiding(&second_id, "2026-01-07T00:00:00.000Z")]).await;
    drain(&app).await;
    let items = learners(&app, COURSE).await;

    // Assert: 10:00 -> 10:20 is now one gap of 1200 s, still within the session.
    let one = find(&items, &learner_key(1));
    assert_eq!(one["statements"], 4);
    assert_eq!(one["sessions"], 3);
    assert_eq!(one["time_on_task_hours"], 0.5);
    assert_eq!(
        one["distinct_activities"], 3,
        "r2 was only touched by the voided statement"
    );
}

#[tokio::test]
async fn re_delivery_never_double_counts() {
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    let batch = vec![
        statement(1, VIEWED, "r1", "2026-01-05T10:00:00.000Z"),
        statement(1, VIEWED, "r2", "2026-01-05T10:01:00.000Z"),
    ];

    post(&app, &batch).await;
    drain(&app).await;
    post(&app, &batch).await; // the same statements again: accepted, not stored twice
    drain(&app).await;

    let items = learners(&app, COURSE).await;
    assert_eq!(find(&items, &learner_key(1))["statements"], 2);
}

#[tokio::test]
async fn an_outcome_statement_on_the_course_is_the_learners_outcome() {
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    let passed = json!({
        "actor": learner(1),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
        "object": course_activity(),
        "timestamp": "2026-03-01T10:00:00.000Z",
    });

    post(
        &app,
        &[
            statement(1, VIEWED, "r1", "2026-01-05T10:00:00.000Z"),
            passed,
        ],
    )
    .await;
    drain(&app).await;

    let items = learners(&app, COURSE).await;
    assert_eq!(find(&items, &learner_key(1))["outcome"], "pass");
}

#[tokio::test]
async fn a_rebuild_reproduces_the_metrics() {
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    post(
        &app,
        &[
            statement(1, VIEWED, "r1", "2026-01-05T10:00:00.000Z"),
            statement(1, VIEWED, "r2", "2026-01-05T10:05:00.000Z"),
            statement(2, VIEWED, "r1", "2026-01-06T10:00:00.000Z"),
        ],
    )
    .await;
    drain(&app).await;
    let before = learners(&app, COURSE).await;

    lrs::service::analytics::rebuild::rebuild(
        &app.pool,
        &lrs::config::Config::default().analytics(),
    )
    .await
    .expect("rebuild");

    let after = learners(&app, COURSE).await;
    assert_eq!(after.len(), 2);
    for key in [learner_key(1), learner_key(2)] {
        assert_eq!(
            find(&before, &key)["statements"],
            find(&after, &key)["statements"]
        );
        assert_eq!(
            find(&before, &key)["time_on_task_hours"],
            find(&after, &key)["time_on_task_hours"]
        );
    }
}
