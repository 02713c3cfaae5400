//! The training and evaluation input: named numeric features per learner and the outcome. The
//! caller (the feature extractor) imputes missing values; this module only checks the contract.

use std::collections::HashSet;

use super::ModelError;

/// Rows of named numeric features with a label: `true` = unsuccessful outcome (fail or withdrawn).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    pub feature_names: Vec<String>,
    pub rows: Vec<Vec<f64>>,
    pub labels: Vec<bool>,
    /// Which way each feature may push the risk (empty: every feature is free). Training keeps
    /// every coefficient on its feature's side (see [`RiskSign`]).
    pub risk_signs: Vec<RiskSign>,
}

/// The direction in which a feature is known to move the risk of an unsuccessful outcome.
///
/// Engagement measures are strongly correlated (actions, active days, sessions and hours moved
/// together with a correlation of 0.93 on real course data), and an unconstrained fit shares
/// their effect out with opposite signs: "4.5 learning actions a week (course average 31.8)"
/// then read as *lowering* the risk of a learner at 0.92. With every coefficient on its
/// feature's side, a factor raises the risk exactly when the learner is on the risky side of
/// the course average, and lowers it exactly when on the safe side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskSign {
    /// A higher value means a higher risk (days since the last activity): coefficient >= 0.
    HigherIsRiskier,
    /// A higher value means a lower risk (engagement, scores): coefficient <= 0.
    HigherIsSafer,
    /// No constraint.
    Free,
}

impl RiskSign {
    /// How far `coefficient` (on "positive = unsuccessful") is on the wrong side; 0 if none.
    pub fn violation(self, coefficient: f64) -> f64 {
        match self {
            RiskSign::HigherIsRiskier => (-coefficient).max(0.0),
            RiskSign::HigherIsSafer => coefficient.max(0.0),
            RiskSign::Free => 0.0,
        }
    }
}

impl Dataset {
    /// Number of unsuccessful outcomes.
    pub fn positives(&self) -> usize {
        self.labels.iter().filter(|&&label| label).count()
    }

    /// Checks the contract every consumer relies on: at least one feature, unique names, at least
    /// one row, one label per row, every row as long as `feature_names`, every value finite.
    /// Does not require both outcomes (evaluation does not need them; training does).
    pub fn validate(&self) -> Result<(), ModelError> {
        if self.feature_names.is_empty() {
            return Err(ModelError::NoFeatures);
        }
        let mut seen = HashSet::with_capacity(self.feature_names.len());
        for name in &self.feature_names {
            if !seen.insert(name.as_str()) {
                return Err(ModelError::DuplicateFeature(name.clone()));
            }
        }
        if !self.risk_signs.is_empty() && self.risk_signs.len() != self.feature_names.len() {
            return Err(ModelError::RowLength {
                row: 0,
                expected: self.feature_names.len(),
                found: self.risk_signs.len(),
            });
        }
        if self.rows.len() != self.labels.len() {
            return Err(ModelError::LabelCount {
                rows: self.rows.len(),
                labels: self.labels.len(),
            });
        }
        if self.rows.is_empty() {
            return Err(ModelError::EmptyDataset);
        }
        for (row_index, row) in self.rows.iter().enumerate() {
            if row.len() != self.feature_names.len() {
                return Err(ModelError::RowLength {
                    row: row_index,
                    expected: self.feature_names.len(),
                    found: row.len(),
                });
            }
            for (name, &value) in self.feature_names.iter().zip(row) {
                if !value.is_finite() {
                    return Err(ModelError::NonFinite {
                        feature: name.clone(),
                        row: row_index,
                        value,
                    });
                }
            }
        }
        Ok(())
    }

    /// The same rows with only the features named `names`, in that order (a model trained
    /// before a feature was added is evaluated on the features it knows).
    pub fn project(&self, names: &[String]) -> Result<Dataset, ModelError> {
        let positions: Vec<usize> = names
            .iter()
            .map(|name| {
                self.feature_names
                    .iter()
                    .position(|f| f == name)
                    .ok_or_else(|| ModelError::FeatureName {
                        index: 0,
                        expected: name.clone(),
                        found: "(not computed any more)".to_owned(),
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Dataset {
            feature_names: names.to_vec(),
            rows: self
                .rows
                .iter()
                .map(|row| positions.iter().map(|&j| row[j]).collect())
                .collect(),
            labels: self.labels.clone(),
            risk_signs: if self.risk_signs.is_empty() {
                Vec::new()
            } else {
                positions.iter().map(|&j| self.risk_signs[j]).collect()
            },
        })
    }

    /// The sign constraint of feature `index` (free when none are given).
    pub fn risk_sign(&self, index: usize) -> RiskSign {
        self.risk_signs
            .get(index)
            .copied()
            .unwrap_or(RiskSign::Free)
    }

    /// A copy holding only the rows at `indices` (in that order). Indices out of range are skipped.
    pub fn subset(&self, indices: &[usize]) -> Dataset {
        let mut rows = Vec::with_capacity(indices.len());
        let mut labels = Vec::with_capacity(indices.len());
        for &index in indices {
            if let (Some(row), Some(&label)) = (self.rows.get(index), self.labels.get(index)) {
                rows.push(row.clone());
                labels.push(label);
            }
        }
        Dataset {
            feature_names: self.feature_names.clone(),
            rows,
            labels,
            risk_signs: self.risk_signs.clone(),
        }
    }
}
