//! Training and evaluating at-risk models on courses whose outcomes are known, with features
//! computed as of a cutoff week (only what was known then), and scheduled retraining.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::analytics::features::{CourseContext, course_features, feature_names, risk_signs};
use crate::analytics::model::{self, Algorithm, Dataset, Evaluation, TrainOptions, TrainedModel};
use crate::error::ApiError;
use crate::store::analytics::models::{self, EvaluationRow, NewModel};
use crate::store::analytics::{enrolments, metrics, progress};

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

impl From<TrainingError> for ApiError {
    fn from(error: TrainingError) -> ApiError {
        match error {
            TrainingError::UnknownCourse(iri) => ApiError::NotFound(format!("no course {iri}")),
            TrainingError::Database(e) => e.into(),
            other => ApiError::bad_request(other.to_string()),
        }
    }
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

/// A course week given as a cutoff (`as_of_week`, a model's `cutoff_week`), within
/// `min..=MAX_CUTOFF_WEEK`.
pub fn cutoff_week(name: &str, week: u64, min: u32) -> Result<u32, ApiError> {
    u32::try_from(week)
        .ok()
        .filter(|w| (min..=MAX_CUTOFF_WEEK).contains(w))
        .ok_or_else(|| {
            ApiError::invalid(
                name,
                format!("must be a course week from {min} to {MAX_CUTOFF_WEEK}"),
            )
        })
}

/// Learners with a known outcome, with features as of a cutoff week, and what the roster says
/// of each.
pub struct Labelled {
    pub data: Dataset,
    /// Per row: the learner withdrew (by the roster) before the cutoff. Such a learner's outcome
    /// was known at the cutoff: predicting it is no help to anyone.
    pub early_withdrawal: Vec<bool>,
    /// Per row: the roster's attributes (empty without a roster entry).
    pub attributes: Vec<BTreeMap<String, String>>,
}

impl Labelled {
    /// Only the rows for which `keep` is true.
    fn only(&self, keep: impl Fn(usize) -> bool) -> Labelled {
        let rows: Vec<usize> = (0..self.data.rows.len()).filter(|&i| keep(i)).collect();
        Labelled {
            data: self.data.subset(&rows),
            early_withdrawal: rows.iter().map(|&i| self.early_withdrawal[i]).collect(),
            attributes: rows.iter().map(|&i| self.attributes[i].clone()).collect(),
        }
    }

    /// Without the learners who withdrew before the cutoff.
    pub fn without_early_withdrawals(&self) -> Labelled {
        self.only(|i| !self.early_withdrawal[i])
    }

    pub fn early_withdrawals(&self) -> usize {
        self.early_withdrawal.iter().filter(|e| **e).count()
    }
}

/// Learners with a known outcome in these courses, with features as of the cutoff week.
pub async fn labelled_dataset(
    pool: &PgPool,
    courses: &[String],
    cutoff_week: u32,
) -> Result<Labelled, TrainingError> {
    let mut data = Dataset {
        feature_names: feature_names(),
        rows: Vec::new(),
        labels: Vec::new(),
        risk_signs: risk_signs(),
    };
    let mut early_withdrawal = Vec::new();
    let mut attributes = Vec::new();
    for iri in courses {
        let course = metrics::course_by_iri(pool, iri)
            .await?
            .ok_or_else(|| TrainingError::UnknownCourse(iri.clone()))?;
        let start = course
            .start
            .ok_or_else(|| TrainingError::NoStart(iri.clone()))?;
        let cutoff = cutoff_day(start, cutoff_week);
        let mut learners = metrics::as_of(pool, course.id, cutoff).await?;
        let roster = enrolments::facts(pool, course.id).await?;
        let cutoff_instant = cutoff.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        let deadlines_due = progress::fill(pool, course.id, cutoff_instant, &mut learners).await?;
        let context = CourseContext {
            weeks: f64::from(cutoff_week.max(1)),
            activities: metrics::course_activities_before(pool, course.id, cutoff).await?,
            deadlines_due,
        };
        let metrics_only: Vec<_> = learners.iter().map(|l| l.metrics.clone()).collect();
        // Course means come from every learner, labelled or not, as in live scoring.
        let (rows, _) = course_features(&metrics_only, &context);
        for (learner, row) in learners.iter().zip(rows) {
            if let Some(outcome) = learner
                .outcome
                .as_deref()
                .and_then(crate::analytics::classify::Outcome::parse)
            {
                let facts = roster.get(&learner.learner_id);
                data.rows.push(row);
                data.labels.push(outcome.is_unsuccessful());
                early_withdrawal.push(
                    facts
                        .and_then(|(withdrawn, _)| *withdrawn)
                        .is_some_and(|w| w < cutoff_instant),
                );
                attributes.push(
                    facts
                        .and_then(|(_, a)| serde_json::from_value(a.clone()).ok())
                        .unwrap_or_default(),
                );
            }
        }
    }
    Ok(Labelled {
        data,
        early_withdrawal,
        attributes,
    })
}

/// The precision the `high` band is chosen for by default: of the learners it flagged in the
/// courses a model learned from, at least this share ended unsuccessfully.
pub const DEFAULT_TARGET_PRECISION: f64 = 0.6;

/// What to train.
#[derive(Debug, Clone)]
pub struct TrainSpec {
    pub courses: Vec<String>,
    pub cutoff_week: u32,
    /// None: the better of both by held-out evaluation (`model::select`).
    pub algorithm: Option<Algorithm>,
    /// The `high` band's threshold; None: chosen for [`TrainSpec::target_precision`].
    pub threshold: Option<f64>,
    /// The precision the `high` band should have had on the training courses (when no threshold
    /// is given).
    pub target_precision: f64,
    /// Train on the learners who withdrew before the cutoff too (by default they are left
    /// out: their outcome was known when the prediction would have been made).
    pub include_early_withdrawals: bool,
}

pub fn algorithm_name(algorithm: &Algorithm) -> &'static str {
    algorithm.name()
}

