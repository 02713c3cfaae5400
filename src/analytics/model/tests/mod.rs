//! Tests of the at-risk model, one file per concern. Synthetic data comes from a seeded RNG, so
//! every run sees the same rows.

mod contributions;
mod errors;
mod evaluate;
mod metrics;
mod serde;
mod split;
pub(super) mod synthetic;
mod train;

/// A model trained with default options on a seeded synthetic cohort.
fn cohort_model() -> crate::analytics::model::TrainedModel {
    let data = synthetic::cohort(300, 21, 1.5, -1.0);
    crate::analytics::model::train(&data, &Default::default()).unwrap()
}
