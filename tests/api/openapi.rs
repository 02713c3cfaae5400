//! The committed OpenAPI document must match what the code generates.

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");

#[test]
fn the_committed_openapi_document_is_current() {
    let generated = lrs::http::openapi::openapi_json();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(COMMITTED, &generated).expect("write openapi/openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: the API changed. Review the change, then regenerate it \
         with `UPDATE_OPENAPI=1 cargo test --test api openapi` (or `lrs openapi > openapi/openapi.json`)."
    );
}

#[tokio::test]
async fn the_server_serves_the_same_document() {
    let app = crate::helpers::spawn_app().await;

    let served: serde_json::Value = app
        .raw(reqwest::Method::GET, "/openapi.json")
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");

    let generated: serde_json::Value =
        serde_json::from_str(&lrs::http::openapi::openapi_json()).expect("json");
    assert_eq!(served, generated);
}
