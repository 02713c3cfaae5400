//! Fitting: standardise, hand the L2-penalised logistic loss to `linfa-logistic` (L-BFGS with a
//! Moré-Thuente line search), map its coefficients back to "positive = unsuccessful", then apply
//! the class-balancing prior shift.

use linfa::ParamGuard;
use linfa::dataset::DatasetBase;
use linfa::traits::Fit;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};

use super::metrics::{brier_score, roc_auc};
use super::standardize::Standardizer;
use super::trained::MODEL_FORMAT_VERSION;
use super::{
    Algorithm, ClassWeighting, Dataset, ModelError, TrainOptions, TrainedModel, TrainingSummary,
};

/// Trains a model predicting an unsuccessful outcome. Needs at least one row of each outcome.
pub fn train(data: &Dataset, options: &TrainOptions) -> Result<TrainedModel, ModelError> {
    options.validate()?;
    data.validate()?;
    let rows = data.rows.len();
    let positives = data.positives();
    let negatives = rows - positives;
    if positives == 0 || negatives == 0 {
        return Err(ModelError::SingleClass {
            rows,
            unsuccessful: positives > 0,
        });
    }
    let scaler = Standardizer::fit(data)?;
    let (mut coefficients, fitted_intercept, dropped_features, shapes) = match options.algorithm {
        Algorithm::LogisticRegression => {
            let (coefficients, intercept, dropped) = fit_within_signs(data, &scaler, options)?;
            (coefficients, intercept, dropped, Vec::new())
        }
        Algorithm::GradientBoostedTrees => {
            let fitted = super::additive::fit(data)?;
            (
                vec![0.0; data.feature_names.len()],
                fitted.intercept,
                Vec::new(),
                fitted.shapes,
            )
        }
    };
    for (coefficient, &constant) in coefficients.iter_mut().zip(&scaler.constant) {
        if constant {
            *coefficient = 0.0;
        }
    }
    let prior_shift = match options.class_weighting {
        ClassWeighting::Balanced => (negatives as f64 / positives as f64).ln(),
        ClassWeighting::None => 0.0,
    };
    let constant_features = data
        .feature_names
        .iter()
        .zip(&scaler.constant)
        .filter(|(_, constant)| **constant)
        .map(|(name, _)| name.clone())
        .collect();
    let mut model = TrainedModel {
        format_version: MODEL_FORMAT_VERSION,
        algorithm: options.algorithm,
        feature_names: data.feature_names.clone(),
        means: scaler.means,
        stds: scaler.stds,
        coefficients,
        intercept: fitted_intercept + prior_shift,
        threshold: options.threshold,
        training: TrainingSummary {
            rows,
            positives,
            negatives,
            base_rate: positives as f64 / rows as f64,
            auc_train: 0.0,
            brier_train: 0.0,
            l2: options.l2,
            max_iterations: options.max_iterations,
            class_weighting: options.class_weighting,
            prior_shift,
            constant_features,
            dropped_features,
            target_precision: None,
            flagged_share_train: None,
        },
        shapes,
    };
    model.validate().map_err(|error| {
        ModelError::Solver(format!("training produced an unusable model ({error})"))
    })?;
    let probabilities = data
        .rows
        .iter()
        .map(|row| model.probability(row))
        .collect::<Result<Vec<f64>, ModelError>>()?;
    model.training.auc_train = roc_auc(&probabilities, &data.labels).unwrap_or(0.5);
    model.training.brier_train = brier_score(&probabilities, &data.labels).unwrap_or(0.0);
    if let Some(target) = options.target_precision
        && let Some((threshold, share)) = precise_threshold(&probabilities, &data.labels, target)
    {
        model.threshold = threshold;
        model.training.target_precision = Some(target);
        model.training.flagged_share_train = Some(share);
    }
    Ok(model)
}

