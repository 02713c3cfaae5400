//! The analytics layer end to end: statements in through the xAPI, metrics out through SQL
//! and the analytics API.

mod api;
mod fixtures;
mod list_pages;
mod metrics;
mod model_gate;
mod names;
mod property;
mod retrain;
mod scoring;
