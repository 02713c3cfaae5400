//! The Activities Resource (Communication 2.5): the canonical definition of an Activity,
//! merged from the statements that described it.
//!
//! <https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Communication.md#25-activities-resource>

use actix_web::{HttpRequest, HttpResponse, route, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Authenticated;
use super::error::{ApiError, ErrorBody};
use super::params::{Iri, Params};
use super::state::AppState;
use super::version::Version;
use crate::auth::Access;
use crate::service::definitions;

/// The Activity a request is about.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    /// the Activity IRI
    #[serde(rename = "activityId")]
    #[param(rename = "activityId", value_type = String)]
    activity_id: Iri,
}

/// An Activity with its canonical definition, or with just its id when the LRS knows no
/// definition for it.
#[utoipa::path(
    method(get, head),
    tag = "xapi",
    security(("basic" = [])),
    params(ActivityQuery),
    responses(
        (status = 200, description = "an Activity object", body = definitions::Activity),
        (status = 400, body = ErrorBody)
    )
)]
#[route("/activities", method = "GET", method = "HEAD")]
pub async fn get_activity(
    auth: Authenticated,
    _version: Version,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::DefinitionsRead)?;
    let Params(query) = Params::<ActivityQuery>::from_query(req.query_string())?;
    let activity = definitions::activity(&state.pool, &query.activity_id.0).await?;
    Ok(HttpResponse::Ok().json(activity))
}
