//! Rosters: learners who never started become visible, and the roster's withdrawals and
//! attributes reach training and evaluation. Before, an outcome upload was the only way to name
//! a learner without statements, and it enrolled them silently.

use reqwest::Method;
use serde_json::{Value, json};

use super::fixtures::{
    COURSE, VIEWED, drain, encode, find, get_json, learner, learner_key, learners, post, statement,
};
use crate::helpers::{TestApp, error_body, spawn_app_with};

async fn upload(app: &TestApp, content_type: &str, body: String) -> reqwest::Response {
    app.admin(
        Method::POST,
        &format!("/analytics/enrolments?course={}", encode(COURSE)),
    )
    .header("content-type", content_type)
    .body(body)
    .send()
    .await
    .expect("request")
}

#[tokio::test]
async fn a_roster_makes_learners_who_never_started_visible() {
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    post(
        &app,
        &[statement(1, VIEWED, "r1", "2026-01-05T10:00:00.000Z")],
    )
    .await;
    drain(&app).await;

    let json_roster = json!([
        {"learner": learner(1), "enrolled_at": "2025-12-20T00:00:00Z",
         "attributes": {"programme": "BSc Biology"}},
        {"learner": learner(2), "enrolled_at": "2025-12-20T00:00:00Z",
         "withdrawn_at": "2026-01-20T00:00:00Z", "attributes": {"programme": "BSc Chemistry"}}
    ]);
    let response = upload(&app, "application/json", json_roster.to_string()).await;
    assert_eq!(response.status().as_u16(), 200);
    let csv = "learner,enrolled_at,withdrawn_at,programme\nnever.started@example.edu,2025-12-20,,BSc Biology\n";
    let response = upload(&app, "text/csv", csv.to_owned()).await;
    assert_eq!(response.status().as_u16(), 200);

    let items = learners(&app, COURSE).await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(
        find(&items, "mbox:mailto:never.started@example.edu")["statements"],
        0
    );
    assert_eq!(find(&items, &learner_key(1))["statements"], 1);
    let roster = get_json(
        &app,
        &format!("/analytics/courses/enrolments?course={}", encode(COURSE)),
    )
    .await;
    let rows = roster["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 3);
    let never: &Value = rows
        .iter()
        .find(|r| r["learner"] == "mbox:mailto:never.started@example.edu")
        .expect("the CSV's learner");
    assert_eq!(never["never_started"], true);
    assert_eq!(never["enrolled_at"], "2025-12-20T00:00:00Z");
    assert!(
        never["attributes"]
            .as_str()
            .is_some_and(|a| a.contains("BSc Biology"))
    );

    // Now an outcome for the learner who never started is accepted without enrol=true.
    let outcome = app
        .admin(
            Method::POST,
            &format!("/analytics/outcomes?course={}", encode(COURSE)),
        )
        .json(&json!([{"learner": "never.started@example.edu", "outcome": "withdrawn"}]))
        .send()
        .await
        .expect("request");
    assert_eq!(outcome.status().as_u16(), 200);
}

#[tokio::test]
async fn a_roster_with_a_learner_twice_or_a_withdrawal_before_enrolment_is_refused() {
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    for (roster, property) in [
        (
            json!([{"learner": learner(1)}, {"learner": learner(1)}]),
            "[1].learner",
        ),
        (
            json!([{"learner": learner(1), "enrolled_at": "2026-01-10T00:00:00Z",
                    "withdrawn_at": "2026-01-01T00:00:00Z"}]),
            "[0].withdrawn_at",
        ),
        (json!([{"learner": "not an agent"}]), "[0].learner"),
    ] {
        let response = upload(&app, "application/json", roster.to_string()).await;
        let body = error_body(response, 400).await;
        assert_eq!(body["property"], property, "{roster}");
    }
}

#[tokio::test]
async fn a_roster_uploaded_while_the_workers_apply_its_learners_statements_succeeds() {
    // The workers update the same learners' rows; before, this met them in another order and
    // the upload failed with a deadlock (500).
    let app = crate::helpers::spawn_app().await;
    for round in 0..3u32 {
        let statements: Vec<Value> = (0..200u32)
            .map(|n| statement(1000 * round + n, VIEWED, "r1", "2026-01-05T10:00:00.000Z"))
            .collect();
        let roster: Vec<Value> = (0..200u32)
            .map(|n| json!({"learner": learner(1000 * round + n), "enrolled_at": "2025-12-20T00:00:00Z"}))
            .collect();
        let posting = post(&app, &statements);
        let uploading = upload(&app, "application/json", json!(roster).to_string());
        let ((), response) = tokio::join!(posting, uploading);
        assert_eq!(
            response.status().as_u16(),
            200,
            "round {round}: {}",
            response.text().await.unwrap_or_default()
        );
    }
}
