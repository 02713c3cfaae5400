//! Course settings before any data, and one field at a time. Before: a course no statement had
//! named could not be set up (404), and a PUT of only the title wiped the dates.

use reqwest::Method;
use serde_json::{Value, json};

use super::fixtures::{drain, encode, get_json, post};
use crate::helpers::{TestApp, error_body, spawn_app_with};

const NEW_COURSE: &str = "https://lms.example.edu/course/NEW500/2027";

async fn put(app: &TestApp, settings: Value) -> Value {
    let response = app
        .admin(
            Method::PUT,
            &format!("/analytics/courses/settings?course={}", encode(NEW_COURSE)),
        )
        .json(&settings)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("json")
}

#[tokio::test]
async fn a_course_can_be_set_up_before_its_first_statement() {
    let app = spawn_app_with(|c| c.analytics_worker = false).await;

    let set = put(
        &app,
        json!({
            "title": "New course",
            "start_date": "2027-01-11",
            "end_date": "2027-04-30",
            "deadlines": [
                {"activity": "https://lms.example.edu/assignment/1", "due": "2027-02-01T23:59:00Z", "title": "Essay 1"},
                {"activity": "https://lms.example.edu/quiz/1", "due": "2027-01-25T12:00:00Z"}
            ]
        }),
    )
    .await;

    assert_eq!(set["course"], NEW_COURSE);
    assert_eq!(set["title"], "New course");
    assert_eq!(set["start_date"], "2027-01-11");
    assert_eq!(set["learners"], 0);
    let deadlines = set["deadlines"].as_array().cloned().unwrap_or_default();
    assert_eq!(deadlines.len(), 2);
    assert_eq!(
        deadlines[0]["activity"], "https://lms.example.edu/quiz/1",
        "earliest first"
    );
    let listed = get_json(&app, "/analytics/courses").await;
    assert!(
        listed["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|c| c["course"] == NEW_COURSE))
    );

    // Its first statements then land in it, and its settings stay.
    post(
        &app,
        &[json!({
            "actor": {"account": {"homePage": "https://lms.example.edu", "name": "n1"}},
            "verb": {"id": "http://id.tincanapi.com/verb/viewed"},
            "object": {"id": "https://lms.example.edu/activity/intro"},
            "context": {"contextActivities": {"grouping": [{"id": NEW_COURSE,
                "definition": {"type": "http://adlnet.gov/expapi/activities/course",
                               "name": {"en": "A title from the VLE"}}}]}},
            "timestamp": "2027-01-12T09:00:00Z"
        })],
    )
    .await;
    drain(&app).await;
    let detail = get_json(
        &app,
        &format!("/analytics/courses/detail?course={}", encode(NEW_COURSE)),
    )
    .await;
    assert_eq!(detail["learners"], 1);
    assert_eq!(detail["title"], "New course", "the admin's title is kept");
    assert_eq!(detail["start_date"], "2027-01-11");
    assert_eq!(detail["deadlines"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_field_left_out_keeps_its_value_and_null_clears_it() {
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    put(
        &app,
        json!({"title": "T", "start_date": "2027-01-11", "end_date": "2027-04-30"}),
    )
    .await;

    let retitled = put(&app, json!({"title": "Renamed"})).await;
    assert_eq!(retitled["title"], "Renamed");
    assert_eq!(retitled["start_date"], "2027-01-11", "dates kept");
    assert_eq!(retitled["end_date"], "2027-04-30");

    let cleared = put(&app, json!({"end_date": null, "deadlines": []})).await;
    assert_eq!(cleared["end_date"], Value::Null);
    assert_eq!(cleared["title"], "Renamed");

    // Invalid input names the field; nothing is created from it.
    for (settings, property) in [
        (
            json!({"start_date": "2027-05-01", "end_date": "2027-04-30"}),
            "end_date",
        ),
        (
            json!({"deadlines": [{"activity": "not an iri", "due": "2027-02-01T00:00:00Z"}]}),
            "deadlines[0].activity",
        ),
    ] {
        let response = app
            .admin(
                Method::PUT,
                &format!("/analytics/courses/settings?course={}", encode(NEW_COURSE)),
            )
            .json(&settings)
            .send()
            .await
            .expect("request");
        let body = error_body(response, 400).await;
        assert_eq!(body["property"], property, "{settings}");
    }
    let unchanged = get_json(
        &app,
        &format!("/analytics/courses/settings?course={}", encode(NEW_COURSE)),
    )
    .await;
    assert_eq!(unchanged["start_date"], "2027-01-11");
}
