//! Seeding and the small numeric helpers of the model.
//!
//! Every learner draws from its own ChaCha8 stream derived from (seed, run, course, learner):
//! a learner's history then does not depend on how the generator interleaves learners, and
//! ChaCha (unlike `StdRng`) promises the same numbers on every platform and release.
//! Distributions come from `rand_distr`, whose results may change between its minor
//! versions: a `rand_distr` upgrade may change the statements a seed gives.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Poisson, StandardNormal};
use uuid::Uuid;

pub(crate) type SimRng = ChaCha8Rng;

/// What a generator is for: each purpose draws from its own ChaCha stream.
#[derive(Clone, Copy)]
pub(crate) enum Purpose {
    Learner = 0,
    Material = 1,
}

/// The generator for the entity named by `parts` under `seed`. The key is the seed and the
/// parts side by side, so distinct entities never share a generator.
pub(crate) fn derive(seed: u64, parts: [u64; 3], purpose: Purpose) -> SimRng {
    let mut key = [0u8; 32];
    for (chunk, word) in key
        .chunks_exact_mut(8)
        .zip([seed, parts[0], parts[1], parts[2]])
    {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(purpose as u64);
    rng
}

/// A version 4 UUID drawn from the seeded generator (so still deterministic).
pub(crate) fn uuid_v4(rng: &mut SimRng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

/// A draw from N(0, 1).
pub(crate) fn normal(rng: &mut SimRng) -> f64 {
    rng.sample(StandardNormal)
}

pub(crate) fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// True with probability `p`.
pub(crate) fn chance(rng: &mut SimRng, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// A Poisson draw, capped at `max` (a week has only so many evenings).
pub(crate) fn poisson(rng: &mut SimRng, mean: f64, max: u32) -> u32 {
    match Poisson::new(mean) {
        // The draw is a whole number as an f64; the cap makes the cast exact.
        Ok(poisson) => rng.sample(poisson).min(f64::from(max)) as u32,
        Err(_) => 0,
    }
}

/// An index drawn with the given (non-negative) weights.
pub(crate) fn weighted(rng: &mut SimRng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len().saturating_sub(1)
}
