//! The Activity Profile Resource (Communication 2.7): documents about an Activity, for every
//! Agent.
//!
//! <https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Communication.md#27-activity-profile-resource>

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, delete, post, put, route, web};

use super::Spec;
use super::params::{ActivityScope, ProfileId, ProfileIdOption, Since};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::state::AppState;
use crate::http::version::Version;
use crate::store::documents::Resource;

const SPEC: Spec = Spec {
    resource: Resource::ActivityProfile,
    id_param: "profileId",
};

/// One profile document (with `profileId`), or the ids of the profiles.
#[utoipa::path(
    method(get, head),
    tag = "xapi",
    security(("basic" = [])),
    params(ActivityScope, ProfileIdOption, Since),
    responses(
        (status = 200, description = "the document (with ETag and Last-Modified), or an array of profileIds"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)
    )
)]
#[route("/activities/profile", method = "GET", method = "HEAD")]
pub async fn get_activity_profile(
    auth: Authenticated,
    Version(version): Version,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::ProfileRead)?;
    super::get::<ActivityScope, ProfileIdOption>(&SPEC, &state, &req, version).await
}

/// Store a profile document. Send If-Match (replace) or If-None-Match: * (create); a blind
/// overwrite of an existing document is 409.
#[utoipa::path(
    tag = "xapi",
    security(("basic" = [])),
    params(ActivityScope, ProfileId),
    request_body(content = Vec<u8>, description = "the document, any content type"),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody))
)]
#[put("/activities/profile")]
pub async fn put_activity_profile(
    auth: Authenticated,
    Version(version): Version,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::ProfileWrite)?;
    super::put::<ActivityScope, ProfileId>(&SPEC, &state, &req, version, body).await
}

/// Store a profile document, or merge a JSON object into the stored JSON object.
#[utoipa::path(
    tag = "xapi",
    security(("basic" = [])),
    params(ActivityScope, ProfileId),
    request_body(content = Vec<u8>, description = "the document; JSON objects merge into stored JSON objects"),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 412, body = ErrorBody))
)]
#[post("/activities/profile")]
pub async fn post_activity_profile(
    auth: Authenticated,
    Version(version): Version,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::ProfileWrite)?;
    super::post::<ActivityScope, ProfileId>(&SPEC, &state, &req, version, body).await
}

/// Delete one profile document.
#[utoipa::path(
    tag = "xapi",
    security(("basic" = [])),
    params(ActivityScope, ProfileId),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 412, body = ErrorBody))
)]
#[delete("/activities/profile")]
pub async fn delete_activity_profile(
    auth: Authenticated,
    Version(version): Version,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::ProfileWrite)?;
    super::delete::<ActivityScope, ProfileId>(&SPEC, &state, &req, version).await
}
