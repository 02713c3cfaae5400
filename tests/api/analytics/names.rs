//! A learner's key and name in the learner lists, which read the copies kept on each
//! learner-course row (migration 000009) rather than the `learners` table.

use serde_json::{Value, json};

use super::fixtures::*;
use crate::helpers::spawn_app_with;

const OTHER_COURSE: &str = "https://lms.example.edu/course/CHEM101/1";

/// A statement by learner `n` in `course`, with `name` as the actor's name.
fn named(n: u32, name: &str, course: &str, timestamp: &str) -> Value {
    let mut s = statement(n, VIEWED, "r1", timestamp);
    s["actor"]["name"] = json!(name);
    s["context"]["contextActivities"]["grouping"][0]["id"] = json!(course);
    s
}

#[tokio::test]
async fn a_new_name_shows_in_every_course_of_the_learner() {
    // Arrange: learner 1 in two courses, learner 2 in one.
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    post(
        &app,
        &[
            named(1, "Ada Byron", COURSE, "2026-01-05T10:00:00.000Z"),
            named(1, "Ada Byron", OTHER_COURSE, "2026-01-05T11:00:00.000Z"),
            named(2, "Alan Turing", COURSE, "2026-01-05T12:00:00.000Z"),
        ],
    )
    .await;
    drain(&app).await;
    assert_eq!(
        find(&learners(&app, OTHER_COURSE).await, &learner_key(1))["name"],
        "Ada Byron"
    );

    // Act: learner 1 shows up under a new name, in the first course only.
    post(
        &app,
        &[named(1, "Ada Lovelace", COURSE, "2026-01-06T10:00:00.000Z")],
    )
    .await;
    drain(&app).await;

    // Assert: the course the statement was in, the course it was not in, and the learner's
    // own list of courses all show the new name; learner 2 keeps theirs.
    let first = learners(&app, COURSE).await;
    assert_eq!(find(&first, &learner_key(1))["name"], "Ada Lovelace");
    assert_eq!(find(&first, &learner_key(2))["name"], "Alan Turing");
    let other = learners(&app, OTHER_COURSE).await;
    assert_eq!(find(&other, &learner_key(1))["name"], "Ada Lovelace");
    let path = format!(
        "/analytics/learners/courses?learner={}",
        encode(&learner_key(1))
    );
    let body = get_json(&app, &path).await;
    let names: Vec<&Value> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| &i["name"])
        .collect();
    assert_eq!(names, [&json!("Ada Lovelace"), &json!("Ada Lovelace")]);
}

#[tokio::test]
async fn a_statement_without_a_name_keeps_the_known_one() {
    // Arrange
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    post(
        &app,
        &[named(1, "Ada Byron", COURSE, "2026-01-05T10:00:00.000Z")],
    )
    .await;
    drain(&app).await;

    // Act: a later statement whose actor has no name.
    let mut nameless = named(1, "x", COURSE, "2026-01-06T10:00:00.000Z");
    nameless["actor"]
        .as_object_mut()
        .expect("actor")
        .remove("name");
    post(&app, &[nameless]).await;
    drain(&app).await;

    // Assert
    let items = learners(&app, COURSE).await;
    let one = find(&items, &learner_key(1));
    assert_eq!(one["name"], "Ada Byron");
    assert_eq!(one["statements"], 2);
}

#[tokio::test]
async fn odd_learner_identifiers_and_names_neither_fail_nor_stall_the_analytics() {
    // Arrange: a name and an activity name with the NUL character, which PostgreSQL's text
    // cannot hold, and an identifier longer than the analytics track (an index entry's limit),
    // in one batch with an ordinary learner.
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    let mut nul = named(1, "Ada\u{0}", COURSE, "2026-01-05T10:00:00.000Z");
    nul["object"]["definition"]["name"]["en"] = json!("r\u{0}1");
    let mut long = named(2, "Long", COURSE, "2026-01-05T11:00:00.000Z");
    long["actor"]["account"]["name"] = json!("x".repeat(3000));
    let plain = named(3, "Alan Turing", COURSE, "2026-01-05T12:00:00.000Z");

    // Act
    post(&app, &[nul, long, plain]).await;
    drain(&app).await;

    // Assert: nothing failed; the NUL shows as U+FFFD; the long identifier is left out.
    let status = lrs::store::analytics::queue::status(&app.pool)
        .await
        .expect("status");
    assert_eq!(status.failures, 0);
    let items = learners(&app, COURSE).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(find(&items, &learner_key(1))["name"], "Ada\u{FFFD}");
    assert_eq!(find(&items, &learner_key(3))["name"], "Alan Turing");
}
