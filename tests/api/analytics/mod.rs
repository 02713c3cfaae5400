//! The analytics layer end to end: statements in through the xAPI, metrics out through SQL
//! and the analytics API.

mod api;
mod course_settings;
pub mod fixtures;
mod inputs;
mod list_pages;
mod metrics;
pub mod model_gate;
mod names;
mod parallel;
mod property;
mod queue_vacuum;
mod reasons;

pub use property::snapshot;
mod retrain;
mod rosters;
mod scoring;
