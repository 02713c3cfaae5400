//! The analytics REST API: courses, series, heatmap, learners, drill-down, settings,
//! outcome upload, CSV, scopes.

use reqwest::Method;
use serde_json::json;

use super::fixtures::*;
use crate::helpers::{error_body, spawn_app_with};

#[tokio::test]
async fn courses_are_listed_with_their_numbers_and_detail() {
    let app = seeded().await;

    let list = get_json(&app, "/analytics/courses").await;
    let detail = get_json(
        &app,
        &format!("/analytics/courses/detail?course={}", encode(COURSE)),
    )
    .await;

    let course = &list["items"][0];
    assert_eq!(course["course"], COURSE);
    assert_eq!(course["title"], "Biology 101");
    assert_eq!(course["learners"], 2);
    assert_eq!(course["statements"], 4);
    assert_eq!(
        course["start_date"], "2026-01-05",
        "defaults to the first statement's day"
    );
    assert_eq!(detail["course"], COURSE);
}

#[tokio::test]
async fn the_weekly_series_counts_weeks_from_the_course_start() {
    let app = seeded().await;

    let weekly = get_json(
        &app,
        &format!("/analytics/courses/weekly?course={}", encode(COURSE)),
    )
    .await;

    let weeks = weekly["items"].as_array().expect("items");
    assert_eq!(weeks.len(), 2);
    assert_eq!(weeks[0]["week"], 1);
    assert_eq!(weeks[0]["statements"], 3);
    assert_eq!(weeks[0]["active_learners"], 2);
    assert_eq!(weeks[0]["new_learners"], 2);
    assert_eq!(weeks[1]["week"], 2);
    assert_eq!(weeks[1]["active_learners"], 1);
}

#[tokio::test]
async fn moving_the_course_start_moves_the_weeks() {
    let app = seeded().await;

    set_course(
        &app,
        json!({"title": "Biology (spring)", "start_date": "2025-12-29"}),
    )
    .await;
    let weekly = get_json(
        &app,
        &format!("/analytics/courses/weekly?course={}", encode(COURSE)),
    )
    .await;

    assert_eq!(weekly["items"][0]["week"], 2, "2026-01-05 is now in week 2");
    let detail = get_json(
        &app,
        &format!("/analytics/courses/detail?course={}", encode(COURSE)),
    )
    .await;
    assert_eq!(detail["title"], "Biology (spring)");
    assert_eq!(detail["start_date_set"], true);
}

#[tokio::test]
async fn days_before_the_course_start_fall_before_week_1() {
    // Arrange: statements on 2026-01-05, 01-06 and 01-13; the course starts on 01-06.
    let app = seeded().await;
    set_course(&app, json!({"start_date": "2026-01-06"})).await;

    // Act
    let weekly = get_json(
        &app,
        &format!("/analytics/courses/weekly?course={}", encode(COURSE)),
    )
    .await;
    let heatmap = get_json(
        &app,
        &format!("/analytics/courses/heatmap?course={}", encode(COURSE)),
    )
    .await;

    // Assert: "week 1 is the seven days starting on the course's start date" (ANALYTICS.md);
    // the day before it is in week 0, not in week 1.
    let weeks: Vec<(i64, i64)> = weekly["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|w| {
            (
                w["week"].as_i64().expect("week"),
                w["statements"].as_i64().expect("n"),
            )
        })
        .collect();
    assert_eq!(weeks, vec![(0, 2), (1, 1), (2, 1)]);
    let cells: Vec<(String, i64)> = heatmap["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| {
            let activity = c["activity"].as_str().unwrap_or_default();
            let name = activity.rsplit('/').next().unwrap_or_default().to_owned();
            (name, c["week"].as_i64().expect("week"))
        })
        .collect();
    assert!(cells.contains(&("r2".into(), 0)), "{cells:?}");
    assert!(!cells.contains(&("r2".into(), 1)), "{cells:?}");
}

