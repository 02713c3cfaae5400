//! The authenticated caller of a request.

use serde_json::Value;
use uuid::Uuid;

use super::scope::{Access, Scopes};

/// Who is calling: the credential that authenticated the request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub credential_id: Uuid,
    pub key: String,
    pub name: String,
    pub scopes: Scopes,
    /// The Agent statements written by this credential are attributed to (Data 2.4.9).
    pub authority: Value,
}

/// A credential lacks the scope an operation needs.
#[derive(Debug, thiserror::Error)]
#[error("this credential lacks the '{}' scope needed for this request", .0.describe())]
pub struct MissingScope(pub Access);

impl Principal {
    pub fn require(&self, access: Access) -> Result<(), MissingScope> {
        if self.scopes.allows(access) {
            Ok(())
        } else {
            Err(MissingScope(access))
        }
    }
}
