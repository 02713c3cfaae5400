//! A database outage is 503 with `Retry-After` everywhere, credential lookup included, and
//! `/health` says the LRS cannot serve; once the database is back the same requests succeed.
//! Before the fix, broken connections answered 500 and `/health` stayed 200.

use std::time::Duration;

use reqwest::Method;

use crate::helpers::{DbProxy, TestApp, error_body, fresh_database, spawn_app_on};

async fn assert_unavailable(app: &TestApp, request: reqwest::RequestBuilder, what: &str) {
    let response = request.send().await.expect(what);
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = error_body(response, 503).await;
    assert_eq!(body["code"], "unavailable", "{what}: {body}");
    assert!(
        retry_after.is_some_and(|s| s.parse::<u32>().is_ok()),
        "{what}: Retry-After in seconds"
    );
    let _ = app;
}

#[tokio::test]
async fn a_database_outage_is_503_with_retry_after_and_health_says_so() {
    let options = fresh_database().await;
    let proxy = DbProxy::start(&options).await;
    let app = spawn_app_on(proxy.options(&options), |config| {
        config.analytics_worker = false;
    })
    .await;
    let (key, secret) = app.credential(&["all"]).await;
    let statements = "/xapi/statements?limit=1";
    assert_eq!(
        app.xapi(Method::GET, statements)
            .send()
            .await
            .expect("get")
            .status()
            .as_u16(),
        200
    );

    proxy.cut();

    // A credential never verified on this process (its lookup needs the database), the admin
    // credential (verified before), a write, the analytics API and the health check.
    assert_unavailable(
        &app,
        app.raw(Method::GET, statements)
            .basic_auth(&key, Some(&secret))
            .header("X-Experience-API-Version", "2.0.0"),
        "credential lookup",
    )
    .await;
    assert_unavailable(&app, app.xapi(Method::GET, statements), "statement query").await;
    assert_unavailable(
        &app,
        app.xapi(Method::POST, "/xapi/statements")
            .json(&serde_json::json!({
                "actor": {"mbox": "mailto:ann@example.org"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
                "object": {"id": "https://lms.example.edu/activity/1"}
            })),
        "statement write",
    )
    .await;
    assert_unavailable(
        &app,
        app.admin(Method::GET, "/analytics/courses"),
        "analytics",
    )
    .await;
    assert_unavailable(&app, app.raw(Method::GET, "/health"), "health").await;

    proxy.restore();

    let mut status = 0;
    for _ in 0..100 {
        status = app
            .xapi(Method::GET, statements)
            .send()
            .await
            .expect("get")
            .status()
            .as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, 200, "serves again once the database is back");
    assert_eq!(
        app.raw(Method::GET, "/health")
            .send()
            .await
            .expect("health")
            .status()
            .as_u16(),
        200
    );
}