#[tokio::test]
async fn the_heatmap_counts_accesses_per_activity_and_week() {
    let app = seeded().await;

    let heat = get_json(
        &app,
        &format!("/analytics/courses/heatmap?course={}", encode(COURSE)),
    )
    .await;

    let cells = heat["items"].as_array().expect("items");
    let r1_week1 = cells
        .iter()
        .find(|c| c["activity"] == "https://lms.example.edu/activity/r1" && c["week"] == 1)
        .expect("r1 week 1");
    assert_eq!(r1_week1["accesses"], 2);
    assert_eq!(r1_week1["activity_name"], "r1");
}

#[tokio::test]
async fn lists_come_as_csv_with_stable_columns() {
    let app = seeded().await;

    let response = app
        .admin(
            Method::GET,
            &format!("/analytics/courses/learners?course={}", encode(COURSE)),
        )
        .header("Accept", "text/csv")
        .send()
        .await
        .expect("request");

    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/csv")
    );
    let text = response.text().await.expect("text");
    let header = text.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("learner,name,course,statements,active_days,sessions"),
        "{header}"
    );
    assert!(
        header.contains("risk,risk_band,factor_1,factor_1_contribution,factor_1_explanation"),
        "{header}"
    );
    assert_eq!(text.lines().count(), 3, "a header and two learners");
    let by_param = app
        .admin(
            Method::GET,
            &format!(
                "/analytics/courses/weekly?course={}&format=csv",
                encode(COURSE)
            ),
        )
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("text");
    assert!(
        by_param.starts_with(
            "week,week_start,statements,time_on_task_hours,active_learners,new_learners"
        )
    );
}

#[tokio::test]
async fn learner_lists_filter_sort_and_page_with_a_cursor() {
    let app = seeded().await;
    let base = format!("/analytics/courses/learners?course={}", encode(COURSE));

    let first = get_json(&app, &format!("{base}&sort=statements&limit=1")).await;
    assert_eq!(
        first["items"][0]["learner"],
        learner_key(1),
        "most statements first"
    );
    let cursor = first["next"].as_str().expect("a next cursor").to_owned();
    let second = get_json(
        &app,
        &format!("{base}&sort=statements&limit=1&cursor={cursor}"),
    )
    .await;
    assert_eq!(second["items"][0]["learner"], learner_key(2));
    assert!(second["next"].is_null());

    let inactive = get_json(&app, &format!("{base}&inactive_days=0")).await;
    assert_eq!(inactive["items"].as_array().map(Vec::len), Some(2));
    let response = app
        .admin(Method::GET, &format!("{base}&sort=shoe_size"))
        .send()
        .await
        .expect("request");
    let body = error_body(response, 400).await;
    assert_eq!(body["property"], "sort");
}

