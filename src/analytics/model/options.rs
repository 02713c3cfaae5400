//! How to train: algorithm, regularisation, solver budget, decision threshold and the handling
//! of class imbalance. Defaults suit a course of tens to thousands of learners and ~10 features.

use serde::{Deserialize, Serialize};

use super::ModelError;

/// The learning algorithm. Both give exact per-feature contributions that read the right way
/// round (see [`super::RiskSign`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    /// L2-regularised logistic regression on standardised features (linfa).
    LogisticRegression,
    /// Gradient-boosted decision stumps (forust-ml) with monotone constraints, read as an
    /// additive model: one monotone step function per feature ([`super::additive`]).
    GradientBoostedTrees,
}

impl Algorithm {
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::LogisticRegression => "logistic_regression",
            Algorithm::GradientBoostedTrees => "gradient_boosted_trees",
        }
    }
}

/// What to do about unsuccessful learners being a minority (typically 25 to 40 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassWeighting {
    /// Score as if both outcomes were equally common: the intercept is shifted by
    /// `ln(negatives / positives)`, the prior correction that makes an unweighted logistic fit
    /// equivalent to one on balanced classes (King & Zeng, 2001). Without it a weak signal puts
    /// nearly every learner under a 0.5 threshold, and the High band goes empty.
    Balanced,
    /// Keep the probabilities calibrated to the training base rate.
    None,
}

/// Options for [`train`](super::train).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    pub algorithm: Algorithm,
    /// L2 penalty on the standardised coefficients (the intercept is not penalised): the
    /// objective is `summed log-loss + l2 / 2 × |w|²`, i.e. a Normal(0, 1/l2) prior on each
    /// coefficient. Its weight relative to the data fades as the course grows, so it steadies
    /// small courses without shrinking large ones; `0` disables it (then perfectly separable
    /// data makes coefficients huge).
    pub l2: f64,
    /// Iteration budget of the L-BFGS solver.
    pub max_iterations: u64,
    /// Decision threshold on the probability for bands, precision and recall.
    pub threshold: f64,
    pub class_weighting: ClassWeighting,
    /// When set, the threshold is chosen after fitting instead: the lowest at which this share
    /// of the learners flagged in training were unsuccessful (the `high` band then means "at
    /// least this precision on the courses the model learned from").
    pub target_precision: Option<f64>,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            algorithm: Algorithm::LogisticRegression,
            l2: 1.0,
            max_iterations: 200,
            threshold: 0.5,
            class_weighting: ClassWeighting::Balanced,
            target_precision: None,
        }
    }
}

impl TrainOptions {
    /// Rejects options the solver or the bands cannot work with.
    pub fn validate(&self) -> Result<(), ModelError> {
        if !(self.l2.is_finite() && self.l2 >= 0.0) {
            return Err(ModelError::InvalidOption {
                option: "l2",
                reason: format!("must be a finite number >= 0, got {}", self.l2),
            });
        }
        if self.max_iterations == 0 {
            return Err(ModelError::InvalidOption {
                option: "max_iterations",
                reason: "must be at least 1".to_owned(),
            });
        }
        if let Some(target) = self.target_precision
            && !(target > 0.0 && target < 1.0)
        {
            return Err(ModelError::InvalidOption {
                option: "target_precision",
                reason: format!("must be strictly between 0 and 1, got {target}"),
            });
        }
        validate_threshold(self.threshold)
    }
}

/// A threshold must leave room for both decisions: strictly between 0 and 1.
pub(super) fn validate_threshold(threshold: f64) -> Result<(), ModelError> {
    if threshold > 0.0 && threshold < 1.0 {
        Ok(())
    } else {
        Err(ModelError::InvalidOption {
            option: "threshold",
            reason: format!("must be strictly between 0 and 1, got {threshold}"),
        })
    }
}
