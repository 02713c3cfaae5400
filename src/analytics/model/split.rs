//! Hold-out split for honest evaluation: train on one part, report metrics on the other.
//! Stratified so that a course with 25 % unsuccessful learners keeps that share in both parts,
//! and seeded so the same request always gives the same split.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::{Dataset, ModelError};

impl Dataset {
    /// Splits into `(training, holdout)`, putting `round(holdout_fraction × n)` rows of each
    /// outcome into the hold-out part. Rows keep their original relative order in both parts.
    /// Deterministic for a given `seed` (and version of `rand`).
    pub fn stratified_split(
        &self,
        holdout_fraction: f64,
        seed: u64,
    ) -> Result<(Dataset, Dataset), ModelError> {
        if !(holdout_fraction > 0.0 && holdout_fraction < 1.0) {
            return Err(ModelError::InvalidOption {
                option: "holdout_fraction",
                reason: format!("must be strictly between 0 and 1, got {holdout_fraction}"),
            });
        }
        self.validate()?;
        let mut rng = StdRng::seed_from_u64(seed);
        let mut training = Vec::with_capacity(self.rows.len());
        let mut holdout = Vec::new();
        for outcome in [true, false] {
            let mut indices: Vec<usize> = (0..self.labels.len())
                .filter(|&index| self.labels.get(index) == Some(&outcome))
                .collect();
            indices.shuffle(&mut rng);
            // `as` saturates; the product is at most `indices.len()`.
            let take = ((indices.len() as f64) * holdout_fraction).round() as usize;
            let (held, kept) = indices.split_at(take.min(indices.len()));
            holdout.extend_from_slice(held);
            training.extend_from_slice(kept);
        }
        training.sort_unstable();
        holdout.sort_unstable();
        Ok((self.subset(&training), self.subset(&holdout)))
    }
}