/// The lowest threshold at which at least `target` of the learners flagged (score at or above
/// it) were unsuccessful, and the share flagged: the largest group "high" can name while
/// keeping its precision. None when no group of at least five learners reaches it.
fn precise_threshold(scores: &[f64], labels: &[bool], target: f64) -> Option<(f64, f64)> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (mut flagged, mut hits) = (0usize, 0usize);
    let mut best = None;
    for (k, &i) in order.iter().enumerate() {
        flagged += 1;
        hits += usize::from(labels[i]);
        // A threshold between tied scores would flag only some of them: cut after the tie.
        let tie_continues = order
            .get(k + 1)
            .is_some_and(|&next| scores[next] == scores[i]);
        if tie_continues {
            continue;
        }
        if flagged >= 5 && hits as f64 / flagged as f64 >= target {
            best = Some((scores[i], flagged as f64 / scores.len() as f64));
        }
    }
    best.map(|(t, share)| (t.clamp(1e-6, 1.0 - 1e-6), share))
}

/// Coefficients per standardised feature and the intercept, for P(unsuccessful), with every
/// coefficient on its feature's side ([`super::RiskSign`]), and the features left out for it.
///
/// Fits on every usable feature; while a coefficient has the wrong sign, leaves out the feature
/// whose coefficient is furthest on the wrong side and fits again. A feature whose effect the
/// fit can only express backwards is redundant with the others (it carries, with the wrong
/// sign, part of what a correlated feature says the right way round): leaving it out costs
/// little accuracy, and what remains can be read as it is.
fn fit_within_signs(
    data: &Dataset,
    scaler: &Standardizer,
    options: &TrainOptions,
) -> Result<(Vec<f64>, f64, Vec<String>), ModelError> {
    let features = data.feature_names.len();
    let standardised = scaler.transform(data);
    let mut active: Vec<usize> = (0..features).filter(|&j| !scaler.constant[j]).collect();
    let mut dropped = Vec::new();
    loop {
        if active.is_empty() {
            return Ok((vec![0.0; features], base_log_odds(data), dropped));
        }
        let (fitted, intercept) = fit_logistic(&standardised, features, &active, data, options)?;
        let mut coefficients = vec![0.0; features];
        for (&j, coefficient) in active.iter().zip(fitted) {
            coefficients[j] = coefficient;
        }
        let worst = active
            .iter()
            .map(|&j| (j, data.risk_sign(j).violation(coefficients[j])))
            .filter(|(_, violation)| *violation > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match worst {
            None => return Ok((coefficients, intercept, dropped)),
            Some((j, _)) => {
                active.retain(|&k| k != j);
                dropped.push(data.feature_names[j].clone());
            }
        }
    }
}

/// The log-odds of an unsuccessful outcome in the data: the model of a learner when no feature
/// says anything.
fn base_log_odds(data: &Dataset) -> f64 {
    let positives = data.positives() as f64;
    let negatives = data.rows.len() as f64 - positives;
    (positives / negatives).ln()
}

/// Logistic regression on the `columns` of the standardised rows (row-major, `features` wide):
/// their coefficients, in the order of `columns`, and the intercept.
fn fit_logistic(
    standardised: &[f64],
    features: usize,
    columns: &[usize],
    data: &Dataset,
    options: &TrainOptions,
) -> Result<(Vec<f64>, f64), ModelError> {
    let rows = data.rows.len();
    let mut selected = Vec::with_capacity(rows * columns.len());
    for row in standardised.chunks(features.max(1)) {
        selected.extend(columns.iter().map(|&j| row[j]));
    }
    let records = Array2::from_shape_vec((rows, columns.len()), selected)
        .map_err(|error| ModelError::Solver(error.to_string()))?;
    let targets = Array1::from(data.labels.clone());
    let dataset = DatasetBase::new(records, targets);
    // linfa minimises the summed log-loss + alpha/2 |w|², which is how `l2` is defined.
    let fitted = LogisticRegression::default()
        .alpha(options.l2)
        .max_iterations(options.max_iterations)
        .check()
        .and_then(|params| params.fit(&dataset))
        .map_err(|error| ModelError::Solver(error.to_string()))?;
    let coefficients = fitted.params().to_vec();
    // linfa models P(the class it labels positive), which is the more frequent one, whichever
    // that is; flip the signs when that class is "successful".
    if fitted.labels().pos.class {
        Ok((coefficients, fitted.intercept()))
    } else {
        Ok((
            coefficients.into_iter().map(|c| -c).collect(),
            -fitted.intercept(),
        ))
    }
}
