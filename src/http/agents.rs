//! The Agents Resource (Communication 2.4): everything the LRS knows about an Agent, as a
//! Person object.
//!
//! <https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Communication.md#24-agents-resource>

use actix_web::{HttpRequest, HttpResponse, route, web};
use serde_json::{Map, Value, json};

use super::auth::Authenticated;
use super::error::{ApiError, ErrorBody};
use super::query::QueryParams;
use super::state::AppState;
use super::version::Version;
use crate::auth::Access;
use crate::store;
use crate::xapi::{ifi_key, parse_agent_param};

/// The Person object for an Agent: every identifier and name the LRS knows for it, each as an
/// array. An Agent the LRS has never seen still gets a Person with what the request says.
#[utoipa::path(
    method(get, head),
    tag = "xapi",
    security(("basic" = [])),
    params(("agent" = String, Query, description = "an Agent, as JSON")),
    responses(
        (status = 200, description = "a Person object", body = Object),
        (status = 400, body = ErrorBody)
    )
)]
#[route("/agents", method = "GET", method = "HEAD")]
pub async fn get_agent(
    auth: Authenticated,
    Version(version): Version,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::DefinitionsRead)?;
    let params = QueryParams::parse(req.query_string())?;
    params.allow_only(documented_query!(__path_get_agent))?;
    let agent = parse_agent_param(params.required("agent")?, version)
        .map_err(|e| ApiError::invalid(e.path, e.message))?;
    if agent.get("objectType").and_then(Value::as_str) == Some("Group") {
        return Err(ApiError::invalid("agent", "must be an Agent, not a Group"));
    }
    let ifi = ifi_key(&agent)
        .ok_or_else(|| ApiError::invalid("agent", "must identify the Agent by one identifier"))?;
    let mut names = store::agents::names(&state.pool, &ifi).await?;
    if let Some(name) = agent.get("name").and_then(Value::as_str)
        && !names.iter().any(|n| n == name)
    {
        names.insert(0, name.to_owned());
    }
    let mut person = Map::new();
    person.insert("objectType".into(), json!("Person"));
    if !names.is_empty() {
        person.insert("name".into(), json!(names));
    }
    for property in ["mbox", "mbox_sha1sum", "openid", "account"] {
        if let Some(value) = agent.get(property) {
            person.insert(property.into(), json!([value]));
        }
    }
    Ok(HttpResponse::Ok().json(Value::Object(person)))
}
