//! A trained model: everything needed to score a learner later, stored by the caller as JSONB.
//! The format is versioned ([`MODEL_FORMAT_VERSION`]); a stored model of another version is
//! refused when deserialised rather than scored with a misread meaning. The fields are public,
//! so every scoring method first checks that they are consistent and returns
//! [`ModelError::InvalidModel`] instead of panicking on a hand-edited or corrupt model.

use serde::{Deserialize, Deserializer, Serialize};

use super::options::validate_threshold;
use super::{Algorithm, ClassWeighting, ModelError};

/// The version of the serialised [`TrainedModel`] this code writes and reads.
pub const MODEL_FORMAT_VERSION: u32 = 1;

/// Facts about the training run, for display and for deciding whether to trust the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummary {
    pub rows: usize,
    /// Unsuccessful outcomes among the training rows.
    pub positives: usize,
    pub negatives: usize,
    /// `positives / rows`.
    pub base_rate: f64,
    /// ROC AUC on the training rows (optimistic; evaluate on held-out rows for an honest one).
    pub auc_train: f64,
    /// Brier score of [`TrainedModel::probability`] on the training rows.
    pub brier_train: f64,
    pub l2: f64,
    pub max_iterations: u64,
    pub class_weighting: ClassWeighting,
    /// Log-odds added to the intercept by [`ClassWeighting::Balanced`] (0 for `None`).
    pub prior_shift: f64,
    /// Features that were constant in training: they get coefficient 0 and never contribute.
    pub constant_features: Vec<String>,
    /// Features left out (coefficient 0) because the fit gave them the sign opposite to the
    /// one their meaning allows, in the order they were left out (models trained before this
    /// field existed have none).
    #[serde(default)]
    pub dropped_features: Vec<String>,
    /// The precision the threshold was chosen for, on the training rows (None: the threshold
    /// was given).
    #[serde(default)]
    pub target_precision: Option<f64>,
    /// The share of the training rows at or above that threshold.
    #[serde(default)]
    pub flagged_share_train: Option<f64>,
}

/// Everything needed to score a row later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainedModel {
    #[serde(deserialize_with = "supported_format_version")]
    pub format_version: u32,
    pub algorithm: Algorithm,
    pub feature_names: Vec<String>,
    /// Training means, one per feature.
    pub means: Vec<f64>,
    /// Training standard deviations, one per feature (1 for constant features).
    pub stds: Vec<f64>,
    /// One per standardised feature, in the order of `feature_names`.
    pub coefficients: Vec<f64>,
    /// Log-odds of an unsuccessful outcome for a learner at the training means, including
    /// `training.prior_shift`.
    pub intercept: f64,
    /// Probability at and above which a learner is predicted unsuccessful (band High).
    pub threshold: f64,
    pub training: TrainingSummary,
    /// For [`Algorithm::GradientBoostedTrees`]: one shape per feature, and the log-odds are
    /// `intercept + Σ shape_j(x_j)` (the coefficients are then all 0). Empty for logistic
    /// regression.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shapes: Vec<super::additive::Shape>,
}

fn supported_format_version<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let version = u32::deserialize(deserializer)?;
    if version == MODEL_FORMAT_VERSION {
        Ok(version)
    } else {
        Err(serde::de::Error::custom(format!(
            "unsupported model format version {version}, this build reads version {MODEL_FORMAT_VERSION}"
        )))
    }
}

fn sigmoid(log_odds: f64) -> f64 {
    1.0 / (1.0 + (-log_odds).exp())
}

impl TrainedModel {
    /// P(unsuccessful) for one learner whose features are in the order of `feature_names`.
    /// Under [`ClassWeighting::Balanced`] this is the probability as if both outcomes were
    /// equally common; see [`Self::calibrated_probability`] for the base-rate one.
    pub fn probability(&self, row: &[f64]) -> Result<f64, ModelError> {
        self.log_odds(row).map(sigmoid)
    }

    /// P(unsuccessful) at the training base rate: [`Self::probability`] with the class-balancing
    /// prior shift taken out. Equal to it when training used [`ClassWeighting::None`].
    pub fn calibrated_probability(&self, row: &[f64]) -> Result<f64, ModelError> {
        self.log_odds(row)
            .map(|log_odds| sigmoid(log_odds - self.training.prior_shift))
    }

