//! GET /xapi/about (xAPI 1.0.3 Communication 2.8).

use reqwest::Method;

use crate::helpers::spawn_app;

#[tokio::test]
async fn about_lists_every_supported_version_without_credentials() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .raw(Method::GET, "/xapi/about")
        .send()
        .await
        .expect("request");

    // Assert
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["x-experience-api-version"],
        "2.0.0",
        "the version header is on every response"
    );
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(
        body["version"],
        serde_json::json!(["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"])
    );
}

#[tokio::test]
async fn about_answers_head_with_headers_and_no_body() {
    let app = spawn_app().await;

    let response = app
        .raw(Method::HEAD, "/xapi/about")
        .send()
        .await
        .expect("request");

    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers().contains_key("x-experience-api-version"));
    assert!(response.bytes().await.expect("body").is_empty());
}

#[tokio::test]
async fn about_echoes_the_requested_version_family() {
    let app = spawn_app().await;

    let response = app
        .raw(Method::GET, "/xapi/about")
        .header("X-Experience-API-Version", "1.0.1")
        .send()
        .await
        .expect("request");

    assert_eq!(response.headers()["x-experience-api-version"], "1.0.3");
}
