//! Training and evaluating at-risk models on request (`POST /analytics/models`, `POST
//! /analytics/models/{id}/evaluations`), activating one, and the list of models.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::PgPool;

use super::{EvaluationView, ModelDetail, detail};
use crate::analytics::model::Algorithm;
use crate::error::ApiError;
use crate::service::analytics::training::{self, TrainSpec, cutoff_week};
use crate::store::analytics::activations::{ActivatedBy, Activation};
use crate::store::analytics::models::{self, ModelRow};

/// A model in the list.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct ModelSummary {
    pub id: i64,
    pub created: DateTime<Utc>,
    pub algorithm: String,
    pub cutoff_week: i32,
    /// Course IRIs, separated by spaces.
    pub training_courses: String,
    pub training_rows: Option<u64>,
    pub active: bool,
    pub trained_by: String,
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
pub async fn list(pool: &PgPool) -> Result<Vec<ModelSummary>, ApiError> {
    let rows = models::list(pool).await?;
    Ok(rows.iter().map(ModelSummary::from).collect())
}

/// What to train.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainRequest {
    /// Course IRIs whose learners have known outcomes.
    pub courses: Vec<String>,
    /// Features use only statements before the end of this course week (default 4).
    pub cutoff_week: Option<u32>,
    /// `auto` (default: the better of both on a held-out quarter of the learners),
    /// `logistic_regression` or `gradient_boosted_trees`.
    pub algorithm: Option<String>,
    /// Decision threshold for the high band and for precision/recall (on the class-balanced
    /// probability). Default: the lowest at which `target_precision` of the learners flagged
    /// in the training courses were unsuccessful.
    pub threshold: Option<f64>,
    /// The precision the high band is chosen for when no threshold is given (default 0.6).
    pub target_precision: Option<f64>,
    /// Make it the model that scores live courses (default false).
    pub activate: Option<bool>,
    /// Train on the learners who withdrew (by the course's roster) before the cutoff too
    /// (default false: their outcome was already known at the cutoff).
    pub include_early_withdrawals: Option<bool>,
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

/// Trains a model as `request` asks, for the credential `by`; activates it when asked.
pub async fn train(
    pool: &PgPool,
    request: TrainRequest,
    by: &str,
) -> Result<ModelDetail, ApiError> {
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
    let id = training::train(pool, &spec, by).await?;
    if request.activate.unwrap_or(false) {
        models::activate(pool, id, &by_admin(by, "trained and activated")).await?;
    }
    detail(pool, id).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluateRequest {
    /// Course IRIs with known outcomes (not those the model was trained on, for an honest figure).
    pub courses: Vec<String>,
    /// Default: the model's own cutoff week.
    pub cutoff_week: Option<u32>,
}

/// Evaluates model `id` on other courses; 404 when there is no such model.
pub async fn evaluate(
    pool: &PgPool,
    id: i64,
    request: EvaluateRequest,
) -> Result<EvaluationView, ApiError> {
    let courses = distinct_courses(request.courses)?;
    let cutoff = request
        .cutoff_week
        .map(|week| cutoff_week("cutoff_week", u64::from(week), 1))
        .transpose()?;
    let evaluation = training::evaluate(pool, id, &courses, cutoff)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no model {id}")))?;
    Ok(EvaluationView::from(&evaluation))
}

/// Makes model `id` the one that scores live courses, as the credential `by` chose.
pub async fn activate(pool: &PgPool, id: i64, by: &str) -> Result<(), ApiError> {
    if !models::activate(pool, id, &by_admin(by, "activated")).await? {
        return Err(ApiError::NotFound(format!("no model {id}")));
    }
    Ok(())
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

/// Course IRIs named in a request body, each once (a course named twice would count its
/// learners twice in a training set or an evaluation).
fn distinct_courses(courses: Vec<String>) -> Result<Vec<String>, ApiError> {
    let mut seen = HashSet::new();
    let courses: Vec<String> = courses
        .into_iter()
        .filter(|c| seen.insert(c.clone()))
        .collect();
    if courses.is_empty() {
        return Err(ApiError::invalid("courses", "name at least one course"));
    }
    Ok(courses)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::analytics::training::MAX_CUTOFF_WEEK;

    #[test]
    fn cutoff_weeks_are_checked() {
        assert_eq!(cutoff_week("w", 4, 1).expect("in range"), 4);
        assert!(cutoff_week("w", 0, 1).is_err());
        assert_eq!(cutoff_week("w", 0, 0).expect("as of the start"), 0);
        for week in [u64::from(MAX_CUTOFF_WEEK) + 1, 100_000_000, u64::MAX] {
            assert!(cutoff_week("w", week, 0).is_err(), "{week}");
        }
    }

    #[test]
    fn course_lists_are_checked() {
        let courses = distinct_courses(vec!["a".into(), "b".into(), "a".into()]).expect("two");
        assert_eq!(courses, vec!["a", "b"]);
        assert!(distinct_courses(Vec::new()).is_err());
    }
}
