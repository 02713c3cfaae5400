//! Authentication and authorization (xAPI 1.0.3 Communication 4).

use reqwest::Method;

use crate::helpers::{error_body, spawn_app};

#[tokio::test]
async fn a_request_without_credentials_gets_401_with_a_basic_challenge() {
    let app = spawn_app().await;

    let response = app
        .raw(Method::GET, "/admin/credentials")
        .send()
        .await
        .expect("request");

    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(challenge.starts_with("Basic realm="), "{challenge}");
    let body = error_body(response, 401).await;
    assert_eq!(body["code"], "unauthorized");
}

#[tokio::test]
async fn a_wrong_secret_and_an_unknown_key_both_get_401() {
    let app = spawn_app().await;

    for (key, secret) in [
        (app.admin_key.as_str(), "wrong"),
        ("no-such-key", "whatever"),
    ] {
        let response = app
            .raw(Method::GET, "/admin/credentials")
            .basic_auth(key, Some(secret))
            .send()
            .await
            .expect("request");
        error_body(response, 401).await;
    }
}

#[tokio::test]
async fn the_right_secret_is_accepted_repeatedly() {
    let app = spawn_app().await;

    // The second request is served from the verification cache.
    for _ in 0..2 {
        let response = app
            .admin(Method::GET, "/admin/credentials")
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 200);
    }
}

#[tokio::test]
async fn a_credential_without_the_needed_scope_gets_403() {
    let app = spawn_app().await;
    let (key, secret) = app.credential(&["statements/write"]).await;

    let response = app
        .raw(Method::GET, "/admin/credentials")
        .basic_auth(&key, Some(&secret))
        .send()
        .await
        .expect("request");

    let body = error_body(response, 403).await;
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("admin"),
        "{body}"
    );
}

#[tokio::test]
async fn a_revoked_credential_stops_working_immediately() {
    // Arrange: a credential that has just been used (so it sits in the verification cache).
    let app = spawn_app().await;
    let (key, secret) = app.credential(&["admin"]).await;
    let before = app
        .raw(Method::GET, "/admin/credentials")
        .basic_auth(&key, Some(&secret))
        .send()
        .await
        .expect("request");
    assert_eq!(before.status().as_u16(), 200);

    // Act
    let revoke = app
        .admin(Method::DELETE, &format!("/admin/credentials/{key}"))
        .send()
        .await
        .expect("request");
    assert_eq!(revoke.status().as_u16(), 204);

    // Assert
    let after = app
        .raw(Method::GET, "/admin/credentials")
        .basic_auth(&key, Some(&secret))
        .send()
        .await
        .expect("request");
    error_body(after, 401).await;
}

#[tokio::test]
async fn a_revocation_made_in_the_database_reaches_the_cache_through_notify() {
    // Another LRS process (or `lrs credentials revoke`) revokes through the database only.
    let app = spawn_app().await;
    let (key, secret) = app.credential(&["admin"]).await;
    let used = app
        .raw(Method::GET, "/admin/credentials")
        .basic_auth(&key, Some(&secret))
        .send()
        .await
        .expect("request");
    assert_eq!(used.status().as_u16(), 200);

    assert!(
        lrs::store::credentials::revoke(&app.pool, &key)
            .await
            .expect("revoke")
    );

    // NOTIFY is asynchronous: allow it a moment to arrive.
    let mut status = 200;
    for _ in 0..50 {
        status = app
            .raw(Method::GET, "/admin/credentials")
            .basic_auth(&key, Some(&secret))
            .send()
            .await
            .expect("request")
            .status()
            .as_u16();
        if status == 401 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        status, 401,
        "the revoked credential must stop working within 5 s"
    );
}