/// Trains a model and stores it (inactive); returns its id.
pub async fn train(
    pool: &PgPool,
    spec: &TrainSpec,
    trained_by: &str,
) -> Result<i64, TrainingError> {
    let labelled = labelled_dataset(pool, &spec.courses, spec.cutoff_week).await?;
    let excluded = if spec.include_early_withdrawals {
        0
    } else {
        labelled.early_withdrawals()
    };
    let data = if spec.include_early_withdrawals {
        labelled.data
    } else {
        labelled.without_early_withdrawals().data
    };
    let positives = data.labels.iter().filter(|l| **l).count();
    if data.rows.len() < 20 || positives < 5 || data.rows.len() - positives < 5 {
        return Err(TrainingError::NotEnoughData(format!(
            "{} labelled learners ({positives} unsuccessful) in these courses; at least 20, with 5 of each outcome, are needed",
            data.rows.len()
        )));
    }
    let options = TrainOptions {
        threshold: spec.threshold.unwrap_or(0.5),
        target_precision: spec.threshold.is_none().then_some(spec.target_precision),
        ..TrainOptions::default()
    };
    let candidates = match spec.algorithm {
        Some(algorithm) => vec![algorithm],
        None => vec![
            Algorithm::LogisticRegression,
            Algorithm::GradientBoostedTrees,
        ],
    };
    // Fitting is CPU work with nothing to await (boosting takes tenths of a second).
    let (trained, selection, data) = tokio::task::spawn_blocking(move || {
        model::select::train_best(&data, &options, &candidates).map(|(m, s)| (m, s, data))
    })
    .await
    .map_err(|e| TrainingError::Model(e.to_string()))?
    .map_err(|e| TrainingError::Model(e.to_string()))?;
    let model_json =
        serde_json::to_value(&trained).map_err(|e| TrainingError::Model(e.to_string()))?;
    let training = json!({
        "rows": data.rows.len(),
        "unsuccessful": positives,
        "excluded_early_withdrawals": excluded,
        "algorithm_selection": selection,
        "summary": serde_json::to_value(&trained.training).unwrap_or(Value::Null),
    });
    Ok(models::insert(
        pool,
        &NewModel {
            algorithm: algorithm_name(&trained.algorithm),
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
    let everyone = labelled_dataset(pool, courses, week).await?;
    let labelled = everyone.without_early_withdrawals();
    if labelled.data.rows.is_empty() {
        return Err(TrainingError::NotEnoughData(
            "no learner of these courses has a known outcome (and had not withdrawn before the cutoff)"
                .into(),
        ));
    }
    let project = |data: &Dataset| {
        data.project(&trained.feature_names)
            .map_err(|e| TrainingError::Model(e.to_string()))
    };
    let mut report = figures(&trained, &project(&labelled.data)?)?;
    report["excluded_early_withdrawals"] = json!(everyone.early_withdrawals());
    report["including_early_withdrawals"] = figures(&trained, &project(&everyone.data)?)?;
    let labelled = Labelled {
        data: project(&labelled.data)?,
        ..labelled
    };
    report["fairness"] = fairness(&trained, &labelled)?;
    let stored = models::insert_evaluation(
        pool,
        model_id,
        courses,
        i32::try_from(week).unwrap_or(i32::MAX),
        &report,
    )
    .await?;
    Ok(Some(stored))
}

/// The evaluation figures of a model on a dataset.
fn figures(trained: &TrainedModel, data: &Dataset) -> Result<Value, TrainingError> {
    let evaluation =
        model::evaluate(trained, data).map_err(|e| TrainingError::Model(e.to_string()))?;
    let calibrated: Vec<f64> = data
        .rows
        .iter()
        .map(|row| trained.calibrated_probability(row))
        .collect::<Result<_, _>>()
        .map_err(|e| TrainingError::Model(e.to_string()))?;
    Ok(evaluation_json(
        &evaluation,
        model::brier_score(&calibrated, &data.labels),
    ))
}

/// The model's evaluation per value of each roster attribute (see `model::fairness`).
fn fairness(trained: &TrainedModel, labelled: &Labelled) -> Result<Value, TrainingError> {
    let names: BTreeSet<&String> = labelled.attributes.iter().flat_map(|a| a.keys()).collect();
    let mut report = serde_json::Map::new();
    for name in names {
        let values: Vec<Option<String>> = labelled
            .attributes
            .iter()
            .map(|a| a.get(name).cloned())
            .collect();
        let groups = model::fairness::by_attribute(trained, &labelled.data, &values)
            .map_err(|e| TrainingError::Model(e.to_string()))?;
        report.insert(
            name.clone(),
            serde_json::to_value(groups).unwrap_or(Value::Null),
        );
    }
    Ok(Value::Object(report))
}
