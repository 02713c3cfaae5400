//! Why a learner is at risk: each feature's share of the learner's log-odds relative to a learner
//! sitting at the course means. Both models are additive (logistic regression in the features,
//! boosted stumps in one shape per feature), so this is exact: the contributions add up to
//! `log_odds(row) − log_odds(course_means)`.

use serde::{Deserialize, Serialize};

use super::{ModelError, TrainedModel};

/// One feature's signed push on the log-odds of an unsuccessful outcome (positive = riskier).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    pub feature: String,
    /// Position of the feature in the model's `feature_names`.
    pub index: usize,
    /// The learner's value.
    pub value: f64,
    pub course_mean: f64,
    pub contribution: f64,
}

impl TrainedModel {
    /// Signed contribution of each feature to this learner's log-odds relative to the course:
    /// `coefficient × (x − course_mean) / training_std`. Sorted by absolute value, largest
    /// first; ties keep feature order. `course_means` are the current course's means of the same
    /// features (they may differ from the training means, which come from past cohorts).
    pub fn contributions(
        &self,
        row: &[f64],
        course_means: &[f64],
    ) -> Result<Vec<Contribution>, ModelError> {
        self.validate()?;
        self.check_row(row, "value")?;
        self.check_row(course_means, "course mean")?;
        let mut contributions: Vec<Contribution> = self
            .feature_names
            .iter()
            .zip(self.coefficients.iter().zip(&self.stds))
            .zip(row.iter().zip(course_means))
            .enumerate()
            .map(
                |(index, ((feature, (&coefficient, std)), (&value, &course_mean)))| {
                    let contribution = if let Some(shape) = self.shapes.get(index) {
                        // Additive model: the shape between the course mean and the value.
                        shape.at(value) - shape.at(course_mean)
                    } else if coefficient == 0.0 {
                        0.0
                    } else {
                        coefficient * (value - course_mean) / std
                    };
                    Contribution {
                        feature: feature.clone(),
                        index,
                        value,
                        course_mean,
                        contribution,
                    }
                },
            )
            .collect();
        if let Some(bad) = contributions.iter().find(|c| !c.contribution.is_finite()) {
            return Err(ModelError::Overflow {
                feature: bad.feature.clone(),
            });
        }
        // Stable sort: equal magnitudes keep feature order.
        contributions.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
        Ok(contributions)
    }
}