    /// The model's log-odds of an unsuccessful outcome for `row`.
    pub fn log_odds(&self, row: &[f64]) -> Result<f64, ModelError> {
        self.validate()?;
        self.check_row(row, "value")?;
        if !self.shapes.is_empty() {
            let sum: f64 = self.shapes.iter().zip(row).map(|(s, x)| s.at(*x)).sum();
            return Ok(self.intercept + sum);
        }
        let mut log_odds = self.intercept;
        for (j, (name, &coefficient)) in self
            .feature_names
            .iter()
            .zip(&self.coefficients)
            .enumerate()
        {
            if coefficient == 0.0 {
                continue;
            }
            let term = coefficient * self.standardized(row, j);
            log_odds += term;
            if !term.is_finite() || log_odds.is_nan() {
                return Err(ModelError::Overflow {
                    feature: name.clone(),
                });
            }
        }
        Ok(log_odds)
    }

    /// Checks that a feature vector names the model's features in the model's order.
    pub fn check_feature_names<S: AsRef<str>>(&self, names: &[S]) -> Result<(), ModelError> {
        if names.len() != self.feature_names.len() {
            return Err(ModelError::FeatureCount {
                expected: self.feature_names.len(),
                found: names.len(),
            });
        }
        for (index, (expected, found)) in self.feature_names.iter().zip(names).enumerate() {
            if expected != found.as_ref() {
                return Err(ModelError::FeatureName {
                    index,
                    expected: expected.clone(),
                    found: found.as_ref().to_owned(),
                });
            }
        }
        Ok(())
    }

    /// Checks the invariants scoring relies on: one mean, std and coefficient per feature, all
    /// finite, stds positive, threshold strictly between 0 and 1.
    pub fn validate(&self) -> Result<(), ModelError> {
        let n = self.feature_names.len();
        if n == 0 {
            return Err(ModelError::InvalidModel("no features".to_owned()));
        }
        for (what, len) in [
            ("means", self.means.len()),
            ("stds", self.stds.len()),
            ("coefficients", self.coefficients.len()),
        ] {
            if len != n {
                return Err(ModelError::InvalidModel(format!(
                    "{len} {what} for {n} features"
                )));
            }
        }
        let all_finite = self
            .means
            .iter()
            .chain(&self.coefficients)
            .all(|v| v.is_finite());
        if !all_finite || !self.intercept.is_finite() || !self.training.prior_shift.is_finite() {
            return Err(ModelError::InvalidModel(
                "a mean, coefficient or the intercept is not finite".to_owned(),
            ));
        }
        if !self.stds.iter().all(|s| s.is_finite() && *s > 0.0) {
            return Err(ModelError::InvalidModel(
                "standard deviations must be positive and finite".to_owned(),
            ));
        }
        if !self.shapes.is_empty()
            && (self.shapes.len() != n || !self.shapes.iter().all(super::additive::Shape::is_valid))
        {
            return Err(ModelError::InvalidModel(
                "the shapes do not match the features".to_owned(),
            ));
        }
        validate_threshold(self.threshold)
            .map_err(|_| ModelError::InvalidModel(format!("threshold {}", self.threshold)))
    }

    /// Length and finiteness of a feature vector; `what` names it in the error.
    pub(super) fn check_row(&self, row: &[f64], what: &'static str) -> Result<(), ModelError> {
        if row.len() != self.feature_names.len() {
            return Err(ModelError::FeatureCount {
                expected: self.feature_names.len(),
                found: row.len(),
            });
        }
        for (name, &value) in self.feature_names.iter().zip(row) {
            if !value.is_finite() {
                return Err(ModelError::NonFiniteValue {
                    what,
                    feature: name.clone(),
                    value,
                });
            }
        }
        Ok(())
    }

    /// `(row[j] − mean[j]) / std[j]`; 0 for an index out of range (callers check lengths).
    pub(super) fn standardized(&self, row: &[f64], j: usize) -> f64 {
        match (row.get(j), self.means.get(j), self.stds.get(j)) {
            (Some(value), Some(mean), Some(std)) => (value - mean) / std,
            _ => 0.0,
        }
    }
}
