//! Statement builders and helpers for the analytics tests.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with};

pub const COURSE: &str = "https://lms.example.edu/course/BIO101/1";

pub fn course_activity() -> Value {
    json!({"id": COURSE, "definition": {"type": "http://adlnet.gov/expapi/activities/course",
                                         "name": {"en": "Biology 101"}}})
}

pub fn learner(n: u32) -> Value {
    json!({"name": format!("Learner {n}"),
           "account": {"homePage": "https://lms.example.edu", "name": format!("s{n}")}})
}

pub fn learner_key(n: u32) -> String {
    format!("account:https://lms.example.edu|s{n}")
}

/// A statement by learner `n` at `timestamp` about `activity` in the course.
pub fn statement(n: u32, verb: &str, activity: &str, timestamp: &str) -> Value {
    json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "actor": learner(n),
        "verb": {"id": verb, "display": {"en": verb.rsplit('/').next().unwrap_or("did")}},
        "object": {"id": format!("https://lms.example.edu/activity/{activity}"),
                   "definition": {"name": {"en": activity},
                                  "type": "http://id.tincanapi.com/activitytype/resource"}},
        "context": {"contextActivities": {"grouping": [course_activity()]}},
        "timestamp": timestamp,
    })
}

pub const VIEWED: &str = "http://id.tincanapi.com/verb/viewed";
pub const COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
pub const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";

pub fn voiding(target: &str, timestamp: &str) -> Value {
    json!({
        "actor": learner(999),
        "verb": {"id": VOIDED},
        "object": {"objectType": "StatementRef", "id": target},
        "timestamp": timestamp,
    })
}

/// The analytics tests' name for [`post_statements`](crate::helpers::post_statements).
pub use crate::helpers::post_statements as post;

/// Applies everything queued.
pub async fn drain(app: &TestApp) {
    lrs::service::analytics::drain::drain(&app.pool, &lrs::config::Config::default().analytics())
        .await
        .expect("drain");
}

pub fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A GET of the API as the admin, which must answer 200, as JSON.
pub async fn get_json(app: &TestApp, path: &str) -> Value {
    let response = app.admin(Method::GET, path).send().await.expect("request");
    assert_eq!(response.status().as_u16(), 200, "{path}");
    response.json().await.expect("json")
}

/// The analytics API's learner list for the course, as JSON items.
pub async fn learners(app: &TestApp, course: &str) -> Vec<Value> {
    let path = format!("/analytics/courses/learners?course={}", encode(course));
    let body = get_json(app, &path).await;
    body["items"].as_array().cloned().unwrap_or_default()
}

pub fn find<'a>(items: &'a [Value], key: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["learner"] == key)
        .unwrap_or_else(|| panic!("no learner {key} in {items:?}"))
}

/// An LRS without a background worker, holding two learners' statements in the course, applied.
pub async fn seeded() -> TestApp {
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    post(
        &app,
        &[
            statement(1, VIEWED, "r1", "2026-01-05T10:00:00.000Z"),
            statement(1, VIEWED, "r2", "2026-01-05T10:10:00.000Z"),
            statement(1, VIEWED, "r1", "2026-01-13T10:00:00.000Z"),
            statement(2, VIEWED, "r1", "2026-01-06T09:00:00.000Z"),
        ],
    )
    .await;
    drain(&app).await;
    app
}

/// PUTs the course's settings, which must answer 200.
pub async fn set_course(app: &TestApp, settings: serde_json::Value) {
    let response = app
        .admin(
            Method::PUT,
            &format!("/analytics/courses/settings?course={}", encode(COURSE)),
        )
        .json(&settings)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
}
