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

    /// A copy holding only the rows at `indices` (in that order). Indices out of range are skipped.
    pub(super) fn subset(&self, indices: &[usize]) -> Dataset {
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
        }
    }
}
