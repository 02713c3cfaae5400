//! Liveness and readiness probes.

use reqwest::Method;

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_and_ready_answer_ok_without_credentials() {
    let app = spawn_app().await;

    for path in ["/health", "/ready"] {
        let response = app.raw(Method::GET, path).send().await.expect("request");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["status"], "ok", "{path}");
    }
}

#[tokio::test]
async fn ready_reports_503_when_the_database_is_gone() {
    let app = spawn_app().await;

    // Close the pool behind the running app's back.
    app.pool.close().await;
    let response = app
        .raw(Method::GET, "/ready")
        .send()
        .await
        .expect("request");

    let body = crate::helpers::error_body(response, 503).await;
    assert_eq!(body["code"], "unavailable");
}
