//! The Agents Resource (Communication 2.4): everything the LRS knows about an Agent, as a
//! Person object.
//!
//! <https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Communication.md#24-agents-resource>

use actix_web::{HttpRequest, HttpResponse, route, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Authenticated;
use super::error::{ApiError, ErrorBody};
use super::params::Params;
use super::state::AppState;
use super::version::Version;
use crate::auth::Access;
use crate::service::definitions;
use crate::xapi::parse_agent_param;

/// The Agent a request is about.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgentQuery {
    /// an Agent, as JSON
    agent: String,
}

/// The Person object for an Agent: every identifier and name the LRS knows for it, each as an
/// array. An Agent the LRS has never seen still gets a Person with what the request says.
#[utoipa::path(
    method(get, head),
    tag = "xapi",
    security(("basic" = [])),
    params(AgentQuery),
    responses(
        (status = 200, description = "a Person object", body = definitions::Person),
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
    let Params(query) = Params::<AgentQuery>::from_query(req.query_string())?;
    // The agent's JSON is read under the request's version's rules.
    let agent = parse_agent_param(&query.agent, version)
        .map_err(|e| ApiError::invalid(e.path, e.message))?;
    let person = definitions::person(&state.pool, &agent).await?;
    Ok(HttpResponse::Ok().json(person))
}
