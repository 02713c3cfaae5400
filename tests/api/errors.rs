//! Framework-level errors still get the JSON error body, and the version header is enforced.

use reqwest::Method;

use crate::helpers::{error_body, spawn_app};

#[tokio::test]
async fn an_unknown_route_gets_a_json_404() {
    let app = spawn_app().await;

    let response = app
        .xapi(Method::GET, "/xapi/nothing-here")
        .send()
        .await
        .expect("request");

    error_body(response, 404).await;
}

#[tokio::test]
async fn an_unsupported_method_gets_a_json_405() {
    let app = spawn_app().await;

    let response = app
        .raw(Method::DELETE, "/health")
        .send()
        .await
        .expect("request");

    let allow = response
        .headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = error_body(response, 405).await;
    assert_eq!(body["code"], "method_not_allowed");
    // RFC 9110, 15.5.6: a 405 lists the methods the resource has.
    assert_eq!(allow.as_deref(), Some("GET, HEAD, OPTIONS"));

    let response = app
        .xapi(Method::PATCH, "/xapi/statements")
        .send()
        .await
        .expect("request");
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("GET, HEAD, POST, PUT, OPTIONS")
    );
    error_body(response, 405).await;
}

#[tokio::test]
async fn xapi_requests_without_a_version_header_get_400() {
    let app = spawn_app().await;

    let response = app
        .raw(Method::GET, "/xapi/statements")
        .basic_auth(&app.admin_key, Some(&app.admin_secret))
        .send()
        .await
        .expect("request");

    assert!(response.headers().contains_key("x-experience-api-version"));
    let body = error_body(response, 400).await;
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("X-Experience-API-Version")
    );
}

#[tokio::test]
async fn an_unsupported_version_gets_400() {
    let app = spawn_app().await;

    for version in ["0.95", "1.1.0", "3.0.0", "garbage"] {
        let response = app
            .raw(Method::GET, "/xapi/statements")
            .header("X-Experience-API-Version", version)
            .basic_auth(&app.admin_key, Some(&app.admin_secret))
            .send()
            .await
            .expect("request");
        error_body(response, 400).await;
    }
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413() {
    let app = crate::helpers::spawn_app_with(|config| config.max_body_bytes = 1024).await;

    let response = app
        .admin(Method::POST, "/admin/credentials")
        .header("content-type", "application/json")
        .body(format!(
            "{{\"name\": \"{}\", \"scopes\": [\"all\"]}}",
            "x".repeat(4096)
        ))
        .send()
        .await
        .expect("request");

    error_body(response, 413).await;
}

#[tokio::test]
async fn cors_preflights_allow_the_xapi_headers() {
    let app = spawn_app().await;

    let response = app
        .raw(Method::OPTIONS, "/xapi/statements")
        .header("Origin", "https://content.example.org")
        .header("Access-Control-Request-Method", "PUT")
        .header(
            "Access-Control-Request-Headers",
            "authorization,content-type,x-experience-api-version,if-match,if-none-match",
        )
        .send()
        .await
        .expect("request");

    assert!(response.status().is_success(), "{}", response.status());
    let allowed = response.headers()["access-control-allow-headers"]
        .to_str()
        .expect("ascii")
        .to_lowercase();
    for header in [
        "authorization",
        "content-type",
        "x-experience-api-version",
        "if-match",
        "if-none-match",
    ] {
        assert!(allowed.contains(header), "{header} missing from {allowed}");
    }
}

#[tokio::test]
async fn cors_responses_expose_the_xapi_headers() {
    let app = spawn_app().await;

    let response = app
        .raw(Method::GET, "/xapi/about")
        .header("Origin", "https://content.example.org")
        .send()
        .await
        .expect("request");

    let exposed = response.headers()["access-control-expose-headers"]
        .to_str()
        .expect("ascii")
        .to_lowercase();
    for header in [
        "etag",
        "last-modified",
        "x-experience-api-version",
        "x-experience-api-consistent-through",
    ] {
        assert!(exposed.contains(header), "{header} missing from {exposed}");
    }
}
