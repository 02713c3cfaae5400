//! What a request can cost before it is authenticated, and a body that never finishes.

use std::time::{Duration, Instant};

use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{TestApp, error_body, spawn_app, spawn_app_with};

/// Sends a request head announcing `length` bytes of body, then only `sent` of them, and
/// returns what the server answered within `patience` (the status line's code, and the whole
/// response text), or None when it answered nothing.
async fn partial_request(
    app: &TestApp,
    head: &str,
    length: usize,
    sent: usize,
    patience: Duration,
) -> Option<(u16, String)> {
    let address = app.address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.expect("connect");
    let head = format!("{head}Host: {address}\r\nContent-Length: {length}\r\n\r\n");
    stream.write_all(head.as_bytes()).await.expect("head");
    stream
        .write_all(&vec![b'['; sent])
        .await
        .expect("some body");
    let mut response = Vec::new();
    let read = tokio::time::timeout(patience, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    response.extend_from_slice(&buffer[..n]);
                    if String::from_utf8_lossy(&response).contains("\"message\"") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    if read.is_err() && response.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    Some((status, text))
}

#[tokio::test]
async fn an_unknown_key_is_refused_before_its_body_is_read() {
    let app = spawn_app().await;
    let basic = base64_basic("no-such-key", "whatever");

    // 30 MB announced, 1 KB sent: the answer must not wait for the rest.
    let answer = partial_request(
        &app,
        &format!(
            "POST /xapi/statements HTTP/1.1\r\nAuthorization: Basic {basic}\r\nX-Experience-API-Version: 2.0.0\r\nContent-Type: application/json\r\n"
        ),
        30 * 1024 * 1024,
        1024,
        Duration::from_secs(5),
    )
    .await;

    let (status, text) = answer.expect("an answer before the body is complete");
    assert_eq!(status, 401, "{text}");
    assert!(text.contains("\"code\":\"unauthorized\""), "{text}");
}

#[tokio::test]
async fn a_wrong_secret_gets_401_before_the_body_is_parsed() {
    let app = spawn_app().await;

    for (method, path, body) in [
        (Method::POST, "/analytics/models", "{}"),
        (Method::POST, "/admin/credentials", "not json at all"),
        (
            Method::PUT,
            "/analytics/courses/settings?course=x",
            "{\"start_date\": 7}",
        ),
    ] {
        let response = app
            .raw(method, path)
            .basic_auth(&app.admin_key, Some("wrong secret"))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .expect("request");
        let error = error_body(response, 401).await;
        assert_eq!(error["code"], "unauthorized", "{path}: {error}");
    }
}

#[tokio::test]
async fn a_body_that_stalls_gets_408_and_the_connection_is_closed() {
    let app = spawn_app_with(|config| config.body_timeout_secs = 1).await;
    let basic = base64_basic(&app.admin_key, &app.admin_secret);
    let started = Instant::now();

    let answer = partial_request(
        &app,
        &format!(
            "POST /xapi/statements HTTP/1.1\r\nAuthorization: Basic {basic}\r\nX-Experience-API-Version: 2.0.0\r\nContent-Type: application/json\r\n"
        ),
        1000,
        10,
        Duration::from_secs(10),
    )
    .await;

    let (status, text) = answer.expect("an answer to the stalled body");
    assert_eq!(status, 408, "{text}");
    assert!(text.contains("\"code\":\"request_timeout\""), "{text}");
    assert!(
        text.to_ascii_lowercase().contains("connection: close"),
        "{text}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

fn base64_basic(key: &str, secret: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"))
}
