//! The analytics tables: the queue, courses and learners, learning events and the aggregates
//! materialized from them, models.

pub mod activations;
pub mod activities;
pub mod course_settings;
pub mod days;
pub mod enrolments;
pub mod entities;
pub mod events;
pub mod learner_page;
pub mod learners;
pub mod metrics;
pub mod models;
pub mod progress;
pub mod queue;
pub mod rebuild;
pub mod reports;
pub mod retraining;
pub mod totals;
pub mod verify;
