//! The at-risk model: predicts an unsuccessful course outcome (fail or withdrawn) from engagement
//! features, and explains each prediction. Pure math, no I/O: the feature extractor builds a
//! [`Dataset`], [`train`] returns a [`TrainedModel`] that the caller stores as JSONB, and the
//! model later scores ([`TrainedModel::probability`], [`TrainedModel::band`]) and explains
//! ([`TrainedModel::contributions`]) single learners; [`evaluate`] measures it on held-out rows
//! (see [`Dataset::stratified_split`]).
//!
//! The model is an L2-regularised logistic regression on standardised features, fitted by
//! `linfa-logistic`. Logistic regression is chosen over trees because its per-feature
//! contributions are exact and stable, which is what a teacher acting on a flag needs. Each
//! coefficient is kept on the side its feature is known to push the risk ([`RiskSign`]): a
//! feature the fit would give the wrong sign is left out and the model fitted again, so that
//! no explanation ever reads backwards.

pub mod additive;
mod band;
mod contributions;
mod dataset;
mod error;
mod evaluate;
pub mod fairness;
mod metrics;
mod options;
pub mod select;
mod split;
mod standardize;
mod train;
mod trained;

#[cfg(test)]
mod tests;

pub use band::Band;
pub use contributions::Contribution;
pub use dataset::{Dataset, RiskSign};
pub use error::ModelError;
pub use evaluate::{Evaluation, evaluate};
pub use metrics::{brier_score, roc_auc};
pub use options::{Algorithm, ClassWeighting, TrainOptions};
pub use train::train;
pub use trained::{MODEL_FORMAT_VERSION, TrainedModel, TrainingSummary};
