//! Synthetic cohorts with a known signal: fewer active days and lower scores mean a higher risk;
//! `noise` is unrelated and `constant` never varies.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::analytics::model::{Algorithm, ClassWeighting, MODEL_FORMAT_VERSION};
use crate::analytics::model::{Dataset, TrainedModel, TrainingSummary};

pub const NAMES: [&str; 4] = ["active_days", "avg_score", "noise", "constant"];

fn standard_normal(rng: &mut StdRng) -> f64 {
    // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
    let u: f64 = 1.0 - rng.random::<f64>();
    let v: f64 = rng.random::<f64>();
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// `n` learners; the true log-odds of failing are `intercept + signal × (−1.5 z₁ − z₂)`.
pub fn cohort(n: usize, seed: u64, signal: f64, intercept: f64) -> Dataset {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut rows = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let (z1, z2, z3) = (
            standard_normal(&mut rng),
            standard_normal(&mut rng),
            standard_normal(&mut rng),
        );
        let log_odds = intercept + signal * (-1.5 * z1 - z2);
        let p = 1.0 / (1.0 + (-log_odds).exp());
        labels.push(rng.random::<f64>() < p);
        rows.push(vec![
            20.0 + 5.0 * z1,
            0.7 + 0.1 * z2,
            100.0 + 30.0 * z3,
            3.0,
        ]);
    }
    Dataset {
        feature_names: NAMES.iter().map(|s| (*s).to_owned()).collect(),
        rows,
        labels,
        risk_signs: Vec::new(),
    }
}

/// A hand-made one-feature model: P = sigmoid(x) with mean 0, std 1, threshold 0.5.
pub fn identity_model() -> TrainedModel {
    TrainedModel {
        format_version: MODEL_FORMAT_VERSION,
        algorithm: Algorithm::LogisticRegression,
        feature_names: vec!["x".to_owned()],
        means: vec![0.0],
        stds: vec![1.0],
        coefficients: vec![1.0],
        intercept: 0.0,
        threshold: 0.5,
        training: TrainingSummary {
            rows: 2,
            positives: 1,
            negatives: 1,
            base_rate: 0.5,
            auc_train: 1.0,
            brier_train: 0.0,
            l2: 0.0,
            max_iterations: 1,
            class_weighting: ClassWeighting::None,
            prior_shift: 0.0,
            constant_features: vec![],
            dropped_features: Vec::new(),
            target_precision: None,
            flagged_share_train: None,
        },
        shapes: Vec::new(),
    }
}

pub fn one_feature(values: &[f64], labels: &[bool]) -> Dataset {
    Dataset {
        feature_names: vec!["x".to_owned()],
        rows: values.iter().map(|v| vec![*v]).collect(),
        labels: labels.to_vec(),
        risk_signs: Vec::new(),
    }
}
