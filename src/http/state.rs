//! State shared by every handler.

use sqlx::PgPool;

use crate::auth::Authenticator;
use crate::service::statements::Ingest;

pub struct AppState {
    pub pool: PgPool,
    pub authenticator: Authenticator,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Base time a request body may take to arrive (`http::body_deadline`).
    pub body_timeout: std::time::Duration,
    /// Largest document of the document resources, in bytes.
    pub max_document_bytes: usize,
    /// `account.homePage` of the authority Agent of credentials created over HTTP.
    pub authority_homepage: String,
    pub version_memory: VersionMemory,
    /// Storing statements: the `stored` clock, the write budget, group commit.
    pub ingest: Ingest,
    /// The analytics rules, for requests that change derived rows (an erasure).
    pub analytics: crate::analytics::settings::AnalyticsSettings,
    /// `LRS_ADMIN_KEY`: the credential this process ensured at start-up, which may not be
    /// revoked over HTTP (an admin using it would lock every admin out until a restart).
    pub bootstrap_key: Option<String>,
    /// How long a dashboard session lives without a request.
    pub dashboard_idle: crate::service::dashboard_sessions::Idle,
}

/// The versions credentials last used, so that an error about a missing version header can
/// answer in the version family the client speaks (a client that forgot the header once still
/// reads the response with its own version's rules). Only successful requests are remembered.
pub type VersionMemory = moka::sync::Cache<String, crate::xapi::XapiVersion>;

pub fn version_memory() -> VersionMemory {
    moka::sync::Cache::builder()
        .max_capacity(10_000)
        .time_to_idle(std::time::Duration::from_secs(3600))
        .build()
}
