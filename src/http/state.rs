//! State shared by every handler.

use sqlx::PgPool;

use super::clock::StoredClock;
use crate::auth::Authenticator;

pub struct AppState {
    pub pool: PgPool,
    pub authenticator: Authenticator,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Largest document of the document resources, in bytes.
    pub max_document_bytes: usize,
    /// `account.homePage` of the authority Agent of credentials created over HTTP.
    pub authority_homepage: String,
    /// The `stored` clock of this process.
    pub clock: StoredClock,
    pub version_memory: super::version::VersionMemory,
}
