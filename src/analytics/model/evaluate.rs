//! How good a model is on a dataset, ideally rows it was not trained on: ranking (AUC),
//! calibration (Brier) and the confusion counts at the model's threshold.

use serde::{Deserialize, Serialize};

use super::metrics::{brier_score, roc_auc};
use super::{Dataset, ModelError, TrainedModel};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub rows: usize,
    pub positives: usize,
    pub negatives: usize,
    /// `None` when the dataset holds only one outcome.
    pub auc: Option<f64>,
    /// `tp / (tp + fp)`; `None` when nobody is predicted unsuccessful.
    pub precision: Option<f64>,
    /// `tp / (tp + fn)`; `None` when nobody is unsuccessful.
    pub recall: Option<f64>,
    /// `2tp / (2tp + fp + fn)`, the harmonic mean of precision and recall (0 when either is 0);
    /// `None` when there are neither positives nor positive predictions.
    pub f1: Option<f64>,
    /// Brier score of [`TrainedModel::probability`].
    pub brier: f64,
    pub accuracy: f64,
    /// The threshold the counts were taken at: predicted unsuccessful when `p >= threshold`.
    pub threshold: f64,
    pub true_positives: usize,
    pub false_positives: usize,
    pub true_negatives: usize,
    pub false_negatives: usize,
}

fn ratio(numerator: usize, denominator: usize) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// Scores every row of `data` with `model` and compares with the outcomes. `data` must name the
/// model's features in the model's order; one outcome only is allowed (AUC is then `None`).
pub fn evaluate(model: &TrainedModel, data: &Dataset) -> Result<Evaluation, ModelError> {
    model.validate()?;
    data.validate()?;
    model.check_feature_names(&data.feature_names)?;
    let probabilities = data
        .rows
        .iter()
        .map(|row| model.probability(row))
        .collect::<Result<Vec<f64>, ModelError>>()?;
    let (mut tp, mut fp, mut tn, mut fn_) = (0, 0, 0, 0);
    for (&p, &label) in probabilities.iter().zip(&data.labels) {
        match (p >= model.threshold, label) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, false) => tn += 1,
            (false, true) => fn_ += 1,
        }
    }
    let rows = data.rows.len();
    let brier = brier_score(&probabilities, &data.labels)
        .ok_or_else(|| ModelError::InvalidModel("no probabilities to score".to_owned()))?;
    Ok(Evaluation {
        rows,
        positives: tp + fn_,
        negatives: tn + fp,
        auc: roc_auc(&probabilities, &data.labels),
        precision: ratio(tp, tp + fp),
        recall: ratio(tp, tp + fn_),
        f1: ratio(2 * tp, 2 * tp + fp + fn_),
        brier,
        accuracy: (tp + tn) as f64 / rows as f64,
        threshold: model.threshold,
        true_positives: tp,
        false_positives: fp,
        true_negatives: tn,
        false_negatives: fn_,
    })
}
