//! Credential scopes on the document, Agents and Activities resources (Communication 4.2):
//! `state` grants the State Resource, `profile` the two profile resources, `all/read` reads
//! everything and writes nothing; a refused write is 403 and changes nothing.

use reqwest::Method;
use serde_json::json;

use super::{Doc, RESOURCES, Resource};
use crate::helpers::{TestApp, error_body, spawn_app};

/// The status of each method on a document, as this credential.
async fn statuses(app: &TestApp, doc: &Doc, credential: &(String, String)) -> Vec<(Method, u16)> {
    let mut out = Vec::new();
    for method in [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::POST,
        Method::DELETE,
    ] {
        let mut request = doc.request_as(app, method.clone(), credential);
        if method == Method::PUT || method == Method::POST {
            request = request
                .header("If-Match", "*")
                .json(&json!({"written": true}));
        }
        let status = request.send().await.expect("request").status().as_u16();
        out.push((method, status));
    }
    out
}

fn granted(read: bool, write: bool) -> Vec<(Method, u16)> {
    let r = if read { 200 } else { 403 };
    let w = if write { 204 } else { 403 };
    vec![
        (Method::GET, r),
        (Method::HEAD, r),
        (Method::PUT, w),
        (Method::POST, w),
        (Method::DELETE, w),
    ]
}

/// One existing document per resource, created by the admin.
async fn documents(app: &TestApp) -> Vec<Doc> {
    let mut docs = Vec::new();
    for resource in RESOURCES {
        let doc = Doc::fresh(resource);
        doc.create(app, &json!({"original": true})).await;
        docs.push(doc);
    }
    docs
}

async fn definitions_status(app: &TestApp, credential: &(String, String)) -> (u16, u16) {
    let get = |path: String| {
        app.raw(Method::GET, &path)
            .basic_auth(&credential.0, Some(&credential.1))
            .header("X-Experience-API-Version", "2.0.0")
            .send()
    };
    let agents = get(format!(
        "/xapi/agents?agent={}",
        form_urlencoded::byte_serialize(br#"{"mbox":"mailto:scopes@example.com"}"#)
            .collect::<String>()
    ))
    .await
    .expect("request");
    let activities = get("/xapi/activities?activityId=http%3A%2F%2Fexample.com%2Fscopes".into())
        .await
        .expect("request");
    (agents.status().as_u16(), activities.status().as_u16())
}

#[tokio::test]
async fn the_state_scope_grants_the_state_resource_only() {
    // Arrange
    let app = spawn_app().await;
    let credential = app.credential(&["state"]).await;

    for doc in documents(&app).await {
        // Act
        let seen = statuses(&app, &doc, &credential).await;

        // Assert
        let is_state = doc.resource == Resource::State;
        assert_eq!(seen, granted(is_state, is_state), "{:?}", doc.resource);
    }
    assert_eq!(definitions_status(&app, &credential).await, (403, 403));
}

#[tokio::test]
async fn the_profile_scope_grants_the_profile_resources_only() {
    // Arrange
    let app = spawn_app().await;
    let credential = app.credential(&["profile"]).await;

    for doc in documents(&app).await {
        // Act
        let seen = statuses(&app, &doc, &credential).await;

        // Assert
        let is_profile = doc.resource != Resource::State;
        assert_eq!(seen, granted(is_profile, is_profile), "{:?}", doc.resource);
    }
    assert_eq!(definitions_status(&app, &credential).await, (403, 403));
}

#[tokio::test]
async fn all_read_reads_every_document_and_writes_none() {
    // Arrange
    let app = spawn_app().await;
    let credential = app.credential(&["all/read"]).await;

    for doc in documents(&app).await {
        // Act
        let seen = statuses(&app, &doc, &credential).await;
        let list = app
            .raw(Method::GET, &doc.list_url())
            .basic_auth(&credential.0, Some(&credential.1))
            .header("X-Experience-API-Version", "2.0.0")
            .send()
            .await
            .expect("request");

        // Assert
        assert_eq!(seen, granted(true, false), "{:?}", doc.resource);
        assert_eq!(list.status().as_u16(), 200);
        let (content, _) = doc.json_and_etag(&app).await;
        assert_eq!(
            content,
            json!({"original": true}),
            "{:?}: unchanged",
            doc.resource
        );
    }
    assert_eq!(definitions_status(&app, &credential).await, (200, 200));
}

#[tokio::test]
async fn a_refused_write_names_the_missing_scope() {
    // Arrange
    let app = spawn_app().await;
    let credential = app.credential(&["state"]).await;
    let doc = Doc::fresh(Resource::AgentProfile);

    // Act
    let response = doc
        .request_as(&app, Method::PUT, &credential)
        .header("If-None-Match", "*")
        .json(&json!({"a": 1}))
        .send()
        .await
        .expect("request");

    // Assert
    let body = error_body(response, 403).await;
    assert_eq!(body["code"], "forbidden");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("profile"),
        "the message names the scope: {body}"
    );
    assert_eq!(doc.status(&app).await, 404, "nothing stored");
}

#[tokio::test]
async fn canonical_definitions_need_the_define_scope() {
    // Data 2.4.4.1 / Communication 4.2: only a credential with `define` may change how the LRS
    // describes an Activity; the statements of others are stored all the same.
    let app = spawn_app().await;
    for (scopes, defines) in [
        (&["statements/write", "statements/read"][..], false),
        (&["statements/write", "define"][..], true),
    ] {
        // Arrange
        let credential = app.credential(scopes).await;
        let activity = format!(
            "http://example.com/activities/define-{}",
            uuid::Uuid::new_v4()
        );
        let statement = json!({
            "actor": {"mbox": "mailto:definer@example.com"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
            "object": {"id": activity, "definition": {"name": {"en-US": "defined"}}}
        });

        // Act
        let posted = app
            .raw(Method::POST, "/xapi/statements")
            .basic_auth(&credential.0, Some(&credential.1))
            .header("X-Experience-API-Version", "2.0.0")
            .json(&statement)
            .send()
            .await
            .expect("request");

        // Assert
        assert_eq!(posted.status().as_u16(), 200, "{scopes:?}");
        let query: String = form_urlencoded::byte_serialize(activity.as_bytes()).collect();
        let described: serde_json::Value = app
            .xapi(Method::GET, &format!("/xapi/activities?activityId={query}"))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        let expected = if defines {
            json!({"objectType": "Activity", "id": activity, "definition": {"name": {"en-US": "defined"}}})
        } else {
            json!({"objectType": "Activity", "id": activity})
        };
        assert_eq!(described, expected, "{scopes:?}");
    }
}
