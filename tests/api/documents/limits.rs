//! The document size limit (`LRS_MAX_DOCUMENT_BYTES`): larger documents are refused with 413
//! and the JSON error body, and change nothing; documents up to the limit are stored.

use reqwest::Method;
use serde_json::json;

use super::{Doc, RESOURCES};
use crate::helpers::{error_body, spawn_app, spawn_app_with};

const LIMIT: usize = 1024;

#[tokio::test]
async fn a_document_over_the_limit_is_413_and_one_at_the_limit_is_stored() {
    let app = spawn_app_with(|c| c.max_document_bytes = LIMIT).await;
    for resource in RESOURCES {
        for method in [Method::PUT, Method::POST] {
            // Arrange
            let doc = Doc::fresh(resource);

            // Act
            let over = doc
                .request(&app, method.clone())
                .header("If-None-Match", "*")
                .header("Content-Type", "application/octet-stream")
                .body(vec![b'x'; LIMIT + 1])
                .send()
                .await
                .expect("request");
            let at = doc
                .request(&app, method.clone())
                .header("If-None-Match", "*")
                .header("Content-Type", "application/octet-stream")
                .body(vec![b'y'; LIMIT])
                .send()
                .await
                .expect("request");

            // Assert
            let body = error_body(over, 413).await;
            assert_eq!(body["code"], "payload_too_large", "{resource:?} {method}");
            assert_eq!(
                at.status().as_u16(),
                204,
                "{resource:?} {method}: at the limit"
            );
            let stored = doc.fetch(&app).await.bytes().await.expect("body");
            assert_eq!(stored.as_ref(), vec![b'y'; LIMIT].as_slice());
        }
    }
}

#[tokio::test]
async fn a_merge_beyond_the_limit_is_413_and_changes_nothing() {
    let app = spawn_app_with(|c| c.max_document_bytes = LIMIT).await;
    for resource in RESOURCES {
        // Arrange: a document of about 800 bytes; a POST of about 300 (each under the limit).
        let doc = Doc::fresh(resource);
        let original = json!({"a": "x".repeat(800)});
        doc.create(&app, &original).await;
        let (_, etag) = doc.json_and_etag(&app).await;

        // Act
        let response = doc
            .request(&app, Method::POST)
            .json(&json!({"b": "y".repeat(300)}))
            .send()
            .await
            .expect("request");

        // Assert
        error_body(response, 413).await;
        assert_eq!(
            doc.json_and_etag(&app).await,
            (original, etag),
            "{resource:?}: unchanged"
        );
    }
}

#[tokio::test]
async fn a_megabyte_document_round_trips_under_the_default_limits() {
    let app = spawn_app().await;
    let bytes: Vec<u8> = (0..1024 * 1024).map(|i: u32| (i % 251) as u8).collect();
    for resource in RESOURCES {
        // Arrange
        let doc = Doc::fresh(resource);

        // Act
        let response = doc
            .request(&app, Method::PUT)
            .header("If-None-Match", "*")
            .header("Content-Type", "application/octet-stream")
            .body(bytes.clone())
            .send()
            .await
            .expect("request");

        // Assert
        assert_eq!(response.status().as_u16(), 204, "{resource:?}");
        let stored = doc.fetch(&app).await.bytes().await.expect("body");
        assert!(
            stored.as_ref() == bytes.as_slice(),
            "{resource:?}: byte-exact"
        );
    }
}
