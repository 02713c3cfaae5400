//! Documents are arbitrary binary data (Communication 2.2): stored and returned byte for byte,
//! with the Content-Type they were sent with and the SHA-1 ETag of those bytes.

use reqwest::Method;

use super::{Doc, RESOURCES, header, quoted_sha1};
use crate::helpers::spawn_app;

fn every_byte() -> Vec<u8> {
    (0..=255u8).collect()
}

#[tokio::test]
async fn every_byte_value_round_trips_with_its_content_type() {
    let app = spawn_app().await;
    for resource in RESOURCES {
        for (method, content_type) in [
            (Method::PUT, "image/png"),
            (Method::POST, "application/octet-stream"),
        ] {
            // Arrange
            let doc = Doc::fresh(resource);
            let bytes = every_byte();

            // Act
            let stored = doc
                .request(&app, method.clone())
                .header("If-None-Match", "*")
                .header("Content-Type", content_type)
                .body(bytes.clone())
                .send()
                .await
                .expect("request");

            // Assert
            assert_eq!(stored.status().as_u16(), 204, "{resource:?} {method}");
            let response = doc.fetch(&app).await;
            assert_eq!(
                header(&response, "content-type"),
                content_type,
                "{resource:?} {method}"
            );
            assert_eq!(
                header(&response, "etag"),
                quoted_sha1(&bytes),
                "{resource:?} {method}"
            );
            let body = response.bytes().await.expect("body");
            assert_eq!(
                body.as_ref(),
                bytes.as_slice(),
                "{resource:?} {method}: byte-exact"
            );
        }
    }
}

#[tokio::test]
async fn text_documents_are_not_re_encoded() {
    // Bytes that are not UTF-8, declared as UTF-8 text: the LRS stores what it got.
    let app = spawn_app().await;
    let bytes = b"caf\xe9 \xff\xfe \x00 end".to_vec();
    for resource in RESOURCES {
        // Arrange
        let doc = Doc::fresh(resource);

        // Act
        let stored = doc
            .request(&app, Method::PUT)
            .header("If-None-Match", "*")
            .header("Content-Type", "text/plain; charset=utf-8")
            .body(bytes.clone())
            .send()
            .await
            .expect("request");

        // Assert
        assert_eq!(stored.status().as_u16(), 204, "{resource:?}");
        let response = doc.fetch(&app).await;
        assert_eq!(
            header(&response, "content-type"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            response.bytes().await.expect("body").as_ref(),
            bytes.as_slice()
        );
    }
}

#[tokio::test]
async fn a_binary_document_refuses_a_json_merge_and_stays_intact() {
    let app = spawn_app().await;
    for resource in RESOURCES {
        // Arrange
        let doc = Doc::fresh(resource);
        let bytes = every_byte();
        let stored = doc
            .request(&app, Method::PUT)
            .header("If-None-Match", "*")
            .header("Content-Type", "application/octet-stream")
            .body(bytes.clone())
            .send()
            .await
            .expect("request");
        assert_eq!(stored.status().as_u16(), 204);

        // Act
        let merge = doc
            .request(&app, Method::POST)
            .json(&serde_json::json!({"a": 1}))
            .send()
            .await
            .expect("request");

        // Assert
        crate::helpers::error_body(merge, 400).await;
        let response = doc.fetch(&app).await;
        assert_eq!(header(&response, "etag"), quoted_sha1(&bytes));
        assert_eq!(
            response.bytes().await.expect("body").as_ref(),
            bytes.as_slice()
        );
    }
}
