//! At-risk models: train, list, inspect, evaluate, activate.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::params::FormatQuery;
use super::{Page, cutoff_week, distinct_courses, list_response, wants_csv};
use crate::analytics::model::Algorithm;
use crate::auth::Access;
use crate::http::auth::Authenticated;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::params::{NoParams, Params};
use crate::http::state::AppState;
use crate::service::analytics::training::{self, TrainSpec};
use crate::service::models::{self as service_models, EvaluationView, ModelDetail};
use crate::store::analytics::activations::{ActivatedBy, Activation};
use crate::store::analytics::models::{self, ModelRow};

/// A model in the list.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct ModelSummary {
    id: i64,
    created: DateTime<Utc>,
    algorithm: String,
    cutoff_week: i32,
    /// Course IRIs, separated by spaces.
    training_courses: String,
    training_rows: Option<u64>,
    active: bool,
    trained_by: String,
}

impl From<&ModelRow> for ModelSummary {
    fn from(row: &ModelRow) -> Self {
        ModelSummary {
            id: row.id,
            created: row.created,
            algorithm: row.algorithm.clone(),
            cutoff_week: row.cutoff_week,
            training_courses: row.training_courses.join(" "),
            training_rows: row.training.get("rows").and_then(Value::as_u64),
            active: row.active,
            trained_by: row.trained_by.clone(),
        }
    }
}

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
    let rows = models::list(&state.pool).await?;
    let summaries: Vec<ModelSummary> = rows.iter().map(ModelSummary::from).collect();
    list_response(&summaries, wants_csv(&req, &format), None)
}

/// What to train.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainRequest {
    /// Course IRIs whose learners have known outcomes.
    courses: Vec<String>,
    /// Features use only statements before the end of this course week (default 4).
    cutoff_week: Option<u32>,
    /// `auto` (default: the better of both on a held-out quarter of the learners),
    /// `logistic_regression` or `gradient_boosted_trees`.
    algorithm: Option<String>,
    /// Decision threshold for the high band and for precision/recall (on the class-balanced
    /// probability). Default: the lowest at which `target_precision` of the learners flagged
    /// in the training courses were unsuccessful.
    threshold: Option<f64>,
    /// The precision the high band is chosen for when no threshold is given (default 0.6).
    target_precision: Option<f64>,
    /// Make it the model that scores live courses (default false).
    activate: Option<bool>,
    /// Train on the learners who withdrew (by the course's roster) before the cutoff too
    /// (default false: their outcome was already known at the cutoff).
    include_early_withdrawals: Option<bool>,
}

/// None: choose by held-out evaluation.
fn parse_algorithm(name: Option<&str>) -> Result<Option<Algorithm>, ApiError> {
    match name.unwrap_or("auto") {
        "auto" => Ok(None),
        "logistic_regression" => Ok(Some(Algorithm::LogisticRegression)),
        "gradient_boosted_trees" => Ok(Some(Algorithm::GradientBoostedTrees)),
        other => Err(ApiError::invalid(
            "algorithm",
            format!(
                "unknown algorithm {other}; available: auto, logistic_regression, gradient_boosted_trees"
            ),
        )),
    }
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
    let request = body.into_inner();
    let courses = distinct_courses(request.courses)?;
    let cutoff = match request.cutoff_week {
        Some(week) => cutoff_week("cutoff_week", u64::from(week), 1)?,
        None => 4,
    };
    if let Some(threshold) = request.threshold
        && !(threshold > 0.0 && threshold < 1.0)
    {
        return Err(ApiError::invalid(
            "threshold",
            "must be strictly between 0 and 1",
        ));
    }
    let target_precision = request
        .target_precision
        .unwrap_or(training::DEFAULT_TARGET_PRECISION);
    if !(target_precision > 0.0 && target_precision < 1.0) {
        return Err(ApiError::invalid(
            "target_precision",
            "must be strictly between 0 and 1",
        ));
    }
    let spec = TrainSpec {
        courses,
        cutoff_week: cutoff,
        algorithm: parse_algorithm(request.algorithm.as_deref())?,
        threshold: request.threshold,
        target_precision,
        include_early_withdrawals: request.include_early_withdrawals.unwrap_or(false),
    };
    let id = training::train(&state.pool, &spec, &principal.key).await?;
    if request.activate.unwrap_or(false) {
        models::activate(
            &state.pool,
            id,
            &by_admin(&principal.key, "trained and activated"),
        )
        .await?;
    }
    let detail = service_models::detail(&state.pool, id).await?;
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluateRequest {
    /// Course IRIs with known outcomes (not those the model was trained on, for an honest figure).
    courses: Vec<String>,
    /// Default: the model's own cutoff week.
    cutoff_week: Option<u32>,
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
    let request = body.into_inner();
    let courses = distinct_courses(request.courses)?;
    let cutoff = request
        .cutoff_week
        .map(|week| cutoff_week("cutoff_week", u64::from(week), 1))
        .transpose()?;
    let id = id.into_inner();
    let evaluation = training::evaluate(&state.pool, id, &courses, cutoff)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no model {id}")))?;
    Ok(HttpResponse::Created().json(EvaluationView::from(&evaluation)))
}

/// An activation through the API: a person's choice, which the scheduled retraining keeps
/// unless the installation lets it replace one (`LRS_ANALYTICS_AUTO_REPLACE`).
fn by_admin<'a>(key: &'a str, reason: &'a str) -> Activation<'a> {
    Activation {
        kind: ActivatedBy::Admin,
        by: key,
        reason,
        evaluation: None,
    }
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
    let id = id.into_inner();
    if !models::activate(&state.pool, id, &by_admin(&principal.key, "activated")).await? {
        return Err(ApiError::NotFound(format!("no model {id}")));
    }
    Ok(HttpResponse::NoContent().finish())
}
