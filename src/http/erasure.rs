//! `POST /admin/erasures`: erase everything held about a person on request (GDPR Art. 17).
//! What is deleted, and what is kept, is described in `crate::service::erasure`.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use super::auth::Authenticated;
use super::error::ApiError;
use super::state::AppState;
use crate::auth::Access;
use crate::http::params::{NoParams, Params};
use crate::service::erasure::{self, ErasureError, Receipt};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErasureRequest {
    /// The person: an Agent (or Identified Group) with one inverse functional identifier, as in
    /// a statement. An `mbox` also erases the matching `mbox_sha1sum`.
    #[schema(value_type = Object)]
    agent: serde_json::Value,
    /// Count what would be deleted, and change nothing.
    #[serde(default)]
    dry_run: bool,
}

/// Erase a person: every statement naming them, their State and Agent Profile documents,
/// their Agents-resource record, and their analytics (enrolments, metrics, outcomes, risk
/// scores). Irreversible; try `dry_run` first. Statements of others that only refer to a
/// deleted statement stay, without the person's index entries.
#[utoipa::path(
    tag = "admin",
    security(("basic" = [])),
    request_body = ErasureRequest,
    responses(
        (status = 200, body = Receipt, description = "what was deleted (or would be, for a dry run)"),
        (status = 400, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody),
        (status = 409, body = super::error::ErrorBody, description = "the agent is a credential's authority")
    )
)]
#[post("/erasures")]
pub async fn erase(
    auth: Authenticated,
    _: Params<NoParams>,
    state: web::Data<AppState>,
    body: web::Json<ErasureRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::Admin)?;
    let body = body.into_inner();
    erasure::check_person(&body.agent).map_err(|e| ApiError::invalid(e.path, e.message))?;
    let receipt = erasure::erase(&state.pool, &body.agent, &state.analytics, body.dry_run)
        .await
        .map_err(|e| match e {
            ErasureError::Authority(_) => ApiError::Conflict(e.to_string()),
            ErasureError::Database(e) => e.into(),
        })?;
    // Counts only: the identifier is the personal data being erased.
    tracing::info!(
        dry_run = receipt.dry_run,
        statements = receipt.statements_deleted,
        unlinked = receipt.statements_unlinked,
        documents = receipt.documents_deleted,
        enrolments = receipt.enrolments_deleted,
        "erasure"
    );
    Ok(HttpResponse::Ok().json(receipt))
}
