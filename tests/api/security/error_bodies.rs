//! The answers actix-http writes by itself (a request it cannot parse, a head too large, a head
//! too slow) carry the same JSON error body as every other error (`http::connection`).

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::spawn_app;

/// Writes `request` on a new connection, then reads until the server closes it (or `patience`
/// runs out), and splits the answers into their status codes and JSON bodies.
async fn exchange(address: &str, request: &[u8], patience: Duration) -> String {
    let address = address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.expect("connect");
    // The server may answer and close before all of a too-large head is written.
    let _ = stream.write_all(request).await;
    let mut response = Vec::new();
    let _ = tokio::time::timeout(patience, stream.read_to_end(&mut response)).await;
    String::from_utf8_lossy(&response).into_owned()
}

/// The status and JSON body of the last answer in `text`.
fn last_answer(text: &str) -> (u16, serde_json::Value) {
    let start = text.rfind("HTTP/1.1 ").expect("an answer");
    let answer = &text[start..];
    let status = answer[9..12].parse().expect("a status");
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head");
    assert!(
        head.to_ascii_lowercase()
            .contains("\r\ncontent-type: application/json\r\n"),
        "JSON, not {head}"
    );
    let length: usize = head
        .to_ascii_lowercase()
        .split("\r\ncontent-length: ")
        .nth(1)
        .and_then(|rest| rest.split("\r\n").next())
        .and_then(|n| n.parse().ok())
        .expect("a content-length");
    assert_eq!(length, body.len(), "the announced length is the body's");
    let body: serde_json::Value = serde_json::from_str(body).expect("a JSON body");
    assert_eq!(body["status"], status);
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    (status, body)
}

#[tokio::test]
async fn a_uri_over_the_parser_limit_gets_a_json_400() {
    let app = spawn_app().await;
    // A pasted 100 KB `more` value: past the 65,534 bytes a URI may have (reqwest refuses to
    // send it, so it goes by hand).
    let request = format!(
        "GET /xapi/statements?more={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(100_000)
    );
    let text = exchange(&app.address, request.as_bytes(), Duration::from_secs(10)).await;
    let (status, body) = last_answer(&text);
    assert_eq!(status, 400, "{text:.300}");
    assert_eq!(body["code"], "bad_request");
    assert!(
        body["message"].as_str().unwrap().contains("65,534"),
        "{body}"
    );
}

#[tokio::test]
async fn a_head_over_128_kib_gets_a_json_431() {
    let app = spawn_app().await;
    let long_url = format!("/xapi/statements?more={}", "a".repeat(300_000));
    let text = exchange(
        &app.address,
        format!("GET {long_url} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(),
        Duration::from_secs(10),
    )
    .await;
    let (status, body) = last_answer(&text);
    assert_eq!(status, 431, "{text:.300}");
    assert_eq!(body["code"], "request_header_fields_too_large");

    // Many headers, on a connection that has had an answer already.
    let address = app.address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream
        .write_all(b"GET /xapi/about HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("a first request");
    let mut first = vec![0u8; 4096];
    let n = stream.read(&mut first).await.expect("its answer");
    assert!(first[..n].starts_with(b"HTTP/1.1 200 OK"));
    let headers: String = (0..200)
        .map(|i| format!("X-Padding-{i}: {}\r\n", "p".repeat(1_000)))
        .collect();
    let request = format!("GET /xapi/about HTTP/1.1\r\nHost: x\r\n{headers}\r\n");
    let _ = stream.write_all(request.as_bytes()).await;
    let mut second = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut second)).await;
    let text = String::from_utf8_lossy(&second);
    assert_eq!(last_answer(&text).0, 431, "{text:.300}");
}

#[tokio::test]
async fn garbage_gets_a_json_400() {
    let app = spawn_app().await;
    let text = exchange(
        &app.address,
        b"GET /xapi/about HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
        Duration::from_secs(10),
    )
    .await;
    let (status, body) = last_answer(&text);
    assert_eq!(status, 400, "{text}");
    assert_eq!(body["code"], "bad_request");
}

#[tokio::test]
async fn a_head_that_never_finishes_gets_a_json_408() {
    let app = spawn_app().await;
    // Half a head: the server waits its client request timeout (5 s) for the rest.
    let text = exchange(
        &app.address,
        b"GET /xapi/about HTTP/1.1\r\nHost: x\r\n",
        Duration::from_secs(15),
    )
    .await;
    let (status, body) = last_answer(&text);
    assert_eq!(status, 408, "{text}");
    assert_eq!(body["code"], "request_timeout");
}
