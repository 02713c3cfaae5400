//! The document resources (State, Activity Profile, Agent Profile) beyond what the data cases
//! of `conformance-tests/` express: racing conditional writes, binary documents, the size limit
//! and credential scopes.

mod binary;
mod concurrency;
mod limits;
mod scopes;

use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// One of the three document resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    State,
    ActivityProfile,
    AgentProfile,
}

pub const RESOURCES: [Resource; 3] = [
    Resource::State,
    Resource::ActivityProfile,
    Resource::AgentProfile,
];

impl Resource {
    pub fn path(self) -> &'static str {
        match self {
            Resource::State => "/xapi/activities/state",
            Resource::ActivityProfile => "/xapi/activities/profile",
            Resource::AgentProfile => "/xapi/agents/profile",
        }
    }

    fn id_param(self) -> &'static str {
        match self {
            Resource::State => "stateId",
            Resource::ActivityProfile | Resource::AgentProfile => "profileId",
        }
    }
}

/// A document no other test uses: a fresh Activity, Agent and id.
#[derive(Debug, Clone)]
pub struct Doc {
    pub resource: Resource,
    activity: String,
    agent: Value,
    id: String,
}

impl Doc {
    pub fn fresh(resource: Resource) -> Doc {
        let scope = uuid::Uuid::new_v4();
        Doc {
            resource,
            activity: format!("http://example.com/activities/{scope}"),
            agent: json!({"objectType": "Agent", "mbox": format!("mailto:documents.{scope}@example.com")}),
            id: uuid::Uuid::new_v4().to_string(),
        }
    }

    fn query(&self, with_id: bool) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if self.resource != Resource::AgentProfile {
            query.append_pair("activityId", &self.activity);
        }
        if self.resource != Resource::ActivityProfile {
            query.append_pair("agent", &self.agent.to_string());
        }
        if with_id {
            query.append_pair(self.resource.id_param(), &self.id);
        }
        format!("{}?{}", self.resource.path(), query.finish())
    }

    /// The path of this document.
    pub fn url(&self) -> String {
        self.query(true)
    }

    /// The path of the Multiple Document GET of its scope.
    pub fn list_url(&self) -> String {
        self.query(false)
    }

    /// A 2.0 request to this document with the admin credential.
    pub fn request(&self, app: &TestApp, method: Method) -> RequestBuilder {
        app.xapi(method, &self.url())
    }

    /// A 2.0 request to this document with another credential.
    pub fn request_as(
        &self,
        app: &TestApp,
        method: Method,
        (key, secret): &(String, String),
    ) -> RequestBuilder {
        app.raw(method, &self.url())
            .basic_auth(key, Some(secret))
            .header("X-Experience-API-Version", "2.0.0")
    }

    /// Creates the document as JSON (If-None-Match: *), asserting 204.
    pub async fn create(&self, app: &TestApp, body: &Value) {
        let response = self
            .request(app, Method::PUT)
            .header("If-None-Match", "*")
            .json(body)
            .send()
            .await
            .expect("request");
        assert_eq!(
            response.status().as_u16(),
            204,
            "{:?} create",
            self.resource
        );
    }

    /// GET: the response, asserting 200.
    pub async fn fetch(&self, app: &TestApp) -> Response {
        let response = self
            .request(app, Method::GET)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 200, "{:?} GET", self.resource);
        response
    }

    /// The current ETag and JSON content.
    pub async fn json_and_etag(&self, app: &TestApp) -> (Value, String) {
        let response = self.fetch(app).await;
        let etag = header(&response, "etag");
        (response.json().await.expect("JSON document"), etag)
    }

    /// The status of a GET (200 or 404, usually).
    pub async fn status(&self, app: &TestApp) -> u16 {
        self.request(app, Method::GET)
            .send()
            .await
            .expect("request")
            .status()
            .as_u16()
    }
}

pub fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// `"` + SHA-1 hex of the bytes + `"`: the ETag Communication 3.1 prescribes.
pub fn quoted_sha1(bytes: &[u8]) -> String {
    use sha1::Digest as _;
    format!("\"{}\"", hex::encode(sha1::Sha1::digest(bytes)))
}
