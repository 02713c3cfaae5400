//! The analytics API's answers to input a client gets wrong, and the edges of its lists: pages
//! that continue, empty CSV, parameters out of range.

use reqwest::Method;
use serde_json::{Value, json};

use super::fixtures::*;
use crate::helpers::{TestApp, error_body};

async fn status_of(app: &TestApp, method: Method, path: &str) -> (u16, Value) {
    let response = app.admin(method, path).send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn text_of(app: &TestApp, path: &str) -> String {
    let response = app.admin(Method::GET, path).send().await.expect("request");
    assert_eq!(response.status().as_u16(), 200, "{path}");
    response.text().await.expect("text")
}

/// The statements behind learner 1's timeline in the seeded course.
fn learner_statements() -> String {
    format!(
        "/analytics/learners/statements?course={}&learner={}",
        encode(COURSE),
        encode(&learner_key(1))
    )
}

#[tokio::test]
async fn a_learners_statements_come_in_pages_that_continue() {
    let app = seeded().await;
    let base = learner_statements();
    let whole = get_json(&app, &base).await;
    let whole: Vec<Value> = whole["items"].as_array().cloned().expect("items");
    assert_eq!(whole.len(), 3);

    let mut walked = Vec::new();
    let mut path = format!("{base}&limit=2");
    let mut pages = 0;
    loop {
        let page = get_json(&app, &path).await;
        pages += 1;
        walked.extend(page["items"].as_array().cloned().expect("items"));
        match page["next"].as_str() {
            Some(next) => path = format!("{base}&limit=2&cursor={}", encode(next)),
            None => break,
        }
    }
    assert_eq!(pages, 2);
    assert_eq!(walked, whole, "every statement once, oldest first");

    for bad in ["limit=0", "limit=1001", "cursor=yesterday", "cursor=1.x"] {
        let (status, body) = status_of(&app, Method::GET, &format!("{base}&{bad}")).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
}

#[tokio::test]
async fn an_empty_list_as_csv_still_has_its_header_row() {
    let app = seeded().await;
    let path = format!("{}&day=2030-01-01&format=csv", learner_statements());
    assert_eq!(
        text_of(&app, &path).await,
        "timestamp,statement_id,verb,activity,activity_name,score,success,completion,duration\n"
    );
    // A filtered learner list with nobody in it: the same columns as a full one.
    let list = format!(
        "/analytics/courses/learners?course={}&format=csv",
        encode(COURSE)
    );
    let full = text_of(&app, &list).await;
    let empty = text_of(&app, &format!("{list}&outcome=withdrawn")).await;
    assert_eq!(Some(empty.as_str()), full.split_inclusive('\n').next());
}

#[tokio::test]
async fn out_of_range_parameters_are_refused_not_bent() {
    let app = seeded().await;
    let course = encode(COURSE);
    for (path, property) in [
        (
            format!("/analytics/courses/learners?course={course}&min_risk=NaN"),
            "min_risk",
        ),
        (
            format!("/analytics/courses/learners?course={course}&min_risk=2"),
            "min_risk",
        ),
        (
            format!("/analytics/courses/learners?course={course}&inactive_days=NaN"),
            "inactive_days",
        ),
        (
            format!("/analytics/courses/learners?course={course}&limit=0"),
            "limit",
        ),
        (
            format!("/analytics/courses/learners?course={course}&limit=10001"),
            "limit",
        ),
        ("/analytics/courses?limit=0".to_owned(), "limit"),
        ("/analytics/courses?limit=1001".to_owned(), "limit"),
        ("/analytics/status?verbose=1".to_owned(), "verbose"),
    ] {
        let (status, body) = status_of(&app, Method::GET, &path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["property"], property, "{path}: {body}");
    }
    // A malformed model id is a bad request, not a missing model.
    let (status, body) = status_of(&app, Method::GET, "/analytics/models/abc").await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = status_of(&app, Method::GET, "/analytics/models/12345").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_learner_list_cursor_only_continues_its_own_list() {
    let app = seeded().await;
    let base = format!("/analytics/courses/learners?course={}", encode(COURSE));
    let page = get_json(&app, &format!("{base}&sort=statements&limit=1")).await;
    let cursor = encode(page["next"].as_str().expect("a second page"));
    let (status, second) = status_of(
        &app,
        Method::GET,
        &format!("{base}&sort=statements&limit=1&cursor={cursor}"),
    )
    .await;
    assert_eq!(status, 200);
    assert_ne!(second["items"][0]["learner"], page["items"][0]["learner"]);
    let (status, body) = status_of(
        &app,
        Method::GET,
        &format!("{base}&sort=name&limit=1&cursor={cursor}"),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["property"], "cursor");
}

#[tokio::test]
async fn a_course_cannot_end_before_it_starts() {
    // The seeded course's first statement is on 2026-01-05.
    let app = seeded().await;
    let path = format!("/analytics/courses/settings?course={}", encode(COURSE));
    for settings in [
        json!({"start_date": "2026-02-01", "end_date": "2026-01-31"}),
        // No start date: week 1 starts on the first statement's day.
        json!({"end_date": "2026-01-04"}),
    ] {
        let response = app
            .admin(Method::PUT, &path)
            .json(&settings)
            .send()
            .await
            .expect("request");
        let body = error_body(response, 400).await;
        assert_eq!(body["property"], "end_date", "{settings}");
    }
    set_course(&app, json!({"end_date": "2026-01-05"})).await;
}

#[tokio::test]
async fn the_learner_list_searches_names_and_keys_in_any_case_in_both_orders() {
    let app = crate::analytics::fixtures::seeded().await;
    let base = format!(
        "/analytics/courses/learners?course={}",
        crate::analytics::fixtures::encode(crate::analytics::fixtures::COURSE)
    );
    let keys = |body: serde_json::Value| -> Vec<String> {
        body["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| i["learner"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    // `sort=risk` pages in PostgreSQL, `sort=name` sorts in the LRS: the same answer.
    for sort in ["risk", "name"] {
        for (search, expected) in [
            ("learner%202", vec!["account:https://lms.example.edu|s2"]),
            ("LEARNER%202", vec!["account:https://lms.example.edu|s2"]),
            ("%7Cs1", vec!["account:https://lms.example.edu|s1"]),
            ("nobody", vec![]),
        ] {
            let body = crate::analytics::fixtures::get_json(
                &app,
                &format!("{base}&sort={sort}&search={search}"),
            )
            .await;
            assert_eq!(keys(body), expected, "sort={sort} search={search}");
        }
    }
    let response = app
        .admin(reqwest::Method::GET, &format!("{base}&search=%20"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.expect("json");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("search"),
        "{body}"
    );
}
