//! Rosters and outcomes from a student-information system, and how a learner is named in them.

pub mod enrolments;
mod learner_key;
pub mod outcomes;

pub use learner_key::learner_key;
