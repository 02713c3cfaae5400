//! The learning-analytics layer: statements become engagement metrics per learner, course and
//! week, materialized incrementally by a background worker, and at-risk scores from models
//! trained on learners whose outcome is known. See `docs/ANALYTICS.md`.

pub mod apply;
pub mod classify;
pub mod explain;
pub mod features;
pub mod model;
pub mod rebuild;
pub mod retrain;
pub mod scoring;
pub mod settings;
pub mod simulator;
pub mod training;
pub mod verify;
pub mod worker;
