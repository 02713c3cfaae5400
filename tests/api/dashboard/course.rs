//! The course page and its CSV, over HTTP.

use reqwest::StatusCode;

use super::{COURSE_IRI, app_with_a_course, client, get_as, sign_in};
use crate::analytics::fixtures::{encode, learner_key};

#[tokio::test]
async fn the_course_page_shows_charts_and_the_risk_list_and_its_csv() {
    let app = app_with_a_course().await;
    let session = sign_in(&app, &app.admin_key, &app.admin_secret).await;
    let get = |path: String| get_as(&app, &session, &path);
    let page = get(format!("/dashboard/course?course={}", encode(COURSE_IRI)))
        .await
        .expect("request");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains("<h1>Biology 101</h1>"), "{html}");
    assert!(
        html.contains(r#"class="bars""#) && html.contains(r#"class="heatmap""#),
        "{html}"
    );
    assert!(
        html.contains("Week 1 (from 2026-01-05): 3 statements, 2 active learners"),
        "{html}"
    );
    for n in [1, 2] {
        assert!(html.contains(&learner_key(n)), "learner {n} listed: {html}");
    }

    // The filter form sends its empty fields: they are no filter.
    let filtered = get(format!(
        "/dashboard/course?course={}&band=&min_risk=&inactive_days=&as_of_week=&sort=name",
        encode(COURSE_IRI)
    ))
    .await
    .expect("request");
    assert_eq!(filtered.status(), StatusCode::OK);
    let html = filtered.text().await.expect("html");
    let (first, second) = (
        html.find(&learner_key(1)).expect("learner 1"),
        html.find(&learner_key(2)).expect("learner 2"),
    );
    assert!(first < second, "sorted by name");

    // The search field: by name, in any case.
    let searched = get(format!(
        "/dashboard/course?course={}&search=LEARNER+2",
        encode(COURSE_IRI)
    ))
    .await
    .expect("request")
    .text()
    .await
    .expect("html");
    assert!(
        searched.contains(&learner_key(2)) && !searched.contains(&learner_key(1)),
        "{searched}"
    );

    // A wrong value is a page that says which parameter.
    let wrong = get(format!(
        "/dashboard/course?course={}&band=severe",
        encode(COURSE_IRI)
    ))
    .await
    .expect("request");
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(
        wrong
            .text()
            .await
            .unwrap_or_default()
            .contains("band: must be high, medium or low")
    );

    let unknown = get("/dashboard/course?course=https%3A%2F%2Fnowhere.example%2Fc".into())
        .await
        .expect("request");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    let csv = get(format!(
        "/dashboard/course.csv?course={}&sort=name",
        encode(COURSE_IRI)
    ))
    .await
    .expect("request");
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/csv")
    );
    let text = csv.text().await.expect("csv");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "learner,name,risk,band,reason_1,reason_2,reason_3,days_inactive,statements,outcome"
    );
    assert_eq!(
        lines.len(),
        3,
        "a header and the two learners shown: {text}"
    );
    assert!(lines[1].starts_with(&learner_key(1)), "{text}");
    assert!(lines[1].contains(",Learner 1,"), "{text}");
}

#[tokio::test]
async fn the_course_page_needs_analytics_read() {
    let app = app_with_a_course().await;
    let (key, secret) = app.credential(&["statements/read"]).await;
    let session = sign_in(&app, &key, &secret).await;
    for path in ["/dashboard/course", "/dashboard/course.csv"] {
        let response = client()
            .get(format!(
                "{}{path}?course={}",
                app.address,
                encode(COURSE_IRI)
            ))
            .header("cookie", format!("lrs_session={session}"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(
            !response
                .text()
                .await
                .unwrap_or_default()
                .contains(&learner_key(1))
        );
    }
}

#[tokio::test]
async fn the_learner_page_shows_the_trail_and_the_statements() {
    let app = app_with_a_course().await;
    let session = sign_in(&app, &app.admin_key, &app.admin_secret).await;
    let get = |path: String| get_as(&app, &session, &path);
    let course_page = get(format!("/dashboard/course?course={}", encode(COURSE_IRI)))
        .await
        .expect("request")
        .text()
        .await
        .expect("html");
    let link = format!(
        "/dashboard/learner?course={}&amp;learner={}",
        encode(COURSE_IRI),
        encode(&learner_key(1))
    );
    assert!(
        course_page.contains(&link),
        "the risk list links the learner: {course_page}"
    );

    let page = get(link.replace("&amp;", "&")).await.expect("request");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains("<h1>Learner 1</h1>"), "{html}");
    assert!(
        html.contains("Week 1 (from 2026-01-05): 2 statements on 1 days"),
        "{html}"
    );
    assert!(
        html.contains("2026-01-05 10:00") && html.contains("2026-01-13 10:00"),
        "{html}"
    );
    assert!(html.contains("No score"), "no model is active: {html}");

    let unknown = get(format!(
        "/dashboard/learner?course={}&learner={}",
        encode(COURSE_IRI),
        encode("mbox:mailto:nobody@example.org")
    ))
    .await
    .expect("request");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}
