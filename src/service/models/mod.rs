//! An at-risk model as the API shows it: what it learned (per feature: coefficient, training
//! mean and spread, and for boosted trees the step function), how it was trained, and its
//! evaluations.

mod history;
mod train;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::PgPool;

use crate::analytics::model::TrainedModel;
use crate::error::ApiError;
use crate::store::analytics::models::{self, EvaluationRow};
pub use history::{ActivationView, history};
pub use train::{EvaluateRequest, ModelSummary, TrainRequest, activate, evaluate, list, train};

/// A model: features with coefficients, training metrics and evaluations.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ModelDetail {
    pub id: i64,
    pub created: DateTime<Utc>,
    /// logistic_regression or gradient_boosted_trees.
    pub algorithm: String,
    pub cutoff_week: i32,
    pub training_courses: Vec<String>,
    /// Whether it scores live courses now.
    pub active: bool,
    /// The credential key that trained it, or `scheduler`.
    pub trained_by: String,
    /// Probability at and above which a learner is in the high band.
    pub threshold: f64,
    /// Log-odds of an unsuccessful outcome at the training means.
    pub intercept: f64,
    pub features: Vec<ModelFeature>,
    /// How it was trained: rows, class balance, held-out figures, fairness.
    #[schema(value_type = Object)]
    pub training: Value,
    pub evaluations: Vec<EvaluationView>,
}

/// What a model learned of one feature.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ModelFeature {
    pub feature: String,
    /// Per standardised unit (0 for boosted trees, whose `shape` says it instead).
    pub coefficient: Option<f64>,
    pub training_mean: Option<f64>,
    pub training_std: Option<f64>,
    /// Boosted trees: the feature's step function on the log-odds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shape: Option<FeatureShape>,
}

/// A step function: `values[i]` for a value with `i` split points at or below it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FeatureShape {
    pub splits: Vec<f64>,
    pub values: Vec<f64>,
}

/// An evaluation of a model on courses with known outcomes.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EvaluationView {
    pub id: i64,
    pub created: DateTime<Utc>,
    pub courses: Vec<String>,
    pub cutoff_week: i32,
    /// ROC AUC, precision and recall at the threshold, Brier score, counts.
    #[schema(value_type = Object)]
    pub metrics: Value,
}

impl From<&EvaluationRow> for EvaluationView {
    fn from(row: &EvaluationRow) -> EvaluationView {
        EvaluationView {
            id: row.id,
            created: row.created,
            courses: row.courses.clone(),
            cutoff_week: row.cutoff_week,
            metrics: row.metrics.clone(),
        }
    }
}

/// The model with this id; 404 when there is none.
pub async fn detail(pool: &PgPool, id: i64) -> Result<ModelDetail, ApiError> {
    let row = models::get(pool, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no model {id}")))?;
    let trained: TrainedModel = serde_json::from_value(row.model).map_err(ApiError::internal)?;
    let features = trained
        .feature_names
        .iter()
        .enumerate()
        .map(|(i, name)| ModelFeature {
            feature: name.clone(),
            coefficient: trained.coefficients.get(i).copied(),
            training_mean: trained.means.get(i).copied(),
            training_std: trained.stds.get(i).copied(),
            shape: trained.shapes.get(i).map(|shape| FeatureShape {
                splits: shape.splits.clone(),
                values: shape.values.clone(),
            }),
        })
        .collect();
    let evaluations = models::evaluations(pool, id)
        .await?
        .iter()
        .map(EvaluationView::from)
        .collect();
    Ok(ModelDetail {
        id: row.id,
        created: row.created,
        algorithm: row.algorithm,
        cutoff_week: row.cutoff_week,
        training_courses: row.training_courses,
        active: row.active,
        trained_by: row.trained_by,
        threshold: trained.threshold,
        intercept: trained.intercept,
        features,
        training: row.training,
        evaluations,
    })
}
