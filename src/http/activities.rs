//! The Activities Resource (Communication 2.5): the canonical definition of an Activity,
//! merged from the statements that described it.
//!
//! <https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Communication.md#25-activities-resource>

use actix_web::{HttpRequest, HttpResponse, route, web};
use serde_json::{Map, Value, json};

use super::auth::Authenticated;
use super::error::{ApiError, ErrorBody};
use super::query::QueryParams;
use super::state::AppState;
use super::version::Version;
use crate::auth::Access;
use crate::store;

/// An Activity with its canonical definition, or with just its id when the LRS knows no
/// definition for it.
#[utoipa::path(
    method(get, head),
    tag = "xapi",
    security(("basic" = [])),
    params(("activityId" = String, Query, description = "the Activity IRI")),
    responses(
        (status = 200, description = "an Activity object", body = Object),
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
    let params = QueryParams::parse(req.query_string())?;
    params.allow_only(documented_query!(__path_get_activity))?;
    let id = params.required("activityId")?;
    params.iri("activityId")?;
    let mut activity = Map::new();
    activity.insert("objectType".into(), json!("Activity"));
    activity.insert("id".into(), json!(id));
    if let Some(definition) = store::activities::definition(&state.pool, id).await? {
        activity.insert("definition".into(), definition);
    }
    Ok(HttpResponse::Ok().json(Value::Object(activity)))
}
