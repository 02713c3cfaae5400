//! The Agent Profile Resource (Communication 2.6): documents about an Agent, for every
//! Activity.
//!
//! <https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Communication.md#26-agent-profile-resource>

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, delete, post, put, route, web};

use super::Spec;
use super::params::{AgentScope, ProfileId, ProfileIdOption, Since};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::state::AppState;
use crate::http::version::Version;
use crate::store::documents::Resource;

const SPEC: Spec = Spec {
    resource: Resource::AgentProfile,
    id_param: "profileId",
};

/// One profile document (with `profileId`), or the ids of the profiles.
#[utoipa::path(
    method(get, head),
    tag = "xapi",
    security(("basic" = [])),
    params(AgentScope, ProfileIdOption, Since),
    responses(
        (status = 200, description = "the document (with ETag and Last-Modified), or an array of profileIds"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)
    )
)]
#[route("/agents/profile", method = "GET", method = "HEAD")]
pub async fn get_agent_profile(
    auth: Authenticated,
    Version(version): Version,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::ProfileRead)?;
    super::get::<AgentScope, ProfileIdOption>(&SPEC, &state, &req, version).await
}

/// Store a profile document. Send If-Match (replace) or If-None-Match: * (create); a blind
/// overwrite of an existing document is 409.
#[utoipa::path(
    tag = "xapi",
    security(("basic" = [])),
    params(AgentScope, ProfileId),
    request_body(content = Vec<u8>, description = "the document, any content type"),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody))
)]
#[put("/agents/profile")]
pub async fn put_agent_profile(
    auth: Authenticated,
    Version(version): Version,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::ProfileWrite)?;
    super::put::<AgentScope, ProfileId>(&SPEC, &state, &req, version, body).await
}

/// Store a profile document, or merge a JSON object into the stored JSON object.
#[utoipa::path(
    tag = "xapi",
    security(("basic" = [])),
    params(AgentScope, ProfileId),
    request_body(content = Vec<u8>, description = "the document; JSON objects merge into stored JSON objects"),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 412, body = ErrorBody))
)]
#[post("/agents/profile")]
pub async fn post_agent_profile(
    auth: Authenticated,
    Version(version): Version,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::ProfileWrite)?;
    super::post::<AgentScope, ProfileId>(&SPEC, &state, &req, version, body).await
}

/// Delete one profile document.
#[utoipa::path(
    tag = "xapi",
    security(("basic" = [])),
    params(AgentScope, ProfileId),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 412, body = ErrorBody))
)]
#[delete("/agents/profile")]
pub async fn delete_agent_profile(
    auth: Authenticated,
    Version(version): Version,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::ProfileWrite)?;
    super::delete::<AgentScope, ProfileId>(&SPEC, &state, &req, version).await
}
