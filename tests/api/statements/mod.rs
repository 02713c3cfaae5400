//! The Statement Resource beyond what the data cases of `conformance-tests/` express:
//! concurrency, long paging runs, large batches and credential scopes.

mod batch;
mod concurrency;
mod filters;
mod group_commit;
mod nul;
mod paging;
mod scopes;

use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// A valid statement with this id and verb.
pub fn statement(id: &str, verb: &str) -> Value {
    json!({
        "id": id,
        "actor": {"objectType": "Agent", "mbox": "mailto:statements-tests@example.com"},
        "verb": {"id": verb, "display": {"en-US": "tested"}},
        "object": {"objectType": "Activity", "id": "http://example.com/activities/statements-tests"},
        "timestamp": "2024-05-04T17:00:00.000Z"
    })
}

/// A verb no other test uses, to scope queries.
pub fn fresh_verb() -> String {
    format!("http://example.com/verbs/{}", uuid::Uuid::new_v4())
}

pub fn fresh_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A GET of the xAPI as the admin, which must answer 200, as JSON.
pub async fn get_json(app: &TestApp, path: &str) -> Value {
    let response = app.xapi(Method::GET, path).send().await.expect("request");
    assert_eq!(response.status().as_u16(), 200, "{path}");
    response.json().await.expect("json")
}

/// A query parameter value, URL-encoded.
pub fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// An xAPI request with another credential.
pub fn as_credential(
    app: &TestApp,
    method: Method,
    path: &str,
    key: &str,
    secret: &str,
) -> RequestBuilder {
    app.raw(method, path)
        .basic_auth(key, Some(secret))
        .header("X-Experience-API-Version", "2.0.0")
}

/// Every statement id of a query, following `more` to the end.
pub async fn all_ids(request: impl Fn(&str) -> RequestBuilder, first: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut path = first.to_owned();
    loop {
        let response = request(&path).send().await.expect("request");
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        let page: Value = response.json().await.expect("json");
        ids.extend(page_ids(&page));
        match page["more"].as_str() {
            Some("") => return ids,
            Some(more) => path = more.to_owned(),
            None => panic!("a StatementResult always has more: {page}"),
        }
    }
}

pub fn page_ids(page: &Value) -> Vec<String> {
    page["statements"]
        .as_array()
        .expect("statements array")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect()
}

pub fn verb_query(verb: &str) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("verb", verb)
        .finish();
    format!("/xapi/statements?{query}")
}
