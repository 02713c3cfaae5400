//! Attachment content is served only to those who could read a statement that delivered it.
//! Before the fix, a credential limited to its own statements could declare another
//! credential's attachment hash with a `fileUrl` and read its bytes back.

use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, spawn_app};

fn statement(id: &str, sha2: &str, length: usize, file_url: bool) -> Value {
    let mut attachment = json!({
        "usageType": "http://id.tincanapi.com/attachment/supporting_media",
        "display": {"en": "essay"},
        "contentType": "text/plain",
        "length": length,
        "sha2": sha2,
    });
    if file_url {
        attachment["fileUrl"] = json!("https://files.example.org/essay.txt");
    }
    json!({
        "id": id,
        "actor": {"mbox": "mailto:ann@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
        "object": {"id": "https://lms.example.edu/activity/essay"},
        "attachments": [attachment],
    })
}

/// POSTs a statement with its attachment's content (multipart/mixed).
async fn post_with_content(app: &TestApp, key: &str, secret: &str, id: &str, content: &[u8]) {
    let sha2 = hex::encode(Sha256::digest(content));
    let mut body = Vec::new();
    body.extend_from_slice(b"--b0undary\r\nContent-Type: application/json\r\n\r\n");
    body.extend_from_slice(
        statement(id, &sha2, content.len(), false)
            .to_string()
            .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "\r\n--b0undary\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(b"\r\n--b0undary--\r\n");
    let response = app
        .raw(Method::POST, "/xapi/statements")
        .basic_auth(key, Some(secret))
        .header("X-Experience-API-Version", "2.0.0")
        .header("Content-Type", "multipart/mixed; boundary=b0undary")
        .body(body)
        .send()
        .await
        .expect("post");
    assert_eq!(
        response.status().as_u16(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
}

async fn get_with_attachments(app: &TestApp, key: &str, secret: &str, id: &str) -> Vec<u8> {
    let response = app
        .raw(
            Method::GET,
            &format!("/xapi/statements?statementId={id}&attachments=true"),
        )
        .basic_auth(key, Some(secret))
        .header("X-Experience-API-Version", "2.0.0")
        .send()
        .await
        .expect("get");
    assert_eq!(response.status().as_u16(), 200);
    response.bytes().await.expect("body").to_vec()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn declaring_another_credentials_hash_does_not_deliver_its_content() {
    let app = spawn_app().await;
    let (b_key, b_secret) = app
        .credential(&["statements/write", "statements/read/mine"])
        .await;
    let (a_key, a_secret) = app
        .credential(&["statements/write", "statements/read/mine"])
        .await;
    let secret_essay = b"B's essay, which only B and full readers may read";
    let sha2 = hex::encode(Sha256::digest(secret_essay));
    let b_id = uuid::Uuid::new_v4().to_string();
    post_with_content(&app, &b_key, &b_secret, &b_id, secret_essay).await;

    // A declares B's hash with a fileUrl, sending no content.
    let a_id = uuid::Uuid::new_v4().to_string();
    let posted = app
        .raw(Method::POST, "/xapi/statements")
        .basic_auth(&a_key, Some(&a_secret))
        .header("X-Experience-API-Version", "2.0.0")
        .json(&statement(&a_id, &sha2, secret_essay.len(), true))
        .send()
        .await
        .expect("post");
    assert_eq!(posted.status().as_u16(), 200);

    let seen_by_a = get_with_attachments(&app, &a_key, &a_secret, &a_id).await;
    assert!(
        !contains(&seen_by_a, secret_essay),
        "A read B's attachment through its own statement"
    );

    // B, who delivered it, and a reader of every statement still get the content.
    let seen_by_b = get_with_attachments(&app, &b_key, &b_secret, &b_id).await;
    assert!(contains(&seen_by_b, secret_essay));
    let seen_by_admin = get_with_attachments(&app, &app.admin_key, &app.admin_secret, &a_id).await;
    assert!(contains(&seen_by_admin, secret_essay));
}

#[tokio::test]
async fn a_mine_reader_gets_content_its_own_statements_delivered() {
    let app = spawn_app().await;
    let (key, secret) = app
        .credential(&["statements/write", "statements/read/mine"])
        .await;
    let content = b"my own essay";
    let sha2 = hex::encode(Sha256::digest(content));
    post_with_content(
        &app,
        &key,
        &secret,
        &uuid::Uuid::new_v4().to_string(),
        content,
    )
    .await;

    // A later statement of the same credential that refers to it by hash only.
    let later = uuid::Uuid::new_v4().to_string();
    let posted = app
        .raw(Method::POST, "/xapi/statements")
        .basic_auth(&key, Some(&secret))
        .header("X-Experience-API-Version", "2.0.0")
        .json(&statement(&later, &sha2, content.len(), true))
        .send()
        .await
        .expect("post");
    assert_eq!(posted.status().as_u16(), 200);

    assert!(contains(
        &get_with_attachments(&app, &key, &secret, &later).await,
        content
    ));
}
