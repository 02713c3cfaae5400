//! Column means and standard deviations of the training rows. The model works on standardised
//! features so that one L2 penalty treats "minutes active" and "share of quizzes passed" alike,
//! and so that coefficients are comparable across features.

use super::{Dataset, ModelError};

/// A column whose spread is below this fraction of its magnitude is constant: floating-point
/// noise in its mean must not be blown up into a signal by dividing by a near-zero std.
const CONSTANT_RELATIVE_SPREAD: f64 = 1e-10;

/// Per-column statistics. `stds` is 1 for constant columns, which are listed in `constant`.
pub(super) struct Standardizer {
    pub means: Vec<f64>,
    pub stds: Vec<f64>,
    pub constant: Vec<bool>,
}

impl Standardizer {
    /// Population statistics of `data`'s columns. `data` must already be validated.
    pub fn fit(data: &Dataset) -> Result<Self, ModelError> {
        let columns = data.feature_names.len();
        let n = data.rows.len() as f64;
        let mut means = vec![0.0; columns];
        for row in &data.rows {
            for (sum, value) in means.iter_mut().zip(row) {
                *sum += value;
            }
        }
        means.iter_mut().for_each(|sum| *sum /= n);
        let mut variances = vec![0.0; columns];
        for row in &data.rows {
            for ((sum, value), mean) in variances.iter_mut().zip(row).zip(&means) {
                *sum += (value - mean) * (value - mean);
            }
        }
        let mut stds = Vec::with_capacity(columns);
        let mut constant = Vec::with_capacity(columns);
        for ((name, mean), sum) in data.feature_names.iter().zip(&means).zip(&variances) {
            let std = (sum / n).sqrt();
            if !mean.is_finite() || !std.is_finite() {
                return Err(ModelError::Overflow {
                    feature: name.clone(),
                });
            }
            let is_constant = std <= CONSTANT_RELATIVE_SPREAD * mean.abs().max(1.0);
            stds.push(if is_constant { 1.0 } else { std });
            constant.push(is_constant);
        }
        Ok(Self {
            means,
            stds,
            constant,
        })
    }

    /// The standardised rows, row-major; constant columns are exactly 0.
    pub fn transform(&self, data: &Dataset) -> Vec<f64> {
        let mut out = Vec::with_capacity(data.rows.len() * self.means.len());
        for row in &data.rows {
            for (((value, mean), std), constant) in row
                .iter()
                .zip(&self.means)
                .zip(&self.stds)
                .zip(&self.constant)
            {
                out.push(if *constant { 0.0 } else { (value - mean) / std });
            }
        }
        out
    }
}
