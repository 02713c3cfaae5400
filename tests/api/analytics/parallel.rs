//! Batches posted in parallel for a course and learners the analytics have not seen yet: every
//! statement reaches the metrics. Before the fix, about half of them were lost (stored, never
//! applied, with `failed: 0` and `up_to_date: true`): a worker's course and learner upserts
//! missed the rows another worker inserted at the same moment.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::fixtures::{encode, get_json};
use crate::helpers::{TestApp, spawn_app};

const COURSE: &str = "https://lms.example.edu/course/PAR101";
const VIA_REGISTRATION: &str = "https://lms.example.edu/course/PAR202";

fn statement(learner: usize, course: Option<&str>, registration: uuid::Uuid) -> Value {
    let mut context = json!({"registration": registration});
    if let Some(course) = course {
        context["contextActivities"] = json!({"grouping": [{
            "id": course,
            "definition": {"type": "http://adlnet.gov/expapi/activities/course"}
        }]});
    }
    json!({
        "actor": {"account": {"homePage": "https://lms.example.edu", "name": format!("par{learner}")}},
        "verb": {"id": "http://id.tincanapi.com/verb/viewed"},
        "object": {"id": format!("https://lms.example.edu/activity/par/{}", learner % 7)},
        "context": context,
        "timestamp": "2026-10-05T10:00:00Z",
    })
}

async fn wait_up_to_date(app: &TestApp) -> Value {
    for _ in 0..600 {
        let status = get_json(app, "/analytics/status").await;
        if status["queued"] == 0 {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the analytics did not catch up in 30 s");
}

async fn post_all(app: &TestApp, batches: Vec<Vec<Value>>) {
    let posts = batches.into_iter().map(|batch| {
        let request = app.xapi(Method::POST, "/xapi/statements").json(&batch);
        async move {
            let response = request.send().await.expect("post");
            assert_eq!(response.status().as_u16(), 200);
        }
    });
    futures_util::future::join_all(posts).await;
}

#[tokio::test]
async fn parallel_batches_for_a_new_course_and_new_learners_are_all_applied() {
    let app = spawn_app().await;

    // Four batches of 250 statements at once, each statement a new learner of a new course.
    let batches: Vec<Vec<Value>> = (0..4)
        .map(|b| {
            (0..250)
                .map(|i| statement(b * 250 + i, Some(COURSE), uuid::Uuid::new_v4()))
                .collect()
        })
        .collect();
    post_all(&app, batches).await;
    let status = wait_up_to_date(&app).await;

    let course = get_json(
        &app,
        &format!("/analytics/courses/detail?course={}", encode(COURSE)),
    )
    .await;
    assert_eq!(course["learners"], 1000, "{course}");
    assert_eq!(course["statements"], 1000, "{course}");
    assert_eq!(status["failed"], 0, "{status}");
    assert!(
        missing(&app).await.is_empty(),
        "the consistency check finds nothing"
    );
}

#[tokio::test]
async fn statements_known_only_by_registration_are_applied_when_it_is_learned_in_parallel() {
    let app = spawn_app().await;

    // Each of 400 learners has one statement naming the course with its registration and one
    // naming only the registration, in different batches posted at once: whichever a worker
    // applies first, the second must not stay parked.
    let registrations: Vec<uuid::Uuid> = (0..400).map(|_| uuid::Uuid::new_v4()).collect();
    let named: Vec<Value> = (0..400)
        .map(|i| statement(i, Some(VIA_REGISTRATION), registrations[i]))
        .collect();
    let bare: Vec<Value> = (0..400)
        .map(|i| statement(i, None, registrations[i]))
        .collect();
    let batches = vec![
        named[..200].to_vec(),
        bare[..200].to_vec(),
        named[200..].to_vec(),
        bare[200..].to_vec(),
    ];
    post_all(&app, batches).await;
    wait_up_to_date(&app).await;

    let course = get_json(
        &app,
        &format!(
            "/analytics/courses/detail?course={}",
            encode(VIA_REGISTRATION)
        ),
    )
    .await;
    assert_eq!(course["learners"], 400, "{course}");
    assert_eq!(course["statements"], 800, "{course}");
    let parked: i64 = sqlx::query_scalar("select count(*) from analytics_pending")
        .fetch_one(&app.pool)
        .await
        .expect("pending");
    assert_eq!(parked, 0, "no statement left parked");
    assert!(
        missing(&app).await.is_empty(),
        "the consistency check finds nothing"
    );
}

/// The whole store, checked as `lrs analytics verify` does: the statements missing from the
/// analytics.
async fn missing(app: &TestApp) -> Vec<i64> {
    let settings = lrs::config::Config::default().analytics();
    let through = lrs::store::analytics::verify::settled_through(&app.pool, 0.0)
        .await
        .expect("settled");
    lrs::service::analytics::verify::check(&app.pool, &settings, 0, through, false)
        .await
        .expect("check")
        .missing
}

#[tokio::test]
async fn the_consistency_check_finds_lost_statements_and_applies_them_again() {
    let app = crate::helpers::spawn_app_with(|c| c.analytics_worker = false).await;
    let statements: Vec<Value> = (0..50)
        .map(|i| statement(i, Some(COURSE), uuid::Uuid::new_v4()))
        .collect();
    crate::helpers::post_statements(&app, &statements).await;
    super::fixtures::drain(&app).await;
    assert!(missing(&app).await.is_empty(), "nothing lost yet");

    // Lose ten statements' events, as the upsert race did (their queue rows are gone too).
    sqlx::query(
        "delete from learning_events where seq in (select seq from statements order by seq limit 10)",
    )
    .execute(&app.pool)
    .await
    .expect("lose events");
    let lost = missing(&app).await;
    assert_eq!(lost.len(), 10, "{lost:?}");

    // The periodic check finds them among what was stored since its last round.
    sqlx::query("update statements set stored = stored - interval '1 hour'")
        .execute(&app.pool)
        .await
        .expect("age the statements");
    sqlx::query("update analytics_verified set through_seq = 0")
        .execute(&app.pool)
        .await
        .expect("rewind the check");
    let settings = lrs::config::Config::default().analytics();
    let report = lrs::service::analytics::verify::round(&app.pool, &settings)
        .await
        .expect("round")
        .expect("not locked elsewhere");
    assert_eq!(report.missing, lost);
    super::fixtures::drain(&app).await;

    assert!(missing(&app).await.is_empty(), "applied again");
    let course = get_json(
        &app,
        &format!("/analytics/courses/detail?course={}", encode(COURSE)),
    )
    .await;
    assert_eq!(course["learners"], 50, "{course}");
    let status = get_json(&app, "/analytics/status").await;
    assert_eq!(status["repaired"], 10, "{status}");
    assert!(status["verified_through"].is_string(), "{status}");
}
