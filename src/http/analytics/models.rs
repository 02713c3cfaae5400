//! At-risk models: train, list, inspect, evaluate, activate.

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::params::FormatQuery;
use super::{Page, list_response, wants_csv};
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::params::{NoParams, Params};
use crate::http::state::AppState;
use crate::service::models::{
    self as service_models, EvaluateRequest, EvaluationView, ModelDetail, ModelSummary,
    TrainRequest,
};

/// Every trained model, newest first.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(FormatQuery),
    responses((status = 200, description = "a page of ModelSummary (JSON), or the whole list as CSV with `format=csv`", content((Page<ModelSummary> = "application/json"), (String = "text/csv"))))
)]
#[get("/models")]
pub async fn list_models(
    auth: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    let Params(format) = Params::<FormatQuery>::from_query(req.query_string())?;
    let summaries = service_models::list(&state.pool).await?;
    list_response(&summaries, wants_csv(&req, &format), None)
}

/// Train a model on courses with known outcomes, features as of a cutoff week.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    request_body = TrainRequest,
    responses((status = 201, description = "the model (as GET /analytics/models/{id})", body = ModelDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[post("/models")]
pub async fn train_model(
    auth: Authenticated,
    _: Params<NoParams>,
    state: web::Data<AppState>,
    body: web::Json<TrainRequest>,
) -> Result<HttpResponse, ApiError> {
    let principal = auth.require(Access::AnalyticsWrite)?;
    let detail = service_models::train(&state.pool, body.into_inner(), &principal.key).await?;
    Ok(HttpResponse::Created().json(detail))
}

/// A model: features with coefficients, training metrics and evaluations.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = ModelDetail), (status = 404, body = ErrorBody))
)]
#[get("/models/{id}")]
pub async fn get_model(
    auth: Authenticated,
    _: Params<NoParams>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsRead)?;
    Ok(HttpResponse::Ok().json(service_models::detail(&state.pool, id.into_inner()).await?))
}

/// Evaluate a model on other courses at a cutoff week: ROC AUC, precision and recall at the
/// model's threshold, Brier score, counts.
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(("id" = i64, Path)),
    request_body = EvaluateRequest,
    responses((status = 201, body = EvaluationView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[post("/models/{id}/evaluations")]
pub async fn evaluate_model(
    auth: Authenticated,
    _: Params<NoParams>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<EvaluateRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Access::AnalyticsWrite)?;
    let evaluation =
        service_models::evaluate(&state.pool, id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(evaluation))
}

/// Make a model the one that scores live courses (every score is then refreshed). It stays
/// active until an admin activates another: the scheduled retraining does not replace it
/// unless the installation opts in (`LRS_ANALYTICS_AUTO_REPLACE`).
#[utoipa::path(
    tag = "analytics",
    security(("basic" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody))
)]
#[post("/models/{id}/activate")]
pub async fn activate_model(
    auth: Authenticated,
    _: Params<NoParams>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let principal = auth.require(Access::AnalyticsWrite)?;
    service_models::activate(&state.pool, id.into_inner(), &principal.key).await?;
    Ok(HttpResponse::NoContent().finish())
}
