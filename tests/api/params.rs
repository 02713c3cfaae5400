//! Every operation accepts exactly the query parameters the OpenAPI document lists for it: an
//! unlisted one is refused by name, a listed one is never refused as unknown. (Handlers read
//! their parameters with a struct that also documents them, `http::params`; this checks that
//! each handler documents the struct it reads.)

use reqwest::Method;
use serde_json::Value;

use crate::helpers::spawn_app;

/// The operations of the document: method, path (path parameters filled in) and the names of
/// its query parameters.
fn operations() -> Vec<(Method, String, Vec<String>)> {
    let document: Value =
        serde_json::from_str(&lrs::http::openapi::openapi_json()).expect("the document");
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let names = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .map(|p| p["name"].as_str().expect("a name").to_owned())
                .collect();
            // Path parameters are ids; 1 is one (whether or not it exists).
            let path = path
                .split('/')
                .map(|s| if s.starts_with('{') { "1" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            operations.push((method, path, names));
        }
    }
    operations
}

#[tokio::test]
async fn each_operation_accepts_exactly_its_documented_query_parameters() {
    let app = spawn_app().await;
    let operations = operations();
    assert!(operations.len() > 40, "{} operations", operations.len());
    let mut checked = 0;
    let mut failures = Vec::new();
    for (method, path, names) in operations {
        // The probes answer whatever a load balancer adds (a cache-busting parameter, say).
        if path == "/health" || path == "/ready" {
            continue;
        }
        let send = |query: String| {
            app.xapi(method.clone(), &format!("{path}?{query}"))
                .header("content-type", "application/json")
                .body("{}")
                .send()
        };
        let response = send("undocumented_parameter=1".into())
            .await
            .expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        // A HEAD answer has no body to name it in.
        let named = method == Method::HEAD
            || serde_json::from_str::<Value>(&text).is_ok_and(|body| {
                body["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("undocumented_parameter"))
            });
        if status != 400 || !named {
            failures.push(format!(
                "{method} {path} took an undocumented parameter: {status} {text}"
            ));
        }
        if !names.is_empty() {
            let query = names
                .iter()
                .map(|n| format!("{n}=x"))
                .collect::<Vec<_>>()
                .join("&");
            let response = send(query).await.expect("request");
            let text = response.text().await.unwrap_or_default();
            if text.contains("unknown parameter") {
                failures.push(format!(
                    "{method} {path} refuses a documented parameter: {text}"
                ));
            }
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 40);
}
