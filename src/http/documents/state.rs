//! The State Resource (Communication 2.3): documents an Activity keeps about an Agent, per
//! registration.
//!
//! <https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Communication.md#23-state-resource>

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, delete, post, put, route, web};

use super::Spec;
use super::params::{Since, StateId, StateIdOption, StateScope};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::state::AppState;
use crate::http::version::Version;
use crate::store::documents::Resource;

const SPEC: Spec = Spec {
    resource: Resource::State,
    id_param: "stateId",
};

/// One state document (with `stateId`), or the ids of the states of an Activity and Agent.
#[utoipa::path(
    method(get, head),
    tag = "xapi",
    security(("basic" = [])),
    params(StateScope, StateIdOption, Since),
    responses(
        (status = 200, description = "the document (with ETag and Last-Modified), or an array of stateIds"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)
    )
)]
#[route("/activities/state", method = "GET", method = "HEAD")]
pub async fn get_state(
    auth: Authenticated,
    Version(version): Version,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::StateRead)?;
    super::get::<StateScope, StateIdOption>(&SPEC, &state, &req, version).await
}

/// Store a state document (If-Match / If-None-Match honoured; under 2.0 a blind overwrite of
/// an existing document is 409).
#[utoipa::path(
    tag = "xapi",
    security(("basic" = [])),
    params(StateScope, StateId),
    request_body(content = Vec<u8>, description = "the document, any content type"),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody))
)]
#[put("/activities/state")]
pub async fn put_state(
    auth: Authenticated,
    Version(version): Version,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::StateWrite)?;
    super::put::<StateScope, StateId>(&SPEC, &state, &req, version, body).await
}

/// Store a state document, or merge a JSON object into the stored JSON object.
#[utoipa::path(
    tag = "xapi",
    security(("basic" = [])),
    params(StateScope, StateId),
    request_body(content = Vec<u8>, description = "the document; JSON objects merge into stored JSON objects"),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 412, body = ErrorBody))
)]
#[post("/activities/state")]
pub async fn post_state(
    auth: Authenticated,
    Version(version): Version,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::StateWrite)?;
    super::post::<StateScope, StateId>(&SPEC, &state, &req, version, body).await
}

/// Delete one state document, or every state of the Activity and Agent (and registration).
#[utoipa::path(
    tag = "xapi",
    security(("basic" = [])),
    params(StateScope, StateIdOption),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 412, body = ErrorBody))
)]
#[delete("/activities/state")]
pub async fn delete_state(
    auth: Authenticated,
    Version(version): Version,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::StateWrite)?;
    super::delete::<StateScope, StateIdOption>(&SPEC, &state, &req, version).await
}
