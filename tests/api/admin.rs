//! Credential management over HTTP.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{error_body, spawn_app};

#[tokio::test]
async fn a_created_credential_authenticates_and_is_listed_without_its_secret() {
    let app = spawn_app().await;

    let response = app
        .admin(Method::POST, "/admin/credentials")
        .json(
            &json!({"name": "Moodle", "scopes": ["statements/write", "admin"], "key": "moodle-1"}),
        )
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 201);
    let issued: serde_json::Value = response.json().await.expect("json");
    assert_eq!(issued["key"], "moodle-1");
    let secret = issued["secret"].as_str().expect("secret").to_owned();
    assert!(secret.len() >= 32, "generated secrets are long");
    assert_eq!(
        issued["credential"]["authority"]["account"]["name"],
        "moodle-1"
    );

    let listed = app
        .raw(Method::GET, "/admin/credentials")
        .basic_auth("moodle-1", Some(&secret))
        .send()
        .await
        .expect("request");
    assert_eq!(listed.status().as_u16(), 200);
    let text = listed.text().await.expect("text");
    assert!(text.contains("moodle-1"));
    assert!(!text.contains(&secret), "secrets are never listed");
    assert!(!text.contains("argon2"), "hashes are never listed");
}

#[tokio::test]
async fn invalid_credential_requests_get_400_naming_the_problem() {
    let app = spawn_app().await;

    let cases = [
        (json!({"name": "x", "scopes": ["root"]}), None),
        (json!({"name": "x", "scopes": []}), Some("scopes")),
        (json!({"name": " ", "scopes": ["all"]}), Some("name")),
        (
            json!({"name": "x", "scopes": ["all"], "key": "a:b"}),
            Some("key"),
        ),
        (
            json!({"name": "x", "scopes": ["all"], "colour": "red"}),
            None,
        ),
    ];
    for (request, property) in cases {
        let response = app
            .admin(Method::POST, "/admin/credentials")
            .json(&request)
            .send()
            .await
            .expect("request");
        let body = error_body(response, 400).await;
        if let Some(property) = property {
            assert_eq!(body["property"], property, "{request}");
        }
    }
}

#[tokio::test]
async fn a_taken_key_gets_409_and_revoking_an_unknown_key_gets_404() {
    let app = spawn_app().await;
    let request = json!({"name": "x", "scopes": ["all"], "key": "dup"});
    let first = app
        .admin(Method::POST, "/admin/credentials")
        .json(&request)
        .send()
        .await
        .expect("request");
    assert_eq!(first.status().as_u16(), 201);

    let second = app
        .admin(Method::POST, "/admin/credentials")
        .json(&request)
        .send()
        .await
        .expect("request");
    error_body(second, 409).await;

    let revoke = app
        .admin(Method::DELETE, "/admin/credentials/nobody")
        .send()
        .await
        .expect("request");
    error_body(revoke, 404).await;
}

#[tokio::test]
async fn the_start_up_credential_cannot_be_revoked_over_http() {
    let app = spawn_app().await;

    let revoke = app
        .admin(
            Method::DELETE,
            &format!("/admin/credentials/{}", app.admin_key),
        )
        .send()
        .await
        .expect("request");

    let body = error_body(revoke, 409).await;
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("LRS_ADMIN_KEY"),
        "{body}"
    );
    let still = app
        .admin(Method::GET, "/admin/credentials")
        .send()
        .await
        .expect("request");
    assert_eq!(still.status().as_u16(), 200, "the admin is not locked out");
}
