//! Training and evaluating at-risk models on courses whose outcomes are known, with features
//! computed as of a cutoff week (only what was known then), and scheduled retraining.

use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};
use sqlx::PgPool;

use super::features::{CourseContext, course_features, feature_names, risk_signs};
use super::model::{self, Algorithm, Dataset, Evaluation, TrainOptions, TrainedModel};
use crate::store::analytics::metrics;
use crate::store::analytics::models::{self, EvaluationRow, NewModel};

#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
    #[error("unknown course {0}")]
    UnknownCourse(String),
    #[error("course {0} has no start date and no statements")]
    NoStart(String),
    #[error("{0}")]
    NotEnoughData(String),
    #[error("model: {0}")]
    Model(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The latest course week a cutoff can name (ten years): the API refuses later ones, which
/// could only be typing mistakes and whose dates would overflow.
pub const MAX_CUTOFF_WEEK: u32 = 520;

/// The cutoff day of a week: the end of week `week` counted from the course start. Saturates
/// rather than overflowing, although the API keeps weeks within [`MAX_CUTOFF_WEEK`].
pub fn cutoff_day(start: NaiveDate, week: u32) -> NaiveDate {
    start
        .checked_add_signed(Duration::days(7 * i64::from(week)))
        .unwrap_or(NaiveDate::MAX)
}

/// Learners with a known outcome in these courses, with features as of the cutoff week.
pub async fn labelled_dataset(
    pool: &PgPool,
    courses: &[String],
    cutoff_week: u32,
) -> Result<Dataset, TrainingError> {
    let mut data = Dataset {
        feature_names: feature_names(),
        rows: Vec::new(),
        labels: Vec::new(),
        risk_signs: risk_signs(),
    };
    for iri in courses {
        let course = metrics::course_by_iri(pool, iri)
            .await?
            .ok_or_else(|| TrainingError::UnknownCourse(iri.clone()))?;
        let start = course
            .start
            .ok_or_else(|| TrainingError::NoStart(iri.clone()))?;
        let cutoff = cutoff_day(start, cutoff_week);
        let learners = metrics::as_of(pool, course.id, cutoff).await?;
        let context = CourseContext {
            weeks: f64::from(cutoff_week.max(1)),
            activities: metrics::course_activities_before(pool, course.id, cutoff).await?,
        };
        let metrics_only: Vec<_> = learners.iter().map(|l| l.metrics.clone()).collect();
        // Course means come from every learner, labelled or not, as in live scoring.
        let (rows, _) = course_features(&metrics_only, &context);
        for (learner, row) in learners.iter().zip(rows) {
            if let Some(outcome) = learner
                .outcome
                .as_deref()
                .and_then(super::classify::Outcome::parse)
            {
                data.rows.push(row);
                data.labels.push(outcome.is_unsuccessful());
            }
        }
    }
    Ok(data)
}

/// What to train.
#[derive(Debug, Clone)]
pub struct TrainSpec {
    pub courses: Vec<String>,
    pub cutoff_week: u32,
    pub algorithm: Algorithm,
    pub threshold: f64,
}

pub fn algorithm_name(algorithm: &Algorithm) -> &'static str {
    match algorithm {
        Algorithm::LogisticRegression => "logistic_regression",
    }
}

/// Trains a model and stores it (inactive); returns its id.
pub async fn train(
    pool: &PgPool,
    spec: &TrainSpec,
    trained_by: &str,
) -> Result<i64, TrainingError> {
    let data = labelled_dataset(pool, &spec.courses, spec.cutoff_week).await?;
    let positives = data.labels.iter().filter(|l| **l).count();
    if data.rows.len() < 20 || positives < 5 || data.rows.len() - positives < 5 {
        return Err(TrainingError::NotEnoughData(format!(
            "{} labelled learners ({positives} unsuccessful) in these courses; at least 20, with 5 of each outcome, are needed",
            data.rows.len()
        )));
    }
    let options = TrainOptions {
        algorithm: spec.algorithm,
        threshold: spec.threshold,
        ..TrainOptions::default()
    };
    let trained = model::train(&data, &options).map_err(|e| TrainingError::Model(e.to_string()))?;
    let model_json =
        serde_json::to_value(&trained).map_err(|e| TrainingError::Model(e.to_string()))?;
    let training = json!({
        "rows": data.rows.len(),
        "unsuccessful": positives,
        "summary": serde_json::to_value(&trained.training).unwrap_or(Value::Null),
    });
    Ok(models::insert(
        pool,
        &NewModel {
            algorithm: algorithm_name(&spec.algorithm),
            cutoff_week: i32::try_from(spec.cutoff_week).unwrap_or(i32::MAX),
            training_courses: &spec.courses,
            model: &model_json,
            training: &training,
            trained_by,
        },
    )
    .await?)
}

/// Evaluation figures. `brier` scores the calibrated probabilities (the risk shown to users);
/// precision and recall are taken at the model's threshold on the class-balanced score.
pub fn evaluation_json(evaluation: &Evaluation, calibrated_brier: Option<f64>) -> Value {
    json!({
        "rows": evaluation.rows,
        "unsuccessful": evaluation.positives,
        "successful": evaluation.negatives,
        "roc_auc": evaluation.auc,
        "threshold": evaluation.threshold,
        "precision": evaluation.precision,
        "recall": evaluation.recall,
        "f1": evaluation.f1,
        "accuracy": evaluation.accuracy,
        "brier": calibrated_brier,
        "brier_balanced": evaluation.brier,
        "true_positives": evaluation.true_positives,
        "false_positives": evaluation.false_positives,
        "true_negatives": evaluation.true_negatives,
        "false_negatives": evaluation.false_negatives,
    })
}

/// Evaluates a stored model on other courses at a cutoff week and stores the result.
pub async fn evaluate(
    pool: &PgPool,
    model_id: i64,
    courses: &[String],
    cutoff_week: Option<u32>,
) -> Result<Option<EvaluationRow>, TrainingError> {
    let Some(row) = models::get(pool, model_id).await? else {
        return Ok(None);
    };
    let trained: TrainedModel =
        serde_json::from_value(row.model).map_err(|e| TrainingError::Model(e.to_string()))?;
    let week = cutoff_week.unwrap_or(u32::try_from(row.cutoff_week).unwrap_or(4));
    let data = labelled_dataset(pool, courses, week).await?;
    if data.rows.is_empty() {
        return Err(TrainingError::NotEnoughData(
            "no learner of these courses has a known outcome".into(),
        ));
    }
    let evaluation =
        model::evaluate(&trained, &data).map_err(|e| TrainingError::Model(e.to_string()))?;
    let calibrated: Vec<f64> = data
        .rows
        .iter()
        .map(|row| trained.calibrated_probability(row))
        .collect::<Result<_, _>>()
        .map_err(|e| TrainingError::Model(e.to_string()))?;
    let brier = model::brier_score(&calibrated, &data.labels);
    let stored = models::insert_evaluation(
        pool,
        model_id,
        courses,
        i32::try_from(week).unwrap_or(i32::MAX),
        &evaluation_json(&evaluation, brier),
    )
    .await?;
    Ok(Some(stored))
}
