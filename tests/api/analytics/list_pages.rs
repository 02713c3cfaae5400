//! Pages of the learner list: sorted by PostgreSQL for pages of up to 1,000 learners, by the
//! LRS for longer pages, by name or as of a cutoff. Both must give one order, and a cursor
//! from either must continue in the other (a client may change `limit` between pages).

use serde_json::Value;

use super::fixtures::*;
use crate::helpers::{TestApp, spawn_app_with};
use lrs::store::analytics::learner_page::{PageQuery, course_learners_page};
use lrs::store::analytics::metrics;

const SORTS: [&str; 7] = [
    "risk",
    "statements",
    "active_days",
    "time_on_task",
    "coverage",
    "last_activity",
    "name",
];

/// 26 learners with many ties: 24 with 1 to 4 statements over up to three days and
/// activities, risks repeated or missing (two that differ only after the fourth digit), and
/// two known only from an outcome upload, so with no activity and no risk.
async fn course() -> TestApp {
    let app = spawn_app_with(|c| c.analytics_worker = false).await;
    let mut statements = Vec::new();
    for n in 1..=24u32 {
        for i in 0..=(n % 4) {
            let day = 5 + (n + i) % 3;
            let activity = format!("r{}", (n + i) % 3);
            let time = format!("2026-01-{day:02}T10:{:02}:00.000Z", n % 7);
            statements.push(statement(n, VIEWED, &activity, &time));
        }
    }
    post(&app, &statements).await;
    drain(&app).await;
    let upload = app
        .admin(
            reqwest::Method::POST,
            &format!("/analytics/outcomes?course={}&enrol=true", encode(COURSE)),
        )
        .header("content-type", "text/csv")
        .body("learner,outcome\nlate.one@example.edu,fail\nlate.two@example.edu,pass\n")
        .send()
        .await
        .expect("upload");
    assert_eq!(upload.status().as_u16(), 200);
    for n in 1..=24u32 {
        let risk = match n % 5 {
            0 => None,
            1 => Some(0.123441),
            2 => Some(0.123449),
            3 => Some(0.8),
            _ => Some(0.25),
        };
        let band = risk.map(|r: f64| if r > 0.5 { "high" } else { "low" });
        sqlx::query(
            "update learner_courses set risk_probability = $1, risk_band = $2
             where learner_ifi = $3",
        )
        .bind(risk)
        .bind(band)
        .bind(learner_key(n))
        .execute(&app.pool)
        .await
        .expect("risk");
    }
    app
}

fn keys(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["learner"].as_str().expect("learner").to_owned())
        .collect()
}

/// Every page of the list with `query`, `limit` learners at a time, following the cursors.
async fn walk(app: &TestApp, query: &str, limit: usize) -> Vec<String> {
    let mut walked = Vec::new();
    let mut cursor = String::new();
    loop {
        // A cursor that does not move on would walk forever.
        assert!(
            walked.len() <= 26,
            "{query}: more learners than the course has"
        );
        let body = get_json(app, &format!("{query}&limit={limit}{cursor}")).await;
        let page = keys(&body);
        assert!(page.len() <= limit, "{query}");
        walked.extend(page);
        match body["next"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return walked,
        }
    }
}

#[tokio::test]
async fn short_pages_and_long_pages_list_the_same_learners_in_the_same_order() {
    let app = course().await;
    let base = format!("/analytics/courses/learners?course={}", encode(COURSE));
    for sort in SORTS {
        for order in ["asc", "desc"] {
            for filter in [
                "",
                "&band=high",
                "&outcome=unknown",
                "&min_risk=0.1234",
                "&inactive_days=0",
            ] {
                let query = format!("{base}&sort={sort}&order={order}{filter}");
                // One page sorted in the LRS (more than 1,000), then pages of 3 sorted in
                // PostgreSQL (except by name).
                let whole = keys(&get_json(&app, &format!("{query}&limit=5000")).await);
                assert_eq!(walk(&app, &query, 3).await, whole, "{query}");
                if filter.is_empty() {
                    assert_eq!(whole.len(), 26, "{query}");
                }

                // A cursor of a short page, followed with a long one.
                let first = get_json(&app, &format!("{query}&limit=2")).await;
                let mut mixed = keys(&first);
                if let Some(next) = first["next"].as_str() {
                    let rest = get_json(&app, &format!("{query}&limit=5000&cursor={next}")).await;
                    mixed.extend(keys(&rest));
                }
                assert_eq!(
                    mixed, whole,
                    "{query}: a short page's cursor, then a long page"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_default_order_is_highest_risk_first_then_unscored_learners_by_key() {
    let app = course().await;
    let base = format!("/analytics/courses/learners?course={}", encode(COURSE));
    let body = get_json(&app, &format!("{base}&limit=5000")).await;
    let items = body["items"].as_array().expect("items").clone();
    let risks: Vec<f64> = items
        .iter()
        .map(|i| i["risk"].as_f64().unwrap_or(-1.0))
        .collect();
    assert!(risks.windows(2).all(|w| w[0] >= w[1]), "{risks:?}");
    assert_eq!(
        risks.iter().filter(|r| **r < 0.0).count(),
        6,
        "4 unscored, 2 uploaded"
    );
    // Both risks show as 0.1234; the unrounded one orders them.
    let shown: Vec<&str> = items
        .iter()
        .filter(|i| i["risk"].as_f64() == Some(0.1234))
        .map(|i| i["learner"].as_str().expect("learner"))
        .collect();
    assert_eq!(shown.len(), 10);
    assert!(shown[..5].iter().all(|k| {
        let n: u32 = k
            .rsplit('s')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("n");
        n % 5 == 2
    }));
    // Equal keys: learner keys in byte order.
    let unscored: Vec<&str> = items[20..]
        .iter()
        .map(|i| i["learner"].as_str().expect("learner"))
        .collect();
    assert!(unscored.windows(2).all(|w| w[0] < w[1]), "{unscored:?}");
    assert_eq!(
        walk(&app, &base, 4).await,
        keys(&body),
        "the default page size path"
    );
}

#[tokio::test]
async fn the_page_queries_walk_the_course_in_the_lists_order_with_their_keys() {
    let app = course().await;
    let base = format!("/analytics/courses/learners?course={}", encode(COURSE));
    // The course and the coverage denominator, as the handler reads them.
    let course_id = metrics::course_by_iri(&app.pool, COURSE)
        .await
        .expect("course")
        .expect("known")
        .id;
    let activities = metrics::course_activities(&app.pool, course_id)
        .await
        .expect("activities");
    for sort in &SORTS[..6] {
        for descending in [false, true] {
            let order = if descending { "desc" } else { "asc" };
            let expected = keys(
                &get_json(
                    &app,
                    &format!("{base}&sort={sort}&order={order}&limit=5000"),
                )
                .await,
            );
            let mut walked = Vec::new();
            let mut after: Option<(f64, String)> = None;
            loop {
                let page = PageQuery {
                    course_id,
                    sort,
                    descending,
                    after: after.as_ref().map(|(k, l)| (*k, l.as_str())),
                    activities,
                    band: None,
                    outcome: None,
                    min_risk: None,
                    inactive_since: None,
                    search: None,
                    limit: 5,
                };
                let rows = course_learners_page(&app.pool, &page).await.expect("page");
                assert!(walked.len() <= 26, "{sort} {order}: the walk does not end");
                let Some(last) = rows.last() else { break };
                after = Some((last.sort_key.expect("a key"), last.ifi.clone()));
                walked.extend(rows.into_iter().map(|r| r.ifi));
            }
            assert_eq!(walked, expected, "{sort} {order}");
        }
    }
}
