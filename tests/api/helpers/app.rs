//! The application under test, on port 0, with its own database.

use lrs::config::Config;
use lrs::startup::Application;
use reqwest::{Method, RequestBuilder, Response};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use super::cluster::fresh_database;

pub struct TestApp {
    pub address: String,
    pub pool: PgPool,
    pub admin_key: String,
    pub admin_secret: String,
    pub client: reqwest::Client,
    server: actix_web::dev::ServerHandle,
}

/// Stops the server when the test is done with it, so that a test which starts many apps (the
/// conformance runner starts one per file) does not hold their connections until it ends.
impl Drop for TestApp {
    fn drop(&mut self) {
        // Sending the command is synchronous; the server future finishes it on the runtime.
        drop(self.server.stop(false));
    }
}

/// POSTs statements with the admin credential, asserting 200.
pub async fn post_statements(app: &TestApp, statements: &[serde_json::Value]) {
    let response = app
        .xapi(Method::POST, "/xapi/statements")
        .json(&statements)
        .send()
        .await
        .expect("post");
    assert_ok(response).await;
}

/// Asserts a 200, showing the body otherwise.
pub async fn assert_ok(response: Response) {
    assert_eq!(
        response.status().as_u16(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
}

/// Starts the LRS on a free port against a fresh database, with an admin credential.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(customise: impl FnOnce(&mut Config)) -> TestApp {
    spawn_app_on(fresh_database().await, customise).await
}

/// The LRS over the database these options reach (a fresh one, or one a test shares between
/// two servers, or reaches through a proxy it controls).
pub async fn spawn_app_on(
    options: PgConnectOptions,
    customise: impl FnOnce(&mut Config),
) -> TestApp {
    lrs::telemetry::init(
        &std::env::var("TEST_LOG").unwrap_or_else(|_| "off".into()),
        lrs::config::LogFormat::Human,
    );
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(lrs::database::session_options(options))
        .await
        .expect("connect to the test database");
    let admin_key = format!("admin-{}", uuid::Uuid::new_v4().simple());
    let admin_secret = uuid::Uuid::new_v4().to_string();
    let mut config = Config {
        bind: "127.0.0.1:0".into(),
        workers: Some(1),
        // The start-up credential, as `serve` ensures it (and refuses to revoke it over HTTP).
        admin_key: Some(admin_key.clone()),
        ..Config::default()
    };
    customise(&mut config);
    lrs::auth::credentials::ensure_bootstrap(&pool, &admin_key, &admin_secret, "http://lrs.test")
        .await
        .expect("bootstrap credential");
    let application = Application::build(&config, pool.clone())
        .await
        .expect("build the application");
    let address = format!("http://127.0.0.1:{}", application.port());
    let server = application.handle();
    tokio::spawn(application.run_until_stopped());
    let app = TestApp {
        address,
        pool,
        admin_key,
        admin_secret,
        client: reqwest::Client::new(),
        server,
    };
    app.wait_until_trusted(1).await;
    app
}

/// A second LRS process (as far as the LRS can tell) on the database of `first`, with its own
/// pool and caches; it knows the same admin credential.
pub async fn spawn_second(first: &TestApp) -> TestApp {
    let options = (*first.pool.connect_options()).clone();
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .expect("connect to the shared database");
    let config = Config {
        bind: "127.0.0.1:0".into(),
        workers: Some(1),
        admin_key: Some(first.admin_key.clone()),
        ..Config::default()
    };
    let application = Application::build(&config, pool.clone())
        .await
        .expect("build the second application");
    let address = format!("http://127.0.0.1:{}", application.port());
    let server = application.handle();
    tokio::spawn(application.run_until_stopped());
    let app = TestApp {
        address,
        pool,
        admin_key: first.admin_key.clone(),
        admin_secret: first.admin_secret.clone(),
        client: reqwest::Client::new(),
        server,
    };
    app.wait_until_trusted(2).await;
    app
}

impl TestApp {
    /// Waits until the server listens for credential revocations (until then it verifies every
    /// request against the database, which is slow but correct), so that timing in tests
    /// does not depend on when the listener came up.
    async fn wait_until_trusted(&self, listeners: i64) {
        for _ in 0..200 {
            if sqlx::query_scalar::<_, i64>(
                "select count(*) from pg_stat_activity where datname = current_database() \
                 and query like 'LISTEN %'",
            )
            .fetch_one(&self.pool)
            .await
            .is_ok_and(|n| n >= listeners)
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// A request with no credentials and no version header.
    pub fn raw(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.address))
    }

    /// An xAPI request as a well-behaved client sends it: admin credentials and version 2.0.0.
    pub fn xapi(&self, method: Method, path: &str) -> RequestBuilder {
        self.raw(method, path)
            .basic_auth(&self.admin_key, Some(&self.admin_secret))
            .header("X-Experience-API-Version", "2.0.0")
    }

    /// A request with the admin credentials.
    pub fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.raw(method, path)
            .basic_auth(&self.admin_key, Some(&self.admin_secret))
    }

    /// Creates a credential with the given scopes; returns (key, secret).
    pub async fn credential(&self, scopes: &[&str]) -> (String, String) {
        let response = self
            .admin(Method::POST, "/admin/credentials")
            .json(&serde_json::json!({"name": "test", "scopes": scopes}))
            .send()
            .await
            .expect("create credential");
        assert_eq!(response.status().as_u16(), 201);
        let body: serde_json::Value = response.json().await.expect("json");
        (
            body["key"].as_str().unwrap_or_default().to_owned(),
            body["secret"].as_str().unwrap_or_default().to_owned(),
        )
    }
}

/// The JSON error body of a response, asserting the status first.
pub async fn error_body(response: Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status, "unexpected status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "error body must be JSON, got {content_type}"
    );
    let body: serde_json::Value = response.json().await.expect("JSON error body");
    assert_eq!(
        body["status"], status,
        "status repeated in the body: {body}"
    );
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "a message: {body}"
    );
    body
}
