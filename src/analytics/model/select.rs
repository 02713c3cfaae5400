//! Choosing the algorithm for a training set by held-out evaluation: each candidate is trained
//! on three quarters of the learners (stratified, seeded) and ranks the last quarter; the one
//! with the higher ROC AUC there is then trained on all of them. Which algorithm suits depends on
//! the courses: boosted stumps follow thresholds and plateaus that a straight line misses, and
//! need more learners to find them.

use serde::Serialize;

use super::{Algorithm, Dataset, ModelError, TrainOptions, TrainedModel, evaluate, train};

/// Fewer learners than this leave too few for a held-out quarter to decide: logistic
/// regression, the steadier on small data, is trained without a comparison.
pub const MIN_ROWS_TO_COMPARE: usize = 100;
const HOLDOUT: f64 = 0.25;
const SEED: u64 = 17;

/// One candidate's result on the held-out quarter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub algorithm: Algorithm,
    pub held_out_roc_auc: Option<f64>,
}

/// Trains the better of `candidates` on `data` (options otherwise as given); returns it and
/// each candidate's held-out figure (empty when the data were too few to compare).
pub fn train_best(
    data: &Dataset,
    options: &TrainOptions,
    candidates: &[Algorithm],
) -> Result<(TrainedModel, Vec<Candidate>), ModelError> {
    let first = candidates
        .first()
        .copied()
        .unwrap_or(Algorithm::LogisticRegression);
    if candidates.len() < 2 || data.rows.len() < MIN_ROWS_TO_COMPARE {
        let algorithm = if candidates.len() < 2 {
            first
        } else {
            Algorithm::LogisticRegression
        };
        let model = train(
            data,
            &TrainOptions {
                algorithm,
                ..*options
            },
        )?;
        return Ok((model, Vec::new()));
    }
    let (training, holdout) = data.stratified_split(HOLDOUT, SEED)?;
    let mut results = Vec::with_capacity(candidates.len());
    for &algorithm in candidates {
        let auc = train(
            &training,
            &TrainOptions {
                algorithm,
                ..*options
            },
        )
        .and_then(|model| evaluate(&model, &holdout))
        .map(|evaluation| evaluation.auc)
        .unwrap_or(None);
        results.push(Candidate {
            algorithm,
            held_out_roc_auc: auc,
        });
    }
    // Ties, and candidates without a figure, go to the first listed.
    let best = results
        .iter()
        .filter(|c| c.held_out_roc_auc.is_some())
        .fold(None::<&Candidate>, |best, c| match best {
            Some(b) if b.held_out_roc_auc >= c.held_out_roc_auc => Some(b),
            _ => Some(c),
        })
        .map_or(first, |c| c.algorithm);
    let model = train(
        data,
        &TrainOptions {
            algorithm: best,
            ..*options
        },
    )?;
    Ok((model, results))
}
