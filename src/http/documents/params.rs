//! The parameters that address documents (Communication 2.2 to 2.4): a scope (which Activity,
//! Agent and registration), a document id, and `since` for listing ids. Each resource's
//! handlers take and document the sets that make up its address.

use serde::{Deserialize, Deserializer};
use utoipa::IntoParams;

use crate::http::error::ApiError;
use crate::http::params::{CanonicalUuid, Iri, QuerySet, Timestamp};
use crate::store::documents::{Resource, Scope};
use crate::xapi::{XapiVersion, ifi_key, parse_agent_param};

/// The documents of one scope.
pub trait DocumentScope: QuerySet {
    fn scope(self, resource: Resource, version: XapiVersion) -> Result<Scope, ApiError>;
}

/// A document id: `stateId` or `profileId`, given or not.
pub trait DocumentIdParam: QuerySet {
    fn id(self) -> Option<String>;
}

/// The State Resource's scope: an Activity, an Agent, and optionally a registration.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StateScope {
    #[serde(rename = "activityId")]
    #[param(rename = "activityId", value_type = String)]
    activity_id: Iri,
    /// an Agent, as JSON
    agent: String,
    #[param(value_type = Option<uuid::Uuid>)]
    registration: Option<CanonicalUuid>,
}

impl DocumentScope for StateScope {
    fn scope(self, resource: Resource, version: XapiVersion) -> Result<Scope, ApiError> {
        Ok(Scope {
            resource,
            activity_id: Some(self.activity_id.0),
            agent: Some(agent_ifi(&self.agent, version)?),
            registration: self.registration.map(|r| r.0),
        })
    }
}

/// The Activity Profile Resource's scope: an Activity.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityScope {
    #[serde(rename = "activityId")]
    #[param(rename = "activityId", value_type = String)]
    activity_id: Iri,
}

impl DocumentScope for ActivityScope {
    fn scope(self, resource: Resource, _: XapiVersion) -> Result<Scope, ApiError> {
        Ok(Scope {
            resource,
            activity_id: Some(self.activity_id.0),
            agent: None,
            registration: None,
        })
    }
}

/// The Agent Profile Resource's scope: an Agent.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgentScope {
    /// an Agent, as JSON
    agent: String,
}

impl DocumentScope for AgentScope {
    fn scope(self, resource: Resource, version: XapiVersion) -> Result<Scope, ApiError> {
        Ok(Scope {
            resource,
            activity_id: None,
            agent: Some(agent_ifi(&self.agent, version)?),
            registration: None,
        })
    }
}

/// The agent's JSON, under the request's version's rules, as its IFI key.
fn agent_ifi(text: &str, version: XapiVersion) -> Result<String, ApiError> {
    let agent =
        parse_agent_param(text, version).map_err(|e| ApiError::invalid(e.path, e.message))?;
    ifi_key(&agent)
        .ok_or_else(|| ApiError::invalid("agent", "must identify an Agent by one identifier"))
}

/// A document id as it was given (the id lists return it so). PostgreSQL's text cannot hold
/// NUL, so such an id is refused rather than stored altered.
#[derive(Debug, Clone)]
pub struct DocumentId(String);

impl<'de> Deserialize<'de> for DocumentId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<DocumentId, D::Error> {
        let id = String::deserialize(d)?;
        if id.contains('\0') {
            return Err(serde::de::Error::custom(
                "must not contain the NUL character (U+0000)",
            ));
        }
        Ok(DocumentId(id))
    }
}

/// One state (PUT, POST).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StateId {
    #[serde(rename = "stateId")]
    #[param(rename = "stateId", value_type = String)]
    id: DocumentId,
}

/// One state, or (GET, DELETE) all of the scope's.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StateIdOption {
    #[serde(rename = "stateId")]
    #[param(rename = "stateId", value_type = Option<String>)]
    id: Option<DocumentId>,
}

/// One profile document (PUT, POST, DELETE).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProfileId {
    #[serde(rename = "profileId")]
    #[param(rename = "profileId", value_type = String)]
    id: DocumentId,
}

/// One profile document, or (GET) the ids of the scope's.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProfileIdOption {
    #[serde(rename = "profileId")]
    #[param(rename = "profileId", value_type = Option<String>)]
    id: Option<DocumentId>,
}

impl DocumentIdParam for StateId {
    fn id(self) -> Option<String> {
        Some(self.id.0)
    }
}

impl DocumentIdParam for StateIdOption {
    fn id(self) -> Option<String> {
        self.id.map(|id| id.0)
    }
}

impl DocumentIdParam for ProfileId {
    fn id(self) -> Option<String> {
        Some(self.id.0)
    }
}

impl DocumentIdParam for ProfileIdOption {
    fn id(self) -> Option<String> {
        self.id.map(|id| id.0)
    }
}

/// Listing ids: only those of documents updated after an instant.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Since {
    /// list only documents updated after this instant
    #[param(value_type = Option<String>)]
    pub since: Option<Timestamp>,
}