#[tokio::test]
async fn a_learners_trail_and_statements_drill_down() {
    let app = seeded().await;
    let key = encode(&learner_key(1));

    let trail = get_json(
        &app,
        &format!(
            "/analytics/learners/trail?course={}&learner={key}",
            encode(COURSE)
        ),
    )
    .await;
    let day = get_json(
        &app,
        &format!(
            "/analytics/learners/statements?course={}&learner={key}&day=2026-01-05",
            encode(COURSE)
        ),
    )
    .await;
    let across = get_json(&app, &format!("/analytics/learners/courses?learner={key}")).await;

    let days = trail["items"].as_array().expect("items");
    assert_eq!(days.len(), 2);
    assert_eq!(days[0]["day"], "2026-01-05");
    assert_eq!(days[0]["statements"], 2);
    assert_eq!(days[0]["time_on_task_minutes"], 10.0);
    assert_eq!(day["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(day["items"][0]["verb"], VIEWED);
    assert_eq!(across["items"][0]["course"], COURSE);
}

#[tokio::test]
async fn the_drill_down_without_bounds_and_out_of_range_cutoffs() {
    // Arrange
    let app = seeded().await;
    let course = encode(COURSE);
    let key = encode(&learner_key(1));

    // Act
    let all = get_json(
        &app,
        &format!("/analytics/learners/statements?course={course}&learner={key}"),
    )
    .await;
    let until = get_json(
        &app,
        &format!(
            "/analytics/learners/statements?course={course}&learner={key}&until=2026-01-06T00:00:00Z"
        ),
    )
    .await;

    // Assert: no bound means every statement; cutoffs beyond reach are the client's mistake.
    assert_eq!(all["items"].as_array().map(Vec::len), Some(3));
    assert_eq!(until["items"].as_array().map(Vec::len), Some(2));
    for path in [
        format!("/analytics/courses/learners?course={course}&as_of_week=100000000"),
        format!("/analytics/courses/learners?course={course}&as_of=-5000-01-01"),
        format!("/analytics/learners/statements?course={course}&learner={key}&day=-5000-01-01"),
    ] {
        let response = app.admin(Method::GET, &path).send().await.expect("request");
        error_body(response, 400).await;
    }
    for body in [
        json!({"courses": [COURSE], "cutoff_week": 100_000_000}),
        json!({"courses": [COURSE], "cutoff_week": 0}),
    ] {
        let response = app
            .admin(Method::POST, "/analytics/models")
            .json(&body)
            .send()
            .await
            .expect("request");
        error_body(response, 400).await;
    }
}

#[tokio::test]
async fn outcomes_upload_as_json_and_csv() {
    let app = seeded().await;
    let url = format!("/analytics/outcomes?course={}", encode(COURSE));

    let json_upload = app
        .admin(Method::POST, &url)
        .json(&json!([{"learner": learner(1), "outcome": "passed"}]))
        .send()
        .await
        .expect("request");
    let csv = format!(
        "learner,outcome\n{},withdrawn\nnew.student@example.edu,fail\n",
        learner_key(2)
    );
    // A learner not in the course is not enrolled silently by an outcome...
    let refused = app
        .admin(Method::POST, &url)
        .header("content-type", "text/csv")
        .body(csv.clone())
        .send()
        .await
        .expect("request");
    let refusal = error_body(refused, 400).await;
    assert_eq!(refusal["property"], "[1].learner", "{refusal}");
    // ... only when the upload says so.
    let csv_upload = app
        .admin(Method::POST, &format!("{url}&enrol=true"))
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("request");

    assert_eq!(json_upload.status().as_u16(), 200);
    assert_eq!(csv_upload.status().as_u16(), 200);
    let items = learners(&app, COURSE).await;
    assert_eq!(find(&items, &learner_key(1))["outcome"], "pass");
    assert_eq!(find(&items, &learner_key(2))["outcome"], "withdrawn");
    assert_eq!(
        find(&items, "mbox:mailto:new.student@example.edu")["outcome"],
        "fail"
    );
    let bad = app
        .admin(Method::POST, &url)
        .json(&json!([{"learner": "nobody", "outcome": "pass"}]))
        .send()
        .await
        .expect("request");
    let body = error_body(bad, 400).await;
    assert_eq!(body["property"], "[0].learner");
    // A learner twice, or a Group, would enrol or label someone no statement names.
    for (upload, row) in [
        (
            json!([{"learner": "twice@example.edu", "outcome": "fail"},
                   {"learner": "twice@example.edu", "outcome": "pass"}]),
            "[1].learner",
        ),
        (
            json!([{"learner": {"objectType": "Group", "mbox": "mailto:group@example.edu"},
                    "outcome": "fail"}]),
            "[0].learner",
        ),
    ] {
        let response = app
            .admin(Method::POST, &url)
            .json(&upload)
            .send()
            .await
            .expect("request");
        assert_eq!(error_body(response, 400).await["property"], row);
    }
    assert_eq!(learners(&app, COURSE).await.len(), items.len());
}

#[tokio::test]
async fn the_analytics_need_their_scopes_and_known_courses() {
    let app = seeded().await;
    let (key, secret) = app.credential(&["all"]).await;
    let (reader, reader_secret) = app.credential(&["analytics/read"]).await;

    let forbidden = app
        .raw(Method::GET, "/analytics/courses")
        .basic_auth(&key, Some(&secret))
        .send()
        .await
        .expect("request");
    error_body(forbidden, 403).await;
    let read_only_write = app
        .raw(
            Method::PUT,
            &format!("/analytics/courses/settings?course={}", encode(COURSE)),
        )
        .basic_auth(&reader, Some(&reader_secret))
        .json(&json!({}))
        .send()
        .await
        .expect("request");
    error_body(read_only_write, 403).await;
    let unknown = app
        .admin(
            Method::GET,
            "/analytics/courses/detail?course=https%3A%2F%2Fnowhere.example%2Fc",
        )
        .send()
        .await
        .expect("request");
    error_body(unknown, 404).await;
}

#[tokio::test]
async fn the_learner_list_can_be_taken_as_of_a_past_week_or_day() {
    let app = seeded().await;
    let base = format!("/analytics/courses/learners?course={}", encode(COURSE));

    let week1 = get_json(&app, &format!("{base}&as_of_week=1")).await;
    let day = get_json(&app, &format!("{base}&as_of=2026-01-06")).await;

    let items = week1["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        find(&items, &learner_key(1))["statements"],
        2,
        "the week-2 statement is after the cutoff"
    );
    assert_eq!(find(&items, &learner_key(2))["statements"], 1);
    let items = day["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(find(&items, &learner_key(1))["statements"], 2);
    assert_eq!(
        find(&items, &learner_key(2))["statements"],
        0,
        "6 January itself is not before the cutoff"
    );
    let both = app
        .admin(
            Method::GET,
            &format!("{base}&as_of_week=1&as_of=2026-01-06"),
        )
        .send()
        .await
        .expect("request");
    error_body(both, 400).await;
}

#[tokio::test]
async fn a_trail_can_be_summed_by_course_week() {
    let app = seeded().await;
    let key = encode(&learner_key(1));

    let weekly = get_json(
        &app,
        &format!(
            "/analytics/learners/trail?course={}&learner={key}&granularity=week",
            encode(COURSE)
        ),
    )
    .await;

    let weeks = weekly["items"].as_array().expect("items");
    assert_eq!(weeks.len(), 2);
    assert_eq!(weeks[0]["week"], 1);
    assert_eq!(weeks[0]["day"], "2026-01-05");
    assert_eq!(weeks[0]["statements"], 2);
    assert_eq!(weeks[0]["active_days"], 1);
    assert_eq!(weeks[1]["week"], 2);
    assert_eq!(
        weeks[1]["day"], "2026-01-12",
        "weeks start on the course start's weekday"
    );
}

#[tokio::test]
async fn the_status_shows_the_backlog_until_the_worker_has_applied_it() {
    // Arrange: the worker is off, so posted statements wait in the queue.
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    post(
        &app,
        &[
            statement(1, VIEWED, "r1", "2026-01-05T10:00:00.000Z"),
            statement(2, VIEWED, "r1", "2026-01-05T10:05:00.000Z"),
        ],
    )
    .await;

    // Act
    let waiting = get_json(&app, "/analytics/status").await;
    drain(&app).await;
    let applied = get_json(&app, "/analytics/status").await;

    // Assert
    assert_eq!(waiting["queued"], 2);
    assert_eq!(waiting["up_to_date"], false);
    assert!(waiting["oldest_queued_stored"].is_string());
    assert!(waiting["lag_seconds"].as_f64().is_some_and(|s| s >= 0.0));
    assert_eq!(applied["queued"], 0);
    assert_eq!(applied["lag_seconds"], 0.0);
    assert_eq!(applied["failed"], 0);
    assert!(applied["oldest_queued_stored"].is_null());
}

#[tokio::test]
async fn the_status_needs_the_analytics_read_scope() {
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    let (key, secret) = app.credential(&["statements/write"]).await;

    let response = app
        .raw(Method::GET, "/analytics/status")
        .basic_auth(&key, Some(&secret))
        .send()
        .await
        .expect("request");

    assert_eq!(response.status().as_u16(), 403);
}
