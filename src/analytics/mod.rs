//! The learning-analytics domain, pure: which statements say what (`classify`), the metrics'
//! one definition (`metrics`), a learner's features and their explanation (`features`,
//! `explain`), the at-risk models (`model`), and the settings. No I/O and no async here; the
//! services (`crate::service::analytics`) put it to work over the store. See
//! `docs/ANALYTICS.md`.

pub mod classify;
pub mod explain;
pub mod features;
pub mod metrics;
pub mod model;
pub mod settings;
